"""The dashboard /thong-ke/ in Debian chromium, served with the published security headers.

The site of `tests/fixtures/stats` (reference date 2025-10-01) is served from 127.0.0.1 with
`directory.deploy.SECURITY_HEADERS`. The page must raise no CSP report ("Refused to ...") and
no console error, request no other host, never scroll sideways on a 390 px phone, and leave
axe-core (node_modules/axe-core, pinned in package-lock.json) with no serious or critical
violation at 390 and 1280 px. axe is injected into a second context that bypasses the CSP: the
page itself allows no injected script. The tile map shows a province's name and count on hover
and on keyboard focus through CSS alone, and each tile opens its province page.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from browser import ROOT, SKIP_REASON, Watch, serve

from directory import site
from directory.deploy import CONTENT_SECURITY_POLICY, SECURITY_HEADERS

needs_browser = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ON = dt.date(2025, 10, 1)
PAGE = "thong-ke/"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("stats-site") / "site"
    site.build(ROOT / "tests" / "fixtures" / "stats", out, "https://scp.gov.vn/", on=ON)
    with serve(out, SECURITY_HEADERS) as base:
        yield base


def _open(browser, served, width: int, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    hosts: list[str] = []
    context.on("request", lambda request: hosts.append(urlsplit(request.url).hostname))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.watch = Watch(page)
    response = page.goto(served + PAGE)
    assert response.status == 200
    page.wait_for_load_state("load")
    page.locator("html.js").wait_for(state="attached")
    return context, page, hosts


@needs_browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_policy_holds_and_nothing_overflows(browser, served, width):
    context, page, hosts = _open(browser, served, width)
    try:
        assert page.watch.csp == [], page.watch.csp
        assert page.watch.errors == [], page.watch.errors
        assert set(hosts) <= {"127.0.0.1"}, set(hosts)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("svg.scp-svg").count() >= 7
        # every chart is drawn at the width of its box, never wider than the page
        widths = page.evaluate("[...document.querySelectorAll('svg.scp-svg')]"
                               ".map(s => s.getBoundingClientRect().right)")
        assert max(widths) <= width
    finally:
        context.close()


@needs_browser
def test_the_page_is_served_with_the_policy(browser, served):
    context, page, _ = _open(browser, served, 1280)
    try:
        response = page.request.get(served + PAGE)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    finally:
        context.close()


@needs_browser
@pytest.mark.skipif(not AXE.is_file(), reason="chạy `npm ci` / run `npm ci` (axe-core)")
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_serious_or_critical_violation(browser, served, width):
    context, page, _ = _open(browser, served, width, bypass_csp=True)
    try:
        page.add_script_tag(path=str(AXE))
        # The page's own content: the header, tabs, search dialog and footer are the theme's,
        # the same on every page of the site (test_csp_browser.py covers those pages).
        found = page.evaluate("""async () => {
            const context = {include: [['.md-content']]};
            const result = await axe.run(context, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""")
        bad = [v for v in found if v["impact"] in ("serious", "critical")]
        assert bad == [], bad
    finally:
        context.close()


def _info_visible(page, code: str) -> bool:
    return page.evaluate(
        "code => getComputedStyle(document.querySelector(`a[data-province=\"${code}\"] .scp-map-info`))"
        ".visibility === 'visible'", code)


@needs_browser
def test_tiles_name_their_province_on_hover_and_keyboard_focus(browser, served):
    context, page, _ = _open(browser, served, 1280)
    try:
        hanoi = page.locator('a[data-province="ha_noi"]')
        assert not _info_visible(page, "ha_noi")
        hanoi.locator("rect.scp-tile").hover()   # the link's box also holds its (hidden) info panel
        assert _info_visible(page, "ha_noi") and not _info_visible(page, "hue")
        info = hanoi.locator(".scp-map-info").text_content()
        assert "TP Hà Nội" in info and "9 tin" in info
        page.mouse.move(0, 0)
        assert not _info_visible(page, "ha_noi")
        # keyboard: Tab from the link just before the map reaches the first tile
        page.locator("#ct-map-h").scroll_into_view_if_needed()
        page.evaluate("document.querySelector('a[data-province=\"lai_chau\"]').focus()")
        page.keyboard.press("Tab")                       # keyboard focus on the next tile
        focused = page.evaluate("document.activeElement.getAttribute('data-province')")
        assert focused == "lao_cai"
        assert page.evaluate("document.activeElement.matches(':focus-visible')")
        assert _info_visible(page, "lao_cai")
        stroke = page.evaluate("getComputedStyle(document.activeElement.querySelector('.scp-tile')).strokeWidth")
        assert stroke == "4px"                            # a visible focus ring on the tile itself
        assert page.watch.csp == [] and page.watch.errors == []
    finally:
        context.close()


@needs_browser
def test_a_tile_opens_its_province_page(browser, served):
    context, page, _ = _open(browser, served, 390)
    try:
        page.locator('a[data-province="ho_chi_minh"] rect.scp-tile').click()
        page.wait_for_url("**/tinh-thanh/ho-chi-minh/")
        assert "Hồ Chí Minh" in page.locator("h1").first.text_content()
    finally:
        context.close()


@needs_browser
def test_data_tables_open_from_their_disclosure(browser, served):
    context, page, _ = _open(browser, served, 390)
    try:
        table = page.locator("table", has_text="Mô hình theo ngành và tình trạng")
        assert not table.is_visible()
        page.locator("section[aria-labelledby='ct-sectors-h'] summary").click()
        assert table.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
