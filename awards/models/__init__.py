"""What is won: award types and their rules per cluster year, polls, secret ballots, results,
nominations and the province's decisions (app label `awards`; one module per part)."""

from .ballot_box import BallotEnvelope, CountedReceipt, PollKey
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
)
from .rules import AwardRule, AwardType, QuotaKind, Rounding, ThresholdBase

__all__ = [
    "AwardRule",
    "AwardType",
    "Ballot",
    "BallotChoice",
    "BallotEnvelope",
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
    "Rounding",
    "ThresholdBase",
    "outcome_text",
]
