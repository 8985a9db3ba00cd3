"""End to end: the real site build, served from 127.0.0.1 under a sub-path, in Debian chromium.

Builds `tests/fixtures/search` with `build.py build`, serves it at /danh-ba/ with
http.server, and drives /usr/bin/chromium through Playwright (never `playwright
install`). Checks: a name typed without diacritics finds its listing, facets change
the URL, results link to listing pages that exist, no console error, and no request
leaves 127.0.0.1. `make browser` installs chromium (as root).
"""

from __future__ import annotations

import json
import os
import unicodedata
from urllib.parse import parse_qs, urlsplit

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
    tab = context.new_page()
    tab.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
    assert problems == [], problems
    assert hosts and set(hosts) == {"127.0.0.1"}, set(hosts)


def _open(page, base, query=""):
    page.goto(base + "tim-kiem/" + query)
    page.wait_for_selector("#tk[data-ready]")


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
    page.keyboard.type(unicodedata.normalize("NFD", "triển lãm hà nộ"))
    page.wait_for_function("document.querySelectorAll('.tk-result').length === 1")
    assert _names(page) == ["Triển lãm sản phẩm tái chế Hà Nội"]
    assert _params(page)["q"] == [unicodedata.normalize("NFD", "triển lãm hà nộ")]


def test_facets_filter_count_and_stay_in_the_url(page, site):
    _out, base = site
    _open(page, base, "?q=dong%20nai")
    before = set(_names(page))
    assert {"Cửa hàng nông sản Đồng Thuận", "Hợp tác xã Đồng Thuận"} <= before
    # the checkbox's accessible name carries its count
    page.get_by_role("checkbox", name="Cơ sở phân phối bền vững (1)", exact=True).check()
    page.wait_for_function("document.querySelectorAll('.tk-result').length === 1")
    assert _names(page) == ["Cửa hàng nông sản Đồng Thuận"]
    assert "Đã hết hạn" in page.locator(".tk-result .tk-meta").text_content()
    assert _params(page) == {"q": ["dong nai"], "loai": ["distributor"]}
    page.get_by_label("Chỉ chứng nhận còn hiệu lực", exact=False).check()
    page.wait_for_selector("#tk-empty:not([hidden])")
    assert _params(page) == {"q": ["dong nai"], "loai": ["distributor"], "con-hieu-luc": ["1"]}
    assert page.locator("#tk-status").text_content() == "Không tìm thấy kết quả nào."
    assert "bỏ bớt bộ lọc" in page.locator("#tk-empty").text_content()
    page.locator("#tk-clear").click()
    page.wait_for_selector("#tk-empty", state="hidden")
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


def test_keyboard_reaches_the_facets(page, site):
    _out, base = site
    _open(page, base)
    page.get_by_label("Từ khóa", exact=False).focus()
    for _ in range(60):  # results come first in the page, then the filters
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "tk-f-valid":
            break
    assert page.evaluate("document.activeElement.id") == "tk-f-valid"
    page.keyboard.press("Space")
    page.wait_for_function("new URLSearchParams(location.search).get('con-hieu-luc') === '1'")
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
