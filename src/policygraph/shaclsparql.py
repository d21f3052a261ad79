"""SHACL shapes compiled to SPARQL that finds the focus nodes that *may* violate them.

pySHACL is the judge (``validation.py``). What makes it slow on a big graph is evaluating every
constraint for every focus node in Python (and a SPARQL constraint once per focus node). Here
the shapes are translated into SPARQL that the store runs over the whole graph at once (in
Oxigraph, or on the server for a remote store), each query returning the focus nodes that may
violate one constraint. The translation is conservative: where it cannot be sure (an
ill-formed literal, an unfamiliar datatype, a constraint it does not translate such as
``sh:or`` or ``sh:node``), it names every target of the shape. pySHACL then validates only
those candidates (``focus_nodes=``) on the whole graph, so the report is pySHACL's own, result
for result. Shapes it cannot bound at all (custom constraint components) raise
:class:`Unsupported`, and ``validation`` runs pySHACL on everything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .namespaces import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from .query import QueryResult
    from .stores.base import Store

__all__ = ["Unsupported", "candidate_focus_nodes", "candidates_among", "compiled_checks"]

SH = PREFIXES["sh"]
RDF = PREFIXES["rdf"]
XSD = PREFIXES["xsd"]
_TYPE_PATH = f"<{RDF}type>/<{PREFIXES['rdfs']}subClassOf>*"

# Predicates of a shape that are not constraints (or are handled separately).
_NOT_CONSTRAINTS = {
    SH + n
    for n in [
        *("name", "description", "message", "severity", "order", "group", "deactivated"),
        *("path", "property", "sparql", "target", "targetClass", "targetNode"),
        *("targetSubjectsOf", "targetObjectsOf", "defaultValue", "ignoredProperties"),
        *("prefixes", "declare", "flags"),
    ]
}
# Lexical forms pySHACL (rdflib) surely accepts, per datatype; other literals of the
# datatype are candidates.
_WELL_FORMED = {
    XSD + "integer": ("^-?[0-9]+$", None),
    XSD + "decimal": ("^-?[0-9]+([.][0-9]+)?$", None),
    XSD + "boolean": ("^(true|false)$", None),
    XSD + "date": ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "date"),
    XSD + "gYear": ("^[0-9]{4}$", None),
    XSD + "gYearMonth": ("^[0-9]{4}-(0[1-9]|1[0-2])$", None),
}
_COMPARISONS = {
    "minInclusive": ">=",
    "maxInclusive": "<=",
    "minExclusive": ">",
    "maxExclusive": "<",
}
_NODE_KINDS = {
    SH + "IRI": "!isIRI(?v)",
    SH + "BlankNode": "!isBlank(?v)",
    SH + "Literal": "!isLiteral(?v)",
    SH + "BlankNodeOrIRI": "isLiteral(?v)",
    SH + "BlankNodeOrLiteral": "isIRI(?v)",
    SH + "IRIOrLiteral": "isBlank(?v)",
}


def _same(term: Node) -> str:
    """?v is ``term``. For an IRI ``=`` means the same as sameTerm (and Virtuoso 7 gets
    ``!(sameTerm(..) || sameTerm(..))`` wrong, but not ``=``)."""
    from rdflib import URIRef

    if isinstance(term, URIRef):
        return f"?v = {_term(term)}"
    return f"sameTerm(?v, {_term(term)})"


class Unsupported(Exception):
    """The shapes use something this translation cannot bound: use the reference."""


@dataclass(frozen=True)
class SparqlCheck:
    """A SPARQL-based constraint: its prefixes, its query (``$this`` as ``?this``) and the
    pattern binding ``?this`` to the shape's targets."""

    prologue: str
    select: str
    targets: str

    def whole_graph(self) -> str:
        return self.prologue + (
            f"SELECT DISTINCT ?this WHERE {{ {self.targets} {{ {self.select} }} }}"
        )


@dataclass(frozen=True)
class NestedCheck:
    """A constraint evaluating nested shapes on the value nodes of property shape ``shape``."""

    shape: Any
    query: str


_NESTED = {"or", "and", "not", "xone", "node", "qualifiedValueShape"}
NESTED_COMPONENTS = {
    SH + n + "ConstraintComponent"
    for n in ("Or", "And", "Not", "Xone", "Node", "QualifiedMinCount", "QualifiedMaxCount")
}
_WRAPPER = "urn:x-policygraph:fastshacl:wrapper:"

