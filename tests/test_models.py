"""Field rules of the listing models, each broken in one fixture file.

Every test copies tests/fixtures/valid/, breaks one line of one file, validates
the tree and asserts the `path:line`, the field and both halves of the message.
"""

from __future__ import annotations

import copy
import typing
import unicodedata
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from conftest import DEMAND, DISTRIBUTOR, EXHIBITION, MODEL, OFFER, ORG, PRODUCT, RECYCLER, VALID, assert_message
from directory import models
from directory.load import load_file
from directory.models import MODELS, Certificate, Quantity, nested_model
from directory.text import fold


def listing(report, listing_id):
    return next(item for item in report.listings if item.id == listing_id)


def test_the_valid_fixtures_cover_every_kind_and_pass(tree):
    report = tree.validate()
    assert report.errors == [] and report.warnings == []
    assert sorted(type(item).__name__.lower() for item in report.listings) == sorted(
        cls.__name__.lower() for cls in MODELS.values())


# --- numbers that are text --------------------------------------------------------


def test_unquoted_tax_code_keeps_its_leading_zero(tree):
    org = listing(tree.validate(), "cong-ty-mau")
    assert tree.read(ORG).count("tax_id: 0100109106\n") == 1  # unquoted in the fixture
    assert org.tax_id == "0100109106"
    assert org.contact.phone == "0912 345 678"


@pytest.mark.parametrize("written, stored", [
    ("'0100109106-001'", "0100109106-001"),
    ("0100109106001", "0100109106-001"),
    ("'0100 109 106'", "0100109106"),
])
def test_branch_and_spaced_tax_codes_are_valid_and_stored_in_one_form(tree, written, stored):
    tree.edit(ORG, "tax_id: 0100109106", f"tax_id: {written}")
    assert listing(tree.validate(), "cong-ty-mau").tax_id == stored


@pytest.mark.parametrize("bad", ["100109106", "0100109107", "0100109106-000", "'MST 0100109106'"])
def test_invalid_tax_code(tree, bad):
    tree.edit(ORG, "tax_id: 0100109106", f"tax_id: {bad}")
    error = tree.one_error()
    assert tree.where(error) == f"{ORG}:7"
    assert error.field == "tax_id"
    assert_message(error, "mã số thuế không hợp lệ: 10 chữ số", "invalid tax code")


def test_enterprise_without_tax_code(tree):
    tree.edit(ORG, "tax_id: 0100109106\n", "")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{ORG}:6", "organisation_type")
    assert_message(error, "doanh nghiệp, hợp tác xã phải có tax_id", "needs tax_id")


def test_bad_phone(tree):
    tree.edit(ORG, "phone: 0912 345 678", "phone: gọi giờ hành chính")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{ORG}:13", "contact.phone")
    assert_message(error, "số điện thoại không hợp lệ", "not a phone number")


def test_non_finite_quantity(tree):
    tree.edit(RECYCLER, "amount: 500", "amount: inf")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{RECYCLER}:11", "capacity.amount")
    assert_message(error, "phải là một số cụ thể", "must be a finite number")
    with pytest.raises(ValueError):
        Quantity(amount="nan", unit="TNE")


# --- unknown fields ----------------------------------------------------------------


def test_unknown_top_level_field_suggests_the_near_miss(tree):
    tree.edit(ORG, "maintainers:", "maintainer:")
    report = tree.validate()
    unknown = next(p for p in report.errors if p.code == "extra_forbidden")
    assert (tree.where(unknown), unknown.field) == (f"{ORG}:15", "maintainer")
    assert_message(unknown, "trường không có trong mẫu; có phải ý bạn là 'maintainers'?",
                   "unknown field; did you mean 'maintainers'?")
    missing = next(p for p in report.errors if p.code == "missing")
    assert (missing.field, missing.line) == ("maintainers", 1)
    assert_message(missing, "thiếu trường bắt buộc", "required field is missing")


def test_unknown_nested_field_in_a_list_item_suggests_the_near_miss(tree):
    tree.edit(PRODUCT, "    issuer:", "    isuer:")
    errors = tree.validate().errors
    unknown = next(p for p in errors if p.code == "extra_forbidden")
    assert (tree.where(unknown), unknown.field) == (f"{PRODUCT}:12", "certificates.0.isuer")
    assert_message(unknown, "có phải ý bạn là 'issuer'?", "did you mean 'issuer'?")
    assert any(p.field == "certificates.0.issuer" and p.code == "missing" for p in errors)


