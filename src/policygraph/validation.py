"""SHACL validation with the bundled shapes, through pySHACL, with typed results.

pySHACL is the judge. On any store, the shapes compiled to SPARQL (``shaclsparql``) first find
the focus nodes that may violate them, in the store's own engine; pySHACL then validates only
those, on a copy of the whole graph, and the report is pySHACL's own, result for result. A graph
with no candidates conforms without running pySHACL at all. Shapes that cannot be compiled run
pySHACL on everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import PREFIXES, shorten

if TYPE_CHECKING:
    from .stores.base import Store

__all__ = [
    "ValidationReport",
    "ValidationResult",
    "validate_focus",
    "validate_graph",
    "validate_store",
]

SH = PREFIXES["sh"]
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result. IRIs are full strings; ``path`` and ``value`` may be None."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    component: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = shorten(self.focus)
        if self.path:
            where += f" {shorten(self.path)}"
        return f"{self.severity}: {where}: {self.message} [{shorten(self.shape)}]"


@dataclass(frozen=True)
class ValidationReport:
    """``conforms`` is True when no result is a Violation (warnings do not count)."""

    conforms: bool
    results: tuple[ValidationResult, ...]

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    def to_dict(self) -> dict[str, Any]:
        return {"conforms": self.conforms, "results": [r.to_dict() for r in self.results]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def __str__(self) -> str:
        head = "Conforms" if self.conforms else "Does not conform"
        counts = f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)"
        lines = [f"{head}: {counts}"]
        lines += [str(r) for r in self.results]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .notebook import report_html

        return report_html(self)


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal) and node.language:
        return f"{node}@{node.language}"
    return str(node)


def _message(results: Graph, result: Node) -> str:
    messages = sorted(
        results.objects(result, URIRef(SH + "resultMessage")),
        key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)),
    )
    return str(messages[0]) if messages else ""


def read_report(results: Graph) -> ValidationReport:
    """A typed report from a SHACL results graph."""
    items = []
    for result in results.subjects(
        URIRef(PREFIXES["rdf"] + "type"), URIRef(SH + "ValidationResult")
    ):
        severity = results.value(result, URIRef(SH + "resultSeverity"))
        items.append(
            ValidationResult(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_text(results.value(result, URIRef(SH + "focusNode"))) or "",
                path=_text(results.value(result, URIRef(SH + "resultPath"))),
                value=_text(results.value(result, URIRef(SH + "value"))),
                message=_message(results, result),
                shape=_text(results.value(result, URIRef(SH + "sourceShape"))) or "",
                component=_text(results.value(result, URIRef(SH + "sourceConstraintComponent")))
                or "",
            )
        )
    return _combined(items)


def _combined(results: list[ValidationResult]) -> ValidationReport:
    """One report from results (of one run or several), in a stable order."""
    unique = list(dict.fromkeys(results))
    unique.sort(
        key=lambda r: (
            _SEVERITY_ORDER.get(r.severity, 9),
            r.focus,
            r.shape,
            r.path or "",
            r.value or "",
        )
    )
    conforms = not any(r.severity == "Violation" for r in unique)
    return ValidationReport(conforms, tuple(unique))


def _shapes_graph(shapes: Path | None) -> Graph:
    from . import _resources
    from .loading import read_graph

    return read_graph(shapes if shapes is not None else _resources.shapes_file())


def _pyshacl(data: Graph, shapes: Graph, focus: list[Any] | None = None) -> ValidationReport:
    import pyshacl

    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
        inplace=True,  # ``data`` is always our own copy
        focus_nodes=focus,
    )
    return read_report(results)


def _copy(data: Graph) -> Graph:
    copy = Graph()
    for triple in data.triples((None, None, None)):
        copy.add(triple)
    return copy


def _store_copy(store: Store) -> Graph:
    """The union of the store's triples as a fresh rdflib Graph (what pySHACL reads)."""
    copy = Graph()
    add = copy.add
    for triple in store.triples():
        add(triple)
    return copy


def _judged_data(store: Store) -> Graph:
    """What pySHACL reads to judge candidates: a copy of the store's triples, or, for a store
    whose triples are far away (``local = False``: a SPARQL server), a graph that fetches only
    what pySHACL reads."""
    if getattr(store, "local", True):
        return _store_copy(store)
    from .lazygraph import lazy_graph

    return lazy_graph(store)


def validate_graph(data: Graph, shapes: Graph | Path) -> ValidationReport:
    """pySHACL on all of ``data`` (not modified: pySHACL gets a copy) against ``shapes``."""
    shapes_graph = _shapes_graph(shapes) if isinstance(shapes, Path) else shapes
    return _pyshacl(_copy(data), shapes_graph)


def validate_store(store: Store, shapes: Path | None = None) -> ValidationReport:
    """The report pySHACL gives for the whole graph in ``store`` against ``shapes`` (None:
    the bundled shapes), judging only the candidate focus nodes."""
    from .shaclsparql import Unsupported, candidate_focus_nodes

    try:
        candidates, nested = candidate_focus_nodes(store, shapes)
    except Unsupported:
        return _pyshacl(_store_copy(store), _shapes_graph(shapes))
    if not candidates:
        return ValidationReport(True, ())
    if any(not isinstance(c, URIRef) for c in candidates):  # focus_nodes takes IRIs only
        return _pyshacl(_store_copy(store), _shapes_graph(shapes))
    return _judge(_judged_data(store), shapes, sorted(candidates), nested)


def validate_focus(
    store: Store, nodes: Iterable[str], shapes: Path | None = None
) -> ValidationReport:
    """The results whole-graph validation gives for the focus nodes ``nodes``: for checking
    the claims a curator just changed. pySHACL runs only if one of them may violate a
    shape."""
    from .shaclsparql import Unsupported, candidates_among

    wanted = sorted({str(n) for n in nodes})
    try:
        candidates, nested = candidates_among(store, shapes, wanted)
    except Unsupported:
        report = _pyshacl(_store_copy(store), _shapes_graph(shapes))
        return _combined([r for r in report.results if r.focus in set(wanted)])
    if not candidates:
        return ValidationReport(True, ())
    focus = [URIRef(c) for c in sorted(candidates)]
    return _judge(_judged_data(store), shapes, focus, nested)


def _judge(
    data: Graph, shapes: Path | None, focus: list[Any], nested: set[Any]
) -> ValidationReport:
    """pySHACL's whole-graph results for the candidate focus nodes ``focus``."""
    from .shaclsparql import NESTED_COMPONENTS, wrapped

    report = _pyshacl(data, _shapes_graph(shapes), focus)
    if not nested:
        return report
    # pySHACL's focus_nodes mode gets nested shapes wrong (it skips value nodes that are not
    # focus nodes): keep its other results, and judge each (focus, property shape) pair whose
    # nested shapes may fail by a full run of just that property shape on that focus node.
    full = _pyshacl(data, wrapped(_shapes_graph(shapes), nested))
    pairs = {(str(node), str(shape)) for node, shape in nested}
    return _combined(
        [r for r in report.results if r.component not in NESTED_COMPONENTS]
        + [
            r
            for r in full.results
            if r.component in NESTED_COMPONENTS and (r.focus, r.shape) in pairs
        ]
    )
