"""Salted digests of secrets, so a rotated secret is seen without a state file.

Grafana answers a contact point's secret settings as ``[REDACTED]`` and never
returns a datasource's ``secureJsonData``, so comparing cannot tell that a
declared secret changed. For each secret field it sends, mt5dash records a
digest in its inventory template: PBKDF2-HMAC-SHA256 of the value under a
random salt of that field's own. A push whose declared value no longer
matches the digest sends the secret again. The value itself is never stored
or logged; the iterations make guessing a short password from the record
slow for anyone who can read notification templates.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from mt5dash.push._compare import Change

ITERATIONS = 100_000
CHANGED = "secret changed (value not shown)"
UNRECORDED = "secret not recorded by mt5dash yet, so sent again (value not shown)"
FORCED = "secret sent again because of --force (value not shown)"


def digest(secret: str, salt: bytes | None = None) -> str:
    """``<iterations>$<salt>$<hash>``, salt and hash in hex."""
    salt = os.urandom(16) if salt is None else salt
    value = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, ITERATIONS)
    return f"{ITERATIONS}${salt.hex()}${value.hex()}"


def matches(secret: str, recorded: str) -> bool:
    """Whether ``recorded`` is the digest of ``secret`` (any other text: no)."""
    parts = recorded.split("$")
    if len(parts) != 3 or parts[0] != str(ITERATIONS):
        return False
    try:
        salt = bytes.fromhex(parts[1])
    except ValueError:
        return False
    return hmac.compare_digest(digest(secret, salt), recorded)


def compare(
    secrets: dict[str, str], recorded: dict[str, str], *, force: bool = False
) -> tuple[list[Change], dict[str, str]]:
    """The secrets to send again, and the digests to record once written.

    ``secrets`` and ``recorded`` map a field path (``settings.url``) to the
    declared value and to its recorded digest. A matching digest is kept as
    it is, so an unchanged secret leaves the record unchanged.
    """
    changes: list[Change] = []
    digests: dict[str, str] = {}
    for path, value in sorted(secrets.items()):
        known = recorded.get(path, "")
        if known and matches(value, known):
            digests[path] = known
            if force:
                changes.append(Change(path, "secret", None, FORCED))
            continue
        changes.append(Change(path, "secret", None, CHANGED if known else UNRECORDED))
        digests[path] = digest(value)
    return changes, digests
