"""Pages: permissions (404 other province, 403 forbidden), the voting flow, turnout, results."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import AwardRule, AwardType, BallotEnvelope, Nomination, Participation, Poll
from tests.awards.helpers import award_types, open_poll, rule, to_voting, vote
from tests.factories import make_user, make_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll_setup(cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"], quota_count=1)
    voters = [cast.leader_head, cast.leader_a, cast.leader_b]
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=[cast.head, cast.unit_a, cast.unit_b],
        voters=voters,
        actor=cast.secretary,
    )
    return cast, cy, types, poll


def test_year_page_links_to_awards_and_lists_rules(client, poll_setup):
    cast, cy, types, poll = poll_setup
    client.force_login(cast.leader_a)
    page = client.get(reverse("clusters:year_detail", args=[cy.pk]))
    assert reverse("awards:year", args=[cy.pk]) in page.content.decode()
    page = client.get(reverse("awards:year", args=[cy.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Cờ thi đua của UBND thành phố" in body and reverse("awards:vote", args=[poll.pk]) in body
    home = client.get(reverse("home"))
    assert reverse("awards:vote", args=[poll.pk]) in home.content.decode()


def test_other_province_gets_404_and_plain_members_403(client, poll_setup):
    cast, cy, types, poll = poll_setup
    client.force_login(cast.other)
    for url in (
        reverse("awards:year", args=[cy.pk]),
        reverse("awards:poll", args=[poll.pk]),
        reverse("awards:vote", args=[poll.pk]),
        reverse("awards:turnout", args=[poll.pk]),
        reverse("awards:rule_edit", args=[cy.pk, types["co-thanh-pho"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(cast.staff_a)
    assert client.post(reverse("awards:poll_close", args=[poll.pk])).status_code == 403
    assert client.get(reverse("awards:rule_edit", args=[cy.pk, types["co-thanh-pho"].pk])).status_code == 403
    assert (
        client.get(
            reverse("awards:poll_create", args=[cy.pk]) + f"?award={types['co-thanh-pho'].pk}"
        ).status_code
        == 403
    )
    assert client.get(reverse("awards:types")).status_code == 403
    poll.refresh_from_db()
    assert poll.status == "open"


def test_ballot_choose_confirm_cast_and_receipt(client, poll_setup):
    cast, cy, types, poll = poll_setup
    cand = poll.candidates.get(unit=cast.unit_a)
    client.force_login(cast.leader_a)
    url = reverse("awards:vote", args=[poll.pk])
    assert "Vĩnh Bảo" in client.get(url).content.decode()
    too_many = client.post(url, {"step": "confirm", "candidate": [c.pk for c in poll.candidates.all()]})
    assert too_many.status_code == 400 and "tối đa 1" in too_many.content.decode()
    confirm = client.post(url, {"step": "confirm", "candidate": [cand.pk]})
    assert confirm.status_code == 200 and "Xác nhận" in confirm.content.decode()
    assert not BallotEnvelope.objects.exists()  # nothing is cast before the confirmation
    done = client.post(url, {"step": "cast", "candidate": [cand.pk]})
    body = done.content.decode()
    assert done.status_code == 200 and "Bạn đã bỏ phiếu" in body
    code = body.split('id="receipt-code">')[1].split("<")[0]
    assert Participation.objects.filter(poll=poll, user=cast.leader_a).count() == 1
    again = client.get(url)
    assert "Bạn đã bỏ phiếu" in again.content.decode() and code not in again.content.decode()
    check = client.post(reverse("awards:receipt"), {"code": code})
    assert "được ghi nhận" in check.content.decode()
    bad = client.post(reverse("awards:receipt"), {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert "Không có phiếu" in bad.content.decode()


def test_ballot_page_refuses_a_non_voter_with_a_message(client, poll_setup):
    cast, cy, types, poll = poll_setup
    client.force_login(cast.staff_a)
    page = client.get(reverse("awards:vote", args=[poll.pk]))
    assert page.status_code == 403 and "danh sách cử tri" in page.content.decode()
    page = client.post(reverse("awards:vote", args=[poll.pk]), {"step": "cast", "abstain": "1"})
    assert page.status_code == 403 and not BallotEnvelope.objects.exists()


def test_turnout_partial_shows_participation_but_no_counts_before_close(client, poll_setup):
    cast, cy, types, poll = poll_setup
    vote(poll, cast.leader_a, cast.unit_a)
    client.force_login(cast.secretary)
    part = client.get(reverse("awards:turnout", args=[poll.pk]), HTTP_HX_REQUEST="true")
    assert "1/3" in part.content.decode().replace(" trên ", "/") or "33%" in part.content.decode()
    detail = client.get(reverse("awards:poll", args=[poll.pk])).content.decode()
    assert "Số phiếu" not in detail  # no votes column while open
    client.post(reverse("awards:poll_close", args=[poll.pk]), {"reason": "Hết giờ"})
    detail = client.get(reverse("awards:poll", args=[poll.pk])).content.decode()
    assert "Số phiếu" in detail
    client.force_login(cast.leader_b)  # a member sees counts only once published
    assert "Số phiếu" not in client.get(reverse("awards:poll", args=[poll.pk])).content.decode()
    client.force_login(cast.secretary)
    client.post(reverse("awards:poll_publish", args=[poll.pk]), {"reason": "Hết giờ"})
    client.force_login(cast.leader_b)
    assert "Số phiếu" in client.get(reverse("awards:poll", args=[poll.pk])).content.decode()


def test_province_admin_edits_award_types_and_rules(client, cast):
    client.force_login(cast.admin)
    r = client.post(
        reverse("awards:types"),
        {"code": "co-tinh", "name": "Cờ thi đua của UBND tỉnh", "precedence": 2, "active": "on"},
    )
    assert r.status_code == 302
    t = AwardType.objects.get(code="co-tinh")
    url = reverse("awards:rule_edit", args=[cast.year.pk, t.pk])
    bad = client.post(
        url,
        {
            "quota_kind": "share_members",
            "rounding": "down",
            "threshold_num": 1,
            "threshold_den": 2,
            "threshold_base": "electorate",
            "quorum_num": 2,
            "quorum_den": 3,
        },
    )
    assert bad.status_code == 200 and not AwardRule.objects.exists()
    assert "phân số" in bad.content.decode()
    ok = client.post(
        url,
        {
            "quota_kind": "share_members",
            "quota_num": 1,
            "quota_den": 3,
            "rounding": "up",
            "threshold_num": 70,
            "threshold_den": 100,
            "threshold_base": "ballots",
            "threshold_strict": "",
            "quorum_num": 2,
            "quorum_den": 3,
            "secret": "on",
        },
    )
    assert ok.status_code == 302
    r = AwardRule.objects.get()
    assert (r.quota_num, r.quota_den, r.rounding, r.threshold_base, r.threshold_strict) == (
        1,
        3,
        "up",
        "ballots",
        False,
    )


def test_secretary_opens_a_poll_from_the_form(client, cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"])
    client.force_login(cast.secretary)
    url = reverse("awards:poll_create", args=[cy.pk]) + f"?award={types['co-thanh-pho'].pk}"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Vĩnh Bảo" in body and "Leader A" in body
    r = client.post(
        url,
        {
            "award": types["co-thanh-pho"].pk,
            "title": "Cờ thành phố",
            "electorate_kind": "units",
            "opens_at": "2020-01-01T08:00",
            "closes_at": "2099-01-01T08:00",
            "candidates": [cast.unit_a.pk, cast.unit_b.pk],
            "voters": [cast.leader_a.pk, cast.leader_b.pk, cast.leader_head.pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    poll = Poll.objects.get()
    assert poll.electors.count() == 3 and poll.candidates.count() == 2


@pytest.mark.parametrize("n_polls", [1, 4])
def test_year_page_query_count_is_constant(client, cast, django_assert_num_queries, n_polls):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    for i in range(n_polls):
        t = AwardType.objects.create(province=cast.province, code=f"x{i}", name=f"Giải {i}", precedence=10)
        rule(cy, t)
        open_poll(cy, t, candidates=[cast.unit_a], voters=[cast.leader_a], actor=cast.secretary)
    assert types
    client.force_login(cast.leader_a)
    client.get(reverse("awards:year", args=[cy.pk]))
    with django_assert_num_queries(10):
        client.get(reverse("awards:year", args=[cy.pk]))


def test_dossier_and_decision_recording(client, poll_setup):
    cast, cy, types, poll = poll_setup
    for v in (cast.leader_head, cast.leader_a, cast.leader_b):
        vote(poll, v, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    nomination = Nomination.objects.get()
    client.force_login(cast.secretary)
    r = client.post(
        reverse("awards:dossier", args=[cy.pk]),
        {
            "meeting_date": "20/12/2026",
            "meeting_place": "Huyện Cát Hải",
            "chair_name": "Hoàng Văn Hải",
            "secretary_name": "Thư ký",
        },
    )
    assert r.status_code == 302
    client.force_login(cast.staff_b)  # not the nominated unit
    assert client.post(reverse("awards:report_upload", args=[nomination.pk])).status_code == 403
    client.force_login(cast.staff_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")
    client.post(reverse("awards:report_upload", args=[nomination.pk]), {"report": bad})
    nomination.refresh_from_db()
    assert not nomination.achievement_report
    good = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(reverse("awards:report_upload", args=[nomination.pk]), {"report": good})
    nomination.refresh_from_db()
    assert nomination.achievement_report
    client.force_login(cast.secretary)
    assert (
        client.post(reverse("awards:dossier_submit", args=[cy.pk]), {"reason": "Gửi bổ sung sau"}).status_code
        == 302
    )
    assert client.get(reverse("awards:decision", args=[nomination.pk])).status_code == 403
    client.force_login(cast.admin)
    r = client.post(
        reverse("awards:decision", args=[nomination.pk]),
        {"number": "123/QĐ-UBND", "date": "15/01/2027", "outcome": "reduced"},
    )
    assert r.status_code == 200 and not hasattr(Nomination.objects.get(), "decision_cache")
    r = client.post(
        reverse("awards:decision", args=[nomination.pk]),
        {"number": "123/QĐ-UBND", "date": "15/01/2027", "outcome": "approved", "signer": "Nguyễn Văn Tùng"},
    )
    assert r.status_code == 302
    from awards.selectors import decisions

    rows = decisions(cy)
    assert rows[0]["unit"] == "Huyện Vĩnh Bảo" and rows[0]["number"] == "123/QĐ-UBND"
    page = client.get(reverse("awards:dossier", args=[cy.pk])).content.decode()
    assert "123/QĐ-UBND" in page


def test_a_second_year_does_not_leak_into_the_page(client, cast):
    other_cy, _units = make_year(province=cast.province, n_members=2, year=cast.year.year)
    assert other_cy.pk != cast.year.pk
    user = make_user("outsider", province=cast.province, unit=_units[1], roles=["unit_staff"])
    client.force_login(user)
    assert client.get(reverse("awards:year", args=[cast.year.pk])).status_code == 403


def test_ballot_page_outside_the_window_says_why_and_shows_no_form(client, poll_setup):
    cast, cy, types, poll = poll_setup
    Poll.objects.filter(pk=poll.pk).update(
        opens_at=timezone.now() + datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(hours=2),
    )
    client.force_login(cast.leader_a)
    page = client.get(reverse("awards:vote", args=[poll.pk])).content.decode()
    assert "chưa bắt đầu" in page and 'name="candidate"' not in page
    r = client.post(reverse("awards:vote", args=[poll.pk]), {"step": "cast", "abstain": "1"})
    assert r.status_code == 409 and not BallotEnvelope.objects.exists()


def test_runoff_through_the_pages(client, cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(
        cy,
        types["co-thanh-pho"],
        threshold_base="ballots",
        threshold_strict=False,
        quorum_num=1,
        quorum_den=2,
    )
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=[cast.unit_a, cast.unit_b],
        voters=[cast.leader_a, cast.leader_b],
        actor=cast.secretary,
    )
    vote(poll, cast.leader_a, cast.unit_a)
    vote(poll, cast.leader_b, cast.unit_b)
    client.force_login(cast.secretary)
    client.post(reverse("awards:poll_close", args=[poll.pk]), {"reason": "Hết giờ"})
    page = client.get(reverse("awards:poll", args=[poll.pk])).content.decode()
    assert "bỏ phiếu lại" in page
    now = timezone.localtime()
    r = client.post(
        reverse("awards:poll_runoff", args=[poll.pk]),
        {
            "opens_at": (now - datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    runoff = Poll.objects.get(parent=poll)
    assert r.status_code == 302 and r["Location"] == reverse("awards:poll", args=[runoff.pk])
    assert runoff.candidates.count() == 2 and runoff.quota == 1
    client.force_login(cast.leader_a)
    assert client.get(reverse("awards:vote", args=[runoff.pk])).status_code == 200


def test_poll_log_names_each_action_in_vietnamese(client, poll_setup):
    """The poll log once showed time and author but no action: every event has its label."""
    cast, cy, types, poll = poll_setup
    vote(poll, cast.leader_head, cast.unit_a)
    vote(poll, cast.leader_a, cast.unit_a)
    vote(poll, cast.leader_b, cast.unit_a)
    services.poll_publish(
        poll=services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch"),
        actor=cast.secretary,
        reason="Đã hết thời gian theo kế hoạch",
    )
    client.force_login(cast.secretary)
    body = client.get(reverse("awards:poll", args=[poll.pk])).content.decode()
    log = body.split("Nhật ký cuộc bỏ phiếu")[1]
    actions = re.findall(r'<strong class="fw-semibold">([^<]*)</strong>', log)
    assert sorted(actions) == sorted(["Mở cuộc bỏ phiếu", "Đóng và kiểm phiếu", "Công bố kết quả"])
    assert "số người tham gia: 3" in log  # the count is written out, not a dict
    assert "poll." not in log and "Bỏ phiếu<" not in log  # who voted is not in the log
