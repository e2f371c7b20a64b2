"""The one check of an uploaded file for every app: an allowed type (by extension and first bytes),
not empty, not above the site's limit (settings.MAX_UPLOAD_BYTES, set by MAX_UPLOAD_MB)."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = {".pdf": (b"%PDF",)}


def limit_mb():
    return settings.MAX_UPLOAD_BYTES // (1024 * 1024)


def check_upload(upload, allowed, *, type_message):
    """The file's base name, or ValidationError (codes type, size, empty, content).

    `allowed` maps extensions to the magic bytes a real file of that type starts with;
    `type_message` says which types are accepted, with %(name)s for the file's name."""
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in allowed:
        raise ValidationError(type_message % {"name": name}, code="type")
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": limit_mb()}, code="size"
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in allowed[ext]):
        raise ValidationError(
            _("“%(name)s” is not really a %(ext)s file.") % {"name": name, "ext": ext[1:].upper()},
            code="content",
        )
    return name
