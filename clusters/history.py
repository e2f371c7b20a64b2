"""Audit events as people read them: a Vietnamese label per event type and its values written the
Vietnamese way (92,58; Có/Không; 28/02/2024; stage and role names), never a raw code.

Apps register their event types and the fields of their events from `AppConfig.ready()`:

- `register_event(action, label, value=None)`: `label` (lazy) names the event; `value` names the
  field whose formatter writes a plain `old`/`new` pair ("stage" for stage changes);
- `register_field(key, label, fmt=None)`: a key of an event's data (top level or inside `old` /
  `new` dicts) shown as "label: value"; `fmt(value) -> str` for codes (choices), else
  `value_text`. Keys without a registered field are not shown (ids, hashes, snapshots).

Templates use the `readable` tags: `{{ e|event_label }}` and `{% for line in e|event_details %}`."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .formatting import number


@dataclass(frozen=True)
class Field:
    label: object
    fmt: object = None


@dataclass(frozen=True)
class EventType:
    label: object
    value: str | None = None
    pair: bool = True
    fields: dict | None = None


_EVENTS: dict[str, EventType] = {}
_FIELDS: dict[str, Field] = {}

NUMERIC = re.compile(r"-?\d+(\.\d+)?$")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def register_event(action, label, *, value=None, pair=True, fields=None):
    """`pair=False` hides a plain old → new pair (ids); `fields` {key: (label, fmt)} are this event
    type's own fields, read before the shared ones (a unit's "kind" is not a criterion's)."""
    own = {k: Field(*v) if isinstance(v, tuple) else v for k, v in (fields or {}).items()}
    _EVENTS[action] = EventType(label, value, pair, own or None)


def register_field(key, label, fmt=None):
    _FIELDS[key] = Field(label, fmt)


def registered_events():
    return dict(_EVENTS)


def value_text(value):
    """One value as Vietnamese text: numbers 92,58, Có/Không, dd/mm/yyyy, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal):
        return number(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return (
            "; ".join(f"{_FIELDS[k].label}: {_fmt(None, k, v)}" for k, v in value.items() if k in _FIELDS)
            or "—"
        )
    text = str(value)
    if NUMERIC.match(text):
        try:
            return number(Decimal(text))
        except InvalidOperation:
            return text
    if ISO_DATETIME.match(text):
        try:
            return datetime.datetime.fromisoformat(text).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            return text
    if ISO_DATE.match(text):
        return datetime.date.fromisoformat(text).strftime("%d/%m/%Y")
    return text


def _field(kind, key):
    if kind and kind.fields and key in kind.fields:
        return kind.fields[key]
    return _FIELDS.get(key)


def _fmt(kind, key, value):
    field = _field(kind, key)
    if field and field.fmt and value not in (None, ""):
        return field.fmt(value)
    return value_text(value)


def event_label(event):
    """The event type's Vietnamese label; an unregistered type reads as "Thay đổi" (change)."""
    kind = _EVENTS.get(event.action)
    return str(kind.label) if kind else pgettext("audit event", "Change")


def event_details(event):
    """The lines under an event: what changed from what to what, then its other known fields."""
    data = event.data if isinstance(event.data, dict) else {}
    kind = _EVENTS.get(event.action)
    lines = []
    if "old" in data or "new" in data:
        old, new = data.get("old"), data.get("new")
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
            for key in [*old, *(k for k in new if k not in old)]:
                field = _field(kind, key)
                if field and old.get(key) != new.get(key) and (key in new or not new):
                    lines.append(
                        f"{field.label}: {_fmt(kind, key, old.get(key))} → {_fmt(kind, key, new.get(key))}"
                    )
        elif kind and not kind.pair:
            pass
        elif kind and kind.value:
            lines.append(f"{_fmt(kind, kind.value, old)} → {_fmt(kind, kind.value, new)}")
        else:
            lines.append(f"{value_text(old)} → {value_text(new)}")
    for key, value in data.items():
        field = _field(kind, key)
        if key not in ("old", "new") and field and value not in (None, "", [], {}):
            lines.append(f"{field.label}: {_fmt(kind, key, value)}")
    return lines


def _choice(enum):
    def fmt(value):
        try:
            return str(enum(value).label)
        except ValueError:
            return str(value)

    return fmt


def register_clusters():
    """The events and fields of the clusters app (called from ClustersConfig.ready())."""
    from .models import MemberRole, Role, Stage, UnitKind

    _l = gettext_lazy
    unit_fields = {"kind": (_l("type"), _choice(UnitKind))}
    for action, label, value in [
        ("cluster.created", _l("Cluster created"), None),
        ("cluster_year.created", _l("Year created"), None),
        ("membership.copied", _l("Members copied from the previous year"), None),
        ("membership.added", _l("Member added"), None),
        ("membership.removed", _l("Member removed"), None),
        ("membership.role_changed", _l("Member's role changed"), "member_role"),
        ("stage.advanced", _l("Moved to the next stage"), "stage"),
        ("stage.reverted", _l("Moved back a stage"), "stage"),
        ("unit.created", _l("Unit created"), None),
        ("unit.renamed", _l("Unit renamed or changed type"), None),
        ("unit.merged", _l("Unit merged"), None),
        ("user.created", _l("Account created"), None),
        ("user.roles_changed", _l("Account's roles changed"), "roles"),
        ("user.activated", _l("Account activated"), None),
        ("user.deactivated", _l("Account deactivated"), None),
        ("user.changed", _l("Account changed"), None),
        ("user.updated", _l("Account changed"), None),
        ("login.locked_out", _l("Log-in locked after failed attempts"), None),
        ("province.saved", _l("Province saved"), None),
    ]:
        register_event(action, label, value=value, fields=unit_fields if action.startswith("unit.") else None)

    def roles(value):
        return ", ".join(_choice(Role)(r) for r in value) if isinstance(value, list) else _choice(Role)(value)

    for key, label, fmt in [
        ("name", _l("name"), None),
        ("short_name", _l("short name"), None),
        ("year", _l("year"), str),
        ("from_year", _l("from year"), str),
        ("stage", _l("stage"), _choice(Stage)),
        ("member_role", _l("role in the cluster"), _choice(MemberRole)),
        ("roles", _l("roles"), roles),
        ("effective", _l("effective from"), None),
        ("valid_from", _l("effective from"), None),
        ("reason", _l("reason"), None),
        ("note", _l("note"), None),
        ("comment", _l("comment"), None),
        ("version", _l("version"), str),
        ("full_name", _l("full name"), None),
        ("job_title", _l("job title"), None),
        ("email", _l("e-mail"), None),
        ("place", _l("place"), None),
    ]:
        register_field(key, label, fmt)
