from django import template

from clusters.formatting import points

register = template.Library()
register.filter("points", points)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
