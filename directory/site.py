"""Build the static site: validate, generate pages, run mkdocs-material, swap atomically.

`build(listings_dir, out_dir, site_url)` validates the listings, writes the Markdown
pages (`render.py`), the open data (`export.py`) and the search page (`index.py`)
into a temporary directory next to `out_dir`, builds them with mkdocs-material, and
only then replaces `out_dir` by renaming. Any failure leaves the previous site as it
was and is reported as one clear message (`BuildError`), not a traceback.

Output is deterministic: dates come from the listings' reference date (git or the
newest `date_added`, see `status.reference_date`), which is also given to mkdocs as
SOURCE_DATE_EPOCH; the sitemap carries no build date.

`build` and `generate` take an optional `phases` dict and add to it the seconds spent
in each phase (validate, render, export, index, mkdocs); bench/run.py reports them.

`serve(listings_dir)` is the live preview: mkdocs serve over pages regenerated in
`.cache/serve/` whenever a listing changes. This module prints progress to stderr;
argument parsing lives in `cli.py`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.plugins import BasePlugin

from .export import write_exports
from .index import write_search
from .render import PROGRESS_EVERY, render_docs
from .status import reference_date
from .validate import validate_tree

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"
DEFAULT_SITE_URL = "https://scp.gov.vn/"


class BuildError(Exception):
    """A build that cannot finish; the message is for people (Vietnamese / English)."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Progress(BasePlugin):
    """Counts pages as mkdocs writes them and prints a line every PROGRESS_EVERY."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def on_post_page(self, output, /, *, page, config):
        self.count += 1
        if self.count % PROGRESS_EVERY == 0:
            say(f"mkdocs: {self.count} trang HTML / {self.count} HTML pages")
        return output


RAW_START = '<div class="scp '
_RAW_MARK = "SCPRAWPAGEBODY"


class _RawPages(BasePlugin):
    """Generated pages are one HTML block already escaped by our templates; python-markdown
    would only re-parse that HTML (its slowest path). Hand it to mkdocs as it is. Without this
    plugin (plain `mkdocs build`) the same pages still render, only slower."""

    def __init__(self):
        super().__init__()
        self.bodies: dict[str, str] = {}

    def on_page_markdown(self, markdown, /, *, page, config, files):
        if markdown.lstrip().startswith(RAW_START):
            self.bodies[page.file.src_uri] = markdown
            return _RAW_MARK
        return markdown

    def on_page_content(self, html, /, *, page, config, files):
        body = self.bodies.pop(page.file.src_uri, None)
        return html if body is None else html.replace(f"<p>{_RAW_MARK}</p>", body, 1)


def add_plugins(config) -> None:
    """Register the build's own plugins (raw pages, progress) on a loaded mkdocs config."""
    config.plugins["scp-raw-pages"] = _RawPages()
    config.plugins["scp-progress"] = _Progress()


