"""The province's decisions in bulk: tick many nominations of the year and apply one decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clusters.access import require

from .. import province, services
from ..forms import BulkDecisionForm
from ..models import Nomination
from .common import show_errors


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def filters(request):
    """The year, cluster and award asked in the query string (the year defaults to the newest
    with nominations)."""
    pid = request.user.province_id
    years = province.years(pid)
    year = _int(request.GET.get("year"))
    return {
        "years": years,
        "year": year if year is not None else years[0],
        "cluster_id": _int(request.GET.get("cluster")),
        "award_id": _int(request.GET.get("award")),
        "awaiting": request.GET.get("awaiting") == "1",
    }


@login_required
def decisions_bulk(request):
    user = request.user
    require(user, "awards.record_decision", user.province)
    f = filters(request)
    types = province.award_types(user.province_id)
    form = BulkDecisionForm(request.POST or None, province=user.province, award_types=types)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        ids = data.pop("nominations")
        mine = Nomination.objects.filter(pk__in=ids, cluster_year__cluster__province_id=user.province_id)
        if mine.count() != len(ids):
            raise Http404  # another province's nomination: nothing is looked at further
        try:
            written = services.decisions_apply(nominations=ids, actor=user, **data)
            messages.success(
                request,
                _("The decision is recorded for %(n)s nominations (%(same)s already had it).")
                % {"n": written, "same": len(ids) - written},
            )
            return redirect(request.get_full_path())
        except ValidationError as exc:
            messages.error(request, _("Nothing was saved:"))
            show_errors(request, exc)
    rows = province.nominations(
        user.province_id,
        f["year"],
        cluster_id=f["cluster_id"],
        award_id=f["award_id"],
        awaiting=f["awaiting"],
    )
    checked = set(form.data.getlist("nominations")) if form.is_bound else set()
    for n in rows:
        n.checked = str(n.pk) in checked
    return render(
        request,
        "awards/decisions_bulk.html",
        {
            **f,
            "form": form,
            "rows": rows,
            "clusters": province.clusters(user.province_id),
            "award_types": types,
            "action": request.get_full_path(),
        },
    )
