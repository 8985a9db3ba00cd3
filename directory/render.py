"""Render validated listings into the Markdown pages that mkdocs-material builds.

`render_docs(listings, docs_dir, site_url, on)` writes one page per listing, one per
organisation (its listing page lists everything it stands behind), index pages per
kind, sector and province, the exhibitions, models gallery, supply-demand board,
the home page and the contributor guide (whose field reference is generated from
the pydantic models), plus the static assets of `site_templates/assets/`.

Every page is a Markdown file made of YAML front matter and one raw HTML block
produced by a jinja2 template with autoescape on: listing values only ever enter
templates as variables, so they are escaped and never evaluated. Descriptions are
the one exception: a small Markdown subset rendered by python-markdown, then
sanitised by nh3 (see `describe`). Titles in front matter are HTML-escaped because
the theme prints them unescaped, and written as a YAML scalar that no text can end or
break (see `Writer.page`), so listing text never becomes page metadata or Markdown.

Dates such as "upcoming" or certificate status use the reference date `on`, never
the clock. Nothing rendered per page grows with the number of listings: related
listings and matches are capped. This module does not run mkdocs (see `site.py`),
write open data (`export.py`) or the search page (`search.py`).
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote

import jinja2
import markdown
import material
import nh3
from markupsafe import Markup, escape

from . import ROOT, guide, urls, vocab
from .export import CALENDAR, json_ld, json_ld_text
from .schema import SCHEMA_LIMITS, SCHEMA_URL
from .models import (
    MODELS, Address, Certificate, Contact, Document, Exchange, Exhibition, ListingBase, Organisation, Quantity, Recurrence, Recycler,
    Source, is_province, name_order, province_of, shown_fields, vocabulary_of,
)
from .status import (
    DATED_LABELS, STATUS_LABELS, certificate_status, certificates_of, certified_until, badge_status, has_certificates,
    scheme_label,
)
from .text import fold

TEMPLATES = ROOT / "site_templates"
RELATED_MAX = 6
MATCHES_MAX = 6
NEWEST_MAX = 10
UPCOMING_MAX = 5
GROUP_PREVIEW = 12  # cards per group on an index or group page; the rest on the group's own pages
KIND_PREVIEW = 5  # per group on a kind's index page, which has a group for each of up to 34 provinces
PAGE_SIZE = 50  # cards per page of a long list (two-sided pages such as the board: half per side)
PROGRESS_EVERY = 1000

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "code"}
# Material for MkDocs' bundled icons (Material Design), inlined as SVG: no font, no request.
ICONS = Path(material.__file__).parent / "templates" / ".icons" / "material"
KIND_ICONS = {"organisation": "domain", "product": "leaf", "recycler": "recycle", "model": "lightbulb-on-outline",
              "distributor": "storefront-outline", "exhibition": "calendar-star", "offer": "tag-outline",
              "demand": "cart-outline"}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}

Progress = Callable[[str], None]


# --- Safe text -------------------------------------------------------------------

_markdown = markdown.Markdown(extensions=[], output_format="html")


def describe(text: str | None) -> Markup:
    """A description as safe HTML: raw HTML is escaped, Markdown rendered, then nh3-cleaned."""
    if not text:
        return Markup("")
    _markdown.reset()
    html = _markdown.convert(str(escape(text)))
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes=ALLOWED_SCHEMES, link_rel="nofollow noopener"))


@functools.cache
def icon(name: str) -> Markup:
    """A bundled Material icon as inline SVG, hidden from screen readers (its text is beside it)."""
    svg = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    return Markup('<span class="twemoji scp-icon">' + svg.replace("<svg ", '<svg aria-hidden="true" ', 1) + "</span>")


def _tel(phone: str) -> str:
    return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")


# --- The set of listings, indexed once ------------------------------------------------


class Catalogue:
    """All listings with the indexes pages need; built in one pass, O(N)."""

    def __init__(self, listings: Iterable[ListingBase], on: dt.date):
        self.on = on
        self.listings = sorted(listings, key=lambda x: (x.kind, x.id))
        self.by_id = {x.id: x for x in self.listings}
        self.organisations: dict[str, Organisation] = {
            x.id: x for x in self.listings if isinstance(x, Organisation)}
        self.by_kind: dict[str, list[ListingBase]] = {k: [] for k in vocab.KINDS.codes()}
        self.by_org: dict[str, list[ListingBase]] = defaultdict(list)
        self.by_sector: dict[str, list[ListingBase]] = defaultdict(list)
        self.by_province: dict[str, list[ListingBase]] = defaultdict(list)
        self.by_group: dict[tuple, list[ListingBase]] = defaultdict(list)
        # sort keys fold names: compute each once (matches() compares them O(N²/categories) times)
        self.sort_keys = {x.id: name_order(x) for x in self.listings}
        self._matches: dict[str, list[Exchange]] = {}
        self._pools: dict[tuple[str, str], dict[str, list[Exchange]]] = {}
        for listing in sorted(self.listings, key=lambda x: self.sort_keys[x.id]):
            self.by_kind[listing.kind].append(listing)
            for ref in listing.references().values():
                self.by_org[ref].append(listing)
            for sector in self.sectors_of(listing):
                self.by_sector[sector].append(listing)
            if province := self.province_of(listing):
                self.by_province[province].append(listing)
            for key in self._group_keys(listing):
                self.by_group[key].append(listing)

    def province_of(self, listing: ListingBase) -> str | None:
        return province_of(listing, self.organisations)

    @staticmethod
    def sectors_of(listing: ListingBase) -> list[str]:
        return list(dict.fromkeys(getattr(listing, "sectors", None) or []))

    @staticmethod
    def _group_keys(listing: ListingBase) -> list[tuple]:
        if isinstance(listing, Exchange):
            return [(listing.kind, "material", listing.material_category)]
        if isinstance(listing, Recycler):
            return [(listing.kind, "waste", w) for w in listing.waste_streams]
        return [(listing.kind, "sector", s) for s in Catalogue.sectors_of(listing)]

    def related(self, listing: ListingBase) -> list[ListingBase]:
        """Up to RELATED_MAX listings: same organisation first, then same kind and topic."""
        found: dict[str, ListingBase] = {}
        candidates = [self.by_org.get(ref, []) for ref in listing.references().values()]
        candidates += [self.by_group.get(key, []) for key in self._group_keys(listing)]
        for group in candidates:
            for other in group:
                if len(found) >= RELATED_MAX:
                    return list(found.values())
                if other.id != listing.id:
                    found.setdefault(other.id, other)
        return list(found.values())

    def active(self, exchange: Exchange) -> bool:
        return exchange.valid_until >= self.on

    def matches(self, listing: Exchange) -> list[Exchange]:
        """Counterparts (offers for a demand, demands for an offer): same material category,
        overlapping validity, still active; same province first, then same region, then the rest,
        each by name. Computed once per listing (listing pages and the board both ask). Each tier
        is walked in name order and left once MATCHES_MAX are found, so a category of thousands
        costs about MATCHES_MAX steps per listing, not the whole category."""
        if listing.id in self._matches:
            return self._matches[listing.id]
        other_kind = "offer" if listing.kind == "demand" else "demand"
        by_province = self._counterparts(other_kind, listing.material_category)
        region = vocab.region_of(listing.province)
        near = [group for province, group in by_province.items()
                if province != listing.province and vocab.region_of(province) == region]
        far = [group for province, group in by_province.items() if vocab.region_of(province) != region]
        order = lambda x: self.sort_keys[x.id]  # noqa: E731
        found: list[Exchange] = []
        for tier in (by_province.get(listing.province, []), heapq.merge(*near, key=order),
                     heapq.merge(*far, key=order)):
            for other in tier:
                if len(found) == MATCHES_MAX:
                    break
                if _overlap(listing, other):
                    found.append(other)
        self._matches[listing.id] = found
        return found

    def _counterparts(self, kind: str, category: str) -> dict[str, list[Exchange]]:
        """The active listings of a kind and material category by province, each list by name."""
        if (kind, category) not in self._pools:
            by_province: dict[str, list[Exchange]] = defaultdict(list)
            for other in self.by_group.get((kind, "material", category), []):   # already by name
                if self.active(other):
                    by_province[other.province].append(other)
            self._pools[kind, category] = dict(by_province)
        return self._pools[kind, category]

    def exhibitions(self) -> tuple[list[Exhibition], list[Exhibition]]:
        """(upcoming soonest first, past newest first), by the reference date."""
        upcoming, past = [], []
        for ex in self.by_kind["exhibition"]:
            (upcoming if ex.is_upcoming(self.on) else past).append(ex)
        start = lambda ex: (ex.first_day(), ex.id)  # noqa: E731
        return sorted(upcoming, key=start), sorted(past, key=start, reverse=True)


def _overlap(a: Exchange, b: Exchange) -> bool:
    start_a, start_b = a.valid_from or dt.date.min, b.valid_from or dt.date.min
    return start_a <= b.valid_until and start_b <= a.valid_until


# --- Page model: what templates receive ----------------------------------------------


def _title(listing: ListingBase, field: str) -> str:
    return type(listing).model_fields[field].title or field


def _quantity(q) -> str:
    amount = f"{q.amount:g}".replace(".", ",")
    text = f"{amount} {vocab.UNITS.label(q.unit)}"
    return f"{text} / {vocab.PERIODS.label(q.per)}" if q.per else text


def _date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _place(province: str) -> tuple[str, str]:
    return province, urls.province_path(province)


def _fact_texts(item) -> list:
    """What one value of a fact shows: text, or (text, site path or web address) for a link."""
    if isinstance(item, bool):
        return ["Có"] if item else []
    if isinstance(item, dt.date):
        return [_date(item)]
    if isinstance(item, Quantity):
        return [_quantity(item)]
    if isinstance(item, Address):
        return [item.street, _place(item.province)]
    if isinstance(item, Source):
        return [" — ".join(filter(None, [item.document, item.task and f"nhiệm vụ {item.task}", item.title]))]
    if isinstance(item, Document):
        return [(item.title, item.url)]
    if isinstance(item, Recurrence):
        return [f"Định kỳ mỗi {vocab.PERIODS.label(item.interval)}" if item.recurring else "Một lần"]
    if isinstance(item, str) and item.startswith(("https://", "http://")):
        return [(item, item)]
    return [str(item)]


def _fact_values(value, info) -> list:
    items = [item for item in (value if isinstance(value, list) else [value]) if item is not None]
    if (vocabulary := vocabulary_of(info)) is not None:
        return [(vocabulary.label(code), urls.sector_path(code)) if vocabulary is vocab.SECTORS
                else vocabulary.label(code) for code in items]
    if is_province(info):
        return [_place(name) for name in items]
    return [text for item in items for text in _fact_texts(item)]


def _facts(listing: ListingBase, d: Catalogue) -> list[tuple[str, list]]:
    """(label, [text or (text, path-or-url)]) rows: the fields the model marks `Show(fact=True)`,
    by `order` then declaration. A listing without a place of its own shows its organisation's."""
    model = type(listing)
    shown = [(show.order, i, name, info, show) for i, (name, info, show) in enumerate(shown_fields(model))
             if show.fact]
    has_place = any(is_province(info) or info.annotation is Address for _, _, _, info, _ in shown)
    if not has_place and (province := d.province_of(listing)):
        shown.append((1, len(shown), "", None, None))
    rows: list[tuple[str, list]] = []
    for _, _, name, info, show in sorted(shown, key=lambda row: row[:2]):
        if info is None:
            rows.append(("Tỉnh/thành phố", [_place(province)]))
            continue
        values = [getattr(listing, show.text)()] if show.text else _fact_values(getattr(listing, name), info)
        if values := [v for v in values if v]:
            rows.append((info.title or name, values))
    return rows


