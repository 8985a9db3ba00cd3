"""The committed JSON Schema that editors use must match the models exactly."""

import json
from pathlib import Path

from directory.cli import json_schema

SCHEMA_FILE = Path(__file__).parent.parent / "schema" / "listing.schema.json"


def test_committed_schema_is_generated_from_the_models():
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "schema/listing.schema.json is stale: run `python build.py schema > schema/listing.schema.json`"
    )


def test_schema_lists_every_kind_and_refuses_unknown_fields():
    schema = json_schema()
    kinds = set(schema["discriminator"]["mapping"])
    assert kinds == {"organisation", "product", "recycler", "model", "distributor", "exhibition", "offer", "demand"}
    assert schema["$defs"]["Organisation"]["additionalProperties"] is False
