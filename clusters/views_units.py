"""The province admin's screens for unit changes (rename, merge, split, abolish) and the unit's
history both ways; the superuser's screen for moves between provinces. Thin: look up within the
province (404), check the rule (403), one call to clusters.unit_events, a Vietnamese message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import timeline, unit_events
from .access import province_object, require
from .audit import history_for
from .models import Unit
from .unit_event_forms import AbolishForm, MergeForm, ProvinceMergeForm, RenameForm, SplitForm, TransferForm


def _error(request, exc):
    for msg in exc.messages:
        messages.error(request, msg)


def _form_errors(request, form):
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


def _unit(request, pk):
    unit = province_object(request, Unit.objects.select_related("province", "merged_into"), pk=pk)
    require(request.user, "clusters.manage_province", unit)
    return unit


@login_required
def unit_detail(request, pk):
    unit = _unit(request, pk)
    line = timeline.lineage(unit)
    alive = unit.ended_on is None
    return render(
        request,
        "clusters/unit_detail.html",
        {
            "unit": unit,
            "versions": unit.versions.all(),
            "events": timeline.unit_events(unit),
            "predecessors": line.predecessors,
            "successors": line.successors,
            "memberships": timeline.history_years(unit, line.carried),
            "rename_form": RenameForm(
                initial={"name": unit.name, "short_name": unit.short_name, "kind": unit.kind}
            )
            if alive
            else None,
            "abolish_form": AbolishForm(prefix="abolish") if alive else None,
            "history": history_for(unit)[:20],
        },
    )


@login_required
@require_POST
def unit_rename(request, pk):
    unit = _unit(request, pk)
    form = RenameForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("clusters:unit_detail", pk=unit.pk)
    d = form.cleaned_data
    try:
        unit_events.unit_rename(
            unit=unit,
            name=d["name"],
            short_name=d["short_name"],
            kind=d["kind"],
            actor=request.user,
            **form.basis(),
        )
        messages.success(
            request, _("The change is recorded; until the day before it the unit keeps its old name.")
        )
    except ValidationError as exc:
        _error(request, exc)
    return redirect("clusters:unit_detail", pk=unit.pk)


@login_required
@require_POST
def unit_abolish(request, pk):
    unit = _unit(request, pk)
    form = AbolishForm(request.POST, prefix="abolish")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("clusters:unit_detail", pk=unit.pk)
    try:
        unit_events.unit_abolish(unit=unit, actor=request.user, **form.basis())
        messages.success(request, _("The abolition is recorded; earlier years keep the unit."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("clusters:unit_detail", pk=unit.pk)


@login_required
def unit_split(request, pk):
    unit = _unit(request, pk)
    form = SplitForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            successors = unit_events.unit_split(unit=unit, actor=request.user, **form.split_kwargs())
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                _("The split is recorded: %(unit)s is carried on by %(names)s.")
                % {"unit": unit.name, "names": ", ".join(s.name for s in successors)},
            )
            return redirect("clusters:unit_detail", pk=unit.pk)
    title = _("Split %(unit)s") % {"unit": unit.name}
    return render(request, "clusters/unit_split.html", {"form": form, "title": title, "unit": unit})


@login_required
def units_merge(request):
    require(request.user, "clusters.manage_province", request.user.province)
    form = MergeForm(request.POST or None, province_id=request.user.province_id)
    if request.method == "POST" and form.is_valid():
        try:
            into = unit_events.units_merge(actor=request.user, **form.merge_kwargs())
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The merge is recorded."))
            return redirect("clusters:unit_detail", pk=into.pk)
    return render(request, "clusters/unit_event_form.html", {"form": form, "title": _("Merge units")})


@login_required
def province_changes(request):
    """Superusers: a unit moved to another province, or two provinces merged."""
    if not request.user.has_perm("clusters.manage_provinces"):
        raise PermissionDenied
    transfer = TransferForm(request.POST if "transfer" in request.POST else None, prefix="transfer")
    merge = ProvinceMergeForm(request.POST if "merge" in request.POST else None, prefix="merge")
    form = transfer if "transfer" in request.POST else merge if "merge" in request.POST else None
    if form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            if form is transfer:
                unit_events.unit_transfer(
                    unit=d["unit"], to_province=d["to_province"], actor=request.user, **form.basis()
                )
            else:
                unit_events.province_merge(
                    province=d["province"], into=d["into"], actor=request.user, **form.basis()
                )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The change is recorded."))
            return redirect("clusters:province_changes")
    return render(
        request,
        "clusters/province_changes.html",
        {"transfer_form": transfer, "merge_form": merge, "title": _("Changes between provinces")},
    )
