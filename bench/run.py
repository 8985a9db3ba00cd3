"""`make bench`: measure the directory at scale against mkdocs-material and write docs/performance.md.

    .venv/bin/python bench/run.py [--shapes skewed,even] [--sizes-skewed 1000,2500,5000,10000]
                                  [--sizes-even 1000,10000] [--quick] [--repeat N]
                                  [--search-sizes 1000,10000] [--search-shape even] [--search-only]
                                  [--preview-size 10000] [--no-preview] [--no-browser] [--no-pagefind]
                                  [--out docs/performance.md] [--work DIR] [--keep]

Data: directory.synthetic with a fixed seed and date, in each shape of --shapes: `skewed` (a few
organisations, provinces and categories hold most listings, as in a real directory) at
--sizes-skewed, four sizes so that growth can be judged as linear, and `even` at --sizes-even.
Each shape has its own list of sizes; --quick runs 1k of each shape, once.

For each shape and size it measures: validation (listings/s, in process); our build in a fresh
child process (bench/child.py: wall time, phases recorded by `site.build`, output size, the
largest HTML page) interleaved with a plain mkdocs-material build of the same pages' text
(measure.baseline_corpus); the memory of both (measure.run_child: the peak PSS of the child and
every process it forks, summed, and the peak RSS of the largest single process); the search
files' sizes. At the largest skewed size, once more after one word is appended to one listing's
summary: the time to rebuild (a whole build into the same output; there is no cache).
For --search-sizes of --search-shape: the time to the first search result in headless
chromium, ours vs the theme's built-in search (first_result.py), then ours vs the
download-everything layout vs Pagefind: bytes per query, first result on loopback and on
emulated slow 4G, time per keystroke (search_scale.py); once, the search quality per query
class, ours vs MiniSearch vs Pagefind (search_quality.py).
Once, at --preview-size of the skewed shape, the live preview's save-to-page latency (measure.py).
Then it fits time = a + b·N per shape with three sizes or more, and prints the ratios.
Figures are medians with (min–max); it asserts nothing about speed.

docs/performance.md is shared: other sections (Zensical, Lighthouse...) are written by others.
The report replaces only the `## ` sections it writes (and the text above the first one), keeps
every other section where it is and puts a section it adds after the one it follows in the
report (`merge_report`). `--search-only` measures just the search at --search-sizes and
replaces only the search section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

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
SHAPE_LABELS = {"skewed": "lệch / skewed", "even": "đều / even"}
DEFAULT_SIZES = {"skewed": "1000,2500,5000,10000", "even": "1000,10000"}
PAGE_LIMIT = 150_000        # bytes: no HTML page may be larger at 10k (issue 13)
PSS_TARGET = 600e6          # bytes of PSS at 10k (issue 13)
TARGET_N = 10_000           # the size both targets are set at
REBUILD_WORD = "mới"        # appended to one summary before the rebuild


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


def bench_size(shape: str, n: int, repeat: int, work: Path, args, rebuild: bool, engines: bool = False) -> dict:
    base = work / f"{shape}-{n}"
    data = synthetic.generate(n, SEED, TODAY, shape)
    paths = synthetic.write_tree(data, base)
    listings = base / "listings"
    vrepeat = args.validate_repeat or (3 if n <= 4000 else 2)
    say(f"{shape} {n}: kiểm tra / validation ×{vrepeat}")
    vtimes = []
    for _ in range(vrepeat):
        start = time.perf_counter()
        report = validate_tree(listings)
        vtimes.append(time.perf_counter() - start)
        if not report.ok or len(report.listings) != n:
            raise SystemExit(report.format())
    result = {"shape": shape, "n": n, "validate": vtimes, "ours": [], "baseline": [], "query": pick_query(data)}
    ours_out, base_docs, base_site = base / "site", base / "baseline-docs", base / "baseline-site"
    config = base / "baseline.yml"
    for run in range(repeat):
        say(f"{shape} {n}: dựng / our build {run + 1}/{repeat}")
        result["ours"].append(our_build(listings, ours_out, base))
        if engines:
            say(f"{shape} {n}: dựng bằng Zensical / build with Zensical {run + 1}/{repeat}")
            result.setdefault("zensical", []).append(measure.run_child(
                [sys.executable, "build.py", "build", "--engine", "zensical", "--listings", str(listings),
                 "--out", str(base / "zensical-site"), "--date", TODAY.isoformat()], base / "zensical.log"))
        if run == 0:
            result["largest"] = largest_page(ours_out)
            pages, md_bytes = measure.baseline_corpus(ours_out, base_docs)
            measure.write_baseline_config(config, base_docs, base_site)
            result["baseline_pages"], result["baseline_md_bytes"] = pages, md_bytes
        say(f"{shape} {n}: mkdocs-material thuần / plain mkdocs-material {run + 1}/{repeat}")
        done = measure.run_child([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                                 base / "baseline.log")
        size, files = measure.tree_size(base_site)
        result["baseline"].append({**done, "bytes": size, "files": files})
    search = ours_out / urls.SEARCH.strip("/")
    files = sorted(p for p in search.rglob("*.json"))
    sizes = [measure.sizes(p) for p in files]
    result["index"] = {"raw": sum(r for r, _g in sizes), "gzip": sum(g for _r, g in sizes), "files": len(files)}
    result["builtin_index"] = measure.sizes(base_site / "search" / "search_index.json")
    if args.browser and shape == args.search_shape and n in args.search_sizes:
        say(f"{shape} {n}: tìm kiếm trong chromium / search in chromium ×{args.search_runs}")
        result["search"] = first_result.first_results(
            {"ours": (ours_out, f"{urls.SEARCH.lstrip('/')}?q={result['query']}", OURS_RESULT),
             "builtin": (base_site, f"?q={result['query']}", BUILTIN_RESULT)},
            args.search_runs, args.builtin_timeout)
        on = dt.date.fromisoformat(json.loads((search / "chi-muc.json").read_text(encoding="utf-8"))["on"])
        result["scale"] = search_scale.measure_search(n, data, result["query"], listings, ours_out, base, args, on)
    if rebuild:
        result["rebuild"] = bench_rebuild(data, paths, listings, ours_out, base)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return result


def our_build(listings: Path, out: Path, base: Path) -> dict:
    """One build by bench/child.py into `out`: run_child's wall time and memory, the phases and
    process count the child reports, and the output's size."""
    phases_json = base / "phases.json"
    done = measure.run_child([sys.executable, "bench/child.py", str(phases_json), str(listings), str(out),
                              TODAY.isoformat()], base / "ours.log")
    size, files = measure.tree_size(out)
    return {**done, **json.loads(phases_json.read_text(encoding="utf-8")), "bytes": size, "files": files}


