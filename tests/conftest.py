"""Shared test helpers: the fixture trees and a scratch listings tree to break.

`tests/fixtures/valid/` holds one good listing of every kind plus the organisation
they all point to. The `tree` fixture copies it into a temporary directory; a test
then breaks one file (`tree.edit`, `tree.write`) and validates the copy, so that
every rule is shown failing on a small file a reader can open.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from directory.validate import Problem, Report, validate_tree

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
TODAY = dt.date(2025, 10, 1)  # the fixtures' dates are chosen around this day
# One valid fixture of each kind, under VALID: the base that cases edit one line of.
ORG = "organisation/cong-ty-mau.yaml"
PRODUCT = "product/tui-giay-mau.yaml"
RECYCLER = "recycler/thu-gom-pin-mau.yaml"
MODEL = "model/mo-hinh-mau.yaml"
DISTRIBUTOR = "distributor/sieu-thi-mau.yaml"
EXHIBITION = "exhibition/trien-lam-mau.yaml"
OFFER = "offer/ban-giay-vun-mau.yaml"
DEMAND = "demand/mua-giay-vun-mau.yaml"


class Tree:
    """A writable copy of the valid fixture tree."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(VALID, root)

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> Path:
        """Replace `old` (which must occur exactly once) by `new` in one file."""
        text = self.read(rel)
        assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
        return self.write(rel, text.replace(old, new))

    def copy_in(self, fixture: Path, rel: str) -> Path:
        return self.write(rel, fixture.read_bytes())

    def validate(self, today: dt.date = TODAY) -> Report:
        return validate_tree(self.root, today=today)

    def where(self, problem: Problem) -> str:
        """`kind/file.yaml:line`, relative to the tree."""
        return f"{Path(problem.path).relative_to(self.root).as_posix()}:{problem.line}"

    def one_error(self, today: dt.date = TODAY) -> Problem:
        """Validate and return the single error, failing if there is not exactly one."""
        report = self.validate(today)
        assert len(report.errors) == 1, "\n".join(p.format() for p in report.errors)
        return report.errors[0]


@pytest.fixture
def tree(tmp_path) -> Tree:
    return Tree(tmp_path / "listings")


def assert_message(problem: Problem, vi: str, en: str) -> None:
    """The message holds `vi` in its Vietnamese half and `en` in its English half."""
    vi_part, sep, en_part = problem.message.partition(" / ")
    assert sep, problem.message
    assert vi in vi_part, problem.message
    assert en in en_part, problem.message


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright, one per test module (see tests/browser.py)."""
    from browser import SKIP_REASON, chromium
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    with chromium() as launched:
        yield launched