_TARGETS_HEAD = "{ SELECT DISTINCT ?this WHERE { "


_NOT_EXISTS = re.compile(r"FILTER\s*NOT\s+EXISTS\s*\{", re.IGNORECASE)
_COMPLEX = re.compile(r"\b(?:EXISTS|MINUS|OPTIONAL|UNION|SERVICE|GRAPH|SELECT|VALUES|BIND)\b", re.I)


def _minus_for_not_exists(select: str) -> str:
    """``FILTER NOT EXISTS { P }`` as ``MINUS { P }`` where P is triple patterns and filters
    only: Oxigraph evaluates MINUS far faster, and it removes no solution NOT EXISTS keeps
    (filters in P see fewer bindings; disjoint variables remove nothing), so the candidates
    stay a superset of the violations. Anything more complex is left alone."""
    out, at = [], 0
    for match in _NOT_EXISTS.finditer(select):
        if match.start() < at:
            continue
        depth, end = 1, match.end()
        while end < len(select) and depth:
            depth += {"{": 1, "}": -1}.get(select[end], 0)
            end += 1
        inner = select[match.end() : end - 1]
        if depth or "{" in inner or _COMPLEX.search(inner) or '"' in inner or "'" in inner:
            continue
        out += [select[at : match.start()], "MINUS {", inner, "}"]
        at = end
    outer = "".join(out) + select[at:]
    # The rewrite is only sound at the top level of a plain group (no OPTIONAL, UNION, ...).
    stripped = re.sub(r"MINUS \{[^{}]*\}", "", outer)
    body = stripped[stripped.find("{") + 1 :] if "{" in stripped else stripped
    if out and (_COMPLEX.search(body) or body.count("{") != 0):
        return select
    return outer


def _restricted(query: str, wanted: list[str]) -> str:
    """``query`` with its targets limited to ``wanted``."""
    values = "VALUES ?this { " + " ".join(f"<{w}>" for w in wanted) + " }"
    return query.replace(_TARGETS_HEAD, "{ " + values + " { ", 1)


