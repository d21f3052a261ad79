"""The static evidence map (``policygraph site``), read as files: every highlight holds exactly
its source slice, every link and asset stays inside the folder, builds are byte-identical."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policygraph as pg
from policygraph.site import build_site, render_site
from policygraph.site.highlight import Span, mark_text
from tests.test_bundled_data import sources_dir

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_SOURCES = ROOT / "tests" / "authoring" / "sources"
FIXTURE_CLAIMS = ROOT / "tests" / "authoring" / "valid" / "complete-source.yaml"


class Page(HTMLParser):
    """What the tests read from a page: each mark's text and attributes, ids, links, assets."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[dict[str, str]] = []
        self.open: list[dict[str, str]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.assets: list[str] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            assert a["id"] not in self.ids, f"id {a['id']} twice"
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe") and "src" in a:
            self.assets.append(a["src"])
        if tag == "link" and "href" in a:
            self.assets.append(a["href"])
        if tag == "mark":
            entry = dict(a, text="")
            self.marks.append(entry)
            self.open.append(entry)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        for entry in self.open:
            entry["text"] += data


def check_marks(html: str, text: str, anchors: dict[str, tuple[int, int]]) -> None:
    """Every mark holds text[data-start:data-end]; the marks of one anchor cover its span."""
    page = Page(html)
    covered: dict[str, list[tuple[int, int]]] = {}
    for mark in page.marks:
        start, end = int(mark["data-start"]), int(mark["data-end"])
        key = mark["data-resource"]
        assert mark["text"] == text[start:end], key
        covered.setdefault(key, []).append((start, end))
        whole = (int(mark.get("data-anchor-start", start)), int(mark.get("data-anchor-end", end)))
        assert whole == anchors[key], key  # a part names its whole anchor; a whole is one
    assert set(covered) == set(anchors)
    for key, parts in covered.items():
        parts.sort()
        assert parts[0][0] == anchors[key][0] and parts[-1][1] == anchors[key][1], key
        assert all(a[1] == b[0] for a, b in zip(parts, parts[1:])), key


# ---------------------------------------------------------------------- highlights


def test_marks_nest_and_an_overlapping_anchor_is_cut_not_dropped() -> None:
    text = "abcdefghijklmnop"
    spans = [Span("A", 2, 8, "a"), Span("B", 4, 12, "b"), Span("C", 5, 6, "c")]
    html = mark_text(text, spans)
    check_marks(html, text, {"A": (2, 8), "B": (4, 12), "C": (5, 6)})
    assert html.count('data-resource="B"') == 2  # cut where A ends
    assert html.count('data-anchor-start="4" data-anchor-end="12"') == 2
    assert html.count('id="b"') == 1  # the first part carries the id


def test_carriage_returns_and_markup_characters_survive_the_html_parser() -> None:
    text = "\r\n<b>&amp;\r</b>\n"
    html = mark_text(text, [Span("X", 0, len(text), "x")])
    check_marks(html, text, {"X": (0, len(text))})


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab \n\r<&ø—", min_size=1, max_size=40),
    raw=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=8),
)
def test_any_set_of_spans_gives_marks_that_hold_their_slices(
    text: str, raw: list[tuple[int, int]]
) -> None:
    spans = {}
    for i, (a, b) in enumerate(raw):
        start, end = min(a, b) % len(text), max(a, b) % (len(text) + 1)
        if start < end:
            spans[f"s{i}"] = (start, end)
    html = mark_text(text, [Span(k, s, e, k) for k, (s, e) in spans.items()])
    check_marks(html, text, spans)
    assert Page(html).text == text


# ---------------------------------------------------------------------- the built site


