"""The attacks of a database holder on secret ballots, performed on PostgreSQL.

Each voter chooses a different candidate, so a pairing of voters with choices can be scored: a
random pairing of n voters gets about one right. The attacks: a data-only pg_dump of every table
(pairing by order) while the poll is open and after the close, an xmin join between ballot rows
and rows that name a voter, pageinspect on the ballot tables after the close. Receipts still
verify, and the responses of the ballot do not vary in size with the choice."""

import os
import re
import subprocess

import pytest
from django.db import connection
from django.urls import reverse

from awards import selectors, services
from awards.models import BallotEnvelope, Participation, PollKey
from awards.receipts import receipt_hash
from clusters.models import Role, Stage
from tests.awards.helpers import award_types, leaders, open_poll, rule
from tests.factories import ClusterFactory, ProvinceFactory, make_user, make_year

N = 10  # voters (and candidates) per poll
POLLS = 3


def _box(province, k):
    cy, units = make_year(
        province=province, n_members=N, stage=Stage.VOTING, cluster=ClusterFactory(province=province)
    )
    secretary = make_user(f"tk{k}", province=province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    types = award_types(province)
    rule(cy, types["co-thanh-pho"], quorum_num=1, quorum_den=10)
    voters = leaders(province, units, prefix=f"ct{k}")
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=secretary)
    candidates = list(poll.candidates.order_by("?"))  # voter i chooses candidate i: a permutation
    truth, receipts = {}, []
    for voter, candidate in zip(voters, candidates, strict=True):
        receipts.append(services.ballot_cast(poll=poll, actor=voter, candidate_ids=[candidate.pk]))
        truth[voter.pk] = candidate.pk
    return poll, secretary, truth, receipts


@pytest.fixture
def boxes(transactional_db):
    province = ProvinceFactory()
    return [_box(province, k) for k in range(POLLS)]


def _dump():
    """Every table's rows, in the order a data-only pg_dump writes them."""
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    out = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    tables = {}
    for m in re.finditer(r"^COPY public\.(\w+) \(([^)]*)\) FROM stdin;\n(.*?)^\\\.$", out, re.S | re.M):
        cols = [c.strip().strip('"') for c in m.group(2).split(",")]
        tables[m.group(1)] = [
            dict(zip(cols, line.split("\t"), strict=True)) for line in m.group(3).splitlines()
        ]
    return out, tables


def _pairings_right(tables, poll, truth):
    """Pair the poll's participations with its choices by dump order (the attack of the issue)."""
    voters = [
        int(r["user_id"]) for r in tables.get("awards_participation", []) if r["poll_id"] == str(poll.pk)
    ]
    cand_ids = {str(c) for c in truth.values()}
    choices = [
        int(r["candidate_id"]) for r in tables.get("awards_ballotchoice", []) if r["candidate_id"] in cand_ids
    ]
    right = sum(1 for v, c in zip(voters, choices, strict=False) if truth[v] == c)
    # the same pairing through the ballot rows' order
    order = {r["id"]: i for i, r in enumerate(tables.get("awards_ballot", []))}
    by_ballot = sorted(
        (r for r in tables.get("awards_ballotchoice", []) if r["candidate_id"] in cand_ids),
        key=lambda r: order[r["ballot_id"]],
    )
    right_b = sum(1 for v, r in zip(voters, by_ballot, strict=False) if truth[v] == int(r["candidate_id"]))
    return right, right_b, len(choices)


