"""No data loss: exports are atomic even when the writer is killed, reading operations never
change the caller's graph, loading never duplicates or drops triples, and named graphs keep
their names through loading and exporting, on every store."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

import policygraph as pg
from policygraph import _resources
from policygraph import export as export_module
from policygraph.errors import ExportError, ParseError, QueryRefusedError
from policygraph.export import STALE_AFTER

from .rdfcompare import same_dataset

BENCH = Path(__file__).parents[1] / "bench"
sys.path.insert(0, str(BENCH))
from corpus import generate  # noqa: E402

sys.path.remove(str(BENCH))

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

STORES = ["rdflib", "oxigraph"]
posix_only = pytest.mark.skipif(
    os.name != "posix" or not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"
)
# Exact literals move the default store's graph to the reference store, and it says so.
quiet = pytest.mark.filterwarnings("ignore::policygraph.stores.PerformanceWarning")

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small-claims.ttl"
EX = "https://example.org/test/"
NG = "https://example.org/ng/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DEFAULT = "(default)"

# A default graph and two named graphs; one triple is in all three, one in both named graphs.
NAMED_TRIG = f"""\
@prefix ng: <{NG}> .
@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ng:d ng:p ng:o .
ng:everywhere ng:p "in all three graphs" .
ng:g1 {{
    ng:everywhere ng:p "in all three graphs" .
    ng:both ng:p "in g1 and g2"@en .
    ng:a ng:p "only in g1" .
    ex:rec-train rdfs:comment "a note kept in g1" .
}}
ng:g2 {{
    ng:everywhere ng:p "in all three graphs" .
    ng:both ng:p "in g1 and g2"@en .
    ng:b ng:p "only in g2"^^<{XSD}token> .
}}
"""
# Other quads, in N-Quads: one more graph, and one quad that the TriG file has too.
NAMED_NQ = f"""\
<{NG}c> <{NG}p> "only in g3" <{NG}g3> .
<{NG}a> <{NG}p> "only in g1" <{NG}g1> .
<{NG}e> <{NG}p> <{NG}o> .
"""
EXPECTED_TRIG = {
    DEFAULT: {("d", "p", "o"), ("everywhere", "p", '"in all three graphs"')},
    "g1": {
        ("everywhere", "p", '"in all three graphs"'),
        ("both", "p", '"in g1 and g2"@en'),
        ("a", "p", '"only in g1"'),
        (EX + "rec-train", "http://www.w3.org/2000/01/rdf-schema#comment", '"a note kept in g1"'),
    },
    "g2": {
        ("everywhere", "p", '"in all three graphs"'),
        ("both", "p", '"in g1 and g2"@en'),
        ("b", "p", f'"only in g2"^^{XSD}token'),
    },
}
EXPECTED_NQ = {
    DEFAULT: {("e", "p", "o")},
    "g1": {("a", "p", '"only in g1"')},
    "g3": {("c", "p", '"only in g3"')},
}


# ----------------------------------------------------------------------------- helpers


def _key(term: Any) -> tuple[str, ...]:
    """A term with everything that makes it that term: lexical form, datatype, language."""
    if isinstance(term, Literal):
        return ("literal", str(term), str(term.datatype or ""), term.language or "")
    return (type(term).__name__, str(term))


def _graph_name(g: Any) -> tuple[str, ...]:
    name = getattr(g, "identifier", g)
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return ("default",)
    return _key(name)


def quads(ds: Dataset) -> set[tuple[tuple[str, ...], ...]]:
    """Every quad, exactly (blank nodes by label: for comparing a graph with itself)."""
    return {(_key(s), _key(p), _key(o), _graph_name(g)) for s, p, o, g in ds.quads()}


def quad_count(ds: Dataset) -> int:
    return sum(1 for _ in ds.quads())


def _short(term: Any) -> str:
    """A term for reading: IRIs in the test namespace by local name, literals quoted."""
    if isinstance(term, Literal):
        if term.language:
            return f'"{term}"@{term.language}'
        if term.datatype is not None:
            return f'"{term}"^^{term.datatype}'
        return f'"{term}"'
    text = str(term)
    return text[len(NG) :] if text.startswith(NG) else text


def graphs_of(ds: Dataset) -> dict[str, set[tuple[str, ...]]]:
    """The quads by graph (graph names and IRIs in the test namespace shortened)."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for s, p, o, g in ds.quads():
        name = _graph_name(g)
        label = DEFAULT if name == ("default",) else _short(URIRef(name[1]))
        out.setdefault(label, set()).add((_short(s), _short(p), _short(o)))
    return out


