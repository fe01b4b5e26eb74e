"""Tests for cxbench.trends, against scipy and pingouin."""

from __future__ import annotations

import json

import pingouin as pg
import pytest
from scipy import stats

from cxbench.cli import main
from cxbench.errors import ParameterError
from cxbench.instrument import load_instrument
from cxbench.scoring import respondent_scores
from cxbench.synthetic import generate_benchmark
from cxbench.trends import edition_trend, paired_change

INST = load_instrument()


@pytest.fixture(scope="module")
def editions():
    return {
        2022: generate_benchmark(2022, n=200, seed=3),
        2023: generate_benchmark(2023, n=220, seed=3),
    }


def _scores(data, dimension, sector=None):
    scores = respondent_scores(data, INST, by="sector")
    scores = scores[(scores.dimension == dimension) & scores.score.notna()]
    return scores if sector is None else scores[scores.sector == sector]


def test_each_change_is_welchs_test_between_the_editions(editions):
    trend = edition_trend(editions, INST, n_resamples=199)
    first = trend[trend.edition == 2022]
    assert first["change"].isna().all()
    row = trend[(trend.edition == 2023) & (trend.dimension == "manage")].iloc[0]
    a = _scores(editions[2023], "manage").score
    b = _scores(editions[2022], "manage").score
    ref = stats.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval()
    assert row["mean"] == pytest.approx(a.mean()) and row.n == len(a)
    assert row.change == pytest.approx(a.mean() - b.mean())
    assert (row.change_ci_low, row.change_ci_high) == pytest.approx((ci.low, ci.high))
    assert row.p == pytest.approx(ref.pvalue)
    changes = trend.dropna(subset=["p"])
    assert changes.p_adj.tolist() == pytest.approx(
        pg.multicomp(changes.p.to_numpy(), method="holm")[1]
    )


def test_per_sector_and_per_statement(editions):
    by_sector = edition_trend(editions, INST, by="sector", n_resamples=99)
    row = by_sector[
        (by_sector.edition == 2023)
        & (by_sector.group == "Finance")
        & (by_sector.dimension == "master")
    ].iloc[0]
    a = _scores(editions[2023], "master", "Finance").score
    b = _scores(editions[2022], "master", "Finance").score
    assert row.change == pytest.approx(a.mean() - b.mean())
    items = edition_trend(editions, INST, level="item", n_resamples=99)
    assert len(items) == 2 * len(INST.item_ids)
    assert items[items.edition == 2023]["change"].notna().all()


def test_a_sector_small_in_one_edition_shows_no_change(editions):
    small = {year: frame.copy() for year, frame in editions.items()}
    small[2022].loc[small[2022].index[:3], "sector"] = "Rare"
    small[2023].loc[small[2023].index[:30], "sector"] = "Rare"
    trend = edition_trend(small, INST, by="sector", n_resamples=99)
    assert "Rare" not in set(trend[trend.edition == 2022].group)
    rare = trend[trend.group == "Rare"]
    assert (rare.edition == 2023).all() and rare["change"].isna().all()


def test_paired_change_is_the_paired_t_test(editions):
    table = paired_change(editions[2023], editions[2022], INST)
    now = respondent_scores(editions[2023], INST)
    before = respondent_scores(editions[2022], INST)
    merged = now.merge(before, on=["respondent_id", "dimension"], suffixes=("_now", "_then"))
    pairs = merged[merged.dimension == "measure"].dropna(subset=["score_now", "score_then"])
    ref = stats.ttest_rel(pairs.score_now, pairs.score_then)
    row = table.iloc[0]
    assert row.n_pairs == len(pairs) > 50
    assert row["diff"] == pytest.approx((pairs.score_now - pairs.score_then).mean())
    assert row.p == pytest.approx(ref.pvalue)
    assert (row.ci_low, row.ci_high) == pytest.approx(tuple(ref.confidence_interval()), rel=1e-9)
    d = pairs.score_now - pairs.score_then
    assert row.dz == pytest.approx(d.mean() / d.std(ddof=1))


def test_paired_change_needs_returning_organisations(editions):
    renamed = editions[2022].assign(respondent_id=lambda f: "X-" + f["respondent_id"])
    with pytest.raises(ParameterError, match="answered both"):
        paired_change(editions[2023], renamed, INST)


def test_cli_trend(editions, tmp_path, capsys):
    for year, frame in editions.items():
        frame.to_csv(tmp_path / f"benchmark_{year}.csv", index=False)
    assert main(["trend", "--data", str(tmp_path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["trend"]) == 6 and result["paired"]["current"] == 2023
    assert main(["trend", "--data", str(tmp_path), "--by", "sector"]) == 0
    assert "paired t-test" in capsys.readouterr().out
    (tmp_path / "benchmark_2022.csv").unlink()
    assert main(["trend", "--data", str(tmp_path)]) == 2  # one edition: an error, one line
    assert capsys.readouterr().err.startswith("cxbench: error: ")
