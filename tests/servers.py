"""Real SPARQL servers for the tests: an Oxigraph server and OpenLink Virtuoso 7.

Each runs as a child process on free loopback ports with its files in a temporary folder, is
started once per test session (the fixtures in conftest.py) and stopped at teardown. A server
whose binary is absent makes its tests skip, unless ``POLICYGRAPH_REQUIRE_SERVERS=1`` (as in
``.ci/run``), where it makes them fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

__all__ = ["Server", "free_port", "oxigraph_binary", "start_oxigraph", "start_virtuoso"]

REQUIRED = os.environ.get("POLICYGRAPH_REQUIRE_SERVERS") == "1"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def missing(what: str) -> None:
    """Skip (or, when servers are required, fail) for want of ``what``."""
    if REQUIRED:
        pytest.fail(f"{what} is required (POLICYGRAPH_REQUIRE_SERVERS=1) but not found")
    pytest.skip(f"{what} not installed")


@dataclass
class Server:
    """A running server: its SPARQL URLs and how to start it again on the same files."""

    name: str
    query: str
    update: str
    graph_store: str
    command: list[str]
    folder: Path
    probe: str
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.folder / f"{self.name}.out"

    def start(self) -> Server:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.probe, timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not start in {STARTUP_SECONDS} s")

    def kill(self) -> None:
        """SIGKILL: no chance to finish what it was doing."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def start_oxigraph(folder: Path, *extra: str) -> Server:
    binary = oxigraph_binary()
    if binary is None:
        missing("the oxigraph server (pip install oxigraph)")
    assert binary is not None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (folder / "data").mkdir(parents=True, exist_ok=True)
    command = [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"]
    server = Server(
        "oxigraph",
        f"{base}/query",
        f"{base}/update",
        f"{base}/store",
        [*command, *extra],
        folder,
        probe=f"{base}/query?query=ASK%7B%7D",
    )
    return server.start()


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


def start_virtuoso(folder: Path) -> Server:
    binary = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if binary is None or isql is None:
        missing("OpenLink Virtuoso (apt-get install virtuoso-opensource)")
    assert binary is not None and isql is not None
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(db=folder, sql_port=sql_port, http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    server = Server(
        "virtuoso",
        f"{base}/sparql",
        f"{base}/sparql",
        f"{base}/sparql-graph-crud",
        [binary, "-f", "-c", str(ini)],
        folder,
        probe=f"{base}/sparql?query=ASK%7B%7D",
    ).start()
    # The anonymous SPARQL user may update (a test server on loopback only).
    grants = (
        'GRANT SPARQL_UPDATE TO "SPARQL"; '
        'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL"; '
        'GRANT EXECUTE ON DB.DBA.L_O_LOOK TO "SPARQL";'
    )
    subprocess.run(
        [isql, str(sql_port), "dba", "dba", f"exec={grants}"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return server


# ----------------------------------------------------------------------------- fixtures
# Registered for every test module by ``pytest_plugins`` in conftest.py.


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # The server stops a query itself after 10 s: one a test gave up on must not run on.
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-server"), "--timeout-s", "10")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-server"))
    yield server
    server.stop()


SERVERS = ["oxigraph", "virtuoso"]


@pytest.fixture(params=SERVERS)
def sparql_server(request: pytest.FixtureRequest) -> Server:
    """Each real server in turn (session-wide: tests leave the data they push behind)."""
    server: Server = request.getfixturevalue(f"{request.param}_server")
    return server
