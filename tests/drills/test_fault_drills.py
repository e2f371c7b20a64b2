"""The fault drills (bench/drills.py) run as part of the suite: a worker killed mid-render, the
broker stopped and started, database connections dropped, double-clicks. They use their own
database, Redis port, gunicorn and workers on loopback."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import own_database

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.drill
@pytest.mark.worker
@pytest.mark.postgres
def test_fault_drills_all_pass():
    proc = subprocess.run(
        [sys.executable, "-m", "bench.drills", "--db", own_database("drills")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=420,
    )
    (ROOT / "test-output" / "drills.txt").write_text(proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " 0 failed" in proc.stdout
    for drill in (
        "worker killed mid-render",
        "broker stopped and started",
        "database connections dropped",
        "double-click",
    ):
        assert f"DRILL: {drill}" in proc.stdout
