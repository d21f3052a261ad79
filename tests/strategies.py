"""Hypothesis strategies for RDF datasets that stress serialisers."""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st
from rdflib import BNode, Dataset, Literal, URIRef

XSD = "http://www.w3.org/2001/XMLSchema#"


def typed(lexical: str, datatype: str) -> Literal:
    """A typed literal keeping its exact lexical form (rdflib would otherwise normalise it)."""
    return Literal(lexical, datatype=URIRef(XSD + datatype), normalize=False)


# Norwegian letters composed and decomposed, quotes, backslashes, control characters, emoji.
_PIECES = list("abcæøåÆØÅ \"'\\\n\r\t{}<>@#;,.:_-") + [
    "a\u030a",
    "\u00e5",
    "\u0000",
    "\u007f",
    "\u2013",
    "\u00ab",
    "\U0001f600",
    "\u200b",
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_LONG_TEXT = st.text(min_size=200, max_size=2000)
# Legal but unusual IRI characters (RFC 3987); "#" only once, as the fragment's start.
_IRI_CHARS = st.sampled_from(
    list("abcxyzABC0189-._~!$&'()*+,;=:@/?") + ["æ", "ø", "å", "a\u030a", "%20", "Å"]
)


@st.composite
def iris(draw: st.DrawFn) -> URIRef:
    tail = "".join(draw(st.lists(_IRI_CHARS, max_size=12)))
    base = draw(
        st.sampled_from(
            [
                "http://example.org/",
                "https://w3id.org/policygraph/id/claim/",
                "urn:x-test:",
                "http://example.org/a#",
            ]
        )
    )
    if "#" not in base and draw(st.booleans()):
        tail += "#" + "".join(draw(st.lists(_IRI_CHARS, max_size=6)))
    return URIRef(base + tail)


def _nfx(text: str, form: str) -> str:
    return unicodedata.normalize(form, text)


typed_literals = st.one_of(
    st.builds(lambda d: typed(d.isoformat(), "date"), st.dates()),
    st.sampled_from(["0", "1", "01", "-5", "+7", "007", "123456789012345678901234567890"]).map(
        lambda v: typed(v, "integer")
    ),
    st.integers().map(lambda v: typed(str(v), "integer")),
    st.sampled_from(["1.0", "1.50", "-0.0", "0.5", ".5", "10", "3.14159"]).map(
        lambda v: typed(v, "decimal")
    ),
    st.sampled_from(["true", "false", "1", "0"]).map(lambda v: typed(v, "boolean")),
    st.sampled_from(["1.0E0", "1e3", "-0.5E-2", "INF", "NaN"]).map(lambda v: typed(v, "double")),
    _TEXT.map(lambda v: typed(v, "string")),
    st.sampled_from(["2018-01", "2017"]).map(
        lambda v: typed(v, "gYearMonth" if "-" in v else "gYear")
    ),
)

plain_literals = st.one_of(
    _TEXT.map(Literal),
    _TEXT.map(lambda t: Literal(_nfx(t, "NFD"))),
    _LONG_TEXT.map(Literal),
    st.tuples(_TEXT, st.sampled_from(["nb", "nn", "en", "en-gb", "no"])).map(
        lambda tl: Literal(tl[0], lang=tl[1])
    ),
)

literals = st.one_of(typed_literals, plain_literals)


@st.composite
def datasets(draw: st.DrawFn, named_graphs: bool = True) -> Dataset:
    """A dataset of up to ~40 quads with IRIs, blank nodes (and chains), literals and, when
    ``named_graphs``, several named graphs."""
    ds = Dataset()
    bnodes = [BNode() for _ in range(draw(st.integers(0, 4)))]
    subjects = st.one_of(iris(), st.sampled_from(bnodes)) if bnodes else iris()
    objects = (
        st.one_of(iris(), literals, st.sampled_from(bnodes))
        if bnodes
        else st.one_of(iris(), literals)
    )
    graph_names = [None]
    if named_graphs:
        graph_names += draw(st.lists(iris(), max_size=2, unique=True))
    for _ in range(draw(st.integers(0, 30))):
        s, p, o = draw(subjects), draw(iris()), draw(objects)
        name = draw(st.sampled_from(graph_names))
        target = ds.default_graph if name is None else ds.graph(name)
        target.add((s, p, o))
    # A blank-node chain: _:1 -> _:2 -> ... -> a literal.
    length = draw(st.integers(0, 6))
    if length:
        chain = [BNode() for _ in range(length)]
        link = URIRef("http://example.org/next")
        ds.default_graph.add((URIRef("http://example.org/head"), link, chain[0]))
        for a, b in zip(chain, chain[1:]):
            ds.default_graph.add((a, link, b))
        ds.default_graph.add((chain[-1], link, Literal("end")))
    return ds
