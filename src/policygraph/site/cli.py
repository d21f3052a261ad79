"""``policygraph site -o DIR``: the command, thin over :func:`policygraph.site.build_site`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..cli import _json, _load, common


def register(group: click.Group) -> None:
    group.add_command(site)


@click.command()
@click.option("-o", "--output", metavar="DIR", required=True, help="Folder to write the site to.")
@click.option(
    "--sources", metavar="DIR", help="Folder of source texts: pages with every anchor marked."
)
@common()
def site(
    data: tuple[str, ...],
    no_bundled_data: bool,
    fmt: str,
    output: str,
    sources: str | None,
    **store_options: Any,
) -> int:
    """Build a static evidence map (HTML, CSS, a little JavaScript) in DIR."""
    from .build import build_site

    # Whatever else the shared options carry (a store, an endpoint) goes to the shared loader.
    graph = _load(data, no_bundled_data, **store_options)
    summary = build_site(graph, Path(output), Path(sources) if sources else None)
    if fmt == "json":
        _json(summary.to_dict())
    else:
        click.echo(
            f"{summary.output}: {summary.pages} pages ({summary.claims} claims, "
            f"{summary.texts} source texts, {summary.anchors_marked} anchors marked)"
        )
    return 0
