"""Anonymity: one rule for every figure that names a group.

A benchmark promises its participants that no figure identifies them. cxbench keeps
that promise in one place, this module, and every output that names a group (scores,
streamed scores, comparisons, metrics, trends, scorecards, tables, charts, reports,
error messages) goes through it:

* :func:`group_keys` is the one way a grouping column becomes group names: the text of
  the value with surrounding white space removed; a missing or blank value is
  ``"(missing)"`` (:data:`MISSING_GROUP`). Respondents without a group value are in
  the whole benchmark's figures but in no group's: no output shows "(missing)" as a
  group, and they are counted apart ("no sector value: 4 respondents").
* :func:`suppress_small_groups` hides every group with fewer than ``min_n`` respondents
  (:data:`DEFAULT_MIN_N` = 5), and, since the whole benchmark's figure is public,
  further groups, smallest first, until the hidden respondents number at least
  ``min_n`` together (complementary suppression), so that no hidden group's figures can
  be worked out from the others. The whole benchmark is a group too: under ``min_n``
  respondents it is not shown either.
* ``min_n=1`` is the explicit way to switch anonymity off; outputs then say so
  (:func:`suppression_note`).

What is hidden is counted: groups and respondents per analysis, never their names.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._checks import DEFAULT_MIN_N, check_column, check_min_n, natural_key
from .errors import ParameterError

__all__ = [
    "DEFAULT_MIN_N",
    "MISSING_GROUP",
    "OVERALL_GROUP",
    "check_shown",
    "group_key",
    "group_keys",
    "shown_groups",
    "suppress_small_groups",
    "suppressed_counts",
    "suppression_note",
]

#: The group of respondents whose grouping value is missing or blank.
MISSING_GROUP = "(missing)"
#: The group name of the whole benchmark.
OVERALL_GROUP = "all"


def group_key(value: object) -> str:
    """The group name of one grouping value.

    Examples
    --------
    >>> group_key(" Finance "), group_key(None), group_key(""), group_key(float("nan"))
    ('Finance', '(missing)', '(missing)', '(missing)')
    >>> group_key(2023)
    '2023'
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return MISSING_GROUP
    text = str(value).strip()
    return text if text else MISSING_GROUP


def group_keys(data: pd.DataFrame, by: str | None) -> pd.Series:
    """The group name of every row: the ``by`` column as :func:`group_key` reads it,
    or ``"all"`` without ``by``.

    Parameters
    ----------
    data : DataFrame
    by : str, optional
        The grouping column.

    Returns
    -------
    Series of str, indexed as ``data``.

    Raises
    ------
    ParameterError
        When ``by`` is not a column of ``data``.

    Examples
    --------
    >>> frame = pd.DataFrame({"sector": ["Finance ", "", None, "Retail"]})
    >>> group_keys(frame, "sector").tolist()
    ['Finance', '(missing)', '(missing)', 'Retail']
    >>> group_keys(frame, None).tolist()
    ['all', 'all', 'all', 'all']
    """
    if by is None:
        return pd.Series(OVERALL_GROUP, index=data.index, dtype=object)
    check_column(data, by, "by")
    values = data[by]
    if isinstance(values.dtype, pd.CategoricalDtype):  # e.g. from Parquet: each category once
        names = [*map(group_key, values.cat.categories), MISSING_GROUP]  # code -1: missing
        codes = values.cat.codes.to_numpy()
        return pd.Series(np.array(names, dtype=object)[codes], index=values.index)
    text = values.astype(object).where(values.notna(), "").map(str).str.strip()
    return text.where(text != "", MISSING_GROUP).astype(object)


