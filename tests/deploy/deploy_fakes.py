"""Stand-ins for the deploy tests: executables, loopback servers, a project.

``docker`` and ``systemctl`` are small shell scripts put first on ``PATH``;
each appends its arguments to ``<record>/<name>.calls`` and keeps a little
state so a second deploy sees what the first one started. The runner
archive is a real tar.gz holding a stand-in ``config.sh``, served over HTTP
from a loopback server like a release download.
"""

from __future__ import annotations

import getpass
import hashlib
import http.server
import io
import ssl
import tarfile
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DOCKER = r"""#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_RECORD_DIR/docker.calls"
state="$FAKE_RECORD_DIR/docker.state"
case "$*" in
  "compose version")
    if [ -n "$FAKE_NO_COMPOSE" ]; then
      echo "docker: 'compose' is not a docker command." >&2
      exit 1
    fi
    echo "Docker Compose version v2.29.7" ;;
  compose*" up "*)
    if [ "$FAKE_FAIL" = up ]; then
      echo "Error: port 3000 is already allocated" >&2
      exit 1
    fi
    touch "$state" ;;
  compose*" ps "*)
    [ -f "$state" ] && printf 'alertmanager\ngrafana\nnode-exporter\nprometheus\n' ;;
  "network inspect"*|inspect*)
    exit 1 ;;
esac
exit 0
"""

SYSTEMCTL = r"""#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_RECORD_DIR/systemctl.calls"
state="$FAKE_RECORD_DIR/systemctl.state"
case "$1" in
  is-enabled) if [ -f "$state" ]; then echo enabled; else echo disabled; exit 1; fi ;;
  is-active) if [ -f "$state" ]; then echo active; else echo inactive; exit 3; fi ;;
  restart) touch "$state" ;;
esac
exit 0
"""

CONFIG_SH = r"""#!/bin/sh
printf '%s\n' "$@" > "$FAKE_RECORD_DIR/config.sh.args"
echo "Runner registration: $*"
if [ -n "$FAKE_CONFIG_FAIL" ]; then
  echo "Http response code: NotFound from 'POST https://api.github.com/actions/" \
    "runner-registration' ($*)" >&2
  exit 1
fi
echo '{"agentName": "mt5-hub"}' > .runner
"""

RUN_SH = "#!/bin/sh\nexec sleep infinity\n"

TOKEN = "AABBCCDDEEFF0011223344556677"
REPO_URL = "https://github.com/example/mt5-hub"


class Recorder:
    """Reads what the stand-in executables recorded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def calls(self, name: str) -> list[str]:
        path = self.folder / f"{name}.calls"
        return path.read_text().splitlines() if path.is_file() else []

    def config_args(self) -> list[str]:
        path = self.folder / "config.sh.args"
        return path.read_text().splitlines() if path.is_file() else []

    def clear(self) -> None:
        for path in self.folder.glob("*.calls"):
            path.unlink()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server = self.server
        server.requests.append(self.path)  # type: ignore[attr-defined]
        body = server.routes.get(self.path)  # type: ignore[attr-defined]
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Server:
    """A loopback HTTP(S) server answering fixed bodies by path."""

    port: int
    routes: dict[str, bytes]
    requests: list[str] = field(default_factory=list)


def serve(
    routes: dict[str, bytes], tls: tuple[Path, Path] | None = None
) -> Iterator[Server]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    server = Server(httpd.server_address[1], routes)
    httpd.routes = server.routes  # type: ignore[attr-defined]
    httpd.requests = server.requests  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


HEALTH = b'{"commit": "abc", "database": "ok", "version": "11.6.0"}'


def runner_archive() -> bytes:
    """A runner release archive holding stand-in config.sh and run.sh."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in (("config.sh", CONFIG_SH), ("run.sh", RUN_SH)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


ARCHIVE = runner_archive()
ARCHIVE_PATH = "/v2.326.0/actions-runner-linux-x64-2.326.0.tar.gz"


def write_project(
    root: Path,
    *,
    grafana_port: int = 3000,
    release_port: int = 1,
    runner_sha256: str | None = None,
) -> Path:
    """A project with built provisioning and settings pointing into ``root``."""
    project = root / "project"
    (project / "provisioning" / "prometheus").mkdir(parents=True)
    (project / "provisioning" / "grafana.ini").write_text(
        "[security]\nadmin_password = $__file{/run/secrets/grafana_admin_password}\n"
    )
    (project / "provisioning" / "prometheus" / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 15s\n"
    )
    sha = runner_sha256 or hashlib.sha256(ARCHIVE).hexdigest()
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [tool.mt5dash.grafana]
            domain = "localhost"

            [tool.mt5dash.deploy]
            grafana_port = {grafana_port}
            health_timeout_s = 5
            runner_dir = "{root / "actions-runner"}"
            systemd_dir = "{root / "systemd"}"
            runner_user = "{getpass.getuser()}"
            runner_repo_url = "{REPO_URL}"
            runner_url = "http://127.0.0.1:{release_port}/v{{version}}/actions-runner-linux-x64-{{version}}.tar.gz"
            runner_sha256 = "{sha}"
            """
        )
    )
    return project


def write_token(project: Path, token: str = TOKEN) -> None:
    secrets = project / ".secrets"
    secrets.mkdir(mode=0o700, exist_ok=True)
    (secrets / "gh_runner_token").write_text(token + "\n")
