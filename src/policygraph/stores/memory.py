"""The reference store: an rdflib ``Dataset`` in memory.

Slow on big graphs, but it is the definition of the right answer: every other store's results
are tested against this one's. It keeps every literal exactly as read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..loading import default_graph, load_into, new_dataset
from .base import ANY, AnyGraph, Quad, Triple

if TYPE_CHECKING:
    from rdflib.term import Node

    from ..query import QueryResult

__all__ = ["MemoryStore"]


def _name(graph: object) -> Node | None:
    """The graph name of an rdflib quad's fourth element (None for the default graph)."""
    name = graph.identifier if isinstance(graph, Graph) else graph
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return None
    return name  # type: ignore[return-value]


class MemoryStore:
    """A :class:`~policygraph.stores.base.Store` over an rdflib ``Dataset`` (its default
    graph is the union of all graphs). ``dataset`` is the live dataset, for callers who
    need rdflib itself."""

    name = "rdflib"

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.dataset: Dataset = dataset if dataset is not None else new_dataset()

    def add_file(self, path: Path, format: str, base: str) -> None:
        load_into(self.dataset, path, base=base)  # parses into a staging graph first

    def add_quads(self, quads: Iterable[Quad]) -> None:
        ds = self.dataset
        default = default_graph(ds)
        graphs: dict[Node, Graph] = {}
        for s, p, o, g in quads:
            if g is None:
                default.add((s, p, o))
            else:
                target = graphs.get(g)
                if target is None:
                    target = graphs[g] = ds.graph(g)  # type: ignore[arg-type]
                target.add((s, p, o))

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
        graph: Node | None | AnyGraph = ANY,
    ) -> Iterator[Quad]:
        pattern = (subject, predicate, object, None)
        found = ((s, p, o, _name(g)) for s, p, o, g in self.dataset.quads(pattern))  # type: ignore[arg-type]
        if graph is ANY:
            return found
        # rdflib's context argument also yields the union's copies: filter by name instead.
        return (q for q in found if q[3] == graph)

    def triples(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
    ) -> Iterator[Triple]:
        return self.dataset.triples((subject, predicate, object))  # type: ignore[return-value]

    def outgoing(
        self, subjects: Iterable[Node], predicates: Collection[Node] | None = None
    ) -> Iterator[Triple]:
        triples = self.dataset.triples
        wanted = None if predicates is None else set(predicates)
        for subject in subjects:
            for triple in triples((subject, None, None)):
                if wanted is None or triple[1] in wanted:
                    yield triple  # type: ignore[misc]

    def graph_names(self) -> list[Node]:
        names = {_name(g) for g in self.dataset.graphs() if len(g)}
        return sorted((n for n in names if n is not None), key=str)

    def __len__(self) -> int:
        return len(self.dataset)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        from ..query import run_query

        if timeout is None:
            return run_query(self.dataset, sparql, bindings, allow_service=True)
        from .killable import run_in_child

        return run_in_child(
            run_query, (self.dataset, sparql, bindings), {"allow_service": True}, timeout
        )

    def dump(self, graph: Node | None = None) -> bytes:
        from ..serialize import ntriples_lines

        return ntriples_lines(self.triples_of(graph)).encode("utf-8")

    def triples_of(self, graph: Node | None) -> Iterator[Triple]:
        return ((s, p, o) for s, p, o, _ in self.quads(graph=graph))

    def close(self) -> None:
        pass
