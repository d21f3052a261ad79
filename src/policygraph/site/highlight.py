"""A source text as HTML with every anchor marked, overlapping anchors included.

Marks nest: an anchor inside another is a ``<mark>`` inside the other's. An anchor that starts
inside another and ends after it cannot nest, so it is cut where the outer one ends and goes on
in a second ``<mark>`` with the same ``data-resource``. Every mark carries ``data-start`` and
``data-end``: the code-point offsets of exactly the text it holds, so that its text is always
``text[data-start:data-end]`` and the marks of one anchor together cover the anchor's span.
The parts of a cut anchor also carry the whole anchor's span in ``data-anchor-start`` and
``data-anchor-end``; a mark without them is a whole anchor.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = ["Span", "mark_text"]


@dataclass(frozen=True)
class Span:
    """A span to mark: ``key`` is the anchor IRI, ``html_id`` the id of its first mark."""

    key: str
    start: int
    end: int
    html_id: str
    title: str = ""


@dataclass
class _Node:
    span: Span | None
    start: int
    end: int
    children: list[_Node] = field(default_factory=list)


def _tree(spans: Sequence[Span], length: int) -> _Node:
    root = _Node(None, 0, length)
    # Longer spans first at the same start, so that they become the outer marks.
    queue = [(s.start, -s.end, s.key, s.end, s) for s in spans if 0 <= s.start < s.end <= length]
    heapq.heapify(queue)
    stack = [root]
    while queue:
        start, _, key, end, span = heapq.heappop(queue)
        while len(stack) > 1 and stack[-1].end <= start:
            stack.pop()
        parent = stack[-1]
        if end > parent.end:  # crosses the end of the mark it starts in: cut it there
            heapq.heappush(queue, (parent.end, -end, key, end, span))
            end = parent.end
        node = _Node(span, start, end)
        parent.children.append(node)
        stack.append(node)
    return root


def _escape_text(text: str) -> str:
    # A carriage return written as itself would be folded into the line feed by the HTML
    # parser, and every offset after it would be off by one.
    return escape(text, quote=False).replace("\r", "&#13;")


def mark_text(
    text: str, spans: Sequence[Span], attributes: Callable[[Span], str] = lambda s: ""
) -> str:
    """``text`` as HTML with ``spans`` marked; ``attributes`` adds attributes to each mark."""
    root = _tree(spans, len(text))
    out: list[str] = []
    first_seen: set[str] = set()

    def emit(node: _Node) -> None:
        pos = node.start
        for child in node.children:
            out.append(_escape_text(text[pos : child.start]))
            span = child.span
            assert span is not None
            ident = ""
            if span.key not in first_seen:
                first_seen.add(span.key)
                ident = f' id="{escape(span.html_id)}"'
            extra = attributes(span)
            if (child.start, child.end) != (span.start, span.end):  # one part of a cut anchor
                extra += f' data-anchor-start="{span.start}" data-anchor-end="{span.end}"'
            title = f' title="{escape(span.title)}"' if span.title else ""
            out.append(
                f'<mark class="hl"{ident} data-resource="{escape(span.key)}" '
                f'data-start="{child.start}" data-end="{child.end}"{title}{extra}>'
            )
            emit(child)
            out.append("</mark>")
            pos = child.end
        out.append(_escape_text(text[pos : node.end]))

    emit(root)
    return "".join(out)
