from celery import shared_task

from . import chain_checks


@shared_task(
    name="clusters.check_audit_chain",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=chain_checks.TASK_SOFT_LIMIT,
    time_limit=chain_checks.TASK_HARD_LIMIT,
)
def check_audit_chain(*, check_id):
    """Recompute one province's audit chain (queued by chain_checks.check_request)."""
    check = chain_checks.check_run(check_id)
    return {"check_id": check_id, "state": check.state if check else None}


@shared_task(name="clusters.check_audit_chains_nightly")
def check_audit_chains_nightly():
    """Beat job (nightly): a fresh check of every province's chain for its admin's page."""
    return {"queued": chain_checks.check_all_provinces()}
