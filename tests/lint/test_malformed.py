"""Lint survives input of the wrong shapes: it reports, it does not crash."""

from __future__ import annotations

from tests.lint.lint_helpers import lint

# Each file has values of unexpected types where lists, mappings or strings
# belong; all are valid JSON or YAML except r.yaml and s.json.
MALFORMED = {
    "a.json": {"title": "x", "panels": {"a": 1}, "templating": {"list": "no"}},
    "b.json": {
        "title": "x",
        "panels": [
            None,
            1,
            {"type": "row", "panels": "x", "collapsed": False},
            {"id": [1], "targets": "t", "gridPos": "g"},
            {
                "id": 2,
                "targets": [None, {"expr": 5}, {"expr": "up", "datasource": 7}],
                "datasource": ["x"],
                "gridPos": {"x": "1"},
            },
        ],
        "templating": {
            "list": [
                None,
                {"name": None, "type": "query", "datasource": 3, "query": {"query": 5}},
            ]
        },
    },
    "c.yaml": {
        "apiVersion": 1,
        "groups": {"a": 1},
        "contactPoints": [1, {"receivers": 5}],
        "policies": [1, {"routes": 5}],
        "templates": 3,
    },
    "d.yaml": "groups:\n  - rules: [1, {expr: [1]}]\n  - 5\n",
    "e.yaml": {
        "apiVersion": 1,
        "groups": [
            {
                "folder": "F",
                "interval": 5,
                "rules": [
                    {
                        "data": [
                            1,
                            {"datasourceUid": "x", "relativeTimeRange": 5, "model": 3},
                        ],
                        "condition": [1],
                    }
                ],
            }
        ],
    },
    "f.yaml": "kind: ConfigMap\ndata: 5\n",
    "g.yaml": {
        "kind": "ConfigMapList",
        "items": [1, {"kind": "ConfigMap", "data": {"a.json": "[1]"}}],
    },
    "h.yaml": "- 1\n- 2\n",
    "i.yaml": "",
    "j.json": "[]",
    "k.yaml": "datasources: 5\n",
    "l.yaml": {
        "apiVersion": 1,
        "contactPoints": [
            {"name": "d", "receivers": [{"type": "dingding", "settings": 5}]}
        ],
    },
    "m.json": {
        "title": "x",
        "uid": 5,
        "panels": [
            {
                "id": 1,
                "type": "row",
                "collapsed": True,
                "panels": [None, {"id": 1, "gridPos": {"x": 0}}],
            }
        ],
        "rows": [None, {"panels": 3, "repeat": 5}],
        "__inputs": 3,
    },
    "n.json": {
        "dashboard": {
            "title": "x",
            "panels": [
                {
                    "repeat": ["a"],
                    "title": 5,
                    "targets": [{"expr": "rate(x[5m]"}],
                    "fieldConfig": 3,
                    "yaxes": [5],
                }
            ],
        }
    },
    "o.yaml": {
        "apiVersion": 1,
        "policies": [{"receiver": [1], "routes": [1, {"receiver": {"a": 1}}]}],
        "groups": [
            {
                "name": "g",
                "folder": "F",
                "interval": "1m",
                "rules": [{"notification_settings": 5, "data": 5}],
            }
        ],
    },
    "p.yaml": {
        "apiVersion": 1,
        "templates": [{"name": "t", "template": 5}, 3],
        "contactPoints": {},
    },
    "q.yaml": "datasources:\n  - 1\n  - {uid: 5, name: [1]}\n",
    "r.yaml": "a: [unclosed\n",
    "s.json": b"\xff\xfe",
}


def test_malformed_shapes_are_linted_without_crashing():
    findings = lint(MALFORMED, dingtalk_keyword="K")
    parse_errors = [
        (f.file, f.location) for f in findings if f.rule == "file/parse-error"
    ]
    assert parse_errors == [("r.yaml", "2"), ("s.json", "/")]
    assert {f.file for f in findings} >= {"b.json", "e.yaml", "m.json", "o.yaml"}
