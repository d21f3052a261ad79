"""The evidence behind a claim drawn as SVG at build time: layered left to right, no layout
library in the page.

Columns are the claims' distance from the recommendation (breadth first); within a column,
claims are ordered by where the claims pointing at them sit, then by IRI, so the drawing is
the same on every build. Stated links are solid, inferred ones dashed, links without a
recorded basis dotted.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Box", "Link", "evidence_svg", "legend_html"]

WIDTH, GAP, PAD, LINE, CHARS, MAX_LINES = 230, 80, 16, 15, 31, 4


@dataclass(frozen=True)
class Box:
    """A claim to draw: ``kind`` its type, ``label`` nb and en text."""

    id: str
    kind: str
    label: dict[str, str]


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    predicate: str  # local name: justifiedBy, supportedBy, ...
    basis: str | None


def _lines(text: str) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), CHARS) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: CHARS - 1].rstrip() + "…"
    return lines


def _columns(root: str, boxes: Sequence[Box], links: Sequence[Link]) -> list[list[str]]:
    ids = {b.id for b in boxes}
    out_links: dict[str, list[str]] = {}
    for link in links:
        out_links.setdefault(link.source, []).append(link.target)
    depth = {root: 0}
    frontier = [root]
    while frontier:
        nxt = []
        for node in frontier:
            for target in sorted(out_links.get(node, [])):
                if target in ids and target not in depth:
                    depth[target] = depth[node] + 1
                    nxt.append(target)
        frontier = nxt
    for b in sorted(ids - set(depth)):  # not reachable (should not happen): a last column
        depth[b] = max(depth.values()) + 1
    columns: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    position: dict[str, float] = {}
    for col in range(len(columns)):
        members = [i for i in sorted(ids) if depth[i] == col]

        def weight(node: str) -> tuple[float, str]:
            # Only claims in earlier columns have a place yet (a cycle points back).
            parents = [
                position[x.source] for x in links if x.target == node and x.source in position
            ]
            return (sum(parents) / len(parents) if parents else 0.0, node)

        members.sort(key=weight)
        for index, node in enumerate(members):
            position[node] = float(index)
        columns[col] = members
    return columns


def evidence_svg(root: str, boxes: Sequence[Box], links: Sequence[Link], title: str) -> str:
    """The evidence graph as an inline ``<svg>`` (role img, titled ``title``)."""
    by_id = {b.id: b for b in boxes}
    columns = _columns(root, boxes, links)
    sizes = {
        b.id: max(len(_lines(b.label.get("nb", ""))), len(_lines(b.label.get("en", ""))))
        for b in boxes
    }
    place: dict[str, tuple[int, int, int]] = {}  # id -> x, y, height
    total_height = 0
    for col, members in enumerate(columns):
        y = PAD
        for node in members:
            height = 28 + sizes[node] * LINE
            place[node] = (PAD + col * (WIDTH + GAP), y, height)
            y += height + PAD
        total_height = max(total_height, y)
    total_width = PAD * 2 + len(columns) * WIDTH + (len(columns) - 1) * GAP
    backwards = any(
        place[x.target][0] <= place[x.source][0]
        for x in links
        if x.source in place and x.target in place
    )
    if backwards:  # room for the links that go round the right side
        total_width += GAP // 2 + PAD
    parts = [
        f'<svg class="evidence" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {total_width} {total_height}" width="{total_width}" '
        f'height="{total_height}" aria-labelledby="svg-title">',
        f'<title id="svg-title">{escape(title)}</title>',
        _defs(),
    ]
    for link in links:
        if link.source not in place or link.target not in place:
            continue
        parts.append(_edge(place[link.source], place[link.target], link))
    for node, (x, y, height) in place.items():
        box = by_id[node]
        cls = "node root" if node == root else "node"
        parts.append(f'<g class="{cls} t-{escape(box.kind)}">')
        parts.append(f'<rect x="{x}" y="{y}" width="{WIDTH}" height="{height}" rx="6"/>')
        parts.append(f'<text class="kind" x="{x + 10}" y="{y + 18}">{escape(box.kind)}</text>')
        for lang in ("nb", "en"):
            parts.append(f'<text class="l-{lang}" lang="{lang}">')
            for i, line in enumerate(_lines(box.label.get(lang, ""))):
                parts.append(
                    f'<tspan x="{x + 10}" y="{y + 20 + (i + 1) * LINE}">{escape(line)}</tspan>'
                )
            parts.append("</text>")
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _defs() -> str:
    return (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>'
    )


def _basis_class(basis: str | None) -> str:
    return {"stated": "stated", "inferred": "inferred"}.get(basis or "", "nobasis")


def _edge(src: tuple[int, int, int], dst: tuple[int, int, int], link: Link) -> str:
    sx, sy, sh = src
    dx, dy, dh = dst
    y1, y2 = sy + sh // 2, dy + dh // 2
    if dx > sx:  # forwards: from the right side to the left side
        x1, x2 = sx + WIDTH, dx
        bend = (x2 - x1) // 2
        path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
    else:  # same column or backwards (a cycle): around the right side
        x1, x2 = sx + WIDTH, dx + WIDTH
        out = max(x1, x2) + GAP // 2
        path = f"M{x1},{y1} C{out},{y1} {out},{y2} {x2},{y2}"
    # The label sits by the arrow head, where links fanning out from one claim are apart.
    mid_x, mid_y = x2 - GAP // 2, y2 - 6
    if dx <= sx:
        mid_x = max(x1, x2) + GAP // 4
    return (
        f'<g class="edge {_basis_class(link.basis)}"><path d="{path}" marker-end="url(#arrow)"/>'
        f'<text x="{mid_x}" y="{mid_y}" text-anchor="middle">{escape(link.predicate)}</text></g>'
    )


def legend_html() -> str:
    """The legend as a list: a sample line (drawn like the links) and what it means."""
    rows = (
        ("stated", "stated by the source (solid)"),
        ("inferred", "inferred by a curator (dashed)"),
        ("nobasis", "basis not recorded (dotted)"),
    )
    items = []
    for cls, meaning in rows:
        sample = (
            f'<svg class="sample" width="60" height="14" viewBox="0 0 60 14" aria-hidden="true">'
            f'<g class="edge {cls}"><path d="M2,7 L52,7" marker-end="url(#arrow)"/></g></svg>'
        )
        items.append(f"<li>{sample} {escape(meaning)}</li>")
    return '<ul class="legend" aria-label="Legend">' + "".join(items) + "</ul>"
