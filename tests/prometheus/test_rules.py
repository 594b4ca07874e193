"""Alert rules as Prometheus rules, checked and unit-tested by promtool itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mt5dash.builder import load_project
from mt5dash.compile.prometheus import render_prometheus
from mt5dash.errors import CompileError
from mt5dash.loader import Declarations
from mt5dash.model import (
    AlertExample,
    AlertRule,
    Datasource,
    Math,
    Query,
    Reduce,
    RuleGroup,
    Threshold,
    ThresholdExpression,
)
from mt5dash.settings import PrometheusSettings, Settings

SHARPE_SERIES = 'sharpe_ratio_last{strategy="trend", symbol="EURUSD"}'


def sharpe_rule(fires_at: list[str], quiet_at: list[str]) -> AlertRule:
    return AlertRule(
        uid="sharpe-low",
        title="Sharpe ratio low",
        when="min by (strategy, symbol) (sharpe_ratio_last) below 0.5 for 10m",
        labels={"severity": "warning"},
        summary="Sharpe ratio of {{ $labels.strategy }} is {{ $values.B }}",
        examples=[
            AlertExample(
                series={SHARPE_SERIES: "1 1 0.3x20"},
                fires_at=fires_at,
                quiet_at=quiet_at,
            )
        ],
    )


def render(
    tmp_path: Path,
    *rules: AlertRule,
    datasources: tuple[Datasource, ...] = (),
    settings: Settings | None = None,
) -> dict[str, str]:
    settings = settings or Settings()
    declared = Declarations(
        project=tmp_path,
        settings=settings,
        datasources=list(datasources),
        rule_groups=[RuleGroup(name="KPI", folder="mt5", rules=list(rules))],
    )
    return render_prometheus(declared, settings)


def only_rule(files: dict[str, str]) -> dict[str, Any]:
    (group,) = yaml.safe_load(files["prometheus/rules/kpi.yml"])["groups"]
    (rule,) = group["rules"]
    return rule


def test_config_scrapes_prometheus_node_exporter_and_kpi_source(
    tmp_path: Path,
) -> None:
    files = render(tmp_path, sharpe_rule(["12m"], ["8m"]))

    assert yaml.safe_load(files["prometheus/prometheus.yml"]) == {
        "alerting": {
            "alertmanagers": [{"static_configs": [{"targets": ["alertmanager:9093"]}]}]
        },
        "global": {"evaluation_interval": "15s", "scrape_interval": "15s"},
        "rule_files": ["rules/kpi.yml"],
        "scrape_configs": [
            {
                "job_name": "prometheus",
                "static_configs": [{"targets": ["localhost:9090"]}],
            },
            {
                "honor_labels": True,
                "job_name": "node",
                "static_configs": [{"targets": ["node-exporter:9100"]}],
            },
            {
                "honor_labels": True,
                "job_name": "mt5-kpi",
                "static_configs": [{"targets": ["host.docker.internal:9101"]}],
            },
        ],
    }


def test_config_follows_the_settings(tmp_path: Path) -> None:
    settings = Settings(
        prometheus=PrometheusSettings(
            scrape_interval="5s",
            evaluation_interval="30s",
            port=9191,
            node_exporter="10.0.0.2:9100",
            kpi_targets=[],
        )
    )
    config = yaml.safe_load(
        render(tmp_path, sharpe_rule([], []), settings=settings)[
            "prometheus/prometheus.yml"
        ]
    )

    assert config["global"] == {"evaluation_interval": "30s", "scrape_interval": "5s"}
    assert [job["static_configs"] for job in config["scrape_configs"]] == [
        [{"targets": ["localhost:9191"]}],
        [{"targets": ["10.0.0.2:9100"]}],
    ]


def test_compact_rule_becomes_a_filter_with_for_labels_and_annotations(
    tmp_path: Path,
) -> None:
    assert only_rule(render(tmp_path, sharpe_rule([], []))) == {
        "alert": "Sharpe ratio low",
        "expr": "(min by (strategy, symbol) (sharpe_ratio_last)) < 0.5",
        "for": "10m",
        "labels": {"severity": "warning"},
        "annotations": {
            "summary": "Sharpe ratio of {{ $labels.strategy }} is {{ $value }}"
        },
    }


def test_generated_files_pass_promtool_check(
    tmp_path: Path, promtool, write_tree
) -> None:
    root = write_tree(render(tmp_path, sharpe_rule(["12m"], ["8m"])))

    result = promtool("check", "config", "prometheus/prometheus.yml", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 1 rules found" in result.stdout


def test_sharpe_below_half_for_10m_fires_at_12m_not_at_8m(
    tmp_path: Path, promtool, write_tree
) -> None:
    root = write_tree(render(tmp_path, sharpe_rule(["12m"], ["1m", "8m", "11m"])))

    result = promtool("test", "rules", "prometheus/tests/kpi.test.yml", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize(
    ("fires_at", "quiet_at", "reported"),
    [
        (["8m"], [], "time: 8m"),
        ([], ["12m"], "time: 12m"),
    ],
    ids=["expects-firing-too-early", "expects-quiet-while-firing"],
)
def test_wrong_example_fails_promtool(
    tmp_path: Path,
    promtool,
    write_tree,
    fires_at: list[str],
    quiet_at: list[str],
    reported: str,
) -> None:
    root = write_tree(render(tmp_path, sharpe_rule(fires_at, quiet_at)))

    result = promtool("test", "rules", "prometheus/tests/kpi.test.yml", cwd=root)
    assert result.returncode == 1
    assert reported in result.stdout + result.stderr


THRESHOLD_CASES = [
    # (when, series values, fires_at, quiet_at, expected expr)
    ("cpu above 80 for 2m", "50 90x10", ["3m"], ["0m", "2m"], "(cpu) > 80"),
    ("cpu within 10..20", "5 15 25", ["1m"], ["0m", "2m"], "(cpu) > 10 < 20"),
    (
        "cpu outside 10..20",
        "15 5 25 15",
        ["1m", "2m"],
        ["0m", "3m"],
        "(cpu) < 10 or (cpu) > 20",
    ),
]


@pytest.mark.parametrize(
    ("when", "values", "fires_at", "quiet_at", "expr"),
    THRESHOLD_CASES,
    ids=["above", "within", "outside"],
)
def test_each_threshold_fires_as_its_examples_say(
    tmp_path: Path,
    promtool,
    write_tree,
    when: str,
    values: str,
    fires_at: list[str],
    quiet_at: list[str],
    expr: str,
) -> None:
    rule = AlertRule(
        uid="cpu",
        title="CPU",
        when=when,
        examples=[
            AlertExample(
                series={'cpu{host="a"}': values}, fires_at=fires_at, quiet_at=quiet_at
            )
        ],
    )
    files = render(tmp_path, rule)
    root = write_tree(files)

    assert only_rule(files)["expr"] == expr
    result = promtool("test", "rules", "prometheus/tests/kpi.test.yml", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_reduced_range_query_becomes_an_over_time_function(
    tmp_path: Path, promtool, write_tree
) -> None:
    rule = AlertRule(
        uid="latency",
        title="Latency high",
        data=[
            Query(ref_id="A", expr="latency_seconds", instant=False, lookback="5m"),
            Reduce(ref_id="B", expression="A", reducer="mean"),
            ThresholdExpression(
                ref_id="C", expression="B", threshold=Threshold.parse("above 1")
            ),
        ],
        condition="C",
        examples=[
            # The 5-minute mean passes 1 once three samples of 2 are in.
            AlertExample(
                series={"latency_seconds": "0 0 0 0 0 2 2 2 2 2"},
                fires_at=["8m"],
                quiet_at=["6m"],
            )
        ],
    )
    files = render(tmp_path, rule)
    root = write_tree(files)

    assert only_rule(files)["expr"] == "(avg_over_time((latency_seconds)[5m:15s])) > 1"
    result = promtool("test", "rules", "prometheus/tests/kpi.test.yml", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_math_condition_alerts_on_non_zero(
    tmp_path: Path, promtool, write_tree
) -> None:
    rule = AlertRule(
        uid="disk",
        title="Disk almost full",
        data=[
            Query(ref_id="A", expr="node_filesystem_avail_bytes"),
            Query(ref_id="B", expr="node_filesystem_size_bytes"),
            Math(ref_id="C", expression="$A / ${B} < 0.1"),
        ],
        condition="C",
        examples=[
            AlertExample(
                series={
                    'node_filesystem_avail_bytes{mountpoint="/"}': "50 5",
                    'node_filesystem_size_bytes{mountpoint="/"}': "100 100",
                },
                fires_at=["1m"],
                quiet_at=["0m"],
            )
        ],
    )
    files = render(tmp_path, rule)
    root = write_tree(files)

    assert only_rule(files)["expr"] == (
        "((node_filesystem_avail_bytes) / (node_filesystem_size_bytes) < bool 0.1) != 0"
    )
    result = promtool("test", "rules", "prometheus/tests/kpi.test.yml", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


def _both(examples: list[AlertExample]) -> AlertRule:
    return AlertRule(
        uid="both",
        title="Both",
        data=[
            Query(ref_id="A", expr="up"),
            Query(ref_id="B", expr="up"),
            Math(ref_id="C", expression="$A && $B"),
        ],
        condition="C",
        examples=examples,
    )


def test_math_without_promql_equivalent_is_left_out_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = render(tmp_path, _both([]))

    assert "prometheus/rules/kpi.yml" not in files
    assert "left out of the Prometheus rules" in caplog.text
    assert "'&&' has no PromQL equivalent here" in caplog.text


def test_math_without_promql_equivalent_is_a_problem_when_it_has_examples(
    tmp_path: Path,
) -> None:
    example = AlertExample(series={"up": "1x10"}, quiet_at=["5m"])
    with pytest.raises(CompileError) as info:
        render(tmp_path, _both([example]))

    (problem,) = info.value.problems
    assert (problem.obj, problem.field, problem.message) == (
        "alert rule 'both'",
        "data.C.expression",
        "'&&' has no PromQL equivalent here",
    )
    assert problem.file == Path(__file__).as_posix()


def test_condition_naming_no_step_is_a_problem(tmp_path: Path) -> None:
    rule = AlertRule(
        uid="x",
        title="X",
        data=[Query(ref_id="A", expr="up")],
        condition="Z",
        examples=[AlertExample(series={"up": "1x10"}, quiet_at=["5m"])],
    )
    with pytest.raises(CompileError) as info:
        render(tmp_path, rule)
    assert [(p.field, p.message) for p in info.value.problems] == [
        ("condition", "no step 'Z'; steps: A")
    ]


def test_example_time_that_is_no_duration_is_a_problem(tmp_path: Path) -> None:
    rule = sharpe_rule(["twelve minutes"], [])
    with pytest.raises(CompileError) as info:
        render(tmp_path, rule)
    assert [(p.field, p.message) for p in info.value.problems] == [
        (
            "examples.0.fires_at",
            "'twelve minutes' is not a duration such as 30s, 5m, 1h or 1d",
        )
    ]


def test_rules_of_other_datasources_and_paused_rules_are_left_out(
    tmp_path: Path,
) -> None:
    loki = Datasource(name="Logs", type="loki", uid="logs", url="http://loki")
    logs_rule = AlertRule(
        uid="errors",
        title="Errors",
        expr='count_over_time({app="hub"}[5m])',
        threshold="above 0",
        datasource="logs",
    )
    paused = sharpe_rule([], []).model_copy(update={"is_paused": True})

    files = render(tmp_path, logs_rule, paused, datasources=(loki,))
    assert sorted(files) == ["prometheus/alertmanager.yml", "prometheus/prometheus.yml"]
    assert yaml.safe_load(files["prometheus/prometheus.yml"])["rule_files"] == []


def test_groups_sharing_a_name_get_their_folder_in_the_file_name(
    tmp_path: Path,
) -> None:
    rule = sharpe_rule([], [])
    declared = Declarations(
        project=tmp_path,
        settings=Settings(),
        rule_groups=[
            RuleGroup(name="KPI", folder="trading", rules=[rule]),
            RuleGroup(name="KPI", folder="ops", rules=[rule]),
        ],
    )
    files = render_prometheus(declared, declared.settings)
    assert sorted(files) == [
        "prometheus/alertmanager.yml",
        "prometheus/prometheus.yml",
        "prometheus/rules/ops-kpi.yml",
        "prometheus/rules/trading-kpi.yml",
    ]


def test_the_hubs_rules_and_examples_pass_promtool(promtool, write_tree) -> None:
    project = Path(__file__).resolve().parents[2]
    declared = load_project(project)
    files = render_prometheus(declared, declared.settings)
    root = write_tree(files) / "prometheus"
    tests = sorted(p for p in files if p.startswith("prometheus/tests/"))

    checked = promtool("check", "config", "prometheus.yml", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert len(tests) == len(declared.rule_groups)
    for path in tests:
        result = promtool("test", "rules", path.removeprefix("prometheus/"), cwd=root)
        assert result.returncode == 0, f"{path}:\n{result.stdout}{result.stderr}"


def test_alertmanager_routes_everything_to_a_silent_receiver(tmp_path: Path) -> None:
    files = render(tmp_path, sharpe_rule([], []))

    assert yaml.safe_load(files["prometheus/alertmanager.yml"]) == {
        "receivers": [{"name": "grafana-managed"}],
        "route": {"group_by": ["alertname"], "receiver": "grafana-managed"},
    }


def test_no_alertmanager_means_no_alerting_section(tmp_path: Path) -> None:
    settings = Settings(prometheus=PrometheusSettings(alertmanager=""))
    declared = Declarations(project=tmp_path, settings=settings)

    files = render_prometheus(declared, settings)

    assert sorted(files) == ["prometheus/prometheus.yml"]
    assert "alerting" not in yaml.safe_load(files["prometheus/prometheus.yml"])
