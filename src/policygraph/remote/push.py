"""Writing the bundled data and a caller's files to a SPARQL server, one named graph per file.

A push converges: run it twice, or again after it was killed at any point, and the server
holds exactly the intended graphs. How:

- Each file goes to a graph named after the file and its content
  (``https://w3id.org/policygraph/graph/files/claims.ttl/3fa9c0d1e2b4a5f6``), so a changed file
  gets a new graph and the one readers use is never written to.
- A manifest graph records every graph a push made: ``pgpush:PendingGraph`` while its upload
  runs, ``pgpush:CompleteGraph`` once it is whole and part of the data, and
  ``pgpush:RetiredGraph`` once replaced. Uploads go through the Graph Store Protocol in batches
  (the first a PUT, which clears whatever a killed run left, the others POSTs).
- When every file is uploaded, one SPARQL Update switches the manifest: the new graphs become
  complete and the graphs they replace retired. Retired graphs are then dropped. Readers
  (``pg.connect``) read only the complete graphs, so they see the old data or the new, never a
  mix and never a half-written graph; a later push drops whatever pending or retired graphs a
  killed run left.
- A file whose complete graph is on the server already (same content, same number of triples
  there) is not sent again.

Blank node labels are scoped to one request, so once a file has shown a blank node the rest of
it goes in one request. Named graphs inside TriG and N-Quads files are merged into the file's
graph.
"""

from __future__ import annotations

import datetime
import hashlib
import queue
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from ..errors import EndpointError, ParseError
from .client import SparqlClient

__all__ = [
    "GRAPH_BASE",
    "MANIFEST",
    "PushReport",
    "PushedGraph",
    "add_file",
    "add_ntriples",
    "clear",
    "manifest_graphs",
    "push",
]

GRAPH_BASE = "https://w3id.org/policygraph/graph/"
MANIFEST = GRAPH_BASE + "manifest"
PUSH = "https://w3id.org/policygraph/push#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Small batches: Oxigraph inserts many small transactions far faster than one big one (100k
# triples: 4.5 s in batches of 10,000, 9.4 s in one), and reading overlaps sending.
BATCH_TRIPLES = 10_000
_OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG"}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class PushedGraph:
    """One file's graph: ``status`` is "uploaded", "unchanged" or "removed"."""

    source: str
    graph: str
    triples: int
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "graph": self.graph,
            "triples": self.triples,
            "status": self.status,
        }