def _certificates(listing: ListingBase, on: dt.date) -> list[dict]:
    out = []
    for cert in certificates_of(listing):
        status = certificate_status(cert, on)
        out.append({
            "scheme": scheme_label(cert),
            "issuer": cert.issuer, "number": cert.number, "url": cert.url,
            "valid_from": _date(cert.valid_from), "valid_until": _date(cert.valid_until),
            "from_iso": cert.valid_from.isoformat(), "until_iso": cert.valid_until.isoformat(),
            "status": status, "status_label": STATUS_LABELS[status][0],
        })
    return out


def _contact(listing: ListingBase, d: Catalogue) -> Contact | None:
    contact = getattr(listing, "contact", None)
    if contact is None and (org := d.organisations.get(listing.owner_id() or "")):
        contact = org.contact
    return contact


def _card(listing: ListingBase, d: Catalogue) -> dict:
    """What an index row or a related-listing link shows."""
    until = certified_until(listing, d.on) if has_certificates(listing) else None
    return {
        "name": listing.name, "path": urls.listing_path(listing), "kind": vocab.KINDS.label(listing.kind),
        "summary": listing.summary, "province": d.province_of(listing), "sample": listing.sample,
        "certified": until is not None, "certified_until": until.isoformat() if until else "",
        "org": d.organisations[owner].name if (owner := listing.owner_id()) in d.organisations else None,
    }


