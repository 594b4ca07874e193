"""The KPI bundles' promtool examples follow their parameters.

Whatever threshold, duration or metric a project chooses, the examples that
come with a bundle's rules must pass ``promtool test rules`` against the rules
compiled from the same parameters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mt5dash
from mt5dash.compile.prometheus import render_prometheus
from mt5dash.loader import Declarations
from mt5dash.model import RuleGroup
from mt5dash.settings import Settings

BUNDLES = [
    pytest.param(lambda: mt5dash.sharpe_ratio(), id="sharpe defaults"),
    pytest.param(lambda: mt5dash.sharpe_ratio(threshold=0.2), id="sharpe 0.2"),
    pytest.param(lambda: mt5dash.sharpe_ratio(threshold=-1, for_="0s"), id="for 0s"),
    pytest.param(lambda: mt5dash.sharpe_ratio(threshold=2, for_="1h"), id="for 1h"),
    pytest.param(lambda: mt5dash.data_freshness(), id="data defaults"),
    pytest.param(lambda: mt5dash.data_freshness(max_age_hours=6), id="data 6h"),
    pytest.param(
        lambda: mt5dash.data_freshness(max_age_hours=0.3, for_="0s"),
        id="data 18 minutes, for 0s",
    ),
    pytest.param(
        lambda: mt5dash.data_freshness(
            timestamp_metric="feed_last_file_seconds", label="feed", for_="90s"
        ),
        id="data own metric and label",
    ),
    pytest.param(lambda: mt5dash.disk_usage(percent=97), id="disk 97%"),
    pytest.param(
        lambda: mt5dash.disk_usage(percent=50, predict_hours=1, for_="2m"),
        id="disk 50% within 1h",
    ),
    pytest.param(
        lambda: mt5dash.disk_usage(selector='mountpoint="/data"'), id="disk /data"
    ),
    pytest.param(
        lambda: mt5dash.scheduled_jobs(max_age_hours=50, for_="1m"), id="jobs 50h"
    ),
    pytest.param(
        lambda: mt5dash.request_latency(threshold_seconds=2, quantile=0.99),
        id="latency p99 2s",
    ),
    pytest.param(
        lambda: mt5dash.request_latency(by=("route", "method"), for_="3m"),
        id="latency by two labels",
    ),
]


@pytest.mark.parametrize("make_bundle", BUNDLES)
def test_examples_pass_promtool(make_bundle, promtool, write_tree, tmp_path: Path):
    bundle = make_bundle()
    settings = Settings()
    group = RuleGroup(name="kpi", folder="hub", rules=list(bundle.rules))
    declared = Declarations(project=tmp_path, settings=settings, rule_groups=[group])

    files = render_prometheus(declared, settings)
    root = write_tree(files) / "prometheus"
    result = promtool("test", "rules", "tests/kpi.test.yml", cwd=root)

    assert all(rule.examples for rule in bundle.rules)
    assert result.returncode == 0, result.stdout + result.stderr
