"""Fuzzing the doors: broken files, hostile queries, tricky trace ids, a CLI pointed at the wrong
places. Whatever comes in, the library answers with one of its own errors (or succeeds); it never
raises anything else, never hangs, never recurses past Python's limit, and never changes the graph.

Generated cases per test: POLICYGRAPH_FUZZ_EXAMPLES (default 100; 2000 with ``--slow``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

import policygraph as pg
from policygraph.cli import cli
from policygraph.errors import (
    ParseError,
    PolicyGraphError,
    QueryError,
    QueryRefusedError,
    UnknownResourceError,
)

from .rdfcompare import same_dataset
from .stores import STORES

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small-claims.ttl"
EX = "https://example.org/test/"
PG = "https://w3id.org/policygraph/ontology#"

SLOW = os.environ.get("POLICYGRAPH_SLOW") == "1"
EXAMPLES = int(os.environ.get("POLICYGRAPH_FUZZ_EXAMPLES", 2000 if SLOW else 100))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not SLOW,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _seeds() -> dict[str, bytes]:
    """The fixture in every text format the loader reads, as the seeds that mutations start from."""
    g = pg.load(SMALL, bundled_data=False)
    return {
        ".ttl": SMALL.read_bytes(),
        ".nt": g.serialize("nt").encode("utf-8"),
        ".jsonld": g.serialize("json-ld").encode("utf-8"),
        ".trig": g.serialize("trig").encode("utf-8"),
    }


SEEDS = _seeds()


def _load_or_parse_error(path: Path, store: str) -> pg.PolicyGraph | None:
    """Load ``path`` alone; None when it is rejected, which must be a ParseError naming it."""
    g = pg.PolicyGraph(store=store)
    try:
        g.add_file(path)
    except ParseError as exc:
        assert exc.path == str(path)
        assert str(exc).startswith(str(path))
        assert exc.line is None or exc.line >= 1
        assert exc.column is None or exc.column >= 1
        assert "\n" not in exc.reason.strip() or len(exc.reason) < 2000
        return None
    return g


# ----------------------------------------------------------------------------- the loader


@st.composite
def mutations(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` truncated, or with bytes flipped, inserted or deleted, or with pieces swapped."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "splice"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            syntax = draw(st.sampled_from([b"<", b">", b'"', b".", b";", b",", b"{", b"}", b"@"]))
            data[at:at] = draw(st.one_of(st.just(syntax), st.binary(min_size=1, max_size=8)))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            other = draw(st.integers(0, len(data) - 1))
            data[at:at] = data[other : other + draw(st.integers(1, 60))]
    return bytes(data)


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_mutated_files_load_or_raise_parse_error(tmp_path: Path, suffix: str, store: str) -> None:
    path = tmp_path / f"mutated{suffix}"
    outcomes = {"loaded": 0, "rejected": 0}

    @FUZZ
    @given(data=mutations(SEEDS[suffix]))
    def check(data: bytes) -> None:
        path.write_bytes(data)
        g = _load_or_parse_error(path, store)
        outcomes["rejected" if g is None else "loaded"] += 1
        if g is not None:  # what loads is usable
            len(g)
            g.serialize("nquads")

    check()
    assert outcomes["rejected"] > 0  # the mutations really do break files


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld", ".trig", ".nq", ".rdf"])
@FUZZ
@given(data=st.binary(min_size=1, max_size=400))
def test_random_bytes_load_or_raise_parse_error(
    tmp_path: Path, suffix: str, store: str, data: bytes
) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    _load_or_parse_error(path, store)


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    ("name", "content", "line", "column"),
    [
        ("empty-bytes.ttl", b"", None, None),
        ("truncated.ttl", SMALL.read_bytes()[:1500], None, None),
        ("binary.ttl", bytes(range(256)) * 8, 2, 118),
        ("gzip.nt", b"\x1f\x8b\x08\x00" + bytes(64), 1, 2),
        ("nul.ttl", b"<urn:a> <urn:b> <urn:c> .\n\x00\x00\x00", 2, 1),
        (
            "latin1.ttl",
            '@prefix ex: <urn:x#> .\nex:a ex:b "fastlegeordningen, sykepleiere på\n'
            'legekontoret" .\n'.replace("\n", " ", 2).encode("latin-1"),
            1,
            None,
        ),
        ("latin1.jsonld", '{"@id": "urn:a", "urn:b": "Kåre"}'.encode("latin-1"), 1, 29),
        ("utf16.ttl", "<urn:a> <urn:b> <urn:c> .".encode("utf-16"), 1, 1),
        ("cp1252.nt", '<urn:a> <urn:b> "\u201ctall\u201d" .\n'.encode("cp1252"), 1, 18),
    ],
)
def test_wrongly_encoded_and_binary_files(
    tmp_path: Path, store: str, name: str, content: bytes, line: int | None, column: int | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    g = _load_or_parse_error(path, store)
    if name == "empty-bytes.ttl":  # an empty file is a valid, empty Turtle document
        assert g is not None and len(g) == 0
        return
    assert g is None, f"{name} was accepted"
    with pytest.raises(ParseError) as info:
        pg.PolicyGraph(store=store).add_file(path)
    if line is not None:
        assert info.value.line == line
    if column is not None:
        assert info.value.column == column
    if "latin1" in name or "cp1252" in name or "utf16" in name or "binary" in name:
        assert "not UTF-8" in str(info.value)


def test_latin1_error_points_at_the_norwegian_letter(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes('<urn:a> <urn:b> "ok" .\n<urn:a> <urn:c> "Bodø" .\n'.encode("latin-1"))
    with pytest.raises(ParseError) as info:
        pg.load(path, bundled_data=False)
    assert (info.value.line, info.value.column) == (2, 21)
    assert "0xf8" in str(info.value)


LINE_BYTES = 10 * 1024 * 1024


@pytest.mark.parametrize("store", STORES)
def test_enormous_single_line_loads(tmp_path: Path, store: str) -> None:
    """A 10 MB literal on one line is data, not an attack: it loads whole, letter for letter."""
    text = ('Fastlegen er portvakt æøå \\" ' * (LINE_BYTES // 30))[:LINE_BYTES]
    path = tmp_path / "long.nt"
    path.write_text(f'<urn:a> <urn:b> "{text}" .\n', encoding="utf-8")
    g = pg.PolicyGraph(store=store)
    g.add_file(path)
    (value,) = [o for _, _, o in g.graph.triples((URIRef("urn:a"), URIRef("urn:b"), None))]
    assert len(value) == len(text.replace('\\"', '"'))


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".trig"])
def test_enormous_broken_line_is_a_parse_error(tmp_path: Path, store: str, suffix: str) -> None:
    """10 MB of one unterminated line: rejected in seconds with a position, not a hang."""
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b'<urn:a> <urn:b> "' + b"x" * LINE_BYTES + b"\n")
    with pytest.raises(ParseError) as info:
        pg.PolicyGraph(store=store).add_file(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep-bnodes.ttl", "<urn:a> <urn:b> " + "[ <urn:p> " * 20_000 + "]" * 20_000 + " ."),
        ("deep-lists.ttl", "<urn:a> <urn:b> " + "( " * 20_000 + ")" * 20_000 + " ."),
        ("deep.jsonld", '{"@id": "urn:a", "urn:b": ' + "[" * 20_000 + "]" * 20_000 + "}"),
        ("deep-graphs.trig", "<urn:g> { " * 5_000 + "}" * 5_000),
    ],
)
def test_very_deep_nesting_never_escapes_as_recursion_error(
    tmp_path: Path, store: str, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    limit = sys.getrecursionlimit()
    _load_or_parse_error(path, store)
    assert sys.getrecursionlimit() == limit


RDF_XML = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:ex="http://example.org/">{body}</rdf:RDF>\n'
)


def _rdf_xml(entities: str, body: str) -> str:
    return f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{entities}]>\n' + RDF_XML.format(body=body)


def _laughs(levels: int) -> str:
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _described(text: str) -> str:
    return (
        f'<rdf:Description rdf:about="http://example.org/a"><ex:p>{text}</ex:p></rdf:Description>'
    )


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("billion-laughs.rdf", _rdf_xml(_laughs(9), _described("&lol9;")), "expansion attack"),
        ("million-laughs.owl", _rdf_xml(_laughs(6), _described("&lol6;")), "expansion attack"),
        (
            "quadratic.rdf",
            _rdf_xml(f'<!ENTITY big "{"x" * 100_000}">\n', _described("&big;" * 30)),
            "expansion attack",
        ),
        (
            "external-file.rdf",
            _rdf_xml('<!ENTITY secret SYSTEM "file:///etc/hostname">\n', _described("&secret;")),
            "external entity 'secret'",
        ),
        (
            "external-url.rdf",
            _rdf_xml('<!ENTITY % remote SYSTEM "http://example.org/x.dtd">\n', ""),
            "external entity 'remote'",
        ),
        (
            "self.rdf",
            _rdf_xml('<!ENTITY a "&b;">\n<!ENTITY b "&a;">\n', _described("&a;")),
            "refers to itself",
        ),
    ],
)
def test_xml_entity_attacks_are_refused_before_parsing(
    tmp_path: Path, name: str, content: str, needle: str
) -> None:
    """Nested entities would expand to gigabytes (rdflib never returns), external ones would be
    silently left out: both are refused up front, in milliseconds."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError, match=needle) as info:
        pg.PolicyGraph().add_file(path)
    assert info.value.path == str(path)
    if "itself" not in needle:  # a loop has no one line to blame
        assert info.value.line is not None and info.value.line >= 3


