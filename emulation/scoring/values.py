"""Reading numbers typed the Vietnamese way ("92,58", "1.234,5") and yes/no answers; they are
written back by clusters.formatting.number."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clusters.formatting import editable, number

TWO_PLACES = Decimal("0.01")
YES = {"có", "co", "c", "1", "x", "yes", "y", "đạt", "dat", "true"}
NO = {"không", "khong", "k", "0", "no", "n", "chưa đạt", "chua dat", "không đạt", "false"}
# The largest number stored has 16 digits before the decimal mark (max_digits 18, 2 places).
MAX_INTEGER_DIGITS = 15
MAX_TEXT_LENGTH = 40
# Bounds of stored points: a criterion's maximum, bonus points and deductions.
MAX_CRITERION_POINTS = Decimal(1000)
MAX_ADJUSTMENT_POINTS = Decimal(100)
# A registered target (max_digits 16, 3 places).
TARGET_MAX = Decimal("9999999999999.999")

_SHAPE = re.compile(r"[+-]?[0-9.,]+", re.ASCII)  # ASCII digits only: no Arabic-Indic, full-width
_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+", re.ASCII)  # 1.000.000: dots group thousands
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def _invalid(text):
    return ValidationError(
        _("“%(value)s” is not a number.") % {"value": str(text)[:MAX_TEXT_LENGTH]}, code="invalid"
    )


def _plain_number(raw, text):
    """The text of a number written the Vietnamese way (1.312,5) or plainly (92.58), normalised
    to 1312.5; refuses whatever could be read two ways."""
    if not _SHAPE.fullmatch(raw):
        raise _invalid(text)
    sign = raw[0] if raw[0] in "+-" else ""
    body = raw[len(sign) :]
    fraction = None  # None: no decimal mark at all
    if body.count(",") > 1:
        raise _invalid(text)
    if "," in body:
        # Vietnamese: the comma is the decimal mark, dots (if any) group thousands.
        whole, fraction = body.split(",")
        if "." in whole:
            if not _GROUPED.fullmatch(whole):
                raise _invalid(text)
            whole = whole.replace(".", "")
    elif body.count(".") > 1:
        # Only thousands can have several dots: 1.000.000 (never 0.5.0 or 92.58.1).
        if not _GROUPED.fullmatch(body):
            raise _invalid(text)
        whole = body.replace(".", "")
    elif "." in body:
        whole, fraction = body.split(".")
        if len(fraction) == 3 and whole.lstrip("0"):
            # 1.000 or 12.500: a thousand written the Vietnamese way, or a plain decimal?
            raise ValidationError(
                _(
                    "“%(value)s” can be read two ways: write a thousand without the dot (1000) and "
                    "a decimal with a comma (1,5)."
                )
                % {"value": text},
                code="ambiguous",
            )
    else:
        whole = body
    if not _DIGITS.fullmatch(whole) or (fraction is not None and not _DIGITS.fullmatch(fraction)):
        raise _invalid(text)
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise _too_large()
    return f"{sign}{whole}.{fraction}" if fraction is not None else f"{sign}{whole}"


def _too_large():
    return ValidationError(_("The number is too large."), code="max")


def parse_decimal(text, *, places=2, minimum=None, maximum=None):
    """The one reader of every number a person types or a spreadsheet carries: "92,58", "1.312,5",
    "92.58", " 7 ". Refused, with the reason: anything else ("0.5.0", "1e308", NaN, other digits,
    "1.000" which reads two ways), more than 15 digits, too many decimals, out of bounds."""
    if isinstance(text, bool):
        raise _invalid(text)
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise _invalid(text)
        value = Decimal(repr(text))
    else:
        raw = unicodedata.normalize("NFC", str(text or "")).strip()
        for space in ("\u00a0", "\u202f", " "):
            raw = raw.replace(space, "")
        if not raw:
            raise ValidationError(_("Enter a number."), code="required")
        if len(raw) > MAX_TEXT_LENGTH:
            raise _too_large() if _SHAPE.fullmatch(raw) else _invalid(text)
        try:
            value = Decimal(_plain_number(raw, text))
        except InvalidOperation as exc:
            raise _invalid(text) from exc
    if not value.is_finite():
        raise _invalid(text)
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise _too_large()
    if places is not None and value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        raise ValidationError(
            _("Use at most %(places)s digits after the decimal comma.") % {"places": places}, code="places"
        )
    if minimum is not None and value < minimum:
        raise ValidationError(
            _("%(value)s is below the minimum of %(min)s.")
            % {"value": number(value), "min": number(minimum)},
            code="min",
        )
    if maximum is not None and value > maximum:
        raise ValidationError(
            _("%(value)s is above the maximum of %(max)s.")
            % {"value": number(value), "max": number(maximum)},
            code="max",
        )
    return value


def parse_points(text, maximum):
    """Points between 0 and `maximum` (inclusive)."""
    value = parse_decimal(text)
    if value < 0:
        raise ValidationError(_("Points cannot be below zero."), code="min")
    if value > maximum:
        raise ValidationError(
            _("%(value)s is above the maximum of %(max)s points for this criterion.")
            % {"value": number(value), "max": number(maximum)},
            code="max",
        )
    return quantize(value)


def parse_yes_no(text):
    raw = unicodedata.normalize("NFC", str(text or "")).strip().lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise ValidationError(_("Answer “có” (yes) or “không” (no)."), code="yes_no")


def quantize(value):
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


class DecimalInput(forms.CharField):
    """A form field for every number a person types, read by parse_decimal (not Django's
    DecimalField, which takes other scripts' digits and exponents)."""

    def __init__(self, *, places=2, minimum=None, maximum=None, **kwargs):
        self.places, self.minimum, self.maximum = places, minimum, maximum
        super().__init__(**kwargs)  # no max_length: its validator would measure the Decimal
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("maxlength", str(MAX_TEXT_LENGTH))

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_decimal(value, places=self.places, minimum=self.minimum, maximum=self.maximum)

    def prepare_value(self, value):
        return editable(value) if isinstance(value, Decimal) else value
