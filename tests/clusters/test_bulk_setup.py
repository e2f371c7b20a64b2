"""Bulk set-up by spreadsheet: every row's fate, one atomic apply, round trip, refusals."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from clusters.bulk import apply as bulk
from clusters.bulk import export, reader
from clusters.models import AuditEvent, Cluster, ClusterYear, MemberRole, Membership, Role, Stage, Unit, User
from tests.clusters.bulk_workbooks import province_rows, workbook
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons are matched in English here; the Vietnamese ones are checked by name below."""
    with translation.override("en"):
        yield


UNITS = [
    ["hd-vinh-bao", "Huyện Vĩnh Bảo", "Vĩnh Bảo", "huyện", "", "Nguyễn Văn A", ""],
    ["xa-tan-hung", "Xã Tân Hưng", "Tân Hưng", "xã", "hd-vinh-bao", "", ""],
    ["xa-vinh-an", "Xã Vĩnh An", "Vĩnh An", "Xã", "hd-vinh-bao", "", ""],
]
CLUSTERS = [["cum-vb", "Cụm thi đua các xã", "cụm", "UBND huyện Vĩnh Bảo", "Vĩnh Bảo", ""]]
MEMBERS = [
    [2026, "cum-vb", "xa-tan-hung", "trưởng cụm"],
    [2026, "cum-vb", "xa-vinh-an", "phó trưởng cụm"],
    [2026, "cum-vb", "hd-vinh-bao", "thành viên"],
]
ACCOUNTS = [
    ["tk-tan-hung", "Lê Thị Hoa", "hoa@example.vn", "xa-tan-hung", "Chuyên viên", "thư ký cụm, cán bộ đơn vị"]
]


def fates(plan, sheet):
    return [r.fate for r in plan.rows[sheet]]


def errors(plan, sheet):
    return [e for r in plan.rows[sheet] for e in r.errors]


def full():
    return workbook(units=UNITS, clusters=CLUSTERS, members=MEMBERS, accounts=ACCOUNTS)


def test_a_new_setup_is_previewed_row_by_row_then_applied_at_once(cast):
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=full())
    assert plan.ok and fates(plan, "units") == ["new"] * 3 and fates(plan, "accounts") == ["new"]
    assert Unit.objects.filter(code="xa-tan-hung").count() == 0  # a preview writes nothing
    before = AuditEvent.objects.count()
    with pytest.MonkeyPatch.context():
        bulk.apply(province=cast.province, actor=cast.admin, data=full(), digest=plan.digest())
    commune = Unit.objects.get(province=cast.province, code="xa-tan-hung")
    assert commune.parent.code == "hd-vinh-bao" and commune.kind == "xa"
    cy = ClusterYear.objects.get(cluster__code="cum-vb", year=2026)
    assert dict(cy.memberships.values_list("unit__code", "role")) == {
        "xa-tan-hung": MemberRole.HEAD,
        "xa-vinh-an": MemberRole.DEPUTY,
        "hd-vinh-bao": MemberRole.MEMBER,
    }
    user = User.objects.get(username="tk-tan-hung")
    assert user.province == cast.province and user.unit == commune and not user.has_usable_password()
    assert user.role_codes == {Role.CLUSTER_SECRETARY, Role.UNIT_STAFF}
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions[0] == "bulk_setup.applied"
    assert actions.count("unit.created") == 3 and actions.count("membership.added") == 3
    assert "user.created" in actions and "cluster.created" in actions and "cluster_year.created" in actions


def test_new_accounts_get_a_link_to_choose_their_password_never_a_password(
    cast, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulk.apply(province=cast.province, actor=cast.admin, data=full())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hoa@example.vn"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Hoa-Tan-Hung-2026!", "new_password2": "Hoa-Tan-Hung-2026!"},
    )
    assert done.status_code == 302
    assert User.objects.get(username="tk-tan-hung").check_password("Hoa-Tan-Hung-2026!")
    again = client.get("/" + path, follow=True)  # the link works once
    assert "validlink" in again.context and not again.context["validlink"]


def test_export_then_import_is_all_unchanged(cast):
    bulk.apply(province=cast.province, actor=cast.admin, data=full())
    data = export.export(cast.province, 2026)
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=data)
    assert plan.ok, [(r.sheet, r.number, r.errors) for rows in plan.rows.values() for r in rows if r.errors]
    assert plan.change_count == 0 and plan.count("unchanged") == sum(len(r) for r in plan.rows.values())
    assert len(plan.rows["units"]) == Unit.objects.filter(province=cast.province).count()
    assert len(plan.rows["accounts"]) == User.objects.filter(province=cast.province).count()


def test_the_template_reads_as_an_empty_setup(cast):
    sheets = reader.read(export.template())
    assert set(sheets) == {"units", "clusters", "members", "accounts"} and not any(sheets.values())


