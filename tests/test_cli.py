"""The command line: outputs, JSON contracts and exit codes (0 ok, 1 problems, 2 user error)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = str(FIXTURES / "small-claims.ttl")
EX = "https://example.org/test/"
BASE = ["--no-bundled-data", "--data", SMALL]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_trace_all_json_contract() -> None:
    code, out, _ = run("trace", "--all", "--format", "json", *BASE)
    assert code == 0
    traces = json.loads(out)
    assert [t["recommendation"] for t in traces] == [EX + "rec-train"]
    trace = traces[0]
    assert trace["statement"]["nb"] and trace["statement"]["en"]
    assert trace["asserted_by"] == [EX + "researchers"]
    assert trace["addressed_to"] == [EX + "council"]
    assert {n["id"] for n in trace["nodes"]} >= {EX + "find-gap", EX + "find-survey"}
    assert all(set(n) == {"id", "type", "label", "strength"} for n in trace["nodes"])
    assert all(n["strength"] for n in trace["nodes"])  # the fixture records a strength per claim
    assert trace["strength"] and "attribution" in trace
    assert {e["basis"] for e in trace["edges"]} == {"stated", "inferred"}
    assert all(
        e["predicate"].startswith("https://w3id.org/policygraph/ontology#") for e in trace["edges"]
    )
    assert trace["unsupported"] == []


def test_trace_text_and_one_id() -> None:
    code, out, _ = run("trace", "rec-train", *BASE)
    assert code == 0
    assert "Training should be strengthened." in out and "[stated]" in out


def test_trace_unknown_id_is_exit_2_one_line() -> None:
    code, out, err = run("trace", "rec-trian", *BASE)
    assert code == 2
    assert err.count("\n") == 1 and "rec-trian" in err and "did you mean" in err
    assert "Traceback" not in err


def test_trace_needs_an_id_or_all() -> None:
    code, _, err = run("trace", *BASE)
    assert code == 2 and "--all" in err


def test_validate_json_contract_and_exit_codes(tmp_path: Path) -> None:
    code, out, _ = run("validate", "--format", "json", *BASE)
    report = json.loads(out)
    assert code == 0 and report["conforms"] is True
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        Path(SMALL)
        .read_text(encoding="utf-8")
        .replace('pg:spanSha256 "1111', 'pg:spanSha256 "zz11'),
        encoding="utf-8",
    )
    code, out, _ = run("validate", "--format", "json", "--no-bundled-data", "--data", str(broken))
    report = json.loads(out)
    assert code == 1 and report["conforms"] is False
    assert set(report["results"][0]) == {
        "severity",
        "focus",
        "path",
        "value",
        "message",
        "shape",
        "component",
    }


def test_malformed_turtle_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> \n", encoding="utf-8")
    for command in ("validate", "stats", "trace", "gaps", "anchors", "export"):
        args = [command, "--no-bundled-data", "--data", str(bad)]
        if command == "trace":
            args.append("--all")
        code, _, err = run(*args)
        assert code == 2, command
        assert err.startswith(f"policygraph: error: {bad}:") and err.count("\n") == 1


def test_missing_file_is_exit_2() -> None:
    code, _, err = run("stats", "--data", "/no/such/file.ttl")
    assert code == 2 and "/no/such/file.ttl" in err and "no such file" in err


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "Update"),
        ("SELECT * WHERE { SERVICE <http://example.org/q> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p }", "syntax"),
    ],
)
def test_bad_queries_are_exit_2(query: str, needle: str) -> None:
    code, _, err = run("query", query, *BASE)
    assert code == 2 and needle in err and err.count("\n") == 1


def test_query_formats_and_file(tmp_path: Path) -> None:
    q = "SELECT ?c WHERE { ?c a pg:Finding } ORDER BY ?c"
    code, out, _ = run("query", q, "--format", "csv", *BASE)
    assert code == 0 and out.splitlines()[0] == "c" and len(out.splitlines()) == 4
    qfile = tmp_path / "q.rq"
    qfile.write_text(q, encoding="utf-8")
    code, out, _ = run("query", f"@{qfile}", "--format", "json", *BASE)
    assert len(json.loads(out)["results"]["bindings"]) == 3
    code, out, _ = run(
        "query", "SELECT ?f WHERE { ?r pg:justifiedBy ?f }", "--bind", f"r=<{EX}rec-train>", *BASE
    )
    assert code == 0 and "(2 rows)" in out


def test_export_to_file_and_stdout(tmp_path: Path) -> None:
    target = tmp_path / "out.nt"
    code, _, _ = run("export", "-o", str(target), *BASE)
    assert code == 0 and target.read_text(encoding="utf-8").startswith("<")
    code, out, _ = run("export", *BASE)
    assert code == 0 and out.startswith("@prefix")
    code, _, err = run("export", "-o", str(tmp_path / "missing" / "x.ttl"), *BASE)
    assert code == 2 and err.count("\n") == 1


def test_anchors_json_contract() -> None:
    code, out, _ = run("anchors", "--format", "json", *BASE)
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 4
    assert all(
        set(r) == {"resource", "type", "document", "document_sha256", "start", "end"} for r in rows
    )
    assert {r["type"] for r in rows} >= {"Recommendation", "Finding"}


def test_anchors_with_sources_that_do_not_match_exit_1(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("some other text", encoding="utf-8")
    code, out, _ = run("anchors", "--sources", str(tmp_path), "--format", "json", *BASE)
    rows = json.loads(out)
    assert code == 1 and not any(r["verified"] for r in rows)
    assert all("quote" in r for r in rows)


def test_gaps_stats_show() -> None:
    code, out, _ = run("gaps", *BASE)
    assert code == 0 and "0 gap(s)" in out
    code, out, _ = run("stats", "--format", "json", *BASE)
    assert code == 0 and json.loads(out)["claims"] == 4
    code, out, _ = run("show", "find-gap", *BASE)
    assert code == 0 and "Finding" in out


def test_python_dash_m_is_the_same_and_has_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "policygraph", "trace", "nope", *BASE],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "policygraph", "trace", "nope", "--debug", *BASE],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "Traceback" in proc.stderr
