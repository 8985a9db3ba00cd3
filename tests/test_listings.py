"""The listings that ship in `listings/`: they validate, cover every kind, cite
their sources, keep sample data apart from real data, and include the intended
certificate cases (one distributor with every certificate expired, one expiring).

The date is fixed at 2026-11-23 so that the certificate checks do not drift with
the clock. These tests check the shipped data, not the validator's rules (those
have their own fixtures).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from directory import vocab
from directory.models import MODELS, Demand, Distributor, Exhibition, Model, Offer, Organisation
from directory.validate import validate_tree

LISTINGS = Path(__file__).resolve().parent.parent / "listings"
TODAY = dt.date(2026, 11, 23)
SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/listing.schema.json"


@pytest.fixture(scope="module")
def report():
    return validate_tree(LISTINGS, today=TODAY)


@pytest.fixture(scope="module")
def by_id(report):
    return {listing.id: listing for listing in report.listings}


def _owner(listing) -> str | None:
    return getattr(listing, "organisation", None) or getattr(listing, "organizer", None)


def test_shipped_listings_validate_without_errors(report):
    assert report.errors == [], report.format(github=False)
    assert report.checked == len(report.entries)


def test_every_kind_is_present_and_there_are_at_least_30(report):
    kinds = {listing.kind for listing in report.listings}
    assert kinds == set(MODELS)
    assert len(report.listings) >= 30


def test_every_file_starts_with_the_schema_line():
    files = sorted(LISTINGS.glob("*/*.yaml"))
    assert files
    for path in files:
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE, path


def test_only_the_intended_warnings(report):
    found = {(Path(p.path).stem, p.code) for p in report.warnings}
    assert found == {
        ("cua-hang-tien-loi-song-hong-mau", "all_expired"),
        ("sieu-thi-xanh-phuong-nam-da-nang-mau", "expires_soon"),
    }, report.format(github=False)


def test_expired_distributor_has_every_certificate_expired(report, by_id):
    expired = [listing for listing in report.listings if isinstance(listing, Distributor)
               and not any(c.is_valid_on(TODAY) for c in listing.certificates)]
    assert [d.id for d in expired] == ["cua-hang-tien-loi-song-hong-mau"]
    assert all(c.scheme == "phan_phoi_ben_vung" for c in expired[0].certificates)
    # Every other distributor holds a currently valid sustainable-distribution certificate.
    for listing in report.listings:
        if isinstance(listing, Distributor) and listing not in expired:
            assert any(c.scheme == "phan_phoi_ben_vung" and c.is_valid_on(TODAY) for c in listing.certificates)


def test_non_sample_listings_cite_a_source_and_a_real_owner(report, by_id):
    real = [listing for listing in report.listings if not listing.sample]
    assert real
    for listing in real:
        assert listing.sources, listing.id
        assert all(source.document for source in listing.sources)
        owner = _owner(listing)
        if owner:
            assert not by_id[owner].sample, f"{listing.id} is real but its organisation {owner} is a sample"


def test_sample_listings_are_marked_and_owned_by_sample_organisations(report, by_id):
    samples = [listing for listing in report.listings if listing.sample]
    assert samples
    for listing in samples:
        assert "(mẫu)" in listing.name, listing.id
        assert listing.summary and "(dữ liệu mẫu)" in listing.summary, listing.id
        assert not listing.sources, listing.id
        owner = _owner(listing)
        if owner:
            assert by_id[owner].sample, f"{listing.id} is a sample but {owner} is not"


def test_the_2022_models_of_decision_2323(report):
    models = [listing for listing in report.listings if isinstance(listing, Model) and not listing.sample]
    tasks = {m.programme.task for m in models}
    assert tasks == {"III.1", "III.3", "III.4", "IV.1", "IV.2", "IV.3", "V.2"}
    for model in models:
        assert model.programme.document == "2323/QĐ-BCT"
        assert (model.programme.document, model.programme.task) in {(s.document, s.task) for s in model.sources}
        assert model.year == 2022 and model.status == "thi_diem"
        assert model.organisation == "bo-cong-thuong"
        assert model.results
        assert model.province is None  # no 2022 task names a province


def test_the_three_regional_exhibitions_of_task_viii_8(report):
    exhibitions = [e for e in report.listings if isinstance(e, Exhibition) and not e.sample]
    assert sorted(e.region for e in exhibitions) == ["bac", "nam", "trung"]
    for exhibition in exhibitions:
        assert exhibition.year == 2022
        assert exhibition.start_date is None and exhibition.end_date is None  # dates not announced
        assert exhibition.organizer == "bo-cong-thuong"
        assert [(s.document, s.task) for s in exhibition.sources] == [("2323/QĐ-BCT", "VIII.8")]


def test_sample_tax_codes_keep_their_leading_zero(report):
    codes = [o.tax_id for o in report.listings if isinstance(o, Organisation) and o.tax_id]
    assert any(code.startswith("0") and len(code) == 10 for code in codes)
    assert any(len(code) == 14 for code in codes), "expected one branch code (-001..-999)"


def _overlap(a, b) -> bool:
    start_a, start_b = a.valid_from or TODAY, b.valid_from or TODAY
    return start_a <= b.valid_until and start_b <= a.valid_until


def test_every_demand_has_a_matching_current_offer_nearby(report):
    offers = [o for o in report.listings if isinstance(o, Offer)]
    demands = [d for d in report.listings if isinstance(d, Demand)]
    assert demands
    for demand in demands:
        assert demand.valid_until >= TODAY
        matches = [o for o in offers
                   if o.material_category == demand.material_category and _overlap(o, demand)
                   and o.valid_until >= TODAY and o.organisation != demand.organisation
                   and vocab.region_of(o.province) == vocab.region_of(demand.province)]
        assert matches, f"no offer matches {demand.id}"
