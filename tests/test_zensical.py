"""`build.py build --engine zensical` builds the site mkdocs builds (directory/zensical.py).

The fixture listings of test_site.py are built once with each engine. Both sites must hold the
same HTML pages with the same content and the same navigation state (the section tab of a
listing page marked active), the same files of our own (search shards, open data, schema,
scp.css and our scripts, sitemap) byte for byte, and differ only in the theme's own assets.
Zensical pages carry no inline script, handler or style (the strict CSP), and run under that
CSP in chromium. Zensical is not skipped when missing: CI installs it (the `test` extra), so
the import below fails the module instead.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest
import zensical  # noqa: F401 (not importorskip: a missing Zensical must fail, see above)
from browser import Watch, header_search, serve
from test_csp_browser import _HANDLER, _INLINE_SCRIPT, _STYLE
from test_site import ON, SITE_FIXTURES, SITE_URL, _tree_hash

from directory import ROOT, cli, site
from directory import zensical as engine
from directory.deploy import SECURITY_HEADERS

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)
SKIP_TARGET = '<a id="__skip" tabindex="-1"></a>'  # Zensical's skip link target, opening every article
# The navigation's state on a page: classes of tabs, entries and links, section toggles, expansion.
NAV_STATE = re.compile(r'class="((?:md-tabs__item|md-nav__item|md-nav__link)[^"]*)"|'
                       r'(<input class="md-nav__toggle[^>]*>)|aria-expanded="(\w+)"')
ACTIVE_TAB = re.compile(r'<li class="md-tabs__item md-tabs__item--active">\s*<a href="([^"]*)"')
# Files of our own, the same bytes from either engine: search, open data, schema, our assets, sitemap.
OURS = ("tim-kiem/", "du-lieu/", "schema/", "sitemap.xml", "sitemap.xml.gz", site.MARKER,
        *(f"assets/{p.relative_to(ROOT / 'site_templates' / 'assets').as_posix()}"
          for p in (ROOT / "site_templates" / "assets").rglob("*") if p.is_file()))
# The theme's own files, which differ: its bundle, worker, stylesheets, default favicon (unused:
# mkdocs.yml names ours), built-in page index.
THEIRS = re.compile(r"assets/(javascripts/(bundle\.|workers/|lunr/|LICENSE)|stylesheets/|images/favicon\.png$)|"
                    r"search/search_index\.json$|search\.json$")


def _ours(path: str) -> bool:
    """A file of our own, not a page (pages such as tim-kiem/index.html are compared apart)."""
    return not path.endswith(".html") and any(path == name or (name.endswith("/") and path.startswith(name))
                                              for name in OURS)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("engines")
    site.build(SITE_FIXTURES, root / "mkdocs", SITE_URL, on=ON)
    assert cli.main(["build", "--listings", str(SITE_FIXTURES), "--out", str(root / "zensical"),
                     "--date", ON.isoformat(), "--engine", "zensical"]) == 0
    return root / "mkdocs", root / "zensical"


def test_same_pages_and_same_files_of_our_own(sites):
    mkdocs, zensical_ = (_tree_hash(root) for root in sites)
    pages = {path for path in mkdocs if path.endswith(".html")}
    assert pages == {path for path in zensical_ if path.endswith(".html")} and len(pages) > 90
    ours = {path: digest for path, digest in mkdocs.items() if _ours(path)}
    assert ours == {path: digest for path, digest in zensical_.items() if _ours(path)}
    assert [p for p in ours if p.startswith("tim-kiem/chi-muc/")], "search shards"
    assert {Path(p).suffix for p in ours if p.startswith("du-lieu/")} >= {".json", ".csv", ".ics", ".xlsx", ".atom"}
    # what is left is the theme's, plus the stylesheet Zensical's theme lacks (directory/zensical.py)
    assert not [p for p in set(mkdocs) - pages - set(ours) if not THEIRS.match(p)]
    assert sorted(p for p in set(zensical_) - pages - set(ours)
                  if not THEIRS.match(p) or p == engine.STYLESHEET) == [engine.STYLESHEET]


def test_same_content_and_navigation_on_every_page(sites):
    mkdocs, zensical_ = sites
    for page in sorted(mkdocs.rglob("*.html")):
        rel = page.relative_to(mkdocs).as_posix()
        ours, theirs = page.read_text(encoding="utf-8"), (zensical_ / rel).read_text(encoding="utf-8")
        # RawPages: the same article (whitespace aside), where _RawPages gives it under mkdocs
        assert ([" ".join(a.split()) for a in ARTICLE.findall(ours)] ==
                [" ".join(a.replace(SKIP_TARGET, "", 1).split()) for a in ARTICLE.findall(theirs)]), rel
        # THEME_PATCHES: the same active tab and side navigation, as _SectionTabs gives under mkdocs
        state = [[" ".join(m.group(0).split()) for m in NAV_STATE.finditer(text)] for text in (ours, theirs)]
        assert state[0] == state[1], rel


def test_a_listing_marks_its_section_tab(sites):
    for root in sites:
        for rel, section in (("san-pham/tui-giay/", "san-pham/"), ("chao-ban/ban-giay-vun/", "cung-cau/"),
                             ("tinh-thanh/ha-noi/", "tim-kiem/")):
            page = SITE_URL + rel
            hrefs = ACTIVE_TAB.findall((root / rel / "index.html").read_text(encoding="utf-8"))
            assert [urljoin(page, href) for href in hrefs] == [SITE_URL + section], (root.name, rel)


def test_sitemap_is_the_same_valid_xml(sites):
    mkdocs, zensical_ = sites
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        assert (zensical_ / name).read_bytes() == (mkdocs / name).read_bytes(), name
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in ET.parse(zensical_ / "sitemap.xml").getroot().findall("s:url/s:loc", namespace)]
    indexed, samples = set(), set()
    for page in zensical_.rglob("index.html"):
        folder = page.parent.relative_to(zensical_).as_posix()
        url = SITE_URL if folder == "." else f"{SITE_URL}{folder}/"
        noindex = 'name="robots" content="noindex"' in page.read_text(encoding="utf-8")
        (samples if noindex else indexed).add(url)
    assert len(urls) == len(set(urls)) and set(urls) == indexed
    assert samples, "the fixtures hold sample listings, left out of the sitemap"


def test_zensical_pages_have_no_inline_script_handler_or_style(sites):
    pages = sorted(sites[1].rglob("*.html"))
    for path in pages:
        html = path.read_text(encoding="utf-8")
        where = path.relative_to(sites[1]).as_posix()
        assert not _INLINE_SCRIPT.search(html), where
        assert not _HANDLER.search(html), where
        assert not _STYLE.search(html), where
        assert "assets/javascripts/md-scope.js" in html and "assets/javascripts/md-content.js" in html, where


def test_zensical_pages_run_under_the_policy(sites, browser):
    with serve(sites[1], SECURITY_HEADERS) as base:
        context = browser.new_context()
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        watch = Watch(tab)
        for rel in ("", "san-pham/tui-giay/", "cung-cau/", "404.html"):
            assert tab.goto(base + rel).status == 200
            tab.locator("html.js").wait_for(state="attached")    # the theme's bundle ran
            assert tab.evaluate("typeof __md_get") == "function"
        tab.goto(base + "huong-dan/")
        found = header_search(tab, "giấy phép")
        assert any("Điểm thu gom pin lithium" in text for text in found), found
        # the box has material's look (scp-zensical.css): its icon sits inside the field
        assert tab.locator(".md-search__icon[for=__search]").evaluate("e => getComputedStyle(e).position") == "absolute"
        context.close()
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)


@pytest.mark.parametrize("break_it, message", [
    (lambda monkeypatch: monkeypatch.setitem(sys.modules, "zensical", None),
     "chưa cài Zensical: chạy `.venv/bin/python -m pip install -e '.[test]'` / Zensical is not installed"),
    (lambda monkeypatch: monkeypatch.setattr(engine, "THEME_PATCHES", [("partials/tabs-item.html", "{% x %}", "", 1)]),
     "đã đổi (partials/tabs-item.html)"),
    # a template Zensical cannot render: the error its Rust core raises, as the sitemap's once did
    (lambda monkeypatch: monkeypatch.setattr(engine, "PALETTE_SCRIPT", "{{ page.nothing.here }}"),
     "/ could not build the site: could not render include"),
])
def test_a_zensical_that_cannot_build_is_one_message(tmp_path, monkeypatch, capsys, break_it, message):
    out = tmp_path / "site"
    break_it(monkeypatch)
    assert cli.main(["build", "--listings", str(SITE_FIXTURES), "--out", str(out), "--date", ON.isoformat(),
                     "--engine", "zensical"]) == 1
    err = capsys.readouterr().err
    assert message in err and " / " in err and "Traceback" not in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == []
