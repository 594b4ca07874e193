"""The search API's filters (contract §2.3, GET /api/search)."""

from __future__ import annotations

import pytest


@pytest.fixture
def tree(grafana, http):
    """A folder with two tagged dashboards and one dashboard at the root."""
    prefix = grafana.unique("s")
    folder = f"{prefix}-folder"
    http("POST", "/api/folders", {"uid": folder, "title": f"{prefix} Folder"})
    for uid, title, tags, where in [
        (f"{prefix}-a", f"{prefix} Alpha", ["kpi", "hub"], folder),
        (f"{prefix}-b", f"{prefix} Beta", ["kpi"], folder),
        (f"{prefix}-c", f"{prefix} Gamma", [], ""),
    ]:
        model = {"uid": uid, "title": title, "tags": tags}
        http("POST", "/api/dashboards/db", {"dashboard": model, "folderUid": where})
    return prefix


def uids(http, query):
    status, hits = http("GET", f"/api/search?{query}")
    assert status == 200
    return [h["uid"] for h in hits]


def test_query_matches_titles_case_insensitively(http, tree):
    found = uids(http, f"query={tree.upper()}")
    assert sorted(found) == [f"{tree}-a", f"{tree}-b", f"{tree}-c", f"{tree}-folder"]


def test_every_tag_given_must_be_present(http, tree):
    assert uids(http, f"query={tree}&tag=kpi&tag=hub") == [f"{tree}-a"]


def test_type_dash_folder_returns_folders_only(http, tree):
    assert uids(http, f"query={tree}&type=dash-folder") == [f"{tree}-folder"]


def test_dashboard_uids_filter(http, tree):
    assert uids(http, f"dashboardUIDs={tree}-b&dashboardUIDs={tree}-c") == [
        f"{tree}-b",
        f"{tree}-c",
    ]


def test_folder_uids_filter(http, tree):
    assert uids(http, f"folderUIDs={tree}-folder&type=dash-db") == [
        f"{tree}-a",
        f"{tree}-b",
    ]


def test_limit_and_page(http, tree):
    assert uids(http, f"query={tree}&type=dash-db&limit=2&page=2") == [f"{tree}-c"]


def test_dashboard_hit_names_its_folder(http, tree):
    hits = http("GET", f"/api/search?dashboardUIDs={tree}-a")[1]
    assert hits[0]["type"] == "dash-db"
    assert hits[0]["folderUid"] == f"{tree}-folder"
    assert hits[0]["folderTitle"] == f"{tree} Folder"
    assert hits[0]["url"] == f"/d/{tree}-a/{tree}-alpha"
