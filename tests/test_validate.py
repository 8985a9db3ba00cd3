"""The tree validator: file placement, cross-listing checks, warnings and reporting.

Each test breaks a copy of tests/fixtures/valid/ and asserts the `path:line`, the
field and both halves of the message. Odd inputs must give problems, never raise.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import TODAY, assert_message
from directory.validate import Problem, validate_tree

ORG = "organisation/cong-ty-mau.yaml"
PRODUCT = "product/tui-giay-mau.yaml"
EXHIBITION = "exhibition/trien-lam-mau.yaml"
OFFER = "offer/ban-giay-vun-mau.yaml"
DISTRIBUTOR = "distributor/sieu-thi-mau.yaml"

SECOND_ORG = """id: {id}
kind: organisation
name: Hợp tác xã Mẫu Thứ Hai
organisation_type: hop_tac_xa
tax_id: '{tax_id}'
address:
  province: Cần Thơ
contact:
  email: htx@mau.example.vn
maintainers:
  - htx-mau
date_added: 2025-09-02
sample: true
"""


# --- files and folders ---------------------------------------------------------------


@pytest.mark.parametrize("rel", ["cong-ty.yaml", "organisation/cong-ty.yml", "congty/cong-ty.yaml",
                                 "organisation/cu/cong-ty.yaml", "organisation/cong-ty.YAML"])
def test_misplaced_files(tree, rel):
    tree.write(rel, tree.read(ORG))
    error = tree.one_error()
    assert tree.where(error) == f"{rel}:1"
    assert error.field == ""
    assert_message(error, "tệp phải nằm ở listings/<loại>/<mã>.yaml (loại: organisation, product",
                   "files belong in listings/<kind>/<id>.yaml")


def test_hidden_files_and_readme_are_ignored(tree):
    tree.write(".gitkeep", "")
    tree.write("product/.DS_Store", b"\x00\x01")
    tree.write("README.md", "# Tin đăng\n")
    report = tree.validate()
    assert report.errors == [] and report.checked == 8


def test_kind_field_must_match_folder(tree):
    tree.write("product/htx-mau.yaml", SECOND_ORG.format(id="htx-mau", tax_id="0101234565"))
    error = tree.one_error()
    assert (tree.where(error), error.field) == ("product/htx-mau.yaml:2", "kind")
    assert_message(error, "kind là 'organisation' nhưng tệp nằm trong thư mục 'product'",
                   "kind 'organisation' does not match folder 'product'")


@pytest.mark.parametrize("value, shown", [("san-pham", "san-pham"), ("[product, offer]", "['product', 'offer']"),
                                          ("{a: 1}", "{'a': '1'}")])
def test_unknown_kind_value(tree, value, shown):
    tree.edit(PRODUCT, "kind: product", f"kind: {value}")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{PRODUCT}:2", "kind")
    assert_message(error, f"loại '{shown}' không có; chọn một trong: organisation", f"unknown kind '{shown}'")


def test_missing_kind_is_reported_by_the_folder_model(tree):
    tree.edit(PRODUCT, "kind: product\n", "")
    error = tree.one_error()
    assert (tree.where(error), error.field, error.code) == (f"{PRODUCT}:1", "kind", "missing")
    assert_message(error, "thiếu trường bắt buộc", "required field is missing")


# --- ids and references --------------------------------------------------------------


def test_id_must_equal_file_name(tree):
    tree.edit(PRODUCT, "id: tui-giay-mau", "id: tui-giay")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{PRODUCT}:1", "id")
    assert_message(error, "id 'tui-giay' phải trùng tên tệp: hãy viết id: tui-giay-mau",
                   "id must equal the file name: tui-giay-mau")


def test_missing_id(tree):
    tree.edit(PRODUCT, "id: tui-giay-mau\n", "")
    error = tree.one_error()
    assert (tree.where(error), error.field, error.code) == (f"{PRODUCT}:1", "id", "missing")


def test_duplicate_id_across_kinds(tree):
    tree.write("organisation/tui-giay-mau.yaml", SECOND_ORG.format(id="tui-giay-mau", tax_id="0101234565"))
    report = tree.validate()
    assert len(report.errors) == 1, [p.format() for p in report.errors]
    error = report.errors[0]
    assert (tree.where(error), error.field) == (f"{PRODUCT}:1", "id")
    assert_message(error, "id 'tui-giay-mau' đã dùng ở ", "id 'tui-giay-mau' is already used by")
    assert "organisation/tui-giay-mau.yaml" in error.message
    assert "tui-giay-mau" not in {item.id for item in report.listings if item.kind == "product"}


def test_dangling_organisation_reference(tree):
    tree.edit(OFFER, "organisation: cong-ty-mau", "organisation: cong-ty-khong-co")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{OFFER}:4", "organisation")
    assert_message(error, "không tìm thấy doanh nghiệp/tổ chức có id 'cong-ty-khong-co'",
                   "no organisation with id 'cong-ty-khong-co'")


def test_dangling_organizer_reference(tree):
    tree.edit(EXHIBITION, "organizer: cong-ty-mau", "organizer: bo-cong-thuong")
    error = tree.one_error()
    assert (tree.where(error), error.field) == (f"{EXHIBITION}:4", "organizer")
    assert_message(error, "có id 'bo-cong-thuong'", "no organisation with id 'bo-cong-thuong'")


def test_reference_to_a_listing_of_another_kind_dangles(tree):
    tree.edit(OFFER, "organisation: cong-ty-mau", "organisation: tui-giay-mau")
    error = tree.one_error()
    assert (error.code, error.field) == ("dangling_reference", "organisation")


def test_an_invalid_organisation_does_not_make_every_reference_dangle(tree):
    tree.edit(ORG, "tax_id: 0100109106", "tax_id: 0100109107")
    error = tree.one_error()  # the tax code only: not 7 more "organisation not found"
    assert (tree.where(error), error.field, error.code) == (f"{ORG}:7", "tax_id", "tax_code")


def test_duplicate_tax_code(tree):
    tree.write("organisation/htx-mau.yaml", SECOND_ORG.format(id="htx-mau", tax_id="0100 109 106"))
    error = tree.one_error()
    assert (tree.where(error), error.field) == ("organisation/htx-mau.yaml:5", "tax_id")
    assert_message(error, "mã số thuế 0100109106 đã có ở ", "tax code 0100109106 is already used by")
    assert ORG in error.message


def test_branch_tax_code_is_not_a_duplicate_of_its_head_office(tree):
    tree.write("organisation/htx-mau.yaml", SECOND_ORG.format(id="htx-mau", tax_id="0100109106-001"))
    assert tree.validate().errors == []


# --- robustness: problems, never exceptions ------------------------------------------


@pytest.mark.parametrize("content", [
    "kind: [product]\n",
    "id: [a, b]\nkind: product\n",
    "id:\nkind:\n",
    "~: x\n",
    "just a line\n",
    "- a\n- b\n",
    "id: tui-giay-mau\nkind: product\nname: {a: b}\norganisation: [x]\nsectors: {a: b}\ncertificates: x\n"
    "date_added: hôm qua\n",
    "id: tui-giay-mau\nkind: product\ncertificates:\n  - 1\n  - [a]\n  - {scheme: x, isuer: y, valid_from: 1/13/2025}\n",
    b"\xff\xfe\x00\x00",
    "---\n",
    "id: x\nkind: exhibition\nregion: bac\nstart_date: 2025-01-02\n",
    "id: odd\nkind: exhibition\nname: x\norganizer: cong-ty-mau\nregion: bac\nstart_date: 2025-01-02\n"
    "end_date: 9999-12-31\ndate_added: 2025-09-01\n",
    "id: odd\nname: " + "[" * 100_000 + "\n",
    '"x\\n::error file=a::pwned": 1\n',
    "sectors: ['x\\n::error file=a::pwned\\x1b[2J']\n",
    "name: \"\\ufffe\\x80\\u202e\"\namount: 1e309\nyear: " + "9" * 5000 + "\n",
])
def test_odd_files_give_problems_not_exceptions(tree, content):
    tree.write("product/odd.yaml", content)
    report = tree.validate()
    assert report.errors, "an odd file must be refused"
    assert all(p.path.endswith("odd.yaml") for p in report.errors)
    for problem in report.errors:
        text = problem.format()
        assert " / " in text and text.startswith(problem.path)
        assert text.isprintable() and len(text) < 2000  # nothing from the file can drive the log


def test_all_errors_of_all_files_in_one_run(tree):
    tree.edit(PRODUCT, "id: tui-giay-mau", "id: tui-giay")
    tree.edit(PRODUCT, "  - bao_bi", "  - bao-bi-giay")
    tree.edit(OFFER, "  interval: thang\n", "")
    tree.write("organisation/tab.yaml", "id: tab\n\tkind: organisation\n")
    tree.write("offer/x.yml", "id: x\n")
    report = tree.validate()
    assert sorted((tree.where(p), p.code) for p in report.errors) == [
        ("offer/ban-giay-vun-mau.yaml:11", "interval_missing"),
        ("offer/x.yml:1", "misplaced_file"),
        ("organisation/tab.yaml:2", "tab"),
        ("product/tui-giay-mau.yaml:6", "not_in_list"),
    ]
    assert not report.ok
    # A listing that fails its model is checked no further: its id is not compared with its file name.


def test_only_reports_the_named_files(tree):
    tree.edit(PRODUCT, "  - bao_bi", "  - xx")
    tree.edit(OFFER, "organisation: cong-ty-mau", "organisation: nope")
    report = validate_tree(tree.root, today=TODAY, only={tree.path(OFFER)})
    assert [(tree.where(p), p.code) for p in report.errors] == [(f"{OFFER}:4", "dangling_reference")]


# --- warnings --------------------------------------------------------------------------


def test_all_certificates_expired_is_a_warning_not_an_error(tree):
    tree.edit(DISTRIBUTOR, "valid_until: 2099-02-28", "valid_until: 2025-06-30")
    report = tree.validate()
    assert report.ok and report.errors == []
    [warning] = report.warnings
    assert (tree.where(warning), warning.field, warning.code) == (f"{DISTRIBUTOR}:10", "certificates", "all_expired")
    assert_message(warning, "mọi chứng nhận đã hết hạn", "all certificates have expired")
    assert "sieu-thi-mau" in {item.id for item in report.listings}


def test_certificate_expiring_within_90_days(tree):
    tree.edit(PRODUCT, "valid_until: 2099-12-31", "valid_until: 2025-12-15")
    report = tree.validate()
    assert report.ok
    [warning] = report.warnings
    assert (tree.where(warning), warning.field, warning.code) == (f"{PRODUCT}:15", "certificates.0", "expires_soon")
    assert_message(warning, "chứng nhận EU-2025-001 hết hạn ngày 2025-12-15", "expires on 2025-12-15")
    # 91 days ahead: no warning yet.
    assert tree.validate(today=dt.date(2025, 9, 14)).warnings == []


def test_permit_expired(tree):
    recycler = "recycler/thu-gom-pin-mau.yaml"
    tree.edit(recycler, "date_added:", "permits:\n  - scheme: giay_phep_moi_truong\n    issuer: UBND tỉnh Bắc Ninh\n"
              "    number: GP-01\n    valid_from: 2020-01-01\n    valid_until: 2024-12-31\ndate_added:")
    [warning] = tree.validate().warnings
    assert (tree.where(warning), warning.field, warning.code) == (f"{recycler}:19", "permits", "all_expired")


def test_green_label_longer_than_36_months(tree):
    tree.edit(PRODUCT, "scheme: eu_ecolabel", "scheme: Nhãn Xanh Việt Nam")
    [warning] = tree.validate().warnings
    assert (tree.where(warning), warning.code) == (f"{PRODUCT}:15", "green_label_term")
    assert_message(warning, "Nhãn Xanh Việt Nam có hiệu lực tối đa 36 tháng", "36 months at most")


def test_expired_offer_is_a_warning(tree):
    tree.edit(OFFER, "valid_until: 2099-12-31", "valid_until: 2025-09-30")
    report = tree.validate()
    assert report.ok
    [warning] = report.warnings
    assert (tree.where(warning), warning.field, warning.code) == (f"{OFFER}:16", "valid_until", "exchange_expired")
    assert_message(warning, "tin đã hết hạn ngày 2025-09-30", "listing expired on 2025-09-30")


# --- reporting -------------------------------------------------------------------------


def test_format_lines_and_summary(tree, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    tree.edit(PRODUCT, "  - bao_bi", "  - xx")
    tree.edit(DISTRIBUTOR, "valid_until: 2099-02-28", "valid_until: 2025-06-30")
    text = tree.validate().format()
    lines = text.splitlines()
    assert lines[0] == "Lỗi / Errors (1):"
    assert lines[1].startswith(f"{tree.path(PRODUCT)}:6: sectors.0: 'xx' không có trong danh sách")
    assert lines[2] == "Gợi ý / Warnings (1):"
    assert lines[3].startswith(f"{tree.path(DISTRIBUTOR)}:10: certificates: mọi chứng nhận đã hết hạn")
    assert lines[-1] == "THẤT BẠI / FAILED: 8 tệp, 1 lỗi, 1 gợi ý / 8 files, 1 errors, 1 warnings"
    assert "::error" not in text


def test_github_annotations(tree, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    tree.edit(PRODUCT, "  - bao_bi", "  - xx")
    tree.edit(DISTRIBUTOR, "valid_until: 2099-02-28", "valid_until: 2025-06-30")
    lines = tree.validate().format().splitlines()
    error = [ln for ln in lines if ln.startswith("::error ")]
    warning = [ln for ln in lines if ln.startswith("::warning ")]
    assert len(error) == 1 and len(warning) == 1
    assert error[0].startswith(f"::error file={tree.path(PRODUCT)},line=6::sectors.0: 'xx' không có trong danh sách")
    assert warning[0].startswith(f"::warning file={tree.path(DISTRIBUTOR)},line=10::certificates: ")


def test_annotation_escapes_newlines_and_percent():
    problem = Problem("listings/a,b:50%.yaml", 3, "na\nme", "syntax", (("detail", "50%"),))
    assert problem.annotation("error") == (
        "::error file=listings/a%2Cb%3A50%25.yaml,line=3::na<U+000A>me: lỗi cú pháp YAML (50%25); "
        "kiểm tra dấu ':' và thụt lề / YAML syntax error (50%25)")


def test_quoted_values_cannot_start_a_log_line_or_drive_the_terminal():
    # A value quoted in a message (here an unknown sector) is shortened and shows invisible
    # characters as <U+XXXX>: no newline can start a GitHub Actions "::command" line.
    value = "x\n::error file=README.md::pwned\x1b[2J\u202e" + "y" * 1000
    problem = Problem("listings/a.yaml", 3, "sectors.0", "not_in_list", (("allowed", "a, b"), ("input", value)))
    for text in (problem.format(), problem.annotation("error")):
        assert "\n" not in text and "\x1b" not in text and "\u202e" not in text
        assert "x<U+000A>::error file=README.md::pwned<U+001B>[2J<U+202E>yyy" in text
        assert len(text) < 1000 and "y…'" in text


def test_valid_tree_report(tree):
    report = tree.validate()
    assert report.ok and report.checked == 8 and len(report.entries) == 8
    assert report.format(github=False) == "OK: 8 tệp, 0 lỗi, 0 gợi ý / 8 files, 0 errors, 0 warnings"


def test_a_file_name_cannot_start_a_log_line(tree):
    tree.write("offer/x\n::error file=a::forged.yaml", "kind: offer\n")
    report = tree.validate()
    lines = report.format(github=True).splitlines()
    assert not [line for line in lines if line.startswith("::error file=a")]
    assert any("<U+000A>::error file=a::forged.yaml" in line for line in lines)
