"""Warn before, not after (clusters.confirm): closing a poll before everyone voted, publishing while
a higher award's vote is unfinished, sending the dossier with a poll unpublished or a report
missing — each is listed on the page first and goes on only with a reason, kept in the history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import services
from awards.models import Dossier
from clusters.models import AuditEvent
from tests.awards.helpers import award_types, open_poll, rule, to_voting, vote
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _poll(cast, code="co-thanh-pho"):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types[code])
    return open_poll(
        cy, types[code], candidates=[cast.unit_a], voters=[cast.leader_a, cast.leader_b], actor=cast.secretary
    )


def test_closing_before_everyone_voted_lists_who_and_needs_a_reason(cast, client):
    poll = _poll(cast)
    vote(poll, cast.leader_a, cast.unit_a)
    client.login(username="secretary", password=PASSWORD)
    page = client.get(reverse("awards:poll", args=[poll.pk])).content.decode()
    assert "Trước khi đóng bỏ phiếu" in page and "1/2 người bỏ phiếu đã bỏ phiếu" in page
    assert "Huyện Thủy Nguyên" in page and 'name="reason"' in page
    with pytest.raises(ValidationError, match="Huyện Thủy Nguyên"):
        services.poll_close(poll=poll, actor=cast.secretary, reason="  ")
    poll.refresh_from_db()
    assert poll.is_open
    client.post(reverse("awards:poll_close", args=[poll.pk]), {"reason": "Hết giờ họp"})
    poll.refresh_from_db()
    assert poll.is_closed
    event = AuditEvent.objects.get(action="poll.closed")
    assert event.reason == "Hết giờ họp" and "Huyện Thủy Nguyên" in event.data["missing"][0]


def test_closing_when_everyone_voted_asks_nothing(cast):
    poll = _poll(cast)
    vote(poll, cast.leader_a, cast.unit_a)
    vote(poll, cast.leader_b, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary)
    event = AuditEvent.objects.get(action="poll.closed")
    assert event.reason == "" and "missing" not in event.data


def test_publishing_a_result_with_voters_missing_lists_them_and_needs_a_reason(cast, client):
    poll = _poll(cast)
    vote(poll, cast.leader_a, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary, reason="Hết giờ họp")
    client.login(username="secretary", password=PASSWORD)
    page = client.get(reverse("awards:poll", args=[poll.pk])).content.decode()
    assert "Trước khi công bố kết quả" in page and "1/2 người bỏ phiếu đã bỏ phiếu" in page
    client.post(reverse("awards:poll_publish", args=[poll.pk]))  # no reason: refused, nothing published
    poll.refresh_from_db()
    assert poll.is_closed
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đủ tỷ lệ theo quy chế")
    event = AuditEvent.objects.get(action="poll.published")
    assert event.reason == "Đủ tỷ lệ theo quy chế" and "Huyện Thủy Nguyên" in event.data["missing"][0]


def test_sending_the_dossier_with_a_poll_unpublished_needs_a_reason(cast, client):
    poll = _poll(cast)
    vote(poll, cast.leader_a, cast.unit_a)
    vote(poll, cast.leader_b, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary)
    services.poll_publish(poll=poll, actor=cast.secretary)
    cy = poll.cluster_year
    types = award_types(cast.province)
    rule(cy, types["bk-chuyen-de"])
    later = open_poll(
        cy, types["bk-chuyen-de"], candidates=[cast.unit_b], voters=[cast.leader_a], actor=cast.secretary
    )
    services.dossier_save(
        cluster_year=cy,
        actor=cast.secretary,
        meeting_date=datetime.date(2026, 12, 20),
        meeting_place="Cát Hải",
    )
    client.login(username="secretary", password=PASSWORD)
    page = client.get(reverse("awards:dossier", args=[cy.pk])).content.decode()
    assert "Trước khi gửi hồ sơ" in page and "1/2 cuộc bỏ phiếu đã công bố" in page and later.title in page
    assert "0/1 đề nghị đã có báo cáo thành tích" in page
    client.post(reverse("awards:dossier_submit", args=[cy.pk]), {"reason": ""})
    assert Dossier.objects.get(cluster_year=cy).submitted_at is None
    client.post(reverse("awards:dossier_submit", args=[cy.pk]), {"reason": "Bằng khen chuyên đề gửi bổ sung"})
    assert Dossier.objects.get(cluster_year=cy).submitted_at is not None
    event = AuditEvent.objects.get(action="dossier.submitted")
    assert event.reason == "Bằng khen chuyên đề gửi bổ sung" and len(event.data["missing"]) == 2
