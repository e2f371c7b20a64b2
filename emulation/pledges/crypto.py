"""Keys and certificates: the province CA, unit certificates, encryption at rest."""

import base64
import datetime
import hashlib
import secrets

from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings


def _fernet(secret=None):
    secret = settings.SIGNING_KEY_SECRET if secret is None else secret
    digest = hashlib.sha256(("pledge-keys:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_key(private_key, secret=None):
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _fernet(secret).encrypt(der)


def decrypt_key(blob, secret=None):
    # Our own keys, authenticated by Fernet: the (slow) RSA consistency check is skipped.
    return serialization.load_der_private_key(
        _fernet(secret).decrypt(bytes(blob)), password=None, unsafe_skip_rsa_key_validation=True
    )


def reencrypt(blob, *, old, new):
    """The same key encrypted under the secret `new` (InvalidToken when `old` does not open it)."""
    return _fernet(new).encrypt(_fernet(old).decrypt(bytes(blob)))


def _name(common_name, org=None, country="VN"):
    """A short distinguished name: each pledge signature carries its issuer's name four times
    (two certificates, two signer identifiers), hex-encoded, so the province CA's name is its
    common name alone (the province is in it) and the TSA's too; a unit certificate names the
    country, the unit (O) and the person (CN)."""
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)] if country else []
    if org:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[:64]))
    return x509.Name([*parts, x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])


def make_ca(province_name):
    # P-256 like the leaves: every certificate it issues carries its signature (a P-384 one is
    # ~31 bytes longer, twice in each pledge signature)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"CA {province_name}", country=None)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning (RFC 9336)


def _key_usage(*, signing=False, ca=False):
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _serial():
    """64 random bits (as CAs must have), always 9 bytes of DER: a 20-byte serial costs 11 bytes
    more in each certificate and each CMS signer identifier (4 a pledge signature, in hex)."""
    return secrets.randbits(64) | 1 << 70


def _leaf(ca_cert, ca_key, subject, public_key, *, eku, crl_url, not_before, not_after, key_usage=True):
    """An end-entity certificate with only what validation reads: the key usage (signers), the
    extended key usage, the CRL address. No basic constraints (an end entity without them is
    not a CA), no key identifiers (the province CA is found by its name; each pledge signature
    carries two of these certificates, hex-encoded)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(_serial())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.ExtendedKeyUsage(eku), critical=eku == [ExtendedKeyUsageOID.TIME_STAMPING])
    )
    if key_usage:
        builder = builder.add_extension(_key_usage(signing=True), critical=True)
    if crl_url:
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def issue_unit_certificate(
    ca_cert,
    ca_key,
    *,
    person_name,
    unit_name,
    crl_url="",
    years=3,
    not_before=None,
    not_after=None,
):
    """A unit leader's document-signing certificate: the person (CN) and the unit (O) in the
    subject, non-repudiation + digitalSignature, EKU documentSigning, the CRL address."""
    key = ec.generate_private_key(ec.SECP256R1())  # small signatures, fast signing
    now = datetime.datetime.now(datetime.UTC)
    not_before = not_before or now - datetime.timedelta(days=1)
    cert = _leaf(
        ca_cert,
        ca_key,
        _name(person_name, f"UBND {unit_name}"),
        key.public_key(),
        eku=[DOCUMENT_SIGNING],
        crl_url=crl_url,
        not_before=not_before,
        not_after=not_after or now + datetime.timedelta(days=365 * years),
    )
    return cert, key


def issue_tsa_certificate(ca_cert, ca_key, province_name, crl_url=""):
    """The province time-stamping unit: EKU timeStamping (critical, as RFC 3161 requires) and
    nothing else but the CRL address; every timestamp token carries this certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = _leaf(
        ca_cert,
        ca_key,
        _name(f"TSA {province_name}", country=None),
        key.public_key(),
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        key_usage=False,
        crl_url=crl_url,
        not_before=now - datetime.timedelta(days=1),
        not_after=min(ca_cert.not_valid_after_utc, now + datetime.timedelta(days=365 * 12)),
    )
    return cert, key


def build_crl(ca_cert, ca_key, revoked, number, *, days=7):
    """DER CRL of the province CA; `revoked` is [(serial, revoked_at)]."""
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - datetime.timedelta(minutes=5))
        .next_update(now + datetime.timedelta(days=days))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_cert(pem):
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def der_to_pem(der):
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def load_pem_chain(pem):
    return x509.load_pem_x509_certificates(pem.encode()) if pem.strip() else []


def read_pkcs12(data, password):
    """(key, cert, [extra certs]) from a PKCS#12 file; ValueError when it cannot be read."""
    key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    if key is None or cert is None:
        raise ValueError("no key or certificate in the file")
    return key, cert, list(extra or [])


def load_any_cert(data):
    """A certificate from PEM or DER bytes; ValueError otherwise."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def common_name(cert):
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def fingerprint(cert):
    return cert.fingerprint(hashes.SHA256()).hex()


def subject_text(cert):
    return cert.subject.rfc4514_string()
