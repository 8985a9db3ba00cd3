"""The JSON Schema that editors check listings with, generated from the models.

`json_schema()` is what `build.py schema` prints, what `schema/listing.schema.json` holds
and what every build publishes at `/schema/listing.schema.json` (`SCHEMA_URL`). Editors
(VS Code with yaml-language-server, `check-jsonschema`, the GitHub web editor) must accept
every listing our validator accepts, and refuse what they can: so wherever the validator is
lenient the schema spells the leniency out:

- a closed list (`vocab.Vocabulary`) accepts its codes, Vietnamese and English labels, in any
  case, with or without diacritics (precomposed or combining), with any spaces and punctuation
  between words, exactly as `Vocabulary.resolve` folds them. Each list is one named `$defs`
  entry (`Sector`, `Unit`...; `Province` for the 34 provinces): an `enum` of the codes (what
  editors suggest, with the Vietnamese label as description) or a `pattern` matching every
  accepted spelling, built from the folded keys (`spelling_pattern`);
- a date is ISO `2025-01-31` or Vietnamese `31/1/2025`, between 1990 and 2100, checked to the
  day (leap years included) by patterns (`$defs/Date`);
- true/false and numbers may also be written as text (`'yes'`, `'1.5'`), as the validator allows;
- web and e-mail addresses, phone numbers, tax codes and GTINs carry the validator's pattern,
  and text fields refuse the invisible characters the validator refuses (models.py);
- the rules between fields (an interval when recurring, scheme_name for scheme 'khac', dates
  or a year for an exhibition, a tax code for enterprises and cooperatives, evidence for a
  product, an area for a recycler, one way of contact) are `if`/`then` and `anyOf` hooks on
  the models.

What JSON Schema cannot say is listed in `SCHEMA_LIMITS`, for the contributor guide.

YAML typing: editors read YAML 1.2, where an unquoted `0100109106` is the integer 100109106
while our loader keeps every scalar as text. The schema types tax codes, phone numbers and
GTINs as strings, so an editor flags them unquoted: quote them (the validator accepts both).

The per-model schemas pydantic gives (`Model.model_json_schema()`, read by guide.py for
the field reference and the templates) keep the plain canonical form: codes as `enum` with the
vocabulary's `$defs` name in `x-vocabulary`, dates as `format: date`, booleans and numbers
typed. `EditorSchema` turns that into the lenient editor form above.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from . import vocab
from .text import fold_key

SCHEMA_PATH = "schema/listing.schema.json"  # in the repository and on the built site
SCHEMA_URL = "https://scp.gov.vn/" + SCHEMA_PATH
# The first line of templates and new listings: an absolute URL resolves wherever the file is
# (a clone, the GitHub web editor, a copy in any folder); `../../schema/...` would only resolve
# from listings/<kind>/ of a clone.
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_URL}"

VOCABULARY_KEY = "x-vocabulary"  # the name of a field's `$defs` list, in the per-model schemas
TYPE_KEY = "x-type"  # the name of a field type's `$defs` entry (Url, Text...), in the per-model schemas
_TYPE_KEYWORDS = ("type", "format", "pattern", "minLength", "maxLength")
PROVINCE = "Province"

# --- Regex pieces ------------------------------------------------------------------
# Every pattern here is valid in ECMAScript (editors, with or without the u flag) and in
# Python's re (the jsonschema package): character classes, \uXXXX escapes, (?: ), (?= ).


def expand(body: str) -> set[int]:
    """The code points of a character-class body written with the characters themselves ("a-z_")."""
    codes, i = set(), 0
    while i < len(body):
        if body[i + 1:i + 2] == "-" and i + 2 < len(body):
            codes.update(range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            codes.add(ord(body[i]))
            i += 1
    return codes


def char_class(codes: set[int], negate: bool = False) -> str:
    """A class of `codes` for the schema: ranges of \\uXXXX escapes. Code points beyond U+FFFF are
    left out: ECMAScript without the u flag cannot name them."""
    codes = sorted(c for c in codes if c <= 0xFFFF)
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\u{codes[i]:04x}" + ("" if i == j else ("" if j == i + 1 else "-") + f"\\u{codes[j]:04x}"))
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


# What pydantic's str_strip_whitespace trims (Rust's White_Space) and what str.strip() trims.
WHITESPACE = expand("\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000")
WS = char_class(WHITESPACE)
PY_WS = char_class(WHITESPACE | expand("\x1c-\x1f"))
MARKS = r"[\u0300-\u036f]*"  # combining diacritics: a decomposed (NFD) "ệ" is e + two of them

# The validator's booleans (pydantic, any case) and numbers written as text.
BOOLEAN_TEXT = "^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy][Ee][Ss]|[Nn][Oo]|[Oo][Nn]|[Oo][Ff][Ff]|[TtFfYyNn01])$"
TRUE_TEXT = "^(?:[Tt][Rr][Uu][Ee]|[Yy][Ee][Ss]|[Oo][Nn]|[TtYy1])$"
TRUE = {"anyOf": [{"const": True}, {"type": "string", "pattern": TRUE_TEXT}]}
_DIGITS = "[0-9]+(?:_[0-9]+)*"
INTEGER_TEXT = f"^{WS}*[+-]?{_DIGITS}(?:\\.0+)?{WS}*$"


def _decimal(digits: str) -> str:
    return f"[+-]?(?:{digits}(?:\\.(?:{digits})?)?|\\.{digits})(?:[eE][+-]?{digits})?"


# pydantic trims spaces around a number, but not around one written with "_" (1_000.5).
NUMBER_TEXT = f"^(?:{WS}*{_decimal('[0-9]+')}{WS}*|{_decimal(_DIGITS)})$"

# Dates from 1990-01-01 to 2100-12-31 (models.FIRST_DATE, LAST_DATE), real days only.
_YEAR = "(?:199[0-9]|20[0-9][0-9]|2100)"
_LEAP = "(?:199[26]|20(?:[02468][048]|[13579][26]))"  # 2000 is a leap year, 2100 is not
ISO_DATE = ("^(?:" + _YEAR + "-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
            "|02-(?:0[1-9]|1[0-9]|2[0-8]))|" + _LEAP + "-02-29)$")
VN_DATE = (f"^{PY_WS}*(?:(?:(?:0?[1-9]|[12][0-9]|3[01])/(?:0?[13578]|1[02])|(?:0?[1-9]|[12][0-9]|30)/(?:0?[469]|11)"
           f"|(?:0?[1-9]|1[0-9]|2[0-8])/0?2)/{_YEAR}|29/0?2/{_LEAP}){PY_WS}*$")


def not_null(*names: str) -> dict:
    """Each of `names` is present and not null."""
    return {"required": list(names), "properties": {n: {"not": {"type": "null"}} for n in names}}


def not_empty(name: str) -> dict:
    """`name` is a list with at least one item."""
    return {"required": [name], "properties": {name: {"type": "array", "minItems": 1}}}


# --- Spellings of closed lists -----------------------------------------------------

# Letters Vietnamese writes, with every diacritic; the key of each is its folded ASCII letter.
_VIETNAMESE = ("aàáảãạăằắẳẵặâầấẩẫậ eèéẻẽẹêềếểễệ iìíỉĩị oòóỏõọôồốổỗộơờớởỡợ uùúủũụưừứửữự yỳýỷỹỵ đ"
               " bcdfghjklmnpqrstvwxz 0123456789 ²³")
_VOWELS = set("aeiouy")
# Between words: what is not a letter, digit or combining mark (_NOT_ALNUM), with marks anywhere
# around it (a mark on nothing is dropped); _GAP is either, for the ends.
_NOT_ALNUM = "[^0-9A-Za-zª²³¹º¼-¾À-ỹ０-９Ａ-Ｚａ-ｚ]"
_GAP = "[^0-9A-Za-zª²³¹º¼-¾À-˿Ͱ-ỹ０-９Ａ-Ｚａ-ｚ]"
_BETWEEN = f"[\\u0300-\\u036f]*{_NOT_ALNUM}{_GAP}*"


def _char_class(chars: set[str]) -> str:
    if len(chars) == 1:
        return next(iter(chars))
    codes = sorted(ord(c) for c in chars)
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(chr(codes[i]) + ("" if i == j else ("" if j == i + 1 else "-") + chr(codes[j])))
        i = j + 1
    return "[" + "".join(parts) + "]"


@cache
def _letters() -> dict[str, str]:
    """Folded letter or digit -> a regex matching every way of writing it (case, diacritics)."""
    found: dict[str, set[str]] = {}
    for ch in _VIETNAMESE.replace(" ", ""):
        for variant in (ch, ch.upper()):
            key = fold_key(unicodedata.normalize("NFKC", variant))
            found.setdefault(key, set()).add(variant)
    return {key: _char_class(chars) + (MARKS if key in _VOWELS else "") for key, chars in found.items()}


def _keys_regex(keys: list[str]) -> str:
    """A regex matching every spelling whose folded key (fold_key: a-z, 0-9, "_") is in `keys`,
    as a trie so that shared beginnings are written once."""
    letters = _letters()
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [(_BETWEEN if ch == "_" else letters[ch]) + emit(sub)
                    for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        ends = "" in node
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        return body + ("?" if ends else "")

    return emit(trie)


def _keys(v: vocab.Vocabulary, codes: tuple[str, ...] | None = None) -> list[str]:
    """The folded keys `v.resolve` knows for `codes` (all codes by default)."""
    return sorted({vocab._key(spelling) for term in v if codes is None or term.code in codes
                   for spelling in (term.code, term.vi, term.en)})


@cache
def spelling_pattern(v: vocab.Vocabulary, codes: tuple[str, ...] | None = None) -> str:
    """A pattern matching every spelling `v.resolve` turns into one of `codes` (default: any code):
    code, Vietnamese or English label, any case, diacritics or none, any punctuation between words."""
    return f"^{_GAP}*{_keys_regex(_keys(v, codes))}{_GAP}*$"


@cache
def province_pattern() -> str:
    """A pattern matching every spelling `vocab.resolve_province` accepts: the official name, the
    name without "Thành phố"/"Tỉnh"/"TP", the code, HCM and Sài Gòn, in any case, with or without
    diacritics, optionally after one of those prefixes."""
    keys = sorted(vocab._PROVINCE_LOOKUP)
    assert not any(k.startswith(vocab._UNIT_PREFIXES) for k in keys)
    prefixes = _keys_regex([p.rstrip("_") for p in vocab._UNIT_PREFIXES])
    return f"^{_GAP}*(?:{prefixes}{_BETWEEN})?{_keys_regex(keys)}{_GAP}*$"


def _def_name(v: vocab.Vocabulary) -> str:
    return "".join(part.capitalize() for part in v.name.split("_"))


VOCABULARIES: dict[str, vocab.Vocabulary] = {
    _def_name(v): v for v in vars(vocab).values() if isinstance(v, vocab.Vocabulary)}


def vocabulary_schema(v: vocab.Vocabulary) -> dict:
    """The type-level (canonical) schema of a closed-list field: its codes, named."""
    return {"type": "string", "enum": v.codes(), VOCABULARY_KEY: _def_name(v)}


def province_schema() -> dict:
    return {"type": "string", "enum": list(vocab.PROVINCES.values()), VOCABULARY_KEY: PROVINCE}


def _vocabulary_def(name: str) -> dict:
    message = "không có trong danh sách / not in the list"
    if name == PROVINCE:
        names = list(vocab.PROVINCES.values())
        return {"title": PROVINCE, "type": "string",
                "description": "Một trong 34 tỉnh, thành phố; có thể bỏ 'Thành phố'/'Tỉnh', viết không dấu "
                               "/ One of the 34 provinces; 'Thành phố'/'Tỉnh' and diacritics may be left out",
                "anyOf": [{"enum": names},
                          {"pattern": province_pattern(), "patternErrorMessage": message}]}
    v = VOCABULARIES[name]
    return {"title": name, "type": "string",
            "description": "Mã hoặc tên tiếng Việt, có dấu hoặc không dấu / A code, or the Vietnamese "
                           "or English label, with or without diacritics",
            "anyOf": [{"enum": v.codes(), "enumDescriptions": [f"{t.vi} / {t.en}" for t in v]},
                      {"pattern": spelling_pattern(v), "patternErrorMessage": message}]}


def named_type(name: str, pattern: str) -> dict:
    """A field type's json_schema_extra: its editor pattern and the name of its $defs entry."""
    return {"pattern": pattern, TYPE_KEY: name}


