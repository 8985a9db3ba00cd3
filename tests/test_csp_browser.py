"""The built site under the published Content-Security-Policy, in Debian chromium.

The site of `tests/fixtures/site` is served from 127.0.0.1 with the headers of
`directory.deploy.SECURITY_HEADERS` (the ones docs/deploy.md puts in nginx). Chromium
reports every CSP violation as a console message "Refused to ..."; none may appear on
the home, listing, index, guide (with the header search used), search and 404 pages,
and no console error either. A control page with an inline script, handler and style
shows that violations are seen. Also: no built page carries inline script, handler or
style markup, material's globals (moved to md-scope.js) behave as the inline original,
and docs/deploy.md gives nginx exactly these headers. When nginx is installed, the nginx
block of docs/deploy.md itself serves the site and its types, cache, gzip and headers
are checked.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from browser import NGINX_MISSING, ROOT, SKIP_REASON, Watch, build_site, header_search, serve, serve_nginx

from directory.deploy import CONTENT_SECURITY_POLICY, SECURITY_HEADERS

needs_browser = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")

PAGES = [
    "",                               # home
    "san-pham/",                      # kind index
    "san-pham/tui-giay/",             # product
    "trien-lam/hoi-cho-nam-2024/",    # exhibition
    "doanh-nghiep/xanh-ha-noi/",      # organisation
    "chao-ban/ban-giay-vun/",         # offer
    "cung-cau/",                      # board
    "nganh/", "tinh-thanh/",          # group indexes
    "du-lieu/",                       # open data
    "404.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("csp") / "site"
    build_site(ROOT / "tests" / "fixtures" / "site", out)
    return out


@pytest.fixture(scope="module")
def served(site):
    with serve(site, SECURITY_HEADERS) as base:
        yield base


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    hosts: list[str] = []
    context.on("request", lambda request: hosts.append(urlsplit(request.url).hostname))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.watch = Watch(page)
    yield page
    context.close()
    assert set(hosts) <= {"127.0.0.1"}, set(hosts)


def _clean(page) -> None:
    assert page.watch.csp == [], page.watch.csp
    assert page.watch.errors == [], page.watch.errors


@needs_browser
def test_control_page_violations_are_seen(tab, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><p style="color:red">x</p><button onclick="x()">b</button>'
        "<script>window.ran = true</script>", encoding="utf-8")
    with serve(tmp_path, SECURITY_HEADERS) as base:
        tab.goto(base)
        tab.wait_for_load_state("load")
        assert tab.evaluate("window.ran === undefined")     # the inline script was blocked
        # one message for the inline script, one for the style attribute
        assert len(tab.watch.csp) >= 2, tab.watch.csp
        assert any("script-src" in m for m in tab.watch.csp) and any("style-src" in m for m in tab.watch.csp)


@needs_browser
@pytest.mark.parametrize("rel", PAGES)
def test_pages_satisfy_the_policy(tab, served, rel):
    response = tab.goto(served + rel)
    assert response.status == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    tab.wait_for_load_state("load")
    # material's bundle ran (it swaps the class no-js for js), after md-scope.js. Locators,
    # not wait_for_function: Playwright polls that with eval, which this policy refuses.
    tab.locator("html.js").wait_for(state="attached")
    assert tab.evaluate("typeof __md_get") == "function"
    _clean(tab)


@needs_browser
def test_header_search_finds_listings_from_the_guide_page(tab, served):
    """The header box searches the directory (not the theme's page index) under the strict CSP:
    "giấy phép" finds the recycler that holds an environmental permit."""
    tab.goto(served + "huong-dan/")
    found = header_search(tab, "giấy phép")
    assert any("Điểm thu gom pin lithium" in text for text in found), found
    _clean(tab)


@needs_browser
def test_search_page_returns_results(tab, served):
    tab.goto(served + "tim-kiem/?q=hop%20carton")
    tab.wait_for_selector("#tk[data-ready]")
    names = tab.locator(".tk-result .tk-name").all_text_contents()
    assert names[:1] == ["Hộp carton tái chế"], names
    box = tab.get_by_label("Từ khóa", exact=False)
    box.fill("")
    box.type("tui giay")
    tab.wait_for_selector('#tk[data-q="tui giay"]')   # the results of the whole query, not of "tui gia"
    tab.locator(".tk-result .tk-name", has_text="Túi giấy tái chế").wait_for()
    _clean(tab)


@needs_browser
def test_material_globals_match_the_inline_original(tab, served):
    tab.goto(served + "san-pham/tui-giay/")
    tab.wait_for_load_state("load")
    assert tab.evaluate("__md_scope.href") == served            # two levels up, not the page
    original = "e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0)"
    for text in ["", "abc", "https://scp.gov.vn/ và tiếng Việt", "x" * 200]:
        ours, theirs = tab.evaluate(f"s => [__md_hash(s), ({original})(s)]", text)
        assert ours == theirs
    tab.evaluate("__md_set('__probe', {a: [1, 'b']})")
    assert tab.evaluate("localStorage.getItem('/.__probe')") == '{"a":[1,"b"]}'
    assert tab.evaluate("__md_get('__probe')") == {"a": [1, "b"]}
    _clean(tab)


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I)
_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
_STYLE = re.compile(r"<[^>]+\sstyle\s*=|<style[\s>]", re.I)


def test_no_page_has_inline_script_handler_or_style(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        html = path.read_text(encoding="utf-8")
        where = path.relative_to(site).as_posix()
        assert not _INLINE_SCRIPT.search(html), where
        assert not _HANDLER.search(html), where
        assert not _STYLE.search(html), where
        assert "assets/javascripts/md-scope.js" in html and "assets/javascripts/md-content.js" in html, where


def test_deploy_doc_gives_nginx_exactly_these_headers():
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", doc, re.S)
    assert blocks, "docs/deploy.md has no nginx block"
    found = re.findall(r'^\s*add_header\s+(\S+)\s+"([^"]*)"\s+always;', "\n".join(blocks), re.M)
    headers = {name: value for name, value in found if name in SECURITY_HEADERS}
    assert headers == SECURITY_HEADERS
    # each security header is set once, so a second copy cannot disagree with the first
    assert sorted(name for name, _ in found if name in SECURITY_HEADERS) == sorted(SECURITY_HEADERS)
    assert CONTENT_SECURITY_POLICY in doc


# --- The nginx block of docs/deploy.md, run for real when nginx is installed ----------

@pytest.fixture(scope="module")
def nginx(site, tmp_path_factory):
    """docs/deploy.md's nginx configuration serving the built site (tests/browser.py serve_nginx)."""
    if NGINX_MISSING:
        pytest.skip(NGINX_MISSING)
    try:
        with serve_nginx(site, tmp_path_factory.mktemp("nginx")) as base:
            yield base
    except RuntimeError as err:
        pytest.fail(str(err))


def _head(url: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, method="HEAD", headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}


SHORT, LONG = "public, max-age=300, must-revalidate", "public, max-age=31536000, immutable"


def test_documented_nginx_serves_types_cache_gzip_and_headers(nginx, site):
    bundle = next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix()
    worker = next(site.glob("assets/javascripts/workers/search.*.min.js")).relative_to(site).as_posix()
    style = next(site.glob("assets/stylesheets/main.*.min.css")).relative_to(site).as_posix()
    expected = {
        "": ("text/html; charset=utf-8", SHORT),
        "san-pham/tui-giay/": ("text/html; charset=utf-8", SHORT),
        "du-lieu/trien-lam.ics": ("text/calendar; charset=utf-8", SHORT),
        "du-lieu/product.csv": ("text/csv; charset=utf-8", SHORT),
        "du-lieu/moi-nhat.atom": ("application/atom+xml; charset=utf-8", SHORT),
        "du-lieu/listings.json": ("application/json; charset=utf-8", SHORT),
        "search/search_index.json": ("application/json; charset=utf-8", SHORT),
        "assets/javascripts/md-scope.js": ("application/javascript; charset=utf-8", SHORT),
        bundle: ("application/javascript; charset=utf-8", LONG),
        worker: ("application/javascript; charset=utf-8", LONG),
        style: ("text/css; charset=utf-8", LONG),
    }
    for rel, (content_type, cache) in expected.items():
        status, headers = _head(nginx + rel)
        assert status == 200, rel
        assert (headers["content-type"], headers["cache-control"]) == (content_type, cache), rel
        assert headers.get("content-encoding") == "gzip", rel
        for name, value in SECURITY_HEADERS.items():
            assert headers[name.lower()] == value, (rel, name)
    status, headers = _head(nginx + "khong-co-trang-nay/")
    assert status == 404 and headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(nginx + "khong-co-trang-nay/", timeout=5)
    assert "404 - Không tìm thấy trang" in missing.value.read().decode("utf-8")


@needs_browser
def test_documented_nginx_page_runs_without_violation(tab, nginx):
    tab.goto(nginx + "huong-dan/")
    header_search(tab, "giấy phép")
    _clean(tab)
