"""The editor schema agrees with the validator.

A real JSON Schema validator (the `jsonschema` package, as `check-jsonschema` uses) reads
each file the way an editor does (yaml-language-server reads YAML 1.2: unquoted
`0100109106` is the integer 100109106, `2025-01-01` stays text, `true` is a boolean) and
checks it against `schema.json_schema()`. Our validator reads the same bytes with
`load.parse` (every scalar text) and the pydantic models. Then:

- every listing our validator accepts (the shipped listings, every fixture, 300 synthetic
  listings, a list of unusual but valid spellings) the schema accepts, but for the one
  documented YAML typing difference: unquoted digits in a text field;
- every invalid case the schema can express, it refuses;
- each difference listed in `schema.SCHEMA_LIMITS` (for the contributor guide) is shown;
- the spelling patterns of the closed lists and provinces match exactly what
  `Vocabulary.resolve` and `resolve_province` accept, on thousands of generated spellings;
- every pattern compiles in ECMAScript (editors) and answers as in Python.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import ValidationError

from conftest import DEMAND, DISTRIBUTOR, EXHIBITION, MODEL, OFFER, ORG, PRODUCT, RECYCLER, VALID
from directory import load, models, schema, synthetic, vocab
from directory.models import MODELS
from directory.text import fold
from directory.validate import validate_tree

ROOT = Path(__file__).parent.parent
SCHEMA = schema.json_schema()
CHECKER = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
KIND_DEFS = {kind: ref.rsplit("/", 1)[1] for kind, ref in SCHEMA["discriminator"]["mapping"].items()}


# --- Reading YAML as an editor does ---------------------------------------------------


class EditorLoader(yaml.SafeLoader):
    """YAML 1.2 core schema, as yaml-language-server: null, bool, int (decimal, 0o, 0x) and float;
    no timestamps (a date stays text), no YAML 1.1 `yes`/`on`/octal `0100`/sexagesimal."""


EditorLoader.yaml_implicit_resolvers = {}
for _tag, _regex, _first in [
    ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
              r"|\.(?:nan|NaN|NAN))$", "-+0123456789."),
]:
    EditorLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_regex), list(_first))
EditorLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])


def _int_12(loader, node):
    text = loader.construct_scalar(node)
    return int(text[2:], {"0o": 8, "0x": 16}[text[:2]]) if text[:2] in ("0o", "0x") else int(text)


EditorLoader.add_constructor("tag:yaml.org,2002:int", _int_12)


def test_editor_loader_reads_yaml_1_2():
    data = yaml.load("a: 0100109106\nb: 2025-01-01\nc: true\nd: yes\ne: 1.5\nf: 0o17\ng: ~\nh:\ni: '007'\n"
                     "j: 0912 345 678\n", Loader=EditorLoader)
    assert data == {"a": 100109106, "b": "2025-01-01", "c": True, "d": "yes", "e": 1.5, "f": 15, "g": None,
                    "h": None, "i": "007", "j": "0912 345 678"}


# --- The two verdicts -------------------------------------------------------------------


def ours(raw: bytes) -> set[str]:
    """The error codes our validator gives one file (its own rules only); empty when accepted."""
    try:
        data, _ = load.parse(raw)
    except load.LoadError as err:
        return {err.code}
    model = MODELS.get(data.get("kind"))
    if model is None:
        return {"unknown_kind"}
    try:
        model.model_validate(data)
    except ValidationError as err:
        return {e["type"] for e in err.errors()}
    return set()


def editor_data(raw: bytes):
    try:
        return yaml.load(raw.decode("utf-8"), Loader=EditorLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        return err


def schema_errors(data) -> list:
    if isinstance(data, Exception):
        return [data]
    return list(CHECKER.iter_errors(data))


def kind_errors(data: dict) -> list:
    """Errors against the listing's own kind, so that each says its field (not the oneOf)."""
    own = {k: v for k, v in SCHEMA.items() if k not in ("oneOf", "discriminator")}
    own["$ref"] = f"#/$defs/{KIND_DEFS[data['kind']]}"
    return list(Draft202012Validator(own, format_checker=FormatChecker()).iter_errors(data))