def largest_page(site: Path) -> dict:
    """The largest HTML page of a built site (bytes, path) and how many pages exceed PAGE_LIMIT."""
    pages = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    size, path = max(pages)
    return {"bytes": size, "path": path, "over": sum(s > PAGE_LIMIT for s, _p in pages)}


def first_product(data: list[dict]) -> int:
    """Index of the first product: every size has one, and a product's short summary is one line of
    YAML, which measure.preview_latency's edit replaces whole (an organisation's may wrap)."""
    return next(i for i, x in enumerate(data) if x["kind"] == "product")


def bench_rebuild(data: list[dict], paths: list[Path], listings: Path, out: Path, base: Path) -> dict:
    """Append one word to one listing's summary and build again into the same `out` (a whole build,
    as `make site` after an edit); check that the listing's page shows the edit."""
    i = first_product(data)
    edited = {**data[i], "summary": f"{data[i]['summary']} {REBUILD_WORD}"}
    paths[i].write_text(synthetic.dump(edited), encoding="utf-8")
    say(f"{data[i]['kind']}/{data[i]['id']}: dựng lại sau khi sửa một tin / rebuild after one edit")
    result = our_build(listings, out, base)
    page = out / urls.listing_path(SimpleNamespace(kind=edited["kind"], id=edited["id"])) / "index.html"
    if edited["summary"] not in html.unescape(page.read_text(encoding="utf-8")):
        raise RuntimeError(f"bản dựng lại không có chữ mới / the rebuilt page lacks the edit: {page}")
    return {**result, "listing": paths[i].relative_to(listings).as_posix()}


def bench_preview(n: int, shape: str, runs: int, work: Path) -> dict:
    base = work / f"preview-{shape}-{n}"
    data = synthetic.generate(n, SEED, TODAY, shape)
    paths = synthetic.write_tree(data, base)
    i = first_product(data)
    page = urls.listing_path(SimpleNamespace(kind=data[i]["kind"], id=data[i]["id"]))
    say(f"xem trước trực tiếp / live preview at {shape} {n}, ×{runs}")
    result = measure.preview_latency(base / "listings", paths[i], page, runs)
    shutil.rmtree(base, ignore_errors=True)
    return {"n": n, "shape": shape, **result}


