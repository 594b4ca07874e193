"""Every rule has its docs page, and every page belongs to a rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from mt5dash.lint import RULES, docs_page
from mt5dash.lint import rules as _rules  # noqa: F401  (registers the rules)

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("## What it catches", "## Why it matters", "## How to fix", "## Example")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_a_complete_docs_page(rule_id):
    text = (ROOT / docs_page(rule_id)).read_text()
    assert text.startswith(f"# {rule_id}\n")
    assert f"**Severity:** {RULES[rule_id].severity}" in text
    for section in SECTIONS:
        assert section in text


def test_every_docs_page_is_a_rule_and_listed_in_the_index():
    pages = {p.name for p in (ROOT / "docs" / "lint").glob("*.md")} - {"README.md"}
    assert pages == {Path(docs_page(r)).name for r in RULES}
    index = (ROOT / "docs" / "lint" / "README.md").read_text()
    for rule_id in RULES:
        assert f"[{rule_id}]({Path(docs_page(rule_id)).name})" in index
