"""Pagefind 1.6 (npm `@pagefind/linux-x64`, pinned in package.json) beside our search, for
bench/run.py and bench/search_quality.py.

- `index_site(site)` runs Pagefind's binary over a built site: the listing pages only,
  their `<article>` (the page text without the theme's navigation); it writes site/pagefind/.
- `add_search_page(site)` copies our search page (same theme, same HTML weight) to
  site/tim-kiem-pagefind/ with our scripts replaced by bench/js/pagefind-page.js, which
  searches through Pagefind's JS API and shows the first 10 results as `.tk-result` items:
  the time to the first result and the bytes per query are taken the same way as ours.
- `quality(listings, queries, work)` builds the quality fixture site, indexes it and returns
  query -> listing ids best first, through the same page in headless chromium.

If the binary is missing (not on linux-x64, `npm ci` not run) every function returns None and
the report says so; the issue's published figures are then quoted instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"
PAGE_SCRIPT = Path(__file__).resolve().parent / "js" / "pagefind-page.js"
LISTING_DIRS = "{doanh-nghiep,san-pham,tai-che,mo-hinh,phan-phoi,trien-lam,chao-ban,nhu-cau}"
PAGE_DIR = "tim-kiem-pagefind"


def available() -> bool:
    return BINARY.is_file()


def version() -> str:
    done = subprocess.run([str(BINARY), "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def index_site(site: Path) -> float | None:
    """Index the listing pages of a built site into site/pagefind/; returns seconds taken."""
    if not available():
        return None
    import time
    start = time.perf_counter()
    subprocess.run([str(BINARY), "--site", str(site), "--glob", f"{LISTING_DIRS}/*/index.html",
                    "--root-selector", "article", "--output-subdir", "pagefind", "--silent"],
                   check=True, capture_output=True, text=True, timeout=1800)
    return time.perf_counter() - start


_OUR_SCRIPTS = re.compile(r'<script src="(?:lunr-[0-9.]+\.min\.js|tim-kiem-loi\.js|tim-kiem\.js)"></script>')
_PRELOADS = re.compile(r'<link rel="preload" href="[^"]+" as="fetch" crossorigin="anonymous">')


def add_search_page(site: Path) -> str:
    """Our search page's HTML with Pagefind in place of our engine; returns its path from the root."""
    html = (site / "tim-kiem" / "index.html").read_text(encoding="utf-8")
    html = _PRELOADS.sub("", html)
    html, count = _OUR_SCRIPTS.subn("", html)
    if count != 3:
        raise RuntimeError("tim-kiem/index.html: our three scripts were not found")
    html = html.replace("</article>", '<script src="../pagefind-page.js"></script></article>', 1)
    (site / PAGE_DIR).mkdir(exist_ok=True)
    (site / PAGE_DIR / "index.html").write_text(html, encoding="utf-8")
    shutil.copyfile(PAGE_SCRIPT, site / "pagefind-page.js")
    return PAGE_DIR + "/"


def quality(listings: Path, queries: list[str], work: Path | None = None) -> dict[str, list[str]] | None:
    """query -> listing ids (best first) from Pagefind over the built pages of `listings`."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import SKIP_REASON, chromium, serve

    if not available() or SKIP_REASON is not None:
        return None
    import tempfile
    with tempfile.TemporaryDirectory(prefix="pf-quality-", dir=work) as tmp:
        site = Path(tmp) / "site"
        done = subprocess.run([sys.executable, "build.py", "build", "--listings", str(listings), "--out", str(site)],
                              cwd=ROOT, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        index_site(site)
        page_path = add_search_page(site)
        out = {}
        with serve(site) as base, chromium() as browser:
            context = browser.new_context()
            page = context.new_page()
            page.goto(base + page_path)
            page.wait_for_function("window.pagefindSearch !== undefined")
            for q in queries:
                urls = page.evaluate("q => window.pagefindSearch(q, 50)", q)
                out[q] = [u.strip("/").split("/")[-1] for u in urls]
            context.close()
        return out


if __name__ == "__main__":
    print(json.dumps({"available": available(), "version": version() if available() else None}))
