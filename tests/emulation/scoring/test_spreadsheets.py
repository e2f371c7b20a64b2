"""Spreadsheet round trips: a unit's scoring sheet, the criteria table; malformed files change nothing."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from clusters.models import AuditEvent
from emulation.scoring.models import Criterion, ScoreEntry

from .conftest import score_all


def xlsx_upload(wb, name="bang.xlsx"):
    buffer = BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def download_sheet(client, sc, unit):
    response = client.get(reverse("scoring:sheet_export", args=[sc.year.pk, unit.pk]))
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def fill(ws, values):
    """values: {code: (value, note)} written into the downloaded sheet."""
    for row in ws.iter_rows(min_row=5):
        code = row[0].value
        if code in values:
            row[4].value, row[6].value = values[code]


def upload_sheet(client, sc, unit, wb):
    return client.post(
        reverse("scoring:sheet_import", args=[sc.year.pk, unit.pk]), {"file": xlsx_upload(wb)}, follow=True
    )


def test_scoring_sheet_round_trip(client, sc):
    score_all(sc, sc.unit_a, sc.staff_a, {sc.criteria.c11: "6"})
    client.force_login(sc.staff_a)
    wb = download_sheet(client, sc, sc.unit_a)
    ws = wb.active
    assert [c.value for c in ws[4]][:5] == [
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Loại",
        "Điểm tự chấm (hoặc kết quả đạt được)",
    ]
    assert [r[0].value for r in ws.iter_rows(min_row=5)] == ["1", "1.1", "1.2", "2", "2.1", "2.2", "3", "3.1"]
    assert ws["E6"].value == 6
    fill(
        ws,
        {
            "1.1": (8.5, "Đạt 105% dự toán"),
            "1.2": ("46,29", "PAR 92,58"),
            "2.1": ("có", None),
            "2.2": (150, None),
            "3.1": (0, None),
        },
    )
    response = upload_sheet(client, sc, sc.unit_a, wb)
    assert "5 dòng thay đổi" in response.content.decode()
    got = dict(ScoreEntry.objects.filter(sheet__unit=sc.unit_a).values_list("criterion__code", "self_points"))
    assert got == {
        "1.1": Decimal("8.50"),
        "1.2": Decimal("46.29"),
        "2.1": Decimal("15.00"),
        "2.2": Decimal("7.50"),
        "3.1": Decimal("0.00"),
    }
    assert ScoreEntry.objects.get(criterion=sc.criteria.c11).note == "Đạt 105% dự toán"
    # Downloaded again, the file shows what was saved.
    ws = download_sheet(client, sc, sc.unit_a).active
    assert (ws["E6"].value, ws["E7"].value, ws["E9"].value) == (8.5, 46.29, "có")
    assert AuditEvent.objects.filter(action="score.self_saved", data__source="xlsx").count() == 5


def test_invalid_rows_change_nothing_and_are_listed_by_row(client, sc):
    score_all(sc, sc.unit_a, sc.staff_a, {sc.criteria.c11: "6"})
    client.force_login(sc.staff_a)
    wb = download_sheet(client, sc, sc.unit_a)
    fill(wb.active, {"1.1": (9, None), "1.2": (51, None), "2.1": ("có lẽ", None), "3.1": ("abc", None)})
    html = upload_sheet(client, sc, sc.unit_a, wb).content.decode()
    assert "Không có gì thay đổi" in html
    assert "Dòng 7 (tiêu chí 1.2): 51 vượt quá điểm tối đa 50 của tiêu chí này." in html
    assert "Dòng 9 (tiêu chí 2.1)" in html and "Dòng 12 (tiêu chí 3.1)" in html
    assert (
        ScoreEntry.objects.get(criterion=sc.criteria.c11).self_points == 6
    )  # row 1.1 (valid) not saved either
    assert ScoreEntry.objects.count() == 1


def test_unknown_code_in_sheet_is_reported(client, sc):
    client.force_login(sc.staff_a)
    wb = download_sheet(client, sc, sc.unit_a)
    wb.active.append(["9.9", "Không có", 1, "điểm", 1])
    html = upload_sheet(client, sc, sc.unit_a, wb).content.decode()
    assert "“9.9” không phải là tiêu chí được chấm" in html
    assert not ScoreEntry.objects.exists()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"not a spreadsheet at all", "không phải là bảng tính Excel"),
        (b"PK\x03\x04broken zip", "Không đọc được bảng tính"),
    ],
)
def test_malformed_file_is_refused(client, sc, content, message):
    client.force_login(sc.staff_a)
    response = client.post(
        reverse("scoring:sheet_import", args=[sc.year.pk, sc.unit_a.pk]),
        {"file": SimpleUploadedFile("x.xlsx", content)},
        follow=True,
    )
    assert message in response.content.decode()
    assert not ScoreEntry.objects.exists()


def test_workbook_without_header_is_refused(client, sc):
    client.force_login(sc.staff_a)
    wb = Workbook()
    wb.active.append(["a", "b", "c"])
    html = upload_sheet(client, sc, sc.unit_a, wb).content.decode()
    assert "Thiếu dòng tiêu đề cột" in html


def test_other_unit_cannot_import_into_my_sheet(client, sc):
    client.force_login(sc.staff_a)
    wb = download_sheet(client, sc, sc.unit_a)
    client.force_login(sc.staff_b)
    response = client.post(
        reverse("scoring:sheet_import", args=[sc.year.pk, sc.unit_a.pk]), {"file": xlsx_upload(wb)}
    )
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------
# Criteria tables


def test_criteria_export_import_round_trip_into_a_new_year(client, sc):
    from clusters.models import ClusterYear

    client.force_login(sc.admin)
    response = client.get(reverse("scoring:criteria_export", args=[sc.year.pk]))
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["Bộ tiêu chí", "Hướng dẫn"]
    next_year = ClusterYear.objects.create(cluster=sc.cluster, year=sc.year.year + 1)
    response = client.post(
        reverse("scoring:criteria_import", args=[next_year.pk]), {"file": xlsx_upload(wb)}, follow=True
    )
    assert "Đã nhập bộ tiêu chí (8 dòng)" in response.content.decode()
    old = list(
        Criterion.objects.filter(table__cluster_year=sc.year).values_list(
            "code", "text", "max_points", "kind", "target_key", "target_value", "parent__code", "is_leaf"
        )
    )
    new = list(
        Criterion.objects.filter(table__cluster_year=next_year).values_list(
            "code", "text", "max_points", "kind", "target_key", "target_value", "parent__code", "is_leaf"
        )
    )
    assert new == old


def test_criteria_import_with_errors_changes_nothing(client, db):
    from tests.factories import make_cast

    cast = make_cast()
    client.force_login(cast.secretary)
    wb = load_workbook(BytesIO(client.get(reverse("scoring:criteria_template")).content))
    ws = wb.active
    ws.append(["4.1", "Cha chưa có", 1, "điểm"])
    ws.append(["5", "Âm", -1, "điểm"])
    ws.append(["6", "", "mười", "lạ"])
    ws.append(["1", "Trùng", 1, "điểm"])
    response = client.post(
        reverse("scoring:criteria_import", args=[cast.year.pk]), {"file": xlsx_upload(wb)}, follow=True
    )
    html = response.content.decode()
    assert "Dòng 10: tiêu chí cha “4” phải đứng trước." in html
    assert "Dòng 11: Điểm không được nhỏ hơn 0." in html
    assert "Dòng 12:" in html and "Nhập nội dung tiêu chí." in html and "Loại tiêu chí không hợp lệ." in html
    assert "Dòng 13: mã “1” bị trùng." in html
    assert not Criterion.objects.filter(table__cluster_year=cast.year).exists()


def test_template_imports_cleanly(client, db):
    from tests.factories import make_cast

    cast = make_cast()
    client.force_login(cast.secretary)
    content = client.get(reverse("scoring:criteria_template")).content
    response = client.post(
        reverse("scoring:criteria_import", args=[cast.year.pk]),
        {"file": SimpleUploadedFile("mau.xlsx", content)},
        follow=True,
    )
    assert "Đã nhập bộ tiêu chí (6 dòng)" in response.content.decode()
    c = Criterion.objects.get(table__cluster_year=cast.year, code="1.1")
    assert (c.kind, c.target_key, c.target_value, c.parent.code) == (
        "target",
        "thu-ngan-sach",
        Decimal("1000"),
        "1",
    )


def test_criteria_import_after_scoring_opened_is_refused_for_secretary(client, sc):
    client.force_login(sc.secretary)
    content = client.get(reverse("scoring:criteria_template")).content
    response = client.post(
        reverse("scoring:criteria_import", args=[sc.year.pk]),
        {"file": SimpleUploadedFile("mau.xlsx", content)},
    )
    assert response.status_code == 403


def test_too_large_workbook_is_refused(client, sc, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(sc.staff_a)
    big = SimpleUploadedFile("lon.xlsx", b"PK\x03\x04" + b"0" * (1024 * 1024 + 1))
    response = client.post(
        reverse("scoring:sheet_import", args=[sc.year.pk, sc.unit_a.pk]), {"file": big}, follow=True
    )
    assert "Tệp lớn hơn 1 MB." in response.content.decode()
