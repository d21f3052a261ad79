"""Word-shingle fingerprints: what lets an anchor be found again in a revised text without the
data quoting it.

A text is cut into words (runs of non-space characters, NFC-normalised); a shingle is two
consecutive words; its fingerprint is the first 16 bits of the SHA-256 of the pair. An anchor
keeps, in one literal (``pg:wordFingerprint``), the shingles of its span and of the six words
before and after it, as hex: ``v1;trim=LEAD,TRAIL;span=a1b2.c3d4;before=...;after=...``.
Sixteen bits give tens of thousands of word pairs per value, so the fingerprint does not reveal
the text; a run of them
in order is still unmistakable (a false match of five in a row in a 2 MB text: about 2^-60).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["CONTEXT_WORDS", "PATTERN", "Fingerprint", "Words", "fingerprint", "shingles"]

CONTEXT_WORDS = 6
_WORD = re.compile(r"\S+")


def _h(words: str) -> str:
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:4]


class Words:
    """The words of a text with their code-point spans, and the hash of every shingle."""

    def __init__(self, text: str) -> None:
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        words = [text[a:b] for a, b in spans]
        if not unicodedata.is_normalized("NFC", text):
            words = [unicodedata.normalize("NFC", w) for w in words]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]
        self.words = words
        self.pairs = shingles(words)

    def index_at(self, offset: int) -> int:
        """The index of the first word starting at or after ``offset``."""
        from bisect import bisect_left

        return bisect_left(self.starts, offset)


def shingles(words: list[str]) -> list[str]:
    if len(words) == 1:
        return [_h(words[0])]
    return [_h(words[i] + " " + words[i + 1]) for i in range(len(words) - 1)]


@dataclass(frozen=True)
class Fingerprint:
    """``span``: the shingles of the words the span touches; ``lead`` / ``trail``: how many
    code points of its first / last word lie outside the span (a span may start after "**");
    ``prefix`` / ``suffix``: the shingles of the words around it."""

    span: tuple[str, ...]
    prefix: tuple[str, ...]
    suffix: tuple[str, ...]
    lead: int = 0
    trail: int = 0

    def __str__(self) -> str:
        return (
            f"v1;trim={self.lead},{self.trail};span={'.'.join(self.span)};"
            f"before={'.'.join(self.prefix)};after={'.'.join(self.suffix)}"
        )

    @classmethod
    def parse(cls, text: str) -> Fingerprint | None:
        match = PATTERN.fullmatch(text)
        if match is None:
            return None

        def part(value: str) -> tuple[str, ...]:
            return tuple(value.split(".")) if value else ()

        return cls(
            part(match["span"]),
            part(match["before"]),
            part(match["after"]),
            int(match["lead"]),
            int(match["trail"]),
        )


_HEX = r"[0-9a-f]{4}(?:\.[0-9a-f]{4})*"
PATTERN = re.compile(
    rf"v1;trim=(?P<lead>\d+),(?P<trail>\d+);span=(?P<span>{_HEX});"
    rf"before=(?P<before>(?:{_HEX})?);after=(?P<after>(?:{_HEX})?)"
)


def fingerprint(words: Words, start: int, end: int) -> Fingerprint | None:
    """The fingerprint of the span ``[start, end)`` (None for an empty span or one of spaces
    only)."""
    from bisect import bisect_right

    first = bisect_right(words.starts, start) - 1
    if first < 0 or words.ends[first] <= start:
        first += 1  # start falls in white space: the span begins with the next word
    last = bisect_right(words.starts, end - 1) - 1
    if last < first or first >= len(words.words):
        return None
    lead = max(start - words.starts[first], 0)
    trail = max(words.ends[last] - end, 0)
    span = words.words[first : last + 1]
    before = words.words[max(first - CONTEXT_WORDS, 0) : first]
    after = words.words[last + 1 : last + 1 + CONTEXT_WORDS]
    return Fingerprint(
        tuple(shingles(span)),
        tuple(shingles(before)) if before else (),
        tuple(shingles(after)) if after else (),
        lead,
        trail,
    )
