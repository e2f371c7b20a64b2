"""The pledge's document kinds: the two rendered copies and the signed file."""

from .models import PledgeVersion


def _year(document):
    version = PledgeVersion.objects.select_related("pledge__cluster_year__cluster").get(
        pk=document.params["version_id"]
    )
    return version.pledge.cluster_year


def can_view(user, document):
    return user.has_perm("pledges.view_pledge", _year(document))


def can_request(user, document):
    return user.has_perm("pledges.render_pledge", _year(document))


def render_pledge(document, progress):
    from . import pdf

    version = PledgeVersion.objects.select_related("pledge__cluster_year__cluster__province").get(
        pk=document.params["version_id"]
    )
    progress(20)
    copy = document.params.get("copy", pdf.SIGNING)
    data, _boxes = pdf.render(version, copy)
    cy = version.pledge.cluster_year
    suffix = "ban-ky-so" if copy == pdf.SIGNING else "ban-in-le-ky"
    return data, f"giao-uoc-{cy.cluster.code}-{cy.year}-v{version.number}-{suffix}.pdf"


def render_signed(document, progress):
    """The signed file is written by the signing task, never rendered."""
    raise RuntimeError("the signed pledge is produced by signing, not rendering")
