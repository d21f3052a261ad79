"""The library surface on a small fixture graph: load, query, trace, gaps, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

import policygraph as pg
from policygraph.errors import (
    ExportError,
    ParseError,
    QueryError,
    QueryRefusedError,
    UnknownResourceError,
)

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small-claims.ttl"
EX = "https://example.org/test/"
PG = "https://w3id.org/policygraph/ontology#"


def triples_of(g: pg.PolicyGraph) -> Graph:
    out = Graph()
    for triple in g.graph.triples((None, None, None)):
        out.add(triple)
    return out


@pytest.fixture(scope="module")
def small() -> pg.PolicyGraph:
    return pg.load(SMALL, bundled_data=False)


def test_import_does_no_work() -> None:
    import subprocess
    import sys

    code = "import sys, policygraph; print('rdflib' in sys.modules, 'pyshacl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_load_includes_ontology_and_caller_files(small: pg.PolicyGraph) -> None:
    g = small.graph
    assert (URIRef(PG + "Recommendation"), None, None) in g
    assert (URIRef(EX + "rec-train"), None, None) in g
    assert small.recommendations() == [EX + "rec-train"]
    assert set(small.claims()) == {
        EX + s for s in ("rec-train", "find-gap", "find-time", "find-survey")
    }


def test_load_without_bundled_data_has_no_bundled_claims(small: pg.PolicyGraph) -> None:
    assert all(c.startswith(EX) for c in small.claims())


def test_query_has_prefixes_and_binds_values_safely(small: pg.PolicyGraph) -> None:
    result = small.query(
        "SELECT ?f WHERE { ?rec pg:justifiedBy ?f } ORDER BY ?f", rec=URIRef(EX + "rec-train")
    )
    assert result.columns == ("f",)
    assert [str(r[0]) for r in result.rows] == [EX + "find-gap", EX + "find-time"]
    hostile = '"} ; DROP ALL ; SELECT * { ?s ?p ?o'
    assert len(small.query("SELECT ?s WHERE { ?s pg:statement ?text }", text=hostile)) == 0


def test_query_renderings(small: pg.PolicyGraph) -> None:
    result = small.query(
        "SELECT ?c ?t WHERE { ?c pg:statement ?t FILTER(lang(?t) = 'en') } ORDER BY ?c LIMIT 2"
    )
    data = json.loads(result.to_json())
    assert data["head"]["vars"] == ["c", "t"]
    assert data["results"]["bindings"][0]["t"]["xml:lang"] == "en"
    csv_lines = result.to_csv().splitlines()
    assert csv_lines[0] == "c,t" and len(csv_lines) == 3
    assert "(2 rows)" in result.to_text()
    assert small.query("ASK { ?s a pg:Recommendation }").boolean is True


@pytest.mark.parametrize(
    ("sparql", "error"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", QueryRefusedError),
        ("DELETE WHERE { ?s ?p ?o }", QueryRefusedError),
        ("LOAD <http://example.org/data.ttl>", QueryRefusedError),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", QueryRefusedError),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", QueryRefusedError),
        ("SELEKT * WHERE { ?s ?p ?o }", QueryError),
        ("SELECT * WHERE { " * 200 + "}" * 200, QueryError),
    ],
)
def test_query_refuses_and_rejects(small: pg.PolicyGraph, sparql: str, error: type) -> None:
    with pytest.raises(error):
        small.query(sparql)


def test_query_does_not_mutate(small: pg.PolicyGraph) -> None:
    before = len(small.graph)
    with pytest.raises(QueryRefusedError):
        small.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert len(small.graph) == before


def test_trace_follows_links_with_basis_and_anchors(small: pg.PolicyGraph) -> None:
    trace = small.trace("rec-train")
    assert trace.recommendation == EX + "rec-train"
    assert trace.statement == {
        "nb": "Opplæringen bør styrkes.",
        "en": "Training should be strengthened.",
    }
    assert trace.asserted_by == (EX + "researchers",)
    assert trace.addressed_to == (EX + "council",)
    assert trace.modality == "should"
    assert set(trace.claims) == {
        EX + s for s in ("rec-train", "find-gap", "find-time", "find-survey")
    }
    edges = {(e.source, e.target, e.predicate, e.basis) for e in trace.edges}
    assert edges == {
        (EX + "rec-train", EX + "find-gap", PG + "justifiedBy", "stated"),
        (EX + "rec-train", EX + "find-time", PG + "justifiedBy", "inferred"),
        (EX + "find-gap", EX + "find-survey", PG + "supportedBy", "stated"),
    }
    assert {a.resource for a in trace.anchors} == set(trace.claims)
    assert trace.unsupported == ()
    assert trace.cycles == ()
    data = trace.to_dict()
    assert set(data) >= {
        "recommendation",
        "statement",
        "asserted_by",
        "addressed_to",
        "nodes",
        "edges",
        "anchors",
        "unsupported",
    }
    assert {"from", "to", "predicate", "basis"} <= set(data["edges"][0])
    assert set(data["anchors"][0]) == {"resource", "document", "document_sha256", "start", "end"}
    text = str(trace)
    assert "justifiedBy [inferred]" in text and "find-survey" in text


@pytest.mark.parametrize("ref", [EX + "rec-train", "rec-train"])
def test_trace_accepts_iri_and_slug(small: pg.PolicyGraph, ref: str) -> None:
    assert small.trace(ref).recommendation == EX + "rec-train"


def test_trace_accepts_curie() -> None:
    g = pg.load(bundled_data=False)
    g.graph.add(
        (
            URIRef("https://w3id.org/policygraph/id/claim/x"),
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef(PG + "Recommendation"),
        )
    )
    g.invalidate()
    assert g.trace("claim:x").recommendation.endswith("/claim/x")


def test_unknown_id_suggests_close_matches(small: pg.PolicyGraph) -> None:
    with pytest.raises(UnknownResourceError) as info:
        small.trace("rec-trian")
    assert EX + "rec-train" in " ".join(info.value.suggestions) or any(
        "rec-train" in s for s in info.value.suggestions
    )
    assert "did you mean" in str(info.value)


def test_trace_reports_cycles_and_sourceless_claims(tmp_path: Path) -> None:
    extra = tmp_path / "cycle.ttl"
    extra.write_text(
        f"""
        @prefix pg: <{PG}> . @prefix ex: <{EX}> .
        ex:find-survey pg:supportedBy ex:find-loop .
        ex:find-loop a pg:Finding ; pg:supportedBy ex:find-gap .
    """,
        encoding="utf-8",
    )
    g = pg.load(SMALL, extra, bundled_data=False)
    trace = g.trace("rec-train")
    assert trace.cycles == ((EX + "find-gap", EX + "find-loop", EX + "find-survey"),)
    assert trace.unsupported == (EX + "find-loop",)
    kinds = {gap.kind for gap in g.gaps()}
    assert {"cycle", "no-source", "no-basis"} <= kinds


def test_gaps_of_a_complete_graph_are_empty(small: pg.PolicyGraph) -> None:
    assert small.gaps() == []


def test_validate_fixture_conforms_and_does_not_mutate(small: pg.PolicyGraph) -> None:
    before = triples_of(small)
    report = small.validate()
    assert report.conforms, str(report)
    assert isomorphic(before, triples_of(small))


def test_validate_reports_typed_results(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        SMALL.read_text(encoding="utf-8").replace(
            "pg:assertedBy ex:researchers ;\n    pg:addressedTo", "pg:addressedTo"
        ),
        encoding="utf-8",
    )
    report = pg.load(broken, bundled_data=False).validate()
    assert not report.conforms
    hits = [r for r in report.violations if r.focus == EX + "rec-train"]
    assert hits and hits[0].path == PG + "assertedBy"
    assert (
        hits[0].message
        and hits[0].shape
        and hits[0].component.startswith("http://www.w3.org/ns/shacl#")
    )
    assert json.loads(report.to_json())["conforms"] is False


def test_export_is_deterministic_and_round_trips(small: pg.PolicyGraph, tmp_path: Path) -> None:
    for fmt, ext in [
        ("turtle", ".ttl"),
        ("nt", ".nt"),
        ("jsonld", ".jsonld"),
        ("trig", ".trig"),
        ("nquads", ".nq"),
    ]:
        text = small.export(format=fmt)
        assert text == small.export(format=fmt)
        out = tmp_path / f"out{ext}"
        small.export(out)
        assert out.read_text(encoding="utf-8") == text
        again = pg.PolicyGraph()
        again.add_file(out)
        assert isomorphic(triples_of(again), triples_of(small)), fmt


def test_export_failure_leaves_existing_file(
    small: pg.PolicyGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.ttl"
    target.write_text("old content", encoding="utf-8")

    def explode(*args: object, **kwargs: object) -> str:
        raise ValueError("serializer broke midway")

    monkeypatch.setattr("policygraph.serialize.serialize_store", explode)
    with pytest.raises(ExportError):
        small.export(target)
    assert target.read_text(encoding="utf-8") == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.ttl"]


def test_export_to_unwritable_place(small: pg.PolicyGraph, tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        small.export(tmp_path / "no-such-dir" / "out.ttl")
    with pytest.raises(ExportError):
        small.export(tmp_path / "out.unknown")


def test_parse_error_names_file_line_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "oops .\n', encoding="utf-8"
    )
    with pytest.raises(ParseError) as info:
        pg.load(bad, bundled_data=False)
    assert info.value.path == str(bad) and info.value.line == 3
    assert str(info.value).startswith(f"{bad}:3")


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("latin1.ttl", '<urn:a> <urn:b> "bl\xe5" .\n'.encode("latin-1"), 1),
        ("bad.nt", b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n", 2),
        ("bad.jsonld", b'{"@id": "urn:a",\n "urn:b": [1,,]}', 2),
        ("remote.jsonld", b'{"@context": "https://schema.org/", "@id": "urn:a"}', None),
        ("bad.trig", b"<urn:g> { <urn:a> <urn:b> }", 1),
        ("bad.rdf", b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><x>", 1),
    ],
)
def test_bad_files_raise_parse_error(
    tmp_path: Path, name: str, content: bytes, line: int | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ParseError) as info:
        pg.load(path, bundled_data=False)
    assert info.value.path == str(path)
    assert info.value.line == line


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="no such file"):
        pg.load(tmp_path / "missing.ttl", bundled_data=False)
    other = tmp_path / "data.xyz"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(ParseError, match="unknown file extension"):
        pg.load(other, bundled_data=False)


def test_exact_literals_survive_loading(tmp_path: Path) -> None:
    path = tmp_path / "lex.ttl"
    path.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<urn:a> <urn:b> "01"^^xsd:integer, "1.0"^^xsd:decimal, "1.0E0"^^xsd:double .\n',
        encoding="utf-8",
    )
    g = pg.load(path, bundled_data=False)
    lexical = {str(o) for o in g.graph.objects(URIRef("urn:a"), URIRef("urn:b"))}
    assert lexical == {"01", "1.0", "1.0E0"}
    assert '"01"^^xsd:integer' in g.export(format="turtle")
    import rdflib

    assert rdflib.NORMALIZE_LITERALS is True  # restored for everyone else


def test_loading_twice_does_not_duplicate(small: pg.PolicyGraph) -> None:
    twice = pg.load(SMALL, SMALL, bundled_data=False)
    assert len(twice.graph) == len(small.graph)


def test_named_graphs_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "named.trig"
    path.write_text(
        "<urn:g1> { <urn:a> <urn:b> <urn:c> . }\n<urn:g2> { <urn:a> <urn:b> <urn:d> . }\n",
        encoding="utf-8",
    )
    g = pg.load(path, bundled_data=False)
    names = {str(c.identifier) for c in g.graph.contexts() if len(c)}
    assert {"urn:g1", "urn:g2"} <= names
    trig = g.export(format="trig")
    assert "<urn:g1> {" in trig and "<urn:g2> {" in trig


def test_to_networkx(small: pg.PolicyGraph) -> None:
    nxg = small.to_networkx()
    assert nxg.has_edge(EX + "rec-train", EX + "find-gap")
    assert "Training should be strengthened." in nxg.nodes[EX + "rec-train"][PG + "statement"]


def test_stats_and_describe(small: pg.PolicyGraph) -> None:
    stats = small.stats()
    assert stats["claims"] == 4
    assert stats["claims_by_type"]["Finding"] == 3
    assert stats["links_by_basis"] == {"inferred": 1, "stated": 2}
    info = small.describe("find-gap")
    assert info["type"] == "Finding"
    assert PG + "supportedBy" in info["properties"]
    assert PG + "justifiedBy" in info["incoming"]


def test_literal_binding_types(small: pg.PolicyGraph) -> None:
    result = small.query(
        "SELECT ?c WHERE { ?c pg:statement ?t }", t=Literal("Det er et kompetansegap.", lang="nb")
    )
    assert [str(r[0]) for r in result.rows] == [EX + "find-gap"]
