"""The search index: a lunr index built here, cut into shards that a phone fetches piece by piece.

`write_search(listings, docs_dir, on)` writes into the mkdocs docs dir, under `tim-kiem/`:

- `index.md`                the page (form, facets, result list; scripts by <script src>)
- `chi-muc.json`            the manifest: fields, shard boundaries, query rules (stop words,
                            place names, certificate phrases), messages, facets and labels
- `chi-muc/t<i>.json`       term shard i: a run of the sorted terms, each with its postings
                            and their lunr field-vector weights (see "Shards" below)
- `chi-muc/d<i>.json`       record shard i: the display records of refs [i*size, (i+1)*size)
- `chi-muc/p-<x>.json`      the documents having a word that starts with x (1-2 letters)
- `chi-muc/tu.json`         the dictionary: every alphabetic term and its document frequency
- `danh-sach.json`          the facet values of every listing (the page's filters and counts)
- `tim-kiem-loi.js`         site_templates/search/core.js, the engine (`window.SCPSearch`)
- `tim-kiem.js`             site_templates/search/search.js, the page
- `tim-kiem.css`, `lunr-2.3.9.min.js` (copied from node_modules/lunr; never a CDN)

What a listing gives each index field (`FIELDS`, declared on the models with `Show(search=...)`)
and how a query is read live in `directory/query.py`, the Python twin of core.js; this module
makes the documents, builds the index with lunr.py and writes the files core.js reads.

the field vector's entries at the query's terms matter. So each term shard carries, for
every posting, the weight the field vector has at that term, and core.js rebuilds a
partial lunr Index (inverted index, field vectors, token set) from the shards a query
needs. Term numbers are the sorted order of the terms, so a shard's terms are numbered from
its start. Scores equal the unsharded index's (tests/test_search_parity.py). Which listings
pass is decided from the postings; lunr.Index.query then scores them, or, past 300 of them,
core.js's typed-array copy of lunr's scoring (the same operations in the same order).

All kinds share one index; `kind` is a facet. Only currently valid certificates count as
certified; "upcoming" and "past" for exhibitions are fixed at build time from `on`, never
from the clock. This module does not render listing pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from lunr.builder import Builder
from lunr.idf import idf as lunr_idf
from lunr.index import Index
from lunr.vector import Vector

from . import ROOT, urls, vocab
from .models import (
    Certificate, Exhibition, ListingBase, Organisation, Product, file_order, nested_model, province_of,
    shown_fields, vocabulary_of,
)
from .query import (
    EXACT, EXACT_SOURCES, FIELDS, GENERIC_CERT, MESSAGES, NON_ALNUM, Knowledge, exact_words, rules,
    token_of, vn_fold,
)
from .status import STATUS_LABELS, certificate_status, certificates_of, scheme_label, valid_certificates
from .text import fold

TEMPLATES = ROOT / "site_templates" / "search"
LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.min.js"
LUNR_VERSION = "2.3.9"

PAGE_DIR = urls.SEARCH.rstrip("/")
INDEX_FILE = "chi-muc.json"
SHARD_DIR = "chi-muc"
TABLE_FILE = "danh-sach.json"
CORE_FILE = "tim-kiem-loi.js"
SCRIPT_FILE = "tim-kiem.js"
STYLE_FILE = "tim-kiem.css"
LUNR_FILE = f"lunr-{LUNR_VERSION}.min.js"
COMBINING_PLACEHOLDER = '"__COMBINING_MARKS__"'
FORMAT = 2

# The search page's filters, in order: URL parameter, key in the result table, legend (the
# models' field titles where a field holds the values), sorted by label or kept in list order.
# core.js receives them in the manifest and knows no field of its own.
FACETS = [
    {"param": "loai", "key": "k", "legend": "Loại tin"},
    {"param": "mien", "key": "r", "legend": Exhibition.model_fields["region"].title},
    {"param": "tinh", "key": "p", "legend": "Tỉnh, thành phố", "sort": True},
    {"param": "nganh", "key": "s", "legend": Product.model_fields["sectors"].title, "sort": True},
    {"param": "chung-nhan", "key": "c", "legend": Certificate.model_fields["scheme"].title},
    {"param": "trien-lam", "key": "e", "legend": "Triển lãm (theo ngày cập nhật dữ liệu)"},
]
FACET_KEYS = ("k", "p", "r", "s", "c", "v", "st", "e")

UPCOMING, PAST = "sap-toi", "da-qua"
WHEN_LABELS = {UPCOMING: "Sắp diễn ra", PAST: "Đã diễn ra"}
# Best first: the status a result shows is the best of its certificates.
STATUS_ORDER = ["valid", "expiring", "not_yet", "expired"]

# Shards: a term shard closes past this many bytes of JSON; records go by RECORD_SHARD refs.
TERM_SHARD_BYTES = 12_000
RECORD_SHARD = 40

# BM25's b (lunr's default 0.75): lunr averages a field's length over every listing, most of
# which leave "materials" or "scheme" empty, so a full field would weigh little at 0.75.
LENGTH_NORMALISATION = 0.4


# --- Folding for core.js --------------------------------------------------------------------


def combining_class() -> str:
    """A JavaScript regex character class of the characters `unicodedata.combining` flags.

    core.js strips exactly these after NFD, so its fold equals `text.fold` for every
    character Python knows (tests/test_search_parity.py checks all of them).
    """
    ranges, start, prev = [], None, None
    for cp in range(0x110000):
        if unicodedata.combining(chr(cp)):
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            ranges.append((start, prev))
            start = None
    return "[" + "".join(f"\\u{{{a:x}}}" + (f"-\\u{{{b:x}}}" if b > a else "") for a, b in ranges) + "]"


# --- Documents ----------------------------------------------------------------------------


def _id_tokens(value: str) -> tuple[list[str], list[str]]:
    """(joined forms for "ids", parts for "summary") of an identifier: a tax code
    "0301234562-001" gives ["0301234562001", "0301234562"] and ["001"]."""
    parts = [p for raw in _LUNR_SEPARATORS.split(value.lower()) if raw for p in _folded(raw)]
    joined = ["".join(parts)] if parts else []
    if len(parts) == 2 and re.fullmatch(r"[0-9]{10}", parts[0]) and re.fullmatch(r"[0-9]{3}", parts[1]):
        return joined, parts           # a branch: the head office's code finds it too, below the head office
    return joined, parts if len(parts) > 1 else []


class _Words:
    """The texts one listing gives each index field."""

    def __init__(self):
        self.fields: dict[str, list[str]] = {name: [] for name, _ in FIELDS}

    def add(self, name: str, *texts: str) -> None:
        self.fields[name] += [t for t in texts if t]

    def document(self, ref: str) -> dict:
        exact = [w for name in EXACT_SOURCES for text in self.fields[name] for w in exact_words(text)]
        self.fields[EXACT] = exact
        return {"ref": ref, **{name: " ".join(dict.fromkeys(texts)) for name, texts in self.fields.items()}}


# The legal form that opens most organisation names: it finds the organisations themselves (their
# name), but in the owner field of their listings it would only make "cong ty" match everything.
_LEGAL_FORMS = [f.split() for f in (
    "tong cong ty co phan", "tong cong ty", "cong ty tnhh mtv", "cong ty tnhh mot thanh vien",
    "cong ty tnhh hai thanh vien", "cong ty tnhh", "cong ty co phan", "cong ty", "doanh nghiep tu nhan",
    "chi nhanh cong ty co phan", "chi nhanh cong ty tnhh", "chi nhanh cong ty", "hop tac xa")]


def _without_legal_form(name: str) -> str:
    raw = name.split()
    folded = [fold(w) for w in raw]
    for form in _LEGAL_FORMS:
        if folded[:len(form)] == form and len(raw) > len(form):
            return " ".join(raw[len(form):])
    return name


def _add_certificate(words: _Words, cert: Certificate, on: dt.date) -> None:
    """A certificate valid on `on` feeds "scheme" (its scheme, its family, "chứng nhận" and their
    tokens); any other feeds "summary" only, so valid holders rank first."""
    family = vocab.SCHEME_FAMILY[cert.scheme]
    labels = [scheme_label(cert), vocab.LABEL_FAMILIES.label(family)]
    if certificate_status(cert, on) in ("valid", "expiring"):
        codes = [token_of(cert.scheme)] if cert.scheme != "khac" else []
        words.add("scheme", *labels, "Chứng nhận")
        words.add("cert", *codes, token_of(family), GENERIC_CERT)
    else:
        words.add("summary", *labels)
    for name, target in _searched(Certificate):   # e.g. Show(search="ids") on the number
        if value := getattr(cert, name):
            _add_value(words, target, value)


def _add_value(words: _Words, target: str, value: str) -> None:
    if target == "ids":
        joined, parts = _id_tokens(str(value))
        words.add("ids", *joined)
        words.add("summary", *parts)
    else:
        words.add(target, str(value))


def _document(ref: str, listing: ListingBase, province: str | None, orgs: dict[str, Organisation],
              on: dt.date) -> dict:
    words = _Words()
    if province:
        words.add("province", province, token_of(vocab.province_code(province)))
    references = set(listing.references().values())
    for name, target, vocabulary, certificates in _fields_of(type(listing)):
        value = getattr(listing, name)
        items = value if isinstance(value, list) else [value]
        if vocabulary is not None:
            words.add(target, *(vocabulary.label(code) for code in items))
        elif isinstance(value, str) and value in references:
            if (org := orgs.get(value)) is not None:
                words.add(target, _without_legal_form(org.name))
                if org.tax_id:                                   # its listings are found by its tax code
                    joined, parts = _id_tokens(org.tax_id)
                    words.add(target, *joined, *parts)
        elif certificates:
            for cert in items:
                _add_certificate(words, cert, on)
        else:
            for item in items:
                if item is not None:
                    _add_value(words, target, str(item))
    return words.document(ref)


@lru_cache(maxsize=None)
def _searched(model) -> tuple[tuple[str, str], ...]:
    return tuple((name, show.search) for name, _info, show in shown_fields(model) if show.search)


@lru_cache(maxsize=None)
def _fields_of(model) -> tuple:
    """(field, index field, vocabulary or None, holds certificates) of each searched field."""
    return tuple((name, show.search, vocabulary_of(info), nested_model(info.annotation)[0] is Certificate)
                 for name, info, show in shown_fields(model) if show.search)


def _when(listing: ListingBase, on: dt.date) -> str:
    if not isinstance(listing, Exhibition):
        return ""
    return UPCOMING if listing.is_upcoming(on) else PAST


def _status(listing: ListingBase, on: dt.date) -> str:
    found = {certificate_status(c, on) for c in certificates_of(listing)}
    return next((s for s in STATUS_ORDER if s in found), "")


def _group(listing: ListingBase) -> str:
    """What a listing is about, to keep alike listings in the same record shard."""
    for name in ("material_category", "waste_streams", "sectors"):
        value = getattr(listing, name, None)
        if value:
            return value if isinstance(value, str) else value[0]
    return ""


def record_order(listing: ListingBase) -> tuple:
    """Refs go by kind (as vocab.KINDS), then subject (material, waste stream or sector), then id:
    the results of one query fall in few record shards."""
    kind, ident = file_order(listing)
    return kind, _group(listing), ident


def records(listings: Iterable[ListingBase], on: dt.date) -> tuple[list[dict], list[dict]]:
    """(lunr documents, display records), aligned: ref i is record i. Sorted by `record_order`."""
    listings = sorted(listings, key=record_order)
    orgs = {x.id: x for x in listings if isinstance(x, Organisation)}
    docs, table = [], []
    for i, listing in enumerate(listings):
        province = province_of(listing, orgs)
        owner = orgs.get(listing.owner_id() or "")
        sectors = list(dict.fromkeys(getattr(listing, "sectors", None) or []))
        certs = certificates_of(listing)
        docs.append(_document(str(i), listing, province, orgs, on))
        region = getattr(listing, "region", None) or (vocab.region_of(province) if province else "")
        record = {"n": listing.name, "u": urls.listing_path(listing), "k": listing.kind,
                  "p": vocab.province_code(province) if province else "", "r": region, "s": sectors,
                  "c": list(dict.fromkeys(c.scheme for c in certs)),
                  "v": list(dict.fromkeys(c.scheme for c in valid_certificates(listing, on))),
                  "st": _status(listing, on), "e": _when(listing, on)}
        if owner:
            record["o"] = owner.name
        if listing.kind == "exhibition":
            record["d"] = listing.when_label()
        if listing.sample:
            record["m"] = 1
        table.append({key: value for key, value in record.items() if value not in ("", [])})
    return docs, table


_LUNR_SEPARATORS = re.compile(r"[ \t\n\r\f\v\xa0-]+")   # lunr's tokenizer splits on these


@lru_cache(maxsize=None)
def _folded(raw: str) -> tuple[str, ...]:
    return tuple(p for p in NON_ALNUM.split(fold(raw)) if p)


def _field_tokens(name: str, text: str) -> list[str]:
    """The terms lunr makes of one field: its tokenizer, then vnFold (not on "exact"). Done
    here, with each word folded once, because lunr.py's tokenizer walks the text a character
    at a time; the builder gets the terms as a list and runs no pipeline."""
    raw = [t for t in _LUNR_SEPARATORS.split(text.lower()) if t]
    return raw if name == EXACT else [p for word in raw for p in _folded(word)]


class _Builder(Builder):
    """lunr.py's Builder, fed terms already made (`_field_tokens`): the same postings, lengths
    and vectors as `Builder.add` and `Builder.build` give (tests/test_search.py compares them),
    without the tokenizer's metadata copies and with each vector built at once, its terms
    numbered in sorted order, instead of inserted entry by entry and renumbered after."""

    def add_terms(self, ref: str, terms: dict[str, list[str]]) -> None:
        self._documents[ref] = {}
        self.document_count += 1
        for field_name in self._fields:
            field_ref = f"{field_name}/{ref}"
            counts: dict[str, int] = defaultdict(int)
            self.field_term_frequencies[field_ref] = counts
            self.field_lengths[field_ref] = len(terms[field_name])
            for term in terms[field_name]:
                counts[term] += 1
                posting = self.inverted_index.get(term)
                if posting is None:
                    posting = {name: {} for name in self._fields}
                    posting["_index"] = self.term_index
                    self.term_index += 1
                    self.inverted_index[term] = posting
                posting[field_name].setdefault(ref, {})

    def _create_field_vectors(self):
        """lunr.py's Builder._create_field_vectors, the same arithmetic in the same order."""
        for i, term in enumerate(sorted(self.inverted_index)):
            self.inverted_index[term]["_index"] = i
        k1, b = self._k1, self._b
        idf_of: dict[str, float] = {}
        vectors = {}
        for field_ref, frequencies in self.field_term_frequencies.items():
            field_name, ref = field_ref.split("/", 1)
            field_length = self.field_lengths[field_ref]
            field_boost = self._fields[field_name].boost
            doc_boost = self._documents[ref].get("boost", 1)
            average = self.average_field_length[field_name]
            pairs = []
            for term, tf in frequencies.items():
                posting = self.inverted_index[term]
                if term not in idf_of:
                    idf_of[term] = lunr_idf(posting, self.document_count)
                score = idf_of[term] * ((k1 + 1) * tf) / (k1 * (1 - b + b * (field_length / average)) + tf)
                score *= field_boost
                score *= doc_boost
                pairs.append((posting["_index"], round(score, 3)))
            pairs.sort()
            vectors[field_ref] = Vector([x for pair in pairs for x in pair])
        self.field_vectors = vectors


