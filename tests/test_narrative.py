"""Tests for cxbench.narrative: report text per language, data escaped."""

from __future__ import annotations

import functools
from dataclasses import replace as _replace
from pathlib import Path

import pandas as pd
import pytest

from cxbench.comparison import compare_groups
from cxbench.errors import ParameterError
from cxbench.i18n import LANGUAGES
from cxbench.instrument import load_instrument
from cxbench.narrative import (
    data_note,
    escape_markdown,
    finding_change,
    finding_dimensions,
    finding_invariance,
    finding_nps,
    finding_paired,
    finding_reliability,
    finding_sector_differences,
    finding_sector_gap,
    finding_stages,
    finding_statements,
    finding_structure,
    finding_success,
    finding_weakest_statements,
    paragraph,
    section,
    suppressed_note,
)
from cxbench.synthetic import generate_benchmark

NOTEBOOK_SECTIONS = [
    "sector_report",
    "sector_overview",
    "sector_differences",
    "sector_tests",
    "sector_pairs",
    "sector_ranking",
    "sector_statements",
    "sector_focus",
    "sector_change",
]
FIELDS = {
    "column": "Sector",
    "column_lower": "sector",
    "edition": 2023,
    "previous": 2022,
    "n": 310,
    "min_n": 5,
    "correction": "holm",
    "confidence": 95,
    "group": "Finance",
}


OTHER = Path(__file__).parent / "fixtures" / "instruments" / "service-cx-7.yaml"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", NOTEBOOK_SECTIONS)
@pytest.mark.parametrize("instrument", ["digital-cx-2023", OTHER], ids=["bundled", "other"])
def test_every_section_of_the_sector_report_exists_in_every_language(key, language, instrument):
    """The catalogue's generic wording (an instrument that words no section) and the
    bundled instrument's own both fill every placeholder, in every language."""
    text = section(key, language, level=3, instrument=load_instrument(instrument), **FIELDS)
    heading, body = text.markdown.split("\n\n", 1)
    assert heading.startswith("### ") and len(heading) > 6 and body.strip()
    assert "{" not in text.markdown  # every placeholder filled


def test_the_generic_sector_report_says_what_the_instrument_asked():
    other = load_instrument(OTHER)
    text = section("sector_report", "en", instrument=other, **FIELDS).markdown
    assert text.startswith("## Service experience practice survey: results by sector, 2023")
    assert "310 organisations answered 10 statements on Listen, Learn, Act and Track." in text
    bundled = section("sector_report", "en", instrument=load_instrument(), **FIELDS).markdown
    assert "twelve statements" in bundled and "Digital CX management by Sector" in bundled


def test_text_from_data_cannot_inject_markup():
    text = section("sector_focus", "en", group="<img src=x>*bold*").markdown
    assert "<img" not in text and "&lt;img src=x&gt;\\*bold\\*" in text
    assert escape_markdown("a_b [c](d) `e` $f$") == "a\\_b \\[c\\](d) \\`e\\` \\$f\\$"


def test_paragraph_is_in_the_language_asked_for():
    assert paragraph("sector_change_none", "ru").markdown.startswith("В данных")
    with pytest.raises(ParameterError):
        paragraph("sector_change_none", "de")


def test_suppressed_note_only_when_something_was_suppressed():
    none = pd.DataFrame({"dimension": ["measure", "manage"], "groups": [0, 0], "n": [0, 0]})
    assert suppressed_note(none, 5).markdown == ""
    some = pd.DataFrame({"dimension": ["measure", "manage"], "groups": [1, 2], "n": [3, 7]})
    text = suppressed_note(some, 5, "en").markdown
    assert "2 groups" in text and "7 respondents" in text and "fewer than 5" in text


