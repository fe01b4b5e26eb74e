"""Streamed scoring (cxbench.streaming) against the in-memory path it must equal.

Reference: :func:`cxbench.scoring.dimension_scores` and
:func:`cxbench.scoring.respondent_scores` on the same rows read with pandas.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxbench.cli import main
from cxbench.errors import UnusableFileError
from cxbench.instrument import Dimension, Instrument, Item, Scale, load_instrument
from cxbench.privacy import suppressed_counts
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
    options = {"by": by, "method": method, "min_answered": min_answered}
    for min_n in (1, 5):
        streamed = score_parquet(path, INST, batch_size=batch_size, min_n=min_n, **options)
        expected = dimension_scores(pd.read_parquet(path), INST, min_n=min_n, **options)
        assert streamed.read == streamed.accepted == len(frame) and streamed.rejected == 0
        assert streamed.batches == -(-len(frame) // batch_size)
        # exactly: the point totals are whole numbers, whatever the batches; and the
        # same groups hidden, by the one rule
        pd.testing.assert_frame_equal(streamed.scores, expected, check_exact=True)
        assert streamed.scores.attrs == expected.attrs
        if by:
            # no group value (None, ""): counted, never a group; "2023" (2): only with min_n=1
            assert "(missing)" not in set(streamed.scores.group)
            assert suppressed_counts(streamed.scores)["missing"] == 3
            assert ("2023" in set(streamed.scores.group)) == (min_n == 1)


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
    assert len(expected) == 2  # 40 respondents: shown
    pd.testing.assert_frame_equal(streamed.scores, expected, check_exact=True)
    # a respondent answering a = 5 and the reversed b = 1 agrees fully: 100 %
    one = pd.DataFrame({"respondent_id": [1], "a": [5], "b": [1], "c": [1], "e": [5]})
    one.to_parquet(tmp_path / "one.parquet")
    assert score_parquet(tmp_path / "one.parquet", inst).scores.empty  # 1 < min_n
    scores = score_parquet(tmp_path / "one.parquet", inst, min_n=1).scores
    assert scores.score.tolist() == [100.0, 20.0]


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


# ---------------------------------------------------------------------------
# Answers no scale has: integer extremes, uint64, infinities (no overflow)
# ---------------------------------------------------------------------------

REVERSED = Instrument(
    "x",
    {},
    Scale(1, 5),
    (
        Dimension(
            "d", {}, (Item("a", "d", {"en": "A"}), Item("b", "d", {"en": "B"}, reverse=True))
        ),
        Dimension(
            "e", {}, (Item("c", "e", {"en": "C"}), Item("f", "e", {"en": "F"}, reverse=True))
        ),
    ),
)
EXTREMES = {
    "int64": (pa.int64(), [2**62, -(2**63), 2**63 - 1, -1, 0, 6]),
    "uint64": (pa.uint64(), [2**64 - 1, 2**63, 2**62, 0, 6, 2**32]),
    "int8": (pa.int8(), [127, -128, 0, 6, -1, 100]),
    "float64": (pa.float64(), [math.inf, -math.inf, 1e300, -1e300, 5.5, 0.0]),
}


@pytest.mark.parametrize("kind", list(EXTREMES))
@pytest.mark.parametrize("batch_size", [1, 4, 1000])
def test_huge_answers_are_off_the_scale_not_an_overflow(tmp_path, kind, batch_size):
    """Values no arithmetic on points should meet (2**62, -2**63, 2**64 - 1, inf) in a
    plain and a reverse-keyed item: each row holding one is set aside with the value
    as it is, and the other rows score as the same rows without them do."""
    arrow_type, huge = EXTREMES[kind]
    rng = np.random.default_rng(11)
    n = 30
    answers = {item: rng.integers(1, 6, size=n).tolist() for item in "abcf"}
    bad_rows = [2, 5, 9, 17, 23, 29]
    for j, row in enumerate(bad_rows):
        answers["b" if j % 2 else "a"][row] = huge[j]  # "b" is reverse-keyed
    answers["c"][3] = None  # a missing answer
    if kind == "float64":
        answers["f"][4] = math.nan  # NaN is a missing answer, not a reject
    table = pa.table(
        {"respondent_id": pa.array([f"R{i}" for i in range(n)])}
        | {item: pa.array(values, arrow_type) for item, values in answers.items()}
    )
    path = tmp_path / f"{kind}.parquet"
    pq.write_table(table, path)

    with np.errstate(all="raise"):  # an overflow in NumPy arithmetic would raise
        result = score_parquet(path, REVERSED, batch_size=batch_size, min_answered=1)

    assert (result.read, result.accepted, result.rejected) == (n, n - 6, 6)
    assert len(result.scores) == 2  # one group, two dimensions
    aside = pd.read_parquet(result.rejects)
    assert aside.row.tolist() == [r + 1 for r in bad_rows]
    shown = [f"{v:g}" if isinstance(v, float) else str(v) for v in huge]
    assert aside.reason.tolist() == [
        f"column {'b' if j % 2 else 'a'!r}: {shown[j]} is not a whole point from 1 to 5"
        for j in range(6)
    ]
    if kind != "float64":  # the rows as they were, to the last digit
        column = [aside.b, aside.a]
        assert [int(column[j % 2 == 0].iloc[j]) for j in range(6)] == huge
    clean = table.filter(pa.array([i not in bad_rows for i in range(n)]))
    pq.write_table(clean, tmp_path / "clean.parquet")
    expected = score_parquet(tmp_path / "clean.parquet", REVERSED, min_answered=1).scores
    pd.testing.assert_frame_equal(result.scores, expected, check_exact=True)
    in_memory = dimension_scores(clean.to_pandas(), REVERSED, min_answered=1)
    pd.testing.assert_frame_equal(result.scores, in_memory, check_exact=True)


def test_uint64_answers_on_the_scale_are_scored(tmp_path):
    """Unsigned 64-bit answers within the scale are ordinary answers (no float cast)."""
    frame = pd.DataFrame({item: [4, 5, 1, 2, 3, 5] * 2 for item in INST.item_ids})
    frame = frame.astype("uint64")
    frame.insert(0, "respondent_id", [f"R{i}" for i in range(12)])
    frame.to_parquet(tmp_path / "u.parquet")
    result = score_parquet(tmp_path / "u.parquet", INST)
    assert (result.read, result.accepted, result.rejected) == (12, 12, 0)
    assert not result.scores.empty
    expected = score_parquet(_as_int8(frame, tmp_path), INST).scores
    pd.testing.assert_frame_equal(result.scores, expected, check_exact=True)


def _as_int8(frame: pd.DataFrame, folder: Path) -> Path:
    path = folder / "int8.parquet"
    frame.astype(dict.fromkeys(INST.item_ids, "int8")).to_parquet(path)
    return path


def test_outputs_never_overwrite_the_input_and_are_whole_or_absent(parquet, tmp_path):
    path, _ = parquet
    before = path.read_bytes()
    for out, rejects in ((path, None), (None, path), (tmp_path / "x.parquet",) * 2):
        with pytest.raises(UnusableFileError, match=r"overwrite the input|are one"):
            score_parquet(path, INST, out=out, rejects=rejects)
    assert path.read_bytes() == before
    # a file damaged part-way: no respondents file is left, not even a temporary one
    out = tmp_path / "scores" / "r.parquet"
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(before[: len(before) // 2] + before[-8:])
    with pytest.raises(UnusableFileError):
        score_parquet(damaged, INST, out=out, batch_size=7)
    assert not out.exists() and not any(p.name.startswith(".cxbench-") for p in tmp_path.rglob("*"))
    score_parquet(path, INST, out=out, batch_size=50)
    assert len(pd.read_parquet(out)) > 0
    assert [p.name for p in out.parent.iterdir()] == ["r.parquet"]
