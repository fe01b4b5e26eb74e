"""Scores: statements (items), respondents' dimension scores and group dimension scores.

Two methods are offered:

``sum_max`` (the default, the published report's method)
    points given / maximum points that could have been given × 100. On a 1–5 scale a
    dimension where everyone answers 3.5 scores 70 %; it can never fall below
    100·min/max (20 % on 1–5).
``pomp`` (percent of maximum possible)
    (mean − min) / (max − min) × 100, from 0 to 100; the same answers give 62.5 %.

On a 1–5 scale sum/max % = 20 + 0.8 × POMP, so both order groups identically.

All functions take a *validated* wide frame (one row per respondent, one numeric
column per item, answers coded in scale points, NaN for a missing answer) as made by
:func:`cxbench.validation.validate_responses`, and return tidy (long) frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ._checks import DEFAULT_MIN_N, ID_COLUMN, METHODS, check_method, check_min_n, natural_key
from .errors import ParameterError
from .instrument import Dimension, Instrument
from .privacy import MISSING_GROUP, group_keys, shown_groups, suppress_small_groups

__all__ = [
    "METHODS",
    "MISSING_GROUP",
    "answer_matrix",
    "complete_groups",
    "dimension_scores",
    "group_respondent_scores",
    "grouped_scores",
    "item_distribution",
    "item_respondent_scores",
    "item_scores",
    "point_totals",
    "points_to_scores",
    "published_comparison",
    "resolve_min_answered",
    "respondent_scores",
    "reverse_items",
    "score_matrix",
    "scores_from_totals",
    "sort_tidy",
]

Method = Literal["sum_max", "pomp"]


def answer_matrix(
    data: pd.DataFrame, instrument: Instrument, item_ids: Sequence[str]
) -> np.ndarray:
    """The answers of ``item_ids`` as a float matrix (NaN = no answer), checked against
    the scale: whole points from its minimum to its maximum.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> answer_matrix(pd.DataFrame({"measure_1": [4, None]}), load_instrument(), ["measure_1"])
    array([[ 4.],
           [nan]])
    """
    missing = [item for item in item_ids if item not in data.columns]
    if missing:
        raise ParameterError("data", "columns", f"item columns missing: {', '.join(missing)}")
    try:
        values = data[list(item_ids)].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            "data",
            "items",
            f"answers must be numeric scale points; validate first ({exc})",
        ) from None
    lo, hi = instrument.scale.min, instrument.scale.max
    # column-major (as a frame's block is): NumPy is much faster on the transposed view
    items_first = values.T
    bad = (
        ~np.isnan(items_first)
        & ((items_first < lo) | (items_first > hi) | (items_first != np.floor(items_first)))
    ).T
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ParameterError(
            "data",
            f"row {row}, column {item_ids[col]!r}: {values[row, col]!r}",
            f"answers must be whole points from {lo} to {hi}; validate the data first",
        )
    return values


def _points_to_percent(
    sums: np.ndarray, counts: np.ndarray, instrument: Instrument, method: str
) -> np.ndarray:
    lo, hi = instrument.scale.min, instrument.scale.max
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "sum_max":
            score = sums / (hi * counts) * 100.0
        else:
            score = (sums / counts - lo) / (hi - lo) * 100.0
    return np.where(counts > 0, score, np.nan)


def reverse_items(data: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Flip reverse-keyed items: an answer ``x`` becomes ``min + max - x``.

    Every scoring function calls this first; call it yourself only to look at the
    recoded answers.

    Examples
    --------
    >>> from cxbench.instrument import Dimension, Instrument, Item, Scale
    >>> inst = Instrument("x", {}, Scale(1, 5), (Dimension("d", {}, (
    ...     Item("a", "d", {"en": "A"}), Item("b", "d", {"en": "B"}, reverse=True))),))
    >>> reverse_items(pd.DataFrame({"a": [1.0, 4.0], "b": [1.0, 4.0]}), inst)
         a    b
    0  1.0  5.0
    1  4.0  2.0
    """
    reversed_ids = [item.id for item in instrument.items if item.reverse]
    if not reversed_ids:
        return data
    out = data.copy()
    lo, hi = instrument.scale.min, instrument.scale.max
    out[reversed_ids] = (lo + hi) - out[reversed_ids]
    return out


