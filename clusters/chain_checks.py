"""Checks of a province's audit chain, run by a Celery task and never inside a request.

One write path per state change, each audited where a person or the nightly job asked for it:
request (queued, audited as `audit_chain.check_requested`) → claim (running) → progress →
finish (done, audited as `audit_chain.checked` with the verdict) or fail (failed, audited as
`audit_chain.check_failed`). At most one check of a province is queued or running: a second
request returns the pending one (row lock, and a partial unique constraint for the race)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from documents import queue

from . import audit, notify
from .chain import chain_key
from .models import (
    CHAIN_CHECK_PENDING,
    AuditChainCheck,
    AuditChainHead,
    AuditEvent,
    ChainCheckState,
    Province,
)

log = logging.getLogger(__name__)

# A check still queued or running after this long was lost (worker gone): a new request or the
# nightly job fails it and queues a new one. The task's own hard limit is well below it.
STALE_AFTER = timedelta(minutes=30)
TASK_SOFT_LIMIT, TASK_HARD_LIMIT = 900, 960

QUEUE_DOWN = gettext_lazy("The job queue is unavailable right now. Please try again in a few minutes.")
LOST = gettext_lazy("The check did not finish (the worker stopped); it was started again.")
CRASHED = gettext_lazy("The check could not be completed; start it again or ask the technical staff.")


def _enqueue(check_id):
    from .tasks import check_audit_chain

    queue.send(check_audit_chain, on_failure=lambda: check_fail(check_id, str(QUEUE_DOWN)), check_id=check_id)


def _stale(check, now):
    return now - (check.started_at or check.requested_at) > STALE_AFTER


def check_request(*, province, actor, expect=None):
    """The province admin asks for a check now, optionally against a head printed on paper
    (`expect` = (seq, hash)). Returns (check, created): while a check is queued or running, that
    check is returned and nothing is queued (its own comparison, if any, stays)."""
    if actor is None or not actor.has_perm("clusters.manage_province", province):
        raise PermissionDenied
    return _request(province, actor, expect)


def _request(province, actor, expect=None):
    now = timezone.now()
    with transaction.atomic():
        pending = (
            AuditChainCheck.objects.select_for_update()
            .filter(province=province, state__in=CHAIN_CHECK_PENDING)
            .first()
        )
        if pending is not None and not _stale(pending, now):
            return pending, False
        if pending is not None:
            check_fail(pending.pk, str(LOST))
        stored = stored_seq(province.pk)
        try:
            with transaction.atomic():  # a savepoint: a concurrent request may have won the race
                check = AuditChainCheck.objects.create(
                    province=province,
                    requested_by=actor,
                    requested_at=now,
                    total=stored or 0,
                    expect_seq=expect[0] if expect else None,
                    expect_hash=expect[1] if expect else "",
                )
        except IntegrityError:
            return AuditChainCheck.objects.get(province=province, state__in=CHAIN_CHECK_PENDING), False
        if actor is not None:
            data = {"expect_seq": expect[0], "expect_hash": expect[1]} if expect else {}
            audit.record(
                actor=actor,
                action="audit_chain.check_requested",
                obj=check,
                province_id=province.pk,
                data=data,
            )
        transaction.on_commit(lambda: _enqueue(check.pk))
    return check, True


def stored_seq(province_id):
    return AuditChainHead.objects.filter(key=chain_key(province_id)).values_list("seq", flat=True).first()


def stored_head_and_hash_at(province_id, seq):
    """(the stored head's number, the hash event `seq` has now) in one query: the page compares
    the second with the hash the check read there (a chain rewritten since, same length)."""
    if not seq:
        return stored_seq(province_id), None
    now = AuditEvent.objects.filter(province_id=province_id, seq=seq).values("hash")[:1]
    row = (
        AuditChainHead.objects.filter(key=chain_key(province_id))
        .annotate(hash_at=Subquery(now))
        .values_list("seq", "hash_at")
        .first()
    )
    return row or (None, None)


def check_claim(check_id):
    """Conditional UPDATE: only one worker moves a queued check to running."""
    province_id = AuditChainCheck.objects.filter(pk=check_id).values_list("province_id", flat=True).first()
    total = stored_seq(province_id)
    claimed = AuditChainCheck.objects.filter(pk=check_id, state=ChainCheckState.QUEUED).update(
        state=ChainCheckState.RUNNING, started_at=timezone.now(), total=total or 0, checked=0
    )
    return claimed == 1


def check_progress(check_id, checked):
    AuditChainCheck.objects.filter(pk=check_id, state=ChainCheckState.RUNNING).update(checked=checked)


def check_finish(check_id, result):
    """Store a completed check (`result`: clusters.audit.ChainCheck) and record its verdict."""
    with transaction.atomic():
        check = AuditChainCheck.objects.select_for_update().get(pk=check_id)
        if check.state != ChainCheckState.RUNNING:
            return check
        head = result.head
        check.state, check.finished_at = ChainCheckState.DONE, timezone.now()
        check.count = check.checked = result.count
        check.head_seq = head.seq if head else None
        check.head_hash = head.hash if head else ""
        check.head_at = head.at if head else None
        check.seen_seq = result.seen_seq
        check.broken_code, check.broken_seq = result.code, result.broken_seq
        check.broken_other_seq, check.broken_event_id = result.other_seq, result.broken_id
        check.save()
        audit.record(
            actor=check.requested_by,
            action="audit_chain.checked",
            obj=check,
            province_id=check.province_id,
            data={
                "intact": result.ok,
                "count": result.count,
                "head_seq": check.head_seq,
                "head_hash": check.head_hash,
                "broken_seq": check.broken_seq,
                "problem_code": check.broken_code,
            },
        )
        _tell_admins(check, result.ok)
    return check


def _tell_admins(check, intact):
    """A broken chain waits on the province admins (the nightly job finds it while nobody looks
    at the page); the next intact check clears it."""
    if intact:
        notify.resolve(kind="audit_chain.broken", ref=check.province_id)
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify.notify(
            notify.province_admins(check.province_id),
            kind="audit_chain.broken",
            ref=check.province_id,
            text=_("The audit trail check found a problem at event %(seq)s: see the check's result")
            % {"seq": check.broken_seq or "?"},
            url=reverse("clusters:audit_chain"),
        )


def check_fail(check_id, message):
    """A check that could not run (queue down, worker lost, error): failed, with what to do."""
    with transaction.atomic():
        check = AuditChainCheck.objects.select_for_update().filter(pk=check_id).first()
        if check is None or check.state not in CHAIN_CHECK_PENDING:
            return check
        check.state, check.finished_at, check.message = ChainCheckState.FAILED, timezone.now(), message[:300]
        check.save(update_fields=["state", "finished_at", "message"])
        audit.record(
            actor=check.requested_by,
            action="audit_chain.check_failed",
            obj=check,
            province_id=check.province_id,
            data={"note": check.message},
        )
    return check


def check_run(check_id):
    """The task's body: claim the check, recompute the chain with progress, store the verdict."""
    if not check_claim(check_id):
        return None
    check = AuditChainCheck.objects.get(pk=check_id)
    expect = (check.expect_seq, check.expect_hash) if check.expect_seq else None
    try:
        result = audit.verify_chain(
            check.province_id, expect=expect, progress=lambda n: check_progress(check_id, n)
        )
    except Exception:  # the details go to the worker's log; the page says what to do
        log.exception("audit chain check %s failed", check_id)
        check_fail(check_id, str(CRASHED))
        raise
    return check_finish(check_id, result)


def check_all_provinces():
    """The nightly job: one check per province that has events (the system asks; a check still
    pending is left to finish)."""
    keys = AuditChainHead.objects.filter(seq__gt=0).exclude(key="-").values_list("key", flat=True)
    created = 0
    for province in Province.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()]):
        created += _request(province, None)[1]
    return created


def age_text(at, now=None):
    """How old a result is, in words ("5 phút trước"); Django's timesince is not translated into
    Vietnamese for every unit."""
    seconds = max(0, int(((now or timezone.now()) - at).total_seconds()))
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        n = seconds // 60
        return ngettext("%(n)s minute ago", "%(n)s minutes ago", n) % {"n": n}
    if seconds < 48 * 3600:
        n = seconds // 3600
        return ngettext("%(n)s hour ago", "%(n)s hours ago", n) % {"n": n}
    n = seconds // 86400
    return ngettext("%(n)s day ago", "%(n)s days ago", n) % {"n": n}


def latest(province_id):
    """What the page shows, in two queries: (the latest completed check, a failed attempt newer
    than it, the check queued or running). Only one check can be pending, so it is the newest."""
    checks = AuditChainCheck.objects.filter(province_id=province_id).select_related("requested_by")
    done = checks.filter(state=ChainCheckState.DONE).order_by("-id").first()
    newer = list(checks.filter(id__gt=done.pk if done else 0).order_by("-id")[:2])
    pending = newer[0] if newer and newer[0].is_pending else None
    failed = next((c for c in newer if c.state == ChainCheckState.FAILED), None)
    return done, failed, pending
