"""The store seam: what ``PolicyGraph`` needs from wherever the triples live.

Every operation of the library (query, trace, gaps, stats, validate, export, describe) is
written once against :class:`Store`; a store is chosen once, when the graph is made. Terms cross
the seam as rdflib terms (``URIRef``, ``BNode``, ``Literal``) with their exact lexical forms, and
a quad's graph is ``None`` for the default graph.

An implementation backed by a SPARQL 1.1 server maps the methods onto the standard protocols:
``add_file``/``add_quads`` onto the Graph Store HTTP Protocol (POST) or SPARQL Update
(``INSERT DATA``), ``quads``/``triples``/``graph_names``/``__len__`` onto SPARQL SELECT, ASK and
COUNT queries, ``query`` onto the SPARQL Protocol (with the time limit both sent to the server
where it has a parameter for it and enforced on the HTTP request), and ``dump`` onto a Graph
Store GET with ``Accept: application/n-triples``. Failures to reach or understand the server are
:class:`~policygraph.errors.StoreError` naming the endpoint (and the HTTP status, if any).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from rdflib.term import Node

    from ..query import QueryResult

__all__ = ["ANY", "AnyGraph", "Quad", "Store", "Triple"]

Triple = tuple["Node", "Node", "Node"]
# (subject, predicate, object, graph); graph None is the default graph.
Quad = tuple["Node", "Node", "Node", "Node | None"]


class AnyGraph(enum.Enum):
    """The graph wildcard of :meth:`Store.quads` (``None`` there means the default graph)."""

    ANY = "any"


ANY = AnyGraph.ANY


@runtime_checkable
class Store(Protocol):
    """Where a ``PolicyGraph``'s quads live. Implementations: ``MemoryStore`` (rdflib, the
    reference), ``OxigraphStore`` (embedded, the default), wrapped by ``ExactStore`` where the
    engine would rewrite lexical forms; a remote ``SparqlStore`` follows the same contract.

    A store never changes what a caller passed in, and raises only the library's errors:
    :class:`~policygraph.errors.ParseError`, :class:`~policygraph.errors.QueryError` (and its
    subclasses ``QueryRefusedError`` and ``QueryTimeoutError``) and
    :class:`~policygraph.errors.StoreError`.
    """

    #: A short name for messages and benchmarks: "rdflib", "oxigraph", "sparql", ...
    name: str

    def add_file(self, path: Path, format: str, base: str) -> None:
        """Read one RDF file. ``format`` is one of ``loading.FORMATS``' values ("turtle",
        "nt", "nquads", "trig", "json-ld", "xml"); relative IRIs resolve against ``base``.
        Triple formats go into the default graph, quad formats keep their named graphs.

        All or nothing: on a :class:`~policygraph.errors.ParseError` (with the file, line and
        column where known) nothing of the file has been added. The file has already passed
        the library's syntax check (``syntaxcheck``), so every store accepts the same files.
        A remote store uploads the file's quads (Graph Store POST, or INSERT DATA in batches)
        and must leave the server as it was if the upload fails part-way."""
        ...

    def add_quads(self, quads: Iterable[Quad]) -> None:
        """Add quads (graph ``None``: the default graph), keeping literals' exact lexical
        forms. Raises StoreError for a term the store cannot hold (nothing is added then)."""
        ...

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
        graph: Node | None | AnyGraph = ANY,
    ) -> Iterator[Quad]:
        """Quads matching the pattern: ``None`` in the first three positions matches
        anything; ``graph`` is ``ANY`` (every graph), ``None`` (the default graph only) or a
        graph name. Literals come back exactly as they went in. The iterator may be lazy but
        the arguments are checked when it is made. Remote: ``SELECT ?s ?p ?o ?g`` over the
        default graph and ``GRAPH ?g``, paged if the server limits result sizes."""
        ...

    def triples(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
    ) -> Iterator[Triple]:
        """Triples of the union of all graphs matching the pattern, each triple once however
        many graphs hold it (the view every operation of the library reads)."""
        ...

    def outgoing(
        self, subjects: Iterable[Node], predicates: Collection[Node] | None = None
    ) -> Iterator[Triple]:
        """The triples (as :meth:`triples` sees them) whose subject is one of ``subjects``
        and, if ``predicates`` is given, whose predicate is one of those: the point look-ups
        of a walk through the graph, batched. Traces read a level of the walk with one call.
        Remote: one SELECT with ``VALUES ?s`` (and ``VALUES ?p``) per batch of subjects."""
        ...

    def graph_names(self) -> list[Node]:
        """The names of the non-empty named graphs, sorted by their text."""
        ...

    def __len__(self) -> int:
        """How many distinct triples the union of all graphs holds (a triple in two graphs
        counts once). Remote: ``SELECT (COUNT(*) ...) { SELECT DISTINCT ?s ?p ?o ... }``."""
        ...

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run one read-only SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the
        union of all graphs as the default graph, with ``namespaces.PREFIXES`` declared.

        ``bindings`` binds variables (by name, without ``?``) to terms: they are values, never
        query text. Variables bound but not projected still constrain the answer.

        ``timeout`` (seconds) stops the query for real once it is exceeded and raises
        :class:`~policygraph.errors.QueryTimeoutError`; ``None`` is no limit and must cost
        nothing. Syntax errors raise QueryError; SPARQL Update is QueryRefusedError. The
        caller (``PolicyGraph.query``) has already refused SERVICE and FROM unless allowed."""
        ...

    def dump(self, graph: Node | None = None) -> bytes:
        """The triples of one graph (``None``: the default graph) as N-Triples in UTF-8, one
        per line, in any order, literals in their exact lexical form. The deterministic
        writers start from this. Remote: Graph Store GET with ``Accept:
        application/n-triples``."""
        ...

    def close(self) -> None:
        """Let go of what the store holds open (worker processes, connections). The store
        is not used afterwards. Safe to call twice."""
        ...