def resolve_min_answered(dimension: Dimension, min_answered: int | None) -> int:
    """The number of answered items a respondent needs for a dimension score.

    ``None`` means the default, ceil(75 % of the dimension's items).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> measure = load_instrument().dimension("measure")
    >>> resolve_min_answered(measure, None), resolve_min_answered(measure, 4)
    (3, 4)
    """
    if min_answered is None:
        return dimension.default_min_answered
    if isinstance(min_answered, bool) or not isinstance(min_answered, int | np.integer):
        raise ParameterError("min_answered", min_answered, "must be a whole number")
    if min_answered < 1:
        raise ParameterError("min_answered", min_answered, "must be at least 1")
    if min_answered > len(dimension.items):
        raise ParameterError(
            "min_answered",
            min_answered,
            f"exceeds the {len(dimension.items)} items of dimension {dimension.id!r}",
        )
    return int(min_answered)


def respondent_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each respondent's score on each dimension, as a tidy frame.

    A respondent's dimension score is the sum of the points they gave divided by
    (scale max × items they answered) × 100, provided they answered at least
    ``min_answered`` of the dimension's items; otherwise it is missing (NaN).

    Parameters
    ----------
    data : DataFrame
        Validated wide answers (one row per respondent).
    instrument : Instrument
    method : {"sum_max", "pomp"}
        See the module notes.
    min_answered : int, optional
        Answered items needed for a score; default ceil(75 % of the items).
    id_column : str
        The respondent id column, carried into the result.
    by : str or list of str, optional
        Further columns (e.g. ``sector``) to carry into the result.

    Returns
    -------
    DataFrame
        Columns ``id_column``, the ``by`` columns, ``dimension``, ``answered``,
        ``score``; respondents in input order, dimensions in instrument order.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> row = {item: 4 for item in inst.item_ids} | {"respondent_id": "r1"}
    >>> row["master_4"] = None          # three of four Master items answered
    >>> respondent_scores(pd.DataFrame([row]), inst)
      respondent_id dimension  answered  score
    0            r1   measure         4   80.0
    1            r1    manage         4   80.0
    2            r1    master         3   80.0
    """
    check_method(method)
    carry = [by] if isinstance(by, str) else list(by or [])
    for column in [id_column, *carry]:
        if column not in data.columns:
            raise ParameterError("column", column, "not in the data")
    values = answer_matrix(reverse_items(data, instrument), instrument, instrument.item_ids)
    answered, score = score_matrix(values, instrument, method=method, min_answered=min_answered)
    n, d = answered.shape
    # respondent-major order: all dimensions of respondent 1, then respondent 2...
    frame = {column: np.repeat(data[column].to_numpy(), d) for column in [id_column, *carry]}
    frame |= {
        "dimension": np.tile(np.array(instrument.dimension_ids, dtype=object), n),
        "answered": answered.ravel(),
        "score": score.ravel(),
    }
    return pd.DataFrame(frame)


def score_matrix(
    values: np.ndarray,
    instrument: Instrument,
    *,
    method: Method = "sum_max",
    min_answered: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Answered items and dimension scores of every respondent, from an answer matrix.

    The arithmetic of :func:`respondent_scores`, on plain arrays: the in-memory and the
    streamed (:func:`cxbench.streaming.score_parquet`) paths both call it, so they give
    the same scores by construction.

    Parameters
    ----------
    values : ndarray of float, shape (respondents, items)
        Answers in scale points, items in instrument order, reverse-keyed items already
        flipped, NaN for a missing answer.
    instrument : Instrument
    method, min_answered
        As in :func:`respondent_scores`.

    Returns
    -------
    answered : ndarray of int64, shape (respondents, dimensions)
    score : ndarray of float64, shape (respondents, dimensions)
        NaN where fewer than ``min_answered`` items were answered.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> values = np.full((2, 12), 4.0)
    >>> values[1, :3] = np.nan          # respondent 2 answered one Measure item
    >>> answered, score = score_matrix(values, load_instrument())
    >>> answered.tolist(), score.tolist()
    ([[4, 4, 4], [1, 4, 4]], [[80.0, 80.0, 80.0], [nan, 80.0, 80.0]])
    """
    answered, points = _points(values, instrument)
    return answered, points_to_scores(
        points, answered, instrument, method=method, min_answered=min_answered
    )


