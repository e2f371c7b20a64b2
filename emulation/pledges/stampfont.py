"""Signature stamps that share one font: the signing copy carries a single embedded subset of
Liberation Serif in its AcroForm default resources, and each stamp's appearance only refers to
it. 23 stamps therefore add no font bytes at all (a stamp rendered as its own PDF re-embedded
~15 KB of font each time). The subset holds the letters of this pledge's stamps (the signer
records' names, the stamp's own words, the digits): ~4 KB instead of ~14 KB for ASCII and every
Vietnamese letter; its ToUnicode map tells which letters it has, and a stamp with a letter
outside them is drawn another way by the caller."""

import functools
import io
import re
import unicodedata
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfResources, RawContent
from pyhanko.pdf_utils.layout import BoxConstraints

from . import lean

FONT_KEY = "/GUStamp"  # the font's name in /AcroForm /DR /Font
FONT_PATHS = [
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
]
VOWELS = "aăâeêioôơuưy"
MARKS = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
CHARS = sorted(
    {chr(c) for c in range(0x20, 0x7F)}
    | {unicodedata.normalize("NFC", v + m) for v in VOWELS + VOWELS.upper() for m in MARKS}
    | set("đĐ–…“”‘’")
)
RED = b"0.69 0 0 rg 0.69 0 0 RG"
ALWAYS = "0123456789 /:.,-()"


def font_path():
    return next((p for p in FONT_PATHS if p.exists()), None)


def charset(texts=None):
    """The letters a subset holds: those of `texts` and the digits and punctuation of a date
    (every letter in ASCII and Vietnamese without `texts`)."""
    if texts is None:
        return "".join(CHARS)
    return "".join(sorted(set(unicodedata.normalize("NFC", "".join(texts) + ALWAYS))))


@functools.cache
def _subset(chars=None):
    """(TrueType subset bytes, {char: glyph id}, {glyph id: advance /1000 em}, ascent, descent)."""
    chars = chars or charset()
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.retain_gids = False
    options.notdef_outline = True
    options.name_IDs = []
    options.layout_features = []
    options.hinting = False  # instructions are most of the file; a 10 pt stamp needs none
    font = TTFont(str(font_path()))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    cmap = font.getBestCmap()
    order = font.getGlyphOrder()
    gid = {ch: order.index(cmap[ord(ch)]) for ch in chars if ord(ch) in cmap}
    scale = 1000 / font["head"].unitsPerEm
    widths = {g: round(font["hmtx"][order[g]][0] * scale) for g in gid.values()}
    return (
        out.getvalue(),
        gid,
        widths,
        round(font["hhea"].ascent * scale),
        round(font["hhea"].descent * scale),
    )