def build_index(docs: list[dict]) -> Index:
    """A lunr index over `docs`: vnFold on every field but "exact", no position metadata, terms
    numbered in sorted order (so that a shard of sorted terms numbers itself)."""
    builder = _Builder()
    builder.b(LENGTH_NORMALISATION)
    builder.search_pipeline.add(vn_fold)
    builder.ref("ref")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for doc in docs:
        builder.add_terms(str(doc["ref"]), {name: _field_tokens(name, doc[name]) for name, _ in FIELDS})
    return builder.build()


def serialise(index: Index) -> dict:
    """The lunr JSON, without the vectors of empty fields (lunr never reads them)."""
    data = index.serialize()
    data["fieldVectors"] = [entry for entry in data["fieldVectors"] if entry[1]]
    return data


def load(data: dict) -> Index:
    return Index.load(data)


# --- Shards --------------------------------------------------------------------------------


def _deltas(refs: list[int]) -> list[int]:
    out, last = [], 0
    for r in refs:
        out.append(r - last)
        last = r
    return out


def term_shards(index: Index, shard_bytes: int = TERM_SHARD_BYTES) -> list[list]:
    """The sorted terms in runs: each term [term, field number, count, ref deltas..., weights
    (×1000)..., field number, ...]. A weight is the term's entry in that field vector."""
    fields = [name for name, _ in FIELDS]
    weights: dict[tuple[str, str], dict[int, float]] = {}
    for field_ref, vector in index.field_vectors.items():
        field_name, ref = str(field_ref).split("/", 1)
        elements = vector.elements
        for j in range(0, len(elements), 2):
            weights.setdefault((ref, field_name), {})[elements[j]] = elements[j + 1]
    shards, current, size = [], [], 0
    for term in sorted(index.inverted_index):
        posting = index.inverted_index[term]
        number = posting["_index"]
        entry: list = [term]
        for f, name in enumerate(fields):
            refs = sorted(int(r) for r in posting.get(name, {}))
            if refs:
                entry += [f, len(refs), *_deltas(refs),
                          *(round(weights[(str(r), name)][number] * 1000) for r in refs)]
        encoded = len(json.dumps(entry, ensure_ascii=False))
        if current and size + encoded > shard_bytes:
            shards.append(current)
            current, size = [], 0
        current.append(entry)
        size += encoded
    if current:
        shards.append(current)
    return shards