# --- Writing -------------------------------------------------------------------------


class Writer:
    """Renders templates into `docs_dir/<path>index.md` with front matter. `written` lists the
    paths in order; with `keep_unchanged` a file whose text is the same is not rewritten (the
    live preview: mkdocs rebuilds only what a save really changed)."""

    def __init__(self, docs_dir: Path, progress: Progress | None, keep_unchanged: bool = False):
        self.docs_dir = docs_dir
        self.progress = progress
        self.keep_unchanged = keep_unchanged
        self.count = 0
        self.written: list[str] = []
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES / "pages")), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            auto_reload=False)  # templates do not change during a build: no stat() per page
        self.env.globals.update(kinds=vocab.KINDS, sectors=vocab.SECTORS, regions=vocab.REGIONS, urls=urls,
                                kind_index_path=urls.kind_index_path, listing_path=urls.listing_path,
                                province_path=urls.province_path, sector_path=urls.sector_path, tel=_tel, fmt_date=_date,
                                dated_labels=DATED_LABELS, icon=icon, kind_icons=KIND_ICONS,
                                titles={model.__name__: {name: info.title for name, info in model.model_fields.items()}
                                        for model in (Certificate, Exchange, Exhibition)})

    def page(self, path: str, template: str, title: str, searchable: bool = False, noindex: bool = False,
             **context) -> None:
        depth = path.count("/")
        rel = "../" * depth

        def u(target: str) -> str:
            return (rel + target) or "./"

        body = self.env.get_template(template).render(u=u, page_title=title, **context)
        # The title as a YAML double-quoted scalar in which every character Python does not call
        # printable (controls, line and paragraph separators, format and bidi characters,
        # noncharacters, unassigned...) and the quote and backslash are \u/\U escapes: no text,
        # even one the validator refuses, can make YAML fail, end the scalar or add a key (a broken
        # front matter makes mkdocs render it and the page as Markdown). libyaml refuses \uD800,
        # so a lone surrogate becomes "?".
        shown = str(escape(title)).encode("utf-8", "replace").decode("utf-8")
        quoted = "".join(ch if ch.isprintable() and ch not in '"\\' else
                         f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}" for ch in shown)
        front = [f'title: "{quoted}"']
        if not searchable:
            front.append("search:\n  exclude: true")
        if noindex:  # main.html writes <meta name="robots">, sitemap.xml leaves the page out
            front.append("robots: noindex")
        text = "---\n" + "\n".join(front) + "\n---\n\n" + body.strip() + "\n"
        target = self.docs_dir / path / "index.md"
        self.written.append(path)
        if not (self.keep_unchanged and target.is_file() and target.read_text(encoding="utf-8") == text):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self.count += 1
        if self.progress and self.count % PROGRESS_EVERY == 0:
            self.progress(f"đã tạo {self.count} trang / {self.count} pages written")


