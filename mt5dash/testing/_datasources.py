"""Data sources: add, read by uid, name or id, list, update, delete."""

from __future__ import annotations

import copy
from typing import Any

from mt5dash.testing._http import ApiError, Request, Response, message
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State, new_uid, uid_problem

NOT_FOUND = message("Data source not found")
FIELDS = {
    "access": "proxy",
    "url": "",
    "user": "",
    "database": "",
    "basicAuth": False,
    "basicAuthUser": "",
    "withCredentials": False,
    "isDefault": False,
    "jsonData": {},
}


PATHS = {
    "uid": "/api/datasources/uid/{key}",
    "name": "/api/datasources/name/{key}",
    "id": "/api/datasources/{key}",
}


def register(router: Router) -> None:
    read, write = "datasources:read", "datasources:write"
    router.add("GET", "/api/datasources", list_datasources, Access.ADMIN, read)
    router.add(
        "POST", "/api/datasources", post_datasource, Access.ADMIN, "datasources:create"
    )
    router.add(
        "GET", "/api/datasources/id/{key}", _by("name", get_id), Access.ADMIN, read
    )
    for kind, path in PATHS.items():
        router.add("GET", path, _by(kind, get_datasource), Access.ADMIN, read)
        handler = _by(kind, delete_datasource)
        router.add("DELETE", path, handler, Access.ADMIN, "datasources:delete")
        if kind != "name":
            router.add("PUT", path, _by(kind, put_datasource), Access.ADMIN, write)


def _by(kind: str, handler: Any) -> Any:
    """A route handler that first finds the data source by uid, name or id."""

    def find_then_handle(state: State, request: Request) -> Response:
        key = request.params["key"]
        for datasource in state.datasources.values():
            if str(datasource[kind]) == key:
                return handler(state, request, datasource)
        raise ApiError(404, NOT_FOUND)

    return find_then_handle


def dto(datasource: dict[str, Any]) -> dict[str, Any]:
    """The data source as the API shows it: secure values only as flags."""
    shown = {
        k: copy.deepcopy(v) for k, v in datasource.items() if k != "secureJsonData"
    }
    shown["secureJsonFields"] = {k: True for k in datasource["secureJsonData"]}
    return shown


def add(state: State, body: dict[str, Any], read_only: bool = False) -> dict[str, Any]:
    """Store a new data source; makes it the only default when it is one."""
    kind = str(body["type"])
    datasource = {
        "id": state.next_id("datasource"),
        "uid": str(body.get("uid") or new_uid()),
        "orgId": 1,
        "name": str(body["name"]),
        "type": kind,
        "typeLogoUrl": f"public/app/plugins/datasource/{kind}/img/logo.svg",
        **{k: copy.deepcopy(body.get(k, v)) for k, v in FIELDS.items()},
        "secureJsonData": dict(body.get("secureJsonData") or {}),
        "version": 1,
        "readOnly": read_only,
    }
    _settle_default(state, datasource)
    state.datasources[datasource["uid"]] = datasource
    return datasource


def _settle_default(state: State, datasource: dict[str, Any]) -> None:
    if datasource["isDefault"]:
        for other in state.datasources.values():
            if other["uid"] != datasource["uid"]:
                other["isDefault"] = False


def _validate(
    state: State, body: dict[str, Any], current: dict[str, Any] | None
) -> None:
    if not body.get("name") or not body.get("type") or not body.get("access"):
        raise ApiError(400, message("bad request data"))
    if any(c.isspace() for c in str(body.get("url") or "")):
        raise ApiError(400, message("Validation error, invalid URL"))
    uid = str(body.get("uid") or "")
    problem = uid_problem(uid)
    if problem:
        raise ApiError(400, message(problem))
    for other in state.datasources.values():
        if other is current:
            continue
        if other["name"] == body["name"]:
            raise ApiError(
                409, message("data source with the same name already exists")
            )
        if uid and other["uid"] == uid:
            raise ApiError(409, message("data source with the same uid already exists"))


def list_datasources(state: State, request: Request) -> Response:
    found = sorted(state.datasources.values(), key=lambda d: d["name"].lower())
    return Response(200, [dto(d) for d in found])


def post_datasource(state: State, request: Request) -> Response:
    body = request.json_object()
    _validate(state, body, None)
    datasource = add(state, body)
    return Response(
        200,
        {
            "id": datasource["id"],
            "message": "Datasource added",
            "name": datasource["name"],
            "datasource": dto(datasource),
        },
    )


def get_datasource(
    state: State, request: Request, datasource: dict[str, Any]
) -> Response:
    return Response(200, dto(datasource))


def get_id(state: State, request: Request, datasource: dict[str, Any]) -> Response:
    """``GET /api/datasources/id/:name`` answers only the id."""
    return Response(200, {"id": datasource["id"]})


def put_datasource(
    state: State, request: Request, datasource: dict[str, Any]
) -> Response:
    """Replace the data source; secure keys left out keep their stored values."""
    if datasource["readOnly"]:
        raise ApiError(403, message("Cannot update read-only data source"))
    body = request.json_object()
    body.setdefault("uid", datasource["uid"])
    _validate(state, body, datasource)
    version = body.get("version")
    if isinstance(version, int) and 0 < version < datasource["version"]:
        raise ApiError(
            409,
            message(
                "Datasource has already been updated by someone else. "
                "Please reload and try again"
            ),
        )

    old_uid = datasource["uid"]
    datasource.update(
        name=str(body["name"]),
        type=str(body["type"]),
        uid=str(body.get("uid") or old_uid),
        **{k: copy.deepcopy(body.get(k, v)) for k, v in FIELDS.items()},
    )
    datasource["secureJsonData"].update(body.get("secureJsonData") or {})
    datasource["version"] += 1
    _settle_default(state, datasource)
    del state.datasources[old_uid]
    state.datasources[datasource["uid"]] = datasource
    return Response(
        200,
        {
            "id": datasource["id"],
            "message": "Datasource updated",
            "name": datasource["name"],
            "datasource": dto(datasource),
        },
    )


def delete_datasource(
    state: State, request: Request, datasource: dict[str, Any]
) -> Response:
    if datasource["readOnly"]:
        raise ApiError(403, message("Cannot delete read-only data source"))
    del state.datasources[datasource["uid"]]
    return Response(200, message("Data source deleted", id=datasource["id"]))
