"""Voting: the voter's open ballots, the ballot itself, the receipt check."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .. import selectors, services
from ..forms import ReceiptForm
from ..rules import Refusal, cast_refusal
from .common import poll_for


@login_required
def my_ballots(request):
    return render(request, "awards/my_ballots.html", {"polls": selectors.open_polls_for_voter(request.user)})


PAGES = ("awards/vote.html", "awards/vote_confirm.html", "awards/vote_done.html")


def _padded_size(request, poll, candidates):
    """One response size for every POST of this poll's ballot, whatever is chosen: the largest
    page it can produce (every candidate chosen, abstention, a receipt and a long message shown at
    once), rounded up to the next KiB plus one.

    That page is the site's layout for this person (base.html: their name, unit, menu) plus what
    the ballot pages' blocks add to it, which names nobody: the layout is rendered for each
    request, the blocks' share once per process for the poll's data and language
    (tests/awards/test_cast_request.py holds the sum to the three pages rendered whole)."""
    layout = len(render_to_string("base.html", {}, request).encode())
    key = (
        poll.pk,
        poll.title,
        poll.quota,
        poll.secret,
        poll.closes_at,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        tuple((c.pk, c.name, c.total, c.rank) for c in candidates),
    )
    extra = _BLOCKS.get(key)
    if extra is None:
        extra = _largest_page(request, poll, candidates) - layout
        if len(_BLOCKS) >= 512:
            _BLOCKS.clear()
        _BLOCKS[key] = extra
    return ((layout + extra) // 1024 + 2) * 1024


_BLOCKS = {}  # what the ballot pages' blocks add to the layout, by poll data and language


def _largest_page(request, poll, candidates):
    """The largest of the three ballot pages, rendered whole for this request (the ballot form
    both as a refusal and with an error)."""
    worst = {
        "poll": poll,
        "candidates": candidates,
        "chosen": candidates,
        "abstain": True,
        "receipt": "X" * 19,
        "error": "X" * 600,
        "refusal": "X" * 600,
    }
    # vote.html shows a refusal instead of the form: the form with every box ticked and an error
    # (a refused ballot: too many candidates) is measured apart, it can be the largest page
    form = {**worst, "refusal": None}
    pages = [(t, worst) for t in PAGES] + [("awards/vote.html", form)]
    return max(len(render_to_string(t, context, request).encode()) for t, context in pages)


def _pad(response, size):
    """Fill the body up to `size` with an HTML comment (never compress these responses)."""
    room = size - len(response.content)
    if room >= 7:
        response.content = response.content + b"<!--" + b"-" * (room - 7) + b"-->"
    return response


@login_required
def vote(request, pk):
    """The ballot: choose (GET), confirm (POST step=confirm), cast (POST step=cast) → receipt.

    Every POST answer of a poll has the same length, so that the size of a response seen in a
    log or on the wire says nothing about the choice."""
    poll = poll_for(request, pk, perm=None, related=("cluster_year__cluster",))
    candidates = list(poll.candidates.all())
    response = _vote(request, poll, candidates)
    if request.method == "POST":
        _pad(response, _padded_size(request, poll, candidates))
    return response


def _vote(request, poll, candidates):
    """Who may cast and what a valid ballot is are asked of `rules.cast_refusal` and
    `Poll.ballot_problem`, as `services.ballot_cast` asks them; this view only picks the page.
    The cast itself is not asked beforehand: the service asks under its lock, and its refusal
    (`VoteRefused.refusal`) picks the same page as the same refusal found here would."""
    context = {"poll": poll, "candidates": candidates}
    casting = request.method == "POST" and request.POST.get("step") == "cast"
    refusal = None if casting else cast_refusal(request.user, poll)
    if refusal:
        return _refused(request, context, refusal.code, refusal.message)
    if request.method != "POST":
        return render(request, "awards/vote.html", context)
    chosen = [c for c in candidates if str(c.pk) in request.POST.getlist("candidate")]
    abstain = request.POST.get("abstain") == "1"
    ids = [c.pk for c in chosen]
    if casting:
        try:
            receipt = services.ballot_cast(poll=poll, actor=request.user, candidate_ids=ids, abstain=abstain)
        except services.VoteRefused as exc:
            if exc.refusal is not None:
                return _refused(request, context, exc.refusal, exc.messages[0])
            context.update(chosen=chosen, abstain=abstain, error=exc.messages[0])
            return render(request, "awards/vote.html", context, status=409)
        context.update(chosen=chosen, abstain=abstain, receipt=receipt)
        return render(request, "awards/vote_done.html", context)
    context.update(chosen=chosen, abstain=abstain)
    context["error"] = poll.ballot_problem(ids, abstain, valid_ids=ids)
    if context["error"]:
        return render(request, "awards/vote.html", context, status=400)
    return render(request, "awards/vote_confirm.html", context)


def _refused(request, context, code, message):
    """The page for a voter who may not cast now: "you have voted" for a second ballot, else the
    reason without the form (403 off the list of voters; 409 for a POST outside the window)."""
    if code == Refusal.ALREADY_VOTED:
        return render(request, "awards/vote_done.html", context)
    context["refusal"] = message
    status = 403 if code == Refusal.NOT_ELECTOR else 409 if request.method == "POST" else 200
    return render(request, "awards/vote.html", context, status=status)


@login_required
def receipt_check(request):
    form = ReceiptForm(request.POST or None)
    found = None
    checked = False
    if request.method == "POST" and form.is_valid():
        checked = True
        found = selectors.receipt_check(form.cleaned_data["code"])
        if found is not None and found[0].province_id != request.user.province_id:
            found = None
    poll, counted = found or (None, False)
    context = {"form": form, "checked": checked, "found_poll": poll, "counted": counted}
    return render(request, "awards/receipt.html", context)
