"""Shared by the pledge services: permission check, locks, membership, document keys."""

import re
import unicodedata

from django.core.exceptions import PermissionDenied

from clusters.closing import refuse_if_closed
from clusters.models import Membership, Stage

from ..models import Pledge

OPEN_STAGES = (Stage.SETUP, Stage.REGISTRATION)
KIND = "pledge"
SIGNED_KIND = "pledge_signed"


def require(actor, perm, obj):
    """Services check the rule themselves: views, commands and tasks cannot bypass it."""
    refuse_if_closed(obj, perm)  # a closed year refuses every change, whoever asks
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def nfc(text):
    return unicodedata.normalize("NFC", (text or "").strip())


def same_person(a, b):
    """Two spellings of one name (a certificate authority may write it in capitals)."""
    return nfc(a).casefold() == nfc(b).casefold()


def member_units(cluster_year):
    return set(Membership.objects.filter(cluster_year=cluster_year).values_list("unit_id", flat=True))


def is_member(cluster_year, unit):
    return unit is not None and Membership.objects.filter(cluster_year=cluster_year, unit=unit).exists()


def lock_pledge(cluster_year):
    """The year's pledge, row-locked, for a change: refused when the year is closed."""
    pledge, _created = Pledge.objects.get_or_create(cluster_year=cluster_year)
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=pledge.pk)
    )
    refuse_if_closed(pledge)  # every pledge write starts here: drafts, approvals, signatures
    return pledge


def latest_version(pledge):
    return pledge.versions.order_by("-number").first()


def document_key(version, copy):
    return f"pledge-{version.pk}-v{version.number}-{copy}"


def signed_document_key(version):
    return f"pledge-{version.pk}-v{version.number}-signed"


def parse_articles(text):
    """Articles separated by an empty line; an article may span several lines (paragraphs)."""
    blocks = re.split(r"\n\s*\n", nfc(text).replace("\r\n", "\n"))
    articles = []
    for block in blocks:
        block = re.sub(r"^\s*Điều\s+\d+\s*[.:]\s*", "", block.strip())
        if block:
            articles.append(block)
    return articles
