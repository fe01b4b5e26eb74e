"""Factor structure and measurement invariance (cxbench.factors).

References
----------
* The lavaan tutorial (lavaan 0.6-11, lavaan.org, "CFA" and "Multiple groups"), on
  R's HolzingerSwineford1939 data (``tests/fixtures/holzinger/``): the three-factor CFA
  (χ² 85.306 on 24 df, baseline 918.852 on 36, CFI 0.931, TLI 0.896, RMSEA 0.092
  [0.071, 0.114], SRMR 0.065, and every estimate), and the invariance across the two
  schools (configural χ² 115.851 on 48 df, 64.309 Pasteur and 51.542 Grant-White;
  metric 124.04 on 54; scalar 164.10 on 60; lavTestLRT Δχ² 8.192 p 0.2244 and 40.059 p
  4.435e-07; the group estimates of the configural and metric models).
* Hand calculations from those published estimates (standardized loadings, factor
  correlations), and identities of the definitions (SRMR's weighting, the separable
  configural model).
* semopy, the other engine, on the same data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from cxbench import factors
from cxbench.errors import ModelError, ParameterError
from cxbench.factors import CASES_PER_ITEM, INVARIANCE_STEPS, factor_structure, fit_indices
from cxbench.instrument import Dimension, Instrument, Item, Scale, load_instrument
from cxbench.synthetic import generate_benchmark

HS = pd.read_csv(Path(__file__).parent / "fixtures" / "holzinger" / "HolzingerSwineford1939.csv")
HS_MODEL = {
    "visual": ["x1", "x2", "x3"],
    "textual": ["x4", "x5", "x6"],
    "speed": ["x7", "x8", "x9"],
}
INST = load_instrument()


def instrument_of(model: dict[str, list[str]], *, reverse: tuple[str, ...] = ()) -> Instrument:
    dims = tuple(
        Dimension(name, {}, tuple(Item(i, name, {"en": i}, reverse=i in reverse) for i in items))
        for name, items in model.items()
    )
    return Instrument("test", {}, Scale(0, 10), dims)


HS_INST = instrument_of(HS_MODEL)


@pytest.fixture(scope="module")
def hs_single():
    return factor_structure(HS, HS_INST)


@pytest.fixture(scope="module")
def hs_groups():
    return factor_structure(HS, HS_INST, by="school", min_cases=10)


# ------------------------------------------------------------- lavaan, one group


def test_the_cfa_fit_is_the_lavaan_tutorials(hs_single):
    fit = hs_single.fit
    assert hs_single.n == 301 and hs_single.incomplete == 0
    assert round(fit["chisq"], 3) == 85.306 and fit["df"] == 24
    published = {
        "cfi": 0.931,
        "tli": 0.896,
        "rmsea": 0.092,
        "rmsea_ci_low": 0.071,
        "rmsea_ci_high": 0.114,
        "srmr": 0.065,
    }
    assert {k: round(fit[k], 3) for k in published} == published
    assert fit["pvalue"] < 0.001


def test_the_estimates_are_the_lavaan_tutorials(hs_single):
    loadings = hs_single.loadings.set_index("item")["loading"]
    published = [1, 0.554, 0.729, 1, 1.113, 0.926, 1, 1.180, 1.082]
    assert loadings.round(3).tolist() == published


def test_standardized_loadings_and_correlations_by_hand_from_the_published_estimates(hs_single):
    # lavaan's estimates: factor variances, residual variances, factor covariances
    lam = dict(
        zip(HS.columns[2:], [1, 0.554, 0.729, 1, 1.113, 0.926, 1, 1.180, 1.082], strict=True)
    )
    phi = {"visual": 0.809, "textual": 0.979, "speed": 0.384}
    theta = [0.549, 1.134, 0.844, 0.371, 0.446, 0.356, 0.799, 0.488, 0.566]
    factor = {i: f for f, items in HS_MODEL.items() for i in items}
    hand = [
        lam[i] * np.sqrt(phi[factor[i]]) / np.sqrt(lam[i] ** 2 * phi[factor[i]] + t)
        for i, t in zip(lam, theta, strict=True)
    ]
    assert hs_single.loadings["std_loading"].to_numpy() == pytest.approx(hand, abs=1.5e-3)
    r = hs_single.correlations.set_index(["dimension_a", "dimension_b"])["r"]
    assert r["visual", "textual"] == pytest.approx(0.408 / np.sqrt(0.809 * 0.979), abs=1.5e-3)
    assert r["visual", "speed"] == pytest.approx(0.262 / np.sqrt(0.809 * 0.384), abs=1.5e-3)
    assert r["textual", "speed"] == pytest.approx(0.173 / np.sqrt(0.979 * 0.384), abs=1.5e-3)


def test_fit_indices_from_the_published_chi_squares():
    fit = fit_indices(85.306, 24, 301, 918.852, 36)
    assert round(fit["cfi"], 3) == 0.931 and round(fit["tli"], 3) == 0.896
    assert [round(fit[k], 3) for k in ("rmsea", "rmsea_ci_low", "rmsea_ci_high")] == [
        0.092,
        0.071,
        0.114,
    ]


def test_fit_indices_edges():
    # better than its df: CFI 1, RMSEA 0 and the interval's low end 0
    fit = fit_indices(20.0, 24, 301, 918.852, 36)
    assert fit["cfi"] == 1.0 and fit["rmsea"] == 0.0 and fit["rmsea_ci_low"] == 0.0
    assert fit["tli"] > 1  # TLI is not bounded, as lavaan's
    # a just-identified model cannot be tested
    fit = fit_indices(0.0, 0, 100, 50.0, 3)
    assert (fit["cfi"], fit["tli"], fit["rmsea"]) == (1.0, 1.0, 0.0) and np.isnan(fit["pvalue"])
    # two groups: RMSEA × √2 (lavaan, after Steiger 1998)
    one, two = (
        fit_indices(115.851, 48, 301, 900, 72),
        fit_indices(115.851, 48, 301, 900, 72, groups=2),
    )
    assert two["rmsea"] == pytest.approx(one["rmsea"] * np.sqrt(2))
    # a huge chi-square (100,000 respondents) still has an interval
    big = fit_indices(50_000.0, 51, 100_000, 400_000.0, 66)
    assert big["rmsea_ci_low"] < big["rmsea"] < big["rmsea_ci_high"]


# ---------------------------------------------------------- lavaan, two schools


def test_invariance_chi_squares_are_the_lavaan_tutorials(hs_groups):
    table = hs_groups.invariance.set_index("step")
    assert list(table.index) == list(INVARIANCE_STEPS)
    assert round(table.loc["configural", "chisq"], 3) == 115.851
    assert [round(v, 2) for v in table.loc[["metric", "scalar"], "chisq"]] == [124.04, 164.10]
    assert table["df"].tolist() == [48, 54, 60]
    assert round(table.loc["metric", "delta_chisq"], 3) == 8.192
    assert round(table.loc["scalar", "delta_chisq"], 3) == 40.059
    assert table["delta_df"].tolist()[1:] == [6, 6]
    assert round(table.loc["metric", "delta_pvalue"], 4) == 0.2244
    assert f"{table.loc['scalar', 'delta_pvalue']:.3e}" == "4.435e-07"
    assert hs_groups.groups.set_index("group")["n"].to_dict() == {
        "Grant-White": 145,
        "Pasteur": 156,
    }


def test_the_verdicts_follow_chen_2007(hs_groups):
    table = hs_groups.invariance.set_index("step")
    # ΔCFI −0.002 and ΔRMSEA −0.004: metric holds; ΔCFI −0.038: scalar does not
    assert table.loc["metric", "delta_cfi"] == pytest.approx(-0.0025, abs=5e-4)
    assert bool(table.loc["metric", "holds"]) and not bool(table.loc["scalar", "holds"])
    # the configural RMSEA 0.097 is over 0.08: the configural step itself is not acceptable
    assert round(table.loc["configural", "rmsea"], 3) == 0.097
    assert not bool(table.loc["configural", "holds"]) and hs_groups.highest_step() is None


def _groups():
    return [
        factors._Group.of(s, HS.loc[HS.school == s, HS.columns[2:]].to_numpy())
        for s in ("Pasteur", "Grant-White")
    ]


def test_group_estimates_are_the_lavaan_tutorials():
    factor_of = np.repeat([0, 1, 2], 3)
    configural, metric, _ = factors._invariance(_groups(), factor_of)
    free = [1, 2, 4, 5, 7, 8]
    columns = np.repeat([0, 1, 2], 3)[free]
    pasteur, grant = configural.loadings[0][free, columns], configural.loadings[1][free, columns]
    assert pasteur.round(3).tolist() == [0.394, 0.570, 1.183, 0.875, 1.125, 0.922]
    assert grant.round(3).tolist() == [0.736, 0.925, 0.990, 0.963, 1.226, 1.058]
    assert metric.loadings[1][free, columns].round(3).tolist() == [
        0.599,
        0.784,
        1.083,
        0.912,
        1.201,
        1.038,
    ]
    assert np.array_equal(metric.loadings[0], metric.loadings[1])
    # the metric model's Grant-White factor (co)variances and residual variances
    assert np.diag(metric.phi[1]).round(3).tolist() == [0.722, 0.906, 0.475]
    assert metric.theta[1].round(3).tolist() == [
        0.645,
        0.933,
        0.605,
        0.329,
        0.384,
        0.437,
        0.599,
        0.406,
        0.532,
    ]


def test_the_configural_chi_square_per_school_is_the_lavaan_tutorials():
    chisq = [
        factor_structure(HS[HS.school == school], HS_INST, min_cases=10).fit["chisq"]
        for school in ("Pasteur", "Grant-White")
    ]
    assert [round(c, 3) for c in chisq] == [64.309, 51.542]


def test_the_configural_srmr_is_the_groups_srmr_weighted_by_size(hs_groups):
    # lavaan's multi-group SRMR: Σ n_g/N × SRMR_g, each over p(p+1)/2 + p residuals,
    # the p mean residuals being zero when the intercepts are free
    p = 9
    pstar = p * (p + 1) / 2
    single = {
        school: factor_structure(HS[HS.school == school], HS_INST, min_cases=10).fit["srmr"]
        for school in ("Pasteur", "Grant-White")
    }
    weighted = sum(
        (HS.school == school).sum() / len(HS) * value * np.sqrt(pstar / (pstar + p))
        for school, value in single.items()
    )
    table = hs_groups.invariance.set_index("step")
    assert table.loc["configural", "srmr"] == pytest.approx(weighted, abs=1e-6)


# --------------------------------------------------------------- the engine itself


@pytest.mark.parametrize("step", INVARIANCE_STEPS)
def test_the_analytic_gradient_matches_finite_differences(step):
    model = factors._MultiGroupCFA(_groups(), np.repeat([0, 1, 2], 3), step)
    x = model.start() + np.random.default_rng(3).normal(0, 0.05, model.size)

    def value(v):
        return model.objective(v)[0]

    def grad(v):
        return model.objective(v)[1]

    numeric = optimize.approx_fprime(x, value, 1e-7)
    assert grad(x) == pytest.approx(numeric, abs=2e-5)


def test_both_engines_agree_on_the_bundled_instrument():
    data = generate_benchmark(2023, n=600, seed=8)
    values, _, _ = factors._complete_cases(data, INST)
    ours = factors._MultiGroupCFA(
        [factors._Group.of("all", values)], factors._check_model(INST), "configural"
    ).fit()
    theirs = factor_structure(data, INST)
    assert ours.converged and ours.df == theirs.fit["df"] == 51
    assert ours.chisq == pytest.approx(theirs.fit["chisq"], abs=1e-3)


def test_a_reverse_keyed_item_is_flipped_before_the_fit():
    data = generate_benchmark(2023, n=400, seed=4)
    plain = factor_structure(data, INST)
    flipped = data.copy()
    flipped["manage_3"] = 6 - flipped["manage_3"]
    model = {d.id: d.item_ids for d in INST.dimensions}
    inst = instrument_of(model, reverse=("manage_3",))
    inst = Instrument("test", {}, Scale(1, 5), inst.dimensions)
    again = factor_structure(flipped, inst)
    assert again.fit["chisq"] == pytest.approx(plain.fit["chisq"], abs=1e-6)
    assert again.loadings["std_loading"].min() > 0


# --------------------------------------------------- invariance found where it is broken


@pytest.fixture(scope="module")
def versions():
    """1,500 organisations answering three language versions that measure alike."""
    return generate_benchmark(2023, n=1500, seed=11)


def test_versions_that_measure_alike_reach_scalar_invariance(versions):
    result = factor_structure(versions, INST, by="language")
    assert result.highest_step() == "scalar"
    assert result.invariance["holds"].all()


def test_an_item_read_differently_in_one_version_breaks_scalar_invariance(versions):
    # in the Turkish version two statements read easier / harder: their intercepts move
    data = versions.copy()
    tr = data["language"] == "tr"
    data.loc[tr, "manage_2"] = (data.loc[tr, "manage_2"] + 1).clip(upper=5)
    data.loc[tr, "master_3"] = (data.loc[tr, "master_3"] - 1).clip(lower=1)
    result = factor_structure(data, INST, by="language")
    assert result.highest_step() == "metric"
    scalar = result.invariance.set_index("step").loc["scalar"]
    assert scalar["delta_cfi"] < -0.01 and scalar["delta_pvalue"] < 1e-6


def test_items_that_measure_nothing_in_one_version_break_metric_invariance(versions):
    data = versions.copy()
    ru = data["language"] == "ru"
    rng = np.random.default_rng(1)
    for item in ("measure_3", "manage_4"):
        data.loc[ru, item] = pd.array(rng.integers(1, 6, ru.sum()), dtype="Int64")
    result = factor_structure(data, INST, by="language")
    assert result.highest_step() == "configural"


# ----------------------------------------------------------------------- anonymity


def test_groups_under_min_n_are_neither_fitted_nor_named():
    data = generate_benchmark(2023, n=600, seed=2)
    _values, complete, _ = factors._complete_cases(data, INST)
    data = data.copy()
    ids = data.index[complete]  # 535 complete cases
    data["unit"] = "big-a"
    data.loc[ids[150:300], "unit"] = "big-b"
    data.loc[ids[300:], "unit"] = "big-c"
    data.loc[ids[:4], "unit"] = "tiny"  # 4 complete cases: under min_n = 5
    result = factor_structure(data, INST, by="unit", min_n=5, min_cases=60)
    # hiding "tiny" alone is not enough (the total is public): the smallest other group,
    # big-a with 146 complete cases, goes too
    assert set(result.groups["group"]) == {"big-b", "big-c"}
    assert result.suppressed == {"groups": 2, "n": 150, "missing": 0}
    record = json.dumps(result.to_records())
    assert "tiny" not in record and "big-a" not in record
    assert len(result.invariance) == 3
    data.loc[ids[4:6], "unit"] = "small"  # 2 more: tiny + small = 6 ≥ 5, hidden together
    result = factor_structure(data, INST, by="unit", min_n=5, min_cases=60)
    record = json.dumps(result.to_records())
    assert "tiny" not in record and "small" not in record
    assert set(result.groups["group"]) == {"big-a", "big-b", "big-c"}
    assert result.suppressed == {"groups": 2, "n": 6, "missing": 0}


def test_a_shown_group_too_small_to_fit_is_named_with_its_size():
    data = generate_benchmark(2023, n=400, seed=2)
    result = factor_structure(data, INST, by="sector")
    assert result.invariance is None
    assert any(f"fewer than {CASES_PER_ITEM * 12} complete cases" in note for note in result.notes)
    assert any("is not tested" in note for note in result.notes)


# -------------------------------------------------------------------------- errors


def test_a_dimension_of_one_item_cannot_be_modelled():
    inst = instrument_of({"a": ["x1", "x2", "x3"], "b": ["x4"]})
    with pytest.raises(ModelError, match="dimension 'b' has 1 item"):
        factor_structure(HS, inst)
    with pytest.raises(ModelError, match="not identified"):
        factor_structure(HS, instrument_of({"a": ["x1", "x2"]}))


def test_too_few_complete_cases_is_a_clear_message():
    data = HS.head(9).copy()
    with pytest.raises(ModelError, match="9 complete cases for 9 items"):
        factor_structure(data, HS_INST)
    with pytest.raises(ModelError, match="fewer than min_n=20"):
        factor_structure(HS.head(12), HS_INST, min_n=20)


def test_an_item_without_variance_is_named():
    data = HS.copy()
    data["x5"] = 4.0
    with pytest.raises(ModelError, match="item 'x5' has the same answer"):
        factor_structure(data, HS_INST)


def test_two_items_always_alike_make_a_singular_matrix():
    data = HS.copy()
    data["x6"] = data["x5"]
    with pytest.raises(ModelError, match="singular"):
        factor_structure(data, HS_INST)


def test_a_fit_that_does_not_converge_is_a_clear_message(monkeypatch):
    import semopy

    real = semopy.Model.fit

    def failing(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        result.success = False
        return result

    monkeypatch.setattr(semopy.Model, "fit", failing)
    with pytest.raises(ModelError, match="did not converge"):
        factor_structure(HS, HS_INST)


def test_few_complete_cases_are_fitted_with_a_warning_note():
    result = factor_structure(HS.head(30), HS_INST)
    assert any("fit indices are unreliable" in note for note in result.notes)


def test_parameters_are_checked():
    with pytest.raises(ParameterError, match="rule"):
        factor_structure(HS, HS_INST, rule="hu1999")
    with pytest.raises(ParameterError, match="by='region'"):
        factor_structure(HS, HS_INST, by="region")
    with pytest.raises(ParameterError, match="min_cases"):
        factor_structure(HS, HS_INST, by="school", min_cases=0)


def test_the_records_are_json(hs_groups):
    record = json.loads(json.dumps(hs_groups.to_records()))
    assert set(record["fit"]) == set(factors.FIT_INDICES)
    assert [row["step"] for row in record["invariance"]] == list(INVARIANCE_STEPS)
    assert record["rule"]["name"] == "chen2007" and record["engine"].startswith("semopy")
    assert record["invariance"][0]["delta_chisq"] is None


def test_a_start_that_is_not_positive_definite_is_shrunk_not_a_traceback():
    bad = np.array([[[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]])  # no such correlations
    low = factors._cholesky(bad)
    rebuilt = low @ low.transpose(0, 2, 1)
    assert np.diag(rebuilt[0]) == pytest.approx([1, 1, 1])
    assert np.linalg.eigvalsh(rebuilt[0]).min() > 0
    assert rebuilt[0, 0, 1] == pytest.approx(0.45)  # halved once
    good = np.array([[[2.0, 0.5], [0.5, 1.0]]])
    assert factors._cholesky(good) == pytest.approx(np.linalg.cholesky(good))


def test_an_instrument_too_large_to_model_is_refused_at_once():
    model = {f"d{k}": [f"i{k}_{j}" for j in range(21)] for k in range(10)}  # 210 items
    inst = instrument_of(model)
    data = pd.DataFrame(np.ones((5, 210)), columns=[i for items in model.values() for i in items])
    with pytest.raises(ModelError, match="210 items, more than the 200") as info:
        factor_structure(data, inst)
    assert info.value.code == "too_many_items"


def test_the_rules_the_command_line_offers_are_the_rules_there_are():
    from cxbench._checks import INVARIANCE_RULE_NAMES

    assert tuple(factors.INVARIANCE_RULES) == INVARIANCE_RULE_NAMES
