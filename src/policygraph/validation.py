"""SHACL validation with the bundled shapes, through pySHACL, with typed results."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import PREFIXES, shorten

__all__ = ["ValidationReport", "ValidationResult", "validate_graph"]

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
    items.sort(
        key=lambda r: (
            _SEVERITY_ORDER.get(r.severity, 9),
            r.focus,
            r.shape,
            r.path or "",
            r.value or "",
        )
    )
    conforms = not any(r.severity == "Violation" for r in items)
    return ValidationReport(conforms, tuple(items))


def validate_graph(data: Graph, shapes: Graph | Path) -> ValidationReport:
    """Validate ``data`` (not modified: pySHACL gets a copy) against ``shapes``."""
    import pyshacl

    copy = Graph()
    for triple in data.triples((None, None, None)):
        copy.add(triple)
    if isinstance(shapes, Path):
        from .loading import read_graph

        shapes_graph = read_graph(shapes)
    else:
        shapes_graph = shapes
    _, results_graph, _ = pyshacl.validate(
        copy,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    return read_report(results_graph)
