"""The web entry points settle the heap once the application is loaded (emulation.startup):
the start-up objects are out of reach of the garbage collector's full collections."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wsgi_and_asgi_entry_points_freeze_the_start_up_heap():
    env = {**os.environ, "DJANGO_DEMO": "true"}  # the demo's own random secrets, not the public ones
    for module in ("emulation.wsgi", "emulation.asgi"):
        code = f"import gc, {module}; print(gc.get_freeze_count())"
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert int(result.stdout.strip().splitlines()[-1]) > 20000, (module, result.stdout)
