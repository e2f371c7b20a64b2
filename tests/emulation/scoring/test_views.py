import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from emulation.scoring import services
from emulation.scoring.models import Evidence, ScoreEntry, ScoreSheet

from .conftest import score_all, sheet


def sheet_url(sc, unit):
    return reverse("scoring:sheet", args=[sc.year.pk, unit.pk])


def row_url(sc, unit, c, name="row_save"):
    return reverse(f"scoring:{name}", args=[sc.year.pk, unit.pk, c.pk])


def test_sheet_page_shows_progress_and_running_total(client, sc):
    s = sheet(sc, sc.unit_a)
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="8,5", actor=sc.staff_a)
    services.self_score_save(sheet=s, criterion=sc.criteria.c12, value="46,29", actor=sc.staff_a)
    client.force_login(sc.staff_a)
    html = client.get(sheet_url(sc, sc.unit_a)).content.decode()
    assert "2 trên 5 dòng đã chấm" in html
    assert 'id="self-total">54,79<' in html
    assert 'name="value"' in html and "Nộp kết quả tự chấm" in html


def test_htmx_row_save_returns_the_row_and_the_summary_out_of_band(client, sc):
    client.force_login(sc.staff_a)
    response = client.post(
        row_url(sc, sc.unit_a, sc.criteria.c12), {"value": "46,29", "note": "PAR"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="row-{sc.criteria.c12.pk}"')
    assert 'value="46,29"' in html and 'hx-swap-oob="true"' in html and "1 trên 5 dòng đã chấm" in html
    assert f'id="state-{sc.criteria.c12.pk}"' in html and ">Đã lưu.</div>" in html
    assert ScoreEntry.objects.get(criterion=sc.criteria.c12).note == "PAR"


def test_htmx_row_refused_above_maximum_shows_vietnamese_error_and_keeps_input(client, sc):
    client.force_login(sc.staff_a)
    response = client.post(row_url(sc, sc.unit_a, sc.criteria.c11), {"value": "12"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "12 vượt quá điểm tối đa 10 của tiêu chí này." in html
    assert 'aria-invalid="true"' in html and 'value="12"' in html
    assert "Đã lưu." not in html
    assert not ScoreEntry.objects.exists()


def test_plain_post_without_htmx_redirects_with_message(client, sc):
    client.force_login(sc.staff_a)
    response = client.post(row_url(sc, sc.unit_a, sc.criteria.c11), {"value": "abc"}, follow=True)
    assert "“abc” không phải là một số." in response.content.decode()


def test_submit_through_the_page(client, sc):
    score_all(
        sc,
        sc.unit_a,
        sc.staff_a,
        {
            sc.criteria.c11: "5",
            sc.criteria.c12: "40",
            sc.criteria.c21: "có",
            sc.criteria.c22: "100",
            sc.criteria.c31: "0",
        },
    )
    client.force_login(sc.staff_a)
    response = client.post(reverse("scoring:sheet_submit", args=[sc.year.pk, sc.unit_a.pk]), follow=True)
    assert ScoreSheet.objects.get(unit=sc.unit_a).is_submitted
    assert 'name="value"' not in response.content.decode()  # read-only now


def _upload(client, sc, name, content, content_type="application/pdf"):
    client.force_login(sc.staff_a)
    return client.post(
        row_url(sc, sc.unit_a, sc.criteria.c11, "evidence_upload"),
        {"file": SimpleUploadedFile(name, content, content_type)},
        HTTP_HX_REQUEST="true",
    )


def test_evidence_pdf_is_stored_and_listed(client, sc):
    html = _upload(client, sc, "Báo cáo PAR.pdf", b"%PDF-1.7\n...").content.decode()
    ev = Evidence.objects.get()
    assert ev.original_name == "Báo cáo PAR.pdf" and ev.file.storage.exists(ev.file.name)
    assert "Báo cáo PAR.pdf" in html


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("virus.exe", b"MZ....", "chỉ nhận"),
        ("fake.pdf", b"MZ....", "không thực sự là tệp PDF"),
        ("empty.png", b"", "rỗng"),
    ],
)
def test_evidence_bad_type_or_content_is_refused(client, sc, name, content, message):
    html = _upload(client, sc, name, content).content.decode()
    assert message in html
    assert not Evidence.objects.exists()


def test_refused_evidence_shows_its_error_under_the_evidence_and_keeps_the_saved_score(client, sc):
    s = sheet(sc, sc.unit_a)
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="8,5", actor=sc.staff_a)
    html = _upload(client, sc, "virus.exe", b"MZ....").content.decode()
    pk = sc.criteria.c11.pk
    assert f'id="evidence-error-{pk}" role="alert"' in html
    assert f'aria-describedby="evidence-error-{pk}"' in html
    assert f'id="error-{pk}"' not in html  # nothing under the score
    assert re.search(r'data-saved="8,5"\s+value="8,5"', html)  # the saved score, not the refused file
    assert html.index('id="file-') < html.index("chỉ nhận")


def test_review_total_is_labelled_pending_until_the_scores_are_locked(client, sc):
    k = sc.criteria
    s = score_all(sc, sc.unit_a, sc.staff_a, {k.c11: "8", k.c12: "40", k.c21: "có", k.c22: "100", k.c31: "0"})
    client.force_login(sc.staff_a)
    pending = '<span class="badge text-bg-warning" id="review-pending">chờ thẩm định</span>'
    assert pending in client.get(sheet_url(sc, sc.unit_a)).content.decode()
    services.sheet_submit(sheet=s, actor=sc.staff_a)
    services.review_adjust(sheet=s, criterion=k.c11, value="7", reason="Thiếu minh chứng", actor=sc.secretary)
    assert pending in client.get(sheet_url(sc, sc.unit_a)).content.decode()  # one row is not a review
    services.scores_lock(cluster_year=sc.year, actor=sc.secretary, reason="Hết hạn nộp")
    assert 'id="review-pending"' not in client.get(sheet_url(sc, sc.unit_a)).content.decode()


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_evidence_too_large_is_refused(client, sc):
    html = _upload(client, sc, "big.pdf", b"%PDF" + b"0" * 2000).content.decode()
    assert "lớn hơn" in html
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("n_extra", [0, 12])
def test_sheet_page_query_count_is_constant(client, sc, django_assert_num_queries, n_extra):
    from emulation.scoring.models import Criterion

    s = sheet(sc, sc.unit_a)
    for i in range(n_extra):
        c = Criterion.objects.create(
            table=sc.criteria.m1.table,
            parent=sc.criteria.m2,
            major=sc.criteria.m2,
            code=f"2.{i + 3}",
            text=f"Thêm {i}",
            max_points=1,
            position=100 + i,
        )
        services.self_score_save(sheet=s, criterion=c, value="1", actor=sc.staff_a)
        services.evidence_add(
            sheet=s,
            criterion=c,
            actor=sc.staff_a,
            upload=SimpleUploadedFile(f"mc{i}.pdf", b"%PDF-1.4", "application/pdf"),
        )
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="1", actor=sc.staff_a)
    client.force_login(sc.secretary)
    url = sheet_url(sc, sc.unit_a)
    client.get(url)
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200


