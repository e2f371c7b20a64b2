"""Casting a ballot.

Ballot secrecy: `ballot_cast` writes a Participation (who) and a sealed envelope (what, as
ciphertext under the poll's key) that share no key; the audit event "poll.voted" names the voter
but never the envelope or its receipt. Plaintext ballots exist only after the close (ballot_box)."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from clusters.closing import refuse_if_closed
from clusters.models import Cluster, ClusterYear

from .. import ballot_box, notices
from ..models import BallotEnvelope, Elector, Participation, Poll, PollKey
from ..receipts import new_receipt_code
from ..rules import Refusal, cast_refusal


class VoteRefused(ValidationError):
    """A vote that is not accepted (outside the window or the electorate, a second vote, …).

    `refusal` is the `rules.Refusal` when the vote is refused for who the voter is or when
    (not on the list, already voted, outside the window), so that the ballot page answers as it
    does to the same refusal found before the cast; None for a closed year or an invalid ballot."""

    def __init__(self, message, refusal=None):
        super().__init__(message, code=refusal.value if refusal else None)
        self.refusal = refusal


def _already_voted():
    return VoteRefused(
        _("You have already voted in this poll. Each voter has exactly one ballot."), Refusal.ALREADY_VOTED
    )


def _participation_insert(poll, actor, envelope):
    """Write who voted and drop the sealed envelope in the box; False (and nothing written) when
    the voter already has a participation in the poll. The unique constraint (poll, user)
    decides, ON CONFLICT on exactly that constraint (any other error still raises). On PostgreSQL
    one statement writes both, the envelope only when the participation was inserted: they are
    written in one transaction anyway (see ballot_box), so the shared statement links nothing more."""
    table = Participation._meta.db_table
    insert = (
        f"INSERT INTO {table} (poll_id, user_id, at) VALUES (%s, %s, %s) "  # noqa: S608 (model's table)
        "ON CONFLICT (poll_id, user_id) DO NOTHING RETURNING id"
    )
    params = [poll.pk, actor.pk, timezone.now()]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(insert, params)
            if cursor.fetchone() is None:
                return False
            envelope.save(force_insert=True)
            return True
        cursor.execute(
            f"WITH p AS ({insert}) INSERT INTO {BallotEnvelope._meta.db_table} (id, poll_id, tag, sealed) "  # noqa: S608
            "SELECT %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM p) RETURNING id",
            [*params, envelope.id, envelope.poll_id, envelope.tag, envelope.sealed],
        )
        return cursor.fetchone() is not None


@transaction.atomic
def ballot_cast(*, poll, actor, candidate_ids=(), abstain=False):
    """`actor` casts one ballot; returns the receipt code (shown once, never stored in clear).

    Who may cast and what a valid ballot is are decided by `rules.cast_refusal` and
    `Poll.ballot_problem`, which the ballot page asks too; here they are asked again under the lock.
    The voter's Elector row is locked first, so parallel submissions by one person queue up and
    all but the first find the Participation; the unique constraint (poll, user) decides whether
    this is the voter's first ballot: the Participation is inserted with ON CONFLICT DO NOTHING,
    and a voter who has one is refused before anything else is written. (When the ballot is refused
    for another reason the participation is looked up first, so that "already voted" is said
    before the window or the ballot, as the ballot page says it.)
    The cast does not lock the poll: it locks the voter's Elector row and reads the poll again
    after that lock (the caller's copy may predate a close). `poll_close` locks the poll (FOR NO
    KEY UPDATE, which does not block the foreign-key checks of the Participation and envelope
    inserts — a plain FOR UPDATE deadlocks a vote racing the close) and then the electors, so a
    vote either commits before the close counts or finds the poll closed."""
    elector = (
        Elector.objects.select_for_update()
        .filter(poll_id=poll.pk, user_id=actor.pk)
        .values_list("pk")
        .first()
    )
    poll, valid_ids, key = _poll_under_lock(poll.pk)
    try:
        refuse_if_closed(poll)  # a closed year refuses every change, a ballot too
    except ValidationError as exc:
        raise VoteRefused(exc.messages[0]) from exc
    # "already voted" is decided by the insert below (or looked up when the vote is refused)
    refusal = cast_refusal(actor, poll, is_elector=elector is not None, has_voted=False)
    problem = refusal.message if refusal else poll.ballot_problem(candidate_ids, abstain, valid_ids=valid_ids)
    if problem:
        if elector is not None and Participation.objects.filter(poll_id=poll.pk, user_id=actor.pk).exists():
            raise _already_voted()
        raise VoteRefused(problem, refusal.code if refusal else None)
    code = new_receipt_code()
    envelope = ballot_box.envelope_seal(
        poll=poll,
        code=code,
        candidate_ids={int(i) for i in candidate_ids},
        abstain=abstain,
        voter_name="" if poll.secret else (actor.full_name or actor.username),
        n_candidates=len(valid_ids),
        key=key,
    )
    if not _participation_insert(poll, actor, envelope):
        raise _already_voted()
    notices.voted(poll, actor)
    # last: the province's chain head stays locked from here to the commit, and every audited
    # write of the province (every other cast of a burst) waits for it
    audit.record(
        actor=actor,
        action="poll.voted",
        obj=poll,
        province_id=poll.province_id,
        data={"voter": actor.pk},
    )
    return code


def _poll_under_lock(poll_id):
    """The poll as it is now (read after the elector's lock), its candidates' ids and its envelope
    key (None before the first cast of a poll opened without one): one query on PostgreSQL."""
    if connection.vendor != "postgresql":
        poll = Poll.objects.select_related("cluster_year__cluster", "envelope_key").get(pk=poll_id)
        valid_ids = list(poll.candidates.values_list("pk", flat=True))
        try:
            key = poll.envelope_key
        except PollKey.DoesNotExist:
            key = None
        return poll, valid_ids, key
    # one raw statement (the ORM spent ~0.6 ms of CPU compiling the same joins on every cast): the
    # poll whole (converted by the model's fields), its cluster year and cluster with only what
    # the cast reads (the rest deferred: loaded if ever read), the candidates' ids, the key
    poll = Poll.objects.raw(_POLL_UNDER_LOCK_SQL, [poll_id])[0]
    db = connection.alias
    if poll.cluster_year_id is not None:
        poll.cluster_year = ClusterYear.from_db(
            db,
            ["id", "cluster_id", "year", "stage"],
            [poll.cluster_year_id, poll.l_cluster, poll.l_year, poll.l_stage],
        )
        poll.cluster_year.cluster = Cluster.from_db(
            db, ["id", "province_id"], [poll.l_cluster, poll.l_province]
        )
    key = None
    if poll.l_key_public is not None:
        key = PollKey.from_db(db, ["poll_id", "public"], [poll.pk, bytes(poll.l_key_public)])
    return poll, list(poll.l_candidate_ids), key


_POLL_UNDER_LOCK_SQL = """
SELECT p.*, cy.cluster_id AS l_cluster, cy.year AS l_year, cy.stage AS l_stage, c.province_id AS l_province,
       ARRAY(SELECT pc.id FROM awards_pollcandidate pc WHERE pc.poll_id = p.id) AS l_candidate_ids,
       k.public AS l_key_public
FROM awards_poll p
LEFT JOIN clusters_clusteryear cy ON cy.id = p.cluster_year_id
LEFT JOIN clusters_cluster c ON c.id = cy.cluster_id
LEFT JOIN awards_pollkey k ON k.poll_id = p.id
WHERE p.id = %s"""
