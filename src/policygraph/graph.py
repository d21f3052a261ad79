"""``PolicyGraph``: the bundled model plus a caller's data, and what can be done with it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from rdflib import Dataset, URIRef

from . import _resources
from .errors import ExportError, UnknownResourceError
from .loading import load_into, new_dataset
from .model import ModelView
from .namespaces import PG, expand_curie, local_name, shorten
from .query import QueryResult, run_query
from .trace import EvidenceIndex, EvidenceTrace
from .validation import ValidationReport, validate_graph

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
    caller's files. ``graph`` is the underlying rdflib Dataset (its default graph is the union
    of all graphs)."""

    def __new__(cls, dataset: Dataset | None = None, store: str = "rdflib") -> PolicyGraph:
        if cls is PolicyGraph and store != "rdflib":  # the store seam: see stores.py
            from .stores import store_class

            return super().__new__(store_class(store))  # type: ignore[no-any-return]
        return super().__new__(cls)

    def __init__(self, dataset: Dataset | None = None, store: str = "rdflib") -> None:
        self.graph: Dataset = dataset if dataset is not None else new_dataset()
        self._index: tuple[int, EvidenceIndex] | None = None
        self._files_read: set[FileKey] = set()

    # ------------------------------------------------------------------ loading
    def add_file(self, path: StrPath, *, base: str | None = None) -> None:
        """Parse one file into the graph. Relative IRIs resolve against ``base`` (default: the
        file's own ``file:`` URI). Raises :class:`ParseError` naming the file, line and column.
        A file already read, unchanged and with the same base, is not read again: IRI triples
        would merge anyway, but its blank nodes would come in a second time as new nodes."""
        key = file_key(Path(path), base)
        if key is not None and key in self._files_read:
            return
        load_into(self.graph, Path(path), base=base)
        self._index = None
        if key is not None:
            self._files_read.add(key)

    # ------------------------------------------------------------------ views
    @property
    def view(self) -> ModelView:
        return ModelView(self.graph)

    def _evidence(self) -> EvidenceIndex:
        size = len(self.graph)
        if self._index is None or self._index[0] != size:
            self._index = (size, EvidenceIndex(self.graph))
        return self._index[1]

    def invalidate(self) -> None:
        """Drop cached indexes after changing ``graph`` directly."""
        self._index = None

    def __len__(self) -> int:
        return len(self.graph)

    # ------------------------------------------------------------------ validation
    def validate(self, shapes: StrPath | None = None) -> ValidationReport:
        """SHACL validation with the bundled shapes (or ``shapes``). The graph is not changed."""
        return validate_graph(self.graph, Path(shapes) if shapes else _resources.shapes_file())

    # ------------------------------------------------------------------ query
    def query(self, sparql: str, *, allow_service: bool = False, **bindings: Any) -> QueryResult:
        """Run a read-only SPARQL query; keyword arguments bind variables to values."""
        return run_query(self.graph, sparql, bindings, allow_service=allow_service)

    # ------------------------------------------------------------------ claims and traces
    def recommendations(self) -> list[str]:
        return [str(r) for r in self.view.instances(PG + "Recommendation")]

    def claims(self) -> list[str]:
        return [str(c) for c in self.view.instances(PG + "Claim")]

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
        return {str(s) for s in self.graph.subjects() if isinstance(s, URIRef)}

    def trace(self, rec: str) -> EvidenceTrace:
        """The evidence behind ``rec`` (a recommendation or any claim)."""
        iri = self.resolve(rec, self.claims())
        return self._evidence().trace(iri)

    def trace_all(self) -> list[EvidenceTrace]:
        index = self._evidence()
        return [index.trace(r) for r in self.recommendations()]

    def gaps(self) -> list[Gap]:
        """Recommendations that rest on nothing, claims without a source, topic or anchor,
        links without a basis, and evidence cycles."""
        g = self.graph
        gaps = []
        index = self._evidence()
        for rec in self.recommendations():
            if not index.links.has_node(rec) or not index.links.out_degree(rec):
                gaps.append(Gap("no-evidence", rec, "recommendation has no evidence links"))
        for claim in self.claims():
            node = URIRef(claim)
            if g.value(node, URIRef(PG + "statedIn")) is None:
                gaps.append(Gap("no-source", claim, "claim has no stating document"))
            if g.value(node, URIRef(PG + "anchor")) is None:
                gaps.append(Gap("no-anchor", claim, "claim has no text anchor"))
            if g.value(node, URIRef(PG + "topic")) is None:
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
        from .serialize import serialize

        return serialize(self.graph, format_for_export(format, None))

    def export(self, path: StrPath | None = None, format: str | None = None) -> str | None:
        """Write the graph deterministically: to ``path`` atomically (format from its
        extension unless given), or return it as a string when ``path`` is None."""
        from .export import atomic_write, format_for_export
        from .serialize import serialize

        target = Path(path) if path is not None else None
        name = format_for_export(format if format or target is None else None, target)
        try:
            text = serialize(self.graph, name)
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
        for s, p, o in self.graph.triples((None, None, None)):
            if isinstance(o, Literal):
                out.add_node(str(s))
                out.nodes[str(s)].setdefault(str(p), []).append(str(o))
            else:
                out.add_edge(str(s), str(o), key=str(p), predicate=str(p))
        return out

    def stats(self) -> dict[str, Any]:
        view = self.view

        def count(cls: str) -> int:
            return len(view.instances(PG + cls))

        claims = {
            c: count(c) for c in ("Finding", "Recommendation", "PolicyGoal", "Statement", "Event")
        }
        index = self._evidence()
        bases: dict[str, int] = {}
        for _, _, data in index.links.edges(data=True):
            for edge in data["links"]:
                key = edge.basis or "missing"
                bases[key] = bases.get(key, 0) + 1
        return {
            "triples": len(self.graph),
            "claims": count("Claim"),
            "claims_by_type": claims,
            "documents": count("Document"),
            "actors": count("Actor"),
            "anchors": count("TextAnchor"),
            "evidence_links": sum(bases.values()),
            "links_by_basis": dict(sorted(bases.items())),
        }

    def describe(self, ref: str) -> dict[str, Any]:
        """Every statement about ``ref`` (resolved like ``trace``), grouped by predicate."""
        iri = self.resolve(ref)
        node = URIRef(iri)
        props: dict[str, list[str]] = {}
        for p, o in sorted(
            self.graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))
        ):
            lang = getattr(o, "language", None)
            text = f"{o}@{lang}" if lang else str(o)
            props.setdefault(str(p), []).append(text)
        incoming: dict[str, list[str]] = {}
        for s, p in sorted(
            self.graph.subject_predicates(node), key=lambda sp: (str(sp[1]), str(sp[0]))
        ):
            incoming.setdefault(str(p), []).append(str(s))
        return {
            "id": iri,
            "type": self.view.most_specific_type(node),
            "label": self.view.label(node),
            "properties": props,
            "incoming": incoming,
        }

    def _repr_html_(self) -> str:
        from .notebook import graph_html

        return graph_html(self)


def load(*paths: StrPath, bundled_data: bool = True, store: str = "rdflib") -> PolicyGraph:
    """The bundled ontology and concept schemes, the bundled data (unless ``bundled_data`` is
    False), and ``paths``. Formats come from file extensions; nothing is fetched. ``store``:
    "rdflib" (in memory, the reference) or "oxigraph" (``policygraph[fast]``)."""
    pg = PolicyGraph(store=store)
    bundled = list(_resources.ontology_files())
    if bundled_data:
        bundled += _resources.data_files()
    for file in bundled:
        pg.add_file(file)
    for path in paths:
        pg.add_file(path)
    return pg