def test_unknown_field_far_from_any_lists_the_allowed_ones(tree):
    tree.edit(ORG, "sample: true", "sample: true\nxyz: 1")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{ORG}:19", "xyz")
    assert_message(error, "các trường được phép: id, name", "unknown field")


def test_empty_value_says_so(tree):
    tree.edit(PRODUCT, "name: Túi giấy tái chế", "name:")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{PRODUCT}:3", "name")
    assert_message(error, "chưa ghi giá trị", "the value is empty")


def test_control_character_in_text(tree):
    tree.edit(PRODUCT, "name: Túi giấy tái chế", 'name: "Túi giấy\\x07"')
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{PRODUCT}:3", "name")
    assert_message(error, "có ký tự điều khiển ẩn U+0007 ở vị trí 9; hãy xóa ký tự vô hình này",
                   "invisible control character U+0007 at position 9")


# --- invisible characters in every text field ------------------------------------------

# (character, message code in single-line text, in multi-line text or None when allowed there)
INVISIBLE = [
    ("\n", "line_break", None), ("\r", "line_break", "control_character"),
    ("\u2028", "line_break", "control_character"), ("\u2029", "line_break", "control_character"),
    ("\t", "control_character", None), ("\x00", "control_character", "control_character"),
    ("\x07", "control_character", "control_character"), ("\x1b", "control_character", "control_character"),
    ("\x7f", "control_character", "control_character"), ("\x80", "control_character", "control_character"),
    ("\x85", "control_character", "control_character"), ("\x9f", "control_character", "control_character"),
    ("\ufdd0", "noncharacter", "noncharacter"), ("\ufdef", "noncharacter", "noncharacter"),
    ("\ufffe", "noncharacter", "noncharacter"), ("\uffff", "noncharacter", "noncharacter"),
    ("\U0001fffe", "noncharacter", "noncharacter"), ("\U0010ffff", "noncharacter", "noncharacter"),
    ("\u202a", "bidi_control", "bidi_control"), ("\u202e", "bidi_control", "bidi_control"),
    ("\u2066", "bidi_control", "bidi_control"), ("\u2069", "bidi_control", "bidi_control"),
    ("\ud800", "string_unicode", "string_unicode"), ("\udfff", "string_unicode", "string_unicode"),  # pydantic's
]
# Odd but harmless: accepted everywhere, and exported as data (see test_export.py).
ACCEPTED = ["<script>alert(1)</script>", "]]>", "&amp;", "{{ x }} {% y %}", "---", "=1+1", "🌿", "👩\u200d👩\u200d👧",
            "مرحبا بالعالم", "שלום", "Tie\u0302\u0301ng", "\u200b\u200c\u200e\u200f", "\ue000", "a" * 300]
_TEXT_CHECKS = {typing.get_args(models.Text)[-1]: "single", typing.get_args(models.LongText)[-1]: "multi"}


def _holds(annotation, check) -> bool:
    return annotation is check or any(_holds(arg, check) for arg in typing.get_args(annotation))


def _leaf_fields(model, prefix=()):
    """(path, FieldInfo) of every non-model field, reaching into nested models; lists at item 0."""
    for name, info in model.model_fields.items():
        sub, is_list = nested_model(info.annotation)
        path = prefix + (name,) + ((0,) if is_list else ())
        yield from _leaf_fields(sub, path) if sub else [(path, info)]


def _text_fields() -> list[tuple[str, tuple, str]]:
    """(kind, path, "single" or "multi") of every Text and LongText field of every model."""
    return [(kind, path, lines) for kind, model in MODELS.items() for path, info in _leaf_fields(model)
            for check, lines in _TEXT_CHECKS.items() if _holds(info.annotation, check) or check in info.metadata]


TEXT_FIELDS = _text_fields()
BASE = {load_file(path).data["kind"]: load_file(path).data for path in VALID.rglob("*.yaml")}


