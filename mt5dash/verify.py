"""The acceptance check of a running installation, with observed values.

``verify`` runs each probe on its own: a probe that fails records its reason
under ``problems`` and the others still run. Every endpoint is a parameter,
so tests point the probes at loopback servers.

The report::

    {"runner": {"status": "active", "online": true},
     "grafana": {"port": "3000", "login_secure": true, "dashboards": 3,
                 "alert_rules": 4},
     "prometheus": {"targets": "up"},
     "dingtalk_alert": {"test_message": "received"},
     "kpi_visibility": "sharpe_dashboard",
     "problems": [], "ok": true}
"""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mt5dash.errors import VerifyError
from mt5dash.promql import substitute
from mt5dash.push._client import ApiError, ClientConfig, Connection

log = logging.getLogger(__name__)

CommandRunner = Callable[[list[str]], tuple[int, str]]
MIN_DASHBOARDS = 3
MIN_ALERT_RULES = 2


def run_command(args: list[str]) -> tuple[int, str]:
    """Run a command; its exit code and its standard output, stripped."""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return 127, f"{args[0]}: command not found"
    except subprocess.TimeoutExpired:
        return 124, f"{args[0]}: timed out"
    return done.returncode, (done.stdout or done.stderr).strip()


@dataclass(frozen=True)
class VerifyOptions:
    """Where the probes look; see ``verify``."""

    prometheus_url: str
    runner_unit: str = ""
    github_token: str = ""
    github_repo: str = ""
    runner_name: str = ""
    github_api_url: str = "https://api.github.com"
    kpi_dashboard: str = ""
    kpi_panel: str = "Sharpe"
    dingtalk_type: str = "dingding"
    timeout: float = 10.0


def verify(
    grafana: ClientConfig,
    options: VerifyOptions,
    *,
    command_runner: CommandRunner | None = None,
) -> dict[str, Any]:
    """Probe Grafana, Prometheus, the DingTalk contact point, the KPI
    dashboard and the Actions runner; the acceptance report.

    ``options.runner_unit`` is the runner's systemd unit (checked through
    ``command_runner`` with ``systemctl is-active``); with ``github_token``
    and ``github_repo`` (``owner/name``) the runner named ``runner_name`` must
    also be online in GitHub's API. The report's ``ok`` is true only when
    every probe held; ``problems`` lists the reasons of the others.
    """
    report: dict[str, Any] = {}
    problems: list[str] = []
    probes = [
        ("runner", lambda: _runner(options, command_runner or run_command)),
        ("grafana", lambda: _grafana(grafana, options)),
        ("prometheus", lambda: _prometheus(options)),
        ("dingtalk_alert", lambda: _dingtalk(grafana, options)),
        ("kpi_visibility", lambda: _kpi(grafana, options)),
    ]
    for name, probe in probes:
        try:
            value, failures = probe()
        except Exception as exc:  # one broken probe must not stop the others
            value, failures = _failed_value(name), [f"{exc}"]
        report[name] = value
        problems += [f"{name}: {f}" for f in failures]
        for failure in failures:
            log.info("%s: %s", name, failure)
    report["problems"] = problems
    report["ok"] = not problems
    return report


def check(report: dict[str, Any]) -> None:
    """Raise ``VerifyError`` naming every problem unless the report is ok."""
    if not report.get("ok"):
        lines = "\n".join(f"  {p}" for p in report.get("problems", []))
        raise VerifyError(
            f"the installation does not pass the acceptance check:\n{lines}"
        )


def _failed_value(name: str) -> Any:
    return {
        "runner": {"status": "unknown", "online": None},
        "grafana": {
            "port": "",
            "login_secure": False,
            "dashboards": 0,
            "alert_rules": 0,
        },
        "prometheus": {"targets": "unknown"},
        "dingtalk_alert": {"test_message": "not sent"},
        "kpi_visibility": "none",
    }[name]


# The runner


# What ``systemctl is-active`` prints; anything else is systemctl failing.
UNIT_STATES = frozenset(
    {"active", "inactive", "failed", "activating", "deactivating", "reloading",
     "refreshing", "maintenance", "unknown"}
)  # fmt: skip


def _runner(options: VerifyOptions, run: CommandRunner) -> tuple[Any, list[str]]:
    problems: list[str] = []
    value: dict[str, Any] = {"status": "unknown", "online": None}
    if not options.runner_unit:
        problems.append("no runner unit given (--runner-unit)")
    else:
        code, out = run(["systemctl", "is-active", options.runner_unit])
        state = out.splitlines()[-1] if out else f"exit {code}"
        value["status"] = state if state in UNIT_STATES else "unknown"
        if state not in UNIT_STATES:
            problems.append(
                f"systemctl could not report unit {options.runner_unit}: {state}"
            )
        elif code != 0 or state != "active":
            problems.append(
                f"systemd unit {options.runner_unit} is {value['status']!r}, "
                "not 'active'"
            )
    if options.github_token:
        online, reason = _runner_online(options)
        value["online"] = online
        if reason:
            problems.append(reason)
    return value, problems


