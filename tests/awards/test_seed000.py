"""Seed 000 end to end: the 2023 Hải Phòng cluster votes on its four awards, publishes, and the
minutes and cover letter are rendered by the real Celery worker in the Decree 30 layout."""

import datetime
from decimal import Decimal

import pytest

from awards import documents, selectors, services
from awards.models import Nomination
from clusters.models import MemberRole, Membership, Role, Stage
from documents.models import Document, DocumentState
from tests import pdfcheck
from tests.awards.helpers import award_types, open_poll, rule, vote
from tests.conftest import wait_for
from tests.factories import ClusterFactory, ClusterYearFactory, ProvinceFactory, UnitFactory, make_user

UNITS = ["Vĩnh Bảo", "Thủy Nguyên", "An Lão", "Kiến Thụy", "Tiên Lãng", "An Dương", "Cát Hải", "Bạch Long Vĩ"]


def build_2023():
    province = ProvinceFactory(name="Thành phố Hải Phòng", place_name="Hải Phòng")
    cluster = ClusterFactory(province=province, name="Cụm thi đua Khối huyện", code="khoi-huyen")
    cy = ClusterYearFactory(cluster=cluster, year=2023, stage=Stage.VOTING)
    units = {
        n: UnitFactory(province=province, name=f"Huyện {n}", short_name=n, leader_name=f"Chủ tịch {n}")
        for n in UNITS
    }
    for n, u in units.items():
        Membership.objects.create(
            cluster_year=cy, unit=u, role=MemberRole.HEAD if n == "Vĩnh Bảo" else MemberRole.MEMBER
        )
    leaders = {
        n: make_user(f"ct_{i}", province=province, unit=u, roles=[Role.UNIT_LEADER])
        for i, (n, u) in enumerate(units.items())
    }
    secretary = make_user(
        "thuky", province=province, unit=units["Vĩnh Bảo"], roles=[Role.CLUSTER_SECRETARY, Role.UNIT_STAFF]
    )
    types = award_types(province)
    rule(cy, types["co-chinh-phu"], quota_count=1, leading_unit_only=True)
    rule(cy, types["co-thanh-pho"], quota_count=1)
    rule(cy, types["bk-toan-dien"], quota_kind="share_remaining", quota_num=1, quota_den=3, rounding="down")
    rule(cy, types["bk-chuyen-de"], quota_kind="share_remaining", quota_num=1, quota_den=1, rounding="down")
    return cy, units, leaders, secretary, types