def _with(data: dict, path: tuple, value) -> dict:
    """A copy of `data` with `value` at `path`, creating the lists and mappings on the way."""
    data = copy.deepcopy(data)
    node = data
    for part, following in zip(path, path[1:] + (None,)):
        if following is None:
            if isinstance(node, list) and not node:
                node.append(value)
            node[part] = value
        elif isinstance(node, list):
            if not node:
                node.append({} if isinstance(following, str) else [])
            node = node[part]
        else:
            if not isinstance(node.get(part), (dict, list)):
                node[part] = {} if isinstance(following, str) else []
            node = node[part]
    return data


def test_every_free_text_field_is_checked():
    paths = {".".join(map(str, path)) for _, path, _ in TEXT_FIELDS}
    assert {"name", "name_en", "summary", "description", "material", "venue", "address.street", "results.0",
            "environmental_claims.0", "certificates.0.issuer", "certificates.0.number", "certificates.0.scheme_name",
            "permits.0.issuer", "documents.0.title", "sources.0.document", "sources.0.task", "sources.0.title",
            "programme.document", "programme.title"} <= paths
    assert {lines for kind, path, lines in TEXT_FIELDS if path == ("description",)} == {"multi"}


def _samples(value, name=None, found=None) -> dict[str, str]:
    """A valid example of every string field of the fixtures, by field name."""
    found = {} if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            _samples(item, key, found)
    elif isinstance(value, list):
        for item in value:
            _samples(item, name, found)
    elif isinstance(value, str) and name:
        found.setdefault(name, value)
    return found


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x80", "\u2028", "\u202e", "\ufffe", "\U0010ffff"])
def test_no_string_field_keeps_an_invisible_character(char):
    # Codes, provinces, slugs, addresses, tax codes...: each field either refuses the character
    # or stores a value without it (a closed list folds "bao\u202e_bi" into the code "bao_bi").
    samples = _samples(list(BASE.values()))
    for kind, model in MODELS.items():
        for path, info in _leaf_fields(model):
            if not _holds(info.annotation, str):
                continue
            adapter = TypeAdapter(typing.Annotated[(info.annotation, *info.metadata)] if info.metadata
                                  else info.annotation)
            sample = samples.get(next(p for p in reversed(path) if isinstance(p, str)), "x")
            for value in (char, sample + char, char + sample, sample[:2] + char + sample[2:]):
                try:
                    stored = adapter.validate_python([value] if path[-1] == 0 else value)
                except ValidationError:
                    continue
                assert char not in str(stored), (kind, path, value, stored)


@pytest.mark.parametrize("char, single, multi", INVISIBLE, ids=[f"U+{ord(c[0]):04X}" for c in INVISIBLE])
def test_every_text_field_refuses_invisible_characters(char, single, multi):
    for kind, path, lines in TEXT_FIELDS:
        code = single if lines == "single" else multi
        data = _with(BASE[kind], path, f"Ab{char}c")
        try:
            listing = MODELS[kind].model_validate(data)
        except ValidationError as err:
            found = [e for e in err.errors() if tuple(e["loc"]) == path]
        else:
            found, stored = [], listing
            for part in path:
                stored = stored[part] if isinstance(part, int) else getattr(stored, part)
            assert code is None and stored == f"Ab{char}c", (kind, path)
        if code is not None:
            assert [e["type"] for e in found] == [code], (kind, path, found)
            if code != "string_unicode":
                assert found[0]["ctx"] == {"char": f"U+{ord(char):04X}", "position": 3}


@pytest.mark.parametrize("text", ACCEPTED, ids=range(len(ACCEPTED)))
def test_odd_but_harmless_text_is_accepted_in_every_text_field(text):
    for kind, path, _ in TEXT_FIELDS:
        data = _with(BASE[kind], path, text)
        try:
            MODELS[kind].model_validate(data)
        except ValidationError as err:  # a created sub-model may lack its other required fields
            assert not [e for e in err.errors() if tuple(e["loc"]) == path], (kind, path, err)


