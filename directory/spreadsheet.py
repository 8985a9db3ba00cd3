"""The open data as one Excel workbook, for people: `du-lieu/danh-ba.xlsx`.

A CSV file opened by double-click loses data: spreadsheets read `0149387344` as the number
149387344 and a GTIN as 8.93E+12, and Vietnamese Windows, whose list separator is `;`,
puts a comma CSV in one column. The workbook says each cell's type instead: one sheet per
kind with the CSV's columns (`export.csv_columns`), tax codes, phone numbers, GTINs and
every other text as text (formula-like text too, flagged so that no app evaluates it),
single dates as real dates shown dd/mm/yyyy, numbers as numbers; a frozen header row with
an autofilter and column widths from the content.

`workbook_bytes` is a pure function of the records and the reference date: openpyxl's
timestamps (docProps/core.xml, zip entry times) are pinned to that date, so two builds of
the same day give the same bytes. This module only writes; `export.write_exports` calls it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import types
import typing
import zipfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from . import export, vocab
from .models import MODELS, nested_model

WORKBOOK = "danh-ba.xlsx"
DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"
MIN_WIDTH, MAX_WIDTH = 8, 50
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?")
_CORE = "docProps/core.xml"


def _leaf_type(annotation) -> str:
    """"date", "number" or "text" for a field's annotation (lists are joined, so text)."""
    found: set[type] = set()

    def walk(a):
        origin = typing.get_origin(a)
        if origin is list:
            found.add(list)
        elif origin is typing.Annotated:
            walk(typing.get_args(a)[0])
        elif origin in (typing.Union, types.UnionType):
            for arg in typing.get_args(a):
                walk(arg)
        elif isinstance(a, type):
            found.add(a)

    walk(annotation)
    if list in found or bool in found:
        return "text"
    if dt.date in found:
        return "date"
    if found & {int, float}:
        return "number"
    return "text"


def _column_types(model: type[BaseModel], prefix: str = "") -> dict[str, str]:
    columns: dict[str, str] = {}
    for name, info in model.model_fields.items():
        sub, _ = nested_model(info.annotation)
        if sub:
            columns.update(_column_types(sub, f"{prefix}{name}."))
        else:
            columns[prefix + name] = _leaf_type(info.annotation)
    return columns


def column_types(kind: str) -> list[tuple[str, str]]:
    """(column, "date" | "number" | "text") for each CSV column of `kind`."""
    typed = _column_types(MODELS[kind])
    return [(column, typed.get(column, "text")) for column in export.csv_columns(kind)]


def _value(text: str, kind: str):
    """The cell value of one CSV cell's text: a date or a number when the column has that type
    and the cell holds one value, else the text itself."""
    if kind == "date" and _ISO_DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
    return text


def _cell(sheet, value, header: bool = False) -> WriteOnlyCell | None:
    if value == "":
        return None  # an empty cell, not an empty text
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # the validator refuses them anyway
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # never a formula ("=...") nor an error code ("#N/A")
        cell.number_format = TEXT_FORMAT
        if export.neutralise(text) != text:
            cell.quotePrefix = True  # and it stays text when someone edits the cell
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
    if header:
        cell.font = Font(bold=True)
    return cell


def _width(values: list) -> float:
    longest = max((len(v.split("\n", 1)[0]) if isinstance(v, str) else 10 for v in values), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def _sheet_title(kind: str) -> str:
    """The kind's Vietnamese label, within Excel's 31 characters and without []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", vocab.KINDS.label(kind))[:31]


def workbook_bytes(records_by_kind: dict[str, list[dict]], on: dt.date) -> bytes:
    """The .xlsx file: one sheet per kind (in vocab.KINDS order) of `records_by_kind`
    (export.listing_record dicts), its timestamps set to `on`."""
    book = Workbook(write_only=True)
    stamp = dt.datetime.combine(on, dt.time())
    book.properties.creator = book.properties.lastModifiedBy = export.PUBLISHER[0]
    book.properties.title = "Danh bạ cung cầu SCP / SCP directory"
    book.properties.language = "vi"
    book.properties.created = book.properties.modified = stamp
    for kind in vocab.KINDS.codes():
        records = records_by_kind.get(kind, [])
        sheet = book.create_sheet(_sheet_title(kind))
        typed = column_types(kind)
        rows = [[_value(export._cell(record, column.split(".")), kind_) for column, kind_ in typed]
                for record in records]
        for i, (column, _) in enumerate(typed):
            letter = get_column_letter(i + 1)
            sheet.column_dimensions[letter].width = _width([column] + [row[i] for row in rows])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(typed))}{len(rows) + 1}"
        sheet.append([_cell(sheet, column, header=True) for column, _ in typed])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    raw = io.BytesIO()
    book.save(raw)
    return pin_dates(raw.getvalue(), on)


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def pin_dates(data: bytes, on: dt.date) -> bytes:
    """An .xlsx (a zip) rewritten with every entry dated `on` at midnight and fixed attributes, in the
    same order, and its document's created and modified dates set to `on` too (openpyxl stamps
    `modified` with the clock when it saves): two builds of the same day give the same bytes."""
    stamp = f"{on.isoformat()}T00:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == _CORE:
                content = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            pinned = zipfile.ZipInfo(info.filename, date_time=(on.year, on.month, on.day, 0, 0, 0))
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.create_system = 3  # the same bytes whichever system builds
            pinned.external_attr = 0o644 << 16
            target.writestr(pinned, content)
    return out.getvalue()
