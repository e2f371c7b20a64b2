"""The province admin's check of the audit trail (kept out of views.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .access import require
from .audit import verify_chain
from .forms import ChainExpectForm
from .models import AuditEvent


@login_required
def audit_chain(request):
    """Recompute the province's audit chain; optionally compare it with a head printed on paper."""
    if request.user.province_id is None:
        raise Http404
    require(request.user, "clusters.manage_province", request.user.province)
    form = ChainExpectForm(request.GET if "seq" in request.GET else None)
    expect = (
        (form.cleaned_data["seq"], form.cleaned_data["hash"]) if form.is_bound and form.is_valid() else None
    )
    check = verify_chain(request.user.province_id, expect=expect)
    broken = None
    if check.broken_id:
        broken = AuditEvent.objects.select_related("actor").get(pk=check.broken_id)
    context = {"check": check, "broken": broken, "form": form, "expect": expect}
    return render(request, "clusters/audit_chain.html", context)
