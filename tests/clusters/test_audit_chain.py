"""The audit trail shows tampering: hash chain per province, append-only trigger, no lost authors."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation

from clusters import accounts, audit, services
from clusters.audit import verify_chain
from clusters.chain import GENESIS
from clusters.history import event_label
from clusters.models import AuditChainCheck, AuditChainHead, AuditEvent, Role, User
from documents.models import Document
from tests import pdfcheck
from tests.clusters.helpers import run_check_from_page
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _events(cast, n=5):
    for i in range(n):
        audit.record(actor=cast.admin, action="unit.noted", obj=cast.unit_a, data={"i": i}, reason=f"lần {i}")
    return list(AuditEvent.objects.filter(province=cast.province).order_by("seq"))


def _sql(statement, params=()):
    with connection.cursor() as cur:
        cur.execute(statement, params)


def _drop_trigger():
    # DDL is transactional on PostgreSQL: the test's rollback puts the trigger back.
    _sql("DROP TRIGGER clusters_audit_append_only ON clusters_auditevent")


def test_events_are_numbered_and_linked_per_province(cast):
    events = _events(cast, 4)
    services.cluster_create(
        province=cast.other_province, kind="cum", code="khac", name="Cụm khác", actor=cast.other
    )
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    other = AuditEvent.objects.get(province=cast.other_province, action="cluster.created")
    assert other.seq == AuditEvent.objects.filter(province=cast.other_province).count()
    head = AuditChainHead.objects.get(key=str(cast.province.pk))
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)
    check = verify_chain(cast.province.pk)
    assert check.ok and check.count == len(events) and check.head.hash == events[-1].hash


def test_decimal_dates_and_int_keys_in_data_hash_the_same_after_the_round_trip(cast):
    from decimal import Decimal

    audit.record(
        actor=cast.admin,
        action="test.data",
        obj=cast.province,
        data={"score": Decimal("92.58"), 7: "bảy", "on": datetime.date(2024, 2, 28), "list": (1, 2)},
    )
    assert verify_chain(cast.province.pk).ok


def test_chain_check_against_a_printed_head(cast):
    events = _events(cast, 3)
    assert verify_chain(cast.province.pk, expect=(events[1].seq, events[1].hash)).ok
    check = verify_chain(cast.province.pk, expect=(events[1].seq, "f" * 64))
    assert not check.ok and check.broken_seq == events[1].seq and check.code == "paper"
    assert not verify_chain(cast.province.pk, expect=(events[-1].seq + 5, "a" * 64)).ok


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE clusters_auditevent SET reason = 'sửa' WHERE id = %s",
        "UPDATE clusters_auditevent SET actor_id = NULL WHERE id = %s",
        "DELETE FROM clusters_auditevent WHERE id = %s",
        # reordering: move an event to another place in the chain
        "UPDATE clusters_auditevent SET seq = seq + 1000 WHERE id = %s",
    ],
)
def test_editing_deleting_or_reordering_an_event_through_sql_is_refused(cast, statement):
    event = _events(cast, 2)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash
    assert verify_chain(cast.province.pk).ok


@pytest.mark.postgres
def test_with_the_trigger_dropped_an_edit_is_named_by_the_chain_check(cast):
    events = _events(cast, 5)
    _drop_trigger()
    _sql("UPDATE clusters_auditevent SET reason = 'đã sửa' WHERE id = %s", [events[2].pk])
    check = verify_chain(cast.province.pk)
    assert not check.ok
    assert (check.broken_seq, check.broken_id) == (events[2].seq, events[2].pk)
    assert check.code == "content" and check.problem


@pytest.mark.postgres
def test_with_the_trigger_dropped_a_deleted_event_is_named(cast):
    events = _events(cast, 5)
    _drop_trigger()
    _sql("DELETE FROM clusters_auditevent WHERE id = %s", [events[1].pk])
    check = verify_chain(cast.province.pk)
    assert not check.ok and check.broken_id == events[2].pk and check.code == "missing"


@pytest.mark.postgres
def test_with_the_trigger_dropped_swapped_events_are_named(cast):
    events = _events(cast, 5)
    _drop_trigger()
    a, b = events[1], events[3]
    _sql("UPDATE clusters_auditevent SET seq = 0 WHERE id = %s", [a.pk])
    _sql("UPDATE clusters_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _sql("UPDATE clusters_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    check = verify_chain(cast.province.pk)
    assert not check.ok and check.broken_seq == a.seq and check.broken_id == b.pk


@pytest.mark.postgres
def test_with_the_trigger_dropped_cutting_the_end_of_the_chain_is_noticed(cast):
    events = _events(cast, 4)
    _drop_trigger()
    _sql("DELETE FROM clusters_auditevent WHERE id = %s", [events[-1].pk])
    check = verify_chain(cast.province.pk)
    assert not check.ok and check.broken_seq == events[-1].seq and check.code == "truncated"


@pytest.mark.postgres
def test_a_rewritten_whole_chain_is_caught_against_the_printed_head(cast):
    events = _events(cast, 3)
    printed = (events[1].seq, events[1].hash)
    _drop_trigger()
    # a superuser rewrites an event and recomputes every later link and the head
    from clusters.chain import event_hash

    prev = events[0].hash
    for e in events[1:]:
        e.reason = "viết lại" if e.pk == events[1].pk else e.reason
        digest = event_hash(
            province_id=e.province_id,
            seq=e.seq,
            prev_hash=prev,
            at=e.at,
            actor_id=e.actor_id,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            data=e.data,
            reason=e.reason,
        )
        _sql(
            "UPDATE clusters_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [e.reason, prev, digest, e.pk],
        )
        prev = digest
    _sql("DROP TRIGGER clusters_audit_head_forward ON clusters_auditchainhead")
    AuditChainHead.objects.filter(key=str(cast.province.pk)).update(hash=prev)
    assert verify_chain(cast.province.pk).ok  # internally consistent…
    check = verify_chain(cast.province.pk, expect=printed)  # …but not what the paper says
    assert not check.ok and check.broken_seq == printed[0]


def test_command_names_the_first_broken_link_and_exits_1(cast):
    _events(cast, 3)
    out = io.StringIO()
    call_command("verify_audit_chain", province=cast.province.code, stdout=out)
    assert "intact" in out.getvalue() or "nguyên vẹn" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit_chain", province=cast.province.code, expect=f"2:{'0' * 64}", stdout=out)
    assert exited.value.code == 1
    assert "#2" in out.getvalue()


def test_users_are_never_deleted_and_the_refusal_is_in_vietnamese(cast):
    _events(cast, 1)
    with translation.override("vi"):
        with pytest.raises(ValidationError) as refused:
            cast.admin.delete()
        assert "ngừng kích hoạt" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        User.objects.filter(pk=cast.staff_a.pk).delete()
    assert User.objects.filter(pk__in=[cast.admin.pk, cast.staff_a.pk]).count() == 2
    assert AuditEvent.objects.filter(actor=cast.admin).exists()


@pytest.mark.postgres
def test_deleting_a_user_through_sql_is_refused_by_the_database(cast):
    _events(cast, 1)
    fresh = make_user("nobody", province=cast.province, unit=cast.unit_a, roles=[])
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        _sql("DELETE FROM clusters_user WHERE id = %s", [fresh.pk])
    assert User.objects.filter(pk=fresh.pk).exists()


def test_province_admin_deactivates_an_account_and_it_is_audited(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("clusters:user_active", args=[cast.staff_a.pk]), {"active": "0"})
    assert response.status_code == 302
    cast.staff_a.refresh_from_db()
    assert not cast.staff_a.is_active
    assert AuditEvent.objects.filter(action="user.deactivated", object_id=str(cast.staff_a.pk)).exists()
    page = client.get(reverse("clusters:user_list")).content.decode()
    assert reverse("clusters:audit_chain") in page
    # the Django admin offers no deletion of accounts
    cast.admin.is_staff = True
    cast.admin.save()
    assert client.get(reverse("admin:clusters_user_delete", args=[cast.staff_b.pk])).status_code in (403, 302)
    assert User.objects.filter(pk=cast.staff_b.pk).exists()


def test_deactivating_needs_the_province_admin_of_the_same_province(client, cast):
    client.force_login(cast.staff_b)
    assert (
        client.post(reverse("clusters:user_active", args=[cast.staff_a.pk]), {"active": "0"}).status_code
        == 403
    )
    other_admin = make_user("admin2", province=cast.other_province, roles=[Role.PROVINCE_ADMIN])
    client.force_login(other_admin)
    assert (
        client.post(reverse("clusters:user_active", args=[cast.staff_a.pk]), {"active": "0"}).status_code
        == 404
    )
    cast.staff_a.refresh_from_db()
    assert cast.staff_a.is_active


def test_chain_page_shows_the_head_and_only_for_province_admins(client, cast):
    events = _events(cast, 3)
    client.force_login(cast.staff_a)
    assert client.get(reverse("clusters:audit_chain")).status_code == 403
    assert client.post(reverse("clusters:audit_chain")).status_code == 403
    client.force_login(cast.admin)
    page = run_check_from_page(client)
    # the head checked is the request itself, recorded right after the last event
    head = AuditEvent.objects.get(province=cast.province, action="audit_chain.check_requested")
    assert head.seq == events[-1].seq + 1
    assert head.hash in page and 'class="alert alert-success"' in page
    page = run_check_from_page(client, {"seq": events[0].seq, "hash": "a" * 64})
    assert 'class="alert alert-danger"' in page
    assert not AuditChainCheck.objects.filter(requested_by=cast.staff_a).exists()


@pytest.mark.postgres
def test_chain_page_names_the_first_broken_event_in_vietnamese_not_its_code(client, cast):
    _events(cast, 2)
    accounts.user_set_active(user=cast.staff_a, active=False, actor=cast.admin)
    broken = AuditEvent.objects.get(action="user.deactivated")
    _drop_trigger()
    _sql("UPDATE clusters_auditevent SET data = '{\"x\": 1}' WHERE id = %s", [broken.pk])
    client.force_login(cast.admin)
    with translation.override("vi"):
        page = run_check_from_page(client, HTTP_ACCEPT_LANGUAGE="vi")
        label = str(event_label(broken))
    assert 'class="alert alert-danger"' in page
    assert f"{broken.seq}" in page and label in page and label != broken.action
    assert broken.action not in page
    assert "nội dung của nó đã bị sửa sau khi được ghi" in page  # worded in the reader's language


@pytest.mark.poppler
def test_year_end_summary_prints_the_chain_head(cast):
    from yearend.documents import render_summary

    events = _events(cast, 2)
    doc = Document(
        province=cast.province,
        key="t",
        kind="yearend_summary",
        params={"cluster_year_id": cast.year.pk},
        title="t",
    )
    pdf, _name = render_summary(doc, lambda p: None)
    path = pdfcheck.save(pdf, "yearend-summary-chain-head.pdf")
    pdfcheck.assert_decree30_layout(path)
    whole = " ".join(pdfcheck.text(path).split())
    head = events[-1]
    assert f"sự kiện số {head.seq}" in whole
    assert head.hash[:16] in whole and head.hash[48:] in whole
