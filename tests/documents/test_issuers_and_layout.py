"""Issuers as data and the clerk's layout points: the governing body and the kind of the cluster
drive the header, the signature and the columns; names are kept whole; an empty ranking is a
draft without a signature; capitals follow Decree 30 in running text."""

import datetime
import re

import pytest

from clusters.documents import render_member_list
from clusters.models import Cluster, ClusterKind, Unit, UnitKind
from documents import typeset
from documents.models import Document
from documents.names import in_text
from emulation.pledges import pdf as pledge_pdf
from emulation.scoring.documents import render_ranking
from tests import pdfcheck
from tests.emulation.pledges.helpers import draft
from tests.factories import ProvinceFactory, make_year

pytestmark = pytest.mark.poppler


def _doc(kind, cy):
    return Document(
        province=cy.cluster.province,
        key=f"t-{kind}",
        kind=kind,
        params={"cluster_year_id": cy.pk},
        title="t",
        issued_on=datetime.date(2024, 1, 29),
    )


def _flat(path):
    return " ".join(pdfcheck.text(path).split())


@pytest.mark.django_db
def test_a_district_block_is_issued_under_its_district_and_signed_by_the_head_of_the_block():
    province = ProvinceFactory(name="Thành phố Hà Nội", place_name="Hà Nội")
    cy, units = make_year(province=province, n_members=4)
    Cluster.objects.filter(pk=cy.cluster_id).update(
        name="Khối thi đua các xã, thị trấn",
        kind=ClusterKind.FUNCTIONAL,
        governing_body="UBND Huyện Thạch Thất",
        place_name="Thạch Thất",
    )
    Unit.objects.filter(pk=units[0].pk).update(
        name="Thị trấn Liên Quan", kind=UnitKind.TOWNSHIP, leader_name="Nguyễn Thị Phương Thảo"
    )
    cy.refresh_from_db()
    pdf, _name = render_member_list(_doc("member_list", cy), lambda p: None)
    path = pdfcheck.save(pdf, "member-list-khoi-thach-that--annex.pdf")
    pdfcheck.assert_decree30_layout(path)
    text = pdfcheck.text(path)
    flat = _flat(path)
    assert "UBND HUYỆN THẠCH THẤT" in text and "HÀ NỘI" not in text.split("CỘNG HÒA")[0]
    # the name broken only where a clerk breaks it, never mid-name
    assert "KHỐI THI ĐUA" in text and "CÁC XÃ, THỊ TRẤN" in text
    assert "THỊ\n" not in text and "XÃ,\n" not in text
    assert re.search(r"Vai trò trong\s+(\S+\s+){0,6}Khối", flat), "the role column names the block"
    assert "Trưởng khối" in flat and "Trưởng cụm" not in flat
    assert "TRƯỞNG KHỐI" in flat and "Nguyễn Thị Phương Thảo" in text
    assert "Thạch Thất, ngày 29 tháng 01 năm 2024" in flat


@pytest.mark.django_db
def test_an_empty_ranking_is_a_draft_without_a_signature(cast):
    pdf, _name = render_ranking(_doc("scoring_ranking", cast.year), lambda p: None)
    path = pdfcheck.save(pdf, "scoring-ranking-empty--annex.pdf")
    pdfcheck.assert_decree30_layout(path)
    flat = _flat(path)
    assert pdfcheck.image_count(path, 1) == 1  # "DỰ THẢO"
    assert "TRƯỞNG CỤM" not in flat and "Nơi nhận" not in flat


@pytest.mark.django_db
def test_three_member_ceremony_copy_passes_the_strict_check(cast):
    version = draft(cast.year, cast.secretary)
    data, _boxes = pledge_pdf.render(version, pledge_pdf.CEREMONY)
    path = pdfcheck.save(data, "pledge-3-members-ceremony.pdf")
    pdfcheck.assert_decree30_layout(path)
    assert "Số:" in _flat(path) and "/GƯ-CTĐ" in _flat(path)


def test_names_shrink_one_step_before_breaking_and_break_only_between_parts():
    one_line = typeset.fit("Cụm thi đua Khối huyện", 63, bold=True)
    assert one_line.lines == ("CỤM THI ĐUA KHỐI HUYỆN",)
    smaller = typeset.fit("UBND huyện Thạch Thất", 58.5)
    assert smaller.lines == ("UBND HUYỆN THẠCH THẤT",) and smaller.size == 12
    broken = typeset.fit("Cụm thi đua các xã, thị trấn", 63, bold=True)
    assert broken.lines == ("CỤM THI ĐUA", "CÁC XÃ, THỊ TRẤN")
    parent = typeset.fit("Ủy ban nhân dân thành phố Hải Phòng", 61)
    assert parent.lines == ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG")


def test_administrative_names_in_running_text_follow_decree_30():
    assert in_text("UBND Huyện Cát Hải") == "UBND huyện Cát Hải"
    assert in_text("Hội đồng Thi đua - Khen thưởng Thành phố Hải Phòng") == (
        "Hội đồng Thi đua - Khen thưởng thành phố Hải Phòng"
    )
    assert in_text("Thành phố Hồ Chí Minh") == "Thành phố Hồ Chí Minh"
    assert in_text("Quận 1") == "Quận 1"


@pytest.mark.django_db
def test_the_member_list_keeps_its_first_date_when_rendered_again(cast):
    from documents import services

    doc = Document.objects.create(
        province=cast.province,
        key="ml",
        kind="member_list",
        params={"cluster_year_id": cast.year.pk},
        title="t",
    )
    Document.objects.filter(pk=doc.pk).update(state="queued", issued_on=datetime.date(2024, 2, 28))
    services.render_now(doc.pk)
    doc.refresh_from_db()
    with doc.file.open("rb") as fh:
        path = pdfcheck.save(fh.read(), "member-list-rerendered--annex.pdf")
    assert "Hải Phòng, ngày 28 tháng 02 năm 2024" in _flat(path)
    assert doc.issued_on == datetime.date(2024, 2, 28)
