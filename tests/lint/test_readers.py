"""Reading files into documents: shapes Grafana and Kubernetes use."""

from __future__ import annotations

import json

import pytest

from mt5dash.lint import Finding, Severity
from mt5dash.lint.readers import read
from tests.lint.lint_helpers import dashboard, panel


def kinds(name: str, text: str) -> list[tuple[str, str, bool]]:
    docs, errors = read(name, text.encode())
    assert errors == []
    return [(d.kind, d.pointer, d.wrapped) for d in docs]


def test_configmaplist_yields_each_embedded_dashboard():
    model = json.dumps(dashboard(panel(1, "Up")))
    text = (
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n"
        "  - kind: ConfigMap\n    data:\n"
        f"      a.json: '{model}'\n      notes.txt: hello\n"
        "  - kind: ConfigMap\n    data:\n"
        f"      b.json: '{model}'\n"
    )
    assert kinds("cm.yaml", text) == [
        ("dashboard", "/items/0/data/a.json", False),
        ("dashboard", "/items/1/data/b.json", False),
    ]


def test_prometheusrule_resource_is_read_from_its_spec():
    text = "kind: PrometheusRule\nspec:\n  groups:\n    - name: g\n      rules: []\n"
    assert kinds("r.yaml", text) == [("prometheus-rules", "/spec", False)]


def test_grafana_and_prometheus_groups_are_told_apart():
    grafana = "apiVersion: 1\ngroups:\n  - name: g\n    folder: F\n    rules: []\n"
    prometheus = (
        "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up\n"
    )
    assert kinds("a.yaml", grafana) == [("alerting", "", False)]
    assert kinds("b.yaml", prometheus) == [("prometheus-rules", "", False)]


def test_yaml_stream_with_two_documents():
    text = "datasources: []\n---\nproviders: []\n"
    assert kinds("x.yaml", text) == [
        ("datasources", "", False),
        ("providers", "", False),
    ]


def test_api_payload_is_unwrapped_and_marked():
    text = json.dumps({"dashboard": dashboard(panel(1, "Up")), "overwrite": True})
    assert kinds("d.json", text) == [("dashboard", "/dashboard", True)]


def test_yaml_findings_point_at_the_nearest_line():
    docs, _ = read("a.yaml", b"apiVersion: 1\ncontactPoints:\n  - name: a\n")
    assert docs[0].locate("/contactPoints/0/name") == ("/contactPoints/0/name", 3)
    assert docs[0].locate("/contactPoints/0/missing") == ("/contactPoints/0/missing", 3)


def test_broken_configmap_entry_is_a_parse_error_at_its_line():
    text = "kind: ConfigMap\ndata:\n  a.json: '{\"title\": '\n"
    docs, errors = read("cm.yaml", text.encode())
    assert docs == []
    assert [(e.rule, e.pointer, e.line) for e in errors] == [
        ("file/parse-error", "/data/a.json", 3)
    ]


UNRECOGNISED = (
    ", not a Grafana dashboard, Grafana provisioning file, Prometheus rule or "
    "configuration file or Alertmanager configuration; nothing in it was checked"
)


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        pytest.param("a.yaml", b"", "an empty file", id="empty YAML"),
        pytest.param("a.json", b" \n", "an empty file", id="empty JSON"),
        pytest.param("a.yml", b"# nothing\n", "an empty file", id="comments only"),
        pytest.param(
            "deploy.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1\n",
            "a Deployment (apps/v1)",
            id="Kubernetes Deployment in YAML",
        ),
        pytest.param(
            "deploy.json",
            b'{"apiVersion": "apps/v1", "kind": "Deployment"}',
            "a Deployment (apps/v1)",
            id="Kubernetes Deployment in JSON",
        ),
        pytest.param("a.json", b"[1, 2]", "a list at the top level", id="JSON list"),
        pytest.param(
            "a.yaml", b"foo: 1\nbar: 2\n", "a mapping with keys bar, foo", id="keys"
        ),
        pytest.param(
            "cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\ndata:\n  notes.txt: x\n",
            "a ConfigMap (v1)",
            id="ConfigMap without dashboards",
        ),
        pytest.param(
            "grafana.ini", b"[server]\nhttp_port = 3000\n", "a .ini file", id="ini"
        ),
    ],
)
def test_a_file_lint_does_not_know_is_reported_as_unrecognised(name, content, what):
    finding = Finding(name, "file/unrecognised", Severity.INFO, what + UNRECOGNISED)
    assert read(name, content) == ([], [finding])


def test_alertmanager_configuration_is_recognised():
    text = "route:\n  receiver: x\nreceivers:\n  - name: x\ntemplates: []\n"
    assert kinds("alertmanager.yml", text) == [("alertmanager-config", "", False)]
