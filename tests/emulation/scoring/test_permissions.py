"""The permission matrix of scoring, through the views (404 another province, 403 forbidden)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.models import AuditEvent
from emulation.scoring import services
from emulation.scoring.models import CriteriaTable

from .conftest import fresh, sheet


def url(name, sc, unit, criterion=None):
    args = [sc.year.pk, unit.pk] + ([criterion.pk] if criterion else [])
    return reverse(f"scoring:{name}", args=args)


def as_user(client, user):
    client.force_login(user)
    return client


# Who may read a unit's sheet that has NOT been submitted yet.
@pytest.mark.parametrize(
    "who,status",
    [
        ("staff_a", 200),
        ("leader_a", 200),
        ("staff_b", 403),
        ("leader_b", 403),
        ("leader_head", 403),
        ("secretary", 200),
        ("council", 200),
        ("admin", 200),
        ("other", 404),
    ],
)
def test_reading_unit_a_unsubmitted_sheet(client, sc, who, status):
    services.self_score_save(
        sheet=sheet(sc, sc.unit_a), criterion=sc.criteria.c11, value="5", actor=sc.staff_a
    )
    response = as_user(client, getattr(sc, who)).get(url("sheet", sc, sc.unit_a))
    assert response.status_code == status


@pytest.mark.parametrize("who,status", [("staff_b", 200), ("leader_head", 200), ("other", 404)])
def test_submitted_sheet_is_visible_to_other_members(client, sc, who, status):
    s = sheet(sc, sc.unit_a)
    for c, v in [
        (sc.criteria.c11, "5"),
        (sc.criteria.c12, "40"),
        (sc.criteria.c21, "có"),
        (sc.criteria.c22, "200"),
        (sc.criteria.c31, "0"),
    ]:
        services.self_score_save(sheet=s, criterion=c, value=v, actor=sc.staff_a)
    services.sheet_submit(sheet=s, actor=sc.staff_a)
    assert as_user(client, getattr(sc, who)).get(url("sheet", sc, sc.unit_a)).status_code == status


def test_anonymous_is_sent_to_login(client, sc):
    response = client.get(url("sheet", sc, sc.unit_a))
    assert response.status_code == 302 and "/login/" in response["Location"]


# Who may write unit A's self-score.
@pytest.mark.parametrize(
    "who,status",
    [
        ("staff_a", 200),
        ("leader_a", 403),
        ("staff_b", 403),
        ("secretary", 403),
        ("council", 403),
        ("admin", 403),
        ("other", 404),
    ],
)
def test_writing_unit_a_self_score(client, sc, who, status):
    response = as_user(client, getattr(sc, who)).post(
        url("row_save", sc, sc.unit_a, sc.criteria.c11), {"value": "5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == status
    saved = sc.unit_a.score_sheets.filter(entries__self_points=5).exists()
    assert saved == (status == 200)


@pytest.mark.parametrize(
    "who,status",
    [
        ("secretary", 200),
        ("admin", 200),
        ("staff_a", 403),
        ("staff_b", 403),
        ("leader_head", 403),
        ("council", 403),
        ("other", 404),
    ],
)
def test_reviewing_unit_a(client, sc, who, status):
    response = as_user(client, getattr(sc, who)).post(
        url("review_save", sc, sc.unit_a, sc.criteria.c11),
        {"reviewed": "4", "reason": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "who,status",
    [
        ("secretary", 403),
        ("staff_a", 403),
        ("leader_a", 403),
        ("council", 403),
        ("admin", 200),
        ("other", 404),
    ],
)
def test_after_lock_only_the_province_admin_edits(client, sc, who, status):
    services.self_score_save(
        sheet=sheet(sc, sc.unit_a), criterion=sc.criteria.c11, value="5", actor=sc.staff_a
    )
    services.scores_lock(cluster_year=fresh(sc.year), actor=sc.secretary, reason="Hết hạn nộp")
    c = as_user(client, getattr(sc, who))
    review = c.post(
        url("review_save", sc, sc.unit_a, sc.criteria.c11),
        {"reviewed": "4", "reason": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert review.status_code == status
    own = c.post(url("row_save", sc, sc.unit_a, sc.criteria.c11), {"value": "6"}, HTTP_HX_REQUEST="true")
    assert own.status_code == (404 if who == "other" else 403)


@pytest.mark.parametrize(
    "who,status", [("secretary", 302), ("admin", 302), ("staff_a", 403), ("council", 403), ("other", 404)]
)
def test_locking(client, sc, who, status):
    response = as_user(client, getattr(sc, who)).post(reverse("scoring:lock", args=[sc.year.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("who,status", [("admin", 302), ("secretary", 403), ("staff_a", 403), ("other", 404)])
def test_unlocking(client, sc, who, status):
    services.scores_lock(cluster_year=fresh(sc.year), actor=sc.secretary, reason="Hết hạn nộp")
    response = as_user(client, getattr(sc, who)).post(
        reverse("scoring:unlock", args=[sc.year.pk]), {"reason": "x"}
    )
    assert response.status_code == status


@pytest.mark.parametrize("who,status", [("staff_a", 200), ("council", 200), ("admin", 200), ("other", 404)])
def test_ranking_visibility(client, sc, who, status):
    assert (
        as_user(client, getattr(sc, who)).get(reverse("scoring:ranking", args=[sc.year.pk])).status_code
        == status
    )


@pytest.mark.parametrize(
    "who,status", [("secretary", 200), ("admin", 200), ("council", 200), ("staff_a", 403), ("other", 404)]
)
def test_overview_visibility(client, sc, who, status):
    assert (
        as_user(client, getattr(sc, who)).get(reverse("scoring:overview", args=[sc.year.pk])).status_code
        == status
    )


def test_evidence_of_unsubmitted_sheet_is_hidden_from_other_units(client, sc):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ev = services.evidence_add(
        sheet=sheet(sc, sc.unit_a),
        criterion=sc.criteria.c11,
        actor=sc.staff_a,
        upload=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    link = reverse("scoring:evidence_download", args=[ev.pk])
    assert as_user(client, sc.staff_b).get(link).status_code == 403
    assert as_user(client, sc.other).get(link).status_code == 404
    response = as_user(client, sc.secretary).get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_unit_outside_the_year_is_404(client, sc):
    response = as_user(client, sc.admin).get(
        reverse("scoring:sheet", args=[sc.year.pk, sc.other_units[0].pk])
    )
    assert response.status_code == 404


def test_assigned_reviewer_unit_can_cross_check(client, sc):
    """Unit B is assigned as reviewer: its staff may adjust A's scores; before that they may not."""
    services.self_score_save(
        sheet=sheet(sc, sc.unit_a), criterion=sc.criteria.c11, value="5", actor=sc.staff_a
    )
    post = {"reviewed": "4", "reason": "Đối chiếu minh chứng"}
    target = url("review_save", sc, sc.unit_a, sc.criteria.c11)
    assert as_user(client, sc.staff_b).post(target, post, HTTP_HX_REQUEST="true").status_code == 403
    as_user(client, sc.staff_a)
    assert (
        client.post(reverse("scoring:reviewer", args=[sc.year.pk]), {"unit": sc.unit_b.pk}).status_code == 403
    )
    response = as_user(client, sc.secretary).post(
        reverse("scoring:reviewer", args=[sc.year.pk]), {"unit": sc.unit_b.pk}
    )
    assert response.status_code == 302
    from emulation.scoring.models import CriteriaTable

    assert CriteriaTable.objects.get(cluster_year=sc.year).reviewer_unit == sc.unit_b
    assert as_user(client, sc.staff_b).post(target, post, HTTP_HX_REQUEST="true").status_code == 200
    assert client.get(reverse("scoring:overview", args=[sc.year.pk])).status_code == 200
    from emulation.scoring.models import ScoreEntry

    assert ScoreEntry.objects.get(criterion=sc.criteria.c11).reviewed_points == 4
    with pytest.raises(ValidationError):  # a unit outside the year cannot be assigned
        services.reviewer_set(cluster_year=fresh(sc.year), unit=sc.other_units[0], actor=sc.admin)


