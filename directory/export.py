"""Open-data exports and schema.org JSON-LD for the built site.

`write_exports` writes everything under `docs/du-lieu/` (urls.OPEN_DATA):
`listings.json` (all listings), `<kind>.json` and `<kind>.csv` per kind, the
exhibitions calendar `trien-lam.ics`, the Atom feed `moi-nhat.atom` of the newest
listings and the "Dữ liệu mở / Open data" page `index.md` that links them.
`json_ld` returns the schema.org description of one listing page and
`json_ld_text` serialises it safely for a `<script type="application/ld+json">`.

Every output is a pure function of the listings, `site_url` and the reference date
`on` (never the clock), so two builds give byte-identical files. Listing text is
escaped by the format's own writer (json, csv, icalendar, xml.etree), CSV cells
are neutralised against formula injection, and the feed replaces the characters
XML cannot carry (the validator refuses them anyway) so that it stays well-formed.
This module renders no HTML page and does not validate listings (see validate.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
from pydantic import BaseModel

from . import schema, status, urls, vocab
from .models import (
    MODELS, Address, Certificate, Contact, Exhibition, ListingBase, Organisation, Quantity, Source, is_province,
    file_order, nested_model, shown_fields, vocabulary_of,
)

FEED_SIZE = 50
CALENDAR = "trien-lam.ics"
FEED = "moi-nhat.atom"
ALL_JSON = "listings.json"
# Cells a spreadsheet could read as a formula: starting with = + - @ (OWASP), tab or carriage
# return, or a full-width, small or super/subscript form of = + - @ or the minus sign. LibreOffice
# 7.4 evaluates only an ASCII "=" (after spaces too, when its "Trim spaces" import option is on);
# the look-alikes are refused as well, since other apps and input methods fold them to ASCII.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20",
                  "\ufe66", "\ufe62", "\ufe63", "\ufe6b", "\u2212", "\u207a", "\u207c", "\u208a", "\u208c")
# A formula start after spaces or invisible characters: spreadsheets trim them on import.
_HIDDEN_FORMULA = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+["
                             + re.escape("".join(c for c in FORMULA_STARTS if c not in "\t\r")) + "]")
ATOM_NS = "http://www.w3.org/2005/Atom"
SCHEMA = "https://schema.org/"
PUBLISHER = ("Bộ Công Thương — Vụ Tiết kiệm năng lượng và Phát triển bền vững",
             "Ministry of Industry and Trade — Department of Energy Saving and Sustainable Development")
SAMPLE_PREFIX = "[Mẫu / Sample] "
EVENT_ICS_STATUS = {"du_kien": "CONFIRMED", "huy": "CANCELLED", "hoan": "TENTATIVE"}
EVENT_SCHEMA_STATUS = {"du_kien": "EventScheduled", "huy": "EventCancelled", "hoan": "EventPostponed"}


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _json_text(header: dict, records: list[dict]) -> str:
    """A JSON object: the header keys, one per line, then `listings` with one compact record per line."""
    lines = ["{"] + [f"  {_dumps(key)}: {_dumps(value)}," for key, value in header.items()]
    body = ",\n".join("    " + _dumps(record) for record in records)
    lines += ['  "listings": [', body, "  ]", "}"] if records else ['  "listings": []', "}"]
    return "\n".join(lines) + "\n"


# --- JSON ------------------------------------------------------------------------


def listing_record(listing: ListingBase, site_url: str, on: dt.date) -> dict:
    """The open-data record: model fields (JSON mode), then `url`, `certified` and each certificate's `status`."""
    record = listing.model_dump(mode="json")
    for name in status.CERT_FIELDS:
        for cert, item in zip(getattr(listing, name, None) or [], record.get(name) or []):
            item["status"] = status.certificate_status(cert, on)
    record["url"] = site_url + urls.listing_path(listing)
    if status.has_certificates(listing):
        record["certified"] = status.is_certified(listing, on)
    return record