def suppress_small_groups(
    table: pd.DataFrame,
    min_n: int = DEFAULT_MIN_N,
    *,
    group: str = "group",
    keys: Sequence[str] = ("dimension",),
    complementary: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Take the groups with fewer than ``min_n`` respondents out of a statistics table.

    Parameters
    ----------
    table : DataFrame
        Per-group figures with an ``n`` column, e.g. from
        :func:`cxbench.stats.group_statistics`.
    min_n : int
        Smallest group that may be shown; 1 shows every group.
    group, keys
        The group column and the columns that identify one analysis.
    complementary : bool
        Also suppress the smallest shown groups until the suppressed respondents
        number at least ``min_n`` together (see Notes).

    Returns
    -------
    shown : DataFrame
        The rows of the groups that may be shown.
    suppressed : DataFrame
        Per analysis (``keys``): ``groups`` (how many were taken out) and ``n`` (their
        respondents together); a row for every analysis, zeros when none was.

    Notes
    -----
    Hiding a small group is not enough when the whole benchmark's figure is shown
    beside the others: the benchmark's total minus the shown groups' totals gives
    the hidden group's mean. Complementary suppression (as in statistical disclosure
    control) hides further groups, smallest first, until the hidden respondents are
    at least ``min_n`` together, so what can be worked out is a mean over at least
    ``min_n`` respondents. The rule is deterministic (size, then name), so every
    output of the same analysis hides the same groups.

    Examples
    --------
    >>> table = pd.DataFrame({"dimension": "m", "group": ["a", "b", "c", "d"],
    ...                       "n": [12, 3, 1, 8]})
    >>> shown, suppressed = suppress_small_groups(table, 5)
    >>> shown.group.tolist(), suppressed.to_dict("records")
    (['a'], [{'dimension': 'm', 'groups': 3, 'n': 12}])
    >>> shown, _ = suppress_small_groups(table, 5, complementary=False)
    >>> shown.group.tolist()
    ['a', 'd']
    >>> shown, _ = suppress_small_groups(table, 4)  # b and c (4) are enough together
    >>> shown.group.tolist()
    ['a', 'd']
    """
    min_n = check_min_n(min_n)
    keys = list(keys)
    analyses = table[keys].drop_duplicates()
    table = table[table[group] != MISSING_GROUP]
    sizes = table["n"].to_numpy()
    names = table[group].to_numpy()
    hide = sizes < min_n
    if complementary and hide.any():
        for _, rows in table.groupby(keys, sort=False).indices.items():
            pool = int(sizes[rows][hide[rows]].sum())
            if not hide[rows].any() or pool >= min_n:
                continue
            candidates = sorted(
                (i for i in rows if not hide[i]),
                key=lambda i: (sizes[i], natural_key(names[i])),
            )
            for i in candidates:
                if pool >= min_n:
                    break
                hide[i] = True
                pool += int(sizes[i])
    shown = table.loc[~hide].reset_index(drop=True)
    hidden = (
        table.loc[hide]
        .groupby(keys, sort=False)
        .agg(groups=(group, "size"), n=("n", "sum"))
        .reset_index()
    )
    suppressed = analyses.merge(hidden, on=keys, how="left").fillna({"groups": 0, "n": 0})
    return shown, suppressed.astype({"groups": int, "n": int}).reset_index(drop=True)


def check_shown(frame: pd.DataFrame, min_n: int = DEFAULT_MIN_N, *, what: str = "groups") -> None:
    """Refuse figures of a group under ``min_n`` (a guard for functions that draw or
    tabulate figures made elsewhere); the message names no group.

    Raises
    ------
    ParameterError
        When a row's ``n`` is under ``min_n``, or a row is the group ``"(missing)"``.

    Examples
    --------
    >>> check_shown(pd.DataFrame({"group": ["a"], "n": [7]}), 5)
    >>> check_shown(pd.DataFrame({"group": ["a", "b"], "n": [7, 2]}), 5)
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: groups='1 of 2 rows': ... under min_n=5 ...
    """
    min_n = check_min_n(min_n)
    small = (frame["n"].to_numpy(dtype=float) < min_n) | (
        frame["group"].astype(str).to_numpy() == MISSING_GROUP if "group" in frame else False
    )
    if small.any():
        raise ParameterError(
            what,
            f"{int(small.sum())} of {len(frame)} rows",
            f"figures of a group under min_n={min_n} (or without a group value) would be "
            "shown; pass figures made with the same min_n (they are suppressed there), or "
            "min_n=1 to switch anonymity off",
        )


def shown_groups(
    table: pd.DataFrame,
    min_n: int = DEFAULT_MIN_N,
    *,
    group: str = "group",
    keys: Sequence[str] = ("dimension",),
) -> pd.DataFrame:
    """The rows of ``table`` that may be shown, with what was hidden in its ``attrs``.

    The tidy frame keeps its columns; ``attrs["min_n"]`` holds the threshold and
    ``attrs["suppressed"]`` the records of :func:`suppress_small_groups`' second
    result with, as ``missing``, the respondents without a group value (read them
    with :func:`suppressed_counts`).

    Examples
    --------
    >>> table = pd.DataFrame({"dimension": "m", "group": ["a", "b", "c", "(missing)"],
    ...                       "n": [9, 2, 7, 4]})
    >>> shown = shown_groups(table, 5)
    >>> shown.group.tolist(), suppressed_counts(shown)
    (['a'], {'groups': 2, 'n': 9, 'missing': 4})
    """
    keys = list(keys)
    shown, suppressed = suppress_small_groups(table, min_n, group=group, keys=keys)
    missing = table[table[group] == MISSING_GROUP].groupby(keys, sort=False)["n"].sum()
    records = suppressed.to_dict("records")
    for record in records:
        analysis = tuple(record[k] for k in keys)
        record["missing"] = int(missing.get(analysis if len(keys) > 1 else analysis[0], 0))
    shown.attrs["min_n"] = check_min_n(min_n)
    shown.attrs["suppressed"] = records
    return shown


def suppressed_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Groups and respondents hidden from ``frame`` (made by :func:`shown_groups`),
    and respondents without a group value: the largest counts over its analyses
    (dimensions, statements).

    Examples
    --------
    >>> suppressed_counts(pd.DataFrame())
    {'groups': 0, 'n': 0, 'missing': 0}
    """
    records = frame.attrs.get("suppressed") or []
    return {
        key: max((int(r.get(key, 0)) for r in records), default=0)
        for key in ("groups", "n", "missing")
    }


def suppression_note(
    min_n: int, suppressed: dict[str, int] | None = None, by: str | None = None
) -> str:
    """One line saying what anonymity did: the threshold and what it hid, or that it
    is off (``min_n=1``), and how many respondents have no ``by`` value.

    Examples
    --------
    >>> suppression_note(5, {"groups": 1, "n": 6, "missing": 4}, by="sector")
    'suppressed (...): 1 groups, 6 respondents; no sector value: 4 respondents'

    >>> suppression_note(5, {"groups": 2, "n": 7})
    'suppressed (groups under 5, or hidden with one): 2 groups, 7 respondents'
    >>> suppression_note(5, {"groups": 0, "n": 0})
    'suppressed (groups under 5, or hidden with one): none'
    >>> suppression_note(1)
    'anonymity off (min_n=1): every group is shown, however small'
    """
    min_n = check_min_n(min_n)
    counts = suppressed or {}
    tail = (
        f"; no {by or 'group'} value: {counts['missing']} respondents"
        if counts.get("missing")
        else ""
    )
    if min_n == 1:
        return "anonymity off (min_n=1): every group is shown, however small" + tail
    head = f"suppressed (groups under {min_n}, or hidden with one)"
    if not counts.get("groups"):
        return f"{head}: none{tail}"
    return f"{head}: {counts['groups']} groups, {counts['n']} respondents{tail}"
