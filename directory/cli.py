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

    build = commands.add_parser("build", help="dựng trang web tĩnh / build the static site")
    build.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS)
    build.add_argument("--out", type=Path, default=Path("site"))
    build.add_argument("--site-url", default="https://scp.gov.vn/",
                       help="địa chỉ gốc của trang / public base URL (default https://scp.gov.vn/)")

    serve = commands.add_parser("serve", help="xem trước trực tiếp / live preview")
    serve.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS)
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")

    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args)
    if args.command == "build":
        return _build(args)
    if args.command == "serve":
        from . import site
        site.serve(args.listings, args.dev_addr)
        return 0
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


def _build(args) -> int:
    from . import site
    try:
        site.build(args.listings, args.out, args.site_url)
    except site.BuildError as err:
        print(str(err), file=sys.stderr)
        print(f"trang cũ trong {args.out} được giữ nguyên / the previous site in {args.out} is unchanged",
              file=sys.stderr)
        return 1
    return 0
