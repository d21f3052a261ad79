"""Deterministic Turtle and N-Triples straight from an Oxigraph store.

Byte for byte what ``serialize.serialize`` writes for the same graph (the reference; tests
hold them equal), without building rdflib terms: IRIs are abbreviated once each and cached,
strings are escaped only when they need it. Graphs with blank nodes need canonical blank-node
labels, which only the reference computes: for them ``serialize_store`` returns None and the
caller uses the reference.
"""

from __future__ import annotations

import re
from typing import Any

from .namespaces import PREFIXES, RDF_TYPE
from .serialize import _DECIMAL, _INTEGER, _PN_LOCAL, _escape_string, _iri

__all__ = ["serialize_store"]

XSD = PREFIXES["xsd"]
XSD_STRING = XSD + "string"
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def _escape(text: str) -> str:
    return _escape_string(text) if _NEEDS_ESCAPE.search(text) else text


class _Names:
    """IRIs as Turtle names (prefixed where a prefix fits), cached."""

    def __init__(self, prefixes: dict[str, str] | None) -> None:
        self.prefixes = prefixes or {}
        self.by_length = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))
        self.used: set[str] = set()
        self.cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is None:
            found = _iri(iri)
            for prefix, ns in self.by_length:
                if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns) :]):
                    self.used.add(prefix)
                    found = f"{prefix}:{iri[len(ns) :]}"
                    break
            self.cache[iri] = found
        return found


def _literal_text(value: str, language: str | None, datatype: str, names: _Names) -> str:
    if language:
        return f'"{_escape(value)}"@{language}'
    if datatype == XSD_STRING:
        return f'"{_escape(value)}"'
    if names.prefixes:
        if datatype == XSD + "integer" and _INTEGER.match(value):
            return value
        if datatype == XSD + "decimal" and _DECIMAL.match(value):
            return value
        if datatype == XSD + "boolean" and value in ("true", "false"):
            return value
    return f'"{_escape(value)}"^^{names.iri(datatype)}'


def _object(term: Any, ox: Any, names: _Names) -> tuple[tuple[int, str, str, str], str]:
    """The reference's sort key for an object, and its Turtle text."""
    if isinstance(term, ox.NamedNode):
        value = term.value
        return (1, value, "", ""), names.iri(value)
    language = term.language
    datatype = term.datatype.value
    value = term.value
    key_dt = "" if language or datatype == XSD_STRING else datatype
    return (3, value, key_dt, language or ""), _literal_text(value, language, datatype, names)


def _has_blank_nodes(store: Any, ox: Any) -> bool:
    ask = store.query(
        "ASK { { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } UNION "
        "{ GRAPH ?g { ?s ?p ?o FILTER(isBlank(?g) || isBlank(?s) || isBlank(?o)) } } }"
    )
    return bool(ask)


def serialize_store(store: Any, fmt: str) -> str | None:
    """``store`` as deterministic ``fmt`` ("turtle" or "nt"), or None when only the
    reference serializer can write it (blank nodes, other formats)."""
    import pyoxigraph as ox

    if fmt not in ("turtle", "nt") or _has_blank_nodes(store, ox):
        return None
    if fmt == "nt":
        return _ntriples(store, ox)
    return _turtle(store, ox)


def _turtle(store: Any, ox: Any) -> str:
    names = _Names(dict(PREFIXES))
    by_subject: dict[str, dict[str, dict[Any, None]]] = {}
    for q in store:
        s = q.subject.value
        preds = by_subject.get(s)
        if preds is None:
            preds = by_subject[s] = {}
        p = q.predicate.value
        objects = preds.get(p)
        if objects is None:
            objects = preds[p] = {}
        objects[q.object] = None  # distinct across graphs
    blocks = []
    pad = " ;\n    "
    for s in sorted(by_subject):
        preds = by_subject[s]
        parts = []
        for p in sorted(preds, key=lambda p: (p != RDF_TYPE, p)):
            rendered = sorted(_object(o, ox, names) for o in preds[p])
            name = "a" if p == RDF_TYPE else names.iri(p)
            parts.append(name + " " + ", ".join(text for _, text in rendered))
        blocks.append(names.iri(s) + " " + pad.join(parts) + " .\n")
    header = "".join(
        f"@prefix {p}: <{ns}> .\n" for p, ns in names.prefixes.items() if p in names.used
    )
    return header + ("\n" if header else "") + "\n".join(blocks)


def _ntriples(store: Any, ox: Any) -> str:
    names = _Names(None)
    lines = set()
    for q in store:
        o = q.object
        if isinstance(o, ox.NamedNode):
            obj = names.iri(o.value)
        else:
            obj = _literal_text(o.value, o.language, o.datatype.value, names)
        lines.add(f"{names.iri(q.subject.value)} {names.iri(q.predicate.value)} {obj} .\n")
    return "".join(sorted(lines))
