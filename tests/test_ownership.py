"""Every ownership rule of `build.py check-pr`, on a throwaway git repository."""

import subprocess
from pathlib import Path, PurePosixPath

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


# --- Part 2 of "Trust": the check fails closed and cannot be rewritten by the pull request it judges.

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github/workflows/pull-request.yml"


def add_entry(repo: Path, path: bytes, data: bytes = b"", mode: str = "100644", sha: str | None = None) -> None:
    """Put `data` (or the object `sha`) at the raw byte path `path` in the index only."""
    if sha is None:
        sha = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=data, check=True,
                             capture_output=True).stdout.decode().strip()
    subprocess.run(["git", "update-index", "--add", "-z", "--index-info"], cwd=repo, check=True,
                   input=mode.encode() + b" " + sha.encode() + b"\t" + path + b"\0", capture_output=True)


def commit_index(repo: Path) -> None:
    """Commit the index as it is (not the working tree: index-only entries stay)."""
    git(repo, "commit", "-qm", "change")


def check_pr(repo: Path, author: str, *, build: Path = ROOT / "build.py", base: str = "base",
             github: bool = True) -> subprocess.CompletedProcess:
    import os
    import sys
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run([sys.executable, str(build), "check-pr", "--repo", str(repo), f"--base={base}",
                           "--author", author], capture_output=True, env=env, timeout=120)


# An offer in ASCII only (YAML escapes for Vietnamese) whose committed bytes hold a '¥'
# (U+00A5). With `working-tree-encoding=SHIFT_JIS` git checks the '¥' out as a backslash,
# which escapes the closing quote: committed, the YAML is broken; checked out, it is a
# valid offer of cong-ty-b.
SHIFT_JIS_OFFER = """kind: offer
id: mua-lai
name: "Ban da vun\u00a5"
  gia re"
organisation: cong-ty-b
material_category: da
material: "Da v\\u1ee5n thu\\u1ed9c crom"
quantity: {amount: 5, unit: TNE}
recurrence: {recurring: false}
province: "H\\u00e0 N\\u1ed9i"
delivery: [tu_den_lay]
valid_until: 2027-01-01
date_added: 2025-01-01
""".encode("utf-8")


def test_shift_jis_gitattributes_exploit_is_refused(repo, tmp_path):
    import datetime as dt
    from directory.load import LoadError, parse
    from directory.validate import validate_tree
    add_entry(repo, b"listings/.gitattributes", b"*.yaml working-tree-encoding=SHIFT_JIS\n")
    add_entry(repo, b"listings/offer/mua-lai.yaml", SHIFT_JIS_OFFER)
    commit_index(repo)
    # The exploit is real: the committed blob does not parse...
    with pytest.raises(LoadError):
        parse(SHIFT_JIS_OFFER)
    # ...but a checkout is a valid offer attached to cong-ty-b, which mallory does not maintain.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    checked_out = parse((clone / "listings/offer/mua-lai.yaml").read_bytes())[0]
    assert checked_out["organisation"] == "cong-ty-b"
    report = validate_tree(clone / "listings", today=dt.date(2025, 6, 1))
    assert report.ok, report.format()
    messages = refusals(repo, "mallory")
    assert any(m.startswith("listings/.gitattributes: chỉ cán bộ Bộ Công Thương được sửa tệp điều khiển git")
               for m in messages)
    assert any(m.startswith("listings/offer/mua-lai.yaml: không đọc được như một tin đăng (syntax")
               and "cannot be read as a listing" in m for m in messages)
    assert check_pr(repo, "mallory").returncode == 1
    assert refusals(repo, "bo-reviewer") == []


@pytest.mark.parametrize("path", [".gitattributes", "listings/.gitattributes", "listings/offer/.gitattributes",
                                  "a/b/c/.gitmodules", ".mailmap", "listings/organisation/.gitignore",
                                  "docs/.GitAttributes"])
