"""Account care by the province admin: search, a set-password link by e-mail (Django's token; no
password is ever shown), deactivate/reactivate, change of unit — within their own province only
(another province's account is a 404 on every page, and the services refuse it), audited."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from clusters import accounts
from clusters.models import AuditEvent, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _admin(client, who="admin"):
    assert client.login(username=who, password=PASSWORD)
    return client


def _rows(response):
    return re.findall(r"<tr><td>(\w+)", response.content.decode())


@pytest.mark.parametrize(
    "q, expected",
    [
        ("staff_a", {"staff_a"}),  # user name
        ("leader b", {"leader_b"}),  # full name
        ("Cát Hải", {"leader_head", "secretary"}),  # unit
        ("nobody", set()),
    ],
)
def test_search_finds_accounts_by_user_name_full_name_or_unit(client, cast, q, expected):
    response = _admin(client).get(reverse("clusters:user_list"), {"q": q})
    assert set(_rows(response)) == expected


def test_search_never_shows_another_province(client, cast):
    response = _admin(client).get(reverse("clusters:user_list"), {"q": "other"})
    assert _rows(response) == []
    assert "other" in _rows(_admin(client, "other").get(reverse("clusters:user_list"), {"q": "other"}))


def test_password_link_is_emailed_works_once_and_no_password_is_shown(
    client, cast, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=cast.staff_a.pk).update(email="a@vinhbao.example")
    _admin(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("clusters:user_password_link", args=[cast.staff_a.pk]), follow=True)
    page = response.content.decode()
    assert "a@vinhbao.example" in page and PASSWORD not in page
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@vinhbao.example"]
    link = re.search(r"http://\S+/password/set/\S+/", mail.outbox[0].body).group(0)
    event = AuditEvent.objects.get(action="user.password_link_sent")
    assert event.actor_id == cast.admin.pk and event.object_id == str(cast.staff_a.pk)
    client.logout()
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else "/" + path,
        {"new_password1": "Mật-khẩu-mới-2026", "new_password2": "Mật-khẩu-mới-2026"},
        follow=True,
    )
    assert done.status_code == 200
    assert client.login(username="staff_a", password="Mật-khẩu-mới-2026")
    client.logout()
    again = client.get("/" + path, follow=True).content.decode()  # used once: no form any more
    assert 'name="new_password1"' not in again


def test_password_link_needs_an_active_account_with_an_email(cast):
    with pytest.raises(ValidationError):
        accounts.user_send_password_link(user=cast.staff_a, actor=cast.admin)  # no e-mail
    User.objects.filter(pk=cast.staff_a.pk).update(email="a@vinhbao.example", is_active=False)
    with pytest.raises(ValidationError):
        accounts.user_send_password_link(user=User.objects.get(pk=cast.staff_a.pk), actor=cast.admin)
    assert not AuditEvent.objects.filter(action="user.password_link_sent").exists()


@pytest.mark.parametrize(
    "name, data",
    [
        ("user_password_link", {}),
        ("user_active", {"active": "0"}),
        ("user_edit", {"full_name": "X", "unit": ""}),
        ("user_roles", {"roles": []}),
    ],
)
def test_another_provinces_admin_gets_404_and_nothing_changes(client, cast, name, data):
    User.objects.filter(pk=cast.staff_a.pk).update(email="a@vinhbao.example")
    before = AuditEvent.objects.count()
    _admin(client, "other")
    assert client.post(reverse(f"clusters:{name}", args=[cast.staff_a.pk]), data).status_code == 404
    if name != "user_active":
        assert client.get(reverse(f"clusters:{name}", args=[cast.staff_a.pk])).status_code in (404, 405)
    staff = User.objects.get(pk=cast.staff_a.pk)
    assert staff.is_active and staff.full_name == "Staff A" and staff.unit_id == cast.unit_a.pk
    assert AuditEvent.objects.count() == before and mail.outbox == []


def test_services_refuse_another_provinces_admin(cast):
    User.objects.filter(pk=cast.staff_a.pk).update(email="a@vinhbao.example")
    for call in (
        lambda: accounts.user_send_password_link(user=cast.staff_a, actor=cast.other),
        lambda: accounts.user_set_active(user=cast.staff_a, active=False, actor=cast.other),
        lambda: accounts.user_update(user=cast.staff_a, actor=cast.other, unit=None, full_name="X"),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_deactivate_reactivate_and_change_of_unit_are_audited(client, cast):
    _admin(client)
    client.post(reverse("clusters:user_active", args=[cast.staff_a.pk]), {"active": "0"})
    assert not User.objects.get(pk=cast.staff_a.pk).is_active
    assert not client.login(username="staff_a", password=PASSWORD)
    _admin(client)
    client.post(reverse("clusters:user_active", args=[cast.staff_a.pk]), {"active": "1"})
    assert User.objects.get(pk=cast.staff_a.pk).is_active
    client.post(
        reverse("clusters:user_edit", args=[cast.staff_a.pk]),
        {"full_name": "Staff A", "unit": cast.unit_b.pk, "job_title": "", "email": ""},
    )
    assert User.objects.get(pk=cast.staff_a.pk).unit_id == cast.unit_b.pk
    actions = list(
        AuditEvent.objects.filter(object_id=str(cast.staff_a.pk), action__startswith="user.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["user.deactivated", "user.activated", "user.updated"]


def test_an_account_cannot_move_to_a_unit_of_another_province(client, cast):
    _admin(client)
    client.post(
        reverse("clusters:user_edit", args=[cast.staff_a.pk]),
        {"full_name": "Staff A", "unit": cast.other_units[0].pk, "job_title": "", "email": ""},
    )
    assert User.objects.get(pk=cast.staff_a.pk).unit_id == cast.unit_a.pk
    with pytest.raises(ValidationError):
        accounts.user_update(
            user=cast.staff_a, actor=cast.admin, unit=cast.other_units[0], full_name="Staff A"
        )
