"""The default store (Oxigraph, exact lexical forms kept) gives the reference's results: against
the rdflib store (loading, exact literals, queries, traces, gaps, stats, export) and, for
validation, against pySHACL on the whole graph; on the test fixture, on a synthetic corpus with
deliberate defects (evidence cycles included) and on literal edge cases."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

import policygraph as pg
from policygraph.errors import ParseError, QueryError, QueryRefusedError
from policygraph.stores import PerformanceWarning
from policygraph.stores.exact import ExactStore

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small-claims.ttl"
BENCH = Path(__file__).parents[1] / "bench"
EX = "https://example.org/test/"
PG = "https://w3id.org/policygraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# The class hierarchy traces need, in case the bundled ontology is not there.
HIERARCHY = """\
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
pg:Finding rdfs:subClassOf pg:Claim . pg:Recommendation rdfs:subClassOf pg:Claim .
pg:Statement rdfs:subClassOf pg:Claim . pg:PolicyGoal rdfs:subClassOf pg:Claim .
pg:Event rdfs:subClassOf pg:Claim .
pg:Report rdfs:subClassOf pg:Document . pg:NewsArticle rdfs:subClassOf pg:Document .
pg:Organisation rdfs:subClassOf pg:Actor . pg:ActorGroup rdfs:subClassOf pg:Actor .
pg:Person rdfs:subClassOf pg:Actor .
"""

# Literals Oxigraph would rewrite, blank nodes, a user's sub-property of pg:hasEvidence.
EDGE_CASES = """\
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix ex: <https://example.org/test/> .
ex:a ex:n "01"^^xsd:integer, "1"^^xsd:integer, 007, +5, 1.50, 1.0, 1E3 ;
    ex:b "1"^^xsd:boolean, true ;
    ex:s "plain", "typed"^^xsd:string ;
    ex:l "Hei"@NB, "hello"@en-GB .
ex:mine rdfs:subPropertyOf pg:hasEvidence .
ex:rec a pg:Recommendation ; pg:statement "Gjør noe."@nb ; pg:statedIn ex:doc ;
    ex:mine ex:f1 ; pg:anchor [ a pg:TextAnchor ; pg:sourceDocument ex:doc ;
        oa:start 05 ; oa:end 10 ] .
