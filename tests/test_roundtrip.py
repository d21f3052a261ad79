"""Property-based round trips: random datasets written in every format policygraph writes, read
back, compared by isomorphism and by exact lexical forms; a second export is byte-identical.
Run on every store. Examples per format: POLICYGRAPH_HYPOTHESIS_EXAMPLES (default 150; 3000
with --slow)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from rdflib import BNode, Dataset, Graph, Literal
from rdflib.compare import isomorphic

import policygraph as pg
from policygraph.graph import PolicyGraph

from .strategies import datasets

SLOW = os.environ.get("POLICYGRAPH_SLOW") == "1"
EXAMPLES = int(os.environ.get("POLICYGRAPH_HYPOTHESIS_EXAMPLES", 3000 if SLOW else 150))
FORMATS = {"turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld"}
QUAD_FORMATS = {"nquads", "trig", "jsonld"}
STORES = ["rdflib"]
try:
    import pyoxigraph  # noqa: F401

    STORES.append("oxigraph")
except ImportError:  # pragma: no cover - the fast extra is optional
    pass


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


def round_trip(ds: Dataset, fmt: str, store: str) -> None:
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
        original, reread = by_graph(ds), by_graph(loaded)
        assert {k for k, g in original.items() if len(g)} == {
            k for k, g in reread.items() if len(g)
        }
        for name, graph in original.items():
            if not any(isinstance(t, BNode) for triple in graph for t in triple):
                assert isomorphic(graph, reread.get(name, Graph())), name
    assert again == first, "a second export differs"


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip(fmt: str, store: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not SLOW,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(datasets(named_graphs=fmt in QUAD_FORMATS))
    def check(ds: Dataset) -> None:
        round_trip(ds, fmt, store)

    check()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_empty_graph_round_trips(fmt: str) -> None:
    round_trip(Dataset(), fmt, "rdflib")


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "trig"])
def test_bundled_export_is_identical_under_any_hash_seed(fmt: str) -> None:
    code = (
        "import policygraph as pg, sys; "
        f"sys.stdout.write(pg.load(store='rdflib').export(format='{fmt}'))"
    )
    outputs = set()
    for seed in ("0", "1", "12345", "random"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1


def test_bundled_export_reloads_isomorphic_in_every_format(tmp_path: Path) -> None:
    graph = pg.load(store="rdflib")
    for fmt, ext in FORMATS.items():
        path = tmp_path / f"bundled{ext}"
        graph.export(path, fmt)
        back = PolicyGraph()
        back.add_file(path)
        assert isomorphic(union(graph.graph), union(back.graph)), fmt
