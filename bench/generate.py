"""Province-scale data set for `make bench`, written with bulk_create through the apps' models.

    uv run python -m bench.generate --db thidua_bench [--clusters 35 --units 300 --years 10 ...]

One province ("Tỉnh Thử Nghiệm") with `clusters` clusters sharing `units` member units (the first
cluster has `big_cluster` members, the others share the rest) over `years` years ending with the
current one; every cluster year has a criteria table of `criteria` scored rows (under 5 major
criteria), every member's scores (all rows filled, some reviewed, audit events for each), a
registration with targets, a finalised pledge signed by every member, award rules, and for each
closed year two published polls with all ballots cast. In the current year the clusters are at
the scoring, voting or registration stage; the first cluster is at voting with an open poll, and a
second open poll whose electorate is `burst_voters` council members (the vote burst).

A second province holds what is measured on its own: a cluster of `agg_units` units × `criteria`
rows (ranking aggregation alone) and clusters of 10 and 23 members with a finalised, unsigned
pledge (PDF rendering).

Returns (and prints with --json) a manifest of the ids that bench/run.py measures."""

import argparse
import datetime
import json
import random
import sys

from bench.dataset import awards, measured, pledges, scoring
from bench.dataset import clusters as people_and_clusters
from bench.dataset.common import PASSWORD, Timer, World, models

__all__ = ["PASSWORD", "QUICK", "add_size_options", "generate", "sizes_from"]


