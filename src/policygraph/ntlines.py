"""Deterministic Turtle and N-Triples written from a store's N-Triples dump (``Store.dump``).

Byte for byte what the quad writers of ``serialize`` write for the same graph (tests hold them
equal), without building rdflib terms: IRIs are abbreviated once each and cached, strings are
escaped only when they need it. Graphs with blank nodes need canonical blank-node labels, which
only the quad writers compute: for them :func:`write_from_dump` returns None.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .namespaces import PREFIXES, RDF_TYPE
from .serialize import _DECIMAL, _INTEGER, _PN_LOCAL, _escape_string, _iri

if TYPE_CHECKING:
    from .stores.base import Store

__all__ = ["write_from_dump"]

XSD = PREFIXES["xsd"]
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
    if not datatype:
        return f'"{_escape(value)}"'
    if names.prefixes:
        if datatype == XSD + "integer" and _INTEGER.match(value):
            return value
        if datatype == XSD + "decimal" and _DECIMAL.match(value):
            return value
        if datatype == XSD + "boolean" and value in ("true", "false"):
            return value
    return f'"{_escape(value)}"^^{names.iri(datatype)}'


_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        code = m.group(1)
        if len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _UNESCAPE.sub(repl, text)


def _parse_object(text: str) -> tuple[str, str | None, str]:
    """An N-Triples literal as (lexical form, language, datatype)."""
    end = text.rindex('"')
    lexical = text[1:end]
    if "\\" in lexical:
        lexical = _unescape(lexical)
    suffix = text[end + 1 :]
    if suffix.startswith("@"):
        return lexical, suffix[1:], ""
    if suffix.startswith("^^<"):
        return lexical, None, suffix[3:-1]
    return (
        lexical,
        None,
        "",
    )  # a plain literal ("x"^^xsd:string stays typed: rdflib tells them apart)


def _lines(store: Store) -> list[str] | None:
    """Every triple of every graph as N-Triples lines, or None when there are blank nodes
    (only the quad writers label them canonically)."""
    from rdflib import BNode

    graphs = [None, *store.graph_names()]
    if any(isinstance(g, BNode) for g in graphs):
        return None
    lines: list[str] = []
    for graph in graphs:
        text = store.dump(graph).decode("utf-8")
        if "_:" in text and _has_blank_nodes(store):
            return None
        lines += text.split("\n")[:-1]  # not splitlines(): literals may hold U+2028 etc.
    return lines


def _has_blank_nodes(store: Store) -> bool:
    return bool(store.query("ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }").boolean)


def write_from_dump(store: Store, fmt: str) -> str | None:
    """``store`` as deterministic ``fmt`` ("turtle" or "nt"), or None when only the quad
    writers can write it (blank nodes, other formats)."""
    if fmt not in ("turtle", "nt"):
        return None
    lines = _lines(store)
    if lines is None:
        return None
    from ._nogc import collector_paused

    with collector_paused():  # many small objects, none cyclic
        return _ntriples(lines) if fmt == "nt" else _turtle(lines)


def _turtle(lines: list[str]) -> str:
    names = _Names(dict(PREFIXES))
    by_subject: dict[str, dict[str, dict[str, None]]] = {}
    for line in lines:
        s, p, rest = line.split(" ", 2)
        preds = by_subject.get(s)
        if preds is None:
            preds = by_subject[s] = {}
        objects = preds.get(p)
        if objects is None:
            objects = preds[p] = {}
        objects[rest[:-2]] = None  # distinct across graphs
    rdf_type = "<" + RDF_TYPE + ">"
    cache = names.cache
    iri = names.iri
    rendered_cache: dict[str, tuple[tuple[int, str, str, str], str]] = {}
    pred_order: dict[str, tuple[bool, str]] = {}
    pred_name: dict[str, str] = {rdf_type: "a"}

    def render(o: str) -> tuple[tuple[int, str, str, str], str]:
        found = rendered_cache.get(o)
        if found is None:
            if o[0] == "<":
                value = o[1:-1]
                found = ((1, value, "", ""), cache.get(value) or iri(value))
            else:
                lexical, language, datatype = _parse_object(o)
                key_dt = "" if language else datatype
                text = _literal_text(lexical, language, datatype, names)
                found = ((3, lexical, key_dt, language or ""), text)
            rendered_cache[o] = found
        return found

    blocks = []
    pad = " ;\n    "
    for s in sorted(by_subject, key=lambda s: s[1:-1]):
        preds = by_subject[s]
        parts = []
        if len(preds) > 1:
            for p in preds:
                if p not in pred_order:
                    pred_order[p] = (p != rdf_type, p[1:-1])
            ordered: Any = sorted(preds, key=pred_order.__getitem__)
        else:
            ordered = preds
        for p in ordered:
            name = pred_name.get(p)
            if name is None:
                name = pred_name[p] = iri(p[1:-1])
            objects = preds[p]
            if len(objects) == 1:
                parts.append(name + " " + render(next(iter(objects)))[1])
            else:
                texts = sorted(render(o) for o in objects)
                parts.append(name + " " + ", ".join(text for _, text in texts))
        subject = s[1:-1]
        blocks.append((cache.get(subject) or iri(subject)) + " " + pad.join(parts) + " .\n")
    header = "".join(
        f"@prefix {p}: <{ns}> .\n" for p, ns in names.prefixes.items() if p in names.used
    )
    return header + ("\n" if header else "") + "\n".join(blocks)


def _ntriples(lines: list[str]) -> str:
    names = _Names(None)
    out = set()
    for line in lines:
        if "\\" in line:  # re-escape literals the way the reference does
            s, p, rest = line.split(" ", 2)
            lexical, language, datatype = _parse_object(rest[:-2])
            line = f"{s} {p} {_literal_text(lexical, language, datatype, names)} ."
        out.add(line + "\n")
    return "".join(sorted(out))
