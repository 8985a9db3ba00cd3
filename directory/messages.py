"""Every message a listing author can see, Vietnamese first, English after.

Keys are pydantic error types, our own custom error types (raised in `models.py`)
and load/cross-listing problem codes. Templates use `str.format` fields from the
error's context; values quoted from a listing are shortened and made printable
(`shown`). Nothing here decides *whether* something is wrong.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # loading (load.py)
    "unreadable": ("không đọc được tệp ({detail})", "cannot read the file ({detail})"),
    "too_large": ("tệp quá lớn ({detail}); hãy rút gọn mô tả", "file too large ({detail})"),
    "not_utf8": ("tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8", "file is not UTF-8; save it as UTF-8"),
    "empty": ("tệp rỗng", "file is empty"),
    "tab": ("có ký tự Tab; hãy dùng dấu cách để thụt lề", "contains a tab; indent with spaces"),
    "syntax": ("lỗi cú pháp YAML ({detail}); kiểm tra dấu ':' và thụt lề", "YAML syntax error ({detail})"),
    "documents": ("tệp phải chứa đúng một tài liệu YAML (bỏ các dòng '---' thừa)",
                  "the file must hold exactly one YAML document"),
    "not_mapping": ("tệp phải là danh sách các trường 'tên: giá trị'", "the file must be a mapping of fields"),
    "alias": ("không dùng neo/bí danh YAML (& và *); hãy viết đầy đủ giá trị",
              "YAML anchors and aliases (& and *) are not allowed"),
    "tag": ("không dùng thẻ YAML ({detail})", "YAML tags are not allowed ({detail})"),
    "complex_key": ("tên trường phải là chữ", "field names must be text"),
    "key_character": ("tên trường có ký tự vô hình hoặc dấu xuống dòng; hãy gõ lại tên trường",
                      "a field name holds an invisible character or a line break"),
    "duplicate_key": ("trường '{detail}' xuất hiện hai lần; hãy xóa một lần",
                      "field '{detail}' appears twice"),
    "too_deep": ("lồng quá sâu (quá {detail} cấp danh sách/nhóm trường); kiểm tra các dấu '[', '{{' và '- ' thừa",
                 "nested too deeply (more than {detail} levels of lists and groups)"),
    "too_many_values": ("tệp có quá nhiều trường và giá trị (hơn {detail}); một tin đăng chỉ cần vài trăm",
                        "too many fields and values (more than {detail})"),
    "combining_marks": ("có hơn {detail} dấu kết hợp liên tiếp trên một chữ; hãy gõ lại đoạn văn",
                        "more than {detail} combining marks in a row; retype the text"),
    # files and cross-listing checks (validate.py)
    "misplaced_file": ("tệp phải nằm ở listings/<loại>/<mã>.yaml (loại: {kinds})",
                       "files belong in listings/<kind>/<id>.yaml"),
    "unknown_kind": ("loại '{kind}' không có; chọn một trong: {kinds}", "unknown kind '{kind}'"),
    "kind_folder": ("kind là '{kind}' nhưng tệp nằm trong thư mục '{folder}'",
                    "kind '{kind}' does not match folder '{folder}'"),
    "id_filename": ("id '{id}' phải trùng tên tệp: hãy viết id: {stem}", "id must equal the file name: {stem}"),
    "id_duplicate": ("id '{id}' đã dùng ở {other}", "id '{id}' is already used by {other}"),
    "dangling_reference": ("không tìm thấy doanh nghiệp/tổ chức có id '{ref}' trong listings/organisation/",
                           "no organisation with id '{ref}'"),
    "tax_id_duplicate": ("mã số thuế {tax_id} đã có ở {other}; mỗi đơn vị chỉ khai một lần",
                         "tax code {tax_id} is already used by {other}"),
    # warnings
    "all_expired": ("mọi chứng nhận đã hết hạn: tin này sẽ không được hiển thị là 'được chứng nhận'",
                    "all certificates have expired: not shown as certified"),
    "expires_soon": ("chứng nhận {number} hết hạn ngày {until}; hãy gia hạn và cập nhật",
                     "certificate {number} expires on {until}"),
    "green_label_term": ("Nhãn Xanh Việt Nam có hiệu lực tối đa 36 tháng; kiểm tra lại ngày",
                         "a Vietnam Green Label is valid for 36 months at most"),
    "exchange_expired": ("tin đã hết hạn ngày {until}; hãy gia hạn hoặc xóa tin",
                         "listing expired on {until}"),
    # pydantic built-in error types
    "missing": ("thiếu trường bắt buộc", "required field is missing"),
    "extra_forbidden": ("trường không có trong mẫu{hint}", "unknown field{hint_en}"),
    "string_type": ("phải là chữ", "must be text"),
    "string_unicode": ("có ký tự hỏng (nửa cặp UTF-16); hãy gõ lại đoạn văn",
                       "holds a broken character (a lone surrogate)"),
    "string_too_short": ("không được để trống", "must not be empty"),
    "string_too_long": ("quá dài (tối đa {max_length} ký tự)", "too long (at most {max_length} characters)"),
    "too_short": ("cần ít nhất {min_length} mục", "needs at least {min_length} item(s)"),
    "too_long": ("quá nhiều mục (tối đa {max_length})", "too many items"),
    "int_parsing": ("phải là số nguyên, ví dụ 50", "must be a whole number"),
    "int_from_float": ("phải là số nguyên, ví dụ 50", "must be a whole number"),
    "int_type": ("phải là số nguyên", "must be a whole number"),
    "int_parsing_size": ("số quá lớn", "number too large"),
    "float_parsing": ("phải là số, dùng dấu chấm thập phân: 1.5", "must be a number, e.g. 1.5"),
    "float_type": ("phải là số", "must be a number"),
    "finite_number": ("phải là một số cụ thể, ví dụ 1.5", "must be a finite number"),
    "value_empty": ("chưa ghi giá trị; hãy viết giá trị sau dấu ':'", "the value is empty; write it after the ':'"),
    "greater_than": ("phải lớn hơn {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("phải từ {ge} trở lên", "must be at least {ge}"),
    "less_than_equal": ("phải không quá {le}", "must be at most {le}"),
    "bool_parsing": ("chỉ được ghi true hoặc false", "must be true or false"),
    "bool_type": ("chỉ được ghi true hoặc false", "must be true or false"),
    "date_from_datetime_parsing": ("ngày không hợp lệ; viết dạng 2025-12-31 hoặc 31/12/2025",
                                   "invalid date; write 2025-12-31"),
    "date_parsing": ("ngày không hợp lệ; viết dạng 2025-12-31", "invalid date; write 2025-12-31"),
    "date_from_datetime_inexact": ("chỉ ghi ngày, không ghi giờ", "a date without a time"),
    "date_type": ("phải là ngày, dạng 2025-12-31", "must be a date like 2025-12-31"),
    "date_invalid": ("ngày không có thật", "not a real date"),
    "list_type": ("phải là danh sách (mỗi mục một dòng bắt đầu bằng '- ')",
                  "must be a list (one '- ' line per item)"),
    "model_type": ("phải là nhóm trường con (thụt lề bên dưới)", "must be a group of indented fields"),
    "model_attributes_type": ("phải là nhóm trường con (thụt lề bên dưới)", "must be a group of indented fields"),
    "dict_type": ("phải là nhóm trường con", "must be a group of fields"),
    "literal_error": ("giá trị không hợp lệ", "invalid value"),
    # custom error types (models.py)
    "not_in_list": ("'{input}' không có trong danh sách; chọn một trong: {allowed}",
                    "'{input}' is not allowed; use one of the listed codes"),
    "former_province": ("'{old}' không còn là tỉnh từ 1/7/2025; nay thuộc {new}. Hãy ghi: {new}",
                        "{old} is no longer a province since 1 July 2025; write {new}"),
    "unknown_province": ("'{input}' không phải một trong 34 tỉnh, thành phố hiện hành (ví dụ: Hà Nội, Lâm Đồng)",
                         "not one of the 34 current provinces and cities"),
    "control_character": ("có ký tự điều khiển ẩn {char} ở vị trí {position}; hãy xóa ký tự vô hình này",
                          "invisible control character {char} at position {position}; delete it"),
    "line_break": ("trường này chỉ viết trên một dòng; hãy xóa dấu xuống dòng {char} ở vị trí {position}",
                   "single-line field: delete the line break {char} at position {position}"),
    "noncharacter": ("có ký tự không hợp lệ {char} ở vị trí {position} (thường do sao chép từ tệp hỏng); "
                     "hãy xóa ký tự vô hình này", "invalid noncharacter {char} at position {position}; delete it"),
    "bidi_control": ("có ký tự đảo chiều văn bản ẩn {char} ở vị trí {position}; hãy xóa ký tự vô hình này",
                     "hidden bidirectional control {char} at position {position}; delete it"),
    "address_character": ("địa chỉ không được có dấu cách hay ký tự vô hình: hãy xóa {char} ở vị trí {position}",
                          "no spaces or invisible characters in an address: delete {char} at position {position}"),
    "date_range": ("ngày phải trong khoảng {first}–{last}; kiểm tra lại năm",
                   "date must be between {first} and {last}"),
    "slug": ("chỉ dùng chữ thường a-z, số và dấu '-', không dấu", "use only a-z, 0-9 and '-'"),
    "url_scheme": ("phải là địa chỉ web bắt đầu bằng https:// hoặc http://",
                   "must be a web address starting with http:// or https://"),
    "email": ("địa chỉ e-mail không hợp lệ", "not an e-mail address"),
    "phone": ("số điện thoại không hợp lệ; viết trong dấu nháy: '0912 345 678'",
              "not a phone number; quote it: '0912 345 678'"),
    "github_login": ("không phải tên tài khoản GitHub", "not a GitHub login"),
    "tax_code": ("mã số thuế không hợp lệ: 10 chữ số (chi nhánh thêm -001 đến -999), viết trong dấu nháy '0100109106'",
                 "invalid tax code: 10 digits, branch -001..-999, quoted"),
    "gtin": ("mã GTIN phải có 8, 12, 13 hoặc 14 chữ số, viết trong dấu nháy", "GTIN must be 8, 12, 13 or 14 digits"),
    "date_order": ("'{field}' không được trước '{start}'", "'{field}' must not be before '{start}'"),
    "scheme_name_missing": ("với scheme 'khac' phải ghi scheme_name", "scheme 'khac' needs scheme_name"),
    "contact_empty": ("cần ít nhất một trong: email, phone, website", "give at least one of email, phone, website"),
    "tax_id_missing": ("doanh nghiệp, hợp tác xã phải có tax_id (mã số thuế)",
                       "an enterprise or cooperative needs tax_id"),
    "product_evidence": ("sản phẩm cần certificates (chứng nhận) hoặc environmental_claims (đặc tính môi trường)",
                         "a product needs certificates or environmental_claims"),
    "service_area_missing": ("ghi service_area (các tỉnh phục vụ) hoặc nationwide: true",
                             "give service_area or nationwide: true"),
    "interval_missing": ("tin định kỳ phải có interval (tuan, thang, quy, nam)",
                         "a recurring listing needs an interval"),
    "event_dates": ("ghi cả start_date và end_date; nếu chưa công bố ngày thì ghi year",
                    "give start_date and end_date, or year when dates are not announced"),
    "region_mismatch": ("{province} thuộc miền '{expected}'", "{province} is in region '{expected}'"),
}

FALLBACK = ("giá trị không hợp lệ ({type})", "invalid value ({type})")


def render(code: str, context: dict) -> str:
    """'Vietnamese / English' for a message code, filled from `context`."""
    vi, en = MESSAGES.get(code, FALLBACK)
    safe = _Defaults(context, type=code)
    return f"{vi.format_map(safe)} / {en.format_map(safe)}"


SHOWN_MAX = 300  # characters of a value quoted in a message (lists of allowed codes are shorter)


def shown(value) -> str:
    """A value as quoted in a message: at most SHOWN_MAX characters, and each character that
    is not printable (a control, line break, bidi control...) written as <U+XXXX>, so that a
    listing cannot write to the terminal or start a GitHub Actions command line."""
    text = str(value)
    cut = text[:SHOWN_MAX] + ("…" if len(text) > SHOWN_MAX else "")
    return cut if cut.isprintable() else "".join(ch if ch.isprintable() else f"<U+{ord(ch):04X}>" for ch in cut)


class _Defaults(dict):
    def __init__(self, context: dict, **extra):
        super().__init__({**extra, **{k: shown(v) for k, v in context.items()}})

    def __missing__(self, key):
        return ""
