"""Requests, responses and Grafana's error bodies, as the fake's handlers see them."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any


@dataclass
class Identity:
    """Who sent a request: a user, a service account or an anonymous visitor.

    ``role`` is the org role in org 1 (``Viewer``, ``Editor``, ``Admin``);
    ``is_server_admin`` is Grafana's separate server-admin flag.
    """

    login: str
    user_id: int
    role: str
    is_server_admin: bool = False
    kind: str = "user"


@dataclass
class Request:
    """One parsed HTTP request, with the path parameters its route captured."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw_body: bytes
    params: dict[str, str] = field(default_factory=dict)
    identity: Identity | None = None

    def arg(self, name: str, default: str = "") -> str:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of a repeatable query parameter, commas split too."""
        values: list[str] = []
        for value in self.query.get(name, []):
            values += [v for v in value.split(",") if v]
        return values

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body as JSON; Grafana's binding error when it is not."""
        if not self.raw_body.strip():
            raise ApiError(400, message("bad request data"))
        try:
            return json.loads(self.raw_body)
        except ValueError:
            raise ApiError(400, message("bad request data")) from None

    def json_object(self) -> dict[str, Any]:
        body = self.json()
        if not isinstance(body, dict):
            raise ApiError(400, message("bad request data"))
        return body


@dataclass
class Response:
    """What a handler answers; ``body`` None sends an empty body."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """Raised by handlers to answer with an error status and body."""

    def __init__(self, status: int, body: Any = None) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body


def message(text: str, **extra: Any) -> dict[str, Any]:
    """Grafana's classic error or success body: ``{"message": ...}``."""
    return {"message": text, **extra}


def errutil(status: int, message_id: str, text: str) -> dict[str, Any]:
    """Grafana's structured (errutil) error body as a handler answers it.

    ``response.Err`` marshals ``PublicError``, which has no traceID
    (pkg/apimachinery/errutil/errors.go); only the auth middleware adds one.
    """
    return {"message": text, "messageId": message_id, "statusCode": status}


def auth_failed(message_id: str, text: str = "Unauthorized") -> dict[str, Any]:
    """The 401 body of the authentication middleware.

    It carries ``extra`` (null) and takes its status from the error; see
    pkg/services/contexthandler/model/model.go (writeErrOrFallback).
    """
    return {
        "extra": None,
        "message": text,
        "messageId": message_id,
        "statusCode": 401,
        "traceID": "",
    }


def status_body(status: str, text: str) -> dict[str, str]:
    """The dashboard and folder error body with its ``status`` word."""
    return {"status": status, "message": text}


def access_denied(action: str) -> dict[str, str]:
    """The RBAC middleware's 403 body; the id is random, as Grafana's is."""
    error_id = "".join(random.choices("0123456789", k=10))
    return {
        "title": "Access denied",
        "message": "You'll need additional permissions to perform this action. "
        f"Permissions needed: {action}",
        "accessErrorId": f"ACE{error_id}",
    }


def phrase(status: int) -> str:
    """The standard reason phrase of an HTTP status code."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
