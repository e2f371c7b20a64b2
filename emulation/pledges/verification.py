"""Is this file an intact copy of the pledge? Used by the public verification page."""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import crypto
from .models import ProvinceAuthority


def trust_roots(province_id):
    ca = ProvinceAuthority.objects.filter(province_id=province_id).first()
    return [crypto.load_cert(ca.certificate_pem)] if ca else []


@dataclass
class Report:
    intact: bool
    message: str
    signatures: list = field(default_factory=list)


def check_copy(version, data):
    """An intact copy starts with the exact signing copy every signature was added to, and
    every signature in it is intact and valid, the last one covering the whole file."""
    from . import pdf as pledge_pdf

    if not data.startswith(b"%PDF"):
        return Report(False, _("The file is not a PDF."))
    if not version.base_sha256:
        return Report(False, _("Nobody has signed this pledge yet, so there is no signed copy to compare."))
    if (
        len(data) < version.base_length
        or hashlib.sha256(data[: version.base_length]).hexdigest() != version.base_sha256
    ):
        return Report(False, _("This file is not a copy of this pledge, or its content was changed."))
    try:
        checks = pledge_pdf.inspect_signatures(
            data, trust_roots(version.pledge.cluster_year.cluster.province_id)
        )
    except ValueError:
        return Report(False, _("The file is not a readable PDF."))
    if not checks:
        return Report(False, _("The file carries no signature."))
    broken = [c for c in checks if not (c.intact and c.valid and c.changes_allowed)]
    if not broken and not checks[-1].covers_whole_file:
        return Report(False, _("The file was changed after its last signature."), checks)
    if broken:
        return Report(
            False,
            _("%(n)s signature(s) in the file are broken: the file was changed after signing.")
            % {"n": len(broken)},
            checks,
        )
    return Report(
        True, _("Intact copy: %(n)s valid signature(s), nothing changed since.") % {"n": len(checks)}, checks
    )


def stored_state(version, signatures):
    """Cheap check for the public page: the stored file is byte for byte the one the last
    signature produced (the full cryptographic check runs on an uploaded copy)."""
    last = signatures[-1] if signatures else None
    if last is None:
        return None
    from .services import current_pdf

    data = current_pdf(version)
    if data is not None and hashlib.sha256(data).hexdigest() == last.file_sha256:
        return Report(True, _("The stored file is exactly the one produced by the last signature."))
    return Report(False, _("The stored file differs from the one produced by the last signature."))
