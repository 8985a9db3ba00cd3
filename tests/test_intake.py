"""The issue form is generated from the models, and a filled form becomes listing files
for the person who filed it: the issue author is the only maintainer trusted."""

import datetime as dt
import time
from pathlib import Path

import pytest
import yaml

from directory.cli import main
from directory.intake import (FORM_LABELS, MAX_BODY_CHARS, IntakeError, from_issue, issue_form_yaml,
                              parse_sections, to_yaml)
from directory.validate import validate_tree

ROOT = Path(__file__).parent.parent
INTAKE = Path(__file__).parent / "fixtures" / "intake"
BODY = (INTAKE / "issue-body.md").read_text(encoding="utf-8")
TODAY = dt.date(2026, 11, 23)
ORG = "organisation/cong-ty-tnhh-bao-bi-dong-xanh.yaml"
OFFER = "offer/bia-carton-vun-sach.yaml"
WORKFLOW = ROOT / ".github" / "workflows" / "intake.yml"


def write_files(root: Path, files: dict[str, dict]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_yaml(data), encoding="utf-8")


def from_issue_cli(tmp_path, body: str | bytes, author: str = "dongxanh-clerk", listings: Path | None = None):
    """Run `build.py from-issue` in-process on `body`; (exit code, stdout, stderr) come from capsys."""
    path = tmp_path / "body.md"
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return main(["from-issue", str(path), f"--author={author}", "--listings", str(listings or tmp_path / "listings")])


def bilingual(text: str) -> bool:
    vi, sep, en = text.partition(" / ")
    return bool(sep and vi.strip() and en.strip())


def test_committed_issue_form_is_generated():
    committed = (ROOT / ".github" / "ISSUE_TEMPLATE" / "dang-ky-thong-tin.yml").read_text(encoding="utf-8")
    assert committed == issue_form_yaml(), "run `python build.py issue-form` to regenerate it"


def test_form_offers_the_34_provinces_and_every_listing_kind():
    form = yaml.safe_load(issue_form_yaml())
    by_id = {item.get("id"): item for item in form["body"]}
    assert len(by_id["address-province"]["attributes"]["options"]) == 34
    assert "Chào bán" in by_id["listing-kind"]["attributes"]["options"]


def test_parser_knows_the_form_labels_in_form_order():
    form = yaml.safe_load(issue_form_yaml())
    assert FORM_LABELS == [item["attributes"]["label"] for item in form["body"] if item["type"] != "markdown"]


def test_filled_form_becomes_a_valid_organisation_and_a_listing_draft(tmp_path):
    result = from_issue(BODY, TODAY, "dongxanh-clerk")
    assert set(result.files) == {ORG, OFFER}
    org = result.files[ORG]
    assert org["tax_id"] == "0100109106"
    assert org["maintainers"] == ["dongxanh-clerk"]  # the issue author, and only them
    assert result.unverified == ["dongxanh-boss"]
    write_files(tmp_path, result.files)
    offer_text = (tmp_path / OFFER).read_text(encoding="utf-8")
    assert "#   20 tấn mỗi tháng" in offer_text  # the free text waits for the reviewer as a comment
    report = validate_tree(tmp_path, today=TODAY)
    org_errors = [p for p in report.errors if "organisation/" in p.path]
    assert org_errors == []  # the organisation is complete; the tax code kept its leading zero
    missing = {p.field for p in report.errors if "offer/" in p.path}
    assert {"quantity", "material_category", "valid_until"} <= missing  # the reviewer is told what to add


def test_logins_typed_into_the_form_are_reported_never_trusted(tmp_path):
    body = BODY.replace("@dongxanh-clerk, dongxanh-boss", "@mallory-friend; MALLORY, not_a_login!, mallory-friend ../x")
    result = from_issue(body, TODAY, "mallory")
    assert result.files[ORG]["maintainers"] == ["mallory"]
    assert result.unverified == ["mallory-friend"]  # the author and repeats are dropped, case-insensitively
    assert result.not_logins == 2
    write_files(tmp_path, result.files)
    text = (tmp_path / ORG).read_text(encoding="utf-8")
    assert ("# Tài khoản khác ghi trong biểu mẫu, chưa được xác minh / other logins from the form, "
            "not verified: mallory-friend\n") in text
    assert yaml.safe_load(text)["maintainers"] == ["mallory"]
    assert any("mallory-friend" in note and bilingual(note) for note in result.notes())