def unquoted_digits_only(raw: bytes, data: dict) -> list[str]:
    """The fields where the schema refuses only because the editor read unquoted digits as a number,
    or [] when that is not the whole story."""
    text_data, _ = load.parse(raw)
    errors = kind_errors(data)
    paths = [list(e.absolute_path) for e in errors]
    patched = json.loads(json.dumps(data))
    for path in paths:
        if not path:
            return []
        node, text = patched, text_data
        for part in path[:-1]:
            node, text = node[part], text[part]
        if not isinstance(node[path[-1]], (int, float)) or not re.fullmatch(r"[0-9]+", text[path[-1]]):
            return []
        node[path[-1]] = text[path[-1]]
    return [".".join(map(str, p)) for p in paths] if not schema_errors(patched) else []


def corpus() -> dict[str, bytes]:
    files = {p.relative_to(ROOT).as_posix(): p.read_bytes()
             for folder in ("listings", "tests/fixtures") for p in sorted((ROOT / folder).rglob("*.yaml"))}
    for listing in synthetic.generate(300, seed=7, today=dt.date(2025, 10, 1)):
        files[f"synthetic/{listing['kind']}/{listing['id']}.yaml"] = synthetic.dump(listing).encode()
    return files


CORPUS = corpus()


def test_the_corpus_holds_shipped_fixture_and_synthetic_listings():
    shipped = [name for name in CORPUS if name.startswith("listings/")]
    assert len(shipped) >= 53
    assert sum(name.startswith("tests/fixtures/") for name in CORPUS) >= 60
    assert sum(name.startswith("synthetic/") for name in CORPUS) == 300
    assert all(not ours(CORPUS[name]) for name in shipped)


def test_every_listing_the_validator_accepts_the_schema_accepts():
    quoting, refused = [], []
    for name, raw in CORPUS.items():
        if ours(raw):
            continue
        data = editor_data(raw)
        if not schema_errors(data):
            continue
        if fields := unquoted_digits_only(raw, data):
            quoting.extend(f"{name}: {f}" for f in fields)
        else:
            refused.append(f"{name}: {[e.message[:200] for e in kind_errors(data)]}")
    assert refused == []
    # The one documented difference (SCHEMA_LIMITS): unquoted digits in a text field. Only the fixture
    # that shows the loader keeping the leading zero has it; no shipped or synthetic listing does.
    assert quoting == ["tests/fixtures/valid/organisation/cong-ty-mau.yaml: tax_id"]


# --- Cases built from the valid fixtures ---------------------------------------------------


def edited(rel: str, old: str, new: str) -> bytes:
    text = (VALID / rel).read_text(encoding="utf-8").replace("tax_id: 0100109106", "tax_id: '0100109106'")
    assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
    return text.replace(old, new).encode()


