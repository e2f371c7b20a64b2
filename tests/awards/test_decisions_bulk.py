"""Decisions in bulk: many nominations, one decision, one atomic and audited action, by the
province admin of their province only, never on a dossier the cluster has not submitted."""

import datetime
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services
from awards.models import Decision, Nomination
from clusters.models import AuditEvent
from tests.awards.helpers import nominated_clusters

URL = reverse("awards:decisions_bulk")
DAY = datetime.date(2027, 1, 15)


def _post(client, ids, **extra):
    data = {
        "nominations": [str(i) for i in ids],
        "number": "125/QĐ-UBND",
        "date": "15/01/2027",
        "signer": "Nguyễn Văn Tùng",
        "outcome": "approved",
        **extra,
    }
    return client.post(URL, data)


def test_sixty_decisions_in_one_form(client, cast):
    types, _years = nominated_clusters(cast)
    ids = list(Nomination.objects.values_list("pk", flat=True))
    assert len(ids) == 60
    client.force_login(cast.admin)
    page = client.get(URL)
    assert page.status_code == 200 and page.content.decode().count('name="nominations"') == 60
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        r = _post(client, ids)
    seconds = time.perf_counter() - started
    assert r.status_code == 302, r.content.decode()[:2000]
    print(f"\n60 decisions: 1 form, {seconds:.2f} s, {len(queries)} queries")
    # about 15 a decision: the row, its audit link, and the unit and the secretary told
    assert len(queries) < 60 * 16
    assert seconds < 20
    decisions = Decision.objects.all()
    assert decisions.count() == 60
    assert {(d.number, d.date, d.signer, d.outcome) for d in decisions} == {
        ("125/QĐ-UBND", DAY, "Nguyễn Văn Tùng", "approved")
    }
    events = AuditEvent.objects.filter(action="nomination.decided")
    assert events.count() == 60 and all(e.data["source"] == "bulk" for e in events)
    assert {e.object_id for e in events} == {str(i) for i in ids}
    # the same decision again writes nothing
    assert (
        services.decisions_apply(
            nominations=ids,
            actor=cast.admin,
            number="125/QĐ-UBND",
            date=DAY,
            signer="Nguyễn Văn Tùng",
            outcome="approved",
        )
        == 0
    )
    assert AuditEvent.objects.filter(action="nomination.decided").count() == 60


def test_reduced_names_the_lower_award_everywhere(client, cast):
    types, years = nominated_clusters(cast, clusters=1, higher=2, lower=1)
    higher = list(Nomination.objects.filter(award_type=types["co-thanh-pho"]).values_list("pk", flat=True))
    client.force_login(cast.admin)
    r = _post(client, higher, outcome="reduced")  # no lower award chosen
    assert r.status_code == 200 and not Decision.objects.exists()
    r = _post(client, higher, outcome="reduced", granted_award=types["co-chinh-phu"].pk)  # a higher one
    assert r.status_code == 200 and not Decision.objects.exists()
    assert "thấp hơn" in r.content.decode()
    r = _post(client, higher, outcome="reduced", granted_award=types["bk-toan-dien"].pk)
    assert r.status_code == 302
    d = Decision.objects.select_related("granted_award").first()
    assert d.granted_award == types["bk-toan-dien"]
    assert d.outcome_text == "Được khen thưởng hình thức thấp hơn: Bằng khen toàn diện"
    cy = years[0]
    for url in (
        reverse("awards:year", args=[cy.pk]),
        reverse("awards:dossier", args=[cy.pk]),
        reverse("awards:cluster", args=[cy.cluster_id]),
        URL,
    ):
        assert (
            "Được khen thưởng hình thức thấp hơn: Bằng khen toàn diện" in client.get(url).content.decode()
        ), url
    unit = Nomination.objects.get(pk=higher[0]).unit
    history = client.get(reverse("yearend:unit_history", args=[unit.pk])).content.decode()
    assert "Được khen thưởng hình thức thấp hơn: Bằng khen toàn diện" in history
    from awards.selectors import decisions
    from yearend.models import Notification

    assert decisions(cy)[0]["outcome_label"] == "Được khen thưởng hình thức thấp hơn: Bằng khen toàn diện"
    told = Notification.objects.filter(kind="nomination.decided", user=years[0].secretary)
    assert told.count() == 2
    assert all("Được khen thưởng hình thức thấp hơn: Bằng khen toàn diện" in n.text for n in told)


