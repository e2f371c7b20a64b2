"""Receipt codes of ballots: shown once to the voter, stored only as a hash."""

import hashlib
import secrets

_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_receipt_code():
    raw = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_receipt(code):
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def receipt_hash(code):
    return hashlib.sha256(normalise_receipt(code).encode()).hexdigest()


def recorded_tag(code):
    """What a sealed envelope carries while its poll is open: lets the voter see the ballot is
    recorded. Not the hash published after the count, so the two lists cannot be joined."""
    return hashlib.sha256(b"recorded:" + normalise_receipt(code).encode()).hexdigest()
