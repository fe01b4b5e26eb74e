"""Comparing groups: each figure checked against an independent reference.

References, named in each test: scipy (``f_oneway(..., equal_var=False)`` for Welch's
ANOVA, ``kruskal``, ``ttest_ind(equal_var=False)`` and its ``confidence_interval``,
``t`` for the t interval), pingouin called directly (``pairwise_gameshowell``,
``multicomp``), numpy, and hand calculation on fixtures small enough to check by eye.
The respondent scores used as references are computed here by hand (points /
(5 × items answered) × 100, at least 3 of 4 items answered), not by cxbench.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cxbench.comparison import compare_groups, group_vs_rest
from cxbench.errors import ParameterError
from cxbench.instrument import load_instrument
from cxbench.privacy import suppress_small_groups
from cxbench.stats import (
    _correct_families,
    bootstrap_ci,
    games_howell,
    group_statistics,
    omnibus_tests,
)
from cxbench.synthetic import generate_benchmark
from cxbench.trends import edition_difference

INST = load_instrument()
DIMS = INST.dimension_ids
ITEMS = {dim: [item.id for item in INST.items if item.dimension == dim] for dim in DIMS}
TINY = "Tiny"  # 3 respondents: under min_n, must never be named
SMALL = "Small"  # 6 respondents: the smallest shown group, hidden with Tiny
SCRIPT = "<script>alert(1)</script>"  # a name that is data, shown verbatim
RESAMPLES = 999
RECORD_KEYS = {
    "dimension",
    "welch",
    "kruskal",
    "effect_size",
    "groups",
    "posthoc",
    "suppressed",
    "excluded_missing_group",
}


def _hand_scores(frame: pd.DataFrame, by: str = "sector") -> pd.DataFrame:
    """Respondent dimension scores by hand; ``group`` None where the value is missing."""
    value = frame[by].astype(object)
    missing = value.isna() | (value.map(str).str.strip() == "")
    parts = []
    for dim in DIMS:
        points = frame[ITEMS[dim]].astype(float).to_numpy()
        answered = (~np.isnan(points)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.nansum(points, axis=1) / (5 * answered) * 100
        parts.append(
            pd.DataFrame(
                {
                    "dimension": dim,
                    "group": value.where(~missing, None).to_numpy(),
                    "score": np.where(answered >= 3, score, np.nan),
                }
            )
        )
    return pd.concat(parts, ignore_index=True).dropna(subset=["score"])


def _samples(scores: pd.DataFrame, dim: str, groups) -> list[np.ndarray]:
    rows = scores[scores.dimension == dim]
    return [rows.loc[rows.group == g, "score"].to_numpy() for g in groups]


def _wide(groups: dict[str, list[int]], by: str = "sector") -> pd.DataFrame:
    """One respondent per answer value; each answers every statement with that value."""
    values = [(g, v) for g, answers in groups.items() for v in answers]
    frame = pd.DataFrame(
        [[v] * len(INST.item_ids) for _, v in values], columns=INST.item_ids, dtype="Int64"
    )
    frame.insert(0, "respondent_id", [f"R{i:03d}" for i in range(len(values))])
    frame.insert(1, by, [g for g, _ in values])
    return frame


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    """240 synthetic organisations, of which: 3 in Tiny, 6 in Small, 40 in SCRIPT and 4
    without a sector (NaN, "", "  ", None). Their unanswered statements are filled, so each
    of them is scored on every dimension and the counts below hold by construction."""
    frame = generate_benchmark(2023, n=240, seed=21).reset_index(drop=True)
    frame["sector"] = frame["sector"].astype(object)
    special = frame.index[:53]
    frame.loc[special, INST.item_ids] = frame.loc[special, INST.item_ids].fillna(3)
    frame.loc[0:2, "sector"] = TINY
    frame.loc[3:8, "sector"] = SMALL
    frame.loc[9:48, "sector"] = SCRIPT
    frame.loc[49, "sector"] = np.nan
    frame.loc[50, "sector"] = ""
    frame.loc[51, "sector"] = "  "
    frame.loc[52, "sector"] = None
    # precondition of the hand counts: every other sector is larger than Small everywhere
    scores = _hand_scores(frame)
    sizes = scores.dropna(subset=["group"]).groupby(["dimension", "group"]).size()
    others = sizes[~sizes.index.get_level_values("group").isin([TINY, SMALL])]
    assert others.min() > 6
    return frame


@pytest.fixture(scope="module")
def scores(data) -> pd.DataFrame:
    return _hand_scores(data)


@pytest.fixture(scope="module")
def result(data):
    return compare_groups(data, INST, "sector", n_resamples=RESAMPLES)


@pytest.fixture(scope="module")
def shown_scores(scores) -> pd.DataFrame:
    """Hand scores of the groups that may be shown (not Tiny, Small or missing)."""
    return scores[scores.group.notna() & ~scores.group.isin([TINY, SMALL])]


@pytest.fixture(scope="module")
def five_groups(shown_scores) -> pd.DataFrame:
    """Five of them (10 pairs a dimension: Games-Howell p-values are slow to integrate)."""
    names = ["Finance", SCRIPT, "Telecom", "Energy", "Healthcare"]
    return shown_scores[shown_scores.group.isin(names)]


# ---------------------------------------------------------------- bootstrap_ci


def test_bootstrap_is_reproducible_by_seed():
    x = np.random.default_rng(1).normal(70, 12, 40)
    same = bootstrap_ci(x, rng=5, n_resamples=RESAMPLES)
    assert same == bootstrap_ci(x, rng=5, n_resamples=RESAMPLES)
    assert same != bootstrap_ci(x, rng=6, n_resamples=RESAMPLES)
    assert same == bootstrap_ci(x, rng=np.random.default_rng(5), n_resamples=RESAMPLES)


@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_bca_interval_approaches_the_t_interval_for_a_large_normal_sample(confidence):
    """Reference: the t interval, mean ± t(1 − α/2, n − 1) · s / √n (scipy.stats.t)."""
    x = np.random.default_rng(2).normal(70, 12, 2000)
    low, high = bootstrap_ci(x, confidence=confidence, rng=3)
    half = stats.t.ppf((1 + confidence) / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    # Monte Carlo error of 9999 resamples is a few % of the half width (≈ 0.5 points)
    assert low == pytest.approx(x.mean() - half, abs=0.06 * half)
    assert high == pytest.approx(x.mean() + half, abs=0.06 * half)


@pytest.mark.parametrize(
    "x",
    [
        np.random.default_rng(4).normal(60, 15, 30),
        np.random.default_rng(5).exponential(10, 25) + 40,
        np.array([25.0, 50, 50, 75, 75, 75, 100, 100, 100, 100, 100, 100]),
    ],
    ids=["normal", "skewed", "likert"],
)
def test_bootstrap_interval_contains_the_sample_mean(x):
    low, high = bootstrap_ci(x, n_resamples=RESAMPLES)
    assert low < x.mean() < high


def test_bootstrap_is_bca_not_percentile():
    """Reference: scipy.stats.bootstrap(method="BCa") with the same seed; on a skewed
    sample the plain percentile interval is visibly different."""
    x = np.random.default_rng(7).exponential(10, 25) + 40
    low, high = bootstrap_ci(x, confidence=0.9, n_resamples=RESAMPLES, rng=11)
    options = {"confidence_level": 0.9, "n_resamples": RESAMPLES}
    bca = stats.bootstrap((x,), np.mean, method="BCa", rng=np.random.default_rng(11), **options)
    pct = stats.bootstrap(
        (x,), np.mean, method="percentile", rng=np.random.default_rng(11), **options
    )
    assert (low, high) == pytest.approx(tuple(bca.confidence_interval))
    assert abs(low - pct.confidence_interval.low) > 0.05  # precondition: BCa moved it


def test_bootstrap_ignores_missing_values():
    x = np.random.default_rng(6).normal(70, 10, 20)
    with_nan = np.concatenate([x[:7], [np.nan], x[7:], [np.nan]])
    assert bootstrap_ci(with_nan, n_resamples=RESAMPLES) == bootstrap_ci(x, n_resamples=RESAMPLES)


def test_bootstrap_edge_cases():
    for few in ([], [70.0], [70.0, np.nan, np.nan]):
        low, high = bootstrap_ci(few)
        assert np.isnan(low) and np.isnan(high)
    assert bootstrap_ci([65.0, 65.0, 65.0, np.nan]) == (65.0, 65.0)
    for bad in (0, 1, -0.1, 1.5, 95, float("nan"), True, "0.95"):
        with pytest.raises(ParameterError, match="confidence"):
            bootstrap_ci([1.0, 2.0, 3.0], confidence=bad)


# ------------------------------------------------------------ group_statistics


def test_group_statistics_by_hand():
    scores = pd.DataFrame(
        {
            "dimension": ["m"] * 5 + ["x"] * 2,
            "group": ["b", "a", "b", "a", "b", "a", "a"],
            "score": [50.0, 60.0, 70.0, 80.0, np.nan, 40.0, 40.0],
        }
    )
    table = group_statistics(scores, n_resamples=RESAMPLES)
    # keys and groups in order of first appearance; NaN scores left out
    assert table[["dimension", "group", "n"]].values.tolist() == [
        ["m", "b", 2],
        ["m", "a", 2],
        ["x", "a", 2],
    ]
    assert table["mean"].tolist() == [60.0, 70.0, 40.0]
    assert table["sd"].tolist() == pytest.approx([np.sqrt(200), np.sqrt(200), 0.0])
    assert table.iloc[2][["ci_low", "ci_high"]].tolist() == [40.0, 40.0]


def test_group_statistics_match_numpy(shown_scores):
    table = group_statistics(shown_scores, n_resamples=RESAMPLES)
    assert len(table) == shown_scores.groupby(["dimension", "group"]).ngroups
    for row in table.itertuples():
        (x,) = _samples(shown_scores, row.dimension, [row.group])
        assert row.n == len(x)
        assert row.mean == pytest.approx(np.mean(x))
        assert row.sd == pytest.approx(np.std(x, ddof=1))
        assert row.ci_low < row.mean < row.ci_high


def test_a_groups_interval_does_not_depend_on_the_other_groups(shown_scores):
    """Each group's resamples are seeded by its own name (and dimension)."""
    full = group_statistics(shown_scores, n_resamples=RESAMPLES)
    fewer = group_statistics(
        shown_scores[shown_scores.group.isin(["Finance", SCRIPT])], n_resamples=RESAMPLES
    )
    extra = pd.DataFrame({"dimension": "measure", "group": "Zeta", "score": [10.0, 90.0, 50.0]})
    more = group_statistics(pd.concat([extra, shown_scores]), n_resamples=RESAMPLES)
    columns = ["dimension", "group", "ci_low", "ci_high"]
    expected = full[full.group.isin(["Finance", SCRIPT])][columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(fewer[columns], expected)
    merged = more[columns].merge(full[columns], on=["dimension", "group"], suffixes=("", "_full"))
    assert len(merged) == len(full)
    assert (merged.ci_low == merged.ci_low_full).all()
    assert (merged.ci_high == merged.ci_high_full).all()


def test_the_interval_level_follows_confidence(shown_scores):
    """Same seed, same resamples: the 90 % interval lies strictly inside the 99 % one."""
    narrow = group_statistics(shown_scores, confidence=0.90, n_resamples=RESAMPLES)
    wide = group_statistics(shown_scores, confidence=0.99, n_resamples=RESAMPLES)
    assert (wide.ci_low < narrow.ci_low).all()
    assert (narrow.ci_high < wide.ci_high).all()
    with pytest.raises(ParameterError):
        group_statistics(shown_scores, confidence=1.0)


# ------------------------------------------------------- suppress_small_groups


def test_suppress_small_groups_by_hand():
    table = pd.DataFrame(
        {
            "dimension": ["m", "m", "m", "x", "x"],
            "group": ["a", "b", "c", "a", "b"],
            "n": [9, 4, 1, 9, 9],
        }
    )
    shown, suppressed = suppress_small_groups(table, 5)
    # m: b (4) and c (1) hide 5 together; x: nothing to hide
    assert shown[["dimension", "group", "n"]].values.tolist() == [
        ["m", "a", 9],
        ["x", "a", 9],
        ["x", "b", 9],
    ]
    assert suppressed.to_dict("records") == [
        {"dimension": "m", "groups": 2, "n": 5},
        {"dimension": "x", "groups": 0, "n": 0},
    ]


def test_complementary_suppression_by_hand():
    table = pd.DataFrame({"dimension": "m", "group": ["a", "z", "y", "b"], "n": [20, 6, 6, 2]})
    # b (2) alone could be worked out from the total; the smallest shown group joins it,
    # y before z (same size, name order): 8 hidden together
    shown, suppressed = suppress_small_groups(table, 5)
    assert shown.group.tolist() == ["a", "z"]
    assert suppressed.to_dict("records") == [{"dimension": "m", "groups": 2, "n": 8}]
    shown, suppressed = suppress_small_groups(table, 5, complementary=False)
    assert shown.group.tolist() == ["a", "z", "y"]
    assert suppressed.to_dict("records") == [{"dimension": "m", "groups": 1, "n": 2}]


def test_nothing_to_suppress_gives_zero_counts():
    table = pd.DataFrame({"dimension": ["m", "m", "x"], "group": ["a", "b", "a"], "n": [5, 12, 7]})
    shown, suppressed = suppress_small_groups(table, 5)
    pd.testing.assert_frame_equal(shown, table)
    assert suppressed.to_dict("records") == [
        {"dimension": "m", "groups": 0, "n": 0},
        {"dimension": "x", "groups": 0, "n": 0},
    ]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "5", None])
