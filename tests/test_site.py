"""The whole build: pages for every listing, no other hosts, determinism, atomicity, escaping.

Builds run mkdocs-material on the small tree in `tests/fixtures/site/` (13 listings),
so each takes a couple of seconds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import re
import shutil
import socket
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
ON = dt.date(2025, 10, 1)  # the reference date of every build here, so that runs on any day agree
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
    site.build(SITE_FIXTURES, out, SITE_URL, on=ON)
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
    assert "<loc>https://scp.gov.vn/san-pham/hop-carton/</loc>" in sitemap
    assert "lastmod" not in sitemap


def test_sample_pages_are_noindex_and_out_of_the_sitemap(built):
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    sample = (built / "san-pham" / "tui-giay" / "index.html").read_text(encoding="utf-8")  # sample: true
    real = (built / "san-pham" / "hop-carton" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in sample and "Dữ liệu mẫu" in sample
    assert 'name="robots"' not in real
    assert "san-pham/tui-giay/" not in sitemap and "doanh-nghiep/xanh-ha-noi/" not in sitemap


def test_exclude_samples_leaves_them_out_of_everything(tmp_path):
    shipped = site.ROOT / "listings"  # the ministry's real listings and samples of every kind
    out = tmp_path / "site"
    assert cli.main(["build", "--listings", str(shipped), "--out", str(out), "--date", "2026-11-23",
                     "--exclude-samples"]) == 0
    samples = {p.stem for p in shipped.rglob("*.yaml") if "sample: true" in p.read_text(encoding="utf-8")}
    assert len(samples) > 30
    assert (out / "doanh-nghiep" / "bo-cong-thuong" / "index.html").is_file()
    assert not [p for p in out.rglob("index.html") if p.parent.name in samples]
    texts = [p.read_text(encoding="utf-8") for p in out.rglob("*")
             if p.is_file() and p.suffix in (".html", ".json", ".csv", ".ics", ".atom", ".xml")]
    for sample in samples:
        assert not [t for t in texts if f"/{sample}/" in t or f'"{sample}"' in t], sample
    assert "Dữ liệu mẫu" not in (out / "index.html").read_text(encoding="utf-8")


def test_exclude_samples_refuses_a_real_listing_of_a_sample_organisation(tmp_path, capsys):
    listings = tmp_path / "listings"
    shutil.copytree(SITE_FIXTURES, listings)
    real = listings / "product" / "hop-carton.yaml"
    assert "organisation: xanh-ha-noi" in real.read_text(encoding="utf-8")  # a sample organisation
    assert cli.main(["build", "--listings", str(listings), "--out", str(tmp_path / "s"), "--exclude-samples"]) == 1
    assert "product/hop-carton → xanh-ha-noi" in capsys.readouterr().err


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
    site.build(SITE_FIXTURES, again, SITE_URL, on=ON)
    assert _tree_hash(again) == _tree_hash(built)


def test_one_process_or_several_give_the_same_bytes(built, tmp_path):
    """A parallel build (open data and search in a second process, mkdocs in shards) writes
    what one process writes; 3 shards, so that a shard holds pages of every kind."""
    for processes in (1, 3):
        site.build(SITE_FIXTURES, tmp_path / str(processes), SITE_URL, on=ON, processes=processes)
        assert _tree_hash(tmp_path / str(processes)) == _tree_hash(built), processes


def test_shared_tabs_and_navigation_are_what_the_theme_renders(built, tmp_path, monkeypatch):
    monkeypatch.setattr(site._SharedBlocks, "on_env", lambda self, env, /, **kwargs: env)
    site.build(SITE_FIXTURES, tmp_path / "plain", SITE_URL, on=ON, processes=1)
    assert _tree_hash(tmp_path / "plain") == _tree_hash(built)


def _kept(built: Path, tmp_path: Path) -> tuple[Path, dict]:
    out = tmp_path / "site"
    shutil.copytree(built, out)
    return out, _tree_hash(out)


@pytest.mark.parametrize("where, failure, message", [
    ("write_search", "raise", "OSError: đĩa đầy"),                   # in the worker, beside render
    ("write_search", "exit", "dừng đột ngột"),                        # the worker dies
    ("render_docs", "raise", "OSError: đĩa đầy"),                     # in this process, worker running
    ("mkdocs_build", "raise", "OSError: đĩa đầy"),                    # in a shard
])
def test_a_failure_in_any_process_keeps_the_old_site(built, tmp_path, monkeypatch, capsys, where, failure, message):
    out, before = _kept(built, tmp_path)

    def broken(*args, **kwargs):
        if failure == "exit":
            os._exit(3)
        raise OSError("đĩa đầy")

    monkeypatch.setattr(site, where, broken)
    monkeypatch.setattr(site, "PROCESSES", 2)
    assert cli.main(["build", "--listings", str(SITE_FIXTURES), "--out", str(out), "--date", ON.isoformat()]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert _tree_hash(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.build-")] == []


def test_merging_shards_refuses_two_different_files(tmp_path):
    for name, text in (("a", "một"), ("b", "hai")):
        (tmp_path / name / "x").mkdir(parents=True)
        (tmp_path / name / "x" / "404.html").write_text(text, encoding="utf-8")
    (tmp_path / "b" / "x" / "moi").mkdir()
    with pytest.raises(site.BuildError, match="khác nhau"):
        site._merge(tmp_path / "b", tmp_path / "a")


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


# --- `build` never deletes what it did not make ----------------------------------------------


def _refused(capsys, out: Path, listings: Path = SITE_FIXTURES) -> str:
    """Run `build.py build --out OUT` and return its stderr; it must exit 1 without a traceback."""
    assert cli.main(["build", "--listings", str(listings), "--out", str(out), "--date", "2025-10-01"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("will not build into" in err or "cannot write" in err), err
    return err


@pytest.mark.parametrize("target", [".", "listings", "directory", "..", "/"])
def test_build_refuses_the_repository_its_parts_and_ancestors(target, capsys, monkeypatch):
    monkeypatch.chdir(site.ROOT)
    before = sorted(p.name for p in site.ROOT.iterdir())
    _refused(capsys, Path(target), site.ROOT / "listings")
    assert sorted(p.name for p in site.ROOT.iterdir()) == before
    assert (site.ROOT / ".git").is_dir() and (site.ROOT / "listings" / "organisation").is_dir()


def test_build_refuses_the_listings_folder_and_anything_inside_it(tmp_path, capsys):
    listings = tmp_path / "listings"
    shutil.copytree(SITE_FIXTURES, listings)
    before = _tree_hash(listings)
    for out in (listings, listings / "product", listings / "site", tmp_path):
        err = _refused(capsys, out, listings)
        assert "listings" in err
    assert _tree_hash(listings) == before


def test_build_refuses_a_file_a_folder_of_other_things_and_a_git_work_tree(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("ghi chú của tôi\n", encoding="utf-8")
    assert "file" in _refused(capsys, notes)
    assert notes.read_text(encoding="utf-8") == "ghi chú của tôi\n"

    mine = tmp_path / "tai-lieu"
    (mine / "sub").mkdir(parents=True)
    (mine / "sub" / "bao-cao.docx").write_bytes(b"\x00report")
    (mine / ".hidden").write_text("x", encoding="utf-8")
    assert site.MARKER in _refused(capsys, mine)
    assert (mine / "sub" / "bao-cao.docx").read_bytes() == b"\x00report" and (mine / ".hidden").exists()

    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / site.MARKER).write_text("not our text", encoding="utf-8")
    (forged / "keep.txt").write_text("keep", encoding="utf-8")
    _refused(capsys, forged)
    assert (forged / "keep.txt").exists()

    repo = tmp_path / "other-repo"
    (repo / ".git").mkdir(parents=True)
    (repo / site.MARKER).write_text(site.MARKER_TEXT, encoding="utf-8")  # a marker does not make a repo ours
    assert "git" in _refused(capsys, repo)
    assert (repo / ".git").is_dir()

    link = tmp_path / "link-to-notes"
    link.symlink_to(notes)
    _refused(capsys, link)
    assert notes.exists() and link.is_symlink()


def test_build_refuses_a_missing_or_unwritable_parent_clearly(tmp_path, capsys, monkeypatch):
    err = _refused(capsys, tmp_path / "khong-co" / "site")
    assert "khong-co" in err and "does not exist" in err
    assert not (tmp_path / "khong-co").exists()

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # Tests run as root in CI, where a read-only folder is still writable: simulate the refusal.
    monkeypatch.setattr(site.tempfile, "mkdtemp", denied)
    err = _refused(capsys, tmp_path / "site")
    assert "cannot write into" in err and "Permission denied" in err


def test_build_replaces_only_missing_empty_or_its_own_output(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    site.build(SITE_FIXTURES, empty, SITE_URL, on=ON)
    assert (empty / site.MARKER).read_text(encoding="utf-8") == site.MARKER_TEXT
    (empty / "stale-page.html").write_text("old", encoding="utf-8")
    site.build(SITE_FIXTURES, empty, SITE_URL, on=ON)  # its own output: replaced whole
    assert not (empty / "stale-page.html").exists() and (empty / "index.html").is_file()


def test_a_killed_builds_folder_is_removed_by_the_next_build_and_nothing_else(tmp_path):
    out = tmp_path / "site"
    dead = tmp_path / ".site.build-dead"
    dead.mkdir()
    (dead / site.WORK_MARKER).write_text(f"{socket.gethostname()} 999999999\n", encoding="utf-8")
    (dead / "docs").mkdir()
    killed_early = tmp_path / ".site.build-early"  # killed before it could write its marker
    killed_early.mkdir()
    running = tmp_path / ".site.build-running"
    running.mkdir()
    (running / site.WORK_MARKER).write_text(f"{socket.gethostname()} {os.getpid()}\n", encoding="utf-8")
    someone_elses = tmp_path / ".site.build-notes"
    someone_elses.mkdir()
    (someone_elses / "notes.txt").write_text("mine", encoding="utf-8")
    other_host = tmp_path / ".site.build-remote"
    other_host.mkdir()
    (other_host / site.WORK_MARKER).write_text("another-machine 1\n", encoding="utf-8")

    site.build(SITE_FIXTURES, out, SITE_URL, on=ON)
    assert not dead.exists() and not killed_early.exists()
    assert running.exists() and (someone_elses / "notes.txt").exists() and other_host.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.build-notes", ".site.build-remote",
                                                          ".site.build-running", "site"]


# --- The reference date --------------------------------------------------------------------


def test_the_footer_names_the_reference_date_and_statuses_follow_it(tmp_path):
    early, late = tmp_path / "early", tmp_path / "late"
    site.build(SITE_FIXTURES, early, SITE_URL, on=ON)
    assert cli.main(["build", "--listings", str(SITE_FIXTURES), "--out", str(late), "--date", "2027-01-10"]) == 0
    page = (early / "san-pham" / "tui-giay" / "index.html").read_text(encoding="utf-8")
    assert "tính đến ngày 01/10/2025" in page and 'data-scp-on="2025-10-01"' in page
    assert ">Còn hiệu lực<" in page and ">Sắp hết hạn<" in page
    assert 'data-scp-until="2026-12-31" data-scp-from="2024-01-01"' in page  # the badge carries its dates
    later = (late / "san-pham" / "tui-giay" / "index.html").read_text(encoding="utf-8")
    assert "tính đến ngày 10/01/2027" in later and ">Còn hiệu lực<" not in later


def test_source_date_epoch_sets_the_reference_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(calendar.timegm(dt.date(2027, 1, 10).timetuple())))
    assert cli.main(["build", "--listings", str(SITE_FIXTURES), "--out", str(tmp_path / "s")]) == 0
    assert "tính đến ngày 10/01/2027" in (tmp_path / "s" / "index.html").read_text(encoding="utf-8")


def test_a_bad_date_stops_before_anything_is_written(tmp_path, capsys):
    assert cli.main(["build", "--listings", str(SITE_FIXTURES), "--out", str(tmp_path / "s"),
                     "--date", "31/12/2026"]) == 1
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_publish_workflow_rebuilds_every_morning_on_the_day_in_vietnam():
    workflow = yaml.safe_load((site.ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # PyYAML reads the bare key `on` as a boolean
    assert triggers["push"] == {"branches": ["main"]}
    (schedule,) = triggers["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert rest == ["*", "*", "*"] and (int(hour) + 7) % 24 < 6  # daily, early morning in Vietnam
    steps = " ".join(step.get("run", "") for step in workflow["jobs"]["build"]["steps"])
    assert "TZ=Asia/Ho_Chi_Minh date +%F" in steps and '--date $SCP_DATE' in steps
    assert "gzip -n" in steps  # no timestamp in the archive's gzip header