def test_git_control_files_at_any_depth_are_ministry_only(repo, path):
    write(repo, path, "*.yaml -diff\n")
    commit(repo)
    [message] = refusals(repo, "alice")
    assert message.startswith(f"{path}: chỉ cán bộ Bộ Công Thương được sửa tệp điều khiển git")
    assert "only ministry reviewers may change git-control files" in message
    assert refusals(repo, "bo-reviewer") == []


def test_symlink_to_another_firms_listing_is_refused(repo):
    write(repo, "listings/organisation/cong-ty-b.yaml", ORG.format(id="cong-ty-b", tax="0312345673",
                                                                    maintainers="bob"))
    (repo / "listings/offer/cua-bob.yaml").symlink_to("da-vun.yaml")  # da-vun belongs to cong-ty-a
    (repo / "listings/offer/ra-ngoai.yaml").symlink_to("../../.github/ministry-reviewers.yaml")
    commit(repo)
    messages = refusals(repo, "bob")
    assert len(messages) == 2
    assert all("symlink" in m and "is a symbolic link, not a regular listing file" in m for m in messages)
    assert refusals(repo, "bo-reviewer") == []


def test_replacing_a_listing_by_a_symlink_is_refused(repo):
    (repo / "listings/offer/da-vun.yaml").unlink()
    (repo / "listings/offer/da-vun.yaml").symlink_to("../organisation/cong-ty-a.yaml")
    commit(repo)
    assert any("is a symbolic link" in m for m in refusals(repo, "alice"))


def test_submodule_entry_is_refused(repo):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    add_entry(repo, b"listings/offer/mo-dun.yaml", mode="160000", sha=head)
    add_entry(repo, b"listings/x", mode="160000", sha=head)
    commit_index(repo)
    messages = refusals(repo, "alice")
    assert any(m.startswith("listings/offer/mo-dun.yaml: là submodule") and "is a submodule" in m for m in messages)
    assert any(m.startswith("listings/x: listings/ chỉ chứa tệp") for m in messages)
    assert refusals(repo, "bo-reviewer") == []


def test_executable_listing_is_refused(repo):
    (repo / "listings/offer/da-vun.yaml").chmod(0o755)
    commit(repo)
    [message] = refusals(repo, "alice")
    assert "is an executable file" in message
    assert refusals(repo, "bo-reviewer") == []


@pytest.mark.parametrize("data, code", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not_utf8"),
    (OFFER.format(id="hong", org="cong-ty-a").replace("quantity:", "quantity: [").encode(), "syntax"),
    (b"kind: offer\nid: hong\nid: hong\norganisation: cong-ty-a\n", "duplicate_key"),
    (b"", "empty"),
])
def test_unreadable_listing_is_refused(repo, data, code):
    from directory.load import LoadError, parse
    with pytest.raises(LoadError) as err:
        parse(data)
    add_entry(repo, b"listings/offer/hong.yaml", data)
    commit_index(repo)
    [message] = refusals(repo, "alice")  # alice maintains cong-ty-a, but the file has no readable owner
    assert message.startswith(f"listings/offer/hong.yaml: không đọc được như một tin đăng ({err.value.code}")
    assert refusals(repo, "bo-reviewer") == []


@pytest.mark.parametrize("path", ["listings/kho/da-vun-2.yaml", "listings/da-vun-2.yaml", "listings/README.md",
                                  "listings/offer/da-vun-2.yml", "listings/offer/da-vun-2.YAML",
                                  "listings/offer/Da-Vun-2.yaml", "listings/offer/da_vun_2.yaml",
                                  "listings/offer/da vun 2.yaml", "listings/offer/bán-da.yaml",
                                  "listings/offer/con/da-vun-2.yaml", "listings/Offer/da-vun-2.yaml",
                                  "listings/offer/-da-vun.yaml", "listings/offer/.da-vun-2.yaml"])
def test_only_listing_paths_under_listings(repo, path):
    write(repo, path, OFFER.format(id=PurePosixPath(path).stem, org="cong-ty-a"))
    commit(repo)
    [message] = refusals(repo, "alice")
    assert message.startswith(f"{path}: ")
    assert ("listings/<kind>/<id>.yaml" in message or "the file name must be <id>.yaml" in message), message
    assert refusals(repo, "bo-reviewer") == []