def test_xml_namespace_entities_still_load(tmp_path: Path) -> None:
    """What OWL tools write: entities abbreviating namespaces, used many times in attributes."""
    entities = (
        "<!ENTITY ex \"http://example.org/\">\n<!ENTITY owl 'http://www.w3.org/2002/07/owl#'>\n"
    )
    body = "".join(
        f'<rdf:Description rdf:about="&ex;c{i}"><rdf:type rdf:resource="&owl;Class"/>'
        f"<ex:p>Tromsø &amp; Bodø {i}</ex:p></rdf:Description>"
        for i in range(5_000)
    )
    path = tmp_path / "ontology.owl"
    path.write_text(_rdf_xml(entities, body), encoding="utf-8")
    g = pg.PolicyGraph()
    g.add_file(path)
    assert len(g) == 10_000
    assert (
        URIRef("http://example.org/c7"),
        URIRef("http://example.org/p"),
        Literal("Tromsø & Bodø 7"),
    ) in g.graph


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    ("name", "content"),
    [
        (  # found by the --slow fuzzer: a prefix mapped to something that is not an IRI
            "bad-context.jsonld",
            '{"@context": {"rdf": "<www.w3.org/1999/02/22-rdf-syntax-ns#"},'
            ' "@id": "http://example.org/a", "rdf:type": {"@id": "http://example.org/C"}}',
        ),
        (
            "space.rdf",
            RDF_XML.format(body='<rdf:Description rdf:about="http://example.org/a b"/>').replace(
                "/>", "><ex:p>x</ex:p></rdf:Description>", 1
            ),
        ),
    ],
)
def test_iris_no_tool_could_write_back_are_refused(
    tmp_path: Path, store: str, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError, match="not an absolute IRI"):
        pg.PolicyGraph(store=store).add_file(path)


