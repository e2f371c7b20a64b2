"""The year summary page's rows built in Python (yearend.pagehtml) write what the template wrote,
escaped the same way; the page reads a fixed number of queries whatever the number of members,
signatures and bonus/deduction points."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from emulation.scoring.ranking import RankedUnit, RankingRow
from yearend import pagehtml

# the template's markup before the rows were built in Python
RANKING_TEMPLATE = """{% load i18n yearend_tags %}{% for r in ranking %}<tr><td>{{ r.rank }}</td><td>{% if can_see_units %}<a href="{% url 'yearend:unit_history' r.unit.pk %}">{{ r.unit_name }}</a>{% else %}{{ r.unit_name }}{% endif %}{% if not r.eligible %} <span class="badge text-bg-warning">{% trans "ineligible" %}</span>{% endif %}</td>
    {% for code, text, max in majors %}<td class="text-end">{{ r.by_major|get_item:code|points|default:"—" }}</td>{% endfor %}
    <td class="text-end">{{ r.bonus|points }}</td><td class="text-end">{{ r.deduction|points }}</td><td class="text-end"><strong>{{ r.total|points }}</strong></td></tr>{% endfor %}"""  # noqa: E501
SIGNATORIES_TEMPLATE = """{% for unit, leader, at in signatories %}<li>{{ unit }} – {{ leader }} ({{ at|date:"SHORT_DATE_FORMAT" }})</li>{% endfor %}"""  # noqa: E501


def _row(pk, name, rank, total, *, by_major, eligible=True, bonus="0", deduction="0"):
    return RankingRow(
        unit=RankedUnit(pk, f"u{pk}", name, name),
        unit_name=name,
        total=Decimal(total),
        rank=rank,
        eligible=eligible,
        ineligible_reason="",
        bonus=Decimal(bonus),
        deduction=Decimal(deduction),
        by_major=by_major,
    )


RANKING = [
    _row(
        7, 'Huyện <b>Cát Hải</b> & "Bắc"', 1, "1312.50", by_major={"1": Decimal("92.58"), "2": Decimal("0")}
    ),
    _row(
        8,
        "Xã Phú Lập 'x'",
        2,
        "80",
        by_major={"1": Decimal("80")},
        eligible=False,
        bonus="1.5",
        deduction="2",
    ),
    _row(9, "Phường Tân Lập", 2, "80", by_major={}),
]
MAJORS = [("1", "Kinh tế", Decimal(50)), ("2", "Xã <hội>", Decimal(50))]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("can_see_units", [True, False])
def test_ranking_rows_are_the_template_rows(language, can_see_units):
    with translation.override(language):
        expected = Template(RANKING_TEMPLATE).render(
            Context({"ranking": RANKING, "majors": MAJORS, "can_see_units": can_see_units})
        )
        built = pagehtml.ranking_rows(RANKING, MAJORS, can_see_units)
    assert built == expected
    assert "<b>" not in built and "&lt;b&gt;Cát Hải&lt;/b&gt; &amp; &quot;Bắc&quot;" in built
    assert ("/year-end/units/7/" in built) is can_see_units


@pytest.mark.parametrize("language", ["vi", "en"])
def test_signatories_are_the_template_list(language):
    at = timezone.make_aware(datetime.datetime(2023, 2, 20, 23, 30), datetime.UTC)  # 21/02 in Hanoi
    rows = [
        ("Huyện <Cát Hải>", 'Nguyễn Văn "A"', at),
        ("Xã B & C", "Trần Thị B", at + datetime.timedelta(days=3)),
        ("Xã D", "Lê E", None),
    ]
    with translation.override(language):
        expected = Template(SIGNATORIES_TEMPLATE).render(Context({"signatories": rows}))
        assert pagehtml.signatories(rows) == expected
    assert "21/02/2023" in expected and "&lt;Cát Hải&gt;" in expected


@pytest.mark.django_db
def test_year_summary_queries_do_not_grow_with_members_signatures_and_adjustments(
    client, django_assert_num_queries
):
    from clusters.models import Membership, UnitVersion
    from emulation.pledges.models import PledgeSignature
    from emulation.scoring.models import Adjustment, ScoreSheet
    from tests.factories import UnitFactory
    from tests.yearend.test_report import load_demo_2023

    cy = load_demo_2023()
    assert client.login(username="chutich.vinhbao", password="ThiDua@2024")
    url = reverse("yearend:year", args=[cy.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(21):
        small = client.get(url).content.decode()
    # more members (one renamed since), every member signed and got a bonus
    for i in range(6):
        unit = UnitFactory(province=cy.cluster.province, name=f"Xã Mới {i}")
        Membership.objects.create(cluster_year=cy, unit=unit, role="member")
    renamed = Membership.objects.filter(cluster_year=cy).select_related("unit").last().unit
    UnitVersion.objects.create(
        unit=renamed, name="Xã Tên Cũ", kind=renamed.kind, valid_until=datetime.date(cy.year + 1, 3, 1)
    )
    version = cy.pledge.final_version
    signed_at = timezone.make_aware(datetime.datetime(cy.year, 2, 21, 9, 0))
    signed = set(version.signatures.values_list("unit_id", flat=True))
    for m in Membership.objects.filter(cluster_year=cy).exclude(unit_id__in=signed).select_related("unit"):
        PledgeSignature.objects.create(
            version=version, unit=m.unit, signer_name=f"Ông {m.unit_id}", state="done", signed_at=signed_at
        )
    for m in Membership.objects.filter(cluster_year=cy):
        sheet, _c = ScoreSheet.objects.get_or_create(cluster_year=cy, unit=m.unit)
        Adjustment.objects.create(
            sheet=sheet, kind="bonus", points=Decimal("0.5"), reason=f"Lý do {m.unit_id}"
        )
    with django_assert_num_queries(21):
        big = client.get(url).content.decode()
    assert len(big) > len(small)
    assert "Xã Mới 4" in big and "Xã Mới 5" not in big  # named as it was that year
    assert (
        big.count("<li>Xã Tên Cũ – Ông") == 1
        and "<td>Xã Tên Cũ</td>" in big
        and "Xã Tên Cũ: Điểm thưởng 0,5 – Lý do" in big
    )


@pytest.mark.django_db
def test_signatory_and_adjustment_of_a_unit_no_longer_member_keep_that_years_name():
    from clusters.models import Membership, UnitVersion
    from clusters.selectors import year_memberships
    from emulation.pledges.selectors import pledge_summary
    from emulation.scoring.models import Adjustment, ScoreSheet
    from tests.yearend.test_report import load_demo_2023
    from yearend import selectors

    cy = load_demo_2023()
    version = cy.pledge.final_version
    sig = version.signatures.select_related("unit").first()
    unit = sig.unit
    UnitVersion.objects.create(
        unit=unit, name="Huyện Tên Năm Ấy", kind=unit.kind, valid_until=datetime.date(cy.year + 1, 1, 1)
    )
    sheet, _c = ScoreSheet.objects.get_or_create(cluster_year=cy, unit=unit)
    Adjustment.objects.create(sheet=sheet, kind="deduction", points=Decimal("1"), reason="Chậm")
    Membership.objects.filter(cluster_year=cy, unit=unit).delete()
    members = year_memberships(cy)
    assert pledge_summary(cy, members=members) == pledge_summary(cy)
    assert "Huyện Tên Năm Ấy" in [
        name for name, _l, _at in pledge_summary(cy, members=members)["signatories"]
    ]
    assert ("Huyện Tên Năm Ấy", "Điểm trừ", Decimal("1.00"), "Chậm", "deduction") in selectors.adjustments(
        cy, members
    )
    assert selectors.adjustments(cy, members) == selectors.adjustments(cy)


# yearend/province.html's rows before they were built in Python
PROVINCE_TEMPLATE = """{% load i18n %}{% for r in rows %}
    <tr>
      <td><a href="{% url 'clusters:year_detail' r.year.pk %}">{{ r.year.cluster.name }}</a></td>
      <td>{{ r.year.get_stage_display }}{% if r.year.deadline_for_stage %}<br><small>{% trans "deadline" %} {{ r.year.deadline_for_stage|date:"SHORT_DATE_FORMAT" }}</small>{% endif %}</td>
      <td>{% for what, n in r.overdue %}<span class="badge text-bg-danger">{% if what == "pledge" %}{% blocktrans %}{{ n }} pledge signature(s) missing{% endblocktrans %}{% elif what == "scores" %}{% blocktrans %}{{ n }} score sheet(s) not submitted{% endblocktrans %}{% elif what == "votes" %}{% blocktrans %}{{ n }} poll(s) not finished{% endblocktrans %}{% elif what == "dossier" %}{% trans "dossier not submitted" %}{% else %}{% trans "stage deadline passed" %}{% endif %}</span> {% empty %}—{% endfor %}
