from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.models import Document
from documents.views import queue_year_pdf

from . import selectors, services, stages, timeline
from .access import province_object, require, year_for
from .documents import KIND as MEMBER_LIST
from .documents import document_key as member_list_key
from .forms import (
    ClusterForm,
    ClusterYearCreateForm,
    MembershipAddForm,
    MembershipRoleForm,
    StageRevertForm,
    UnitForm,
)
from .home import home_panels, links_for, todos_by_year, todos_for
from .models import Cluster, ClusterYear, Membership, Role, Stage, Unit
from .unit_event_forms import OnDateForm


def _error(request, exc):
    for msg in exc.messages:
        messages.error(request, msg)


@login_required
def home(request):
    user = request.user
    this_year = timezone.localdate().year
    context = {
        "this_year": this_year,
        "is_admin": user.has_role(Role.PROVINCE_ADMIN),
        "panels": home_panels(request),  # the province admin's dashboard (yearend)
    }
    if context["is_admin"]:
        context["province_years"] = (
            ClusterYear.objects.filter(cluster__province_id=user.province_id)
            .select_related("cluster")
            .annotate(member_count=Count("memberships"))
            .order_by("-year", "cluster__name")[:60]
        )
    years = list(selectors.years_for_user(user)[:5])
    for cy in years:
        # the members are loaded with the year: the rules read the units' roles from them
        cy._unit_roles = {m.unit_id: m.role for m in cy.memberships.all()}
        cy.my_membership = next((m for m in cy.memberships.all() if m.unit_id == user.unit_id), None)
    todos = todos_by_year(user, years)
    for cy in years:
        cy.todos = todos[cy.pk]
    context["my_years"] = years
    return render(request, "clusters/home.html", context)


@login_required
def cluster_list(request):
    clusters = selectors.clusters_for(request.user).annotate(year_count=Count("years", distinct=True))
    return render(request, "clusters/cluster_list.html", {"clusters": clusters})


