"""Hand-over names people: next year's head and deputy and the secretary account(s) of the new
head unit (given the role at the hand-over); next year never starts without an operator."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clusters.models import AuditEvent, ClusterYear, Role, Stage, User
from tests.factories import PASSWORD, make_user
from yearend import services
from yearend.models import HandOver

pytestmark = pytest.mark.django_db


def dossier(cast):
    ClusterYear.objects.filter(pk=cast.year.pk).update(stage=Stage.DOSSIER)
    return ClusterYear.objects.select_related("cluster").get(pk=cast.year.pk)


def hand_over(cast, cy, head, **kw):
    return services.start_next_year(
        cluster_year=cy,
        head=head,
        deputy=None,
        handed_over_on=datetime.date(cy.year, 12, 20),
        actor=cast.secretary,
        **kw,
    )


def test_next_year_without_an_operator_is_refused_and_nothing_is_saved(cast):
    cy = dossier(cast)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        hand_over(cast, cy, cast.unit_a)
    assert refused.value.code == "no_operator" and "không có người vận hành" in refused.value.messages[0]
    assert not ClusterYear.objects.filter(cluster=cast.cluster, year=cy.year + 1).exists()
    assert not HandOver.objects.exists()


def test_the_named_account_of_the_new_head_becomes_its_secretary_and_runs_next_year(cast):
    cy = dossier(cast)
    assert not cast.staff_a.has_perm("clusters.advance_stage", cy)
    handover = hand_over(cast, cy, cast.unit_a, secretaries=[cast.staff_a])
    staff_a = User.objects.get(pk=cast.staff_a.pk)
    assert staff_a.has_role(Role.CLUSTER_SECRETARY) and staff_a.has_role(Role.UNIT_STAFF)
    assert staff_a.has_perm("clusters.advance_stage", handover.next_year)  # the operator of next year
    grant = AuditEvent.objects.get(action="user.roles_changed", object_id=str(staff_a.pk))
    assert grant.actor == cast.secretary and str(cy.year) in grant.reason
    assert grant.data == {"old": ["unit_staff"], "new": ["cluster_secretary", "unit_staff"]}
    assert AuditEvent.objects.get(action="handover.recorded").data["secretaries"] == [staff_a.pk]


def test_an_account_of_another_unit_cannot_be_named_secretary(cast):
    cy = dossier(cast)
    with pytest.raises(ValidationError):
        hand_over(cast, cy, cast.unit_a, secretaries=[cast.staff_b])
    assert not User.objects.get(pk=cast.staff_b.pk).has_role(Role.CLUSTER_SECRETARY)
    assert not HandOver.objects.exists()


def test_a_head_unit_that_already_has_a_secretary_needs_no_new_one(cast):
    cy = dossier(cast)
    handover = hand_over(cast, cy, cast.head)
    assert handover.to_head == cast.head


def test_a_deactivated_secretary_is_no_operator(cast):
    cy = dossier(cast)
    make_user("old_sec", province=cast.province, unit=cast.unit_a, roles=[Role.CLUSTER_SECRETARY])
    User.objects.filter(username="old_sec").update(is_active=False)
    with pytest.raises(ValidationError):
        hand_over(cast, cy, cast.unit_a)


def test_the_form_asks_for_the_secretary_and_refuses_another_units_account(client, cast):
    cy = dossier(cast)
    assert client.login(username="secretary", password=PASSWORD)
    page = client.get(reverse("yearend:year", args=[cy.pk]))
    assert "secretaries" in page.context["next_form"].fields
    url = reverse("yearend:start_next_year", args=[cy.pk])
    data = {"head": cast.unit_a.pk, "handed_over_on": f"20/12/{cy.year}", "method": "assigned"}
    with translation.override("vi"):
        wrong = client.post(url, {**data, "secretaries": [cast.staff_b.pk]}, follow=True)
        missing = client.post(url, data, follow=True)
    assert "Trưởng cụm năm sau" in wrong.content.decode() or wrong.context["messages"]
    assert "không có người vận hành" in missing.content.decode()
    assert not HandOver.objects.exists()
    done = client.post(url, {**data, "secretaries": [cast.staff_a.pk]})
    assert done.status_code == 302 and HandOver.objects.get().to_head == cast.unit_a
