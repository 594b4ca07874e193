"""Every query of the hub's dashboards and alert rules, run by a real Prometheus.

Prometheus runs the configuration ``mt5dash build`` generates, with its
targets moved to loopback ports: a real node_exporter reading the textfile
directory the KPI source publishes to, and the KPI source's HTTP endpoint for
request latency. Each panel query, variable query and alert query must return
something, with variables set to values their own queries return.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mt5dash.builder import build_state, load_project
from mt5dash.compile.prometheus import CONFIG_FILE, KPI_JOB, NODE_JOB, render_prometheus
from mt5dash.desired import DesiredState
from mt5dash.kpisource import latency, publish_data_age, publish_sharpe, run_job, serve
from mt5dash.promql import split_variable_query, substitute

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def state() -> DesiredState:
    return build_state(PROJECT)


@pytest.fixture(scope="module")
def latency_endpoint() -> Iterator[str]:
    """The KPI source's HTTP endpoint, with requests of two handlers recorded."""
    for seconds in (0.004, 0.03, 0.2):
        latency.observe("orders", seconds)
    latency.observe("quotes", 0.012)
    server, thread = serve(0, "127.0.0.1")
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def publish_hub_samples(textfile_dir: Path, data_dir: Path) -> None:
    """What the hub's jobs publish, through the KPI source's own functions."""
    for strategy, symbol, returns in [
        ("trend-eurusd", "EURUSD", [0.01, -0.004, 0.012, 0.003]),
        ("mean-reversion", "XAUUSD", [-0.002, 0.001, -0.003, 0.0005]),
    ]:
        publish_sharpe(textfile_dir, strategy, symbol, returns)
    (data_dir / "EURUSD.csv").write_text("time,bid,ask\n")
    publish_data_age(textfile_dir, "mt5-ticks", data_dir, "*.csv")
    run_job(textfile_dir, "export-ticks", [sys.executable, "-c", "pass"])
    run_job(textfile_dir, "report", [sys.executable, "-c", "raise SystemExit(2)"])


def local_config(generated: dict[str, Any], targets: dict[str, str]) -> dict[str, Any]:
    """The generated configuration, scraping ``targets`` by job every second."""
    config = dict(generated)
    config["global"] = {"evaluation_interval": "1s", "scrape_interval": "1s"}
    jobs = []
    for job in generated["scrape_configs"]:
        assert job["job_name"] in targets, f"no local target for {job['job_name']}"
        local = targets[job["job_name"]]
        jobs.append(job | {"static_configs": [{"targets": [local]}]})
    config["scrape_configs"] = jobs
    return config


@pytest.fixture(scope="module")
def prometheus(
    node_exporter,
    start_prometheus,
    free_address,
    latency_endpoint: str,
    tmp_path_factory: pytest.TempPathFactory,
):
    """Prometheus running the hub's generated configuration and rules."""
    publish_hub_samples(node_exporter.textfile_dir, tmp_path_factory.mktemp("data"))

    declared = load_project(PROJECT)
    files = render_prometheus(declared, declared.settings)
    address = free_address()
    config = local_config(
        yaml.safe_load(files[CONFIG_FILE]),
        {
            "prometheus": address,
            NODE_JOB: node_exporter.address,
            KPI_JOB: latency_endpoint,
        },
    )
    others = {
        path.removeprefix("prometheus/"): text
        for path, text in files.items()
        if path != CONFIG_FILE
    }
    server = start_prometheus(config, others, address)
    server.wait_targets_up(len(config["scrape_configs"]))
    # Rates need two scrapes of every target.
    server.wait_series("rate(mt5_request_duration_seconds_count[1m])")
    server.wait_series("rate(node_cpu_seconds_total[1m])")
    return server


