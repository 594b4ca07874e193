"""The project's settings: what the declarations do not say themselves.

Read from ``[tool.mt5dash]`` in the project's ``pyproject.toml`` (or from a
``mt5dash.toml`` beside it, whose top level is the same table). Every section
has defaults that suit a single-host hub, so an empty table is valid.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from mt5dash.errors import ConfigError


def _duration(text: str) -> str:
    from mt5dash.model.base import duration_seconds

    if duration_seconds(text) <= 0:
        raise ValueError(f"{text!r} must be longer than 0s")
    return text


Duration = Annotated[str, AfterValidator(_duration)]
Port = Annotated[int, Field(ge=1, le=65535)]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class GrafanaSettings(_Section):
    """How the generated ``grafana.ini`` sets up the server."""

    version: str = "11.6.0"
    domain: str = "localhost"
    http_port: Port = 3000
    root_url: str = ""
    # Paths inside the Grafana container; setting both switches to https.
    tls_cert_file: str = ""
    tls_key_file: str = ""
    admin_user: str = "admin"
    admin_password_file: str = "/run/secrets/grafana_admin_password"
    secret_key_env: str = "GRAFANA_SECRET_KEY"
    provisioning_path: str = "/etc/grafana/provisioning"

    @model_validator(mode="after")
    def _tls_pair(self) -> GrafanaSettings:
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            raise ValueError("set both tls_cert_file and tls_key_file, or neither")
        return self


class PrometheusSettings(_Section):
    """How the generated Prometheus configuration scrapes the hub."""

    scrape_interval: Duration = "15s"
    evaluation_interval: Duration = "15s"
    port: Port = 9090
    node_exporter: str = "node-exporter:9100"
    kpi_targets: list[str] = Field(
        default_factory=lambda: ["host.docker.internal:9101"]
    )
    textfile_dir: str = "/var/lib/prometheus/node-exporter"
    # Where Prometheus sends the alerts of its own rule files ("" for nowhere).
    alertmanager: str = "alertmanager:9093"


class Target(_Section):
    """A Grafana to push to, with the datasource URLs it must use.

    ``datasource_urls`` replace the declared ``url`` of datasources by uid.
    ``insecure`` allows credentials over plain http to a remote host and
    skips TLS verification; ``ca_cert`` is a PEM bundle to verify with.
    ``token_file`` holds a service-account token (else ``GRAFANA_TOKEN``).
    ``prometheus_url`` is the Prometheus ``mt5dash verify`` checks.
    """

    url: str
    datasource_urls: dict[str, str] = Field(default_factory=dict)
    ca_cert: str = ""
    insecure: bool = False
    token_file: str = ""
    prometheus_url: str = ""


class LintExclusion(_Section):
    """A lint rule switched off for some files, with the reason why."""

    rule: str
    paths: list[str] = Field(default_factory=lambda: ["*"])
    reason: str = Field(min_length=1)


class LintSettings(_Section):
    """Lint options of the project.

    ``exclude`` switches rules off for files (globs over rule ids and over
    file names relative to the project), each with its reason.
    ``scrape_interval`` is what lint's rate-window rules assume; empty means
    ``[tool.mt5dash.prometheus] scrape_interval``.
    """

    exclude: list[LintExclusion] = Field(default_factory=list)
    # DingTalk robots with keyword security drop messages without it.
    dingtalk_keyword: str = ""
    scrape_interval: str = ""


class DeploySettings(_Section):
    """How ``mt5dash deploy`` lays out the stack and the Actions runner.

    Paths are relative to the project unless absolute. Image tags and the
    runner's version are pinned with its SHA-256 so a deploy is repeatable.
    """

    grafana_port: Port = 3000
    prometheus_port: Port = 9090
    # Prometheus has no authentication: publish it on loopback only.
    prometheus_bind: str = "127.0.0.1"
    grafana_image: str = "grafana/grafana-oss"
    prometheus_image: str = "prom/prometheus:v2.55.1"
    node_exporter_image: str = "prom/node-exporter:v1.8.2"
    alertmanager_image: str = "prom/alertmanager:v0.27.0"
    # The uid the Grafana image runs as; it must be able to read the secrets.
    grafana_container_uid: int = 472
    compose_project: str = "mt5dash"
    secrets_dir: str = ".secrets"
    log_file: str = "docs/reports/deploy.log"
    health_timeout_s: float = Field(default=120.0, gt=0)
    runner_name: str = "mt5-hub"
    runner_labels: list[str] = Field(default_factory=lambda: ["self-hosted", "mt5-hub"])
    runner_repo_url: str = ""
    runner_dir: str = "/opt/actions-runner"
    runner_user: str = "runner"
    runner_version: str = "2.326.0"
    runner_sha256: str = Field(
        default="9c74af9b4352bbc99aecc7353b47bcdfcd1b2a0f6d15af54a99f54a0c14a1de8",
        pattern=r"^[0-9a-f]{64}$",
    )
    # ``{version}`` is replaced by ``runner_version``.
    runner_url: str = (
        "https://github.com/actions/runner/releases/download/"
        "v{version}/actions-runner-linux-x64-{version}.tar.gz"
    )
    systemd_dir: str = "/etc/systemd/system"


class Settings(_Section):
    """All of a project's settings."""

    # Names what this project owns in a Grafana it shares with other projects;
    # empty means the project folder's name.
    name: str = Field(default="", pattern=r"^[A-Za-z0-9_-]{0,30}$")
    dashboards: str = "dashboards"
    alerts: str = "alerts"
    out: str = "provisioning"
    org_id: int = 1
    grafana: GrafanaSettings = Field(default_factory=GrafanaSettings)
    prometheus: PrometheusSettings = Field(default_factory=PrometheusSettings)
    targets: dict[str, Target] = Field(default_factory=dict)
    lint: LintSettings = Field(default_factory=LintSettings)
    deploy: DeploySettings = Field(default_factory=DeploySettings)
    edition: Literal["oss"] = "oss"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name} cannot be read: {exc}") from None


def _read_table(project: Path) -> tuple[dict[str, Any], str]:
    own = project / "mt5dash.toml"
    if own.is_file():
        return _read_toml(own), "mt5dash.toml"
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        data = _read_toml(pyproject)
        return data.get("tool", {}).get("mt5dash", {}), "pyproject.toml"
    return {}, ""


def load_settings(project: Path) -> Settings:
    """Read the settings of the project rooted at ``project``.

    Raises ``ConfigError`` when ``project`` is not a folder.
    """
    if not Path(project).is_dir():
        raise ConfigError(f"project folder {project} does not exist")
    table, source = _read_table(project)
    try:
        return Settings.model_validate(table)
    except ValidationError as exc:
        where = "[tool.mt5dash]" if source == "pyproject.toml" else source
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{source} {where}: {details}") from None


def owner_name(project: Path, settings: Settings) -> str:
    """The name marking what ``project`` owns in a Grafana it may share:
    ``[tool.mt5dash] name``, else the project folder's name."""
    folder = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(project).resolve().name)
    return settings.name or folder.strip("-")[:40] or "project"