@pytest.fixture(scope="module")
def fixture_graph(tmp_path_factory: pytest.TempPathFactory) -> pg.PolicyGraph:
    """The curation tests' claims file compiled against its own text: always available."""
    out = tmp_path_factory.mktemp("compiled") / "byrad.ttl"
    run = subprocess.run(
        [sys.executable, "-m", "policygraph", "compile", str(FIXTURE_CLAIMS), "--sources",
         str(FIXTURE_SOURCES), "-o", str(out), "--no-bundled-data"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return pg.load(out, bundled_data=False)


def anchors_of(graph: pg.PolicyGraph) -> dict[str, tuple[str, int, int]]:
    rows = graph.query(
        """SELECT DISTINCT ?a ?doc ?s ?e WHERE { ?r pg:anchor|pg:basisAnchor ?a .
        ?a pg:sourceDocument ?doc ; oa:start ?s ; oa:end ?e }"""
    )
    return {str(a): (str(d), int(s), int(e)) for a, d, s, e in rows}  # type: ignore[misc]


def check_site(files: dict[str, str], graph: pg.PolicyGraph, sources: Path) -> int:
    """Every anchor whose text is in ``sources`` is marked exactly; returns how many."""
    texts = {}
    for path in sources.iterdir():
        texts[path.name] = path.read_text(encoding="utf-8")
    anchors = anchors_of(graph)
    checked = 0
    for name, html in files.items():
        if not name.startswith("text-"):
            continue
        page = Page(html)
        file_name = next(n for n in texts if f"<code>{n}</code>" in html)
        text = texts[file_name]
        assert page.text.count(text) == 1 or text.strip() == ""
        mine = {k: (s, e) for k, (d, s, e) in anchors.items() if f'data-document="{d}"' in html}
        check_marks(html, text, mine)
        checked += len(mine)
    return checked


def test_fixture_site_marks_every_anchor(fixture_graph: pg.PolicyGraph) -> None:
    files = render_site(fixture_graph, FIXTURE_SOURCES)
    assert check_site(files, fixture_graph, FIXTURE_SOURCES) == len(anchors_of(fixture_graph))


def test_bundled_site_marks_every_anchor_of_the_bundled_data() -> None:
    sources = sources_dir()
    if sources is None:
        pytest.skip("source texts not available (POLICYGRAPH_SOURCES)")
    graph = pg.load()
    files = render_site(graph, sources)
    assert check_site(files, graph, sources) == len(anchors_of(graph)) == graph.stats()["anchors"]


@pytest.fixture(scope="module")
def bundled_files() -> dict[str, str]:
    return render_site(pg.load(), sources_dir())


def test_every_link_and_asset_stays_inside_the_folder(bundled_files: dict[str, str]) -> None:
    pages = {name: Page(html) for name, html in bundled_files.items() if name.endswith(".html")}
    for name, page in pages.items():
        for asset in page.assets:
            assert asset in bundled_files, (name, asset)  # relative, and written
        for href in page.links:
            if href.startswith(("https://", "http://")):
                continue  # a link to a public page (ELI, ROR): followed only if clicked
            target, _, fragment = href.partition("#")
            target = target or name
            assert target in pages, (name, href)
            if fragment:
                assert fragment in pages[target].ids, (name, href)
    for name, text in bundled_files.items():
        if name.endswith((".css", ".js")):
            assert "http" not in text and "url(" not in text, name


def test_pages_for_every_claim_actor_document_and_the_ontology(
    bundled_files: dict[str, str],
) -> None:
    graph = pg.load()
    stats = graph.stats()
    names = list(bundled_files)
    assert sum(n.startswith("claim-") for n in names) == stats["claims"]
    assert sum(n.startswith("actor-") for n in names) == stats["actors"]
    assert sum(n.startswith("doc-") for n in names) == stats["documents"]
    assert {"index.html", "ontology.html", "assets/site.css", "assets/site.js"} <= set(names)
    index = Page(bundled_files["index.html"])
    assert {n for n in names if n.startswith(("claim-", "actor-", "doc-"))} <= set(index.links)


def test_readable_without_javascript(bundled_files: dict[str, str]) -> None:
    """Both languages are in the HTML itself; the script only chooses which one shows."""
    rec = Page(bundled_files["claim-ntnu-national-strategy.html"]).text
    assert "Det bør lages en nasjonal strategi" in rec
    assert "A national strategy should be drawn up" in rec
    assert 'data-lang="both"' in bundled_files["index.html"]


def test_recommendation_page_draws_stated_and_inferred_links_differently(
    bundled_files: dict[str, str],
) -> None:
    html = bundled_files["claim-ntnu-national-strategy.html"]
    svg = html.split('<svg class="evidence"')[1].split("</svg>")[0]
    edges = pg.load().trace("ntnu-national-strategy").edges
    stated = sum(1 for edge in edges if edge.basis == "stated")
    assert stated and len(edges) - stated  # the claim has links of both kinds
    assert svg.count('<g class="edge stated">') == stated
    assert svg.count('<g class="edge inferred">') == len(edges) - stated
    assert "Curator's reason:" in html
    assert 'class="legend"' in html
    if sources_dir() is not None:
        assert 'href="text-article-ntnu-ks-folkehelse.html#a-a000-' in html


def test_actor_and_document_pages(bundled_files: dict[str, str]) -> None:
    person = Page(bundled_files["actor-marit-hermansen.html"]).text
    assert "president" in person and "2015-09-01" in person  # her role, with its start
    assert "Fastlegeordningen bør styrkes" in person  # a claim she asserts
    law = Page(bundled_files["doc-folkehelseloven.html"]).text
    assert "LOV-2011-06-24-29" in law and "https://lovdata.no/eli/lov/2011/06/24/29" in law
    assert any(
        k.startswith("doc-") and "Meld. St. 34 (2012–2013)" in v for k, v in bundled_files.items()
    )
    assert "Meld. St. 34 (2012–2013)" in bundled_files["index.html"]


def test_index_has_the_gap_map_with_empty_cells_and_the_validation_summary(
    bundled_files: dict[str, str],
) -> None:
    html = bundled_files["index.html"]
    assert html.count('<table class="gapmap">') == 2  # by documents and by actors
    assert 'class="empty"' in html and 'class="filled"' in html
    assert "The graph conforms to its shapes" in html
    assert "0 violation(s)" in html


def test_ontology_reference_lists_every_term_with_shapes_and_examples(
    bundled_files: dict[str, str],
) -> None:
    html = bundled_files["ontology.html"]
    page = Page(html)
    terms = pg.load(bundled_data=False).query(
        """SELECT ?t WHERE { VALUES ?k { owl:Class owl:ObjectProperty owl:DatatypeProperty
        owl:AnnotationProperty } ?t a ?k FILTER(STRSTARTS(STR(?t), STR(pg:))) }"""
    )
    assert len(terms) > 50
    for (term,) in terms:
        assert "t-pg-" + str(term).split("#")[1] in page.ids
    finding = html.split('id="t-pg-Finding"')[1].split("</article>")[0]
    assert "pgsh:ClaimAssertedBy" in finding  # inherited from pg:Claim's shape
    assert "warning" in finding and "violation" in finding and "required: at least 1" in finding
    assert "Examples:" in finding and "funn" in finding and "finding" in finding


def test_strength_is_shown_with_its_labels(bundled_files: dict[str, str]) -> None:
    graph = pg.load()
    labels = graph.query(
        """SELECT ?label WHERE { claim:ntnu-national-strategy pg:strength ?s .
        ?s skos:prefLabel ?label }"""
    )
    assert len(labels) == 2  # nb and en
    html = bundled_files["claim-ntnu-national-strategy.html"]
    assert "<dt>Strength</dt>" in html
    assert all(str(label) in html for (label,) in labels)
    assert 'class="strength"' in bundled_files["index.html"]


def _cli(*args: str, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run(
        [sys.executable, "-m", "policygraph", *args], capture_output=True, text=True, env=env
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_builds_are_byte_identical_under_any_hash_seed(tmp_path: Path) -> None:
    extra = ["--sources", str(sources_dir() or FIXTURE_SOURCES)]
    first = _cli("site", "-o", str(tmp_path / "one"), *extra, seed="1")
    second = _cli("site", "-o", str(tmp_path / "two"), *extra, seed="2")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert len(one) > 80 and one == two


def test_the_same_site_from_every_store() -> None:
    pytest.importorskip("pyoxigraph")
    sources = sources_dir()
    reference = render_site(pg.load(store="rdflib"), sources)
    assert render_site(pg.load(store="oxigraph"), sources) == reference


def test_cli_replaces_an_earlier_site_and_refuses_any_other_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = _cli("site", "-o", str(out), "--format", "json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["claims"] == pg.load().stats()["claims"] and summary["texts"] == 0
    (out / "claim-gone.html").write_text("stale", encoding="utf-8")
    assert _cli("site", "-o", str(out)).returncode == 0
    assert not (out / "claim-gone.html").exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    refused = _cli("site", "-o", str(mine))
    assert refused.returncode == 2
    assert refused.stderr.startswith("policygraph: error:") and "Traceback" not in refused.stderr
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep"
    missing = _cli("site", "-o", str(tmp_path / "x"), "--sources", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "sources folder not found" in missing.stderr


def test_build_site_from_python_returns_a_summary(tmp_path: Path) -> None:
    summary = build_site(pg.load(), tmp_path / "out")
    assert summary.pages == len(list((tmp_path / "out").glob("*.html")))


def test_wheel_carries_the_site_package_and_its_assets(tmp_path: Path) -> None:
    """Regression: an ignore rule for a built site/ folder once kept the package out."""
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
         str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("policygraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("site/build.py", "site/assets/site.css", "site/assets/site.js", "notebook.py"):
        assert f"policygraph/{name}" in names


PREFIXES_TTL = """@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix pgc: <https://w3id.org/policygraph/concept/> .
@prefix claim: <https://w3id.org/policygraph/id/claim/> .
@prefix anchor: <https://w3id.org/policygraph/id/anchor/> .
@prefix doc: <https://w3id.org/policygraph/id/doc/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
"""


def test_a_cycle_and_a_link_without_basis_are_drawn_and_named(tmp_path: Path) -> None:
    data = tmp_path / "cycle.ttl"
    data.write_text(
        PREFIXES_TTL
        + """claim:a a pg:Recommendation ; pg:statement "A nb"@nb, "A en"@en ;
    pg:justifiedBy claim:b .
claim:b a pg:Finding ; pg:statement "B nb"@nb, "B en"@en ; pg:supportedBy claim:a .
""",
        encoding="utf-8",
    )
    files = render_site(pg.load(data, bundled_data=False))
    html = files["claim-a.html"]
    svg = html.split('<svg class="evidence"')[1].split("</svg>")[0]
    assert svg.count('<g class="edge nobasis">') == 2  # one forwards, one back round the side
    assert "Cycles: claim:a → claim:b" in html
    width = int(svg.split('width="')[1].split('"')[0])
    assert width > 2 * 230 + 80 + 2 * 16  # room for the link going back round the side
    assert "[basis not recorded]" in html
    assert "claim-b.html" in html


def test_anchors_outside_the_text_are_listed_not_marked(tmp_path: Path) -> None:
    import hashlib

    text_file = FIXTURE_SOURCES / "byrad-rapport.txt"
    sha = hashlib.sha256(text_file.read_bytes()).hexdigest()
    text = text_file.read_text(encoding="utf-8")
    data = tmp_path / "anchors.ttl"
    data.write_text(
        PREFIXES_TTL
        + f"""doc:t a pg:Report ; pg:textSha256 "{sha}" .
claim:c a pg:Finding ; pg:statement "C"@nb ; pg:anchor anchor:in, anchor:cross, anchor:out .
anchor:in a pg:TextAnchor ; pg:sourceDocument doc:t ; oa:start 0 ; oa:end 30 .
anchor:cross a pg:TextAnchor ; pg:sourceDocument doc:t ; oa:start 20 ; oa:end 50 .
anchor:out a pg:TextAnchor ; pg:sourceDocument doc:t ; oa:start 10 ; oa:end {len(text) + 5} .
""",
        encoding="utf-8",
    )
    files = render_site(pg.load(data, bundled_data=False), FIXTURE_SOURCES)
    html = files["text-t.html"]
    base = "https://w3id.org/policygraph/id/anchor/"
    check_marks(html, text, {base + "in": (0, 30), base + "cross": (20, 50)})
    outside = html.split("Anchors outside the text")[1]
    assert "anchor:out" in outside
    claim = files["claim-c.html"]
    assert claim.count('class="show"') == 2  # no link to a mark that is not there


def test_a_graph_without_claims_still_builds() -> None:
    files = render_site(pg.load(bundled_data=False))
    assert "No recommendations." in files["index.html"]
    assert not any(name.startswith("claim-") for name in files)


def test_names_shared_by_two_iris_stay_apart(tmp_path: Path) -> None:
    import hashlib

    sha = hashlib.sha256((FIXTURE_SOURCES / "byrad-rapport.txt").read_bytes()).hexdigest()
    data = tmp_path / "twins.ttl"
    data.write_text(
        PREFIXES_TTL
        + f"""doc:d a pg:Report ; pg:textSha256 "{sha}" .
<https://example.org/a/x> a pg:Finding ; pg:statement "one"@nb ;
    pg:anchor <https://example.org/a/n> .
<https://example.org/b/x> a pg:Finding ; pg:statement "two"@nb ;
    pg:anchor <https://example.org/b/n> .
<https://example.org/a/n> a pg:TextAnchor ; pg:sourceDocument doc:d ; oa:start 0 ; oa:end 3 .
<https://example.org/b/n> a pg:TextAnchor ; pg:sourceDocument doc:d ; oa:start 1 ; oa:end 4 .
""",
        encoding="utf-8",
    )
    files = render_site(pg.load(data, bundled_data=False), FIXTURE_SOURCES)
    pages = sorted(name for name in files if name.startswith("claim-x-"))
    assert len(pages) == 2
    assert "one" in files[pages[0]] + files[pages[1]] and "two" in files[pages[0]] + files[pages[1]]
    text = Page(files["text-d.html"])  # the parser fails on an id used twice
    assert len({m["id"] for m in text.marks if "id" in m}) == 2
    for name in pages:  # each claim's "show in source" finds its own mark
        href = files[name].split('class="show" href="')[1].split('"')[0]
        assert href.split("#")[1] in text.ids
