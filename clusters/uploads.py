"""The one check of an uploaded file for every app: an allowed type (by extension and first bytes),
not empty, not above the site's limit (settings.MAX_UPLOAD_BYTES, set by MAX_UPLOAD_MB)."""

import os
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = {".pdf": (b"%PDF",)}
# File systems limit a name to 255 bytes (not characters: "ệ" takes 3); the storage may add 8.
MAX_NAME_BYTES = 120


def safe_name(name, max_bytes=MAX_NAME_BYTES):
    """The base name, NFC, without control characters, cut to `max_bytes` of UTF-8 (never inside
    a character), keeping the extension: 200 × "ệ" + ".pdf" → 38 × "ệ" + ".pdf"."""
    name = unicodedata.normalize("NFC", os.path.basename(name or "").replace("\\", "/").split("/")[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "tep"
    stem, ext = os.path.splitext(name)
    ext = ext.encode()[:16].decode("utf-8", "ignore")
    room = max_bytes - len(ext.encode())
    stem = stem.encode()[:room].decode("utf-8", "ignore").rstrip(" .") or "tep"
    return stem + ext


def limit_mb():
    return settings.MAX_UPLOAD_BYTES // (1024 * 1024)


def check_upload(upload, allowed, *, type_message):
    """The file's base name, or ValidationError (codes type, size, empty, content).

    `allowed` maps extensions to the magic bytes a real file of that type starts with;
    `type_message` says which types are accepted, with %(name)s for the file's name."""
    name = safe_name(upload.name)
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
