"""The pledge PDF: Decree 30 layout, one signature block per member two to a row and kept
together across pages, signature fields in the boxes, both copies (rendered in-process here;
the Celery path is in test_worker)."""

import re

import pytest

from clusters.models import Role, Unit, UnitKind
from emulation.pledges import pdf
from tests import pdfcheck
from tests.emulation.pledges.helpers import ARTICLES, draft
from tests.factories import make_user, make_year

pytestmark = [pytest.mark.poppler, pytest.mark.django_db]

THACH_THAT = [
    "Thị trấn Liên Quan",
    "Xã Bình Phú",
    "Xã Bình Yên",
    "Xã Canh Nậu",
    "Xã Cẩm Yên",
    "Xã Cần Kiệm",
    "Xã Chàng Sơn",
    "Xã Dị Nậu",
    "Xã Đại Đồng",
    "Xã Đồng Trúc",
    "Xã Hạ Bằng",
    "Xã Hương Ngải",
    "Xã Hữu Bằng",
    "Xã Kim Quan",
    "Xã Lại Thượng",
    "Xã Phú Kim",
    "Xã Phùng Xá",
    "Xã Tân Xã",
    "Xã Thạch Hòa",
    "Xã Thạch Xá",
    "Xã Tiến Xuân",
    "Xã Yên Bình",
    "Xã Yên Trung",
]
MM = pdfcheck.MM


def _one_line(text):
    return " ".join(text.split())


def test_three_member_signing_copy_layout_and_fields(cast):
    version = draft(cast.year, cast.secretary)
    data, boxes = pdf.render(version, pdf.SIGNING)
    path = pdfcheck.save(data, "pledge-3-members-signing.pdf")
    pdfcheck.assert_decree30_layout(path)
    assert sorted(b.name for b in boxes) == sorted(
        pdf.field_name(u.pk) for u in (cast.head, cast.unit_a, cast.unit_b)
    )
    assert len(re.findall(rb"/FT ?/Sig", data)) == 3
    text = _one_line(pdfcheck.text(path))
    for article in ARTICLES:
        assert _one_line(article) in text
    assert "Hải Phòng, ngày 28 tháng 02 năm" in text
    assert f"Mã xác thực: {version.code}" in text


def _thach_that(n=23):
    cy, units = make_year(n_members=n, year=2024)
    for i, (unit, name) in enumerate(zip(units, THACH_THAT, strict=False), 1):
        Unit.objects.filter(pk=unit.pk).update(
            name=name, kind=UnitKind.COMMUNE, leader_name=f"Nguyễn Văn A{i:02d}"
        )
    secretary = make_user(
        "thuky_thachthat", province=cy.cluster.province, unit=units[0], roles=[Role.CLUSTER_SECRETARY]
    )
    return cy, draft(cy, secretary, place="Thạch Thất")


def test_23_members_multi_page_two_columns_blocks_kept_together():
    cy, version = _thach_that()
    signing, boxes = pdf.render(version, pdf.SIGNING)
    ceremony, no_boxes = pdf.render(version, pdf.CEREMONY)
    signing_path = pdfcheck.save(signing, "pledge-thach-that-23-signing.pdf")
    ceremony_path = pdfcheck.save(ceremony, "pledge-thach-that-23-ceremony.pdf")
    for path in (signing_path, ceremony_path):
        pdfcheck.assert_decree30_layout(path)
    assert len(re.findall(rb"/FT ?/Sig", signing)) == 23 and not re.search(rb"/FT ?/Sig", ceremony)
    pages = pdfcheck.pages(signing_path)
    assert len(pages) >= 3
    mid = pages[0].width / 2
    seen = {}
    for n, page in enumerate(pages):
        orgs = [w for w in page.words if w[4] == "TM."]
        names = [w for w in page.words if re.fullmatch(r"A\d\d", w[4])]
        # a block never splits: each block's first line and its name are on the same page
        assert len(orgs) == len(names), f"page {n + 1}: {len(orgs)} block heads, {len(names)} names"
        rows = {}
        for w in orgs:
            rows.setdefault(round(w[1]), []).append(w)
        for row in rows.values():
            assert len(row) <= 2
            if len(row) == 2:
                left, right = sorted(row)
                assert left[2] < mid < right[0], "two columns"
        for w in names:
            seen[int(w[4][1:])] = (n, w)
    assert sorted(seen) == list(range(1, 24)), "one signature block per member"
    # each signature field sits in its unit's box: on the name's page, just above the name
    by_leader = {}
    for m in cy.memberships.select_related("unit"):
        by_leader[int(m.unit.leader_name[-2:])] = pdf.field_name(m.unit_id)
    box_of = {b.name: b for b in boxes}
    for i, (page_index, word) in seen.items():
        box = box_of[by_leader[i]]
        assert box.page == page_index
        box_bottom_from_top = pages[page_index].height - box.box[1]
        assert 0 <= word[1] - box_bottom_from_top < 12 * MM
        assert box.box[0] >= 30 * MM and box.box[2] <= pages[page_index].width - 15 * MM
    text = pdfcheck.text(ceremony_path)
    assert (
        "bản in lễ ký kết" in text
        and "Xã Đại Đồng".upper() in text
        and "Thạch Thất, ngày 28 tháng 02 năm 2024" in text
    )


def test_decomposed_input_is_stored_and_rendered_composed(cast):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Giao ước thi đua năm 2026 – Khối huyện")
    version = draft(
        cast.year, cast.secretary, title=nfd, articles=[unicodedata.normalize("NFD", ARTICLES[0])]
    )
    version.refresh_from_db()
    assert version.title == unicodedata.normalize("NFC", nfd) and version.articles == [ARTICLES[0]]
    data, _boxes = pdf.render(version, pdf.CEREMONY)
    path = pdfcheck.save(data, "pledge-nfd-input-ceremony.pdf")
    pdfcheck.assert_decree30_layout(path)
    assert "GIAO ƯỚC THI ĐUA NĂM 2026 – KHỐI HUYỆN" in pdfcheck.text(path)