def test_min_n_must_be_a_whole_number_of_at_least_one(bad):
    table = pd.DataFrame({"dimension": "m", "group": ["a"], "n": [9]})
    with pytest.raises(ParameterError, match="min_n"):
        suppress_small_groups(table, bad)


def test_min_n_accepts_numpy_integers():
    table = pd.DataFrame({"dimension": "m", "group": ["a", "b"], "n": [9, 9]})
    assert len(suppress_small_groups(table, np.int64(9))[0]) == 2


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 30), min_size=1, max_size=8), min_size=1, max_size=4),
    st.integers(1, 12),
)
def test_suppression_never_leaves_a_small_group_or_a_small_remainder(analyses, min_n):
    """Disclosure control: every shown group has ≥ min_n; what is hidden in an analysis
    is nothing, or ≥ min_n respondents together, or every group; counts reconcile."""
    table = pd.DataFrame(
        [(f"d{d}", f"g{i}", n) for d, sizes in enumerate(analyses) for i, n in enumerate(sizes)],
        columns=["dimension", "group", "n"],
    )
    shown, suppressed = suppress_small_groups(table, min_n)
    assert (shown.n >= min_n).all()
    assert suppressed.dimension.tolist() == [f"d{d}" for d in range(len(analyses))]
    for d, sizes in enumerate(analyses):
        hidden = suppressed.iloc[d]
        kept = shown[shown.dimension == f"d{d}"]
        assert kept.n.sum() + hidden.n == sum(sizes)
        assert len(kept) + hidden.groups == len(sizes)
        assert hidden.n == 0 or hidden.n >= min_n or kept.empty
        if min(sizes) >= min_n:
            assert hidden.groups == 0


