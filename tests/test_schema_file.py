"""The committed JSON Schema that editors use must match the models exactly, and every
build publishes the same file at /schema/listing.schema.json (templates point there)."""

import datetime as dt
import json
from pathlib import Path

from directory import export, schema
from directory.cli import json_schema

ROOT = Path(__file__).parent.parent
SCHEMA_FILE = ROOT / schema.SCHEMA_PATH


def test_committed_schema_is_generated_from_the_models():
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "schema/listing.schema.json is stale: run `python build.py schema > schema/listing.schema.json`"
    )
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema.json_text()


def test_schema_lists_every_kind_and_refuses_unknown_fields():
    data = json_schema()
    kinds = set(data["discriminator"]["mapping"])
    assert kinds == {"organisation", "product", "recycler", "model", "distributor", "exhibition", "offer", "demand"}
    for ref in data["discriminator"]["mapping"].values():
        assert data["$defs"][ref.rsplit("/", 1)[1]]["additionalProperties"] is False


def test_closed_lists_are_named_defs():
    data = json_schema()
    product = data["$defs"]["Product"]["properties"]
    assert product["sectors"]["items"] == {"$ref": "#/$defs/Sector"}
    assert data["$defs"]["Address"]["properties"]["province"]["$ref"] == "#/$defs/Province"
    assert data["$defs"]["Sector"]["anyOf"][0]["enum"][:2] == ["det_may", "do_uong"]
    assert len(data["$defs"]["Province"]["anyOf"][0]["enum"]) == 34


def test_every_build_publishes_the_committed_schema(tmp_path):
    export.write_exports([], tmp_path, "https://scp.gov.vn/", dt.date(2025, 10, 1))
    assert (tmp_path / schema.SCHEMA_PATH).read_bytes() == SCHEMA_FILE.read_bytes()
    assert schema.SCHEMA_URL.endswith("/" + schema.SCHEMA_PATH)
