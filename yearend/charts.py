"""Vector charts drawn on the server (SVG), for the pages and the PDF alike: no JavaScript."""

from decimal import Decimal

from django.utils.html import escape  # quotes too: labels go into attributes

from clusters import formatting


def bar_chart(items, *, title, width=640, bar_height=22, label_width=190, font="Liberation Serif"):
    """Horizontal bars: items = [(label, value)]. Returns SVG markup (a string)."""
    items = [(label, Decimal(value or 0)) for label, value in items]
    top = max((v for _label, v in items), default=Decimal(0))
    gap = 8
    plot = width - label_width - 70
    height = 30 + len(items) * (bar_height + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" font-family="{font}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 30 + i * (bar_height + gap)
        w = 0 if top <= 0 else int(max(value, 0) * plot / top)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" font-size="12" '
            f'text-anchor="end">{escape(str(label))}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar_height}" fill="#9b1c1c"></rect>'
        )
        parts.append(
            f'<text x="{label_width + w + 4}" y="{y + bar_height * 0.7:.1f}" font-size="12">'
            f"{formatting.number(value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points, *, title, width=640, height=240, font="Liberation Serif"):
    """Totals over years: points = [(year, value or None)]. Returns SVG markup."""
    pts = [(int(x), Decimal(v)) for x, v in points if v is not None]
    left, right, top_pad, bottom = 50, 20, 30, 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" font-family="{font}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    years = [int(x) for x, _v in points]
    if not years:
        parts.append("</svg>")
        return "".join(parts)
    lo_x, hi_x = min(years), max(years)
    hi_y = max((v for _x, v in pts), default=Decimal(100))
    hi_y = hi_y if hi_y > 0 else Decimal(100)
    plot_w, plot_h = width - left - right, height - top_pad - bottom

    def sx(x):
        return left + (plot_w / 2 if hi_x == lo_x else (x - lo_x) * plot_w / (hi_x - lo_x))

    def sy(v):
        return top_pad + plot_h - float(v) * plot_h / float(hi_y)

    parts.append(
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" '
        f'y2="{top_pad + plot_h}" stroke="#555"></line>'
    )
    for x in years:
        parts.append(
            f'<text x="{sx(x):.1f}" y="{height - 10}" font-size="12" text-anchor="middle">{x}</text>'
        )
    if len(pts) > 1:
        path = " ".join(f"{sx(x):.1f},{sy(v):.1f}" for x, v in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#9b1c1c" stroke-width="2"></polyline>')
    for x, v in pts:
        parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(v):.1f}" r="4" fill="#9b1c1c"></circle>')
        parts.append(
            f'<text x="{sx(x):.1f}" y="{sy(v) - 8:.1f}" font-size="12" text-anchor="middle">'
            f"{formatting.number(v)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
