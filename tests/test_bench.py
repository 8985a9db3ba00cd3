"""bench/run.py: a smoke run at tiny sizes writes every section of the report for both shapes, with
memory figures, into a report that holds other people's sections, which it keeps; and the merging
of a report into a shared file, on a small fake report.

Timings are never asserted (shared, noisy machines). The smoke run leaves the browser out
(`--no-browser`: Chromium, slow-4G emulation and Pagefind take minutes; `make bench --quick` runs
them) so that this file takes well under a minute.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import run  # noqa: E402

OWNED = ["## Tóm tắt / Summary", "## Kiểm tra / Validation", "## Dựng trang / Build", "## Bộ nhớ / Memory",
         "## Dựng lại / Rebuild", "## Xem trước trực tiếp / Incremental preview", "## Tìm kiếm / Search"]
SUBSECTIONS = ["### Theo giai đoạn / By phase", "### mkdocs-material thuần", "### Tăng trưởng / Growth",
               "### Thời gian đến kết quả đầu tiên / Time to first result"]
OTHERS = "## Zensical\n\nZensical: 1.0 s.\n\n## Lighthouse\n\nLighthouse: 100.\n"


def _table(text: str, heading: str) -> list[list[str]]:
    """The cells of the data rows of the first table under `heading`."""
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("|---")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_bench_writes_a_report(tmp_path):
    out = tmp_path / "performance.md"
    out.write_text("# Hiệu năng / Performance\n\nold header\n\n## Tóm tắt / Summary\n\nold summary\n\n" + OTHERS,
                   encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--sizes-skewed", "60,120,200", "--sizes-even", "120", "--repeat", "1",
         "--validate-repeat", "1", "--no-browser", "--no-pagefind", "--search-sizes", "120",
         "--preview-size", "120", "--preview-runs", "1", "--out", str(out), "--work", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text(encoding="utf-8")
    for heading in OWNED + SUBSECTIONS:
        assert heading in text, heading
    assert "old header" not in text and "old summary" not in text
    # the sections run.py does not write stay, after its own (the summary they followed is replaced)
    assert text.endswith(OTHERS) and text.count("## Zensical") == 1
    summary = _table(text, "## Tóm tắt / Summary")
    assert [(row[0], row[1]) for row in summary] == [("skewed", "60"), ("skewed", "120"), ("skewed", "200"),
                                                     ("even", "120")]
    memory = _table(text, "## Bộ nhớ / Memory")
    assert [(row[0], row[1]) for row in memory] == [(row[0], row[1]) for row in summary]
    for row in memory:   # PSS and largest RSS of ours, processes, PSS and RSS of the plain build
        assert all(int(cell) > 0 for cell in row[2:]), row
    assert re.search(r"rebuild: \*\*[0-9.]+ s\*\*", text)     # at the largest skewed size
    assert "skewed | của ta / ours |" in text                  # three skewed sizes: a fit
    assert "save → rebuilt page" in text and "120 tin / listings, skewed" in text
    assert "not measured (--no-browser" in text
    assert "tỉ lệ / ratios" in done.stdout and "skewed N=   200" in done.stdout and "even N=   120" in done.stdout


HEAD = "# Hiệu năng / Performance\n\nheader {}\n"


def test_merge_replaces_its_sections_and_keeps_the_others():
    old = (HEAD.format("old") + "\n## Tóm tắt / Summary\n\nold summary\n\n## Dựng trang / Build\n\nold build\n"
           "\n### By phase\n\nold phases\n\n## Zensical\n\nzensical\n\n## Tìm kiếm / Search\n\nold search\n\n"
           "## Lighthouse\n\nlighthouse\n")
    new = [("## Tóm tắt / Summary", "## Tóm tắt / Summary\n\nnew summary\n"),
           ("## Dựng trang / Build", "## Dựng trang / Build\n\nnew build\n"),
           ("## Bộ nhớ / Memory", "## Bộ nhớ / Memory\n\nnew memory\n"),
           ("## Tìm kiếm / Search", "## Tìm kiếm / Search\n\nnew search\n")]
    merged = run.merge_report(old, HEAD.format("new"), new)
    assert merged == (HEAD.format("new") + "\n## Tóm tắt / Summary\n\nnew summary\n\n## Dựng trang / Build\n\n"
                      "new build\n\n## Bộ nhớ / Memory\n\nnew memory\n\n## Zensical\n\nzensical\n\n"
                      "## Tìm kiếm / Search\n\nnew search\n\n## Lighthouse\n\nlighthouse\n")
    # --search-only: the search section alone; the header and every other section stay
    alone = run.merge_report(old, None, new[-1:])
    assert alone == old.replace("old search", "new search")
    # a new file: the header, then the sections in order
    assert run.merge_report("", HEAD.format("new"), new) == HEAD.format("new") + "\n" + "\n".join(t for _h, t in new)
    # a section no old one precedes goes before the first one the file has; none at all: at the end
    lone = [("## Bộ nhớ / Memory", "## Bộ nhớ / Memory\n\nm\n"), new[3]]
    assert run.merge_report(old, None, lone).index("## Bộ nhớ") < run.merge_report(old, None, lone).index("## Tìm")
    assert run.merge_report("## Zensical\n\nz\n", None, lone) == "## Zensical\n\nz\n\n" + "\n".join(t for _h, t in lone)
