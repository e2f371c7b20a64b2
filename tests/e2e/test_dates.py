"""Chromium launched in English (en-US), where a native date picker would read mm/dd/yyyy: the
meeting date is still typed and shown as dd/mm/yyyy, and a US-style date is refused in Vietnamese."""

import datetime

import pytest
from playwright.sync_api import expect

from awards.models import Dossier
from clusters.models import Stage
from tests import services_available as svc
from tests.conftest import assert_accessible, login
from tests.factories import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def en_us_page(browser, live_server):
    english = browser.browser_type.launch(
        executable_path=svc.CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--lang=en-US", "--no-first-run"],
        env={"LANG": "en_US.UTF-8", "LANGUAGE": "en_US"},
    )
    context = english.new_context(locale="en-US", timezone_id="America/New_York")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.live_server_url = live_server.url
    yield pg
    context.close()
    english.close()


def test_dates_are_dd_mm_yyyy_in_an_english_chromium(en_us_page):
    page = en_us_page
    cast = make_cast(stage=Stage.VOTING)
    assert page.evaluate("navigator.language") == "en-US"
    login(page, "secretary")
    page.goto(f"{page.live_server_url}/awards/years/{cast.year.pk}/dossier/")
    box = page.get_by_label("Ngày họp")
    assert box.get_attribute("type") == "text" and box.get_attribute("placeholder") == "dd/mm/yyyy"
    box.fill("12/31/2026")  # what an American would type
    page.get_by_label("Địa điểm họp").fill("Cát Hải")
    box.press("Enter")  # submits the meeting form
    expect(page.locator("main")).to_contain_text("Hãy nhập ngày theo dạng dd/mm/yyyy")
    assert not Dossier.objects.filter(cluster_year=cast.year, meeting_date__isnull=False).exists()
    page.get_by_label("Ngày họp").fill("20/12/2026")
    page.get_by_label("Ngày họp").press("Enter")
    expect(page.get_by_role("alert").first).to_be_visible()
    assert Dossier.objects.get(cluster_year=cast.year).meeting_date == datetime.date(2026, 12, 20)
    page.goto(f"{page.live_server_url}/awards/years/{cast.year.pk}/dossier/")
    expect(page.get_by_label("Ngày họp")).to_have_value("20/12/2026")
    assert_accessible(page, "dossier-dates-en-us")