def _to_unicode(gid):
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    pairs = sorted((g, ch) for ch, g in gid.items())
    for i in range(0, len(pairs), 100):
        chunk = pairs[i : i + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines += [b"<%04X> <%s>" % (g, ch.encode("utf-16-be").hex().upper().encode()) for g, ch in chunk]
        lines.append(b"endbfchar")
    lines += [b"endcmap CMapName currentdict /CMap defineresource pop end end"]
    return b"\n".join(lines)


def add_font(writer, texts=None):
    """Embed the shared stamp font once (a Type0 / CIDFontType2 font, Identity-H) with the
    letters of `texts`, and register it in the AcroForm's default resources; returns its
    reference."""
    chars = charset(texts)
    data, gid, widths, ascent, descent = _subset(chars)
    pdf_name = generic.NameObject
    font_file = generic.StreamObject(
        {pdf_name("/Length1"): generic.NumberObject(len(data))}, stream_data=data
    )
    font_file.compress()
    descriptor = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/FontDescriptor"),
            pdf_name("/FontName"): pdf_name("/GUSTMP+LiberationSerif"),
            pdf_name("/Flags"): generic.NumberObject(6),
            pdf_name("/FontBBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (-200, descent, 1200, ascent)]
            ),
            pdf_name("/ItalicAngle"): generic.NumberObject(0),
            pdf_name("/Ascent"): generic.NumberObject(ascent),
            pdf_name("/Descent"): generic.NumberObject(descent),
            pdf_name("/CapHeight"): generic.NumberObject(ascent),
            pdf_name("/StemV"): generic.NumberObject(80),
            pdf_name("/FontFile2"): writer.add_object(font_file),
        }
    )
    w_array = generic.ArrayObject()  # runs of consecutive glyph ids: "first [w w w ...]"
    for g in sorted(widths):
        if w_array and g == w_array[-2] + len(w_array[-1]):
            w_array[-1].append(generic.NumberObject(widths[g]))
        else:
            w_array += [generic.NumberObject(g), generic.ArrayObject([generic.NumberObject(widths[g])])]
    cid_font = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/CIDFontType2"),
            pdf_name("/BaseFont"): pdf_name("/GUSTMP+LiberationSerif"),
            pdf_name("/CIDSystemInfo"): generic.DictionaryObject(
                {
                    pdf_name("/Registry"): generic.TextStringObject("Adobe"),
                    pdf_name("/Ordering"): generic.TextStringObject("Identity"),
                    pdf_name("/Supplement"): generic.NumberObject(0),
                }
            ),
            pdf_name("/FontDescriptor"): writer.add_object(descriptor),
            pdf_name("/CIDToGIDMap"): pdf_name("/Identity"),
            pdf_name("/W"): w_array,
        }
    )
    to_unicode = generic.StreamObject(stream_data=_to_unicode(gid))
    to_unicode.compress()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type0"),
                pdf_name("/BaseFont"): pdf_name("/GUSTMP+LiberationSerif"),
                pdf_name("/Encoding"): pdf_name("/Identity-H"),
                pdf_name("/DescendantFonts"): generic.ArrayObject([writer.add_object(cid_font)]),
                pdf_name("/ToUnicode"): writer.add_object(to_unicode),
            }
        )
    )
    form = writer.root["/AcroForm"]
    dr = form.setdefault(pdf_name("/DR"), generic.DictionaryObject())
    dr.setdefault(pdf_name("/Font"), generic.DictionaryObject())[pdf_name(FONT_KEY)] = font
    writer.update_container(form)
    return font


def shared_font(reader_root):
    """The shared stamp font of a signing copy, or None for a copy made before it existed."""
    try:
        return reader_root["/AcroForm"]["/DR"]["/Font"].raw_get(FONT_KEY)
    except KeyError:
        return None


def _encode(text, gid, widths):
    """The glyph ids of `text` as a literal string (two bytes a glyph; hex would take four) and
    its width in ems."""
    text = unicodedata.normalize("NFC", text)
    glyphs = [gid.get(ch, 0) for ch in text]
    raw = b"".join(g.to_bytes(2, "big") for g in glyphs)
    return lean.literal(raw), sum(widths.get(g, 500) for g in glyphs) / 1000


def font_chars(font_ref):
    """The letters of a signing copy's stamp font: those its ToUnicode map names (a copy of
    2026 lists them in /GUChars; one made before the subset followed the pledge has them all)."""
    font = font_ref.get_object()
    if "/GUChars" in font:
        return str(font["/GUChars"])
    try:
        cmap = font["/ToUnicode"].data
    except KeyError:
        return charset()
    pairs = re.findall(rb"<[0-9A-F]{4}> <([0-9A-F]+)>", cmap)
    return "".join(sorted({bytes.fromhex(h.decode()).decode("utf-16-be") for h in pairs}))


def stamp_content(font_ref, lines, width, height):
    """The stamp's appearance (a red frame and `lines` of text) as raw content using the shared
    font, each line shrunk to fit the box; None when a letter is not in the font."""
    chars = font_chars(font_ref)
    if not set(unicodedata.normalize("NFC", "".join(lines))) <= set(chars):
        return None
    _data, gid, widths, _a, _d = _subset(chars)
    pad, size = 5.5, 10.0
    ops = [b"q", RED, b"1 w 0.5 0.5 %.2f %.2f re S" % (width - 1, height - 1), b"BT"]
    y, font_size = height - pad - size, None
    ops.append(b"%.2f %.2f Td" % (pad, y))
    for n, line in enumerate(lines):
        glyphs, em = _encode(line, gid, widths)
        fit = round(min(size, (width - 2 * pad) / em) if em else size, 2)
        move = b"0 %.1f Td " % (-size * 1.3) if n else b""
        tf = b"/FS %g Tf " % fit if fit != font_size else b""  # only when the size changes
        ops.append(move + tf + glyphs + b" Tj")
        font_size = fit
    ops += [b"ET", b"Q"]
    resources = PdfResources()
    resources.font[generic.NameObject("/FS")] = font_ref
    return RawContent(b"\n".join(ops), resources=resources, box=BoxConstraints(width=width, height=height))
