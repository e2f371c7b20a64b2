"""The province admin's pages about the audit trail and accounts (kept out of views.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .access import province_object, require
from .audit import verify_chain
from .forms import ChainExpectForm
from .models import AuditEvent, User


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


@login_required
@require_POST
def user_active(request, pk):
    target = province_object(request, User, pk=pk)
    require(request.user, "clusters.manage_province", target)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=target, active=active, actor=request.user)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Account reactivated.") if active else _("Account deactivated."))
    return redirect("clusters:user_list")
