"""Where the bundled ontology and data live, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

ONTOLOGY_FILES = ("policygraph.ttl", "concepts.ttl")
SHAPES_FILE = "shapes.ttl"


@cache  # where the package lives does not change while it runs
def _bundled_dir(name: str) -> Path:
    # In a wheel the folders sit inside the package; in a source checkout (editable install)
    # they sit at the repository root, two levels above this file.
    packaged = Path(str(resources.files("policygraph"))) / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def ontology_dir() -> Path:
    return _bundled_dir("ontology")


def data_dir() -> Path:
    return _bundled_dir("data")


def ontology_files() -> list[Path]:
    base = ontology_dir()
    return [base / name for name in ONTOLOGY_FILES if (base / name).is_file()]


def shapes_file() -> Path:
    return ontology_dir() / SHAPES_FILE


def data_files() -> list[Path]:
    base = data_dir()
    return sorted(base.glob("*.ttl")) if base.is_dir() else []
