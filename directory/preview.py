"""The live preview (`make serve`): after a save, regenerate only the pages the change touches.

A `Preview` keeps, between saves, every file's validated listing (a file is read again only
when its size or mtime changes: `validate_tree(cache=...)`), the last `Catalogue`, what each
listing's page shows, and which pages each unit of pages (`render.units`) wrote. `refresh()`
validates, finds the units the change touches, renders only those (writing only files whose
text changed, so that mkdocs' dirty build re-renders only them) and removes the pages no unit
writes any more. What a change touches:

- the pages of the listings that changed, were added or removed;
- a listing page that shows one of them (related listings, matches, its organisation, an
  organisation's own listings), or whose related listings or matches are no longer the same;
- every group holding one of them, before or after the change (its kind, sectors, province,
  board category, and those units' index pages), and the home page. An organisation's change
  counts as a change of all its listings: its name, contact and place show on their cards.

On a new day (statuses change) or the first time, everything is rendered. The open data, the
search files and the dashboard need every listing and take seconds at 10,000 listings: a child
process (`python -m directory.preview`) rewrites them after the pages, so that the page being
edited is up to date first. The previous pages stay when a listing is invalid.

This module neither builds the site (`site.py`) nor serves it (mkdocs serve does).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import ROOT
from .models import Exchange, ListingBase, Organisation
from .render import TEMPLATES, Catalogue, Writer, render_unit, units
from .status import reference_date
from .validate import validate_tree

Unit = tuple[str, ...]
ACTIVE: "Preview | None" = None   # the preview `site.serve` runs; its mkdocs hook refreshes it


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Preview:
    def __init__(self, listings_dir: Path, docs_dir: Path, site_url: str, repository: str = ""):
        self.listings_dir, self.docs_dir = listings_dir, docs_dir
        self.site_url, self.repository = site_url, repository
        self.files: dict = {}                      # the validation cache
        self.catalogue: Catalogue | None = None
        self.shows: dict[str, tuple] = {}          # listing id -> what its page shows
        self.pages: dict[Unit, set[str]] = {}      # unit -> the page paths it wrote
        self.data: subprocess.Popen | None = None
        self.writer = Writer(docs_dir, None, keep_unchanged=True)   # one, so templates compile once

    def refresh(self, on: dt.date | None = None, wait_for_data: bool = False) -> list[Unit]:
        """Regenerate what changed since the last refresh; returns the units rendered."""
        on = on or reference_date()
        report = validate_tree(self.listings_dir, today=on, cache=self.files)
        if not report.ok:
            say(report.format() + "\nGiữ nguyên trang cũ / the previous pages are kept")
            return []
        new = Catalogue(report.listings, on)
        new_shows = {x.id: shows(new, x) for x in new.listings}
        everything = units(new)
        if self.catalogue is None or self.catalogue.on != on:
            todo = set(everything)
            shutil.copytree(TEMPLATES / "assets", self.docs_dir / "assets", dirs_exist_ok=True)
        else:
            todo = touched(self.catalogue, new, self.shows, new_shows)
        writer = self.writer
        writer.written.clear()
        done = [unit for unit in everything if unit in todo]
        for unit in done:
            start = len(writer.written)
            render_unit(writer, new, unit, self.site_url, self.repository)
            now = set(writer.written[start:])
            self._remove(self.pages.get(unit, set()) - now)
            self.pages[unit] = now
        for unit in set(self.pages) - set(everything):       # a removed listing's pages
            self._remove(self.pages.pop(unit))
        self.catalogue, self.shows = new, new_shows
        self._write_data(on, wait_for_data)
        return done

    def _remove(self, paths: set[str]) -> None:
        for path in paths:
            page = self.docs_dir / path / "index.md"
            page.unlink(missing_ok=True)
            folder = page.parent
            while folder != self.docs_dir and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent

    def _write_data(self, on: dt.date, wait: bool) -> None:
        if self.data is not None and self.data.poll() is None:
            self.data.terminate()                 # a newer save: its data replaces this one's
            self.data.wait()
        self.data = subprocess.Popen([sys.executable, "-m", "directory.preview", str(self.listings_dir),
                                      str(self.docs_dir), self.site_url, on.isoformat()], cwd=ROOT)
        if wait:
            self.data.wait()


def shows(d: Catalogue, listing: ListingBase) -> tuple:
    """(ids of the listings its page shows, its province): what its page depends on beyond itself."""
    ids = {x.id for x in d.related(listing)} | {listing.owner_id()}
    if isinstance(listing, Organisation):
        ids |= {x.id for x in d.by_org.get(listing.id, [])}
    if isinstance(listing, Exchange) and d.active(listing):
        ids |= {x.id for x in d.matches(listing)}
    return frozenset(ids - {None}), d.province_of(listing)


def touched(old: Catalogue, new: Catalogue, old_shows: dict[str, tuple], new_shows: dict[str, tuple]) -> set[Unit]:
    """The units a change from `old` to `new` touches (see the module docstring); `*_shows` are
    what each listing's page shows in either (`shows`)."""
    changed = {i for i in old.by_id.keys() | new.by_id.keys() if old.by_id.get(i) is not new.by_id.get(i)}
    moved = set(changed)
    for d in (old, new):
        for i in changed & d.organisations.keys():
            moved |= {x.id for x in d.by_org.get(i, [])}
    moved |= {i for i, (_, province) in new_shows.items() if i in old_shows and old_shows[i][1] != province}
    todo: set[Unit] = {("home",)}
    for d in (old, new):
        for listing in filter(None, map(d.by_id.get, moved)):
            todo.add(("kind", listing.kind))
            todo |= {unit for code in d.sectors_of(listing) for unit in (("sector", code), ("sectors",))}
            if province := d.province_of(listing):
                todo |= {("province", province), ("provinces",)}
            if isinstance(listing, Exchange):
                todo |= {("board", listing.material_category), ("boards",)}
    for i, (ids, province) in new_shows.items():
        if i in moved or old_shows.get(i) != (ids, province) or ids & moved:
            todo.add(("listing", i))
    return todo


def write_data(listings_dir: Path, docs_dir: Path, site_url: str, on: dt.date) -> int:
    """The dashboard, the open data and the search files into `docs_dir`, rewriting only files that
    changed and removing the data files no longer written."""
    from .site import _write_data, history, write_stats   # site imports this module

    report = validate_tree(listings_dir, today=on)
    if not report.ok:
        return 1
    fresh = Path(tempfile.mkdtemp(prefix="data-", dir=docs_dir.parent))
    try:
        dates = history.git_dates(listings_dir)
        write_stats(report.listings, fresh, site_url, on, git_dates=dates)
        _write_data(report.listings, fresh, fresh, site_url, on, dates)
        written = set()
        for path in sorted(fresh.rglob("*")):
            if path.is_file():
                rel = path.relative_to(fresh)
                written.add(rel)
                target = docs_dir / rel
                data = path.read_bytes()
                if not target.is_file() or target.read_bytes() != data:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        # Pages are index.md files and assets/ is copied: any other file is data, of this run or stale
        # (a removed exhibition's calendar, a search shard no longer written).
        for path in sorted(docs_dir.rglob("*")):
            rel = path.relative_to(docs_dir)
            if path.is_file() and path.name != "index.md" and rel.parts[0] != "assets" and rel not in written:
                path.unlink()
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return 0


if __name__ == "__main__":
    listings, docs, url, day = sys.argv[1:5]
    sys.exit(write_data(Path(listings), Path(docs), url, dt.date.fromisoformat(day)))
