"""Every page every demo role can reach reads as Vietnamese for people: no raw event code
("score.self_saved"), no Python literal (True, None, {'…), no dotted decimal with trailing zeros
("7.50", "96.0100000000000"), no untranslated English UI word.

The crawler logs in as each demo account (clusters demo data, `load_demo`), follows in-app links
breadth-first from the home page (same origin, GET only, at most a few pages per URL shape and
~300 pages in all per role) and reads the visible text of every HTML page."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROLES = [
    "tinh.haiphong",
    "thuky.cathai",
    "canbo.vinhbao",
    "canbo.thuynguyen",
    "chutich.vinhbao",
    "chutich.cathai",
    "hoidong.haiphong",
    "tinh.quangbinh",
    "thuky.minhhoa",
    "tinh.hanoi",
    "thuky.lienquan",
]
MAX_PAGES = 300
PER_SHAPE = 3  # /scoring/12/sheet/5/ and /scoring/12/sheet/6/ have one shape
SKIP = ("/logout", "/static/", "/media/", "/i18n/", "/admin/", "/healthz")

RAW_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
LITERAL = re.compile(r"\b(True|False|None)\b|\{'|\['")
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)+\b")
# 1.312,5 as clusters.formatting writes it; 24,20 (two places: ranking, percentages); 1.2 (criterion).
READABLE_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})*(?:,\d*[1-9]|,\d\d)?$|\d{1,2}(?:\.(?:[1-9]|[1-9][1-9]))+$")
SLUG = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b")  # codes such as thu-ngan-sach, an-duong
# Words of an English interface that have a Vietnamese translation in the catalogues.
ENGLISH = re.compile(
    r"\b(Save|Cancel|Submit|Delete|Edit|History|Home|Logout|Log out|Settings|Search|Back|"
    r"Next|Previous|Download|Upload|Close|Open|Yes|No|Score|Scores|Notifications|Year|Unit|"
    r"Units|Cluster|Clusters|Poll|Polls|Pledge|Reason|Status|Deadline|Actions|Details|"
    r"Change|Changes|changed|saved|submitted|locked|unlocked|reviewed|voted|opened|closed|"
    r"published|created|removed|added|renamed|merged|approved|signed|None)\b"
)
# Text that is data typed by people or fixed by law, not interface: file names, URLs, e-mails.
# "ví dụ: thu-ngan-sach": a form's help shows what to type.
ALLOWED = re.compile(r"\S+\.(pdf|xlsx|png|jpg|docx?)\b|https?://\S+|\S+@\S+|\bthidua\.\S+|ví dụ: \S+", re.I)


HIDDEN = ("script", "style", "template", "code")


class _Page(HTMLParser):
    """Visible text and the links of one HTML page. Not read: attributes, scripts, and <code>,
    where configuration pages show a code on purpose (a unit's code next to its name)."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data.strip())


def _shape(path):
    return re.sub(r"\d+", "N", path.split("?")[0])


def problems_in(text, allowed=()):
    """The offending snippets of one page's visible text; `allowed`: words that are data (user names)."""
    found = []
    for line in text:
        clean = ALLOWED.sub(" ", line)
        for word in allowed:
            clean = clean.replace(word, " ")
        for rx, what in (
            (RAW_CODE, "raw code"),
            (LITERAL, "Python literal"),
            (SLUG, "code"),
            (ENGLISH, "English"),
        ):
            for m in rx.finditer(clean):
                found.append(f"{what}: {m.group(0)!r} in {clean[:90]!r}")
        for m in NUMBER.finditer(clean):
            if not READABLE_NUMBER.match(m.group(0)):
                found.append(f"number: {m.group(0)!r} in {clean[:90]!r}")
    return found


def crawl(client, starts=("/",), allowed=()):
    """{path: [problems]} for every page reached from `starts` (home first)."""
    seen, shapes, report = set(starts), {}, {}
    queue = deque(starts)
    while queue and len(report) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Page()
        parser.feed(response.content.decode())
        report[path] = problems_in(parser.text, allowed)
        for href in parser.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or parts.path.startswith(SKIP):
                continue
            shape = _shape(target)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(target)
            queue.append(target)
    return report


def _seed_histories():
    """One event of each kind the issue saw raw, with the data its service records, on objects whose
    history the pages show (the demo itself records few events)."""
    from awards.models import AwardType, Poll
    from clusters.audit import record
    from clusters.models import ClusterYear, User
    from emulation.scoring.models import CriteriaTable, ScoreEntry, ScoreSheet

    actor = User.objects.get(username="thuky.cathai")
    cy = ClusterYear.objects.get(cluster__province__code="hai-phong", cluster__code="khoi-huyen", year=2023)
    sheet = ScoreSheet.objects.filter(cluster_year=cy).first()
    entry = ScoreEntry.objects.filter(sheet=sheet).select_related("criterion").first()
    table = CriteriaTable.objects.get(cluster_year=cy)
    unit, poll = sheet.unit, Poll.objects.filter(cluster_year=cy).first()
    row = {"self": "7.50", "reviewed": None, "note": "", "achieved": "1250.000", "target": "1000.000"}
    events = [
        (
            entry,
            "score.self_saved",
            {"criterion": entry.criterion.code, "old": row, "new": {**row, "self": "8.00"}},
        ),
        (
            entry,
            "score.reviewed",
            {"criterion": entry.criterion.code, "old": None, "new": "7.50", "self": "8.00"},
        ),
        (entry, "evidence.added", {"criterion": entry.criterion.code, "file": "bao-cao.pdf", "size": 1234}),
        (
            sheet,
            "sheet.eligibility",
            {"old": {"ineligible": False, "reason": ""}, "new": {"ineligible": True}},
        ),
        (sheet, "bonus.added", {"adjustment": 1, "kind": "bonus", "old": None, "new": "5.00"}),
        (sheet, "reviewer.set", {"old": None, "new": unit.pk}),
        (sheet, "sheet.submitted", {"rows": 15}),
        (table, "scores.locked", {"old": False, "new": True, "unsubmitted": 5}),
        (
            table,
            "tie_break.set",
            {"old": {"rule": "none", "criterion": None}, "new": {"rule": "criterion", "criterion": 3}},
        ),
        (
            unit,
            "unit.renamed",
            {
                "old": {"name": unit.name, "short_name": "", "kind": unit.kind},
                "new": {"name": unit.name, "short_name": "VB", "kind": unit.kind},
                "effective": "2025-07-01",
            },
        ),
        (unit, "unit.merged", {"into": unit.pk, "effective": "2025-07-01"}),
        (cy, "stage.advanced", {"old": "voting", "new": "dossier"}),
        (
            cy,
            "handover.recorded",
            {
                "next_year": 2024,
                "to_head": unit.pk,
                "date": "2024-02-28",
                "method": "assigned",
                "copied": ["criteria"],
            },
        ),
    ]
    if poll:
        events += [
            (
                poll,
                "poll.closed",
                {
                    "electorate": 8,
                    "participations": 8,
                    "ballots": 8,
                    "abstain": 0,
                    "votes": {unit.name: 7},
                    "quorum": True,
                    "proposed": [unit.name],
                    "tied": [],
                    "flagged": False,
                },
            ),
            (poll, "poll.published", {"proposed": [unit.name]}),
        ]
    award = AwardType.objects.filter(province=cy.cluster.province).first()
    if award:
        events.append(
            (
                award,
                "award_type.changed",
                {"old": {"precedence": 1, "active": True}, "new": {"precedence": 2, "active": False}},
            )
        )
    for obj, action, data in events:
        record(
            actor=actor,
            action=action,
            obj=obj,
            province_id=cy.cluster.province_id,
            data=data,
            reason="Kiểm tra",
        )
    pages = [
        reverse("scoring:sheet", args=[cy.pk, unit.pk]),
        reverse("scoring:criteria", args=[cy.pk]),
        reverse("clusters:unit_detail", args=[unit.pk]),
        reverse("yearend:year", args=[cy.pk]),
    ]
    if poll:
        pages.append(reverse("awards:poll", args=[poll.pk]))
    if award:
        pages.append(reverse("awards:type_edit", args=[award.pk]))
    return pages


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return _seed_histories()


def test_problems_in_flags_codes_literals_zeros_and_english():
    bad = problems_in(
        [
            "score.self_saved",
            "scores.locked — → True",
            "{'ineligible': False}",
            "7.50",
            "Save",
            "thu-ngan-sach",
        ]
    )
    assert len(bad) >= 6
    assert problems_in(["96.0100000000000"]) and problems_in(["1250,000"]) and problems_in(["12,500"])
    assert problems_in(["7.50"]) and problems_in(["1.10"])
    assert not problems_in(
        ["Tự chấm: 92,58 → 93; đạt 1.010 / 1.000; 1.312,5; 87,50 %; tiêu chí 1.2", "bien-ban.pdf"]
    )
    assert not problems_in(["tinh.haiphong"], allowed=["tinh.haiphong"])


def test_every_page_of_every_demo_role_is_readable(demo, client):
    from clusters.models import User

    usernames = sorted(User.objects.values_list("username", flat=True), key=len, reverse=True)
    pages, bad, seen_history = 0, {}, False
    for username in ROLES:
        user = User.objects.filter(username=username).first()
        assert user is not None, f"demo account {username} is missing"
        client.force_login(user)
        report = crawl(client, ["/", *demo], allowed=usernames)
        pages += len(report)
        seen_history = seen_history or any(p in report for p in demo)
        for path, found in report.items():
            if found:
                bad[f"{username} {path}"] = found[:4]
        client.logout()
    print(f"\ncrawled {pages} pages as {len(ROLES)} roles; {len(bad)} with problems")
    assert seen_history, "no page showed the seeded events' history"
    assert pages > 50
    assert not bad, "\n".join(f"{k}: {v}" for k, v in list(bad.items())[:40]) + f"\n({len(bad)} pages)"
