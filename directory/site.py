"""Build the static site: validate, generate pages, run mkdocs-material, swap atomically.

`build(listings_dir, out_dir, site_url, on)` validates the listings, writes the Markdown
pages (`render.py`), the open data (`export.py`) and the search page (`search.py`)
into a temporary directory next to `out_dir`, builds them with mkdocs-material, and
only then replaces `out_dir` by renaming. Any failure leaves the previous site as it
was and is reported as one clear message (`BuildError`), not a traceback.

It never deletes what it did not make (`check_out_dir`): `out_dir` is replaced only
if it is missing, empty, or a previous build's output, recognised by the `MARKER`
file every build writes. The listings folder, the repository, a git work tree, any
ancestor of those, a regular file and `/` are always refused. Temporary folders of
a killed build (`.<out>.build-*`, each holding a `WORK_MARKER` with its process id)
are removed by the next build once that process is gone.

Output is deterministic: statuses and "upcoming" are judged on the reference date
`on` (`status.reference_date`: `--date`, SOURCE_DATE_EPOCH or today in Vietnam),
which is also given to mkdocs as SOURCE_DATE_EPOCH; the sitemap carries no build date.

A build uses the machine's cores (`PROCESSES`, at most 4) with forked processes, and gives
the same bytes as one process: the open data and the search files are written by a second
process while this one renders the pages, the search files straight into the output (mkdocs
would only copy them); then each process runs mkdocs over every page but builds only its
share of them (`_Shard`), and the shares are moved into one site.

`build` and `generate` take an optional `phases` dict and add to it the seconds spent
in each phase (validate, history, render, stats, mkdocs, merge; export and index, which
run beside render when parallel); bench/run.py reports them.

`serve(listings_dir)` is the live preview: mkdocs serve over pages regenerated in
`.cache/serve/` whenever a listing changes. This module prints progress to stderr;
argument parsing lives in `cli.py`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from jinja2 import ChoiceLoader, DictLoader, pass_context
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import InclusionLevel
from mkdocs.utils.meta import get_data

from . import ROOT, history, preview, search, urls
from .export import write_exports
from .search import write_search
from .render import PROGRESS_EVERY, render_docs
from .stats import write_stats
from .status import DATED_LABELS, EXPIRING_DAYS, DateError, reference_date
from .validate import validate_tree

CONFIG = ROOT / "mkdocs.yml"
DEFAULT_SITE_URL = "https://scp.gov.vn/"
MARKER = ".scp-build"
MARKER_TEXT = ("Thư mục này do `python build.py build` tạo ra; lần dựng sau sẽ thay thế toàn bộ.\n"
               "This folder was made by `python build.py build`; the next build replaces all of it.\n")
WORK_MARKER = ".scp-build-work"
# Processes a build uses: the cores this process may run on, up to 4 (mkdocs' fixed cost per
# process, reading the config and every file, outweighs the share of pages past that).
PROCESSES = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


class BuildError(Exception):
    """A build that cannot finish; the message is for people (Vietnamese / English)."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Progress(BasePlugin):
    """Counts pages as mkdocs writes them and prints a line every PROGRESS_EVERY."""

    def __init__(self, label: str = ""):
        super().__init__()
        self.count = 0
        self.label = label

    def on_post_page(self, output, /, *, page, config):
        if output:                 # a page of another shard renders empty and is not written
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                say(f"mkdocs{self.label}: {self.count} trang HTML / {self.count} HTML pages")
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


class _SectionTabs(BasePlugin):
    """Listing and group pages are not in the nav (it would hold thousands of entries), so the
    theme highlights no tab for them. Mark the nav page of their section (the first part of the
    URL: "san-pham/" for "san-pham/x/") active while such a page renders."""

    def __init__(self):
        super().__init__()
        self.marked = None

    def on_page_context(self, context, /, *, page, config, nav):
        if page.is_homepage or page in nav.pages:
            return context
        section = page.url.split("/", 1)[0] + "/"
        self.marked = next((p for p in nav.pages if p.url == section), None)
        if self.marked is not None:
            self.marked.active = True
        return context

    def on_post_page(self, output, /, *, page, config):
        if self.marked is not None:
            self.marked.active = False
            self.marked = None
        return output


