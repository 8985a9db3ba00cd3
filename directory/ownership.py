"""Who may change what: the ownership check run on every pull request.

`check_pull_request(repo, base, author)` compares the working tree's commit (HEAD)
with `base` and returns the problems that should block the pull request:

- a listing may be changed only by a maintainer of the organisation that owns it,
  both before and after the change (so nobody can move another firm's listing to
  their own organisation, or take over an organisation by adding themselves);
  an organisation file is owned by itself;
- a new organisation must list the author among its `maintainers`;
- a change may not leave an organisation without maintainers;
- files outside `listings/` may be changed only by ministry reviewers.

Ministry reviewers (`REVIEWERS_FILE`) may change anything. The maintainers that
count are always those of the *base* version, never those the pull request adds.
It does not validate listings: `validate.py` does that.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .load import LoadError, parse

REVIEWERS_FILE = ".github/ministry-reviewers.yaml"
LISTINGS = "listings"


@dataclass(frozen=True)
class Refusal:
    path: str
    vi: str
    en: str

    def format(self) -> str:
        return f"{self.path}: {self.vi} / {self.en}"


class Git:
    """The few git questions the check asks, answered in `repo`."""

    def __init__(self, repo: Path):
        self.repo = repo

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=self.repo, capture_output=True, check=False)

    def changed(self, base: str) -> list[tuple[str, str | None, str | None]]:
        """(status, old path, new path) for every file changed from `base` to HEAD."""
        out = self._run("diff", "--name-status", "-z", "--no-renames", f"{base}...HEAD")
        if out.returncode != 0:
            raise RuntimeError(out.stderr.decode("utf-8", "replace").strip())
        fields = out.stdout.decode("utf-8").split("\0")
        changes = []
        for status, path in zip(fields[0::2], fields[1::2]):
            if not status:
                continue
            old = None if status == "A" else path
            new = None if status == "D" else path
            changes.append((status, old, new))
        return changes

    def read(self, ref: str, path: str) -> bytes | None:
        out = self._run("show", f"{ref}:{path}")
        return out.stdout if out.returncode == 0 else None


def reviewers(data: bytes | None) -> set[str]:
    if not data:
        return set()
    try:
        loaded, _ = parse(data)
    except LoadError:
        return set()
    return {str(login).lower() for login in loaded.get("reviewers") or []}


def _mapping(data: bytes | None) -> dict:
    if data is None:
        return {}
    try:
        return parse(data)[0]
    except LoadError:
        return {}


def _maintainers(org: dict) -> set[str]:
    value = org.get("maintainers")
    return {str(login).lower() for login in value} if isinstance(value, list) else set()


def _owner_id(path: str, listing: dict) -> str | None:
    """The organisation id that owns the listing at `path`."""
    if PurePosixPath(path).parent.name == "organisation":
        return PurePosixPath(path).stem
    owner = listing.get("organisation") or listing.get("organizer")
    return owner if isinstance(owner, str) else None


def check_pull_request(repo: Path, base: str, author: str) -> list[Refusal]:
    git = Git(repo)
    login = author.lower()
    if login in reviewers(git.read(base, REVIEWERS_FILE)):
        return []
    refusals: list[Refusal] = []

    def base_maintainers(org_id: str) -> set[str] | None:
        """Maintainers of `org_id` on the base branch; None when it is new."""
        data = git.read(base, f"{LISTINGS}/organisation/{org_id}.yaml")
        return None if data is None else _maintainers(_mapping(data))

    for status, old, new in git.changed(base):
        path = new or old
        if PurePosixPath(path).parts[0] != LISTINGS:
            refusals.append(Refusal(path, "chỉ cán bộ Bộ Công Thương được sửa tệp ngoài listings/",
                                    "only ministry reviewers may change files outside listings/"))
            continue
        before = _mapping(git.read(base, old)) if old else {}
        after = _mapping(git.read("HEAD", new)) if new else {}
        owners = {owner for owner in (_owner_id(path, before) if old else None,
                                      _owner_id(path, after) if new else None) if owner}
        for owner in sorted(owners):
            allowed = base_maintainers(owner)
            if allowed is None:
                # A new organisation: its own file must name the author.
                new_org = _mapping(git.read("HEAD", f"{LISTINGS}/organisation/{owner}.yaml"))
                if login not in _maintainers(new_org):
                    refusals.append(Refusal(path, f"tổ chức mới '{owner}' phải ghi '{author}' trong maintainers",
                                            f"new organisation '{owner}' must list '{author}' in maintainers"))
            elif login not in allowed:
                refusals.append(Refusal(path, f"'{author}' không có trong maintainers của '{owner}'",
                                        f"'{author}' is not a maintainer of '{owner}'"))
        if PurePosixPath(path).parent.name == "organisation" and old:
            if new is None:
                refusals.append(Refusal(path, "chỉ cán bộ Bộ Công Thương được xóa một tổ chức",
                                        "only ministry reviewers may delete an organisation"))
            elif not _maintainers(after):
                refusals.append(Refusal(path, "không được xóa người cập nhật cuối cùng của tổ chức",
                                        "a pull request may not remove an organisation's last maintainer"))
    return refusals