# ---------------------------------------------------------------- compare_groups


def test_a_small_group_is_named_nowhere(result):
    frames = {
        "groups": result.groups,
        "overall": result.overall,
        "omnibus": result.omnibus,
        "posthoc": result.posthoc,
        "suppressed": result.suppressed,
        "excluded": result.excluded_missing_group,
    }
    for name, frame in frames.items():
        text = frame.to_csv()
        assert TINY not in text and SMALL not in text, name
    records = json.dumps(result.to_records(), ensure_ascii=False)
    assert TINY not in records and SMALL not in records
    for hidden in (TINY, SMALL, "Atlantis"):
        with pytest.raises(ParameterError) as info:
            result.subset([hidden])
        assert TINY not in str(info.value) and SMALL not in str(info.value)


def test_suppressed_and_missing_respondents_are_counted(result):
    """By construction (fixture): Tiny (3) is under min_n = 5; alone, its mean would follow
    from the total, so the smallest shown group, Small (6), is hidden with it."""
    for record in result.to_records():
        assert record["suppressed"] == {"groups": 2, "n": 3 + 6}
        assert record["excluded_missing_group"] == 4


def test_counts_reconcile_with_a_hand_count(result, scores):
    overall = result.overall.set_index("dimension")["n"]
    for record in result.to_records():
        dim = record["dimension"]
        scored = int((scores.dimension == dim).sum())  # every scored respondent, by hand
        shown = sum(g["n"] for g in record["groups"])
        suppressed, excluded = record["suppressed"]["n"], record["excluded_missing_group"]
        assert overall[dim] == scored == shown + suppressed + excluded


