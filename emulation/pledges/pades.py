"""PAdES with pyHanko: signing with an RFC 3161 timestamp (B-T), the long-term validation data
and document timestamp after the last signature (B-LT/B-LTA), the province's time-stamping unit,
and validation against the province's trust roots and CRLs (never fetching from the network).

No Django models here: callers pass certificates (cryptography objects) and DER CRLs."""

import asyncio
import datetime
import functools
import hashlib
import io
import secrets
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from asn1crypto import cms, core, tsp
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko.stamp.static import StaticContentStamp
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import lean, stampfont

# An OID of the 2.25 arc (UUID-derived, RFC 4122 §3): the in-app TSA's time-stamp policy.
TSA_POLICY = "2.25.209411046547152226106127264463905541812"
ALLOWED_AFTER = 2  # pyHanko ModificationLevel.FORM_FILLING: later signatures, DSS, timestamps


def off_loop(fn):
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


def asn1_cert(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key):
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses (and re-checks) the private key for every signature;
    this one signs with the key already loaded."""

    def __init__(self, key, **kwargs):
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data, digest_algorithm):
        digest = getattr(hashes, digest_algorithm.upper())()
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(digest))
        return self._key.sign(data, padding.PKCS1v15(), digest)


def _signer(key, cert, chain):
    signer = _LoadedKeySigner(
        key,
        signing_cert=asn1_cert(cert),
        signing_key=_asn1_key(key),
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert(c) for c in chain]),
        embed_roots=False,  # the validator has the roots; the DSS gets them at the end
    )
    signer.signed_attr_prov_spec = lean.ShortAttributes(signer.signing_cert)
    return signer


class ProvinceTimeStamper(TimeStamper):
    """The province's own time-stamping unit (RFC 3161), run inside the application: the token
    is signed by a key whose certificate the province CA issued with EKU timeStamping."""

    def __init__(self, *, key, cert, chain=()):
        # With a nonce (8 bytes a token): without one, asn1crypto re-encodes some tokens
        # (~40 %, depending on their bytes) tens of thousands of times when pyHanko wraps them
        # in the signature's attribute, 0.3-0.5 s of CPU each (measured: 17 of 40 tokens). The
        # accuracy is left out (optional, RFC 3161 2.4.2).
        super().__init__(include_nonce=True)
        # The token carries the TSA's certificate (pyHanko's validator finds a token's signer
        # only there); its chain goes to the DSS after the last signature.
        self._signer = _signer(key, cert, chain)
        self.fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()

    async def async_request_tsa_response(self, req):
        info = {
            "version": "v1",
            "policy": TSA_POLICY,
            "message_imprint": req["message_imprint"],
            # 63 bits with the top one set: always 8 bytes, so the token's size is known
            "serial_number": secrets.randbits(62) | 1 << 62,
            "gen_time": datetime.datetime.now(datetime.UTC),  # to the microsecond: a revocation in
            # the same second must fall on the right side of it
        }
        if req["nonce"].native is not None:
            info["nonce"] = req["nonce"]
        content = cms.EncapsulatedContentInfo(
            {"content_type": "tst_info", "content": cms.ParsableOctetString(tsp.TSTInfo(info).dump())}
        )
        token = await self._signer.async_sign_general_data(content, "sha256", detached=False, use_cades=True)
        return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})

    def answer(self, request_der):
        """The HTTP endpoint's body: a DER TimeStampReq in, a DER TimeStampResp out."""
        req = tsp.TimeStampReq.load(request_der)
        return asyncio.run(self.async_request_tsa_response(req)).dump()


def http_timestamper(url):
    return HTTPTimeStamper(url, timeout=10)


def _reserve(signer, timestamper):
    """Room for the CMS: with the province TSA, a dry run of this signer and TSA gives its size
    to a few bytes (pyHanko's own estimate leaves half as much again unused, hex-encoded, in
    every signature); an outside TSA gets pyHanko's estimate."""
    if not isinstance(timestamper, ProvinceTimeStamper):
        return None
    key = signer.signing_cert.public_key  # an RSA signature is longer than an ECDSA one
    return lean.reserve(signer, timestamper, (timestamper.fingerprint, key.algorithm, key.bit_size))


