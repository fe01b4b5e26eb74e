"""A research team's own survey, end to end: an instrument unlike the bundled one (four
dimensions, a 7-point scale, two reverse-keyed statements, English and Turkish only, no
themes, no report wording), a grouping column of its own (``branch``), a first edition
with no commentary, a group too small to be shown, and a labels file naming the branches
(and the column itself) in Turkish.

The whole report set must be made with no failure: one benchmark report per language of
the instrument (and none in Russian, which it does not have), with one section per
dimension titled with the dimension's label, and a report per branch that can be shown.
Turkish readers see the branches' Turkish names in titles, tables and headings, and the
sector report's wording is the instrument's (its dimensions, its number of statements),
not the bundled survey's. The tables are checked against a hand calculation of the
scores on the same answers.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxbench.instrument import load_instrument
from cxbench.publish import Outputs, make_report_set

INSTRUMENT = Path(__file__).parent / "fixtures" / "instruments" / "service-cx-7.yaml"
EDITION = 2025
#: Branch sizes: one below min_n (5) that must never be named, and the smallest other
#: one (Rail), hidden with it in every dimension so that its figures cannot be derived
#: from the total; the other two get reports.
BRANCHES = {"Hotels": 44, "Airlines": 39, "Rail": 18, "Ferries": 3}
HIDDEN = "Ferries"
SHOWN = {"Hotels", "Airlines"}
#: The branches in Turkish (labels.yaml), the hidden one's too: it must not leak either.
TURKISH = {
    "Hotels": "Oteller",
    "Airlines": "Havayolları",
    "Rail": "Demiryolu",
    "Ferries": "Feribot",
}
LABELS = "branch:\n  _label: {en: Branch, tr: Şube}\n" + "".join(
    f"  {value}: {{tr: {name}}}\n" for value, name in TURKISH.items()
)


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: no styles, scripts, images or tags."""
    page = re.sub(r"<(style|script)\b.*?</\1>|<img\b[^>]*>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def survey(seed: int = 7) -> pd.DataFrame:
    """Answers drawn from one latent trait per respondent (seeded): 1–7, about 4 %
    missing, the reverse-keyed statements answered the other way round."""
    inst = load_instrument(INSTRUMENT)
    rng = np.random.default_rng(seed)
    branch = np.repeat(list(BRANCHES), list(BRANCHES.values()))
    n = len(branch)
    shift = pd.Series(branch).map({"Hotels": 0.6, "Airlines": 0.0, "Rail": -0.5, "Ferries": 0.2})
    trait = rng.normal(size=n) + shift.to_numpy()
    frame = pd.DataFrame({"respondent_id": [f"R{i:03d}" for i in range(1, n + 1)]})
    frame["branch"] = branch
    for item in inst.items:
        latent = 4 + 1.3 * trait + rng.normal(scale=0.9, size=n)
        points = np.clip(np.rint(latent), 1, 7).astype(int)
        if item.reverse:
            points = 8 - points
        answers = pd.array(points, dtype="Int64")
        answers[rng.random(n) < 0.04] = pd.NA
        frame[item.id] = answers
    return frame


def hand_scores(frame: pd.DataFrame) -> dict[str, float]:
    """Dimension scores by the published method, worked by hand: each respondent's points
    (reverse-keyed statements as 8 − x on the 1–7 scale) over 7 × the statements they
    answered, then the mean over respondents who answered at least one."""
    inst = load_instrument(INSTRUMENT)
    out = {}
    for dim in inst.dimensions:
        points = pd.concat(
            [(8 - frame[i.id]) if i.reverse else frame[i.id] for i in dim.items], axis=1
        ).astype(float)
        answered = points.notna().sum(axis=1)
        respondent = 100 * points.sum(axis=1) / (7 * answered)
        out[dim.id] = float(respondent[answered >= 1].mean())
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("team")
    data = root / "data"
    data.mkdir()
    frame = survey()
    frame.to_csv(data / f"benchmark_{EDITION}.csv", index=False)
    (data / "labels.yaml").write_text(LABELS, encoding="utf-8")
    result = make_report_set(
        data,
        out=root / "reports",
        instrument=INSTRUMENT,
        sector_column="branch",
        min_answered=1,
        n_jobs=2,
        pdf=Outputs(pdf=True, pptx=True, paper="letter"),
        progress=False,
    )
    return root, frame, result


@pytest.mark.slow
def test_the_whole_set_is_made_in_the_instruments_languages(made):
    root, _, result = made
    failures = [(r.job.language, r.job.name, r.error) for r in result.results if r.status != "ok"]
    assert failures == []
    languages = {r.job.language for r in result.results}
    assert languages == {"en", "tr"}
    kinds = sorted((r.job.language, r.job.kind) for r in result.results)
    assert kinds.count(("en", "benchmark")) == kinds.count(("tr", "benchmark")) == 1
    # without commentary the benchmark report does not promise any
    titles = {r.job.title for r in result.results if r.job.kind == "benchmark"}
    assert titles == {f"Benchmark report {EDITION}", f"{EDITION} karşılaştırma raporu"}
    assert not (root / "reports" / str(EDITION) / "ru").exists()
    assert any("no commentary" in note for note in result.notes)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["status"] == "finished"


@pytest.mark.slow
def test_the_benchmark_report_has_a_section_per_dimension_in_order(made):
    root, _, _ = made
    inst = load_instrument(INSTRUMENT)
    for language in ("en", "tr"):
        page = (root / "reports" / str(EDITION) / language / "benchmark.html").read_text(
            encoding="utf-8"
        )
        headings = [
            html.unescape(re.sub(r"<[^>]+>", "", h))
            for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)
        ]
        labels = [dim.name(language) for dim in inst.dimensions]
        places = [next(i for i, h in enumerate(headings) if label in h) for label in labels]
        assert places == sorted(places), (language, headings)
        # the bundled instrument's themes and its wording do not leak in
        assert "Measure" not in page and "Ölçme" not in page
        assert "Traceback" not in page
        # no panel yet: a summary of the findings, not "the panel's general reaction"
        summary = {"en": "The findings at a glance", "tr": "Bulgulara toplu bakış"}
        assert f"{summary[language]}¶" in headings
        assert not any("panel" in h.lower() for h in headings), headings


