from django import template

from ..charts import _fmt

register = template.Library()


@register.filter
def points(value):
    """95.5 → "95,50" (Vietnamese decimal comma); None → "—"."""
    if value is None or value == "":
        return "—"
    return _fmt(value)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
