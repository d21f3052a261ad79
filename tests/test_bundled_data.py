"""The bundled claims graph: counts, required fields, anchors against the source texts, and the
traces an analyst relies on."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import policygraph as pg
from policygraph.cli import cli

PG = "https://w3id.org/policygraph/ontology#"
CLAIM = "https://w3id.org/policygraph/id/claim/"
DOC = "https://w3id.org/policygraph/id/doc/"
ACTOR = "https://w3id.org/policygraph/id/actor/"
ROOT = Path(__file__).resolve().parents[1]
# A statement sharing this many consecutive words with a source text counts as copied.
RUN = 6


def sources_dir() -> Path | None:
    configured = os.environ.get("POLICYGRAPH_SOURCES")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT.parent / "shared" / "sources")
    return next((c for c in candidates if c.is_dir()), None)


@pytest.fixture(scope="module")
def bundled() -> pg.PolicyGraph:
    return pg.load(store="rdflib")


@pytest.fixture(scope="module")
def sources() -> Path:
    found = sources_dir()
    if found is None:
        pytest.skip("the source texts (../shared/sources) are not here")
    return found


def test_claim_counts_by_type(bundled: pg.PolicyGraph) -> None:
    stats = bundled.stats()
    assert stats["claims_by_type"] == {
        "Finding": 22,
        "Recommendation": 11,
        "PolicyGoal": 4,
        "Statement": 13,
        "Event": 5,
    }
    assert stats["claims"] == 55
    assert stats["anchors"] == 65
    assert stats["links_by_basis"] == {"inferred": 21, "stated": 8}


# The one recommendation the text gives no reason for: the call for more research (issue 14).
UNJUSTIFIED = CLAIM + "ntnu-more-research"


def test_conforms_with_only_the_honest_gap(bundled: pg.PolicyGraph) -> None:
    report = bundled.validate()
    assert report.conforms, str(report)
    assert [(r.shape.rsplit("#", 1)[1], r.focus, r.severity) for r in report.results] == [
        ("RecommendationJustifiedBy", UNJUSTIFIED, "Warning")
    ], str(report)


def test_the_only_gap_is_the_unjustified_call(bundled: pg.PolicyGraph) -> None:
    gaps = bundled.gaps()
    assert [g.resource for g in gaps] == [UNJUSTIFIED], gaps


def test_every_claim_is_complete(bundled: pg.PolicyGraph) -> None:
    rows = bundled.query("""
        SELECT ?c WHERE {
            ?c a ?t . ?t rdfs:subClassOf* pg:Claim .
            FILTER NOT EXISTS {
                ?c pg:assertedBy ?a ; pg:statedIn ?d ; pg:anchor ?x ; pg:topic ?topic .
                ?c pg:statement ?nb . FILTER(lang(?nb) = "nb")
                ?c pg:statement ?en . FILTER(lang(?en) = "en")
            }
        }""")
    assert len(rows) == 0, [str(r[0]) for r in rows]


def test_every_recommendation_has_modality_and_reasons(bundled: pg.PolicyGraph) -> None:
    for trace in bundled.trace_all():
        assert trace.modality in {"must", "should", "calls-for"}, trace.recommendation
        assert trace.edges or trace.recommendation == UNJUSTIFIED, trace.recommendation
        assert trace.asserted_by and trace.anchors
        assert all(e.basis in {"stated", "inferred"} for e in trace.edges)


def test_article_name_of_the_law_is_an_alternative_label(bundled: pg.PolicyGraph) -> None:
    rows = bundled.query(
        "SELECT ?law ?id WHERE { ?law skos:altLabel ?name ; pg:lovdataId ?id }",
        name=pg_literal("helse- og omsorgsloven", "nb"),
    )
    assert [(str(r[0]), str(r[1])) for r in rows] == [
        (DOC + "helse-og-omsorgstjenesteloven", "LOV-2011-06-24-30")
    ]


def pg_literal(text: str, lang: str) -> object:
    from rdflib import Literal

    return Literal(text, lang=lang)


def test_national_strategy_rests_on_the_reasons_the_report_gives(bundled: pg.PolicyGraph) -> None:
    trace = bundled.trace("ntnu-national-strategy")
    stated = {e.target for e in trace.edges if e.basis == "stated"}
    assert stated == {
        CLAIM + "ntnu-measures-need-coordination",
        CLAIM + "ntnu-fragmented-responsibility",
    }
    assert all(e.anchor is not None for e in trace.edges if e.basis == "stated")
    direct = [e for e in trace.edges if e.source == trace.recommendation]
    inferred = [e for e in direct if e.basis == "inferred"]
    assert {e.target for e in inferred} == {
        CLAIM + "ntnu-separate-implementation-demanding",
        CLAIM + "ntnu-structures-disfavour-prevention",
    }
    assert all(e.rationale for e in inferred)
    assert trace.asserted_by == (ACTOR + "ntnu-researchers",)
    assert trace.addressed_to == (ACTOR + "myndighetene",)
    assert trace.modality == "should"
    assert {s.document for s in trace.sources} == {
        DOC + "ntnu-ks-report",
        DOC + "article-ntnu-ks-folkehelse",
    }


def test_competence_recommendation_and_its_qualification(bundled: pg.PolicyGraph) -> None:
    trace = bundled.trace("ntnu-upgrade-competence")
    edges = {
        (e.target.removeprefix(CLAIM), e.predicate.removeprefix(PG), e.basis) for e in trace.edges
    }
    assert edges == {
        ("ntnu-gps-lack-competence", "justifiedBy", "inferred"),
        ("ntnu-communication-skills", "qualifiedBy", "stated"),
    }
    assert trace.modality == "must"


def test_strengthen_gp_scheme_reasons(bundled: pg.PolicyGraph) -> None:
    trace = bundled.trace("hermansen-strengthen-gp-scheme")
    direct = {
        e.target.removeprefix(CLAIM): e.basis
        for e in trace.edges
        if e.source == trace.recommendation
    }
    assert direct == {
        "hermansen-ageing-multimorbidity": "stated",
        "hermansen-gain-can-grow": "inferred",
        "lf-good-tools": "inferred",
        "gatekeeper-role-holds-its-place": "inferred",
    }
    reached = set(trace.claims)
    assert CLAIM + "gatekeeper-outcomes" in reached  # the gatekeeper conclusion rests on it
    assert CLAIM + "lf-requires-municipal-will" in reached  # qualifies the good-tools finding
    assert trace.asserted_by == (ACTOR + "marit-hermansen",)


def test_documents_and_identifiers(bundled: pg.PolicyGraph) -> None:
    rows = bundled.query(
        "SELECT ?id WHERE { ?w a pg:WhitePaper ; pg:whitePaperId ?id } ORDER BY ?id"
    )
    assert [str(r[0]) for r in rows] == [
        "Meld. St. 19 (2014–2015)",
        "Meld. St. 26 (2014–2015)",
        "Meld. St. 34 (2012–2013)",
    ]
    rows = bundled.query("SELECT ?id WHERE { ?l a pg:Law ; pg:lovdataId ?id } ORDER BY ?id")
    assert [str(r[0]) for r in rows] == ["LOV-2011-06-24-29", "LOV-2011-06-24-30"]
    report = bundled.describe("ntnu-ks-report")
    assert report["properties"][PG + "commissionedBy"] == [ACTOR + "ks"]
    assert sorted(report["properties"]["http://purl.org/dc/terms/creator"]) == [
        ACTOR + "ntnu-ism",
        ACTOR + "ntnu-researchers",
    ]


def test_organisation_parts_and_roles(bundled: pg.PolicyGraph) -> None:
    rows = bundled.query("""
        SELECT ?org ?start WHERE {
            ?r org:member actor:marit-hermansen ; org:organization ?org ;
               org:role pgc:role-president ; pg:startDate ?start }""")
    assert [(str(r[0]), str(r[1])) for r in rows] == [(ACTOR + "legeforeningen", "2015-09-01")]
    assert bundled.query("ASK { actor:ntnu-ism org:subOrganizationOf actor:ntnu }").boolean


def test_statements_are_written_in_our_own_words(bundled: pg.PolicyGraph, sources: Path) -> None:
    words = []
    for path in sorted(sources.glob("*.txt")):
        words.append(re.findall(r"\w+", path.read_text(encoding="utf-8").lower()))
    runs = set()
    for text in words:
        runs.update(tuple(text[i : i + RUN]) for i in range(len(text) - RUN + 1))
    rows = bundled.query("SELECT ?s WHERE { ?c pg:statement ?s FILTER(lang(?s) = 'nb') }")
    for (statement,) in rows:
        tokens = re.findall(r"\w+", str(statement).lower())
        copied = [
            tokens[i : i + RUN]
            for i in range(len(tokens) - RUN + 1)
            if tuple(tokens[i : i + RUN]) in runs
        ]
        assert not copied, (str(statement), copied)


def test_article_hashes_match_the_files(bundled: pg.PolicyGraph, sources: Path) -> None:
    rows = bundled.query("SELECT ?sha WHERE { ?d a pg:NewsArticle ; pg:textSha256 ?sha }")
    expected = {hashlib.sha256(p.read_bytes()).hexdigest() for p in sources.glob("*.txt")}
    assert {str(r[0]) for r in rows} == expected


def test_every_anchor_verifies_against_the_sources(sources: Path) -> None:
    result = CliRunner().invoke(cli, ["anchors", "--sources", str(sources), "--format", "json"])
    rows = json.loads(result.stdout)
    failed = [r for r in rows if not r["verified"]]
    assert result.exit_code == 0 and not failed, failed
    assert len(rows) >= 90


def test_coverage_leaves_only_headings_bylines_and_credits(sources: Path) -> None:
    result = CliRunner().invoke(cli, ["coverage", "--sources", str(sources), "--format", "json"])
    reports = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    uncovered = {name: [u["text"] for u in r["uncovered"]] for name, r in reports.items()}
    assert uncovered["000_32a0c0a4580c3275.txt"] == [
        "Dette er funnene:",
        "Etterlyser felles forståelse",
        "Vil ha nasjonal strategi",
    ]
    assert uncovered["001_8eacf37f8e3bf6c4.txt"] == [
        "AKTUELT I FORENINGEN",
        "Foto: Thomas Barstad Eckhoff/Legeforeningen",
        "## Presenterer nye rapporter",
        "## Ber kommunene ta grep",
        "## Verdifull portnerrolle",
        "© Tidsskrift for Den norske legeforening 2026.",
        "Lastet ned fra tidsskriftet.no 7. juli 2026.",
    ]
