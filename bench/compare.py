"""Every measured page on the province data set and on the national one, interleaved request by
request: the same page is asked of the province's server, then of the country's, round after
round, so that both see the same machine at the same moment (two runs one after the other differ
by whatever else the machine did in between: the baseline view alone moved 1.18× between two
such runs). Per page: p95 on each (target: national ≤ 1.2× province) and the query counts
(identical). The figures go into bench/results.json ("national_comparison" and its target lines).

    .venv/bin/python -m bench.compare [--samples 200]

Needs the data sets of the last `bench.run` and `bench.run --national` (their manifests in var/).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT, Stack
from bench.stats import summary

RESULTS = ROOT / "bench" / "results.json"
P95_RATIO = 1.2
SIZES = {"province": "thidua_bench", "national": "thidua_bench_national"}


def write_specs(db, out):
    """In a process of its own (Django is set up once per process): the pages of `db`'s data set
    with logged-in sessions, as the load process reads them."""
    from bench.pages import complete_manifest, load_specs, page_list, sessions

    manifest = json.loads((ROOT / "var" / f"{db}-manifest.json").read_text())
    Stack(db).configure_django()
    Path(out).write_text(json.dumps(load_specs(page_list(complete_manifest(manifest)), sessions())))


def specs_for(db):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    subprocess.run([sys.executable, "-m", "bench.compare", "--write-specs", db, out], cwd=ROOT, check=True)
    pages = json.loads(Path(out).read_text())
    os.unlink(out)
    return pages


def measure(samples, web_workers=3):
    stacks, pages = {}, []
    load_before = os.getloadavg()
    try:
        for size, db in SIZES.items():
            stack = Stack(db, web_workers=web_workers)
            stack.env.update(BENCH_TIMING="1", LOG_LEVEL="WARNING")
            stack.logs.mkdir(parents=True, exist_ok=True)
            stacks[size] = stack
            specs = specs_for(db)
            stack.start_redis()
            base = stack.start_web()
            for page in specs:
                pages.append({**page, "size": size, "base": base})
        # one page of each size after the other, page by page (round robin in the load process)
        order = list(dict.fromkeys(p["name"] for p in pages))
        pages.sort(key=lambda p: order.index(p["name"]))
        spec = {
            "base": pages[0]["base"],
            "time_limit": 900,
            "pages": [
                {**p, "name": f"{p['name']}@{p['size']}", "samples": samples, "warmup": 2 * web_workers}
                for p in pages
            ],
        }
        logs = stacks["province"].logs
        spec_path, out_path = logs / "compare-spec.json", logs / "compare-out.json"
        spec_path.write_text(json.dumps(spec))
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "bench.load", "pages", str(spec_path), str(out_path)],
            cwd=ROOT,
            check=True,
            timeout=960,
        )
        raw = json.loads(out_path.read_text())
    finally:
        for stack in stacks.values():
            stack.stop()
    figures = {}
    for page in dict.fromkeys(p["name"] for p in pages):
        fig = {}
        for size in SIZES:
            ok = [x for x in raw["pages"][f"{page}@{size}"]["samples"] if x["status"] == 200]
            fig[size] = {
                "server_ms": summary([x.get("server_ms") for x in ok]),
                "cpu_ms": summary([x.get("cpu_ms") for x in ok]),
                "queries": sorted({x.get("queries") for x in ok}),
                "errors": len(raw["pages"][f"{page}@{size}"]["samples"]) - len(ok),
            }
        p95 = (fig["province"]["server_ms"]["p95"], fig["national"]["server_ms"]["p95"])
        med = (fig["province"]["server_ms"]["median"], fig["national"]["server_ms"]["median"])
        fig["p95_ratio"] = round(p95[1] / p95[0], 2) if all(p95) else None
        fig["median_ratio"] = round(med[1] / med[0], 2) if all(med) else None
        figures[page] = fig
    return {
        "method": "interleaved: each round asks every page of the province's server, then of the "
        "country's (two gunicorn instances of 3 workers, one request at a time)",
        "samples_per_page": samples,
        "seconds": round(time.monotonic() - started, 1),
        "load_average_at_start": [round(x, 2) for x in load_before],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "pages": figures,
    }


def target_lines(comparison):
    lines = []
    for name, f in comparison["pages"].items():
        if name == "baseline":
            continue
        p, n = f["province"], f["national"]
        lines.append(
            {
                "what": f"national: {name} p95 ≤ {P95_RATIO}× province (interleaved), same queries",
                "measured": f"{n['server_ms']['p95']} / {p['server_ms']['p95']} ms = {f['p95_ratio']}×; "
                f"queries {n['queries']} / {p['queries']}",
                "met": f["p95_ratio"] is not None
                and f["p95_ratio"] <= P95_RATIO
                and n["queries"] == p["queries"]
                and len(n["queries"]) == 1
                and not (n["errors"] or p["errors"]),
            }
        )
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200, help="requests per page and size")
    parser.add_argument("--write-specs", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_specs:
        write_specs(*args.write_specs)
        return 0
    comparison = measure(args.samples)
    print(f"{'page':<19}{'province p95':>14}{'national p95':>14}{'ratio':>7}{'medians':>9}  queries")
    for name, f in comparison["pages"].items():
        p, n = f["province"], f["national"]
        print(
            f"{name:<19}{p['server_ms']['p95']:>14}{n['server_ms']['p95']:>14}{f['p95_ratio']:>7}"
            f"{f['median_ratio']:>9}  {p['queries']} / {n['queries']}"
        )
    results = json.loads(RESULTS.read_text())
    results["national_comparison"] = comparison
    results["targets"] = [t for t in results["targets"] if not t["what"].startswith("national: ")]
    results["targets"] += target_lines(comparison)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    for line in target_lines(comparison):
        print(f"  {'MET ' if line['met'] else 'MISS'} {line['what']}: {line['measured']}")
    print(f"written to {RESULTS} ({comparison['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
