"""The instances of a class and of all its sub-classes, read from a graph without inference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

if TYPE_CHECKING:
    from rdflib import Graph


def instances_of(graph: Graph, cls: URIRef) -> set[URIRef]:
    """Every IRI typed ``cls`` or a sub-class of it (``rdfs:subClassOf``, transitively)."""
    kinds, frontier = {cls}, [cls]
    while frontier:
        for sub in graph.subjects(RDFS.subClassOf, frontier.pop()):
            if isinstance(sub, URIRef) and sub not in kinds:
                kinds.add(sub)
                frontier.append(sub)
    return {n for k in kinds for n in graph.subjects(RDF.type, k) if isinstance(n, URIRef)}
