"""The claims format's fields and the RDF property each one writes: one line per field.

``kind`` says what a value is:

- ``lang``: language-tagged text, written ``{nb: ..., en: ...}`` (a list for several values);
- ``text``: a plain string;
- ``date``: ``2018``, ``2018-01`` or ``2018-02-19`` (xsd:gYear, xsd:gYearMonth, xsd:date);
- ``iri``: a web address;
- ``ref:SECTION``: the id of something in that section (``actors``, ``documents``, ``claims``);
- ``concept:PREFIX``: a concept of the project's schemes, written by its slug
  (``modality: should`` is ``pgc:modality-should``).

Adding a field is adding a line here (and to ``claims.schema.json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..namespaces import PG, PGC, PGD, PREFIXES

__all__ = ["FIELDS", "SECTIONS", "Field", "by_property"]

DC = PREFIXES["dcterms"]
ORG = PREFIXES["org"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
FOAF = PREFIXES["foaf"]
ELI = PREFIXES["eli"]


@dataclass(frozen=True)
class Field:
    key: str
    property: str
    kind: str


FIELDS: Final[tuple[Field, ...]] = (
    # what a claim says, who says it, where
    Field("statement", PG + "statement", "lang"),
    Field("asserted-by", PG + "assertedBy", "ref:actors"),
    Field("stated-in", PG + "statedIn", "ref:documents"),
    Field("relayed-in", PG + "relayedIn", "ref:documents"),
    Field("addressed-to", PG + "addressedTo", "ref:actors"),
    Field("modality", PG + "modality", "concept:modality"),
    Field("strength", PG + "strength", "concept:strength"),
    Field("attribution", PG + "attributionBasis", "concept:basis"),
    Field("attribution-rationale", PG + "attributionRationale", "lang"),
    Field("date", PG + "date", "date"),
    Field("topic", PG + "topic", "concept:topic"),
    Field("refers-to", PG + "refersTo", "ref:documents"),
    # names and notes
    Field("label", RDFS + "label", "lang"),
    Field("alt-label", SKOS + "altLabel", "lang"),
    Field("comment", RDFS + "comment", "lang"),
    Field("title", DC + "title", "lang"),
    Field("name", FOAF + "name", "text"),
    Field("citation", DC + "bibliographicCitation", "text"),
    Field("source", DC + "source", "iri"),
    Field("page", FOAF + "page", "iri"),
    # documents
    Field("publisher", DC + "publisher", "ref:actors"),
    Field("creator", DC + "creator", "ref:actors"),
    Field("contributor", DC + "contributor", "ref:actors"),
    Field("commissioned-by", PG + "commissionedBy", "ref:actors"),
    Field("issued", DC + "issued", "date"),
    Field("lovdata-id", PG + "lovdataId", "text"),
    Field("white-paper-id", PG + "whitePaperId", "text"),
    Field("eli", PG + "eli", "iri"),
    Field("date-document", ELI + "date_document", "date"),
    Field("in-force", ELI + "first_date_entry_in_force", "date"),
    Field("preparatory-work-for", PG + "preparatoryWorkFor", "ref:documents"),
    Field("text-sha256", PG + "textSha256", "text"),
    Field("text-file", PG + "textFileName", "text"),
    # actors and roles
    Field("member-of", ORG + "memberOf", "ref:actors"),
    Field("has-member", ORG + "hasMember", "ref:actors"),
    Field("sub-organization-of", ORG + "subOrganizationOf", "ref:actors"),
    Field("has-sub-organization", ORG + "hasSubOrganization", "ref:actors"),
    Field("ror", PG + "rorId", "iri"),
    Field("organisation-number", PG + "organisationNumber", "text"),
    Field("member", ORG + "member", "ref:actors"),
    Field("organization", ORG + "organization", "ref:actors"),
    Field("role", ORG + "role", "concept:role"),
    Field("start-date", PG + "startDate", "date"),
    Field("end-date", PG + "endDate", "date"),
)

# Section of the file -> (namespace of its ids, the class its types must fall under, the type
# given when none is written).
SECTIONS: Final[dict[str, tuple[str, str, str | None]]] = {
    "documents": (PGD + "doc/", PG + "Document", None),
    "actors": (PGD + "actor/", PG + "Actor", None),
    "roles": (PGD + "role/", PG + "RoleAssignment", PG + "RoleAssignment"),
    "claims": (PGD + "claim/", PG + "Claim", None),
}
ANCHOR_NS: Final = PGD + "anchor/"
LINK_NS: Final = PGD + "link/"
CONCEPT_NS: Final = PGC
EVIDENCE_KEYS: Final[dict[str, str]] = {
    "justifiedBy": PG + "justifiedBy",
    "supportedBy": PG + "supportedBy",
    "qualifiedBy": PG + "qualifiedBy",
    "disputedBy": PG + "disputedBy",
}
BASES: Final = ("stated", "inferred")

_BY_KEY = {f.key: f for f in FIELDS}
_BY_PROPERTY = {f.property: f for f in FIELDS}


def by_key(key: str) -> Field | None:
    return _BY_KEY.get(key)


def by_property(prop: str) -> Field | None:
    return _BY_PROPERTY.get(prop)
