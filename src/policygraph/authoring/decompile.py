"""From a claims graph and its source texts back to claims files.

Used to prove that everything the bundled data holds can be written in the format (compile the
result and the same graph comes back), and to start curating data that exists only as Turtle.
Each anchor is written as a few words at each end of its passage (never a whole sentence),
with a few words before it when those are not enough to tell.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..errors import PolicyGraphError
from ..namespaces import PG, PGC, PREFIXES
from .compiler import FORMAT
from .fields import ANCHOR_NS, EVIDENCE_KEYS, FIELDS, LINK_NS, SECTIONS, Field, by_property
from .textindex import NormalizedText, normalize_words, parse_words

__all__ = ["DecompileError", "decompile"]

COMMON_FILE = "common.claims.yaml"
MAX_END_WORDS = 8
WHOLE_UP_TO = 6  # a passage of at most this many words may be named by all of them
_OA = PREFIXES["oa"]
# What the compiler writes by itself: never a field of the format.
_DERIVED = {
    PG + "wordFingerprint",
    PG + "sourceDocument",
    PG + "spanSha256",
    _OA + "start",
    _OA + "end",
    _OA + "exact",
    _OA + "prefix",
    _OA + "suffix",
}


class DecompileError(PolicyGraphError):
    """Part of a graph cannot be written as claims files; the message says which."""


@dataclass
class _Source:
    doc: str
    path: Path
    index: NormalizedText
    sha: str


def _slug(iri: str, namespace: str) -> str:
    return iri[len(namespace) :] if iri.startswith(namespace) else iri


def _section_of(iri: str) -> str | None:
    for section, (namespace, _, _) in SECTIONS.items():
        if iri.startswith(namespace):
            return section
    return None


def words_for(index: NormalizedText, start: int, end: int) -> dict[str, str] | None:
    """The fewest words that name exactly ``[start, end)`` (and ``after`` context when
    needed), or None when no few words can."""
    span = index.text[start:end]
    if not span or span[0].isspace() or span[-1].isspace():
        return None
    words = normalize_words(span).split(" ")
    before = normalize_words(index.text[max(start - 400, 0) : start]).split(" ")
    candidates: list[tuple[str, str | None]] = []
    if len(words) <= WHOLE_UP_TO:
        candidates.append((" ".join(words), None))
    for k in range(3, MAX_END_WORDS + 1):
        if 2 * k >= len(words):
            break
        candidates.append((f"{' '.join(words[:k])} … {' '.join(words[-k:])}", None))
    for text, _ in list(candidates):
        for k in (3, 5, 8):
            if len(before) >= 1 and before != [""]:
                candidates.append((text, " ".join(before[-k:])))
    for text, after in candidates:
        found = index.locate(parse_words(text, after))
        if found.spans == ((start, end),):
            out = {"words": text}
            if after is not None:
                out["after"] = after
            return out
    return None


class _Writer:
    def __init__(self, data: Graph, sources: Path) -> None:
        self.g = data
        self.problems: list[str] = []
        texts: dict[str, tuple[Path, str]] = {}
        for path in sorted(sources.iterdir()):
            if path.is_file():
                raw = path.read_bytes()
                try:
                    texts[hashlib.sha256(raw).hexdigest()] = (path, raw.decode("utf-8"))
                except UnicodeDecodeError:
                    continue
        self.sources: dict[str, _Source] = {}
        for doc, sha in data.subject_objects(URIRef(PG + "textSha256")):
            if str(sha) in texts:
                path, text = texts[str(sha)]
                self.sources[str(doc)] = _Source(str(doc), path, NormalizedText(text), str(sha))

    def file_of_doc(self, doc: str) -> str:
        return _slug(doc, SECTIONS["documents"][0]) + ".claims.yaml"

    def values(self, spec: Field, objs: list[Any]) -> Any:
        kind = spec.kind
        if kind == "lang":
            out: dict[str, Any] = {}
            for o in sorted(objs, key=lambda x: (x.language or "", str(x))):
                out.setdefault(o.language, []).append(str(o))
            return {k: v[0] if len(v) == 1 else v for k, v in out.items()}
        vals: list[str] = []
        for o in objs:
            if kind.startswith("ref:"):
                vals.append(_slug(str(o), SECTIONS[kind[4:]][0]))
            elif kind.startswith("concept:"):
                vals.append(_slug(str(o), f"{PGC}{kind[8:]}-"))
            else:
                vals.append(str(o))
        vals.sort()
        return vals[0] if len(vals) == 1 else vals

    def entity(self, subject: URIRef, section: str) -> dict[str, Any]:
        g = self.g
        entry: dict[str, Any] = {}
        types = sorted(str(t) for t in g.objects(subject, RDF.type))
        default = SECTIONS[section][2]
        if types != ([default] if default else []):
            names = [_slug(t, PG) for t in types]
            entry["type"] = names[0] if len(names) == 1 else names
        by_prop: dict[str, list[Any]] = {}
        for p, o in g.predicate_objects(subject):
            by_prop.setdefault(str(p), []).append(o)
        skip = {str(RDF.type), PG + "anchor", PG + "qualifiedEvidence", *EVIDENCE_KEYS.values()}
        if str(subject) in self.sources:
            skip |= {PG + "textSha256", PG + "textFileName"}
        for prop in by_prop:
            if prop not in skip and by_property(prop) is None:
                self.problems.append(f"{subject}: no field for {prop}")
        for spec in FIELDS:
            if spec.property in by_prop and spec.property not in skip:
                objs = by_prop[spec.property]
                if spec.kind == "lang" and any(
                    not isinstance(o, Literal) or not o.language for o in objs
                ):
                    self.problems.append(f"{subject}: {spec.property} without a language")
                entry[spec.key] = self.values(spec, objs)
        anchors = sorted(str(a) for a in by_prop.get(PG + "anchor", []))
        if anchors:
            entry["at"] = [{"anchor": _slug(a, ANCHOR_NS)} for a in anchors]
        if section == "claims":
            evidence = self.evidence(subject, by_prop)
            if evidence:
                entry["evidence"] = evidence
        return entry

    def evidence(self, subject: URIRef, by_prop: dict[str, list[Any]]) -> list[dict[str, Any]]:
        g = self.g
        links = {}
        for link in by_prop.get(PG + "qualifiedEvidence", []):
            key = (
                str(g.value(link, URIRef(PG + "evidenceProperty"))),
                str(g.value(link, URIRef(PG + "evidenceTarget"))),
            )
            links[key] = link
        items = []
        for name, prop in EVIDENCE_KEYS.items():
            for target in sorted(str(t) for t in by_prop.get(prop, [])):
                slug = _slug(target, SECTIONS["claims"][0])
                item: dict[str, Any] = {name: slug}
                link = links.pop((prop, target), None)
                if link is None:
                    self.problems.append(f"{subject}: {name} {slug} has no EvidenceLink")
                    items.append(item)
                    continue
                own = _slug(str(subject), SECTIONS["claims"][0])
                if str(link) != f"{LINK_NS}{own}--{slug}":
                    item["id"] = _slug(str(link), LINK_NS)
                basis = str(g.value(link, URIRef(PG + "basis")))
                item["basis"] = _slug(basis, PGC + "basis-")
                known = {
                    str(RDF.type),
                    PG + "evidenceProperty",
                    PG + "evidenceTarget",
                    PG + "basis",
                    PG + "basisAnchor",
                    PG + "curator",
                    PG + "rationale",
                }
                for p in g.predicates(link):
                    if str(p) not in known:
                        self.problems.append(f"{link}: no field for {p}")
                anchor = g.value(link, URIRef(PG + "basisAnchor"))
                if anchor is not None:
                    item["anchor"] = _slug(str(anchor), ANCHOR_NS)
                curators = [
                    _slug(str(c), SECTIONS["actors"][0])
                    for c in g.objects(link, URIRef(PG + "curator"))
                ]
                if curators:
                    item["curator"] = curators[0] if len(curators) == 1 else sorted(curators)
                rationale = list(g.objects(link, URIRef(PG + "rationale")))
                if rationale:
                    item["rationale"] = self.values(Field("rationale", "", "lang"), rationale)
                items.append(item)
        for (prop, target), link in links.items():
            self.problems.append(f"{link}: qualifies {prop} {target}, which {subject} lacks")
        return items

    def anchor(self, node: URIRef) -> tuple[str | None, dict[str, Any]]:
        g = self.g
        for p in g.predicates(node):
            if str(p) not in _DERIVED and p != RDF.type:
                self.problems.append(f"{node}: no field for {p}")
        doc = g.value(node, URIRef(PG + "sourceDocument"))
        source = self.sources.get(str(doc)) if doc is not None else None
        if source is None:
            self.problems.append(f"{node}: its document's text is not among the sources")
            return None, {}
        start = int(str(g.value(node, URIRef(_OA + "start"))))
        end = int(str(g.value(node, URIRef(_OA + "end"))))
        span = source.index.text[start:end]
        if hashlib.sha256(span.encode("utf-8")).hexdigest() != str(
            g.value(node, URIRef(PG + "spanSha256"))
        ):
            self.problems.append(f"{node}: span SHA-256 does not verify")
            return None, {}
        spec = words_for(source.index, start, end)
        if spec is None:
            self.problems.append(f"{node}: no few words name [{start}, {end}) alone")
            return None, {}
        if g.value(node, URIRef(_OA + "exact")) is not None:
            spec["quote"] = True  # type: ignore[assignment]
        return str(doc), spec

    def run(self) -> dict[str, str]:
        g = self.g
        files: dict[str, dict[str, Any]] = {}

        def file(name: str) -> dict[str, Any]:
            return files.setdefault(name, {"format": FORMAT})

        for doc, source in sorted(self.sources.items()):
            file(self.file_of_doc(doc))["source"] = {
                "document": _slug(doc, SECTIONS["documents"][0]),
                "file": source.path.name,
                "sha256": source.sha,
            }
        anchor_file: dict[str, str] = {}
        anchor_specs: dict[str, dict[str, Any]] = {}
        for node in sorted(set(g.subjects(RDF.type, URIRef(PG + "TextAnchor"))), key=str):
            where_doc, spec = self.anchor(URIRef(str(node)))
            if where_doc is not None:
                anchor_file[str(node)] = self.file_of_doc(where_doc)
                anchor_specs[str(node)] = spec
        subjects = sorted({str(s) for s in g.subjects() if isinstance(s, URIRef)})
        for iri in subjects:
            section = _section_of(iri)
            if section is None:
                if not iri.startswith((ANCHOR_NS, LINK_NS)):
                    self.problems.append(f"{iri}: not in any section of the format")
                continue
            if section == "documents" and iri in self.sources:
                name = self.file_of_doc(iri)
            elif section == "claims":
                mine = sorted(str(a) for a in g.objects(URIRef(iri), URIRef(PG + "anchor")))
                name = anchor_file.get(mine[0], COMMON_FILE) if mine else COMMON_FILE
            else:
                name = COMMON_FILE
            entries = file(name).setdefault(section, {})
            entries[_slug(iri, SECTIONS[section][0])] = self.entity(URIRef(iri), section)
        for iri, spec in anchor_specs.items():
            file(anchor_file[iri]).setdefault("anchors", {})[_slug(iri, ANCHOR_NS)] = spec
        if self.problems:
            raise DecompileError("; ".join(sorted(self.problems)[:20]))
        order = ("format", "source", "documents", "actors", "roles", "claims", "anchors")
        out = {}
        for name, content in sorted(files.items()):
            ordered = {k: content[k] for k in order if k in content}
            head = "# Written by policygraph decompile; compile with: policygraph compile\n"
            out[name] = head + yaml.safe_dump(
                ordered, sort_keys=False, allow_unicode=True, width=100
            )
        return out


def decompile(data: Graph, sources: Path) -> dict[str, str]:
    """Claims files (name -> YAML text) that compile back to ``data``: one per source text
    whose file is in ``sources``, and ``common.claims.yaml`` for what belongs to none."""
    return _Writer(data, sources).run()
