"""Push 200 dashboards to the fake Grafana with 20 ms added to each request.

Measures the first push and an unchanged re-push, serial (one worker) and
concurrent, and checks the goals: a re-push makes no write and takes at most
a quarter of the first push; concurrent is at least three times faster than
serial. Run: ``python benchmarks/push_bench.py [--dashboards N] [--workers N]``.
"""

from __future__ import annotations

import argparse
import json
import time

from mt5dash.desired import DesiredDashboard, DesiredState
from mt5dash.push import ClientConfig, push
from mt5dash.testing import FakeGrafana


def state(count: int) -> DesiredState:
    dashboards = [
        DesiredDashboard(
            folder_uid="bench",
            model={
                "uid": f"bench-{i:03d}",
                "title": f"Bench {i:03d}",
                "schemaVersion": 39,
                "panels": [
                    {
                        "id": p,
                        "type": "timeseries",
                        "title": f"Panel {p}",
                        "gridPos": {"x": 0, "y": p * 8, "w": 24, "h": 8},
                        "targets": [{"refId": "A", "expr": f"up{{job='j{p}'}}"}],
                    }
                    for p in range(1, 6)
                ],
            },
        )
        for i in range(count)
    ]
    return DesiredState(
        folders=[{"uid": "bench", "title": "Bench"}], dashboards=dashboards
    )


def run(count: int, workers: int, delay: float) -> dict[str, float | int]:
    """First push and re-push on a fresh fake; seconds and write counts."""
    with FakeGrafana() as fake:
        fake.delay = delay
        config = ClientConfig(
            url=fake.url, user=fake.admin_user, password=fake.admin_password
        )
        declared = state(count)
        started = time.perf_counter()
        push(declared, config, workers=workers)
        first = time.perf_counter() - started
        writes_before = len(fake.writes())
        started = time.perf_counter()
        again = push(declared, config, workers=workers)
        second = time.perf_counter() - started
        return {
            "workers": workers,
            "first_push_s": round(first, 2),
            "re_push_s": round(second, 2),
            "re_push_writes": len(fake.writes()) - writes_before,
            "re_push_unchanged": again.counts.get("unchanged", 0),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.02)
    args = parser.parse_args()

    serial = run(args.dashboards, 1, args.delay)
    concurrent = run(args.dashboards, args.workers, args.delay)
    goals = {
        "re_push_writes_none": serial["re_push_writes"] == 0
        and concurrent["re_push_writes"] == 0,
        "re_push_quarter_serial": serial["re_push_s"] <= serial["first_push_s"] / 4,
        "re_push_quarter_concurrent": concurrent["re_push_s"]
        <= concurrent["first_push_s"] / 4,
        "concurrent_3x": concurrent["first_push_s"] * 3 <= serial["first_push_s"],
    }
    print(
        json.dumps(
            {"serial": serial, "concurrent": concurrent, "goals": goals}, indent=2
        )
    )


if __name__ == "__main__":
    main()
