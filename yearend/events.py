"""How the year-end events read in a history (registered with clusters.history from ready())."""

from django.utils.translation import gettext_lazy as _

from clusters.history import register_event

from .models import HandOverMethod


def _method(value):
    return str(HandOverMethod(value).label) if value in HandOverMethod.values else str(value)


def register():
    fields = {
        "next_year": (_("next year"), str),
        "date": (_("date of the hand-over"), None),
        "method": (_("how the head was chosen"), _method),
    }
    register_event("handover.recorded", _("Hand-over recorded"), fields=fields)
    register_event("handover.corrected", _("Hand-over corrected"), fields=fields)
    register_event(
        "reminder.sent",
        _("Deadline reminder sent"),
        fields={"deadline": (_("deadline"), None), "days_before": (_("days before"), None)},
    )
    register_event("yearend.report_saved", _("Year-end report saved"))
    register_event(
        "yearend.report_issued", _("Year-end report issued"), fields={"number": (_("document number"), None)}
    )
