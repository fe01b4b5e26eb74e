"""Comparing groups (sectors, countries, editions) on their dimension or statement scores.

The unit of analysis is the respondent's score (see :mod:`cxbench.scoring`). For each
dimension (or statement) and each group this module gives n, mean, standard deviation
and a seeded bias-corrected and accelerated (BCa) bootstrap confidence interval; across
the groups Welch's ANOVA (with omega²) and the Kruskal–Wallis test (with epsilon²);
between pairs of groups the Games–Howell test, its p-values corrected once more across
all dimensions together (Holm by default). Two-sample differences (a group against the
rest of the benchmark, an edition against the previous one) use Welch's t-test.

Anonymity comes first: a group with fewer than ``min_n`` scored respondents is never
named. Its respondents are counted in a "suppressed" line and left out of every
group-level figure and test; the benchmark ("all") figures still include them, as
they include respondents whose group value is missing. Suppression happens here,
before any figure leaves the package.
"""

from __future__ import annotations

import copy
import hashlib
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from ._checks import (
    CORRECTIONS,
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_N,
    as_float,
    check_comparison,
    check_confidence,
    check_correction,
    check_method,
    check_min_n,
    check_whole,
    natural_key,
)
from .errors import ParameterError
from .instrument import Instrument
from .privacy import MISSING_GROUP, group_keys, suppress_small_groups
from .scoring import Method, _sort, respondent_scores, reverse_items

__all__ = [
    "CORRECTIONS",
    "GroupComparison",
    "bootstrap_ci",
    "compare_groups",
    "edition_difference",
    "games_howell",
    "group_statistics",
    "group_vs_rest",
    "item_respondent_scores",
    "omnibus_tests",
]

DEFAULT_SEED = 2023
DEFAULT_RESAMPLES = 9999
#: How many recent :func:`compare_groups` results a process keeps (see its Notes).
CACHE_SIZE = 8
_COMPARISONS: OrderedDict[str, GroupComparison] = OrderedDict()


# --------------------------------------------------------------------------- helpers


def _stream_seed(seed: int, *parts: object) -> np.random.Generator:
    """A generator seeded by ``seed`` and a stable hash of ``parts``.

    Each group's resamples then depend only on the seed and the group's own name, so a
    group's interval is the same whichever other groups are analysed with it.
    """
    key = zlib.crc32("\x1f".join(map(str, parts)).encode("utf-8"))
    return np.random.default_rng([int(seed), key])


# ------------------------------------------------------------------- building blocks


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    rng: np.random.Generator | int | None = DEFAULT_SEED,
) -> tuple[float, float]:
    """Bias-corrected and accelerated (BCa) bootstrap confidence interval of a mean.

    All resamples are drawn and averaged at once (:func:`scipy.stats.bootstrap`,
    vectorised); there is no Python loop over resamples.

    Parameters
    ----------
    values : array-like
        The observations; NaN are dropped.
    confidence : float
        Confidence level, e.g. 0.95.
    n_resamples : int
        Bootstrap resamples.
    rng : Generator or int
        Random generator or seed; the same seed gives the same interval.

    Returns
    -------
    (low, high) : tuple of float
        NaN for fewer than two observations; ``(mean, mean)`` when every value is
        the same (the bootstrap distribution is a single point).

    Notes
    -----
    Efron & Tibshirani (1993), *An Introduction to the Bootstrap*, ch. 14. For a
    large sample the interval approaches the t interval; ``tests/test_comparison.py``
    checks that.

    Examples
    --------
    >>> low, high = bootstrap_ci([60.0, 65.0, 70.0, 75.0, 80.0, 85.0], rng=1)
    >>> bool(low < 72.5 < high)
    True
    >>> bootstrap_ci([70.0, 70.0, 70.0])
    (70.0, 70.0)
    """
    confidence = check_confidence(confidence)
    n_resamples = check_whole(n_resamples, "n_resamples")
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return (np.nan, np.nan)
    if np.ptp(x) == 0:
        return (float(x[0]), float(x[0]))
    result = stats.bootstrap(
        (x,),
        np.mean,
        n_resamples=int(n_resamples),
        confidence_level=confidence,
        method="BCa",
        vectorized=True,
        rng=np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng,
    )
    return (float(result.confidence_interval.low), float(result.confidence_interval.high))


def item_respondent_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    method: Method = "sum_max",
    id_column: str = "respondent_id",
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


