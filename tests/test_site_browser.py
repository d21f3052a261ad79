"""The evidence map in a real browser: Chromium (Debian's ``chromium``) driven by Playwright, as
a reader would use it. Skips without Chromium unless POLICYGRAPH_REQUIRE_BROWSER=1.

Each test opens pages from disk with a new, empty profile, fails on any console error and on
any request outside the site's folder (such requests are also aborted), and the axe-core check
(from npm: ``make node_modules``) allows no serious or critical violation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import policygraph as pg
from policygraph.site import build_site
from tests.test_bundled_data import sources_dir

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
REQUIRED = os.environ.get("POLICYGRAPH_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
]


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (POLICYGRAPH_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        _missing("chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("playwright is not installed")
    assert path is not None
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pg.PolicyGraph, Path]:
    """The site of the bundled data with its texts, or else of the curation tests' fixture."""
    sources = sources_dir()
    if sources is not None:
        graph = pg.load()
    else:
        sources = ROOT / "tests" / "authoring" / "sources"
        compiled = tmp_path_factory.mktemp("compiled") / "fixture.ttl"
        subprocess.run(
            [sys.executable, "-m", "policygraph", "compile",
             str(ROOT / "tests" / "authoring" / "valid" / "complete-source.yaml"),
             "--sources", str(sources), "-o", str(compiled), "--no-bundled-data"],
            check=True, capture_output=True,
        )  # fmt: skip
        graph = pg.load(compiled, bundled_data=False)
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(graph, out, sources)
    return out, graph, sources


class Reader:
    """One browser profile, with the problems seen: console errors, outside requests."""

    def __init__(self, context: Any, folder: Path) -> None:
        self.context = context
        self.base = folder.resolve().as_uri() + "/"
        self.errors: list[str] = []
        self.outside: list[str] = []
        context.route("**/*", self._route)
        self.page = context.pages[0] if context.pages else context.new_page()
        self.watch(self.page)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def watch(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, name: str) -> Any:
        self.page.goto(self.base + name)
        return self.page

    def here(self) -> str:
        return str(self.page.url)[len(self.base) :]


@pytest.fixture()
def browser(chromium: str, site: tuple[Path, pg.PolicyGraph, Path], tmp_path: Path) -> Any:
    """Opens readers (a new empty profile each) and checks what they saw when the test ends."""
    from playwright.sync_api import sync_playwright

    readers: list[Reader] = []
    with sync_playwright() as p:

        def open_reader(javascript: bool = True) -> Reader:
            context = p.chromium.launch_persistent_context(
                str(tmp_path / f"profile-{len(readers)}"),
                executable_path=chromium,
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1200, "height": 900},
                java_script_enabled=javascript,
            )
            readers.append(Reader(context, site[0]))
            return readers[-1]

        try:
            yield open_reader
            for r in readers:
                assert r.errors == [], r.errors
                assert r.outside == [], r.outside
        finally:
            for r in readers:
                r.context.close()


@pytest.fixture()
def reader(browser: Any) -> Reader:
    return browser()  # type: ignore[no-any-return]


def _marks(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        "mark.hl",
        """els => els.map(e => ({resource: e.dataset.resource, start: +e.dataset.start,
            end: +e.dataset.end, text: e.textContent,
            whole: [+(e.dataset.anchorStart ?? e.dataset.start),
                    +(e.dataset.anchorEnd ?? e.dataset.end)],
            current: e.classList.contains('current')}))""",
    )


def _text_of(page: Any, sources: Path) -> str:
    file_name = page.locator("main > p code").first.inner_text()
    return (sources / file_name).read_text(encoding="utf-8")


def _first_recommendation_with_a_source_link(reader: Reader) -> str:
    """The recommendation with the most evidence steps that link into a source text."""
    page = reader.open("index.html")
    links = page.eval_on_selector_all(
        "#recommendations a[href^='claim-']", "els => els.map(e => e.getAttribute('href'))"
    )
    best: tuple[int, str] | None = None
    for href in links:
        html = (Path(reader.base[7:]) / href).read_text(encoding="utf-8")
        if '<section id="evidence"' not in html:
            continue
        evidence = html.split('<section id="evidence"')[1]
        if 'class="show"' in evidence:
            steps = evidence.count('<li class="step')
            if best is None or steps > best[0]:
                best = (steps, str(href))
    assert best is not None, "no recommendation with an evidence step into a source"
    return best[1]


