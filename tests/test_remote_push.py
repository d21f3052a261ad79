"""``push`` against real servers: one named graph per file, and re-running converges exactly
(after a change, after a server killed mid-push)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph import _resources
from policygraph.cli import cli
from policygraph.remote.client import SparqlClient, sibling_endpoints
from policygraph.remote.push import MANIFEST, manifest_graphs, push
from policygraph.remote.results import solutions

from .servers import Server, start_oxigraph


def client_for(server: Server, **options: float) -> SparqlClient:
    return SparqlClient(server.query, server.update, server.graph_store, **options)


def graphs_on(client: SparqlClient) -> dict[str, int]:
    """Every named graph with triples that a push could have written, and its size."""
    document = client.results(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/policygraph/graph/')) } GROUP BY ?g"
    )
    return {str(g): int(str(n)) for g, n in solutions(document, client.query_url)[1]}


def local_count(path: Path) -> int:
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_extension(path.suffix[1:])
    return len(set(ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())))


def expected_data_graphs(client: SparqlClient) -> set[str]:
    return set(manifest_graphs(client)) | {MANIFEST}


def test_sibling_endpoints_follow_the_known_servers() -> None:
    assert sibling_endpoints("http://h:7878/query") == (
        "http://h:7878/update",
        "http://h:7878/store",
    )
    assert sibling_endpoints("http://h/x/sparql") == (
        "http://h/x/sparql",
        "http://h/x/sparql-graph-crud",
    )
    assert sibling_endpoints("http://h/q", None, None) == ("http://h/q", None)
    assert sibling_endpoints("http://h/query", "http://u/", "http://s/") == (
        "http://u/",
        "http://s/",
    )


def test_push_writes_one_graph_per_file_and_converges(
    sparql_server: Server, tmp_path: Path
) -> None:
    client = client_for(sparql_server)
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        "@prefix ex: <https://example.org/> .\n"
        'ex:a ex:b "one" ; ex:c [ ex:d "nested" ] .\n'
        "<relative> ex:b ex:a .\n",
        encoding="utf-8",
    )
    report = push(client, [mine])
    files = _resources.ontology_files() + _resources.data_files() + [mine]
    assert len(report.graphs) == len(files)
    assert {g.status for g in report.graphs} == {"uploaded"}
    pushed = {g.source: g for g in report.graphs}
    assert pushed["files/mine.ttl"].triples == 4
    on_server = graphs_on(client)
    assert set(on_server) == expected_data_graphs(client)
    assert set(manifest_graphs(client)) == {g.graph for g in report.graphs}
    for path in _resources.ontology_files():
        graph = pushed[f"bundled/{path.name}"].graph
        assert on_server[graph] == local_count(path)
    # Relative IRIs resolved against the file, as when loading it.
    document = client.results(
        "ASK { GRAPH ?g { ?x <https://example.org/b> <https://example.org/a> } "
        f"FILTER(?x = <{mine.resolve().as_uri().rsplit('/', 1)[0]}/relative>) }}"
    )
    assert document["boolean"] is True

    # Again: nothing is sent, nothing changes.
    again = push(client, [mine])
    assert {g.status for g in again.graphs} == {"unchanged"}
    assert graphs_on(client) == on_server

    # A changed file replaces its graph; one no longer pushed is removed.
    mine.write_text('<https://example.org/a> <https://example.org/b> "two" .\n', encoding="utf-8")
    other = tmp_path / "other.nt"
    other.write_text('<https://example.org/o> <https://example.org/b> "x" .\n', encoding="utf-8")
    changed = push(client, [mine, other])
    status = {g.source: g.status for g in changed.graphs}
    assert status["files/mine.ttl"] == "uploaded" and status["files/other.nt"] == "uploaded"
    assert sum(s == "removed" for s in status.values()) == 0
    final = push(client, [other])
    removed = [g for g in final.graphs if g.status == "removed"]
    assert [g.source for g in removed] == ["files/mine.ttl"]
    assert set(graphs_on(client)) == expected_data_graphs(client)
    assert pushed["files/mine.ttl"].graph not in graphs_on(client)


def test_push_refuses_a_bad_file_before_writing_anything(
    oxigraph_server: Server, tmp_path: Path
) -> None:
    client = client_for(oxigraph_server)
    push(client, [], bundled_data=False)
    before = graphs_on(client)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    from policygraph.errors import ParseError

    with pytest.raises(ParseError) as caught:
        push(client, [bad], bundled_data=False)
    assert caught.value.path.endswith("bad.ttl") and caught.value.line == 2
    assert graphs_on(client) == before


def test_push_cli_reports_each_graph(oxigraph_server: Server, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["push", "--endpoint", oxigraph_server.query, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.output)
    assert report["endpoint"] == oxigraph_server.query
    assert {g["source"] for g in report["graphs"]} >= {"bundled/policygraph.ttl"}
    text = CliRunner().invoke(cli, ["push", "--endpoint", oxigraph_server.query])
    assert text.exit_code == 0
    assert "0 graph(s) uploaded" in text.output.splitlines()[-1]


def test_push_needs_an_endpoint() -> None:
    result = CliRunner().invoke(cli, ["push"])
    assert result.exit_code == 2
    assert "push needs --endpoint" in result.output


def big_file(folder: Path, triples: int) -> Path:
    path = folder / "big.nt"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(triples):
            out.write(f'<https://example.org/s{i}> <https://example.org/p> "value {i}" .\n')
    return path


def test_server_killed_mid_push_then_push_again(tmp_path: Path) -> None:
    server = start_oxigraph(tmp_path / "server")
    try:
        client = client_for(server, retries=0, timeout=60)
        first = tmp_path / "first.nt"
        first.write_text('<https://example.org/a> <https://example.org/b> "old" .\n')
        push(client, [first], bundled_data=False)
        intended = expected_data_graphs(client)

        big = big_file(tmp_path, 60_000)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                push(client_for(server, retries=0), [big], bundled_data=False, batch=5_000)
            except BaseException as exc:
                failure.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        # Kill the server once part of the big file has arrived.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            sizes = graphs_on(client)
            if any(n >= 5_000 for g, n in sizes.items() if g not in intended):
                break
            time.sleep(0.05)
        server.kill()
        worker.join(timeout=120)
        assert failure, "the push should have failed when the server died"
        server.start()
        # Readers still see the last complete push, nothing of the killed one.
        assert set(manifest_graphs(client)) == intended - {MANIFEST}

        report = push(client, [big], bundled_data=False)
        graphs = graphs_on(client)
        assert set(graphs) == expected_data_graphs(client)
        big_graph = next(g for g in report.graphs if g.source == "files/big.nt")
        assert graphs[big_graph.graph] == 60_000
        assert not any(g.source == "files/first.nt" for g in report.graphs if g.status != "removed")
    finally:
        server.stop()


def test_progress_counts_every_byte_read(oxigraph_server: Server, tmp_path: Path) -> None:
    client = client_for(oxigraph_server)
    big = big_file(tmp_path, 3_000)
    totals: list[int] = []
    read: list[int] = []
    push(client, [big], bundled_data=False, force=True, total=totals.append, progress=read.append)
    files = [*_resources.ontology_files(), big]
    assert totals == [sum(p.stat().st_size for p in files)]
    assert sum(read) == totals[0] and len(read) > 1
