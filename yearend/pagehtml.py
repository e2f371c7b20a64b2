"""Rows of the year summary page built in Python (like emulation/scoring/rowhtml.py): the ranking
table of a 20-unit cluster was ~180 template nodes per row (filters, a URL and a translation per
row). Labels are translated and the URL reversed once per page; every value is escaped by
clusters.html.html. The markup is the one the template wrote (tests/yearend/test_pagehtml.py)."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from clusters.formatting import points
from clusters.html import html

_ANY = 987654321  # the placeholder pk of the unit history URL


def ranking_rows(ranking, majors, can_see_units):
    """The <tr>s of the ranking table: rank, unit (linked to its history for those who may see
    it), ineligible badge, points per major criterion ("—" for none), bonus, deduction, total."""
    codes = [code for code, _text, _max in majors]
    url = reverse("yearend:unit_history", args=[_ANY]) if can_see_units else ""
    any_pk = str(_ANY)
    badge = html(' <span class="badge text-bg-warning">{}</span>', _("ineligible"))
    out = []
    for r in ranking:
        if can_see_units:
            name = html('<a href="{}">{}</a>', url.replace(any_pk, str(r.unit.pk)), r.unit_name)
        else:
            name = html("{}", r.unit_name)
        by_major = r.by_major or {}
        cells = "".join(
            f'<td class="text-end">{html("{}", points(by_major.get(code)) or "—")}</td>' for code in codes
        )
        out.append(
            html(
                "<tr><td>{}</td><td>{}{}</td>\n    {}\n    "
                '<td class="text-end">{}</td><td class="text-end">{}</td>'
                '<td class="text-end"><strong>{}</strong></td></tr>',
                r.rank,
                name,
                "" if r.eligible else badge,
                SafeString(cells),
                points(r.bonus),
                points(r.deduction),
                points(r.total),
            )
        )
    return SafeString("".join(out))


def signatories(rows):
    """The <li>s of the pledge's signatories: unit – leader (date signed, local time)."""
    dates = {}
    out = []
    for unit, leader, at in rows:
        day = None
        if at:
            local = template_localtime(at)
            key = local.date()
            day = dates.get(key)
            if day is None:
                day = dates[key] = date_format(local, "SHORT_DATE_FORMAT")
        out.append(html("<li>{} – {} ({})</li>", unit, leader, day or ""))
    return SafeString("".join(out))
