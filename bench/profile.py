"""Profile one measured figure in-process on the data set of the last `make bench` run:
cProfile (top functions by cumulative time), the SQL queries with their time, and EXPLAIN ANALYZE
of the slowest query.

    uv run python -m bench.profile baseline|ranking|score_entry|home|ballot|results|
                                   province_overview|year_end|unit_history|cluster_history|
                                   audit_chain|bulk_preview|cast|aggregation
                                   [--db thidua_bench] [--repeat 5] [--top 25]
    uv run python -m bench.profile score_entry --ratio [--samples 40]

`--ratio`: the page's ratio to the baseline view in-process (no gunicorn, no profiler): the page
and `/bench/baseline/` requested in turn through the test client, `--samples` each after a
warm-up, server time, CPU and queries read from the X-Bench header of the same middleware as in
the bench; prints medians, p95 and the load average before and after (compare ratios measured
back to back on a shared machine).

`cast` needs a voter of the burst poll who has not voted yet (run it before the burst, or after
`python -m bench.run --reuse` has taken the ballots back)."""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

from bench.harness import ROOT, Stack


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("figure")
    parser.add_argument("--db", default="thidua_bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--ratio", action="store_true", help="page / baseline, server time, in-process")
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    manifest = json.loads((ROOT / "var" / f"{args.db}-manifest.json").read_text())
    stack = Stack(args.db)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ["BENCH_TIMING"] = "1"  # the baseline page and the same middleware as in the bench
    stack.configure_django()

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import complete_manifest, page_list
    from bench.sessions import session_for
    from clusters.models import ClusterYear

    m = complete_manifest(manifest)
    pages = {name: (path, user, upload) for name, path, user, upload in page_list(m)}
    if args.ratio:
        return ratio(pages, args.figure, args.samples, Client, session_for)
    if args.figure == "aggregation":
        from emulation.scoring.selectors import ranking_for_year

        def run():
            cy = ClusterYear.objects.select_related("cluster").get(pk=m["aggregation_year"])
            return ranking_for_year(cy)
    elif args.figure == "cast":
        # one ballot cast through the view, rolled back afterwards (the data set stays as it was)
        client = Client()
        voter = m["burst"]["voters"][-1]
        s = session_for(voter)
        client.cookies["sessionid"] = s["session"]
        path = f"/awards/polls/{m['burst']['poll']}/vote/"
        data = {"step": "cast", "candidate": m["burst"]["candidates"][:2]}

        class Rollback(Exception):
            pass

        def run():
            try:
                with transaction.atomic():
                    r = client.post(path, data)
                    assert r.status_code == 200, r.status_code
                    raise Rollback
            except Rollback:
                return r
    else:
        from django.core.files.uploadedfile import SimpleUploadedFile

        path, user, upload = pages[args.figure]
        client = Client()
        client.cookies["sessionid"] = session_for(user)["session"]

        def run():
            if upload:
                r = client.post(
                    path, {upload["field"]: SimpleUploadedFile(upload["filename"], upload["content"])}
                )
            else:
                r = client.get(path)
            assert r.status_code == 200, r.status_code
            return r

    run()  # warm-up
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{args.figure}: {', '.join(f'{t:.1f}' for t in times)} ms")
    with CaptureQueriesContext(connection) as ctx:
        run()
    total_sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    print(f"\n{len(ctx.captured_queries)} queries, {total_sql:.1f} ms in SQL:")
    for q in ctx.captured_queries:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
    if slowest and slowest["sql"].lstrip().upper().startswith("SELECT"):
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            print("\nEXPLAIN ANALYZE of the slowest query:")
            for (line,) in cur.fetchall():
                print("  " + line)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.repeat):
        run()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    return 0


def ratio(pages, figure, samples, Client, session_for):
    import statistics

    from bench.stats import summary
    from emulation.bench_middleware import HEADER

    clients = {}
    for name in (figure, "baseline"):
        path, user, _upload = pages[name]
        client = Client()
        client.cookies["sessionid"] = session_for(user)["session"]
        clients[name] = (client, path)
    figures = {name: {"server_ms": [], "cpu_ms": [], "queries": set()} for name in clients}
    load_before = os.getloadavg()
    for i in range(samples + 3):  # 3 warm-up rounds, not counted
        for name, (client, path) in clients.items():
            r = client.get(path)
            assert r.status_code == 200, (path, r.status_code)
            if i < 3:
                continue
            server, queries, cpu = r[HEADER].split(";")
            figures[name]["server_ms"].append(float(server))
            figures[name]["cpu_ms"].append(float(cpu))
            figures[name]["queries"].add(int(queries))
    load_after = os.getloadavg()
    for name, f in figures.items():
        s, c = summary(f["server_ms"]), summary(f["cpu_ms"])
        print(
            f"{name:>14}: server median {s['median']} ms, p95 {s['p95']} ms; CPU median {c['median']} ms; "
            f"queries {sorted(f['queries'])}; n={s['samples']}"
        )
    page = statistics.median(figures[figure]["server_ms"])
    base = statistics.median(figures["baseline"]["server_ms"])
    cpu = statistics.median(figures[figure]["cpu_ms"]) / statistics.median(figures["baseline"]["cpu_ms"])
    print(f"ratio to baseline: server {page / base:.2f}x, CPU {cpu:.2f}x")
    print(
        "load average before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(
            *load_before, *load_after
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
