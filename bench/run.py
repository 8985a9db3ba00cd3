"""`make bench`: measure the directory at scale against mkdocs-material and write docs/performance.md.

    .venv/bin/python bench/run.py [--sizes 1000,2000,4000,8000,10000] [--quick] [--repeat N]
                                  [--out docs/performance.md] [--no-browser] [--no-preview]

For each synthetic size (directory.synthetic, fixed seed and date) it measures:
validation (listings/s, in process); our build in a fresh child process (bench/child.py:
wall time, phases recorded by `site.build`, peak memory, output size) interleaved with
a plain mkdocs-material build of the same pages' text (measure.baseline_corpus);
the search files' sizes; and, for --search-sizes, the time to the first search
result in headless chromium, ours vs the theme's built-in search (first_result.py), then
ours vs the download-everything layout vs Pagefind: bytes per query, first result on
loopback and on emulated slow 4G, time per keystroke (search_scale.py); once, the search
quality per query class, ours vs MiniSearch vs Pagefind (search_quality.py).
`--search-only` measures just that at --search-sizes and replaces only the search section
of an existing report.
Once, at --preview-size, the live preview's save-to-page latency (measure.py).
Then it fits time = a + b·N for both builds, writes the Markdown report and prints
the ratios. Figures are medians with (min–max); it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import first_result  # noqa: E402
import measure  # noqa: E402
import search_quality  # noqa: E402
import search_scale  # noqa: E402
from directory import synthetic, urls  # noqa: E402
from directory.validate import validate_tree  # noqa: E402

ROOT = measure.ROOT
TODAY = dt.date(2026, 11, 23)
SEED = 0
OURS_RESULT, BUILTIN_RESULT = ".tk-result", ".md-search-result__item"


def pick_query(listings: list[dict]) -> str:
    """The most frequent plain-ASCII word (3+ letters) of the listings' names, lower-cased: both
    engines match it as typed, with no diacritics to fold."""
    counts: dict[str, int] = {}
    for listing in listings:
        for word in listing["name"].lower().split():
            if len(word) >= 3 and word.isascii() and word.isalpha():
                counts[word] = counts.get(word, 0) + 1
    return max(sorted(counts), key=counts.get)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def auto_repeat(n: int) -> int:
    return 3 if n <= 1000 else 2 if n <= 2000 else 1


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


# --- One size -------------------------------------------------------------------------


def bench_size(n: int, repeat: int, work: Path, args) -> dict:
    base = work / f"n{n}"
    data = synthetic.generate(n, SEED, TODAY)
    synthetic.write_tree(data, base)
    listings = base / "listings"
    vrepeat = args.validate_repeat or (3 if n <= 4000 else 2)
    say(f"{n}: kiểm tra / validation ×{vrepeat}")
    vtimes = []
    for _ in range(vrepeat):
        start = time.perf_counter()
        report = validate_tree(listings)
        vtimes.append(time.perf_counter() - start)
        if not report.ok or len(report.listings) != n:
            raise SystemExit(report.format())
    result = {"n": n, "validate": vtimes, "ours": [], "baseline": [], "query": pick_query(data)}
    ours_out, base_docs, base_site = base / "site", base / "baseline-docs", base / "baseline-site"
    config = base / "baseline.yml"
    for run in range(repeat):
        say(f"{n}: dựng / our build {run + 1}/{repeat}")
        phases_json = base / "phases.json"
        wall, rss = measure.run_child([sys.executable, "bench/child.py", str(phases_json), str(listings),
                                       str(ours_out)], base / "ours.log")
        done = json.loads(phases_json.read_text(encoding="utf-8"))
        size, files = measure.tree_size(ours_out)
        result["ours"].append({"wall": wall, "rss": rss, "bytes": size, "files": files, **done})
        if run == 0:
            pages, md_bytes = measure.baseline_corpus(ours_out, base_docs)
            measure.write_baseline_config(config, base_docs, base_site)
            result["baseline_pages"], result["baseline_md_bytes"] = pages, md_bytes
        say(f"{n}: mkdocs-material thuần / plain mkdocs-material {run + 1}/{repeat}")
        wall, rss = measure.run_child([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                                      base / "baseline.log")
        size, files = measure.tree_size(base_site)
        result["baseline"].append({"wall": wall, "rss": rss, "bytes": size, "files": files})
    search = ours_out / urls.SEARCH.strip("/")
    files = sorted(p for p in search.rglob("*.json"))
    sizes = [measure.sizes(p) for p in files]
    result["index"] = {"raw": sum(r for r, _g in sizes), "gzip": sum(g for _r, g in sizes), "files": len(files)}
    result["builtin_index"] = measure.sizes(base_site / "search" / "search_index.json")
    if args.browser and n in args.search_sizes:
        say(f"{n}: tìm kiếm trong chromium / search in chromium ×{args.search_runs}")
        result["search"] = first_result.first_results(
            {"ours": (ours_out, f"{urls.SEARCH.lstrip('/')}?q={result['query']}", OURS_RESULT),
             "builtin": (base_site, f"?q={result['query']}", BUILTIN_RESULT)},
            args.search_runs, args.builtin_timeout)
        on = dt.date.fromisoformat(json.loads((search / "chi-muc.json").read_text(encoding="utf-8"))["on"])
        result["scale"] = search_scale.measure_search(n, data, result["query"], listings, ours_out, base, args, on)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return result


def bench_preview(n: int, runs: int, work: Path) -> dict:
    base = work / f"preview-{n}"
    synthetic.write_tree(synthetic.generate(n, SEED, TODAY), base)
    target = sorted((base / "listings" / "product").glob("*.yaml"))[0]
    page = f"{urls.listing_path(type('L', (), {'kind': 'product', 'id': target.stem})())}"
    say(f"xem trước trực tiếp / live preview at {n}, ×{runs}")
    result = measure.preview_latency(base / "listings", target, page, runs)
    shutil.rmtree(base, ignore_errors=True)
    return {"n": n, **result}


# --- Report ---------------------------------------------------------------------------


def _s(v: dict, fmt: str = "{:.1f}", scale: float = 1.0) -> str:
    return (fmt.format(v["median"] * scale) + " (" + fmt.format(v["min"] * scale) + "–"
            + fmt.format(v["max"] * scale) + ")")


def _mb(b: float) -> str:
    return f"{b / 1e6:.0f}" if b >= 1e7 else f"{b / 1e6:.1f}"


PHASES = ["validate", "render", "export", "index", "mkdocs"]


def summarise(results: list[dict]) -> dict:
    rows = []
    for r in results:
        n = r["n"]
        ours, base = stats([x["wall"] for x in r["ours"]]), stats([x["wall"] for x in r["baseline"]])
        ratios = stats([o["wall"] / b["wall"] for o, b in zip(r["ours"], r["baseline"])])
        phases = {p: statistics.median(x["phases"].get(p, 0.0) for x in r["ours"]) for p in PHASES}
        phases["other"] = ours["median"] - sum(phases.values())
        rows.append({"n": n, "ours": ours, "base": base, "ratio": ratios, "phases": phases,
                     "validate": stats([n / t for t in r["validate"]])})
    fits = {}
    if len(rows) >= 2:
        xs = [row["n"] for row in rows]
        for key in ("ours", "base"):
            fits[key] = measure.fit(xs, [row[key]["median"] for row in rows])
    return {"rows": rows, "fits": fits}


def _search_cell(times: list, timeout: float) -> tuple[str, float | None]:
    done = [t for t in times if t is not None]
    if None in times:
        return f"> {timeout:.0f} s (hết thời gian / timed out)", None
    if not done:
        return "—", None
    v = stats(done)
    return _s(v, "{:.0f}") + f" ms, {len(done)} lần / runs", v["median"]


def report(results: list[dict], summary: dict, preview: dict | None, args, elapsed: float) -> str:
    import mkdocs
    import material

    rows, fits = summary["rows"], summary["fits"]
    out = ["# Hiệu năng / Performance", "",
           "Tệp này do `make bench` (bench/run.py) viết ra; đừng sửa tay. / Written by `make bench` "
           "(bench/run.py); do not edit by hand.", "",
           f"- Máy / machine: {platform.machine()}, {os.cpu_count()} CPU, {_cpu_name()}; "
           f"Python {platform.python_version()}, mkdocs {mkdocs.__version__}, "
           f"mkdocs-material {material.__version__ if hasattr(material, '__version__') else _material_version()}",
           f"- Dữ liệu / data: `directory.synthetic`, seed {SEED}, ngày / today {TODAY.isoformat()}; "
           f"cỡ / sizes {', '.join(str(r['n']) for r in results)}",
           f"- Mỗi số là trung vị (nhỏ nhất–lớn nhất) / each figure is median (min–max); "
           f"ours and baseline builds run interleaved. Chạy hết / total run time {elapsed / 60:.1f} min"
           + (" (--quick)" if args.quick else ""), ""]

    out += ["## Tóm tắt / Summary", "",
            "| N | dựng / build (s) | mkdocs-material thuần / plain (s) | tỉ lệ / ratio | "
            "tìm kiếm / first result, ours vs built-in |",
            "|---:|---:|---:|---:|---|"]
    for r, row in zip(results, rows):
        cell = "—"
        if "search" in r:
            o, om = _search_cell(r["search"]["ours"], args.builtin_timeout)
            b, bm = _search_cell(r["search"]["builtin"], args.builtin_timeout)
            if om is not None and bm is not None:
                cell = f"{om:.0f} ms vs {bm:.0f} ms ({om / bm:.2f}×)"
            elif om is not None:
                cell = f"{om:.0f} ms vs > {args.builtin_timeout:.0f} s (< {om / (args.builtin_timeout * 1000):.3f}×)"
        out.append(f"| {row['n']} | {row['ours']['median']:.1f} | {row['base']['median']:.1f} | "
                   f"{_s(row['ratio'], '{:.2f}')}× | {cell} |")
    out.append("")

    out += ["## Kiểm tra / Validation", "",
            "`validate_tree` trong cùng tiến trình / in process.", "",
            "| N | tin/giây / listings/s | lần / runs |", "|---:|---:|---:|"]
    for row in rows:
        out.append(f"| {row['n']} | {_s(row['validate'], '{:.0f}')} | {row['validate']['runs']} |")
    out.append("")

    out += ["## Dựng trang / Build", "",
            "Mỗi lần dựng là một tiến trình con mới (`bench/child.py` gọi `directory.site.build`); "
            "thời gian tính cả khởi động Python. / Each build is a fresh child process; wall time includes "
            "interpreter start-up. Peak memory is the child's ru_maxrss.", "",
            "| N | giây / s | ms/tin / ms/listing | bộ nhớ đỉnh / peak RSS (MB) | đầu ra / output (MB, files) "
            "| lần / runs |",
            "|---:|---:|---:|---:|---:|---:|"]
    for r, row in zip(results, rows):
        last = r["ours"][-1]
        rss = statistics.median(x["rss"] for x in r["ours"])
        out.append(f"| {row['n']} | {_s(row['ours'])} | {_s(row['ours'], '{:.2f}', 1000 / row['n'])} | "
                   f"{rss / 1e6:.0f} | {_mb(last['bytes'])}, {last['files']} | {row['ours']['runs']} |")
    out += ["", "### Theo giai đoạn / By phase (ms/tin / ms per listing, trung vị / median)", "",
            "| N | " + " | ".join(PHASES) + " | khác / other |", "|---:|" + "---:|" * (len(PHASES) + 1)]
    for row in rows:
        cells = [f"{row['phases'][p] * 1000 / row['n']:.2f}" for p in PHASES + ["other"]]
        out.append(f"| {row['n']} | " + " | ".join(cells) + " |")
    out += ["", "`validate` = nạp + kiểm tra / load and validate; `other` = khởi động, cấu hình, đổi chỗ thư mục, "
            "dọn dẹp / start-up, imports, atomic swap and clean-up.", ""]

    out += ["### mkdocs-material thuần / Plain mkdocs-material baseline", "",
            "Cùng số trang, cùng chữ: mỗi trang HTML của bản dựng của ta thành một trang Markdown thuần "
            "(`measure.baseline_corpus`), chủ đề material, tiếng Việt, plugin mặc định (search), chỉ trang chủ "
            "trong nav. / The same pages with the same text as plain Markdown, stock material theme, default "
            "plugins (search), only the home page in the nav; `python -m mkdocs build`.", "",
            "| N | trang / pages | Markdown (KB/trang / per page) | giây / s | ms/trang / ms/page | "
            "bộ nhớ đỉnh / peak RSS (MB) | đầu ra / output (MB) | tỉ lệ ta/thuần / ratio ours/plain |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r, row in zip(results, rows):
        rss = statistics.median(x["rss"] for x in r["baseline"])
        per_page = r["baseline_md_bytes"] / r["baseline_pages"] / 1000
        out.append(f"| {row['n']} | {r['baseline_pages']} | {per_page:.1f} | {_s(row['base'])} | "
                   f"{row['base']['median'] * 1000 / r['baseline_pages']:.2f} | {rss / 1e6:.0f} | "
                   f"{_mb(r['baseline'][-1]['bytes'])} | {_s(row['ratio'], '{:.2f}')}× |")
    out.append("")

    out += ["### Tăng trưởng / Growth", "",
            "Bình phương tối thiểu / least squares, time = a + b·N over the medians.", ""]
    if fits:
        out += ["| bản dựng / build | a (s) | b (ms/tin / ms per listing) | R² |", "|---|---:|---:|---:|"]
        for key, label in (("ours", "của ta / ours"), ("base", "mkdocs-material thuần / plain")):
            a, b, r2 = fits[key]
            out.append(f"| {label} | {a:.2f} | {b * 1000:.2f} | {r2:.4f} |")
        out.append("")
        out.append(f"Độ dốc / slope ratio ours/plain: {fits['ours'][1] / fits['base'][1]:.2f}×.")
    else:
        out.append("Cần ít nhất hai cỡ / needs at least two sizes.")
    out.append("")

    out += ["## Xem trước trực tiếp / Incremental preview", ""]
    if preview:
        t = stats(preview["times"])
        out += [f"`build.py serve` ({preview['n']} tin / listings): sửa `summary` của một tin rồi hỏi trang "
                f"qua HTTP mỗi 50 ms đến khi thấy chữ mới. / Edit one listing's summary, poll its page over HTTP "
                f"every 50 ms until the new text shows.", "",
                f"- Lưu → trang mới / save → rebuilt page: **{_s(t)} s** ({t['runs']} lần / runs)",
                f"- Khởi động / start-up to first page: {preview['startup']:.1f} s",
                f"- Tăng dần một phần / partly incremental: mỗi lần lưu, Python tạo lại mọi trang Markdown "
                f"(kiểm tra, dựng, xuất, chỉ mục) nhưng chỉ ghi các trang đổi, và mkdocs serve dựng kiểu "
                f"`dirty`, chỉ dựng lại các trang đó — every save regenerates the Markdown in Python but "
                f"writes only changed pages, and mkdocs serve's dirty build re-renders only those "
                f"({preview['full_rebuilds']} lần dựng trong nhật ký cho {len(preview['times'])} lần lưu, "
                f"kể cả lần khởi động; lượt do chính các trang vừa ghi đánh thức được bỏ qua / builds in the "
                f"log for {len(preview['times'])} saves, start-up included; the round our own writes trigger "
                f"skips regeneration).", ""]
    else:
        out += ["Không đo (--no-preview) / not measured.", ""]

    out += search_section(results, args)
    return "\n".join(out)


SEARCH_HEADING = "## Tìm kiếm / Search"


def search_section(results: list[dict], args) -> list[str]:
    """The report's search section (also rewritten alone by --search-only)."""
    out = [SEARCH_HEADING, "",
           "Dữ liệu tìm kiếm trên máy chủ, gzip mức 6: bản kê `chi-muc.json`, bảng bộ lọc `danh-sach.json` và mọi "
           "mảnh `chi-muc/` (một truy vấn chỉ tải vài mảnh: bảng byte mỗi truy vấn bên dưới). / The search data on "
           "the server, gzip level 6: manifest, facet table and every shard (a query fetches a few: see bytes per "
           "query below).", "",
           "| N | dữ liệu / data raw (KB) | gzip (KB) | tệp / files | gzip B/tin / per listing | "
           "built-in search_index.json raw / gzip (KB) |",
           "|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        idx = r["index"]
        br, bg = r["builtin_index"]
        out.append(f"| {r['n']} | {idx['raw'] / 1000:.0f} | {idx['gzip'] / 1000:.0f} | {idx['files']} | "
                   f"{idx['gzip'] / r['n']:.0f} | {br / 1000:.0f} / {bg / 1000:.0f} |")
    out += ["", "### Thời gian đến kết quả đầu tiên / Time to first result", "",
            f"Chromium headless (/usr/bin/chromium), ngữ cảnh mới mỗi lần (bộ nhớ đệm trống) / fresh context "
            f"each run (cold cache), từ điều hướng đến phần tử kết quả đầu tiên / from navigation to the first "
            f"result element; ours `/tim-kiem/?q=`, built-in `/?q=`; "
            f"giới hạn / cap {args.builtin_timeout:.0f} s.", ""]
    measured = [r for r in results if "search" in r]
    if measured:
        out += ["| N | truy vấn / query | của ta / ours | tích hợp / built-in | tỉ lệ / ratio |",
                "|---:|---|---|---|---:|"]
        for r in measured:
            o, om = _search_cell(r["search"]["ours"], args.builtin_timeout)
            b, bm = _search_cell(r["search"]["builtin"], args.builtin_timeout)
            ratio = f"{om / bm:.2f}×" if om is not None and bm is not None else \
                f"< {om / (args.builtin_timeout * 1000):.3f}×" if om is not None else "—"
            out.append(f"| {r['n']} | `{r['query']}` | {o} | {b} | {ratio} |")
    else:
        out.append("Không đo (--no-browser hoặc thiếu chromium) / not measured (--no-browser or no chromium).")
    out.append("")
    out += search_scale.report(results, getattr(args, "quality_result", None))
    return out


def replace_search_section(text: str, section: list[str]) -> str:
    """`text` with its search section (from its heading to the next "## " or the end) replaced."""
    start = text.index(SEARCH_HEADING)
    end = text.find("\n## ", start + len(SEARCH_HEADING))
    rest = text[end + 1:] if end >= 0 else ""
    return text[:start] + "\n".join(section).rstrip("\n") + "\n" + ("\n" + rest if rest else "")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _material_version() -> str:
    from importlib.metadata import version
    return version("mkdocs-material")


def print_ratios(results: list[dict], summary: dict, preview: dict | None, timeout: float) -> None:
    print("tỉ lệ / ratios (ours / baseline, median):")
    for r, row in zip(results, summary["rows"]):
        line = (f"  N={row['n']:>6}: build {row['ours']['median']:.1f} s / {row['base']['median']:.1f} s = "
                f"{row['ratio']['median']:.2f}×")
        if "search" in r:
            _o, om = _search_cell(r["search"]["ours"], timeout)
            _b, bm = _search_cell(r["search"]["builtin"], timeout)
            if om is not None:
                line += (f"; first result {om:.0f} ms / {bm:.0f} ms = {om / bm:.2f}×" if bm is not None else
                         f"; first result {om:.0f} ms / > {timeout:.0f} s")
        line += f"; search data {r['index']['gzip'] / r['n']:.0f} B/listing gzipped on the server"
        if "scale" in r:
            per_query = sorted(d for d, _c in r["scale"]["bytes"]["ours"])
            line += f", {per_query[len(per_query) // 2] / 1000:.1f} KB per query (median)"
        print(line)
    if summary["fits"]:
        (_, bo, r2o), (_, bb, r2b) = summary["fits"]["ours"], summary["fits"]["base"]
        print(f"  slope {bo * 1000:.2f} ms/listing (R² {r2o:.3f}) vs {bb * 1000:.2f} ms/page (R² {r2b:.3f}) "
              f"= {bo / bb:.2f}×")
    if preview:
        print(f"  preview save→page {statistics.median(preview['times']):.1f} s at N={preview['n']} (dirty build)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Đo hiệu năng / benchmarks (issue 6)")
    parser.add_argument("--sizes", default="1000,2000,4000,8000,10000", help="số tin / listing counts")
    parser.add_argument("--quick", action="store_true", help="1k và 2k, mỗi thứ một lần / 1k and 2k, once each")
    parser.add_argument("--repeat", type=int, default=None, help="số lần dựng mỗi cỡ / builds per size")
    parser.add_argument("--validate-repeat", type=int, default=None, help="mặc định / default 3, 2 above 4k")
    parser.add_argument("--search-sizes", default="1000,10000")
    parser.add_argument("--search-runs", type=int, default=5)
    parser.add_argument("--slow-runs", type=int, default=3, help="lần trên 4G chậm / runs on slow 4G")
    parser.add_argument("--no-pagefind", dest="pagefind", action="store_false")
    parser.add_argument("--no-quality", dest="quality", action="store_false")
    parser.add_argument("--search-only", action="store_true",
                        help="chỉ đo tìm kiếm ở --search-sizes, thay mục tìm kiếm của --out / only the search "
                             "section, at --search-sizes, replaced in --out")
    parser.add_argument("--builtin-timeout", type=float, default=60.0, help="giây / seconds")
    parser.add_argument("--preview-size", type=int, default=1000)
    parser.add_argument("--preview-runs", type=int, default=3)
    parser.add_argument("--no-preview", dest="preview", action="store_false")
    parser.add_argument("--no-browser", dest="browser", action="store_false")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--work", type=Path, default=None, help="thư mục tạm / scratch directory")
    parser.add_argument("--keep", action="store_true", help="giữ các trang đã dựng / keep built sites")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.search_sizes, args.repeat = "1000,2000", "1000", args.repeat or 1
        args.search_runs, args.preview_runs, args.validate_repeat = 3, 2, 2
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.search_sizes = {int(s) for s in args.search_sizes.split(",") if s.strip()}
    args.say = say
    if args.search_only:
        sizes, args.repeat, args.validate_repeat, args.preview = sorted(args.search_sizes), 1, 1, False
    if args.browser and not first_result.available():
        say("không có chromium/playwright: bỏ phần trình duyệt / no chromium or playwright: skipping the browser")
        args.browser = False
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="scp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = [bench_size(n, args.repeat or auto_repeat(n), work, args) for n in sizes]
        preview = bench_preview(args.preview_size, args.preview_runs, work) if args.preview else None
        if args.quality:
            say("chất lượng tìm kiếm / search quality")
            args.quality_result = search_quality.run(pagefind=args.pagefind and args.browser, work=work)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    summary = summarise(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.search_only and args.out.is_file():
        args.out.write_text(replace_search_section(args.out.read_text(encoding="utf-8"), search_section(results, args)),
                            encoding="utf-8")
    else:
        args.out.write_text(report(results, summary, preview, args, time.perf_counter() - started) + "\n",
                            encoding="utf-8")
    print_ratios(results, summary, preview, args.builtin_timeout)
    print(f"đã ghi / wrote {args.out} ({(time.perf_counter() - started) / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
