"""The ``policygraph`` command line: a thin layer over the library.

Exit codes: 0 success (validate: the data conforms); 1 the check found problems (validate:
violations; anchors: an anchor does not verify; gaps: gaps found); 2 a user's error (a bad or
missing file, an unknown id, a bad, refused or timed-out query), reported in one line without a
traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .cli_remote import connect_endpoint, endpoint_options, refuse_endpoint, remember_endpoint

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


class _Fail(Exception):
    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def common(formats: tuple[str, ...] = ("text", "json")) -> Callable[[F], F]:
    """Options every command takes, and the error handling every command shares."""

    def decorate(func: F) -> F:
        @click.option(
            "--data", "data", multiple=True, metavar="FILE", help="Add an RDF file (repeatable)."
        )
        @click.option(
            "--no-bundled-data",
            is_flag=True,
            help="Load only the ontology and concepts, not the bundled data.",
        )
        @click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default=formats[0],
            show_default=True,
            help="Output format.",
        )
        @click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
        @endpoint_options
        @functools.wraps(func)
        def wrapper(*args: Any, debug: bool, **kwargs: Any) -> None:
            from .errors import PolicyGraphError

            try:
                remember_endpoint(kwargs)
                code = func(*args, **kwargs)
            except BrokenPipeError:
                import os

                # The reader went away (``policygraph trace --all | head``): not an error.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(EXIT_OK)
            except (PolicyGraphError, OSError, _Fail) as exc:
                if debug:
                    raise
                message = str(exc).replace("\n", " ")
                if isinstance(exc, OSError) and exc.filename:
                    message = f"{exc.filename}: {exc.strerror}"
                click.echo(f"policygraph: error: {message}", err=True)
                sys.exit(getattr(exc, "code", EXIT_USAGE) if isinstance(exc, _Fail) else EXIT_USAGE)
            except KeyboardInterrupt:
                sys.exit(130)
            sys.exit(code or EXIT_OK)

        return wrapper  # type: ignore[return-value]

    return decorate


def _load(data: tuple[str, ...], no_bundled_data: bool) -> Any:
    remote = connect_endpoint(data)
    if remote is not None:
        return remote
    from .graph import load
    from .stores import default_store

    return load(*data, bundled_data=not no_bundled_data, store=default_store())


def _json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policygraph")
def cli() -> None:
    """Health-policy claims as a knowledge graph: validate, query, trace, export."""


@cli.command()
@click.option("--shapes", metavar="FILE", help="Validate with these shapes instead.")
@common()
def validate(data: tuple[str, ...], no_bundled_data: bool, fmt: str, shapes: str | None) -> int:
    """Check the graph against the SHACL shapes (exit 1 on violations)."""
    report = _load(data, no_bundled_data).validate(shapes)
    if fmt == "json":
        click.echo(report.to_json())
    else:
        click.echo(str(report))
    return EXIT_OK if report.conforms else EXIT_PROBLEMS


def _binding(text: str) -> tuple[str, Any]:
    from rdflib import URIRef

    from .namespaces import expand_curie

    name, sep, value = text.partition("=")
    if not sep or not name:
        raise _Fail(f"--bind expects NAME=VALUE, got {text!r}")
    if value.startswith("<") and value.endswith(">"):
        return name, URIRef(value[1:-1])
    expanded = expand_curie(value)
    return name, URIRef(expanded) if expanded else value


@cli.command()
@click.argument("sparql", metavar="QUERY_OR_@FILE")
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME: <iri> or a CURIE binds an IRI, anything else a string.",
)
@click.option("--allow-service", is_flag=True, help="Allow SERVICE and FROM (network).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the query after this long (exit 2).",
)
@common(("text", "json", "csv"))
def query(
    data: tuple[str, ...],
    no_bundled_data: bool,
    fmt: str,
    sparql: str,
    binds: tuple[str, ...],
    allow_service: bool,
    timeout: float | None,
) -> int:
    """Run a read-only SPARQL query (text, or @FILE to read it from a file)."""
    if sparql.startswith("@"):
        from .loading import read_text

        sparql = read_text(Path(sparql[1:]))
    bindings = dict(_binding(b) for b in binds)
    graph = _load(data, no_bundled_data)
    result = graph.query(sparql, allow_service=allow_service, timeout=timeout, **bindings)
    output = {"json": result.to_json, "csv": result.to_csv, "text": result.to_text}[fmt]()
    click.echo(output, nl=not output.endswith("\n"))
    return EXIT_OK


@cli.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "all_", is_flag=True, help="Trace every recommendation.")
@common()
def trace(
    data: tuple[str, ...], no_bundled_data: bool, fmt: str, ids: tuple[str, ...], all_: bool
) -> int:
    """The evidence behind recommendations, down to the text spans."""
    if not ids and not all_:
        raise _Fail("give a recommendation id, or --all")
    graph = _load(data, no_bundled_data)
    traces = graph.trace_all() if all_ else [graph.trace(i) for i in ids]
    if fmt == "json":
        _json([t.to_dict() for t in traces])
    else:
        click.echo("\n\n".join(str(t) for t in traces))
        links = sum(len(t.edges) for t in traces)
        click.echo(f"\n{len(traces)} recommendation(s), {links} evidence link(s)")
    return EXIT_OK


@cli.command()
@common()
def gaps(data: tuple[str, ...], no_bundled_data: bool, fmt: str) -> int:
    """Recommendations resting on nothing and claims missing sources, anchors or topics
    (exit 1 when there are any)."""
    found = _load(data, no_bundled_data).gaps()
    if fmt == "json":
        _json([g.to_dict() for g in found])
    else:
        for gap in found:
            click.echo(str(gap))
        click.echo(f"{len(found)} gap(s)")
    return EXIT_PROBLEMS if found else EXIT_OK


@cli.command()
@click.option("--sources", metavar="DIR", help="Verify anchors against the texts in DIR.")
@click.option("--reanchor", is_flag=True, help="Find each anchor again in revised texts.")
@click.option("-o", "--output", metavar="FILE", help="With --reanchor: write re-anchored data.")
@click.option(
    "--map", "maps", multiple=True, metavar="DOC=FILE", help="With --reanchor: DOC's text."
)
@common()
def anchors(
    data: tuple[str, ...],
    no_bundled_data: bool,
    fmt: str,
    sources: str | None,
    reanchor: bool = False,
    output: str | None = None,
    maps: tuple[str, ...] = (),
) -> int:
    """List every text anchor; with --sources, resolve and verify them (exit 1 on failure);
    with --reanchor, report each as verified, moved, fuzzy or lost (exit 1 if any is lost)."""
    if reanchor or output or maps:
        from .authoring.cli import run_reanchor

        if not (reanchor and sources):
            raise _Fail("-o and --map go with --sources DIR --reanchor")
        refuse_endpoint("anchors --reanchor")
        return run_reanchor(data, no_bundled_data, fmt, sources, output, maps)
    from .anchors import SourceTexts, check_anchor

    graph = _load(data, no_bundled_data)
    view = graph.view
    refs = view.all_anchors()
    from rdflib import URIRef

    types = {r.resource: view.most_specific_type(URIRef(r.resource)) for r in refs}
    if sources is None:
        rows = [dict(r.to_dict(), type=types[r.resource]) for r in refs]
        if fmt == "json":
            _json(
                [
                    {
                        k: row[k]
                        for k in ("resource", "type", "document", "document_sha256", "start", "end")
                    }
                    for row in rows
                ]
            )
        else:
            from .namespaces import shorten

            for r in refs:
                click.echo(
                    f"{shorten(r.resource)}  {types[r.resource]}  "
                    f"{shorten(r.document or '?')} [{r.start}, {r.end})"
                )
            click.echo(f"{len(refs)} anchor(s)")
        return EXIT_OK
    texts = SourceTexts(Path(sources))
    checks = [check_anchor(r, types[r.resource], texts) for r in refs]
    failed = [c for c in checks if not c.verified]
    if fmt == "json":
        _json([c.to_dict() for c in checks])
    else:
        from .namespaces import shorten

        for c in checks:
            mark = "ok  " if c.verified else "FAIL"
            line = f"{mark} {shorten(c.anchor.resource)} [{c.anchor.start}, {c.anchor.end})"
            line += f": {c.problem}" if c.problem else f": {(c.quote or '')[:70]!r}"
            click.echo(line)
        click.echo(f"{len(checks) - len(failed)} of {len(checks)} anchor(s) verified")
    return EXIT_PROBLEMS if failed else EXIT_OK


@cli.command()
@click.option("--sources", metavar="DIR", required=True, help="Folder of source texts.")
@common()
def coverage(data: tuple[str, ...], no_bundled_data: bool, fmt: str, sources: str) -> int:
    """How many sentences of each source text the anchors cover, and which are left."""
    from rdflib import Literal, URIRef

    from .anchors import SourceTexts
    from .anchors import coverage as measure
    from .namespaces import PG, shorten

    graph = _load(data, no_bundled_data)
    texts = SourceTexts(Path(sources))
    refs = graph.view.all_anchors()
    reports = []
    for sha, (path, text) in sorted(texts.by_sha.items(), key=lambda kv: kv[1][0].name):
        docs = sorted(str(d) for d in graph.graph.subjects(URIRef(PG + "textSha256"), Literal(sha)))
        doc = docs[0] if docs else None
        mine = [r for r in refs if r.document_sha256 == sha]
        reports.append(measure(path, text, doc, mine))
    if fmt == "json":
        _json([r.to_dict() for r in reports])
    else:
        for r in reports:
            click.echo(
                f"{Path(r.path).name} ({shorten(r.document) if r.document else 'no document'}): "
                f"{r.covered}/{len(r.sentences)} sentences covered ({r.share:.0%})"
            )
            for s in r.sentences:
                if not s.covered:
                    click.echo(f"  uncovered [{s.start}, {s.end}): {s.text[:90]}")
    return EXIT_OK


@cli.command()
@click.option("-o", "--output", metavar="FILE", help="Write here (atomically); default stdout.")
@common(("auto", "turtle", "nt", "nquads", "jsonld", "trig"))
def export(data: tuple[str, ...], no_bundled_data: bool, fmt: str, output: str | None) -> int:
    """Write the graph as deterministic Turtle, N-Triples, N-Quads, JSON-LD or TriG."""
    graph = _load(data, no_bundled_data)
    chosen = None if fmt == "auto" else fmt  # auto: from the extension of -o, else Turtle
    if output is None:
        click.echo(graph.export(None, chosen or "turtle"), nl=False)
    else:
        graph.export(output, chosen)
    return EXIT_OK


@cli.command()
@common()
def stats(data: tuple[str, ...], no_bundled_data: bool, fmt: str) -> int:
    """Counts: triples, claims by type, documents, actors, anchors, links by basis."""
    numbers = _load(data, no_bundled_data).stats()
    if fmt == "json":
        _json(numbers)
    else:
        for key, value in numbers.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{k} {v}" for k, v in value.items())
                click.echo(f"{key}: {inner}")
            else:
                click.echo(f"{key}: {value}")
    return EXIT_OK


@cli.command()
@click.argument("ref", metavar="ID")
@common()
def show(data: tuple[str, ...], no_bundled_data: bool, fmt: str, ref: str) -> int:
    """Everything the graph says about one resource (IRI, CURIE or slug)."""
    from .namespaces import shorten

    info = _load(data, no_bundled_data).describe(ref)
    if fmt == "json":
        _json(info)
        return EXIT_OK
    click.echo(f"{shorten(info['id'])}  ({info['type'] or 'untyped'})  {info['label']}")
    for prop, values in info["properties"].items():
        for value in values:
            click.echo(f"  {shorten(prop)}  {shorten(value)}")
    for prop, subjects in info["incoming"].items():
        for subject in subjects:
            click.echo(f"  ^{shorten(prop)}  {shorten(subject)}")
    return EXIT_OK


def _register_curation() -> None:
    from .authoring.cli import register  # curation commands: start, compile, decompile, ...

    register(cli)


_register_curation()
__import__("policygraph.site.cli", fromlist=["register"]).register(cli)  # policygraph site
from .cli_push import push as _push  # noqa: E402 (it uses what this module defines)

cli.add_command(_push)


def main() -> None:
    cli(prog_name="policygraph")
