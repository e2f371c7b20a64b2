"""Thin views: permission (404 for another province, 403 for a forbidden action), form, one
service call, redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import province_object, require, year_for
from clusters.audit import history_for
from clusters.models import Cluster, Role, Unit, User
from documents.models import Document

from . import documents, selectors, services
from .forms import (
    AwardRuleForm,
    AwardTypeForm,
    DecisionForm,
    DossierForm,
    PollForm,
    ReceiptForm,
    ReportUploadForm,
    RunoffForm,
)
from .models import AwardRule, AwardType, Dossier, ElectorateKind, Nomination, Poll, PollStatus


def _error(request, exc):
    for msg in exc.messages:
        messages.error(request, msg)


def _action_labels():
    return {
        "poll.opened": _("poll opened"),
        "poll.voted": _("voted"),
        "poll.closed": _("poll closed and counted"),
        "poll.published": _("result published"),
        "poll.runoff_opened": _("run-off opened"),
    }


def _labelled(events):
    labels = _action_labels()
    events = list(events)
    for e in events:
        e.label = labels.get(e.action, e.action)
    return events


def _poll_for(request, pk, perm="awards.view_poll"):
    user = request.user
    if user.province_id is None:
        raise Http404
    poll = get_object_or_404(
        Poll.objects.select_related("award_type", "cluster_year__cluster", "parent"),
        pk=pk,
        cluster_year__cluster__province_id=user.province_id,
    )
    if perm:
        require(user, perm, poll.cluster_year)
    return poll


def _nomination_for(request, pk):
    user = request.user
    if user.province_id is None:
        raise Http404
    return get_object_or_404(
        Nomination.objects.select_related("award_type", "cluster_year__cluster"),
        pk=pk,
        cluster_year__cluster__province_id=user.province_id,
    )


# ---------------------------------------------------------------------------------------------
# The year's overview, award types and rules


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
            "can_manage_polls": user.has_perm("awards.manage_polls", cy),
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
            _error(request, exc)
    types = AwardType.objects.filter(province_id=request.user.province_id)
    return render(request, "awards/types.html", {"types": types, "form": form})


@login_required
def award_type_edit(request, pk):
    award_type = get_object_or_404(AwardType, pk=pk, province_id=request.user.province_id)
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
            _error(request, exc)
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
            _error(request, exc)
    return render(request, "awards/rule_form.html", {"form": form, "year": cy, "award_type": award_type})


# ---------------------------------------------------------------------------------------------
# Polls (the cluster secretary)


def _voter_queryset(cy):
    members = list(selectors.unit_roles(cy))
    return (
        User.objects.filter(province_id=cy.cluster.province_id, is_active=True)
        .filter(Q(roles__role=Role.COUNCIL_MEMBER) | Q(unit_id__in=members, roles__role=Role.UNIT_LEADER))
        .select_related("unit")
        .distinct()
        .order_by("unit__name", "username")
    )


@login_required
def poll_create(request, pk):
    cy = year_for(request, pk, "awards.manage_polls")
    award_type = get_object_or_404(
        AwardType,
        pk=request.GET.get("award") or request.POST.get("award") or 0,
        province_id=cy.cluster.province_id,
    )
    rule = (
        AwardRule.objects.filter(cluster_year=cy, award_type=award_type).select_related("award_type").first()
    )
    if rule is None:
        messages.error(request, _("The province has not set the rule of this award for this year."))
        return redirect("awards:year", pk=cy.pk)
    options = selectors.candidate_options(cy, rule)
    kind = request.GET.get("electorate") or ElectorateKind.UNITS
    initial = {
        "title": award_type.name,
        "electorate_kind": kind,
        "candidates": [str(o.unit_id) for o in options if o.allowed],
        "voters": selectors.default_voters(cy, kind),
    }
    form = PollForm(
        request.POST or None, options=options, voter_queryset=_voter_queryset(cy), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = [o.unit_id for o in options if str(o.unit_id) in data["candidates"]]
        try:
            poll = services.poll_open(
                cluster_year=cy,
                award_type=award_type,
                title=data["title"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                electorate_kind=data["electorate_kind"],
                voters=data["voters"],
                candidate_units=Unit.objects.filter(pk__in=units),
                actor=request.user,
            )
            messages.success(request, _("The poll is open."))
            return redirect("awards:poll", pk=poll.pk)
        except ValidationError as exc:
            _error(request, exc)
    return render(
        request,
        "awards/poll_form.html",
        {
            "form": form,
            "year": cy,
            "award_type": award_type,
            "rule": rule,
            "options": options,
            "seats": selectors.poll_seats(cy, rule),
            "has_ranking": any(o.rank is not None for o in options),
            "pending": selectors.higher_awards_pending(cy, award_type),
        },
    )


@login_required
def poll_detail(request, pk):
    poll = _poll_for(request, pk)
    user = request.user
    cy = poll.cluster_year
    can_manage = user.has_perm("awards.manage_polls", cy)
    is_admin = user.has_perm("awards.manage_rules", cy)
    # counts are shown to the secretary and the province once closed, to everyone once published
    show_results = (poll.is_counted and (can_manage or is_admin)) or poll.status == PollStatus.PUBLISHED
    turnout = selectors.turnout(poll)
    return render(
        request,
        "awards/poll_detail.html",
        {
            "poll": poll,
            "year": cy,
            "can_manage": can_manage,
            "show_results": show_results,
            "candidates": list(poll.candidates.all()),
            "electors": selectors.electors_with_participation(poll) if (can_manage or is_admin) else None,
            "voted": turnout[0],
            "electorate": turnout[1],
            "percent": turnout[2],
            "runoff": poll.runoffs.first(),
            "runoff_form": RunoffForm() if can_manage else None,
            "history": history_for(poll).exclude(action="poll.voted")[:30]
            if (can_manage or is_admin)
            else None,
            "is_elector": poll.electors.filter(user_id=user.pk).exists(),
        },
    )


@login_required
def poll_turnout(request, pk):
    """htmx partial: how many have voted — never what they voted."""
    poll = _poll_for(request, pk)
    voted, electorate, percent = selectors.turnout(poll)
    return render(
        request,
        "awards/_turnout.html",
        {"poll": poll, "voted": voted, "electorate": electorate, "percent": percent},
    )


@login_required
@require_POST
def poll_close(request, pk):
    poll = _poll_for(request, pk, "awards.manage_polls")
    try:
        poll = services.poll_close(poll=poll, actor=request.user)
        if poll.flagged:
            messages.warning(request, poll.flag_reason)
        else:
            messages.success(request, _("The poll is closed and counted."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("awards:poll", pk=poll.pk)


@login_required
@require_POST
def poll_publish(request, pk):
    poll = _poll_for(request, pk, "awards.manage_polls")
    try:
        services.poll_publish(poll=poll, actor=request.user)
        messages.success(request, _("The result is published."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("awards:poll", pk=poll.pk)


@login_required
@require_POST
def poll_runoff(request, pk):
    poll = _poll_for(request, pk, "awards.manage_polls")
    form = RunoffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the opening and closing time."))
        return redirect("awards:poll", pk=poll.pk)
    try:
        child = services.runoff_open(poll=poll, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The run-off is open."))
        return redirect("awards:poll", pk=child.pk)
    except ValidationError as exc:
        _error(request, exc)
    return redirect("awards:poll", pk=poll.pk)


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


# ---------------------------------------------------------------------------------------------
# Voting


@login_required
def my_ballots(request):
    return render(request, "awards/my_ballots.html", {"polls": selectors.open_polls_for_voter(request.user)})


@login_required
def vote(request, pk):
    """The ballot: choose (GET), confirm (POST step=confirm), cast (POST step=cast) → receipt."""
    poll = _poll_for(request, pk, perm=None)
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


# ---------------------------------------------------------------------------------------------
# Dossier: minutes, cover letter, achievement reports, decisions


def _dossier_documents(cy):
    keys = {documents.minutes_key(cy): "minutes", documents.cover_key(cy): "cover"}
    return {keys[d.key]: d for d in Document.objects.filter(key__in=list(keys))}


@login_required
def dossier(request, pk):
    cy = year_for(request, pk, "awards.view_awards")
    user = request.user
    can_manage = user.has_perm("awards.manage_polls", cy)
    record = Dossier.objects.filter(cluster_year=cy).first()
    form = DossierForm(request.POST or None, instance=record) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.dossier_save(cluster_year=cy, actor=user, **form.cleaned_data)
                messages.success(request, _("The meeting details are saved."))
                return redirect("awards:dossier", pk=cy.pk)
            except ValidationError as exc:
                _error(request, exc)
    nominations = selectors.nominations_for_year(cy)
    for n in nominations:
        n.cluster_year = cy  # the permission rules then use the year already loaded
        n.can_upload = user.has_perm("awards.upload_report", n) and not (record and record.submitted_at)
    return render(
        request,
        "awards/dossier.html",
        {
            "year": cy,
            "form": form,
            "dossier": record,
            "nominations": nominations,
            "can_manage": can_manage,
            "can_decide": user.has_perm("awards.record_decision", cy),
            "docs": _dossier_documents(cy),
            "upload_form": ReportUploadForm(),
        },
    )


@login_required
@require_POST
def dossier_document(request, pk, kind):
    cy = year_for(request, pk, "awards.manage_polls")
    if kind not in ("minutes", "cover"):
        raise Http404
    if not Dossier.objects.filter(cluster_year=cy, meeting_date__isnull=False).exists():
        messages.error(request, _("Enter the date and place of the review meeting first."))
        return redirect("awards:dossier", pk=cy.pk)
    documents.request(cy, kind, actor=request.user)
    messages.info(request, _("The document is being prepared."))
    return redirect("awards:dossier", pk=cy.pk)


@login_required
@require_POST
def dossier_submit(request, pk):
    cy = year_for(request, pk, "awards.manage_polls")
    try:
        services.dossier_submit(cluster_year=cy, actor=request.user)
        messages.success(request, _("The dossier is submitted to the province."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("awards:dossier", pk=cy.pk)


@login_required
@require_POST
def report_upload(request, pk):
    nomination = _nomination_for(request, pk)
    require(request.user, "awards.upload_report", nomination)
    form = ReportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.achievement_report_upload(
                nomination=nomination, upload=form.cleaned_data["report"], actor=request.user
            )
            messages.success(request, _("The achievement report is uploaded."))
        except ValidationError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Choose a PDF file."))
    return redirect("awards:dossier", pk=nomination.cluster_year_id)


@login_required
def report_download(request, pk):
    nomination = _nomination_for(request, pk)
    require(request.user, "awards.view_awards", nomination.cluster_year)
    if not nomination.achievement_report:
        raise Http404
    return FileResponse(
        nomination.achievement_report.open("rb"),
        as_attachment=True,
        filename=f"bao-cao-thanh-tich-{nomination.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
def decision(request, pk):
    nomination = _nomination_for(request, pk)
    require(request.user, "awards.record_decision", nomination.cluster_year)
    existing = getattr(nomination, "decision", None) if hasattr(nomination, "decision") else None
    initial = {}
    if existing:
        initial = {
            "number": existing.number,
            "date": existing.date,
            "outcome": existing.outcome,
            "granted_award": existing.granted_award_id,
            "note": existing.note,
        }
    form = DecisionForm(request.POST or None, province=request.user.province, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(nomination=nomination, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The decision is recorded."))
            return redirect("awards:dossier", pk=nomination.cluster_year_id)
        except ValidationError as exc:
            _error(request, exc)
    return render(
        request,
        "awards/form.html",
        {
            "form": form,
            "title": _("Decision on %(nomination)s") % {"nomination": nomination},
            "history": history_for(nomination)[:20],
        },
    )
