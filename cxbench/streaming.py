"""Scores of data too large for memory: a Parquet file scored batch by batch.

:func:`score_parquet` reads a Parquet file in record batches (pyarrow), checks every
answer against the scale, scores each batch with :func:`cxbench.scoring.score_matrix`
(the arithmetic of the in-memory :func:`cxbench.scoring.respondent_scores`), and keeps
only running counts and sums per group and dimension, so memory does not grow with the
number of respondents. Rows with an answer off the scale (any number that is not a
whole point of it, however large: int64 and uint64 extremes, infinities; a float NaN
is a missing answer) are not scored, and no point arithmetic meets them: they are
written aside, unchanged, with their row number and the reason, and counted (read =
accepted + rejected).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._checks import DEFAULT_MIN_N, ID_COLUMN, check_method, check_min_n
from .errors import ParameterError, UnusableFileError
from .files import temporary_file
from .instrument import Instrument
from .privacy import group_key, shown_groups
from .scoring import (
    MISSING_GROUP,
    Method,
    point_totals,
    points_to_scores,
    resolve_min_answered,
    scores_from_totals,
)

__all__ = ["StreamResult", "score_parquet"]


@dataclass(frozen=True)
class StreamResult:
    """What :func:`score_parquet` read, scored and set aside.

    Attributes
    ----------
    scores : DataFrame
        Group dimension scores, as :func:`cxbench.scoring.dimension_scores` gives them:
        ``group``, ``dimension``, ``n``, ``score``.
    read, accepted, rejected : int
        Rows read, scored and set aside; ``read == accepted + rejected``.
    batches : int
        Record batches read.
    source : Path
    out : Path or None
        The respondents' scores (long form), if asked for.
    rejects : Path or None
        The rejected rows, if there were any.
    """

    scores: pd.DataFrame
    read: int
    accepted: int
    rejected: int
    batches: int
    source: Path
    out: Path | None = None
    rejects: Path | None = None


class _Groups:
    """Group codes in order of appearance, and per group the exact point totals of
    :func:`cxbench.scoring.point_totals`, added up batch by batch."""

    def __init__(self, instrument: Instrument, min_answered: int | None) -> None:
        self.instrument, self.min_answered = instrument, min_answered
        self.names: list[str] = []
        self.codes: dict[str, int] = {}
        width = max(len(dim.items) for dim in instrument.dimensions) + 1
        self.counts = np.zeros((0, len(instrument.dimensions), width), dtype=np.int64)
        self.sums = np.zeros((0, len(instrument.dimensions), width), dtype=np.float64)

    def encode(self, column: pa.Array | None, n: int) -> np.ndarray:
        """Global group codes of a batch's grouping column (``None``: one group)."""
        if column is None:
            return np.full(n, self._code("all"), dtype=np.int64)
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column)
        names = [group_key(v) for v in column.dictionary.to_pylist()]  # the one rule
        names.append(MISSING_GROUP)  # for a missing value
        indices = column.indices.fill_null(len(names) - 1).to_numpy(zero_copy_only=False)
        present = np.bincount(indices, minlength=len(names)) > 0
        # only the groups that occur: a dictionary may hold values no row has
        lookup = np.array(
            [self._code(name) if seen else -1 for name, seen in zip(names, present, strict=True)],
            dtype=np.int64,
        )
        return lookup[indices]

    def _code(self, name: str) -> int:
        if name not in self.codes:
            self.codes[name] = len(self.names)
            self.names.append(name)
        return self.codes[name]

    def add(self, codes: np.ndarray, points: np.ndarray, answered: np.ndarray) -> None:
        counts, sums = point_totals(
            points, answered, codes, len(self.names), self.instrument, self.min_answered
        )
        grow = len(self.names) - len(self.counts)
        if grow:
            self.counts = np.concatenate([self.counts, np.zeros_like(counts[-grow:])])
            self.sums = np.concatenate([self.sums, np.zeros_like(sums[-grow:])])
        self.counts += counts
        self.sums += sums

    def table(self, method: Method, min_n: int) -> pd.DataFrame:
        table = scores_from_totals(
            self.names, self.counts, self.sums, self.instrument, method=method
        )
        return shown_groups(table, min_n, keys=["dimension"])


def _open(source: Path, columns: list[str]) -> pq.ParquetFile:
    if not source.is_file():
        raise UnusableFileError(str(source), "no such file")
    try:
        parquet = pq.ParquetFile(source)
    except (pa.ArrowInvalid, OSError) as exc:
        raise UnusableFileError(str(source), f"not a Parquet file ({exc})") from None
    names = parquet.schema_arrow.names
    missing = [column for column in columns if column not in names]
    if missing:
        raise UnusableFileError(
            str(source), f"columns missing: {', '.join(missing)}", column=missing[0]
        )
    return parquet


