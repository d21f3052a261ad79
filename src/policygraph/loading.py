"""Reading RDF files into one dataset, with errors that name the file, line and column.

Nothing is fetched from the network: owl:imports are never followed and JSON-LD documents that
name a remote ``@context`` are refused. Literals keep their exact lexical form ("01"^^xsd:integer
stays "01"), because curators' files must come back out as they went in.
"""

from __future__ import annotations

import contextlib
import json
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import rdflib
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .errors import ParseError
from .syntaxcheck import check_syntax, checked_by_oxigraph, is_absolute_iri
from .xmlguard import check_entities

__all__ = ["FORMATS", "QUAD_FORMATS", "format_for", "load_into", "new_dataset", "read_graph"]

# File extension -> rdflib parser name.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
# Formats that can carry named graphs (JSON-LD can too) are parsed into a dataset.
QUAD_FORMATS = frozenset({"nquads", "trig", "json-ld"})

# A guard against files no curator writes by hand and no parser here handles gracefully.
MAX_FILE_BYTES = 512 * 1024 * 1024


def new_dataset() -> Dataset:
    """An empty in-memory dataset whose default graph is the union of all its graphs."""
    return Dataset(default_union=True)


def default_graph(dataset: Dataset) -> Graph:
    """The dataset's default graph (``default_graph`` in rdflib >= 7.5, before that
    ``default_context``)."""
    name = (
        "default_graph"
        if isinstance(getattr(Dataset, "default_graph", None), property)
        else "default_context"
    )
    graph: Graph = getattr(dataset, name)
    return graph


