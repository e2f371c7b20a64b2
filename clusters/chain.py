"""The audit chain's arithmetic: canonical JSON of an event and its SHA-256 link.

Pure functions (no models), shared by clusters.audit and the migration that chained the events
recorded before the chain existed. Changing anything here changes every hash: add a new
`CHAIN_FORMAT` instead and keep verifying the old one.

Each event of a province carries `seq` (1, 2, 3, … within the province), `prev_hash` (the hash
of event seq-1, or GENESIS for the first) and `hash` = SHA-256 of the canonical JSON of
everything the event says, `prev_hash` included. Editing, deleting, inserting or reordering any
event therefore changes every later link; a rewrite of the whole chain changes the head, which is
printed on paper (minutes, year-end report)."""

import datetime
import hashlib
import json

CHAIN_FORMAT = 1
GENESIS = "0" * 64


def canonical_json(value) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, NFC left as stored."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def normalise_data(data):
    """What a JSON column gives back for `data` (int dict keys become strings, tuples lists)."""
    return json.loads(json.dumps(data or {}, ensure_ascii=False, allow_nan=False))


def timestamp(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def event_hash(*, province_id, seq, prev_hash, at, actor_id, action, object_type, object_id, data, reason):
    body = {
        "v": CHAIN_FORMAT,
        "province": province_id,
        "seq": seq,
        "prev": prev_hash,
        "at": timestamp(at),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "data": data,
        "reason": reason,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


def chain_key(province_id) -> str:
    """The chain an event belongs to: its province's, or the national one for province-less events."""
    return str(province_id) if province_id is not None else "-"