def merged(*parts: dict[str, set[tuple[str, ...]]]) -> dict[str, set[tuple[str, ...]]]:
    out: dict[str, set[tuple[str, ...]]] = {}
    for part in parts:
        for name, triples in part.items():
            out.setdefault(name, set()).update(triples)
    return out


def temporaries(folder: Path, name: str) -> set[str]:
    """Temporary files for the target ``name`` in ``folder`` (``.NAME.*.tmp``)."""
    return {p.name for p in folder.glob(f".{glob.escape(name)}.*.tmp")}


def any_temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def load_only(*paths: Path, store: str) -> pg.PolicyGraph:
    """Just these files (``pg.load`` adds the ontology; these tests need not pay for it)."""
    g = pg.PolicyGraph(store=store)
    for path in paths:
        g.add_file(path)
    return g


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("named")
    out = {"trig": folder / "named.trig", "nq": folder / "named.nq"}
    out["trig"].write_text(NAMED_TRIG, encoding="utf-8")
    out["nq"].write_text(NAMED_NQ, encoding="utf-8")
    return out


# ----------------------------------------------------------------------------- 1. atomic writes
#
# A child process exports a large graph over an existing file and is sent SIGKILL while it
# writes the temporary file: as soon as that file has content. Linux stops a write() at a
# fatal signal, so the killed writer usually leaves a temporary file cut short (else one that
# is complete but not yet renamed); either way the target must be the old file, whole.

CHILD = """\
import sys
import policygraph as pg
g = pg.load(sys.argv[1], bundled_data=False, store=sys.argv[2])
while True:
    g.export(sys.argv[3], format="turtle")
"""


@dataclass
class BigCorpus:
    path: Path
    store: str
    export: bytes  # its complete Turtle export (exports are deterministic)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> BigCorpus:
    """A corpus large enough that writing its export takes a while (~150k triples, 6 MB of
    Turtle); on the default store (the command line's too)."""
    store = "oxigraph"
    path = tmp_path_factory.mktemp("big") / "corpus.ttl"
    generate(path, triples=150_000 if store == "oxigraph" else 30_000, seed=5)
    text = pg.load(path, bundled_data=False, store=store).export(format="turtle")
    assert text is not None
    return BigCorpus(path, store, text.encode("utf-8"))


@pytest.fixture(scope="module")
def small_export() -> bytes:
    text = pg.load(SMALL, bundled_data=False).export(format="turtle")
    assert text is not None
    return text.encode("utf-8")


def kill_mid_write(
    command: list[str], target: Path, old: bytes, new: bytes, env: dict[str, str] | None = None
) -> Path:
    """Run ``command`` (which exports ``new`` to ``target``, over ``old``), SIGKILL it while it
    writes the temporary file, and return the temporary file it left behind. Tries again (at
    most three times) in the unlikely case that the rename was done before the kill."""
    folder, name = target.parent, target.name
    for _ in range(3):
        target.write_bytes(old)
        before = temporaries(folder, name)
        proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        try:
            while not (fresh := sorted(temporaries(folder, name) - before)):
                if proc.poll() is not None or time.monotonic() > deadline:
                    error = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"no temporary file for {target} appeared: {error}")
                time.sleep(0.0002)
            tmp = folder / fresh[0]
            with contextlib.suppress(FileNotFoundError):
                while tmp.stat().st_size == 0 and proc.poll() is None:
                    pass  # the writing has not begun
            during = target.read_bytes()  # what a reader sees while the new file is written
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        assert during in (old, new)
        if tmp.exists():
            return tmp
        assert target.read_bytes() == new  # the rename won the race: the new file, whole
    pytest.fail(f"never caught the writer of {target} between its write and its rename")


def assert_whole(target: Path, old: bytes, new: bytes, leftover: Path) -> None:
    """The target is the old file, whole, and the killed writer's temporary file held the
    beginning of the new export (or all of it): it was killed while writing it."""
    data = target.read_bytes()
    assert data == old, f"{target} is not the old file ({len(data)} bytes)"
    assert len(Graph().parse(data=data.decode("utf-8"), format="turtle")) > 0
    partial = leftover.read_bytes()
    assert partial and new.startswith(partial), "the temporary file is not the export's start"


