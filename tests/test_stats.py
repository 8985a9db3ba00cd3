"""The programme dashboard /thong-ke/ (directory/stats.py) and git dates (directory/history.py).

Figures are checked against counts computed here straight from the fixtures' YAML with
plain loops (not through stats.py): `tests/fixtures/stats/` is built to exercise every
figure (sample listings, expiring and not-yet-valid certificates, a cancelled exhibition,
models outside the target period, offers with and without a match, tax codes with a
leading zero, a certificate number that looks like a formula); `site/` and `valid/` are
checked the same way. Charts are parsed as XML and their bars compared with the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from directory import history, site, stats, urls, vocab
from directory.validate import validate_tree

FIXTURES = Path(__file__).parent / "fixtures"
TREES = [FIXTURES / "stats", FIXTURES / "site", FIXTURES / "valid"]
ON = dt.date(2025, 10, 1)
SITE_URL = "https://scp.gov.vn/"
SVG = "{http://www.w3.org/2000/svg}"


# --- Independent counts, from the raw YAML ----------------------------------------------------


def _raw(tree: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(tree.glob("*/*.yaml"))]


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _cert_state(cert: dict) -> str:
    start, end = _day(cert["valid_from"]), _day(cert["valid_until"])
    if ON < start:
        return "not_yet"
    if ON > end:
        return "expired"
    return "expiring" if (end - ON).days <= 90 else "valid"


def expected(tree: Path) -> dict:
    """Every dashboard figure of `tree`, counted with plain loops over its YAML."""
    items = _raw(tree)
    orgs = {x["id"]: x for x in items if x["kind"] == "organisation"}
    real = [x for x in items if not x.get("sample")]
    out: dict = {"kinds": Counter((x["kind"], bool(x.get("sample"))) for x in items)}

    def province(x):
        name = (x.get("address") or {}).get("province") or x.get("province")
        if not name and x["kind"] != "exhibition" and x.get("organisation") in orgs:
            name = orgs[x["organisation"]]["address"]["province"]
        return vocab.resolve_province(name) if name else None

    out["provinces"] = Counter((province(x), bool(x.get("sample"))) for x in items if province(x))
    certs = [(x, c) for x in items for field in ("certificates", "permits") for c in x.get(field) or []]
    out["cert_status"] = Counter((_cert_state(c), bool(x.get("sample"))) for x, c in certs)
    out["cert_scheme"] = Counter((c["scheme"], _cert_state(c)) for x, c in certs if not x.get("sample"))
    out["expiring"] = sorted((bool(x.get("sample")), _day(c["valid_until"]), x["id"], str(c["number"]))
                             for x, c in certs if _cert_state(c) == "expiring")
    out["certified_products"] = sum(1 for x in real if x["kind"] == "product" and any(
        _cert_state(c) in ("valid", "expiring") for c in x.get("certificates") or []))
    models = [x for x in items if x["kind"] == "model"]
    out["models_in_period"] = Counter(vocab.MODEL_STATUSES.resolve(x["status"]) for x in models
                                      if not x.get("sample") and 2021 <= x["year"] <= 2025)
    out["models_outside"] = sum(1 for x in models if not x.get("sample") and not 2021 <= x["year"] <= 2025)
    out["models_sample_in_period"] = sum(1 for x in models if x.get("sample") and 2021 <= x["year"] <= 2025)
    out["model_sectors"] = Counter(s for x in models if not x.get("sample")
                                   for s in dict.fromkeys(vocab.SECTORS.resolve(s) for s in x["sectors"]))
    exhibitions = [x for x in items if x["kind"] == "exhibition"]
    year = lambda x: _day(x["start_date"]).year if x.get("start_date") else x["year"]  # noqa: E731
    out["exhibitions_2022"] = Counter(x["region"] for x in exhibitions if not x.get("sample") and year(x) == 2022
                                      and x.get("status", "du_kien") != "huy")
    out["exhibitions_cancelled_2022"] = sum(1 for x in exhibitions if not x.get("sample") and year(x) == 2022
                                            and x.get("status") == "huy")
    exchanges = [x for x in items if x["kind"] in ("offer", "demand") and _day(x["valid_until"]) >= ON]
    matched = Counter()
    for x in exchanges:
        start = _day(x["valid_from"]) if x.get("valid_from") else dt.date.min
        for y in exchanges:
            other_start = _day(y["valid_from"]) if y.get("valid_from") else dt.date.min
            if (y["kind"] != x["kind"] and y["material_category"] == x["material_category"]
                    and bool(y.get("sample")) == bool(x.get("sample"))
                    and start <= _day(y["valid_until"]) and other_start <= _day(x["valid_until"])):
                matched[(x["material_category"], x["kind"], bool(x.get("sample")))] += 1
                break
    out["exchange"] = Counter((x["material_category"], x["kind"], bool(x.get("sample"))) for x in exchanges)
    out["exchange_matched"] = matched
    out["growth"] = Counter((f"{_day(x['date_added']).year}-Q{(_day(x['date_added']).month - 1) // 3 + 1}",
                             x["kind"], bool(x.get("sample"))) for x in items)
    return out


def _write(tree: Path, docs: Path, **kwargs) -> dict:
    listings = validate_tree(tree, today=ON).listings
    return stats.write_stats(listings, docs, SITE_URL, ON, **kwargs)


@pytest.fixture(scope="module", params=TREES, ids=[t.name for t in TREES])
def written(request, tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs")
    data = _write(request.param, docs)     # no listings_dir: dates from date_added
    return request.param, docs, data


def _page(docs: Path) -> str:
    return (docs / "thong-ke" / "index.md").read_text(encoding="utf-8")


def _svg(page: str, chart_id: str) -> ET.Element:
    found = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', page, re.S)
    assert found, chart_id
    return ET.fromstring(found.group(0))


# --- Figures -------------------------------------------------------------------------------------


def test_headline_figures_match_independent_counts(written):
    tree, docs, data = written
    want = expected(tree)
    head = data["headline"]
    for kind in vocab.KINDS.codes():
        assert head["listings"][kind] == {"real": want["kinds"][(kind, False)],
                                          "sample": want["kinds"][(kind, True)]}, kind
    assert head["total"] == {"real": sum(v for (k, s), v in want["kinds"].items() if not s),
                             "sample": sum(v for (k, s), v in want["kinds"].items() if s)}
    assert head["organisations"] == head["listings"]["organisation"]
    assert head["provinces_covered"]["real"] == len({p for p, s in want["provinces"] if not s})
    assert head["provinces_covered_any"] == len({p for p, _ in want["provinces"]})
    assert head["certificates_in_force"] == {
        "real": want["cert_status"][("valid", False)] + want["cert_status"][("expiring", False)],
        "sample": want["cert_status"][("valid", True)] + want["cert_status"][("expiring", True)]}
    page = _page(docs)
    assert f'data-figure="total">{head["total"]["real"]}<' in page
    assert f'data-figure="certificates">{head["certificates_in_force"]["real"]}<' in page
    for kind in vocab.KINDS.codes():
        pair = head["listings"][kind]
        assert f'data-kind="{kind}" data-sample="{pair["sample"]}">{pair["real"]}<' in page


def test_targets_match_independent_counts(written):
    tree, _, data = written
    want = expected(tree)
    targets = {t["measure"]: t for t in data["targets"]}
    models = targets["models"]
    assert models["by_status"] == {c: want["models_in_period"][c] for c in vocab.MODEL_STATUSES.codes()}
    assert models["achieved"] == sum(want["models_in_period"].values())
    assert models["outside_period"] == want["models_outside"]
    assert models["sample_left_out"] == want["models_sample_in_period"]
    assert (models["minimum"], models["maximum"], models["decision"]) == (20, 30, "889/QĐ-TTg")
    assert models["met"] is (models["achieved"] >= 20)
    exhibitions = targets["exhibitions"]
    assert exhibitions["by_region"] == {r: want["exhibitions_2022"][r] for r in vocab.REGIONS.codes()}
    assert exhibitions["cancelled"] == want["exhibitions_cancelled_2022"]
    assert exhibitions["regions_met"] == sum(1 for r in vocab.REGIONS.codes() if want["exhibitions_2022"][r])
    assert targets["certified_products"]["achieved"] == want["certified_products"]


def test_certificates_match_independent_counts(written):
    tree, docs, data = written
    want = expected(tree)
    certs = data["certificates"]
    for state in ("valid", "expiring", "expired", "not_yet"):
        assert certs["by_status"][state] == {"real": want["cert_status"][(state, False)],
                                             "sample": want["cert_status"][(state, True)]}, state
    for row in certs["by_scheme"]:
        for state, n in row["by_status"].items():
            assert n == want["cert_scheme"][(row["scheme"], state)], (row["scheme"], state)
    assert [(r["sample"], dt.date.fromisoformat(r["valid_until"]), r["listing_id"], r["number"])
            for r in certs["expiring"]] == want["expiring"]
    rows = list(csv.reader(io.StringIO((docs / "du-lieu" / "chung-nhan-sap-het-han.csv")
                                       .read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + len(want["expiring"])


def test_supply_demand_and_growth_match_independent_counts(written):
    tree, _, data = written
    want = expected(tree)
    by_category = {r["category"]: r for r in data["exchange"]["by_category"]}
    for (category, kind, sample), n in want["exchange"].items():
        assert by_category[category][kind]["sample" if sample else "real"] == n
    for (category, kind, sample), n in want["exchange_matched"].items():
        assert by_category[category][kind + "_matched"]["sample" if sample else "real"] == n
    for category, row in by_category.items():
        for kind in ("offer", "demand"):
            for side in ("real", "sample"):
                assert row[kind][side] == want["exchange"][(category, kind, side == "sample")]
                assert row[kind + "_matched"][side] == want["exchange_matched"][(category, kind, side == "sample")]
    got = Counter()
    for quarter in data["growth"]["quarters"]:
        for kind, pair in quarter["by_kind"].items():
            got[(quarter["quarter"], kind, False)] += pair["real"]
            got[(quarter["quarter"], kind, True)] += pair["sample"]
    assert +got == +want["growth"]
    assert data["growth"]["date_source"]["git"] == {"real": 0, "sample": 0}


def test_stats_fixture_figures_by_hand(tmp_path):
    """The numbers a reader of tests/fixtures/stats can check by eye."""
    data = _write(FIXTURES / "stats", tmp_path)
    targets = {t["measure"]: t for t in data["targets"]}
    assert targets["models"]["by_status"] == {"thi_diem": 1, "ap_dung": 1, "nhan_rong": 1}
    assert (targets["models"]["outside_period"], targets["models"]["sample_left_out"]) == (1, 1)
    assert targets["exhibitions"]["by_region"] == {"bac": 1, "trung": 1, "nam": 0}
    assert (targets["exhibitions"]["cancelled"], targets["exhibitions"]["met"]) == (1, False)
    assert data["certificates"]["by_status"]["expiring"] == {"real": 2, "sample": 1}   # GPMT-90: day 90 exactly
    assert data["certificates"]["by_status"]["not_yet"] == {"real": 1, "sample": 0}
    nhua = next(r for r in data["exchange"]["by_category"] if r["category"] == "nhua")
    # the real demand does not overlap the real offer; the sample offer would, but worlds stay apart
    assert nhua["demand"] == {"real": 1, "sample": 0} and nhua["demand_matched"] == {"real": 0, "sample": 0}
    assert nhua["offer"] == {"real": 1, "sample": 1} and nhua["offer_matched"] == {"real": 0, "sample": 0}
    giay = next(r for r in data["exchange"]["by_category"] if r["category"] == "giay")
    assert giay["offer_matched"]["real"] == giay["demand_matched"]["real"] == 1
    assert giay["offer_expired"]["real"] == 1
    hcm = next(p for p in data["provinces"] if p["code"] == "ho_chi_minh")
    assert (hcm["real"], hcm["sample"]) == (7, 0)   # organisation, product, 2 models, 2 exhibitions, an offer


# --- Charts ------------------------------------------------------------------------------------


def _bars(svg: ET.Element, group_class: str = "scp-bar") -> list[tuple[ET.Element, list[ET.Element]]]:
    return [(g, g.findall(f"{SVG}rect")) for g in svg.iter(f"{SVG}g") if g.get("class") == group_class]


def _check_proportional(rects: list[ET.Element], size: str) -> None:
    """Every segment's length is its value on one scale (coordinates are rounded to 0.1)."""
    lengths = [(float(r.get(size)), int(r.get("data-value"))) for r in rects]
    scale = sum(n for n, _ in lengths) / sum(v for _, v in lengths)
    assert all(abs(n - v * scale) <= 0.051 * len(lengths) for n, v in lengths), (scale, lengths)
    assert all(abs(n / v - scale) < 0.05 for n, v in lengths), (scale, lengths)


