"""Telling people that a step waits on them: the extension point every app's services call.

A service calls `notify(users, kind=…, ref=…, text=…, url=…)` inside its own transaction when a
step starts waiting on someone (a draft to approve, a pledge to sign, a sheet returned, a vote
opened, a decision recorded), and `resolve(kind=…, ref=…, users=…)` when the step is done. The
app that keeps the in-app notifications and sends the e-mails (yearend) registers from
`AppConfig.ready()`:

- `register_notifier(fn)`: `fn(users, message)` writes the notifications (same transaction) and
  queues the e-mails after commit;
- `register_resolver(fn)`: `fn(kind, ref, users)` marks them done.

Lower apps import only this module, never the app that stores the notifications."""

from dataclasses import dataclass

from .models import Role, User

_NOTIFIERS = []
_RESOLVERS = []


@dataclass(frozen=True)
class Message:
    kind: str  # what waits: "pledge.approve", "pledge.sign", "sheet.returned", "poll.open", …
    ref: str  # which one: the pledge version, sheet, poll, … ("" for the year)
    text: str
    url: str = ""
    cluster_year: object = None
    deadline: object = None


def register_notifier(fn):
    if fn not in _NOTIFIERS:
        _NOTIFIERS.append(fn)


def register_resolver(fn):
    if fn not in _RESOLVERS:
        _RESOLVERS.append(fn)


def notify(users, *, kind, text, url="", ref="", cluster_year=None, deadline=None):
    """Tell `users` (active ones, once each) that `kind`/`ref` waits on them."""
    people = {u.pk: u for u in users if u is not None and u.is_active}
    if not people:
        return
    message = Message(kind, str(ref), str(text)[:300], url, cluster_year, deadline)
    for fn in _NOTIFIERS:
        fn(list(people.values()), message)


def resolve(*, kind, ref, users=None):
    """The step `kind`/`ref` is done (for `users`, or for everybody): its notifications are done."""
    for fn in _RESOLVERS:
        fn(kind, str(ref), users)


def people(unit_ids, *roles):
    """The active users of the units who hold one of the roles (unit staff, unit leader, …)."""
    return list(
        User.objects.filter(unit_id__in=list(unit_ids), roles__role__in=roles, is_active=True).distinct()
    )


def province_admins(province_id):
    """The active province admins of the province (the trust and set-up decisions wait on them)."""
    return list(
        User.objects.filter(
            province_id=province_id, roles__role=Role.PROVINCE_ADMIN, is_active=True
        ).distinct()
    )
