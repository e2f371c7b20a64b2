"""The province's decisions as a spreadsheet: the sheet of a year's nominations to fill in (with
the decisions already recorded, so that it is also the export), and its reading. Reading goes
through the hardened path of the scoring sheets (size, zip-bomb and part checks, read-only,
formulas reported and never trusted, row and cell caps: emulation.scoring.spreadsheets and
clusters.xlsx); writing marks every typed text as text (clusters.xlsx.put)."""

import datetime
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from clusters import xlsx
from emulation.scoring.spreadsheets import open_workbook

from . import province
from .models import Outcome

COLUMNS = [
    ("id", "ID"),
    ("cluster", "Cụm, khối"),
    ("unit", "Đơn vị"),
    ("award", "Hình thức đề nghị"),
    ("number", "Số quyết định"),
    ("date", "Ngày quyết định (dd/mm/yyyy)"),
    ("signer", "Người ký"),
    ("outcome", "Kết quả"),
    ("granted", "Mã hình thức khen thay"),
    ("note", "Ghi chú"),
]
OUTCOME_WORDS = {
    Outcome.APPROVED: ("dong-y", "đồng ý", "approved"),
    Outcome.REDUCED: ("khen-muc-thap-hon", "khen mức thấp hơn", "reduced"),
    Outcome.REFUSED: ("khong-dong-y", "không đồng ý", "refused"),
}
WIDTHS = (8, 30, 30, 30, 18, 14, 22, 20, 18, 24)


def template(province_id, year):
    """The year's nominations, one a row, with their decision when there is one."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"Quyết định {year}"
    for col, (_key, label) in enumerate(COLUMNS, 1):
        xlsx.put(ws, 1, col, label).font = Font(bold=True)
    words = {value: names[0] for value, names in OUTCOME_WORDS.items()}
    for r, n in enumerate(province.nominations(province_id, year), 2):
        d = getattr(n, "decision", None)
        row = [n.pk, n.cluster_year.cluster.name, n.unit_name, n.award_type.name]
        if d is not None:
            granted = d.granted_award.code if d.granted_award_id else ""
            row += [d.number, d.date.strftime("%d/%m/%Y"), d.signer, words[d.outcome], granted, d.note]
        for col, value in enumerate(row, 1):
            xlsx.put(ws, r, col, value)
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    guide = wb.create_sheet("Hướng dẫn")
    lines = [
        ("Kết quả", "Ghi một trong các mã"),
        *[(names[0], str(value.label)) for value, names in OUTCOME_WORDS.items()],
        ("", ""),
        ("Mã hình thức khen thay", "Chỉ khi kết quả là khen-muc-thap-hon"),
        *[(t.code, t.name) for t in province.award_types(province_id)],
    ]
    for r, (a, b) in enumerate(lines, 1):
        xlsx.put(guide, r, 1, a)
        xlsx.put(guide, r, 2, b)
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 50
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _outcome(value):
    text = " ".join(str(value or "").split()).casefold()
    for outcome, names in OUTCOME_WORDS.items():
        if text in names or text == str(outcome.label).casefold():
            return outcome
    return None


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.strptime(str(value or "").strip(), "%d/%m/%Y").date()  # noqa: DTZ007 - a date
    except ValueError:
        return None


def _header(ws):
    labels = {label.casefold(): key for key, label in COLUMNS}
    for number, row in xlsx.iter_rows(ws, max_row=10):
        found = {}
        for index, cell in enumerate(row):
            key = labels.get(str(getattr(cell, "value", "") or "").strip().casefold())
            if key:
                found[key] = index
        if {"id", "number", "outcome"} <= set(found):
            return number, found
    raise ValidationError(_("The header row is missing: use the sheet downloaded from this page."))


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else " ".join(str(value).split())


def read(upload):
    """[(row number, nomination id or None, values)] for services.import_plan: values holds
    number, date, signer, outcome, granted_award_code, note and the row's own problems (a
    formula, an unreadable date or outcome). Rows without a decision are left out."""
    wb = open_workbook(upload)
    ws = wb.worksheets[0]
    header_row, index = _header(ws)
    out = []
    for number, row in xlsx.iter_rows(ws, min_row=header_row + 1):
        cells = {key: (row[i] if i < len(row) else None) for key, i in index.items()}
        problems = [
            _("column “%(column)s”: %(problem)s") % {"column": dict(COLUMNS)[key], "problem": problem}
            for key, cell in cells.items()
            if cell is not None and (problem := xlsx.cell_problem(cell))
        ]
        raw = {
            key: (getattr(cell, "value", None) if cell is not None else None) for key, cell in cells.items()
        }
        if not problems and all(raw.get(k) in (None, "") for k in ("number", "date", "outcome")):
            continue  # not decided in this sheet
        nid = raw.get("id")
        try:
            nid = int(nid)
        except (TypeError, ValueError):
            nid = None
        outcome = _outcome(raw.get("outcome"))
        if outcome is None and not problems:
            problems.append(
                _("the outcome must be one of: %(codes)s")
                % {"codes": ", ".join(names[0] for names in OUTCOME_WORDS.values())}
            )
        date = _date(raw.get("date"))
        if date is None and raw.get("date") not in (None, "") and not problems:
            problems.append(_("the date must be written dd/mm/yyyy"))
        values = {
            "number": _text(raw.get("number")),
            "date": date,
            "signer": _text(raw.get("signer")),
            "outcome": outcome,
            "granted_award_code": _text(raw.get("granted")),
            "note": _text(raw.get("note")),
            "problems": problems,
        }
        out.append((number, nid, values))
    if not out:
        raise ValidationError(_("The file has no decision to import."))
    return out


def to_payload(rows):
    """The rows as plain data (dates as text) to carry from the preview to the apply."""
    return [
        [number, nid, {**v, "date": v["date"].isoformat() if v["date"] else None}] for number, nid, v in rows
    ]


def from_payload(data):
    return [
        (number, nid, {**v, "date": datetime.date.fromisoformat(v["date"]) if v["date"] else None})
        for number, nid, v in data
    ]
