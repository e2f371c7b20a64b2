"""Audit events read as Vietnamese: every event type has a label, values are formatted."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from clusters.history import event_details, event_label, registered_events, value_text

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ("clusters", "emulation", "awards", "yearend", "documents")
F_STRING_VALUES = {
    "{kind}": ("bonus", "deduction"),
    "{adjustment.kind}": ("bonus", "deduction"),
    "{source}": ("issued", "pkcs12", "external"),
}
ACTION = re.compile(r"""action=(?:f?"([a-z_{}.]+)"|"([a-z_.]+)" if .* else "([a-z_.]+)")""")


def _actions_in_code():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for m in ACTION.finditer(path.read_text(encoding="utf-8")):
                found.update(g for g in m.groups() if g and "." in g)  # argparse's action="append" is not one
    expanded = set()
    for action in found:
        if "{" in action:  # f"{kind}.added", f"unit_certificate.{source}": every value of the field
            field = action[action.index("{") : action.index("}") + 1]
            expanded.update(action.replace(field, v) for v in F_STRING_VALUES[field])
        else:
            expanded.add(action)
    return expanded


def _event(action, data):
    return SimpleNamespace(action=action, data=data)


def test_every_event_type_written_by_the_code_has_a_label():
    actions = _actions_in_code()
    assert {"score.self_saved", "unit.renamed", "poll.closed", "pledge.signed", "bonus.added"} <= actions
    missing = sorted(actions - set(registered_events()))
    assert not missing, f"event types without a Vietnamese label: {missing}"


@pytest.fixture
def vi():
    with translation.override("vi"):
        yield


def test_self_score_change_reads_with_decimal_comma_and_no_trailing_zeros(vi):
    row = {"self": "7.50", "reviewed": None, "note": "", "achieved": None, "target": None}
    e = _event("score.self_saved", {"criterion": "thu-ngan-sach", "old": row, "new": {**row, "self": "8.00"}})
    assert event_label(e) == "Lưu điểm tự chấm"
    assert event_details(e) == ["điểm tự chấm: 7,5 → 8"]


def test_eligibility_reads_yes_no_not_a_python_dict(vi):
    e = _event("sheet.eligibility", {"old": {"ineligible": False, "reason": ""}, "new": {"ineligible": True}})
    assert event_details(e) == ["không đủ điều kiện: Không → Có"]


def test_stage_change_shows_the_stage_names(vi):
    e = _event("stage.advanced", {"old": "voting", "new": "dossier"})
    (line,) = event_details(e)
    assert "voting" not in line and "→" in line


def test_lock_shows_units_not_submitted_and_no_true(vi):
    lines = event_details(_event("scores.locked", {"old": False, "new": True, "unsubmitted": 5}))
    assert lines == ["Không → Có", "số bảng điểm chưa nộp: 5"]


def test_unknown_event_type_is_a_plain_change_and_ids_are_hidden(vi):
    e = _event("something.new", {"unit": 12, "new": None, "old": None})
    assert event_label(e) == "Thay đổi"
    assert event_details(e) == ["— → —"]
    assert event_details(_event("reviewer.set", {"old": None, "new": 3})) == []


def test_values_dates_numbers_and_lists(vi):
    assert value_text("2024-02-28") == "28/02/2024"
    assert value_text("96.0100000000000") == "96,01"
    assert value_text("1250.000") == "1.250"
    assert value_text([True, None]) == "Có, —"


def test_typed_text_shaped_like_an_impossible_date_is_shown_as_typed(vi):
    # A note or reason is free text: "2024-02-30" must not break the history of the page.
    assert value_text("2024-02-30") == "2024-02-30"
    event = SimpleNamespace(action="stage.reverted", data={"note": "2024-13-01"})
    assert any("2024-13-01" in line for line in event_details(event))
