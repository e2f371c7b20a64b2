"""Numbers written the Vietnamese way, one formatter for every page, spreadsheet, chart and PDF:
decimal comma, dots between thousands, no trailing zeros ("92,58", "5", "1.312,5")."""

from decimal import ROUND_HALF_UP, Decimal


def number(value, places=None):
    """92.58 → "92,58"; 5.00 → "5"; 1312.5 → "1.312,5"; -3.5 → "-3,5"; None or "" → "".

    With `places` the value is rounded (half up) and keeps exactly that many decimals:
    number(92.5, places=2) → "92,50"."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = f"{value:.{places}f}"
    else:
        text = f"{value.normalize():f}" if value != value.to_integral() else f"{value.to_integral():f}"
    whole, _dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def points(value):
    """The `points` template filter of every app: number(value), "" for a missing value."""
    return number(value)


def editable(value):
    """A number as a form field shows it, to be read back by the one parser: decimal comma and no
    thousands dots (1312.5 → "1312,5"; "1.312" could be read as 1,312)."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}" if value != value.to_integral() else f"{value.to_integral():f}"
    return text.replace(".", ",")