def test_sector_chart_bars_and_labels_match_the_data(tmp_path):
    data = _write(FIXTURES / "stats", tmp_path)
    svg = _svg(_page(tmp_path), "ct-sectors")
    assert svg.get("viewBox").startswith("0 0 340 ") and svg.get("width") is None and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Mô hình theo ngành" and svg.find(f"{SVG}desc").text
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "scp-svg-label"]
    by_sector = {r["sector"]: r for r in data["models"]["by_sector"] if r["real"]}
    assert labels == [vocab.SECTORS.label(c) for c in vocab.SECTORS.codes() if c in by_sector]
    bars = _bars(svg)
    assert len(bars) == len(by_sector)
    all_rects = []
    for (g, rects), code in zip(bars, [c for c in vocab.SECTORS.codes() if c in by_sector]):
        assert g.get("data-label") == vocab.SECTORS.label(code)
        assert int(g.get("data-total")) == by_sector[code]["real"] == sum(int(r.get("data-value")) for r in rects)
        assert [r.get("class").split()[-1] for r in rects] == [
            f"scp-c-{s}" for s in vocab.MODEL_STATUSES.codes() if by_sector[code]["by_status"][s]]
        value = [t for t in g.iter(f"{SVG}text")][0]
        assert value.text == str(by_sector[code]["real"])
        all_rects += rects
    _check_proportional(all_rects, "width")
    assert expected(FIXTURES / "stats")["model_sectors"] == {c: r["real"] for c, r in by_sector.items()}


