"""Validate a listings tree: every file, every rule, every problem in one run.

`validate_tree(root)` loads each `listings/<kind>/<id>.yaml` (see `load.py`),
checks it against its pydantic model (see `models.py`), then runs the checks that
span listings: unique ids equal to file names, references that resolve, unique tax
codes. It returns a `Report` holding the valid listings, the errors and, kept apart,
the warnings (expiring certificates and other hints that do not block a merge).

It prints nothing and never raises for bad input; `Report.format()` renders the
problems as `path:line: field: tiếng Việt / English` lines and, in GitHub
Actions, as `::error` / `::warning` annotations.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import messages, status, vocab
from .load import LoadedFile, LoadError, load_file
from .models import MODELS, Certificate, Exchange, ListingBase, Organisation, nested_model

GREEN_LABEL_MAX_DAYS = 36 * 31


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    code: str
    context: tuple = ()

    @property
    def message(self) -> str:
        return messages.render(self.code, dict(self.context))

    def format(self) -> str:
        where = f"{messages.shown(self.field)}: " if self.field else ""
        return f"{messages.shown(self.path)}:{self.line}: {where}{self.message}"

    def annotation(self, level: str) -> str:
        text = f"{messages.shown(self.field)}: {self.message}" if self.field else self.message
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = messages.shown(self.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{level} file={path},line={self.line}::{text}"


@dataclass
class Report:
    entries: list[tuple[ListingBase, LoadedFile]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    checked: int = 0

    @property
    def listings(self) -> list[ListingBase]:
        return [listing for listing, _ in self.entries]

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self, github: bool | None = None) -> str:
        if github is None:
            github = os.environ.get("GITHUB_ACTIONS") == "true"
        lines = []
        for title, level, problems in (("Lỗi / Errors", "error", self.errors),
                                       ("Gợi ý / Warnings", "warning", self.warnings)):
            if not problems:
                continue
            lines.append(f"{title} ({len(problems)}):")
            lines.extend(p.format() for p in sorted(problems))
            if github:
                lines.extend(p.annotation(level) for p in sorted(problems))
        status = "OK" if self.ok else "THẤT BẠI / FAILED"
        lines.append(f"{status}: {self.checked} tệp, {len(self.errors)} lỗi, {len(self.warnings)} gợi ý "
                     f"/ {self.checked} files, {len(self.errors)} errors, {len(self.warnings)} warnings")
        return "\n".join(lines)


def validate_tree(root: Path, today: dt.date | None = None, only: set[Path] | None = None,
                  cache: dict | None = None) -> Report:
    """Validate every listing under `root`. With `only`, report file-level problems
    for those files alone (cross-listing checks still see the whole tree). With a `cache`
    (a dict kept between calls: the live preview), a file whose size and mtime are unchanged
    is not read again, and its listing is the same object as before."""
    today = today or dt.date.today()
    report = Report()
    broken_organisations: set[str] = set()  # present but invalid: already reported, not "missing"
    collecting = gc.isenabled()
    gc.disable()  # each file makes ~100 acyclic objects; cycle collection over them only costs time
    try:
        for path in _listing_files(root, report):
            report.checked += 1
            entry = _validate_file(path, report) if cache is None else _validate_cached(path, report, cache)
            if entry is not None:
                report.entries.append(entry)
            elif path.parent.name == "organisation":
                broken_organisations.add(path.stem)
    finally:
        if collecting:
            gc.enable()
    _check_across(report, broken_organisations)
    for listing, loaded in report.entries:
        _warn(listing, loaded, report, today)
    if only is not None:
        keep = {str(p) for p in only}
        report.errors = [p for p in report.errors if p.path in keep]
        report.warnings = [p for p in report.warnings if p.path in keep]
    return report


def _listing_files(root: Path, report: Report) -> list[Path]:
    files = []
    found = []  # os.walk tells files from folders without a stat per path, unlike rglob + is_dir
    for folder, _, names in os.walk(root, followlinks=True):
        found.extend(Path(folder, name) for name in names)
    depth = len(root.parts)
    for path in sorted(found, key=lambda p: p.parts):
        if path.name.startswith(".") or path.name.lower() in ("readme.md",):
            continue
        rel = path.parts[depth:]
        if len(rel) == 2 and path.suffix == ".yaml" and rel[0] in vocab.KINDS:
            files.append(path)
        else:
            report.errors.append(Problem(str(path), 1, "", "misplaced_file",
                                         (("kinds", ", ".join(vocab.KINDS.codes())),)))
    return files


def _validate_cached(path: Path, report: Report, cache: dict) -> tuple[ListingBase, LoadedFile] | None:
    status = path.stat()
    stamp = (status.st_size, status.st_mtime_ns)
    if path not in cache or cache[path][0] != stamp:
        own = Report()
        cache[path] = (stamp, _validate_file(path, own), own.errors)
    _stamp, entry, errors = cache[path]
    report.errors.extend(errors)
    return entry


def _validate_file(path: Path, report: Report) -> tuple[ListingBase, LoadedFile] | None:
    try:
        loaded = load_file(path)
    except LoadError as err:
        report.errors.append(Problem(str(path), err.line, "", err.code, (("detail", err.detail),)))
        return None
    folder = path.parent.name
    kind = loaded.data.get("kind")
    if kind is None:
        kind = folder  # report the missing field through the model
    if not isinstance(kind, str) or kind not in MODELS:
        report.errors.append(Problem(str(path), loaded.line_of(("kind",)), "kind", "unknown_kind",
                                     (("kind", str(kind)), ("kinds", ", ".join(MODELS)))))
        return None
    if kind != folder:
        report.errors.append(Problem(str(path), loaded.line_of(("kind",)), "kind", "kind_folder",
                                     (("kind", kind), ("folder", folder))))
    model = MODELS[kind]
    try:
        listing = model.model_validate(loaded.data)
    except ValidationError as err:
        for error in err.errors(include_url=False):
            report.errors.append(_problem_from_pydantic(error, loaded, model))
        return None
    if listing.id != path.stem:
        report.errors.append(Problem(str(path), loaded.line_of(("id",)), "id", "id_filename",
                                     (("id", listing.id), ("stem", path.stem))))
    return listing, loaded


def _problem_from_pydantic(error: dict, loaded: LoadedFile, model: type[BaseModel]) -> Problem:
    loc = tuple(error["loc"])
    context = dict(error.get("ctx") or {})
    if "field" in context:
        loc = loc + (context["field"],)
    if not isinstance(error.get("input"), (dict, list)):
        context.setdefault("input", error.get("input"))
    code = error["type"]
    if error.get("input", "") is None and (code.endswith("_type") or code in ("not_in_list", "literal_error")):
        code = "value_empty"  # `name:` with nothing after it
    if error["type"] == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        if close:
            context["hint"] = f"; có phải ý bạn là '{close[0]}'?"
            context["hint_en"] = f"; did you mean '{close[0]}'?"
        else:
            context["hint"] = f"; các trường được phép: {', '.join(allowed)}"
            context["hint_en"] = ""
    dotted = ".".join(str(part) for part in loc)
    return Problem(str(loaded.path), loaded.line_of(loc), dotted, code,
                   tuple(sorted((k, str(v)) for k, v in context.items())))


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the (nested) model found at `loc` inside `model`."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        current = nested_model(current.model_fields[str(part)].annotation)[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _check_across(report: Report, broken_organisations: set[str]) -> None:
    first_file: dict[str, str] = {}
    tax_ids: dict[str, str] = {}
    kept = []
    for listing, loaded in report.entries:
        path = str(loaded.path)
        if listing.id in first_file:
            report.errors.append(Problem(path, loaded.line_of(("id",)), "id", "id_duplicate",
                                         (("id", listing.id), ("other", first_file[listing.id]))))
            continue
        first_file[listing.id] = path
        kept.append((listing, loaded))
        if isinstance(listing, Organisation) and listing.tax_id:
            if listing.tax_id in tax_ids:
                report.errors.append(Problem(path, loaded.line_of(("tax_id",)), "tax_id", "tax_id_duplicate",
                                             (("other", tax_ids[listing.tax_id]), ("tax_id", listing.tax_id))))
            else:
                tax_ids[listing.tax_id] = path
    organisations = {listing.id for listing, _ in kept if isinstance(listing, Organisation)}
    organisations |= broken_organisations
    for listing, loaded in kept:
        for field_name, ref in listing.references().items():
            if ref not in organisations:
                report.errors.append(Problem(str(loaded.path), loaded.line_of((field_name,)), field_name,
                                             "dangling_reference", (("ref", ref),)))
    report.entries = kept


def _warn(listing: ListingBase, loaded: LoadedFile, report: Report, today: dt.date) -> None:
    path = str(loaded.path)
    for field_name in status.CERT_FIELDS:
        certificates: list[Certificate] = getattr(listing, field_name, None) or []
        for index, cert in enumerate(certificates):
            loc = (field_name, index)
            if today <= cert.valid_until <= today + dt.timedelta(days=status.EXPIRING_DAYS):
                report.warnings.append(Problem(path, loaded.line_of(loc + ("valid_until",)), _dotted(loc),
                                               "expires_soon", (("number", cert.number),
                                                                ("until", cert.valid_until.isoformat()))))
            if cert.scheme == "nhan_xanh_viet_nam" and \
                    (cert.valid_until - cert.valid_from).days > GREEN_LABEL_MAX_DAYS:
                report.warnings.append(Problem(path, loaded.line_of(loc + ("valid_until",)), _dotted(loc),
                                               "green_label_term"))
        if certificates and not any(c.valid_until >= today for c in certificates):
            report.warnings.append(Problem(path, loaded.line_of((field_name,)), field_name, "all_expired"))
    if isinstance(listing, Exchange) and listing.valid_until < today:
        report.warnings.append(Problem(path, loaded.line_of(("valid_until",)), "valid_until", "exchange_expired",
                                       (("until", listing.valid_until.isoformat()),)))


def _dotted(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)
