"""What the site shows, read once from a loaded graph through the public API.

The graph's triples come in through one CONSTRUCT query, so the site reads any store the same
way (in memory, Oxigraph or a remote endpoint); traces, gaps, statistics and the validation
report come from the PolicyGraph's own methods.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..model import int_of
from ..namespaces import PG, PREFIXES, local_name

if TYPE_CHECKING:
    from ..graph import Gap, PolicyGraph
    from ..trace import EvidenceTrace
    from ..validation import ValidationReport

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dcterms"]
TYPE = URIRef(RDF + "type")
LANGS = ("nb", "en")

# Page kinds: the file name prefix each kind of resource gets (the site is one flat folder).
CLAIM, ACTOR, DOCUMENT, TEXT = "claim", "actor", "doc", "text"


@dataclass(frozen=True)
class Anchor:
    """One text anchor: ``anchor`` its IRI, ``resources`` what it anchors (claims, documents,
    evidence links), offsets in code points, ``[start, end)``."""

    anchor: str
    document: str | None
    start: int | None
    end: int | None
    resources: tuple[str, ...]


def u(iri: str) -> URIRef:
    return URIRef(iri)


class Facts:
    """The graph as the site needs it: texts by language, types, pages, anchors, traces."""

    def __init__(self, graph: PolicyGraph) -> None:
        result = graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        local = Graph()
        for row in result.rows:
            s, p, o = row
            if s is not None and p is not None and o is not None:
                local.add((s, p, o))
        self.g = local
        self.source = graph
        self.recommendations: tuple[str, ...] = tuple(sorted(graph.recommendations()))
        self.claims: tuple[str, ...] = tuple(sorted(graph.claims()))

    # ------------------------------------------------------------------ results of the library
    @cached_property
    def traces(self) -> dict[str, EvidenceTrace]:
        """A trace for every claim (recommendations and the claims they rest on alike)."""
        return {c: self.source.trace(c) for c in self.claims}

    @cached_property
    def report(self) -> ValidationReport:
        return self.source.validate()

    @cached_property
    def gaps(self) -> list[Gap]:
        return self.source.gaps()

    @cached_property
    def stats(self) -> dict[str, Any]:
        return self.source.stats()

    # ------------------------------------------------------------------ reading the graph
    @cached_property
    def _parents(self) -> dict[str, set[str]]:
        from .._instances import superclass_closure

        pairs = self.g.subject_objects(u(RDFS + "subClassOf"))
        return superclass_closure((str(child), str(parent)) for child, parent in pairs)

    def superclasses(self, cls: str) -> set[str]:
        return self._parents.get(cls, set())

    def type_of(self, iri: str) -> str:
        """The local name of the most specific of our classes the resource has."""
        types = sorted(str(t) for t in self.g.objects(u(iri), TYPE) if isinstance(t, URIRef))
        ours = [t for t in types if t.startswith(PG)] or types
        if not ours:
            return ""
        return local_name(max(ours, key=lambda t: (len(self.superclasses(t)), t)))

    def is_a(self, iri: str, cls: str) -> bool:
        for t in self.g.objects(u(iri), TYPE):
            if str(t) == cls or cls in self.superclasses(str(t)):
                return True
        return False

    def instances(self, cls: str) -> list[str]:
        found = {
            str(s)
            for s, t in self.g.subject_objects(TYPE)
            if isinstance(s, URIRef) and (str(t) == cls or cls in self.superclasses(str(t)))
        }
        return sorted(found)

    def texts(self, iri: str | Node, prop: str) -> dict[str, str]:
        """Language -> text ("" for none); the smallest text when a language has several."""
        out: dict[str, str] = {}
        node = u(iri) if isinstance(iri, str) else iri
        for value in sorted(self.g.objects(node, u(prop)), key=str):
            if isinstance(value, Literal):
                out.setdefault(value.language or "", str(value))
        return out

    def label(self, iri: str) -> dict[str, str]:
        """nb and en labels (falling back to the other language, then to the local name)."""
        for prop in (RDFS + "label", SKOS + "prefLabel", PG + "statement", DCT + "title"):
            texts = self.texts(iri, prop)
            if texts:
                return bilingual(texts)
        name = local_name(iri)
        return {"nb": name, "en": name}

    def values(self, iri: str, prop: str) -> list[Node]:
        return sorted(self.g.objects(u(iri), u(prop)), key=term_key)

    def iris(self, iri: str, prop: str) -> list[str]:
        return [str(v) for v in self.values(iri, prop) if isinstance(v, URIRef)]

    def subjects(self, prop: str, iri: str) -> list[str]:
        found = self.g.subjects(u(prop), u(iri))
        return sorted({str(s) for s in found if isinstance(s, URIRef)})

    def first(self, iri: str, prop: str) -> str | None:
        found = self.values(iri, prop)
        return str(found[0]) if found else None

    # ------------------------------------------------------------------ what gets a page
    @cached_property
    def actors(self) -> tuple[str, ...]:
        return tuple(i for i in self.instances(PG + "Actor"))

    @cached_property
    def documents(self) -> tuple[str, ...]:
        return tuple(i for i in self.instances(PG + "Document"))

    @cached_property
    def pages(self) -> dict[str, str]:
        """IRI -> file name of its page, for every claim, actor and document."""
        out: dict[str, str] = {}
        for kind, iris in ((CLAIM, self.claims), (ACTOR, self.actors), (DOCUMENT, self.documents)):
            out.update(file_names(kind, [i for i in iris if i not in out]))
        return out

    # ------------------------------------------------------------------ anchors
    @cached_property
    def anchors(self) -> tuple[Anchor, ...]:
        """Every text anchor reached by pg:anchor or pg:basisAnchor, sorted by position."""
        owners: dict[Node, set[str]] = {}
        for prop in ("anchor", "basisAnchor"):
            for resource, anchor in self.g.subject_objects(u(PG + prop)):
                if isinstance(anchor, BNode | URIRef):
                    owners.setdefault(anchor, set()).add(str(resource))
        found = []
        for node, resources in owners.items():
            document = self.g.value(node, u(PG + "sourceDocument"))
            found.append(
                Anchor(
                    anchor=str(node) if isinstance(node, URIRef) else "",
                    document=str(document) if document is not None else None,
                    start=int_of(self.g.value(node, u(PREFIXES["oa"] + "start"))),
                    end=int_of(self.g.value(node, u(PREFIXES["oa"] + "end"))),
                    resources=tuple(sorted(resources)),
                )
            )
        found.sort(key=lambda a: (a.document or "", a.start or 0, -(a.end or 0), a.resources))
        # Blank-node anchors get names from their place in that order: the same on every build.
        named = [a if a.anchor else replace(a, anchor=f"_:anchor-{i}") for i, a in enumerate(found)]
        return tuple(
            sorted(named, key=lambda a: (a.document or "", a.start or 0, -(a.end or 0), a.anchor))
        )

    def anchors_of(self, resource: str) -> list[Anchor]:
        return [a for a in self.anchors if resource in a.resources]

    @cached_property
    def anchor_ids(self) -> dict[str, str]:
        """Anchor IRI -> the HTML id of its (first) highlight."""
        return {
            iri: "a-" + name for iri, name in unique_names(a.anchor for a in self.anchors).items()
        }


def term_key(node: Node) -> tuple[str, str, str, str]:
    """A sort key that tells every term apart (text alone does not: "x"@nb and "x"@en), so
    that pages come out the same whatever order a store returns them in."""
    language = getattr(node, "language", None) or ""
    datatype = getattr(node, "datatype", None) or ""
    return (type(node).__name__, str(node), language, str(datatype))


def bilingual(texts: dict[str, str]) -> dict[str, str]:
    """nb and en from language -> text, each falling back on the other or an untagged text."""
    fallback = texts.get("") or next(iter(texts.values()), "")
    nb = texts.get("nb") or texts.get("no") or texts.get("nn")
    en = texts.get("en")
    return {"nb": nb or en or fallback, "en": en or nb or fallback}


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(iri: str) -> str:
    """A readable name for ``iri`` made of letters, digits, dot, dash and underscore, with a
    short hash when the readable part had to be changed or is empty."""
    name = local_name(iri)
    cleaned = _UNSAFE.sub("-", name).strip("-.")[:80]
    if cleaned != name or not cleaned:
        cleaned = (cleaned + "-" if cleaned else "") + hashlib.sha256(iri.encode()).hexdigest()[:8]
    return cleaned


def unique_names(iris: Iterable[str]) -> dict[str, str]:
    """IRI -> a safe name, unique: a name two IRIs share gets each one's hash."""
    by_name: dict[str, list[str]] = {}
    for iri in sorted(set(iris)):
        by_name.setdefault(safe_name(iri), []).append(iri)
    out = {}
    for name, group in by_name.items():
        for iri in group:
            digest = hashlib.sha256(iri.encode()).hexdigest()[:8]
            out[iri] = name if len(group) == 1 else f"{name}-{digest}"
    return out


def file_names(kind: str, iris: Iterable[str]) -> dict[str, str]:
    """IRI -> ``KIND-NAME.html``, unique within the kind."""
    return {iri: f"{kind}-{name}.html" for iri, name in unique_names(iris).items()}
