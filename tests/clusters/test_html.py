"""clusters.html.html is format_html without its overhead: the same output for every kind of argument."""

from decimal import Decimal

import pytest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from clusters.html import html, html_join


class Marked:
    def __html__(self):
        return "<b>kept</b>"

    def __str__(self):
        return "<b>escaped</b>"


ARGS = [
    "plain",
    "<script>alert('x') & \"y\"</script>",
    mark_safe("<em>safe</em>"),
    SafeString("<i>also safe</i>"),
    format_html("<a href='{}'>{}</a>", "/x?a=1&b=2", "<t>"),
    gettext_lazy("Yes"),
    0,
    987654321,
    -5,
    True,
    None,
    Decimal("92.58"),
    1.5,
    Marked(),
    "",
]


@pytest.mark.parametrize("arg", ARGS, ids=range(len(ARGS)))
def test_html_escapes_like_format_html(arg):
    with override("vi"):
        got = html('<td data-label="{}">{}</td>', arg, arg)
        assert got == format_html('<td data-label="{}">{}</td>', arg, arg)
        assert isinstance(got, SafeString)


def test_html_join_is_format_html_join():
    rows = [(a,) for a in ARGS]
    with override("vi"):
        assert html_join("<br>{}", rows) == format_html_join("", "<br>{}", rows)
    assert html_join("<br>{}", []) == ""
