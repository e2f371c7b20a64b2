"""Dates typed and shown as dd/mm/yyyy whatever the browser's language.

`<input type="date">` follows the browser's locale (mm/dd/yyyy on an English Windows), so every
date field is a text box with a dd/mm/yyyy placeholder and pattern, parsed on the server as
dd/mm/yyyy only, with a Vietnamese message when it is not a date."""

from django import forms
from django.utils.translation import gettext_lazy as _

FORMAT = "%d/%m/%Y"
PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"


class DayInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        base = {
            "placeholder": "dd/mm/yyyy",
            "pattern": PATTERN,
            "inputmode": "numeric",
            "autocomplete": "off",
            "title": _("A date as dd/mm/yyyy, e.g. 28/02/2024"),
        }
        super().__init__(attrs={**base, **(attrs or {})}, format=FORMAT)


class DayField(forms.DateField):
    """A date typed as dd/mm/yyyy (also d/m/yyyy); anything else is refused in Vietnamese."""

    widget = DayInput
    input_formats = [FORMAT]
    default_error_messages = {"invalid": _("Enter the date as dd/mm/yyyy, e.g. 28/02/2024.")}


MOMENT_FORMAT = "%d/%m/%Y %H:%M"
MOMENT_PATTERN = r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}"
CLOCK_PATTERN = r"\d{1,2}:\d{2}"


class MomentInput(forms.DateTimeInput):
    """A day and a time as "dd/mm/yyyy hh:mm" (24 hours) in a text box: `datetime-local` follows
    the browser's locale (mm/dd/yyyy and AM/PM on an English Windows)."""

    input_type = "text"

    def __init__(self, attrs=None):
        base = {
            "placeholder": "dd/mm/yyyy hh:mm",
            "pattern": MOMENT_PATTERN,
            "autocomplete": "off",
            "title": _("A day and time as dd/mm/yyyy hh:mm, e.g. 28/02/2024 14:30"),
        }
        super().__init__(attrs={**base, **(attrs or {})}, format=MOMENT_FORMAT)


class MomentField(forms.DateTimeField):
    """A moment typed as dd/mm/yyyy hh:mm; the ISO form (yyyy-mm-ddThh:mm) is also read, never shown."""

    widget = MomentInput
    input_formats = [MOMENT_FORMAT, "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    default_error_messages = {
        "invalid": _("Enter the day and time as dd/mm/yyyy hh:mm, e.g. 28/02/2024 14:30.")
    }


class ClockInput(forms.TimeInput):
    """A time of day as hh:mm (24 hours) in a text box: `type=time` shows AM/PM in English browsers."""

    input_type = "text"

    def __init__(self, attrs=None):
        base = {
            "placeholder": "hh:mm",
            "pattern": CLOCK_PATTERN,
            "inputmode": "numeric",
            "autocomplete": "off",
            "title": _("A time as hh:mm (24 hours), e.g. 14:30"),
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%H:%M")
