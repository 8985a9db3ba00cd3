"""The issue form is generated from the models, and a filled form becomes listing files."""

import datetime as dt
from pathlib import Path

import yaml

from directory.intake import from_issue, issue_form_yaml, to_yaml
from directory.validate import validate_tree

ROOT = Path(__file__).parent.parent
BODY = (Path(__file__).parent / "fixtures" / "intake" / "issue-body.md").read_text(encoding="utf-8")
TODAY = dt.date(2026, 11, 23)


def test_committed_issue_form_is_generated():
    committed = (ROOT / ".github" / "ISSUE_TEMPLATE" / "dang-ky-thong-tin.yml").read_text(encoding="utf-8")
    assert committed == issue_form_yaml(), "run `python build.py issue-form` to regenerate it"


def test_form_offers_the_34_provinces_and_every_listing_kind():
    form = yaml.safe_load(issue_form_yaml())
    by_id = {item.get("id"): item for item in form["body"]}
    assert len(by_id["address-province"]["attributes"]["options"]) == 34
    assert "Chào bán" in by_id["listing-kind"]["attributes"]["options"]


def test_filled_form_becomes_a_valid_organisation_and_a_listing_draft(tmp_path):
    files = from_issue(BODY, TODAY)
    assert set(files) == {"organisation/cong-ty-tnhh-bao-bi-dong-xanh.yaml", "offer/bia-carton-vun-sach.yaml"}
    org = files["organisation/cong-ty-tnhh-bao-bi-dong-xanh.yaml"]
    assert org["tax_id"] == "0100109106"
    assert org["maintainers"] == ["dongxanh-clerk", "dongxanh-boss"]
    for rel, data in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_yaml(data), encoding="utf-8")
    offer_text = (tmp_path / "offer/bia-carton-vun-sach.yaml").read_text(encoding="utf-8")
    assert "#   20 tấn mỗi tháng" in offer_text  # the free text waits for the reviewer as a comment
    report = validate_tree(tmp_path, today=TODAY)
    org_errors = [p for p in report.errors if "organisation/" in p.path]
    assert org_errors == []  # the organisation is complete; the tax code kept its leading zero
    missing = {p.field for p in report.errors if "offer/" in p.path}
    assert {"quantity", "material_category", "valid_until"} <= missing  # the reviewer is told what to add
