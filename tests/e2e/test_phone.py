"""Chromium at 390 × 844 (a phone): every page each demo role reaches by following links from its
home page fits the screen's width (no horizontal overflow: tables become stacked cards) and has no
serious or critical axe finding. Figures: pages visited, pages overflowing, axe findings."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from clusters.demo import DEMO_PASSWORD
from clusters.models import User
from tests.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PAGES_PER_ROLE = 30
# Links that are not pages: files, the language switch and leaving the session.
SKIP = re.compile(r"(logout|download|export|\.pdf|\.xlsx|/admin/|/media/|/static/|pdf/?$|/file/|/signed/)")


def _pattern(path):
    """One visit per kind of page and role: /scoring/year/12/unit/5/ -> /scoring/year/N/unit/N/."""
    return re.sub(r"\d+", "N", path)


def _overflow(page):
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def _links(page, origin):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _walk(browser, live_server, username, checked_axe):
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    queue, seen, visited, overflowing = ["/"], set(), 0, []
    while queue and visited < PAGES_PER_ROLE:
        path = queue.pop(0)
        key = _pattern(path.split("?")[0])
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(live_server.url + path)
        if (
            response is None
            or response.status != 200
            or "html" not in response.headers.get("content-type", "")
        ):
            continue
        visited += 1
        extra = _overflow(page)
        if extra > 0:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('main *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
            )
            overflowing.append(f"{username} {path}: +{extra}px {wide}")
        if key not in checked_axe:
            checked_axe.add(key)
            assert_accessible(page, f"phone-{username}-{len(checked_axe)}")
        queue.extend(_links(page, live_server.url))
    context.close()
    return visited, overflowing


def test_every_page_of_every_demo_role_fits_a_390px_phone(browser, live_server):
    call_command("load_demo", stdout=io.StringIO())
    usernames = list(
        User.objects.filter(is_active=True, is_superuser=False)
        .order_by("username")
        .values_list("username", flat=True)
    )
    assert len(usernames) >= 5
    checked_axe, visited, overflowing = set(), 0, []
    for username in usernames:
        n, bad = _walk(browser, live_server, username, checked_axe)
        visited += n
        overflowing += bad
    print(
        f"\nFIGURE phone 390x844: {visited} pages visited for {len(usernames)} roles, "
        f"{len(overflowing)} overflowing, {len(checked_axe)} kinds of page axe-scanned"
    )
    assert not overflowing, "\n".join(overflowing)


def test_navbar_fits_one_line_at_1366px_and_the_language_box_reads_in_full(browser, live_server):
    from tests.factories import make_cast

    cast = make_cast()
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill(cast.admin.username)
    page.get_by_label("Mật khẩu").fill("pw-Test-2024!")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    tops = page.eval_on_selector_all(
        "#nav-main .nav-link, #nav-main .btn, #nav-main select, .navbar-brand",
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "return Math.round(r.top + r.height / 2); })",
    )
    assert max(tops) - min(tops) <= 12, f"the navbar wraps: {tops}"
    fits = page.evaluate(
        """() => {
            const s = document.getElementById('lang-select');
            const probe = document.createElement('span');
            probe.style.font = getComputedStyle(s).font;
            probe.textContent = s.options[s.selectedIndex].text;
            document.body.appendChild(probe);
            const need = probe.getBoundingClientRect().width;
            probe.remove();
            const cs = getComputedStyle(s);
            const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
            return [s.options[s.selectedIndex].text, need, room];
        }"""
    )
    assert fits[1] <= fits[2], f"the language box cuts “{fits[0]}”: needs {fits[1]}px, has {fits[2]}px"
    context.close()


@pytest.mark.parametrize("width", [1024, 1280])
def test_navbar_buttons_stay_on_screen_on_a_laptop_for_the_province_admin(browser, live_server, width):
    from tests.factories import make_cast

    cast = make_cast()
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill(cast.admin.username)
    page.get_by_label("Mật khẩu").fill("pw-Test-2024!")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    assert _overflow(page) <= 0, f"the page scrolls sideways at {width}px"
    rights = page.eval_on_selector_all(
        "#nav-main .nav-link, #nav-main .btn, #nav-main select",
        "els => els.map(e => [e.textContent.trim(), Math.round(e.getBoundingClientRect().right)])",
    )
    off = [(text, right) for text, right in rights if right > width]
    assert not off, f"navbar items past the right edge at {width}px: {off}"
    context.close()
