"""Tests for cxbench.scorecard and the scorecard jobs: figures by hand, anonymity rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxbench.cli import main
from cxbench.errors import ParameterError
from cxbench.instrument import load_instrument
from cxbench.publish import plan_scorecards
from cxbench.scorecard import participant_scorecard

INST = load_instrument()


def _org(rid: str, sector: str, points: list[int]) -> dict:
    """An organisation answering each dimension's four statements with ``points``."""
    row = {"respondent_id": rid, "sector": sector}
    for dim, value in zip(INST.dimensions, points, strict=True):
        row |= dict.fromkeys(dim.item_ids, value)
    return row


@pytest.fixture
def data() -> pd.DataFrame:
    rows = [_org("me", "retail", [2, 4, 3])]
    rows += [_org(f"r{i}", "retail", [p, 3, 4]) for i, p in enumerate([3, 4, 4, 5, 2, 3])]
    rows += [_org(f"b{i}", "bank", [5, 5, 5]) for i in range(4)]
    # bank (4) is under min_n = 5; energy (5), the smallest other sector, is hidden with it
    rows += [_org(f"e{i}", "energy", [4, 4, 4]) for i in range(5)]
    frame = pd.DataFrame(rows)
    frame.loc[0, "master_2"] = 1  # my weakest statement
    return frame


def test_figures_against_a_hand_calculation(data):
    card = participant_scorecard(data, INST, "me")
    assert (card.group, card.reference, card.reference_n) == ("retail", "sector", 7)
    measure = card.dimensions.set_index("dimension").loc["measure"]
    retail = np.array([2, 3, 4, 4, 5, 2, 3]) * 20.0  # sum/max % of a constant answer
    assert measure.score == 40.0
    assert measure.reference_mean == pytest.approx(retail.mean())
    assert measure.percentile_sector == pytest.approx(
        stats.percentileofscore(retail, 40.0, kind="mean")
    )
    everyone = np.concatenate([retail, [100.0] * 4, [80.0] * 5])
    assert measure.percentile_overall == pytest.approx(
        stats.percentileofscore(everyone, 40.0, kind="mean")
    )
    assert measure.gap_top_quartile == pytest.approx(40.0 - np.percentile(retail, 75))
    master = card.dimensions.set_index("dimension").loc["master"]
    assert master.score == pytest.approx((3 + 1 + 3 + 3) / 20 * 100)


def test_priorities_are_the_statements_trailing_the_sector_most(data):
    card = participant_scorecard(data, INST, "me")
    gaps = card.items.set_index("item")["gap"]
    assert card.priorities["item"].tolist() == gaps.nsmallest(3).index.tolist()
    assert card.priorities["item"].iloc[0] == "master_2"
    assert (card.priorities["gap"] < 0).all()


def test_a_small_sector_falls_back_to_the_whole_benchmark(data):
    card = participant_scorecard(data, INST, "b0")  # 3 other banks < min_n 5
    assert card.reference == "benchmark" and card.reference_n == len(data)
    assert card.group is None  # the sector is not named
    assert card.dimensions["percentile_sector"].isna().all()
    assert card.dimensions["reference_mean"].tolist() == card.dimensions["benchmark_mean"].tolist()
    assert participant_scorecard(data, INST, "b0", min_n=3).reference == "sector"


def test_a_sector_hidden_with_a_small_one_is_no_reference(data):
    """Without energy, retail (7) is the only complement of bank (4): the benchmark minus
    retail would be the banks' mean, so retail is hidden too, and no scorecard shows it."""
    two_sectors = data[data["sector"] != "energy"]
    card = participant_scorecard(two_sectors, INST, "me")
    assert card.reference == "benchmark" and card.dimensions["percentile_sector"].isna().all()
    with pytest.raises(ParameterError, match="fewer than min_n=5"):
        participant_scorecard(two_sectors.head(5), INST, "me")  # 4 others: their mean


def test_unknown_or_repeated_ids_are_errors(data):
    with pytest.raises(ParameterError, match="no such respondent_id"):
        participant_scorecard(data, INST, "nobody")
    twice = pd.concat([data, data.iloc[[1]]], ignore_index=True)
    with pytest.raises(ParameterError, match="appears 2 times"):
        participant_scorecard(twice, INST, "r0")


def test_scorecard_jobs_follow_the_participants_language(data, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    data.assign(language=["ru"] + ["tr"] * (len(data) - 1)).to_csv(
        folder / "benchmark_2023.csv", index=False
    )
    jobs = plan_scorecards(data=folder, edition=2023, participants=["me", "r1"], out=tmp_path)
    assert [(j.name, j.language) for j in jobs] == [("me", "ru"), ("r1", "tr")]
    assert jobs[0].html == tmp_path / "2023" / "scorecards" / "ru" / "me.html"
    with pytest.raises(ParameterError, match="ghost"):
        plan_scorecards(data=folder, edition=2023, participants=["ghost"], out=tmp_path)
    code = main(
        [
            "report",
            "--data",
            str(folder),
            "--scorecards",
            "--participants",
            "ghost",
            "--out",
            str(tmp_path / "cli"),
        ]
    )
    assert code == 2 and not (tmp_path / "cli").exists()
