"""Running the host's commands (docker, systemctl, config.sh) with secrets scrubbed.

Every command a deploy runs goes through a ``CommandRunner``, so tests can
put stand-in executables first on ``PATH`` and the plan can show the exact
commands. Secret values passed as arguments are replaced by ``***`` wherever
the command or its output is shown: in logs, in the plan and in errors.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mt5dash.errors import DeployError

log = logging.getLogger(__name__)

MASK = "***"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret value in ``text`` by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def show(argv: Sequence[str], secrets: Iterable[str] = ()) -> str:
    """The command as a shell line, with secret arguments masked."""
    return scrub(shlex.join(argv), secrets)


@dataclass(frozen=True)
class Result:
    """What a finished command returned; its output is already scrubbed."""

    returncode: int
    stdout: str
    stderr: str


class CommandRunner:
    """Runs commands as subprocesses, looking executables up on ``PATH``.

    ``env`` replaces the process environment when given (tests use it to put
    stand-in executables first on ``PATH``).
    """

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = dict(os.environ if env is None else env)

    def which(self, name: str) -> str | None:
        """The executable ``name`` would run, or None."""
        return shutil.which(name, path=self.env.get("PATH", os.defpath))

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        check: bool = True,
    ) -> Result:
        """Run ``argv`` and capture its output.

        With ``check`` a non-zero exit raises ``DeployError`` naming the
        command and the end of its error output, secrets masked.
        """
        secrets = [s for s in secrets if s]
        shown = show(argv, secrets)
        log.debug("running: %s", shown)
        executable = self.which(argv[0]) if "/" not in argv[0] else argv[0]
        if executable is None:
            raise DeployError(f"command not found: {argv[0]} (needed for: {shown})")

        try:
            done = subprocess.run(
                [executable, *argv[1:]],
                cwd=cwd,
                env={**self.env, **(env or {})},
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as exc:
            raise DeployError(f"{shown}: cannot run: {exc.strerror}") from None
        result = Result(
            done.returncode, scrub(done.stdout, secrets), scrub(done.stderr, secrets)
        )

        if check and result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
            detail = "; ".join(tail) if tail else "no output"
            raise DeployError(f"{shown} exited with {result.returncode}: {detail}")
        return result