def panels(model: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel of a dashboard, those inside collapsed rows included."""
    for panel in model.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def variable_values(prometheus, variable: dict[str, Any], known: dict[str, str]):
    """What a dashboard variable can take, asked from Prometheus."""
    if variable["type"] in ("custom", "interval"):
        return [o["value"] for o in variable["options"]]
    if variable["type"] != "query":
        return [str(variable.get("query", ""))]
    query = variable["query"]
    text = query["query"] if isinstance(query, dict) else query
    split = split_variable_query(substitute(text, known))
    if split.function == "label_values":
        return prometheus.label_values(split.label, split.promql)
    if split.function == "label_names":
        return prometheus.api("labels")
    if split.function == "metrics":
        return prometheus.label_values("__name__")
    series = prometheus.query(split.promql)
    return [str(s["value"][1]) for s in series]


def check_dashboard(prometheus, model: dict[str, Any]) -> tuple[int, list[str]]:
    """How many queries of a dashboard ran, and those that returned nothing.

    Each variable takes the first of the values its own query returns, so
    later variables and panel queries see it as Grafana would.
    """
    title = f"dashboard {model['uid']!r}"
    values: dict[str, str] = {}
    ran, empty = 0, []
    for variable in model.get("templating", {}).get("list", []):
        found = variable_values(prometheus, variable, values)
        regex = variable.get("regex") or ""
        found = [v for v in found if not regex or re.search(regex, v)]
        ran += 1
        if not found:
            query = variable.get("definition") or variable.get("query")
            empty.append(f"{title}: variable {variable['name']!r}: {query}")
            continue
        values[variable["name"]] = sorted(found)[0]
    for panel in panels(model):
        for target in panel.get("targets", []):
            if "expr" not in target:
                continue
            query = substitute(target["expr"], values)
            ran += 1
            if not prometheus.query(query):
                empty.append(
                    f"{title}: panel {panel.get('title')!r} "
                    f"target {target.get('refId')}: {query}"
                )
    return ran, empty


def alert_queries(state: DesiredState) -> Iterator[tuple[str, str]]:
    for group in state.rule_groups:
        for rule in group.rules:
            for query in rule["data"]:
                if query["datasourceUid"] != "__expr__":
                    where = (
                        f"rule group {group.title!r}: alert rule {rule['uid']!r} "
                        f"query {query['refId']}"
                    )
                    yield where, query["model"]["expr"]


def test_every_dashboard_and_alert_query_returns_series(
    prometheus, state: DesiredState
) -> None:
    ran, empty = 0, []
    for dashboard in state.dashboards:
        count, missing = check_dashboard(prometheus, dashboard.model)
        ran, empty = ran + count, empty + missing
    for where, query in alert_queries(state):
        ran += 1
        if not prometheus.query(query):
            empty.append(f"{where}: {query}")

    assert ran >= len(state.dashboards) + len(state.rule_groups)
    assert empty == [], "queries without a series:\n" + "\n".join(empty)


def test_prometheus_loads_every_generated_rule_group(
    prometheus, state: DesiredState
) -> None:
    groups = prometheus.api("rules")["groups"]
    assert sorted(g["name"] for g in groups) == sorted(
        g.title for g in state.rule_groups
    )
    assert all(r["health"] != "err" for g in groups for r in g["rules"])


def test_a_query_without_series_is_named_with_its_dashboard_and_panel(
    prometheus,
) -> None:
    model = {
        "uid": "probe",
        "templating": {"list": []},
        "panels": [
            {
                "type": "row",
                "title": "Hidden",
                "panels": [
                    {
                        "title": "Nothing",
                        "targets": [{"refId": "A", "expr": "no_such_metric"}],
                    }
                ],
            }
        ],
    }
    assert check_dashboard(prometheus, model) == (
        1,
        ["dashboard 'probe': panel 'Nothing' target A: no_such_metric"],
    )


def test_a_variable_without_values_is_named(prometheus) -> None:
    variable = {
        "name": "symbol",
        "type": "query",
        "definition": "label_values(no_such_metric, symbol)",
        "query": {"query": "label_values(no_such_metric, symbol)"},
    }
    model = {"uid": "probe", "templating": {"list": [variable]}, "panels": []}
    assert check_dashboard(prometheus, model) == (
        1,
        ["dashboard 'probe': variable 'symbol': label_values(no_such_metric, symbol)"],
    )
