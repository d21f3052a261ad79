"""Compiling claims files (YAML) into the claims graph.

Every problem of every file is collected before anything is returned: a curator sees all of
them in one run, each as ``FILE:LINE:COLUMN: message``. Nothing is located by offset: passages
are found by their words in the source text (see :mod:`.textindex`).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..namespaces import PG, PGC, PREFIXES, expand_curie
from .fields import (
    ANCHOR_NS,
    BASES,
    EVIDENCE_KEYS,
    LINK_NS,
    SECTIONS,
    by_key,
)
from .fingerprint import fingerprint_in
from .problems import CompileError, Problem
from .textindex import Locator, NormalizedText, parse_words
from .yamlread import Where, read_yaml, where

__all__ = ["Compiler", "compile_files"]

FORMAT = "policygraph-claims/1"
QUOTE_CONTEXT = 32
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_DATES = (
    (re.compile(r"\d{4}"), XSD.gYear),
    (re.compile(r"\d{4}-(0[1-9]|1[0-2])"), XSD.gYearMonth),
    (re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"), XSD.date),
)
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_TOP = ("format", "source", "documents", "actors", "roles", "claims", "anchors")
_OA = PREFIXES["oa"]


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(set(choices)), n=4, cutoff=0.6)
    return f"; did you mean: {', '.join(close)}?" if close else ""


@dataclass
class _Anchor:
    iri: str
    document: str | None
    locator: Locator
    quote: bool
    at: Where


@dataclass
class _File:
    path: str
    source_doc: str | None = None
    quote: bool = False


@dataclass
class _Text:
    path: Path
    index: NormalizedText


@dataclass
class Compiler:
    """Collects claims files, then :meth:`finish` gives the graph or raises
    :class:`CompileError` with every problem. ``known`` is the graph the files may refer to
    (the bundled ontology and concepts, and the bundled data unless left out)."""

    known: Graph
    sources: Path | None = None
    out: Graph = field(default_factory=Graph)
    problems: list[Problem] = field(default_factory=list)
    defined: dict[str, Where] = field(default_factory=dict)
    refs: list[tuple[str, str, Where]] = field(default_factory=list)
    anchors: list[_Anchor] = field(default_factory=list)
    texts: dict[str, _Text] = field(default_factory=dict)
    edges: list[tuple[str, str, Where]] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # documents whose text could not be read

    # ------------------------------------------------------------------ reading files
    def add(self, path: Path) -> None:
        name = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.problems.append(Problem(name, 1, 1, f"cannot read: {exc.strerror or exc}"))
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            self.problems.append(Problem(name, line, 1, "not UTF-8 text"))
            return
        root, problems = read_yaml(name, text)
        self.problems.extend(problems)
        if root is None:
            if not problems:
                self.problems.append(Problem(name, 1, 1, "empty file"))
            return
        if not isinstance(root, yaml.MappingNode):
            self._bad(name, root, "a claims file is a mapping of sections (source, claims, ...)")
            return
        ctx = _File(name)
        sections = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
        for key, _ in sections.values():
            if key.value not in _TOP:
                self._bad(name, key, f"unknown section {key.value!r}" + _suggest(key.value, _TOP))
        if "format" in sections:
            node = sections["format"][1]
            if not isinstance(node, yaml.ScalarNode) or node.value != FORMAT:
                self._bad(name, node, f"format must be {FORMAT!r}")
        if "source" in sections:
            self._source(ctx, sections["source"][1])
        for section in SECTIONS:
            if section in sections:
                self._section(ctx, section, sections[section][1])
        if "anchors" in sections:
            node = sections["anchors"][1]
            for key, value in self._entries(ctx, node):
                self._anchor_definition(ctx, value, ANCHOR_NS + key.value, where(name, key))

    def _define(self, iri: str, here: Where, clash: str, hint: str = "") -> bool:
        """Record where ``iri`` is defined; False (and a problem) if it already was."""
        first = self.defined.get(iri)
        if first is not None:
            where_first = f"{first.path}:{first.line}:{first.column}"
            self.problems.append(here.problem(f"{clash} at {where_first}{hint}"))
            return False
        self.defined[iri] = here
        return True

    def _bad(self, path: str, node: yaml.Node, message: str) -> None:
        self.problems.append(where(path, node).problem(message))

    def _entries(self, ctx: _File, node: yaml.Node) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return []
        if not isinstance(node, yaml.MappingNode):
            self._bad(ctx.path, node, "expected a mapping of ids to entries")
            return []
        out = []
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or not _ID.fullmatch(key.value):
                self._bad(ctx.path, key, "an id is letters, digits, '.', '_' or '-'")
                continue
            out.append((key, value))
        return out

    def _scalars(self, ctx: _File, node: yaml.Node) -> list[tuple[str, yaml.Node]]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out = []
        for item in items:
            if isinstance(item, yaml.ScalarNode):
                out.append((item.value, item))
            else:
                self._bad(ctx.path, item, "expected a value or a list of values")
        return out

    def _flag(self, ctx: _File, node: yaml.Node) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.value.lower() in ("true", "yes"):
            return True
        if isinstance(node, yaml.ScalarNode) and node.value.lower() in ("false", "no"):
            return False
        self._bad(ctx.path, node, "expected true or false")
        return False

    def _source(self, ctx: _File, node: yaml.Node) -> None:
        if not isinstance(node, yaml.MappingNode):
            self._bad(ctx.path, node, "source: expects document, file and sha256")
            return
        fields = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        for key, _ in fields.values():
            if key.value not in ("document", "file", "sha256", "quote"):
                self._bad(ctx.path, key, f"unknown field {key.value!r} in source")
        missing = [k for k in ("document", "file", "sha256") if k not in fields]
        if missing:
            self._bad(ctx.path, node, "source: missing " + ", ".join(missing))
            return
        doc_node, file_node, sha_node = (fields[k][1] for k in ("document", "file", "sha256"))
        if not all(isinstance(n, yaml.ScalarNode) for n in (doc_node, file_node, sha_node)):
            self._bad(ctx.path, node, "source: document, file and sha256 are single values")
            return
        doc = self._ref(ctx, "documents", doc_node.value, doc_node)
        if doc is None:
            return
        ctx.source_doc = doc
        if "quote" in fields:
            ctx.quote = self._flag(ctx, fields["quote"][1])
        name, sha = file_node.value, sha_node.value.lower()
        subject = URIRef(doc)
        self.out.add((subject, URIRef(PG + "textSha256"), Literal(sha_node.value)))
        self.out.add((subject, URIRef(PG + "textFileName"), Literal(name)))
        if self.sources is None:
            self._bad(ctx.path, file_node, "the source text is needed: give --sources DIR")
            return
        path = self.sources / name
        self.failed.add(doc)  # until its text is read and checked
        try:
            raw = path.read_bytes()
        except OSError:
            names = [p.name for p in self.sources.iterdir()] if self.sources.is_dir() else []
            self._bad(
                ctx.path, file_node, f"no file {name!r} in {self.sources}" + _suggest(name, names)
            )
            return
        actual = hashlib.sha256(raw).hexdigest()
        if actual != sha:
            self._bad(
                ctx.path,
                sha_node,
                f"{path} has SHA-256 {actual}, not the one given: the text has changed "
                "(see policygraph anchors --reanchor) or it is another file",
            )
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._bad(ctx.path, file_node, f"{path} is not UTF-8 text")
            return
        if doc in self.texts and self.texts[doc].path != path:
            self._bad(ctx.path, doc_node, "another file already gives this document's text")
            return
        self.texts[doc] = _Text(path, NormalizedText(text))
        self.failed.discard(doc)

    # ------------------------------------------------------------------ entries
    def _section(self, ctx: _File, section: str, node: yaml.Node) -> None:
        namespace, base_class, default_type = SECTIONS[section]
        for key, value in self._entries(ctx, node):
            iri = namespace + key.value
            if not self._define(iri, where(ctx.path, key), f"{key.value!r} is already defined"):
                continue
            if (URIRef(iri), RDF.type, None) in self.known:
                self._bad(
                    ctx.path,
                    key,
                    f"{key.value!r} is already defined in the loaded data (the bundled data "
                    "unless left out): refer to it by its id, or choose another id",
                )
                continue
            if not isinstance(value, yaml.MappingNode):
                self._bad(ctx.path, value, f"{key.value}: expected a mapping of fields")
                continue
            self._entry(ctx, section, key.value, iri, value, base_class, default_type)

    def _entry(
        self,
        ctx: _File,
        section: str,
        slug: str,
        iri: str,
        node: yaml.MappingNode,
        base_class: str,
        default_type: str | None,
    ) -> None:
        subject = URIRef(iri)
        fields = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        if "type" in fields:
            allowed = self._classes(base_class)
            for value, vnode in self._scalars(ctx, fields["type"][1]):
                cls = PG + value
                if cls not in allowed:
                    names = sorted(c[len(PG) :] for c in allowed if c.startswith(PG))
                    self._bad(
                        ctx.path,
                        vnode,
                        f"unknown type {value!r} for {section}; known: {', '.join(names)}",
                    )
                else:
                    self.out.add((subject, RDF.type, URIRef(cls)))
        elif default_type is not None:
            self.out.add((subject, RDF.type, URIRef(default_type)))
        else:
            self._bad(ctx.path, node, f"{slug}: give its type")
        if section == "claims":
            self._check_statement(ctx, slug, node, fields)
        extra = ("type", "at", "evidence") if section == "claims" else ("type", "at")
        for key, (knode, vnode) in fields.items():
            if key in extra:
                continue
            spec = by_key(key)
            if spec is None:
                from .fields import FIELDS

                choices = [f.key for f in FIELDS] + list(extra)
                self._bad(ctx.path, knode, f"unknown field {key!r}" + _suggest(key, choices))
                continue
            for obj in self._values(ctx, spec.kind, vnode, key):
                self.out.add((subject, URIRef(spec.property), obj))
        if "at" in fields:
            self._at(ctx, slug, subject, fields["at"][1])
        if "evidence" in fields:
            self._evidence(ctx, slug, subject, fields["evidence"][1])

    def _check_statement(
        self,
        ctx: _File,
        slug: str,
        node: yaml.MappingNode,
        fields: dict[str, tuple[yaml.ScalarNode, yaml.Node]],
    ) -> None:
        if "statement" not in fields:
            self._bad(ctx.path, node, f"{slug}: no statement; add statement: {{nb: ..., en: ...}}")
            return
        value = fields["statement"][1]
        if isinstance(value, yaml.MappingNode):
            langs = {k.value for k, _ in value.value if isinstance(k, yaml.ScalarNode)}
            for lang in ("nb", "en"):
                if lang not in langs:
                    self._bad(ctx.path, value, f"{slug}: missing the {lang} statement")

    def _values(self, ctx: _File, kind: str, node: yaml.Node, key: str) -> list[Literal | URIRef]:
        out: list[Literal | URIRef] = []
        if kind == "lang":
            if not isinstance(node, yaml.MappingNode):
                self._bad(ctx.path, node, f"{key}: give the language: {{nb: ..., en: ...}}")
                return out
            for lang_node, text_node in node.value:
                lang = lang_node.value if isinstance(lang_node, yaml.ScalarNode) else ""
                if not _LANG.fullmatch(lang):
                    self._bad(ctx.path, lang_node, f"{key}: {lang!r} is not a language tag")
                    continue
                for text, _ in self._scalars(ctx, text_node):
                    out.append(Literal(text, lang=lang))
            return out
        for value, vnode in self._scalars(ctx, node):
            if kind == "text":
                out.append(Literal(value))
            elif kind == "date":
                for pattern, datatype in _DATES:
                    if pattern.fullmatch(value):
                        out.append(Literal(value, datatype=datatype))
                        break
                else:
                    self._bad(ctx.path, vnode, f"{key}: {value!r} is not YYYY, YYYY-MM or a date")
            elif kind == "iri":
                if _IRI.fullmatch(value):
                    out.append(URIRef(value))
                else:
                    self._bad(ctx.path, vnode, f"{key}: {value!r} is not a web address (IRI)")
            elif kind.startswith("ref:"):
                iri = self._ref(ctx, kind[4:], value, vnode)
                if iri is not None:
                    out.append(URIRef(iri))
            elif kind.startswith("concept:"):
                prefix = kind[8:]
                iri = f"{PGC}{prefix}-{value}"
                if iri not in self._concepts():
                    known = sorted(
                        c[len(PGC) + len(prefix) + 1 :]
                        for c in self._concepts()
                        if c.startswith(f"{PGC}{prefix}-")
                    )
                    self._bad(
                        ctx.path,
                        vnode,
                        f"unknown {prefix} {value!r}; known: {', '.join(known) or '(none)'}",
                    )
                else:
                    out.append(URIRef(iri))
        return out

    def _ref(self, ctx: _File, section: str, value: str, node: yaml.Node) -> str | None:
        """The IRI an id names in ``section`` (checked once every file is read)."""
        if value.startswith(("http://", "https://")):
            return value
        expanded = expand_curie(value) if ":" in value else None
        if expanded is not None:
            iri = expanded
        elif _ID.fullmatch(value):
            namespace = ANCHOR_NS if section == "anchors" else SECTIONS[section][0]
            iri = namespace + value
        else:
            self._bad(ctx.path, node, f"{value!r} is not an id")
            return None
        self.refs.append((section, iri, where(ctx.path, node)))
        return iri

    # ------------------------------------------------------------------ anchors and links
    def _at(self, ctx: _File, slug: str, subject: URIRef, node: yaml.Node) -> None:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for n, item in enumerate(items, start=1):
            default = ANCHOR_NS + (slug if n == 1 else f"{slug}-{n}")
            if isinstance(item, yaml.MappingNode) and any(
                k.value == "anchor" for k, _ in item.value if isinstance(k, yaml.ScalarNode)
            ):
                fields = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
                ref = fields["anchor"]
                if len(fields) > 1 or not isinstance(ref, yaml.ScalarNode):
                    self._bad(ctx.path, item, "anchor: ID stands alone (the anchor is defined)")
                    continue
                iri = self._ref(ctx, "anchors", ref.value, ref)
            else:
                iri = self._anchor_definition(ctx, item, default, where(ctx.path, item))
            if iri is not None:
                self.out.add((subject, URIRef(PG + "anchor"), URIRef(iri)))

    def _anchor_definition(
        self, ctx: _File, node: yaml.Node, default_iri: str, here: Where
    ) -> str | None:
        """An anchor given by words (a string, or a mapping with words, after, id, document,
        quote). Located in :meth:`finish`, once every source is known."""
        document = ctx.source_doc
        quote = ctx.quote
        iri = default_iri
        after: str | None = None
        if isinstance(node, yaml.ScalarNode):
            words = node.value
        elif isinstance(node, yaml.MappingNode):
            fields = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            for key, (knode, _) in fields.items():
                if key not in ("words", "after", "id", "document", "quote"):
                    self._bad(ctx.path, knode, f"unknown field {key!r} in an anchor")
            if "words" not in fields or not isinstance(fields["words"][1], yaml.ScalarNode):
                self._bad(ctx.path, node, "an anchor needs words: 'first words … last words'")
                return None
            words = fields["words"][1].value
            if "after" in fields and isinstance(fields["after"][1], yaml.ScalarNode):
                after = fields["after"][1].value
            if "id" in fields and isinstance(fields["id"][1], yaml.ScalarNode):
                iri = ANCHOR_NS + fields["id"][1].value
            if "document" in fields and isinstance(fields["document"][1], yaml.ScalarNode):
                document = self._ref(ctx, "documents", fields["document"][1].value, node)
            if "quote" in fields:
                quote = self._flag(ctx, fields["quote"][1])
        else:
            self._bad(ctx.path, node, "an anchor is words, or a mapping with words")
            return None
        slug = iri[len(ANCHOR_NS) :]
        if not self._define(iri, here, f"anchor id {slug!r} is already used", "; give an id"):
            return iri
        locator = parse_words(words, after)
        if not locator.head:
            self._bad(ctx.path, node, "the words are empty")
            return None
        self.anchors.append(_Anchor(iri, document, locator, quote, here))
        return iri

    def _evidence(self, ctx: _File, slug: str, subject: URIRef, node: yaml.Node) -> None:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            if not isinstance(item, yaml.MappingNode):
                self._bad(ctx.path, item, "an evidence link is a mapping: {justifiedBy: ID, ...}")
                continue
            fields = {k.value: (k, v) for k, v in item.value if isinstance(k, yaml.ScalarNode)}
            kinds = [k for k in fields if k in EVIDENCE_KEYS]
            if len(kinds) != 1:
                self._bad(
                    ctx.path, item, "say the link's kind once: " + ", ".join(EVIDENCE_KEYS) + ": ID"
                )
                continue
            kind = kinds[0]
            target_node = fields[kind][1]
            if not isinstance(target_node, yaml.ScalarNode):
                self._bad(ctx.path, target_node, "the claim a link points to is one id")
                continue
            target = self._ref(ctx, "claims", target_node.value, target_node)
            if target is None:
                continue
            allowed = {kind, "basis", "words", "after", "anchor", "curator", "rationale", "id"}
            for key, (knode, _) in fields.items():
                if key not in allowed:
                    self._bad(
                        ctx.path, knode, f"unknown field {key!r} in a link" + _suggest(key, allowed)
                    )
            target_slug = target.rsplit("/", 1)[-1]
            link_id = f"{slug}--{target_slug}"
            if LINK_NS + link_id in self.defined:  # a second link to the same claim
                link_id = f"{slug}--{kind}--{target_slug}"
            if "id" in fields and isinstance(fields["id"][1], yaml.ScalarNode):
                link_id = fields["id"][1].value
            link = URIRef(LINK_NS + link_id)
            prop = URIRef(EVIDENCE_KEYS[kind])
            self.out.add((subject, prop, URIRef(target)))
            self.edges.append((str(subject), target, where(ctx.path, target_node)))
            if "basis" not in fields:
                self._bad(ctx.path, item, "say the link's basis: stated or inferred")
                continue
            basis_node = fields["basis"][1]
            basis = basis_node.value if isinstance(basis_node, yaml.ScalarNode) else ""
            if basis not in BASES:
                self._bad(
                    ctx.path,
                    basis_node,
                    f"unknown basis {basis!r}; known: {', '.join(BASES)}" + _suggest(basis, BASES),
                )
                continue
            if str(link) in self.defined:
                self._bad(ctx.path, item, f"link id {link_id!r} is used twice; give an id")
                continue
            self.defined[str(link)] = where(ctx.path, item)
            self.out.add((subject, URIRef(PG + "qualifiedEvidence"), link))
            self.out.add((link, RDF.type, URIRef(PG + "EvidenceLink")))
            self.out.add((link, URIRef(PG + "evidenceProperty"), prop))
            self.out.add((link, URIRef(PG + "evidenceTarget"), URIRef(target)))
            self.out.add((link, URIRef(PG + "basis"), URIRef(f"{PGC}basis-{basis}")))
            if basis == "stated":
                anchor: str | None = None
                if "anchor" in fields and isinstance(fields["anchor"][1], yaml.ScalarNode):
                    anchor = self._ref(ctx, "anchors", fields["anchor"][1].value, item)
                elif "words" in fields:
                    spec = yaml.MappingNode(
                        "tag:yaml.org,2002:map",
                        [(k, v) for k, v in item.value if k.value in ("words", "after")],
                        item.start_mark,
                        item.end_mark,
                    )
                    anchor = self._anchor_definition(
                        ctx, spec, ANCHOR_NS + link_id, where(ctx.path, item)
                    )
                else:
                    self._bad(
                        ctx.path,
                        item,
                        "a stated link needs the source's words for its reasoning: "
                        "add words: 'first words … last words' (or anchor: ID)",
                    )
                if anchor is not None:
                    self.out.add((link, URIRef(PG + "basisAnchor"), URIRef(anchor)))
            else:
                for need in ("curator", "rationale"):
                    if need not in fields:
                        self._bad(ctx.path, item, f"an inferred link needs its {need}")
                if "curator" in fields:
                    for obj in self._values(ctx, "ref:actors", fields["curator"][1], "curator"):
                        self.out.add((link, URIRef(PG + "curator"), obj))
                if "rationale" in fields:
                    for obj in self._values(ctx, "lang", fields["rationale"][1], "rationale"):
                        self.out.add((link, URIRef(PG + "rationale"), obj))

    # ------------------------------------------------------------------ the known graph
    def _classes(self, base: str) -> set[str]:
        key = "_classes_" + base
        cached: set[str] | None = getattr(self, key, None)
        if cached is None:
            cached = {base}
            frontier = [URIRef(base)]
            while frontier:
                cls = frontier.pop()
                for sub in self.known.subjects(RDFS.subClassOf, cls):
                    if str(sub) not in cached:
                        cached.add(str(sub))
                        frontier.append(sub)  # type: ignore[arg-type]
            setattr(self, key, cached)
        return cached

    def _concepts(self) -> set[str]:
        cached: set[str] | None = getattr(self, "_concept_set", None)
        if cached is None:
            skos = URIRef(PREFIXES["skos"] + "Concept")
            cached = {str(c) for c in self.known.subjects(RDF.type, skos)}
            self._concept_set = cached
        return cached

    # ------------------------------------------------------------------ finishing
    def finish(self) -> Graph:
        """The compiled graph, or :class:`CompileError` with every problem found."""
        known_subjects = {str(s) for s in self.known.subjects() if isinstance(s, URIRef)}
        everything = sorted(set(self.defined) | known_subjects)
        names = {
            "claims": "claim",
            "documents": "document",
            "actors": "actor",
            "roles": "role",
            "anchors": "anchor",
        }
        for section, iri, here in self.refs:
            if iri in self.defined or iri in known_subjects:
                continue
            namespace = ANCHOR_NS if section == "anchors" else SECTIONS[section][0]
            if not iri.startswith(namespace):
                continue  # a full IRI or CURIE outside our ids: the caller's business
            slug = iri[len(namespace) :]
            pool = [i[len(namespace) :] for i in everything if i.startswith(namespace)]
            lead = "link to a claim that does not exist" if section == "claims" else "unknown"
            self.problems.append(
                here.problem(f"{lead}: {names[section]} {slug!r}" + _suggest(slug, pool))
            )
        for doc, text in self.texts.items():
            mine = [a.locator for a in self.anchors if a.document == doc]
            text.index.prepare(
                [w for loc in mine for w in (loc.head, loc.tail, loc.after) if w is not None]
            )
        for anchor in self.anchors:
            self._locate(anchor)
        self._cycles()
        if self.problems:
            raise CompileError(self.problems)
        return self.out

    def _locate(self, anchor: _Anchor) -> None:
        here = anchor.at
        if anchor.document is None:
            self.problems.append(
                here.problem("which text? add a source: block, or document: to the anchor")
            )
            return
        text = self.texts.get(anchor.document)
        if text is None:
            if self.sources is not None and anchor.document not in self.failed:
                self.problems.append(
                    here.problem(
                        f"no source text for document {anchor.document.rsplit('/', 1)[-1]!r}: "
                        "a claims file with source: for it must be compiled with this one"
                    )
                )
            return
        found = text.index.locate(anchor.locator)
        name = text.path.name
        if not found.spans:
            message = f"words not found in {name}: {str(anchor.locator)[:80]!r}"
            if found.closest is not None:
                a, b = found.closest
                line, _ = text.index.line_column(a)
                passage = " ".join(text.index.text[a:b].split())
                message += (
                    f"; closest passage (line {line}, {found.similarity:.0%} similar): "
                    f"{passage[:80]!r}"
                )
            self.problems.append(here.problem(message))
            return
        if len(found.spans) > 1:
            lines = sorted({text.index.line_column(a)[0] for a, _ in found.spans})
            shown = ", ".join(str(n) for n in lines[:8])
            self.problems.append(
                here.problem(
                    f"words found {len(found.spans)} times in {name} (lines {shown}): "
                    "give more words, or after: with words just before the passage"
                )
            )
            return
        start, end = found.spans[0]
        self._emit_anchor(anchor, text, start, end)

    def _emit_anchor(self, anchor: _Anchor, text: _Text, start: int, end: int) -> None:
        g = self.out
        node = URIRef(anchor.iri)
        span = text.index.text[start:end]
        g.add((node, RDF.type, URIRef(PG + "TextAnchor")))
        g.add((node, URIRef(PG + "sourceDocument"), URIRef(anchor.document or "")))
        g.add((node, URIRef(_OA + "start"), Literal(start)))
        g.add((node, URIRef(_OA + "end"), Literal(end)))
        digest = hashlib.sha256(span.encode("utf-8")).hexdigest()
        g.add((node, URIRef(PG + "spanSha256"), Literal(digest)))
        print_ = fingerprint_in(text.index.text, start, end)
        if print_ is not None:
            g.add((node, URIRef(PG + "wordFingerprint"), Literal(str(print_))))
        if anchor.quote:
            full = text.index.text
            g.add((node, URIRef(_OA + "exact"), Literal(span)))
            g.add(
                (node, URIRef(_OA + "prefix"), Literal(full[max(start - QUOTE_CONTEXT, 0) : start]))
            )
            g.add((node, URIRef(_OA + "suffix"), Literal(full[end : end + QUOTE_CONTEXT])))

    def _cycles(self) -> None:
        if not self.edges:
            return
        import networkx as nx

        links = nx.DiGraph()
        first_at: dict[tuple[str, str], Where] = {}
        for source, target, here in self.edges:
            links.add_edge(source, target)
            first_at.setdefault((source, target), here)
        for prop in EVIDENCE_KEYS.values():
            for s, o in self.known.subject_objects(URIRef(prop)):
                links.add_edge(str(s), str(o))
        for component in nx.strongly_connected_components(links):
            members = sorted(component)
            if len(members) == 1 and not links.has_edge(members[0], members[0]):
                continue
            cycle = nx.find_cycle(links.subgraph(members), source=members[0])
            path = [u for u, _ in cycle] + [cycle[0][0]]
            closing = [first_at[(u, v)] for u, v in cycle if (u, v) in first_at]
            if not closing:
                continue
            here = min(closing, key=lambda w: (w.path, w.line, w.column))
            names = " -> ".join(p.rsplit("/", 1)[-1] for p in path)
            self.problems.append(here.problem(f"evidence links form a cycle: {names}"))


def compile_files(paths: Iterable[Path], *, sources: Path | None, known: Graph) -> Graph:
    """Compile claims files into one graph; :class:`CompileError` lists every problem."""
    compiler = Compiler(known=known, sources=sources)
    for path in paths:
        compiler.add(Path(path))
    return compiler.finish()