@dataclass(frozen=True)
class PushReport:
    endpoint: str
    graphs: tuple[PushedGraph, ...]

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs if g.status != "removed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "manifest": MANIFEST,
            "triples": self.triples,
            "graphs": [g.to_dict() for g in self.graphs],
        }

    def __str__(self) -> str:
        lines = [f"{g.status:9} {g.source} ({g.triples} triples)" for g in self.graphs]
        counts = {s: sum(g.status == s for g in self.graphs) for s in ("uploaded", "unchanged")}
        removed = sum(g.status == "removed" for g in self.graphs)
        lines.append(
            f"{self.endpoint}: {counts['uploaded']} graph(s) uploaded, "
            f"{counts['unchanged']} unchanged, {removed} removed; {self.triples} triples"
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Source:
    name: str  # the graph's name part: "bundled/claims.ttl" or "files/mine.ttl"
    path: Path

    def graph(self, sha256: str) -> str:
        return GRAPH_BASE + urllib.parse.quote(self.name) + "/" + sha256[:16]


def sources(paths: Sequence[str | PathLike[str]], bundled_data: bool = True) -> list[_Source]:
    """The bundled ontology (and data) and ``paths``, each with its graph's name; two files
    of one name are a user's error (their graphs would collide)."""
    from .. import _resources

    found = [_Source(f"bundled/{p.name}", p) for p in _resources.ontology_files()]
    if bundled_data:
        found += [_Source(f"bundled/{p.name}", p) for p in _resources.data_files()]
    seen: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        other = seen.get(path.name)
        if other is not None and other.resolve() != path.resolve():
            raise ParseError(
                str(path), f"another file of the same name is pushed too ({other}); rename one"
            )
        if other is None:
            seen[path.name] = path
            found.append(_Source(f"files/{path.name}", path))
    return found


# ----------------------------------------------------------------------------- reading files


def _checked(path: Path) -> None:
    """The reference reader's error for what it refuses (missing files, pipes, devices,
    files too large)."""
    from ..loading import MAX_FILE_BYTES, format_for, read_text

    format_for(path)
    try:
        if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
            return
    except OSError:
        pass
    read_text(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Counting:
    """A binary file that reports how many bytes were read (for the progress bar)."""

    def __init__(self, handle: Any, progress: Progress | None) -> None:
        self.handle, self.progress = handle, progress

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.handle.read(size)
        if self.progress is not None and data:
            self.progress(len(data))
        return data


def _batches(
    path: Path, batch: int, progress: Progress | None, base: str | None = None
) -> Iterator[bytes]:
    """The file's triples as N-Triples, in batches of ``batch`` triples; after the first
    blank node, the rest of the file in one batch."""
    import pyoxigraph as ox

    from ..loading import format_for, load_into, new_dataset

    fmt = format_for(path)
    base = base or path.resolve().as_uri()
    if fmt not in _OX_FORMATS:  # RDF/XML and JSON-LD: the guarded reference reader
        dataset = new_dataset()
        load_into(dataset, path, base=base)
        lines = [f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o, _ in dataset.quads()]
        if progress is not None:
            progress(path.stat().st_size)
        yield "".join(lines).encode("utf-8")
        return
    rdf_format = getattr(ox.RdfFormat, _OX_FORMATS[fmt])
    buffer: list[Any] = []
    blank = False
    try:
        with open(path, "rb") as handle:
            source: Any = _Counting(handle, progress)
            for quad in ox.parse(source, rdf_format, base_iri=base):
                buffer.append(quad.triple)
                if not blank and (
                    isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
                ):
                    blank = True
                if len(buffer) >= batch and not blank:
                    yield _ntriples(buffer)
                    buffer = []
    except SyntaxError:
        load_into(new_dataset(), path, base=base)  # the reference's ParseError, line, column
        raise
    if buffer:
        yield _ntriples(buffer)


def _ntriples(triples: list[Any]) -> bytes:
    import pyoxigraph as ox

    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None  # no output file given: the bytes come back
    return bytes(data)


def _prefetched(batches: Iterator[bytes]) -> Iterator[bytes]:
    """``batches``, each read and serialised in a second thread while the previous one is
    being sent (parsing and uploading overlap)."""
    slots: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in batches:
                while not stop.is_set():
                    try:
                        slots.put(("batch", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(("end", None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            slots.put(("error", exc))

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while True:
            kind, item = slots.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


# ----------------------------------------------------------------------------- the manifest


def _iri(value: str) -> str:
    return "<" + value.replace(">", "%3E") + ">"


def _literal(value: str | int, datatype: str | None = None) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"' + (f"^^<{datatype}>" if datatype else "")


@dataclass(frozen=True)
class _Entry:
    graph: str
    state: str  # CompleteGraph, PendingGraph or RetiredGraph
    source: str | None
    triples: int | None


def _manifest(client: SparqlClient) -> list[_Entry]:
    from .results import solutions

    document = client.results(
        f"SELECT ?g ?state ?source ?n WHERE {{ GRAPH {_iri(MANIFEST)} {{ ?g a ?state . "
        f"OPTIONAL {{ ?g <{DCTERMS}source> ?source }} "
        f"OPTIONAL {{ ?g <{VOID}triples> ?n }} }} }}"
    )
    entries = []
    for g, state, source, n in solutions(document, client.query_url)[1]:
        if g is None or state is None or not str(state).startswith(PUSH):
            continue
        entries.append(
            _Entry(
                str(g),
                str(state)[len(PUSH) :],
                str(source) if source is not None else None,
                int(str(n)) if n is not None and str(n).isdigit() else None,
            )
        )
    return entries


def manifest_graphs(client: SparqlClient) -> list[str]:
    """The complete graphs a push wrote (what readers read), sorted; empty when the server
    has no manifest."""
    return sorted({e.graph for e in _manifest(client) if e.state == "CompleteGraph"})


def _count(client: SparqlClient, graph: str) -> int:
    from .results import solutions

    document = client.results(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"
    )
    rows = solutions(document, client.query_url)[1]
    try:
        return int(str(rows[0][0]))
    except (IndexError, ValueError) as exc:
        raise EndpointError(client.query_url, "a COUNT query gave no number") from exc


def _drop(client: SparqlClient, graphs: Iterable[str]) -> None:
    """Drop graphs and then their manifest entries (in that order: a crash in between leaves
    an entry the next push drops again)."""
    for graph in sorted(set(graphs)):
        client.update(f"DROP SILENT GRAPH {_iri(graph)}")
        client.update(f"DELETE WHERE {{ GRAPH {_iri(MANIFEST)} {{ {_iri(graph)} ?p ?o }} }}")


# ----------------------------------------------------------------------------- push


def push(
    client: SparqlClient,
    paths: Sequence[str | PathLike[str]] = (),
    *,
    bundled_data: bool = True,
    force: bool = False,
    batch: int = BATCH_TRIPLES,
    progress: Progress | None = None,
    total: Callable[[int], None] | None = None,
) -> PushReport:
    """Make the server hold the bundled ontology and data (unless ``bundled_data`` is False)
    and ``paths``, one named graph per file, and nothing else that an earlier push wrote.
    ``force`` uploads files whose graphs are there already. ``progress`` is called with the
    number of bytes read as the files are read; ``total`` first, once, with their sum."""
    if client.graph_store_url is None:
        raise EndpointError(client.query_url, "push needs a Graph Store endpoint (--graph-store)")
    files = sources(paths, bundled_data)
    for source in files:
        _checked(source.path)
    digests = {s.name: _sha256(s.path) for s in files}
    entries = _manifest(client)
    leftovers = [e.graph for e in entries if e.state in ("PendingGraph", "RetiredGraph")]
    _drop(client, leftovers)
    complete = {e.graph: e for e in entries if e.state == "CompleteGraph"}

    plan: list[tuple[_Source, str]] = [(s, s.graph(digests[s.name])) for s in files]
    results: dict[str, PushedGraph] = {}
    todo = []
    for source, graph in plan:
        known = complete.get(graph)
        if not force and known is not None and known.triples == _count(client, graph):
            results[source.name] = PushedGraph(source.name, graph, known.triples, "unchanged")
        else:
            todo.append((source, graph))
    if total is not None:
        total(sum(s.path.stat().st_size for s, _ in todo))

    uploaded: list[str] = []
    try:
        for source, graph in todo:
            if graph not in complete:
                _mark_pending(client, graph, source.name)
                uploaded.append(graph)
            count = _upload(client, graph, _batches(source.path, batch, progress))
            results[source.name] = PushedGraph(source.name, graph, count, "uploaded")
    except ParseError:
        _drop(client, uploaded)  # nothing of this push becomes part of the data
        raise

    wanted = {graph for _, graph in plan}
    retired = sorted(g for g in complete if g not in wanted)
    _switch(client, [results[s.name] for s, _ in plan], retired)
    for graph in retired:
        entry = complete[graph]
        if entry.source in results:
            continue  # an older version of a file pushed now: replaced, not removed
        results["~" + graph] = PushedGraph(
            entry.source or graph, graph, entry.triples or 0, "removed"
        )
    _drop(client, retired)
    return PushReport(
        client.query_url,
        tuple(sorted(results.values(), key=lambda g: (g.status == "removed", g.source))),
    )


def _mark_pending(client: SparqlClient, graph: str, name: str) -> None:
    client.update(
        f"INSERT DATA {{ GRAPH {_iri(MANIFEST)} {{ {_iri(graph)} a "
        f"<{PUSH}PendingGraph> ; <{DCTERMS}source> {_literal(name)} }} }}"
    )


def _upload(client: SparqlClient, graph: str, batches: Iterator[bytes]) -> int:
    """Send ``batches`` to ``graph`` (the first replaces whatever is there); the number of
    triples the server then holds in it."""
    first = True
    for data in _prefetched(batches):
        if first:
            client.put_graph(graph, data)
            first = False
        else:
            client.post_graph(graph, data)
    if first:  # an empty file: an empty graph
        client.update(f"DROP SILENT GRAPH {_iri(graph)}")
    return _count(client, graph)


def add_file(client: SparqlClient, path: Path, base: str | None = None) -> str:
    """Upload one more file as its own complete graph, leaving the others as they are; the
    graph's name."""
    _checked(path)
    source = _Source(f"files/{path.name}", path)
    graph = source.graph(_sha256(path))
    return _add(client, graph, source.name, _batches(path, BATCH_TRIPLES, None, base))


def add_ntriples(client: SparqlClient, data: bytes, name: str) -> str:
    """Upload N-Triples as one more complete graph; the graph's name."""
    graph = GRAPH_BASE + name + "/" + hashlib.sha256(data).hexdigest()[:16]
    return _add(client, graph, name, iter([data]))


def _add(client: SparqlClient, graph: str, name: str, batches: Iterator[bytes]) -> str:
    if graph in manifest_graphs(client):
        return graph
    _mark_pending(client, graph, name)
    try:
        count = _upload(client, graph, batches)
    except ParseError:
        _drop(client, [graph])
        raise
    _switch(client, [PushedGraph(name, graph, count, "uploaded")], [])
    return graph


def _switch(client: SparqlClient, graphs: list[PushedGraph], retired: list[str]) -> None:
    """One update request: the pushed graphs become the data, the ones they replace
    retired."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    manifest = _iri(MANIFEST)
    entries = " ".join(
        f"{_iri(g.graph)} a <{PUSH}CompleteGraph> ; <{DCTERMS}source> {_literal(g.source)} ; "
        f"<{VOID}triples> {_literal(g.triples, XSD + 'integer')} ; "
        f"<{DCTERMS}modified> {_literal(now, XSD + 'dateTime')} ."
        for g in graphs
    )
    steps = [f"DELETE WHERE {{ GRAPH {manifest} {{ {_iri(g.graph)} ?p ?o }} }}" for g in graphs] + [
        f"DELETE {{ GRAPH {manifest} {{ {_iri(g)} a <{PUSH}CompleteGraph> }} }} "
        f"INSERT {{ GRAPH {manifest} {{ {_iri(g)} a <{PUSH}RetiredGraph> }} }} "
        f"WHERE {{ GRAPH {manifest} {{ {_iri(g)} a <{PUSH}CompleteGraph> }} }}"
        for g in retired
    ]
    steps.append(f"INSERT DATA {{ GRAPH {manifest} {{ {entries} }} }}")
    client.update(" ;\n".join(steps))


def clear(client: SparqlClient) -> None:
    """Drop every graph a push (or a remote store) wrote, and the manifest."""
    _drop(client, [e.graph for e in _manifest(client)])
    client.update(f"DROP SILENT GRAPH {_iri(MANIFEST)}")
