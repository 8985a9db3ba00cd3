"""What a buyer sees, in Debian chromium at phone (390 px) and desktop (1280 px) width.

The fixture site (tests/fixtures/site) is built once, served under the published CSP,
and each page type is opened at both widths: no page scrolls sideways, listing tables
become one card per row on a phone, the key facts and contact buttons lead a listing,
samples are marked, and axe-core (npm, pinned) finds no serious or critical problem.
On the search page: nothing moves when the results arrive (cumulative layout shift from
'layout-shift' entries below 0.1), every filter checkbox and its label is a target of at
least 24 x 24 px, and the filters, which come first on screen, come first in the tab order.
"""

from __future__ import annotations

import datetime as dt
import itertools

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
    "dashboard": "thong-ke/",
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


def test_search_results_mark_samples_and_only_samples(tab, served):
    _open_search(tab, served, "?q=tai%20che")
    rows = {row.locator(".tk-name").inner_text(): row.locator(".scp-badge--sample").count()
            for row in tab.locator(".tk-result").all()}
    assert rows["Túi giấy tái chế"] == 1 and rows["Hộp carton tái chế"] == 0   # a sample and a real listing


def test_the_section_tab_of_a_listing_is_highlighted(tab, served):
    if tab.width == 390:
        pytest.skip("the tabs are in the drawer on a phone")
    _open(tab, served, PAGES["offer"])
    assert tab.locator(".md-tabs__item--active").inner_text().strip() == "Cung cầu"


def _axe_serious(tab) -> list[str]:
    tab.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the driver, so the page's CSP allows it
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name", ["home", "product", "offer", "organisation", "board", "exhibitions", "exhibition",
                                  "search", "guide", "dashboard"])
def test_axe_finds_no_serious_problem(tab, served, name):
    if not AXE.is_file():
        pytest.fail("node_modules/axe-core thiếu: chạy `make node_modules` / run `make node_modules`")
    watch = _open(tab, served, PAGES[name])
    if name == "search":
        tab.wait_for_selector("#tk[data-ready]")
        if tab.locator("#tk-toggle").is_visible():   # a phone: the filters too, once opened
            tab.locator("#tk-toggle").click()
            tab.locator(".tk-option").first.wait_for()
    assert _axe_serious(tab) == [], f"{name} @ {tab.width}px"
    assert watch.csp == []


# --- The search page: layout shift, touch targets, tab order -------------------------

# Every layout shift of the page so far ('layout-shift' entries, buffered), once two more frames
# are painted: the shifts of the frame that showed the results are reported by then. Shifts
# within 500 ms of an input do not count toward CLS (hadRecentInput), as in the metric.
_LAYOUT_SHIFT = """() => new Promise(resolve => {
  const entries = [];
  new PerformanceObserver(list => entries.push(...list.getEntries()))
    .observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(entries
    .filter(e => !e.hadRecentInput)
    .map(e => ({value: e.value, sources: (e.sources || []).map(s => s.node ? s.node.id || s.node.className : '')})))));
})"""


def _open_search(tab, base: str, query: str) -> None:
    _open(tab, base, "tim-kiem/" + query)
    tab.wait_for_selector("#tk[data-ready]")


@pytest.mark.parametrize("query", ["?q=giay", "", "?q=xyzzy", "?q=pin&loai=recycler"])
def test_search_results_arrive_without_layout_shift(tab, served, query):
    """Results, filters, notes and suggestions fill room kept for them: CLS < 0.1 once shown."""
    _open_search(tab, served, query)
    shifts = tab.evaluate(_LAYOUT_SHIFT)
    assert sum(s["value"] for s in shifts) < 0.1, (tab.width, shifts)


def test_search_shows_no_layout_shift_while_typing(tab, served):
    """A new query's results replace the old ones in place; nothing above them moves."""
    _open_search(tab, served, "?q=giay")
    box = tab.locator("#tk-q")
    box.fill("pin lithium")
    tab.wait_for_selector('#tk[data-q="pin lithium"]')
    shifts = tab.evaluate(_LAYOUT_SHIFT)
    assert sum(s["value"] for s in shifts) < 0.1, (tab.width, shifts)


