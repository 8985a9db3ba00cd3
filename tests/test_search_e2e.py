"""End to end: the real site build, served from 127.0.0.1 under a sub-path, in Debian chromium.

Builds `tests/fixtures/search` once for the module with `build.py build`, serves it at
/danh-ba/ with http.server, and drives /usr/bin/chromium through Playwright (never
`playwright install`). Checks: a name typed without diacritics finds its listing, facets
change the URL, results link to listing pages that exist, notes and suggestions show, the
page fetches shards and no whole index, `window.SCPSearch` answers on any page, no console
error, and no request leaves 127.0.0.1. `make browser` installs chromium (as root).

Typing is asynchronous (a debounce, then shards and records are fetched): a test waits for
the final state, `#tk[data-shown]` equal to the URL's query string once the results for it
are on screen, never for a count that an intermediate query could also show.
"""

from __future__ import annotations

import json
import os
import unicodedata
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from browser import ROOT, SKIP_REASON, build_site, serve

PREFIX = "/danh-ba/"

pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    www = tmp_path_factory.mktemp("www")
    out = www / PREFIX.strip("/")
    build_site(ROOT / "tests" / "fixtures" / "search", out)
    with serve(www) as base:
        yield out, base.rstrip("/") + PREFIX


@pytest.fixture
def page(browser, site):
    context = browser.new_context()
    problems, hosts = [], []
    context.on("request", lambda request: hosts.append(urlsplit(request.url).hostname))
    context.on("request", lambda request: context.paths.append(urlsplit(request.url).path))
    context.paths = []
    tab = context.new_page()
    tab.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.set_default_timeout(10_000)
    tab.paths = context.paths
    yield tab
    context.close()
    assert problems == [], problems
    assert hosts and set(hosts) == {"127.0.0.1"}, set(hosts)


def _open(page, base, query=""):
    page.goto(base + "tim-kiem/" + query)
    page.wait_for_selector("#tk[data-ready]")


_SHOWN = """want => {
  const shown = document.getElementById('tk').getAttribute('data-shown');
  return shown !== null && JSON.stringify([...new URLSearchParams(shown)].sort()) === JSON.stringify(want);
}"""


def _settled(page, **params):
    """Wait until the results on screen answer exactly these URL parameters."""
    want = sorted([k.replace("_", "-"), v] for k, v in params.items())
    page.wait_for_function(_SHOWN, arg=want)


def _names(page):
    return page.locator(".tk-result .tk-name").all_text_contents()


def _params(page):
    return parse_qs(urlsplit(page.url).query)


def test_name_without_diacritics_finds_the_listing(page, site):
    _out, base = site
    _open(page, base, "?q=sieu%20thi%20xanh%20phuc%20hung")
    assert _names(page)[:1] == ["Siêu thị Xanh Phúc Hưng"]
    first = page.locator(".tk-result").first
    meta = first.locator(".tk-meta").text_content()
    assert "Cơ sở phân phối bền vững" in meta and "Hồ Chí Minh" in meta and "Chứng nhận: Còn hiệu lực" in meta
    assert page.get_by_label("Từ khóa", exact=False).input_value() == "sieu thi xanh phuc hung"
    assert "Tìm thấy" in page.locator("#tk-status").text_content()
    first.locator("a").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == PREFIX + "phan-phoi/sieu-thi-xanh-phuc-hung/"
    assert page.locator("h1").first.text_content().strip() == "Siêu thị Xanh Phúc Hưng"


def test_typing_with_nfd_and_prefix_updates_results_and_url(page, site):
    _out, base = site
    _open(page, base)
    assert "Danh bạ có 12 tin" in page.locator("#tk-status").text_content()
    box = page.get_by_label("Từ khóa", exact=False)
    box.focus()
    typed = unicodedata.normalize("NFD", "triển lãm hà nộ")
    page.keyboard.type(typed)
    _settled(page, q=typed)       # the whole query, not an intermediate one with one result too
    assert _names(page) == ["Triển lãm sản phẩm tái chế Hà Nội"]
    assert _params(page)["q"] == [typed]


def test_facets_filter_count_and_stay_in_the_url(page, site):
    _out, base = site
    _open(page, base, "?q=dong%20nai")
    before = set(_names(page))
    assert {"Cửa hàng nông sản Đồng Thuận", "Hợp tác xã Đồng Thuận"} <= before
    # the checkbox's accessible name carries its count
    page.get_by_role("checkbox", name="Cơ sở phân phối bền vững (1)", exact=True).check()
    _settled(page, q="dong nai", loai="distributor")
    assert _names(page) == ["Cửa hàng nông sản Đồng Thuận"]
    assert "Đã hết hạn" in page.locator(".tk-result .tk-meta").text_content()
    assert _params(page) == {"q": ["dong nai"], "loai": ["distributor"]}
    page.get_by_label("Chỉ chứng nhận còn hiệu lực", exact=False).check()
    _settled(page, q="dong nai", loai="distributor", con_hieu_luc="1")
    assert page.locator("#tk-empty").is_visible()
    assert _params(page) == {"q": ["dong nai"], "loai": ["distributor"], "con-hieu-luc": ["1"]}
    assert page.locator("#tk-status").text_content() == "Không tìm thấy kết quả nào."
    assert "bỏ bớt bộ lọc" in page.locator("#tk-empty").inner_text()
    page.locator("#tk-clear").click()
    _settled(page, q="dong nai")
    assert page.locator("#tk-empty").is_hidden()
    assert _params(page) == {"q": ["dong nai"]}
    assert set(_names(page)) == before


