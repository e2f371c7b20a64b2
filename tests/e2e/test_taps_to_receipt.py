"""Figure: taps from the home page to the ballot receipt, per award, for every council member —
a unit's member, the head's member and the province admin who also sits on the council (no unit
year to find the vote in). Goal ≤ 4: the ballot link on the home page, the choice, "Tiếp tục",
"Xác nhận và bỏ phiếu". Measured on a phone (taps), written to test-output/taps-to-receipt.json."""

import json
import re

import pytest
from playwright.sync_api import expect

from awards import services
from awards.models import ElectorateKind
from clusters.models import Role, Stage
from tests.awards.helpers import award_types, open_poll, rule
from tests.conftest import OUTPUT, assert_accessible, login
from tests.factories import make_cast, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOAL = 4


def _phone(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.live_server_url = live_server.url
    return context, pg


def _taps_to_receipt(browser, live_server, member, poll, choice, check_a11y):
    context, phone = _phone(browser, live_server)
    login(phone, member.username)  # lands on the home page
    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.tap()

    if check_a11y:
        assert_accessible(phone, "home-ballot-waiting-phone")
    # the first "Bỏ phiếu" on the page: the panel of ballots waiting for this person
    tap(phone.locator("main").get_by_role("link", name=re.compile(r"^Bỏ phiếu")).first)
    tap(phone.get_by_label(choice))
    tap(phone.get_by_role("button", name="Tiếp tục"))
    tap(phone.get_by_role("button", name="Xác nhận và bỏ phiếu"))
    expect(phone.get_by_role("heading", name="Bạn đã bỏ phiếu")).to_be_visible()
    expect(phone.locator("#receipt-code")).not_to_be_empty()
    context.close()
    return taps


def test_every_council_member_reaches_the_receipt_in_four_taps_per_award(browser, live_server):
    cast = make_cast(stage=Stage.VOTING)
    types = award_types(cast.province)
    council = [
        cast.council,  # staff of a member unit
        make_user("hoidong1", province=cast.province, unit=cast.head, roles=[Role.COUNCIL_MEMBER]),
        make_user("tinh", province=cast.province, roles=[Role.PROVINCE_ADMIN, Role.COUNCIL_MEMBER]),
    ]
    figures = {}
    for n, code in enumerate(["co-thanh-pho", "bk-toan-dien"]):
        rule(cast.year, types[code], quota_count=1, threshold_base="ballots")
        poll = open_poll(
            cast.year,
            types[code],
            # the unit proposed for the first award cannot stand for the lower one
            candidates=[cast.unit_a, cast.unit_b] if n == 0 else [cast.head, cast.unit_b],
            voters=council,
            actor=cast.secretary,
            kind=ElectorateKind.COUNCIL,
        )
        choice = "Huyện Vĩnh Bảo" if n == 0 else "Huyện Thủy Nguyên"
        for i, member in enumerate(council):
            figures.setdefault(types[code].name, {})[member.username] = _taps_to_receipt(
                browser, live_server, member, poll, choice, check_a11y=(n == 0 and i == 2)
            )
        services.poll_close(poll=poll, actor=cast.secretary)
        services.poll_publish(poll=poll, actor=cast.secretary)
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "taps-to-receipt.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    print("taps from home to receipt:", json.dumps(figures, ensure_ascii=False))
    assert max(t for award in figures.values() for t in award.values()) <= GOAL, figures
    assert len(figures) == 2 and all(len(award) == 3 for award in figures.values())
