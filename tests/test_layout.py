"""The test layout mirrors the apps, every browser test lives under tests/e2e/, and the fast lane
(`make test-fast`) leaves out the browser, worker, bench and drill tests."""

import re
from pathlib import Path

import pytest

from tests import conftest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("documents", "clusters", "emulation/scoring", "emulation/pledges", "awards", "yearend")
FAST = "not browser and not worker and not bench and not drill"
BROWSER_USE = re.compile(r"mark\.browser|\bbrowser\b\s*[,)]|sync_playwright|from playwright")


def test_every_app_has_its_test_folder():
    for app in APPS:
        assert (ROOT / app / "apps.py").exists(), app
        assert (ROOT / "tests" / app / "__init__.py").exists(), f"tests/{app}/ is missing"


def test_no_browser_test_outside_tests_e2e():
    outside = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("test_*.py")
        if path.parent.name != "e2e" and path != Path(__file__) and BROWSER_USE.search(path.read_text())
    ]
    assert outside == []


def test_the_fast_lane_leaves_out_every_slow_folder_and_fixture():
    makefile = (ROOT / "Makefile").read_text()
    assert f'-m "{FAST}"' in makefile
    excluded = set(re.findall(r"not (\w+)", FAST))
    assert set(conftest.MARKERS_BY_FOLDER.values()) <= excluded
    assert set(conftest.MARKERS_BY_FIXTURE.values()) <= excluded
    for folder in conftest.MARKERS_BY_FOLDER:
        assert list((ROOT / "tests" / folder).glob("test_*.py")), folder


class _Item:
    """What the collection hook reads of a test item."""

    def __init__(self, path, fixturenames):
        self.path, self.fixturenames, self.markers = path, fixturenames, []

    def add_marker(self, marker):
        self.markers.append(marker)


@pytest.mark.parametrize(
    ("path", "fixture", "marker"),
    [
        ("tests/awards/test_x.py", "celery_worker", "worker"),
        ("tests/yearend/test_x.py", "browser", "browser"),
        ("tests/drills/test_x.py", "db", "drill"),
        ("tests/bench/test_x.py", "db", "bench"),
        ("tests/e2e/test_x.py", "db", "browser"),
    ],
)
def test_a_slow_test_is_marked_for_its_lane_by_its_folder_or_fixture(request, path, fixture, marker):
    item = _Item(ROOT / path, ["db", fixture])
    conftest.pytest_collection_modifyitems(request.config, [item])
    assert item.markers == [marker]


def test_a_quick_test_gets_no_slow_marker(request):
    item = _Item(ROOT / "tests/awards/test_x.py", ["db", "client", "page"])  # "page" as a parameter
    conftest.pytest_collection_modifyitems(request.config, [item])
    assert item.markers == []
