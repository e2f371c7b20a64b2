"""The .xlsx files staff work with: criteria tables, one unit's scoring sheet, the ranking.

Reading never trusts the file: it is opened by clusters.xlsx (size and compression checked before
parsing, streamed, formulas and over-long cells reported per row); a file that is not an .xlsx,
a missing sheet or header, another unit's sheet, or bad rows give a clear message (the services
then validate every row again). Writing puts every text a person typed as text (clusters.xlsx.put)."""

import io
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from clusters import formatting, xlsx

from .models import CriterionKind

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = xlsx.MAX_ROWS
UNIT_MARK = "Mã đơn vị: "
HEADER_FONT = Font(bold=True)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")

# Column headers are Vietnamese (the file is for Vietnamese offices); the key is what we read.
CRITERIA_COLUMNS = [
    ("code", "Mã"),
    ("text", "Tiêu chí"),
    ("max_points", "Điểm tối đa"),
    ("kind", "Loại"),
    ("guidance", "Hướng dẫn chấm"),
    ("target_key", "Mã chỉ tiêu"),
    ("target_value", "Chỉ tiêu mặc định"),
]
KIND_LABELS = {
    CriterionKind.FIXED: "điểm",
    CriterionKind.YES_NO: "có/không",
    CriterionKind.TARGET_SHARE: "tỷ lệ chỉ tiêu",
    CriterionKind.DEDUCTION: "điểm trừ",
}
KIND_BY_LABEL = {v: k for k, v in KIND_LABELS.items()} | {k: k for k in KIND_LABELS}
SHEET_COLUMNS = [
    ("code", "Mã"),
    ("text", "Tiêu chí"),
    ("max_points", "Điểm tối đa"),
    ("kind", "Loại"),
    ("value", "Điểm tự chấm (hoặc kết quả đạt được)"),
    ("target", "Chỉ tiêu (nếu chấm theo tỷ lệ)"),
    ("note", "Ghi chú"),
]


