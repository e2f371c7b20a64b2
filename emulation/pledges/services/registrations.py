"""A unit's registration (đăng ký thi đua): its targets and the titles it aims for."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from clusters.closing import refuse_if_closed
from clusters.models import ClusterYear
from emulation.scoring.values import TARGET_MAX, parse_decimal

from ..models import Registration, RegistrationTarget
from ._common import OPEN_STAGES, is_member, nfc, require

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _clean_targets(targets):
    clean, errors, seen = [], [], set()
    for n, row in enumerate(targets, 1):
        key, name = nfc(row.get("key")).lower(), nfc(row.get("name"))
        if not name:
            errors.append(_("Row %(n)s: the target needs a name.") % {"n": n})
            continue
        if not KEY_RE.match(key):
            errors.append(
                _("Row %(n)s: the key may only contain lower-case letters, digits and dashes.") % {"n": n}
            )
            continue
        if key in seen:
            errors.append(_("Row %(n)s: the key “%(key)s” is used twice.") % {"n": n, "key": key})
            continue
        seen.add(key)
        try:
            value = parse_decimal(row.get("value"), places=3, minimum=-TARGET_MAX, maximum=TARGET_MAX)
        except ValidationError as exc:
            if exc.error_list[0].code in ("invalid", "required"):
                errors.append(_("Row %(n)s: the value must be a number.") % {"n": n})
            else:  # too large, too many decimals, could be read two ways: say which
                errors.append(_("Row %(n)s: %(error)s") % {"n": n, "error": exc.messages[0]})
            continue
        clean.append(
            RegistrationTarget(
                key=key,
                name=name,
                value=value,
                measure=nfc(row.get("measure")),
                note=nfc(row.get("note")),
                position=n,
            )
        )
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError(_("Register at least one target."))
    return clean


@transaction.atomic
def registration_save(*, cluster_year, unit, aims, targets, actor):
    """Save a unit's registration: `targets` is a list of dicts (key, name, value, measure, note);
    the list replaces the earlier one. Nothing is saved when one row is wrong. Only the unit's
    own staff may write it (rule pledges.edit_registration)."""
    cy = ClusterYear.objects.select_for_update().select_related("cluster").get(pk=cluster_year.pk)
    refuse_if_closed(cy)  # a closed year refuses every change, whoever asks
    if cy.stage not in OPEN_STAGES:
        raise ValidationError(_("Registrations are closed for this year."))
    if not is_member(cy, unit):
        raise ValidationError(_("This unit is not a member of the cluster this year."))
    require(actor, "pledges.edit_registration", cy)
    if actor.unit_id != unit.pk:
        raise PermissionDenied
    clean = _clean_targets(targets)
    reg, created = Registration.objects.select_for_update().get_or_create(cluster_year=cy, unit=unit)
    old = {"aims": reg.aims, "targets": [(t.key, str(t.value)) for t in reg.targets.all()]}
    reg.targets.all().delete()
    for t in clean:
        t.registration = reg
    RegistrationTarget.objects.bulk_create(clean)
    reg.aims, reg.submitted_at, reg.submitted_by = nfc(aims), timezone.now(), actor
    reg.save()
    audit.record(
        actor=actor,
        action="registration.saved",
        obj=reg,
        province_id=unit.province_id,
        data={
            "old": None if created else old,
            "new": {"aims": reg.aims, "targets": [(t.key, str(t.value)) for t in clean]},
        },
    )
    return reg
