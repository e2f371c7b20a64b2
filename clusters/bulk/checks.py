"""The check of each sheet's rows against the province (plan.load's dictionaries) and the rest of
the file: required cells, codes, words for kinds and roles, duplicates, references, one head and
one deputy, closed years, accounts of other provinces. Reasons are given to the person (gettext)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.utils.translation import gettext as _

from ..models import MemberRole, Role, User
from .layout import (
    CLUSTER_KIND_BY_WORD,
    CLUSTER_KIND_LABELS,
    CLUSTERS,
    DISTRICT_KINDS,
    MEMBER_ROLE_BY_WORD,
    MEMBER_ROLE_LABELS,
    MEMBERS,
    REQUIRED,
    ROLE_BY_WORD,
    SHEETS,
    UNIT_KIND_BY_WORD,
    UNIT_KIND_LABELS,
    UNIT_ROLES,
    UNITS,
    fold,
    roles_text,
)

YEAR_RE = re.compile(r"^[0-9]{4}$")


def year_of(text):
    """A year written as four digits (2025; 2025,0 or 2.025 are refused), else None."""
    if not YEAR_RE.match(text or ""):
        return None
    year = int(text)
    return year if 2000 <= year <= 2100 else None


def unit_code_problem(plan, code, *, in_file=()):
    """Why a unit code cannot be used (not in the province, another province's), or None."""
    if code in plan.units or code in in_file:
        return None
    if code in plan.elsewhere:
        return _("unit “%(code)s” belongs to another province: only your province's units can be set up") % {
            "code": code
        }
    return _("no unit with code “%(code)s” in your province or in the sheet “%(sheet)s”") % {
        "code": code,
        "sheet": SHEETS[UNITS][0],
    }


def _label(sheet, column):
    return dict(SHEETS[sheet][1])[column]


def _basics(rp, values, sheet, limits):
    for column in REQUIRED[sheet]:
        if not values.get(column) and column not in values.get("_refused", ()):
            rp.error(_("“%(column)s” is empty") % {"column": _label(sheet, column)})
    for column, limit in limits.items():
        if len(values.get(column, "")) > limit:
            rp.error(
                _("“%(column)s” is longer than %(n)s characters")
                % {"column": _label(sheet, column), "n": limit}
            )


def _code(rp, code, sheet, seen, column="code"):
    if code:
        try:
            validate_slug(code)
        except ValidationError:
            rp.error(
                _("“%(column)s” may hold only letters without accents, digits, - and _ (found “%(code)s”)")
                % {"column": _label(sheet, column), "code": code}
            )
    if code in seen:
        rp.error(_("the same code as row %(row)s") % {"row": seen[code]})
    elif code:
        seen[code] = rp.number


def _compare(rp, pairs):
    """pairs: [(column label, old shown, new shown)] — the differing ones become the row's changes."""
    if rp.target is not None:
        rp.changes = [(label, old, new) for label, old, new in pairs if old != new]


def unit_rows(plan, rows, plans):
    seen, kinds = {}, {}
    for row, rp in zip(rows, plans, strict=True):
        v = row.values
        rp.label = v.get("code") or v.get("name", "")
        _basics(rp, v, UNITS, {"code": 40, "name": 160, "short_name": 80, "leader_name": 120})
        _code(rp, v.get("code", ""), UNITS, seen)
        kind = UNIT_KIND_BY_WORD.get(fold(v.get("kind", "")))
        if v.get("kind") and kind is None:
            rp.error(_("unknown type “%(word)s”") % {"word": v["kind"]})
        province = v.get("province", "")
        if province and fold(province) != fold(plan.province.code):
            rp.error(
                _("the unit belongs to province “%(code)s”: only your own province can be set up here")
                % {"code": province}
            )
        kinds[v.get("code", "")] = kind
        rp.values = {k: v.get(k, "") for k in ("code", "name", "short_name", "leader_name", "parent")}
        rp.values["kind"] = kind
    for rp in plans:
        parent, code, kind = rp.values["parent"], rp.values["code"], rp.values["kind"]
        if parent:
            problem = unit_code_problem(plan, parent, in_file=kinds)
            parent_kind = kinds.get(parent) or getattr(plan.units.get(parent), "kind", None)
            if parent == code:
                rp.error(_("a unit cannot be its own district"))
            elif problem:
                rp.error(problem)
            elif parent_kind not in DISTRICT_KINDS:
                rp.error(
                    _("“%(code)s” is not a district (huyện, quận, thị xã or thành phố)") % {"code": parent}
                )
        rp.target = plan.units.get(code)
        u = rp.target
        if u is not None and u.pk in plan.on_closed_record and _renamed(u, rp.values, kind):
            rp.error(
                _(
                    "“%(code)s” is on the record of a closed year: change its name or type on the "
                    "unit's page (a dated change), so that earlier years keep the name they had"
                )
                % {"code": code}
            )
        if u is not None:
            _compare(
                rp,
                [
                    (_label(UNITS, "name"), u.name, rp.values["name"]),
                    (_label(UNITS, "short_name"), u.short_name, rp.values["short_name"]),
                    (
                        _label(UNITS, "kind"),
                        UNIT_KIND_LABELS.get(u.kind),
                        UNIT_KIND_LABELS.get(kind),
                    ),
                    (_label(UNITS, "parent"), u.parent.code if u.parent_id else "", parent),
                    (_label(UNITS, "leader_name"), u.leader_name, rp.values["leader_name"]),
                ],
            )


def _renamed(unit, values, kind):
    return (unit.name, unit.short_name, unit.kind) != (values["name"], values["short_name"], kind)


def cluster_rows(plan, rows, plans):
    seen = {}
    for row, rp in zip(rows, plans, strict=True):
        v = row.values
        rp.label = v.get("code") or v.get("name", "")
        _basics(
            rp,
            v,
            CLUSTERS,
            {"code": 40, "name": 200, "governing_body": 160, "place_name": 120, "number_symbol": 20},
        )
        _code(rp, v.get("code", ""), CLUSTERS, seen)
        kind = CLUSTER_KIND_BY_WORD.get(fold(v.get("kind", "")))
        if v.get("kind") and kind is None:
            rp.error(_("unknown type “%(word)s” (write “cụm” or “khối”)") % {"word": v["kind"]})
        fields = ("code", "name", "governing_body", "place_name", "number_symbol")
        rp.values = {k: v.get(k, "") for k in fields} | {"kind": kind}
        c = rp.target = plan.clusters.get(rp.values["code"])
        if c is not None:
            _compare(
                rp,
                [(_label(CLUSTERS, "kind"), CLUSTER_KIND_LABELS.get(c.kind), CLUSTER_KIND_LABELS.get(kind))]
                + [(_label(CLUSTERS, f), getattr(c, f), rp.values[f]) for f in fields[1:]],
            )


def _unit_alive_in(rp, unit, year):
    """A unit that ceased to exist before the year began (merged, split, abolished), or came into
    existence after it ended, cannot be a member of that year."""
    if unit is None or year is None:
        return
    if unit.ended_on and unit.ended_on <= datetime.date(year, 1, 1):
        rp.error(
            _("the unit ceased to exist on %(date)s, before year %(year)s")
            % {"date": unit.ended_on.strftime("%d/%m/%Y"), "year": year}
        )
    if unit.started_on and unit.started_on > datetime.date(year, 12, 31):
        rp.error(
            _("the unit exists only from %(date)s, after year %(year)s")
            % {"date": unit.started_on.strftime("%d/%m/%Y"), "year": year}
        )


def member_rows(plan, rows, plans):
    file_units = {r.values["code"] for r in plan.rows.get(UNITS, ()) if r.values.get("code")}
    file_clusters = {r.values["code"] for r in plan.rows.get(CLUSTERS, ()) if r.values.get("code")}
    seen, named_roles = {}, {}
    for row, rp in zip(rows, plans, strict=True):
        v = row.values
        _basics(rp, v, MEMBERS, {})
        year, cluster, unit_code = year_of(v.get("year", "")), v.get("cluster", ""), v.get("unit", "")
        rp.label = f"{cluster} / {unit_code}"
        if v.get("year") and year is None:
            rp.error(
                _("the year must be written as four digits, e.g. 2025 (found “%(v)s”)") % {"v": v["year"]}
            )
        if cluster and cluster not in plan.clusters and cluster not in file_clusters:
            rp.error(_("no cluster or block with code “%(code)s”") % {"code": cluster})
        problem = unit_code and unit_code_problem(plan, unit_code, in_file=file_units)
        if problem:
            rp.error(problem)
        role = MEMBER_ROLE_BY_WORD.get(fold(v.get("role", "")))
        if v.get("role") and role is None:
            rp.error(_("unknown role “%(word)s”") % {"word": v["role"]})
        key = (year, cluster, unit_code)
        if key in seen:
            rp.error(_("the same unit, cluster and year as row %(row)s") % {"row": seen[key]})
        seen.setdefault(key, rp.number)
        if role in (MemberRole.HEAD, MemberRole.DEPUTY):
            other = named_roles.setdefault((year, cluster, role), rp.number)
            if other != rp.number:
                rp.error(
                    _("a second %(role)s for the same cluster and year (row %(row)s)")
                    % {"role": MEMBER_ROLE_LABELS[role], "row": other}
                )
        cy = plan.years.get((cluster, year))
        if cy is not None and cy.is_closed:
            rp.error(
                _("year %(year)s of this cluster is closed: it can no longer be changed") % {"year": year}
            )
        rp.values = {"year": year, "cluster": cluster, "unit": unit_code, "role": role}
        unit = plan.units.get(unit_code)
        _unit_alive_in(rp, unit, year)
        rp.target = plan.memberships.get((cy.pk, unit.pk)) if cy is not None and unit is not None else None
        if rp.target is not None:
            old = MEMBER_ROLE_LABELS.get(rp.target.role)
            _compare(rp, [(_label(MEMBERS, "role"), old, MEMBER_ROLE_LABELS.get(role))])
    for rp in plans:  # a head or deputy named in the file replaces the one recorded
        v = rp.values
        cy = plan.years.get((v["cluster"], v["year"]))
        current = cy and plan.roles_by_year.get(cy.pk, {}).get(v["role"])
        if (
            current
            and v["role"] != MemberRole.MEMBER
            and current.unit_id != getattr(plan.units.get(v["unit"]), "pk", None)
        ):
            rp.notes.append(
                _("replaces the present %(role)s, who becomes a member")
                % {"role": MEMBER_ROLE_LABELS[v["role"]]}
            )


def account_rows(plan, rows, plans):
    file_units = {r.values["code"] for r in plan.rows.get(UNITS, ()) if r.values.get("code")}
    seen = {}
    for row, rp in zip(rows, plans, strict=True):
        v = row.values
        username = v.get("username", "")
        rp.label = username
        _basics(rp, v, "accounts", {"username": 150, "full_name": 150, "email": 254, "job_title": 120})
        if username:
            try:
                User.username_validator(username)
            except ValidationError:
                rp.error(_("the user name may hold only letters, digits and @ . + - _"))
        if username in seen:
            rp.error(_("the same user name as row %(row)s") % {"row": seen[username]})
        seen.setdefault(username, rp.number)
        user = plan.users.get(username)
        if user is not None and (user.province_id != plan.province.pk or user.is_superuser):
            rp.error(
                _("the user name “%(name)s” is taken by an account outside your province")
                % {"name": username}
            )
            user = None
        email = v.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                rp.error(_("“%(v)s” is not an e-mail address") % {"v": email})
        elif user is None:
            rp.error(_("a new account needs an e-mail address, to receive its link to set a password"))
        if user is None and not v.get("full_name"):
            rp.error(_("a new account needs the person's full name"))
        unit_code = v.get("unit", "")
        problem = unit_code and unit_code_problem(plan, unit_code, in_file=file_units)
        if problem:
            rp.error(problem)
        words = [w for w in re.split(r"[,;\n]", v.get("roles", "")) if w.strip()]
        roles = {ROLE_BY_WORD.get(fold(w)) for w in words}
        for w in words:
            if ROLE_BY_WORD.get(fold(w)) is None:
                rp.error(_("unknown role “%(word)s”") % {"word": w.strip()})
        roles.discard(None)
        if roles & UNIT_ROLES and not unit_code:
            rp.error(
                _("the roles %(roles)s act for a unit: give the unit's code")
                % {"roles": roles_text(roles & UNIT_ROLES)}
            )
        if user is not None and user.pk == plan.actor.pk and Role.PROVINCE_ADMIN not in roles:
            rp.error(_("you cannot take away your own province admin role"))
        rp.values = {
            "username": username,
            "full_name": v.get("full_name", ""),
            "email": email,
            "unit": unit_code,
            "job_title": v.get("job_title", ""),
            "roles": roles,
        }
        rp.target = user
        if user is not None:
            old_roles = {r.role for r in user.roles.all()}
            _compare(
                rp,
                [
                    (_label("accounts", "full_name"), user.full_name, rp.values["full_name"]),
                    (_label("accounts", "email"), user.email, email),
                    (_label("accounts", "unit"), user.unit.code if user.unit_id else "", unit_code),
                    (_label("accounts", "job_title"), user.job_title, rp.values["job_title"]),
                    (_label("accounts", "roles"), roles_text(old_roles), roles_text(roles)),
                ],
            )
