"""Maturity stages (cxbench.maturity): the rule worked by hand on respondents built for
it, the declaration's checks, and the anonymity of the distribution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxbench.errors import InstrumentError, ParameterError
from cxbench.instrument import load_instrument
from cxbench.maturity import maturity_stages, stage_distribution

INST = load_instrument()
#: The bundled instrument's YAML, to declare other stages on it.
TEXT = (
    Path(__file__).resolve().parents[1] / "cxbench" / "instruments" / "digital-cx-2023.yaml"
).read_text(encoding="utf-8")
HEAD = TEXT[: TEXT.index("\nstages:")] + "\n"


def respondent(rid: str, measure: int, manage: int, master: int, **extra) -> dict:
    """Every item of a dimension answered with the same point: its score is point/5."""
    points = {"measure": measure, "manage": manage, "master": master}
    return {i.id: points[i.dimension] for i in INST.items} | {"respondent_id": rid} | extra


@pytest.mark.parametrize(
    ("points", "stage", "next_stage", "needs", "gap"),
    [
        # scores 40/40/40 %: overall 40 < 50
        ((2, 2, 2), "exploring", "emerging", "overall", 10.0),
        # 60/40/60: overall 53.3 ≥ 50, < 60
        ((3, 2, 3), "emerging", "established", "overall", 6.666667),
        # 80/80/40: overall 66.7 ≥ 60; advanced needs 70 overall and master ≥ 60
        ((4, 4, 2), "established", "advanced", "master", 20.0),
        # 80/80/60: overall 73.3, every dimension ≥ 60; leading needs master 75
        ((4, 4, 3), "advanced", "leading", "master", 15.0),
        # 100/80/80: overall 86.7, every dimension ≥ 75: the last stage
        ((5, 4, 4), "leading", None, None, np.nan),
    ],
)
def test_the_stage_and_the_way_to_the_next_worked_by_hand(points, stage, next_stage, needs, gap):
    out = maturity_stages(pd.DataFrame([respondent("r", *points)]), INST).iloc[0]
    assert out["stage"] == stage and out["next_stage"] == next_stage and out["needs"] == needs
    assert (np.isnan(gap) and np.isnan(out["points"])) or out["points"] == pytest.approx(gap)
    assert out["overall"] == pytest.approx(np.mean(points) * 20)


def test_a_stage_counts_only_when_every_stage_below_it_is_met(tmp_path):
    path = tmp_path / "inst.yaml"
    path.write_text(
        HEAD
        + "stages:\n  - {id: one, name: {en: One}}\n"
        + "  - {id: two, name: {en: Two}, min: {measure: 90}}\n"
        + "  - {id: three, name: {en: Three}, min: {overall: 50}}\n",
        encoding="utf-8",
    )
    inst = load_instrument(path)
    frame = pd.DataFrame([respondent("a", 4, 4, 4), respondent("b", 5, 4, 4)])
    assert maturity_stages(frame, inst)["stage"].tolist() == ["one", "three"]


def test_no_stage_without_a_score_on_every_dimension():
    row = respondent("r", 4, 4, 4)
    for item in INST.dimension("master").item_ids:
        row[item] = None
    out = maturity_stages(pd.DataFrame([row]), INST).iloc[0]
    assert out["stage"] is None and np.isnan(out["overall"])


def test_the_distribution_never_names_a_small_group():
    rows = [respondent(f"a{k}", 4, 4, 3, sector="A") for k in range(6)]
    rows += [respondent(f"b{k}", 3, 3, 3, sector="B") for k in range(7)]
    rows += [respondent(f"c{k}", 2, 2, 2, sector="C") for k in range(2)]
    frame = pd.DataFrame(rows)
    stages = maturity_stages(frame, INST)
    table = stage_distribution(stages, frame, INST, by="sector", min_n=5)
    # C (2) is too small, and A (6), the next smallest, is hidden with it
    assert set(table["group"]) == {"B"}
    assert table.attrs["suppressed"][0]["groups"] == 2
    b = table.set_index("stage")["n"]
    assert b["established"] == 7 and b.sum() == 7
    overall = stage_distribution(stages, frame, INST, min_n=5)
    assert overall["n"].sum() == 15 and overall["share"].sum() == pytest.approx(100.0)


def test_an_instrument_without_stages_is_a_clear_error():
    other = load_instrument(
        __import__("pathlib").Path(__file__).parent
        / "fixtures"
        / "instruments"
        / "service-cx-7.yaml"
    )
    with pytest.raises(ParameterError, match="declares no maturity stages"):
        maturity_stages(pd.DataFrame(), other)


@pytest.mark.parametrize(
    ("stages", "key", "problem"),
    [
        ("  - {id: a, name: {en: A}}\n", "stages", "at least two stages"),
        ("  - {id: a, name: {en: A}, min: {overall: 1}}\n"
         "  - {id: b, name: {en: B}, min: {overall: 2}}\n",
         "stages[0].min", "the first stage needs nothing"),
        ("  - {id: a, name: {en: A}}\n  - {id: b, name: {en: B}}\n", "stages[1].min", "must map"),
        ("  - {id: a, name: {en: A}}\n  - {id: b, name: {en: B}, min: {speed: 3}}\n",
         "stages[1].min.speed", "unknown"),
        ("  - {id: a, name: {en: A}}\n  - {id: b, name: {en: B}, min: {overall: 120}}\n",
         "stages[1].min.overall", "not a score from 0 to 100"),
        ("  - {id: a, name: {en: A}}\n  - {id: a, name: {en: B}, min: {overall: 2}}\n",
         "stages[1].id", "defined twice"),
    ],
)  # fmt: skip
def test_a_bad_stage_declaration_names_file_key_and_problem(tmp_path, stages, key, problem):
    path = tmp_path / "inst.yaml"
    path.write_text(HEAD + "stages:\n" + stages, encoding="utf-8")
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    assert f": {key}: " in str(caught.value) and problem in str(caught.value)