def test_changes_are_shown_old_to_new_and_a_named_head_replaces_the_old_one(cast):
    bulk.apply(province=cast.province, actor=cast.admin, data=full())
    units = [UNITS[0], ["xa-tan-hung", "Xã Tân Hưng Mới", "Tân Hưng", "xã", "hd-vinh-bao", "", ""]]
    members = [[2026, "cum-vb", "hd-vinh-bao", "trưởng cụm"]]
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=workbook(units=units, members=members))
    assert fates(plan, "units") == ["unchanged", "changed"]
    assert ("Tên đơn vị", "Xã Tân Hưng", "Xã Tân Hưng Mới") in plan.rows["units"][1].changes
    assert fates(plan, "members") == ["changed"] and plan.rows["members"][0].notes
    bulk.apply(province=cast.province, actor=cast.admin, data=workbook(units=units, members=members))
    cy = ClusterYear.objects.get(cluster__code="cum-vb", year=2026)
    assert cy.memberships.get(role=MemberRole.HEAD).unit.code == "hd-vinh-bao"
    assert cy.memberships.get(unit__code="xa-tan-hung").role == MemberRole.MEMBER
    assert Unit.objects.get(code="xa-tan-hung", province=cast.province).name == "Xã Tân Hưng Mới"


@pytest.mark.parametrize(
    ("sheets", "sheet", "reason"),
    [
        ({"units": [["x1", "Xã Một", "", "xã", "", "", "tinh-khac"]]}, "units", "only your own province"),
        ({"units": [["x1", "Xã Một", "", "làng", "", "", ""]]}, "units", "unknown type"),
        ({"units": [["x 1", "Xã Một", "", "xã", "", "", ""]]}, "units", "letters without accents"),
        (
            {"units": [["x1", "Xã", "", "xã", "", "", ""], ["x1", "Xã", "", "xã", "", "", ""]]},
            "units",
            "row 2",
        ),
        (
            {"units": [["x1", "Xã Một", "", "xã", "x2", "", ""], ["x2", "Xã Hai", "", "xã", "", "", ""]]},
            "units",
            "not a district",
        ),
        ({"units": [["x1", '=HYPERLINK("http://x")', "", "xã", "", "", ""]]}, "units", "formula"),
        ({"members": [["2.026", "cum-x", "x1", "thành viên"]]}, "members", "four digits"),
        ({"members": [[2026, "cum-x", "x1", "thành viên"]]}, "members", "no cluster"),
        ({"accounts": [["new-one", "Người Mới", "", "", "", "quản trị tỉnh"]]}, "accounts", "e-mail"),
        ({"accounts": [["new-one", "Người Mới", "a@b.vn", "", "", "thư ký cụm"]]}, "accounts", "unit's code"),
        ({"accounts": [["new-one", "Người Mới", "a@b.vn", "", "", "vua"]]}, "accounts", "unknown role"),
        (
            {"accounts": [["other", "Người Khác", "a@b.vn", "", "", "quản trị tỉnh"]]},
            "accounts",
            "outside your province",
        ),
        (
            {"accounts": [["admin", "Admin", "a@b.vn", "", "", "cán bộ đơn vị"]]},
            "accounts",
            "your own province admin",
        ),
    ],
)
def test_a_bad_row_is_an_error_with_its_reason_and_nothing_is_applied(cast, sheets, sheet, reason):
    data = workbook(**sheets)
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=data)
    assert not plan.ok and any(reason in e for e in errors(plan, sheet)), errors(plan, sheet)
    count = Unit.objects.count()
    with pytest.raises(ValidationError):
        bulk.apply(province=cast.province, actor=cast.admin, data=data)
    assert Unit.objects.count() == count


def test_another_provinces_unit_cannot_be_named_as_a_member(cast):
    code = cast.other_units[0].code
    data = workbook(clusters=CLUSTERS, members=[[2026, "cum-vb", code, "thành viên"]])
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=data)
    assert any("belongs to another province" in e for e in errors(plan, "members"))


def test_two_heads_for_one_year_and_a_closed_year_are_errors(cast):
    bulk.apply(province=cast.province, actor=cast.admin, data=full())
    two = [[2026, "cum-vb", "xa-vinh-an", "trưởng cụm"], [2026, "cum-vb", "hd-vinh-bao", "trưởng cụm"]]
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=workbook(members=two))
    assert fates(plan, "members") == ["changed", "error"]
    ClusterYear.objects.filter(cluster__code="cum-vb", year=2026).update(stage=Stage.CLOSED)
    plan = bulk.preview(
        province=cast.province,
        actor=cast.admin,
        data=workbook(members=MEMBERS[:1] + [[2026, "cum-vb", "x", "thành viên"]]),
    )
    assert any("closed" in e for e in errors(plan, "members"))


