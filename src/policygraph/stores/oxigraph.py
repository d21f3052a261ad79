"""Stores behind ``PolicyGraph``: rdflib's in-memory dataset (the reference) and Oxigraph.

``pg.load(..., store="oxigraph")`` (or ``PolicyGraph(store="oxigraph")``) keeps the triples in a
``pyoxigraph.Store`` (the optional extra ``policygraph[fast]``): files are parsed in Rust, SPARQL
runs in Oxigraph, traces read an adjacency index built from the store, and Turtle is written
from the store's quads. ``PolicyGraph.graph`` still gives an rdflib ``Dataset``: it is built from
the store on first use (and the store is rebuilt from it if a caller changes it and calls
``invalidate()`` or the size changes).

Exact literals. Oxigraph stores some literals in a canonical form ("01"^^xsd:integer comes back
as "1", language tags in lower case), while policygraph promises that literals come back out
exactly as they went in. Every file is therefore checked while Oxigraph loads it (in a second
thread, so the check costs no wall time on two cores): when all its literals are ones Oxigraph
keeps unchanged, the fast path holds. A file with a literal Oxigraph would rewrite is read by
the reference (rdflib) parser instead, and each rewritten literal is kept, exactly, in a side
table keyed by the quad Oxigraph stores. Exports and ``graph`` put the exact literals back.
Queries, traces and validation on such a graph run on the reference rdflib path (with a
``PerformanceWarning``), because SPARQL functions such as ``STR()`` would otherwise see the
canonical forms; on graphs without such literals (the usual case) they run in Oxigraph.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import QueryError, QueryRefusedError
from ..graph import PolicyGraph, file_key

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.term import Node

    from ..query import QueryResult
    from ..trace import EvidenceTrace
    from ..validation import ValidationReport

__all__ = [
    "STORES",
    "default_store",
    "OxigraphPolicyGraph",
    "PerformanceWarning",
    "run_oxigraph_query",
    "store_class",
    "to_oxigraph",
    "to_rdflib",
]

STORES = ("rdflib", "oxigraph")

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class _Pattern:
    """A regular expression compiled on first use (keeps ``import`` and so the command line
    fast)."""

    def __init__(self, pattern: Any, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern[Any] | None = None

    @property
    def compiled(self) -> re.Pattern[Any]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)


# Lexical forms Oxigraph stores unchanged, per XSD datatype (conservative: anything else is
# checked against a scratch store).
_CANONICAL = {
    XSD + "string": None,  # never rewritten
    XSD + "integer": _Pattern(r"(?:0|-?[1-9][0-9]{0,17})"),
    XSD + "boolean": _Pattern(r"true|false"),
    XSD + "date": _Pattern(r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"),
    XSD + "gYear": _Pattern(r"[0-9]{4}"),
    XSD + "gYearMonth": _Pattern(r"[0-9]{4}-(?:0[1-9]|1[0-2])"),
    XSD + "anyURI": None,
}
# Things only the text shows (Oxigraph's parser already lowercases language tags and forgets
# whether a string was typed xsd:string): their files take the exact path. One pattern each,
# so that each starts with a literal and scans fast.
_TEXT_SUSPECTS = (
    _Pattern(rb'"@[A-Za-z0-9-]*[A-Z]'),
    _Pattern(rb"'@[A-Za-z0-9-]*[A-Z]"),
    _Pattern(rb"\^\^\s*(?:xsd:string|<http://www\.w3\.org/2001/XMLSchema#string>)"),
)
_XSD_NAMESPACE = b"<http://www.w3.org/2001/XMLSchema#>"
_XSD_DECLARATION = _Pattern(rb"(?:@prefix|PREFIX)\s+xsd:\s*$", re.IGNORECASE)


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


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; the reference reader's errors for anything it would refuse."""
    from ..loading import MAX_FILE_BYTES, read_text

    try:
        if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
            return path.read_bytes()
    except OSError:
        pass
    read_text(path)  # raises the ParseError naming the problem
    return path.read_bytes()


_SMALL_FILE = 1 << 20  # bytes; smaller files are checked before loading, not alongside
_OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG"}
_MAYBE_SERVICE = _Pattern(r"\b(?:SERVICE|FROM)\b", re.IGNORECASE)


