"""Finding 7 (rest): the two password re-entries — changing the password and confirming a
signature — are throttled like log-in: per account and address, with a cool-down, audited once."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from clusters.models import AuditEvent
from emulation.pledges import services
from tests.emulation.pledges.helpers import finalised, render_in_process
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db]

NEW = "Mat-khau-moi-2026!"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _change(client, old, ip="10.0.0.1"):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": NEW, "new_password2": NEW},
        REMOTE_ADDR=ip,
    )


def test_wrong_old_passwords_lock_the_password_change_from_that_address(client, cast, settings):
    client.force_login(cast.staff_a)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert "không chính xác" in _change(client, "sai").content.decode()
    last = _change(client, "sai").content.decode()
    assert "Quá nhiều lần" in last
    # Now even the right password is refused from that address, and nothing changes.
    refused = _change(client, PASSWORD)
    assert refused.status_code == 200 and "Quá nhiều lần" in refused.content.decode()
    cast.staff_a.refresh_from_db()
    assert cast.staff_a.check_password(PASSWORD)
    events = AuditEvent.objects.filter(action="reauth.locked_out", object_id=str(cast.staff_a.pk))
    assert events.count() == 1 and events.get().data["ip"] == "10.0.0.1"
    # Another address is not locked (no denial of service from one place).
    assert _change(client, PASSWORD, ip="10.0.0.2").status_code == 302
    cast.staff_a.refresh_from_db()
    assert cast.staff_a.check_password(NEW)


def test_a_right_password_resets_the_count(client, cast, settings):
    client.force_login(cast.staff_a)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _change(client, "sai")
    assert _change(client, PASSWORD).status_code == 302
    cast.staff_a.refresh_from_db()
    cast.staff_a.set_password(PASSWORD)
    cast.staff_a.save()
    client.force_login(cast.staff_a)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _change(client, "sai")
    assert not AuditEvent.objects.filter(action="reauth.locked_out").exists()


@pytest.mark.poppler
def test_wrong_passwords_at_the_sign_confirmation_lock_it_and_sign_nothing(client, cast, settings):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    url = reverse("pledges:sign", args=[cast.year.pk])
    client.force_login(cast.leader_a)

    def sign(password, ip="10.0.0.1"):
        return client.post(url, {"version": version.pk, "password": password}, REMOTE_ADDR=ip, follow=True)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert "không đúng" in sign("sai").content.decode()
    assert "Quá nhiều lần" in sign("sai").content.decode()
    assert "Quá nhiều lần" in sign(PASSWORD).content.decode()
    assert version.signatures.count() == 0
    assert AuditEvent.objects.filter(action="reauth.locked_out", object_id=str(cast.leader_a.pk)).count() == 1
    # The same throttle counts both re-entries: the locked leader cannot change the password here either.
    assert "Quá nhiều lần" in _change(client, PASSWORD).content.decode()
    sign(PASSWORD, ip="10.0.0.2")
    assert version.signatures.count() == 1
