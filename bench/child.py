"""Run one site build in this (child) process and write its phase durations as JSON.

    python bench/child.py PHASES.json LISTINGS_DIR OUT_DIR YYYY-MM-DD

bench/run.py starts it once per build so that each build starts cold and the memory the
parent samples (the PSS of this process and the processes the build forks, measure.run_child)
belongs to that build alone. It builds with `directory.site.build`, exactly as `build.py build`
does, judging statuses on the given date (the synthetic data's, so that the pages do not
change with the day the benchmark runs); it measures nothing else and prints only what the
build prints. The JSON says how many processes the build used: with more than one, export
and index run beside render.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory import site  # noqa: E402


def main(argv: list[str]) -> int:
    out_json, listings, out_dir = (Path(a) for a in argv[:3])
    on = dt.date.fromisoformat(argv[3])
    phases: dict[str, float] = {}
    start = time.perf_counter()
    pages = site.build(listings, out_dir, phases=phases, on=on)
    phases["in_process"] = time.perf_counter() - start
    out_json.write_text(json.dumps({"pages": pages, "phases": phases, "processes": site.PROCESSES}),
                        encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
