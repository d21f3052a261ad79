"""Deterministic writers for Turtle, TriG, N-Triples, N-Quads and JSON-LD.

The same graph gives the same bytes in every run and under any PYTHONHASHSEED: blank nodes get
canonical labels (rdflib's canonicaliser), and subjects, predicates and objects are written in
sorted order. Literals are written with their exact lexical form, never normalised.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .namespaces import PREFIXES, RDF_TYPE

if TYPE_CHECKING:
    from .stores.base import Store

__all__ = ["WRITERS", "canonical_quads", "ntriples_lines", "serialize", "serialize_store"]

XSD = PREFIXES["xsd"]
Quad = tuple[Node, Node, Node, "Node | None"]

_PN_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")
_INTEGER = re.compile(r"^(?:0|-?[1-9][0-9]*)$")  # not "-0": rdflib reads that back as 0
_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)\.(?:0|[0-9]*[1-9])$")
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_MAX_INLINE_DEPTH = 32


# ----------------------------------------------------------------------------- quads


def _quads_of(graph: Graph) -> list[Quad]:
    if isinstance(graph, Dataset):
        quads: list[Quad] = []
        for s, p, o, g in graph.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            if name == DATASET_DEFAULT_GRAPH_ID:
                name = None
            quads.append((s, p, o, name))
        return quads
    return [(s, p, o, None) for s, p, o in graph]


_ENC = "urn:x-policygraph:quad#"


def canonical_quads(graph: Graph | list[Quad], union: bool = False) -> list[Quad]:
    """All quads of ``graph`` with blank nodes relabelled ``b0``, ``b1``, ... canonically. With
    ``union``, the graph names are dropped first (the triple formats write the union), so the
    labels depend only on what is written and a re-read file gets the same ones."""
    quads = graph if isinstance(graph, list) else _quads_of(graph)
    if union:
        quads = [(s, p, o, None) for s, p, o, _ in quads]
    quads = list(dict.fromkeys(quads))
    with_bnodes = [q for q in quads if any(isinstance(t, BNode) for t in q)]
    if not with_bnodes:
        return quads
    # Encode each quad that touches a blank node as a small star around a statement node, so
    # rdflib's triple canonicaliser also sees the graph names; then decode the relabelled quads.
    enc = Graph()
    s_, p_, o_, g_ = (URIRef(_ENC + n) for n in "spog")
    default = URIRef(_ENC + "default")
    for s, p, o, g in with_bnodes:
        node = BNode()
        enc.add((node, s_, s))
        enc.add((node, p_, p))
        enc.add((node, o_, o))
        enc.add((node, g_, default if g is None else g))
    canon = to_canonical_graph(enc)
    decoded: list[Quad] = []
    for stmt in set(canon.subjects(s_, None)):
        parts = [canon.value(stmt, part) for part in (s_, p_, o_, g_)]
        if any(part is None for part in parts):
            raise ValueError("blank-node canonicalisation lost a statement")
        s_term, p_term, o_term, g_term = (part for part in parts if part is not None)
        decoded.append((s_term, p_term, o_term, None if g_term == default else g_term))
    labels = sorted({t for q in decoded for t in q if isinstance(t, BNode)})
    short = {old: BNode(f"b{i}") for i, old in enumerate(labels)}
    relabelled = [
        tuple(short.get(t, t) if isinstance(t, BNode) else t for t in q)  # type: ignore[misc]
        for q in decoded
    ]
    plain = [q for q in quads if not any(isinstance(t, BNode) for t in q)]
    return plain + relabelled  # type: ignore[operator]


# ----------------------------------------------------------------------------- terms


def _term_key(term: Node | None) -> tuple[int, str, str, str]:
    if term is None:
        return (0, "", "", "")
    if isinstance(term, URIRef):
        return (1, str(term), "", "")
    if isinstance(term, BNode):
        label = str(term)
        return (2, f"{len(label):08d}{label}", "", "")
    if isinstance(term, Literal):
        return (3, str(term), str(term.datatype or ""), term.language or "")
    return (4, str(term), "", "")


def _escape_string(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return "".join(out)


def _iri(iri: str) -> str:
    return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


class _TermWriter:
    def __init__(self, prefixes: dict[str, str] | None) -> None:
        self.prefixes = prefixes or {}
        self.used: set[str] = set()
        # Longest namespace first so that claim: wins over pgd:.
        self._by_length = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))

    def iri(self, iri: str) -> str:
        for prefix, ns in self._by_length:
            if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns) :]):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(ns) :]}"
        return _iri(iri)

    def term(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, BNode):
            return f"_:{term}"
        if isinstance(term, Literal):
            return self.literal(term)
        raise TypeError(f"cannot write {term!r}")

    def literal(self, lit: Literal) -> str:
        lex = str(lit)
        if lit.language:
            return f'"{_escape_string(lex)}"@{lit.language}'
        dt = str(lit.datatype) if lit.datatype else None
        if dt is None:
            return f'"{_escape_string(lex)}"'
        if self.prefixes:  # Turtle-family shorthands that rdflib reads back exactly
            if dt == XSD + "integer" and _INTEGER.match(lex):
                return lex
            if dt == XSD + "decimal" and _DECIMAL.match(lex):
                return lex
            if dt == XSD + "boolean" and lex in ("true", "false"):
                return lex
        return f'"{_escape_string(lex)}"^^{self.iri(dt)}'


# ----------------------------------------------------------------------------- line formats


def _write_lines(quads: Iterable[Quad], with_graph: bool) -> str:
    writer = _TermWriter(None)
    lines = set()
    for s, p, o, g in quads:
        parts = [writer.term(s), writer.term(p), writer.term(o)]
        if with_graph and g is not None:
            parts.append(writer.term(g))
        lines.add(" ".join(parts) + " .\n")
    return "".join(sorted(lines))


# ----------------------------------------------------------------------------- Turtle family


class _TurtleBlock:
    """Writes one graph's triples as Turtle statements, inlining blank nodes used once."""

    def __init__(
        self,
        triples: list[tuple[Node, Node, Node]],
        terms: _TermWriter,
        shared_bnodes: set[Node],
        indent: str = "",
    ) -> None:
        self.terms = terms
        self.indent = indent
        self.by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        refs: dict[Node, int] = defaultdict(int)
        for s, p, o in triples:
            self.by_subject[s][p].append(o)
            if isinstance(o, BNode):
                refs[o] += 1
        candidates = {b for b, n in refs.items() if n == 1 and b not in shared_bnodes}
        self.inline: set[Node] = set()
        roots = [s for s in self.by_subject if s not in candidates]
        self._mark(sorted(roots, key=_term_key), candidates)
        leftovers = sorted(
            (c for c in candidates if c not in self.inline and c in self.by_subject), key=_term_key
        )
        while leftovers:  # blank-node cycles: start one at a labelled node
            root = leftovers[0]
            candidates.discard(root)
            self._mark([root], candidates)
            leftovers = [c for c in leftovers if c not in self.inline and c != root]
            self.extra_roots.append(root)

    extra_roots: list[Node]

    def _mark(self, roots: list[Node], candidates: set[Node]) -> None:
        if not hasattr(self, "extra_roots"):
            self.extra_roots = []
        stack = [(r, 0) for r in roots]
        while stack:
            node, depth = stack.pop()
            for objects in self.by_subject.get(node, {}).values():
                for o in objects:
                    if o in candidates and o not in self.inline and depth < _MAX_INLINE_DEPTH:
                        self.inline.add(o)
                        stack.append((o, depth + 1))
                    elif o in candidates and o not in self.inline:
                        candidates.discard(o)  # too deep: write it at top level with a label

    def render(self) -> list[str]:
        subjects = [s for s in self.by_subject if s not in self.inline]
        subjects.sort(key=_term_key)
        blocks = []
        for s in subjects:
            if isinstance(s, BNode) and not self.by_subject[s]:
                continue
            blocks.append(self.indent + self.terms.term(s) + self._predicates(s, 1) + " .\n")
        return blocks

    def _predicates(self, subject: Node, level: int) -> str:
        pad = self.indent + "    " * level
        preds = sorted(
            self.by_subject.get(subject, {}).items(),
            key=lambda kv: (kv[0] != URIRef(RDF_TYPE), _term_key(kv[0])),
        )
        parts = []
        for p, objects in preds:
            name = "a" if p == URIRef(RDF_TYPE) else self.terms.term(p)
            rendered = ", ".join(
                self._object(o, level) for o in sorted(set(objects), key=_term_key)
            )
            parts.append(f"{name} {rendered}")
        if not parts:
            return ""
        if level == 1:
            return " " + (" ;\n" + pad).join(parts)
        return "\n" + pad + (" ;\n" + pad).join(parts)

    def _object(self, o: Node, level: int) -> str:
        if o in self.inline:
            inner = self._predicates(o, level + 1)
            if not inner:
                return "[]"
            return "[" + inner + "\n" + self.indent + "    " * level + "]"
        return self.terms.term(o)


