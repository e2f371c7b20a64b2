"""Red team on the doors landed with the bulk set-up, the councils, the new rounds and the score
rows built in Python: a province admin (or a secretary) trying to change a closed year, to apply a
bulk set-up past its preview, and a criterion or note that tries to become HTML."""

import threading
import time
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context
from django.urls import reverse

from awards import roster, services
from awards.models import CouncilRole, CouncilSeat, Poll
from clusters.bulk import apply as bulk
from clusters.models import Membership, Role, Stage, Unit, UnitKind
from emulation.scoring.models import CriterionKind
from emulation.scoring.rowhtml import render_row
from tests.awards.helpers import award_types, leaders, open_poll, rule, vote, window
from tests.clusters.bulk_workbooks import workbook
from tests.factories import PASSWORD, make_user, make_year

pytestmark = pytest.mark.django_db

PROBE = '"><script>alert(1)</script><b x=" onmouseover="alert(2)'


def _close(cy):
    cy.stage = Stage.CLOSED
    cy.save(update_fields=["stage"])


def test_a_closed_years_council_cannot_be_rewritten_by_its_secretary_or_the_admin(cast, client):
    """The minutes of a closed year print its council's chair and secretary: rewriting the roster
    after the close would change who signed a vote count already held."""
    sec, admin = cast.secretary, cast.admin
    services.council_save(
        cluster_year=cast.year,
        actor=sec,
        seats=[{"name": "Nguyễn Văn Chủ", "role": CouncilRole.CHAIR}],
    )
    _close(cast.year)
    forged = [{"name": "Người Khác", "role": CouncilRole.CHAIR}]
    for actor in (sec, admin):
        with pytest.raises(ValidationError, match="đã kết thúc"):
            services.council_save(cluster_year=cast.year, actor=actor, seats=forged)
    client.login(username="secretary", password=PASSWORD)
    data = {
        "seat-TOTAL_FORMS": "1",
        "seat-INITIAL_FORMS": "0",
        "seat-0-name": "Người Khác",
        "seat-0-role": CouncilRole.CHAIR,
    }
    page = client.post(reverse("awards:year_council", args=[cast.year.pk]), data)
    assert page.status_code == 200
    assert any("đã kết thúc" in str(m) for m in get_messages(page.wsgi_request))
    assert [s.name for s in roster.of_year(cast.year)] == ["Nguyễn Văn Chủ"]
    assert CouncilSeat.objects.count() == 1


def test_a_closed_years_failed_poll_gets_no_new_round(db):
    """A poll whose quorum failed need not be published, so the year can close with it; a new
    round opened afterwards would propose units after the dossier went to the province."""
    cy, units = make_year(n_members=6, stage=Stage.VOTING, year=2025)
    province = cy.cluster.province
    voters = leaders(province, units)
    sec = make_user("sec", province=province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    types = award_types(province)
    rule(cy, types["co-thanh-pho"])
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters, actor=sec)
    vote(poll, voters[0], units[1])  # 1 of 6: no quorum
    services.poll_close(poll=poll, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    poll.refresh_from_db()
    assert poll.quorum_met is False
    opens, closes = window()
    for stage in (Stage.DOSSIER, Stage.CLOSED):
        cy.stage = stage
        cy.save(update_fields=["stage"])
        # dossier: the stage check; closed: the one guard of closed years (clusters.closing)
        with pytest.raises(ValidationError, match="giai đoạn bình xét, bỏ phiếu|đã kết thúc"):
            services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=sec)
    assert Poll.objects.filter(parent=poll).count() == 0
    cy.stage = Stage.VOTING  # while voting, the new round still opens
    cy.save(update_fields=["stage"])
    assert services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=sec).parent_id == poll.pk


