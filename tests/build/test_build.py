"""The provisioning tree the build writes: content, determinism, atomicity.

Snapshots live in ``__snapshots__``; after an intended change to the output,
refresh them with ``pytest --snapshot-update`` and review the diff.
"""

from __future__ import annotations

import configparser
import errno
import json
from pathlib import Path

import pytest
import yaml

from mt5dash.builder import build, render_files
from mt5dash.errors import ConfigError, DeclarationError, StaleOutputError
from tests.conftest import REPO

HUB_FILES = render_files(REPO)

SMALL = {
    "dashboards/base.py": """
    from mt5dash import Dashboard, Datasource, Folder
    from mt5dash.panels import stat

    prom = Datasource.prometheus(uid="prom", url="http://prometheus:9090")
    hub = Folder(uid="hub", title="Hub")
    up = Dashboard(uid="up", title="Up", folder="hub", panels=[stat("Up", "up")])
    """
}


@pytest.mark.parametrize("path", sorted(HUB_FILES))
def test_hub_file_matches_snapshot(path, snapshot):
    assert HUB_FILES[path].decode() == snapshot


def test_committed_provisioning_is_up_to_date():
    build(REPO, check=True)


def test_dashboard_files_are_bare_dashboard_models():
    dashboards = {p: c for p, c in HUB_FILES.items() if p.endswith(".json")}

    for path, content in dashboards.items():
        model = json.loads(content)
        assert "dashboard" not in model, path
        assert "id" not in model, path
        assert model["schemaVersion"] == 39, path
        assert path == f"dashboards/{path.split('/')[1]}/{model['uid']}.json"
        assert isinstance(model["templating"]["list"], list), path
    assert len(dashboards) == 3


def test_every_panel_and_target_names_its_datasource_by_type_and_uid():
    for path, content in HUB_FILES.items():
        if not path.endswith(".json"):
            continue
        model = json.loads(content)
        children = [c for p in model["panels"] for c in p.get("panels", [])]
        panels = model["panels"] + children
        for panel in panels:
            if panel["type"] in ("row", "text"):
                continue
            assert panel["datasource"] == {"type": "prometheus", "uid": "prometheus"}
            for target in panel["targets"]:
                assert target["datasource"] == panel["datasource"]


def test_yaml_files_declare_api_version_1():
    for path, content in HUB_FILES.items():
        if path.endswith(".yaml"):
            assert yaml.safe_load(content)["apiVersion"] == 1, path


def test_alert_queries_have_a_relative_time_range():
    groups = yaml.safe_load(HUB_FILES["alerting/rules.yaml"])["groups"]
    queries = [
        q
        for g in groups
        for r in g["rules"]
        for q in r["data"]
        if q["datasourceUid"] != "__expr__"
    ]

    assert queries
    for query in queries:
        assert query["relativeTimeRange"]["from"] > query["relativeTimeRange"]["to"]


def test_secrets_are_references_never_values(monkeypatch):
    monkeypatch.setenv(
        "MT5_DINGTALK_WEBHOOK_URL", "https://ding.example/?access_token=s3cr3t"
    )
    files = render_files(REPO)

    assert not any(b"s3cr3t" in content for content in files.values())
    points = files["alerting/contact-points.yaml"].decode()
    assert "url: ${MT5_DINGTALK_WEBHOOK_URL}" in points
    assert "url: ${MT5_SLACK_WEBHOOK_URL}" in points


def test_go_templates_are_escaped_where_grafana_expands_variables(make_project):
    root = make_project(
        {
            **SMALL,
            "alerts/a.py": """
            from mt5dash import AlertRule, ContactPoint, RuleGroup, Slack, env
            s = ContactPoint(name="s", integrations=[Slack(uid="s", url=env("U"),
                title="{{ $labels.alertname }}")])
            g = RuleGroup(name="g", folder="hub", rules=[AlertRule(uid="r",
                title="R", when="up below 1", summary="{{ $labels.job }} down",
                labels={"team": "$team"})])
            """,
        }
    )
    files = render_files(root)

    points = yaml.safe_load(files["alerting/contact-points.yaml"])
    rules = yaml.safe_load(files["alerting/rules.yaml"])
    rule = rules["groups"][0]["rules"][0]
    assert points["contactPoints"][0]["receivers"][0]["settings"]["title"] == (
        "{{ $$labels.alertname }}"
    )
    assert rule["labels"] == {"team": "$$team"}
    assert rule["annotations"]["summary"] == "{{ $labels.job }} down"


def test_grafana_ini_is_secure():
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",))
    ini.read_string(HUB_FILES["grafana.ini"].decode())

    assert ini["auth.anonymous"]["enabled"] == "false"
    assert ini["users"]["allow_sign_up"] == "false"
    assert ini["security"]["disable_initial_admin_creation"] == "false"
    assert ini["security"]["admin_password"] == (
        "$__file{/run/secrets/grafana_admin_password}"
    )
    assert ini["security"]["secret_key"] == "$__env{GRAFANA_SECRET_KEY}"
    assert ini["unified_alerting"]["enabled"] == "true"
    assert ini["server"]["protocol"] == "http"
    assert "alerting" not in ini


