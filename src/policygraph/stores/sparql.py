"""A store on a SPARQL 1.1 server: the graph stays on the server, every operation is a query.

The store reads the graphs ``policygraph push`` wrote (the complete graphs its manifest lists,
passed to the server as the query's default graphs), or, on a server without a manifest, the
server's default graph. It presents them as one default graph, the union, as a file loaded
locally would be. Queries are read-only (``PolicyGraph.query`` checks them first) and bound
values go in as terms: a ``VALUES`` block at the head of the query's WHERE group, written from
the term, never from text the caller wrote.

What a server keeps: Oxigraph stores some literals in a canonical form ("01"^^xsd:integer
comes back as "1", language tags in lower case), Virtuoso more so (numbers are values, so
"1"^^xsd:integer and "1.0"^^xsd:decimal on one subject and predicate are one triple there, and
``xsd:string`` is typed on the way out). Results keep whatever lexical form the server gives.
Blank nodes can be read but, on servers that give no way to name one again (Oxigraph), a
pattern naming one is answered by reading the pattern without it and filtering here.

Time limits: ``query(..., timeout=)`` limits the HTTP request and raises QueryTimeoutError; the
client lets go of the connection, but whether the server stops its work is up to the server.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Literal

from ..errors import EndpointError, EndpointTimeoutError, QueryError, QueryTimeoutError
from .base import ANY, AnyGraph, Quad, Triple
from .oxquery import _TOKENS as _VARIABLE_TOKENS

if TYPE_CHECKING:
    from rdflib.term import Node

    from ..query import QueryResult
    from ..remote.client import SparqlClient

__all__ = ["SparqlStore"]

# oxquery's tokens (strings, IRIs and comments to skip; variables), then braces and the
# keywords that say where a variable may stand.
_TOKENS = re.compile(
    _VARIABLE_TOKENS.pattern
    + r"|(?P<open>\{)|(?P<close>\})|(?P<star>\*)"
    + r"|(?P<word>\b(?:CONSTRUCT|DESCRIBE|SELECT|ASK|WHERE|AS|VALUES)\b)",
    re.IGNORECASE,
)
# Words only an update has; a query without them is sent as it is (the server names its syntax
# errors), one with them is parsed here first, and refused if it is an update.
_MAY_UPDATE = re.compile(
    r"(?<![\w:?$])(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH|USING)(?![\w:-])",
    re.IGNORECASE,
)
_NO_GRAPH = "https://w3id.org/policygraph/graph/none"
_GRAPH_FORMATS = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"


def _blank_skipped(match: re.Match[str]) -> str:
    return " " if match.group("skip") else match.group(0)


def term_text(term: Node) -> str:
    """A term in SPARQL syntax (N-Triples escapes); blank nodes only where the server lets
    one name them (Virtuoso's ``nodeID://`` labels)."""
    from ..serialize import _TermWriter

    if isinstance(term, BNode):
        if str(term).startswith("nodeID://"):
            return f"<{term}>"
        raise ValueError("this server gives no way to name a blank node in a query")
    return _TermWriter(None).term(term)


def with_values(sparql: str, bindings: Mapping[str, Node]) -> tuple[str, str]:
    """The query form ("select", "ask", "construct" or "describe") and the query with
    ``bindings`` in it, as terms: each bound variable that stands only in graph patterns or a
    CONSTRUCT template is replaced by its term (servers plan constants best; Virtuoso needs a
    path's start as one); any other (projected, bound with AS, in VALUES, in ORDER BY) is
    bound by a VALUES block at the head of the outer WHERE group."""
    form = None
    depth = 0
    group = None  # where the outer WHERE group opens
    projecting = after_as = False
    values_depth: int | None = None  # inside a VALUES clause opened at this depth
    places: dict[str, list[tuple[int, int]]] = {}
    unsafe: set[str] = set()
    for match in _TOKENS.finditer(sparql):
        if match.group("skip"):
            continue
        word = (match.group("word") or "").upper()
        if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = form or word.lower()
            projecting = word == "SELECT"
        elif word == "WHERE":
            projecting = False
        elif word == "VALUES":
            values_depth = depth
        elif match.group("open"):
            if group is None and form is not None and (form != "construct" or not projecting):
                group = match.end() if form != "construct" or _after_where(sparql, match) else None
            projecting = False
            depth += 1
        elif match.group("close"):
            depth -= 1
            if values_depth is not None and depth == values_depth:
                values_depth = None
        elif match.group("star") and projecting:  # SELECT *: every variable is projected
            unsafe.update(bindings)
        elif match.group("var"):
            name = match.group("var")[1:]
            if name in bindings:
                places.setdefault(name, []).append(match.span())
                if depth == 0 or projecting or after_as or values_depth is not None:
                    unsafe.add(name)
        after_as = word == "AS"
    if form is None:
        raise QueryError("not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")
    if not bindings:
        return form, sparql
    spans = sorted(
        (start, end, term_text(bindings[name]))
        for name, found in places.items()
        if name not in unsafe
        for start, end in found
    )
    blocked = sorted(n for n in bindings if n in unsafe or n not in places)
    out, at = [], 0
    for start, end, text in spans:
        out += [sparql[at:start], text]
        at = end
    if blocked:
        if group is None:
            raise QueryError("bindings need a query with a WHERE group")
        values = (
            " VALUES ("
            + " ".join("?" + n for n in blocked)
            + ") { ("
            + " ".join(term_text(bindings[n]) for n in blocked)
            + ") } "
        )
        out += [sparql[at:group], values]
        at = group
    out.append(sparql[at:])
    return form, "".join(out)


def _after_where(sparql: str, match: re.Match[str]) -> bool:
    """True when the brace ``match`` opens a CONSTRUCT query's WHERE group (not its
    template)."""
    before = _TOKENS.sub(_blank_skipped, sparql[: match.start()]).rstrip()
    return before.upper().endswith("WHERE")


class SparqlStore:
    """The graph on a SPARQL server (see the module docs). ``graphs``: the graphs to read
    (default: the complete graphs of the push manifest, else the server's default graph)."""

    name = "sparql"
    #: Its triples are not in this process: validation fetches only what pySHACL reads.
    local = False

    def __init__(self, client: SparqlClient, graphs: Sequence[str] | None = None) -> None:
        from ..remote.push import manifest_graphs

        self.client = client
        self.graphs = tuple(graphs) if graphs is not None else tuple(manifest_graphs(client))
        # Graphs given but none yet (an empty store to fill): read a graph that never has
        # triples, not the server's default graph.
        self._none = graphs is not None

    def __repr__(self) -> str:
        return f"SparqlStore({self.client.query_url!r}, {len(self.graphs)} graph(s))"

    # ------------------------------------------------------------------ reading
    def _dataset(self) -> tuple[str, ...]:
        if not self.graphs and self._none:
            return (_NO_GRAPH,)
        return self.graphs

    def _select(self, sparql: str, timeout: float | None = None) -> tuple[tuple[str, ...], list]:  # type: ignore[type-arg]
        from ..namespaces import PREFIXES
        from ..remote.results import solutions

        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        document = self.client.results(
            prologue + sparql, default_graphs=self._dataset(), timeout=timeout
        )
        if "boolean" in document:
            return ("boolean",), [(Literal(bool(document["boolean"])),)]
        return solutions(document, self.client.query_url)

    def triples(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
    ) -> Iterator[Triple]:
        pattern: list[tuple[str, Node | None]] = [
            ("s", subject),
            ("p", predicate),
            ("o", object),
        ]
        parts, local = [], []
        for name, value in pattern:
            if value is None:
                parts.append("?" + name)
                continue
            try:
                parts.append(term_text(value))
            except ValueError:  # a blank node the server cannot name: filter here
                parts.append("?" + name)
                local.append((name, value))
        variables = [f"?{n}" for n, v in pattern if v is None or (n, v) in local]
        if not variables:
            query = f"ASK {{ {' '.join(parts)} }}"
            _, rows = self._select(query)
            if rows and rows[0][0] == Literal(True):
                yield (subject, predicate, object)  # type: ignore[misc]
            return
        query = f"SELECT DISTINCT {' '.join(variables)} WHERE {{ {' '.join(parts)} }}"
        columns, rows = self._select(query)
        for row in rows:
            found = dict(zip(columns, row))
            if any(found.get(n) != v for n, v in local):
                continue
            yield (
                subject if subject is not None else found["s"],
                predicate if predicate is not None else found["p"],
                object if object is not None else found["o"],
            )  # type: ignore[misc]

    #: Subjects per request of :meth:`outgoing` (a query of a few tens of kilobytes).
    OUTGOING_BATCH = 200

    def outgoing(
        self, subjects: Iterable[Node], predicates: Collection[Node] | None = None
    ) -> Iterator[Triple]:
        named: dict[str, None] = {}  # each subject once, in order
        blank: list[Node] = []
        for subject in subjects:
            try:
                named[term_text(subject)] = None
            except ValueError:  # a blank node the server cannot name
                blank.append(subject)
        wanted = None if predicates is None else set(predicates)
        restrict = ""
        if wanted is not None:
            restrict = "VALUES ?p { " + " ".join(sorted(term_text(p) for p in wanted)) + " } "
        texts = list(named)
        for start in range(0, len(texts), self.OUTGOING_BATCH):
            batch = " ".join(texts[start : start + self.OUTGOING_BATCH])
            columns, rows = self._select(
                f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {batch} }} {restrict}?s ?p ?o }}"
            )
            at = [columns.index(name) for name in ("s", "p", "o")]
            for row in rows:
                yield (row[at[0]], row[at[1]], row[at[2]])  # type: ignore[misc]
        for subject in blank:
            for triple in self.triples(subject):
                if wanted is None or triple[1] in wanted:
                    yield triple

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
        graph: Node | None | AnyGraph = ANY,
    ) -> Iterator[Quad]:
        if graph is not ANY and graph is not None:
            return iter(())  # everything is in the default graph
        return ((s, p, o, None) for s, p, o in self.triples(subject, predicate, object))

    def graph_names(self) -> list[Node]:
        return []

    def __len__(self) -> int:
        _, rows = self._select(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        )
        try:
            return int(str(rows[0][0]))
        except (IndexError, ValueError, TypeError) as exc:
            raise EndpointError(self.client.query_url, "a COUNT query gave no number") from exc

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        from ..query import QueryResult, parse_query

        if _MAY_UPDATE.search(_TOKENS.sub(_blank_skipped, sparql)):
            # Refused here, not by the server: Virtuoso runs updates sent as queries.
            parse_query(sparql, allow_service=True)
        try:
            form, text = with_values(sparql, dict(bindings or {}))
        except ValueError as exc:
            raise QueryError(f"cannot bind a value: {exc}") from exc
        try:
            if form in ("construct", "describe"):
                return QueryResult("graph", ("subject", "predicate", "object"), self._graph(text))
            columns, rows = self._select(text, timeout)
        except EndpointTimeoutError as exc:
            raise QueryTimeoutError(timeout or self.client.timeout, str(exc)) from exc
        except EndpointError as exc:
            if exc.status in (400, 500):  # the server could not run this query
                raise QueryError(str(exc)) from exc
            raise
        if form == "ask":
            return QueryResult("ask", (), (), bool(rows[0][0]) if rows else False)
        return QueryResult("select", columns, tuple(rows))

    def _graph(self, sparql: str) -> tuple[tuple[Node, Node, Node], ...]:
        import pyoxigraph as ox

        from ..namespaces import PREFIXES
        from .oxigraph import to_rdflib

        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        answer = self.client.query(
            prologue + sparql, default_graphs=self._dataset(), accept=_GRAPH_FORMATS
        )
        kind = answer.content_type.split(";")[0].strip().lower()
        fmt = ox.RdfFormat.TURTLE if kind == "text/turtle" else ox.RdfFormat.N_TRIPLES
        try:
            parsed = ox.parse(answer.body, fmt)
            return tuple(
                (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in parsed
            )
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(
                self.client.query_url, f"the answer is not {kind or 'RDF'}: {exc}", answer.status
            ) from exc

    def dump(self, graph: Node | None = None) -> bytes:
        from ..serialize import ntriples_lines

        if graph is not None:
            return b""
        return ntriples_lines(self.triples()).encode("utf-8")

    # ------------------------------------------------------------------ writing
    def add_file(self, path: Path, format: str, base: str) -> None:
        """Upload one file as its own graph (as ``push`` does, without retiring others)."""
        from ..remote.push import add_file

        graph = add_file(self.client, path, base)
        if graph not in self.graphs:
            self.graphs = (*self.graphs, graph)

    def add_quads(self, quads: Iterable[Quad]) -> None:
        from ..remote.push import add_ntriples
        from ..serialize import ntriples_lines

        triples = [(s, p, o) for s, p, o, _ in quads]
        if not triples:
            return
        graph = add_ntriples(self.client, ntriples_lines(triples).encode("utf-8"), "quads")
        if graph not in self.graphs:
            self.graphs = (*self.graphs, graph)

    def close(self) -> None:
        pass
