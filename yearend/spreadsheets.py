"""The year-end figures as an .xlsx workbook (one sheet per part of the report)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from clusters import xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(wb, title, header, rows):
    ws = wb.create_sheet(title[:31])
    for col, label in enumerate(header, 1):
        xlsx.put(ws, 1, col, label).font = Font(bold=True)
    # Unit names, reasons and decision numbers are typed by people: texts, never formulas.
    for r, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            xlsx.put(ws, r, col, value)
    for i, _h in enumerate(header):
        ws.column_dimensions[chr(65 + i)].width = 18 if i else 36
    return ws


def summary_workbook(data):
    cy = data["year"]
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        _("Members"),
        [_("Unit"), _("Role")],
        [(m.display_name, m.get_role_display()) for m in data["members"]],
    )
    majors = data["majors"]
    ranking = data["ranking"] or []
    _sheet(
        wb,
        _("Ranking"),
        [
            _("Rank"),
            _("Unit"),
            *[f"{code}" for code, _t, _m in majors],
            _("Bonus"),
            _("Deduction"),
            _("Total"),
            _("Eligible"),
        ],
        [
            (
                r.rank,
                r.unit_name,
                *[float(r.by_major.get(code, 0)) for code, _t, _m in majors],
                float(r.bonus),
                float(r.deduction),
                float(r.total),
                _("yes")
                if r.eligible
                else (_("no") + (f": {r.ineligible_reason}" if r.ineligible_reason else "")),
            )
            for r in ranking
        ],
    )
    _sheet(
        wb,
        _("Bonus and deductions"),
        [_("Unit"), _("Kind"), _("Points"), _("Reason")],
        [(u, kind, float(points), reason) for u, kind, points, reason, _k in (data["adjustments"] or [])],
    )
    vote_rows = []
    for r in data["results"] or []:
        for name, votes, share, met in r["candidates"]:
            vote_rows.append(
                (
                    r["award"],
                    name,
                    votes,
                    float(share) if share is not None else None,
                    _("yes") if met else ("" if met is None else _("no")),
                    _("yes") if name in r["proposed"] else "",
                )
            )
    _sheet(
        wb,
        _("Votes"),
        [_("Award"), _("Unit"), _("Votes"), _("Share (%)"), _("Threshold met"), _("Proposed")],
        vote_rows,
    )
    _sheet(
        wb,
        _("Decisions"),
        [_("Unit"), _("Award"), _("Decision number"), _("Date"), _("Outcome")],
        [
            (d["unit"], d["award"], d["number"], d["date"].strftime("%d/%m/%Y"), d["outcome_label"])
            for d in (data["decisions"] or [])
        ],
    )
    wb.properties.title = f"{cy.cluster.name} – {cy.year}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
