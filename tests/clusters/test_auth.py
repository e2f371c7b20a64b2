import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, cast, settings):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": cast.staff_a.username, "password": "wrong"})
    response = client.post(url, {"username": cast.staff_a.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()


def test_login_and_logout(client, cast):
    response = client.post(reverse("login"), {"username": cast.staff_a.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_pages_are_in_vietnamese_by_default_and_english_on_request(client, cast):
    client.login(username=cast.staff_a.username, password=PASSWORD)
    assert "Cụm của tôi năm nay" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My cluster this year" in client.get(reverse("home")).content.decode()


def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen(client, cast):
    client.login(username=cast.staff_a.username, password=PASSWORD)
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Cụm của tôi năm nay" in body