def render_docs(listings: Iterable[ListingBase], docs_dir: Path, site_url: str, on: dt.date,
                progress: Progress | None = None, repository: str = "") -> int:
    """Write every page into `docs_dir` (which should be empty). Returns the page count."""
    d = Catalogue(listings, on)
    w = Writer(docs_dir, progress)
    shutil.copytree(TEMPLATES / "assets", docs_dir / "assets", dirs_exist_ok=True)
    for unit in units(d):
        render_unit(w, d, unit, site_url, repository)
    return w.count


def units(d: Catalogue) -> list[tuple[str, ...]]:
    """Every unit of pages, in writing order. A unit is the pages one function renders together
    (a listing's page and, for an organisation, the pages of what it owns; a sector's pages...);
    the live preview (`preview.py`) re-renders only the units a change touches."""
    return ([("listing", x.id) for x in d.listings] + [("kind", k) for k in vocab.KINDS.codes()]
            + [("sector", code) for code in vocab.SECTORS.codes()] + [("sectors",)]
            + [("province", name) for name in _province_order()] + [("provinces",)]
            + [("board", code) for code in vocab.MATERIAL_CATEGORIES.codes()] + [("boards",)]
            + [("home",), ("guide",)])


def render_unit(w: Writer, d: Catalogue, unit: tuple[str, ...], site_url: str, repository: str) -> None:
    name, *args = unit
    if name == "listing":
        _listing_page(w, d, d.by_id[args[0]], site_url)
    elif name == "guide":
        _guide_page(w, repository)
    else:
        _UNIT_PAGES[name](w, d, *args)


