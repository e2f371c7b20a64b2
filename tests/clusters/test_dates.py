"""Dates are typed and shown as dd/mm/yyyy: a text box (never the browser's own date picker, which
follows its locale), parsed on the server as dd/mm/yyyy only, refused in Vietnamese otherwise."""

import datetime

import pytest
from django import forms
from django.utils import timezone, translation

from awards.forms import DecisionForm, DossierForm
from clusters.dates import ClockInput, DayField, MomentField
from emulation.pledges.forms import DraftForm
from yearend.forms import NextYearForm


class _Form(forms.Form):
    day = DayField(label="Ngày")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("28/02/2024", datetime.date(2024, 2, 28)),
        ("1/7/2025", datetime.date(2025, 7, 1)),
        (" 05/01/2026 ", datetime.date(2026, 1, 5)),
    ],
)
def test_dd_mm_yyyy_is_read_day_first(typed, expected):
    form = _Form({"day": typed})
    assert form.is_valid() and form.cleaned_data["day"] == expected


@pytest.mark.parametrize("typed", ["2024-02-28", "02/30/2024", "12/31/2026", "28-02-2024", "hôm qua"])
def test_anything_else_is_refused_in_vietnamese(typed):
    with translation.override("vi"):
        form = _Form({"day": typed})
        assert not form.is_valid()
        assert form.errors["day"] == ["Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 28/02/2024."]


def test_the_box_is_text_with_a_dd_mm_yyyy_placeholder_and_shows_the_date_day_first():
    html = str(_Form(initial={"day": datetime.date(2024, 2, 28)})["day"])
    assert 'type="text"' in html and 'placeholder="dd/mm/yyyy"' in html and 'value="28/02/2024"' in html
    assert 'pattern="' in html and 'type="date"' not in html


@pytest.mark.parametrize(
    "form_class, field",
    [
        (NextYearForm, "handed_over_on"),
        (DraftForm, "signing_date"),
        (DossierForm, "meeting_date"),
        (DecisionForm, "date"),
    ],
)
def test_the_apps_date_fields_use_it(form_class, field):
    assert isinstance(form_class.base_fields[field], DayField)


class _Moment(forms.Form):
    at = MomentField(label="Lúc")


def test_a_poll_window_is_typed_and_shown_as_dd_mm_yyyy_hh_mm():
    form = _Moment({"at": "01/07/2025 14:30"})
    assert form.is_valid(), form.errors
    local = timezone.localtime(form.cleaned_data["at"])
    assert (local.day, local.month, local.hour, local.minute) == (1, 7, 14, 30)
    html = str(_Moment(initial={"at": datetime.datetime(2025, 7, 1, 14, 30)})["at"])
    assert 'type="text"' in html and 'value="01/07/2025 14:30"' in html and "datetime-local" not in html
    with translation.override("vi"):
        refused = _Moment({"at": "07/13/2025 2:30 PM"})
        assert not refused.is_valid()
        assert "dd/mm/yyyy hh:mm" in refused.errors["at"][0]


def test_no_form_of_the_apps_uses_the_browsers_own_date_or_time_pickers():
    from awards.forms import PollForm
    from awards.forms_council import ProvincePollForm

    for form_class in (PollForm, ProvincePollForm, DossierForm):
        html = "".join(str(f.widget.render(name, None)) for name, f in form_class.base_fields.items())
        for native in ('type="date"', 'type="datetime-local"', 'type="time"'):
            assert native not in html, (form_class.__name__, native)
    for field in ("opens_at", "closes_at"):
        assert isinstance(PollForm.base_fields[field], MomentField)
    assert isinstance(DossierForm.base_fields["started_at"].widget, ClockInput)