@login_required
def cluster_create(request):
    require(request.user, "clusters.manage_province", request.user.province)
    form = ClusterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cluster = services.cluster_create(
                province=request.user.province, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Cluster created."))
            return redirect("clusters:cluster_detail", pk=cluster.pk)
    return render(request, "clusters/form.html", {"form": form, "title": _("New cluster")})


@login_required
def cluster_detail(request, pk):
    cluster = province_object(request, Cluster, pk=pk)
    require(request.user, "clusters.view_cluster", cluster)
    history = selectors.cluster_history(cluster)
    form = ClusterYearCreateForm(
        initial={"year": (history[0].year + 1) if history else timezone.localdate().year}
    )
    return render(
        request,
        "clusters/cluster_detail.html",
        {
            "cluster": cluster,
            "history": history,
            "year_form": form,
            "can_manage": request.user.has_perm("clusters.manage_province", cluster),
        },
    )


@login_required
@require_POST
def cluster_year_create(request, pk):
    cluster = province_object(request, Cluster, pk=pk)
    require(request.user, "clusters.manage_province", cluster)
    form = ClusterYearCreateForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        previous = None
        if form.cleaned_data["copy_previous"]:
            previous = ClusterYear.objects.filter(cluster=cluster, year__lt=year).order_by("-year").first()
        try:
            cy = services.cluster_year_create(
                cluster=cluster, year=year, actor=request.user, copy_from=previous
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Year %(year)s opened.") % {"year": year})
            return redirect("clusters:year_detail", pk=cy.pk)
    else:
        messages.error(request, _("Please enter a valid year."))
    return redirect("clusters:cluster_detail", pk=cluster.pk)


@login_required
def year_detail(request, pk):
    cy = year_for(request, pk, "clusters.view_cluster_year")
    user = request.user
    can_manage = user.has_perm("clusters.manage_cluster_year", cy) and not cy.is_closed  # closed: read only
    on_form = OnDateForm(request.GET)
    on_date = on_form.date(cy.year) or timeline.default_date(cy.year)
    memberships = timeline.year_members(cy)
    can_advance = user.has_perm("clusters.advance_stage", cy) and cy.stage != Stage.CLOSED
    return render(
        request,
        "clusters/year_detail.html",
        {
            "year": cy,
            "members": timeline.members_on(cy, on_date, memberships),
            "on_date": on_date,
            "on_form": on_form if on_form.errors else OnDateForm(initial={"on": on_date}),
            "key_dates": timeline.key_dates(cy, memberships),
            "stages": Stage.choices,
            "stage_index": cy.stage_index(),
            "can_manage": can_manage,
            "can_advance": can_advance,
            # what moving on now would leave behind: listed before the move, which then needs a reason
            "advance_checks": stages.exit_warnings(cy) if can_advance else [],
            "can_revert": user.has_perm("clusters.revert_stage", cy) and cy.stage != Stage.SETUP,
            "add_form": MembershipAddForm(cluster_year=cy) if can_manage else None,
            "role_form": MembershipRoleForm(),
            "revert_form": StageRevertForm(),
            "todos": todos_for(user, cy),
            "year_links": links_for(user, cy),
            "member_list": Document.objects.filter(key=member_list_key(cy)).first(),
        },
    )


@login_required
@require_POST
def member_list_pdf(request, pk):
    """Queue the member list PDF (rendered by Celery); the page then polls its status."""
    cy = year_for(request, pk, "clusters.render_member_list")
    return queue_year_pdf(
        request,
        cy,
        kind=MEMBER_LIST,
        key=member_list_key(cy),
        title=_("Member list %(year)s") % {"year": cy.year},
        message=_("The member list is being prepared."),
        redirect_to=reverse("clusters:year_detail", args=[cy.pk]),
    )


@login_required
@require_POST
def membership_add(request, pk):
    cy = year_for(request, pk, "clusters.manage_cluster_year")
    form = MembershipAddForm(request.POST, cluster_year=cy)
    if form.is_valid():
        try:
            services.membership_add(cluster_year=cy, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Member added."))
        except ValidationError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Choose a unit and a role."))
    return redirect("clusters:year_detail", pk=cy.pk)


def _membership(request, pk):
    membership = province_object(
        request,
        Membership.objects.select_related("cluster_year__cluster", "unit"),
        via="cluster_year__cluster__province",
        pk=pk,
    )
    require(request.user, "clusters.manage_cluster_year", membership.cluster_year)
    return membership


@login_required
@require_POST
def membership_role(request, pk):
    membership = _membership(request, pk)
    form = MembershipRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
            messages.success(request, _("Role updated."))
        except ValidationError as exc:
            _error(request, exc)
    return redirect("clusters:year_detail", pk=membership.cluster_year_id)


@login_required
@require_POST
def membership_remove(request, pk):
    membership = _membership(request, pk)
    try:
        services.membership_remove(membership=membership, actor=request.user)
        messages.success(request, _("Member removed."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("clusters:year_detail", pk=membership.cluster_year_id)


@login_required
@require_POST
def stage_advance(request, pk):
    cy = year_for(request, pk, "clusters.advance_stage")
    try:
        cy = services.stage_advance(
            cluster_year=cy,
            actor=request.user,
            from_stage=request.POST.get("from_stage"),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("The year moved to: %(stage)s.") % {"stage": cy.get_stage_display()})
    except ValidationError as exc:
        _error(request, exc)
    return redirect("clusters:year_detail", pk=cy.pk)


@login_required
@require_POST
def stage_revert(request, pk):
    cy = year_for(request, pk, "clusters.revert_stage")
    form = StageRevertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to move a year back."))
        return redirect("clusters:year_detail", pk=cy.pk)
    try:
        cy = services.stage_revert(
            cluster_year=cy,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            from_stage=request.POST.get("from_stage"),
        )
        messages.success(request, _("The year moved back to: %(stage)s.") % {"stage": cy.get_stage_display()})
    except ValidationError as exc:
        _error(request, exc)
    return redirect("clusters:year_detail", pk=cy.pk)


@login_required
def unit_list(request):
    require(request.user, "clusters.manage_province", request.user.province)
    units = sorted(
        Unit.objects.filter(province_id=request.user.province_id).select_related("merged_into"),
        key=lambda u: selectors.vn_sort_key(u.name),
    )
    return render(request, "clusters/unit_list.html", {"units": units})


@login_required
def unit_create(request):
    require(request.user, "clusters.manage_province", request.user.province)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_create(province=request.user.province, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Unit created."))
            return redirect("clusters:unit_list")
        except ValidationError as exc:
            _error(request, exc)
    return render(request, "clusters/form.html", {"form": form, "title": _("New unit")})
