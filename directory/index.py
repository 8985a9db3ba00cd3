"""The search page: a prebuilt lunr index, a compact listing table and the page itself.

`write_search(listings, docs_dir, on)` writes into the mkdocs docs dir:

- `tim-kiem/index.md`           the page (form, facets, result list; scripts by <script src>)
- `tim-kiem/chi-muc.json`       the lunr index (lunr.py, loadable by lunr.js 2.3.9)
- `tim-kiem/danh-sach.json`     one compact record per index ref (facets and result display)
- `tim-kiem/tim-kiem.js`        site_templates/search/search.js with the folding table filled in
- `tim-kiem/tim-kiem.css`       site_templates/search/search.css
- `tim-kiem/lunr-2.3.9.min.js`  copied from node_modules/lunr (npm, pinned; never a CDN)

Text goes through one pipeline function, "vnFold", registered under that name here
and in search.js: it folds a token like `text.fold` (đ→d, NFD, drop combining marks,
lower-case) and splits it on anything but a-z and 0-9. The English stemmer, the
stop-word filter and the trimmer are not used: they are wrong for Vietnamese. The
same function runs when indexing and on queries (`query_terms`), so "tái chế",
"tai che" and a decomposed "tái chế" find the same listings.

All kinds share one index; `kind` is a facet. Only currently valid certificates count
as certified; "upcoming" and "past" for exhibitions are fixed at build time from
`on`, never from the clock. This module does not render listing pages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Iterable

from lunr.builder import Builder
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import Query, QueryPresence
from lunr.tokenizer import Tokenizer

from . import ROOT, urls, vocab
from .models import (
    Certificate, Exhibition, ListingBase, Organisation, Product, file_order, province_of, shown_fields,
    vocabulary_of,
)
from .status import STATUS_LABELS, certificate_status, certificates_of, scheme_label, valid_certificates
from .text import fold

TEMPLATES = ROOT / "site_templates" / "search"
LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.min.js"
LUNR_VERSION = "2.3.9"

PAGE_DIR = urls.SEARCH.rstrip("/")
INDEX_FILE = "chi-muc.json"
TABLE_FILE = "danh-sach.json"
SCRIPT_FILE = "tim-kiem.js"
STYLE_FILE = "tim-kiem.css"
LUNR_FILE = f"lunr-{LUNR_VERSION}.min.js"
COMBINING_PLACEHOLDER = '"__COMBINING_MARKS__"'

# Index field, boost. Model fields feed them through `Show(search=...)`; "province" is where
# the listing is (its own province, else its organisation's: `models.province_of`).
FIELDS = [("name", 10), ("organisation", 4), ("province", 3), ("sectors", 3), ("materials", 3),
          ("scheme", 3), ("summary", 1)]

# The search page's filters, in order: URL parameter, key in the result table, legend (the
# models' field titles where a field holds the values), sorted by label or kept in list order.
# search.js receives them in danh-sach.json and knows no field of its own.
FACETS = [
    {"param": "loai", "key": "k", "legend": "Loại tin"},
    {"param": "mien", "key": "r", "legend": Exhibition.model_fields["region"].title},
    {"param": "tinh", "key": "p", "legend": "Tỉnh, thành phố", "sort": True},
    {"param": "nganh", "key": "s", "legend": Product.model_fields["sectors"].title, "sort": True},
    {"param": "chung-nhan", "key": "c", "legend": Certificate.model_fields["scheme"].title},
    {"param": "trien-lam", "key": "e", "legend": "Triển lãm (theo ngày cập nhật dữ liệu)"},
]

UPCOMING, PAST = "sap-toi", "da-qua"
WHEN_LABELS = {UPCOMING: "Sắp diễn ra", PAST: "Đã diễn ra"}
# Best first: the status a result shows is the best of its certificates.
STATUS_ORDER = ["valid", "expiring", "not_yet", "expired"]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ENDS_IN_WORD = re.compile(r"[a-z0-9]\Z")


# --- Folding pipeline -------------------------------------------------------------------


def vn_fold(token, i=None, tokens=None):
    """lunr pipeline function "vnFold": fold, then split on non a-z0-9; drops empty tokens."""
    parts = [p for p in _NON_ALNUM.split(fold(str(token))) if p]
    return [token.clone(lambda _s, _m, p=p: p) for p in parts]


Pipeline.register_function(vn_fold, "vnFold")


def tokens(text: str) -> list[str]:
    """The index terms of `text`, exactly as lunr builds them (and as search.js does)."""
    pipeline = Pipeline()
    pipeline.add(vn_fold)
    return [str(t) for t in pipeline.run(Tokenizer(text))]


def combining_class() -> str:
    """A JavaScript regex character class of the characters `unicodedata.combining` flags.

    search.js strips exactly these after NFD, so its fold equals `text.fold` for every
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


def _search_texts(listing: ListingBase, value, info, orgs: dict[str, Organisation]) -> list[str]:
    """The words one field gives the index: labels for codes, scheme names for certificates,
    the organisation's name for a reference to it."""
    items = value if isinstance(value, list) else [value]
    if (vocabulary := vocabulary_of(info)) is not None:
        return [vocabulary.label(code) for code in items]
    if isinstance(value, str) and value in listing.references().values():
        return [orgs[value].name] if value in orgs else []
    texts = []
    for item in items:
        if isinstance(item, Certificate):  # "nhãn xanh" finds every green-label scheme, not only its name
            texts += [scheme_label(item), vocab.LABEL_FAMILIES.label(vocab.SCHEME_FAMILY[item.scheme])]
        elif item is not None:
            texts.append(str(item))
    return texts


