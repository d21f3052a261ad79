"""Evidence traces: from a recommendation down its evidence links to the documents and text
spans behind every claim it rests on.

The index reads the store through the seam (``Store.triples``), so the same code runs on every
store. One trace reads only what it reaches (a handful of point look-ups, so a trace is fast
right after loading even a large graph); ``prefetch()`` reads every predicate a trace needs in
one pass per predicate, for tracing everything. Traversal is iterative (a 10,000-link chain
never reaches Python's recursion limit) and cycles are found as strongly connected components
and reported, never followed twice.
"""

from __future__ import annotations

import functools
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef

from ._nogc import collector_paused
from .model import AnchorRef, int_of, language_texts, most_specific_type, preferred_label
from .namespaces import (
    EVIDENCE_PROPERTIES,
    PG,
    PGC,
    PREFIXES,
    RDF_TYPE,
    RDFS_LABEL,
    RDFS_SUBCLASSOF,
    RDFS_SUBPROPERTYOF,
    local_name,
    shorten,
)

if TYPE_CHECKING:
    from rdflib.term import Node

    from .stores.base import Store

__all__ = ["EvidenceIndex", "EvidenceTrace", "TraceEdge", "TraceNode"]

_BASIS = {PGC + "basis-stated": "stated", PGC + "basis-inferred": "inferred"}
_PREF = PREFIXES["skos"] + "prefLabel"
_START = PREFIXES["oa"] + "start"
_END = PREFIXES["oa"] + "end"
# Every predicate a trace, the gaps and the stats read.
_NEEDED = (
    RDF_TYPE,
    RDFS_LABEL,
    _PREF,
    PG + "statement",
    PG + "anchor",
    PG + "sourceDocument",
    _START,
    _END,
    PG + "spanSha256",
    PG + "textSha256",
    PG + "statedIn",
    PG + "relayedIn",
    PG + "assertedBy",
    PG + "addressedTo",
    PG + "modality",
    PG + "strength",
    PG + "attributionBasis",
    PG + "attributionRationale",
    PG + "topic",
    PG + "qualifiedEvidence",
    PG + "evidenceProperty",
    PG + "evidenceTarget",
    PG + "basis",
    PG + "basisAnchor",
    PG + "rationale",
)

_NOTHING: dict[str, list[Any]] = {}  # the table of a subject with no triple read (never filled)
_ANCHOR = PG + "anchor"
_SOURCE_DOCUMENT = PG + "sourceDocument"
_TEXT_SHA = PG + "textSha256"
_SPAN_SHA = PG + "spanSha256"
_QUALIFIED = PG + "qualifiedEvidence"
_EVIDENCE_PROPERTY = PG + "evidenceProperty"
_EVIDENCE_TARGET = PG + "evidenceTarget"
_BASIS_PROPERTY = PG + "basis"
_BASIS_ANCHOR = PG + "basisAnchor"
_RATIONALE = PG + "rationale"
_STATED_IN = PG + "statedIn"
_RELAYED_IN = PG + "relayedIn"
_STRENGTH = PG + "strength"
# What a trace reads of each kind of node it reaches (the recommendation itself: everything).
_CLAIM_READS = (RDF_TYPE, RDFS_LABEL, _PREF, PG + "statement", _STRENGTH, _STATED_IN)
_CLAIM_READS_TOO = (_RELAYED_IN, _ANCHOR, _QUALIFIED)
_ANCHOR_READS = frozenset((_SOURCE_DOCUMENT, _START, _END, _SPAN_SHA))
_LINK_READS = frozenset(
    (_EVIDENCE_PROPERTY, _EVIDENCE_TARGET, _BASIS_PROPERTY, _RATIONALE, _BASIS_ANCHOR)
)
_DOCUMENT_READS = frozenset((_TEXT_SHA,))


@functools.lru_cache(maxsize=256)
def _term(iri: str) -> URIRef:
    """The rdflib term of a predicate the index reads (made once: URIRef checks its text)."""
    return URIRef(iri)


def _first(table: dict[str, list[Any]], pred: str) -> Any:
    """The first object of ``pred`` in a subject's table, or None."""
    objects = table.get(pred)
    return objects[0] if objects else None


@dataclass(frozen=True)
class TraceNode:
    """One claim reached; ``strength`` is the epistemic strength its source uses ("shown",
    "likely", "appears", ...), None where the data does not record one."""

    id: str
    type: str
    label: str
    strength: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "label": self.label, "strength": self.strength}


