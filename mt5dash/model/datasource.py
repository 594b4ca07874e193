"""Datasources: where panels and alert rules read their data."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mt5dash.model.base import Declaration
from mt5dash.secrets import Secret


class Datasource(Declaration):
    """A Grafana datasource, provisioned by uid.

    ``secure_json_data`` values must be secret references (``mt5dash.env``);
    Grafana encrypts them with its ``secret_key`` and never returns them.
    """

    name: str
    type: str
    uid: str
    url: str = ""
    access: Literal["proxy", "direct"] = "proxy"
    is_default: bool = False
    editable: bool = False
    basic_auth: bool = False
    basic_auth_user: str = ""
    user: str = ""
    database: str = ""
    json_data: dict[str, Any] = Field(default_factory=dict)
    secure_json_data: dict[str, Secret | str] = Field(default_factory=dict)

    @property
    def ref(self) -> dict[str, str]:
        """The ``{type, uid}`` reference panels and targets use."""
        return {"type": self.type, "uid": self.uid}

    @classmethod
    def prometheus(
        cls,
        uid: str,
        url: str,
        *,
        name: str = "Prometheus",
        is_default: bool = True,
        scrape_interval: str = "15s",
        **extra: Any,
    ) -> Datasource:
        """A Prometheus datasource that queries with POST.

        ``scrape_interval`` becomes Grafana's ``timeInterval``, the lower bound
        of ``$__interval`` and the base of ``$__rate_interval``.
        """
        json_data = {"httpMethod": "POST", "timeInterval": scrape_interval}
        json_data.update(extra.pop("json_data", {}))
        return cls(
            name=name,
            type="prometheus",
            uid=uid,
            url=url,
            is_default=is_default,
            json_data=json_data,
            **extra,
        )