class _SharedBlocks(BasePlugin):
    """The theme renders its tabs and side navigation for every page: the costliest part of a
    page. For a page outside the nav with no table of contents they depend only on the page's
    depth (links are relative), the active nav entries and its `hide` front matter, so such
    pages share one rendering per key (`scp_shared` in overrides/main.html)."""

    def __init__(self):
        super().__init__()
        self.cache: dict[tuple, str] = {}

    def on_env(self, env, /, *, config, files):
        self.cache = {}
        env.globals["scp_shared"] = self.shared
        return env

    @pass_context
    def shared(self, context, block: str, caller):
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or page.toc or page.is_homepage or page in nav.pages:
            return caller()
        key = (block, page.url.count("/"), tuple(p.url for p in nav.pages if p.active),
               tuple((page.meta or {}).get("hide") or ()))
        if key not in self.cache:
            self.cache[key] = caller()
        return self.cache[key]


_SKIP_TEMPLATE = "scp-other-shard.html"


class _Shard(BasePlugin):
    """Build page i of the sorted documentation pages only when i % count == index.

    Every process holds all files and the whole nav, so a page it builds is the page one process
    builds. The others get an empty template, and mkdocs does not write empty output ("Generated
    empty output"). They are still read whole when other pages show them (the nav's pages) or
    the theme's search index holds them (no `search: exclude`), so that every shard's nav and
    index are one process's; of the rest (listing and group pages) only the front matter is
    read: the sitemap leaves out `robots: noindex` pages. Only shard 0 copies the static files."""

    def __init__(self, index: int, count: int):
        super().__init__()
        self.index, self.count = index, count
        self.mine: set[str] = set()

    def on_files(self, files, /, *, config):
        pages = sorted(f.src_uri for f in files.documentation_pages())
        self.mine = {uri for i, uri in enumerate(pages) if i % self.count == self.index}
        if self.index:
            for file in files:
                if not file.is_documentation_page():
                    file.inclusion = InclusionLevel.EXCLUDED
        return files

    def on_env(self, env, /, *, config, files):
        env.loader = ChoiceLoader([DictLoader({_SKIP_TEMPLATE: ""}), env.loader])
        return env

    def on_page_read_source(self, /, *, page, config):
        if page.file.src_uri in self.mine or page.file.inclusion.is_in_nav():
            return None
        source = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
        end = source.find("\n---", 3) if source.startswith("---") else -1
        front = source[:end + 4] + "\n" if end > 0 else ""
        searched = not (get_data(front)[1].get("search") or {}).get("exclude")
        return source if searched else front

    def on_page_markdown(self, markdown, /, *, page, config, files):
        if page.file.src_uri not in self.mine:
            page.meta["template"] = _SKIP_TEMPLATE
        return markdown


def add_plugins(config, shard: tuple[int, int] = (0, 1)) -> None:
    """Register the build's own plugins (raw pages, section tabs, shared blocks, progress; the
    shard of a parallel build) on a loaded mkdocs config."""
    config.plugins["scp-raw-pages"] = _RawPages()
    config.plugins["scp-section-tabs"] = _SectionTabs()
    config.plugins["scp-shared-blocks"] = _SharedBlocks()
    index, count = shard
    if count > 1:
        config.plugins["scp-shard"] = _Shard(index, count)
    config.plugins["scp-progress"] = _Progress(f" {index + 1}/{count}" if count > 1 else "")


