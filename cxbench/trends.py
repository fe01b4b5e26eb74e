"""How the field moves from one edition to the next.

:func:`edition_trend` lays the editions side by side (per dimension or statement,
overall or per group, each figure with its bootstrap interval) and tests each change
from the edition before with Welch's t-test; :func:`paired_change` follows the
organisations that answered both editions (matched on their id) with a paired t-test,
which is the sharper test when most of the panel returns.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from ._checks import (
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_N,
    ID_COLUMN,
    check_comparison,
    check_confidence,
    check_correction,
    check_method,
    check_min_n,
)
from .errors import ParameterError
from .instrument import Instrument
from .privacy import suppress_small_groups
from .scoring import Method, grouped_scores, sort_tidy
from .stats import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    adjust_p,
    group_statistics,
    welch_difference,
)

__all__ = ["edition_difference", "edition_trend", "paired_change"]


def edition_trend(
    editions: Mapping[int, pd.DataFrame],
    instrument: Instrument,
    *,
    by: str | None = None,
    level: str = "dimension",
    min_n: int = DEFAULT_MIN_N,
    confidence: float = DEFAULT_CONFIDENCE,
    correction: str = "holm",
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Every edition's scores, and the change from the edition before with its test.

    Parameters
    ----------
    editions : mapping of int to DataFrame
        Validated wide answers per edition (year).
    instrument : Instrument
    by : str, optional
        A grouping column (e.g. ``"sector"``); without it the whole benchmark
        (``"all"``).
    level : {"dimension", "item"}
    min_n : int
        A group is shown in an edition only with at least ``min_n`` respondents there
        (complementary suppression included), and a change only when both editions
        show it.
    confidence, correction
        Bootstrap interval level; correction of the change p-values over every row.

    Returns
    -------
    DataFrame
        ``edition``, the keys (``dimension`` [, ``item``]), ``group``, ``n``, ``mean``,
        ``ci_low``, ``ci_high``, then for the change from the previous edition:
        ``change``, ``change_ci_low``, ``change_ci_high``, ``p``, ``p_adj`` (NaN for the
        first edition).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst = load_instrument()
    >>> editions = {2022: generate_benchmark(2022, n=120), 2023: generate_benchmark(2023, n=120)}
    >>> trend = edition_trend(editions, inst, n_resamples=199)
    >>> trend[["edition", "dimension", "group"]].head(4).values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [[2022, 'measure', 'all'], [2022, 'manage', 'all'], [2022, 'master', 'all'],
     [2023, 'measure', 'all']]
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
    if len(editions) < 1:
        raise ParameterError("editions", "", "at least one edition is needed")
    years = sorted(editions)
    stats_frames = []
    for year in years:
        tidy, keys = grouped_scores(
            editions[year], instrument, by, level, method, min_answered, id_column
        )
        table = group_statistics(
            tidy, keys=keys, confidence=confidence, n_resamples=n_resamples, seed=seed
        )
        shown, _ = suppress_small_groups(table, min_n, keys=keys)
        stats_frames.append(shown.assign(edition=year))
    trend = pd.concat(stats_frames, ignore_index=True)
    changes = [
        edition_difference(
            editions[after],
            editions[before],
            instrument,
            by=by,
            level=level,
            min_n=min_n,
            confidence=confidence,
            correction="none",  # corrected below, over the changes of every edition
            method=method,
            min_answered=min_answered,
            id_column=id_column,
        )[0].assign(edition=after)
        for before, after in itertools.pairwise(years)
    ]
    columns = [*keys, "group", "edition", "diff", "ci_low", "ci_high", "p"]
    change_frame = (
        pd.concat(changes, ignore_index=True)[columns] if changes else pd.DataFrame(columns=columns)
    ).rename(columns={"diff": "change", "ci_low": "change_ci_low", "ci_high": "change_ci_high"})
    p = change_frame["p"].to_numpy(dtype=float)
    change_frame["p_adj"] = (
        p if correction == "none" or not len(p) else pg.multicomp(p, method=correction)[1]
    )
    out = trend.merge(change_frame, on=[*keys, "group", "edition"], how="left")
    out = out[
        [
            "edition",
            *keys,
            "group",
            "n",
            "mean",
            "ci_low",
            "ci_high",
            "change",
            "change_ci_low",
            "change_ci_high",
            "p",
            "p_adj",
        ]
    ]
    out = sort_tidy(out, instrument, ["edition", "group", *keys])
    return out.reset_index(drop=True)


def paired_change(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    instrument: Instrument,
    *,
    id_column: str = ID_COLUMN,
    confidence: float = DEFAULT_CONFIDENCE,
    correction: str = "holm",
    method: Method = "sum_max",
    min_answered: int | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """The change of organisations that answered both editions (paired t-test).

    Returns
    -------
    DataFrame
        ``dimension``, ``n_pairs``, ``mean_previous``, ``mean_current``, ``diff``,
        ``ci_low``, ``ci_high`` (of the mean paired difference), ``t``, ``df``, ``p``,
        ``p_adj``, ``dz`` (Cohen's d of the differences).

    Raises
    ------
    ParameterError
        When fewer than ``min_n`` organisations answered both editions.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst = load_instrument()
    >>> now, before = generate_benchmark(2023), generate_benchmark(2022)
    >>> table = paired_change(now, before, inst)
    >>> int(table.n_pairs.iloc[0]) > 100, table.dimension.tolist()
    (True, ['measure', 'manage', 'master'])
    """
    confidence = check_confidence(confidence)
    correction = check_correction(correction)
    min_n = check_min_n(min_n)
    check_method(method)
    tidy = []
    for frame in (previous, current):
        if id_column not in frame.columns:
            raise ParameterError("id_column", id_column, "not in the data")
        scores, _ = grouped_scores(
            frame, instrument, None, "dimension", method, min_answered, id_column
        )
        tidy.append(scores[[id_column, "dimension", "score"]])
    both = tidy[0].merge(tidy[1], on=[id_column, "dimension"], suffixes=("_previous", "_current"))
    records = []
    for dim in instrument.dimension_ids:
        pairs = both[both["dimension"] == dim]
        if len(pairs) < min_n:
            raise ParameterError(
                "editions", dim, f"only {len(pairs)} organisations answered both (need {min_n})"
            )
        a = pairs["score_current"].to_numpy(dtype=float)
        b = pairs["score_previous"].to_numpy(dtype=float)
        d = a - b
        if np.ptp(d) == 0:
            records.append((dim, len(d), b.mean(), a.mean(), d.mean(), *[np.nan] * 6))
            continue
        test = stats.ttest_rel(a, b)
        ci = test.confidence_interval(confidence)
        records.append(
            (
                dim,
                len(d),
                b.mean(),
                a.mean(),
                d.mean(),
                ci.low,
                ci.high,
                float(test.statistic),
                float(test.df),
                float(test.pvalue),
                float(d.mean() / d.std(ddof=1)),
            )
        )
    out = pd.DataFrame.from_records(
        records,
        columns=[
            "dimension",
            "n_pairs",
            "mean_previous",
            "mean_current",
            "diff",
            "ci_low",
            "ci_high",
            "t",
            "df",
            "p",
            "dz",
        ],
    )
    p = out["p"].to_numpy(dtype=float)
    out.insert(10, "p_adj", p if correction == "none" else pg.multicomp(p, method=correction)[1])
    return out


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
    id_column: str = ID_COLUMN,
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
        complementary suppression in each edition (:func:`cxbench.privacy.suppress_small_groups`).

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
        grouped_scores(frame, instrument, by, level, method, min_answered, id_column)
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
            (*key, len(b), b.mean(), len(a), a.mean(), *welch_difference(a, b, confidence))
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
    shown = sort_tidy(shown, instrument, ident)
    analyses = sort_tidy(pd.concat([before[keys], after[keys]]).drop_duplicates(), instrument, keys)
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
    return adjust_p(shown, correction), suppressed
