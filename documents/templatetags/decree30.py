"""Template helpers of the Decree 30 documents: names kept whole, numbers with room to write."""

from django import template

from documents import typeset

register = template.Library()

# usable widths (mm) of the columns of the Decree 30 base (text width 161 mm)
COLUMNS = {"issuer": 63, "issuer_parent": 61, "motto": 96, "half": 78, "full": 161}


@register.simple_tag
def fitted(text, column="issuer", bold=False, upper=True):
    """{% fitted name "half" bold=True as f %}: f.lines (each kept whole) and f.css (size)."""
    width = COLUMNS.get(column) or float(column)
    return typeset.fit(text or "", width, bold=bold, upper=upper)


@register.filter
def keep_whole(text):
    return typeset.keep_whole(text)


@register.simple_tag
def draft_mark():
    return typeset.draft_mark_uri()
