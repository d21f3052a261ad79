"""Linear-time replacements for two rdflib parser routines that are quadratic on long lines.

rdflib's N-Triples reader re-scans its whole buffer each time it reads another 2 KB of a line
that has not ended yet, and its Turtle/TriG string reader rebuilds the string at every escape:
a 10 MB literal took over seven minutes to load. These versions accept exactly the same input,
give the same results and errors, and take time proportional to the line. ``loading`` swaps them
in only while it parses.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["read_line", "string_constant"]

_LINE_END = re.compile(r"\r\n|\r|\n")
# What ends a run of plain characters inside a string delimited by " or '.
_STOP = {'"': re.compile(r'["\\\r\n]'), "'": re.compile(r"['\\\r\n]")}
_SIMPLE_ESCAPES = dict(zip("abfrtvn\\\"'", "\a\b\f\r\t\v\n\\\"'"))


def read_line(parser: Any) -> str | None:
    """``W3CNTriplesParser.readline``: the next line without its end, or None at the end.
    Each chunk read is scanned once, however long the line."""
    from rdflib.plugins.parsers import ntriples

    pieces: list[str] = []
    buffer: str = parser.buffer or ""
    while True:
        if buffer:
            end = _LINE_END.search(buffer)
            if end is not None:
                pieces.append(buffer[: end.start()])
                parser.buffer = buffer[end.end() :]
                return "".join(pieces)
            pieces.append(buffer)
        buffer = parser.file.read(ntriples.bufsiz)
        if not buffer:
            parser.buffer = ""
            rest = "".join(pieces)
            # Like rdflib: a last line needs no line end; trailing blank space is no line.
            return None if not rest or rest.isspace() else rest


def string_constant(parser: Any, argstr: str, i: int, delim: str) -> tuple[int, str]:
    """``SinkParser.strconst``: read the string starting at ``i`` (just past its opening
    ``delim``); return the index after the closing delimiter and the string's value."""
    quote = delim[0]
    long_string = len(delim) == 3
    stop = _STOP[quote]
    startline = parser.lines
    parts: list[str] = []
    j = i
    while True:
        found = stop.search(argstr, j)
        if found is None:
            break
        k = found.start()
        parts.append(argstr[j:k])
        ch = argstr[k]
        if ch == quote:
            if not long_string:
                return k + 1, "".join(parts)
            # In """...""" up to two quotes before the closing three belong to the string.
            run = len(argstr[k : k + 5]) - len(argstr[k : k + 5].lstrip(quote))
            if run >= 3:
                parts.append(quote * (run - 3))
                return k + run, "".join(parts)
            parts.append(quote * run)
            j = k + run
        elif ch in "\r\n":
            if not long_string:
                raise _bad_syntax(parser, startline, argstr, k, "newline found in string literal")
            parser.lines += 1
            parts.append(ch)
            j = k + 1
            parser.startOfLine = j
        else:  # a backslash
            j = k + 1
            escaped = argstr[j : j + 1]
            if not escaped:
                raise _bad_syntax(parser, startline, argstr, k, "unterminated string literal (2)")
            if escaped in _SIMPLE_ESCAPES:
                parts.append(_SIMPLE_ESCAPES[escaped])
                j += 1
            elif escaped == "u":
                j, char = parser.uEscape(argstr, j + 1, startline)
                parts.append(char)
            elif escaped == "U":
                j, char = parser.UEscape(argstr, j + 1, startline)
                parts.append(char)
            else:
                parser.BadSyntax(argstr, k, "bad escape")
    parser.BadSyntax(argstr, i, "unterminated string literal")
    raise AssertionError("unreachable")  # BadSyntax always raises


def _bad_syntax(parser: Any, line: int, argstr: str, at: int, why: str) -> Exception:
    from rdflib.plugins.parsers.notation3 import BadSyntax

    return BadSyntax(parser._thisDoc, line, argstr, at, why)
