"""The strict YAML loader: each refusal on a small fixture, with its line and message.

Fixtures live in tests/fixtures/invalid/load/ (one broken file per rule),
tests/fixtures/hostile/ (files built to hang or trick the loader) and
tests/fixtures/text/ (files that load, to check what the values become). The worst
cases up to the size limit are generated in code and must validate in well under 1 s.
"""

from __future__ import annotations

import time
import unicodedata

import pytest

from conftest import FIXTURES, INVALID, assert_message
from directory import load
from directory.load import LoadError, load_file
from directory.validate import validate_tree

BROKEN = INVALID / "load"
HOSTILE = FIXTURES / "hostile"

# fixture file, error code, line, a piece of the Vietnamese and of the English message
REFUSALS = [
    ("duplicate_key.yaml", "duplicate_key", 6, "trường 'province' xuất hiện hai lần", "field 'province' appears twice"),
    ("anchor.yaml", "alias", 3, "không dùng neo/bí danh YAML", "anchors and aliases"),
    ("alias.yaml", "alias", 4, "không dùng neo/bí danh YAML", "anchors and aliases"),
    ("python_tag.yaml", "tag", 3, "không dùng thẻ YAML (tag:yaml.org,2002:python/object:os.system)",
     "YAML tags are not allowed"),
    ("tab.yaml", "tab", 4, "có ký tự Tab", "indent with spaces"),
    ("not_utf8.yaml", "not_utf8", 3, "tệp không phải UTF-8", "file is not UTF-8"),
    ("empty.yaml", "empty", 1, "tệp rỗng", "file is empty"),
    ("comment_only.yaml", "empty", 1, "tệp rỗng", "file is empty"),
    ("list.yaml", "not_mapping", 1, "tệp phải là danh sách các trường", "must be a mapping of fields"),
    ("scalar.yaml", "not_mapping", 1, "tệp phải là danh sách các trường", "must be a mapping of fields"),
    ("two_documents.yaml", "documents", 3, "đúng một tài liệu YAML", "exactly one YAML document"),
    ("syntax.yaml", "syntax", 3, "lỗi cú pháp YAML (found unexpected end of stream)", "YAML syntax error"),
    ("null_key.yaml", "complex_key", 3, "tên trường phải là chữ", "field names must be text"),
]


HOSTILE_REFUSALS = [
    ("deep_flow.yaml", "too_deep", 3, "lồng quá sâu (quá 10 cấp", "nested too deeply (more than 10 levels"),
    ("deep_block.yaml", "too_deep", 6, "lồng quá sâu", "nested too deeply"),
    ("combining_marks.yaml", "combining_marks", 3, "có hơn 30 dấu kết hợp liên tiếp trên một chữ",
     "more than 30 combining marks in a row"),
    ("key_character.yaml", "key_character", 4, "tên trường có ký tự vô hình", "a field name holds an invisible"),
]


@pytest.mark.parametrize("name, code, line, vi, en", [(BROKEN / r[0], *r[1:]) for r in REFUSALS] +
                         [(HOSTILE / r[0], *r[1:]) for r in HOSTILE_REFUSALS],
                         ids=[r[0] for r in REFUSALS + HOSTILE_REFUSALS])
def test_refused_file_is_reported_with_line_and_message(tree, name, code, line, vi, en):
    with pytest.raises(LoadError) as caught:
        load_file(name)
    assert (caught.value.code, caught.value.line) == (code, line)

    # The same file inside a listings tree: one error, path:line, both languages.
    tree.copy_in(name, "organisation/broken.yaml")
    error = tree.one_error()
    assert tree.where(error) == f"organisation/broken.yaml:{line}"
    assert error.field == ""
    assert_message(error, vi, en)
    assert error.format().startswith(f"{error.path}:{line}: ")


