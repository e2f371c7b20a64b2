"""Object-level permissions of the awards app (django-rules), and the state-dependent rules that
both the views and the services ask: may a poll be opened, may this user cast a ballot now, may
this user see the count."""

import enum
from typing import NamedTuple

import rules
from django.utils.translation import gettext as _

from clusters.models import ClusterYear, Role, Stage
from clusters.rules import (
    _same_province,
    is_council_member_of_province,
    is_member_of_year,
    is_province_admin,
    is_secretary_of_year,
)

from .models import Elector, Participation, Poll, PollStatus


def _year_of(obj):
    if isinstance(obj, ClusterYear):
        return obj
    return getattr(obj, "cluster_year", None)


@rules.predicate
def is_year_secretary(user, obj):
    cy = _year_of(obj)
    return cy is not None and is_secretary_of_year(user, cy)


@rules.predicate
def is_year_member(user, obj):
    cy = _year_of(obj)
    return cy is not None and is_member_of_year(user, cy)


@rules.predicate
def is_council(user, obj):
    cy = _year_of(obj)
    return cy is not None and is_council_member_of_province(user, cy)


@rules.predicate
def is_province_council_poll(user, obj):
    """A province council's poll is seen by the province's council members."""
    return isinstance(obj, Poll) and obj.cluster_year_id is None and is_council_member_of_province(user, obj)


@rules.predicate
def is_province_council_poll_admin(user, obj):
    return isinstance(obj, Poll) and obj.cluster_year_id is None and is_province_admin(user, obj)


@rules.predicate
def is_admin_of(user, obj):
    cy = _year_of(obj)
    return is_province_admin(user, cy if cy is not None else obj)


@rules.predicate
def is_staff_of_nominated_unit(user, nomination):
    return (
        _same_province(user, nomination.cluster_year)
        and user.unit_id == nomination.unit_id
        and (user.has_role(Role.UNIT_STAFF) or user.has_role(Role.UNIT_LEADER))
    )


def polls_may_open(cluster_year, rule=None):
    """Polls open at the review and voting stage; a rule that says so ("a cluster that only
    votes") lets its award's poll open from registration on, before the pledge and the scores."""
    if cluster_year.stage == Stage.VOTING:
        return True
    early = cluster_year.stage in (Stage.REGISTRATION, Stage.SCORING)
    if rule is not None:
        return early and rule.votes_only
    return early and cluster_year.award_rules.filter(votes_only=True).exists()


@rules.predicate
def year_allows_polls(user, obj):
    cy = _year_of(obj)
    return cy is not None and polls_may_open(cy)


@rules.predicate
def poll_is_counted(user, poll):
    return isinstance(poll, Poll) and poll.is_counted


@rules.predicate
def poll_is_published(user, poll):
    return isinstance(poll, Poll) and poll.status == PollStatus.PUBLISHED


class Refusal(enum.Enum):
    NOT_ELECTOR = "not_elector"
    ALREADY_VOTED = "already_voted"
    OUTSIDE_WINDOW = "outside_window"


class CastRefusal(NamedTuple):
    """Why a user may not cast a ballot in a poll now, and the words to say it."""

    code: Refusal
    message: str


def cast_refusal(user, poll, *, is_elector=None, has_voted=None, now=None):
    """Why `user` may not cast a ballot in `poll` right now, or None. The ballot page and
    `services.ballot_cast` (under its row lock) both ask this; `is_elector` lets a caller that has
    already read the elector row skip that query, `has_voted` one that decides "already voted"
    itself (the cast, by its insert) skip the participation's."""
    if is_elector is None:
        is_elector = Elector.objects.filter(poll_id=poll.pk, user_id=user.pk).exists()
    if not is_elector:
        return CastRefusal(
            Refusal.NOT_ELECTOR,
            _("You are not on the list of voters of this poll, so your vote cannot be accepted."),
        )
    if has_voted is None:
        has_voted = Participation.objects.filter(poll_id=poll.pk, user_id=user.pk).exists()
    if has_voted:
        return CastRefusal(
            Refusal.ALREADY_VOTED,
            _("You have already voted in this poll. Each voter has exactly one ballot."),
        )
    problem = poll.window_problem(now)
    if problem:
        return CastRefusal(Refusal.OUTSIDE_WINDOW, problem)
    return None


@rules.predicate
def may_cast(user, poll):
    return isinstance(poll, Poll) and cast_refusal(user, poll) is None


can_view = is_admin_of | is_year_member | is_council
can_view_poll = is_admin_of | is_year_secretary | is_year_member | is_council | is_province_council_poll

rules.add_perm("awards.view_awards", can_view)
rules.add_perm("awards.manage_types", is_province_admin)
rules.add_perm("awards.manage_rules", is_admin_of)
# the year's rules are copied forward when the next year starts (by the province or the secretary)
rules.add_perm("awards.copy_rules_forward", is_admin_of | is_year_secretary)
rules.add_perm("awards.manage_polls", is_year_secretary)
rules.add_perm("awards.open_poll", is_year_secretary & year_allows_polls)
rules.add_perm("awards.manage_council", is_admin_of | is_year_secretary)
rules.add_perm("awards.manage_province_council", is_province_admin)
rules.add_perm("awards.manage_province_polls", is_province_admin)
# a poll's manager: the cluster year's secretary, or the province admin for the province council's
rules.add_perm("awards.manage_poll", is_year_secretary | is_province_council_poll_admin)
rules.add_perm("awards.view_province_polls", is_province_admin | is_council_member_of_province)
rules.add_perm("awards.view_poll", can_view_poll)
# the count: to the secretary and the province once the poll is closed, to everyone once published
rules.add_perm(
    "awards.view_results",
    (poll_is_counted & (is_year_secretary | is_admin_of)) | (poll_is_published & can_view_poll),
)
rules.add_perm("awards.cast_ballot", may_cast)
rules.add_perm("awards.manage_dossier", is_year_secretary)
rules.add_perm("awards.record_decision", is_admin_of)
rules.add_perm("awards.render_documents", is_year_secretary | is_admin_of)
rules.add_perm("awards.view_province_report", is_province_admin)
rules.add_perm("awards.upload_report", is_year_secretary | is_staff_of_nominated_unit)
