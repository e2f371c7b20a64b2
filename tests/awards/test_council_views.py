"""The council's pages: the roster of a cluster year and of the province, the province council's
polls, a new round and the chair's tie decision from the poll page; another province gets 404."""

import pytest
from django.urls import reverse

from awards import services
from awards.documents import render_minutes
from awards.models import CouncilSeat, Poll, PollCandidate, RoundReason, TieBreak
from clusters.models import AuditEvent
from documents.models import Document
from tests import pdfcheck
from tests.awards.helpers import open_poll, rule, window
from tests.awards.test_council import _paper, council  # noqa: F401 (fixture)
from tests.awards.test_province_polls import _open, province_vote  # noqa: F401 (fixture)
from tests.factories import PASSWORD, ProvinceFactory, make_user

pytestmark = pytest.mark.django_db


def _formset(rows):
    data = {
        "seat-TOTAL_FORMS": len(rows),
        "seat-INITIAL_FORMS": 0,
        "seat-MIN_NUM_FORMS": 0,
        "seat-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        for k, v in row.items():
            data[f"seat-{i}-{k}"] = v
    return data


def test_the_secretary_keeps_the_council_roster_on_its_page(council, client):  # noqa: F811
    cy, units, voters, sec, types = council
    client.login(username="sec", password=PASSWORD)
    url = reverse("awards:year_council", args=[cy.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('name="seat-') >= 15 * 4
    rows = [
        {"name": "Nguyễn Văn Chủ", "role": "chair", "title": "Chủ tịch UBND"},
        {"name": "Lê Thị Thư", "role": "secretary"},
    ]
    rows += [{"name": "", "role": "member"}]  # an empty row is left out
    assert client.post(url, _formset(rows)).status_code == 302
    assert list(CouncilSeat.objects.filter(cluster_year=cy).values_list("name", "role")) == [
        ("Nguyễn Văn Chủ", "chair"),
        ("Lê Thị Thư", "secretary"),
    ]
    client.login(username="ct_3", password=PASSWORD)  # a member's leader
    assert client.get(url).status_code == 403


def test_a_new_round_and_a_chair_decision_from_the_poll_page(council, client):  # noqa: F811
    cy, units, voters, sec, types = council
    rule(cy, types["co-chinh-phu"])
    rule(cy, types["co-thanh-pho"], tie_break=TieBreak.CHAIR, threshold_num=1, threshold_den=3)
    gov = open_poll(cy, types["co-chinh-phu"], candidates=units[1:3], voters=voters, actor=sec)
    _paper(gov, sec, 8, {units[1]: 8})  # 8 of 15 < 2/3: no quorum
    client.login(username="sec", password=PASSWORD)
    page = client.get(reverse("awards:poll", args=[gov.pk])).content.decode()
    assert reverse("awards:poll_round", args=[gov.pk]) in page
    opens, closes = "2099-01-01T08:00", "2099-01-01T10:00"
    answer = client.post(
        reverse("awards:poll_round", args=[gov.pk]), {"opens_at": opens, "closes_at": closes}
    )
    second = Poll.objects.get(parent=gov)
    assert answer.status_code == 302 and second.round_reason == RoundReason.NO_QUORUM
    # the chair's decision on a tie (the flag is decided by the second round)
    second.opens_at = second.opens_at.replace(year=2000)
    second.save(update_fields=["opens_at"])
    _paper(second, sec, 15, {units[2]: 12})
    services.poll_publish(poll=second, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    city = open_poll(cy, types["co-thanh-pho"], candidates=units[3:5], voters=voters, actor=sec)
    _paper(city, sec, 15, {units[3]: 7, units[4]: 7})
    page = client.get(reverse("awards:poll", args=[city.pk])).content.decode()
    assert reverse("awards:poll_tie", args=[city.pk]) in page
    chosen = PollCandidate.objects.get(poll=city, unit=units[4])
    answer = client.post(
        reverse("awards:poll_tie", args=[city.pk]),
        {"candidates": [chosen.pk], "chair_name": "Nguyễn Văn Chủ", "note": ""},
    )
    chosen.refresh_from_db()
    assert answer.status_code == 302 and chosen.proposed and chosen.won_tie
    assert AuditEvent.objects.filter(action="poll.tie_decided").exists()


def test_the_province_admin_runs_the_province_council_from_its_pages(province_vote, client):  # noqa: F811
    province, flag, nominations, admin, council_members = province_vote
    client.login(username="padmin", password=PASSWORD)
    hub = client.get(reverse("awards:province_polls", args=[2025]))
    assert hub.status_code == 200 and all(n.unit_name in hub.content.decode() for n in nominations)
    assert client.get(reverse("awards:province_council", args=[2025])).status_code == 200
    url = reverse("awards:province_poll_create", args=[2025]) + f"?award={flag.pk}"
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "award": flag.pk,
            "title": "",
            "opens_at": "2099-01-01T08:00",
            "closes_at": "2099-01-01T10:00",
            "seats": 2,
            "threshold_num": 1,
            "threshold_den": 2,
            "quorum_num": 2,
            "quorum_den": 3,
            "tie_break": "runoff",
            "nominations": [n.pk for n in nominations],
            "voters": [u.pk for u in council_members],
        },
    )
    poll = Poll.objects.get(council_province=province)
    assert answer.status_code == 302 and poll.candidates.count() == 5 and poll.electors.count() == 9
    assert client.get(reverse("awards:poll", args=[poll.pk])).status_code == 200
    client.login(username="hd4", password=PASSWORD)  # a council member sees the hub, not the forms
    assert client.get(reverse("awards:province_polls", args=[2025])).status_code == 200
    assert client.get(url).status_code == 403
    outsider = make_user("oadm", province=ProvinceFactory(), roles=["province_admin"])
    client.force_login(outsider)
    assert client.get(reverse("awards:poll", args=[poll.pk])).status_code == 404


def test_the_province_admin_enters_the_paper_count_of_the_province_council(province_vote, client):  # noqa: F811
    province, flag, nominations, admin, council_members = province_vote
    poll = _open(province_vote)
    ids = {c.nomination_id: c.pk for c in poll.candidates.all()}
    url = reverse("awards:poll_paper_count", args=[poll.pk])
    client.force_login(council_members[1])  # a member of the council does not enter the count
    assert client.get(url).status_code == 403
    client.force_login(admin)
    form = {"issued": 9, "received": 9, "invalid": 0} | {f"votes_{pk}": 0 for pk in ids.values()}
    form[f"votes_{ids[nominations[1].pk]}"] = 8
    assert client.post(url, form).status_code == 302
    poll.refresh_from_db()
    assert poll.status == "closed" and poll.candidates.get(nomination=nominations[1]).proposed


@pytest.mark.poppler
def test_the_cluster_minutes_show_the_failed_round_and_the_new_one_against_the_roster(council):  # noqa: F811
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"], tie_break=TieBreak.SCORE, threshold_num=1, threshold_den=3)
    first = open_poll(cy, types["co-thanh-pho"], candidates=units[1:4], voters=voters[:14], actor=sec)
    _paper(first, sec, 9, {units[1]: 9})  # 9 of 15 < 2/3
    opens, closes = window()
    second = services.round_open(poll=first, opens_at=opens, closes_at=closes, actor=sec)
    PollCandidate.objects.filter(poll=second, unit=units[2]).update(total="92.58")
    PollCandidate.objects.filter(poll=second, unit=units[3]).update(total="91.65")
    _paper(second, sec, 14, {units[2]: 6, units[3]: 6})
    services.poll_publish(poll=second, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    doc = Document(
        province=cy.cluster.province,
        key="t-rounds",
        kind="awards_minutes",
        params={"cluster_year_id": cy.pk},
        title="t",
    )
    pdf, _name = render_minutes(doc, lambda p: None)
    path = pdfcheck.save(pdf, "awards-minutes-two-rounds.pdf")
    pdfcheck.assert_decree30_layout(path)
    text = " ".join(pdfcheck.text(path).split())
    assert "bỏ phiếu lại lần 1 (lần trước không đủ số thành viên tham gia theo quy định)" in text
    assert "Không đủ số thành viên tham gia bỏ phiếu theo quy định" in text
    assert "tổng số thành viên hội đồng (15)" in text and "theo quy định gồm 15 thành viên" in text
    assert "(điểm cao" in text and "1.2. Cờ thi đua của UBND thành phố" in text  # the tie broken by score