ex:f1 a pg:Finding ; pg:statement "Funn"@NB ; pg:supportedBy ex:f1 .
"""


def _corpus(tmp: Path) -> tuple[Path, object]:
    sys.path.insert(0, str(BENCH))
    try:
        from corpus import generate
    finally:
        sys.path.remove(str(BENCH))
    path = tmp / "corpus.ttl"
    return path, generate(path, triples=3000, seed=7, defects=2)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    tmp = tmp_path_factory.mktemp("fast")
    hierarchy = tmp / "hierarchy.ttl"
    hierarchy.write_text(HIERARCHY, encoding="utf-8")
    edge = tmp / "edge-cases.ttl"
    edge.write_text(EDGE_CASES, encoding="utf-8")
    corpus, _ = _corpus(tmp)
    return {
        "fixture": [hierarchy, SMALL],
        "corpus": [hierarchy, corpus],
        "edge": [hierarchy, edge],
    }


def _same_graph(a: object, b: object) -> bool:
    from rdflib import Graph

    ga, gb = Graph(), Graph()
    for source, target in ((a, ga), (b, gb)):
        for triple in source.triples((None, None, None)):  # type: ignore[attr-defined]
            target.add(triple)
    return isomorphic(ga, gb)


def _pair(paths: list[Path]) -> tuple[pg.PolicyGraph, pg.PolicyGraph]:
    ref = pg.load(*paths, bundled_data=False, store="rdflib")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerformanceWarning)
        fast = pg.load(*paths, bundled_data=False, store="oxigraph")
    assert isinstance(fast.store, ExactStore)
    assert type(ref) is type(fast) is pg.PolicyGraph  # one class, whatever the store
    return ref, fast


def _on_reference(g: pg.PolicyGraph) -> bool:
    """True when the default store moved the graph to rdflib to keep a literal exact."""
    return getattr(g.store, "reference", None) is not None


CASES = ["fixture", "corpus", "edge"]


@pytest.mark.parametrize("case", CASES)
def test_load_gives_the_same_graph(files: dict[str, list[Path]], case: str) -> None:
    ref, fast = _pair(files[case])
    assert len(fast) == len(ref)
    assert _same_graph(fast.graph, ref.graph)


@pytest.mark.parametrize("case", CASES)
def test_export_is_byte_identical(files: dict[str, list[Path]], case: str) -> None:
    ref, fast = _pair(files[case])
    for fmt in ("turtle", "nt", "trig", "nquads", "jsonld"):
        assert fast.serialize(fmt) == ref.serialize(fmt), fmt


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_dump_writer_ran_and_matches_the_quad_writer(
    files: dict[str, list[Path]], store: str
) -> None:
    from policygraph.ntlines import write_from_dump
    from policygraph.serialize import serialize

    g = pg.load(*files["corpus"], bundled_data=False, store=store)
    text = write_from_dump(g.store, "turtle")
    assert text is not None and text == serialize(list(g.store.quads()), "turtle")
    assert write_from_dump(g.store, "nt") == serialize(list(g.store.quads()), "nt")


def test_blank_nodes_take_the_quad_writer(files: dict[str, list[Path]]) -> None:
    from policygraph.ntlines import write_from_dump

    _, fast = _pair(files["edge"])
    assert write_from_dump(fast.store, "turtle") is None


def test_exact_literals_survive_the_oxigraph_store(files: dict[str, list[Path]]) -> None:
    ref, fast = _pair(files["edge"])
    a = URIRef(EX + "a")

    def literals(g: pg.PolicyGraph) -> set[tuple[str, str | None, str | None]]:
        return {
            (str(o), str(o.datatype) if o.datatype else None, o.language)
            for o in g.graph.objects(a, None)
        }

    assert literals(fast) == literals(ref)
    got = literals(fast)
    assert ("01", XSD + "integer", None) in got and ("1", XSD + "integer", None) in got
    assert ("1.50", XSD + "decimal", None) in got and ("1.0", XSD + "decimal", None) in got
    assert ("1E3", XSD + "double", None) in got and ("1", XSD + "boolean", None) in got
    assert ("Hei", None, "NB") in got and ("typed", XSD + "string", None) in got
    assert ("plain", None, None) in got
    out = fast.export(None, "turtle")
    assert out is not None and '"01"^^xsd:integer' in out and "1.50" in out


def test_exact_literal_graphs_move_to_the_reference_with_a_warning(
    files: dict[str, list[Path]],
) -> None:
    ref = pg.load(*files["edge"], bundled_data=False, store="rdflib")
    with pytest.warns(PerformanceWarning, match="edge-cases.ttl"):
        fast = pg.load(*files["edge"], bundled_data=False, store="oxigraph")
    assert _on_reference(fast)
    query = f"SELECT ?o WHERE {{ <{EX}a> <{EX}n> ?o }}"
    rows = fast.query(query).rows
    assert sorted(map(str, (r[0] for r in rows))) == sorted(
        str(r[0]) for r in ref.query(query).rows
    )


def test_canonical_graphs_take_the_fast_path(files: dict[str, list[Path]]) -> None:
    _, fast = _pair(files["corpus"])
    assert not _on_reference(fast)


QUERIES = [
    "SELECT ?c ?a WHERE { ?c pg:assertedBy ?a } ORDER BY ?c ?a",
    "SELECT ?a (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c pg:assertedBy ?a } GROUP BY ?a",
    "SELECT DISTINCT ?e WHERE { ?rec (pg:justifiedBy|pg:supportedBy|pg:qualifiedBy)+ ?e }",
    "SELECT ?r WHERE { ?r a pg:Recommendation FILTER NOT EXISTS "
    "{ ?r (pg:justifiedBy|pg:supportedBy)+ ?e } }",
    "SELECT ?c ?en WHERE { ?c pg:statement ?nb FILTER(lang(?nb) = 'nb') "
    "OPTIONAL { ?c pg:relayedIn ?en } }",
    "SELECT ?a ?s ?e WHERE { ?a oa:start ?s ; oa:end ?e FILTER(?s >= ?e) }",
    "ASK { ?x a pg:Recommendation }",
    "CONSTRUCT { ?c pg:statedIn ?d } WHERE { ?c pg:statedIn ?d }",
]


def _rows(result: pg.QueryResult) -> list[tuple[str, ...]]:
    return sorted(tuple("" if t is None else t.n3() for t in row) for row in result.rows)


@pytest.mark.parametrize("case", ["fixture", "corpus"])
@pytest.mark.parametrize("query", QUERIES)
def test_queries_give_the_same_results(files: dict[str, list[Path]], case: str, query: str) -> None:
    ref, fast = _pair(files[case])
    rec = URIRef(ref.recommendations()[0])
    bindings = {"rec": rec} if "?rec" in query else {}
    expected, got = ref.query(query, **bindings), fast.query(query, **bindings)
    assert (got.kind, got.columns, got.boolean) == (
        expected.kind,
        expected.columns,
        expected.boolean,
    )
    assert _rows(got) == _rows(expected)


def test_queries_really_run_in_oxigraph(
    files: dict[str, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import rdflib
    import rdflib.plugins.sparql

    ref, fast = _pair(files["corpus"])

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rdflib SPARQL engine was used")

    monkeypatch.setattr(rdflib.Graph, "query", refuse)
    monkeypatch.setattr(rdflib.plugins.sparql, "prepareQuery", refuse)
    result = fast.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(result.rows[0][0]) == len(fast)  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        ref.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def test_bound_values_and_literals(files: dict[str, list[Path]]) -> None:
    ref, fast = _pair(files["fixture"])
    q = "SELECT ?c ?s WHERE { ?c pg:statement ?s FILTER(?s = ?text) }"
    text = Literal("Det er et kompetansegap.", lang="nb")
    assert _rows(fast.query(q, text=text)) == _rows(ref.query(q, text=text))
    assert _rows(fast.query(q, text=text))


@pytest.mark.parametrize(
    "query, error",
    [
        ("SELECT ?x WHERE { ?x ?y }", QueryError),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", QueryRefusedError),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", QueryRefusedError),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", QueryRefusedError),
    ],
)
def test_bad_queries_fail_the_same_way(
    files: dict[str, list[Path]], query: str, error: type[Exception]
) -> None:
    ref, fast = _pair(files["fixture"])
    with pytest.raises(error) as expected:
        ref.query(query)
    with pytest.raises(error) as got:
        fast.query(query)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("case", CASES)
def test_traces_are_identical(files: dict[str, list[Path]], case: str) -> None:
    ref, fast = _pair(files[case])
    assert fast.recommendations() == ref.recommendations()
    assert fast.claims() == ref.claims()
    if case == "edge":  # blank-node anchors: their ids differ between loads, not their data
        assert [t.to_json() for t in fast.trace_all()] == [t.to_json() for t in ref.trace_all()]
        return
    assert fast.trace_all() == ref.trace_all()
    for claim in ref.claims():
        assert fast.trace(claim) == ref.trace(claim)
        assert fast.trace(claim).to_json() == ref.trace(claim).to_json()
    assert str(fast.trace(ref.claims()[0])) == str(ref.trace(ref.claims()[0]))


def test_cycles_are_traced_identically(files: dict[str, list[Path]]) -> None:
    ref, fast = _pair(files["corpus"])
    with_cycles = [t for t in ref.trace_all() if t.cycles]
    assert with_cycles, "the corpus has deliberate evidence cycles"
    for t in with_cycles:
        assert fast.trace(t.recommendation) == t


def test_trace_one_cold_reads_only_what_it_reaches(files: dict[str, list[Path]]) -> None:
    ref, fast = _pair(files["corpus"])
    rec = ref.recommendations()[3]
    assert fast.trace(rec) == ref.trace(rec)
    assert not fast._evidence()._complete  # no full prefetch for one trace


@pytest.mark.parametrize("case", CASES)
def test_gaps_and_stats_are_identical(files: dict[str, list[Path]], case: str) -> None:
    ref, fast = _pair(files[case])
    assert fast.stats() == ref.stats()
    assert fast.gaps() == ref.gaps()


def test_resolve_by_slug_and_curie(files: dict[str, list[Path]]) -> None:
    ref, fast = _pair(files["fixture"])
    assert fast.trace("rec-train") == ref.trace("rec-train")
    assert fast.resolve("rec-train") == ref.resolve("rec-train")


def test_changing_graph_directly_then_invalidate(files: dict[str, list[Path]]) -> None:
    ref, fast = _pair(files["fixture"])
    triple = (URIRef(EX + "find-time"), URIRef(PG + "supportedBy"), URIRef(EX + "find-survey"))
    for g in (ref, fast):
        g.graph.add(triple)
        g.invalidate()
    assert len(fast) == len(ref)
    assert fast.trace_all() == ref.trace_all()
    ask = f"ASK {{ <{EX}find-time> pg:supportedBy <{EX}find-survey> }}"
    assert fast.query(ask).boolean is True and ref.query(ask).boolean is True


def test_parse_errors_are_the_same(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c ;\n  ex:d .\n")
    with pytest.raises(ParseError) as expected:
        pg.load(bad, bundled_data=False, store="rdflib")
    with pytest.raises(ParseError) as got:
        pg.load(bad, bundled_data=False, store="oxigraph")
    assert str(got.value) == str(expected.value)


def test_other_formats_load_through_the_reference(tmp_path: Path) -> None:
    doc = tmp_path / "x.jsonld"
    doc.write_text('{"@id": "https://example.org/a", "https://example.org/p": "v"}')
    ref = pg.load(doc, bundled_data=False, store="rdflib")
    fast = pg.load(doc, bundled_data=False, store="oxigraph")
    assert _same_graph(fast.graph, ref.graph)
    assert not _on_reference(fast)


def test_unknown_store_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown store"):
        pg.load(bundled_data=False, store="nope")


# ----------------------------------------------------------------------------- validation

SHAPES = FIXTURES / "fast-shapes.ttl"
DEFECTS = FIXTURES / "fast-defects.ttl"


def _reference_report(paths: list[Path], shapes: Path | None = None) -> object:
    """pySHACL on the whole graph: the judge every store's validation must agree with."""
    from policygraph import _resources
    from policygraph.validation import validate_graph

    graph = pg.load(*paths, bundled_data=False, store="rdflib").graph
    return validate_graph(graph, shapes or _resources.shapes_file())