def test_shown_group_figures_match_hand_scores(result, shown_scores):
    expected = shown_scores.groupby(["dimension", "group"])["score"].agg(["size", "mean", "std"])
    got = result.groups.set_index(["dimension", "group"])
    assert set(got.index) == set(expected.index)
    for key, row in expected.iterrows():
        assert got.loc[key, "n"] == row["size"]
        assert got.loc[key, "mean"] == pytest.approx(row["mean"])
        assert got.loc[key, "sd"] == pytest.approx(row["std"])


def test_a_group_named_like_markup_is_kept_verbatim(result):
    for record in result.to_records():
        names = [g["group"] for g in record["groups"]]
        assert SCRIPT in names
        assert [g["n"] for g in record["groups"] if g["group"] == SCRIPT] == [40]


def test_the_omnibus_tests_cover_the_shown_groups_only(result, shown_scores):
    """Reference: scipy.stats.f_oneway(equal_var=False) and kruskal on the shown groups."""
    omnibus = result.omnibus.set_index("dimension")
    for dim in DIMS:
        names = result.groups.loc[result.groups.dimension == dim, "group"].tolist()
        assert TINY not in names and SMALL not in names
        assert omnibus.loc[dim, "groups"] == len(names)
        samples = _samples(shown_scores, dim, names)
        assert omnibus.loc[dim, "n"] == sum(map(len, samples))
        welch = stats.f_oneway(*samples, equal_var=False)
        assert omnibus.loc[dim, "welch_F"] == pytest.approx(welch.statistic)
        assert omnibus.loc[dim, "kruskal_H"] == pytest.approx(stats.kruskal(*samples).statistic)


def test_posthoc_pairs_are_the_shown_groups_pairs(result):
    for dim in DIMS:
        names = result.groups.loc[result.groups.dimension == dim, "group"].tolist()
        pairs = result.posthoc[result.posthoc.dimension == dim]
        expected = {(a, b) for i, a in enumerate(names) for b in names[i + 1 :]}
        assert set(zip(pairs.a, pairs.b, strict=True)) == expected


def test_records_follow_the_schema_and_are_strict_json(result):
    records = result.to_records()
    assert [r["dimension"] for r in records] == DIMS
    json.dumps(records, allow_nan=False)
    for record in records:
        assert set(record) == RECORD_KEYS
        assert set(record["welch"]) == {"F", "df1", "df2", "p"}
        assert set(record["kruskal"]) == {"H", "df", "p", "epsilon2"}
        assert set(record["effect_size"]) == {"name", "value"}
        assert record["effect_size"]["name"] == "omega2"
        assert set(record["suppressed"]) == {"groups", "n"}
        assert all(
            set(g) == {"group", "n", "mean", "sd", "ci_low", "ci_high"} for g in record["groups"]
        )
        assert all(set(p) == {"a", "b", "diff", "p_adj"} for p in record["posthoc"])
        k = len(record["groups"])
        assert len(record["posthoc"]) == k * (k - 1) // 2


def test_the_comparison_is_deterministic(data, result):
    again = compare_groups(data, INST, "sector", n_resamples=RESAMPLES)
    assert again.to_records() == result.to_records()


def test_statement_level(data):
    # the other sectors in two groups: fewer Games-Howell pairs to integrate (speed)
    missing = data.sector.isna() | (data.sector.map(str).str.strip() == "")
    named = data.sector.isin([TINY, SMALL, SCRIPT]) | missing
    halves = np.where(data.sector.astype(str) < "M", "First half", "Second half")
    data = data.assign(sector=data.sector.where(named, pd.Series(halves, index=data.index)))
    items = compare_groups(data, INST, "sector", level="item", n_resamples=199)
    records = items.to_records()
    assert [r["item"] for r in records] == INST.item_ids
    assert [r["dimension"] for r in records] == [i.dimension for i in INST.items]
    text = json.dumps(records, allow_nan=False, ensure_ascii=False)
    assert TINY not in text and SMALL not in text
    for record in records:
        assert set(record) == RECORD_KEYS | {"item"}
        assert record["excluded_missing_group"] == 4
        assert record["suppressed"] == {"groups": 2, "n": 3 + 6}
        assert [g["group"] for g in record["groups"]] == [SCRIPT, "First half", "Second half"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_n": 0},
        {"min_n": 2.5},
        {"confidence": 1.2},
        {"correction": "magic"},
        {"level": "sector"},
        {"by": "region"},
    ],
)
def test_bad_parameters(data, kwargs):
    kwargs = {"by": "sector"} | kwargs
    with pytest.raises(ParameterError):
        compare_groups(data, INST, n_resamples=RESAMPLES, **kwargs)


