"""The real push and verify steps of ``deploy grafana``.

Kept apart so the deploy's plan takes them as plain callables and its tests
do not depend on them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mt5dash.deploy.grafana import GrafanaAccess

if TYPE_CHECKING:
    from mt5dash.push import ClientConfig


def _client(access: GrafanaAccess) -> ClientConfig:
    from mt5dash.push import ClientConfig

    config = ClientConfig(
        url=access.url,
        user=access.user,
        password=access.password,
        ca_cert=access.ca_cert or "",
    )
    config.check()
    return config


def push_project(project_dir: Path, access: GrafanaAccess) -> str:
    """Push the project's declarations to the deployed Grafana as its admin."""
    from mt5dash.builder import build_state
    from mt5dash.push import push
    from mt5dash.settings import load_settings, owner_name

    project = owner_name(project_dir, load_settings(project_dir))
    state = build_state(project_dir)
    return push(state, _client(access), project=project).summary()


def verify_project(project_dir: Path, access: GrafanaAccess) -> str:
    """Run the acceptance checks against the deployed stack and runner.

    The runner is the one ``mt5dash deploy runner`` installs; with
    ``GITHUB_TOKEN`` set, it must also be online in GitHub's API.
    """
    from mt5dash.deploy.systemd import unit_name
    from mt5dash.settings import load_settings
    from mt5dash.verify import VerifyOptions, check, verify

    settings = load_settings(project_dir)
    deploy = settings.deploy
    options = VerifyOptions(
        prometheus_url=f"http://127.0.0.1:{deploy.prometheus_port}",
        runner_unit=unit_name(settings),
        github_token=os.environ.get("GITHUB_TOKEN", ""),
        github_repo=urlsplit(deploy.runner_repo_url).path.strip("/"),
        runner_name=deploy.runner_name,
    )
    report = verify(_client(access), options)
    check(report)
    probes = [name for name in report if name not in ("ok", "problems")]
    return f"acceptance check passed: {', '.join(probes)}"
