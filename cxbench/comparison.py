"""Comparing groups (sectors, countries, company sizes) on their dimension or statement
scores: :func:`compare_groups` and its :class:`GroupComparison`, and one group against
the rest of the benchmark (:func:`group_vs_rest`).

For each dimension (or statement) and each shown group: n, mean, standard deviation
and a seeded BCa bootstrap interval; across the groups Welch's ANOVA and the
Kruskal–Wallis test; between pairs the Games–Howell test, corrected across all
dimensions together (the tests themselves are in :mod:`cxbench.stats`). Which groups
are shown is decided first, by the one rule of :mod:`cxbench.privacy`; the suppressed
ones are counted, and the benchmark ("all") figures still include them, as they
include respondents without a group value. Recent comparisons are kept in a small
cache of this module, so that notebooks and reports that ask for the same comparison
compute it once.
"""

from __future__ import annotations

import copy
import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._checks import (
    CORRECTIONS,
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_N,
    ID_COLUMN,
    as_float,
    check_comparison,
    check_confidence,
    check_correction,
    check_min_n,
    natural_key,
)
from .errors import ParameterError
from .instrument import Instrument
from .privacy import MISSING_GROUP, suppress_small_groups
from .runcache import cached_result
from .scoring import Method, group_respondent_scores, sort_tidy
from .stats import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    adjust_p,
    games_howell,
    group_statistics,
    omnibus_tests,
    welch_difference,
)

__all__ = [
    "CORRECTIONS",
    "GroupComparison",
    "compare_groups",
    "group_vs_rest",
]

#: How many recent :func:`compare_groups` results a process keeps (see its Notes).
CACHE_SIZE = 8
_COMPARISONS: OrderedDict[str, GroupComparison] = OrderedDict()


# --------------------------------------------------------------------------- helpers


# ------------------------------------------------------------------- building blocks


# ---------------------------------------------------------------------- the analysis


