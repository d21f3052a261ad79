"""Voice, proven by data: the valid examples give no finding, every invalid example gives exactly
the (rule, claim, asserter) it declares, every rule has an invalid example, and the bundled
data puts every checked claim in the right mouth."""

from __future__ import annotations

from pathlib import Path

import pytest

import policygraph as pg
from policygraph.voice import check_voice
from tests.expectations import expected

HERE = Path(__file__).parent / "voice"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
EX = "https://example.org/voice/"
RULES = {"event-narrated-by-article", "report-claim-by-maker"}


def findings(path: Path) -> set[tuple[str, ...]]:
    graph = pg.load(path, bundled_data=False, store="rdflib").graph
    return {(f.rule, f.claim, f.asserter) for f in check_voice(graph)}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_voices_give_no_finding(path: Path) -> None:
    assert findings(path) == set()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_voices_give_exactly_the_declared_findings(path: Path) -> None:
    declared = expected(path, EX)
    assert declared, f"{path.name} declares no '# expect:' lines"
    assert findings(path) == declared


def test_every_rule_has_an_invalid_example() -> None:
    assert {rule for path in INVALID for rule, *_ in expected(path, EX)} == RULES


def test_the_bundled_data_gives_every_claim_its_voice() -> None:
    graph = pg.load(store="rdflib").graph
    assert check_voice(graph) == ()


def test_a_relayer_is_named_as_one() -> None:
    path = HERE / "invalid" / "report-finding-asserted-by-the-relaying-journalist.ttl"
    (finding,) = check_voice(pg.load(path, bundled_data=False, store="rdflib").graph)
    assert "only relays it" in finding.message
    assert finding.as_dict()["documents"] == [EX + "report"]
