"""``mt5dash deploy runner``: the GitHub Actions runner the hub's CI runs on.

Steps: the runner's user, the pinned release (downloaded, its SHA-256
checked before anything is extracted), the unattended registration, the
systemd unit mt5dash generates, and the service running. A runner already
registered (its ``.runner`` file exists) is left alone unless
``reconfigure`` is set.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pwd
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from mt5dash.deploy import secret_files, systemd
from mt5dash.deploy.commands import CommandRunner, show
from mt5dash.deploy.secret_files import SecretFiles
from mt5dash.deploy.steps import Plan, Step
from mt5dash.errors import DeployError
from mt5dash.settings import Settings

log = logging.getLogger(__name__)

VERSION_MARKER = ".mt5dash-version"
# What config.sh writes when it registers; removed to register again.
REGISTRATION_FILES = (".runner", ".credentials", ".credentials_rsaparams")
TOKEN_HELP = (
    "get a registration token from the repository's Settings → Actions → Runners "
    "→ New self-hosted runner, or from the REST endpoint "
    "POST /repos/<owner>/<repo>/actions/runners/registration-token"
)


class _RunnerDeploy:
    """The state one ``deploy runner`` plan shares between its steps."""

    def __init__(
        self,
        project_dir: Path,
        settings: Settings,
        commands: CommandRunner,
        reconfigure: bool,
    ) -> None:
        self.settings = settings
        self.deploy = settings.deploy
        self.commands = commands
        self.reconfigure = reconfigure
        self.files = SecretFiles(
            project_dir / self.deploy.secrets_dir, self.deploy.secrets_dir
        )
        self.dir = (project_dir / self.deploy.runner_dir).resolve()
        self.unit = systemd.unit_name(settings)
        self.unit_path = Path(self.deploy.systemd_dir) / self.unit
        self.url = self.deploy.runner_url.format(version=self.deploy.runner_version)
        self.unit_written = False
        self.configured_now = False
        self.token = ""

    @property
    def registered(self) -> bool:
        return (self.dir / ".runner").is_file()

    @property
    def must_register(self) -> bool:
        return self.reconfigure or not self.registered

    def check_inputs(self) -> None:
        """Refuse to start without what registration needs: nothing is installed."""
        if not self.must_register:
            return
        label = self.files.label(secret_files.RUNNER_TOKEN)
        if not self.files.exists(secret_files.RUNNER_TOKEN):
            raise DeployError(
                f"{label} is missing: create it (mode 0600) holding a runner "
                f"registration token; {TOKEN_HELP}"
            )
        self.token = self.files.read(secret_files.RUNNER_TOKEN)
        if not self.token:
            raise DeployError(f"{label} is empty; {TOKEN_HELP}")
        if not self.deploy.runner_repo_url:
            raise DeployError(
                "[tool.mt5dash.deploy] runner_repo_url is not set; set it to the "
                "repository's address, e.g. https://github.com/<owner>/<repo>"
            )

    # -- the user --------------------------------------------------------------

    def user_exists(self) -> bool:
        try:
            pwd.getpwnam(self.deploy.runner_user)
        except KeyError:
            return False
        return True

    def user_argv(self) -> list[str]:
        return [
            "useradd",
            "--system",
            "--create-home",
            "--shell",
            "/usr/sbin/nologin",
            self.deploy.runner_user,
        ]

    def create_user(self) -> str:
        self.commands.run(self.user_argv())
        return f"user {self.deploy.runner_user} created"

    # -- the release -----------------------------------------------------------

    def install_needed(self) -> bool:
        if not self.must_register:
            return False
        marker = self.dir / VERSION_MARKER
        installed = marker.read_text().strip() if marker.is_file() else ""
        return installed != self.deploy.runner_version

    def install(self) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.dir.parent) as scratch:
            archive = Path(scratch) / "runner.tar.gz"
            digest = self._download(archive)
            expected = self.deploy.runner_sha256
            if digest != expected:
                raise DeployError(
                    f"{self.url}: SHA-256 is {digest}, expected {expected} "
                    f"(runner {self.deploy.runner_version}); nothing was extracted"
                )
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(self.dir, filter="data")
        (self.dir / VERSION_MARKER).write_text(self.deploy.runner_version + "\n")
        self._give_to_user()
        return f"runner {self.deploy.runner_version} extracted into {self.dir}"

    def _download(self, target: Path) -> str:
        sha = hashlib.sha256()
        try:
            with (
                urllib.request.urlopen(self.url, timeout=60) as response,
                target.open("wb") as f,
            ):
                while chunk := response.read(1 << 20):
                    sha.update(chunk)
                    f.write(chunk)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise DeployError(f"cannot download {self.url}: {reason}") from None
        return sha.hexdigest()

    def _give_to_user(self) -> None:
        if os.geteuid() != 0 or self.deploy.runner_user == "root":
            return
        for folder, dirs, files in os.walk(self.dir):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                shutil.chown(name, self.deploy.runner_user)

    # -- registration ------------------------------------------------------------

    def config_argv(self) -> list[str]:
        deploy = self.deploy
        argv = [
            str(self.dir / "config.sh"),
            "--unattended",
            "--url",
            deploy.runner_repo_url,
            "--token",
            self.token or "<token>",
            "--name",
            deploy.runner_name,
            "--labels",
            ",".join(deploy.runner_labels),
            "--work",
            "_work",
            "--replace",
        ]
        if deploy.runner_user == _current_user():
            return argv
        return ["runuser", "-u", deploy.runner_user, "--", *argv]

    def register(self) -> str:
        if self.registered:
            if self.unit_path.is_file():
                self.commands.run(["systemctl", "stop", self.unit])
            for name in REGISTRATION_FILES:
                (self.dir / name).unlink(missing_ok=True)
        env = (
            {"RUNNER_ALLOW_RUNASROOT": "1"} if self.deploy.runner_user == "root" else {}
        )
        self.commands.run(
            self.config_argv(), cwd=self.dir, env=env, secrets=[self.token]
        )
        self.configured_now = True
        return (
            f"registered as {self.deploy.runner_name} at {self.deploy.runner_repo_url}"
        )

    # -- the service ---------------------------------------------------------------

    def unit_text(self) -> str:
        return systemd.runner_unit(self.settings, self.dir)

    def unit_needed(self) -> bool:
        if not self.unit_path.is_file():
            return True
        return self.unit_path.read_text(encoding="utf-8") != self.unit_text()

    def write_unit(self) -> str:
        self.unit_path.parent.mkdir(parents=True, exist_ok=True)
        self.unit_path.write_text(self.unit_text(), encoding="utf-8")
        self.unit_path.chmod(0o644)
        self.commands.run(["systemctl", "daemon-reload"])
        self.unit_written = True
        return f"{self.unit_path} written"

    def _state(self, query: str) -> str:
        return self.commands.run(
            ["systemctl", query, self.unit], check=False
        ).stdout.strip()

    def service_needed(self) -> bool:
        if self.unit_written or self.configured_now:
            return True
        return (
            self._state("is-enabled") != "enabled"
            or self._state("is-active") != "active"
        )

    def start_service(self) -> str:
        self.commands.run(["systemctl", "enable", self.unit])
        self.commands.run(["systemctl", "restart", self.unit])
        return f"{self.unit} enabled and restarted"

    def confirm_active(self) -> str:
        state = self._state("is-active")
        if state != "active":
            raise DeployError(f"{self.unit} is {state or 'unknown'}, not active")
        return f"{self.unit} is active"


def _current_user() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def plan_runner(
    project_dir: Path,
    settings: Settings,
    *,
    commands: CommandRunner,
    reconfigure: bool = False,
) -> Plan:
    """The steps of ``mt5dash deploy runner``; raises ``DeployError`` on bad input."""
    state = _RunnerDeploy(project_dir, settings, commands, reconfigure)
    state.check_inputs()
    deploy = settings.deploy
    journal = f"journalctl -u {state.unit}"
    token_file = state.files.label(secret_files.RUNNER_TOKEN)
    steps = []

    if not state.user_exists():
        steps.append(
            Step(
                "user",
                [show(state.user_argv())],
                state.create_user,
                recovery=f"create the user {deploy.runner_user}, then deploy again",
            )
        )
    steps += [
        Step(
            "install",
            [
                f"download {state.url}",
                f"check its SHA-256 is {deploy.runner_sha256}",
                f"extract it into {state.dir}",
            ],
            state.install,
            recovery=(
                "check the network and the pinned runner_version/runner_sha256 "
                "in [tool.mt5dash.deploy], then deploy again"
            ),
            needed=state.install_needed,
        ),
        Step(
            "register",
            [show(state.config_argv())],
            state.register,
            recovery=(
                "registration failed: issue a new token (they expire after an hour; "
                f"{TOKEN_HELP}), write it to {token_file} and run "
                "'mt5dash deploy runner --reconfigure'"
            ),
            needed=lambda: state.must_register,
        ),
        Step(
            "unit",
            [f"write {state.unit_path} if it differs", "systemctl daemon-reload"],
            state.write_unit,
            recovery=f"check that {deploy.systemd_dir} is writable (run as root)",
            needed=state.unit_needed,
        ),
        Step(
            "service",
            [f"systemctl enable {state.unit}", f"systemctl restart {state.unit}"],
            state.start_service,
            recovery=f"read the runner's log ({journal}) and deploy again",
            needed=state.service_needed,
        ),
        Step(
            "active",
            [f"systemctl is-active {state.unit}"],
            state.confirm_active,
            recovery=(
                f"read the runner's log ({journal}); if it lost its registration, "
                "run 'mt5dash deploy runner --reconfigure' with a new token"
            ),
            check=True,
        ),
    ]
    return Plan("runner", steps, secrets=[state.token])
