"""Accounts of the province: list and search, create, edit (unit, name), roles, deactivate and
reactivate, a set-password link by e-mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import accounts
from .access import province_object, require
from .forms import UserCreateForm, UserEditForm, UserRolesForm
from .models import User


def _error(request, exc):
    for msg in exc.messages:
        messages.error(request, msg)


@login_required
def user_list(request):
    require(request.user, "clusters.manage_province", request.user.province)
    q = request.GET.get("q", "").strip()
    users = User.objects.filter(province_id=request.user.province_id)
    if q:  # by user name, full name or unit
        users = users.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(unit__name__icontains=q)
        )
    users = users.select_related("unit").prefetch_related("roles").order_by("unit__name", "username")
    return render(request, "clusters/user_list.html", {"users": users, "q": q})


@login_required
def user_create(request):
    require(request.user, "clusters.manage_province", request.user.province)
    form = UserCreateForm(request.POST or None, province=request.user.province)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.user_create(province=request.user.province, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Account created."))
            return redirect("clusters:user_list")
        except ValidationError as exc:
            _error(request, exc)
    return render(request, "clusters/form.html", {"form": form, "title": _("New account")})


@login_required
def user_edit(request, pk):
    target = province_object(request, User, pk=pk)
    require(request.user, "clusters.manage_province", target)
    initial = {f: getattr(target, f) for f in ("full_name", "job_title", "email", "unit")}
    form = UserEditForm(request.POST or None, initial=initial, province=request.user.province)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.user_update(user=target, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Account updated."))
            return redirect("clusters:user_list")
        except ValidationError as exc:
            _error(request, exc)
    title = _("Account %(name)s") % {"name": target.username}
    return render(request, "clusters/form.html", {"form": form, "title": title})


@login_required
def user_roles(request, pk):
    target = province_object(request, User, pk=pk)
    require(request.user, "clusters.manage_province", target)
    form = UserRolesForm(request.POST or None, initial={"roles": list(target.role_codes)})
    if request.method == "POST" and form.is_valid():
        accounts.user_set_roles(user=target, roles=form.cleaned_data["roles"], actor=request.user)
        messages.success(request, _("Roles updated."))
        return redirect("clusters:user_list")
    return render(
        request, "clusters/form.html", {"form": form, "title": _("Roles of %(name)s") % {"name": target}}
    )


@login_required
@require_POST
def user_active(request, pk):
    target = province_object(request, User, pk=pk)
    require(request.user, "clusters.manage_province", target)
    active = request.POST.get("active") == "1"
    try:
        accounts.user_set_active(user=target, active=active, actor=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Account reactivated.") if active else _("Account deactivated."))
    return redirect("clusters:user_list")


@login_required
@require_POST
def user_password_link(request, pk):
    target = province_object(request, User, pk=pk)
    require(request.user, "clusters.manage_province", target)
    try:
        accounts.user_send_password_link(user=target, actor=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("A link to set a new password was sent to %(email)s.") % {"email": target.email}
        )
    return redirect("clusters:user_list")
