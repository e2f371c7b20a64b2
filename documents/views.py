from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from . import registry
from .models import Document, DocumentState
from .services import document_request


def _document_for(request, pk):
    if not request.user.is_authenticated:
        raise Http404
    doc = get_object_or_404(Document, pk=pk, province_id=request.user.province_id)
    if not registry.get(doc.kind).can_view(request.user, doc):
        raise PermissionDenied
    return doc


def queue_year_pdf(request, cluster_year, *, kind, key, title, message, redirect_to):
    """A year page's "make the PDF" button: ask for the year's document as the acting user
    (documents.services.document_request refuses who does not produce it: 403) and answer it."""
    document = document_request(
        key=key,
        kind=kind,
        province_id=cluster_year.province_id,
        actor=request.user,
        title=title,
        params={"cluster_year_id": cluster_year.pk},
    )
    return queued_response(request, document, message=message, redirect_to=redirect_to)


def queued_response(request, document, *, message, redirect_to):
    """Answer a "make the PDF" button: the status partial for htmx (it then polls), otherwise
    a message and a redirect back to the page."""
    document.refresh_from_db()  # queuing may have failed after commit (broker down)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    messages.info(request, message)
    return redirect(redirect_to)


@require_GET
def document_status(request, pk):
    """htmx partial: progress while rendering, the download link when done."""
    doc = _document_for(request, pk)
    return render(request, "documents/_status.html", {"document": doc})


@require_GET
def document_download(request, pk):
    doc = _document_for(request, pk)
    if doc.state != DocumentState.DONE or not doc.file:
        raise Http404
    return FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=doc.file.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
