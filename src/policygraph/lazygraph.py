"""An rdflib Graph that reads a policygraph Store only where it is looked at.

pySHACL judges candidate focus nodes by reading the data graph through rdflib's Graph API. On a
store whose triples are far away (a SPARQL server) copying the whole graph first would fetch
everything; this graph instead asks the store for each triple pattern pySHACL (or rdflib's
SPARQL engine, for SPARQL constraints) reads, once: all triples of a subject at its first
look-up, other patterns as they come. It is read-only.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.store import Store as RdflibStore

if TYPE_CHECKING:
    from rdflib.term import Node

    from .stores.base import Store, Triple

__all__ = ["lazy_graph"]


class _Reader(RdflibStore):  # type: ignore[misc]
    context_aware = True  # pySHACL wraps the graph in a Dataset
    formula_aware = False
    transaction_aware = False
    graph_aware = True

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        self._by_subject: dict[Node, list[Triple]] = {}
        self._by_pattern: dict[tuple[Node | None, Node | None], list[Triple]] = {}
        self._all: list[Triple] | None = None
        self._size: int | None = None

    def _read(self, s: Node | None, p: Node | None, o: Node | None) -> list[Triple]:
        if s is not None:
            found = self._by_subject.get(s)
            if found is None:
                found = self._by_subject[s] = list(self._store.triples(s, None, None))
            return [t for t in found if (p is None or t[1] == p) and (o is None or t[2] == o)]
        if p is None and o is None:
            if self._all is None:
                self._all = list(self._store.triples())
            return self._all
        key = (p, o)
        found = self._by_pattern.get(key)
        if found is None:
            found = self._by_pattern[key] = list(self._store.triples(None, p, o))
        return found

    def triples(self, pattern: Any, context: Any = None) -> Iterator[Any]:
        s, p, o = pattern
        for triple in self._read(s, p, o):
            yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        if self._size is None:
            self._size = len(self._store)
        return self._size

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from ()

    def add_graph(self, graph: Any) -> None:
        pass  # rdflib's Dataset registers its default graph; nothing is stored

    def add(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("this graph is read-only")

    def remove(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("this graph is read-only")


def lazy_graph(store: Store) -> Graph:
    """A read-only rdflib Graph over ``store`` that fetches what is read, once."""
    return Graph(store=_Reader(store))