# Valid listings written as people write them: the schema used to refuse several (issue 12).
VALID_SPELLINGS = [
    (ORG, "province: Hà Nội", "province: Thành phố Hà Nội"),
    (ORG, "province: Hà Nội", "province: ha noi"),
    (ORG, "province: Hà Nội", "province: TP. HÀ NỘI"),
    (ORG, "province: Hà Nội", "province: ha_noi"),
    (ORG, "province: Hà Nội", "province: " + unicodedata.normalize("NFD", "Thành phố Hà Nội")),
    (DISTRIBUTOR, "province: TP Hồ Chí Minh", "province: Sài Gòn"),
    (DISTRIBUTOR, "province: TP Hồ Chí Minh", "province: tp.hcm"),
    (DISTRIBUTOR, "province: TP Hồ Chí Minh", "province: Thanh pho Ho Chi Minh"),
    (RECYCLER, "  - Hà Nội", "  - Tỉnh Bắc Ninh"),
    (OFFER, "unit: TNE", "unit: tan"),
    (OFFER, "unit: TNE", "unit: tấn"),
    (OFFER, "unit: TNE", "unit: Tấn"),
    (OFFER, "unit: TNE", "unit: tonne"),
    (OFFER, "unit: TNE", "unit: kg"),
    (OFFER, "unit: TNE", "unit: m²"),
    (OFFER, "unit: TNE", "unit: m3"),
    (OFFER, "unit: TNE", "unit: cái, chiếc"),
    (OFFER, "material_category: giay", "material_category: Giấy, bìa phế liệu"),
    (OFFER, "interval: thang", "interval: Tháng"),
    (OFFER, "  - tu_den_lay", "  - Bên mua tự đến lấy"),
    (PRODUCT, "  - bao_bi", "  - Bao Bì"),
    (PRODUCT, "  - bao_bi", "  - DỆT MAY"),
    (PRODUCT, "  - bao_bi", "  - det-may"),
    (PRODUCT, "  - bao_bi", "  - Textiles and garments"),
    (PRODUCT, "scheme: eu_ecolabel", "scheme: Nhãn sinh thái EU (EU Ecolabel)"),
    (PRODUCT, "scheme: eu_ecolabel", "scheme: EU Ecolabel"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 28/08/2025"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 1/9/2025"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: ' 01/09/2025 '"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 29/02/2024"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 2024-02-29"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 2000-02-29"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 1990-01-01"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 31/12/2100"),
    (PRODUCT, "valid_from: 2025-01-01", "valid_from: 01/01/2025"),
    (PRODUCT, "sample: true", "sample: yes"),
    (PRODUCT, "sample: true", "sample: 'True'"),
    (PRODUCT, "sample: true", "sample: 'off'"),
    (PRODUCT, "date_added:", "gtin: '8934567890123'\ndate_added:"),
    (OFFER, "recurring: true", "recurring: 'yes'"),
    (OFFER, "recurring: true\n  interval: thang", "recurring: false"),
    (OFFER, "amount: 20", "amount: '20'"),
    (OFFER, "amount: 20", "amount: 1.5e3"),
    (OFFER, "amount: 20", "amount: ' 2000.5 '"),
    (OFFER, "amount: 20", "amount: 2_000.5"),
    (MODEL, "year: 2022", "year: '2022'"),
    (MODEL, "status: thi_diem", "status: Thí điểm"),
    (DISTRIBUTOR, "outlets: 3", "outlets: 3.0"),
    (EXHIBITION, "region: bac", "region: Miền Bắc"),
    (EXHIBITION, "start_date: 2025-11-10\nend_date: 2025-11-12", "year: 2026"),
    (EXHIBITION, "sectors:\n  - bao_bi", "status: Tạm hoãn"),
    (ORG, "tax_id: '0100109106'", "tax_id: '0100109106-001'"),
    (ORG, "tax_id: '0100109106'", "tax_id: '0100 109 106'"),
    (ORG, "tax_id: '0100109106'", "tax_id: '０１００１０９１０６'"),
    (ORG, "organisation_type: doanh_nghiep", "organisation_type: Làng nghề"),
    (ORG, "organisation_type: doanh_nghiep\ntax_id: '0100109106'\n", "organisation_type: Làng nghề\n"),
    (ORG, "organisation_type: doanh_nghiep", "organisation_type: hiep_hoi"),
    (ORG, "phone: 0912 345 678", "phone: '+84 (24) 3825-1234'"),
    (ORG, "phone: 0912 345 678", "phone: null"),
    (ORG, "website: https://mauxanh.example.vn", "website: https://bộcôngthương.vn/tin-tức?x=1#a"),
    (ORG, "email: lienhe@mauxanh.example.vn", "email: lien.he+scp@bộcôngthương.vn"),
    (ORG, "  - mau-xanh", "  - Mau-Xanh-2"),
    (ORG, "name_en: Mau Xanh Co., Ltd.", 'name_en: "  Mau Xanh\\t"'),
    (ORG, "name_en: Mau Xanh Co., Ltd.", "name_en: 'Gia đình 👩‍👩‍👧 (U+200D) — مرحبا'"),
    (RECYCLER, "service_area:\n  - Hà Nội\n  - Bắc Ninh", "nationwide: 'on'"),
]


@pytest.mark.parametrize("rel, old, new", VALID_SPELLINGS)
def test_valid_spellings_are_accepted_by_both(rel, old, new):
    raw = edited(rel, old, new)
    assert ours(raw) == set()
    assert [e.message for e in kind_errors(editor_data(raw))] == []
    assert schema_errors(editor_data(raw)) == []