# --- CSV -------------------------------------------------------------------------


def _columns(model: type[BaseModel], prefix: str = "") -> list[str]:
    columns = []
    for name, info in model.model_fields.items():
        sub, _ = nested_model(info.annotation)
        columns.extend(_columns(sub, f"{prefix}{name}.") if sub else [prefix + name])
    if model is Certificate:
        columns.append(prefix + "status")
    return columns


def csv_columns(kind: str) -> list[str]:
    """The CSV header of a kind: its model fields flattened with ".", then `url` and `certified`."""
    model = MODELS[kind]
    extra = ["url"] + (["certified"] if any(n in model.model_fields for n in status.CERT_FIELDS) else [])
    return _columns(model) + extra


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _cell(record, path: list[str]) -> str:
    value = record
    for i, key in enumerate(path):
        if isinstance(value, list):
            if all(isinstance(item, dict) for item in value):
                items = [_cell(item, path[i:]) for item in value]
                return "; ".join(items) if any(items) else ""
            break
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, list):
        return "; ".join(_scalar(v) for v in value)
    return _scalar(value)


def neutralise(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would read as a formula, also when the
    formula starts with a full-width sign (＝1+1) or after spaces and invisible characters."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) or _HIDDEN_FORMULA.match(cell) else cell


def csv_text(kind: str, records: list[dict]) -> str:
    """CSV with CRLF line ends (the caller adds the BOM)."""
    columns = csv_columns(kind)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([neutralise(_cell(record, column.split("."))) for column in columns])
    return out.getvalue()


# --- iCalendar -------------------------------------------------------------------


def _stamp(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.timezone.utc)


def calendar_bytes(exhibitions: list[Exhibition], site_url: str, on: dt.date,
                   name: str = "Triển lãm, hội chợ kết nối cung cầu / Supply-demand exhibitions") -> bytes:
    """An RFC 5545 calendar with one all-day VEVENT per exhibition that has dates: the site-wide
    calendar, or (one exhibition, its own name) the file behind an event's "Thêm vào lịch" link."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Bo Cong Thuong//Danh ba cung cau SCP//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", " ".join(name.split()))  # an X- property is not escaped: keep it on one line
    dated = sorted((e for e in exhibitions if e.start_date), key=lambda e: (e.start_date, e.id))
    for ex in dated:
        url = site_url + urls.listing_path(ex)
        event = icalendar.Event()
        event.add("uid", f"{ex.id}@scp.gov.vn")
        event.add("dtstamp", _stamp(on))
        event.add("dtstart", ex.start_date)
        event.add("dtend", ex.end_date + dt.timedelta(days=1))
        event.add("summary", (SAMPLE_PREFIX if ex.sample else "") + ex.name)
        location = ", ".join(part for part in (ex.venue, ex.province) if part)
        if location:
            event.add("location", location)
        event.add("url", url)
        event.add("description", "\n\n".join(p for p in (ex.summary, f"Chi tiết / Details: {url}") if p))
        event.add("status", EVENT_ICS_STATUS[ex.status])
        event.add("transp", "TRANSPARENT")
        if ex.sectors:
            event.add("categories", [vocab.SECTORS.label(s) for s in ex.sectors])
        cal.add_component(event)
    return cal.to_ical()


# --- Atom ------------------------------------------------------------------------


# Characters XML 1.0 cannot carry even escaped: C0 controls but tab and line ends, lone
# surrogates, U+FFFE and U+FFFF. The validator refuses them; the feed replaces them anyway.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` with each character XML cannot carry replaced by U+FFFD, so the feed stays well-formed."""
    return _NOT_XML.sub("\ufffd", text)


def _atom_time(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def newest(listings: list[ListingBase], count: int = FEED_SIZE) -> list[ListingBase]:
    """The `count` newest listings by date_added (ties: kind order, then id)."""
    by_kind = sorted(listings, key=file_order)
    return sorted(by_kind, key=lambda x: x.date_added, reverse=True)[:count]


def last_change(listing: ListingBase, changed: dict[str, dt.date]) -> dt.date:
    """When a listing last changed: its file's last commit (`changed`, from history.git_dates),
    never before the day it was listed (an uncommitted file, or outside git: `date_added`)."""
    return max(listing.date_added, changed.get(f"{listing.kind}/{listing.id}.yaml", listing.date_added))


def atom_bytes(listings: list[ListingBase], organisations: dict[str, Organisation],
               site_url: str, on: dt.date, changed: dict[str, dt.date] | None = None) -> bytes:
    """A valid Atom 1.0 feed of the most recently changed listings, written with xml.etree (which
    escapes all text): `updated` is the last commit of the listing's file, so subscribers see edits."""
    changed = changed or {}
    entries = sorted(newest(listings, len(listings)), key=lambda x: last_change(x, changed), reverse=True)[:FEED_SIZE]
    feed_url = site_url + urls.OPEN_DATA + FEED

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            element.text = xml_text(text)
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
    sub(feed, "id", feed_url)
    sub(feed, "title", "Danh bạ cung cầu SCP — tin mới / SCP directory — newest listings")
    sub(feed, "subtitle", "Sản phẩm xanh, cơ sở tái chế, mô hình, triển lãm, chào bán và nhu cầu mua mới đăng "
                          "/ Newly listed green products, recyclers, models, exhibitions, offers and demands")
    sub(feed, "updated", _atom_time(last_change(entries[0], changed) if entries else on))
    sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    author = sub(feed, "author")
    sub(author, "name", PUBLISHER[0])
    sub(author, "uri", site_url)
    sub(feed, "generator", "scp-directory")
    for listing in entries:
        url = site_url + urls.listing_path(listing)
        entry = sub(feed, "entry")
        sub(entry, "id", url)
        sub(entry, "title", (SAMPLE_PREFIX if listing.sample else "") + listing.name)
        sub(entry, "updated", _atom_time(last_change(listing, changed)))
        sub(entry, "published", _atom_time(listing.date_added))
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        org = organisations.get(listing.owner_id() or "")
        if org is not None:
            sub(sub(entry, "author"), "name", org.name)
        sub(entry, "category", term=listing.kind, label=vocab.KINDS.label(listing.kind))
        sub(entry, "summary", listing.summary or f"{vocab.KINDS.label(listing.kind)}: {listing.name}")
    ET.indent(feed, space="  ")
    ET.register_namespace("", ATOM_NS)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


# --- Open-data page --------------------------------------------------------------


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB".replace(".", ",")
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def _index_page(files: list[tuple[str, str, int]], out: Path, on: dt.date, undated: int, total: int) -> str:
    rows = "\n".join(f"| [{name}]({name}) | {desc} | {count} | {_size((out / name).stat().st_size)} |"
                     for name, desc, count in files)
    undated_vi = (f" {undated} triển lãm chưa công bố ngày (chỉ có năm) nên chưa có trong tệp lịch."
                  if undated else "")
    undated_en = (f" {undated} exhibition(s) with only a year (dates not announced) are not in the calendar yet."
                  if undated else "")
    return f"""# Dữ liệu mở / Open data

Toàn bộ {total} thông tin trong danh bạ được công bố dưới dạng dữ liệu mở, cập nhật theo dữ liệu ngày
{on.strftime("%d/%m/%Y")}. Tệp JSON giữ đủ mọi trường với tên trường cố định (trùng tên trường trong mẫu khai
báo); tệp Excel `danh-ba.xlsx` giữ nguyên mã số thuế, số điện thoại, mã vạch (dạng chữ) và ngày tháng;
tệp CSV dành cho máy, mở được bằng Excel với đầy đủ dấu tiếng Việt (UTF-8 có BOM). Trường nhiều giá trị được nối bằng
dấu `; `, trường lồng nhau được đặt tên bằng dấu chấm (ví dụ `address.province`). Các mục phân loại ghi bằng mã
(ví dụ `det_may`), giải thích trong [hướng dẫn khai báo](../{urls.GUIDE}index.md). Ô CSV bắt đầu bằng `=`, `+`, `-`
hoặc `@` (kể cả dạng toàn độ rộng như `＝`, hay sau khoảng trắng) được thêm dấu `'` ở đầu để bảng tính không hiểu
nhầm là công thức. Tệp lịch dùng được với Google
Calendar, Outlook và lịch trên điện thoại; bản tin Atom dùng được với mọi trình đọc tin.{undated_vi}

*All {total} listings of the directory are published as open data, as of {on.isoformat()}. The JSON files
hold every field under stable names (those of the listing format); the Excel workbook `danh-ba.xlsx` keeps tax
codes, phone numbers and barcodes as text and dates as dates; the CSV files, meant for programs, open in Excel
with Vietnamese intact (UTF-8 with BOM). Lists are joined with `; `, nested fields are named with dots (e.g.
`address.province`), closed lists are given as codes (e.g. `det_may`) explained in the contributor guide (same link). CSV
cells starting with `=`, `+`, `-` or `@` (full-width forms such as `＝` too, or after spaces) get a leading `'` so
that spreadsheets do not run them as formulas.
The calendar works with Google Calendar, Outlook and phone calendars; the Atom feed with any feed
reader.{undated_en}*

| Tệp / File | Nội dung / Contents | Số mục / Records | Dung lượng / Size |
|---|---|---|---|
{rows}

Số liệu của trang [Thống kê](../thong-ke/index.md): [thong-ke.json](thong-ke.json); chứng nhận sắp hết hạn: [CSV](chung-nhan-sap-het-han.csv), [Excel](chung-nhan-sap-het-han.xlsx). *Dashboard figures and certificates expiring soon.*

## Giấy phép / Licence

Dữ liệu do doanh nghiệp, tổ chức tự khai báo và được {PUBLISHER[0]} duyệt trước khi
đăng. Được tự do sao chép, sử dụng lại, kể cả cho mục đích thương mại, theo giấy phép Creative Commons Ghi công 4.0 Quốc tế
(CC BY 4.0), với điều kiện ghi rõ nguồn: "Danh bạ cung cầu sản phẩm thân thiện môi trường, Bộ Công Thương".
Thông tin có nhãn "Mẫu" là dữ liệu minh họa, không phải đơn vị thật.

*The data is provided by the enterprises and organisations themselves and reviewed by the
{PUBLISHER[1]} before publication.
It may be copied and reused, commercially too, under the Creative Commons
Attribution 4.0 International licence (CC BY 4.0), citing "SCP supply-demand directory, Ministry of Industry
and Trade". Listings marked "Sample" are illustrations, not real organisations.*
"""


# --- Entry point -----------------------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def write_exports(listings: list[ListingBase], docs_dir: Path, site_url: str, on: dt.date,
                  changed: dict[str, dt.date] | None = None) -> None:
    """Write every open-data file and the open-data page under docs_dir / urls.OPEN_DATA."""
    site_url = urls.site_base(site_url)
    out = Path(docs_dir) / urls.OPEN_DATA
    out.mkdir(parents=True, exist_ok=True)
    ordered = sorted(listings, key=file_order)
    records = [listing_record(x, site_url, on) for x in ordered]
    by_kind = {kind: [r for r in records if r["kind"] == kind] for kind in vocab.KINDS.codes()}
    counts = {kind: len(rs) for kind, rs in by_kind.items()}
    header = {"generated_from": on.isoformat(), "site_url": site_url}

    files: list[tuple[str, str, int]] = []
    _write(out / ALL_JSON, _json_text({**header, "counts": counts, "total": len(records)}, records).encode())
    files.append((ALL_JSON, "Toàn bộ danh bạ / All listings (JSON)", len(records)))
    from .spreadsheet import WORKBOOK, workbook_bytes  # openpyxl only when exporting
    _write(out / WORKBOOK, workbook_bytes(by_kind, on))
    files.append((WORKBOOK, "Toàn bộ danh bạ, mỗi loại một trang tính / All listings, a sheet per kind (Excel)",
                  len(records)))
    for kind, rs in by_kind.items():
        term = vocab.KINDS.terms[kind]
        _write(out / f"{kind}.json", _json_text({**header, "kind": kind, "count": len(rs)}, rs).encode())
        _write(out / f"{kind}.csv", ("\ufeff" + csv_text(kind, rs)).encode())
        files.append((f"{kind}.json", f"{term.vi} / {term.en} (JSON)", len(rs)))
        files.append((f"{kind}.csv", f"{term.vi} / {term.en} (CSV, Excel)", len(rs)))

    exhibitions = [x for x in ordered if isinstance(x, Exhibition)]
    dated = sum(1 for x in exhibitions if x.start_date)
    _write(out / CALENDAR, calendar_bytes(exhibitions, site_url, on))
    for ex in exhibitions:
        if ex.start_date:
            path = Path(docs_dir) / urls.event_calendar_path(ex)
            path.parent.mkdir(parents=True, exist_ok=True)
            _write(path, calendar_bytes([ex], site_url, on, name=ex.name))
    files.append((CALENDAR, "Lịch triển lãm, hội chợ / Exhibition calendar (iCalendar)", dated))
    organisations = {x.id: x for x in ordered if isinstance(x, Organisation)}
    _write(out / FEED, atom_bytes(ordered, organisations, site_url, on, changed))
    files.append((FEED, f"{FEED_SIZE} thông tin mới nhất / {FEED_SIZE} newest listings (Atom)",
                  min(FEED_SIZE, len(ordered))))
    page = _index_page(files, out, on, len(exhibitions) - dated, len(records))
    _write(out / "index.md", page.encode())
    published = Path(docs_dir) / schema.SCHEMA_PATH  # what the templates' yaml-language-server line names
    published.parent.mkdir(parents=True, exist_ok=True)
    _write(published, schema.json_text().encode())


# --- schema.org JSON-LD ------------------------------------------------------------


def _clean(data):
    """Drop None values and empty lists/dicts, recursively."""
    if isinstance(data, dict):
        cleaned = {k: _clean(v) for k, v in data.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {})}
    if isinstance(data, list):
        return [_clean(v) for v in data if v is not None]
    return data


