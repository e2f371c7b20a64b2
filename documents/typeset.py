"""Names kept whole in the narrow columns of an official document (Decree 30/2020/NĐ-CP).

An issuing body's name ("UBND HUYỆN THẠCH THẤT", "CỤM THI ĐUA CÁC XÃ, THỊ TRẤN") must never be
broken mid-name. `fit` measures the text with the document's own font (Liberation Serif) and
answers the lines to print and the font size: one line at the normal size, else one line a font
step smaller, else lines broken only where a clerk would break them (before "CÁC", before the
type of an administrative unit that starts a proper name), each line unbreakable.
"""

import functools
import os
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

MM_PER_PT = 25.4 / 72
SIZES = (13, 12)  # pt: the normal size and the one step smaller (both within 12-13 pt)
NBSP = "\u00a0"

# words before which a name may be broken (never after a comma: "XÃ, THỊ TRẤN" stays whole)
BREAK_BEFORE = (
    "CÁC",
    "CỤM",
    "KHỐI",
    "TỈNH",
    "THÀNH PHỐ",
    "HUYỆN",
    "QUẬN",
    "THỊ XÃ",
    "XÃ",
    "PHƯỜNG",
    "THỊ TRẤN",
    "ĐẶC KHU",
    "SỞ",
    "BAN",
    "HỘI ĐỒNG",
    "ỦY BAN NHÂN DÂN",
)


@functools.cache
def _font(bold):
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    for folder in settings.DOCUMENT_FONT_DIRS:
        try:
            font = TTFont(f"{folder}/{name}", lazy=True)
        except FileNotFoundError:
            continue
        return font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    raise FileNotFoundError(f"{name} not found in {settings.DOCUMENT_FONT_DIRS}")


def width_mm(text, size_pt, *, bold=False):
    """Width of `text` set in Liberation Serif at `size_pt` (millimetres)."""
    cmap, hmtx, upem = _font(bold)
    total = 0
    for ch in unicodedata.normalize("NFC", text):
        glyph = cmap.get(ord(ch)) or cmap.get(32)
        total += hmtx[glyph][0]
    return total * size_pt / upem * MM_PER_PT


@dataclass(frozen=True)
class Fitted:
    lines: tuple
    size: int

    @property
    def css(self):
        return f"fs-{self.size}"

    @property
    def broken(self):
        return len(self.lines) > 1


def _break_points(words):
    """Indexes i where a line may start at words[i]."""
    points = []
    for i in range(1, len(words)):
        if words[i - 1].endswith(",") or words[i - 1] in ("CÁC", "ỦY", "TM.", "KT.", "Q.", "TL.", "TUQ."):
            continue
        rest = " ".join(words[i:])
        if any(rest == w or rest.startswith(w + " ") for w in BREAK_BEFORE):
            # not inside a two-word type ("THỊ / XÃ", "THÀNH / PHỐ")
            pair = " ".join(words[i - 1 : i + 1])
            if pair in BREAK_BEFORE:
                continue
            points.append(i)
    return points


def _split(words, points, count):
    """Best split of `words` into `count` lines at the given break points (smallest widest line)."""
    from itertools import combinations

    for cuts in combinations(points, count - 1):
        bounds = (0, *cuts, len(words))
        yield [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def fit(text, column_mm, *, bold=False, sizes=SIZES, upper=True):
    """Lines and size for `text` in a column `column_mm` wide."""
    text = " ".join(unicodedata.normalize("NFC", str(text)).split())
    if upper:
        text = text.upper()
    for size in sizes:
        if width_mm(text, size, bold=bold) <= column_mm:
            return Fitted((text,), size)
    words = text.split(" ")
    points = _break_points(words)
    for size in sizes:
        for count in range(2, min(len(points) + 1, 3) + 1):
            options = [
                lines
                for lines in _split(words, points, count)
                if all(width_mm(line, size, bold=bold) <= column_mm for line in lines)
            ]
            if options:
                best = min(options, key=lambda ls: max(width_mm(ln, size, bold=bold) for ln in ls))
                return Fitted(tuple(best), size)
    # nowhere to break cleanly: balance the lines over plain word boundaries at the small size
    size = sizes[-1]
    lines, current = [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if current and width_mm(trial, size, bold=bold) > column_mm:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    return Fitted(tuple(lines), size)


def keep_whole(text):
    """The text with non-breaking spaces, so that it is never broken across lines."""
    return re.sub(r" +", NBSP, str(text))


@functools.cache
def draft_mark_uri():
    """The "DỰ THẢO" watermark of a draft as a PNG data URI: a picture, so that the text of the
    document (what a clerk copies, what checkers read) stays clean."""
    import base64
    import io

    from PIL import Image, ImageDraw, ImageFont

    folder = next(d for d in settings.DOCUMENT_FONT_DIRS if os.path.exists(f"{d}/LiberationSerif-Bold.ttf"))
    font = ImageFont.truetype(f"{folder}/LiberationSerif-Bold.ttf", 220)
    text = "DỰ THẢO"
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("RGBA", (right - left + 40, bottom - top + 40), (255, 255, 255, 0))
    ImageDraw.Draw(image).text((20 - left, 20 - top), text, font=font, fill=(190, 190, 190, 150))
    image = image.rotate(30, expand=True, resample=Image.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
