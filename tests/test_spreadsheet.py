"""The Excel workbook of the open data (du-lieu/danh-ba.xlsx), read back with openpyxl.

It must keep what a double-clicked CSV loses: tax codes with their leading zero, phone
numbers and GTINs as text, dates as dates; and be the same bytes on every build of a day.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from directory import export, spreadsheet, synthetic, urls, vocab
from directory.validate import validate_tree

FIXTURE = Path(__file__).parent / "fixtures" / "export"
SITE = "https://scp.gov.vn/"
ON = dt.date(2025, 10, 1)


def by_kind(listings, on=ON) -> dict[str, list[dict]]:
    records = [export.listing_record(x, SITE, on) for x in sorted(listings, key=export.file_order)]
    return {kind: [r for r in records if r["kind"] == kind] for kind in vocab.KINDS.codes()}


@pytest.fixture(scope="module")
def listings():
    report = validate_tree(FIXTURE, today=ON)
    assert report.ok, report.format(github=False)
    return report.listings


@pytest.fixture(scope="module")
def data(listings) -> bytes:
    return spreadsheet.workbook_bytes(by_kind(listings), ON)


@pytest.fixture(scope="module")
def book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c for c in row))) for row in sheet.iter_rows(min_row=2)]


def sheet_of(book, kind):
    return book[vocab.KINDS.label(kind)]


def test_one_sheet_per_kind_with_the_csv_columns_and_one_row_per_listing(book, listings):
    assert book.sheetnames == [vocab.KINDS.label(kind) for kind in vocab.KINDS.codes()]
    for kind in vocab.KINDS.codes():
        sheet = sheet_of(book, kind)
        assert [c.value for c in sheet[1]] == export.csv_columns(kind)
        assert sheet.max_row - 1 == sum(x.kind == kind for x in listings)
        assert [r["id"].value for r in rows(sheet)] == sorted(x.id for x in listings if x.kind == kind)


def test_tax_codes_and_phones_stay_text_with_their_leading_zero(book):
    org = rows(sheet_of(book, "organisation"))[0]
    assert org["tax_id"].value == "0100109106" and org["tax_id"].data_type == "s"
    assert org["tax_id"].number_format == "@"
    assert org["contact.phone"].value == "+84 912 345 678" and org["contact.phone"].data_type == "s"


def test_dates_are_dates_and_numbers_are_numbers(book, listings):
    org = rows(sheet_of(book, "organisation"))[0]
    assert isinstance(org["date_added"].value, dt.datetime)  # openpyxl reads Excel dates as datetimes
    assert org["date_added"].number_format == "dd/mm/yyyy"
    offer = rows(sheet_of(book, "offer"))[0]
    assert offer["quantity.amount"].value == 20 and offer["quantity.amount"].data_type == "n"
    assert offer["valid_until"].value.date() == next(x for x in listings if x.kind == "offer").valid_until
    recycler = rows(sheet_of(book, "recycler"))[0]
    assert recycler["capacity.amount"].value == 1200.5


def test_a_date_column_with_several_values_stays_readable_text(book):
    glass = next(r for r in rows(sheet_of(book, "product")) if r["id"].value == "binh-thuy-tinh")
    assert glass["certificates.valid_until"].data_type == "s"
    assert ";" in glass["certificates.valid_until"].value


def test_formula_like_text_is_text_and_flagged(book):
    glass = next(r for r in rows(sheet_of(book, "product")) if r["id"].value == "binh-thuy-tinh")
    cell = glass["name"]
    assert cell.value == '=HYPERLINK("http://evil.example","Bấm vào đây")'  # the text itself, no apostrophe
    assert cell.data_type == "s" and cell.quotePrefix
    offer = rows(sheet_of(book, "offer"))[0]
    assert offer["contact.phone"].value == "+84 243 123 4567" and offer["contact.phone"].quotePrefix


def test_no_cell_is_a_formula(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_frozen_header_autofilter_and_widths(book):
    for kind in vocab.KINDS.codes():
        sheet = sheet_of(book, kind)
        assert sheet.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(len(export.csv_columns(kind)))
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
        assert all(c.font.bold for c in sheet[1])
        widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
                  for i in range(len(export.csv_columns(kind)))]
        assert all(spreadsheet.MIN_WIDTH <= w <= spreadsheet.MAX_WIDTH for w in widths)
    names = sheet_of(book, "organisation")
    header = [c.value for c in names[1]]
    width = names.column_dimensions[openpyxl.utils.get_column_letter(header.index("name") + 1)].width
    assert width > names.column_dimensions[openpyxl.utils.get_column_letter(header.index("sample") + 1)].width


def test_byte_identical_across_builds_of_a_day_and_dated_that_day(listings, data):
    again = spreadsheet.workbook_bytes(by_kind(list(reversed(listings))), ON)
    assert again == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2025, 10, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2025-10-01T00:00:00Z") == 2  # created and modified
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.properties.created == book.properties.modified == dt.datetime(2025, 10, 1)
    assert spreadsheet.workbook_bytes(by_kind(listings, dt.date(2025, 10, 2)), dt.date(2025, 10, 2)) != data


def test_synthetic_tax_codes_with_leading_zeros_survive(tmp_path):
    synthetic.write_tree(synthetic.generate(120, seed=5, today=ON), tmp_path)
    report = validate_tree(tmp_path / "listings", today=ON)
    assert report.ok
    book = openpyxl.load_workbook(io.BytesIO(spreadsheet.workbook_bytes(by_kind(report.listings), ON)))
    orgs = rows(sheet_of(book, "organisation"))
    written = {x.id: x.tax_id for x in report.listings if x.kind == "organisation"}
    assert len(orgs) == len(written)
    assert {r["id"].value: r["tax_id"].value for r in orgs} == written
    assert any(code.startswith("0") for code in written.values())


def test_write_exports_writes_the_workbook_and_links_it(listings, tmp_path):
    export.write_exports(listings, tmp_path, SITE, ON)
    out = tmp_path / urls.OPEN_DATA
    assert (out / spreadsheet.WORKBOOK).read_bytes() == spreadsheet.workbook_bytes(by_kind(listings), ON)
    page = (out / "index.md").read_text(encoding="utf-8")
    assert f"[{spreadsheet.WORKBOOK}]({spreadsheet.WORKBOOK})" in page
    assert "(Excel)" in page