def _term(node: Node) -> str:
    """An rdflib term in SPARQL (N-Triples) syntax."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return "<" + str(node) + ">"
    if isinstance(node, Literal):
        text = '"' + _escape(str(node)) + '"'
        if node.language:
            return text + "@" + node.language
        if node.datatype is not None:
            return text + "^^<" + str(node.datatype) + ">"
        return text
    if isinstance(node, BNode):
        raise Unsupported("blank node in a constraint value")
    raise Unsupported(f"cannot write {node!r}")


def _escape(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


class _Translator:
    """Shapes graph -> (shape, SPARQL query returning candidate ?this) pairs."""

    def __init__(self, shapes: Graph) -> None:
        from rdflib import URIRef

        self.g = shapes
        self.U = URIRef
        if any(shapes.subjects(URIRef(RDF + "type"), URIRef(SH + "ConstraintComponent"))):
            raise Unsupported("custom constraint components")

    def sh(self, name: str) -> Any:
        return self.U(SH + name)

    def values(self, node: Node, name: str) -> list[Node]:
        return list(self.g.objects(node, self.sh(name)))

    def value(self, node: Node, name: str) -> Node | None:
        found: Node | None = self.g.value(node, self.sh(name))
        return found

    def deactivated(self, shape: Node) -> bool:
        value = self.value(shape, "deactivated")
        return value is not None and str(value).lower() == "true"

    def shapes_with_targets(self) -> list[Node]:
        from rdflib import URIRef

        rdf_type = URIRef(RDF + "type")
        found: set[Node] = set()
        for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"):
            found |= set(self.g.subjects(self.sh(name), None))
        classes = {URIRef(PREFIXES["rdfs"] + "Class"), URIRef(PREFIXES["owl"] + "Class")}
        shape_types = {self.sh("NodeShape"), self.sh("PropertyShape")}
        for s in set(self.g.subjects(rdf_type, None)):
            types = set(self.g.objects(s, rdf_type))
            if types & classes and types & shape_types:
                found.add(s)
        return sorted(found, key=str)

    def targets(self, shape: Node) -> str:
        """A SPARQL group pattern binding ?this to every target of ``shape``."""
        from rdflib import URIRef

        parts = []
        if self.values(shape, "target"):
            raise Unsupported("SPARQL-based targets")
        for c in self.values(shape, "targetClass"):
            parts.append(f"{{ ?this {_TYPE_PATH} {_term(c)} . }}")
        rdf_type = URIRef(RDF + "type")
        if set(self.g.objects(shape, rdf_type)) & {
            URIRef(PREFIXES["rdfs"] + "Class"),
            URIRef(PREFIXES["owl"] + "Class"),
        }:
            parts.append(f"{{ ?this {_TYPE_PATH} {_term(shape)} . }}")
        nodes = self.values(shape, "targetNode")
        if nodes:
            parts.append("{ VALUES ?this { " + " ".join(_term(n) for n in nodes) + " } }")
        for p in self.values(shape, "targetSubjectsOf"):
            parts.append(f"{{ ?this {_term(p)} ?_t . }}")
        for p in self.values(shape, "targetObjectsOf"):
            parts.append(f"{{ ?_t {_term(p)} ?this . }}")
        if not parts:
            raise Unsupported("a shape without targets")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def path(self, shape: Node) -> str | None:
        """A SPARQL path for sh:path, or None when the shape has no path."""
        from rdflib import URIRef

        path = self.value(shape, "path")
        if path is None:
            return None
        if isinstance(path, URIRef):
            return _term(path)
        inverse = self.value(path, "inversePath")
        if isinstance(inverse, URIRef):
            return "^" + _term(inverse)
        raise Unsupported("complex property paths")

    # -------------------------------------------------------------- constraints
    def queries(self, root: Node) -> Iterable[str | SparqlCheck | NestedCheck]:
        """Queries returning candidate ?this for the root shape ``root`` and the property
        shapes under it."""
        if self.deactivated(root):
            return
        targets = self.targets(root)
        own_path = self.path(root)
        yield from self._shape_queries(root, targets, own_path)
        if own_path is None:
            for prop in self.values(root, "property"):
                if self.deactivated(prop):
                    continue
                path = self.path(prop)
                if path is None:
                    raise Unsupported("sh:property without sh:path")
                yield from self._shape_queries(prop, targets, path)

    def _shape_queries(
        self, shape: Node, targets: str, path: str | None
    ) -> Iterable[str | SparqlCheck | NestedCheck]:
        value = f"?this {path} ?v ." if path else "BIND(?this AS ?v)"
        handled = set()
        for name in sorted({str(p) for p in self.g.predicates(shape, None)}):
            if not name.startswith(SH) or name in _NOT_CONSTRAINTS:
                continue
            local = name[len(SH) :]
            if local in handled:
                continue
            handled.add(local)
            yield from self._constraint(shape, local, targets, path, value)
        for constraint in self.values(shape, "sparql"):
            yield self._sparql(constraint, targets, path)

    def _each_value(self, targets: str, value: str, condition: str) -> str:
        return (
            f"SELECT DISTINCT ?this WHERE {{ {targets} {value} "
            f"FILTER(COALESCE({condition}, true)) }}"
        )

    def _constraint(
        self, shape: Node, local: str, targets: str, path: str | None, value: str
    ) -> Iterable[str | NestedCheck]:
        try:
            queries = list(self._constraint_queries(shape, local, targets, path, value))
        except Unsupported:
            # sh:node with property shapes, sh:not, sh:xone, sh:closed, ...: every target is
            # a candidate and pySHACL decides.
            queries = [f"SELECT ?this WHERE {{ {targets} }}"]
        if local in _NESTED:
            # pySHACL's focus_nodes mode skips the nested shapes these evaluate on value
            # nodes, so their candidates are judged by a full run of just this shape.
            if path is None:
                raise Unsupported(f"sh:{local} on a node shape")
            yield from (NestedCheck(shape, q) for q in queries)
        else:
            yield from queries

    def _constraint_queries(
        self, shape: Node, local: str, targets: str, path: str | None, value: str
    ) -> Iterable[str]:
        objects = self.values(shape, local)
        if local in ("minCount", "maxCount"):
            if path is None:
                raise Unsupported(f"sh:{local} on a node shape")
            for n in objects:
                op = "<" if local == "minCount" else ">"
                yield (
                    f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {int(str(n))})"
                )
        elif local == "uniqueLang":
            if path is None:
                raise Unsupported("sh:uniqueLang on a node shape")
            if any(str(o).lower() == "true" for o in objects):
                yield (
                    f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?a, ?b . "
                    "FILTER(!sameTerm(?a, ?b) && LANG(?a) != '' "
                    "&& LCASE(LANG(?a)) = LCASE(LANG(?b))) }"
                )
        elif local == "hasValue" and path is not None:
            for v in objects:
                yield (
                    f"SELECT ?this WHERE {{ {targets} "
                    f"FILTER NOT EXISTS {{ ?this {path} {_term(v)} }} }}"
                )
        elif local in ("lessThan", "lessThanOrEquals", "equals", "disjoint"):
            for other in objects:
                yield self._pair(local, targets, value, _term(other))
        elif local == "qualifiedValueShape":
            disjoint = self.value(shape, "qualifiedValueShapesDisjoint")
            if path is None or self.values(shape, "qualifiedMaxCount"):
                raise Unsupported("qualified maximum counts")
            if disjoint is not None and str(disjoint).lower() == "true":
                raise Unsupported("disjoint qualified value shapes")
            for q in objects:
                sure = f"!COALESCE({self._nested(q)}, true)"
                for n in self.values(shape, "qualifiedMinCount"):
                    yield (
                        f"SELECT ?this WHERE {{ {targets} "
                        f"OPTIONAL {{ ?this {path} ?v FILTER({sure}) }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(str(n))})"
                    )
        elif local in ("qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint"):
            return
        else:
            for condition in self._value_conditions(shape, local):
                yield self._each_value(targets, value, condition)

    def _value_conditions(self, shape: Node, local: str) -> list[str]:
        """Conditions on one value ?v, true when it may violate ``local`` of ``shape``."""
        objects = self.values(shape, local)
        if local == "datatype":
            return [self._datatype(str(d)) for d in objects]
        if local == "class":
            return [f"!EXISTS {{ ?v {_TYPE_PATH} {_term(c)} }}" for c in objects]
        if local == "nodeKind":
            if any(str(k) not in _NODE_KINDS for k in objects):
                raise Unsupported("unknown node kind")
            return [_NODE_KINDS[str(k)] for k in objects]
        if local == "pattern":
            flags = self.value(shape, "flags")
            flag_text = f', "{_escape(str(flags))}"' if flags is not None else ""
            return [
                f'isBlank(?v) || !REGEX(STR(?v), "{_escape(str(p))}"{flag_text})' for p in objects
            ]
        if local == "in":
            out = []
            for head in objects:
                same = " || ".join(_same(i) for i in self._list(head))
                out.append(f"!({same or 'false'})")
            return out
        if local == "languageIn":
            out = []
            for head in objects:
                tags = ", ".join(f'"{_escape(str(t).lower())}"' for t in self._list(head))
                out.append(f"!(isLiteral(?v) && LCASE(LANG(?v)) IN ({tags or '0'}))")
            return out
        if local == "hasValue":
            return [f"!({_same(v)})" for v in objects]
        if local in _COMPARISONS:
            op = _COMPARISONS[local]
            return [f"!COALESCE(?v {op} {_term(b)}, false)" for b in objects]
        if local in ("minLength", "maxLength"):
            op = ">=" if local == "minLength" else "<="
            return [
                f"!COALESCE(!isBlank(?v) && STRLEN(STR(?v)) {op} {int(str(n))}, false)"
                for n in objects
            ]
        if local in ("or", "and"):
            out = []
            for head in objects:
                members = [f"COALESCE({self._nested(m)}, true)" for m in self._list(head)]
                joined = (" && " if local == "or" else " || ").join(members)
                out.append(joined or ("true" if local == "or" else "false"))
            return out
        if local == "node":
            return [self._nested(n) for n in objects]
        raise Unsupported(f"sh:{local}")

    def _nested(self, shape: Node) -> str:
        """True when a value ?v may not conform to the value-only shape ``shape``."""
        if self.values(shape, "property") or self.values(shape, "sparql"):
            raise Unsupported("nested shapes with property shapes or SPARQL")
        if self.value(shape, "path") is not None:
            raise Unsupported("nested property shapes")
        if self.deactivated(shape):
            return "false"
        conditions = []
        for name in sorted({str(p) for p in self.g.predicates(shape, None)}):
            if not name.startswith(SH) or name in _NOT_CONSTRAINTS:
                continue
            local = name[len(SH) :]
            if local == "flags":
                continue
            conditions += [f"COALESCE({c}, true)" for c in self._value_conditions(shape, local)]
        return " || ".join(conditions) or "false"

    def _datatype(self, datatype: str) -> str:
        if datatype == RDF + "langString":
            return "!(isLiteral(?v) && LANG(?v) != '')"
        if datatype == XSD + "string":
            return f"!(isLiteral(?v) && LANG(?v) = '' && DATATYPE(?v) = <{XSD}string>)"
        typed = f"isLiteral(?v) && DATATYPE(?v) = <{datatype}>"
        if datatype in _WELL_FORMED:
            pattern, cast = _WELL_FORMED[datatype]
            check = f'{typed} && REGEX(STR(?v), "{pattern}")'
            if cast == "date":
                check += f" && COALESCE(isLiteral(<{XSD}date>(STR(?v))), false)"
            return f"!({check})"
        if datatype.startswith(XSD) or datatype.startswith(RDF):
            return "true"  # pySHACL may find the form ill-typed: let it decide
        return f"!({typed})"

    def _pair(self, local: str, targets: str, value: str, other: str) -> str:
        if local == "lessThan":
            cond = "!COALESCE(?v < ?w, false)"
        elif local == "lessThanOrEquals":
            cond = "!COALESCE(?v <= ?w, false)"
        elif local == "disjoint":
            cond = "sameTerm(?v, ?w)"
        else:  # equals: the two value sets differ
            return (
                f"SELECT DISTINCT ?this WHERE {{ {targets} "
                f"{{ {value} FILTER NOT EXISTS {{ ?this {other} ?w FILTER(sameTerm(?v, ?w)) }} }} "
                f"UNION {{ ?this {other} ?w . FILTER NOT EXISTS {{ "
                f"{value} FILTER(sameTerm(?v, ?w)) }} }} }}"
            )
        return (
            f"SELECT DISTINCT ?this WHERE {{ {targets} {value} ?this {other} ?w . FILTER({cond}) }}"
        )

    def _list(self, head: Node) -> list[Node]:
        from rdflib.collection import Collection

        return list(Collection(self.g, head))

    def _sparql(self, constraint: Node, targets: str, path: str | None) -> SparqlCheck:
        select = self.value(constraint, "select")
        if select is None or self.deactivated(constraint):
            raise Unsupported("SPARQL constraint without sh:select")
        text = str(select)
        if re.search(r"\$(shapesGraph|currentShape)\b", text):
            raise Unsupported("$shapesGraph / $currentShape")
        if "$PATH" in text:
            if path is None:
                raise Unsupported("$PATH in a node shape")
            text = text.replace("$PATH", path)
        text = _minus_for_not_exists(re.sub(r"\$this\b", "?this", text))
        prologue = "".join(
            f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self._declared(constraint).items())
        )
        return SparqlCheck(prologue, text, targets)

    def _declared(self, constraint: Node) -> dict[str, str]:
        out: dict[str, str] = {}
        for source in self.values(constraint, "prefixes"):
            for decl in self.values(source, "declare"):
                prefix, ns = self.value(decl, "prefix"), self.value(decl, "namespace")
                if prefix is not None and ns is not None:
                    out[str(prefix)] = str(ns)
        return out


def _shapes_graph(shapes: Path | None) -> Graph:
    from .validation import _shapes_graph as read

    return read(shapes)


_COMPILED: dict[tuple[str, int, int], list[str | SparqlCheck | NestedCheck] | Unsupported] = {}


def compiled_checks(shapes: Path | None) -> list[str | SparqlCheck | NestedCheck]:
    """The translated checks of a shapes file, translated once per version of the file;
    raises Unsupported."""
    from . import _resources

    path = shapes if shapes is not None else _resources.shapes_file()
    try:
        stat = path.stat()
    except OSError:
        _shapes_graph(path)  # raises the loader's ParseError for a missing or odd file
        raise
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    found = _COMPILED.get(key)
    if found is None:
        try:
            translator = _Translator(_shapes_graph(path))
            found = [
                q for root in translator.shapes_with_targets() for q in translator.queries(root)
            ]
        except Unsupported as exc:
            found = exc
        _COMPILED[key] = found
    if isinstance(found, Unsupported):
        raise found
    return found


def _run(store: Store, query: str, bindings: dict[str, Node] | None = None) -> QueryResult:
    from .errors import QueryError

    try:
        return store.query(query, bindings)
    except QueryError as exc:
        raise Unsupported(f"the store could not run a translated query: {exc}") from exc


# ``path+`` on a group, a prefixed name or an IRI: the same as ``path/path*``.
_ONE_OR_MORE = re.compile(r"(\([^()]*\)|[A-Za-z][\w.-]*:[\w-]+|<[^<>\s]*>)\+")


def _fallback_candidates(store: Store, check: SparqlCheck) -> set[Node]:
    """The candidates of a constraint whose query the store could not run. Virtuoso 7 fails
    on ``$this (a|b)+ $this`` and runs ``$this (a|b)/(a|b)* $this``, which means the same;
    failing that, every target of the shape is a candidate and pySHACL judges."""
    query = check.whole_graph()
    rewritten = _ONE_OR_MORE.sub(lambda m: f"{m.group(1)}/{m.group(1)}*", query)
    if rewritten != query:
        try:
            return {row[0] for row in _run(store, rewritten)}
        except Unsupported:
            pass
    targets = check.prologue + f"SELECT DISTINCT ?this WHERE {{ {check.targets} }}"
    return {row[0] for row in _run(store, targets)}


def candidate_focus_nodes(store: Store, shapes: Path | None) -> tuple[set[Node], set[Any]]:
    """Every focus node that may violate a shape, and the (focus, property shape) pairs
    whose nested shapes need a full run; raises Unsupported."""
    found: set[Any] = set()
    nested: set[Any] = set()
    for check in compiled_checks(shapes):
        if isinstance(check, NestedCheck):
            rows = {row[0] for row in _run(store, check.query)}
            nested |= {(row, check.shape) for row in rows}
        elif isinstance(check, SparqlCheck):
            try:
                rows = {row[0] for row in _run(store, check.whole_graph())}
            except Unsupported:
                rows = _fallback_candidates(store, check)
        else:
            rows = {row[0] for row in _run(store, check)}
        found |= rows
    return found, nested


def candidates_among(
    store: Store, shapes: Path | None, wanted: list[str]
) -> tuple[set[str], set[Any]]:
    """The candidates among ``wanted`` and their nested (focus, property shape) pairs; SPARQL
    constraints run with ``?this`` bound to each."""
    from rdflib import URIRef

    found: set[str] = set()
    nested: set[Any] = set()
    for check in compiled_checks(shapes):
        if isinstance(check, SparqlCheck):
            for node in wanted:
                if node in found:
                    continue
                if len(_run(store, check.prologue + check.select, {"this": URIRef(node)})):
                    found.add(node)
        else:
            query = check.query if isinstance(check, NestedCheck) else check
            rows = {str(row[0]) for row in _run(store, _restricted(query, wanted))}
            rows &= set(wanted)
            found |= rows
            if isinstance(check, NestedCheck):
                nested |= {(URIRef(r), check.shape) for r in rows}
    return found & set(wanted), nested


def wrapped(shapes: Graph, nested: set[Any]) -> Graph:
    """A shapes graph holding, for each (focus, property shape) pair, a node shape that
    targets just that focus node with just that property shape (and everything the property
    shape refers to), and no other shape with targets."""
    from rdflib import BNode, Graph, URIRef

    out = Graph()
    sh = {n: URIRef(SH + n) for n in ("NodeShape", "targetNode", "property")}
    rdf_type = URIRef(PREFIXES["rdf"] + "type")
    targets = {URIRef(SH + n) for n in ("targetClass", "targetSubjectsOf", "targetObjectsOf")}
    follow = {URIRef(SH + n) for n in ("node", "property", "qualifiedValueShape", "not")}
    follow.add(URIRef(PREFIXES["rdf"] + "first"))  # members of sh:or / sh:and / sh:xone
    seen: set[Any] = set()
    stack = [shape for _, shape in nested]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            if p in targets or p == URIRef(SH + "targetNode"):
                continue  # only the wrapper targets anything
            out.add((node, p, o))
            if isinstance(o, BNode) or (p in follow and isinstance(o, URIRef)):
                stack.append(o)  # nested shapes, lists, and shapes they name
    for i, (node, shape) in enumerate(sorted(nested, key=str)):
        wrapper = URIRef(f"{_WRAPPER}{i}")
        out.add((wrapper, rdf_type, sh["NodeShape"]))
        out.add((wrapper, sh["targetNode"], URIRef(str(node))))
        out.add((wrapper, sh["property"], shape))
    return out
