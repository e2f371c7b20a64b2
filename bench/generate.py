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
import secrets
import sys
import time
from decimal import Decimal

PASSWORD = "ThiDua@2024"
MAJORS = 5
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Lan", "Long", "Mai", "Nam", "Phương"]
PLACES = ["Tân", "Hòa", "Phú", "Thạnh", "Đông", "Quảng", "Yên", "Ân", "Vĩnh", "Lạc", "Thủy", "Ưng"]
PLACES2 = ["Lập", "Bình", "Hưng", "Thịnh", "Sơn", "Lợi", "Phong", "Đức", "Khánh", "Long", "Tiến", "Hải"]
ARTICLES = [
    "Thực hiện thắng lợi các chỉ tiêu kinh tế - xã hội năm {y} đã được Hội đồng nhân dân giao.",
    "Đẩy mạnh cải cách hành chính, nâng cao chỉ số hài lòng của người dân và doanh nghiệp.",
    "Bảo đảm quốc phòng, an ninh, trật tự an toàn xã hội trên địa bàn.",
    "Phát triển văn hóa, giáo dục, y tế; chăm lo đời sống nhân dân, giảm nghèo bền vững.",
    "Tổ chức phong trào thi đua sâu rộng, phát hiện và nhân rộng các điển hình tiên tiến.",
    "Các đơn vị thành viên thực hiện chế độ báo cáo định kỳ sáu tháng và cả năm đúng thời hạn.",
    "Giao ước này có hiệu lực kể từ ngày ký; các đơn vị thành viên có trách nhiệm tổ chức thực hiện.",
]