def _points(values: np.ndarray, instrument: Instrument) -> tuple[np.ndarray, np.ndarray]:
    """Items answered and points given per dimension, from an answer matrix (NaN: none)."""
    n = len(values)
    points = np.empty((n, len(instrument.dimensions)), dtype=np.float64)
    answered = np.empty((n, len(instrument.dimensions)), dtype=np.int64)
    start = 0
    for j, dim in enumerate(instrument.dimensions):
        block = values[:, start : start + len(dim.items)]
        start += len(dim.items)
        answered[:, j] = (~np.isnan(block)).sum(axis=1)
        points[:, j] = np.nansum(block, axis=1)
    return answered, points


def points_to_scores(
    points: np.ndarray,
    answered: np.ndarray,
    instrument: Instrument,
    *,
    method: Method = "sum_max",
    min_answered: int | None = None,
) -> np.ndarray:
    """Dimension scores from each respondent's points and number of answered items.

    The last step of :func:`score_matrix`; the streamed path
    (:func:`cxbench.streaming.score_parquet`) sums the points of its integer answers
    itself and finishes here, so the two give the same scores: points are whole numbers,
    exact in either sum.

    Parameters
    ----------
    points, answered : ndarray, shape (respondents, dimensions)
        Points given (reverse-keyed items flipped) and items answered, per dimension.
    instrument : Instrument
    method, min_answered
        As in :func:`respondent_scores`.

    Returns
    -------
    ndarray of float64, shape (respondents, dimensions)

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> points_to_scores(np.array([[16, 12, 4]]), np.array([[4, 3, 1]]), load_instrument())
    array([[80., 80., nan]])
    """
    check_method(method)
    score = np.empty(points.shape, dtype=np.float64)
    for j, dim in enumerate(instrument.dimensions):
        score[:, j] = _points_to_percent(points[:, j], answered[:, j], instrument, method)
        score[answered[:, j] < resolve_min_answered(dim, min_answered), j] = np.nan
    return score


def dimension_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    by: str | None = None,
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Group dimension scores: the mean of the respondents' dimension scores.

    Parameters
    ----------
    data : DataFrame
        Validated wide answers.
    instrument : Instrument
    by : str, optional
        A grouping column (e.g. ``"sector"``); without it one group, ``"all"``.
        Respondents whose grouping value is missing or blank form the group
        ``"(missing)"`` (:func:`cxbench.privacy.group_keys`).
    method, min_answered, id_column
        As in :func:`respondent_scores`.
    min_n : int
        A group (the whole benchmark too) with fewer respondents with a score on a
        dimension is not shown there, nor a group hidden with it
        (:func:`cxbench.privacy.suppress_small_groups`); 1 shows every group.

    Returns
    -------
    DataFrame
        Columns ``group``, ``dimension``, ``n`` (respondents with a score),
        ``score``; groups sorted, dimensions in instrument order. What was hidden is
        in ``attrs`` (:func:`cxbench.privacy.suppressed_counts`).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [{item: points for item in inst.item_ids} | {"respondent_id": rid}
    ...         for rid, points in (("a", 3), ("b", 4))]
    >>> dimension_scores(pd.DataFrame(rows), inst, min_n=1)
      group dimension  n  score
    0   all   measure  2   70.0
    1   all    manage  2   70.0
    2   all    master  2   70.0
    >>> dimension_scores(pd.DataFrame(rows), inst, method="pomp", min_n=1).score.tolist()
    [62.5, 62.5, 62.5]
    >>> len(dimension_scores(pd.DataFrame(rows), inst))  # 2 respondents: under min_n=5
    0
    """
    check_method(method)
    min_n = check_min_n(min_n)
    groups = group_keys(data, by)
    if id_column not in data.columns:
        raise ParameterError("column", id_column, "not in the data")
    values = answer_matrix(reverse_items(data, instrument), instrument, instrument.item_ids)
    answered, points = _points(values, instrument)
    codes, names = pd.factorize(groups.to_numpy(dtype=object), sort=False)
    counts, sums = point_totals(points, answered, codes, len(names), instrument, min_answered)
    table = scores_from_totals(list(names), counts, sums, instrument, method=method)
    return shown_groups(table, min_n, keys=["dimension"])


def point_totals(
    points: np.ndarray,
    answered: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    instrument: Instrument,
    min_answered: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per group, dimension and number of items answered: the respondents with a score
    and the points they gave.

    Points are whole numbers, so their totals are exact whatever the order of summing:
    totals of batches add up to the totals of the whole file, and
    :func:`scores_from_totals` turns them into the same means either way.

    Parameters
    ----------
    points, answered : ndarray, shape (respondents, dimensions)
        Points given (reverse-keyed items flipped) and items answered.
    codes : ndarray of int, shape (respondents,)
        Each respondent's group, from 0 to ``n_groups`` − 1.
    n_groups : int
    instrument : Instrument
    min_answered : int, optional
        As in :func:`respondent_scores`.

    Returns
    -------
    counts : ndarray of int64, shape (groups, dimensions, most items + 1)
    sums : ndarray of float64 (whole numbers), same shape

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> counts, sums = point_totals(np.array([[16, 12, 2]]), np.array([[4, 3, 1]]),
    ...                             np.array([0]), 1, load_instrument())
    >>> counts[0].tolist()  # Master: 1 item answered, under the 3 needed, not counted
    [[0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0]]
    >>> sums[0, :2].tolist()
    [[0.0, 0.0, 0.0, 0.0, 16.0], [0.0, 0.0, 0.0, 12.0, 0.0]]
    """
    width = max(len(dim.items) for dim in instrument.dimensions) + 1
    shape = (n_groups, len(instrument.dimensions), width)
    counts = np.zeros(shape, dtype=np.int64)
    sums = np.zeros(shape, dtype=np.float64)
    for j, dim in enumerate(instrument.dimensions):
        scored = answered[:, j] >= resolve_min_answered(dim, min_answered)
        cell = codes[scored] * width + answered[scored, j]
        size = n_groups * width
        counts[:, j, :] = np.bincount(cell, minlength=size).reshape(n_groups, width)
        sums[:, j, :] = np.bincount(cell, weights=points[scored, j], minlength=size).reshape(
            n_groups, width
        )
    return counts, sums


