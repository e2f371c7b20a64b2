"""The cells of a score sheet row (self-score, evidence, reviewed score) as HTML; see rowhtml.py.
`page` holds the labels (escaped), the per-row sentences, URL patterns and CSRF field of the page;
`context` the template's."""

from clusters.formatting import editable, points
from clusters.html import html

from .models import CriterionKind

_ANY = 987654321  # the placeholder pk of the URL patterns in `page` (rowhtml._page)

# Every row form swaps its row and queues behind the sheet's other row requests: typed fast
# (Enter per row), saves answered out of order left an older summary (7 of 8 rows) on screen.
SWAP = 'hx-swap="outerHTML" hx-sync="#score-table:queue all"'


def _url(page, name, pk):
    return page[name].replace(str(_ANY), str(pk))


def _invalid(flag, describedby):
    return html(' aria-invalid="true" aria-describedby="{}"', describedby) if flag else ""


def _get(obj, name):
    return getattr(obj, name) if obj is not None else None


def _posted(context, key):
    posted = context.get("posted") or {}
    return posted.get(key, "")


def self_cell(context, page, c, e):
    t, pk, code = page["t"], c.pk, c.code
    self_points = _get(e, "self_points")
    if not context.get("can_self"):
        parts = [
            html(
                '  <td data-label="{}">\n      <span class="num">{}</span>\n',
                t["self_score"],
                points(self_points) or "—",
            )
        ]
        if c.kind == CriterionKind.TARGET_SHARE and _get(e, "achieved") is not None:
            parts.append(
                html(
                    '      <div class="small">{} {} / {}</div>\n',
                    t["achieved"],
                    points(e.achieved),
                    points(e.target),
                )
            )
        if _get(e, "note"):
            parts.append(html('      <div class="small">{}</div>\n', e.note))
        parts.append("  </td>\n")
        return parts
    error = context.get("error")
    invalid = _invalid(error, f"error-{pk}")
    url = _url(page, "row_save", pk)
    parts = [
        html(
            '  <td data-label="{}">\n    <form method="post" action="{}" hx-post="{}" hx-target="#row-{}" '
            + SWAP
            + ' class="d-flex flex-column gap-1 row-form">{}\n',
            t["self_score"],
            url,
            url,
            pk,
            page["csrf"],
        )
    ]
    if c.kind == CriterionKind.YES_NO:
        saved = "" if self_points is None else ("có" if self_points > 0 else "không")
        parts.append(
            html(
                '      <label class="visually-hidden" for="value-{}">{}</label>\n'
                '      <select class="form-select form-select-sm score-input" name="value" id="value-{}" '
                'data-saved="{}"{}>\n'
                '        <option value="">—</option>\n        <option value="có"{}>{}</option>\n'
                '        <option value="không"{}>{}</option>\n      </select>\n',
                pk,
                page["s"]["achieved_q"] % {"code": code},
                pk,
                saved,
                invalid,
                " selected" if saved == "có" else "",
                t["yes"],
                " selected" if saved == "không" else "",
                t["no"],
            )
        )
    elif c.kind == CriterionKind.TARGET_SHARE:
        achieved, target = editable(_get(e, "achieved")), editable(_get(e, "target"))
        parts.append(
            html(
                '      <label class="form-label small mb-0" for="value-{}">{}</label>\n'
                '      <input class="form-control form-control-sm num score-input" name="value" '
                'id="value-{}" '
                'inputmode="decimal" autocomplete="off" data-saved="{}" value="{}"{}>\n'
                '      <label class="form-label small mb-0" for="target-{}">{}</label>\n'
                '      <input class="form-control form-control-sm num" name="target" id="target-{}" '
                'inputmode="decimal" '
                'autocomplete="off" data-saved="{}" value="{}">\n',
                pk,
                page["s"]["achieved_code"] % {"code": code},
                pk,
                achieved,
                _posted(context, "value") if error else achieved,
                invalid,
                pk,
                t["target_if_none"],
                pk,
                target,
                _posted(context, "target") if error else target,
            )
        )
        if self_points is not None:
            parts.append(html('      <div class="small">= {} {}</div>\n', points(self_points), t["points"]))
    else:
        own = editable(self_points)
        parts.append(
            html(
                '      <label class="visually-hidden" for="value-{}">{}</label>\n'
                '      <input class="form-control form-control-sm num score-input" name="value" '
                'id="value-{}" '
                'inputmode="decimal" autocomplete="off" placeholder="0 – {}" data-saved="{}" value="{}"{}>\n',
                pk,
                page["s"]["points_for"] % {"code": code},
                pk,
                points(c.max_points),
                own,
                _posted(context, "value") if error else own,
                invalid,
            )
        )
    note = _get(e, "note") or ""
    if error:
        state, message = "error", t["not_saved"]
    else:
        state = "saved" if self_points is not None else "empty"
        message = t["saved_now"] if context.get("saved") else (t["saved"] if self_points is not None else "")
    parts.append(
        html(
            '      <label class="visually-hidden" for="note-{}">{}</label>\n'
            '      <input class="form-control form-control-sm" name="note" id="note-{}" placeholder="{}" '
            'data-saved="{}" value="{}">\n'
            '      <button class="btn btn-sm btn-primary" type="submit">{}<span class="visually-hidden"> '
            "{}</span></button>\n"
            "{}"
            '      <div class="small row-state row-state-{}" id="state-{}" data-state="{}" '
            'data-server-text="{}">{}</div>\n'
            "    </form>\n  </td>\n",
            pk,
            page["s"]["note_for"] % {"code": code},
            pk,
            t["note"],
            note,
            _posted(context, "note") if error else note,
            t["save"],
            code,
            html('      <div class="text-danger small" id="error-{}" role="alert">{}</div>\n', pk, error)
            if error
            else "",
            state,
            pk,
            state,
            message,
            message,
        )
    )
    return parts


