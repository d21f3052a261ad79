"""The options every command takes to work on a SPARQL server instead of loaded files:
``--endpoint QUERY_URL``, ``--update-endpoint URL``, ``--graph-store URL``. Credentials never
come from here: they come from the environment or ~/.netrc (see ``remote.client``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = ["connect_endpoint", "endpoint_options", "refuse_endpoint", "remember_endpoint"]

F = TypeVar("F", bound=Callable[..., Any])
_KEY = "policygraph.endpoint"
_NAMES = ("endpoint", "update_endpoint", "graph_store")


def endpoint_options(func: F) -> F:
    for option in reversed(
        [
            click.option(
                "--endpoint",
                metavar="QUERY_URL",
                help="Work on this SPARQL server's data (see `push`) instead of loaded files.",
            ),
            click.option(
                "--update-endpoint",
                metavar="URL",
                help="The server's SPARQL Update URL (default: beside the query URL).",
            ),
            click.option(
                "--graph-store",
                metavar="URL",
                help="The server's Graph Store Protocol URL (default: beside the query URL).",
            ),
        ]
    ):
        func = option(func)
    return func


# Commands that read and write local files only: an endpoint would be ignored, so it is refused.
LOCAL_ONLY = ("compile", "decompile", "fingerprint")


def remember_endpoint(kwargs: dict[str, Any]) -> None:
    """Move the endpoint options out of a command's arguments into the click context, where
    ``connect_endpoint`` (and ``push``) find them."""
    values = {name: kwargs.pop(name, None) for name in _NAMES}
    ctx = click.get_current_context()
    ctx.meta[_KEY] = values
    if ctx.info_name in LOCAL_ONLY:
        refuse_endpoint(str(ctx.info_name))


def refuse_endpoint(what: str) -> None:
    """A user's error when ``--endpoint`` was given to something that works on local files."""
    if endpoint_settings().get("endpoint"):
        from .errors import PolicyGraphError

        raise PolicyGraphError(f"{what} works on local files; --endpoint is not supported here")


def endpoint_settings() -> dict[str, str | None]:
    ctx = click.get_current_context(silent=True)
    found: dict[str, str | None] = ctx.meta.get(_KEY, {}) if ctx is not None else {}
    return found


def connect_endpoint(data: tuple[str, ...]) -> Any:
    """The server's graph when ``--endpoint`` was given, else None."""
    settings = endpoint_settings()
    if not settings.get("endpoint"):
        return None
    from .errors import PolicyGraphError

    if data:
        raise PolicyGraphError(
            "--data reads local files: with --endpoint, push them to the server first"
        )
    from .remote.connect import connect

    return connect(
        str(settings["endpoint"]),
        update_endpoint=settings.get("update_endpoint"),
        graph_store=settings.get("graph_store"),
    )
