"""Writing a set-up plan: all or nothing, in one transaction. The plan is computed again under a
lock on the province (and its units and years) and must match what the preview showed. Writes
are bulk (a fixed number of queries whatever the size); the audit trail gets one event for the
upload and one per object created or changed, chained like any other (clusters.audit)."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from .. import audit
from ..accounts import password_link
from ..models import AuditEvent, Cluster, ClusterYear, MemberRole, Membership, Province, Unit, User, UserRole
from . import plan as plan_mod
from . import reader
from .layout import ACCOUNTS, CLUSTERS, MEMBERS, UNITS

NEW, CHANGED = plan_mod.NEW, plan_mod.CHANGED
UNIT_FIELDS = ("name", "short_name", "kind", "leader_name", "parent_id")


def preview(*, province, actor, data):
    """The plan of an upload (nothing written). PermissionDenied unless the province's admin."""
    if actor is None or not actor.has_perm("clusters.manage_province", province):
        raise PermissionDenied
    return plan_mod.make(province=province, actor=actor, sheets=reader.read(data))


@transaction.atomic
def apply(*, province, actor, data, digest=None):
    """Apply an upload whose preview had no error; `digest` is the preview's Plan.digest()."""
    if actor is None or not actor.has_perm("clusters.manage_province", province):
        raise PermissionDenied
    province = Province.objects.select_for_update().get(pk=province.pk)  # one set-up at a time
    plan = plan_mod.make(province=province, actor=actor, sheets=reader.read(data), lock=True)
    if not plan.ok:
        raise ValidationError(
            _("%(n)s row(s) have errors: nothing was changed. Correct them and upload the file again.")
            % {"n": plan.error_count}
        )
    if digest is not None and digest != plan.digest():
        raise ValidationError(
            _("The province's data changed since the preview: nothing was changed, check the new preview.")
        )
    events = []

    def event(action, obj, data):
        events.append(
            AuditEvent(
                province_id=province.pk,
                actor_id=actor.pk,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                data=data,
            )
        )

    _units(plan, event)
    _clusters(plan, event)
    _members(plan, event)
    new_users = _accounts(plan, event)
    counts = {
        key: {fate: sum(1 for r in rows if r.fate == fate) for fate in (NEW, CHANGED, plan_mod.UNCHANGED)}
        for key, rows in plan.rows.items()
    }
    audit.record(actor=actor, action="bulk_setup.applied", obj=province, province_id=province.pk, data=counts)
    audit.bulk_append(events)
    if new_users:
        transaction.on_commit(lambda: send_password_links(new_users))
    return plan


def _set(obj, values, fields):
    """Set `fields` of `obj` from `values`; the audit's {"old": ..., "new": ...} of what differed."""
    old = {f: getattr(obj, f) for f in fields if getattr(obj, f) != values[f]}
    for f in fields:
        setattr(obj, f, values[f])
    return {"old": old, "new": {f: values[f] for f in old}}


def _units(plan, event):
    rows = plan.rows.get(UNITS, [])
    new = [
        Unit(
            province=plan.province,
            **{k: rp.values[k] for k in ("code", "name", "short_name", "kind", "leader_name")},
        )
        for rp in rows
        if rp.fate == NEW
    ]
    Unit.objects.bulk_create(new)
    plan.units.update({u.code: u for u in new})
    touched, diffs = {u.pk: u for u in new}, {}
    for rp in rows:
        unit = plan.units[rp.values["code"]]
        parent = plan.units[rp.values["parent"]].pk if rp.values["parent"] else None
        if rp.fate == CHANGED:
            diffs[unit.pk] = _set(unit, rp.values | {"parent_id": parent}, UNIT_FIELDS)
        unit.parent_id = parent
        if rp.fate != plan_mod.UNCHANGED:
            touched[unit.pk] = unit
    Unit.objects.bulk_update(touched.values(), ["name", "short_name", "kind", "leader_name", "parent"])
    for rp in rows:
        unit = plan.units[rp.values["code"]]
        if rp.fate == NEW:
            event("unit.created", unit, {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id})
        elif rp.fate == CHANGED:
            event("unit.updated", unit, diffs[unit.pk])


def _clusters(plan, event):
    rows = plan.rows.get(CLUSTERS, [])
    fields = ("code", "name", "kind", "governing_body", "place_name", "number_symbol")
    new = [
        Cluster(province=plan.province, **{k: rp.values[k] for k in fields}) for rp in rows if rp.fate == NEW
    ]
    Cluster.objects.bulk_create(new)
    plan.clusters.update({c.code: c for c in new})
    changed = [(rp.target, _set(rp.target, rp.values, fields[1:])) for rp in rows if rp.fate == CHANGED]
    Cluster.objects.bulk_update([c for c, _diff in changed], fields[1:])
    for c in new:
        event("cluster.created", c, {"code": c.code, "name": c.name})
    for c, diff in changed:
        event("cluster.updated", c, diff)


