"""The printed table of figures and the list of targets met or missed."""


def fmt(v, digits=1):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def print_table(results):
    print("\n== Figures (server time from the X-Bench header; median / p95 / samples)")
    print(f"{'page':<19}{'server ms':>22}{'cpu ms':>8}{'queries':>9}{'x base':>8}{'client ms':>20}")
    for name, f in results["pages"].items():
        s, c = f["server_ms"], f["client_ms"]
        q = (
            f["queries_min"]
            if f["queries_min"] == f["queries_max"]
            else f"{f['queries_min']}-{f['queries_max']}"
        )
        print(
            f"{name:<19}{fmt(s['median']):>9} /{fmt(s['p95']):>6} /{s['samples']:>4}"
            f"{fmt(f['cpu_ms']['median']):>8}{q:>9}{fmt(f['ratio_to_baseline'], 2):>8}"
            f"{fmt(c['median']):>9} /{fmt(c['p95']):>7}"
        )
    b = results["vote_burst"]
    print(
        f"\nvote burst: {b['voters']} voters ({b['double_clicks']} double-clicks, {b['requests']} requests): "
        f"counted {b['counted']}, lost {b['lost']}, doubled {b['doubled']}, errors {b['errors']}; "
        f"cast p95 {fmt(b['cast_client_ms']['p95'])} ms client, {fmt(b['cast_server_ms']['p95'])} ms server "
        f"(median {fmt(b['cast_client_ms']['median'])} / {fmt(b['cast_server_ms']['median'])}, "
        f"CPU {fmt(b['cast_cpu_ms']['median'])} ms); "
        f"burst over in {b['wall_seconds']} s"
    )
    a = results.get("vote_arrivals")
    if a:
        print(
            f"votes as they arrive: {a['voters']} voters over {a['seconds']} s (Poisson): client "
            f"{fmt(a['cast_client_ms']['median'])} / {fmt(a['cast_client_ms']['p95'])} ms, server "
            f"{fmt(a['cast_server_ms']['median'])} / {fmt(a['cast_server_ms']['p95'])} ms; "
            f"lost {a['lost']}, doubled {a['doubled']}, errors {a['errors']}"
        )
    sc = results.get("scale")
    if sc:
        print("\nmore than one machine (2 CPUs shared by all):")
        for name, f in sc["web"].items():
            print(
                f"  {name:<22} {f['requests_per_second']:>6} req/s ({f['clients']} clients, "
                f"client p95 {fmt(f['client_ms']['p95'])} ms, errors {f['errors']})"
            )
        for name, f in sc["pdf"].items():
            print(
                f"  PDF {name:<18} {f['documents_per_second']:>6} docs/s ({f['documents']} documents in "
                f"{f['seconds']} s, failed {f['failed']})"
            )
    print("\nPDF (signing copy of the pledge, through the Celery task vs raw WeasyPrint on the same HTML):")
    for name, f in results["pdf"].items():
        if name.startswith("pledge_"):
            print(
                f"  {f['signatories']:>3} signatories: task {fmt(f['task_ms']['median'])} ms "
                f"(p95 {fmt(f['task_ms']['p95'])}), end to end {fmt(f['end_to_end_ms']['median'])} ms, "
                f"raw {fmt(f['raw_weasyprint_ms']['median'])} ms → ratio_to_raw {f['ratio_to_raw']} "
                f"(end to end {f['end_to_end_ratio_to_raw']}); pledges.pdf.render in-process "
                f"{fmt(f['render_function_in_process_ms']['median'])} ms "
                f"({f['render_function_ratio_to_raw']}), "
                f"n={f['samples']}"
            )
    if "per_added_signatory" in results["pdf"]:
        p = results["pdf"]["per_added_signatory"]
        print(f"  per added signatory: {p['task_ms']} ms through the task, {p['raw_ms']} ms raw")
    sg = results["pdf"]["signing"]
    if sg.get("samples"):
        print(
            f"  signing, {sg['signatories']} signatures in turn through the task: "
            f"{fmt(sg['per_signature_ms']['median'])} ms median (p95 {fmt(sg['per_signature_ms']['p95'])}), "
            f"first {sg['first_ms']} ms, last {sg['last_ms']} ms (with the whole-file check and B-LT/LTA), "
            f"+{sg['growth_ms_per_earlier_signature']} ms per earlier signature; "
            f"file {sg['file_kb_after_first']} → {sg['official_kb']} KB official "
            f"(target ≤ {sg['official_target_kb']} KB)"
        )
    else:
        print(f"  signing: {sg.get('note')}")
    sr = results["summary_report"]
    if sr.get("available"):
        print(
            f"  summary report ({sr['units']} units): task {fmt(sr['task_ms']['median'])} ms "
            f"(p95 {fmt(sr['task_ms']['p95'])}), end to end {fmt(sr['end_to_end_ms']['median'])} ms"
        )
    else:
        print(f"  summary report: {sr['note']}")
    a = results["aggregation"]
    print(
        f"\nranking aggregation alone, {a['units']} units × {a['criteria']} criteria: "
        f"median {fmt(a['median'])} ms, p95 {fmt(a['p95'])} ms, {a['queries']} queries, n={a['samples']}"
    )
    pf = a["prototype_fix"]
    print(
        f"  prototype of the fix (bench/prototypes.py): median {fmt(pf['median'])} ms, "
        f"p95 {fmt(pf['p95'])} ms, "
        f"same ranks and totals: {pf['same_ranks_and_totals']}"
    )
    print("\n== Targets")
    for line in results["targets"]:
        print(f"  {'MET ' if line['met'] else 'MISS'} {line['what']}: {line['measured']}")