def _address(province: str | None, street: str | None = None) -> dict:
    return {"@type": "PostalAddress", "streetAddress": street, "addressRegion": province, "addressCountry": "VN"}


def _contact(contact) -> dict:
    if contact is None:
        return {}
    return {"email": contact.email, "telephone": contact.phone, "sameAs": contact.website}


def _organization(org_id: str, organisations: dict[str, Organisation], site_url: str) -> dict:
    org = organisations.get(org_id)
    url = site_url + f"{urls.KIND_PATHS['organisation']}/{org_id}/"
    if org is None:
        return {"@type": "Organization", "@id": url, "url": url, "identifier": org_id}
    return {"@type": "Organization", "@id": url, "url": url, "name": org.name, "legalName": org.name,
            "alternateName": org.name_en, "taxID": org.tax_id,
            "address": _address(org.address.province, org.address.street), **_contact(org.contact)}


def _certification(cert: Certificate, on: dt.date) -> dict:
    active = status.certificate_status(cert, on) in ("valid", "expiring")
    return {"@type": "Certification",
            "name": status.scheme_label(cert),
            "certificationIdentification": cert.number,
            "issuedBy": {"@type": "Organization", "name": cert.issuer},
            "validFrom": cert.valid_from.isoformat(), "expires": cert.valid_until.isoformat(),
            "certificationStatus": SCHEMA + ("CertificationActive" if active else "CertificationInactive"),
            "url": cert.url}


