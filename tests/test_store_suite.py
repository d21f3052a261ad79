"""One suite for every store: the same traces, gaps, stats, validation results and query answers
on the bundled data as the rdflib reference; what each store keeps exactly; time limits; and
the regressions that made pyoxigraph the default parser (lone surrogates, long numbers)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import policygraph as pg
from policygraph import _resources
from policygraph.errors import ParseError, QueryError, QueryTimeoutError
from policygraph.stores import ANY, PerformanceWarning, Store

from .stores import STORE_PARAMS, STORES, StoreParam

EX = "https://example.org/test/"
PG = "https://w3id.org/policygraph/ontology#"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

pytestmark = pytest.mark.skipif(
    not _resources.data_files(), reason="no bundled data in this checkout"
)


@pytest.fixture(scope="module")
def reference() -> pg.PolicyGraph:
    return pg.load(store="rdflib")


@pytest.fixture(scope="module", params=STORE_PARAMS, ids=str)
def bundled(request: pytest.FixtureRequest) -> pg.PolicyGraph:
    param: StoreParam = request.param
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerformanceWarning)  # the bundled data needs no fallback
        return pg.load(store=param.make(request))


# ----------------------------------------------------------------------------- the same answers


def test_the_store_follows_the_protocol(bundled: pg.PolicyGraph) -> None:
    assert isinstance(bundled.store, Store)
    assert type(bundled) is pg.PolicyGraph


def test_same_size_and_graph_names(bundled: pg.PolicyGraph, reference: pg.PolicyGraph) -> None:
    assert len(bundled) == len(reference)
    assert bundled.store.graph_names() == reference.store.graph_names()


def test_same_traces(bundled: pg.PolicyGraph, reference: pg.PolicyGraph) -> None:
    assert bundled.recommendations() == reference.recommendations()
    assert bundled.trace_all() == reference.trace_all()
    for claim in reference.claims()[:20]:
        assert bundled.trace(claim) == reference.trace(claim)
        assert str(bundled.trace(claim)) == str(reference.trace(claim))


@pytest.mark.parametrize("store", STORES)
def test_what_was_read_before_does_not_change_answers(
    store: str, reference: pg.PolicyGraph
) -> None:
    """Traces read only part of each node they reach; later traces, gaps, stats and reads of
    other properties of the same nodes see everything, and nothing twice."""
    g = pg.load(store=store)
    claims = reference.claims()
    for claim in claims[::5]:
        assert g.trace(claim) == reference.trace(claim)
    index = g._evidence()
    anchor = URIRef(reference.trace(claims[0]).anchors[0].anchor)
    assert index.objects(anchor, str(RDF_TYPE)) == [URIRef(PG + "TextAnchor")]
    assert g.gaps() == reference.gaps()
    assert g.stats() == reference.stats()
    assert g.trace_all() == reference.trace_all()
    assert [g.trace(c) for c in claims] == [reference.trace(c) for c in claims]


def _n3(triples: object) -> list[tuple[str, str, str]]:
    return sorted((s.n3(), p.n3(), o.n3()) for s, p, o in triples)  # type: ignore[attr-defined]


def test_outgoing_is_each_subjects_triples(
    bundled: pg.PolicyGraph, reference: pg.PolicyGraph
) -> None:
    subjects = sorted({s for s, _, _ in reference.store.triples()}, key=str)
    sample = [*subjects[::9], URIRef(EX + "nothing-here")]
    expected = _n3(t for s in sample for t in reference.store.triples(s, None, None))
    assert len(expected) > 100
    assert _n3(bundled.store.outgoing(sample)) == expected
    assert _n3(bundled.store.outgoing(iter(sample))) == expected  # any iterable
    wanted = [URIRef(PG + "statement"), URIRef(PG + "anchor"), URIRef(EX + "no-such-property")]
    filtered = [t for t in expected if t[1] in {w.n3() for w in wanted}]
    assert filtered and _n3(bundled.store.outgoing(sample, wanted)) == filtered
    assert list(bundled.store.outgoing([])) == []
    assert list(bundled.store.outgoing(sample, [])) == []


def test_same_gaps_and_stats(bundled: pg.PolicyGraph, reference: pg.PolicyGraph) -> None:
    assert bundled.gaps() == reference.gaps()
    assert bundled.stats() == reference.stats()


def test_same_validation_as_pyshacl(bundled: pg.PolicyGraph, reference: pg.PolicyGraph) -> None:
    from policygraph.validation import validate_graph

    judge = validate_graph(reference.graph, _resources.shapes_file())
    assert bundled.validate() == judge


def test_same_describe_and_resolve(bundled: pg.PolicyGraph, reference: pg.PolicyGraph) -> None:
    rec = reference.recommendations()[0]
    slug = rec.rsplit("/", 1)[-1]
    assert bundled.resolve(slug) == reference.resolve(slug) == rec
    assert bundled.describe(rec) == reference.describe(rec)


def test_same_export(bundled: pg.PolicyGraph, reference: pg.PolicyGraph) -> None:
    for fmt in ("turtle", "nt", "nquads", "trig", "jsonld"):
        assert bundled.serialize(fmt) == reference.serialize(fmt), fmt


QUERIES = [
    "SELECT ?c ?a WHERE { ?c pg:assertedBy ?a } ORDER BY ?c ?a",
    "SELECT ?a (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c pg:assertedBy ?a } GROUP BY ?a ORDER BY ?a",
    "SELECT DISTINCT ?e WHERE { ?rec (pg:justifiedBy|pg:supportedBy|pg:qualifiedBy)+ ?e }",
    "SELECT ?r WHERE { ?r a pg:Recommendation FILTER NOT EXISTS "
    "{ ?r (pg:justifiedBy|pg:supportedBy)+ ?e } }",
    "SELECT ?c ?nb WHERE { ?c pg:statement ?nb FILTER(lang(?nb) = 'nb') }",
    "SELECT ?a ?s ?e WHERE { ?a oa:start ?s ; oa:end ?e } ORDER BY ?a",
    "ASK { ?x a pg:Recommendation }",
    "ASK { ?x a pg:NoSuchClass }",
    "CONSTRUCT { ?c pg:statedIn ?d } WHERE { ?c pg:statedIn ?d }",
]


def _rows(result: pg.QueryResult) -> list[tuple[str, ...]]:
    return sorted(tuple("" if t is None else t.n3() for t in row) for row in result.rows)


@pytest.mark.parametrize("sparql", QUERIES)
def test_same_query_answers(
    bundled: pg.PolicyGraph, reference: pg.PolicyGraph, sparql: str
) -> None:
    bindings = {"rec": URIRef(reference.recommendations()[0])} if "?rec" in sparql else {}
    got, expected = bundled.query(sparql, **bindings), reference.query(sparql, **bindings)
    assert (got.kind, got.columns, got.boolean) == (
        expected.kind,
        expected.columns,
        expected.boolean,
    )
    assert _rows(got) == _rows(expected)
    assert got.rows or got.kind == "ask" or "NOT EXISTS" in sparql  # the data has no such gap


def test_same_answers_with_a_time_limit(bundled: pg.PolicyGraph) -> None:
    sparql = QUERIES[1]
    assert bundled.query(sparql, timeout=60) == bundled.query(sparql)


# ----------------------------------------------------------------------------- time limits


@pytest.mark.parametrize("store", STORES)
def test_a_runaway_query_is_stopped_at_its_time_limit(store: str) -> None:
    g = pg.load(store=store)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as caught:
        g.query(SLOW_QUERY, timeout=0.5)
    assert time.monotonic() - started < 5
    assert caught.value.timeout == 0.5 and "0.5 s" in str(caught.value)
    assert isinstance(caught.value, QueryError)
    assert g.query("ASK { ?s ?p ?o }", timeout=5).boolean is True  # the graph is still usable


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("timeout", [0, -1, float("nan")])
def test_a_time_limit_must_be_positive(store: str, timeout: float) -> None:
    g = pg.load(bundled_data=False, store=store)
    with pytest.raises(QueryError, match="positive"):
        g.query("ASK { ?s ?p ?o }", timeout=timeout)


@pytest.mark.parametrize("store", STORES)
def test_errors_inside_a_time_limit_are_the_usual_ones(store: str) -> None:
    g = pg.load(bundled_data=False, store=store)
    with pytest.raises(QueryError) as plain:
        g.query("SELECT ?x WHERE { ?x ?y }")
    with pytest.raises(QueryError) as limited:
        g.query("SELECT ?x WHERE { ?x ?y }", timeout=10)
    assert type(limited.value) is type(plain.value)


def _cli(*args: str, store: str = "oxigraph") -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, POLICYGRAPH_STORE=store)
    return subprocess.run(
        [sys.executable, "-m", "policygraph", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("store", STORES)
def test_cli_timeout_is_one_line_and_exit_2(store: str) -> None:
    done = _cli("query", "--timeout", "0.5", SLOW_QUERY, store=store)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "policygraph: error: query stopped after its time limit of 0.5 s"
    assert done.stdout == ""
    ok = _cli("query", "--timeout", "30", "--format", "json", "ASK { ?s ?p ?o }", store=store)
    assert ok.returncode == 0 and json.loads(ok.stdout)["boolean"] is True


def test_cli_refuses_a_time_limit_that_is_not_positive() -> None:
    done = _cli("query", "--timeout", "0", "ASK { ?s ?p ?o }")
    assert done.returncode == 2 and "Traceback" not in done.stderr


# ----------------------------------------------------------------------------- bad and odd input


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    "name, text, line, column",
    [
        ("surrogate.nt", '<https://example.org/s> <https://example.org/p> "\\uD800" .\n', 1, 50),
        (
            "surrogate.ttl",
            '@prefix ex: <https://example.org/> .\nex:s ex:p "a\\uDC00b" .\n',
            2,
            13,
        ),
        ("pair.nt", '<https://example.org/s> <https://example.org/p> "\\uD83D\\uDE00" .\n', 1, 50),
    ],
)
def test_escapes_of_lone_surrogates_are_parse_errors(
    store: str, tmp_path: Path, name: str, text: str, line: int, column: int
) -> None:
    """A \\u escape of a surrogate code point makes no character: every store refuses it with
    the line and column (the default install used to accept it and then crash writing JSON)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        pg.load(path, bundled_data=False, store=store)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert "D8" in caught.value.reason or "DC" in caught.value.reason