def test_criteria_page_and_adding_a_criterion_before_scoring(client, db):
    from tests.factories import make_cast

    cast = make_cast()
    client.force_login(cast.secretary)
    url = reverse("scoring:criteria", args=[cast.year.pk])
    response = client.post(
        reverse("scoring:criterion_add", args=[cast.year.pk]),
        {"code": "1", "text": "Kinh tế", "max_points": "60", "kind": "fixed"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    assert "Kinh tế" in response.content.decode()
    response = client.post(
        reverse("scoring:criterion_add", args=[cast.year.pk]),
        {"code": "1", "text": "Trùng", "max_points": "1", "kind": "fixed"},
        follow=True,
    )
    assert "Mã “1” đã được dùng trong bộ tiêu chí này." in response.content.decode()


def test_sheet_history_is_visible_on_the_row(client, sc):
    s = score_all(sc, sc.unit_a, sc.staff_a, {sc.criteria.c11: "5"})
    services.review_adjust(
        sheet=s, criterion=sc.criteria.c11, value="4", reason="Thiếu minh chứng", actor=sc.secretary
    )
    client.force_login(sc.staff_a)
    html = client.get(sheet_url(sc, sc.unit_a)).content.decode()
    assert "Thiếu minh chứng" in html and "Lịch sử (2 thay đổi)" in html


def test_year_page_links_and_home_todos(client, sc):
    client.force_login(sc.staff_a)
    html = client.get(reverse("clusters:year_detail", args=[sc.year.pk])).content.decode()
    assert reverse("scoring:criteria", args=[sc.year.pk]) in html
    assert reverse("scoring:sheet", args=[sc.year.pk, sc.unit_a.pk]) in html
    assert reverse("scoring:ranking", args=[sc.year.pk]) in html
    assert f'href="{reverse("scoring:overview", args=[sc.year.pk])}"' not in html
    home = client.get("/").content.decode()
    assert "Tự chấm điểm đơn vị và nộp kết quả" in home
    ScoreSheet.objects.create(cluster_year=sc.year, unit=sc.unit_a, status="submitted")
    assert "Tự chấm điểm đơn vị và nộp kết quả" not in client.get("/").content.decode()
    client.force_login(sc.secretary)
    html = client.get(reverse("clusters:year_detail", args=[sc.year.pk])).content.decode()
    assert f'href="{reverse("scoring:overview", args=[sc.year.pk])}"' in html


def test_province_admin_edits_a_frozen_criterion_with_a_reason(client, sc):
    from clusters.audit import history_for

    url = reverse("scoring:criterion_edit", args=[sc.year.pk, sc.criteria.c11.pk])
    client.force_login(sc.secretary)
    assert client.get(url).status_code == 403
    client.force_login(sc.admin)
    data = {"code": "1.1", "text": "Thu ngân sách nhà nước", "max_points": "12,5", "kind": "fixed"}
    html = client.post(url, data).content.decode()
    assert "cần nêu lý do" in html
    response = client.post(url, {**data, "reason": "Quyết định điều chỉnh thang điểm"})
    assert response.status_code == 302
    sc.criteria.c11.refresh_from_db()
    assert (sc.criteria.c11.text, str(sc.criteria.c11.max_points)) == ("Thu ngân sách nhà nước", "12.50")
    event = history_for(sc.criteria.c11).first()
    assert event.reason == "Quyết định điều chỉnh thang điểm" and event.data["old"]["max_points"] == "10.00"


def test_lowering_a_maximum_below_existing_scores_is_refused(client, sc):
    services.self_score_save(
        sheet=sheet(sc, sc.unit_a), criterion=sc.criteria.c11, value="9", actor=sc.staff_a
    )
    client.force_login(sc.admin)
    url = reverse("scoring:criterion_edit", args=[sc.year.pk, sc.criteria.c11.pk])
    html = client.post(url, {"code": "1.1", "text": "Thu", "max_points": "8", "kind": "fixed", "reason": "x"})
    assert "cao hơn điểm tối đa mới" in html.content.decode()
    sc.criteria.c11.refresh_from_db()
    assert sc.criteria.c11.max_points == 10


def test_copy_last_year_or_a_province_template_but_not_another_province(client, sc):
    from clusters.models import Cluster, ClusterYear
    from emulation.scoring.models import Criterion

    next_year = ClusterYear.objects.create(cluster=sc.cluster, year=sc.year.year + 1)
    other_cluster = Cluster.objects.create(province=sc.province, code="khoi-so", name="Khối các sở")
    template_year = ClusterYear.objects.create(cluster=other_cluster, year=sc.year.year + 1)
    client.force_login(sc.admin)
    html = client.get(reverse("scoring:criteria", args=[template_year.pk])).content.decode()
    assert f"Cụm thi đua Khối huyện – {sc.year.year}" in html
    source = sc.year.criteria_table
    response = client.post(reverse("scoring:criteria_copy", args=[template_year.pk]), {"source": source.pk})
    assert response.status_code == 302
    assert Criterion.objects.filter(table__cluster_year=template_year).count() == 8
    # A table of another province is not offered and cannot be posted.
    from tests.emulation.scoring.conftest import build_table

    build_table(sc.other_year, sc.other)
    response = client.post(
        reverse("scoring:criteria_copy", args=[next_year.pk]), {"source": sc.other_year.criteria_table.pk}
    )
    assert response.status_code == 404


def test_evidence_removal_is_recorded_and_only_by_own_unit_staff(
    client, sc, django_capture_on_commit_callbacks
):
    from clusters.audit import history_for

    _upload(client, sc, "Quyết định.pdf", b"%PDF-1.7")
    ev = Evidence.objects.get()
    name = ev.file.name
    client.force_login(sc.staff_b)
    assert client.post(reverse("scoring:evidence_delete", args=[ev.pk])).status_code == 403
    client.force_login(sc.staff_a)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal is committed
        response = client.post(reverse("scoring:evidence_delete", args=[ev.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Chưa có tệp" in html
    assert not Evidence.objects.exists()
    entry = ScoreEntry.objects.get()
    assert [e.action for e in history_for(entry)] == ["evidence.removed", "evidence.added"]
    from django.core.files.storage import default_storage

    assert not default_storage.exists(name)


@pytest.mark.parametrize("n_extra", [0, 30])
def test_criteria_page_query_count_is_constant(client, sc, django_assert_num_queries, n_extra):
    from emulation.scoring.models import Criterion

    Criterion.objects.bulk_create(
        [
            Criterion(
                table=sc.criteria.m1.table,
                parent=sc.criteria.m2,
                major=sc.criteria.m2,
                code=f"2.{i + 3}",
                text=f"Thêm {i}",
                max_points=1,
                position=100 + i,
            )
            for i in range(n_extra)
        ]
    )
    client.force_login(sc.admin)
    url = reverse("scoring:criteria", args=[sc.year.pk])
    client.get(url)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