def test_data_note_reads_the_sidecar(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("x\n1\n", encoding="utf-8")
    assert data_note(path).markdown == ""
    (tmp_path / "survey.meta.yaml").write_text("note: SYNTHETIC test data\n", encoding="utf-8")
    assert data_note(path, "tr").markdown == "Veri notu: SYNTHETIC test data"


# ------------------------------------------------------------------ findings
# Known inputs, sentence by sentence; numbers as each language writes them (Babel).

INST = load_instrument()
OVERALL = pd.DataFrame({"dimension": ["measure", "manage", "master"], "mean": [71.26, 68.0, 64.5]})


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The highest dimension score is 71.3 % (Measure), the lowest 64.5 % (Master)."),
        ("tr", "En yüksek boyut puanı %71,3 (Ölçme), en düşüğü %64,5 (Ustalaşma)."),
        (
            "ru",
            "Самый высокий балл по измерениям — 71,3 % (Измерение), самый низкий — "
            "64,5 % (Мастерство).",
        ),
    ],
)
def test_finding_dimensions(language, expected):
    assert finding_dimensions(OVERALL, INST, language) == expected


def test_finding_dimensions_when_all_are_equal():
    flat = OVERALL.assign(mean=70.0)
    assert finding_dimensions(flat, INST, "en") == "All dimensions score the same (70.0 %)."


def test_finding_statements_names_ties_together():
    items = pd.DataFrame({"item": INST.dimension("manage").item_ids, "score": [72, 60, 60, 65.0]})
    text = finding_statements(items, INST, "manage", "en")
    weakest = f"“{INST.item('manage_2').label('en').rstrip('.')}” and “"
    assert text.startswith(f"In Manage, the weakest statement is {weakest}")
    assert text.endswith(f"“{INST.item('manage_1').label('en').rstrip('.')}” (72.0 %).")
    assert "«" in finding_statements(items, INST, "manage", "ru")


@pytest.fixture(scope="module")
def sectors():
    return compare_groups(generate_benchmark(2023, n=200, seed=9), INST, "sector", n_resamples=199)


def test_finding_sector_gap_is_the_largest_distance(sectors):
    groups = sectors.groups
    spread = groups.groupby("dimension")["mean"].agg(lambda m: m.max() - m.min())
    dim = spread.idxmax()
    part = groups[groups.dimension == dim]
    top, bottom = part.loc[part["mean"].idxmax()], part.loc[part["mean"].idxmin()]
    assert finding_sector_gap(sectors, INST, "en") == (
        f"The largest gap between sectors is in {INST.dimension(dim).name('en')}: "
        f"{top.group} scores {top['mean']:.1f} % and {bottom.group} {bottom['mean']:.1f} %, "
        f"{spread[dim]:.1f} points apart."
    )


def test_finding_sector_differences(sectors):
    omnibus = sectors.omnibus.assign(welch_p=[0.0004, 0.2, 0.012])
    posthoc = sectors.posthoc.assign(p_adj=0.5)
    posthoc.loc[posthoc.index[:3], "p_adj"] = 0.01
    result = _replace(sectors, omnibus=omnibus, posthoc=posthoc)
    assert finding_sector_differences(result, INST, "en") == (
        "Sectors differ significantly in Measure and Master (Welch's ANOVA, p ≤ 0.012); "
        "3 pairs of sectors differ after correction."
    )
    none = _replace(sectors, omnibus=omnibus.assign(welch_p=0.5))
    assert finding_sector_differences(none, INST, "tr") == (
        "Hiçbir boyutta sektörler arasında anlamlı bir fark yok."
    )


def test_finding_change():
    change = pd.DataFrame(
        {
            "dimension": ["measure", "manage", "master"],
            "group": "all",
            "diff": [3.04, -1.25, 0.0],
            "p_adj": [0.01, 0.3, 1.0],
        }
    )
    assert finding_change(change, INST, 2022, "en") == (
        "Against 2022: Measure +3.0 points (significant), Manage −1.2 points (within chance), "
        "Master +0.0 points (within chance)."
    )
    assert finding_change(change, INST, 2022, "ru").startswith(
        "По сравнению с 2022 годом: Измерение +3,0 п. (значимо)"
    )


def test_finding_success_with_a_hand_computed_wilson_interval():
    # 3 of 4 answers are 4 or 5: p = 0.75; Wilson 95 %: (p + z²/2n ± z√(p(1-p)/n + z²/4n²))
    # / (1 + z²/n) with z = 1.95996 gives 0.3006 and 0.9544
    frame = pd.DataFrame({"success": ["5", "4", "2", "4", ""]})
    with pytest.raises(ParameterError, match="min_n=5"):  # 4 answers: not shown
        finding_success(frame, language="en")
    assert finding_success(frame, language="en", min_n=4) == (
        "75.0 % of the organisations say they have succeeded in improving their digital CX "
        "(95 % CI 30.1–95.4 %, n = 4)."
    )
    with pytest.raises(ParameterError):
        finding_success(frame, "nps")
    with pytest.raises(ParameterError, match="n/a"):  # an answer off the scale is refused
        finding_success(pd.DataFrame({"success": ["5", "n/a"]}))


