"""Parity: lunr.js 2.3.9 in node, with the shipped tim-kiem.js, agrees with the Python side.

Same folding for every code point Python knows, same tokens over a Vietnamese corpus,
same query terms, and the same refs in the same order (scores equal to 1e-6) for a
query set typed with, without and with decomposed (NFD) diacritics.
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

from directory import index
from directory.text import fold
from directory.validate import validate_tree

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
ON = dt.date(2025, 10, 1)

pytestmark = pytest.mark.skipif(NODE is None, reason="node không có / node is not installed")

FIXED_QUERIES = [
    "tái chế pin", "tai che pin", "TÁI CHẾ", "trien lam ha noi", "triển lãm hà nội", "siêu thị xanh",
    "sieu th", "sieu th ", "si", "đồng nai", "dong nai", "Đ", "nhựa pet", "nhua", "2323/QĐ-BCT",
    "phan phoi ben vung", "nhãn xanh việt nam", "vải vụn,", "  ", "", "xyzzy", "pin  lithium  ",
    "hồ chí minh", "ho chi minh", "gạch không nung", "giay", "giầy", "da-giay", "tp. hcm",
]


def _synthetic(tmp: Path, count: int) -> Path:
    subprocess.run([sys.executable, "-m", "directory.synthetic", "--count", str(count), "--out", str(tmp),
                    "--today", "2025-09-01"], check=True, cwd=ROOT, capture_output=True)
    return tmp / "listings"


def _queries(table: list[dict], seed: int) -> list[str]:
    rng = random.Random(seed)
    names = [r["n"] for r in rng.sample(table, min(25, len(table)))]
    queries = list(FIXED_QUERIES)
    for name in names:
        words = name.split()
        partial = " ".join(words[:2]) + (" " + words[2][:2] if len(words) > 2 else "")
        for q in (name, " ".join(words[:2]), partial):
            queries += [q, fold(q), unicodedata.normalize("NFD", q)]
    return list(dict.fromkeys(queries))


def _node(request: dict) -> dict:
    done = subprocess.run([NODE, str(ROOT / "tests/js/parity.js")], input=json.dumps(request),
                          capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout)


def _request(docs_dir: Path, **extra) -> dict:
    return {"lunr": str(ROOT / "node_modules/lunr"), "script": str(docs_dir / "tim-kiem" / index.SCRIPT_FILE),
            **extra}


def _rounded(results):
    return [(ref, round(score, 6)) for ref, score in results]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parity")
    trees = {"fixtures": ROOT / "tests/fixtures/search", "shipped": ROOT / "listings",
             "synthetic": _synthetic(tmp / "synthetic", 400)}
    built = {}
    for name, tree in trees.items():
        report = validate_tree(tree)
        assert report.ok, report.format()
        docs_dir = tmp / name / "docs"
        index.write_search(report.listings, docs_dir, ON)
        built[name] = (docs_dir, *index.records(report.listings, ON))
    return built


@pytest.mark.parametrize("name", ["fixtures", "shipped", "synthetic"])
def test_node_returns_the_same_refs_as_python(corpora, name):
    docs_dir, _docs, table = corpora[name]
    index_file = docs_dir / "tim-kiem" / index.INDEX_FILE
    loaded = index.load(json.loads(index_file.read_text(encoding="utf-8")))
    queries = _queries(table, seed=len(table))
    js = _node(_request(docs_dir, index=str(index_file), queries=queries))
    found = 0
    for q in queries:
        python = _rounded(index.search(loaded, q))
        assert _rounded(map(tuple, js["search"][q])) == python, q
        assert [tuple(t) for t in js["terms"][q]] == index.query_terms(q), q
        found += bool(python)
    assert found > len(queries) // 2          # the query set exercises real matches


@pytest.mark.parametrize("name", ["fixtures", "synthetic"])
def test_diacritics_do_not_change_results_in_node(corpora, name):
    docs_dir, _docs, table = corpora[name]
    names = [r["n"] for r in table[:40]]
    variants = [v for n in names for v in (n, fold(n), unicodedata.normalize("NFD", n), n.upper())]
    js = _node(_request(docs_dir, index=str(docs_dir / "tim-kiem" / index.INDEX_FILE), queries=variants))
    for n in names:
        expected = js["search"][n]
        assert expected, n
        for variant in (fold(n), unicodedata.normalize("NFD", n), n.upper()):
            assert js["search"][variant] == expected, variant


def test_tokenisation_is_identical_over_a_vietnamese_corpus(corpora):
    texts = [value for name in ("fixtures", "shipped", "synthetic") for doc in corpora[name][1]
             for key, value in doc.items() if key != "ref" and value]
    texts += [unicodedata.normalize("NFD", t) for t in texts[:500]]
    texts += ["Đắk Lắk\u00a0Đắk\u2003Nông", "m²/m³ CO₂", "ISO 14001:2015", "ﬁ ligature", "İstanbul",
              "a\u0301b", "x\u034fy", "tab\there", "a—b–c", "Ǆ ǅ ǆ", "\u1e9e straße", "𝐀𝐁𝐂 𝟏𝟐𝟑", "ｆｕｌｌ"]
    js = _node(_request(corpora["fixtures"][0], texts=texts))
    assert len(texts) > 1000
    for text, tokens in zip(texts, js["tokens"], strict=True):
        assert tokens == index.tokens(text), text


def test_fold_is_identical_for_every_assigned_code_point(corpora):
    js = _node(_request(corpora["fixtures"][0], foldAll=True))["fold"]
    checked = 0
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or unicodedata.category(chr(cp)) == "Cn":
            continue   # surrogates, and code points this Python's Unicode has not assigned yet
        assert js.get(str(cp), chr(cp)) == fold(chr(cp)), hex(cp)
        checked += 1
    assert checked > 280_000
