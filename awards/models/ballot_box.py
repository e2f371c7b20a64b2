"""The ballot box while a poll is open, and the published receipts after its count.

See awards/ballot_box.py for why: until the close a choice exists only as a sealed envelope; the
poll's key dies with the count; receipts are published apart from the ballots."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .polls import Poll


class PollKey(models.Model):
    """The poll's X25519 key pair while it is open: public, and private wrapped under
    BALLOT_KEY_SECRET. Deleted by the close, in the transaction that opens the envelopes."""

    poll = models.OneToOneField(Poll, primary_key=True, on_delete=models.CASCADE, related_name="envelope_key")
    public = models.BinaryField()
    wrapped_private = models.BinaryField()

    class Meta:
        verbose_name = _("poll key")
        verbose_name_plural = _("poll keys")

    def __str__(self):
        return str(self.pk)


class BallotEnvelope(models.Model):
    """A cast ballot, sealed: random key, no time, no voter; one size for every envelope of a poll.

    `tag` = SHA-256("recorded:" + receipt code) lets the voter see the ballot is recorded while
    the poll is open; it is not the hash published after the count."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="envelopes")
    tag = models.CharField(max_length=64, unique=True)
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self):
        return str(self.pk)


class CountedReceipt(models.Model):
    """The hash of the receipt code of a counted ballot, published with the result. Written by
    the close in its own random order; nothing links it to a ballot or a voter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="counted_receipts")
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("counted receipt")
        verbose_name_plural = _("counted receipts")
        ordering = ["receipt_hash"]

    def __str__(self):
        return self.receipt_hash
