"""The secretary enters the count of a vote taken on paper in the meeting room."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clusters.access import require

from .. import services
from ..forms import PaperCountForm
from .common import poll_for, show_errors


@login_required
def poll_paper_count(request, pk):
    poll = poll_for(request, pk, perm=None)
    require(request.user, "awards.manage_poll", poll)
    candidates = list(poll.candidates.all())
    form = PaperCountForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.poll_close_paper(
                poll=poll,
                actor=request.user,
                issued=data["issued"],
                received=data["received"],
                invalid=data["invalid"],
                votes=form.votes(),
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("The paper count is entered and the poll is counted."))
            return redirect("awards:poll", pk=poll.pk)
    return render(request, "awards/poll_paper_count.html", {"poll": poll, "form": form})
