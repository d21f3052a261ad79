"""Time limits for engines that cannot be cancelled.

Neither rdflib nor pyoxigraph can stop a query once it runs, and a thread cannot be killed. A
query with a time limit therefore runs in a forked child process: the child shares the parent's
memory copy-on-write (the store is not copied or re-loaded), sends the result back through a
pipe, and is killed outright when the limit passes, which really stops the work. Queries
without a limit run in the caller's process and pay nothing. The fork costs a few milliseconds
per query, growing with the size of the process (measured in ``bench/run.py``). A child that
dies (an engine overflowing its stack on a pathological query) is a QueryError, not a crash.

Where ``fork`` does not exist (Windows), the query runs in a thread that is abandoned at the
limit: control comes back to the caller on time, but the engine finishes its work in the
background.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..errors import PolicyGraphError, QueryError, QueryTimeoutError

__all__ = ["run_in_child"]

T = TypeVar("T")


def _child(write_end: int, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> None:
    """Run in the forked child: compute, send the pickled outcome, and leave at once."""
    import faulthandler
    import pickle

    faulthandler.disable()  # a crash here is reported by the parent, not dumped on stderr
    try:
        outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except PolicyGraphError as exc:
        outcome = ("error", (type(exc).__name__, str(exc)))
    except BaseException as exc:  # anything else: reported, not raised in the child
        outcome = ("error", ("QueryError", f"query failed: {exc}"))
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an answer that cannot be pickled
        data = pickle.dumps(("error", ("QueryError", f"query failed: {exc}")))
    view = memoryview(data)
    while view:
        view = view[os.write(write_end, view) :]


def _raise(name: str, message: str) -> None:
    from .. import errors

    cls = getattr(errors, name, QueryError)
    if not (isinstance(cls, type) and issubclass(cls, QueryError)) or cls is QueryTimeoutError:
        cls = QueryError
    raise cls(message)


def run_in_child(
    fn: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    timeout: float | None,
) -> T:
    """``fn(*args, **kwargs)`` in a forked child, stopped after ``timeout`` seconds (None: no
    limit) with QueryTimeoutError; a child that dies is a QueryError."""
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the time limit must be a positive number of seconds, not {timeout!r}")
    if not hasattr(os, "fork"):
        if timeout is None:
            return fn(*args, **kwargs)
        return _in_thread(fn, args, kwargs, timeout)
    import pickle
    import select

    read_end, write_end = os.pipe()
    # Objects the child's garbage collector would walk are frozen first, so that it does not
    # touch (and so copy) the parent's pages: the fork stays cheap for a large store.
    # A caller that froze objects itself keeps them frozen: only our own freeze is undone.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        pid = os.fork()
    except BaseException:
        if freeze:
            gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # the child
        try:
            os.close(read_end)
            gc.disable()
            _child(write_end, fn, args, dict(kwargs))
        finally:
            os._exit(0)
    if freeze:
        gc.unfreeze()
    os.close(write_end)
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks: list[bytes] = []
    try:
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([read_end], [], [], wait)
            if not ready:
                raise QueryTimeoutError(timeout or 0.0)
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if chunks == [] or deadline is not None and time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not chunks:
        raise QueryError(f"the query engine died running this query ({_how(status)})")
    state, value = pickle.loads(b"".join(chunks))
    if state == "error":
        _raise(*value)
    result: T = value
    return result


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.WEXITSTATUS(status)}"


def _in_thread(
    fn: Callable[..., T], args: tuple[Any, ...], kwargs: Mapping[str, Any], timeout: float
) -> T:
    box: list[tuple[str, Any]] = []

    def run() -> None:
        try:
            box.append(("ok", fn(*args, **kwargs)))
        except BaseException as exc:
            box.append(("error", exc))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    if not box:
        raise QueryTimeoutError(timeout)
    status, value = box[0]
    if status == "error":
        raise value
    result: T = value
    return result
