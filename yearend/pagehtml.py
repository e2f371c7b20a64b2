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


def _overdue_labels():
    """The overdue badges' texts: (what) -> text with %(n)s, translated once per page."""
    return {
        "pledge": _("%(n)s pledge signature(s) missing"),
        "scores": _("%(n)s score sheet(s) not submitted"),
        "votes": _("%(n)s poll(s) not finished"),
        "dossier": _("dossier not submitted"),
        "stage": _("stage deadline passed"),
    }


def overdue(items, labels=None):
    """The badges (or "—") of a row's `overdue` [(what, missing count)]: the province's table and
    its home page dashboard (yearend_tags.overdue_badges)."""
    if not items:
        return "—\n"
    labels = labels or _overdue_labels()
    out = []
    for what, n in items:
        text = labels.get(what, labels["stage"])
        if "%(n)s" in text:
            text = text % {"n": n}
        out.append(html('<span class="badge text-bg-danger">{}</span> ', text))
    return "".join(out) + "\n"


def province_rows(rows):
    """The <tr>s of the province's table (yearend/province.html): cluster (linked to its year),
    stage and its deadline, what is overdue, pledge, scores, votes, dossier, decisions."""
    url = reverse("clusters:year_detail", args=[_ANY])
    any_pk = str(_ANY)
    deadline_label = _("deadline")
    yes, no = html("{}", _("yes")), html("{}", _("no"))
    labels = _overdue_labels()
    stages, dates = {}, {}
    out = []
    for r in rows:
        cy = r["year"]
        stage = stages.get(cy.stage)
        if stage is None:
            stage = stages[cy.stage] = html("{}", cy.get_stage_display())
        deadline = cy.deadline_for_stage()
        if deadline:
            day = dates.get(deadline)
            if day is None:
                day = dates[deadline] = date_format(deadline, "SHORT_DATE_FORMAT")
            stage = html("{}<br><small>{} {}</small>", stage, deadline_label, day)
        out.append(
            html(
                '\n    <tr>\n      <td><a href="{}">{}</a></td>\n      <td>{}</td>\n'
                "      <td>{}</td>\n      <td>{}/{}</td>\n      <td>{}/{}</td>\n      <td>{}/{}</td>\n"
                "      <td>{}</td>\n      <td>{}/{}</td>\n    </tr>\n  ",
                url.replace(any_pk, str(cy.pk)),
                cy.cluster.name,
                stage,
                SafeString(overdue(r["overdue"], labels)),
                r["pledge_signed"],
                r["members"],
                r["scores_submitted"],
                r["members"],
                r["polls_done"],
                r["polls"],
                yes if r["dossier"] else no,
                r["decisions"],
                r["nominations"],
            )
        )
    return SafeString("".join(out))
