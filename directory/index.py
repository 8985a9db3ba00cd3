"""The search: a lunr index built here, cut into shards that a phone fetches piece by piece.

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

Text goes through one pipeline function, "vnFold", registered under that name here and in
core.js: it folds a token like `text.fold` (đ→d, NFD, drop combining marks, lower-case) and
splits it on anything but a-z and 0-9. The English stemmer, the stop-word filter and the
trimmer are not used: they are wrong for Vietnamese. One more field, "exact", holds the words
of a listing's own name, province, sectors and materials lower-cased in NFC with their
diacritics (vnFold skips it), so that a query typed with diacritics ranks "giấy" (paper)
above "giày" (shoe). Without diacritics, a word that is also in the listing's sectors or
materials ranks first: those fields weigh more than the owner's name (`FIELDS`).

Querying (`query`, the same steps as core.js; tests/test_search_parity.py compares them):

1. The query is cut into slots: words, identifiers typed with separators (a tax code
   "0301234562-001" or "0301234562 001", a certificate number "NXVN-2024-0123": the joined
   form or all parts), place phrases (`PLACES`: the 34 provinces' names, shorthand "hn",
   "hcm", "tphcm", "sg", "hp", "ct", old name "sai gon", the 29 provinces merged on 1 July
   2025, e.g. "binh thuan" → Lâm Đồng; each finds its words in a name or province, or the
   listings of the province, and a note says how it was read) and filler phrases
   (`STOP_PHRASES`: "thu mua", "ở đâu", "mã số thuế"...). "dn" is Đà Nẵng, Đồng Nai and
   "doanh nghiệp" alike: it is left as typed and the answer suggests both provinces.
2. A word the index does not hold is corrected: Telex keys left in ("taif", "nhuaw",
   "dduowcj": tone keys s f r x j z, w, doubled vowels, dd) first, else the dictionary words
   at edit distance 1 (one letter swapped, missing, extra or wrong) for words of 4 letters
   or more, at most `MAX_FIXES` of them, most frequent first. A note says so. (A word the
   index holds is taken as typed: a typo that makes another word is not corrected.)
3. The last word, unless the query ends with a space or punctuation, is a prefix. One letter,
   or two letters whose words are too many (`HEAVY_POSTINGS`), only filter the results of
   the other words (`p-<x>.json`); alone, two letters list the listings having such a word,
   in the name first. Longer prefixes expand to every term they start, the word itself
   weighing 1 and its longer completions `COMPLETION_BOOST`.
4. Scoring-only clauses: the word as typed with diacritics in "exact", and certificate
   phrases ("nhãn xanh", "iso 14001", "chứng nhận": `CERT_PHRASES`) as tokens that only
   listings holding such a certificate, valid on the build day, carry in "cert" (boost 20:
   holders first, before listings that merely have "xanh" in their name).
5. lunr scores every listing matching any clause. Every slot is then required; if none
   passes, the filler words (`STOP_WORDS`) are dropped; if still none, the listings matching
   the most slots come first (`fallback`, with the note "Không có tin khớp mọi từ; ...").
   An empty answer carries suggestions: the nearest dictionary words.

Shards. lunr's score of a field is dot(query vector, field vector) / |query vector|: only
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

import bisect
import datetime as dt
import hashlib
import json
import math
import re
import shutil
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from lunr.builder import Builder
from lunr.idf import idf as lunr_idf
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.tokenizer import Tokenizer
from lunr.vector import Vector

from . import ROOT, urls, vocab
from .models import (
    Certificate, Exhibition, ListingBase, Organisation, Product, file_order, nested_model, province_of,
    shown_fields, vocabulary_of,
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

# Index field, boost. Model fields feed them through `Show(search=...)`; "province" is where
# the listing is (its own province, else its organisation's: `models.province_of`) plus one
# token for the province ("hochiminh"); "ids" holds identifiers joined ("0301234562001");
# "scheme" the names of the certificates valid on the build day and "cert" their tokens
# (scheme, family, "chungnhan": only certificate phrases ask for them, and then they count
# most); "exact" the words with diacritics. Sectors and materials weigh more than the
# organisation's name: "giay" finds what is about paper or shoes before what a paper firm owns.
FIELDS = [("name", 10), ("ids", 10), ("organisation", 2), ("province", 3), ("sectors", 6), ("materials", 6),
          ("scheme", 2), ("cert", 20), ("summary", 1), ("exact", 6)]
EXACT = "exact"
FOLDED = tuple(name for name, _ in FIELDS if name != EXACT)
EXACT_SOURCES = ("name", "province", "sectors", "materials")   # a listing's own words, not its owner's
ID_FIELDS = ("ids", "organisation")
PLACE_FIELDS = ("name", "province")   # where the words of a place name count as the place

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
# A two-letter prefix whose terms have more postings than this only filters (`p-<x>.json`).
HEAVY_POSTINGS = 1500
MAX_FIXES = 3
COMPLETION_BOOST = 0.3
# BM25's b (lunr's default 0.75): lunr averages a field's length over every listing, most of
# which leave "materials" or "scheme" empty, so a full field would weigh little at 0.75.
LENGTH_NORMALISATION = 0.4  # a completion of the unfinished word that is not the word itself
MIN_FUZZY = 4          # edit distance 1 only for words of 4 letters or more
ROUND = 1e6            # scores are rounded to 6 decimals, the same way in core.js

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ENDS_IN_WORD = re.compile(r"[a-z0-9]\Z")
_ALPHA = re.compile(r"[a-z]+")
# An identifier typed with separators, or a tax code with a space before its branch number.
_ID_RUN = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)+|(?<![0-9])[0-9]{10} +[0-9]{3}(?![0-9])")
_DIGIT = re.compile(r"[0-9]")
# Lower-case Vietnamese letters and digits: a run of them is one "exact" word.
VI_LETTERS = ("a-z0-9àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")
_VI_RUN = re.compile(f"[{VI_LETTERS}]+")


# --- Query rules (shipped to core.js in the manifest: one source) ---------------------------

# Filler words of questions and sentences, folded. Dropped only when the query with every
# word finds nothing. Chosen from tests/fixtures/search_quality/queries.yaml: "tôi cần tìm",
# "nơi nào", "ở", "của", "cửa hàng", and "mua"/"bán", which name the side of a trade in
# both directions ("tôi cần mua" wants an offer, "thu mua" is a demand). Not filler: "tai"
# (tái chế), "dau" (dầu), "do" (đồ), "minh" (Hồ Chí Minh), "thi" (siêu thị), "nhu" (như, nhu
# cầu), "hoi" and "cho" (hội chợ), "thu" (thu gom).
STOP_WORDS = sorted({
    "toi", "can", "tim", "kiem", "noi", "nao", "o", "cua", "hang", "mua", "ban", "co", "khong",
    "la", "va", "voi", "cac", "nhung", "mot", "gi", "ai", "giup", "muon", "xin", "biet", "nhe", "a",
    "oi", "duoc", "dang", "ve", "nhieu", "it",
})
# Filler phrases: "thu mua" (buys), "ở đâu", and the words naming an identifier before it.
STOP_PHRASES = ["thu mua", "o dau", "ma so thue", "ma so", "mst", "so chung nhan", "so giay phep", "cho toi hoi",
                "cho hoi", "cho toi", "xin hoi"]

# Everyday names of provinces, folded. "dn" is left out on purpose (Đà Nẵng, Đồng Nai and
# "doanh nghiệp"): see AMBIGUOUS. Each may follow "tp", "thanh pho" or "tinh".
SHORTHAND = {
    "hn": "ha_noi", "hcm": "ho_chi_minh", "tphcm": "ho_chi_minh", "sg": "ho_chi_minh",
    "saigon": "ho_chi_minh", "sai gon": "ho_chi_minh", "hp": "hai_phong", "ct": "can_tho",
    "dnang": "da_nang", "danang": "da_nang", "dnai": "dong_nai", "dongnai": "dong_nai",
    "hanoi": "ha_noi", "haiphong": "hai_phong", "cantho": "can_tho", "hochiminh": "ho_chi_minh",
}
# Former provinces' other names (folded) -> their official former name.
FORMER_ALIASES = {"brvt": "Bà Rịa - Vũng Tàu", "vung tau": "Bà Rịa - Vũng Tàu", "ba ria": "Bà Rịa - Vũng Tàu"}
AMBIGUOUS = {"dn": ["da_nang", "dong_nai"]}
_PLACE_LEADS = ("", "tp ", "thanh pho ", "tinh ")

# Certificate phrases beyond the labels of vocab.SCHEMES and vocab.LABEL_FAMILIES.
GENERIC_CERT = "chungnhan"
_CERT_EXTRAS = {"chung nhan": GENERIC_CERT, "con hieu luc": GENERIC_CERT, "iso": "iso14001",
                "ecolabel": "nhanxanh", "eco label": "nhanxanh", "nhan sinh thai": "nhanxanh",
                "phan phoi ben vung": "phanphoibenvung"}

MESSAGES = {
    "fix": "Không thấy “{0}” trong danh bạ; đang tìm “{1}”.",
    "place": "Hiểu “{0}” là {1}.",
    "former": "{0} đã nhập vào {1} từ 1/7/2025; kết quả gồm cả tin ở {1}.",
    "ambiguous": "“{0}” có thể là {1}: chọn một gợi ý bên dưới.",
    "stop": "Không có tin khớp mọi từ; đã bỏ qua các từ phụ: {0}.",
    "most": "Không có tin khớp mọi từ; đang hiện tin khớp nhiều từ nhất.",
    "or": " hoặc ",
}


def token_of(code: str) -> str:
    """A vocabulary code as one index token: "ho_chi_minh" -> "hochiminh"."""
    return code.replace("_", "")


def _phrase(text: str) -> str:
    return " ".join(p for p in _NON_ALNUM.split(fold(text)) if p)


def _places() -> list[list]:
    """[words, kind, [province codes], name]: kind "name" (a province's own name: its words or its
    listings, so that "ha noi" stays whole when "noi" is dropped as filler), "place" (shorthand,
    old name: a note says how it was read), "former" (merged on 1 July 2025: a note says so) or
    "stop" (a filler phrase: its words, dropped like a filler word)."""
    entries: dict[str, list] = {}
    for code, name in vocab.PROVINCES.items():
        entries[_phrase(name.removeprefix("Thành phố "))] = ["name", [code], name]
    for short, code in SHORTHAND.items():
        entries[short] = ["place", [code], vocab.PROVINCES[code]]
    for old, codes in vocab.FORMER_PROVINCES.items():
        entries[_phrase(old)] = ["former", list(codes), old]
    for alias, old in FORMER_ALIASES.items():
        entries[alias] = ["former", list(vocab.FORMER_PROVINCES[old]), old]
    out = {}
    for words, entry in entries.items():
        for lead in _PLACE_LEADS:
            out.setdefault(lead + words, entry)
    for words in STOP_PHRASES:
        out.setdefault(words, ["stop", [], ""])
    return [[words.split(), *entry] for words, entry in sorted(out.items())]


def _cert_phrases() -> list[list]:
    """[words, token]: a phrase naming a scheme or a family -> the token its valid holders carry."""
    found: dict[str, str] = {}

    def add(label: str, token: str) -> None:
        for part in re.split(r"[()]", label):
            if (words := _phrase(part)) and words not in found:
                found[words] = token

    for scheme in vocab.SCHEMES:
        if scheme.code != "khac":
            add(scheme.vi, token_of(scheme.code))
            add(scheme.en, token_of(scheme.code))
    for family in vocab.LABEL_FAMILIES:
        add(family.vi, token_of(family.code))
        add(family.en, token_of(family.code))
    for words, token in _CERT_EXTRAS.items():
        found.setdefault(words, token)
    return [[words.split(), token] for words, token in sorted(found.items())]


PLACES = _places()
CERT_PHRASES = _cert_phrases()


def synthetic_tokens() -> list[str]:
    """Index tokens that are no word: certificate schemes and families ("giayphepmoitruong"). A
    prefix never expands to them and the dictionary leaves them out."""
    return sorted({token for _words, token in CERT_PHRASES} | {GENERIC_CERT})


def rules() -> dict:
    return {"stop": STOP_WORDS, "synthetic": synthetic_tokens(), "completionBoost": COMPLETION_BOOST,
            "places": PLACES, "certs": CERT_PHRASES,
            "ambiguous": [[word, codes] for word, codes in AMBIGUOUS.items()],
            "provinces": vocab.PROVINCES, "fields": list(FOLDED), "exact": EXACT, "idFields": list(ID_FIELDS),
            "placeFields": list(PLACE_FIELDS),
            "maxFixes": MAX_FIXES, "minFuzzy": MIN_FUZZY}


# --- Folding pipeline -------------------------------------------------------------------


def vn_fold(token, i=None, tokens=None):
    """lunr pipeline function "vnFold": fold, then split on non a-z0-9; drops empty tokens."""
    parts = [p for p in _NON_ALNUM.split(fold(str(token))) if p]
    return [token.clone(lambda _s, _m, p=p: p) for p in parts]


Pipeline.register_function(vn_fold, "vnFold")


def tokens(text: str) -> list[str]:
    """The index terms of `text`, exactly as lunr builds them (and as core.js does)."""
    pipeline = Pipeline()
    pipeline.add(vn_fold)
    return [str(t) for t in pipeline.run(Tokenizer(text))]


def exact_words(text: str) -> list[str]:
    """The words of `text` that carry diacritics, lower-cased in NFC: "Giấy in" -> ["giấy"]."""
    return [w for w in _VI_RUN.findall(unicodedata.normalize("NFC", text).lower()) if not w.isascii()]


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
    # --- Identifiers not yet declared on the models. Move to models.py as Show(search="ids") on
    # --- Organisation.tax_id and Certificate.number; then delete this block (it steps aside
    # --- by itself once a Show declares them, so nothing is indexed twice).
    if isinstance(listing, Organisation) and listing.tax_id and not _declares_ids(Organisation, "tax_id"):
        _add_value(words, "ids", listing.tax_id)
    if not _declares_ids(Certificate, "number"):
        for cert in certificates_of(listing):
            _add_value(words, "ids", cert.number)
    # --- end of the block to move.
    return words.document(ref)


@lru_cache(maxsize=None)
def _declares_ids(model, name: str) -> bool:
    return any(field_name == name and show.search for field_name, _info, show in shown_fields(model))


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
    return tuple(p for p in _NON_ALNUM.split(fold(raw)) if p)


def _field_tokens(name: str, text: str) -> list[str]:
    """The terms lunr makes of one field: its tokenizer, then vnFold (not on "exact"). Done
    here, with each word folded once, because lunr.py's tokenizer walks the text a character
    at a time; the builder gets the terms as a list and runs no pipeline."""
    raw = [t for t in _LUNR_SEPARATORS.split(text.lower()) if t]
    return raw if name == EXACT else [p for word in raw for p in _folded(word)]


class _Builder(Builder):
    """lunr.py's Builder, fed terms already made (`_field_tokens`): the same postings, lengths
    and vectors as `Builder.add` and `Builder.build` give (tests/test_index.py compares them),
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


