"""Tests for cxbench.metrics, against hand calculations and scipy."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxbench.cli import main
from cxbench.errors import ParameterError
from cxbench.instrument import load_instrument
from cxbench.metrics import ces, csat, metric_correlations, nps
from cxbench.scoring import respondent_scores
from cxbench.synthetic import generate_benchmark

Z = 1.959963984540054


def test_nps_against_a_hand_calculation():
    # 20 answers: 6 promoters (9, 10), 8 passives (7, 8), 6 detractors (0-6); 2 missing
    answers = ["10"] * 4 + ["9"] * 2 + ["8"] * 5 + ["7"] * 3 + ["6", "5", "3", "0", "1", "6"]
    row = nps(pd.DataFrame({"nps": [*answers, "", None]})).iloc[0]
    assert (row.n, row.missing) == (20, 2)
    assert (row.promoters, row.passives, row.detractors) == (30.0, 40.0, 30.0)
    assert row.nps == pytest.approx(0.0)
    # Var(pP - pD) = (0.3 + 0.3 - 0**2) / 20 = 0.03; SE = 100 * sqrt(0.03) = 17.3205
    assert row.ci_high == pytest.approx(Z * 17.320508, rel=1e-6)
    assert row.ci_low == pytest.approx(-Z * 17.320508, rel=1e-6)


def test_nps_extremes_and_groups():
    frame = pd.DataFrame({"nps": [10] * 6 + [0] * 6, "sector": ["a"] * 6 + ["b"] * 6})
    table = nps(frame, by="sector").set_index("group")
    assert table.loc["a", "nps"] == 100 and table.loc["b", "nps"] == -100
    assert table.loc["a", "ci_low"] == 100 and table.loc["b", "ci_high"] == -100  # SE 0


def test_small_groups_are_suppressed_with_a_complementary_one():
    frame = pd.DataFrame(
        {"nps": [9] * 20 + [3] * 3 + [5] * 6, "sector": ["big"] * 20 + ["tiny"] * 3 + ["small"] * 6}
    )
    table = nps(frame, by="sector")
    assert table.group.tolist() == ["big"]  # tiny (3) alone would be worked out: small goes too


def test_csat_wilson_interval_by_hand():
    answers = pd.DataFrame({"csat": [5, 4, 4, 3, 1, 5, 2, 4, 5, 3]})  # 6 of 10 are 4-5
    row = csat(answers, "csat").iloc[0]
    p, n = 0.6, 10
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    assert row.top_box == 60.0
    assert (row.ci_low, row.ci_high) == pytest.approx(
        (100 * (centre - half), 100 * (centre + half))
    )


def test_ces_t_interval_matches_scipy():
    values = np.array([2, 3, 3, 4, 5, 2, 3, 6, 1, 4], dtype=float)
    row = ces(pd.DataFrame({"ces": values}), "ces").iloc[0]
    low, high = stats.t.interval(0.95, len(values) - 1, values.mean(), stats.sem(values))
    assert row["mean"] == pytest.approx(values.mean())
    assert (row.ci_low, row.ci_high) == pytest.approx((low, high))


@pytest.mark.parametrize("bad", ["11", "-1", "7.5", "maybe"])
def test_a_value_off_the_scale_names_row_column_and_value(bad):
    frame = pd.DataFrame({"nps": ["9", bad, "3"]}, index=[2, 3, 4])
    with pytest.raises(ParameterError) as info:
        nps(frame)
    assert "row 3" in str(info.value) and bad in str(info.value) and "nps" in str(info.value)


def test_nps_relates_to_the_dimensions():
    data = generate_benchmark(2023, n=300, seed=13)
    table = metric_correlations(data, load_instrument())
    assert table.dimension.tolist() == ["measure", "manage", "master"]
    assert ((table.ci_low < table.r) & (table.r < table.ci_high)).all()
    row = table.iloc[0]
    scores = respondent_scores(data, load_instrument())
    measure = scores[scores.dimension == "measure"].score.to_numpy()
    both = ~np.isnan(measure)
    rho = stats.spearmanr(data["nps"].astype(float)[both], measure[both]).statistic
    assert row.r == pytest.approx(rho)
    # Fisher z interval by hand
    half = Z / math.sqrt(row.n - 3)
    assert row.ci_low == pytest.approx(math.tanh(math.atanh(row.r) - half))


def test_cli_metrics(tmp_path, capsys):
    path = tmp_path / "survey.csv"
    pd.DataFrame(
        {
            "nps": ["10", "9", "3", "8", "7", "0"],
            "csat": [5, 4, 2, 5, 3, 4],
            "ces": [2, 3, 5, 1, 2, 2],
        }
    ).to_csv(path, index=False)
    assert (
        main(
            [
                "metrics",
                str(path),
                "--nps",
                "nps",
                "--csat",
                "csat",
                "--ces",
                "ces",
                "--format",
                "json",
            ]
        )
        == 0
    )
    records = json.loads(capsys.readouterr().out)
    assert set(records) == {"nps", "csat", "ces"}
    assert records["nps"][0]["nps"] == pytest.approx(100 * (2 / 6 - 2 / 6))
    path.write_text("id,nps\na,9\nb,12\n", encoding="utf-8")
    assert main(["metrics", str(path), "--nps", "nps"]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "12" in err and err.count("\n") == 1
    assert main(["metrics", str(path)]) == 2
