"""Evidence traces: from a recommendation down its evidence links to the documents and text
spans behind every claim it rests on.

The links are read once into a networkx graph (an index invalidated when the graph changes);
traversal is iterative, so a 10,000-link chain never reaches Python's recursion limit, and
cycles are found as strongly connected components and reported, never followed twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from .model import AnchorRef, ModelView
from .namespaces import EVIDENCE_PROPERTIES, PG, PGC, RDFS_SUBPROPERTYOF, local_name, shorten

__all__ = ["EvidenceIndex", "EvidenceTrace", "TraceEdge", "TraceNode"]

_BASIS = {PGC + "basis-stated": "stated", PGC + "basis-inferred": "inferred"}


@dataclass(frozen=True)
class TraceNode:
    id: str
    type: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "label": self.label}


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
    _labels: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendation": self.recommendation,
            "statement": {"nb": self.statement.get("nb"), "en": self.statement.get("en")},
            "asserted_by": list(self.asserted_by),
            "addressed_to": list(self.addressed_to),
            "modality": self.modality,
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
    head = f"{shorten(rec)}  ({node.type if node else 'Claim'}"
    head += f", {trace.modality})" if trace.modality else ")"
    lines = [head]
    for lang in ("nb", "en"):
        if lang in trace.statement:
            lines.append(f"  {lang}: {trace.statement[lang]}")
    if trace.asserted_by:
        lines.append("  asserted by: " + ", ".join(shorten(a) for a in trace.asserted_by))
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
            f"{shorten(edge.target)} ({target.type if target else '?'})"
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


class EvidenceIndex:
    """Evidence links of one graph as a networkx DiGraph, with each link's basis."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.view = ModelView(graph)
        import networkx as nx  # imported when used: `policygraph stats` starts fast

        self.links = nx.DiGraph()
        props = set(EVIDENCE_PROPERTIES)
        # Sub-properties of pg:hasEvidence declared by a user count as evidence links too.
        frontier = [URIRef(PG + "hasEvidence")]
        while frontier:
            parent = frontier.pop()
            for child in graph.subjects(URIRef(RDFS_SUBPROPERTYOF), parent):
                if str(child) not in props:
                    props.add(str(child))
                    frontier.append(URIRef(str(child)))
        self.properties = tuple(sorted(props))
        qualified = self._qualifications()
        for prop in self.properties:
            for s, o in graph.subject_objects(URIRef(prop)):
                key = (str(s), prop, str(o))
                basis, rationale, anchor = qualified.get(key, (None, None, None))
                edge = TraceEdge(str(s), str(o), prop, basis, rationale, anchor)
                self.links.add_edge(str(s), str(o))
                self.links.edges[str(s), str(o)].setdefault("links", []).append(edge)

    def _qualifications(
        self,
    ) -> dict[tuple[str, str, str], tuple[str | None, str | None, AnchorRef | None]]:
        g = self.graph
        out: dict[tuple[str, str, str], tuple[str | None, str | None, AnchorRef | None]] = {}
        for claim, link in g.subject_objects(URIRef(PG + "qualifiedEvidence")):
            prop = g.value(link, URIRef(PG + "evidenceProperty"))
            target = g.value(link, URIRef(PG + "evidenceTarget"))
            if prop is None or target is None:
                continue
            basis_node = g.value(link, URIRef(PG + "basis"))
            basis = _BASIS.get(str(basis_node)) if basis_node is not None else None
            rationale_texts = self.view.texts(link, URIRef(PG + "rationale"))
            rationale = (
                rationale_texts.get("en")
                or rationale_texts.get("")
                or next(iter(rationale_texts.values()), None)
            )
            anchor_node = g.value(link, URIRef(PG + "basisAnchor"))
            anchor = self.view.anchor(anchor_node, link) if anchor_node is not None else None
            out[(str(claim), str(prop), str(target))] = (basis, rationale, anchor)
        return out

    def trace(self, start: str) -> EvidenceTrace:
        import networkx as nx

        g, view = self.graph, self.view
        reached = [start]
        if start in self.links:
            # Sorted neighbours: the order does not depend on how the graph was stored.
            tree = nx.bfs_tree(self.links, start, sort_neighbors=sorted)
            reached += [n for n in tree if n != start]
        sub = self.links.subgraph(reached)
        order = {claim: i for i, claim in enumerate(reached)}
        edges = sorted(
            (e for _, _, data in sub.edges(data=True) for e in data["links"]),
            key=lambda e: (order[e.source], e.predicate, e.target),
        )
        cycles = []
        for component in nx.strongly_connected_components(sub):
            if len(component) > 1 or sub.has_edge(*(2 * tuple(component))):
                cycles.append(tuple(sorted(component)))
        cycles.sort()
        nodes: list[TraceNode] = []
        anchors: list[AnchorRef] = []
        sources: list[SourceLink] = []
        unsupported = []
        for claim in reached:
            node = URIRef(claim)
            nodes.append(TraceNode(claim, view.most_specific_type(node), view.label(node)))
            anchors += view.anchors_of(node)
            stated = view.iris(node, PG + "statedIn")
            relayed = view.iris(node, PG + "relayedIn")
            sources += [SourceLink(claim, d, "statedIn") for d in stated]
            sources += [SourceLink(claim, d, "relayedIn") for d in relayed]
            if not stated and not relayed:
                unsupported.append(claim)
        rec = URIRef(start)
        modality = g.value(rec, URIRef(PG + "modality"))
        return EvidenceTrace(
            recommendation=start,
            statement=view.statement(rec),
            asserted_by=tuple(view.iris(rec, PG + "assertedBy")),
            addressed_to=tuple(view.iris(rec, PG + "addressedTo")),
            nodes=tuple(nodes),
            edges=tuple(edges),
            anchors=tuple(anchors),
            unsupported=tuple(unsupported),
            sources=tuple(sources),
            cycles=tuple(cycles),
            modality=local_name(str(modality)).removeprefix("modality-") if modality else None,
        )
