"""Word-shingle fingerprints: what lets an anchor be found again in a revised text without the
data quoting it.

A text is cut into words (runs of non-space characters, NFC-normalised); a shingle is two
consecutive words; its fingerprint is the first 16 bits of the SHA-256 of the pair. An anchor
keeps, in one literal (``pg:wordFingerprint``), the shingles of its span and of the six words
before and after it, as hex: ``v1;trim=LEAD,TRAIL;span=a1b2.c3d4;before=...;after=...``.
Sixteen bits give tens of thousands of word pairs per value, so the fingerprint does not reveal
the text; a run of them in order is still unmistakable (a false match of five in a row in a
2 MB text: about 2^-60).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CONTEXT_WORDS",
    "PATTERN",
    "Fingerprint",
    "Words",
    "fingerprint",
    "fingerprint_in",
    "shingles",
]

CONTEXT_WORDS = 6
_WORD = re.compile(r"\S+")


def _h(words: str) -> str:
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:4]


class Words:
    """The words of a text (or of ``text[offset:]`` cut at white space) with their code-point
    spans in the whole text; the hash of every shingle on first use."""

    def __init__(self, text: str, offset: int = 0) -> None:
        matches = list(_WORD.finditer(text))
        words = [m.group() for m in matches]
        if not unicodedata.is_normalized("NFC", text):
            words = [unicodedata.normalize("NFC", w) for w in words]
        self.starts = [m.start() + offset for m in matches]
        self.ends = [m.end() + offset for m in matches]
        self.words = words
        self._pairs: list[str] | None = None

    @property
    def pairs(self) -> list[str]:
        if self._pairs is None:
            self._pairs = shingles(self.words) if self.words else []
        return self._pairs

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


def fingerprint_in(text: str, start: int, end: int) -> Fingerprint | None:
    """:func:`fingerprint` from the words near the span only (the same result, without cutting
    the whole text into words)."""
    margin = 160
    while True:
        lo = max(start - margin, 0)
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        hi = min(end + margin, len(text))
        while hi < len(text) and not text[hi].isspace():
            hi += 1
        words = Words(text[lo:hi], lo)
        before = words.index_at(start)
        after = len(words.starts) - words.index_at(end)
        enough = (before > CONTEXT_WORDS or lo == 0) and (after > CONTEXT_WORDS or hi == len(text))
        if enough:
            return fingerprint(words, start, end)
        margin *= 4