class _Forked:
    """`fn(*args)` in a forked process while this one goes on; `result()` waits for it and
    returns its value or raises its error as a BuildError. Forked, so that the child starts
    with the listings in memory (shared until written) and only the result is pickled."""

    def __init__(self, fn, *args):
        context = multiprocessing.get_context("fork")
        self._answer, sender = context.Pipe(duplex=False)
        sys.stdout.flush()
        sys.stderr.flush()           # or the child would print what is still buffered again
        self._process = context.Process(target=_run_child, args=(sender, fn, args), daemon=True)
        self._process.start()
        sender.close()

    def result(self):
        try:
            ok, value = self._answer.recv()
        except EOFError:
            self._process.join()
            ok, value = False, f"một tiến trình con dừng đột ngột (mã {self._process.exitcode}) / a worker died"
        if not ok:
            raise BuildError(value)
        return value

    def stop(self) -> None:
        """Wait for the child (end it first if it is still running: the build failed elsewhere)."""
        if self._process.is_alive() and not self._answer.poll():
            self._process.terminate()
        self._process.join()
        self._answer.close()


def _run_child(sender, fn, args) -> None:
    try:
        sender.send((True, fn(*args)))
    except BuildError as err:
        sender.send((False, str(err)))
    except Exception as err:  # reported by the parent as one message, like its own errors
        sender.send((False, f"dựng trang thất bại / build failed: {type(err).__name__}: {err}"))


@contextmanager
def _timed(phases: dict | None, name: str):
    """Add the seconds spent in the block to `phases[name]` (if a dict is given)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if phases is not None:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - start


def generate(listings_dir: Path, docs_dir: Path, site_url: str, on: dt.date,
             phases: dict | None = None, exclude_samples: bool = False,
             data_dir: Path | None = None, parallel: bool = False) -> int:
    """Validate and write all generated pages and data into `docs_dir`, judged on `on`. Returns the page count.
    With `exclude_samples`, listings marked `sample: true` are left out of everything. The search
    files go to `data_dir` (default `docs_dir`). `parallel` writes the open data and the search
    files in a forked process while this one renders the pages."""
    if not listings_dir.is_dir():
        raise BuildError(f"không tìm thấy thư mục {listings_dir} / directory not found")
    with _timed(phases, "validate"):
        report = validate_tree(listings_dir, today=on)
        if not report.ok:
            raise BuildError(report.format() + "\nKhông dựng trang vì dữ liệu có lỗi / build stopped: invalid listings")
        listings = report.listings
        if exclude_samples:
            listings = without_samples(listings)
    say(f"{len(listings)} tin hợp lệ, ngày tham chiếu {on.isoformat()} / "
        f"{len(listings)} valid listings, reference date {on.isoformat()}")
    docs_dir.mkdir(parents=True, exist_ok=True)
    with _timed(phases, "history"):
        dates = history.git_dates(listings_dir)  # (first added, last changed) of committed files, one git pass
    data = (listings, docs_dir, data_dir or docs_dir, site_url, on, dates)
    worker = _Forked(_write_data, *data) if parallel else None
    try:
        with _timed(phases, "render"):
            pages = render_docs(listings, docs_dir, site_url, on, progress=say, repository=repository_url())
        with _timed(phases, "stats"):
            write_stats(listings, docs_dir, site_url, on, git_dates=dates)
        data_phases = worker.result() if worker else _write_data(*data)
    finally:
        if worker:
            worker.stop()
    if phases is not None:
        for name, seconds in data_phases.items():
            phases[name] = phases.get(name, 0.0) + seconds
    return pages


def _write_data(listings: list, docs_dir: Path, data_dir: Path, site_url: str, on: dt.date, dates: dict) -> dict:
    """The open data and the search files (they need the listings, not the pages); their phases' seconds."""
    phases: dict[str, float] = {}
    with _timed(phases, "export"):
        write_exports(listings, docs_dir, site_url, on, changed={path: last for path, (_, last) in dates.items()})
    with _timed(phases, "index"):
        write_search(listings, docs_dir, on, data_dir)
    return phases