def test_finding_weakest_statements_in_russian():
    items = pd.DataFrame(
        {"item": INST.item_ids, "score": [62, 60, 78, 80, 72, 68, 71, 69, 72, 52, 70, 66.0]}
    )
    expected = (
        f"Самые слабые утверждения: «{INST.item('master_2').label('ru').rstrip('.')}» (52,0 %)"
        f" и «{INST.item('measure_2').label('ru').rstrip('.')}» (60,0 %)."
    )
    assert finding_weakest_statements(items, INST, "ru") == expected
    assert finding_weakest_statements(items, INST, "en", k=1).count("“") == 1


def test_finding_paired_and_nps():
    paired = pd.DataFrame(
        {
            "dimension": ["measure", "manage", "master"],
            "n_pairs": [202] * 3,
            "diff": [2.64, 4.22, 1.48],
            "p_adj": [0.005, 0.0001, 0.108],
        }
    )
    assert finding_paired(paired, INST, "en") == (
        "The 202 organisations that took part in both editions changed by Measure +2.6 points "
        "(significant), Manage +4.2 points (significant), Master +1.5 points (within chance)."
    )
    overall = pd.DataFrame({"nps": [5.0], "ci_low": [-3.0], "ci_high": [13.04]})
    mixed = pd.DataFrame(
        {"dimension": INST.dimension_ids, "r": [0.3, -0.1, 0.2], "p": [0.01, 0.4, 0.02]}
    )
    assert finding_nps(overall, mixed, INST, "tr") == (
        "NPS 5,0 (%95 GA −3,0 ile 13,0 arası); boyutlarla ilişkisi zayıf ya da karışık."
    )


# --- measurement quality and maturity stages (issue 17) --------------------------------


@functools.cache
def _fitted(by: str | None):
    from cxbench.factors import factor_structure

    return factor_structure(generate_benchmark(2023), load_instrument(), by=by)


def _structure(by: str | None = "language", **changes):
    """The bundled data's factor structure, with ``changes`` made to its invariance table."""
    result = _fitted(by)
    if changes and result.invariance is not None:
        table = result.invariance.copy()
        for column, values in changes.items():
            table[column] = values
        result = _replace(result, invariance=table)
    return result


@pytest.mark.parametrize(
    ("holds", "says"),
    [
        ([True, True, True], "up to scalar invariance"),
        ([True, True, False], "the loadings are equal (metric invariance"),
        ([True, False, False], "only the same structure holds (configural invariance"),
        ([False, True, True], "configural invariance does not hold"),
    ],
)
def test_the_invariance_finding_names_the_highest_step_that_holds(holds, says):
    text = finding_invariance(_structure(holds=holds), "Questionnaire language")
    assert says in text and "(en, ru, tr)" in text
    for language in LANGUAGES:  # every language has every sentence
        assert finding_invariance(_structure(holds=holds), "X", language)


def test_the_invariance_finding_escapes_group_names_from_the_data():
    from cxbench.factors import factor_structure

    data = generate_benchmark(2023, n=900, seed=4)
    data["language"] = data["language"].map({"en": "<b>*en*</b>", "tr": "tr", "ru": "ru"})
    text = finding_invariance(factor_structure(data, load_instrument(), by="language"), "L")
    assert "<b>" not in text and "&lt;b&gt;\\*en\\*&lt;/b&gt;" in text


def test_the_untested_invariance_says_how_many_complete_cases_a_group_needs():
    text = finding_invariance(_structure(by="sector"), "Sector", "en")
    assert "not tested" in text and "60 or more organisations" in text