def test_a_unit_that_ceased_to_exist_before_the_year_cannot_be_a_member(cast):
    import datetime

    cast.unit_b.ended_on = datetime.date(2025, 7, 1)  # merged on 01/07/2025
    cast.unit_b.save()
    cast.unit_a.started_on = datetime.date(2027, 1, 1)
    cast.unit_a.save()
    rows = [
        [2026, "cum-vb", cast.unit_b.code, "thành viên"],
        [2026, "cum-vb", cast.unit_a.code, "thành viên"],
    ]
    plan = bulk.preview(
        province=cast.province, actor=cast.admin, data=workbook(clusters=CLUSTERS, members=rows)
    )
    assert fates(plan, "members") == ["error", "error"]
    assert any("ceased to exist on 01/07/2025" in e for e in errors(plan, "members"))
    assert any("exists only from 01/01/2027" in e for e in errors(plan, "members"))
    rows = [[2025, "cum-vb", cast.unit_b.code, "thành viên"]]  # still existed during 2025
    plan = bulk.preview(
        province=cast.province, actor=cast.admin, data=workbook(clusters=CLUSTERS, members=rows)
    )
    assert fates(plan, "members") == ["new"]


def test_one_bad_row_among_many_leaves_everything_as_it_was(cast):
    data = workbook(
        units=UNITS, clusters=CLUSTERS, members=MEMBERS + [[2026, "cum-vb", "nowhere", "thành viên"]]
    )
    with pytest.raises(ValidationError):
        bulk.apply(province=cast.province, actor=cast.admin, data=data)
    assert (
        not Unit.objects.filter(code="hd-vinh-bao").exists()
        and not Cluster.objects.filter(code="cum-vb").exists()
    )


def test_apply_refuses_when_the_province_changed_since_the_preview(cast):
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=full())
    Unit.objects.create(province=cast.province, code="hd-vinh-bao", kind="huyen", name="Khác")
    with pytest.raises(ValidationError, match="changed since the preview"):
        bulk.apply(province=cast.province, actor=cast.admin, data=full(), digest=plan.digest())
    assert not Membership.objects.filter(cluster_year__cluster__code="cum-vb").exists()


@pytest.mark.parametrize("who", ["secretary", "staff_a", "other"])
def test_only_the_province_admin_sets_up_their_province(cast, who):
    with pytest.raises(PermissionDenied):
        bulk.preview(province=cast.province, actor=getattr(cast, who), data=full())
    with pytest.raises(PermissionDenied):
        bulk.apply(province=cast.province, actor=getattr(cast, who), data=full())


def test_the_pages_walk_upload_preview_apply(cast, client):
    client.login(username="admin", password=PASSWORD)
    assert client.get(reverse("clusters:bulk_setup")).status_code == 200
    template = client.get(reverse("clusters:bulk_template"))
    assert template["Content-Type"].startswith("application/vnd.openxml")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("thiet-lap.xlsx", full())
    page = client.post(reverse("clusters:bulk_preview"), {"file": upload})
    assert page.status_code == 200 and page.context["plan"].ok
    token, digest = page.context["token"], page.context["digest"]
    done = client.post(reverse("clusters:bulk_apply"), {"token": token, "digest": digest})
    assert done.status_code == 302 and Unit.objects.filter(code="xa-vinh-an").exists()
    # the stored upload is gone: a replayed apply finds nothing
    assert client.post(reverse("clusters:bulk_apply"), {"token": token, "digest": digest}).status_code == 404
    exported = client.get(reverse("clusters:bulk_export"), {"year": 2026})
    members = Membership.objects.filter(
        cluster_year__cluster__province=cast.province, cluster_year__year=2026
    )
    assert exported.status_code == 200 and len(reader.read(exported.content)["members"]) == members.count()


def test_the_preview_lists_what_changes_and_only_counts_the_unchanged_rows(cast, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bulk.apply(province=cast.province, actor=cast.admin, data=full())
    units = [UNITS[0], ["xa-tan-hung", "Xã Tân Hưng Mới", "Tân Hưng", "xã", "hd-vinh-bao", "", ""]]
    client.login(username="admin", password=PASSWORD)
    upload = SimpleUploadedFile("thiet-lap.xlsx", workbook(units=units))
    page = client.post(reverse("clusters:bulk_preview"), {"file": upload})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Xã Tân Hưng Mới" in html and 'class="fate-changed"' in html
    assert 'class="fate-unchanged"' not in html and "1 dòng không đổi không được liệt kê." in html


def test_a_non_workbook_and_other_users_are_refused_at_the_door(cast, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.login(username="admin", password=PASSWORD)
    page = client.post(reverse("clusters:bulk_preview"), {"file": SimpleUploadedFile("a.xlsx", b"%PDF-1.4")})
    assert page.status_code == 200 and page.context["form"].errors
    client.login(username="secretary", password=PASSWORD)
    assert client.get(reverse("clusters:bulk_setup")).status_code == 403
    assert client.get(reverse("clusters:bulk_export")).status_code == 403


def test_the_preview_costs_the_same_number_of_queries_at_any_size(cast, django_assert_max_num_queries):
    small = workbook(**province_rows("p", n_units=20, n_clusters=3, year=2026))
    large = workbook(**province_rows("p", n_units=200, n_clusters=20, year=2026))
    for data in (small, large):
        with django_assert_max_num_queries(12):
            bulk.preview(province=cast.province, actor=cast.admin, data=data)