def evidence_cell(context, page, c, row):
    t, pk, can_self = page["t"], c.pk, context.get("can_self")
    parts = [html('  <td data-label="{}">\n    <ul class="list-unstyled small mb-1">\n', t["evidence"])]
    for ev in row.evidence:
        remove = ""
        if can_self:
            url = _url(page, "evidence_delete", ev.pk)
            remove = html(
                '<form method="post" action="{}" hx-post="{}" hx-target="#row-{}" ' + SWAP + ">{}"
                '<button class="btn btn-link btn-sm p-0 text-danger" type="submit">{}<span '
                'class="visually-hidden"> {}</span></button></form>',
                url,
                url,
                pk,
                page["csrf"],
                t["remove"],
                ev.original_name,
            )
        parts.append(
            html(
                '      <li class="d-flex gap-1 align-items-center"><a href="{}">{}</a>{}</li>\n',
                _url(page, "evidence_download", ev.pk),
                ev.original_name,
                remove,
            )
        )
    if not row.evidence:
        parts.append(html('      <li class="text-body-secondary">{}</li>\n', t["no_files"]))
    parts.append("    </ul>\n")
    if can_self:
        error = context.get("evidence_error")
        url = _url(page, "evidence_upload", pk)
        parts.append(
            html(
                '    <form method="post" enctype="multipart/form-data" action="{}" hx-post="{}" '
                'hx-encoding="multipart/form-data" '
                'hx-target="#row-{}" ' + SWAP + ' class="d-flex flex-column gap-1">{}\n'
                '      <label class="visually-hidden" for="file-{}">{}</label>\n'
                '      <input class="form-control form-control-sm" type="file" name="file" id="file-{}" '
                'accept=".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.odt,.ods,.pptx"{}>\n'
                '      <button class="btn btn-sm btn-outline-primary" type="submit">{}<span '
                'class="visually-hidden"> {}</span></button>\n'
                "{}    </form>\n",
                url,
                url,
                pk,
                page["csrf"],
                pk,
                page["s"]["evidence_for"] % {"code": c.code},
                pk,
                _invalid(error, f"evidence-error-{pk}"),
                t["attach"],
                c.code,
                html(
                    '      <div class="text-danger small" id="evidence-error-{}" role="alert">{}</div>\n',
                    pk,
                    error,
                )
                if error
                else "",
            )
        )
    parts.append("  </td>\n")
    return parts


def review_cell(context, page, c, e):
    t, pk = page["t"], c.pk
    reviewed, self_points = _get(e, "reviewed_points"), _get(e, "self_points")
    parts = [html('  <td data-label="{}">\n    ', t["reviewed_score"])]
    if reviewed is not None:
        parts.append(
            html(
                '<span class="num{}">{}</span>',
                " fw-bold text-danger" if e.adjusted else "",
                points(reviewed),
            )
        )
        if e.adjusted:
            parts.append(html('\n    <div class="small">{}: {}</div>', t["adjusted"], e.review_reason))
    elif self_points is not None:
        parts.append(
            html(
                '<span class="num text-body-secondary">{}</span> <span class="small '
                'text-body-secondary">({})</span>',
                points(self_points),
                t["pending"],
            )
        )
    else:
        parts.append("—")
    parts.append("\n")
    if context.get("can_review"):
        error = context.get("review_error")
        url = _url(page, "review_save", pk)
        parts.append(
            html(
                '    <form method="post" action="{}" hx-post="{}" hx-target="#row-{}" ' + SWAP + " "
                'class="d-flex flex-column gap-1 mt-1">{}\n'
                '      <label class="visually-hidden" for="reviewed-{}">{}</label>\n'
                '      <input class="form-control form-control-sm num" name="reviewed" id="reviewed-{}" '
                'inputmode="decimal" '
                'autocomplete="off" value="{}"{}>\n'
                '      <label class="visually-hidden" for="reason-{}">{}</label>\n'
                '      <input class="form-control form-control-sm" name="reason" id="reason-{}" '
                'placeholder="{}" value="{}">\n'
                '      <button class="btn btn-sm btn-outline-primary" type="submit">{}<span '
                'class="visually-hidden"> {}</span></button>\n'
                "{}    </form>\n",
                url,
                url,
                pk,
                page["csrf"],
                pk,
                page["s"]["reviewed_for"] % {"code": c.code},
                pk,
                _posted(context, "reviewed") if error else points(_get(e, "final_points")),
                _invalid(error, f"review-error-{pk}"),
                pk,
                page["s"]["reason_for"] % {"code": c.code},
                pk,
                t["reason_required"],
                _posted(context, "reason") if error else "",
                t["adjust"],
                c.code,
                html(
                    '      <div class="text-danger small" id="review-error-{}" role="alert">{}</div>\n',
                    pk,
                    error,
                )
                if error
                else "",
            )
        )
    parts.append("  </td>\n")
    return parts
