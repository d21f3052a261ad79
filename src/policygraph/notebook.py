"""HTML for notebooks (``_repr_html_``) and QueryResult as a pandas DataFrame.

Jupyter shows an object's ``_repr_html_``: a graph as what it holds, a trace as a compact tree,
a query result as a table, a validation report grouped by severity. Everything is escaped;
nothing here loads a script or a style sheet from anywhere.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from .namespaces import local_name, shorten

if TYPE_CHECKING:
    from .graph import PolicyGraph
    from .query import QueryResult
    from .trace import EvidenceTrace
    from .validation import ValidationReport

__all__ = ["graph_html", "query_dataframe", "query_html", "report_html", "trace_html"]

MAX_ROWS = 200  # rows shown in a notebook; the result keeps them all
_STYLE = "text-align:left;vertical-align:top"


def _table(columns: list[str], rows: list[list[str]], caption: str = "") -> str:
    head = "".join(f'<th style="{_STYLE}">{escape(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_STYLE}">{cell}</td>' for cell in row) + "</tr>"
        for row in rows
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def graph_html(graph: PolicyGraph) -> str:
    stats = graph.stats()
    rows = []
    for key, value in stats.items():
        shown = (
            ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict) else value
        )
        rows.append([escape(key.replace("_", " ")), escape(str(shown))])
    return "<div><strong>PolicyGraph</strong>" + _table(["", ""], rows) + "</div>"


def trace_html(trace: EvidenceTrace) -> str:
    nodes = {n.id: n for n in trace.nodes}
    below: dict[str, list[Any]] = {}
    for edge in trace.edges:
        below.setdefault(edge.source, []).append(edge)
    spans: dict[str, list[str]] = {}
    for a in trace.anchors:
        spans.setdefault(a.resource, []).append(
            f"{shorten(a.document or '?')} [{a.start}, {a.end})"
        )

    def claim(iri: str) -> str:
        node = nodes.get(iri)
        kind = escape(node.type) if node else "?"
        label = escape(node.label) if node else ""
        where = "; ".join(spans.get(iri, []))
        where_html = f"<br><small>spans: {escape(where)}</small>" if where else ""
        return f"<code>{escape(shorten(iri))}</code> ({kind}) {label}{where_html}"

    shown: set[str] = {trace.recommendation}

    def tree(iri: str) -> str:
        items = []
        for edge in below.get(iri, []):
            basis = edge.basis or "basis missing"
            why = ""
            if edge.rationale:
                why = f"<br><small>curator's reason: {escape(edge.rationale)}</small>"
            elif edge.anchor is not None:
                a = edge.anchor
                doc = escape(shorten(a.document or "?"))
                why = f"<br><small>stated at {doc} [{a.start}, {a.end})</small>"
            seen = edge.target in shown
            shown.add(edge.target)
            inner = "<br><small>(shown above)</small>" if seen else tree(edge.target)
            items.append(
                f"<li><em>{escape(local_name(edge.predicate))}</em> [{escape(basis)}] → "
                f"{claim(edge.target)}{why}{inner}</li>"
            )
        return "<ul>" + "".join(items) + "</ul>" if items else ""

    head = claim(trace.recommendation)
    if trace.modality:
        head += f" <strong>{escape(trace.modality)}</strong>"
    statements = "".join(
        f"<div><small>{lang}</small> {escape(text)}</div>"
        for lang, text in sorted(trace.statement.items())
    )
    people = ""
    if trace.asserted_by:
        people += "asserted by " + ", ".join(escape(shorten(a)) for a in trace.asserted_by)
    if trace.addressed_to:
        people += "; addressed to " + ", ".join(escape(shorten(a)) for a in trace.addressed_to)
    extra = ""
    if trace.cycles:
        extra += (
            "<div>cycles: "
            + "; ".join(" → ".join(escape(shorten(c)) for c in cycle) for cycle in trace.cycles)
            + "</div>"
        )
    return f"<div>{head}{statements}<div>{people}</div>{tree(trace.recommendation)}{extra}</div>"


def _cell(term: Any) -> str:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f'<code title="{escape(str(term))}">{escape(shorten(str(term)))}</code>'
    if isinstance(term, BNode):
        return f"<code>_:{escape(str(term))}</code>"
    if isinstance(term, Literal) and term.language:
        return f'<span lang="{escape(term.language)}">{escape(str(term))}</span>'
    return escape(str(term))


def query_html(result: QueryResult) -> str:
    if result.kind == "ask":
        return f"<div>ASK: <strong>{'true' if result.boolean else 'false'}</strong></div>"
    rows = [[_cell(t) for t in row] for row in result.rows[:MAX_ROWS]]
    count = len(result.rows)
    caption = f"{count} row{'s' if count != 1 else ''}"
    if count > MAX_ROWS:
        caption += f" (first {MAX_ROWS} shown)"
    return _table(list(result.columns), rows, caption)


def report_html(report: ValidationReport) -> str:
    head = "Conforms" if report.conforms else "Does not conform"
    parts = [
        f"<div><strong>{head}</strong>: {len(report.violations)} violation(s), "
        f"{len(report.warnings)} warning(s)</div>"
    ]
    severities = sorted({r.severity for r in report.results}, key=_severity_order)
    for severity in severities:
        mine = [r for r in report.results if r.severity == severity]
        rows = [
            [
                f"<code>{escape(shorten(r.focus))}</code>",
                f"<code>{escape(shorten(r.path))}</code>" if r.path else "",
                escape(r.message),
                f"<code>{escape(shorten(r.shape))}</code>",
            ]
            for r in mine
        ]
        parts.append(
            _table(["focus", "path", "message", "shape"], rows, f"{severity} ({len(mine)})")
        )
    return "<div>" + "".join(parts) + "</div>"


def _severity_order(severity: str) -> tuple[int, str]:
    return ({"Violation": 0, "Warning": 1, "Info": 2}.get(severity, 3), severity)


def query_dataframe(result: QueryResult) -> Any:
    """The rows as a pandas DataFrame: IRIs as strings, typed literals as Python values
    (numbers, dates, booleans), language-tagged and plain literals as strings, unbound values
    missing (None or NaN, as pandas stores them). An ASK result is one column ``boolean``."""
    try:
        import pandas as pd
    except ImportError as exc:
        from .errors import MissingExtraError

        raise MissingExtraError(
            "QueryResult.to_dataframe() needs pandas: pip install 'policygraph[pandas]'"
        ) from exc
    if result.kind == "ask":
        return pd.DataFrame({"boolean": [result.boolean]})
    return pd.DataFrame([[_value(t) for t in row] for row in result.rows], columns=result.columns)


def _value(term: Any) -> Any:
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        if term.language or term.datatype is None:
            return str(term)
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(term)
    return str(term)
