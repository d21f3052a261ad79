"""The `# expect: ...` lines of a data-driven example file, with `ex:` names expanded."""

from __future__ import annotations

import re
from pathlib import Path


def expected(path: Path, ex: str) -> set[tuple[str, ...]]:
    """Each `# expect: A B C` line as a tuple, `ex:NAME` written out in the namespace ``ex``."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*expect:\s*(.+?)\s*$", line)
        if match:
            found.add(tuple(ex + w[3:] if w.startswith("ex:") else w for w in match[1].split()))
    return found
