"""Sealed ballot envelopes: a secret poll's choices exist, until the count, only as ciphertext.

Each poll gets an X25519 key pair when it opens. A cast ballot is sealed to the poll's public key
(ephemeral X25519 + HKDF-SHA256 + ChaCha20-Poly1305, one fresh key per envelope) after padding the
payload to a fixed length, so every envelope of a poll has the same size whatever it holds. The
poll's private key is stored wrapped (AES-256-GCM under a key derived from BALLOT_KEY_SECRET, bound
to the poll's id) and is deleted by the close, in the transaction that writes the shuffled
plaintext ballots. From then on the envelopes, their dead tuples, WAL records and every backup
hold only ciphertext that nobody can open.

Pure functions on bytes: no models, no database."""

import json
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

FORMAT = b"\x01"
BLOCK = 1024  # payloads are padded to a multiple of this, the same for every ballot of a poll
_RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


class EnvelopeError(ValueError):
    """An envelope or a wrapped key that does not open (wrong key, wrong poll, altered bytes)."""


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def new_keypair() -> tuple[bytes, bytes]:
    """(public, private) raw 32-byte X25519 keys for one poll."""
    private = X25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return private.public_key().public_bytes(**_RAW), raw_private


def _wrapping_key(poll_id: int, salt: bytes) -> bytes:
    secret = settings.BALLOT_KEY_SECRET.encode()
    return _hkdf(secret, b"thidua/ballot-key-wrap/v1/" + str(poll_id).encode(), salt)


def wrap_private(private: bytes, *, poll_id: int) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_wrapping_key(poll_id, salt)).encrypt(nonce, private, str(poll_id).encode())
    return FORMAT + salt + nonce + sealed


def unwrap_private(wrapped: bytes, *, poll_id: int) -> bytes:
    if wrapped[:1] != FORMAT:
        raise EnvelopeError("unknown key format")
    salt, nonce, sealed = wrapped[1:17], wrapped[17:29], wrapped[29:]
    try:
        return AESGCM(_wrapping_key(poll_id, salt)).decrypt(nonce, sealed, str(poll_id).encode())
    except InvalidTag as exc:
        raise EnvelopeError("the poll key does not open with this secret") from exc


def padded_size(n_candidates: int) -> int:
    """One payload size per poll: room for every candidate id, a receipt hash and a voter name."""
    need = 200 + 24 * n_candidates + 4 * 150
    return -(-need // BLOCK) * BLOCK


def _pad(payload: dict, size: int) -> bytes:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    if len(body) + 4 > size:
        raise EnvelopeError("ballot payload larger than the poll's envelope size")
    return struct.pack(">I", len(body)) + body + b"\x00" * (size - 4 - len(body))


def _unpad(data: bytes) -> dict:
    (n,) = struct.unpack(">I", data[:4])
    return json.loads(data[4 : 4 + n])


def seal(public: bytes, payload: dict, *, poll_id: int, size: int) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    eph_public = ephemeral.public_key().public_bytes(**_RAW)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    key = _hkdf(shared, b"thidua/ballot-envelope/v1", eph_public + public)
    sealed = ChaCha20Poly1305(key).encrypt(b"\x00" * 12, _pad(payload, size), str(poll_id).encode())
    return FORMAT + eph_public + sealed


def open_envelope(private: bytes, envelope: bytes, *, poll_id: int) -> dict:
    if envelope[:1] != FORMAT:
        raise EnvelopeError("unknown envelope format")
    key_pair = X25519PrivateKey.from_private_bytes(private)
    public = key_pair.public_key().public_bytes(**_RAW)
    eph_public, sealed = envelope[1:33], envelope[33:]
    shared = key_pair.exchange(X25519PublicKey.from_public_bytes(eph_public))
    key = _hkdf(shared, b"thidua/ballot-envelope/v1", eph_public + public)
    try:
        return _unpad(ChaCha20Poly1305(key).decrypt(b"\x00" * 12, sealed, str(poll_id).encode()))
    except InvalidTag as exc:
        raise EnvelopeError("envelope does not open with the poll's key") from exc
