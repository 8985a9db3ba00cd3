"""Lighthouse scores of the home page, one listing page and the search page, served by nginx.

    .venv/bin/python bench/lighthouse.py [--site DIR | --listings DIR] [--date YYYY-MM-DD]
                                         [--runs N] [--listing PATH] [--query TEXT] [--json FILE]

Without --site it builds the site (`build.py build`, from --listings, default listings/) in a
temporary folder. The site is served by real nginx with the server block of docs/deploy.md
(gzip, cache headers, the Content-Security-Policy and the other security headers: the tests'
`serve_nginx` in tests/browser.py), then Lighthouse (npm `lighthouse`, pinned in package.json)
audits each page with its defaults: the mobile preset and simulated mobile throttling, in
Debian's chromium (CHROME_PATH=/usr/bin/chromium, `--headless=new --no-sandbox`).

Pages: the home page; one listing (--listing, else the first listing page of sitemap.xml,
which lists no sample listing: a sample page is `noindex`, which Lighthouse's SEO audit
counts against it, as intended); the search page with a query (--query, default "nhua").
Each page is audited --runs times (default 3) in turn; per page the run with the median
performance score is kept (Lighthouse's own advice for variable machines), and the four
category scores (0-100), the main metrics and the audits that cost points are printed.
`main(argv)` returns 0; `measure(site, ...)` returns the figures for bench/run.py.
This module measures and prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser import CHROMIUM, NGINX_MISSING, serve_nginx  # noqa: E402

from directory import urls  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
# the listing kinds, in the order a listing page is picked from the sitemap
LISTING_KINDS = ("product", "recycler", "model", "offer", "demand", "distributor", "exhibition", "organisation")


def version() -> str:
    package = ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def available() -> str | None:
    """Why Lighthouse cannot run here, or None."""
    if not LIGHTHOUSE.exists():
        return "node_modules/lighthouse thiếu: chạy `npm ci` / run `npm ci`"
    if not CHROMIUM.exists():
        return "chạy `make browser` / run `make browser` (root)"
    return NGINX_MISSING


def first_listing(site: Path) -> str:
    """The first listing page of the site's sitemap.xml, by LISTING_KINDS order ("kind/slug/")."""
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    paths = [re.sub(r"^https?://[^/]+/", "", loc) for loc in locs]
    for kind in LISTING_KINDS:
        pattern = re.compile(rf"^(?:.*/)?{re.escape(urls.KIND_PATHS[kind])}/[^/]+/$")
        for path in paths:
            if pattern.match(path):
                return path[path.index(urls.KIND_PATHS[kind] + "/"):]
    raise SystemExit(f"{site}/sitemap.xml không có trang tin nào / lists no listing page")


def audit(url: str) -> dict:
    """One Lighthouse run of `url` with its defaults (mobile, simulated throttling); the JSON report."""
    env = dict(os.environ, CHROME_PATH=str(CHROMIUM))
    done = subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
         "--only-categories=" + ",".join(CATEGORIES), "--chrome-flags=--headless=new --no-sandbox"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse {url}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def summary(report: dict) -> dict:
    """Scores (0-100), metrics and the audits that cost points, from one report."""
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    metrics = {}
    for audit_id, short in METRICS.items():
        value = report["audits"][audit_id]["numericValue"]
        metrics[short] = round(value, 3) if short == "CLS" else round(value)
    losing = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            found = report["audits"][ref["id"]]
            if ref["weight"] > 0 and found["score"] is not None and found["score"] < 1:
                losing.append(f"{category}: {ref['id']} {found['score']:.2f} {found.get('displayValue', '')}".rstrip())
    return {"scores": scores, "metrics": metrics, "losing": losing,
            "benchmark_index": report["environment"].get("benchmarkIndex"),
            "lighthouse": report["lighthouseVersion"]}


def measure(site: Path, runs: int = 3, listing: str | None = None, query: str = "nhua",
            say=print) -> dict:
    """Serve `site` with docs/deploy.md's nginx and audit the three pages `runs` times each.

    Returns {"lighthouse": version, "chromium": ..., "runs": n, "pages": {name: {"path", "scores",
    "metrics", "losing", "benchmark_index", "all_scores"}}}; per page, the run of median
    performance."""
    pages = {
        "home": "",
        "listing": listing or first_listing(site),
        "search": f"{urls.SEARCH}?q={query}",
    }
    found: dict[str, list[dict]] = {name: [] for name in pages}
    with tempfile.TemporaryDirectory(prefix="scp-lighthouse-") as work, serve_nginx(site, Path(work)) as base:
        for run in range(runs):
            for name, path in pages.items():        # interleaved, so load on the machine spreads evenly
                result = summary(audit(base + path))
                say(f"[lighthouse] {run + 1}/{runs} {name}: {result['scores']} {result['metrics']}")
                found[name].append(result)
    out = {"lighthouse": version(), "chromium": _chromium_version(), "runs": runs,
           "date": dt.date.today().isoformat(), "pages": {}}
    for name, results in found.items():
        ordered = sorted(results, key=lambda r: r["scores"]["performance"])
        kept = dict(ordered[(len(ordered) - 1) // 2])
        kept["path"] = "/" + pages[name]
        kept["all_scores"] = {c: [r["scores"][c] for r in results] for c in CATEGORIES}
        kept["median_scores"] = {c: statistics.median(kept["all_scores"][c]) for c in CATEGORIES}
        out["pages"][name] = kept
    return out


def _chromium_version() -> str:
    done = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def table(result: dict) -> str:
    """A Markdown table of the scores (the kept run), the metrics and every run's scores."""
    lines = ["| trang / page | hiệu năng / performance | trợ năng / accessibility | thực hành tốt / best practices "
             "| SEO | FCP / LCP / TBT / CLS / SI | mọi lần / all runs (perf, a11y, bp, seo) |",
             "|---|---:|---:|---:|---:|---|---|"]
    for name, page in result["pages"].items():
        m = page["metrics"]
        runs = "; ".join(",".join(str(page["all_scores"][c][i]) for c in CATEGORIES)
                         for i in range(len(page["all_scores"]["performance"])))
        lines.append(f"| {name} `{page['path']}` | {page['scores']['performance']} | {page['scores']['accessibility']} "
                     f"| {page['scores']['best-practices']} | {page['scores']['seo']} "
                     f"| {m['FCP']} ms / {m['LCP']} ms / {m['TBT']} ms / {m['CLS']} / {m['SI']} ms | {runs} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--listings", type=Path, default=ROOT / "listings")
    parser.add_argument("--date", default="2026-11-23", help="reference date of the build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--listing", help='the listing page, e.g. "mo-hinh/SLUG/" (default: from sitemap.xml)')
    parser.add_argument("--query", default="nhua")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    missing = available()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="scp-lighthouse-site-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            done = subprocess.run([sys.executable, "build.py", "build", "--listings", str(args.listings),
                                   "--out", str(site), "--date", args.date],
                                  cwd=ROOT, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stdout + done.stderr, file=sys.stderr)
                return 1
        result = measure(site, args.runs, args.listing, args.query,
                         say=lambda message: print(message, file=sys.stderr, flush=True))
    print(f"Lighthouse {result['lighthouse']}, {result['chromium']}, {result['date']}, "
          f"mobile preset, simulated throttling; median of {result['runs']} runs by performance")
    print(table(result))
    for name, page in result["pages"].items():
        print(f"{name}: benchmarkIndex {page['benchmark_index']}")
        for line in page["losing"]:
            print(f"  {line}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
