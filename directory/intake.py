"""The "Đăng ký thông tin" GitHub issue form, for enterprises that cannot use Git.

`issue_form()` generates the form (`.github/ISSUE_TEMPLATE/dang-ky-thong-tin.yml`)
from the pydantic models: its fields are the organisation's fields and the common
fields of one listing, labelled with the models' Vietnamese titles. `from_issue()`
reads the body GitHub makes of a filled form ("### Label" sections) and returns the
listing files to write. A reviewer then runs `build.py from-issue FILE`, reads the
validator's report and completes what the form cannot hold (certificates,
quantities), so nothing is published unchecked.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from . import vocab
from .models import Address, Contact, ListingBase, Organisation
from .text import slugify

NO_RESPONSE = "_No response_"
LISTING_PREFIX = "Tin đăng: "

# (dotted field, model owning it, form element type)
ORGANISATION_FIELDS = [
    ("name", Organisation, "input", True),
    ("name_en", Organisation, "input", False),
    ("organisation_type", Organisation, "dropdown", True),
    ("tax_id", Organisation, "input", False),
    ("address.street", Address, "input", False),
    ("address.province", Address, "dropdown", True),
    ("contact.email", Contact, "input", False),
    ("contact.phone", Contact, "input", False),
    ("contact.website", Contact, "input", False),
    ("maintainers", Organisation, "input", False),
]
LISTING_FIELDS = [
    ("kind", None, "dropdown", False),
    ("name", ListingBase, "input", False),
    ("summary", ListingBase, "input", False),
    ("description", ListingBase, "textarea", False),
    ("details", None, "textarea", False),
]
_LISTING_KINDS = [k for k in vocab.KINDS if k.code != "organisation"]


def _label(dotted: str, model, listing: bool) -> str:
    if dotted == "kind":
        text = "Loại tin"
    elif dotted == "details":
        text = "Thông tin khác (chứng nhận, số lượng, ngày…)"
    else:
        text = model.model_fields[dotted.split(".")[-1]].title
    return (LISTING_PREFIX + text) if listing else text


def _options(dotted: str) -> list[str]:
    if dotted == "organisation_type":
        return [t.vi for t in vocab.ORGANISATION_TYPES]
    if dotted == "address.province":
        return list(vocab.PROVINCES.values())
    if dotted == "kind":
        return [t.vi for t in _LISTING_KINDS]
    return []


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
                item["attributes"]["options"] = _options(dotted)
            item["validations"] = {"required": required}
            body.append(item)
    return {"name": "Đăng ký thông tin", "description": "Đăng ký doanh nghiệp và tin đăng không cần dùng Git / "
            "Register without Git", "title": "[Đăng ký] ", "labels": ["dang-ky"], "body": body}


def issue_form_yaml() -> str:
    return ("# Sinh tự động bởi `python build.py issue-form`; đừng sửa tay. / Generated, do not edit.\n"
            + yaml.safe_dump(issue_form(), allow_unicode=True, sort_keys=False, width=100))


def _sections(body: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    for match in re.finditer(r"^### (.+?)\s*\n(.*?)(?=^### |\Z)", body, re.S | re.M):
        value = match.group(2).strip()
        sections[match.group(1).strip()] = "" if value == NO_RESPONSE else value
    return sections


def _set(target: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def from_issue(body: str, today: dt.date) -> dict[str, dict]:
    """Relative path under listings/ -> listing data, from a filled issue form."""
    sections = _sections(body)
    org: dict = {"kind": "organisation"}
    for dotted, model, _element, _required in ORGANISATION_FIELDS:
        value = sections.get(_label(dotted, model, False), "")
        if not value:
            continue
        if dotted == "maintainers":
            value = [login.lstrip("@") for login in re.split(r"[\s,;]+", value) if login]
        _set(org, dotted, value)
    org_id = slugify(org.get("name", "")) or "to-chuc-moi"
    org = {"id": org_id, **org, "date_added": today.isoformat()}
    files = {f"organisation/{org_id}.yaml": org}
    kind_label = sections.get(_label("kind", None, True), "")
    kind = next((k.code for k in _LISTING_KINDS if k.vi == kind_label), None)
    if kind:
        name = sections.get(_label("name", ListingBase, True), "")
        listing: dict = {"id": slugify(name) or f"{kind}-moi", "kind": kind, "name": name}
        for dotted in ("summary", "description"):
            if value := sections.get(_label(dotted, ListingBase, True), ""):
                listing[dotted] = value
        listing["organizer" if kind == "exhibition" else "organisation"] = org_id
        listing["date_added"] = today.isoformat()
        details = sections.get(_label("details", None, True), "")
        files[f"{kind}/{listing['id']}.yaml"] = {**listing, "_details": details} if details else listing
    return files


def to_yaml(data: dict) -> str:
    """The listing file text; form text the schema has no place for becomes a comment."""
    data = dict(data)
    details = data.pop("_details", "")
    text = "# yaml-language-server: $schema=../../schema/listing.schema.json\n"
    if details:
        text += "# Thông tin khác từ biểu mẫu, cần chuyển thành các trường / Form details to turn into fields:\n"
        text += "".join(f"#   {line}\n" for line in details.splitlines())
    return text + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