# The schema.org type of the object a dotted Show.ld path opens ("itemOffered.name").
NESTED_TYPES = {"itemOffered": "Product", "availableAtOrFrom": "Place", "location": "Place",
                "spatialCoverage": "Place"}
# Properties that gather values from several fields (a recycler's waste streams and services).
LIST_PROPERTIES = {"keywords", "areaServed", "hasCertification", "additionalProperty"}


def _ld_values(value, info, prop: str, on: dt.date) -> list:
    """The schema.org values of one field's value, by its type (lists give one per item)."""
    items = value if isinstance(value, list) else [value]
    if (vocabulary := vocabulary_of(info)) is not None:
        if vocabulary is vocab.EVENT_STATUSES:
            return [SCHEMA + EVENT_SCHEMA_STATUS[code] for code in items]
        return [vocabulary.label(code) for code in items]
    if is_province(info):
        return [{"@type": "AdministrativeArea", "name": name} if prop == "areaServed" else _address(name)
                for name in items]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append({"@type": "Country", "name": "Việt Nam"} if item else None)
        elif isinstance(item, dt.date):
            out.append(item.isoformat())
        elif isinstance(item, int):
            out.append(str(item))
        elif isinstance(item, Address):
            out.append(_address(item.province, item.street))
        elif isinstance(item, Certificate):
            out.append(_certification(item, on))
        elif isinstance(item, Quantity):
            out.append({"@type": "QuantitativeValue", "value": item.amount, "unitCode": item.unit,
                        "unitText": vocab.UNITS.label(item.unit)})
        elif isinstance(item, Source):
            out.append({"@type": "Legislation", "legislationIdentifier": item.document, "url": item.url,
                        "name": " — ".join(p for p in (item.document, item.task, item.title) if p)})
        elif prop == "additionalProperty":
            out.append({"@type": "PropertyValue", "name": info.title, "value": item})
        else:
            out.append(item)
    return [v for v in out if v is not None]