def test_python_tag_never_runs_code(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(f"x: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert caught.value.code == "tag"
    assert not marker.exists()


def test_size_limit(tree, monkeypatch):
    text = "id: cong-ty-mau\n" + "# đệm\n" * 100
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 256)
    tree.write("organisation/big.yaml", text)
    with pytest.raises(LoadError) as caught:
        load_file(tree.path("organisation/big.yaml"))
    assert caught.value.code == "too_large"
    error = next(p for p in tree.validate().errors if p.path.endswith("big.yaml"))
    assert tree.where(error) == "organisation/big.yaml:1"
    assert_message(error, "tệp quá lớn", "file too large")


def test_default_size_limit_refuses_a_huge_file(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("description: '" + "a" * (load.MAX_FILE_BYTES + 1) + "'\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert caught.value.code == "too_large"
    assert "KiB" in caught.value.detail


def test_unreadable_file_is_a_problem_not_a_crash(tree):
    tree.path("organisation/gone.yaml").symlink_to(tree.root / "nowhere.yaml")
    error = tree.one_error()
    assert tree.where(error) == "organisation/gone.yaml:1"
    assert_message(error, "không đọc được tệp", "cannot read the file")


def test_numbers_keep_their_exact_text():
    data = load_file(FIXTURES / "text" / "numbers.yaml").data
    assert data["tax_id"] == "0100109106"
    assert data["phone"] == "0912 345 678"
    assert data["mobile"] == "0912345678"
    assert data["amount"] == "1.50"
    assert data["year"] == "2025"
    assert data["flag"] == "yes"
    assert data["empty"] is None and data["tilde"] is None
    assert data["quoted_null"] == "null"


def test_nfd_text_is_normalised_to_nfc():
    path = FIXTURES / "text" / "nfd.yaml"
    raw = path.read_text(encoding="utf-8")
    assert raw != unicodedata.normalize("NFC", raw), "the fixture must really be NFD"
    data = load_file(path).data
    assert data["name"] == "Hợp tác xã Đắk Lắk"
    assert unicodedata.is_normalized("NFC", data["name"])
    assert data["address"]["province"] == unicodedata.normalize("NFC", "Đắk Lắk")


def test_lines_of_nested_keys_and_list_items():
    loaded = load_file(FIXTURES / "valid" / "product" / "tui-giay-mau.yaml")
    assert loaded.lines[("kind",)] == 2
    assert loaded.lines[("sectors", 1)] == 7
    assert loaded.lines[("certificates", 0, "valid_until")] == 15
    # An unknown location falls back to its deepest known parent, then to line 1.
    assert loaded.line_of(("certificates", 0, "nope")) == 11
    assert loaded.line_of(("nope",)) == 1


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfid: bom\n")
    assert load_file(path).data == {"id": "bom"}


def test_duplicate_keys_after_normalisation(tmp_path):
    # The same key typed once precomposed and once decomposed is still a duplicate.
    path = tmp_path / "dup.yaml"
    key = "tên"
    path.write_text(f"{key}: a\n{unicodedata.normalize('NFD', key)}: b\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert (caught.value.code, caught.value.line, caught.value.detail) == ("duplicate_key", 2, "tên")


# --- limits: nothing a file up to the size limit holds can make loading slow ------------


def _mapping_nested(depth: int) -> str:
    return "a: " + "[" * (depth - 1) + "x" + "]" * (depth - 1) + "\n"


def test_ten_levels_load_and_eleven_are_refused_as_the_parser_reaches_them(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(_mapping_nested(10), encoding="utf-8")  # the file's mapping and 9 lists
    assert load_file(path).data == {"a": [[[[[[[[["x"]]]]]]]]]}
    # One level more is refused, even when the rest of the file would not parse.
    path.write_text("id: x\nname: ok\na: " + "[" * 10 + "\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert (caught.value.code, caught.value.line, caught.value.detail) == ("too_deep", 3, "10")


def test_values_up_to_the_limit_load(tmp_path):
    path = tmp_path / "many.yaml"
    items = load.MAX_NODES - 3  # the file's mapping, the key and the list count too
    path.write_text("a:\n" + "- x\n" * items, encoding="utf-8")
    assert len(load_file(path).data["a"]) == items
    path.write_text("a:\n" + "- x\n" * (items + 1), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert (caught.value.code, caught.value.line) == ("too_many_values", items + 2)


@pytest.mark.parametrize("marks, refused", [("\u0301" * 30, False), ("\u0301\u0323" * 15 + "\u0301", True),
                                            ("\u0f73" * 31, True), ("\u0301" * 30 + "b" + "\u0301" * 30, False)])
def test_combining_marks_on_one_letter(tmp_path, marks, refused):
    path = tmp_path / "marks.yaml"
    path.write_text(f"id: x\nname: a{marks}\n", encoding="utf-8")
    if refused:
        with pytest.raises(LoadError) as caught:
            load_file(path)
        assert (caught.value.code, caught.value.line) == ("combining_marks", 2)
    else:
        assert load_file(path).data["name"] == unicodedata.normalize("NFC", f"a{marks}")


LIMIT = load.MAX_FILE_BYTES - 1024
HEAD = "id: x\nkind: product\nname: Tên\norganisation: cong-ty-mau\ndate_added: 2025-09-01\n"


def _fill(prefix: str, unit: str, suffix: str = "\n") -> str:
    """`prefix`, then `unit` repeated up to just under the size limit, then `suffix`."""
    count = (LIMIT - len(prefix.encode()) - len(suffix.encode())) // len(unit.encode())
    return prefix + unit * count + suffix


def _nest(opening: str, closing: str) -> str:
    count = (LIMIT - 8) // len((opening + closing).encode())
    return "a: " + opening * count + closing * count + "\n"


# name: (file text builder, a problem code the file must get)
WORST_CASES = {
    "nested [": (lambda: _nest("[", "]"), "too_deep"),
    "nested {a: ": (lambda: _nest("{a: ", "}"), "too_deep"),
    "nested [{a: ": (lambda: _nest("[{a: ", "}]"), "too_deep"),
    "unclosed [": (lambda: _fill("a: ", "["), "too_deep"),
    "one line of - - -": (lambda: _fill("a:\n  ", "- ", "x\n"), "too_deep"),
    "lines of - - -": (lambda: "a:\n" + "".join("  " + "- " * 60 + "x\n" for _ in range(LIMIT // 125)), "too_deep"),
    "complex keys ? [[[": (lambda: _fill("? ", "["), "complex_key"),
    "flow sequence [a, a, ...]": (lambda: _fill(HEAD + "sectors: [", "a, ", "a]\n"), "too_many_values"),
    "many tiny list items": (lambda: _fill(HEAD + "sectors:\n", "- a\n", ""), "too_many_values"),
    "many list items of mappings": (lambda: _fill(HEAD + "certificates:\n", "- {a: b}\n", ""), "too_many_values"),
    "many keys": (lambda: HEAD + "".join(f"k{i}: v\n" for i in range(LIMIT // 10)), "too_many_values"),
    "unknown keys just under the limit": (lambda: HEAD + "".join(f"k{i}: v\n" for i in range(1490)),
                                          "extra_forbidden"),
    "50 certificates of 28 unknown keys": (
        lambda: HEAD + "certificates:\n" + ("  - scheme: x\n" + "".join(f"    k{i}: v\n" for i in range(28))) * 50,
        "extra_forbidden"),
    "250 KB one-line string": (lambda: _fill(HEAD + "description: '", "a", "'\n"), "string_too_long"),
    "250 KB of Vietnamese letters": (lambda: _fill(HEAD + "summary: ", "ắ"), "string_too_long"),
    "250 KB of CJK": (lambda: _fill(HEAD + "summary: ", "中文"), "string_too_long"),
    "250 KB long key": (lambda: _fill("'", "k", "': v\n"), "syntax"),
    "250 KB of escapes": (lambda: _fill(HEAD + 'description: "', "\\x41", '"\n'), "string_too_long"),
    "250 KB of combining marks on one letter": (lambda: _fill("a: a", "\u0316\u0301"), "combining_marks"),
    "combining marks as escapes": (lambda: _fill('a: "a', "\\u0316\\u0301", '"\n'), "combining_marks"),
    "runs of 30 combining marks": (lambda: _fill(HEAD + "summary: ", "a" + "\u0301\u0316" * 15), "string_too_long"),
    "many documents": (lambda: _fill("a: 1\n", "---\n", ""), "documents"),
    "many document ends": (lambda: _fill(HEAD, "...\n", ""), "missing"),
    "long anchor": (lambda: _fill("a: &", "x", " b\n"), "alias"),
    "long alias": (lambda: _fill("a: *", "x"), "alias"),
    "long tag": (lambda: _fill("a: !", "x", " b\n"), "tag"),
    "250 KB integer": (lambda: _fill("id: x\nkind: model\nyear: ", "9"), "int_parsing_size"),
    "250 KB number": (lambda: _fill(HEAD.replace("product", "offer") + "quantity:\n  amount: ", "9"),
                      "finite_number"),
    "many comments": (lambda: _fill(HEAD, "#\n", ""), "missing"),
    "deep indentation": (lambda: _fill(HEAD + "sources:\n", " ", "- document: x\n"), "missing"),
}


@pytest.mark.parametrize("name", WORST_CASES)
def test_worst_case_file_validates_in_well_under_a_second(tmp_path, name):
    build, code = WORST_CASES[name]
    raw = build().encode()
    assert len(raw) <= load.MAX_FILE_BYTES  # not refused for its size alone
    (tmp_path / "product").mkdir()
    (tmp_path / "product" / "x.yaml").write_bytes(raw)
    start = time.process_time()
    report = validate_tree(tmp_path)
    elapsed = time.process_time() - start
    assert code in {p.code for p in report.errors}, [p.format()[:200] for p in report.errors]
    for problem in report.errors:
        assert len(problem.format()) < 2000  # a 250 KB value is not copied into the report
    assert elapsed < 0.5, f"{name}: {elapsed:.3f} s"  # measured: at most 0.04 s; minutes before the limits
