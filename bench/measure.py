"""Measuring helpers for bench/run.py: child processes, sizes, the mkdocs-material baseline,
the live-preview latency and the growth fit.

- `run_child` runs a command and returns its wall time and memory: every 50 ms while it runs,
  the proportional set size (PSS, /proc/<pid>/smaps_rollup) summed over the child and all
  its descendants (a build forks: RSS would count the pages they share once per process),
  and, from os.wait4, the peak RSS of the largest single process.
- `baseline_corpus` turns a built directory site into plain Markdown pages with the
  same text (one page per generated page, same paths, only the home page in the nav),
  and `write_baseline_config` writes a stock mkdocs-material config for them.
- `preview_latency` starts `directory.site.serve` on a free port, edits one listing
  and polls its page over HTTP until the edit shows.
- `fit` is the least-squares line time = a + b·N with R².

It does not drive a browser (see first_result.py) or write the report (run.py).
"""

from __future__ import annotations

import gzip
import html
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


SAMPLE_EVERY = 0.05  # seconds between two memory samples of a running child


def run_child(cmd: list[str], log: Path, env: dict | None = None) -> dict:
    """Run `cmd` (stdout and stderr to `log`). Returns {"wall": seconds, "pss": peak PSS of the
    child and its descendants together, "rss": peak RSS of the largest single process, both in
    bytes, "peak_processes": most processes seen at once}. Raises RuntimeError with the log's tail if it fails."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        finally:
            sampler.stop.set()
            sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"lệnh thất bại / command failed: {' '.join(cmd)}\n{tail}")
    # ru_maxrss of a waited child is the largest peak among it and the descendants it waited for
    # (the kernel's exact high-water mark, which 50 ms samples could miss); Linux gives kilobytes.
    return {"wall": wall, "pss": sampler.peak_pss, "rss": usage.ru_maxrss * 1024, "peak_processes": sampler.most}


class _TreeSampler(threading.Thread):
    """Every SAMPLE_EVERY seconds until `stop` is set: the PSS of `pid` and all its descendants,
    summed; keeps the peak sum and the most processes seen at once."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.peak_pss = self.most = 0

    def run(self) -> None:
        while True:
            tree = process_tree(self.pid)
            self.peak_pss = max(self.peak_pss, sum(pss(p) for p in tree))
            self.most = max(self.most, len(tree))
            if self.stop.wait(SAMPLE_EVERY):
                return