def _prefix_header(terms: _TermWriter) -> str:
    lines = [f"@prefix {p}: <{ns}> .\n" for p, ns in terms.prefixes.items() if p in terms.used]
    return "".join(lines) + ("\n" if lines else "")


def _write_turtle(quads: list[Quad], prefixes: dict[str, str]) -> str:
    terms = _TermWriter(prefixes)
    triples = list(dict.fromkeys((s, p, o) for s, p, o, _ in quads))
    body = "\n".join(_TurtleBlock(triples, terms, set()).render())
    return _prefix_header(terms) + body


def _write_trig(quads: list[Quad], prefixes: dict[str, str]) -> str:
    terms = _TermWriter(prefixes)
    graphs: dict[Node | None, list[tuple[Node, Node, Node]]] = defaultdict(list)
    seen_in: dict[Node, set[Node | None]] = defaultdict(set)
    for s, p, o, g in quads:
        graphs[g].append((s, p, o))
        for t in (s, o, g):
            if isinstance(t, BNode):
                seen_in[t].add(g if t is not g else "__name__")  # type: ignore[arg-type]
    shared = {b for b, where in seen_in.items() if len(where) > 1}
    chunks = []
    if graphs.get(None):
        chunks.append("\n".join(_TurtleBlock(graphs[None], terms, shared).render()))
    for name in sorted((g for g in graphs if g is not None), key=_term_key):
        block = _TurtleBlock(graphs[name], terms, shared, indent="    ")
        chunks.append(terms.term(name) + " {\n" + "\n".join(block.render()) + "}\n")
    return _prefix_header(terms) + "\n".join(chunks)