@pytest.mark.slow
def test_branch_reports_show_exactly_the_groups_that_can_be_shown(made):
    root, _, result = made
    titles: dict[str, set[str]] = {"en": set(), "tr": set()}
    for r in result.results:
        if r.job.kind == "sector":
            titles[r.job.language].add(r.job.title)
    assert titles == {"en": SHOWN, "tr": {TURKISH[s] for s in SHOWN}}
    for path in (root / "reports").rglob("*"):
        if path.is_file() and path.suffix in {".html", ".csv", ".json", ".ipynb"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            assert HIDDEN not in text and TURKISH[HIDDEN] not in text, path


@pytest.mark.slow
def test_turkish_readers_see_the_turkish_names_and_the_instruments_own_wording(made):
    root, _, _ = made
    inst = load_instrument(INSTRUMENT)
    folder = root / "reports" / str(EDITION) / "tr"
    page = visible_text((folder / "branch-hotels.html").read_text(encoding="utf-8"))
    assert "Oteller" in page and "Şube" in page and "Yayımlanan" not in page
    assert "Hotels" not in page and "Airlines" not in page
    # the sector report says what this survey asked: its 16 statements, its 4 dimensions
    dimensions = ", ".join(d.name("tr") for d in inst.dimensions[:-1])
    assert f"{len(inst.items)} ifadeyi" in page
    assert f"{dimensions} ve {inst.dimensions[-1].name('tr')}" in page
    assert "on iki" not in page and "yayımlanan" not in page
    english = visible_text((folder.parent / "en" / "branch-hotels.html").read_text("utf-8"))
    assert "Hotels" in english and "Oteller" not in english
    benchmark = visible_text((folder / "benchmark.html").read_text(encoding="utf-8"))
    assert "Şube bazında puanlar" in benchmark and "Oteller" in benchmark


@pytest.mark.slow
def test_the_tables_give_the_hand_calculated_scores(made):
    root, frame, _ = made
    tables = root / "reports" / str(EDITION) / "tables"
    scores = pd.read_csv(tables / "dimension_scores.csv", comment="#")
    overall = scores[scores["group"] == "all"].set_index("dimension")["score"]
    expected = hand_scores(frame)
    assert list(overall.index) == list(expected)
    assert overall.to_dict() == pytest.approx(expected, abs=1e-3)


@pytest.mark.slow
def test_the_benchmark_report_says_how_well_this_questionnaire_measures(made):
    root, _, _ = made
    folder = root / "reports" / str(EDITION)
    english = visible_text((folder / "en" / "benchmark.html").read_text(encoding="utf-8"))
    assert "How well the questionnaire measures" in english
    assert "Does each statement measure its own dimension?" in english
    assert "The factor model fits the answers of the" in english or "does not fit" in english
    # no language column: invariance across the branches only, which are too small here
    assert "Does it measure alike in every branch?" in english
    assert "Whether the questionnaire measures alike across the branch groups is not tested" in (
        english
    )
    assert "questionnaire language" not in english.lower()
    # this instrument declares no maturity stages: no stage section
    assert "Maturity stages" not in english
    turkish = visible_text((folder / "tr" / "benchmark.html").read_text(encoding="utf-8"))
    assert "Anketin ölçme kalitesi" in turkish and "Olgunluk aşamaları" not in turkish


@pytest.mark.slow
def test_the_printed_report_and_deck_follow_this_instrument(made):
    """Letter paper; the contents name this instrument's four dimensions' sections, in
    the reader's language; the figures are numbered; a slide per chart."""
    from pptx import Presentation
    from pypdf import PdfReader

    _, _, result = made
    inst = load_instrument(INSTRUMENT)
    for report in (r for r in result.results if r.job.kind == "benchmark"):
        reader = PdfReader(report.job.pdf)
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (612, 792)
        contents = " ".join(reader.pages[1].extract_text().split())
        language = report.job.language
        for dimension in inst.dimensions:
            assert " ".join(dimension.theme.heading(language).split()) in contents
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[2:])
        word = {"en": "Figure", "tr": "Şekil"}[language]
        assert f"{word} 1" in text and f"{word} 4" in text
        figures = report.job.html.read_text(encoding="utf-8").count('class="cxbench-figure"')
        assert len(Presentation(str(report.job.pptx)).slides) == 1 + figures
