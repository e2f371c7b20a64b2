"""One number formatter (clusters.formatting) behind every app's `points` filter and the charts."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from clusters.formatting import number


@pytest.mark.parametrize(
    "value,text",
    [
        (Decimal("92.58"), "92,58"),
        (Decimal("5.00"), "5"),
        (Decimal("92.50"), "92,5"),
        (Decimal("1312.5"), "1.312,5"),
        (Decimal("1234567"), "1.234.567"),
        (Decimal("-3.50"), "-3,5"),
        (Decimal("0.00"), "0"),
        (7, "7"),
        ("12.30", "12,3"),
        (None, ""),
        ("", ""),
    ],
)
def test_number_is_vietnamese_without_trailing_zeros(value, text):
    assert number(value) == text


def test_number_with_fixed_places_rounds_half_up():
    assert number(Decimal("92.5"), places=2) == "92,50"
    assert number(Decimal("1312.345"), places=2) == "1.312,35"


@pytest.mark.parametrize("library", ["scoring_tags", "yearend_tags"])
def test_scoring_and_yearend_points_filters_write_the_same(library):
    template = Template("{% load " + library + " %}{{ a|points }}|{{ b|points }}|{{ c|points }}")
    out = template.render(Context({"a": Decimal("95.50"), "b": Decimal("1312.5"), "c": None}))
    assert out == "95,5|1.312,5|"


def test_chart_labels_use_the_same_formatter():
    from yearend.charts import bar_chart

    svg = bar_chart([("Huyện A", Decimal("1312.50")), ("Huyện B", Decimal("92.58"))], title="Tổng điểm")
    assert ">1.312,5</text>" in svg and ">92,58</text>" in svg
