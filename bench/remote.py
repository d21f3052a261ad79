"""The remote store, side by side in one run: ``policygraph push`` against a plain Graph Store
upload of the same N-Triples file with curl, then trace all and validate against the server.

    python bench/remote.py --sizes 100000 --servers oxigraph,virtuoso

For each size the synthetic corpus (``corpus.py``) is written as N-Triples. On a fresh server
curl PUTs the file into one graph (the baseline); on another fresh server ``push`` sends the
same file (its own graph, plus the bundled ontology's two small files, and the manifest). The
ratio is curl's time / push's time (target: at least 0.8). Then, on the pushed server, ``trace
all`` and ``validate`` run through ``pg.connect``; the validation report is checked against
the one the embedded store gives for the same file. Writes ``bench/remote_results.json`` with
the machine's load at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import generate  # noqa: E402

import policygraph as pg  # noqa: E402
from policygraph.remote.client import SparqlClient  # noqa: E402
from policygraph.remote.push import push  # noqa: E402
from tests.servers import Server, start_oxigraph, start_virtuoso  # noqa: E402

STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


def ntriples(size: int, folder: Path) -> tuple[Path, int]:
    import pyoxigraph as ox

    turtle = folder / f"corpus-{size}.ttl"
    generate(turtle, triples=size)
    quads = ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)
    path = folder / f"corpus-{size}.nt"
    ox.serialize(quads, str(path), ox.RdfFormat.N_TRIPLES)
    with open(path, "rb") as lines:
        return path, sum(1 for _ in lines)


def curl_upload(server: Server, path: Path) -> float:
    curl = shutil.which("curl")
    if curl is None:
        raise SystemExit("curl is needed for the baseline")
    started = time.perf_counter()
    subprocess.run(
        [
            curl,
            "-sS",
            "--fail",
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/n-triples",
            "--data-binary",
            f"@{path}",
            server.graph_store + "?graph=urn:x-bench:baseline",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def fresh(name: str, folder: Path) -> Server:
    return STARTERS[name](Path(tempfile.mkdtemp(dir=folder)))


def measure(
    name: str, size: int, path: Path, triples: int, folder: Path, push_only: bool = False
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    server = fresh(name, folder)
    try:
        baseline = curl_upload(server, path)
    finally:
        server.stop()
    server = fresh(name, folder)
    try:
        client = SparqlClient(server.query, server.update, server.graph_store, timeout=3600)
        started = time.perf_counter()
        report = push(client, [path], bundled_data=False)
        pushed = time.perf_counter() - started
        rows.append(
            {
                "server": name,
                "operation": "push (vs curl Graph Store PUT of the same N-Triples)",
                "size": triples,
                "policygraph_s": round(pushed, 3),
                "baseline_s": round(baseline, 3),
                "ratio": round(baseline / pushed, 2),
                "target": ">= 0.8x",
                "met": baseline / pushed >= 0.8,
                "pushed_triples": report.triples,
            }
        )
        if push_only:
            return rows
        graph = pg.connect(
            server.query,
            update_endpoint=server.update,
            graph_store=server.graph_store,
            timeout=3600,
        )
        started = time.perf_counter()
        traces = graph.trace_all()
        rows.append(
            {
                "server": name,
                "operation": "trace all (through pg.connect)",
                "size": triples,
                "policygraph_s": round(time.perf_counter() - started, 3),
                "recommendations": len(traces),
            }
        )
        started = time.perf_counter()
        report_remote = graph.validate()
        elapsed = time.perf_counter() - started
        local = pg.load(path, bundled_data=False).validate()
        rows.append(
            {
                "server": name,
                "operation": "validate (shapes as SPARQL on the server, pySHACL on candidates)",
                "size": triples,
                "policygraph_s": round(elapsed, 3),
                "results": len(report_remote.results),
                "same_as_embedded": report_remote == local,
            }
        )
    finally:
        server.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--servers", default="oxigraph,virtuoso")
    parser.add_argument("--push-only", action="store_true", help="Only the push row.")
    parser.add_argument("--append", action="store_true", help="Add to the results file.")
    parser.add_argument("-o", "--output", default=str(HERE / "remote_results.json"))
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in [int(s) for s in args.sizes.split(",")]:
            path, triples = ntriples(size, folder)
            for name in args.servers.split(","):
                for row in measure(name, size, path, triples, folder, args.push_only):
                    print(json.dumps(row), flush=True)
                    rows.append(row)
    output = Path(args.output)
    if args.append and output.is_file():
        earlier = json.loads(output.read_text(encoding="utf-8"))
        rows = earlier.get("rows", []) + rows
    document = {
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "rows": rows,
    }
    output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(table(rows))
    return 0


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as the README's Markdown table."""
    lines = [
        "| server | operation | triples | policygraph | curl | ratio | target | met |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        base = f"{r['baseline_s']:.2f} s" if "baseline_s" in r else "-"
        ratio = f"{r['ratio']:.2f}x" if "ratio" in r else "-"
        met = ("yes" if r["met"] else "**no**") if "met" in r else "-"
        lines.append(
            f"| {r['server']} | {r['operation']} | {r['size']:,} | {r['policygraph_s']:.2f} s "
            f"| {base} | {ratio} | {r.get('target', '-')} | {met} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
