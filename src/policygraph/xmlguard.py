"""A guard for RDF/XML's document type declarations, checked before any XML parser runs.

Entities in an internal DTD are fine in moderation (OWL files abbreviate namespaces with them),
but nested ones can expand a kilobyte into gigabytes ("billion laughs": rdflib's parser then
never returns), and external ones name files or URLs that Python's parser silently leaves out,
so text would vanish without a word. Expansion is measured without expanding anything.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ParseError

__all__ = ["MAX_ENTITY_EXPANSION", "MAX_TEXT_EXPANSION", "check_entities"]

# Characters that entity references may add to a document, in all, and to its text content
# (rdflib's RDF/XML parser gathers text in time quadratic in the number of pieces: 300,000
# characters of expanded entities took 2.4 s, 3,000,000 over five minutes).
MAX_ENTITY_EXPANSION = 32 * 1024 * 1024
MAX_TEXT_EXPANSION = 256 * 1024

_DTD = re.compile(r"<!DOCTYPE\b[^\[>]*\[(?P<subset>.*?)\]\s*>", re.DOTALL)
_ENTITY = re.compile(
    r"<!ENTITY\s+(?P<parameter>%\s+)?(?P<name>[^\s\"']+)\s+"
    r"(?:(?P<external>SYSTEM|PUBLIC)\b|\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)')"
)
_REFERENCE = re.compile(r"[&%](?P<name>[A-Za-z_:][\w.:-]*);")


def check_entities(path: str, text: str) -> None:
    """Raise ParseError for an external entity, a recursive one, or entities that would add
    more than ``MAX_ENTITY_EXPANSION`` characters to the document."""
    dtd = _DTD.search(text)
    if dtd is None or "<!ENTITY" not in dtd.group("subset"):
        return
    values: dict[str, str] = {}
    for found in _ENTITY.finditer(dtd.group("subset")):
        name = ("%" if found.group("parameter") else "&") + found.group("name")
        if found.group("external"):
            line = text.count("\n", 0, dtd.start("subset") + found.start()) + 1
            raise ParseError(
                path,
                f"external entity {found.group('name')!r}: entities naming files or URLs are "
                "not read; write the text in place",
                line,
            )
        value = found.group("double")
        values.setdefault(name, value if value is not None else found.group("single") or "")
    sizes: dict[str, int] = {}

    def size(name: str, path_so_far: tuple[str, ...]) -> int:
        if name in sizes:
            return sizes[name]
        if name in path_so_far:
            raise ParseError(path, f"entity {name[1:]!r} refers to itself")
        value = values[name]
        total = len(value)
        for ref in _REFERENCE.finditer(value):
            key = ref.group(0)[0] + ref.group("name")
            if key in values:
                total += size(key, (*path_so_far, name)) - len(ref.group(0))
            if total > MAX_ENTITY_EXPANSION:
                break
        sizes[name] = total
        return total

    try:
        _check_body(path, text, dtd.end(), values, size)
    except RecursionError:
        raise ParseError(path, "entities nest too deeply") from None


def _check_body(path: str, text: str, start: int, values: dict[str, str], size: Any) -> None:
    added = in_text = 0
    body = text[start:]
    for ref in _REFERENCE.finditer(body):
        key = "&" + ref.group("name")
        if ref.group(0)[0] != "&" or key not in values:
            continue
        grows = size(key, ())
        added += grows
        if body.rfind("<", 0, ref.start()) <= body.rfind(">", 0, ref.start()):
            in_text += grows  # in element content, not in an attribute value
        if added > MAX_ENTITY_EXPANSION or in_text > MAX_TEXT_EXPANSION:
            limit = MAX_ENTITY_EXPANSION if added > MAX_ENTITY_EXPANSION else MAX_TEXT_EXPANSION
            raise ParseError(
                path,
                f"entities would add more than {limit} characters (entity "
                f"{ref.group('name')!r}): refusing what looks like an entity expansion attack",
                text.count("\n", 0, start + ref.start()) + 1,
            )