@pytest.mark.parametrize("author", ["", "-mallory", "mallory-", "mal--lory", "mal lory", "@mallory", "m" * 40,
                                    "mallory\nx", "../x", "mallóry"])
def test_an_author_that_is_not_a_github_login_is_refused(tmp_path, capsys, author):
    with pytest.raises(IntakeError):
        from_issue(BODY, TODAY, author)
    assert from_issue_cli(tmp_path, BODY, author=author) == 1
    err = capsys.readouterr().err
    assert "không phải tài khoản GitHub hợp lệ" in err and "not a valid GitHub login" in err
    assert not (tmp_path / "listings").exists()


def test_author_is_required(tmp_path, capsys):
    (tmp_path / "body.md").write_text(BODY, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["from-issue", str(tmp_path / "body.md"), "--listings", str(tmp_path)])
    assert exit_.value.code == 2 and "--author" in capsys.readouterr().err


def existing_organisation(listings: Path, maintainers: list[str]) -> Path:
    files = from_issue(BODY, TODAY, maintainers[0]).files
    org = {**files[ORG], "maintainers": maintainers}
    write_files(listings, {ORG: org})
    return listings / ORG


def test_form_naming_an_existing_organisation_is_refused_unless_the_author_maintains_it(tmp_path, capsys):
    listings = tmp_path / "listings"
    org_file = existing_organisation(listings, ["dongxanh-boss"])
    before = org_file.read_bytes()
    with pytest.raises(IntakeError) as refused:
        from_issue(BODY, TODAY, "mallory", listings)
    assert "cong-ty-tnhh-bao-bi-dong-xanh" in refused.value.vi and "not one of its maintainers" in refused.value.en
    assert from_issue_cli(tmp_path, BODY, author="mallory", listings=listings) == 1
    err = capsys.readouterr().err
    assert "đã có trong danh bạ" in err and "Bộ Công Thương" in err and "ministry" in err and bilingual(err)
    assert org_file.read_bytes() == before
    assert not (listings / OFFER).exists()  # nothing attached to somebody else's organisation
    # The form's own maintainers answer names the real maintainer: still refused.
    assert from_issue_cli(tmp_path, BODY.replace("@dongxanh-clerk", "@mallory"), author="dongxanh-clerk",
                          listings=listings) == 1


def test_a_maintainer_of_the_existing_organisation_gets_the_listing_attached(tmp_path, capsys):
    listings = tmp_path / "listings"
    org_file = existing_organisation(listings, ["DongXanh-Clerk", "dongxanh-boss"])
    before = org_file.read_bytes()
    result = from_issue(BODY.replace("Mã số thuế\n\n0100109106", "Mã số thuế\n\n0312345678"), TODAY,
                        "dongxanh-clerk", listings)  # logins compare case-insensitively
    assert result.existing and set(result.files) == {OFFER}
    assert result.files[OFFER]["organisation"] == "cong-ty-tnhh-bao-bi-dong-xanh"
    assert from_issue_cli(tmp_path, BODY, author="dongxanh-clerk", listings=listings) == 1  # offer incomplete
    out = capsys.readouterr().out
    assert "đã có và người gửi là người cập nhật" in out and f"created {listings / OFFER}" in out
    assert org_file.read_bytes() == before  # the organisation file is not rewritten
    assert (listings / OFFER).exists()
    assert "organisation" not in {p.field for p in validate_tree(listings, today=TODAY).errors}


