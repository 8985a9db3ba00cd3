"""Who may change what: the ownership check run on every pull request.

`check_pull_request(repo, base, author)` compares the commit checked out in `repo`
(HEAD, for GitHub the pull request merged into its base) with `base` and returns the
problems that should block the pull request. Ministry reviewers (`REVIEWERS_FILE`)
may change anything; for everybody else it fails closed:

- only regular files named `listings/<kind>/<id>.yaml` may change, `<kind>` one of
  `models.MODELS` and `<id>` a lowercase ASCII slug. Anything else is refused: files
  outside `listings/`, git-control files such as `.gitattributes`, `.gitmodules` or
  `.mailmap` at any depth, symlinks, submodules, executables, unknown folders, other
  suffixes and odd names (not UTF-8, control characters, backslashes...);
- each version of a changed listing, the base one and the new one, must parse
  (`load.parse`), with `kind` equal to its folder, `id` equal to its file name and an
  owner id in `organisation` (`organizer` for exhibitions);
- a listing may be changed only by a maintainer of the organisation that owns it,
  both before and after the change (so nobody can move another firm's listing to
  their own organisation, or take over an organisation by adding themselves);
  an organisation file is owned by itself;
- a new organisation must list the author among its `maintainers`;
- a change may not delete an organisation or leave it without maintainers.

It reads the committed blobs (`git diff --raw -z`, `git cat-file`), never the working
tree, so `.gitattributes` filters and encodings cannot show it something else than
what gets merged. The reviewers and the maintainers that count are always those of the
*base* version, never those the pull request adds.

It does not validate listings beyond that: `validate.py` does. And it cannot protect
itself: a pull request may change this file too, so CI must run the *base* branch's
copy of this check against the pull request's tree (see
`.github/workflows/pull-request.yml`).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .load import MAX_FILE_BYTES, LoadError, parse
from .models import MODELS

REVIEWERS_FILE = ".github/ministry-reviewers.yaml"
LISTINGS = "listings"
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
GIT_CONTROL = {".git", ".gitattributes", ".gitmodules", ".gitignore", ".mailmap", ".lfsconfig"}
REGULAR, ABSENT = "100644", "000000"  # git modes; ABSENT: no such side (added, deleted)
ODD_MODES = {"120000": ("liên kết tượng trưng (symlink)", "a symbolic link"),
             "160000": ("submodule", "a submodule"),
             "100755": ("tệp thực thi", "an executable file")}
ONLY_REVIEWERS = ("chỉ cán bộ Bộ Công Thương được", "only ministry reviewers may")


@dataclass(frozen=True)
class Refusal:
    path: str  # printable: see `_show`
    vi: str
    en: str

    def format(self) -> str:
        return f"{self.path}: {self.vi} / {self.en}"


@dataclass(frozen=True)
class Change:
    """One line of `git diff --raw`."""
    old_mode: str
    new_mode: str
    old_blob: str
    new_blob: str
    path: str  # decoded with surrogateescape: undecodable bytes become U+DC80..U+DCFF


class Git:
    """The few git questions the check asks, answered in `repo` from committed objects."""

    def __init__(self, repo: Path):
        self.repo = repo

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(["git", *args], cwd=self.repo, capture_output=True, check=False)
        except OSError as err:  # no git, or no such --repo
            raise RuntimeError(str(err)) from None

    def commit(self, ref: str) -> str:
        """The commit id of `ref`; RuntimeError if there is none."""
        out = None if ref.startswith("-") else self._run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if out is None or out.returncode != 0:
            raise RuntimeError(f"'{_show(ref)}' is not a commit in {self.repo}")
        return out.stdout.decode("ascii").strip()

    def changes(self, base: str) -> list[Change]:
        """Every file changed from the merge base of `base` and HEAD to HEAD."""
        out = self._run("diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--ignore-submodules=none",
                        f"{base}...HEAD")
        if out.returncode != 0:
            raise RuntimeError(out.stderr.decode("utf-8", "replace").strip())
        fields = out.stdout.split(b"\0")  # ":old_mode new_mode old_blob new_blob status", path, ...
        return [Change(*header.decode("ascii")[1:].split()[:4], path=path.decode("utf-8", "surrogateescape"))
                for header, path in zip(fields[0::2], fields[1::2]) if header.startswith(b":")]

    def blob(self, object_id: str) -> bytes:
        out = self._run("cat-file", "blob", object_id)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.decode("utf-8", "replace").strip())
        return out.stdout

    def read(self, ref: str, path: str) -> bytes | None:
        out = self._run("cat-file", "blob", f"{ref}:{path}")
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


def _show(text: str) -> str:
    """`text` safe to print and to put in a GitHub annotation: bytes that were not
    UTF-8 become \\xNN, control and invisible characters their Python escape."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF
                   else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _path_problem(path: str) -> tuple[str, str] | None:
    """Why a non-reviewer may not touch `path` whatever it holds; None for a listing path."""
    parts = path.split("/")
    if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in path):
        return "tên tệp không phải UTF-8", "the file name is not UTF-8"
    if (path.startswith("/") or "\\" in path or not all(ch.isprintable() for ch in path)
            or any(part in ("", ".", "..") for part in parts)):
        return "tên tệp lạ (ký tự điều khiển, '\\', '..')", "odd file name (control characters, '\\', '..')"
    if any(part.lower() in GIT_CONTROL for part in parts):
        return (f"{ONLY_REVIEWERS[0]} sửa tệp điều khiển git ({', '.join(sorted(GIT_CONTROL))})",
                f"{ONLY_REVIEWERS[1]} change git-control files ({', '.join(sorted(GIT_CONTROL))})")
    if parts[0] != LISTINGS:
        return f"{ONLY_REVIEWERS[0]} sửa tệp ngoài listings/", f"{ONLY_REVIEWERS[1]} change files outside listings/"
    if len(parts) != 3 or parts[1] not in MODELS:
        kinds = ", ".join(MODELS)
        return (f"listings/ chỉ chứa tệp listings/<loại>/<mã>.yaml, loại là một trong: {kinds}",
                f"listings/ holds only listings/<kind>/<id>.yaml files, kind one of: {kinds}")
    name = PurePosixPath(path)
    if name.suffix != ".yaml" or not SLUG.fullmatch(name.stem):
        return ("tên tệp phải là <mã>.yaml, mã chỉ gồm chữ thường không dấu, số và '-'",
                "the file name must be <id>.yaml, the id only lowercase ASCII letters, digits and '-'")
    return None