def test_a_dimension_with_every_group_suppressed_keeps_its_record():
    """Regression: the Master record (and its suppressed count) used to be dropped."""
    frame = _wide({"A": [2, 3, 4, 5, 3], "B": [1, 2, 3, 4, 5]})
    frame.loc[[5, 6], ["master_1", "master_2"]] = pd.NA  # two of B lose their Master score
    result = compare_groups(frame, INST, "sector", n_resamples=RESAMPLES)
    records = {r["dimension"]: r for r in result.to_records()}
    assert list(records) == DIMS
    # Master: B (3) is under 5 and A (5) is hidden with it
    assert records["master"]["groups"] == [] and records["master"]["posthoc"] == []
    assert records["master"]["suppressed"] == {"groups": 2, "n": 8}
    assert records["master"]["welch"]["F"] is None
    assert records["measure"]["suppressed"] == {"groups": 0, "n": 0}
    with pytest.raises(ParameterError):  # A is not shown on every dimension
        result.subset(["A"])


def test_a_grouping_column_without_values_gives_empty_records():
    """Regression: used to raise IndexError (a traceback on the command line)."""
    frame = _wide({"A": [2, 3, 4, 5, 3], "B": [1, 2, 3, 4, 5]}).assign(sector=None)
    records = compare_groups(frame, INST, "sector", n_resamples=RESAMPLES).to_records()
    assert [r["dimension"] for r in records] == DIMS
    for record in records:
        assert record["groups"] == [] and record["suppressed"] == {"groups": 0, "n": 0}
        assert record["excluded_missing_group"] == 10


# ------------------------------------------------------------------ omnibus_tests


def test_welch_and_kruskal_match_scipy_and_the_hand_formulas(shown_scores):
    """References: scipy.stats.f_oneway(equal_var=False), scipy.stats.kruskal; df2 of
    Welch's F, ω² and ε² by hand."""
    table = omnibus_tests(shown_scores).set_index("dimension")
    for dim in DIMS:
        row = table.loc[dim]
        names = shown_scores.loc[shown_scores.dimension == dim, "group"].unique()
        samples = _samples(shown_scores, dim, names)
        k, n = len(samples), sum(map(len, samples))
        sizes = np.array([len(s) for s in samples])
        weights = sizes / np.array([np.var(s, ddof=1) for s in samples])
        spread = np.sum((1 - weights / weights.sum()) ** 2 / (sizes - 1))
        welch = stats.f_oneway(*samples, equal_var=False)
        kruskal = stats.kruskal(*samples)
        f = welch.statistic
        assert (row.groups, row.n) == (k, n)
        assert row.welch_F == pytest.approx(f)
        assert row.welch_df1 == k - 1
        assert row.welch_df2 == pytest.approx((k**2 - 1) / (3 * spread))
        assert row.welch_p == pytest.approx(welch.pvalue)
        assert row.omega2 == pytest.approx(max(0, (k - 1) * (f - 1) / ((k - 1) * (f - 1) + n)))
        assert row.kruskal_H == pytest.approx(kruskal.statistic)
        assert row.kruskal_df == k - 1
        assert row.kruskal_p == pytest.approx(kruskal.pvalue)
        assert row.epsilon2 == pytest.approx(kruskal.statistic / (n - 1))


def test_omega_squared_is_zero_when_f_is_below_one():
    scores = pd.DataFrame(
        {"dimension": "m", "group": list("aaaabbbb"), "score": [1.0, 2, 3, 4, 1.5, 2.5, 2, 3.5]}
    )
    row = omnibus_tests(scores).iloc[0]
    assert row.welch_F < 1  # precondition
    assert row.omega2 == 0.0


def test_tests_that_cannot_be_computed_are_missing():
    one = pd.DataFrame({"dimension": "m", "group": "a", "score": [60.0, 70.0, 80.0]})
    row = omnibus_tests(one).iloc[0]
    assert (row.groups, row.n) == (1, 3)
    assert row[["welch_F", "welch_p", "omega2", "kruskal_H", "kruskal_p", "epsilon2"]].isna().all()
    flat_a = [70.0, 70.0, 70.0]
    flat = pd.DataFrame(
        {"dimension": "m", "group": list("aaabbb"), "score": [*flat_a, 60.0, 65.0, 90.0]}
    )
    row = omnibus_tests(flat).iloc[0]
    assert row[["welch_F", "welch_df2", "welch_p", "omega2"]].isna().all()
    kruskal = stats.kruskal(flat_a, [60.0, 65.0, 90.0])
    assert row.kruskal_H == pytest.approx(kruskal.statistic)
    assert row.kruskal_p == pytest.approx(kruskal.pvalue)
    same = flat.assign(score=50.0)
    assert omnibus_tests(same)[["welch_F", "kruskal_H"]].isna().all(axis=None)


# -------------------------------------------------------------------- games_howell


