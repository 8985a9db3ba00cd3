"""Load listing files: strict, safe YAML with a line number for every value.

`load_file` reads one YAML file and returns a `LoadedFile`: the data as plain
dicts, lists and strings, plus the line of every key path, so that later errors can
say `path:line`. It builds values straight from the parser's events (libyaml's C
parser where available), which makes it both fast and strict:

- every scalar stays text exactly as written (`0100109106` keeps its leading zero);
  pydantic turns text into numbers, dates and booleans where the model wants them.
  Only an empty value, `~` or `null` becomes None;
- duplicate keys, keys holding an invisible character, anchors/aliases, explicit
  tags, tabs, non-UTF-8 bytes, empty files, more than one document, a top level that
  is not a mapping, files over `MAX_FILE_BYTES` and files that cannot be read at all
  are refused with a `LoadError`;
- so are nesting deeper than `MAX_DEPTH` lists and mappings (a listing needs 3) and
  more than `MAX_NODES` keys and values, both as soon as the parser reaches them,
  and a letter carrying more than `MAX_MARKS` combining marks (Unicode's stream-safe
  limit);
- all text is normalised to Unicode NFC.

With the size limit, these bounds keep loading linear in the file's size and the
model's work small: no file up to `MAX_FILE_BYTES` takes long or much memory to
validate (without them a 254 KB file of `[[[...]]]` took minutes and gigabytes, a
file of 26,000 unknown fields seconds, and NFC normalisation is quadratic in the
length of a run of combining marks).

It does not know what a listing is: see `models.py` and `validate.py`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .text import nfc

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 10  # nested lists/mappings; a listing uses 3 (certificates: a list of mappings)
MAX_NODES = 3000  # keys and values; the fullest listing (50 certificates...) has about 1,500
MAX_MARKS = 30  # combining marks in a row; UAX #15 "stream-safe text" allows 30
_NULLS = {"", "~", "null", "Null", "NULL"}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class LoadError(Exception):
    """A file that cannot be read as a listing. `code` keys the message table."""
    code: str
    line: int = 1
    detail: str = ""


@dataclass
class LoadedFile:
    path: Path
    data: dict
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, loc: tuple) -> int:
        """The line of the deepest known part of `loc` (a pydantic error location)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return 1


def load_file(path: Path) -> LoadedFile:
    """Read and parse one listing file. Raises LoadError."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError("too_large", detail=f"{size // 1024} KiB > {MAX_FILE_BYTES // 1024} KiB")
        raw = path.read_bytes()
    except OSError as err:
        raise LoadError("unreadable", detail=err.strerror or type(err).__name__) from None
    return LoadedFile(path, *parse(raw))


def parse(raw: bytes) -> tuple[dict, dict[tuple, int]]:
    if raw.startswith(b"\xef\xbb\xbf"):  # a BOM from Windows Notepad is harmless
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LoadError("not_utf8", line=raw[: err.start].count(b"\n") + 1) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise LoadError("empty")
    if "\t" in text:
        raise LoadError("tab", line=text[: text.index("\t")].count("\n") + 1)
    try:
        root, lines, documents = _build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark and mark.line >= len(text.splitlines()):
            mark = err.context_mark  # "end of stream": point at what was left open
        raise LoadError("syntax", line=mark.line + 1 if mark else 1,
                        detail=err.problem or "") from None
    except yaml.YAMLError as err:
        raise LoadError("syntax", detail=str(err)) from None
    if documents != 1:
        raise LoadError("documents")
    if not isinstance(root, dict):
        raise LoadError("not_mapping")
    return root, lines


_Scalar, _MappingStart, _SequenceStart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MappingEnd, _SequenceEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent
_PLAIN = ("", None)  # libyaml reports a plain scalar's style as "", the Python parser as None


def _build(events) -> tuple[object, dict[tuple, int], int]:
    """Turn parser events into Python values: (root, line of every key path, documents).

    One flat loop with exact-type checks: it runs once per event of every listing,
    so it is the validator's hottest Python code (see bench/bench_validate.py)."""
    root = None
    documents = 0
    lines: dict[tuple, int] = {}
    stack: list[list] = []  # frames: [container, path, pending key or None]
    nodes = 0
    for event in events:
        cls = type(event)
        if cls is _Scalar or cls is _MappingStart or cls is _SequenceStart:
            line = event.start_mark.line + 1
            nodes += 1
            if nodes > MAX_NODES:
                raise LoadError("too_many_values", line=line, detail=str(MAX_NODES))
            if event.anchor:
                raise LoadError("alias", line=line)
            tag = event.tag
            if tag is not None and not (cls is _Scalar and tag == "!"):
                raise LoadError("tag", line=line, detail=tag)
            if cls is _Scalar:
                value = event.value
                if event.style in _PLAIN and value in _NULLS:
                    value = None
                elif not value.isascii():
                    value = _normalise(value, line)
            elif len(stack) >= MAX_DEPTH:
                raise LoadError("too_deep", line=line, detail=str(MAX_DEPTH))
            else:
                value = {} if cls is _MappingStart else []
            if not stack:
                root, path = value, ()
            else:
                frame = stack[-1]
                container, parent, key = frame
                if container.__class__ is list:
                    path = parent + (len(container),)
                    container.append(value)
                elif key is None:  # this value is a key
                    if value.__class__ is not str:
                        raise LoadError("complex_key", line=line)
                    if not value.isprintable():  # problems print field names: no control or line break
                        raise LoadError("key_character", line=line)
                    if value in container:
                        raise LoadError("duplicate_key", line=line, detail=value)
                    frame[2] = value
                    container[value] = None
                    lines[parent + (value,)] = line
                    continue
                else:
                    path = parent + (key,)
                    container[key] = value
                    frame[2] = None
                if path not in lines:
                    lines[path] = line
            if cls is not _Scalar:
                stack.append([value, path, None])
        elif cls is _MappingEnd or cls is _SequenceEnd:
            stack.pop()
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise LoadError("documents", line=event.start_mark.line + 1)
        elif isinstance(event, yaml.AliasEvent):
            raise LoadError("alias", line=event.start_mark.line + 1)
    return root, lines, documents


_MARK_RUN = re.compile(r"[^\x00-\u02ff]{%d,}" % (MAX_MARKS + 1))  # combining marks start at U+0300


def _normalise(value: str, line: int) -> str:
    """NFC of a non-ASCII scalar, refusing a run of more than MAX_MARKS combining marks first:
    NFC reorders such a run by insertion sort, so one 250 KB run would take minutes."""
    for match in _MARK_RUN.finditer(value):
        run = 0
        for ch in match.group():
            # a mark, or a letter such as U+0F73 that decomposes into marks only
            run = run + 1 if unicodedata.combining(unicodedata.normalize("NFD", ch)[0]) else 0
            if run > MAX_MARKS:
                raise LoadError("combining_marks", line=line, detail=str(MAX_MARKS))
    return nfc(value)