def group_statistics(
    scores: pd.DataFrame,
    *,
    group: str = "group",
    keys: Sequence[str] = ("dimension",),
    value: str = "score",
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """n, mean, standard deviation and bootstrap CI per group, from respondent scores.

    Parameters
    ----------
    scores : DataFrame
        Tidy respondent scores (one row per respondent and dimension or statement),
        e.g. from :func:`cxbench.scoring.respondent_scores`.
    group : str
        The grouping column.
    keys : sequence of str
        What is analysed separately (``("dimension",)`` or ``("dimension", "item")``).
    value : str
        The score column; NaN scores are left out.
    confidence, n_resamples, seed
        For :func:`bootstrap_ci`; each interval's random stream depends only on the
        seed, the keys and the group's name.

    Returns
    -------
    DataFrame
        Columns ``keys``, ``group``, ``n``, ``mean``, ``sd`` (n − 1), ``ci_low``,
        ``ci_high``; keys and groups in order of first appearance.

    Examples
    --------
    >>> scores = pd.DataFrame({"dimension": ["measure"] * 4, "group": ["a", "a", "b", "b"],
    ...                        "score": [60.0, 80.0, 70.0, 70.0]})
    >>> group_statistics(scores)[["dimension", "group", "n", "mean", "sd"]]
      dimension group  n  mean         sd
    0   measure     a  2  70.0  14.142136
    1   measure     b  2  70.0   0.000000
    """
    confidence = check_confidence(confidence)
    n_resamples = check_whole(n_resamples, "n_resamples")
    seed = check_whole(seed, "seed", 0)
    keys = list(keys)
    for column in [*keys, group, value]:
        if column not in scores.columns:
            raise ParameterError("scores", column, "no such column")
    scored = scores.dropna(subset=[value])
    records = []
    for key_values, frame in scored.groupby([*keys, group], sort=False):
        x = frame[value].to_numpy(dtype=float)
        low, high = bootstrap_ci(
            x,
            confidence=confidence,
            n_resamples=n_resamples,
            rng=_stream_seed(seed, *key_values),
        )
        records.append(
            (*key_values, len(x), x.mean(), x.std(ddof=1) if len(x) > 1 else np.nan, low, high)
        )
    return pd.DataFrame.from_records(
        records, columns=[*keys, group, "n", "mean", "sd", "ci_low", "ci_high"]
    ).astype({"n": int})


def omnibus_tests(
    scores: pd.DataFrame,
    *,
    group: str = "group",
    keys: Sequence[str] = ("dimension",),
    value: str = "score",
) -> pd.DataFrame:
    """Welch's ANOVA and the Kruskal–Wallis test across the groups, per analysis.

    Parameters
    ----------
    scores : DataFrame
        Tidy respondent scores of the groups to compare (suppress small groups first).
    group, keys, value
        As in :func:`group_statistics`.

    Returns
    -------
    DataFrame
        Columns ``keys``, ``groups`` (k), ``n``, ``welch_F``, ``welch_df1``,
        ``welch_df2``, ``welch_p``, ``omega2``, ``kruskal_H``, ``kruskal_df``,
        ``kruskal_p``, ``epsilon2``. A test that cannot be computed (fewer than two
        groups; Welch's test when a group's scores do not vary) is NaN.

    Notes
    -----
    Welch's F is pingouin's :func:`~pingouin.welch_anova` (as R's ``oneway.test``;
    checked against :func:`scipy.stats.f_oneway` with ``equal_var=False``).
    Its effect size is the estimated omega squared
    ω² = df1 (F − 1) / (df1 (F − 1) + N) (Carroll & Nordholm, 1975; Kirk, 1996),
    set to 0 when F < 1. Kruskal–Wallis H is pingouin's :func:`~pingouin.kruskal`
    (checked against :func:`scipy.stats.kruskal`), with
    ε² = H / (N − 1) = H / ((N² − 1) / (N + 1)) (Tomczak & Tomczak, 2014;
    as R's ``rcompanion::epsilonSquared``).

    Examples
    --------
    >>> data = pg.read_dataset("anova").rename(columns={"Hair color": "group"})
    >>> data["dimension"] = "pain"
    >>> row = omnibus_tests(data, value="Pain threshold").iloc[0]
    >>> # scipy.stats.f_oneway(..., equal_var=False), Welch's own test, gives the same
    >>> [round(float(row[c]), 5) for c in ("welch_F", "welch_df2", "welch_p")]
    [5.89011, 8.32984, 0.01881]
    >>> # scipy.stats.kruskal gives the same
    >>> [round(float(row[c]), 5) for c in ("kruskal_H", "kruskal_df", "kruskal_p")]
    [10.58863, 3.0, 0.01417]
    """
    keys = list(keys)
    records = []
    scored = scores.dropna(subset=[value])
    for key_values, frame in scored.groupby(keys, sort=False):
        key_values = key_values if isinstance(key_values, tuple) else (key_values,)
        n = len(frame)
        sizes = frame.groupby(group, sort=False)[value].agg(["size", "var"])
        k = len(sizes)
        welch = (np.nan, np.nan, np.nan, np.nan, np.nan)
        kruskal = (np.nan, np.nan, np.nan, np.nan)
        if k >= 2:
            if (sizes["size"] >= 2).all() and (sizes["var"] > 0).all():
                w = pg.welch_anova(data=frame, dv=value, between=group).iloc[0]
                f, df1 = float(w["F"]), float(w["ddof1"])
                omega2 = max(0.0, df1 * (f - 1) / (df1 * (f - 1) + n))
                welch = (f, df1, float(w["ddof2"]), float(w["p_unc"]), omega2)
            if np.ptp(frame[value].to_numpy(dtype=float)) > 0:
                h = pg.kruskal(data=frame, dv=value, between=group).iloc[0]
                kruskal = (float(h["H"]), float(h["ddof1"]), float(h["p_unc"]))
                kruskal = (*kruskal, kruskal[0] / (n - 1))
        records.append((*key_values, k, n, *welch, *kruskal))
    return pd.DataFrame.from_records(
        records,
        columns=[
            *keys,
            "groups",
            "n",
            "welch_F",
            "welch_df1",
            "welch_df2",
            "welch_p",
            "omega2",
            "kruskal_H",
            "kruskal_df",
            "kruskal_p",
            "epsilon2",
        ],
    )


def games_howell(
    scores: pd.DataFrame,
    *,
    group: str = "group",
    keys: Sequence[str] = ("dimension",),
    value: str = "score",
    correction: str = "holm",
) -> pd.DataFrame:
    """Games–Howell pairwise comparisons, corrected across the dimensions together.

    Games–Howell p-values (pingouin's :func:`~pingouin.pairwise_gameshowell`) already
    hold the familywise error rate over the pairs of one dimension. ``correction``
    then holds it over the dimensions (or statements) together, so that reading
    three dimensions does not triple the chance of a false difference.

    Parameters
    ----------
    scores : DataFrame
        Tidy respondent scores of the groups to compare (suppress small groups first).
    group, keys, value
        As in :func:`group_statistics`.
    correction : {"holm", "bonf", "none"}
        How the D dimensions' families are combined; see Notes.

    Returns
    -------
    DataFrame
        Columns ``keys``, ``a``, ``b``, ``mean_a``, ``mean_b``, ``diff`` (a − b),
        ``se``, ``t``, ``df``, ``p_gh`` (Games–Howell), ``p_adj``, ``hedges``.

    Notes
    -----
    Each dimension's pairs form one family whose Games–Howell p-values are already
    adjusted within it. ``"bonf"`` multiplies them by D. ``"holm"`` is Holm's
    step-down over the families: families are ranked by their smallest p-value; the
    i-th family's p-values are multiplied by D − i + 1 and never fall below the
    adjusted smallest p-value of the family ranked before it, so a family can only
    show a difference once every family ranked before it has shown one. Adjusting
    the 45 pairs of each dimension again, as if they were 135 independent tests,
    would correct twice.

    Examples
    --------
    >>> data = pg.read_dataset("anova").rename(columns={"Hair color": "group"})
    >>> data["dimension"] = "pain"
    >>> pairs = games_howell(data, value="Pain threshold", correction="none")
    >>> len(pairs), bool((pairs.p_adj == pairs.p_gh).all())
    (6, True)
    """
    correction = check_correction(correction)
    keys = list(keys)
    columns = [*keys, "a", "b", "mean_a", "mean_b", "diff", "se", "t", "df", "p_gh", "hedges"]
    frames = []
    scored = scores.dropna(subset=[value])
    for key_values, frame in scored.groupby(keys, sort=False):
        key_values = key_values if isinstance(key_values, tuple) else (key_values,)
        if frame[group].nunique() < 2:
            continue
        # Keep the caller's group order: pingouin sorts groups alphabetically.
        order = pd.Categorical(frame[group], categories=pd.unique(frame[group]), ordered=True)
        gh = pg.pairwise_gameshowell(data=frame.assign(**{group: order}), dv=value, between=group)
        gh = gh.rename(
            columns={
                "A": "a",
                "B": "b",
                "mean_A": "mean_a",
                "mean_B": "mean_b",
                "T": "t",
                "pval": "p_gh",
            }
        )
        for key, key_value in zip(keys, key_values, strict=True):
            gh[key] = key_value
        frames.append(gh.astype({"a": object, "b": object}))
    if not frames:
        return pd.DataFrame(columns=[*columns, "p_adj"])
    out = pd.concat(frames, ignore_index=True)[columns]
    out["p_adj"] = _correct_families(out, keys, correction)
    return out[[*columns[:-1], "p_adj", "hedges"]]


def _correct_families(pairs: pd.DataFrame, keys: list[str], correction: str) -> np.ndarray:
    """Holm (or Bonferroni) over families of already-adjusted p-values; see games_howell."""
    p = pairs["p_gh"].to_numpy(dtype=float)
    if correction == "none":
        return p
    family = pairs.groupby(keys, sort=False).ngroup().to_numpy()
    n_families = family.max() + 1
    if correction == "bonf":
        return np.minimum(1.0, p * n_families)
    smallest = np.array([np.nanmin(p[family == f]) for f in range(n_families)])
    adjusted = np.empty_like(p)
    floor = 0.0
    for rank, f in enumerate(np.argsort(smallest, kind="stable")):
        members = family == f
        factor = n_families - rank
        adjusted[members] = np.maximum(np.minimum(1.0, p[members] * factor), floor)
        floor = max(floor, min(1.0, smallest[f] * factor))
    return adjusted


def _welch_difference(a: np.ndarray, b: np.ndarray, confidence: float) -> tuple[float, ...]:
    """diff (a − b), its CI, t, df and p of Welch's two-sample t-test.

    scipy rather than pingouin here: pingouin's ``ttest`` rounds its interval to two
    decimals, which is too coarse for a difference of a few points.
    """
    if len(a) < 2 or len(b) < 2 or (np.ptp(a) == 0 and np.ptp(b) == 0):
        return (a.mean() - b.mean() if len(a) and len(b) else np.nan, *[np.nan] * 5)
    test = stats.ttest_ind(a, b, equal_var=False)
    ci = test.confidence_interval(confidence)
    return (
        float(a.mean() - b.mean()),
        float(ci.low),
        float(ci.high),
        float(test.statistic),
        float(test.df),
        float(test.pvalue),
    )


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
        See :func:`omnibus_tests`; computed over the shown groups.
    posthoc : DataFrame
        See :func:`games_howell`.
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


def _tidy_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    by: str,
    *,
    level: str,
    method: Method,
    min_answered: int | None,
    id_column: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Respondent scores with a ``group`` column (:func:`cxbench.privacy.group_keys`)."""
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


def _scores_by(
    data: pd.DataFrame,
    instrument: Instrument,
    by: str | None,
    level: str,
    method: Method,
    min_answered: int | None,
    id_column: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Scored respondents with a group value (those without are in no group's figure,
    :mod:`cxbench.privacy`); without ``by``, one group ``"all"``."""
    frame = data if by is not None else data.assign(_all="all")
    scores, keys = _tidy_scores(
        frame,
        instrument,
        by or "_all",
        level=level,
        method=method,
        min_answered=min_answered,
        id_column=id_column,
    )
    return scores[scores["group"] != MISSING_GROUP].reset_index(drop=True), keys


def _order_groups(frame: pd.DataFrame, instrument: Instrument, keys: list[str]) -> pd.DataFrame:
    return _sort(frame, instrument, [*keys, "group"]) if len(frame) else frame


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
    id_column: str = "respondent_id",
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
        :func:`games_howell`).
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
    scores, keys = _tidy_scores(
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
    analyses = _sort(scores[keys].drop_duplicates(), instrument, keys)
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


def _holm_frame(frame: pd.DataFrame, correction: str) -> pd.DataFrame:
    p = frame["p"].to_numpy(dtype=float)
    frame["p_adj"] = (
        p if correction == "none" or not len(p) else pg.multicomp(p, method=correction)[1]
    )
    return frame


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
    id_column: str = "respondent_id",
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
        :func:`suppress_small_groups`).

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
    scores, _ = _tidy_scores(
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
        diff = _welch_difference(a, b, confidence)
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
    return _holm_frame(out, correction)


def edition_difference(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    instrument: Instrument,
    *,
    by: str | None = None,
    level: str = "dimension",
    min_n: int = DEFAULT_MIN_N,
    confidence: float = DEFAULT_CONFIDENCE,
    correction: str = "holm",
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = "respondent_id",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The change of each dimension (or statement) score from one edition to the next.

    Welch's t-test between the two editions' respondents, overall or per group, with
    the interval of the difference and p-values corrected over every row together.
    The test treats the editions as independent samples; organisations that answer
    both are positively correlated, so the test is conservative for them.

    Parameters
    ----------
    current, previous : DataFrame
        Validated wide answers of the two editions.
    by : str, optional
        Grouping column; without it the whole benchmark (group ``"all"``).
    level : {"dimension", "item"}
        Compare dimension scores, or each statement's scores (an ``item`` column).
    min_n : int
        A group with fewer scored respondents in either edition is suppressed, with
        complementary suppression in each edition (:func:`suppress_small_groups`).

    Returns
    -------
    shown : DataFrame
        ``dimension`` [, ``item``], ``group``, ``n_previous``, ``mean_previous``, ``n_current``,
        ``mean_current``, ``diff`` (current − previous), ``ci_low``, ``ci_high``,
        ``t``, ``df``, ``p``, ``p_adj``.
    suppressed : DataFrame
        ``dimension`` [, ``item``], ``groups``, ``n`` (respondents of both editions).

    Examples
    --------
    >>> from cxbench.synthetic import generate_benchmark
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> now, before = generate_benchmark(2023, n=150), generate_benchmark(2022, n=150)
    >>> shown, suppressed = edition_difference(now, before, inst)
    >>> shown[["dimension", "group"]].values.tolist()
    [['measure', 'all'], ['manage', 'all'], ['master', 'all']]
    """
    min_n = check_min_n(min_n)
    confidence = check_confidence(confidence)
    correction = check_correction(correction)
    (before, keys), (after, _) = (
        _scores_by(frame, instrument, by, level, method, min_answered, id_column)
        for frame in (previous, current)
    )
    ident = [*keys, "group"]
    # what may be shown: groups shown in each edition on its own, complementary
    # suppression included (the editions' overall figures are public too)
    visible = []
    for scores in (before, after):
        counts = scores.groupby(ident, sort=False).size().rename("n").reset_index()
        shown_counts, _ = suppress_small_groups(counts, min_n, keys=keys)
        visible.append(set(map(tuple, shown_counts[ident].to_numpy().tolist())))
    allowed = visible[0] & visible[1]
    values_after = {k: g["score"].to_numpy(float) for k, g in after.groupby(ident, sort=False)}
    values_before = {k: g["score"].to_numpy(float) for k, g in before.groupby(ident, sort=False)}
    records, hidden = [], []
    for key in set(values_after) | set(values_before):
        a = values_after.get(key, np.empty(0))
        b = values_before.get(key, np.empty(0))
        if key not in allowed:
            hidden.append((*key[:-1], len(a) + len(b)))
            continue
        records.append(
            (*key, len(b), b.mean(), len(a), a.mean(), *_welch_difference(a, b, confidence))
        )
    shown = pd.DataFrame.from_records(
        records,
        columns=[
            *ident,
            "n_previous",
            "mean_previous",
            "n_current",
            "mean_current",
            "diff",
            "ci_low",
            "ci_high",
            "t",
            "df",
            "p",
        ],
    )
    shown = _sort(shown, instrument, ident)
    analyses = _sort(pd.concat([before[keys], after[keys]]).drop_duplicates(), instrument, keys)
    hidden_frame = pd.DataFrame.from_records(hidden, columns=[*keys, "n"])
    suppressed = (
        analyses.merge(
            hidden_frame.groupby(keys).agg(groups=("n", "size"), n=("n", "sum")).reset_index(),
            on=keys,
            how="left",
        )
        .fillna({"groups": 0, "n": 0})
        .astype({"groups": int, "n": int})
    )
    return _holm_frame(shown, correction), suppressed