def vocabulary_of(prop: dict) -> str | None:
    """The `$defs` name of the closed list a field's schema takes its values from ("Sector",
    "Province"...), through Optional and lists, in the editor schema (a $ref) or in a per-model
    schema (x-vocabulary); None for other fields. `VOCABULARIES[name]` is the list itself, but
    for "Province" (vocab.PROVINCES, vocab.resolve_province)."""
    for option in prop.get("anyOf", []):
        if option.get("type") != "null" and (found := vocabulary_of(option)):
            return found
    if prop.get("type") == "array":
        return vocabulary_of(prop.get("items", {}))
    ref = prop.get("$ref", "").rsplit("/", 1)[-1]
    if ref in VOCABULARIES or ref == PROVINCE:
        return ref
    return prop.get(VOCABULARY_KEY)


# --- The editor schema ---------------------------------------------------------------

class EditorSchema(GenerateJsonSchema):
    """Pydantic's JSON Schema generator, made as lenient as the validator (see the module doc)."""

    def bool_schema(self, schema) -> dict:
        return {"anyOf": [{"type": "boolean"}, {"type": "string", "pattern": BOOLEAN_TEXT}]}

    def int_schema(self, schema) -> dict:
        return {"anyOf": [super().int_schema(schema), {"type": "string", "pattern": INTEGER_TEXT}]}

    def float_schema(self, schema) -> dict:
        return {"anyOf": [super().float_schema(schema), {"type": "string", "pattern": NUMBER_TEXT}]}

    def date_schema(self, schema) -> dict:
        return {TYPE_KEY: "Date"}

    def generate(self, schema, mode="validation"):
        named: dict[str, dict] = {}
        result = _named(super().generate(schema, mode), named)
        defs = result.setdefault("$defs", {})
        for name, definition in named.items():
            assert name not in defs, f"{name} is both a model and a field type"
            defs[name] = definition
        result["$defs"] = dict(sorted(defs.items()))
        return result


