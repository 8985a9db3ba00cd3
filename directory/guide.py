"""The listing format explained to people, generated from the pydantic models.

`field_rows` gives the field reference of the contributor guide (name, Vietnamese
title, what to write, required or not, allowed values); `yaml_template` gives the
commented YAML skeleton of a kind, used by the guide, by `templates/<kind>.yaml`
and by `build.py new`. Both read the models' JSON Schema, so they cannot drift from
what the validator accepts. Nothing here validates or renders pages.
"""

from __future__ import annotations

import datetime as dt

import yaml

from . import vocab
from .models import MODELS
from .schema import PROVINCE, SCHEMA_LINE, VOCABULARIES, vocabulary_of
from .text import slugify


def field_rows(schema: dict, defs: dict, prefix: str) -> list[dict]:
    rows = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        inner, is_list = prop, False
        for option in prop.get("anyOf", []):
            if option.get("type") != "null":
                inner = {**option, **{k: v for k, v in prop.items() if k in ("title", "description")}}
        if inner.get("type") == "array":
            is_list, inner = True, inner.get("items", {})
        ref = inner.get("$ref", "").rsplit("/", 1)[-1]
        allowed, list_name = [], vocabulary_of(prop) or ""
        if list_name in VOCABULARIES:  # the schema names the closed list: no guessing from its codes
            allowed = [(t.code, t.vi) for t in VOCABULARIES[list_name]]
        elif "enum" in inner and list_name != PROVINCE:
            allowed = [(c, "") for c in inner["enum"]]
        elif "const" in inner:
            allowed = [(inner["const"], "")]
        type_label = {"string": "chữ", "integer": "số nguyên", "number": "số", "boolean": "true/false",
                      "object": "nhóm"}.get(inner.get("type", "object" if ref else ""), "chữ")
        if inner.get("format") == "date":
            type_label = "ngày"
        rows.append({
            "path": path, "title": prop.get("title", ""), "description": prop.get("description", ""),
            "required": name in required, "type": ("danh sách " if is_list else "") + type_label,
            "allowed": allowed, "provinces": list_name == PROVINCE,
        })
        if ref and ref in defs:
            rows.extend(field_rows(defs[ref], defs, f"{path}[]." if is_list else f"{path}."))
    return rows


_EXAMPLES = {"string": '""', "integer": "1", "number": "1", "boolean": "false", "date": "2025-01-31"}


def _unwrap(prop: dict) -> tuple[dict, bool]:
    inner = next((o for o in prop.get("anyOf", []) if o.get("type") != "null"), prop)
    if inner.get("type") == "array":
        return inner.get("items", {}), True
    return inner, False


def _yaml_lines(schema: dict, defs: dict, kind: str) -> list[str]:
    """Lines of a YAML skeleton for one (nested) model, required fields first;
    optional ones are commented out with their title."""
    lines: list[str] = []
    required = schema.get("required", [])
    first = [n for n in ("kind", "id") if n in schema.get("properties", {})]
    names = first + [n for n in schema.get("properties", {}) if n in required and n not in first]
    names += [n for n in schema.get("properties", {}) if n not in required]
    for name in names:
        prop = schema["properties"][name]
        inner, is_list = _unwrap(prop)
        hash_ = "" if name in required else "# "
        note = f"  # {'(*) ' if name in required else ''}{prop.get('title', '')}: {prop.get('description', '')}"
        ref = inner.get("$ref", "").rsplit("/", 1)[-1]
        if ref in defs:
            sub = _yaml_lines(defs[ref], defs, kind)
            lines.append(f"{hash_}{name}:{note}")
            for i, line in enumerate(sub):
                lead = ("- " if i == 0 else "  ") if is_list else ""
                lines.append(f"{hash_}  {lead}{line}")
            continue
        if name == "kind":
            value = kind
            note = "  # (*) Loại tin, giữ nguyên / Kind, keep as is"
        elif "enum" in inner:
            value = "Hà Nội" if "Hà Nội" in inner["enum"] else inner["enum"][0]
        elif name == "id":
            value = "ten-tep-khong-dau"
        else:
            value = _EXAMPLES.get("date" if inner.get("format") == "date" else inner.get("type", "string"), '""')
        if is_list:
            lines.append(f"{hash_}{name}:{note}")
            lines.append(f"{hash_}  - {value}")
        else:
            lines.append(f"{hash_}{name}: {value}{note}")
    return lines


def yaml_template(kind: str) -> str:
    """A YAML skeleton for `kind`, generated from the model like the field reference."""
    schema = MODELS[kind].model_json_schema()
    head = [SCHEMA_LINE,
            f"# {vocab.KINDS.label(kind)} / {vocab.KINDS.terms[kind].en}: listings/{kind}/<id>.yaml",
            "# (*) bắt buộc / required. Bỏ dấu # ở đầu dòng để dùng trường không bắt buộc / "
            "remove the leading # to use an optional field."]
    return "\n".join([*head, *_yaml_lines(schema, schema.get("$defs", {}), kind)]) + "\n"


def new_listing(kind: str, name: str, today: dt.date) -> tuple[str, str]:
    """(id, file text) of a new listing of `kind` called `name`, from the template."""
    listing_id = slugify(name)
    filled = {"id": listing_id, "name": name, "date_added": today}
    lines = []
    for line in yaml_template(kind).splitlines():
        key = line.split(":", 1)[0]
        if key in filled:
            comment = line[line.index("  #"):] if "  #" in line else ""
            value = yaml.safe_dump(filled[key], allow_unicode=True, default_style=None).strip()
            value = value.removesuffix("\n...").removesuffix("...").strip()
            line = f"{key}: {value}{comment}"
        lines.append(line)
    return listing_id, "\n".join(lines) + "\n"
