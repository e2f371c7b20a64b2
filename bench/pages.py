"""Pages, requested from a separate load process (python -m bench.load) against
gunicorn on loopback (the votes: bench/votes.py)."""

import base64
import json
import subprocess
import sys

from bench.harness import ROOT
from bench.sessions import session_for
from bench.stats import TARGETS, summary


def run_load(mode, spec, stack, tag):
    spec_path = stack.logs / f"load-{tag}-spec.json"
    out_path = stack.logs / f"load-{tag}-out.json"
    spec_path.write_text(json.dumps(spec))
    limit = spec.get("time_limit", 300) + 60
    subprocess.run(
        [sys.executable, "-m", "bench.load", mode, str(spec_path), str(out_path)],
        cwd=ROOT,
        check=True,
        timeout=limit,
    )
    return json.loads(out_path.read_text())


def pick_overview(stack, admin_session):
    """The province's view of all clusters (year-end app) when it answers, else the cluster list."""
    from bench.load import _request

    for path in ("/year-end/province/", "/clusters/"):
        sample, _text = _request(stack.url, path, admin_session["session"], admin_session["csrf"])
        if sample["status"] == 200:
            return path
    return "/clusters/"


def complete_manifest(manifest):
    """Ids the pages need that older manifests lack (derived from the data set, so that
    `--reuse` works on a data set generated before they were added)."""
    from clusters.models import ClusterYear

    m = manifest
    ranked = ClusterYear.objects.get(pk=m["ranking_year"])
    m["results_year"] = (
        ClusterYear.objects.filter(cluster_id=ranked.cluster_id, year=m["year"] - 1)
        .values_list("pk", flat=True)
        .first()
        or m["ranking_year"]
    )
    m.setdefault("ranking_cluster", ranked.cluster_id)
    m.setdefault("history_unit", m["sheet"]["unit"])
    return m


def setup_workbook(manifest):
    """The province's own set-up workbook of the year (units, clusters, memberships, accounts):
    previewed again it changes nothing, so every sample does the same work."""
    from clusters.bulk import export
    from clusters.models import Province

    return export.export(Province.objects.get(pk=manifest["province"]), manifest["year"])


def page_list(manifest, overview_path="/year-end/province/"):
    """(name, path, user, upload) of every measured page: one list for the load, the profile
    and the EXPLAIN of each page (bench/explain.py)."""
    m = manifest
    sheet = f"/scoring/year/{m['sheet']['year']}/unit/{m['sheet']['unit']}/"
    return [
        ("baseline", "/bench/baseline/", m["home_user"], None),
        ("home", "/", m["home_user"], None),
        ("score_entry", sheet, m["sheet"]["user"], None),
        ("ranking", f"/scoring/year/{m['ranking_year']}/ranking/", m["secretary"], None),
        ("ballot", f"/awards/polls/{m['ballot']['poll']}/vote/", m["ballot"]["user"], None),
        ("results", f"/awards/polls/{m['results']['poll']}/", m["results"]["user"], None),
        ("province_overview", overview_path, m["admin"], None),
        ("year_end", f"/year-end/years/{m['results_year']}/", m["secretary"], None),
        ("unit_history", f"/year-end/units/{m['history_unit']}/", m["admin"], None),
        ("cluster_history", f"/year-end/clusters/{m['ranking_cluster']}/history/", m["admin"], None),
        ("audit_chain", "/clusters/audit/chain/", m["admin"], None),
        (
            "bulk_preview",
            "/clusters/setup/preview/",
            m["admin"],
            {"field": "file", "filename": "thiet-lap.xlsx", "content": setup_workbook(m)},
        ),
    ]


def load_specs(pages, session_of):
    """The pages as the load process reads them (bench/load.py): the person's session, the
    upload base64-encoded. `session_of(username)` gives a logged-in session."""
    specs = []
    for name, path, user, upload in pages:
        s = session_of(user)
        spec = {"name": name, "path": path, "session": s["session"], "csrf": s["csrf"]}
        if upload:
            spec["upload"] = {
                "field": upload["field"],
                "filename": upload["filename"],
                "content_b64": base64.b64encode(upload["content"]).decode(),
            }
        specs.append(spec)
    return specs


def sessions():
    """session_for, once per person."""
    made = {}

    def session_of(username):
        if username not in made:
            made[username] = session_for(username)
        return made[username]

    return session_of


def measure_pages(manifest, stack, samples, time_limit):
    s = sessions()
    m = complete_manifest(manifest)
    pages = page_list(m, pick_overview(stack, s(m["admin"])))
    spec = {
        "base": stack.url,
        "time_limit": time_limit,
        "pages": [
            {**page, "samples": samples, "warmup": 2 * stack.web_workers} for page in load_specs(pages, s)
        ],
    }
    raw = run_load("pages", spec, stack, "pages")
    figures = {}
    for name, path, user, _upload in pages:
        data = raw["pages"][name]
        ok = [x for x in data["samples"] if x["status"] == 200]
        fig = {
            "path": path,
            "as": user,
            "server_ms": summary([x.get("server_ms") for x in ok]),
            "client_ms": summary([x["client_ms"] for x in ok]),
            "cpu_ms": summary([x.get("cpu_ms") for x in ok]),
            "queries": summary([x.get("queries") for x in ok], 0),
            "queries_min": min((x.get("queries", 0) for x in ok), default=None),
            "queries_max": max((x.get("queries", 0) for x in ok), default=None),
            "errors": len(data["samples"]) - len(ok),
            "statuses": sorted({x["status"] for x in data["samples"]}),
        }
        fig["samples"] = fig["server_ms"]["samples"]
        figures[name] = fig
    base = figures["baseline"]["server_ms"]["median"]
    base_client = figures["baseline"]["client_ms"]["median"]
    for fig in figures.values():
        med = fig["server_ms"]["median"]
        fig["ratio_to_baseline"] = round(med / base, 2) if med and base else None
        cmed = fig["client_ms"]["median"]
        fig["client_ratio_to_baseline"] = round(cmed / base_client, 2) if cmed and base_client else None
    if "/year-end/" not in figures["province_overview"]["path"]:
        figures["province_overview"]["note"] = (
            "year-end province view not available; the cluster list instead"
        )
    r = figures["ranking"]
    r["target"] = {
        "p95_ms": TARGETS["ranking_p95_ms"],
        "ratio_to_baseline": TARGETS["ranking_ratio_to_baseline"],
    }
    r["meets_target"] = bool(
        r["server_ms"]["p95"] is not None
        and r["server_ms"]["p95"] <= TARGETS["ranking_p95_ms"]
        and r["ratio_to_baseline"] is not None
        and r["ratio_to_baseline"] <= TARGETS["ranking_ratio_to_baseline"]
    )
    return figures, raw.get("timed_out", False)
