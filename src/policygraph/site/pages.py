"""The index, a page per claim (recommendations with their evidence drawn), per actor and per
document. Each function returns one page's HTML; nothing here writes files."""

from __future__ import annotations

from html import escape

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..namespaces import PG, PGC, PREFIXES, local_name, shorten
from .facts import DCT, SKOS, Anchor, Facts, term_key
from .html import bi, bi_block, code, page, section, term_id, ul
from .layout import Box, Link, evidence_svg, legend_html

ORG = PREFIXES["org"]
CLAIM_TYPES = ("Recommendation", "Finding", "PolicyGoal", "Statement", "Event")


class Pages:
    """Renders pages from ``facts``; ``texts`` maps a document IRI to its text page, and
    ``marked`` holds the anchors highlighted there (inside their text)."""

    def __init__(
        self, facts: Facts, texts: dict[str, str], version: str, marked: set[str] | None = None
    ) -> None:
        self.f = facts
        self.texts = texts
        self.version = version
        self.marked = marked or set()

    # ------------------------------------------------------------------ links
    def link(self, iri: str) -> str:
        """A link to ``iri``'s page (its label, nb and en), or its CURIE when it has none."""
        target = self.f.pages.get(iri)
        if target is None:
            if iri.startswith(PGC):
                return f'<a href="ontology.html#{term_id(iri)}">{bi(self.f.label(iri))}</a>'
            return code(iri)
        if iri in self.f.claims:
            return f'<a href="{target}">{escape(local_name(iri))}</a>'
        return f'<a href="{target}">{bi(self.f.label(iri))}</a>'

    def badge(self, iri: str) -> str:
        """The resource's most specific class, by the class's own nb and en labels."""
        kind = self.f.type_of(iri)
        if not kind:
            return ""
        texts = self.f.label(PG + kind) if (URIRef(PG + kind), None, None) in self.f.g else {}
        return f'<span class="type">{bi(texts) if texts else escape(kind)}</span>'

    def claim_item(self, iri: str) -> str:
        return f"{self.link(iri)} {self.badge(iri)} {bi(self.f.label(iri))}"

    def anchor_href(self, anchor: Anchor) -> str | None:
        page_name = self.texts.get(anchor.document or "")
        if page_name is None or anchor.anchor not in self.marked:
            return None
        return f"{page_name}#{self.f.anchor_ids[anchor.anchor]}"

    def anchor_item(self, anchor: Anchor) -> str:
        where = f"{code(anchor.document or '?')} [{anchor.start}, {anchor.end})"
        href = self.anchor_href(anchor)
        if href is None:
            return where
        return f'{where} <a class="show" href="{href}">show in source</a>'

    def find_anchor(self, iri: str, document: str | None, start: int | None) -> Anchor | None:
        for a in self.f.anchors:
            if a.anchor == iri:
                return a
        for a in self.f.anchors:  # a blank-node anchor: by its place
            if (a.document, a.start) == (document, start):
                return a
        return None

    def render(self, title: str, body: str, current: str = "") -> str:
        return page(title, body, version=self.version, current=current)

    # ------------------------------------------------------------------ index
    def index(self) -> str:
        f = self.f
        stats = f.stats
        counts = [
            f"<dt>{escape(k.replace('_', ' '))}</dt><dd>{_stat(v)}</dd>" for k, v in stats.items()
        ]
        holds = f'<dl class="stats">{"".join(counts)}</dl>'
        body = [
            "<h1>Evidence map</h1>",
            '<p class="lead">Health-policy claims, who makes them, what they rest on and where '
            "the texts say it. Statements are shown in Norwegian bokmål and English.</p>",
            section("What the graph holds", holds, "holds"),
            section("Recommendations, by who asks whom", self._rec_groups(), "recommendations"),
            section("Evidence and gap map", self._gap_map(), "map"),
            section("Gaps", self._gaps(), "gaps"),
            section("Validation", self._validation(), "validation"),
            section("Source texts", self._text_list(), "texts"),
            section("All claims", self._by_type(list(f.claims)), "claims"),
            section("Documents", ul(self._entity_item(d) for d in f.documents), "documents"),
            section("Actors", ul(self._entity_item(a) for a in f.actors), "actors"),
        ]
        return self.render("Evidence map", "\n".join(body), "index.html")

    def _entity_item(self, iri: str) -> str:
        ids = [
            escape(str(v))
            for prop in ("lovdataId", "whitePaperId")
            for v in self.f.values(iri, PG + prop)
        ]
        extra = f' <span class="ids">{", ".join(ids)}</span>' if ids else ""
        return f"{self.link(iri)} {self.badge(iri)}{extra}"

    def _rec_groups(self) -> str:
        groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
        for rec in self.f.recommendations:
            key = (
                tuple(self.f.iris(rec, PG + "assertedBy")),
                tuple(self.f.iris(rec, PG + "addressedTo")),
            )
            groups.setdefault(key, []).append(rec)
        out = []
        for (asserters, addressees), recs in sorted(groups.items()):
            who = ", ".join(self.link(a) for a in asserters) or "someone unnamed"
            whom = ", ".join(self.link(a) for a in addressees) or "no one named"
            items = []
            for rec in recs:
                items.append(
                    f"{self.link(rec)} {self._modality(rec)}{self._strength(rec)} "
                    f"{bi(self.f.label(rec))}"
                )
            out.append(
                f'<h3>{who} <span class="sr">asks</span><span aria-hidden="true">→</span> '
                f"{whom}</h3>{ul(items)}"
            )
        return "\n".join(out) or '<p class="none">No recommendations.</p>'

    def _modality(self, claim: str) -> str:
        found = self.f.iris(claim, PG + "modality")
        if not found:
            return ""
        return f'<span class="modality">{bi(self.f.label(found[0]))}</span>'

    def _strength(self, claim: str) -> str:
        found = self.f.iris(claim, PG + "strength")  # present once the data records it
        if not found:
            return ""
        return f' <span class="strength">{bi(self.f.label(found[0]))}</span>'

    def _gap_map(self) -> str:
        return (
            "<p>Topics (rows) by the documents that state claims, and by the actors who assert "
            "them (columns): each cell counts the findings (F) and recommendations (R) on that "
            "topic; a dash is a gap.</p>"
            + self._matrix("statedIn", "documents")
            + self._matrix("assertedBy", "actors")
        )

    def _matrix(self, prop: str, noun: str) -> str:
        f = self.f
        topics = sorted(
            set(f.subjects(SKOS + "inScheme", PGC + "topics"))
            | {t for c in f.claims for t in f.iris(c, PG + "topic")},
            key=lambda t: (f.label(t)["nb"].lower(), t),
        )
        columns = sorted({d for c in f.claims for d in f.iris(c, PG + prop)})
        if not topics or not columns:
            return f'<p class="none">No claims with topics and {noun}.</p>'
        cells: dict[tuple[str, str], dict[str, int]] = {}
        for claim in f.claims:
            kind = "R" if f.is_a(claim, PG + "Recommendation") else None
            kind = kind or ("F" if f.is_a(claim, PG + "Finding") else None)
            if kind is None:
                continue
            for topic in f.iris(claim, PG + "topic"):
                for column in f.iris(claim, PG + prop):
                    cell = cells.setdefault((topic, column), {"F": 0, "R": 0})
                    cell[kind] += 1
        head = "".join(f'<th scope="col">{self.link(d)}</th>' for d in columns)
        rows = []
        for topic in topics:
            tds = []
            for column in columns:
                count = cells.get((topic, column))
                if count is None:
                    tds.append('<td class="empty"><span class="sr">none</span>–</td>')
                else:
                    tds.append(
                        f'<td class="filled"><span title="findings">{count["F"]} F</span> · '
                        f'<span title="recommendations">{count["R"]} R</span></td>'
                    )
            rows.append(f'<tr><th scope="row">{self.link(topic)}</th>{"".join(tds)}</tr>')
        return (
            f"<h3>Topics by {noun}</h3>"
            '<div class="scroll" tabindex="0" role="region" '
            f'aria-label="Topics by {noun}, scrollable">'
            f'<table class="gapmap"><thead><tr><th scope="col">Topic</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _gaps(self) -> str:
        items = [
            f'<span class="kind">{escape(g.kind)}</span> {self.link(g.resource)}: '
            f"{escape(g.message)}"
            for g in self.f.gaps
        ]
        return f"<p>{len(items)} gap(s).</p>" + ul(items)

    def _validation(self) -> str:
        report = self.f.report
        head = (
            "The graph conforms to its shapes" if report.conforms else "The graph does not conform"
        )
        counts = f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
        items = [
            f'<span class="sev-{escape(r.severity.lower())}">{escape(r.severity)}</span> '
            f"{self.link(r.focus)}{' ' + code(r.path) if r.path else ''}: {escape(r.message)}"
            for r in report.results
        ]
        return f"<p><strong>{head}</strong>: {counts}.</p>" + (ul(items) if items else "")

    def _text_list(self) -> str:
        if not self.texts:
            return (
                '<p class="none">No source texts were given (build with <code>--sources '
                "DIR</code> to see every anchor highlighted in its text).</p>"
            )
        return ul(
            f'<a href="{name}">{bi(self.f.label(doc))}</a>'
            for doc, name in sorted(self.texts.items())
        )

    # ------------------------------------------------------------------ claims
    def claim(self, iri: str) -> str:
        f = self.f
        kind = f.type_of(iri)
        facts = []
        modality = self._modality(iri)
        if modality:
            facts.append(("Modality", modality))
        if f.iris(iri, PG + "strength"):
            facts.append(("Strength", self._strength(iri)))
        for label, prop in (
            ("Asserted by", "assertedBy"),
            ("Addressed to", "addressedTo"),
            ("Stated in", "statedIn"),
            ("Relayed in", "relayedIn"),
            ("Refers to", "refersTo"),
            ("Topics", "topic"),
            ("Evidence type", "evidenceType"),
        ):
            found = f.iris(iri, PG + prop)
            if found:
                facts.append((label, ", ".join(self.link(x) for x in found)))
        for value in f.values(iri, PG + "date"):
            facts.append(("Date", escape(str(value))))
        table = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
        anchors = ul(self.anchor_item(a) for a in f.anchors_of(iri))
        parts = [
            f"<h1>{self.badge(iri)} {escape(local_name(iri))}</h1>",
            bi_block(f.label(iri)),
            f'<dl class="facts">{table}</dl>',
            section("Where the text says it", anchors, "anchors"),
        ]
        trace = f.traces.get(iri)
        if trace is not None and trace.edges:
            parts.append(section("Evidence", self._evidence(iri), "evidence"))
        used = sorted(
            {
                link.source
                for t in (f.traces.get(c) for c in f.claims)
                if t is not None
                for link in t.edges
                if link.target == iri
            }
        )
        parts.append(section("Used as evidence by", ul(self.claim_item(c) for c in used), "used"))
        return self.render(f"{kind} {local_name(iri)}", "\n".join(parts))

    def _evidence(self, iri: str) -> str:
        trace = self.f.traces[iri]
        boxes = [Box(n.id, n.type, self.f.label(n.id)) for n in trace.nodes if n.type != "document"]
        links = [Link(e.source, e.target, local_name(e.predicate), e.basis) for e in trace.edges]
        svg = evidence_svg(iri, boxes, links, f"Evidence behind {local_name(iri)}")
        steps = []
        for edge in trace.edges:
            basis = edge.basis or "basis not recorded"
            how = ""
            if edge.anchor is not None:
                a = edge.anchor
                found = self.find_anchor(a.anchor, a.document, a.start)
                href = self.anchor_href(found) if found is not None else None
                where = f"{code(a.document or '?')} [{a.start}, {a.end})"
                how = f"<p>The source states the link at {where}"
                how += (
                    f' <a class="show" href="{href}">show in source</a>.</p>' if href else ".</p>"
                )
            if edge.rationale:
                how += f'<p class="rationale">Curator\'s reason: {escape(edge.rationale)}</p>'
            target_anchors = ul(self.anchor_item(a) for a in self.f.anchors_of(edge.target))
            steps.append(
                f'<li class="step {escape(basis.split()[0])}">'
                f"<p>{self.link(edge.source)} <em>{escape(local_name(edge.predicate))}</em> "
                f'{self.claim_item(edge.target)} <span class="basis">[{escape(basis)}]</span></p>'
                f'{how}<div class="spans"><span>Where the text says it:</span>{target_anchors}'
                "</div></li>"
            )
        notes = ""
        if trace.cycles:
            notes += (
                "<p>Cycles: "
                + "; ".join(" → ".join(escape(shorten(c)) for c in cycle) for cycle in trace.cycles)
                + "</p>"
            )
        if trace.unsupported:
            notes += (
                "<p>No stating document: "
                + ", ".join(self.link(c) for c in trace.unsupported)
                + "</p>"
            )
        return (
            f'<figure class="graph"><div class="scroll" tabindex="0" role="region" '
            f'aria-label="Evidence graph">{svg}</div>'
            f"<figcaption>{legend_html()}</figcaption></figure>"
            f'<h3>Each step</h3><ol class="steps">{"".join(steps)}</ol>{notes}'
        )

    # ------------------------------------------------------------------ actors, documents
    def actor(self, iri: str) -> str:
        f = self.f
        asserted = f.subjects(PG + "assertedBy", iri)
        asked = f.subjects(PG + "addressedTo", iri)
        made = []
        for label, prop in (
            ("created", DCT + "creator"),
            ("published", DCT + "publisher"),
            ("contributed to", DCT + "contributor"),
            ("commissioned", PG + "commissionedBy"),
        ):
            made += [f"{label}: {self.link(d)}" for d in f.subjects(prop, iri)]
        parts = [
            f"<h1>{self.badge(iri)} {bi(f.label(iri))}</h1>",
            f"<p>{code(iri)}</p>",
            section("Asserts", self._by_type(asserted), "asserts"),
            section("Is asked to act in", ul(self.claim_item(c) for c in asked), "asked"),
            section("Documents", ul(made), "documents"),
            section("Roles and members", ul(self._roles(iri)), "roles"),
            section("Everything the graph says", self._statements(iri), "all"),
        ]
        return self.render(f.label(iri)["en"], "\n".join(parts))

    def _roles(self, iri: str) -> list[str]:
        """Role assignments the actor is the member or the organisation of, with dates."""
        f = self.f
        out = []
        for role in f.subjects(ORG + "member", iri) + f.subjects(ORG + "organization", iri):
            what = ", ".join(self.link(r) for r in f.iris(role, ORG + "role"))
            member = ", ".join(self.link(m) for m in f.iris(role, ORG + "member"))
            where = ", ".join(self.link(o) for o in f.iris(role, ORG + "organization"))
            dates = " – ".join(
                escape(str(d)) for p in ("startDate", "endDate") for d in f.values(role, PG + p)
            )
            out.append(f"{member}: {what} in {where}" + (f" ({dates})" if dates else ""))
        for parent in f.iris(iri, ORG + "subOrganizationOf"):
            out.append(f"part of {self.link(parent)}")
        for child in f.iris(iri, ORG + "hasSubOrganization"):
            out.append(f"has the part {self.link(child)}")
        for member in f.iris(iri, ORG + "hasMember"):
            out.append(f"member: {self.link(member)}")
        return out

    def document(self, iri: str) -> str:
        f = self.f
        ids = []
        for label, prop in (
            ("Lovdata id", PG + "lovdataId"),
            ("White paper", PG + "whitePaperId"),
            ("ELI", PG + "eli"),
            ("Issued", DCT + "issued"),
            ("Text SHA-256", PG + "textSha256"),
        ):
            for value in f.values(iri, prop):
                ids.append(f"<dt>{label}</dt><dd>{self._value(value)}</dd>")
        text = self.texts.get(iri)
        text_link = (
            f'<p><a href="{text}">Read the text with every anchor marked</a></p>' if text else ""
        )
        refers = [self.link(d) for d in f.iris(iri, PG + "refersTo")]
        referred = [self.link(d) for d in f.subjects(PG + "refersTo", iri)]
        parts = [
            f"<h1>{self.badge(iri)} {bi(f.label(iri))}</h1>",
            f"<p>{code(iri)}</p>",
            f'<dl class="facts">{"".join(ids)}</dl>' if ids else "",
            text_link,
            section(
                "Claims stated in it", self._by_type(f.subjects(PG + "statedIn", iri)), "stated"
            ),
            section(
                "Claims it relays", self._by_type(f.subjects(PG + "relayedIn", iri)), "relayed"
            ),
            section(
                "Where the texts speak of it",
                ul(self.anchor_item(a) for a in f.anchors_of(iri)),
                "anchors",
            ),
            section("Refers to", ul(refers), "refers"),
            section("Referred to by", ul(referred), "referred"),
            section("Everything the graph says", self._statements(iri), "all"),
        ]
        return self.render(f.label(iri)["en"], "\n".join(parts))

    def _by_type(self, claims: list[str]) -> str:
        out = []
        for kind in CLAIM_TYPES:
            mine = [c for c in claims if self.f.type_of(c) == kind]
            if mine:
                out.append(f"<h3>{kind}</h3>" + ul(self.claim_item(c) for c in mine))
        rest = [c for c in claims if self.f.type_of(c) not in CLAIM_TYPES]
        if rest:
            out.append("<h3>Other</h3>" + ul(self.link(c) for c in rest))
        return "".join(out) or '<p class="none">None.</p>'

    def _value(self, value: Node) -> str:
        if isinstance(value, URIRef):
            iri = str(value)
            if iri in self.f.pages or iri.startswith(PGC):
                return self.link(iri)
            if iri.startswith(("https://", "http://")) and not iri.startswith(PREFIXES["pg"]):
                return f'<a class="external" href="{escape(iri)}">{escape(iri)}</a>'
            return code(iri)
        if isinstance(value, Literal):
            lang = f' lang="{escape(value.language)}"' if value.language else ""
            tag = (
                f' <span class="langtag">{escape(value.language)}</span>' if value.language else ""
            )
            return f"<span{lang}>{escape(str(value))}</span>{tag}"
        return "<em>(a blank node)</em>"

    def _statements(self, iri: str) -> str:
        rows = []
        for p, o in sorted(
            self.f.g.predicate_objects(URIRef(iri)), key=lambda po: (str(po[0]), term_key(po[1]))
        ):
            rows.append(f'<tr><th scope="row">{code(str(p))}</th><td>{self._value(o)}</td></tr>')
        return f'<table class="props"><tbody>{"".join(rows)}</tbody></table>'


def _stat(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{escape(str(k))} {escape(str(v))}" for k, v in value.items())
    return escape(str(value))
