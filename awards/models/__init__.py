"""What is won: award types and their rules per cluster year, polls, secret ballots, results,
nominations and the province's decisions (app label `awards`; one module per part)."""

from .ballot_box import BallotEnvelope, CountedReceipt, PollKey
from .council import CouncilRole, CouncilSeat
from .minutes import PaperCount
from .nominations import Decision, Dossier, Nomination, Outcome, outcome_text
from .polls import (
    Ballot,
    BallotChoice,
    Elector,
    ElectorateKind,
    Participation,
    Poll,
    PollCandidate,
    PollStatus,
    RoundReason,
)
from .rules import AwardRule, AwardType, QuotaKind, RemainingBase, Rounding, ThresholdBase, TieBreak

__all__ = [
    "AwardRule",
    "AwardType",
    "Ballot",
    "BallotChoice",
    "BallotEnvelope",
    "CouncilRole",
    "CouncilSeat",
    "CountedReceipt",
    "Decision",
    "Dossier",
    "Elector",
    "ElectorateKind",
    "Nomination",
    "Outcome",
    "PaperCount",
    "Participation",
    "Poll",
    "PollCandidate",
    "PollKey",
    "PollStatus",
    "QuotaKind",
    "RemainingBase",
    "RoundReason",
    "Rounding",
    "ThresholdBase",
    "TieBreak",
    "outcome_text",
]
