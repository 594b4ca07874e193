"""Every rule has its docs page, shipped in the package, and every page belongs
to a rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from mt5dash.lint import RULES, docs_page, docs_text
from mt5dash.lint import rules as _rules  # noqa: F401  (registers the rules)

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("## What it catches", "## Why it matters", "## How to fix", "## Example")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_a_complete_docs_page(rule_id):
    text = docs_text(rule_id)
    assert text is not None
    assert text.startswith(f"# {rule_id}\n")
    assert f"**Severity:** {RULES[rule_id].severity}" in text
    for section in SECTIONS:
        assert section in text


def test_every_docs_page_is_a_rule_and_listed_in_the_index():
    folder = ROOT / "mt5dash" / "lint" / "docs"
    pages = {p.name for p in folder.glob("*.md")} - {"README.md"}
    assert pages == {Path(docs_page(r)).name for r in RULES}
    index = (folder / "README.md").read_text()
    for rule_id in RULES:
        assert f"[{rule_id}]({Path(docs_page(rule_id)).name})" in index


def test_docs_path_is_the_page_from_the_root_of_the_clone():
    page = ROOT / docs_page("panel/unknown-type")
    assert docs_page("panel/unknown-type") == "mt5dash/lint/docs/panel-unknown-type.md"
    assert page.read_text() == docs_text("panel/unknown-type")


def test_the_docs_folder_of_the_repository_is_the_package_one():
    assert not (ROOT / "docs" / "lint").exists()