@pytest.mark.parametrize("rel, old, new, line, field, vi, en", [
    (PRODUCT, "name: Túi giấy tái chế", 'name: "Túi\\u202egiấy"', 3, "name",
     "có ký tự đảo chiều văn bản ẩn U+202E ở vị trí 4", "hidden bidirectional control U+202E at position 4"),
    (PRODUCT, "    issuer: Ủy ban châu Âu", '    issuer: "Ủy ban\\uFFFE"', 12, "certificates.0.issuer",
     "có ký tự không hợp lệ U+FFFE ở vị trí 7", "noncharacter U+FFFE at position 7"),
    (ORG, "  street: 1 Tràng Tiền, phường Hoàn Kiếm", '  street: "1 Tràng Tiền\\x80"', 9, "address.street",
     "có ký tự điều khiển ẩn U+0080 ở vị trí 13", "invisible control character U+0080 at position 13"),
    (MODEL, "  - Thu hồi pin lithium đã qua sử dụng", '  - "Thu hồi\\npin"', 14, "results.0",
     "trường này chỉ viết trên một dòng; hãy xóa dấu xuống dòng U+000A ở vị trí 8",
     "single-line field: delete the line break U+000A at position 8"),
    (ORG, "sample: true", 'sample: true\ndescription: "Dòng 1\\nDòng 2\\u2066"', 19, "description",
     "có ký tự đảo chiều văn bản ẩn U+2066 ở vị trí 14", "U+2066 at position 14"),
])
def test_invisible_character_message_names_field_position_and_code_point(tree, rel, old, new, line, field, vi, en):
    tree.edit(rel, old, new)
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{rel}:{line}", field)
    assert_message(error, vi, en)


def test_multi_line_description_keeps_newlines_and_tabs(tree):
    tree.edit(ORG, "sample: true", 'sample: true\ndescription: "Dòng 1\\n\\tDòng 2"')
    assert listing(tree.validate(), "cong-ty-mau").description == "Dòng 1\n\tDòng 2"


# --- web and e-mail addresses ----------------------------------------------------------


WEB = "https://mauxanh.example.vn"


@pytest.mark.parametrize("url, code", [(WEB + tail, "address_character") for tail in (
    "/\u00a0x", "\u2028/", "/\u3000x", "/\u200bx", "/\u202egpj.exe", "/\ufffe", "/\x00", "/\x85x", "/\ufeff", "/a b",
    "/a\u2028b ")] + [(url, "url_scheme") for url in (
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", WEB + "/<img>", WEB + '/"onmouseover=x',
    "https://evil.example\\@mauxanh.example.vn", "https://user@evil.example", "https://mauxanh", "https://.vn",
    "//evil.example")] + [(WEB + "/\ud800", "string_unicode")])
def test_url_refuses_spaces_invisible_characters_and_markup(url, code):
    with pytest.raises(ValidationError) as caught:
        models.Document(title="x", url=url)
    assert [e["type"] for e in caught.value.errors()] == [code]


@pytest.mark.parametrize("url", ["https://mauxanh.example.vn", "http://mauxanh.example.vn:8080/a?b=1&c=2#d",
                                 "https://xn--bcher-kva.example/", "https://bộ-công-thương.vn/tin-tức/một-hai",
                                 "https://mauxanh.example.vn/javascript:alert(1)", "https://a.example/%E2%80%AE"])
def test_url_accepts_web_addresses(url):
    assert models.Document(title="x", url=url).url == url


@pytest.mark.parametrize("email, code", [
    ("lien\u00a0he@mauxanh.example.vn", "address_character"), ("lienhe@mauxanh.example.vn\u200b", "address_character"),
    ("lienhe@mau\u202exanh.example.vn", "address_character"), ("lien he@mauxanh.example.vn", "address_character"),
    ("<lienhe@mauxanh.example.vn>", "email"), ('lien"he@mauxanh.example.vn', "email"),
    ("a?cc=b@mauxanh.example.vn", "email"), ("lienhe@mauxanh", "email"), ("lienhe@@mauxanh.example.vn", "email"),
    ("liên@mauxanh.example.vn", "email"), ("lienhe@mauxanh.example.vn\n", None),
])
def test_email_refuses_spaces_invisible_characters_and_markup(email, code):
    if code is None:  # whitespace at either end is trimmed away, as for every field
        assert models.Contact(email=email).email == email.strip()
        return
    with pytest.raises(ValidationError) as caught:
        models.Contact(email=email)
    assert [e["type"] for e in caught.value.errors()] == [code]