def _status_line(listing: ListingBase, d: Catalogue) -> dict | None:
    """The one status a buyer needs first: a certificate's, an offer's validity, an event's date."""
    if isinstance(listing, Exchange):
        state = badge_status("exchange", listing.valid_from, listing.valid_until, d.on)
        return {"kind": "exchange", "status": state, "label": DATED_LABELS["exchange"][state],
                "from_iso": listing.valid_from.isoformat() if listing.valid_from else "",
                "until_iso": listing.valid_until.isoformat(), "note": f"đến ngày {_date(listing.valid_until)}"}
    if isinstance(listing, Exhibition):
        state = "valid" if listing.is_upcoming(d.on) else "expired"
        return {"kind": "event", "status": state, "label": DATED_LABELS["event"][state], "from_iso": "",
                "until_iso": listing.last_day().isoformat(), "note": listing.when_label()}
    if has_certificates(listing) and certificates_of(listing):
        until = certified_until(listing, d.on)
        if until is None:
            return {"kind": "certificate", "status": "expired", "label": "Chứng nhận đã hết hạn", "from_iso": "",
                    "until_iso": "", "note": ""}
        return {"kind": "certified", "status": "valid", "label": DATED_LABELS["certified"]["valid"], "from_iso": "",
                "until_iso": until.isoformat(), "note": f"đến ngày {_date(until)}"}
    return None


def _listing_page(w: Writer, d: Catalogue, listing: ListingBase, site_url: str) -> None:
    org = d.organisations.get(listing.owner_id() or "")
    certificates = _certificates(listing, d.on)
    context = {
        "listing": listing, "kind_label": vocab.KINDS.label(listing.kind),
        "facts": _facts(listing, d), "certificates": certificates, "status_line": _status_line(listing, d),
        "all_expired": bool(certificates) and all(c["status"] in ("expired", "not_yet") for c in certificates),
        "where": d.province_of(listing), "kind_path": urls.kind_index_path(listing.kind), "on": d.on,
        "ics": urls.event_calendar_path(listing) if isinstance(listing, Exhibition) and listing.start_date else None,
        "calendar": urls.OPEN_DATA + CALENDAR,
        "contact": _contact(listing, d), "description": describe(listing.description),
        "org": _card(org, d) if org else None,
        "org_role": _title(listing, "organizer" if isinstance(listing, Exhibition) else "organisation") if org else "",
        "sources": listing.sources, "related": [_card(x, d) for x in d.related(listing)],
        "owned": [], "matches": [], "ld": Markup(json_ld_text(json_ld(listing, d.organisations, site_url, d.on))),
    }
    if isinstance(listing, Organisation):
        path = urls.listing_path(listing)
        context["owned"] = _group_pages(w, d, path, listing.name, (urls.kind_index_path("organisation"),
                                        vocab.KINDS.label("organisation")), d.by_org.get(listing.id, []),
                                        f"{urls.SEARCH}?q={quote(listing.name)}")
        context["related"] = []
    if isinstance(listing, Exchange) and d.active(listing):
        context["matches"] = [_exchange_row(x, d) for x in d.matches(listing)]
    w.page(urls.listing_path(listing), "listing.html", listing.name, noindex=listing.sample, **context)


def _exchange_row(x: Exchange, d: Catalogue) -> dict:
    return {**_card(x, d), "material": x.material, "quantity": _quantity(x.quantity),
            "until": _date(x.valid_until), "until_iso": x.valid_until.isoformat(), "category": vocab.MATERIAL_CATEGORIES.label(x.material_category)}


