"""The programme dashboard `/thong-ke/`: figures and charts a ministry officer reads at a glance.

`write_stats(listings, docs_dir, site_url, on, git_dates=None)` writes

- `thong-ke/index.md`: headline figures, progress against the programme's targets
  (`programme.yaml` beside this file, validated by `Programme`), certificates, growth per
  quarter, supply and demand per material category and a tile map of the 34 provinces;
- `du-lieu/thong-ke.json`: every figure of the page, for other systems;
- `du-lieu/chung-nhan-sap-het-han.csv` and `.xlsx`: the certificates that expire within
  `status.EXPIRING_DAYS` of the reference date, so the ministry can remind their holders.

Sample listings (`sample: true`) are counted apart everywhere: every figure is a pair
{"real", "sample"}, computed as if each set were a directory of its own (a real offer is
matched only by real demands). Charts and targets show real listings; sample counts are in
the tables, the cards and the JSON. A listing's date of entry is the day git first saw its
file on the main line (`history.py`), else its `date_added`.

Aggregates come from one pass over the listings (plus a sort per material category for
matches), so the phase stays linear. Charts are static SVG drawn by the macros of
`site_templates/pages/stats.html` from the geometry computed here: no script, no `style`
attribute or element, colours by CSS class (`scp.css`), `viewBox` and width 100%. Charting
libraries were tried first: pygal writes a `<style>` element, an inline `<script>`, a `style`
attribute and the build day into every chart; Vega-Lite through vl-convert (84 MB) numbers its
gradient ids per process (not byte-identical, ids clash between charts of one page), resolves
every relative link against https://vega.github.io/vega-datasets/ and writes no `<title>` for
hover. Output depends only on the listings, the git history, `site_url` and `on`.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import history, urls, vocab
from .urls import board_path, province_path, sector_path
from .export import neutralise
from .spreadsheet import pin_dates
from .models import Exchange, Exhibition, ListingBase, Model, Organisation, Product, province_of
from .status import EXPIRING_DAYS, STATUS_LABELS, certificate_status, certificates_of, scheme_label

PAGE = "thong-ke/"
JSON_FILE = "thong-ke.json"
EXPIRING_FILE = "chung-nhan-sap-het-han"
PROGRAMME_FILE = Path(__file__).with_name("programme.yaml")
TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"
GROWTH_QUARTERS = 12         # quarters drawn in the growth chart; the JSON has all of them
EXPIRING_SHOWN = 50          # rows of the expiring table on the page; the CSV, XLSX and JSON have all
CERT_STATUSES = ("valid", "expiring", "expired", "not_yet")
SIDES = ("offer", "demand")

# --- Programme targets: the data file and its model -------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Line = Field(min_length=1, max_length=300)


class Target(_Strict):
    """One programme target the directory can measure, with the text and clause it comes from."""
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)
    measure: Literal["models", "exhibitions", "certified_products"]
    title: str = Line
    title_en: str = Line
    text: str = Line
    decision: str = Field(min_length=1, max_length=60)
    clause: str = Line
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    from_year: int = Field(ge=2000, le=2100)
    to_year: int = Field(ge=2000, le=2100)
    minimum: int | None = Field(default=None, ge=1, le=100_000)
    maximum: int | None = Field(default=None, ge=1, le=100_000)
    per_region: int | None = Field(default=None, ge=1, le=1000)
    note: str | None = Field(default=None, min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self):
        if self.to_year < self.from_year:
            raise ValueError("to_year trước from_year / to_year is before from_year")
        if self.minimum is not None and self.maximum is not None and self.maximum < self.minimum:
            raise ValueError("maximum nhỏ hơn minimum / maximum is below minimum")
        if self.maximum is not None and self.minimum is None:
            raise ValueError("có maximum thì phải có minimum / maximum needs minimum")
        if self.per_region is not None and self.measure != "exhibitions":
            raise ValueError("per_region chỉ dùng cho measure: exhibitions / per_region is for exhibitions only")
        return self


class Programme(_Strict):
    decision: str = Field(min_length=1, max_length=60)
    signed: dt.date
    title: str = Line
    title_en: str = Line
    targets: list[Target] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _unique(self):
        ids = [t.id for t in self.targets]
        if len(ids) != len(set(ids)):
            raise ValueError("mã chỉ tiêu (id) bị trùng / target ids must be unique")
        return self


def _build_error(message: str) -> Exception:
    from .site import BuildError  # site.py imports this module
    return BuildError(message)


def load_programme(path: Path = PROGRAMME_FILE) -> Programme:
    """The programme targets of `path`; a BuildError naming the file and field if it is wrong."""
    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise _build_error(f"không đọc được {where} ({err.strerror}) / cannot read {where}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise _build_error(f"{where}{line}: YAML không hợp lệ / invalid YAML: {getattr(err, 'problem', err)}") from None
    try:
        return Programme.model_validate(data)
    except ValidationError as err:
        lines = []
        targets = data.get("targets") if isinstance(data, dict) else None
        for e in err.errors(include_url=False):
            loc = ".".join(str(p) for p in e["loc"]) or "(tệp / file)"
            if e["loc"][:1] == ("targets",) and len(e["loc"]) > 1 and isinstance(targets, list) \
                    and isinstance(e["loc"][1], int) and isinstance(targets[e["loc"][1]], dict):
                loc += f" (id: {targets[e['loc'][1]].get('id')})"
            lines.append(f"{where}: {loc}: {e['msg'].removeprefix('Value error, ')}")
        raise _build_error("chỉ tiêu chương trình sai / invalid programme targets\n" + "\n".join(lines)) from None


# --- Aggregation: one pass over the listings -------------------------------------------------


def _pair(values) -> dict:
    return {"real": values[0], "sample": values[1]}


class Tally(defaultdict):
    """key -> [real, sample] counts."""

    def __init__(self):
        super().__init__(lambda: [0, 0])

    def add(self, key, sample: bool, n: int = 1) -> None:
        self[key][1 if sample else 0] += n

    def real(self, key) -> int:
        return self[key][0] if key in self else 0

    def get_pair(self, key) -> list[int]:
        return self[key] if key in self else [0, 0]


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_label(q: tuple[int, int]) -> str:
    return f"{q[0]}-Q{q[1]}"


def _previous(q: tuple[int, int], n: int) -> tuple[int, int]:
    index = q[0] * 4 + q[1] - 1 - n
    return index // 4, index % 4 + 1


def _event_year(ex: Exhibition) -> int:
    return ex.start_date.year if ex.start_date else ex.year


class Stats:
    """Every aggregate of the dashboard, from one pass over the listings."""

    def __init__(self, listings: Iterable[ListingBase], on: dt.date,
                 dates: dict[str, tuple[dt.date, dt.date]] | None = None):
        self.on = on
        dates = dates or {}
        listings = list(listings)
        orgs = {x.id: x for x in listings if isinstance(x, Organisation)}
        self.kinds, self.provinces = Tally(), Tally()
        self.cert_status, self.cert_scheme = Tally(), Tally()
        self.models, self.model_sectors = Tally(), Tally()        # (year, status), (sector, status)
        self.exhibitions = Tally()                                # (year, region, event status)
        self.certified_products = Tally()                         # None
        self.growth, self.growth_source = Tally(), Tally()        # (quarter, kind), "git"/"date_added"
        self.exchange = Tally()                                   # (category, measure)
        self.expiring: list[dict] = []
        intervals: dict[tuple, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
        for x in listings:
            sample = x.sample
            self.kinds.add(x.kind, sample)
            if province := province_of(x, orgs):
                self.provinces.add(province, sample)
            added, source = history.added_on(x, dates)
            self.growth.add((quarter_of(added), x.kind), sample)
            self.growth_source.add(source, sample)
            in_force = False
            for cert in certificates_of(x):
                state = certificate_status(cert, on)
                in_force = in_force or state in ("valid", "expiring")
                self.cert_status.add(state, sample)
                self.cert_scheme.add((cert.scheme, state), sample)
                if state == "expiring":
                    self.expiring.append(_expiring_row(x, cert, orgs, on))
            if isinstance(x, Product) and in_force:
                self.certified_products.add(None, sample)
            if isinstance(x, Model):
                self.models.add((x.year, x.status), sample)
                for sector in dict.fromkeys(x.sectors):
                    self.model_sectors.add((sector, x.status), sample)
            elif isinstance(x, Exhibition):
                self.exhibitions.add((_event_year(x), x.region, x.status), sample)
            elif isinstance(x, Exchange):
                if x.valid_until >= on:
                    self.exchange.add((x.material_category, x.kind), sample)
                    intervals[(x.material_category, x.kind, sample)].append(
                        (x.valid_from or dt.date.min, x.valid_until, x.id))
                else:
                    self.exchange.add((x.material_category, x.kind + "_expired"), sample)
        # real holders first (they are the ones to remind), soonest first
        self.expiring.sort(key=lambda r: (r["sample"], r["valid_until"], r["listing_id"], r["number"]))
        self._match(intervals)

    def _match(self, intervals: dict[tuple, list]) -> None:
        """How many active offers (demands) have at least one active demand (offer) of the same
        category whose validity overlaps theirs (render.Catalogue.matches' rule), within the real
        and within the sample listings. Sorted starts and a running maximum of ends: O(n log n)."""
        for (category, kind, sample), mine in intervals.items():
            other = sorted(intervals.get((category, "demand" if kind == "offer" else "offer", sample), []))
            starts = [start for start, _, _ in other]
            latest_end, best = [], dt.date.min
            for _, end, _ in other:
                best = max(best, end)
                latest_end.append(best)
            matched = 0
            for start, end, _ in mine:
                i = bisect.bisect_right(starts, end)   # counterparts starting no later than this ends
                if i and latest_end[i - 1] >= start:
                    matched += 1
            if matched:
                self.exchange.add((category, kind + "_matched"), sample, matched)


def _expiring_row(x: ListingBase, cert, orgs: dict[str, Organisation], on: dt.date) -> dict:
    holder = orgs.get(x.owner_id() or "") if not isinstance(x, Organisation) else x
    contact = getattr(x, "contact", None) or (holder.contact if holder else None)
    return {
        "listing_id": x.id, "listing_name": x.name, "kind": x.kind, "path": urls.listing_path(x),
        "holder": holder.name if holder else "", "holder_tax_id": (holder.tax_id or "") if holder else "",
        "email": (contact.email or "") if contact else "", "phone": (contact.phone or "") if contact else "",
        "scheme": cert.scheme, "scheme_label": scheme_label(cert), "issuer": cert.issuer, "number": cert.number,
        "valid_until": cert.valid_until, "days_left": (cert.valid_until - on).days, "sample": x.sample,
    }


# --- Targets -------------------------------------------------------------------------------------


def evaluate(target: Target, s: Stats) -> dict:
    """Progress of one target: real listings only, sample ones reported as left out."""
    years = range(target.from_year, target.to_year + 1)
    base = {"id": target.id, "measure": target.measure, "title": target.title, "title_en": target.title_en,
            "text": target.text, "decision": target.decision, "clause": target.clause, "url": target.url,
            "from_year": target.from_year, "to_year": target.to_year, "minimum": target.minimum,
            "maximum": target.maximum, "per_region": target.per_region, "note": target.note}
    if target.measure == "models":
        by_status = {code: 0 for code in vocab.MODEL_STATUSES.codes()}
        sample = outside = 0
        for (year, status), (real, fake) in s.models.items():
            if year in years:
                by_status[status] += real
                sample += fake
            else:
                outside += real
        achieved = sum(by_status.values())
        return {**base, "achieved": achieved, "by_status": by_status, "sample_left_out": sample,
                "outside_period": outside, "met": target.minimum is None or achieved >= target.minimum}
    if target.measure == "exhibitions":
        by_region = {code: 0 for code in vocab.REGIONS.codes()}
        sample = cancelled = 0
        for (year, region, status), (real, fake) in s.exhibitions.items():
            if year not in years:
                continue
            if status == "huy":
                cancelled += real
                continue
            by_region[region] += real
            sample += fake
        achieved = sum(by_region.values())
        regions_met = sum(1 for n in by_region.values() if n >= (target.per_region or 1))
        met = (target.minimum is None or achieved >= target.minimum) and \
            (target.per_region is None or regions_met == len(by_region))
        return {**base, "achieved": achieved, "by_region": by_region, "regions_met": regions_met,
                "cancelled": cancelled, "sample_left_out": sample, "met": met}
    real, fake = s.certified_products.get_pair(None)
    return {**base, "achieved": real, "sample_left_out": fake,
            "met": target.minimum is None or real >= target.minimum}


# --- Chart geometry (drawn by the macros of stats.html) -------------------------------------------

WIDTH = 340  # viewBox width of every chart: about a phone's content width, so text stays legible


def num(n: int) -> str:
    """A count the Vietnamese way: 1.234."""
    return f"{n:,}".replace(",", ".")


def _r(v: float) -> str:
    """A coordinate with at most one decimal, the same text on every run."""
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_max(value: int) -> tuple[int, int]:
    """(axis maximum, tick step) with about four steps: 1, 2, 5 times a power of ten."""
    if value <= 4:
        return max(value, 1), 1
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return int(math.ceil(value / step) * step), int(step)


def hbar(rows: list[dict], legend: list[tuple[str, str]] | None = None) -> dict:
    """Horizontal bars; each row has a label and one or more bars of stacked segments.
    rows: [{"label", "href"?, "bars": [{"name", "segments": [(value, colour class, segment name)]}]}]."""
    label_h, bar_h, gap, row_gap = 15, 12, 3, 7

    def value_text(row: dict, bar: dict) -> str:
        total = num(sum(v for v, _, _ in bar["segments"]))
        return f"{total} {bar['name'].lower()}" if len(row["bars"]) > 1 else total

    totals = [sum(v for v, _, _ in bar["segments"]) for row in rows for bar in row["bars"]]
    vmax = max(totals, default=0) or 1
    # room for the longest value label after a full bar (about 6.5 units a character at 11px bold)
    value_w = max([len(value_text(row, bar)) * 6.5 + 6 for row in rows for bar in row["bars"]], default=24)
    plot = WIDTH - value_w
    y, out = 0.0, []
    for row in rows:
        label_y = y + 11
        y += label_h
        bars = []
        for bar in row["bars"]:
            x, segs = 0.0, []
            for value, cls, name in bar["segments"]:
                if value <= 0:
                    continue
                w = value / vmax * plot
                segs.append({"x": _r(x), "y": _r(y), "w": _r(w), "h": bar_h, "cls": cls,
                             "title": f"{name}: {num(value)}", "value": value})
                x += w
            total = sum(v for v, _, _ in bar["segments"])
            bars.append({"segments": segs, "total": total, "text": value_text(row, bar), "name": bar["name"],
                         "text_x": _r(x + 4), "text_y": _r(y + bar_h - 2)})
            y += bar_h + gap
        out.append({"label": row["label"], "label_y": _r(label_y), "href": row.get("href"), "bars": bars})
        y += row_gap
    return {"kind": "hbar", "rows": out, "height": _r(max(y - row_gap - gap, 1)), "width": WIDTH,
            "legend": legend or []}


def columns(cols: list[dict], series: list[tuple[str, str, str]]) -> dict:
    """Vertical stacked columns. cols: [{"label", "sub", "values": {series code: n}}];
    series: [(code, colour class, name)]."""
    left, top, bottom = 30, 8, 30
    height = 190
    plot_h = height - top - bottom
    total = [sum(c["values"].get(code, 0) for code, _, _ in series) for c in cols]
    vmax, step = _nice_max(max(total, default=0))
    plot_w = WIDTH - left
    slot = plot_w / max(len(cols), 1)
    bar_w = min(slot * 0.7, 28)
    ticks = [{"y": _r(top + plot_h - v / vmax * plot_h), "text": num(v)} for v in range(0, vmax + 1, step)]
    out = []
    for i, (col, col_total) in enumerate(zip(cols, total)):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        segs = []
        for code, cls, name in series:
            value = col["values"].get(code, 0)
            if value <= 0:
                continue
            h = value / vmax * plot_h
            y -= h
            segs.append({"x": _r(x), "y": _r(y), "w": _r(bar_w), "h": _r(h), "cls": cls,
                         "title": f"{col['label']} {col['sub']} — {name}: {num(value)}", "value": value})
        out.append({"segments": segs, "total": col_total, "label": col["label"], "sub": col["sub"],
                    "cx": _r(left + slot * i + slot / 2), "top": _r(y - 3)})
    return {"kind": "columns", "cols": out, "ticks": ticks, "width": WIDTH, "height": height,
            "left": left, "base": _r(top + plot_h), "label_y": _r(top + plot_h + 13),
            "sub_y": _r(top + plot_h + 25), "legend": [(cls, name) for _, cls, name in series]}


def progress(segments: list[tuple[int, str, str]], minimum: int | None, maximum: int | None) -> dict:
    """A progress bar against a target range: stacked segments, the range shaded, its ends marked."""
    achieved = sum(v for v, _, _ in segments)
    goal = maximum or minimum or 1
    vmax, step = _nice_max(max(goal, achieved))
    pad = 8
    plot = WIDTH - 2 * pad
    x_of = lambda v: pad + v / vmax * plot  # noqa: E731
    bar_y, bar_h = 26, 22
    segs, x = [], float(pad)
    for value, cls, name in segments:
        if value <= 0:
            continue
        w = value / vmax * plot
        segs.append({"x": _r(x), "y": bar_y, "w": _r(w), "h": bar_h, "cls": cls, "title": f"{name}: {num(value)}",
                     "value": value})
        x += w
    def anchor(at: float) -> str:
        return "start" if at < 40 else "end" if at > WIDTH - 40 else "middle"

    marks = []
    for value, label in ((minimum, "tối thiểu" if maximum else "chỉ tiêu"), (maximum, "tối đa")):
        if value is not None:
            marks.append({"x": _r(x_of(value)), "value": value, "text": num(value), "label": label,
                          "anchor": anchor(x_of(value))})
    band = None
    if minimum is not None and maximum is not None:
        band = {"x": _r(x_of(minimum)), "w": _r(x_of(maximum) - x_of(minimum))}
    ticks = [{"x": _r(x_of(v)), "text": num(v), "anchor": anchor(x_of(v))} for v in range(0, vmax + 1, step)]
    inside = x > pad + plot * 0.85                      # no room after the bar: the count goes inside its end
    value = {"x": _r(x - 4 if inside else x + 4), "anchor": "end" if inside else "start",
             "cls": "scp-on-dark" if inside else ""}
    return {"kind": "progress", "segments": segs, "marks": marks, "band": band, "ticks": ticks,
            "width": WIDTH, "height": 78, "bar_y": bar_y, "bar_h": bar_h, "pad": pad, "plot_w": _r(plot),
            "base": bar_y + bar_h, "achieved": achieved, "value": value}


# The tile map: (column, row, short name) of each province, north to south and west to east.
TILES: dict[str, tuple[int, int, str]] = {
    "lai_chau": (0, 0, "Lai Châu"), "lao_cai": (1, 0, "Lào Cai"), "tuyen_quang": (2, 0, "Tuyên Quang"),
    "cao_bang": (3, 0, "Cao Bằng"),
    "dien_bien": (0, 1, "Điện Biên"), "son_la": (1, 1, "Sơn La"), "phu_tho": (2, 1, "Phú Thọ"),
    "thai_nguyen": (3, 1, "Thái Nguyên"), "lang_son": (4, 1, "Lạng Sơn"),
    "ha_noi": (2, 2, "Hà Nội"), "bac_ninh": (3, 2, "Bắc Ninh"), "quang_ninh": (4, 2, "Quảng Ninh"),
    "thanh_hoa": (1, 3, "Thanh Hóa"), "ninh_binh": (2, 3, "Ninh Bình"), "hung_yen": (3, 3, "Hưng Yên"),
    "hai_phong": (4, 3, "Hải Phòng"),
    "nghe_an": (1, 4, "Nghệ An"), "ha_tinh": (2, 4, "Hà Tĩnh"),
    "quang_tri": (2, 5, "Quảng Trị"), "hue": (3, 5, "Huế"),
    "da_nang": (3, 6, "Đà Nẵng"),
    "quang_ngai": (3, 7, "Quảng Ngãi"),
    "gia_lai": (3, 8, "Gia Lai"),
    "dak_lak": (3, 9, "Đắk Lắk"),
    "lam_dong": (3, 10, "Lâm Đồng"), "khanh_hoa": (4, 10, "Khánh Hòa"),
    "tay_ninh": (1, 11, "Tây Ninh"), "dong_nai": (2, 11, "Đồng Nai"),
    "an_giang": (0, 12, "An Giang"), "dong_thap": (1, 12, "Đồng Tháp"), "ho_chi_minh": (2, 12, "TP HCM"),
    "can_tho": (1, 13, "Cần Thơ"), "vinh_long": (2, 13, "Vĩnh Long"),
    "ca_mau": (0, 14, "Cà Mau"),
}
TILE_W, TILE_H, TILE_GAP = 64, 40, 4
# Not provinces: the archipelagos, named where the national map shows them (no count, no link).
ISLANDS = [(4, 6, "QĐ Hoàng Sa", "(TP Đà Nẵng)"), (4, 11, "QĐ Trường Sa", "(Khánh Hòa)")]
INFO_BOX = (3, 12, 2, 3)  # column, row, columns, rows of the box that names the tile under the pointer


def heat_levels(counts: Iterable[int]) -> tuple[int, list[tuple[int, int, int]]]:
    """(max, [(level, low, high)]) of the shading: 0 for none, then four equal steps of the maximum."""
    top = max(counts, default=0)
    levels = []
    for k in range(1, 5):
        low, high = (k - 1) * top // 4 + 1, k * top // 4
        if top and low <= high:
            levels.append((k, low, high))
    return top, levels


def heat_level(n: int, top: int) -> int:
    return 0 if n <= 0 or top <= 0 else min(4, -(-4 * n // top))


def tile_map(provinces: Tally, page_u) -> dict:
    step_x, step_y = TILE_W + TILE_GAP, TILE_H + TILE_GAP
    counts = {code: provinces.get_pair(name) for code, name in vocab.PROVINCES.items()}
    top, levels = heat_levels(real for real, _ in counts.values())
    tiles = []
    col, row, ncols, nrows = INFO_BOX
    info = {"x": col * step_x, "y": row * step_y, "w": ncols * step_x - TILE_GAP, "h": nrows * step_y - TILE_GAP}
    # reading order, north to south and west to east: the order a keyboard tabs through the tiles
    for code in sorted(vocab.PROVINCES, key=lambda code: (TILES[code][1], TILES[code][0])):
        name = vocab.PROVINCES[code]
        c, r, short = TILES[code]
        real, fake = counts[code]
        level = heat_level(real, top)
        extra = f" (thêm {num(fake)} tin mẫu)" if fake else ""
        tiles.append({
            "code": code, "name": name, "short": short, "href": page_u(province_path(name)),
            "x": c * step_x, "y": r * step_y, "w": TILE_W, "h": TILE_H, "level": level,
            "real": real, "sample": fake, "title": f"{name}: {num(real)} tin{extra}",
            "info_name": name.replace("Thành phố ", "TP "),
            "cx": c * step_x + TILE_W / 2,
        })
    islands = [{"x": c * step_x + TILE_W / 2, "y": r * step_y + 16, "name": name, "sub": sub}
               for c, r, name, sub in ISLANDS]
    width = max(c for c, _, _ in TILES.values()) * step_x + TILE_W
    height = max(r for _, r, _ in TILES.values()) * step_y + TILE_H
    return {"kind": "map", "tiles": tiles, "width": width, "height": height, "info": info, "islands": islands,
            "levels": [{"level": 0, "text": "0"}] + [
                {"level": k, "text": num(lo) if lo == hi else f"{num(lo)}–{num(hi)}"} for k, lo, hi in levels],
            "top": top}


# --- Page and data --------------------------------------------------------------------------------

KIND_CLASS = {kind: f"scp-c-k{i}" for i, kind in enumerate(vocab.KINDS.codes())}


def _sample_note(n: int, what: str = "tin") -> str:
    return f"Không tính {num(n)} {what} mẫu." if n else ""


def build(s: Stats, programme: Programme, page_u) -> tuple[dict, dict]:
    """(the page's context, the JSON document): the same figures, computed once."""
    on = s.on
    kinds = [{"code": k, "label": vocab.KINDS.label(k), "en": vocab.KINDS.terms[k].en,
              "path": page_u(urls.kind_index_path(k)), "real": s.kinds.real(k), "sample": s.kinds.get_pair(k)[1]}
             for k in vocab.KINDS.codes()]
    total = [sum(s.kinds.get_pair(k)[i] for k in vocab.KINDS.codes()) for i in (0, 1)]
    covered = [sum(1 for p in vocab.PROVINCES.values() if s.provinces.get_pair(p)[i]) for i in (0, 1)]
    covered_any = sum(1 for p in vocab.PROVINCES.values() if any(s.provinces.get_pair(p)))
    in_force = [s.cert_status.get_pair("valid")[i] + s.cert_status.get_pair("expiring")[i] for i in (0, 1)]
    targets = [evaluate(t, s) for t in programme.targets]

    # Models: the progress bar and sectors, real listings only.
    status_cls = {code: f"scp-c-{code}" for code in vocab.MODEL_STATUSES.codes()}
    model_target = next((t for t in targets if t["measure"] == "models"), None)
    for t in targets:
        if t["measure"] == "models":
            t["chart"] = progress([(t["by_status"][c], status_cls[c], vocab.MODEL_STATUSES.label(c))
                                   for c in vocab.MODEL_STATUSES.codes()], t["minimum"], t["maximum"])
            t["legend"] = [(status_cls[c], vocab.MODEL_STATUSES.label(c)) for c in vocab.MODEL_STATUSES.codes()]
        elif t["measure"] == "exhibitions":
            t["chart"] = progress([(t["by_region"][r], f"scp-c-{r}", vocab.REGIONS.label(r))
                                   for r in vocab.REGIONS.codes()], t["minimum"], None)
            t["legend"] = [(f"scp-c-{r}", vocab.REGIONS.label(r)) for r in vocab.REGIONS.codes()]
    sector_rows, sector_table = [], []
    for code in vocab.SECTORS.codes():
        pairs = {st: s.model_sectors.get_pair((code, st)) for st in vocab.MODEL_STATUSES.codes()}
        real, fake = sum(p[0] for p in pairs.values()), sum(p[1] for p in pairs.values())
        if real or fake:
            sector_table.append({"code": code, "label": vocab.SECTORS.label(code), "path": page_u(sector_path(code)),
                                 "by_status": {st: p[0] for st, p in pairs.items()}, "real": real, "sample": fake})
        if real:
            sector_rows.append({"label": vocab.SECTORS.label(code), "href": page_u(sector_path(code)), "bars": [
                {"name": "Mô hình", "segments": [(pairs[st][0], status_cls[st], vocab.MODEL_STATUSES.label(st))
                                                 for st in vocab.MODEL_STATUSES.codes()]}]})
    model_years = sorted({year for year, _ in s.models})
    models_by_year = [{"year": y, "by_status": {st: s.models.real((y, st)) for st in vocab.MODEL_STATUSES.codes()},
                       "sample": sum(s.models.get_pair((y, st))[1] for st in vocab.MODEL_STATUSES.codes())}
                      for y in model_years]

    # Exhibitions per year and region.
    ex_years = sorted({year for year, _, _ in s.exhibitions})
    ex_table = []
    for year in ex_years:
        cells = {r: sum(s.exhibitions.real((year, r, st)) for st in vocab.EVENT_STATUSES.codes() if st != "huy")
                 for r in vocab.REGIONS.codes()}
        ex_table.append({"year": year, "by_region": cells,
                         "cancelled": sum(s.exhibitions.real((year, r, "huy")) for r in vocab.REGIONS.codes()),
                         "sample": sum(s.exhibitions.get_pair((year, r, st))[1] for r in vocab.REGIONS.codes()
                                       for st in vocab.EVENT_STATUSES.codes())})
    ex_chart = hbar([{"label": f"Năm {row['year']}", "bars": [{"name": "Triển lãm", "segments": [
        (row["by_region"][r], f"scp-c-{r}", vocab.REGIONS.label(r)) for r in vocab.REGIONS.codes()]}]}
        for row in ex_table if sum(row["by_region"].values())],
        legend=[(f"scp-c-{r}", vocab.REGIONS.label(r)) for r in vocab.REGIONS.codes()])

    # Certificates.
    cert_cls = {st: f"scp-c-{st}" for st in CERT_STATUSES}
    cert_cards = [{"code": st, "label": STATUS_LABELS[st][0], "en": STATUS_LABELS[st][1],
                   "real": s.cert_status.real(st), "sample": s.cert_status.get_pair(st)[1]} for st in CERT_STATUSES]
    scheme_table, scheme_rows = [], []
    for code in vocab.SCHEMES.codes():
        pairs = {st: s.cert_scheme.get_pair((code, st)) for st in CERT_STATUSES}
        real, fake = sum(p[0] for p in pairs.values()), sum(p[1] for p in pairs.values())
        if real or fake:
            scheme_table.append({"code": code, "label": vocab.SCHEMES.label(code),
                                 "by_status": {st: p[0] for st, p in pairs.items()}, "real": real, "sample": fake})
        if real:
            scheme_rows.append({"label": vocab.SCHEMES.label(code), "bars": [{"name": "Chứng nhận", "segments": [
                (pairs[st][0], cert_cls[st], STATUS_LABELS[st][0]) for st in CERT_STATUSES]}]})
    scheme_chart = hbar(scheme_rows, legend=[(cert_cls[st], STATUS_LABELS[st][0]) for st in CERT_STATUSES])
    expiring = [{**row, "path": page_u(row["path"]), "until": row["valid_until"].strftime("%d/%m/%Y")}
                for row in s.expiring[:EXPIRING_SHOWN]]

    # Growth per quarter and kind (real), the last GROWTH_QUARTERS quarters.
    quarters = sorted({q for q, _ in s.growth})
    last = max([quarter_of(on)] + quarters)
    shown = [_previous(last, n) for n in range(GROWTH_QUARTERS - 1, -1, -1)]
    earlier = {k: sum(s.growth.real((q, k)) for q in quarters if q < shown[0]) for k in vocab.KINDS.codes()}
    growth_rows = [{"quarter": q, "label": f"Q{q[1]}/{q[0]}",
                    "by_kind": {k: s.growth.real((q, k)) for k in vocab.KINDS.codes()},
                    "sample": sum(s.growth.get_pair((q, k))[1] for k in vocab.KINDS.codes())} for q in shown]
    for row in growth_rows:
        row["real"] = sum(row["by_kind"].values())
    growth_chart = columns([{"label": f"Q{r['quarter'][1]}", "sub": str(r["quarter"][0]) if r["quarter"][1] == 1
                             or i == 0 else "", "values": r["by_kind"]} for i, r in enumerate(growth_rows)],
                           [(k, KIND_CLASS[k], vocab.KINDS.label(k)) for k in vocab.KINDS.codes()])

    # Supply and demand per material category (active listings).
    exchange_table, exchange_rows = [], []
    for code in vocab.MATERIAL_CATEGORIES.codes():
        cell = {m: s.exchange.get_pair((code, m)) for m in
                ("offer", "demand", "offer_matched", "demand_matched", "offer_expired", "demand_expired")}
        if not any(v[0] or v[1] for v in cell.values()):
            continue
        label = vocab.MATERIAL_CATEGORIES.label(code)
        exchange_table.append({"code": code, "label": label, "path": page_u(board_path(code)),
                               **{m: v[0] for m, v in cell.items()},
                               "sample": cell["offer"][1] + cell["demand"][1]})
        if cell["offer"][0] or cell["demand"][0]:
            exchange_rows.append({"label": label, "href": page_u(board_path(code)), "bars": [
                {"name": "Chào bán", "segments": [
                    (cell["offer_matched"][0], "scp-c-offer", "Chào bán có nhu cầu phù hợp"),
                    (cell["offer"][0] - cell["offer_matched"][0], "scp-c-offer-open", "Chào bán chưa có phù hợp")]},
                {"name": "Nhu cầu", "segments": [
                    (cell["demand_matched"][0], "scp-c-demand", "Nhu cầu có chào bán phù hợp"),
                    (cell["demand"][0] - cell["demand_matched"][0], "scp-c-demand-open", "Nhu cầu chưa có phù hợp")]},
            ]})
    exchange_chart = hbar(exchange_rows, legend=[
        ("scp-c-offer", "Chào bán có phù hợp"), ("scp-c-offer-open", "Chào bán chưa có"),
        ("scp-c-demand", "Nhu cầu có phù hợp"), ("scp-c-demand-open", "Nhu cầu chưa có")])
    ex_totals = {m: sum(r[m] for r in exchange_table) for m in ("offer", "demand", "offer_matched", "demand_matched")}

    # Provinces.
    provinces = []
    for region in vocab.REGIONS.codes():
        rows = [{"name": name, "path": page_u(province_path(name)), "real": s.provinces.real(name),
                 "sample": s.provinces.get_pair(name)[1]}
                for code, name in vocab.PROVINCES.items() if vocab.PROVINCE_REGION[code] == region]
        provinces.append({"region": vocab.REGIONS.label(region), "rows": rows})
    tmap = tile_map(s.provinces, page_u)

    samples_total = total[1]
    context = {
        "on": on.strftime("%d/%m/%Y"), "on_iso": on.isoformat(), "num": num, "expiring_days": EXPIRING_DAYS,
        "sample_text": _sample_note,
        "programme": programme, "samples_total": samples_total,
        "headline": {"total": total, "organisations": s.kinds.get_pair("organisation"), "covered": covered,
                     "covered_any": covered_any,
                     "provinces": len(vocab.PROVINCES), "in_force": in_force,
                     "models": model_target["achieved"] if model_target else s.kinds.real("model")},
        "kinds": kinds, "targets": targets, "statuses": [(c, vocab.MODEL_STATUSES.label(c), status_cls[c])
                                                         for c in vocab.MODEL_STATUSES.codes()],
        "regions": [(c, vocab.REGIONS.label(c), f"scp-c-{c}") for c in vocab.REGIONS.codes()],
        "sector_chart": hbar(sector_rows, legend=[(status_cls[c], vocab.MODEL_STATUSES.label(c))
                                                  for c in vocab.MODEL_STATUSES.codes()]),
        "sector_table": sector_table, "models_by_year": models_by_year,
        "model_samples": s.kinds.get_pair("model")[1],
        "ex_chart": ex_chart, "ex_table": ex_table, "ex_samples": s.kinds.get_pair("exhibition")[1],
        "cert_cards": cert_cards, "scheme_chart": scheme_chart, "scheme_table": scheme_table,
        "cert_statuses": [(st, STATUS_LABELS[st][0], cert_cls[st]) for st in CERT_STATUSES],
        "expiring": expiring, "expiring_total": len(s.expiring),
        "expiring_real": sum(1 for r in s.expiring if not r["sample"]),
        "files": {"json": page_u(urls.OPEN_DATA + JSON_FILE), "csv": page_u(urls.OPEN_DATA + EXPIRING_FILE + ".csv"),
                  "xlsx": page_u(urls.OPEN_DATA + EXPIRING_FILE + ".xlsx"), "open_data": page_u(urls.OPEN_DATA)},
        "growth_chart": growth_chart, "growth_rows": growth_rows, "growth_earlier": earlier,
        "growth_earlier_total": sum(earlier.values()), "growth_first": growth_rows[0]["label"],
        "growth_source": {"git": s.growth_source.get_pair("git"), "date_added": s.growth_source.get_pair("date_added")},
        "kind_labels": [(k, vocab.KINDS.label(k), KIND_CLASS[k]) for k in vocab.KINDS.codes()],
        "exchange_chart": exchange_chart, "exchange_table": exchange_table, "exchange_totals": ex_totals,
        "exchange_samples": s.kinds.get_pair("offer")[1] + s.kinds.get_pair("demand")[1],
        "map": tmap, "provinces": provinces,
    }
    data = _json(s, programme, targets, kinds, total, covered, covered_any, in_force, sector_table, models_by_year, ex_table,
                 scheme_table, growth_rows, quarters, exchange_table, on)
    return context, data


def _json(s: Stats, programme: Programme, targets, kinds, total, covered, covered_any, in_force, sector_table, models_by_year,
          ex_table, scheme_table, growth_rows, quarters, exchange_table, on: dt.date) -> dict:
    chartless = [{k: v for k, v in t.items() if k not in ("chart", "legend")} for t in targets]
    return {
        "generated_from": on.isoformat(),
        "note": ("Mỗi số là một cặp {real, sample}: dữ liệu thật và dữ liệu mẫu (sample: true) đếm riêng; "
                 "chỉ tiêu chỉ tính dữ liệu thật. / Each figure is a pair {real, sample}: real and sample "
                 "listings counted apart; targets count real listings only."),
        "programme": {"decision": programme.decision, "signed": programme.signed.isoformat(),
                      "title": programme.title, "title_en": programme.title_en},
        "headline": {
            "listings": {k["code"]: {"real": k["real"], "sample": k["sample"]} for k in kinds},
            "total": _pair(total), "organisations": _pair(s.kinds.get_pair("organisation")),
            "provinces_covered": _pair(covered), "provinces_covered_any": covered_any,
            "provinces": len(vocab.PROVINCES),
            "certificates_in_force": _pair(in_force),
        },
        "targets": chartless,
        "models": {
            "by_year_status": [{"year": r["year"], "by_status": r["by_status"], "sample": r["sample"]}
                               for r in models_by_year],
            "by_sector": [{"sector": r["code"], "by_status": r["by_status"], "real": r["real"], "sample": r["sample"]}
                          for r in sector_table],
        },
        "exhibitions": {"by_year_region": [{"year": r["year"], "by_region": r["by_region"],
                                            "cancelled": r["cancelled"], "sample": r["sample"]} for r in ex_table]},
        "certificates": {
            "expiring_days": EXPIRING_DAYS,
            "by_status": {st: _pair(s.cert_status.get_pair(st)) for st in CERT_STATUSES},
            "by_scheme": [{"scheme": r["code"], "by_status": r["by_status"], "real": r["real"], "sample": r["sample"]}
                          for r in scheme_table],
            "expiring": [{**{k: v for k, v in r.items() if k != "path"}, "valid_until": r["valid_until"].isoformat()}
                         for r in s.expiring],
        },
        "growth": {
            "date_source": {k: _pair(s.growth_source.get_pair(k)) for k in ("git", "date_added")},
            "quarters": [{"quarter": _quarter_label(q),
                          "by_kind": {k: _pair(s.growth.get_pair((q, k))) for k in vocab.KINDS.codes()
                                      if (q, k) in s.growth}} for q in quarters],
            "shown": [_quarter_label(r["quarter"]) for r in growth_rows],
        },
        "exchange": {"by_category": [
            {"category": r["code"], **{m: _pair(s.exchange.get_pair((r["code"], m))) for m in
                                       ("offer", "demand", "offer_matched", "demand_matched",
                                        "offer_expired", "demand_expired")}} for r in exchange_table]},
        "provinces": [{"province": name, "code": code, "region": vocab.PROVINCE_REGION[code],
                       **_pair(s.provinces.get_pair(name))} for code, name in vocab.PROVINCES.items()],
    }


# --- Files ------------------------------------------------------------------------------------

EXPIRING_COLUMNS = [
    ("listing_id", "Mã tin"), ("listing_name", "Tên tin"), ("kind", "Loại tin"), ("url", "Đường dẫn"),
    ("holder", "Đơn vị"), ("holder_tax_id", "Mã số thuế"), ("email", "Thư điện tử"), ("phone", "Điện thoại"),
    ("scheme", "Mã chương trình"), ("scheme_label", "Chương trình chứng nhận"), ("issuer", "Cơ quan cấp"),
    ("number", "Số chứng nhận"), ("valid_until", "Hết hiệu lực"), ("days_left", "Còn (ngày)"),
    ("sample", "Dữ liệu mẫu"),
]


def _expiring_values(row: dict, site_url: str) -> list:
    values = {**row, "url": site_url + row["path"], "sample": "true" if row["sample"] else "false"}
    return [values[key] for key, _ in EXPIRING_COLUMNS]


def expiring_csv(rows: list[dict], site_url: str) -> bytes:
    """CSV of the expiring certificates: UTF-8 with BOM and CRLF (as the open-data CSVs), a header
    "label (field code)"; cells a spreadsheet would run as formulas get a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"{label} ({key})" for key, label in EXPIRING_COLUMNS])
    for row in rows:
        writer.writerow([neutralise(v.isoformat() if isinstance(v, dt.date) else str(v))
                         for v in _expiring_values(row, site_url)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def expiring_xlsx(rows: list[dict], site_url: str, on: dt.date) -> bytes:
    """The same table as an Excel workbook, byte-identical for the same rows and day: every text cell
    is a string (tax codes, numbers, text starting with '=' stay text), document dates and zip entry
    times are the reference day."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Sap het han"
    stamp = dt.datetime(on.year, on.month, on.day)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "scp-directory"
    wb.properties.title = f"Chứng nhận sắp hết hạn trong {EXPIRING_DAYS} ngày kể từ {on.strftime('%d/%m/%Y')}"
    ws.append([f"{label} ({key})" for key, label in EXPIRING_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(_expiring_values(row, site_url), start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, dt.date):
                cell.value = dt.datetime(value.year, value.month, value.day)
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.value = value
            else:
                cell.value = str(value)
                cell.data_type = "s"          # never a formula, never a number: "0100109106" stays text
                cell.number_format = "@"
    widths = {"listing_name": 40, "holder": 36, "scheme_label": 30, "issuer": 30, "url": 45, "email": 28}
    for c, (key, _) in enumerate(EXPIRING_COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = widths.get(key, 16)
    ws.freeze_panes = "A2"
    raw = io.BytesIO()
    wb.save(raw)
    return pin_dates(raw.getvalue(), on)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / "pages")), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


PAGE_TITLE = "Thống kê chương trình SXTDBV"
FRONT_MATTER = f'---\ntitle: "{PAGE_TITLE}"\nhide:\n  - navigation\n  - toc\nsearch:\n  exclude: true\n---\n\n'


def write_stats(listings: Iterable[ListingBase], docs_dir: Path, site_url: str, on: dt.date,
                git_dates: dict | None = None, programme_file: Path = PROGRAMME_FILE) -> dict:
    """Write the dashboard page and its data files into `docs_dir`. Returns the JSON document."""
    programme = load_programme(programme_file)
    site_url = site_url.rstrip("/") + "/"
    s = Stats(listings, on, git_dates or {})
    rel = "../" * PAGE.count("/")
    context, data = build(s, programme, lambda target: rel + target)
    body = _environment().get_template("stats.html").render(page_title=PAGE_TITLE, **context)
    page = Path(docs_dir) / PAGE / "index.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(FRONT_MATTER + body.strip() + "\n", encoding="utf-8")
    out = Path(docs_dir) / urls.OPEN_DATA
    out.mkdir(parents=True, exist_ok=True)
    data = {"generated_from": data.pop("generated_from"), "site_url": site_url, **data}
    (out / JSON_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / (EXPIRING_FILE + ".csv")).write_bytes(expiring_csv(s.expiring, site_url))
    (out / (EXPIRING_FILE + ".xlsx")).write_bytes(expiring_xlsx(s.expiring, site_url, on))
    return data