class _Unrepresentable(Exception):
    """A term rdflib accepts and Oxigraph does not."""


def _merge_into(dataset: Dataset, staging: Dataset) -> None:
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from ..loading import default_graph

    for s, p, o, g in staging.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name is None or name == DATASET_DEFAULT_GRAPH_ID:
            default_graph(dataset).add((s, p, o))
        else:
            dataset.graph(name).add((s, p, o))


class NeedsReference(Exception):
    """Raised by a fast path that cannot answer exactly; the reference path then runs."""


# SPARQL tokens that may contain text looking like a variable (long and short strings, IRIs,
# comments), and variables.
_TOKENS = _Pattern(
    r"(?P<skip>'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|\#[^\n]*)"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)"
)


# Oxigraph's query parser and planner recurse once per operator: a query with ~10,000 steps in
# one path, join, UNION, OPTIONAL chain or expression overflows the native stack and kills the
# process (measured with pyoxigraph 0.5.13: 3,000 is fine, 10,000 crashes). Such queries go to the
# reference engine, which answers or fails with a QueryError.
_OPERATORS = _Pattern(
    r"&&|\|\||[/|^+*.;,!-]|\b(?:UNION|OPTIONAL|MINUS|FILTER|BIND|GRAPH)\b", re.IGNORECASE
)
MAX_OXIGRAPH_OPERATORS = 2000


def _operator_count(sparql: str) -> int:
    """Roughly how many operators ``sparql`` has, not counting strings, IRIs and comments."""
    bare = _TOKENS.sub(lambda m: " " if m.group("skip") else m.group(0), sparql)
    return sum(1 for _ in _OPERATORS.finditer(bare))


def substitute(sparql: str, values: dict[str, str]) -> str:
    """``sparql`` with each variable named in ``values`` replaced by its term (N-Triples
    syntax), outside strings, IRIs and comments."""

    def repl(m: re.Match[str]) -> str:
        var = m.group("var")
        if var is not None and var[1:] in values:
            return values[var[1:]]
        return m.group(0)

    result: str = _TOKENS.sub(repl, sparql)
    return result


class PerformanceWarning(UserWarning):
    """A fast path could not be used and the reference (rdflib) path ran instead."""


def default_store() -> str:
    """The store the command line uses: ``$POLICYGRAPH_STORE``, else "oxigraph" when
    pyoxigraph is installed (``policygraph[fast]``), else "rdflib"."""
    import os
    from importlib.util import find_spec

    chosen = os.environ.get("POLICYGRAPH_STORE")
    if chosen:
        return chosen
    return "oxigraph" if find_spec("pyoxigraph") is not None else "rdflib"


def store_class(store: str) -> type:
    """The PolicyGraph class for ``store`` ("rdflib" or "oxigraph")."""
    if store == "rdflib":
        return PolicyGraph
    if store == "oxigraph":
        try:
            import pyoxigraph  # noqa: F401
        except ImportError as exc:
            raise ValueError(
                "store='oxigraph' needs pyoxigraph: pip install 'policygraph[fast]'"
            ) from exc
        return OxigraphPolicyGraph
    raise ValueError(f"unknown store {store!r} (known: {', '.join(STORES)})")


# ----------------------------------------------------------------------------- terms


_CONVERTERS: dict[type, Any] = {}


def _converters() -> dict[type, Any]:
    """Oxigraph term type -> function making the rdflib term (imports done once)."""
    if not _CONVERTERS:
        import pyoxigraph as ox
        from rdflib import BNode, Literal, URIRef

        xsd_string = XSD + "string"

        def literal(term: Any) -> Node:
            if term.language:
                return Literal(term.value, lang=term.language)
            dt = term.datatype.value
            if dt == xsd_string:
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(dt), normalize=False)

        _CONVERTERS[ox.NamedNode] = lambda t: URIRef(t.value)
        _CONVERTERS[ox.BlankNode] = lambda t: BNode(t.value)
        _CONVERTERS[ox.Literal] = literal
    return _CONVERTERS


def to_rdflib(term: Any) -> Node:
    """An Oxigraph term as the rdflib term the reference parser would have made."""
    convert = (_CONVERTERS or _converters()).get(type(term))
    if convert is None:
        raise TypeError(f"cannot convert {term!r}")
    result: Node = convert(term)
    return result


