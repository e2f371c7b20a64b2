"""Double-click drills of the apps' state-changing buttons (appended to
bench.drills.EXTRA_DOUBLE_CLICKS): submit scores, sign the pledge, cast a ballot, publish the
results. Each sets up its own small cluster year in the drills database, logs the right person
in, sends the same POST twice at the same instant and checks that there was exactly one effect.

Each drill is fn(admin_session, check); Django is already set up by bench.drills."""

import concurrent.futures
import datetime
from decimal import Decimal

from bench.harness import Session

PASSWORD = "ThiDua@2024"
YEAR = 2025


def _say(drill, what, detail):
    print(f"  [{drill}] {what}: {detail}", flush=True)


def _twice(session, path, data):
    """The same button clicked twice: two POSTs released together; their HTTP statuses."""
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        return [r[0] for r in pool.map(lambda _: session.post(path, data), range(2))]


def _mini_year(code, stage, n_units=3):
    from clusters.models import Cluster, ClusterYear, MemberRole, Membership, Province, Unit

    province = Province.objects.get(code="hai-phong")
    cluster = Cluster.objects.create(province=province, code=f"nhap-dup-{code}", name=f"Cụm nhấp đúp {code}")
    cy = ClusterYear.objects.create(cluster=cluster, year=YEAR, stage=stage)
    units = [
        Unit.objects.create(
            province=province,
            code=f"nhap-dup-{code}-{i}",
            kind="xa",
            name=f"Xã Nhấp Đúp {code.title()} {i + 1}",
            leader_name=f"Nguyễn Văn {chr(65 + i)}",
        )
        for i in range(n_units)
    ]
    roles = [MemberRole.HEAD, MemberRole.DEPUTY] + [MemberRole.MEMBER] * n_units
    Membership.objects.bulk_create(
        [Membership(cluster_year=cy, unit=u, role=r) for u, r in zip(units, roles, strict=False)]
    )
    return cy, units


def _person(base, username, unit, roles):
    from clusters.models import User, UserRole

    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        province_id=unit.province_id,
        unit=unit,
        full_name=f"Người thử {username}",
    )
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    return user, Session(base).login(username, PASSWORD)


def submit_scores(admin, check):
    from clusters.models import AuditEvent, Role
    from emulation.scoring.models import CriteriaTable, Criterion, ScoreEntry, ScoreSheet

    name = "double-click: submit scores"
    cy, units = _mini_year("cham-diem", "scoring")
    table = CriteriaTable.objects.create(cluster_year=cy)
    major = Criterion.objects.create(table=table, code="1", text="Tiêu chí 1", max_points=4, is_leaf=False)
    major.major = major
    major.save()
    leaves = [
        Criterion.objects.create(
            table=table, parent=major, major=major, code=f"1.{i}", text=f"Tiêu chí 1.{i}", max_points=2
        )
        for i in (1, 2)
    ]
    sheet = ScoreSheet.objects.create(cluster_year=cy, unit=units[2])
    ScoreEntry.objects.bulk_create(
        [ScoreEntry(sheet=sheet, criterion=c, self_points=Decimal("2")) for c in leaves]
    )
    _user, staff = _person(admin.base, "nhapdup.chamdiem", units[2], [Role.UNIT_STAFF])
    statuses = _twice(staff, f"/scoring/year/{cy.pk}/unit/{units[2].pk}/submit/", {})
    _say(name, "did", f"'submit' clicked twice at once by the unit's staff: HTTP {statuses}")
    sheet.refresh_from_db()
    events = AuditEvent.objects.filter(
        action="sheet.submitted", object_type="scoring.scoresheet", object_id=str(sheet.pk)
    ).count()
    check(name, sheet.status == "submitted" and events == 1, f"sheet {sheet.status}, {events} submission(s)")