@dataclass(frozen=True)
class GroupComparison:
    """Groups compared on their scores, small groups already suppressed.

    Attributes
    ----------
    by : str
        The grouping column.
    level : {"dimension", "item"}
    keys : tuple of str
        The columns that name one analysis: ``("dimension",)`` or
        ``("dimension", "item")``.
    min_n, confidence, correction, method
        The settings used.
    groups : DataFrame
        Shown groups: ``keys``, ``group``, ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high``.
    overall : DataFrame
        The whole benchmark in the same columns, ``group`` = ``"all"``; includes the
        suppressed groups and the respondents without a group value.
    omnibus : DataFrame
        See :func:`cxbench.stats.omnibus_tests`; computed over the shown groups.
    posthoc : DataFrame
        See :func:`cxbench.stats.games_howell`.
    suppressed : DataFrame
        ``keys``, ``groups``, ``n``: groups under ``min_n`` and their respondents.
    excluded_missing_group : DataFrame
        ``keys``, ``n``: scored respondents whose group value is missing.
    """

    by: str
    level: str
    keys: tuple[str, ...]
    min_n: int
    confidence: float
    correction: str
    method: str
    groups: pd.DataFrame
    overall: pd.DataFrame
    omnibus: pd.DataFrame
    posthoc: pd.DataFrame
    suppressed: pd.DataFrame
    excluded_missing_group: pd.DataFrame

    def subset(self, groups: Sequence[str]) -> GroupComparison:
        """The same comparison shown for some groups only.

        The statistics are not recomputed: the omnibus tests still cover every shown
        group, and ``posthoc`` keeps the pairs that include a chosen group, with their
        correction over the full family.
        A requested group that was suppressed is not shown (and not named).

        Raises
        ------
        ParameterError
            For a group that is not shown on every dimension: not in the data, or
            suppressed somewhere (the message does not say which, so as not to
            reveal a small group).
        """
        shown = self.complete_groups
        unknown = [g for g in groups if g not in shown]
        if unknown:
            # the name asked for is not echoed: it may be a suppressed group's
            raise ParameterError(
                "groups",
                "",
                f"a requested {self.by} is not shown (at least {self.min_n} "
                f"respondents on every {self.level}; shown: {', '.join(map(str, shown))})",
            )
        wanted = set(groups)
        return replace(
            self,
            groups=self.groups[self.groups["group"].isin(wanted)].reset_index(drop=True),
            posthoc=self.posthoc[
                self.posthoc["a"].isin(wanted) | self.posthoc["b"].isin(wanted)
            ].reset_index(drop=True),
        )

    @property
    def complete_groups(self) -> list[str]:
        """The groups shown on every dimension (or statement), in order.

        Only these may be reported on their own (a focus section, a sector report):
        a group hidden on any analysis would have its answers shown elsewhere.
        """
        counts = self.groups.groupby("group", sort=False).size()
        return [str(g) for g, count in counts.items() if count == len(self.omnibus)]

    def with_overall(self) -> pd.DataFrame:
        """The shown groups followed by the whole benchmark (group ``"all"``)."""
        return pd.concat([self.groups, self.overall], ignore_index=True)

    def overall_mean(self, dimension: str) -> float:
        """The whole benchmark's mean score on a dimension (NaN if suppressed)."""
        row = self.overall[self.overall["dimension"] == dimension]
        return float(row["mean"].iloc[0]) if len(row) else float("nan")

    def suppressed_in(self, dimension: str) -> tuple[int, int]:
        """(groups, respondents) suppressed on a dimension; at item level the largest
        counts over its statements."""
        rows = self.suppressed[self.suppressed["dimension"] == dimension]
        return (int(rows["groups"].max()), int(rows["n"].max())) if len(rows) else (0, 0)

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per dimension (or statement).

        Examples
        --------
        >>> from cxbench.synthetic import generate_benchmark
        >>> from cxbench.instrument import load_instrument
        >>> data = generate_benchmark(2023, n=120, seed=7)
        >>> records = compare_groups(data, load_instrument(), by="sector").to_records()
        >>> sorted(records[0])  # doctest: +NORMALIZE_WHITESPACE
        ['dimension', 'effect_size', 'excluded_missing_group', 'groups', 'kruskal',
         'posthoc', 'suppressed', 'welch']
        """
        keys = list(self.keys)
        records = []
        for _, test in self.omnibus.iterrows():
            ident = {key: test[key] for key in keys}

            def rows(frame: pd.DataFrame, ident: dict = ident) -> pd.DataFrame:
                mask = np.logical_and.reduce([frame[k] == v for k, v in ident.items()])
                return frame.loc[mask]

            suppressed = rows(self.suppressed).iloc[0]
            missing = rows(self.excluded_missing_group)
            records.append(
                ident
                | {
                    "welch": {
                        "F": as_float(test["welch_F"]),
                        "df1": as_float(test["welch_df1"]),
                        "df2": as_float(test["welch_df2"]),
                        "p": as_float(test["welch_p"]),
                    },
                    "kruskal": {
                        "H": as_float(test["kruskal_H"]),
                        "df": as_float(test["kruskal_df"]),
                        "p": as_float(test["kruskal_p"]),
                        "epsilon2": as_float(test["epsilon2"]),
                    },
                    "effect_size": {"name": "omega2", "value": as_float(test["omega2"])},
                    "groups": [
                        {
                            "group": g["group"],
                            "n": int(g["n"]),
                            "mean": as_float(g["mean"]),
                            "sd": as_float(g["sd"]),
                            "ci_low": as_float(g["ci_low"]),
                            "ci_high": as_float(g["ci_high"]),
                        }
                        for _, g in rows(self.groups).iterrows()
                    ],
                    "posthoc": [
                        {
                            "a": p["a"],
                            "b": p["b"],
                            "diff": as_float(p["diff"]),
                            "p_adj": as_float(p["p_adj"]),
                        }
                        for _, p in rows(self.posthoc).iterrows()
                    ],
                    "suppressed": {
                        "groups": int(suppressed["groups"]),
                        "n": int(suppressed["n"]),
                    },
                    "excluded_missing_group": int(missing["n"].iloc[0]) if len(missing) else 0,
                }
            )
        return records


def _order_groups(frame: pd.DataFrame, instrument: Instrument, keys: list[str]) -> pd.DataFrame:
    return sort_tidy(frame, instrument, [*keys, "group"]) if len(frame) else frame


def compare_groups(
    data: pd.DataFrame,
    instrument: Instrument,
    by: str,
    *,
    level: Literal["dimension", "item"] = "dimension",
    min_n: int = DEFAULT_MIN_N,
    confidence: float = DEFAULT_CONFIDENCE,
    correction: str = "holm",
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> GroupComparison:
    """Compare the groups of a column on every dimension (or statement).

    Parameters
    ----------
    data : DataFrame
        Validated wide answers (:func:`cxbench.validation.validate_responses`).
    instrument : Instrument
    by : str
        The grouping column, e.g. ``"sector"``.
    level : {"dimension", "item"}
        Compare dimension scores, or each statement's scores.
    min_n : int
        Groups with fewer scored respondents are suppressed (default 5).
    confidence : float
        Level of the bootstrap intervals.
    correction : {"holm", "bonf", "none"}
        Correction of the post-hoc p-values over the dimensions together (see
        :func:`cxbench.stats.games_howell`).
    method, min_answered, id_column
        As in :func:`cxbench.scoring.respondent_scores`.
    n_resamples, seed
        For the bootstrap intervals; the same seed gives the same intervals.

    Returns
    -------
    GroupComparison
        Its ``groups``, ``omnibus`` and ``posthoc`` frames never contain a suppressed
        group; ``to_records()`` gives the JSON of ``cxbench compare``.

    Notes
    -----
    Per analysis: overall n = Σ shown groups' n + suppressed n + respondents without a
    group value (``tests/test_comparison.py`` checks that the counts reconcile).

    A process remembers its last :data:`CACHE_SIZE` results, keyed on the content of
    the columns read (respondent id, ``by`` and the items) and on every argument, and
    hands out a deep copy: the report set compares the same edition in every one of
    its reports, and each worker's kernel then computes it once. Changed data or
    arguments give a different key; the bootstrap is seeded, so a result computed
    again is identical.

    Examples
    --------
    >>> from cxbench.synthetic import generate_benchmark
    >>> from cxbench.instrument import load_instrument
    >>> data = generate_benchmark(2023, n=120, seed=7)
    >>> result = compare_groups(data, load_instrument(), by="sector", min_n=15)
    >>> result.groups.columns.tolist()
    ['dimension', 'group', 'n', 'mean', 'sd', 'ci_low', 'ci_high']
    >>> bool((result.groups.n >= 15).all())
    True
    """
    min_n, confidence, correction, method, level, n_resamples, seed = check_comparison(
        min_n=min_n,
        confidence=confidence,
        correction=correction,
        method=method,
        level=level,
        n_resamples=n_resamples,
        seed=seed,
    )
    settings = (by, level, min_n, confidence, correction, method, min_answered, id_column)
    key = _fingerprint(
        data, [id_column, by, *instrument.item_ids], instrument, settings, n_resamples, seed
    )
    if key not in _COMPARISONS:
        _COMPARISONS[key] = _compare_groups(
            data, instrument, *settings, n_resamples=n_resamples, seed=seed
        )
        while len(_COMPARISONS) > CACHE_SIZE:
            _COMPARISONS.popitem(last=False)
    _COMPARISONS.move_to_end(key)
    return copy.deepcopy(_COMPARISONS[key])


def _fingerprint(data: pd.DataFrame, columns: Sequence[str], *settings: Any) -> str:
    """A digest of the values of ``columns`` (those present) and of ``settings``."""
    present = [column for column in dict.fromkeys(columns) if column in data.columns]
    digest = hashlib.sha256(repr((present, len(data), settings)).encode())
    if present:
        rows = pd.util.hash_pandas_object(data[present], index=False)
        digest.update(rows.to_numpy().tobytes())
    return digest.hexdigest()


@cached_result
def _compare_groups(
    data: pd.DataFrame,
    instrument: Instrument,
    by: str,
    level: Literal["dimension", "item"],
    min_n: int,
    confidence: float,
    correction: str,
    method: Method,
    min_answered: int | None,
    id_column: str,
    *,
    n_resamples: int,
    seed: int,
) -> GroupComparison:
    scores, keys = group_respondent_scores(
        data,
        instrument,
        by,
        level=level,
        method=method,
        min_answered=min_answered,
        id_column=id_column,
    )
    options = {"keys": keys, "confidence": confidence, "n_resamples": n_resamples, "seed": seed}
    overall, _ = suppress_small_groups(
        group_statistics(scores.assign(group="all"), **options), min_n, keys=keys
    )
    overall = _order_groups(overall, instrument, keys)  # not in the first respondent's order
    missing = (scores["group"] == MISSING_GROUP).to_numpy()
    excluded = (
        scores[keys]
        .drop_duplicates()
        .merge(
            scores.loc[missing].groupby(keys, sort=False).size().rename("n").reset_index(),
            on=keys,
            how="left",
        )
        .fillna({"n": 0})
        .astype({"n": int})
        .reset_index(drop=True)
    )
    grouped = scores.loc[~missing]
    stats_all = group_statistics(grouped, **options)
    shown, suppressed = suppress_small_groups(stats_all, min_n, keys=keys)
    shown = _order_groups(shown, instrument, keys)
    visible = grouped.merge(shown[[*keys, "group"]], on=[*keys, "group"])
    visible = _order_groups(visible, instrument, keys)
    # every analysis keeps its record, also when all of its groups are suppressed
    analyses = sort_tidy(scores[keys].drop_duplicates(), instrument, keys)
    tested = omnibus_tests(visible, keys=keys)
    figures = [c for c in tested.columns if c not in {*keys, "groups", "n"}]
    omnibus = analyses.merge(tested, on=keys, how="left").fillna({"groups": 0, "n": 0})
    omnibus = omnibus.astype({"groups": int, "n": int} | dict.fromkeys(figures, float))
    suppressed = (
        analyses.merge(suppressed, on=keys, how="left")
        .fillna({"groups": 0, "n": 0})
        .astype({"groups": int, "n": int})
    )
    posthoc = games_howell(visible, keys=keys, correction=correction)
    return GroupComparison(
        by=by,
        level=level,
        keys=tuple(keys),
        min_n=min_n,
        confidence=confidence,
        correction=correction,
        method=method,
        groups=shown,
        overall=overall,
        omnibus=omnibus,
        posthoc=posthoc,
        suppressed=suppressed,
        excluded_missing_group=excluded,
    )


def group_vs_rest(
    data: pd.DataFrame,
    instrument: Instrument,
    by: str,
    group: str,
    *,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = DEFAULT_CONFIDENCE,
    correction: str = "holm",
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
) -> pd.DataFrame:
    """One group against the rest of the benchmark, per dimension (Welch's t-test).

    The rest is every respondent with another (known) value of ``by``, suppressed
    groups included; respondents without a group value are left out.

    Returns
    -------
    DataFrame
        ``dimension``, ``group``, ``n``, ``mean``, ``n_rest``, ``mean_rest``,
        ``diff`` (group − rest), ``ci_low``, ``ci_high`` (of the difference, Welch),
        ``t``, ``df``, ``p``, ``p_adj`` (over the dimensions, ``correction``).

    Raises
    ------
    ParameterError
        When the group is not in the data or is suppressed on a dimension (fewer
        than ``min_n`` respondents, or hidden with a smaller group as in
        :func:`cxbench.privacy.suppress_small_groups`).

    Examples
    --------
    >>> from cxbench.synthetic import generate_benchmark
    >>> from cxbench.instrument import load_instrument
    >>> data = generate_benchmark(2023, n=200, seed=7)
    >>> table = group_vs_rest(data, load_instrument(), "sector", "Finance")
    >>> table.dimension.tolist(), bool((table.n + table.n_rest <= 200).all())
    (['measure', 'manage', 'master'], True)
    """
    min_n = check_min_n(min_n)
    confidence = check_confidence(confidence)
    correction = check_correction(correction)
    scores, _ = group_respondent_scores(
        data,
        instrument,
        by,
        level="dimension",
        method=method,
        min_answered=min_answered,
        id_column=id_column,
    )
    records = []
    for dim in instrument.dimension_ids:
        frame = scores[scores["dimension"] == dim]
        inside = frame["group"] == str(group)
        rest = ~inside & (frame["group"] != MISSING_GROUP)
        a, b = frame.loc[inside, "score"].to_numpy(), frame.loc[rest, "score"].to_numpy()
        # a group hidden with a small one (complementary suppression) is refused too:
        # its figures and the rest's would give the small group's away. The message
        # does not echo the name asked for, which may be a suppressed group's.
        sizes = frame.groupby("group", sort=False).size().rename("n").reset_index()
        shown, _ = suppress_small_groups(sizes.assign(dimension=dim), min_n)
        if str(group) == MISSING_GROUP or str(group) not in set(shown["group"]):
            raise ParameterError(
                "group",
                "",
                f"no {by} of that name shown (at least {min_n} respondents) on {dim} "
                f"(shown: {', '.join(sorted(shown['group'], key=natural_key))})",
            )
        diff = welch_difference(a, b, confidence)
        records.append((dim, str(group), len(a), a.mean(), len(b), b.mean(), *diff))
    out = pd.DataFrame.from_records(
        records,
        columns=[
            "dimension",
            "group",
            "n",
            "mean",
            "n_rest",
            "mean_rest",
            "diff",
            "ci_low",
            "ci_high",
            "t",
            "df",
            "p",
        ],
    )
    return adjust_p(out, correction)
