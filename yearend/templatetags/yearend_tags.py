from django import template
from django.utils.safestring import SafeString

from clusters.formatting import points

register = template.Library()
register.filter("points", points)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.simple_tag
def overdue_badges(items):
    """A row's overdue badges, from the one markup of yearend.pagehtml.overdue (every value escaped)."""
    from ..pagehtml import overdue

    return SafeString(overdue(items))
