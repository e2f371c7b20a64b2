"""Is this file the signed pledge, and who signed it? One answer for the signing task, the
external uploads, the public page and the final "fully signed" decision: pyHanko validation with
the province's trust roots and CRLs (nothing fetched), and every signature bound to the unit of
its field by the unit's registered certificate for the pledge's year."""

import hashlib
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clusters.models import Membership

from . import pades
from .authority import province_crls, trust_roots
from .models import CertificateSource, UnitCertificate

INTACT, EARLIER, BROKEN, FOREIGN = "intact", "earlier", "broken", "foreign"
UNTRUSTED_ISSUER = gettext_noop("The certificate was not issued by an authority the province trusts.")
NOT_VALID_THEN = gettext_noop("The certificate was not valid when the signature was made.")
WHY = {
    "NO_CERTIFICATE_CHAIN_FOUND": UNTRUSTED_ISSUER,
    "NO_TRUST_ROOT": UNTRUSTED_ISSUER,
    "CHAIN_CONSTRAINTS_FAILURE": UNTRUSTED_ISSUER,
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": UNTRUSTED_ISSUER,
    "REVOKED_NO_POE": gettext_noop("The certificate was revoked before the signature was made."),
    "REVOKED_CA_NO_POE": gettext_noop("The certificate was revoked before the signature was made."),
    "OUT_OF_BOUNDS_NOT_REVOKED": NOT_VALID_THEN,
    "REVOKED": gettext_noop("The certificate was revoked before the signature was made."),
    "EXPIRED": NOT_VALID_THEN,
    "NOT_YET_VALID": NOT_VALID_THEN,
    "OUT_OF_BOUNDS_NO_POE": NOT_VALID_THEN,
    "TIMESTAMP_NOT_TRUSTED": gettext_noop("The signature's timestamp cannot be verified."),
}
UNVERIFIABLE = gettext_noop("The signature cannot be verified.")


def field_unit_id(field_name):
    prefix = "ky-don-vi-"
    return (
        int(field_name[len(prefix) :])
        if field_name.startswith(prefix) and field_name[10:].isdigit()
        else None
    )


@dataclass
class SignatureView:
    """What a person holding the paper needs about one signature (no fingerprints, no ids)."""

    unit: str
    person: str
    issuer: str
    trusted: bool
    why: str
    timestamp: object
    whole_document: bool
    counts: bool
    unit_id: int | None = field(default=None, repr=False)
    certificate_der: bytes = field(default=b"", repr=False)


@dataclass
class FileReport:
    verdict: str
    message: str
    signatures: list = field(default_factory=list)
    signed: int = 0
    members: int = 0
    document_timestamp: object = None

    @property
    def intact(self):
        return self.verdict == INTACT


def _bound(unit_id, year, sha256, when):
    """The certificate is the unit's registered one for the year, confirmed if external, not
    revoked before `when`."""
    return (
        UnitCertificate.objects.filter(unit_id=unit_id, year=year, sha256=sha256)
        .exclude(source=CertificateSource.EXTERNAL, confirmed_at__isnull=True)
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=when))
        .exists()
    )


def _why(checked, bound, year):
    if not (checked.intact and checked.valid):
        return _("The document was changed after this signature, or the signature is damaged.")
    if not checked.trusted:
        return _(WHY.get(checked.problem, UNVERIFIABLE))
    if not bound:
        return _("The certificate is not this unit's registered signing certificate for %(year)s.") % {
            "year": year
        }
    if not checked.later_changes_allowed:
        return _("The document was changed after this signature.")
    return ""


def check_signatures(pledge_version, checks):
    """Per signature: the unit of its field, trusted and bound, or why not."""
    cy = pledge_version.pledge.cluster_year
    members = {
        m.unit_id: m.unit.name_in_year(cy.year)
        for m in Membership.objects.filter(cluster_year=cy)
        .select_related("unit")
        .prefetch_related("unit__versions")
    }
    views = []
    for c in checks:
        if c.is_document_timestamp:
            continue
        unit_id = field_unit_id(c.field)
        when = c.timestamp or timezone.now()
        bound = unit_id in members and _bound(unit_id, cy.year, c.certificate_sha256, when)
        why = _why(c, bound, cy.year)
        views.append(
            SignatureView(
                unit=members.get(unit_id, _("(not a signature box of this pledge)")),
                person=c.person,
                issuer=c.issuer,
                trusted=c.trusted and bound,
                why=why,
                timestamp=c.timestamp,
                whole_document=c.whole_file,
                counts=not why,
                unit_id=unit_id,
                certificate_der=c.certificate_der,
            )
        )
    return views, len(members)


def check_file(version, data, progress=None):
    """The full check of a copy of the finalised `version`."""
    if not data.startswith(b"%PDF"):
        return FileReport(FOREIGN, _("The file is not a PDF."))
    if not version.base_sha256:
        return FileReport(
            FOREIGN, _("Nobody has signed this pledge yet, so there is no signed copy to compare.")
        )
    if (
        len(data) < version.base_length
        or hashlib.sha256(data[: version.base_length]).hexdigest() != version.base_sha256
    ):
        return FileReport(FOREIGN, _("This file is not a copy of this pledge, or its content was changed."))
    province_id = version.pledge.cluster_year.cluster.province_id
    try:
        checks = pades.validate(
            data, roots=trust_roots(province_id), crls=province_crls(province_id), progress=progress
        )
    except ValueError:
        return FileReport(FOREIGN, _("The file is not a readable PDF."))
    views, members = check_signatures(version, checks)
    report = FileReport(BROKEN, "", views, sum(1 for v in views if v.counts), members)
    stamps = [c for c in checks if c.is_document_timestamp]
    units = [v.unit_id for v in views]
    if not views:
        report.message = _("The file carries no signature.")
    elif any(not v.counts for v in views) or len(set(units)) != len(units):
        bad = sum(1 for v in views if not v.counts)
        report.message = _("%(n)s signature(s) in the file do not count: see why below.") % {"n": max(bad, 1)}
    elif any(not (s.intact and s.valid and s.trusted and s.later_changes_allowed) for s in stamps):
        report.message = _("The document timestamp of the file cannot be verified.")
    elif not checks[-1].whole_file and not (
        checks[-1].is_document_timestamp and checks[-1].later_changes_allowed
    ):
        report.message = _("The file was changed after its last signature.")
    elif report.signed < members:
        report.verdict = EARLIER
        report.message = _("Copy at the time %(k)s/%(n)s units had signed; not the complete pledge.") % {
            "k": report.signed,
            "n": members,
        }
    else:
        report.verdict = INTACT
        report.document_timestamp = stamps[-1].timestamp if stamps else None
        report.message = _("Intact copy: all %(n)s units signed, every signature trusted.") % {"n": members}
    return report


def stored_state(version, signatures):
    """Cheap check for the public page: the stored file is byte for byte the one the last
    signature produced (the full check runs on an uploaded copy, in a task)."""
    from .services import current_pdf

    last = signatures[-1] if signatures else None
    if last is None:
        return None
    data = current_pdf(version)
    ok = data is not None and hashlib.sha256(data).hexdigest() == last.file_sha256
    message = (
        _("The stored file is exactly the one produced by the last signature.")
        if ok
        else _("The stored file differs from the one produced by the last signature.")
    )
    return FileReport(INTACT if ok else BROKEN, message)
