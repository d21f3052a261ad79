"""Statement strength, proven by data: the valid examples give no finding, every invalid example
gives exactly the (rule, claim, language) it declares, every rule has an invalid example, and
the bundled data and the whole SHACL suite are worded no more strongly than recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

import policygraph as pg
from policygraph.errors import PolicyGraphError
from policygraph.strength import check_strength
from tests.expectations import expected

HERE = Path(__file__).parent
VALID = sorted((HERE / "strength" / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "strength" / "invalid").glob("*.ttl"))
SHAPE_SUITE = sorted((HERE / "shapes").glob("*/*.ttl"))
EX = "https://example.org/strength/"
RULES = {"hedge-missing", "stronger-cue", "stronger-modality"}


def findings(path: Path) -> set[tuple[str, ...]]:
    graph = pg.load(path, bundled_data=False, store="rdflib").graph
    return {(f.rule, f.claim, f.language) for f in check_strength(graph)}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_wording_gives_no_finding(path: Path) -> None:
    assert findings(path) == set()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_wording_gives_exactly_the_declared_findings(path: Path) -> None:
    declared = expected(path, EX)
    assert declared, f"{path.name} declares no '# expect:' lines"
    assert findings(path) == declared


def test_every_rule_has_an_invalid_example() -> None:
    covered = {rule for path in INVALID for rule, *_ in expected(path, EX)}
    assert covered == RULES


def test_the_bundled_data_is_no_stronger_than_recorded() -> None:
    graph = pg.load(store="rdflib").graph
    assert check_strength(graph) == ()
    strength = URIRef("https://w3id.org/policygraph/ontology#strength")
    assert len(set(graph.subjects(strength, None))) == 55  # every bundled claim was judged


@pytest.mark.parametrize("path", SHAPE_SUITE, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_shape_suite_is_no_stronger_than_recorded(path: Path) -> None:
    assert findings(path) == set()


def test_a_finding_names_the_cue_and_the_strengths() -> None:
    path = HERE / "strength" / "invalid" / "shown-word-for-an-asserted-claim.ttl"
    graph = pg.load(path, bundled_data=False, store="rdflib").graph
    nb = [f for f in check_strength(graph) if f.language == "nb"]
    assert [(f.cue, f.as_dict()["rule"]) for f in nb] == [("viser", "stronger-cue")]
    assert "shown" in nb[0].message and "asserted" in nb[0].message
    assert nb[0].statement.startswith("Erfaringen viser")


def test_the_hedge_message_lists_the_accepted_words() -> None:
    path = HERE / "strength" / "invalid" / "appears-hedge-dropped.ttl"
    graph = pg.load(path, bundled_data=False, store="rdflib").graph
    (nb,) = [f for f in check_strength(graph) if f.language == "nb"]
    assert "framstår" in nb.message and "kan" in nb.message and "bidrar til" not in nb.message


def test_the_graph_is_only_read() -> None:
    graph = pg.load(INVALID[0], bundled_data=False, store="rdflib").graph
    before = len(graph)
    check_strength(graph)
    assert len(graph) == before


def test_a_graph_without_the_strength_scheme_is_an_error() -> None:
    bare = Graph().parse(INVALID[0])
    with pytest.raises(PolicyGraphError, match="load the policygraph concepts"):
        check_strength(bare)
