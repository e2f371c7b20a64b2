"""Every write about awards: one function per state change, atomic, audited, one module per job.

    rules     award types and the rules of a year (province admin)
    polls     opening a poll and its run-off (cluster secretary)
    ballots   casting a ballot (voters)
    closing   closing and counting a poll, publishing its result
    rounds    a new round after a failed quorum or an inconclusive vote; the chair's tie decision
    province_polls  the province council's polls over the clusters' nominations (province admin)
    council   the council roster of a year (statutory members, chair, secretary)
    dossier   the dossier and the achievement reports
    decisions the province's decisions: one, many at once, from a spreadsheet

Each function takes the acting user (`actor`) and checks the django-rules permission itself
(PermissionDenied), so that views, the demo loader and other apps cannot bypass it; bad input is
a ValidationError with a Vietnamese message and nothing is saved half-way. Rules that depend on
state (may open a poll, may cast, may see the count) live in `awards.rules` and are asked by the
views and the services alike. Reads (candidates, seats, default voters, receipts) live in
`awards.selectors`."""

from ..receipts import normalise_receipt, receipt_hash
from .ballots import VoteRefused, ballot_cast
from .closing import poll_close, poll_publish
from .council import council_save
from .decisions import decision_record, decisions_apply, decisions_import, import_plan
from .dossier import DOSSIER_FIELDS, achievement_report_upload, dossier_save, dossier_submit
from .paper import poll_close_paper
from .polls import poll_open, runoff_open
from .province_polls import province_poll_open
from .rounds import round_open, tie_decide
from .rules import RULE_FIELDS, award_type_save, rule_save, rules_copy_forward

__all__ = [
    "DOSSIER_FIELDS",
    "RULE_FIELDS",
    "VoteRefused",
    "achievement_report_upload",
    "award_type_save",
    "ballot_cast",
    "council_save",
    "decision_record",
    "decisions_apply",
    "decisions_import",
    "dossier_save",
    "dossier_submit",
    "import_plan",
    "normalise_receipt",
    "poll_close",
    "poll_close_paper",
    "poll_open",
    "poll_publish",
    "province_poll_open",
    "receipt_hash",
    "round_open",
    "rule_save",
    "rules_copy_forward",
    "runoff_open",
    "tie_decide",
]