def scores_from_totals(
    names: Sequence[str],
    counts: np.ndarray,
    sums: np.ndarray,
    instrument: Instrument,
    *,
    method: Method = "sum_max",
) -> pd.DataFrame:
    """Group dimension scores from :func:`point_totals`: the frame of
    :func:`dimension_scores`.

    A group's score is the mean of its respondents' scores; a respondent's score is a
    linear function of their mean answer (points / items answered), so the mean is
    computed from Σ over k of (points of those who answered k items) / k, in a fixed
    order: the same totals always give the same bits.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> counts, sums = point_totals(np.array([[16, 12, 2], [12, 12, 12]]),
    ...                             np.array([[4, 3, 1], [4, 4, 4]]), np.array([0, 0]), 1, inst)
    >>> scores_from_totals(["all"], counts, sums, inst)
      group dimension  n  score
    0   all   measure  2   70.0
    1   all    manage  2   70.0
    2   all    master  1   60.0
    """
    check_method(method)
    lo, hi = instrument.scale.min, instrument.scale.max
    n = counts.sum(axis=2)
    items = np.arange(counts.shape[2], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_answer = np.where(items > 0, sums / items, 0.0).sum(axis=2) / n
        if method == "sum_max":
            score = mean_answer / hi * 100.0
        else:
            score = (mean_answer - lo) / (hi - lo) * 100.0
    d = len(instrument.dimensions)
    out = pd.DataFrame(
        {
            "group": np.repeat(np.array(list(names), dtype=object), d),
            "dimension": np.tile(np.array(instrument.dimension_ids, dtype=object), len(names)),
            "n": n.ravel(),
            "score": np.where(n > 0, score, np.nan).ravel(),
        }
    )
    return sort_tidy(out, instrument, ["group", "dimension"])


def item_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    by: str | None = None,
    method: Method = "sum_max",
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Statement (item) scores: points given / (scale max × answers) × 100.

    Parameters
    ----------
    data : DataFrame
        Validated wide answers.
    instrument : Instrument
    by : str, optional
        A grouping column; without it one group, ``"all"``.
    method : {"sum_max", "pomp"}
    min_n : int
        A group with fewer answers to a statement is not shown for it, nor a group
        hidden with it (:func:`cxbench.privacy.suppress_small_groups`).

    Returns
    -------
    DataFrame
        Columns ``group``, ``dimension``, ``item``, ``n`` (answers), ``score``.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [{item: p for item in inst.item_ids} for p in (2, 5, 4)]
    >>> item_scores(pd.DataFrame(rows), inst, min_n=1).head(2)
      group dimension       item  n  score
    0   all   measure  measure_1  3   73.3...
    1   all   measure  measure_2  3   73.3...
    """
    check_method(method)
    min_n = check_min_n(min_n)
    groups = group_keys(data, by)
    values = answer_matrix(reverse_items(data, instrument), instrument, instrument.item_ids)
    codes, labels = pd.factorize(groups, sort=False)
    n_groups = len(labels)
    answered = ~np.isnan(values)
    counts = np.zeros((n_groups, values.shape[1]))
    sums = np.zeros((n_groups, values.shape[1]))
    np.add.at(counts, codes, answered)
    np.add.at(sums, codes, np.where(answered, values, 0.0))
    score = _points_to_percent(sums, counts, instrument, method)
    items = instrument.items
    out = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(labels, dtype=object), len(items)),
            "dimension": np.tile([item.dimension for item in items], n_groups),
            "item": np.tile([item.id for item in items], n_groups),
            "n": counts.ravel().astype(int),
            "score": score.ravel(),
        }
    )
    out = sort_tidy(out, instrument, ["group", "dimension", "item"])
    return shown_groups(out, min_n, keys=["dimension", "item"])


def item_distribution(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    by: str | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """How the answers to each statement spread over the scale points.

    Answers are counted as given, before reverse-keyed items are flipped, so that the
    scale labels still read as the respondent saw them. Missing answers are left out.

    Parameters
    ----------
    data : DataFrame
        Validated wide answers.
    instrument : Instrument
    by : str, optional
        A grouping column; without it one group, ``"all"``.
    min_n : int
        A group with fewer answers to a statement is not shown for it, nor a group
        hidden with it (:func:`cxbench.privacy.suppress_small_groups`).

    Returns
    -------
    DataFrame
        Columns ``group``, ``dimension``, ``item``, ``point`` (every scale point, also
        those nobody chose), ``count`` and ``share`` (of the item's answers in the
        group, 0–1; NaN when nobody in the group answered the item).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [dict.fromkeys(inst.item_ids, p) for p in (2, 4, 4, None)]
    >>> item_distribution(pd.DataFrame(rows), inst, min_n=1).head(5)
      group dimension       item  point  count     share
    0   all   measure  measure_1      1      0  0.000000
    1   all   measure  measure_1      2      1  0.333333
    2   all   measure  measure_1      3      0  0.000000
    3   all   measure  measure_1      4      2  0.666667
    4   all   measure  measure_1      5      0  0.000000
    """
    min_n = check_min_n(min_n)
    groups = group_keys(data, by)
    values = answer_matrix(data, instrument, instrument.item_ids)
    codes, labels = pd.factorize(groups, sort=False)
    lo, hi = instrument.scale.min, instrument.scale.max
    points = np.arange(lo, hi + 1)
    n_groups, n_items, n_points = len(labels), values.shape[1], len(points)
    counts = np.zeros((n_groups, n_items, n_points), dtype=np.int64)
    answered = ~np.isnan(values)
    rows, cols = np.nonzero(answered)
    np.add.at(counts, (codes[rows], cols, values[rows, cols].astype(int) - lo), 1)
    totals = counts.sum(axis=2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals > 0, counts / totals, np.nan)
    items = instrument.items
    out = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(labels, dtype=object), n_items * n_points),
            "dimension": np.tile(np.repeat([i.dimension for i in items], n_points), n_groups),
            "item": np.tile(np.repeat([i.id for i in items], n_points), n_groups),
            "point": np.tile(points, n_groups * n_items),
            "count": counts.ravel(),
            "share": share.ravel(),
        }
    )
    # the groups shown per statement, decided on its answers as item_scores decides
    sizes = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(labels, dtype=object), n_items),
            "dimension": np.tile([i.dimension for i in items], n_groups),
            "item": np.tile([i.id for i in items], n_groups),
            "n": totals.ravel(),
        }
    )
    shown, suppressed = suppress_small_groups(sizes, min_n, keys=["dimension", "item"])
    out = out.merge(shown[["group", "item"]], on=["group", "item"])
    out = sort_tidy(out, instrument, ["group", "dimension", "item", "point"])
    out.attrs = {"min_n": min_n, "suppressed": suppressed.to_dict("records")}
    return out


def item_respondent_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    method: Method = "sum_max",
    id_column: str = ID_COLUMN,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each respondent's score on each statement, as a tidy frame.

    A statement score is the answer as a percentage: points / scale max × 100
    (``sum_max``) or (points − min) / (max − min) × 100 (``pomp``); reverse-keyed
    statements are flipped first. Missing answers are left out.

    Returns
    -------
    DataFrame
        Columns ``id_column``, the ``by`` columns, ``dimension``, ``item``, ``score``.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> row = dict.fromkeys(inst.item_ids, 4) | {"respondent_id": "r1", "measure_2": None}
    >>> item_respondent_scores(pd.DataFrame([row]), inst).head(3)
      respondent_id dimension       item  score
    0            r1   measure  measure_1   80.0
    1            r1   measure  measure_3   80.0
    2            r1   measure  measure_4   80.0
    """
    check_method(method)
    carry = [by] if isinstance(by, str) else list(by or [])
    for column in [id_column, *carry, *instrument.item_ids]:
        if column not in data.columns:
            raise ParameterError("column", column, "not in the data")
    answers = reverse_items(data, instrument)[instrument.item_ids].astype(float)
    lo, hi = instrument.scale.min, instrument.scale.max
    scores = answers / hi * 100 if method == "sum_max" else (answers - lo) / (hi - lo) * 100
    wide = pd.concat([data[[id_column, *carry]], scores], axis=1)
    long = wide.melt(id_vars=[id_column, *carry], var_name="item", value_name="score")
    long = long.dropna(subset=["score"])
    long.insert(
        len(carry) + 1,
        "dimension",
        long["item"].map({item.id: item.dimension for item in instrument.items}),
    )
    # respondent-major, statements in instrument order
    order = {item: i for i, item in enumerate(instrument.item_ids)}
    long["_resp"] = long.index % len(data) if len(data) else 0
    long["_item"] = long["item"].map(order)
    long = long.sort_values(["_resp", "_item"], kind="stable")
    return long.drop(columns=["_resp", "_item"]).reset_index(drop=True)


def group_respondent_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    by: str,
    *,
    level: str = "dimension",
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
) -> tuple[pd.DataFrame, list[str]]:
    """Respondents' dimension (or statement) scores with a ``group`` column, the
    analysis's keys beside them.

    Returns
    -------
    scores : DataFrame
        Tidy scores of :func:`respondent_scores` (``level="dimension"``) or
        :func:`item_respondent_scores` (``"item"``) with ``group`` from
        :func:`cxbench.privacy.group_keys` (``"(missing)"`` without a value); unscored
        rows left out.
    keys : list of str
        ``["dimension"]`` or ``["dimension", "item"]``.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [dict.fromkeys(inst.item_ids, 4) | {"respondent_id": "a", "sector": " x"}]
    >>> scores, keys = group_respondent_scores(pd.DataFrame(rows), inst, "sector")
    >>> scores.group.unique().tolist(), keys
    (['x'], ['dimension'])
    """
    if by not in data.columns:
        raise ParameterError(
            "by", by, f"no such column (columns: {', '.join(map(str, data.columns))})"
        )
    if level == "dimension":
        scores = respondent_scores(
            data,
            instrument,
            method=method,
            min_answered=min_answered,
            id_column=id_column,
            by=by,
        ).drop(columns="answered")
        keys = ["dimension"]
    elif level == "item":
        scores = item_respondent_scores(data, instrument, method=method, id_column=id_column, by=by)
        keys = ["dimension", "item"]
    else:
        raise ParameterError("level", level, "must be 'dimension' or 'item'")
    scores["group"] = group_keys(scores, by)
    return scores.dropna(subset=["score"]).reset_index(drop=True), keys


