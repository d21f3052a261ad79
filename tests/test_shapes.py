"""The SHACL shapes, proven by data: every file in shapes/valid conforms with no results (or only
the warnings it declares); every file in shapes/invalid produces exactly the (shape, focus)
results it declares in `# expect: SHAPE FOCUS` lines; every constraint has an invalid example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

import policygraph as pg

HERE = Path(__file__).parent / "shapes"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
SHAPES_FILE = Path(__file__).resolve().parents[1] / "ontology" / "shapes.ttl"
PREFIXES = {
    "pgsh": "https://w3id.org/policygraph/shapes#",
    "ex": "https://example.org/shapes/",
}
SH = "http://www.w3.org/ns/shacl#"
# The suite may grow, never shrink.
MIN_INVALID, MIN_VALID = 54, 3


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else curie


def declared(path: Path) -> set[tuple[str, str]]:
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*expect:\s*(\S+)\s+(\S+)\s*$", line)
        if match:
            found.add((expand(match.group(1)), expand(match.group(2))))
    return found


def results(path: Path) -> set[tuple[str, str]]:
    report = pg.load(path, bundled_data=False).validate()
    return {(r.shape, r.focus) for r in report.results}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_examples_conform(path: Path) -> None:
    report = pg.load(path, bundled_data=False).validate()
    assert report.conforms, str(report)
    assert {(r.shape, r.focus) for r in report.results} == declared(path), str(report)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_examples_give_exactly_the_declared_results(path: Path) -> None:
    expected = declared(path)
    assert expected, f"{path.name} declares no '# expect:' lines"
    assert results(path) == expected


def constraint_shapes() -> set[str]:
    """Every named property shape and every node shape carrying a SPARQL constraint."""
    shapes = Graph().parse(SHAPES_FILE)
    named = {str(s) for s in shapes.subjects(URIRef(SH + "path"), None) if isinstance(s, URIRef)}
    named |= {str(s) for s in shapes.subjects(URIRef(SH + "sparql"), None)}
    return named


def test_every_constraint_has_an_invalid_example() -> None:
    covered = {shape for path in INVALID for shape, _ in declared(path)}
    missing = sorted(constraint_shapes() - covered)
    assert not missing, f"constraints without an invalid example: {missing}"


def test_property_shapes_are_all_named() -> None:
    shapes = Graph().parse(SHAPES_FILE)
    anonymous = [s for s in shapes.subjects(URIRef(SH + "path"), None) if not isinstance(s, URIRef)]
    assert not anonymous


def test_every_shape_has_a_message() -> None:
    shapes = Graph().parse(SHAPES_FILE)
    silent = sorted(
        str(s)
        for s in constraint_shapes()
        if (URIRef(s), URIRef(SH + "message"), None) not in shapes
        and not any(shapes.objects(URIRef(s), URIRef(SH + "sparql")))
    )
    assert not silent


def test_the_suite_does_not_shrink() -> None:
    assert len(INVALID) >= MIN_INVALID
    assert len(VALID) >= MIN_VALID
