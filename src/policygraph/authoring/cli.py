"""Curation commands: ``start`` (register a new source text, write its claims file), ``compile``
(claims files to validated Turtle), ``decompile`` (a graph back to claims files),
``fingerprint`` (what re-anchoring needs, for data written as Turtle), and the ``--reanchor``
mode of ``anchors``. Thin: the work is in the modules beside this one."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import click

from ..cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, _Fail, common

__all__ = ["register", "run_reanchor"]

_DOC_TYPES = ("Report", "NewsArticle", "WhitePaper", "Law", "PreparatoryWork", "PolicyPlatform")


def _data_graph(data: tuple[str, ...], no_bundled_data: bool) -> Any:
    """The data alone (no ontology): the bundled data unless left out, and the --data files."""
    from rdflib import Graph

    from .. import _resources
    from ..loading import read_graph

    graph = Graph()
    files = [] if no_bundled_data else list(_resources.data_files())
    for file in files + [Path(p) for p in data]:
        for triple in read_graph(Path(file)):
            graph.add(triple)
    return graph


def _write(path: str, text: str) -> None:
    from ..export import atomic_write

    atomic_write(Path(path), text.encode("utf-8"))


@click.command("compile")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--sources", metavar="DIR", help="Folder holding the source texts.")
@click.option("-o", "--output", metavar="FILE", help="Write the Turtle here (atomically).")
@click.option("--no-validate", is_flag=True, help="Do not run the SHACL shapes.")
@common()
def compile_command(
    data: tuple[str, ...],
    no_bundled_data: bool,
    fmt: str,
    files: tuple[str, ...],
    sources: str | None,
    output: str | None,
    no_validate: bool,
) -> int:
    """Compile claims files (YAML) to deterministic Turtle; every problem at once (exit 2),
    shape violations (exit 1); nothing is written unless all is well."""
    from . import CompileError, compile_claims, known_graph, to_turtle

    known = known_graph(not no_bundled_data, data)
    try:
        graph = compile_claims(files, sources=sources, known=known)
    except CompileError as exc:
        if fmt == "json":
            click.echo(json.dumps({"problems": [p.to_dict() for p in exc.problems]}, indent=2))
        else:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{len(exc.problems)} problem(s); nothing written", err=True)
        return EXIT_USAGE
    turtle = to_turtle(graph)
    if not no_validate:
        report = _validate(known, graph)
        if not report.conforms:
            if fmt == "json":
                click.echo(report.to_json())
            else:
                click.echo(str(report), err=True)
                click.echo("the compiled graph breaks the shapes; nothing written", err=True)
            return EXIT_PROBLEMS
        warnings = len(report.results)
    else:
        warnings = 0
    if output is None:
        click.echo(turtle, nl=False)
    else:
        _write(output, turtle)
    if output is not None:
        from ..namespaces import PG

        claims = len({s for s, _, _ in graph.triples((None, None, None)) if "/id/claim/" in str(s)})
        anchors = len(list(graph.subjects(predicate=None, object=_uri(PG + "TextAnchor"))))
        summary = {
            "output": output,
            "triples": len(graph),
            "claims": claims,
            "anchors": anchors,
            "validated": not no_validate,
            "warnings": None if no_validate else warnings,
        }
        if fmt == "json":
            click.echo(json.dumps(summary, indent=2))
        else:
            checked = "not validated" if no_validate else f"conforms, {warnings} warning(s)"
            click.echo(
                f"{output}: {len(graph)} triples, {claims} claim(s), {anchors} anchor(s); {checked}"
            )
    return EXIT_OK


def _uri(iri: str) -> Any:
    from rdflib import URIRef

    return URIRef(iri)


def _validate(known: Any, graph: Any) -> Any:
    from .. import _resources
    from ..loading import default_graph, new_dataset
    from ..validation import validate_graph

    union = new_dataset()
    target = default_graph(union)
    for triple in known:
        target.add(triple)
    for triple in graph:
        target.add(triple)
    return validate_graph(union, _resources.shapes_file())


_SKELETON = """\
# Claims of {file}, for policygraph (format: see the README, section Curation).
# Name passages by their words: "first words … last words", or all the words of a short one;
# add after: "words just before it" when the words occur more than once in the text.
# Compile with: policygraph compile {claims} --sources DIR -o {stem}.ttl
format: policygraph-claims/1
source:
  document: {doc}
  file: {file}
  sha256: {sha}
documents:
  {doc}:
    type: {type}
    label:
      nb: {label}
      en: {label}