def _column(
    column: pa.Array, item: str, source: Path, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """An answer column as (values, answered?, off the scale?).

    Integers of any width come as ``int16`` (``int64`` for a scale beyond ±16,384) and
    floats as ``float64``; an answer off the scale (outside ``lo``–``hi``, not a whole
    point, infinite), like a missing one, is 0 in the values, so that no point
    arithmetic on them can overflow (an int64 ``2**62``, a uint64 ``2**64 - 1``).
    A float NaN is a missing answer. Off the scale is ``None`` when no answer is.
    """
    safe = np.int16 if lo > -(2**14) and hi < 2**14 else np.int64
    if pa.types.is_integer(column.type):
        valid = column.is_valid().to_numpy(zero_copy_only=False)
        extremes = pc.min_max(column).as_py()
        values = column.fill_null(0).to_numpy()
        if extremes["min"] is None or (lo <= extremes["min"] and extremes["max"] <= hi):
            return values.astype(safe), valid, None
        # compared in the column's own type (NumPy compares Python ints exactly)
        bad = valid & ((values < lo) | (values > hi))
        return np.where(bad, 0, values).astype(safe), valid, bad
    if pa.types.is_floating(column.type):
        values = column.to_numpy(zero_copy_only=False).astype(np.float64)
        valid = ~np.isnan(values)
        with np.errstate(invalid="ignore"):
            bad = valid & ((values < lo) | (values > hi) | (values != np.floor(values)))
        values = np.where(valid & ~bad, values, 0.0)
        return values, valid, bad if bad.any() else None
    raise UnusableFileError(
        str(source),
        f"answers must be numbers (scale points), not {column.type}; "
        "validate the file first (cxbench validate)",
        column=item,
    )


def _shown(value: object) -> str:
    """An answer for a reason text: an integer exactly, a float as ``%g``."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def score_parquet(
    source: str | Path,
    instrument: Instrument,
    *,
    by: str | None = None,
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
    batch_size: int = 1_000_000,
    out: str | Path | None = None,
    rejects: str | Path | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> StreamResult:
    """Score a Parquet file batch by batch: group dimension scores in bounded memory.

    Parameters
    ----------
    source : str or Path
        A Parquet file, one row per respondent, answers in scale points (numbers).
    instrument : Instrument
    by : str, optional
        A grouping column; without it one group, ``"all"``; respondents without a
        group value are counted, in no group (:mod:`cxbench.privacy`).
    method, min_answered, id_column
        As in :func:`cxbench.scoring.respondent_scores`.
    batch_size : int
        Rows per record batch: memory grows with it, not with the file.
    out : str or Path, optional
        Also write every respondent's scores here (Parquet, the long form of
        :func:`cxbench.scoring.respondent_scores`), batch by batch.
    rejects : str or Path, optional
        Where rows with an answer off the scale go (Parquet: the row as read, its row
        number ``row`` counting from 1 and the ``reason``); default
        ``<source>.rejects.parquet``, written only if there are any.
    min_n : int
        Groups with fewer respondents with a score are not shown, nor groups hidden
        with them (:func:`cxbench.privacy.suppress_small_groups`), as in
        :func:`cxbench.scoring.dimension_scores`; the frame's ``attrs`` say what was.

    Returns
    -------
    StreamResult

    Examples
    --------
    >>> import tempfile
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> frame = pd.DataFrame({item: [4, 3, 9] for item in inst.item_ids})
    >>> frame.insert(0, "respondent_id", ["a", "b", "c"])
    >>> path = Path(tempfile.mkdtemp()) / "answers.parquet"
    >>> frame.to_parquet(path)
    >>> result = score_parquet(path, inst, min_n=1)
    >>> result.scores
      group dimension  n  score
    0   all   measure  2   70.0
    1   all    manage  2   70.0
    2   all    master  2   70.0
    >>> result.read, result.accepted, result.rejected, result.rejects.name
    (3, 2, 1, 'answers.parquet.rejects.parquet')
    """
    check_method(method)
    min_n = check_min_n(min_n)
    for dim in instrument.dimensions:
        resolve_min_answered(dim, min_answered)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ParameterError("batch_size", batch_size, "must be a whole number of at least 1")
    source = Path(source)
    item_ids = list(instrument.item_ids)
    parquet = _open(source, [id_column, *([by] if by else []), *item_ids])
    reject_path = Path(rejects) if rejects else source.with_name(source.name + ".rejects.parquet")
    out_path = Path(out) if out else None
    _refuse_overwrite(source, out_path, reject_path)
    # both outputs are written under temporary names, renamed into place when complete
    temporary: dict[Path, Path] = {}

    def open_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = temporary_file(path.parent)
            os.close(handle)
        except OSError as exc:
            raise UnusableFileError(str(path), f"cannot be written ({exc.strerror})") from None
        temporary[path] = Path(name)
        return pq.ParquetWriter(name, schema)

    lo, hi = instrument.scale.min, instrument.scale.max
    flip = {j for j, item in enumerate(instrument.items) if item.reverse}
    groups = _Groups(instrument, min_answered)
    writer = reject_writer = None
    read = accepted = batches = 0
    complete = False
    dimension_items = [len(dim.items) for dim in instrument.dimensions]
    try:
        for batch in _batches(parquet, batch_size, source):
            batches += 1
            n = batch.num_rows
            checked = [_column(batch.column(item), item, source, lo, hi) for item in item_ids]
            columns = [(values, valid) for values, valid, _ in checked]
            problems = {
                item: bad
                for item, (_, _, bad) in zip(item_ids, checked, strict=True)
                if bad is not None
            }
            if problems:
                rows_bad = np.logical_or.reduce(list(problems.values()))
                reasons = []
                for row in np.flatnonzero(rows_bad):
                    item = next(i for i, bad in problems.items() if bad[row])
                    value = _shown(batch.column(item)[int(row)].as_py())
                    reasons.append(
                        f"column {item!r}: {value} is not a whole point from {lo} to {hi}"
                    )
                aside = (
                    batch.filter(pa.array(rows_bad))
                    .append_column("row", pa.array(read + 1 + np.flatnonzero(rows_bad)))
                    .append_column("reason", pa.array(reasons, pa.string()))
                )
                if reject_writer is None:
                    reject_writer = open_writer(reject_path, aside.schema)
                reject_writer.write_batch(aside)
                keep = ~rows_bad
                batch = batch.filter(pa.array(keep))
                columns = [(values[keep], valid[keep]) for values, valid in columns]
            read += n
            accepted += batch.num_rows
            points, answered = _points(columns, dimension_items, flip, lo + hi)
            codes = groups.encode(batch.column(by) if by else None, batch.num_rows)
            groups.add(codes, points, answered)
            if out_path is not None:
                score = points_to_scores(
                    points, answered, instrument, method=method, min_answered=min_answered
                )
                long = _long_batch(batch, instrument, id_column, by, answered, score)
                if writer is None:
                    writer = open_writer(out_path, long.schema)
                writer.write_table(long)
        complete = True
    finally:
        for opened in (writer, reject_writer):
            if opened is not None:
                opened.close()
        for final, partial in temporary.items():
            if complete:
                os.replace(partial, final)
            else:  # half a result would pass for a whole one
                partial.unlink(missing_ok=True)
    return StreamResult(
        scores=groups.table(method, min_n),
        read=read,
        accepted=accepted,
        rejected=read - accepted,
        batches=batches,
        source=source,
        out=out_path,
        rejects=reject_path if reject_writer is not None else None,
    )


def _refuse_overwrite(source: Path, *outputs: Path | None) -> None:
    """Refuse an output that is the input, or two outputs that are one file."""
    given = [path for path in outputs if path is not None]
    for path in given:
        if path.resolve() == source.resolve() or (path.exists() and path.samefile(source)):
            raise UnusableFileError(str(path), "would overwrite the input; choose another name")
    if len(given) == 2 and given[0].resolve() == given[1].resolve():
        raise UnusableFileError(str(given[0]), "the respondents file and the rejects file are one")


def _batches(parquet: pq.ParquetFile, batch_size: int, source: Path) -> Iterator[pa.RecordBatch]:
    """The file's record batches; a file damaged part-way is named with the row."""
    read = 0
    try:
        for batch in parquet.iter_batches(batch_size=batch_size):
            read += batch.num_rows
            yield batch  # the caller's errors are not raised here, only the reader's
    except (pa.ArrowException, OSError) as exc:
        problem = " ".join(str(exc).split())
        raise UnusableFileError(
            str(source),
            f"cannot be read past row {read} ({problem}); nothing was scored and no "
            "output was kept",
        ) from None