# --- Knowledge of the index (what core.js learns from the shards) ----------------------------


class Knowledge:
    """What the query steps ask of the index: the full index here; core.js answers the same
    questions from the shards it fetched."""

    def __init__(self, index: Index):
        self.index = index
        self.terms = sorted(index.inverted_index)
        synthetic = set(synthetic_tokens())
        self.ascii = [t for t in self.terms if t.isascii() and t not in synthetic]
        self.df = {t: len({ref for f in FIELDS for ref in index.inverted_index[t].get(f[0], {})})
                   for t in self.ascii if _ALPHA.fullmatch(t)}
        self.dictionary = sorted(self.df)

    def known(self, term: str) -> bool:
        return term in self.index.inverted_index

    def completions(self, prefix: str) -> list[str]:
        lo = bisect.bisect_left(self.ascii, prefix)
        hi = bisect.bisect_left(self.ascii, prefix + "{")
        return self.ascii[lo:hi]

    def postings(self, prefix: str) -> int:
        return sum(len(self.index.inverted_index[t].get(f, {})) for t in self.completions(prefix) for f in FOLDED)

    def heavy(self, prefix: str) -> bool:
        return len(prefix) == 2 and self.postings(prefix) > HEAVY_POSTINGS

    def docset(self, prefix: str) -> tuple[list[int], list[int]]:
        """(refs with a word starting `prefix` in the name, other refs with one elsewhere)."""
        named, other = set(), set()
        for term in self.completions(prefix):
            posting = self.index.inverted_index[term]
            for f in FOLDED:
                (named if f == "name" else other).update(int(r) for r in posting.get(f, {}))
        return sorted(named), sorted(other - named)

    def docset_prefixes(self) -> list[str]:
        """Every prefix with a docset file: all first characters, and heavy two-letter prefixes."""
        firsts = sorted({t[0] for t in self.ascii})
        twos = sorted({t[:2] for t in self.ascii if len(t) >= 2})
        return firsts + [p for p in twos if self.heavy(p)]