def run_poll(cy, award_type, candidates, leaders, secretary, ballots):
    poll = open_poll(cy, award_type, candidates=candidates, voters=list(leaders.values()), actor=secretary)
    for voter, chosen in ballots.items():
        vote(poll, leaders[voter], *chosen)
    services.poll_close(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
    services.poll_publish(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
    return poll


def play_2023():
    cy, u, leaders, secretary, types = build_2023()
    everyone = list(leaders)
    gov = run_poll(
        cy, types["co-chinh-phu"], [u["Vĩnh Bảo"]], leaders, secretary, {v: [u["Vĩnh Bảo"]] for v in everyone}
    )
    city_candidates = [x for n, x in u.items() if n != "Vĩnh Bảo"]
    city = run_poll(
        cy,
        types["co-thanh-pho"],
        city_candidates,
        leaders,
        secretary,
        {v: [u["Thủy Nguyên"] if i < 6 else u["An Lão"]] for i, v in enumerate(everyone)},
    )
    assert city.quota == 1 and gov.quota == 1
    rest = [x for n, x in u.items() if n not in ("Vĩnh Bảo", "Thủy Nguyên")]
    comp_votes = {v: [u["An Lão"], u["Kiến Thụy"]] for v in everyone[:7]}
    comp_votes[everyone[7]] = [u["Tiên Lãng"]]
    comp = run_poll(cy, types["bk-toan-dien"], rest, leaders, secretary, comp_votes)
    assert comp.quota == 2  # 1/3 of the 6 units left, rounded down
    thematic = [u[n] for n in ("Tiên Lãng", "An Dương", "Cát Hải", "Bạch Long Vĩ")]
    them = run_poll(
        cy,
        types["bk-chuyen-de"],
        thematic,
        leaders,
        secretary,
        {v: thematic if i < 6 else [] for i, v in enumerate(everyone) if i < 6},
    )
    assert them.quota == 4
    return cy, u, secretary


def _proposed(cy):
    return {a["award"]: a["proposed"] for a in selectors.results_summary(cy)}


@pytest.mark.django_db
def test_seed_000_outcome_through_the_services():
    cy, u, secretary = play_2023()
    assert {k: sorted(v) for k, v in _proposed(cy).items()} == {
        "Cờ thi đua của Chính phủ": ["Huyện Vĩnh Bảo"],
        "Cờ thi đua của UBND thành phố": ["Huyện Thủy Nguyên"],
        "Bằng khen toàn diện": sorted(["Huyện An Lão", "Huyện Kiến Thụy"]),
        "Bằng khen chuyên đề": sorted(
            ["Huyện Tiên Lãng", "Huyện An Dương", "Huyện Cát Hải", "Huyện Bạch Long Vĩ"]
        ),
    }
    summary = selectors.results_summary(cy)
    assert all(a["published"] for a in summary)
    city = {c[0]: c for c in summary[1]["candidates"]}
    assert city["Huyện Thủy Nguyên"] == ("Huyện Thủy Nguyên", 6, Decimal("75.00"), True)
    assert city["Huyện An Lão"] == ("Huyện An Lão", 2, Decimal("25.00"), False)
    assert Nomination.objects.filter(cluster_year=cy).count() == 8


@pytest.mark.worker
@pytest.mark.poppler
def test_seed_000_minutes_and_cover_letter_render_on_the_worker(celery_worker):
    cy, u, secretary = play_2023()
    services.dossier_save(
        cluster_year=cy,
        actor=secretary,
        meeting_date=datetime.date(2024, 2, 28),
        meeting_place="Hội trường UBND huyện Vĩnh Bảo",
        chair_name="Nguyễn Văn Bảo",
        chair_title="Chủ tịch UBND huyện Vĩnh Bảo, Trưởng cụm",
        secretary_name="Trần Thị Thư",
        attendance="Lãnh đạo UBND 8 huyện thành viên\nĐại diện Ban Thi đua - Khen thưởng thành phố",
        cover_number="05/TTr-CTĐ",
    )
    minutes = documents.request(cy, "minutes", actor=secretary)
    cover = documents.request(cy, "cover", actor=secretary)
    for doc in (minutes, cover):
        done = wait_for(
            lambda d=doc: Document.objects.filter(
                pk=d.pk, state__in=[DocumentState.DONE, DocumentState.FAILED]
            ).first(),
            timeout=90,
        )
        assert done.state == DocumentState.DONE, done.message
    paths = {}
    for name, doc in (
        ("awards-minutes-online-seed000.pdf", minutes),
        ("awards-cover-letter-seed000.pdf", cover),
    ):
        doc.refresh_from_db()
        with doc.file.open("rb") as fh:
            paths[name] = pdfcheck.save(fh.read(), name)
        pdfcheck.assert_decree30_layout(paths[name])
    text = pdfcheck.text(paths["awards-minutes-online-seed000.pdf"])
    flat = " ".join(text.split())
    assert "BIÊN BẢN" in flat and "Ngày 28 tháng 02 năm 2024".lower() in flat.lower()
    for name in (
        "Huyện Vĩnh Bảo",
        "Huyện Thủy Nguyên",
        "Huyện An Lão",
        "Huyện Kiến Thụy",
        "Huyện Bạch Long Vĩ",
    ):
        assert name in flat
    assert "THƯ KÝ" in flat and "CHỦ TRÌ" in flat and "Trần Thị Thư" in flat
    cover_text = " ".join(pdfcheck.text(paths["awards-cover-letter-seed000.pdf"]).split())
    assert "TỜ TRÌNH" in cover_text and "05/TTr-CTĐ" in cover_text
    assert "Cờ thi đua của Chính phủ" in cover_text and "TRƯỞNG CỤM" in cover_text
