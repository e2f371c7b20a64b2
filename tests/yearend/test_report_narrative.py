"""The year-end report's narrative: drafted from the data, edited and issued by the cluster
secretary; a draft is watermarked and unnumbered, the issued report is numbered BC in the
cluster's register and keeps its number and date when rendered again."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.models import ClusterYear, Stage, User
from documents.models import Document, RegisterEntry
from tests import pdfcheck
from tests.yearend.test_report import load_demo_2023
from yearend import report
from yearend.documents import render_summary

pytestmark = pytest.mark.django_db

LESSONS = "Phối hợp chặt chẽ giữa Trưởng cụm và các đơn vị thành viên; chấm điểm đúng thời hạn."


def _render(cy, name):
    doc = Document(
        province=cy.cluster.province,
        key=f"t-{name}",
        kind="yearend_summary",
        params={"cluster_year_id": cy.pk},
        title="t",
    )
    pdf, _filename = render_summary(doc, lambda p: None)
    path = pdfcheck.save(pdf, name)
    pdfcheck.assert_decree30_layout(path)
    return path, " ".join(pdfcheck.text(path).split())


def _secretary():
    """The secretary of the head unit of 2023 (Vĩnh Bảo)."""
    from clusters.models import Role, Unit
    from tests.factories import make_user

    user = User.objects.filter(username="thuky_vinhbao").first()
    if user is None:
        vinh_bao = Unit.objects.get(code="vinh-bao", province__code="hai-phong")
        user = make_user(
            "thuky_vinhbao",
            province=vinh_bao.province,
            unit=vinh_bao,
            roles=[Role.CLUSTER_SECRETARY, Role.UNIT_STAFF],
        )
    return user


def test_the_draft_is_prefilled_from_the_data_and_watermarked():
    cy = load_demo_2023()
    path, text = _render(cy, "yearend-report-2023-draft.pdf")
    assert pdfcheck.image_count(path, 1) == 1  # the "DỰ THẢO" watermark (a picture)
    assert re.search(r"Số:\s+/BC-CTĐ", text)
    assert "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2023" in text
    assert "BÀI HỌC KINH NGHIỆM" not in text  # empty section: left out, flagged in the app
    assert "Phụ lục I" in text and "(Kèm theo Báo cáo số" in text
    assert "Chưa có dữ liệu" not in text


def test_issuing_is_refused_while_a_section_is_empty_and_says_which():
    cy = _dossier_stage(load_demo_2023())
    draft = report.report_for(cy, report_data(cy))
    report.report_save(cluster_year=cy, actor=_secretary(), **{n: getattr(draft, n) for n in draft.SECTIONS})
    with pytest.raises(ValidationError) as exc:
        report.report_issue(cluster_year=cy, actor=_secretary())
    assert "Lessons learnt" in str(exc.value) or "Bài học kinh nghiệm" in str(exc.value)
    assert not RegisterEntry.objects.filter(symbol="BC").exists()


def _dossier_stage(cy):
    """The report is written at the end of the dossier stage: a closed year refuses it."""
    ClusterYear.objects.filter(pk=cy.pk).update(stage=Stage.DOSSIER)
    cy.refresh_from_db()
    return cy


def report_data(cy):
    from yearend import selectors

    return selectors.summary(cy)


def test_the_issued_report_takes_its_number_and_keeps_number_and_date_when_rendered_again():
    cy = _dossier_stage(load_demo_2023())
    draft = report.report_for(cy, report_data(cy))
    sections = {n: getattr(draft, n) for n in draft.SECTIONS}
    sections["lessons"] = LESSONS
    sections["strengths"] = sections["strengths"] or "Các đơn vị hoàn thành tốt nhiệm vụ được giao."
    sections["shortcomings"] = sections["shortcomings"] or "Một số đơn vị gửi báo cáo chậm."
    report.report_save(cluster_year=cy, actor=_secretary(), **sections)
    report.report_issue(cluster_year=cy, actor=_secretary())
    entry = RegisterEntry.objects.get(symbol="BC", issuer=f"cluster:{cy.cluster_id}")
    assert entry.number == "01/BC-CTĐ"
    # issued on an earlier day: every later render keeps that number and that date
    RegisterEntry.objects.filter(pk=entry.pk).update(issued_on=datetime.date(2024, 3, 5))
    for name in ("yearend-report-2023-issued.pdf", "yearend-report-2023-rerendered.pdf"):
        path, text = _render(cy, name)
        assert "Số: 01/BC-CTĐ" in text
        assert "Hải Phòng, ngày 05 tháng 3 năm 2024" in text
        assert pdfcheck.image_count(path, 1) == 0  # no watermark
        assert LESSONS in text
        assert "(Kèm theo Báo cáo số 01/BC-CTĐ ngày 05/03/2024" in text
    assert RegisterEntry.objects.filter(symbol="BC").count() == 1
    with pytest.raises(ValidationError):
        report.report_save(cluster_year=cy, actor=_secretary(), lessons="changed")


def test_the_secretary_drafts_saves_and_issues_on_the_page_others_may_not(client):
    cy = load_demo_2023()
    # the report is written at the end of the dossier stage (a closed year is the province's)
    ClusterYear.objects.filter(pk=cy.pk).update(stage=Stage.DOSSIER)
    url = reverse("yearend:report_edit", args=[cy.pk])
    client.force_login(User.objects.get(username="canbo.vinhbao"))  # staff of a member unit
    assert client.get(url).status_code == 403
    client.force_login(User.objects.get(username="tinh.quangbinh"))  # another province
    assert client.get(url).status_code == 404
    client.force_login(_secretary())
    page = client.get(url).content.decode()
    assert "Bài học kinh nghiệm" in page and "alert-warning" in page  # the empty section is flagged
    assert "Huyện Vĩnh Bảo" in page  # prefilled from the ranking
    form = {n: v for n, v in client.get(url).context["form"].initial.items()}
    form["lessons"] = LESSONS
    form["strengths"] = form["strengths"] or "Hoàn thành tốt nhiệm vụ."
    form["shortcomings"] = form["shortcomings"] or "Còn chậm báo cáo."
    response = client.post(url, {**form, "issue": "1"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "01/BC-CTĐ" in page and "alert-warning" not in page
    ClusterYear.objects.filter(pk=cy.pk).update(stage=Stage.CLOSED)
    assert client.get(url).status_code == 403
