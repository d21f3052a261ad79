"""Claims files: the format proven by data. Every file in authoring/valid compiles, conforms and
compiles to the same bytes twice; every file in authoring/invalid gives exactly the problems it
declares in ``# expect: LINE:COLUMN: words of the message`` lines, all in one run. The source
text they point into (authoring/sources) was written for these tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.authoring import CompileError, compile_claims, known_graph, load, to_turtle
from policygraph.authoring.textindex import NormalizedText, parse_words
from policygraph.cli import cli

HERE = Path(__file__).parent / "authoring"
SOURCES = HERE / "sources"
VALID = sorted((HERE / "valid").glob("*.yaml"))
INVALID = sorted((HERE / "invalid").glob("*.yaml"))
MIN_VALID, MIN_INVALID = 1, 15  # the suite may grow, never shrink


@pytest.fixture(scope="module")
def known():  # type: ignore[no-untyped-def]
    return known_graph()


def expectations(path: Path) -> list[tuple[int, int, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*expect:\s*(\d+):(\d+):\s*(.+)$", line)
        if match:
            found.append((int(match[1]), int(match[2]), match[3].strip()))
    return found


def test_the_suites_do_not_shrink() -> None:
    assert len(VALID) >= MIN_VALID and len(INVALID) >= MIN_INVALID


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_files_compile_conform_and_are_deterministic(path: Path, known) -> None:  # type: ignore[no-untyped-def]
    first = to_turtle(compile_claims([path], sources=SOURCES, known=known))
    second = to_turtle(compile_claims([path], sources=SOURCES, known=known))
    assert first == second
    graph = load(path, sources=SOURCES)
    report = graph.validate()
    assert report.conforms, str(report)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_files_give_exactly_the_declared_problems(path: Path, known) -> None:  # type: ignore[no-untyped-def]
    expected = expectations(path)
    assert expected, f"{path.name} declares no '# expect:' lines"
    with pytest.raises(CompileError) as info:
        compile_claims([path], sources=SOURCES, known=known)
    got = [(p.line, p.column, p.message) for p in info.value.problems]
    assert [(line, col) for line, col, _ in got] == [(line, col) for line, col, _ in expected]
    for (_, _, message), (_, _, words) in zip(got, expected):
        assert words in message
    assert all(str(p).startswith(f"{path}:") for p in info.value.problems)


def test_compile_writes_nothing_on_error_and_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old\n", encoding="utf-8")
    bad = HERE / "invalid" / "unknown-type-modality-strength-basis.yaml"
    result = CliRunner().invoke(
        cli, ["compile", str(bad), "--sources", str(SOURCES), "-o", str(target)]
    )
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "old\n"
    assert "Traceback" not in result.output
    assert result.output.count(f"{bad}:") == 4  # all four problems, one run


def test_compile_command_writes_turtle_that_loads(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    good = HERE / "valid" / "complete-source.yaml"
    result = CliRunner().invoke(
        cli, ["compile", str(good), "--sources", str(SOURCES), "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "3 claim(s)" in result.output and "conforms" in result.output
    import policygraph as pg

    graph = pg.load(target)
    trace = graph.trace("night-clinic")
    assert sorted(e.basis for e in trace.edges) == ["inferred", "stated"]
    # The stated link's anchor holds the council's own reasoning, found across a line break.
    anchors = {a.anchor.rsplit("/", 1)[-1]: a for a in graph.view.all_anchors()}
    text = (SOURCES / "byrad-rapport.txt").read_text(encoding="utf-8")
    span = anchors["night-clinic--longer-night-waits"]
    assert text[span.start : span.end].startswith("Begrunnelsen er at")
    assert text[span.start : span.end].endswith("i stedet.")


def test_start_writes_a_skeleton_that_compiles_and_never_overwrites(tmp_path: Path) -> None:
    sources = tmp_path / "texts"
    sources.mkdir()
    (sources / "new.txt").write_bytes((SOURCES / "byrad-rapport.txt").read_bytes())
    claims = tmp_path / "new.claims.yaml"
    runner = CliRunner()
    args = ["start", str(sources / "new.txt"), "--id", "new-report", "-o", str(claims)]
    assert runner.invoke(cli, args).exit_code == 0
    assert "sha256: 584f58c2" in claims.read_text(encoding="utf-8")
    compile_claims([claims], sources=sources)
    again = runner.invoke(cli, args)
    assert again.exit_code == 2 and "already exists" in again.output


def test_words_are_found_across_line_breaks_with_exact_offsets() -> None:
    text = "Første linje.\nDet er viktig  at\r\n  fastlegene deltar.\n\nSlutt."
    index = NormalizedText(text)
    found = index.locate(parse_words("viktig at fastlegene"))
    assert len(found.spans) == 1
    start, end = found.spans[0]
    assert text[start:end] == "viktig  at\r\n  fastlegene"
    both = index.locate(parse_words("Det er … deltar."))
    assert [text[a:b] for a, b in both.spans] == ["Det er viktig  at\r\n  fastlegene deltar."]


def test_after_tells_repeated_words_apart() -> None:
    text = "A sier ja. B sier nei. A sier ja igjen."
    index = NormalizedText(text)
    assert len(index.locate(parse_words("A sier ja")).spans) == 2
    found = index.locate(parse_words("A sier ja", after="sier nei."))
    assert [text[a:b] for a, b in found.spans] == ["A sier ja"]


def test_several_files_refer_to_each_other(tmp_path: Path, known) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "shared.claims.yaml"
    shared.write_text(
        "format: policygraph-claims/1\n"
        "actors:\n  panel:\n    type: ActorGroup\n    label: {nb: panelet, en: the panel}\n",
        encoding="utf-8",
    )
    main = tmp_path / "main.claims.yaml"
    text = (HERE / "valid" / "complete-source.yaml").read_text(encoding="utf-8")
    main.write_text(text.replace("    asserted-by: byradet\n", "    asserted-by: panel\n", 1))
    graph = compile_claims([shared, main], sources=SOURCES, known=known)
    assert len(graph) > 0
    with pytest.raises(CompileError) as info:
        compile_claims([main], sources=SOURCES, known=known)
    assert "unknown: actor 'panel'" in str(info.value)


# ---------------------------------------------------------------------------- re-anchoring
def _compiled_fixture(tmp_path: Path, quote: bool = False) -> Path:
    text = (HERE / "valid" / "complete-source.yaml").read_text(encoding="utf-8")
    if quote:
        text = text.replace("  sha256:", "  quote: true\n  sha256:", 1)
    claims = tmp_path / "fixture.claims.yaml"
    claims.write_text(text, encoding="utf-8")
    target = tmp_path / "fixture.ttl"
    target.write_text(to_turtle(compile_claims([claims], sources=SOURCES)), encoding="utf-8")
    return target


def _reanchor(tmp_path: Path, data: Path, *extra: str) -> tuple[int, list[dict[str, object]]]:
    import json

    args = ["anchors", "--no-bundled-data", "--data", str(data), "--sources"]
    result = CliRunner().invoke(
        cli, [*args, str(tmp_path / "texts"), "--reanchor", "--format", "json", *extra]
    )
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output) if result.output.startswith("[") else []


@pytest.mark.parametrize("quote", [False, True], ids=["fingerprint", "quote"])
def test_reanchor_after_a_paragraph_is_inserted_and_another_deleted(
    tmp_path: Path, quote: bool
) -> None:
    data = _compiled_fixture(tmp_path, quote)
    texts = tmp_path / "texts"
    texts.mkdir()
    original = (SOURCES / "byrad-rapport.txt").read_text(encoding="utf-8")
    revised = original.replace("Fjordby kommune har", "Et nytt avsnitt.\n\nFjordby kommune har")
    revised = revised.replace("Begrunnelsen er at ventetiden om natten har økt, og at flere\n", "")
    revised = revised.replace("pasienter reiser til sykehuset i stedet.\n\n", "")
    (texts / "byrad-rapport.txt").write_text(revised.replace("\n", "\r\n"), encoding="utf-8")
    code, rows = _reanchor(tmp_path, data)
    assert code == 1  # something is lost
    status = {str(r["anchor"]).rsplit("/", 1)[-1]: r["status"] for r in rows}
    assert status["night-clinic--longer-night-waits"] == "lost"
    assert status["byrad-rapport"] == "verified"  # the title: first line, unchanged
    assert {status["longer-night-waits"], status["night-clinic"]} == {"moved"}
    assert set(rows[0]) >= {"anchor", "resource", "document", "status", "old", "new", "similarity"}
    lost = next(r for r in rows if r["status"] == "lost")
    assert lost["new"] is None
    # -o writes the re-found anchors; lost ones stay as they were and are reported again.
    out = tmp_path / "reanchored.ttl"
    code, _ = _reanchor(tmp_path, data, "-o", str(out))
    assert code == 1 and out.exists()
    code, rows = _reanchor(tmp_path, out)
    assert sorted({str(r["status"]) for r in rows}) == ["lost", "verified"]


def test_reanchor_fuzzy_after_a_typo_is_corrected(tmp_path: Path) -> None:
    data = _compiled_fixture(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    original = (SOURCES / "byrad-rapport.txt").read_text(encoding="utf-8")
    (texts / "byrad-rapport.txt").write_text(original.replace("tredjedel", "tredjedels"))
    code, rows = _reanchor(tmp_path, data)
    assert code == 0
    fuzzy = [r for r in rows if r["status"] == "fuzzy"]
    assert len(fuzzy) == 1 and 0.5 <= float(str(fuzzy[0]["similarity"])) < 1
    assert fuzzy[0]["new"] == {"start": fuzzy[0]["old"]["start"], "end": fuzzy[0]["old"]["end"] + 1}  # type: ignore[index]


def test_reanchor_map_names_another_file_and_errors_exit_2(tmp_path: Path) -> None:
    data = _compiled_fixture(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    other = tmp_path / "renamed.txt"
    other.write_bytes((SOURCES / "byrad-rapport.txt").read_bytes())
    code, rows = _reanchor(tmp_path, data, "--map", f"byrad-rapport={other}")
    assert code == 0 and {r["status"] for r in rows} == {"verified"}
    code, rows = _reanchor(tmp_path, data)
    assert code == 1 and {r["status"] for r in rows} == {"lost"}  # no text at all
    code, _ = _reanchor(tmp_path, data, "--map", "no-equals-sign")
    assert code == 2
    result = CliRunner().invoke(cli, ["anchors", "-o", str(tmp_path / "x.ttl")])
    assert result.exit_code == 2 and not (tmp_path / "x.ttl").exists()


def test_the_json_schema_is_current_and_accepts_every_valid_file() -> None:
    import json

    import jsonschema
    import yaml

    from policygraph.authoring.schema import SCHEMA_FILE, build_schema

    shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert shipped == build_schema(), "regenerate: python -m policygraph.authoring.schema"
    jsonschema.Draft202012Validator.check_schema(shipped)
    validator = jsonschema.Draft202012Validator(shipped)
    for path in VALID:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        assert not list(validator.iter_errors(document)), path.name
    wrong = yaml.load(
        (HERE / "invalid" / "unknown-section-and-field.yaml").read_text(encoding="utf-8"),
        Loader=yaml.BaseLoader,
    )
    assert list(validator.iter_errors(wrong))


def test_compile_json_output_for_programs(tmp_path: Path) -> None:
    import json

    good = HERE / "valid" / "complete-source.yaml"
    target = tmp_path / "out.ttl"
    args = ["compile", str(good), "--sources", str(SOURCES), "-o", str(target)]
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["claims"] == 3
    bad = HERE / "invalid" / "words-found-twice.yaml"
    result = CliRunner().invoke(cli, ["compile", str(bad), "--sources", str(SOURCES)])
    assert result.exit_code == 2
    result = CliRunner().invoke(
        cli, ["compile", str(bad), "--sources", str(SOURCES), "--format", "json"]
    )
    problems = json.loads(result.output)["problems"]
    assert result.exit_code == 2 and problems[0]["line"] == 22 and problems[0]["column"] == 9
