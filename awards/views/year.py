"""The year's awards overview, award types and rules, the awards of every year of a cluster."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.access import province_object, require, year_for
from clusters.audit import history_for
from clusters.models import Cluster, Stage

from .. import selectors, services
from ..forms import AwardRuleForm, AwardTypeForm
from ..models import AwardRule, AwardType
from .common import show_errors


@login_required
def year_awards(request, pk):
    cy = year_for(request, pk, "awards.view_awards")
    user = request.user
    return render(
        request,
        "awards/year.html",
        {
            "year": cy,
            "award_types": selectors.rules_for_year(cy),
            "polls": selectors.polls_for_year(cy, user),
            "nominations": selectors.nominations_for_year(cy),
            "can_manage_rules": user.has_perm("awards.manage_rules", cy),
            "can_open_polls": user.has_perm("awards.open_poll", cy),
            "may_open_any": cy.stage == Stage.VOTING,
            "can_manage_council": user.has_perm("awards.manage_council", cy),
        },
    )


@login_required
def award_types(request):
    require(request.user, "awards.manage_types", request.user.province)
    form = AwardTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.award_type_save(province=request.user.province, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Award type saved."))
            return redirect("awards:types")
        except ValidationError as exc:
            show_errors(request, exc)
    types = AwardType.objects.filter(province_id=request.user.province_id)
    this_year = timezone.localdate().year
    council_years = [this_year - 1, this_year]  # awards of last year are voted on early this year
    return render(
        request, "awards/types.html", {"types": types, "form": form, "council_years": council_years}
    )


@login_required
def award_type_edit(request, pk):
    award_type = province_object(request, AwardType, via="province", pk=pk)
    require(request.user, "awards.manage_types", request.user.province)
    form = AwardTypeForm(request.POST or None, instance=award_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.award_type_save(
                province=request.user.province,
                actor=request.user,
                award_type=AwardType.objects.get(pk=pk),
                **form.cleaned_data,
            )
            messages.success(request, _("Award type saved."))
            return redirect("awards:types")
        except ValidationError as exc:
            show_errors(request, exc)
    return render(
        request,
        "awards/form.html",
        {
            "form": form,
            "title": _("Award type: %(name)s") % {"name": award_type.name},
            "history": history_for(award_type)[:20],
        },
    )


@login_required
def rule_edit(request, pk, type_pk):
    cy = year_for(request, pk, "awards.manage_rules")
    award_type = get_object_or_404(AwardType, pk=type_pk, province_id=cy.cluster.province_id)
    rule = AwardRule.objects.filter(cluster_year=cy, award_type=award_type).first()
    form = AwardRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(
                cluster_year=cy, award_type=award_type, actor=request.user, **form.cleaned_data
            )
            messages.success(
                request, _("The rule is saved. Polls already opened keep the rule they opened with.")
            )
            return redirect("awards:year", pk=cy.pk)
        except ValidationError as exc:
            show_errors(request, exc)
    return render(request, "awards/rule_form.html", {"form": form, "year": cy, "award_type": award_type})


@login_required
def cluster_awards(request, pk):
    """The awards of each year of a cluster (nominations and the province's decisions)."""
    cluster = province_object(request, Cluster, pk=pk)
    require(request.user, "clusters.view_cluster", cluster)
    years = {}
    for n in selectors.awards_by_year(cluster):
        years.setdefault(n.cluster_year.year, []).append(n)
    return render(
        request,
        "awards/cluster_awards.html",
        {"cluster": cluster, "years": sorted(years.items(), reverse=True)},
    )
