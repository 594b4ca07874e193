"""``mt5dash deploy grafana``: the monitoring stack, from secrets to a verified Grafana.

Steps: secrets, TLS (when asked for or already set up), the Compose file,
the running stack, Grafana's health, the push of the project's provisioning
and the acceptance checks. Each step that changes something first checks
whether it has anything to do, so a second deploy changes nothing.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from mt5dash.deploy import compose, references, secret_files
from mt5dash.deploy.commands import CommandRunner, show
from mt5dash.deploy.health import wait_for_health
from mt5dash.deploy.secret_files import SecretFiles
from mt5dash.deploy.steps import Plan, Step
from mt5dash.deploy.tls import self_signed
from mt5dash.errors import DeployError
from mt5dash.settings import Settings

log = logging.getLogger(__name__)

# Set inside the Grafana image itself; the configuration may refer to them.
_IMAGE_VARIABLES = {
    "GF_PATHS_CONFIG",
    "GF_PATHS_DATA",
    "GF_PATHS_HOME",
    "GF_PATHS_LOGS",
    "GF_PATHS_PLUGINS",
    "GF_PATHS_PROVISIONING",
    "HOME",
    "PATH",
}
# Compose reads env files with quotes, comments and ${} expansion, docker run
# reads them literally: only values without these characters mean the same
# to both.
_ENV_FILE_UNSAFE = re.compile(r"""[\s"'$#\\]""")


@dataclass(frozen=True)
class GrafanaAccess:
    """How to reach the deployed Grafana as its admin.

    ``ca_cert`` is a PEM file to trust instead of the system's authorities
    (set for a self-signed certificate), or None.
    """

    url: str
    user: str
    password: str
    ca_cert: str | None


# Push the project's provisioning to the Grafana, and run the acceptance
# checks; each returns a one-line summary and raises an mt5dash error.
PushStep = Callable[[Path, GrafanaAccess], str]
VerifyStep = Callable[[Path, GrafanaAccess], str]


@dataclass(frozen=True)
class TlsOptions:
    """The command's TLS options: a certificate and key to install, or none."""

    cert: Path | None = None
    key: Path | None = None
    self_signed: bool = False