def _put(data: dict, path: str, values: list, as_list: bool) -> None:
    """Set `path` (dotted) in `data`: lists gather, a single value is set once (first field wins)."""
    *parents, prop = path.split(".")
    for part in parents:
        data = data.setdefault(part, {"@type": NESTED_TYPES[part]} if part in NESTED_TYPES else {})
    if as_list or prop in LIST_PROPERTIES:
        data.setdefault(prop, []).extend(values)
    elif values and data.get(prop) is None:
        data[prop] = values[0]


def json_ld(listing: ListingBase, organisations: dict[str, Organisation], site_url: str, on: dt.date) -> dict:
    """The schema.org JSON-LD object of one listing page (None values and empty lists left out):
    the kind's `schema_type` and constants, then every field whose `Show.ld` names a property."""
    site_url = urls.site_base(site_url)
    url = site_url + urls.listing_path(listing)
    model = type(listing)
    data = {"@context": "https://schema.org", "@type": list(model.schema_type) if isinstance(model.schema_type, tuple)
            else model.schema_type, "@id": url, "url": url, **model.schema_constants}
    for name, info, show in shown_fields(model):
        value = getattr(listing, name)
        if not show.ld or value is None:
            continue
        if isinstance(value, Contact):
            data.update({k: v for k, v in _contact(value).items() if v and k not in data})
            continue
        _put(data, show.ld, _ld_values(value, info, show.ld.rsplit(".", 1)[-1], on), isinstance(value, list))
    if owner := listing.owner_id():
        org = _organization(owner, organisations, site_url)
        for path in model.owner_properties:
            _put(data, path, [org], False)
    data.update({prop: data.get(source) for prop, source in model.schema_copies.items()})
    if note := listing.schema_note():
        data["description"] = f"{data['description']} ({note})" if data.get("description") else note
    return _clean(data)


def json_ld_text(data: dict) -> str:
    """JSON for a <script type="application/ld+json">: `<`, `>` and `&` as \\u escapes, so no tag can close it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