# --- Querying (the same steps as core.js) ----------------------------------------------------


def round6(score: float) -> float:
    """Scores are compared rounded: floor(x·10⁶ + ½) / 10⁶, as core.js computes it."""
    return math.floor(score * ROUND + 0.5) / ROUND


def _osa(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a swap of two neighbours counts one), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[len(b)], limit + 1)


_TONE_END = re.compile(r"(.*[aeiouy].*)[sfrxjz]")
_TONE_MID = re.compile(r"(.*[aeiouy])[sfrxj](c|ch|m|n|ng|nh|p|t)")


def telex(word: str) -> list[str]:
    """The words a Telex typist meant when the keys stayed in: "taif" -> ["tai"], "nhuaw" ->
    ["nhua"], "dduowcj" -> ["duoc"], "vieejt" -> ["viet"]; [] when nothing changes."""
    variants = [word]
    for pattern in (_TONE_END, _TONE_MID):
        if (m := pattern.fullmatch(word)) is not None:
            variants.append("".join(m.groups()))
    out = []
    for v in variants:
        v = v.replace("dd", "d")
        v = re.sub(r"([aeo])\1", r"\1", v)
        v = re.sub(r"(?<=[aeiouy])w|w(?=[aeiouy])", "", v)
        if v != word and v and v not in out:
            out.append(v)
    return out


