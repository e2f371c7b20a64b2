"""Thin views: province-scoped fetch (404), rule (403), one service call, render or redirect.

One module per job, re-exported here for the URL conf: table (the criteria table), sheets (one
unit's sheet), evidence (files of a row), review (the reviewer on a sheet), year (overview, lock,
ranking)."""

from .evidence import evidence_delete, evidence_download, evidence_upload
from .review import adjustment_add, adjustment_remove, eligibility, review_save
from .sheets import row_save, sheet, sheet_export, sheet_import, sheet_reopen, sheet_submit
from .table import (
    criteria,
    criteria_copy,
    criteria_export,
    criteria_import,
    criteria_template,
    criterion_add,
    criterion_delete,
    criterion_edit,
    tie_break,
)
from .year import lock, overview, ranking, ranking_export, ranking_pdf, reviewer, unlock

__all__ = [
    "adjustment_add",
    "adjustment_remove",
    "criteria",
    "criteria_copy",
    "criteria_export",
    "criteria_import",
    "criteria_template",
    "criterion_add",
    "criterion_delete",
    "criterion_edit",
    "eligibility",
    "evidence_delete",
    "evidence_download",
    "evidence_upload",
    "lock",
    "overview",
    "ranking",
    "ranking_export",
    "ranking_pdf",
    "review_save",
    "reviewer",
    "row_save",
    "sheet",
    "sheet_export",
    "sheet_import",
    "sheet_reopen",
    "sheet_submit",
    "tie_break",
    "unlock",
]
