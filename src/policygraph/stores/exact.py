"""Exact lexical forms over an engine that rewrites them: the one place that knows which.

Oxigraph stores some literals in a canonical form: "01"^^xsd:integer comes back as "1",
"1.50"^^xsd:decimal as "1.5", language tags in lower case, and "x"^^xsd:string as plain "x".
policygraph promises that literals come back out exactly as they went in, so every file and
every batch of quads is checked before the engine gets it:

- A file whose literals the engine keeps unchanged (the usual case: a quick scan of the bytes
  decides most files, a second parse the rest) goes into the engine.
- The first file or quad the engine would rewrite (or a term it cannot hold) moves the graph to
  the reference store (rdflib, ``memory.MemoryStore``), which keeps every literal as written;
  the graph then stays there, and a ``PerformanceWarning`` says so once.

What each store keeps, as tested in ``tests/test_store_suite.py``: ``rdflib`` keeps every
lexical form; ``oxigraph`` (this wrapper) keeps every lexical form; the bare engine
(``oxigraph.OxigraphStore``) keeps canonical forms only.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from .base import ANY, AnyGraph, Quad, Store, Triple
from .memory import MemoryStore
from .oxigraph import OXIGRAPH_FORMATS, OxigraphStore, to_oxigraph, to_rdflib

if TYPE_CHECKING:
    from rdflib.term import Node

    from ..query import QueryResult

__all__ = ["ExactStore", "PerformanceWarning", "engine_keeps"]

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"


class PerformanceWarning(UserWarning):
    """The graph holds a literal the fast engine would rewrite, so it runs on the reference
    (rdflib) store instead."""


# Lexical forms Oxigraph stores unchanged, per XSD datatype (conservative: a literal of
# another XSD datatype counts as rewritten).
_CANONICAL: dict[str, re.Pattern[str] | None] = {
    XSD + "integer": re.compile(r"(?:0|-?[1-9][0-9]*)"),
    XSD + "boolean": re.compile(r"true|false"),
    XSD + "date": re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"),
    XSD + "gYear": re.compile(r"[0-9]{4}"),
    XSD + "gYearMonth": re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])"),
    XSD + "anyURI": None,  # never rewritten
}


def literal_kept(value: str, datatype: str) -> bool:
    """True when Oxigraph surely stores this typed literal (not xsd:string) unchanged."""
    if not datatype.startswith(XSD):
        return True
    if datatype in _CANONICAL:
        pattern = _CANONICAL[datatype]
        return pattern is None or pattern.fullmatch(value) is not None
    return False


# Things only the text shows (Oxigraph's parser already lowercases language tags and forgets
# whether a string was typed xsd:string): their files go to the reference. One pattern each,
# so that each starts with a literal character and scans fast.
_TEXT_SUSPECTS = (
    re.compile(rb'"@[A-Za-z0-9-]*[A-Z]'),
    re.compile(rb"'@[A-Za-z0-9-]*[A-Z]"),
    re.compile(rb"\^\^\s*(?:xsd:string|<http://www\.w3\.org/2001/XMLSchema#string>)"),
)
_XSD_NAMESPACE = b"<http://www.w3.org/2001/XMLSchema#>"
_XSD_DECLARATION = re.compile(rb"(?:@prefix|PREFIX)\s+xsd:\s*$", re.IGNORECASE)


def _suspect_text(data: bytes) -> bool:
    """True when the text may hold an upper-case language tag or an explicit xsd:string
    (including under another prefix bound to the XSD namespace)."""
    if any(p.search(data) for p in _TEXT_SUSPECTS):
        return True
    at = data.find(_XSD_NAMESPACE)
    while at >= 0:
        line_start = data.rfind(b"\n", 0, at) + 1
        if not _XSD_DECLARATION.search(data[line_start:at]):
            return True  # XSD under another name, or as a full IRI somewhere
        at = data.find(_XSD_NAMESPACE, at + 1)
    return False


# Every bare number (a numeric literal written without quotes) and every typed literal's
# datatype, for the quick check below. Separators are first turned into spaces so that the
# number pattern starts with a literal character (several times faster).
_SEPARATORS = bytes.maketrans(b"\t\r\n,(>", b"      ")
_BARE_NUMBER = re.compile(rb" [+-]?[0-9][0-9.eE+-]*")
_BARE_INTEGER = re.compile(r"(?:0|-?[1-9][0-9]*)")
_TYPED = re.compile(rb"\^\^")
_DATATYPE_AFTER = re.compile(
    rb"\s*(?:xsd:([A-Za-z]+)|<http://www\.w3\.org/2001/XMLSchema#([A-Za-z]+)>)"
)
_OTHER_PREFIX = re.compile(rb"\s*[A-Za-z0-9_.-]*:")
_CHUNK = 1 << 22


def _bare_numbers(data: bytes) -> Iterator[bytes]:
    """Every bare number token, reading ``data`` in newline-aligned chunks."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + _CHUNK)
        end = len(data) if end < 0 else end + 1
        yield from _BARE_NUMBER.findall(data[start:end].translate(_SEPARATORS))
        start = end


def _quickly_exact(data: bytes) -> bool:
    """True when the text surely holds no literal Oxigraph would rewrite: every bare number
    is a canonical integer and every typed XSD literal a canonical form. False means "not
    sure" (the full check then parses the file)."""
    for token in _bare_numbers(data):
        if not _BARE_INTEGER.fullmatch(token[1:].decode("ascii", "replace")):
            return False
    for match in _TYPED.finditer(data):
        at = match.start()
        if data[at - 1 : at] != b'"' or data[at - 2 : at - 1] in (b'"', b"\\"):
            return False
        opening = data.rfind(b'"', 0, at - 1)
        lexical = data[opening + 1 : at - 1]
        if opening < 0 or b"\\" in lexical or b"\n" in lexical or len(lexical) > 64:
            return False
        found = _DATATYPE_AFTER.match(data, at + 2)
        if found is None:
            if data[at + 2 : at + 3] == b"<" or _OTHER_PREFIX.match(data, at + 2):
                continue  # another vocabulary's datatype: Oxigraph keeps it as written
            return False
        local = (found.group(1) or found.group(2)).decode("ascii")
        if not literal_kept(lexical.decode("utf-8", "replace"), XSD + local):
            return False
    return True


