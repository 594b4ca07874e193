"""Placeholder."""

from mt5dash.testing._router import Router


def register(router: Router) -> None:
    pass
