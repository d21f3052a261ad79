"""Export formats and atomic file writes."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from .errors import ExportError

__all__ = [
    "EXPORT_FORMATS",
    "atomic_write",
    "format_for_export",
    "remove_stale_temporaries",
]

# Public format name -> (serializer name, usual extension).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", ".ttl"),
    "nt": ("nt", ".nt"),
    "nquads": ("nquads", ".nq"),
    "trig": ("trig", ".trig"),
    "jsonld": ("json-ld", ".jsonld"),
}
_ALIASES = {
    "ttl": "turtle",
    "ntriples": "nt",
    "n-triples": "nt",
    "nq": "nquads",
    "json-ld": "jsonld",
    "json": "jsonld",
}
_BY_EXTENSION = {ext: name for name, (_, ext) in EXPORT_FORMATS.items()}
_BY_EXTENSION[".json"] = "jsonld"


def format_for_export(fmt: str | None, path: Path | None) -> str:
    """The serializer name for an explicit format name, or for ``path``'s extension."""
    if fmt is None and path is not None:
        name = _BY_EXTENSION.get(path.suffix.lower())
        if name is None:
            raise ExportError(
                f"{path}: cannot tell the format from the extension {path.suffix!r}; pass a format"
            )
        return EXPORT_FORMATS[name][0]
    name = _ALIASES.get((fmt or "turtle").lower(), (fmt or "turtle").lower())
    if name not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    return EXPORT_FORMATS[name][0]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    that readers see the old file or the new one, never a half-written one.

    A writer that is killed outright (SIGKILL, the OOM killer, a power cut) cannot remove its
    temporary file ``.NAME.XXXXXXXX.tmp``. A later successful write to the same ``path`` removes
    such leftovers (see :func:`remove_stale_temporaries`); on systems without ``fcntl`` (Windows)
    they stay until removed by hand."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(f"{path}: is a directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write here ({exc.strerror or exc})") from exc
    # Held until the rename is done: it tells other writers' clean-up that this one is alive.
    lock = _lock(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ExportError(f"{path}: {exc.strerror or exc}") from exc
        raise
    finally:
        if lock is not None:
            os.close(lock)
    remove_stale_temporaries(path)


# A temporary file left behind is only removed when nobody holds its lock and nothing has
# written to it for this long (seconds).
STALE_AFTER = 60.0


def _lock(tmp: str) -> int | None:
    """An open descriptor holding an exclusive ``flock`` on ``tmp``, or None where there are
    no such locks (the write goes ahead either way)."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fd = os.open(tmp, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def temporary_name_pattern(name: str) -> re.Pattern[str]:
    """The names :func:`atomic_write` gives its temporary files for a target called ``name``
    (``tempfile.mkstemp``: the prefix, eight characters of ``[a-z0-9_]``, the suffix)."""
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp")


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files that killed writers of ``path`` left in its folder, and
    return them. Only regular files named exactly as :func:`atomic_write` names them for this
    target are candidates; each is removed only if its ``flock`` can be taken (every live
    writer holds its own until it has renamed the file, and the kernel releases the lock of a
    killed one) and it was last written more than ``STALE_AFTER`` seconds ago. Where locks are
    unavailable nothing is removed."""
    try:
        import fcntl
    except ImportError:
        return []
    folder = path.parent if str(path.parent) else Path(".")
    pattern = temporary_name_pattern(path.name)
    removed: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            candidates = [e.path for e in entries if pattern.fullmatch(e.name)]
    except OSError:
        return removed
    for candidate in candidates:
        try:
            fd = os.open(candidate, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or time.time() - info.st_mtime < STALE_AFTER:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if a writer holds it
            if os.path.samestat(info, os.stat(candidate, follow_symlinks=False)):
                os.unlink(candidate)
                removed.append(Path(candidate))
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed
