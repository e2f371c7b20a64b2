"""Finding 2: the stored XSS in the SVG charts, and the Content-Security-Policy that would have
stopped it. The browser tests (tests/conftest.py `page`) fail on any CSP violation they see."""

from xml.dom import minidom

import pytest
from django.urls import reverse

from clusters.models import ClusterYear, Stage
from yearend import charts

EVIL = 'Bạch Long Vĩ" onload="alert(document.domain)//'


def _attributes(svg):
    doc = minidom.parseString(svg)
    return {a for el in doc.getElementsByTagName("*") for a in el.attributes.keys()}


@pytest.mark.parametrize("draw", ["bar", "line"])
def test_a_unit_name_cannot_add_an_attribute_to_a_chart(draw):
    if draw == "bar":
        svg = charts.bar_chart([(EVIL, 90)], title=f"Tổng điểm {EVIL}")
    else:
        svg = charts.line_chart([(2023, 80), (2024, 90)], title=f"Tổng điểm của {EVIL}")
    assert "onload" not in _attributes(svg)
    assert EVIL.replace('"', "&quot;") in svg


def _scored_history(cast):
    from emulation.scoring import services as scoring
    from emulation.scoring.models import ScoreSheet

    cast.unit_a.name = EVIL
    cast.unit_a.save()
    m1 = scoring.criterion_add(
        cluster_year=cast.year, actor=cast.admin, code="1", text="Kinh tế", max_points="100", kind="fixed"
    )
    ClusterYear.objects.filter(pk=cast.year.pk).update(stage=Stage.SCORING)
    cast.year.refresh_from_db()
    sheet = ScoreSheet(cluster_year=cast.year, unit=cast.unit_a)
    scoring.self_score_save(sheet=sheet, criterion=m1, value="87,5", actor=cast.staff_a)


@pytest.mark.django_db
def test_the_probe_unit_page_carries_no_injected_attribute_and_a_strict_policy(client, cast):
    _scored_history(cast)
    client.force_login(cast.staff_a)
    response = client.get(reverse("yearend:unit_history", args=[cast.unit_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html
    assert '" onload="' not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_every_page_sends_the_policy(client, cast):
    for url in ("/login/", reverse("pledges:verify", args=["khong-co"])):
        assert "default-src 'self'" in client.get(url)["Content-Security-Policy"]
