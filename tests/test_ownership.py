"""Every ownership rule of `build.py check-pr`, on a throwaway git repository."""

import subprocess
from pathlib import Path

import pytest

from directory.ownership import check_pull_request

ORG = """kind: organisation
id: {id}
name: Công ty {id}
organisation_type: doanh_nghiep
tax_id: '{tax}'
address: {{province: Hà Nội}}
contact: {{phone: '024 3825 1234'}}
maintainers: [{maintainers}]
date_added: 2025-01-01
"""

OFFER = """kind: offer
id: {id}
name: Bán da vụn
organisation: {org}
material_category: da
material: Da vụn thuộc crom
quantity: {{amount: 5, unit: TNE}}
recurrence: {{recurring: false}}
province: Hà Nội
delivery: [tu_den_lay]
valid_until: 2027-01-01
date_added: 2025-01-01
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.org")
    git(tmp_path, "config", "user.name", "t")
    write(tmp_path, ".github/ministry-reviewers.yaml", "reviewers: [bo-reviewer]\n")
    write(tmp_path, "listings/organisation/cong-ty-a.yaml", ORG.format(id="cong-ty-a", tax="0100109106",
                                                                       maintainers="alice"))
    write(tmp_path, "listings/organisation/cong-ty-b.yaml", ORG.format(id="cong-ty-b", tax="0312345673",
                                                                       maintainers="bob"))
    write(tmp_path, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-a"))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    git(tmp_path, "branch", "base")
    return tmp_path


def commit(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")


def refusals(repo: Path, author: str) -> list[str]:
    return [r.format() for r in check_pull_request(repo, "base", author)]


def test_maintainer_may_edit_own_listing(repo):
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-a").replace("5,", "7,"))
    commit(repo)
    assert refusals(repo, "alice") == []
    assert refusals(repo, "Alice") == []  # GitHub logins are case-insensitive


def test_other_firm_may_not_edit_listing(repo):
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-a").replace("5,", "7,"))
    commit(repo)
    [message] = refusals(repo, "bob")
    assert "listings/offer/da-vun.yaml" in message
    assert "'bob' không có trong maintainers của 'cong-ty-a'" in message
    assert "is not a maintainer" in message


def test_moving_a_listing_to_own_organisation_needs_both_owners(repo):
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-b"))
    commit(repo)
    assert any("cong-ty-a" in m for m in refusals(repo, "bob"))


def test_adding_oneself_as_maintainer_does_not_grant_rights(repo):
    write(repo, "listings/organisation/cong-ty-a.yaml", ORG.format(id="cong-ty-a", tax="0100109106",
                                                                    maintainers="alice, mallory"))
    commit(repo)
    assert any("'mallory' không có trong maintainers" in m for m in refusals(repo, "mallory"))


def test_new_organisation_must_list_the_author(repo):
    write(repo, "listings/organisation/cong-ty-c.yaml", ORG.format(id="cong-ty-c", tax="0301234562",
                                                                    maintainers="carol"))
    commit(repo)
    assert refusals(repo, "carol") == []
    assert any("tổ chức mới 'cong-ty-c' phải ghi 'dave'" in m for m in refusals(repo, "dave"))


def test_new_listing_of_new_organisation(repo):
    write(repo, "listings/organisation/cong-ty-c.yaml", ORG.format(id="cong-ty-c", tax="0301234562",
                                                                    maintainers="carol"))
    write(repo, "listings/offer/giay-vun.yaml", OFFER.format(id="giay-vun", org="cong-ty-c"))
    commit(repo)
    assert refusals(repo, "carol") == []


def test_removing_last_maintainer_is_refused(repo):
    write(repo, "listings/organisation/cong-ty-a.yaml",
          ORG.format(id="cong-ty-a", tax="0100109106", maintainers=""))
    commit(repo)
    assert any("người cập nhật cuối cùng" in m for m in refusals(repo, "alice"))


def test_deleting_an_organisation_needs_a_reviewer(repo):
    (repo / "listings/organisation/cong-ty-b.yaml").unlink()
    commit(repo)
    assert any("xóa một tổ chức" in m for m in refusals(repo, "bob"))
    assert refusals(repo, "bo-reviewer") == []


def test_files_outside_listings_need_a_reviewer(repo):
    write(repo, "build.py", "print('hi')\n")
    commit(repo)
    [message] = refusals(repo, "alice")
    assert message.startswith("build.py: chỉ cán bộ Bộ Công Thương")
    assert refusals(repo, "bo-reviewer") == []


def test_reviewer_list_comes_from_base(repo):
    write(repo, ".github/ministry-reviewers.yaml", "reviewers: [bo-reviewer, mallory]\n")
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-b"))
    commit(repo)
    assert len(refusals(repo, "mallory")) >= 2


def test_repository_reviewers_match_codeowners():
    root = Path(__file__).parent.parent
    from directory.ownership import reviewers
    listed = reviewers((root / ".github/ministry-reviewers.yaml").read_bytes())
    owners = {word.lstrip("@").lower() for line in (root / ".github/CODEOWNERS").read_text().splitlines()
              if line.strip() and not line.startswith("#") for word in line.split()[1:]}
    assert listed and listed == owners


def test_check_pr_command_fails_with_annotations_and_no_traceback(repo):
    import sys
    root = Path(__file__).parent.parent
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-a").replace("5,", "7,"))
    commit(repo)
    env = {"GITHUB_ACTIONS": "true", "PATH": "/usr/bin:/bin"}
    refused = subprocess.run([sys.executable, str(root / "build.py"), "check-pr", "--author", "bob",
                              "--base", "base", "--repo", str(repo)], capture_output=True, text=True, env=env)
    assert refused.returncode == 1
    assert "::error file=listings/offer/da-vun.yaml::" in refused.stderr and "Traceback" not in refused.stderr
    allowed = subprocess.run([sys.executable, str(root / "build.py"), "check-pr", "--author", "alice",
                              "--base", "base", "--repo", str(repo)], capture_output=True, text=True)
    assert allowed.returncode == 0 and "OK" in allowed.stdout
    missing = subprocess.run([sys.executable, str(root / "build.py"), "check-pr", "--author", "alice",
                              "--base", "no-such-ref", "--repo", str(repo)], capture_output=True, text=True)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
