"""The index page of a report set (cxbench.publish.write_index): the edition's headline
figures in each language, a card per report, nothing that runs or loads from elsewhere,
and a layout that fits a phone.

The figures are the bundled 2023 data's real dimension scores; the reports are jobs
made here (the page only links to their files). The browser tests open the page in
headless Chromium at a phone's and a desktop's width and keep screenshots in
``tests/artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from test_pipeline import _browser

import cxbench as cx
from cxbench.i18n import LANGUAGES, format_number, translate
from cxbench.publish import ReportJob, ReportResult, write_index
from cxbench.theme import INDEX_CSS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "benchmark_2023.csv"
ARTIFACTS = ROOT / "tests" / "artifacts"
SCRIPT = "<script>alert(1)</script>"
NBSP = "\u00a0"
LONG = "Telecommunicationsandinformationservicesofthepublicsectorwithoutanyspaces"


@pytest.fixture(scope="module")
def instrument():
    return cx.load_instrument()


@pytest.fixture(scope="module")
def headline(instrument):
    return cx.dimension_scores(cx.load_responses(DATA, instrument).data, instrument)


@pytest.fixture(scope="module")
def sectors(instrument):
    data = cx.load_responses(DATA, instrument).data
    return list(data["sector"].value_counts().index)


def _result(out: Path, name: str, kind: str, title: str, language: str, status: str = "ok"):
    job = ReportJob(name, kind, title, language, Path("n.ipynb"), {}, out)
    return ReportResult(job, status, "t0", "t1", 1.0)


def _report_set(out: Path, sectors, languages=LANGUAGES) -> list[ReportResult]:
    """Per language, the sector reports before the benchmark report (the page puts the
    benchmark first), the last sector failed."""
    results = []
    for language in languages:
        for i, sector in enumerate(sectors):
            status = "failed" if i == len(sectors) - 1 else "ok"
            results.append(_result(out, f"sector-{i}", "sector", sector, language, status))
        title = translate("index_benchmark", language, edition=2023)
        results.append(_result(out, "benchmark", "benchmark", title, language))
    return results


def _section(page: str, language: str) -> str:
    match = re.search(rf'<section class="language" lang="{language}">(.*?)</section>', page, re.S)
    assert match, f"no section in {language}"
    return match.group(1)


def _cards(section: str) -> list[str]:
    return re.findall(r'<li class="card[^"]*">.*?</li>', section, re.S)


def _page(tmp_path, results, **options) -> str:
    return write_index(results, 2023, tmp_path, **options).read_text(encoding="utf-8")


# ------------------------------------------------------------------ the figures


def test_headline_figures_are_written_as_each_language_writes_them(
    tmp_path, headline, instrument, sectors
):
    page = _page(tmp_path, _report_set(tmp_path, sectors), headline=headline, instrument=instrument)
    overall = headline[headline.group == "all"]
    assert len(overall) == 3 and overall.score.between(0, 100).all()
    n = int(overall.n.max())
    for language in LANGUAGES:
        section = _section(page, language)
        assert f"<h2>{translate('language_name', language)}</h2>" in section
        participants = translate("index_participants", language)
        assert f"<dt>{participants}</dt><dd>{format_number(n, language, 0)}</dd>" in section
        for row in overall.itertuples():
            score = translate("index_score", language, score=format_number(row.score, language))
            assert f"<dd>{score}</dd>" in section
    # written by hand: 70.026… and 65.005… of the 2023 data
    assert f"<dd>70.0{NBSP}%</dd>" in _section(page, "en")
    assert "<dd>%70,0</dd>" in _section(page, "tr") and "<dd>%65,0</dd>" in _section(page, "tr")
    assert f"<dd>65,0{NBSP}%</dd>" in _section(page, "ru")


def test_large_numbers_get_each_language_s_separators(tmp_path):
    headline = pd.DataFrame(
        {"group": "all", "dimension": ["measure"], "n": [12345], "score": [62.55]}
    )
    results = [_result(tmp_path, "benchmark", "benchmark", "B", lang) for lang in LANGUAGES]
    page = _page(tmp_path, results, headline=headline)
    assert "<dd>12,345</dd>" in _section(page, "en")
    assert "<dd>12.345</dd>" in _section(page, "tr")
    assert f"<dd>12{NBSP}345</dd>" in _section(page, "ru")
    assert "<dd>%62,6</dd>" in _section(page, "tr")  # 62.55 rounds half to even: 62.6


def test_dimension_names_are_in_each_language(tmp_path, headline, instrument, sectors):
    page = _page(tmp_path, _report_set(tmp_path, sectors), headline=headline, instrument=instrument)
    for language in LANGUAGES:
        section = _section(page, language)
        for dimension in instrument.dimensions:
            assert f"<dt>{dimension.name(language)}</dt>" in section
        assert translate("index_headline", language, edition=2023) in section
    assert "<dt>Ölçme</dt>" in _section(page, "tr") and "<dt>Мастерство</dt>" in page
    assert "<dt>Measure</dt>" not in _section(page, "ru")


def test_without_an_instrument_dimensions_are_named_by_their_ids(tmp_path, headline, sectors):
    page = _page(tmp_path, _report_set(tmp_path, sectors, ["tr"]), headline=headline)
    assert "<dt>measure</dt>" in page and "<dt>Ölçme</dt>" not in page


def test_only_the_whole_benchmark_is_shown(tmp_path, instrument):
    data = cx.load_responses(DATA, instrument).data
    by_sector = cx.dimension_scores(data, instrument, by="sector")
    assert "all" not in set(by_sector.group)
    results = [_result(tmp_path, "benchmark", "benchmark", "B", "en")]
    page = _page(tmp_path, results, headline=by_sector, instrument=instrument)
    assert 'class="figures"' not in page and "Finance" not in page


# ------------------------------------------------------------------ the cards


def test_the_benchmark_report_comes_first_then_the_others_in_order(tmp_path, sectors):
    page = _page(tmp_path, _report_set(tmp_path, sectors))
    for language in LANGUAGES:
        cards = _cards(_section(page, language))
        assert len(cards) == len(sectors) + 1
        assert 'class="card benchmark"' in cards[0]
        assert translate("index_kind_benchmark", language) in cards[0]
        hrefs = [re.search(r'href="([^"]+)"', card).group(1) for card in cards]
        assert hrefs == [f"{language}/benchmark.html"] + [
            f"{language}/sector-{i}.html" for i in range(len(sectors))
        ]


def test_a_failed_report_is_marked_in_its_language(tmp_path, sectors):
    page = _page(tmp_path, _report_set(tmp_path, sectors))
    for language in LANGUAGES:
        cards = _cards(_section(page, language))
        mark = translate("index_failed", language)
        assert [mark in card for card in cards] == [False] * len(sectors) + [True]
        assert "failed-report" in cards[-1]


def test_a_pdf_is_linked_only_when_it_exists(tmp_path, sectors):
    results = _report_set(tmp_path, sectors, ["ru"])
    (tmp_path / "ru").mkdir()
    for result in results:  # every PDF but the first sector's: the failed one's too
        if result.job.name != "sector-0":
            result.job.pdf.write_bytes(b"%PDF-1.4")
    cards = _cards(_section(_page(tmp_path, results), "ru"))
    pdfs = [re.findall(r'href="([^"]+\.pdf)"', card) for card in cards]
    failed = len(sectors) - 1
    expected = [["ru/benchmark.pdf"], []] + [
        [] if i == failed else [f"ru/sector-{i}.pdf"] for i in range(1, len(sectors))
    ]
    assert pdfs == expected
    assert translate("index_pdf", "ru") in cards[0]


def test_the_old_call_still_works(tmp_path, sectors):
    page = _page(tmp_path, _report_set(tmp_path, sectors))
    assert 'class="figures"' not in page and 'class="note"' not in page
    assert len(_cards(page)) == 3 * (len(sectors) + 1)


def test_a_kind_without_a_name_is_shown_as_it_is(tmp_path):
    page = _page(tmp_path, [_result(tmp_path, "x", "special", "X", "tr")])
    assert '<p class="kind">special</p>' in page


# ------------------------------------------------------------------ safety


def test_titles_notes_and_dimension_names_are_escaped(tmp_path):
    headline = pd.DataFrame({"group": "all", "dimension": [SCRIPT], "n": [9], "score": [50.0]})
    results = [_result(tmp_path, "s", "sector", SCRIPT, "en")]
    page = _page(tmp_path, results, headline=headline, note=f"SYNTHETIC {SCRIPT} & co")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert page.count(escaped) == 3
    assert f'<p class="note">SYNTHETIC {escaped} &amp; co</p>' in page
    assert SCRIPT not in page


def test_the_page_runs_nothing_and_loads_nothing(tmp_path, headline, instrument, sectors):
    page = _page(
        tmp_path,
        _report_set(tmp_path, sectors),
        headline=headline,
        instrument=instrument,
        note=cx.dataset_note(DATA),
    )
    assert "<script" not in page.lower() and "javascript:" not in page.lower()
    assert "http" not in page.lower() and "//" not in page and "@import" not in page
    assert not re.search(r"\son\w+=", page)  # no event handler attributes
    assert all(":" not in href for href in re.findall(r'href="([^"]*)"', page))
    assert page.count("SYNTHETIC data") == 1


def test_the_page_is_made_for_phones():
    assert "repeat(auto-fill,minmax(" in INDEX_CSS
    assert "url(" not in INDEX_CSS and "@font-face" not in INDEX_CSS


def test_the_page_declares_a_viewport_and_its_languages(tmp_path, sectors):
    page = _page(tmp_path, _report_set(tmp_path, sectors))
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert page.startswith('<!DOCTYPE html><html lang="en">')
    assert [m for m in re.findall(r'<section class="language" lang="(\w+)">', page)] == list(
        LANGUAGES
    )


# ------------------------------------------------------------------ in a browser


@pytest.fixture(scope="module")
def browser():
    browser = _browser()
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def index_page(tmp_path_factory, headline, instrument, sectors):
    out = tmp_path_factory.mktemp("index")
    results = _report_set(out, [*sectors, SCRIPT, LONG])
    benchmark = next(r.job for r in results if r.job.kind == "benchmark")
    benchmark.pdf.parent.mkdir()
    benchmark.pdf.write_bytes(b"%PDF-1.4")  # the English benchmark report's
    return write_index(
        results, 2023, out, headline=headline, instrument=instrument, note=cx.dataset_note(DATA)
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_the_page_fits_the_screen(browser, index_page, width):
    browser.set_window_size(width, 900)
    browser.get(index_page.as_uri())
    state = browser.execute_script(
        "const cards = [...document.querySelectorAll('.cards')].map(grid =>"
        " getComputedStyle(grid).gridTemplateColumns.split(' ').length);"
        "return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,"
        " height: document.documentElement.scrollHeight, columns: cards,"
        " scripts: document.scripts.length,"
        " text: document.body.innerText};"
    )
    assert state["inner"] <= width
    assert state["scroll"] <= state["inner"], "the page scrolls sideways"
    assert state["scripts"] == 0
    if width == 375:
        assert state["columns"] == [1, 1, 1]
    else:
        assert min(state["columns"]) >= 3
    assert "%70,0" in state["text"] and SCRIPT in state["text"]  # shown as text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(width, min(state["height"] + 200, 8000))
    browser.save_screenshot(str(ARTIFACTS / f"index-{width}.png"))