def repository_url() -> str:
    """The repository enterprises send listings to: `extra.repository` of mkdocs.yml, set once there."""
    with CONFIG.open(encoding="utf-8") as handle:
        return str((yaml.safe_load(handle).get("extra") or {}).get("repository") or "").rstrip("/")


def without_samples(listings: list) -> list:
    """The listings that are not samples; a real listing that names a sample organisation stops the build."""
    samples = {x.id for x in listings if x.sample}
    kept = [x for x in listings if not x.sample]
    broken = sorted(f"{x.kind}/{x.id} → {x.owner_id()}" for x in kept if x.owner_id() in samples)
    if broken:
        raise BuildError("tin thật gắn với tổ chức mẫu, không thể bỏ dữ liệu mẫu / real listings name a sample "
                         "organisation, so samples cannot be left out: " + ", ".join(broken))
    return kept


def mkdocs_config(docs_dir: Path, site_dir: Path, site_url: str, on: dt.date, **extra):
    """The mkdocs config of mkdocs.yml, pointed at `docs_dir`, with nav sections that exist
    and the reference date for the footer (`extra.reference_date`)."""
    base = load_config(config_file=str(CONFIG), docs_dir=str(docs_dir), site_dir=str(site_dir),
                       site_url=site_url, **extra)
    base["nav"] = _existing(base["nav"], docs_dir)
    base["extra"]["reference_date"] = on.strftime("%d/%m/%Y")
    base["extra"]["reference_date_iso"] = on.isoformat()
    base["extra"]["status_labels"] = json.dumps(DATED_LABELS, ensure_ascii=False, sort_keys=True)
    base["extra"]["expiring_days"] = EXPIRING_DAYS
    # what header-search.js loads, in order, the first time the header search box is used
    base["extra"]["search_scripts"] = [f"{search.PAGE_DIR}/{name}" for name in (search.LUNR_FILE, search.CORE_FILE)]
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
          phases: dict | None = None, on: dt.date | None = None, exclude_samples: bool = False,
          processes: int | None = None, engine: str = "mkdocs") -> int:
    """Build the site into `out_dir`, replacing it only on success. Returns the page count.
    `on` is the reference date; None means `status.reference_date()` (SOURCE_DATE_EPOCH or today).
    `processes` > 1 builds in that many processes (default `PROCESSES`), with the same output.
    `engine` "zensical" renders the pages with Zensical instead of mkdocs (directory/zensical.py)."""
    started = time.perf_counter()
    processes = processes or PROCESSES
    site_url = urls.site_base(site_url)
    try:
        on = on or reference_date()
    except DateError as err:
        raise BuildError(str(err)) from None
    out_dir = check_out_dir(out_dir, listings_dir)
    _remove_stale_work(out_dir)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
        (work / WORK_MARKER).write_text(f"{socket.gethostname()} {os.getpid()}\n", encoding="utf-8")
    except OSError as err:
        raise BuildError(f"không ghi được vào {out_dir.parent} ({err.strerror}) / "
                         f"cannot write into {out_dir.parent}") from None
    try:
        docs, site, data = work / "docs", work / "site", work / "data"
        pages = generate(listings_dir, docs, site_url, on, phases, exclude_samples, data, parallel=processes > 1)
        say(f"đã tạo {pages} trang Markdown, đang chạy {engine} / {pages} Markdown pages, running {engine}")
        with _quiet_mkdocs(on), _timed(phases, "mkdocs"):
            if engine == "zensical":
                # imported only here: a mkdocs build needs no Zensical installed
                from . import zensical
                zensical.build(mkdocs_config(docs, site, site_url, on), work)
            else:
                _run_mkdocs(docs, site, site_url, on, processes)
        with _timed(phases, "merge"):
            _merge(data, site)
        (site / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        _swap(site, out_dir, work)
    except BuildError:
        raise
    except Exception as err:  # template errors, I/O, mkdocs aborts (MkDocsException)
        raise BuildError(f"dựng trang thất bại / build failed: {type(err).__name__}: {err}") from err
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"xong: {out_dir} ({pages} trang, ngày tham chiếu {on.isoformat()}, "
        f"{time.perf_counter() - started:.1f} s) / done: {out_dir} ({pages} pages)")
    return pages


