"""Time from navigation to the first rendered search result, in headless Debian chromium.

`first_results(targets, runs, timeout)` serves each built site from 127.0.0.1, then
`runs` times, interleaved across targets, opens a fresh browser context (cold cache)
at the target's search URL and records `performance.now()` when the first result
element appears (a MutationObserver installed before any page script runs). A target
that times out is recorded as None and not retried: its figure is "> timeout". A target
slower than SLOW_MS in each of its first 3 runs stops there, to keep `make bench` in budget.

Serving and launching chromium are the test suite's helpers (tests/browser.py): one
way to drive Debian's chromium, never a downloaded browser. This module only
measures; run.py reports.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import SKIP_REASON, chromium, serve  # noqa: E402

SLOW_MS = 10_000

_OBSERVE = """(() => {
  const sel = %s;
  const seen = () => { if (!window.__firstResult && document.querySelector(sel)) {
    window.__firstResult = performance.now(); return true; } return false; };
  new MutationObserver((m, o) => { if (seen()) o.disconnect(); })
    .observe(document, {childList: true, subtree: true});
})();"""


def available() -> bool:
    return SKIP_REASON is None


def first_results(targets: dict[str, tuple[Path, str, str]], runs: int, timeout: float) -> dict[str, list]:
    """targets: name -> (site dir, path and query, CSS selector of a result).
    Returns name -> milliseconds per run (None for a timeout)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    results: dict[str, list] = {name: [] for name in targets}
    with ExitStack() as stack:
        bases = {name: stack.enter_context(serve(root)) for name, (root, _q, _s) in targets.items()}
        browser = stack.enter_context(chromium())
        for _ in range(runs):
            for name, (_root, query, selector) in targets.items():
                done = results[name]
                if None in done or (len(done) >= 3 and min(done) > SLOW_MS):
                    continue
                context = browser.new_context()
                page = context.new_page()
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
    return results