def test_email_accepts_addresses():
    for email in ("lienhe@mauxanh.example.vn", "a.b+c_d-e@mau-xanh.example.vn", "x@bộ-công-thương.vn"):
        assert models.Contact(email=email).email == email


# --- digits are ASCII digits -------------------------------------------------------------


@pytest.mark.parametrize("rel, line, written, field", [
    (ORG, "phone: 0912 345 678", "phone: '٠٩١٢ ٣٤٥ ٦٧٨'", "contact.phone"),
    (ORG, "phone: 0912 345 678", "phone: '０９１２ ３４５ ６７８'", "contact.phone"),
    (ORG, "tax_id: 0100109106", "tax_id: '٠١٠٠١٠٩١٠٦'", "tax_id"),
    (ORG, "  - mau-xanh", "  - mau-xanh١", "maintainers.0"),
    (ORG, "  - mau-xanh", "  - ｍａｕ", "maintainers.0"),
    (MODEL, "id: mo-hinh-mau", "id: mo-hinh-mau١", "id"),
    (MODEL, "year: 2022", "year: ２０２２", "year"),
    (MODEL, "year: 2022", "year: ٢٠٢٢", "year"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: ٠١/٠٩/٢٠٢٥", "date_added"),
    (PRODUCT, "date_added: 2025-09-01", "date_added: ０１/０９/２０２５", "date_added"),
    (PRODUCT, "sample: true", "sample: true\ngtin: '８９３４５６７８９０１２３'", "gtin"),
    (OFFER, "amount: 20", "amount: ２０", "quantity.amount"),
    (DISTRIBUTOR, "outlets: 3", "outlets: ٣", "outlets"),
])
def test_unicode_digits_are_not_digits(tree, rel, line, written, field):
    tree.edit(rel, line, written)
    assert tree.one_error().field == field


def test_full_width_tax_code_is_stored_in_ascii(tree):
    tree.edit(ORG, "tax_id: 0100109106", "tax_id: '０１００１０９１０６'")
    assert listing(tree.validate(), "cong-ty-mau").tax_id == "0100109106"


# --- dates and numbers in range ----------------------------------------------------------

DATE_FIELDS = [(PRODUCT, "valid_from: 2025-01-01", "certificates.0.valid_from"),
               (PRODUCT, "valid_until: 2099-12-31", "certificates.0.valid_until"),
               (PRODUCT, "date_added: 2025-09-01", "date_added"),
               (OFFER, "valid_until: 2099-12-31", "valid_until"),
               (DEMAND, "valid_from: 2025-09-01", "valid_from"),
               (EXHIBITION, "start_date: 2025-11-10", "start_date"),
               (EXHIBITION, "end_date: 2025-11-12", "end_date")]


@pytest.mark.parametrize("rel, line, field", DATE_FIELDS, ids=[d[2] for d in DATE_FIELDS])
@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-01", "1989-12-31", "1/1/1900", "31/12/2101"])
def test_dates_must_be_between_1990_and_2100(tree, rel, line, field, day):
    tree.edit(rel, line, f"{line.split(':')[0]}: {day}")
    error = next(p for p in tree.validate().errors if p.field == field)
    assert error.code == "date_range"
    assert_message(error, "ngày phải trong khoảng 1990–2100", "date must be between 1990 and 2100")


def test_first_and_last_allowed_days(tree):
    tree.edit(EXHIBITION, "start_date: 2025-11-10", "start_date: 2100-12-31")
    tree.edit(EXHIBITION, "end_date: 2025-11-12", "end_date: 31/12/2100")
    tree.edit(PRODUCT, "valid_from: 2025-01-01", "valid_from: 1990-01-01")
    assert tree.validate().errors == []


@pytest.mark.parametrize("rel, line, written, field, code", [
    (MODEL, "year: 2022", "year: 1999", "year", "greater_than_equal"),
    (MODEL, "year: 2022", "year: 2101", "year", "less_than_equal"),
    (MODEL, "year: 2022", "year: " + "9" * 5000, "year", "int_parsing_size"),
    (OFFER, "amount: 20", "amount: 1000000001", "quantity.amount", "less_than_equal"),
    (OFFER, "amount: 20", "amount: 1e308", "quantity.amount", "less_than_equal"),
    (OFFER, "amount: 20", "amount: 1e309", "quantity.amount", "finite_number"),
    (OFFER, "amount: 20", "amount: -.inf", "quantity.amount", "float_parsing"),
    (OFFER, "amount: 20", "amount: .nan", "quantity.amount", "float_parsing"),
    (OFFER, "amount: 20", "amount: nan", "quantity.amount", "finite_number"),
    (DISTRIBUTOR, "outlets: 3", "outlets: 100001", "outlets", "less_than_equal"),
    (EXHIBITION, "booths: 60", "booths: 100001", "booths", "less_than_equal"),
    (EXHIBITION, "booths: 60", "booths: 1" + "0" * 30, "booths", "less_than_equal"),
])
def test_numbers_are_bounded(tree, rel, line, written, field, code):
    tree.edit(rel, line, written)
    error = tree.one_error()
    assert (error.field, error.code) == (field, code)
    assert " / " in error.message and "(" + code + ")" not in error.message  # a real message, not the fallback


def test_largest_numbers_are_accepted(tree):
    tree.edit(OFFER, "amount: 20", "amount: 1e9")
    tree.edit(DISTRIBUTOR, "outlets: 3", "outlets: 100000")
    tree.edit(EXHIBITION, "booths: 60", "booths: 100000")
    assert tree.validate().errors == []


def test_lists_hold_at_most_50_items(tree):
    tree.edit(RECYCLER, "  - Bắc Ninh\ndate_added", "  - Bắc Ninh\n" + "  - Huế\n" * 49 + "date_added")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{RECYCLER}:16", "service_area")
    assert_message(error, "quá nhiều mục (tối đa 50)", "too many items")


# --- URLs --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://mauxanh.example.vn/a.pdf", "mauxanh.example.vn",
                                 "https://", "data:text/html,hi"])
