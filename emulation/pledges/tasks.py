from celery import shared_task
from django.utils.translation import gettext as _

from . import services


@shared_task(name="pledges.sign", bind=True, max_retries=30, soft_time_limit=90, time_limit=120)
def sign_pledge(self, *, signature_id):
    """Add one unit's PAdES signature. Idempotent: a signature already done is left alone."""
    try:
        sig = services.signature_apply(signature_id)
    except services.NotReady as exc:
        if self.request.retries >= self.max_retries:
            services.signature_fail(signature_id, _("The signing copy was not rendered in time; sign again."))
            return {"signature_id": signature_id, "state": "failed"}
        raise self.retry(countdown=2, exc=exc) from exc
    except Exception:  # any signing error marks the signature failed for the person, then re-raises
        # the details go to the worker's log; the person reads what to do, in their language
        services.signature_fail(
            signature_id, _("The signature could not be added; sign again or ask the province administrator.")
        )
        raise
    return {"signature_id": signature_id, "state": sig.state}


@shared_task(name="pledges.check_copy", soft_time_limit=150, time_limit=180)
def check_copy(*, check_id):
    """Check an uploaded copy (a leader's externally signed file or a public-page copy)."""
    check = services.copy_check_run(check_id)
    return {"check_id": check_id, "state": check.state}
