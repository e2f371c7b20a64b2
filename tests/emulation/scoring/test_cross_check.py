"""Who cross-checks whom: the head's secretary reviews the other units' sheets but never their own
unit's; the head's own sheet goes to the deputy's unit, or to the unit chosen as reviewer."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clusters.models import Role
from emulation.scoring import services
from emulation.scoring.models import ScoreSheet
from tests.emulation.scoring.conftest import fresh, score_all
from tests.emulation.scoring.test_services import full_values
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _submitted(sc, unit, staff):
    s = score_all(sc, unit, staff, full_values(sc, c12="45"))
    services.sheet_submit(sheet=s, actor=staff)
    s = ScoreSheet.objects.select_related("cluster_year__cluster", "unit").get(pk=s.pk)
    return s


def _c12(s):
    return s.cluster_year.criteria_table.criteria.get(code="1.2")


def _review(s, actor):
    return services.review_adjust(
        sheet=s, criterion=_c12(s), value="40", reason="Thiếu minh chứng", actor=actor
    )


@pytest.fixture
def head_staff(sc):
    return make_user("staff_head", province=sc.province, unit=sc.head, roles=[Role.UNIT_STAFF])


def test_the_secretary_cannot_cross_check_their_own_units_sheet(sc, head_staff):
    own = _submitted(sc, sc.head, head_staff)
    with pytest.raises(PermissionDenied):
        _review(own, sc.secretary)
    assert not sc.secretary.has_perm("scoring.review", own)
    other = _submitted(sc, sc.unit_b, sc.staff_b)
    assert _review(other, sc.secretary).reviewed_points == 40  # the other units' sheets: yes


def test_the_deputys_unit_cross_checks_the_heads_sheet_and_only_that_one(sc, head_staff):
    own = _submitted(sc, sc.head, head_staff)
    assert _review(own, sc.staff_a).reviewed_points == 40  # staff_a: the deputy unit (Vĩnh Bảo)
    other = _submitted(sc, sc.unit_b, sc.staff_b)
    with pytest.raises(PermissionDenied):
        _review(other, sc.staff_a)


def test_a_chosen_reviewer_unit_replaces_the_deputy_and_never_checks_itself(sc, head_staff):
    services.reviewer_set(cluster_year=fresh(sc.year), unit=sc.unit_b, actor=sc.secretary)
    own = _submitted(sc, sc.head, head_staff)
    with pytest.raises(PermissionDenied):
        _review(own, sc.staff_a)  # the deputy no longer: another unit was chosen
    assert _review(own, sc.staff_b).reviewed_points == 40
    mine = _submitted(sc, sc.unit_b, sc.staff_b)
    with pytest.raises(PermissionDenied):
        _review(mine, sc.staff_b)
    assert _review(mine, sc.secretary).reviewed_points == 40


def test_the_secretarys_own_sheet_page_offers_no_review_and_the_post_is_refused(client, sc, head_staff):
    own = _submitted(sc, sc.head, head_staff)
    client.login(username="secretary", password=PASSWORD)
    url = reverse("scoring:sheet", args=[sc.year.pk, sc.head.pk])
    assert 'name="reviewed"' not in client.get(url).content.decode()
    c12 = _c12(own)
    response = client.post(
        reverse("scoring:review_save", args=[sc.year.pk, sc.head.pk, c12.pk]),
        {"reviewed": "1", "reason": "x"},
    )
    assert response.status_code == 403
    client.login(username="staff_a", password=PASSWORD)
    assert 'name="reviewed"' in client.get(url).content.decode()
