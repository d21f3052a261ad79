"""Every command on a real server's graph (``--endpoint``) says what it says on the same data
loaded locally; time limits, a server that is down and misuse give one line and exit 2."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

import policygraph as pg
from policygraph import _resources
from policygraph.cli import cli
from policygraph.errors import QueryError, QueryRefusedError, QueryTimeoutError
from policygraph.remote.client import SparqlClient
from policygraph.remote.push import push
from policygraph.stores.sparql import SparqlStore, with_values

from .servers import Server, free_port

pytestmark = pytest.mark.skipif(
    not _resources.data_files(), reason="no bundled data in this checkout"
)
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture
def pushed(sparql_server: Server) -> Server:
    """The server holding exactly the bundled data."""
    push(SparqlClient(sparql_server.query, sparql_server.update, sparql_server.graph_store))
    return sparql_server


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def remote(server: Server, *args: str) -> tuple[int, str]:
    extra = ["--endpoint", server.query]
    if server.name == "virtuoso":  # not beside the query URL's name: given explicitly
        extra += ["--update-endpoint", server.update, "--graph-store", server.graph_store]
    return run(*args, *extra)


@pytest.mark.parametrize(
    "args",
    [
        ("trace", "--all"),
        ("trace", "ntnu-national-strategy", "--format", "json"),
        ("stats", "--format", "json"),
        ("gaps",),
        ("validate", "--format", "json"),
        ("show", "claim:ntnu-national-strategy"),
        ("anchors", "--format", "json"),
        (
            "query",
            "SELECT ?rec ?modality WHERE { ?rec a pg:Recommendation ; pg:addressedTo ?who ; "
            "pg:modality ?modality } ORDER BY ?rec",
            "--bind",
            "who=actor:myndighetene",
            "--format",
            "json",
        ),
        ("query", "ASK { ?s pg:modality pgc:modality-should }"),
        ("export", "--format", "nt"),
    ],
    ids=lambda a: " ".join(a[:2])[:40],
)
def test_commands_on_the_server_say_what_they_say_locally(
    pushed: Server, args: tuple[str, ...]
) -> None:
    local = run(*args)
    assert remote(pushed, *args) == local


def test_the_library_on_the_server(pushed: Server) -> None:
    g = pg.connect(pushed.query, update_endpoint=pushed.update, graph_store=pushed.graph_store)
    reference = pg.load(store="rdflib")
    assert isinstance(g.store, SparqlStore) and len(g) == len(reference)
    result = g.query(
        "SELECT ?c WHERE { ?c pg:assertedBy ?who } ORDER BY ?c",
        who=URIRef("https://w3id.org/policygraph/id/actor/legeforeningen"),
    )
    assert (
        result.rows
        and result.rows
        == reference.query(
            "SELECT ?c WHERE { ?c pg:assertedBy ?who } ORDER BY ?c",
            who=URIRef("https://w3id.org/policygraph/id/actor/legeforeningen"),
        ).rows
    )
    # A bound value is a term, never text of the query.
    sneaky = Literal('x" } DROP ALL ; SELECT * WHERE { "')
    assert len(g.query("SELECT ?s WHERE { ?s pg:statement ?text }", text=sneaky)) == 0
    assert len(g) == len(reference)
    with pytest.raises(QueryRefusedError):
        g.query("DROP ALL")
    with pytest.raises(QueryError):
        g.query("SELECT ?s WHERE { ?s")


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        # Only in patterns: the term takes the variable's place.
        ("SELECT ?a WHERE { ?a ?p ?who }", "SELECT ?a WHERE { ?a ?p <https://example.org/who> }"),
        ("ASK { ?a ?p* $who }", "ASK { ?a ?p* <https://example.org/who> }"),
        (
            "CONSTRUCT { ?a ?p ?who } WHERE { ?a ?p ?who }",
            "CONSTRUCT { ?a ?p <https://example.org/who> } "
            "WHERE { ?a ?p <https://example.org/who> }",
        ),
        # Projected (or bound again, or ordered by): a VALUES block in the outer WHERE group.
        (
            "SELECT ?who ?a WHERE { ?a ?p ?who }",
            "SELECT ?who ?a WHERE { VALUES (?who) { (<https://example.org/who>) }  ?a ?p ?who }",
        ),
        (
            "SELECT * { ?a ?p ?who }",
            "SELECT * { VALUES (?who) { (<https://example.org/who>) }  ?a ?p ?who }",
        ),
        (
            "CONSTRUCT { ?a ?p '{' } WHERE { ?a ?p ?x } ORDER BY ?who",
            "CONSTRUCT { ?a ?p '{' } WHERE { VALUES (?who) { (<https://example.org/who>) }  "
            "?a ?p ?x } ORDER BY ?who",
        ),
        # Look-alikes in strings, IRIs and comments are left alone.
        (
            "SELECT ?a WHERE { ?a ?p '?who' ; <urn:?who> ?who } # ?who",
            "SELECT ?a WHERE { ?a ?p '?who' ; <urn:?who> <https://example.org/who> } # ?who",
        ),
    ],
)
def test_bound_values_are_written_as_terms(sparql: str, expected: str) -> None:
    assert with_values(sparql, {"who": URIRef("https://example.org/who")})[1] == expected


def test_a_bound_literal_is_escaped() -> None:
    text = with_values("ASK { ?a ?p ?who }", {"who": Literal('a"b\n} .')})[1]
    assert text == r'ASK { ?a ?p "a\"b\n} ." }'


def test_a_runaway_query_is_stopped_at_its_time_limit(oxigraph_server: Server) -> None:
    push(SparqlClient(oxigraph_server.query, oxigraph_server.update, oxigraph_server.graph_store))
    g = pg.connect(oxigraph_server.query)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as caught:
        g.query(SLOW_QUERY, timeout=1)
    assert time.monotonic() - started < 5
    assert caught.value.timeout == 1 and oxigraph_server.query in str(caught.value)
    code, output = remote(oxigraph_server, "query", SLOW_QUERY, "--timeout", "1")
    assert code == 2 and output.count("\n") == 1 and "Traceback" not in output
    assert "1 s" in output


def test_a_server_that_is_down_is_one_line_and_exit_2() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    code, output = run("trace", "--all", "--endpoint", url)
    assert code == 2
    assert output.startswith("policygraph: error: ") and output.count("\n") == 1
    assert url in output and "cannot reach the server" in output


def test_data_files_do_not_mix_with_an_endpoint(oxigraph_server: Server) -> None:
    code, output = run("stats", "--endpoint", oxigraph_server.query, "--data", "x.ttl")
    assert code == 2 and "push them to the server first" in output


def test_an_empty_store_reads_nothing_of_the_server(sparql_server: Server) -> None:
    client = SparqlClient(sparql_server.query, sparql_server.update, sparql_server.graph_store)
    push(client)
    assert len(SparqlStore(client, graphs=[])) == 0
    assert len(SparqlStore(client)) == len(pg.load(store="rdflib"))


@pytest.mark.parametrize(
    "args",
    [
        ("decompile", "--sources", "texts", "-o", "out"),
        ("compile", "x.claims.yaml", "--sources", "texts"),
        ("fingerprint", "--sources", "texts"),
        ("anchors", "--sources", "texts", "--reanchor"),
    ],
    ids=lambda a: a[0],
)
def test_commands_on_local_files_refuse_an_endpoint(args: tuple[str, ...]) -> None:
    code, output = run(*args, "--endpoint", "http://127.0.0.1:9/query")
    assert code == 2 and output.count("\n") == 1
    assert "works on local files; --endpoint is not supported here" in output


def test_blank_nodes_can_be_read_and_looked_up(sparql_server: Server, tmp_path: Path) -> None:
    nested = tmp_path / "nested.ttl"
    nested.write_text(
        '@prefix ex: <https://example.org/> .\nex:a ex:c [ ex:d "inner" ; ex:e [ ex:f 1 ] ] .\n',
        encoding="utf-8",
    )
    client = SparqlClient(sparql_server.query, sparql_server.update, sparql_server.graph_store)
    push(client, [nested], bundled_data=False)
    store = pg.connect(
        sparql_server.query,
        update_endpoint=sparql_server.update,
        graph_store=sparql_server.graph_store,
    ).store
    ex = "https://example.org/"
    [(_, _, blank)] = list(store.triples(URIRef(ex + "a"), URIRef(ex + "c"), None))
    inner = {(str(p), str(o)) for _, p, o in store.triples(blank, None, None)}
    assert (ex + "d", "inner") in inner and len(inner) == 2
    [(_, _, deeper)] = list(store.triples(blank, URIRef(ex + "e"), None))
    assert [str(o) for _, _, o in store.triples(deeper, None, None)] == ["1"]
    assert list(store.triples(None, None, blank)) == [(URIRef(ex + "a"), URIRef(ex + "c"), blank)]