def test_a_graph_that_cannot_be_written_raises_export_error(tmp_path: Path) -> None:
    """Built by hand, not loaded (the loader refuses such IRIs): rdflib's blank-node
    canonicalisation cannot handle the IRI, and the export says so instead of crashing."""
    from rdflib import BNode, Dataset

    from policygraph.errors import ExportError

    ds = Dataset()
    ds.add((BNode(), URIRef("<www.w3.org/1999/02/22-rdf-syntax-ns#type"), Literal("x")))
    g = pg.PolicyGraph(ds)
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    for fmt in ("turtle", "nt", "nquads", "trig"):
        with pytest.raises(ExportError, match=f"cannot write {fmt}"):
            g.export(target, fmt)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "data.ttl"
    folder.mkdir()
    with pytest.raises(ParseError, match="is a directory"):
        pg.load(folder, bundled_data=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    """Reading a FIFO nobody writes to would block for ever."""
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    with pytest.raises(ParseError, match="not a regular file"):
        pg.load(fifo, bundled_data=False)


# ----------------------------------------------------------------------------- queries


@pytest.fixture(scope="module", params=STORES)
def small(request: pytest.FixtureRequest) -> pg.PolicyGraph:
    return pg.load(SMALL, bundled_data=False, store=request.param)


@pytest.fixture(scope="module")
def snapshot(small: pg.PolicyGraph) -> object:
    return pg.load(SMALL, bundled_data=False).graph


HOSTILE = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE DATA { <https://example.org/test/rec-train> a pg:Recommendation }",
    "DELETE WHERE { ?s ?p ?o }",
    "WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP ALL",
    "DROP GRAPH <urn:g>",
    "CREATE GRAPH <urn:g>",
    "ADD DEFAULT TO <urn:g>",
    "MOVE DEFAULT TO <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "SELECT * WHERE { ?s ?p ?o }\nINSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://example.org/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o { SELECT * WHERE { SERVICE <http://x/> { ?a ?b ?c } } } }",
    "ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DESCRIBE <urn:a> FROM <http://example.org/g>",
]


@pytest.mark.parametrize("sparql", HOSTILE)
def test_hostile_queries_are_refused_and_change_nothing(
    small: pg.PolicyGraph, snapshot: object, sparql: str
) -> None:
    with pytest.raises(QueryError):
        small.query(sparql)
    assert same_dataset(small.graph, snapshot)  # type: ignore[arg-type]


@pytest.mark.parametrize("sparql", [s for s in HOSTILE if "SERVICE" in s or "FROM" in s])
def test_network_queries_are_refused_as_such(small: pg.PolicyGraph, sparql: str) -> None:
    with pytest.raises(QueryRefusedError):
        small.query(sparql)


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { " * 10_000 + "}" * 10_000,
        "SELECT * WHERE { ?s ?p " + "(" * 10_000 + "?o" + ")" * 10_000 + " }",
        "SELECT * WHERE { FILTER(" + "!(" * 10_000 + "true" + ")" * 10_001 + " }",
        "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 5_000 + "}" * 5_001,
    ],
    ids=["groups", "parentheses", "negations", "optionals"],
)
def test_very_deep_queries_error_cleanly(small: pg.PolicyGraph, sparql: str) -> None:
    with pytest.raises(QueryError, match="nests more than"):
        small.query(sparql)


