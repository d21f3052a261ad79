"""Traces carry each claim's epistemic strength and how its attribution is known (issue 14)."""

from __future__ import annotations

import json

import pytest

import policygraph as pg
from policygraph.namespaces import local_name


@pytest.fixture(scope="module")
def graph() -> pg.PolicyGraph:
    return pg.load()


def _recorded(graph: pg.PolicyGraph, prop: str) -> dict[str, str]:
    rows = graph.query(f"SELECT ?c ?v WHERE {{ ?c pg:{prop} ?v }}")
    return {str(c): local_name(str(v)).split("-", 1)[1] for c, v in rows}


def test_every_node_of_every_trace_carries_the_recorded_strength(graph: pg.PolicyGraph) -> None:
    strengths = _recorded(graph, "strength")
    assert strengths, "the bundled data records strengths"
    seen = 0
    for trace in graph.trace_all():
        assert trace.strength == strengths[trace.recommendation]
        for node in trace.nodes:
            assert node.strength == strengths[node.id]
            seen += 1
    assert seen > len(list(graph.recommendations()))


def test_text_and_json_show_strength_and_inferred_attribution(graph: pg.PolicyGraph) -> None:
    inferred = _recorded(graph, "attributionBasis")
    claim = next(c for c, basis in sorted(inferred.items()) if basis == "inferred")
    trace = graph.trace(claim)
    assert trace.attribution == "inferred" and trace.attribution_rationale
    text = str(trace)
    head = text.splitlines()[0]
    assert head.endswith(f"; {trace.strength})")
    assert f"(inferred: {trace.attribution_rationale})" in text
    data = json.loads(trace.to_json())
    assert data["strength"] == trace.strength
    assert data["attribution"] == {"basis": "inferred", "rationale": trace.attribution_rationale}
    assert all(node["strength"] for node in data["nodes"])


def test_stated_attribution_is_not_flagged(graph: pg.PolicyGraph) -> None:
    inferred = set(_recorded(graph, "attributionBasis"))
    claim = next(str(r) for r in graph.recommendations() if str(r) not in inferred)
    trace = graph.trace(claim)
    assert trace.attribution in (None, "stated")
    assert "(inferred" not in str(trace).split("\n  addressed to")[0]