def _runner_online(options: VerifyOptions) -> tuple[bool, str]:
    if not options.github_repo or not options.runner_name:
        return False, "a GitHub token needs --github-repo and --runner-name"
    url = (
        f"{options.github_api_url.rstrip('/')}/repos/{options.github_repo}"
        "/actions/runners?per_page=100"
    )
    status, body = _get_json(
        url,
        {
            "Authorization": f"Bearer {options.github_token}",
            "Accept": "application/vnd.github+json",
        },
        options.timeout,
    )
    if status != 200:
        return (
            False,
            f"GitHub answered {status} for the runners of {options.github_repo}",
        )
    runners = {r.get("name"): r for r in body.get("runners", [])}
    runner = runners.get(options.runner_name)
    if runner is None:
        known = ", ".join(sorted(str(n) for n in runners)) or "none"
        return False, (
            f"runner {options.runner_name!r} is not registered in "
            f"{options.github_repo} (runners: {known})"
        )
    if runner.get("status") != "online":
        return False, f"runner {options.runner_name!r} is {runner.get('status')!r}"
    return True, ""


# Grafana


def _grafana(config: ClientConfig, options: VerifyOptions) -> tuple[Any, list[str]]:
    parts = urllib.parse.urlsplit(config.url)
    port = str(parts.port or (443 if parts.scheme == "https" else 80))
    value: dict[str, Any] = {
        "port": port,
        "login_secure": False,
        "dashboards": 0,
        "alert_rules": 0,
    }
    problems = [f"login is not secure: {p}" for p in _login_problems(config, options)]
    value["login_secure"] = not problems

    conn = Connection(config)
    try:
        hits = conn.call(
            "count dashboards",
            lambda: conn.http.GET("/search", params={"type": "dash-db", "limit": 5000}),
        )
        rules = conn.call(
            "count alert rules", conn.api.alertingprovisioning.get_alertrules_all
        )
    except ApiError as error:
        return value, [*problems, f"cannot read Grafana: {error}"]
    value["dashboards"] = len(hits or [])
    value["alert_rules"] = len(rules or [])
    if value["dashboards"] < MIN_DASHBOARDS:
        problems.append(
            f"{value['dashboards']} dashboard(s); at least {MIN_DASHBOARDS} expected"
        )
    if value["alert_rules"] < MIN_ALERT_RULES:
        problems.append(
            f"{value['alert_rules']} alert rule(s); at least {MIN_ALERT_RULES} expected"
        )
    return value, problems


def _login_problems(config: ClientConfig, options: VerifyOptions) -> list[str]:
    base = config.url.rstrip("/")
    problems = []
    status, _ = _get_json(f"{base}/api/search?limit=1", {}, options.timeout, config)
    anonymous = status != 401
    if anonymous:
        problems.append(f"anonymous access is on (GET /api/search answered {status})")
    status, _ = _post_json(
        f"{base}/api/user/signup",
        {"email": "mt5dash-verify@invalid.example"},
        options.timeout,
        config,
    )
    if status not in (401, 403, 404):
        problems.append(f"sign-up is open (POST /api/user/signup answered {status})")
    basic = base64.b64encode(b"admin:admin").decode()
    status, user = _get_json(
        f"{base}/api/user", {"Authorization": f"Basic {basic}"}, options.timeout, config
    )
    # With anonymous access on, Grafana lets wrong credentials in anonymously:
    # only an answer naming the admin user shows the password was accepted.
    signed_in_as = user.get("login") if isinstance(user, dict) else None
    if status == 200 and signed_in_as == "admin":
        problems.append(f"the default password admin:admin is accepted ({status})")
    elif status != 401 and not anonymous:
        problems.append(f"the default password probe was not refused ({status})")
    return problems


# Prometheus


def _prometheus(options: VerifyOptions) -> tuple[Any, list[str]]:
    url = f"{options.prometheus_url.rstrip('/')}/api/v1/targets?state=active"
    status, body = _get_json(url, {}, options.timeout)
    if status != 200:
        return {"targets": "unknown"}, [f"Prometheus answered {status} at {url}"]
    targets = body.get("data", {}).get("activeTargets", [])
    if not targets:
        return {"targets": "none"}, ["Prometheus has no active scrape targets"]
    down = [t for t in targets if t.get("health") != "up"]
    if not down:
        return {"targets": "up"}, []
    reasons = [
        f"{t.get('scrapeUrl', '?')} is {t.get('health')}: {t.get('lastError', '')}"
        for t in down
    ]
    return {"targets": "down"}, reasons


