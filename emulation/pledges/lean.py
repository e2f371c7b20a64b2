"""What keeps each signature's incremental update small (a 23-signature pledge carries 23 of
them, every CMS written twice over as hex):

- `LeanWriter` leaves the catalog, the XMP packet and the Info dictionary alone (pyHanko
  rewrites all three in every revision, ~2.7 KB a signature) and compresses the streams it adds;
- `ShortAttributes` puts an ESS signing-certificate-v2 without issuerSerial in the CMS (ETSI EN
  319 122-1 5.2.2.3: it should not be included; the certificate's hash identifies it);
- `reserve` measures the CMS with a dry run (once per time-stamping unit and process) and leaves
  a few bytes of room, instead of pyHanko's 50 % margin.

And `last_signature` finds the newest signature of a file without parsing every other one's
CMS (pyHanko's `embedded_signatures` reads all of them, hex by hex).

No Django here."""

import asyncio
import hashlib

from asn1crypto import core, tsp
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import attributes
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.signers import pdf_byterange
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, SignedAttributeProviderSpec
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

MARGIN = 16  # bytes of DER: two ECDSA signatures may each come out 2 bytes longer, the token's
# time a few digits longer; 23 signatures came within 2 bytes of the measure (a miss falls back
# to pyHanko's estimate)

# pyHanko leaves 60 blanks for the /ByteRange numbers, filled in after writing; four numbers of
# up to 11 digits (files under 100 GB) need 40. This process's pyHanko signs only pledges.
pdf_byterange.BYTE_RANGE_ARR_PLACE_HOLDER_LENGTH = 40

# pyHanko writes "<<\n/Key value\n>>", "[ a b ]" and text strings with octal escapes; each
# signature's update writes four dictionaries (widget, appearance, signature, xref stream).
# Written without the blanks PDF does not need (a name, dictionary, array or string delimits
# itself) and strings as their bytes: ~140 bytes a signature. This process's pyHanko writes
# only pledges (unencrypted: an encrypted file keeps pyHanko's own string writing).
_SELF_DELIMITED = (
    generic.NameObject,
    generic.DictionaryObject,
    generic.ArrayObject,
    generic.TextStringObject,
    generic.ByteStringObject,
)


def _write_dictionary(self, stream, handler=None, container_ref=None):
    stream.write(b"<<")
    for key, value in list(self.items()):
        key.write_to_stream(stream, handler, container_ref)
        if not isinstance(value, _SELF_DELIMITED):
            stream.write(b" ")
        value.write_to_stream(stream, handler, container_ref)
    stream.write(b">>")


def _write_array(self, stream, handler=None, container_ref=None):
    stream.write(b"[")
    for n, item in enumerate(self):
        if n and not isinstance(item, _SELF_DELIMITED):
            stream.write(b" ")
        item.write_to_stream(stream, handler=handler, container_ref=container_ref)
    stream.write(b"]")


_ESCAPES = {ord("\\"): b"\\\\", ord("("): b"\\(", ord(")"): b"\\)", ord("\r"): b"\\r", ord("\n"): b"\\n"}
_write_text = generic.TextStringObject.write_to_stream


def literal(raw):
    """`raw` bytes as a PDF literal string: every byte as it is but the three PDF escapes
    and line ends (pyHanko writes every byte that is not a letter or a digit as a 4-character
    octal escape: the date's ':' and '+', the fields' '-', each byte of a UTF-16 reason)."""
    return b"(" + b"".join(_ESCAPES.get(b, bytes([b])) for b in raw) + b")"


def _write_text_string(self, stream, handler=None, container_ref=None):
    if handler is not None or self.force_output_encoding is not None:
        return _write_text(self, stream, handler, container_ref)
    try:
        encoded = generic.encode_pdfdocencoding(self)
    except UnicodeEncodeError:
        encoded = b"\xfe\xff" + self.encode("utf-16-be")
    stream.write(literal(encoded))


generic.DictionaryObject.write_to_stream = _write_dictionary
generic.ArrayObject.write_to_stream = _write_array
generic.TextStringObject.write_to_stream = _write_text_string


