"""SPARQL in Oxigraph: the project's prefixes, the union of all graphs as the default graph,
bound values as terms, and the same ``QueryResult`` (rdflib terms) as the reference."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import QueryError

if TYPE_CHECKING:
    from rdflib.term import Node

    from ..query import QueryResult
    from .killable import StandingWorker

__all__ = ["MAX_OXIGRAPH_OPERATORS", "run_oxigraph_query", "standing_worker", "substitute"]

# SPARQL tokens that may contain text looking like a variable (long and short strings, IRIs,
# comments), and variables.
_TOKENS = re.compile(
    r"(?P<skip>'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|\#[^\n]*)"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)"
)

# Oxigraph's query parser and planner recurse once per operator: a query with ~10,000 steps in
# one path, join, UNION, OPTIONAL chain or expression overflows the native stack and kills the
# process (measured with pyoxigraph 0.5.13: 3,000 is fine, 10,000 crashes). Such queries run in
# a child process, so that a crash is a QueryError and not the caller's end.
_OPERATORS = re.compile(
    r"&&|\|\||[/|^+*.;,!-]|\b(?:UNION|OPTIONAL|MINUS|FILTER|BIND|GRAPH)\b", re.IGNORECASE
)
MAX_OXIGRAPH_OPERATORS = 2000
_PREFIXES: dict[str, str] = {}  # the project's prefixes, filled on first use


def _operator_count(sparql: str) -> int:
    """Roughly how many operators ``sparql`` has, not counting strings, IRIs and comments."""
    bare = _TOKENS.sub(lambda m: " " if m.group("skip") else m.group(0), sparql)
    return sum(1 for _ in _OPERATORS.finditer(bare))


_OPERATOR_CHARACTERS = "/|^+*.;,!-&"
_OPERATOR_WORDS = ("UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH")


def _too_many_operators(sparql: str) -> bool:
    """True when ``sparql`` has more than MAX_OXIGRAPH_OPERATORS operators. Counting characters
    (in C) gives an upper bound first; only a text over it is tokenised."""
    if len(sparql) <= MAX_OXIGRAPH_OPERATORS:
        return False
    upper = sparql.upper()
    rough = sum(map(sparql.count, _OPERATOR_CHARACTERS)) + sum(map(upper.count, _OPERATOR_WORDS))
    return rough > MAX_OXIGRAPH_OPERATORS and _operator_count(sparql) > MAX_OXIGRAPH_OPERATORS


def substitute(sparql: str, values: Mapping[str, str]) -> str:
    """``sparql`` with each variable named in ``values`` replaced by its term (N-Triples
    syntax), outside strings, IRIs and comments."""

    def repl(m: re.Match[str]) -> str:
        var = m.group("var")
        if var is not None and var[1:] in values:
            return values[var[1:]]
        return m.group(0)

    return _TOKENS.sub(repl, sparql)


def run_oxigraph_query(
    store: Any,
    sparql: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    timeout: float | None = None,
    worker: StandingWorker | None = None,
) -> QueryResult:
    """Run a read-only query in the ``pyoxigraph.Store`` ``store``; see ``base.Store.query``.
    A query with a time limit (or one that might overflow the engine's stack) runs in a child
    process: ``worker``'s standing child (made by ``standing_worker(store)``), else one
    forked for this query."""
    if timeout is not None or _too_many_operators(sparql):
        if worker is not None and worker.available():
            result: QueryResult = worker.call((sparql, bindings), timeout)
            return result
        from .killable import run_in_child

        return run_in_child(_evaluate, (store, sparql, bindings), {}, timeout)
    return _evaluate(store, sparql, bindings)


def standing_worker(store: Any) -> StandingWorker:
    """A standing child for the limited queries of the ``pyoxigraph.Store`` ``store`` (see
    ``killable.StandingWorker``); the caller stops it whenever ``store`` changes."""
    from functools import partial

    from .killable import StandingWorker

    return StandingWorker(partial(_evaluate, store))


def _evaluate(store: Any, sparql: str, bindings: Mapping[str, Node] | None) -> QueryResult:
    import pyoxigraph as ox

    from ..namespaces import PREFIXES
    from ..query import QueryResult, parse_query
    from .oxigraph import to_oxigraph, to_rdflib

    try:
        subs = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
    except (ValueError, TypeError) as exc:
        raise QueryError(f"cannot bind a value Oxigraph cannot hold ({exc})") from exc
    prefixes = _PREFIXES or _PREFIXES.update(PREFIXES) or _PREFIXES
    try:
        try:
            result = store.query(
                sparql,
                prefixes=prefixes,
                use_default_graph_as_union=True,
                substitutions=subs or None,
            )
        except RuntimeError as exc:
            if not subs or "does not contain" not in str(exc):
                raise
            # A bound variable that is not projected: put its value in its place (as an
            # N-Triples term, never as query text from the caller).
            if any(isinstance(v, ox.BlankNode) for v in subs.values()):
                raise QueryError(
                    "a blank node can only be bound to a variable the query returns"
                ) from exc
            text = substitute(sparql, {k.value: str(v) for k, v in subs.items()})
            subs = {}
            result = store.query(text, prefixes=prefixes, use_default_graph_as_union=True)
    except SyntaxError as exc:
        parse_query(sparql, allow_service=True)  # raises the reference's error, if it has one
        raise QueryError(f"Oxigraph cannot parse this query: {exc.msg or exc}") from None
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from exc
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", (), (), bool(result))
    cache: dict[Any, Node] = {}

    def term(t: Any) -> Node | None:
        if t is None:
            return None
        found = cache.get(t)
        if found is None:
            found = cache[t] = to_rdflib(t)
        return found

    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = tuple(tuple(term(row[i]) for i in range(len(names))) for row in result)
        if subs:  # the reference reports bound variables in every row
            bound = {k.value: to_rdflib(v) for k, v in subs.items()}
            rows = tuple(
                tuple(bound.get(n, t) if t is None else t for n, t in zip(names, row))
                for row in rows
            )
        return QueryResult("select", tuple(names), rows)
    triples = tuple((term(t.subject), term(t.predicate), term(t.object)) for t in result)
    return QueryResult("graph", ("subject", "predicate", "object"), triples)