</td>
      <td>{{ r.pledge_signed }}/{{ r.members }}</td>
      <td>{{ r.scores_submitted }}/{{ r.members }}</td>
      <td>{{ r.polls_done }}/{{ r.polls }}</td>
      <td>{% if r.dossier %}{% trans "yes" %}{% else %}{% trans "no" %}{% endif %}</td>
      <td>{{ r.decisions }}/{{ r.nominations }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_province_rows_are_the_template_rows(cast, language):
    from clusters.models import Cluster, ClusterYear, Stage
    from tests.yearend.test_province import add_years
    from yearend import selectors

    year = cast.year.year
    add_years(cast.province, 4, year, members=4)
    stages = [Stage.REGISTRATION, Stage.SCORING, Stage.VOTING, Stage.DOSSIER, Stage.CLOSED]
    for cy, stage in zip(
        ClusterYear.objects.filter(cluster__province=cast.province, year=year), stages, strict=False
    ):
        deadline = datetime.date(year - 1, 3, 9)
        ClusterYear.objects.filter(pk=cy.pk).update(
            stage=stage, registration_deadline=deadline, scoring_deadline=deadline, voting_deadline=deadline
        )
    Cluster.objects.filter(pk=cast.year.cluster_id).update(name='Cụm <b>"Một"</b> & Hai')
    rows = selectors.province_overview(cast.province.pk, year)
    rows[0]["dossier"], rows[0]["decisions"], rows[0]["nominations"] = True, 1, 2
    rows[1]["overdue"] = [("votes", 2), ("dossier", 1), ("stage", 1), ("pledge", 3), ("scores", 4)]
    assert any(r["overdue"] for r in rows[2:]) and any(not r["overdue"] for r in rows)
    with translation.override(language):
        expected = Template(PROVINCE_TEMPLATE).render(Context({"rows": rows}))
        assert pagehtml.province_rows(rows) == expected
    assert "&lt;b&gt;&quot;Một&quot;&lt;/b&gt; &amp; Hai" in expected and "09/03/" in expected


@pytest.mark.django_db
def test_province_row_counts_nominations_and_their_decisions():
    from awards.models import Decision, Nomination
    from tests.yearend.test_report import load_demo_2023
    from yearend import selectors

    cy = load_demo_2023()
    nominations = Nomination.objects.filter(cluster_year=cy).count()
    decided = Decision.objects.filter(nomination__cluster_year=cy).count()
    assert nominations > decided > 0
    row = next(
        r for r in selectors.province_overview(cy.cluster.province_id, cy.year) if r["year"].pk == cy.pk
    )
    assert (row["nominations"], row["decisions"]) == (nominations, decided)
