"""Closed means closed: the one guard that every service's permission check calls first.

A closed year refuses every change (members, criteria and scores, registrations and the pledge,
polls and ballots, the dossier) with a message in Vietnamese, for everyone, the province admin
included: to change a closed year the province admin re-opens it with a reason
(clusters.services.stage_revert, audited) and closes it again (stage_advance).

The permissions below act on a closed year without changing it, or are the way out of it."""

import contextlib
import contextvars

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import ClusterYear, Stage

ALLOWED_ON_CLOSED = frozenset(
    {
        "clusters.revert_stage",  # re-opening, with a reason
        "clusters.open_next_year",  # the hand-over opens the *next* year
        "yearend.start_next_year",
        "yearend.correct_handover",  # corrects the next year's head and deputy
        "scoring.copy_table_forward",  # reads the closed year, writes the next one
        "awards.copy_rules_forward",
        "awards.record_decision",  # the province's decision often comes after the close
        "pledges.view_pledge",
        # rendering a document reads the year; its producers may still print a closed year's
        "pledges.render_pledge",
        "clusters.render_member_list",
        "scoring.render_ranking",
        "awards.render_documents",
        "yearend.render_summary",
    }
)


_RECORDING_PAST = contextvars.ContextVar("recording_past_years", default=False)


@contextlib.contextmanager
def recording_past_years():
    """The demo loaders write the record of years that are closed already (their past), through
    the same services; nothing else may (a context manager and decorator, never a request)."""
    token = _RECORDING_PAST.set(True)
    try:
        yield
    finally:
        _RECORDING_PAST.reset(token)


def year_of(obj):
    """The cluster year an object belongs to (itself, or its `cluster_year`), else None."""
    if isinstance(obj, ClusterYear):
        return obj
    return getattr(obj, "cluster_year", None) if hasattr(obj, "cluster_year_id") else None


def refusal(cluster_year):
    return ValidationError(
        _(
            "Year %(year)s is closed: nothing in it can be changed any more. The province admin "
            "can re-open it, with a reason."
        )
        % {"year": cluster_year.year},
        code="year_closed",
    )


def refuse_if_closed(obj, perm=None):
    """ValidationError (code "year_closed") when `obj` belongs to a closed year."""
    if perm in ALLOWED_ON_CLOSED or _RECORDING_PAST.get():
        return
    cy = year_of(obj)
    if cy is not None and cy.stage == Stage.CLOSED:
        raise refusal(cy)
