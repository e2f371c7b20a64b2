"""EXPLAIN of the slowest query of every measured page, on the data set of a `make bench` run,
written into bench/README.md between the markers of its label (province or national data).

    .venv/bin/python -m bench.explain --db thidua_bench --label province
    .venv/bin/python -m bench.explain --db thidua_bench_national --label national

Each page is requested in-process (Django's test client, the person the bench uses) three times;
the queries of the third request are captured, and every SELECT is run again under
EXPLAIN (ANALYZE, BUFFERS) and the slowest by PostgreSQL's execution time is kept.
The page's query count and SQL time are printed beside it."""

import argparse
import json
import os
import re
import sys

from bench.harness import ROOT, Stack

README = ROOT / "bench" / "README.md"


def explain_pages(manifest):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import complete_manifest, page_list
    from bench.sessions import session_for

    out = []
    for name, path, user, upload in page_list(complete_manifest(manifest)):
        client = Client()
        client.cookies["sessionid"] = session_for(user)["session"]

        def get(path=path, upload=upload, client=client):
            if upload:
                file = SimpleUploadedFile(upload["filename"], upload["content"])
                return client.post(path, {upload["field"]: file})
            return client.get(path)

        get()
        get()
        with CaptureQueriesContext(connection) as ctx:
            status = get().status_code
        queries = ctx.captured_queries
        # Django records times to the millisecond: each SELECT is run again under EXPLAIN ANALYZE
        # and the slowest by PostgreSQL's own execution time is kept.
        slowest, plan, slowest_ms = None, [], None
        for q in queries:
            if not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                lines = [line for (line,) in cur.fetchall()]
            ms = next(float(x.split(":")[1].split()[0]) for x in lines if x.startswith("Execution Time"))
            if slowest_ms is None or ms > slowest_ms:
                slowest, plan, slowest_ms = q, lines, ms
        out.append(
            {
                "page": name,
                "path": path,
                "status": status,
                "queries": len(queries),
                "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
                "slowest_ms": slowest_ms,
                "slowest_sql": slowest["sql"] if slowest else "",
                "plan": plan,
            }
        )
        print(
            f"{name:<18} {status} {len(queries):>3} queries, slowest {out[-1]['slowest_ms']} ms", flush=True
        )
    return out


def markdown(label, db, rows, rows_count):
    lines = [
        f"Data set `{db}` ({rows_count}). Per page: status, queries, SQL time of the request, the "
        "slowest query and its plan (EXPLAIN ANALYZE, BUFFERS; run once more after the request).",
        "",
        "| page | status | queries | SQL ms | slowest query ms | plan's top node |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        top = next((line.strip() for line in r["plan"] if line.strip()), "")
        top = re.sub(r"\s*\(cost=[^)]*\)", "", top)[:90]
        lines.append(
            f"| {r['page']} | {r['status']} | {r['queries']} | {r['sql_ms']} | {r['slowest_ms']} | `{top}` |"
        )
    lines.append("")
    for r in rows:
        if not r["plan"]:
            continue
        sql = r["slowest_sql"] if len(r["slowest_sql"]) <= 600 else r["slowest_sql"][:600] + " …"
        lines += [
            f"<details><summary>{label}: {r['page']} — slowest query {r['slowest_ms']} ms</summary>",
            "",
            "```sql",
            sql,
            "```",
            "```",
            *r["plan"],
            "```",
            "</details>",
            "",
        ]
    return "\n".join(lines)


def write_section(label, text):
    start, end = f"<!-- explain:{label}:start -->", f"<!-- explain:{label}:end -->"
    readme = README.read_text()
    if start not in readme:
        raise SystemExit(f"bench/README.md has no {start} marker")
    before, rest = readme.split(start, 1)
    _old, after = rest.split(end, 1)
    README.write_text(before + start + "\n" + text + "\n" + end + after)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="thidua_bench")
    parser.add_argument("--label", default="province", choices=["province", "national", "quick"])
    parser.add_argument("--no-write", action="store_true", help="print only, leave README.md alone")
    args = parser.parse_args()
    manifest = json.loads((ROOT / "var" / f"{args.db}-manifest.json").read_text())
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ["BENCH_TIMING"] = "1"
    Stack(args.db).configure_django()
    from clusters.models import Unit
    from emulation.scoring.models import ScoreEntry

    rows = explain_pages(manifest)
    count = f"{Unit.objects.count():,} units, {ScoreEntry.objects.count():,} score entries"
    text = markdown(args.label, args.db, rows, count)
    if args.no_write:
        print(text)
    else:
        write_section(args.label, text)
        print(f"written to {README} ({args.label})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