def _members(plan, event):
    rows = plan.rows.get(MEMBERS, [])
    wanted = {(rp.values["cluster"], rp.values["year"]) for rp in rows}
    new_years = [
        ClusterYear(cluster=plan.clusters[c], year=y) for c, y in sorted(wanted) if (c, y) not in plan.years
    ]
    ClusterYear.objects.bulk_create(new_years)
    for cy in new_years:
        plan.years[(cy.cluster.code, cy.year)] = cy
        event("cluster_year.created", cy, {"year": cy.year})
    demoted, changed, new = {}, [], []
    for rp in rows:
        v = rp.values
        cy, unit = plan.years[(v["cluster"], v["year"])], plan.units[v["unit"]]
        current = plan.roles_by_year.get(cy.pk, {}).get(v["role"])
        if v["role"] != MemberRole.MEMBER and current is not None and current.unit_id != unit.pk:
            demoted[current.pk] = current
        if rp.fate == CHANGED:
            demoted[rp.target.pk] = rp.target
            changed.append((rp.target, v["role"]))
        elif rp.fate == NEW:
            new.append(Membership(cluster_year=cy, unit=unit, role=v["role"]))
    # first every replaced head/deputy becomes a member (one head and one deputy at any moment)
    old_roles = {pk: m.role for pk, m in demoted.items()}
    Membership.objects.filter(pk__in=list(demoted)).update(role=MemberRole.MEMBER)
    for m, role in changed:
        m.role = role
    Membership.objects.bulk_update([m for m, _role in changed], ["role"])
    Membership.objects.bulk_create(new)
    final = {pk: MemberRole.MEMBER for pk in demoted} | {m.pk: role for m, role in changed}
    for pk, m in demoted.items():
        event(
            "membership.role_changed",
            m.cluster_year,
            {"unit": m.unit_id, "old": old_roles[pk], "new": final[pk]},
        )
    for m in new:
        event("membership.added", m.cluster_year, {"unit": m.unit_id, "role": m.role})


def _accounts(plan, event):
    rows = plan.rows.get(ACCOUNTS, [])
    units = plan.units
    new = []
    for rp in rows:
        if rp.fate != NEW:
            continue
        v = rp.values
        user = User(
            username=v["username"],
            email=v["email"],
            full_name=v["full_name"],
            job_title=v["job_title"],
            province=plan.province,
            unit=units.get(v["unit"]) if v["unit"] else None,
            password=make_password(None),  # no password ever: the person sets one through the link
        )
        user._bulk_roles = v["roles"]
        new.append(user)
    User.objects.bulk_create(new)
    add = [UserRole(user=u, role=r) for u in new for r in sorted(u._bulk_roles)]
    changed, removed, later = [], Q(pk__in=[]), []
    for rp in rows:
        if rp.fate != CHANGED:
            continue
        user, v = rp.target, rp.values
        old_roles = {r.role for r in user.roles.all()}
        unit = units[v["unit"]].pk if v["unit"] else None
        diff = _set(user, v | {"unit_id": unit}, ("full_name", "email", "job_title", "unit_id"))
        changed.append(user)
        if diff["old"]:
            later.append(("user.updated", user, diff))
        if old_roles != v["roles"]:
            later.append(("user.roles_changed", user, {"old": sorted(old_roles), "new": sorted(v["roles"])}))
        add += [UserRole(user=user, role=r) for r in sorted(v["roles"] - old_roles)]
        if old_roles - v["roles"]:
            removed |= Q(user=user, role__in=sorted(old_roles - v["roles"]))
    User.objects.bulk_update(changed, ["full_name", "email", "job_title", "unit"])
    UserRole.objects.filter(removed).delete()
    UserRole.objects.bulk_create(add)
    for u in new:
        event("user.created", u, {"roles": sorted(u._bulk_roles), "unit": u.unit_id})
    for args in later:
        event(*args)
    return new


def send_password_links(users):
    """One e-mail per new account with its link to set a password (Django's reset token)."""
    with translation.override(settings.LANGUAGE_CODE):
        mails = []
        for user in users:
            link = password_link(user)
            body = _(
                "Dear %(name)s,\n\nAn account “%(username)s” was created for you on the emulation and "
                "commendation system. Open this link to choose your password (it works once, for a few "
                "days):\n\n%(link)s\n"
            ) % {"name": user.full_name or user.username, "username": user.username, "link": link}
            mails.append((_("Your account: choose a password"), body, None, [user.email]))
        send_mass_mail(mails, fail_silently=False)