@dataclass(frozen=True)
class TraceEdge:
    """One evidence link; ``basis`` is "stated", "inferred" or None when the data lacks it."""

    source: str
    target: str
    predicate: str
    basis: str | None
    rationale: str | None = None
    anchor: AnchorRef | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": self.source,
            "to": self.target,
            "predicate": self.predicate,
            "basis": self.basis,
        }
        if self.rationale:
            out["rationale"] = self.rationale
        if self.anchor is not None:
            out["anchor"] = self.anchor.to_dict()
        return out


@dataclass(frozen=True)
class SourceLink:
    claim: str
    document: str
    relation: str  # "statedIn" or "relayedIn"

    def to_dict(self) -> dict[str, str]:
        return {"claim": self.claim, "document": self.document, "relation": self.relation}


@dataclass(frozen=True)
class EvidenceTrace:
    """Everything behind one recommendation (or any claim)."""

    recommendation: str
    statement: dict[str, str]
    asserted_by: tuple[str, ...]
    addressed_to: tuple[str, ...]
    nodes: tuple[TraceNode, ...]
    edges: tuple[TraceEdge, ...]
    anchors: tuple[AnchorRef, ...]
    unsupported: tuple[str, ...]
    sources: tuple[SourceLink, ...] = ()
    cycles: tuple[tuple[str, ...], ...] = ()
    modality: str | None = None
    strength: str | None = None
    # How the data knows who asserts the claim: "stated" by the text, or "inferred" by the
    # curators (with their reason), as when a quote names its speaker only as «hun».
    attribution: str | None = None
    attribution_rationale: str | None = None
    _labels: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendation": self.recommendation,
            "statement": {"nb": self.statement.get("nb"), "en": self.statement.get("en")},
            "asserted_by": list(self.asserted_by),
            "addressed_to": list(self.addressed_to),
            "modality": self.modality,
            "strength": self.strength,
            "attribution": (
                {"basis": self.attribution, "rationale": self.attribution_rationale}
                if self.attribution
                else None
            ),
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "anchors": [a.to_dict() for a in self.anchors],
            "sources": [s.to_dict() for s in self.sources],
            "unsupported": list(self.unsupported),
            "cycles": [list(c) for c in self.cycles],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @property
    def claims(self) -> tuple[str, ...]:
        """Every claim reached, the recommendation first."""
        return tuple(n.id for n in self.nodes if n.type != "document")

    def __str__(self) -> str:
        return render_text(self)

    def _repr_html_(self) -> str:
        from .notebook import trace_html

        return trace_html(self)


def _short_doc(anchor: AnchorRef) -> str:
    return shorten(anchor.document or "?")


def _kind(node: TraceNode | None) -> str:
    if node is None:
        return "?"
    return f"{node.type}; {node.strength}" if node.strength else node.type


def render_text(trace: EvidenceTrace) -> str:
    nodes = {n.id: n for n in trace.nodes}
    out_edges: dict[str, list[TraceEdge]] = {}
    for e in trace.edges:
        out_edges.setdefault(e.source, []).append(e)
    anchors: dict[str, list[AnchorRef]] = {}
    for a in trace.anchors:
        anchors.setdefault(a.resource, []).append(a)
    sources: dict[str, list[SourceLink]] = {}
    for s in trace.sources:
        sources.setdefault(s.claim, []).append(s)

    def describe(claim: str, pad: str) -> list[str]:
        lines = []
        where = [f"{s.relation} {shorten(s.document)}" for s in sources.get(claim, [])]
        if where:
            lines.append(pad + "; ".join(where))
        spans = [f"{_short_doc(a)} [{a.start}, {a.end})" for a in anchors.get(claim, [])]
        if spans:
            lines.append(pad + "spans: " + ", ".join(spans))
        return lines

    rec = trace.recommendation
    node = nodes.get(rec)
    kind = ", ".join(k for k in (node.type if node else "Claim", trace.modality) if k)
    head = f"{shorten(rec)}  ({kind}" + (f"; {trace.strength})" if trace.strength else ")")
    lines = [head]
    for lang in ("nb", "en"):
        if lang in trace.statement:
            lines.append(f"  {lang}: {trace.statement[lang]}")
    if trace.asserted_by:
        who = ", ".join(shorten(a) for a in trace.asserted_by)
        if trace.attribution == "inferred":
            who += " (inferred" + (
                f": {trace.attribution_rationale})" if trace.attribution_rationale else ")"
            )
        lines.append("  asserted by: " + who)
    if trace.addressed_to:
        lines.append("  addressed to: " + ", ".join(shorten(a) for a in trace.addressed_to))
    lines += describe(rec, "  ")
    printed = {rec}
    stack: list[tuple[TraceEdge, str]] = [(e, "  ") for e in reversed(out_edges.get(rec, []))]
    while stack:
        edge, pad = stack.pop()
        target = nodes.get(edge.target)
        basis = edge.basis or "basis missing"
        lines.append(
            f"{pad}└─ {local_name(edge.predicate)} [{basis}] -> "
            f"{shorten(edge.target)} ({_kind(target)})"
        )
        inner = pad + "     "
        if edge.anchor is not None:
            lines.append(
                f"{inner}stated at {_short_doc(edge.anchor)} "
                f"[{edge.anchor.start}, {edge.anchor.end})"
            )
        if edge.rationale:
            lines.append(f"{inner}curator's reason: {edge.rationale}")
        if edge.target in printed:
            lines.append(inner + "(shown above)")
            continue
        printed.add(edge.target)
        if target:
            lines.append(inner + target.label)
        lines += describe(edge.target, inner)
        stack.extend((e, inner) for e in reversed(out_edges.get(edge.target, [])))
    if trace.cycles:
        for cycle in trace.cycles:
            lines.append("  cycle: " + " -> ".join(shorten(c) for c in cycle))
    if trace.unsupported:
        lines.append("  no source: " + ", ".join(shorten(c) for c in trace.unsupported))
    return "\n".join(lines)