def process_tree(pid: int) -> list[int]:
    """`pid` and every process below it, by the parent id in each /proc/<pid>/stat
    (/proc/<pid>/task/*/children needs CONFIG_PROC_CHILDREN, which this machine's kernel lacks)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path("/proc", entry.name, "stat").read_bytes()
            except OSError:       # it ended between the listing and the read
                continue
            # "pid (command) state ppid ...": the command may hold spaces and parentheses
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo += children.get(tree[-1], [])
    return tree


def pss(pid: int) -> int:
    """Proportional set size of one process in bytes (each shared page divided among its
    sharers); 0 once it has ended."""
    try:
        text = Path("/proc", str(pid), "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024   # kB
    return 0     # a zombie's rollup is empty


def tree_size(path: Path) -> tuple[int, int]:
    """(bytes, files) under `path`."""
    total = files = 0
    for p in path.rglob("*"):
        if p.is_file():
            total += p.stat().st_size
            files += 1
    return total, files


def sizes(path: Path) -> tuple[int, int]:
    """(raw bytes, gzip -6 bytes) of one file, as a web server would send it."""
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 6))


# --- The mkdocs-material baseline ---------------------------------------------------

_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)
_DROP = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|dt|dd|tr|div|section|ul|ol|table|figure)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def page_text(page_html: str) -> tuple[str, list[str]]:
    """(title, text lines) of one built page: the visible text of its article."""
    found = _ARTICLE.search(page_html)
    body = found.group(1) if found else ""
    h1 = _H1.search(body)
    title = html.unescape(_TAG.sub("", h1.group(1))).strip() if h1 else ""
    if h1:
        body = body[:h1.start()] + body[h1.end():]
    body = _BLOCK_END.sub("\n", _DROP.sub("", body))
    lines = [" ".join(html.unescape(line).split()) for line in _TAG.sub(" ", body).splitlines()]
    return title, [line for line in lines if line]


def baseline_corpus(site_dir: Path, docs_dir: Path) -> tuple[int, int]:
    """Write one Markdown page per HTML page of our built site (same path, same text).
    Returns (pages, Markdown bytes)."""
    pages = total = 0
    for page in sorted(site_dir.rglob("index.html")):
        rel = page.parent.relative_to(site_dir)
        if rel.parts and rel.parts[0] in ("search", "assets"):
            continue
        title, lines = page_text(page.read_text(encoding="utf-8"))
        escaped = [line.replace("<", "&lt;") for line in lines]
        text = f"# {title or rel.as_posix() or 'Trang chủ'}\n\n" + "\n\n".join(escaped) + "\n"
        target = docs_dir / rel / "index.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        pages += 1
        total += len(text.encode("utf-8"))
    return pages, total


def write_baseline_config(path: Path, docs_dir: Path, site_dir: Path) -> None:
    """A stock mkdocs-material config: same theme and language, default plugins (search),
    only the home page in the nav."""
    path.write_text(
        "site_name: Danh bạ (baseline)\n"
        "site_url: https://scp.gov.vn/\n"
        f"docs_dir: {docs_dir}\n"
        f"site_dir: {site_dir}\n"
        "theme:\n  name: material\n  language: vi\n  font: false\n"
        "nav:\n  - Trang chủ: index.md\n"
        "validation:\n  nav:\n    omitted_files: ignore\n  links:\n    unrecognized_links: ignore\n",
        encoding="utf-8")


# --- Live preview -------------------------------------------------------------------

_SERVE = """import sys
from pathlib import Path
sys.path.insert(0, {root!r})
import directory.site as site
site.SERVE_DIR = Path(sys.argv[1])
site.serve(Path(sys.argv[2]), sys.argv[3])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, needle: str, timeout: float) -> float | None:
    """Seconds until `needle` is in the page at `url`, polling every 50 ms; None on timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = _fetch(url)
        if body is not None and needle in body:
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


def preview_latency(listings: Path, listing_file: Path, page_path: str, runs: int,
                    timeout: float = 600.0) -> dict:
    """Start the live preview over `listings`, then `runs` times rewrite the summary of
    `listing_file` and time until its page at `page_path` shows the new text."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        script = Path(tmp) / "serve.py"
        script.write_text(_SERVE.format(root=str(ROOT)), encoding="utf-8")
        log = open(Path(tmp) / "serve.log", "wb")
        # its own process group: the preview's data child (directory/preview.py) stops with it
        proc = subprocess.Popen([sys.executable, str(script), str(Path(tmp) / "serve"), str(listings),
                                 f"127.0.0.1:{port}"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        url = f"http://127.0.0.1:{port}/{page_path}"
        original = listing_file.read_text(encoding="utf-8")
        try:
            start = time.perf_counter()
            first_page = _wait_for(url, "<h1", timeout)
            if first_page is None:
                raise RuntimeError("bản xem trước không khởi động / preview did not start:\n"
                                   + (Path(tmp) / "serve.log").read_text(errors="replace")[-2000:])
            startup = time.perf_counter() - start
            times = []
            for run in range(runs):
                time.sleep(2.0)  # let the watcher settle after the previous build
                marker = f"BENCHMARK{run}{int(time.time())}"
                changed = re.sub(r"(?m)^summary: .*$", f"summary: Đã sửa để đo {marker}.", original, count=1)
                staged = listings.parent / f".bench-{listing_file.name}"
                staged.write_text(changed, encoding="utf-8")
                os.replace(staged, listing_file)  # one save, as an editor writing atomically does
                seen = _wait_for(url, marker, timeout)
                if seen is None:
                    raise RuntimeError("bản xem trước không cập nhật / preview did not update")
                times.append(seen)
        finally:
            listing_file.write_text(original, encoding="utf-8")
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            log.close()
        text = (Path(tmp) / "serve.log").read_text(encoding="utf-8", errors="replace")
    return {"startup": startup, "times": times, "full_rebuilds": text.count("Building documentation"),
            "log_tail": text[-500:]}


# --- Growth -------------------------------------------------------------------------


def fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b·x; returns (a, b, R²). Needs two distinct x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, 1.0 - ss_res / ss_tot if ss_tot else 1.0
