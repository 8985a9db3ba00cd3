"""`build.py` subcommands. Each one prints for people and exits 0 (ok) or 1 (problems).

Only argument parsing and printing live here; the work is done by the pipeline
modules. No traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import TypeAdapter

from .models import Listing
from .validate import validate_tree

DEFAULT_LISTINGS = Path("listings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Danh bạ cung cầu SXTDBV / SCP directory")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="kiểm tra các tệp tin / validate listings")
    validate.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS)
    validate.add_argument("files", nargs="*", type=Path,
                          help="chỉ báo lỗi cho các tệp này / report only these files")

    commands.add_parser("schema", help="in JSON Schema / print the JSON Schema")

    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args)
    if args.command == "schema":
        print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
        return 0
    return 2


def json_schema() -> dict:
    schema = TypeAdapter(Listing).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Tin đăng danh bạ cung cầu SXTDBV / SCP directory listing"
    return schema


def _validate(args) -> int:
    if not args.listings.is_dir():
        print(f"không tìm thấy thư mục {args.listings} / directory not found", file=sys.stderr)
        return 1
    only = {Path(f) for f in args.files} or None
    report = validate_tree(args.listings, only=only)
    print(report.format(), file=sys.stderr if not report.ok else sys.stdout)
    return 0 if report.ok else 1
