"""The ontology's reference page, generated from ``ontology/`` so that it cannot go stale:
every class and property with its nb and en labels and definitions, the SHACL shapes that apply
(what is required, what only warns), examples from the loaded data, and the concept schemes."""

from __future__ import annotations

from html import escape

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from .. import _resources
from ..namespaces import PG, PREFIXES, shorten
from .facts import RDFS, SKOS, TYPE, Facts, bilingual
from .html import bi, code, section, term_id, ul
from .pages import Pages

OWL = PREFIXES["owl"]
SH = PREFIXES["sh"]
PROPERTY_TYPES = ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")


def _read(paths: list) -> Graph:  # type: ignore[type-arg]
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def _texts(graph: Graph, node: Node, prop: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in sorted(graph.objects(node, URIRef(prop)), key=str):
        if isinstance(value, Literal):
            out.setdefault(value.language or "", str(value))
    return out


class Reference:
    """Reads the bundled ontology, concept schemes and shapes once."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.facts: Facts = pages.f
        self.onto = _read(_resources.ontology_files())
        self.shapes = _read([_resources.shapes_file()])

    def terms(self, kinds: tuple[str, ...]) -> list[URIRef]:
        found = {
            s
            for kind in kinds
            for s in self.onto.subjects(TYPE, URIRef(OWL + kind))
            if isinstance(s, URIRef) and str(s).startswith(PG)
        }
        return sorted(found, key=str)

    # ------------------------------------------------------------------ shapes
    def _constraint(self, shape: Node) -> str:
        g = self.shapes
        bits = []
        path = g.value(shape, URIRef(SH + "path"))
        if path is not None:
            bits.append(f"{code(str(path))}" if isinstance(path, URIRef) else "a path")
        for prop, fmt in (
            ("minCount", "required: at least {}"),
            ("maxCount", "at most {}"),
            ("qualifiedMinCount", "at least {} of the kind"),
            ("class", "each a {}"),
            ("datatype", "of type {}"),
            ("pattern", "matching <code>{}</code>"),
            ("minInclusive", "at least {}"),
            ("languageIn", "language {}"),
        ):
            for value in g.objects(shape, URIRef(SH + prop)):
                if isinstance(value, URIRef):
                    shown = code(str(value))
                elif prop == "languageIn":
                    shown = ", ".join(escape(str(v)) for v in Collection(g, value))
                else:
                    shown = escape(str(value))
                bits.append(fmt.format(shown))
        for values in g.objects(shape, URIRef(SH + "in")):
            bits.append("one of " + ", ".join(code(str(v)) for v in Collection(g, values)))
        for options in g.objects(shape, URIRef(SH + "or")):
            choices = [self._constraint(option) for option in Collection(g, options)]
            bits.append("either " + " or ".join(c for c in choices if c))
        if (shape, URIRef(SH + "select"), None) in g:
            bits.append("a SPARQL rule (each row it returns is a result)")
        return ", ".join(bits)

    def _shape_rows(self, node_shape: Node) -> list[str]:
        g = self.shapes
        rows = []
        members = sorted(g.objects(node_shape, URIRef(SH + "property")), key=str)
        members += sorted(g.objects(node_shape, URIRef(SH + "sparql")), key=str)
        for shape in members:
            severity = g.value(shape, URIRef(SH + "severity")) or g.value(
                node_shape, URIRef(SH + "severity")
            )
            warns = severity is not None and str(severity).endswith("Warning")
            level = "warning" if warns else "violation"
            message = bilingual(_texts(g, shape, SH + "message"))
            rows.append(
                f'<tr><td>{code(str(shape))}</td><td class="sev-{level}">{level}</td>'
                f"<td>{self._constraint(shape)}</td><td>{bi(message)}</td></tr>"
            )
        return rows

    def shapes_for(self, term: URIRef, is_class: bool) -> str:
        g = self.shapes
        node_shapes: set[Node] = set()
        if is_class:
            targets = {str(term)} | {
                c for c in self.facts.superclasses(str(term)) if c.startswith(PG)
            }
            for cls in targets:
                node_shapes |= set(g.subjects(URIRef(SH + "targetClass"), URIRef(cls)))
        else:
            node_shapes |= set(g.subjects(URIRef(SH + "targetSubjectsOf"), term))
        rows = []
        for node_shape in sorted(node_shapes, key=str):
            rows += self._shape_rows(node_shape)
        if not is_class:
            for shape in sorted(g.subjects(URIRef(SH + "path"), term), key=str):
                owners = sorted(g.subjects(URIRef(SH + "property"), shape), key=str)
                if any(o in node_shapes for o in owners):
                    continue
                for owner in owners:
                    rows += [r for r in self._shape_rows(owner) if code(str(shape)) in r]
        if not rows:
            return ""
        return (
            '<table class="shapes"><thead><tr><th scope="col">shape</th><th scope="col">level'
            '</th><th scope="col">what it checks</th><th scope="col">message</th></tr></thead>'
            f"<tbody>{''.join(dict.fromkeys(rows))}</tbody></table>"
        )

    # ------------------------------------------------------------------ examples
    def examples(self, term: URIRef, is_class: bool) -> str:
        f = self.facts
        if is_class:
            found = [i for i in f.instances(str(term)) if i in f.pages][:3]
            return ", ".join(self.pages.link(i) for i in found)
        uses = sorted(
            (str(s), o)
            for s, o in f.g.subject_objects(term)
            if isinstance(s, URIRef) and str(s) in f.pages
        )[:2]
        return "; ".join(f"{self.pages.link(s)} → {self.pages._value(o)}" for s, o in uses)

    # ------------------------------------------------------------------ the page
    def entry(self, term: URIRef, is_class: bool) -> str:
        g = self.onto
        labels = bilingual(_texts(g, term, RDFS + "label"))
        definitions = _texts(g, term, SKOS + "definition") or _texts(g, term, RDFS + "comment")
        facts = []
        for label, prop in (
            ("subclass of", RDFS + "subClassOf"),
            ("subproperty of", RDFS + "subPropertyOf"),
            ("domain", RDFS + "domain"),
            ("range", RDFS + "range"),
            ("close match", SKOS + "closeMatch"),
            ("exact match", SKOS + "exactMatch"),
        ):
            values = sorted(g.objects(term, URIRef(prop)), key=str)
            if values:
                facts.append(f"<dt>{label}</dt><dd>{', '.join(self._ref(v) for v in values)}</dd>")
        defs = "".join(
            f'<p lang="{lang or "en"}" class="definition"><span class="langtag">'
            f"{escape(lang or '–')}</span> {escape(text)}</p>"
            for lang, text in sorted(definitions.items())
        )
        shapes = self.shapes_for(term, is_class)
        examples = self.examples(term, is_class)
        return (
            f'<article class="term" id="{term_id(str(term))}">'
            f'<h3>{code(str(term))} <span lang="nb">{escape(labels["nb"])}</span> / '
            f'<span lang="en">{escape(labels["en"])}</span></h3>{defs}'
            + (f'<dl class="facts">{"".join(facts)}</dl>' if facts else "")
            + (f"<h4>Shapes that apply</h4>{shapes}" if shapes else "")
            + (f'<p class="examples">Examples: {examples}</p>' if examples else "")
            + "</article>"
        )

    def _ref(self, value: Node) -> str:
        iri = str(value)
        if iri.startswith(PG) and (URIRef(iri), None, None) in self.onto:
            return f'<a href="#{term_id(iri)}">{escape(shorten(iri))}</a>'
        return code(iri) if isinstance(value, URIRef) else "<em>(a class expression)</em>"

    def concept_schemes(self) -> str:
        g = self.onto
        out = []
        for scheme in sorted(g.subjects(TYPE, URIRef(SKOS + "ConceptScheme")), key=str):
            items = []
            concepts = sorted(g.subjects(URIRef(SKOS + "inScheme"), scheme), key=str)
            for concept in concepts:
                labels = bilingual(_texts(g, concept, SKOS + "prefLabel"))
                definition = _texts(g, concept, SKOS + "definition")
                text = definition.get("en") or definition.get("nb") or ""
                items.append(
                    f'<li id="{term_id(str(concept))}">{code(str(concept))} '
                    f'<span lang="nb">{escape(labels["nb"])}</span> / '
                    f'<span lang="en">{escape(labels["en"])}</span>'
                    + (f'<p class="definition">{escape(text)}</p>' if text else "")
                    + "</li>"
                )
            labels = bilingual(_texts(g, scheme, SKOS + "prefLabel"))
            out.append(
                f'<h3 id="{term_id(str(scheme))}">{code(str(scheme))} {bi(labels)}</h3>' + ul(items)
            )
        return "".join(out)

    def page(self) -> str:
        g = self.onto
        ontology = next(iter(sorted(g.subjects(TYPE, URIRef(OWL + "Ontology")), key=str)), None)
        version = g.value(ontology, URIRef(OWL + "versionInfo")) if ontology else None
        about = bilingual(_texts(g, ontology, RDFS + "comment")) if ontology else {}
        classes = self.terms(("Class",))
        properties = self.terms(PROPERTY_TYPES)
        toc = (
            '<nav aria-label="Terms" class="toc"><h2>Terms</h2><p>'
            + " ".join(
                f'<a href="#{term_id(str(t))}">{escape(shorten(str(t)))}</a>' for t in classes
            )
            + "</p><p>"
            + " ".join(
                f'<a href="#{term_id(str(t))}">{escape(shorten(str(t)))}</a>' for t in properties
            )
            + "</p></nav>"
        )
        body = (
            f"<h1>The policygraph ontology {escape(str(version or ''))}</h1>"
            + (f"<p>{bi(about)}</p>" if about else "")
            + "<p>Generated from <code>ontology/</code> (OWL, SKOS concept schemes, SHACL "
            "shapes). A broken <em>violation</em> rule makes data wrong; a <em>warning</em> "
            "points at a gap to fill.</p>"
            + toc
            + section("Classes", "".join(self.entry(t, True) for t in classes), "classes")
            + section("Properties", "".join(self.entry(t, False) for t in properties), "properties")
            + section("Concept schemes", self.concept_schemes(), "concepts")
        )
        return self.pages.render("Ontology", body, "ontology.html")
