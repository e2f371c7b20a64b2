"""Drafting with versions, approvals (reset by a new version), finalisation, stage guard, pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from clusters import services as cluster_services
from clusters.models import Stage
from documents.models import Document
from emulation.pledges import services
from emulation.pledges.models import PledgeState
from emulation.pledges.selectors import pledge_summary
from tests.emulation.pledges.helpers import ARTICLES, approve_all, draft, finalised
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_new_version_resets_approvals_and_keeps_old_version(cast):
    v1 = draft(cast.year, cast.secretary)
    services.pledge_review(version=v1, unit=cast.unit_a, approved=True, comment="", actor=cast.staff_a)
    assert v1.approvals.filter(approved=True).count() == 1
    v2 = draft(cast.year, cast.secretary, articles=ARTICLES + ["Điều mới về chuyển đổi số."])
    assert v2.number == 2 and v2.approvals.count() == 0
    v1.refresh_from_db()
    assert v1.articles == ARTICLES and len(v2.articles) == 5
    with pytest.raises(ValidationError, match="dự thảo mới hơn"):
        services.pledge_review(version=v1, unit=cast.unit_b, approved=True, comment="", actor=cast.staff_b)


def test_services_check_the_rule_themselves(cast):
    """Called directly (no view), a service still refuses an actor the rule does not allow."""
    with pytest.raises(PermissionDenied):
        draft(cast.year, cast.staff_a)
    v1 = draft(cast.year, cast.secretary)
    with pytest.raises(PermissionDenied):  # staff of A reviewing in B's name
        services.pledge_review(version=v1, unit=cast.unit_b, approved=True, comment="", actor=cast.staff_a)
    with pytest.raises(PermissionDenied):
        services.pledge_review(version=v1, unit=cast.unit_a, approved=True, comment="", actor=cast.council)
    with pytest.raises(PermissionDenied):
        services.pledge_finalise(cluster_year=cast.year, actor=cast.admin)
    with pytest.raises(PermissionDenied):
        services.registration_save(
            cluster_year=cast.year, unit=cast.unit_b, aims="", targets=[], actor=cast.staff_a
        )
    assert v1.approvals.count() == 0


def test_comment_without_text_is_refused(cast):
    v1 = draft(cast.year, cast.secretary)
    with pytest.raises(ValidationError, match="góp ý"):
        services.pledge_review(version=v1, unit=cast.unit_a, approved=False, comment=" ", actor=cast.staff_a)


def test_finalise_needs_every_approval_then_freezes_text(cast):
    v1 = draft(cast.year, cast.secretary)
    services.pledge_review(version=v1, unit=cast.unit_a, approved=True, comment="", actor=cast.staff_a)
    with pytest.raises(ValidationError, match="Còn 2 đơn vị"):
        services.pledge_finalise(cluster_year=cast.year, actor=cast.secretary)
    approve_all(v1, cast.secretary)
    pledge = services.pledge_finalise(cluster_year=cast.year, actor=cast.secretary)
    assert pledge.state == PledgeState.FINAL and pledge.final_version == v1
    assert Document.objects.filter(key__startswith=f"pledge-{v1.pk}-").count() == 2
    with pytest.raises(ValidationError, match="đã được chốt"):
        draft(cast.year, cast.secretary)


def test_pdf_request_is_idempotent(cast):
    version = finalised(cast.year, cast.secretary)
    first = services.request_pdfs(version=version, actor=cast.secretary)
    again = services.request_pdfs(version=version, actor=cast.secretary)
    assert {d.pk for d in first.values()} == {d.pk for d in again.values()}
    assert Document.objects.filter(key__startswith=f"pledge-{version.pk}-").count() == 2


def test_stage_guard_requires_finalised_pledge(cast):
    cluster_services.stage_advance(cluster_year=cast.year, actor=cast.admin)
    cast.year.refresh_from_db()
    assert cast.year.stage == Stage.REGISTRATION
    with pytest.raises(ValidationError, match="chốt giao ước"):
        cluster_services.stage_advance(cluster_year=cast.year, actor=cast.admin)
    finalised(cast.year, cast.secretary)
    with pytest.raises(ValidationError, match="0/3 đơn vị đã ký giao ước"):  # warned before, not after
        cluster_services.stage_advance(cluster_year=cast.year, actor=cast.admin)
    cy = cluster_services.stage_advance(
        cluster_year=cast.year, actor=cast.admin, reason="Ký bổ sung tại hội nghị"
    )
    assert cy.stage == Stage.SCORING


def test_year_page_lists_the_missing_signatures_before_moving_on_and_keeps_the_reason(cast, client):
    from clusters.models import AuditEvent

    cluster_services.stage_advance(cluster_year=cast.year, actor=cast.admin)
    finalised(cast.year, cast.secretary)
    client.login(username="admin", password=PASSWORD)
    url = reverse("clusters:year_detail", args=[cast.year.pk])
    page = client.get(url).content.decode()
    assert "Trước khi chuyển sang bước tiếp theo" in page and "0/3 đơn vị đã ký giao ước" in page
    assert "Huyện Thủy Nguyên" in page and 'id="advance-reason"' in page
    advance = reverse("clusters:stage_advance", args=[cast.year.pk])
    client.post(advance, {"from_stage": Stage.REGISTRATION})
    cast.year.refresh_from_db()
    assert cast.year.stage == Stage.REGISTRATION
    client.post(advance, {"from_stage": Stage.REGISTRATION, "reason": "Ký bổ sung tại hội nghị"})
    cast.year.refresh_from_db()
    assert cast.year.stage == Stage.SCORING
    event = AuditEvent.objects.filter(action="stage.advanced").latest("pk")
    assert event.reason == "Ký bổ sung tại hội nghị" and "0/3" in event.data["missing"][0]
    page = client.get(url).content.decode()
    assert "Trước khi chuyển sang bước tiếp theo" not in page  # scoring: nothing listed to leave behind


def test_pledge_summary_before_signing(cast):
    assert pledge_summary(cast.year) == {
        "signed": 0,
        "members": 3,
        "signed_on": None,
        "signatories": [],
        "official_document_id": None,
    }


@pytest.mark.parametrize(
    "username, status",
    [
        ("staff_a", 200),
        ("leader_a", 200),
        ("secretary", 200),
        ("council", 200),
        ("admin", 200),
        ("other", 404),
    ],
)
def test_pledge_page_permissions(client, cast, username, status):
    draft(cast.year, cast.secretary)
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("pledges:pledge", args=[cast.year.pk])).status_code == status


@pytest.mark.parametrize(
    "username, status", [("secretary", 200), ("staff_a", 403), ("admin", 403), ("other", 404)]
)
def test_only_the_secretary_drafts(client, cast, username, status):
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("pledges:draft", args=[cast.year.pk])).status_code == status


def test_draft_review_finalise_through_pages(client, cast):
    client.login(username="secretary", password=PASSWORD)
    response = client.post(
        reverse("pledges:draft", args=[cast.year.pk]),
        {
            "title": "Giao ước thi đua năm 2026",
            "preamble": "Căn cứ Luật Thi đua, khen thưởng;",
            "articles": "Điều 1. Thi đua hoàn thành chỉ tiêu.\n\nĐiều 2. Đẩy mạnh cải cách hành chính.",
            "place": "Hải Phòng",
            "signing_date": "28/02/2026",
        },
    )
    assert response.status_code == 302
    version = cast.year.pledge.versions.get()
    assert version.articles == ["Thi đua hoàn thành chỉ tiêu.", "Đẩy mạnh cải cách hành chính."]
    for username in ("staff_a", "staff_b", "secretary"):
        client.login(username=username, password=PASSWORD)
        r = client.post(
            reverse("pledges:review", args=[cast.year.pk]), {"version": version.pk, "decision": "approve"}
        )
        assert r.status_code == 302
    client.login(username="staff_a", password=PASSWORD)
    assert client.post(reverse("pledges:finalise", args=[cast.year.pk])).status_code == 403
    client.login(username="secretary", password=PASSWORD)
    client.post(reverse("pledges:finalise", args=[cast.year.pk]))
    cast.year.pledge.refresh_from_db()
    assert cast.year.pledge.state == PledgeState.FINAL
    page = client.get(reverse("pledges:pledge", args=[cast.year.pk])).content.decode()
    assert "bản để ký" in page and "bản in lễ ký kết" in page
    # Each copy is named for what it is (the three look-alike "…ký số (PDF)" buttons).
    assert '<h3 class="h6 mb-1">Bản để ký</h3>' in page
    assert '<h3 class="h6 mb-1">Bản in lễ ký kết</h3>' in page
    assert "bản ký số" not in page


def test_review_by_other_province_is_404(client, cast):
    version = draft(cast.year, cast.secretary)
    client.login(username="other", password=PASSWORD)
    r = client.post(
        reverse("pledges:review", args=[cast.year.pk]), {"version": version.pk, "decision": "approve"}
    )
    assert r.status_code == 404


def test_year_links_and_todos(cast):
    from clusters.home import links_for, todos_for

    def mine(user):
        return [label for label, url in links_for(user, cast.year) if url.startswith("/pledges/")]

    assert mine(cast.secretary) == ["Đăng ký thi đua", "Giao ước"]
    assert mine(cast.staff_a) == ["Đăng ký của đơn vị", "Giao ước"]
    assert mine(cast.other) == []
    assert any("Đăng ký chỉ tiêu" in t.text for t in todos_for(cast.staff_a, cast.year))
    finalised(cast.year, cast.secretary)
    cast.year.refresh_from_db()
    assert any("Ký giao ước" in t.text for t in todos_for(cast.leader_a, cast.year))


def test_every_pledge_change_is_audited(cast):
    from clusters.audit import history_for

    version = finalised(cast.year, cast.secretary)
    actions = [e.action for e in history_for(version.pledge)]
    assert actions.count("pledge.approved") == 3
    assert {"pledge.drafted", "pledge.finalised"} <= set(actions)


def test_draft_page_shows_vietnamese_error_and_saves_nothing(client, cast):
    client.login(username="secretary", password=PASSWORD)
    response = client.post(
        reverse("pledges:draft", args=[cast.year.pk]),
        {"title": "Giao ước", "articles": "Điều 1.\n\nĐiều 2. ", "place": "Hải Phòng"},
    )
    assert response.status_code == 200
    assert "Giao ước cần có ít nhất một điều." in response.content.decode()
    assert not hasattr(cast.year, "pledge") or not cast.year.pledge.versions.exists()
