"""Voting: the voter's open ballots, the ballot itself, the receipt check."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import ReceiptForm
from .common import poll_for


@login_required
def my_ballots(request):
    return render(request, "awards/my_ballots.html", {"polls": selectors.open_polls_for_voter(request.user)})


@login_required
def vote(request, pk):
    """The ballot: choose (GET), confirm (POST step=confirm), cast (POST step=cast) → receipt."""
    poll = poll_for(request, pk, perm=None)
    user = request.user
    candidates = list(poll.candidates.all())
    context = {"poll": poll, "candidates": candidates}
    if not poll.electors.filter(user_id=user.pk).exists():
        context["refusal"] = _(
            "You are not on the list of voters of this poll, so your vote cannot be accepted."
        )
        return render(request, "awards/vote.html", context, status=403)
    if poll.participations.filter(user_id=user.pk).exists():
        return render(request, "awards/vote_done.html", context)
    problem = services.window_problem(poll)
    if problem:
        context["refusal"] = problem
        return render(request, "awards/vote.html", context, status=409 if request.method == "POST" else 200)
    if request.method == "POST":
        chosen = [c for c in candidates if str(c.pk) in request.POST.getlist("candidate")]
        abstain = request.POST.get("abstain") == "1"
        context.update(chosen=chosen, abstain=abstain)
        if request.POST.get("step") == "cast":
            try:
                code = services.ballot_cast(
                    poll=poll, user=user, candidate_ids=[c.pk for c in chosen], abstain=abstain
                )
            except services.VoteRefused as exc:
                context["error"] = exc.messages[0]
                return render(request, "awards/vote.html", context, status=409)
            context["receipt"] = code
            return render(request, "awards/vote_done.html", context)
        if not abstain and not chosen:
            context["error"] = _("Choose at least one candidate, or abstain.")
        elif abstain and chosen:
            context["error"] = _("Either abstain or choose candidates, not both.")
        elif len(chosen) > poll.quota:
            context["error"] = _("You may choose at most %(n)s candidate(s) for this award.") % {
                "n": poll.quota
            }
        else:
            return render(request, "awards/vote_confirm.html", context)
        return render(request, "awards/vote.html", context, status=400)
    return render(request, "awards/vote.html", context)


@login_required
def receipt_check(request):
    form = ReceiptForm(request.POST or None)
    ballot = None
    checked = False
    if request.method == "POST" and form.is_valid():
        checked = True
        ballot = selectors.receipt_check(form.cleaned_data["code"])
        if ballot is not None and ballot.poll.cluster_year.cluster.province_id != request.user.province_id:
            ballot = None
    return render(request, "awards/receipt.html", {"form": form, "ballot": ballot, "checked": checked})
