import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(cast):
    group = Group.objects.create(name="Quản trị tỉnh")
    group.permissions.set(Permission.objects.filter(content_type__app_label="clusters"))
    cast.admin.is_staff = True
    cast.admin.save()
    cast.admin.groups.add(group)
    return cast.admin


def test_django_admin_is_in_vietnamese_and_scoped_to_the_province(client, cast, staff_admin):
    client.login(username=staff_admin.username, password=PASSWORD)
    body = client.get("/admin/clusters/unit/").content.decode()
    assert "đơn vị" in body.lower()
    assert cast.unit_a.name in body
    assert cast.other_units[0].name not in body
    assert client.get(f"/admin/clusters/unit/{cast.other_units[0].pk}/change/").status_code in (302, 404)


def test_a_province_admin_cannot_make_anyone_superuser_in_the_admin(client, cast, staff_admin):
    client.login(username=staff_admin.username, password=PASSWORD)
    url = f"/admin/clusters/user/{cast.staff_a.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
    client.post(
        url,
        {
            "username": cast.staff_a.username,
            "is_superuser": "on",
            "is_active": "on",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    cast.staff_a.refresh_from_db()
    assert not cast.staff_a.is_superuser