def _cell(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


def _workbook_response_bytes(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header(ws, columns, row=1):
    for col, (_key, label) in enumerate(columns, 1):
        cell = xlsx.put(ws, row, col, label)
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _widths(ws, widths):
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def open_workbook(upload):
    """Load an uploaded .xlsx or raise ValidationError (not a spreadsheet, too big, a bomb, damaged)."""
    limit = settings.MAX_UPLOAD_BYTES
    if getattr(upload, "size", 0) > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    data = upload.read(limit + 1) if hasattr(upload, "read") else upload
    if len(data) > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    return xlsx.open_xlsx(data)


def _find_header(ws, columns):
    """Row number of the header row (within the first 10 rows) and the column index per key."""
    labels = {label.casefold(): key for key, label in columns}
    for number, row in xlsx.iter_rows(ws, max_row=10):
        found = {}
        for index, cell in enumerate(row):
            key = labels.get(str(cell.value or "").strip().casefold())
            if key:
                found[key] = index
        if "code" in found and len(found) >= 3:
            return number, found
    raise ValidationError(_("The header row is missing: use the template downloaded from this page."))


def _rows(ws, header_row, index):
    """[(row number, {key: value})]; formulas and over-long cells refused, row by row."""
    out, problems = [], []
    for number, row in xlsx.iter_rows(ws, min_row=header_row + 1):
        if number - header_row > MAX_ROWS:
            raise ValidationError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
        cells = {key: (row[i] if i < len(row) else None) for key, i in index.items()}
        for key, cell in cells.items():
            problem = cell is not None and xlsx.cell_problem(cell)
            if problem:
                column = next(label for k, label in SHEET_COLUMNS + CRITERIA_COLUMNS if k == key)
                problems.append(
                    _("Row %(row)s, column “%(column)s”: %(problem)s.")
                    % {"row": number, "column": column, "problem": problem}
                )
        values = {key: (cell.value if cell is not None else None) for key, cell in cells.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        out.append((number, values))
    if problems:
        raise ValidationError(problems)
    return out


def _text_number(value):
    """Numbers typed in Excel arrive as float: give them back as text without float noise."""
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        return str(value)
    return value


# ---------------------------------------------------------------------------------------------
# Criteria tables


def criteria_export(criteria, title=""):
    wb = Workbook()
    ws = wb.active
    ws.title = "Bộ tiêu chí"
    xlsx.put(ws, 1, 1, title or "Bộ tiêu chí chấm điểm thi đua").font = Font(bold=True, size=13)
    _header(ws, CRITERIA_COLUMNS, row=3)
    for r, c in enumerate(criteria, 4):
        values = [
            c.code,
            c.text,
            _cell(c.max_points),
            KIND_LABELS.get(c.kind, c.kind),
            c.guidance,
            c.target_key,
            _cell(c.target_value),
        ]
        for col, value in enumerate(values, 1):
            xlsx.put(ws, r, col, value)
        if c.parent_id is None:
            for col in range(1, 4):
                ws.cell(row=r, column=col).font = HEADER_FONT
    _widths(ws, [8, 70, 12, 16, 50, 18, 18])
    _guide(wb)
    return _workbook_response_bytes(wb)


def _guide(wb):
    ws = wb.create_sheet("Hướng dẫn")
    lines = [
        "Cách điền bộ tiêu chí",
        "• Mỗi dòng là một tiêu chí. Mã thể hiện cấp: “1” là tiêu chí lớn, “1.2” là tiêu chí thành phần "
        "của tiêu chí 1, “1.2.1” là nội dung chi tiết của tiêu chí 1.2. Tiêu chí cha phải đứng trước.",
        "• Điểm tối đa: số không âm, dùng dấu phẩy thập phân (ví dụ 2,5).",
        "• Loại: “điểm” (chấm từ 0 đến điểm tối đa), “có/không” (đạt thì được điểm tối đa), "
        "“tỷ lệ chỉ tiêu” (điểm theo tỷ lệ hoàn thành chỉ tiêu đã đăng ký, tối đa bằng điểm tối đa), "
        "“điểm trừ” (điểm bị trừ).",
        "• Mã chỉ tiêu và Chỉ tiêu mặc định: chỉ dùng cho loại “tỷ lệ chỉ tiêu”.",
        "• Chỉ các tiêu chí không có tiêu chí con mới được chấm điểm.",
        "• Khi tải lên, mọi dòng được kiểm tra; nếu có lỗi thì không có gì thay đổi và danh sách lỗi theo "
        "từng dòng được hiển thị.",
    ]
    for r, line in enumerate(lines, 1):
        xlsx.put(ws, r, 1, line).alignment = Alignment(wrap_text=True)
    ws.cell(row=1, column=1).font = Font(bold=True)
    ws.column_dimensions["A"].width = 110


def criteria_template():
    class Row:
        def __init__(self, code, text, max_points, kind, guidance="", target_key="", target_value=None):
            self.code, self.text, self.max_points, self.kind = code, text, Decimal(max_points), kind
            self.guidance, self.target_key = guidance, target_key
            self.target_value = Decimal(target_value) if target_value else None
            self.parent_id = 1 if "." in code else None

    sample = [
        Row("1", "Thực hiện nhiệm vụ phát triển kinh tế - xã hội", "60", CriterionKind.FIXED),
        Row(
            "1.1",
            "Thu ngân sách nhà nước so với dự toán",
            "10",
            CriterionKind.TARGET_SHARE,
            "Điểm theo tỷ lệ thu đạt được so với chỉ tiêu đã đăng ký",
            "thu-ngan-sach",
            "1000",
        ),
        Row(
            "1.2",
            "Chỉ số cải cách hành chính (PAR Index)",
            "50",
            CriterionKind.FIXED,
            "Điểm = chỉ số PAR × 50 / 100",
        ),
        Row("2", "Xây dựng Đảng, chính quyền", "25", CriterionKind.FIXED),
        Row("2.1", "Không có cán bộ vi phạm kỷ luật", "25", CriterionKind.YES_NO),
        Row("3", "Điểm trừ", "10", CriterionKind.DEDUCTION),
    ]
    return criteria_export(sample, "Mẫu bộ tiêu chí chấm điểm thi đua")


def criteria_read(upload):
    """Rows for services.table_replace: [(row number, dict)]."""
    wb = open_workbook(upload)
    ws = wb.worksheets[0]
    header_row, index = _find_header(ws, CRITERIA_COLUMNS)
    missing = [label for key, label in CRITERIA_COLUMNS[:4] if key not in index]
    if missing:
        raise ValidationError(_("Columns missing: %(cols)s.") % {"cols": ", ".join(missing)})
    rows = []
    for number, values in _rows(ws, header_row, index):
        kind_raw = str(values.get("kind") or "").strip().lower()
        values["kind"] = KIND_BY_LABEL.get(kind_raw, kind_raw or CriterionKind.FIXED)
        values["code"] = _text_number(values.get("code"))
        values["max_points"] = _text_number(values.get("max_points"))
        values["target_value"] = _text_number(values.get("target_value"))
        for key in ("code", "text", "guidance", "target_key"):
            values[key] = "" if values.get(key) is None else str(values[key]).strip()
        rows.append((number, values))
    return rows


# ---------------------------------------------------------------------------------------------
# One unit's scoring sheet


def sheet_export(*, sheet_title, unit_name, rows, unit_code=""):
    """`rows`: selectors.sheet_view rows. Input cells are unlocked and shaded. The sheet says whose
    it is (row 3: the unit's code), so that it cannot be imported into another unit's sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tự chấm điểm"
    xlsx.put(ws, 1, 1, sheet_title).font = Font(bold=True, size=13)
    xlsx.put(ws, 2, 1, f"Đơn vị: {unit_name}")
    if unit_code:
        xlsx.put(ws, 3, 1, UNIT_MARK + unit_code)
    _header(ws, SHEET_COLUMNS, row=4)
    for r, row in enumerate(rows, 5):
        c, e = row.criterion, row.entry
        indent = "    " * getattr(c, "level", 0)
        values = [c.code, indent + c.text, _cell(c.max_points), KIND_LABELS.get(c.kind, c.kind)]
        for col, value in enumerate(values, 1):
            xlsx.put(ws, r, col, value)
        if c.is_leaf:
            if e is not None and e.self_points is not None:
                if c.kind == CriterionKind.TARGET_SHARE:
                    value = _cell(e.achieved)
                elif c.kind == CriterionKind.YES_NO:
                    value = "có" if e.self_points > 0 else "không"
                else:
                    value = _cell(e.self_points)
            else:
                value = None
            xlsx.put(ws, r, 5, value)
            xlsx.put(ws, r, 6, _cell(e.target) if e and c.kind == CriterionKind.TARGET_SHARE else None)
            xlsx.put(ws, r, 7, e.note if e else None)
            for col in (5, 6, 7):
                ws.cell(row=r, column=col).fill = INPUT_FILL
                ws.cell(row=r, column=col).protection = Protection(locked=False)
        else:
            for col in range(1, 5):
                ws.cell(row=r, column=col).font = HEADER_FONT
    _widths(ws, [8, 70, 12, 14, 22, 18, 40])
    return _workbook_response_bytes(wb)


def _owner(ws):
    """The unit code the sheet says it belongs to, or None (a sheet made before it said so)."""
    for _number, row in xlsx.iter_rows(ws, max_row=3):
        value = row[0].value if row else None
        if isinstance(value, str) and value.startswith(UNIT_MARK):
            return value[len(UNIT_MARK) :].strip()
    return None


def sheet_read(upload, *, unit=None):
    """Rows for services.self_scores_import: [(row number, code, value, note, target)].

    With `unit`, a sheet that says it belongs to another unit is refused."""
    wb = open_workbook(upload)
    ws = wb.worksheets[0]
    owner = _owner(ws)
    if unit is not None and owner is not None and owner != unit.code:
        raise ValidationError(
            _(
                "This file is the sheet of another unit (code %(code)s): download your unit's "
                "sheet from this page."
            )
            % {"code": owner[:40]}
        )
    header_row, index = _find_header(ws, SHEET_COLUMNS)
    if "value" not in index:
        raise ValidationError(
            _("The column of self-scores is missing: use the sheet downloaded from this page.")
        )
    out = []
    for number, values in _rows(ws, header_row, index):
        code = _text_number(values.get("code"))
        value = _text_number(values.get("value"))
        if value is None and values.get("note") in (None, ""):
            # A heading row (major criterion) or an empty row: nothing to import.
            if values.get("max_points") is not None or values.get("text"):
                continue
        out.append(
            (
                number,
                "" if code is None else str(code).strip(),
                value,
                values.get("note") or "",
                _text_number(values.get("target")),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Ranking


def ranking_export(*, title, rows, majors, rule_text):
    wb = Workbook()
    ws = wb.active
    ws.title = "Xếp hạng"
    xlsx.put(ws, 1, 1, title).font = Font(bold=True, size=13)
    xlsx.put(ws, 2, 1, rule_text)
    columns = [("rank", "Hạng"), ("unit", "Đơn vị")]
    columns += [
        (f"m{m.code}", f"Tiêu chí {m.code} (tối đa {formatting.number(m.max_points)})") for m in majors
    ]
    columns += [
        ("bonus", "Điểm thưởng"),
        ("deduction", "Điểm trừ"),
        ("total", "Tổng điểm"),
        ("eligible", "Đủ điều kiện khen thưởng"),
        ("reason", "Lý do"),
    ]
    _header(ws, columns, row=4)
    for r, row in enumerate(rows, 5):
        values = [row.rank, row.unit_name]
        values += [_cell(row.by_major.get(m.code)) for m in majors]
        values += [
            _cell(row.bonus),
            _cell(row.deduction),
            _cell(row.total),
            "Có" if row.eligible else "Không",
            row.ineligible_reason,
        ]
        for col, value in enumerate(values, 1):
            cell = xlsx.put(ws, r, col, value)
            if isinstance(value, float):
                cell.number_format = "0.00"
    _widths(ws, [7, 34] + [16] * len(majors) + [13, 11, 12, 14, 40])
    return _workbook_response_bytes(wb)
