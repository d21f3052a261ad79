"""The class hierarchy read from a graph without inference: every class's super-classes, and
the instances of a class and of all its sub-classes."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, TypeVar

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

if TYPE_CHECKING:
    from rdflib import Graph

T = TypeVar("T", bound=Hashable)


def superclass_closure(pairs: Iterable[tuple[T, T]]) -> dict[T, set[T]]:
    """(child, parent) pairs -> each child's ancestors, transitively; iterative, so a deep or
    cyclic hierarchy is fine."""
    parents: dict[T, set[T]] = {}
    for child, parent in pairs:
        parents.setdefault(child, set()).add(parent)
    closure: dict[T, set[T]] = {}
    for start in parents:
        seen: set[T] = set()
        stack = list(parents[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(parents.get(node, ()))
        closure[start] = seen
    return closure


def instances_of(graph: Graph, cls: URIRef) -> set[URIRef]:
    """Every IRI typed ``cls`` or a sub-class of it (``rdfs:subClassOf``, transitively)."""
    kinds, frontier = {cls}, [cls]
    while frontier:
        for sub in graph.subjects(RDFS.subClassOf, frontier.pop()):
            if isinstance(sub, URIRef) and sub not in kinds:
                kinds.add(sub)
                frontier.append(sub)
    return {n for k in kinds for n in graph.subjects(RDF.type, k) if isinstance(n, URIRef)}