class _GrafanaDeploy:
    """The state one ``deploy grafana`` plan shares between its steps."""

    def __init__(
        self,
        project_dir: Path,
        settings: Settings,
        tls: TlsOptions,
        commands: CommandRunner,
        environ: Mapping[str, str],
    ) -> None:
        self.project_dir = project_dir
        self.environ = environ
        self.settings = settings
        self.deploy = settings.deploy
        self.tls_options = tls
        self.commands = commands
        self.files = SecretFiles(
            project_dir / self.deploy.secrets_dir, self.deploy.secrets_dir
        )
        self.compose_path = project_dir / compose.COMPOSE_FILE
        self.compose_written = False
        self.provisioning_env_written = False
        self.references = references.scan(
            project_dir, settings.out, compose.PROVISIONING_KINDS
        )
        # Secret values to mask wherever output is shown; filled as they are read.
        self.secret_values: list[str] = []
        self.use_compose = self._compose_available()

    # -- checks made while planning ------------------------------------------

    def check_inputs(self) -> None:
        """Refuse a weak admin password and inconsistent TLS options up front."""
        tls = self.tls_options
        if (tls.cert is None) != (tls.key is None):
            raise DeployError("--tls-cert and --tls-key must be given together")
        if tls.cert is not None and tls.self_signed:
            raise DeployError("--self-signed cannot be combined with --tls-cert")
        for given in (tls.cert, tls.key):
            if given is not None and not given.is_file():
                raise DeployError(f"TLS file {given} does not exist")

        name = secret_files.ADMIN_PASSWORD
        if self.files.exists(name):
            password = self.files.read(name)
            self.secret_values.append(password)
            weakness = secret_files.password_weakness(
                password, self.settings.grafana.admin_user
            )
            if weakness:
                raise DeployError(
                    f"{self.files.label(name)} holds a weak admin password "
                    f"({weakness}); "
                    f"write one of at least {secret_files.MIN_PASSWORD_LENGTH} "
                    "characters that is not a common password, or delete the file "
                    "to have one generated"
                )

        if self.settings.grafana.tls_cert_file and not self.tls:
            raise DeployError(
                "[tool.mt5dash.grafana] tls_cert_file and tls_key_file ask for "
                "https but no certificate is installed; give --tls-cert and --tls-key, "
                "or --self-signed"
            )

        self._check_variables()
        self._check_files()

    @cached_property
    def shell_variables(self) -> dict[str, list[str]]:
        """Variables Grafana's configuration reads that only the shell can give,
        with the files that read them."""
        service = compose.grafana_service(self.settings, self._inputs(env=False))
        provided = {
            self.settings.grafana.secret_key_env,
            *_IMAGE_VARIABLES,
            *service.get("environment", {}),
        }
        return {
            name: used_in
            for name, used_in in self.references.variables.items()
            if name not in provided
        }

    def _check_variables(self) -> None:
        # Grafana turns an unset variable into "" without a word; a contact
        # point without its url then fails the whole alerting provisioning.
        needed = self.shell_variables
        missing = [n for n in needed if not self.environ.get(n, "").strip()]
        if missing:
            used = ", ".join(f"{n} (in {', '.join(needed[n])})" for n in missing)
            raise DeployError(
                f"environment variables missing or blank: {used}; Grafana's "
                "configuration reads them and would get empty values; export "
                "them in the deploying shell, then deploy again"
            )
        unsafe = [n for n in needed if _ENV_FILE_UNSAFE.search(self.environ[n])]
        if unsafe:
            raise DeployError(
                f"environment variables {', '.join(unsafe)} hold whitespace, "
                "quotes, '$', '#' or '\\', which an env file cannot carry "
                "unchanged to Grafana; percent-encode those characters"
            )
        self.secret_values += [self.environ[n] for n in needed]

    def _check_files(self) -> None:
        mounted = compose.mounted_paths(
            compose.grafana_service(self.settings, self._inputs())
        )
        unmounted = {
            path: used_in
            for path, used_in in self.references.files.items()
            if not any(
                path == m or path.startswith(m.rstrip("/") + "/") for m in mounted
            )
        }
        if unmounted:
            listed = ", ".join(
                f"{path} (in {', '.join(used_in)})"
                for path, used_in in unmounted.items()
            )
            raise DeployError(
                f"$__file{{...}} reads files not mounted into the Grafana container: "
                f"{listed}; Grafana does not start when such a file is missing; "
                f"mounted are {', '.join(mounted)}"
            )

    @property
    def tls(self) -> bool:
        """True when Grafana serves https: asked for now, or installed before."""
        installed = self.files.exists(secret_files.TLS_CERT) and self.files.exists(
            secret_files.TLS_KEY
        )
        return (
            self.tls_options.cert is not None
            or self.tls_options.self_signed
            or installed
        )

    def access(self) -> GrafanaAccess:
        grafana = self.settings.grafana
        password = self.files.read(secret_files.ADMIN_PASSWORD)
        self.secret_values.append(password)
        scheme = "https" if self.tls else "http"
        ca_cert = None
        if self.tls and self._cert_is_self_signed():
            ca_cert = str(self.files.path(secret_files.TLS_CERT))
        return GrafanaAccess(
            url=f"{scheme}://{grafana.domain}:{self.deploy.grafana_port}",
            user=grafana.admin_user,
            password=password,
            ca_cert=ca_cert,
        )

    # -- secrets ---------------------------------------------------------------

    def _readable_files(self) -> list[str]:
        """Secret files the Grafana container opens itself (bind-mounted)."""
        names = [secret_files.ADMIN_PASSWORD]
        if self.tls:
            names += [secret_files.TLS_CERT, secret_files.TLS_KEY]
        return names

    def _owner_wrong(self, name: str) -> bool:
        # Bind mounts keep the host's owner and mode: a 0600 file must belong
        # to the uid Grafana runs as in the container, which only root can set.
        if os.geteuid() != 0 or not self.files.exists(name):
            return False
        return self.files.path(name).stat().st_uid != self.deploy.grafana_container_uid

    def secrets_needed(self) -> bool:
        names = [secret_files.ADMIN_PASSWORD, secret_files.GRAFANA_ENV]
        missing = any(not self.files.exists(n) for n in names)
        return (
            missing
            or self._provisioning_env_stale()
            or any(self._owner_wrong(n) for n in self._readable_files())
        )

    def _provisioning_env_text(self) -> str:
        return "".join(
            f"{name}={self.environ[name]}\n" for name in sorted(self.shell_variables)
        )

    def _provisioning_env_stale(self) -> bool:
        if not self.shell_variables:
            return False
        path = self.files.path(secret_files.PROVISIONING_ENV)
        return (
            not path.is_file()
            or path.read_text(encoding="utf-8") != self._provisioning_env_text()
        )

    def make_secrets(self) -> str:
        created = []
        if not self.files.exists(secret_files.ADMIN_PASSWORD):
            self.files.write(secret_files.ADMIN_PASSWORD, secret_files.new_password())
            created.append(secret_files.ADMIN_PASSWORD)
        if not self.files.exists(secret_files.GRAFANA_ENV):
            key = self.settings.grafana.secret_key_env
            self.files.write(
                secret_files.GRAFANA_ENV, f"{key}={secret_files.new_secret_key()}\n"
            )
            created.append(secret_files.GRAFANA_ENV)
        if self._provisioning_env_stale():
            self.files.write(
                secret_files.PROVISIONING_ENV, self._provisioning_env_text()
            )
            self.provisioning_env_written = True
        written = (
            f"wrote {secret_files.PROVISIONING_ENV} (mode 0600) from this shell"
            if self.provisioning_env_written
            else ""
        )
        key_env = self.settings.grafana.secret_key_env
        self.secret_values += [
            self.files.read(secret_files.ADMIN_PASSWORD),
            self.files.env_value(secret_files.GRAFANA_ENV, key_env),
        ]
        return "; ".join(filter(None, [_created(created), written, self._fix_owners()]))

    def _fix_owners(self) -> str:
        uid = self.deploy.grafana_container_uid
        if os.geteuid() != 0:
            return (
                f"not root: make {', '.join(self._readable_files())} readable by "
                f"uid {uid} (the Grafana container's user) yourself"
            )
        fixed = [n for n in self._readable_files() if self._owner_wrong(n)]
        for name in fixed:
            os.chown(self.files.path(name), uid, -1)
        return f"owner of {', '.join(fixed)} set to uid {uid}" if fixed else ""

    # -- TLS -------------------------------------------------------------------

    def _cert_is_self_signed(self) -> bool:
        from cryptography import x509

        if not self.files.exists(secret_files.TLS_CERT):
            return self.tls_options.self_signed
        pem = self.files.path(secret_files.TLS_CERT).read_bytes()
        cert = x509.load_pem_x509_certificate(pem)
        return cert.issuer == cert.subject

    def tls_needed(self) -> bool:
        tls = self.tls_options
        if tls.cert is not None and tls.key is not None:
            return any(
                not self.files.exists(name)
                or self.files.path(name).read_bytes() != given.read_bytes()
                for name, given in (
                    (secret_files.TLS_CERT, tls.cert),
                    (secret_files.TLS_KEY, tls.key),
                )
            )
        return not (
            self.files.exists(secret_files.TLS_CERT)
            and self.files.exists(secret_files.TLS_KEY)
        )

    def install_tls(self) -> str:
        tls = self.tls_options
        if tls.cert is not None and tls.key is not None:
            cert, key = tls.cert.read_bytes(), tls.key.read_bytes()
            result = f"copied {tls.cert.name} and {tls.key.name}"
        else:
            cert, key = self_signed(self.settings.grafana.domain)
            result = f"self-signed certificate made for {self.settings.grafana.domain}"
        self.files.write(secret_files.TLS_CERT, cert)
        self.files.write(secret_files.TLS_KEY, key)
        fixed = self._fix_owners()
        return f"{result}; {fixed}" if fixed else result

    # -- the Compose file and the stack -----------------------------------------

    def _inputs(self, env: bool = True) -> compose.StackInputs:
        return compose.StackInputs(
            self.project_dir,
            tls=self.tls,
            provisioning_env=env and bool(self.shell_variables),
        )

    def compose_text(self) -> str:
        return compose.render(compose.stack(self.settings, self._inputs()))

    def compose_needed(self) -> bool:
        if not self.compose_path.is_file():
            return True
        return self.compose_path.read_text(encoding="utf-8") != self.compose_text()

    def write_compose(self) -> str:
        self.compose_path.parent.mkdir(parents=True, exist_ok=True)
        self.compose_path.write_text(self.compose_text(), encoding="utf-8")
        self.compose_written = True
        return "written"

    def _compose_available(self) -> bool:
        if self.commands.which("docker") is None:
            return True
        version = self.commands.run(["docker", "compose", "version"], check=False)
        return version.returncode == 0

    def compose_argv(self, *args: str) -> list[str]:
        return [
            "docker",
            "compose",
            "--project-name",
            self.deploy.compose_project,
            "--file",
            compose.COMPOSE_FILE,
            *args,
        ]

    def _services(self) -> set[str]:
        return set(compose.stack(self.settings, self._inputs())["services"])

    def _run_commands(self) -> list[tuple[str, list[str]]]:
        document = compose.stack(self.settings, self._inputs())
        return compose.docker_run(document, self.compose_path.parent)

    def stack_actions(self) -> list[str]:
        if self.use_compose:
            return [show(self.compose_argv("up", "--detach"))]
        lines = [f"docker network create {self.deploy.compose_project}"]
        for name, argv in self._run_commands():
            lines += [f"docker rm --force {name}", show(argv)]
        return lines

    def stack_needed(self) -> bool:
        # Compose recreates Grafana when its env files changed; docker run
        # needs telling (below).
        if self.compose_written or self.provisioning_env_written:
            return True
        if self.use_compose:
            running = self.commands.run(
                self.compose_argv("ps", "--services", "--status", "running"),
                cwd=self.project_dir,
            )
            return set(running.stdout.split()) != self._services()
        return any(
            self._container_stale(name, argv) for name, argv in self._run_commands()
        )

    def _container_stale(self, name: str, argv: list[str]) -> bool:
        label = argv[argv.index("--label") + 1].partition("=")[2]
        found = self.commands.run(
            [
                "docker",
                "inspect",
                "--format",
                '{{.State.Running}} {{index .Config.Labels "'
                + compose.CONFIG_LABEL
                + '"}}',
                name,
            ],
            check=False,
        )
        return found.returncode != 0 or found.stdout.split() != ["true", label]

    def start_stack(self) -> str:
        self._require_build_output()
        if self.use_compose:
            self.commands.run(self.compose_argv("up", "--detach"), cwd=self.project_dir)
            return "started with docker compose"
        network = self.deploy.compose_project
        exists = self.commands.run(
            ["docker", "network", "inspect", network], check=False
        )
        if exists.returncode != 0:
            self.commands.run(["docker", "network", "create", network])
        started = []
        grafana = f"{network}-grafana"
        for name, argv in self._run_commands():
            new_env = self.provisioning_env_written and name == grafana
            if new_env or self._container_stale(name, argv):
                self.commands.run(["docker", "rm", "--force", name], check=False)
                self.commands.run(argv, cwd=self.project_dir)
                started.append(name)
        return f"started with docker run: {', '.join(started) or 'none'}"

    def _require_build_output(self) -> None:
        out = self.project_dir / self.settings.out
        needed = [out / "grafana.ini", out / "prometheus" / "prometheus.yml"]
        missing = [
            str(p.relative_to(self.project_dir)) for p in needed if not p.is_file()
        ]
        if missing:
            # Docker would mount a missing file as an empty folder.
            raise DeployError(
                f"{', '.join(missing)} missing; run 'mt5dash build' first"
            )


