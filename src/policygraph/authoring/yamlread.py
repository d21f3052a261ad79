"""Reading a claims file as YAML nodes that know their line and column.

PyYAML's composer gives every node its start mark; we walk the nodes ourselves (never
``yaml.load``), so scalars stay the strings the curator wrote (``2018-02-19`` is not turned into
a date, ``no`` not into False), duplicate keys are reported instead of silently overwritten, and
tabs in indentation are reported on every line that has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .problems import Problem

__all__ = ["read_yaml"]

_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


@dataclass(frozen=True)
class Where:
    path: str
    line: int
    column: int

    def problem(self, message: str) -> Problem:
        return Problem(self.path, self.line, self.column, message)


def where(path: str, node: yaml.Node) -> Where:
    mark = node.start_mark
    return Where(path, mark.line + 1, mark.column + 1)


def _loader() -> type:
    loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def read_yaml(path: str, text: str) -> tuple[yaml.Node | None, list[Problem]]:
    """The root node of ``text`` and the problems found reading it (tabs, syntax, duplicate
    keys anywhere in the tree)."""
    problems = []
    for match in _TAB_INDENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.end() - match.start()
        problems.append(
            Problem(path, line, column, "tab in indentation; YAML indents with spaces only")
        )
    if problems:
        return None, problems
    try:
        root = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        if mark is None:
            return None, [Problem(path, 1, 1, f"invalid YAML: {what}")]
        return None, [Problem(path, mark.line + 1, mark.column + 1, f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, 1, f"invalid YAML: {' '.join(str(exc).split())}")]
    if root is not None:
        _duplicates(path, root, problems)
    return root, problems


def _duplicates(path: str, node: yaml.Node, problems: list[Problem]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        first = seen[key.value].start_mark.line + 1
                        problems.append(
                            where(path, key).problem(
                                f"duplicate key {key.value!r} (first given on line {first})"
                            )
                        )
                    else:
                        seen[key.value] = key
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
