"""``mt5dash push`` and ``diff`` against the faithful Grafana, through the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from mt5dash.cli import push_cmd
from mt5dash.cli.main import _register, app
from mt5dash.desired import DesiredState
from mt5dash.secrets import EnvSecret

from .conftest import panel

_register()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``mt5dash`` with the given state standing in for the declarations."""

    def run(args: list[str], state: DesiredState, env: dict[str, str]) -> Any:
        monkeypatch.setattr(push_cmd, "load_state", lambda project: state)
        base = {"GRAFANA_TOKEN": "", "GRAFANA_USER": "", "GRAFANA_PASSWORD": ""}
        return CliRunner().invoke(app, args, env={**base, **env})

    return run


def credentials(grafana: Any) -> dict[str, str]:
    if isinstance(grafana.auth, tuple):
        return {"GRAFANA_USER": grafana.auth[0], "GRAFANA_PASSWORD": grafana.auth[1]}
    return {"GRAFANA_TOKEN": grafana.auth}


def small(state: DesiredState) -> DesiredState:
    """The folders, datasources and dashboards of ``state`` only."""
    return DesiredState(
        folders=state.folders,
        datasources=state.datasources,
        dashboards=state.dashboards,
    )


def test_second_push_changes_nothing(cli: Any, grafana: Any, state: Any) -> None:
    env = credentials(grafana)
    first = cli(["push", "--url", grafana.url, "-o", "json"], small(state), env)
    assert first.exit_code == 0, first.stderr
    second = cli(["push", "--url", grafana.url, "-o", "json"], small(state), env)

    assert second.exit_code == 0, second.stderr
    report = json.loads(second.stdout)
    assert report["writes"] == 0
    assert report["counts"] == {"unchanged": 4}


