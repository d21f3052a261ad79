"""``PolicyGraph``: the bundled model plus a caller's data, and what can be done with it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .errors import ExportError, UnknownResourceError
from .loading import format_for, new_dataset
from .model import ModelView, StoreGraph
from .namespaces import PG, expand_curie, local_name, shorten
from .query import QueryResult, check_query, to_term
from .stores.base import Quad, Store
from .trace import EvidenceIndex, EvidenceTrace
from .validation import ValidationReport, validate_focus, validate_store

__all__ = ["Gap", "PolicyGraph", "load"]

StrPath = str | PathLike[str]


@dataclass(frozen=True)
class Gap:
    """Something a curator should look at: ``kind`` names the check."""

    kind: str
    resource: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "resource": self.resource, "message": self.message}

    def __str__(self) -> str:
        return f"{self.kind}: {shorten(self.resource)}: {self.message}"


FileKey = tuple[int, int, int, int, "str | None"] | None


def file_key(path: Path, base: str | None) -> FileKey:
    """What identifies one reading of a file: the very file (device, inode, size, modification
    time) and the base its relative IRIs resolve against; None when it cannot be told."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, base)


class PolicyGraph:
    """A claims graph: the bundled ontology and concepts, optionally the bundled data, and the
    caller's files, held in one store (``store``: "oxigraph", the default; "rdflib", the
    reference; or any :class:`~policygraph.stores.Store`). ``dataset`` (an rdflib Dataset) is
    copied in; the caller's object is never changed."""

    def __init__(self, dataset: Dataset | None = None, store: str | Store | None = None) -> None:
        from .stores import open_store

        self._store_choice = store
        self.store: Store = open_store(store)
        self._index: EvidenceIndex | None = None
        self._files_read: set[FileKey] = set()
        self._materialised: tuple[int, Dataset] | None = None
        if dataset is not None:
            self.store.add_quads(_dataset_quads(dataset))

    # ------------------------------------------------------------------ loading
    def add_file(self, path: StrPath, *, base: str | None = None) -> None:
        """Parse one file into the graph. Relative IRIs resolve against ``base`` (default: the
        file's own ``file:`` URI). Raises :class:`ParseError` naming the file, line and column.
        A file already read, unchanged and with the same base, is not read again: IRI triples
        would merge anyway, but its blank nodes would come in a second time as new nodes."""
        file = Path(path)
        key = file_key(file, base)
        if key is not None and key in self._files_read:
            return
        fmt = format_for(file)
        self.store.add_file(file, fmt, base or file.resolve().as_uri())
        self._changed()
        if key is not None:
            self._files_read.add(key)

    def _changed(self) -> None:
        self._index = None
        self._materialised = None

    # ------------------------------------------------------------------ views
    @property
    def graph(self) -> Dataset:
        """The graph as an rdflib ``Dataset`` (its default graph the union of all graphs).
        On the rdflib store this is the store's own dataset; on others, a copy made on first
        use. After changing it, call :meth:`invalidate`."""
        from .stores.memory import MemoryStore

        if isinstance(self.store, MemoryStore):
            return self.store.dataset
        if self._materialised is None:
            ds = new_dataset()
            MemoryStore(ds).add_quads(self.store.quads())
            self._materialised = (len(ds), ds)
        return self._materialised[1]

    @property
    def view(self) -> ModelView:
        return ModelView(StoreGraph(self.store))

    def _evidence(self) -> EvidenceIndex:
        if self._index is None:
            self._index = EvidenceIndex(self.store)
        return self._index

    def invalidate(self) -> None:
        """Drop cached indexes after changing ``graph`` directly (on a store other than
        rdflib, the store is then filled again from ``graph``)."""
        self._index = None
        if self._materialised is not None and isinstance(self._store_choice, (str, type(None))):
            from .stores import open_store

            changed = self._materialised[1]
            self.store = open_store(self._store_choice)
            self.store.add_quads(_dataset_quads(changed))
            self._materialised = (len(changed), changed)

    def __len__(self) -> int:
        return len(self.store)

    # ------------------------------------------------------------------ validation
    def validate(self, shapes: StrPath | None = None) -> ValidationReport:
        """SHACL validation with the bundled shapes (or ``shapes``). The graph is not changed."""
        return validate_store(self.store, Path(shapes) if shapes else None)

    def validate_focus(
        self, nodes: Iterable[str], shapes: StrPath | None = None
    ) -> ValidationReport:
        """The results whole-graph validation gives for the focus nodes ``nodes`` (the claims
        a curator just changed, say), found without validating everything."""
        return validate_focus(self.store, nodes, Path(shapes) if shapes else None)

    # ------------------------------------------------------------------ query
    def query(
        self,
        sparql: str,
        *,
        allow_service: bool = False,
        timeout: float | None = None,
        **bindings: Any,
    ) -> QueryResult:
        """Run a read-only SPARQL query; keyword arguments bind variables to values.
        ``timeout`` (seconds) stops a query that runs longer with QueryTimeoutError."""
        check_query(sparql, allow_service=allow_service)
        terms = {name: to_term(value) for name, value in bindings.items()}
        return self.store.query(sparql, terms, timeout=timeout)

    # ------------------------------------------------------------------ claims and traces
    def recommendations(self) -> list[str]:
        return self._evidence().instances(PG + "Recommendation")

    def claims(self) -> list[str]:
        return self._evidence().instances(PG + "Claim")

    def resolve(self, ref: str, among: Iterable[str] | None = None) -> str:
        """An IRI for ``ref`` (an IRI, a CURIE or an unambiguous slug)."""
        candidates = sorted(set(among) if among is not None else self._subjects())
        pool = set(candidates)
        expanded = expand_curie(ref)
        for iri in (ref, expanded):
            if iri and iri in pool:
                return iri
        matches = [c for c in candidates if local_name(c) == ref or c.endswith("/" + ref)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UnknownResourceError(
                f"{ref!r} matches {len(matches)} resources", [shorten(m) for m in matches]
            )
        names = {shorten(c): c for c in candidates}
        names.update({local_name(c): c for c in candidates})
        close = difflib.get_close_matches(ref, list(names), n=5, cutoff=0.5)
        suggestions = dict.fromkeys(shorten(names[c]) for c in close)
        raise UnknownResourceError(f"no resource {ref!r}", list(suggestions))

    def _subjects(self) -> set[str]:
        rows = self.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")
        return {str(row[0]) for row in rows}

    def trace(self, rec: str) -> EvidenceTrace:
        """The evidence behind ``rec`` (a recommendation or any claim)."""
        index = self._evidence()
        iri = rec if index.is_claim(rec) else self.resolve(rec, self.claims())
        return index.trace(iri)

    def trace_all(self) -> list[EvidenceTrace]:
        from ._nogc import collector_paused

        index = self._evidence()
        with collector_paused():  # the traces share the tables; nothing cyclic is made
            index.prefetch()
            return [index.trace(r) for r in self.recommendations()]

    def gaps(self) -> list[Gap]:
        """Recommendations that rest on nothing, claims without a source, topic or anchor,
        links without a basis, and evidence cycles."""
        gaps = []
        index = self._evidence()
        for rec in self.recommendations():
            if not index.links.has_node(rec) or not index.links.out_degree(rec):
                gaps.append(Gap("no-evidence", rec, "recommendation has no evidence links"))
        index.prefetch()
        for claim in self.claims():
            node = URIRef(claim)
            if index.value(node, PG + "statedIn") is None:
                gaps.append(Gap("no-source", claim, "claim has no stating document"))
            if index.value(node, PG + "anchor") is None:
                gaps.append(Gap("no-anchor", claim, "claim has no text anchor"))
            if index.value(node, PG + "topic") is None:
                gaps.append(Gap("no-topic", claim, "claim has no topic"))
        for _, _, data in index.links.edges(data=True):
            for edge in data["links"]:
                if edge.basis is None:
                    gaps.append(
                        Gap(
                            "no-basis",
                            edge.source,
                            f"link {local_name(edge.predicate)} to "
                            f"{shorten(edge.target)} has no recorded basis",
                        )
                    )
        import networkx as nx

        for component in nx.strongly_connected_components(index.links):
            if len(component) > 1:
                first = sorted(component)[0]
                gaps.append(
                    Gap(
                        "cycle",
                        first,
                        "evidence links form a cycle through "
                        + ", ".join(shorten(c) for c in sorted(component)),
                    )
                )
        return sorted(gaps, key=lambda x: (x.kind, x.resource, x.message))

    # ------------------------------------------------------------------ export
    def serialize(self, format: str = "turtle") -> str:
        from .export import format_for_export
        from .serialize import serialize_store

        return serialize_store(self.store, format_for_export(format, None))

    def export(self, path: StrPath | None = None, format: str | None = None) -> str | None:
        """Write the graph deterministically: to ``path`` atomically (format from its
        extension unless given), or return it as a string when ``path`` is None."""
        from .export import atomic_write, format_for_export
        from .serialize import serialize_store

        target = Path(path) if path is not None else None
        name = format_for_export(format if format or target is None else None, target)
        try:
            text = serialize_store(self.store, name)
            data = text.encode("utf-8")
        except (UnicodeEncodeError, TypeError, ValueError) as exc:
            raise ExportError(f"cannot serialise the graph as {name}: {exc}") from exc
        if target is None:
            return text
        atomic_write(target, data)
        return None

    def to_networkx(self) -> Any:
        """A networkx MultiDiGraph of all IRI-to-IRI/blank-node edges, ``predicate`` on each
        edge; literals are kept as node attributes."""
        import networkx as nx
        from rdflib import Literal

        out = nx.MultiDiGraph()
        for s, p, o in self.store.triples():
            if isinstance(o, Literal):
                out.add_node(str(s))
                out.nodes[str(s)].setdefault(str(p), []).append(str(o))
            else:
                out.add_edge(str(s), str(o), key=str(p), predicate=str(p))
        return out

    def stats(self) -> dict[str, Any]:
        return self._evidence().stats(len(self.store))

    def describe(self, ref: str) -> dict[str, Any]:
        """Every statement about ``ref`` (resolved like ``trace``), grouped by predicate."""
        iri = self.resolve(ref)
        node = URIRef(iri)
        props: dict[str, list[str]] = {}
        for _, p, o in sorted(
            self.store.triples(node, None, None), key=lambda spo: (str(spo[1]), str(spo[2]))
        ):
            lang = getattr(o, "language", None)
            text = f"{o}@{lang}" if lang else str(o)
            props.setdefault(str(p), []).append(text)
        incoming: dict[str, list[str]] = {}
        for s, p, _ in sorted(
            self.store.triples(None, None, node), key=lambda spo: (str(spo[1]), str(spo[0]))
        ):
            incoming.setdefault(str(p), []).append(str(s))
        view = self.view
        return {
            "id": iri,
            "type": view.most_specific_type(node),
            "label": view.label(node),
            "properties": props,
            "incoming": incoming,
        }

    def _repr_html_(self) -> str:
        from .notebook import graph_html

        return graph_html(self)


def _dataset_quads(dataset: Graph) -> list[Quad]:
    """A caller's rdflib Dataset (or Graph) as quads, graph None for the default graph."""
    if not isinstance(dataset, Dataset):
        return [(s, p, o, None) for s, p, o in dataset]
    out: list[Quad] = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        out.append((s, p, o, None if name is None or name == DATASET_DEFAULT_GRAPH_ID else name))
    return out


def load(
    *paths: StrPath, bundled_data: bool = True, store: str | Store | None = None
) -> PolicyGraph:
    """The bundled ontology and concept schemes, the bundled data (unless ``bundled_data`` is
    False), and ``paths``. Formats come from file extensions; nothing is fetched. ``store``:
    "oxigraph" (embedded, the default, or ``$POLICYGRAPH_STORE``), "rdflib" (in memory, the
    reference) or a :class:`~policygraph.stores.Store`."""
    from . import _resources

    pg = PolicyGraph(store=store)
    bundled = list(_resources.ontology_files())
    if bundled_data:
        bundled += _resources.data_files()
    for file in bundled:
        pg.add_file(file)
    for path in paths:
        pg.add_file(path)
    return pg
