"""The stores the tests run on.

``STORES`` names the embedded stores (every test that loads files runs on each). ``STORE_PARAMS``
is the list the parametrised store suite (``test_store_suite.py``) runs on: each entry says how
to get an empty store for one test module. A server-backed store is added by appending an entry
whose ``make`` starts or reaches its server (through fixtures, with ``request.getfixturevalue``)
and returns a connected, empty ``policygraph.stores.Store``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

    from policygraph.stores import Store

__all__ = ["STORES", "STORE_PARAMS", "StoreParam"]

STORES = ["rdflib", "oxigraph"]


@dataclass(frozen=True)
class StoreParam:
    """One store of the suite: ``make(request)`` returns a store name or an empty Store."""

    name: str
    make: Callable[[pytest.FixtureRequest], str | Store]

    def __str__(self) -> str:
        return self.name


STORE_PARAMS: list[StoreParam] = [
    StoreParam("rdflib", lambda request: "rdflib"),
    StoreParam("oxigraph", lambda request: "oxigraph"),
]


def _on_server(fixture: str) -> Callable[[pytest.FixtureRequest], Store]:
    """An empty store on the session's server (started by its fixture, see servers.py):
    everything an earlier test wrote there is dropped first."""

    def make(request: pytest.FixtureRequest) -> Store:
        from policygraph.remote.client import SparqlClient
        from policygraph.remote.push import clear
        from policygraph.stores.sparql import SparqlStore

        server = request.getfixturevalue(fixture)
        client = SparqlClient(server.query, server.update, server.graph_store)
        clear(client)
        return SparqlStore(client, graphs=[])

    return make


STORE_PARAMS += [
    StoreParam("oxigraph-server", _on_server("oxigraph_server")),
    StoreParam("virtuoso", _on_server("virtuoso_server")),
]
