"""A page per source text: the whole text, every anchor marked (see highlight.py), and beside it
the list of anchors with the claims each one anchors."""

from __future__ import annotations

from html import escape

from ..namespaces import PG, local_name, shorten
from .facts import Anchor, Facts
from .highlight import Span, mark_text
from .html import bi, code, section, ul
from .pages import Pages


def _owners(facts: Facts, anchor: Anchor) -> list[str]:
    """The claims and documents an anchor stands for; an evidence link counts as its claim."""
    out = []
    for resource in anchor.resources:
        if resource in facts.pages:
            out.append(resource)
        else:
            out += facts.subjects(PG + "qualifiedEvidence", resource)
    return sorted(set(out))


def text_page(pages: Pages, document: str, text: str, file_name: str) -> str:
    f = pages.f
    mine = [a for a in f.anchors if a.document == document]
    good = [a for a in mine if a.anchor in pages.marked]
    spans = [
        Span(
            key=a.anchor,
            start=a.start or 0,
            end=a.end or 0,
            html_id=f.anchor_ids[a.anchor],
            title=", ".join(shorten(o) for o in _owners(f, a)),
        )
        for a in good
    ]
    body = mark_text(text, spans)
    notes = []
    for a in good:
        owners = _owners(f, a)
        kinds = [
            f"{pages.link(o)} {bi(f.label(o))}" if o in f.claims else pages.link(o) for o in owners
        ]
        via_link = [r for r in a.resources if r not in f.pages]
        extra = " (the source's own reasoning for an evidence link)" if via_link else ""
        notes.append(
            f'<li id="note-{escape(f.anchor_ids[a.anchor])}" data-resource="{escape(a.anchor)}">'
            f'<a href="#{escape(f.anchor_ids[a.anchor])}">[{a.start}, {a.end})</a> '
            f"{escape(local_name(a.anchor))}{extra}: " + "; ".join(kinds) + "</li>"
        )
    bad = [a for a in mine if a not in good]
    problems = ""
    if bad:
        problems = section(
            "Anchors outside the text",
            ul(f"{code(a.anchor)} [{a.start}, {a.end})" for a in bad),
            "outside",
        )
    sha = f.first(document, PG + "textSha256") or ""
    content = (
        f"<h1>Source text: {bi(f.label(document))}</h1>"
        f"<p>Document {pages.link(document)}; file <code>{escape(file_name)}</code>, "
        f"SHA-256 <code>{escape(sha)}</code>. {len(good)} anchors are marked; offsets are "
        "code points, [start, end).</p>"
        '<div class="textpage">'
        f'<section aria-labelledby="h-text"><h2 id="h-text">The text</h2>'
        f'<div class="source" data-document="{escape(document)}">{body}</div></section>'
        f'<aside aria-labelledby="h-notes"><h2 id="h-notes">Anchors</h2>'
        f'<ol class="notes">{"".join(notes)}</ol></aside></div>{problems}'
    )
    return pages.render(f"Text of {f.label(document)['en']}", content)
