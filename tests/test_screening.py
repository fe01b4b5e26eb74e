"""Careless-response screening: hand-checked indices, D² against numpy, the definitions of
R's ``careless`` package, answers as given (not reverse-keyed), speeding, the command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import cxbench as cx
from cxbench.cli import main
from cxbench.errors import ParameterError
from cxbench.instrument import Dimension, Instrument, Item, Scale, load_instrument
from cxbench.scoring import reverse_items
from cxbench.screening import default_longstring_max, screen, screening_rules

FIXTURE = Path(__file__).parent / "fixtures" / "instruments" / "service-cx-7.yaml"
NAN = np.nan


def _instrument(k: int, lo: int = 1, hi: int = 5, reverse: tuple[str, ...] = ()) -> Instrument:
    items = tuple(Item(f"q{i}", "d", {"en": f"Q{i}"}, f"q{i}" in reverse) for i in range(1, k + 1))
    return Instrument("t", {}, Scale(lo, hi), (Dimension("d", {}, items),))


def _frame(rows: list[list[float]], ids: list[str] | None = None, **extra) -> pd.DataFrame:
    k = len(rows[0])
    frame = pd.DataFrame(rows, columns=[f"q{i}" for i in range(1, k + 1)], dtype=float)
    frame.insert(0, "respondent_id", ids or [f"R{i}" for i in range(1, len(rows) + 1)])
    for name, values in extra.items():
        frame[name] = values
    return frame


# ---------------------------------------------------------------------------------------
# hand calculations


def test_longstring_and_irv_by_hand():
    """Expected values worked out by hand (not by the code under test):

    R1 1 1 1 1 1  run of 5;           sd 0
    R2 1 2 3 4 5  no repeat: 1;       sd = sqrt(10 / 4) = 1.5811388
    R3 2 2 4 4 4  runs 2, 3: 3;       mean 3.2, squares 2 x 1.44 + 3 x 0.64 = 4.8,
                                      sd = sqrt(4.8 / 4) = 1.0954451
    R4 5 5 - 5 5  the gap ends it: 2; four 5s: sd 0
    R5 - - - - 3  one answer: 1;      fewer than 2 answers: NaN
    R6 - - - - -  nothing answered: 0; NaN
    R7 3 - 3 - 3  every run cut: 1;   sd 0
    """
    data = _frame(
        [
            [1, 1, 1, 1, 1],
            [1, 2, 3, 4, 5],
            [2, 2, 4, 4, 4],
            [5, 5, NAN, 5, 5],
            [NAN, NAN, NAN, NAN, 3],
            [NAN, NAN, NAN, NAN, NAN],
            [3, NAN, 3, NAN, 3],
        ]
    )
    result = screen(data, _instrument(5), mahalanobis_alpha=None)
    assert result["longstring"].tolist() == [5, 1, 3, 2, 1, 0, 1]
    expected_irv = [0.0, 1.5811388, 1.0954451, 0.0, NAN, NAN, 0.0]
    np.testing.assert_allclose(result["irv"], expected_irv, atol=1e-7)
    # k = 5: the default flags a run of 3 or more (more than half of 5)
    assert default_longstring_max(5) == 3
    assert result["flag_longstring"].tolist() == [True, False, True, False, False, False, False]
    assert result["flag_irv"].tolist() == [True, False, False, True, False, False, True]
    assert result["flagged"].tolist() == [True, False, True, True, False, False, True]


def test_missing_answers_end_runs_and_are_not_part_of_one():
    data = _frame(
        [
            [4, 4, 4, NAN, 4, 4],  # 3, then the gap, then 2
            [NAN, 4, 4, 4, 4, NAN],  # 4 between two gaps
            [NAN, NAN, NAN, NAN, NAN, 2],  # a lone answer: 1
            [2, 2, NAN, NAN, 2, 2],  # consecutive gaps: 2
        ]
    )
    result = screen(data, _instrument(6), mahalanobis_alpha=None)
    assert result["longstring"].tolist() == [3, 4, 1, 2]
    # 6 items: a run of 4 (more than half) is flagged, 3 is not
    assert result["flag_longstring"].tolist() == [False, True, False, False]


def test_defaults_are_more_than_half_the_items():
    assert [default_longstring_max(k) for k in (2, 3, 4, 5, 7, 10, 12)] == [2, 2, 3, 3, 4, 6, 7]
    rules = screening_rules(load_instrument())
    assert rules["longstring"] | {"rule": None, "source": None} == {
        "max": 7,
        "default": True,
        "rule": None,
        "source": None,
    }
    assert rules["irv"]["min"] == 0.0
    assert rules["mahalanobis"]["alpha"] == 0.001 and rules["mahalanobis"]["df"] == 12
    assert rules["removed"] is False and rules["speeding"] is None
    assert "Johnson (2005)" in rules["longstring"]["source"]
    assert "Curran 2016" in rules["longstring"]["source"]


# ---------------------------------------------------------------------------------------
# Mahalanobis D²

MATRIX = np.array(
    [
        [3, 4, 2],
        [5, 5, 4],
        [2, 1, 2],
        [4, 4, 5],
        [1, 2, 1],
        [3, 3, 3],
        [5, 1, 4],
        [2, 4, 3],
    ],
    dtype=float,
)


def test_mahalanobis_against_numpy():
    """(x − m)ᵀ S⁻¹ (x − m), row by row with numpy's inverse: the definition of R's
    ``stats::mahalanobis(x, colMeans(x), cov(x))``, which ``careless::mahad()`` computes
    on complete data."""
    data = _frame(MATRIX.tolist())
    result = screen(data, _instrument(3))
    mean = MATRIX.mean(axis=0)
    inverse = np.linalg.inv(np.cov(MATRIX, rowvar=False))  # sample covariance, n − 1
    expected = [float((x - mean) @ inverse @ (x - mean)) for x in MATRIX]
    np.testing.assert_allclose(result["mahalanobis"], expected, rtol=1e-12)
    np.testing.assert_allclose(result["mahalanobis_p"], stats.chi2.sf(expected, df=3))
    # an identity of the sample D²: they sum to (n − 1) × k over the rows
    assert result["mahalanobis"].sum() == pytest.approx((len(MATRIX) - 1) * 3)
    assert result.attrs["rules"]["mahalanobis"]["complete_rows"] == 8


def test_incomplete_rows_get_no_distance_and_do_not_move_the_others():
    complete = screen(_frame(MATRIX.tolist()), _instrument(3))
    rows = [*MATRIX.tolist(), [1, NAN, 5], [NAN, NAN, NAN]]
    result = screen(_frame(rows), _instrument(3))
    assert result["mahalanobis"].iloc[-2:].isna().all()
    assert result["mahalanobis_p"].iloc[-2:].isna().all()
    assert not result["flag_mahalanobis"].iloc[-2:].any()
    np.testing.assert_allclose(result["mahalanobis"].iloc[:8], complete["mahalanobis"])


def test_an_outlier_is_flagged_at_the_chosen_alpha():
    rng = np.random.default_rng(11)
    latent = rng.normal(size=(200, 1))
    answers = np.clip(np.round(3 + latent + 0.6 * rng.normal(size=(200, 4))), 1, 5)
    answers[0] = [5, 1, 5, 1]  # against the grain of four correlated items
    result = screen(_frame(answers.tolist()), _instrument(4))
    assert result.loc[0, "flag_mahalanobis"]
    assert result.loc[0, "mahalanobis_p"] < 0.001
    loose = screen(_frame(answers.tolist()), _instrument(4), mahalanobis_alpha=0.5)
    assert loose["flag_mahalanobis"].sum() > result["flag_mahalanobis"].sum()


def test_too_few_complete_rows_are_refused_clearly():
    data = _frame([*MATRIX[:3].tolist(), [1, NAN, 2]])  # 3 complete rows, 3 items
    with pytest.raises(ParameterError, match="more rows with every item answered than the 3"):
        screen(data, _instrument(3))
    # and can be screened without D²
    result = screen(data, _instrument(3), mahalanobis_alpha=None)
    assert "mahalanobis" not in result.columns and "flag_mahalanobis" not in result.columns
    assert result.attrs["rules"]["mahalanobis"] is None


def test_a_singular_covariance_is_refused_not_pseudo_inverted():
    constant = MATRIX.copy()
    constant[:, 1] = 4  # everyone answers q2 the same
    with pytest.raises(ParameterError, match=r"singular .*the same by every complete row: q2"):
        screen(_frame(constant.tolist()), _instrument(3))
    dependent = np.column_stack([MATRIX[:, :2], MATRIX[:, 0]])  # q3 repeats q1
    with pytest.raises(ParameterError, match="linear combinations"):
        screen(_frame(dependent.tolist()), _instrument(3))


# ---------------------------------------------------------------------------------------
# the definitions of R's careless package (version 1.2.2), transcribed


def _r_longstring(row: np.ndarray) -> int:
    """careless::longstring(): ``max(rle(x)$lengths)``; R's rle() makes every NA a run
    of its own (NA == NA is NA)."""
    runs, previous, length = [], object(), 0
    for value in row:
        if not np.isnan(value) and value == previous:
            length += 1
        else:
            if length:
                runs.append(length)
            length = 1
        previous = value
    runs.append(length)
    return max(runs)


def _r_irv(row: np.ndarray) -> float:
    """careless::irv(): ``sd(x, na.rm = TRUE)``: NA under two answers."""
    answered = row[~np.isnan(row)]
    return float(np.std(answered, ddof=1)) if len(answered) >= 2 else math.nan


def _r_mahad(matrix: np.ndarray) -> np.ndarray:
    """careless::mahad() on complete data: psych::outlier, i.e.
    ``mahalanobis(x, colMeans(x), cov(x))``."""
    centred = matrix - matrix.mean(axis=0)
    return np.einsum("ij,jk,ik->i", centred, np.linalg.inv(np.cov(matrix.T)), centred)


def test_matches_the_definitions_of_r_careless():
    rng = np.random.default_rng(5)
    answers = rng.integers(1, 6, size=(60, 6)).astype(float)
    answers[rng.random(answers.shape) < 0.1] = np.nan
    answers[3] = [2, 2, 2, np.nan, np.nan, 2]
    result = screen(_frame(answers.tolist()), _instrument(6))
    assert result["longstring"].tolist() == [_r_longstring(row) for row in answers]
    np.testing.assert_allclose(result["irv"], [_r_irv(row) for row in answers], rtol=1e-12)
    complete = ~np.isnan(answers).any(axis=1)
    np.testing.assert_allclose(
        result.loc[complete, "mahalanobis"], _r_mahad(answers[complete]), rtol=1e-10
    )
    # the one place they differ: an empty row is 1 in R (a run of one NA), 0 here
    assert _r_longstring(np.full(4, np.nan)) == 1
    empty = screen(_frame([[NAN] * 3, [1, 2, 3]]), _instrument(3), mahalanobis_alpha=None)
    assert empty["longstring"].tolist() == [0, 1]


# ---------------------------------------------------------------------------------------
# answers as given: reverse-keyed items are not flipped


def test_reverse_keyed_items_are_not_flipped(tmp_path):
    inst = load_instrument(FIXTURE)
    reversed_items = [item.id for item in inst.items if item.reverse]
    assert reversed_items == ["listen_c", "act_b"]
    k = len(inst.item_ids)
    rows = [dict.fromkeys(inst.item_ids, 7) | {"respondent_id": "STRAIGHT"}]
    rng = np.random.default_rng(1)
    for i in range(20):
        rows.append(
            dict(zip(inst.item_ids, rng.integers(1, 8, size=k).tolist(), strict=True))
            | {"respondent_id": f"R{i:02d}"}
        )
    path = tmp_path / "service.csv"
    pd.DataFrame(rows)[["respondent_id", *inst.item_ids]].to_csv(path, index=False)
    data = cx.load_responses(path, inst).data
    assert data.loc[0, "listen_c"] == 7  # validation keeps the answer as given
    result = screen(data, inst)
    straight = result.iloc[0]
    assert straight["longstring"] == k and straight["irv"] == 0
    assert straight["flag_longstring"] and straight["flag_irv"]
    # reverse-keyed first, the same respondent would not be a straight-liner at all
    flipped = screen(reverse_items(data, inst), inst).iloc[0]
    assert flipped["longstring"] == 3 and flipped["irv"] > 0
    assert result.attrs["rules"]["longstring"]["max"] == 6  # 10 items


# ---------------------------------------------------------------------------------------
# speeding


def _timed(seconds: list[object]) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    answers = rng.integers(1, 6, size=(len(seconds), 4)).tolist()
    return _frame(answers, seconds=seconds)


def test_speeding_below_a_fraction_of_the_median():
    data = _timed([99, 100, 200, 300, 300, 400, 500])  # median 300: threshold 100
    result = screen(data, _instrument(4), duration_column="seconds", mahalanobis_alpha=None)
    assert result["duration"].tolist() == [99.0, 100.0, 200.0, 300.0, 300.0, 400.0, 500.0]
    assert result["flag_speeding"].tolist() == [True, False, False, False, False, False, False]
    speeding = result.attrs["rules"]["speeding"]
    assert speeding["median"] == 300 and speeding["threshold"] == pytest.approx(100)
    half = screen(
        data,
        _instrument(4),
        duration_column="seconds",
        speed_fraction=0.5,
        mahalanobis_alpha=None,
    )
    assert half["flag_speeding"].tolist() == [True, True, False, False, False, False, False]
    assert half.attrs["rules"]["speeding"]["threshold"] == 150


def test_durations_as_text_and_missing_durations():
    # CSV columns come in as text; an empty cell is no duration (not flagged, not in
    # the median: the median of 60, 300, 330 is 300)
    data = _timed(["60", " 300 ", "", None, "330.5"])
    result = screen(data, _instrument(4), duration_column="seconds", mahalanobis_alpha=None)
    np.testing.assert_array_equal(result["duration"], [60.0, 300.0, NAN, NAN, 330.5])
    assert result["flag_speeding"].tolist() == [True, False, False, False, False]
    assert result.attrs["rules"]["speeding"]["median"] == 300


@pytest.mark.parametrize(("value", "shown"), [("fast", "'fast'"), (-5, "-5"), ("inf", "'inf'")])
def test_a_bad_duration_names_its_row_and_value(value, shown):
    data = _timed([120, 200, value, 180]).set_axis([10, 11, 12, 13])
    with pytest.raises(ParameterError) as info:
        screen(data, _instrument(4), duration_column="seconds", mahalanobis_alpha=None)
    message = str(info.value)
    assert "respondent 'R3' (index 12)" in message and shown in message
    assert "seconds, 0 or more" in message


def test_a_missing_duration_column_is_named():
    with pytest.raises(ParameterError, match="duration_column='secs': no such column"):
        screen(_timed([1, 2]), _instrument(4), duration_column="secs", mahalanobis_alpha=None)


# ---------------------------------------------------------------------------------------
# the result's shape, and the settings


def test_columns_order_index_and_id_name():
    data = _frame(MATRIX.tolist(), seconds=list(range(100, 900, 100)))
    data = data.rename(columns={"respondent_id": "org"}).set_axis(list("hgfedcba"))
    result = screen(data, _instrument(3), id_column="org", duration_column="seconds")
    assert list(result.columns) == [
        "org",
        "longstring",
        "irv",
        "mahalanobis",
        "mahalanobis_p",
        "duration",
        "flag_longstring",
        "flag_irv",
        "flag_mahalanobis",
        "flag_speeding",
        "flagged",
    ]
    assert list(result.index) == list("hgfedcba")
    assert result["org"].tolist() == data["org"].tolist()
    assert len(data) == len(result)  # nothing removed
    without = screen(data, _instrument(3), id_column="org")
    assert "duration" not in without.columns and "flag_speeding" not in without.columns


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("longstring_max", 1),
        ("longstring_max", 2.5),
        ("irv_min", -0.1),
        ("irv_min", float("nan")),
        ("mahalanobis_alpha", 0),
        ("mahalanobis_alpha", 1.5),
        ("speed_fraction", 0),
        ("speed_fraction", True),
    ],
)
def test_settings_are_checked(setting, value):
    with pytest.raises(ParameterError, match=setting):
        screen(_frame(MATRIX.tolist()), _instrument(3), **{setting: value})


def test_answers_off_the_scale_or_missing_items_are_refused():
    with pytest.raises(ParameterError, match="item columns missing: q3"):
        screen(_frame(MATRIX.tolist()).drop(columns="q3"), _instrument(3))
    with pytest.raises(ParameterError, match="points from 1 to 5"):
        screen(_frame([[1, 2, 9], [1, 2, 3]]), _instrument(3), mahalanobis_alpha=None)
    with pytest.raises(ParameterError, match="id_column='id'"):
        screen(_frame(MATRIX.tolist()), _instrument(3), id_column="id")


def test_configured_thresholds():
    data = _frame([[2, 2, 3, 3, 3, 3], [1, 2, 1, 2, 1, 2], [1, 5, 1, 5, 1, 5]])
    result = screen(data, _instrument(6), longstring_max=2, irv_min=0.6, mahalanobis_alpha=None)
    assert result["flag_longstring"].tolist() == [True, False, False]
    assert result["flag_irv"].tolist() == [True, True, False]  # sds 0.52, 0.55, 2.19
    rules = result.attrs["rules"]
    assert rules["longstring"] | {"rule": None, "source": None} == {
        "max": 2,
        "default": False,
        "rule": None,
        "source": None,
    }
    assert rules["summary"] == "longstring >= 2 of 6 items; irv <= 0.6"


def test_exported_from_the_package():
    assert cx.screen is screen and cx.screening_rules is screening_rules
    json.dumps(screening_rules(load_instrument(), duration_column="t", median_duration=90.0))


# ---------------------------------------------------------------------------------------
# properties

ROWS = st.lists(
    st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=5, max_size=5),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(ROWS)
def test_longstring_and_irv_bounds(rows):
    values = np.array([[NAN if v is None else v for v in row] for row in rows], dtype=float)
    result = screen(_frame(values.tolist()), _instrument(5), mahalanobis_alpha=None)
    answered = (~np.isnan(values)).sum(axis=1)
    longstring = result["longstring"].to_numpy()
    assert ((longstring >= 1) & (longstring <= answered))[answered > 0].all()
    assert (longstring[answered == 0] == 0).all()
    irv = result["irv"].to_numpy()
    assert (np.isnan(irv) == (answered < 2)).all()
    assert (irv[answered >= 2] >= 0).all()
    same = np.array([len(set(row[~np.isnan(row)])) == 1 for row in values])
    assert (result["flag_irv"].to_numpy() == (same & (answered >= 2))).all()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.integers(5, 25).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=n, max_size=n),
            st.permutations(range(n)),
        )
    )
)
def test_permuting_rows_keeps_every_rows_distance(case):
    rows, order = case
    matrix = np.array(rows, dtype=float)
    if np.linalg.matrix_rank(np.cov(matrix.T)) < 3:
        with pytest.raises(ParameterError, match="singular"):
            screen(_frame(rows), _instrument(3))
        return
    ids = [f"R{i}" for i in range(len(rows))]
    before = screen(_frame(rows, ids), _instrument(3)).set_index("respondent_id")
    after = screen(
        _frame([rows[i] for i in order], [ids[i] for i in order]), _instrument(3)
    ).set_index("respondent_id")
    np.testing.assert_allclose(
        after.loc[ids, "mahalanobis"], before["mahalanobis"], rtol=1e-8, atol=1e-9
    )
    assert (before["mahalanobis"] >= -1e-9).all()
    assert (after.loc[ids, "longstring"] == before["longstring"]).all()


# ---------------------------------------------------------------------------------------
# the command


INST = load_instrument()


@pytest.fixture
def survey(tmp_path):
    """30 respondents with correlated answers, a straight-liner (R00), a speeder (R01),
    and a row with an answer off the scale (rejected, written aside)."""
    rng = np.random.default_rng(8)
    latent = rng.normal(size=(30, 1))
    answers = np.clip(np.round(3 + latent + rng.normal(size=(30, 12))), 1, 5).astype(int)
    answers[0] = 4
    frame = pd.DataFrame(answers, columns=INST.item_ids).astype(object)
    frame.insert(0, "respondent_id", [f"R{i:02d}" for i in range(30)])
    frame["seconds"] = [400, 30, *rng.integers(200, 600, size=28).tolist()]
    frame.loc[29, "measure_1"] = 9
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return path


def test_cli_table(survey, capsys):
    assert main(["screen", str(survey), "--duration-column", "seconds"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split() == [
        "respondent_id",
        "longstring",
        "irv",
        "mahalanobis",
        "mahalanobis_p",
        "duration",
        "flag_longstring",
        "flag_irv",
        "flag_mahalanobis",
        "flag_speeding",
        "flagged",
    ]
    assert lines[1].split()[:3] == ["R00", "12", "0.000"]
    assert lines[-1].startswith("screening: longstring >= 7 of 12 items; irv <= 0;")
    assert lines[-1].endswith("nothing removed")
    assert "1 of 30 rows rejected" in captured.err
    assert (survey.parent / "survey.rejects.csv").exists()
    assert "of 29 respondents flagged (longstring 1, irv 1, mahalanobis" in captured.err
    assert "speeding 1); nothing removed" in captured.err


def test_cli_csv_and_json(survey, capsys):
    assert main(["screen", str(survey), "--format", "csv", "--longstring-max", "12"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# screening: longstring >= 12 of 12 items;")
    frame = pd.read_csv(pd.io.common.StringIO(out), comment="#")
    assert len(frame) == 29 and frame.loc[0, "respondent_id"] == "R00"
    assert bool(frame.loc[0, "flag_longstring"]) and "duration" not in frame.columns

    argv = ["screen", str(survey), "--format", "json", "--duration-column", "seconds"]
    assert main([*argv, "--speed-fraction", "0.05"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) == {"rules", "respondents", "flagged"}
    assert record["rules"]["speeding"]["fraction"] == 0.05
    assert record["rules"]["removed"] is False
    respondents = {r["respondent_id"]: r for r in record["respondents"]}
    assert len(respondents) == 29
    assert respondents["R00"]["flag_irv"] and respondents["R00"]["flagged"]
    assert not respondents["R01"]["flag_speeding"]  # 30 s is not under 5 % of the median
    assert record["flagged"] == sum(r["flagged"] for r in record["respondents"])


def test_cli_out_writes_formula_safe_csv_and_json(survey, tmp_path, capsys):
    frame = pd.read_csv(survey)
    frame.loc[1, "respondent_id"] = "=HYPERLINK(1)"
    frame.to_csv(survey, index=False)
    out = tmp_path / "screen.csv"
    assert main(["screen", str(survey), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and f"screening written to {out}" in captured.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# screening: ") and "\n'=HYPERLINK(1)," in text
    assert not list(tmp_path.glob(".cxbench-*"))  # no temporary file left

    out_json = tmp_path / "screen.json"
    assert main(["screen", str(survey), "--format", "json", "--out", str(out_json)]) == 0
    assert capsys.readouterr().out == ""
    record = json.loads(out_json.read_text(encoding="utf-8"))
    assert record["respondents"][1]["respondent_id"] == "=HYPERLINK(1)"

    assert main(["screen", str(survey), "--out", str(survey)]) == 2  # never over the input
    assert "would overwrite an input" in capsys.readouterr().err


def test_cli_errors_are_one_line(survey, tmp_path, capsys):
    frame = pd.read_csv(survey).astype({"seconds": object})
    frame.loc[4, "seconds"] = "slow"
    frame.to_csv(survey, index=False)
    argv = ["screen", str(survey), "--duration-column", "seconds", "--format", "json"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "respondent 'R04'" in captured.err and "'slow'" in captured.err
    assert json.loads(captured.out)["kind"] == "parameter"

    small = tmp_path / "small.csv"
    pd.read_csv(survey).head(5).to_csv(small, index=False)
    assert main(["screen", str(small)]) == 2
    assert "--no-mahalanobis" in capsys.readouterr().err
    assert main(["screen", str(small), "--no-mahalanobis"]) == 0
    assert "mahalanobis" not in capsys.readouterr().out


def test_exclude_flagged_sets_the_flagged_aside_with_reasons_and_counts_reconcile(tmp_path, capsys):
    """`score --exclude-flagged` / `compare --exclude-flagged`: the respondents the
    screening flags are left out, written to <input>.flagged.csv with the rule they
    broke; read = accepted + rejected, accepted = kept + flagged."""
    import shutil

    from cxbench.cli import main
    from cxbench.validation import load_responses

    source = Path(__file__).resolve().parents[1] / "data" / "benchmark_2023.csv"
    path = tmp_path / "survey.csv"
    shutil.copy(source, path)
    inst = load_instrument()
    expected = screen(load_responses(path, inst).data, inst)
    flagged = set(expected.loc[expected["flagged"], "respondent_id"])
    assert flagged  # the bundled data have some
    assert main(["score", str(path), "--exclude-flagged", "--format", "json"]) == 0
    out = capsys.readouterr()
    records = json.loads(out.out)
    assert {r["n"] for r in records} <= {310 - len(flagged)}
    assert f"{len(flagged)} of 310 accepted respondents flagged" in out.err
    aside = pd.read_csv(f"{path}.flagged.csv")
    assert set(aside["respondent_id"]) == flagged
    assert aside["reject_reason"].str.startswith("careless responding: longstring").all()
    assert (
        main(["compare", str(path), "--by", "sector", "--exclude-flagged", "--format", "json"]) == 0
    )
    measure = json.loads(capsys.readouterr().out)[0]
    shown = sum(g["n"] for g in measure["groups"]) + measure["suppressed"]["n"]
    assert shown == 310 - len(flagged) - measure["excluded_missing_group"]


def test_exclude_flagged_keeps_the_counts_reconciled_and_the_reasons():
    from cxbench.screening import exclude_flagged
    from cxbench.validation import load_responses

    inst = load_instrument()
    report = load_responses(
        Path(__file__).resolve().parents[1] / "data" / "benchmark_2023.csv", inst
    )
    kept = exclude_flagged(report, inst)
    flags = screen(report.data, inst)
    assert kept.flagged == int(flags["flagged"].sum()) > 0
    assert kept.read == kept.accepted + kept.rejected + kept.flagged
    assert set(kept.set_aside["respondent_id"]) == set(flags.loc[flags["flagged"], "respondent_id"])
    assert not set(kept.data["respondent_id"]) & set(kept.set_aside["respondent_id"])
    assert kept.set_aside["reject_reason"].str.startswith("careless responding: ").all()
    assert "flagged by the screening and left out" in kept.summary()
    assert json.loads(kept.to_json())["flagged"] == kept.flagged


@pytest.mark.slow
def test_report_exclude_flagged_leaves_them_out_of_tables_and_reports(tmp_path):
    import shutil

    from cxbench.publish import make_report_set
    from cxbench.validation import load_responses

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "benchmark_2023.csv", data)
    made = make_report_set(
        data, out=tmp_path / "reports", languages=["en"], sectors=["Finance"],
        exclude_flagged=True, n_jobs=1, progress=False,
    )  # fmt: skip
    assert [r.status for r in made.results] == ["ok", "ok"]
    tables = tmp_path / "reports" / "2023" / "tables"
    inst = load_instrument()
    flags = screen(load_responses(data / "benchmark_2023.csv", inst).data, inst)
    flagged = int(flags["flagged"].sum())
    assert json.loads((tables / "validation.json").read_text("utf-8"))["flagged"] == flagged
    assert len(pd.read_csv(tables / "flagged.csv")) == flagged
    scores = pd.read_csv(tables / "dimension_scores.csv", comment="#")
    assert (scores["n"] <= 310 - flagged).all()
    page = (tmp_path / "reports" / "2023" / "en" / "benchmark.html").read_text("utf-8")
    assert f"flagged {flagged} of the 310 respondents; they are left out of every figure" in page
    sector = (tmp_path / "reports" / "2023" / "en" / "sector-finance.html").read_text("utf-8")
    assert f"{310 - flagged} organisations rated" in sector