def test_a_bulk_apply_that_drops_the_previews_digest_is_refused(cast, client):
    """The preview's digest guarantees that what is applied is what was shown: a request without
    it (tampered form) must not apply a plan nobody saw."""
    data = workbook(
        units=[["xa-moi", "Xã Mới", "", "xã", "", "", ""]],
        clusters=[["cum-moi", "Cụm mới", "cụm", "", "", ""]],
        members=[[2026, "cum-moi", "xa-moi", "thành viên"]],
    )
    client.login(username="admin", password=PASSWORD)
    page = client.post(reverse("clusters:bulk_preview"), {"file": SimpleUploadedFile("a.xlsx", data)})
    token = page.context["token"]
    assert token and page.context["plan"].ok
    # the province changes after the preview: the unit now exists with another name
    Unit.objects.create(province=cast.province, code="xa-moi", kind=UnitKind.COMMUNE, name="Xã Đã Có")
    done = client.post(reverse("clusters:bulk_apply"), {"token": token})
    assert done.status_code == 302
    assert any("kể từ khi xem trước" in str(m) for m in get_messages(done.wsgi_request))
    assert Unit.objects.get(code="xa-moi").name == "Xã Đã Có"
    assert not Membership.objects.filter(cluster_year__cluster__code="cum-moi").exists()


def _row(*, kind, leaf=True):
    criterion = SimpleNamespace(
        pk=7,
        code="1.1",
        text=PROBE,
        guidance=PROBE,
        kind=kind,
        max_points=10,
        is_leaf=leaf,
        level=1,
    )
    entry = SimpleNamespace(
        self_points=5,
        note=PROBE,
        achieved=1,
        target=2,
        reviewed_points=4,
        adjusted=True,
        review_reason=PROBE,
        final_points=4,
    )
    evidence = [SimpleNamespace(pk=3, original_name=PROBE)]
    return SimpleNamespace(criterion=criterion, entry=entry, evidence=evidence, history=[])


@pytest.mark.parametrize("kind", CriterionKind.values)
@pytest.mark.parametrize("can_self", [True, False])
def test_score_rows_built_in_python_escape_criterion_guidance_note_evidence_and_reason(can_self, kind):
    context = Context(
        {
            "year": SimpleNamespace(pk=1),
            "sheet": SimpleNamespace(unit_id=2),
            "csrf_token": "tok",
            "can_self": can_self,
            "can_review": True,
            "error": PROBE if can_self else "",
            "review_error": PROBE,
            "posted": {"value": PROBE, "note": PROBE, "reviewed": PROBE, "reason": PROBE},
        }
    )
    for leaf in (True, False):
        html = str(render_row(context, _row(kind=kind, leaf=leaf)))
        assert "<script>" not in html and '" onmouseover=' not in html and "<b x=" not in html
        assert "&lt;script&gt;" in html and "&quot;" in html


def test_a_spreadsheet_cannot_rename_a_unit_on_a_closed_years_record(cast):
    """A rename on the unit's page is dated and earlier years keep the old name; the set-up sheet
    changed the name in place, so a closed year's pages and documents would show the new one."""
    _close(cast.year)
    unit = cast.unit_a
    row = [unit.code, "Huyện Đổi Tên", unit.short_name, "huyện", "", "Ông Mới", ""]
    data = workbook(units=[row])
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=data)
    assert not plan.ok and any("kết thúc" in e for r in plan.rows["units"] for e in r.errors)
    with pytest.raises(ValidationError):
        bulk.apply(province=cast.province, actor=cast.admin, data=data)
    unit.refresh_from_db()
    assert unit.name == "Huyện Vĩnh Bảo"
    # the rest of the row (its leader) may still change
    row[1] = unit.name
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=workbook(units=[row]))
    assert plan.ok and [r.fate for r in plan.rows["units"]] == ["changed"]