def test_only_http_urls(tree, url):
    tree.edit(PRODUCT, "url: https://mauxanh.example.vn/chung-nhan.pdf", f"url: '{url}'")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{PRODUCT}:16", "certificates.0.url")
    assert_message(error, "phải là địa chỉ web bắt đầu bằng https://", "starting with http:// or https://")


def test_http_and_https_urls_are_accepted(tree):
    tree.edit(ORG, "website: https://mauxanh.example.vn", "website: http://mauxanh.example.vn/gioi-thieu?a=1")
    assert listing(tree.validate(), "cong-ty-mau").contact.website == "http://mauxanh.example.vn/gioi-thieu?a=1"


# --- closed lists --------------------------------------------------------------------

# file, the exact line written in the fixture, field (as reported and as attribute path), its line,
# a Vietnamese label, the code it means
CLOSED = [
    (ORG, "organisation_type: doanh_nghiep", "organisation_type", 6, "Doanh nghiệp", "doanh_nghiep"),
    (PRODUCT, "  - bao_bi", "sectors.0", 6, "Bao bì", "bao_bi"),
    (PRODUCT, "  - scheme: eu_ecolabel", "certificates.0.scheme", 11, "Nhãn sinh thái EU (EU Ecolabel)",
     "eu_ecolabel"),
    (RECYCLER, "  - pin_lithium", "waste_streams.0", 6, "Pin lithium đã qua sử dụng", "pin_lithium"),
    (RECYCLER, "  - thu_gom", "services.0", 8, "Thu gom", "thu_gom"),
    (RECYCLER, "unit: TNE", "capacity.unit", 12, "tấn", "TNE"),
    (RECYCLER, "per: nam", "capacity.per", 13, "năm", "nam"),
    (MODEL, "status: thi_diem", "status", 11, "Thí điểm", "thi_diem"),
    (EXHIBITION, "region: bac", "region", 9, "Miền Bắc", "bac"),
    (OFFER, "material_category: giay", "material_category", 5, "Giấy, bìa phế liệu", "giay"),
    (OFFER, "interval: thang", "recurrence.interval", 12, "tháng", "thang"),
    (OFFER, "  - tu_den_lay", "delivery.0", 15, "Bên mua tự đến lấy", "tu_den_lay"),
    (DISTRIBUTOR, "  - phan_phoi_ban_le", "sectors.0", 6, "Phân phối, bán lẻ", "phan_phoi_ban_le"),
]