def test_grafana_ini_switches_to_https_when_a_certificate_is_set(make_project):
    root = make_project(
        {
            **SMALL,
            "pyproject.toml": """
            [tool.mt5dash.grafana]
            domain = "grafana.hub.example"
            tls_cert_file = "/etc/grafana/tls/tls.crt"
            tls_key_file = "/etc/grafana/tls/tls.key"
            """,
        }
    )
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",))
    ini.read_string(render_files(root)["grafana.ini"].decode())

    assert ini["server"]["protocol"] == "https"
    assert ini["server"]["cert_file"] == "/etc/grafana/tls/tls.crt"
    assert ini["server"]["root_url"] == "https://grafana.hub.example:3000/"
    assert ini["security"]["cookie_secure"] == "true"


def test_building_twice_gives_identical_bytes(tmp_path):
    first = build(REPO, tmp_path / "out")
    before = {p: (tmp_path / "out" / p).read_bytes() for p in first.files}

    second = build(REPO, tmp_path / "out")

    assert second.changed == []
    assert {p: (tmp_path / "out" / p).read_bytes() for p in second.files} == before
    assert all(content.endswith(b"\n") for content in before.values())


def test_output_no_longer_declared_is_removed(make_project):
    root = make_project(SMALL)
    build(root)
    stale = root / "provisioning" / "dashboards" / "hub" / "gone.json"
    stale.write_text("{}")

    result = build(root)

    assert result.changed == ["dashboards/hub/gone.json"]
    assert not stale.exists()


def test_check_lists_stale_files_and_writes_nothing(make_project):
    root = make_project(SMALL)
    build(root)
    ini = root / "provisioning" / "grafana.ini"
    ini.write_text("edited by hand\n")
    (root / "provisioning" / "extra.yaml").write_text("apiVersion: 1\n")

    with pytest.raises(StaleOutputError) as caught:
        build(root, check=True)

    assert caught.value.files == ["provisioning/extra.yaml", "provisioning/grafana.ini"]
    assert ini.read_text() == "edited by hand\n"


def test_an_invalid_declaration_leaves_the_previous_output(make_project):
    root = make_project(SMALL)
    build(root)
    before = sorted((root / "provisioning").rglob("*"))
    (root / "dashboards" / "bad.py").write_text(
        'from mt5dash import Dashboard\nbad = Dashboard(uid="up", title="Twin")\n'
    )

    with pytest.raises(DeclarationError):
        build(root)

    assert sorted((root / "provisioning").rglob("*")) == before
    assert not list(root.glob(".provisioning*"))


def test_the_output_folder_is_readable_by_others(make_project):
    root = make_project(SMALL)

    build(root)

    assert (root / "provisioning").stat().st_mode & 0o755 == 0o755


def test_a_module_that_builds_while_being_loaded_gets_one_message(make_project):
    root = make_project(
        {
            **SMALL,
            "dashboards/script.py": """
            import mt5dash
            state = mt5dash.build_state(".")
            """,
        }
    )

    with pytest.raises(DeclarationError) as caught:
        build(root)

    assert [str(p) for p in caught.value.problems] == [
        "dashboards/script.py:2: module: ConfigError: a declaration module started "
        "a build while being loaded; declaration modules only declare, call "
        "build() from a script"
    ]


def test_an_output_folder_that_cannot_be_renamed_is_updated_in_place(
    make_project, monkeypatch
):
    root = make_project(SMALL)
    build(root)
    out = (root / "provisioning").resolve()
    (out / "dashboards" / "hub" / "gone.json").write_text("{}")
    (out / "grafana.ini").write_text("stale\n")
    rename = Path.rename

    def mount_point(self, target):
        if self == out:
            raise OSError(errno.EBUSY, "Device or resource busy")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", mount_point)
    result = build(root)

    assert result.changed == ["dashboards/hub/gone.json", "grafana.ini"]
    assert not (out / "dashboards" / "hub" / "gone.json").exists()
    assert (out / "grafana.ini").read_bytes() == result.files["grafana.ini"]
    assert not list(root.glob(".provisioning*"))


def test_an_output_path_that_is_a_file_is_refused(make_project, tmp_path):
    root = make_project(SMALL)
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n")

    with pytest.raises(ConfigError, match="it is a file, not a folder"):
        build(root, notes)

    assert notes.read_text() == "mine\n"


def test_durations_are_written_as_grafana_writes_them_back(make_project):
    root = make_project(
        {
            **SMALL,
            "alerts/a.py": """
            from mt5dash import AlertRule, NotificationPolicy, RuleGroup
            g = RuleGroup(name="g", folder="hub", interval="60s", rules=[
                AlertRule(uid="r", title="R", when="up below 1 for 90m")])
            p = NotificationPolicy(receiver="grafana-default-email",
                repeat_interval="24h")
            """,
        }
    )
    files = render_files(root)

    (group,) = yaml.safe_load(files["alerting/rules.yaml"])["groups"]
    (policy,) = yaml.safe_load(files["alerting/policies.yaml"])["policies"]
    assert (group["interval"], group["rules"][0]["for"]) == ("1m", "1h30m")
    assert policy["repeat_interval"] == "1d"
