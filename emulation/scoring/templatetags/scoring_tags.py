from django import template

from clusters.formatting import editable, number, points

register = template.Library()
register.filter("points", points)
register.filter("editable", editable)


@register.filter
def points2(value):
    """Always two decimals: 92.5 → "92,50"."""
    return number(value, places=2)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def score_row(context, row):
    """One row of a score sheet (built in Python: emulation/scoring/rowhtml.py)."""
    from ..rowhtml import render_row

    return render_row(context, row)


@register.simple_tag(takes_context=True)
def score_rows(context, rows):
    """Every row of a score sheet in one call (a template loop and a tag per row cost as much as a
    tenth of a row each)."""
    from ..rowhtml import render_rows

    return render_rows(context, rows)


@register.simple_tag
def history_details(events):
    """A row's or a page's audit trail, folded: "History (n changes)" (emulation/scoring/rowhtml.py)."""
    from ..rowhtml import history_details as html

    return html(events)