def test_games_howell_p_values_are_pingouins(five_groups):
    """Reference: pingouin.pairwise_gameshowell, called per dimension."""
    ours = games_howell(five_groups, correction="none")
    for dim in DIMS:
        frame = five_groups[five_groups.dimension == dim]
        theirs = pg.pairwise_gameshowell(data=frame, dv="score", between="group")
        reference = {
            frozenset((a, b)): p for a, b, p in zip(theirs.A, theirs.B, theirs.pval, strict=True)
        }
        mine = ours[ours.dimension == dim]
        assert len(mine) == len(reference)
        for row in mine.itertuples():
            assert row.p_gh == pytest.approx(reference[frozenset((row.a, row.b))])
    assert (ours.p_adj == ours.p_gh).all()


def test_corrections_over_the_dimensions(five_groups):
    none = games_howell(five_groups, correction="none")
    bonf = games_howell(five_groups, correction="bonf")
    holm = games_howell(five_groups, correction="holm")
    assert bonf.p_gh.tolist() == none.p_gh.tolist() == holm.p_gh.tolist()
    assert bonf.p_adj.to_numpy() == pytest.approx(np.minimum(1, 3 * none.p_gh.to_numpy()))
    assert (none.p_gh <= holm.p_adj + 1e-12).all()
    assert (holm.p_adj <= bonf.p_adj + 1e-12).all()
    assert (bonf.p_adj <= 1).all()
    with pytest.raises(ParameterError):
        games_howell(five_groups, correction="fdr")


def test_holm_step_down_over_dimension_families_by_hand():
    pairs = pd.DataFrame(
        {
            "dimension": ["z", "z", "x", "x", "x", "y", "y"],
            "p_gh": [0.020, 0.600, 0.010, 0.300, 0.500, 0.012, 0.050],
        }
    )
    # families ranked by their smallest p, not by their place in the frame:
    # x (0.010) × 3; y (0.012) × 2 = 0.024, floored at x's 0.030; z (0.020) × 1, floored
    holm = _correct_families(pairs, ["dimension"], "holm")
    assert holm == pytest.approx([0.030, 0.600, 0.030, 0.900, 1.000, 0.030, 0.100])
    bonf = _correct_families(pairs, ["dimension"], "bonf")
    assert bonf == pytest.approx([0.060, 1.000, 0.030, 0.900, 1.000, 0.036, 0.150])
    assert _correct_families(pairs, ["dimension"], "none") == pytest.approx(pairs.p_gh)


def test_one_family_is_not_corrected_again():
    pairs = pd.DataFrame({"dimension": "m", "p_gh": [0.01, 0.2, 0.04]})
    for correction in ("holm", "bonf"):
        assert _correct_families(pairs, ["dimension"], correction) == pytest.approx(pairs.p_gh)


families = st.lists(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(families)
def test_holm_over_families_properties(p_values):
    """p_gh ≤ Holm ≤ Bonferroni ≤ 1; each family's smallest adjusted p is Holm's adjusted
    minimum (reference: pingouin.multicomp on the family minima); order within a family
    is kept."""
    pairs = pd.DataFrame(
        {
            "dimension": [f"d{i}" for i, f in enumerate(p_values) for _ in f],
            "p_gh": [p for f in p_values for p in f],
        }
    )
    holm = _correct_families(pairs, ["dimension"], "holm")
    bonf = _correct_families(pairs, ["dimension"], "bonf")
    p = pairs.p_gh.to_numpy()
    assert (p <= holm + 1e-12).all()
    assert (holm <= bonf + 1e-12).all()
    assert (bonf <= 1).all()
    minima = np.array([min(f) for f in p_values])
    _, reference = pg.multicomp(minima, method="holm")
    family = pairs.dimension.str[1:].astype(int).to_numpy()
    for i in range(len(p_values)):
        assert holm[family == i].min() == pytest.approx(reference[i])
        order = np.argsort(p[family == i], kind="stable")
        assert (np.diff(holm[family == i][order]) >= -1e-12).all()


def test_pairs_keep_the_callers_group_order():
    frame = pd.DataFrame(
        {
            "dimension": "m",
            "group": ["z"] * 4 + ["a"] * 4 + ["m"] * 4,
            "score": [60.0, 62, 64, 66, 70, 71, 73, 75, 50, 55, 52, 58],
        }
    )
    pairs = games_howell(frame)
    assert list(zip(pairs.a, pairs.b, strict=True)) == [("z", "a"), ("z", "m"), ("a", "m")]
    # means by hand: z 63, a 72.25, m 53.75; diff = a − b
    assert pairs.mean_a.tolist() == [63.0, 63.0, 72.25]
    assert pairs["diff"].tolist() == pytest.approx([63 - 72.25, 63 - 53.75, 72.25 - 53.75])


# ---------------------------------------------------------------- group_vs_rest


def test_group_vs_rest_matches_scipy(data, scores):
    """Reference: scipy.stats.ttest_ind(equal_var=False) and its confidence_interval;
    p_adj: pingouin.multicomp(method="holm") over the three dimensions."""
    table = group_vs_rest(data, INST, "sector", "Finance")
    known = scores[scores.group.notna()]  # the rest includes suppressed groups
    assert table.dimension.tolist() == DIMS
    for row in table.itertuples():
        rows = known[known.dimension == row.dimension]
        a = rows.loc[rows.group == "Finance", "score"]
        b = rows.loc[rows.group != "Finance", "score"]
        ref = stats.ttest_ind(a, b, equal_var=False)
        ci = ref.confidence_interval(0.95)
        assert (row.n, row.n_rest) == (len(a), len(b))
        assert (row.mean, row.mean_rest) == pytest.approx((a.mean(), b.mean()))
        assert row.diff == pytest.approx(a.mean() - b.mean())
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high))
        assert (row.t, row.df, row.p) == pytest.approx((ref.statistic, ref.df, ref.pvalue))
    _, holm = pg.multicomp(table.p.to_numpy(), method="holm")
    assert table.p_adj.to_numpy() == pytest.approx(holm)
    bonf = group_vs_rest(data, INST, "sector", "Finance", correction="bonf", confidence=0.9)
    assert bonf.p_adj.to_numpy() == pytest.approx(np.minimum(1, 3 * table.p.to_numpy()))
    narrow = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.9)
    assert (bonf.ci_low.iloc[-1], bonf.ci_high.iloc[-1]) == pytest.approx((narrow.low, narrow.high))


