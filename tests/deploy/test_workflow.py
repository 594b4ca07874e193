"""The hub's CI workflow: triggers, runner labels, steps, and how secrets enter."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mt5dash.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "monitoring.yml"
PUSH_SECRETS = {
    "GRAFANA_URL",
    "GRAFANA_TOKEN",
    "MT5_DINGTALK_WEBHOOK_URL",
    "MT5_SLACK_WEBHOOK_URL",
}


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


@pytest.fixture(scope="module")
def job(workflow: dict[str, Any]) -> dict[str, Any]:
    assert list(workflow["jobs"]) == ["monitoring"]
    return workflow["jobs"]["monitoring"]


def test_it_runs_on_pushes_and_pull_requests_to_main(workflow: dict[str, Any]) -> None:
    # YAML 1.1 reads the key ``on`` as true.
    triggers = workflow[True]
    assert triggers == {
        "push": {"branches": ["main"]},
        "pull_request": {"branches": ["main"]},
        "workflow_dispatch": None,
    }
    assert workflow["permissions"] == {"contents": "read"}


def test_it_runs_on_the_runner_labels_of_the_settings(job: dict[str, Any]) -> None:
    assert job["runs-on"] == load_settings(ROOT).deploy.runner_labels


def test_pull_requests_from_forks_do_not_reach_the_self_hosted_runner(
    job: dict[str, Any],
) -> None:
    condition = " ".join(job["if"].split())
    assert condition == (
        "github.event_name != 'pull_request' || "
        "github.event.pull_request.head.repo.full_name == github.repository"
    )


def test_the_steps_check_build_lint_and_test_before_pushing(
    job: dict[str, Any],
) -> None:
    steps = [(s["name"], s.get("run", s.get("uses", "")).strip()) for s in job["steps"]]

    assert [name for name, _ in steps] == [
        "Check out",
        "Install mt5dash",
        "Build is up to date",
        "Lint",
        "Tests",
        "Push to Grafana",
    ]
    assert steps[0][1].startswith("actions/checkout@")
    assert re.fullmatch(r"actions/checkout@[0-9a-f]{40}", steps[0][1])
    assert [run for _, run in steps[2:]] == [
        "mt5dash build --check",
        "mt5dash lint",
        "python -m pytest",
        "mt5dash push",
    ]


def test_only_pushes_to_main_push_to_grafana(job: dict[str, Any]) -> None:
    conditions = {s["name"]: s.get("if") for s in job["steps"]}

    assert conditions.pop("Push to Grafana") == (
        "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    )
    assert set(conditions.values()) == {None}


def test_secrets_enter_only_the_push_step_and_only_as_secrets_references(
    job: dict[str, Any],
) -> None:
    push = job["steps"][-1]

    assert push["env"] == {name: f"${{{{ secrets.{name} }}}}" for name in PUSH_SECRETS}
    for step in job["steps"][:-1]:
        assert "secrets." not in yaml.safe_dump(step)
    text = WORKFLOW.read_text()
    references = re.findall(r"secrets\.\w+", text)
    wrapped = re.findall(r"\$\{\{ secrets\.(\w+) \}\}", text)
    assert len(references) == len(wrapped) == len(PUSH_SECRETS)
    assert set(wrapped) == PUSH_SECRETS
