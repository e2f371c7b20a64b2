"""Who runs a cluster's year: the cluster secretary accounts of its head unit. At the hand-over the
next head unit's account(s) named by the conference get the role here, so that the next year
never starts without an operator."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .models import Role, User, UserRole


def operators_of(unit):
    """The active accounts of `unit` holding the cluster secretary role."""
    return User.objects.filter(unit=unit, is_active=True, roles__role=Role.CLUSTER_SECRETARY)


@transaction.atomic
def secretaries_assign(*, cluster_year, unit, users, actor):
    """At the hand-over of `cluster_year`: give `users` (accounts of `unit`, next year's head) the
    cluster secretary role; each grant audited. Allowed to whoever may open the next year."""
    if actor is None or not actor.has_perm("clusters.open_next_year", cluster_year):
        raise PermissionDenied
    granted = []
    for user in users:
        if user.province_id != cluster_year.cluster.province_id or user.unit_id != unit.pk:
            raise ValidationError(
                _("%(user)s is not an account of %(unit)s, next year's head unit.")
                % {"user": user.full_name or user.username, "unit": unit.name}
            )
        if not user.is_active:
            raise ValidationError(
                _("The account %(user)s is deactivated.") % {"user": user.full_name or user.username}
            )
        old = sorted(user.roles.values_list("role", flat=True))
        if Role.CLUSTER_SECRETARY in old:
            continue
        UserRole.objects.create(user=user, role=Role.CLUSTER_SECRETARY)
        user.__dict__.pop("_role_codes", None)
        audit.record(
            actor=actor,
            action="user.roles_changed",
            obj=user,
            data={"old": old, "new": sorted([*old, Role.CLUSTER_SECRETARY])},
            reason=_("Hand-over of year %(year)s: secretary of the new head unit")
            % {"year": cluster_year.year},
        )
        granted.append(user)
    return granted


def require_operator(unit):
    """ValidationError unless `unit` has an active cluster secretary account."""
    if not operators_of(unit).exists():
        raise ValidationError(
            _(
                "Next year would have no operator: name at least one secretary account of "
                "%(unit)s (the new head unit), or create one first."
            )
            % {"unit": unit.name},
            code="no_operator",
        )
