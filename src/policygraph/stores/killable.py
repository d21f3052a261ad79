"""Time limits for engines that cannot be cancelled.

Neither rdflib nor pyoxigraph can stop a query once it runs, and a thread cannot be killed. A
query with a time limit therefore runs in a forked child process: the child shares the parent's
memory copy-on-write (the store is not copied or re-loaded), sends the result back through a
pipe, and is killed outright when the limit passes, which really stops the work. Queries
without a limit run in the caller's process and pay nothing. A fork costs milliseconds that
grow with the size of the process, so the default store keeps one :class:`StandingWorker`
child for query after query (a fraction of a millisecond each, measured in ``bench/run.py``)
and forks again only after an overrun or a change of its data; ``run_in_child`` forks once
per query, for the rdflib store, whose graph a caller can change behind its back. A child
that dies (an engine overflowing its stack on a pathological query) is a QueryError, not a
crash.

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

__all__ = ["StandingWorker", "run_in_child"]

T = TypeVar("T")


def _outcome(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> bytes:
    """Run in a forked child: compute, and pickle what came of it (an answer or an error)."""
    import pickle

    try:
        outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except PolicyGraphError as exc:
        outcome = ("error", (type(exc).__name__, str(exc)))
    except BaseException as exc:  # anything else: reported, not raised in the child
        outcome = ("error", ("QueryError", f"query failed: {exc}"))
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an answer that cannot be pickled
        return pickle.dumps(("error", ("QueryError", f"query failed: {exc}")))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fork(
    work: Callable[[], None], child_only: tuple[int, ...], parent_only: tuple[int, ...]
) -> int:
    """Fork a child that runs ``work`` and leaves; the child's pid. The child closes
    ``parent_only`` (the parent's ends of the pipes), the parent closes ``child_only``.

    Objects the child's garbage collector would walk are frozen first, so that it does not
    touch (and so copy) the parent's pages: the fork stays cheap for a large store. A caller
    that froze objects itself keeps them frozen: only our own freeze is undone."""
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        pid = os.fork()
    except BaseException:
        if freeze:
            gc.unfreeze()
        for fd in (*child_only, *parent_only):
            os.close(fd)
        raise
    if pid == 0:  # the child
        try:
            import faulthandler

            faulthandler.disable()  # a crash is reported by the parent, not dumped on stderr
            for fd in parent_only:
                os.close(fd)
            gc.disable()
            work()
        finally:
            os._exit(0)
    if freeze:
        gc.unfreeze()
    for fd in child_only:
        os.close(fd)
    return pid


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
    pid = _fork(
        lambda: _write_all(write_end, _outcome(fn, args, dict(kwargs))),
        child_only=(write_end,),
        parent_only=(read_end,),
    )
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


# ----------------------------------------------------------------------------- a standing child
_HEADER = 8  # bytes of a frame's length, big-endian


class StandingWorker:
    """A forked child that runs ``fn`` call after call, until one overruns its limit.

    Forking for every query costs milliseconds that grow with the size of the process. A store
    whose data changes only through its own methods can instead keep one child: forked at the
    first limited query, it holds the store as it was then and answers each call over a pipe
    (a fraction of a millisecond). A call that overruns kills the child, which really stops the
    work; the next call forks a fresh one. The owner calls :meth:`stop` whenever its data
    changes, so that no child answers from an old copy, and when it is closed.
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        self._fn = fn
        self._pid: int | None = None
        self._requests = -1
        self._answers = -1
        self._lock = threading.Lock()

    @staticmethod
    def available() -> bool:
        return hasattr(os, "fork")

    def call(self, args: tuple[Any, ...], timeout: float | None) -> Any:
        """``fn(*args)`` in the child, stopped after ``timeout`` seconds (None: no limit) with
        QueryTimeoutError; a child that dies is a QueryError."""
        import pickle

        if timeout is not None and not timeout > 0:
            raise QueryError(
                f"the time limit must be a positive number of seconds, not {timeout!r}"
            )
        with self._lock:  # one call at a time: the pipe carries one answer after another
            if self._pid is None:
                self._start()
            deadline = None if timeout is None else time.monotonic() + timeout
            request = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                _write_all(self._requests, len(request).to_bytes(_HEADER, "big") + request)
                size = int.from_bytes(self._read(_HEADER, deadline), "big")
                answer = self._read(size, deadline)
            except QueryTimeoutError:
                self._stop()
                raise QueryTimeoutError(timeout or 0.0) from None
            except (OSError, EOFError):
                status = self._stop()
                raise QueryError(
                    f"the query engine died running this query ({_how(status)})"
                ) from None
        state, value = pickle.loads(answer)
        if state == "error":
            _raise(*value)
        return value

    def stop(self) -> None:
        """Kill the child (if any); the next call starts another."""
        with self._lock:
            self._stop()

    def _start(self) -> None:
        requests_in, requests_out = os.pipe()
        answers_in, answers_out = os.pipe()
        pid = _fork(
            lambda: self._serve(requests_in, answers_out),
            child_only=(requests_in, answers_out),
            parent_only=(requests_out, answers_in),
        )
        self._pid, self._requests, self._answers = pid, requests_out, answers_in

    def _serve(self, requests: int, answers: int) -> None:
        """The child's loop: a request in, an answer out, until the parent goes away."""
        import pickle

        while True:
            header = _read_exactly(requests, _HEADER)
            if header is None:
                return  # the parent closed the pipe or exited
            request = _read_exactly(requests, int.from_bytes(header, "big"))
            if request is None:
                return
            answer = _outcome(self._fn, pickle.loads(request), {})
            _write_all(answers, len(answer).to_bytes(_HEADER, "big") + answer)

    def _read(self, size: int, deadline: float | None) -> bytes:
        import select

        chunks: list[bytes] = []
        left = size
        while left:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self._answers], [], [], wait)
            if not ready:
                raise QueryTimeoutError(0.0)
            chunk = os.read(self._answers, min(left, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _stop(self) -> int:
        pid, self._pid = self._pid, None
        for fd in (self._requests, self._answers):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._requests = self._answers = -1
        if pid is None:
            return 0
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        return status


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd``, or None at the end of the stream."""
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