def format_for(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise ParseError(str(path), f"unknown file extension {path.suffix!r} (known: {known})")
    return fmt


class _LexicalInteger(int):
    """An integer token that remembers how it was written. rdflib's Turtle/TriG parser turns
    ``01`` and ``+1`` into Python ints and writes the literal back as ``str(value)``, which would
    lose the lexical form; this int prints as it was written."""

    _text: str

    def __new__(cls, text: str) -> _LexicalInteger:
        value = super().__new__(cls, text)
        value._text = text
        return value

    def __str__(self) -> str:
        return self._text


@contextlib.contextmanager
def unlimited_integers() -> Iterator[None]:
    """Lift Python's limit on converting long digit strings to int (4,300 digits) while rdflib
    makes literals: an xsd:integer of any length is valid RDF, and rdflib converts every
    integer literal to a Python int."""
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:  # Pythons without the limit
        yield
        return
    saved = get()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(saved)


@contextlib.contextmanager
def exact_literals() -> Iterator[None]:
    """Keep literals' lexical forms while parsing (rdflib normalises them by default, and its
    Turtle parser rewrites integer shorthands such as ``01``), and read long lines in linear
    time (see ``longlines``)."""
    from rdflib.plugins.parsers import notation3, ntriples

    from .longlines import read_line, string_constant

    saved = rdflib.NORMALIZE_LITERALS
    saved_integer = getattr(notation3, "long_type")  # noqa: B009
    saved_strconst = notation3.SinkParser.strconst
    saved_readline = ntriples.W3CNTriplesParser.readline
    rdflib.NORMALIZE_LITERALS = False
    # rdflib has no hooks for these; the originals come back as soon as parsing ends.
    setattr(notation3, "long_type", _LexicalInteger)  # noqa: B010
    notation3.SinkParser.strconst = string_constant  # type: ignore[assignment]
    ntriples.W3CNTriplesParser.readline = read_line  # type: ignore[assignment]
    try:
        with unlimited_integers():
            yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved
        setattr(notation3, "long_type", saved_integer)  # noqa: B010
        notation3.SinkParser.strconst = saved_strconst  # type: ignore[method-assign]
        ntriples.W3CNTriplesParser.readline = saved_readline  # type: ignore[method-assign]


def check_readable(path: Path) -> int:
    """The size of ``path`` if it is a regular file within the size limit; else a ParseError
    saying what it is instead."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ParseError(str(path), "no such file") from exc
    except PermissionError as exc:
        raise ParseError(str(path), "permission denied") from exc
    except OSError as exc:
        raise ParseError(str(path), exc.strerror or str(exc)) from exc
    if stat.S_ISDIR(info.st_mode):
        raise ParseError(str(path), "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):  # a pipe or device could block or never end
        raise ParseError(str(path), "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ParseError(str(path), f"file is {info.st_size} bytes; the limit is {MAX_FILE_BYTES}")
    return info.st_size


def read_bytes(path: Path) -> bytes:
    """The bytes of a file that passes :func:`check_readable`."""
    check_readable(path)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ParseError(str(path), "no such file") from exc
    except PermissionError as exc:
        raise ParseError(str(path), "permission denied") from exc
    except IsADirectoryError as exc:
        raise ParseError(str(path), "is a directory, not a file") from exc
    except OSError as exc:
        raise ParseError(str(path), exc.strerror or str(exc)) from exc


def read_text(path: Path) -> str:
    """The file's text as UTF-8, or a ParseError naming where decoding failed."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column_of_byte(raw, exc.start)
        raise ParseError(
            str(path), f"not UTF-8 (byte 0x{raw[exc.start]:02x})", line, column
        ) from exc


def _line_column_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, column


def _line_column_of_char(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _remote_contexts(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                refs = value if isinstance(value, list) else [value]
                yield from (ref for ref in refs if isinstance(ref, str))
            yield from _remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _remote_contexts(item)


def _check_jsonld(path: Path, text: str) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(str(path), exc.msg, exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise ParseError(str(path), "JSON nests too deeply") from exc
    for ref in _remote_contexts(document):
        raise ParseError(
            str(path), f"refusing to fetch the remote JSON-LD context {ref!r}; inline it instead"
        )


_NT_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


def _first_bad_line(text: str, fmt: str) -> int | None:
    """N-Triples and N-Quads are line-based and rdflib's errors carry no line number: find the
    first line that does not parse on its own."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            with exact_literals():
                (Dataset() if fmt == "nquads" else Graph()).parse(data=line, format=fmt)
        except Exception:
            return number
    return None


def _translate(path: Path, text: str, exc: BaseException, fmt: str) -> ParseError:
    """Turn whatever a parser raised into a ParseError with the best position known."""
    name = type(exc).__name__
    if name == "BadSyntax":
        lines = getattr(exc, "lines", None)
        offset = getattr(exc, "i", None)
        why = getattr(exc, "_why", None) or str(exc)
        line = lines + 1 if isinstance(lines, int) else None
        column = None
        argstr = getattr(exc, "_str", None)
        if isinstance(offset, int) and isinstance(argstr, (str, bytes)):
            prefix = argstr[:offset]
            if isinstance(prefix, bytes):
                prefix = prefix.decode("utf-8", "replace")
            column = len(prefix) - (prefix.rfind("\n") + 1) + 1
        return ParseError(str(path), f"bad syntax: {why}", line, column)
    get_line = getattr(exc, "getLineNumber", None)
    if callable(get_line):  # xml.sax.SAXParseException
        return ParseError(
            str(path),
            str(getattr(exc, "getMessage", lambda: exc)()),
            get_line(),
            exc.getColumnNumber() + 1,  # type: ignore[attr-defined]
        )
    if isinstance(exc, json.JSONDecodeError):
        return ParseError(str(path), exc.msg, exc.lineno, exc.colno)
    if isinstance(exc, RecursionError):
        return ParseError(str(path), "the document nests too deeply")
    message = " ".join(str(exc).split()) or name
    if len(message) > 200:
        message = message[:200] + "..."
    line = None
    if fmt in ("nt", "nquads"):
        line = _first_bad_line(text, fmt)
    else:
        match = _NT_LINE.search(str(exc))
        if match:
            line = int(match.group(1))
    return ParseError(str(path), message, line)


def load_into(dataset: Dataset, path: Path, *, base: str | None = None) -> None:
    """Parse one file into ``dataset``: triple formats into the default graph, quad formats
    keeping their named graphs."""
    fmt = format_for(path)
    text = read_text(path)
    if fmt == "json-ld":
        _check_jsonld(path, text)
    elif fmt == "xml":
        check_entities(str(path), text)
    public_id = base or path.resolve().as_uri()
    check_syntax(str(path), text, fmt, public_id)
    staging: Graph
    try:
        with exact_literals():
            if fmt in QUAD_FORMATS:
                staging = Dataset()
                staging.parse(data=text, format=fmt, publicID=public_id)
            else:
                staging = Graph()
                staging.parse(data=text, format=fmt, publicID=public_id)
    except ParseError:
        raise
    except Exception as exc:  # parsers raise many unrelated types; all mean "bad input"
        raise _translate(path, text, exc, fmt) from exc
    if not checked_by_oxigraph(fmt):
        _check_iris(path, staging)
    _merge(dataset, staging)


def _check_iris(path: Path, staging: Graph) -> None:
    """Refuse IRIs no RDF tool could write back (rdflib's JSON-LD and RDF/XML parsers let
    ``<``, spaces or a missing scheme through, from a bad ``@context`` for instance)."""
    if isinstance(staging, Dataset):
        terms: Iterable[Any] = (
            t
            for s, p, o, g in staging.quads((None, None, None, None))
            for t in (s, p, o, getattr(g, "identifier", g))
        )
    else:
        terms = (t for triple in staging for t in triple)
    for term in terms:
        if isinstance(term, URIRef) and not is_absolute_iri(str(term)):
            raise ParseError(str(path), f"not an absolute IRI: {str(term)[:80]!r}")


def read_graph(path: Path) -> Graph:
    """One file as a plain Graph (named graphs merged): for shapes and other side inputs, with
    the same errors as the data files get."""
    dataset = new_dataset()
    load_into(dataset, path)
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _merge(dataset: Dataset, staging: Graph) -> None:
    if isinstance(staging, Dataset):
        for s, p, o, g in staging.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            if name is None or name == DATASET_DEFAULT_GRAPH_ID:
                default_graph(dataset).add((s, p, o))
            else:
                dataset.graph(name).add((s, p, o))
    else:
        target = default_graph(dataset)
        for triple in staging:
            target.add(triple)