# --- Report ---------------------------------------------------------------------------


def _s(v: dict, fmt: str = "{:.1f}", scale: float = 1.0) -> str:
    return (fmt.format(v["median"] * scale) + " (" + fmt.format(v["min"] * scale) + "–"
            + fmt.format(v["max"] * scale) + ")")


def _mb(b: float) -> str:
    return f"{b / 1e6:.0f}" if b >= 1e7 else f"{b / 1e6:.1f}"


PHASES = ["validate", "history", "render", "stats", "export", "index", "mkdocs", "merge"]
BESIDE = ("export", "index")    # in a forked worker while render and stats run, when the build forks


def sequential(run: dict) -> list[str]:
    """The phases of one build that follow one another: all of them unless it forked a worker."""
    return [p for p in PHASES if not (run["processes"] > 1 and p in BESIDE)]


def summarise(results: list[dict]) -> dict[str, dict]:
    """Per shape: a row per size (wall times, ratios, phase medians, memory) and the growth fits."""
    shapes: dict[str, dict] = {}
    for r in results:
        n = r["n"]
        ours, base = stats([x["wall"] for x in r["ours"]]), stats([x["wall"] for x in r["baseline"]])
        ratios = stats([o["wall"] / b["wall"] for o, b in zip(r["ours"], r["baseline"])])
        phases = {p: statistics.median(x["phases"].get(p, 0.0) for x in r["ours"]) for p in PHASES}
        # what no phase holds: interpreter start-up and imports, waiting for the worker, the swap and
        # clean-up; never negative, as only the phases that follow one another are subtracted
        phases["other"] = statistics.median(x["wall"] - sum(x["phases"].get(p, 0.0) for p in sequential(x))
                                            for x in r["ours"])
        memory = {side: {key: max(x[key] for x in r[side]) for key in ("pss", "rss", "peak_processes")}
                  for side in ("ours", "baseline")}
        row = {"n": n, "ours": ours, "base": base, "ratio": ratios, "phases": phases, "memory": memory,
               "beside": r["ours"][0]["processes"] > 1, "validate": stats([n / t for t in r["validate"]])}
        shapes.setdefault(r["shape"], {"rows": [], "results": [], "fits": {}})
        shapes[r["shape"]]["rows"].append(row)
        shapes[r["shape"]]["results"].append(r)
    for shape in shapes.values():
        xs = [row["n"] for row in shape["rows"]]
        if len(set(xs)) >= 3:   # through two points any line fits: R² would say nothing
            for key in ("ours", "base"):
                shape["fits"][key] = measure.fit(xs, [row[key]["median"] for row in shape["rows"]])
    return shapes


def _by_shape(summary: dict):
    """(shape, result, row) for every size, shape by shape."""
    for shape, s in summary.items():
        for r, row in zip(s["results"], s["rows"]):
            yield shape, r, row


def _search_cell(times: list, timeout: float) -> tuple[str, float | None]:
    done = [t for t in times if t is not None]
    if None in times:
        return f"> {timeout:.0f} s (hết thời gian / timed out)", None
    if not done:
        return "—", None
    v = stats(done)
    return _s(v, "{:.0f}") + f" ms, {len(done)} lần / runs", v["median"]


def report(summary: dict, preview: dict | None, args, elapsed: float) -> tuple[str, list[tuple[str, str]]]:
    """The report: the text above its first section, and its sections as (heading, text)."""
    import mkdocs
    import material

    sizes = "; ".join(f"{SHAPE_LABELS[shape]} {', '.join(str(row['n']) for row in s['rows'])}"
                      for shape, s in summary.items())
    head = ["# Hiệu năng / Performance", "",
            "Các mục dưới đây do `make bench` (bench/run.py) viết ra, đừng sửa tay; mục khác do người khác thêm "
            "và được giữ nguyên. / The sections below are written by `make bench` (bench/run.py); do not edit "
            "them by hand. Other sections are added by others and kept as they are.", "",
            f"- Máy / machine: {platform.machine()}, {os.cpu_count()} CPU, {_cpu_name()}; "
            f"Python {platform.python_version()}, mkdocs {mkdocs.__version__}, "
            f"mkdocs-material {material.__version__ if hasattr(material, '__version__') else _material_version()}",
            f"- Dữ liệu / data: `directory.synthetic`, seed {SEED}, ngày / today {TODAY.isoformat()}; "
            f"cỡ / sizes: {sizes}. `skewed` có hình của danh bạ thật (vài tổ chức, tỉnh, nhóm vật liệu chiếm phần "
            f"lớn tin), `even` chia đều / `skewed` has the shape of a real directory (a few organisations, "
            f"provinces and material categories hold most listings), `even` spreads them evenly.",
            f"- Mỗi số là trung vị (nhỏ nhất–lớn nhất) / each figure is median (min–max); "
            f"ours and baseline builds run interleaved. Chạy hết / total run time {elapsed / 60:.1f} min"
            + (" (--quick)" if args.quick else "")]
    sections = [summary_section(summary, args), validation_section(summary), build_section(summary),
                memory_section(summary), rebuild_section(summary), engines_section(summary), preview_section(preview),
                search_section(summary.get(args.search_shape, {}).get("results", []), args)]
    return "\n".join(head), [(lines[0], "\n".join(lines)) for lines in sections]