def assert_later_writes_clean_up(target: Path, leftover: Path) -> None:
    """A later successful export leaves none of its own temporary files; the killed writer's
    file stays while it may still be in use, and goes once it is stale."""
    folder = target.parent
    small = pg.load(SMALL, bundled_data=False)
    small.export(target, format="turtle")
    assert target.read_bytes() == small.export(format="turtle").encode("utf-8")  # type: ignore[union-attr]
    assert temporaries(folder, target.name) == {leftover.name}  # fresh: not yet stale
    if fcntl is None:
        return  # no locks to tell a dead writer from a live one: left for the user
    stale = time.time() - STALE_AFTER - 5
    os.utime(leftover, (stale, stale))
    small.export(target, format="turtle")
    assert temporaries(folder, target.name) == set()
    assert any_temporaries(folder) == []


@posix_only
def test_sigkill_mid_export_leaves_old_file_whole(
    big: BigCorpus, small_export: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "claims.ttl"  # holds a prior export
    command = [sys.executable, "-c", CHILD, str(big.path), big.store, str(target)]
    leftover = kill_mid_write(command, target, small_export, big.export)
    assert_whole(target, small_export, big.export, leftover)
    assert_later_writes_clean_up(target, leftover)


@posix_only
def test_sigkill_mid_cli_export_leaves_old_file_whole(
    big: BigCorpus, small_export: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "out.ttl"
    command = [sys.executable, "-m", "policygraph", "export", "--no-bundled-data"]
    command += ["--data", str(big.path), "-o", str(target)]
    env = dict(os.environ, POLICYGRAPH_STORE=big.store)
    leftover = kill_mid_write(command, target, small_export, big.export, env)
    assert_whole(target, small_export, big.export, leftover)
    assert_later_writes_clean_up(target, leftover)


@pytest.mark.parametrize("store", STORES)
def test_normal_exports_leave_no_temporary_files(store: str, tmp_path: Path) -> None:
    g = pg.load(SMALL, bundled_data=False, store=store)
    names = []
    for ext in (".ttl", ".nt", ".nq", ".trig", ".jsonld"):
        target = tmp_path / f"out{ext}"
        g.export(target)
        g.export(target)  # over an existing file too
        names.append(target.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def _failing(exc: BaseException, seen: list[list[str]], folder: Path) -> Callable[[int], None]:
    """An ``os.fsync`` that fails, after noting the temporary files present at that moment."""

    def fsync(fd: int) -> None:
        seen.append(any_temporaries(folder))
        raise exc

    return fsync


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(OSError(errno.EIO, "Input/output error"), id="fsync-io-error"),
        pytest.param(OSError(errno.ENOSPC, "No space left on device"), id="disk-full"),
        pytest.param(KeyboardInterrupt(), id="ctrl-c"),
    ],
)
def test_export_failing_mid_write_leaves_old_file_and_no_temporary(
    store: str,
    failure: BaseException,
    tmp_path: Path,
    small_export: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "keep.ttl"
    target.write_bytes(small_export)
    g = pg.load(SMALL, bundled_data=False, store=store)
    seen: list[list[str]] = []
    monkeypatch.setattr(export_module.os, "fsync", _failing(failure, seen, tmp_path))
    expected = KeyboardInterrupt if isinstance(failure, KeyboardInterrupt) else ExportError
    with pytest.raises(expected):
        g.export(target)
    assert len(seen) == 1 and len(seen[0]) == 1, seen  # it failed with its temporary file open
    assert temporaries(tmp_path, target.name) == set()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.ttl"]
    assert target.read_bytes() == small_export


@pytest.mark.parametrize("store", STORES)
def test_export_failing_at_the_rename_leaves_no_temporary(
    store: str, tmp_path: Path, small_export: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.nt"
    target.write_bytes(small_export)
    g = pg.load(SMALL, bundled_data=False, store=store)

    def replace(src: str, dst: str) -> None:
        assert Path(src).read_bytes()  # the whole new file was written
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(export_module.os, "replace", replace)
    with pytest.raises(ExportError, match="cross-device"):
        g.export(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.nt"]
    assert target.read_bytes() == small_export


@quiet
@pytest.mark.parametrize("store", STORES)
def test_unserialisable_graph_leaves_old_file_and_no_temporary(
    store: str, tmp_path: Path, small_export: bytes
) -> None:
    target = tmp_path / "keep.ttl"
    target.write_bytes(small_export)
    g = pg.load(SMALL, bundled_data=False, store=store)
    g.graph.add((URIRef(EX + "x"), URIRef(EX + "p"), Literal("lone surrogate \ud800")))
    g.invalidate()
    for fmt in ("turtle", "nt", "nquads", "trig", "jsonld"):
        with pytest.raises(ExportError):
            g.export(target, format=fmt)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.ttl"]
    assert target.read_bytes() == small_export


@pytest.mark.skipif(fcntl is None, reason="stale temporary files are only removed with flock")
def test_stale_clean_up_removes_only_dead_writers_files(tmp_path: Path) -> None:
    """Only files named as the writer names its temporary files for this very target, unlocked
    and untouched for a while, are removed; nothing else in the folder is."""
    target = tmp_path / "out.ttl"
    old = time.time() - STALE_AFTER - 60

    def make(name: str, *, aged: bool = True) -> Path:
        path = tmp_path / name
        path.write_bytes(b"@prefix half-written")
        if aged:
            os.utime(path, (old, old))
        return path

    dead = make(".out.ttl.k1ll_ed0.tmp")
    fresh = make(".out.ttl.fresh000.tmp", aged=False)  # a writer between create and lock
    live = make(".out.ttl.l1vewrit.tmp")  # a live (stalled) writer holds its lock
    others = [
        make(".other.ttl.k1ll_ed0.tmp"),  # another target's
        make(".out.ttl.k1ll_ed0.tmp.bak"),
        make("out.ttl.k1ll_ed0.tmp"),
        make(".out.ttl.K1LLED00.tmp"),  # mkstemp never uses upper case
        make(".out.ttl.short.tmp"),
        make(".out.ttl.toolong000.tmp"),
        make("notes.tmp"),
    ]
    folder_like = tmp_path / ".out.ttl.adirname.tmp"
    folder_like.mkdir()
    os.utime(folder_like, (old, old))
    precious = make("precious.ttl")
    link = tmp_path / ".out.ttl.symlink0.tmp"
    link.symlink_to(precious)
    os.utime(link, (old, old), follow_symlinks=False)

    holder = os.open(live, os.O_RDWR)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        pg.load(SMALL, bundled_data=False).export(target)
    finally:
        os.close(holder)
    assert not dead.exists()
    for kept in [fresh, live, *others, folder_like, precious, link]:
        assert os.path.lexists(kept), kept.name
    assert precious.read_bytes() == b"@prefix half-written"
    assert target.is_file() and not target.is_symlink()


# ----------------------------------------------------------------------------- 2. no mutation

REFUSED = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    f"CLEAR GRAPH <{NG}g1>",
    "DROP ALL",
    "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
]


def _operations(g: pg.PolicyGraph, folder: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    """Everything that reads the graph, by name."""
    yield "validate", g.validate
    yield "validate(shapes)", lambda: g.validate(FIXTURES / "fast-shapes.ttl")
    yield "trace_all", g.trace_all
    yield "trace", lambda: g.trace("rec-train")
    yield "gaps", g.gaps
    yield "stats", g.stats
    yield "recommendations", g.recommendations
    yield "claims", g.claims
    yield "describe", lambda: g.describe("rec-train")
    yield "describe(named)", lambda: g.describe(NG + "a")
    yield "to_networkx", g.to_networkx
    yield "len", lambda: len(g)
    yield "select", lambda: g.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    yield "select(bound)", lambda: g.query("SELECT ?o WHERE { ?s ?p ?o }", s=URIRef(NG + "a"))
    yield "construct", lambda: g.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    yield "construct(new)", lambda: g.query("CONSTRUCT { ?s <urn:new> 1 } WHERE { ?s a ?t }")
    yield "ask", lambda: g.query("ASK { ?s a pg:Recommendation }")
    for sparql in REFUSED:
        yield f"refused {sparql}", lambda sparql=sparql: _refused(g, sparql)
    for fmt in ("turtle", "nt", "nquads", "trig", "jsonld"):
        yield f"serialize({fmt})", lambda fmt=fmt: g.serialize(fmt)
        yield f"export({fmt})", lambda fmt=fmt: g.export(format=fmt)
        yield f"export(file, {fmt})", lambda fmt=fmt: g.export(folder / f"x.{fmt}", fmt)


def _refused(g: pg.PolicyGraph, sparql: str) -> None:
    with pytest.raises(QueryRefusedError):
        g.query(sparql)


def _mutation_files(folder: Path, variant: str) -> list[Path]:
    named = folder / "named.trig"
    named.write_text(
        NAMED_TRIG + "ng:g1 { ng:a ng:q [ ng:r ng:blank ] . }\n_:bg { ng:x ng:p ng:y . }\n",
        encoding="utf-8",
    )
    out = [SMALL, named]
    if variant == "exact-literals":  # literals Oxigraph would rewrite: the reference paths
        lex = folder / "lex.ttl"
        lex.write_text(
            f"@prefix xsd: <{XSD}> .\n"
            f'<{NG}a> <{NG}n> 01, +1, "1.50"^^xsd:decimal, "x"^^xsd:string, "y"@EN-gb .\n',
            encoding="utf-8",
        )
        out.append(lex)
    return out


def _assert_unchanged(
    before: tuple[Any, ...], after: tuple[Any, ...], what: str, ran: list[str]
) -> None:
    assert after[0] == before[0], f"{what} changed the number of triples (after {ran})"
    assert after[1] == before[1], f"{what} changed the number of quads (after {ran})"
    assert after[2] == before[2], f"{what} changed the quads (after {ran})"


@quiet
@pytest.mark.parametrize("variant", ["plain", "exact-literals"])
@pytest.mark.parametrize("store", STORES)
def test_reading_operations_never_change_the_graph(
    store: str, variant: str, tmp_path: Path
) -> None:
    g = pg.load(*_mutation_files(tmp_path, variant), bundled_data=False, store=store)
    dataset = g.graph

    def snapshot() -> tuple[Any, ...]:
        extra = frozenset(map(str, g.store.quads()))  # what the store itself holds
        return (len(g), quad_count(g.graph), quads(g.graph), extra)

    before = snapshot()
    assert before[1] > before[0]  # named graphs: more quads than distinct triples
    ran: list[str] = []
    for name, operation in _operations(g, tmp_path):
        operation()
        ran.append(name)
        after = snapshot()
        _assert_unchanged(before, after, name, ran)
        assert after[3] == before[3], f"{name} changed the Oxigraph store"
    if store == "rdflib":
        assert g.graph is dataset


@quiet
@pytest.mark.parametrize("store", STORES)
def test_caller_dataset_is_never_changed(store: str, tmp_path: Path) -> None:
    """A caller's own Dataset handed to ``PolicyGraph`` is read, never written, by every
    reading operation; an independent parse of the same files is the reference."""

    def parse() -> Dataset:
        ds = Dataset(default_union=True)
        for path in [*_resources.ontology_files(), *_mutation_files(tmp_path, "exact-literals")]:
            ds.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
        return ds

    mine, reference = parse(), parse()
    before = (len(mine), quad_count(mine), quads(mine))
    g = pg.PolicyGraph(mine, store=store)
    ran: list[str] = []
    for name, operation in _operations(g, tmp_path):
        operation()
        ran.append(name)
        _assert_unchanged(before, (len(mine), quad_count(mine), quads(mine)), name, ran)
    assert same_dataset(mine, reference)


# ----------------------------------------------------------------------------- 3. no duplicates


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory, files: dict[str, Path]) -> dict[str, Path]:
    """The fixture claims and the named graphs, exported in every format."""
    folder = tmp_path_factory.mktemp("formats")
    g = load_only(SMALL, files["trig"], store="rdflib")
    out = {"ttl": SMALL}
    for fmt, ext in [("nt", ".nt"), ("nquads", ".nq"), ("trig", ".trig"), ("jsonld", ".jsonld")]:
        out[ext[1:]] = folder / f"claims{ext}"
        g.export(out[ext[1:]], fmt)
    return out


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_loading_a_file_twice_changes_nothing(
    store: str, fmt: str, formats: dict[str, Path]
) -> None:
    once = load_only(formats[fmt], store=store)
    twice = load_only(formats[fmt], formats[fmt], store=store)
    assert len(twice) == len(once)
    assert quad_count(twice.graph) == quad_count(once.graph)
    assert quads(twice.graph) == quads(once.graph)
    again = load_only(store=store)
    for _ in range(3):
        again.add_file(formats[fmt])
    assert quads(again.graph) == quads(once.graph)


def _overlapping(folder: Path) -> tuple[Path, Path, Graph, Graph]:
    """Two Turtle files sharing some triples, written differently in each."""
    a = folder / "a.ttl"
    b = folder / "b.ttl"
    lines_a = [f"@prefix ng: <{NG}> .", "@prefix xsd: <" + XSD + "> ."]
    lines_b = [f"@prefix other: <{NG}> ."]
    for i in range(60):
        lines_a.append(f'ng:s{i} ng:p "value {i}"@nb ; ng:n {i} ; ng:link ng:s{i + 1} .')
    for i in range(40, 100):  # 40-59 in both
        lines_b.append(f'<{NG}s{i}> other:p """value {i}"""@nb .')
        lines_b.append(f'other:s{i} other:n "{i}"^^<{XSD}integer> ; other:link other:s{i + 1} .')
    a.write_text("\n".join(lines_a) + "\n", encoding="utf-8")
    b.write_text("\n".join(lines_b) + "\n", encoding="utf-8")
    return a, b, Graph().parse(a), Graph().parse(b)


@pytest.mark.parametrize("store", STORES)
def test_overlapping_files_load_as_their_exact_union(store: str, tmp_path: Path) -> None:
    a, b, graph_a, graph_b = _overlapping(tmp_path)
    union = {(_key(s), _key(p), _key(o), ("default",)) for s, p, o in graph_a + graph_b}
    shared = {t for t in graph_a if t in graph_b}
    assert len(shared) == 60 and len(union) == len(graph_a) + len(graph_b) - 60
    for order in ((a, b), (b, a), (a, b, a, b)):
        g = load_only(*order, store=store)
        assert quads(g.graph) == union
        assert len(g) == len(union)


@pytest.mark.parametrize("store", STORES)
def test_same_content_in_every_format_loads_once(store: str, tmp_path: Path) -> None:
    """The claims (default graph only) as Turtle, N-Triples, JSON-LD, TriG and N-Quads,
    all loaded together: the same graph as any one of them."""
    source = load_only(SMALL, store="rdflib")
    paths = []
    for fmt, ext in [("turtle", ".ttl"), ("nt", ".nt"), ("jsonld", ".jsonld")]:
        paths.append(tmp_path / f"same{ext}")
        source.export(paths[-1], fmt)
    for fmt, ext in [("trig", ".trig"), ("nquads", ".nq")]:
        paths.append(tmp_path / f"same{ext}")
        source.export(paths[-1], fmt)
    one = load_only(SMALL, store=store)
    claims = quads(one.graph)
    assert len(claims) > 50
    for path in paths:
        assert quads(load_only(path, store=store).graph) == quads(one.graph)
    together = load_only(*paths, SMALL, store=store)
    assert len(together) == len(one)
    assert quads(together.graph) == quads(one.graph)


# predicate -> the literals written for it, each a different RDF term for rdflib (the
# reference): (Turtle, lexical form, datatype, language tag).
LEXICAL: dict[str, list[tuple[str, str, str, str]]] = {
    "int": [
        ('"1"^^xsd:integer', "1", "integer", ""),
        ('"01"^^xsd:integer', "01", "integer", ""),
        ("+1", "+1", "integer", ""),
        ('"-0"^^xsd:integer', "-0", "integer", ""),
    ],
    "dec": [
        ('"1.0"^^xsd:decimal', "1.0", "decimal", ""),
        ('"1.00"^^xsd:decimal', "1.00", "decimal", ""),
        ("1.000", "1.000", "decimal", ""),
    ],
    "dbl": [('"1E0"^^xsd:double', "1E0", "double", ""), ("1.0e0", "1.0e0", "double", "")],
    "bool": [
        ('"true"^^xsd:boolean', "true", "boolean", ""),
        ('"1"^^xsd:boolean', "1", "boolean", ""),
    ],
    "date": [
        ('"2024-01-01"^^xsd:date', "2024-01-01", "date", ""),
        ('"2024-01-01Z"^^xsd:date', "2024-01-01Z", "date", ""),
    ],
    "str": [('"x"', "x", "", ""), ('"x"^^xsd:string', "x", "string", "")],
    "lang": [('"x"@en', "x", "", "en"), ('"x"@en-gb', "x", "", "en-gb")],
    "tag": [('"y"@EN-GB', "y", "", "EN-GB")],
}
# The same terms written another way (language tags are case-insensitive): nothing new, and
# the first spelling stays.
LEXICAL_AGAIN = {
    "int": ["1", '"01"^^<http://www.w3.org/2001/XMLSchema#integer>'],
    "dec": ["1.0"],
    "bool": ["true"],
    "str": ['"""x"""', "'x'^^xsd:string"],
    "lang": ['"x"@EN', '"x"@en-GB'],
    "tag": ['"y"@en-gb'],
}


def _literal_file(path: Path, literals: dict[str, list[str]]) -> Path:
    lines = [f"@prefix xsd: <{XSD}> ."]
    for pred, values in literals.items():
        lines += [f"<{NG}lit> <{NG}{pred}> {value} ." for value in values]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _lexical(g: pg.PolicyGraph) -> dict[str, set[tuple[str, str, str]]]:
    out: dict[str, set[tuple[str, str, str]]] = {}
    for p, o in g.graph.predicate_objects(URIRef(NG + "lit")):
        datatype = str(o.datatype or "").replace(XSD, "")
        out.setdefault(str(p)[len(NG) :], set()).add((str(o), datatype, o.language or ""))
    return out


@quiet
@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("split", ["one-file", "two-files", "two-files-reversed"])
def test_literals_differing_only_in_lexical_form_are_all_kept(
    store: str, split: str, tmp_path: Path
) -> None:
    """ "1" and "01" (and "x" and "x"^^xsd:string, which rdflib, the reference, keeps apart) are
    different terms: every one is kept, on every store and in any loading order, and writing
    the same term again adds nothing."""
    expected = {p: {v[1:] for v in values} for p, values in LEXICAL.items()}
    count = sum(len(v) for v in expected.values())
    turtle = {p: [v[0] for v in values] for p, values in LEXICAL.items()}
    if split == "one-file":
        paths = [_literal_file(tmp_path / "all.ttl", turtle)]
    else:
        first = {p: v[:1] for p, v in turtle.items()}
        second = {p: v[1:] for p, v in turtle.items()}
        paths = [
            _literal_file(tmp_path / "first.ttl", first),
            _literal_file(tmp_path / "second.ttl", second),
        ]
        if split == "two-files-reversed":
            paths.reverse()
    paths.append(_literal_file(tmp_path / "again.ttl", LEXICAL_AGAIN))
    g = load_only(*paths, store=store)
    assert len(g) == count  # before the rdflib view is built (Oxigraph)
    assert _lexical(g) == expected
    assert len(g) == count
    # ... and every one is written out and read back.
    for fmt, ext in [("nt", ".nt"), ("turtle", ".ttl"), ("nquads", ".nq")]:
        out = tmp_path / f"lexical{ext}"
        g.export(out, fmt)
        back = load_only(out, store=store)
        assert len(back) == count, fmt
        assert _lexical(back) == expected, fmt


@pytest.mark.parametrize("store", STORES)
def test_blank_node_file_loaded_twice(store: str, tmp_path: Path) -> None:
    """The same file read twice is one document: its blank nodes come in once. A copy of it
    elsewhere is another document, whose blank nodes are its own (RDF merge)."""
    path = tmp_path / "blank.ttl"
    path.write_text(f"<{NG}a> <{NG}p> [ <{NG}q> 1 ] .\n<{NG}a> <{NG}r> 2 .\n", encoding="utf-8")
    once = load_only(path, store=store)
    twice = load_only(path, path, store=store)
    assert len(once) == 3 and len(twice) == 3
    ground = {q for q in quads(twice.graph) if all(t[0] != "BNode" for t in q)}
    assert ground == {q for q in quads(once.graph) if all(t[0] != "BNode" for t in q)}
    g = load_only(path, store=store)
    g.add_file(path)
    assert len(g) == 3
    copy = tmp_path / "copy.ttl"
    copy.write_bytes(path.read_bytes())
    g.add_file(copy)
    assert len(g) == 5  # the copy brings its own blank node (two triples); its ground triple merges


@pytest.mark.parametrize("store", STORES)
def test_a_file_changed_since_it_was_read_is_read_again(store: str, tmp_path: Path) -> None:
    path = tmp_path / "grows.ttl"
    path.write_text(f"<{NG}a> <{NG}p> 1 .\n", encoding="utf-8")
    g = load_only(path, store=store)
    path.write_text(f"<{NG}a> <{NG}p> 1 .\n<{NG}a> <{NG}p> 2 .\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    g.add_file(path)
    assert len(g) == 2
    g.add_file(path, base="https://example.org/other/")  # another base is another reading
    assert len(g) == 2  # no relative IRIs here, so nothing new


@pytest.mark.parametrize("store", STORES)
def test_a_file_that_failed_to_load_can_be_loaded_once_fixed(store: str, tmp_path: Path) -> None:
    path = tmp_path / "fixme.ttl"
    path.write_text(f"<{NG}a> <{NG}p> .\n", encoding="utf-8")
    g = load_only(store=store)
    with pytest.raises(ParseError):
        g.add_file(path)
    with pytest.raises(ParseError):  # a failed read is not remembered as read
        g.add_file(path)
    assert len(g) == 0


# ----------------------------------------------------------------------------- 4. named graphs


@pytest.mark.parametrize("store", STORES)
def test_trig_and_nquads_keep_each_quad_in_its_graph(store: str, files: dict[str, Path]) -> None:
    g = load_only(files["trig"], store=store)
    assert graphs_of(g.graph) == EXPECTED_TRIG
    g = load_only(files["nq"], store=store)
    assert graphs_of(g.graph) == EXPECTED_NQ
    both = merged(EXPECTED_TRIG, EXPECTED_NQ)
    # The union counts each distinct triple once; the quads keep every graph's copy.
    distinct = {t for triples in both.values() for t in triples}
    assert len(distinct) < sum(len(t) for t in both.values())
    for order in ((files["trig"], files["nq"]), (files["nq"], files["trig"])):
        g = load_only(*order, store=store)
        assert graphs_of(g.graph) == both
        assert len(g) == len(distinct)
        assert quad_count(g.graph) == sum(len(t) for t in both.values())


@pytest.mark.parametrize("store", STORES)
def test_triple_files_add_to_the_default_graph_only(
    store: str, files: dict[str, Path], tmp_path: Path
) -> None:
    """A Turtle file holding a triple that is in g1 and g2 adds it to the default graph and
    leaves the named graphs as they were."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(f'<{NG}both> <{NG}p> "in g1 and g2"@en .\n', encoding="utf-8")
    g = load_only(files["trig"], extra, store=store)
    expected = merged(EXPECTED_TRIG, {DEFAULT: {("both", "p", '"in g1 and g2"@en')}})
    assert graphs_of(g.graph) == expected
    assert len(g) == len(load_only(files["trig"], store=store))


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(("fmt", "parser"), [("trig", "trig"), ("nquads", "nquads")])
def test_exported_quads_parse_back_under_their_graph_names(
    store: str,
    fmt: str,
    parser: str,
    files: dict[str, Path],
    tmp_path: Path,
) -> None:
    g = load_only(files["trig"], files["nq"], store=store)
    out = tmp_path / f"out.{fmt}"
    g.export(out, fmt)
    plain = Dataset()
    plain.parse(out, format=parser)
    assert quads(plain) == quads(g.graph)
    assert graphs_of(plain) == merged(EXPECTED_TRIG, EXPECTED_NQ)
    names = {str(getattr(c, "identifier", c)) for c in plain.graphs() if len(c)}
    assert {NG + "g1", NG + "g2", NG + "g3"} <= names
    if fmt == "trig":
        text = out.read_text(encoding="utf-8")
        for name in ("g1", "g2", "g3"):
            blocks = re.findall(rf"^<{re.escape(NG + name)}> \{{$", text, re.MULTILINE)
            assert len(blocks) == 1, f"graph {name} should be written as one block"


@pytest.mark.parametrize("store", STORES)
def test_loading_trig_then_nquads_of_the_same_quads_adds_nothing(
    store: str, files: dict[str, Path], tmp_path: Path
) -> None:
    g = load_only(files["trig"], store=store)
    nq = tmp_path / "same.nq"
    g.export(nq)
    jsonld = tmp_path / "same.jsonld"
    g.export(jsonld)
    both = load_only(files["trig"], nq, store=store)
    assert len(both) == len(g)
    assert quad_count(both.graph) == quad_count(g.graph)
    assert quads(both.graph) == quads(g.graph)
    every = load_only(nq, jsonld, files["trig"], nq, store=store)
    assert quads(every.graph) == quads(g.graph)


@pytest.mark.parametrize("store", STORES)
def test_blank_node_graph_names_and_members_survive_export(store: str, tmp_path: Path) -> None:
    """A graph named by a blank node, and blank nodes inside named graphs, come back as a
    graph of their own with the same shape (compared up to blank-node renaming)."""
    path = tmp_path / "bnodes.trig"
    path.write_text(
        f"_:g {{ <{NG}x> <{NG}p> [ <{NG}q> 1 ] . }}\n<{NG}g1> {{ _:b <{NG}p> <{NG}y> . }}\n",
        encoding="utf-8",
    )
    g = load_only(path, store=store)
    graph_names = {_graph_name(c) for c in g.graph.graphs() if len(c)}
    assert sum(1 for name in graph_names if name[0] == "BNode") == 1
    for fmt, ext in [("trig", ".trig"), ("nquads", ".nq"), ("jsonld", ".jsonld")]:
        out = tmp_path / f"back{ext}"
        g.export(out, fmt)
        back = load_only(out, store=store)
        assert same_dataset(g.graph, back.graph), fmt
        assert quad_count(back.graph) == quad_count(g.graph), fmt
        assert isinstance(next(iter(back.graph.objects(URIRef(NG + "x")))), BNode)


def test_named_graphs_agree_across_stores(files: dict[str, Path]) -> None:
    a = load_only(files["trig"], files["nq"], store="rdflib")
    b = load_only(files["trig"], files["nq"], store="oxigraph")
    assert quads(a.graph) == quads(b.graph)
    assert a.export(format="trig") == b.export(format="trig")
    assert a.export(format="nquads") == b.export(format="nquads")
    assert a.export(format="nt") == b.export(format="nt")
