"""Awards: award types and rules, the polls of every closed and voting year with every ballot of
the closed ones, and the burst poll (council electorate) of the first cluster this year."""

import datetime
import secrets
from decimal import Decimal

from .common import bulk


def awards(w):
    award_types_and_rules(w)
    cands, electors = open_and_published_polls(w)
    cast_ballots(w, cands, electors)


def award_types_and_rules(w):
    from awards.rule_defaults import default_rule

    AwardType, AwardRule = w.M["AwardType"], w.M["AwardRule"]
    w.award_types = bulk(
        AwardType,
        [
            AwardType(province=w.province, code="co-thi-dua", name="Cờ thi đua của UBND tỉnh", precedence=1),
            AwardType(province=w.province, code="bang-khen", name="Bằng khen của UBND tỉnh", precedence=2),
        ],
    )
    bulk(
        AwardRule,
        [
            AwardRule(
                cluster_year=cy, award_type=t, **default_rule(quota_count=1 if t.precedence == 1 else 2)
            )
            for cy in w.cys
            for t in w.award_types
        ],
    )


def open_and_published_polls(w):
    """Two published polls per closed year, one open poll per voting year. → (candidates, electors)."""
    all_polls = {"candidates": [], "electors": []}
    w.poll_of = {}
    for cy, ids in w.cy_members:
        if cy.stage == "closed":
            status = "published"
        elif cy.stage == "voting":
            status = "open"
        else:
            continue
        types = w.award_types if status == "published" else w.award_types[:1]
        electors = [(w.leaders_by_unit[u], u) for u in ids]
        out = year_polls(w.M, cy, types, electors, ids[:4], w.unit_name, status, w.now)
        for p in out["polls"]:
            w.poll_of[(cy.pk, p.award_type_id)] = p
        all_polls["candidates"].extend(out["candidates"])
        all_polls["electors"].extend(out["electors"])
    cands = bulk(w.M["PollCandidate"], [c for _p, cs in all_polls["candidates"] for c in cs])
    bulk(w.M["Elector"], all_polls["electors"], batch=5000)
    return cands, all_polls["electors"]


def cast_ballots(w, cands, electors):
    """Every elector of a published poll voted; the first candidates won and were nominated."""
    participations, ballots, choices, nominations, receipts = [], [], [], [], []
    cands_of = {}
    for c in cands:
        cands_of.setdefault(c.poll_id, []).append(c)
    electors_of = {}
    for e in electors:
        electors_of.setdefault(e.poll_id, []).append(e)
    counts = {}
    for (_cy_pk, _t), p in w.poll_of.items():
        if p.status != "published":
            continue
        pc = cands_of[p.pk]
        for e in electors_of[p.pk]:
            participations.append(w.M["Participation"](poll=p, user_id=e.user_id))
            b = w.M["Ballot"](poll=p)
            ballots.append(b)
            receipts.append(w.M["CountedReceipt"](poll=p, receipt_hash=secrets.token_hex(32)))
            for c in w.rng.sample(pc[: p.quota + 1], p.quota):
                choices.append(w.M["BallotChoice"](ballot=b, candidate=c))
                counts[c.pk] = counts.get(c.pk, 0) + 1
        n = len(electors_of[p.pk])
        ranked = sorted(pc, key=lambda c: -counts.get(c.pk, 0))
        for i, c in enumerate(ranked):
            c.votes = counts.get(c.pk, 0)
            c.share = (Decimal(c.votes) * 100 / n).quantize(Decimal("0.01")) if n else Decimal(0)
            c.met_threshold = c.votes * 2 > n
            c.proposed = i < p.quota and c.met_threshold
            if c.proposed:
                nominations.append(
                    w.M["Nomination"](
                        cluster_year_id=p.cluster_year_id,
                        award_type_id=p.award_type_id,
                        unit_id=c.unit_id,
                        unit_name=c.name,
                        poll=p,
                        votes=c.votes,
                    )
                )
    bulk(w.M["Participation"], participations, batch=5000)
    bulk(w.M["Ballot"], ballots, batch=5000)
    bulk(w.M["BallotChoice"], choices, batch=5000)
    bulk(w.M["CountedReceipt"], receipts, batch=5000)
    w.M["PollCandidate"].objects.bulk_update(
        cands, ["votes", "share", "met_threshold", "proposed"], batch_size=2000
    )
    bulk(w.M["Nomination"], nominations)
    w.M["Poll"].objects.filter(pk__in=[p.pk for p in w.poll_of.values() if p.status == "published"]).update(
        status="published"
    )
    from clusters.audit import bulk_append

    bulk_append(
        [
            w.M["AuditEvent"](
                province=w.province,
                actor_id=p.user_id,
                action="poll.voted",
                object_type="awards.poll",
                object_id=str(p.poll_id),
                data={"voter": p.user_id},
            )
            for p in participations
        ]
    )
    w.timer.step(
        "polls, candidates, electors, ballots",
        len(cands) + len(electors) + len(ballots) + len(choices),
    )


