"""The compile benchmark's own checks, on a small text (its timings are in bench/, not here):
every generated quote is found exactly once by the compiler's search, and the naive str.find
misses the quotes the text breaks over a line."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import compile_claims  # noqa: E402


def test_small_compile_bench_finds_every_quote_and_naive_misses_some(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = compile_claims.main(
        ["--mb", "0.05", "--claims", "20", "--repeat", "1", "--output", str(out)]
    )
    assert result["located"] == 20
    assert result["triples"] > 20 * 8
    assert 0 < result["naive_missed"] < 20
    assert out.exists()
