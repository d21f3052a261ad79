"""``policygraph push``: write the bundled data and files to a SPARQL server."""

from __future__ import annotations

import sys
from typing import Any

import click

from .cli import EXIT_OK, _Fail, _json, common
from .cli_remote import endpoint_settings

__all__ = ["push"]


@click.command()
@click.argument("files", nargs=-1, metavar="[FILE]...")
@click.option("--force", is_flag=True, help="Upload files whose graphs are there already.")
@click.option(
    "--timeout",
    type=float,
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="Time limit for each request to the server.",
)
@common()
def push(
    data: tuple[str, ...],
    no_bundled_data: bool,
    fmt: str,
    files: tuple[str, ...],
    force: bool,
    timeout: float,
) -> int:
    """Write the bundled data and FILEs (and --data files) to the server at --endpoint, one
    named graph per file, replacing what an earlier push wrote. Safe to run again after a
    failure: the server ends up with exactly these graphs."""
    from .remote.client import SparqlClient, sibling_endpoints
    from .remote.push import push as run

    settings = endpoint_settings()
    endpoint = settings.get("endpoint")
    if not endpoint:
        raise _Fail("push needs --endpoint QUERY_URL (and --graph-store URL if not beside it)")
    update, store = sibling_endpoints(
        endpoint, settings.get("update_endpoint"), settings.get("graph_store")
    )
    client = SparqlClient(endpoint, update, store, timeout=timeout)
    bar: Any = None
    hooks: dict[str, Any] = {}
    if sys.stderr.isatty() and fmt == "text":

        def start(total: int) -> None:
            nonlocal bar
            bar = click.progressbar(length=total, label="pushing", file=sys.stderr)
            bar.__enter__()

        hooks = {"total": start, "progress": lambda n: bar.update(n) if bar else None}
    try:
        report = run(
            client, [*data, *files], bundled_data=not no_bundled_data, force=force, **hooks
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if fmt == "json":
        _json(report.to_dict())
    else:
        click.echo(str(report))
    return EXIT_OK
