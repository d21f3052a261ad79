"""Print a pg:TextAnchor for an exact passage of a source text, so offsets are never counted by
hand.

    python tools/make_anchor.py SOURCE.txt "first words" "last words" [--slug a000-name]

The anchor runs from the start of FIRST to the end of the first LAST after it; offsets are
Unicode code points into the file read as UTF-8 with newlines kept.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("first")
    parser.add_argument("last", nargs="?")
    parser.add_argument("--slug", default="new-anchor")
    parser.add_argument("--document", default="doc:FIXME")
    parser.add_argument("--occurrence", type=int, default=0, help="which match of FIRST (0-based)")
    args = parser.parse_args()
    text = args.source.read_bytes().decode("utf-8")
    start = -1
    for _ in range(args.occurrence + 1):
        start = text.find(args.first, start + 1)
        if start < 0:
            print(f"{args.source}: {args.first!r} not found", file=sys.stderr)
            return 2
    end = start + len(args.first)
    if args.last:
        found = text.find(args.last, start)
        if found < 0:
            print(f"{args.source}: {args.last!r} not found after the start", file=sys.stderr)
            return 2
        end = found + len(args.last)
    digest = hashlib.sha256(text[start:end].encode("utf-8")).hexdigest()
    print(f"anchor:{args.slug} a pg:TextAnchor ;\n    pg:sourceDocument {args.document} ;\n"
          f"    oa:start {start} ;\n    oa:end {end} ;\n    pg:spanSha256 \"{digest}\" .")
    return 0


if __name__ == "__main__":
    sys.exit(main())
