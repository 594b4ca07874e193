"""Rules about provisioning files as a whole."""

from __future__ import annotations

from collections.abc import Iterator

from mt5dash.lint.engine import Hit, LintContext, rule
from mt5dash.lint.findings import Severity
from mt5dash.lint.readers import NOTIFIERS, PARSE_ERROR, UNRECOGNISED


@rule(PARSE_ERROR, Severity.ERROR, "file is not valid JSON or YAML")
def parse_error(ctx: LintContext) -> Iterator[Hit]:
    # The readers report these while reading; the rule exists for its id and docs.
    return iter(())


@rule(UNRECOGNISED, Severity.INFO, "file lint does not know how to check")
def unrecognised(ctx: LintContext) -> Iterator[Hit]:
    # The readers report these while reading; the rule exists for its id and docs.
    return iter(())


@rule("provisioning/notifiers", Severity.ERROR, "legacy notifiers are ignored")
def legacy_notifiers(ctx: LintContext) -> Iterator[Hit]:
    seen: set[str] = set()
    for doc in ctx.docs:
        in_folder = "notifiers" in doc.parent_dirs
        if doc.file in seen or not (in_folder or doc.kind == NOTIFIERS):
            continue
        seen.add(doc.file)
        where = "is in a notifiers/ folder" if in_folder else "declares notifiers:"
        yield Hit(
            doc,
            "",
            f"{doc.file} {where}; Grafana 11 removed legacy alerting and ignores "
            "provisioning/notifiers/, so these channels never exist; declare them "
            "as contactPoints in an alerting/ file",
        )
