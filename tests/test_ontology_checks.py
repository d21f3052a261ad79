"""Ontology quality checks as SPARQL: each ontology/checks/*-violation.rq fails when it returns a
row. Run over the ontology, concepts, shapes and bundled data; and each is shown to catch a
broken graph, so none passes by returning nothing for everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
CHECKS = sorted((ROOT / "ontology" / "checks").glob("*-violation.rq"))

BROKEN = """
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
pg:Unlabelled a owl:Class .
<urn:x> a pg:NoSuchClass ; pg:noSuchProperty 1 ; pg:topic <urn:not-a-concept> .
<urn:shape> sh:targetClass pg:AlsoMissing .
<urn:concept> a skos:Concept ; skos:prefLabel "bare bokmål"@nb .
"""


@pytest.fixture(scope="module")
def everything() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    return graph


def test_there_are_checks() -> None:
    assert len(CHECKS) >= 6


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_finds_nothing(everything: Graph, check: Path) -> None:
    rows = list(everything.query(check.read_text(encoding="utf-8")))
    assert not rows, "\n".join(" ".join(str(t) for t in row) for row in rows)


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_catches_a_broken_graph(check: Path) -> None:
    graph = Graph().parse(data=BROKEN, format="turtle")
    assert list(graph.query(check.read_text(encoding="utf-8")))
