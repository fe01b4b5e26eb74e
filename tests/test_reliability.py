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
