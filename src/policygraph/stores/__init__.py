"""The stores a ``PolicyGraph`` can hold, behind one protocol (``base.Store``).

- ``oxigraph`` (the default): embedded Oxigraph, with exact lexical forms kept (``exact.py``).
- ``rdflib``: the reference, an rdflib Dataset in memory (``memory.py``).
- Any object following ``base.Store`` (a remote SPARQL endpoint, say) can be passed instead of
  a name.

Nothing heavy is imported until a store is made: ``import policygraph.stores`` is cheap.
"""

from __future__ import annotations

import os
from typing import Any

from .base import ANY, AnyGraph, Quad, Store, Triple

__all__ = [
    "ANY",
    "STORES",
    "AnyGraph",
    "PerformanceWarning",
    "Quad",
    "Store",
    "Triple",
    "default_store",
    "open_store",
]

STORES = ("oxigraph", "rdflib")


def default_store() -> str:
    """The store the library and the command line use: ``$POLICYGRAPH_STORE``, else
    "oxigraph"."""
    return os.environ.get("POLICYGRAPH_STORE") or "oxigraph"


def open_store(store: str | Store | None = None) -> Store:
    """A new, empty store by name ("oxigraph", "rdflib"; None: :func:`default_store`), or
    ``store`` itself when it already is one."""
    if store is None:
        store = default_store()
    if not isinstance(store, str):
        if not isinstance(store, Store):
            raise TypeError(f"not a store: {store!r} (pass a name or a policygraph Store)")
        return store
    if store == "oxigraph":
        from .exact import ExactStore

        return ExactStore()
    if store == "rdflib":
        from .memory import MemoryStore

        return MemoryStore()
    raise ValueError(f"unknown store {store!r} (known: {', '.join(STORES)})")


def __getattr__(name: str) -> Any:
    if name == "PerformanceWarning":
        from .exact import PerformanceWarning

        return PerformanceWarning
    raise AttributeError(f"module 'policygraph.stores' has no attribute {name!r}")
