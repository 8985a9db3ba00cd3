"""What a buyer sees, in Debian chromium at phone (390 px) and desktop (1280 px) width.

The fixture site (tests/fixtures/site) is built once, served under the published CSP,
and each page type is opened at both widths: no page scrolls sideways, listing tables
become one card per row on a phone, the key facts and contact buttons lead a listing,
samples are marked, and axe-core (npm, pinned) finds no serious or critical problem.
"""

from __future__ import annotations

import datetime as dt

import pytest
from browser import ROOT, SKIP_REASON, Watch, serve

from directory import site
from directory.deploy import SECURITY_HEADERS

pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1280)
PAGES = {
    "home": "",
    "product": "san-pham/tui-giay/",
    "offer": "chao-ban/ban-giay-vun/",
    "organisation": "doanh-nghiep/xanh-ha-noi/",
    "exhibitions": "trien-lam/",
    "exhibition": "trien-lam/trien-lam-bac/",
    "board": "cung-cau/giay/",
    "offers": "chao-ban/",
    "province": "tinh-thanh/ha-noi/",
    "guide": "huong-dan/",
    "guide-kind": "huong-dan/chao-ban/",
    "search": "tim-kiem/?q=giay",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("buyer") / "site"
    site.build(ROOT / "tests" / "fixtures" / "site", out, on=dt.date(2025, 10, 1))
    with serve(out, SECURITY_HEADERS) as base:
        yield base


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def tab(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    page = context.new_page()
    page.width = request.param
    yield page
    context.close()


def _open(tab, base: str, path: str) -> Watch:
    watch = Watch(tab)
    response = tab.goto(base + path)
    assert response is not None and response.ok, path
    tab.wait_for_load_state("load")
    return watch


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_scrolls_sideways(tab, served, name):
    _open(tab, served, PAGES[name])
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.width, name


def test_listing_tables_are_cards_on_a_phone_and_tables_on_a_desktop(tab, served):
    _open(tab, served, PAGES["board"])
    row = tab.locator(".scp-table--stack tbody tr").first
    display = row.evaluate("r => getComputedStyle(r).display")
    label = tab.locator(".scp-table--stack tbody td[data-label]").first.evaluate(
        "td => getComputedStyle(td, '::before').content")
    if tab.width == 390:
        assert display == "block" and label.startswith('"') and label != '""'
    else:
        assert display == "table-row" and label in ("none", "normal")


def test_a_listing_leads_with_its_key_facts_and_contact_buttons(tab, served):
    _open(tab, served, PAGES["product"])
    facts = tab.locator(".scp-keyfacts dt").all_inner_texts()
    assert [f.strip().upper() for f in facts] == ["LOẠI TIN", "ĐƠN VỊ", "Ở ĐÂU", "TÌNH TRẠNG"]
    call = tab.locator(".scp-actions a[href^='tel:']")
    assert call.count() == 1 and call.is_visible()
    box = call.bounding_box()
    assert box["height"] >= 24 and box["x"] + box["width"] <= tab.width  # a target a thumb can hit, on screen
    keycard_top = tab.locator(".scp-keycard").bounding_box()["y"]
    assert keycard_top < tab.locator("#thong-tin").bounding_box()["y"]  # before the details


def test_samples_are_marked_wherever_they_appear(tab, served):
    _open(tab, served, PAGES["product"])  # a sample: its page says so at the top
    note = tab.locator(".scp-sample-note")
    assert note.is_visible() and note.bounding_box()["y"] < tab.locator(".scp-keycard").bounding_box()["y"]
    assert tab.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    _open(tab, served, PAGES["home"])
    assert tab.locator(".scp-kinds .scp-badge--sample").count() >= 1


def test_the_section_tab_of_a_listing_is_highlighted(tab, served):
    if tab.width == 390:
        pytest.skip("the tabs are in the drawer on a phone")
    _open(tab, served, PAGES["offer"])
    assert tab.locator(".md-tabs__item--active").inner_text().strip() == "Cung cầu"


@pytest.mark.parametrize("name", ["home", "product", "offer", "board", "exhibitions", "search", "guide"])
def test_axe_finds_no_serious_problem(tab, served, name):
    if not AXE.is_file():
        pytest.fail("node_modules/axe-core thiếu: chạy `make node_modules` / run `make node_modules`")
    watch = _open(tab, served, PAGES[name])
    if name == "search":
        tab.wait_for_selector("#tk[data-ready]")
    tab.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the driver, so the page's CSP allows it
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name} @ {tab.width}px"
    assert watch.csp == []


def test_the_header_box_searches_the_directory_as_you_type(tab, served):
    """Type-ahead from the directory's index on any page; Enter opens the search page with the query."""
    _open(tab, served, PAGES["offer"])
    if tab.width == 390:
        tab.locator('label.md-header__button[for="__search"]').click()
    box = tab.locator("[data-scp-search] input[name=q]")
    box.fill("tui giay")
    tab.wait_for_function("() => document.getElementById('scp-ta-list').dataset.query === 'tui giay'")
    assert tab.locator("#scp-ta-list [role=option] h1").first.inner_text().startswith("Túi giấy tái chế")
    first = tab.locator("#scp-ta-list [role=option]").first
    assert first.locator(".scp-badge--sample").count() == 1  # a sample says so, even in a suggestion
    assert "kết quả" in tab.locator("#scp-ta-status").inner_text()
    box.press("Enter")
    tab.wait_for_url("**/tim-kiem/?q=tui+giay")
    assert tab.locator("#tk-q").input_value() == "tui giay"


def test_without_javascript_the_home_page_form_still_searches(browser, served):
    """Material hides its header box without JavaScript; the home page's own form is a plain GET."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(served)
    page.locator("#scp-home-q").fill("pin")
    page.locator("#scp-home-q").press("Enter")
    page.wait_for_url("**/tim-kiem/?q=pin")
    context.close()
