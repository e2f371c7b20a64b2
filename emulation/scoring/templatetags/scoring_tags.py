from django import template

from ..values import fmt

register = template.Library()


@register.filter
def points(value):
    """92.58 → "92,58" (Vietnamese decimal comma, no trailing zeros)."""
    return "" if value in (None, "") else fmt(value)


@register.filter
def points2(value):
    """Always two decimals: 92.5 → "92,50"."""
    return "" if value in (None, "") else fmt(value, places=2)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
