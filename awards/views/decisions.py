"""The province's decisions in bulk: tick many nominations of the year and apply one decision, or
import them from a spreadsheet (preview, then one atomic apply)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.access import query_int, require

from .. import decision_sheets, province, services
from ..forms import BulkDecisionForm, DecisionUploadForm
from ..models import Nomination
from ..report import XLSX_CONTENT_TYPE
from .common import show_errors

SALT = "awards.decisions_import"


def filters(request):
    """The year, cluster and award asked in the query string (the year defaults to the newest
    with nominations)."""
    pid = request.user.province_id
    years = province.years(pid)
    year = query_int(request.GET.get("year"))
    return {
        "years": years,
        "year": year if year is not None else years[0],
        "cluster_id": query_int(request.GET.get("cluster")),
        "award_id": query_int(request.GET.get("award")),
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
            same = len(ids) - written
            text = _("The decision is recorded for %(n)s nominations.") % {"n": written}
            if same:
                text += " " + _("%(same)s already had it.") % {"same": same}
            messages.success(request, text)
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


@login_required
def decisions_template(request):
    """The year's nominations as a sheet to fill in (and the decisions already recorded)."""
    user = request.user
    require(user, "awards.record_decision", user.province)
    year = filters(request)["year"]
    response = HttpResponse(decision_sheets.template(user.province_id, year), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="quyet-dinh-{user.province.code}-{year}.xlsx"'
    return response


@login_required
def decisions_import(request):
    """Upload → a preview of every row's fate → one atomic apply (the rows travel signed from the
    preview, and the service checks them again)."""
    user = request.user
    require(user, "awards.record_decision", user.province)
    f = filters(request)
    context = {**f, "form": DecisionUploadForm(), "rows": None}
    if request.method == "POST" and "payload" in request.POST:
        try:
            rows = decision_sheets.from_payload(
                signing.loads(request.POST["payload"], salt=SALT, max_age=3600)
            )
        except (signing.BadSignature, ValueError, TypeError):
            messages.error(request, _("The preview has expired: upload the file again."))
            return redirect(request.get_full_path())
        try:
            written = services.decisions_import(rows=rows, actor=user)
        except ValidationError as exc:
            messages.error(request, _("Nothing was saved:"))
            show_errors(request, exc)
            return redirect(request.get_full_path())
        messages.success(request, _("%(n)s decisions are recorded from the file.") % {"n": written})
        return redirect(reverse("awards:decisions_bulk") + f"?year={f['year']}")
    if request.method == "POST":
        form = DecisionUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            try:
                rows = decision_sheets.read(form.cleaned_data["file"])
            except ValidationError as exc:
                show_errors(request, exc)
                rows = None
            if rows is not None:
                planned = services.import_plan(rows, actor=user)
                context["rows"] = planned
                context["counts"] = {
                    fate: sum(1 for _r, p in planned if p.fate == fate)
                    for fate in ("new", "changed", "unchanged", "error")
                }
                if not context["counts"]["error"]:
                    context["payload"] = signing.dumps(
                        decision_sheets.to_payload(rows), salt=SALT, compress=True
                    )
    return render(request, "awards/decisions_import.html", context)