@contextmanager
def _timed(phases: dict | None, name: str):
    """Add the seconds spent in the block to `phases[name]` (if a dict is given)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if phases is not None:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - start


def generate(listings_dir: Path, docs_dir: Path, site_url: str,
             phases: dict | None = None) -> tuple[int, dt.date]:
    """Validate and write all generated pages and data into `docs_dir`. Returns (pages, reference date)."""
    if not listings_dir.is_dir():
        raise BuildError(f"không tìm thấy thư mục {listings_dir} / directory not found")
    with _timed(phases, "validate"):
        report = validate_tree(listings_dir)
        if not report.ok:
            raise BuildError(report.format() + "\nKhông dựng trang vì dữ liệu có lỗi / build stopped: invalid listings")
        listings = report.listings
        on = reference_date(listings_dir, listings)
    say(f"{len(listings)} tin hợp lệ, ngày tham chiếu {on.isoformat()} / "
        f"{len(listings)} valid listings, reference date {on.isoformat()}")
    docs_dir.mkdir(parents=True, exist_ok=True)
    with _timed(phases, "render"):
        pages = render_docs(listings, docs_dir, site_url, on, progress=say)
    with _timed(phases, "export"):
        write_exports(listings, docs_dir, site_url, on)
    with _timed(phases, "index"):
        write_search(listings, docs_dir, on)
    return pages, on


def mkdocs_config(docs_dir: Path, site_dir: Path, site_url: str, **extra):
    """The mkdocs config of mkdocs.yml, pointed at `docs_dir`, with nav sections that exist."""
    base = load_config(config_file=str(CONFIG), docs_dir=str(docs_dir), site_dir=str(site_dir),
                       site_url=site_url, **extra)
    base["nav"] = _existing(base["nav"], docs_dir)
    return base


def _existing(nav: list, docs_dir: Path) -> list:
    kept = []
    for item in nav:
        ((title, target),) = item.items()
        if isinstance(target, list):
            target = _existing(target, docs_dir)
            if target:
                kept.append({title: target})
        elif (docs_dir / target).is_file():
            kept.append({title: target})
    return kept


@contextmanager
def _quiet_mkdocs(on: dt.date):
    """mkdocs logs to stderr at WARNING only; SOURCE_DATE_EPOCH pins its dates."""
    logger = logging.getLogger("mkdocs")
    old_level, old_epoch = logger.level, os.environ.get("SOURCE_DATE_EPOCH")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mkdocs %(levelname)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(on.timetuple()))
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        if old_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old_epoch


def build(listings_dir: Path, out_dir: Path, site_url: str = DEFAULT_SITE_URL,
          phases: dict | None = None) -> int:
    """Build the site into `out_dir`, replacing it only on success. Returns the page count."""
    started = time.perf_counter()
    site_url = site_url.rstrip("/") + "/"
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    try:
        docs, site = work / "docs", work / "site"
        pages, on = generate(listings_dir, docs, site_url, phases)
        say(f"đã tạo {pages} trang Markdown, đang chạy mkdocs / {pages} Markdown pages, running mkdocs")
        with _quiet_mkdocs(on), _timed(phases, "mkdocs"):
            config = mkdocs_config(docs, site, site_url)
            add_plugins(config)
            mkdocs_build(config)
        _swap(site, out_dir, work)
    except BuildError:
        raise
    except Exception as err:  # template errors, I/O, mkdocs aborts (MkDocsException)
        raise BuildError(f"dựng trang thất bại / build failed: {type(err).__name__}: {err}") from err
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"xong: {out_dir} ({pages} trang, {time.perf_counter() - started:.1f} s) / "
        f"done: {out_dir} ({pages} pages)")
    return pages


def _swap(new: Path, out_dir: Path, work: Path) -> None:
    """Put `new` in place of `out_dir` by renames; on failure put the old site back."""
    old = work / "old"
    had_old = out_dir.exists()
    if had_old:
        os.replace(out_dir, old)
    try:
        os.replace(new, out_dir)
    except OSError:
        if had_old:
            os.replace(old, out_dir)
        raise


# --- Live preview -------------------------------------------------------------------

SERVE_DIR = ROOT / ".cache" / "serve"

_HOOK = '''"""Generated by directory/site.py: regenerate the pages before each preview build."""
from pathlib import Path

from directory.site import _RawPages, fingerprint, regenerate

_raw = _RawPages()
on_page_markdown = _raw.on_page_markdown
on_page_content = _raw.on_page_content
_listings = Path({listings!r})
# serve() generated the pages just before mkdocs imported this hook.
_seen = {{"fingerprint": fingerprint(_listings)}}


def on_pre_build(config):
    # Our own page writes wake mkdocs' watcher again; skip that round when no listing changed.
    listings = _listings
    current = fingerprint(listings)
    if current != _seen["fingerprint"]:
        regenerate(listings, Path(config.docs_dir), config.site_url or "/")
        _seen["fingerprint"] = current
'''


def fingerprint(listings_dir: Path) -> tuple:
    """What identifies the state of the listings: every file's path, size and mtime."""
    return tuple(sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns)
                        for p in listings_dir.rglob("*") if p.is_file()))


def regenerate(listings_dir: Path, docs_dir: Path, site_url: str) -> None:
    """Regenerate the preview pages; write only files that changed, so mkdocs' watcher settles.
    Invalid listings are reported and the previous pages kept."""
    fresh = Path(tempfile.mkdtemp(prefix="docs-", dir=docs_dir.parent))
    try:
        generate(listings_dir, fresh, site_url)
    except BuildError as err:
        say(str(err))
        shutil.rmtree(fresh, ignore_errors=True)
        return
    seen = set()
    for path in sorted(fresh.rglob("*")):
        if path.is_file():
            rel = path.relative_to(fresh)
            seen.add(rel)
            target = docs_dir / rel
            data = path.read_bytes()
            if not target.is_file() or target.read_bytes() != data:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    for path in sorted(docs_dir.rglob("*"), reverse=True):
        rel = path.relative_to(docs_dir)
        if path.is_file() and rel not in seen:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    shutil.rmtree(fresh, ignore_errors=True)


def serve(listings_dir: Path, dev_addr: str = "127.0.0.1:8000") -> None:
    """mkdocs serve over regenerated pages; a change under `listings_dir` regenerates them."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    docs = SERVE_DIR / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    hook = SERVE_DIR / "regenerate_hook.py"
    hook.write_text(_HOOK.format(listings=str(listings_dir.resolve())), encoding="utf-8")
    regenerate(listings_dir, docs, "/")
    nav = mkdocs_config(docs, SERVE_DIR / "site", DEFAULT_SITE_URL)["nav"]
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # "dirty": mkdocs re-renders only the pages whose Markdown changed; `regenerate` rewrites only
    # the pages a listing change touches, so a save rebuilds a few pages, not the whole site.
    mkdocs_serve(config_file=str(CONFIG), docs_dir=str(docs), dev_addr=dev_addr, nav=nav, build_type="dirty",
                 hooks=[str(hook)], watch=[str(listings_dir.resolve())])
