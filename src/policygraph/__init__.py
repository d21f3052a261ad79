"""policygraph: health-policy claims as a knowledge graph.

    import policygraph as pg
    g = pg.load()                  # bundled ontology, concepts and data
    report = g.validate()
    trace = g.trace("claim:ntnu-national-strategy")

Nothing is imported or read until it is used: ``import policygraph`` costs almost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "AnchorError",
    "EndpointError",
    "EvidenceTrace",
    "ExportError",
    "Gap",
    "MissingExtraError",
    "ParseError",
    "PolicyGraph",
    "PolicyGraphError",
    "QueryError",
    "QueryRefusedError",
    "QueryResult",
    "QueryTimeoutError",
    "StoreError",
    "UnknownResourceError",
    "ValidationReport",
    "ValidationResult",
    "__version__",
    "connect",
    "load",
]

_LAZY = {
    "load": "graph",
    "connect": "remote.connect",
    "PolicyGraph": "graph",
    "Gap": "graph",
    "EvidenceTrace": "trace",
    "QueryResult": "query",
    "ValidationReport": "validation",
    "ValidationResult": "validation",
    "AnchorError": "errors",
    "EndpointError": "errors",
    "ExportError": "errors",
    "MissingExtraError": "errors",
    "ParseError": "errors",
    "PolicyGraphError": "errors",
    "QueryError": "errors",
    "QueryRefusedError": "errors",
    "QueryTimeoutError": "errors",
    "StoreError": "errors",
    "UnknownResourceError": "errors",
}

if TYPE_CHECKING:
    from .errors import (
        AnchorError,
        EndpointError,
        ExportError,
        MissingExtraError,
        ParseError,
        PolicyGraphError,
        QueryError,
        QueryRefusedError,
        QueryTimeoutError,
        StoreError,
        UnknownResourceError,
    )
    from .graph import Gap, PolicyGraph, load
    from .query import QueryResult
    from .remote.connect import connect
    from .trace import EvidenceTrace
    from .validation import ValidationReport, ValidationResult


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("policygraph")
        except PackageNotFoundError:
            return "0.0.0"
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policygraph' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
