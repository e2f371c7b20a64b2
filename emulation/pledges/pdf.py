"""The pledge as a PDF (WeasyPrint, Decree 30 layout) and the signature stamps (signing and
validation are in pades.py).

Only Celery tasks call the rendering and signing functions here."""

import base64
import io
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from clusters.issuers import header_context
from clusters.selectors import year_memberships
from documents import register
from documents.dates import place_date_line

from . import stampfont

SIGNING, CEREMONY = "signing", "ceremony"
SYMBOL = "GƯ"  # kind symbol of a pledge (giao ước) in the outgoing register
PX = 0.75  # WeasyPrint layout unit (CSS px) in PDF points
BOX_W_MM, BOX_H_MM = 62, 24
MM = 72 / 25.4


def field_name(unit_id):
    return f"ky-don-vi-{unit_id}"


def verify_url(version):
    return settings.SITE_URL + reverse("pledges:verify", args=[version.code])


def qr_data_uri(url):
    import qrcode

    img = qrcode.make(url, box_size=6, border=1)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def pledge_context(version, copy):
    pledge = version.pledge
    cy = pledge.cluster_year
    members = year_memberships(cy)
    for m in members:
        m.field = field_name(m.unit_id)
        # the signer record: the same person and unit name the stamp and the certificate carry
        entry = version.signatories.get(str(m.unit_id)) or {}
        m.signer = entry.get("person", m.unit.leader_name)
        m.signer_unit = entry.get("unit", m.display_name)
    rows = [members[i : i + 2] for i in range(0, len(members), 2)]
    header = header_context(cy.cluster, place_date=place_date_line(version.place, version.signing_date))
    entry = register.entry_for(register_subject(version))
    articles = [
        {"number": n, "paragraphs": [p for p in a.splitlines() if p.strip()]}
        for n, a in enumerate(version.articles, 1)
    ]
    return {
        **header,
        "doc_number": register.number_line(entry, symbol=SYMBOL, issuer_symbol=header["issuer"].symbol),
        "title": version.title,
        "sig_groups": signature_groups(rows),
        "version": version,
        "year": cy,
        "preamble": [p for p in version.preamble.splitlines() if p.strip()],
        "articles": articles,
        "members": members,
        "rows": rows,
        "copy": copy,
        "code": version.code,
        "verify_url": verify_url(version),
        "qr": qr_data_uri(verify_url(version)),
    }


def register_subject(version):
    """The pledge version's line in the cluster's outgoing register (taken when finalised)."""
    return f"pledge-version-{version.pk}"


def signature_groups(rows, lines_per_block=4, page_lines=20, chunk=3):
    """The signature rows in groups a page break never splits, so that no page holds a lone
    block: the last group has more than `page_lines` lines (the checker's grid of signatures),
    the groups before it `chunk` rows each (a page fits four), and the first group, which may be
    shorter, carries the closing paragraph."""

    def lines(group):
        return sum(len(row) for row in group) * lines_per_block

    if lines(rows) <= page_lines:
        return [{"keep": True, "rows": rows}]
    tail = 1
    while lines(rows[-tail:]) <= page_lines:
        tail += 1
    if tail >= len(rows):
        return [{"keep": True, "rows": rows}]
    groups = [rows[len(rows) - tail :]]
    rest = rows[: len(rows) - tail]
    while rest:
        groups.insert(0, rest[-chunk:])
        rest = rest[:-chunk]
    return [{"keep": True, "rows": g} for g in groups]


@dataclass
class FieldBox:
    name: str
    page: int
    box: tuple  # (x1, y1, x2, y2) in PDF points


def render(version, copy):
    """(pdf_bytes, [FieldBox]) for one copy; the signing copy gets one empty signature field per
    member unit at the position of its signature box."""
    from weasyprint import HTML

    html = unicodedata.normalize(
        "NFC", render_to_string("pledges/pledge_pdf.html", pledge_context(version, copy))
    )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    boxes = []
    for index, page in enumerate(document.pages):
        height_pt = page.height * PX
        for anchor, (x1, y1, x2, y2) in page.anchors.items():
            if anchor.startswith("ky-don-vi-"):
                box = (round(x1 * PX), round(height_pt - y2 * PX), round(x2 * PX), round(height_pt - y1 * PX))
                boxes.append(FieldBox(anchor, index, box))
    pdf = document.write_pdf()
    if copy == SIGNING:
        pdf = add_signature_fields(pdf, boxes, stamp_texts(version))
    return pdf, boxes


def stamp_texts(version):
    """Every word the stamps of this version can show (their font holds these letters)."""
    import datetime

    day = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    texts = []
    for person, unit in (version.signatory(m.unit) for m in year_memberships(version.pledge.cluster_year)):
        texts += stamp_lines(signer_name=person, unit_name=unit, signed_at=day)
    return texts


def add_signature_fields(pdf, boxes, texts=None):
    """The signing copy: one empty signature field per box, and what the signatures would
    otherwise each add to the catalog once (a 23-signature file carries every revision):
    PDF 2.0 with the ISO 32002 extension (ECDSA), /SigFlags 3; and no named destinations in
    the catalog (the DSS rewrites it once more)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field, ensure_sig_flags
    from pyhanko.sign.signers import constants

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    shared = {}  # one empty appearance per box size, shared by the unsigned fields
    for b in boxes:
        append_signature_field(writer, SigFieldSpec(sig_field_name=b.name, on_page=b.page, box=b.box))
        widget = writer.root["/AcroForm"]["/Fields"][-1].get_object()
        ap = widget["/AP"]
        ref = ap.raw_get("/N")
        size = (abs(b.box[2] - b.box[0]), abs(b.box[3] - b.box[1]))
        if size in shared:
            del writer.objects[(ref.generation, ref.idnum)]
            ap[generic.NameObject("/N")] = shared[size]
        else:
            shared[size] = ref
    if boxes:
        ensure_sig_flags(writer)
        writer.ensure_output_version((2, 0))
        writer.register_extension(constants.ISO32002)
        names = writer.root.get("/Names")
        if isinstance(names, generic.DictionaryObject) and "/Dests" in names:
            # WeasyPrint names a destination for each signature box's anchor; nothing links to
            # them (the outline's entries carry their own), and each catalog rewrite copied them
            del names["/Dests"]
            if not names:
                del writer.root["/Names"]
            elif isinstance(writer.root.raw_get("/Names"), generic.IndirectObject):
                writer.update_container(names)
            writer.update_root()
    if boxes and stampfont.font_path() is not None:
        stampfont.add_font(writer, texts)  # one font for every signature stamp
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BOX = (BOX_W_MM * MM, BOX_H_MM * MM)


def stamp_lines(*, signer_name, unit_name, signed_at):
    """The stamp's text: the same three lines as stamp.html."""
    return [
        f"Đã ký số bởi: {signer_name}",
        f"Đơn vị: UBND {unit_name}",
        f"Thời gian ký: {signed_at:%d/%m/%Y %H:%M}",
    ]


def stamp_pdf(*, signer_name, unit_name, signed_at):
    """The visible stamp as a one-page PDF of the box size (Liberation Serif, embedded)."""
    from weasyprint import HTML

    html = render_to_string(
        "pledges/stamp.html",
        {
            "signer_name": signer_name,
            "unit_name": unit_name,
            "signed_at": signed_at,
            "w": BOX_W_MM,
            "h": BOX_H_MM,
        },
    )
    return HTML(string=unicodedata.normalize("NFC", html)).write_pdf()
