"""The "Đăng ký thông tin" GitHub issue form, for enterprises that cannot use Git.

`issue_form()` generates the form (`.github/ISSUE_TEMPLATE/dang-ky-thong-tin.yml`)
from the pydantic models: its fields are the organisation's fields and the common
fields of one listing, labelled with the models' Vietnamese titles.

`from_issue(body, today, author, listings)` reads the body GitHub makes of a filled
form and returns the draft files to write, acting for `author`, the GitHub login of
the person who filed the issue (the `intake.yml` workflow passes the real one):

- the body is parsed line by line, walking the form's labels in order: a section
  starts only at a `### <label>` line for the next expected label (or a later one),
  so a `### ...` line typed inside an answer stays part of that answer and cannot
  override another one. Bodies over `MAX_BODY_CHARS` (GitHub's own cap), or with a
  letter carrying more than `MAX_MARKS` combining marks (which would make Unicode
  normalisation quadratic), are refused;
- a new organisation gets `maintainers: [author]` and nobody else. Other logins typed
  into the form are only reported (printed, and a comment in the organisation file),
  never trusted: they are added later by a pull request or a reviewer;
- when the organisation name matches an existing `organisation/<id>.yaml`, the
  listing is attached to it only if `author` is one of its maintainers, and the
  organisation file is left alone; otherwise the whole form is refused.

Refusals raise `IntakeError` (Vietnamese / English). It does not write files, check
who may change what in a pull request (`ownership.py`) or validate (`validate.py`):
`build.py from-issue` writes the drafts without overwriting anything and prints the
validator's report; a ministry reviewer completes what the form cannot hold
(certificates, quantities) and opens the pull request, so nothing is published unchecked.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from annotated_types import MaxLen
from pydantic import TypeAdapter, ValidationError

from . import vocab
from .load import LoadError, load_file
from .models import (
    GitHubLogin, ListingBase, Organisation, is_province, metadata_of, nested_model, shown_fields, vocabulary_of,
)
from .schema import SCHEMA_LINE
from .text import nfc, slugify

NO_RESPONSE = "_No response_"
LISTING_PREFIX = "Tin đăng: "
MAX_BODY_CHARS = 65_536  # GitHub refuses longer issue bodies
MAX_BODY_BYTES = 4 * MAX_BODY_CHARS  # what `read_body` reads at most: 4 UTF-8 bytes per character
MAX_MARKS = 30  # combining marks in a row, as in load.py: NFC and slugs are quadratic in longer runs
_MARK_RUN = re.compile(r"[^\x00-\u02ff]{%d,}" % (MAX_MARKS + 1))  # combining marks start at U+0300

SHORT_TEXT = 1000  # longer text fields (descriptions) get a multi-line box


def _element(info) -> str:
    if vocabulary_of(info) is not None or is_province(info):
        return "dropdown"
    longest = max((m.max_length for m in metadata_of(info) if isinstance(m, MaxLen)), default=0)
    return "textarea" if longest > SHORT_TEXT else "input"


def _form_fields(model) -> list[tuple[str, type, str, bool]]:
    """(dotted field, model owning it, form element, required) for every field the model
    marks `Show(form=True)`; a nested model (address, contact) asks each of its own fields."""
    fields = []
    for name, info, show in shown_fields(model):
        if not show.form:
            continue
        nested, _ = nested_model(info.annotation)
        if nested is None:
            fields.append((name, model, _element(info), show.required))
        else:
            fields += [(f"{name}.{sub}", nested, _element(sub_info), show.required and sub_info.is_required())
                       for sub, sub_info in nested.model_fields.items()]
    return fields


ORGANISATION_FIELDS = _form_fields(Organisation)
# One listing of any kind: the fields all kinds share, its kind first, and free text for the rest.
LISTING_FIELDS = [("kind", None, "dropdown", False),
                  *[(name, model, element, False) for name, model, element, _ in _form_fields(ListingBase)],
                  ("details", None, "textarea", False)]
_LISTING_KINDS = [k for k in vocab.KINDS if k.code != "organisation"]


def _label(dotted: str, model, listing: bool) -> str:
    if dotted == "kind":
        text = "Loại tin"
    elif dotted == "details":
        text = "Thông tin khác (chứng nhận, số lượng, ngày…)"
    else:
        text = model.model_fields[dotted.split(".")[-1]].title
    return (LISTING_PREFIX + text) if listing else text


def _options(dotted: str, model) -> list[str]:
    if dotted == "kind":
        return [t.vi for t in _LISTING_KINDS]
    info = model.model_fields[dotted.split(".")[-1]]
    if (vocabulary := vocabulary_of(info)) is not None:
        return [t.vi for t in vocabulary]
    return list(vocab.PROVINCES.values())


def issue_form() -> dict:
    body = [{"type": "markdown", "attributes": {"value": (
        "Điền thông tin doanh nghiệp và (nếu có) một tin đăng. Cán bộ Bộ Công Thương sẽ tạo tệp dữ liệu, "
        "liên hệ lại khi cần bổ sung, rồi xuất bản.\n\n"
        "*Fill in your organisation and, optionally, one listing; a ministry reviewer turns it into files.*")}}]
    for fields, listing in ((ORGANISATION_FIELDS, False), (LISTING_FIELDS, True)):
        for dotted, model, element, required in fields:
            item = {"type": element,
                    "id": ("listing-" if listing else "") + dotted.replace(".", "-").replace("_", "-"),
                    "attributes": {"label": _label(dotted, model, listing)}}
            if model is not None:
                item["attributes"]["description"] = model.model_fields[dotted.split(".")[-1]].description
            if element == "dropdown":
                item["attributes"]["options"] = _options(dotted, model)
            item["validations"] = {"required": required}
            body.append(item)
    return {"name": "Đăng ký thông tin", "description": "Đăng ký doanh nghiệp và tin đăng không cần dùng Git / "
            "Register without Git", "title": "[Đăng ký] ", "labels": ["dang-ky"], "body": body}


def issue_form_yaml() -> str:
    return ("# Sinh tự động bởi `python build.py issue-form`; đừng sửa tay. / Generated, do not edit.\n"
            + yaml.safe_dump(issue_form(), allow_unicode=True, sort_keys=False, width=100))


class IntakeError(Exception):
    """A form or an author that `from_issue` refuses; nothing should be written."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en

    def format(self) -> str:
        return f"{self.vi} / {self.en}"


