"""Shared test switches: ``--slow`` (or POLICYGRAPH_SLOW=1) runs the heavy variants, such as many
thousands of generated round trips."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.servers"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        default=False,
        help="run the heavy variants (many more generated cases)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--slow"):
        os.environ["POLICYGRAPH_SLOW"] = "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("POLICYGRAPH_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="heavy variant: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
