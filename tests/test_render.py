"""Rendering: golden pages, certificate badges, matches, the generated guide, hostile text.

Pages are rendered from `tests/fixtures/site/` with a fixed reference date, so the
golden files do not depend on git or the clock. Regenerate them after an intended
change with `UPDATE_GOLDEN=1 pytest tests/test_render.py`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from directory import reference, render
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
    d = render.Directory(_listings(), ON)
    demand = d.by_id["mua-giay-vun"]
    assert [m.id for m in d.matches(demand)] == ["ban-giay-vun", "ban-giay-nam"]  # Hà Nội (north) first
    assert [m.id for m in d.matches(d.by_id["ban-giay-nam"])] == ["mua-giay-vun"]
    assert d.matches(d.by_id["ban-nhua-cu"]) == []  # expired, other category


def test_related_listings_are_capped():
    d = render.Directory(_listings(), ON)
    for listing in d.listings:
        related = d.related(listing)
        assert len(related) <= render.RELATED_MAX and listing not in related


def test_exhibitions_split_by_reference_date():
    upcoming, past = render.Directory(_listings(), ON).exhibitions()
    assert [x.id for x in upcoming] == ["trien-lam-bac"] and [x.id for x in past] == ["hoi-cho-nam-2024"]


def test_guide_lists_every_field_of_every_model(docs):
    guide = (docs / "huong-dan/index.md").read_text(encoding="utf-8")
    for kind, model in MODELS.items():
        assert f'id="{kind}"' in guide
        for name, field in model.model_fields.items():
            assert f"<code>{name}</code>" in guide, (kind, name)
    assert "<code>det_may</code> Dệt may" in guide


@pytest.mark.parametrize("kind", list(MODELS))
def test_yaml_templates_parse_and_name_required_fields(kind):
    data = yaml.safe_load(reference.yaml_template(kind))
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
    """A kind's index shows at most GROUP_PREVIEW cards per group and links to the full group page,
    so its size does not grow with the number of listings; the board splits by material."""
    from directory import synthetic
    synthetic.write_tree(synthetic.generate(400, seed=3, today=ON), tmp_path / "syn")
    listings = validate_tree(tmp_path / "syn" / "listings", today=ON).listings
    monkeypatch.setattr(render, "GROUP_PREVIEW", 2)
    docs = tmp_path / "docs"
    render.render_docs(listings, docs, "https://scp.gov.vn/", ON)
    page = (docs / "doanh-nghiep" / "index.md").read_text(encoding="utf-8")
    groups = page.count('<h2 id="nhom-')
    cards = page.count("<li><a href=") - groups  # minus the table of contents
    assert 0 < cards <= groups * render.GROUP_PREVIEW
    assert "Xem tất cả" in page and "../tinh-thanh/" in page and "#doanh-nghiep" in page
    board = (docs / "cung-cau" / "index.md").read_text(encoding="utf-8")
    category_pages = sorted((docs / "cung-cau").glob("*/index.md"))
    assert category_pages and all(f'cung-cau/{p.parent.name}/"' in board for p in category_pages)
