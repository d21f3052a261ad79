"""Curation: claims files a curator writes by hand, compiled into the claims graph.

    from policygraph.authoring import compile_claims, load
    graph = compile_claims(["ntnu.claims.yaml"], sources="texts/")   # an rdflib Graph
    g = load("ntnu.claims.yaml", sources="texts/")                    # a PolicyGraph

Passages are named by their words, never by offsets; every problem is reported at once with
its file, line and column (:class:`CompileError`). Nothing here runs at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import CompileError, Problem

if TYPE_CHECKING:
    from rdflib import Graph

    from ..graph import PolicyGraph

__all__ = ["CompileError", "Problem", "compile_claims", "known_graph", "load", "to_turtle"]

StrPath = str | PathLike[str]
CLAIMS_SUFFIXES = (".yaml", ".yml")


def known_graph(bundled_data: bool = True, extra: Iterable[StrPath] = ()) -> Graph:
    """What claims files may refer to: the bundled ontology and concepts, the bundled data
    (unless ``bundled_data`` is False) and ``extra`` RDF files."""
    from rdflib import Graph

    from .. import _resources
    from ..loading import read_graph

    graph = Graph()
    files = list(_resources.ontology_files())
    if bundled_data:
        files += _resources.data_files()
    files += [Path(p) for p in extra]
    for file in files:
        for triple in read_graph(Path(file)):
            graph.add(triple)
    return graph


def compile_claims(
    paths: Iterable[StrPath],
    *,
    sources: StrPath | None = None,
    bundled_data: bool = True,
    known: Graph | None = None,
) -> Graph:
    """Compile claims files into a new rdflib Graph. Raises :class:`CompileError` with every
    problem of every file."""
    from .compiler import compile_files

    return compile_files(
        [Path(p) for p in paths],
        sources=Path(sources) if sources is not None else None,
        known=known if known is not None else known_graph(bundled_data),
    )


def to_turtle(graph: Graph) -> str:
    """Deterministic Turtle, the same bytes for the same graph."""
    from ..serialize import serialize

    return serialize(graph, "turtle")


def load(
    *paths: StrPath,
    sources: StrPath | None = None,
    bundled_data: bool = True,
    store: str = "rdflib",
) -> PolicyGraph:
    """Like :func:`policygraph.load`, and claims files (``.yaml``) are compiled against the
    texts in ``sources`` first."""
    import tempfile

    from ..graph import load as load_rdf

    claims = [Path(p) for p in paths if Path(p).suffix.lower() in CLAIMS_SUFFIXES]
    others = [p for p in paths if Path(p).suffix.lower() not in CLAIMS_SUFFIXES]
    graph = load_rdf(*others, bundled_data=bundled_data, store=store)
    if claims:
        compiled = compile_claims(claims, sources=sources, bundled_data=bundled_data)
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "claims.ttl"
            target.write_text(to_turtle(compiled), encoding="utf-8")
            graph.add_file(target)
    return graph


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'policygraph.authoring' has no attribute {name!r}")