class _PlainStamp(StaticContentStamp):
    """The stamp's appearance is its content and nothing else: pyHanko wraps a background in a
    transparency graphics state (an /ExtGState resource with opacity 1) that every stamp would
    carry for nothing."""

    def render(self):
        bg = self.style.background
        bg.set_writer(self.writer)
        content = bg.render()
        self.import_resources(bg.resources)
        return content


class _PlainStampStyle(StaticStampStyle):
    def create_stamp(self, writer, box, text_params):
        return _PlainStamp(writer=writer, style=self, box=box)


@off_loop
def sign(pdf, *, field, key, cert, chain, stamp, reason, timestamper, stamp_lines=None, box=None):
    """Add one PAdES B-T signature in `field` (incremental update); returns the new bytes.

    The signature dictionary names no signer and no place (the certificate names the person and
    the unit, the document its place), and carries `reason`.

    With `stamp_lines` and a signing copy whose shared stamp font holds their letters, the stamp
    is drawn with that font (nothing embedded); otherwise `stamp` (PDF bytes, or a function
    returning them) is imported as the appearance."""
    signer = _signer(key, cert, chain)
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES, reason=reason
    )
    reserved = _reserve(signer, timestamper)
    writer = lean.LeanWriter(io.BytesIO(pdf))
    font = stampfont.shared_font(writer.root) if stamp_lines else None
    content = stampfont.stamp_content(font, stamp_lines, *box) if font is not None else None
    if content is not None:
        style = _PlainStampStyle(background=content, border_width=0)
        return _sign_with(pdf, writer, meta, signer, timestamper, style, reserved)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(stamp() if callable(stamp) else stamp)
        tmp.flush()
        style = StaticStampStyle.from_pdf_file(tmp.name, border_width=0)
        return _sign_with(pdf, writer, meta, signer, timestamper, style, reserved)


def _sign_with(pdf, writer, meta, signer, timestamper, style, reserved):
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=style)
    try:
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, bytes_reserved=reserved, output=out)
    except SigningError:
        if reserved is None:
            raise
        # the measured room was short (a token larger than the dry run's): pyHanko's estimate
        out = io.BytesIO()
        pdf_signer.sign_pdf(lean.LeanWriter(io.BytesIO(pdf)), output=out)
    return out.getvalue()


def validation_context(*, roots, crls, certs=(), moment=None):
    """Trust only `roots`; revocation from `crls` (DER) only: nothing is fetched."""
    return ValidationContext(
        trust_roots=[asn1_cert(r) for r in roots],
        other_certs=[asn1_cert(c) for c in certs],
        crls=list(crls),
        allow_fetching=False,
        revocation_mode="soft-fail",
        retroactive_revinfo=True,
        moment=moment,
    )


@off_loop
def add_long_term_data(pdf, *, roots, crls, certs, timestamper):
    """After the last signature: the DSS with the roots, `certs` (chain certificates the
    signatures do not carry) and every CRL, then a document timestamp over all of it (B-LT,
    then B-LTA); returns the new bytes. Each signer's own certificate is in its CMS and the
    TSA's in every token: neither is copied into the DSS."""
    writer = lean.LeanWriter(io.BytesIO(pdf))
    DocumentSecurityStore.supply_dss_in_writer(
        writer,
        None,
        certs=[asn1_cert(c) for c in (*roots, *certs)],
        crls=[asn1_crl.CertificateList.load(c) for c in crls],
    )
    reserved = lean.token_reserve(timestamper) if isinstance(timestamper, ProvinceTimeStamper) else None
    out = io.BytesIO()
    # no validation context: the DSS above already holds what the document timestamp needs
    signers.PdfTimeStamper(timestamper).timestamp_pdf(writer, "sha256", bytes_reserved=reserved, output=out)
    return out.getvalue()


@dataclass
class Checked:
    """One signature (or document timestamp) of a file as pyHanko sees it."""

    field: str
    is_document_timestamp: bool
    person: str = ""
    organisation: str = ""
    issuer: str = ""
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    problem: str = ""  # why not trusted: pyHanko's sub-indication, e.g. REVOKED, NO_CERTIFICATE_CHAIN_FOUND
    timestamp: object = None  # datetime of a valid and trusted RFC 3161 timestamp, else None
    claimed_time: object = None
    revision: int = 0
    whole_file: bool = False  # covers the file to its last byte
    later_changes_allowed: bool = False  # what follows it is only signatures, DSS and timestamps
    certificate_sha256: str = ""
    certificate_der: bytes = field(default=b"", repr=False)


