"""Drafting, reviewing and finalising the pledge text, and queueing its PDF copies."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from clusters.issuers import cluster_issuer
from clusters.models import User
from documents import register
from documents.models import Document
from documents.services import document_request

from .. import notices
from ..models import Pledge, PledgeApproval, PledgeState, PledgeVersion
from ..pdf import SYMBOL, register_subject
from ._common import (
    KIND,
    OPEN_STAGES,
    document_key,
    is_member,
    latest_version,
    lock_pledge,
    member_units,
    nfc,
    require,
)


@transaction.atomic
def pledge_draft(*, cluster_year, title, preamble, articles, place, signing_date, actor):
    """Save a new draft version. Approvals belong to a version, so a new one starts with none."""
    pledge = lock_pledge(cluster_year)
    if pledge.state == PledgeState.FINAL:
        raise ValidationError(_("The pledge is finalised; its text can no longer change."))
    if cluster_year.stage not in OPEN_STAGES:
        raise ValidationError(_("The pledge can only be drafted during set-up or registration."))
    require(actor, "pledges.draft_pledge", pledge.cluster_year)
    title, place = nfc(title), nfc(place)
    articles = [nfc(a) for a in articles if nfc(a)]
    if not title:
        raise ValidationError(_("The pledge needs a title."))
    if not articles:
        raise ValidationError(_("The pledge needs at least one article."))
    if not place:
        raise ValidationError(_("Enter the place of signing."))
    last = latest_version(pledge)
    version = PledgeVersion.objects.create(
        pledge=pledge,
        number=(last.number + 1) if last else 1,
        title=title,
        preamble=nfc(preamble),
        articles=articles,
        place=place,
        signing_date=signing_date,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="pledge.drafted",
        obj=pledge,
        province_id=pledge.province_id,
        data={
            "version": version.number,
            "title": title,
            "articles": len(articles),
            "previous_version": last.number if last else None,
        },
    )
    notices.draft_ready(version)
    return version


@transaction.atomic
def pledge_review(*, version, unit, approved, comment, actor):
    """A member unit approves the draft or asks for a change (its staff or leader, for itself)."""
    pledge = lock_pledge(version.pledge.cluster_year)
    if pledge.state == PledgeState.FINAL:
        raise ValidationError(_("The pledge is already finalised."))
    if latest_version(pledge).pk != version.pk:
        raise ValidationError(_("A newer draft exists; please review that one."))
    if not is_member(pledge.cluster_year, unit):
        raise ValidationError(_("This unit is not a member of the cluster this year."))
    require(actor, "pledges.review_pledge", pledge.cluster_year)
    if actor.unit_id != unit.pk:
        raise PermissionDenied
    comment = nfc(comment)
    if not approved and not comment:
        raise ValidationError(_("Write a comment to explain what should change."))
    review, _created = PledgeApproval.objects.update_or_create(
        version=version, unit=unit, defaults={"approved": approved, "comment": comment, "by": actor}
    )
    audit.record(
        actor=actor,
        action="pledge.approved" if approved else "pledge.commented",
        obj=pledge,
        province_id=pledge.province_id,
        data={"version": version.number, "unit": unit.pk, "comment": comment},
    )
    notices.draft_reviewed(version, unit)
    return review


def request_pdfs(*, version, actor, copies=("signing", "ceremony")):
    """Queue the copies (idempotent per version and copy). The signing copy is frozen once a
    signature exists, since every signature is an update of that exact file."""
    cy = version.pledge.cluster_year
    require(actor, "pledges.render_pledge", cy)
    docs = {}
    for copy in copies:
        key = document_key(version, copy)
        if copy == "signing" and version.base_sha256:
            docs[copy] = Document.objects.filter(key=key).first()
            continue
        label = _("signing copy") if copy == "signing" else _("ceremony print copy")
        docs[copy] = document_request(
            key=key,
            kind=KIND,
            province_id=cy.cluster.province_id,
            actor=actor,
            title=_("Pledge %(year)s, version %(n)s, %(copy)s")
            % {"year": cy.year, "n": version.number, "copy": label},
            params={"version_id": version.pk, "copy": copy},
        )
    return docs


@transaction.atomic
def pledge_finalise(*, cluster_year, actor):
    pledge = lock_pledge(cluster_year)
    require(actor, "pledges.draft_pledge", pledge.cluster_year)
    if pledge.state == PledgeState.FINAL:
        raise ValidationError(_("The pledge is already finalised."))
    version = latest_version(pledge)
    if version is None:
        raise ValidationError(_("There is no draft to finalise."))
    approved = set(version.approvals.filter(approved=True).values_list("unit_id", flat=True))
    missing = member_units(cluster_year) - approved
    if missing:
        raise ValidationError(
            _("%(n)s member unit(s) have not approved this draft yet.") % {"n": len(missing)}
        )
    pledge.state, pledge.final_version = PledgeState.FINAL, version
    pledge.finalised_at, pledge.finalised_by = timezone.now(), actor
    pledge.save()
    version.signatories = signatories_of(cluster_year)
    version.save(update_fields=["signatories"])
    # the pledge is issued: it takes its number in the cluster's outgoing register
    register.take(
        issuer=cluster_issuer(cluster_year.cluster),
        symbol=SYMBOL,
        subject=register_subject(version),
        title=version.title,
        on=version.signing_date or timezone.localdate(),
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="pledge.finalised",
        obj=pledge,
        province_id=pledge.province_id,
        data={"version": version.number},
    )
    request_pdfs(version=version, actor=actor)
    notices.ready_to_sign(pledge)
    return pledge


def signatories_of(cluster_year):
    """Who signs for each member unit, and under which name the unit signs: the unit's leader of
    record (else its leader account's name) and the unit's name in force in the pledge's year."""
    from clusters.models import Role
    from clusters.selectors import year_memberships

    accounts = dict(
        User.objects.filter(unit__memberships__cluster_year=cluster_year, roles__role=Role.UNIT_LEADER)
        .order_by("-pk")
        .values_list("unit_id", "full_name")
    )
    return {
        str(m.unit_id): {
            "person": nfc(m.unit.leader_name or accounts.get(m.unit_id, "")),
            "unit": nfc(m.display_name),
        }
        for m in year_memberships(cluster_year)
    }


def finalised_guard(cluster_year):
    """Stage exit guard: the registration stage ends only with a finalised pledge."""
    if not Pledge.objects.filter(cluster_year=cluster_year, state=PledgeState.FINAL).exists():
        return _("Finalise the pledge before leaving the registration stage.")
    return None
