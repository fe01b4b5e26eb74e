"""Scoring: hand-checked fixtures, the published method, and properties (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cxbench.errors import ParameterError
from cxbench.instrument import Dimension, Instrument, Item, Scale, load_instrument
from cxbench.privacy import suppressed_counts
from cxbench.scoring import (
    MISSING_GROUP,
    dimension_scores,
    item_distribution,
    item_scores,
    respondent_scores,
    reverse_items,
)

INST = load_instrument()


def _frame(rows, ids=None, **columns):
    frame = pd.DataFrame(rows, columns=INST.item_ids, dtype=float)
    frame.insert(0, "respondent_id", ids or [f"R{i}" for i in range(len(frame))])
    for name, values in columns.items():
        frame[name] = values
    return frame


def _instrument(lo: int, hi: int, sizes: list[int], reverse: set[str] = frozenset()) -> Instrument:
    dims = []
    for d, size in enumerate(sizes):
        items = tuple(
            Item(f"d{d}_{i}", f"d{d}", {"en": "x"}, f"d{d}_{i}" in reverse) for i in range(size)
        )
        dims.append(Dimension(f"d{d}", {"en": f"D{d}"}, items))
    return Instrument("t", {}, Scale(lo, hi), tuple(dims))


def test_the_brief_example_sum_max_70_pomp_62_5():
    """Domain brief: everyone averaging 3.5 on 1–5 scores 70 % (sum/max), 62.5 % POMP."""
    rows = [[3] * 12, [4] * 12]
    assert dimension_scores(_frame(rows), INST, min_n=1)["score"].tolist() == [70.0] * 3
    assert (
        dimension_scores(_frame(rows), INST, method="pomp", min_n=1)["score"].tolist() == [62.5] * 3
    )


def test_respondent_score_uses_answered_items_and_min_answered():
    # Measure: 5, 4, 3, missing -> 12 / (5 * 3) = 80 %; Manage: two answers only.
    row = [5, 4, 3, np.nan, 5, 5, np.nan, np.nan, 1, 1, 1, 1]
    scores = respondent_scores(_frame([row]), INST)
    assert scores["score"].iloc[0] == pytest.approx(80.0)
    assert math.isnan(scores["score"].iloc[1])  # 2 of 4 answered < default 3
    assert scores["score"].iloc[2] == pytest.approx(20.0)
    assert scores["answered"].tolist() == [3, 2, 4]
    relaxed = respondent_scores(_frame([row]), INST, min_answered=2)
    assert relaxed["score"].iloc[1] == pytest.approx(100.0)
    strict = respondent_scores(_frame([row]), INST, min_answered=4)
    assert math.isnan(strict["score"].iloc[0])


def test_group_score_is_the_mean_of_respondent_scores_not_of_points():
    """Respondent A answers 3 Measure items (all 5), B all 4 items (all 1)."""
    a = [5, 5, 5, np.nan] + [3] * 8
    b = [1, 1, 1, 1] + [3] * 8
    measure = dimension_scores(_frame([a, b]), INST, min_n=1).iloc[0]
    assert measure["n"] == 2
    assert measure["score"] == pytest.approx((100 + 20) / 2)  # not 19 / 35 * 100


def test_item_scores_by_group_hand_checked():
    rows = [[1] * 12, [5] * 12, [4] * 12, [np.nan] * 12]
    frame = _frame(rows, sector=["b", "b", "a", "a"])
    scores = item_scores(frame, INST, by="sector", min_n=1)
    first = scores[scores["item"] == "measure_1"].set_index("group")
    assert first.loc["a", "n"] == 1 and first.loc["a", "score"] == pytest.approx(80.0)
    assert first.loc["b", "n"] == 2 and first.loc["b", "score"] == pytest.approx(60.0)
    assert scores["group"].unique().tolist() == ["a", "b"]  # groups sorted
    assert scores["item"].iloc[:12].tolist() == INST.item_ids  # instrument order


def test_respondents_without_a_group_value_are_counted_not_shown():
    """None, NaN, "" and white space are one thing (no group value), even with min_n=1."""
    frame = _frame([[3] * 12] * 2 + [[4] * 12] * 4, sector=["x", "x ", None, "", "  ", np.nan])
    scores = dimension_scores(frame, INST, by="sector", min_n=1)
    assert scores["group"].unique().tolist() == ["x"]  # "x " is "x"
    assert scores["n"].tolist() == [2, 2, 2]
    assert suppressed_counts(scores) == {"groups": 0, "n": 0, "missing": 4}
    assert MISSING_GROUP not in item_scores(frame, INST, by="sector", min_n=1)["group"].tolist()


def test_small_groups_are_hidden_with_a_complement_and_counted():
    """Hand count: a (6), b (3), c (5), d (9) with min_n=5: b is under 5; alone its
    figures would follow from the total, so the smallest shown group, c, goes with it."""
    sizes = {"a": 6, "b": 3, "c": 5, "d": 9}
    sector = [g for g, n in sizes.items() for _ in range(n)]
    frame = _frame([[3] * 12] * len(sector), sector=sector)
    for table in (
        dimension_scores(frame, INST, by="sector"),
        item_scores(frame, INST, by="sector"),
        item_distribution(frame, INST, by="sector"),
    ):
        assert sorted(table["group"].unique()) == ["a", "d"]
        assert suppressed_counts(table)["groups"] == 2
        assert suppressed_counts(table)["n"] == 8
    assert dimension_scores(frame, INST).empty is False  # 23 together: the benchmark shows
    assert dimension_scores(frame.head(4), INST).empty  # 4 < 5: not even the benchmark
    everyone = dimension_scores(frame, INST, by="sector", min_n=1)
    assert sorted(everyone["group"].unique()) == ["a", "b", "c", "d"]


def test_editions_sort_as_numbers():
    frame = _frame([[3] * 12] * 3, edition=["2023", "900", "2022"])
    assert dimension_scores(frame, INST, by="edition", min_n=1)["group"].unique().tolist() == [
        "900", "2022", "2023",
    ]  # fmt: skip


def test_reverse_keyed_items_are_flipped_before_scoring():
    inst = _instrument(1, 5, [2], reverse={"d0_1"})
    frame = pd.DataFrame({"respondent_id": ["a"], "d0_0": [5.0], "d0_1": [1.0]})
    assert dimension_scores(frame, inst, min_n=1)["score"].iloc[0] == pytest.approx(100.0)
    assert item_scores(frame, inst, min_n=1)["score"].tolist() == [100.0, 100.0]


def test_zero_based_scale_and_its_bounds():
    inst = _instrument(0, 4, [3])
    frame = pd.DataFrame(
        {"respondent_id": ["a", "b"], "d0_0": [0.0, 4.0], "d0_1": [0.0, 4.0], "d0_2": [0.0, 2.0]}
    )
    assert respondent_scores(frame, inst)["score"].tolist() == pytest.approx([0.0, 10 / 12 * 100])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "mean"}, "method"),
        ({"min_answered": 5}, "exceeds the 4 items of dimension 'measure'"),
        ({"min_answered": 0}, "at least 1"),
        ({"by": "nope"}, "no such column"),
    ],
)
def test_bad_parameters_raise_a_named_error(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        dimension_scores(_frame([[3] * 12]), INST, **kwargs)


def test_unvalidated_answers_are_refused():
    with pytest.raises(ParameterError, match="column 'measure_3'"):
        item_scores(_frame([[3, 3, 6] + [3] * 9]), INST)
    with pytest.raises(ParameterError, match="whole points"):
        item_scores(_frame([[3, 3, 2.5] + [3] * 9]), INST)


# --- properties ---------------------------------------------------------------

scales = st.tuples(st.integers(0, 3), st.integers(1, 9)).map(lambda t: (t[0], t[0] + t[1]))


@st.composite
def answered_data(draw):
    lo, hi = draw(scales)
    sizes = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    inst = _instrument(lo, hi, sizes)
    n = draw(st.integers(1, 30))
    values = draw(
        arrays(float, (n, sum(sizes)), elements=st.integers(lo, hi).map(float) | st.just(np.nan))
    )
    frame = pd.DataFrame(values, columns=inst.item_ids)
    frame.insert(0, "respondent_id", range(n))
    frame["group"] = draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    return inst, frame


@settings(max_examples=150, deadline=None)
@given(answered_data(), st.sampled_from(["sum_max", "pomp"]))
def test_scores_stay_within_the_method_bounds(case, method):
    """sum/max lies in [100·min/max, 100]; POMP in [0, 100]."""
    inst, frame = case
    low = 100 * inst.scale.min / inst.scale.max if method == "sum_max" else 0.0
    for scores in (
        respondent_scores(frame, inst, method=method, min_answered=1),
        dimension_scores(frame, inst, by="group", method=method, min_answered=1, min_n=1),
        item_scores(frame, inst, by="group", method=method, min_n=1),
    ):
        valid = scores["score"].dropna()
        assert ((valid >= low - 1e-9) & (valid <= 100 + 1e-9)).all()


@settings(max_examples=100, deadline=None)
@given(answered_data())
def test_reversing_twice_is_the_identity(case):
    inst, frame = case
    dims = tuple(
        Dimension(d.id, d.label, tuple(Item(i.id, i.dimension, i.text, True) for i in d.items))
        for d in inst.dimensions
    )
    flipped = Instrument(inst.id, {}, inst.scale, dims)
    once = reverse_items(frame, flipped)
    expected = (inst.scale.min + inst.scale.max) - frame[inst.item_ids]
    pd.testing.assert_frame_equal(once[inst.item_ids], expected)
    twice = reverse_items(once, flipped)
    pd.testing.assert_frame_equal(twice, frame)


@settings(max_examples=150, deadline=None)
@given(answered_data())
def test_sum_max_and_pomp_order_respondents_and_groups_alike(case):
    """Both are increasing affine maps of the mean answer, so their order agrees."""
    inst, frame = case
    calls = ((respondent_scores, {}), (dimension_scores, {"by": "group"}))
    for fn, kwargs in calls:
        a = fn(frame, inst, method="sum_max", min_answered=1, **kwargs)["score"].to_numpy()
        b = fn(frame, inst, method="pomp", min_answered=1, **kwargs)["score"].to_numpy()
        assert np.array_equal(np.isnan(a), np.isnan(b))
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]
        assert _same_order_with_ties(a, b)


def _same_order_with_ties(a: np.ndarray, b: np.ndarray, tol: float = 1e-9) -> bool:
    da, db = np.subtract.outer(a, a), np.subtract.outer(b, b)
    sa = np.where(np.abs(da) < tol, 0, np.sign(da))
    sb = np.where(np.abs(db) < tol, 0, np.sign(db))
    return bool(np.array_equal(sa, sb))


@pytest.mark.parametrize(
    ("n", "seed", "min_n", "level"),
    [(60, 2, 6, "dimension"), (90, 5, 8, "dimension"), (45, 9, 4, "item"), (310, 2023, 5, "item")],
)
def test_complete_groups_are_the_comparisons_without_its_statistics(n, seed, min_n, level):
    """Planning a report set asks which sectors may have a report: the answer must be
    compare_groups' own, including complementary suppression and statement level."""
    from cxbench.comparison import compare_groups
    from cxbench.scoring import complete_groups
    from cxbench.synthetic import generate_benchmark

    data = generate_benchmark(2023, n=n, seed=seed)
    data.loc[data.index[:3], "sector"] = None  # no group value: in no group
    data.loc[data.index[3:7], "master_2"] = pd.NA  # a statement with fewer answers
    inst = load_instrument()
    expected = compare_groups(
        data, inst, "sector", level=level, min_n=min_n, n_resamples=99
    ).complete_groups
    assert complete_groups(data, inst, "sector", level=level, min_n=min_n) == expected
    assert expected  # the case is not empty
