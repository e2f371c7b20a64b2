"""One permission policy: the clusters services (and the documents request) check the acting
user's rule themselves, so a view, a command or a task cannot write without it; the pages look
the object up within the user's province (404) before the rule (403)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clusters import accounts, services, unit_events
from clusters.models import AuditEvent, ClusterKind, MemberRole, Stage, UnitKind
from documents.models import Document
from documents.services import document_request
from tests.factories import PASSWORD, UnitFactory

pytestmark = pytest.mark.django_db

BASIS = {"decision_number": "1669/NQ-UBTVQH15", "decision_date": datetime.date(2025, 6, 16)}


def _calls(cast):
    """Every clusters write, as a function of the acting user."""
    cy, unit = cast.year, cast.unit_b
    membership = cy.memberships.get(unit=unit)
    return {
        "cluster_create": lambda actor: services.cluster_create(
            province=cast.province, kind=ClusterKind.GEOGRAPHIC, code="moi", name="Cụm mới", actor=actor
        ),
        "cluster_year_create": lambda actor: services.cluster_year_create(
            cluster=cast.cluster, year=cy.year + 1, actor=actor
        ),
        "membership_add": lambda actor: services.membership_add(
            cluster_year=cy, unit=UnitFactory(province=cast.province), actor=actor
        ),
        "membership_set_role": lambda actor: services.membership_set_role(
            membership=membership, role=MemberRole.DEPUTY, actor=actor
        ),
        "membership_remove": lambda actor: services.membership_remove(membership=membership, actor=actor),
        "stage_advance": lambda actor: services.stage_advance(cluster_year=cy, actor=actor),
        "stage_revert": lambda actor: services.stage_revert(cluster_year=cy, actor=actor, reason="Sai"),
        "unit_create": lambda actor: services.unit_create(
            province=cast.province, code="moi", kind=UnitKind.COMMUNE, name="Xã mới", actor=actor
        ),
        "unit_rename": lambda actor: unit_events.unit_rename(
            unit=unit,
            name="Thành phố Thủy Nguyên",
            short_name="",
            kind=UnitKind.PROVINCIAL_CITY,
            effective=datetime.date(cy.year + 1, 1, 1),
            actor=actor,
            **BASIS,
        ),
        "units_merge": lambda actor: unit_events.units_merge(
            units=[unit], into=cast.unit_a, effective=datetime.date(cy.year + 1, 1, 1), actor=actor, **BASIS
        ),
        "unit_split": lambda actor: unit_events.unit_split(
            unit=UnitFactory(province=cast.province),
            successors=[cast.unit_a, {"code": "xa-moi", "name": "Xã Mới", "kind": UnitKind.COMMUNE}],
            effective=datetime.date(cy.year + 1, 1, 1),
            actor=actor,
            **BASIS,
        ),
        "unit_abolish": lambda actor: unit_events.unit_abolish(
            unit=UnitFactory(province=cast.province),
            effective=datetime.date(cy.year + 1, 1, 1),
            actor=actor,
            **BASIS,
        ),
        "unit_transfer": lambda actor: unit_events.unit_transfer(
            unit=unit,
            to_province=cast.other_province,
            effective=datetime.date(cy.year + 1, 1, 1),
            actor=actor,
            **BASIS,
        ),
        "province_merge": lambda actor: unit_events.province_merge(
            province=cast.province,
            into=cast.other_province,
            effective=datetime.date(cy.year + 1, 1, 1),
            actor=actor,
            **BASIS,
        ),
        "user_create": lambda actor: accounts.user_create(
            province=cast.province,
            unit=unit,
            username="moi",
            password=PASSWORD,
            full_name="Người mới",
            roles=[],
            actor=actor,
        ),
        "user_set_roles": lambda actor: accounts.user_set_roles(user=cast.staff_b, roles=[], actor=actor),
        "user_set_active": lambda actor: accounts.user_set_active(
            user=cast.staff_b, active=False, actor=actor
        ),
        "user_update": lambda actor: accounts.user_update(
            user=cast.staff_b, unit=unit, full_name="Tên mới", actor=actor
        ),
        "next_year_open": lambda actor: services.next_year_open(
            cluster_year=cy, head=cast.unit_a, deputy=None, actor=actor
        ),
        "province_save": lambda actor: services.province_save(
            province=cast.province, code=cast.province.code, name="Đổi tên", actor=actor
        ),
    }


@pytest.mark.parametrize("who", ["staff_a", "leader_a", "council", "other", None])
def test_every_clusters_write_is_refused_without_the_rule_and_changes_nothing(cast, who):
    actor = getattr(cast, who) if who else None
    for name, call in _calls(cast).items():
        events = AuditEvent.objects.count()
        with pytest.raises(PermissionDenied):
            call(actor)
        assert AuditEvent.objects.count() == events, name


def test_the_secretary_may_only_advance_the_stage_and_open_the_next_year(cast):
    allowed = {"stage_advance", "next_year_open"}
    for name, call in _calls(cast).items():
        if name in allowed:
            continue
        with pytest.raises(PermissionDenied):
            call(cast.secretary)


def test_the_province_admin_passes_every_clusters_rule_but_the_provinces(cast):
    """Provinces, and moves between provinces (transfer, province merge), are the superuser's."""
    calls = _calls(cast)
    calls["stage_revert"] = None  # the year is in set-up: nothing to revert
    calls["membership_remove"] = None  # removed below, after the role change
    for name, call in calls.items():
        if call is None:
            continue
        if name in ("province_save", "unit_transfer", "province_merge"):  # two provinces: superusers
            with pytest.raises(PermissionDenied):
                call(cast.admin)
            continue
        if name == "stage_advance":
            continue  # its exit guard is tested in test_services
        call(cast.admin)


def test_the_secretary_opens_the_next_year_with_its_head_and_deputy(cast):
    nxt = services.next_year_open(
        cluster_year=cast.year, head=cast.unit_a, deputy=cast.unit_b, actor=cast.secretary
    )
    assert nxt.year == cast.year.year + 1 and nxt.stage == Stage.SETUP
    assert dict(nxt.memberships.values_list("unit_id", "role")) == {
        cast.head.pk: MemberRole.MEMBER,
        cast.unit_a.pk: MemberRole.HEAD,
        cast.unit_b.pk: MemberRole.DEPUTY,
    }


def test_a_closed_year_is_opened_forward_only_by_the_province_admin(cast):
    type(cast.year).objects.filter(pk=cast.year.pk).update(stage=Stage.CLOSED)
    cast.year.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.next_year_open(cluster_year=cast.year, head=cast.unit_a, deputy=None, actor=cast.secretary)
    services.next_year_open(cluster_year=cast.year, head=cast.unit_a, deputy=None, actor=cast.admin)


def test_a_document_is_requested_only_by_someone_who_produces_it(cast):
    def ask(actor):
        return document_request(
            key=f"member-list-{cast.year.pk}",
            kind="member_list",
            province_id=cast.province.pk,
            actor=actor,
            title="Danh sách",
            params={"cluster_year_id": cast.year.pk},
        )

    for actor in (None, cast.other, cast.staff_a):  # staff_a reads the year but does not produce it
        with pytest.raises(PermissionDenied):
            ask(actor)
    assert not Document.objects.exists()
    assert ask(cast.secretary).requested_by == cast.secretary


def test_another_provinces_year_pdf_is_not_found_before_any_rule(client, cast):
    assert client.login(username=cast.other.username, password=PASSWORD)
    response = client.post(reverse("clusters:member_list_pdf", args=[cast.year.pk]))
    assert response.status_code == 404
    assert not Document.objects.exists()
