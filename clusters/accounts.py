"""Account care by the province admin: create, roles, unit and name, deactivate/reactivate,
a set-password link sent by e-mail.

One function per change, atomic and audited; each takes the acting user and checks that the
account is in the actor's province (clusters.manage_province), like clusters.services."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import audit
from .models import Role, User, UserRole
from .services import _require


@transaction.atomic
def user_create(*, province, unit, username, password, full_name, roles, actor, email=""):
    _require(actor, "clusters.manage_province", province)
    if unit is not None and unit.province_id != province.pk:
        raise ValidationError(_("The unit belongs to another province."))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("The user name “%(name)s” is taken.") % {"name": username})
    user = User.objects.create_user(
        username=username, password=password, email=email, province=province, unit=unit, full_name=full_name
    )
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    audit.record(actor=actor, action="user.created", obj=user, data={"roles": sorted(roles)})
    return user


@transaction.atomic
def user_set_roles(*, user, roles, actor):
    _require(actor, "clusters.manage_province", user)
    roles = set(roles)
    invalid = roles - set(Role.values)
    if invalid:
        raise ValidationError(_("Unknown role."))
    old = set(user.roles.values_list("role", flat=True))
    user.roles.exclude(role__in=roles).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles - old])
    user.__dict__.pop("_role_codes", None)
    audit.record(
        actor=actor, action="user.roles_changed", obj=user, data={"old": sorted(old), "new": sorted(roles)}
    )
    return user


@transaction.atomic
def user_set_active(*, user, active, actor):
    """Deactivate (or reactivate) an account. Accounts are never deleted: their events keep them."""
    _require(actor, "clusters.manage_province", user)
    if user.pk == getattr(actor, "pk", None) and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action="user.activated" if active else "user.deactivated", obj=user)
    return user


@transaction.atomic
def user_update(*, user, actor, unit, full_name, job_title="", email=""):
    """An account's unit and name (its state changes through user_set_active)."""
    _require(actor, "clusters.manage_province", user)
    if unit is not None and unit.province_id != user.province_id:
        raise ValidationError(_("The unit belongs to another province."))
    fields = ("unit_id", "full_name", "job_title", "email")
    user = User.objects.select_for_update().get(pk=user.pk)
    old = {f: getattr(user, f) for f in fields}
    user.unit, user.full_name, user.job_title, user.email = unit, full_name, job_title, email
    changed = [f for f in fields if old[f] != getattr(user, f)]
    if not changed:  # saved unchanged: nothing to write, no empty event in the trail
        return user
    user.save(update_fields=["unit", "full_name", "job_title", "email"])
    audit.record(
        actor=actor,
        action="user.updated",
        obj=user,
        data={"old": {f: old[f] for f in changed}, "new": {f: getattr(user, f) for f in changed}},
    )
    return user


def password_link(user):
    """The set-password address for `user` (Django's one-use token: it stops working once the
    password changes or after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)}
    )
    return settings.SITE_URL + path


@transaction.atomic
def user_send_password_link(*, user, actor):
    """E-mail the account a link to set a new password; nobody ever sees a password. Audited."""
    _require(actor, "clusters.manage_province", user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("Reactivate the account before sending it a password link."))
    if not user.email:
        raise ValidationError(_("The account has no e-mail address: add one first."))
    link, address = password_link(user), user.email
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Set your password")
        body = _(
            "Dear %(name)s,\n\nYour province admin asked for a new password for your account "
            "“%(username)s”. Open this link to choose it:\n\n%(link)s\n\n"
            "The link works once. If you did not expect it, tell your province admin."
        ) % {"name": user.full_name or user.username, "username": user.username, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    audit.record(actor=actor, action="user.password_link_sent", obj=user, data={"email": address})
    return user
