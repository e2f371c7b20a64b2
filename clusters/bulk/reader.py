"""Reading an uploaded set-up workbook through the hardened reader (clusters.xlsx: archive size
and ratio checked before parsing, streaming, formulas kept as formulas and refused, row and cell
caps). A cell's problem (a formula, an over-long text) is a problem of its row, shown in the
preview; a file that is not a workbook, or a sheet without its header row, refuses the upload."""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import xlsx
from .layout import REQUIRED, SHEETS, fold


@dataclass
class SheetRow:
    number: int
    values: dict
    problems: list = field(default_factory=list)


def _text(value):
    """A cell as text: NFC, trimmed; numbers typed in Excel without float noise (12.0 → "12")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float):
        value = Decimal(repr(value))
        value = value.to_integral() if value == value.to_integral() else value
        return format(value, "f")
    if isinstance(value, int | Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value)).strip()


def _header(ws, columns):
    labels = {fold(label): key for key, label in columns}
    for _number, row in xlsx.iter_rows(ws, max_row=1):
        index = {}
        for i, cell in enumerate(row):
            key = labels.get(fold(cell.value or ""))
            if key and key not in index:
                index[key] = i
        return index
    return {}


def read_sheet(ws, key):
    sheet_name, columns = SHEETS[key]
    index = _header(ws, columns)
    missing = [label for k, label in columns if k in REQUIRED[key] and k not in index]
    if missing:
        raise ValidationError(
            _("Sheet “%(sheet)s”: the header row lacks the column(s) %(columns)s; use the template.")
            % {"sheet": sheet_name, "columns": ", ".join(f"“{m}”" for m in missing)},
            code="header",
        )
    labels = dict(columns)
    rows = []
    for number, row in xlsx.iter_rows(ws, min_row=2):
        cells = {k: (row[i] if i < len(row) else None) for k, i in index.items()}
        problems = []
        for k, cell in cells.items():
            problem = cell is not None and xlsx.cell_problem(cell)
            if problem:
                problems.append(
                    _("column “%(column)s”: %(problem)s") % {"column": labels[k], "problem": problem}
                )
        raw = {k: (cell.value if cell is not None else None) for k, cell in cells.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        values = {k: "" if xlsx.is_formula(cells[k]) else _text(v) for k, v in raw.items()}
        values["_raw"] = raw
        values["_refused"] = {k for k, cell in cells.items() if cell is not None and xlsx.cell_problem(cell)}
        rows.append(SheetRow(number, values, problems))
    return rows


def read(data):
    """{sheet key: [SheetRow]} for the set-up sheets present (others, like the guide, ignored)."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    wb = xlsx.open_xlsx(data)
    try:
        by_name = {fold(name): name for name in wb.sheetnames}
        found = {}
        for key, (sheet_name, _columns) in SHEETS.items():
            name = by_name.get(fold(sheet_name))
            if name is not None:
                found[key] = read_sheet(wb[name], key)
        if not found:
            raise ValidationError(
                _("The workbook has none of the set-up sheets (%(sheets)s): use the template.")
                % {"sheets": ", ".join(f"“{name}”" for name, _c in SHEETS.values())},
                code="sheets",
            )
        return found
    finally:
        wb.close()
