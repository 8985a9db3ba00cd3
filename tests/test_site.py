"""The whole build: pages for every listing, no other hosts, determinism, atomicity, escaping.

Builds run mkdocs-material on the small tree in `tests/fixtures/site/` (13 listings),
so each takes a couple of seconds.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import pytest
import yaml

from directory import cli, site, urls
from directory.validate import validate_tree

SITE_FIXTURES = Path(__file__).parent / "fixtures" / "site"
SITE_URL = "https://scp.gov.vn/"
HOSTILE = ("<script>alert(1)</script> {{ 7*7777 }} {% raw %} <img src=x onerror=alert(1)> "
           "[x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a>")
FREE_TEXT = {"name", "name_en", "summary", "description", "material", "street", "venue", "issuer", "number",
             "title", "document", "task", "environmental_claims", "results"}


def _tree_hash(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "site"
    site.build(SITE_FIXTURES, out, SITE_URL)
    return out


class _Refs(HTMLParser):
    """Collects resource URLs (not <a> links), event-handler attributes and script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.resources: list[str] = []
        self.handlers: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"{tag} {k}" for k in attrs if k.lower().startswith("on")]
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        for key in ("src", "srcset", "poster", "data"):
            if attrs.get(key):
                self.resources.append(attrs[key])
        if tag == "link" and attrs.get("href"):
            self.resources.append(attrs["href"])
        if tag == "script":
            self._script = attrs
        for url in re.findall(r"url\(([^)]*)\)", attrs.get("style") or ""):
            self.resources.append(url.strip("'\" "))

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def _parse(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.hostname not in ("scp.gov.vn",) or parts.scheme not in ("", "http", "https", "data")


def test_every_listing_has_a_page(built):
    for listing in validate_tree(SITE_FIXTURES).listings:
        page = built / urls.listing_path(listing) / "index.html"
        assert page.is_file(), page
        assert f"<h1>{listing.name}</h1>" in page.read_text(encoding="utf-8")


def test_sections_and_special_pages(built):
    for path in ("index.html", "404.html", "huong-dan/index.html", "cung-cau/index.html", "nganh/index.html",
                 "tinh-thanh/index.html", "tinh-thanh/ha-noi/index.html", "trien-lam/index.html"):
        assert (built / path).is_file(), path
    assert len(list((built / "tinh-thanh").glob("*/index.html"))) == 34
    home = (built / "index.html").read_text(encoding="utf-8")
    assert 'class="md-tabs__link"' in home
    assert "xanh-ha-noi" not in home.split('<nav class="md-tabs"')[1].split("</nav>")[0]


def test_sitemap_uses_site_url_and_no_build_date(built):
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://scp.gov.vn/san-pham/tui-giay/</loc>" in sitemap
    assert "lastmod" not in sitemap


def test_builtin_search_skips_listing_pages(built):
    index = (built / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "huong-dan/" in index and "san-pham/tui-giay/" not in index


def test_no_html_file_references_another_host(built):
    for page in built.rglob("*.html"):
        refs = _parse(page)
        assert not [r for r in refs.resources if _foreign(r)], page
    for css in built.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        urls_ = re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text)
        assert not [u for u in urls_ if _foreign(u) and not u.startswith("data:")], css


def test_two_builds_are_identical(built, tmp_path):
    again = tmp_path / "again"
    site.build(SITE_FIXTURES, again, SITE_URL)
    assert _tree_hash(again) == _tree_hash(built)


def test_invalid_listing_keeps_the_old_site(built, tmp_path, capsys):
    out = tmp_path / "site"
    shutil.copytree(built, out)
    before = _tree_hash(out)
    listings = tmp_path / "listings"
    shutil.copytree(SITE_FIXTURES, listings)
    (listings / "product" / "hong.yaml").write_text("id: hong\nkind: product\nname: Hỏng\n", encoding="utf-8")
    assert cli.main(["build", "--listings", str(listings), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "product/hong.yaml" in err and "Traceback" not in err and "giữ nguyên" in err
    assert _tree_hash(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.build-")] == []


def test_template_error_keeps_the_old_site(built, tmp_path, monkeypatch, capsys):
    out = tmp_path / "site"
    shutil.copytree(built, out)
    before = _tree_hash(out)

    def broken(*args, **kwargs):
        raise jinja2.TemplateSyntaxError("unexpected '}'", 3, "listing.html")

    monkeypatch.setattr(site, "render_docs", broken)
    assert cli.main(["build", "--listings", str(SITE_FIXTURES), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "TemplateSyntaxError" in err and "Traceback" not in err
    assert _tree_hash(out) == before


def _poison(value, key):
    if isinstance(value, dict):
        return {k: _poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, key) for v in value]
    if key in FREE_TEXT and isinstance(value, str):
        return (HOSTILE + " " + value)[:290]
    return value


def test_hostile_text_in_every_field_is_escaped(tmp_path):
    listings = tmp_path / "listings"
    shutil.copytree(SITE_FIXTURES, listings)
    for path in listings.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = {k: _poison(v, k) for k, v in data.items()}
        data.setdefault("description", HOSTILE)
        data.setdefault("summary", HOSTILE)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = validate_tree(listings)
    assert report.ok, report.format()
    out = tmp_path / "site"
    site.build(listings, out, SITE_URL)
    seen_literal = False
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        refs = _parse(page)
        assert "<script>alert" not in text and "<img src=x" not in text, page
        assert "54439" not in text, page  # {{ 7*7777 }} never evaluated
        assert refs.handlers == [], (page, refs.handlers)
        assert not [h for h in refs.hrefs if h.strip().lower().startswith("javascript")], page
        for attrs, body in refs.scripts:
            if attrs.get("type") in ("application/json", "application/ld+json"):
                assert "<" not in body, page  # listing text cannot close the element
            else:
                assert "alert(" not in body, page
        seen_literal = seen_literal or "{{ 7*7777 }}" in text
    assert seen_literal
    title = (out / "san-pham" / "tui-giay" / "index.html").read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in title