def _facet_table(table: list[dict]) -> dict:
    """Facet values of every ref, column by column, as numbers into per-key code lists."""
    codes: dict[str, list[str]] = {}
    columns: dict[str, list] = {}
    for key in FACET_KEYS:
        seen: dict[str, int] = {}
        column = []
        for record in table:
            value = record.get(key)
            if isinstance(value, list):
                column.append([seen.setdefault(v, len(seen)) for v in value])
            else:
                column.append(seen.setdefault(value, len(seen)) if value else -1)
        codes[key], columns[key] = list(seen), column
    return {"codes": codes, "columns": columns}


def _dictionary(know: Knowledge) -> dict:
    return {"w": " ".join(know.dictionary), "f": [know.df[w] for w in know.dictionary]}


# --- Writing ---------------------------------------------------------------------------------


def labels(table: list[dict]) -> dict:
    """Labels of the codes the records use, for facets and results."""
    used = {key: {v for r in table for v in (r.get(key) if isinstance(r.get(key), list) else [r.get(key)]) if v}
            for key in ("k", "p", "r", "s", "c")}
    return {
        "k": {t.code: t.vi for t in vocab.KINDS if t.code in used["k"]},
        "s": {t.code: t.vi for t in vocab.SECTORS if t.code in used["s"]},
        "p": {code: name for code, name in vocab.PROVINCES.items() if code in used["p"]},
        "r": {t.code: t.vi for t in vocab.REGIONS if t.code in used["r"]},
        "c": {t.code: t.vi for t in vocab.SCHEMES if t.code in used["c"]},
        "st": {code: vi for code, (vi, _en) in STATUS_LABELS.items()},
        "e": WHEN_LABELS,
    }