@pytest.mark.django_db(transaction=True)
def test_parallel_password_reentries_are_checked_no_more_than_the_limit(monkeypatch, settings):
    """Twenty tries sent at once from one stolen session: each used to read the counter below the
    limit before any of them had counted, so all twenty passwords were checked."""
    from django.core.cache import cache
    from django.db import connection

    from clusters import reauth
    from clusters.models import AuditEvent, User
    from tests.factories import ProvinceFactory

    cache.clear()
    user = make_user("nan_nhan", province=ProvinceFactory(), roles=[Role.UNIT_STAFF])
    checked, lock = [], threading.Lock()

    def slow_wrong(self, raw):
        with lock:
            checked.append(raw)
        time.sleep(0.2)
        return False

    monkeypatch.setattr(User, "check_password", slow_wrong)
    request = SimpleNamespace(user=user, META={"REMOTE_ADDR": "10.9.9.9"}, path="/doi-mat-khau/")

    def attempt(i):
        try:
            reauth.verify_password(request, f"doan-{i}")
        except ValidationError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) <= settings.AXES_FAILURE_LIMIT
    assert reauth.is_locked(user, request)
    assert AuditEvent.objects.filter(action=reauth.REENTRY_LOCKED, object_id=str(user.pk)).count() == 1
    cache.clear()


def test_another_provinces_admin_finds_none_of_the_new_council_and_round_doors(cast, client):
    """Quảng Bình's admin (cast.other) tries Hải Phòng's year council, its poll's new round and
    tie decision, Hải Phòng's award in a province poll, and Hải Phòng's people on its own
    province council: not found, or not a valid choice; nothing is saved anywhere."""
    from tests.awards.helpers import nominated_clusters

    types, years = nominated_clusters(cast, clusters=1, higher=2, lower=0)
    poll = Poll.objects.get(cluster_year=years[0])
    client.login(username="other", password=PASSWORD)
    posts = {
        reverse("awards:year_council", args=[years[0].pk]): {
            "seat-TOTAL_FORMS": "1",
            "seat-INITIAL_FORMS": "0",
            "seat-0-name": "Kẻ Lạ",
            "seat-0-role": CouncilRole.CHAIR,
        },
        reverse("awards:poll_round", args=[poll.pk]): {"opens_at": "01/01/2030 08:00"},
        reverse("awards:poll_tie", args=[poll.pk]): {"chair_name": "Kẻ Lạ"},
        reverse("awards:province_poll_create", args=[cast.year.year])
        + f"?award={types['co-thanh-pho'].pk}": {"title": "x"},
    }
    for url, data in posts.items():
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, data).status_code == 404, url
    # its own province council, naming Hải Phòng's secretary's account by id
    url = reverse("awards:province_council", args=[cast.year.year])
    page = client.post(
        url,
        {
            "seat-TOTAL_FORMS": "1",
            "seat-INITIAL_FORMS": "0",
            "seat-0-name": "",
            "seat-0-role": CouncilRole.CHAIR,
            "seat-0-user": str(cast.secretary.pk),
        },
    )
    assert page.status_code == 200 and page.context["formset"].errors[0].get("user")
    assert CouncilSeat.objects.count() == 0
    assert Poll.objects.count() == 1 and Poll.objects.get().candidates.filter(won_tie=True).count() == 0


