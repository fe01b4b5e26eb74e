"""Streamed scoring (cxbench.streaming) against the in-memory path it must equal.

Reference: :func:`cxbench.scoring.dimension_scores` and
:func:`cxbench.scoring.respondent_scores` on the same rows read with pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from cxbench.cli import main
from cxbench.errors import UnusableFileError
from cxbench.instrument import Dimension, Instrument, Item, Scale, load_instrument
from cxbench.scoring import dimension_scores, respondent_scores
from cxbench.streaming import score_parquet
from cxbench.synthetic import generate_benchmark

INST = load_instrument()


def _data(integers: bool) -> pd.DataFrame:
    """300 organisations with missing answers, and missing, empty and numeric-looking
    sector values; answers as nullable int8 (the fast path) or float with NaN."""
    frame = generate_benchmark(2023, n=300, seed=5).reset_index(drop=True)
    frame = frame[["respondent_id", "sector", *INST.item_ids]].copy()
    frame["sector"] = frame["sector"].astype(object)
    frame.loc[[3, 50, 51], "sector"] = None
    frame.loc[[7, 8], "sector"] = "2023"
    frame.loc[9, INST.item_ids[:6]] = np.nan
    items = frame[INST.item_ids].astype("Int8" if integers else "float64")
    return pd.concat([frame[["respondent_id", "sector"]], items], axis=1)


@pytest.fixture(params=[True, False], ids=["int8", "float"])
def parquet(request, tmp_path):
    frame = _data(request.param)
    path = tmp_path / "answers.parquet"
    frame.to_parquet(path, index=False)
    return path, frame


@pytest.mark.parametrize("by", [None, "sector"])
@pytest.mark.parametrize("batch_size", [7, 128, 1_000_000])
@pytest.mark.parametrize(("method", "min_answered"), [("sum_max", None), ("pomp", 4)])
def test_streamed_scores_equal_the_in_memory_ones(parquet, by, batch_size, method, min_answered):
    path, frame = parquet
    streamed = score_parquet(
        path, INST, by=by, batch_size=batch_size, method=method, min_answered=min_answered
    )
    expected = dimension_scores(
        pd.read_parquet(path), INST, by=by, method=method, min_answered=min_answered
    )
    assert streamed.read == streamed.accepted == len(frame) and streamed.rejected == 0
    assert streamed.batches == -(-len(frame) // batch_size)
    # exactly: the point totals are whole numbers, whatever the batches
    pd.testing.assert_frame_equal(streamed.scores, expected, check_exact=True)
    if by:
        assert "(missing)" in set(streamed.scores.group) and "2023" in set(streamed.scores.group)


def test_the_respondents_file_is_respondent_scores(parquet, tmp_path):
    path, _ = parquet
    out = tmp_path / "respondents.parquet"
    score_parquet(path, INST, by="sector", batch_size=50, out=out)
    written = pd.read_parquet(out)
    expected = respondent_scores(pd.read_parquet(path), INST, by="sector")
    assert written.columns.tolist() == expected.columns.tolist()
    assert written.dimension.astype(str).tolist() == expected.dimension.tolist()
    assert written.respondent_id.tolist() == expected.respondent_id.tolist()
    assert written.answered.tolist() == expected.answered.tolist()
    np.testing.assert_array_equal(written.score.to_numpy(), expected.score.to_numpy())


def test_reverse_keyed_items_are_flipped_as_in_memory(tmp_path):
    items = (
        Item("a", "d", {"en": "A"}),
        Item("b", "d", {"en": "B"}, reverse=True),
        Item("c", "e", {"en": "C"}),
        Item("e", "e", {"en": "E"}, reverse=True),
    )
    inst = Instrument(
        "x", {}, Scale(1, 5), (Dimension("d", {}, items[:2]), Dimension("e", {}, items[2:]))
    )
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.integers(1, 6, size=(40, 4)), columns=["a", "b", "c", "e"])
    frame = frame.astype("Int8")
    frame.iloc[::5, 1] = pd.NA
    frame.insert(0, "respondent_id", range(40))
    frame.to_parquet(tmp_path / "r.parquet")
    streamed = score_parquet(tmp_path / "r.parquet", inst, batch_size=9, min_answered=1)
    expected = dimension_scores(frame, inst, min_answered=1)
    pd.testing.assert_frame_equal(streamed.scores, expected, check_exact=True)
    # a respondent answering a = 5 and the reversed b = 1 agrees fully: 100 %
    one = pd.DataFrame({"respondent_id": [1], "a": [5], "b": [1], "c": [1], "e": [5]})
    one.to_parquet(tmp_path / "one.parquet")
    assert score_parquet(tmp_path / "one.parquet", inst).scores.score.tolist() == [100.0, 20.0]


def test_rows_off_the_scale_are_set_aside_with_their_reason(tmp_path):
    frame = _data(integers=False)
    frame.loc[4, "measure_2"] = 7
    frame.loc[120, "master_1"] = 2.5
    frame.loc[121, "manage_3"] = 0
    path = tmp_path / "answers.parquet"
    frame.to_parquet(path, index=False)

    result = score_parquet(path, INST, by="sector", batch_size=100)

    assert (result.read, result.accepted, result.rejected) == (300, 297, 3)
    assert result.rejects == tmp_path / "answers.parquet.rejects.parquet"
    aside = pd.read_parquet(result.rejects)
    assert aside.row.tolist() == [5, 121, 122]  # row numbers in the file, from 1
    assert aside.respondent_id.tolist() == frame.respondent_id[[4, 120, 121]].tolist()
    assert aside.reason.tolist() == [
        "column 'measure_2': 7 is not a whole point from 1 to 5",
        "column 'master_1': 2.5 is not a whole point from 1 to 5",
        "column 'manage_3': 0 is not a whole point from 1 to 5",
    ]
    assert aside.measure_2.tolist()[0] == 7  # the row as it was
    expected = dimension_scores(frame.drop(index=[4, 120, 121]), INST, by="sector")
    pd.testing.assert_frame_equal(result.scores, expected, check_exact=True)


def test_a_clean_file_writes_no_rejects_file(parquet):
    path, _ = parquet
    assert score_parquet(path, INST).rejects is None
    assert not path.with_name(path.name + ".rejects.parquet").exists()


def test_unusable_files_are_named_with_the_problem(tmp_path):
    with pytest.raises(UnusableFileError, match=r"missing.parquet.*no such file"):
        score_parquet(tmp_path / "missing.parquet", INST)
    text = tmp_path / "text.parquet"
    text.write_text("respondent_id,measure_1\n1,2\n")
    with pytest.raises(UnusableFileError, match=r"text.parquet.*not a Parquet file"):
        score_parquet(text, INST)
    frame = _data(integers=True)
    frame.drop(columns=["manage_4"]).to_parquet(tmp_path / "short.parquet")
    with pytest.raises(UnusableFileError, match=r"short.parquet.*manage_4"):
        score_parquet(tmp_path / "short.parquet", INST)
    frame.astype({"master_2": str}).to_parquet(tmp_path / "words.parquet")
    with pytest.raises(UnusableFileError, match=r"words.parquet.*master_2.*numbers"):
        score_parquet(tmp_path / "words.parquet", INST)


def test_the_cli_streams_to_the_same_table(parquet, capsys, tmp_path):
    path, _ = parquet
    assert main(["score", str(path), "--by", "sector", "--format", "csv"]) == 0
    in_memory = capsys.readouterr().out
    out = tmp_path / "each.parquet"
    code = main(
        [
            "score",
            str(path),
            "--by",
            "sector",
            "--format",
            "csv",
            "--stream",
            "--batch-size",
            "64",
            "--respondents-out",
            str(out),
        ]
    )
    assert code == 0 and capsys.readouterr().out == in_memory
    assert len(pd.read_parquet(out)) == 3 * 300


def test_the_cli_reports_set_aside_rows_and_exits_1(tmp_path, capsys):
    frame = _data(integers=True)
    frame.loc[0, "measure_1"] = 9
    frame.to_parquet(tmp_path / "bad.parquet")
    assert main(["score", str(tmp_path / "bad.parquet"), "--stream"]) == 1
    assert "1 of 300 rows rejected" in capsys.readouterr().err
    assert main(["score", str(tmp_path / "nothing.parquet"), "--stream"]) == 2
    assert "nothing.parquet" in capsys.readouterr().err


def test_a_file_damaged_part_way_is_named_and_leaves_no_half_output(tmp_path):
    path = tmp_path / "damaged.parquet"
    # the second 100-row group holds an off-scale answer, the third a damaged page
    frame = _data(integers=True).fillna({"measure_1": 3})
    frame.loc[150, "measure_1"] = 9
    frame.to_parquet(path, index=False, row_group_size=100)
    chunk = pq.ParquetFile(path).metadata.row_group(2).column(5)
    raw = bytearray(path.read_bytes())
    start = chunk.data_page_offset
    raw[start : start + chunk.total_compressed_size] = b"\xff" * chunk.total_compressed_size
    path.write_bytes(bytes(raw))
    out = tmp_path / "scores.parquet"
    with pytest.raises(UnusableFileError, match=r"damaged.parquet: cannot be read past row 200"):
        score_parquet(path, INST, batch_size=50, out=out)
    assert not out.exists()
    assert not path.with_name(path.name + ".rejects.parquet").exists()
    # the file itself is untouched: nothing is lost, the user can repair and rerun
    assert path.read_bytes() == bytes(raw)
