"""Tests for cxbench.tables: formatting, escaping and what each builder shows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cxbench.comparison import compare_groups, group_vs_rest
from cxbench.errors import ParameterError
from cxbench.i18n import format_number, format_signed
from cxbench.instrument import load_instrument
from cxbench.scoring import item_distribution
from cxbench.synthetic import generate_benchmark
from cxbench.tables import (
    ReportTable,
    column_label,
    difference_table,
    format_p,
    group_table,
    likert_table,
    omnibus_table,
    overall_table,
    posthoc_table,
)
from cxbench.trends import edition_difference

INST = load_instrument()
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    frame = generate_benchmark(2023, n=240, seed=11)
    # a sector named like markup, and a tiny one that must never be shown
    frame.loc[frame.index[:20], "sector"] = SCRIPT
    frame.loc[frame.index[20:22], "sector"] = "Tiny"
    return frame


@pytest.fixture(scope="module")
def comparison(data):
    return compare_groups(data, INST, "sector", min_n=5, n_resamples=999)


def test_text_right_aligns_numbers_and_left_aligns_text():
    table = ReportTable(("name", "score"), (("a", "7.5"), ("longer", "70.25")), (False, True))
    lines = table.to_text().splitlines()
    assert [len(line) for line in lines] == [len(lines[0])] * 3
    assert lines[1].startswith("a ") and lines[1].endswith("  7.5")


def test_html_escapes_headers_cells_and_caption():
    table = ReportTable(("<h>",), (("<b>&",),), (False,), caption="<c>")
    html = table.to_html()
    assert "&lt;h&gt;" in html and "&lt;b&gt;&amp;" in html and "&lt;c&gt;" in html
    assert "<b>" not in html and "<h>" not in html


@pytest.mark.parametrize(
    ("p", "language", "expected"),
    [
        (0.0449, "en", "0.045"),
        (0.0004, "en", "< 0.001"),
        (0.5, "tr", "0,500"),
        (0.00001, "ru", "< 0,001"),
        (float("nan"), "en", "–"),
    ],
)
def test_format_p(p, language, expected):
    assert format_p(p, language) == expected


def test_column_label_translates_known_columns_only():
    assert column_label("sector", "ru") == "Отрасль"
    assert column_label("department", "ru") == "department"


@pytest.mark.parametrize("language", ["en", "tr", "ru"])
def test_overall_table_shows_the_overall_figures(comparison, language):
    table = overall_table(comparison, INST, language=language)
    expected = [format_number(v, language, 1) for v in comparison.overall["mean"]]
    assert [row[2] for row in table.rows] == expected
    assert [row[0] for row in table.rows] == [d.name(language) for d in INST.dimensions]
    assert [row[-1] for row in table.rows] == [
        format_number(d.published_score, language, 0) for d in INST.dimensions
    ]


def test_group_table_never_shows_a_suppressed_group(comparison):
    for language in ("en", "tr", "ru"):
        for wide in (True, False):
            table = group_table(comparison, INST, language=language, wide=wide)
            assert "Tiny" not in table.to_text() and "Tiny" not in table.to_html()


def test_group_table_wide_cells_are_the_group_means(comparison):
    table = group_table(comparison, INST, language="tr")
    assert table.headers[0] == "Sektör"
    first = comparison.groups[comparison.groups["group"] == table.rows[0][0]]
    assert list(table.rows[0][2:]) == [format_number(v, "tr", 1) for v in first["mean"]]
    assert all(re.fullmatch(r"\d+,\d", cell) for row in table.rows for cell in row[2:])


def test_group_names_from_data_are_escaped_in_html(comparison):
    html = group_table(comparison, INST).to_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and SCRIPT not in html
    assert SCRIPT in group_table(comparison, INST).to_text()


def test_omnibus_table_has_a_row_per_dimension_with_its_p(comparison):
    table = omnibus_table(comparison, INST, language="en")
    assert len(table.rows) == len(INST.dimensions)
    assert [row[3] for row in table.rows] == [format_p(p) for p in comparison.omnibus.welch_p]


def test_posthoc_table_lists_significant_pairs_largest_first(comparison):
    table = posthoc_table(comparison, INST, alpha=0.05)
    assert len(table.rows) == int((comparison.posthoc["p_adj"] < 0.05).sum())
    everything = posthoc_table(comparison, INST, alpha=None)
    assert len(everything.rows) == len(comparison.posthoc)
    for dim in INST.dimensions:
        sizes = [float(r[3][1:]) for r in everything.rows if r[0] == dim.name("en")]
        assert sizes == sorted(sizes, reverse=True)


def test_difference_table_takes_both_kinds_of_difference(data):
    versus = group_vs_rest(data, INST, "sector", "Finance")
    table = difference_table(versus, INST)
    assert [row[4] for row in table.rows] == [
        ("+" if d >= 0 else "−") + format_number(abs(d), "en", 1) for d in versus["diff"]
    ]
    before = generate_benchmark(2022, n=200, seed=3)
    change, _ = edition_difference(data, before, INST)
    table = difference_table(change, INST, labels=("col_current", "col_previous"))
    assert table.headers[2:4] == ("This edition", "Previous edition")
    with pytest.raises(ParameterError):
        difference_table(pd.DataFrame({"x": [1]}), INST)


@pytest.mark.parametrize("language", ["en", "tr", "ru"])
def test_likert_table_rows_add_up_to_100_percent(data, language):
    table = likert_table(item_distribution(data, INST), INST, language=language)
    assert table.headers[1:6] == tuple(INST.scale.labels[language])
    for row in table.rows:
        shares = [float(cell.replace(",", ".")) for cell in row[1:6]]
        assert np.isclose(sum(shares), 100.0, atol=0.3)
    with pytest.raises(ParameterError):
        likert_table(item_distribution(data, INST), INST, group="nobody")


# --- measurement quality and maturity stages (issue 17) --------------------------------


@pytest.fixture(scope="module")
def by_language():
    from cxbench.factors import factor_structure

    return factor_structure(generate_benchmark(2023), INST, by="language")


def test_the_invariance_table_shows_each_step_against_the_one_before(by_language):
    from cxbench.tables import invariance_table

    table = invariance_table(by_language, language="tr")
    assert [row[0] for row in table.rows] == [
        "Yapısal: aynı yapı",
        "Metrik: eşit yükler",
        "Skaler: eşit yükler ve kesişimler",
    ]
    steps = by_language.invariance
    first, second = table.rows[0], table.rows[1]
    assert first[2] == first[3] == "–"  # nothing before the configural step
    assert second[1] == f"{format_number(steps['chisq'][1], 'tr', 2)} (171)"
    assert second[2] == f"{format_number(steps['delta_chisq'][1], 'tr', 2)} (18)"
    cfi, change = steps["cfi"][1], steps["delta_cfi"][1]
    assert second[4] == f"{format_number(cfi, 'tr', 3)} ({format_signed(change, 'tr', 3)})"
    assert [row[-1] for row in table.rows] == ["evet", "evet", "evet"]


def test_the_invariance_table_refuses_a_result_without_steps():
    from cxbench.factors import factor_structure
    from cxbench.tables import invariance_table

    with pytest.raises(ParameterError, match="no invariance steps"):
        invariance_table(factor_structure(generate_benchmark(2023), INST))


def test_the_fit_table_is_one_row_of_the_fit_indices(by_language):
    from cxbench.tables import factor_fit_table

    table = factor_fit_table(by_language, language="ru")
    assert table.headers[:2] == ("Полных ответов (n)", "χ² (сс)")
    (row,) = table.rows
    assert row[0] == "279" and row[1].endswith("(51)") and row[4] == "0,993"


def test_the_reliability_table_pairs_alpha_and_omega():
    from cxbench.reliability import cronbach_alpha_by_dimension, omega_by_dimension
    from cxbench.tables import reliability_table

    data = generate_benchmark(2023)
    alpha = cronbach_alpha_by_dimension(data, INST)
    omega = omega_by_dimension(data, INST)
    table = reliability_table(alpha, omega, INST)
    assert [row[0] for row in table.rows] == ["Measure", "Manage", "Master"]
    assert [row[3] for row in table.rows] == [format_number(a, "en", 2) for a in alpha["alpha"]]
    assert [row[5] for row in table.rows] == [format_number(o, "en", 2) for o in omega["omega"]]


def test_the_stage_table_shows_the_benchmark_then_the_shown_groups_only():
    from cxbench.maturity import maturity_stages, stage_distribution
    from cxbench.tables import stage_table

    data = generate_benchmark(2023, n=120, seed=3)
    data.loc[data.index[:3], "sector"] = "<Tiny>"  # three organisations: never shown
    stages = maturity_stages(data, INST)
    overall = stage_distribution(stages, data, INST)
    groups = stage_distribution(stages, data, INST, by="sector", min_n=5)
    table = stage_table(overall, INST, groups=groups, language="en", column="Sector")
    names = [row[0] for row in table.rows]
    assert names[0] == "All participants" and "<Tiny>" not in names
    assert names[1:] == list(dict.fromkeys(groups["group"]))
    assert table.headers == ("Sector", "n", *(f"{s.name('en')} (%)" for s in INST.stages))
    shares = [float(cell) for cell in table.rows[0][2:]]
    assert sum(shares) == pytest.approx(100, abs=0.3)
    assert "Tiny" not in table.to_html()
