"""Smoke test of bench/run.py at a tiny size: it runs end to end and writes every section.

Timings are never asserted (shared, noisy machines); only that the report exists, has
its sections and a row per size. The browser part runs when chromium is installed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["# Hiệu năng / Performance", "## Tóm tắt / Summary", "## Kiểm tra / Validation",
            "## Dựng trang / Build", "### Theo giai đoạn / By phase", "### mkdocs-material thuần",
            "### Tăng trưởng / Growth", "## Xem trước trực tiếp / Incremental preview",
            "## Tìm kiếm / Search", "### Thời gian đến kết quả đầu tiên / Time to first result"]


def test_bench_writes_a_report(tmp_path):
    out = tmp_path / "performance.md"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--sizes", "20,30", "--repeat", "1", "--validate-repeat", "1",
         "--search-sizes", "20", "--search-runs", "1", "--builtin-timeout", "30", "--preview-size", "20",
         "--preview-runs", "1", "--out", str(out), "--work", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in text, section
    for n in (20, 30):
        assert f"\n| {n} | " in text
    assert "tỉ lệ / ratios" in done.stdout and "N=    20" in done.stdout
    assert "save → rebuilt page" in text
    search = text.split("### Thời gian đến kết quả đầu tiên")[1]
    if Path("/usr/bin/chromium").exists():
        ours = search.split("\n| 20 | ")[1].split(" | ")[1]
        assert ours.endswith("ms, 1 lần / runs"), ours    # our search found the query
    else:
        assert "not measured" in search
