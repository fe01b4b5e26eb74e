"""Reliability: Cronbach's alpha against R's psych, item analysis against numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from cxbench.instrument import Dimension, Instrument, Item, Scale
from cxbench.reliability import cronbach_alpha_by_dimension, item_analysis


def _instrument(columns, lo=1, hi=5, reverse=()):
    items = tuple(Item(c, "d", {"en": c}, c in reverse) for c in columns)
    return Instrument("t", {}, Scale(lo, hi), (Dimension("d", {}, items),))


def test_alpha_with_missing_answers_matches_r_psych():
    """pingouin's reference data set; R: psych::alpha(data, use="pairwise") = 0.733,
    Feldt CI [0.435, 0.909] (pingouin's documentation)."""
    data = pg.read_dataset("cronbach_wide_missing")
    result = cronbach_alpha_by_dimension(data, _instrument(data.columns, 0, 1)).iloc[0]
    assert result["alpha"] == pytest.approx(0.7327, abs=5e-4)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((0.435, 0.909))
    assert result["n"] == 12 and result["items"] == 11


def test_alpha_by_the_textbook_formula_on_complete_data():
    rng = np.random.default_rng(7)
    latent = rng.normal(size=200)
    data = pd.DataFrame(
        {f"q{i}": np.clip(np.round(3 + latent + rng.normal(size=200)), 1, 5) for i in range(4)}
    )
    k = 4
    expected = k / (k - 1) * (1 - data.var(ddof=1).sum() / data.sum(axis=1).var(ddof=1))
    got = cronbach_alpha_by_dimension(data, _instrument(data.columns))["alpha"].iloc[0]
    assert got == pytest.approx(expected)


def test_item_rest_correlation_and_alpha_if_deleted_on_complete_data():
    rng = np.random.default_rng(11)
    latent = rng.normal(size=150)
    data = pd.DataFrame(
        {f"q{i}": np.clip(np.round(3 + latent + rng.normal(size=150)), 1, 5) for i in range(4)}
    )
    data["q3"] = 6 - data["q3"]  # stored reversed, declared reverse-keyed
    inst = _instrument(data.columns, reverse={"q3"})
    table = item_analysis(data, inst).set_index("item")
    recoded = data.assign(q3=6 - data["q3"])
    for item in recoded.columns:
        rest = recoded.drop(columns=item).sum(axis=1)
        assert table.loc[item, "item_rest_r"] == pytest.approx(
            np.corrcoef(recoded[item], rest)[0, 1]
        )
        others = [c for c in recoded.columns if c != item]
        alpha = cronbach_alpha_by_dimension(recoded[others], _instrument(others))["alpha"].iloc[0]
        assert table.loc[item, "alpha_if_deleted"] == pytest.approx(alpha)
    assert (table["item_rest_r"] > 0.3).all()  # reversing made every item agree


def test_single_item_dimension_has_no_alpha():
    data = pd.DataFrame({"q": [1.0, 2.0, 3.0]})
    result = cronbach_alpha_by_dimension(data, _instrument(["q"]))
    assert np.isnan(result["alpha"].iloc[0]) and result["n"].iloc[0] == 3
    assert np.isnan(item_analysis(data, _instrument(["q"]))["item_rest_r"].iloc[0])


def _one_factor(loadings, n=600, seed=5):
    """Answers from one factor: x_i = λ_i f + √(1 − λ_i²) e_i (standardized)."""
    rng = np.random.default_rng(seed)
    loadings = np.asarray(loadings)
    factor = rng.normal(size=(n, 1))
    noise = rng.normal(size=(n, len(loadings))) * np.sqrt(1 - loadings**2)
    return pd.DataFrame(factor * loadings + noise, columns=[f"i{k}" for k in range(len(loadings))])


def test_omega_of_three_items_is_the_hand_calculation_from_the_correlations():
    """Three items make the one-factor model just identified: the ML loadings are
    λ₁ = √(r₁₂ r₁₃ / r₂₃), λ₂ = √(r₁₂ r₂₃ / r₁₃), λ₃ = √(r₁₃ r₂₃ / r₁₂), and
    omega = (Σλ)² / ((Σλ)² + Σ(1 − λ²)), worked out here with numpy."""
    from cxbench.reliability import omega_by_dimension

    data = _one_factor([0.8, 0.6, 0.4])
    r = np.corrcoef(data.to_numpy(), rowvar=False)
    lam = np.sqrt(
        [r[0, 1] * r[0, 2] / r[1, 2], r[0, 1] * r[1, 2] / r[0, 2], r[0, 2] * r[1, 2] / r[0, 1]]
    )
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    result = omega_by_dimension(data, _instrument(data.columns, -10, 10)).iloc[0]
    assert result["omega"] == pytest.approx(expected, abs=1e-5)
    assert result["n"] == 600 and result["items"] == 3


def test_omega_flips_reverse_keyed_items_and_uses_complete_cases():
    from cxbench.reliability import omega_by_dimension

    data = _one_factor([0.7, 0.7, 0.6, 0.5]).clip(-4, 4)
    plain = omega_by_dimension(data, _instrument(data.columns, -4, 4)).iloc[0]["omega"]
    flipped = data.assign(i2=-data["i2"])  # answered the other way round: min + max − x
    keyed = omega_by_dimension(flipped, _instrument(data.columns, -4, 4, reverse=("i2",)))
    assert keyed.iloc[0]["omega"] == pytest.approx(plain, abs=1e-6)  # the same fit
    gappy = data.copy()
    gappy.loc[:49, "i0"] = np.nan
    result = omega_by_dimension(gappy, _instrument(data.columns, -4, 4)).iloc[0]
    assert result["n"] == 550


def test_with_equal_loadings_omega_is_standardized_alpha():
    from cxbench.reliability import omega_by_dimension

    data = _one_factor([0.6] * 5, n=4000, seed=11)
    r = np.corrcoef(data.to_numpy(), rowvar=False)
    mean_r = r[np.triu_indices(5, 1)].mean()
    standardized_alpha = 5 * mean_r / (1 + 4 * mean_r)
    omega = omega_by_dimension(data, _instrument(data.columns, -10, 10)).iloc[0]["omega"]
    assert omega == pytest.approx(standardized_alpha, abs=0.002)


def test_omega_is_not_given_where_a_one_factor_model_cannot_be_fitted():
    from cxbench.reliability import omega_by_dimension

    two = _one_factor([0.7, 0.7])
    assert np.isnan(omega_by_dimension(two, _instrument(two.columns, -10, 10)).iloc[0]["omega"])
    flat = _one_factor([0.7, 0.6, 0.5], n=50).assign(i1=1.0)
    assert np.isnan(omega_by_dimension(flat, _instrument(flat.columns, -10, 10)).iloc[0]["omega"])
