"""Voting: the voter's open ballots, the ballot itself, the receipt check."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors, services
from ..forms import ReceiptForm
from ..rules import Refusal, cast_refusal
from .common import poll_for


@login_required
def my_ballots(request):
    return render(request, "awards/my_ballots.html", {"polls": selectors.open_polls_for_voter(request.user)})


@login_required
def vote(request, pk):
    """The ballot: choose (GET), confirm (POST step=confirm), cast (POST step=cast) → receipt.

    Who may cast and what a valid ballot is are asked of `rules.cast_refusal` and
    `Poll.ballot_problem`, as `services.ballot_cast` asks them; this view only picks the page."""
    poll = poll_for(request, pk, perm=None)
    candidates = list(poll.candidates.all())
    context = {"poll": poll, "candidates": candidates}
    refusal = cast_refusal(request.user, poll)
    if refusal and refusal.code == Refusal.ALREADY_VOTED:
        return render(request, "awards/vote_done.html", context)
    if refusal:
        context["refusal"] = refusal.message
        status = 403 if refusal.code == Refusal.NOT_ELECTOR else 409 if request.method == "POST" else 200
        return render(request, "awards/vote.html", context, status=status)
    if request.method != "POST":
        return render(request, "awards/vote.html", context)
    chosen = [c for c in candidates if str(c.pk) in request.POST.getlist("candidate")]
    abstain = request.POST.get("abstain") == "1"
    ids = [c.pk for c in chosen]
    context.update(chosen=chosen, abstain=abstain)
    if request.POST.get("step") == "cast":
        try:
            context["receipt"] = services.ballot_cast(
                poll=poll, actor=request.user, candidate_ids=ids, abstain=abstain
            )
        except services.VoteRefused as exc:
            context["error"] = exc.messages[0]
            return render(request, "awards/vote.html", context, status=409)
        return render(request, "awards/vote_done.html", context)
    context["error"] = poll.ballot_problem(ids, abstain, valid_ids=ids)
    if context["error"]:
        return render(request, "awards/vote.html", context, status=400)
    return render(request, "awards/vote_confirm.html", context)


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