def burst_poll(w):
    """The first cluster, this year, second award, electorate: the council members."""
    from awards.rule_defaults import default_snapshot

    w.cy0 = cy0 = next(
        cy for cy, _i in w.cy_members if cy.cluster_id == w.cluster_objs[0].pk and cy.year == w.this_year
    )
    ids0 = w.groups[0]
    w.burst = burst = w.M["Poll"].objects.create(
        cluster_year=cy0,
        award_type=w.award_types[1],
        title=f"Bằng khen năm {w.this_year} (hội đồng)",
        status="open",
        electorate_kind="council",
        opens_at=w.now - datetime.timedelta(days=1),
        closes_at=w.now + datetime.timedelta(days=7),
        quota=2,
        rule=default_snapshot(quota_count=2),
        secret=True,
    )
    w.burst_cands = bulk(
        w.M["PollCandidate"],
        [
            w.M["PollCandidate"](
                poll=burst, unit=u, name=u.name, position=i, total=Decimal("90.00") - i, rank=i + 1
            )
            for i, u in enumerate(ids0[:5])
        ],
    )
    bulk(w.M["Elector"], [w.M["Elector"](poll=burst, user=u) for u in w.council])
    w.timer.step("burst poll", len(w.council))


def year_polls(models, cy, award_types, electors, candidates_units, names, status, now):
    """One poll per award type; `electors` [(user, unit_id)]; ballots cast by all when status != open."""
    from awards.rule_defaults import default_snapshot

    Poll, PollCandidate, Elector = models["Poll"], models["PollCandidate"], models["Elector"]
    polls = []
    for t in award_types:
        quota = 1 if t.precedence == 1 else 2
        rule = default_snapshot(quota_count=quota)
        opens = (
            now - datetime.timedelta(days=2)
            if status == "open"
            else datetime.datetime(cy.year, 11, 1, tzinfo=datetime.UTC)
        )
        closes = now + datetime.timedelta(days=7) if status == "open" else opens + datetime.timedelta(days=5)
        polls.append(
            Poll(
                cluster_year=cy,
                award_type=t,
                title=f"{t.name} năm {cy.year}",
                status="open",  # published at the end: the database freezes published polls
                electorate_kind="units",
                opens_at=opens,
                closes_at=closes,
                quota=quota,
                rule=rule,
                secret=True,
                closed_at=closes if status != "open" else None,
                published_at=closes if status == "published" else None,
                electorate_size=len(electors) if status != "open" else 0,
                participation_count=len(electors) if status != "open" else 0,
                ballot_count=len(electors) if status != "open" else 0,
                quorum_met=True if status != "open" else None,
            )
        )
    polls = bulk(Poll, polls)
    for p in polls:
        p.status = status  # what it will be once the ballots are in
    out = {
        "polls": polls,
        "candidates": [],
        "ballots": [],
        "choices": [],
        "participations": [],
        "electors": [],
        "nominations": [],
    }
    for p in polls:
        cands = [
            PollCandidate(
                poll=p, unit_id=u, name=names[u], position=i, total=Decimal("95.00") - i, rank=i + 1
            )
            for i, u in enumerate(candidates_units)
        ]
        out["candidates"].append((p, cands))
        out["electors"].extend(Elector(poll=p, user=user, unit_id=unit_id) for user, unit_id in electors)
    return out
