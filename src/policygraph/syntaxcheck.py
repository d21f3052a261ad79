"""The syntax check every file in Turtle, TriG, N-Triples or N-Quads passes, on every store.

rdflib's parsers accept some malformed input (IRIs with spaces, bad escapes, escapes of lone
surrogates, stray dots: about a hundred of the W3C negative syntax tests). Oxigraph's parsers
follow the W3C grammars, report line and column, and read a file many times faster than rdflib,
so every file in those formats is checked by them before rdflib reads it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from .errors import ParseError

__all__ = ["check_syntax", "checked_by_oxigraph", "is_absolute_iri"]

_OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG"}
_POSITION = re.compile(r"^Parser error[^:]*:\s*")
_TRAILING_LINE = re.compile(r"\s*\(line \d+\)$")


@cache
def _oxigraph() -> Any:
    import pyoxigraph  # imported when first needed: `import policygraph` stays cheap

    return pyoxigraph


# RFC 3987 leaves these out of IRIs (with spaces and control characters); a scheme comes first.
_NOT_IN_IRIS = frozenset('<>"{}|\\^`')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def is_absolute_iri(text: str) -> bool:
    """True when ``text`` has a scheme and no character an IRI cannot hold."""
    return _SCHEME.match(text) is not None and not any(
        ch in _NOT_IN_IRIS or ch <= " " for ch in text
    )


def checked_by_oxigraph(fmt: str) -> bool:
    """True when :func:`check_syntax` checks files of format ``fmt``."""
    return fmt in _OX_FORMATS


def check_syntax(path: str, data: str | bytes, fmt: str, base: str) -> None:
    """Raise ParseError where Oxigraph's parser rejects ``data``; do nothing for a format it
    does not check."""
    name = _OX_FORMATS.get(fmt)
    if name is None:
        return
    ox = _oxigraph()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        ox.Store().load(raw, getattr(ox.RdfFormat, name), base_iri=base)
    except SyntaxError as exc:
        reason = _TRAILING_LINE.sub("", _POSITION.sub("", str(exc.msg or exc)))
        raise ParseError(path, f"bad syntax: {reason}", exc.lineno, exc.offset) from None
