"""The cover letter's line in the cluster's outgoing register (sổ đăng ký văn bản đi)."""

from django.utils import timezone

from clusters.issuers import cluster_issuer
from documents import register

COVER_SYMBOL = "TTr"


def cover_subject(cluster_year_id):
    return f"awards-cover-{cluster_year_id}"


def cover_issue(dossier, *, actor=None):
    """Take (once) the cover letter's number, dated the day the dossier is submitted."""
    cy = dossier.cluster_year
    return register.take(
        issuer=cluster_issuer(cy.cluster),
        symbol=COVER_SYMBOL,
        subject=cover_subject(cy.pk),
        title=f"Tờ trình đề nghị khen thưởng năm {cy.year}",
        on=timezone.localtime(dossier.submitted_at).date(),
        actor=actor,
    )
