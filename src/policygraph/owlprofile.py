"""An OWL 2 DL profile check of an ontology graph: what makes OWL reasoners refuse it.

Not a full profile checker (the OWL API has one, in Java); it looks for the faults an RDF
vocabulary written by hand tends to have, each of which stops HermiT or Protégé's reasoners:

- ``datatype-outside-map``: an axiom (a range, a restriction, a data range) uses a datatype
  outside the OWL 2 datatype map, such as ``xsd:date`` or ``xsd:gYear``; check such datatypes
  in SHACL instead. Literals in assertions are not axioms and are not checked here;
- ``property-kind-clash``: one IRI declared as two of object, datatype and annotation property
  (or a built-in annotation property such as ``rdfs:seeAlso`` declared as another kind);
- ``sub-property-across-kinds``: a property declared a sub-property (or equivalent or inverse)
  of a property of another kind, such as an object property under ``rdfs:seeAlso``;
- ``reserved-vocabulary-as-class``: an IRI of the RDF, RDFS, OWL or XSD vocabularies used as a
  class (``rdfs:range owl:ObjectProperty``); only ``owl:Thing`` and ``owl:Nothing`` are classes;
- ``undeclared-entity``: a class used in an axiom or as a type, or a property used in any triple,
  that the graph does not declare (OWL 2 DL requires declarations; tools otherwise guess).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = ["OWL2_DATATYPES", "ProfileViolation", "check_owl2_dl"]

# The OWL 2 datatype map (OWL 2 Structural Specification, section 4), with rdf:langString:
# RDF 1.1 gives language-tagged strings that datatype, and OWL tools (the OWL API, HermiT)
# read it as the language-tagged part of rdf:PlainLiteral.
OWL2_DATATYPES: Final = frozenset(
    [
        str(RDF.PlainLiteral),
        str(RDF.XMLLiteral),
        str(RDF.langString),
        str(RDFS.Literal),
        str(OWL.real),
        str(OWL.rational),
    ]
    + [
        str(XSD) + name
        for name in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ]
)
_RESERVED: Final = (str(RDF), str(RDFS), str(OWL), str(XSD))
_CLASSES_ALLOWED: Final = {OWL.Thing, OWL.Nothing}
_BUILTIN_ANNOTATION: Final = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    OWL.deprecated,
    OWL.versionInfo,
    OWL.priorVersion,
    OWL.backwardCompatibleWith,
    OWL.incompatibleWith,
}
_KINDS: Final = {
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.AnnotationProperty: "annotation",
}
# Predicates that build axioms and declarations rather than state facts: never "undeclared".
_STRUCTURAL: Final = {
    RDF.type,
    RDF.first,
    RDF.rest,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    *(
        OWL[n]
        for n in [
            "equivalentClass",
            "disjointWith",
            "complementOf",
            "unionOf",
            "intersectionOf",
            "oneOf",
            "equivalentProperty",
            "inverseOf",
            "propertyDisjointWith",
            "propertyChainAxiom",
            "onProperty",
            "onClass",
            "onDataRange",
            "onDatatype",
            "withRestrictions",
            "someValuesFrom",
            "allValuesFrom",
            "hasValue",
            "hasSelf",
            "cardinality",
            "minCardinality",
            "maxCardinality",
            "qualifiedCardinality",
            "minQualifiedCardinality",
            "maxQualifiedCardinality",
            "datatypeComplementOf",
            "imports",
            "versionIRI",
            "sameAs",
            "differentFrom",
            "members",
            "distinctMembers",
            "hasKey",
            "disjointUnionOf",
            "annotatedSource",
            "annotatedProperty",
            "annotatedTarget",
        ]
    ),
}
# Types that are OWL/RDF structure, not classes of the ontology.
_STRUCTURAL_TYPES: Final = {
    *_KINDS,
    OWL.Class,
    OWL.Ontology,
    OWL.NamedIndividual,
    OWL.Restriction,
    OWL.AllDisjointClasses,
    OWL.AllDifferent,
    OWL.Axiom,
    RDFS.Datatype,
    RDFS.Class,
    RDF.List,
    RDF.Property,
    *(
        OWL[n]
        for n in [
            "FunctionalProperty",
            "InverseFunctionalProperty",
            "TransitiveProperty",
            "SymmetricProperty",
            "AsymmetricProperty",
            "ReflexiveProperty",
            "IrreflexiveProperty",
        ]
    ),
}
_CLASS_POSITIONS: Final = (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith)
_DATA_RANGE_POSITIONS: Final = (
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.onDataRange,
    OWL.onDatatype,
    OWL.datatypeComplementOf,
)


@dataclass(frozen=True)
class ProfileViolation:
    """One construct outside OWL 2 DL: which rule, which term, and what to do."""

    rule: str
    term: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "term": self.term, "message": self.message}


def check_owl2_dl(graph: Graph) -> tuple[ProfileViolation, ...]:
    """The violations of OWL 2 DL that ``graph`` (an ontology, with its concept schemes if they
    are checked too) has, sorted and without repeats. The graph is only read."""
    kinds = _declared_kinds(graph)
    classes = {s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
    datatypes = {s for s in graph.subjects(RDF.type, RDFS.Datatype) if isinstance(s, URIRef)}
    found = set(_datatypes(graph, kinds, datatypes))
    found |= set(_kind_clashes(graph, kinds))
    found |= set(_reserved_as_class(graph, kinds))
    found |= set(_undeclared(graph, kinds, classes))
    return tuple(sorted(found, key=lambda v: (v.rule, v.term, v.message)))


def _declared_kinds(graph: Graph) -> dict[URIRef, set[str]]:
    kinds: dict[URIRef, set[str]] = {p: {"annotation"} for p in _BUILTIN_ANNOTATION}
    for cls, kind in _KINDS.items():
        for prop in graph.subjects(RDF.type, cls):
            if isinstance(prop, URIRef):
                kinds.setdefault(prop, set()).add(kind)
    return kinds


def _is_datatype(node: Node, declared: set[URIRef]) -> bool:
    return isinstance(node, URIRef) and (
        node in declared or str(node).startswith(str(XSD)) or str(node) in OWL2_DATATYPES
    )


def _datatypes(
    graph: Graph, kinds: dict[URIRef, set[str]], declared: set[URIRef]
) -> Iterator[ProfileViolation]:
    used: list[tuple[Node, Node, str]] = []
    for prop, rng in graph.subject_objects(RDFS.range):
        if "datatype" in _kind(kinds, prop) or _is_datatype(rng, declared):
            used.append((prop, rng, "range"))
    for position in _DATA_RANGE_POSITIONS:
        for subject, value in graph.subject_objects(position):
            if _is_datatype(value, declared):
                used.append((subject, value, position.fragment))
    for subject, value in graph.subject_objects(OWL.hasValue):
        if isinstance(value, Literal) and value.datatype is not None:
            used.append((subject, value.datatype, "hasValue"))
    for subject, datatype, where in used:
        if isinstance(datatype, URIRef) and str(datatype) not in OWL2_DATATYPES:
            yield ProfileViolation(
                "datatype-outside-map",
                _term(subject),
                f"{_term(subject)} uses {_term(datatype)} in an axiom ({where}), outside the "
                "OWL 2 datatype map: drop it from the axiom and check the datatype in SHACL",
            )


def _kind_clashes(graph: Graph, kinds: dict[URIRef, set[str]]) -> Iterator[ProfileViolation]:
    for prop, its in kinds.items():
        if len(its) > 1:
            yield ProfileViolation(
                "property-kind-clash",
                _term(prop),
                f"{_term(prop)} is declared as {' and '.join(sorted(its))} property: OWL 2 DL "
                "keeps the kinds apart",
            )
    for relation in (RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf):
        for sub, sup in graph.subject_objects(relation):
            a, b = _kind(kinds, sub), _kind(kinds, sup)
            if len(a) == 1 and len(b) == 1 and a != b:
                yield ProfileViolation(
                    "sub-property-across-kinds",
                    _term(sub),
                    f"{_term(sub)} ({next(iter(a))} property) is related by "
                    f"{relation.fragment} to {_term(sup)} ({next(iter(b))} property): "
                    "relate properties of one kind only",
                )


def _reserved(node: Node) -> bool:
    return (
        isinstance(node, URIRef)
        and node not in _CLASSES_ALLOWED
        and str(node).startswith(_RESERVED)
    )


def _reserved_as_class(graph: Graph, kinds: dict[URIRef, set[str]]) -> Iterator[ProfileViolation]:
    uses: list[tuple[Node, Node]] = []
    for position in _CLASS_POSITIONS:
        uses.extend(graph.subject_objects(position))
        uses.extend((o, s) for s, o in graph.subject_objects(position))
    uses.extend(graph.subject_objects(RDFS.domain))
    for prop, rng in graph.subject_objects(RDFS.range):
        if "datatype" not in _kind(kinds, prop) and str(rng) not in OWL2_DATATYPES:
            uses.append((prop, rng))
    for subject, cls in uses:
        if _reserved(cls):
            yield ProfileViolation(
                "reserved-vocabulary-as-class",
                _term(subject),
                f"{_term(subject)} uses {_term(cls)} as a class; the RDF, RDFS, OWL and XSD "
                "vocabularies are not classes (say it in a definition, or check it in SHACL)",
            )


def _undeclared(
    graph: Graph, kinds: dict[URIRef, set[str]], classes: set[URIRef]
) -> Iterator[ProfileViolation]:
    def class_use(node: Node, where: str) -> Iterator[ProfileViolation]:
        known = node in classes or node in _CLASSES_ALLOWED
        if isinstance(node, URIRef) and not _reserved(node) and not known:
            yield ProfileViolation(
                "undeclared-entity",
                _term(node),
                f"{_term(node)} is used as a class ({where}) but not declared owl:Class",
            )

    for position in _CLASS_POSITIONS:
        for sub, sup in graph.subject_objects(position):
            yield from class_use(sub, position.fragment)
            yield from class_use(sup, position.fragment)
    for _, cls in graph.subject_objects(RDFS.domain):
        yield from class_use(cls, "domain")
    for prop, cls in graph.subject_objects(RDFS.range):
        if "object" in _kind(kinds, prop):
            yield from class_use(cls, "range")
    for _, cls in graph.subject_objects(RDF.type):
        if cls not in _STRUCTURAL_TYPES:
            yield from class_use(cls, "type")
    for prop in set(graph.predicates()):
        if isinstance(prop, URIRef) and prop not in _STRUCTURAL and prop not in kinds:
            yield ProfileViolation(
                "undeclared-entity",
                _term(prop),
                f"{_term(prop)} is used as a property but not declared (owl:ObjectProperty, "
                "owl:DatatypeProperty or owl:AnnotationProperty)",
            )


def _kind(kinds: dict[URIRef, set[str]], node: Node) -> set[str]:
    return kinds.get(node, set()) if isinstance(node, URIRef) else set()


def _term(node: Node) -> str:
    if isinstance(node, BNode):
        return "_:" + str(node)
    return str(node)