def person(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def place(i):
    return f"{PLACES[i % 12]} {PLACES2[(i // 12) % 12]}"


class Timer:
    def __init__(self, quiet=False):
        self.start = self.last = time.perf_counter()
        self.quiet = quiet

    def step(self, what, n=None):
        now = time.perf_counter()
        if not self.quiet:
            count = f" ({n:,} rows)" if n is not None else ""
            print(f"  {what}{count}: {now - self.last:.1f} s", flush=True)
        self.last = now

    @property
    def total(self):
        return time.perf_counter() - self.start


def bulk(model, objs, batch=2000):
    return model.objects.bulk_create(objs, batch_size=batch)


def _users(User, UserRole, specs, pw_hash):
    """specs: [(username, full_name, province, unit, [roles])] → [User]."""
    users = bulk(
        User,
        [
            User(username=u, full_name=n, province=p, unit=unit, password=pw_hash, is_active=True)
            for u, n, p, unit, _r in specs
        ],
    )
    bulk(
        UserRole,
        [UserRole(user=user, role=r) for user, spec in zip(users, specs, strict=True) for r in spec[4]],
    )
    return users


def _tables(models, years_with_members, n_criteria, rng):
    """A criteria table of `n_criteria` leaves under MAJORS major criteria for each cluster year.
    → {cy.pk: (table, [major], [leaf])}"""
    CriteriaTable, Criterion = models["CriteriaTable"], models["Criterion"]
    tables = bulk(
        CriteriaTable,
        [CriteriaTable(cluster_year=cy, title=f"Bảng tiêu chí {cy.year}") for cy in years_with_members],
    )
    majors = bulk(
        Criterion,
        [
            Criterion(
                table=t,
                code=str(m + 1),
                text=f"Tiêu chí lớn {m + 1}: nhiệm vụ trọng tâm số {m + 1}",
                max_points=Decimal(2 * (n_criteria // MAJORS + (1 if m < n_criteria % MAJORS else 0))),
                position=m,
                is_leaf=False,
            )
            for t in tables
            for m in range(MAJORS)
        ],
    )
    from django.db.models import F

    Criterion.objects.filter(table__in=tables, parent__isnull=True).update(major_id=F("id"))
    for c in majors:
        c.major_id = c.pk
    leaves = []
    for ti, t in enumerate(tables):
        for k in range(n_criteria):
            m = majors[ti * MAJORS + k % MAJORS]
            leaves.append(
                Criterion(
                    table=t,
                    parent=m,
                    major=m,
                    code=f"{m.code}.{k // MAJORS + 1}",
                    text=f"Hoàn thành chỉ tiêu số {k + 1} về phát triển kinh tế, văn hóa và xã hội",
                    guidance="Căn cứ báo cáo của đơn vị và số liệu thống kê.",
                    max_points=Decimal("2.00"),
                    position=100 + k,
                )
            )
    leaves = bulk(Criterion, leaves)
    out = {}
    for ti, t in enumerate(tables):
        cy = years_with_members[ti]
        out[cy.pk] = (
            t,
            majors[ti * MAJORS : (ti + 1) * MAJORS],
            leaves[ti * n_criteria : (ti + 1) * n_criteria],
        )
    return out


def _scores(models, cy_members, tables, submitted, admin, rng, audit=True, timer=None):
    """Every member's sheet with every row scored; 10% reviewed; an audit event per entry."""
    from clusters.audit import bulk_append

    ScoreSheet, ScoreEntry, Adjustment, AuditEvent = (
        models["ScoreSheet"],
        models["ScoreEntry"],
        models["Adjustment"],
        models["AuditEvent"],
    )
    now = datetime.datetime.now(datetime.UTC)
    sheets = bulk(
        ScoreSheet,
        [
            ScoreSheet(
                cluster_year=cy,
                unit_id=unit_id,
                status="submitted" if submitted(cy) else "draft",
                submitted_at=now if submitted(cy) else None,
            )
            for cy, unit_ids in cy_members
            for unit_id in unit_ids
        ],
    )
    entries = []
    i = 0
    for cy, unit_ids in cy_members:
        leaves = tables[cy.pk][2]
        for _u in unit_ids:
            sheet = sheets[i]
            i += 1
            for c in leaves:
                pts = Decimal(rng.choice(("1.50", "1.75", "2.00", "2.00", "1.25")))
                reviewed = pts - Decimal("0.25") if rng.random() < 0.1 else None
                entries.append(
                    ScoreEntry(sheet=sheet, criterion=c, self_points=pts, reviewed_points=reviewed, note="")
                )
    entries = bulk(ScoreEntry, entries, batch=5000)
    if timer:
        timer.step("score entries", len(entries))
    bulk(
        Adjustment,
        [
            Adjustment(
                sheet=s,
                kind="bonus" if k % 2 else "deduction",
                points=Decimal("1.00"),
                reason="Khen thưởng đột xuất",
            )
            for k, s in enumerate(sheets)
            if k % 7 == 0
        ],
    )
    if audit:
        province_of = {cy.pk: cy.cluster.province_id for cy, _u in cy_members}
        sheet_province = {s.pk: province_of[s.cluster_year_id] for s in sheets}
        n = 0
        batch = []
        for e in entries:
            batch.append(
                AuditEvent(
                    province_id=sheet_province[e.sheet_id],
                    actor=admin,
                    action="score.self_saved",
                    object_type="scoring.scoreentry",
                    object_id=str(e.pk),
                    data={"criterion": "", "old": {"self": None}, "new": {"self": str(e.self_points)}},
                )
            )
            if len(batch) >= 10000:
                bulk_append(batch)
                n += len(batch)
                batch = []
        bulk_append(batch)
        n += len(batch)
        if timer:
            timer.step("audit events of the scores", n)
    return sheets


def _pledges(models, cy_members, signed, leaders_by_unit, rng):
    Pledge, PledgeVersion, PledgeApproval, PledgeSignature = (
        models["Pledge"],
        models["PledgeVersion"],
        models["PledgeApproval"],
        models["PledgeSignature"],
    )
    now = datetime.datetime.now(datetime.UTC)
    pledges = bulk(
        Pledge, [Pledge(cluster_year=cy, state="final", finalised_at=now) for cy, _u in cy_members]
    )
    versions = bulk(
        PledgeVersion,
        [
            PledgeVersion(
                pledge=p,
                number=1,
                title=f"Giao ước thi đua năm {cy.year}",
                preamble="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
                "Căn cứ Nghị định số 98/2023/NĐ-CP của Chính phủ;",
                articles=[a.format(y=cy.year) for a in ARTICLES],
                place=cy.cluster.province.place_name or "Thử Nghiệm",
                signing_date=datetime.date(cy.year, 3, 1),
            )
            for p, (cy, _u) in zip(pledges, cy_members, strict=True)
        ],
    )
    for p, v in zip(pledges, versions, strict=True):
        p.final_version = v
    Pledge.objects.bulk_update(pledges, ["final_version"], batch_size=2000)
    bulk(
        PledgeApproval,
        [
            PledgeApproval(version=v, unit_id=u, approved=True)
            for v, (_cy, units) in zip(versions, cy_members, strict=True)
            for u in units
        ],
    )
    sigs = []
    for v, (cy, units) in zip(versions, cy_members, strict=True):
        if not signed(cy):
            continue
        for u in units:
            leader = leaders_by_unit.get(u)
            sigs.append(
                PledgeSignature(
                    version=v,
                    unit_id=u,
                    signer=leader,
                    signer_name=leader.full_name if leader else "Chủ tịch",
                    state="done",
                    signed_at=now,
                    file_sha256=secrets.token_hex(32),
                )
            )
    bulk(PledgeSignature, sigs)
    return versions


def _registrations(models, cy_members):
    Registration, RegistrationTarget = models["Registration"], models["RegistrationTarget"]
    now = datetime.datetime.now(datetime.UTC)
    regs = bulk(
        Registration,
        [
            Registration(cluster_year=cy, unit_id=u, aims="Cờ thi đua của UBND tỉnh", submitted_at=now)
            for cy, units in cy_members
            for u in units
        ],
    )
    bulk(
        RegistrationTarget,
        [
            RegistrationTarget(
                registration=r, key=key, name=name, value=Decimal(value), measure=measure, position=i
            )
            for r in regs
            for i, (key, name, value, measure) in enumerate(
                [
                    ("thu-ngan-sach", "Thu ngân sách", "1250.000", "tỷ đồng"),
                    ("ho-ngheo", "Giảm tỷ lệ hộ nghèo", "1.500", "%"),
                ]
            )
        ],
    )
    return len(regs)


def _polls(models, cy, award_types, electors, candidates_units, names, status, rng, now):
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
    seed=2024,
    quiet=False,
):
    """Write the data set into the configured (empty, migrated) database; return the manifest."""
    from django.apps import apps
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from awards.rule_defaults import default_rule, default_snapshot

    rng = random.Random(seed)
    timer = Timer(quiet)
    names = {
        "Province": "clusters",
        "Unit": "clusters",
        "Cluster": "clusters",
        "ClusterYear": "clusters",
        "Membership": "clusters",
        "User": "clusters",
        "UserRole": "clusters",
        "AuditEvent": "clusters",
        "CriteriaTable": "scoring",
        "Criterion": "scoring",
        "ScoreSheet": "scoring",
        "ScoreEntry": "scoring",
        "Adjustment": "scoring",
        "Registration": "pledges",
        "RegistrationTarget": "pledges",
        "Pledge": "pledges",
        "PledgeVersion": "pledges",
        "PledgeApproval": "pledges",
        "PledgeSignature": "pledges",
        "AwardType": "awards",
        "AwardRule": "awards",
        "Poll": "awards",
        "PollCandidate": "awards",
        "Elector": "awards",
        "Participation": "awards",
        "Ballot": "awards",
        "CountedReceipt": "awards",
        "BallotChoice": "awards",
        "Nomination": "awards",
    }
    M = {name: apps.get_model(label, name) for name, label in names.items()}
    pw_hash = make_password(PASSWORD)
    this_year = timezone.localdate().year
    year_list = list(range(this_year - years + 1, this_year + 1))
    now = datetime.datetime.now(datetime.UTC)
    manifest = {
        "sizes": {
            "clusters": clusters,
            "units": units,
            "years": years,
            "criteria": criteria,
            "big_cluster": big_cluster,
            "agg_units": agg_units,
            "burst_voters": burst_voters,
            "pdf_sizes": list(pdf_sizes),
        }
    }
    rows = 0
    with transaction.atomic():
        Province, Unit, Cluster, ClusterYear, Membership = (
            M[n] for n in ("Province", "Unit", "Cluster", "ClusterYear", "Membership")
        )
        User, UserRole = M["User"], M["UserRole"]
        province = Province.objects.create(code="thu-nghiem", name="Tỉnh Thử Nghiệm", place_name="Thử Nghiệm")
        aux = Province.objects.create(code="thu-nghiem-phu", name="Tỉnh Phụ Trợ", place_name="Phụ Trợ")
        unit_objs = bulk(
            Unit,
            [
                Unit(
                    province=province,
                    code=f"dv-{i:04d}",
                    kind="phuong" if i % 4 == 0 else "xa",
                    name=f"{'Phường' if i % 4 == 0 else 'Xã'} {place(i)} {i:03d}",
                    short_name=f"{place(i)} {i:03d}",
                    leader_name=person(rng),
                )
                for i in range(units)
            ],
        )
        unit_name = {u.pk: u.name for u in unit_objs}
        # cluster i: the first has big_cluster members, the rest share the other units
        groups = [unit_objs[:big_cluster]]
        rest = unit_objs[big_cluster:]
        for k in range(clusters - 1):
            groups.append(rest[k :: clusters - 1])
        cluster_objs = bulk(
            Cluster,
            [
                Cluster(province=province, code=f"cum-{k + 1:02d}", name=f"Cụm thi đua số {k + 1:02d}")
                for k in range(clusters)
            ],
        )
        timer.step("province, units, clusters", units + clusters)

        # users: staff and leader of every unit, a secretary per cluster (head unit), admin, council
        specs = []
        for u in unit_objs:
            specs.append((f"canbo.{u.code}", person(rng), province, u, ["unit_staff"]))
            specs.append((f"chutich.{u.code}", u.leader_name, province, u, ["unit_leader"]))
        for k, g in enumerate(groups):
            specs.append(
                (f"thuky.cum{k + 1:02d}", person(rng), province, g[0], ["unit_staff", "cluster_secretary"])
            )
        specs.append(("tinh.thunghiem", "Quản trị tỉnh", province, None, ["province_admin"]))
        specs.extend(
            (f"hoidong.{k:03d}", person(rng), province, None, ["council_member"]) for k in range(burst_voters)
        )
        users = _users(User, UserRole, specs, pw_hash)
        by_name = {u.username: u for u in users}
        admin = by_name["tinh.thunghiem"]
        leaders_by_unit = {u.unit_id: u for u in users if u.username.startswith("chutich.")}
        council = [u for u in users if u.username.startswith("hoidong.")]
        timer.step("users and roles", len(users))

        def stage_of(k, year):
            if year < this_year:
                return "closed"
            if k == 0:
                return "voting"
            return ("scoring", "voting", "registration")[k % 3]

        cys = bulk(
            ClusterYear,
            [
                ClusterYear(
                    cluster=c,
                    year=y,
                    stage=stage_of(k, y),
                    scoring_deadline=datetime.date(y, 11, 30),
                    voting_deadline=datetime.date(y, 12, 15),
                )
                for k, c in enumerate(cluster_objs)
                for y in year_list
            ],
        )
        cluster_by_pk = {c.pk: c for c in cluster_objs}
        for cy in cys:
            cy.cluster = cluster_by_pk[cy.cluster_id]
        cluster_index = {c.pk: k for k, c in enumerate(cluster_objs)}
        memberships = []
        cy_members = []
        for cy in cys:
            g = groups[cluster_index[cy.cluster_id]]
            ids = [u.pk for u in g]
            cy_members.append((cy, ids))
            for j, u in enumerate(g):
                memberships.append(
                    Membership(
                        cluster_year=cy, unit=u, role="head" if j == 0 else ("deputy" if j == 1 else "member")
                    )
                )
        bulk(Membership, memberships)
        timer.step("cluster years and memberships", len(cys) + len(memberships))

        # criteria, scores (every year up to now; the current year's registration-stage clusters have none)
        scored = [(cy, ids) for cy, ids in cy_members if cy.stage != "registration"]
        tables = _tables(M, [cy for cy, _ids in scored], criteria, rng)
        M["CriteriaTable"].objects.filter(cluster_year__stage__in=["closed", "voting"]).update(
            locked=True, locked_at=now
        )
        timer.step("criteria tables", len(tables) * (criteria + MAJORS))
        sheets = _scores(
            M, scored, tables, lambda cy: cy.stage != "scoring", admin, rng, audit=audit, timer=timer
        )
        rows += len(sheets) * criteria

        # registrations and pledges
        n_regs = _registrations(M, cy_members)
        versions = _pledges(M, cy_members, lambda cy: cy.stage != "registration", leaders_by_unit, rng)
        timer.step("registrations, pledges, approvals, signatures", n_regs + len(versions))

        # awards
        AwardType, AwardRule = M["AwardType"], M["AwardRule"]
        award_types = bulk(
            AwardType,
            [
                AwardType(
                    province=province, code="co-thi-dua", name="Cờ thi đua của UBND tỉnh", precedence=1
                ),
                AwardType(province=province, code="bang-khen", name="Bằng khen của UBND tỉnh", precedence=2),
            ],
        )
        bulk(
            AwardRule,
            [
                AwardRule(
                    cluster_year=cy, award_type=t, **default_rule(quota_count=1 if t.precedence == 1 else 2)
                )
                for cy in cys
                for t in award_types
            ],
        )
        all_polls = {"candidates": [], "electors": []}
        poll_of = {}
        Poll = M["Poll"]
        for cy, ids in cy_members:
            if cy.stage == "closed":
                status = "published"
            elif cy.stage == "voting":
                status = "open"
            else:
                continue
            types = award_types if status == "published" else award_types[:1]
            electors = [(leaders_by_unit[u], u) for u in ids]
            out = _polls(M, cy, types, electors, ids[:4], unit_name, status, rng, now)
            for p in out["polls"]:
                poll_of[(cy.pk, p.award_type_id)] = p
            all_polls["candidates"].extend(out["candidates"])
            all_polls["electors"].extend(out["electors"])
        cands = bulk(M["PollCandidate"], [c for _p, cs in all_polls["candidates"] for c in cs])
        bulk(M["Elector"], all_polls["electors"], batch=5000)
        # ballots of the published polls: every elector voted; the first candidates won
        participations, ballots, choices, nominations, receipts = [], [], [], [], []
        cands_of = {}
        for c in cands:
            cands_of.setdefault(c.poll_id, []).append(c)
        electors_of = {}
        for e in all_polls["electors"]:
            electors_of.setdefault(e.poll_id, []).append(e)
        counts = {}
        for (_cy_pk, _t), p in poll_of.items():
            if p.status != "published":
                continue
            pc = cands_of[p.pk]
            for e in electors_of[p.pk]:
                participations.append(M["Participation"](poll=p, user_id=e.user_id))
                b = M["Ballot"](poll=p)
                ballots.append(b)
                receipts.append(M["CountedReceipt"](poll=p, receipt_hash=secrets.token_hex(32)))
                for c in rng.sample(pc[: p.quota + 1], p.quota):
                    choices.append(M["BallotChoice"](ballot=b, candidate=c))
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
                        M["Nomination"](
                            cluster_year_id=p.cluster_year_id,
                            award_type_id=p.award_type_id,
                            unit_id=c.unit_id,
                            unit_name=c.name,
                            poll=p,
                            votes=c.votes,
                        )
                    )
        bulk(M["Participation"], participations, batch=5000)
        bulk(M["Ballot"], ballots, batch=5000)
        bulk(M["BallotChoice"], choices, batch=5000)
        bulk(M["CountedReceipt"], receipts, batch=5000)
        M["PollCandidate"].objects.bulk_update(
            cands, ["votes", "share", "met_threshold", "proposed"], batch_size=2000
        )
        bulk(M["Nomination"], nominations)
        Poll.objects.filter(pk__in=[p.pk for p in poll_of.values() if p.status == "published"]).update(
            status="published"
        )
        from clusters.audit import bulk_append

        bulk_append(
            [
                M["AuditEvent"](
                    province=province,
                    actor_id=p.user_id,
                    action="poll.voted",
                    object_type="awards.poll",
                    object_id=str(p.poll_id),
                    data={"voter": p.user_id},
                )
                for p in participations
            ]
        )
        timer.step(
            "polls, candidates, electors, ballots",
            len(cands) + len(all_polls["electors"]) + len(ballots) + len(choices),
        )

        # the burst poll: the first cluster, current year, second award, council electorate
        cy0 = next(
            cy for cy, _i in cy_members if cy.cluster_id == cluster_objs[0].pk and cy.year == this_year
        )
        ids0 = groups[0]
        burst = Poll.objects.create(
            cluster_year=cy0,
            award_type=award_types[1],
            title=f"Bằng khen năm {this_year} (hội đồng)",
            status="open",
            electorate_kind="council",
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=7),
            quota=2,
            rule=default_snapshot(quota_count=2),
            secret=True,
        )
        burst_cands = bulk(
            M["PollCandidate"],
            [
                M["PollCandidate"](
                    poll=burst, unit=u, name=u.name, position=i, total=Decimal("90.00") - i, rank=i + 1
                )
                for i, u in enumerate(ids0[:5])
            ],
        )
        bulk(M["Elector"], [M["Elector"](poll=burst, user=u) for u in council])
        timer.step("burst poll", len(council))

        # the second province: ranking aggregation and PDF clusters
        agg_units_objs = bulk(
            Unit,
            [
                Unit(
                    province=aux,
                    code=f"tonghop-{i:05d}",
                    kind="xa",
                    name=f"Xã {place(i)} {i:04d}",
                    leader_name=person(rng),
                )
                for i in range(agg_units)
            ],
        )
        agg_cluster = Cluster.objects.create(
            province=aux, code="tong-hop", name=f"Cụm tổng hợp {agg_units} đơn vị"
        )
        agg_cy = ClusterYear.objects.create(cluster=agg_cluster, year=this_year, stage="voting")
        agg_cy.cluster = agg_cluster
        agg_cluster.province = aux
        bulk(
            Membership,
            [
                Membership(cluster_year=agg_cy, unit=u, role="head" if i == 0 else "member")
                for i, u in enumerate(agg_units_objs)
            ],
        )
        agg_tables = _tables(M, [agg_cy], criteria, rng)
        _scores(
            M, [(agg_cy, [u.pk for u in agg_units_objs])], agg_tables, lambda cy: True, None, rng, audit=False
        )
        timer.step(f"aggregation cluster ({agg_units} units × {criteria} criteria)", agg_units * criteria)

        pdf_years = {}
        for n in pdf_sizes:
            pu = bulk(
                Unit,
                [
                    Unit(
                        province=aux,
                        code=f"gu{n}-{i:02d}",
                        kind="xa",
                        name=f"Xã {place(i * 7 + n)}",
                        leader_name=person(rng),
                        leader_title="CHỦ TỊCH",
                    )
                    for i in range(n)
                ],
            )
            pc = Cluster.objects.create(province=aux, code=f"giao-uoc-{n}", name=f"Cụm thi đua {n} đơn vị")
            pcy = ClusterYear.objects.create(cluster=pc, year=this_year, stage="registration")
            pc.province = aux
            pcy.cluster = pc
            bulk(
                Membership,
                [
                    Membership(
                        cluster_year=pcy,
                        unit=u,
                        role="head" if i == 0 else ("deputy" if i == 1 else "member"),
                    )
                    for i, u in enumerate(pu)
                ],
            )
            (version,) = _pledges(M, [(pcy, [u.pk for u in pu])], lambda cy: False, {}, rng)
            pdf_years[str(n)] = {"cluster_year": pcy.pk, "version": version.pk}
        aux_admin = _users(
            User, UserRole, [("tinh.phutro", "Quản trị tỉnh phụ", aux, None, ["province_admin"])], pw_hash
        )[0]
        timer.step("pledge clusters for the PDF figures")

        first = cluster_objs[0]
        cy_prev = (
            next(cy for cy, _i in cy_members if cy.cluster_id == first.pk and cy.year == this_year - 1)
            if years > 1
            else None
        )
        cy_scoring = next(cy for cy, _i in cy_members if cy.stage == "scoring")
        scoring_unit = groups[cluster_index[cy_scoring.cluster_id]][2]
        manifest.update(
            {
                "province": province.pk,
                "year": this_year,
                "admin": admin.username,
                "secretary": "thuky.cum01",
                "ranking_year": cy0.pk,
                "ranking_units": len(groups[0]),
                "sheet": {
                    "year": cy_scoring.pk,
                    "unit": scoring_unit.pk,
                    "user": f"canbo.{scoring_unit.code}",
                },
                "home_user": f"chutich.{groups[0][3].code}",
                "ballot": {
                    "poll": poll_of[(cy0.pk, award_types[0].pk)].pk,
                    "user": f"chutich.{groups[0][3].code}",
                },
                "results": {
                    "poll": poll_of[(cy_prev.pk, award_types[0].pk)].pk if cy_prev else None,
                    "user": "thuky.cum01",
                },
                "burst": {
                    "poll": burst.pk,
                    "voters": [u.username for u in council],
                    "candidates": [c.pk for c in burst_cands],
                },
                "aggregation_year": agg_cy.pk,
                "pdf": pdf_years,
                "aux_admin": aux_admin.username,
            }
        )
    timer.step("commit")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # a settled database: visibility map, statistics
    timer.step("VACUUM ANALYZE")
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
        totals[name] = M[name].objects.count()
    manifest["rows"] = totals
    manifest["seconds"] = round(timer.total, 1)
    if not quiet:
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in totals.items()))
        print(f"== data set generated in {timer.total:.1f} s", flush=True)
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
    print(json.dumps(manifest)[:2000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
