"""The site built by Zensical instead of mkdocs-material (`build.py build --engine zensical`).

Material for MkDocs reaches end of life on 2027-05-05; Zensical, from the same team, reads
`mkdocs.yml` and renders the same theme with minijinja. `build(config, work)` takes the mkdocs
config `site.mkdocs_config` made (nav sections that exist, the reference date and search
scripts in `extra`) and builds the pages of `work/docs` into `work/site` with Zensical. The
rest of a build is the engine's business only: validation, the pages' Markdown, open data and
the search files are written by our own code before, and moved in after, either engine runs.

What it does, so that the site is the one mkdocs builds:
- writes `work/zensical.yml`: mkdocs.yml with the values `site.mkdocs_config` computed, the
  `classic` variant (Zensical's default `modern` is a new look), and `RawPages` below;
- `RawPages`, a Python-Markdown extension (Zensical runs no mkdocs plugin, but runs the
  configured Markdown extensions): a generated page, one HTML block our templates escaped, is
  handed through whole, as `site._RawPages` does under mkdocs;
- a theme folder `work/zensical-theme`: `site_templates/overrides` plus two changes to
  Zensical's own templates (`THEME_PATCHES`). The tabs and the side navigation mark the nav
  page of a listing's section and its sections active, as `site._SectionTabs` does under
  mkdocs (Zensical marks only the nav entries of the page itself). And the palette script is
  empty: Zensical always writes the palette form and its inline script, which the strict CSP
  refuses; with one palette and no toggle it has no saved choice to restore;
- puts the sitemap in mkdocs' order (Zensical sorts URLs as text, so "che-bien-go/" before
  "che/") and writes `sitemap.xml.gz` as mkdocs does, so both files are the same bytes;
- sends Zensical's own progress lines ("Build started", "Build finished in …") to stderr,
  where the build's progress goes; they replace `site._Progress`'s page counts.

What it does not do: run mkdocs plugins (`_RawPages`, `_SectionTabs`, `_SharedBlocks`,
`_Progress`, `_Shard`: Zensical renders in parallel itself), or make the theme's own files the
same: its bundle, stylesheets (under `classic/`), icons, generator tag and a few attributes
differ, and its built-in page index is `search.json`, not `search/search_index.json` (neither
is used: the header box searches our own index). docs/deploy.md lists what to check.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import sys
from pathlib import Path

import yaml
from markdown import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from . import ROOT
from .site import CONFIG, RAW_START, BuildError

OVERRIDES = ROOT / "site_templates" / "overrides"
# The releases these patches and tests were run with (pyproject.toml, `test` extra).
TESTED = "0.0.73"

# Which nav entries a page outside the nav marks active, computed once per template call: the
# nav page of its section (first URL part) and that page's sections (`section_tabs` below).
_MARKED = ('{% set scp = config.extra.scp_section_tabs %}'
           '{% set scp_marked = [] if page.url in scp.nav else '
           'scp.sections[(page.url or "") | split("/") | first] or [] %}')
_ACTIVE = "(nav_item.active or (nav_item.url or nav_item.title) in scp_marked)"
# (template, text, replacement, times it must occur). Only the entries' state changes: the link
# of the page itself (`index.active`, `elif nav_item.active`) stays Zensical's own.
THEME_PATCHES = [
    ("partials/tabs-item.html", "{% macro render(nav_item, ref) %}", "{% macro render(nav_item, ref) %}" + _MARKED, 1),
    ("partials/tabs-item.html", "{% if ref.active %}", "{% if ref.active or (ref.url or ref.title) in scp_marked %}", 1),
    ("partials/nav-item.html", "{% macro render(nav_item, path, level, parent) %}",
     "{% macro render(nav_item, path, level, parent) %}" + _MARKED + "{% set scp_active = " + _ACTIVE + " %}", 1),
    ("partials/nav-item.html", "{% if nav_item.active %}\n    {% set class = class ~ \" md-nav__item--active\" %}",
     "{% if scp_active %}\n    {% set class = class ~ \" md-nav__item--active\" %}", 1),
    ("partials/nav-item.html", "level == 1 and nav_item.active", "level == 1 and scp_active", 1),
    ("partials/nav-item.html", "level == 2 and parent.active",
     "level == 2 and (parent.active or (parent.url or parent.title) in scp_marked)", 1),
    ("partials/nav-item.html", "not is_section and not nav_item.active", "not is_section and not scp_active", 1),
    ("partials/nav-item.html", '"checked" if nav_item.active', '"checked" if scp_active', 1),
    ("partials/nav-item.html", "{{ nav_item.active | tojson }}", "{{ scp_active | tojson }}", 1),
]
PALETTE_SCRIPT = ("{#- Zensical writes the palette script on every page, even for one palette: an inline\n"
                  "    script the strict CSP refuses. One palette, no toggle: nothing to restore. -#}\n")
STYLESHEET = "assets/stylesheets/scp-zensical.css"
_SEARCH_SELECTOR = re.compile(r"md-search|toggle=search|__search")
_SITEMAP_URL = re.compile(r"<url><loc>([^<]*)</loc></url>")


_RAW_MARK = "SCPRAWPAGEBODY"


class _HandOver(Preprocessor):
    """Swaps a generated page for a marker before any other preprocessor sees it."""

    def __init__(self, md):
        super().__init__(md)
        self.body: str | None = None

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        self.body = text if text.lstrip().startswith(RAW_START) else None
        return lines if self.body is None else [_RAW_MARK]


class _PutBack(Postprocessor):
    def __init__(self, md, handed: _HandOver):
        super().__init__(md)
        self.handed = handed

    def run(self, text: str) -> str:
        # Runs more than once per page (the toc extension runs the postprocessors on its own
        # output), so the body stays until the next page replaces it.
        body = self.handed.body
        return text if body is None else text.replace(f"<p>{_RAW_MARK}</p>", body, 1)


class RawPages(Extension):
    """Generated pages (one HTML block our templates escaped) skip python-markdown, whose HTML
    parsing is its slowest path: the same content as `site._RawPages` gives under mkdocs. Not
    python-markdown's own stash of raw HTML: NormalizeWhitespace, which runs first, would
    change the page (tabs, blank lines) where mkdocs hands it on unchanged."""

    def extendMarkdown(self, md) -> None:
        handed = _HandOver(md)
        md.preprocessors.register(handed, "scp_raw_pages", 40)   # before NormalizeWhitespace (30)
        md.postprocessors.register(_PutBack(md, handed), "scp_raw_pages", 0)  # after all others


def build(config, work: Path) -> None:
    """Build `config.docs_dir` into `config.site_dir` (both folders of `work`) with Zensical.
    `config` is `site.mkdocs_config(...)`; failures are BuildErrors (Vietnamese / English)."""
    try:
        import zensical
        from click import ClickException  # Zensical's command line, installed with it
    except ImportError:
        raise BuildError("chưa cài Zensical: chạy `.venv/bin/python -m pip install -e '.[test]'` / "
                         "Zensical is not installed: run `.venv/bin/python -m pip install -e '.[test]'`") from None
    site = Path(config["site_dir"])
    css = Path(config["docs_dir"]) / STYLESHEET
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(stylesheet(), encoding="utf-8")
    config_file = work / "zensical.yml"
    config_file.write_text(yaml.safe_dump(settings(config, work, _theme(work / "zensical-theme", zensical.version())),
                                          allow_unicode=True, sort_keys=False), encoding="utf-8")
    with _stdout_to_stderr():
        try:
            zensical.build(str(config_file), {"clean": False, "strict": False})
        except (RuntimeError, ClickException) as err:  # the Rust core's errors (templates) / the config's
            message = err.format_message() if isinstance(err, ClickException) else str(err)
            raise BuildError(f"Zensical {zensical.version()} không dựng được trang / could not build the site: "
                             f"{message}") from None
    _sitemap(site)


def settings(config, work: Path, theme: Path) -> dict:
    """The Zensical configuration: mkdocs.yml with the computed values of `config`. Zensical
    wants docs_dir and site_dir inside the folder of its configuration file: `work`."""
    with CONFIG.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    raw["docs_dir"] = Path(config["docs_dir"]).relative_to(work).as_posix()
    raw["site_dir"] = Path(config["site_dir"]).relative_to(work).as_posix()
    raw["site_url"] = config["site_url"]
    raw["nav"] = config["nav"]
    raw["extra"] = {**config["extra"], "scp_section_tabs": section_tabs(config["nav"])}
    raw["theme"] = {**raw["theme"], "custom_dir": theme.relative_to(work).as_posix(), "variant": "classic"}
    raw["extra_css"] = [*raw["extra_css"], STYLESHEET]
    raw["markdown_extensions"] = [*raw["markdown_extensions"], f"{__name__}:RawPages"]
    # Zensical looks for a link's anchor among the Markdown headings only, and ours are ids in the
    # pages' raw HTML: every in-page link would be a false warning. mkdocs does not report anchors
    # at the level the build shows (its default, `info`).
    raw["validation"]["links"]["anchors"] = "ignore"
    return raw


def section_tabs(nav: list) -> dict:
    """For the templates of THEME_PATCHES: the nav's page URLs, and for each first URL part
    with a nav page ("san-pham" of "san-pham/"), what a page under it marks active: that page's
    URL and the titles of the sections holding it (mkdocs marks a page's sections with it)."""
    pages: list[str] = []
    sections: dict[str, list[str]] = {}

    def walk(items: list, above: list[str]) -> None:
        for item in items:
            ((title, target),) = item.items()
            if isinstance(target, list):
                walk(target, [*above, title])
                continue
            url = "" if target == "index.md" else target.removesuffix("index.md")
            pages.append(url)
            if url.count("/") == 1:
                sections.setdefault(url.rstrip("/"), [url, *above])

    walk(nav, [])
    return {"nav": pages, "sections": sections}


def stylesheet() -> str:
    """What Zensical's stylesheets lack, loaded after them. material's rules for its header
    search box, which partials/search.html keeps (the directory's own search in material's
    markup): Zensical styles only its own search dialog, and hides `.md-search` on small
    screens, shown again here. They are taken from the installed mkdocs-material (a dependency
    of every build): when mkdocs-material is dropped, they have to move into scp.css. And the
    header's repository block, which Zensical writes empty without `repo_url`, is hidden: it
    would hold 11.7rem of blank header to the right of the search box."""
    import material

    folder = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    css = next(folder.glob("main.*.min.css")).read_text(encoding="utf-8")
    variables = ";".join(re.findall(r'--md-search[\w-]*:(?:"[^"]*"|[^;}"])*', css))
    return "\n".join([f":root{{{variables}}}", *_search_rules(css),
                      "@media screen and (max-width:59.984375em){.md-search{display:block}}",
                      ".md-header__source:not(:has(*)){display:none}"]) + "\n"


def _search_rules(css: str):
    """The rules of `css` whose selector is about the search box, inside @media and @supports too."""
    depth = start = 0
    for i, char in enumerate(css):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rule, start = css[start:i + 1], i + 1
                prelude, _, body = rule.partition("{")
                if prelude.startswith(("@media", "@supports")):
                    inner = "".join(_search_rules(body[:-1]))
                    if inner:
                        yield f"{prelude}{{{inner}}}"
                elif _SEARCH_SELECTOR.search(prelude):
                    yield rule


def _theme(folder: Path, version: str) -> Path:
    """`site_templates/overrides` plus the patched Zensical templates, in `folder`."""
    from zensical.config import get_builtin_theme_dir

    shutil.copytree(OVERRIDES, folder)
    texts: dict[str, str] = {}
    for name, old, new, times in THEME_PATCHES:
        text = texts.get(name) or (Path(get_builtin_theme_dir()) / name).read_text(encoding="utf-8")
        if text.count(old) != times:
            raise BuildError(f"giao diện của Zensical {version} đã đổi ({name}), directory/zensical.py cần sửa theo; "
                             f"bản đã thử: {TESTED} / Zensical {version} changed its theme ({name}): "
                             f"update directory/zensical.py; tested with {TESTED}")
        texts[name] = text.replace(old, new)
    texts["partials/javascripts/palette.html"] = PALETTE_SCRIPT
    for name, text in texts.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _sitemap(site: Path) -> None:
    """The sitemap in mkdocs' order (its files' order: a folder's pages before its subfolders',
    subfolders by name; every generated page is an index.md) and its gzip copy as mkdocs writes
    it: mtime is SOURCE_DATE_EPOCH (set by the build), the name inside is "sitemap.xml"."""
    path = site / "sitemap.xml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = [i for i, line in enumerate(lines) if _SITEMAP_URL.fullmatch(line)]
    # every URL starts with the site URL, so comparing all their parts orders them by their paths
    ordered = sorted((lines[i] for i in at), key=lambda line: _SITEMAP_URL.fullmatch(line).group(1).split("/"))
    for i, line in zip(at, ordered):
        lines[i] = line
    text = "\n".join(lines)
    path.write_text(text, encoding="utf-8")
    with open(f"{path}.gz", "wb") as handle, gzip.GzipFile(fileobj=handle, filename=f"{path}.gz", mode="wb",
                                                           mtime=int(os.environ["SOURCE_DATE_EPOCH"])) as packed:
        packed.write(text.encode("utf-8"))


@contextlib.contextmanager
def _stdout_to_stderr():
    """Zensical's Rust core prints its progress on file descriptor 1; the build's stdout carries
    only the final line of `build.py build`."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
