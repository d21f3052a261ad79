"""Is a claim worded more strongly than the strength recorded for it?

A claim records how firmly its source puts it (``pg:strength``, a concept of ``pgc:strengths``)
and, for a recommendation, how strongly it asks (``pg:modality``). The concepts carry their cue
words per language (``pg:cue``) and their place on the scale (``pg:strengthRank``), so the word
lists are data, read from the graph. Three rules, each checked per language of the statement
(only languages the cues cover):

- ``hedge-missing``: a hedged claim (weaker than *asserted*) must show a hedge in its wording, by
  a cue of its own strength or a weaker one, so the hedge is not lost in translation;
- ``stronger-cue``: a cue of a strength above both the recorded one and *asserted* (``viser``,
  ``shows``) may only be used when the claim is recorded that strong;
- ``stronger-modality``: a recommendation's wording may not ask more strongly (``må``) than its
  recorded modality (``bør``).

Cue matching is by whole words, ignoring case: a guard against hardening a hedge, not a parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from ._instances import instances_of
from .errors import PolicyGraphError
from .namespaces import PG, PGC

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["StrengthFinding", "check_strength"]

STRENGTHS = URIRef(PGC + "strengths")
MODALITIES = URIRef(PGC + "modalities")
ASSERTED = URIRef(PGC + "strength-asserted")
_CLAIM = URIRef(PG + "Claim")
_STATEMENT = URIRef(PG + "statement")
_STRENGTH = URIRef(PG + "strength")
_MODALITY = URIRef(PG + "modality")
_CUE = URIRef(PG + "cue")
_RANK = URIRef(PG + "strengthRank")


@dataclass(frozen=True)
class StrengthFinding:
    """One statement worded more strongly than its claim's recorded strength or modality."""

    claim: str
    rule: str
    language: str
    statement: str
    cue: str | None
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "claim": self.claim,
            "rule": self.rule,
            "language": self.language,
            "statement": self.statement,
            "cue": self.cue,
            "message": self.message,
        }


@dataclass(frozen=True)
class _Level:
    concept: URIRef
    rank: int
    cues: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]  # language -> (cue, pattern)

    def found(self, text: str, language: str) -> str | None:
        """The first cue of this level in ``text``, or None."""
        for _, pattern in self.cues.get(language, ()):
            match = pattern.search(text)
            if match:
                return match.group(0)
        return None


def _cue_pattern(cue: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in cue.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _scale(graph: Graph, scheme: URIRef) -> dict[URIRef, _Level]:
    levels: dict[URIRef, _Level] = {}
    for concept in graph.subjects(SKOS.inScheme, scheme):
        rank = graph.value(concept, _RANK)
        if not isinstance(concept, URIRef) or not isinstance(rank, Literal):
            continue
        cues: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for cue in sorted(graph.objects(concept, _CUE), key=str):
            if isinstance(cue, Literal) and cue.language:
                pair = (str(cue), _cue_pattern(str(cue)))
                cues.setdefault(cue.language.lower(), []).append(pair)
        levels[concept] = _Level(
            concept, int(rank.toPython()), {k: tuple(v) for k, v in cues.items()}
        )
    if not levels:
        raise PolicyGraphError(
            f"the graph holds no ranked concepts of {scheme}: load the policygraph concepts "
            "(policygraph.load does) before checking statement strength"
        )
    return levels


def _statements(graph: Graph, claim: URIRef, languages: Iterable[str]) -> list[tuple[str, str]]:
    wanted = set(languages)
    out = []
    for value in graph.objects(claim, _STATEMENT):
        if isinstance(value, Literal) and value.language and value.language.lower() in wanted:
            out.append((value.language.lower(), str(value)))
    return sorted(out)


def check_strength(graph: Graph) -> tuple[StrengthFinding, ...]:
    """Every statement in ``graph`` worded more strongly than its claim's recorded strength or
    modality, by the cue words of the concept schemes in the graph. Claims without a recorded
    strength are left to the shapes (``pgsh:ClaimStrength``). The graph is only read."""
    strengths = _scale(graph, STRENGTHS)
    modalities = _scale(graph, MODALITIES)
    if ASSERTED not in strengths:
        raise PolicyGraphError(f"the strength scheme has no {ASSERTED}")
    asserted = strengths[ASSERTED].rank
    languages = {lang for level in strengths.values() for lang in level.cues}
    findings: list[StrengthFinding] = []
    for claim in sorted(instances_of(graph, _CLAIM), key=str):
        # More than one value breaks the shapes; here the most lenient one is judged.
        recorded = _strongest(strengths, graph.objects(claim, _STRENGTH))
        modality = _strongest(modalities, graph.objects(claim, _MODALITY))
        for language, text in _statements(graph, claim, languages):
            found = _wording(text, language, recorded, modality, strengths, modalities, asserted)
            findings.extend(
                StrengthFinding(str(claim), rule, language, text, cue, message)
                for rule, cue, message in found
            )
    return tuple(findings)


def _wording(
    text: str,
    language: str,
    recorded: _Level | None,
    modality: _Level | None,
    strengths: dict[URIRef, _Level],
    modalities: dict[URIRef, _Level],
    asserted: int,
) -> list[tuple[str, str | None, str]]:
    """(rule, cue, message) for each way one statement is worded too strongly."""
    out: list[tuple[str, str | None, str]] = []
    if recorded is not None:
        name = _slug(recorded.concept)
        if recorded.rank < asserted:
            hedges = [lv for lv in strengths.values() if lv.rank <= recorded.rank]
            if not any(lv.found(text, language) for lv in hedges):
                words = _cue_list(hedges, language)
                message = (
                    f"recorded as {name}, but the @{language} statement has no hedge word "
                    f"for it (one of: {words})"
                )
                out.append(("hedge-missing", None, message))
        for level in strengths.values():
            cue = level.found(text, language) if level.rank > max(recorded.rank, asserted) else None
            if cue:
                stronger = _slug(level.concept)
                message = f"«{cue}» words it as {stronger}, stronger than its recorded {name}"
                out.append(("stronger-cue", cue, message))
    if modality is not None:
        for level in modalities.values():
            cue = level.found(text, language) if level.rank > modality.rank else None
            if cue:
                asks, own = _slug(level.concept), _slug(modality.concept)
                message = f"«{cue}» asks as {asks}, stronger than its recorded modality {own}"
                out.append(("stronger-modality", cue, message))
    return out


def _strongest(scale: dict[URIRef, _Level], values: Iterable[object]) -> _Level | None:
    levels = [scale[v] for v in values if isinstance(v, URIRef) and v in scale]
    return max(levels, key=lambda level: level.rank, default=None)


def _slug(concept: URIRef) -> str:
    local = str(concept).removeprefix(PGC)
    return local.split("-", 1)[1] if "-" in local else local


def _cue_list(levels: list[_Level], language: str) -> str:
    return ", ".join(sorted({cue for lv in levels for cue, _ in lv.cues.get(language, ())}))
