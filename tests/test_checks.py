"""Every public function checks its own arguments (issue 13): a wrong confidence level,
anonymity threshold, method, correction or count is a ParameterError naming it, raised
by the function itself (not only by the command line), before any figure is made."""

from __future__ import annotations

import pandas as pd
import pytest

import cxbench as cx
from cxbench.errors import ParameterError
from cxbench.synthetic import generate_benchmark

INST = cx.load_instrument()
DATA = generate_benchmark(2023, n=60, seed=5)
BEFORE = generate_benchmark(2022, n=60, seed=6)
METRICS = pd.DataFrame({"nps": ["9", "7", "3"] * 4, "csat": ["5", "4", "2"] * 4})

CALLS = {
    "nps": lambda **kw: cx.nps(METRICS, "nps", **kw),
    "csat": lambda **kw: cx.csat(METRICS, "csat", **kw),
    "ces": lambda **kw: cx.ces(METRICS, "csat", **kw),
    "cronbach_alpha_by_dimension": lambda **kw: cx.cronbach_alpha_by_dimension(DATA, INST, **kw),
    "bootstrap_ci": lambda **kw: cx.bootstrap_ci([1.0, 2.0, 3.0], **kw),
    "compare_groups": lambda **kw: cx.compare_groups(DATA, INST, "sector", **kw),
    "group_vs_rest": lambda **kw: cx.group_vs_rest(DATA, INST, "sector", "Finance", **kw),
    "edition_difference": lambda **kw: cx.edition_difference(DATA, BEFORE, INST, **kw),
    "edition_trend": lambda **kw: cx.edition_trend({2022: BEFORE, 2023: DATA}, INST, **kw),
    "paired_change": lambda **kw: cx.paired_change(DATA, BEFORE, INST, **kw),
}
WITH_MIN_N = {
    "dimension_scores": lambda **kw: cx.dimension_scores(DATA, INST, by="sector", **kw),
    "item_scores": lambda **kw: cx.item_scores(DATA, INST, by="sector", **kw),
    "item_distribution": lambda **kw: cx.item_distribution(DATA, INST, by="sector", **kw),
    "published_comparison": lambda **kw: cx.published_comparison(DATA, INST, **kw),
    "participant_scorecard": lambda **kw: cx.participant_scorecard(
        DATA, INST, DATA.respondent_id.iloc[0], **kw
    ),
    "suppress_small_groups": lambda **kw: cx.suppress_small_groups(
        pd.DataFrame({"dimension": "m", "group": ["a"], "n": [3]}), **kw
    ),
}
CONFIDENCE = [
    "nps",
    "csat",
    "ces",
    "cronbach_alpha_by_dimension",
    "bootstrap_ci",
    "compare_groups",
    "group_vs_rest",
    "edition_difference",
    "edition_trend",
    "paired_change",
]


@pytest.mark.parametrize("name", CONFIDENCE)
@pytest.mark.parametrize("confidence", [1.5, 0, 1, -0.2, float("nan"), "0.95", True])
def test_confidence_outside_0_1_is_refused(name, confidence):
    with pytest.raises(ParameterError, match="confidence"):
        CALLS[name](confidence=confidence)


@pytest.mark.parametrize(
    "name",
    [*CONFIDENCE[:3], *CONFIDENCE[5:], *WITH_MIN_N],
)
@pytest.mark.parametrize("min_n", [0, -3, 2.5, "5", True])
def test_min_n_must_be_a_whole_number_of_at_least_one(name, min_n):
    call = CALLS.get(name) or WITH_MIN_N[name]
    with pytest.raises(ParameterError, match="min_n"):
        call(min_n=min_n)


@pytest.mark.parametrize(
    "name", ["compare_groups", "group_vs_rest", "edition_difference", "edition_trend"]
)
def test_an_unknown_correction_is_refused(name):
    with pytest.raises(ParameterError, match="correction='fdr'"):
        CALLS[name](correction="fdr")


@pytest.mark.parametrize(
    "call",
    [
        lambda: cx.dimension_scores(DATA, INST, method="mean"),
        lambda: cx.item_scores(DATA, INST, method="mean"),
        lambda: cx.compare_groups(DATA, INST, "sector", method="mean"),
        lambda: cx.edition_trend({2023: DATA}, INST, method="mean"),
        lambda: cx.paired_change(DATA, BEFORE, INST, method="mean"),
        lambda: cx.participant_scorecard(DATA, INST, DATA.respondent_id.iloc[0], method="x"),
    ],
)
def test_an_unknown_method_is_refused(call):
    with pytest.raises(ParameterError, match="method"):
        call()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: cx.bootstrap_ci([1.0, 2.0], n_resamples=0), "n_resamples"),
        (lambda: cx.compare_groups(DATA, INST, "sector", n_resamples=-1), "n_resamples"),
        (lambda: cx.compare_groups(DATA, INST, "sector", seed=-1), "seed"),
        (lambda: cx.compare_groups(DATA, INST, "sector", level="statement"), "level"),
        (lambda: cx.edition_trend({2023: DATA}, INST, level="x"), "level"),
        (lambda: cx.csat(METRICS, "csat", top=0), "top"),
        (lambda: cx.csat(METRICS, "csat", top=5), "top"),
        (lambda: cx.csat(METRICS, "csat", scale=(5, 1)), "scale"),
        (lambda: cx.ces(METRICS, "csat", scale=(1.5, 7)), "scale"),
        (lambda: cx.metric_correlations(DATA, INST, method="kendall"), "method"),
        (lambda: cx.dimension_scores(DATA, INST, by="no such column"), "by"),
    ],
)
def test_other_arguments_are_checked_where_used(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_the_cli_translates_the_functions_errors(capsys, tmp_path):
    """`cxbench metrics --confidence 1.5` is refused by nps() itself: exit 2, one line."""
    from cxbench.cli import main

    path = tmp_path / "m.csv"
    METRICS.to_csv(path, index=False)
    assert main(["metrics", str(path), "--nps", "nps", "--confidence", "1.5"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "cxbench: error: confidence=1.5: must be between 0 and 1 (e.g. 0.95)"
