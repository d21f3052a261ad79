"""The project's namespaces and the prefixes every query and export knows."""

from __future__ import annotations

from typing import Final

BASE: Final = "https://w3id.org/policygraph/"
PG: Final = BASE + "ontology#"
PGC: Final = BASE + "concept/"
PGSH: Final = BASE + "shapes#"
PGD: Final = BASE + "id/"

# Order matters only for readability of exports; lookups go by namespace.
PREFIXES: Final[dict[str, str]] = {
    "pg": PG,
    "pgc": PGC,
    "pgsh": PGSH,
    "pgd": PGD,
    "actor": PGD + "actor/",
    "anchor": PGD + "anchor/",
    "claim": PGD + "claim/",
    "doc": PGD + "doc/",
    "link": PGD + "link/",
    "role": PGD + "role/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "cito": "http://purl.org/spar/cito/",
    "sh": "http://www.w3.org/ns/shacl#",
    "obo": "http://purl.obolibrary.org/obo/",
    "mp": "http://purl.org/mp/",
}

RDF_TYPE: Final = PREFIXES["rdf"] + "type"
RDFS_LABEL: Final = PREFIXES["rdfs"] + "label"
RDFS_SUBCLASSOF: Final = PREFIXES["rdfs"] + "subClassOf"
RDFS_SUBPROPERTYOF: Final = PREFIXES["rdfs"] + "subPropertyOf"
SKOS_PREFLABEL: Final = PREFIXES["skos"] + "prefLabel"
SKOS_ALTLABEL: Final = PREFIXES["skos"] + "altLabel"
OA_START: Final = PREFIXES["oa"] + "start"
OA_END: Final = PREFIXES["oa"] + "end"

# Evidence links, directed from a claim towards the claims it rests on.
EVIDENCE_PROPERTIES: Final = (
    PG + "justifiedBy",
    PG + "supportedBy",
    PG + "qualifiedBy",
    PG + "disputedBy",
)


def expand_curie(text: str) -> str | None:
    """``pg:Claim`` -> full IRI, or None when ``text`` is not a CURIE with a known prefix."""
    prefix, sep, local = text.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local


def shorten(iri: str) -> str:
    """The shortest CURIE for ``iri`` with a known prefix, or the IRI itself."""
    best: tuple[int, str] | None = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > best[0]):
            best = (len(ns), f"{prefix}:{iri[len(ns) :]}")
    return best[1] if best else iri


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1 :] if cut >= 0 else iri
