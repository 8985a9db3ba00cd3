"""Search quality: recall@10 and MRR per query class, ours vs MiniSearch vs Pagefind.

    .venv/bin/python bench/search_quality.py [--no-pagefind] [--json OUT]

The query set and its listings are tests/fixtures/search_quality/ (queries.yaml says how a
rule picks the relevant listings from the listing data). For each query:

- ours: `directory.query.query` (the same refs as the browser, tests/test_search_parity.py);
- MiniSearch 7 (npm `minisearch`, pinned), in node, over the same index documents (the same
  fields and boosts, diacritics folded), with its documented settings for type-ahead search:
  `prefix: true, fuzzy: 0.2`, `combineWith: "OR"` (bench/js/minisearch.js);
- Pagefind 1.6 (npm `@pagefind/linux-x64`, pinned), indexing the built listing pages'
  article text, queried through its own JS API in headless chromium (bench/pagefind.py).

recall@10 = relevant listings in the top 10 / min(relevant, 10); MRR = 1 / rank of the first
relevant listing in the top 10 (0 if none). A query with `follow: true` is judged on the
results of its first suggestion. `judge` and `metrics` are also used by tests/test_search.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory import query, search, vocab  # noqa: E402
from directory.models import Organisation, province_of  # noqa: E402
from directory.status import certificate_status, certificates_of  # noqa: E402
from directory.validate import validate_tree  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "search_quality"
CLASSES = ["typo", "prefix", "place", "sentence", "identifier", "homograph", "certificate", "no_dead_end"]
CLASS_LABELS = {"typo": "gõ sai một chữ / one typo", "prefix": "từ cuối dở / unfinished word",
                "place": "tỉnh viết tắt, tên cũ / province shorthand, old names",
                "sentence": "câu, từ đệm / sentences, filler", "identifier": "mã số thuế, số chứng nhận / identifiers",
                "homograph": "cùng chữ khác nghĩa / same letters", "certificate": "chứng nhận / certificate words",
                "no_dead_end": "không ngõ cụt / no dead ends"}
NODE = shutil.which("node")


def load_queries() -> tuple[dt.date, list[dict]]:
    data = yaml.safe_load((FIXTURE / "queries.yaml").read_text(encoding="utf-8"))
    return data["date"], data["queries"]


def load_listings():
    report = validate_tree(FIXTURE / "listings")
    if not report.ok:
        raise SystemExit(report.format())
    return report.listings


# --- Judging from the listing data ---------------------------------------------------------


def _folded_words(text: str) -> list[str]:
    return [w for w in query.tokens(text)]


def _vi_words(text: str) -> list[str]:
    return query._VI_RUN.findall(unicodedata.normalize("NFC", text).lower())


class Judge:
    """Evaluates queries.yaml rules against the listings."""

    def __init__(self, listings, on: dt.date):
        self.on = on
        self.by_id = {x.id: x for x in listings}
        self.orgs = {x.id: x for x in listings if isinstance(x, Organisation)}

    def _topic_texts(self, x) -> list[str]:
        texts = [vocab.SECTORS.label(c) for c in getattr(x, "sectors", None) or []]
        texts += [vocab.WASTE_STREAMS.label(c) for c in getattr(x, "waste_streams", None) or []]
        if getattr(x, "material_category", None):
            texts += [vocab.MATERIAL_CATEGORIES.label(x.material_category), x.material]
        return texts

    def _valid(self, x) -> list:
        return [c for c in certificates_of(x) if certificate_status(c, self.on) in ("valid", "expiring")]

    def holds(self, rule: dict | None, x) -> bool:
        if rule is None:
            return False
        for key, want in rule.items():
            values = want if isinstance(want, list) else [want]
            if key == "kind":
                ok = x.kind in values
            elif key == "id":
                ok = x.id in values
            elif key == "org":
                ok = x.id in values or x.owner_id() in values
            elif key == "province":
                province = province_of(x, self.orgs)
                ok = bool(province) and vocab.province_code(province) in values
            elif key == "about":
                codes = [getattr(x, "material_category", None), *(getattr(x, "waste_streams", None) or []),
                         *(getattr(x, "sectors", None) or [])]
                ok = any(v in codes for v in values)
            elif key == "topic":
                words = {w for t in self._topic_texts(x) for w in _folded_words(t)}
                ok = all(w in words for v in values for w in _folded_words(v))
            elif key == "topic_vi":
                words = {w for t in self._topic_texts(x) for w in _vi_words(t)}
                ok = all(v in words for v in values)
            elif key == "name":
                words = set(_folded_words(x.name))
                ok = all(w in words for v in values for w in _folded_words(v))
            elif key == "name_any":
                ok = bool(set(_folded_words(x.name)) & set(values))
            elif key == "name_prefix":
                ok = any(w.startswith(v) for w in _folded_words(x.name) for v in values)
            elif key == "name_vi":
                ok = all(v in _vi_words(x.name) for v in values)
            elif key == "cert":
                ok = any(c.scheme in values for c in self._valid(x))
            elif key == "family":
                ok = any(vocab.SCHEME_FAMILY[c.scheme] in values for c in self._valid(x))
            elif key == "valid_cert":
                ok = bool(self._valid(x)) == bool(want)
            elif key == "any":
                ok = any(self.holds(r, x) for r in want)
            elif key == "all":
                ok = all(self.holds(r, x) for r in want)
            elif key == "not":
                ok = not self.holds(want, x)
            else:
                raise ValueError(f"unknown rule key {key!r}")
            if not ok:
                return False
        return True

    def relevant(self, query: dict) -> set[str]:
        return {i for i, x in self.by_id.items() if self.holds(query["relevant"], x)}

    def best(self, query: dict) -> set[str]:
        return {i for i, x in self.by_id.items() if self.holds(query.get("best", query["relevant"]), x)}


def metrics(ranked: list[str], relevant: set[str]) -> tuple[float, float]:
    """(recall@10, reciprocal rank within the top 10) of one ranked list of listing ids."""
    top = ranked[:10]
    recall = len(relevant & set(top)) / min(len(relevant), 10) if relevant else 0.0
    rank = next((i + 1 for i, x in enumerate(top) if x in relevant), None)
    return recall, (1.0 / rank if rank else 0.0)


# --- Ours ---------------------------------------------------------------------------------------


def our_corpus(listings, on: dt.date):
    docs, table = search.records(listings, on)
    return docs, table, query.Knowledge(search.build_index(docs))


def ours(queries: list[dict], listings, on: dt.date) -> dict[str, list[str]]:
    _docs, table, know = our_corpus(listings, on)
    ids = [r["u"].split("/")[1] for r in table]
    out = {}
    for q in queries:
        answer = query.query(know, q["q"])
        if q.get("follow") and answer.suggestions:
            answer = query.query(know, answer.suggestions[0])
        out[q["q"]] = [ids[int(ref)] for ref, _score in answer.results]
    return out


# --- MiniSearch -------------------------------------------------------------------------------


def minisearch(queries: list[dict], listings, on: dt.date) -> dict[str, list[str]] | None:
    if NODE is None or not (ROOT / "node_modules" / "minisearch").is_dir():
        return None
    docs, table = search.records(listings, on)
    fields = [name for name, _ in query.FIELDS if name != query.EXACT]
    request = {"minisearch": str(ROOT / "node_modules" / "minisearch"), "fields": fields,
               "boost": {name: boost for name, boost in query.FIELDS if name != query.EXACT},
               "docs": [{"id": r["u"].split("/")[1], **{f: d[f] for f in fields}} for d, r in zip(docs, table)],
               "queries": [q["q"] for q in queries]}
    done = subprocess.run([NODE, str(ROOT / "bench" / "js" / "minisearch.js")], input=json.dumps(request),
                          capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout)


# --- Report -------------------------------------------------------------------------------------


def evaluate(queries: list[dict], judge: Judge, ranked: dict[str, list[str]]) -> dict:
    """Per class and overall: {class: {"recall": mean, "mrr": mean, "n": count}}."""
    rows: dict[str, list[tuple[float, float]]] = {c: [] for c in CLASSES}
    for q in queries:
        if q["relevant"] is None:
            continue
        rows[q["class"]].append(metrics(ranked.get(q["q"], []), judge.relevant(q)))
    out = {}
    everything = [m for ms in rows.values() for m in ms]
    for name, ms in [*rows.items(), ("all", everything)]:
        if ms:
            out[name] = {"recall": sum(r for r, _ in ms) / len(ms), "mrr": sum(m for _, m in ms) / len(ms), "n": len(ms)}
    return out


def run(pagefind: bool = True, work: Path | None = None) -> dict:
    on, queries = load_queries()
    listings = load_listings()
    judge = Judge(listings, on)
    engines = {"ours": ours(queries, listings, on)}
    if (found := minisearch(queries, listings, on)) is not None:
        engines["minisearch"] = found
    if pagefind:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import pagefind as pf
        if (found := pf.quality(FIXTURE / "listings", [q["q"] for q in queries], work)) is not None:
            engines["pagefind"] = found
    return {"queries": len(queries), "listings": len(listings),
            "scores": {name: evaluate(queries, judge, ranked) for name, ranked in engines.items()}}


def table(result: dict) -> list[str]:
    engines = list(result["scores"])
    head = "| lớp / class | n | " + " | ".join(f"{e} recall@10 | {e} MRR" for e in engines) + " |"
    lines = [head, "|---|---:|" + "---:|---:|" * len(engines)]
    for name in [*CLASSES, "all"]:
        first = result["scores"]["ours"].get(name)
        if not first:
            continue
        label = CLASS_LABELS.get(name, "tất cả / all")
        cells = []
        for e in engines:
            s = result["scores"][e].get(name, {"recall": 0.0, "mrr": 0.0})
            cells.append(f"{s['recall']:.2f} | {s['mrr']:.2f}")
        bold = "**" if name == "all" else ""
        lines.append(f"| {bold}{label}{bold} | {first['n']} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chất lượng tìm kiếm / search quality (issue 11)")
    parser.add_argument("--no-pagefind", dest="pagefind", action="store_false")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.pagefind)
    print("\n".join(table(result)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
