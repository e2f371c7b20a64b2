"""The one write path for documents: request a render, claim it, finish or fail it."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import queue

from . import registry
from .models import Document, DocumentState

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=settings.DOCUMENT_STALE_SECONDS)
MAX_ATTEMPTS = 3


QUEUE_DOWN = gettext_lazy("The job queue is unavailable right now. Please try again in a few minutes.")


def _enqueue(document_id):
    from .tasks import render_document

    def mark_failed():
        Document.objects.filter(pk=document_id, state=DocumentState.QUEUED).update(
            state=DocumentState.FAILED, message=str(QUEUE_DOWN)
        )

    queue.send(render_document, on_failure=mark_failed, document_id=document_id)


@transaction.atomic
def document_request(*, key, kind, province_id, title, actor, params=None):
    """Ask for a document to be (re)rendered. Idempotent: a render already queued or running is
    not queued twice; the same key always writes the same record and file.

    The acting user must be one who produces the document (its kind's `can_request`), else
    PermissionDenied."""
    if not registry.is_registered(kind):
        raise KeyError(kind)
    asked = Document(kind=kind, province_id=province_id, title=title, params=params or {})
    if actor is None or not registry.get(kind).can_request(actor, asked):
        raise PermissionDenied
    doc, _created = Document.objects.select_for_update().get_or_create(
        key=key, defaults={"kind": kind, "province_id": province_id, "title": title, "params": params or {}}
    )
    if doc.is_pending and doc.requested_at and timezone.now() - doc.requested_at < STALE_AFTER:
        return doc
    doc.state, doc.progress, doc.message, doc.attempts = DocumentState.QUEUED, 0, "", 0
    doc.title, doc.params = title, params or doc.params
    doc.requested_by = actor
    doc.requested_at = timezone.now()
    doc.save()
    transaction.on_commit(lambda: _enqueue(doc.pk))
    return doc


def document_claim(document_id):
    """Conditional UPDATE: only one worker moves a queued document to running."""
    claimed = Document.objects.filter(pk=document_id, state=DocumentState.QUEUED).update(
        state=DocumentState.RUNNING, started_at=timezone.now(), progress=5
    )
    return claimed == 1


def document_progress(document_id, percent):
    Document.objects.filter(pk=document_id, state=DocumentState.RUNNING).update(
        progress=min(int(percent), 99)
    )


def document_finish(document, pdf_bytes, filename):
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        storage = doc.file.storage
        if doc.file:
            storage.delete(doc.file.name)
        # Same document, same file: a leftover under the target name is replaced, so the
        # storage never adds a random suffix.
        target = doc.file.field.generate_filename(doc, filename)
        if storage.exists(target):
            storage.delete(target)
        doc.file.save(filename, ContentFile(pdf_bytes), save=False)
        doc.sha256 = hashlib.sha256(pdf_bytes).hexdigest()
        doc.state, doc.progress, doc.message = DocumentState.DONE, 100, ""
        doc.finished_at = timezone.now()
        doc.renders += 1
        doc.attempts += 1
        doc.save()
    return doc


def document_fail(document_id, message):
    Document.objects.filter(pk=document_id).update(
        state=DocumentState.FAILED, message=message[:300], finished_at=timezone.now()
    )


def render_now(document_id):
    """Render a claimed document (called by the task)."""
    if not document_claim(document_id):
        return None
    doc = Document.objects.get(pk=document_id)
    if doc.issued_on is None:
        # the date of issue is fixed by the first render; later renders keep it
        doc.issued_on = timezone.localdate()
        Document.objects.filter(pk=doc.pk, issued_on__isnull=True).update(issued_on=doc.issued_on)
    try:
        pdf_bytes, filename = registry.get(doc.kind).render(doc, lambda p: document_progress(doc.pk, p))
    except Exception as exc:  # any error of a kind's renderer fails this document, with its message
        log.exception("rendering document %s failed", document_id)
        document_fail(document_id, _("Rendering failed: %(error)s") % {"error": exc})
        return None
    return document_finish(doc, pdf_bytes, filename)


def requeue_stale(now=None):
    """Documents left running by a dead worker (or queued but never picked up): queue them
    again, or fail them after MAX_ATTEMPTS with a message the user sees."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = list(
        Document.objects.filter(
            Q(state=DocumentState.RUNNING, started_at__lt=cutoff)
            | Q(state=DocumentState.QUEUED, requested_at__lt=cutoff)
        )
    )
    for doc in stale:
        with transaction.atomic():
            doc = Document.objects.select_for_update().get(pk=doc.pk)
            if not doc.is_pending:
                continue
            doc.attempts += 1
            if doc.attempts >= MAX_ATTEMPTS:
                doc.state = DocumentState.FAILED
                doc.message = _("The document could not be rendered after several attempts.")
                doc.save()
                continue
            doc.state, doc.progress, doc.requested_at = DocumentState.QUEUED, 0, now
            doc.save()
            transaction.on_commit(lambda pk=doc.pk: _enqueue(pk))
    return len(stale)