class LeanWriter(IncrementalPdfFileWriter):
    """An incremental update that writes only what the signature changes."""

    def _update_meta(self):
        # pyHanko would set the modification date in /Info and the XMP packet (and so rewrite
        # the catalog) on every revision; the signature dictionary carries its own time.
        return

    def _prep_dom_for_writing(self):
        super()._prep_dom_for_writing()
        for obj in self.objects.values():
            if isinstance(obj, generic.StreamObject) and "/Filter" not in obj:
                kind = obj.get("/Type")
                if kind not in ("/Metadata", "/XRef"):
                    obj.compress()
            if isinstance(obj, generic.StreamObject) and obj.get("/Subtype") == "/Form":
                obj.pop("/Type", None)  # optional in a form XObject (ISO 32000-2 8.10.2): the stamps


_parse_ess_cert_id = tsp.ESSCertIDv2._parse_children


def _parse_ess_cert_id_unchanged(self, recurse=False):
    """asn1crypto fills the defaulted hash algorithm of a parsed ESSCertIDv2 (SHA-256, absent from
    the DER) with a newly built value that counts as a change; from then on every read of the
    signed attributes encodes them anew, each level twice over. pyHanko reads them while it
    packs a signature: up to ~600,000 encodings, 0.3-17 s of CPU in ~20-40 % of the signatures
    (which ones depends on the order the attributes come in). The default read from the DER is
    no change."""
    _parse_ess_cert_id(self, recurse)
    for child in self.children or ():
        if getattr(child, "_mutated", False) and child.contents is not None:
            child._mutated = False


tsp.ESSCertIDv2._parse_children = _parse_ess_cert_id_unchanged


class _SigningCertificate(attributes.SigningCertificateV2Provider):
    async def build_attr_value(self, dry_run=False):
        digest = hashlib.sha256(self.signing_cert.dump()).digest()
        return tsp.SigningCertificateV2({"certs": [tsp.ESSCertIDv2({"cert_hash": digest})]})


class ShortAttributes(SignedAttributeProviderSpec):
    """The signed attributes of a PAdES signature or of a time-stamp token: besides the content
    type and the message digest (always added by pyHanko), only the signing certificate's hash.
    No signing-time: PAdES forbids it, and a token's time is its TSTInfo's genTime."""

    def __init__(self, signing_cert):
        self.signing_cert = signing_cert

    def signed_attr_providers(self, data_digest, digest_algorithm):
        yield _SigningCertificate(self.signing_cert)


async def _measure(signer, timestamper, md_algorithm="sha256"):
    """DER size of a CMS this signer and timestamper make (a dry run on an empty digest)."""
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(getattr(hashes, md_algorithm.upper())()).finalize()
    cms_obj = await signer.async_sign(
        digest,
        md_algorithm,
        dry_run=True,
        use_pades=True,
        timestamper=timestamper,
        signed_attr_settings=PdfCMSSignedAttributes(),
    )
    return len(cms_obj.dump())


def _own_part(signer):
    """The bytes of a CMS that depend on the signer: its certificates and its identifier."""
    cert = signer.signing_cert
    chain = [c for c in (signer.cert_registry or ()) if c.self_signed == "no" and c.dump() != cert.dump()]
    return (
        sum(len(c.dump()) for c in (cert, *chain))
        + len(cert.issuer.dump())
        + len(core.Integer(cert.serial_number).dump())
    )


_REST = {}  # (time-stamping unit, signer's key type) -> the rest of a CMS (token, attributes,
# signature, framing)


def reserve(signer, timestamper, key):
    """Room for this signer's CMS in /Contents (hex: two characters a byte). The dry run is made
    once per `key` (the time-stamping unit and the kind of the signer's key); a CMS differs from
    another of the same key only by the signer's certificates and identifier, whose sizes are
    known."""
    own = _own_part(signer)
    if key not in _REST:
        _REST[key] = asyncio.run(_measure(signer, timestamper)) - own
    return 2 * (_REST[key] + own + MARGIN)


def token_reserve(timestamper):
    """Room for a document timestamp (the token is the whole CMS)."""
    return 2 * (len(asyncio.run(timestamper.async_dummy_response("sha256")).dump()) + MARGIN)


def last_signature(reader):
    """[the signature that the newest revision added], or None when a signature dictionary is
    not an indirect object (then the caller reads them all)."""
    latest = None
    for fq_name, sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
        ref = getattr(sig_obj, "reference", None)
        if ref is None:
            return None
        revision = reader.xrefs.get_last_change(ref)
        if latest is None or revision > latest[0]:
            latest = (revision, fq_name, sig_field)
    return [] if latest is None else [EmbeddedPdfSignature(reader, latest[2], latest[1])]
