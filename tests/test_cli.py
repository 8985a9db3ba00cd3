"""`python build.py validate` and `python build.py schema`, run as a person runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import VALID

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["organisation", "product", "recycler", "model", "distributor", "exhibition", "offer", "demand"]


def build(*args: str, github: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run([sys.executable, "build.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_validate_valid_tree_exits_0():
    result = build("validate", "--listings", str(VALID))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: 8 tệp, 0 lỗi" in result.stdout
    assert result.stderr == ""


def test_validate_errors_exit_1_without_traceback(tree):
    tree.edit("product/tui-giay-mau.yaml", "kind: product", "kind: [product]")
    tree.write("organisation/tab.yaml", "id: tab\n\tkind: organisation\n")
    tree.path("offer/gone.yaml").symlink_to(tree.root / "nowhere.yaml")
    result = build("validate", "--listings", str(tree.root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    err = result.stderr
    assert f"{tree.path('product/tui-giay-mau.yaml')}:2: kind: loại '['product']' không có" in err
    assert f"{tree.path('organisation/tab.yaml')}:2: có ký tự Tab; hãy dùng dấu cách để thụt lề / contains a tab" in err
    assert f"{tree.path('offer/gone.yaml')}:1: không đọc được tệp" in err
    assert "THẤT BẠI / FAILED: 10 tệp, 3 lỗi" in err


def test_validate_github_annotations(tree):
    tree.edit("exhibition/trien-lam-mau.yaml", "region: bac", "region: nam")
    result = build("validate", "--listings", str(tree.root), github=True)
    assert result.returncode == 1
    path = tree.path("exhibition/trien-lam-mau.yaml")
    assert f"::error file={path},line=9::region: Thành phố Hà Nội thuộc miền 'bac'" in result.stderr


def test_validate_warnings_do_not_fail(tree):
    tree.edit("distributor/sieu-thi-mau.yaml", "valid_until: 2099-02-28", "valid_until: 2025-06-30")
    result = build("validate", "--listings", str(tree.root))
    assert result.returncode == 0, result.stderr
    assert "Gợi ý / Warnings (1):" in result.stdout
    assert "mọi chứng nhận đã hết hạn" in result.stdout


def test_validate_missing_directory(tmp_path):
    result = build("validate", "--listings", str(tmp_path / "khong-co"))
    assert result.returncode == 1
    assert "không tìm thấy thư mục" in result.stderr and "Traceback" not in result.stderr


def test_schema_is_json_and_covers_every_kind():
    result = build("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["discriminator"]["propertyName"] == "kind"
    mapping = schema["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(KINDS)
    refs = {item["$ref"] for item in schema["oneOf"]}
    assert refs == set(mapping.values())
    for kind, ref in mapping.items():
        definition = schema["$defs"][ref.rsplit("/", 1)[1]]
        assert definition["properties"]["kind"]["const"] == kind
        assert definition["additionalProperties"] is False
        assert "id" in definition["required"]


def test_schema_closed_lists_and_provinces_are_enums():
    schema = json.loads(build("schema").stdout)
    product = schema["$defs"]["Product"]["properties"]
    assert product["sectors"]["items"] == {"$ref": "#/$defs/Sector"}  # each closed list keeps its name
    assert "bao_bi" in json.dumps(schema["$defs"]["Sector"])
    provinces = schema["$defs"]["Province"]["anyOf"][0]["enum"]
    assert len(provinces) == 34 and "Lâm Đồng" in provinces


@pytest.mark.parametrize("argv", [["validate", "--bogus"], ["nothing"]])
def test_bad_arguments_exit_nonzero_with_usage(argv):
    result = build(*argv)
    assert result.returncode == 2
    assert "usage: build.py" in result.stderr and "Traceback" not in result.stderr


def test_a_build_says_how_to_view_the_site(tmp_path, capsys):
    from directory import cli
    fixtures = Path(__file__).parent / "fixtures" / "site"
    assert cli.main(["build", "--listings", str(fixtures), "--out", str(tmp_path / "s"), "--date", "2025-10-01"]) == 0
    out = capsys.readouterr().out
    assert f"python -m http.server -d {tmp_path / 's'} 8000" in out and "make serve" in out
