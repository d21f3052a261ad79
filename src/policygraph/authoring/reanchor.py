"""Finding anchors again in a revised source text, and never guessing.

Each anchor comes out ``verified`` (its span SHA-256 still holds at its offsets), ``moved``
(the same words, found once, elsewhere), ``fuzzy`` (found approximately: most of its word
shingles in order at one place only, with the words around it agreeing; ``similarity`` says how
much) or ``lost`` (not found, or found in more than one place). Words are compared as word
shingles: from ``pg:wordFingerprint`` for data that may not quote its source, or from the
``oa:exact`` / ``oa:prefix`` / ``oa:suffix`` quote for data that may.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from ..anchors import SourceTexts
from ..errors import AnchorError
from ..namespaces import PG, PREFIXES
from .fingerprint import CONTEXT_WORDS, Fingerprint, Words, fingerprint, shingles
from .textindex import Locator, NormalizedText, normalize_words

__all__ = ["Reanchored", "fingerprint_graph", "reanchor", "updated_graph"]

_OA = PREFIXES["oa"]
MIN_SIMILARITY = 0.5
SURE_SIMILARITY = 0.8
_WINDOW = 6


@dataclass(frozen=True)
class Reanchored:
    """What became of one anchor in its document's current text."""

    anchor: str
    resources: tuple[str, ...]
    document: str | None
    status: str  # verified, moved, fuzzy, lost
    old: tuple[int | None, int | None]
    new: tuple[int, int] | None
    similarity: float | None
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "anchor": self.anchor,
            "resource": self.resources[0] if self.resources else None,
            "resources": list(self.resources),
            "document": self.document,
            "status": self.status,
            "old": {"start": self.old[0], "end": self.old[1]},
            "new": {"start": self.new[0], "end": self.new[1]} if self.new else None,
            "similarity": self.similarity,
        }
        if self.problem:
            out["problem"] = self.problem
        return out


@dataclass
class _Text:
    path: Path
    text: str
    sha: str
    revised: bool
    _words: Words | None = None
    _index: dict[str, list[int]] | None = None
    _single: dict[str, list[int]] | None = None
    _single_hashes: list[str] | None = None

    @property
    def words(self) -> Words:
        if self._words is None:
            self._words = Words(self.text)
        return self._words

    @property
    def single_hashes(self) -> list[str]:
        """The hash of every word alone (for spans of one word)."""
        if self._single_hashes is None:
            self._single_hashes = [shingles([w])[0] for w in self.words.words]
        return self._single_hashes

    def positions(self, single: bool) -> dict[str, list[int]]:
        if single:
            if self._single is None:
                table: dict[str, list[int]] = defaultdict(list)
                for j, h in enumerate(self.single_hashes):
                    table[h].append(j)
                self._single = table
            return self._single
        if self._index is None:
            table = defaultdict(list)
            for j, h in enumerate(self.words.pairs):
                table[h].append(j)
            self._index = table
        return self._index


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _int(value: Any) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def _texts_for(graph: Graph, sources: Path, mapping: dict[str, Path]) -> dict[str, _Text | str]:
    """Each document's current text, or why there is none."""
    by_sha = SourceTexts(sources)
    out: dict[str, _Text | str] = {}
    for doc in {str(d) for d in graph.objects(None, URIRef(PG + "sourceDocument"))}:
        node = URIRef(doc)
        sha = graph.value(node, URIRef(PG + "textSha256"))
        if doc in mapping:
            path = mapping[doc]
        else:
            found = by_sha.text_for(str(sha) if sha is not None else None)
            if found is not None:
                out[doc] = _Text(found[0], found[1], str(sha), revised=False)
                continue
            name = graph.value(node, URIRef(PG + "textFileName"))
            if name is None:
                out[doc] = f"no file in {sources} has its SHA-256, and it records no file name"
                continue
            path = sources / str(name)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            out[doc] = f"{path}: {exc.strerror or exc}"
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            out[doc] = f"{path}: not UTF-8 text"
            continue
        digest = hashlib.sha256(raw).hexdigest()
        out[doc] = _Text(path, text, digest, revised=digest != (str(sha) if sha else None))
    return out


def _print_of(graph: Graph, node: URIRef) -> Fingerprint | None:
    value = graph.value(node, URIRef(PG + "wordFingerprint"))
    if value is not None:
        return Fingerprint.parse(str(value))
    exact = graph.value(node, URIRef(_OA + "exact"))
    if exact is None:
        return None
    words = str(exact).split()
    before = str(graph.value(node, URIRef(_OA + "prefix")) or "").split()[1:][-CONTEXT_WORDS:]
    after = str(graph.value(node, URIRef(_OA + "suffix")) or "").split()[:-1][:CONTEXT_WORDS]
    return Fingerprint(
        tuple(shingles(words)) if words else (),
        tuple(shingles(before)) if before else (),
        tuple(shingles(after)) if after else (),
    )


