"""When each listing file entered the directory and when it last changed, from git.

`git_dates(listings_dir)` runs one `git log` over the folder (never one call per file)
and returns {path relative to listings_dir, e.g. "product/tui-giay.yaml":
(first added, last changed)} as dates in Vietnam (UTC+7). It follows the main line
(`--first-parent`): a listing merged from a pull request counts from the day the merge
landed, which is when the public directory got it. Renames are followed, so a file moved
to a new id keeps the day it was first added.

Outside git, with git missing or failing, for files never committed, and for what a
shallow clone cannot see (the commits at its boundary show every file as added), the
path is absent: callers fall back to the listing's own `date_added` (`added_on`). The
result depends only on the repository's commits, never on the clock or the work tree,
so two builds of the same commit agree.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from .models import ListingBase
from .status import VIETNAM

GIT_TIMEOUT = 120
_COMMIT = "\x1e"  # starts each commit's header line in the log output


def listing_key(listing: ListingBase) -> str:
    """The key of a listing in `git_dates`: its file's path relative to the listings folder."""
    return f"{listing.kind}/{listing.id}.yaml"


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, timeout=GIT_TIMEOUT,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "surrogateescape")


def _day(timestamp: str) -> dt.date:
    return dt.datetime.fromtimestamp(int(timestamp), VIETNAM).date()


def git_dates(listings_dir: Path) -> dict[str, tuple[dt.date, dt.date]]:
    """{relative path: (first added, last changed)} for committed files under `listings_dir`."""
    folder = Path(listings_dir)
    if not folder.is_dir():
        return {}
    info = _git(folder, "rev-parse", "--is-shallow-repository", "--git-path", "shallow")
    if info is None:
        return {}
    shallow_flag, _, shallow_path = info.strip().partition("\n")
    boundary: set[str] = set()
    if shallow_flag.strip() == "true":
        shallow_file = Path(shallow_path.strip())
        if not shallow_file.is_absolute():
            shallow_file = folder / shallow_file
        try:
            boundary = set(shallow_file.read_text(encoding="ascii").split())
        except OSError:
            return {}
    # Newest commit first. -z: NUL after each field, so any file name is read back as it is.
    log = _git(folder, "log", "--first-parent", "--diff-merges=first-parent", "--relative", "-M",
               "--name-status", "-z", f"--format={_COMMIT}%H %ct", "--", ".")
    if log is None:
        return {}
    first: dict[str, dt.date] = {}
    last: dict[str, dt.date] = {}
    later_name: dict[str, str] = {}   # a path as it was before a rename -> its name today
    unknown: set[str] = set()         # added at a shallow boundary: the real day is not in this clone
    tokens = log.split("\0")
    commit, day = "", None
    i = 0
    while i < len(tokens):
        token = tokens[i].strip("\n")
        i += 1
        if token.startswith(_COMMIT):
            commit, _, stamp = token[1:].partition(" ")
            day = _day(stamp)
            continue
        if not token or day is None:
            continue
        status = token[0]
        if i + (2 if status in "RC" else 1) > len(tokens):
            break                                # a cut-off log: keep what was read
        if status in "RC":                       # R100 old new, C075 old new
            old, new = tokens[i], tokens[i + 1]
            i += 2
        else:
            old = new = tokens[i]
            i += 1
        name = later_name.get(new, new)
        if status == "D":
            continue
        if commit in boundary:
            unknown.add(name)
            continue
        last.setdefault(name, day)
        if status in "AC":
            first[name] = day                    # older commits come later: the oldest add wins
        elif status == "R":
            later_name[old] = name               # what happened to `old` before is this file's history
            first[name] = day                    # until an older add of `old` is read
    return {name: (added, last.get(name, added)) for name, added in sorted(first.items())
            if name not in unknown}


def added_on(listing: ListingBase, dates: dict[str, tuple[dt.date, dt.date]]) -> tuple[dt.date, str]:
    """(the day the listing entered the directory, "git" or "date_added")."""
    known = dates.get(listing_key(listing))
    return (known[0], "git") if known else (listing.date_added, "date_added")