def test_growth_columns_match_the_quarters(tmp_path):
    data = _write(FIXTURES / "stats", tmp_path)
    svg = _svg(_page(tmp_path), "ct-growth")
    cols = _bars(svg, "scp-col")
    shown = data["growth"]["shown"]
    assert len(cols) == stats.GROWTH_QUARTERS == len(shown)
    assert shown[-1] == "2025-Q4"                        # ends at the reference date's quarter
    by_quarter = {q["quarter"]: sum(p["real"] for p in q["by_kind"].values()) for q in data["growth"]["quarters"]}
    rects = []
    for (g, col_rects), quarter in zip(cols, shown):
        assert int(g.get("data-total")) == by_quarter.get(quarter, 0)
        assert sum(int(r.get("data-value")) for r in col_rects) == by_quarter.get(quarter, 0)
        assert g.get("data-label").startswith(f"Q{quarter[-1]}")
        rects += col_rects
    _check_proportional(rects, "height")


def test_model_target_progress_bar(tmp_path):
    _write(FIXTURES / "stats", tmp_path)
    svg = _svg(_page(tmp_path), "ct-mo-hinh-2025")
    marks = {t.get("data-mark"): t.text for t in svg.iter(f"{SVG}text") if t.get("data-mark")}
    assert marks == {"20": "tối thiểu 20", "30": "tối đa 30"}
    (g, rects), = _bars(svg)
    assert int(g.get("data-total")) == 3 and [int(r.get("data-value")) for r in rects] == [1, 1, 1]
    band = next(r for r in svg.iter(f"{SVG}rect") if r.get("class") == "scp-target-band")
    track = next(r for r in svg.iter(f"{SVG}rect") if r.get("class") == "scp-track")
    per_unit = float(track.get("width")) / 30
    assert float(band.get("width")) == pytest.approx(10 * per_unit, abs=0.1)
    assert float(rects[0].get("width")) == pytest.approx(per_unit, abs=0.1)


