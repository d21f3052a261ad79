"""Voice: is each claim put in the mouth of whoever says it in the text?

The ontology's rule (see ``pg:Claim``): a headline or lead is the publication's voice, a quote
its speaker's, narration the author's or publisher's; a claim stated in a report is asserted by
the report's authors or the body that made it, never by whoever relays it. Two parts of that
rule can be checked from the graph alone:

- ``event-narrated-by-article``: an Event stated only in news articles is the articles'
  narration, so each of its asserters is a creator or publisher of one of them;
- ``report-claim-by-maker``: each asserter of a claim stated in a report is one of the report's
  makers (``dcterms:creator``, ``dcterms:contributor``, ``dcterms:publisher``, or a part of one,
  ``org:subOrganizationOf``), not someone who only relays it.

Given the source texts (``sources``, a folder matched to documents by ``pg:textSha256``), three
more. A span whose text is the document's title (``dcterms:title``) is its headline, so

- ``headline-in-publication-voice``: a claim anchored on a headline is asserted by the
  document's publisher or creator, not by someone the headline seems to quote;
- ``headline-is-its-own-claim``: a claim anchored on a headline is anchored on nothing else, as
  a headline and a body sentence are two voices (and often two strengths);
- ``speaker-only-a-pronoun``: a claim anchored in a quote whose speech tag names the speaker
  only by a pronoun («…, poengterer hun.», «…, she said.») records its attribution as the
  curators' inference (``pg:attributionBasis pgc:basis-inferred``, with a rationale).

A document that records none of its makers cannot be judged and is passed over. Which span is
a lead is left to the curators.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from ._instances import instances_of
from .errors import AnchorError
from .namespaces import PG, PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["VoiceFinding", "check_voice"]

_CLAIM = URIRef(PG + "Claim")
_EVENT = URIRef(PG + "Event")
_REPORT = URIRef(PG + "Report")
_ARTICLE = URIRef(PG + "NewsArticle")
_ASSERTED_BY = URIRef(PG + "assertedBy")
_STATED_IN = URIRef(PG + "statedIn")
_RELAYED_IN = URIRef(PG + "relayedIn")
_SUB_ORG_OF = URIRef(PREFIXES["org"] + "subOrganizationOf")
_HAS_SUB_ORG = URIRef(PREFIXES["org"] + "hasSubOrganization")
_MAKERS = (DCTERMS.creator, DCTERMS.contributor, DCTERMS.publisher)
_NARRATORS = (DCTERMS.creator, DCTERMS.publisher)
_ANCHOR = URIRef(PG + "anchor")
_SOURCE_DOCUMENT = URIRef(PG + "sourceDocument")
_TEXT_SHA = URIRef(PG + "textSha256")
_OA_START = URIRef(PREFIXES["oa"] + "start")
_OA_END = URIRef(PREFIXES["oa"] + "end")
# What a headline may carry besides its words: Markdown heading marks, a quote dash, quotes.
_DECORATION = re.compile(r"^[\s#*–—-]+|[\s*]+$|[«»“”\"]")
# A paragraph of text (a run of non-blank lines), and a quote paragraph (opening dash or quote
# mark) whose speech tag is a verb and a pronoun, Norwegian («sier hun») or English («she said»).
_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*")
_PRONOUN_TAG = re.compile(
    r"^[–—\-\"“«].*,[”\"»]?\s+(?:\w+\s+(?:hun|han)|(?:she|he)\s+\w+)\.?[\s»”\"]*$",
    re.DOTALL | re.IGNORECASE,
)
_ATTRIBUTION_BASIS = URIRef(PG + "attributionBasis")
_INFERRED = URIRef(PREFIXES["pgc"] + "basis-inferred")


@dataclass(frozen=True)
class VoiceFinding:
    """One claim asserted by someone the text does not give its voice to."""

    claim: str
    rule: str
    asserter: str
    documents: tuple[str, ...]
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "claim": self.claim,
            "rule": self.rule,
            "asserter": self.asserter,
            "documents": list(self.documents),
            "message": self.message,
        }


def check_voice(graph: Graph, sources: Path | None = None) -> tuple[VoiceFinding, ...]:
    """Every claim in ``graph`` whose asserter breaks the voice rule; with ``sources`` (a
    folder of the source texts) the headline rules too. The graph is only read."""
    findings: list[VoiceFinding] = []
    articles = instances_of(graph, _ARTICLE)
    all_reports = instances_of(graph, _REPORT)
    events = instances_of(graph, _EVENT)
    for claim in sorted(instances_of(graph, _CLAIM), key=str):
        stated = sorted({d for d in graph.objects(claim, _STATED_IN) if isinstance(d, URIRef)})
        asserters = sorted(a for a in graph.objects(claim, _ASSERTED_BY) if isinstance(a, URIRef))
        reports = [d for d in stated if d in all_reports]
        if claim in events and stated and all(d in articles for d in stated):
            narrators = _makers(graph, stated, _NARRATORS)
            if narrators:
                for who in asserters:
                    if who not in narrators:
                        findings.append(
                            VoiceFinding(
                                str(claim),
                                "event-narrated-by-article",
                                str(who),
                                tuple(map(str, stated)),
                                f"an event narrated by {_names(stated)} is its author's or "
                                f"publisher's ({_names(sorted(narrators))}), not {_name(who)}'s",
                            )
                        )
        if reports:
            makers = _makers(graph, reports, _MAKERS)
            if makers:
                relayed = [d for d in graph.objects(claim, _RELAYED_IN) if isinstance(d, URIRef)]
                relayers = _makers(graph, relayed, _MAKERS)
                for who in asserters:
                    if who not in makers:
                        why = " who only relays it" if who in relayers else ""
                        findings.append(
                            VoiceFinding(
                                str(claim),
                                "report-claim-by-maker",
                                str(who),
                                tuple(map(str, reports)),
                                f"a claim stated in {_names(reports)} is asserted by its makers "
                                f"({_names(sorted(makers))}), not by {_name(who)}{why}",
                            )
                        )
    if sources is not None:
        texts = _texts(sources)
        findings.extend(_headline_findings(graph, texts))
        findings.extend(_pronoun_findings(graph, texts))
    return tuple(findings)


def _texts(folder: Path) -> dict[str, str]:
    """The UTF-8 texts of a folder, by the SHA-256 of their bytes."""
    if not folder.is_dir():
        raise AnchorError(f"{folder}: sources folder not found")
    texts = {}
    for path in sorted(folder.iterdir()):
        if path.is_file():
            raw = path.read_bytes()
            try:
                texts[hashlib.sha256(raw).hexdigest()] = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return texts


def _bare(text: str) -> str:
    return " ".join(_DECORATION.sub("", text).split()).casefold()


def _headline_findings(graph: Graph, texts: dict[str, str]) -> list[VoiceFinding]:
    """Claims anchored on a document's headline: whose voice, and nothing else anchored."""
    out = []
    for claim in sorted(instances_of(graph, _CLAIM), key=str):
        anchors = [a for a in graph.objects(claim, _ANCHOR) if isinstance(a, URIRef)]
        headlines = sorted({d for a in anchors if (d := _headline_of(graph, a, texts))})
        for document in headlines:
            voices = _makers(graph, [document], _NARRATORS)
            for who in sorted(graph.objects(claim, _ASSERTED_BY), key=str):
                if isinstance(who, URIRef) and voices and who not in voices:
                    out.append(
                        VoiceFinding(
                            str(claim),
                            "headline-in-publication-voice",
                            str(who),
                            (str(document),),
                            f"a headline of {_name(document)} is the publication's voice "
                            f"({_names(sorted(voices))}), not {_name(who)}'s",
                        )
                    )
        if headlines and len(anchors) > len(headlines):
            out.append(
                VoiceFinding(
                    str(claim),
                    "headline-is-its-own-claim",
                    "",
                    tuple(map(str, headlines)),
                    "anchored on a headline and on other text: make the headline its own claim, "
                    "in the publication's voice",
                )
            )
    return out