def test_a_dated_unit_change_cannot_reach_back_into_a_closed_year(cast):
    """Rename, merge, split and abolish take a date: one dated inside (or before) a closed year
    changed that year's members on its pages and in its documents after the close."""
    import datetime

    from clusters import unit_events
    from clusters.models import UnitVersion

    _close(cast.year)
    year = cast.year.year
    inside = datetime.date(year, 7, 1)
    basis = {"decision_number": "01/NQ-UBTVQH", "decision_date": datetime.date(year, 6, 1)}
    a, b = cast.unit_a, cast.unit_b
    attempts = [
        lambda: unit_events.unit_rename(
            unit=a, name="Huyện Mới", short_name="", kind=a.kind, effective=inside, actor=cast.admin, **basis
        ),
        lambda: unit_events.units_merge(
            units=[a, b], into=cast.head, effective=inside, actor=cast.admin, **basis
        ),
        lambda: unit_events.unit_split(
            unit=a,
            successors=[
                {"code": "x1", "name": "Xã 1", "kind": UnitKind.COMMUNE},
                {"code": "x2", "name": "Xã 2", "kind": UnitKind.COMMUNE},
            ],
            effective=inside,
            actor=cast.admin,
            **basis,
        ),
        lambda: unit_events.unit_abolish(
            unit=b, effective=datetime.date(year - 3, 1, 1), actor=cast.admin, **basis
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="đã kết thúc"):
            attempt()
    assert not Unit.objects.filter(ended_on__isnull=False).exists()
    assert not UnitVersion.objects.exists() and not Unit.objects.filter(code__in=["x1", "x2"]).exists()
    # from the next year on, the change is the next year's business
    after = datetime.date(year + 1, 1, 1)
    unit_events.unit_rename(
        unit=a, name="Huyện Mới", short_name="", kind=a.kind, effective=after, actor=cast.admin, **basis
    )
    a.refresh_from_db()
    assert a.name == "Huyện Mới" and a.name_in_year(year) == "Huyện Vĩnh Bảo"


def test_a_probe_in_names_signer_seats_and_basis_stays_text_on_the_new_pages(cast, client):
    """Unit and award names, the decision's signer and note, the council's seats and a unit
    change's basis, each `"><script>`…, read on every new page as text."""
    import datetime

    from awards.models import AwardType, Nomination, Outcome
    from clusters import unit_events
    from tests.awards.helpers import nominated_clusters

    types, years = nominated_clusters(cast, clusters=1, higher=2, lower=0)
    cy = years[0]
    Nomination.objects.update(unit_name=PROBE)
    AwardType.objects.filter(province=cast.province).update(name=PROBE)
    services.decisions_apply(
        nominations=list(Nomination.objects.values_list("pk", flat=True)),
        actor=cast.admin,
        number="12/QĐ-UBND",
        date=datetime.date(cy.year, 12, 30),
        signer=PROBE,
        outcome=Outcome.APPROVED,
        note=PROBE,
    )
    services.council_save(
        province=cast.province,
        year=cy.year,
        actor=cast.admin,
        seats=[{"name": PROBE, "title": PROBE, "role": CouncilRole.CHAIR}],
    )
    unit_events.unit_rename(
        unit=cast.unit_b,
        name=PROBE,
        short_name=PROBE,
        kind=cast.unit_b.kind,
        effective=datetime.date(cy.year, 3, 1),
        actor=cast.admin,
        decision_number=PROBE,
        decision_date=datetime.date(cy.year, 2, 1),
        decision_body=PROBE,
        note=PROBE,
    )
    client.login(username="admin", password=PASSWORD)
    pages = [
        reverse("awards:decisions_bulk") + f"?year={cy.year}",
        reverse("awards:province_report") + f"?year={cy.year}",
        reverse("awards:province_polls", args=[cy.year]),
        reverse("awards:province_council", args=[cy.year]),
        reverse("awards:year", args=[cy.pk]),
        reverse("awards:dossier", args=[cy.pk]),
        reverse("clusters:unit_detail", args=[cast.unit_b.pk]),
        reverse("clusters:year_detail", args=[cast.year.pk]),
    ]
    for url in pages:
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200, url
        assert "<script>alert" not in html and '" onmouseover="alert' not in html, url
        assert "&lt;script&gt;alert(1)" in html, url  # the probe is on the page, as text


def test_after_a_province_merge_the_merged_provinces_admin_opens_no_door_of_the_receiving_one(cast, client):
    """Quảng Bình merged into Hải Phòng: its admin's account moves and loses the admin role, so
    Hải Phòng's earlier years, units and set-up stay closed to it; its council member's account
    moved with the council member role, and opened every earlier Hải Phòng year. Hải Phòng's
    admin reaches Quảng Bình's years (they are now Hải Phòng's records), as designed."""
    import datetime

    from clusters import unit_events
    from clusters.models import User

    root = User.objects.create_superuser(username="root", password=PASSWORD, email="")
    make_user("hd_qb", province=cast.other_province, roles=[Role.COUNCIL_MEMBER])
    unit_events.province_merge(
        province=cast.other_province,
        into=cast.province,
        effective=datetime.date(cast.year.year, 7, 1),
        actor=root,
        decision_number="202/2025/QH15",
        decision_date=datetime.date(cast.year.year, 6, 12),
    )
    cast.other.refresh_from_db()
    assert cast.other.province_id == cast.province.pk and not cast.other.has_role(Role.PROVINCE_ADMIN)
    client.login(username="other", password=PASSWORD)
    for url in (
        reverse("clusters:year_detail", args=[cast.year.pk]),
        reverse("clusters:unit_detail", args=[cast.unit_a.pk]),
        reverse("clusters:bulk_setup"),
        reverse("awards:decisions_bulk"),
        reverse("awards:province_council", args=[cast.year.year]),
        reverse("awards:year_council", args=[cast.year.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    # Quảng Bình's council member is not Hải Phòng's: Hải Phòng's earlier years stay closed to it
    client.login(username="hd_qb", password=PASSWORD)
    assert client.get(reverse("clusters:year_detail", args=[cast.year.pk])).status_code in (403, 404)
    client.login(username="other", password=PASSWORD)
    # its own unit's year (now Hải Phòng's record) is still its own
    assert client.get(reverse("clusters:year_detail", args=[cast.other_year.pk])).status_code == 200
    client.login(username="admin", password=PASSWORD)
    assert client.get(reverse("clusters:year_detail", args=[cast.other_year.pk])).status_code == 200


def test_a_unit_moved_to_another_province_does_not_carry_its_people_province_roles(cast, client):
    """Quảng Bình's admin works from one of its units (cast.other: province admin and that unit's
    staff). The superuser moves that unit to Hải Phòng: the account followed the unit with its
    province admin role, and so became Hải Phòng's admin — every earlier Hải Phòng year, unit and
    account open to it. Likewise a council member whose unit moves."""
    import datetime

    from clusters import unit_events
    from clusters.models import AuditEvent, User

    root = User.objects.create_superuser(username="root", password=PASSWORD, email="")
    basis = {"decision_number": "15/NQ-UBTVQH", "decision_date": datetime.date(cast.year.year, 6, 1)}
    unit_events.unit_transfer(
        unit=cast.other_units[0],
        to_province=cast.province,
        effective=datetime.date(cast.year.year, 7, 1),
        actor=root,
        **basis,
    )
    cast.other.refresh_from_db()
    assert cast.other.province_id == cast.province.pk
    assert not cast.other.has_role(Role.PROVINCE_ADMIN) and cast.other.has_role(Role.UNIT_STAFF)
    client.login(username="other", password=PASSWORD)
    for url in (
        reverse("clusters:year_detail", args=[cast.year.pk]),
        reverse("clusters:unit_detail", args=[cast.unit_a.pk]),
        reverse("clusters:user_list"),
        reverse("clusters:bulk_setup"),
        reverse("awards:decisions_bulk"),
    ):
        assert client.get(url).status_code in (403, 404), url
    # Hải Phòng's council member whose unit moves to Quảng Bình sees none of Quảng Bình's years
    unit_events.unit_transfer(
        unit=cast.unit_b,
        to_province=cast.other_province,
        effective=datetime.date(cast.year.year, 7, 1),
        actor=root,
        **basis,
    )
    cast.council.refresh_from_db()
    assert cast.council.province_id == cast.other_province.pk and not cast.council.has_role(
        Role.COUNCIL_MEMBER
    )
    client.login(username="council", password=PASSWORD)
    assert client.get(reverse("clusters:year_detail", args=[cast.other_year.pk])).status_code in (403, 404)
    event = AuditEvent.objects.filter(action="unit.transferred").order_by("pk").first()
    assert [cast.other.pk, Role.PROVINCE_ADMIN] in event.data["roles_removed"]


def test_a_province_polls_ballots_and_its_new_rounds_stay_unlinkable_to_the_council_members(db):
    """The province council's poll and its new round use the sealed box: after the count no
    ballot carries a name, no envelope or key is left, the voters' rows and events name no ballot."""
    from awards.models import Ballot, BallotEnvelope, Participation, PollKey
    from clusters.models import AuditEvent
    from tests.awards.test_province_polls import _open, province_vote

    setup = province_vote.__wrapped__()
    province, flag, nominations, admin, council = setup
    poll = _open(setup)
    assert poll.secret
    first = poll.candidates.order_by("position").first()
    for member in council[:3]:  # 3 of 9: no quorum, a new round follows
        services.ballot_cast(poll=poll, actor=member, candidate_ids=[first.pk])
    services.poll_close(poll=poll, actor=admin, reason="Đã hết thời gian theo kế hoạch")
    opens, closes = window()
    second = services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=admin)
    assert second.secret
    for member in council[:7]:
        services.ballot_cast(poll=second, actor=member, candidate_ids=[second.candidates.first().pk])
    services.poll_close(poll=second, actor=admin, reason="Đã hết thời gian theo kế hoạch")
    for p in (poll, second):
        assert (
            not BallotEnvelope.objects.filter(poll=p).exists() and not PollKey.objects.filter(poll=p).exists()
        )
        assert set(Ballot.objects.filter(poll=p).values_list("voter_name", flat=True)) == {""}
    ballot_ids = {str(b) for b in Ballot.objects.values_list("pk", flat=True)}
    voted = AuditEvent.objects.filter(action="poll.voted")
    assert voted.count() == 10 and all(set(map(str, e.data.values())).isdisjoint(ballot_ids) for e in voted)
    assert {f.name for f in Participation._meta.get_fields()} == {"id", "poll", "user", "at"}


@pytest.mark.parametrize("year", [0, 1999, 70000])
def test_a_province_year_out_of_range_is_not_found_on_the_province_council_doors(cast, client, year):
    """The province's pages take the year from the address: a year no council sits in (or one the
    database cannot hold) is not found, instead of a server error or a council of year 0."""
    client.login(username="admin", password=PASSWORD)
    seat = {"seat-TOTAL_FORMS": "1", "seat-INITIAL_FORMS": "0", "seat-0-name": "A", "seat-0-role": "chair"}
    for name in ("province_polls", "province_council", "province_poll_create"):
        assert client.get(reverse(f"awards:{name}", args=[year])).status_code == 404, name
    assert client.post(reverse("awards:province_council", args=[year]), seat).status_code == 404
    assert client.post(reverse("awards:province_minutes", args=[year])).status_code == 404
    url = reverse("awards:province_poll_create", args=[cast.year.year])
    for award in ("abc", "1e3", "-1", "99999999999999999999"):  # a server error before
        assert client.get(url, {"award": award}).status_code == 404, award
    assert CouncilSeat.objects.count() == 0


def test_a_probe_in_every_cell_of_a_setup_sheet_stays_text_on_the_preview(cast, client):
    """Codes, names, kinds and roles written as `"><script>`… come back in the preview (values,
    changes, reasons) as text."""
    data = workbook(
        units=[
            [PROBE, PROBE, PROBE, PROBE, PROBE, PROBE, ""],
            [cast.unit_a.code, PROBE, "", "huyện", "", "", ""],
        ],
        clusters=[[PROBE, PROBE, PROBE, PROBE, PROBE, PROBE]],
        members=[[2026, PROBE, PROBE, PROBE]],
        accounts=[[PROBE, PROBE, PROBE, PROBE, PROBE, PROBE]],
    )
    client.login(username="admin", password=PASSWORD)
    page = client.post(reverse("clusters:bulk_preview"), {"file": SimpleUploadedFile("a.xlsx", data)})
    html = page.content.decode()
    assert page.status_code == 200 and not page.context["plan"].ok
    assert "<script>alert" not in html and '" onmouseover="alert' not in html
    assert "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-1", "1e3"])
def test_ids_and_years_in_the_query_string_find_nothing_instead_of_failing(client, value):
    from tests.factories import make_cast

    cast = make_cast()
    client.force_login(cast.admin)
    decisions = client.get(
        reverse("awards:decisions_bulk"), {"year": value, "cluster": value, "award": value}
    )
    assert decisions.status_code == 200
    client.force_login(cast.secretary)
    poll = client.get(reverse("awards:poll_create", args=[cast.year.pk]), {"award": value})
    assert poll.status_code == 404
