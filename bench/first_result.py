"""Time from navigation to the first rendered search result, in headless Debian chromium.

`first_results(targets, runs, timeout)` serves each built site from 127.0.0.1, then
`runs` times, interleaved across targets, opens a fresh browser context (cold cache)
at the target's search URL and records `performance.now()` when the first result
element appears (a MutationObserver installed before any page script runs). A target
that times out is recorded as None and not retried: its figure is "> timeout". A target
slower than SLOW_MS in each of its first 3 runs stops there, to keep `make bench` in budget.

Sites are served as a web server would (`serve_gzip`: text gzipped at level 6 when the
browser asks, as docs/deploy.md's nginx does; Pagefind's own files, compressed already,
as they are). `throttle` emulates a slow link through Chromium's DevTools protocol
(`Network.emulateNetworkConditions`: latency in ms, throughput in bytes/s); `fetched`
lists the paths a page requested, for the bytes per query. Launching chromium is the test
suite's helper (tests/browser.py): one way to drive Debian's chromium, never a downloaded
browser. This module only measures; run.py reports.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import SKIP_REASON, QuietHandler, chromium, serve, serving  # noqa: E402

SLOW_MS = 10_000
SLOW_4G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
TEXT_TYPES = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")


@contextmanager
def serve_gzip(root: Path):
    """Serve `root` on 127.0.0.1 with gzip (level 6) for text files; yields the base URL."""
    cache: dict[str, bytes] = {}

    class Handler(QuietHandler):
        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                if not self.path.split("?")[0].endswith("/"):
                    return super().send_head()      # the redirect to the directory's URL
                path = path / "index.html"
            if (path.suffix not in TEXT_TYPES or "gzip" not in self.headers.get("Accept-Encoding", "")
                    or not path.is_file()):
                return super().send_head()
            key = str(path)
            if key not in cache:
                cache[key] = gzip.compress(path.read_bytes(), 6)
            body = cache[key]
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    with serving(root, Handler) as base:
        yield base

_OBSERVE = """(() => {
  const sel = %s;
  const seen = () => { if (!window.__firstResult && document.querySelector(sel)) {
    window.__firstResult = performance.now(); return true; } return false; };
  new MutationObserver((m, o) => { if (seen()) o.disconnect(); })
    .observe(document, {childList: true, subtree: true});
})();"""


def available() -> bool:
    return SKIP_REASON is None


def first_results(targets: dict[str, tuple[Path, str, str]], runs: int, timeout: float,
                  throttle: dict | None = None, gzip_text: bool = False,
                  fetched: dict[str, list] | None = None) -> dict[str, list]:
    """targets: name -> (site dir, path and query, CSS selector of a result).
    Returns name -> milliseconds per run (None for a timeout). With `fetched`, each run's
    requested paths are appended to fetched[name]."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    results: dict[str, list] = {name: [] for name in targets}
    server = serve_gzip if gzip_text else serve
    with ExitStack() as stack:
        bases = {name: stack.enter_context(server(root)) for name, (root, _q, _s) in targets.items()}
        browser = stack.enter_context(chromium())
        for _ in range(runs):
            for name, (_root, query, selector) in targets.items():
                done = results[name]
                if None in done or (len(done) >= 3 and min(done) > SLOW_MS):
                    continue
                context = browser.new_context()
                page = context.new_page()
                paths: list[str] = []
                page.on("request", lambda request, paths=paths: paths.append(request.url))
                if throttle:
                    cdp = context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Network.emulateNetworkConditions", throttle)
                page.add_init_script(_OBSERVE % json.dumps(selector))
                try:
                    page.goto(bases[name] + query, wait_until="commit")
                    page.wait_for_selector(selector, timeout=timeout * 1000)
                    page.wait_for_function("window.__firstResult !== undefined", timeout=5000)
                    results[name].append(page.evaluate("window.__firstResult"))
                except PlaywrightTimeout:
                    results[name].append(None)
                finally:
                    context.close()
                if fetched is not None:
                    base = bases[name]
                    fetched.setdefault(name, []).append([u[len(base) - 1:].split("?")[0] for u in paths
                                                         if u.startswith(base)])
    return results
