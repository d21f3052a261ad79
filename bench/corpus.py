"""A deterministic synthetic claims corpus for the benchmarks and their tests.

``generate(path, triples=100_000, seed=0)`` writes valid policygraph Turtle of about ``triples``
triples: actors, documents (with ``pg:textSha256``), recommendations justified by findings,
findings supported by other claims in a DAG six layers deep (a recommendation's evidence is at
most five links away; deeper claims are shared by several shallower ones), every evidence link
with its ``pg:EvidenceLink`` qualification (stated with a ``pg:basisAnchor``, or inferred with a
``pg:curator`` and a ``pg:rationale``), a text anchor for every claim, bilingual statements and
topics. It then adds ``defects`` deliberate defects of each kind in ``DEFECT_KINDS`` and returns
them, so that a test can check that validation finds exactly these.

Lines are written directly (no rdflib graph is built): a million triples take a few seconds.

    python bench/corpus.py --triples 100000 --seed 0 -o corpus.ttl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

PG = "https://w3id.org/policygraph/ontology#"
PGC = "https://w3id.org/policygraph/concept/"
PGD = "https://w3id.org/policygraph/id/"
CLAIM = PGD + "claim/"
ANCHOR = PGD + "anchor/"
ACTOR = PGD + "actor/"
DOC = PGD + "doc/"
LINK = PGD + "link/"

HEADER = """\
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix pgc: <https://w3id.org/policygraph/concept/> .
@prefix actor: <https://w3id.org/policygraph/id/actor/> .
@prefix anchor: <https://w3id.org/policygraph/id/anchor/> .
@prefix claim: <https://w3id.org/policygraph/id/claim/> .
@prefix doc: <https://w3id.org/policygraph/id/doc/> .
@prefix link: <https://w3id.org/policygraph/id/link/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .

