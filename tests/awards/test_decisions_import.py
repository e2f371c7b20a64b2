"""Decisions from a spreadsheet: the sheet of the year's nominations, a preview of every row's
fate (new, changed, unchanged, error with its reason), one atomic apply."""

import datetime
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from awards import decision_sheets, services
from awards.models import Decision, Nomination
from clusters.models import AuditEvent
from tests.awards.helpers import nominated_clusters

IMPORT = reverse("awards:decisions_import")
SHEET = reverse("awards:decisions_template")


def _sheet(client, year):
    r = client.get(SHEET + f"?year={year}")
    assert r.status_code == 200
    return load_workbook(io.BytesIO(r.content))


def _upload(client, wb, year, name="quyet-dinh.xlsx"):
    out = io.BytesIO()
    wb.save(out)
    f = SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")
    return client.post(IMPORT + f"?year={year}", {"file": f})


def _payload(page):
    m = re.search(r'name="payload" value="([^"]+)"', page)
    return m.group(1) if m else None


def _fill(ws, by_row=None):
    """Fill every row of the sheet (approved), or what by_row[row number] says."""
    for r in range(2, ws.max_row + 1):
        values = (by_row or {}).get(r, {})
        ws.cell(r, 5, values.get("number", "125/QĐ-UBND"))
        ws.cell(r, 6, values.get("date", "15/01/2027"))
        ws.cell(r, 7, values.get("signer", "Nguyễn Văn Tùng"))
        ws.cell(r, 8, values.get("outcome", "dong-y"))
        if "granted" in values:
            ws.cell(r, 9, values["granted"])


def test_sixty_decisions_from_one_file(client, cast):
    types, years = nominated_clusters(cast)
    year = cast.year.year
    client.force_login(cast.admin)
    wb = _sheet(client, year)
    ws = wb.worksheets[0]
    assert ws.max_row == 61 and ws.cell(1, 1).value == "ID"
    reduced = {r: {"outcome": "khen-muc-thap-hon", "granted": "bk-chuyen-de"} for r in range(2, 7)}
    refused = {r: {"outcome": "Không đồng ý"} for r in range(7, 12)}  # the label is read too
    _fill(ws, {**reduced, **refused})
    page = _upload(client, wb, year).content.decode()
    assert "Mới: 60 · thay đổi: 0 · không đổi: 0 · lỗi: 0" in page
    assert page.count("Được khen thưởng hình thức thấp hơn: Bằng khen chuyên đề") == 5
    assert not Decision.objects.exists()  # the preview saves nothing
    r = client.post(IMPORT + f"?year={year}", {"payload": _payload(page)})
    assert r.status_code == 302
    assert Decision.objects.count() == 60
    assert Decision.objects.filter(outcome="reduced", granted_award=types["bk-chuyen-de"]).count() == 5
    assert Decision.objects.filter(outcome="refused").count() == 5
    assert Decision.objects.filter(date=datetime.date(2027, 1, 15), signer="Nguyễn Văn Tùng").count() == 60
    events = AuditEvent.objects.filter(action="nomination.decided")
    assert events.count() == 60 and {e.data["source"] for e in events} == {"xlsx"}
    # the sheet downloaded again is the export: same rows, the decisions filled in
    again = _sheet(client, year)
    assert [c.value for c in again.worksheets[0][2]][4:9] == [
        "125/QĐ-UBND",
        "15/01/2027",
        "Nguyễn Văn Tùng",
        "khen-muc-thap-hon",
        "bk-chuyen-de",
    ]
    again.worksheets[0].cell(20, 5, "126/QĐ-UBND")
    page = _upload(client, again, year).content.decode()
    assert "Mới: 0 · thay đổi: 1 · không đổi: 59 · lỗi: 0" in page
    client.post(IMPORT + f"?year={year}", {"payload": _payload(page)})
    assert AuditEvent.objects.filter(action="nomination.decided").count() == 61  # the changed row only