def page_markdown(on: dt.date) -> str:
    template = (TEMPLATES / "page.md").read_text(encoding="utf-8")
    return (template.replace("{{ on }}", f"{on:%d/%m/%Y}")
            .replace("{{ index }}", INDEX_FILE).replace("{{ table }}", TABLE_FILE)
            .replace("{{ core }}", CORE_FILE).replace("{{ script }}", SCRIPT_FILE)
            .replace("{{ style }}", STYLE_FILE).replace("{{ lunr }}", LUNR_FILE))


def core_script() -> str:
    source = (TEMPLATES / "core.js").read_text(encoding="utf-8")
    if source.count(COMBINING_PLACEHOLDER) != 1:
        raise RuntimeError(f"core.js must contain {COMBINING_PLACEHOLDER} once")
    return source.replace(COMBINING_PLACEHOLDER, json.dumps(combining_class()))


def script() -> str:
    return (TEMPLATES / "search.js").read_text(encoding="utf-8")


def _dump(data, path: Path) -> bytes:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(raw)
    return raw


def write_index(index: Index, table: list[dict], out: Path, on: dt.date, *,
                shard_bytes: int = TERM_SHARD_BYTES, record_shard: int = RECORD_SHARD) -> dict:
    """Write the manifest and every shard under `out`; returns the manifest. A huge
    `shard_bytes` and `record_shard` give one shard of each: the "download everything" layout."""
    know = Knowledge(index)
    files: dict[str, object] = {}
    first, start, n = [], [], 0
    for i, shard in enumerate(term_shards(index, shard_bytes)):
        first.append(shard[0][0])
        start.append(n)
        n += len(shard)
        files[f"{SHARD_DIR}/t{i}.json"] = {"t": shard}
    record_shard = max(1, min(record_shard, len(table) or 1))
    for i in range(0, len(table), record_shard):
        files[f"{SHARD_DIR}/d{i // record_shard}.json"] = table[i:i + record_shard]
    prefixes = know.docset_prefixes()
    for prefix in prefixes:
        named, other = know.docset(prefix)
        files[f"{SHARD_DIR}/p-{prefix}.json"] = {"n": _deltas(named), "o": _deltas(other)}
    files[f"{SHARD_DIR}/tu.json"] = _dictionary(know)
    files[TABLE_FILE] = _facet_table(table)
    manifest = {
        "format": FORMAT, "on": on.isoformat(), "n": len(table), "lunr": LUNR_VERSION,
        "fields": [name for name, _ in FIELDS],
        "terms": {"first": first, "start": start, "count": n},
        "records": {"size": record_shard, "count": -(-len(table) // record_shard)},
        "docsets": prefixes, "rules": rules(), "messages": MESSAGES,
        "facets": FACETS, "labels": labels(table),
    }
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + json.dumps(files[name], sort_keys=True).encode())
    digest.update(json.dumps(manifest, sort_keys=True).encode())
    manifest["build"] = files[TABLE_FILE]["build"] = digest.hexdigest()[:12]
    shards_dir = out / SHARD_DIR
    if shards_dir.exists():
        shutil.rmtree(shards_dir)
    shards_dir.mkdir(parents=True)
    for name, data in files.items():
        _dump(data, out / name)
    _dump(manifest, out / INDEX_FILE)
    return manifest


def write_search(listings: Iterable[ListingBase], docs_dir: Path, on: dt.date, data_dir: Path | None = None) -> None:
    """Write the search page under `docs_dir/tim-kiem/`, and its manifest, shards, table and
    scripts under `data_dir/tim-kiem/` (default `docs_dir`): a build puts them straight into
    the output, as mkdocs would only copy them."""
    if not LUNR_JS.is_file():
        raise FileNotFoundError(f"{LUNR_JS} thiếu: chạy `make node_modules` (npm ci) / missing: run `make node_modules`")
    docs, table = records(listings, on)
    out = Path(data_dir or docs_dir) / PAGE_DIR
    out.mkdir(parents=True, exist_ok=True)
    write_index(build_index(docs), table, out, on)
    (out / CORE_FILE).write_text(core_script(), encoding="utf-8")
    (out / SCRIPT_FILE).write_text(script(), encoding="utf-8")
    shutil.copyfile(TEMPLATES / "search.css", out / STYLE_FILE)
    shutil.copyfile(LUNR_JS, out / LUNR_FILE)
    page = Path(docs_dir) / PAGE_DIR / "index.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(page_markdown(on), encoding="utf-8")
