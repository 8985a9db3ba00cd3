"""The search at scale, for bench/run.py: bytes per query, time to the first result on
loopback and on a slow link, time per keystroke; ours (shards), ours downloading everything
(one shard of each kind: the layout before issue 11, same engine and scores) and Pagefind.

`measure_search(n, data, listings, site, work, args)` takes our built site of n synthetic
listings and returns the figures run.py reports:

- bytes per query (gzip -6 as served; Pagefind's index files are compressed already and count
  as they are): the search *data* a fresh page fetches for each query of `scale_queries`
  (manifest, facet table, term shards, record shards for the first screen; for Pagefind its
  entry, meta, index chunks and result fragments), and the *code* (lunr.js + our scripts;
  pagefind.js + its wasm). The search page shows 20 results; Pagefind's page shows 10; the
  type-ahead (node, tests/js/parity.js, no facet table) 8.
- time to the first result, fresh browser context, our gzip server, on loopback and under
  Chromium's emulated slow 4G (400 kbit/s both ways, 400 ms round trip);
- per keystroke: every prefix of each typing sequence through `SCPSearch.search` on our
  search page in chromium, first pass (shards fetched on loopback as needed) and second.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import first_result
import pagefind

from directory import search
from directory.validate import validate_tree

ROOT = Path(__file__).resolve().parent.parent
FULL_DIR = "full"   # the download-everything variant's site root, beside the built site
COMPRESSED = (".pf_meta", ".pf_index", ".pf_fragment", ".pagefind")
TYPING = ["tui giay kraft", "nhua hcm", "taif che nhua", "pin lithium", "cong ty tnhh", "nhan xanh",
          "noi nao thu mua lop xe cu o binh duong", "hat nhua rpet", "giấy tái chế", "den l"]


def scale_queries(data: list[dict], main: str) -> list[str]:
    """Queries for the synthetic listings: words of their names, every class of the quality
    set, and an identifier of each kind taken from the data."""
    tax = next(x["tax_id"] for x in data if x.get("tax_id"))
    number = next(c["number"] for x in data for c in x.get("certificates", []))
    return list(dict.fromkeys([
        main, "nhua", "hat nhua", "tui giay kraft", "pin lithium", "lop xe cu hcm", "binh duong", "nhan xanh",
        "iso 14001", "toi can tim vo chai pet o ha noi", "taif che nhua", "lihtium", "den l", "tai che th",
        "giấy", "chè xanh", "hoi cho ha noi", "sieu thi xanh", "xyzzy", tax, number]))


def _size(path: Path, cache: dict) -> int:
    if path not in cache:
        raw = path.read_bytes()
        cache[path] = len(raw) if path.name.endswith(COMPRESSED) or ".pagefind" in path.name \
            else len(gzip.compress(raw, 6))
    return cache[path]


def _classify(root: Path, paths: list[str], cache: dict) -> tuple[int, int]:
    """(data bytes, code bytes) of the search files among the paths a page fetched."""
    data = code = 0
    for p in dict.fromkeys(paths):
        rel = p.lstrip("/")
        if not (rel.startswith("tim-kiem/") or rel.startswith("pagefind/") or rel == "pagefind-page.js"):
            continue
        path = root / rel
        if not path.is_file():
            continue
        size = _size(path, cache)
        if rel.endswith(".js") or rel.endswith(".pagefind"):
            code += size
        else:
            data += size
    return data, code


def full_variant(listings: Path, site: Path, work: Path, on) -> Path:
    """A site root showing the same pages, whose tim-kiem/ holds one term shard and one record
    shard: every query downloads the whole index, as before issue 11."""
    root = work / FULL_DIR
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for entry in site.iterdir():
        if entry.name != "tim-kiem":
            os.symlink(entry, root / entry.name)
    out = root / "tim-kiem"
    out.mkdir()
    for name in ("index.html", search.CORE_FILE, search.SCRIPT_FILE, search.STYLE_FILE, search.LUNR_FILE):
        shutil.copyfile(site / "tim-kiem" / name, out / name)
    report = validate_tree(listings)
    docs, table = search.records(report.listings, on)
    search.write_index(search.build_index(docs), table, out, on, shard_bytes=10**12, record_shard=10**9)
    return root


def _typeahead_bytes(site: Path, queries: list[str]) -> list[int]:
    request = {"lunr": str(ROOT / "node_modules/lunr"), "core": str(site / "tim-kiem" / search.CORE_FILE),
               "site": str(site), "queries": queries, "cold": True, "limit": 8}
    done = subprocess.run(["node", str(ROOT / "tests/js/parity.js")], input=json.dumps(request),
                          capture_output=True, text=True, check=True, timeout=900)
    fetched = json.loads(done.stdout)["files"]
    cache: dict = {}
    return [_classify(site, fetched[q], cache)[0] for q in queries]


_KEYS = """async (sequences) => {
  const times = [[], []];
  for (let pass = 0; pass < 2; pass++) {
    for (const q of sequences) {
      for (let i = 1; i <= q.length; i++) {
        const start = performance.now();
        await SCPSearch.search(q.slice(0, i));
        times[pass].push(performance.now() - start);
      }
    }
  }
  return times;
}"""


def _keystrokes(site: Path) -> list[list[float]]:
    with first_result.serve_gzip(site) as base, first_result.chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "tim-kiem/")
        page.wait_for_selector("#tk[data-ready]", timeout=120_000)
        times = page.evaluate(_KEYS, TYPING)
        context.close()
    return times


def measure_search(n: int, data: list[dict], main_query: str, listings: Path, site: Path, work: Path,
                   args, on) -> dict:
    say = args.say
    queries = scale_queries(data, main_query)
    if n < 1000:            # a smoke run (tests/test_bench.py): a few queries are enough
        queries = queries[:4]
    search_dir = site / "tim-kiem"
    manifest = json.loads((search_dir / search.INDEX_FILE).read_text(encoding="utf-8"))
    cache: dict = {}
    shards = sorted((search_dir / search.SHARD_DIR).iterdir())
    out: dict = {"queries": queries, "files": {
        "manifest": _size(search_dir / search.INDEX_FILE, cache), "table": _size(search_dir / search.TABLE_FILE, cache),
        "all": sum(_size(p, cache) for p in shards), "count": len(shards),
        "terms": len(manifest["terms"]["first"]), "records": manifest["records"]["count"],
        "code": sum(_size(search_dir / f, cache) for f in (search.LUNR_FILE, search.CORE_FILE, search.SCRIPT_FILE))}}
    say(f"{n}: bản tải hết / download-everything variant")
    full = full_variant(listings, site, work, on)
    out["full_total"] = sum(_size(p, cache) for p in (full / "tim-kiem").rglob("*.json"))
    targets = {"ours": (site, "tim-kiem/?q=", ".tk-result"), "full": (full, "tim-kiem/?q=", ".tk-result")}
    pf_seconds = pagefind.index_site(site) if args.pagefind else None
    if pf_seconds is not None:
        out["pagefind"] = {"version": pagefind.version(), "index_seconds": pf_seconds,
                           "bytes_on_disk": sum(_size(p, cache) for p in (site / "pagefind").rglob("*")
                                                if p.is_file())}
        targets["pagefind"] = (site, pagefind.add_search_page(site) + "?q=", ".tk-result")
    say(f"{n}: byte mỗi truy vấn / bytes per query ({len(queries)} truy vấn / queries)")
    out["typeahead"] = _typeahead_bytes(site, queries)
    fetched: dict[str, list] = {}
    first_result.first_results({f"{name}\n{q}": (root, path + _quote(q), "#tk[data-ready]") for q in queries
                                for name, (root, path, sel) in targets.items()},
                               1, args.builtin_timeout, gzip_text=True, fetched=fetched)
    out["bytes"] = {name: [_classify(root, fetched[f"{name}\n{q}"][0], cache) for q in queries]
                    for name, (root, _path, _sel) in targets.items()}
    main = {name: (root, path + _quote(main_query), sel) for name, (root, path, sel) in targets.items()}
    say(f"{n}: kết quả đầu tiên / first result, loopback ×{args.search_runs}")
    out["loopback"] = first_result.first_results(main, args.search_runs, args.builtin_timeout, gzip_text=True)
    say(f"{n}: kết quả đầu tiên / first result, 4G chậm / slow 4G ×{args.slow_runs}")
    out["slow"] = first_result.first_results(main, args.slow_runs if n >= 1000 else 1, args.builtin_timeout,
                                             gzip_text=True, throttle=first_result.SLOW_4G)
    say(f"{n}: mỗi phím / per keystroke")
    out["keys"] = _keystrokes(site)
    return out


def _quote(q: str) -> str:
    from urllib.parse import quote
    return quote(q)


# --- Report ---------------------------------------------------------------------------------


def _kb(b: float) -> str:
    return f"{b / 1000:.1f}"


def _stat(values: list[float], fmt: str = "{:.0f}") -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (f"{fmt.format(statistics.median(ordered))} / {fmt.format(p90)} / {fmt.format(ordered[-1])}")


def _ms(times: list) -> str:
    done = [t for t in times if t is not None]
    if not done or None in times:
        return "> cap" if None in times else "—"
    return f"{statistics.median(done):.0f} ({min(done):.0f}–{max(done):.0f})"


PUBLISHED = ("Pagefind 1.6 theo số liệu đã công bố / published figures (issue 11): ~225 KB gzip mỗi truy vấn ở "
             "10.000 trang, kết quả đầu sau ~4 s trên 4G chậm / about 225 KB gzip per query at 10k pages, first "
             "result in about 4 s on slow 4G.")


def report(results: list[dict], quality: dict | None) -> list[str]:
    measured = [r for r in results if "scale" in r]
    out = ["### Byte mỗi truy vấn / Bytes per query", "",
           "Dữ liệu tìm kiếm một trang mới (bộ nhớ đệm trống) tải cho mỗi truy vấn, gzip mức 6 như máy chủ gửi "
           "(tệp của Pagefind đã nén sẵn, tính nguyên). Trung vị / p90 / lớn nhất qua các truy vấn (KB). / The search "
           "data a fresh page fetches per query, gzip -6 as served (Pagefind's index files are compressed already). "
           "Median / p90 / max over the queries (KB). Trang của ta: bản kê, bảng bộ lọc, mảnh thuật ngữ, bản ghi "
           "của 20 kết quả đầu; gõ-gợi-ý: không có bảng bộ lọc, 8 kết quả; tải hết: một mảnh của mỗi loại (cách "
           "trước issue 11, cùng bộ máy và điểm số); Pagefind: trang tìm kiếm của ta với Pagefind, 10 kết quả. "
           "/ Our page: manifest, facet table, term shards, records of the first 20 results; type-ahead: no facet "
           "table, 8 results; download everything: one shard of each kind (the layout before issue 11, same "
           "engine and scores); Pagefind: our search page running Pagefind, 10 results.", ""]
    if not measured:
        return out + ["Không đo / not measured (--no-browser, or no chromium).", ""]
    out += ["| N | ta, trang / ours, page | ta, gõ-gợi-ý / ours, type-ahead | tải hết / download everything | "
            "Pagefind | mã / code: ours, Pagefind |", "|---:|---:|---:|---:|---:|---|"]
    for r in measured:
        s = r["scale"]
        b = s["bytes"]
        pf = _stat([d for d, _c in b["pagefind"]], "{:.1f}") if "pagefind" in b else "— (không chạy / not run)"
        pf_code = f"{_kb(statistics.median(c for _d, c in b['pagefind']))}" if "pagefind" in b else "—"
        out.append(f"| {r['n']} | {_stat([d / 1000 for d, _c in b['ours']], '{:.1f}')} | "
                   f"{_stat([d / 1000 for d in s['typeahead']], '{:.1f}')} | "
                   f"{_stat([d / 1000 for d, _c in b['full']], '{:.1f}')} | "
                   f"{_stat([d / 1000 for d, _c in b['pagefind']], '{:.1f}') if 'pagefind' in b else pf} | "
                   f"{_kb(statistics.median(c for _d, c in b['ours']))}, {pf_code} |")
    out += ["", f"Truy vấn / queries: {', '.join('`' + q + '`' for q in measured[-1]['scale']['queries'])}.", ""]
    out += ["| N | mảnh thuật ngữ / term shards | mảnh bản ghi / record shards | bản kê / manifest (KB) | "
            "bảng bộ lọc / facet table (KB) | mọi tệp dữ liệu / all data files (KB) | tải hết / everything (KB) | "
            "Pagefind trên đĩa / on disk (KB), lập chỉ mục / indexing (s) |", "|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in measured:
        s = r["scale"]
        f = s["files"]
        pf = s.get("pagefind")
        out.append(f"| {r['n']} | {f['terms']} | {f['records']} | {_kb(f['manifest'])} | {_kb(f['table'])} | "
                   f"{_kb(f['all'] + f['manifest'] + f['table'])} | {_kb(s['full_total'])} | "
                   + (f"{_kb(pf['bytes_on_disk'])}, {pf['index_seconds']:.1f} ({pf['version']})" if pf else "—") + " |")
    if not any("pagefind" in r["scale"] for r in measured):
        out += ["", PUBLISHED]
    out += ["", "### Kết quả đầu tiên, 4G chậm / First result on a slow link", "",
            "Cùng trang, máy chủ gzip, ngữ cảnh mới mỗi lần; Chromium giả lập mạng qua CDP "
            "`Network.emulateNetworkConditions`: 400 kbit/s mỗi chiều, trễ 400 ms. Truy vấn như bảng trên "
            "(ms, trung vị (nhỏ nhất–lớn nhất)). / Same page, gzip server, fresh context each run; emulated "
            "400 kbit/s both ways, 400 ms latency; the query of the table above (ms, median (min–max)).", "",
            "| N | mạng / link | ta / ours | tải hết / download everything | Pagefind |", "|---:|---|---:|---:|---:|"]
    for r in measured:
        s = r["scale"]
        for link, key in (("loopback", "loopback"), ("4G chậm / slow 4G", "slow")):
            out.append(f"| {r['n']} | {link} | {_ms(s[key]['ours'])} | {_ms(s[key]['full'])} | "
                       f"{_ms(s[key]['pagefind']) if 'pagefind' in s[key] else '—'} |")
    out += ["", "### Mỗi phím / Per keystroke", "",
            "`SCPSearch.search` cho mọi tiền tố khi gõ từng chữ, trên trang tìm kiếm trong chromium (ms, trung vị / "
            "p90 / lớn nhất). Lượt 1 tải các mảnh qua loopback khi cần; lượt 2 đã có mảnh. / Every prefix typed "
            "letter by letter (ms, median / p90 / max); pass 1 fetches shards on loopback as needed, pass 2 has "
            f"them. Chuỗi gõ / sequences: {', '.join('`' + t + '`' for t in TYPING)}.", "",
            "| N | phím / keystrokes | lượt 1 / pass 1 | lượt 2 / pass 2 |", "|---:|---:|---:|---:|"]
    for r in measured:
        keys = r["scale"]["keys"]
        out.append(f"| {r['n']} | {len(keys[1])} | {_stat(keys[0])} | {_stat(keys[1])} |")
    out.append("")
    if quality:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import search_quality
        out += ["### Chất lượng / Quality", "",
                f"`bench/search_quality.py`: {quality['queries']} truy vấn trên {quality['listings']} tin "
                "(tests/fixtures/search_quality), độ liên quan theo luật ghi cạnh mỗi truy vấn; recall@10 và MRR "
                "theo lớp. / queries over the fixture listings, relevance by the rule written next to each query; "
                "MiniSearch 7.2 with its documented `prefix: true, fuzzy: 0.2, combineWith: \"OR\"`, diacritics "
                "folded, our field boosts; Pagefind 1.6 over the built listing pages. Bộ truy vấn này cũng là bộ "
                "ta dùng khi chỉnh bộ máy (các bài kiểm thử đòi từng truy vấn): điểm của ta trên nó là trần, "
                "không phải ước lượng trên dữ liệu mới. / This set is also the one the engine was tuned on (the "
                "tests require every query): our figures on it are a ceiling, not an estimate on unseen data.", ""]
        out += search_quality.table(quality)
        out.append("")
    return out

