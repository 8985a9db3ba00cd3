"""The live preview regenerates only what a save touches, and ends where a full generation ends.

The oracle: after every edit, the preview's folder (pages it chose to re-render, plus the data its
child process rewrote) must be byte for byte what `site.generate` writes from scratch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from directory import preview, site

SITE_FIXTURES = Path(__file__).parent / "fixtures" / "site"
ON = dt.date(2025, 10, 1)
URL = "/"


def _files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    staged = path.with_name("." + path.name)
    staged.write_text(text.replace(old, new), encoding="utf-8")
    os.replace(staged, path)                    # an editor saving atomically: a new mtime


@pytest.fixture()
def live(tmp_path):
    listings = tmp_path / "listings"
    shutil.copytree(SITE_FIXTURES, listings)
    docs = tmp_path / "docs"
    docs.mkdir()
    view = preview.Preview(listings, docs, URL, site.repository_url())
    view.refresh(ON, wait_for_data=True)
    return listings, docs, view, tmp_path


def _assert_same_as_a_full_generation(listings: Path, docs: Path, tmp_path: Path) -> None:
    full = tmp_path / f"full-{len(list(tmp_path.iterdir()))}"
    site.generate(listings, full, URL, ON)
    assert _files(docs) == _files(full)


EDITS = {
    "a product's summary": [("product/tui-giay.yaml", "name: Túi giấy tái chế", "name: Túi giấy tái chế loại mới")],
    "an organisation's name and province": [
        ("organisation/xanh-ha-noi.yaml", "name: Công ty TNHH Bao bì Xanh Hà Nội", "name: Công ty Bao bì Xanh"),
        ("organisation/xanh-ha-noi.yaml", "  province: Hà Nội", "  province: Hải Phòng")],
    "an offer's material and province": [
        ("offer/ban-giay-vun.yaml", "material_category: giay", "material_category: nhua"),
        ("offer/ban-giay-vun.yaml", "province: Hà Nội", "province: Đà Nẵng")],
    "an offer that expires": [("offer/ban-giay-vun.yaml", "valid_until: 2026-12-31", "valid_until: 2025-01-31")],
    "a sample made real": [("organisation/xanh-ha-noi.yaml", "sample: true", "sample: false")],
}


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_renders_only_what_it_touches_and_ends_like_a_full_generation(live, name):
    listings, docs, view, tmp_path = live
    everything = len(view.pages)
    for rel, old, new in EDITS[name]:
        _edit(listings / rel, old, new)
    done = view.refresh(ON, wait_for_data=True)
    assert ("home",) in done and len(done) < everything
    _assert_same_as_a_full_generation(listings, docs, tmp_path)


def test_a_listing_added_then_removed(live):
    listings, docs, view, tmp_path = live
    text = (listings / "product/tui-giay.yaml").read_text(encoding="utf-8")
    (listings / "product/tui-giay-moi.yaml").write_text(text.replace("id: tui-giay", "id: tui-giay-moi"),
                                                        encoding="utf-8")
    assert ("listing", "tui-giay-moi") in view.refresh(ON, wait_for_data=True)
    _assert_same_as_a_full_generation(listings, docs, tmp_path)
    (listings / "product/tui-giay-moi.yaml").unlink()
    (listings / "exhibition/trien-lam-bac.yaml").unlink()      # its own calendar file goes too
    view.refresh(ON, wait_for_data=True)
    assert not (docs / "san-pham" / "tui-giay-moi").exists()
    _assert_same_as_a_full_generation(listings, docs, tmp_path)


def test_an_unrelated_edit_leaves_other_listing_pages_alone(live):
    listings, docs, view, _tmp = live
    _edit(listings / "recycler/thu-gom-pin.yaml", "name: Điểm thu gom pin lithium", "name: Điểm thu gom pin lithium mới")
    done = view.refresh(ON, wait_for_data=True)
    assert ("listing", "thu-gom-pin") in done
    assert ("listing", "tui-giay") not in done and ("board", "giay") not in done


def test_an_invalid_save_keeps_the_pages_and_the_next_valid_one_goes_on(live, capsys):
    listings, docs, view, tmp_path = live
    before = _files(docs)
    _edit(listings / "product/tui-giay.yaml", "name: Túi giấy tái chế", "name: ''")
    assert view.refresh(ON, wait_for_data=True) == []
    assert "product/tui-giay.yaml" in capsys.readouterr().err
    assert _files(docs) == before
    _edit(listings / "product/tui-giay.yaml", "name: ''", "name: Túi giấy")
    assert ("listing", "tui-giay") in view.refresh(ON, wait_for_data=True)
    _assert_same_as_a_full_generation(listings, docs, tmp_path)


def test_a_new_day_renders_everything(live):
    listings, docs, view, _tmp = live
    assert len(view.refresh(ON + dt.timedelta(days=1), wait_for_data=True)) == len(view.pages)