def to_oxigraph(term: Node) -> Any:
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")


_BNODE_OK = _Pattern(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _bnode_id(label: str) -> str:
    if _BNODE_OK.fullmatch(label) and not label.endswith("."):
        return label
    import hashlib

    return "h" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:32]


def _identical(a: Any, b: Any) -> bool:
    """Same rdflib term, same lexical form, same datatype and language."""
    return bool(
        a == b
        and str(a) == str(b)
        and getattr(a, "datatype", None) == getattr(b, "datatype", None)
        and getattr(a, "language", None) == getattr(b, "language", None)
    )


def _literal_kept(value: str, datatype: str) -> bool:
    """True when Oxigraph surely stores this typed literal unchanged."""
    if not datatype.startswith(XSD):
        return True
    if datatype in _CANONICAL:
        pattern = _CANONICAL[datatype]
        return pattern is None or pattern.fullmatch(value) is not None
    return False


# ----------------------------------------------------------------------------- loading

# Every bare number (a numeric literal written without quotes) and every typed literal's
# datatype, for the quick check below. Separators are first turned into spaces so that the
# number pattern starts with a literal character (several times faster).
_SEPARATORS = bytes.maketrans(b"\t\r\n,(>", b"      ")
_BARE_NUMBER = _Pattern(rb" [+-]?[0-9][0-9.eE+-]*")
_TYPED = _Pattern(rb"\^\^")
_DATATYPE_AFTER = _Pattern(
    rb"\s*(?:xsd:([A-Za-z]+)|<http://www\.w3\.org/2001/XMLSchema#([A-Za-z]+)>)"
)
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
    integer = _CANONICAL[XSD + "integer"].compiled  # type: ignore[union-attr]
    for token in _bare_numbers(data):
        if not integer.fullmatch(token[1:].decode("ascii", "replace")):
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
            if data[at + 2 : at + 3] == b"<" or re.match(rb"\s*[A-Za-z0-9_.-]*:", data[at + 2 :]):
                continue  # another vocabulary's datatype: Oxigraph keeps it as written
            return False
        local = (found.group(1) or found.group(2)).decode("ascii")
        if not _literal_kept(lexical.decode("utf-8", "replace"), XSD + local):
            return False
    return True


def _scan_exact(data: bytes, fmt: Any, base: str, verdict: list[bool]) -> None:
    """Parse ``data`` once more and record whether Oxigraph keeps every literal unchanged."""
    import pyoxigraph as ox

    literal = ox.Literal
    kept = _literal_kept
    canonical = {k: (v.compiled if v is not None else None) for k, v in _CANONICAL.items()}
    try:
        for quad in ox.parse(data, fmt, base_iri=base):
            o = quad.object
            if type(o) is literal and not o.language:
                dt = o.datatype.value
                if dt in canonical:
                    pattern = canonical[dt]
                    if pattern is not None and pattern.fullmatch(o.value) is None:
                        verdict.append(False)
                        return
                elif not kept(o.value, dt):
                    verdict.append(False)
                    return
    except Exception:
        verdict.append(False)
        return
    verdict.append(True)


