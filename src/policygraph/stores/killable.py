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

import multiprocessing
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..errors import PolicyGraphError, QueryError, QueryTimeoutError

__all__ = ["run_in_child"]

T = TypeVar("T")


def _worker(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> None:
    import faulthandler

    faulthandler.disable()  # a crash here is reported to the parent, not dumped on stderr
    try:
        outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except PolicyGraphError as exc:
        outcome = ("error", (type(exc).__name__, str(exc)))
    except BaseException as exc:  # anything else: reported, not raised in the child
        outcome = ("error", ("QueryError", f"query failed: {exc}"))
    try:
        conn.send(outcome)
    except Exception as exc:  # an answer that cannot be pickled
        conn.send(("error", ("QueryError", f"query failed: cannot send its result ({exc})")))
    conn.close()


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
    if "fork" not in multiprocessing.get_all_start_methods():
        if timeout is None:
            return fn(*args, **kwargs)
        return _in_thread(fn, args, kwargs, timeout)
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(sender, fn, args, dict(kwargs)), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeoutError(timeout or 0.0)
        try:
            status, value = receiver.recv()
        except EOFError:
            process.join()
            raise QueryError(
                f"the query engine died running this query (exit code {process.exitcode})"
            ) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status == "error":
        _raise(*value)
    result: T = value
    return result


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