def targets(results, other):
    from bench.stats import TARGETS as T

    r = results["pages"]["ranking"]
    b = results["vote_burst"]
    lines = [
        {
            "what": "ranking page p95 ≤ 100 ms (server)",
            "measured": f"{r['server_ms']['p95']} ms",
            "met": r["server_ms"]["p95"] is not None and r["server_ms"]["p95"] <= 100,
        },
        {
            "what": "ranking page ≤ 4× the baseline view (server, median)",
            "measured": f"{r['ratio_to_baseline']}×",
            "met": r["ratio_to_baseline"] is not None and r["ratio_to_baseline"] <= 4,
        },
        {
            "what": "vote burst: 0 lost, 0 doubled, 0 errors",
            "measured": f"{b['lost']} lost, {b['doubled']} doubled, {b['errors']} errors, "
            f"{b['counted']} counted",
            "met": b["lost"] == 0 and b["doubled"] == 0 and b["errors"] == 0 and b["counted"] == b["voters"],
        },
        {
            "what": f"vote burst: server p95 ≤ {T['burst_server_p95_ms']} ms, CPU ≤ {T['burst_cpu_ms']} ms "
            "per cast (median)",
            "measured": f"server p95 {b['cast_server_ms']['p95']} ms, CPU {b['cast_cpu_ms']['median']} ms "
            f"(client p95 {b['cast_client_ms']['p95']} ms, queueing included)",
            "met": b["meets_target"],
        },
    ]
    s = results["pages"]["score_entry"]
    lines.append(
        {
            "what": f"score entry page ≤ {T['score_entry_ratio_to_baseline']}× the baseline view "
            "(server, median)",
            "measured": f"{s['ratio_to_baseline']}×",
            "met": s["ratio_to_baseline"] is not None
            and s["ratio_to_baseline"] <= T["score_entry_ratio_to_baseline"],
        }
    )
    a = results.get("vote_arrivals")
    if a:
        lines.append(
            {
                "what": f"votes as they arrive ({a['voters']} voters over {a['seconds']} s, Poisson): "
                f"client p95 ≤ {T['arrivals_p95_ms']} ms, 0 lost/doubled/errors",
                "measured": f"client p95 {a['cast_client_ms']['p95']} ms "
                f"(median {a['cast_client_ms']['median']}), "
                f"{a['lost']} lost, {a['doubled']} doubled, {a['errors']} errors, {a['counted']} counted",
                "met": a["meets_target"],
            }
        )
    for name, f in results["pdf"].items():
        if name.startswith("pledge_"):
            lines.append(
                {
                    "what": f"pledge PDF ({f['signatories']} signatories) ratio_to_raw ≤ 1.15",
                    "measured": f"{f['ratio_to_raw']}",
                    "met": f["meets_target"],
                }
            )
    sg = results["pdf"].get("signing", {})
    if sg.get("samples"):
        per = sg["per_signature_ms"]
        lines += [
            {
                "what": f"signed pledge ({sg['signatories']} signatures, B-LT) "
                f"≤ {sg['official_target_kb']} KB (1 KB = 1,000 bytes)",
                "measured": f"{sg['official_kb']} KB ({sg.get('official_bytes')} bytes)",
                "met": sg["official_kb"] <= sg["official_target_kb"],
            },
            {
                "what": "≤ 300 ms per signature through the task, timestamp included (median; p95 beside)",
                "measured": f"{per['median']} ms (p95 {per['p95']}); the last one with the whole-file "
                f"check, DSS and document timestamp {sg['last_ms']} ms",
                "met": per["median"] is not None and per["median"] <= 300,
            },
        ]
    a = results["aggregation"]
    lines.append(
        {
            "what": f"ranking aggregation {a['units']} units ≤ 50 ms (p95)",
            "measured": f"{a['p95']} ms",
            "met": a["meets_target"],
        }
    )
    constant = all(f["queries_min"] == f["queries_max"] for f in results["pages"].values())
    detail = "same count on every request of a page"
    if other:
        diffs = [
            f"{n}: {other['pages'][n]['queries_max']}→{f['queries_max']}"
            for n, f in results["pages"].items()
            if n in other.get("pages", {}) and other["pages"][n].get("queries_max") != f["queries_max"]
        ]
        constant = constant and not diffs
        detail = (
            f"vs {other['label']} ({other['sizes']['clusters']} clusters, {other['sizes']['units']} units): "
            + ("identical" if not diffs else "differs: " + ", ".join(diffs))
        )
    lines.append(
        {"what": "constant query count per page whatever the data size", "measured": detail, "met": constant}
    )
    if other and results["label"] == "national" and other["label"] == "full":
        lines += national_lines(results, other)
    return lines


