"""The ranking aggregation alone, in this process (read from the maintained subtotals), next to
the recount from every entry it replaced (bench/prototypes.py) and checked against it."""

import time

from bench.stats import TARGETS, summary


def measure_aggregation(manifest, samples):
    """ranking_for_year on the cluster of `agg_units` units × `criteria` rows, in this process,
    its heap settled as a web worker's is at start-up (emulation.startup.settle_heap, called by
    wsgi.py): the full garbage collections a ranking sets off then walk what the measurement made,
    not the whole of this process. `unsettled`: the same rankings measured before settling."""
    import gc

    from emulation.startup import settle_heap

    unsettled = _samples(manifest, samples)
    settle_heap()
    try:
        fig = _figure(manifest, samples)
    finally:
        gc.unfreeze()
    fig["unsettled"] = {**summary(unsettled[0]), "cpu_ms": summary(unsettled[1])}
    return fig


def _samples(manifest, samples):
    """(wall ms, CPU ms) of `samples` rankings after two warm-up runs."""
    from clusters.models import ClusterYear
    from emulation.scoring.selectors import ranking_for_year

    times, cpu = [], []
    for i in range(samples + 2):
        cy = ClusterYear.objects.select_related("cluster").get(pk=manifest["aggregation_year"])
        start, start_cpu = time.perf_counter(), time.process_time()
        ranking_for_year(cy)
        if i >= 2:
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return times, cpu


def _figure(manifest, samples):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clusters.models import ClusterYear
    from emulation.scoring.selectors import ranking_for_year

    times, cpu, queries, rows = [], [], [], 0
    for i in range(samples + 2):
        cy = ClusterYear.objects.select_related("cluster").get(pk=manifest["aggregation_year"])
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = ranking_for_year(cy)
            elapsed = (time.perf_counter() - start) * 1000
            elapsed_cpu = (time.process_time() - start_cpu) * 1000
        if i >= 2:  # two warm-up runs
            times.append(elapsed)
            cpu.append(elapsed_cpu)
            queries.append(len(ctx.captured_queries))
        rows = len(result)
    from bench.prototypes import lean_ranking

    lean_times, lean_cpu = [], []
    for i in range(samples + 2):
        cy = ClusterYear.objects.select_related("cluster").get(pk=manifest["aggregation_year"])
        start, start_cpu = time.perf_counter(), time.process_time()
        lean = lean_ranking(cy)
        if i >= 2:
            lean_times.append((time.perf_counter() - start) * 1000)
            lean_cpu.append((time.process_time() - start_cpu) * 1000)
    same = all(lean[r.unit.pk][:2] == (r.rank, r.total) for r in result) and len(lean) == len(result)
    fig = summary(times)
    # this process's CPU (Python, not PostgreSQL's): on a shared machine, wall time is mostly waiting
    fig["cpu_ms"] = summary(cpu)
    from emulation.scoring import subtotals

    fig["prototype_fix"] = {
        **summary(lean_times),
        "what": "bench/prototypes.py lean_ranking: the recount from every entry (before the subtotals), "
        "entries reached from the year's criteria, values_list",
        "same_ranks_and_totals": same,
        "cpu_ms": summary(lean_cpu),
    }
    fig["subtotals_agree_with_recount"] = subtotals.differences(cy) == []
    fig.update(
        {
            "units": rows,
            "criteria": manifest["sizes"]["criteria"],
            "queries": max(queries),
            "target_ms": TARGETS["aggregation_ms"],
        }
    )
    fig["meets_target"] = fig["p95"] is not None and fig["p95"] <= TARGETS["aggregation_ms"]
    return fig