def _open_filters(tab) -> None:
    """On a phone the filters are behind the "Bộ lọc" button; open them (a no-op on a desktop)."""
    toggle = tab.locator("#tk-toggle")
    if toggle.is_visible():
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
    else:
        assert tab.width >= 1000
    tab.locator(".tk-option").first.wait_for()


def test_filter_checkboxes_are_touch_targets_of_24_px(tab, served):
    _open_search(tab, served, "?q=giay")
    _open_filters(tab)
    boxes = tab.locator(".tk-option").evaluate_all("""rows => rows.map(row => {
      const box = r => { const b = r.getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; };
      return {text: row.textContent.trim(), label: row.tagName, row: box(row), input: box(row.querySelector('input'))};
    })""")
    assert len(boxes) > 20
    for option in boxes:
        assert option["label"] == "LABEL", option      # the whole row toggles the checkbox
        for part in ("row", "input"):
            _x, _y, width, height = option[part]
            assert width >= 24 and height >= 24, (tab.width, part, option)
    # rows do not overlap, so each one's 24 px is its own
    for above, below in itertools.pairwise(boxes):
        if above["row"][0] == below["row"][0] and below["row"][1] > above["row"][1]:
            assert below["row"][1] >= above["row"][1] + above["row"][3] - 0.5, (above, below)
    # the label's whole width toggles the checkbox
    first = tab.locator(".tk-option").nth(1)
    before = first.locator("input").is_checked()
    row = first.bounding_box()
    tab.mouse.click(row["x"] + row["width"] - 2, row["y"] + row["height"] / 2)
    assert first.locator("input").is_checked() != before


def _tab_until_result(tab, limit: int = 120) -> list[str]:
    """Press Tab from the query box until a result link has focus; what got focus, in order."""
    tab.locator("#tk-q").focus()
    seen = []
    for _ in range(limit):
        tab.keyboard.press("Tab")
        seen.append(tab.evaluate("""() => { const e = document.activeElement;
          return e.closest('.tk-result') ? 'result' : e.id === 'tk-toggle' ? 'toggle'
            : e.matches('.tk-option input') ? 'filter' : e.matches('.tk-skip') ? 'skip' : e.id || e.tagName; }"""))
        if seen[-1] == "result":
            return seen
    raise AssertionError(f"no result reached by Tab: {seen}")


def test_filters_first_on_screen_come_first_in_the_tab_order(tab, served):
    _open_search(tab, served, "?q=giay")
    filters = tab.locator("#tk-toggle" if tab.locator("#tk-toggle").is_visible() else "#tk-facets").bounding_box()
    results = tab.locator("#tk-results").bounding_box()
    beside = filters["y"] < results["y"] + results["height"] and filters["x"] + filters["width"] <= results["x"]
    above = filters["y"] + filters["height"] <= results["y"]
    assert beside or above, (tab.width, filters, results)          # on screen, the filters come first
    order = _tab_until_result(tab)
    if tab.width == 390:
        assert above and order[0] == "toggle", order                 # the button, then the results
        _open_filters(tab)
        order = _tab_until_result(tab)
        assert order[:3] == ["toggle", "skip", "filter"], order
    else:
        assert beside and order[:2] == ["skip", "filter"], order
    assert order.count("filter") == tab.locator(".tk-option input").count(), order   # every filter, then results


def test_the_skip_link_jumps_from_the_filters_to_the_results(tab, served):
    _open_search(tab, served, "?q=giay")
    _open_filters(tab)
    skip = tab.locator(".tk-skip")
    skip.focus()
    assert skip.is_visible() and skip.bounding_box()["x"] >= 0          # shown when focused
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    assert tab.evaluate("!!document.activeElement.closest('.tk-result')")


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