NATIONAL_P95_RATIO = 1.2


def national_lines(national, province):
    """Each page's p95 on the country's data against the same page on one province's data."""
    lines = []
    for name, f in national["pages"].items():
        p = province["pages"].get(name)
        if name == "baseline" or not p:
            continue
        n95, p95 = f["server_ms"]["p95"], p["server_ms"]["p95"]
        ratio = round(n95 / p95, 2) if n95 and p95 else None
        f["p95_ratio_to_province"] = ratio
        lines.append(
            {
                "what": f"{name}: p95 on national data ≤ {NATIONAL_P95_RATIO}× province data, same queries "
                "(runs one after the other; bench.compare interleaves them)",
                "measured": f"{n95} / {p95} ms = {ratio}×; queries {f['queries_max']} / {p['queries_max']}",
                "met": ratio is not None
                and ratio <= NATIONAL_P95_RATIO
                and f["queries_max"] == p["queries_max"],
            }
        )
    return lines


def markdown(results, national=None):
    """The figures of results.json (and results-national.json) as the tables of bench/README.md."""
    out = [
        "| page | server median / p95 ms | CPU ms | queries | × baseline | national: median / p95 ms, "
        "× baseline | interleaved p95 national / province |",
        "|---|---|---|---|---|---|---|",
    ]
    comparison = results.get("national_comparison", {}).get("pages", {})
    for name, f in results["pages"].items():
        s = f["server_ms"]
        n = (national or {}).get("pages", {}).get(name)
        c = comparison.get(name)
        ns = n["server_ms"] if n else None
        out.append(
            f"| {name} | {fmt(s['median'])} / {fmt(s['p95'])} (n={s['samples']}) | "
            f"{fmt(f['cpu_ms']['median'])} | {f['queries_max']} | {fmt(f['ratio_to_baseline'], 2)} | "
            + (f"{fmt(ns['median'])} / {fmt(ns['p95'])}, {fmt(n['ratio_to_baseline'], 2)}" if n else "—")
            + " | "
            + (
                f"{fmt(c['national']['server_ms']['p95'])} / {fmt(c['province']['server_ms']['p95'])} ms = "
                f"{c['p95_ratio']}× (queries {c['national']['queries']} / {c['province']['queries']})"
                if c
                else "—"
            )
            + " |"
        )
    out += ["", "| target | measured | |", "|---|---|---|"]
    for line in results["targets"]:
        out.append(f"| {line['what']} | {line['measured']} | {'met' if line['met'] else '**missed**'} |")
    return "\n".join(out)


if __name__ == "__main__":
    import json
    from pathlib import Path

    here = Path(__file__).resolve().parent
    national_path = here / "results-national.json"
    print(
        markdown(
            json.loads((here / "results.json").read_text()),
            json.loads(national_path.read_text()) if national_path.exists() else None,
        )
    )