@pytest.mark.postgres
def test_a_data_only_dump_pairs_no_voter_with_a_choice_open_or_closed(boxes):
    text, tables = _dump()
    # while open: not one plaintext choice anywhere, envelopes all of one size per poll
    for poll, _sec, truth, _r in boxes:
        right, right_b, n_choices = _pairings_right(tables, poll, truth)
        assert n_choices == 0 and right == right_b == 0
        sealed = [r["sealed"] for r in tables["awards_ballotenvelope"] if r["poll_id"] == str(poll.pk)]
        assert len(sealed) == N and len({len(s) for s in sealed}) == 1
        for s in sealed:
            assert b'"candidates"' not in bytes.fromhex(s[3:])
    assert not [
        t for t in tables if t.startswith("awards_ballot") and t != "awards_ballotenvelope" and tables[t]
    ]
    for poll, secretary, _truth, _r in boxes:
        services.poll_close(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
    text, tables = _dump()
    total = 0
    for poll, _sec, truth, _r in boxes:
        right, right_b, n_choices = _pairings_right(tables, poll, truth)
        assert n_choices == N
        total += max(right, right_b)
    # chance is about one right pairing per poll; cast order would give N per poll
    assert total <= 10, f"{total} of {N * POLLS} voters paired with their choice"
    assert not tables.get("awards_ballotenvelope") and not tables.get("awards_pollkey")
    # no ballot-side row carries a time, and ballot keys are random UUIDs
    for row in tables["awards_ballot"] + tables["awards_countedreceipt"]:
        assert re.fullmatch(r"[0-9a-f-]{36}", row["id"]) and not re.search(r"\d{4}-\d\d-\d\d ", str(row))


def _xmins(table, where="", params=()):
    with connection.cursor() as cur:
        cur.execute(f"SELECT xmin::text FROM {table} {where}", params)
        return [r[0] for r in cur.fetchall()]


@pytest.mark.postgres
def test_an_xmin_join_links_no_ballot_row_to_a_voter_row(boxes):
    for poll, secretary, _t, _r in boxes:
        services.poll_close(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
    voter_rows = set(_xmins("awards_participation")) | set(
        _xmins("clusters_auditevent", "WHERE action = %s", ["poll.voted"])
    )
    ballot_rows = _xmins("awards_ballot") + _xmins("awards_ballotchoice") + _xmins("awards_countedreceipt")
    assert len(ballot_rows) == 3 * N * POLLS
    assert not set(ballot_rows) & voter_rows
    # one transaction wrote all the ballots of a poll: their xmin says nothing about any voter
    for poll, *_ in boxes:
        assert len(set(_xmins("awards_ballot", "WHERE poll_id = %s", [poll.pk]))) == 1
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM awards_ballot b JOIN awards_participation p ON p.xmin = b.xmin")
        assert cur.fetchone()[0] == 0


def _tuples(table):
    with connection.cursor() as cur:
        cur.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        pages = cur.fetchone()[0]
        rows = []
        for page in range(pages):
            cur.execute(
                "SELECT lp_flags, t_xmin::text, t_xmax::text, t_data "
                "FROM heap_page_items(get_raw_page(%s, %s))",
                [table, page],
            )
            rows.extend(cur.fetchall())
        return rows


@pytest.mark.postgres
def test_pageinspect_after_the_close_finds_no_choice_linkable_to_a_voter(boxes):
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    for poll, secretary, _t, _r in boxes:
        services.poll_close(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
    voter_xmins = set(_xmins("awards_participation")) | set(
        _xmins("clusters_auditevent", "WHERE action = %s", ["poll.voted"])
    )
    for table in ("awards_ballot", "awards_ballotchoice", "awards_countedreceipt"):
        items = [t for t in _tuples(table) if t[0] == 1]  # every tuple on disk, live or dead
        assert len(items) == N * POLLS, table
        # no dead version: xmax is empty or the closing transaction's own key-share lock
        assert all(t[2] in ("0", t[1]) for t in items), f"dead tuples in {table}"
        assert not {t[1] for t in items} & voter_xmins
    # the envelopes' old tuples (until VACUUM reclaims them) hold ciphertext only, and the key
    # that opens them is gone
    for _lp, _xmin, _xmax, data in _tuples("awards_ballotenvelope"):
        assert data is None or b'"candidates"' not in bytes(data)
    assert not PollKey.objects.exists() and not BallotEnvelope.objects.exists()
    for _lp, _xmin, xmax, data in _tuples("awards_pollkey"):
        assert data is None or xmax != "0"  # no live key


@pytest.mark.postgres
def test_every_receipt_verifies_against_the_published_list(boxes, client):
    for poll, secretary, _t, receipts in boxes:
        for code in receipts:
            assert selectors.receipt_check(code) == (poll, False)
        services.poll_close(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
        published = selectors.counted_receipts(poll)
        assert published == sorted(receipt_hash(c) for c in receipts)
        for code in receipts:
            assert selectors.receipt_check(code) == (poll, True)
        assert Participation.objects.filter(poll=poll).count() == len(published) == N
        poll.refresh_from_db()
        assert poll.ballot_count == poll.participation_count == N and not poll.flagged
        client.force_login(secretary)
        page = client.get(reverse("awards:poll", args=[poll.pk])).content.decode()
        assert all(h in page for h in published)


@pytest.mark.django_db
def test_confirm_and_cast_responses_have_one_size_whatever_the_choice(client):
    province = ProvinceFactory()
    cy, units = make_year(province=province, n_members=8, stage=Stage.VOTING)
    units[1].name, units[2].name = "Xã A", "Phường Thủy Nguyên Bạch Đằng Ven Sông Cấm Mở Rộng Phía Bắc"
    for u in units[1:3]:
        u.save()
    secretary = make_user("tk", province=province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    types = award_types(province)
    rule(cy, types["co-thanh-pho"], quota_kind="fixed", quota_count=2, quorum_num=1, quorum_den=10)
    voters = leaders(province, units)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=secretary)
    cands = list(poll.candidates.all())
    url = reverse("awards:vote", args=[poll.pk])
    choices = [{"candidate": [c.pk]} for c in cands[:4]]
    choices += [{"candidate": [cands[1].pk, cands[2].pk]}, {"abstain": "1"}]
    confirm, cast = set(), set()
    for voter, choice in zip(voters, choices, strict=False):  # one voter per choice
        client.force_login(voter)
        r = client.post(url, {"step": "confirm", **choice})
        assert r.status_code == 200
        confirm.add(len(r.content))
        r = client.post(url, {"step": "cast", **choice})
        assert r.status_code == 200 and b"receipt-code" in r.content
        cast.add(len(r.content))
    assert len(confirm) == 1 and len(cast) == 1, (confirm, cast)


@pytest.mark.django_db
def test_a_refused_ballot_answer_has_the_one_size_too(client):
    """A ballot with too many candidates (or candidates and an abstention) is answered with the
    ballot form again, each ticked candidate checked: that page too must be padded to the poll's
    one size, or the answer's length tells how many boxes the voter ticked."""
    province = ProvinceFactory()
    cy, units = make_year(province=province, n_members=8, stage=Stage.VOTING)
    secretary = make_user("tk", province=province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    types = award_types(province)
    rule(cy, types["co-thanh-pho"], quota_kind="fixed", quota_count=2, quorum_num=1, quorum_den=10)
    voters = leaders(province, units)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=secretary)
    cands = [c.pk for c in poll.candidates.all()]
    url = reverse("awards:vote", args=[poll.pk])
    client.force_login(voters[0])
    sizes = {}
    for label, data in [
        ("valid", {"step": "confirm", "candidate": cands[:1]}),
        ("three", {"step": "confirm", "candidate": cands[:3]}),
        ("all", {"step": "confirm", "candidate": cands}),
        ("both", {"step": "confirm", "candidate": cands[:2], "abstain": "1"}),
        ("cast-all", {"step": "cast", "candidate": cands}),
    ]:
        r = client.post(url, data)
        sizes[label] = (r.status_code, len(r.content))
    assert len({size for _status, size in sizes.values()}) == 1, sizes
    assert not Participation.objects.filter(poll=poll).exists()
