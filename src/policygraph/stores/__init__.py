"""The stores a ``PolicyGraph`` can hold, behind one protocol (``base.Store``).

Nothing heavy is imported until a store is made: ``import policygraph.stores`` is cheap.
"""

from __future__ import annotations

from typing import Any

from .base import ANY, AnyGraph, Quad, Store, Triple

__all__ = [
    "ANY",
    "STORES",
    "AnyGraph",
    "OxigraphPolicyGraph",
    "PerformanceWarning",
    "Quad",
    "Store",
    "Triple",
    "default_store",
    "store_class",
]

_LAZY = {
    "STORES": "oxigraph",
    "OxigraphPolicyGraph": "oxigraph",
    "PerformanceWarning": "oxigraph",
    "default_store": "oxigraph",
    "store_class": "oxigraph",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policygraph.stores' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