def _context_score(words: Words, fp: Fingerprint, first: int, last: int) -> int:
    """How many context shingles agree around the word range ``[first, last]``."""
    score = 0
    pairs = words.pairs
    k = len(fp.prefix)
    for i, h in enumerate(fp.prefix):
        j = first - (k + 1) + i
        if 0 <= j < len(pairs) and pairs[j] == h:
            score += 1
    for i, h in enumerate(fp.suffix):
        j = last + 1 + i
        if 0 <= j < len(pairs) and pairs[j] == h:
            score += 1
    return score


def _find(text: _Text, fp: Fingerprint) -> tuple[str, tuple[int, int] | None, float, str | None]:
    """(status, span, similarity, problem) for a fingerprint in a text."""
    n = len(fp.span)
    if n == 0:
        return "lost", None, 0.0, "the anchor has no words to find"
    words = text.words
    # A one-shingle fingerprint is either one word or two: try both.
    variants = [(False, n + 1)] + ([(True, 1)] if n == 1 else [])
    exact: list[tuple[int, int]] = []
    for single, m in variants:
        seq = text.single_hashes if single else words.pairs
        for j in text.positions(single).get(fp.span[0], []):
            if seq[j : j + n] == list(fp.span):
                exact.append((j, j + m - 1))
    if exact:
        if len(exact) > 1:
            scored = sorted(
                ((_context_score(words, fp, a, b), (a, b)) for a, b in exact), reverse=True
            )
            if scored[0][0] == 0 or scored[0][0] == scored[1][0]:
                return "lost", None, 0.0, f"the words occur {len(exact)} times"
            exact = [scored[0][1]]
        first, last = exact[0]
        return "moved", _span(words, fp, first, last), 1.0, None
    # Approximate: vote for alignments of the span's shingles against the text's.
    index = text.positions(False)
    votes: dict[int, int] = defaultdict(int)
    for i, h in enumerate(fp.span):
        hits = index.get(h, [])
        if len(hits) > 50:
            continue  # a pair of very common words says nothing
        for j in hits:
            votes[j - i] += 1
    if not votes:
        return "lost", None, 0.0, "none of its words are found"
    clusters: dict[int, int] = defaultdict(int)
    for d, v in votes.items():
        clusters[d // _WINDOW] += v
    ranked = sorted(clusters.items(), key=lambda kv: (-kv[1], kv[0]))
    best_bucket = ranked[0][0]
    rivals = [v for b, v in ranked[1:] if abs(b - best_bucket) * _WINDOW > n + _WINDOW]
    d = max((d for d in votes if d // _WINDOW == best_bucket), key=lambda d: votes[d])
    lo = max(d - _WINDOW, 0)
    region = words.pairs[lo : d + n + _WINDOW]
    matcher = difflib.SequenceMatcher(None, list(fp.span), region, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    matched = sum(b.size for b in blocks)
    similarity = round(matched / n, 3)
    if not blocks or similarity < MIN_SIMILARITY:
        return "lost", None, similarity, f"at best {similarity:.0%} of its words in order"
    if rivals and rivals[0] * 2 > ranked[0][1]:
        return "lost", None, similarity, "similar passages in more than one place"
    first_pair = lo + blocks[0].b - blocks[0].a
    tail = blocks[-1]
    last_pair = lo + tail.b + tail.size - 1 + (n - (tail.a + tail.size))
    first, last = first_pair, last_pair + 1
    if first < 0 or last >= len(words.words) or last < first:
        return "lost", None, similarity, "its ends fall outside the text"
    context = _context_score(words, fp, first, last)
    if similarity < SURE_SIMILARITY and context == 0:
        return "lost", None, similarity, "the words around it do not agree"
    return "fuzzy", _span(words, fp, first, last), similarity, None


def _span(words: Words, fp: Fingerprint, first: int, last: int) -> tuple[int, int]:
    return words.starts[first] + fp.lead, words.ends[last] - fp.trail


def _by_quote(graph: Graph, node: URIRef, text: _Text) -> tuple[int, int] | None:
    exact = graph.value(node, URIRef(_OA + "exact"))
    if exact is None:
        return None
    index = NormalizedText(text.text)
    found = index.locate(Locator(normalize_words(str(exact))))
    if len(found.spans) == 1:
        return found.spans[0]
    prefix = graph.value(node, URIRef(_OA + "prefix"))
    if len(found.spans) > 1 and prefix is not None:
        tail = normalize_words(str(prefix)).split(" ")[-3:]
        located = index.locate(Locator(normalize_words(str(exact)), None, " ".join(tail)))
        if len(located.spans) == 1:
            return located.spans[0]
    return None


def reanchor(
    graph: Graph, sources: Path, mapping: dict[str, Path] | None = None
) -> tuple[list[Reanchored], dict[str, _Text]]:
    """Every anchor of ``graph`` against the texts in ``sources`` (a document's text: the file
    with its SHA-256, else ``mapping[doc]``, else the file named by its ``pg:textFileName``)."""
    if not sources.is_dir():
        raise AnchorError(f"{sources}: sources folder not found")
    texts = _texts_for(graph, sources, mapping or {})
    resources: dict[str, list[str]] = defaultdict(list)
    for prop in ("anchor", "basisAnchor"):
        for r, a in graph.subject_objects(URIRef(PG + prop)):
            resources[str(a)].append(str(r))
    results = []
    anchors = sorted({str(a) for a in graph.subjects(URIRef(PG + "sourceDocument"), None)})
    for anchor in anchors:
        node = URIRef(anchor)
        doc = graph.value(node, URIRef(PG + "sourceDocument"))
        start = _int(graph.value(node, URIRef(_OA + "start")))
        end = _int(graph.value(node, URIRef(_OA + "end")))
        span_sha = str(graph.value(node, URIRef(PG + "spanSha256")) or "")
        text = texts.get(str(doc)) if doc is not None else "no source document"
        owners = tuple(sorted(set(resources.get(anchor, []))))
        document = str(doc) if doc is not None else None

        def outcome(
            status: str,
            new: tuple[int, int] | None,
            similarity: float | None,
            problem: str | None = None,
            *,
            _a: str = anchor,
            _o: tuple[str, ...] = owners,
            _d: str | None = document,
            _old: tuple[int | None, int | None] = (start, end),
        ) -> Reanchored:
            return Reanchored(_a, _o, _d, status, _old, new, similarity, problem)

        if not isinstance(text, _Text):
            results.append(outcome("lost", None, None, text or "no text"))
            continue
        if (
            start is not None
            and end is not None
            and 0 <= start < end <= len(text.text)
            and _sha(text.text[start:end]) == span_sha
        ):
            results.append(outcome("verified", (start, end), 1.0))
            continue
        quoted = _by_quote(graph, node, text)
        if quoted is not None:
            results.append(outcome("moved", quoted, 1.0))
            continue
        fp = _print_of(graph, node)
        if fp is None:
            results.append(
                outcome("lost", None, None, "no word fingerprint or quote to find it by")
            )
            continue
        status, span, similarity, problem = _find(text, fp)
        results.append(outcome(status, span, similarity if status != "lost" else None, problem))
    return results, {d: t for d, t in texts.items() if isinstance(t, _Text)}


def updated_graph(data: Graph, results: list[Reanchored], texts: dict[str, _Text]) -> Graph:
    """A copy of ``data`` with every re-found anchor at its new offsets (span hash, fingerprint
    and quote renewed) and each revised document's new text hash; lost anchors as they were."""
    out = Graph()
    for triple in data:
        out.add(triple)
    for r in results:
        if r.status == "lost" or r.new is None or r.document is None:
            continue
        text = texts[r.document]
        node = URIRef(r.anchor)
        start, end = r.new
        out.set((node, URIRef(_OA + "start"), Literal(start)))
        out.set((node, URIRef(_OA + "end"), Literal(end)))
        out.set((node, URIRef(PG + "spanSha256"), Literal(_sha(text.text[start:end]))))
        if (node, URIRef(PG + "wordFingerprint"), None) in data:
            fp = fingerprint(text.words, start, end)
            if fp is not None:
                out.set((node, URIRef(PG + "wordFingerprint"), Literal(str(fp))))
        if (node, URIRef(_OA + "exact"), None) in data:
            out.set((node, URIRef(_OA + "exact"), Literal(text.text[start:end])))
            out.set((node, URIRef(_OA + "prefix"), Literal(text.text[max(start - 32, 0) : start])))
            out.set((node, URIRef(_OA + "suffix"), Literal(text.text[end : end + 32])))
    for doc, text in texts.items():
        if text.revised:
            out.set((URIRef(doc), URIRef(PG + "textSha256"), Literal(text.sha)))
            out.set((URIRef(doc), URIRef(PG + "textFileName"), Literal(text.path.name)))
    return out


def fingerprint_graph(data: Graph, sources: Path) -> Graph:
    """What re-anchoring needs and Turtle written by hand lacks: the file name of every
    document whose text is in ``sources`` and the word fingerprint of every anchor that
    verifies in it. (For data/reanchoring.ttl.)"""
    texts = SourceTexts(sources)
    out = Graph()
    words: dict[str, Words] = {}
    for anchor, doc in data.subject_objects(URIRef(PG + "sourceDocument")):
        sha = data.value(doc, URIRef(PG + "textSha256"))
        found = texts.text_for(str(sha) if sha is not None else None)
        if found is None:
            continue
        path, text = found
        out.add((doc, URIRef(PG + "textFileName"), Literal(path.name)))
        start = _int(data.value(anchor, URIRef(_OA + "start")))
        end = _int(data.value(anchor, URIRef(_OA + "end")))
        if start is None or end is None or not 0 <= start < end <= len(text):
            continue
        if _sha(text[start:end]) != str(data.value(anchor, URIRef(PG + "spanSha256"))):
            continue
        table = words.setdefault(str(sha), Words(text))
        fp = fingerprint(table, start, end)
        if fp is not None:
            out.add((anchor, URIRef(PG + "wordFingerprint"), Literal(str(fp))))
    return out
