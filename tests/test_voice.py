"""Voice, proven by data: the valid examples give no finding, every invalid example gives exactly
the (rule, claim, asserter) it declares, every rule has an invalid example, and the bundled
data puts every checked claim in the right mouth. The examples are checked with the texts of
tests/voice/sources, the bundled data with its own source texts when they are here."""

from __future__ import annotations

from pathlib import Path

import pytest

import policygraph as pg
from policygraph.errors import AnchorError
from policygraph.voice import check_voice
from tests.expectations import expected
from tests.test_bundled_data import sources_dir

HERE = Path(__file__).parent / "voice"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
EX = "https://example.org/voice/"
SOURCES = HERE / "sources"
RULES = {
    "event-narrated-by-article",
    "report-claim-by-maker",
    "headline-in-publication-voice",
    "headline-is-its-own-claim",
    "speaker-only-a-pronoun",
}


def findings(path: Path) -> set[tuple[str, ...]]:
    graph = pg.load(path, bundled_data=False, store="rdflib").graph
    return {
        tuple(x for x in (f.rule, f.claim, f.asserter) if x)
        for f in check_voice(graph, sources=SOURCES)
    }


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
    found = sources_dir()
    if found is None:
        pytest.skip("the source texts (../shared/sources) are not here")
    assert check_voice(graph, sources=found) == ()


def test_the_headline_rules_need_the_texts() -> None:
    path = HERE / "invalid" / "headline-and-body-in-one-claim.ttl"
    graph = pg.load(path, bundled_data=False, store="rdflib").graph
    assert check_voice(graph) == ()  # without the texts no span is known to be a headline
    with pytest.raises(AnchorError, match="sources folder not found"):
        check_voice(graph, sources=HERE / "no-such-folder")


def test_a_relayer_is_named_as_one() -> None:
    path = HERE / "invalid" / "report-finding-asserted-by-the-relaying-journalist.ttl"
    (finding,) = check_voice(pg.load(path, bundled_data=False, store="rdflib").graph)
    assert "only relays it" in finding.message
    assert finding.as_dict()["documents"] == [EX + "report"]
