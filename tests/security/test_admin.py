"""Finding 1 (the Django admin crossed provinces) and issue 12 item 3 (every write audited).

The admin is for superusers only: every cast member, even flagged staff with every model
permission (as the demo once made province admins), is sent to the admin's log-in page from every
admin URL. For a superuser it is read-mostly: a walk over every registered model admin checks
that each write is refused or leaves an audit event."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from clusters.models import AuditEvent, Province, Role, Unit, User
from emulation.pledges import services as pledge_services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CAST = ["staff_a", "staff_b", "leader_a", "secretary", "council", "admin", "other"]


def _admin_urls():
    """Every admin page: the index, and each model's list, add, change, history and delete."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse("admin:%s_%s_changelist" % info), reverse("admin:%s_%s_add" % info)]
        for obj in model.objects.all()[:3]:
            for view in ("change", "history", "delete"):
                urls.append(reverse("admin:%s_%s_%s" % (*info, view), args=[obj.pk]))
    return urls


@pytest.fixture
def world(cast):
    pledge_services.authority_create(province=cast.province)
    pledge_services.unit_certificate(cast.unit_a, year=cast.year.year, person_name="Lãnh đạo A")
    return cast


def _as_staff_with_every_permission(user):
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.mark.parametrize("who", ["anonymous", *CAST])
@pytest.mark.parametrize("staff_flag", [False, True], ids=["plain", "staff-with-every-permission"])
def test_no_cast_member_gets_into_any_admin_page(client, world, who, staff_flag):
    if who != "anonymous":
        user = getattr(world, who)
        if staff_flag:
            _as_staff_with_every_permission(user)
        assert client.login(username=user.username, password=PASSWORD)
    for url in _admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_the_quang_binh_probe_is_refused_and_changes_nothing(client, world):
    """The probe's writes as another province's admin (staff, every permission): all refused."""
    other = _as_staff_with_every_permission(world.other)
    client.login(username=other.username, password=PASSWORD)
    before = AuditEvent.objects.count()
    attempts = [
        (reverse("admin:clusters_province_change", args=[world.province.pk]), {"name": "Đã đổi tên"}),
        (reverse("admin:clusters_unit_add"), {"province": world.province.pk, "code": "x", "name": "Mới"}),
        (reverse("admin:clusters_user_change", args=[world.staff_a.pk]), {"unit": world.other_units[0].pk}),
        (reverse("admin:clusters_user_delete", args=[world.staff_a.pk]), {"post": "yes"}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    world.province.refresh_from_db()
    world.staff_a.refresh_from_db()
    assert world.province.name == "Thành phố Hải Phòng"
    assert world.staff_a.unit_id == world.unit_a.pk
    assert not Unit.objects.filter(code="x").exists()
    assert AuditEvent.objects.count() == before


def test_admin_login_page_refuses_a_province_admin(client, world):
    _as_staff_with_every_permission(world.admin)
    response = client.post(
        reverse("admin:login"),
        {"username": world.admin.username, "password": PASSWORD, "next": "/admin/"},
        follow=True,
    )
    assert response.request["PATH_INFO"] == reverse("admin:login")
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.fixture
def superuser(client, world):
    user = User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.vn")
    client.login(username=user.username, password=PASSWORD)
    return user


def test_a_superuser_reads_every_admin_page(client, superuser):
    for url in _admin_urls():
        assert client.get(url).status_code in (200, 403), url  # 403: add/delete refused


# The writes the admin still allows, each with a payload; they must go through the services.
def _province_add(world):
    return (
        "admin:clusters_province_add",
        [],
        {"code": "quang-tri", "name": "Tỉnh Quảng Trị", "place_name": "Đông Hà"},
    )


def _province_change(world):
    url_args = [world.province.pk]
    return (
        "admin:clusters_province_change",
        url_args,
        {"name": "Thành phố Hải Phòng (mới)", "place_name": "Hải Phòng"},
    )


def _user_add(world):
    data = {
        "username": "tinh.quangtri",
        "full_name": "Quản trị Quảng Trị",
        "email": "",
        "province": world.other_province.pk,
        "unit": "",
        "roles": [Role.PROVINCE_ADMIN],
        "password": "Mat-khau-2024!",
    }
    return "admin:clusters_user_add", [], data


ALLOWED_WRITES = {
    (Province, "add"): _province_add,
    (Province, "change"): _province_change,
    (User, "add"): _user_add,
}


def test_every_admin_write_is_refused_or_audited(client, rf, superuser, world):
    """Walks every registered model admin: a write it allows must leave an audit event; a write it
    refuses answers 403 and changes nothing. A new model admin that allows a write fails here
    until a payload above proves it audits."""
    request = rf.get("/admin/")
    request.user = superuser
    walked = 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        obj = model.objects.order_by("pk").first()
        checks = {
            "add": (model_admin.has_add_permission(request), reverse("admin:%s_%s_add" % info)),
        }
        if obj is not None:
            checks["change"] = (
                model_admin.has_change_permission(request, obj),
                reverse("admin:%s_%s_change" % info, args=[obj.pk]),
            )
            checks["delete"] = (
                model_admin.has_delete_permission(request, obj),
                reverse("admin:%s_%s_delete" % info, args=[obj.pk]),
            )
        for action, (allowed, url) in checks.items():
            walked += 1
            count, events = model.objects.count(), AuditEvent.objects.count()
            if not allowed:
                assert (model, action) not in ALLOWED_WRITES
                assert client.post(url, {"post": "yes"}).status_code == 403, url
                assert model.objects.count() == count
                assert AuditEvent.objects.count() == events
                continue
            assert (model, action) in ALLOWED_WRITES, f"{model.__name__} {action} is allowed but not walked"
            name, args, data = ALLOWED_WRITES[(model, action)](world)
            response = client.post(reverse(name, args=args), data)
            assert response.status_code == 302, response.content.decode()[:2000]
            assert AuditEvent.objects.count() > events, f"{model.__name__} {action} left no audit event"
    assert walked >= 25  # 12 model admins


def test_admin_actions_delete_nothing(client, superuser, world):
    url = reverse("admin:clusters_unit_changelist")
    client.post(url, {"action": "delete_selected", "_selected_action": [world.unit_a.pk], "post": "yes"})
    assert Unit.objects.filter(pk=world.unit_a.pk).exists()


def test_the_admin_speaks_vietnamese_to_a_superuser(client, superuser):
    body = client.get(reverse("admin:clusters_unit_changelist")).content.decode()
    assert "đơn vị" in body.lower()


# The province admin's own screens cover what the admin was used for: the account screen (unit,
# name, deactivation) is the one that was missing.
def test_province_admin_moves_an_account_to_another_unit_of_the_province_audited(client, world):
    client.login(username=world.admin.username, password=PASSWORD)
    url = reverse("clusters:user_edit", args=[world.staff_a.pk])
    assert client.get(url).status_code == 200
    data = {"full_name": "Cán bộ A", "unit": world.unit_b.pk}
    assert client.post(url, data).status_code == 302
    world.staff_a.refresh_from_db()
    assert world.staff_a.unit_id == world.unit_b.pk
    event = AuditEvent.objects.get(action="user.updated")
    assert event.data["new"]["unit_id"] == world.unit_b.pk and event.actor_id == world.admin.pk


def test_province_admin_cannot_move_an_account_into_another_provinces_unit(client, world):
    client.login(username=world.admin.username, password=PASSWORD)
    url = reverse("clusters:user_edit", args=[world.staff_a.pk])
    response = client.post(url, {"full_name": "X", "unit": world.other_units[0].pk})
    assert response.status_code == 200
    assert "Hãy chọn" in response.content.decode() or "không hợp lệ" in response.content.decode()
    world.staff_a.refresh_from_db()
    assert world.staff_a.unit_id == world.unit_a.pk
    assert not AuditEvent.objects.filter(action="user.updated").exists()


@pytest.mark.parametrize("who", ["staff_a", "secretary", "council", "other"])
def test_only_the_province_admin_edits_accounts(client, world, who):
    client.login(username=getattr(world, who).username, password=PASSWORD)
    url = reverse("clusters:user_edit", args=[world.staff_b.pk])
    response = client.post(url, {"full_name": "X", "unit": ""})
    assert response.status_code == (404 if who == "other" else 403)
    world.staff_b.refresh_from_db()
    assert world.staff_b.is_active and world.staff_b.unit_id == world.unit_b.pk


def test_saving_an_account_unchanged_writes_no_event(client, world):
    client.login(username=world.admin.username, password=PASSWORD)
    url = reverse("clusters:user_edit", args=[world.staff_a.pk])
    a = world.staff_a
    data = {"full_name": a.full_name, "job_title": a.job_title, "email": a.email, "unit": a.unit_id}
    assert client.post(url, data).status_code == 302
    assert not AuditEvent.objects.filter(action="user.updated").exists()
