"""Every write about registrations and the pledge: one function per state change, atomic,
audited. Each service takes the acting user and checks the django-rules rule itself
(PermissionDenied); views only translate the refusal. Split by job:

- registrations: a unit's registration;
- drafting: drafts, reviews, finalisation, the PDF copies;
- signing: a leader's signature (request + task) and externally signed uploads;
- keys: the province signing authority and the units' certificates.
"""

from ._common import (
    KIND,
    OPEN_STAGES,
    SIGNED_KIND,
    document_key,
    latest_version,
    parse_articles,
    signed_document_key,
)
from .drafting import finalised_guard, pledge_draft, pledge_finalise, pledge_review, request_pdfs
from .keys import authority_create, unit_certificate, unit_certificate_import
from .registrations import registration_save
from .signing import (
    NotReady,
    current_pdf,
    signature_apply,
    signature_fail,
    signature_request,
    signature_upload,
)

STAGE_GUARD = finalised_guard
_document_key = document_key  # the old private name, still read by bench/run.py

__all__ = [
    "KIND",
    "OPEN_STAGES",
    "SIGNED_KIND",
    "STAGE_GUARD",
    "NotReady",
    "authority_create",
    "current_pdf",
    "document_key",
    "finalised_guard",
    "latest_version",
    "parse_articles",
    "pledge_draft",
    "pledge_finalise",
    "pledge_review",
    "registration_save",
    "request_pdfs",
    "signature_apply",
    "signature_fail",
    "signature_request",
    "signature_upload",
    "signed_document_key",
    "unit_certificate",
    "unit_certificate_import",
]
