"""The province admin's check of the audit trail (kept out of views.py).

The page never recomputes the chain: it shows the latest check made by the Celery task
(clusters.chain_checks), whether one is queued or running, and how many events were recorded
since; the button queues a new check, optionally against a head printed on paper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import chain_checks
from .access import require
from .forms import ChainExpectForm
from .models import AuditEvent


@login_required
@require_http_methods(["GET", "POST"])
def audit_chain(request):
    if request.user.province_id is None:
        raise Http404
    province = request.user.province
    require(request.user, "clusters.manage_province", province)
    form = ChainExpectForm()
    if request.method == "POST":
        form = ChainExpectForm(request.POST) if "seq" in request.POST else None
        if form is None or form.is_valid():
            expect = (form.cleaned_data["seq"], form.cleaned_data["hash"]) if form else None
            check, created = chain_checks.check_request(province=province, actor=request.user, expect=expect)
            if created:
                messages.info(request, _("The check is queued; its result appears on this page."))
            elif expect:
                messages.warning(
                    request,
                    _(
                        "A check is already queued or running; no other was started, and the head printed "
                        "on paper was not compared. Enter it again once that check is done."
                    ),
                )
            else:
                messages.warning(
                    request,
                    _("A check is already queued or running; no other was started. Wait for its result."),
                )
            return redirect("clusters:audit_chain")
    done, failed, pending = chain_checks.latest(province.pk)
    head_seq, hash_now = chain_checks.stored_head_and_hash_at(province.pk, done.head_seq if done else None)
    cut = done.cut_since(head_seq) if done else False
    broken = None
    if done and done.broken_event_id:
        broken = (
            AuditEvent.objects.select_related("actor")
            .filter(province_id=province.pk, pk=done.broken_event_id)
            .first()
        )
    context = {
        "done": done,
        "failed": failed,
        "pending": pending,
        "since": done.events_since(head_seq) if done else 0,
        "cut": cut,
        # the event the check ended at has another hash now: rewritten since (same length)
        "rewritten": bool(done and done.head_seq and not cut and hash_now != done.head_hash),
        "head_seq": head_seq or 0,
        "age": chain_checks.age_text(done.finished_at) if done else "",
        "broken": broken,
        "form": form,
    }
    return render(request, "clusters/audit_chain.html", context)
