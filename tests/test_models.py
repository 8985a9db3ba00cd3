"""Field rules of the listing models, each broken in one fixture file.

Every test copies tests/fixtures/valid/, breaks one line of one file, validates
the tree and asserts the `path:line`, the field and both halves of the message.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from conftest import assert_message
from directory.models import MODELS, Certificate, Quantity
from directory.text import fold

ORG = "organisation/cong-ty-mau.yaml"
PRODUCT = "product/tui-giay-mau.yaml"
RECYCLER = "recycler/thu-gom-pin-mau.yaml"
MODEL = "model/mo-hinh-mau.yaml"
DISTRIBUTOR = "distributor/sieu-thi-mau.yaml"
EXHIBITION = "exhibition/trien-lam-mau.yaml"
OFFER = "offer/ban-giay-vun-mau.yaml"
DEMAND = "demand/mua-giay-vun-mau.yaml"


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
    assert_message(error, "có ký tự điều khiển ẩn", "invisible control character")


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
