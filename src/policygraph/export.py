"""Export formats and atomic file writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import ExportError

__all__ = ["EXPORT_FORMATS", "atomic_write", "format_for_export"]

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
    that readers see the old file or the new one, never a half-written one."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(f"{path}: is a directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write here ({exc.strerror or exc})") from exc
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
