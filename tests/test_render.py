"""Rendering: golden pages, certificate badges, matches, the generated guide, hostile text.

Pages are rendered from `tests/fixtures/site/` with a fixed reference date, so the
golden files do not depend on git or the clock. Regenerate them after an intended
change with `UPDATE_GOLDEN=1 pytest tests/test_render.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import os
from pathlib import Path

import pytest
import yaml

from directory import guide, models, render, urls
from directory.models import MODELS
from directory.validate import validate_tree

SITE_FIXTURES = Path(__file__).parent / "fixtures" / "site"
GOLDEN = Path(__file__).parent / "golden"
ON = dt.date(2025, 10, 1)
GOLDEN_PAGES = [
    "san-pham/tui-giay/index.md", "doanh-nghiep/xanh-ha-noi/index.md", "nhu-cau/mua-giay-vun/index.md",
    "cung-cau/index.md", "cung-cau/giay/index.md", "trien-lam/index.md", "mo-hinh/index.md", "index.md",
]


def _listings(root: Path = SITE_FIXTURES):
    report = validate_tree(root, today=ON)
    assert report.ok, report.format()
    return report.listings


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    render.render_docs(_listings(), out, "https://scp.gov.vn/", ON)
    return out


def _without_json_ld(text: str) -> str:
    """JSON-LD comes from export.json_ld and has its own tests; the golden files cover our pages."""
    return "\n".join(line for line in text.splitlines() if 'type="application/ld+json"' not in line) + "\n"


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_golden_pages(docs, page):
    golden = GOLDEN / page.replace("/", "__")
    text = _without_json_ld((docs / page).read_text(encoding="utf-8"))
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden}; run with UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_every_listing_has_a_page(docs):
    for listing in _listings():
        page = docs / render.urls.listing_path(listing) / "index.md"
        assert page.is_file(), page
        assert "search:\n  exclude: true" in page.read_text(encoding="utf-8")


def test_certificate_badges_never_show_expired_as_valid(docs):
    page = (docs / "san-pham/tui-giay/index.md").read_text(encoding="utf-8")
    joined = page.split("ISO-2020-9")[1].split("</tr>")[0]
    assert "scp-badge--expired" in joined and "scp-badge--valid" not in joined
    assert "scp-badge--expiring" in page.split("TC-2023-05")[1].split("</tr>")[0]
    assert "scp-badge--valid" in page.split("NX-2024-001")[1].split("</tr>")[0]


def test_sample_badge_only_on_samples(docs):
    assert "scp-sample-note" in (docs / "san-pham/tui-giay/index.md").read_text(encoding="utf-8")
    assert "scp-sample-note" not in (docs / "san-pham/hop-carton/index.md").read_text(encoding="utf-8")


def test_matches_rank_same_region_before_other_regions():
    d = render.Catalogue(_listings(), ON)
    demand = d.by_id["mua-giay-vun"]
    assert [m.id for m in d.matches(demand)] == ["ban-giay-vun", "ban-giay-nam"]  # Hà Nội (north) first
    assert [m.id for m in d.matches(d.by_id["ban-giay-nam"])] == ["mua-giay-vun"]
    assert d.matches(d.by_id["ban-nhua-cu"]) == []  # expired, other category


def test_related_listings_are_capped():
    d = render.Catalogue(_listings(), ON)
    for listing in d.listings:
        related = d.related(listing)
        assert len(related) <= render.RELATED_MAX and listing not in related


def test_exhibitions_split_by_reference_date():
    upcoming, past = render.Catalogue(_listings(), ON).exhibitions()
    assert [x.id for x in upcoming] == ["trien-lam-bac"] and [x.id for x in past] == ["hoi-cho-nam-2024"]


def test_guide_has_a_page_per_kind_listing_every_field(docs):
    guide = (docs / "huong-dan/index.md").read_text(encoding="utf-8")
    # the no-software paths come before the commands
    assert guide.index("dang-ky-thong-tin.yml") < guide.index("Create new file") < guide.index("build.py validate")
    for kind, model in MODELS.items():
        path = f"huong-dan/{urls.KIND_PATHS[kind]}/"
        assert f'href="../{path}"' in guide  # the guide links each kind's page
        page = (docs / path / "index.md").read_text(encoding="utf-8")
        for name in model.model_fields:
            assert f"<code>{name}</code>" in page, (kind, name)
    assert "<code>det_may</code> Dệt may" in (docs / "huong-dan/san-pham/index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", list(MODELS))
def test_yaml_templates_parse_and_name_required_fields(kind):
    data = yaml.safe_load(guide.yaml_template(kind))
    assert data["kind"] == kind
    required = [n for n, f in MODELS[kind].model_fields.items() if f.is_required()]
    assert set(required) <= set(data)


@pytest.mark.parametrize("text, absent", [
    ("<script>alert(1)</script>", "<script>alert"),
    ('<img src=x onerror="alert(1)">', "<img"),
    ("[x](javascript:alert(1))", "javascript:"),
    ("<a href=\"javascript:alert(1)\">x</a>", "<a href=\"javascript"),
])
def test_describe_sanitises(text, absent):
    assert absent not in render.describe(text)


def test_describe_keeps_the_markdown_subset():
    html = str(render.describe("**a** *b* `c`\n\n- d\n\n[e](https://e.example) [t](tel:+8412)"))
    for part in ("<strong>a</strong>", "<em>b</em>", "<code>c</code>", "<li>d</li>",
                 'href="https://e.example"', 'rel="nofollow noopener"', 'href="tel:+8412"'):
        assert part in html


def test_index_pages_stay_bounded_and_link_to_the_rest(tmp_path, monkeypatch):
    """A kind's index shows at most KIND_PREVIEW cards per group and links to the full group page,
    so its size does not grow with the number of listings; the board splits by material."""
    from directory import synthetic
    synthetic.write_tree(synthetic.generate(400, seed=3, today=ON), tmp_path / "syn")
    listings = validate_tree(tmp_path / "syn" / "listings", today=ON).listings
    monkeypatch.setattr(render, "KIND_PREVIEW", 2)
    docs = tmp_path / "docs"
    render.render_docs(listings, docs, "https://scp.gov.vn/", ON)
    page = (docs / "doanh-nghiep" / "index.md").read_text(encoding="utf-8")
    groups = page.count('<h2 id="nhom-')
    cards = page.count("<li><a href=") - groups  # minus the table of contents
    assert 0 < cards <= groups * render.KIND_PREVIEW
    assert "Xem tất cả" in page and "../tinh-thanh/" in page and "#doanh-nghiep" in page
    board = (docs / "cung-cau" / "index.md").read_text(encoding="utf-8")
    category_pages = sorted((docs / "cung-cau").glob("*/index.md"))
    assert category_pages and all(f'cung-cau/{p.parent.name}/"' in board for p in category_pages)


def test_long_lists_are_paginated_and_every_listing_is_reachable(tmp_path, monkeypatch):
    """One organisation owning hundreds of listings (the skewed shape of a real directory): its page
    shows GROUP_PREVIEW per kind, and every listing is on one of the numbered pages of its kind."""
    from directory import synthetic
    synthetic.write_tree(synthetic.generate(400, seed=3, today=ON), tmp_path / "syn")
    listings = validate_tree(tmp_path / "syn" / "listings", today=ON).listings
    owner = max((x for x in listings if x.kind == "organisation"),
                key=lambda org: sum(1 for x in listings if x.owner_id() == org.id))
    listings = [x.model_copy(update={"organisation": owner.id}) if hasattr(x, "organisation") else x
                for x in listings]
    monkeypatch.setattr(render, "PAGE_SIZE", 10)
    docs = tmp_path / "docs"
    render.render_docs(listings, docs, "https://scp.gov.vn/", ON)
    base = docs / "doanh-nghiep" / owner.id
    page = (base / "index.md").read_text(encoding="utf-8")
    assert page.count("Xem tất cả") >= 3
    for kind in ("product", "offer", "demand"):
        owned = {x.id for x in listings if x.kind == kind and x.owner_id() == owner.id}
        pages = sorted((base / urls.KIND_PATHS[kind]).glob("**/index.md"))
        assert len(pages) == -(-len(owned) // 10) > 1, kind
        seen = set()
        for numbered in pages:
            text = numbered.read_text(encoding="utf-8")
            found = set(re.findall(rf'href="(?:\.\./)+{urls.KIND_PATHS[kind]}/([a-z0-9-]+)/"', text))
            assert 0 < len(found) <= 10
            seen |= found
        assert seen == owned, kind


def test_a_field_declared_once_reaches_page_export_schema_and_guide(tmp_path):
    """`minimum_order` was added to Offer with one edit in models.py: the page's facts, the open
    data, the editor schema, the template and the guide all show it without another edit."""
    from directory import export, schema
    offer = next(x for x in validate_tree(SITE_FIXTURES, today=ON).listings if x.kind == "offer")
    offer = offer.model_copy(update={"minimum_order": models.Quantity(amount=2, unit="TNE")})
    facts = dict(render._facts(offer, render.Catalogue([offer], ON)))
    assert facts["Đơn hàng tối thiểu"] == ["2 tấn"]
    assert export.listing_record(offer, "https://scp.gov.vn/", ON)["minimum_order"] == {"amount": 2.0, "unit": "TNE", "per": None}
    assert "minimum_order.amount" in export.csv_columns("offer")
    assert "minimum_order" in json.dumps(schema.json_schema())
    assert "# minimum_order:" in guide.yaml_template("offer")
    assert "minimum_order" in {row["path"] for row in guide.field_rows(models.Offer.model_json_schema(), models.Offer.model_json_schema().get("$defs", {}), "")}


def test_matching_a_category_of_thousands_stays_linear(monkeypatch):
    """5,000 offers and 5,000 demands of one material, spread over all 34 provinces: every
    listing gets MATCHES_MAX counterparts, nearest first, and matching them all compares about
    MATCHES_MAX pairs per listing, not every offer with every demand (50 million)."""
    provinces = list(render.vocab.PROVINCES.values())
    listings = [MODELS[kind].model_construct(
        kind=kind, id=f"{kind}-{i:05d}", name=f"{kind} {i:05d}", organisation="org", sample=False,
        material_category="nhua", province=provinces[i % len(provinces)],
        valid_from=None, valid_until=ON + dt.timedelta(days=30 + i % 300))
        for kind in ("offer", "demand") for i in range(5000)]
    compared = []
    overlap = render._overlap
    monkeypatch.setattr(render, "_overlap", lambda a, b: compared.append(1) or overlap(a, b))
    d = render.Catalogue(listings, ON)
    for listing in listings:
        found = d.matches(listing)
        assert len(found) == render.MATCHES_MAX and {x.kind for x in found} != {listing.kind}
        assert found[0].province == listing.province
    assert len(compared) <= 2 * render.MATCHES_MAX * len(listings)
