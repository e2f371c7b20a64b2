"""Reading numbers typed the Vietnamese way ("92,58", "1.234,5") and yes/no answers; they are
written back by clusters.formatting.number."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clusters.formatting import number

TWO_PLACES = Decimal("0.01")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
YES = {"có", "co", "c", "1", "x", "yes", "y", "đạt", "dat", "true"}
NO = {"không", "khong", "k", "0", "no", "n", "chưa đạt", "chua dat", "không đạt", "false"}


def parse_decimal(text, *, places=2):
    """A number typed by a person: "92,58", "92.58", "1.234,5", " 7 ". Raises ValidationError."""
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int | float):
        value = Decimal(str(text))
    else:
        raw = unicodedata.normalize("NFC", str(text or "")).strip().replace("\u00a0", "").replace(" ", "")
        if not raw:
            raise ValidationError(_("Enter a number."), code="required")
        if "," in raw:
            # Vietnamese: comma is the decimal mark, dots group thousands.
            if raw.count(",") > 1:
                raise ValidationError(_("“%(value)s” is not a number.") % {"value": text}, code="invalid")
            raw = raw.replace(".", "").replace(",", ".")
        elif raw.count(".") > 1:
            raw = raw.replace(".", "")
        if not _NUMBER.match(raw):
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": text}, code="invalid")
        try:
            value = Decimal(raw)
        except InvalidOperation as exc:
            raise ValidationError(
                _("“%(value)s” is not a number.") % {"value": text}, code="invalid"
            ) from exc
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": text}, code="invalid")
    if places is not None and value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        raise ValidationError(
            _("Use at most %(places)s digits after the decimal comma.") % {"places": places}, code="places"
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