"""

TOPICS = (
    "folkehelsearbeid",
    "helsefremming",
    "forebygging",
    "allmennpraksis",
    "fastlegeordningen",
    "portnerrolle",
    "finansiering",
    "kompetanse",
    "ledelse",
    "samarbeid",
    "organisering",
    "kapasitet",
    "kvalitet",
    "styring",
)
MODALITIES = ("modality-must", "modality-should", "modality-calls-for")
EVIDENCE_TYPES = (
    "evidence-author-statement",
    "evidence-survey",
    "evidence-literature-review",
    "evidence-expert-assessment",
)
LAYERS = 6  # layer 0: recommendations; layers 1-5: findings (the deepest are leaves)

# Each kind of deliberate defect, and what it breaks.
DEFECT_KINDS = {
    "missing-asserter": "a finding without pg:assertedBy",
    "bad-span-sha": "an anchor whose pg:spanSha256 is not 64 lowercase hex digits",
    "bad-offsets": "an anchor with oa:start >= oa:end",
    "evidence-cycle": "three findings supporting each other in a cycle",
    "unjustified-recommendation": "a recommendation with no evidence link (a warning)",
}

PGSH = "https://w3id.org/policygraph/shapes#"
# The shape (ontology/shapes.ttl) each kind of defect breaks, and its severity.
DEFECT_SHAPES = {
    "missing-asserter": (PGSH + "ClaimAssertedBy", "Violation"),
    "bad-span-sha": (PGSH + "AnchorSpanSha", "Violation"),
    "bad-offsets": (PGSH + "AnchorOrder", "Violation"),
    "evidence-cycle": (PGSH + "EvidenceCycle", "Violation"),
    "unjustified-recommendation": (PGSH + "RecommendationJustifiedBy", "Warning"),
}


@dataclass
class Corpus:
    """What ``generate`` wrote: counts, the claims by role, and the deliberate defects as
    (kind, focus IRI) pairs."""

    path: Path
    triples: int
    seed: int
    recommendations: list[str]
    findings: list[str]
    actors: list[str]
    documents: list[str]
    anchors: list[str]
    defects: list[tuple[str, str]] = field(default_factory=list)
    unjustified: list[str] = field(default_factory=list)

    @property
    def expected_results(self) -> set[tuple[str, ...]]:
        """The (shape, severity, focus) of every result validation must report."""
        return {
            (DEFECT_SHAPES[kind][0], DEFECT_SHAPES[kind][1], focus) for kind, focus in self.defects
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "triples": self.triples,
            "seed": self.seed,
            "recommendations": len(self.recommendations),
            "findings": len(self.findings),
            "actors": len(self.actors),
            "documents": len(self.documents),
            "anchors": len(self.anchors),
            "defects": [list(d) for d in self.defects],
            "expected_results": sorted(list(r) for r in self.expected_results),
        }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Writer:
    def __init__(self) -> None:
        self.chunks: list[str] = [HEADER]
        self.count = 0

    def subject(self, subject: str, pairs: list[tuple[str, str]]) -> None:
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.chunks.append(f"{subject} {body} .\n")
        self.count += len(pairs)


def _plan(triples: int) -> tuple[int, int, int]:
    """Claims per layer, actors and documents for about ``triples`` triples (about 23 triples
    per claim including its anchor and its share of evidence links)."""
    claims = max(LAYERS * 4, round(triples / 23.5))
    per_layer = max(4, claims // LAYERS)
    actors = max(4, per_layer * LAYERS // 60)
    documents = max(3, per_layer * LAYERS // 25)
    return per_layer, actors, documents


def generate(
    path: str | Path,
    triples: int = 100_000,
    seed: int = 0,
    defects: int = 1,
) -> Corpus:
    """Write the corpus to ``path`` and describe it."""
    rng = random.Random(seed)
    per_layer, n_actors, n_docs = _plan(triples)
    w = _Writer()

    actors = [f"actor:a{i:05d}" for i in range(n_actors)]
    curator = "actor:curators"
    for i, a in enumerate(actors):
        kind = ("pg:Organisation", "pg:ActorGroup", "pg:Person")[i % 3]
        w.subject(
            a,
            [
                ("a", kind),
                ("rdfs:label", f'"aktør {i}"@nb, "actor {i}"@en'),
            ],
        )
        w.count += 1  # two labels
    w.subject(curator, [("a", "pg:ActorGroup"), ("rdfs:label", '"kuratorene"@nb, "curators"@en')])
    w.count += 1

    documents = [f"doc:d{i:05d}" for i in range(n_docs)]
    for i, d in enumerate(documents):
        w.subject(
            d,
            [
                ("a", "pg:Report"),
                ("rdfs:label", f'"rapport {i}"@nb, "report {i}"@en'),
                ("dcterms:title", f'"Rapport nummer {i} om helsetjenesten"@nb'),
                ("dcterms:publisher", actors[i % n_actors]),
                ("dcterms:issued", f'"{2000 + i % 25}-{1 + i % 12:02d}-01"^^xsd:date'),
                ("pg:textSha256", f'"{_sha(f"text of {d}")}"'),
                ("pg:topic", f"pgc:topic-{TOPICS[i % len(TOPICS)]}"),
            ],
        )
        w.count += 1

    # Claims in layers: layer k links only to layers > k, so the links form a DAG.
    layers: list[list[str]] = []
    for k in range(LAYERS):
        prefix = "r" if k == 0 else f"f{k}-"
        layers.append([f"claim:{prefix}{i:06d}" for i in range(per_layer)])
    recommendations, findings = layers[0], [c for layer in layers[1:] for c in layer]
    anchor_of = {c: "anchor:" + c.split(":", 1)[1] for layer in layers for c in layer}
    doc_of = {c: documents[rng.randrange(n_docs)] for layer in layers for c in layer}

    # Choose the defects first, each on its own claims.
    pool = list(findings)
    rng.shuffle(pool)
    missing_asserter = {pool.pop() for _ in range(defects)}
    bad_sha = {pool.pop() for _ in range(defects)}
    bad_offsets = {pool.pop() for _ in range(defects)}
    remaining = set(pool)
    leaves = [c for c in layers[-1] if c in remaining]
    rng.shuffle(leaves)
    cycles = [leaves[3 * i : 3 * i + 3] for i in range(defects)]
    unjustified = sorted(rng.sample(recommendations, defects))
    unjustified_set = set(unjustified)

    out_links: dict[str, list[tuple[str, str]]] = {}
    for k in range(LAYERS - 1):
        for c in layers[k]:
            if c in unjustified_set:
                continue
            n = 1 + (rng.random() < 0.6) + (rng.random() < 0.25)
            targets: set[str] = set()
            for _ in range(n):
                depth = k + 1 if rng.random() < 0.85 else rng.randrange(k + 1, LAYERS)
                targets.add(layers[depth][rng.randrange(per_layer)])
            if k == 0:
                prop = "pg:justifiedBy"
                out_links[c] = [(prop, t) for t in sorted(targets)]
            else:
                out_links[c] = [
                    ("pg:qualifiedBy" if rng.random() < 0.05 else "pg:supportedBy", t)
                    for t in sorted(targets)
                ]
    for cycle in cycles:
        for i, c in enumerate(cycle):
            out_links.setdefault(c, []).append(("pg:supportedBy", cycle[(i + 1) % len(cycle)]))

    defect_list: list[tuple[str, str]] = []
    defect_list += [("missing-asserter", c) for c in sorted(missing_asserter)]
    defect_list += [("bad-span-sha", anchor_of[c]) for c in sorted(bad_sha)]
    defect_list += [("bad-offsets", anchor_of[c]) for c in sorted(bad_offsets)]
    defect_list += [("evidence-cycle", c) for cycle in cycles for c in sorted(cycle)]
    defect_list += [("unjustified-recommendation", c) for c in unjustified]

    link_no = 0
    for k, layer in enumerate(layers):
        for i, c in enumerate(layer):
            topic = TOPICS[rng.randrange(len(TOPICS))]
            if k == 0:
                kind, nb, en = "pg:Recommendation", "Anbefaling", "Recommendation"
            elif k == LAYERS - 1 and i % 7 == 0:
                kind, nb, en = "pg:Statement", "Utsagn", "Statement"
            else:
                kind, nb, en = "pg:Finding", "Funn", "Finding"
            num = c.split(":", 1)[1]
            pairs = [
                ("a", kind),
                (
                    "pg:statement",
                    f'"{nb} {num} om {topic}: tjenesten bør være på høyde."@nb, '
                    f'"{en} {num} about {topic}: the service should keep up."@en',
                ),
            ]
            w.count += 1  # two statements
            pairs.append(("pg:strength", "pgc:strength-asserted"))
            if c not in missing_asserter:
                pairs.append(("pg:assertedBy", actors[rng.randrange(n_actors)]))
            pairs.append(("pg:statedIn", doc_of[c]))
            pairs.append(("pg:topic", f"pgc:topic-{topic}"))
            pairs.append(("pg:anchor", anchor_of[c]))
            if k == 0:
                pairs.append(("pg:addressedTo", actors[rng.randrange(n_actors)]))
                pairs.append(("pg:modality", f"pgc:{MODALITIES[i % 3]}"))
            elif i % 5 == 0:
                pairs.append(("pg:evidenceType", f"pgc:{EVIDENCE_TYPES[i % 4]}"))
            links = out_links.get(c, [])
            link_iris = []
            by_prop: dict[str, list[str]] = {}
            for prop, target in links:
                by_prop.setdefault(prop, []).append(target)
            for prop in sorted(by_prop):
                pairs.append((prop, ", ".join(by_prop[prop])))
                w.count += len(by_prop[prop]) - 1
            qualifications = []
            for prop, target in links:
                link_no += 1
                iri = f"link:l{link_no:07d}"
                link_iris.append(iri)
                lp = [("a", "pg:EvidenceLink"), ("pg:evidenceProperty", prop)]
                lp.append(("pg:evidenceTarget", target))
                if rng.random() < 0.7:
                    lp.append(("pg:basis", "pgc:basis-stated"))
                    lp.append(("pg:basisAnchor", anchor_of[c]))
                else:
                    lp.append(("pg:basis", "pgc:basis-inferred"))
                    lp.append(("pg:curator", curator))
                    lp.append(("pg:rationale", f'"Curator reading of {num}."@en'))
                qualifications.append((iri, lp))
            if link_iris:
                pairs.append(("pg:qualifiedEvidence", ", ".join(link_iris)))
                w.count += len(link_iris) - 1
            w.subject(c, pairs)
            for iri, lp in qualifications:
                w.subject(iri, lp)

            # The claim's anchor.
            start = rng.randrange(0, 50_000)
            end = start + rng.randrange(20, 400)
            if c in bad_offsets:
                start = max(start, 1)  # breaks only start < end, not end >= 1
                end = start
            span = _sha(f"{doc_of[c]}[{start},{end})")
            if c in bad_sha:
                span = span[:40].upper()
            w.subject(
                anchor_of[c],
                [
                    ("a", "pg:TextAnchor"),
                    ("pg:sourceDocument", doc_of[c]),
                    ("oa:start", str(start)),
                    ("oa:end", str(end)),
                    ("pg:spanSha256", f'"{span}"'),
                ],
            )

    out = Path(path)
    out.write_text("".join(w.chunks), encoding="utf-8")
    full = {p: PGD + p for p in ("actor", "anchor", "claim", "doc", "link")}

    def expand(curie: str) -> str:
        prefix, local = curie.split(":", 1)
        return full[prefix] + "/" + local

    return Corpus(
        path=out,
        triples=w.count,
        seed=seed,
        recommendations=[expand(c) for c in recommendations],
        findings=[expand(c) for c in findings],
        actors=[expand(a) for a in [*actors, curator]],
        documents=[expand(d) for d in documents],
        anchors=[expand(a) for a in anchor_of.values()],
        defects=[(kind, expand(focus)) for kind, focus in defect_list],
        unjustified=[expand(c) for c in unjustified],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--defects", type=int, default=1)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    corpus = generate(args.output, args.triples, args.seed, args.defects)
    json.dump(corpus.to_dict(), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
