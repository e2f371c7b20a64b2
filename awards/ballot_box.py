"""The ballot box: sealed envelopes while a poll is open, shuffled plaintext ballots after the count.

Why envelopes (and not "participation and choice in separate transactions"): a plaintext choice
written while the poll is open pairs with its voter whatever the transaction split — by heap
position, by `xmin` order (transaction ids are handed out in order), by WAL position — and the
shuffle at the close cannot erase the old tuples from WAL and backups. So while a poll is open
the database holds the choice only as ciphertext under a per-poll key; the close opens every
envelope in memory, writes the plaintext ballots in one transaction in a random order with random
keys (one `xmin` for all, nothing to sort them by), publishes the receipt hashes in a separate
table in another random order, and deletes the envelopes and the poll's key. Old tuples, WAL
records and backups then hold only ciphertext whose key no longer exists.

The participation (who) and the envelope (what, sealed) are written in one transaction on
purpose: the pair is atomic (no voter without a ballot, no ballot without a voter) and the
shared `xmin` links a voter only to ciphertext."""

import random
import uuid

from django.db import connection, transaction

from . import envelopes
from .models import Ballot, BallotChoice, BallotEnvelope, CountedReceipt, PollKey
from .receipts import receipt_hash, recorded_tag


def key_for(poll):
    """The poll's envelope key, made on first use (parallel first casts keep one key)."""
    key = PollKey.objects.filter(poll_id=poll.pk).first()
    if key is None:
        public, private = envelopes.new_keypair()
        wrapped = envelopes.wrap_private(private, poll_id=poll.pk)
        PollKey.objects.bulk_create(
            [PollKey(poll_id=poll.pk, public=public, wrapped_private=wrapped)], ignore_conflicts=True
        )
        key = PollKey.objects.get(poll_id=poll.pk)
    return key


def envelope_seal(*, poll, code, candidate_ids, abstain, voter_name, n_candidates, key=None):
    """One ballot sealed to the poll's public key, not yet in the box (an unsaved envelope).
    `key`: the poll's, when the caller has read it."""
    key = key or key_for(poll)
    payload = {
        "receipt": receipt_hash(code),
        "candidates": sorted(candidate_ids),
        "abstain": bool(abstain),
        "voter_name": voter_name,
    }
    sealed = envelopes.seal(
        bytes(key.public), payload, poll_id=poll.pk, size=envelopes.padded_size(n_candidates)
    )
    return BallotEnvelope(id=uuid.uuid4(), poll_id=poll.pk, tag=recorded_tag(code), sealed=sealed)


def open_all(poll):
    """Open every envelope of the poll, write the ballots and the counted receipts in random
    order, and destroy the envelopes and the key. Runs inside the close's transaction."""
    rng = random.SystemRandom()
    key = PollKey.objects.filter(poll_id=poll.pk).first()
    if key is None:
        return _reshuffle_plaintext(poll, rng)
    private = envelopes.unwrap_private(bytes(key.wrapped_private), poll_id=poll.pk)
    payloads = [
        envelopes.open_envelope(private, bytes(sealed), poll_id=poll.pk)
        for sealed in BallotEnvelope.objects.filter(poll_id=poll.pk).values_list("sealed", flat=True)
    ]
    rng.shuffle(payloads)
    ballots, choices = [], []
    for p in payloads:
        ballot = Ballot(id=uuid.uuid4(), poll_id=poll.pk, abstain=p["abstain"], voter_name=p["voter_name"])
        ballots.append(ballot)
        choices.extend(BallotChoice(id=uuid.uuid4(), ballot=ballot, candidate_id=c) for c in p["candidates"])
    rng.shuffle(choices)
    receipts = [CountedReceipt(id=uuid.uuid4(), poll_id=poll.pk, receipt_hash=p["receipt"]) for p in payloads]
    rng.shuffle(receipts)
    Ballot.objects.bulk_create(ballots)
    BallotChoice.objects.bulk_create(choices)
    CountedReceipt.objects.bulk_create(receipts)
    BallotEnvelope.objects.filter(poll_id=poll.pk).delete()
    PollKey.objects.filter(poll_id=poll.pk).delete()
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum, robust=True)


def _reshuffle_plaintext(poll, rng):
    """Ballots of a poll opened before the ballot box existed (plaintext since the cast): rewrite
    them in random order with new keys, as the close did then."""
    old = list(Ballot.objects.filter(poll_id=poll.pk).values("id", "abstain", "voter_name"))
    if not old:
        return
    choices = {}
    for ballot_id, candidate_id in BallotChoice.objects.filter(ballot__poll_id=poll.pk).values_list(
        "ballot_id", "candidate_id"
    ):
        choices.setdefault(ballot_id, []).append(candidate_id)
    rng.shuffle(old)
    BallotChoice.objects.filter(ballot__poll_id=poll.pk).delete()
    Ballot.objects.filter(poll_id=poll.pk).delete()
    ballots, new_choices = [], []
    for b in old:
        ballot = Ballot(id=uuid.uuid4(), poll_id=poll.pk, abstain=b["abstain"], voter_name=b["voter_name"])
        ballots.append(ballot)
        new_choices.extend(
            BallotChoice(id=uuid.uuid4(), ballot=ballot, candidate_id=c) for c in choices.get(b["id"], [])
        )
    rng.shuffle(new_choices)
    Ballot.objects.bulk_create(ballots)
    BallotChoice.objects.bulk_create(new_choices)


def _vacuum():
    """Reclaim the dead envelope and key tuples at once instead of waiting for autovacuum (the
    ciphertext is useless without the key either way; this shortens the window of the key's)."""
    with connection.cursor() as cur:
        cur.execute("VACUUM awards_pollkey, awards_ballotenvelope")