def generate(
    *,
    clusters=35,
    units=300,
    years=10,
    criteria=50,
    big_cluster=20,
    agg_units=1000,
    burst_voters=300,
    pdf_sizes=(10, 23),
    audit=True,
    national=None,
    seed=2024,
    quiet=False,
):
    """Write the data set into the configured (empty, migrated) database; return the manifest."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    this_year = timezone.localdate().year
    w = World(
        M=models(),
        rng=random.Random(seed),
        timer=Timer(quiet),
        pw_hash=make_password(PASSWORD),
        this_year=this_year,
        year_list=list(range(this_year - years + 1, this_year + 1)),
        now=datetime.datetime.now(datetime.UTC),
    )
    sizes = {
        "clusters": clusters,
        "units": units,
        "years": years,
        "criteria": criteria,
        "big_cluster": big_cluster,
        "agg_units": agg_units,
        "burst_voters": burst_voters,
        "pdf_sizes": list(pdf_sizes),
        "national": national,
    }
    with transaction.atomic():
        _build(w, sizes, audit=audit)
        manifest = {"sizes": sizes, **_manifest(w, years)}
        manifest["national"] = getattr(w, "national", None)
    w.timer.step("commit")
    return _settle_and_count(w, manifest, quiet)


def _build(w, s, *, audit):
    """The steps in order (the random source is drawn from in this order: same seed, same data)."""
    people_and_clusters.province_units_clusters(
        w, units=s["units"], clusters=s["clusters"], big_cluster=s["big_cluster"]
    )
    people_and_clusters.people(w, burst_voters=s["burst_voters"])
    people_and_clusters.cluster_years(w)
    scoring.scoring(w, criteria=s["criteria"], audit=audit)
    pledges.pledges(w)
    awards.awards(w)
    awards.burst_poll(w)
    measured.aggregation_cluster(w, agg_units=s["agg_units"], criteria=s["criteria"])
    measured.pdf_clusters(w, pdf_sizes=s["pdf_sizes"])
    if s.get("national"):  # the rest of the country around the measured province, by COPY
        from bench.dataset import national

        w.national = national.country(w, criteria=s["criteria"], **s["national"])
    # Scores were bulk-written around the services: build the subtotals they would have kept.

    from emulation.scoring import subtotals

    subtotals.rebuild()
    w.timer.step("score subtotals", w.M["ScoreSheet"].objects.count())


def _manifest(w, years):
    """The ids that bench/run.py measures."""
    first = w.cluster_objs[0]
    cy_prev = (
        next(cy for cy, _i in w.cy_members if cy.cluster_id == first.pk and cy.year == w.this_year - 1)
        if years > 1
        else None
    )
    cy_scoring = next(cy for cy, _i in w.cy_members if cy.stage == "scoring")
    scoring_unit = w.groups[w.cluster_index[cy_scoring.cluster_id]][2]
    return {
        "province": w.province.pk,
        "year": w.this_year,
        "admin": w.admin.username,
        "secretary": "thuky.cum01",
        "ranking_year": w.cy0.pk,
        "ranking_units": len(w.groups[0]),
        "sheet": {
            "year": cy_scoring.pk,
            "unit": scoring_unit.pk,
            "user": f"canbo.{scoring_unit.code}",
        },
        "home_user": f"chutich.{w.groups[0][3].code}",
        "ballot": {
            "poll": w.poll_of[(w.cy0.pk, w.award_types[0].pk)].pk,
            "user": f"chutich.{w.groups[0][3].code}",
        },
        "results": {
            "poll": w.poll_of[(cy_prev.pk, w.award_types[0].pk)].pk if cy_prev else None,
            "user": "thuky.cum01",
        },
        "burst": {
            "poll": w.burst.pk,
            "voters": [u.username for u in w.council],
            "candidates": [c.pk for c in w.burst_cands],
        },
        "aggregation_year": w.agg_cy.pk,
        "pdf": w.pdf_years,
        "aux_admin": w.aux_admin.username,
    }


def _settle_and_count(w, manifest, quiet):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # a settled database: visibility map, statistics
    w.timer.step("VACUUM ANALYZE")
    totals = {}
    for name in (
        "Unit",
        "ClusterYear",
        "Membership",
        "Criterion",
        "ScoreEntry",
        "AuditEvent",
        "Ballot",
        "User",
    ):
        totals[name] = w.M[name].objects.count()
    manifest["rows"] = totals
    manifest["seconds"] = round(w.timer.total, 1)
    if not quiet:
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in totals.items()))
        print(f"== data set generated in {w.timer.total:.1f} s", flush=True)
    return manifest


QUICK = {
    "clusters": 4,
    "units": 30,
    "years": 2,
    "criteria": 10,
    "big_cluster": 8,
    "agg_units": 50,
    "burst_voters": 20,
    "pdf_sizes": (3, 5),
}


def add_size_options(parser):
    parser.add_argument("--clusters", type=int, default=35)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--criteria", type=int, default=50, help="scored rows per criteria table")
    parser.add_argument("--big-cluster", type=int, default=20, help="members of the ranked cluster")
    parser.add_argument("--agg-units", type=int, default=1000)
    parser.add_argument("--burst-voters", type=int, default=300)
    parser.add_argument("--pdf-sizes", default="10,23")
    parser.add_argument("--no-audit", action="store_true", help="no audit events for the scores")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument(
        "--national",
        action="store_true",
        help="add the rest of the country by COPY: 34 provinces, 1,000 clusters, 8,000 units in all",
    )
    parser.add_argument("--national-provinces", type=int, default=34)
    parser.add_argument("--national-clusters", type=int, default=1000)
    parser.add_argument("--national-units", type=int, default=8000)


def sizes_from(args):
    if args.quick:
        return dict(QUICK)
    return {
        "clusters": args.clusters,
        "units": args.units,
        "years": args.years,
        "criteria": args.criteria,
        "big_cluster": args.big_cluster,
        "agg_units": args.agg_units,
        "burst_voters": args.burst_voters,
        "pdf_sizes": tuple(int(x) for x in args.pdf_sizes.split(",")),
        "audit": not args.no_audit,
        "national": {
            "provinces": args.national_provinces,
            "clusters": args.national_clusters,
            "units": args.national_units,
        }
        if args.national
        else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="thidua_bench")
    add_size_options(parser)
    args = parser.parse_args()
    from bench.harness import Stack

    stack = Stack(args.db)
    print(f"== generating into database {args.db}", flush=True)
    stack.create_database()
    stack.configure_django()
    manifest = generate(**sizes_from(args))
    # the file bench.run --reuse and bench.profile read (bench.run writes the same after generating)
    manifest_path = stack.logs.parent / f"{args.db}-manifest.json"
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest))
    print(f"manifest: {manifest_path}")
    print(json.dumps(manifest)[:2000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