def _parsed_exact(data: bytes, format: str, base: str) -> bool:
    """Parse ``data`` and tell whether Oxigraph keeps every literal unchanged (False for a
    file it cannot parse: the reference reader then reports the error)."""
    import pyoxigraph as ox

    literal = ox.Literal
    try:
        for quad in ox.parse(data, getattr(ox.RdfFormat, OXIGRAPH_FORMATS[format]), base_iri=base):
            o = quad.object
            if type(o) is literal and not o.language:
                datatype = o.datatype.value
                if datatype != XSD_STRING and not literal_kept(o.value, datatype):
                    return False
    except Exception:
        return False
    return True


def engine_keeps(quads: Iterable[Quad]) -> bool:
    """True when Oxigraph can hold every term of ``quads`` and keeps every literal exactly
    (literals not surely kept are tried in a scratch store)."""
    import pyoxigraph as ox
    from rdflib import Literal

    unsure: list[Literal] = []
    for quad in quads:
        for term in quad:
            if term is None:
                continue
            try:
                to_oxigraph(term)
            except (ValueError, TypeError):
                return False
            if isinstance(term, Literal) and (
                (term.language and term.language != term.language.lower())
                or (term.datatype is not None and not literal_kept(str(term), str(term.datatype)))
            ):
                unsure.append(term)
    if not unsure:
        return True
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:x-policygraph:value")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:x-policygraph:{i}"), predicate, to_oxigraph(lit))
        for i, lit in enumerate(unsure)
    )
    for quad in scratch:
        i = int(quad.subject.value.rsplit(":", 1)[1])
        back, lit = to_rdflib(quad.object), unsure[i]
        if not (
            back == lit
            and str(back) == str(lit)
            and getattr(back, "datatype", None) == lit.datatype
            and getattr(back, "language", None) == lit.language
        ):
            return False
    return True


def _caller_level() -> int:
    """The stack level of the first frame outside policygraph (where a warning belongs)."""
    import sys

    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("policygraph"):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    return level


class ExactStore:
    """The default store: Oxigraph while it keeps every literal exactly, the reference store
    from the first file that it would not (see the module's docs)."""

    name = "oxigraph"

    def __init__(self, engine: OxigraphStore | None = None) -> None:
        self.engine = engine if engine is not None else OxigraphStore()
        self.reference: MemoryStore | None = None

    @property
    def active(self) -> Store:
        """The store that holds the graph now: the engine, or the reference."""
        return self.reference if self.reference is not None else self.engine

    def _move_to_reference(self, why: str) -> MemoryStore:
        if self.reference is None:
            reference = MemoryStore()
            reference.add_quads(self.engine.quads())
            self.reference = reference
            self.engine.close()  # its standing child, if any
            self.engine = OxigraphStore()  # let the engine's copy go
            warnings.warn(
                f"the graph runs on the rdflib reference store: {why}",
                PerformanceWarning,
                stacklevel=_caller_level(),
            )
        return self.reference

    # ------------------------------------------------------------------ writing
    def add_file(self, path: Path, format: str, base: str) -> None:
        if self.reference is not None:
            self.reference.add_file(path, format, base)
            return
        if format in OXIGRAPH_FORMATS:
            from ..loading import read_bytes

            data = read_bytes(path)
            if not _suspect_text(data):
                if _quickly_exact(data):
                    del data  # Oxigraph reads the file itself; the text is not held twice
                    self.engine.add_file(path, format, base)
                    return
                if _parsed_exact(data, format, base):
                    self.engine.add_bytes(data, path, format, base)
                    return
            del data
        staging = MemoryStore()
        staging.add_file(path, format, base)  # the reference's ParseError, if any
        quads = list(staging.quads())
        if engine_keeps(quads):
            self.engine.add_quads(quads)
        else:
            self._move_to_reference(
                f"{path.name} holds a literal Oxigraph would rewrite "
                '(e.g. "01"^^xsd:integer, an upper-case language tag) or a term it cannot hold'
            ).add_quads(quads)

    def add_quads(self, quads: Iterable[Quad]) -> None:
        batch = list(quads)
        if self.reference is None and engine_keeps(batch):
            try:
                self.engine.add_quads(batch)
                return
            except StoreError:
                pass
        self._move_to_reference(
            "quads with a literal Oxigraph would rewrite or a term it cannot hold"
        ).add_quads(batch)

    # ------------------------------------------------------------------ reading
    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
        graph: Node | None | AnyGraph = ANY,
    ) -> Iterator[Quad]:
        return self.active.quads(subject, predicate, object, graph)

    def triples(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        object: Node | None = None,
    ) -> Iterator[Triple]:
        return self.active.triples(subject, predicate, object)

    def outgoing(
        self, subjects: Iterable[Node], predicates: Collection[Node] | None = None
    ) -> Iterator[Triple]:
        return self.active.outgoing(subjects, predicates)

    def graph_names(self) -> list[Node]:
        return self.active.graph_names()

    def __len__(self) -> int:
        return len(self.active)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        return self.active.query(sparql, bindings, timeout=timeout)

    def dump(self, graph: Node | None = None) -> bytes:
        return self.active.dump(graph)

    def close(self) -> None:
        self.active.close()
