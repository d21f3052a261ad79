"""The embedded engine: a ``pyoxigraph.Store`` in memory (the default store).

Files in Turtle, TriG, N-Triples and N-Quads are parsed in Rust straight into the store, SPARQL
runs in Oxigraph, and terms cross into Python as rdflib terms only when asked for (through a
cache, since the same IRIs come back again and again).

Oxigraph stores some literals in a canonical form ("01"^^xsd:integer comes back as "1"); this
class does not hide that. ``exact.ExactStore`` wraps it and is what ``store="oxigraph"`` gives.
"""

from __future__ import annotations

import contextlib
import re
import weakref
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from .base import ANY, AnyGraph, Quad, Triple

if TYPE_CHECKING:
    from rdflib.term import Node

    from ..query import QueryResult
    from .killable import StandingWorker

__all__ = ["OXIGRAPH_FORMATS", "OxigraphStore", "to_oxigraph", "to_rdflib"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# loading.FORMATS names -> pyoxigraph.RdfFormat attribute names.
OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG"}

# ----------------------------------------------------------------------------- terms

_CONVERTERS: dict[type, Any] = {}


def _converters() -> dict[type, Any]:
    """Oxigraph term type -> function making the rdflib term (imports done once)."""
    if not _CONVERTERS:
        import pyoxigraph as ox
        from rdflib import BNode, Literal, URIRef

        def literal(term: Any) -> Node:
            if term.language:
                return _string_literal(Literal, term.value, term.language)
            dt = term.datatype.value
            if dt == XSD_STRING:
                return _string_literal(Literal, term.value, None)
            if len(term.value) > 4000:  # rdflib makes an int of an integer's digits
                from ..loading import unlimited_integers

                with unlimited_integers():
                    return Literal(term.value, datatype=URIRef(dt), normalize=False)
            return Literal(term.value, datatype=URIRef(dt), normalize=False)

        # Oxigraph has already checked these IRIs and labels: rdflib's checks are skipped by
        # making the str subclass directly (URIRef and BNode hold nothing but the text).
        make = str.__new__
        _CONVERTERS[ox.NamedNode] = lambda t: make(URIRef, t.value)
        _CONVERTERS[ox.BlankNode] = lambda t: make(BNode, t.value)
        _CONVERTERS[ox.Literal] = literal
    return _CONVERTERS


def _string_literal(cls: Any, value: str, language: str | None) -> Node:
    """A plain or language-tagged rdflib Literal, made the way ``Literal.__new__`` makes one
    but without its checks (Oxigraph has checked the tag) and several times faster: such a
    literal's value is its text, and it is never ill-typed."""
    literal = str.__new__(cls, value)
    literal._language = language
    literal._datatype = None
    literal._value = value
    literal._ill_typed = None
    return literal  # type: ignore[no-any-return]


def to_rdflib(term: Any) -> Node:
    """An Oxigraph term as the rdflib term the reference parser would have made."""
    convert = (_CONVERTERS or _converters()).get(type(term))
    if convert is None:
        raise TypeError(f"cannot convert {term!r}")
    result: Node = convert(term)
    return result


@cache
def _ox() -> Any:
    import pyoxigraph

    return pyoxigraph


@cache
def _rdflib_terms() -> tuple[Any, ...]:
    from rdflib import URIRef

    return (URIRef,)


_BNODE_OK = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _bnode_id(label: str) -> str:
    """A label Oxigraph accepts, the same one for the same rdflib label."""
    if _BNODE_OK.fullmatch(label) and not label.endswith("."):
        return label
    import hashlib

    return "h" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:32]


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as an Oxigraph term; ValueError for one Oxigraph cannot hold."""
    ox = _ox()
    if type(term) is _rdflib_terms()[0]:  # the common case, first and without imports
        return ox.NamedNode(term)
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")


class _Terms:
    """A conversion cache Oxigraph term -> rdflib term for the terms that recur (IRIs, blank
    nodes, typed literals), emptied when it grows too big; texts are made afresh each time
    (they rarely recur, and making them is cheap)."""

    LIMIT = 1 << 22

    def __init__(self) -> None:
        import pyoxigraph as ox

        self.cache: dict[Any, Node] = {}
        self._literal = ox.Literal
        self._string = ox.NamedNode(XSD_STRING)

    def __call__(self, term: Any) -> Node:
        found = self.cache.get(term)
        if found is None:
            found = to_rdflib(term)
            if type(term) is self._literal and (term.language or term.datatype == self._string):
                return found
            if len(self.cache) > self.LIMIT:
                self.cache.clear()
            self.cache[term] = found
        return found


# ----------------------------------------------------------------------------- the store


class OxigraphStore:
    """A :class:`~policygraph.stores.base.Store` over a ``pyoxigraph.Store`` in memory."""

    name = "oxigraph"

    def __init__(self) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.store = ox.Store()
        self._term = _Terms()
        self._named: bool | None = False  # any named graph? None: not known
        self._predicates: dict[tuple[str, ...], dict[Any, Node]] = {}
        # The standing child that runs limited queries (oxquery.standing_worker), made at the
        # first one and stopped at every change of the data: it answers from a copy made
        # when it was forked.
        self._worker: StandingWorker | None = None

    # ------------------------------------------------------------------ writing
    def _format(self, format: str) -> Any:
        name = OXIGRAPH_FORMATS.get(format)
        if name is None:
            return None
        return getattr(self._ox.RdfFormat, name)

    def add_file(self, path: Path, format: str, base: str) -> None:
        """Parse with Oxigraph where it reads the format; other formats are parsed by the
        reference reader and their quads added."""
        rdf_format = self._format(format)
        if rdf_format is None:
            from .memory import MemoryStore

            staging = MemoryStore()
            staging.add_file(path, format, base)
            self.add_quads(staging.quads())
            return
        from ..loading import check_readable

        check_readable(path)
        try:
            self.store.load(path=str(path), format=rdf_format, base_iri=base)
        except Exception as exc:  # loads are transactional: nothing was added
            raise _parse_error(path, format, base, exc) from None
        self._changed()

    def add_bytes(self, data: bytes, path: Path, format: str, base: str) -> None:
        """Like :meth:`add_file` for a file's bytes already read."""
        try:
            self.store.load(data, self._format(format), base_iri=base)
        except Exception as exc:
            raise _parse_error(path, format, base, exc) from None
        self._changed()

    def add_quads(self, quads: Iterable[Quad]) -> None:
        ox = self._ox
        default = ox.DefaultGraph()
        batch = []
        try:
            for s, p, o, g in quads:
                graph = default if g is None else to_oxigraph(g)
                batch.append(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph))
        except (ValueError, TypeError) as exc:
            raise StoreError(f"Oxigraph cannot hold a term of this graph ({exc})") from exc
        self.store.extend(batch)
        self._changed()

    # ------------------------------------------------------------------ reading
    def _pattern(self, *terms: Node | None) -> list[Any]:
        try:
            return [None if t is None else to_oxigraph(t) for t in terms]
        except (ValueError, TypeError):
            return []  # a term Oxigraph cannot hold matches nothing here

    def _has_named(self) -> bool:
        if self._named is None:
            self._named = any(True for _ in self.store.named_graphs())
        return self._named

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
        graph: Node | None | AnyGraph = ANY,
    ) -> Iterator[Quad]:
        pattern = self._pattern(subject, predicate, object)
        if not pattern:
            return iter(())
        if graph is ANY:
            name = None
        elif graph is None:
            name = self._ox.DefaultGraph()
        else:
            found = self._pattern(graph)
            if not found:
                return iter(())
            name = found[0]
        s, p, o = pattern
        return self._quads(self.store.quads_for_pattern(s, p, o, name))

    def _quads(self, found: Iterable[Any]) -> Iterator[Quad]:
        term = self._term
        default = self._ox.DefaultGraph
        for q in found:
            g = q.graph_name
            yield (
                term(q.subject),
                term(q.predicate),
                term(q.object),
                None if isinstance(g, default) else term(g),
            )

    def triples(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
    ) -> Iterator[Triple]:
        pattern = self._pattern(subject, predicate, object)
        if not pattern:
            return iter(())
        return self._triples(pattern, (subject, predicate, object))

    def _triples(self, pattern: list[Any], given: tuple[Node | None, ...]) -> Iterator[Triple]:
        # The hot loop of traces, stats and validation copies: terms given in the pattern are
        # not converted back, the others go through the cache inline.
        cache = self._term.cache
        convert = self._term
        given_s, given_p, given_o = given
        found = self.store.quads_for_pattern(pattern[0], pattern[1], pattern[2], None)
        seen: set[Any] | None = set() if self._has_named() else None
        get = cache.get
        x: Any
        y: Any
        if seen is None and given_o is None and (given_s is None) != (given_p is None):
            # The two hot shapes, unrolled: every (s, o) of one predicate (a prefetch), and
            # every (p, o) of one subject (a point look-up).
            if given_p is not None:
                fixed_p: Node = given_p
                for q in found:
                    x, y = q.subject, q.object
                    s = get(x)
                    o = get(y)
                    yield (
                        (s if s is not None else convert(x)),
                        fixed_p,
                        (o if o is not None else convert(y)),
                    )
            elif given_s is not None:
                fixed_s: Node = given_s
                for q in found:
                    x, y = q.predicate, q.object
                    p = get(x)
                    o = get(y)
                    yield (
                        fixed_s,
                        (p if p is not None else convert(x)),
                        (o if o is not None else convert(y)),
                    )
            return
        for q in found:
            if seen is not None:
                key = (q.subject, q.predicate, q.object)
                if key in seen:
                    continue
                seen.add(key)
            if given_s is None:
                x = q.subject
                s = cache.get(x)
                if s is None:
                    s = convert(x)
            else:
                s = given_s
            if given_p is None:
                x = q.predicate
                p = cache.get(x)
                if p is None:
                    p = convert(x)
            else:
                p = given_p
            if given_o is None:
                x = q.object
                o = cache.get(x)
                if o is None:
                    o = convert(x)
            else:
                o = given_o
            yield s, p, o

    def outgoing(
        self, subjects: Iterable[Node], predicates: Collection[Node] | None = None
    ) -> Iterator[Triple]:
        # A walk's look-ups in one loop. With ``predicates``, one dict look-up on the Oxigraph
        # term both filters and converts the predicate, so what is not wanted is never
        # converted; subjects come back as given.
        wanted = None if predicates is None else self._predicate_map(predicates)
        get = self._term.cache.get
        convert = self._term
        look_up = self.store.quads_for_pattern
        named = self._has_named()
        for subject in subjects:
            try:
                term = to_oxigraph(subject)
            except (ValueError, TypeError):
                continue  # a term Oxigraph cannot hold is the subject of nothing here
            seen: set[tuple[Any, Any]] | None = set() if named else None
            for q in look_up(term, None, None, None):
                x = q.predicate
                if wanted is None:
                    p = get(x)
                    if p is None:
                        p = convert(x)
                else:
                    p = wanted.get(x)
                    if p is None:
                        continue
                y = q.object
                if seen is not None:
                    if (x, y) in seen:
                        continue
                    seen.add((x, y))
                o = get(y)
                yield (subject, p, o if o is not None else convert(y))

    def _predicate_map(self, predicates: Collection[Node]) -> dict[Any, Node]:
        """Oxigraph term -> rdflib term of ``predicates`` (a walk asks for the same few sets
        again and again, so the last few are kept)."""
        key = tuple(map(str, predicates))  # compared in C, not by rdflib's __eq__
        found = self._predicates.get(key)
        if found is None:
            found = {}
            for predicate in predicates:
                with contextlib.suppress(ValueError, TypeError):  # then no triple has it
                    found[to_oxigraph(predicate)] = predicate
            if len(self._predicates) >= 32:
                self._predicates.clear()
            self._predicates[key] = found
        return found

    def graph_names(self) -> list[Node]:
        names = [to_rdflib(g) for g in self.store.named_graphs()]
        return sorted((n for n in names if any(True for _ in self.quads(graph=n))), key=str)

    def __len__(self) -> int:
        if not self._has_named():
            return len(self.store)
        rows: Any = self.store.query(
            "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
            use_default_graph_as_union=True,
        )
        return int(next(iter(rows))[0].value)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        from .oxquery import run_oxigraph_query, standing_worker

        if self._worker is None and timeout is not None:
            self._worker = standing_worker(self.store)
            weakref.finalize(self, self._worker.stop)  # a store dropped unclosed
        return run_oxigraph_query(
            self.store, sparql, bindings, timeout=timeout, worker=self._worker
        )

    def _changed(self) -> None:
        """The data changed: a standing child would answer from the old copy."""
        self._named = None
        if self._worker is not None:
            self._worker.stop()

    def dump(self, graph: Node | None = None) -> bytes:
        ox = self._ox
        name = ox.DefaultGraph() if graph is None else to_oxigraph(graph)
        data = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
        return data or b""

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()


def _parse_error(path: Path, format: str, base: str, exc: BaseException) -> Exception:
    """The library's ParseError for a file Oxigraph would not load: the reference reader
    names the file, line and column (it checks syntax with Oxigraph's own parser)."""
    from ..errors import ParseError
    from ..loading import load_into, new_dataset

    try:
        load_into(new_dataset(), path, base=base)
    except ParseError as error:
        return error
    if isinstance(exc, SyntaxError):
        return ParseError(str(path), f"bad syntax: {exc.msg}", exc.lineno, exc.offset)
    return ParseError(str(path), " ".join(str(exc).split())[:200])
