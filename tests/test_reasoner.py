"""The ontology in an OWL reasoner, as a knowledge engineer would open it: HermiT (bundled with
owlready2, run on Java) finds the ontology with its concept schemes consistent with no
unsatisfiable class, and the ontology with the bundled data consistent, literals of datatypes
outside the OWL 2 map ignored (HermiT's own option; SHACL checks those datatypes).

Skips without Java or owlready2, unless POLICYGRAPH_REQUIRE_JAVA=1 (set by .ci/run), when their
absence fails the run instead.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from policygraph import _resources

REQUIRED = os.environ.get("POLICYGRAPH_REQUIRE_JAVA") == "1"
EX = "@prefix ex: <https://example.org/reasoner/> .\n"
OWL = "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"


@pytest.fixture(scope="module", autouse=True)
def java() -> None:
    missing = []
    if shutil.which("java") is None:
        missing.append("java")
    try:
        import owlready2  # noqa: F401
    except ImportError:
        missing.append("owlready2")
    if missing and REQUIRED:
        pytest.fail(f"POLICYGRAPH_REQUIRE_JAVA=1 but {' and '.join(missing)} missing")
    if missing:
        pytest.skip(f"{' and '.join(missing)} not here (POLICYGRAPH_REQUIRE_JAVA=1 to require)")


@dataclass(frozen=True)
class Verdict:
    consistent: bool
    unsatisfiable: tuple[str, ...]


def hermit(graph: Graph, workdir: Path, *, ignore_unsupported_datatypes: bool = False) -> Verdict:
    """HermiT's verdict on ``graph``, through owlready2 (N-Triples in, classification out)."""
    import owlready2

    path = workdir / "input.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(
            world, debug=0, ignore_unsupported_datatypes=ignore_unsupported_datatypes
        )
    except owlready2.OwlReadyInconsistentOntologyError:
        return Verdict(False, ())
    nothing = "http://www.w3.org/2002/07/owl#Nothing"  # listed with any class equal to it
    unsatisfiable = tuple(sorted(c.iri for c in world.inconsistent_classes() if c.iri != nothing))
    return Verdict(True, unsatisfiable)


def ontology() -> Graph:
    graph = Graph()
    for path in _resources.ontology_files():
        graph.parse(path)
    return graph


def test_the_ontology_is_consistent_with_no_unsatisfiable_class(tmp_path: Path) -> None:
    assert hermit(ontology(), tmp_path) == Verdict(True, ())


def test_the_ontology_with_the_bundled_data_is_consistent(tmp_path: Path) -> None:
    graph = ontology()
    for path in _resources.data_files():
        graph.parse(path)
    assert len(graph) > 2000
    verdict = hermit(graph, tmp_path, ignore_unsupported_datatypes=True)
    assert verdict == Verdict(True, ())


def test_an_unsatisfiable_class_is_found(tmp_path: Path) -> None:
    graph = ontology().parse(
        data=EX + OWL + "ex:Impossible a owl:Class ; owl:equivalentClass owl:Nothing .",
        format="turtle",
    )
    assert hermit(graph, tmp_path).unsatisfiable == ("https://example.org/reasoner/Impossible",)


def test_an_inconsistent_graph_is_found(tmp_path: Path) -> None:
    graph = ontology().parse(
        data=EX
        + OWL
        + "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        + "ex:Neither a owl:Class ; owl:equivalentClass owl:Nothing .\n"
        + "ex:x a pg:Claim, ex:Neither .",
        format="turtle",
    )
    assert hermit(graph, tmp_path).consistent is False


def test_a_date_range_is_refused_as_the_issue_found(tmp_path: Path) -> None:
    """The fault of issue 14 put back: HermiT refuses xsd:date in an axiom outright."""
    import owlready2

    graph = ontology().parse(
        data="@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        "pg:startDate <http://www.w3.org/2000/01/rdf-schema#range> "
        "<http://www.w3.org/2001/XMLSchema#date> .",
        format="turtle",
    )
    with pytest.raises(owlready2.OwlReadyJavaError, match="XMLSchema#date"):
        hermit(graph, tmp_path)
