"""Every dated change of units: one function per kind, atomic, audited, each with its legal basis
(decision number and date). Reads of the result live in clusters.timeline.

Who may record what:
- rename / change of type, merge, split, abolish: the province admin of the units' province
  (`clusters.manage_province`);
- a transfer to another province and a merge of two provinces touch two provinces: superusers
  only (`clusters.manage_provinces`), since no province admin speaks for the other province.
  A province merge moves the units still in existence and the accounts of the merged province
  to the receiving one (the province admin role is taken off the moved accounts: the receiving
  province's admin grants it again); the merged province's clusters and years stay as they were,
  under the old province, and the receiving province's people reach them (clusters.access)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .closing import refuse_if_closed
from .event_models import UnitEvent, UnitEventKind, UnitEventLink
from .models import ClusterYear, Province, Role, Stage, Unit, UnitVersion, User, UserRole

PROVINCE_ROLES = (Role.PROVINCE_ADMIN, Role.COUNCIL_MEMBER)


def _require(actor, perm, obj):
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _check_basis(decision_number, decision_date, effective):
    if not (decision_number or "").strip():
        raise ValidationError(_("Enter the number of the decision that makes this change."))
    if decision_date is None or effective is None:
        raise ValidationError(_("Enter the decision's date and the date the change takes effect."))


def _lock_alive(units, effective, *, changed=True):
    """The units, locked, each still in existence on `effective` with no later change recorded.
    `changed`: their name, existence or province changes, so no closed year from `effective`'s
    year on may have them as members (the year's record would change; re-open it first)."""
    locked = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk"))
    if changed and locked:
        closed = (
            ClusterYear.objects.filter(
                memberships__unit__in=locked, stage=Stage.CLOSED, year__gte=effective.year
            )
            .order_by("year")
            .first()
        )
        if closed is not None:
            refuse_if_closed(closed)
    for unit in locked:
        if unit.ended_on is not None:
            raise ValidationError(
                _("%(unit)s ceased to exist on %(date)s.")
                % {"unit": unit.name, "date": unit.ended_on.strftime("%d/%m/%Y")}
            )
        if unit.started_on and unit.started_on > effective:
            raise ValidationError(
                _("%(unit)s only exists from %(date)s.")
                % {"unit": unit.name, "date": unit.started_on.strftime("%d/%m/%Y")}
            )
        later = UnitEventLink.objects.filter(unit=unit, event__effective__gt=effective).exists()
        if later or unit.versions.filter(valid_until__gt=effective).exists():
            raise ValidationError(_("A later change of %(unit)s is already recorded.") % {"unit": unit.name})
    return locked


def _event(*, kind, province, effective, actor, basis, from_province=None, shared_history=False):
    _check_basis(basis.get("decision_number"), basis.get("decision_date"), effective)
    return UnitEvent.objects.create(
        kind=kind,
        province=province,
        from_province=from_province,
        effective=effective,
        decision_number=basis["decision_number"].strip(),
        decision_date=basis["decision_date"],
        decision_body=(basis.get("decision_body") or "").strip(),
        note=(basis.get("note") or "").strip(),
        shared_history=shared_history,
        recorded_by=actor,
    )


def _record(actor, action, event, units, **data):
    audit.record(
        actor=actor,
        action=action,
        obj=event,
        province_id=event.province_id,
        data={
            "effective": event.effective,
            "decision": event.basis,
            "units": [u.pk for u in units],
            **data,
        },
    )


def _new_unit(province, spec, effective):
    code = spec["code"]
    if Unit.objects.filter(province=province, code=code).exists():
        raise ValidationError(_("A unit with code “%(code)s” already exists.") % {"code": code})
    return Unit.objects.create(
        province=province,
        code=code,
        kind=spec["kind"],
        name=spec["name"],
        short_name=spec.get("short_name", ""),
        started_on=effective,
    )


def _end(unit, effective, carrier=None):
    unit.ended_on = effective
    if carrier is not None:
        unit.merged_into, unit.merged_on = carrier, effective
    unit.save(update_fields=["ended_on", "merged_into", "merged_on"])


@transaction.atomic
def unit_rename(*, unit, name, short_name, kind, effective, actor, **basis):
    """Rename a unit and/or change its type from `effective`; until the day before it keeps the
    old name and type everywhere (year pages on earlier dates, earlier years, documents)."""
    _require(actor, "clusters.manage_province", unit)
    (unit,) = _lock_alive([unit], effective)
    if unit.versions.filter(valid_until__gte=effective).exists():
        raise ValidationError(_("A later change of this unit is already recorded."))
    event = _event(
        kind=UnitEventKind.RENAME, province=unit.province, effective=effective, actor=actor, basis=basis
    )
    UnitEventLink.objects.create(event=event, unit=unit, successor=unit)
    UnitVersion.objects.create(
        unit=unit, name=unit.name, short_name=unit.short_name, kind=unit.kind, valid_until=effective
    )
    old = {"name": unit.name, "short_name": unit.short_name, "kind": unit.kind}
    unit.name, unit.short_name, unit.kind = name, short_name, kind
    unit.save(update_fields=["name", "short_name", "kind"])
    audit.record(
        actor=actor,
        action="unit.renamed",
        obj=unit,
        data={
            "old": old,
            "new": {"name": name, "short_name": short_name, "kind": kind},
            "effective": effective,
            "decision": event.basis,
        },
    )
    return unit


@transaction.atomic
def units_merge(*, units, effective, actor, into=None, new_unit=None, **basis):
    """Merge `units` into one from `effective`: into an existing unit `into` (which goes on and
    carries their history), or into a new unit described by `new_unit` ({code, name, kind,
    short_name}). Each merged unit ceases to exist that day; later years copy it to the result."""
    units = [u for u in units if into is None or u.pk != into.pk]
    if not units:
        raise ValidationError(_("Choose the units that are merged."))
    if (into is None) == (new_unit is None):
        raise ValidationError(_("Choose the unit they are merged into, or describe a new one."))
    province = units[0].province
    for unit in units:
        _require(actor, "clusters.manage_province", unit)
        if unit.province_id != province.pk:
            raise ValidationError(_("Both units must belong to the same province."))
    if into is not None:
        if into.province_id != province.pk:
            raise ValidationError(_("Both units must belong to the same province."))
        _lock_alive([into], effective, changed=False)
    locked = _lock_alive(units, effective)
    event = _event(kind=UnitEventKind.MERGE, province=province, effective=effective, actor=actor, basis=basis)
    into = into or _new_unit(province, new_unit, effective)
    for unit in locked:
        _end(unit, effective, carrier=into)
        UnitEventLink.objects.create(event=event, unit=unit, successor=into)
    _record(actor, "unit.merged", event, locked, into=into.pk, into_name=into.name)
    return into


@transaction.atomic
def unit_split(*, unit, successors, effective, actor, history_to=None, **basis):
    """Split `unit` among `successors` (existing units, or dicts {code, name, kind, short_name}
    for new ones) from `effective`. `history_to`: the position (0-based) of the successor that
    carries the unit's earlier years; None: the history is shared by all of them."""
    _require(actor, "clusters.manage_province", unit)
    if len(successors) < 2:
        raise ValidationError(_("A split needs at least two successors."))
    if history_to is not None and not 0 <= history_to < len(successors):
        raise ValidationError(_("Choose which successor carries the history, or share it."))
    existing = [s for s in successors if isinstance(s, Unit)]
    if any(s.pk == unit.pk for s in existing):
        raise ValidationError(_("A unit cannot be its own successor; rename it instead."))
    if len({s.pk for s in existing}) != len(existing):
        raise ValidationError(_("The same successor is named twice."))
    if any(s.province_id != unit.province_id for s in existing):
        raise ValidationError(_("Both units must belong to the same province."))
    (unit,) = _lock_alive([unit], effective)
    _lock_alive(existing, effective, changed=False)
    shared = history_to is None
    event = _event(
        kind=UnitEventKind.SPLIT,
        province=unit.province,
        effective=effective,
        actor=actor,
        basis=basis,
        shared_history=shared,
    )
    results = [s if isinstance(s, Unit) else _new_unit(unit.province, s, effective) for s in successors]
    UnitEventLink.objects.bulk_create(
        [
            UnitEventLink(event=event, unit=unit, successor=s, carries_history=shared or i == history_to)
            for i, s in enumerate(results)
        ]
    )
    _end(unit, effective, carrier=None if shared else results[history_to])
    _record(
        actor,
        "unit.split",
        event,
        [unit],
        successors=[s.pk for s in results],
        successor_names=[s.name for s in results],
        shared=shared,
    )
    return results


@transaction.atomic
def unit_abolish(*, unit, effective, actor, **basis):
    """The unit ceases to exist from `effective` with no successor; earlier years keep it."""
    _require(actor, "clusters.manage_province", unit)
    (unit,) = _lock_alive([unit], effective)
    event = _event(
        kind=UnitEventKind.ABOLISH, province=unit.province, effective=effective, actor=actor, basis=basis
    )
    UnitEventLink.objects.create(event=event, unit=unit, successor=None)
    _end(unit, effective)
    _record(actor, "unit.abolished", event, [unit])
    return unit


def _move(unit, to_province, event, *, prefix=""):
    """The unit (and the accounts of its staff) now in `to_province`; its code is kept unless the
    province already uses it (then `prefix`-code, or refused)."""
    code = unit.code
    if Unit.objects.filter(province=to_province, code=code).exclude(pk=unit.pk).exists():
        if not prefix:
            raise ValidationError(_("The province already has a unit with code “%(code)s”.") % {"code": code})
        code = f"{prefix}-{code}"[:40]
    unit.province, unit.code = to_province, code
    unit.save(update_fields=["province", "code"])
    UnitEventLink.objects.create(event=event, unit=unit, successor=unit)
    return list(User.objects.filter(unit=unit).values_list("pk", flat=True))


@transaction.atomic
def unit_transfer(*, unit, to_province, effective, actor, **basis):
    """A unit moves to another province from `effective` (superusers: two provinces concerned).
    Its accounts follow it; the clusters it belonged to keep their years."""
    _require(actor, "clusters.manage_provinces", to_province)
    if unit.province_id == to_province.pk:
        raise ValidationError(_("The unit already belongs to this province."))
    (unit,) = _lock_alive([unit], effective)
    from_province = unit.province
    event = _event(
        kind=UnitEventKind.TRANSFER,
        province=to_province,
        from_province=from_province,
        effective=effective,
        actor=actor,
        basis=basis,
    )
    users = _move(unit, to_province, event)
    User.objects.filter(pk__in=users).update(province=to_province)
    # a province's roles stay with the province: its admin or council member whose unit moves is
    # neither in the receiving province until that province names them
    province_roles = UserRole.objects.filter(user_id__in=users, role__in=PROVINCE_ROLES)
    roles_removed = sorted(province_roles.values_list("user_id", "role"))
    province_roles.delete()
    _record(
        actor,
        "unit.transferred",
        event,
        [unit],
        from_province=from_province.pk,
        users=users,
        roles_removed=[list(r) for r in roles_removed],
    )
    audit.record(
        actor=actor,
        action="unit.transferred",
        obj=event,
        province_id=from_province.pk,
        data={
            "effective": effective,
            "decision": event.basis,
            "units": [unit.pk],
            "to_province": to_province.pk,
        },
    )
    return unit


@transaction.atomic
def province_merge(*, province, into, effective, actor, **basis):
    """`province` is merged into `into` from `effective` (e.g. Hải Dương into Hải Phòng on
    01/07/2025). Superusers only. Its units still in existence and its accounts move to `into`
    (a clashing unit code gets the old province's code in front); its clusters and their years
    stay under the old province, so every earlier page, ranking and document is unchanged."""
    _require(actor, "clusters.manage_provinces", into)
    if province.pk == into.pk:
        raise ValidationError(_("A province cannot be merged into itself."))
    list(
        Province.objects.select_for_update().filter(pk__in=[province.pk, into.pk]).order_by("pk")
    )  # one at a time
    if UnitEvent.objects.filter(kind=UnitEventKind.PROVINCE_MERGE, from_province=into).exists():
        raise ValidationError(_("This province has already been merged."))
    if UnitEvent.objects.filter(kind=UnitEventKind.PROVINCE_MERGE, from_province=province).exists():
        raise ValidationError(_("This province has already been merged."))
    event = _event(
        kind=UnitEventKind.PROVINCE_MERGE,
        province=into,
        from_province=province,
        effective=effective,
        actor=actor,
        basis=basis,
    )
    units = list(Unit.objects.select_for_update().filter(province=province, ended_on=None).order_by("pk"))
    later = UnitEventLink.objects.filter(unit__in=units, event__effective__gt=effective).select_related(
        "unit"
    )
    if (link := later.first()) is not None:
        raise ValidationError(_("A later change of %(unit)s is already recorded.") % {"unit": link.unit.name})
    taken = set(Unit.objects.filter(province=into).values_list("code", flat=True))
    for unit in units:  # set-based: a province of 300 units moves in a handful of queries
        if unit.code in taken:
            unit.code = f"{province.code}-{unit.code}"[:40]
        if unit.code in taken:
            raise ValidationError(
                _("The province already has a unit with code “%(code)s”.") % {"code": unit.code}
            )
        taken.add(unit.code)
        unit.province = into
    Unit.objects.bulk_update(units, ["province", "code"], batch_size=500)
    UnitEventLink.objects.bulk_create([UnitEventLink(event=event, unit=u, successor=u) for u in units])
    users = list(User.objects.filter(province=province).values_list("pk", flat=True))
    User.objects.filter(pk__in=users).update(province=into)
    admins_removed = list(
        UserRole.objects.filter(user_id__in=users, role=Role.PROVINCE_ADMIN).values_list("user_id", flat=True)
    )
    UserRole.objects.filter(user_id__in=admins_removed, role=Role.PROVINCE_ADMIN).delete()
    # its council is not the receiving province's either: it names its own council members
    council = UserRole.objects.filter(user_id__in=users, role=Role.COUNCIL_MEMBER)
    council_removed = sorted(council.values_list("user_id", flat=True))
    council.delete()
    data = {
        "from_province": province.pk,
        "into": into.pk,
        "users": users,
        "admins_removed": admins_removed,
        "council_removed": council_removed,
    }
    _record(actor, "province.merged", event, units, **data)
    audit.record(
        actor=actor,
        action="province.merged",
        obj=event,
        province_id=province.pk,
        data={"effective": effective, "decision": event.basis, "units": [u.pk for u in units], **data},
    )
    return event