@pytest.mark.parametrize("change, english", [
    (("kind: offer", "kind: demand"), "'kind' must be 'offer', its folder"),
    (("id: moi", "id: da-vun"), "'id' must be 'moi', its file name"),
    (("organisation: cong-ty-a\n", ""), "'organisation' must be an organisation id"),
    (("organisation: cong-ty-a", "organisation: [cong-ty-a]"), "'organisation' must be an organisation id"),
    (("organisation: cong-ty-a", "organisation: ../organisation/cong-ty-a"), "must be an organisation id"),
])
def test_listing_must_match_its_file_and_name_its_owner(repo, change, english):
    write(repo, "listings/offer/moi.yaml", OFFER.format(id="moi", org="cong-ty-a").replace(*change))
    commit(repo)
    [message] = refusals(repo, "alice")
    assert english in message
    assert refusals(repo, "bo-reviewer") == []


def test_exhibition_is_owned_by_its_organizer(repo):
    write(repo, "listings/exhibition/hoi-cho.yaml",
          "kind: exhibition\nid: hoi-cho\nname: Hội chợ\norganisation: cong-ty-b\norganizer: cong-ty-a\n")
    commit(repo)
    assert any("'bob' không có trong maintainers của 'cong-ty-a'" in m for m in refusals(repo, "bob"))
    assert refusals(repo, "alice") == []


@pytest.mark.parametrize("raw, shown", [
    (b"listings/offer/\xff\xfe.yaml", "listings/offer/\\xff\\xfe.yaml"),
    (b"listings/offer/a\x1b[2Jb.yaml", "listings/offer/a\\x1b[2Jb.yaml"),
    (b"listings/offer/a\n::error::gia.yaml", "listings/offer/a\\n::error::gia.yaml"),
    (b"listings\\offer\\da-vun.yaml", "listings\\offer\\da-vun.yaml"),
    (b"listings/offer/da\xe2\x80\x8b-vun.yaml", "listings/offer/da\\u200b-vun.yaml"),  # zero-width space
])
def test_odd_file_names_are_refused_by_name(repo, raw, shown):
    add_entry(repo, raw, OFFER.format(id="da-vun", org="cong-ty-a").encode())
    commit_index(repo)
    [message] = refusals(repo, "alice")
    assert message.startswith(shown + ": ")
    assert message.isprintable()  # no control character reaches a log or a workflow command
    result = check_pr(repo, "alice")
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1 and "Traceback" not in stderr
    assert all(line.startswith(("listings", "::error file=listings")) for line in stderr.splitlines())
    assert refusals(repo, "bo-reviewer") == []


def test_deleting_a_listing_needs_its_owner(repo):
    (repo / "listings/offer/da-vun.yaml").unlink()
    commit(repo)
    assert any("'bob' không có trong maintainers của 'cong-ty-a'" in m for m in refusals(repo, "bob"))
    assert refusals(repo, "alice") == []


@pytest.mark.parametrize("login", ["alice2", "aIice", "alicе", "alice-", "ali"])  # capital I, Cyrillic е
def test_look_alike_logins_are_not_maintainers(repo, login):
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-a").replace("5,", "7,"))
    commit(repo)
    assert refusals(repo, login)


def test_merge_commits_are_judged_by_their_result(repo):
    git(repo, "checkout", "-q", "-b", "pr", "base")
    write(repo, "listings/organisation/cong-ty-b.yaml", ORG.format(id="cong-ty-b", tax="0312345673",
                                                                    maintainers="bob, bob2"))
    commit(repo)
    git(repo, "checkout", "-q", "base")
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-a").replace("5,", "6,"))
    commit(repo)  # alice's change lands on the base branch meanwhile
    git(repo, "checkout", "-q", "pr")
    git(repo, "merge", "-q", "--no-edit", "base")
    assert refusals(repo, "bob") == []  # the merge brings alice's change, not bob's
    # An "evil merge": the merge commit itself changes alice's offer.
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    git(repo, "merge", "-q", "--no-commit", "base")
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-a").replace("5,", "9,"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "merge")
    assert any("cong-ty-a" in m for m in refusals(repo, "bob"))


