"""Vietnamese first: every message of every catalogue has a Vietnamese translation."""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/vi/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def _entries(path):
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""\n"Project' not in block:
            yield block, True
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        plural = re.search(r"^msgid_plural", block, re.M)
        if m and not plural:
            msgid = "".join(re.findall(r'"(.*)"', m.group(1)))
            msgstr = "".join(re.findall(r'"(.*)"', m.group(2)))
            if msgid:
                yield (msgid, msgstr), False


def test_there_are_vietnamese_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_has_a_vietnamese_translation(path):
    missing, fuzzy = [], []
    for entry, is_fuzzy in _entries(path):
        if is_fuzzy:
            fuzzy.append(entry[:80])
        elif not entry[1]:
            missing.append(entry[0])
    assert not fuzzy, f"fuzzy entries in {path}: {fuzzy[:5]}"
    assert not missing, f"{len(missing)} untranslated in {path}: {missing[:10]}"


def test_vietnamese_is_the_default_and_active():
    with translation.override("vi"):
        assert translation.gettext("Log in") == "Đăng nhập"