def _replace_value(line: str, value: str) -> str:
    if line.lstrip().startswith("- ") and ":" not in line:
        return line.split("- ")[0] + f"- {value}"
    key, _, _ = line.partition(":")
    return f"{key}: {value}"


def _get(item, field: str):
    for part in field.split("."):
        item = item[int(part)] if part.isdigit() else getattr(item, part)
    return item


@pytest.mark.parametrize("rel, line, field, number, label, code", CLOSED, ids=[c[2] + "@" + c[0] for c in CLOSED])
def test_closed_list_refuses_an_unknown_value(tree, rel, line, field, number, label, code):
    tree.edit(rel, line, _replace_value(line, "'khong-co'"))
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{rel}:{number}", field)
    assert_message(error, "'khong-co' không có trong danh sách; chọn một trong: ", "'khong-co' is not allowed")
    assert code in error.message  # the allowed codes are listed


@pytest.mark.parametrize("rel, line, field, number, label, code", CLOSED, ids=[c[2] + "@" + c[0] for c in CLOSED])
@pytest.mark.parametrize("spelling", ["as written", "without diacritics", "NFD"])
def test_closed_list_accepts_the_vietnamese_label(tree, rel, line, field, number, label, code, spelling):
    value = {"as written": label, "without diacritics": fold(label),
             "NFD": unicodedata.normalize("NFD", label)}[spelling]
    tree.edit(rel, line, _replace_value(line, f"'{value}'"))
    report = tree.validate()
    assert report.errors == []
    assert _get(listing(report, Path(rel).stem), field) == code  # the file name is the id


def test_event_status_label(tree):
    tree.edit(EXHIBITION, "booths: 60", "booths: 60\nstatus: Tạm hoãn")
    assert listing(tree.validate(), "trien-lam-mau").status == "hoan"
    tree.edit(EXHIBITION, "status: Tạm hoãn", "status: đã xong")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{EXHIBITION}:13", "status")
    assert_message(error, "'đã xong' không có trong danh sách", "is not allowed")


# --- provinces -----------------------------------------------------------------------