def _takes_the_candidate_path(g: pg.PolicyGraph, shapes: Path | None) -> bool:
    """True when validation finds candidates in the store and pySHACL judges only those."""
    from policygraph.shaclsparql import Unsupported, candidate_focus_nodes

    try:
        candidates, _ = candidate_focus_nodes(g.store, shapes)
    except Unsupported:
        return False
    return all(isinstance(c, URIRef) for c in candidates)


def _comparable(report: object) -> list[tuple[str, ...]]:
    # Blank-node property shapes get new ids at every parse of the shapes: compare them as one.
    return sorted(
        (
            r.severity,
            r.focus,
            r.path or "",
            r.value or "",
            r.message,
            r.shape if r.shape.startswith("http") else "_:shape",
            r.component,
        )
        for r in report.results  # type: ignore[attr-defined]
    )


def _topics_turtle() -> str:
    sys.path.insert(0, str(BENCH))
    try:
        from corpus import TOPICS
    finally:
        sys.path.remove(str(BENCH))
    lines = ["@prefix skos: <http://www.w3.org/2004/02/skos/core#> ."]
    lines += [f"<https://w3id.org/policygraph/concept/topic-{t}> a skos:Concept ." for t in TOPICS]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def validation_files(
    files: dict[str, list[Path]], tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    topics = tmp_path_factory.mktemp("validation") / "topics.ttl"
    topics.write_text(_topics_turtle(), encoding="utf-8")
    return [*files["corpus"], topics, DEFECTS]


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_fast_validation_agrees_with_pyshacl(validation_files: list[Path], store: str) -> None:
    fast = pg.load(*validation_files, bundled_data=False, store=store)
    assert not _on_reference(fast)
    assert _takes_the_candidate_path(fast, SHAPES)
    report = fast.validate(SHAPES)
    expected = _reference_report(validation_files, SHAPES)
    assert _comparable(report) == _comparable(expected)
    assert report.conforms == expected.conforms  # type: ignore[attr-defined]
    assert len(report.results) > 30
    assert _comparable(fast.validate(SHAPES)) == _comparable(expected)


def _mutate(source: Path, target: Path, seed: int) -> None:
    """Drop, retarget and re-type random triples of ``source`` (as N-Triples)."""
    import random

    from rdflib import Graph

    rng = random.Random(seed)
    graph = Graph().parse(source, format="turtle")
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    subjects = sorted({t[0] for t in triples}, key=str)
    replacements = [
        Literal("x"),
        Literal("-3", datatype=URIRef(XSD + "integer")),
        Literal("abc", datatype=URIRef(XSD + "integer")),
        Literal("2018-02-30", datatype=URIRef(XSD + "date")),
        Literal("tekst", lang="nb"),
        Literal("ABCDEF"),
        URIRef(EX + "nowhere"),
    ]
    for s, p, o in rng.sample(triples, 25):
        graph.remove((s, p, o))
        roll = rng.random()
        if roll < 0.4:
            graph.add((s, p, rng.choice(replacements)))
        elif roll < 0.6:
            graph.add((s, p, rng.choice(subjects)))
        elif roll < 0.7:
            graph.add((s, p, o))
            graph.add((s, p, rng.choice(replacements)))
    target.write_text(graph.serialize(format="nt"), encoding="utf-8")


@pytest.mark.parametrize("seed", range(4))
def test_fast_validation_agrees_on_mutated_corpora(
    validation_files: list[Path], tmp_path: Path, seed: int
) -> None:
    mutated = tmp_path / "mutated.nt"
    _mutate(validation_files[1], mutated, seed)
    paths = [validation_files[0], mutated, validation_files[2]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerformanceWarning)  # some mutations need rdflib
        fast = pg.load(*paths, bundled_data=False, store="oxigraph")
    report = fast.validate(SHAPES)
    assert _comparable(report) == _comparable(_reference_report(paths, SHAPES))


def test_validate_focus_agrees_with_whole_graph_validation(validation_files: list[Path]) -> None:
    fast = pg.load(*validation_files, bundled_data=False, store="oxigraph")
    ref = pg.load(*validation_files, bundled_data=False, store="rdflib")
    whole: Any = _reference_report(validation_files, SHAPES)
    claims = ref.claims()
    broken = {r.focus for r in whole.results}
    chosen = [c for c in claims if c in broken][:2] + [c for c in claims if c not in broken][:2]
    for nodes in ([chosen[0]], chosen[2:], chosen):
        expected = [r for r in whole.results if r.focus in set(nodes)]
        got = fast.validate_focus(nodes, SHAPES)
        assert _comparable(got) == sorted(_comparable(type(whole)(True, tuple(expected))))
        assert _comparable(ref.validate_focus(nodes, SHAPES)) == _comparable(got)
    assert fast.validate_focus(chosen[2:], SHAPES).results == ()


INVALID_SUITE = sorted((Path(__file__).parent / "shapes" / "invalid").glob("*.ttl"))


@pytest.mark.parametrize("path", INVALID_SUITE, ids=lambda p: p.stem)
def test_validate_focus_agrees_on_the_shape_suite(path: Path) -> None:
    whole: Any = _reference_report([path])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerformanceWarning)
        fast = pg.load(path, bundled_data=False, store="oxigraph")
        for focus in sorted({r.focus for r in whole.results})[:3]:
            expected = [r for r in whole.results if r.focus == focus]
            got = fast.validate_focus([focus])
            assert _comparable(got) == _comparable(type(whole)(False, tuple(expected)))


