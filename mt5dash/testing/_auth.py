"""Health, authentication, authorisation, service accounts and sign-up."""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from mt5dash.testing._http import (
    ApiError,
    Identity,
    Request,
    Response,
    access_denied,
    auth_failed,
    message,
)
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State

ROLE_RANK = {"None": 0, "Viewer": 1, "Editor": 2, "Admin": 3}
COMMIT = "fake0000"


def register(router: Router) -> None:
    router.add("GET", "/api/health", health, Access.PUBLIC)
    router.add("GET", "/api/frontend/settings", frontend_settings)
    router.add("GET", "/api/login/ping", login_ping)
    router.add("POST", "/api/user/signup", signup, Access.PUBLIC)
    router.add("GET", "/api/user", current_user)
    router.add("GET", "/api/org", current_org)
    router.add(
        "POST",
        "/api/serviceaccounts",
        post_service_account,
        Access.ADMIN,
        "serviceaccounts:create",
    )
    router.add(
        "POST",
        "/api/serviceaccounts/{id}/tokens",
        post_service_account_token,
        Access.ADMIN,
        "serviceaccounts:write",
    )


# -- identities ---------------------------------------------------------------


def try_authenticate(state: State, request: Request) -> Identity | None:
    """The identity of a request, or None when its credentials do not hold."""
    try:
        return authenticate(state, request)
    except ApiError:
        return None


def authenticate(state: State, request: Request) -> Identity:
    """Who sent the request; 401 with Grafana's body when nobody valid did.

    A Basic header that does not decode counts as no credentials. Grafana
    tries its clients in turn, so a wrong token or password still gets
    anonymous access when that is on (the anonymous client accepts every
    request, pkg/services/authn/clients/anonymous.go).
    """
    header = request.header("authorization") or ""
    scheme, _, credentials = header.partition(" ")
    refused: ApiError | None = None
    try:
        if scheme == "Bearer" and credentials:
            return _bearer(state, credentials)
        if scheme.lower() == "basic":
            pair = _basic_pair(credentials.strip())
            if pair is not None:
                return _basic(state, *pair)
    except ApiError as error:
        refused = error

    anonymous = state.settings.get("auth.anonymous", {})
    if anonymous.get("enabled"):
        role = anonymous.get("org_role", "Viewer")
        return Identity(login="", user_id=0, role=role, kind="anonymous")
    raise refused or ApiError(401, auth_failed("auth.unauthorized"))


