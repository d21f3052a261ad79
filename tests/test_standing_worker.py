"""The standing child that runs the default store's limited queries: one fork serves query
after query, an overrun kills it for real, a change of the data retires it, and closing the
store leaves no process behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

import policygraph as pg
from policygraph.errors import QueryError, QueryTimeoutError
from policygraph.stores.exact import ExactStore
from policygraph.stores.killable import StandingWorker

pytestmark = pytest.mark.skipif(not StandingWorker.available(), reason="needs os.fork")

SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _engine(g: pg.PolicyGraph) -> object:
    store = g.store
    assert isinstance(store, ExactStore)
    return store.engine


def _child(g: pg.PolicyGraph) -> int | None:
    worker = _engine(g)._worker  # type: ignore[attr-defined]
    return None if worker is None else worker._pid  # type: ignore[no-any-return]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that was killed but not yet reaped would still answer; ours are reaped.
    return True


def _count(g: pg.PolicyGraph, timeout: float | None = 30) -> int:
    return int(str(g.query(COUNT, timeout=timeout).rows[0][0]))


def test_one_child_answers_query_after_query() -> None:
    g = pg.load()
    assert _child(g) is None  # nothing is forked before a limited query
    expected = _count(g, timeout=None)
    assert _count(g) == expected
    pid = _child(g)
    assert pid is not None and _alive(pid)
    for _ in range(5):
        assert _count(g) == expected
    assert _child(g) == pid  # the same child, not a fork per query
    g.store.close()


def test_an_overrun_kills_the_child_and_the_next_query_gets_a_new_one() -> None:
    g = pg.load()
    _count(g)
    first = _child(g)
    assert first is not None
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError):
        g.query(SLOW_QUERY, timeout=0.3)
    assert time.monotonic() - started < 5
    assert _child(g) is None and not _alive(first)  # killed and reaped: the work stopped
    assert _count(g) == _count(g, timeout=None)
    assert _child(g) not in (None, first)
    g.store.close()


def test_a_change_of_the_data_retires_the_child(tmp_path: Path) -> None:
    g = pg.load()
    before = _count(g)
    first = _child(g)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    g.add_file(extra)
    assert first is not None and not _alive(first)
    assert _count(g) == before + 1  # answered from the new data, not the old copy
    g.store.close()


def test_a_child_that_dies_is_a_query_error_and_the_next_query_works() -> None:
    g = pg.load()
    _count(g)
    pid = _child(g)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(QueryError, match="died"):
        _count(g)
    assert _count(g) == _count(g, timeout=None)
    g.store.close()


def test_closing_the_store_stops_the_child() -> None:
    g = pg.load()
    _count(g)
    pid = _child(g)
    assert pid is not None
    g.store.close()
    assert not _alive(pid)
    g.store.close()  # twice is fine


def test_errors_in_the_child_are_the_usual_ones() -> None:
    g = pg.load()
    with pytest.raises(QueryError, match="syntax error at line 1"):
        g.query("SELECT ?x WHERE { ?x ", timeout=10)
    with pytest.raises(QueryError, match="positive"):
        g.query(COUNT, timeout=0)
    assert _count(g) == _count(g, timeout=None)  # the child survived the bad query
    g.store.close()
