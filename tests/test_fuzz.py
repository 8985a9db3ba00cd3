"""Mutation fuzzing: no listing file can crash or hang the validator or break an output.

The seeds are the files of tests/fixtures/valid/ and listings/. A seeded
`random.Random` mutates them (bytes flipped, inserted or deleted, hostile strings
inserted, values replaced by values of another type, lines duplicated or dropped,
files truncated) into CASES files, each validated in-process as a real run does
(`validate._validate_file`, reading the mutated bytes from memory rather than from
disk). Every case must give problems, never an exception,
in well under a second. Every listing the validator accepts must then hold no
invisible character and go through every output: the open-data JSON record and CSV
row, an Atom entry, an iCalendar event (exhibitions), JSON-LD and its listing page,
each parsed back. The totals are printed (`pytest -s`) and written to .cache/fuzz.txt;
a failing case is saved to .cache/fuzz-failure.yaml.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import yaml
from markupsafe import escape
from mkdocs.utils.meta import get_data

from conftest import VALID
from directory import export, render, urls, validate
from directory import load
from directory.load import LoadedFile, load_file
from directory.models import Exhibition, Organisation

ROOT = Path(__file__).parent.parent
CACHE = ROOT / ".cache"
CASES = 20_000
RANDOM_SEED = 20251001
SITE = "https://scp.gov.vn/"
ON = dt.date(2025, 10, 1)
ATOM = "{http://www.w3.org/2005/Atom}"
SAMPLE = export.SAMPLE_PREFIX

HOSTILE = [
    "\x00", "\x07", "\x1b[2J", "\x7f", "\x80", "\x85", "\x9f", "\u2028", "\u2029", "\ufffe", "\uffff", "\ufdd0",
    "\U0010ffff", "\u202e", "\u2066", "\u200b", "\ufeff", "\r", "\t",
    "javascript:alert(1)", "<img src=//evil.example/x.png>", "[x](javascript:alert(1))", "<script>x</script>",
    "{{ 7*7 }}", "{% raw %}", "---", "...", "&", "&amp;", "]]>", "</script>", "=1+1", "@SUM(A1)", "'", '"', "\\",
    "9" * 400, "9999-12-31", "0000-01-01", "1e309", "1e308", "-1", "0", ".nan", "-.inf", "[[[[[[[[[[[[", "{{{{{{",
    "*alias", "&anchor", "!!python/object:os.system", "!!binary aGk=", "? ", ": ", "- ", "# ", "%YAML 1.1",
    "a" * 6000, "ắ" * 400, "\u0301" * 40, "😀", "مرحبا", "\u200d", "２０２５", "٣",
]
# Whole values, quoted so that escapes reach the models: the loader refuses raw controls.
VALUES = [
    '"Tên \\u202e gpj.exe"', '"\\x80"', '"\\ufffe"', '"\\0"', '"a\\nb"', '"a\\rb"', '"a\\tb"', '"\\u2028"', '"\\x1b[31m"',
    '"\\U0010FFFF"', '"\\ud800"', '"\\u2066x"', '"\\x85"', "'<img src=//evil.example>'", "'[x](javascript:alert(1))'",
    "'https://mauxanh.example.vn/\u00a0x'", "'javascript:alert(1)'", "'lienhe@mau\u202exanh.vn'", "[a, b]", "{a: 1}",
    "123", "-1", "0", "true", "null", "''", "1e309", "1e308", "1000000001", ".nan", "-.inf", "9999-12-31",
    "0000-01-01", "1989-12-31", "2100-12-31", "31/02/2025", "31/12/2101", "２０２５", "'٠١٠٠١٠٩١٠٦'", "|\n  a\n  b",
    ">-\n  a", "*alias", "&anchor x", "!!python/object:os.system x", "!!timestamp 2025-01-01", "[[[[[[[[[[[[x",
    "'" + "a" * 301 + "'", "'" + "a" * 5001 + "'", "9" * 5000,
]
# What no accepted listing may store anywhere (tab and newline are allowed in descriptions).
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufdd0-\ufdef\ud800-\udfff" +
                       "".join(chr(p + 0xFFFE) + chr(p + 0xFFFF) for p in range(0, 0x110000, 0x10000)) + "]")


# --- Mutations -------------------------------------------------------------------------


def _flip(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8)) if rng.random() < 0.5 else rng.randrange(256)]) \
        + data[i + 1:]


def _insert_bytes(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + data[i:]


def _delete(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randint(1, 16):]


def _insert_hostile(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    k = rng.randrange(len(lines))
    text = rng.choice(HOSTILE).encode()
    if b": " in lines[k] and rng.random() < 0.7:  # inside a value, where it is most likely kept
        key, _, value = lines[k].partition(b": ")
        i = rng.randint(0, len(value))
        lines[k] = key + b": " + value[:i] + text + value[i:]
    else:
        i = rng.randint(0, len(lines[k]))
        lines[k] = lines[k][:i] + text + lines[k][i:]
    return b"\n".join(lines)


def _replace_value(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    keyed = [k for k, line in enumerate(lines) if b": " in line or line.lstrip().startswith(b"- ")]
    if not keyed:
        return data
    k = rng.choice(keyed)
    sep = b": " if b": " in lines[k] else b"- "
    head, _, _ = lines[k].partition(sep)
    lines[k] = head + sep + rng.choice(VALUES).encode()
    return b"\n".join(lines)


def _duplicate_line(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    k = rng.randrange(len(lines))
    return b"\n".join(lines[:k + 1] + [lines[k]] + lines[k + 1:])


def _drop_line(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(len(data))]


MUTATIONS = [_flip, _insert_bytes, _delete, _insert_hostile, _insert_hostile, _replace_value, _replace_value,
             _replace_value, _duplicate_line, _drop_line, _truncate]


def mutate(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if data:
            data = rng.choice(MUTATIONS)(rng, data)
    return data


# --- Checks of an accepted listing -------------------------------------------------------------


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _front_matter_and_body(text: str, title: str, sample: bool) -> None:
    expected = {"title": str(escape(title)), "search": {"exclude": True}, **({"robots": "noindex"} if sample else {})}
    front, sep, _ = text[len("---\n"):].partition("\n---\n\n")
    assert text.startswith("---\n") and sep
    assert yaml.load(front, Loader=yaml.CSafeLoader) == expected  # tests/test_export.py: yaml.safe_load too
    body, meta = get_data(text)  # mkdocs' own reader
    assert meta == expected and body.startswith('<div class="scp ')


def check_outputs(listing, organisations: dict, writer: render.Writer) -> None:
    """Every output of one accepted listing is well-formed and carries its text unchanged."""
    for text in _strings(listing.model_dump()):
        assert not INVISIBLE.search(text), repr(text)

    record = export.listing_record(listing, SITE, ON)
    assert json.loads(json.dumps(record, ensure_ascii=False).encode("utf-8")) == record

    columns = export.csv_columns(listing.kind)
    rows = list(csv.reader(io.StringIO(export.csv_text(listing.kind, [record]), newline="")))
    assert rows[0] == columns and len(rows) == 2 and len(rows[1]) == len(columns)
    assert rows[1][columns.index("name")] == export.neutralise(listing.name)

    title = (SAMPLE if listing.sample else "") + listing.name
    entry = ET.fromstring(export.atom_bytes([listing], organisations, SITE, ON)).find(ATOM + "entry")
    assert entry.findtext(ATOM + "title") == title
    assert entry.findtext(ATOM + "summary").endswith(listing.summary or listing.name)

    if isinstance(listing, Exhibition) and listing.start_date:
        [event] = icalendar.Calendar.from_ical(export.calendar_bytes([listing], SITE, ON)).walk("VEVENT")
        assert str(event["summary"]) == title
        assert event["dtend"].dt == listing.end_date + dt.timedelta(days=1)

    data = export.json_ld(listing, organisations, SITE, ON)
    text = export.json_ld_text(data)
    assert "</script" not in text.lower() and "<" not in text
    assert json.loads(text) == json.loads(json.dumps(data))

    # The listing's own page, as render_docs writes it.
    directory = render.Catalogue([listing, *organisations.values()], ON)
    render._listing_page(writer, directory, listing, SITE)
    page = writer.docs_dir / urls.listing_path(listing) / "index.md"
    _front_matter_and_body(page.read_text(encoding="utf-8"), listing.name, listing.sample)


# --- The run ---------------------------------------------------------------------------------


def _seeds() -> list[Path]:
    return sorted(VALID.rglob("*.yaml")) + sorted((ROOT / "listings").rglob("*.yaml"))


def test_mutated_files_never_crash_hang_or_break_an_output(tmp_path, monkeypatch):
    current = {"raw": b""}  # the case's bytes: load_file parses them instead of reading the disk
    monkeypatch.setattr(validate, "load_file", lambda path: LoadedFile(path, *load.parse(current["raw"])))
    seeds = [(path.parent.name, path.stem, path.read_bytes()) for path in _seeds()]
    organisations = {}
    for path in _seeds():
        if path.parent.name == "organisation":
            org = Organisation.model_validate(load_file(path).data)
            organisations[org.id] = org
    writer = render.Writer(tmp_path / "docs", None)
    rng = random.Random(RANDOM_SEED)
    totals = {"cases": 0, "accepted": 0, "refused": 0}
    codes: dict[str, int] = {}
    slowest = 0.0
    started = time.process_time()
    for case in range(CASES):
        kind, stem, seed = rng.choice(seeds)
        raw = current["raw"] = mutate(rng, seed)
        path = tmp_path / "listings" / kind / f"{stem}.yaml"  # never written: its folder and name count
        start = time.process_time()
        try:
            report = validate.Report()
            entry = validate._validate_file(path, report)
            for problem in report.errors:
                assert " / " in problem.format() and "\n" not in problem.annotation("error")
            if entry is not None and not report.errors:
                listing, loaded = entry
                validate._warn(listing, loaded, report, ON)
                own = {ref: organisations[ref] for ref in listing.references().values() if ref in organisations}
                check_outputs(listing, own, writer)
        except BaseException:
            CACHE.mkdir(exist_ok=True)
            (CACHE / "fuzz-failure.yaml").write_bytes(raw)
            print(f"\nfuzz case {case} ({kind}/{stem}.yaml mutated) saved to {CACHE / 'fuzz-failure.yaml'}")
            raise
        elapsed = time.process_time() - start
        slowest = max(slowest, elapsed)
        assert elapsed < 1.0, f"case {case} took {elapsed:.2f} s"
        totals["cases"] += 1
        totals["accepted" if entry is not None and not report.errors else "refused"] += 1
        for code in {p.code for p in report.errors}:
            codes[code] = codes.get(code, 0) + 1
    summary = (f"fuzz: {totals['cases']} cases, {totals['accepted']} accepted, {totals['refused']} refused, "
               f"0 exceptions, slowest case {slowest * 1000:.1f} ms, "
               f"total {time.process_time() - started:.1f} s CPU\n"
               f"refusals by code: {', '.join(f'{c} {n}' for c, n in sorted(codes.items(), key=lambda x: -x[1]))}\n")
    print("\n" + summary)
    CACHE.mkdir(exist_ok=True)
    (CACHE / "fuzz.txt").write_text(summary, encoding="utf-8")
    assert totals["cases"] == CASES >= 20_000
    assert totals["accepted"] > CASES // 10 and totals["refused"] > CASES // 10  # both paths really ran
