"""Every write about criteria and scores: one function per state change, atomic, audited.

Each function checks the actor's permission itself (PermissionDenied) so that views, imports
and commands cannot bypass it, and raises ValidationError with a Vietnamese message for bad
input; nothing is saved half-way.

One module per job, re-exported here: callers write `services.self_score_save(...)`.
- criteria: the criteria table, whole-table replace and copy, the tie-break rule
- sheets: self-scores, submit, reopen
- evidence: evidence files
- review: reviewed scores, bonus and deduction, eligibility, the reviewer unit
- lock: lock and unlock, the scoring stage's exit guard
- imports: a unit's self-score from a spreadsheet"""

from .criteria import (
    criterion_add,
    criterion_delete,
    criterion_update,
    table_copy,
    table_copy_forward,
    table_replace,
    table_rows,
    tie_break_set,
)
from .evidence import ALLOWED_EVIDENCE, evidence_add, evidence_remove
from .imports import self_scores_import
from .lock import scores_lock, scores_locked_guard, scores_unlock, unsubmitted_shortfall, unsubmitted_units
from .review import adjustment_add, adjustment_remove, eligibility_set, review_adjust, reviewer_set
from .sheets import registered_target, self_score_save, sheet_reopen, sheet_submit

__all__ = [
    "ALLOWED_EVIDENCE",
    "adjustment_add",
    "adjustment_remove",
    "criterion_add",
    "criterion_delete",
    "criterion_update",
    "eligibility_set",
    "evidence_add",
    "evidence_remove",
    "registered_target",
    "review_adjust",
    "reviewer_set",
    "scores_lock",
    "scores_locked_guard",
    "scores_unlock",
    "unsubmitted_shortfall",
    "unsubmitted_units",
    "self_score_save",
    "self_scores_import",
    "sheet_reopen",
    "sheet_submit",
    "table_copy",
    "table_copy_forward",
    "table_replace",
    "table_rows",
    "tie_break_set",
]
