"""Parity: the engine in node (lunr.js 2.3.9 and the shipped tim-kiem-loi.js, reading the
shards from disk as the browser fetches them) agrees with the Python side.

Same folding for every code point Python knows, same tokens over a Vietnamese corpus, same
query terms and Telex readings, and for every query the same answer as `query.query` over
the unsharded lunr.py index: refs in the same order, scores (rounded to 6 decimals the same
way), fallback, notes and suggestions. The query set covers every class of the quality set
(typos, unfinished words, provinces, sentences, identifiers, homographs, certificates, dead
ends), typed with, without and with decomposed (NFD) diacritics; the shards are cut small
(many term and record shards), as built (one per ~12 KB) and whole (one shard: the "download
everything" layout), and the engine starts cold (nothing fetched) or warm.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from directory import query, search
from directory.text import fold
from directory.validate import validate_tree

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
ON = dt.date(2025, 10, 1)
QUALITY = ROOT / "tests" / "fixtures" / "search_quality"

pytestmark = pytest.mark.skipif(NODE is None, reason="node không có / node is not installed")

FIXED_QUERIES = [
    "tái chế pin", "tai che pin", "TÁI CHẾ", "trien lam ha noi", "triển lãm hà nội", "siêu thị xanh",
    "sieu th", "sieu th ", "si", "đồng nai", "dong nai", "Đ", "nhựa pet", "nhua", "2323/QĐ-BCT",
    "phan phoi ben vung", "nhãn xanh việt nam", "vải vụn,", "  ", "", "xyzzy", "pin  lithium  ",
    "hồ chí minh", "ho chi minh", "gạch không nung", "giay", "giầy", "da-giay", "tp. hcm",
    # one of each rule: Telex, edit distance, one-letter prefix, heavy two letters, shorthand,
    # former province, filler, stop phrase, identifiers, certificate phrase, ambiguous shorthand
    "nhuaw", "taif che", "lihtium", "nhua p", "th", "tai che th", "hcm", "tphcm nhua", "sai gon",
    "binh duong", "binh thuan", "toi can tim nhua", "ma so thue 0301234562", "0301234562", "0301234562-001",
    "0301234562 001", "NXVN-2024-0123", "chứng nhận", "nhan xanh", "iso 14001", "dn", "dn nhua", "x", "p q",
    "giấy", "giày", "chè", "bìa", "đầu", "dầu", "cho toi hoi",
]


def _synthetic(tmp: Path, count: int) -> Path:
    subprocess.run([sys.executable, "-m", "directory.synthetic", "--count", str(count), "--out", str(tmp),
                    "--today", "2025-09-01"], check=True, cwd=ROOT, capture_output=True)
    return tmp / "listings"


def _quality_queries() -> list[str]:
    data = yaml.safe_load((QUALITY / "queries.yaml").read_text(encoding="utf-8"))
    return [q["q"] for q in data["queries"]]


def _queries(table: list[dict], seed: int, quality: bool = False) -> list[str]:
    rng = random.Random(seed)
    names = [r["n"] for r in rng.sample(table, min(25, len(table)))]
    queries = list(FIXED_QUERIES) + (_quality_queries() if quality else [])
    for name in names:
        words = name.split()
        partial = " ".join(words[:2]) + (" " + words[2][:2] if len(words) > 2 else "")
        for q in (name, " ".join(words[:2]), partial):
            queries += [q, fold(q), unicodedata.normalize("NFD", q)]
    return list(dict.fromkeys(queries))


def _node(request: dict) -> dict:
    done = subprocess.run([NODE, str(ROOT / "tests/js/parity.js")], input=json.dumps(request),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _request(docs_dir: Path, **extra) -> dict:
    return {"lunr": str(ROOT / "node_modules/lunr"), "core": str(docs_dir / "tim-kiem" / search.CORE_FILE),
            "site": str(docs_dir), **extra}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parity")
    trees = {"fixtures": ROOT / "tests/fixtures/search", "shipped": ROOT / "listings",
             "synthetic": _synthetic(tmp / "synthetic", 400), "quality": QUALITY / "listings"}
    built = {}
    for name, tree in trees.items():
        report = validate_tree(tree)
        assert report.ok, report.format()
        docs_dir = tmp / name / "docs"
        search.write_search(report.listings, docs_dir, ON)
        docs, table = search.records(report.listings, ON)
        built[name] = (docs_dir, docs, table, query.Knowledge(search.build_index(docs)))
    return built


def _compare(js: dict, know: query.Knowledge, queries: list[str]) -> int:
    found = 0
    for q in queries:
        python = query.query(know, q).as_dict()
        assert js["search"][q] == python, q
        found += bool(python["results"])
    return found


@pytest.mark.parametrize("scorer", ["lunr", "vectors"])
@pytest.mark.parametrize("name", ["fixtures", "shipped", "synthetic", "quality"])
def test_node_returns_the_same_answer_as_python(corpora, name, scorer):
    """Scored by lunr.Index.query over a partial index, and by core.js's typed-array copy of
    lunr's scoring (what large answers use): both give Python's refs and scores."""
    docs_dir, _docs, table, know = corpora[name]
    queries = _queries(table, seed=len(table), quality=name in ("quality", "synthetic"))
    js = _node(_request(docs_dir, queries=queries, scorer=scorer))
    found = _compare(js, know, queries)
    for q in queries:
        assert [tuple(t) for t in js["terms"][q]] == query.query_terms(q), q
    assert found > len(queries) // 2          # the query set exercises real matches


def test_small_shards_and_a_cold_start_change_nothing(corpora, tmp_path):
    """Many small term and record shards, each query from an empty cache (every shard it needs
    fetched across shard boundaries: prefixes, corrections, provinces), and the one-shard
    layout: the same answers, and the files fetched are what the query needs."""
    _docs_dir, docs, table, know = corpora["quality"]
    queries = _queries(table, seed=7, quality=True)
    small = tmp_path / "small"
    whole = tmp_path / "whole"
    for site, shard_bytes, record_shard in ((small, 600, 3), (whole, 10**12, 10**9)):
        out = site / "tim-kiem"
        out.mkdir(parents=True)
        manifest = search.write_index(search.build_index(docs), table, out, ON, shard_bytes=shard_bytes,
                                     record_shard=record_shard)
        (out / search.CORE_FILE).write_text(search.core_script(), encoding="utf-8")
        js = _node(_request(site, queries=queries, cold=True, limit=5))
        _compare(js, know, queries)
        for q in queries:
            top = [ref for ref, _score in query.query(know, q).results[:5]]
            assert [item[0] for item in js["items"][q]] == top, q
            assert [item[2] for item in js["items"][q]] == [table[int(r)]["u"] for r in top], q
        if site is small:
            assert len(manifest["terms"]["first"]) > 20 and manifest["records"]["count"] > 10
            files = js["files"]["nhua p"]
            assert "tim-kiem/chi-muc/p-p.json" in files and "tim-kiem/chi-muc/tu.json" not in files
            assert len([f for f in files if "/t" in f]) < len(manifest["terms"]["first"]) // 2
        else:
            assert manifest["records"]["count"] == 1 and len(manifest["terms"]["first"]) == 1


def test_diacritics_do_not_change_results_in_node(corpora):
    docs_dir, _docs, table, _know = corpora["synthetic"]
    names = [r["n"] for r in table[:40]]
    variants = [v for n in names for v in (n, unicodedata.normalize("NFD", n), n.upper(), fold(n))]
    js = _node(_request(docs_dir, queries=variants))
    for n in names:
        expected = js["search"][n]
        assert expected["results"], n
        for variant in (unicodedata.normalize("NFD", n), n.upper()):
            assert js["search"][variant] == expected, variant
        assert {r for r, _ in js["search"][fold(n)]["results"]} == {r for r, _ in expected["results"]}, n


def test_tokenisation_is_identical_over_a_vietnamese_corpus(corpora):
    texts = [value for name in ("fixtures", "shipped", "synthetic", "quality") for doc in corpora[name][1]
             for key, value in doc.items() if key != "ref" and value]
    texts += [unicodedata.normalize("NFD", t) for t in texts[:500]]
    texts += ["Đắk Lắk\u00a0Đắk\u2003Nông", "m²/m³ CO₂", "ISO 14001:2015", "ﬁ ligature", "İstanbul",
              "a\u0301b", "x\u034fy", "tab\there", "a—b–c", "Ǆ ǅ ǆ", "\u1e9e straße", "𝐀𝐁𝐂 𝟏𝟐𝟑", "ｆｕｌｌ"]
    words = sorted({w for t in texts for w in query.tokens(t)})
    js = _node(_request(corpora["fixtures"][0], texts=texts, telex=words))
    assert len(texts) > 1000
    for text, tokens in zip(texts, js["tokens"], strict=True):
        assert tokens == query.tokens(text), text
    for word in words:
        assert js["telex"][word] == query.telex(word), word


def test_fold_is_identical_for_every_assigned_code_point(corpora):
    js = _node(_request(corpora["fixtures"][0], site=None, foldAll=True))["fold"]
    checked = 0
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or unicodedata.category(chr(cp)) == "Cn":
            continue   # surrogates, and code points this Python's Unicode has not assigned yet
        assert js.get(str(cp), chr(cp)) == fold(chr(cp)), hex(cp)
        checked += 1
    assert checked > 280_000