# 10,000 steps crash Oxigraph unguarded. rdflib's parser needs ~10 s for 10,000 operators in an
# expression or UNION chain, so those run at 3,000 unless --slow.
LONG = 10_000
SLOWER = LONG if SLOW else 3_000
LONG_QUERIES = {
    "path": "SELECT * WHERE { ?s pg:supportedBy" + "/pg:supportedBy" * LONG + " ?o }",
    "triples": "ASK { " + " ".join(f"?s pg:statement ?o{i} ." for i in range(LONG)) + " }",
    "and": "ASK { ?s ?p ?o FILTER(true" + " && true" * SLOWER + ") }",
    "plus": "ASK { ?s ?p ?o FILTER(1" + " + 1" * SLOWER + " > 0) }",
    "union": "SELECT * WHERE { { ?s pg:justifiedBy ?o }"
    + " UNION { ?s a <urn:x> }" * SLOWER
    + " }",
}


@pytest.mark.parametrize("kind", sorted(LONG_QUERIES))
def test_very_long_flat_queries_answer_or_error_cleanly(small: pg.PolicyGraph, kind: str) -> None:
    """Long is not deep: 10,000 steps in one path, expression, UNION or group must neither crash
    the process (Oxigraph's parser overflows its native stack on these) nor escape as anything
    but a QueryError."""
    try:
        result = small.query(LONG_QUERIES[kind])
    except QueryError:
        return
    expected = {"path": 0, "union": 2}
    if kind in expected:
        assert len(result) == expected[kind]
    else:
        assert result.boolean is True


SPARQL_WORDS = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "WHERE",
        "FILTER",
        "OPTIONAL",
        "UNION",
        "MINUS",
        "GRAPH",
        "SERVICE",
        "BIND",
        "VALUES",
        "INSERT",
        "DELETE",
        "DATA",
        "LOAD",
        "CLEAR",
        "DROP",
        "CREATE",
        "ADD",
        "MOVE",
        "COPY",
        "FROM",
        "NAMED",
        "PREFIX",
        "BASE",
        "LIMIT",
        "ORDER",
        "BY",
        "GROUP",
        "HAVING",
        "*",
        "?s",
        "?p",
        "?o",
        "{",
        "}",
        "(",
        ")",
        ".",
        ";",
        ",",
        "a",
        "pg:Claim",
        "<urn:a>",
        "'x'",
        '"y"@nb',
        "1",
        "1.0",
        "true",
        "^^xsd:integer",
        "/",
        "|",
        "^",
        "+",
        "?",
        "!",
        "=",
        "!=",
        "&&",
        "||",
        "#",
        "\n",
    ]
)


@FUZZ
@given(words=st.lists(SPARQL_WORDS, max_size=30), noise=st.text(max_size=20))
def test_random_sparql_succeeds_or_errors_cleanly(
    small: pg.PolicyGraph, snapshot: object, words: list[str], noise: str
) -> None:
    sparql = " ".join(words) + noise
    try:
        result = small.query(sparql)
    except QueryError:
        pass
    else:
        result.to_json()
        result.to_csv()
        result.to_text()
    assert len(small.graph) == len(snapshot)  # type: ignore[arg-type]


