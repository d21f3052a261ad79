"""The wheel carries the ontology and data: installed into a fresh venv, outside the checkout,
``policygraph trace --all`` works."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("policygraph-*.whl")
    return found


def test_wheel_carries_ontology_data_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "policygraph/py.typed" in names
    assert "policygraph/ontology/policygraph.ttl" in names
    assert "policygraph/ontology/shapes.ttl" in names
    assert "policygraph/ontology/concepts.ttl" in names
    assert any(n.startswith("policygraph/data/") and n.endswith(".ttl") for n in names)


def test_wheel_installs_and_traces_outside_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # Tests run offline: the fresh venv borrows this environment's third-party packages through
    # a path entry (its .pth files, such as this checkout's editable install, are not processed).
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(site.stdout.strip(), "_borrowed.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [str(venv / "bin" / "policygraph"), "trace", "--all"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "recommendation(s)" in proc.stdout
    where = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import policygraph._resources as r; print(r.ontology_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert str(venv) in where.stdout
