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
