"""Our own checks of an official document's layout (Decree 30/2020/NĐ-CP), on poppler's output.

Used by every test that renders a PDF; needs only poppler-utils."""

import html
import json
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MM = 72 / 25.4
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output" / "pdf"
# the project's independent checker (shared tools of the team, next to the checkout)
CHECKER_CANDIDATES = [
    Path(os.environ["DECREE30_CHECKER"]) if os.environ.get("DECREE30_CHECKER") else None,
    ROOT.parent / "shared" / "tools" / "decree30_check.py",
    ROOT.parent.parent / "shared" / "tools" / "decree30_check.py",
]
# documents without a number of their own (a list or an annex sent with another document):
# their file names say so, and .ci/run checks them with --no-number as well
UNNUMBERED_MARK = "annex"


def _run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@dataclass
class Page:
    width: float
    height: float
    words: list  # (x0, y0, x1, y1, text) in points


def save(pdf_bytes, name):
    """Keep a produced PDF under test-output/pdf/ (CI runs the independent checker on them)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / name
    path.write_bytes(pdf_bytes)
    return path


def pages(path):
    out = _run("pdftotext", "-bbox", str(path), "-")
    result = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [
            (float(a), float(b), float(c), float(d), html.unescape(w))
            for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                m.group(3),
            )
        ]
        result.append(Page(float(m.group(1)), float(m.group(2)), words))
    return result


def text(path):
    return _run("pdftotext", "-layout", str(path), "-")


def fonts(path):
    """[(name, embedded: bool)] from pdffonts."""
    rows = []
    for line in _run("pdffonts", str(path)).splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 5:
            # columns end with: emb sub uni object ID  ->  parts[-5] is "emb"
            rows.append((parts[0], parts[-5] == "yes"))
    return rows


def margins_mm(page_list):
    """Smallest distance of body text to each edge, over all pages (a lone page number at the
    top of pages 2+ is not body text)."""
    worst = {"left": 1e9, "right": 1e9, "top": 1e9, "bottom": 1e9}
    for n, p in enumerate(page_list, 1):
        body = [w for w in p.words if not (n > 1 and w[4].isdigit() and w[3] < 20 * MM)]
        if not body:
            continue
        worst["left"] = min(worst["left"], min(w[0] for w in body) / MM)
        worst["right"] = min(worst["right"], (p.width - max(w[2] for w in body)) / MM)
        worst["top"] = min(worst["top"], min(w[1] for w in body) / MM)
        worst["bottom"] = min(worst["bottom"], (p.height - max(w[3] for w in body)) / MM)
    return worst


def assert_decree30_layout(path, motto=True, strict=True):
    """A4 portrait, margins, embedded serif fonts, motto, page numbers from page 2, NFC text;
    with the motto, also the strict checks of the shared checker (place and date, number,
    signature pages, headings)."""
    page_list = pages(path)
    assert page_list, "no pages"
    for p in page_list:
        assert (round(p.width), round(p.height)) == (595, 842), f"not A4 portrait: {p.width}x{p.height}"
    m = margins_mm(page_list)
    assert 30 <= m["left"] <= 35, f"left margin {m['left']:.1f} mm"
    assert m["right"] >= 15, f"right margin {m['right']:.1f} mm"
    assert m["top"] >= 20, f"top margin {m['top']:.1f} mm"
    assert m["bottom"] >= 20, f"bottom margin {m['bottom']:.1f} mm"
    font_rows = fonts(path)
    assert font_rows and all(emb for _, emb in font_rows), f"fonts not all embedded: {font_rows}"
    assert any(re.search(r"Liberation-?Serif", name) for name, _ in font_rows), (
        f"no Liberation Serif: {font_rows}"
    )
    extracted = text(path)
    assert extracted == unicodedata.normalize("NFC", extracted), "text is not NFC"
    assert not any(unicodedata.combining(ch) for ch in extracted), "combining marks in the text"
    if motto:
        first = " ".join(w[4] for w in page_list[0].words)
        for line in MOTTO:
            assert line in first, f"motto line missing on page 1: {line}"
    top_band = 20 * MM
    first_top = [w[4] for w in page_list[0].words if w[3] < top_band]
    assert not any(t.isdigit() for t in first_top), "page number on page 1"
    for n, p in enumerate(page_list[1:], 2):
        numbers = [w[4] for w in p.words if w[4].isdigit() and w[1] < 25 * MM]
        assert str(n) in numbers, f"page {n} has no page number at the top"
    if motto and strict:
        assert_strict(path)
    return page_list


def checker():
    for candidate in CHECKER_CANDIDATES:
        if candidate and candidate.exists():
            return candidate
    return None


def strict_failures(path, number=None):
    """The failed checks of the shared strict Decree 30 checker ([] when all hold). `number`:
    whether the document must carry a number; by default, unless the file name marks an annex."""
    tool = checker()
    if tool is None:
        if os.environ.get("CI"):
            raise AssertionError("decree30_check.py not found: " + ", ".join(map(str, CHECKER_CANDIDATES)))
        import pytest

        pytest.skip("the shared decree30_check.py is not next to this checkout")
    if number is None:
        number = UNNUMBERED_MARK not in Path(path).name
    args = [sys.executable, str(tool), str(path), "--strict", "--json"] + ([] if number else ["--no-number"])
    out = subprocess.run(args, capture_output=True, text=True, check=False).stdout
    return [f"{r['check']}: {r['detail']}" for r in json.loads(out) if not r["ok"]]


def assert_strict(path, number=None):
    failures = strict_failures(path, number)
    assert not failures, f"{Path(path).name}: " + "; ".join(failures)


def image_count(path, page=1):
    """Pictures on one page (the draft watermark is one)."""
    out = _run("pdfimages", "-list", "-f", str(page), "-l", str(page), str(path))
    rows = [line.split() for line in out.strip().splitlines()[2:]]
    return sum(1 for row in rows if len(row) > 2 and row[2] == "image")