PAYLOADS = [
    '"} ; DROP ALL ; SELECT * WHERE { ?s ?p ?o',
    "> } INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
    '" . ?s ?p ?o } #',
    "?s ?p ?o",
    "https://example.org/test/rec-train> . ?c ?p ?o . <x",
    "'''\"\"\"\\u0022\\\\ SERVICE <http://evil/> { } #",
    "\n}\nSELECT * WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_bindings_never_change_the_query(
    small: pg.PolicyGraph, snapshot: object, payload: str
) -> None:
    sparql = "SELECT ?c WHERE { ?c pg:statement ?text }"
    assert len(small.query(sparql)) == 8  # four claims, two languages each
    for value in (payload, Literal(payload, lang="nb")):
        assert len(small.query(sparql, text=value)) == 0
    with pytest.raises(QueryError, match="not an absolute IRI"):  # refused, on every store
        small.query(sparql, c=URIRef(payload))
    asked = small.query("ASK { ?c a pg:Recommendation }", c=payload)
    assert asked.boolean is False  # a string is not a claim: no widening to "any ?c"
    assert same_dataset(small.graph, snapshot)  # type: ignore[arg-type]


@FUZZ
@given(payload=st.text(max_size=60))
def test_random_bindings_match_only_themselves(small: pg.PolicyGraph, payload: str) -> None:
    rows = small.query("SELECT ?c WHERE { ?c pg:statement ?text }", text=payload)
    assert len(rows) == 0  # no statement is a plain literal: any string matches nothing


def test_bound_values_are_exact_terms(small: pg.PolicyGraph) -> None:
    sparql = "SELECT ?c WHERE { ?c pg:statement ?text }"
    assert len(small.query(sparql, text=Literal("Opplæringen bør styrkes.", lang="nb"))) == 1


# ----------------------------------------------------------------------------- trace


def test_trace_unknown_ids_raise_with_suggestions(small: pg.PolicyGraph) -> None:
    for ref in ("rec-trian", "ex:rec-trian", EX + "rec-trai"):
        with pytest.raises(UnknownResourceError) as info:
            small.trace(ref)
        assert any("rec-train" in s for s in info.value.suggestions), ref
    for ref in ("", " ", "?c", "<>", "x" * 10_000, "} DROP ALL {", "\x00"):
        with pytest.raises(UnknownResourceError):
            small.trace(ref)


def test_trace_of_something_that_is_not_a_claim(small: pg.PolicyGraph) -> None:
    with pytest.raises(UnknownResourceError):
        small.trace("council")


@pytest.mark.parametrize("store", STORES)
def test_ambiguous_slug_lists_every_match(tmp_path: Path, store: str) -> None:
    twin = tmp_path / "twin.ttl"
    twin.write_text(
        f"@prefix pg: <{PG}> .\n<https://example.org/other/rec-train> a pg:Recommendation .\n",
        encoding="utf-8",
    )
    g = pg.load(SMALL, twin, bundled_data=False, store=store)
    with pytest.raises(UnknownResourceError, match="matches 2 resources") as info:
        g.trace("rec-train")
    assert len(info.value.suggestions) == 2
    assert g.trace(EX + "rec-train").recommendation == EX + "rec-train"  # the full IRI still works


def _chain(path: Path, length: int, cycle: bool) -> None:
    """A recommendation resting on a chain of ``length`` findings, optionally closed into a loop."""
    lines = [f"@prefix pg: <{PG}> .", "@prefix ex: <https://example.org/chain/> .", ""]
    lines.append("ex:rec a pg:Recommendation ; pg:justifiedBy ex:c0 .")
    for i in range(length):
        target = i + 1 if i + 1 < length else (0 if cycle else None)
        link = f" ; pg:supportedBy ex:c{target}" if target is not None else ""
        lines.append(f"ex:c{i} a pg:Finding{link} .")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("cycle", [False, True], ids=["chain", "cycle"])