# ----------------------------------------------------------------------------- JSON-LD


def _write_jsonld(quads: list[Quad], prefixes: dict[str, str]) -> str:
    terms = _TermWriter(prefixes)

    def ref(term: Node) -> str:
        if isinstance(term, BNode):
            return f"_:{term}"
        text = terms.iri(str(term))
        return text[1:-1] if text.startswith("<") else text

    def value(term: Node) -> dict[str, Any]:
        if isinstance(term, Literal):
            out: dict[str, Any] = {"@value": str(term)}
            if term.language:
                out["@language"] = term.language
            elif term.datatype:  # an explicit xsd:string stays explicit, as rdflib keeps it
                out["@type"] = ref(URIRef(term.datatype))
            return out
        return {"@id": ref(term)}

    def nodes(triples: list[tuple[Node, Node, Node]]) -> list[dict[str, Any]]:
        by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            by_subject[s][p].append(o)
        out = []
        for s in sorted(by_subject, key=_term_key):
            node: dict[str, Any] = {"@id": ref(s)}
            for p in sorted(by_subject[s], key=_term_key):
                objs = sorted(set(by_subject[s][p]), key=_term_key)
                node[ref(p)] = [value(o) for o in objs]
            out.append(node)
        return out

    graphs: dict[Node | None, list[tuple[Node, Node, Node]]] = defaultdict(list)
    for s, p, o, g in quads:
        graphs[g].append((s, p, o))
    top = nodes(graphs.get(None, []))
    index = {n["@id"]: n for n in top}
    for name in sorted((g for g in graphs if g is not None), key=_term_key):
        key = ref(name)
        holder = index.get(key)
        if holder is None:
            holder = {"@id": key}
            top.append(holder)
        holder["@graph"] = nodes(graphs[name])
    top.sort(key=lambda n: (n["@id"].startswith("_:"), n["@id"]))
    context = {p: ns for p, ns in prefixes.items() if p in terms.used}
    document = {"@context": context, "@graph": top}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


TRIPLE_FORMATS = frozenset({"turtle", "nt"})
WRITERS: dict[str, Callable[[list[Quad], dict[str, str]], str]] = {
    "turtle": lambda q, p: _write_turtle(q, p),
    "trig": lambda q, p: _write_trig(q, p),
    "nt": lambda q, p: _write_lines(q, with_graph=False),
    "nquads": lambda q, p: _write_lines(q, with_graph=True),
    "json-ld": lambda q, p: _write_jsonld(q, p),
}


def ntriples_lines(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """Triples as N-Triples lines (sorted, each once), literals exactly as they are."""
    return _write_lines(((s, p, o, None) for s, p, o in triples), with_graph=False)


def serialize_store(store: Store, fmt: str) -> str:
    """The graph in ``store`` in format ``fmt``, deterministically: Turtle and N-Triples
    straight from the store's dump where no blank node needs a canonical label, else from its
    quads."""
    if fmt in TRIPLE_FORMATS:
        from .ntlines import write_from_dump

        text = write_from_dump(store, fmt)
        if text is not None:
            return text
    return serialize(list(store.quads()), fmt)


def serialize(graph: Graph | list[Quad], fmt: str, prefixes: dict[str, str] | None = None) -> str:
    """``graph`` (or its quads) in format ``fmt`` (turtle, trig, nt, nquads, json-ld),
    deterministically."""
    writer = WRITERS[fmt]
    try:
        quads = canonical_quads(graph, union=fmt in TRIPLE_FORMATS)
        return writer(quads, dict(prefixes if prefixes is not None else PREFIXES))
    except Exception as exc:  # rdflib raises bare Exception for terms it cannot write
        from .errors import ExportError

        raise ExportError(f"cannot write {fmt}: {' '.join(str(exc).split())[:200]}") from exc
