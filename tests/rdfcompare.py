"""Comparing RDF the way the round-trip tests need: isomorphism of the union and of each named
graph, exact lexical forms, and byte-identical second exports."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from policygraph.graph import PolicyGraph

FORMATS = {"turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld"}
QUAD_FORMATS = {"nquads", "trig", "jsonld"}


def union(ds: Dataset) -> Graph:
    out = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        out.add((s, p, o))
    return out


def by_graph(ds: Dataset) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = str(getattr(g, "identifier", g))
        if name == "urn:x-rdflib:default":
            name = ""
        graphs.setdefault(name, Graph()).add((s, p, o))
    return graphs


def lexical_forms(graph: Graph) -> Counter[tuple[str, str, str]]:
    return Counter(
        (str(o), str(o.datatype or ""), (o.language or "").lower())
        for o in graph.objects()
        if isinstance(o, Literal)
    )


_QUAD = "urn:x-policygraph-test:"


def _quads(ds: Dataset) -> set[tuple[Node, Node, Node, Node]]:
    default = URIRef(_QUAD + "default")
    out = set()
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        out.add((s, p, o, default if name is None or name == DATASET_DEFAULT_GRAPH_ID else name))
    return out


def same_dataset(a: Dataset, b: Dataset) -> bool:
    """Whether two datasets are isomorphic, graph names included. Quads without blank nodes
    must be equal; the rest are compared as graphs in which each quad is a blank node with its
    four terms, so that blank-node graph names are matched too."""
    quads_a, quads_b = _quads(a), _quads(b)

    def has_bnode(quad: tuple[Node, ...]) -> bool:
        return any(isinstance(t, BNode) for t in quad)

    if {q for q in quads_a if not has_bnode(q)} != {q for q in quads_b if not has_bnode(q)}:
        return False

    def encode(quads: set[tuple[Node, Node, Node, Node]]) -> Graph:
        out = Graph()
        for quad in quads:
            if has_bnode(quad):
                node = BNode()
                for role, term in zip("spog", quad):
                    out.add((node, URIRef(_QUAD + role), term))
        return out

    return isomorphic(encode(quads_a), encode(quads_b))


def round_trip(ds: Dataset, fmt: str, store: str) -> None:
    """Export ``ds`` as ``fmt``, read it back on ``store``: the same graph (the same dataset for
    quad formats), every literal's lexical form kept, and a second export byte-identical."""
    first = PolicyGraph(ds).export(format=fmt)
    assert first is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"g{FORMATS[fmt]}"
        path.write_text(first, encoding="utf-8")
        back = PolicyGraph(store=store)
        back.add_file(path)
        again = back.export(format=fmt)
    loaded = back.graph
    assert isomorphic(union(ds), union(loaded)), first
    assert lexical_forms(union(ds)) == lexical_forms(union(loaded)), first
    if fmt in QUAD_FORMATS:
        assert same_dataset(ds, loaded), first
    assert again == first, f"a second export differs:\n{first}\n---\n{again}"