def test_the_structure_finding_says_poor_fit_and_failure():
    from cxbench.errors import ModelError

    good = _structure(by=None)
    assert "fits the answers of the 279 organisations" in finding_structure(good)
    poor = _replace(good, fit={**good.fit, "cfi": 0.85, "rmsea": 0.11})
    assert "does not fit" in finding_structure(poor) and "0.850" in finding_structure(poor)
    failed = finding_structure(ModelError("factor model", "item 'a*b' has no variance"), "tr")
    assert failed == "Faktör modeli kurulamadı: item 'a\\*b' has no variance."


def test_the_reliability_finding_names_the_weak_dimension_by_alpha_or_omega():
    inst = load_instrument()
    alpha = pd.DataFrame({"dimension": inst.dimension_ids, "alpha": [0.81, 0.75, 0.83]})
    omega = pd.DataFrame({"dimension": inst.dimension_ids, "omega": [0.82, 0.69, 0.84]})
    text = finding_reliability(alpha, omega, inst, "en")
    assert "falls below 0.70 in Manage (α 0.75, ω 0.69)" in text
    assert "Measure" not in text and "Master" not in text
    assert "reliably" in finding_reliability(alpha, omega.assign(omega=0.8), inst)


def test_the_stage_finding_takes_the_commonest_stage_and_both_ends():
    inst = load_instrument()
    ids = [s.id for s in inst.stages]
    frame = pd.DataFrame(
        {"group": "all", "stage": ids, "n": [50, 10, 10, 10, 20], "share": [50, 10, 10, 10, 20]}
    )
    text = finding_stages(frame, inst, "ru")
    assert text.startswith("Больше всего организаций — на стадии «Изучение» (50,0 %)")
    assert "20,0 % достигли стадии «Лидерство»" in text


def test_a_suppressed_note_from_counts():
    text = str(suppressed_note({"groups": 2, "n": 7, "missing": 3}, 5, "en"))
    assert text.startswith("2 groups (7 respondents) are not shown by name")
    assert str(suppressed_note({"groups": 0, "n": 0, "missing": 0}, 5)) == ""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ["quality", "quality_structure", "quality_invariance", "stages"])
def test_every_quality_and_stage_section_exists_in_every_language(key, language):
    fields = {"column": "Sector", "column_lower": "sector", "rule": "Chen 2007", "count": 5}
    text = section(key, language, **fields).markdown
    heading, body = text.split("\n\n", 1)
    assert heading.startswith("## ") and body.strip() and "{" not in text


def test_a_dimension_of_one_statement_is_said_to_have_no_reliability():
    inst = load_instrument()
    alpha = pd.DataFrame({"dimension": inst.dimension_ids, "alpha": [0.81, float("nan"), 0.83]})
    omega = pd.DataFrame({"dimension": inst.dimension_ids, "omega": [0.82, float("nan"), 0.84]})
    text = finding_reliability(alpha, omega, inst, "en")
    assert text.startswith(
        "Reliability cannot be estimated for Manage, with one statement each. The other "
        "dimensions are measured reliably: Cronbach's alpha from 0.81 to 0.83"
    )
    only = finding_reliability(alpha.assign(alpha=float("nan")), omega, inst, "en")
    assert only == (
        "Reliability cannot be estimated for Measure, Manage and Master, with one statement each."
    )


def test_why_a_model_could_not_be_fitted_is_said_in_the_readers_language():
    from cxbench.errors import ModelError
    from cxbench.factors import factor_structure
    from cxbench.instrument import Dimension, Instrument

    bundled = load_instrument()
    dims = list(bundled.dimensions)
    dims[1] = Dimension("manage", dict(dims[1].label), (dims[1].items[0],))
    one = Instrument("one", dict(bundled.title), bundled.scale, tuple(dims))
    with pytest.raises(ModelError) as info:
        factor_structure(generate_benchmark(2023, n=100), one)
    text = finding_structure(info.value, "tr", instrument=one)
    assert text == (
        "Faktör modeli kurulamadı: Yönetme boyutunda tek ifade var; bir faktör için en az iki "
        "ifade gerekir."
    )
    data = generate_benchmark(2023, n=100)
    data["master_2"] = 3
    with pytest.raises(ModelError) as info:
        factor_structure(data, bundled)
    text = finding_structure(info.value, "ru", instrument=bundled)
    label = bundled.item("master_2").label("ru").rstrip(".")
    assert f"одинаково ответили на утверждение «{label}»" in text
    assert "master_2" not in text