def test_tile_map_has_34_linked_tiles(tmp_path):
    data = _write(FIXTURES / "stats", tmp_path)
    svg = _svg(_page(tmp_path), "ct-map")
    links = list(svg.iter(f"{SVG}a"))
    assert len(links) == 34
    counts = {p["code"]: p for p in data["provinces"]}
    assert {a.get("data-province") for a in links} == set(vocab.PROVINCES)
    for a in links:
        code = a.get("data-province")
        name = vocab.PROVINCES[code]
        assert a.get("href") == "../" + urls.province_path(name)
        title = a.find(f"{SVG}title").text
        assert title.startswith(f"{name}: {counts[code]['real']} tin")
        words = next(t for t in svg.iter(f"{SVG}text") if t.get("data-tile") == code)
        short, count = [t.text for t in words.findall(f"{SVG}tspan")]
        assert count == str(counts[code]["real"])
        assert a.get("aria-label") == title and words.get("aria-hidden") == "true"
        assert short in name or short == "TP HCM"
        assert int(a.get("data-count")) == counts[code]["real"]
        tile = a.find(f"{SVG}rect")
        assert "scp-tile" in tile.get("class")
    order = [stats.TILES[a.get("data-province")] for a in links]
    assert order == sorted(order, key=lambda t: (t[1], t[0]))      # reading order: the keyboard's order
    heat = {a.get("data-province"): a.find(f"{SVG}rect").get("class") for a in links}
    assert heat["ho_chi_minh"].endswith("scp-heat-4") and heat["lai_chau"].endswith("scp-heat-0")