def sign_pledge(admin, check):
    from clusters.models import AuditEvent, Role
    from emulation.pledges.models import Pledge, PledgeSignature, PledgeVersion

    name = "double-click: sign the pledge"
    cy, units = _mini_year("giao-uoc", "registration")
    pledge = Pledge.objects.create(cluster_year=cy, state="final")
    version = PledgeVersion.objects.create(
        pledge=pledge, number=1, title="Giao ước thi đua", articles=["Điều khoản 1."], place="Hải Phòng"
    )
    pledge.final_version = version
    pledge.save()
    _user, leader = _person(admin.base, "nhapdup.ky", units[1], [Role.UNIT_LEADER])
    statuses = _twice(leader, f"/pledges/years/{cy.pk}/sign/", {"version": version.pk, "password": PASSWORD})
    _say(name, "did", f"'sign' clicked twice at once by the unit's leader: HTTP {statuses}")
    sigs = PledgeSignature.objects.filter(version=version, unit=units[1]).exclude(state="failed").count()
    events = AuditEvent.objects.filter(
        action="pledge.sign_requested", object_type="pledges.pledge", object_id=str(pledge.pk)
    ).count()
    check(
        name, sigs == 1 and events == 1, f"{sigs} signature(s) recorded, {events} signing request(s) audited"
    )


def _poll(cy, units, code, precedence, status):
    from django.utils import timezone

    from awards.models import AwardType, Poll, PollCandidate
    from awards.rule_defaults import default_snapshot

    award = AwardType.objects.create(
        province_id=cy.cluster.province_id,
        code=f"nhap-dup-{code}",
        name=f"Giải nhấp đúp {code}",
        precedence=precedence,
    )
    now = timezone.now()
    poll = Poll.objects.create(
        cluster_year=cy,
        award_type=award,
        title=f"Bỏ phiếu {award.name}",
        status=status,
        opens_at=now - datetime.timedelta(hours=2),
        closes_at=now + datetime.timedelta(days=1) if status == "open" else now - datetime.timedelta(hours=1),
        quota=1,
        rule=default_snapshot(),
    )
    candidates = PollCandidate.objects.bulk_create(
        [PollCandidate(poll=poll, unit=u, name=u.name, position=i) for i, u in enumerate(units[:2])]
    )
    return poll, candidates


def cast_ballot(admin, check):
    from awards.models import BallotEnvelope, Elector, Participation
    from clusters.models import Role

    name = "double-click: cast a ballot"
    cy, units = _mini_year("bo-phieu", "voting")
    poll, candidates = _poll(cy, units, "bo-phieu", 90, "open")
    user, voter = _person(admin.base, "nhapdup.bophieu", units[2], [Role.UNIT_LEADER])
    Elector.objects.create(poll=poll, user=user, unit=units[2])
    statuses = _twice(
        voter, f"/awards/polls/{poll.pk}/vote/", {"step": "cast", "candidate": candidates[0].pk}
    )
    _say(name, "did", f"'cast my ballot' clicked twice at once by the voter: HTTP {statuses}")
    participations = Participation.objects.filter(poll=poll).count()
    ballots = BallotEnvelope.objects.filter(poll=poll).count()  # sealed until the close
    check(
        name,
        participations == 1 and ballots == 1 and 200 in statuses,
        f"{ballots} ballot(s), {participations} participation(s)",
    )


def publish_results(admin, check):
    from awards.models import Nomination, PollCandidate
    from clusters.models import AuditEvent, Role

    name = "double-click: publish the results"
    cy, units = _mini_year("cong-bo", "voting")
    poll, candidates = _poll(cy, units, "cong-bo", 91, "closed")
    PollCandidate.objects.filter(pk=candidates[0].pk).update(votes=3, proposed=True, met_threshold=True)
    PollCandidate.objects.filter(pk=candidates[1].pk).update(votes=0, proposed=False, met_threshold=False)
    poll.electorate_size = poll.participation_count = poll.ballot_count = 3
    poll.quorum_met = True
    poll.save()
    _user, secretary = _person(
        admin.base, "nhapdup.thuky", units[0], [Role.UNIT_STAFF, Role.CLUSTER_SECRETARY]
    )
    statuses = _twice(secretary, f"/awards/polls/{poll.pk}/publish/", {})
    _say(name, "did", f"'publish' clicked twice at once by the secretary: HTTP {statuses}")
    poll.refresh_from_db()
    events = AuditEvent.objects.filter(
        action="poll.published", object_type="awards.poll", object_id=str(poll.pk)
    ).count()
    nominations = Nomination.objects.filter(poll=poll).count()
    check(
        name,
        poll.status == "published" and events == 1 and nominations == 1,
        f"poll {poll.status}, {events} publication(s), {nominations} nomination(s)",
    )


APP_DOUBLE_CLICKS = [submit_scores, sign_pledge, cast_ballot, publish_results]
