"""One row of a score sheet as HTML, built in Python (the `score_row` tag of scoring_tags).

A sheet has ~50 rows and the template of a row had ~90 nodes (labels, URLs, forms): rendered
through the template engine it was three quarters of the score entry page's time. Here the labels
are translated and the URLs reversed once per page (cached in the render context), each row is a
few calls of clusters.html.html (format_html without its overhead); every value is escaped. The history
of a row too (`history_details`, also behind scoring/_history.html: one markup for the rows and the
pages)."""

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from clusters.formatting import points
from clusters.history import TrailWriter, history_html
from clusters.html import html

from .models import CriterionKind
from .rowcells import _ANY, evidence_cell, review_cell, self_cell


def _labels():
    return {
        "code": _("Code"),
        "criterion": _("Criterion"),
        "deduction_up_to": _("Deduction, up to"),
        "maximum": _("Maximum"),
        "points": _("points"),
        "share": _("share of the registered target"),
        "yes_no": _("yes/no"),
        "self_score": _("Self-score"),
        "yes": _("Yes"),
        "no": _("No"),
        "target_if_none": _("Target (if none is registered)"),
        "note": _("Note"),
        "save": pgettext("score row", "Save"),
        "not_saved": _("Not saved: see the error"),
        "saved_now": _("Saved."),
        "saved": pgettext("row state", "Saved"),
        "achieved": _("achieved"),
        "evidence": _("Evidence"),
        "remove": _("Remove"),
        "no_files": _("No files"),
        "attach": _("Attach"),
        "reviewed_score": _("Reviewed score"),
        "adjusted": _("Adjusted"),
        "pending": _("pending review"),
        "reason_required": _("Reason (required)"),
        "adjust": _("Adjust"),
        "history": pgettext("list of changes", "History"),
    }


def _row_texts():
    """The per-row sentences (a criterion code goes into each): translated once per page, not
    escaped yet (the code is put in first, then html() escapes the whole)."""
    return {
        "achieved_q": _("Achieved? (criterion %(code)s)"),
        "achieved_code": _("Achieved (%(code)s)"),
        "points_for": _("Points for criterion %(code)s"),
        "note_for": _("Note for criterion %(code)s"),
        "evidence_for": _("Evidence file for criterion %(code)s"),
        "reviewed_for": _("Reviewed points for criterion %(code)s"),
        "reason_for": _("Reason for the adjustment of %(code)s"),
    }


def _page(context):
    """Labels, URL patterns and the CSRF field, once per page render."""
    cache = context.render_context
    page = cache.get("scoring_row_page")
    if page is None:
        year, sheet = context["year"], context["sheet"]
        args = [year.pk, sheet.unit_id, _ANY]
        page = {
            # escaped once here: html() passes SafeStrings through
            "t": {key: conditional_escape(text) for key, text in _labels().items()},
            "s": _row_texts(),
            "summaries": {},
            "row_save": reverse("scoring:row_save", args=args),
            "evidence_upload": reverse("scoring:evidence_upload", args=args),
            "review_save": reverse("scoring:review_save", args=args),
            "evidence_download": reverse("scoring:evidence_download", args=[_ANY]),
            "evidence_delete": reverse("scoring:evidence_delete", args=[_ANY]),
            "trail": TrailWriter(),
            "csrf": html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token", "")
            ),
        }
        cache["scoring_row_page"] = page
    return page


def history_details(events, writer=None, summaries=None):
    """The audit trail folded under "History (n changes)"; nothing without events. `writer`: the
    page's clusters.history.TrailWriter, `summaries` its {n: summary} (rows share them)."""
    if not events:
        return ""
    n = len(events)
    summary = summaries.get(n) if summaries is not None else None
    if summary is None:
        summary = ngettext("History (%(n)s change)", "History (%(n)s changes)", n) % {"n": n}
        if summaries is not None:
            summaries[n] = summary
    return html(
        '<details class="small">\n  <summary>{}</summary>\n  {}\n</details>',
        summary,
        history_html(events, writer),
    )


def render_row(context, row):
    """The row's <tr>; every dynamic value went through html() (escaped)."""
    page, c, e = _page(context), row.criterion, row.entry
    t = page["t"]
    leaf = c.is_leaf
    parts = [
        html(
            '<tr id="row-{}" class="{}"{}>\n  <th scope="row" class="text-nowrap ps-{}" '
            'data-label="{}">{}</th>\n',
            c.pk,
            "" if leaf else "table-light",
            html(' data-leaf="1" data-code="{}" data-evidence="{}"', c.code, len(row.evidence))
            if leaf
            else "",
            (getattr(c, "level", 0) or 0) + 1,
            t["code"],
            c.code,
        )
    ]
    kind_note = ""
    if c.kind == CriterionKind.TARGET_SHARE:
        kind_note = html(" · {}", t["share"])
    elif c.kind == CriterionKind.YES_NO:
        kind_note = html(" · {}", t["yes_no"])
    parts.append(
        html(
            '  <td class="criterion-text" data-label="{}">\n    {}\n'
            '    <div class="small text-body-secondary">{} {} {}{}</div>\n{}  </td>\n',
            t["criterion"],
            c.text if leaf else html("<strong>{}</strong>", c.text),
            t["deduction_up_to"] if c.kind == CriterionKind.DEDUCTION else t["maximum"],
            points(c.max_points),
            t["points"],
            kind_note,
            html('    <div class="small fst-italic">{}</div>\n', c.guidance) if c.guidance else "",
        )
    )
    if not leaf:
        parts.append('  <td colspan="4" class="stack-hide"></td>\n')
    else:
        parts += self_cell(context, page, c, e)
        parts += evidence_cell(context, page, c, row)
        parts += review_cell(context, page, c, e)
        history = history_details(row.history, page["trail"], page["summaries"])
        parts.append(html('  <td data-label="{}">{}</td>\n', t["history"], history))
    parts.append("</tr>")
    # every part is a constant or the output of html(): safe to join as HTML
    return mark_safe("".join(parts))  # noqa: S308


def render_rows(context, rows):
    """The rows' <tr>s one after the other."""
    # every row is the output of render_row (escaped values only)
    return mark_safe("".join([render_row(context, row) for row in rows]))  # noqa: S308
