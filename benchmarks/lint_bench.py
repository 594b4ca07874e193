"""How long ``mt5dash lint`` takes over the shared corpus (goal: 5 s or less).

Run from the repository root: ``python benchmarks/lint_bench.py [runs]``.
Reads the files once, then times the lint itself (reading, parsing, all
rules) on each run, and also one full run including reading from disk.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from mt5dash.lint import collect, run

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
GOAL_SECONDS = 5.0


def main(runs: int) -> int:
    corpus = CORPUS.resolve()
    if not corpus.is_dir():
        print(f"skipped: the corpus is not at {CORPUS}", file=sys.stderr)
        return 0

    start = time.perf_counter()
    files = collect([corpus], corpus)
    result = run(files)
    cold = time.perf_counter() - start

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(files)
        times.append(time.perf_counter() - start)

    size = sum(len(c) for c in files.values()) / 1e6
    print(f"corpus: {len(files)} files, {size:.1f} MB, {len(result.findings)} findings")
    print(f"first run with reading from disk: {cold:.2f} s")
    print(
        f"lint only, {runs} runs: median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s"
    )
    ok = cold <= GOAL_SECONDS and max(times) <= GOAL_SECONDS
    print(f"goal {GOAL_SECONDS:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
