"""Reads with joins or aggregates about registrations and the pledge."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from clusters.confirm import Shortfall
from clusters.models import Unit
from clusters.selectors import vn_sort_key, year_memberships

from .models import Pledge, PledgeSignature, Registration, RegistrationTarget, SignatureState


def registered_target(cluster_year, unit, key):
    """The value `unit` registered for the target `key` in `cluster_year`, or None."""
    return (
        RegistrationTarget.objects.filter(
            registration__cluster_year=cluster_year, registration__unit=unit, key=key
        )
        .values_list("value", flat=True)
        .first()
    )


def registrations_overview(cluster_year):
    """(members with their registration or None, missing members) for the secretary's list."""
    members = year_memberships(cluster_year)
    regs = {
        r.unit_id: r
        for r in Registration.objects.filter(cluster_year=cluster_year)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("targets", queryset=RegistrationTarget.objects.order_by("position", "id")))
    }
    for m in members:
        m.registration = regs.get(m.unit_id)
    return members, [m for m in members if m.registration is None]


def pledge_summary(cluster_year, *, members=None):
    """Who signed the final pledge and when. `members`: the year's memberships as
    `clusters.selectors.year_memberships` gives them, when the caller has them: their names that
    year name the signatories (two queries instead of five)."""
    pledge = (
        Pledge.objects.filter(cluster_year=cluster_year)
        .values_list("final_version_id", "official_document_id")
        .first()
    )
    if members is None:
        members = year_memberships(cluster_year)
    empty = {
        "signed": 0,
        "members": len(members),
        "signed_on": None,
        "signatories": [],
        "official_document_id": None,
    }
    if pledge is None or pledge[0] is None:
        return empty
    final_version_id, official_document_id = pledge
    year = cluster_year.year
    sigs = list(
        PledgeSignature.objects.filter(version_id=final_version_id, state=SignatureState.DONE)
        .order_by("signed_at")
        .values_list("unit_id", "signer_name", "signed_at")
    )
    names = {m.unit_id: m.display_name for m in members}
    missing = {unit_id for unit_id, _name, _at in sigs if unit_id not in names}
    if missing:  # a unit that signed and is no longer a member
        for unit in Unit.objects.filter(pk__in=missing).prefetch_related("versions"):
            names[unit.pk] = unit.name_in_year(year)
    return {
        "signed": len(sigs),
        "members": len(members),
        "signed_on": sigs[-1][2].date() if sigs else None,
        "signatories": [(names[unit_id], signer, at) for unit_id, signer, at in sigs],
        "official_document_id": official_document_id,
    }


def review_status(version, members):
    """Attach each member's review of `version` (or None) as `m.review`."""
    reviews = {a.unit_id: a for a in version.approvals.select_related("by")} if version else {}
    for m in members:
        m.review = reviews.get(m.unit_id)
    return members


def signature_status(version, members):
    sigs = {}
    if version:
        for s in version.signatures.order_by("id"):  # a failed attempt shows until a new one exists
            if s.unit_id not in sigs or s.state != SignatureState.FAILED:
                sigs[s.unit_id] = s
    for m in members:
        m.signature = sigs.get(m.unit_id)
    return members


def unsigned_shortfall(cluster_year):
    """Stage exit warning: leaving registration with members that have not signed the final pledge
    ("2/8 units have signed the pledge"), for clusters.confirm; None when all have signed."""
    pledge = Pledge.objects.filter(cluster_year=cluster_year).first()
    members = year_memberships(cluster_year)
    signed = set()
    if pledge is not None and pledge.final_version_id is not None:
        signed = set(
            PledgeSignature.objects.filter(
                version_id=pledge.final_version_id, state=SignatureState.DONE
            ).values_list("unit_id", flat=True)
        )
    missing = [m.display_name for m in members if m.unit_id not in signed]
    if not missing:
        return None
    return Shortfall(
        _("%(n)s/%(m)s units have signed the pledge; not signed yet:")
        % {"n": len(members) - len(missing), "m": len(members)},
        missing,
    )


__all__ = [
    "unsigned_shortfall",
    "pledge_summary",
    "registered_target",
    "registrations_overview",
    "vn_sort_key",
]
