"""``mt5dash lint`` through typer's runner: output, exit codes, options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mt5dash.cli import main
from tests.lint.lint_helpers import dashboard, encode, panel

main._register()
app = main.app
runner = CliRunner()

WARNING_ONLY = dashboard(panel(1, "Orders", "increase(mt5_orders_total[$__interval])"))
ERROR_AND_WARNING = dashboard(
    panel(1, "Orders", "increase(mt5_orders_total[$__interval])"),
    uid="x" * 41,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.mt5dash]\n")
    return tmp_path


def write(project: Path, name: str, content) -> Path:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(name, content))
    return path


def lint(project: Path, *args: str):
    return runner.invoke(app, ["lint", "--project", str(project), *args])


def test_text_output_one_line_per_finding_and_summary_on_stderr(project):
    write(project, "dashboards/hub.json", ERROR_AND_WARNING)
    result = lint(project, str(project / "dashboards"))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "dashboards/hub.json:/panels/0/targets/0/expr: warning promql/rate-interval: "
        "dashboard '" + "x" * 41 + "' (Hub), panel 1 'Orders', query A: "
        "increase(mt5_orders_total[$__interval]) uses $__interval, which shrinks to "
        "the step of the graph and can be shorter than two scrape intervals when "
        "zoomed in, so the result has gaps; use $__rate_interval",
        "dashboards/hub.json:/uid: error dashboard/uid-format: dashboard '"
        + "x" * 41
        + "' (Hub): uid '"
        + "x" * 41
        + "' has 41 characters (at most 40); Grafana refuses to save the dashboard",
    ]
    assert result.stderr == "1 file(s) linted: 1 error(s), 1 warning(s), 0 info\n"


def test_warnings_pass_without_strict(project):
    write(project, "hub.json", WARNING_ONLY)
    result = lint(project, str(project / "hub.json"))
    assert result.exit_code == 0
    assert result.stderr == "1 file(s) linted: 0 error(s), 1 warning(s), 0 info\n"


def test_unrecognised_files_are_reported_and_not_counted_as_linted(project):
    write(project, "lint/hub.json", dashboard(panel(1, "Orders")))
    write(project, "lint/empty.yaml", "")
    write(project, "lint/empty.json", "")
    write(project, "lint/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n")

    result = lint(project, str(project / "lint"))

    assert result.exit_code == 0
    assert [line.split(": ", 2)[:2] for line in result.stdout.splitlines()] == [
        ["lint/app.yaml:/", "info file/unrecognised"],
        ["lint/empty.json:/", "info file/unrecognised"],
        ["lint/empty.yaml:/", "info file/unrecognised"],
    ]
    assert result.stderr == (
        "1 file(s) linted, 3 not recognised: 0 error(s), 0 warning(s), 3 info\n"
    )


def test_empty_folder_is_a_usage_error(project):
    (project / "dashbaords").mkdir()

    result = lint(project, str(project / "dashbaords"))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: lint: nothing to lint in {project / 'dashbaords'}: no dashboard, "
        "provisioning or rule file (.json, .yaml, .yml) found\n"
    )


def test_folder_of_files_lint_does_not_know_is_a_usage_error(project):
    write(project, "docs/README.md", "# Hub\n")
    write(project, "docs/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n")

    result = lint(project, str(project / "docs"), str(project / "docs/README.md"))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: lint: nothing to lint in {project / 'docs'}, "
        f"{project / 'docs/README.md'}: no dashboard, provisioning or rule file "
        "(.json, .yaml, .yml) found; 2 file(s) not recognised\n"
    )


def test_explain_prints_the_rule_page(project):
    result = lint(project, "--explain", "panel/unknown-type")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "# panel/unknown-type\n\n**Severity:** error / warning\n"
    )
    assert result.stdout.endswith("(did you mean 'timeseries'?)`.\n")


def test_explain_of_an_unknown_rule_is_a_usage_error(project):
    result = lint(project, "--explain", "panel/nope")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: lint --explain: no rule 'panel/nope'; rules: "
        "alerting/contact-points-mapping, "
    )


def test_warnings_fail_with_strict(project):
    write(project, "hub.json", WARNING_ONLY)
    assert lint(project, "--strict", str(project / "hub.json")).exit_code == 1


def test_clean_files_pass_with_strict(project):
    write(project, "hub.json", dashboard(panel(1, "Up")))
    result = lint(project, "--strict", str(project / "hub.json"))
    assert (result.exit_code, result.stdout) == (0, "")


def test_json_output_is_a_list_of_findings(project):
    write(project, "hub.json", WARNING_ONLY)
    result = lint(project, "--format", "json", str(project / "hub.json"))
    assert json.loads(result.stdout) == [
        {
            "file": "hub.json",
            "line": None,
            "pointer": "/panels/0/targets/0/expr",
            "rule": "promql/rate-interval",
            "severity": "warning",
            "message": "dashboard 'hub' (Hub), panel 1 'Orders', query A: "
            "increase(mt5_orders_total[$__interval]) uses $__interval, which "
            "shrinks to the step of the graph and can be shorter than two scrape "
            "intervals when zoomed in, so the result has gaps; use $__rate_interval",
            "docs": "mt5dash/lint/docs/promql-rate-interval.md",
        }
    ]


def test_exclusion_drops_matching_findings_and_says_so(project):
    (project / "pyproject.toml").write_text(
        "[tool.mt5dash.lint]\n"
        'exclude = [{rule = "dashboard/uid-*", paths = ["legacy/*"], '
        'reason = "imported as is"}]\n'
    )
    write(project, "legacy/hub.json", ERROR_AND_WARNING)
    result = lint(project, "--format", "json", str(project / "legacy"))
    assert result.exit_code == 0
    assert [f["rule"] for f in json.loads(result.stdout)] == ["promql/rate-interval"]
    assert result.stderr == (
        "1 file(s) linted: 0 error(s), 1 warning(s), 0 info; "
        "1 excluded by [tool.mt5dash.lint]\n"
    )


def test_exclusion_for_other_paths_keeps_the_finding(project):
    (project / "pyproject.toml").write_text(
        "[tool.mt5dash.lint]\n"
        'exclude = [{rule = "dashboard/uid-format", paths = ["legacy/*"], '
        'reason = "imported as is"}]\n'
    )
    write(project, "current/hub.json", ERROR_AND_WARNING)
    assert lint(project, str(project / "current")).exit_code == 1


def test_exclusion_without_reason_is_a_configuration_error(project):
    (project / "pyproject.toml").write_text(
        '[tool.mt5dash.lint]\nexclude = [{rule = "panel/missing-unit"}]\n'
    )
    write(project, "hub.json", WARNING_ONLY)
    result = lint(project, str(project / "hub.json"))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: pyproject.toml [tool.mt5dash]: lint.exclude.0.reason: Field required"
    )


def test_scrape_interval_setting_drives_the_range_rule(project):
    (project / "pyproject.toml").write_text(
        '[tool.mt5dash.lint]\nscrape_interval = "1m"\n'
    )
    write(project, "hub.json", dashboard(panel(1, "CPU", "rate(x_total[2m])")))
    result = lint(project, "--format", "json", str(project / "hub.json"))
    assert [f["rule"] for f in json.loads(result.stdout)] == ["promql/range-too-short"]


def test_dingtalk_keyword_setting_is_used(project):
    (project / "pyproject.toml").write_text(
        '[tool.mt5dash.lint]\ndingtalk_keyword = "MT5"\n'
    )
    write(
        project,
        "provisioning/alerting/cp.yaml",
        "apiVersion: 1\ncontactPoints:\n  - orgId: 1\n    name: d\n    receivers:\n"
        "      - uid: d\n        type: dingding\n        settings: {url: x}\n",
    )
    result = lint(project, str(project / "provisioning"))
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "provisioning/alerting/cp.yaml:8: error alerting/dingtalk-keyword: "
        "contact point 'd', receiver 'd': neither title nor message (templates "
        "used: default.message, default.title) contains the robot's security "
        "keyword 'MT5'"
    )


def test_missing_path_is_a_usage_error(project):
    result = lint(project, str(project / "nowhere.json"))
    assert result.exit_code == 2
    missing = project / "nowhere.json"
    assert result.stderr == f"error: lint: no such file or folder: {missing}\n"


def test_project_declarations_pass_lint_strictly():
    pytest.importorskip("mt5dash.builder", reason="the build is not in this tree yet")
    from mt5dash.lint import lint_project

    root = Path(__file__).resolve().parents[2]
    result = lint_project(root)
    assert [str(f) for f in result.findings] == []
    assert result.files > 0
