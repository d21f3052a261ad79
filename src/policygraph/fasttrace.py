"""Evidence traces read straight from an Oxigraph store, through plain dictionaries.

The same traces as ``trace.EvidenceIndex`` (the reference, over rdflib): the same nodes, edges,
anchors, sources and cycles in the same order; ``tests/test_fast_paths.py`` holds them equal.
One trace reads only what it reaches (a handful of point look-ups in the store, so a trace is
fast right after loading even a large graph); ``prefetch()`` reads every predicate a trace
needs in one pass per predicate, for tracing everything.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from .model import AnchorRef
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
)
from .trace import EvidenceTrace, SourceLink, TraceEdge, TraceNode

__all__ = ["OxigraphEvidenceIndex"]

_BASIS = {PGC + "basis-stated": "stated", PGC + "basis-inferred": "inferred"}
_PREF = PREFIXES["skos"] + "prefLabel"
_START = PREFIXES["oa"] + "start"
_END = PREFIXES["oa"] + "end"
_LABEL_PROPS = (RDFS_LABEL, _PREF, PG + "statement")
# Every predicate a trace reads.
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
    PG + "qualifiedEvidence",
    PG + "evidenceProperty",
    PG + "evidenceTarget",
    PG + "basis",
    PG + "basisAnchor",
    PG + "rationale",
)


def _int(node: Any) -> int | None:
    import pyoxigraph as ox

    if isinstance(node, ox.Literal):
        try:
            return int(node.value)
        except ValueError:
            return None
    return None


class OxigraphEvidenceIndex:
    """Evidence links and the model around them, read from a ``pyoxigraph.Store``."""

    def __init__(self, store: Any) -> None:
        import pyoxigraph as ox

        self.store = store
        self._ox = ox
        self._named = any(True for _ in store.named_graphs())
        self._by_pred: dict[str, dict[Any, list[Any]]] = {}
        self._fetched: set[Any] = set()
        self._complete = False
        self._nodes: dict[str, tuple[TraceNode, list[AnchorRef], list[SourceLink], bool]] = {}
        self._edges: dict[str, list[TraceEdge]] = {}
        self._succ: dict[str, list[str]] = {}
        self._links_graph: Any = None

        parents: dict[Any, set[Any]] = {}
        for child, parent in self._pairs(RDFS_SUBCLASSOF):
            parents.setdefault(child, set()).add(parent)
        closure: dict[Any, set[Any]] = {}
        for start in parents:
            seen: set[Any] = set()
            stack = list(parents[start])
            while stack:
                node = stack.pop()
                if node not in seen:
                    seen.add(node)
                    stack.extend(parents.get(node, ()))
            closure[start] = seen
        self._ancestors = closure

        props = set(EVIDENCE_PROPERTIES)
        frontier = [PG + "hasEvidence"]
        while frontier:
            parent = frontier.pop()
            for q in store.quads_for_pattern(
                None, ox.NamedNode(RDFS_SUBPROPERTYOF), ox.NamedNode(parent)
            ):
                child = q.subject.value
                if child not in props:
                    props.add(child)
                    frontier.append(child)
        self.properties = tuple(sorted(props))
        self._wanted = frozenset(_NEEDED) | frozenset(self.properties)
        claim = ox.NamedNode(PG + "Claim")
        self._claim_classes = {claim} | {c for c, anc in closure.items() if claim in anc}

    # ------------------------------------------------------------------ reading the store
    def _pairs(self, pred: str) -> Iterable[tuple[Any, Any]]:
        seen: set[tuple[Any, Any]] = set()
        for q in self.store.quads_for_pattern(None, self._ox.NamedNode(pred), None):
            pair = (q.subject, q.object)
            if self._named:
                if pair in seen:
                    continue
                seen.add(pair)
            yield pair

    def prefetch(self) -> None:
        """Read every predicate a trace needs, once (for tracing everything)."""
        if self._complete:
            return
        named = self._named
        for pred in sorted(self._wanted):
            table: dict[Any, list[Any]] = {}
            for q in self.store.quads_for_pattern(None, self._ox.NamedNode(pred), None):
                objects = table.get(q.subject)
                if objects is None:
                    table[q.subject] = [q.object]
                elif not named or q.object not in objects:
                    objects.append(q.object)
            self._by_pred[pred] = table
        self._complete = True

    def _fetch(self, subject: Any) -> None:
        wanted = self._wanted
        by_pred = self._by_pred
        for q in self.store.quads_for_pattern(subject, None, None):
            pred = q.predicate.value
            if pred in wanted:
                objects = by_pred.setdefault(pred, {}).setdefault(subject, [])
                if not self._named or q.object not in objects:
                    objects.append(q.object)
        self._fetched.add(subject)

    def objects(self, subject: Any, pred: str) -> list[Any]:
        if not self._complete and subject not in self._fetched:
            self._fetch(subject)
        return self._by_pred.get(pred, {}).get(subject, [])

    def value(self, subject: Any, pred: str) -> Any:
        objects = self.objects(subject, pred)
        return objects[0] if objects else None

    # ------------------------------------------------------------------ the model (as ModelView)
    def instances(self, cls: str) -> list[str]:
        """IRIs (and blank-node ids) of instances of ``cls`` or a subclass, sorted."""
        ox = self._ox
        target = ox.NamedNode(cls)
        classes = {target} | {c for c, anc in self._ancestors.items() if target in anc}
        type_ = ox.NamedNode(RDF_TYPE)
        found = {
            q.subject.value for c in classes for q in self.store.quads_for_pattern(None, type_, c)
        }
        return sorted(found)

    def is_claim(self, ref: str) -> bool:
        """True when ``ref`` is the IRI of an instance of pg:Claim or a subclass."""
        try:
            node = self._ox.NamedNode(ref)
        except ValueError:
            return False
        return any(t in self._claim_classes for t in self.objects(node, RDF_TYPE))

    def _most_specific_type(self, node: Any) -> str:
        named = self._ox.NamedNode
        types = {t for t in self.objects(node, RDF_TYPE) if isinstance(t, named)}
        if not types:
            return ""
        ours = [t for t in types if t.value.startswith(PG)] or list(types)
        best = max(ours, key=lambda t: (len(self._ancestors.get(t, ())), t.value))
        return local_name(best.value)

    def _texts(self, node: Any, pred: str) -> dict[str, str]:
        literal = self._ox.Literal
        out: dict[str, str] = {}
        for value in sorted(self.objects(node, pred), key=lambda t: t.value):
            if isinstance(value, literal):
                out.setdefault(value.language or "", value.value)
        return out

    def _label(self, node: Any) -> str:
        for pred in _LABEL_PROPS:
            texts = self._texts(node, pred)
            for lang in ("en", "nb", ""):
                if lang in texts:
                    return texts[lang]
            if texts:
                return next(iter(texts.values()))
        return local_name(node.value)

    def _iris(self, node: Any, pred: str) -> list[str]:
        return sorted(o.value for o in self.objects(node, pred))

    def _anchor(self, anchor: Any, resource: str) -> AnchorRef:
        document = self.value(anchor, PG + "sourceDocument")
        sha = self.value(document, PG + "textSha256") if document is not None else None
        span = self.value(anchor, PG + "spanSha256")
        return AnchorRef(
            anchor=anchor.value,
            resource=resource,
            document=document.value if document is not None else None,
            document_sha256=sha.value if sha is not None else None,
            start=_int(self.value(anchor, _START)),
            end=_int(self.value(anchor, _END)),
            span_sha256=span.value if span is not None else None,
        )

    def _anchors_of(self, node: Any, resource: str) -> list[AnchorRef]:
        refs = [self._anchor(a, resource) for a in self.objects(node, PG + "anchor")]
        return sorted(refs, key=lambda a: (a.document or "", a.start or 0, a.end or 0, a.anchor))

    # ------------------------------------------------------------------ links
    def _qualifications(
        self, claim: Any
    ) -> dict[tuple[str, str], tuple[str | None, str | None, AnchorRef | None]]:
        out: dict[tuple[str, str], tuple[str | None, str | None, AnchorRef | None]] = {}
        for link in self.objects(claim, PG + "qualifiedEvidence"):
            prop = self.value(link, PG + "evidenceProperty")
            target = self.value(link, PG + "evidenceTarget")
            if prop is None or target is None:
                continue
            basis_node = self.value(link, PG + "basis")
            basis = _BASIS.get(basis_node.value) if basis_node is not None else None
            texts = self._texts(link, PG + "rationale")
            rationale = texts.get("en") or texts.get("") or next(iter(texts.values()), None)
            anchor_node = self.value(link, PG + "basisAnchor")
            anchor = self._anchor(anchor_node, link.value) if anchor_node is not None else None
            out[(prop.value, target.value)] = (basis, rationale, anchor)
        return out

    def edges_from(self, claim: str) -> list[TraceEdge]:
        edges = self._edges.get(claim)
        if edges is None:
            node = self._ox.NamedNode(claim)
            edges = []
            qualified: dict[tuple[str, str], Any] | None = None
            for prop in self.properties:
                for o in self.objects(node, prop):
                    if qualified is None:
                        qualified = self._qualifications(node)
                    basis, rationale, anchor = qualified.get((prop, o.value), (None, None, None))
                    edges.append(TraceEdge(claim, o.value, prop, basis, rationale, anchor))
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
            node = self._ox.NamedNode(claim)
            stated = self._iris(node, PG + "statedIn")
            relayed = self._iris(node, PG + "relayedIn")
            sources = [SourceLink(claim, d, "statedIn") for d in stated]
            sources += [SourceLink(claim, d, "relayedIn") for d in relayed]
            found = (
                TraceNode(claim, self._most_specific_type(node), self._label(node)),
                self._anchors_of(node, claim),
                sources,
                not stated and not relayed,
            )
            self._nodes[claim] = found
        return found

    def trace(self, start: str) -> EvidenceTrace:
        import networkx as nx

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
        if len(edges) >= len(reached):  # a DAG on n nodes reached from one has < n edges
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
        rec = self._ox.NamedNode(start)
        modality = self.value(rec, PG + "modality")
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
            modality=local_name(modality.value).removeprefix("modality-") if modality else None,
        )

    # ------------------------------------------------------------------ the whole link graph
    def all_edges(self) -> list[TraceEdge]:
        """Every evidence link with its qualification (for gaps and stats)."""
        self.prefetch()
        out = []
        subjects = {s for prop in self.properties for s in self._by_pred.get(prop, {})}
        for s in sorted(subjects, key=lambda t: t.value):
            out += self.edges_from(s.value) if isinstance(s, self._ox.NamedNode) else []
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