def summary_section(summary: dict, args) -> list[str]:
    out = ["## Tóm tắt / Summary", "",
           "| hình / shape | N | dựng / build (s) | mkdocs-material thuần / plain (s) | tỉ lệ / ratio | "
           "PSS đỉnh / peak PSS, ours / plain (MB) | trang lớn nhất / largest page (KB) | "
           "tìm kiếm / first result, ours vs built-in |",
           "|---|---:|---:|---:|---:|---:|---:|---|"]
    for shape, r, row in _by_shape(summary):
        cell = "—"
        if "search" in r:
            _o, om = _search_cell(r["search"]["ours"], args.builtin_timeout)
            _b, bm = _search_cell(r["search"]["builtin"], args.builtin_timeout)
            if om is not None and bm is not None:
                cell = f"{om:.0f} ms vs {bm:.0f} ms ({om / bm:.2f}×)"
            elif om is not None:
                cell = f"{om:.0f} ms vs > {args.builtin_timeout:.0f} s (< {om / (args.builtin_timeout * 1000):.3f}×)"
        mem = row["memory"]
        out.append(f"| {shape} | {row['n']} | {row['ours']['median']:.1f} | {row['base']['median']:.1f} | "
                   f"{_s(row['ratio'], '{:.2f}')}× | {mem['ours']['pss'] / 1e6:.0f} / "
                   f"{mem['baseline']['pss'] / 1e6:.0f} | {r['largest']['bytes'] / 1000:.0f} | {cell} |")
    return out + [""]


def validation_section(summary: dict) -> list[str]:
    out = ["## Kiểm tra / Validation", "",
           "`validate_tree` trong cùng tiến trình / in process.", "",
           "| hình / shape | N | tin/giây / listings/s | lần / runs |", "|---|---:|---:|---:|"]
    for shape, _r, row in _by_shape(summary):
        out.append(f"| {shape} | {row['n']} | {_s(row['validate'], '{:.0f}')} | {row['validate']['runs']} |")
    return out + [""]


