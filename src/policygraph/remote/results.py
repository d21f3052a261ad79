"""SPARQL 1.1 Query Results JSON as rdflib terms, the way the embedded stores give them."""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import EndpointError

__all__ = ["solutions", "term"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term(value: dict[str, str]) -> Node:
    """One JSON-encoded term ("typed-literal" is the SPARQL 1.0 JSON name some servers still
    write). Lexical forms are kept as the server gives them; ``xsd:string`` comes back as a
    plain literal, as from the other stores."""
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        datatype = value.get("datatype")
        if lang:
            return Literal(text, lang=lang)
        if datatype and datatype not in (XSD_STRING, RDF_LANGSTRING):
            return Literal(text, datatype=URIRef(datatype), normalize=False)
        return Literal(text)
    raise ValueError(f"unknown term type {kind!r}")


def solutions(
    document: dict[str, Any], endpoint: str
) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
    """The variables and rows of a SELECT answer; unbound cells are None."""
    try:
        columns = tuple(document.get("head", {}).get("vars", []))
        rows = []
        for binding in document["results"]["bindings"]:
            rows.append(
                tuple(
                    term(binding[name]) if name in binding else None  # unbound
                    for name in columns
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise EndpointError(endpoint, f"malformed SPARQL results JSON: {exc}") from exc
    return columns, rows