def test_tile_layout_is_one_tile_per_province_north_to_south():
    assert set(stats.TILES) == set(vocab.PROVINCES)
    cells = [(c, r) for c, r, _ in stats.TILES.values()]
    assert len(set(cells)) == 34
    rows = defaultdict(list)
    for code, (_, r, _) in stats.TILES.items():
        rows[vocab.PROVINCE_REGION[code]].append(r)
    assert max(rows["bac"]) <= min(rows["trung"]) and max(rows["trung"]) < min(rows["nam"])
    col, row, ncols, nrows = stats.INFO_BOX
    assert not {(c, r) for c in range(col, col + ncols) for r in range(row, row + nrows)} & set(cells)
    assert not {(c, r) for c, r, _, _ in stats.ISLANDS} & set(cells)
    assert stats.TILES["ha_noi"][1] < stats.TILES["da_nang"][1] < stats.TILES["ho_chi_minh"][1]
    assert stats.TILES["lai_chau"][0] < stats.TILES["quang_ninh"][0]


def test_page_markup_is_csp_safe_and_self_contained(tmp_path):
    _write(FIXTURES / "stats", tmp_path)
    page = _page(tmp_path)
    assert page.startswith("---\n") and page.split("---\n", 2)[2].lstrip().startswith(site.RAW_START)
    assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", page, re.I)
    assert not re.search(r"(?:href|src)=\"(?!\.\./|#)", page)
    for svg in re.findall(r"<svg .*?</svg>", page, re.S):
        root = ET.fromstring(svg)                             # well-formed, namespaced
        assert root.get("viewBox") and root.find(f"{SVG}title") is not None
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", svg)
    # every chart has a summary and a data table or an empty-data sentence
    assert page.count('class="scp-summary"') >= 8
    assert page.count("<details") >= 6


# --- Files: JSON, CSV, XLSX, determinism ------------------------------------------------------------


