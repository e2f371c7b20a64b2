"""The one way to write to the audit log, and the check of its hash chain."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .chain import GENESIS, chain_key, event_hash, normalise_data
from .models import AuditChainHead, AuditEvent


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _locked_head(key):
    """The chain's head row, locked until the transaction ends (created on the first event)."""
    head = AuditChainHead.objects.select_for_update().filter(key=key).first()
    if head is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(key=key, seq=0, hash=GENESIS)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(key=key)
    return head


def record(*, actor, action, obj, province_id=None, data=None, reason=""):
    """Append one event to its province's chain. `obj` is any model instance; its province is
    taken when known. Appends of one province wait for each other (row lock on the chain head)."""
    if province_id is None:
        province_id = getattr(obj, "province_id", None)
    fields = {
        "province_id": province_id,
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "action": action,
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "data": normalise_data(_plain(data or {})),
        "reason": reason or "",
    }
    key = chain_key(province_id)
    with transaction.atomic(savepoint=False):
        head = _locked_head(key)
        link = {"seq": head.seq + 1, "prev_hash": head.hash, "at": timezone.now()}
        digest = event_hash(**fields, **link)
        event = AuditEvent.objects.create(**fields, **link, hash=digest)
        AuditChainHead.objects.filter(key=key).update(seq=link["seq"], hash=digest)
    return event


def bulk_append(events, *, batch_size=5000):
    """Append many unsaved AuditEvents at once (data generators, imports), chained like record()."""
    heads = {}
    with transaction.atomic(savepoint=False):
        for event in events:
            key = chain_key(event.province_id)
            if key not in heads:
                heads[key] = _locked_head(key)
            head = heads[key]
            event.data = normalise_data(_plain(event.data or {}))
            event.at = event.at or timezone.now()
            event.seq, event.prev_hash = head.seq + 1, head.hash
            event.hash = event_hash(
                province_id=event.province_id,
                seq=event.seq,
                prev_hash=event.prev_hash,
                at=event.at,
                actor_id=event.actor_id,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                data=event.data,
                reason=event.reason,
            )
            head.seq, head.hash = event.seq, event.hash
        AuditEvent.objects.bulk_create(events, batch_size=batch_size)
        for key, head in heads.items():
            AuditChainHead.objects.filter(key=key).update(seq=head.seq, hash=head.hash)
    return events


def history_for(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )


# ---------------------------------------------------------------------------------------------
# The chain's head (printed on paper) and its check


@dataclass
class ChainHead:
    seq: int
    hash: str
    at: object = None


def chain_head(province_id):
    """The last event of the province's chain as stored (seq 0 and GENESIS for an empty chain)."""
    last = (
        AuditEvent.objects.filter(province_id=province_id)
        .order_by("-seq")
        .values_list("seq", "hash", "at")
        .first()
    )
    return ChainHead(*last) if last else ChainHead(0, GENESIS)


@dataclass
class ChainCheck:
    province_id: object
    count: int = 0
    head: ChainHead | None = None
    broken_id: int | None = None
    broken_seq: int | None = None
    broken_action: str = ""
    broken_at: object = None
    problem: str = ""
    code: str = ""  # missing, link, content, paper, truncated

    @property
    def ok(self):
        return not self.problem


FIELDS = (
    "id",
    "seq",
    "prev_hash",
    "hash",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "data",
    "reason",
)


def _break(check, row, code, problem):
    check.code, check.broken_id, check.broken_seq = code, row["id"], row["seq"]
    check.broken_action, check.broken_at, check.problem = row["action"], row["at"], problem
    return check


def verify_chain(province_id, *, expect=None):
    """Recompute the province's chain and name its first broken link.

    `expect` = (seq, hash) read from paper: the event with that number must still have that hash."""
    check = ChainCheck(province_id=province_id)
    prev, expected_seq, last = GENESIS, 1, None
    rows = AuditEvent.objects.filter(province_id=province_id).order_by("seq").values(*FIELDS)
    for row in rows.iterator(chunk_size=2000):
        if row["seq"] != expected_seq:
            return _break(
                check, row, "missing", _("event number %(n)s is missing before it") % {"n": expected_seq}
            )
        if row["prev_hash"] != prev:
            return _break(
                check, row, "link", _("it does not point to the event before it (removed, inserted or moved)")
            )
        fields = {k: row[k] for k in FIELDS if k not in ("id", "hash")}
        if event_hash(province_id=province_id, **fields) != row["hash"]:
            return _break(check, row, "content", _("its content was changed after it was recorded"))
        if expect and row["seq"] == expect[0] and row["hash"] != expect[1]:
            return _break(check, row, "paper", _("its hash differs from the one printed on paper"))
        prev, expected_seq, last = row["hash"], expected_seq + 1, row
        check.count += 1
    check.head = ChainHead(last["seq"], last["hash"], last["at"]) if last else ChainHead(0, GENESIS)
    stored = AuditChainHead.objects.filter(key=chain_key(province_id)).values_list("seq", "hash").first()
    if stored and stored != (check.head.seq, check.head.hash):
        check.code, check.broken_seq, check.problem = (
            "truncated",
            stored[0],
            _("the chain ended at event number %(n)s; the events after number %(last)s were removed")
            % {"n": stored[0], "last": check.head.seq},
        )
    elif expect and expect[0] > check.head.seq:
        check.code, check.broken_seq, check.problem = (
            "paper",
            expect[0],
            _("event number %(n)s printed on paper is no longer in the chain") % {"n": expect[0]},
        )
    return check
