"""Anchor verification and sentence coverage on a small text made for the test."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from policygraph.anchors import SourceTexts, check_anchor, coverage, split_sentences
from policygraph.errors import AnchorError
from policygraph.model import AnchorRef

TEXT = (
    "Overskrift\n\nDette er den første setningen. Her kommer den andre!\n"
    "• Et punkt som går over\n\nto linjer.\n• Et annet punkt.\nFoto: Noen\n"
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def anchor(start: int, end: int, span: str | None = None, doc_sha: str | None = None) -> AnchorRef:
    return AnchorRef(
        "urn:anchor",
        "urn:claim",
        "urn:doc",
        doc_sha or sha(TEXT),
        start,
        end,
        span if span is not None else sha(TEXT[start:end]),
    )


@pytest.fixture()
def sources(tmp_path: Path) -> SourceTexts:
    (tmp_path / "text.txt").write_text(TEXT, encoding="utf-8", newline="")
    (tmp_path / "latin1.txt").write_bytes("bl\xe5".encode("latin-1"))
    return SourceTexts(tmp_path)


def test_sentences_split_at_ends_blank_lines_and_bullets() -> None:
    sentences = [TEXT[s:e] for s, e in split_sentences(TEXT)]
    assert sentences == [
        "Overskrift",
        "Dette er den første setningen.",
        "Her kommer den andre!",
        "• Et punkt som går over\n\nto linjer.",
        "• Et annet punkt.",
        "Foto: Noen",
    ]
    assert all(s == s.strip() and s for s in sentences)


def test_anchor_verifies_by_offsets_and_hash(sources: SourceTexts) -> None:
    start = TEXT.index("Dette")
    end = TEXT.index("setningen.") + len("setningen.")
    good = check_anchor(anchor(start, end), "Finding", sources)
    assert good.verified and good.quote == "Dette er den første setningen."
    assert good.to_dict()["quote"] == good.quote


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        (anchor(12, 20, span="0" * 64), "span SHA-256"),
        (anchor(12, 9999), "outside the text"),
        (anchor(20, 12), "outside the text"),
        (anchor(12, 20, doc_sha="f" * 64), "no file"),
    ],
)
def test_anchor_failures_are_loud(sources: SourceTexts, ref: AnchorRef, problem: str) -> None:
    check = check_anchor(ref, "Finding", sources)
    assert not check.verified and problem in (check.problem or "")


def test_code_points_not_bytes(sources: SourceTexts) -> None:
    # "første" has a two-byte letter: offsets count it once.
    start = TEXT.index("første")
    check = check_anchor(anchor(start, start + 6), "Finding", sources)
    assert check.verified and check.quote == "første"


def test_missing_sources_folder(tmp_path: Path) -> None:
    with pytest.raises(AnchorError):
        SourceTexts(tmp_path / "nope")


def test_coverage_counts_sentences_half_covered() -> None:
    start = TEXT.index("Dette")
    cover = coverage(Path("text.txt"), TEXT, "urn:doc", [anchor(start, start + 20)])
    by_text = {s.text: s.covered for s in cover.sentences}
    assert by_text["Dette er den første setningen."] is True
    assert by_text["Her kommer den andre!"] is False
    assert cover.covered == 1
    assert cover.share == pytest.approx(1 / len(cover.sentences))
    data = cover.to_dict()
    assert data["covered"] == 1 and len(data["uncovered"]) == len(cover.sentences) - 1