@pytest.mark.parametrize("name", [TINY, SMALL, "Atlantis"])
def test_group_vs_rest_refuses_a_suppressed_or_unknown_group(data, name):
    with pytest.raises(ParameterError) as info:
        group_vs_rest(data, INST, "sector", name)
    message = str(info.value)
    assert TINY not in message and SMALL not in message
    assert "Finance" in message  # the shown groups are offered


def test_group_vs_rest_refuses_a_group_whose_rest_is_a_small_group():
    """Regression: Big against the rest used to give Tiny's mean (and n) as mean_rest."""
    frame = _wide({"Big": [1, 2, 3, 4, 5] * 4, TINY: [5, 5, 4]})
    with pytest.raises(ParameterError) as info:
        group_vs_rest(frame, INST, "sector", "Big")
    assert TINY not in str(info.value)


# ----------------------------------------------------------- edition_difference


@pytest.fixture(scope="module")
def previous(data) -> pd.DataFrame:
    """The 2022 edition with SCRIPT under min_n (4 respondents) there."""
    frame = generate_benchmark(2022, n=220, seed=8).reset_index(drop=True)
    frame["sector"] = frame["sector"].astype(object)
    frame.loc[0:3, "sector"] = SCRIPT
    return frame


def test_edition_difference_overall_matches_scipy(data, previous):
    """Reference: scipy.stats.ttest_ind(equal_var=False); pingouin.multicomp for p_adj."""
    shown, suppressed = edition_difference(data, previous, INST)
    now, before = _hand_scores(data), _hand_scores(previous)
    assert shown[["dimension", "group"]].values.tolist() == [[d, "all"] for d in DIMS]
    for row in shown.itertuples():
        a = now.loc[now.dimension == row.dimension, "score"]  # missing sectors included
        b = before.loc[before.dimension == row.dimension, "score"]
        ref = stats.ttest_ind(a, b, equal_var=False)
        ci = ref.confidence_interval(0.95)
        assert (row.n_current, row.n_previous) == (len(a), len(b))
        assert row.diff == pytest.approx(a.mean() - b.mean())
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high))
        assert (row.t, row.df, row.p) == pytest.approx((ref.statistic, ref.df, ref.pvalue))
    assert shown.p_adj.to_numpy() == pytest.approx(
        pg.multicomp(shown.p.to_numpy(), method="holm")[1]
    )
    assert suppressed.to_dict("records") == [{"dimension": d, "groups": 0, "n": 0} for d in DIMS]


def test_edition_difference_by_sector_matches_scipy_and_suppresses(data, previous):
    shown, suppressed = edition_difference(data, previous, INST, by="sector")
    now, before = _hand_scores(data), _hand_scores(previous)
    now, before = now[now.group.notna()], before[before.group.notna()]
    # under min_n in 2023 (Tiny) or in 2022 (SCRIPT), or hidden with one (Small)
    assert not {TINY, SMALL, SCRIPT} & set(shown.group)
    assert (shown.n_current >= 5).all() and (shown.n_previous >= 5).all()
    for row in shown.itertuples():
        (a,) = _samples(now, row.dimension, [row.group])
        (b,) = _samples(before, row.dimension, [row.group])
        ref = stats.ttest_ind(a, b, equal_var=False)
        assert (row.n_current, row.n_previous) == (len(a), len(b))
        assert row.diff == pytest.approx(a.mean() - b.mean())
        assert (row.t, row.p) == pytest.approx((ref.statistic, ref.pvalue))
    assert shown.p_adj.to_numpy() == pytest.approx(
        pg.multicomp(shown.p.to_numpy(), method="holm")[1]
    )
    for hidden in suppressed.itertuples():
        both = pd.concat(
            [now[now.dimension == hidden.dimension], before[before.dimension == hidden.dimension]]
        )
        mine = shown[shown.dimension == hidden.dimension]
        assert hidden.groups == both.group.nunique() - len(mine)
        assert hidden.n == len(both) - mine.n_current.sum() - mine.n_previous.sum()
        assert hidden.groups >= 3  # Tiny, Small, SCRIPT at least