DATE_DEF = {
    "title": "Date", "type": "string",
    "description": "Ngày từ 1990 đến 2100, dạng 2025-01-31 hoặc 31/1/2025 / A date from 1990 to 2100, "
                   "written 2025-01-31 or 31/1/2025",
    "anyOf": [{"format": "date", "pattern": ISO_DATE},
              {"pattern": VN_DATE, "patternErrorMessage": "ngày không có thật / not a real date"}],
}


def _named(node, named: dict[str, dict]):
    """`node` with each closed list and field type (Date, Url, Text...) replaced by a $ref to its
    $defs entry, gathered in `named`: the field keeps its title, description and default."""
    if isinstance(node, list):
        return [_named(item, named) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(name := node.get(VOCABULARY_KEY), str):
        named[name] = _vocabulary_def(name)
        rest = {k: v for k, v in node.items() if k not in (VOCABULARY_KEY, "type", "enum")}
        return {"$ref": f"#/$defs/{name}", **rest}
    if isinstance(name := node.get(TYPE_KEY), str):
        definition = DATE_DEF if name == "Date" else {"title": name, **{k: node[k] for k in _TYPE_KEYWORDS if k in node}}
        assert named.setdefault(name, definition) == definition, f"{name} has two schemas"
        rest = {k: v for k, v in node.items() if k != TYPE_KEY and k not in _TYPE_KEYWORDS}
        return {"$ref": f"#/$defs/{name}", **rest}
    return {key: _named(value, named) for key, value in node.items()}


def json_schema() -> dict:
    """The editor schema of a listing (any kind), as committed and published."""
    from .models import Listing  # models imports this module for its hooks
    schema = TypeAdapter(Listing).json_schema(schema_generator=EditorSchema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_URL
    schema["title"] = "Tin đăng danh bạ cung cầu SXTDBV / SCP directory listing"
    return schema


def json_text() -> str:
    """The schema file's text (`schema/listing.schema.json`, `/schema/listing.schema.json`)."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


# --- What the schema cannot say ------------------------------------------------------

# (Vietnamese, English): checks the validator makes that no JSON Schema editor can, for the
# contributor guide ("what the editor does not check"). tests/test_schema.py shows each one.
SCHEMA_LIMITS: list[tuple[str, str]] = [
    ("Tệp phải nằm trong listings/<loại>/, id trùng tên tệp và không trùng tin khác; mã đơn vị "
     "(organisation, organizer) phải là id của một doanh nghiệp, tổ chức có trong danh bạ; mã số thuế "
     "không trùng doanh nghiệp khác.",
     "The file must be in listings/<kind>/, its id equal to the file name and unique; organisation "
     "and organizer must be the id of an organisation listing; a tax code must not be used twice."),
    ("Chữ số kiểm tra của mã số thuế (chữ số thứ 10), và mã toàn số 0.",
     "The tax code's check digit (its 10th digit), and all-zero numbers."),
    ("Miền (region) của triển lãm phải khớp tỉnh/thành phố.",
     "An exhibition's region must match its province."),
    ("Thứ tự ngày: ngày hết hạn không trước ngày bắt đầu (chứng nhận, tin chào bán/nhu cầu, triển lãm).",
     "Date order: an end date is not before its start date (certificates, offers and demands, exhibitions)."),
    ("Tên tỉnh cũ (trước 1/7/2025) bị từ chối với gợi ý tỉnh mới; trình soạn thảo chỉ báo 'không có trong "
     "danh sách'.",
     "A former province (before 1 July 2025) is refused with the new one named; an editor only says "
     "'not in the list'."),
    ("Số viết trong dấu nháy ('1.5', '2025'): trình soạn thảo không kiểm tra giới hạn (lớn hơn 0, năm "
     "2000-2100...).",
     "Numbers written in quotes ('1.5', '2025'): an editor does not check their bounds (above 0, "
     "year 2000-2100...)."),
    ("Độ dài tối đa được đếm sau khi bỏ khoảng trắng đầu cuối và chuẩn hóa Unicode (NFC).",
     "Maximum lengths are counted after trimming spaces and Unicode (NFC) normalisation."),
    ("Cấu trúc tệp: khóa trùng, tab, neo/bí danh (&, *), thẻ (!!), nhiều tài liệu, tệp quá 256 KB, "
     "quá 30 dấu kết hợp liên tiếp.",
     "File structure: duplicate keys, tabs, anchors and aliases (&, *), tags (!!), several documents, "
     "files over 256 KB, more than 30 combining marks in a row."),
    ("Mã số thuế, số điện thoại, mã vạch GTIN viết không có dấu nháy: trình kiểm tra vẫn nhận, trình "
     "soạn thảo báo lỗi vì đọc thành số (0100109106 thành 100109106). Hãy viết trong dấu nháy.",
     "Tax codes, phone numbers and GTINs written without quotes: the validator accepts them, an editor "
     "reports them because it reads a number (0100109106 becomes 100109106). Quote them."),
    ("Cách viết ít gặp mà trình kiểm tra vẫn nhận: ngày kèm giờ 00:00 hoặc dạng số Unix, dấu thanh "
     "không phải tiếng Việt (ä, ñ...), chữ toàn độ rộng.",
     "Rare spellings the validator still accepts: dates with a 00:00 time or as a Unix timestamp, "
     "non-Vietnamese diacritics (ä, ñ...), full-width letters."),
]
