from celery import shared_task

from . import services


@shared_task(
    name="documents.render", acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180
)
def render_document(*, document_id):
    doc = services.render_now(document_id)
    return {"document_id": document_id, "rendered": doc is not None}


@shared_task(name="documents.requeue_stale")
def requeue_stale():
    return services.requeue_stale()