def _grouped(items: Iterable[ListingBase], d: Catalogue, key: Callable, order: list[str],
             label: Callable[[str], str]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        for k in key(item):
            groups[k].append(_card(item, d))
    return [(label(k), groups[k]) for k in order if groups.get(k)]


def _province_order() -> list[str]:
    return sorted(vocab.PROVINCES.values(), key=lambda p: (vocab.REGIONS.codes().index(vocab.region_of(p)), fold(p)))


def _preview(label: str, cards: list[dict], more: str, limit: int) -> dict:
    """A group on an index page: at most `limit` cards, and a link to all of them."""
    return {"label": label, "cards": cards[:limit], "total": len(cards), "more": more if len(cards) > limit else None}


def _page_paths(count: int, per_page: int, path: str) -> list[str]:
    """`path`, then `path`trang-2/, ... for `count` items, `per_page` a page (at least one page)."""
    return [path] + [f"{path}trang-{n}/" for n in range(2, max(1, -(-count // per_page)) + 1)]


def _paging(paths: list[str], n: int, total: int, per_page: int) -> dict:
    """What the pager shows on page `n`: the first and last page, and two pages either side."""
    window = [i for i in range(1, len(paths) + 1) if i in (1, len(paths)) or abs(i - n) <= 2]
    return {"page": n, "pages": len(paths), "paths": paths, "window": window, "total": total,
            "first": (n - 1) * per_page + 1, "last": min(n * per_page, total)}


def _paged(w: Writer, path: str, template: str, title: str, items: list, **context) -> None:
    """Render `items` over as many pages as they need, PAGE_SIZE each, so no page grows with N."""
    per_page = PAGE_SIZE
    paths = _page_paths(len(items), per_page, path)
    for n, here in enumerate(paths, 1):
        w.page(here, template, title if n == 1 else f"{title} (trang {n})",
               items=items[(n - 1) * per_page:n * per_page], paging=_paging(paths, n, len(items), per_page),
               **context)


def _two_sided(w: Writer, path: str, template: str, title: str, sides: dict[str, list], **context) -> None:
    """Like `_paged` for a page with two lists (demands and offers, upcoming and past): half a page each."""
    per_side = PAGE_SIZE // 2
    longest = max((len(items) for items in sides.values()), default=0)
    paths = _page_paths(longest, per_side, path)
    for n, here in enumerate(paths, 1):
        chunks = {name: items[(n - 1) * per_side:n * per_side] for name, items in sides.items()}
        w.page(here, template, title if n == 1 else f"{title} (trang {n})", **chunks,
               paging=_paging(paths, n, longest, per_side), **context)


def _group_pages(w: Writer, d: Catalogue, path: str, title: str, parent: tuple[str, str],
                 items: list[ListingBase], search: str) -> list[dict]:
    """A province's, sector's or organisation's listings: up to GROUP_PREVIEW per kind on `path`,
    each kind in full over the pages of `path`<kind>/."""
    groups = []
    for label, cards, anchor in _by_kind_cards(items, d):
        more = f"{path}{anchor}/"
        groups.append({**_preview(label, cards, more, GROUP_PREVIEW), "anchor": anchor})
        if len(cards) > GROUP_PREVIEW:
            _paged(w, more, "cards_page.html", f"{label}: {title}", cards, trail=[parent, (path, title)],
                   search=search, show_kind=False)
    return groups


def _kind_page(w: Writer, d: Catalogue, kind: str) -> None:
    """A kind's index page, whose size is bounded: groups × KIND_PREVIEW cards, never all listings
    (models and exhibitions, a gallery and a calendar, go over pages)."""
    anchor = lambda kind: "#" + urls.KIND_PATHS[kind]  # noqa: E731
    if kind in ("organisation", "recycler", "distributor"):
        groups = _grouped(d.by_kind[kind], d, lambda x: [d.province_of(x)], _province_order(), str)
        w.page(urls.kind_index_path(kind), "kind_index.html", vocab.KINDS.label(kind), kind=kind,
               how="Theo tỉnh/thành phố", total=len(d.by_kind[kind]),
               groups=[_preview(name, cards, urls.province_path(name) + anchor(kind), KIND_PREVIEW)
                       for name, cards in groups])
    elif kind == "product":
        products = _grouped(d.by_kind["product"], d, Catalogue.sectors_of, vocab.SECTORS.codes(), str)
        w.page(urls.kind_index_path("product"), "kind_index.html", vocab.KINDS.label("product"), kind="product",
               how="Theo ngành", total=len(d.by_kind["product"]),
               groups=[_preview(vocab.SECTORS.label(code), cards, urls.sector_path(code) + anchor("product"),
                                KIND_PREVIEW) for code, cards in products])
    elif kind == "model":   # a gallery grouped by the programme decision each came from
        models = sorted(({**_card(m, d), "document": m.programme.document, "task": m.programme.task,
                          "title": m.programme.title, "url": m.programme.url, "year": m.year,
                          "status": vocab.MODEL_STATUSES.label(m.status),
                          "sectors": [vocab.SECTORS.label(s) for s in m.sectors]} for m in d.by_kind["model"]),
                        key=lambda card: card["document"])  # stable: by name within a document
        _paged(w, urls.kind_index_path("model"), "models.html", vocab.KINDS.label("model"), models,
               total=len(models))
    elif kind == "exhibition":
        upcoming, past = d.exhibitions()
        _two_sided(w, urls.kind_index_path("exhibition"), "exhibitions.html", vocab.KINDS.label("exhibition"),
                   {"upcoming": [_exhibition_row(x, d) for x in upcoming],
                    "past": [_exhibition_row(x, d) for x in past]})
    else:   # offer, demand
        items = d.by_kind[kind]
        active = [x for x in items if d.active(x)]
        expired = sorted((x for x in items if not d.active(x)), key=lambda x: (x.valid_until, x.id), reverse=True)
        w.page(urls.kind_index_path(kind), "exchange_index.html", vocab.KINDS.label(kind), kind=kind,
               groups=[_preview(vocab.MATERIAL_CATEGORIES.label(code), rows, urls.board_path(code) + anchor(kind),
                                KIND_PREVIEW)
                       for code, rows in _exchange_groups(active, d)],
               expired=[_card(x, d) for x in expired[:GROUP_PREVIEW]], expired_total=len(expired),
               total=len(items))


def _exhibition_row(x: Exhibition, d: Catalogue) -> dict:
    return {**_card(x, d), "when": x.when_label(), "venue": x.venue, "region": vocab.REGIONS.label(x.region),
            "ics": urls.event_calendar_path(x) if x.start_date else None,
            "end_iso": x.last_day().isoformat(), "past": not x.is_upcoming(d.on),
            "status": vocab.EVENT_STATUSES.label(x.status) if x.status != "du_kien" else ""}


def _exchange_groups(items: list[Exchange], d: Catalogue) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for x in items:
        groups[x.material_category].append(_exchange_row(x, d))
    return [(c, groups[c]) for c in vocab.MATERIAL_CATEGORIES.codes() if groups.get(c)]


def _by_kind_cards(items: list[ListingBase], d: Catalogue) -> list[tuple[str, list[dict], str]]:
    """(kind label, cards, anchor) per kind; the anchor is what kind index pages link to."""
    return [(vocab.KINDS.label(kind), cards, urls.KIND_PATHS[kind])
            for kind, cards in _grouped(items, d, lambda x: [x.kind], vocab.KINDS.codes(), str)]


def _sector_page(w: Writer, d: Catalogue, code: str) -> None:
    items = d.by_sector.get(code, [])
    title, search = f"Ngành {vocab.SECTORS.label(code)}", f"{urls.SEARCH}?nganh={code}"
    groups = _group_pages(w, d, urls.sector_path(code), title, (urls.SECTORS, "Ngành"), items, search)
    w.page(urls.sector_path(code), "group.html", title, parent=(urls.SECTORS, "Ngành"), groups=groups,
           total=len(items), search=search)


def _sectors_page(w: Writer, d: Catalogue) -> None:
    rows = [{"label": vocab.SECTORS.label(code), "path": urls.sector_path(code), "count": len(d.by_sector.get(code, []))}
            for code in vocab.SECTORS.codes()]
    w.page(urls.SECTORS, "group_index.html", "Ngành", sections=[("", rows)])


def _province_page(w: Writer, d: Catalogue, name: str) -> None:
    items = d.by_province.get(name, [])
    parent, search = (urls.PROVINCES, "Tỉnh, thành phố"), f"{urls.SEARCH}?tinh={vocab.province_code(name)}"
    groups = _group_pages(w, d, urls.province_path(name), name, parent, items, search)
    w.page(urls.province_path(name), "group.html", name, parent=parent, groups=groups, total=len(items),
           search=search)


def _provinces_page(w: Writer, d: Catalogue) -> None:
    sections: dict[str, list] = defaultdict(list)
    for name in _province_order():
        sections[vocab.REGIONS.label(vocab.region_of(name))].append(
            {"label": name, "path": urls.province_path(name), "count": len(d.by_province.get(name, []))})
    w.page(urls.PROVINCES, "group_index.html", "Tỉnh, thành phố", sections=list(sections.items()))


def _board_sides(d: Catalogue, code: str) -> dict[str, list[Exchange]]:
    return {kind: [x for x in d.by_group.get((kind, "material", code), []) if d.active(x)]
            for kind in ("demand", "offer")}


def _board_category(w: Writer, d: Catalogue, code: str) -> None:
    """A material category's page on the board: its active demands and offers, each with its matches."""
    sides = {kind: [{**_exchange_row(x, d), "matches": [_exchange_row(m, d) for m in d.matches(x)]} for x in items]
             for kind, items in _board_sides(d, code).items()}
    if sides["demand"] or sides["offer"]:
        _two_sided(w, urls.board_path(code), "board.html", f"Cung cầu: {vocab.MATERIAL_CATEGORIES.label(code)}",
                   {"demands": sides["demand"], "offers": sides["offer"]}, on=_date(d.on),
                   parent=(urls.BOARD, "Bảng cung cầu"))


def _board_index(w: Writer, d: Catalogue) -> None:
    """The board's overview: per material category, how many demands, offers and matched demands."""
    rows = []
    for code in vocab.MATERIAL_CATEGORIES.codes():
        sides = _board_sides(d, code)
        if sides["demand"] or sides["offer"]:
            rows.append({"label": vocab.MATERIAL_CATEGORIES.label(code), "path": urls.board_path(code),
                         "demands": len(sides["demand"]), "offers": len(sides["offer"]),
                         "matched": sum(1 for x in sides["demand"] if d.matches(x))})
    w.page(urls.BOARD, "board_index.html", "Bảng cung cầu", categories=rows, on=_date(d.on))


def _home_page(w: Writer, d: Catalogue) -> None:
    newest = sorted(d.listings, key=lambda x: (-x.date_added.toordinal(), name_order(x)))[:NEWEST_MAX]
    upcoming, _ = d.exhibitions()
    counts = [(k, vocab.KINDS.label(k), urls.kind_index_path(k), len(d.by_kind[k]),
               sum(1 for x in d.by_kind[k] if x.sample)) for k in vocab.KINDS.codes()]
    w.page("", "home.html", "Danh bạ cung cầu sản phẩm thân thiện môi trường", searchable=True,
           counts=counts, newest=[{**_card(x, d), "date": _date(x.date_added)} for x in newest],
           upcoming=[_exhibition_row(x, d) for x in upcoming[:UPCOMING_MAX]], on=_date(d.on))


_UNIT_PAGES: dict[str, Callable] = {
    "kind": _kind_page, "sector": _sector_page, "sectors": _sectors_page, "province": _province_page,
    "provinces": _provinces_page, "board": _board_category, "boards": _board_index, "home": _home_page,
}


# --- Contributor guide, generated from the models ------------------------------------------


def _guide_page(w: Writer, repository: str) -> None:
    """How to add a listing (the no-software paths first), then one page per kind: its fields and template."""
    kinds = []
    for kind, model in MODELS.items():
        schema = model.model_json_schema()
        k = {"code": kind, "label": vocab.KINDS.label(kind), "folder": f"listings/{kind}/",
             "path": f"{urls.GUIDE}{urls.KIND_PATHS[kind]}/", "doc": (model.__doc__ or "").strip(),
             "fields": guide.field_rows(schema, schema.get("$defs", {}), ""),
             "template": guide.yaml_template(kind)}
        kinds.append(k)
        w.page(k["path"], "guide_kind.html", f"Hướng dẫn: {k['label']}", searchable=True, k=k)
    w.page(urls.GUIDE, "guide.html", "Thêm, cập nhật thông tin", searchable=True, kinds=kinds, repository=repository,
           limits=SCHEMA_LIMITS, schema_url=SCHEMA_URL)