class OxigraphPolicyGraph(PolicyGraph):
    """A PolicyGraph whose triples live in a pyoxigraph Store (see the module docs)."""

    def __init__(self, dataset: Dataset | None = None, store: str = "oxigraph") -> None:
        import pyoxigraph as ox

        self._ox = ox.Store()
        # Oxigraph quad -> the exact rdflib literals it stands for.
        self._exact: dict[Any, list[Node]] = {}
        self._dataset: Dataset | None = None
        self._dataset_len = -1
        self._index: Any = None
        self._fast_index: Any = None
        self._warned = False
        self._files_read = set()
        # Detached: the graph holds a term Oxigraph refuses (an IRI rdflib accepts and
        # Oxigraph does not, say), so the rdflib dataset is the graph and every operation
        # takes the reference path.
        self._detached = False
        if dataset is not None:
            self.graph = dataset

    # -------------------------------------------------------------- the rdflib view
    @property  # type: ignore[override]
    def graph(self) -> Dataset:
        if self._detached and self._dataset is not None:
            return self._dataset
        if self._dataset is None:
            self._dataset = self._materialise()
            self._dataset_len = len(self._dataset)
        return self._dataset

    @graph.setter
    def graph(self, dataset: Dataset) -> None:
        self._ox.clear()
        self._exact = {}
        self._detached = False
        self._index = self._fast_index = None
        try:
            self._add_dataset(dataset)
        except _Unrepresentable as exc:
            self._ox.clear()
            self._exact = {}
            self._detach(dataset, str(exc))
            return
        self._dataset = dataset
        self._dataset_len = len(dataset)

    def _detach(self, dataset: Dataset, why: str) -> None:
        """Make ``dataset`` the graph, for good: every operation takes the reference path."""
        self._dataset = dataset
        self._dataset_len = len(dataset)
        self._detached = True
        self._index = self._fast_index = None
        self._fallback("everything", why)

    def _materialise(self) -> Dataset:
        from rdflib import Graph

        from ..loading import default_graph, new_dataset

        ds = new_dataset()
        default = default_graph(ds)
        graphs: dict[Any, Graph] = {}
        for s, p, o, g in self.quads():
            if g is None:
                default.add((s, p, o))
            else:
                target = graphs.get(g)
                if target is None:
                    target = graphs[g] = ds.graph(g)  # type: ignore[arg-type]
                target.add((s, p, o))
        return ds

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        """Every quad as rdflib terms, with exact literals (graph None: the default)."""
        import pyoxigraph as ox

        exact = self._exact
        conv = to_rdflib
        cache: dict[Any, Node] = {}
        for q in self._ox:
            s = cache.get(q.subject)
            if s is None:
                s = cache[q.subject] = conv(q.subject)
            p = cache.get(q.predicate)
            if p is None:
                p = cache[q.predicate] = conv(q.predicate)
            g = None if isinstance(q.graph_name, ox.DefaultGraph) else conv(q.graph_name)
            if exact and q in exact:
                for lit in exact[q]:
                    yield s, p, lit, g
                continue
            yield s, p, conv(q.object), g

    def _sync(self) -> None:
        """Rebuild the store when a caller changed ``graph`` directly."""
        if self._detached:
            return
        if self._dataset is not None and len(self._dataset) != self._dataset_len:
            self.graph = self._dataset

    @property
    def exact_mode(self) -> bool:
        """True when some literal is kept in the side table (queries then run on rdflib)."""
        self._sync()
        return self._detached or bool(self._exact)

    def _fallback(self, what: str, why: str | None = None) -> None:
        if not self._warned or why is not None:
            why = why or (
                "the graph holds literals that Oxigraph would rewrite "
                '(e.g. "01"^^xsd:integer, upper-case language tags)'
            )
            warnings.warn(
                f"{what} runs on the rdflib reference path: {why}",
                PerformanceWarning,
                stacklevel=3,
            )
            self._warned = True

    # -------------------------------------------------------------- loading
    def add_file(self, path: str | PathLike[str], *, base: str | None = None) -> None:
        self._sync()
        file = Path(path)
        key = file_key(file, base)
        if key is not None and key in self._files_read:
            return
        self._load_file(file, base)
        if key is not None:
            self._files_read.add(key)

    def _load_file(self, file: Path, base: str | None) -> None:
        import pyoxigraph as ox

        from ..loading import format_for, load_into, new_dataset

        if self._detached and self._dataset is not None:
            load_into(self._dataset, file, base=base)
            self._dataset_len = len(self._dataset)
            self._index = None
            return
        fmt = format_for(file)
        ox_format = _OX_FORMATS.get(fmt)
        data = _read_bytes(file)  # bytes: the text is never held twice (Oxigraph checks UTF-8)
        # Once the side table is in use, every later file goes through it too, so that a
        # literal written both ways ("1" and "01") keeps both.
        fast = ox_format is not None and not self._exact and not _suspect_text(data)
        rdf_format = getattr(ox.RdfFormat, ox_format or "TURTLE")
        base = base or file.resolve().as_uri()
        if fast and _quickly_exact(data):
            # No literal to check: Oxigraph reads the file itself, straight into the store
            # (the bytes are let go first, so that the text is not held twice).
            del data
            fast = self._load_path(file, rdf_format, base)
        elif fast:
            fast = self._load_fast(file, data, rdf_format, base)
            del data
        else:
            del data
        if not fast:
            staging = new_dataset()
            load_into(staging, file, base=base)
            try:
                self._add_dataset(staging)
            except _Unrepresentable as exc:
                merged = self.graph
                _merge_into(merged, staging)
                self._detach(merged, str(exc))
                return
        self._changed()

    def _load_path(self, file: Path, rdf_format: Any, base: str) -> bool:
        """Load the file with Oxigraph; False when rdflib reads what Oxigraph does not."""
        from ..loading import load_into, new_dataset

        try:
            self._ox.load(path=str(file), format=rdf_format, base_iri=base)
        except Exception:  # loads are transactional: nothing was added
            load_into(new_dataset(), file, base=base)  # the reference's ParseError, if any
            return False
        return True

    def _load_fast(self, file: Path, data: bytes, rdf_format: Any, base: str) -> bool:
        """Load ``data`` with Oxigraph if every literal in it survives unchanged; False when
        the file must go through the exact (rdflib) path instead."""
        import pyoxigraph as ox

        from ..loading import load_into, new_dataset

        verdict: list[bool] = []
        if len(data) < _SMALL_FILE:
            # Small file: check first, then load straight into the store.
            _scan_exact(data, rdf_format, base, verdict)
            if verdict != [True]:
                return False
            try:
                self._ox.load(data, rdf_format, base_iri=base)
            except Exception:
                load_into(new_dataset(), file, base=base)  # the reference's ParseError, if any
                return False
            return True
        # Large file: check in a second thread while Oxigraph loads into a scratch store.
        scratch = ox.Store()
        checker = threading.Thread(target=_scan_exact, args=(data, rdf_format, base, verdict))
        checker.start()
        try:
            scratch.load(data, rdf_format, base_iri=base)
        except Exception:
            checker.join()
            # The reference loader names the file, line and column; if rdflib accepts what
            # Oxigraph does not, the caller reads the file through rdflib.
            load_into(new_dataset(), file, base=base)
            return False
        checker.join()
        if verdict != [True]:
            return False
        # Merge the smaller store into the larger one (Python iterates the smaller).
        if len(self._ox) > len(scratch):
            self._ox.extend(scratch)
        else:
            scratch.extend(self._ox)
            self._ox = scratch
        return True

    def _changed(self) -> None:
        self._dataset = None
        self._dataset_len = -1
        self._index = self._fast_index = None

    def _add_dataset(self, dataset: Dataset) -> None:
        """Add rdflib quads, keeping literals Oxigraph would rewrite in the side table."""
        import pyoxigraph as ox
        from rdflib import Graph, Literal
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        quads = []
        typed: list[tuple[Any, Node]] = []
        plain: list[tuple[Any, Node]] = []
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            try:
                graph = (
                    ox.DefaultGraph()
                    if name is None or name == DATASET_DEFAULT_GRAPH_ID
                    else to_oxigraph(name)
                )
                quad = ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)
            except (ValueError, TypeError) as exc:
                raise _Unrepresentable(
                    f"Oxigraph cannot hold a term of this graph ({exc})"
                ) from exc
            quads.append(quad)
            if isinstance(o, Literal):
                if o.language or o.datatype is not None:
                    typed.append((quad, o))
                else:
                    plain.append((quad, o))
        if plain and (typed or self._exact):
            # "x" and "x"^^xsd:string are one quad in Oxigraph and two literals in rdflib:
            # where a plain literal's quad also stands for an explicit xsd:string (here or
            # already in the side table), the side table keeps the plain one too.
            string = {q for q, o in typed if str(getattr(o, "datatype", "")) == XSD + "string"}
            typed += [(q, o) for q, o in plain if q in string or q in self._exact]
        if typed:
            self._record_exact(typed)
        self._ox.extend(quads)

    def _record_exact(self, typed: list[tuple[Any, Node]]) -> None:
        """Find what Oxigraph stores for each typed or tagged literal (through a scratch
        store); where that differs from the literal, keep the exact one in the side table."""
        import pyoxigraph as ox

        scratch = ox.Store()
        pred = ox.NamedNode("urn:x-policygraph:value")
        scratch.extend(
            ox.Quad(ox.NamedNode(f"urn:x-policygraph:{i}"), pred, quad.object)
            for i, (quad, _) in enumerate(typed)
        )
        stored = {
            int(str(q.subject)[1:-1].rsplit(":", 1)[1]): q.object
            for q in scratch.quads_for_pattern(None, pred, None)
        }
        groups: dict[Any, list[Node]] = {}
        for i, (quad, exact) in enumerate(typed):
            key = ox.Quad(quad.subject, quad.predicate, stored[i], quad.graph_name)
            group = groups.setdefault(key, [])
            if exact not in group or not any(_identical(e, exact) for e in group):
                group.append(exact)
        for key, exacts in groups.items():
            known = self._exact.get(key)
            if known is None:
                if len(exacts) == 1 and _identical(to_rdflib(key.object), exacts[0]):
                    continue  # stored unchanged
                known = self._exact[key] = []
                if key in self._ox:  # already loaded exactly as Oxigraph stores it
                    known.append(to_rdflib(key.object))
            for e in exacts:
                # rdflib's term equality, as the reference dataset's: "x"@EN after "x"@en is
                # the same literal there (the first spelling stays), and must not count twice.
                if e not in known:
                    known.append(e)

    # -------------------------------------------------------------- size and views
    def __len__(self) -> int:
        if self._detached and self._dataset is not None:
            return len(self._dataset)
        if self._dataset is not None:
            self._sync()
            return len(self._dataset)
        extra = sum(len(v) - 1 for v in self._exact.values())
        if any(True for _ in self._ox.named_graphs()):
            return len(self.graph)
        return len(self._ox) + extra

    def invalidate(self) -> None:
        """Drop cached indexes; after changing ``graph`` directly, rebuild the store."""
        if self._dataset is not None and not self._detached:
            self.graph = self._dataset
        self._index = self._fast_index = None

    # -------------------------------------------------------------- query
    def query(self, sparql: str, *, allow_service: bool = False, **bindings: Any) -> QueryResult:
        if not self.exact_mode:
            try:
                return run_oxigraph_query(self._ox, sparql, bindings, allow_service=allow_service)
            except NeedsReference as exc:
                self._fallback("query", str(exc))
        else:
            self._fallback("query")
        return super().query(sparql, allow_service=allow_service, **bindings)

    @property
    def oxigraph(self) -> Any:
        """The underlying ``pyoxigraph.Store`` (read it; change the graph through the API)."""
        return self._ox

    # -------------------------------------------------------------- traces
    def _evidence(self) -> Any:
        if self.exact_mode:
            self._fallback("trace")
            return super()._evidence()
        if self._fast_index is None:
            from ..fasttrace import OxigraphEvidenceIndex

            self._fast_index = OxigraphEvidenceIndex(self._ox)
        return self._fast_index

    def recommendations(self) -> list[str]:
        from ..namespaces import PG

        return self._instances(PG + "Recommendation")

    def claims(self) -> list[str]:
        from ..namespaces import PG

        return self._instances(PG + "Claim")

    def _instances(self, cls: str) -> list[str]:
        index = self._evidence()
        if hasattr(index, "instances"):
            return list(index.instances(cls))
        return [str(r) for r in self.view.instances(cls)]

    def _subjects(self) -> set[str]:
        import pyoxigraph as ox

        if self.exact_mode:
            return super()._subjects()
        rows: Any = self._ox.query(
            "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }",
            use_default_graph_as_union=True,
        )
        return {row[0].value for row in rows if isinstance(row[0], ox.NamedNode)}

    def trace(self, rec: str) -> EvidenceTrace:
        index = self._evidence()
        if hasattr(index, "is_claim") and index.is_claim(rec):
            return index.trace(rec)  # type: ignore[no-any-return]
        return super().trace(rec)

    def trace_all(self) -> list[EvidenceTrace]:
        index = self._evidence()
        if hasattr(index, "prefetch"):
            index.prefetch()
        return [index.trace(r) for r in self.recommendations()]

    def stats(self) -> dict[str, Any]:
        index = self._evidence()
        if not hasattr(index, "stats"):
            return super().stats()
        return index.stats(len(self))  # type: ignore[no-any-return]

    # -------------------------------------------------------------- validation
    def validate(self, shapes: str | PathLike[str] | None = None) -> ValidationReport:
        if not self.exact_mode:
            from ..fastshacl import validate_store

            report = validate_store(self, Path(shapes) if shapes else None)
            if report is not None:
                return report
            self._fallback("validate", "the shapes need the full pySHACL run")
        else:
            self._fallback("validate")
        return super().validate(shapes)

    # -------------------------------------------------------------- export
    def serialize(self, format: str = "turtle") -> str:
        from ..export import format_for_export

        name = format_for_export(format, None)
        return self._serialize(name)

    def _serialize(self, name: str) -> str:
        from ..serialize import serialize

        if name in ("turtle", "nt") and not self.exact_mode:
            from ..fastserialize import serialize_store

            text = serialize_store(self._ox, name)
            if text is not None:
                return text
        return serialize(self.graph, name)

    def export(
        self, path: str | PathLike[str] | None = None, format: str | None = None
    ) -> str | None:
        from ..errors import ExportError
        from ..export import atomic_write, format_for_export

        target = Path(path) if path is not None else None
        name = format_for_export(format if format or target is None else None, target)
        try:
            text = self._serialize(name)
            data = text.encode("utf-8")
        except (UnicodeEncodeError, TypeError, ValueError) as exc:
            raise ExportError(f"cannot serialise the graph as {name}: {exc}") from exc
        if target is None:
            return text
        atomic_write(target, data)
        return None