def test_existing_files_are_never_overwritten_and_the_exit_code_says_so(tmp_path, capsys):
    listings = tmp_path / "listings"
    taken = listings / OFFER
    taken.parent.mkdir(parents=True)
    taken.write_text("id: bia-carton-vun-sach\n", encoding="utf-8")
    body = BODY.replace("Thông tin khác (chứng nhận, số lượng, ngày…)\n\n20 tấn mỗi tháng, đến hết năm 2027, "
                        "bên mua tự đến lấy.", "Thông tin khác (chứng nhận, số lượng, ngày…)\n\n_No response_")
    assert from_issue_cli(tmp_path, body, listings=listings) == 1
    captured = capsys.readouterr()
    assert f"{taken} đã có, không ghi đè" in captured.err and "FAILED: 1 file(s) not written" in captured.err
    assert taken.read_text(encoding="utf-8") == "id: bia-carton-vun-sach\n"
    assert (listings / ORG).exists()


def test_a_valid_organisation_only_form_exits_0(tmp_path, capsys):
    body = BODY.replace("### Tin đăng: Loại tin\n\nChào bán", "### Tin đăng: Loại tin\n\n_No response_")
    assert from_issue_cli(tmp_path, body) == 0, capsys.readouterr()
    assert (tmp_path / "listings" / ORG).exists() and not (tmp_path / "listings" / OFFER).exists()


def test_headings_typed_inside_an_answer_do_not_override_other_answers():
    body = (INTAKE / "issue-body-headings-in-answer.md").read_text(encoding="utf-8")
    result = from_issue(body, TODAY, "dongxanh-clerk")
    assert set(result.files) == {ORG, OFFER}
    org, offer = result.files[ORG], result.files[OFFER]
    assert org["name"] == "Công ty TNHH Bao Bì Đồng Xanh"
    assert org["tax_id"] == "0100109106"
    assert offer["kind"] == "offer"
    assert "mallory" not in result.unverified and org["maintainers"] == ["dongxanh-clerk"]
    assert offer["description"].startswith("Bìa sạch, đã phân loại.\n\n### Mã số thuế\n\n9999999999\n\n### Loại tin")
    assert offer["description"].endswith("### Tên\n\nCông ty Mẫu")
    assert offer["_details"].startswith("20 tấn")  # a later label still starts its own section


def test_section_parser_reads_the_form_in_order():
    body = "text before\n### Tên  \r\n\r\nA\r\n### Unknown\r\n### Tên\r\n### Tin đăng: Tên\n\nB\n### Mã số thuế\n\n1"
    assert parse_sections(body) == {"Tên": "A\n### Unknown\n### Tên", "Tin đăng: Tên": "B\n### Mã số thuế\n\n1"}
    assert parse_sections("") == {} and parse_sections("### \n###\n#### Tên\n") == {}


def test_parsing_is_linear_in_the_body_size():
    """Bodies that made the old backtracking regex take 10-60 s, or Unicode normalisation 4 s. A quadratic parser would
    make this test take minutes; the bound on CPU time is 100 times what the linear one needs."""
    spaces = " " * 65_000
    bodies = {
        "spaces in an answer": f"### Tên\n\n{spaces}\n\n### Loại hình\n\nDoanh nghiệp\n",
        "spaces in a heading": f"### Tên{spaces}x\n\n{spaces}\n### {spaces}\n\n### Loại hình\n\nDoanh nghiệp\n",
        "10,000 headings": "### Tên\n\nA\n" + "### x\n" * 10_000 + "### Loại hình\n\nDoanh nghiệp\n",
        "1 MB answer": "### Tên\n\nA" + ("b" * 99 + "\n") * 10_000 + "### Loại hình\n\nDoanh nghiệp\n",
    }
    marks = "### Tên\n\na" + "\u0301\u0323" * 30_000  # NFC and slugify are quadratic in such a run
    start = time.process_time()
    for _ in range(5):
        parsed = {name: parse_sections(body) for name, body in bodies.items()}
        with pytest.raises(IntakeError, match="combining marks"):
            from_issue(marks, TODAY, "dongxanh-clerk")
    elapsed = time.process_time() - start
    assert parsed["spaces in an answer"] == {"Tên": "", "Loại hình": "Doanh nghiệp"}
    assert parsed["spaces in a heading"] == {"Loại hình": "Doanh nghiệp"}
    assert parsed["10,000 headings"]["Tên"].count("### x") == 10_000
    assert len(parsed["1 MB answer"]["Tên"]) == 1_000_000 and parsed["1 MB answer"]["Loại hình"] == "Doanh nghiệp"
    assert elapsed < 2, f"{elapsed:.1f} s of CPU time to parse 5 x 1.3 MB"