@pytest.mark.parametrize(
    "name, content",
    [
        (
            "latin1.ttl",
            '<https://example.org/a> <https://example.org/b> "bl\xe5" .\n'.encode("latin-1"),
        ),
        ("missing.ttl", None),
        ("folder.ttl", b"dir"),
    ],
)
def test_unreadable_files_fail_the_same_way(
    tmp_path: Path, name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    if name == "folder.ttl":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(ParseError) as expected:
        pg.load(path, bundled_data=False, store="rdflib")
    with pytest.raises(ParseError) as got:
        pg.load(path, bundled_data=False, store="oxigraph")
    assert str(got.value) == str(expected.value)


def test_bundled_data_is_the_same_on_both_stores() -> None:
    from policygraph import _resources
    from policygraph.validation import validate_graph

    if not _resources.data_files():
        pytest.skip("no bundled data in this checkout")
    ref = pg.load(store="rdflib")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerformanceWarning)  # no silent slow path
        fast = pg.load(store="oxigraph")
        assert not _on_reference(fast)
        assert fast.trace_all() == ref.trace_all()
        assert fast.stats() == ref.stats()
        assert fast.gaps() == ref.gaps()
        assert fast.serialize("turtle") == ref.serialize("turtle")
        assert _takes_the_candidate_path(fast, None)
        expected = validate_graph(ref.graph, _resources.shapes_file())
        assert _comparable(fast.validate()) == _comparable(expected)


