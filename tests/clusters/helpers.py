"""Shared by the audit chain tests."""

from django.urls import reverse

from clusters.models import AuditChainCheck
from clusters.tasks import check_audit_chain


def run_check_from_page(client, data=None, **extra):
    """The admin presses the button: the POST queues a check; the task's body runs it here (the
    worker test runs it on the real worker); returns the page shown afterwards."""
    response = client.post(reverse("clusters:audit_chain"), data or {}, **extra)
    assert response.status_code == 302
    queued = AuditChainCheck.objects.filter(state="queued").latest("id")
    check_audit_chain(check_id=queued.pk)
    return client.get(reverse("clusters:audit_chain"), **extra).content.decode()
