"""The year's summary report: the PDF (rendered by the real worker) says what the data says;
the HTML page and the .xlsx export show the same figures."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.formatting import number as _fmt
from clusters.models import ClusterYear, Unit, User
from documents.models import Document, DocumentState
from tests import pdfcheck
from tests.conftest import wait_for
from yearend import selectors
from yearend.documents import context_for, document_key, render_summary

NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$")  # a figure as clusters.formatting writes it


def load_demo_2023():
    """Hải Phòng 2023 (seed 000): scores locked, polls published, dossier; plus a signed pledge
    and one province decision so that every section of the report has data."""
    from clusters import demo as cluster_demo

    cluster_demo.load()
    for path in ("emulation.scoring.demo", "awards.demo"):
        pytest.importorskip(path).load()
    from yearend import demo

    demo.load()
    cy = ClusterYear.objects.select_related("cluster__province").get(
        cluster__province__code="hai-phong", cluster__code="khoi-huyen", year=2023
    )
    pledges = pytest.importorskip("emulation.pledges.models")
    pledge, _c = pledges.Pledge.objects.get_or_create(cluster_year=cy)
    version = pledges.PledgeVersion.objects.create(
        pledge=pledge, number=1, title="Giao ước thi đua năm 2023", place="Hải Phòng"
    )
    pledge.state, pledge.final_version = "final", version
    pledge.save()
    signed_at = timezone.make_aware(datetime.datetime(2023, 2, 20, 9, 0))
    for m in cy.memberships.select_related("unit")[:3]:
        pledges.PledgeSignature.objects.create(
            version=version, unit=m.unit, signer_name=m.unit.leader_name, state="done", signed_at=signed_at
        )
    awards_services = pytest.importorskip("awards.services")
    from awards.models import Nomination

    nomination = Nomination.objects.filter(cluster_year=cy).order_by("award_type__precedence").first()
    admin = User.objects.get(username="tinh.haiphong")
    from awards.demo import _secretary
    from clusters.closing import recording_past_years

    with recording_past_years():  # the demo's 2023 is closed already: its record is completed
        awards_services.dossier_submit(
            cluster_year=cy,
            actor=_secretary(cy.cluster.province, cy, admin),
            reason="Đã hết thời gian theo kế hoạch",
        )
    awards_services.decision_record(
        nomination=nomination,
        number="123/QĐ-UBND",
        date=datetime.date(2024, 4, 2),
        outcome="approved",
        actor=admin,
    )
    return cy


def flat(text):
    return re.sub(r"\s+", " ", text)


def check_pdf_against_data(path, cy):
    data = selectors.summary(cy)
    text = pdfcheck.text(path)
    lines = text.splitlines()
    whole = flat(text)
    assert "BÁO CÁO" in whole and "Tổng kết công tác thi đua năm 2023" in whole
    assert "Cụm thi đua Khối huyện" in whole
    assert f"gồm {len(data['members'])} đơn vị thành viên" in whole
    assert f"Trưởng cụm: {data['head'].display_name}" in whole
    # ranking: each unit's line carries its rank, every major criterion, bonus, deduction, total
    assert data["ranking"], "the demo year has scores"
    for r in data["ranking"]:
        line = next(
            ln
            for ln in lines
            if re.match(rf"\s*{r.rank}\s+{re.escape(r.unit_name)}\s", ln)
            and all(NUMBER.match(x) for x in ln.split(r.unit_name, 1)[1].split())
        )
        numbers = line.split(r.unit_name, 1)[1].split()
        expected = [_fmt(r.by_major[code]) for code, _t, _m in data["majors"]]
        expected += [_fmt(r.bonus), _fmt(r.deduction), _fmt(r.total)]
        assert numbers == expected, (r.unit_name, line)
    # pledge signatories
    for unit, leader, _at in data["pledge"]["signatories"]:
        assert unit in whole and leader in whole
    assert f"{data['pledge']['signed']}/{data['pledge']['members']} đơn vị đã ký" in whole
    # votes and proposals
    start = next(i for i, ln in enumerate(lines) if "KẾT QUẢ BÌNH XÉT, KHEN THƯỞNG" in ln)
    end = next(i for i, ln in enumerate(lines) if "Quyết định khen thưởng" in ln)
    section = flat("\n".join(lines[start:end]))
    pos = 0
    assert data["results"], "the demo year has published polls"
    for result in data["results"]:
        pos = section.index(result["award"], pos)
        for name, votes, share, met in result["candidates"]:
            row = f"{name} {votes} {_fmt(share)} {'Đạt' if met else 'Không đạt'}"
            pos = section.index(row, pos)
        pos = section.index("Đề nghị: " + ", ".join(result["proposed"]), pos)
    # decisions and the hand-over
    for d in data["decisions"]:
        assert d["number"] in whole
    assert "Huyện Vĩnh Bảo bàn giao nhiệm vụ Trưởng cụm năm 2024 cho Huyện Cát Hải" in whole
    # the chart is vector (text in the PDF), one label per unit
    assert "Tổng điểm của các đơn vị năm 2023" in whole


@pytest.mark.worker
@pytest.mark.poppler
def test_summary_pdf_from_the_worker_matches_the_data(celery_worker, client):
    cy = load_demo_2023()
    # Cát Hải's secretary reads 2023 (the year before it took over) but does not produce its report.
    assert client.login(username="thuky.cathai", password="ThiDua@2024")
    assert (
        client.post(reverse("yearend:summary_pdf", args=[cy.pk]), HTTP_HX_REQUEST="true").status_code == 403
    )
    assert client.login(username="tinh.haiphong", password="ThiDua@2024")
    response = client.post(reverse("yearend:summary_pdf", args=[cy.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "document-status" in response.content.decode()
    doc = wait_for(
        lambda: Document.objects.filter(key=document_key(cy), state__in=["done", "failed"]).first(),
        timeout=120,
    )
    assert doc.state == DocumentState.DONE, doc.message
    path = pdfcheck.save(doc.file.read(), "yearend-summary-2023.pdf")
    pdfcheck.assert_decree30_layout(path)
    check_pdf_against_data(path, cy)
    # the download goes through the document's permission
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 200
    client.logout()
    other = User.objects.exclude(province=cy.cluster.province).filter(unit__isnull=False).first()
    if other is not None:
        client.force_login(other)
        assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.poppler
def test_summary_pdf_of_a_year_without_data_is_a_draft_without_placeholders(cast):
    doc = Document(
        province=cast.province,
        key="t",
        kind="yearend_summary",
        params={"cluster_year_id": cast.year.pk},
        title="t",
    )
    pdf, filename = render_summary(doc, lambda p: None)
    path = pdfcheck.save(pdf, "yearend-summary-empty.pdf")
    pdfcheck.assert_decree30_layout(path)
    whole = flat(pdfcheck.text(path))
    # what is missing is said in the app, never in the document; the unfinished report is a draft
    assert "Chưa có" not in whole and "dữ liệu" not in whole
    assert pdfcheck.image_count(path, 1) == 1 and "/BC-CTĐ" in whole  # watermarked draft
    assert "Huyện Cát Hải" in whole and "Huyện Vĩnh Bảo" in whole
    assert filename.endswith(f"-{cast.year.year}.pdf")


@pytest.mark.django_db
def test_html_page_and_xlsx_show_the_same_figures(client):
    from openpyxl import load_workbook

    cy = load_demo_2023()
    data = selectors.summary(cy)
    assert client.login(username="chutich.vinhbao", password="ThiDua@2024")
    html = client.get(reverse("yearend:year", args=[cy.pk])).content.decode()
    for r in data["ranking"]:
        assert r.unit_name in html and _fmt(r.total) in html
    assert "<svg" in html and "123/QĐ-UBND" in html
    assert "Huyện Cát Hải" in html  # the hand-over

    response = client.get(reverse("yearend:summary_xlsx", args=[cy.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Thành viên", "Xếp hạng", "Điểm thưởng, điểm trừ", "Số phiếu", "Quyết định"]
    rows = list(wb["Xếp hạng"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[-2]) for row in rows] == [
        (r.rank, r.unit_name, float(r.total)) for r in data["ranking"]
    ]
    assert any(row[2] == "123/QĐ-UBND" for row in wb["Quyết định"].iter_rows(min_row=2, values_only=True))


@pytest.mark.django_db
def test_context_has_the_hand_over_and_a_vector_chart():
    cy = load_demo_2023()
    ctx = context_for(cy, today=datetime.date(2024, 2, 28))
    assert ctx["place_date"] == "Hải Phòng, ngày 28 tháng 02 năm 2024"
    assert ctx["handover"].to_head == Unit.objects.get(code="cat-hai", province=cy.cluster.province)
    assert ctx["chart"].startswith("<svg") and "<rect" in ctx["chart"]
    from yearend import demo
    from yearend.models import HandOver

    demo.load()  # idempotent
    assert HandOver.objects.filter(cluster_year=cy).count() == 1


@pytest.mark.django_db
def test_the_council_follows_a_unit_from_the_ranking_to_its_history(client):
    cy = load_demo_2023()
    assert client.login(username="hoidong.haiphong", password="ThiDua@2024")
    html = client.get(reverse("yearend:year", args=[cy.pk])).content.decode()
    vinh_bao = Unit.objects.get(code="vinh-bao", province=cy.cluster.province)
    url = reverse("yearend:unit_history", args=[vinh_bao.pk])
    assert url in html
    page = client.get(url).content.decode()
    assert "99,97" in page and "1/8" in page  # 2023: first of eight
    assert "Cờ thi đua của Chính phủ" in page