def _has_cycle(nodes: list[str], successors: dict[str, list[str]]) -> bool:
    """True when the links among ``nodes`` (every successor of one is one of them) hold a
    cycle: Kahn's algorithm peels off nodes with no incoming link until none is left."""
    incoming = dict.fromkeys(nodes, 0)
    for node in nodes:
        for target in successors[node]:
            incoming[target] += 1
    ready = [node for node, n in incoming.items() if n == 0]
    peeled = 0
    while ready:
        node = ready.pop()
        peeled += 1
        for target in successors[node]:
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return peeled < len(nodes)


def _concept_name(concept: Node | None, prefix: str) -> str | None:
    """pgc:strength-likely -> "likely"; None stays None."""
    return local_name(str(concept)).removeprefix(prefix) if concept is not None else None


class EvidenceIndex:
    """Evidence links and the model around them, read from a store through the seam."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # subject text -> predicate IRI -> objects. Keyed by text, not by rdflib term: looking
        # a plain str up compares in C, a term would call rdflib's __eq__ on every hit.
        self._by_subject: dict[str, dict[str, list[Node]]] = {}
        # subject text -> the predicates read for it so far
        self._fetched: dict[str, frozenset[str]] = {}
        self._blank: set[str] = set()
        self._complete = False
        self._nodes: dict[str, tuple[TraceNode, list[AnchorRef], list[SourceLink], bool]] = {}
        self._edges: dict[str, list[TraceEdge]] = {}
        self._succ: dict[str, list[str]] = {}
        self._links_graph: Any = None

        from ._instances import superclass_closure

        self._ancestors = superclass_closure(self._pairs(RDFS_SUBCLASSOF))

        props = set(EVIDENCE_PROPERTIES)
        frontier = [PG + "hasEvidence"]
        sub_property = URIRef(RDFS_SUBPROPERTYOF)
        while frontier:
            super_property = URIRef(frontier.pop())
            for child_node, _, _ in store.triples(None, sub_property, super_property):
                name = str(child_node)
                if name not in props:
                    props.add(name)
                    frontier.append(name)
        self.properties = tuple(sorted(props))
        self._wanted = frozenset(_NEEDED) | frozenset(self.properties)
        # What a trace reads of each kind of node, and which links lead to which kind.
        self._claim_role = frozenset((*_CLAIM_READS, *_CLAIM_READS_TOO, *self.properties))
        self._follow_roles = (
            *((prop, self._claim_role) for prop in self.properties),
            (_ANCHOR, _ANCHOR_READS),
            (_BASIS_ANCHOR, _ANCHOR_READS),
            (_QUALIFIED, _LINK_READS),
            (_SOURCE_DOCUMENT, _DOCUMENT_READS),
        )
        self._terms_of = {
            role: [_term(p) for p in sorted(role)]
            for role in (
                self._wanted,
                self._claim_role,
                _ANCHOR_READS,
                _LINK_READS,
                _DOCUMENT_READS,
            )
        }
        self._wanted_list = self._terms_of[self._wanted]
        claim = URIRef(PG + "Claim")
        self._claim_classes = {claim} | {c for c, anc in self._ancestors.items() if claim in anc}

    # ------------------------------------------------------------------ reading the store
    def _pairs(self, pred: str) -> Iterable[tuple[Node, Node]]:
        for s, _, o in self.store.triples(None, URIRef(pred), None):
            yield s, o

    def prefetch(self) -> None:
        """Read every predicate a trace needs, one pass per predicate (for tracing
        everything)."""
        if self._complete:
            return
        with collector_paused():
            self._by_subject = self._read_wanted()
        self._complete = True

    def _read_wanted(self) -> dict[str, dict[str, list[Node]]]:
        by_subject: dict[str, dict[str, list[Node]]] = {}
        blank = self._blank
        for pred_term in self._wanted_list:
            pred = str(pred_term)
            for s, _, o in self.store.triples(None, pred_term, None):
                key = str(s)
                table = by_subject.get(key)
                if table is None:
                    by_subject[key] = {pred: [o]}
                    if type(s) is BNode:
                        blank.add(key)
                    continue
                objects = table.get(pred)
                if objects is None:
                    table[pred] = [o]
                else:
                    objects.append(o)
        return by_subject

    def _fetch_many(self, subjects: list[Node], role: frozenset[str]) -> None:
        """Read the predicates of ``role`` that have not been read yet for ``subjects``."""
        fetched = self._fetched
        missing: dict[frozenset[str], list[Node]] = {}
        for subject in subjects:
            key = str(subject)
            done = fetched.get(key)
            todo = role if done is None else role - done
            if todo:
                missing.setdefault(todo, []).append(subject)
                fetched[key] = role if done is None else done | role
                if type(subject) is BNode:
                    self._blank.add(key)
        by_subject = self._by_subject
        for todo, batch in missing.items():
            last: Node | None = None
            table: dict[str, list[Node]] = {}
            wanted = self._terms_of.get(todo) or [_term(p) for p in sorted(todo)]
            for s, p, o in self.store.outgoing(batch, wanted):
                if s is not last:
                    last = s
                    table = by_subject.setdefault(str(s), {})
                pred = str(p)
                objects = table.get(pred)
                if objects is None:
                    table[pred] = [o]
                else:
                    objects.append(o)

    def _walk(self, starts: Iterable[Node]) -> None:
        """Read what traces from ``starts`` read, one call of ``Store.outgoing`` per level of
        the walk and kind of node (claims, qualified links, anchors, documents), each with
        only the predicates read of that kind: a handful of calls, not one per node."""
        if self._complete:
            return
        by_subject = self._by_subject
        visited: set[str] = set()
        level = {str(start): (start, self._wanted) for start in starts}  # all of a start
        follow = self._follow_roles
        while level:
            by_role: dict[frozenset[str], list[Node]] = {}
            for node, role in level.values():
                by_role.setdefault(role, []).append(node)
            for role, nodes in by_role.items():
                self._fetch_many(nodes, role)
            visited.update(level)
            following: dict[str, tuple[Node, frozenset[str]]] = {}
            for key in level:
                table = by_subject.get(key)
                if not table:
                    continue
                for pred, role in follow:
                    for o in table.get(pred, ()):
                        if type(o) is not Literal:
                            text = str(o)
                            if text not in visited:
                                following[text] = (o, role)
            level = following

    def _props(
        self, subject: Node | str, role: frozenset[str] | None = None
    ) -> dict[str, list[Node]]:
        """Predicate IRI -> objects of ``subject`` (a term, or an IRI as plain text): those of
        ``role`` (default: every predicate the index reads) are sure to have been read."""
        plain = type(subject) is str
        key: str = subject if plain else str(subject)  # type: ignore[assignment]
        if not self._complete:
            done = self._fetched.get(key)
            needed = self._wanted if role is None else role
            if done is None or not needed <= done:
                self._fetch_many([URIRef(key) if plain else subject], needed)  # type: ignore[list-item]
        return self._by_subject.get(key, _NOTHING)

    def objects(self, subject: Node, pred: str) -> list[Any]:
        return self._props(subject).get(pred, [])

    def value(self, subject: Any, pred: str) -> Any:
        objects = self._props(subject).get(pred)
        return objects[0] if objects else None

    # ------------------------------------------------------------------ the model (as ModelView)
    def instances(self, cls: str) -> list[str]:
        """IRIs (and blank-node ids) of instances of ``cls`` or a subclass, sorted."""
        target = URIRef(cls)
        classes = {target} | {c for c, anc in self._ancestors.items() if target in anc}
        type_ = URIRef(RDF_TYPE)
        found = {str(s) for c in classes for s, _, _ in self.store.triples(None, type_, c)}
        return sorted(found)

    def is_claim(self, ref: str) -> bool:
        """True when ``ref`` is the IRI of an instance of pg:Claim or a subclass."""
        node = URIRef(ref)
        return any(t in self._claim_classes for t in self.objects(node, RDF_TYPE))

    def _most_specific_type(self, node: Any) -> str:
        return most_specific_type(self.objects(node, RDF_TYPE), self._ancestors)

    def _texts(self, node: Any, pred: str) -> dict[str, str]:
        return language_texts(self.objects(node, pred))

    def _label(self, claim: str, table: dict[str, list[Node]]) -> str:
        return preferred_label(claim, lambda prop: language_texts(table.get(str(prop), ())))

    def _iris(self, node: Any, pred: str) -> list[str]:
        return sorted(str(o) for o in self.objects(node, pred))

    def _anchor(self, anchor: Any, resource: str) -> AnchorRef:
        table = self._props(anchor, _ANCHOR_READS)
        document = _first(table, _SOURCE_DOCUMENT)
        sha = _first(self._props(document, _DOCUMENT_READS), _TEXT_SHA) if document else None
        span = _first(table, _SPAN_SHA)
        return AnchorRef(
            anchor=str(anchor),
            resource=resource,
            document=str(document) if document is not None else None,
            document_sha256=str(sha) if sha is not None else None,
            start=int_of(_first(table, _START)),
            end=int_of(_first(table, _END)),
            span_sha256=str(span) if span is not None else None,
        )

    def _anchors_of(self, table: dict[str, list[Node]], resource: str) -> list[AnchorRef]:
        refs = [self._anchor(a, resource) for a in table.get(_ANCHOR, ())]
        return sorted(refs, key=lambda a: (a.document or "", a.start or 0, a.end or 0, a.anchor))

    # ------------------------------------------------------------------ links
    def _qualifications(
        self, table: dict[str, list[Node]]
    ) -> dict[tuple[str, str], tuple[str | None, str | None, AnchorRef | None]]:
        out: dict[tuple[str, str], tuple[str | None, str | None, AnchorRef | None]] = {}
        for link in table.get(_QUALIFIED, ()):
            qualified = self._props(link, _LINK_READS)
            prop = _first(qualified, _EVIDENCE_PROPERTY)
            target = _first(qualified, _EVIDENCE_TARGET)
            if prop is None or target is None:
                continue
            basis_node = _first(qualified, _BASIS_PROPERTY)
            basis = _BASIS.get(str(basis_node)) if basis_node is not None else None
            texts = language_texts(qualified.get(_RATIONALE, ()))
            rationale = texts.get("en") or texts.get("") or next(iter(texts.values()), None)
            anchor_node = _first(qualified, _BASIS_ANCHOR)
            anchor = self._anchor(anchor_node, str(link)) if anchor_node is not None else None
            out[(str(prop), str(target))] = (basis, rationale, anchor)
        return out

    def edges_from(self, claim: str) -> list[TraceEdge]:
        edges = self._edges.get(claim)
        if edges is None:
            table = self._props(claim, self._claim_role)
            edges = []
            qualified: dict[tuple[str, str], Any] | None = None
            for prop in self.properties:
                for o in table.get(prop, ()):
                    if qualified is None:
                        qualified = self._qualifications(table)
                    basis, rationale, anchor = qualified.get((prop, str(o)), (None, None, None))
                    edges.append(TraceEdge(claim, str(o), prop, basis, rationale, anchor))
            self._edges[claim] = edges
            self._succ[claim] = sorted({e.target for e in edges})
        return edges

    def successors(self, claim: str) -> list[str]:
        if claim not in self._succ:
            self.edges_from(claim)
        return self._succ[claim]

    # ------------------------------------------------------------------ traces
    def _node(self, claim: str) -> tuple[TraceNode, list[AnchorRef], list[SourceLink], bool]:
        found = self._nodes.get(claim)
        if found is None:
            table = self._props(claim, self._claim_role)
            stated = sorted(str(o) for o in table.get(_STATED_IN, ()))
            relayed = sorted(str(o) for o in table.get(_RELAYED_IN, ()))
            sources = [SourceLink(claim, d, "statedIn") for d in stated]
            sources += [SourceLink(claim, d, "relayedIn") for d in relayed]
            found = (
                TraceNode(
                    claim,
                    most_specific_type(table.get(RDF_TYPE, ()), self._ancestors),
                    self._label(claim, table),
                    _concept_name(_first(table, _STRENGTH), "strength-"),
                ),
                self._anchors_of(table, claim),
                sources,
                not stated and not relayed,
            )
            self._nodes[claim] = found
        return found

    def trace(self, start: str) -> EvidenceTrace:
        with collector_paused():
            return self._trace(start)

    def _trace(self, start: str) -> EvidenceTrace:
        self._walk([URIRef(start)])
        reached = [start]
        seen = {start}
        queue = deque([start])
        while queue:
            for target in self.successors(queue.popleft()):
                if target not in seen:
                    seen.add(target)
                    reached.append(target)
                    queue.append(target)
        order = {claim: i for i, claim in enumerate(reached)}
        edges = [e for claim in reached for e in self.edges_from(claim)]
        edges.sort(key=lambda e: (order[e.source], e.predicate, e.target))
        cycles: list[tuple[str, ...]] = []
        if len(edges) >= len(reached) and _has_cycle(reached, self._succ):
            import networkx as nx

            sub = nx.DiGraph()
            sub.add_edges_from((e.source, e.target) for e in edges)
            for component in nx.strongly_connected_components(sub):
                if len(component) > 1 or sub.has_edge(*(2 * tuple(component))):
                    cycles.append(tuple(sorted(component)))
            cycles.sort()
        nodes: list[TraceNode] = []
        anchors: list[AnchorRef] = []
        sources: list[SourceLink] = []
        unsupported: list[str] = []
        for claim in reached:
            trace_node, claim_anchors, claim_sources, bare = self._node(claim)
            nodes.append(trace_node)
            anchors += claim_anchors
            sources += claim_sources
            if bare:
                unsupported.append(claim)
        rec = URIRef(start)
        modality = self.value(rec, PG + "modality")
        rationale = self.value(rec, PG + "attributionRationale")
        return EvidenceTrace(
            recommendation=start,
            statement=self._texts(rec, PG + "statement"),
            asserted_by=tuple(self._iris(rec, PG + "assertedBy")),
            addressed_to=tuple(self._iris(rec, PG + "addressedTo")),
            nodes=tuple(nodes),
            edges=tuple(edges),
            anchors=tuple(anchors),
            unsupported=tuple(unsupported),
            sources=tuple(sources),
            cycles=tuple(cycles),
            modality=_concept_name(modality, "modality-"),
            strength=_concept_name(self.value(rec, PG + "strength"), "strength-"),
            attribution=_concept_name(self.value(rec, PG + "attributionBasis"), "basis-"),
            attribution_rationale=str(rationale) if rationale is not None else None,
        )

    # ------------------------------------------------------------------ the whole link graph
    def all_edges(self) -> list[TraceEdge]:
        """Every evidence link with its qualification (for gaps and stats)."""
        self.prefetch()
        out = []
        properties = self.properties
        subjects = [
            s for s, table in self._by_subject.items() if any(p in table for p in properties)
        ]
        for s in sorted(subjects):
            out += self.edges_from(s) if s not in self._blank else []
        return out

    @property
    def links(self) -> Any:
        """The links as a networkx DiGraph shaped like ``EvidenceIndex.links``."""
        if self._links_graph is None:
            import networkx as nx

            graph = nx.DiGraph()
            for edge in self.all_edges():
                graph.add_edge(edge.source, edge.target)
                graph.edges[edge.source, edge.target].setdefault("links", []).append(edge)
            self._links_graph = graph
        return self._links_graph

    def stats(self, triples: int) -> dict[str, Any]:
        def count(cls: str) -> int:
            return len(self.instances(PG + cls))

        claims = {
            c: count(c) for c in ("Finding", "Recommendation", "PolicyGoal", "Statement", "Event")
        }
        bases: dict[str, int] = {}
        for edge in self.all_edges():
            key = edge.basis or "missing"
            bases[key] = bases.get(key, 0) + 1
        return {
            "triples": triples,
            "claims": count("Claim"),
            "claims_by_type": claims,
            "documents": count("Document"),
            "actors": count("Actor"),
            "anchors": count("TextAnchor"),
            "evidence_links": sum(bases.values()),
            "links_by_basis": dict(sorted(bases.items())),
        }