def test_ten_thousand_links_terminate(tmp_path: Path, store: str, cycle: bool) -> None:
    path = tmp_path / "chain.ttl"
    _chain(path, 10_000, cycle)
    g = pg.load(path, bundled_data=False, store=store)
    limit = sys.getrecursionlimit()
    trace = g.trace("https://example.org/chain/rec")
    assert sys.getrecursionlimit() == limit
    assert len(trace.edges) == 10_000 + (1 if cycle else 0)
    assert len(trace.nodes) >= 10_000
    if cycle:
        assert len(trace.cycles) == 1 and len(trace.cycles[0]) == 10_000
    else:
        assert trace.cycles == ()
    # every claim in the chain is unsourced, and the trace says so
    assert len(trace.unsupported) >= 10_000
    assert {gap.kind for gap in g.gaps()} >= {"no-source"}
    assert len(g.to_networkx()) >= 10_001


# ----------------------------------------------------------------------------- command line


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _assert_one_clean_line(code: int, err: str, needle: str) -> None:
    assert code == 2, err
    assert err.startswith("policygraph: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert needle in err, err


COMMANDS: list[list[str]] = [
    ["validate"],
    ["query", "ASK { ?s ?p ?o }"],
    ["trace", "--all"],
    ["gaps"],
    ["anchors"],
    ["export"],
    ["stats"],
    ["show", "rec-train"],
]


@pytest.fixture()
def places(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    latin = tmp_path / "latin1.ttl"
    latin.write_bytes('<urn:a> <urn:b> "Tromsø" .\n'.encode("latin-1"))
    empty = tmp_path / "empty.nt"
    empty.write_bytes(b"")
    return {
        "missing": tmp_path / "missing.ttl",
        "directory": folder,
        "not-utf8": latin,
        "empty": empty,
    }


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("place", "needle"),
    [("missing", "no such file"), ("directory", "is a directory"), ("not-utf8", "not UTF-8")],
)
def test_every_command_with_a_bad_data_file(
    places: dict[str, Path], command: list[str], place: str, needle: str
) -> None:
    bad = places[place]
    code, out, err = _cli(*command, "--no-bundled-data", "--data", str(SMALL), "--data", str(bad))
    _assert_one_clean_line(code, err, needle)
    assert str(bad) in err and out == ""


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_with_an_unreadable_file(tmp_path: Path, command: list[str]) -> None:
    locked = tmp_path / "locked.ttl"
    locked.write_bytes(SMALL.read_bytes())
    locked.chmod(0)
    try:
        code, _, err = _cli(*command, "--no-bundled-data", "--data", str(locked))
    finally:
        locked.chmod(0o600)
    _assert_one_clean_line(code, err, "permission denied")


def test_coverage_with_bad_sources(places: dict[str, Path], tmp_path: Path) -> None:
    for place in ("missing", "empty"):
        code, _, err = _cli("coverage", "--sources", str(places[place]))
        _assert_one_clean_line(code, err, str(places[place]))
    code, _, err = _cli("anchors", "--sources", str(places["missing"]))
    _assert_one_clean_line(code, err, str(places["missing"]))


def test_query_file_that_is_missing_a_directory_or_not_utf8(places: dict[str, Path]) -> None:
    for place, needle in [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("not-utf8", "not UTF-8"),
    ]:
        code, _, err = _cli("query", f"@{places[place]}", "--no-bundled-data")
        _assert_one_clean_line(code, err, needle)


def test_validate_with_bad_shapes_file(places: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken-shapes.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n[] a sh:NodeShape ;", "utf-8")
    places = {**places, "broken": broken}
    for place, needle in [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("not-utf8", "not UTF-8"),
        ("broken", f"{broken}:2:"),
    ]:
        code, _, err = _cli("validate", "--no-bundled-data", "--shapes", str(places[place]))
        _assert_one_clean_line(code, err, needle)


@pytest.mark.parametrize(
    "where",
    ["missing-folder", "parent-is-a-file", "is-a-directory", "unknown-extension"],
)
def test_export_to_a_place_it_cannot_write(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("keep me", encoding="utf-8")
    target = {
        "missing-folder": tmp_path / "no" / "such" / "out.ttl",
        "parent-is-a-file": blocker / "out.ttl",
        "is-a-directory": tmp_path,
        "unknown-extension": tmp_path / "out.docx",
    }[where]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = _cli("export", "--no-bundled-data", "--data", str(SMALL), "-o", str(target))
    _assert_one_clean_line(code, err, str(target))
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_errors_are_policygraph_errors() -> None:
    """Every error type the tests above accept is one of the library's own."""
    for error in (ParseError, QueryError, QueryRefusedError, UnknownResourceError):
        assert issubclass(error, PolicyGraphError)