def test_edition_difference_by_hand():
    """B has 2 respondents in 2022: hidden; A (6), the smallest shown in 2022, joins it."""
    now = _wide({"A": [2, 3, 4, 5, 3, 4], "B": [1, 2, 3, 4, 5, 3], "C": [3, 4] * 5})
    before = _wide({"A": [1, 2, 3, 4, 2, 3], "B": [4, 5], "C": [2, 3] * 5})
    shown, suppressed = edition_difference(now, before, INST, by="sector")
    assert shown[["dimension", "group"]].values.tolist() == [[d, "C"] for d in DIMS]
    assert suppressed.to_dict("records") == [
        {"dimension": d, "groups": 2, "n": 6 + 6 + 6 + 2} for d in DIMS
    ]
    # C: every answer 3 or 4 now (mean 70 %), 2 or 3 before (mean 50 %)
    assert shown["diff"].tolist() == pytest.approx([20.0] * 3)


# ---------------------------------------------------------------------- subset


def test_subset_keeps_the_chosen_groups(result):
    chosen = ["Finance", SCRIPT]
    part = result.subset(chosen)
    assert set(part.groups.group) == set(chosen)
    assert part.groups.groupby("dimension").size().to_dict() == dict.fromkeys(DIMS, 2)
    involved = result.posthoc.a.isin(chosen) | result.posthoc.b.isin(chosen)
    pd.testing.assert_frame_equal(part.posthoc, result.posthoc[involved].reset_index(drop=True))
    pd.testing.assert_frame_equal(part.omnibus, result.omnibus)
    pd.testing.assert_frame_equal(part.suppressed, result.suppressed)
    pd.testing.assert_frame_equal(part.overall, result.overall)


def test_subset_refuses_an_unknown_group(result):
    with pytest.raises(ParameterError, match="Finance"):  # the shown groups are offered
        result.subset(["Finance", "Atlantis"])


def test_subset_refuses_a_group_hidden_on_one_dimension_only():
    frame = _wide({"Six": [1, 2, 3, 4, 5, 3], "Big": [2, 3, 4, 5, 1] * 3, "Other": [3, 4] * 5})
    frame.loc[[0, 1], ["master_1", "master_2"]] = pd.NA  # two of Six lose their Master score
    result = compare_groups(frame, INST, "sector", n_resamples=RESAMPLES)
    assert "Six" in set(result.groups[result.groups.dimension == "measure"].group)
    assert "Six" not in set(result.groups[result.groups.dimension == "master"].group)
    with pytest.raises(ParameterError) as info:
        result.subset(["Six"])
    assert "Six" not in str(info.value)


def test_a_repeated_comparison_is_remembered_and_handed_out_as_a_copy(data, monkeypatch):
    from cxbench import comparison

    calls = []
    real = comparison._compare_groups
    monkeypatch.setattr(comparison, "_COMPARISONS", type(comparison._COMPARISONS)())
    monkeypatch.setattr(
        comparison, "_compare_groups", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    first = compare_groups(data, INST, "sector", n_resamples=RESAMPLES)
    first.groups.loc[:, "mean"] = -1.0  # a caller altering its result
    second = compare_groups(data.copy(), INST, "sector", n_resamples=RESAMPLES)
    assert len(calls) == 1
    assert (second.groups["mean"] > 0).all()
    fresh = real(
        data,
        INST,
        "sector",
        "dimension",
        5,
        0.95,
        "holm",
        "sum_max",
        None,
        "respondent_id",
        n_resamples=RESAMPLES,
        seed=2023,
    )
    pd.testing.assert_frame_equal(second.groups, fresh.groups)
    pd.testing.assert_frame_equal(second.posthoc, fresh.posthoc)

    changed = data.copy()
    changed.loc[100, "measure_1"] = 1 if changed.loc[100, "measure_1"] != 1 else 2
    compare_groups(changed, INST, "sector", n_resamples=RESAMPLES)
    compare_groups(data, INST, "sector", n_resamples=RESAMPLES, min_n=6)
    assert len(calls) == 3  # other answers, other settings: computed again


def test_overall_rows_follow_the_instrument_not_the_first_respondent():
    # the first respondent skipped every Measure statement: before the fix the overall
    # rows came in the order of the first respondent's scores (manage, master, measure)
    data = generate_benchmark(2023, n=40)
    first = data.index[0]
    data.loc[first, [i.id for i in INST.dimension("measure").items]] = pd.NA
    result = compare_groups(data, INST, "sector", min_n=5, n_resamples=RESAMPLES)
    assert list(result.overall["dimension"]) == [d.id for d in INST.dimensions]


def test_a_groups_interval_is_the_same_whatever_its_name_or_the_rows_order():
    """The bootstrap of a group is seeded by its scores, not its name: a sector keeps
    its interval in every report language, where its name is translated."""
    inst = load_instrument()
    data = generate_benchmark(2023, n=200, seed=12)
    english = compare_groups(data, inst, "sector", n_resamples=999)
    renamed = data.assign(sector=data["sector"].map(lambda s: f"«{s}» (tr)"))
    renamed = renamed.sample(frac=1.0, random_state=3)  # and the rows in another order
    turkish = compare_groups(renamed, inst, "sector", n_resamples=999)
    a = english.groups.assign(group=english.groups["group"].map(lambda s: f"«{s}» (tr)"))
    columns = ["dimension", "group", "n", "mean", "ci_low", "ci_high"]
    a = a[columns].sort_values(["dimension", "group"]).reset_index(drop=True)
    b = turkish.groups[columns].sort_values(["dimension", "group"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    # another seed draws other resamples: the test can tell streams apart
    other = compare_groups(data, inst, "sector", n_resamples=999, seed=7)
    assert not np.allclose(other.groups["ci_low"], english.groups["ci_low"])
