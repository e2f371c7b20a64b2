"""Every write about registrations and the pledge: one function per state change, atomic,
audited. Each service takes the acting user and checks the django-rules rule itself
(PermissionDenied); views only translate the refusal. Split by job:

- registrations: a unit's registration;
- drafting: drafts, reviews, finalisation, the PDF copies;
- signing: a leader's signature (request + task) and externally signed uploads;
- keys: the province signing authority (CA + TSA) and the units' certificates;
- trust: the province admin's imported roots and confirmations of external certificates;
- uploads: copies checked by a task (a leader's externally signed file, the public page).
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
from .keys import (
    authority_create,
    ensure_tsa,
    external_certificate_register,
    unit_certificate,
    unit_certificate_import,
)
from .registrations import registration_save
from .signing import (
    NotReady,
    current_pdf,
    signature_apply,
    signature_fail,
    signature_request,
)
from .trust import certificate_revoke, external_certificate_confirm, trust_root_import, trust_root_retire
from .uploads import copy_check_request, copy_check_run, signature_upload

STAGE_GUARD = finalised_guard
_document_key = document_key  # the old private name, still read by bench/run.py

__all__ = [
    "KIND",
    "OPEN_STAGES",
    "SIGNED_KIND",
    "STAGE_GUARD",
    "NotReady",
    "authority_create",
    "certificate_revoke",
    "copy_check_request",
    "copy_check_run",
    "ensure_tsa",
    "external_certificate_confirm",
    "external_certificate_register",
    "trust_root_import",
    "trust_root_retire",
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
