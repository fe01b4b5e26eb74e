"""Tests for cxbench.comparison, each against an independent reference.

References: scipy (f_oneway with equal_var=False for Welch's ANOVA, kruskal,
ttest_ind with equal_var=False and its confidence interval, t for the t interval),
pingouin called directly (Games–Howell, multicomp), numpy and hand calculation.
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

from cxbench.cli import main
from cxbench.comparison import (
    _correct_families,
    bootstrap_ci,
    compare_groups,
    edition_difference,
    games_howell,
    group_statistics,
    group_vs_rest,
    omnibus_tests,
    suppress_small_groups,
)
from cxbench.errors import ParameterError
from cxbench.instrument import load_instrument
from cxbench.scoring import respondent_scores
from cxbench.synthetic import generate_benchmark

INST = load_instrument()
TINY = "Tiny"
SCRIPT = "<script>alert(1)</script>"
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


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    """Synthetic answers with a 3-respondent sector, a markup-named one, 4 without sector."""
    frame = generate_benchmark(2023, n=260, seed=21).reset_index(drop=True)
    frame["sector"] = frame["sector"].astype(object)
    frame.loc[0:2, "sector"] = TINY
    frame.loc[3:44, "sector"] = SCRIPT
    frame.loc[15, "sector"] = np.nan
    frame.loc[16, "sector"] = ""
    frame.loc[17, "sector"] = "  "
    frame.loc[18, "sector"] = None
    return frame


@pytest.fixture(scope="module")
def result(data):
    return compare_groups(data, INST, "sector", n_resamples=999)


def _scores(data: pd.DataFrame, dimension: str) -> pd.DataFrame:
    scores = respondent_scores(data, INST, by="sector")
    scores = scores[(scores.dimension == dimension) & scores.score.notna()]
    return scores[scores.sector.notna() & (scores.sector.astype(str).str.strip() != "")]


# ------------------------------------------------------------------ bootstrap


def test_bootstrap_is_seeded():
    x = np.random.default_rng(1).normal(70, 12, 40)
    assert bootstrap_ci(x, rng=5) == bootstrap_ci(x, rng=5)
    assert bootstrap_ci(x, rng=5) != bootstrap_ci(x, rng=6)


def test_bootstrap_approaches_the_t_interval_for_a_large_sample():
    x = np.random.default_rng(2).normal(70, 12, 2000)
    low, high = bootstrap_ci(x, rng=3)
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    assert low == pytest.approx(x.mean() - half, abs=0.08)
    assert high == pytest.approx(x.mean() + half, abs=0.08)
    assert low < x.mean() < high


def test_bootstrap_edge_cases():
    assert all(np.isnan(bootstrap_ci([70.0])))
    assert bootstrap_ci([65.0, 65.0, 65.0, np.nan]) == (65.0, 65.0)
    for bad in (0, 1, 1.5, True):
        with pytest.raises(ParameterError):
            bootstrap_ci([1.0, 2.0, 3.0], confidence=bad)


# ------------------------------------------------------------- group figures


def test_group_statistics_match_numpy(data):
    scores = _scores(data, "manage").rename(columns={"sector": "group"})
    table = group_statistics(scores, n_resamples=999)
    for row in table.itertuples():
        x = scores.loc[scores.group == row.group, "score"].to_numpy()
        assert row.n == len(x)
        assert row.mean == pytest.approx(x.mean())
        if len(x) > 1:
            assert row.sd == pytest.approx(x.std(ddof=1))


def test_a_groups_interval_does_not_depend_on_the_other_groups(data):
    scores = _scores(data, "measure").rename(columns={"sector": "group"})
    full = group_statistics(scores, n_resamples=999).set_index("group")
    alone = group_statistics(scores[scores.group == "Finance"], n_resamples=999)
    assert (
        alone.loc[0, ["ci_low", "ci_high"]].tolist()
        == full.loc["Finance", ["ci_low", "ci_high"]].tolist()
    )


def test_a_higher_confidence_gives_wider_intervals(data):
    scores = _scores(data, "master").rename(columns={"sector": "group"})
    narrow = group_statistics(scores, confidence=0.90, n_resamples=999)
    wide = group_statistics(scores, confidence=0.99, n_resamples=999)
    big = narrow.n >= 5
    assert ((wide.ci_high - wide.ci_low)[big] > (narrow.ci_high - narrow.ci_low)[big]).all()


def test_suppress_small_groups_by_hand():
    table = pd.DataFrame(
        {"dimension": ["m"] * 3 + ["x"] * 2, "group": list("abcab"), "n": [9, 4, 1, 9, 9]}
    )
    shown, suppressed = suppress_small_groups(table, 5)
    assert shown[["dimension", "group"]].values.tolist() == [["m", "a"], ["x", "a"], ["x", "b"]]
    assert suppressed.to_dict("records") == [
        {"dimension": "m", "groups": 2, "n": 5},
        {"dimension": "x", "groups": 0, "n": 0},
    ]
    for bad in (0, 2.5, True, "5"):
        with pytest.raises(ParameterError):
            suppress_small_groups(table, bad)


# ------------------------------------------------------------ the comparison


def test_a_small_group_is_named_nowhere(data, result, capsys, tmp_path):
    frames = (result.groups, result.omnibus, result.posthoc, result.suppressed)
    assert not any(
        frame.astype(str).apply(lambda c: c.str.contains(TINY)).any().any() for frame in frames
    )
    assert TINY not in json.dumps(result.to_records())
    with pytest.raises(ParameterError) as info:
        result.subset([TINY])
    assert TINY not in str(info.value).split(":", 1)[1]  # beyond echoing the request
    path = tmp_path / "survey.csv"
    data.to_csv(path, index=False)
    for fmt in ("table", "json"):
        assert main(["compare", str(path), "--by", "sector", "--format", fmt]) == 0
        assert TINY not in capsys.readouterr().out


def test_suppressed_and_missing_groups_are_counted_and_reconcile(data, result):
    for record in result.to_records():
        # Tiny (3) alone could be worked out from the total: the smallest other sector
        # is suppressed with it (complementary suppression)
        sizes = _scores(data, record["dimension"]).sector.value_counts()
        smallest = sizes.drop(TINY).sort_values(kind="stable")
        smallest = smallest[smallest == smallest.min()].sort_index()
        assert record["suppressed"] == {"groups": 2, "n": 3 + int(smallest.iloc[0])}
        assert smallest.index[0] not in {g["group"] for g in record["groups"]}
        assert record["excluded_missing_group"] == 4
        overall = result.overall.set_index("dimension").loc[record["dimension"], "n"]
        shown = sum(g["n"] for g in record["groups"])
        assert overall == shown + record["suppressed"]["n"] + record["excluded_missing_group"]


def test_complementary_suppression_by_hand():
    table = pd.DataFrame({"dimension": "m", "group": list("abcd"), "n": [20, 2, 6, 7]})
    shown, suppressed = suppress_small_groups(table, 5)
    assert shown.group.tolist() == ["a", "d"]  # c (6) joins b (2): 8 hidden together
    assert suppressed.to_dict("records") == [{"dimension": "m", "groups": 2, "n": 8}]
    shown, _ = suppress_small_groups(table, 5, complementary=False)
    assert shown.group.tolist() == ["a", "c", "d"]


def test_a_group_named_like_markup_is_kept_as_data(result):
    assert SCRIPT in set(result.groups.group)


def test_records_follow_the_schema_and_are_strict_json(result):
    records = result.to_records()
    assert [r["dimension"] for r in records] == INST.dimension_ids
    json.dumps(records, allow_nan=False)
    for record in records:
        assert set(record) == RECORD_KEYS
        assert set(record["welch"]) == {"F", "df1", "df2", "p"}
        assert set(record["kruskal"]) == {"H", "df", "p", "epsilon2"}
        assert record["effect_size"]["name"] == "omega2"
        assert {tuple(sorted(g)) for g in record["groups"]} == {
            ("ci_high", "ci_low", "group", "mean", "n", "sd")
        }
        k = len(record["groups"])
        assert len(record["posthoc"]) == k * (k - 1) // 2
        assert {tuple(sorted(p)) for p in record["posthoc"]} == {("a", "b", "diff", "p_adj")}


def test_the_omnibus_tests_cover_the_shown_groups_only(result):
    shown = result.groups.groupby("dimension").size()
    tested = result.omnibus.set_index("dimension")["groups"]
    assert tested.to_dict() == shown.to_dict()


def test_the_comparison_is_deterministic(data, result):
    again = compare_groups(data, INST, "sector", n_resamples=999)
    assert again.to_records() == result.to_records()


def test_statement_level(data):
    items = compare_groups(data, INST, "sector", level="item", n_resamples=199)
    records = items.to_records()
    assert [r["item"] for r in records] == INST.item_ids
    assert all(TINY not in json.dumps(r) for r in records)


def test_bad_parameters(data):
    for kwargs in ({"min_n": 0}, {"confidence": 1.2}, {"correction": "magic"}, {"level": "sector"}):
        with pytest.raises(ParameterError):
            compare_groups(data, INST, "sector", **kwargs)
    with pytest.raises(ParameterError, match="no such column"):
        compare_groups(data, INST, "region")


def test_subset_keeps_the_pairs_of_the_chosen_groups(result):
    part = result.subset(["Finance"])
    assert set(part.groups.group) == {"Finance"}
    assert ((part.posthoc.a == "Finance") | (part.posthoc.b == "Finance")).all()
    assert len(part.posthoc) == len(
        result.posthoc[(result.posthoc.a == "Finance") | (result.posthoc.b == "Finance")]
    )
    pd.testing.assert_frame_equal(part.omnibus, result.omnibus)
    with pytest.raises(ParameterError):
        result.subset(["Atlantis"])


# --------------------------------------------------------------- omnibus tests


def test_welch_and_kruskal_match_scipy(data):
    scores = _scores(data, "measure")
    scores = scores[scores.sector != TINY].rename(columns={"sector": "group"})
    row = omnibus_tests(scores).iloc[0]
    samples = [g.score.to_numpy() for _, g in scores.groupby("group")]
    welch = stats.f_oneway(*samples, equal_var=False)
    kruskal = stats.kruskal(*samples)
    n, k = len(scores), len(samples)
    assert row.welch_F == pytest.approx(welch.statistic)
    assert row.welch_p == pytest.approx(welch.pvalue)
    assert row.welch_df1 == k - 1
    assert row.kruskal_H == pytest.approx(kruskal.statistic)
    assert row.kruskal_p == pytest.approx(kruskal.pvalue)
    assert row.omega2 == pytest.approx(
        max(0, (k - 1) * (row.welch_F - 1) / ((k - 1) * (row.welch_F - 1) + n))
    )
    assert row.epsilon2 == pytest.approx(kruskal.statistic / (n - 1))


def test_omnibus_tests_that_cannot_be_computed_are_missing():
    one = pd.DataFrame({"dimension": "m", "group": "a", "score": [60.0, 70.0, 80.0]})
    assert omnibus_tests(one)[["welch_F", "kruskal_H"]].isna().all(axis=None)
    flat = pd.DataFrame(
        {"dimension": "m", "group": list("aaabbb"), "score": [70.0] * 3 + [60.0, 65.0, 90.0]}
    )
    row = omnibus_tests(flat).iloc[0]
    assert np.isnan(row.welch_F) and not np.isnan(row.kruskal_H)


# --------------------------------------------------------------------- post hoc


def test_games_howell_p_values_are_pingouins(data):
    scores = _scores(data, "master")
    scores = scores[scores.sector != TINY].rename(columns={"sector": "group"})
    ours = games_howell(scores, correction="none")
    theirs = pg.pairwise_gameshowell(data=scores, dv="score", between="group")
    theirs = {frozenset((a, b)): p for a, b, p in zip(theirs.A, theirs.B, theirs.pval, strict=True)}
    for row in ours.itertuples():
        assert row.p_gh == pytest.approx(theirs[frozenset((row.a, row.b))])
        assert row.p_adj == row.p_gh


def test_pairs_keep_the_callers_group_order():
    frame = pd.DataFrame(
        {
            "dimension": "m",
            "group": ["z"] * 4 + ["a"] * 4,
            "score": [60.0, 62.0, 64.0, 66.0, 70.0, 71.0, 73.0, 75.0],
        }
    )
    pair = games_howell(frame).iloc[0]
    assert (pair.a, pair.b) == ("z", "a")
    assert pair["diff"] == pytest.approx(63.0 - 72.25)


def test_holm_step_down_over_dimension_families_by_hand():
    pairs = pd.DataFrame(
        {
            "dimension": ["x", "x", "y", "y", "z", "z"],
            "p_gh": [0.010, 0.300, 0.020, 0.015, 0.400, 0.040],
        }
    )
    # families ranked by their smallest p: x (0.010, ×3), y (0.015, ×2), z (0.040, ×1)
    holm = _correct_families(pairs, ["dimension"], "holm")
    assert holm == pytest.approx([0.030, 0.900, 0.040, 0.030, 0.400, 0.040])
    bonf = _correct_families(pairs, ["dimension"], "bonf")
    assert bonf == pytest.approx([0.030, 0.900, 0.060, 0.045, 1.000, 0.120])
    assert _correct_families(pairs, ["dimension"], "none") == pytest.approx(pairs.p_gh)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5), min_size=1, max_size=6))
def test_holm_lies_between_no_correction_and_bonferroni(families):
    pairs = pd.DataFrame(
        {
            "dimension": [f"d{i}" for i, f in enumerate(families) for _ in f],
            "p_gh": [p for f in families for p in f],
        }
    )
    holm = _correct_families(pairs, ["dimension"], "holm")
    bonf = _correct_families(pairs, ["dimension"], "bonf")
    assert (pairs.p_gh.to_numpy() <= holm + 1e-12).all()
    assert (holm <= bonf + 1e-12).all() and (bonf <= 1).all()


# ---------------------------------------------------------- two-sample tests


def test_group_vs_rest_matches_scipy(data):
    table = group_vs_rest(data, INST, "sector", "Finance")
    for row in table.itertuples():
        scores = _scores(data, row.dimension)
        a = scores.loc[scores.sector == "Finance", "score"]
        b = scores.loc[scores.sector != "Finance", "score"]
        ref = stats.ttest_ind(a, b, equal_var=False)
        ci = ref.confidence_interval(0.95)
        assert (row.n, row.n_rest) == (len(a), len(b))
        assert row.diff == pytest.approx(a.mean() - b.mean())
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high))
        assert row.t == pytest.approx(ref.statistic)
        assert row.p == pytest.approx(ref.pvalue)
    assert table.p_adj.tolist() == pytest.approx(pg.multicomp(table.p.to_numpy(), method="holm")[1])


def test_group_vs_rest_refuses_a_small_or_unknown_group(data):
    for name in (TINY, "Atlantis"):
        with pytest.raises(ParameterError) as info:
            group_vs_rest(data, INST, "sector", name)
        assert TINY not in str(info.value).split(":", 1)[1].split("(values")[1]


def test_edition_difference_matches_scipy_and_suppresses(data):
    before = generate_benchmark(2022, n=220, seed=8)
    shown, suppressed = edition_difference(data, before, INST, by="sector")
    assert TINY not in set(shown.group)
    assert (suppressed.groups >= 2).all()  # Tiny (3 in 2023) and a complementary one
    assert (suppressed.n >= 5).all()
    row = shown[(shown.dimension == "manage") & (shown.group == "Finance")].iloc[0]
    now, then = _scores(data, "manage"), _scores(before, "manage")
    a = now.loc[now.sector == "Finance", "score"]
    b = then.loc[then.sector == "Finance", "score"]
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert row["diff"] == pytest.approx(a.mean() - b.mean())
    assert row.p == pytest.approx(ref.pvalue)
    assert (row.n_current, row.n_previous) == (len(a), len(b))
    overall, _ = edition_difference(data, before, INST)
    assert overall.group.unique().tolist() == ["all"]
    assert overall.p_adj.tolist() == pytest.approx(
        pg.multicomp(overall.p.to_numpy(), method="holm")[1]
    )


# ------------------------------------------------------------------------ CLI


def test_cli_compare(data, tmp_path, capsys):
    path = tmp_path / "survey.csv"
    data.to_csv(path, index=False)
    assert main(["compare", str(path), "--by", "sector"]) == 0
    out = capsys.readouterr().out
    assert all(f"\n{dim}\n" in out for dim in INST.dimension_ids)
    assert "suppressed (under 5, or hidden with one): 2 groups, " in out
    assert (
        main(["compare", str(path), "--by", "sector", "--format", "json", "--level", "item"]) == 0
    )
    assert len(json.loads(capsys.readouterr().out)) == 12
    assert (
        main(["compare", str(path), "--by", "sector", "--format", "json", "--min-n", "1000"]) == 0
    )
    records = json.loads(capsys.readouterr().out)
    assert all(r["groups"] == [] and r["posthoc"] == [] for r in records)
    assert main(["compare", str(path), "--by", "region"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cxbench: error: ") and err.count("\n") == 1
    assert main(["compare", str(path), "--by", "sector", "--confidence", "1.5"]) == 2


def test_subset_refuses_a_group_hidden_on_one_dimension_only():
    frame = generate_benchmark(2023, n=120, seed=4).reset_index(drop=True)
    frame["sector"] = frame["sector"].astype(object)
    frame.loc[0:5, "sector"] = "Six"
    frame.loc[0:1, ["master_1", "master_2"]] = np.nan  # two of six lose their Master score
    result = compare_groups(frame, INST, "sector", min_n=5, n_resamples=199)
    assert "Six" in set(result.groups.group)  # shown on Measure and Manage
    assert "Six" not in set(result.groups[result.groups.dimension == "master"].group)
    with pytest.raises(ParameterError):
        result.subset(["Six"])