def complete_groups(
    data: pd.DataFrame,
    instrument: Instrument,
    by: str,
    *,
    level: str = "dimension",
    min_n: int = DEFAULT_MIN_N,
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
) -> list[str]:
    """The groups of ``by`` the anonymity rule shows on every dimension (or statement),
    in the reports' order: the groups that may have a report of their own.

    The same groups as :attr:`cxbench.comparison.GroupComparison.complete_groups`,
    decided the same way (:func:`cxbench.privacy.suppress_small_groups` on each
    analysis's scored respondents) but without the statistics, so that planning a
    report set costs no bootstrap.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> data = generate_benchmark(2023, n=60, seed=2)
    >>> complete_groups(data, load_instrument(), "sector", min_n=6)  # Healthcare has 5
    ['Finance', 'Insurance', 'Manufacturing', 'Online retail', 'Telecom', 'Travel & hospitality']
    """
    min_n = check_min_n(min_n)
    scores, keys = group_respondent_scores(
        data,
        instrument,
        by,
        level=level,
        method=method,
        min_answered=min_answered,
        id_column=id_column,
    )
    grouped = scores[scores["group"] != MISSING_GROUP]
    counts = grouped.groupby([*keys, "group"], sort=False).size().rename("n").reset_index()
    shown, _ = suppress_small_groups(counts, min_n, keys=keys)
    if shown.empty:
        return []
    shown = sort_tidy(shown, instrument, [*keys, "group"])
    analyses = len(scores[keys].drop_duplicates())
    per_group = shown.groupby("group", sort=False).size()
    return [str(group) for group, count in per_group.items() if count == analyses]


