"""Notebook support: HTML reprs, QueryResult.to_dataframe(), and examples/tour.ipynb executed
from top to bottom (nbclient, a kernel from the running Python) so that it never goes stale."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import policygraph as pg
from policygraph.errors import MissingExtraError
from policygraph.query import QueryResult
from policygraph.validation import ValidationReport, ValidationResult

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "examples" / "tour.ipynb"


@pytest.fixture(scope="module")
def graph() -> pg.PolicyGraph:
    return pg.load()


def test_graph_repr_shows_what_it_holds(graph: pg.PolicyGraph) -> None:
    html = graph._repr_html_()
    stats = graph.stats()
    assert f'<td style="text-align:left;vertical-align:top">{stats["triples"]}</td>' in html
    recommendations = stats["claims_by_type"]["Recommendation"]
    assert "claims by type" in html and f"Recommendation {recommendations}" in html


def test_trace_repr_is_the_tree_with_bases_and_reasons(graph: pg.PolicyGraph) -> None:
    trace = graph.trace("ntnu-national-strategy")
    html = trace._repr_html_()
    stated = sum(1 for edge in trace.edges if edge.basis == "stated")
    assert html.count("<li>") == len(trace.edges) > stated > 0
    assert html.count("[stated]") == stated
    assert html.count("[inferred]") == len(trace.edges) - stated
    assert "curator's reason" in html and "stated at doc:article-ntnu-ks-folkehelse" in html
    assert "Det bør lages en nasjonal strategi" in html


def test_query_repr_is_an_escaped_table() -> None:
    result = QueryResult(
        "select",
        ("x", "label"),
        (
            (URIRef("https://w3id.org/policygraph/id/claim/a"), Literal("<b>&", lang="nb")),
            (None, Literal(3)),
        ),
    )
    html = result._repr_html_()
    assert "claim:a" in html and "&lt;b&gt;&amp;" in html and "<b>&" not in html
    assert "<caption>2 rows</caption>" in html
    assert QueryResult("ask", (), (), True)._repr_html_().count("true") == 1


def test_report_repr_groups_results_by_severity() -> None:
    def result(severity: str, focus: str) -> ValidationResult:
        return ValidationResult(severity, focus, None, None, f"{focus} msg", "pgsh:S", "c")

    report = ValidationReport(
        False, (result("Violation", "v1"), result("Warning", "w1"), result("Warning", "w2"))
    )
    html = report._repr_html_()
    assert "Does not conform" in html
    assert html.index("<caption>Violation (1)</caption>") < html.index(
        "<caption>Warning (2)</caption>"
    )


def test_to_dataframe_keeps_types_and_unbound_values(graph: pg.PolicyGraph) -> None:
    result = QueryResult(
        "select",
        ("iri", "n", "day", "text"),
        (
            (URIRef("https://example.org/a"), Literal(2), Literal(datetime.date(2018, 2, 19)),
             Literal("fastlege", lang="nb")),
            (None, Literal(5), None, Literal("plain")),
        ),
    )  # fmt: skip
    df = result.to_dataframe()
    assert list(df.columns) == ["iri", "n", "day", "text"]
    import pandas as pd

    assert df["iri"][0] == "https://example.org/a" and pd.isna(df["iri"][1])
    assert [int(v) for v in df["n"]] == [2, 5]
    assert df["day"][0] == datetime.date(2018, 2, 19)
    assert list(df["text"]) == ["fastlege", "plain"]
    counts = graph.query("SELECT (COUNT(?r) AS ?n) WHERE { ?r a pg:Recommendation }")
    assert int(counts.to_dataframe()["n"][0]) == graph.stats()["claims_by_type"]["Recommendation"]


def test_to_dataframe_without_pandas_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    result = QueryResult("select", ("x",), ((Literal(1),),))
    with pytest.raises(MissingExtraError, match=r"policygraph\[pandas\]"):
        result.to_dataframe()


def test_the_tour_notebook_runs(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(TOUR, as_version=4)
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    outputs = {
        i: [o for o in cell.get("outputs", [])]
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
    }
    html = [
        o["data"].get("text/html", "")
        for cell_outputs in outputs.values()
        for o in cell_outputs
        if "data" in o
    ]
    assert any("<strong>PolicyGraph</strong>" in h for h in html)
    assert any("ntnu-national-strategy" in h and "[inferred]" in h for h in html)
    assert any("<table" in h and "recommendation" in h and "modality" in h for h in html)
    assert any("<strong>Conforms</strong>" in h for h in html)
    errors = [
        o
        for cell_outputs in outputs.values()
        for o in cell_outputs
        if o.get("output_type") == "error"
    ]
    assert errors == []
