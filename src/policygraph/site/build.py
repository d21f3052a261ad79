"""Building the site: every page rendered in memory, then written to a fresh folder that
replaces the old one in one rename, so a reader never sees half a site and pages of claims
that are gone do not linger."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExportError
from ..namespaces import PG
from .facts import TEXT, Facts, file_names

if TYPE_CHECKING:
    from ..graph import PolicyGraph

__all__ = ["SiteSummary", "build_site", "render_site"]

MARKER = ".policygraph-site"
ASSETS = ("site.css", "site.js")


@dataclass(frozen=True)
class SiteSummary:
    """What a build wrote: the folder, how many pages of each kind, anchors marked."""

    output: str
    pages: int
    claims: int
    texts: int
    anchors_marked: int

    def to_dict(self) -> dict[str, object]:
        return {
            "output": self.output,
            "pages": self.pages,
            "claims": self.claims,
            "texts": self.texts,
            "anchors_marked": self.anchors_marked,
        }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("policygraph")
    except PackageNotFoundError:
        return "0.0.0"


def _source_texts(facts: Facts, sources: Path | None) -> dict[str, tuple[str, str]]:
    """Document IRI -> (file name, text), matched by the SHA-256 of the file's bytes."""
    if sources is None:
        return {}
    from ..anchors import SourceTexts

    found = SourceTexts(sources)
    out = {}
    for doc in facts.documents:
        entry = found.text_for(facts.first(doc, PG + "textSha256"))
        if entry is not None:
            out[doc] = (entry[0].name, entry[1])
    return out


def render_site(graph: PolicyGraph, sources: Path | None = None) -> dict[str, str]:
    """Every file of the site, relative path -> text."""
    return _render(graph, sources)[0]


def _render(graph: PolicyGraph, sources: Path | None) -> tuple[dict[str, str], int]:
    from .ontology import Reference
    from .pages import Pages
    from .textpage import text_page

    facts = Facts(graph)
    texts = _source_texts(facts, sources)
    text_pages = file_names(TEXT, texts)
    marked = {
        a.anchor
        for a in facts.anchors
        if a.document in texts
        and a.start is not None
        and a.end is not None
        and 0 <= a.start < a.end <= len(texts[a.document][1])
    }
    pages = Pages(facts, text_pages, _version(), marked)
    files = {"index.html": pages.index(), "ontology.html": Reference(pages).page()}
    for claim in facts.claims:
        files[facts.pages[claim]] = pages.claim(claim)
    for actor in facts.actors:
        files[facts.pages[actor]] = pages.actor(actor)
    for doc in facts.documents:
        files[facts.pages[doc]] = pages.document(doc)
    for doc, (name, text) in texts.items():
        files[text_pages[doc]] = text_page(pages, doc, text, name)
    assets = resources.files("policygraph.site") / "assets"
    for name in ASSETS:
        files[f"assets/{name}"] = (assets / name).read_text(encoding="utf-8")
    return files, len(marked)


def _replaceable(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    return (folder / MARKER).exists() or not any(folder.iterdir())


def build_site(graph: PolicyGraph, output: Path, sources: Path | None = None) -> SiteSummary:
    """Write the site for ``graph`` to ``output``. An existing folder is replaced only when it
    is empty or an earlier site (it holds the marker file); anything else is refused."""
    output = Path(output)
    if output.exists() and not _replaceable(output):
        raise ExportError(f"{output}: exists and is not a policygraph site; choose another folder")
    files, marked = _render(graph, sources)
    parent = output.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=parent))
    except OSError as exc:
        raise ExportError(f"{output}: cannot write here ({exc.strerror or exc})") from exc
    try:
        for rel, text in sorted(files.items()):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        (staging / MARKER).write_bytes(b"")
        staging.chmod(0o755)
        old = None
        if output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old.", dir=parent))
            output.rename(old / "site")
        staging.rename(output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise ExportError(f"{output}: cannot write the site ({exc.strerror or exc})") from exc
    return SiteSummary(
        output=str(output),
        pages=sum(1 for rel in files if rel.endswith(".html")),
        claims=sum(1 for rel in files if rel.startswith("claim-")),
        texts=sum(1 for rel in files if rel.startswith("text-")),
        anchors_marked=marked,
    )
