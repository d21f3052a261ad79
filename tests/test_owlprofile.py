"""The OWL 2 DL profile check, proven by data (valid/invalid example ontologies) and held over the
bundled ontology with its concept schemes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from policygraph import _resources
from policygraph.owlprofile import OWL2_DATATYPES, check_owl2_dl
from tests.expectations import expected

HERE = Path(__file__).parent / "owlprofile"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
EX = "https://example.org/owl/"
RULES = {
    "datatype-outside-map",
    "property-kind-clash",
    "sub-property-across-kinds",
    "reserved-vocabulary-as-class",
    "undeclared-entity",
}


def violations(graph: Graph) -> set[tuple[str, str]]:
    # Blank nodes (restrictions) have no stable name: compare them as "_:".
    return {(v.rule, "_:" if v.term.startswith("_:") else v.term) for v in check_owl2_dl(graph)}


def ontology() -> Graph:
    graph = Graph()
    for path in _resources.ontology_files():  # the ontology and its concept schemes
        graph.parse(path)
    return graph


def test_the_bundled_ontology_and_concepts_are_owl2_dl() -> None:
    graph = ontology()
    assert len(graph) > 500
    assert check_owl2_dl(graph) == ()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_ontologies_pass(path: Path) -> None:
    assert violations(Graph().parse(path)) == set()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_ontologies_give_exactly_the_declared_violations(path: Path) -> None:
    declared = expected(path, EX)
    assert declared, f"{path.name} declares no '# expect:' lines"
    assert violations(Graph().parse(path)) == declared


def test_every_rule_has_an_invalid_example() -> None:
    assert {rule for path in INVALID for rule, _ in expected(path, EX)} == RULES


def test_the_datatype_map_is_the_owl2_one() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert xsd + "dateTime" in OWL2_DATATYPES and xsd + "integer" in OWL2_DATATYPES
    for outside in ("date", "gYear", "gYearMonth", "time", "duration"):
        assert xsd + outside not in OWL2_DATATYPES


def test_the_graph_is_only_read() -> None:
    graph = Graph().parse(INVALID[0])
    before = set(graph)
    check_owl2_dl(graph)
    assert set(graph) == before