def _basic_pair(credentials: str) -> tuple[str, str] | None:
    """Login and password of a Basic header, None when it does not decode."""
    try:
        decoded = base64.b64decode(credentials, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    login, colon, password = decoded.partition(":")
    return (login, password) if colon else None


def _basic(state: State, login: str, password: str) -> Identity:
    # An empty password gets the same answer (pkg/services/authn/clients/password.go).
    if login == "api_key":
        return _bearer(state, password)
    user = state.user_by_login(login)
    if user is None or not password or user["password"] != password:
        raise ApiError(
            401, auth_failed("password-auth.failed", "Invalid username or password")
        )
    return Identity(
        login=user["login"],
        user_id=user["id"],
        role=user["role"],
        is_server_admin=user["isGrafanaAdmin"],
    )


def _bearer(state: State, key: str) -> Identity:
    account_id = state.tokens.get(key)
    account = state.service_accounts.get(account_id) if account_id else None
    if account is None:
        raise ApiError(401, auth_failed("api-key.invalid", "Invalid API key"))
    if account["isDisabled"]:
        raise ApiError(401, auth_failed("identity.disabled"))
    return Identity(
        login=account["login"],
        user_id=account["id"],
        role=account["role"],
        kind="service-account",
    )


def authorize(identity: Identity, access: Access, action: str) -> None:
    """Refuse with the RBAC 403 body when the identity lacks the access."""
    rank = ROLE_RANK.get(identity.role, 0)
    allowed = {
        Access.PUBLIC: True,
        Access.SIGNED_IN: True,
        Access.VIEWER: rank >= ROLE_RANK["Viewer"],
        Access.EDITOR: rank >= ROLE_RANK["Editor"],
        Access.ADMIN: rank >= ROLE_RANK["Admin"],
        Access.SERVER_ADMIN: identity.is_server_admin,
    }[access]
    if not allowed:
        raise ApiError(403, access_denied(action))


def create_service_account(state: State, name: str, role: str) -> dict[str, Any]:
    """Add a service account in org 1; it shares the user id sequence."""
    account_id = state.next_id("user")
    login = f"sa-{account_id}-{name.lower().replace(' ', '-')}"
    account = {
        "id": account_id,
        "uid": f"sa{account_id}",
        "name": name,
        "login": login,
        "orgId": 1,
        "isDisabled": False,
        "role": role,
        "tokens": 0,
        "avatarUrl": "",
    }
    state.service_accounts[account_id] = account
    return account


def create_token(state: State, account_id: int, name: str) -> dict[str, Any]:
    """A new ``glsa_`` token for the account; the key is shown only here."""
    key = f"glsa_{secrets.token_urlsafe(24)}_{secrets.token_hex(4)}"
    state.tokens[key] = account_id
    state.service_accounts[account_id]["tokens"] += 1
    return {"id": state.next_id("token"), "name": name, "key": key}


# -- handlers -----------------------------------------------------------------


def health(state: State, request: Request) -> Response:
    if not state.database_ok:
        body = {"commit": COMMIT, "database": "failing", "version": state.version}
        return Response(503, body)
    return Response(200, {"commit": COMMIT, "database": "ok", "version": state.version})


def frontend_settings(state: State, request: Request) -> Response:
    """A small part of the boot data, enough to probe anonymous access."""
    anonymous = state.settings.get("auth.anonymous", {})
    return Response(
        200,
        {
            "anonymousEnabled": bool(anonymous.get("enabled")),
            "allowOrgCreate": False,
            "authProxyEnabled": False,
            "disableLoginForm": False,
            "buildInfo": {
                "version": state.version,
                "commit": COMMIT,
                "edition": "Open Source",
            },
        },
    )


def login_ping(state: State, request: Request) -> Response:
    return Response(200, message("Logged in"))


def signup(state: State, request: Request) -> Response:
    # Grafana answers a disabled sign-up with a plain 401 (pkg/api/signup.go).
    if not state.settings.get("users", {}).get("allow_sign_up"):
        raise ApiError(401, message("User signup is disabled"))
    body = request.json_object()
    email = str(body.get("email", ""))
    if state.user_by_login(email) is not None:
        raise ApiError(422, message("User with same email address already exists"))
    return Response(200, {"status": "SignUpCreated"})


def current_user(state: State, request: Request) -> Response:
    identity = request.identity
    assert identity is not None
    return Response(
        200,
        {
            "id": identity.user_id,
            "login": identity.login,
            "orgId": 1,
            "isGrafanaAdmin": identity.is_server_admin,
            "isServiceAccount": identity.kind == "service-account",
        },
    )


def current_org(state: State, request: Request) -> Response:
    return Response(200, {"id": 1, "name": "Main Org.", "address": {}})


def post_service_account(state: State, request: Request) -> Response:
    body = request.json_object()
    name = str(body.get("name") or "")
    role = str(body.get("role") or "Viewer")
    if not name:
        raise ApiError(400, message("Required service account name is missing"))
    if role not in ROLE_RANK:
        raise ApiError(400, message("invalid role value"))
    account = create_service_account(state, name, role)
    account["isDisabled"] = bool(body.get("isDisabled", False))
    return Response(201, dict(account))


def post_service_account_token(state: State, request: Request) -> Response:
    account_id = int(request.params["id"]) if request.params["id"].isdigit() else 0
    if account_id not in state.service_accounts:
        raise ApiError(404, message("service account not found"))
    body = request.json_object()
    return Response(200, create_token(state, account_id, str(body.get("name", ""))))
