"""Compile speed: a white-paper-sized source text (2 MB) with 500 claims, each naming its passage
by a few words at each end, compiled with ``policygraph compile``'s library call; side by side
with the naive way of finding the same words (``str.find`` of each quote over the raw text),
which is faster but misses every quote the text breaks over a line.

    python bench/compile_claims.py                   # 2 MB, 500 claims, 3 runs (median)
    python bench/compile_claims.py --mb 0.2 --claims 50 --repeat 1

The text is synthetic (random words from a fixed vocabulary, wrapped at 72 columns like text
taken out of a PDF, paragraphs between blank lines), deterministic by seed. Results go to
bench/compile_results.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from policygraph.authoring import compile_claims, known_graph  # noqa: E402
from policygraph.authoring.decompile import words_for  # noqa: E402
from policygraph.authoring.textindex import NormalizedText, parse_words  # noqa: E402

SYLLABLES = [
    "fast",
    "lege",
    "kom",
    "mune",
    "hel",
    "se",
    "for",
    "bygg",
    "ing",
    "til",
    "tak",
    "ord",
    "ning",
    "sam",
    "ar",
    "beid",
    "ans",
    "var",
    "plan",
    "stat",
    "tje",
    "nest",
    "fol",
    "ke",
    "mål",
    "rett",
    "ledd",
    "vakt",
    "sy",
    "ke",
    "hus",
    "pa",
    "sient",
]


def make_text(size: int, rng: random.Random) -> str:
    vocabulary = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(6000)}
    )
    lines: list[str] = []
    total = 0
    line = ""
    while total < size:
        words = [rng.choice(vocabulary) for _ in range(rng.randint(6, 24))]
        sentence = " ".join(words).capitalize() + "."
        for word in sentence.split(" "):
            if len(line) + len(word) + 1 > 72:
                lines.append(line)
                total += len(line) + 1
                line = word
            else:
                line = f"{line} {word}" if line else word
        if rng.random() < 0.15:
            lines.append(line)
            lines.append("")
            total += len(line) + 2
            line = ""
    lines.append(line)
    return "\n".join(lines) + "\n"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for i, ch in enumerate(text):
        if ch == ".":
            while start < i and text[start].isspace():
                start += 1
            spans.append((start, i + 1))
            start = i + 1
    return spans


def make_claims(text: str, claims: int, rng: random.Random) -> tuple[str, list[dict[str, str]]]:
    index = NormalizedText(text)
    spans = sentence_spans(text)
    chosen = sorted(rng.sample(range(len(spans)), claims))
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    out = [
        "format: policygraph-claims/1",
        "source: {document: white-paper, file: white-paper.txt, sha256: " + sha + "}",
        "documents:",
        "  white-paper: {type: WhitePaper, label: {nb: Meldingen, en: The white paper}}",
        "actors:",
        "  ministry: {type: Organisation, label: {nb: Departementet, en: The ministry}}",
        "claims:",
    ]
    locators = []
    for n, k in enumerate(chosen):
        start, end = spans[k]
        spec = words_for(index, start, end)
        assert spec is not None
        locators.append(spec)
        at = json.dumps(spec, ensure_ascii=False)
        out.append(
            f"  c{n}: {{type: Finding, statement: {{nb: Funn {n}., en: Finding {n}.}}, "
            f"asserted-by: ministry, stated-in: white-paper, topic: forebygging, at: [{at}]}}"
        )
    return "\n".join(out) + "\n", locators


def naive(text: str, locators: list[dict[str, str]]) -> int:
    """str.find of each quote's words over the raw text: the number found."""
    found = 0
    for spec in locators:
        words = spec["words"]
        head, _, tail = words.partition(" … ")
        at = text.find(head)
        if at >= 0 and (not tail or text.find(tail, at) >= 0):
            found += 1
    return found


def ours(index_text: str, locators: list[dict[str, str]]) -> int:
    index = NormalizedText(index_text)
    index.prepare([w for s in locators for w in s["words"].split(" … ") + [s.get("after", "")]])
    return sum(
        len(index.locate(parse_words(s["words"], s.get("after"))).spans) == 1 for s in locators
    )


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs, and the last result."""
    return timed_both(fn, repeat)[0], timed_both.last  # type: ignore[attr-defined]


def timed_both(fn: Any, repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (this process) of ``repeat`` runs. On a shared
    machine the CPU time says what the work costs; the wall time adds the waiting."""
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        timed_both.last = fn()  # type: ignore[attr-defined]
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="size of the text in MB")
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=str(HERE / "compile_results.json"))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    text = make_text(int(args.mb * 1_000_000), rng)
    claims_yaml, locators = make_claims(text, args.claims, rng)
    known = known_graph(bundled_data=False)
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "texts"
        sources.mkdir()
        (sources / "white-paper.txt").write_text(text, encoding="utf-8")
        claims_file = Path(folder) / "white-paper.claims.yaml"
        claims_file.write_text(claims_yaml, encoding="utf-8")
        compile_time, compile_cpu = timed_both(
            lambda: compile_claims([claims_file], sources=sources, known=known), args.repeat
        )
        graph = timed_both.last  # type: ignore[attr-defined]
        full_time, _ = timed(
            lambda: compile_claims([claims_file], sources=sources), max(args.repeat // 2, 1)
        )
    locate_time, located = timed(lambda: ours(text, locators), args.repeat)
    naive_time, naive_found = timed(lambda: naive(text, locators), args.repeat)
    line_broken = sum(1 for s in locators for part in s["words"].split(" … ") if part)
    result = {
        "text_bytes": len(text.encode("utf-8")),
        "claims": args.claims,
        "triples": len(graph),
        "compile_s": round(compile_time, 3),
        "compile_cpu_s": round(compile_cpu, 3),
        "compile_with_ontology_load_s": round(full_time, 3),
        "locate_only_s": round(locate_time, 4),
        "located": located,
        "naive_str_find_s": round(naive_time, 4),
        "naive_found": naive_found,
        "naive_missed": args.claims - naive_found,
        "quote_parts": line_broken,
        "target": "compile < 1 s for 2 MB and 500 claims",
        "met": compile_time < 1.0,
        "met_cpu": compile_cpu < 1.0,
        "load_average": round(__import__("os").getloadavg()[0], 2),
        "cores": __import__("os").cpu_count(),
        "python": sys.version.split()[0],
    }
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
