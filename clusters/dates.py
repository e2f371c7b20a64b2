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
