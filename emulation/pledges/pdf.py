"""The pledge as a PDF (WeasyPrint, Decree 30 layout) and its PAdES signatures (pyHanko).

Only Celery tasks call the rendering and signing functions here."""

import asyncio
import base64
import functools
import io
import logging
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from clusters.selectors import year_memberships
from documents.dates import place_date_line

log = logging.getLogger(__name__)
SIGNING, CEREMONY = "signing", "ceremony"
PX = 0.75  # WeasyPrint layout unit (CSS px) in PDF points
BOX_W_MM, BOX_H_MM = 62, 24
MM = 72 / 25.4


def _off_loop(fn):
    """pyHanko drives its own asyncio loop; when this thread already runs one (ASGI, Playwright
    in tests), run the call in a short-lived thread instead."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args, **kwargs)
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(fn, *args, **kwargs).result()

    return wrapper


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
    province = cy.cluster.province
    members = year_memberships(cy)
    for m in members:
        m.field = field_name(m.unit_id)
    rows = [members[i : i + 2] for i in range(0, len(members), 2)]
    articles = [
        {"number": n, "paragraphs": [p for p in a.splitlines() if p.strip()]}
        for n, a in enumerate(version.articles, 1)
    ]
    return {
        "title": version.title,
        "issuer_parent": f"UBND {province.name}",
        "issuer_name": cy.cluster.name,
        "place_date": place_date_line(version.place, version.signing_date),
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
        pdf = add_signature_fields(pdf, boxes)
    return pdf, boxes


def add_signature_fields(pdf, boxes):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for b in boxes:
        append_signature_field(writer, SigFieldSpec(sig_field_name=b.name, on_page=b.page, box=b.box))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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


@_off_loop
def sign(pdf, *, field, key, cert, chain, stamp, reason, location, signer_name):
    """Add one PAdES signature in `field` as an incremental update; returns the new bytes."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.stamp import StaticStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain]
        ),
    )
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(stamp)
        tmp.flush()
        style = StaticStampStyle.from_pdf_file(tmp.name, border_width=0)
        meta = signers.PdfSignatureMetadata(
            field_name=field,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
            name=signer_name,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = io.BytesIO()
        signers.PdfSigner(meta, signer=signer, stamp_style=style).sign_pdf(writer, output=out)
    return out.getvalue()


@dataclass
class SignatureCheck:
    field: str
    signer: str
    signed_at: object
    intact: bool
    valid: bool
    trusted: bool
    covers_revision: int
    certificate_sha256: str
    covers_whole_file: bool = False
    changes_allowed: bool = False
    certificate_der: bytes = field(default=b"", repr=False)


@_off_loop
def inspect_signatures(pdf, trust_roots=()):
    """Every embedded signature: who, when, intact (digest matches), valid (cryptographically),
    trusted (chains to one of `trust_roots`). Raises ValueError on a file that is not a PDF."""
    import hashlib

    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in trust_roots]
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError(str(exc)) from exc
    results = []
    for sig in embedded:
        vc = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, signer_validation_context=vc, skip_diff=False)
            intact, valid, trusted = status.intact, status.valid, status.trusted
            signed_at = status.signer_reported_dt
            whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            allowed = status.docmdp_ok is not False
        except Exception:  # noqa: BLE001 - a broken signature is reported, not raised
            log.warning("signature %s could not be validated", sig.field_name, exc_info=True)
            intact = valid = trusted = whole = allowed = False
            signed_at = None
        cert = sig.signer_cert
        results.append(
            SignatureCheck(
                field=sig.field_name,
                signer=cert.subject.human_friendly if cert else "",
                signed_at=signed_at,
                intact=intact,
                valid=valid,
                trusted=trusted,
                covers_revision=sig.signed_revision,
                covers_whole_file=whole,
                changes_allowed=allowed,
                certificate_sha256=hashlib.sha256(cert.dump()).hexdigest() if cert else "",
                certificate_der=cert.dump() if cert else b"",
            )
        )
    return results
