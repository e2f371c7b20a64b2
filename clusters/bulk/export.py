"""The set-up workbook written: the empty template (headers and a guide) and the province as it
is (units, clusters and blocks, one year's memberships, accounts), in the format the import reads
(export → import: every row unchanged). Texts are written as texts (clusters.xlsx.put)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .. import xlsx
from ..models import Cluster, Membership, Unit, User
from .layout import (
    ACCOUNTS,
    CLUSTER_KIND_LABELS,
    CLUSTERS,
    GUIDE,
    GUIDE_SHEET,
    MEMBER_ROLE_LABELS,
    MEMBERS,
    SHEETS,
    UNIT_KIND_LABELS,
    UNITS,
    roles_text,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = {UNITS: [16, 34, 20, 16, 18, 28, 12], CLUSTERS: [16, 44, 8, 30, 20, 14], MEMBERS: [8, 16, 16, 18]}
WIDTHS[ACCOUNTS] = [20, 28, 30, 16, 24, 40]


def _book(rows_by_sheet):
    wb = Workbook()
    wb.remove(wb.active)
    for key, (name, columns) in SHEETS.items():
        ws = wb.create_sheet(name)
        for col, (_key, label) in enumerate(columns, 1):
            xlsx.put(ws, 1, col, label).font = Font(bold=True)
        ws.freeze_panes = "A2"
        for r, values in enumerate(rows_by_sheet.get(key, ()), 2):
            for col, value in enumerate(values, 1):
                if value not in (None, ""):
                    xlsx.put(ws, r, col, value)
        for col, width in enumerate(WIDTHS[key], 1):
            ws.column_dimensions[get_column_letter(col)].width = width
    guide = wb.create_sheet(GUIDE_SHEET)
    for r, line in enumerate(GUIDE, 1):
        xlsx.put(guide, r, 1, line).alignment = Alignment(wrap_text=True)
    guide.cell(row=1, column=1).font = Font(bold=True)
    guide.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template():
    return _book({})


def export(province, year=None):
    """The province's units, clusters, accounts and (with `year`) that year's memberships."""
    units = Unit.objects.filter(province=province).select_related("parent").order_by("code")
    rows = {
        UNITS: [
            [
                u.code,
                u.name,
                u.short_name,
                UNIT_KIND_LABELS[u.kind],
                u.parent.code if u.parent_id else "",
                u.leader_name,
                province.code,
            ]
            for u in units
        ],
        CLUSTERS: [
            [c.code, c.name, CLUSTER_KIND_LABELS[c.kind], c.governing_body, c.place_name, c.number_symbol]
            for c in Cluster.objects.filter(province=province).order_by("code")
        ],
    }
    if year is not None:
        members = (
            Membership.objects.filter(cluster_year__cluster__province=province, cluster_year__year=year)
            .select_related("cluster_year__cluster", "unit")
            .order_by("cluster_year__cluster__code", "role", "unit__code")
        )
        rows[MEMBERS] = [
            [year, m.cluster_year.cluster.code, m.unit.code, MEMBER_ROLE_LABELS[m.role]] for m in members
        ]
    users = (
        User.objects.filter(province=province, is_superuser=False)
        .select_related("unit")
        .prefetch_related("roles")
        .order_by("username")
    )
    rows[ACCOUNTS] = [
        [
            u.username,
            u.full_name,
            u.email,
            u.unit.code if u.unit_id else "",
            u.job_title,
            roles_text({r.role for r in u.roles.all()}),
        ]
        for u in users
    ]
    return _book(rows)
