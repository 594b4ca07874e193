"""A secure ``grafana.ini`` for a small single-host Grafana.

Each setting carries its reason beside it. Secrets are read by Grafana itself
at start: the admin password from a file, the secret key from the environment.
"""

from __future__ import annotations

from mt5dash.settings import GrafanaSettings

# (section, key, value, reason); a value of None leaves the line out.
Setting = tuple[str, str, str | None, str]


def _server(g: GrafanaSettings) -> list[Setting]:
    https = bool(g.tls_cert_file and g.tls_key_file)
    scheme = "https" if https else "http"
    root_url = g.root_url or f"{scheme}://{g.domain}:{g.http_port}/"
    return [
        ("server", "protocol", scheme, "https once a certificate and key are set"),
        ("server", "http_port", str(g.http_port), "the port the stack publishes"),
        ("server", "domain", g.domain, "used in links and cookies"),
        ("server", "root_url", root_url, "links in notifications point here"),
        ("server", "cert_file", g.tls_cert_file or None, "TLS certificate (PEM)"),
        ("server", "cert_key", g.tls_key_file or None, "TLS private key (PEM)"),
        ("server", "enable_gzip", "true", "smaller dashboard payloads over slow links"),
        ("server", "router_logging", "false", "one log line per request is noise here"),
    ]


def _security(g: GrafanaSettings) -> list[Setting]:
    https = bool(g.tls_cert_file and g.tls_key_file)
    return [
        ("security", "admin_user", g.admin_user, "the first administrator's login"),
        (
            "security",
            "admin_password",
            f"$__file{{{g.admin_password_file}}}",
            "read from a secret file; only used when the admin is first created",
        ),
        (
            "security",
            "secret_key",
            f"$__env{{{g.secret_key_env}}}",
            "encrypts datasource and contact point secrets; never the public default",
        ),
        (
            "security",
            "disable_initial_admin_creation",
            "false",
            "true would leave nobody able to log in without an external login",
        ),
        ("security", "disable_gravatar", "true", "no calls to outside services"),
        (
            "security",
            "cookie_secure",
            "true" if https else "false",
            "cookies only over https when served over https",
        ),
        ("security", "cookie_samesite", "lax", "blocks cross-site form posts"),
        (
            "security",
            "strict_transport_security",
            "true" if https else "false",
            "browsers keep to https once they saw it",
        ),
        (
            "security",
            "content_security_policy",
            "true",
            "limits what injected markup can load",
        ),
        (
            "security",
            "allow_embedding",
            "false",
            "no framing by other sites (clickjacking)",
        ),
    ]


_FIXED: list[Setting] = [
    (
        "users",
        "allow_sign_up",
        "false",
        "accounts are created by admins or mt5dash only",
    ),
    ("users", "allow_org_create", "false", "one organisation holds the hub"),
    ("users", "auto_assign_org_role", "Viewer", "new users can look but not change"),
    ("auth", "disable_login_form", "false", "the login form is the way in without SSO"),
    ("auth.anonymous", "enabled", "false", "every visitor must log in"),
    ("auth.basic", "enabled", "true", "lets mt5dash push with a user and password"),
    ("snapshots", "external_enabled", "false", "no dashboard data leaves the host"),
    ("analytics", "reporting_enabled", "false", "no usage reports to outside services"),
    ("analytics", "check_for_updates", "false", "the host has no need to call out"),
    (
        "analytics",
        "check_for_plugin_updates",
        "false",
        "the host has no need to call out",
    ),
    ("database", "type", "sqlite3", "a single host needs no database server"),
    (
        "database",
        "wal",
        "true",
        "readers do not block the writer; fewer 'database is locked'",
    ),
    ("database", "cache_mode", "private", "recommended with WAL for a single process"),
    ("database", "query_retries", "3", "rides out brief lock contention"),
    ("dataproxy", "timeout", "30", "a slow Prometheus query fails instead of hanging"),
    ("dataproxy", "logging", "false", "query logging costs disk on a small host"),
    (
        "dashboards",
        "min_refresh_interval",
        "10s",
        "caps the query load of auto-refresh",
    ),
    (
        "dashboards",
        "versions_to_keep",
        "20",
        "enough history without growing the database",
    ),
    ("unified_alerting", "enabled", "true", "Grafana-managed alert rules"),
    ("unified_alerting", "min_interval", "10s", "the scheduler tick rule groups use"),
    (
        "unified_alerting",
        "evaluation_timeout",
        "30s",
        "a stuck query cannot stall the scheduler",
    ),
    (
        "unified_alerting",
        "max_attempts",
        "3",
        "retries a failed evaluation before erroring",
    ),
    ("log", "mode", "console", "the container runtime collects stdout"),
    ("log", "level", "info", "warnings and state changes without debug noise"),
    ("live", "max_connections", "100", "bounds websocket memory on a small host"),
]


def render_grafana_ini(g: GrafanaSettings) -> bytes:
    """The ``grafana.ini`` text for ``g``."""
    settings = _server(g) + _security(g) + _FIXED
    lines = ["; Generated by mt5dash build from the project's settings. Do not edit."]
    section = ""
    for name, key, value, reason in settings:
        if value is None:
            continue
        if name != section:
            lines += ["", f"[{name}]"]
            section = name
        lines.append(f"; {reason}")
        lines.append(f"{key} = {value}")
    return ("\n".join(lines) + "\n").encode()
