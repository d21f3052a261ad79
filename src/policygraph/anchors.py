"""Resolving text anchors against source files, and measuring how much of a text they cover.

A source file is matched to its document by the SHA-256 of its bytes (``pg:textSha256``), never
by name: an edited text no longer matches, and its anchors fail loudly instead of drifting.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import AnchorError
from .model import AnchorRef

__all__ = ["AnchorCheck", "Coverage", "SourceTexts", "check_anchor", "coverage"]


@dataclass(frozen=True)
class AnchorCheck:
    anchor: AnchorRef
    type: str
    quote: str | None
    verified: bool
    problem: str | None

    def to_dict(self) -> dict[str, Any]:
        out = self.anchor.to_dict()
        out["type"] = self.type
        out["quote"] = self.quote
        out["verified"] = self.verified
        if self.problem:
            out["problem"] = self.problem
        return out


class SourceTexts:
    """The text files of a folder, by the SHA-256 of their bytes."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise AnchorError(f"{folder}: sources folder not found")
        self.folder = folder
        self.by_sha: dict[str, tuple[Path, str]] = {}
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            self.by_sha[hashlib.sha256(raw).hexdigest()] = (path, text)

    def text_for(self, sha: str | None) -> tuple[Path, str] | None:
        return self.by_sha.get(sha or "")


def check_anchor(anchor: AnchorRef, type_name: str, sources: SourceTexts) -> AnchorCheck:
    found = sources.text_for(anchor.document_sha256)
    if found is None:
        why = (
            "document has no pg:textSha256"
            if not anchor.document_sha256
            else f"no file in {sources.folder} has SHA-256 {anchor.document_sha256}"
        )
        return AnchorCheck(anchor, type_name, None, False, why)
    _, text = found
    start, end = anchor.start, anchor.end
    if start is None or end is None or not 0 <= start < end <= len(text):
        return AnchorCheck(
            anchor,
            type_name,
            None,
            False,
            f"offsets [{start}, {end}) fall outside the text ({len(text)} chars)",
        )
    quote = text[start:end]
    digest = hashlib.sha256(quote.encode("utf-8")).hexdigest()
    if digest != anchor.span_sha256:
        return AnchorCheck(
            anchor,
            type_name,
            quote,
            False,
            f"span SHA-256 is {digest}, the anchor says {anchor.span_sha256}",
        )
    return AnchorCheck(anchor, type_name, quote, True, None)


# A sentence ends at . ! or ? followed by white space and no lower-case letter (so
# "19. februar" stays whole), before a bullet, or at a line break
# after a line with no closing punctuation (a heading) when the next line starts anew. Lines
# that wrap mid-sentence (the next line starts in lower case) do not end a sentence.
_BOUNDARY = re.compile(
    r"(?<=[.!?])\s+(?![a-zæøå])"
    r"|\s*(?=•)"
    r"|(?<=[^\s.!?,;])[ \t*]*\n\s*(?=[A-ZÆØÅ0-9–#*\[\-])"
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    covered: bool

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "covered": self.covered}


@dataclass(frozen=True)
class Coverage:
    """How many of a source text's sentences at least one anchor covers."""

    path: str
    document: str | None
    sentences: tuple[Sentence, ...]

    @property
    def covered(self) -> int:
        return sum(s.covered for s in self.sentences)

    @property
    def share(self) -> float:
        return self.covered / len(self.sentences) if self.sentences else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "document": self.document,
            "sentences": len(self.sentences),
            "covered": self.covered,
            "share": round(self.share, 4),
            "uncovered": [s.to_dict() for s in self.sentences if not s.covered],
        }


def split_sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for match in list(_BOUNDARY.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        if re.search(r"\w", chunk):
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk.rstrip())
            spans.append((pos + lead, pos + trail))
        if match:
            pos = match.end()
    return spans


def coverage(path: Path, text: str, document: str | None, anchors: list[AnchorRef]) -> Coverage:
    """A sentence counts as covered when anchors span at least half of its non-space
    characters."""
    marked = bytearray(len(text))
    for a in anchors:
        if a.start is not None and a.end is not None:
            marked[max(a.start, 0) : min(a.end, len(text))] = b"\x01" * (
                min(a.end, len(text)) - max(a.start, 0)
            )
    sentences = []
    for start, end in split_sentences(text):
        chars = [i for i in range(start, end) if not text[i].isspace()]
        hit = sum(marked[i] for i in chars)
        sentences.append(
            Sentence(
                start, end, " ".join(text[start:end].split()), bool(chars) and hit * 2 >= len(chars)
            )
        )
    return Coverage(str(path), document, tuple(sentences))