def _run_mkdocs(docs: Path, site: Path, site_url: str, on: dt.date, processes: int) -> None:
    """mkdocs over `docs` into `site`; with several processes, each builds its shard of the pages
    into its own folder, then the shards are moved into `site`."""
    def shard(index: int, into: Path) -> None:
        config = mkdocs_config(docs, into, site_url, on)
        add_plugins(config, (index, processes))
        mkdocs_build(config)

    others = [(_Forked(shard, i, site.with_name(f"site-{i}")), site.with_name(f"site-{i}")) for i in range(1, processes)]
    try:
        shard(0, site)
        for worker, _folder in others:
            worker.result()
    finally:
        for worker, _folder in others:
            worker.stop()
    for _worker, folder in others:
        _merge(folder, site)


def _merge(source: Path, target: Path) -> None:
    """Move everything under `source` into `target`: a folder `target` lacks moves whole. A file
    both hold must be the same (the theme's own pages, which every shard renders alike)."""
    if not source.is_dir():
        return
    for entry in sorted(source.iterdir()):
        there = target / entry.name
        if not there.exists():
            os.replace(entry, there)
        elif entry.is_dir() and there.is_dir():
            _merge(entry, there)
        elif entry.is_file() and there.is_file() and entry.read_bytes() == there.read_bytes():
            continue
        else:
            raise BuildError(f"hai phần của bản dựng khác nhau ở {there} / two parts of the build differ at {there}")


def _refuse(out_dir: Path, vi: str, en: str) -> BuildError:
    return BuildError(f"không dựng vào {out_dir}: {vi} / will not build into {out_dir}: {en}. "
                      f"Hãy chọn --out khác / choose another --out")


def _git_top(folder: Path) -> Path | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True,
                             text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(out.stdout.strip()).resolve() if out.returncode == 0 and out.stdout.strip() else None


def check_out_dir(out_dir: Path, listings_dir: Path) -> Path:
    """The resolved `out_dir` if a build may replace it; else a BuildError that names the reason.
    Fails closed: only a missing or empty folder, or one holding our MARKER, may be replaced."""
    out = out_dir.resolve()
    listings = listings_dir.resolve()
    if out.parent == out:
        raise _refuse(out, "đây là thư mục gốc", "that is the file-system root")
    protected = {listings: ("thư mục dữ liệu listings", "the listings folder"),
                 ROOT: ("thư mục mã nguồn của danh bạ", "the repository")}
    for folder in (listings if listings.is_dir() else listings.parent, Path.cwd()):
        if (top := _git_top(folder)) is not None:
            protected.setdefault(top, ("một kho git", "a git work tree"))
    for folder, (vi, en) in protected.items():
        if out == folder or out in folder.parents:
            raise _refuse(out, f"đây là {vi} hoặc thư mục chứa nó", f"it is {en} or holds it")
    if listings in out.parents:
        raise _refuse(out, "nằm trong thư mục dữ liệu listings", "it is inside the listings folder")
    if not out.parent.is_dir():
        raise _refuse(out, f"thư mục cha {out.parent} không tồn tại", f"its parent {out.parent} does not exist")
    if not out.exists() and not out.is_symlink():
        return out
    if not out.is_dir() or out.is_symlink():
        raise _refuse(out, "đây là một tệp, không phải thư mục", "it is a file, not a folder")
    if (out / ".git").exists():
        raise _refuse(out, "đây là một kho git", "it is a git work tree")
    marker = out / MARKER
    if marker.is_file() and not marker.is_symlink() and marker.read_text(encoding="utf-8", errors="replace") == MARKER_TEXT:
        return out
    if any(out.iterdir()):
        raise _refuse(out, f"thư mục đã có tệp và không phải bản dựng trước (thiếu {MARKER}); hãy tự xóa nếu chắc chắn",
                      f"it is not empty and not a previous build (no {MARKER}); delete it yourself if you are sure")
    return out


