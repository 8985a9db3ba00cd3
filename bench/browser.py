"""Time from navigation to the first rendered search result, in headless Debian chromium.

`first_results(targets, runs, timeout)` serves each built site from 127.0.0.1, then
`runs` times, interleaved across targets, opens a fresh browser context (cold cache)
at the target's search URL and records `performance.now()` when the first result
element appears (a MutationObserver installed before any page script runs). A target
that times out is recorded as None and not retried: its figure is "> timeout". A target
slower than SLOW_MS in each of its first 3 runs stops there, to keep `make bench` in budget.

Playwright drives /usr/bin/chromium; it never downloads a browser. This module only
measures; run.py reports.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
SLOW_MS = 10_000
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

_OBSERVE = """(() => {
  const sel = %s;
  const seen = () => { if (!window.__firstResult && document.querySelector(sel)) {
    window.__firstResult = performance.now(); return true; } return false; };
  new MutationObserver((m, o) => { if (seen()) o.disconnect(); })
    .observe(document, {childList: true, subtree: true});
})();"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists()


def _serve(root: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first_results(targets: dict[str, tuple[Path, str, str]], runs: int, timeout: float) -> dict[str, list]:
    """targets: name -> (site dir, path and query, CSS selector of a result).
    Returns name -> milliseconds per run (None for a timeout)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    servers = {name: _serve(root) for name, (root, _q, _s) in targets.items()}
    results: dict[str, list] = {name: [] for name in targets}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            for _ in range(runs):
                for name, (_root, query, selector) in targets.items():
                    done = results[name]
                    if None in done or (len(done) >= 3 and min(done) > SLOW_MS):
                        continue
                    url = f"http://127.0.0.1:{servers[name].server_address[1]}/{query}"
                    context = browser.new_context()
                    page = context.new_page()
                    page.add_init_script(_OBSERVE % json.dumps(selector))
                    try:
                        page.goto(url, wait_until="commit")
                        page.wait_for_selector(selector, timeout=timeout * 1000)
                        page.wait_for_function("window.__firstResult !== undefined", timeout=5000)
                        results[name].append(page.evaluate("window.__firstResult"))
                    except PlaywrightTimeout:
                        results[name].append(None)
                    finally:
                        context.close()
            browser.close()
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
    return results
