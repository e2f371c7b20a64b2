"""The council's roster (a cluster year's, or the province's for a year) and the province
council's polls over the nominations of all the province's clusters (the province admin)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import query_int, require, year_for
from clusters.models import User
from documents.services import document_request
from documents.views import queued_response

from .. import province_minutes, services
from .. import roster as rosters
from ..forms_council import ProvincePollForm, council_formset, seats_from
from ..models import AwardType, Nomination, Poll
from .common import show_errors


def _province(request, perm, year):
    """The user's province for `year` (a year councils sit in, else 404), then the rule (403)."""
    province = getattr(request.user, "province", None)
    if province is None or not 2000 <= year <= 2100:
        raise Http404
    require(request.user, perm, province)
    return province


def _edit(request, *, seats, users, save, back, heading):
    initial = [{"name": s.name, "title": s.title, "role": s.role, "user": s.user} for s in seats]
    formset = council_formset(request.POST or None, users=users, initial=initial)
    if request.method == "POST" and formset.is_valid():
        try:
            save(seats_from(formset))
            messages.success(request, _("The council's members are saved."))
            return redirect(back)
        except ValidationError as exc:
            show_errors(request, exc)
    return render(request, "awards/council.html", {"formset": formset, "heading": heading, "back": back})


@login_required
def year_council(request, pk):
    cy = year_for(request, pk, "awards.manage_council")
    users = User.objects.filter(province_id=cy.cluster.province_id, is_active=True).order_by("username")
    return _edit(
        request,
        seats=rosters.of_year(cy),
        users=users,
        save=lambda rows: services.council_save(cluster_year=cy, seats=rows, actor=request.user),
        back=reverse("awards:year", args=[cy.pk]),
        heading=_("Council of %(cluster)s, %(year)s") % {"cluster": cy.cluster.name, "year": cy.year},
    )


@login_required
def province_council(request, year):
    province = _province(request, "awards.manage_province_council", year)
    users = User.objects.filter(province=province, is_active=True).order_by("username")
    return _edit(
        request,
        seats=rosters.seats(province_id=province.pk, year=year),
        users=users,
        save=lambda rows: services.council_save(province=province, year=year, seats=rows, actor=request.user),
        back=reverse("awards:province_polls", args=[year]),
        heading=_("Province council, %(year)s") % {"year": year},
    )


@login_required
def province_polls(request, year):
    province = _province(request, "awards.view_province_polls", year)
    polls = list(
        Poll.objects.filter(council_province=province, council_year=year)
        .select_related("award_type")
        .order_by("award_type__precedence", "round")
    )
    nominations = list(
        Nomination.objects.filter(cluster_year__cluster__province=province, cluster_year__year=year)
        .select_related("award_type", "cluster_year__cluster")
        .order_by("award_type__precedence", "cluster_year__cluster__name", "unit_name")
    )
    awards = {}
    for n in nominations:
        awards.setdefault(n.award_type, []).append(n)
    return render(
        request,
        "awards/province_polls.html",
        {
            "year": year,
            "polls": polls,
            "awards": list(awards.items()),
            "roster": rosters.seats(province_id=province.pk, year=year),
            "can_manage": request.user.has_perm("awards.manage_province_polls", province),
        },
    )


@login_required
def province_poll_create(request, year):
    province = _province(request, "awards.manage_province_polls", year)
    award = query_int(request.GET.get("award") or request.POST.get("award"))
    award_type = get_object_or_404(AwardType, pk=award or 0, province=province)
    nominations = list(
        Nomination.objects.filter(
            cluster_year__cluster__province=province, cluster_year__year=year, award_type=award_type
        )
        .select_related("cluster_year__cluster")
        .order_by("cluster_year__cluster__name", "unit_name")
    )
    roster_users = [s.user_id for s in rosters.seats(province_id=province.pk, year=year) if s.user_id]
    voters = User.objects.filter(pk__in=roster_users, is_active=True).order_by("username")
    form = ProvincePollForm(request.POST or None, nominations=nominations, voters=voters)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [n for n in nominations if str(n.pk) in data["nominations"]]
        rule = {
            k: data[k] for k in ("threshold_num", "threshold_den", "quorum_num", "quorum_den", "tie_break")
        }
        try:
            poll = services.province_poll_open(
                province=province,
                year=year,
                award_type=award_type,
                title=data["title"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                voters=data["voters"],
                nominations=chosen,
                seats=data["seats"],
                rule=rule,
                actor=request.user,
            )
            messages.success(request, _("The poll is open."))
            return redirect("awards:poll", pk=poll.pk)
        except ValidationError as exc:
            show_errors(request, exc)
    return render(
        request,
        "awards/province_poll_form.html",
        {"form": form, "year": year, "award_type": award_type},
    )


@login_required
@require_POST
def province_minutes_pdf(request, year):
    """Make the minutes of the province council's vote count (PDF, by the worker)."""
    province = _province(request, "awards.view_province_polls", year)  # the kind refuses others (403)
    document = document_request(
        key=province_minutes.key(province.pk, year),
        kind=province_minutes.PROVINCE_MINUTES,
        province_id=province.pk,
        actor=request.user,
        title=_("Minutes of the province council %(year)s") % {"year": year},
        params={"province_id": province.pk, "year": year},
    )
    return queued_response(
        request,
        document,
        message=_("The document is being prepared."),
        redirect_to=reverse("awards:province_polls", args=[year]),
    )
