"""Statistical tests and intervals for groups of respondent scores.

The building blocks of :mod:`cxbench.comparison` and :mod:`cxbench.trends`, as pingouin
keeps its families: per group n, mean, standard deviation and a seeded bias-corrected
and accelerated (BCa) bootstrap interval (:func:`group_statistics`,
:func:`bootstrap_ci`); across groups Welch's ANOVA with omega² and the Kruskal–Wallis
test with epsilon² (:func:`omnibus_tests`); between pairs the Games–Howell test with its
p-values corrected once more across the families of comparisons (:func:`games_howell`);
two samples, Welch's t-test with the interval of the difference
(:func:`welch_difference`), and a correction of a column of p-values (:func:`adjust_p`).
These functions see scores only: which groups may be shown is decided before, by
:mod:`cxbench.privacy`.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from ._checks import DEFAULT_CONFIDENCE, check_confidence, check_correction, check_whole
from .errors import ParameterError

__all__ = [
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "adjust_p",
    "bootstrap_ci",
    "games_howell",
    "group_statistics",
    "omnibus_tests",
    "welch_difference",
]

DEFAULT_SEED = 2023
DEFAULT_RESAMPLES = 9999


def _stream_seed(
    seed: int, *parts: object, values: np.ndarray | None = None
) -> np.random.Generator:
    """A generator seeded by ``seed``, a stable hash of ``parts`` and of ``values``.

    :func:`group_statistics` seeds each group's resamples with the analysis (the
    dimension or statement) and the group's own scores, sorted, never its name: a
    group's interval is then the same whichever other groups are analysed with it, and
    in every report language, where its name is translated.
    """
    text = "\x1f".join(map(str, parts)).encode("utf-8")
    key = zlib.crc32(values.tobytes(), zlib.crc32(text)) if values is not None else zlib.crc32(text)
    return np.random.default_rng([int(seed), key])


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
        seed, the keys and the group's own scores (not its name, so a group translated
        into another language keeps its interval).

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
        # sorted: the interval depends on the scores, not on the rows' order or the name
        x = np.sort(frame[value].to_numpy(dtype=float))
        low, high = bootstrap_ci(
            x,
            confidence=confidence,
            n_resamples=n_resamples,
            rng=_stream_seed(seed, *key_values[:-1], values=x),
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


def welch_difference(a: np.ndarray, b: np.ndarray, confidence: float) -> tuple[float, ...]:
    """diff (a − b), its CI, t, df and p of Welch's two-sample t-test.

    NaN but the difference when a sample has fewer than two values or neither varies.

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


def adjust_p(frame: pd.DataFrame, correction: str) -> pd.DataFrame:
    """``frame`` with a column ``p_adj``: its ``p`` column corrected together
    (``"holm"``, ``"bonf"`` via :func:`pingouin.multicomp`, or ``"none"``).

    Examples
    --------
    >>> adjust_p(pd.DataFrame({"p": [0.01, 0.04]}), "holm").p_adj.tolist()
    [0.02, 0.04]
    """
    correction = check_correction(correction)
    p = frame["p"].to_numpy(dtype=float)
    frame["p_adj"] = (
        p if correction == "none" or not len(p) else pg.multicomp(p, method=correction)[1]
    )
    return frame