def _points(
    columns: list[tuple[np.ndarray, np.ndarray]],
    dimension_items: list[int],
    flip: set[int],
    mirror: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Points given and items answered per dimension (reverse-keyed items flipped)."""
    n = len(columns[0][0]) if columns else 0
    points = np.zeros((n, len(dimension_items)), dtype=np.float64)
    answered = np.zeros((n, len(dimension_items)), dtype=np.int64)
    start = 0
    for j, k in enumerate(dimension_items):
        whole = all(columns[i][0].dtype.kind in "iu" for i in range(start, start + k))
        total = np.zeros(n, dtype=np.int32 if whole else np.float64)
        count = np.zeros(n, dtype=np.int8)
        for i in range(start, start + k):
            values, valid = columns[i]
            total += np.where(valid, mirror - values, 0) if i in flip else values
            count += valid
        points[:, j] = total
        answered[:, j] = count
        start += k
    return points, answered


def _long_batch(
    batch: pa.RecordBatch,
    instrument: Instrument,
    id_column: str,
    by: str | None,
    answered: np.ndarray,
    score: np.ndarray,
) -> pa.Table:
    """A batch's respondent scores in the long form of ``respondent_scores``."""
    n, d = answered.shape
    repeat = pa.array(np.repeat(np.arange(n), d))
    columns = {id_column: batch.column(id_column).take(repeat)}
    if by:
        columns[by] = batch.column(by).take(repeat)
    columns |= {
        "dimension": pa.DictionaryArray.from_arrays(
            pa.array(np.tile(np.arange(d, dtype=np.int8), n)), list(instrument.dimension_ids)
        ),
        "answered": pa.array(answered.ravel()),
        "score": pa.array(score.ravel(), from_pandas=True),
    }
    return pa.table(columns)
