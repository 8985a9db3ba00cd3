"""Benchmark: how many listings per second `validate_tree` checks.

    .venv/bin/python bench/bench_validate.py [--counts 1000,10000] [--repeat 3] [--seed 0]

For each count it writes a synthetic tree (`directory.synthetic`) into a temporary
directory, validates it `--repeat` times and prints listings/second (median, min,
max). With more than one count it also prints the time per listing of the largest
tree relative to the smallest: about 1.0 means validation grows linearly. The goal
of issue 2 is 10,000 listings in 5 s or less (≥ 2,000 listings/s).

It measures; it asserts nothing (tests/test_synthetic.py runs it once, tiny).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory.synthetic import generate, write_tree  # noqa: E402
from directory.validate import validate_tree  # noqa: E402


def measure(count: int, repeat: int, seed: int) -> list[float]:
    """Seconds taken by each of `repeat` validations of a fresh `count`-listing tree."""
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        write_tree(generate(count, seed), Path(tmp))
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            report = validate_tree(Path(tmp) / "listings")
            times.append(time.perf_counter() - start)
            if report.errors or report.checked != count:
                shown = "\n".join(p.format() for p in report.errors[:20])
                raise SystemExit(f"tập dữ liệu tổng hợp có lỗi / synthetic tree has errors:\n{shown}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Đo tốc độ kiểm tra / validation benchmark")
    parser.add_argument("--counts", default="1000,10000", help="số tin, cách nhau bằng dấu phẩy / listing counts")
    parser.add_argument("--repeat", type=int, default=3, help="số lần đo mỗi cỡ / runs per count")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",") if c.strip()]

    per_listing = {}
    print(f"{'listings':>9} {'median/s':>10} {'min/s':>10} {'max/s':>10} {'median s':>9}")
    for count in counts:
        times = measure(count, args.repeat, args.seed)
        median = statistics.median(times)
        per_listing[count] = median / count
        print(f"{count:>9} {count / median:>10.0f} {count / max(times):>10.0f} "
              f"{count / min(times):>10.0f} {median:>9.3f}")
    if len(counts) > 1:
        small, large = min(counts), max(counts)
        print(f"thời gian mỗi tin / time per listing, {large} vs {small}: "
              f"{per_listing[large] / per_listing[small]:.2f}x (1.00 = tuyến tính / linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
