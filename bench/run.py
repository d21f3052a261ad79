"""policygraph side by side with the plain rdflib / pyshacl / pyoxigraph way, in one run.

    make bench BENCH_ARGS="--sizes 10000,100000 --repeat 3"
    python bench/run.py --sizes 10000 --repeat 3 --skip-slow --store rdflib

For every operation and corpus size: the median time of ``--repeat`` runs of policygraph and of
the baseline, the ratio (baseline / policygraph: how many times faster policygraph is; for
memory, how many times less it needs), the issue's target and whether it is met. Results are
checked against the baseline's (same rows, same evidence sets, same validation results); a
mismatch is printed loudly and recorded. Writes ``bench/results.json`` with the machine it ran
on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402

import policygraph as pg  # noqa: E402
from policygraph import _resources  # noqa: E402

PREFIX = (
    "PREFIX pg: <https://w3id.org/policygraph/ontology#>\n"
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
)
EVIDENCE_PATH = "(pg:justifiedBy|pg:supportedBy|pg:qualifiedBy|pg:disputedBy)"

QUERIES = {
    "transitive evidence of one recommendation": (
        f"SELECT DISTINCT ?e WHERE {{ ?rec {EVIDENCE_PATH}+ ?e }}"
    ),
    "claims per actor": (
        "SELECT ?actor (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c pg:assertedBy ?actor } GROUP BY ?actor"
    ),
    "recommendations with no transitive evidence": (
        "SELECT ?rec WHERE { ?rec a pg:Recommendation . "
        f"FILTER NOT EXISTS {{ ?rec {EVIDENCE_PATH}+ ?e }} }}"
    ),
}
TRACE_ONE = f"SELECT DISTINCT ?e WHERE {{ ?rec {EVIDENCE_PATH}+ ?e }}"
TRACE_ALL = (
    f"SELECT DISTINCT ?rec ?e WHERE {{ ?rec a pg:Recommendation . ?rec {EVIDENCE_PATH}+ ?e }}"
)


# ----------------------------------------------------------------------------- helpers


def timed(fn: Callable[[], Any], repeat: int, budget: float = 0.5) -> tuple[float, Any]:
    """Median wall time of at least ``repeat`` calls, and the last result. Operations of a few
    milliseconds are noisy, so calls go on (up to 25) while all of them together have taken
    less than ``budget`` seconds; both sides of a row are timed by the same rule."""
    times: list[float] = []
    result = None
    while len(times) < max(1, repeat) or (sum(times) < budget and len(times) < 25):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def machine() -> dict[str, Any]:
    import pyshacl
    import rdflib

    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "rdflib": rdflib.__version__,
        "pyshacl": pyshacl.__version__,
        "policygraph": pg.__version__,
    }
    try:
        import pyoxigraph

        info["pyoxigraph"] = pyoxigraph.__version__
    except ImportError:
        info["pyoxigraph"] = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def store_kwargs(store: str) -> dict[str, Any]:
    return {} if store == "default" else {"store": store}


def rows_of(result: Any) -> list[tuple[str, ...]]:
    return sorted(tuple("" if t is None else str(t) for t in row) for row in result)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rows: list[dict[str, Any]] = []
        self.mismatches: list[str] = []

    def row(
        self,
        op: str,
        size: int,
        mine: float | None,
        base: float | None,
        target: str,
        met: bool | None,
        note: str = "",
        unit: str = "s",
    ) -> None:
        ratio = base / mine if mine and base else None
        row = {
            "operation": op,
            "size": size,
            "policygraph": mine,
            "baseline": base,
            "ratio": ratio,
            "unit": unit,
            "target": target,
            "met": met,
            "note": note,
        }
        self.rows.append(row)
        print(format_row(row), flush=True)

    def check(self, what: str, size: int, equal: bool, detail: str = "") -> None:
        if not equal:
            message = f"MISMATCH at {size}: {what} {detail}".rstrip()
            self.mismatches.append(message)
            print("!" * 78 + "\n!!! " + message + "\n" + "!" * 78, flush=True)


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MB":
        return f"{value:.0f} MB"
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    return f"{value:.3f} s"


def format_row(row: dict[str, Any]) -> str:
    ratio = f"{row['ratio']:.1f}x" if row["ratio"] else "-"
    met = {True: "yes", False: "NO", None: "-"}[row["met"]]
    return (
        f"{row['operation'][:44]:<44} {row['size']:>8} "
        f"{fmt_value(row['policygraph'], row['unit']):>11}"
        f" {fmt_value(row['baseline'], row['unit']):>11} {ratio:>8}  {row['target'][:30]:<30} {met}"
    )


HEAD = (
    f"{'operation':<44} {'size':>8} {'policygraph':>11} {'baseline':>11} {'ratio':>8}  "
    f"{'target':<30} met"
)


# ----------------------------------------------------------------------------- operations


def rdflib_graph(files: list[Path]) -> Any:
    import rdflib

    g = rdflib.Graph()
    for f in files:
        g.parse(f, format="turtle")
    return g


def bench_size(bench: Bench, corpus_path: Path, size: int, info: Any) -> None:
    import rdflib

    args = bench.args
    repeat = args.repeat
    slow_repeat = 1
    kw = store_kwargs(args.store)
    ontology = list(_resources.ontology_files())

    # -- load
    files = [*ontology, corpus_path]  # what pg.load reads: the ontology, concepts and corpus
    t_base, base_graph = timed(lambda: rdflib_graph(files), repeat)
    t_mine, graph = timed(lambda: pg.load(corpus_path, bundled_data=False, **kw), repeat)
    bench.row(
        "load (vs rdflib Graph().parse)",
        size,
        t_mine,
        t_base,
        ">= 10x",
        t_base / t_mine >= 10,
        note="both read the bundled ontology, concepts and the corpus",
    )
    try:
        import pyoxigraph as ox

        def raw_load() -> Any:
            store = ox.Store()
            for f in files:
                store.load(path=str(f), format=ox.RdfFormat.TURTLE)
            return store

        t_ox, _ = timed(raw_load, repeat)
        bench.row(
            "load (vs raw pyoxigraph Store().load)",
            size,
            t_mine,
            t_ox,
            "<= 1.5x of pyoxigraph",
            t_mine <= 1.5 * t_ox,
        )
    except ImportError:
        pass
    del base_graph

    # The baseline graph for everything else: the same ontology plus the corpus.
    ref = rdflib_graph([*ontology, corpus_path])
    recs = sorted(info.recommendations)
    unjustified = set(info.unjustified)
    one = next(r for r in recs if r not in unjustified)
    bindings = {"rec": rdflib.URIRef(one)}

    # -- query set
    ratios = []
    for name, sparql in QUERIES.items():
        params = bindings if name.startswith("transitive") else {}
        t_b, base_rows = timed(
            lambda s=sparql, p=params: rows_of(ref.query(PREFIX + s, initBindings=p)), repeat
        )
        t_m, mine_rows = timed(
            lambda s=sparql, p=params: rows_of(graph.query(s, **p)), max(repeat, 3)
        )
        bench.check(f"query {name!r}", size, base_rows == mine_rows, f"{len(mine_rows)} rows")
        ratios.append(t_b / t_m)
        bench.row(f"query: {name}", size, t_m, t_b, ">= 100x", t_b / t_m >= 100)
    median_ratio = statistics.median(ratios)
    bench.rows[-1]["median_query_ratio"] = median_ratio
    print(f"{'  median query ratio':<44} {size:>8} {median_ratio:>33.1f}x", flush=True)

    # -- the cost of a time limit: the query runs in a standing child (stores/killable.py)
    sparql = QUERIES["claims per actor"]
    t_plain, plain_rows = timed(lambda: rows_of(graph.query(sparql)), max(repeat, 5))
    t_limit, limit_rows = timed(lambda: rows_of(graph.query(sparql, timeout=600)), max(repeat, 5))
    bench.check("query with a time limit", size, plain_rows == limit_rows)
    bench.row(
        "query with a time limit (vs the same query without)",
        size,
        t_limit,
        t_plain,
        "<= 20 ms extra",
        t_limit - t_plain <= 0.020,
        note="a standing child process, killed at the limit",
    )

    # -- trace one
    t_b, base_set = timed(
        lambda: {str(r[0]) for r in ref.query(PREFIX + TRACE_ONE, initBindings=bindings)}, repeat
    )

    def trace_one() -> Any:
        graph.invalidate()  # cold: nothing cached from an earlier trace
        return graph.trace(one)

    t_m, trace = timed(trace_one, max(repeat, 5))
    mine_set = set(trace.claims) - {one} | {one for c in trace.cycles if one in c}
    bench.check("trace one evidence set", size, base_set == mine_set)
    bench.row(
        "trace one (cold, right after load)",
        size,
        t_m,
        t_b,
        "<= 5 ms at 1M",
        t_m <= 0.005 if size >= 1_000_000 else None,
    )

    # -- trace all, including the index build
    def trace_all() -> Any:
        graph.invalidate()
        return graph.trace_all()

    t_m, traces = timed(trace_all, repeat)
    mine_all = {
        t.recommendation: set(t.claims) - {t.recommendation}
        | {t.recommendation for c in t.cycles if t.recommendation in c}
        for t in traces
    }

    def base_all() -> dict[str, set[str]]:
        out: dict[str, set[str]] = {r: set() for r in recs}
        for r, e in ref.query(PREFIX + TRACE_ALL):
            out[str(r)].add(str(e))
        return out

    t_b, base_map = timed(base_all, repeat)
    bench.check("trace all evidence sets", size, base_map == mine_all)
    limit = 1.0 if size <= 100_000 else 10.0
    bench.row(
        "trace all (one property-path query)",
        size,
        t_m,
        t_b,
        f"<= {limit:.0f} s, >= 20x",
        t_m <= limit and t_b / t_m >= 20,
    )
    if not args.skip_slow or size <= 10_000:

        def base_each() -> int:
            q = PREFIX + TRACE_ONE
            return sum(len(ref.query(q, initBindings={"rec": rdflib.URIRef(r)})) for r in recs)

        t_b, _ = timed(base_each, slow_repeat)
        bench.row(
            "trace all (a path query per recommendation)",
            size,
            t_m,
            t_b,
            f"<= {limit:.0f} s, >= 20x",
            t_m <= limit and t_b / t_m >= 20,
        )

    # -- validate
    shapes = _resources.shapes_file()
    if shapes.is_file():
        bench_validate(bench, graph, ref, shapes, size, [*ontology, corpus_path], info)

    # -- export
    t_b, _ = timed(lambda: ref.serialize(format="turtle"), repeat)
    t_m, text = timed(lambda: graph.serialize("turtle"), repeat)
    again = graph.serialize("turtle")
    bench.check("export is byte-stable", size, text == again)
    try:
        import pyoxigraph as ox

        exported = sum(1 for _ in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
        bench.check("export has every triple", size, exported == len(ref), f"{exported}")
    except ImportError:
        pass
    bench.row("export deterministic Turtle", size, t_m, t_b, ">= 5x", t_b / t_m >= 5)


PYSHACL_SCRIPT = """
import json, sys, time
import pyshacl, rdflib
from policygraph.validation import read_report
shapes, files = sys.argv[1], sys.argv[2:]
data = rdflib.Graph()
for f in files:
    data.parse(f, format="turtle")
shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
start = time.perf_counter()
_, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none",
    advanced=True, allow_warnings=True, do_owl_imports=False)
elapsed = time.perf_counter() - start
report = read_report(results)
print(json.dumps({"seconds": elapsed, "results": [r.to_dict() for r in report.results]}))
"""


def _result_key(r: dict[str, Any]) -> tuple[str, ...]:
    shape = r["shape"] if r["shape"].startswith("http") else "_:shape"  # blank-node shapes
    return tuple(str(r[k] or "") for k in ("severity", "focus", "path", "value", "message")) + (
        shape,
        r["component"],
    )


def bench_validate(
    bench: Bench,
    graph: Any,
    ref: Any,
    shapes: Path,
    size: int,
    files: list[Path],
    corpus: Any,
) -> None:
    import pyshacl
    import rdflib

    args = bench.args
    t_m, report = timed(lambda: graph.validate(), args.repeat)
    mine = sorted(_result_key(r.to_dict()) for r in report.results)
    found = {(r.shape, r.severity, r.focus) for r in report.results}
    bench.check(
        "validation finds exactly the corpus's deliberate defects",
        size,
        found == corpus.expected_results,
        f"missing {sorted(corpus.expected_results - found)[:3]} "
        f"unexpected {sorted(found - corpus.expected_results)[:3]}",
    )
    base: float | None = None
    note = ""
    if not args.skip_slow or size <= 10_000:
        # pySHACL in its own process, timed around validate() only, with a time limit.
        try:
            out = subprocess.run(
                [sys.executable, "-c", PYSHACL_SCRIPT, str(shapes), *map(str, files)],
                capture_output=True,
                text=True,
                check=True,
                timeout=args.pyshacl_timeout,
            )
        except subprocess.TimeoutExpired:
            note = f"pySHACL stopped after {args.pyshacl_timeout:.0f} s: ratio is a lower bound"
            base = float(args.pyshacl_timeout)
        else:
            document = json.loads(out.stdout.strip().splitlines()[-1])
            base = document["seconds"]
            theirs = sorted(_result_key(r) for r in document["results"])
            bench.check(
                "validation results",
                size,
                mine == theirs,
                f"only policygraph: {sorted(set(mine) - set(theirs))[:3]} only pyshacl: "
                f"{sorted(set(theirs) - set(mine))[:3]}",
            )
    else:
        note = "baseline skipped (--skip-slow)"
    bench.row(
        "validate whole graph (vs pyshacl)",
        size,
        t_m,
        base,
        "<= 5 s at 100k, >= 25x",
        None
        if size != 100_000 and base is None
        else (t_m <= 5 if size == 100_000 else True) and (base is None or base / t_m >= 25),
        note=note,
    )

    claims = graph.claims()
    claim = claims[len(claims) // 2]
    t_m, focus_report = timed(lambda: graph.validate_focus([claim]), max(args.repeat, 5))
    base = None
    if not args.skip_slow or size <= 100_000:
        shapes_graph = rdflib.Graph().parse(shapes, format="turtle")

        def plain() -> Any:
            return pyshacl.validate(
                ref,
                shacl_graph=shapes_graph,
                inference="none",
                advanced=True,
                allow_warnings=True,
                do_owl_imports=False,
                focus_nodes=[rdflib.URIRef(claim)],
            )[0]

        base, conforms = timed(plain, 1)
        bench.check("validate one claim", size, conforms == focus_report.conforms)
    bench.row(
        "validate one changed claim (vs pyshacl focus_nodes)",
        size,
        t_m,
        base,
        "<= 50 ms at 1M",
        t_m <= 0.05 if size >= 1_000_000 else None,
    )


# Peak memory of a fresh process. Linux keeps ru_maxrss across exec (a child started by this
# big process would inherit its high-water mark), so VmHWM, which starts anew with each
# program, is read where there is one.
MEMORY_SCRIPT = """
import resource, sys
path, kind, store = sys.argv[1:4]
if kind == "rdflib":
    import rdflib
    g = rdflib.Graph().parse(path, format="turtle")