claims: {{}}
# claims:
#   my-first-claim:
#     type: Finding            # Finding, Recommendation, PolicyGoal, Statement, Event
#     statement:
#       nb: Med egne ord, på bokmål.
#       en: In your own words, in English.
#     asserted-by: some-actor
#     stated-in: {doc}
#     topic: folkehelsearbeid
#     at: "first words … last words"
"""


@click.command("start")
@click.argument("text", metavar="TEXT_FILE")
@click.option("--id", "doc_id", required=True, help="A short id for the document (a slug).")
@click.option("--type", "doc_type", type=click.Choice(_DOC_TYPES), default="Report",
              show_default=True, help="What kind of document it is.")  # fmt: skip
@click.option("--label", default=None, help="Its name (default: the id).")
@click.option(
    "-o", "--output", metavar="FILE", help="Claims file to write (default ID.claims.yaml)."
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def start_command(
    text: str, doc_id: str, doc_type: str, label: str | None, output: str | None, debug: bool
) -> None:
    """Register a new source text (its SHA-256 and file name) and write the claims file to
    fill in. An existing claims file is never overwritten."""
    try:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", doc_id):
            raise _Fail(f"--id {doc_id!r}: use letters, digits, '.', '_' or '-'")
        path = Path(text)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise _Fail(f"{path}: {exc.strerror or exc}") from exc
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Fail(f"{path}: not UTF-8 text (convert it first)") from exc
        target = Path(output or f"{doc_id}.claims.yaml")
        if target.exists():
            raise _Fail(f"{target}: already exists; not overwritten")
        content = _SKELETON.format(
            file=path.name,
            claims=target.name,
            stem=target.name.split(".")[0],
            doc=doc_id,
            sha=hashlib.sha256(raw).hexdigest(),
            type=doc_type,
            label=json.dumps(label or doc_id, ensure_ascii=False),
        )
        _write(str(target), content)
        click.echo(
            f"{target}: claims file for {path.name} (SHA-256 {content.split('sha256: ')[1][:12]}…)"
        )
    except _Fail as exc:
        if debug:
            raise
        click.echo(f"policygraph: error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None


@click.command("decompile")
@click.option("--sources", metavar="DIR", required=True, help="Folder holding the source texts.")
@click.option("-o", "--output", metavar="DIR", required=True, help="Folder to write claims files.")
@common()
def decompile_command(
    data: tuple[str, ...], no_bundled_data: bool, fmt: str, sources: str, output: str
) -> int:
    """Write the data as claims files (one per source text, and common.claims.yaml)."""
    from .decompile import decompile

    files = decompile(_data_graph(data, no_bundled_data), Path(sources))
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        _write(str(folder / name), text)
    if fmt == "json":
        click.echo(json.dumps(sorted(str(folder / n) for n in files)))
    else:
        for name in files:
            click.echo(str(folder / name))
    return EXIT_OK


@click.command("fingerprint")
@click.option("--sources", metavar="DIR", required=True, help="Folder holding the source texts.")
@click.option("-o", "--output", metavar="FILE", help="Write the Turtle here (atomically).")
@common()
def fingerprint_command(
    data: tuple[str, ...], no_bundled_data: bool, fmt: str, sources: str, output: str | None
) -> int:
    """Word fingerprints of the anchors and file names of the texts, for re-anchoring data
    written as Turtle (the bundled data keeps them in data/reanchoring.ttl)."""
    from . import to_turtle
    from .reanchor import fingerprint_graph

    data_graph = _data_graph(data, no_bundled_data)
    from ..namespaces import PG

    for triple in list(data_graph.triples((None, _uri(PG + "wordFingerprint"), None))):
        data_graph.remove(triple)
    turtle = to_turtle(fingerprint_graph(data_graph, Path(sources)))
    head = (
        "# Re-anchoring aids (file names, word fingerprints): written by policygraph fingerprint\n"
    )
    if output is None:
        click.echo(head + turtle, nl=False)
    else:
        _write(output, head + turtle)
    return EXIT_OK


def _mapping(graph: Any, pairs: tuple[str, ...]) -> dict[str, Path]:
    from ..namespaces import PGD, expand_curie

    out = {}
    for pair in pairs:
        doc, sep, file = pair.partition("=")
        if not sep or not doc or not file:
            raise _Fail(f"--map expects DOC=FILE, got {pair!r}")
        iri = doc if doc.startswith(("http://", "https://")) else expand_curie(doc)
        out[iri or PGD + "doc/" + doc] = Path(file)
    return out


def run_reanchor(
    data: tuple[str, ...],
    no_bundled_data: bool,
    fmt: str,
    sources: str,
    output: str | None,
    maps: tuple[str, ...],
) -> int:
    """``anchors --sources DIR --reanchor``: every anchor verified, moved, fuzzy or lost."""
    from . import to_turtle
    from .reanchor import reanchor, updated_graph

    graph = _data_graph(data, no_bundled_data)
    results, texts = reanchor(graph, Path(sources), _mapping(graph, maps))
    if output is not None:
        _write(output, to_turtle(updated_graph(graph, results, texts)))
    lost = sum(r.status == "lost" for r in results)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        from ..namespaces import shorten

        for r in results:
            old = f"[{r.old[0]}, {r.old[1]})"
            line = f"{r.status:<8} {shorten(r.anchor)} {old}"
            if r.new is not None and r.new != r.old:
                line += f" -> [{r.new[0]}, {r.new[1]})"
            if r.status == "fuzzy":
                line += f" ({r.similarity:.0%} similar)"
            if r.problem:
                line += f": {r.problem}"
            click.echo(line)
        counts = {s: sum(r.status == s for r in results) for s in ("verified", "moved", "fuzzy")}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items()) + f", {lost} lost"
        if output is not None:
            summary += f"; wrote {output}" + (" (lost anchors left as they were)" if lost else "")
        click.echo(summary)
    return EXIT_PROBLEMS if lost else EXIT_OK


def register(group: click.Group) -> None:
    for command in (start_command, compile_command, decompile_command, fingerprint_command):
        group.add_command(command)
