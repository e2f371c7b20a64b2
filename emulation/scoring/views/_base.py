"""What every scoring view shares: error messages, spreadsheet responses, the sheet fetch."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.access import province_object, require
from clusters.models import ClusterYear, Membership

from .. import spreadsheets
from ..models import ScoreSheet

MAX_ERRORS_SHOWN = 30


def _errors(request, exc):
    msgs = exc.messages
    for msg in msgs[:MAX_ERRORS_SHOWN]:
        messages.error(request, msg)
    if len(msgs) > MAX_ERRORS_SHOWN:
        messages.error(request, _("… and %(n)s more errors.") % {"n": len(msgs) - MAX_ERRORS_SHOWN})


def _xlsx(data, filename):
    response = HttpResponse(data, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sheet(request, pk, unit_pk, perm):
    """The year (province-scoped, else 404), the member unit (else 404) and its sheet (possibly
    not saved yet), then the rule (else 403)."""
    cy = province_object(request, ClusterYear, pk=pk)
    membership = get_object_or_404(
        Membership.objects.select_related("unit").prefetch_related("unit__versions"),
        cluster_year=cy,
        unit_id=unit_pk,
    )
    sheet = ScoreSheet.objects.filter(cluster_year=cy, unit_id=unit_pk).first() or ScoreSheet(
        cluster_year=cy, unit=membership.unit
    )
    sheet.cluster_year, sheet.unit = cy, membership.unit
    require(request.user, perm, sheet)
    return cy, sheet


def _sheet_url(cy, sheet):
    return reverse("scoring:sheet", args=[cy.pk, sheet.unit_id])