@dataclass
class Intake:
    """What a filled form becomes: the files to write and what the reviewer must know."""
    files: dict[str, dict]  # relative path under listings/ -> data (see `to_yaml`)
    organisation: str  # the organisation id the listing belongs to
    existing: bool = False  # the organisation already exists (and `author` maintains it)
    unverified: list[str] = field(default_factory=list)  # other logins typed into the form
    not_logins: int = 0  # entries of the maintainers answer that are not GitHub logins

    def notes(self) -> list[str]:
        """Lines for the reviewer, Vietnamese / English."""
        notes = []
        if self.existing:
            notes.append(f"tổ chức '{self.organisation}' đã có và người gửi là người cập nhật: giữ nguyên tệp "
                         f"tổ chức, các câu trả lời về tổ chức trong biểu mẫu không được dùng / organisation "
                         f"'{self.organisation}' exists and the author maintains it: its file is unchanged, "
                         f"the form's organisation answers are not used")
        if self.unverified:
            logins = ", ".join(self.unverified)
            notes.append(f"{UNVERIFIED_VI}: {logins} / {UNVERIFIED_EN}: {logins}")
        if self.not_logins:
            notes.append(f"bỏ qua {self.not_logins} mục trong ô người cập nhật không phải tài khoản GitHub / "
                         f"ignored {self.not_logins} maintainers entries that are not GitHub logins")
        return notes


