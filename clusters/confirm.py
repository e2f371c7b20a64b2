"""Warn before, not after: one pattern for every irreversible step.

A step that would leave something behind (units that have not submitted, signatures missing, polls
not published, voters who have not voted) lists it on a confirmation step and goes on only with a
reason; the reason and what was missing go into the step's audit event.

- a check returns `Shortfall(summary, items)` or None (`summary` such as "2/8 units have signed");
- the service calls `reason_to_go_on(shortfalls, reason)`: '' when nothing is missing, the reason
  when something is, a ValidationError naming what is missing when no reason is given;
- `audit_data(shortfalls)` is what the audit event keeps (`{"missing": [...]}`, read as
  "what was missing" in the histories);
- the page shows `templates/includes/go_on_anyway.html` (heading, what is missing, a required
  reason, the button) instead of the plain button."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Shortfall:
    summary: str
    items: list = field(default_factory=list)

    def __str__(self):
        summary = self.summary.rstrip(": ")
        return f"{summary} ({', '.join(self.items)})" if self.items else summary


def found(shortfalls):
    """The shortfalls that were found (checks return None when nothing is missing)."""
    return [s for s in shortfalls if s]


def reason_to_go_on(shortfalls, reason):
    """The reason to record: '' when nothing is missing; refused when something is and no reason."""
    shortfalls = found(shortfalls)
    if not shortfalls:
        return ""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("%(missing)s: give a reason to go on anyway.") % {"missing": "; ".join(map(str, shortfalls))}
        )
    return reason


def audit_data(shortfalls):
    shortfalls = found(shortfalls)
    return {"missing": [str(s) for s in shortfalls]} if shortfalls else {}
