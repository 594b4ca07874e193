"""The real push and verify steps of ``deploy grafana``.

Kept apart so the deploy's plan takes them as plain callables and its tests
do not depend on them.
"""

from __future__ import annotations

from pathlib import Path

from mt5dash.deploy.grafana import GrafanaAccess


def push_project(project_dir: Path, access: GrafanaAccess) -> str:
    """Push the project's declarations to the deployed Grafana as its admin."""
    from mt5dash.build import build_state
    from mt5dash.push import ClientConfig, push

    config = ClientConfig(
        url=access.url,
        user=access.user,
        password=access.password,
        ca_cert=access.ca_cert or "",
    )
    config.check()
    return push(build_state(project_dir), config).summary()


def verify_project(project_dir: Path, access: GrafanaAccess) -> str:
    """Run the acceptance checks against the deployed Grafana."""
    from mt5dash.verify import verify

    return str(verify(project_dir, access))