def grouped_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    by: str | None,
    level: str,
    method: Method,
    min_answered: int | None,
    id_column: str,
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`group_respondent_scores` of the respondents with a group value (those
    without are in no group's figure, :mod:`cxbench.privacy`); without ``by``, one
    group ``"all"``.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [dict.fromkeys(inst.item_ids, 4) | {"respondent_id": r, "sector": s}
    ...         for r, s in (("a", "x"), ("b", ""))]
    >>> scores, _ = grouped_scores(pd.DataFrame(rows), inst, "sector", "dimension",
    ...                            "sum_max", None, "respondent_id")
    >>> scores.respondent_id.unique().tolist()
    ['a']
    """
    frame = data if by is not None else data.assign(_all="all")
    scores, keys = group_respondent_scores(
        frame,
        instrument,
        by or "_all",
        level=level,
        method=method,
        min_answered=min_answered,
        id_column=id_column,
    )
    return scores[scores["group"] != MISSING_GROUP].reset_index(drop=True), keys


def published_comparison(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Set the scores beside the figures a published report gives (sum/max method).

    Parameters
    ----------
    data : DataFrame
        Validated wide answers.
    instrument : Instrument
        Its dimensions' and items' ``published_score`` are the reference.
    min_answered, id_column
        As in :func:`respondent_scores`.

    Returns
    -------
    DataFrame
        One row per dimension and item that has a published figure: ``level``
        (``dimension`` or ``item``), ``dimension``, ``item`` (empty for a
        dimension), ``published``, ``score``, ``difference`` (score − published).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [dict.fromkeys(inst.item_ids, p) | {"respondent_id": p} for p in (3, 4)]
    >>> published_comparison(pd.DataFrame(rows), inst, min_n=1).iloc[[0, 2]]
           level dimension       item  published  score  difference
    0  dimension   measure                   70.0   70.0         0.0
    2       item   measure  measure_2       60.0   70.0        10.0
    """
    dims = dimension_scores(
        data, instrument, min_answered=min_answered, id_column=id_column, min_n=min_n
    )
    items = item_scores(data, instrument, min_n=min_n)
    dim_score = dict(zip(dims["dimension"], dims["score"], strict=True))
    item_score = dict(zip(items["item"], items["score"], strict=True))
    records = []
    # a figure under min_n is NaN here (not shown), as everywhere
    for dim in instrument.dimensions:
        if dim.published_score is not None:
            score = dim_score.get(dim.id, np.nan)
            records.append(("dimension", dim.id, "", dim.published_score, score))
        for item in dim.items:
            if item.published_score is not None:
                score = item_score.get(item.id, np.nan)
                records.append(("item", dim.id, item.id, item.published_score, score))
    out = pd.DataFrame.from_records(
        records, columns=["level", "dimension", "item", "published", "score"]
    )
    out["difference"] = out["score"] - out["published"]
    return out


def sort_tidy(frame: pd.DataFrame, instrument: Instrument, keys: list[str]) -> pd.DataFrame:
    """Groups in natural order, dimensions and items in instrument order."""
    rank = {
        "dimension": {d: i for i, d in enumerate(instrument.dimension_ids)},
        "item": {d: i for i, d in enumerate(instrument.item_ids)},
    }

    def key(column: pd.Series) -> pd.Series:
        if column.name in rank:
            return column.map(rank[column.name])
        return column.map(natural_key)

    return frame.sort_values(keys, key=key, kind="stable").reset_index(drop=True)