def _owner_field(kind: str) -> str | None:
    """The field naming the organisation that owns a listing of `kind` (None: it owns itself)."""
    fields = MODELS[kind].model_fields
    return next((name for name in ("organisation", "organizer") if name in fields), None)


def _listing(git: Git, mode: str, blob: str, path: str) -> tuple[dict, tuple[str, str] | None]:
    """One version of a listing file: (its mapping, why it is refused or None)."""
    if mode != REGULAR:
        vi, en = ODD_MODES.get(mode, (f"tệp kiểu {mode}", f"a mode {mode} entry"))
        return {}, (f"là {vi}, không phải tệp tin đăng thường", f"is {en}, not a regular listing file")
    data = git.blob(blob)
    if len(data) > MAX_FILE_BYTES:
        return {}, ("tệp quá lớn", "the file is too large")
    try:
        listing = parse(data)[0]
    except LoadError as err:
        return {}, (f"không đọc được như một tin đăng ({err.code}, dòng {err.line})",
                    f"cannot be read as a listing ({err.code}, line {err.line})")
    kind, stem = PurePosixPath(path).parent.name, PurePosixPath(path).stem
    if listing.get("kind") != kind:
        return {}, (f"'kind' phải là '{kind}', tên thư mục", f"'kind' must be '{kind}', its folder")
    if listing.get("id") != stem:
        return {}, (f"'id' phải là '{stem}', tên tệp", f"'id' must be '{stem}', its file name")
    field = _owner_field(kind)
    if field and not (isinstance(listing.get(field), str) and SLUG.fullmatch(listing[field])):
        return {}, (f"'{field}' phải là mã của một tổ chức", f"'{field}' must be an organisation id")
    return listing, None


def _owner_id(path: str, listing: dict) -> str:
    """The organisation id that owns the (checked) listing at `path`."""
    kind = PurePosixPath(path).parent.name
    field = _owner_field(kind)
    return listing[field] if field else PurePosixPath(path).stem


def check_pull_request(repo: Path, base: str, author: str) -> list[Refusal]:
    git = Git(repo)
    base = git.commit(base)
    login = author.lower()
    if login in reviewers(git.read(base, REVIEWERS_FILE)):
        return []
    author = _show(author)
    refusals: list[Refusal] = []

    def base_maintainers(org_id: str) -> set[str] | None:
        """Maintainers of `org_id` on the base branch; None when it is new."""
        data = git.read(base, f"{LISTINGS}/organisation/{org_id}.yaml")
        return None if data is None else _maintainers(_mapping(data))

    for change in git.changes(base):
        path, shown = change.path, _show(change.path)
        problem = _path_problem(path)
        if problem:
            refusals.append(Refusal(shown, *problem))
            continue
        old, new = change.old_mode != ABSENT, change.new_mode != ABSENT
        before, problem = _listing(git, change.old_mode, change.old_blob, path) if old else ({}, None)
        if problem:
            refusals.append(Refusal(shown, "bản trên nhánh gốc: " + problem[0], "the base version: " + problem[1]))
        after, problem = _listing(git, change.new_mode, change.new_blob, path) if new else ({}, None)
        if problem:
            refusals.append(Refusal(shown, *problem))
        if (old and not before) or (new and not after):
            continue  # refused above: owners are unknown
        owners = {_owner_id(path, listing) for listing, present in ((before, old), (after, new)) if present}
        for owner in sorted(owners):
            allowed = base_maintainers(owner)
            if allowed is None:
                # A new organisation: its own file must name the author.
                new_org = _mapping(git.read("HEAD", f"{LISTINGS}/organisation/{owner}.yaml"))
                if login not in _maintainers(new_org):
                    refusals.append(Refusal(shown, f"tổ chức mới '{owner}' phải ghi '{author}' trong maintainers",
                                            f"new organisation '{owner}' must list '{author}' in maintainers"))
            elif login not in allowed:
                refusals.append(Refusal(shown, f"'{author}' không có trong maintainers của '{owner}'",
                                        f"'{author}' is not a maintainer of '{owner}'"))
        if PurePosixPath(path).parent.name == "organisation" and old:
            if not new:
                refusals.append(Refusal(shown, f"{ONLY_REVIEWERS[0]} xóa một tổ chức",
                                        f"{ONLY_REVIEWERS[1]} delete an organisation"))
            elif not _maintainers(after):
                refusals.append(Refusal(shown, "không được xóa người cập nhật cuối cùng của tổ chức",
                                        "a pull request may not remove an organisation's last maintainer"))
    return refusals
