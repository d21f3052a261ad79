"""The bundled data through the claims format and through revised source texts.

Both need the source texts (POLICYGRAPH_SOURCES, or ../shared/sources) and skip without them.

- Round trip: the bundled data decompiled to claims files (every anchor named by a few words at
  each end, never a whole sentence), compiled back: the same graph, the same bytes exported.
- Re-anchoring: revisions of both texts made here (a changed download footer, CRLF line ends,
  NFD, a paragraph inserted before, a paragraph deleted, typos corrected inside spans, line
  breaks moved), with the true place of every span known; no anchor may land in a wrong place,
  and every anchor of the deleted paragraph must come back lost.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from policygraph import _resources
from policygraph.authoring import compile_claims, known_graph, to_turtle
from policygraph.authoring.decompile import MAX_END_WORDS, WHOLE_UP_TO, decompile
from policygraph.authoring.reanchor import reanchor, updated_graph
from policygraph.namespaces import PG, PREFIXES
from tests.test_bundled_data import sources_dir

OA = PREFIXES["oa"]


@pytest.fixture(scope="module")
def sources() -> Path:
    return sources_dir() or pytest.skip("the source texts (../shared/sources) are not here")


@pytest.fixture(scope="module")
def data() -> Graph:
    graph = Graph()
    for file in _resources.data_files():
        graph.parse(file)
    return graph


def test_bundled_data_round_trips_through_claims_files(
    data: Graph, sources: Path, tmp_path: Path
) -> None:
    files = decompile(data, sources)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    compiled = compile_claims(
        sorted(tmp_path.glob("*.yaml")), sources=sources, known=known_graph(bundled_data=False)
    )
    _, only_data, only_compiled = graph_diff(to_isomorphic(data), to_isomorphic(compiled))
    assert not list(only_data) and not list(only_compiled)
    assert to_turtle(compiled) == to_turtle(data)
    # Every claim, link, anchor and document came through the format.
    for cls in ("Claim", "EvidenceLink", "TextAnchor", "Document"):
        kinds = set(data.subjects(None, URIRef(PG + cls)))
        assert kinds <= set(compiled.subjects())


def test_decompiled_anchors_name_passages_by_a_few_words(data: Graph, sources: Path) -> None:
    import yaml

    files = decompile(data, sources)
    specs = [
        spec
        for text in files.values()
        for spec in (yaml.safe_load(text).get("anchors") or {}).values()
    ]
    assert len(specs) == len(set(data.subjects(None, URIRef(PG + "TextAnchor"))))
    for spec in specs:
        words = spec["words"]
        if "…" in words:
            head, tail = words.split(" … ")
            assert len(head.split()) <= MAX_END_WORDS and len(tail.split()) <= MAX_END_WORDS
        else:
            assert len(words.split()) <= WHOLE_UP_TO


# ---------------------------------------------------------------------------- revisions
Revision = tuple[str, Callable[[int], int], set[tuple[int, int]]]


def _footer(text: str) -> Revision:
    cut = text.rstrip("\n").rfind("\n") + 1
    new = text[:cut] + "Lastet ned 1. januar 2030 fra en annen side.\n"
    return new, lambda o: o, set()


def _crlf(text: str) -> Revision:
    return text.replace("\n", "\r\n"), lambda o: o + text.count("\n", 0, o), set()


def _nfd(text: str) -> Revision:
    sizes = [0]
    for ch in text:
        sizes.append(sizes[-1] + len(unicodedata.normalize("NFD", ch)))
    return unicodedata.normalize("NFD", text), lambda o: sizes[o], set()


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    while True:
        cut = text.find("\n\n", pos)
        end = len(text) if cut < 0 else cut + 2
        out.append((pos, end))
        if cut < 0:
            return out
        pos = end


def _insert_before(text: str, spans: list[tuple[int, int]]) -> Revision:
    first = min(s for s, _ in spans)
    at = max(a for a, _ in _paragraphs(text) if a <= first)
    added = "Et avsnitt som kom til i en senere utgave, uten noe nytt om saken.\n\n"
    return text[:at] + added + text[at:], lambda o: o + len(added) if o >= at else o, set()


def _delete(text: str, spans: list[tuple[int, int]]) -> Revision:
    """Delete the paragraph holding the most anchors that no anchor crosses the edge of."""
    best: tuple[int, int, int] | None = None
    for a, b in _paragraphs(text):
        inside = [s for s in spans if a <= s[0] and s[1] <= b]
        crossing = [s for s in spans if s[0] < b and s[1] > a and s not in inside]
        if inside and not crossing and (best is None or len(inside) > best[0]):
            best = (len(inside), a, b)
    assert best is not None
    _, a, b = best
    gone = {s for s in spans if a <= s[0] and s[1] <= b}
    return text[:a] + text[b:], lambda o: o - (b - a) if o >= b else o, gone


def _typos(text: str, spans: list[tuple[int, int]]) -> Revision:
    """Correct one letter in the middle of every third span of at least eight words."""
    chars = list(text)
    for s, e in sorted(spans)[::3]:
        words = text[s:e].split()
        if len(words) < 8:
            continue
        middle = s + text[s:e].find(words[len(words) // 2])
        if chars[middle].isalpha():
            chars[middle] = "x" if chars[middle] != "x" else "y"
    return "".join(chars), lambda o: o, set()


def _rewrap(text: str) -> Revision:
    """Line breaks moved: single line breaks become spaces, every eighth space a line break."""
    chars = list(text)
    spaces = 0
    for i, ch in enumerate(chars):
        if (
            ch == "\n"
            and not (i + 1 < len(chars) and chars[i + 1] == "\n")
            and (i == 0 or chars[i - 1] != "\n")
        ):
            chars[i] = " "
        elif ch == " ":
            spaces += 1
            if spaces % 8 == 0:
                chars[i] = "\n"
    return "".join(chars), lambda o: o, set()


REVISIONS = {
    "changed footer": lambda t, s: _footer(t),
    "CRLF line ends": lambda t, s: _crlf(t),
    "NFD": lambda t, s: _nfd(t),
    "paragraph inserted before": _insert_before,
    "paragraph deleted": _delete,
    "typos corrected in spans": _typos,
    "line breaks moved": lambda t, s: _rewrap(t),
}


def _documents(data: Graph, sources: Path) -> dict[str, tuple[Path, str]]:
    by_sha = {}
    for path in sources.iterdir():
        if path.is_file():
            raw = path.read_bytes()
            by_sha[hashlib.sha256(raw).hexdigest()] = (path, raw.decode("utf-8"))
    return {
        str(doc): by_sha[str(sha)]
        for doc, sha in data.subject_objects(URIRef(PG + "textSha256"))
        if str(sha) in by_sha
    }


def _spans(data: Graph, doc: str) -> dict[str, tuple[int, int]]:
    return {
        str(a): (int(data.value(a, URIRef(OA + "start"))), int(data.value(a, URIRef(OA + "end"))))
        for a in data.subjects(URIRef(PG + "sourceDocument"), URIRef(doc))
    }


def measure_revisions(data: Graph, sources: Path, folder: Path) -> dict[str, Counter[str]]:
    """For each kind of revision: anchors found at the right place (by status), lost as
    expected, lost though still there, and put in a wrong place."""
    table: dict[str, Counter[str]] = {}
    documents = _documents(data, sources)
    for name, make in REVISIONS.items():
        counts: Counter[str] = Counter()
        for doc, (path, text) in sorted(documents.items()):
            spans = _spans(data, doc)
            new_text, mapped, gone = make(text, list(spans.values()))
            revised = folder / name.replace(" ", "-")
            revised.mkdir(exist_ok=True)
            (revised / path.name).write_bytes(new_text.encode("utf-8"))
            results, _ = reanchor(data, revised)
            for r in results:
                if r.document != doc:
                    continue
                old = spans[r.anchor]
                if old in gone:
                    counts["lost as it should" if r.status == "lost" else "wrong place"] += 1
                    continue
                truth = (mapped(old[0]), mapped(old[1] - 1) + 1)
                if r.status == "lost":
                    counts["lost"] += 1
                elif r.new == truth:
                    counts[f"right ({r.status})"] += 1
                else:
                    counts["wrong place"] += 1
        table[name] = counts
    return table


def test_reanchoring_revisions_never_puts_an_anchor_in_a_wrong_place(
    data: Graph, sources: Path, tmp_path: Path
) -> None:
    table = measure_revisions(data, sources, tmp_path)
    for name, counts in table.items():
        print(f"{name}: {dict(sorted(counts.items()))}")
    assert all(counts["wrong place"] == 0 for counts in table.values()), table
    assert table["paragraph deleted"]["lost as it should"] > 0
    for name in ("changed footer", "CRLF line ends", "NFD", "paragraph inserted before"):
        assert table[name]["lost"] == 0, (name, table[name])


def test_reanchored_data_verifies_against_the_revised_text(
    data: Graph, sources: Path, tmp_path: Path
) -> None:
    documents = _documents(data, sources)
    for path, text in documents.values():
        (tmp_path / path.name).write_bytes(_crlf(text)[0].encode("utf-8"))
    results, texts = reanchor(data, tmp_path)
    assert {r.status for r in results} == {"moved"}
    again, _ = reanchor(updated_graph(data, results, texts), tmp_path)
    assert {r.status for r in again} == {"verified"}


def test_decompiled_files_follow_the_json_schema(data: Graph, sources: Path) -> None:
    import json

    import jsonschema
    import yaml

    from policygraph.authoring.schema import SCHEMA_FILE

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text("utf-8")))
    for name, text in decompile(data, sources).items():
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(text))]
        assert not errors, (name, errors[:3])


def test_reanchoring_aids_of_the_bundled_data_are_current(data: Graph, sources: Path) -> None:
    """data/reanchoring.ttl is what `policygraph fingerprint` writes for data/ today (rerun it
    after anchors change: policygraph fingerprint --sources DIR -o data/reanchoring.ttl)."""
    from click.testing import CliRunner

    from policygraph.cli import cli

    result = CliRunner().invoke(cli, ["fingerprint", "--sources", str(sources)])
    assert result.exit_code == 0, result.output
    shipped = (_resources.data_dir() / "reanchoring.ttl").read_text(encoding="utf-8")
    strip = [line for line in shipped.splitlines() if not line.startswith("#")]
    fresh = [line for line in result.output.splitlines() if not line.startswith("#")]
    assert strip == fresh


def test_decompile_command_writes_files_that_compile(sources: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policygraph.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["decompile", "--sources", str(sources), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = sorted(str(p) for p in tmp_path.glob("*.yaml"))
    assert len(files) == 3
    out = tmp_path / "all.ttl"
    args = ["compile", *files, "--no-bundled-data", "--sources", str(sources), "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
