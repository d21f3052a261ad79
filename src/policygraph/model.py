"""Reading the policygraph model out of a graph: types, labels, statements, anchors.

Shared by anchors, describe and show, so that each reads the graph the same way. ``ModelView``
reads an rdflib graph, or any store through :class:`StoreGraph`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import PG, PREFIXES, RDF_TYPE, RDFS_LABEL, RDFS_SUBCLASSOF, local_name

if TYPE_CHECKING:
    from .stores.base import Store

__all__ = ["AnchorRef", "ModelView", "StoreGraph"]

_TYPE = URIRef(RDF_TYPE)
_LABEL = URIRef(RDFS_LABEL)
_PREF = URIRef(PREFIXES["skos"] + "prefLabel")
_STATEMENT = URIRef(PG + "statement")
_ANCHOR = URIRef(PG + "anchor")
_SOURCE_DOC = URIRef(PG + "sourceDocument")
_START = URIRef(PREFIXES["oa"] + "start")
_END = URIRef(PREFIXES["oa"] + "end")
_TEXT_SHA = URIRef(PG + "textSha256")
_SPAN_SHA = URIRef(PG + "spanSha256")


@dataclass(frozen=True)
class AnchorRef:
    """A text anchor: ``resource`` is what it anchors, offsets are code points [start, end)."""

    anchor: str
    resource: str
    document: str | None
    document_sha256: str | None
    start: int | None
    end: int | None
    span_sha256: str | None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k not in ("anchor", "span_sha256")}


def int_of(node: Node | None) -> int | None:
    """The integer a literal holds (anchors' offsets), None for anything else."""
    if isinstance(node, Literal):
        try:
            return int(str(node))
        except ValueError:
            return None
    return None


class StoreGraph:
    """The read methods of an rdflib ``Graph`` that ``ModelView`` uses, over a store (the
    union of its graphs)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterator[Node]:
        return (s for s, _, _ in self.store.triples(None, predicate, obj))

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        return (o for _, _, o in self.store.triples(subject, predicate, None))

    def subject_objects(self, predicate: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((s, o) for s, _, o in self.store.triples(None, predicate, None))

    def value(self, subject: Node | None = None, predicate: Node | None = None) -> Node | None:
        return next(self.objects(subject, predicate), None)


def language_texts(values: Iterable[Node]) -> dict[str, str]:
    """Language -> text of the literals among ``values`` ("" for no tag); the first in sorted
    order wins, so the choice does not depend on the store."""
    out: dict[str, str] = {}
    for value in sorted(values, key=str):
        if isinstance(value, Literal):
            out.setdefault(value.language or "", str(value))
    return out


def preferred_label(node: Node | str, texts: Callable[[URIRef], dict[str, str]]) -> str:
    """rdfs:label, else skos:prefLabel, else the statement; English, then bokmål, then untagged;
    the IRI's local name when there is none. ``texts(prop)`` reads one property's texts."""
    for prop in (_LABEL, _PREF, _STATEMENT):
        found = texts(prop)
        for lang in ("en", "nb", ""):
            if lang in found:
                return found[lang]
        if found:
            return next(iter(found.values()))
    return local_name(str(node))


def most_specific_type(types: Iterable[Node], ancestors: Mapping[Node, set[Node]]) -> str:
    """Local name of the deepest class among ``types``, preferring policygraph's own."""
    named = [t for t in types if isinstance(t, URIRef)]
    if not named:
        return ""
    ours = [t for t in named if str(t).startswith(PG)] or named
    best = max(ours, key=lambda t: (len(ancestors.get(t, ())), str(t)))
    return local_name(str(best))


class ModelView:
    """Read-only helpers over one graph (built per graph; cheap)."""

    def __init__(self, graph: Graph | StoreGraph) -> None:
        self.graph = graph

    @cached_property
    def _ancestors(self) -> dict[Node, set[Node]]:
        from ._instances import superclass_closure

        return superclass_closure(self.graph.subject_objects(URIRef(RDFS_SUBCLASSOF)))

    def types(self, node: Node) -> set[Node]:
        return set(self.graph.objects(node, _TYPE))

    def is_a(self, node: Node, cls: str) -> bool:
        target = URIRef(cls)
        return any(t == target or target in self._ancestors.get(t, ()) for t in self.types(node))

    def instances(self, cls: str) -> list[Node]:
        """Instances of ``cls`` or any subclass, sorted."""
        target = URIRef(cls)
        classes = {target} | {c for c, anc in self._ancestors.items() if target in anc}
        found = {s for c in classes for s in self.graph.subjects(_TYPE, c)}
        return sorted(found, key=str)

    def most_specific_type(self, node: Node) -> str:
        return most_specific_type(self.types(node), self._ancestors)

    def texts(self, node: Node, prop: URIRef) -> dict[str, str]:
        """Language -> text for a language-tagged property ("" for no tag)."""
        return language_texts(self.graph.objects(node, prop))

    def statement(self, node: Node) -> dict[str, str]:
        return self.texts(node, _STATEMENT)

    def label(self, node: Node) -> str:
        return preferred_label(node, lambda prop: self.texts(node, prop))

    def iris(self, node: Node, prop: str) -> list[str]:
        return sorted(str(o) for o in self.graph.objects(node, URIRef(prop)))

    def anchor(self, anchor: Node, resource: Node) -> AnchorRef:
        g = self.graph
        document = g.value(anchor, _SOURCE_DOC)
        sha = g.value(document, _TEXT_SHA) if document is not None else None
        span = g.value(anchor, _SPAN_SHA)
        return AnchorRef(
            anchor=str(anchor),
            resource=str(resource),
            document=str(document) if document is not None else None,
            document_sha256=str(sha) if sha is not None else None,
            start=int_of(g.value(anchor, _START)),
            end=int_of(g.value(anchor, _END)),
            span_sha256=str(span) if span is not None else None,
        )

    def anchors_of(self, resource: Node) -> list[AnchorRef]:
        refs = [self.anchor(a, resource) for a in self.graph.objects(resource, _ANCHOR)]
        return sorted(refs, key=lambda a: (a.document or "", a.start or 0, a.end or 0, a.anchor))

    def all_anchors(self) -> list[AnchorRef]:
        refs = [self.anchor(a, r) for r, a in self.graph.subject_objects(_ANCHOR)]
        basis = URIRef(PG + "basisAnchor")
        refs += [self.anchor(a, r) for r, a in self.graph.subject_objects(basis)]
        unique = {(a.anchor, a.resource): a for a in refs}
        return sorted(
            unique.values(), key=lambda a: (a.document or "", a.start or 0, a.end or 0, a.resource)
        )
