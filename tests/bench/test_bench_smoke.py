"""`make bench --quick` as a smoke test: the whole benchmark (generator, gunicorn, Celery worker,
load process, PDFs, aggregation) runs at small sizes on its own database (thidua_bench_quick)
and writes every figure with samples. Speed is not asserted here (figures, not timed tests);
what the figures must show whatever the speed is: no vote lost, doubled or failed, and the same
query count on every request of a page."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import own_database

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = ("baseline", "home", "score_entry", "ranking", "ballot", "results", "province_overview")


@pytest.mark.bench
@pytest.mark.worker
@pytest.mark.postgres
def test_quick_bench_writes_every_figure(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--quick",
            "--out",
            str(out),
            "--db",
            own_database("bench_quick"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (ROOT / "test-output").mkdir(exist_ok=True)
    (ROOT / "test-output" / "bench-quick.txt").write_text(proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-3000:]
    results = json.loads(out.read_text())

    for name in PAGES:
        page = results["pages"][name]
        assert page["samples"] > 0, name
        assert page["errors"] == 0, (name, page["statuses"])
        for key in ("server_ms", "client_ms", "queries"):
            assert page[key]["samples"] > 0 and page[key]["median"] is not None, (name, key)
            assert page[key]["p95"] >= page[key]["median"], (name, key)
        assert page["ratio_to_baseline"] is not None, name
        assert page["queries_min"] == page["queries_max"], (name, "query count varies between requests")

    burst = results["vote_burst"]
    assert burst["samples"] > 0
    assert burst["counted"] == burst["voters"] == burst["participations"]
    assert (burst["lost"], burst["doubled"], burst["errors"]) == (0, 0, 0)
    assert burst["cast_client_ms"]["p95"] is not None

    arrivals = results["vote_arrivals"]  # the same voters again, at Poisson arrival times
    assert arrivals["samples"] > 0 and arrivals["cast_client_ms"]["p95"] is not None
    assert arrivals["counted"] == arrivals["voters"] == arrivals["participations"]
    assert (arrivals["lost"], arrivals["doubled"], arrivals["errors"]) == (0, 0, 0)

    scale = results["scale"]  # 1 and 2 gunicorn instances, 1 and 2 workers, one database
    assert set(scale["web"]) == {
        "ballot_1_instance",
        "ranking_1_instance",
        "ballot_2_instances",
        "ranking_2_instances",
    }
    for name, fig in scale["web"].items():
        assert fig["samples"] > 0 and fig["errors"] == 0, name
    for name, fig in scale["pdf"].items():
        assert fig["failed"] == 0 and fig["samples"] == fig["documents"], name

    pledges = [f for name, f in results["pdf"].items() if name.startswith("pledge_")]
    assert len(pledges) == 2
    for fig in pledges:
        assert fig["samples"] > 0
        assert fig["raw_weasyprint_ms"]["samples"] > 0
        assert fig["ratio_to_raw"] > 0
    assert results["pdf"]["per_added_signatory"]["samples"] > 0
    signing = results["pdf"]["signing"]
    assert signing["samples"] == signing["signatories"] > 0, signing
    if results["summary_report"].get("available"):
        assert results["summary_report"]["samples"] > 0

    agg = results["aggregation"]
    assert agg["samples"] > 0 and agg["median"] is not None
    assert agg["units"] == results["sizes"]["agg_units"]
    assert agg["subtotals_agree_with_recount"] is True

    assert results["targets"], "the targets are listed"
    assert "== Targets" in proc.stdout
