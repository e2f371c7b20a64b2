"""Polls (the cluster secretary): open, follow the turnout, close and count, publish, run-off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters import confirm
from clusters.access import query_int, year_for
from clusters.models import Role, Unit, User

from .. import checks, progress, selectors, services
from ..forms import PollForm, RunoffForm
from ..forms_council import NewRoundForm, TieDecisionForm
from ..models import AwardRule, AwardType, ElectorateKind, TieBreak
from .common import poll_for, poll_log, show_errors


def _voter_queryset(cy):
    members = list(selectors.unit_roles(cy))
    return (
        User.objects.filter(province_id=cy.cluster.province_id, is_active=True)
        .filter(Q(roles__role=Role.COUNCIL_MEMBER) | Q(unit_id__in=members, roles__role=Role.UNIT_LEADER))
        .select_related("unit")
        .distinct()
        .order_by("unit__name", "username")
    )


@login_required
def poll_create(request, pk):
    cy = year_for(request, pk, "awards.manage_polls")
    award_type = get_object_or_404(
        AwardType,
        pk=query_int(request.GET.get("award") or request.POST.get("award")) or 0,
        province_id=cy.cluster.province_id,
    )
    rule = (
        AwardRule.objects.filter(cluster_year=cy, award_type=award_type).select_related("award_type").first()
    )
    if rule is None:
        messages.error(request, _("The province has not set the rule of this award for this year."))
        return redirect("awards:year", pk=cy.pk)
    options = selectors.candidate_options(cy, rule)
    kind = request.GET.get("electorate") or ElectorateKind.UNITS
    initial = {
        "title": award_type.name,
        "electorate_kind": kind,
        # a unit that never submitted its scores stands only when the secretary ticks it
        "candidates": [str(o.unit_id) for o in options if o.offered],
        "voters": selectors.default_voters(cy, kind),
    }
    form = PollForm(
        request.POST or None, options=options, voter_queryset=_voter_queryset(cy), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = [o.unit_id for o in options if str(o.unit_id) in data["candidates"]]
        try:
            poll = services.poll_open(
                cluster_year=cy,
                award_type=award_type,
                title=data["title"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                electorate_kind=data["electorate_kind"],
                voters=data["voters"],
                candidate_units=Unit.objects.filter(pk__in=units),
                actor=request.user,
            )
            messages.success(request, _("The poll is open."))
            return redirect("awards:poll", pk=poll.pk)
        except ValidationError as exc:
            show_errors(request, exc)
    return render(
        request,
        "awards/poll_form.html",
        {
            "form": form,
            "year": cy,
            "award_type": award_type,
            "rule": rule,
            "options": options,
            "seats": selectors.poll_seats(cy, rule),
            "has_ranking": any(o.rank is not None for o in options),
            "pending": selectors.higher_awards_pending(cy, award_type),
        },
    )


@login_required
def poll_detail(request, pk):
    poll = poll_for(request, pk)
    user = request.user
    cy = poll.cluster_year
    if cy is None:  # the province council's poll
        can_manage = is_admin = user.has_perm("awards.manage_province_polls", poll.council_province)
    else:
        can_manage = user.has_perm("awards.manage_polls", cy)
        is_admin = user.has_perm("awards.manage_rules", cy)
    turnout = selectors.turnout(poll)
    show_results = user.has_perm("awards.view_results", poll)
    candidates = list(poll.candidates.all())
    runoff = poll.runoffs.first()
    chair_decides = poll.rule.get("tie_break") == TieBreak.CHAIR and poll.is_closed
    return render(
        request,
        "awards/poll_detail.html",
        {
            "poll": poll,
            "year": cy,
            "can_manage": can_manage,
            "show_results": show_results,
            "candidates": candidates,
            "electors": selectors.electors_with_participation(poll) if (can_manage or is_admin) else None,
            "voted": turnout[0],
            "electorate": turnout[1],
            "percent": turnout[2],
            "runoff": runoff,
            "runoff_form": RunoffForm() if can_manage else None,
            "round_form": NewRoundForm()
            if can_manage and not runoff and progress.may_vote_again(poll, candidates)
            else None,
            "tie_form": TieDecisionForm(tied=[c for c in candidates if c.tied])
            if can_manage and chair_decides and progress.tie_pending(poll, candidates)
            else None,
            "history": poll_log(poll) if (can_manage or is_admin) else None,
            "is_elector": poll.electors.filter(user_id=user.pk).exists(),
            "counted_receipts": selectors.counted_receipts(poll) if show_results else None,
            # what closing or publishing now would leave behind: listed first, then a reason is asked
            "close_checks": confirm.found([checks.close_shortfall(poll)])
            if can_manage and poll.is_open
            else [],
            "publish_checks": (checks.publish_shortfalls(poll) if can_manage and poll.is_closed else []),
        },
    )


@login_required
def poll_turnout(request, pk):
    """htmx partial: how many have voted — never what they voted."""
    poll = poll_for(request, pk)
    voted, electorate, percent = selectors.turnout(poll)
    return render(
        request,
        "awards/_turnout.html",
        {"poll": poll, "voted": voted, "electorate": electorate, "percent": percent},
    )


@login_required
@require_POST
def poll_close(request, pk):
    poll = poll_for(request, pk)  # the service checks the secretary's rule (403)
    try:
        poll = services.poll_close(poll=poll, actor=request.user, reason=request.POST.get("reason", ""))
        if poll.flagged:
            messages.warning(request, poll.flag_reason)
        else:
            messages.success(request, _("The poll is closed and counted."))
    except ValidationError as exc:
        show_errors(request, exc)
    return redirect("awards:poll", pk=poll.pk)


@login_required
@require_POST
def poll_publish(request, pk):
    poll = poll_for(request, pk)  # the service checks the secretary's rule (403)
    try:
        services.poll_publish(poll=poll, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The result is published."))
    except ValidationError as exc:
        show_errors(request, exc)
    return redirect("awards:poll", pk=poll.pk)


@login_required
@require_POST
def poll_runoff(request, pk):
    poll = poll_for(request, pk, "awards.manage_polls")
    form = RunoffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the opening and closing time."))
        return redirect("awards:poll", pk=poll.pk)
    try:
        child = services.runoff_open(poll=poll, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The run-off is open."))
        return redirect("awards:poll", pk=child.pk)
    except ValidationError as exc:
        show_errors(request, exc)
    return redirect("awards:poll", pk=poll.pk)
