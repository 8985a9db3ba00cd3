"""The synthetic listings generator (directory.synthetic) and the validation benchmark."""

from __future__ import annotations

import collections
import datetime as dt
import importlib.util
from pathlib import Path

import pytest
import yaml
from stdnum.vn import mst

from directory import synthetic, vocab
from directory.validate import validate_tree

TODAY = dt.date(2025, 9, 1)
ROOT = Path(__file__).resolve().parent.parent


def _tree(tmp_path: Path, count: int, seed: int, name: str = "out") -> Path:
    out = tmp_path / name
    synthetic.write_tree(synthetic.generate(count, seed, TODAY), out)
    return out / "listings"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_small_tree_validates_and_covers_every_kind(tmp_path):
    root = _tree(tmp_path, 60, seed=1)
    report = validate_tree(root, today=TODAY)
    assert report.errors == []
    assert report.checked == 60 and len(report.entries) == 60
    kinds = collections.Counter(listing.kind for listing in report.listings)
    assert set(kinds) == set(vocab.KINDS.codes())
    assert kinds["organisation"] == 9  # 15% of 60
    assert all(listing.sample for listing in report.listings)


@pytest.mark.parametrize("count", [1, 8, 13])
def test_tiny_counts_still_resolve(tmp_path, count):
    report = validate_tree(_tree(tmp_path, count, seed=2), today=TODAY)
    assert report.errors == [] and report.checked == count
    if count >= len(vocab.KINDS.codes()):
        assert {listing.kind for listing in report.listings} == set(vocab.KINDS.codes())


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    first = _snapshot(_tree(tmp_path, 60, seed=7, name="a"))
    again = _snapshot(_tree(tmp_path, 60, seed=7, name="b"))
    other = _snapshot(_tree(tmp_path, 60, seed=8, name="c"))
    assert first == again
    assert first != other
    assert len(first) == 60


def test_tax_codes_are_valid_quoted_and_often_start_with_zero(tmp_path):
    root = _tree(tmp_path, 400, seed=3)
    codes = []
    for path in sorted((root / "organisation").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)  # any YAML reader, not just ours, must see text
        if "tax_id" in data:
            assert isinstance(data["tax_id"], str)
            assert f"tax_id: '{data['tax_id']}'" in text
            assert mst.is_valid(data["tax_id"])
            codes.append(data["tax_id"])
        assert isinstance(data["contact"].get("phone", ""), str)
    assert len(codes) == len(set(codes)) >= 40
    assert sum(code.startswith("0") for code in codes) >= len(codes) // 4


def test_ids_are_ascii_slugs_and_names_vietnamese(tmp_path):
    listings = synthetic.generate(300, seed=4, today=TODAY)
    ids = [listing["id"] for listing in listings]
    assert len(ids) == len(set(ids))
    assert all(i.isascii() and i == i.lower() and len(i) <= 80 for i in ids)
    assert sum(not listing["name"].isascii() for listing in listings) > 250
    owners = {listing["id"] for listing in listings if listing["kind"] == "organisation"}
    for listing in listings:
        ref = listing.get("organisation") or listing.get("organizer")
        assert listing["kind"] == "organisation" or ref in owners


def test_demands_match_offers_and_certificates_vary(tmp_path):
    root = _tree(tmp_path, 400, seed=5)
    report = validate_tree(root, today=TODAY)
    assert report.errors == []
    offered = {(x.material_category, x.material, x.quantity.unit) for x in report.listings if x.kind == "offer"}
    demands = [x for x in report.listings if x.kind == "demand"]
    matched = [d for d in demands if (d.material_category, d.material, d.quantity.unit) in offered]
    assert len(matched) >= len(demands) // 2
    warnings = collections.Counter(p.code for p in report.warnings)
    assert warnings["expires_soon"] > 0 and warnings["all_expired"] > 0
    certificates = [c for x in report.listings for c in getattr(x, "certificates", [])]
    valid = sum(c.is_valid_on(TODAY) for c in certificates)
    assert valid > len(certificates) * 0.7
    starts = [x.start_date for x in report.listings if x.kind == "exhibition" and x.start_date]
    assert min(starts) < TODAY < max(starts)


def test_cli_writes_tree_and_refuses_non_empty_directory(tmp_path, capsys):
    assert synthetic.main(["--count", "20", "--out", str(tmp_path), "--seed", "9", "--today", "2025-09-01"]) == 0
    assert len(list((tmp_path / "listings").rglob("*.yaml"))) == 20
    assert synthetic.main(["--count", "20", "--out", str(tmp_path)]) == 1
    assert "không trống / is not empty" in capsys.readouterr().err


def test_benchmark_runs_at_a_tiny_count(capsys):
    spec = importlib.util.spec_from_file_location("bench_validate", ROOT / "bench" / "bench_validate.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--counts", "16,32", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "median/s" in out and "32 vs 16" in out


def test_the_skewed_shape_looks_like_a_real_directory(tmp_path):
    """A few owners, two or three provinces and a few material categories hold most listings;
    the first organisation hosts every model. Valid, and the same bytes for the same seed."""
    from collections import Counter

    from directory.models import province_of
    listings = synthetic.generate(1200, seed=5, today=TODAY, shape="skewed")
    assert synthetic.generate(1200, seed=5, today=TODAY, shape="skewed") == listings
    synthetic.write_tree(listings, tmp_path)
    report = validate_tree(tmp_path / "listings", today=TODAY)
    assert report.ok, report.format()
    valid = report.listings
    orgs = {x.id: x for x in valid if x.kind == "organisation"}
    owners = Counter(x.owner_id() for x in valid if x.kind != "organisation")
    assert owners.most_common(1)[0][1] > 0.25 * sum(owners.values())
    assert {x.owner_id() for x in valid if x.kind == "model"} == {listings[0]["id"]}  # the first one made
    provinces = Counter(province_of(x, orgs) for x in valid)
    assert sum(n for _, n in provinces.most_common(3)) > 0.6 * len(valid)
    categories = Counter(x.material_category for x in valid if x.kind in ("offer", "demand"))
    assert sum(n for _, n in categories.most_common(3)) > 0.5 * sum(categories.values())
    spread = synthetic.generate(1200, seed=5, today=TODAY)
    assert Counter(x.get("organisation") for x in spread if "organisation" in x).most_common(1)[0][1] < 30
