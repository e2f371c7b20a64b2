"""Evidence files attached to a self-score row: checked, stored, removed after commit."""

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from clusters import audit
from clusters.uploads import check_upload

from ..models import Evidence, ScoreEntry
from ._base import _leaf, _lock_sheet, _require

ALLOWED_EVIDENCE = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}


@transaction.atomic
def evidence_add(*, sheet, criterion, upload, actor):
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.self_score", sheet)
    _leaf(sheet, criterion)
    name = check_upload(
        upload,
        ALLOWED_EVIDENCE,
        type_message=_("“%(name)s”: only PDF, images (JPG, PNG) and office documents are accepted."),
    )
    entry, _created = ScoreEntry.objects.get_or_create(sheet=sheet, criterion=criterion)
    evidence = Evidence(entry=entry, original_name=name, size=upload.size, uploaded_by=actor)
    evidence.entry = entry
    entry.sheet = sheet
    evidence.file.save(name, upload, save=False)
    try:
        evidence.save()
    except DatabaseError:  # the row was not written: do not leave its file behind
        evidence.file.storage.delete(evidence.file.name)
        raise
    audit.record(
        actor=actor,
        action="evidence.added",
        obj=entry,
        province_id=sheet.province_id,
        data={"criterion": criterion.code, "file": name, "size": upload.size},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence, actor):
    entry = evidence.entry
    sheet = _lock_sheet(entry.sheet)
    _require(actor, "scoring.self_score", sheet)
    audit.record(
        actor=actor,
        action="evidence.removed",
        obj=entry,
        province_id=sheet.province_id,
        data={"criterion": entry.criterion.code, "file": evidence.original_name},
    )
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
