"""The search language: how text becomes index terms, the query rules, and the query steps.

The same steps run in the browser (site_templates/search/core.js); the rules reach it in the
manifest `directory/search.py` writes, so both read one source. This module builds no index
and writes no file: tests and benchmarks use `query` to check core.js's answers and rank quality.

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

"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass, field

from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.tokenizer import Tokenizer

from . import vocab
from .text import fold

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

# A two-letter prefix whose terms have more postings than this only filters (`p-<x>.json`).
HEAVY_POSTINGS = 1500
MAX_FIXES = 3
COMPLETION_BOOST = 0.3  # a completion of the unfinished word that is not the word itself
MIN_FUZZY = 4          # edit distance 1 only for words of 4 letters or more
ROUND = 1e6            # scores are rounded to 6 decimals, the same way in core.js

NON_ALNUM = re.compile(r"[^a-z0-9]+")
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
    return " ".join(p for p in NON_ALNUM.split(fold(text)) if p)


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
    parts = [p for p in NON_ALNUM.split(fold(str(token))) if p]
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
        parts = [p for p in NON_ALNUM.split(m.group()) if p]
        start = len([p for p in NON_ALNUM.split(folded[:m.start()]) if p])
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
    """(folded word, whether it is the unfinished last word): core.js's public `queryTerms`."""
    words = tokens(text)
    prefix = bool(_ENDS_IN_WORD.search(fold(text)))
    return [(w, prefix and i == len(words) - 1) for i, w in enumerate(words)]