def _created(names: list[str]) -> str:
    return f"created {', '.join(names)} (mode 0600)" if names else ""


def plan_grafana(
    project_dir: Path,
    settings: Settings,
    *,
    tls: TlsOptions,
    commands: CommandRunner,
    push: PushStep,
    verify: VerifyStep,
    sleep: Callable[[float], None] = time.sleep,
    environ: Mapping[str, str] | None = None,
) -> Plan:
    """The steps of ``mt5dash deploy grafana``; raises ``DeployError`` on bad input.

    ``environ`` (default: this process's environment) gives the variables
    Grafana's configuration refers to, such as webhook URLs.
    """
    state = _GrafanaDeploy(
        project_dir, settings, tls, commands, os.environ if environ is None else environ
    )
    state.check_inputs()
    deploy = settings.deploy
    secrets_shown = deploy.secrets_dir.rstrip("/")
    logs = show(state.compose_argv("logs", "grafana"))
    secret_actions = [
        f"create {secrets_shown}/ (mode 0700) if missing",
        f"generate {secrets_shown}/{secret_files.ADMIN_PASSWORD} and "
        f"{secrets_shown}/{secret_files.GRAFANA_ENV} (mode 0600) if missing",
    ]
    if state.shell_variables:
        secret_actions.append(
            f"write {secrets_shown}/{secret_files.PROVISIONING_ENV} (mode 0600) "
            f"from this shell's {', '.join(sorted(state.shell_variables))} "
            "if it differs"
        )

    steps = [
        Step(
            "secrets",
            secret_actions,
            state.make_secrets,
            recovery=f"check that {secrets_shown}/ is writable, then deploy again",
            needed=state.secrets_needed,
        ),
    ]
    if state.tls:
        source = (
            f"copy {tls.cert} and {tls.key}"
            if tls.cert is not None
            else "make a self-signed certificate"
        )
        steps.append(
            Step(
                "tls",
                [f"{source} into {secrets_shown}/tls/ if not there"],
                state.install_tls,
                recovery="check the certificate and key files (PEM), then deploy again",
                needed=state.tls_needed,
            )
        )
    steps += [
        Step(
            "compose-file",
            [f"write {compose.COMPOSE_FILE} if it differs"],
            state.write_compose,
            recovery="check that deploy/ is writable, then deploy again",
            needed=state.compose_needed,
        ),
        Step(
            "stack",
            state.stack_actions(),
            state.start_stack,
            recovery=(
                f"read the containers' logs ({logs}); if the configuration is lost "
                "on restart, check the volume mounts in "
                f"{compose.COMPOSE_FILE}"
            ),
            needed=state.stack_needed,
        ),
        Step(
            "health",
            [f"wait up to {deploy.health_timeout_s:g} s for GET /api/health"],
            lambda: (
                "Grafana "
                + wait_for_health(
                    state.access().url,
                    ca_cert=state.access().ca_cert,
                    timeout_s=deploy.health_timeout_s,
                    sleep=sleep,
                )
                + " is healthy"
            ),
            recovery=(
                f"read Grafana's log ({logs}); if the configuration is lost on "
                "restart, check the volume mounts (grafana-data)"
            ),
            check=True,
        ),
        Step(
            "push",
            ["mt5dash push (the project's provisioning, as the admin)"],
            lambda: push(project_dir, state.access()),
            recovery=(
                "fix what the push reported and run 'mt5dash push'; if a contact "
                "point's webhook failed, run 'mt5dash notify test'"
            ),
            check=True,
        ),
        Step(
            "verify",
            ["mt5dash verify (the acceptance checks)"],
            lambda: verify(project_dir, state.access()),
            recovery=(
                "fix what verify reported and run 'mt5dash verify'; if a webhook "
                "failed, run 'mt5dash notify test'"
            ),
            check=True,
        ),
    ]
    return Plan("grafana", steps, secrets=state.secret_values)