def test_reader_follows_an_evidence_step_into_the_source(
    reader: Reader, site: tuple[Path, pg.PolicyGraph, Path]
) -> None:
    target = _first_recommendation_with_a_source_link(reader)
    page = reader.open("index.html")
    page.screenshot(path=str(SCREENSHOTS / "index.png"))
    page.click(f"#recommendations a[href='{target}']")
    page.wait_for_url("**/" + target)
    assert page.locator("svg.evidence").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "recommendation.png"), full_page=True)
    page.locator("#evidence ol.steps a.show").first.click()
    page.wait_for_function("() => document.querySelector('mark.hl.current') !== null")
    assert reader.here().startswith("text-") and "#a-" in reader.here()
    text = _text_of(page, site[2])
    current = [m for m in _marks(page) if m["current"]]
    assert current, "the anchor the step points at is marked"
    for mark in current:
        assert mark["text"] == text[mark["start"] : mark["end"]]
    assert page.locator("mark.hl.current").first.is_visible()
    assert page.locator("ol.notes li.current").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "source.png"))
    # Clicking another highlight marks it and the entry that lists its claims.
    other = page.locator("mark.hl[id]:not(.current):not(:has(mark.hl))").last
    other_id = other.get_attribute("id")
    other.click(position={"x": 2, "y": 2})
    page.wait_for_function(f"() => location.hash === '#{other_id}'")
    assert page.locator(f"#note-{other_id}").get_attribute("class") == "current"
    assert (
        page.locator(
            f"#note-{other_id} a[href^='claim-'], #note-{other_id} a[href^='doc-']"
        ).count()
        >= 1
    )


def test_every_highlight_holds_its_source_slice(
    reader: Reader, site: tuple[Path, pg.PolicyGraph, Path]
) -> None:
    folder, graph, sources = site
    rows = graph.query(
        """SELECT DISTINCT ?a ?s ?e WHERE { ?r pg:anchor|pg:basisAnchor ?a .
        ?a oa:start ?s ; oa:end ?e }"""
    )
    expected = {str(a): (int(s), int(e)) for a, s, e in rows}  # type: ignore[misc]
    seen: dict[str, list[tuple[int, int]]] = {}
    for path in sorted(folder.glob("text-*.html")):
        page = reader.open(path.name)
        text = _text_of(page, sources)
        assert page.locator(".source").inner_text() != ""
        assert page.eval_on_selector(".source", "e => e.textContent") == text
        for mark in _marks(page):
            assert mark["text"] == text[mark["start"] : mark["end"]], mark["resource"]
            assert tuple(mark["whole"]) == expected[mark["resource"]], mark["resource"]
            seen.setdefault(mark["resource"], []).append((mark["start"], mark["end"]))
    assert set(seen) == set(expected)
    for key, parts in seen.items():
        assert (min(parts)[0], max(parts)[1]) == expected[key], key


def test_language_switch_is_remembered(reader: Reader) -> None:
    page = reader.open("index.html")
    assert page.get_attribute("html", "data-lang") == "nb"
    page.get_by_role("button", name="English (en)").click()
    assert page.get_attribute("html", "data-lang") == "en"
    assert page.get_by_role("button", name="English (en)").get_attribute("aria-pressed") == "true"
    page.locator("#recommendations a[href^='claim-']").first.click()
    page.wait_for_url("**/claim-*")
    assert page.get_attribute("html", "data-lang") == "en"
    assert page.locator("p.statement.l-en").is_visible()
    assert not page.locator("p.statement.l-nb").is_visible()
    page.get_by_role("button", name="Norsk bokmål (nb)").click()
    page.reload()
    assert page.get_attribute("html", "data-lang") == "nb"
    assert page.locator("p.statement.l-nb").is_visible()


def _tab_to(page: Any, selector: str, limit: int = 400) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only(reader: Reader) -> None:
    target = _first_recommendation_with_a_source_link(reader)
    page = reader.open("index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    _tab_to(page, f"#recommendations a[href='{target}']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/" + target)
    _tab_to(page, "#evidence ol.steps a.show")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('mark.hl.current') !== null")
    assert reader.here().startswith("text-")
    assert page.locator("mark.hl.current").first.is_visible()


def test_no_serious_accessibility_violations(
    reader: Reader, site: tuple[Path, pg.PolicyGraph, Path]
) -> None:
    if not AXE.is_file():
        _missing("axe-core is not installed (make node_modules)")
    folder = site[0]
    pages = ["index.html", "ontology.html"]
    pages.append(_first_recommendation_with_a_source_link(reader))
    for prefix in ("text-", "actor-", "doc-"):
        pages.append(sorted(folder.glob(prefix + "*.html"))[0].name)
    for name in pages:
        page = reader.open(name)
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        violations = page.evaluate(
            """async () => (await axe.run(document,
                {resultTypes: ['violations'], preload: false})).violations
                .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"""
        )
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert bad == [], (name, bad)


def test_prints_without_navigation(reader: Reader) -> None:
    page = reader.open("index.html")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert page.locator("table.gapmap").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_readable_without_javascript(browser: Any) -> None:
    reader = browser(javascript=False)
    page = reader.open("index.html")
    assert not page.locator(".langswitch").is_visible()  # nothing to switch without scripts
    page.locator("#recommendations a[href^='claim-']").first.click()
    page.wait_for_url("**/claim-*")
    assert page.locator("p.statement.l-nb").is_visible()
    assert page.locator("p.statement.l-en").is_visible()
    link = page.locator("a.show").first
    if link.count():
        link.click()
        page.wait_for_url("**/text-*")
        target = page.locator("mark.hl:target")
        assert target.count() == 1 and target.is_visible()  # marked by CSS alone
