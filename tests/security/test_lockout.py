"""Finding 7: lockout on the user name + address combination, with a cool-down, audited."""

import pytest
from django.urls import reverse

from clusters.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _fail(client, username, ip, n):
    for _ in range(n):
        client.post(reverse("login"), {"username": username, "password": "sai"}, REMOTE_ADDR=ip)


def test_wrong_passwords_lock_that_name_from_that_address_only_and_are_audited(client, cast, settings):
    _fail(client, cast.staff_a.username, "10.0.0.1", settings.AXES_FAILURE_LIMIT)
    locked = client.post(
        reverse("login"), {"username": cast.staff_a.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert locked.status_code in (403, 429)
    # The same account from another address, and another account from the same address, still log in.
    ok = client.post(
        reverse("login"), {"username": cast.staff_a.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert ok.status_code == 302
    client.logout()
    ok = client.post(
        reverse("login"), {"username": cast.staff_b.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert ok.status_code == 302
    event = AuditEvent.objects.filter(action="login.locked_out").first()
    assert event.object_id == str(cast.staff_a.pk) and event.data["ip"] == "10.0.0.1"


def test_the_lockout_has_a_cool_down(settings):
    assert 0 < settings.AXES_COOLOFF_TIME <= 1


def test_attempts_while_locked_out_do_not_fill_the_audit_trail(client, cast, settings):
    _fail(client, cast.staff_a.username, "10.0.0.1", settings.AXES_FAILURE_LIMIT + 6)
    events = AuditEvent.objects.filter(action="login.locked_out", object_id=str(cast.staff_a.pk))
    assert events.count() == 1
    # A lockout of the same name from another address is its own event.
    _fail(client, cast.staff_a.username, "10.0.0.9", settings.AXES_FAILURE_LIMIT + 2)
    assert events.count() == 2