# DingTalk


def _dingtalk(config: ClientConfig, options: VerifyOptions) -> tuple[Any, list[str]]:
    from mt5dash.push.notify import test_contact_points

    conn = Connection(config)
    points = conn.call(
        "read contact points", conn.api.alertingprovisioning.get_contactpoints
    )
    names = sorted(
        {p["name"] for p in points or [] if p["type"] == options.dingtalk_type}
    )
    if not names:
        return {"test_message": "not sent"}, [
            f"Grafana has no contact point of type {options.dingtalk_type!r}"
        ]
    results = test_contact_points(config, names)
    ours = [r for r in results if r.type == options.dingtalk_type]
    failed = [r for r in ours if r.status != "delivered"]
    if not ours or failed:
        reasons = [f"{r.contact_point} ({r.uid}): {r.error}" for r in failed]
        return {"test_message": "failed"}, reasons or ["no DingTalk integration tested"]
    return {"test_message": "received"}, []


# The KPI dashboard


def _kpi(config: ClientConfig, options: VerifyOptions) -> tuple[Any, list[str]]:
    conn = Connection(config)
    dashboard, panel = _find_kpi_panel(conn, options)
    if panel is None:
        where = (
            f"dashboard {options.kpi_dashboard!r}"
            if options.kpi_dashboard
            else ("any dashboard")
        )
        return "none", [
            f"no panel with a PromQL query titled like {options.kpi_panel!r} in {where}"
        ]
    values = _variable_values(dashboard)
    for expr in _exprs(panel):
        query = substitute(expr, values, default=".*")
        url = (
            f"{options.prometheus_url.rstrip('/')}/api/v1/query?"
            + urllib.parse.urlencode({"query": query})
        )
        status, body = _get_json(url, {}, options.timeout)
        if status == 200 and body.get("data", {}).get("result"):
            return "sharpe_dashboard", []
    return "none", [
        f"the query of panel {panel.get('title')!r} in dashboard "
        f"{dashboard.get('uid')!r} returns no data from Prometheus"
    ]


def _find_kpi_panel(conn: Connection, options: VerifyOptions) -> tuple[Any, Any]:
    if options.kpi_dashboard:
        uids = [options.kpi_dashboard]
    else:
        hits = conn.call(
            "list dashboards",
            lambda: conn.http.GET("/search", params={"type": "dash-db", "limit": 5000}),
        )
        uids = [h["uid"] for h in hits or []]
    wanted = options.kpi_panel.lower()
    for uid in uids:
        model = conn.call(
            f"read dashboard {uid}", lambda u=uid: conn.api.dashboard.get_dashboard(u)
        )["dashboard"]
        for panel in _panels(model.get("panels", [])):
            # A row or a text panel may share the title; only a query can show data.
            if panel.get("type") == "row" or not _exprs(panel):
                continue
            if wanted in str(panel.get("title", "")).lower():
                return model, panel
    return None, None


def _exprs(panel: dict[str, Any]) -> list[str]:
    """The PromQL queries of the panel's targets."""
    return [t["expr"] for t in panel.get("targets") or [] if t.get("expr")]


def _panels(panels: list[Any]) -> list[Any]:
    out = []
    for panel in panels:
        out.append(panel)
        out += _panels(panel.get("panels", []))
    return out


def _variable_values(dashboard: dict[str, Any]) -> dict[str, str]:
    values = {}
    for variable in dashboard.get("templating", {}).get("list", []):
        current = (variable.get("current") or {}).get("value")
        if isinstance(current, list):
            current = "|".join(str(c) for c in current)
        if current in (None, "", "$__all"):
            current = ".*"
        values[variable["name"]] = str(current)
    return values


# HTTP without credentials of our own


def _get_json(
    url: str,
    headers: dict[str, str],
    timeout: float,
    tls: ClientConfig | None = None,
) -> tuple[int, Any]:
    return _request(urllib.request.Request(url, headers=headers), timeout, tls)


def _post_json(
    url: str, body: Any, timeout: float, tls: ClientConfig | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    return _request(request, timeout, tls)


def _request(
    request: urllib.request.Request, timeout: float, tls: ClientConfig | None
) -> tuple[int, Any]:
    import ssl

    context = None
    if tls is not None and request.full_url.startswith("https"):
        context = ssl.create_default_context(cafile=tls.ca_cert or None)
        if tls.insecure and not tls.ca_cert:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(
            request, timeout=timeout, context=context
        ) as answer:
            return answer.status, _decode(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, _decode(error.read())
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ConnectionError(f"no answer from {request.full_url}: {reason}") from None


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null") or {}
    except ValueError:
        return {}