def test_every_bad_row_is_named_and_nothing_is_saved(client, cast):
    types, (done,) = nominated_clusters(cast, clusters=1, higher=3, lower=3)
    _t, (pending,) = nominated_clusters(cast, clusters=1, higher=1, lower=0, submit=False)
    year = cast.year.year
    client.force_login(cast.admin)
    wb = _sheet(client, year)
    ws = wb.worksheets[0]
    _fill(ws)
    ids = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    unsubmitted = ids[Nomination.objects.get(cluster_year=pending).pk]
    ws.cell(2, 5, '=HYPERLINK("http://x","1")')  # a formula
    ws.cell(3, 6, "31/02/2027")  # no such day
    ws.cell(4, 8, "đồng ý một phần")  # no such outcome
    ws.cell(5, 8, "khen-muc-thap-hon")  # reduced without the lower award
    ws.cell(6, 8, "khen-muc-thap-hon")
    ws.cell(6, 9, "khong-co")  # an unknown award code
    ws.cell(7, 1, 999999)  # an unknown nomination
    page = _upload(client, wb, year).content.decode()
    assert 'name="payload"' not in page
    rows = dict(re.findall(r"<tr>\s*<td>(\d+)</td>(.*?)</tr>", page, re.S))
    assert "công thức" in rows["2"]
    assert "dd/mm/yyyy" in rows["3"]
    assert "dong-y, khen-muc-thap-hon, khong-dong-y" in rows["4"]
    assert "hình thức thấp hơn được tặng thay thế" in rows["5"]
    assert "“khong-co” không phải mã" in rows["6"]
    assert "Không có đề nghị khen thưởng nào của tỉnh mang mã này" in rows[str(7)]
    assert "chưa gửi hồ sơ" in rows[str(unsubmitted)]
    assert not Decision.objects.exists()


def test_another_provinces_nomination_is_unknown_and_the_apply_checks_again(client, cast):
    _types, years = nominated_clusters(cast, clusters=1, higher=1, lower=1)
    year = cast.year.year
    mine = list(Nomination.objects.order_by("pk"))
    row = {
        "number": "1/QĐ",
        "date": datetime.date(2027, 1, 15),
        "signer": "",
        "outcome": "approved",
        "granted_award_code": "",
        "note": "",
        "problems": [],
    }
    from tests.awards.test_decisions_bulk import _other_province_nomination

    theirs = _other_province_nomination(cast)
    planned = services.import_plan([(2, mine[0].pk, row), (3, theirs.pk, row)], actor=cast.admin)
    assert [p.fate for _r, p in planned] == ["new", "error"]
    assert planned[1][1].nomination is None  # nothing of the other province is read back
    client.force_login(cast.admin)
    # a preview tampered with is refused
    r = client.post(IMPORT + f"?year={year}", {"payload": "x:y"})
    assert r.status_code == 302 and not Decision.objects.exists()
    # a preview made before a decision changed the state is checked again at the apply
    wb = _sheet(client, year)
    _fill(wb.worksheets[0])
    page = _upload(client, wb, year).content.decode()
    payload = _payload(page)
    assert payload
    type(years[0].award_dossier).objects.filter(pk=years[0].award_dossier.pk).update(submitted_at=None)
    r = client.post(IMPORT + f"?year={year}", {"payload": payload}, follow=True)
    body = r.content.decode()
    assert "Dòng 2: Cụm chưa gửi hồ sơ" in body and not Decision.objects.exists()


def test_only_the_province_admin_and_only_spreadsheets(client, cast):
    _types, years = nominated_clusters(cast, clusters=1, higher=1, lower=1)
    for user in (years[0].secretary, cast.council):
        client.force_login(user)
        assert client.get(IMPORT).status_code == 403
        assert client.get(SHEET).status_code == 403
    client.force_login(cast.other)
    wb = _sheet(client, cast.year.year)
    assert wb.worksheets[0].max_row == 1  # none of our nominations in their sheet
    client.force_login(cast.admin)
    fake = SimpleUploadedFile("x.xlsx", b"ID,number\n1,2", content_type="text/csv")
    page = client.post(IMPORT, {"file": fake}).content.decode()
    assert "không phải" in page.lower() and not Decision.objects.exists()
    empty = Workbook()
    empty.active.append(["ID", "Số quyết định", "Kết quả"])
    page = _upload(client, empty, cast.year.year).content.decode()
    assert "không có quyết định nào" in page.lower()


def test_payload_round_trip():
    rows = [
        (2, 5, {"number": "1", "date": datetime.date(2027, 1, 2), "problems": []}),
        (3, None, {"date": None}),
    ]
    assert decision_sheets.from_payload(decision_sheets.to_payload(rows)) == rows
