"""Figures: percentiles and summaries (median, p95, samples), and the targets they are held to."""

import statistics

TARGETS = {
    "ranking_p95_ms": 100,
    "ranking_ratio_to_baseline": 4,
    "burst_server_p95_ms": 50,  # the one-instant burst: server time per cast (queueing is not the code's)
    "burst_cpu_ms": 10,  # CPU per cast (median)
    "arrivals_p95_ms": 150,  # 300 voters over 60 s, Poisson arrivals: client time
    "pdf_ratio_to_raw": 1.15,
    "aggregation_ms": 50,
    "score_entry_ratio_to_baseline": 6,
}


def pct(values, p):
    """The p-th percentile (nearest rank)."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(values, digits=2):
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "p95": None, "samples": 0}
    return {
        "median": round(statistics.median(values), digits),
        "p95": round(pct(values, 95), digits),
        "samples": len(values),
    }
