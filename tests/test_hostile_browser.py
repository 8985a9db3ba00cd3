"""Hostile listing text, built into a real site and opened in Debian chromium.

A copy of `tests/fixtures/valid` gets the same hostile text (script tags, event handlers,
an attribute break-out, jinja2 syntax, a `javascript:` Markdown link) in every free-text
field of every kind, and URL fields that are valid http(s) but carry quotes and
`javascript:` in their query. The site is built with `build.py build` and served WITHOUT
a Content-Security-Policy, so that it is the markup itself, not the policy, that has to be
inert. Every built HTML page is opened, the header search and the /tim-kiem/ page are used
with words of the payload; no dialog may fire, no element may carry an `on*` attribute or
a `javascript:` link, and the text must show literally. The validator refusing a
`javascript:` URL, and the built CSV files carrying no formula cell, are checked too (the
CSV rule itself is unit-tested in tests/test_export.py).
"""

from __future__ import annotations

import csv
import shutil
from urllib.parse import quote

import pytest
import yaml
from browser import SKIP_REASON, Watch, build_site, header_search, serve
from conftest import VALID, assert_message

from directory.models import MODELS
from directory.export import FORMULA_STARTS

PAYLOAD = ('<script>alert(1)</script> <img src=x onerror=alert(2)> "><svg onload=alert(3)> '
           "{{ 7*7 }} {% raw %} [x](javascript:alert(4))")
DESCRIPTION = (PAYLOAD + "\n\n[lien ket](javascript:alert(5)) ![anh](javascript:alert(6)) "
               "<javascript:alert(7)> [tham chieu][r]\n\n[r]: javascript:alert(8)\n\n"
               '<a href="javascript:alert(9)" onclick="alert(10)">a</a>\n\n=HYPERLINK("http://x.example")')
URL = "https://mauxanh.example.vn/a?x='onmouseover='alert(11)'&y=javascript:alert(12)"
SOURCE = {"document": PAYLOAD, "task": PAYLOAD, "title": PAYLOAD, "url": URL}
CERTIFICATE = {"scheme": "khac", "scheme_name": PAYLOAD, "issuer": PAYLOAD, "number": "@SUM(A1) " + PAYLOAD,
               "valid_from": "2025-01-01", "valid_until": "2099-12-31", "url": URL}

needs_browser = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


def _poison(data: dict) -> dict:
    """Hostile text in every free-text field of one listing (the fields its kind has)."""
    kind = data["kind"]
    data.update(name=PAYLOAD, name_en=PAYLOAD, summary=PAYLOAD, description=DESCRIPTION, sources=[SOURCE])
    if "address" in data:
        data["address"]["street"] = "+84 " + PAYLOAD
    if kind == "organisation":
        data["contact"]["website"] = URL
    if kind in ("product", "distributor"):
        data["certificates"] = [CERTIFICATE]
    if kind == "product":
        data.update(environmental_claims=["-30% " + PAYLOAD, PAYLOAD], website=URL)
    if kind == "recycler":
        data["permits"] = [CERTIFICATE]
    if kind in ("offer", "demand"):
        data["material"] = "=1+1 " + PAYLOAD
    if kind == "model":
        data.update(results=[PAYLOAD], documents=[{"title": PAYLOAD, "url": URL}])
        data["programme"].update(title=PAYLOAD, url=URL)
    if kind == "exhibition":
        data.update(venue=PAYLOAD, website=URL)
    return data


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    listings = work / "listings"
    shutil.copytree(VALID, listings)
    for path in sorted(listings.rglob("*.yaml")):
        data = _poison(yaml.safe_load(path.read_text(encoding="utf-8")))
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = work / "site"
    build_site(listings, out)
    return out


@pytest.fixture(scope="module")
def tab(browser, site):
    with serve(site) as base:          # no security headers: the markup must be inert by itself
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.watch = Watch(page)
        page.base = base
        yield page
        context.close()


# Every element's on* attributes, javascript: URLs in any attribute, and executable scripts.
_ACTIVE = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase();
      if (attr.name.toLowerCase().startsWith('on')) found.push(el.tagName + ' ' + attr.name);
      if (/^(javascript|vbscript|data):/.test(value) && attr.name !== 'content') found.push(el.tagName + ' ' + attr.name + '=' + attr.value);
    }
  }
  for (const s of document.querySelectorAll('script:not([src])')) {
    if (!['application/json', 'application/ld+json'].includes(s.type)) found.push('inline script: ' + s.textContent.slice(0, 60));
  }
  return found;
}"""


def _inert(page) -> None:
    assert page.evaluate(_ACTIVE) == []
    assert page.watch.dialogs == [], page.watch.dialogs


def test_validator_refuses_javascript_urls(tree):
    tree.edit("organisation/cong-ty-mau.yaml", "website: https://mauxanh.example.vn", "website: javascript:alert(1)")
    problem = tree.one_error()
    assert problem.field == "contact.website" and problem.code == "url_scheme"
    assert_message(problem, "https://", "https://")


@needs_browser
def test_every_page_is_inert(tab, site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        rel = path.relative_to(site).as_posix()
        tab.goto(tab.base + rel.removesuffix("index.html"))
        tab.wait_for_load_state("load")
        tab.locator("html.js").wait_for(state="attached")   # material's bundle ran too
        assert tab.evaluate(_ACTIVE) == [], rel
    assert tab.watch.dialogs == [], tab.watch.dialogs
    assert tab.watch.errors == [], tab.watch.errors


@needs_browser
@pytest.mark.parametrize("rel", ["san-pham/tui-giay-mau/", "trien-lam/trien-lam-mau/", "mo-hinh/mo-hinh-mau/",
                                 "chao-ban/ban-giay-vun-mau/", "doanh-nghiep/cong-ty-mau/"])
def test_text_is_shown_literally(tab, rel):
    tab.goto(tab.base + rel)
    assert tab.locator("h1").first.inner_text().strip() == PAYLOAD
    body = tab.locator("article").first.inner_text()
    assert body.count(PAYLOAD) >= 3, body          # name_en, summary, description, sources... as text
    assert "49" not in body.replace(PAYLOAD, "")   # {{ 7*7 }} was not evaluated anywhere
    assert tab.title().startswith(PAYLOAD)
    _inert(tab)


@needs_browser
def test_search_page_shows_payload_as_text(tab):
    tab.goto(tab.base + "tim-kiem/?q=" + quote("svg onload"))
    tab.wait_for_selector("#tk[data-ready]")
    names = tab.locator(".tk-result .tk-name").all_text_contents()
    assert len(names) == 8 and set(names) == {PAYLOAD}, names
    _inert(tab)


@needs_browser
def test_header_search_shows_payload_as_text(tab):
    tab.goto(tab.base)
    texts = header_search(tab, "onerror")
    assert any("<img src=x onerror=alert(2)>" in text for text in texts), texts
    _inert(tab)


def test_built_csv_has_no_formula_cell(site):
    files = sorted((site / "du-lieu").glob("*.csv"))
    assert {f"{kind}.csv" for kind in MODELS} <= {p.name for p in files}  # and the dashboard's own
    seen = 0
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(FORMULA_STARTS), (path.name, cell)
                    seen += cell.startswith("'=") or cell.startswith("'@") or cell.startswith("'+")
    assert seen >= 3   # the hostile cells were there, neutralised
