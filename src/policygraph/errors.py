"""The library's exception types.

One base class, a few specific subclasses; every error raised for a caller's mistake is one of
these, chained (``raise ... from``) to whatever the underlying library raised.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AnchorError",
    "EndpointError",
    "EndpointTimeoutError",
    "ExportError",
    "MissingExtraError",
    "ParseError",
    "PolicyGraphError",
    "QueryError",
    "QueryRefusedError",
    "QueryTimeoutError",
    "StoreError",
    "UnknownResourceError",
]


class PolicyGraphError(Exception):
    """Base class of every error policygraph raises on purpose."""


class ParseError(PolicyGraphError):
    """A file could not be read as RDF. Carries the file and, where the parser knows them,
    the 1-based line and column."""

    def __init__(
        self, path: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.reason = message
        where = path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class QueryError(PolicyGraphError):
    """A SPARQL query is malformed or failed to run."""


class QueryRefusedError(QueryError):
    """A query asks for something the read-only query path does not do (updates, SERVICE,
    loading from the network)."""


class QueryTimeoutError(QueryError):
    """A query ran longer than the time limit it was given and was stopped; ``timeout`` is
    that limit in seconds."""

    def __init__(self, timeout: float, message: str | None = None) -> None:
        self.timeout = timeout
        super().__init__(message or f"query stopped after its time limit of {timeout:g} s")


class StoreError(PolicyGraphError):
    """A store could not do what was asked (a server that is down, refuses, or answers
    nonsense; an engine that cannot hold a term). The message names the store."""


class UnknownResourceError(PolicyGraphError, LookupError):
    """An id names no resource, or more than one. ``suggestions`` holds close matches."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        self.suggestions = tuple(suggestions)
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions[:5]) + "?"
        super().__init__(message)


class ExportError(PolicyGraphError):
    """A graph could not be written; any existing target file is left as it was."""


class AnchorError(PolicyGraphError):
    """Anchors could not be resolved (for instance a sources folder that does not exist)."""


class MissingExtraError(PolicyGraphError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


class EndpointError(StoreError):
    """A SPARQL endpoint could not be reached or answered with an error. Carries the
    endpoint's URL and, when it answered, the HTTP status."""

    def __init__(self, endpoint: str, message: str, status: int | None = None) -> None:
        self.endpoint = endpoint
        self.status = status
        self.reason = message
        where = f"{endpoint}: HTTP {status}" if status is not None else endpoint
        super().__init__(f"{where}: {message}")


class EndpointTimeoutError(EndpointError, TimeoutError):
    """A SPARQL endpoint did not answer within the time limit."""
