"""Keys and certificates: the province CA, unit certificates, encryption at rest."""

import base64
import datetime
import hashlib

from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
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
    return serialization.load_der_private_key(_fernet(secret).decrypt(bytes(blob)), password=None)


def reencrypt(blob, *, old, new):
    """The same key encrypted under the secret `new` (InvalidToken when `old` does not open it)."""
    return _fernet(new).encrypt(_fernet(old).decrypt(bytes(blob)))


def _name(common_name, org, province_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province_name[:128]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def make_ca(province_name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = _name(f"CA ký giao ước - {province_name}", province_name, province_name)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
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


def issue_unit_certificate(ca_cert, ca_key, unit_name, province_name, years=3):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"UBND {unit_name}", f"UBND {unit_name}", province_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_cert(pem):
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def load_pem_chain(pem):
    return x509.load_pem_x509_certificates(pem.encode()) if pem.strip() else []


def read_pkcs12(data, password):
    """(key, cert, [extra certs]) from a PKCS#12 file; ValueError when it cannot be read."""
    key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    if key is None or cert is None:
        raise ValueError("no key or certificate in the file")
    return key, cert, list(extra or [])


def fingerprint(cert):
    return cert.fingerprint(hashes.SHA256()).hex()


def subject_text(cert):
    return cert.subject.rfc4514_string()