def test_another_provinces_nomination_refuses_the_whole_action(client, cast):
    _types, _years = nominated_clusters(cast, clusters=1, higher=2, lower=2)
    mine = list(Nomination.objects.values_list("pk", flat=True))
    theirs = _other_province_nomination(cast)
    with pytest.raises(PermissionDenied):
        services.decisions_apply(
            nominations=[*mine, theirs.pk], actor=cast.admin, number="1/QĐ", date=DAY, outcome="approved"
        )
    client.force_login(cast.admin)
    assert _post(client, [*mine, theirs.pk]).status_code == 404
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action="nomination.decided").exists()


def _other_province_nomination(cast):
    from tests.awards.helpers import award_types, open_poll, rule, submit_dossier, to_voting, vote
    from tests.factories import make_user

    cy = to_voting(cast.other_year)
    t = award_types(cast.other_province)["bk-toan-dien"]
    head = cast.other_units[0]
    secretary = make_user("thuky_q", province=cast.other_province, unit=head, roles=["cluster_secretary"])
    rule(cy, t, actor=cast.other)
    poll = open_poll(cy, t, candidates=[head], voters=[cast.other], actor=secretary)
    vote(poll, cast.other, head)
    services.poll_publish(
        poll=services.poll_close(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch"),
        actor=secretary,
        reason="Đã hết thời gian theo kế hoạch",
    )
    submit_dossier(cy, secretary)
    return Nomination.objects.get(cluster_year=cy)


def test_only_the_province_admin(client, cast):
    _types, years = nominated_clusters(cast, clusters=1, higher=1, lower=1)
    ids = list(Nomination.objects.values_list("pk", flat=True))
    for user in (years[0].secretary, cast.council, cast.leader_a):
        with pytest.raises(PermissionDenied):
            services.decisions_apply(nominations=ids, actor=user, number="1/QĐ", date=DAY, outcome="approved")
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert _post(client, ids).status_code == 403
    client.force_login(cast.other)  # another province's admin sees none of ours
    assert _post(client, ids).status_code == 404
    assert not Decision.objects.exists()


def test_a_decision_needs_the_submitted_dossier(client, cast):
    _types, (done,) = nominated_clusters(cast, clusters=1, higher=1, lower=1)
    _types, (pending,) = nominated_clusters(cast, clusters=1, higher=1, lower=1, submit=False)
    ids = list(Nomination.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as err:
        services.decisions_apply(
            nominations=ids, actor=cast.admin, number="1/QĐ", date=DAY, outcome="approved"
        )
    text = " ".join(err.value.messages)
    assert "chưa gửi hồ sơ đề nghị khen thưởng" in text
    assert text.count("chưa gửi hồ sơ") == 2  # the two nominations of the cluster that has not sent it
    with pytest.raises(ValidationError, match="chưa gửi hồ sơ"):
        services.decision_record(
            nomination=Nomination.objects.filter(cluster_year=pending).first(),
            number="1/QĐ",
            date=DAY,
            outcome="approved",
            actor=cast.admin,
        )
    client.force_login(cast.admin)
    r = _post(client, ids)
    assert r.status_code == 200 and "chưa gửi hồ sơ" in r.content.decode()
    assert not Decision.objects.exists()
    ready = Nomination.objects.filter(cluster_year=done).values_list("pk", flat=True)
    assert _post(client, ready).status_code == 302
    assert Decision.objects.count() == 2


@pytest.mark.parametrize("clusters", [1, 3])
def test_bulk_page_query_count_is_constant(client, cast, django_assert_num_queries, clusters):
    nominated_clusters(cast, clusters=clusters, higher=2, lower=3)
    some = list(Nomination.objects.values_list("pk", flat=True)[:3])
    services.decisions_apply(nominations=some, actor=cast.admin, number="1/QĐ", date=DAY, outcome="approved")
    client.force_login(cast.admin)
    client.get(URL)
    with django_assert_num_queries(8):
        assert client.get(URL).status_code == 200