@pytest.mark.parametrize("store", STORES)
def test_cli_query_json_on_a_lone_surrogate_is_one_line(store: str, tmp_path: Path) -> None:
    path = tmp_path / "surrogate.nt"
    path.write_text('<https://example.org/s> <https://example.org/p> "\\uD800" .\n')
    done = _cli(
        "query", "--data", str(path), "--format", "json", "SELECT * {?s ?p ?o}", store=store
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"policygraph: error: {path}:1:50: ")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


LONG_INTEGER = "7" * 5001
LONG_DECIMAL = "1" * 3000 + "." + "5" * 3000


@pytest.fixture()
def long_numbers(tmp_path: Path) -> Path:
    path = tmp_path / "long.ttl"
    path.write_text(
        "@prefix ex: <https://example.org/test/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f"ex:n ex:int {LONG_INTEGER} ; ex:neg -{LONG_INTEGER} ;\n"
        f'  ex:dec {LONG_DECIMAL} ; ex:typed "0{LONG_INTEGER}"^^xsd:integer .\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("store", STORES)
def test_integers_and_decimals_of_any_length_keep_their_exact_form(
    store: str, long_numbers: Path, tmp_path: Path
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerformanceWarning)
        g = pg.load(long_numbers, bundled_data=False, store=store)
    expected = {
        "int": (LONG_INTEGER, "integer"),
        "neg": ("-" + LONG_INTEGER, "integer"),
        "dec": (LONG_DECIMAL, "decimal"),
        "typed": ("0" + LONG_INTEGER, "integer"),
    }
    rows = g.query("SELECT ?p ?o WHERE { <https://example.org/test/n> ?p ?o }").rows
    got = {
        str(p).rsplit("/", 1)[-1]: (str(o), str(o.datatype).removeprefix(XSD))  # type: ignore[union-attr]
        for p, o in rows
    }
    assert got == expected
    # Every output path writes them, and what is written reads back the same.
    result = g.query("SELECT ?o WHERE { ?s ?p ?o }")
    for text in (result.to_json(), result.to_csv(), result.to_text()):
        assert LONG_INTEGER in text and LONG_DECIMAL in text
    for fmt, ext in [("turtle", ".ttl"), ("nt", ".nt"), ("nquads", ".nq"), ("trig", ".trig")]:
        out = tmp_path / f"back{ext}"
        g.export(out, fmt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PerformanceWarning)
            back = pg.load(out, bundled_data=False, store=store)
        assert sorted(map(str, back.store.triples())) == sorted(map(str, g.store.triples()))
    assert g.export(format="jsonld") is not None
    assert g.validate().conforms in (True, False)  # pySHACL reads them without crashing


# ----------------------------------------------------------------------------- what stores keep


@pytest.mark.parametrize("store", STORES)
def test_quads_patterns_and_graph_names(store: str, tmp_path: Path) -> None:
    path = tmp_path / "graphs.trig"
    path.write_text(
        "@prefix ex: <https://example.org/test/> .\n"
        "ex:a ex:p ex:b .\n"
        "ex:g1 { ex:a ex:p ex:b . ex:a ex:q 1 }\n"
        "ex:g2 { ex:a ex:p ex:b }\n",
        encoding="utf-8",
    )
    g = pg.PolicyGraph(store=store)
    g.add_file(path)
    s = g.store
    a, p, g1 = URIRef(EX + "a"), URIRef(EX + "p"), URIRef(EX + "g1")
    assert s.graph_names() == [g1, URIRef(EX + "g2")]
    assert len(list(s.quads(a, p, None))) == 3  # once per graph
    assert len(list(s.quads(a, p, None, graph=ANY))) == 3
    assert list(s.quads(None, None, None, graph=None)) == [(a, p, URIRef(EX + "b"), None)]
    assert len(list(s.quads(graph=g1))) == 2
    assert len(list(s.triples(a, p, None))) == 1  # the union: each triple once
    assert list(s.triples(None, None, Literal("1", datatype=URIRef(XSD + "integer"))))
    assert len(s) == 2
    assert s.dump(g1).decode().count("\n") == 2
    # outgoing sees the union too: a triple in three graphs comes back once
    assert sorted(map(str, s.outgoing([a]))) == sorted(map(str, s.triples(a, None, None)))
    assert len(list(s.outgoing([a], [p]))) == 1


@pytest.mark.parametrize("store", STORES)
def test_outgoing_reads_blank_node_subjects(store: str, tmp_path: Path) -> None:
    path = tmp_path / "blank.ttl"
    path.write_text(
        '@prefix ex: <https://example.org/test/> .\nex:a ex:p [ ex:q "x", "y"@nb ; ex:r 1 ] .\n',
        encoding="utf-8",
    )
    g = pg.PolicyGraph(store=store)
    g.add_file(path)
    blank = next(g.store.triples(URIRef(EX + "a"), None, None))[2]
    assert sorted(map(str, g.store.outgoing([blank]))) == sorted(
        map(str, g.store.triples(blank, None, None))
    )
    assert {str(o) for _, _, o in g.store.outgoing([blank], [URIRef(EX + "q")])} == {"x", "y"}


@pytest.mark.parametrize("store", STORES)
def test_every_lexical_form_is_kept_by_every_store(store: str, tmp_path: Path) -> None:
    """What each store keeps: both stores give back every literal as written; the default
    store does so by moving a graph with a literal Oxigraph would rewrite to rdflib, and says
    so with a PerformanceWarning."""
    path = tmp_path / "forms.ttl"
    path.write_text(
        "@prefix ex: <https://example.org/test/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a ex:p "01"^^xsd:integer, 1.50, "x"^^xsd:string, "x", "y"@EN-GB, true .\n',
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = pg.load(path, bundled_data=False, store=store)
    moved = [w for w in caught if issubclass(w.category, PerformanceWarning)]
    assert len(moved) == (1 if store == "oxigraph" else 0)
    forms = {(str(o), o.n3()) for _, _, o in g.store.triples(URIRef(EX + "a"), None, None)}
    assert {n3 for _, n3 in forms} == {
        f'"01"^^<{XSD}integer>',
        f'"1.50"^^<{XSD}decimal>',
        f'"x"^^<{XSD}string>',
        '"x"',
        '"y"@EN-GB',
        f'"true"^^<{XSD}boolean>',
    }


def test_the_bare_engine_keeps_only_canonical_forms(tmp_path: Path) -> None:
    """Documented, not hidden: Oxigraph on its own rewrites "01" to "1" (which is why the
    default store is ``exact.ExactStore``)."""
    from policygraph.stores.oxigraph import OxigraphStore

    path = tmp_path / "one.ttl"
    path.write_text(
        '<https://example.org/a> <https://example.org/p> "01"^^'
        "<http://www.w3.org/2001/XMLSchema#integer> .\n"
    )
    engine = OxigraphStore()
    engine.add_file(path, "turtle", path.as_uri())
    assert [str(o) for _, _, o in engine.triples()] == ["1"]
    g = pg.PolicyGraph(store="oxigraph")
    with pytest.warns(PerformanceWarning):
        g.add_file(path)
    assert [str(o) for _, _, o in g.store.triples()] == ["01"]


def test_a_caller_store_instance_is_used_as_it_is() -> None:
    from policygraph.stores.memory import MemoryStore

    mine = MemoryStore()
    g = pg.load(bundled_data=False, store=mine)
    assert g.store is mine and len(mine) == len(g) > 0
    with pytest.raises(TypeError, match="not a store"):
        pg.PolicyGraph(store=object())  # type: ignore[arg-type]


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * \\U00000046ROM <http://example.org/g> WHERE { ?s ?p ?o }",
    ],
    ids=["service", "from"],
)
def test_escaped_network_keywords_are_refused_too(store: str, sparql: str) -> None:
    from policygraph.errors import QueryRefusedError

    g = pg.load(bundled_data=False, store=store)
    with pytest.raises(QueryRefusedError):
        g.query(sparql)
