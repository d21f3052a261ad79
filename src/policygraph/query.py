"""Read-only SPARQL with the project's prefixes pre-bound and values bound safely.

Updates are refused, and so is anything that would reach the network (``SERVICE``, ``FROM``
clauses that rdflib would fetch) unless the caller allows it. Bound values go in as RDF terms
through rdflib's ``initBindings``, never by editing the query text.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node, Variable

from .errors import QueryError, QueryRefusedError
from .namespaces import PREFIXES

__all__ = ["QueryResult", "check_query", "run_query", "to_term"]

MAX_NESTING = 64


@dataclass(frozen=True)
class QueryResult:
    """The result of a query: ``kind`` is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE, whose
    rows are subject, predicate, object)."""

    kind: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    boolean: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": self.boolean}, ensure_ascii=False)
        bindings = []
        for row in self.rows:
            binding = {}
            for name, term in zip(self.columns, row):
                if term is not None:
                    binding[name] = _json_term(term)
            bindings.append(binding)
        document = {"head": {"vars": list(self.columns)}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False, indent=2)

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if self.kind == "ask":
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
            return out.getvalue()
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(["" if t is None else str(t) for t in row])
        return out.getvalue()

    def to_text(self) -> str:
        from .namespaces import shorten

        if self.kind == "ask":
            return "true" if self.boolean else "false"
        cells = [[("" if t is None else _text_term(t, shorten)) for t in row] for row in self.rows]
        widths = [len(c) for c in self.columns]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
        lines.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _text_term(term: Node, shorten: Any) -> str:
    if isinstance(term, URIRef):
        return str(shorten(str(term)))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.language:
        return f"{term}@{term.language}"
    return str(term)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_term(value: Any) -> Node:
    """A Python value as an RDF term: rdflib terms pass through; strings become plain literals
    (pass ``rdflib.URIRef`` for an IRI); numbers, booleans and dates typed literals."""
    if isinstance(value, URIRef):
        from .syntaxcheck import is_absolute_iri

        if not is_absolute_iri(str(value)):
            raise QueryError(f"cannot bind {str(value)[:80]!r}: not an absolute IRI")
        return value
    if isinstance(value, (BNode, Literal)):
        return value
    if isinstance(value, (str, bool, int, float, decimal.Decimal, datetime.date)):
        return Literal(value)
    raise QueryError(f"cannot bind a value of type {type(value).__name__}")


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _nesting(query: str) -> int:
    depth = deepest = 0
    for ch in query:
        if ch in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})":
            depth -= 1
    return deepest


def _walk(node: Any, seen: set[int]) -> Any:
    """Every algebra node below ``node``."""
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, Mapping):
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)):
            stack.extend(current)


def parse_query(sparql: str, *, allow_service: bool = False) -> Any:
    """Parse and check ``sparql``; returns rdflib's prepared query."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parser import parseUpdate

    if _nesting(sparql) > MAX_NESTING:
        raise QueryError(f"query nests more than {MAX_NESTING} levels deep")
    text = _prologue() + sparql
    try:
        prepared = prepareQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except Exception:
            pass
        else:
            raise QueryRefusedError(
                "SPARQL Update is not allowed: the query path is read-only"
            ) from exc
        line = exc.lineno - len(PREFIXES)
        raise QueryError(
            f"SPARQL syntax error at line {line}, column {exc.col}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise QueryError("query nests too deeply") from exc
    except Exception as exc:
        raise QueryError(f"invalid query: {exc}") from exc
    for node in _walk(prepared.algebra, set()):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern" and not allow_service:
            raise QueryRefusedError(
                "SERVICE calls reach other endpoints and are refused; pass allow_service=True "
                "to allow them"
            )
    if getattr(prepared.algebra, "datasetClause", None) and not allow_service:
        raise QueryRefusedError(
            "FROM / FROM NAMED would load graphs from the network and are refused; pass "
            "allow_service=True to allow them"
        )
    return prepared


_MAYBE_SERVICE = re.compile(r"\b(?:SERVICE|FROM)\b", re.IGNORECASE)


def check_query(sparql: str, *, allow_service: bool = False) -> None:
    """Refuse, before any store runs it, a query that nests too deeply or (unless allowed)
    reaches the network through SERVICE or FROM. Cheap: the text is parsed only when it
    mentions SERVICE or FROM, or has escapes (``\u0053ERVICE`` is SERVICE to a parser)."""
    if _nesting(sparql) > MAX_NESTING:
        raise QueryError(f"query nests more than {MAX_NESTING} levels deep")
    if _MAYBE_SERVICE.search(sparql) or "\\u" in sparql or "\\U" in sparql:
        parse_query(sparql, allow_service=allow_service)


def run_query(
    graph: Graph,
    sparql: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    allow_service: bool = False,
) -> QueryResult:
    prepared = parse_query(sparql, allow_service=allow_service)
    init: dict[str, Any] = {Variable(k): to_term(v) for k, v in (bindings or {}).items()}
    try:
        result = graph.query(prepared, initBindings=init)
        kind = result.type
        if kind == "ASK":
            return QueryResult("ask", (), (), bool(result.askAnswer))
        if kind == "SELECT":
            columns = tuple(str(v) for v in (result.vars or []))
            rows = tuple(tuple(row) for row in result)  # type: ignore[arg-type]
            return QueryResult("select", columns, rows)
        rows = tuple(tuple(t) for t in result)  # type: ignore[arg-type]
        return QueryResult("graph", ("subject", "predicate", "object"), rows)
    except QueryError:
        raise
    except RecursionError as exc:
        raise QueryError("query nests too deeply to evaluate") from exc
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from exc
