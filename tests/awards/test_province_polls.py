"""Province-level polls: the province admin opens a poll of the province council (its roster as
electorate) over the nominations that came from all the province's clusters; the same sealed
ballots, receipts, count and record as a cluster's poll."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards import province_minutes, selectors, services
from awards.models import Ballot, CouncilRole, Nomination, PollCandidate, PollStatus
from clusters.models import AuditEvent, ClusterYear, Role, Stage
from documents.models import Document
from tests import pdfcheck
from tests.awards.helpers import award_types, leaders, open_poll, rule, window
from tests.factories import PASSWORD, ClusterFactory, ProvinceFactory, make_user, make_year

pytestmark = pytest.mark.django_db


def _nominated_cluster(province, i, award):
    """A cluster year of 2025 that voted on paper and published one nomination for `award`."""
    cy, units = make_year(
        province=province,
        n_members=3,
        year=2025,
        stage=Stage.VOTING,
        cluster=ClusterFactory(province=province, name=f"Cụm {i}"),
    )
    sec = make_user(f"sec{i}", province=province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    rule(cy, award)
    poll = open_poll(cy, award, candidates=units, voters=leaders(province, units, prefix=f"l{i}"), actor=sec)
    ids = {c.unit_id: c.pk for c in poll.candidates.all()}
    services.poll_close_paper(
        poll=poll, actor=sec, issued=3, received=3, invalid=0, votes={ids[units[i % 3].pk]: 3}
    )
    services.poll_publish(poll=poll, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    return Nomination.objects.get(poll=poll)


@pytest.fixture
def province_vote():
    province = ProvinceFactory(name="Thành phố Hải Phòng", place_name="Hải Phòng")
    flag = award_types(province)["co-chinh-phu"]
    nominations = [_nominated_cluster(province, i, flag) for i in range(5)]
    admin = make_user("padmin", province=province, roles=[Role.PROVINCE_ADMIN])
    council = [make_user(f"hd{i}", province=province, roles=[Role.COUNCIL_MEMBER]) for i in range(9)]
    seats = [
        {"user": u, "role": CouncilRole.CHAIR if i == 0 else CouncilRole.MEMBER}
        for i, u in enumerate(council)
    ]
    services.council_save(province=province, year=2025, seats=seats, actor=admin)
    return province, flag, nominations, admin, council


def _open(province_vote, voters=None, actor=None, **kw):
    province, flag, nominations, admin, council = province_vote
    opens, closes = window()
    return services.province_poll_open(
        province=province,
        year=2025,
        award_type=flag,
        title="",
        opens_at=opens,
        closes_at=closes,
        voters=council[:8] if voters is None else voters,  # the ninth member is away
        nominations=nominations,
        seats=2,
        actor=actor or admin,
        **kw,
    )


def test_a_province_poll_over_nominations_from_five_clusters(province_vote, client):
    province, flag, nominations, admin, council = province_vote
    assert len({n.cluster_year.cluster_id for n in nominations}) == 5
    poll = _open(province_vote)
    assert poll.is_province_poll and poll.province_id == province.pk and poll.year == 2025
    assert (poll.statutory_size, poll.electors.count(), poll.quota) == (9, 8, 2)
    cands = {c.nomination_id: c for c in poll.candidates.all()}
    assert set(cands) == {n.pk for n in nominations}
    # the ballot page, as a council member
    client.login(username="hd1", password=PASSWORD)
    url = reverse("awards:vote", args=[poll.pk])
    assert client.get(url).status_code == 200
    first, second = cands[nominations[0].pk], cands[nominations[3].pk]
    answer = client.post(url, {"step": "cast", "candidate": [first.pk, second.pk]})
    assert answer.status_code == 200
    receipts = [services.ballot_cast(poll=poll, actor=u, candidate_ids=[first.pk]) for u in council[2:7]]
    services.ballot_cast(poll=poll, actor=council[7], candidate_ids=[second.pk])
    with pytest.raises(PermissionDenied):
        services.poll_close(
            poll=poll, actor=nominations[0].poll.created_by, reason="Đã hết thời gian theo kế hoạch"
        )  # a cluster's secretary
    services.poll_close(poll=poll, actor=admin, reason="Đã hết thời gian theo kế hoạch")
    poll.refresh_from_db()
    votes = {c.nomination_id: c.votes for c in PollCandidate.objects.filter(poll=poll)}
    assert (votes[nominations[0].pk], votes[nominations[3].pk]) == (6, 2)
    assert poll.participation_count == 7 and poll.quorum_met  # 7 of 9 >= 2/3
    proposed = set(
        PollCandidate.objects.filter(poll=poll, proposed=True).values_list("nomination_id", flat=True)
    )
    assert proposed == {nominations[0].pk}  # 6/9 > 1/2; 2/9 is not
    services.poll_publish(poll=poll, actor=admin, reason="Đã hết thời gian theo kế hoạch")
    poll.refresh_from_db()
    assert poll.status == PollStatus.PUBLISHED
    assert Nomination.objects.count() == 5  # the clusters' nominations; no new ones
    for code in receipts:
        found = selectors.receipt_check(code)
        assert found is not None and found[0].pk == poll.pk and found[1] is True
    assert len(selectors.counted_receipts(poll)) == 7
    assert Ballot.objects.filter(poll=poll).count() == 7
    assert {f.name for f in Ballot._meta.get_fields()} <= {"id", "poll", "abstain", "voter_name", "choices"}
    assert AuditEvent.objects.filter(
        action="poll.published", object_id=str(poll.pk), province_id=province.pk
    ).exists()
    client.login(username="padmin", password=PASSWORD)
    page = client.get(reverse("awards:poll", args=[poll.pk]))
    assert page.status_code == 200


def test_only_the_province_admin_opens_it_and_only_council_members_on_the_roster_vote(province_vote):
    province, flag, nominations, admin, council = province_vote
    sec = nominations[0].poll.created_by
    with pytest.raises(PermissionDenied):  # a cluster's secretary
        _open(province_vote, actor=sec)
    stranger = make_user("stranger", province=province, roles=[Role.COUNCIL_MEMBER])
    with pytest.raises(ValidationError):
        _open(province_vote, voters=[*council[:3], stranger])
    other = ProvinceFactory()
    other_admin = make_user("oadmin", province=other, roles=[Role.PROVINCE_ADMIN])
    with pytest.raises(PermissionDenied):
        _open(province_vote, actor=other_admin)
    poll = _open(province_vote)
    with pytest.raises(ValidationError):
        _open(province_vote)  # one poll per award and year
    assert poll.electors.filter(user=stranger).count() == 0


def test_a_province_poll_without_quorum_gets_a_second_round(province_vote):
    province, flag, nominations, admin, council = province_vote
    poll = _open(province_vote)
    ids = [c.pk for c in poll.candidates.all()]
    services.poll_close_paper(poll=poll, actor=admin, issued=5, received=5, invalid=0, votes={ids[0]: 5})
    poll.refresh_from_db()
    assert poll.quorum_met is False  # 5 of 9 < 2/3
    opens, closes = window()
    second = services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=admin)
    assert second.is_province_poll and second.council_year == 2025 and second.quota == 2
    assert set(second.candidates.values_list("nomination_id", flat=True)) == {n.pk for n in nominations}


def test_nominations_of_another_year_or_award_are_refused(province_vote):
    province, flag, nominations, admin, council = province_vote
    other = award_types(province)["co-thanh-pho"]
    with pytest.raises(ValidationError):
        services.province_poll_open(
            province=province,
            year=2025,
            award_type=other,
            title="",
            opens_at=window()[0],
            closes_at=window()[1],
            voters=council,
            nominations=nominations,
            seats=1,
            actor=admin,
        )
    with pytest.raises(ValidationError):
        services.province_poll_open(
            province=province,
            year=2024,
            award_type=flag,
            title="",
            opens_at=window()[0],
            closes_at=window()[1],
            voters=council,
            nominations=nominations,
            seats=1,
            actor=admin,
        )
    assert not ClusterYear.objects.filter(year=2024).exists()


@pytest.mark.poppler
def test_the_province_council_minutes_show_every_round_like_a_clusters(province_vote):
    province, flag, nominations, admin, council = province_vote
    poll = _open(province_vote)
    ids = {c.nomination_id: c.pk for c in poll.candidates.all()}
    services.poll_close_paper(
        poll=poll, actor=admin, issued=5, received=5, invalid=0, votes={ids[nominations[0].pk]: 5}
    )  # 5 of 9: no quorum
    opens, closes = window()
    second = services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=admin)
    ids = {c.nomination_id: c.pk for c in second.candidates.all()}
    services.poll_close_paper(
        poll=second, actor=admin, issued=9, received=9, invalid=1, votes={ids[nominations[2].pk]: 7}
    )
    services.poll_publish(poll=second, actor=admin, reason="Đã hết thời gian theo kế hoạch")
    doc = Document(
        province=province,
        key="t-prov",
        kind=province_minutes.PROVINCE_MINUTES,
        title="t",
        params={"province_id": province.pk, "year": 2025},
    )
    pdf, _name = province_minutes.render(doc, lambda p: None)
    path = pdfcheck.save(pdf, "awards-province-minutes.pdf")
    pdfcheck.assert_decree30_layout(path)
    text = " ".join(pdfcheck.text(path).split())
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in text.upper()
    assert "bỏ phiếu lại lần 1 (lần trước không đủ số thành viên tham gia theo quy định)" in text
    assert "Số phiếu phát ra: 9; số phiếu thu về: 9; số phiếu hợp lệ: 8; số phiếu không hợp lệ: 1" in text
    assert "tổng số thành viên hội đồng (9)" in text and "Cụm 2" in text
    assert province_minutes.can_request(admin, doc) and not province_minutes.can_request(council[1], doc)
    assert province_minutes.can_view(council[1], doc)
