"""The SPARQL client against servers that misbehave: a tiny real HTTP server answers 401,
404, 500, garbage, slowly, or drops the connection; and credentials from the environment,
netrc (basic) and Virtuoso's digest-protected endpoint."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.cli import cli
from policygraph.errors import EndpointError, EndpointTimeoutError
from policygraph.remote.client import SparqlClient
from policygraph.remote.results import solutions

from .servers import Server, free_port

RESULTS = json.dumps(
    {
        "head": {"vars": ["x", "y"]},
        "results": {
            "bindings": [
                {
                    "x": {"type": "uri", "value": "https://example.org/a"},
                    "y": {
                        "type": "typed-literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                        "value": "01",
                    },
                },
                {"x": {"type": "literal", "value": "t", "xml:lang": "nb"}},
            ]
        },
    }
).encode()
USER, PASSWORD = "curator", "s3cret"


class Faulty(BaseHTTPRequestHandler):
    """Answers by path; ``hits`` counts requests per path."""

    hits: dict[str, int] = {}

    def log_message(self, *args: object) -> None:
        pass

    def _answer(
        self, status: int, body: bytes, kind: str = "application/json", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 (the http.server API)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        path = self.path.split("?")[0]
        count = self.hits[path] = self.hits.get(path, 0) + 1
        if path == "/ok":
            self._answer(200, RESULTS, "application/sparql-results+json")
        elif path == "/auth":
            token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") == f"Basic {token}":
                self._answer(200, RESULTS)
            else:
                self._answer(401, b"login required")
        elif path == "/404":
            self._answer(404, b"no such service", "text/plain")
        elif path == "/500":
            self._answer(500, b"internal trouble: disk full", "text/plain")
        elif path == "/flaky":
            if count == 1:
                self._answer(503, b"warming up", "text/plain")
            else:
                self._answer(200, RESULTS)
        elif path == "/reset":
            if count == 1:
                self.close_connection = True
                self.connection.shutdown(2)  # the server hangs up without an answer
                return
            self._answer(200, RESULTS)
        elif path == "/cut":  # Virtuoso's way of saying it kept only the first rows
            self._answer(200, RESULTS, X_SPARQL_MaxRows="2")
        elif path == "/garbage":
            self._answer(200, b"<html><body>Welcome to the router</body></html>", "text/html")
        elif path == "/slow":
            time.sleep(3)
            self._answer(200, RESULTS)
        else:
            self._answer(400, b"?", "text/plain")


class Quiet(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout test) is no news


@pytest.fixture(scope="module")
def faulty() -> Iterator[str]:
    server = Quiet(("127.0.0.1", 0), Faulty)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POLICYGRAPH_ENDPOINT_USER", raising=False)
    monkeypatch.delenv("POLICYGRAPH_ENDPOINT_PASSWORD", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def test_results_come_back_as_exact_terms(faulty: str) -> None:
    from rdflib import Literal, URIRef

    client = SparqlClient(faulty + "/ok")
    columns, rows = solutions(client.results("SELECT * {}"), client.query_url)
    assert columns == ("x", "y")
    assert rows[0][0] == URIRef("https://example.org/a")
    assert str(rows[0][1]) == "01"  # the lexical form as the server wrote it
    assert rows[1] == (Literal("t", lang="nb"), None)


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/auth", 401, "POLICYGRAPH_ENDPOINT_USER"),
        ("/404", 404, "nothing answers at this URL"),
        ("/500", 500, "disk full"),
        ("/garbage", 200, "not SPARQL results JSON"),
    ],
)
def test_a_bad_answer_names_endpoint_and_status(
    faulty: str, path: str, status: int, words: str
) -> None:
    client = SparqlClient(faulty + path, retries=1, backoff=0.01)
    with pytest.raises(EndpointError) as caught:
        client.results("ASK {}")
    error = caught.value
    assert error.endpoint == faulty + path and error.status == status
    assert faulty + path in str(error) and f"HTTP {status}" in str(error)
    assert words in str(error)


@pytest.mark.parametrize("path", ["/auth", "/404", "/500", "/garbage"])
def test_the_command_line_gives_one_line_and_exit_2(faulty: str, path: str) -> None:
    result = CliRunner().invoke(cli, ["push", "--endpoint", faulty + path])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("policygraph: error: ")
    assert faulty + path in lines[0] and "Traceback" not in result.output


def test_5xx_is_retried_with_backoff(faulty: str) -> None:
    Faulty.hits.pop("/500", None)
    client = SparqlClient(faulty + "/500", retries=2, backoff=0.05)
    started = time.monotonic()
    with pytest.raises(EndpointError):
        client.results("ASK {}")
    assert Faulty.hits["/500"] == 3
    assert time.monotonic() - started >= 0.05 + 0.1  # waited between the tries
    assert len(solutions(SparqlClient(faulty + "/flaky").results("ASK {}"), "")[1]) == 2


def test_blank_nodes_are_never_posted_twice(faulty: str) -> None:
    client = SparqlClient(faulty + "/ok", graph_store_url=faulty + "/500", backoff=0.01)
    Faulty.hits.pop("/500", None)
    with pytest.raises(EndpointError):
        client.post_graph("urn:g", b"_:b <urn:p> <urn:o> .\n")
    assert Faulty.hits["/500"] == 1  # the server may have stored them before failing
    with pytest.raises(EndpointError):
        client.post_graph("urn:g", b"<urn:s> <urn:p> <urn:o> .\n")
    assert Faulty.hits["/500"] == 1 + 4  # triples without blank nodes: adding twice is harmless


def test_a_dropped_connection_is_retried(faulty: str) -> None:
    client = SparqlClient(faulty + "/reset", backoff=0.01)
    assert len(solutions(client.results("ASK {}"), "")[1]) == 2
    assert Faulty.hits["/reset"] == 2


def test_an_answer_cut_off_by_the_server_is_an_error(faulty: str) -> None:
    with pytest.raises(EndpointError) as caught:
        SparqlClient(faulty + "/cut").results("SELECT * {}")
    assert "cut its answer off at 2 rows" in str(caught.value)
    assert "ResultSetMaxRows" in str(caught.value)


def test_a_slow_server_times_out(faulty: str) -> None:
    client = SparqlClient(faulty + "/slow", timeout=0.5)
    started = time.monotonic()
    with pytest.raises(EndpointTimeoutError) as caught:
        client.results("ASK {}")
    assert time.monotonic() - started < 2.5
    assert "0.5 s" in str(caught.value) and faulty + "/slow" in str(caught.value)


def test_a_server_that_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError) as caught:
        SparqlClient(url, retries=1, backoff=0.01).results("ASK {}")
    assert "cannot reach the server" in str(caught.value) and caught.value.status is None
    result = CliRunner().invoke(cli, ["push", "--endpoint", url])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and url in result.output
    assert "Traceback" not in result.output


def test_credentials_from_the_environment(faulty: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_USER", USER)
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_PASSWORD", PASSWORD)
    assert "results" in SparqlClient(faulty + "/auth").results("ASK {}")
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_PASSWORD", "wrong")
    with pytest.raises(EndpointError) as caught:
        SparqlClient(faulty + "/auth").results("ASK {}")
    assert caught.value.status == 401


def test_credentials_from_netrc(
    faulty: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert "results" in SparqlClient(faulty + "/auth").results("ASK {}")


def test_digest_authentication_on_virtuoso(
    virtuoso_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    protected = virtuoso_server.query + "-auth"  # Virtuoso's /sparql-auth wants digest
    with pytest.raises(EndpointError) as caught:
        SparqlClient(protected).results("ASK {}")
    assert caught.value.status == 401
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_USER", "dba")
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_PASSWORD", "dba")
    assert SparqlClient(protected).results("ASK {}")["boolean"] is True


def test_urls_must_be_http() -> None:
    with pytest.raises(EndpointError):
        SparqlClient("file:///etc/passwd")