def test_locking_shows_the_units_that_did_not_submit_before_and_needs_a_reason(client, sc):
    c = as_user(client, sc.secretary)
    page = c.get(reverse("scoring:overview", args=[sc.year.pk])).content.decode()
    assert "Trước khi khóa điểm" in page and "Huyện Vĩnh Bảo" in page and 'name="reason"' in page
    refused = c.post(reverse("scoring:lock", args=[sc.year.pk]), follow=True).content.decode()
    assert "nêu lý do" in refused and "Huyện Thủy Nguyên" in refused
    assert not CriteriaTable.objects.get(cluster_year=sc.year).locked
    response = c.post(reverse("scoring:lock", args=[sc.year.pk]), {"reason": "Hết hạn nộp"}, follow=True)
    html = response.content.decode()
    assert "Đã khóa điểm của năm." in html and "3 đơn vị chưa nộp kết quả tự chấm" in html
    event = AuditEvent.objects.filter(action="scores.locked").latest("id")
    assert event.reason == "Hết hạn nộp" and len(event.data["missing"]) == 3


@pytest.mark.parametrize(
    "stage,frozen",
    [
        ("setup", False),
        ("registration", False),
        ("scoring", True),
        ("voting", True),
        ("dossier", True),
        ("closed", True),
    ],
)
def test_criteria_frozen_is_one_rule_for_permission_service_page_and_awards_links(client, sc, stage, frozen):
    """The secretary's right to edit, the service's demand for a reason, the page's badge and the
    awards link for members all follow `criteria_frozen`."""
    from awards.home import year_links
    from clusters.models import ClusterYear
    from emulation.scoring.rules import criteria_frozen

    ClusterYear.objects.filter(pk=sc.year.pk).update(stage=stage)
    cy = fresh(sc.year)
    assert criteria_frozen(cy) is frozen
    assert sc.secretary.has_perm("scoring.edit_criteria", cy) is not frozen
    new = {"code": "9", "text": "Mới", "max_points": "1", "kind": "fixed"}
    if frozen:
        with pytest.raises(ValidationError):
            services.criterion_add(cluster_year=cy, actor=sc.admin, **new)
    else:
        services.criterion_add(cluster_year=cy, actor=sc.admin, **new)
    response = as_user(client, sc.admin).get(reverse("scoring:criteria", args=[cy.pk]))
    assert response.context["frozen"] is frozen
    assert bool(year_links(sc.staff_a, cy)) is frozen
