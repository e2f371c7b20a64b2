"""Spreadsheets that cannot hurt, for every app that reads or writes .xlsx.

Reading: the archive is checked before any XML is parsed (number of parts, uncompressed size,
compression ratio: a 1 MB file cannot unfold into 1,000 MB), then read in openpyxl's read-only
streaming mode with formulas kept as formulas (so a formula is reported, never trusted), with
caps on rows, columns and cell length. Writing: every text a person typed is a text cell, and
one starting with = + - @ is marked as text (quote prefix) so that no program runs it."""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_PARTS = 200
MAX_UNCOMPRESSED = 20 * 1024 * 1024  # a scoring sheet of 2,000 rows is well under 1 MB of XML
MAX_RATIO = 100  # XML compresses 5-20 times; a bomb compresses thousands of times
MAX_ROWS = 2000
MAX_COLUMNS = 30
MAX_CELL_CHARS = 5000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_archive(data):
    """ValidationError unless `data` is a zip whose parts unfold to a sane size."""
    if data[:4] != b"PK\x03\x04":
        raise ValidationError(_("The file is not an Excel workbook (.xlsx)."), code="type")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(_("The workbook cannot be read; it may be damaged."), code="damaged") from exc
    if len(parts) > MAX_PARTS:
        raise ValidationError(_("The workbook has too many parts."), code="bomb")
    total = sum(p.file_size for p in parts)
    worst = max((p.file_size / max(p.compress_size, 1) for p in parts), default=0)
    if total > MAX_UNCOMPRESSED or worst > MAX_RATIO:
        raise ValidationError(
            _(
                "The workbook unpacks to %(mb)s MB (at most %(max)s MB are read): save only the "
                "sheet downloaded from this page and upload it again."
            )
            % {"mb": round(total / 1024 / 1024), "max": MAX_UNCOMPRESSED // 1024 // 1024},
            code="bomb",
        )


def open_xlsx(data):
    """A read-only workbook (formulas as written, not their cached results), or ValidationError.
    The zip's declared sizes are binding: Python's zipfile stops at them while inflating."""
    check_archive(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ValidationError(_("The workbook cannot be read; it may be damaged."), code="damaged") from exc


def is_formula(cell):
    return getattr(cell, "data_type", None) == "f"


def iter_rows(ws, *, min_row=1, max_row=None):
    """(row number, [cells]) with at most MAX_COLUMNS cells; ValidationError past MAX_ROWS."""
    for number, row in enumerate(
        ws.iter_rows(min_row=min_row, max_row=max_row, max_col=MAX_COLUMNS), min_row
    ):
        if number > MAX_ROWS + 10:
            raise ValidationError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS}, code="rows")
        yield number, row


def cell_problem(cell):
    """Why a cell's content is refused (a formula, a text too long), or None."""
    if is_formula(cell):
        return _("a formula (type the value itself)")
    value = getattr(cell, "value", None)
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return _("more than %(n)s characters") % {"n": MAX_CELL_CHARS}
    return None


def safe_text(value):
    """A text as it will be written: control characters that break the file removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(ws, row, column, value):
    """Write one cell; a text is always a text (never a formula), quote-prefixed when it starts
    like one."""
    if isinstance(value, str):
        value = safe_text(value)
        cell = ws.cell(row=row, column=column)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
        return cell
    return ws.cell(row=row, column=column, value=value)


def append(ws, values):
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(row=1, column=1).value is not None else 1
    return [put(ws, row, col, value) for col, value in enumerate(values, 1)]