else:
    import policygraph as pg
    g = pg.load(path, bundled_data=False, **({} if store == "default" else {"store": store}))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1])
except OSError:
    pass
print(peak)
"""


def peak_memory(bench: Bench, path: Path, size: int) -> None:
    def run(kind: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, str(path), kind, bench.args.store],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.split()[-1]) / 1024  # kB -> MB (Linux)

    mine, base = run("policygraph"), run("rdflib")
    bench.row(
        "peak memory loading",
        size,
        mine,
        base,
        "<= 40% of rdflib at 1M",
        mine <= 0.4 * base if size >= 1_000_000 else None,
        unit="MB",
    )


def startup(bench: Bench) -> None:
    exe = Path(sys.executable).parent / "policygraph"
    cmd = [str(exe), "stats"] if exe.exists() else [sys.executable, "-m", "policygraph", "stats"]

    # As installed from a wheel: byte-code cached (this environment may forbid writing it).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(argv: list[str]) -> None:
        subprocess.run(argv, capture_output=True, check=True, env=env)

    run(cmd)  # warm up: compiles and caches byte-code once
    t_m, _ = timed(lambda: run(cmd), max(bench.args.repeat, 5))
    t_b, _ = timed(lambda: run([sys.executable, "-c", "import rdflib"]), max(bench.args.repeat, 5))
    bench.row(
        "policygraph stats on the bundled data",
        0,
        t_m,
        t_b,
        "<= 1.5x of import rdflib",
        t_m <= 1.5 * t_b,
        note="baseline: python -c 'import rdflib'; byte-code cached in both",
    )


def markdown(path: Path) -> str:
    """The results file as a Markdown table (for the README), with the machine."""
    document = json.loads(path.read_text(encoding="utf-8"))
    m = document["machine"]
    lines = [
        f"Machine: {m.get('cpu', m.get('processor'))}, {m['cpu_count']} cores, "
        f"Python {m['python']}, {m['platform']}; rdflib {m['rdflib']}, pyshacl "
        f"{m['pyshacl']}, pyoxigraph {m['pyoxigraph']}; policygraph store: {document['store']}.",
        "",
        "| operation | size | policygraph | baseline | ratio | target | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in sorted(document["rows"], key=lambda r: r["size"] or 10**9):
        ratio = f"{row['ratio']:.1f}x" if row["ratio"] else "-"
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        size = f"{row['size']:,}" if row["size"] else "bundled"
        mine = fmt_value(row["policygraph"], row["unit"])
        base = fmt_value(row["baseline"], row["unit"])
        note = f" ({row['note']})" if row.get("note") else ""
        lines.append(
            f"| {row['operation']}{note} | {size} | {mine} | {base} | {ratio} | "
            f"{row['target']} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes in triples")
    parser.add_argument("--include-1m", action="store_true", help="also run 1,000,000 triples")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--skip-slow",
        action="store_true",
        help="skip baselines that take minutes (pyshacl, per-recommendation paths) above 10k",
    )
    parser.add_argument(
        "--store",
        default="oxigraph",
        help="policygraph store to measure: oxigraph, rdflib or default (no argument)",
    )
    parser.add_argument(
        "--pyshacl-timeout",
        type=float,
        default=300,
        help="seconds pySHACL may take on the whole graph before it is stopped (lower bound)",
    )
    parser.add_argument("--output", default=str(HERE / "results.json"))
    parser.add_argument("--keep", help="write the corpora to this folder and keep them")
    parser.add_argument(
        "--append",
        action="store_true",
        help="merge into the existing results file (rows of other sizes are kept)",
    )
    parser.add_argument("--no-startup", action="store_true", help="skip the startup row")
    parser.add_argument("--markdown", metavar="RESULTS", help="print RESULTS as Markdown, exit")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(Path(args.markdown)), end="")
        return 0
    if args.store != "default":
        try:
            pg.load(bundled_data=False, store=args.store)
        except TypeError:
            print("this policygraph has no store argument; measuring the default store")
            args.store = "default"

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.include_1m and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    info = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print(f"policygraph store: {args.store}\n")
    bench = Bench(args)
    print(HEAD)
    print("-" * len(HEAD))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            path = folder / f"corpus-{size}.ttl"
            t0 = time.perf_counter()
            corpus = generate(path, size, args.seed)
            print(
                f"# corpus {size}: {corpus.triples} triples, "
                f"{len(corpus.recommendations)} recommendations, "
                f"{len(corpus.findings)} findings, written in {time.perf_counter() - t0:.2f} s",
                flush=True,
            )
            bench_size(bench, path, size, corpus)
            peak_memory(bench, path, size)
        if not args.no_startup:
            startup(bench)
    elapsed = time.perf_counter() - started
    print(f"\n{len(bench.rows)} rows in {elapsed:.0f} s")
    if bench.mismatches:
        print("\n" + "!" * 78)
        print(f"!!! {len(bench.mismatches)} RESULT MISMATCH(ES) against the baseline:")
        for m in bench.mismatches:
            print("!!!   " + m)
        print("!" * 78)
    else:
        print("all results equal to the baselines'")
    document: dict[str, Any] = {
        "machine": info,
        "store": args.store,
        "run": {
            "sizes": sizes,
            "repeat": args.repeat,
            "seed": args.seed,
            "skip_slow": args.skip_slow,
            "elapsed_seconds": round(elapsed, 1),
        },
        "rows": bench.rows,
        "mismatches": bench.mismatches,
    }
    output = Path(args.output)
    if args.append and output.is_file():
        # Keep the earlier run's rows for the sizes (and the startup row) not measured now.
        earlier = json.loads(output.read_text(encoding="utf-8"))
        measured = {row["size"] for row in bench.rows}
        kept = [row for row in earlier.get("rows", []) if row["size"] not in measured]
        document["rows"] = kept + bench.rows
        document["runs"] = [*earlier.get("runs", [earlier.get("run", {})]), document.pop("run")]
        document["mismatches"] = earlier.get("mismatches", []) + bench.mismatches
    output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {output}")
    return 1 if bench.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
