"""Audit events as people read them: a Vietnamese label per event type and its values written the
Vietnamese way (92,58; Có/Không; 28/02/2024; stage and role names), never a raw code.

Apps register their event types and the fields of their events from `AppConfig.ready()`:

- `register_event(action, label, value=None)`: `label` (lazy) names the event; `value` names the
  field whose formatter writes a plain `old`/`new` pair ("stage" for stage changes);
- `register_field(key, label, fmt=None)`: a key of an event's data (top level or inside `old` /
  `new` dicts) shown as "label: value"; `fmt(value) -> str` for codes (choices), else
  `value_text`. Keys without a registered field are not shown (ids, hashes, snapshots).

Templates use the `readable` tags: `{{ e|event_label }}` and `{% for line in e|event_details %}`;
a whole trail is `history_html(events)` (the `{% history_list events %}` tag, clusters/_history.html),
built in Python because the score sheet shows one per row. `trail(queryset)` reads audit events
as `Line`s (no model instances: the score sheet reads one per row) for all of these."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, get_format
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .formatting import number
from .html import html, html_join


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


@dataclass(frozen=True, slots=True)
class Line:
    """What a history shows of an audit event; `actor` is the person's name ("" for the system)."""

    at: datetime.datetime
    action: str
    data: dict
    reason: str
    actor: str
    object_type: str
    object_id: str


def trail(events):
    """An AuditEvent queryset (filtered and ordered) as Lines, in one query with the actors' names."""
    fields = (
        "at",
        "action",
        "data",
        "reason",
        "actor__full_name",
        "actor__username",
        "object_type",
        "object_id",
    )
    return [
        Line(at, action, data, reason, full_name or username or "", object_type, object_id)
        for at, action, data, reason, full_name, username, object_type, object_id in events.values_list(
            *fields
        )
    ]


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
        try:
            return datetime.date.fromisoformat(text).strftime("%d/%m/%Y")
        except ValueError:  # typed text shaped like a date ("2024-02-30") stays as typed
            return text
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


class TrailWriter:
    """Audit trails as HTML lists, each value escaped: when, who, what, the details and the reason.
    One writer serves every trail of a page (the score sheet has one per row): the labels are
    translated once, and each minute's time formatted once (the format shows no seconds)."""

    _SECONDS = set("sucrUv")  # format characters finer than the minute: then no sharing

    def __init__(self):
        self.reason = _("Reason")
        self.none = html("<li>{}</li>", _("No change recorded."))
        self.labels = {}
        self.times = {} if not set(get_format("SHORT_DATETIME_FORMAT")) & self._SECONDS else None

    def when(self, at):
        """The `date:"SHORT_DATETIME_FORMAT"` filter: local time, the active language's format."""
        if not at:
            return ""
        if self.times is None:
            return date_format(template_localtime(at), "SHORT_DATETIME_FORMAT")
        minute = at.replace(second=0, microsecond=0)
        text = self.times.get(minute)
        if text is None:
            text = self.times[minute] = date_format(template_localtime(minute), "SHORT_DATETIME_FORMAT")
        return text

    def label(self, event):
        text = self.labels.get(event.action)
        if text is None:
            text = self.labels[event.action] = event_label(event)
        return text

    def item(self, event):
        return html(
            '\n  <li class="border-top pt-1">{} · {} · <strong class="fw-semibold">{}</strong>\n'
            "    {}\n    {}</li>\n",
            self.when(event.at),
            event.actor or "—",
            self.label(event),
            html_join("<br>{}", ((line,) for line in event_details(event))),
            html("<br><em>{}: {}</em>", self.reason, event.reason) if event.reason else "",
        )

    def html(self, events):
        items = [self.item(e) for e in events] or [self.none]
        # every item is the output of html(): safe to join
        return html('<ul class="small list-unstyled history">{}</ul>', mark_safe("".join(items)))  # noqa: S308


