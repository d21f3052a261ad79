"""Property-based round trips: random datasets written in every format policygraph writes, read
back, compared by isomorphism and by exact lexical forms; a second export is byte-identical.
Run on every store. Examples per format: POLICYGRAPH_HYPOTHESIS_EXAMPLES (default 150; 3000
with --slow)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from rdflib import Dataset
from rdflib.compare import isomorphic

import policygraph as pg
from policygraph.graph import PolicyGraph

from .rdfcompare import FORMATS, QUAD_FORMATS, round_trip, union
from .stores import STORES
from .strategies import datasets

SLOW = os.environ.get("POLICYGRAPH_SLOW") == "1"
EXAMPLES = int(os.environ.get("POLICYGRAPH_HYPOTHESIS_EXAMPLES", 3000 if SLOW else 150))


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip(fmt: str, store: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not SLOW,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(datasets(named_graphs=fmt in QUAD_FORMATS))
    def check(ds: Dataset) -> None:
        round_trip(ds, fmt, store)

    check()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_empty_graph_round_trips(fmt: str) -> None:
    round_trip(Dataset(), fmt, "rdflib")


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "trig"])
def test_bundled_export_is_identical_under_any_hash_seed(fmt: str) -> None:
    code = (
        "import policygraph as pg, sys; "
        f"sys.stdout.write(pg.load(store='rdflib').export(format='{fmt}'))"
    )
    outputs = set()
    for seed in ("0", "1", "12345", "random"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1


def test_bundled_export_reloads_isomorphic_in_every_format(tmp_path: Path) -> None:
    graph = pg.load(store="rdflib")
    for fmt, ext in FORMATS.items():
        path = tmp_path / f"bundled{ext}"
        graph.export(path, fmt)
        back = PolicyGraph()
        back.add_file(path)
        assert isomorphic(union(graph.graph), union(back.graph)), fmt
