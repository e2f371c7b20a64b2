"""The province's report of the decisions: 60 nominations decided in three actions, the totals
per award and cluster on the page, in the .xlsx (formulas neutralised) and in the Decree 30 PDF
rendered by the real worker; the lower award granted is named in each."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from awards import province, services
from awards.models import Nomination
from awards.report import document_key, render_report
from documents.models import Document, DocumentState
from tests import pdfcheck
from tests.awards.helpers import nominated_clusters
from tests.conftest import wait_for

DAY = datetime.date(2027, 1, 15)
REPORT = reverse("awards:province_report")


def decided_year(cast, **kw):
    """60 nominations (3 clusters × 8 "Cờ" + 12 "Bằng khen"): 60 approved in one action, then 10
    reduced to "Bằng khen chuyên đề" and 5 refused (the first cluster's)."""
    types, years = nominated_clusters(cast, **kw)
    ids = list(Nomination.objects.order_by("pk").values_list("pk", flat=True))
    services.decisions_apply(
        nominations=ids,
        actor=cast.admin,
        number="=125/QĐ-UBND",
        date=DAY,
        signer="Nguyễn Văn Tùng",
        outcome="approved",
    )
    first = list(Nomination.objects.filter(cluster_year=years[0]).order_by("award_type__precedence", "pk"))
    reduced = first[:10]  # the 8 "Cờ" and 2 "Bằng khen toàn diện" of cluster 1
    services.decisions_apply(
        nominations=reduced,
        actor=cast.admin,
        number="130/QĐ-UBND",
        date=DAY,
        outcome="reduced",
        granted_award=types["bk-chuyen-de"],
    )
    services.decisions_apply(
        nominations=first[10:15], actor=cast.admin, number="131/QĐ-UBND", date=DAY, outcome="refused"
    )
    return types, years


def test_report_totals_per_award_and_cluster(client, cast):
    types, years = decided_year(cast)
    data = province.report(cast.province.pk, cast.year.year)
    t = data["total"]
    assert (t.proposed, t.approved, t.reduced, t.refused, t.awaiting) == (60, 45, 10, 5, 0)
    assert t.granted == {"Bằng khen chuyên đề": 10}
    flag, merit = data["awards"]
    assert flag.award == types["co-thanh-pho"] and merit.award == types["bk-toan-dien"]
    assert (flag.total.proposed, flag.total.approved, flag.total.reduced) == (24, 16, 8)
    assert (merit.total.proposed, merit.total.approved, merit.total.reduced, merit.total.refused) == (
        36,
        29,
        2,
        5,
    )
    by_cluster = dict(merit.rows)
    one = by_cluster[years[0].cluster.name]
    assert (one.proposed, one.approved, one.reduced, one.refused) == (12, 5, 2, 5)
    assert one.granted_text == "Bằng khen chuyên đề: 2"
    assert by_cluster[years[1].cluster.name].approved == 12
    client.force_login(cast.admin)
    page = client.get(REPORT + f"?year={cast.year.year}").content.decode()
    grand = re.search(r'id="report-grand-total">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r">(\d+)<", grand) == ["60", "45", "10", "5", "0"]
    assert "Bằng khen chuyên đề: 10" in grand
    assert "Được khen thưởng hình thức thấp hơn: Bằng khen chuyên đề" in page


def test_report_xlsx_has_the_totals_and_writes_no_formula(client, cast):
    decided_year(cast, clusters=1)
    client.force_login(cast.admin)
    r = client.get(reverse("awards:province_report_xlsx") + f"?year={cast.year.year}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    totals, details = wb.worksheets
    last = [c.value for c in totals[totals.max_row]]
    assert last[2:] == [20, 5, 10, "Bằng khen chuyên đề: 10", 5, 0]
    numbers = [row[4] for row in details.iter_rows(min_row=2)]
    typed = [c for c in numbers if c.value == "=125/QĐ-UBND"]
    assert typed and all(c.data_type == "s" and c.quotePrefix for c in typed)  # text, not a formula
    outcomes = {row[3].value for row in details.iter_rows(min_row=2)}
    assert "Được khen thưởng hình thức thấp hơn: Bằng khen chuyên đề" in outcomes


def test_report_is_the_province_admins_own(client, cast):
    decided_year(cast, clusters=1)
    for user in (cast.secretary, cast.council, cast.leader_a):
        client.force_login(user)
        assert client.get(REPORT).status_code == 403
        assert client.get(reverse("awards:province_report_xlsx")).status_code == 403
        assert client.post(reverse("awards:province_report_pdf")).status_code == 403
    client.force_login(cast.other)  # another province's admin sees their own (empty) report
    page = client.get(REPORT + f"?year={cast.year.year}").content.decode()
    assert "Vĩnh Bảo" not in page and "Cụm thi đua số 1" not in page


@pytest.mark.parametrize("clusters", [1, 3])
def test_report_page_query_count_is_constant(client, cast, django_assert_num_queries, clusters):
    nominated_clusters(cast, clusters=clusters, higher=2, lower=3)
    some = list(Nomination.objects.values_list("pk", flat=True)[:3])
    services.decisions_apply(nominations=some, actor=cast.admin, number="1/QĐ", date=DAY, outcome="approved")
    client.force_login(cast.admin)
    client.get(REPORT)
    with django_assert_num_queries(7):
        assert client.get(REPORT).status_code == 200


@pytest.mark.poppler
def test_report_pdf_layout_and_figures(cast):
    decided_year(cast)
    doc = Document(
        province=cast.province,
        key="t",
        kind="awards_province_report",
        params={"province_id": cast.province.pk, "year": cast.year.year},
        title="t",
        issued_on=datetime.date(2027, 2, 3),
    )
    pdf, filename = render_report(doc, lambda p: None)
    path = pdfcheck.save(pdf, "awards-province-report.pdf")
    pdfcheck.assert_decree30_layout(path)  # with the shared checker --strict
    whole = " ".join(pdfcheck.text(path).split())
    assert "Hải Phòng, ngày 03 tháng 02 năm 2027" in whole and re.search(r"Số:\s+/BC-HĐTĐKT", whole)
    assert "60 đơn vị được đề nghị, 45 đồng ý, 10 khen mức thấp hơn, 5 không đồng ý" in whole
    lines = [" ".join(line.split()) for line in pdfcheck.text(path).splitlines()]
    assert "Tổng cộng 60 45 10 5 0" in lines  # the lower award's name is on the lines around
    grand = lines.index("Tổng cộng 60 45 10 5 0")
    assert (lines[grand - 1], lines[grand + 1]) == ("Bằng khen", "chuyên đề: 10")
    # the ten reduced ones name the lower award in the list ("Được khen thưởng / hình thức thấp
    # hơn: / Bằng khen chuyên đề" over three lines of the cell)
    assert sum("hình thức thấp hơn:" in line for line in lines) == 10
    assert sum(line.endswith("Bằng khen chuyên đề") for line in lines) == 10
    assert filename.endswith(f"-{cast.year.year}.pdf")


@pytest.mark.worker
@pytest.mark.poppler
def test_report_pdf_from_the_worker(celery_worker, client, cast):
    decided_year(cast, clusters=1)
    client.force_login(cast.admin)
    year = cast.year.year
    r = client.post(reverse("awards:province_report_pdf") + f"?year={year}", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "document-status" in r.content.decode()
    doc = wait_for(
        lambda: Document.objects.filter(
            key=document_key(cast.province.pk, year), state__in=["done", "failed"]
        ).first(),
        timeout=120,
    )
    assert doc.state == DocumentState.DONE, doc.message
    path = pdfcheck.save(doc.file.read(), "awards-province-report-worker.pdf")
    pdfcheck.assert_decree30_layout(path)
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 200
    client.force_login(cast.other)
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404