def history_html(events, writer=None):
    """One audit trail as a list (`writer`: the page's TrailWriter when it shows several)."""
    return (writer or TrailWriter()).html(events)


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

    unit_fields = {"kind": (gettext_lazy("type"), _choice(UnitKind))}
    for action, label, value in [
        ("cluster.created", gettext_lazy("Cluster created"), None),
        ("cluster_year.created", gettext_lazy("Year created"), None),
        ("membership.copied", gettext_lazy("Members copied from the previous year"), None),
        ("membership.added", gettext_lazy("Member added"), None),
        ("membership.removed", gettext_lazy("Member removed"), None),
        ("membership.role_changed", gettext_lazy("Member's role changed"), "member_role"),
        ("stage.advanced", gettext_lazy("Moved to the next stage"), "stage"),
        ("stage.reverted", gettext_lazy("Moved back a stage"), "stage"),
        ("unit.created", gettext_lazy("Unit created"), None),
        ("unit.renamed", gettext_lazy("Unit renamed or changed type"), None),
        ("unit.merged", gettext_lazy("Units merged"), None),
        ("unit.split", gettext_lazy("Unit split"), None),
        ("unit.abolished", gettext_lazy("Unit abolished"), None),
        ("unit.transferred", gettext_lazy("Unit transferred to another province"), None),
        ("province.merged", gettext_lazy("Provinces merged"), None),
        ("unit.updated", gettext_lazy("Unit corrected (set-up spreadsheet)"), None),
        ("cluster.updated", gettext_lazy("Cluster corrected (set-up spreadsheet)"), None),
        ("bulk_setup.applied", gettext_lazy("Province set up from a spreadsheet"), None),
        ("user.created", gettext_lazy("Account created"), None),
        ("user.roles_changed", gettext_lazy("Account's roles changed"), "roles"),
        ("user.activated", gettext_lazy("Account activated"), None),
        ("user.deactivated", gettext_lazy("Account deactivated"), None),
        ("user.updated", gettext_lazy("Account changed"), None),
        ("user.password_link_sent", gettext_lazy("Password link e-mailed"), None),
        ("login.locked_out", gettext_lazy("Log-in locked after failed attempts"), None),
        ("reauth.locked_out", gettext_lazy("Password re-entry locked after failed attempts"), None),
        ("province.saved", gettext_lazy("Province saved"), None),
    ]:
        register_event(action, label, value=value, fields=unit_fields if action.startswith("unit.") else None)
    check_fields = {
        "intact": (gettext_lazy("intact"), value_text),
        "count": (gettext_lazy("events checked"), None),
        "head_seq": (gettext_lazy("head of the chain"), str),
        "broken_seq": (gettext_lazy("first broken link"), str),
        "expect_seq": (gettext_lazy("event number printed"), str),
    }
    register_event(
        "audit_chain.check_requested", gettext_lazy("Audit trail check requested"), fields=check_fields
    )
    register_event("audit_chain.checked", gettext_lazy("Audit trail checked"), fields=check_fields)
    register_event(
        "audit_chain.check_failed", gettext_lazy("Audit trail check not completed"), fields=check_fields
    )

    def roles(value):
        return ", ".join(_choice(Role)(r) for r in value) if isinstance(value, list) else _choice(Role)(value)

    for key, label, fmt in [
        ("name", gettext_lazy("name"), None),
        ("short_name", gettext_lazy("short name"), None),
        ("leader_name", gettext_lazy("leader's name"), None),
        ("year", gettext_lazy("year"), str),
        ("from_year", gettext_lazy("from year"), str),
        ("stage", gettext_lazy("stage"), _choice(Stage)),
        ("member_role", gettext_lazy("role in the cluster"), _choice(MemberRole)),
        ("roles", gettext_lazy("roles"), roles),
        ("effective", gettext_lazy("effective from"), None),
        ("decision", gettext_lazy("legal basis"), None),
        ("into_name", gettext_lazy("merged into"), None),
        ("successor_names", gettext_lazy("successors"), ", ".join),
        ("valid_from", gettext_lazy("effective from"), None),
        ("reason", gettext_lazy("reason"), None),
        ("note", gettext_lazy("note"), None),
        ("comment", gettext_lazy("comment"), None),
        ("version", gettext_lazy("version"), str),
        ("full_name", gettext_lazy("full name"), None),
        ("job_title", gettext_lazy("job title"), None),
        ("email", gettext_lazy("e-mail"), None),
        ("place", gettext_lazy("place"), None),
        ("missing", gettext_lazy("missing when it went on"), None),
    ]:
        register_field(key, label, fmt)
