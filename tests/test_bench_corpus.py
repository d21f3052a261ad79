"""The benchmark's synthetic corpus is valid policygraph data apart from its deliberate defects,
and validation finds exactly those: the same (shape, focus) pairs from pySHACL directly and from
``PolicyGraph.validate`` on either store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import policygraph as pg
from policygraph import _resources

BENCH = Path(__file__).parents[1] / "bench"
sys.path.insert(0, str(BENCH))
from corpus import DEFECT_KINDS, DEFECT_SHAPES, generate  # noqa: E402

sys.path.remove(str(BENCH))

SHAPES = _resources.shapes_file()
needs_shapes = pytest.mark.skipif(
    not SHAPES.is_file() or not _resources.ontology_files(),
    reason="the ontology and shapes are not in this checkout yet",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> object:
    return generate(tmp_path_factory.mktemp("corpus") / "corpus.ttl", triples=2000, seed=11)


def test_corpus_is_deterministic_and_about_the_size_asked(tmp_path: Path) -> None:
    a = generate(tmp_path / "a.ttl", triples=2000, seed=3)
    b = generate(tmp_path / "b.ttl", triples=2000, seed=3)
    generate(tmp_path / "c.ttl", triples=2000, seed=4)
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()
    assert (tmp_path / "a.ttl").read_bytes() != (tmp_path / "c.ttl").read_bytes()
    assert 1500 <= a.triples <= 2600
    assert a.defects == b.defects


def test_corpus_counts_its_triples_exactly(corpus: object) -> None:
    from rdflib import Graph

    graph = Graph().parse(corpus.path, format="turtle")  # type: ignore[attr-defined]
    assert len(graph) == corpus.triples  # type: ignore[attr-defined]


def test_corpus_has_one_defect_of_each_kind(corpus: object) -> None:
    kinds = {kind for kind, _ in corpus.defects}  # type: ignore[attr-defined]
    assert kinds == set(DEFECT_KINDS) == set(DEFECT_SHAPES)


@needs_shapes
def test_validation_finds_exactly_the_deliberate_defects(corpus: object) -> None:
    import pyshacl
    from rdflib import Graph

    from policygraph.validation import read_report

    data = Graph()
    for f in [*_resources.ontology_files(), corpus.path]:  # type: ignore[attr-defined]
        data.parse(f, format="turtle")
    shapes = Graph().parse(SHAPES, format="turtle")
    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    report = read_report(results)
    found = {(r.shape, r.severity, r.focus) for r in report.results}
    # Exactly the deliberate defects, each on the shape it breaks: the rest conforms.
    assert found == corpus.expected_results  # type: ignore[attr-defined]
    assert {r.focus for r in report.results} == {f for _, f in corpus.defects}  # type: ignore[attr-defined]

    for store in ("rdflib", "oxigraph"):
        g = pg.load(corpus.path, bundled_data=False, store=store)  # type: ignore[attr-defined]
        mine = g.validate()
        assert {(r.shape, r.severity, r.focus) for r in mine.results} == found, store
        assert mine.results == report.results, store
