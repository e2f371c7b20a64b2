"""Votes: the one-instant burst (correctness: nothing lost or doubled; server time and CPU per
cast) and votes as they arrive (Poisson arrivals over a minute: what a voter waits for).

Both run on the burst poll with its council electorate; the ballots of the burst are taken back
(the poll stays open) before the arrivals, so each voter casts once in each run."""

import random
import time

from bench.pages import run_load
from bench.sessions import session_for
from bench.stats import TARGETS, summary


def _voters(manifest, double_every):
    voters = []
    for i, name in enumerate(manifest["burst"]["voters"]):
        v = session_for(name)
        v["clicks"] = 2 if double_every and i % double_every == 0 else 1
        voters.append(v)
    return voters


def _path_and_data(manifest):
    b = manifest["burst"]
    return f"/awards/polls/{b['poll']}/vote/", {"step": "cast", "candidate": b["candidates"][:2]}


def _tally(manifest, voters, raw):
    """Receipts against the sealed ballots: counted, lost, doubled, errors; latency figures."""
    from awards.models import BallotEnvelope, Participation
    from awards.receipts import recorded_tag

    poll = manifest["burst"]["poll"]
    casts = raw["casts"]
    receipts = [c["receipt"] for c in casts if c.get("receipt")]
    receipts_by_voter = {}
    for c in casts:
        if c.get("receipt"):
            receipts_by_voter.setdefault(c["voter"], []).append(c["receipt"])
    double_voters = {v["name"] for v in voters if v["clicks"] == 2}

    # the other click of a double-click is answered "already voted": 409 when it raced the first
    # one into the service, or the "you have voted" page (200, no receipt) when it came after it
    def refused(c):
        return c["voter"] in double_voters and not c.get("receipt") and c["status"] in (200, 409)

    refused_dupes = [c for c in casts if refused(c)]
    errors = [c for c in casts if not c.get("receipt") and not refused(c)]
    sealed = BallotEnvelope.objects.filter(poll_id=poll)  # the poll stays open: ballots are sealed
    counted = sealed.count()
    stored = set(sealed.values_list("tag", flat=True))
    lost = sum(1 for r in receipts if recorded_tag(r) not in stored)
    doubled = sum(len(rs) - 1 for rs in receipts_by_voter.values()) + max(0, counted - len(voters))
    ok = [c for c in casts if c.get("receipt")]
    fig = {
        "voters": len(voters),
        "requests": raw["sent"],
        "double_clicks": len(double_voters),
        "receipts": len(receipts),
        "counted": counted,
        "participations": Participation.objects.filter(poll_id=poll).count(),
        "choices": counted,
        "lost": lost + max(0, len(voters) - len(receipts_by_voter) - len({e["voter"] for e in errors})),
        "doubled": doubled,
        "errors": len(errors),
        "error_statuses": sorted({e["status"] for e in errors}),
        "refused_second_clicks": len(refused_dupes),
        "wall_seconds": round(raw["wall_seconds"], 2),
        "cast_client_ms": summary([c["client_ms"] for c in ok]),
        "cast_server_ms": summary([c.get("server_ms") for c in ok]),
        "cast_cpu_ms": summary([c.get("cpu_ms") for c in ok]),
        "cast_queries": summary([c.get("queries") for c in ok], 0),
    }
    fig["samples"] = fig["cast_client_ms"]["samples"]
    fig["correct"] = bool(
        fig["lost"] == 0 and fig["doubled"] == 0 and fig["errors"] == 0 and fig["counted"] == len(voters)
    )
    return fig


def measure_burst(manifest, stack, double_every, time_limit):
    """All voters of one poll cast at the same instant; every `double_every`-th voter clicks twice.
    Held to correctness and to the server's time and CPU per cast (queueing on 2 cores is not
    the code's: 300 × CPU per cast / cores)."""
    voters = _voters(manifest, double_every)
    path, data = _path_and_data(manifest)
    spec = {
        "base": stack.url,
        "time_limit": time_limit,
        "burst": {"path": path, "data": data, "voters": voters},
    }
    fig = _tally(manifest, voters, run_load("burst", spec, stack, "burst"))
    fig["web_workers"] = stack.web_workers
    fig["target"] = {
        "lost": 0,
        "doubled": 0,
        "errors": 0,
        "server_p95_ms": TARGETS["burst_server_p95_ms"],
        "cpu_ms_per_cast": TARGETS["burst_cpu_ms"],
    }
    fig["meets_target"] = bool(
        fig["correct"]
        and fig["cast_server_ms"]["p95"] is not None
        and fig["cast_server_ms"]["p95"] <= TARGETS["burst_server_p95_ms"]
        and fig["cast_cpu_ms"]["median"] is not None
        and fig["cast_cpu_ms"]["median"] <= TARGETS["burst_cpu_ms"]
    )
    return fig


def measure_arrivals(manifest, stack, seconds=60, seed=17, time_limit=180):
    """Every voter casts once, at Poisson arrival times over `seconds` (exponential gaps of mean
    seconds / voters, seeded); the figure is what a voter waits for, client side."""
    _drained(manifest)
    reset_burst(manifest)
    voters = _voters(manifest, 0)
    rng = random.Random(seed)
    rate = len(voters) / seconds
    at, offsets = 0.0, []
    for _v in voters:
        at += rng.expovariate(rate)
        offsets.append(round(at, 4))
    path, data = _path_and_data(manifest)
    spec = {
        "base": stack.url,
        "time_limit": time_limit,
        "arrivals": {"path": path, "data": data, "voters": voters, "offsets": offsets},
    }
    fig = _tally(manifest, voters, run_load("arrivals", spec, stack, "arrivals"))
    fig.update(
        {
            "seconds": seconds,
            "last_arrival_s": offsets[-1] if offsets else None,
            "web_workers": stack.web_workers,
            "target": {"client_p95_ms": TARGETS["arrivals_p95_ms"], "lost": 0, "doubled": 0, "errors": 0},
        }
    )
    fig["meets_target"] = bool(
        fig["correct"]
        and fig["cast_client_ms"]["p95"] is not None
        and fig["cast_client_ms"]["p95"] <= TARGETS["arrivals_p95_ms"]
    )
    return fig


def _drained(manifest, quiet_seconds=3, limit=180):
    """Wait until the server has finished the casts of the burst that the clients gave up on (a
    busy machine: requests time out client side and are still served): the poll's participations
    stop changing. Otherwise they would land among the arrivals."""
    from awards.models import Participation

    poll = manifest["burst"]["poll"]
    last, since, deadline = None, time.monotonic(), time.monotonic() + limit
    while time.monotonic() < deadline:
        now = Participation.objects.filter(poll_id=poll).count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_seconds:
            return
        time.sleep(0.5)


def reset_burst(manifest):
    """Take back the ballots of the last run (the poll is still open), to run it again."""
    from awards.models import BallotEnvelope, Participation

    poll = manifest["burst"]["poll"]
    BallotEnvelope.objects.filter(poll_id=poll).delete()
    Participation.objects.filter(poll_id=poll).delete()
