"""The W3C RDF 1.1 Turtle, N-Triples and TriG test suites, run through policygraph.

Positive tests load (eval tests isomorphic to their expected N-Triples/N-Quads) and round-trip
through every export format; negative tests raise the library's ParseError, and from the command
line exit 2 with one line and no traceback. The suites live outside the project
(POLICYGRAPH_W3C_TESTS, or ../shared/w3c-rdf-tests next to the checkout); without them every test
here skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from policygraph.errors import ParseError
from policygraph.graph import PolicyGraph

from .rdfcompare import FORMATS, round_trip, same_dataset, union
from .stores import STORES

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
RDFT = Namespace("http://www.w3.org/ns/rdftest#")
SUITES = ("rdf-n-triples", "rdf-turtle", "rdf-trig")

# Positive tests rdflib 7 (the reference store's parser) reads wrongly, with the reason. Strict
# xfails: a fixed parser shows up as an unexpected pass. The Oxigraph store passes them all.
_IRI_RESOLUTION = (
    "rdflib resolves relative IRIs without RFC 3986 section 5.2 (dot segments and query-only "
    "references come out wrong)"
)
KNOWN_RDFLIB_FAILURES: dict[str, str] = {
    "rdf-n-triples/minimal_whitespace": "rdflib's N-Triples parser needs whitespace between terms",
    **{
        f"{suite}/IRI-resolution-{n}": _IRI_RESOLUTION
        for suite in ("rdf-turtle", "rdf-trig")
        for n in ("01", "02", "07", "08")
    },
}
# Negative tests are caught by Oxigraph's parser (see syntaxcheck.py); rdflib alone accepts
# about a hundred of them.


def _suite_root() -> Path | None:
    configured = os.environ.get("POLICYGRAPH_W3C_TESTS")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "w3c-rdf-tests")
    for candidate in candidates:
        if (candidate / "rdf-turtle" / "manifest.ttl").is_file():
            return candidate
    return None


@dataclass(frozen=True)
class W3CTest:
    suite: str
    name: str
    kind: str  # the rdft: class name, e.g. TestTurtleEval
    action: Path
    result: Path | None
    base: str

    @property
    def positive(self) -> bool:
        return "Negative" not in self.kind

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"


def _read_manifest(folder: Path) -> list[W3CTest]:
    manifest = Graph().parse(folder / "manifest.ttl", format="turtle")
    # N-Triples has no relative IRIs and its manifest names no base; the others do.
    declared = manifest.value(None, MF.assumedTestBase)
    test_base = str(declared or f"https://w3c.github.io/rdf-tests/rdf/rdf11/{folder.name}/")
    tests = []
    for node, kind in manifest.subject_objects(RDF.type):
        if not str(kind).startswith(str(RDFT)):
            continue
        action = Path(str(manifest.value(node, MF.action)).removeprefix("file://"))
        result = manifest.value(node, MF.result)
        tests.append(
            W3CTest(
                suite=folder.name,
                name=str(manifest.value(node, MF.name)),
                kind=str(kind)[len(str(RDFT)) :],
                action=folder / action.name,
                result=folder / Path(str(result)).name if result is not None else None,
                base=test_base + action.name,
            )
        )
    return sorted(tests, key=lambda t: t.id)


ROOT = _suite_root()
ALL_TESTS = [t for suite in SUITES for t in _read_manifest(ROOT / suite)] if ROOT else []
POSITIVE = [t for t in ALL_TESTS if t.positive]
NEGATIVE = [t for t in ALL_TESTS if not t.positive]
needs_suites = pytest.mark.skipif(ROOT is None, reason="W3C test suites not found")


def _positive_params() -> list[object]:
    params = []
    for test in POSITIVE:
        for store in STORES:
            marks = []
            if store == "rdflib" and test.id in KNOWN_RDFLIB_FAILURES:
                marks.append(pytest.mark.xfail(reason=KNOWN_RDFLIB_FAILURES[test.id], strict=True))
            params.append(pytest.param(test, store, id=f"{test.id}-{store}", marks=marks))
    return params


def _negative_params() -> list[object]:
    return [
        pytest.param(test, store, id=f"{test.id}-{store}") for test in NEGATIVE for store in STORES
    ]


def _load(test: W3CTest, path: Path, store: str) -> PolicyGraph:
    graph = PolicyGraph(store=store)
    graph.add_file(path, base=test.base)
    return graph


@needs_suites
def test_the_suites_are_all_there() -> None:
    # 70 N-Triples, 313 Turtle and 356 TriG tests in the 1.1 suites.
    counts = {suite: sum(t.suite == suite for t in ALL_TESTS) for suite in SUITES}
    assert counts == {"rdf-n-triples": 70, "rdf-turtle": 313, "rdf-trig": 356}
    assert all(t.action.is_file() for t in ALL_TESTS)
    assert all(t.result is not None and t.result.is_file() for t in ALL_TESTS if "Eval" in t.kind)


@needs_suites
@pytest.mark.parametrize(("test", "store"), _positive_params())
def test_positive(test: W3CTest, store: str) -> None:
    loaded = _load(test, test.action, store)
    dataset = loaded.graph
    if test.result is not None:
        expected = _load(test, test.result, "rdflib").graph
        assert isomorphic(union(dataset), union(expected))
        assert same_dataset(dataset, expected)
    for fmt in FORMATS:
        round_trip(dataset, fmt, store)


@needs_suites
@pytest.mark.parametrize(("test", "store"), _negative_params())
def test_negative(test: W3CTest, store: str) -> None:
    with pytest.raises(ParseError) as caught:
        _load(test, test.action, store)
    assert caught.value.path == str(test.action)


def _cli_sample() -> list[W3CTest]:
    # Two negative tests per suite: the command line is the same code path for all of them.
    sample = []
    for suite in SUITES:
        sample += [t for t in NEGATIVE if t.suite == suite][:2]
    return sample


@needs_suites
@pytest.mark.parametrize("test", _cli_sample(), ids=lambda t: t.id)
def test_negative_from_the_command_line(test: W3CTest, tmp_path: Path) -> None:
    # The CLI picks the format from the extension; TriG tests keep theirs.
    copy = tmp_path / test.action.name
    shutil.copyfile(test.action, copy)
    proc = subprocess.run(
        [sys.executable, "-m", "policygraph", "validate", "--no-bundled-data", "--data", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and str(copy) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_round_trips_cover_every_export_format() -> None:
    from policygraph.export import EXPORT_FORMATS

    written = {EXPORT_FORMATS[name][0] for name in EXPORT_FORMATS}
    assert written == {EXPORT_FORMATS[name][0] for name in FORMATS}