@pytest.mark.parametrize("written, official", [
    ("Hà Nội", "Thành phố Hà Nội"),
    ("TP Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("ho chi minh", "Thành phố Hồ Chí Minh"),
    (unicodedata.normalize("NFD", "Đắk Lắk"), "Đắk Lắk"),
    ("lam dong", "Lâm Đồng"),
])
def test_current_province_in_several_spellings(tree, written, official):
    tree.edit(ORG, "  province: Hà Nội", f"  province: {written}")
    assert listing(tree.validate(), "cong-ty-mau").address.province == official


def test_former_province_is_refused_with_the_new_name(tree):
    tree.edit(ORG, "  province: Hà Nội", "  province: Bình Thuận")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{ORG}:10", "address.province")
    assert_message(error, "'Bình Thuận' không còn là tỉnh từ 1/7/2025; nay thuộc Lâm Đồng. Hãy ghi: Lâm Đồng",
                   "Bình Thuận is no longer a province since 1 July 2025; write Lâm Đồng")


def test_former_province_in_a_list_without_diacritics(tree):
    tree.edit(RECYCLER, "  - Bắc Ninh\ndate_added", "  - bac giang\ndate_added")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{RECYCLER}:18", "service_area.1")
    assert_message(error, "'Bắc Giang' không còn là tỉnh", "write Bắc Ninh")


def test_unknown_province(tree):
    tree.edit(ORG, "  province: Hà Nội", "  province: Gotham")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{ORG}:10", "address.province")
    assert_message(error, "'Gotham' không phải một trong 34 tỉnh", "not one of the 34 current provinces")


# --- consistency inside one listing --------------------------------------------------


def test_contact_needs_at_least_one_way(tree):
    text = tree.read(ORG)
    start = text.index("contact:")
    end = text.index("maintainers:")
    tree.write(ORG, text[:start] + "contact:\n  email:\n" + text[end:])
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{ORG}:11", "contact")
    assert_message(error, "cần ít nhất một trong: email, phone, website", "at least one of email, phone, website")


def test_certificate_valid_until_before_valid_from(tree):
    tree.edit(PRODUCT, "valid_until: 2099-12-31", "valid_until: 2024-12-31")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{PRODUCT}:15", "certificates.0.valid_until")
    assert_message(error, "'valid_until' không được trước 'valid_from'", "must not be before 'valid_from'")


def test_certificate_dates_in_vietnamese_form(tree):
    tree.edit(PRODUCT, "valid_from: 2025-01-01", "valid_from: 1/1/2025")
    cert = listing(tree.validate(), "tui-giay-mau").certificates[0]
    assert cert.valid_from.isoformat() == "2025-01-01"
    tree.edit(PRODUCT, "valid_from: 1/1/2025", "valid_from: 31/02/2025")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{PRODUCT}:14", "certificates.0.valid_from")
    assert_message(error, "ngày không có thật", "not a real date")


def test_other_scheme_needs_its_name(tree):
    tree.edit(PRODUCT, "scheme: eu_ecolabel", "scheme: khac")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{PRODUCT}:11", "certificates.0.scheme")
    assert_message(error, "với scheme 'khac' phải ghi scheme_name", "needs scheme_name")


def test_exhibition_end_before_start(tree):
    tree.edit(EXHIBITION, "end_date: 2025-11-12", "end_date: 2025-11-09")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{EXHIBITION}:6", "end_date")
    assert_message(error, "'end_date' không được trước 'start_date'", "must not be before 'start_date'")


def test_exhibition_with_neither_dates_nor_year(tree):
    tree.edit(EXHIBITION, "start_date: 2025-11-10\nend_date: 2025-11-12\n", "")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{EXHIBITION}:1", "start_date")
    assert_message(error, "ghi cả start_date và end_date; nếu chưa công bố ngày thì ghi year", "or year")


def test_exhibition_with_a_year_only_is_valid(tree):
    tree.edit(EXHIBITION, "start_date: 2025-11-10\nend_date: 2025-11-12\n", "year: 2026\n")
    assert listing(tree.validate(), "trien-lam-mau").year == 2026


def test_exhibition_with_one_date_only(tree):
    tree.edit(EXHIBITION, "end_date: 2025-11-12\n", "")
    error = tree.one_error()
    assert error.code == "event_dates" and error.field == "start_date"


def test_region_mismatch(tree):
    tree.edit(EXHIBITION, "region: bac", "region: nam")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{EXHIBITION}:9", "region")
    assert_message(error, "Thành phố Hà Nội thuộc miền 'bac'", "is in region 'bac'")


def test_recurring_without_interval(tree):
    tree.edit(OFFER, "  interval: thang\n", "")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{OFFER}:11", "recurrence.recurring")
    assert_message(error, "tin định kỳ phải có interval", "a recurring listing needs an interval")


def test_exchange_valid_until_before_valid_from(tree):
    tree.edit(DEMAND, "valid_until: 2099-06-30", "valid_until: 2025-08-31")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{DEMAND}:16", "valid_until")
    assert_message(error, "'valid_until' không được trước 'valid_from'", "must not be before")


def test_recycler_needs_an_area(tree):
    tree.edit(RECYCLER, "service_area:\n  - Hà Nội\n  - Bắc Ninh\n", "")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{RECYCLER}:1", "")
    assert_message(error, "ghi service_area (các tỉnh phục vụ) hoặc nationwide: true", "nationwide: true")


def test_product_needs_certificates_or_claims(tree):
    text = tree.read(PRODUCT)
    tree.write(PRODUCT, text[:text.index("environmental_claims:")] + text[text.index("date_added:"):])
    error = tree.one_error()
    assert error.code == "product_evidence"
    assert_message(error, "sản phẩm cần certificates (chứng nhận) hoặc environmental_claims", "certificates or")


def test_id_must_be_an_ascii_slug(tree):
    tree.edit(MODEL, "id: mo-hinh-mau", "id: Mô hình mẫu")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{MODEL}:1", "id")
    assert_message(error, "chỉ dùng chữ thường a-z, số và dấu '-', không dấu", "use only a-z, 0-9 and '-'")


def test_certificate_is_valid_on():
    import datetime as dt
    cert = Certificate(scheme="iso_14001", issuer="X", number="1", valid_from="2025-01-01", valid_until="2025-12-31")
    assert cert.is_valid_on(dt.date(2025, 12, 31))
    assert not cert.is_valid_on(dt.date(2026, 1, 1))
