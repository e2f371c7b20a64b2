"""The minutes as a biên bản kiểm phiếu: meeting times, absentees with reasons, the Ban kiểm phiếu
and its signatures, ballots issued/received/valid/invalid per poll; a paper vote's count entered
by the secretary is counted by the poll's rule and printed like an online one."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from awards import services
from awards.documents import render_minutes
from awards.models import PaperCount, PollStatus
from documents.models import Document
from tests import pdfcheck
from tests.awards.helpers import open_poll, vote
from tests.awards.test_seed000 import build_2023, play_2023, run_poll
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.poppler]

MEETING = {
    "meeting_date": datetime.date(2024, 2, 28),
    "meeting_place": "Hội trường UBND huyện Vĩnh Bảo",
    "started_at": datetime.time(8, 0),
    "ended_at": datetime.time(11, 30),
    "chair_name": "Nguyễn Văn Bảo",
    "chair_title": "Chủ tịch UBND huyện Vĩnh Bảo, Trưởng cụm",
    "secretary_name": "Trần Thị Thư",
    "council_size": 8,
    "absentees": "Phạm Văn Lãng – đi công tác",
    "counting_committee": "Lê Văn Kiểm – Trưởng ban\nĐỗ Thị Phiếu – Thành viên\nHoàng Văn Đếm – Thành viên",
}


def _minutes(cy, name):
    doc = Document(
        province=cy.cluster.province,
        key=f"t-{name}",
        kind="awards_minutes",
        params={"cluster_year_id": cy.pk},
        title="t",
    )
    pdf, _filename = render_minutes(doc, lambda p: None)
    path = pdfcheck.save(pdf, name)
    pdfcheck.assert_decree30_layout(path)
    return " ".join(pdfcheck.text(path).split())


def test_online_minutes_are_a_vote_count_record_signed_by_the_committee():
    cy, _u, secretary = play_2023()
    services.dossier_save(cluster_year=cy, actor=secretary, **MEETING)
    text = _minutes(cy, "awards-minutes-online-kiem-phieu.pdf")
    assert "BIÊN BẢN KIỂM PHIẾU" in text
    assert re.search(r"Số:\s+/BB-CTĐ", text) and "Hải Phòng, ngày 28 tháng 02 năm 2024" in text
    assert "hồi 08 giờ 00 phút" in text and "kết thúc hồi 11 giờ 30 phút" in text
    assert "theo quy định gồm 8 thành viên; có mặt 7, vắng mặt 1" in text
    assert "Phạm Văn Lãng – lý do: đi công tác" in text
    assert "Lê Văn Kiểm – Trưởng ban" in text
    # the government flag: 8 ballots issued and received, all valid, 100 % of the electorate
    assert "Số phiếu phát ra: 8; số phiếu thu về: 8; số phiếu hợp lệ: 8; số phiếu không hợp lệ: 0" in text
    assert "trực tuyến" in text
    for signer in ("THƯ KÝ", "CHỦ TRÌ", "TM. BAN KIỂM PHIẾU", "TRƯỞNG BAN", "THÀNH VIÊN"):
        assert signer in text
    for name in ("Trần Thị Thư", "Nguyễn Văn Bảo", "Lê Văn Kiểm", "Đỗ Thị Phiếu", "Hoàng Văn Đếm"):
        assert name in text


def _paper_poll():
    cy, u, leaders, secretary, types = build_2023()
    # the higher award is decided first (online), then the city flag is voted on paper
    run_poll(
        cy, types["co-chinh-phu"], [u["Vĩnh Bảo"]], leaders, secretary, {v: [u["Vĩnh Bảo"]] for v in leaders}
    )
    candidates = [u["Thủy Nguyên"], u["An Lão"], u["Kiến Thụy"]]
    poll = open_poll(
        cy, types["co-thanh-pho"], candidates=candidates, voters=list(leaders.values()), actor=secretary
    )
    return cy, u, leaders, secretary, poll


def test_the_secretary_enters_a_paper_count_and_the_minutes_print_it(client):
    cy, u, _leaders, secretary, poll = _paper_poll()
    ids = {c.unit_id: c.pk for c in poll.candidates.all()}
    client.login(username=secretary.username, password=PASSWORD)
    url = reverse("awards:poll_paper_count", args=[poll.pk])
    assert url in client.get(reverse("awards:poll", args=[poll.pk])).content.decode()  # the link
    form = {"issued": 8, "received": 8, "invalid": 1}
    form |= {
        f"votes_{ids[u['Thủy Nguyên'].pk]}": 6,
        f"votes_{ids[u['An Lão'].pk]}": 1,
        f"votes_{ids[u['Kiến Thụy'].pk]}": 0,
    }
    assert client.post(url, form).status_code == 302
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED and poll.ballot_count == 7 and poll.participation_count == 8
    count = PaperCount.objects.get(poll=poll)
    assert (count.ballots_issued, count.ballots_received, count.ballots_invalid, count.ballots_valid) == (
        8,
        8,
        1,
        7,
    )
    winner = poll.candidates.get(unit=u["Thủy Nguyên"])
    assert winner.votes == 6 and winner.proposed  # 6 of 8 voters: more than half
    services.poll_publish(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
    services.dossier_save(cluster_year=cy, actor=secretary, **MEETING)
    text = _minutes(cy, "awards-minutes-paper.pdf")
    assert "bằng phiếu giấy tại cuộc họp" in text
    assert "Số phiếu phát ra: 8; số phiếu thu về: 8; số phiếu hợp lệ: 7; số phiếu không hợp lệ: 1" in text
    assert re.search(r"Huyện\s+Thủy\s+Nguyên 6 75,00 Đạt Đề\s+nghị", text)


def test_an_impossible_paper_count_is_refused_and_the_poll_stays_open():
    _cy, u, _leaders, secretary, poll = _paper_poll()
    ids = {c.unit_id: c.pk for c in poll.candidates.all()}
    with pytest.raises(ValidationError) as exc:
        services.poll_close_paper(
            poll=poll, actor=secretary, issued=8, received=9, invalid=0, votes={ids[u["An Lão"].pk]: 1}
        )
    assert "More ballots received" in str(exc.value) or "thu về" in str(exc.value)
    with pytest.raises(ValidationError):
        services.poll_close_paper(
            poll=poll, actor=secretary, issued=8, received=8, invalid=2, votes={ids[u["An Lão"].pk]: 7}
        )
    poll.refresh_from_db()
    assert poll.status == PollStatus.OPEN and not PaperCount.objects.exists()


def test_more_paper_ballots_than_voters_on_the_list_are_refused():
    _cy, u, leaders, secretary, poll = _paper_poll()
    ids = {c.unit_id: c.pk for c in poll.candidates.all()}
    n = len(leaders)  # one ballot per voter on the list: a ninth ballot can only be stuffed
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        services.poll_close_paper(
            poll=poll,
            actor=secretary,
            issued=n + 1,
            received=n + 1,
            invalid=0,
            votes={ids[u["An Lão"].pk]: n + 1},
        )
    assert (
        f"Số phiếu phát ra ({n + 1}) nhiều hơn số người có tên trong danh sách bỏ phiếu ({n})."
        in exc.value.messages
    )
    poll.refresh_from_db()
    assert poll.status == PollStatus.OPEN and not PaperCount.objects.exists()


def test_a_poll_with_online_ballots_cannot_be_counted_on_paper():
    _cy, u, leaders, secretary, poll = _paper_poll()
    vote(poll, next(iter(leaders.values())), u["An Lão"])
    with pytest.raises(ValidationError):
        services.poll_close_paper(poll=poll, actor=secretary, issued=8, received=8, invalid=0, votes={})


def test_only_the_secretary_enters_a_paper_count(client):
    _cy, _u, leaders, _secretary, poll = _paper_poll()
    url = reverse("awards:poll_paper_count", args=[poll.pk])
    client.force_login(next(iter(leaders.values())))
    assert client.get(url).status_code == 403
    from tests.factories import ProvinceFactory, make_user

    stranger = make_user("khac_tinh", province=ProvinceFactory(), roles=[])
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_the_cover_letter_takes_its_number_when_the_dossier_is_submitted_and_keeps_it():
    from awards.documents import render_cover_letter
    from documents.dates import place_date_line
    from documents.models import RegisterEntry

    cy, _u, secretary = play_2023()
    services.dossier_save(cluster_year=cy, actor=secretary, **MEETING)
    doc = Document(
        province=cy.cluster.province,
        key="t-cover",
        kind="awards_cover_letter",
        params={"cluster_year_id": cy.pk},
        title="t",
    )
    pdf, _name = render_cover_letter(doc, lambda p: None)
    draft = pdfcheck.save(pdf, "awards-cover-letter-draft.pdf")
    pdfcheck.assert_decree30_layout(draft)
    assert re.search(r"Số:\s+/TTr-CTĐ", " ".join(pdfcheck.text(draft).split()))  # room to number
    services.dossier_submit(cluster_year=cy, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
    entry = RegisterEntry.objects.get(issuer=f"cluster:{cy.cluster_id}", symbol="TTr")
    assert entry.number == "01/TTr-CTĐ"
    for name in ("awards-cover-letter-issued.pdf", "awards-cover-letter-rerendered.pdf"):
        pdf, _name = render_cover_letter(doc, lambda p: None)
        path = pdfcheck.save(pdf, name)
        pdfcheck.assert_decree30_layout(path)
        text = " ".join(pdfcheck.text(path).split())
        assert "Số: 01/TTr-CTĐ" in text and place_date_line("Hải Phòng", entry.issued_on) in text
    assert RegisterEntry.objects.filter(symbol="TTr").count() == 1