def test_filters_from_a_shared_url(page, site):
    _out, base = site
    _open(page, base, "?trien-lam=sap-toi")
    assert _names(page) == ["Triển lãm sản phẩm tái chế Hà Nội"]
    assert page.get_by_label("Sắp diễn ra", exact=False).is_checked()
    _open(page, base, "?mien=nam&con-hieu-luc=1")
    assert set(_names(page)) == {"Siêu thị Xanh Phúc Hưng", "Điểm thu gom pin lithium Phúc Hưng",
                                 "Gạch không nung từ tro xỉ"}
    _open(page, base, "?q=xyzzy")
    assert page.locator("#tk-status").text_content() == "Không tìm thấy kết quả nào."
    assert page.locator("#tk-clear").is_hidden()    # nothing to remove: no filter is on
    assert "bộ lọc" not in page.locator("#tk-empty").inner_text()    # and the message says nothing of filters
    assert page.locator(".tk-suggestion").count() > 0                # but offers other words


def test_keyboard_reaches_the_facets(page, site):
    _out, base = site
    _open(page, base)
    page.get_by_label("Từ khóa", exact=False).focus()
    for _ in range(60):  # from the query box, Tab reaches the filters (before the results)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "tk-f-valid":
            break
    assert page.evaluate("document.activeElement.id") == "tk-f-valid"
    page.keyboard.press("Space")
    _settled(page, con_hieu_luc="1")
    assert page.locator("#tk-status").get_attribute("aria-live") == "polite"


def test_builtin_search_leaves_listings_out(site):
    out, _base = site
    docs = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = {d["location"].split("#")[0] for d in docs}
    kinds = ("doanh-nghiep/", "san-pham/", "tai-che/", "mo-hinh/", "phan-phoi/", "trien-lam/", "chao-ban/",
             "nhu-cau/", "tim-kiem/")
    assert not [loc for loc in locations if loc.startswith(kinds) and loc.count("/") > 1]
    assert "tim-kiem/" not in locations
    assert (out / "tim-kiem" / "chi-muc.json").is_file() and os.path.getsize(out / "tim-kiem" / "chi-muc.json") > 0


def test_notes_and_suggestions(page, site):
    _out, base = site
    _open(page, base, "?q=" + quote("taif che pin"))     # a Telex tone key left in
    assert _names(page)[:1] == ["Điểm thu gom pin lithium Phúc Hưng"]
    assert "đang tìm “tai”" in page.locator("#tk-notes").inner_text()
    _open(page, base, "?q=" + quote("sieu thi hcm"))      # shorthand for the province
    assert _names(page) == ["Siêu thị Xanh Phúc Hưng"]
    assert "Thành phố Hồ Chí Minh" in page.locator("#tk-notes").inner_text()
    _open(page, base, "?q=" + quote("pin dong nai"))      # no listing has every word
    assert page.locator("#tk-notes").inner_text().endswith("tin khớp nhiều từ nhất.")
    _open(page, base, "?q=nhuaaa")                        # too far for a correction: suggestions
    suggestion = page.locator(".tk-suggestion").first
    text = suggestion.inner_text()
    suggestion.click()
    _settled(page, q=text)
    assert page.get_by_label("Từ khóa", exact=False).input_value() == text
    assert _names(page)


def test_the_page_fetches_shards_not_a_whole_index(page, site):
    _out, base = site
    _open(page, base, "?q=" + quote("gach khong nung"))
    assert _names(page)[:1] == ["Gạch không nung từ tro xỉ"]
    fetched = [p.split("/tim-kiem/", 1)[1] for p in page.paths if "/tim-kiem/" in p]
    assert "chi-muc.json" in fetched and "danh-sach.json" in fetched
    assert any(p.startswith("chi-muc/t") for p in fetched) and any(p.startswith("chi-muc/d") for p in fetched)


def test_scpsearch_api_on_another_page(page, site):
    """The engine for a type-ahead anywhere: lunr and tim-kiem-loi.js, then SCPSearch.load(root)."""
    _out, base = site
    page.goto(base + "phan-phoi/sieu-thi-xanh-phuc-hung/")
    page.add_script_tag(url="../../tim-kiem/lunr-2.3.9.min.js")
    page.add_script_tag(url="../../tim-kiem/tim-kiem-loi.js")
    answer = page.evaluate("""async () => {
        await SCPSearch.load("../../");
        const found = await SCPSearch.query("sieu thi xanh ph", {limit: 3});
        return {found, kind: SCPSearch.labels.k[found.results[0].item.k]};
    }""")
    first = answer["found"]["results"][0]
    assert first["item"]["n"] == "Siêu thị Xanh Phúc Hưng" and first["item"]["u"] == "phan-phoi/sieu-thi-xanh-phuc-hung/"
    assert first["item"]["m"] == 1 and first["item"]["p"] == "ho_chi_minh" and first["score"] > 0
    assert answer["kind"] == "Cơ sở phân phối bền vững"
    assert answer["found"]["fallback"] is False and answer["found"]["notes"] == []
    assert len(answer["found"]["results"]) <= 3