UNVERIFIED_VI = "Tài khoản khác ghi trong biểu mẫu, chưa được xác minh"
UNVERIFIED_EN = "other logins from the form, not verified"
_LOGIN = TypeAdapter(GitHubLogin)
FORM_LABELS = ([_label(dotted, model, False) for dotted, model, _e, _r in ORGANISATION_FIELDS]
               + [_label(dotted, model, True) for dotted, model, _e, _r in LISTING_FIELDS])
_LABEL_INDEX = {label: i for i, label in enumerate(FORM_LABELS)}


def is_login(text: str) -> bool:
    """True for a valid GitHub login (the models' `GitHubLogin` rule)."""
    try:
        _LOGIN.validate_python(text)
    except ValidationError:
        return False
    return True


def read_body(path: Path) -> str:
    """The issue body saved in `path`. Raises IntakeError when unreadable, not UTF-8 or too large."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BODY_BYTES + 1)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise IntakeError(f"{path}: không đọc được ({reason})", f"cannot read ({reason})") from None
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IntakeError(f"{path}: không phải văn bản UTF-8", "not UTF-8 text") from None


def _too_large() -> IntakeError:
    return IntakeError(f"nội dung issue dài quá {MAX_BODY_CHARS} ký tự (giới hạn của GitHub)",
                       f"the issue body is longer than {MAX_BODY_CHARS} characters (GitHub's limit)")


def _too_many_marks(text: str) -> bool:
    """True when more than MAX_MARKS combining marks follow each other (after decomposition)."""
    for match in _MARK_RUN.finditer(text):
        run = 0
        for char in match.group():
            run = run + 1 if unicodedata.combining(unicodedata.normalize("NFD", char)[0]) else 0
            if run > MAX_MARKS:
                return True
    return False


def parse_sections(body: str) -> dict[str, str]:
    """Form label -> answer ("" for "_No response_"), in one pass over the lines.

    GitHub writes `### <label>`, a blank line and the answer for every field, in form
    order. A `### ` line starts a section only when its text is a form label later
    than the current one; any other `### ...` line (unknown, or a label already
    seen) is text of the current answer. No regular expression, so no backtracking.
    """
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    expected = 0
    for line in body.split("\n"):
        if line.endswith("\r"):
            line = line[:-1]
        if line.startswith("### "):
            index = _LABEL_INDEX.get(line[4:].strip(), -1)
            if index >= expected:
                if current is not None:
                    sections[current] = _answer(lines)
                current, lines, expected = FORM_LABELS[index], [], index + 1
                continue
        if current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = _answer(lines)
    return sections


def _answer(lines: list[str]) -> str:
    value = "\n".join(lines).strip()
    return "" if value == NO_RESPONSE else value


def _set(target: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def _existing_maintainers(listings: Path, org_id: str) -> set[str] | None:
    """Lower-cased maintainers of `listings/organisation/<org_id>.yaml`; None when there is no such file."""
    path = listings / "organisation" / f"{org_id}.yaml"
    if not (path.exists() or path.is_symlink()):
        return None
    try:
        data = load_file(path).data
    except LoadError:
        return set()  # present but unreadable: nobody is known to maintain it
    value = data.get("maintainers")
    if not isinstance(value, list):
        return set()
    return {login.lower() for login in value if isinstance(login, str)}


def from_issue(body: str, today: dt.date, author: str, listings: Path | None = None) -> Intake:
    """The draft files a filled issue form becomes, acting for `author` (the issue's GitHub login).

    `listings` is the tree the files will be written to; an organisation already in it
    is used only if `author` maintains it (without `listings`, none is looked up).
    Raises IntakeError to refuse the whole form.
    """
    if not is_login(author):
        raise IntakeError(f"{author[:60]!r} không phải tài khoản GitHub hợp lệ (--author)",
                          "--author is not a valid GitHub login")
    if len(body) > MAX_BODY_CHARS:
        raise _too_large()
    if _too_many_marks(body):
        raise IntakeError(f"có chữ mang quá {MAX_MARKS} dấu liên tiếp; hãy gõ lại đoạn văn",
                          f"a letter carries more than {MAX_MARKS} combining marks; retype the text")
    sections = parse_sections(nfc(body))
    if not sections:
        raise IntakeError("không thấy câu trả lời nào của biểu mẫu Đăng ký thông tin",
                          "no answer of the registration form found in the issue body")
    org: dict = {"kind": "organisation"}
    unverified: list[str] = []
    seen = {author.lower()}
    not_logins = 0
    for dotted, model, _element, _required in ORGANISATION_FIELDS:
        value = sections.get(_label(dotted, model, False), "")
        if not value:
            continue
        if dotted == "maintainers":
            for entry in re.split(r"[\s,;]+", value):
                login = entry.lstrip("@")
                if not login:
                    continue
                if not is_login(login):
                    not_logins += 1
                elif login.lower() not in seen:
                    seen.add(login.lower())
                    unverified.append(login)
            continue
        _set(org, dotted, value)
    org_id = slugify(org.get("name", ""))
    if not org_id:
        raise IntakeError("biểu mẫu thiếu tên tổ chức (cần có chữ hoặc số)",
                          "the form has no organisation name (it needs letters or digits)")
    result = Intake(files={}, organisation=org_id, unverified=unverified, not_logins=not_logins)
    maintainers = _existing_maintainers(listings, org_id) if listings is not None else None
    if maintainers is not None:
        if author.lower() not in maintainers:
            raise IntakeError(
                f"tổ chức '{org_id}' đã có trong danh bạ và '{author}' không phải người cập nhật của tổ chức "
                f"này; không tạo tệp nào. Hãy nhờ một người cập nhật của tổ chức, hoặc Bộ Công Thương, "
                f"thêm tài khoản của bạn",
                f"organisation '{org_id}' already exists and '{author}' is not one of its maintainers; "
                f"nothing was written. Ask one of its maintainers, or the ministry, to add you")
        result.existing = True
    else:
        data = {"id": org_id, **org, "maintainers": [author], "date_added": today.isoformat()}
        result.files[f"organisation/{org_id}.yaml"] = {**data, "_unverified": unverified} if unverified else data
    kind_label = sections.get(_label("kind", None, True), "")
    kind = next((k.code for k in _LISTING_KINDS if k.vi == kind_label), None)
    if kind:
        name = sections.get(_label("name", ListingBase, True), "")
        listing: dict = {"id": slugify(name) or f"{kind}-moi", "kind": kind, "name": name}
        for dotted, model, _element_, _required in LISTING_FIELDS:
            if model is not None and dotted != "name" and (value := sections.get(_label(dotted, model, True), "")):
                listing[dotted] = value
        listing["organizer" if kind == "exhibition" else "organisation"] = org_id
        listing["date_added"] = today.isoformat()
        details = sections.get(_label("details", None, True), "")
        result.files[f"{kind}/{listing['id']}.yaml"] = {**listing, "_details": details} if details else listing
    return result


def to_yaml(data: dict) -> str:
    """The listing file text; form text the schema has no place for becomes a comment."""
    data = dict(data)
    details = data.pop("_details", "")
    unverified = data.pop("_unverified", [])
    text = SCHEMA_LINE + "\n"
    if unverified:
        text += f"# {UNVERIFIED_VI} / {UNVERIFIED_EN}: {', '.join(unverified)}\n"
        text += ("#   (chỉ thêm vào maintainers khi chính họ xác nhận / add them to maintainers only once "
                 "they confirm themselves)\n")
    if details:
        text += "# Thông tin khác từ biểu mẫu, cần chuyển thành các trường / Form details to turn into fields:\n"
        text += "".join(f"#   {line}\n" for line in details.splitlines())
    return text + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