def test_check_pr_fails_cleanly_on_bad_arguments(repo, tmp_path_factory):
    plain = tmp_path_factory.mktemp("not-a-repository")
    for base, where in (("no-such-ref", repo), ("--output=/tmp/x", repo), ("base", plain / "missing"),
                        ("base", plain)):
        result = check_pr(where, "alice", base=base)
        stderr = result.stderr.decode("utf-8")
        assert result.returncode == 1 and "Traceback" not in stderr and "không so sánh được" in stderr, stderr


def test_pull_request_rewriting_the_checker_is_refused_by_the_base_checker(repo, tmp_path):
    import shutil
    shutil.copytree(ROOT / "directory", repo / "directory", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", repo / "build.py")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "the checker on the base branch")
    git(repo, "branch", "-f", "base")
    checker = repo / "directory/ownership.py"
    checker.write_text(checker.read_text(encoding="utf-8") + "\n\ndef check_pull_request(repo, base, author):\n"
                       "    return []\n", encoding="utf-8")
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-b"))
    commit(repo)
    # The pull request's own copy would let it through: that is why CI must not run it...
    assert check_pr(repo, "mallory", build=repo / "build.py").returncode == 0
    # ...and the base branch's copy, checked out on its own, refuses it.
    git(repo, "worktree", "add", "-q", str(tmp_path / "base-checkout"), "base")
    result = check_pr(repo, "mallory", build=tmp_path / "base-checkout/build.py")
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1, stderr
    assert "directory/ownership.py: chỉ cán bộ Bộ Công Thương được sửa tệp ngoài listings/" in stderr
    assert "listings/offer/da-vun.yaml: 'mallory' không có trong maintainers của 'cong-ty-a'" in stderr
    assert check_pr(repo, "bo-reviewer", build=tmp_path / "base-checkout/build.py").returncode == 0


def test_reviewer_may_do_all_of_these(repo):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    add_entry(repo, b"listings/.gitattributes", b"*.yaml working-tree-encoding=SHIFT_JIS\n")
    add_entry(repo, b"listings/offer/mua-lai.yaml", SHIFT_JIS_OFFER)
    add_entry(repo, b"a/.gitmodules", b"")
    add_entry(repo, b"listings/offer/lien-ket.yaml", b"da-vun.yaml", mode="120000")
    add_entry(repo, b"listings/offer/mo-dun.yaml", mode="160000", sha=head)
    add_entry(repo, b"listings/offer/chay.yaml", OFFER.format(id="chay", org="cong-ty-a").encode(), mode="100755")
    add_entry(repo, b"listings/offer/\xff.yaml", b"\x89PNG\x00")
    add_entry(repo, b"listings/kho/x.yaml", b"kind: [")
    add_entry(repo, b"listings/x.yml", b"")
    add_entry(repo, b"directory/ownership.py", b"def check_pull_request(*a):\n    return []\n")
    commit_index(repo)
    assert len(refusals(repo, "mallory")) == 10
    assert refusals(repo, "bo-reviewer") == []
    assert refusals(repo, "BO-Reviewer") == []
    result = check_pr(repo, "bo-reviewer")
    assert result.returncode == 0 and b"OK" in result.stdout


# --- The workflow: the base branch's checker judges the pull request's tree.

def workflow() -> dict:
    import yaml
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    [job] = workflow()["jobs"].values()
    return job["steps"]


def test_workflow_runs_the_base_checker_on_the_pull_request_tree():
    flow = workflow()
    trigger = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger == "pull_request" or list(trigger) == ["pull_request"]
    assert "pull_request_target" not in WORKFLOW.read_text(encoding="utf-8")
    assert flow["permissions"] == {"contents": "read"}
    all_steps = steps()
    checkouts = [s for s in all_steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    [base] = [s for s in checkouts if s["with"].get("path") == "base"]
    assert base["with"]["ref"] == "${{ github.base_ref }}"
    [pr] = [s for s in checkouts if s["with"].get("path") == "pr"]
    assert "ref" not in pr["with"] and pr["with"]["fetch-depth"] == 0
    assert all(s["with"].get("persist-credentials") is False for s in checkouts)
    [check] = [s for s in all_steps if "check-pr" in s.get("run", "")]
    assert check["run"].startswith("base/.venv/bin/python base/build.py check-pr --repo pr ")
    assert "working-directory" not in check
    assert {"AUTHOR", "BASE"} <= set(check["env"])
    index = all_steps.index(check)
    installs = [i for i, s in enumerate(all_steps) if "make" in s.get("run", "")]
    assert all_steps[installs[0]]["run"] == "make -C base .venv/.installed" and installs[0] < index
    # No code of the pull request runs before the check: nothing can rewrite base/ first.
    for step in all_steps[:index]:
        assert step.get("working-directory") != "pr" and " pr" not in step.get("run", "")
    for step in all_steps[index + 1:]:
        if "run" in step:
            assert step.get("working-directory") == "pr", step


def test_workflow_scripts_take_event_values_from_env_only():
    for step in steps():
        assert "${{" not in step.get("run", ""), step


def test_workflow_validates_nul_separated_names():
    [step] = [s for s in steps() if "build.py validate" in s.get("run", "")]
    assert "git diff -z --name-only" in step["run"] and "xargs -0 " in step["run"]
    assert "xargs -d" not in step["run"] and "core.quotepath" not in step["run"]


def run_validate_step(repo: Path, tmp_path: Path) -> list[list[str]]:
    """Run the workflow's validate script with bash in `repo`; the arguments each
    `.venv/bin/python` call got (a stand-in that records them)."""
    import os
    [step] = [s for s in steps() if "build.py validate" in s.get("run", "")]
    log = tmp_path / "calls"
    fake = repo / ".venv/bin/python"
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text(f'#!/bin/sh\nprintf "%s\\0" "$@" >> "{log}"\nprintf "\\n" >> "{log}"\n')
    fake.chmod(0o755)
    env = {**os.environ, "BASE": "base", "RUNNER_TEMP": str(tmp_path)}
    subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=repo,
                   env=env, check=True, capture_output=True)
    return [call.rstrip("\0").split("\0") for call in log.read_text(encoding="utf-8").splitlines()]


def test_validate_step_sees_names_git_would_quote(repo, tmp_path):
    write(repo, ".gitignore", ".venv/\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-qm", "ignore")
    git(repo, "branch", "-f", "base")
    write(repo, "listings/offer/bán da.yaml", "kind: offer\n")
    write(repo, "listings/offer/tab\there.yaml", "kind: offer\n")
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-a").replace("5,", "7,"))
    commit(repo)
    quoted = subprocess.run(["git", "diff", "--name-only", "base...HEAD"], cwd=repo, capture_output=True,
                            text=True).stdout
    assert '"listings/offer/b\\303\\241n da.yaml"' in quoted  # what the old `xargs -d '\n'` was given
    [call] = run_validate_step(repo, tmp_path)
    assert call[:2] == ["build.py", "validate"]
    assert sorted(call[2:]) == ["listings/offer/bán da.yaml", "listings/offer/da-vun.yaml",
                                "listings/offer/tab\there.yaml"]


def test_validate_step_checks_the_whole_tree_after_a_deletion(repo, tmp_path):
    write(repo, ".gitignore", ".venv/\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-qm", "ignore")
    git(repo, "branch", "-f", "base")
    (repo / "listings/organisation/cong-ty-a.yaml").unlink()
    commit(repo)
    assert run_validate_step(repo, tmp_path) == [["build.py", "validate"]]
    write(repo, "listings/offer/da-vun.yaml", OFFER.format(id="da-vun", org="cong-ty-b"))
    commit(repo)  # a change and a deletion: still the whole tree
    (tmp_path / "calls").unlink()
    assert run_validate_step(repo, tmp_path) == [["build.py", "validate"]]
