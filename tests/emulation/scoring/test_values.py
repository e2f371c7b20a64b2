from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from emulation.scoring.values import parse_decimal, parse_points, parse_yes_no


@pytest.mark.parametrize(
    "text,expected",
    [
        ("92,58", "92.58"),
        ("92.58", "92.58"),
        (" 7 ", "7"),
        ("1.234,5", "1234.5"),
        ("0", "0"),
        ("10,00", "10.00"),
        ("1 234,5", "1234.5"),
    ],
)
def test_decimal_comma_and_point_are_read(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "9,2,1", "1e5", "", "  ", "--1", "12a", "NaN", "inf"])
def test_not_a_number_is_refused(text):
    with pytest.raises(ValidationError):
        parse_decimal(text)


def test_more_than_two_decimals_is_refused_with_vietnamese_message():
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        parse_decimal("1,234")
    assert "chữ số" in exc.value.messages[0]


def test_points_above_maximum_message_is_vietnamese_with_decimal_comma():
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        parse_points("12,5", Decimal("10"))
    assert exc.value.messages == ["12,5 vượt quá điểm tối đa 10 của tiêu chí này."]


def test_points_below_zero_message_is_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        parse_points("-1", Decimal("10"))
    assert exc.value.messages == ["Điểm không được nhỏ hơn 0."]


def test_not_a_number_message_is_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        parse_points("mười", Decimal("10"))
    assert exc.value.messages == ["“mười” không phải là một số."]


def test_yes_no_answers():
    assert parse_yes_no("Có") is True
    assert parse_yes_no("không") is False
    with pytest.raises(ValidationError):
        parse_yes_no("có lẽ")