# ----------------------------------------------------------------------------- query


def _ox_bindings(bindings: Any) -> dict[Any, Any]:
    import pyoxigraph as ox

    from ..query import to_term

    return {ox.Variable(k): to_oxigraph(to_term(v)) for k, v in (bindings or {}).items()}


def run_oxigraph_query(
    store: Any,
    sparql: str,
    bindings: Any = None,
    *,
    allow_service: bool = False,
) -> QueryResult:
    """Run a read-only query in Oxigraph with the project's prefixes; the same checks and
    the same ``QueryResult`` as the rdflib path."""
    import pyoxigraph as ox

    from ..namespaces import PREFIXES
    from ..query import MAX_NESTING, QueryResult, _nesting, parse_query

    if _nesting(sparql) > MAX_NESTING:
        raise QueryError(f"query nests more than {MAX_NESTING} levels deep")
    if _operator_count(sparql) > MAX_OXIGRAPH_OPERATORS:
        raise NeedsReference(f"a query with more than {MAX_OXIGRAPH_OPERATORS} operators")
    if _MAYBE_SERVICE.search(sparql):
        parse_query(sparql, allow_service=allow_service)  # the reference decides
        if allow_service:
            raise QueryRefusedError(
                "SERVICE and FROM are only run by the rdflib store; load with store='rdflib'"
            )
    subs = _ox_bindings(bindings)
    text = sparql
    try:
        try:
            result = store.query(
                text,
                prefixes=dict(PREFIXES),
                use_default_graph_as_union=True,
                substitutions=subs or None,
            )
        except RuntimeError as exc:
            if not subs or "does not contain" not in str(exc):
                raise
            # A bound variable that is not projected: put its value in its place (as an
            # N-Triples term, never as query text from the caller).
            if any(isinstance(v, ox.BlankNode) for v in subs.values()):
                raise NeedsReference("blank nodes bound to variables") from exc
            text = substitute(sparql, {k.value: str(v) for k, v in subs.items()})
            subs = {}
            result = store.query(text, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
    except SyntaxError:
        parse_query(sparql, allow_service=allow_service)  # raises the reference's error
        raise NeedsReference("a query Oxigraph does not parse") from None
    except NeedsReference:
        raise
    except Exception as exc:
        raise QueryError(f"query failed: {exc}") from exc
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", (), (), bool(result))
    conv = to_rdflib
    cache: dict[Any, Node] = {}

    def term(t: Any) -> Node | None:
        if t is None:
            return None
        found = cache.get(t)
        if found is None:
            found = cache[t] = conv(t)
        return found

    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        columns = tuple(names)
        rows = tuple(tuple(term(row[i]) for i in range(len(names))) for row in result)
        if subs:  # rdflib reports bound variables in every row
            bound = {k.value: conv(v) for k, v in subs.items()}
            rows = tuple(
                tuple(bound.get(n, t) if t is None else t for n, t in zip(names, row))
                for row in rows
            )
        return QueryResult("select", columns, rows)
    triples = tuple((term(t.subject), term(t.predicate), term(t.object)) for t in result)
    return QueryResult("graph", ("subject", "predicate", "object"), triples)
