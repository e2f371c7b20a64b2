from celery import shared_task

from . import services


@shared_task(name="pledges.sign", bind=True, max_retries=30, soft_time_limit=90, time_limit=120)
def sign_pledge(self, *, signature_id):
    """Add one unit's PAdES signature. Idempotent: a signature already done is left alone."""
    try:
        sig = services.signature_apply(signature_id)
    except services.NotReady as exc:
        if self.request.retries >= self.max_retries:
            services.signature_fail(signature_id, "The signing copy was not rendered in time.")
            return {"signature_id": signature_id, "state": "failed"}
        raise self.retry(countdown=2, exc=exc) from exc
    except Exception as exc:  # any signing error marks the signature failed for the person, then re-raises
        services.signature_fail(signature_id, f"Signing failed: {exc}")
        raise
    return {"signature_id": signature_id, "state": sig.state}


@shared_task(name="pledges.check_copy", soft_time_limit=150, time_limit=180)
def check_copy(*, check_id):
    """Check an uploaded copy (a leader's externally signed file or a public-page copy)."""
    check = services.copy_check_run(check_id)
    return {"check_id": check_id, "state": check.state}