def _name_part(name, key):
    value = name.native.get(key) if name is not None else None
    if isinstance(value, list):
        value = value[-1]
    return value or ""


def _timestamp_time(sig):
    """The genTime of the signature's timestamp token (checked afterwards by pyHanko), or None."""
    attrs = sig.signer_info["unsigned_attrs"]
    if isinstance(attrs, core.Void):
        return None
    for attr in attrs:
        if attr["type"].native == "signature_time_stamp_token":
            token = attr["values"][0]
            return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    return None


def _validate_one(sig, total_revisions, *, roots, crls):
    checked = Checked(field=sig.field_name, is_document_timestamp=sig.sig_object_type == "/DocTimeStamp")
    checked.revision = sig.signed_revision
    cert = sig.signer_cert
    if cert is not None:
        checked.person = _name_part(cert.subject, "common_name")
        checked.organisation = _name_part(cert.subject, "organization_name")
        checked.issuer = _name_part(cert.issuer, "common_name")
        checked.certificate_der = cert.dump()
        checked.certificate_sha256 = hashlib.sha256(cert.dump()).hexdigest()
    if not roots:
        checked.problem = "NO_TRUST_ROOT"
    timestamp_failed = False
    if checked.is_document_timestamp:
        # the TSA is judged when it stamped (the DSS under it carries the CRL of that time)
        moment = sig.signed_data["encap_content_info"]["content"].parsed["gen_time"].native
        vc = validation_context(roots=roots, crls=crls, moment=moment)
        status = validate_pdf_timestamp(sig, validation_context=vc)
        checked.timestamp = status.timestamp if status.trusted else None
    else:
        moment = _timestamp_time(sig)  # the signer and the TSA are judged at the stamped time
        status = validate_pdf_signature(
            sig,
            signer_validation_context=validation_context(roots=roots, crls=crls, moment=moment),
            ts_validation_context=validation_context(roots=roots, crls=crls, moment=moment),
        )
        ts = status.timestamp_validity
        if ts is not None and ts.intact and ts.valid and ts.trusted:
            checked.timestamp = ts.timestamp
        elif moment is not None:  # a timestamp that does not check out: nothing is trusted
            timestamp_failed = True
            checked.problem = checked.problem or "TIMESTAMP_NOT_TRUSTED"
        checked.claimed_time = status.signer_reported_dt
    checked.intact, checked.valid = bool(status.intact), bool(status.valid)
    checked.trusted = bool(status.trusted) and bool(roots) and not timestamp_failed
    if not checked.trusted and not checked.problem:
        indic = getattr(status, "trust_problem_indic", None)
        checked.problem = indic.name if indic is not None else "UNTRUSTED"
    checked.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = getattr(status, "modification_level", None)
    later = sig.signed_revision < total_revisions - 1
    checked.later_changes_allowed = checked.whole_file or (
        later
        and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level.value <= ALLOWED_AFTER
        and status.docmdp_ok is not False
    )
    return checked


@off_loop
def validate(pdf, *, roots, crls, progress=None, last_only=False):
    """Every signature and document timestamp of `pdf`, in file order (only the last one with
    `last_only`). ValueError when the file is not a readable PDF. `progress(done, total)` is
    called after each one."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = lean.last_signature(reader) if last_only else None
        if embedded is None:
            embedded = list(reader.embedded_signatures)[-1 if last_only else 0 :]
        total_revisions = reader.xrefs.total_revisions
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError(str(exc)) from exc
    results = []
    for n, sig in enumerate(embedded, 1):
        try:
            results.append(_validate_one(sig, total_revisions, roots=roots, crls=crls))
        except (SigningError, PdfReadError, ValueError, KeyError, TypeError) as exc:
            results.append(
                Checked(field=sig.field_name, is_document_timestamp=False, problem=type(exc).__name__)
            )
        if progress:
            progress(n, len(embedded))
    return results