def test_second_push_sends_no_write_request(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    env = credentials_of_fake(fake_grafana)
    cli(["push", "--url", fake_grafana.url], state, env)
    before = len(fake_grafana.writes())
    result = cli(["push", "--url", fake_grafana.url], state, env)

    assert result.exit_code == 0, result.stderr
    assert fake_grafana.writes()[before:] == []


def credentials_of_fake(fake: Any) -> dict[str, str]:
    return {"GRAFANA_USER": fake.admin_user, "GRAFANA_PASSWORD": fake.admin_password}


def test_dashboard_edited_in_grafana_is_refused_then_forced(
    cli: Any, grafana: Any, state: Any
) -> None:
    env = credentials(grafana)
    declared = small(state)
    assert cli(["push", "--url", grafana.url], declared, env).exit_code == 0
    api = grafana.api()
    live = api.dashboard.get_dashboard("mt5-kpi")
    live["dashboard"]["panels"][1]["fieldConfig"]["defaults"]["thresholds"]["steps"][1][
        "value"
    ] = 95
    api.dashboard.update_dashboard(
        {"dashboard": live["dashboard"], "folderUid": "mt5-hub", "message": "tuned"}
    )

    refused = cli(["push", "--url", grafana.url], declared, env)

    assert refused.exit_code == 3
    assert (
        "panels[1].fieldConfig.defaults.thresholds.steps[1].value: 95 -> 80"
        in refused.stdout
    )
    assert (
        "drifted dashboard 'mt5-kpi': it was changed in Grafana since mt5dash "
        "pushed it (last saved by" in refused.stderr
    )
    assert refused.stderr.endswith(
        "\ndrifted resources were changed in Grafana since mt5dash pushed them: "
        "re-running the push leaves them alone; push --force overwrites them\n"
    )
    assert "re-running the push applies the rest" not in refused.stderr
    forced = cli(["push", "--url", grafana.url, "--force"], declared, env)
    assert forced.exit_code == 0, forced.stderr
    model = api.dashboard.get_dashboard("mt5-kpi")["dashboard"]
    steps = model["panels"][1]["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert steps[1]["value"] == 80


def test_503_on_the_fifth_request_is_retried(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    fake_grafana.fail_request(5, status=503)

    result = cli(
        ["push", "--url", fake_grafana.url, "-o", "json"],
        small(state),
        credentials_of_fake(fake_grafana),
    )

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["counts"] == {"created": 4}
    assert [r for r in fake_grafana.requests if r[2] == 503] != []


def test_grafana_going_away_is_reported_and_a_rerun_completes(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    env = credentials_of_fake(fake_grafana)
    declared = small(state)
    fake_grafana.go_away_after(4)

    broken = cli(["push", "--url", fake_grafana.url, "--workers", "1"], declared, env)

    assert broken.exit_code == 3
    message = broken.stderr
    assert (
        "applied (2):\n  created folder 'mt5-hub'\n  created datasource "
        "'prom-main'\n" in message
    )
    assert (
        "not applied (2):\n  failed dashboard 'mt5-overview': no answer from "
        in message
    )
    assert "  not applied dashboard 'mt5-kpi': not attempted\n" in message
    assert "Traceback" not in message
    fake_grafana.come_back()
    rerun = cli(["push", "--url", fake_grafana.url, "-o", "json"], declared, env)
    assert rerun.exit_code == 0, rerun.stderr
    assert json.loads(rerun.stdout)["counts"] == {"created": 2, "unchanged": 2}


def test_folder_is_created_before_its_dashboards(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    result = cli(
        ["push", "--url", fake_grafana.url],
        small(state),
        credentials_of_fake(fake_grafana),
    )

    assert result.exit_code == 0, result.stderr
    writes = [path for _, path, _ in fake_grafana.writes()]
    assert writes == [
        "/api/folders",
        "/api/datasources",
        "/api/dashboards/db",
        "/api/dashboards/db",
    ]
    assert fake_grafana.dashboards["mt5-kpi"]["meta"]["folderUid"] == "mt5-hub"


def test_same_title_in_one_folder_is_explained(
    cli: Any, grafana: Any, state: Any
) -> None:
    if grafana.major >= 12:
        pytest.skip("Grafana 12 allows equal titles in one folder")
    declared = small(state)
    declared.dashboards[1].model["title"] = declared.dashboards[0].model["title"]

    result = cli(
        ["push", "--url", grafana.url, "--workers", "1"], declared, credentials(grafana)
    )

    assert result.exit_code == 3
    assert (
        "failed dashboard 'mt5-kpi': 412 name-exists: Grafana refuses title "
        "'MT5 overview' for dashboard 'mt5-kpi' in folder 'mt5-hub' because "
        "dashboard 'mt5-overview' there already has that title (Grafana 11 wants "
        "titles unique per folder); rename one of them or move one to another "
        "folder"
    ) in result.stderr


def test_wrong_token_is_one_clear_line(cli: Any, grafana: Any, state: Any) -> None:
    token = "glsa_wrongWrongWrong_0123abcd"

    result = cli(["push", "--url", grafana.url], small(state), {"GRAFANA_TOKEN": token})

    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"pushing to {grafana.url}",
        f"error: Grafana at {grafana.url} refused the credentials (401 Invalid API "
        "key); check the token (GRAFANA_TOKEN, or GRAFANA_USER and "
        "GRAFANA_PASSWORD)",
    ]
    assert token not in result.stdout + result.stderr


def test_dry_run_shows_the_diff_and_writes_nothing(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    env = credentials_of_fake(fake_grafana)
    declared = small(state)
    cli(["push", "--url", fake_grafana.url], declared, env)
    before = len(fake_grafana.writes())
    declared.dashboards[0].model["panels"][0]["title"] = "Equity (USD)"

    result = cli(["push", "--url", fake_grafana.url, "--dry-run"], declared, env)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "~ dashboard 'mt5-overview' (to update)\n"
        '    panels[0].title: "Equity" -> "Equity (USD)"\n'
        "1 to update; 3 unchanged\n"
    )
    assert fake_grafana.writes()[before:] == []


def test_diff_names_added_panel_with_exit_code(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    env = credentials_of_fake(fake_grafana)
    declared = small(state)
    cli(["push", "--url", fake_grafana.url], declared, env)
    panels = declared.dashboards[1].model["panels"]
    panels.append({**panels[0], "id": 3, "title": "Drawdown"})

    result = cli(["diff", "--url", fake_grafana.url, "--exit-code"], declared, env)

    assert result.exit_code == 1
    assert result.stdout == (
        "~ dashboard 'mt5-kpi' (to update)\n"
        "    panels[2]: added timeseries 'Drawdown'\n"
        "1 to update; 3 unchanged\n"
    )


def test_diff_reads_an_inserted_panel_as_one_added_panel(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    env = credentials_of_fake(fake_grafana)
    declared = small(state)
    cli(["push", "--url", fake_grafana.url], declared, env)
    # As the compiler lays it out: ids and rows follow the position.
    drawdown = panel(2, "Drawdown", "mt5_account_drawdown", y=8)
    sharpe = panel(3, "Sharpe", "mt5_strategy_sharpe", y=16)
    declared.dashboards[1].model["panels"][1:] = [drawdown, sharpe]
    declared.datasources[0]["jsonData"]["timeInterval"] = "30s"

    result = cli(["diff", "--url", fake_grafana.url], declared, env)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "~ datasource 'prom-main' (to update)\n"
        '    jsonData.timeInterval: "15s" -> "30s"\n'
        "~ dashboard 'mt5-kpi' (to update)\n"
        "    panels[1]: added timeseries 'Drawdown'\n"
        "    panels[2]: moved from panels[1] (gridPos.y: 8 -> 16, id: 2 -> 3)\n"
        "2 to update; 2 unchanged\n"
    )


def test_missing_secret_stops_before_any_request(
    cli: Any, fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DINGTALK_URL")
    before = len(fake_grafana.requests)

    result = cli(
        ["push", "--url", fake_grafana.url], state, credentials_of_fake(fake_grafana)
    )

    assert result.exit_code == 2
    assert result.stderr == (
        "error: cannot push, nothing was sent:\n"
        "  contact point 'mt5-dingtalk': settings.url: environment variable "
        "DINGTALK_URL is not set\n"
    )
    assert fake_grafana.requests[before:] == []


def test_diff_works_without_secrets(
    cli: Any, fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = credentials_of_fake(fake_grafana)
    assert cli(["push", "--url", fake_grafana.url], state, env).exit_code == 0
    monkeypatch.delenv("DINGTALK_URL")

    result = cli(["diff", "--url", fake_grafana.url], state, env)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "no differences; 9 unchanged\n"
    assert (
        "contact point 'mt5-dingtalk': settings.url: environment variable "
        "DINGTALK_URL is not set; compared as <env:DINGTALK_URL>"
    ) in result.stderr


def test_plain_http_to_a_remote_host_is_refused(cli: Any, state: Any) -> None:
    result = cli(
        ["push", "--url", "http://grafana.example.com:3000"],
        state,
        {"GRAFANA_TOKEN": "glsa_secret"},
    )

    assert result.exit_code == 2
    assert result.stderr == (
        "error: refusing to send credentials over plain http to "
        "grafana.example.com: use https, or pass --insecure (or insecure = true "
        "in the target) if the network is trusted\n"
    )


def test_no_credentials_is_a_usage_error(cli: Any, state: Any) -> None:
    result = cli(["push", "--url", "http://127.0.0.1:9"], state, {})

    assert result.exit_code == 2
    assert result.stderr == (
        "error: no Grafana credentials: set GRAFANA_TOKEN (a service-account "
        "token), or GRAFANA_USER and GRAFANA_PASSWORD, or pass --token-file\n"
    )


def test_table_output_logs_one_line_per_kind(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    result = cli(
        ["push", "--url", fake_grafana.url],
        small(state),
        credentials_of_fake(fake_grafana),
    )

    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"pushing to {fake_grafana.url}\n"
        "folder: 1 created\n"
        "datasource: 1 created\n"
        "dashboard: 2 created\n"
    )


def test_prune_with_nothing_declared_is_refused(cli: Any, fake_grafana: Any) -> None:
    result = cli(
        ["push", "--url", fake_grafana.url, "--prune"],
        DesiredState(),
        credentials_of_fake(fake_grafana),
    )

    assert result.exit_code == 2
    assert result.stderr == (
        "error: refusing --prune: the declarations hold no dashboard, rule group "
        "or contact point, so it would delete everything mt5dash owns in Grafana "
        "(check --project); pass --allow-empty if that is what you want\n"
    )
    assert fake_grafana.requests == []


def test_prune_with_nothing_declared_runs_with_allow_empty(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    env = credentials_of_fake(fake_grafana)
    cli(["push", "--url", fake_grafana.url], small(state), env)

    result = cli(
        ["push", "--url", fake_grafana.url, "--prune", "--allow-empty", "-o", "json"],
        DesiredState(),
        env,
    )

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["counts"] == {"deleted": 2}
    assert fake_grafana.dashboards == {}


def test_diff_prune_with_nothing_declared_warns(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    env = credentials_of_fake(fake_grafana)
    cli(["push", "--url", fake_grafana.url], small(state), env)

    result = cli(["diff", "--url", fake_grafana.url, "--prune"], DesiredState(), env)

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "warning: the declarations hold no dashboard, rule group or contact point, "
        "so --prune would delete everything mt5dash owns in Grafana (check "
        "--project)"
    )
    assert result.stdout == (
        "- dashboard 'mt5-kpi' (to delete)\n"
        "- dashboard 'mt5-overview' (to delete)\n"
        "2 to delete; 0 unchanged\n"
    )


def test_missing_project_folder_never_reaches_grafana(
    fake_grafana: Any, tmp_path: Any
) -> None:
    typo = tmp_path / "dashbords"

    result = CliRunner().invoke(
        app,
        ["push", "--project", str(typo), "--url", fake_grafana.url, "--prune"],
        env=credentials_of_fake(fake_grafana),
    )

    assert result.exit_code == 2
    assert result.stderr == f"error: project folder {typo} does not exist\n"
    assert fake_grafana.requests == []


@pytest.mark.parametrize("timeout", ["-1", "0"])
def test_timeout_must_be_positive(cli: Any, state: Any, timeout: str) -> None:
    result = cli(
        ["push", "--url", "http://127.0.0.1:9", "--timeout", timeout],
        state,
        {"GRAFANA_TOKEN": "glsa_token"},
    )

    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --timeout must be a positive number of seconds, got {timeout}\n"
    )


def test_unreachable_grafana_is_one_line_and_the_table(
    cli: Any, state: Any, closed_port: int
) -> None:
    url = f"http://127.0.0.1:{closed_port}"

    result = cli(["push", "--url", url], small(state), {"GRAFANA_TOKEN": "glsa_t"})

    assert result.exit_code == 3
    assert result.stderr == (
        f"pushing to {url}\n"
        f"error: Grafana at {url} is unreachable: connection refused\n"
    )
    assert result.stdout.count("mt5-overview") == 1
    assert result.stdout.count("connection refused") == 1
    assert result.stdout.splitlines()[-1] == "1 failed, 3 not applied"


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_diff_never_shows_the_old_value_of_a_declared_secret(
    cli: Any, fake_grafana: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = "https://hooks.example.com/risk?token=abc", "https://h.example/2"
    hook = {
        "uid": "risk-hook",
        "name": "Risk \u2713",
        "type": "webhook",
        "settings": {"url": EnvSecret(name="RISK_HOOK"), "httpMethod": "POST"},
    }
    state = DesiredState(contact_points=[hook])
    env = credentials_of_fake(fake_grafana)
    monkeypatch.setenv("RISK_HOOK", old)
    assert cli(["push", "--url", fake_grafana.url], state, env).exit_code == 0
    hook["settings"]["httpMethod"] = "PUT"
    monkeypatch.setenv("RISK_HOOK", new)

    table = cli(["diff", "--url", fake_grafana.url], state, env)
    as_json = cli(["diff", "--url", fake_grafana.url, "-o", "json"], state, env)

    assert table.stdout == (
        "~ contact point 'risk-hook' (to update)\n"
        '    settings.httpMethod: "POST" -> "PUT"\n'
        "    settings.url: secret changed (value not shown)\n"
        "1 to update; 0 unchanged\n"
    )
    for output in (table.stdout, table.stderr, as_json.stdout, as_json.stderr):
        assert old not in output and new not in output


def test_json_report_shows_non_ascii_as_is(
    cli: Any, fake_grafana: Any, state: Any
) -> None:
    state = small(state)
    env = credentials_of_fake(fake_grafana)
    assert cli(["push", "--url", fake_grafana.url], state, env).exit_code == 0
    state.dashboards[0].model["title"] = "Risk ✓"

    result = cli(["diff", "--url", fake_grafana.url, "-o", "json"], state, env)

    assert '"title: \\"MT5 overview\\" -> \\"Risk ✓\\""' in result.stdout
    assert "\\u2713" not in result.stdout
