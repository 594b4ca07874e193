"""Automatic placement of panels on the 24-column grid."""

from __future__ import annotations

import grafanalib.core as g
import pytest

from mt5dash.compile.layout import grid_problems, lay_out, overlaps


def _panel(kind: str, w: int | None = None, h: int | None = None) -> dict:
    panel = {"type": kind, "title": kind}
    if w is not None:
        panel["gridPos"] = {"w": w, "h": h, "x": None, "y": None}
    return panel


def _positions(panels: list[dict]) -> list[tuple[int, int, int, int]]:
    return [tuple(p["gridPos"][k] for k in ("x", "y", "w", "h")) for p in panels]


def test_panels_flow_left_to_right_and_wrap():
    panels = lay_out([_panel("stat"), _panel("timeseries"), _panel("timeseries")])

    assert _positions(panels) == [(0, 0, 6, 4), (6, 0, 12, 8), (0, 8, 12, 8)]


def test_a_declared_size_is_kept_and_placed():
    panels = lay_out([_panel("stat", 8, 8), _panel("stat", 16, 8)])

    assert _positions(panels) == [(0, 0, 8, 8), (8, 0, 16, 8)]


def test_a_hand_placed_panel_is_left_where_it_is():
    placed = {"type": "stat", "gridPos": {"x": 18, "y": 30, "w": 6, "h": 2}}

    panels = lay_out([_panel("stat"), placed])

    assert _positions(panels) == [(0, 0, 6, 4), (18, 30, 6, 2)]


def test_an_expanded_row_is_followed_by_its_panels_as_siblings():
    row = {"type": "row", "title": "R", "collapsed": False}

    panels = lay_out([_panel("stat"), (row, [_panel("timeseries")]), _panel("text")])

    assert [p["type"] for p in panels] == ["stat", "row", "timeseries", "text"]
    assert row["panels"] == []
    assert _positions(panels) == [
        (0, 0, 6, 4),
        (0, 4, 24, 1),
        (0, 5, 12, 8),
        (0, 13, 24, 4),
    ]


def test_a_collapsed_row_holds_its_panels_and_takes_one_line():
    row = {"type": "row", "title": "R", "collapsed": True}

    panels = lay_out([(row, [_panel("stat"), _panel("stat")]), _panel("stat")])

    assert [p["type"] for p in panels] == ["row", "stat"]
    assert _positions(row["panels"]) == [(0, 1, 6, 4), (6, 1, 6, 4)]
    assert _positions(panels) == [(0, 0, 24, 1), (0, 1, 6, 4)]


@pytest.mark.parametrize(
    ("pos", "expected"),
    [
        ({"x": 0, "y": 0, "w": 24, "h": 1}, []),
        ({"x": 24, "y": 0, "w": 1, "h": 1}, ["gridPos.x is 24; allowed 0 to 23"]),
        ({"x": 0, "y": 0, "w": 0, "h": 1}, ["gridPos.w is 0; allowed 1 to 24"]),
        ({"x": 0, "y": 0, "w": 4, "h": 0}, ["gridPos.h is 0; allowed 1 or more"]),
        ({"x": 0, "y": -1, "w": 4, "h": 2}, ["gridPos.y is -1; allowed 0 or more"]),
        (
            {"x": 0, "y": 0, "w": 4.5, "h": 2},
            ["gridPos.w must be a whole number, got 4.5"],
        ),
    ],
    ids=["fits", "x past the grid", "zero width", "zero height", "above", "fraction"],
)
def test_grid_problems(pos, expected):
    assert grid_problems({"gridPos": pos}) == expected


def test_overlaps_finds_intersecting_panels_only():
    a = {"id": 1, "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}}
    b = {"id": 2, "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}}
    c = {"id": 3, "gridPos": {"x": 11, "y": 7, "w": 2, "h": 2}}

    pairs = overlaps([a, b, c])

    assert [(p["id"], q["id"]) for p, q in pairs] == [(1, 3), (2, 3)]


def test_any_grafanalib_panel_can_be_used(make_project):
    from mt5dash.builder import build_state

    root = make_project(
        {
            "dashboards/a.py": """
            import grafanalib.core as g
            from mt5dash import Dashboard, Datasource

            prom = Datasource.prometheus(uid="prom", url="http://prometheus:9090")
            a = Dashboard(uid="a", title="A", panels=[
                g.BarGauge(title="Bars", targets=[g.Target(expr="up")]),
                g.Heatmap(title="Heat", targets=[g.Target(expr="up")]),
            ])
            """
        }
    )

    model = build_state(root).dashboards[0].model

    assert [(p["id"], p["type"]) for p in model["panels"]] == [
        (32077, "bargauge"),
        (9775, "heatmap"),
    ]
    assert model["panels"][1]["targets"][0]["datasource"] == {
        "type": "prometheus",
        "uid": "prom",
    }
    assert g.GridPos  # grafanalib itself stays importable beside mt5dash


def test_panel_ids_stay_when_a_panel_is_inserted_before_them(make_project):
    from mt5dash.builder import build_state

    def ids(titles: list[str]) -> dict[str, int]:
        panels = ", ".join(f'stat("{t}", "up")' for t in titles)
        root = make_project(
            {
                "dashboards/a.py": f"""
                from mt5dash import Dashboard, Datasource
                from mt5dash.panels import stat

                prom = Datasource.prometheus(uid="prom", url="http://p:9090")
                a = Dashboard(uid="a", title="A", panels=[{panels}])
                """
            }
        )
        model = build_state(root).dashboards[0].model
        return {p["title"]: p["id"] for p in model["panels"]}

    before = ids(["Sharpe", "Age"])
    after = ids(["New", "Sharpe", "Age"])

    assert after["Sharpe"] == before["Sharpe"]
    assert after["Age"] == before["Age"]
    assert len(set(after.values())) == 3