def _headline_of(graph: Graph, anchor: URIRef, texts: dict[str, str]) -> URIRef | None:
    """The document whose title the anchored span is, or None."""
    found = _span(graph, anchor, texts)
    if found is None:
        return None
    document, text, start, end = found
    titles = {_bare(str(t)) for t in graph.objects(document, DCTERMS.title)}
    return document if _bare(text[start:end]) in titles else None


def _span(
    graph: Graph, anchor: URIRef, texts: dict[str, str]
) -> tuple[URIRef, str, int, int] | None:
    """(document, its whole text, start, end) of an anchor whose text is in ``texts``."""
    document = graph.value(anchor, _SOURCE_DOCUMENT)
    start, end = graph.value(anchor, _OA_START), graph.value(anchor, _OA_END)
    if not isinstance(document, URIRef):
        return None
    if not isinstance(start, Literal) or not isinstance(end, Literal):
        return None
    text = texts.get(str(graph.value(document, _TEXT_SHA)))
    if text is None:
        return None
    return document, text, int(start.toPython()), int(end.toPython())


def _pronoun_findings(graph: Graph, texts: dict[str, str]) -> list[VoiceFinding]:
    """Claims quoted from a speaker the text names only by a pronoun, not marked inferred."""
    out = []
    for claim in sorted(instances_of(graph, _CLAIM), key=str):
        if (claim, _ATTRIBUTION_BASIS, _INFERRED) in graph:
            continue
        quoted = set()
        for anchor in graph.objects(claim, _ANCHOR):
            found = _span(graph, anchor, texts) if isinstance(anchor, URIRef) else None
            if found is not None:
                document, text, start, _ = found
                for paragraph in _PARAGRAPH.finditer(text):
                    inside = paragraph.start() <= start < paragraph.end()
                    if inside and _PRONOUN_TAG.match(paragraph.group()):
                        quoted.add(document)
        for who in sorted(graph.objects(claim, _ASSERTED_BY), key=str):
            if quoted and isinstance(who, URIRef):
                out.append(
                    VoiceFinding(
                        str(claim),
                        "speaker-only-a-pronoun",
                        str(who),
                        tuple(map(str, sorted(quoted))),
                        f"the quote names its speaker only by a pronoun, so {_name(who)} is "
                        "the curators' reading: record pg:attributionBasis pgc:basis-inferred "
                        "with a pg:attributionRationale",
                    )
                )
    return out


def _makers(graph: Graph, documents: list[URIRef], properties: tuple[URIRef, ...]) -> set[URIRef]:
    """Who made the documents by ``properties``, with every part of each (sub-organisations)."""
    found = {
        m
        for d in documents
        for p in properties
        for m in graph.objects(d, p)
        if isinstance(m, URIRef)
    }
    frontier = list(found)
    while frontier:
        whole = frontier.pop()
        parts = set(graph.subjects(_SUB_ORG_OF, whole)) | set(graph.objects(whole, _HAS_SUB_ORG))
        for part in parts:
            if isinstance(part, URIRef) and part not in found:
                found.add(part)
                frontier.append(part)
    return found


def _name(node: URIRef) -> str:
    text = str(node)
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1] or text


def _names(nodes: list[URIRef]) -> str:
    return ", ".join(_name(n) for n in nodes)
