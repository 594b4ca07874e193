"""``mt5dash build`` through typer's runner: exit codes and messages."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mt5dash.cli.main import _register, app

_register()
runner = CliRunner()

VALID = {
    "dashboards/base.py": """
    from mt5dash import Datasource, Folder
    prom = Datasource.prometheus(uid="prom", url="http://prometheus:9090")
    hub = Folder(uid="hub", title="Hub")
    """
}


def test_build_prints_the_files_it_changed(make_project):
    root = make_project(VALID)

    result = runner.invoke(app, ["build", "--project", str(root)])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "dashboards/providers.yaml",
        "datasources/datasources.yaml",
        "grafana.ini",
        "prometheus/alertmanager.yml",
        "prometheus/prometheus.yml",
    ]


def test_build_check_on_a_fresh_tree_passes_silently(make_project):
    root = make_project(VALID)
    runner.invoke(app, ["build", "--project", str(root)])

    result = runner.invoke(app, ["build", "--project", str(root), "--check"])

    assert result.exit_code == 0
    assert result.stdout == ""


def test_build_check_on_a_stale_tree_exits_1_listing_the_files(make_project):
    root = make_project(VALID)
    runner.invoke(app, ["build", "--project", str(root)])
    (root / "provisioning" / "grafana.ini").write_text("stale\n")

    result = runner.invoke(app, ["build", "--project", str(root), "--check"])

    assert result.exit_code == 1
    assert result.stderr.endswith(
        "error: 1 generated file(s) are stale; run 'mt5dash build':\n"
        "  provisioning/grafana.ini\n"
    )


def test_invalid_declarations_exit_1_with_every_problem(make_project):
    root = make_project(
        {
            **VALID,
            "alerts/a.py": """
            from mt5dash import AlertRule, RuleGroup
            g = RuleGroup(name="g", folder="hub", interval="45s",
                rules=[AlertRule(uid="r", title="R", when="up below 1")])
            """,
        }
    )

    result = runner.invoke(app, ["build", "--project", str(root)])

    assert result.exit_code == 1
    assert result.stderr.endswith(
        "error: 1 problem(s) in the declarations:\n"
        "  alerts/a.py:2: rule group 'g': interval: interval '45s' is not a "
        "multiple of 10s; Grafana evaluates rules every 10s, so use e.g. 10s, "
        "1m or 5m\n"
    )
    assert not (root / "provisioning").exists()


def test_bad_settings_exit_2(make_project):
    root = make_project(
        {**VALID, "pyproject.toml": '[tool.mt5dash]\ndashbords = "x"\n'}
    )

    result = runner.invoke(app, ["build", "--project", str(root)])

    assert result.exit_code == 2
    assert result.stderr == (
        "error: pyproject.toml [tool.mt5dash]: dashbords: Extra inputs are not "
        "permitted\n"
    )


def test_a_project_folder_that_does_not_exist_exits_2(tmp_path):
    missing = tmp_path / "dashbords"

    result = runner.invoke(app, ["build", "--project", str(missing)])

    assert result.exit_code == 2
    assert result.stderr == f"error: project folder {missing} does not exist\n"
    assert not missing.exists()


def test_a_folder_without_declarations_is_not_a_project(tmp_path):
    result = runner.invoke(app, ["build", "--project", str(tmp_path)])

    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path} has neither dashboards/ nor alerts/: not an mt5dash "
        "project (see --project)\n"
    )


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        (".", "it is"),
        ("dashboards", "it is"),
        ("dashboards/out", "it is inside"),
    ],
    ids=["the project itself", "a declaration folder", "inside declarations"],
)
def test_build_refuses_to_write_over_the_project(make_project, out, reason):
    root = make_project(VALID)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))

    result = runner.invoke(
        app, ["build", "--project", str(root), "--out", str(root / out)]
    )

    assert result.exit_code == 2
    assert reason in result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_build_refuses_a_folder_holding_other_files(make_project, tmp_path):
    root = make_project(VALID)
    notes = tmp_path / "elsewhere" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("precious\n")

    result = runner.invoke(
        app, ["build", "--project", str(root), "--out", str(notes.parent)]
    )

    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"error: refusing to replace {notes.parent}: it holds notes.txt, which "
        "mt5dash does not write; choose a new or empty folder\n"
    )
    assert notes.read_text() == "precious\n"
