"""`build.py` subcommands. Each one prints for people and exits 0 (ok) or 1 (problems).

Only argument parsing and printing live here; the work is done by the pipeline
modules. No traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import guide, intake, schema
from .models import MODELS
from .ownership import check_pull_request
from .status import DateError, reference_date
from .validate import validate_tree

DEFAULT_LISTINGS = Path("listings")
TEMPLATES_DIR = Path("templates")
ISSUE_FORM = Path(".github/ISSUE_TEMPLATE/dang-ky-thong-tin.yml")


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
    build.add_argument("--exclude-samples", action="store_true",
                       help="bỏ mọi tin mẫu (sample: true) khỏi trang, dữ liệu mở và tìm kiếm / "
                            "leave sample listings out of pages, open data and search")
    build.add_argument("--date", metavar="YYYY-MM-DD",
                       help="ngày xét hiệu lực chứng nhận; mặc định SOURCE_DATE_EPOCH hoặc hôm nay (giờ Việt Nam) / "
                            "the day statuses are judged on; default SOURCE_DATE_EPOCH, else today in Vietnam")
    build.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs",
                       help="bộ dựng trang: mkdocs (mặc định, mkdocs-material) hoặc zensical (thay thế khi "
                            "mkdocs-material ngừng hỗ trợ, xem docs/deploy.md) / the site engine: mkdocs (default) "
                            "or zensical, Material for MkDocs' successor (see docs/deploy.md)")

    serve = commands.add_parser("serve", help="xem trước trực tiếp / live preview")
    serve.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS)
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")

    new = commands.add_parser("new", help="tạo tin mới từ mẫu / write a new listing from the template")
    new.add_argument("kind", choices=list(MODELS))
    new.add_argument("name", help="tên của tin, tiếng Việt có dấu / the listing's name")
    new.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS)

    commands.add_parser("templates", help=f"ghi lại các mẫu trong {TEMPLATES_DIR}/ / regenerate templates/")
    commands.add_parser("issue-form", help=f"ghi lại {ISSUE_FORM} / regenerate the issue form")

    from_issue = commands.add_parser("from-issue", help="tạo tệp từ biểu mẫu Đăng ký thông tin / "
                                                        "turn a filled issue form into listing files")
    from_issue.add_argument("file", type=Path, help="nội dung issue (Markdown) / the issue body")
    from_issue.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS)
    from_issue.add_argument("--author", required=True,
                            help="tài khoản GitHub của người gửi issue; là người cập nhật duy nhất của tổ chức "
                                 "mới / the issue author's GitHub login, the new organisation's only maintainer")

    check_pr = commands.add_parser("check-pr", help="kiểm tra quyền sửa / check who may change what")
    check_pr.add_argument("--author", required=True, help="tài khoản GitHub / GitHub login")
    check_pr.add_argument("--base", required=True, help="nhánh gốc, ví dụ origin/main / base ref")
    check_pr.add_argument("--repo", type=Path, default=Path("."),
                          help="bản checkout của pull request / the pull request's checkout (CI runs the "
                               "base branch's build.py against it)")

    args = parser.parse_args(argv)
    return _COMMANDS[args.command](args)


def _serve(args) -> int:
    from . import site
    site.serve(args.listings, args.dev_addr)
    return 0


def _schema(args) -> int:
    sys.stdout.write(schema.json_text())
    return 0


def json_schema() -> dict:
    """The editor schema (see schema.py): committed as schema/listing.schema.json, published by every build."""
    return schema.json_schema()


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
        on = reference_date(args.date)
        site.build(args.listings, args.out, args.site_url, on=on, exclude_samples=args.exclude_samples,
                   engine=args.engine)
    except (site.BuildError, DateError) as err:
        print(str(err), file=sys.stderr)
        if args.out.exists():
            print(f"{args.out} được giữ nguyên / {args.out} is unchanged", file=sys.stderr)
        return 1
    print(f"Xem trang / view it: python -m http.server -d {args.out} 8000, rồi mở / then open "
          f"http://127.0.0.1:8000/ (hoặc / or `make serve` để xem trước khi sửa tin / to preview while editing)")
    return 0


def _new(args) -> int:
    listing_id, text = guide.new_listing(args.kind, args.name, dt.date.today())
    path = args.listings / args.kind / f"{listing_id}.yaml"
    if not listing_id:
        print("tên phải có chữ hoặc số / the name needs letters or digits", file=sys.stderr)
        return 1
    if path.exists():
        print(f"{path} đã có; hãy sửa tệp đó / already exists, edit it instead", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"đã tạo {path}: điền các trường có (*) rồi chạy `python build.py validate` / "
          f"created {path}: fill in the (*) fields, then validate")
    return 0


def _templates(args) -> int:
    TEMPLATES_DIR.mkdir(exist_ok=True)
    for kind in MODELS:
        (TEMPLATES_DIR / f"{kind}.yaml").write_text(guide.yaml_template(kind), encoding="utf-8")
    print(f"đã ghi {len(MODELS)} mẫu vào {TEMPLATES_DIR}/ / wrote the templates")
    return 0


def _issue_form(args) -> int:
    ISSUE_FORM.parent.mkdir(parents=True, exist_ok=True)
    ISSUE_FORM.write_text(intake.issue_form_yaml(), encoding="utf-8")
    print(f"đã ghi {ISSUE_FORM} / wrote the issue form")
    return 0


def _from_issue(args) -> int:
    try:
        body = intake.read_body(args.file)
        result = intake.from_issue(body, dt.date.today(), args.author, args.listings)
    except intake.IntakeError as err:
        print(err.format(), file=sys.stderr)
        return 1
    for note in result.notes():
        print(note)
    written, skipped = [], []
    for rel, data in result.files.items():
        path = args.listings / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite an existing file
                handle.write(intake.to_yaml(data))
        except FileExistsError:
            print(f"{path} đã có, không ghi đè; hãy đổi tên tin / already exists, not overwritten; "
                  f"rename the listing", file=sys.stderr)
            skipped.append(path)
            continue
        except OSError as err:
            print(f"{path}: không ghi được ({err.strerror or type(err).__name__}) / cannot write",
                  file=sys.stderr)
            skipped.append(path)
            continue
        written.append(path)
        print(f"đã tạo / created {path}")
    ok = not skipped
    if written:
        report = validate_tree(args.listings, only=set(written))
        print(report.format())
        ok = ok and report.ok
    else:
        print("không ghi tệp nào / no file written")
    if skipped:
        print(f"THẤT BẠI: {len(skipped)} tệp không ghi được / FAILED: {len(skipped)} file(s) not written",
              file=sys.stderr)
    return 0 if ok else 1


def _check_pr(args) -> int:
    try:
        refusals = check_pull_request(args.repo, args.base, args.author)
    except RuntimeError as err:
        print(f"không so sánh được với {args.base}: {err} / cannot diff against the base", file=sys.stderr)
        return 1
    for refusal in refusals:
        print(refusal.format(), file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":  # property escaping: a name cannot end it early
            file = refusal.path.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
            print(f"::error file={file}::{refusal.vi} / {refusal.en}", file=sys.stderr)
    if refusals:
        return 1
    print(f"OK: {args.author} được phép thực hiện các thay đổi này / may make these changes")
    return 0


_COMMANDS = {"validate": _validate, "build": _build, "serve": _serve, "schema": _schema, "new": _new,
             "templates": _templates, "issue-form": _issue_form, "from-issue": _from_issue, "check-pr": _check_pr}
