"""The page skeleton and the small pieces every page is made of."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from ..namespaces import shorten

__all__ = ["bi", "bi_block", "code", "page", "section", "term_id", "ul"]

LANG_NAMES = {"nb": "Norsk bokmål", "en": "English"}


def page(title: str, body: str, *, version: str, current: str = "") -> str:
    """A whole page: header with navigation and the nb/en switch, ``body`` as the main part."""
    nav = []
    for href, name in (("index.html", "Evidence map"), ("ontology.html", "Ontology")):
        here = ' aria-current="page"' if href == current else ""
        nav.append(f'<li><a href="{href}"{here}>{name}</a></li>')
    buttons = "".join(
        f'<button type="button" data-lang="{lang}" aria-pressed="false">{name} ({lang})</button>'
        for lang, name in LANG_NAMES.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en" data-lang="both">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="policygraph {escape(version)}">
<title>{escape(title)} · policygraph</title>
<link rel="stylesheet" href="assets/site.css">
<script src="assets/site.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site">
<nav aria-label="Site"><ul>{"".join(nav)}</ul></nav>
<div class="langswitch" role="group" aria-label="Language of statements" hidden>{buttons}</div>
</header>
<main id="main" tabindex="-1">
{body}
</main>
<footer class="site"><p>Made by policygraph {escape(version)} from the claims graph; \
statements are the curators' own words, nb and en.</p></footer>
</body>
</html>
"""


def bi(texts: Mapping[str, str]) -> str:
    """Inline nb and en text; the page's switch shows one of them (both without scripts, with
    a separator the style sheet adds). The same text in both is written once."""
    if texts.get("nb") == texts.get("en"):
        return escape(texts.get("nb", ""))
    return "".join(
        f'<span class="l-{lang}" lang="{lang}">{escape(texts.get(lang, ""))}</span>'
        for lang in ("nb", "en")
    )


def bi_block(texts: Mapping[str, str], tag: str = "p") -> str:
    """nb and en text as two blocks, each marked with its language."""
    return "".join(
        f'<{tag} class="l-{lang} statement" lang="{lang}"><span class="langtag" '
        f'aria-hidden="true">{lang}</span> {escape(texts.get(lang, ""))}</{tag}>'
        for lang in ("nb", "en")
    )


def code(iri: str) -> str:
    return f"<code>{escape(shorten(iri))}</code>"


def ul(items: Iterable[str], cls: str = "") -> str:
    rows = [f"<li>{item}</li>" for item in items]
    if not rows:
        return '<p class="none">None.</p>'
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(rows) + "</ul>"


def section(heading: str, content: str, ident: str = "") -> str:
    attr = f' id="{ident}"' if ident else ""
    label = f' aria-labelledby="h-{ident}"' if ident else ""
    head_id = f' id="h-{ident}"' if ident else ""
    return f"<section{attr}{label}><h2{head_id}>{escape(heading)}</h2>\n{content}\n</section>"


def term_id(iri: str) -> str:
    """The id of a term's entry on the ontology page (``pg:Claim`` -> ``t-pg-Claim``)."""
    return "t-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in shorten(iri))