@pytest.mark.parametrize(
    "name, text",
    [
        (
            "alias.ttl",
            "@prefix x: <http://www.w3.org/2001/XMLSchema#> .\n"
            '<https://example.org/a> <https://example.org/p> "t"^^x:string, "01"^^x:integer .\n',
        ),
        (
            "typed.nt",
            '<https://example.org/a> <https://example.org/p> "01"^^'
            "<http://www.w3.org/2001/XMLSchema#integer> .\n"
            '<https://example.org/a> <https://example.org/p> "t"^^'
            "<http://www.w3.org/2001/XMLSchema#string> .\n",
        ),
        (
            "tight.ttl",
            '<https://example.org/a> <https://example.org/p>01,+2,(3.0 "x"@En) .\n',
        ),
        ("plain.ttl", '<https://example.org/a> <https://example.org/p> 7, "007", "a 01 b" .\n'),
        (
            "separators.nt",
            '<https://example.org/a> <https://example.org/p> "x\u2028y\x85z\x0bw\x1c" .\n',
        ),
    ],
)
def test_literal_checks_catch_every_spelling(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ref = pg.load(path, bundled_data=False, store="rdflib")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerformanceWarning)
        fast = pg.load(path, bundled_data=False, store="oxigraph")
        for fmt in ("nt", "turtle"):
            assert fast.serialize(fmt) == ref.serialize(fmt)
        assert len(fast) == len(ref)


SHAPE_SUITE = sorted((Path(__file__).parent / "shapes").glob("*/*.ttl"))


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("path", SHAPE_SUITE, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_fast_validation_agrees_on_the_shape_suite(path: Path, store: str) -> None:
    """Every valid and invalid example of tests/shapes, on each store: the report is the
    judge's (pySHACL on the whole graph), result for result."""
    ref: Any = _reference_report([path])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerformanceWarning)
        report = pg.load(path, bundled_data=False, store=store).validate()
    assert _comparable(report) == _comparable(ref)
    assert report.conforms == ref.conforms


def test_the_shape_suite_mostly_takes_the_fast_path() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerformanceWarning)
        graphs = [pg.load(p, bundled_data=False, store="oxigraph") for p in SHAPE_SUITE]
    fast = [g for g in graphs if not _on_reference(g) and _takes_the_candidate_path(g, None)]
    assert len(fast) >= len(SHAPE_SUITE) * 0.8, f"{len(fast)} of {len(SHAPE_SUITE)}"