def edits1(word: str) -> list[str]:
    """Every string one edit from `word` (swap, deletion, substitution, insertion), in that order."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)]
    out += [word[:i] + word[i + 1:] for i in range(len(word))]
    out += [word[:i] + c + word[i + 1:] for i in range(len(word)) for c in letters if c != word[i]]
    out += [word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters]
    return list(dict.fromkeys(out))


@dataclass
class Slot:
    """One thing the query asks for: a word, a prefix, a place phrase or an identifier."""
    kind: str                                 # "word", "prefix", "place", "id"
    words: list[str]
    exact: str | None = None
    stop: bool = False
    place: list | None = None                 # a PLACES entry
    joined: str = ""
    alternatives: list[list[tuple[str, tuple[str, ...]]]] = field(default_factory=list)
    docset: tuple[list[int], list[int]] | None = None
    fixes: list[str] = field(default_factory=list)
    unknown: bool = False


@dataclass
class Result:
    results: list[tuple[str, float]]
    fallback: bool = False
    notes: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"results": [[r, s] for r, s in self.results], "fallback": self.fallback, "notes": self.notes,
                "suggestions": self.suggestions}


def analyse(text: str) -> tuple[list[str], list[Slot]]:
    """(folded words, slots): step 1, without the index."""
    words = tokens(text)
    folded = fold(text)
    prefix = bool(_ENDS_IN_WORD.search(folded))
    exacts = _pair_exact(text, words)
    runs = {}
    for m in _ID_RUN.finditer(folded):
        if not _DIGIT.search(m.group()):
            continue
        parts = [p for p in _NON_ALNUM.split(m.group()) if p]
        start = len([p for p in _NON_ALNUM.split(folded[:m.start()]) if p])
        if words[start:start + len(parts)] == parts:
            runs[start] = parts
    places = {tuple(entry[0]): entry for entry in PLACES}
    longest = max(len(entry[0]) for entry in PLACES)
    stop = set(STOP_WORDS)
    slots: list[Slot] = []
    i = 0
    while i < len(words):
        if i in runs:
            parts = runs[i]
            slots.append(Slot("id", parts, joined="".join(parts)))
            i += len(parts)
            continue
        for length in range(min(longest, len(words) - i), 0, -1):
            entry = places.get(tuple(words[i:i + length]))
            if entry is not None:
                slots.append(Slot("place", words[i:i + length], place=entry, stop=entry[1] == "stop"))
                i += length
                break
        else:
            slots.append(Slot("word", [words[i]], exact=exacts[i], stop=words[i] in stop))
            i += 1
    if prefix and slots and slots[-1].kind == "word":
        slots[-1].kind, slots[-1].stop = "prefix", False
    return words, slots


def _pair_exact(text: str, words: list[str]) -> list[str | None]:
    """The form with diacritics of each folded word, where the text has one."""
    runs = _VI_RUN.findall(unicodedata.normalize("NFC", text).lower())
    out: list[str | None] = []
    j = 0
    for w in words:
        found = None
        for k in range(j, len(runs)):
            if fold(runs[k]) == w:
                found, j = (runs[k] if not runs[k].isascii() else None), k + 1
                break
        out.append(found)
    return out


def corrections(word: str, know: Knowledge) -> list[str]:
    """Telex readings the dictionary holds, else dictionary words one edit away (4+ letters)."""
    fixes = [w for w in telex(word) if w in know.df]
    if fixes or not (_ALPHA.fullmatch(word) and len(word) >= MIN_FUZZY):
        return fixes
    near = [w for w in edits1(word) if len(w) >= 3 and w in know.df]
    return sorted(near, key=lambda w: (-know.df[w], w))[:MAX_FIXES]


def resolve(slots: list[Slot], know: Knowledge) -> None:
    """Step 2-3: give each slot its alternatives (lists of (term, fields) all required)."""
    lone = len(slots) == 1
    for slot in slots:
        if slot.kind == "prefix":
            w = slot.words[0]
            if len(w) == 1 and lone:
                slot.kind = "word"
            elif len(w) == 1 or know.heavy(w):
                named, other = know.docset(w)
                if named or other:
                    slot.docset = (named, other)
                    continue
                slot.kind = "word"
            else:
                completions = know.completions(w)
                if completions:
                    slot.alternatives = [[(c, FOLDED, 1 if c == w else COMPLETION_BOOST)] for c in completions]
                    continue
                slot.kind = "word"
        if slot.kind == "word":
            w = slot.words[0]
            if know.known(w):
                slot.alternatives = [[(w, FOLDED, 1)]]
            else:
                slot.fixes = corrections(w, know)
                slot.alternatives = [[(c, FOLDED, 1)] for c in slot.fixes]
                slot.unknown = not slot.fixes
        elif slot.kind == "place":
            fields = FOLDED if slot.stop else PLACE_FIELDS     # "da nang": not "đã" and "năng lượng"
            if all(know.known(w) for w in slot.words):
                slot.alternatives.append([(w, fields, 1) for w in slot.words])
            for code in slot.place[2]:
                if know.known(token_of(code)):
                    slot.alternatives.append([(token_of(code), ("province",), 1)])
        elif slot.kind == "id":
            if know.known(slot.joined):
                slot.alternatives.append([(slot.joined, ID_FIELDS, 1)])
            if all(know.known(w) for w in slot.words):
                slot.alternatives.append([(w, FOLDED, 1) for w in slot.words])


def clauses(words: list[str], slots: list[Slot], know: Knowledge) -> list[tuple[str, tuple[str, ...], float]]:
    """Every lunr clause (term, fields, boost): the slots' alternatives, then the scoring-only
    clauses; a (term, fields) pair once, with its first boost."""
    out: dict[tuple[str, tuple[str, ...]], float] = {}
    for slot in slots:
        for alternative in slot.alternatives:
            for term, fields, boost in alternative:
                out.setdefault((term, fields), boost)
    for slot in slots:
        if slot.kind in ("word", "prefix") and slot.exact and not slot.fixes and know.known(slot.exact):
            out.setdefault((slot.exact, (EXACT,)), 1)
    for phrase, token in CERT_PHRASES:
        n = len(phrase)
        if any(words[i:i + n] == phrase for i in range(len(words) - n + 1)) and know.known(token):
            out.setdefault((token, ("cert",)), 1)
    return [(term, fields, boost) for (term, fields), boost in out.items()]


def _satisfied(slot: Slot, ref: str, meta: dict) -> bool:
    if slot.docset is not None:
        r = int(ref)
        return _contains(slot.docset[0], r) or _contains(slot.docset[1], r)
    return any(all(term in meta and any(f in meta[term] for f in fields) for term, fields, _boost in alternative)
               for alternative in slot.alternatives)


def _contains(sorted_refs: list[int], r: int) -> bool:
    i = bisect.bisect_left(sorted_refs, r)
    return i < len(sorted_refs) and sorted_refs[i] == r


def _typed(slot: Slot) -> str:
    return slot.exact or " ".join(slot.words)


def _format(key: str, *args: str) -> str:
    text = MESSAGES[key]
    for i, arg in enumerate(args):
        text = text.replace("{" + str(i) + "}", arg)
    return text


def query(index_or_knowledge: Index | Knowledge, text: str) -> Result:
    """The full answer to a typed query: refs and scores best first, fallback, notes, suggestions."""
    know = index_or_knowledge if isinstance(index_or_knowledge, Knowledge) else Knowledge(index_or_knowledge)
    words, slots = analyse(text)
    if not slots:
        return Result([])
    resolve(slots, know)
    notes: list[str] = []
    for slot in slots:
        if slot.fixes:
            notes.append(_format("fix", slot.words[0], " / ".join(slot.fixes)))
        elif slot.kind == "place" and slot.place[1] == "former":
            new = MESSAGES["or"].join(vocab.PROVINCES[c] for c in slot.place[2])
            notes.append(_format("former", slot.place[3], new))
        elif slot.kind == "place" and slot.place[1] == "place":
            notes.append(_format("place", " ".join(slot.words), slot.place[3]))
    suggestions: list[str] = []
    for slot in slots:
        if slot.kind in ("word", "prefix") and slot.words[0] in AMBIGUOUS:
            options = AMBIGUOUS[slot.words[0]]
            notes.append(_format("ambiguous", slot.words[0],
                                 MESSAGES["or"].join(vocab.PROVINCES[c] for c in options)))
            at = words.index(slot.words[0])
            for code in options:
                name = _phrase(vocab.PROVINCES[code].removeprefix("Thành phố "))
                suggestions.append(" ".join(words[:at] + [name] + words[at + 1:]))
    found = _score(know, words, slots)
    results, fallback = _steps(slots, found, notes)
    if not results:
        suggestions += _suggest(words, slots, know)
    return Result(results, fallback, notes, list(dict.fromkeys(suggestions))[:5])


def _score(know: Knowledge, words: list[str], slots: list[Slot]) -> list[tuple[str, float, dict]]:
    """(ref, score, matched terms) of every listing matching any clause; for one lone prefix
    slot that only filters, its listings with 1 (word in the name) or 0.5."""
    if len(slots) == 1 and slots[0].docset is not None:
        named, other = slots[0].docset
        return [(str(r), 1.0, {}) for r in named] + [(str(r), 0.5, {}) for r in other]
    wanted = clauses(words, slots, know)
    if not wanted:
        return []

    def build(q) -> None:
        for term, fields, boost in wanted:
            q.term(term, use_pipeline=False, fields=list(fields), boost=boost)

    return [(r["ref"], r["score"], r["match_data"].metadata) for r in know.index.query(callback=build)]


def _steps(slots: list[Slot], found: list[tuple[str, float, dict]], notes: list[str]) -> tuple[list, bool]:
    """Every slot required; else without filler words; else the most slots first."""
    scored = [(ref, round6(score), [_satisfied(s, ref, meta) for s in slots]) for ref, score, meta in found]

    def ordered(rows):
        return [(ref, score) for ref, score, _ in sorted(rows, key=lambda x: (-x[1], int(x[0])))]

    strict = [row for row in scored if all(row[2])]
    if strict:
        return ordered(strict), False
    stop = [s.stop for s in slots]
    if any(stop) and not all(stop):
        loose = [row for row in scored if all(ok for ok, st in zip(row[2], stop) if not st)]
        if loose:
            notes.append(_format("stop", ", ".join(_typed(s) for s in slots if s.stop)))
            return ordered(loose), False
    counted = []
    for ref, score, ok in scored:
        main = sum(1 for o, st in zip(ok, stop) if o and not st)
        filler = sum(1 for o, st in zip(ok, stop) if o and st)
        if main or (all(stop) and filler):
            counted.append((ref, score, main, filler))
    if not counted:
        return [], False
    notes.append(MESSAGES["most"])
    counted.sort(key=lambda x: (-x[2], -x[3], -x[1], int(x[0])))
    return [(ref, score) for ref, score, _m, _f in counted], True


def _suggest(words: list[str], slots: list[Slot], know: Knowledge) -> list[str]:
    """Queries to try instead: each unknown word replaced by its nearest dictionary words."""
    out = []
    for slot in slots:
        if not slot.unknown:
            continue
        w = slot.words[0]
        near = sorted(((_osa(w, d), -know.df[d], d) for d in know.dictionary), key=lambda x: x)
        best = [d for dist, _df, d in near if dist <= 2][:3]
        if not best:
            lcp = sorted(((-_common_prefix(w, d), -know.df[d], d) for d in know.dictionary))
            best = [d for neg, _df, d in lcp if neg < 0][:3]
        at = words.index(w)
        out += [" ".join(words[:at] + [d] + words[at + 1:]) for d in best]
    return out


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def search(index_or_knowledge: Index | Knowledge, text: str) -> list[tuple[str, float]]:
    """(ref, score) best first; [] for a query without terms."""
    return query(index_or_knowledge, text).results


def query_terms(text: str) -> list[tuple[str, bool]]:
    """(folded word, whether it is the unfinished last word) of a typed query."""
    words = tokens(text)
    prefix = bool(_ENDS_IN_WORD.search(fold(text)))
    return [(w, prefix and i == len(words) - 1) for i, w in enumerate(words)]


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


def write_search(listings: Iterable[ListingBase], docs_dir: Path, on: dt.date) -> None:
    """Write the search page, its manifest, shards, table and scripts under `docs_dir/tim-kiem/`."""
    if not LUNR_JS.is_file():
        raise FileNotFoundError(f"{LUNR_JS} thiếu: chạy `make node_modules` (npm ci) / missing: run `make node_modules`")
    docs, table = records(listings, on)
    out = Path(docs_dir) / PAGE_DIR
    out.mkdir(parents=True, exist_ok=True)
    write_index(build_index(docs), table, out, on)
    (out / CORE_FILE).write_text(core_script(), encoding="utf-8")
    (out / SCRIPT_FILE).write_text(script(), encoding="utf-8")
    shutil.copyfile(TEMPLATES / "search.css", out / STYLE_FILE)
    shutil.copyfile(LUNR_JS, out / LUNR_FILE)
    (out / "index.md").write_text(page_markdown(on), encoding="utf-8")