def build_section(summary: dict) -> list[str]:
    out = ["## Dựng trang / Build", "",
           "Mỗi lần dựng là một tiến trình con mới (`bench/child.py` gọi `directory.site.build`); thời gian tính cả "
           "khởi động Python. Bản dựng tự tách tiến trình: một tiến trình ghi dữ liệu mở và tệp tìm kiếm trong khi "
           "tiến trình chính dựng trang, rồi mkdocs chạy theo phần trang trong nhiều tiến trình. / Each build is a "
           "fresh child process; wall time includes interpreter start-up. A build forks: a worker writes the open "
           "data and search files while the main process renders, then mkdocs runs in page shards, one process "
           "each.", "",
           "| hình / shape | N | giây / s | ms/tin / ms/listing | tiến trình / processes | đầu ra / output (MB, files) "
           f"| trang lớn nhất / largest page (KB) | trang > {PAGE_LIMIT // 1000} KB / pages over | lần / runs |",
           "|---|---:|---:|---:|---:|---:|---|---:|---:|"]
    for shape, r, row in _by_shape(summary):
        last, big = r["ours"][-1], r["largest"]
        out.append(f"| {shape} | {row['n']} | {_s(row['ours'])} | {_s(row['ours'], '{:.2f}', 1000 / row['n'])} | "
                   f"{last['processes']} | {_mb(last['bytes'])}, {last['files']} | {big['bytes'] / 1000:.1f} "
                   f"(`{big['path']}`) | {big['over']} | {row['ours']['runs']} |")
    out += ["", "### Theo giai đoạn / By phase (giây / s, trung vị / median)", "",
            "| hình / shape | N | " + " | ".join(p + (" ∥" if p in BESIDE else "") for p in PHASES)
            + " | khác / other | tổng / wall |", "|---|---:|" + "---:|" * (len(PHASES) + 2)]
    for shape, _r, row in _by_shape(summary):
        cells = [f"{row['phases'][p]:.2f}" + ("" if row["beside"] or p not in BESIDE else " (tuần tự / in line)")
                 for p in PHASES + ["other"]]
        out.append(f"| {shape} | {row['n']} | " + " | ".join(cells) + f" | {row['ours']['median']:.2f} |")
    out += ["", "`validate` = nạp + kiểm tra / load and validate; `history` = ngày git / git dates. ∥ = chạy song "
            "song với `render` và `stats` trong tiến trình con, không cộng vào tổng / ran beside `render` and "
            "`stats` in the forked worker, so not part of the sum (on one core they run in line and are). `other` "
            "= tổng trừ các giai đoạn nối tiếp / wall minus the phases that follow one another: khởi động, chờ "
            "tiến trình con, đổi chỗ thư mục, dọn dẹp / start-up and imports, waiting for the worker, the atomic "
            "swap and clean-up.", ""]

    out += ["### mkdocs-material thuần / Plain mkdocs-material baseline", "",
            "Cùng số trang, cùng chữ: mỗi trang HTML của bản dựng của ta thành một trang Markdown thuần "
            "(`measure.baseline_corpus`), chủ đề material, tiếng Việt, plugin mặc định (search), chỉ trang chủ "
            "trong nav, một tiến trình. / The same pages with the same text as plain Markdown, stock material "
            "theme, default plugins (search), only the home page in the nav, one process; "
            "`python -m mkdocs build`.", "",
            "| hình / shape | N | trang / pages | Markdown (KB/trang / per page) | giây / s | ms/trang / ms/page | "
            "đầu ra / output (MB) | tỉ lệ ta/thuần / ratio ours/plain |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for shape, r, row in _by_shape(summary):
        per_page = r["baseline_md_bytes"] / r["baseline_pages"] / 1000
        out.append(f"| {shape} | {row['n']} | {r['baseline_pages']} | {per_page:.1f} | {_s(row['base'])} | "
                   f"{row['base']['median'] * 1000 / r['baseline_pages']:.2f} | "
                   f"{_mb(r['baseline'][-1]['bytes'])} | {_s(row['ratio'], '{:.2f}')}× |")
    out.append("")

    out += ["### Tăng trưởng / Growth", "",
            "Bình phương tối thiểu / least squares, time = a + b·N over the medians, cho hình có từ ba cỡ / for a "
            "shape measured at three sizes or more.", ""]
    fitted = [(shape, s["fits"]) for shape, s in summary.items() if s["fits"]]
    if fitted:
        out += ["| hình / shape | bản dựng / build | a (s) | b (ms/tin / ms per listing) | R² |", "|---|---|---:|---:|---:|"]
        for shape, fits in fitted:
            for key, label in (("ours", "của ta / ours"), ("base", "mkdocs-material thuần / plain")):
                a, b, r2 = fits[key]
                out.append(f"| {shape} | {label} | {a:.2f} | {b * 1000:.2f} | {r2:.4f} |")
        out.append("")
        out += [f"Độ dốc / slope ratio ours/plain, {shape}: {fits['ours'][1] / fits['base'][1]:.2f}×."
                for shape, fits in fitted]
    else:
        out.append("Cần ít nhất ba cỡ / needs at least three sizes.")
    return out + [""]


def memory_section(summary: dict) -> list[str]:
    out = ["## Bộ nhớ / Memory", "",
           f"Mỗi {measure.SAMPLE_EVERY * 1000:.0f} ms khi bản dựng chạy: cộng PSS (`/proc/<pid>/smaps_rollup`) của "
           "tiến trình con và mọi tiến trình nó tách ra (tìm qua cha của mỗi `/proc/<pid>/stat`); PSS chia mỗi "
           "trang dùng chung cho các tiến trình dùng nó, nên tổng là bộ nhớ bản dựng thật sự chiếm, còn cộng RSS "
           "thì đếm trang dùng chung nhiều lần. RSS lớn nhất là đỉnh của tiến trình lớn nhất (`ru_maxrss` từ "
           "`os.wait4`). Lấy lần lớn nhất qua các lần chạy. / Every "
           f"{measure.SAMPLE_EVERY * 1000:.0f} ms while a build runs, the PSS of the child and every process it "
           "forks, summed: each shared page is divided among its sharers, so the sum is the memory the build "
           "really occupies (summing RSS would count the pages forked processes share once per process). The "
           "largest process is the peak RSS of the biggest single process (`ru_maxrss` from `os.wait4`). Highest "
           "over the runs.", "",
           "| hình / shape | N | ta: PSS đỉnh / ours: peak PSS (MB) | ta: tiến trình lớn nhất / ours: largest "
           "process RSS (MB) | tiến trình cùng lúc / processes at once | thuần: PSS đỉnh / plain: peak PSS (MB) "
           "| thuần: RSS (MB) |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    targets = []
    for shape, _r, row in _by_shape(summary):
        ours, base = row["memory"]["ours"], row["memory"]["baseline"]
        out.append(f"| {shape} | {row['n']} | {ours['pss'] / 1e6:.0f} | {ours['rss'] / 1e6:.0f} | "
                   f"{ours['peak_processes']} | {base['pss'] / 1e6:.0f} | {base['rss'] / 1e6:.0f} |")
        if row["n"] == TARGET_N:
            met = "đạt / met" if ours["pss"] <= PSS_TARGET else "**chưa đạt / not met**"
            targets.append(f"{shape} {ours['pss'] / 1e6:.0f} MB: {met}")
    out += ["", f"Mục tiêu / target ≤ {PSS_TARGET / 1e6:.0f} MB PSS ở / at {TARGET_N}: "
            + ("; ".join(targets) if targets else f"không đo ở / not measured at {TARGET_N}") + "."]
    return out + [""]


def engines_section(summary: dict) -> list[str]:
    out = ["## Bộ dựng Zensical / Zensical engine", ""]
    measured = [(shape, r, row) for shape, r, row in _by_shape(summary) if "zensical" in r]
    if not measured:
        return out + ["Không đo (không có hình skewed) / not measured (no skewed shape).", ""]
    shape, r, row = measured[0]
    zensical = stats([x["wall"] for x in r["zensical"]])
    return out + [
        f"`build.py build --engine zensical` ({shape}, {row['n']} tin), xen kẽ với bản dựng mặc định (mkdocs) / "
        f"interleaved with the default (mkdocs) build. Cùng trang, tệp tìm kiếm và dữ liệu mở (tests/test_zensical.py) "
        f"/ the same pages, search files and open data.", "",
        f"- mkdocs: {_s(row['ours'])} s; Zensical: {_s(zensical)} s; tỉ lệ / ratio Zensical / mkdocs "
        f"**{zensical['median'] / row['ours']['median']:.2f}×**", ""]


def rebuild_section(summary: dict) -> list[str]:
    out = ["## Dựng lại / Rebuild", ""]
    measured = [(shape, r, row) for shape, r, row in _by_shape(summary) if "rebuild" in r]
    if not measured:
        return out + ["Không đo (không có hình skewed) / not measured (no skewed shape).", ""]
    shape, r, row = measured[0]
    again = r["rebuild"]
    out += [f"Sau các lần dựng đầu ({shape}, {row['n']} tin), thêm một chữ (`{REBUILD_WORD}`) vào `summary` của "
            f"`{again['listing']}` rồi dựng lại vào cùng thư mục đầu ra. Không có bộ nhớ đệm: lần dựng lại là một "
            f"lần dựng đầy đủ. / After the first builds ({shape}, {row['n']} listings), one word appended to the "
            f"summary of one listing, then `site.build` again into the same output. There is no cache: a rebuild "
            f"is a whole build.", "",
            f"- Dựng lại / rebuild: **{again['wall']:.1f} s** (lần dựng đầu / first builds {_s(row['ours'])} s); "
            f"PSS đỉnh / peak PSS {again['pss'] / 1e6:.0f} MB"]
    return out + [""]


def preview_section(preview: dict | None) -> list[str]:
    out = ["## Xem trước trực tiếp / Incremental preview", ""]
    if not preview:
        return out + ["Không đo (--no-preview) / not measured.", ""]
    t = stats(preview["times"])
    return out + [
        f"`build.py serve` ({preview['n']} tin / listings, {preview['shape']}): sửa `summary` của một tin rồi hỏi "
        f"trang qua HTTP mỗi 50 ms đến khi thấy chữ mới. / Edit one listing's summary, poll its page over HTTP "
        f"every 50 ms until the new text shows.", "",
        f"- Lưu → trang mới / save → rebuilt page: **{_s(t)} s** ({t['runs']} lần / runs)",
        f"- Khởi động / start-up to first page: {preview['startup']:.1f} s",
        f"- Tăng dần / incremental: mỗi lần lưu, `site.serve` ghi lại các trang Markdown mà thay đổi chạm tới, "
        f"và mkdocs serve dựng kiểu `dirty`, chỉ dựng lại các trang đó — on every save, `site.serve` rewrites "
        f"the Markdown pages the change touches and mkdocs serve's dirty build re-renders only those "
        f"({preview['full_rebuilds']} lần dựng trong nhật ký cho {len(preview['times'])} lần lưu, "
        f"kể cả lần khởi động; lượt do chính các trang vừa ghi đánh thức được bỏ qua / builds in the "
        f"log for {len(preview['times'])} saves, start-up included; the round our own writes trigger "
        f"skips regeneration).", ""]


SEARCH_HEADING = "## Tìm kiếm / Search"


def search_section(results: list[dict], args) -> list[str]:
    """The report's search section (also written alone by --search-only), from the results of the search shape."""
    out = [SEARCH_HEADING, "",
           f"Dữ liệu / data: `{args.search_shape}`. "
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


# --- Writing into a shared report -----------------------------------------------------


def split_sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(the text above the first "## " heading, [(heading line, section text)]), a section running
    from its heading to the next "## " heading or the end."""
    head: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append((line.rstrip(), [line]))
        elif sections:
            sections[-1][1].append(line)
        else:
            head.append(line)
    return "\n".join(head), [(heading, "\n".join(lines)) for heading, lines in sections]


def merge_report(old: str, head: str | None, sections: list[tuple[str, str]]) -> str:
    """`old` with each of `sections` in place of its section of the same heading and every other
    section kept where it is. A section `old` lacks goes after the one it follows in `sections`
    (or, the first, before the first one `old` has, else at the end). `head`, if given, replaces
    the text above the first section."""
    old_head, kept = split_sections(old)
    new = dict(sections)
    out = [(heading, new.get(heading, text)) for heading, text in kept]
    for i, (heading, text) in enumerate(sections):
        placed = [h for h, _t in out]
        if heading in placed:
            continue
        if i:
            at = placed.index(sections[i - 1][0]) + 1
        else:
            at = next((j for j, h in enumerate(placed) if h in new), len(out))
        out.insert(at, (heading, text))
    blocks = [(old_head if head is None else head).strip("\n")] + [text.strip("\n") for _h, text in out]
    return "\n\n".join(b for b in blocks if b) + "\n"


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


def print_ratios(summary: dict, preview: dict | None, timeout: float) -> None:
    print("tỉ lệ / ratios (ours / baseline, median):")
    for shape, r, row in _by_shape(summary):
        mem = row["memory"]
        line = (f"  {shape:>6} N={row['n']:>6}: build {row['ours']['median']:.1f} s / {row['base']['median']:.1f} s = "
                f"{row['ratio']['median']:.2f}×; peak PSS {mem['ours']['pss'] / 1e6:.0f} MB / "
                f"{mem['baseline']['pss'] / 1e6:.0f} MB (largest process {mem['ours']['rss'] / 1e6:.0f} MB); "
                f"largest page {r['largest']['bytes'] / 1000:.0f} KB")
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
        if "rebuild" in r:
            line += f"; rebuild after one edit {r['rebuild']['wall']:.1f} s"
        print(line)
    for shape, s in summary.items():
        if s["fits"]:
            (_, bo, r2o), (_, bb, r2b) = s["fits"]["ours"], s["fits"]["base"]
            print(f"  {shape}: slope {bo * 1000:.2f} ms/listing (R² {r2o:.3f}) vs {bb * 1000:.2f} ms/page "
                  f"(R² {r2b:.3f}) = {bo / bb:.2f}×")
    if preview:
        print(f"  preview save→page {statistics.median(preview['times']):.1f} s at {preview['shape']} "
              f"N={preview['n']} (dirty build)")


def _sizes(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Đo hiệu năng / benchmarks (issues 6, 13)")
    parser.add_argument("--shapes", default="skewed,even", help="hình dữ liệu / data shapes: skewed, even")
    parser.add_argument("--sizes-skewed", default=None,
                        help=f"số tin, hình skewed / listing counts of the skewed shape (default {DEFAULT_SIZES['skewed']})")
    parser.add_argument("--sizes-even", default=None,
                        help=f"số tin, hình even / listing counts of the even shape (default {DEFAULT_SIZES['even']})")
    parser.add_argument("--quick", action="store_true",
                        help="1k mỗi hình, một lần; xem trước ở 1k / 1k of each shape, once; preview at 1k")
    parser.add_argument("--repeat", type=int, default=None, help="số lần dựng mỗi cỡ / builds per size")
    parser.add_argument("--validate-repeat", type=int, default=None, help="mặc định / default 3, 2 above 4k")
    parser.add_argument("--search-sizes", default="1000,10000")
    parser.add_argument("--search-shape", choices=list(SHAPE_LABELS), default="even",
                        help="hình dữ liệu cho phần tìm kiếm / the data shape the search is measured on")
    parser.add_argument("--search-runs", type=int, default=5)
    parser.add_argument("--slow-runs", type=int, default=3, help="lần trên 4G chậm / runs on slow 4G")
    parser.add_argument("--no-pagefind", dest="pagefind", action="store_false")
    parser.add_argument("--no-quality", dest="quality", action="store_false")
    parser.add_argument("--search-only", action="store_true",
                        help="chỉ đo tìm kiếm ở --search-sizes, thay mục tìm kiếm của --out / only the search "
                             "section, at --search-sizes, replaced in --out")
    parser.add_argument("--builtin-timeout", type=float, default=60.0, help="giây / seconds")
    parser.add_argument("--preview-size", type=int, default=None, help="mặc định / default 10000 (--quick: 1000)")
    parser.add_argument("--preview-runs", type=int, default=3)
    parser.add_argument("--no-preview", dest="preview", action="store_false")
    parser.add_argument("--no-browser", dest="browser", action="store_false")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--work", type=Path, default=None, help="thư mục tạm / scratch directory")
    parser.add_argument("--keep", action="store_true", help="giữ các trang đã dựng / keep built sites")
    args = parser.parse_args(argv)
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    if unknown := set(shapes) - set(SHAPE_LABELS):
        parser.error(f"--shapes: {', '.join(sorted(unknown))} (skewed, even)")
    if args.quick:
        args.search_sizes, args.repeat = "1000", args.repeat or 1
        args.search_runs, args.preview_runs, args.validate_repeat = 3, 2, 2
    given = {"skewed": args.sizes_skewed, "even": args.sizes_even}
    plan = [(shape, n) for shape in shapes
            for n in _sizes(given[shape] or ("1000" if args.quick else DEFAULT_SIZES[shape]))]
    preview_size = args.preview_size or (1000 if args.quick else 10000)
    args.search_sizes = set(_sizes(args.search_sizes))
    args.say = say
    if args.search_only:
        plan = [(args.search_shape, n) for n in sorted(args.search_sizes)]
        args.repeat, args.validate_repeat, args.preview = 1, 1, False
    # the rebuild: once, at the largest skewed size of a full run
    rebuild_at = None if args.search_only else max((p for p in plan if p[0] == "skewed"), default=None)
    # the engines side by side: once, at the smallest skewed size
    engines_at = None if args.search_only else min((p for p in plan if p[0] == "skewed"), default=None)
    if args.browser and not first_result.available():
        say("không có chromium/playwright: bỏ phần trình duyệt / no chromium or playwright: skipping the browser")
        args.browser = False
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="scp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = [bench_size(shape, n, args.repeat or auto_repeat(n), work, args, (shape, n) == rebuild_at,
                              (shape, n) == engines_at) for shape, n in plan]
        preview = bench_preview(preview_size, "skewed", args.preview_runs, work) if args.preview else None
        if args.quality:
            say("chất lượng tìm kiếm / search quality")
            args.quality_result = search_quality.run(pagefind=args.pagefind and args.browser, work=work)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    summary = summarise(results)
    head, sections = report(summary, preview, args, time.perf_counter() - started)
    old = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
    if args.search_only:   # the search section alone; the text above it stays unless there is none
        head, sections = (None if old else head), [s for s in sections if s[0] == SEARCH_HEADING]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(merge_report(old, head, sections), encoding="utf-8")
    print_ratios(summary, preview, args.builtin_timeout)
    print(f"đã ghi / wrote {args.out} ({(time.perf_counter() - started) / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
