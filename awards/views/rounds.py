"""A new round of a counted poll, and the chair's decision of a tie (the poll's manager)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms_council import NewRoundForm, TieDecisionForm
from .common import poll_for, show_errors


@login_required
@require_POST
def poll_round(request, pk):
    poll = poll_for(request, pk)  # the service checks the manager's rule (403)
    form = NewRoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the opening and closing time."))
        return redirect("awards:poll", pk=poll.pk)
    try:
        child = services.round_open(poll=poll, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The new round is open."))
        return redirect("awards:poll", pk=child.pk)
    except ValidationError as exc:
        show_errors(request, exc)
    return redirect("awards:poll", pk=poll.pk)


@login_required
@require_POST
def poll_tie(request, pk):
    poll = poll_for(request, pk)
    form = TieDecisionForm(request.POST, tied=list(poll.candidates.filter(tied=True)))
    if not form.is_valid():
        messages.error(request, _("Choose the units the chair decided on and enter the chair's name."))
        return redirect("awards:poll", pk=poll.pk)
    try:
        services.tie_decide(
            poll=poll,
            actor=request.user,
            candidate_ids=form.cleaned_data["candidates"],
            chair_name=form.cleaned_data["chair_name"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The chair's decision is recorded."))
    except ValidationError as exc:
        show_errors(request, exc)
    return redirect("awards:poll", pk=poll.pk)