# Invalid listings the schema can refuse, with what our validator says about them.
INVALID = [
    (ORG, "website: https://mauxanh.example.vn", "website: 'https://'", "url_scheme"),
    (ORG, "website: https://mauxanh.example.vn", "website: https://mau xanh.vn", "address_character"),
    (ORG, "website: https://mauxanh.example.vn", 'website: "https://mauxanh.vn/\\u200b"', "address_character"),
    (ORG, "website: https://mauxanh.example.vn", "website: ftp://mauxanh.vn", "url_scheme"),
    (ORG, "email: lienhe@mauxanh.example.vn", "email: not-an-email", "email"),
    (ORG, "email: lienhe@mauxanh.example.vn", "email: a@b", "email"),
    (ORG, "phone: 0912 345 678", "phone: 'goi cho toi'", "phone"),
    (ORG, "phone: 0912 345 678", "phone: '0912'", "phone"),
    (ORG, "tax_id: '0100109106'", "tax_id: '01001091'", "tax_code"),
    (ORG, "tax_id: '0100109106'", "tax_id: 'MST 0100109106'", "tax_code"),
    (ORG, "tax_id: '0100109106'\n", "", "tax_id_missing"),
    (ORG, "tax_id: '0100109106'\n", "tax_id: null\n", "tax_id_missing"),
    (ORG, "organisation_type: doanh_nghiep\ntax_id: '0100109106'", "organisation_type: Hợp tác xã",
     "tax_id_missing"),
    (ORG, "organisation_type: doanh_nghiep", "organisation_type: cong_ty", "not_in_list"),
    (ORG, "contact:\n  email: lienhe@mauxanh.example.vn\n  phone: 0912 345 678\n  website: https://mauxanh.example.vn",
     "contact: {}", "contact_empty"),
    (ORG, "  - mau-xanh", "  - -mau", "github_login"),
    (ORG, "  - mau-xanh", "  - mau--xanh", "github_login"),
    (ORG, "id: cong-ty-mau", "id: Cong-Ty-Mau", "slug"),
    (ORG, "province: Hà Nội", "province: Hà Giang", "former_province"),
    (ORG, "province: Hà Nội", "province: Hà Nội Mới", "unknown_province"),
    (ORG, "province: Hà Nội", "province: Tỉnh TP Hà Nội", "unknown_province"),
    (ORG, "name: Công ty TNHH Mẫu Xanh", "name: '   '", "string_too_short"),
    (ORG, "name: Công ty TNHH Mẫu Xanh", 'name: "Công ty \\u202eMẫu"', "bidi_control"),
    (ORG, "name: Công ty TNHH Mẫu Xanh", 'name: "Công ty\\nMẫu"', "line_break"),
    (ORG, "name: Công ty TNHH Mẫu Xanh", 'name: "Công ty\\tMẫu"', "control_character"),
    (ORG, "name: Công ty TNHH Mẫu Xanh", "nam: Công ty", "extra_forbidden"),
    (OFFER, "recurring: true\n  interval: thang", "recurring: true", "interval_missing"),
    (OFFER, "recurring: true\n  interval: thang", "recurring: 'Yes'\n  interval:", "interval_missing"),
    (OFFER, "recurring: true", "recurring: 'maybe'", "bool_parsing"),
    (OFFER, "unit: TNE", "unit: bao", "not_in_list"),
    (OFFER, "unit: TNE", "unit: tan tan", "not_in_list"),
    (OFFER, "amount: 20", "amount: 0", "greater_than"),
    (OFFER, "amount: 20", "amount: -5", "greater_than"),
    (OFFER, "amount: 20", "amount: 1,5", "float_parsing"),
    (OFFER, "amount: 20", "amount: .inf", "float_parsing"),
    (OFFER, "amount: 20", "amount: 'inf'", "finite_number"),
    (OFFER, "amount: 20", "amount: ' 1_000 '", "float_parsing"),
    (OFFER, "  - tu_den_lay", "  - giao hang", "not_in_list"),
    (OFFER, "delivery:\n  - tu_den_lay", "delivery: []", "too_short"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 31/02/2025", "date_invalid"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 29/02/2100", "date_invalid"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 2025-02-29", "date_from_datetime_parsing"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 1989-12-31", "date_range"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 1/1/2101", "date_range"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 2025/09/01", "date_from_datetime_parsing"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: 01-09-2025", "date_from_datetime_parsing"),
    (PRODUCT, "scheme: eu_ecolabel", "scheme: khac", "scheme_name_missing"),
    (PRODUCT, "scheme: eu_ecolabel", "scheme: Chương trình khác", "scheme_name_missing"),
    (PRODUCT, "environmental_claims:\n  - 100% giấy tái chế\ncertificates:\n  - scheme: eu_ecolabel\n"
              "    issuer: Ủy ban châu Âu\n    number: EU-2025-001\n    valid_from: 2025-01-01\n"
              "    valid_until: 2099-12-31\n    url: https://mauxanh.example.vn/chung-nhan.pdf\n",
     "certificates: []\n", "product_evidence"),
    (PRODUCT, "date_added:", "gtin: '123'\ndate_added:", "gtin"),
    (PRODUCT, "date_added:", "gtin: '89345678901'\ndate_added:", "gtin"),
    (RECYCLER, "service_area:\n  - Hà Nội\n  - Bắc Ninh", "nationwide: false", "service_area_missing"),
    (RECYCLER, "service_area:\n  - Hà Nội\n  - Bắc Ninh", "service_area: []", "service_area_missing"),
    (EXHIBITION, "end_date: 2025-11-12\n", "", "event_dates"),
    (EXHIBITION, "start_date: 2025-11-10\nend_date: 2025-11-12\n", "", "event_dates"),
    (EXHIBITION, "start_date: 2025-11-10\nend_date: 2025-11-12\n", "start_date: null\nend_date:\nyear: ~\n",
     "event_dates"),
    (MODEL, "year: 2022", "year: 1999", "greater_than_equal"),
    (MODEL, "year: 2022", "year: 2022.5", "int_parsing"),
    (MODEL, "status: thi_diem", "status: thu nghiem", "not_in_list"),
    (DISTRIBUTOR, "certificates:", "certificate:", "extra_forbidden"),
    (DEMAND, "kind: demand", "kind: nhu_cau", "unknown_kind"),
]


@pytest.mark.parametrize("rel, old, new, code", INVALID)
def test_invalid_cases_are_refused_by_both(rel, old, new, code):
    raw = edited(rel, old, new)
    assert code in ours(raw)
    assert schema_errors(editor_data(raw)), "the schema accepts it"


def test_the_cases_of_issue_12_are_listed():
    news = {new for _, _, new, _ in INVALID} | {new for _, _, new in VALID_SPELLINGS}
    assert {"website: 'https://'", "email: not-an-email", "phone: 'goi cho toi'", "recurring: true",
            "unit: tan", "date_added: 28/08/2025", "province: ha noi"} <= news


# --- What the schema cannot say: each entry of SCHEMA_LIMITS, shown -------------------------

# (SCHEMA_LIMITS index, file, old, new, what our validator says, whether the schema refuses it)
LIMITS = [
    (0, ORG, "id: cong-ty-mau", "id: cong-ty-khac", "id_filename", False),
    (0, OFFER, "organisation: cong-ty-mau", "organisation: khong-co", "dangling_reference", False),
    (1, ORG, "tax_id: '0100109106'", "tax_id: '0100109107'", "tax_code", False),
    (1, ORG, "tax_id: '0100109106'", "tax_id: '0100000000'", "tax_code", False),
    (2, EXHIBITION, "region: bac", "region: nam", "region_mismatch", False),
    (3, EXHIBITION, "end_date: 2025-11-12", "end_date: 2025-11-01", "date_order", False),
    (3, PRODUCT, "valid_until: 2099-12-31", "valid_until: 2024-12-31", "date_order", False),
    (4, ORG, "province: Hà Nội", "province: Bình Dương", "former_province", True),
    (5, OFFER, "amount: 20", "amount: '0'", "greater_than", False),
    (5, MODEL, "year: 2022", "year: '1999'", "greater_than_equal", False),
    (6, ORG, "name_en: Mau Xanh Co., Ltd.", "name_en: '  " + "a" * 300 + "'", "", True),
    (6, ORG, "name_en: Mau Xanh Co., Ltd.", "name_en: '" + unicodedata.normalize("NFD", "ệ") * 300 + "'",
     "", True),
    (7, ORG, "name_en: Mau Xanh Co., Ltd.", "name_en: a\nname_en: b", "duplicate_key", False),
    (8, ORG, "tax_id: '0100109106'", "tax_id: 0100109106", "", True),
    (8, ORG, "phone: 0912 345 678", "phone: 0912345678", "", True),
    (8, PRODUCT, "date_added:", "gtin: 8934567890123\ndate_added:", "", True),
    (9, PRODUCT, "date_added: 2025-09-01", "date_added: 2025-09-01T00:00:00", "", True),
    (9, PRODUCT, "date_added: 2025-09-01", "date_added: '1756684800'", "", True),
    (9, PRODUCT, "  - bao_bi", "  - bäo bï", "", True),
]


@pytest.mark.parametrize("index, rel, old, new, code, schema_refuses", LIMITS)
def test_each_schema_limit_is_real(tmp_path, index, rel, old, new, code, schema_refuses):
    raw = edited(rel, old, new)
    if code in ("id_filename", "dangling_reference"):  # checks across files
        shutil.copytree(VALID, tmp_path / "l")
        (tmp_path / "l" / rel).write_bytes(raw)
        assert code in {p.code for p in validate_tree(tmp_path / "l").errors}
    else:
        assert ours(raw) == ({code} if code else set())
    assert bool(schema_errors(editor_data(raw))) == schema_refuses


def test_every_schema_limit_has_an_example_and_both_languages():
    assert {index for index, *_ in LIMITS} == set(range(len(schema.SCHEMA_LIMITS)))
    for vi, en in schema.SCHEMA_LIMITS:
        assert vi and en and vi != en


# --- Spellings of closed lists: exactly what resolve() accepts --------------------------------

_SEPARATORS = [" ", "  ", "_", "-", " - ", ", ", ".", "/", " (", ") ", "\u00a0", "\t", "–"]
_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđbcdgk"
_SAME_LETTER: dict[str, list[str]] = {}
for _letter in _LETTERS:
    _SAME_LETTER.setdefault(fold(_letter), []).append(_letter)


def _variants(spelling: str, rng: random.Random) -> list[str]:
    """Ways people (and typos) write `spelling`: case, diacritics, separators, NFD, a letter more or less."""
    out = [spelling, spelling.upper(), spelling.lower(), fold(spelling), spelling.title(),
           unicodedata.normalize("NFD", spelling), f" {spelling}. ", f"({spelling})"]
    for _ in range(12):
        chars = []
        for ch in spelling:
            if not ch.isalnum():
                chars.append(rng.choice(_SEPARATORS))
                continue
            ch = rng.choice(_SAME_LETTER.get(fold(ch), [ch]))
            chars.append(ch.upper() if rng.random() < 0.3 else ch)
        text = "".join(chars)
        i = rng.randrange(len(text) + 1)
        for variant in (text, text[:i] + rng.choice(_LETTERS + " ") + text[i:], text[:i] + text[i + 1:]):
            # as typed, or decomposed (NFD); the last two are typos, usually no longer a term
            out.append(unicodedata.normalize("NFD", variant) if rng.random() < 0.3 else variant)
    out.append(unicodedata.normalize("NFD", spelling).replace(" ", " \u0301"))  # a mark on a space
    return out


@pytest.mark.parametrize("name", sorted(schema.VOCABULARIES))
def test_spelling_pattern_matches_exactly_what_resolve_accepts(name):
    v = schema.VOCABULARIES[name]
    pattern = re.compile(schema.spelling_pattern(v))
    rng = random.Random(name)
    tried = 0
    for term in v:
        for spelling in (term.code, term.vi, term.en):
            assert pattern.search(spelling), spelling
            for text in _variants(spelling, rng):
                tried += 1
                assert bool(pattern.search(text)) == (v.resolve(text) is not None), text
    for text in ("", "-", "x", "khong co", "tan tan"):
        assert bool(pattern.search(text)) == (v.resolve(text) is not None), text
    assert tried > 100


def test_code_subset_patterns_match_only_their_codes():
    pattern = re.compile(schema.spelling_pattern(vocab.SCHEMES, ("khac",)))
    for term in vocab.SCHEMES:
        for spelling in (term.code, term.vi, term.en, fold(term.vi).upper()):
            assert bool(pattern.search(spelling)) == (term.code == "khac"), spelling


def test_province_pattern_matches_exactly_what_resolve_province_accepts():
    pattern = re.compile(schema.province_pattern())
    rng = random.Random(34)
    spellings = [*vocab.PROVINCES, *vocab.PROVINCES.values(), "hcm", "Sài Gòn", *vocab.FORMER_PROVINCES]
    spellings += [f"{prefix} {name}" for name in ("Hà Nội", "Huế", "Đắk Lắk") for prefix in
                  ("Thành phố", "TP", "TP.", "Tỉnh", "tinh", "T.P", "Thành", "Tỉnh Thành phố")]
    tried = 0
    for spelling in spellings:
        for text in _variants(spelling, rng):
            tried += 1
            assert bool(pattern.search(text)) == (vocab.resolve_province(text) is not None), text
    assert tried > 1000


def test_vietnamese_dates_pattern_matches_exactly_real_days():
    vn, iso = re.compile(schema.VN_DATE), re.compile(schema.ISO_DATE)
    day = dt.date(1989, 12, 25)
    while day <= dt.date(2101, 1, 5):
        inside = models.FIRST_DATE <= day <= models.LAST_DATE
        assert bool(iso.search(day.isoformat())) == inside, day
        assert bool(vn.search(f"{day.day}/{day.month}/{day.year}")) == inside, day
        assert bool(vn.search(f"{day.day:02d}/{day.month:02d}/{day.year}")) == inside, day
        day += dt.timedelta(days=1)
    for year in (1990, 2000, 2024, 2025, 2100):
        for month in range(1, 13):
            for d in (29, 30, 31, 32):
                text = f"{d}/{month}/{year}"
                try:
                    real = dt.date(year, month, d) is not None
                except ValueError:
                    real = False
                assert bool(vn.search(text)) == real, text


# --- Named vocabularies, for the guide --------------------------------------------------------


def test_each_closed_list_is_a_named_def_and_fields_say_which():
    defs = SCHEMA["$defs"]
    for name in ("Sector", "Unit", "Scheme", "Province", "Date", "Url", "TaxCode"):
        assert name in defs
    for kind, model in MODELS.items():
        props = defs[KIND_DEFS[kind]]["properties"]
        per_model = model.model_json_schema()
        for field, info in model.model_fields.items():
            v = models.vocabulary_of(info)
            expected = "Province" if models.is_province(info) else next(
                (n for n, w in schema.VOCABULARIES.items() if w is v), None)
            assert schema.vocabulary_of(props[field]) == expected, (kind, field)
            assert schema.vocabulary_of(per_model["properties"][field]) == expected, (kind, field)


def test_per_model_schemas_keep_the_plain_form_the_guide_reads():
    offer = MODELS["offer"].model_json_schema()["properties"]
    assert offer["material_category"]["enum"] == vocab.MATERIAL_CATEGORIES.codes()
    assert offer["valid_until"]["format"] == "date"
    assert offer["province"]["enum"] == list(vocab.PROVINCES.values())


def test_the_schema_is_valid_2020_12_and_published_at_its_url():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == schema.SCHEMA_URL == "https://scp.gov.vn/schema/listing.schema.json"
    assert schema.SCHEMA_LINE == f"# yaml-language-server: $schema={schema.SCHEMA_URL}"


# --- ECMAScript (editors) ---------------------------------------------------------------------

NODE = shutil.which("node")


def _patterns(node) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(({v} if k == "pattern" else _patterns(v)) for k, v in node.items()))
    if isinstance(node, list):
        return set().union(*(_patterns(v) for v in node))
    return set()


@pytest.mark.skipif(NODE is None, reason="node không có / node is not installed")
def test_every_pattern_compiles_in_ecmascript_and_answers_as_in_python():
    patterns = sorted(_patterns(SCHEMA))
    texts = sorted({t for raw in list(CORPUS.values())[:200] for t in re.findall(r": (.+)", raw.decode("utf-8",
                                                                                                      "replace"))}
                   | {"Hà Nội", unicodedata.normalize("NFD", "Đắk Lắk"), "28/08/2026", "2024-02-29", "tấn", "m²",
                      "https://bộcôngthương.vn/x", "a@b.vn", "0912 345 678", "0100109106-001", "yes", "1.5e3",
                      "x\u202ey", "  padded  ", ""})
    script = ("const [p, t] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(p.map(x => [new RegExp(x, 'u'), new RegExp(x)]"
              ".map(r => t.map(s => r.test(s))))));")
    done = subprocess.run([NODE, "-e", script], input=json.dumps([patterns, texts]), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for pattern, (unicode, plain) in zip(patterns, json.loads(done.stdout)):
        python = [bool(re.search(pattern, t)) for t in texts]
        assert unicode == python, pattern[:80]
        assert plain == python, pattern[:80]