def _document(ref: str, listing: ListingBase, province: str | None, orgs: dict[str, Organisation]) -> dict:
    words: dict[str, list[str]] = {name: [] for name, _ in FIELDS}
    words["province"] = [province or ""]
    for name, info, show in shown_fields(type(listing)):
        if show.search:
            words[show.search] += _search_texts(listing, getattr(listing, name), info, orgs)
    return {"ref": ref, **{field: " ".join(dict.fromkeys(w for w in texts if w)) for field, texts in words.items()}}


def _when(listing: ListingBase, on: dt.date) -> str:
    if not isinstance(listing, Exhibition):
        return ""
    return UPCOMING if listing.is_upcoming(on) else PAST


def _status(listing: ListingBase, on: dt.date) -> str:
    found = {certificate_status(c, on) for c in certificates_of(listing)}
    return next((s for s in STATUS_ORDER if s in found), "")


def records(listings: Iterable[ListingBase], on: dt.date) -> tuple[list[dict], list[dict]]:
    """(lunr documents, display records), aligned: ref i is record i. Sorted by kind, id."""
    listings = sorted(listings, key=file_order)
    orgs = {x.id: x for x in listings if isinstance(x, Organisation)}
    docs, table = [], []
    for i, listing in enumerate(listings):
        province = province_of(listing, orgs)
        owner = orgs.get(listing.owner_id() or "")
        sectors = list(dict.fromkeys(getattr(listing, "sectors", None) or []))
        certs = certificates_of(listing)
        docs.append(_document(str(i), listing, province, orgs))
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
        table.append({key: value for key, value in record.items() if value not in ("", [])})
    return docs, table


def build_index(docs: list[dict]) -> Index:
    """A lunr index over `docs` with vnFold in both pipelines and no position metadata."""
    builder = Builder()
    builder.pipeline.add(vn_fold)
    builder.search_pipeline.add(vn_fold)
    builder.ref("ref")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for doc in docs:
        builder.add(doc)
    return builder.build()


def serialise(index: Index) -> dict:
    """The lunr JSON, without the vectors of empty fields (lunr never reads them)."""
    data = index.serialize()
    data["fieldVectors"] = [entry for entry in data["fieldVectors"] if entry[1]]
    return data


def load(data: dict) -> Index:
    return Index.load(data)


# --- Querying (the same steps as search.js) ------------------------------------------------

MIN_PREFIX = 2  # keep in step with MIN_PREFIX in search.js (the parity test checks)


def query_terms(text: str) -> list[tuple[str, bool]]:
    """(term, trailing wildcard) for a typed query: every word required, the last one as
    a prefix unless the query ends with a space or punctuation (the word is finished) or is
    shorter than MIN_PREFIX letters (a one-letter prefix matches most of the index: slow, useless)."""
    terms = tokens(text)
    prefix = bool(_ENDS_IN_WORD.search(fold(text)))
    return [(t, prefix and i == len(terms) - 1 and len(t) >= MIN_PREFIX) for i, t in enumerate(terms)]


def search(index: Index, text: str) -> list[tuple[str, float]]:
    """(ref, score) best first; [] for a query without terms."""
    terms = query_terms(text)
    if not terms:
        return []

    def build(query: Query) -> None:
        for term, prefix in terms:
            query.term(term, use_pipeline=False, presence=QueryPresence.REQUIRED,
                       wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE)

    return [(r["ref"], r["score"]) for r in index.query(callback=build)]


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
            .replace("{{ script }}", SCRIPT_FILE).replace("{{ style }}", STYLE_FILE)
            .replace("{{ lunr }}", LUNR_FILE))


def script() -> str:
    source = (TEMPLATES / "search.js").read_text(encoding="utf-8")
    if source.count(COMBINING_PLACEHOLDER) != 1:
        raise RuntimeError(f"search.js must contain {COMBINING_PLACEHOLDER} once")
    return source.replace(COMBINING_PLACEHOLDER, json.dumps(combining_class()))


def _dump(data, path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_search(listings: Iterable[ListingBase], docs_dir: Path, on: dt.date) -> None:
    """Write the search page, its index, table and scripts under `docs_dir/tim-kiem/`."""
    if not LUNR_JS.is_file():
        raise FileNotFoundError(f"{LUNR_JS} thiếu: chạy `make node_modules` (npm ci) / missing: run `make node_modules`")
    docs, table = records(listings, on)
    out = Path(docs_dir) / PAGE_DIR
    out.mkdir(parents=True, exist_ok=True)
    _dump(serialise(build_index(docs)), out / INDEX_FILE)
    _dump({"on": on.isoformat(), "facets": FACETS, "labels": labels(table), "items": table}, out / TABLE_FILE)
    (out / SCRIPT_FILE).write_text(script(), encoding="utf-8")
    shutil.copyfile(TEMPLATES / "search.css", out / STYLE_FILE)
    shutil.copyfile(LUNR_JS, out / LUNR_FILE)
    (out / "index.md").write_text(page_markdown(on), encoding="utf-8")
