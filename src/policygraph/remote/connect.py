"""``pg.connect``: a PolicyGraph whose graph lives on a SPARQL server."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..graph import PolicyGraph

__all__ = ["connect"]


def connect(
    endpoint: str,
    *,
    update_endpoint: str | None = None,
    graph_store: str | None = None,
    graphs: Sequence[str] | None = None,
    timeout: float = 60.0,
    retries: int = 3,
) -> PolicyGraph:
    """The graph on the SPARQL server whose query URL is ``endpoint``: what ``policygraph
    push`` wrote there (or, with no push manifest, the server's default graph; ``graphs``
    names the graphs to read instead). Update and Graph Store URLs default to where Oxigraph
    or Virtuoso put them beside the query URL. Credentials come from
    ``POLICYGRAPH_ENDPOINT_USER``/``POLICYGRAPH_ENDPOINT_PASSWORD`` or ``~/.netrc``.
    ``timeout`` limits each request (seconds); connection resets and 5xx answers are tried
    ``retries`` more times. Nothing is fetched until an operation needs it, except the
    manifest."""
    from ..graph import PolicyGraph
    from ..stores.sparql import SparqlStore
    from .client import SparqlClient, sibling_endpoints

    update, store_url = sibling_endpoints(endpoint, update_endpoint, graph_store)
    client = SparqlClient(endpoint, update, store_url, timeout=timeout, retries=retries)
    return PolicyGraph(store=SparqlStore(client, graphs))
