"""A province of 300 units and 35 clusters set up from one workbook, on PostgreSQL, in time and
with a number of queries that does not grow with the rows."""

import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clusters.bulk import apply as bulk
from clusters.bulk import export
from clusters.models import AuditEvent, Cluster, MemberRole, Membership, Unit, User
from tests.clusters.bulk_workbooks import province_rows, workbook

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_300_units_and_35_clusters_in_one_upload_under_30_seconds(cast, django_capture_on_commit_callbacks):
    data = workbook(**province_rows(cast.province.code, n_units=300, n_clusters=35, year=2027))
    started = time.perf_counter()
    plan = bulk.preview(province=cast.province, actor=cast.admin, data=data)
    previewed = time.perf_counter() - started
    assert plan.ok and plan.count("new") == 300 + 35 + 300 + 35
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        bulk.apply(province=cast.province, actor=cast.admin, data=data, digest=plan.digest())
    seconds = time.perf_counter() - started
    print(
        f"\nbulk set-up 300 units / 35 clusters / 300 members / 35 accounts: preview {previewed:.2f} s, "
        f"preview + apply {seconds:.2f} s, apply {len(queries)} queries, {len(mail.outbox)} e-mails"
    )
    assert seconds < 30
    assert len(queries) < 60  # bulk writes: not one query per row
    assert Unit.objects.filter(province=cast.province).count() == 300 + 3
    assert Cluster.objects.filter(province=cast.province).count() == 35 + 1
    members = Membership.objects.filter(
        cluster_year__cluster__province=cast.province, cluster_year__year=2027
    )
    assert members.count() == 300 and members.filter(role=MemberRole.HEAD).count() == 35
    assert User.objects.filter(username__startswith="tk").count() == 35 and len(mail.outbox) == 35
    assert AuditEvent.objects.filter(province=cast.province, action="unit.created").count() == 300
    again = bulk.preview(province=cast.province, actor=cast.admin, data=export.export(cast.province, 2027))
    assert again.ok and again.change_count == 0  # round trip at size


def test_reasons_are_given_in_vietnamese(cast):
    data = workbook(units=[["x1", "Xã Một", "", "làng", "", "", "tinh-khac"]])
    with translation.override("vi"):
        plan = bulk.preview(province=cast.province, actor=cast.admin, data=data)
    assert set(plan.rows["units"][0].errors) == {
        "loại “làng” không hợp lệ",
        "đơn vị thuộc tỉnh “tinh-khac”: ở đây chỉ thiết lập được tỉnh của bạn",
    }