def test_json_holds_every_figure_of_the_page(tmp_path):
    data = _write(FIXTURES / "stats", tmp_path)
    on_disk = json.loads((tmp_path / "du-lieu" / "thong-ke.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(data, default=str))
    assert on_disk["generated_from"] == "2025-10-01" and on_disk["site_url"] == SITE_URL
    page = _page(tmp_path)
    # the figures printed in the tables and cards are pairs of the JSON
    for row in on_disk["provinces"]:
        assert f'data-count="{row["real"]}" data-sample="{row["sample"]}"' in page
    for target in on_disk["targets"]:
        assert f'<span class="scp-fig">{target["achieved"]}</span>' in page
    assert len(on_disk["provinces"]) == 34


def test_expiring_csv_and_xlsx(tmp_path):
    _write(FIXTURES / "stats", tmp_path)
    raw = (tmp_path / "du-lieu" / "chung-nhan-sap-het-han.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    keys = [f"{label} ({key})" for key, label in stats.EXPIRING_COLUMNS]
    assert list(rows[0]) == keys
    first = dict(zip([k for k, _ in stats.EXPIRING_COLUMNS], rows[0].values()))
    assert first["listing_id"] == "tui-vai" and first["holder_tax_id"] == "0100109106"
    assert first["number"] == "'=HYPERLINK(\"http://x\")"      # neutralised for spreadsheets
    assert first["valid_until"] == "2025-11-20" and first["days_left"] == "50"
    assert first["url"] == SITE_URL + "san-pham/tui-vai/" and first["sample"] == "false"
    assert [r[keys[0]] for r in rows] == ["tui-vai", "thu-gom-nhua", "hop-mau"]   # real holders first

    from openpyxl import load_workbook
    book = load_workbook(tmp_path / "du-lieu" / "chung-nhan-sap-het-han.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header == keys
    cells = {key: sheet.cell(row=2, column=i + 1) for i, (key, _) in enumerate(stats.EXPIRING_COLUMNS)}
    assert cells["holder_tax_id"].value == "0100109106" and cells["holder_tax_id"].data_type == "s"
    assert cells["number"].value == '=HYPERLINK("http://x")' and cells["number"].data_type == "s"
    assert cells["valid_until"].value == dt.datetime(2025, 11, 20) and cells["days_left"].value == 50
    assert sheet.max_row == 4
    with zipfile.ZipFile(tmp_path / "du-lieu" / "chung-nhan-sap-het-han.xlsx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 10, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
        assert "2025-10-01T00:00:00Z" in core and not re.search(r"20\d\d-\d\d-\d\dT(?!00:00:00)", core)


def test_two_runs_with_the_same_date_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _write(FIXTURES / "stats", first)
    _write(FIXTURES / "stats", second)
    files = ["thong-ke/index.md", "du-lieu/thong-ke.json", "du-lieu/chung-nhan-sap-het-han.csv",
             "du-lieu/chung-nhan-sap-het-han.xlsx"]
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    later = tmp_path / "c"
    stats.write_stats(validate_tree(FIXTURES / "stats", today=ON).listings, later, SITE_URL, ON + dt.timedelta(days=1))
    assert (later / files[3]).read_bytes() != (first / files[3]).read_bytes()


def test_two_site_builds_give_identical_dashboard_files(tmp_path):
    phases: dict = {}
    site.build(FIXTURES / "stats", tmp_path / "one", SITE_URL, phases=phases, on=ON)
    site.build(FIXTURES / "stats", tmp_path / "two", SITE_URL, on=ON)
    assert "stats" in phases
    for rel in ("thong-ke/index.html", "du-lieu/thong-ke.json", "du-lieu/chung-nhan-sap-het-han.csv",
                "du-lieu/chung-nhan-sap-het-han.xlsx"):
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel
    html = (tmp_path / "one" / "thong-ke" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a[^>]*class="md-tabs__link"[^>]*>\s*Thống kê', html)   # in the main navigation
    for href in set(re.findall(r'<a class="scp-tile-link" href="([^"]+)"', html)):
        assert (tmp_path / "one" / "thong-ke" / href / "index.html").resolve().is_file(), href


# --- The programme file ------------------------------------------------------------------------


def test_shipped_programme_cites_decision_and_clause_for_every_target():
    programme = stats.load_programme()
    assert programme.decision == "889/QĐ-TTg" and programme.signed == dt.date(2020, 6, 24)
    assert {t.measure for t in programme.targets} == {"models", "exhibitions", "certified_products"}
    for target in programme.targets:
        assert target.decision and target.clause and target.text
    models = next(t for t in programme.targets if t.measure == "models")
    assert (models.minimum, models.maximum, models.from_year, models.to_year) == (20, 30, 2021, 2025)


GOOD = (stats.PROGRAMME_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, where", [
    (("minimum: 20", "minimum: 40"), "targets.0"),                         # maximum below minimum
    (("measure: models", "measure: trees"), "targets.0.measure"),
    (("from_year: 2021\n    to_year: 2025", "from_year: 2026\n    to_year: 2025"), "targets.0"),  # to before from
    (("decision: 889/QĐ-TTg\nsigned", "signed"), "decision"),              # a required field missing
    (("id: trien-lam-3-mien", "id: mo-hinh-2025"), "(tệp / file)"),       # duplicate id
    (("    minimum: 20", "    minimum: 20\n    colour: red"), "targets.0.colour"),
    (("targets:", "targets: ["), "programme.yaml:"),                        # not YAML
])
def test_a_bad_programme_file_stops_the_build_with_a_clear_message(tmp_path, change, where):
    old, new = change
    assert GOOD.count(old) == 1
    bad = tmp_path / "programme.yaml"
    bad.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(site.BuildError) as err:
        stats.write_stats([], tmp_path / "docs", SITE_URL, ON, programme_file=bad)
    message = str(err.value)
    assert "programme.yaml" in message and where in message, message
    assert " / " in message                                        # Vietnamese / English
    assert not (tmp_path / "docs").exists()                        # nothing written


def test_an_empty_directory_still_renders(tmp_path):
    data = stats.write_stats([], tmp_path, SITE_URL, ON)
    assert data["headline"]["total"] == {"real": 0, "sample": 0}
    page = _page(tmp_path)
    assert "Chưa có mô hình thật nào." in page and len(re.findall(r"<a class=\"scp-tile-link\"", page)) == 34


# --- Git dates -------------------------------------------------------------------------------


def _git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.vn", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.vn", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    (repo / "listings" / "product").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("x\n")
    p = repo / "listings" / "product"
    (p / "a.yaml").write_text("a\n")
    (p / "b.yaml").write_text("b\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add a b", when="2024-01-10T10:00:00+07:00")
    (p / "a.yaml").write_text("a2\n")
    _git(repo, "commit", "-q", "-am", "edit a", when="2024-03-05T10:00:00+07:00")
    _git(repo, "checkout", "-q", "-b", "pr")
    (p / "c.yaml").write_text("c\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add c on a branch", when="2024-04-01T10:00:00+07:00")
    _git(repo, "checkout", "-q", "main")
    (p / "d.yaml").write_text("d\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add d", when="2024-04-02T10:00:00+07:00")
    _git(repo, "merge", "-q", "--no-ff", "-m", "merge pr", "pr", when="2024-05-20T10:00:00+07:00")
    _git(repo, "mv", "listings/product/b.yaml", "listings/product/b2.yaml")
    _git(repo, "commit", "-q", "-m", "rename b", when="2024-06-01T10:00:00+07:00")
    (p / "d.yaml").write_text("d2\n")
    _git(repo, "commit", "-q", "-am", "late evening UTC", when="2024-07-01T20:00:00+00:00")
    (p / "e.yaml").write_text("never committed\n")
    (repo / "README.md").write_text("changed outside listings\n")
    _git(repo, "commit", "-q", "-am", "outside", when="2024-08-01T10:00:00+07:00")
    return repo


def test_git_dates_first_added_and_last_changed(repo):
    d = dt.date
    dates = history.git_dates(repo / "listings")
    assert dates == {
        "product/a.yaml": (d(2024, 1, 10), d(2024, 3, 5)),
        "product/b2.yaml": (d(2024, 1, 10), d(2024, 6, 1)),     # the rename keeps the first day
        "product/c.yaml": (d(2024, 5, 20), d(2024, 5, 20)),     # the day the merge landed on main
        "product/d.yaml": (d(2024, 4, 2), d(2024, 7, 2)),       # 20:00 UTC is the next day in Vietnam
    }
    assert history.git_dates(repo / "listings" / "product") == {k.split("/")[1]: v for k, v in dates.items()}


def test_git_dates_outside_git_and_in_a_shallow_clone(repo, tmp_path):
    outside = tmp_path / "copy"
    shutil.copytree(repo / "listings", outside)
    assert history.git_dates(outside) == {}
    assert history.git_dates(tmp_path / "missing") == {}
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True,
                   capture_output=True)
    assert history.git_dates(shallow / "listings") == {}          # every file looks added at the boundary


def test_growth_uses_git_dates_where_known(tmp_path):
    listings = validate_tree(FIXTURES / "stats", today=ON).listings
    model = next(x for x in listings if x.id == "mo-hinh-pin")
    dates = {history.listing_key(model): (dt.date(2025, 9, 30), dt.date(2025, 9, 30))}
    s = stats.Stats(listings, ON, dates)
    assert s.growth_source["git"] == [1, 0]
    assert s.growth.real(((2025, 3), "model")) == 1 + sum(1 for x in listings if x.kind == "model" and not x.sample
                                                          and stats.quarter_of(x.date_added) == (2025, 3))
    assert history.added_on(model, {}) == (model.date_added, "date_added")


def test_the_page_shows_a_bounded_expiring_table_and_the_files_hold_all(tmp_path, monkeypatch):
    monkeypatch.setattr(stats, "EXPIRING_SHOWN", 2)
    data = _write(FIXTURES / "stats", tmp_path)
    table = re.search(r'<table class="scp-table" data-table="expiring">.*?</table>', _page(tmp_path), re.S).group(0)
    assert table.count("<tr>") == 1 + 2 and "2/3 dòng đầu" in table
    assert len(data["certificates"]["expiring"]) == 3
    csv_rows = (tmp_path / "du-lieu" / "chung-nhan-sap-het-han.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_rows) == 1 + 3