def _remove_stale_work(out_dir: Path) -> None:
    """Remove `.<out>.build-*` folders of builds that were killed: only folders holding our
    WORK_MARKER whose process is gone (or nothing at all, if killed before writing it)."""
    for folder in out_dir.parent.glob(f".{out_dir.name}.build-*"):
        if folder.is_symlink() or not folder.is_dir():
            continue
        marker = folder / WORK_MARKER
        if marker.is_file() and not marker.is_symlink():
            host, _, pid = marker.read_text(encoding="utf-8", errors="replace").strip().partition(" ")
            if host != socket.gethostname() or not pid.isdigit() or _alive(int(pid)):
                continue
        elif any(folder.iterdir()):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        say(f"đã xóa thư mục tạm của lần dựng bị dừng / removed a killed build's folder: {folder}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


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

_HOOK = '''"""Generated by directory/site.py: refresh the preview's pages before each preview build."""
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from directory import preview
from directory.site import _RawPages, _SectionTabs, _SharedBlocks, fingerprint

_raw = _RawPages()
on_page_markdown = _raw.on_page_markdown
on_page_content = _raw.on_page_content
_tabs = _SectionTabs()
on_page_context = _tabs.on_page_context
on_post_page = _tabs.on_post_page
_shared = _SharedBlocks()
# mkdocs serve makes a new jinja environment at every rebuild: keep the compiled theme templates.
_compiled = FileSystemBytecodeCache({compiled!r})
_listings = Path({listings!r})
# serve() generated the pages just before mkdocs imported this hook.
_seen = {{"fingerprint": fingerprint(_listings)}}


def on_env(env, config, files):
    env.bytecode_cache = _compiled
    return _shared.on_env(env, config=config, files=files)


def on_pre_build(config):
    # Our own page writes wake mkdocs' watcher again; skip that round when no listing changed.
    current = fingerprint(_listings)
    if current != _seen["fingerprint"]:
        preview.ACTIVE.refresh()
        _seen["fingerprint"] = current
'''


def fingerprint(listings_dir: Path) -> tuple:
    """What identifies the state of the listings: every file's path, size and mtime."""
    return tuple(sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns)
                        for p in listings_dir.rglob("*") if p.is_file()))


def serve(listings_dir: Path, dev_addr: str = "127.0.0.1:8000") -> None:
    """mkdocs serve over the preview's pages; a change under `listings_dir` regenerates the pages
    it touches (`preview.Preview`), and mkdocs' dirty build re-renders only those."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    docs = SERVE_DIR / "docs"
    shutil.rmtree(docs, ignore_errors=True)       # ours (.cache/serve): the preview knows every page it writes
    docs.mkdir(parents=True)
    hook = SERVE_DIR / "regenerate_hook.py"
    compiled = SERVE_DIR / "jinja"
    compiled.mkdir(exist_ok=True)
    hook.write_text(_HOOK.format(listings=str(listings_dir.resolve()), compiled=str(compiled)), encoding="utf-8")
    preview.ACTIVE = preview.Preview(listings_dir.resolve(), docs, "/", repository_url())
    preview.ACTIVE.refresh(wait_for_data=True)
    nav = mkdocs_config(docs, SERVE_DIR / "site", DEFAULT_SITE_URL, reference_date())["nav"]
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    mkdocs_serve(config_file=str(CONFIG), docs_dir=str(docs), dev_addr=dev_addr, nav=nav, build_type="dirty",
                 hooks=[str(hook)], watch=[str(listings_dir.resolve())])
