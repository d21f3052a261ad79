"""Finding a passage of a source text by its words.

The text is searched in a normalised form (every run of white space, line breaks included,
becomes one space) with a map back to the code points of the text as the file reads, so a quote
that a PDF or a web page broke over lines is still found, and offsets are exact. Building the
map is linear in the number of white-space runs; each search is ``str.find`` on the normalised
text (C speed), never a scan per character in Python.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

__all__ = ["Located", "Locator", "NormalizedText", "normalize_words", "parse_words"]

_SPACE = re.compile(r"\s+")
# "first words … last words": an ellipsis (one character, or three dots) between spaces.
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")


def normalize_words(words: str) -> str:
    """Words as the normalised text holds them: runs of white space become one space."""
    return _SPACE.sub(" ", words).strip()


@dataclass(frozen=True)
class Locator:
    """How a curator names a passage: ``head`` alone (the words of the whole passage), or
    ``head`` … ``tail`` (its first and last words); ``after``: words shortly before it, for a
    passage whose words occur more than once."""

    head: str
    tail: str | None = None
    after: str | None = None

    def __str__(self) -> str:
        text = self.head if self.tail is None else f"{self.head} … {self.tail}"
        return text if self.after is None else f"{text} (after {self.after!r})"


def parse_words(words: str, after: str | None = None) -> Locator:
    """``"first words … last words"`` or ``"all the words"`` as a :class:`Locator`."""
    parts = [normalize_words(p) for p in _ELLIPSIS.split(words.strip(), maxsplit=1)]
    context = normalize_words(after) if after else None
    if len(parts) == 2 and parts[0] and parts[1]:
        return Locator(parts[0], parts[1], context)
    return Locator(normalize_words(words.replace("…", " ")), None, context)


@dataclass(frozen=True)
class Located:
    """The outcome of a search: ``spans`` in code points of the text, ``[start, end)``. One span
    means found; none means not found (``closest`` and ``similarity`` say what came nearest);
    several mean the words are not enough to tell."""

    spans: tuple[tuple[int, int], ...]
    closest: tuple[int, int] | None = None
    similarity: float = 0.0


# Every white-space character but the plain space (str.isspace), and runs of spaces.
_OTHER_SPACE = "".join(
    chr(c)
    for c in (
        *range(9, 14),
        *range(28, 32),
        133,
        160,
        5760,
        *range(8192, 8203),
        8232,
        8233,
        8239,
        8287,
        12288,
    )
)
_SPACES = re.compile(" {2,}")


class NormalizedText:
    """A source text with its white-space-normalised form and the offset map between them.

    Line breaks and other white space become plain spaces in place (``str.replace``, so offsets
    do not move); only runs of two or more spaces, collapsed to one, move offsets, and the map
    holds a breakpoint for each of those. Words of three or more are searched through an index
    of whole words: a passage's inner words are whole words of the text, so the positions of
    its rarest inner word are the only candidates, each checked with ``startswith``.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        flat = text
        for ch in _OTHER_SPACE:
            if ch in flat:
                flat = flat.replace(ch, " ")
        self.normalized = _SPACES.sub(" ", flat)
        norm_at: list[int] = [0]
        orig_at: list[int] = [0]
        removed = 0
        for match in _SPACES.finditer(flat):
            a, b = match.span()
            npos = a - removed
            norm_at.append(npos + 1)
            orig_at.append(b)
            removed += b - a - 1
        self._norm_at = norm_at
        self._orig_at = orig_at
        self._line_starts: list[int] | None = None
        self._words: dict[str, list[int]] = {}
        self._tokens: list[str] | None = None
        self._starts: list[int] = []
        self._full = False

    def to_original(self, npos: int) -> int:
        """The code-point offset in the text of the normalised position ``npos``."""
        k = bisect_right(self._norm_at, npos) - 1
        return self._orig_at[k] + (npos - self._norm_at[k])

    def span_of(self, nstart: int, nend: int) -> tuple[int, int]:
        return self.to_original(nstart), self.to_original(nend - 1) + 1

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a code-point offset (for messages)."""
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.text))
            self._line_starts = starts
        k = bisect_right(self._line_starts, offset) - 1
        return k + 1, offset - self._line_starts[k] + 1

    def prepare(self, needles: list[str]) -> None:
        """Index, in one pass over the text, the inner words of ``needles`` (for speed only)."""
        wanted: set[str] = set()
        for needle in needles:
            words = needle.split(" ")
            wanted.update(w for w in words[1:-1] if w not in self._words)
        if not wanted:
            return
        if self._tokens is None:
            tokens = self.normalized.split(" ")
            # Start of token i: the lengths of the tokens before it, plus one space each.
            self._starts = [0, *accumulate(len(t) + 1 for t in tokens)]
            self._tokens = tokens
        starts = self._starts
        found: dict[str, list[int]] = {w: [] for w in wanted}
        for i in [i for i, word in enumerate(self._tokens) if word in wanted]:
            found[self._tokens[i]].append(starts[i])
        self._words.update(found)

    def _candidates(self, needle: str) -> list[int] | None:
        """Where ``needle`` may start, from its rarest inner whole word; None when it has no
        inner word (fewer than three words)."""
        words = needle.split(" ")
        if len(words) < 3:
            return None
        if any(w not in self._words for w in words[1:-1]) and not self._full:
            # Not prepared in a batch: index every word once rather than a pass per search.
            self._words = {}
            self.prepare([" " + " ".join(set(self.normalized.split(" "))) + " "])
            self._full = True
        index = self._words
        best: tuple[int, int] | None = None
        lead = len(words[0]) + 1
        for i in range(1, len(words) - 1):
            count = len(index.get(words[i], ()))
            if best is None or count < best[0]:
                best = (count, lead)
            if count == 0:
                break
            lead += len(words[i]) + 1
        assert best is not None
        inner = needle[best[1] :].split(" ", 1)[0]
        return [p - best[1] for p in index.get(inner, []) if p >= best[1]]

    def _all(self, needle: str, start: int = 0) -> list[int]:
        hay = self.normalized
        candidates = self._candidates(needle)
        if candidates is not None:
            return [p for p in candidates if p >= start and hay.startswith(needle, p)]
        found = []
        i = hay.find(needle, start)
        while i >= 0:
            found.append(i)
            i = hay.find(needle, i + 1)
        return found

    def _first(self, needle: str, start: int) -> int:
        candidates = self._candidates(needle)
        if candidates is None:
            return self.normalized.find(needle, start)
        for p in candidates[bisect_right(candidates, start - 1) :]:
            if self.normalized.startswith(needle, p):
                return p
        return -1

    def locate(self, locator: Locator) -> Located:
        """Every passage ``locator`` can name (normalised search, exact offsets back)."""
        heads = self._all(locator.head) if locator.head else []
        if locator.after is not None and heads:
            # Keep, for each occurrence of the context words, the first passage after it.
            chosen = set()
            for a in self._all(locator.after):
                k = bisect_right(heads, a + len(locator.after) - 1)
                if k < len(heads):
                    chosen.add(heads[k])
            heads = sorted(chosen)
        spans: list[tuple[int, int]] = []
        for h in heads:
            if locator.tail is None:
                spans.append((h, h + len(locator.head)))
                continue
            t = self._first(locator.tail, h + len(locator.head))
            if t >= 0:
                spans.append((h, t + len(locator.tail)))
        unique = sorted(set(spans))
        if unique:
            return Located(tuple(self.span_of(a, b) for a, b in unique))
        closest, similarity = self.closest(locator)
        return Located((), closest, similarity)

    def closest(self, locator: Locator) -> tuple[tuple[int, int] | None, float]:
        """The passage that comes nearest to words that were not found, and how near (0-1).
        Only run for messages: candidate windows are voted for by the words they share with
        the locator, and the best few compared with difflib."""
        wanted = locator.head if locator.tail is None else locator.head
        words = wanted.split(" ")
        if not words or not wanted:
            return None, 0.0
        hay = self.normalized
        votes: dict[int, int] = {}
        for i, word in enumerate(words):
            if len(word) < 3:
                continue
            for at in self._all(word)[:2000]:
                # Estimate where the passage would start, in characters.
                lead = len(" ".join(words[:i])) + (1 if i else 0)
                start = max(at - lead, 0)
                bucket = start // 16
                votes[bucket] = votes.get(bucket, 0) + 1
        best: tuple[float, int, int] = (0.0, 0, 0)
        for bucket, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:8]:
            for start in range(max(bucket * 16 - 16, 0), bucket * 16 + 32, 4):
                window = hay[start : start + len(wanted)]
                ratio = difflib.SequenceMatcher(None, wanted, window, autojunk=False).ratio()
                if ratio > best[0]:
                    best = (ratio, start, start + len(window))
        if best[0] == 0.0:
            return None, 0.0
        # Widen the window to whole words for display.
        a, b = best[1], best[2]
        while a > 0 and hay[a - 1] != " ":
            a -= 1
        while b < len(hay) and hay[b] != " ":
            b += 1
        return self.span_of(a, max(b, a + 1)), best[0]
