"""The strict YAML loader: each refusal on a small fixture, with its line and message.

Fixtures live in tests/fixtures/invalid/load/ (one broken file per rule) and
tests/fixtures/text/ (files that load, to check what the values become).
"""

from __future__ import annotations

import unicodedata

import pytest

from conftest import FIXTURES, INVALID, assert_message
from directory import load
from directory.load import LoadError, load_file

BROKEN = INVALID / "load"

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


@pytest.mark.parametrize("name, code, line, vi, en", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_file_is_reported_with_line_and_message(tree, name, code, line, vi, en):
    with pytest.raises(LoadError) as caught:
        load_file(BROKEN / name)
    assert (caught.value.code, caught.value.line) == (code, line)

    # The same file inside a listings tree: one error, path:line, both languages.
    tree.copy_in(BROKEN / name, "organisation/broken.yaml")
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
