"""Run one site build in this (child) process and write its phase durations as JSON.

    python bench/child.py PHASES.json LISTINGS_DIR OUT_DIR

bench/run.py starts it once per build so that each build starts cold and its peak
memory (ru_maxrss, read by the parent with os.wait4) belongs to that build alone.
It builds with `directory.site.build`, exactly as `build.py build` does; it measures
nothing else and prints only what the build prints.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory import site  # noqa: E402


def main(argv: list[str]) -> int:
    out_json, listings, out_dir = (Path(a) for a in argv)
    phases: dict[str, float] = {}
    start = time.perf_counter()
    pages = site.build(listings, out_dir, phases=phases)
    phases["in_process"] = time.perf_counter() - start
    out_json.write_text(json.dumps({"pages": pages, "phases": phases}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