def test_a_body_over_githubs_limit_is_refused(tmp_path, capsys):
    body = BODY + "x" * MAX_BODY_CHARS
    with pytest.raises(IntakeError):
        from_issue(body, TODAY, "dongxanh-clerk")
    assert from_issue_cli(tmp_path, body) == 1
    assert "65536" in capsys.readouterr().err
    assert from_issue_cli(tmp_path, b"x" * (20 * MAX_BODY_CHARS)) == 1  # read no further than the limit
    err = capsys.readouterr().err
    assert "dài quá" in err and "longer than" in err and not (tmp_path / "listings").exists()


@pytest.mark.parametrize("body", [
    pytest.param(b"", id="empty"),
    pytest.param(b"\xff\xfe### T\xc3\xaan\n", id="not-utf8"),
    pytest.param("### Tên\n### Loại hình\n### Tin đăng: Loại tin\n".encode(), id="only-headings"),
    pytest.param("### Tên\n\n_No response_\n".encode(), id="no-name"),
    pytest.param("### Tên\n\n!!!\n".encode(), id="name-without-letters"),
    pytest.param(b"hello\n# Ten\n", id="not-a-form"),
    pytest.param(("### Tên\n\na" + "\u0323\u0301" * 100).encode(), id="combining-marks"),
    pytest.param("### Tên\n\nA\x00\u2028B\n\n### Loại hình\n\n\x1b[31m".encode(), id="control-characters"),
])
def test_bad_bodies_exit_1_with_a_bilingual_message(tmp_path, capsys, body):
    assert from_issue_cli(tmp_path, body) == 1
    captured = capsys.readouterr()
    assert bilingual(captured.err.strip().splitlines()[0] if captured.err.strip() else captured.out)


def test_unreadable_files_exit_1(tmp_path, capsys):
    for path in (tmp_path / "missing.md", tmp_path):
        assert main(["from-issue", str(path), "--author", "me", "--listings", str(tmp_path / "l")]) == 1
        err = capsys.readouterr().err
        assert "không đọc được" in err and "cannot read" in err


def test_body_file_with_a_bom_and_crlf_line_ends(tmp_path, capsys):
    body = "\ufeff" + BODY.replace("\n", "\r\n")
    from_issue_cli(tmp_path, body)
    data = yaml.safe_load((tmp_path / "listings" / ORG).read_text(encoding="utf-8"))
    assert data["name"] == "Công ty TNHH Bao Bì Đồng Xanh" and data["maintainers"] == ["dongxanh-clerk"]


def _run_steps(workflow: dict):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            yield step


def test_intake_workflow_passes_the_real_author_and_never_interpolates_issue_text():
    text = WORKFLOW.read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert trigger == {"issues": {"types": ["opened", "edited"]}}
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["draft"]
    assert "permissions" not in job and "'dang-ky'" in job["if"]
    steps = list(_run_steps(workflow))
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "main" and checkout["with"]["persist-credentials"] is False
    for step in steps:
        assert "${{" not in step.get("run", ""), f"expression inside run: {step.get('name')}"
        for name, value in (step.get("env") or {}).items():
            assert "issue.body" not in value and "issue.title" not in value, name
    assert "make .venv/.installed" in [s.get("run") for s in steps]
    intake = next(s for s in steps if "from-issue" in s.get("run", ""))
    assert intake["env"] == {"AUTHOR": "${{ github.event.issue.user.login }}"}
    assert '--author "$AUTHOR"' in intake["run"]
    assert "::stop-commands::" in intake["run"]  # form text quoted in the report cannot issue workflow commands
    assert any('"$GITHUB_EVENT_PATH"' in s.get("run", "") and "body.md" in s.get("run", "") for s in steps)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "dang-ky/"
    assert "pull-requests" not in text and "write" not in yaml.safe_dump(workflow["permissions"])
