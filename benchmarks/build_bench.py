"""How fast the command line starts and the build runs.

Run: ``python benchmarks/build_bench.py``. Goals: ``mt5dash --help`` at most
150 ms, the hub's build at most 0.5 s, 1,000 dashboards of 12 panels at most
4 s, growing linearly with the number of dashboards. Each figure is the median
of several runs of a fresh process, after one warm-up run, with Python's
bytecode cache on (``PYTHONDONTWRITEBYTECODE`` is dropped if set).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MT5DASH = Path(sys.executable).parent / "mt5dash"

GENERATED = """
from mt5dash import Dashboard, Datasource, Folder, QueryVariable, Row
from mt5dash.panels import stat, timeseries

prom = Datasource.prometheus(uid="prom", url="http://prometheus:9090")
SYMBOLS = "label_values(sharpe_ratio_last, symbol)"
folders = [Folder(uid=f"f{{i}}", title=f"Folder {{i}}") for i in range(10)]


def panels(n):
    out = []
    for i in range(6):
        sharpe = f'sharpe_ratio_last{{{{symbol=~"$symbol",n="{{n}}"}}}}'
        orders = f'rate(mt5_orders_total{{{{n="{{n}}"}}}}[$__rate_interval])'
        out.append(stat(f"Stat {{i}}", sharpe))
        out.append(timeseries(f"Series {{i}}", orders))
    return [Row(title="Top", panels=out[:6]), Row(title="More", panels=out[6:])]


dashboards = [
    Dashboard(
        uid=f"d{{n}}", title=f"Dashboard {{n}}", folder=f"f{{n % 10}}",
        variables=[QueryVariable(name="symbol", query=SYMBOLS)],
        panels=panels(n),
    )
    for n in range({count})
]
"""


# Python's default: compiled modules are cached, as on an installed system.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _median_seconds(cmd: list[str], runs: int, cwd: Path) -> float:
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=ENV)  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _generated_project(root: Path, count: int) -> Path:
    project = root / f"gen{count}"
    (project / "dashboards").mkdir(parents=True)
    (project / "alerts").mkdir()
    (project / "pyproject.toml").write_text("[tool.mt5dash]\n")
    source = textwrap.dedent(GENERATED.format(count=count))
    (project / "dashboards" / "generated.py").write_text(source)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    rows = [
        (
            "mt5dash --help",
            _median_seconds([str(MT5DASH), "--help"], args.runs, REPO),
            0.15,
        )
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        hub = [str(MT5DASH), "build", "--out", str(out)]
        rows.append(("mt5dash build (hub)", _median_seconds(hub, args.runs, REPO), 0.5))
        for count, goal in ((100, None), (1000, 4.0)):
            project = _generated_project(Path(tmp), count)
            cmd = [str(MT5DASH), "build", "--project", str(project)]
            runs = max(1, args.runs // 2) if count > 100 else args.runs
            rows.append(
                (
                    f"mt5dash build ({count} dashboards x 12 panels)",
                    _median_seconds(cmd, runs, REPO),
                    goal,
                )
            )
            shutil.rmtree(project)

    width = max(len(name) for name, _, _ in rows)
    for name, seconds, goal in rows:
        verdict = (
            ""
            if goal is None
            else ("ok" if seconds <= goal else f"over the {goal} s goal")
        )
        print(f"{name:<{width}}  {seconds:7.3f} s  {verdict}")


if __name__ == "__main__":
    main()
