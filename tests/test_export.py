"""Open-data exports (JSON, CSV, iCalendar, Atom, open-data page), schema.org JSON-LD
and the page front matter.

The fixture tree `tests/fixtures/export/` holds one organisation and ten listings:
a product named like a spreadsheet formula, an expired-only product, a recycler with
a permit, a distributor whose certificate expires soon, a model, three exhibitions
(dated, cancelled, year only), an offer and a demand. Hostile text is added in code
and in tests/fixtures/hostile/accepted_*.yaml (odd text the validator accepts).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import jinja2
import pytest
import yaml
from markupsafe import escape
from mkdocs.utils.meta import get_data
from pydantic import TypeAdapter

from directory import export, status, urls, vocab
from directory.load import load_file
from directory.models import MODELS, Exhibition, Listing, Organisation
from directory.render import Writer
from directory.validate import validate_tree

FIXTURE = Path(__file__).parent / "fixtures" / "export"
SITE = "https://scp.gov.vn/"
ON = dt.date(2025, 10, 1)
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert("x")</script> ]]> & \'q\' "dq" <!-- <img src=x onerror=alert(1)>'
COMPUTED = ("url", "certified")


@pytest.fixture(scope="module")
def listings():
    report = validate_tree(FIXTURE, today=ON)
    assert report.ok, report.format(github=False)
    assert len(report.listings) == 11
    return report.listings


@pytest.fixture(scope="module")
def out(listings, tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs")
    export.write_exports(listings, docs, SITE, ON)
    return docs / urls.OPEN_DATA


def _load(out: Path, name: str) -> dict:
    return json.loads((out / name).read_text(encoding="utf-8"))


def _csv_rows(out: Path, kind: str) -> list[dict]:
    raw = (out / f"{kind}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _strip_computed(record: dict) -> dict:
    record = {k: v for k, v in record.items() if k not in COMPUTED}
    for name in status.CERT_FIELDS:
        if name in record:
            record[name] = [{k: v for k, v in c.items() if k != "status"} for c in record[name]]
    return record


# --- JSON ------------------------------------------------------------------------


def test_listings_json_holds_every_listing_and_round_trips(listings, out):
    data = _load(out, "listings.json")
    assert data["generated_from"] == "2025-10-01"
    assert data["total"] == 11
    assert sorted(r["id"] for r in data["listings"]) == sorted(x.id for x in listings)
    adapter = TypeAdapter(Listing)
    originals = {x.id: x for x in listings}
    for record in data["listings"]:
        assert record["url"] == SITE + urls.listing_path(originals[record["id"]])
        assert adapter.validate_python(_strip_computed(record)) == originals[record["id"]]


def test_listings_json_sorted_by_kind_then_id(out):
    records = _load(out, "listings.json")["listings"]
    keys = [(vocab.KINDS.codes().index(r["kind"]), r["id"]) for r in records]
    assert keys == sorted(keys)
    assert records[0]["kind"] == "organisation"


def test_counts_and_per_kind_files(out):
    data = _load(out, "listings.json")
    expected = {"organisation": 1, "product": 2, "recycler": 1, "model": 1, "distributor": 1,
                "exhibition": 3, "offer": 1, "demand": 1}
    assert data["counts"] == expected
    for kind, count in expected.items():
        per_kind = _load(out, f"{kind}.json")
        assert per_kind["kind"] == kind and per_kind["count"] == count
        assert [r["kind"] for r in per_kind["listings"]] == [kind] * count
        assert len(_csv_rows(out, kind)) == count


def test_certified_and_certificate_status(out):
    records = {r["id"]: r for r in _load(out, "listings.json")["listings"]}
    glass = records["binh-thuy-tinh"]
    assert glass["certified"] is True
    assert [c["status"] for c in glass["certificates"]] == ["valid", "expired"]
    assert records["tui-vai-day"]["certified"] is False  # an expired certificate is never shown as valid
    assert records["cua-hang-xanh"]["certificates"][0]["status"] == "expiring"
    assert records["thu-gom-dien-tu"]["permits"][0]["status"] == "valid"
    assert records["thu-gom-dien-tu"]["certified"] is True
    assert "certified" not in records["hoi-cho-ha-noi"]  # exhibitions carry no certificates
    assert "certified" not in records["cong-ty-xuat"]


# --- CSV -------------------------------------------------------------------------


def test_csv_is_excel_friendly_with_vietnamese_intact(out):
    raw = (out / "exhibition.csv").read_bytes()
    body = raw[3:]
    assert body.count(b"\r\n") == body.count(b"\n")  # every line ends with CRLF
    rows = {r["id"]: r for r in _csv_rows(out, "exhibition")}
    assert rows["hoi-cho-ha-noi"]["name"] == "Hội chợ kết nối cung cầu sản phẩm xanh Hà Nội"
    assert rows["hoi-cho-ha-noi"]["sectors"] == "bao_bi; tai_che_moi_truong"
    assert rows["trien-lam-mien-trung"]["start_date"] == ""
    assert rows["trien-lam-mien-trung"]["year"] == "2026"


def test_csv_header_follows_the_model(out):
    header = next(csv.reader(io.StringIO((out / "recycler.csv").read_bytes().decode("utf-8-sig"))))
    assert header == export.csv_columns("recycler")
    assert header[:3] == ["id", "name", "name_en"]
    assert "capacity.amount" in header and "address.province" in header and "permits.status" in header
    assert header[-2:] == ["url", "certified"]
    assert export.csv_columns("offer")[-1] == "url"


def test_csv_flattens_nested_lists_keeping_positions(out):
    glass = _csv_rows(out, "product")[0]
    assert glass["id"] == "binh-thuy-tinh"
    assert glass["certificates.number"] == "NX-2025-017; ISO-2019-3"
    assert glass["certificates.url"] == "; https://xuat.example.vn/iso.pdf"
    assert glass["certificates.status"] == "valid; expired"
    assert glass["certified"] == "true"
    recycler = _csv_rows(out, "recycler")[0]
    assert recycler["capacity.amount"] == "1200.5"
    assert recycler["nationwide"] == "true"
    assert _csv_rows(out, "offer")[0]["quantity.amount"] == "20"


def test_csv_neutralises_formula_injection(out):
    glass = _csv_rows(out, "product")[0]
    assert glass["name"] == "'" + '=HYPERLINK("http://evil.example","Bấm vào đây")'
    assert glass["environmental_claims"].startswith("'-30%")
    offer = _csv_rows(out, "offer")[0]
    assert offer["material"].startswith("'@bào da")
    assert offer["contact.phone"] == "'+84 243 123 4567"
    assert offer["description"].startswith("Bào da")  # untouched when harmless
    for kind in MODELS:
        for row in _csv_rows(out, kind):
            for value in row.values():
                assert not value.startswith(export.FORMULA_STARTS), (kind, value)


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+84", "'+84"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""),
])
def test_neutralise(cell, expected):
    assert export.neutralise(cell) == expected


@pytest.mark.parametrize("cell", [
    "\uff1d1+1", "\uff0b84", "\uff0d5", "\uff20SUM(A1)",  # full-width ＝ ＋ － ＠
    "\ufe661+1", "\ufe62x", "\ufe63x", "\ufe6bx", "\u22125", "\u207a1", "\u207c1",  # small forms, minus sign...
    " =1+1", "  +84", "\u00a0=1+1", "\u3000\uff1d1+1", "\u200b=1+1", "\ufeff@SUM(A1)", "\x00=1", " \u200d -5",
])
def test_neutralise_full_width_and_hidden_formula_starts(cell):
    assert export.neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", [" x", "\u00a0Hà Nội", "\uff21BC", "1=1", "a\uff1db", "\u2013 gạch ngang", "'=x"])
def test_neutralise_leaves_harmless_text(cell):
    assert export.neutralise(cell) == cell


def test_full_width_formula_in_a_listing_is_neutralised_in_csv():
    record = {"id": "x", "kind": "product", "name": "\uff1dHYPERLINK(\"http://evil.example\")",
              "summary": " =1+1", "environmental_claims": ["\uff0d30%"]}
    rows = list(csv.DictReader(io.StringIO(export.csv_text("product", [record]), newline="")))
    assert rows[0]["name"] == "'\uff1dHYPERLINK(\"http://evil.example\")"
    assert rows[0]["summary"] == "' =1+1"
    assert rows[0]["environmental_claims"] == "'\uff0d30%"


# --- iCalendar -------------------------------------------------------------------


def test_ics_one_vevent_per_dated_exhibition(out):
    cal = icalendar.Calendar.from_ical((out / export.CALENDAR).read_bytes())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["hoi-cho-ha-noi@scp.gov.vn", "trien-lam-mien-nam@scp.gov.vn"]
    hanoi = events["hoi-cho-ha-noi@scp.gov.vn"]
    assert hanoi["dtstart"].dt == dt.date(2025, 11, 10)
    assert hanoi["dtend"].dt == dt.date(2025, 11, 13)  # exclusive end
    assert hanoi["dtstamp"].dt == dt.datetime(2025, 10, 1, tzinfo=dt.timezone.utc)
    assert str(hanoi["location"]) == "Cung Văn hóa Hữu nghị, 91 Trần Hưng Đạo, Thành phố Hà Nội"
    assert str(hanoi["url"]) == SITE + "trien-lam/hoi-cho-ha-noi/"
    assert str(hanoi["status"]) == "CONFIRMED"
    assert str(hanoi["description"]).startswith("60 gian hàng sản phẩm thân thiện môi trường; vào cửa tự do.")
    cancelled = events["trien-lam-mien-nam@scp.gov.vn"]
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled["dtend"].dt == dt.date(2025, 12, 6)


def test_open_data_page_links_every_file_and_counts_undated(out):
    page = (out / "index.md").read_text(encoding="utf-8")
    assert page.startswith("# Dữ liệu mở / Open data\n")
    files = sorted(p.name for p in out.iterdir() if p.is_file() and p.name != "index.md")
    assert len(files) == 2 * len(MODELS) + 4  # listings.json, danh-ba.xlsx, the calendar and the feed
    for name in files:
        assert f"[{name}]({name})" in page
    assert "1 triển lãm chưa công bố ngày" in page
    assert "1 exhibition(s) with only a year" in page
    assert "CC BY 4.0" in page
    assert page.index("Toàn bộ 11 thông tin") < page.index("All 11 listings")
    assert f"| {export._size((out / 'listings.json').stat().st_size)} |" in page


# --- Atom ------------------------------------------------------------------------


def test_atom_feed_lists_newest_first(out, listings):
    root = ET.parse(out / export.FEED).getroot()
    assert root.tag == ATOM + "feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(ATOM + tag) is not None
    assert root.findtext(ATOM + "updated") == "2025-09-01T00:00:00Z"
    entries = root.findall(ATOM + "entry")
    assert len(entries) == len(listings)
    ids = [e.findtext(ATOM + "id") for e in entries]
    assert ids[0] == SITE + "nhu-cau/mua-nhua/"
    assert ids[-1] == SITE + "doanh-nghiep/cong-ty-xuat/"
    dates = [e.findtext(ATOM + "updated") for e in entries]
    assert dates == sorted(dates, reverse=True)
    first = entries[0]
    assert first.find(ATOM + "link").get("href") == ids[0]
    assert first.find(ATOM + "author").findtext(ATOM + "name") == "Công ty Cổ phần Xuất Dữ Liệu"
    assert first.find(ATOM + "category").get("term") == "demand"


def test_atom_feed_keeps_only_the_newest_fifty(listings, tmp_path):
    offer = next(x for x in listings if x.kind == "offer")
    many = [offer.model_copy(update={"id": f"ban-{i:03d}", "date_added": dt.date(2024, 1, 1) + dt.timedelta(days=i)})
            for i in range(70)]
    export.write_exports(many, tmp_path, SITE, ON)
    entries = ET.parse(tmp_path / urls.OPEN_DATA / export.FEED).getroot().findall(ATOM + "entry")
    assert len(entries) == export.FEED_SIZE
    assert entries[0].findtext(ATOM + "id") == SITE + "chao-ban/ban-069/"
    assert entries[-1].findtext(ATOM + "id") == SITE + "chao-ban/ban-020/"


# --- Determinism -----------------------------------------------------------------


def test_two_runs_are_byte_identical(listings, tmp_path):
    export.write_exports(listings, tmp_path / "a", SITE, ON)
    export.write_exports(list(reversed(listings)), tmp_path / "b", SITE, ON)
    a, b = tmp_path / "a" / urls.OPEN_DATA, tmp_path / "b" / urls.OPEN_DATA
    names = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
        if name.endswith((".json", ".md", ".atom")):
            assert (a / name).read_bytes().endswith(b"\n"), name


def test_reference_date_changes_statuses_not_the_clock(listings, tmp_path):
    export.write_exports(listings, tmp_path, SITE, dt.date(2029, 1, 1))
    records = {r["id"]: r for r in _load(tmp_path / urls.OPEN_DATA, "listings.json")["listings"]}
    assert records["binh-thuy-tinh"]["certified"] is False
    assert records["cua-hang-xanh"]["certificates"][0]["status"] == "expired"


# --- Hostile text ------------------------------------------------------------------


@pytest.fixture
def hostile(listings):
    """The fixture listings with hostile text in every free-text field of an exhibition, a product and the org."""
    exhibition = next(x for x in listings if x.id == "hoi-cho-ha-noi")
    evil_event = exhibition.model_copy(update={
        "name": HOSTILE + "\nEND:VEVENT\nBEGIN:VEVENT\nUID:injected", "summary": HOSTILE,
        "description": HOSTILE, "venue": HOSTILE})
    product = next(x for x in listings if x.id == "binh-thuy-tinh")
    evil_product = product.model_copy(update={"name": HOSTILE, "summary": HOSTILE, "description": HOSTILE,
                                              "environmental_claims": [HOSTILE]})
    org = next(x for x in listings if x.kind == "organisation")
    evil_org = org.model_copy(update={"name": HOSTILE, "name_en": HOSTILE})
    keep = [x for x in listings if x.id not in (exhibition.id, product.id, org.id)]
    return keep + [evil_event, evil_product, evil_org]


def test_hostile_text_is_inert_in_ics(hostile, tmp_path):
    export.write_exports(hostile, tmp_path, SITE, ON)
    raw = (tmp_path / urls.OPEN_DATA / export.CALENDAR).read_bytes()
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    assert len(events) == 2  # the newline in the name did not start another event
    assert b"\r\nUID:injected" not in raw and b"\r\nBEGIN:VEVENT\r\nUID:injected" not in raw
    evil = next(e for e in events if str(e["uid"]) == "hoi-cho-ha-noi@scp.gov.vn")
    assert str(evil["summary"]) == HOSTILE + "\nEND:VEVENT\nBEGIN:VEVENT\nUID:injected"
    assert str(evil["location"]).startswith(HOSTILE)


def test_hostile_text_is_inert_in_atom(hostile, tmp_path):
    export.write_exports(hostile, tmp_path, SITE, ON)
    raw = (tmp_path / urls.OPEN_DATA / export.FEED).read_text(encoding="utf-8")
    assert "<script" not in raw and "<img" not in raw and "<!--" not in raw
    assert "]]>" not in raw
    titles = [e.findtext(ATOM + "title") for e in ET.fromstring(raw.encode()).findall(ATOM + "entry")]
    assert HOSTILE in titles
    authors = ET.fromstring(raw.encode()).findall(f"{ATOM}entry/{ATOM}author/{ATOM}name")
    assert {a.text for a in authors} == {HOSTILE}


def test_hostile_text_survives_json_and_csv_as_data(hostile, tmp_path):
    export.write_exports(hostile, tmp_path, SITE, ON)
    out = tmp_path / urls.OPEN_DATA
    records = {r["id"]: r for r in _load(out, "listings.json")["listings"]}
    assert records["binh-thuy-tinh"]["name"] == HOSTILE
    rows = {r["id"]: r for r in _csv_rows(out, "product")}
    assert rows["binh-thuy-tinh"]["description"] == HOSTILE
    page = (out / "index.md").read_text(encoding="utf-8")
    assert "<script" not in page  # the open-data page carries no listing text


def test_hostile_text_is_inert_in_json_ld(hostile):
    organisations = {x.id: x for x in hostile if isinstance(x, Organisation)}
    for listing in hostile:
        text = export.json_ld_text(export.json_ld(listing, organisations, SITE, ON))
        assert "<" not in text and ">" not in text and "&" not in text
        assert "</script" not in text.lower()
        data = json.loads(text)
        assert data["@context"] == "https://schema.org"
    evil = next(x for x in hostile if x.id == "binh-thuy-tinh")
    data = json.loads(export.json_ld_text(export.json_ld(evil, organisations, SITE, ON)))
    assert data["name"] == HOSTILE and data["manufacturer"]["legalName"] == HOSTILE
    # The caller's own serialisation, json.dumps(...).replace("</", "<\\/"), also cannot close the script.
    caller = json.dumps(export.json_ld(evil, organisations, SITE, ON), ensure_ascii=False).replace("</", "<\\/")
    assert "</" not in caller and json.loads(caller)["name"] == HOSTILE


# --- JSON-LD -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ld(listings):
    organisations = {x.id: x for x in listings if isinstance(x, Organisation)}
    return {x.id: export.json_ld(x, organisations, SITE, ON) for x in listings}


def test_json_ld_common(ld, listings):
    for listing in listings:
        data = ld[listing.id]
        assert data["@context"] == "https://schema.org"
        assert data["url"] == SITE + urls.listing_path(listing)
        assert data["name"] == listing.name
        assert None not in data.values()


def test_json_ld_organization(ld):
    org = ld["cong-ty-xuat"]
    assert org["@type"] == "Organization"
    assert org["legalName"] == "Công ty Cổ phần Xuất Dữ Liệu"
    assert org["taxID"] == "0100109106"
    assert org["address"] == {"@type": "PostalAddress", "streetAddress": "12 Lê Lợi, phường Sài Gòn",
                              "addressRegion": "Thành phố Hồ Chí Minh", "addressCountry": "VN"}
    assert org["email"] == "lienhe@xuat.example.vn" and org["telephone"] == "+84 912 345 678"


def test_json_ld_product_and_certifications(ld):
    product = ld["binh-thuy-tinh"]
    assert product["@type"] == "Product"
    assert product["manufacturer"]["@type"] == "Organization"
    assert product["manufacturer"]["taxID"] == "0100109106"
    assert product["category"] == ["Bao bì", "Gốm sứ"]
    valid, expired = product["hasCertification"]
    assert valid == {"@type": "Certification", "name": "Nhãn Xanh Việt Nam",
                     "certificationIdentification": "NX-2025-017",
                     "issuedBy": {"@type": "Organization", "name": "Bộ Nông nghiệp và Môi trường"},
                     "validFrom": "2025-02-01", "expires": "2028-01-31",
                     "certificationStatus": "https://schema.org/CertificationActive"}
    assert expired["certificationStatus"] == "https://schema.org/CertificationInactive"
    assert ld["tui-vai-day"]["hasCertification"][0]["certificationStatus"].endswith("CertificationInactive")
    assert ld["cua-hang-xanh"]["hasCertification"][0]["certificationStatus"].endswith("CertificationActive")


def test_json_ld_offer_and_demand(ld):
    offer = ld["ban-bao-da"]
    assert offer["@type"] == "Offer"
    assert offer["itemOffered"] == {"@type": "Product", "name": "@bào da crôm, độ ẩm < 40%",
                                    "category": "Da vụn, bào da"}
    assert offer["eligibleQuantity"] == {"@type": "QuantitativeValue", "value": 20.0, "unitCode": "TNE",
                                         "unitText": "tấn"}
    assert offer["availableAtOrFrom"]["address"]["addressRegion"] == "Thành phố Hà Nội"
    assert offer["validThrough"] == "2026-12-31" and "validFrom" not in offer
    assert offer["seller"]["name"] == offer["offeredBy"]["name"] == "Công ty Cổ phần Xuất Dữ Liệu"
    demand = ld["mua-nhua"]
    assert demand["@type"] == "Demand"
    assert demand["validFrom"] == "2025-09-01"
    assert demand["@reverse"]["seeks"]["legalName"] == "Công ty Cổ phần Xuất Dữ Liệu"
    assert "seller" not in demand


def test_json_ld_exhibitions(ld):
    hanoi = ld["hoi-cho-ha-noi"]
    assert hanoi["@type"] == "ExhibitionEvent"
    assert (hanoi["startDate"], hanoi["endDate"]) == ("2025-11-10", "2025-11-12")
    assert hanoi["location"]["name"] == "Cung Văn hóa Hữu nghị, 91 Trần Hưng Đạo"
    assert hanoi["location"]["address"]["addressRegion"] == "Thành phố Hà Nội"
    assert hanoi["organizer"]["@type"] == "Organization"
    assert hanoi["eventStatus"] == "https://schema.org/EventScheduled"
    assert hanoi["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert ld["trien-lam-mien-nam"]["eventStatus"] == "https://schema.org/EventCancelled"
    undated = ld["trien-lam-mien-trung"]
    # schema.org wants full dates: a year-only exhibition leaves them out and says its year in words
    assert "startDate" not in undated and "endDate" not in undated
    assert "Năm 2026 (chưa công bố ngày)" in undated["description"]


def test_json_ld_postponed_exhibition(listings):
    ex = next(x for x in listings if isinstance(x, Exhibition) and x.start_date)
    moved = Exhibition.model_validate({**ex.model_dump(), "status": "hoan"})
    assert export.json_ld(moved, {}, SITE, ON)["eventStatus"] == "https://schema.org/EventPostponed"
    assert export.json_ld(moved, {}, SITE, ON)["organizer"]["url"] == SITE + "doanh-nghiep/cong-ty-xuat/"


def test_json_ld_local_businesses_and_model(ld):
    recycler = ld["thu-gom-dien-tu"]
    assert recycler["@type"] == "LocalBusiness"
    assert recycler["areaServed"] == [{"@type": "Country", "name": "Việt Nam"}]
    assert recycler["hasCertification"][0]["name"] == "Giấy phép môi trường"
    assert recycler["address"]["addressRegion"] == "Đồng Nai"
    distributor = ld["cua-hang-xanh"]
    assert distributor["@type"] == "LocalBusiness"
    assert distributor["parentOrganization"]["legalName"] == "Công ty Cổ phần Xuất Dữ Liệu"
    model = ld["giay-lot-da"]
    assert "CreativeWork" in model["@type"]
    assert model["isBasedOn"]["legislationIdentifier"] == "2323/QĐ-BCT"
    assert model["isBasedOn"]["name"] == "2323/QĐ-BCT — III.3 — Kế hoạch hành động của Bộ Công Thương"
    assert model["creativeWorkStatus"] == "Thí điểm"


def test_site_url_without_trailing_slash(listings, tmp_path):
    export.write_exports(listings, tmp_path, "https://example.gov.vn/scp", ON)
    records = _load(tmp_path / urls.OPEN_DATA, "listings.json")["listings"]
    assert records[0]["url"] == "https://example.gov.vn/scp/doanh-nghiep/cong-ty-xuat/"
    assert export.json_ld(listings[0], {}, "https://example.gov.vn/scp", ON)["url"].startswith(
        "https://example.gov.vn/scp/")


# --- Odd text the validator accepts comes out of every export as the same data ---------------

ODD = ["<script>alert(1)</script>", "]]>", "&amp; &#0; &lt;", "{{ x }} {% y %}", "--- ...", "=1+1", "🌿😀",
       "👩\u200d👩\u200d👧", "مرحبا بالعالم", "שלום", "Tie\u0302\u0301ng Vie\u0323\u0302t", "\u200b\u200c\u200e\u200f",
       "\ue000", "'\"\\", "END:VEVENT\nBEGIN:VEVENT"]


@pytest.fixture
def odd(listings):
    """The fixture listings, the two accepted_*.yaml files and every free text of the product,
    exhibition and organisation replaced by odd strings, all through the models (so all accepted)."""
    adapter = TypeAdapter(Listing)
    hostile = Path(__file__).parent / "fixtures" / "hostile"
    extra = [adapter.validate_python(load_file(hostile / name).data)
             for name in ("accepted_product.yaml", "accepted_exhibition.yaml")]
    one_line = " ".join(s.replace("\n", " ") for s in ODD)
    changed = []
    for listing in listings:
        data = listing.model_dump()
        for name in ("name", "name_en", "summary", "venue", "material"):
            if name in data:
                data[name] = (one_line + " " + (data[name] or ""))[:300]
        data["description"] = "\n".join(ODD) + "\n" + "x" * (5000 - len("\n".join(ODD)) - 1)
        if data["kind"] == "product":
            data["environmental_claims"] = [s.replace("\n", " ") for s in ODD]
        changed.append(adapter.validate_python(data))
    return changed + extra


def test_odd_text_round_trips_through_json_csv_ics_atom_and_json_ld(odd, tmp_path):
    export.write_exports(odd, tmp_path, SITE, ON)
    out = tmp_path / urls.OPEN_DATA
    by_id = {x.id: x for x in odd}
    records = {r["id"]: r for r in _load(out, "listings.json")["listings"]}
    assert len(records) == len(odd)
    adapter = TypeAdapter(Listing)
    for listing_id, record in records.items():
        assert adapter.validate_python(_strip_computed(record)) == by_id[listing_id]
    for kind in MODELS:
        for row in _csv_rows(out, kind):
            listing = by_id[row["id"]]
            assert row["description"] == (listing.description or ""), kind
            assert row["name"] == export.neutralise(listing.name)
    calendar = icalendar.Calendar.from_ical((out / export.CALENDAR).read_bytes())
    events = {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {x.id for x in odd if isinstance(x, Exhibition) and x.start_date}
    for event_id, event in events.items():
        expected = by_id[event_id]
        assert str(event["summary"]).endswith(expected.name)
        assert event["dtend"].dt == expected.end_date + dt.timedelta(days=1)
    assert events["trien-lam-ky-la"]["dtend"].dt == dt.date(2101, 1, 1)  # the last allowed day still exports
    feed = ET.fromstring((out / export.FEED).read_bytes())
    titles = {e.findtext(ATOM + "id"): e.findtext(ATOM + "title") for e in feed.findall(ATOM + "entry")}
    for listing in odd:
        assert titles[SITE + urls.listing_path(listing)].endswith(listing.name)
    organisations = {x.id: x for x in odd if isinstance(x, Organisation)}
    for listing in odd:
        text = export.json_ld_text(export.json_ld(listing, organisations, SITE, ON))
        assert "</script" not in text.lower() and "<" not in text
        assert json.loads(text)["name"] == listing.name


def test_atom_feed_stays_well_formed_even_for_text_xml_cannot_carry(listings):
    # Not reachable through the validator: written straight into the models.
    bad = "a\x00b\x1bc\ufffed\uffffe\ud800f\x85g\t\r\n"
    product = next(x for x in listings if x.kind == "product").model_copy(update={"name": bad, "summary": bad})
    raw = export.atom_bytes([product], {}, SITE, ON)
    entry = ET.fromstring(raw).find(ATOM + "entry")
    assert entry.findtext(ATOM + "title") == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\x85g\t\n"  # XML reads CR LF as LF
    assert export.xml_text("ok <&> ]]> 🌿") == "ok <&> ]]> 🌿"


# --- Page front matter (render.Writer.page) ------------------------------------------------

TITLES = ["\ufffe", "\uffff", "\x80", "\x00", "\x1b[31m", "\x85", "\u2028", "\u2029", "\ufeff", "\u202e", '"', "\\",
          "'", "---", "...", "a\n---\nb", "x\nsearch: {exclude: false}", 'x"\nsearch:\n  exclude: false\n"',
          "title: y", "# no comment", ": {} [] & * ! | > % @ `", "😀 \U0010fffd", "[x](javascript:alert(1))",
          "<img src=//evil.example/x.png>", "{{ page.title }} {% raw %}", "\t\r\n", "\ud800", "Tên tiếng Việt", ""]


def _page(tmp_path, title: str) -> str:
    writer = Writer(tmp_path, None)
    writer.env.loader = jinja2.DictLoader({"t.html": '<div class="scp t"></div>'})
    writer.page("p/", "t.html", title)
    return (tmp_path / "p" / "index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("title", TITLES, ids=range(len(TITLES)))
def test_front_matter_holds_exactly_the_title_whatever_it_is(tmp_path, title):
    text = _page(tmp_path, title)
    expected = str(escape(title)).replace("\ud800", "?")  # libyaml cannot read a lone surrogate
    front, sep, body = text[len("---\n"):].partition("\n---\n\n")
    assert text.startswith("---\n") and sep and body == '<div class="scp t"></div>\n'
    title_line, *rest = front.split("\n")
    assert title_line.isprintable() and rest == ["search:", "  exclude: true"]  # one line, no key added
    assert yaml.safe_load(front) == {"title": expected, "search": {"exclude": True}}
    # mkdocs' own reader (libyaml) separates the metadata from the page.
    content, meta = get_data(text)
    assert meta == {"title": expected, "search": {"exclude": True}}
    assert content.startswith('<div class="scp ')


def test_front_matter_round_trips_every_code_point(tmp_path):
    title = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    text = _page(tmp_path, title)
    line = text.split("\n")[1]
    assert line.startswith('title: "') and line.endswith('"') and line.isprintable()
    assert yaml.load(line, Loader=yaml.CSafeLoader) == {"title": str(escape(title))}


def test_each_dated_exhibition_has_its_own_calendar_file(out):
    """The "Thêm vào lịch" link of an exhibition: one VEVENT, the event's own calendar name."""
    files = sorted((out / "trien-lam").glob("*.ics"))
    everything = icalendar.Calendar.from_ical((out / export.CALENDAR).read_bytes())
    uids = sorted(str(e["uid"]) for e in everything.walk("VEVENT"))
    assert files and [f"{f.stem}@scp.gov.vn" for f in files] == uids  # dated ones only, like the calendar
    for path in files:
        one = icalendar.Calendar.from_ical(path.read_bytes())
        (event,) = one.walk("VEVENT")
        assert str(event["uid"]) == f"{path.stem}@scp.gov.vn"
        assert str(one["x-wr-calname"]) in str(event["summary"])


def test_atom_updated_is_the_last_commit_of_the_listing(listings):
    """An edited listing comes first in the feed, dated by its file's last commit, so subscribers see
    the edit; without a commit (outside git) the date it was listed stands."""
    edited = next(x for x in listings if x.kind == "product")
    changed = {f"{edited.kind}/{edited.id}.yaml": ON}
    feed = ET.fromstring(export.atom_bytes(listings, {}, SITE, ON, changed))
    first = feed.find(ATOM + "entry")
    assert first.findtext(ATOM + "id").endswith(f"/{edited.id}/")
    assert first.findtext(ATOM + "updated").startswith(ON.isoformat())
    assert first.findtext(ATOM + "published").startswith(edited.date_added.isoformat())
    assert feed.findtext(ATOM + "updated").startswith(ON.isoformat())
    plain = ET.fromstring(export.atom_bytes(listings, {}, SITE, ON))
    for entry in plain.findall(ATOM + "entry"):
        assert entry.findtext(ATOM + "updated") == entry.findtext(ATOM + "published")
