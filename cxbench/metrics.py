"""The CX metrics that travel with benchmark surveys: NPS, CSAT and CES.

* **NPS** (Net Promoter Score) from a 0–10 likelihood-to-recommend question:
  % promoters (9–10) − % detractors (0–6), from −100 to +100. Its confidence interval
  comes from the variance of the difference of two proportions of one multinomial
  sample: Var(p̂P − p̂D) = [pP + pD − (pP − pD)²] / n.
* **CSAT**: the share of top-box answers (4 or 5 on 1–5) with a Wilson interval.
* **CES** (Customer Effort Score): the mean with a t interval.

Every function takes a frame with the metric's column (text or numbers: CSV columns
come in as text), leaves missing answers out and counts them, refuses a value off the
scale with a message naming the row (the frame's index label: the CLI labels rows as
the file shows them), column and value, and suppresses groups under
``min_n`` by the one rule of :mod:`cxbench.privacy`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import (
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_N,
    ID_COLUMN,
    check_choice,
    check_column,
    check_confidence,
    check_min_n,
    check_whole,
    natural_key,
)
from .errors import ParameterError
from .instrument import Instrument
from .privacy import group_keys, shown_groups
from .scoring import respondent_scores

__all__ = ["ces", "csat", "metric_correlations", "metric_values", "nps"]


def _values(
    data: pd.DataFrame, column: str, low: float, high: float, *, whole: bool = True
) -> pd.Series:
    """The column as numbers; missing stays NaN; a value off the scale is an error."""
    check_column(data, column)
    raw = data[column]
    text = raw.astype(object).where(raw.notna(), "").map(str).str.strip()
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = (text != "") & (
        numbers.isna()
        | (numbers < low)
        | (numbers > high)
        | ((numbers != numbers.round()) if whole else False)
    )
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        kind = "whole numbers" if whole else "numbers"
        raise ParameterError(
            column,
            f"row {raw.index[position]}: {raw.iloc[position]}",
            f"answers must be {kind} from {low:g} to {high:g} "
            f"({int(bad.sum())} such values in the column)",
        )
    return numbers


def _check_scale(scale: object) -> tuple[int, int]:
    if (
        not isinstance(scale, tuple | list)
        or len(scale) != 2
        or any(isinstance(v, bool) or not isinstance(v, int | np.integer) for v in scale)
        or scale[0] >= scale[1]
    ):
        raise ParameterError("scale", scale, "must be two whole numbers (lowest, highest)")
    return int(scale[0]), int(scale[1])


def _per_group(
    data: pd.DataFrame,
    column: str,
    by: str | None,
    values: pd.Series,
    summarise: Callable[[np.ndarray], dict[str, float]],
    min_n: int,
) -> pd.DataFrame:
    groups = group_keys(data, by)
    records = []
    for name in sorted(pd.unique(groups), key=natural_key):
        inside = (groups == name).to_numpy()
        x = values[inside].dropna().to_numpy(dtype=float)
        records.append(
            {"group": name, "n": len(x), "missing": int(inside.sum() - len(x))} | summarise(x)
        )
    table = pd.DataFrame.from_records(records)
    table.insert(0, "metric", column)
    return shown_groups(table, min_n, keys=["metric"])


def metric_values(
    data: pd.DataFrame,
    column: str,
    metric: Literal["nps", "csat", "ces"] = "nps",
    *,
    scale: tuple[int, int] | None = None,
    top: int = 2,
) -> pd.Series:
    """Each respondent's contribution to a metric, whose mean is the metric: for NPS
    100 (promoter) / 0 / −100 (detractor), for CSAT 100 for a top-``top``-box answer else
    0, for CES the answer; NaN where there is no answer. (The weighted metrics of
    :func:`cxbench.weights.weighted_metric` are weighted means of these.)

    Examples
    --------
    >>> answers = pd.DataFrame({"nps": ["10", "7", "3", ""]})
    >>> metric_values(answers, "nps").tolist()
    [100.0, 0.0, -100.0, nan]
    """
    if metric == "nps":
        x = _values(data, column, 0, 10)
        return (100.0 * ((x >= 9).astype(float) - (x <= 6).astype(float))).where(x.notna())
    low, high = _check_scale(scale or ((1, 5) if metric == "csat" else (1, 7)))
    x = _values(data, column, low, high)
    if metric == "csat":
        top = check_whole(top, "top")
        return (100.0 * (x >= high - top + 1).astype(float)).where(x.notna())
    if metric == "ces":
        return x.astype(float)
    raise ParameterError("metric", metric, "must be nps, csat or ces")


def nps(
    data: pd.DataFrame,
    column: str = "nps",
    *,
    by: str | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Net Promoter Score with its confidence interval, overall or per group.

    Returns
    -------
    DataFrame
        ``metric``, ``group``, ``n``, ``missing``, ``promoters``, ``passives``,
        ``detractors`` (% of n), ``nps``, ``ci_low``, ``ci_high``. Groups under
        ``min_n`` answers are suppressed (:mod:`cxbench.privacy`; no group value: "(missing)").

    Notes
    -----
    With pP and pD the promoter and detractor shares of n answers,
    NPS = 100 (pP − pD) and its standard error is
    100 √([pP + pD − (pP − pD)²] / n) (the variance of a difference of two
    proportions of one multinomial sample); the interval is NPS ± z·SE, clipped to
    [−100, 100].

    Examples
    --------
    >>> answers = pd.DataFrame({"nps": ["10", "9", "8", "7", "6", "0", "10", ""]})
    >>> row = nps(answers).iloc[0]
    >>> int(row.n), int(row.missing), round(float(row.nps), 2)  # 3 promoters, 2 detractors
    (7, 1, 14.29)
    >>> # by hand: SE = 100 √((3/7 + 2/7 − (1/7)²) / 7) = 31.49; 14.29 ± 1.96 × 31.49
    >>> round(float(row.ci_low), 1), round(float(row.ci_high), 1)
    (-47.4, 76.0)
    """
    confidence, min_n = check_confidence(confidence), check_min_n(min_n)
    z = stats.norm.ppf(0.5 + confidence / 2)
    values = _values(data, column, 0, 10)

    def summarise(x: np.ndarray) -> dict[str, float]:
        n = len(x)
        if n == 0:
            return dict.fromkeys(
                ("promoters", "passives", "detractors", "nps", "ci_low", "ci_high"), np.nan
            )
        promoters, detractors = np.mean(x >= 9), np.mean(x <= 6)
        score = 100 * (promoters - detractors)
        se = 100 * math.sqrt(max(promoters + detractors - (promoters - detractors) ** 2, 0) / n)
        return {
            "promoters": 100 * promoters,
            "passives": 100 * (1 - promoters - detractors),
            "detractors": 100 * detractors,
            "nps": score,
            "ci_low": max(-100.0, score - z * se),
            "ci_high": min(100.0, score + z * se),
        }

    return _per_group(data, column, by, values, summarise, min_n)


def csat(
    data: pd.DataFrame,
    column: str,
    *,
    by: str | None = None,
    scale: tuple[int, int] = (1, 5),
    top: int = 2,
    confidence: float = DEFAULT_CONFIDENCE,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Customer satisfaction: the share of the ``top`` highest answers, Wilson CI.

    Examples
    --------
    >>> answers = pd.DataFrame({"csat": [5, 4, 4, 3, 1, 5, 2, 4]})
    >>> row = csat(answers, "csat").iloc[0]
    >>> [round(float(row[c]), 1) for c in ("top_box", "ci_low", "ci_high")]
    [62.5, 30.6, 86.3]
    """
    confidence, min_n = check_confidence(confidence), check_min_n(min_n)
    low, high = _check_scale(scale)
    top = check_whole(top, "top")
    if top > high - low:
        raise ParameterError("top", top, f"must be fewer than the {high - low + 1} scale points")
    values = _values(data, column, low, high)
    threshold = high - top + 1

    def summarise(x: np.ndarray) -> dict[str, float]:
        if len(x) == 0:
            return {"top_box": np.nan, "ci_low": np.nan, "ci_high": np.nan}
        hits = int((x >= threshold).sum())
        ci = stats.binomtest(hits, len(x)).proportion_ci(confidence, method="wilson")
        return {"top_box": 100 * hits / len(x), "ci_low": 100 * ci.low, "ci_high": 100 * ci.high}

    return _per_group(data, column, by, values, summarise, min_n)


def ces(
    data: pd.DataFrame,
    column: str,
    *,
    by: str | None = None,
    scale: tuple[int, int] = (1, 7),
    confidence: float = DEFAULT_CONFIDENCE,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Customer Effort Score: the mean answer with its t interval.

    Examples
    --------
    >>> answers = pd.DataFrame({"ces": [2, 3, 3, 4, 5, 2, 3]})
    >>> row = ces(answers, "ces").iloc[0]
    >>> # by hand: sd = 1.069, t(6) = 2.447, half-width 2.447 × 1.069 / √7 = 0.989
    >>> [round(float(row[c]), 3) for c in ("mean", "ci_low", "ci_high")]
    [3.143, 2.154, 4.132]
    """
    confidence, min_n = check_confidence(confidence), check_min_n(min_n)
    low, high = _check_scale(scale)
    values = _values(data, column, low, high)

    def summarise(x: np.ndarray) -> dict[str, float]:
        if len(x) < 2:
            mean = float(x.mean()) if len(x) else np.nan
            return {"mean": mean, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan}
        mean, sd = float(x.mean()), float(x.std(ddof=1))
        half = stats.t.ppf(0.5 + confidence / 2, len(x) - 1) * sd / math.sqrt(len(x))
        return {"mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half}

    return _per_group(data, column, by, values, summarise, min_n)


def metric_correlations(
    data: pd.DataFrame,
    instrument: Instrument,
    column: str = "nps",
    *,
    method: Literal["spearman", "pearson"] = "spearman",
    scale: tuple[int, int] = (0, 10),
    id_column: str = ID_COLUMN,
) -> pd.DataFrame:
    """How a metric (NPS answer by default) relates to each maturity dimension.

    The correlation between respondents' metric answers and their dimension scores
    (scipy's Spearman by default, since the 0–10 answer is ordinal, or Pearson) with
    its p-value and a Fisher-z confidence interval, tanh(atanh(r) ± z / √(n − 3)).
    scipy rather than pingouin's ``corr``: pingouin rounds r and its interval.

    Returns
    -------
    DataFrame
        ``dimension``, ``n``, ``r``, ``ci_low``, ``ci_high``, ``p``.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> table = metric_correlations(generate_benchmark(2023, n=200), load_instrument())
    >>> table.dimension.tolist(), bool((table.ci_low < table.r).all())
    (['measure', 'manage', 'master'], True)
    """
    check_choice(method, "method", ("spearman", "pearson"))
    values = _values(data, column, *_check_scale(scale))
    scores = respondent_scores(data, instrument, id_column=id_column)
    records = []
    for dim in instrument.dimension_ids:
        dim_scores = scores.loc[scores["dimension"] == dim, "score"].to_numpy()
        pair = pd.DataFrame({"x": values.to_numpy(dtype=float), "y": dim_scores}).dropna()
        if len(pair) < 4:
            records.append((dim, len(pair), np.nan, np.nan, np.nan, np.nan))
            continue
        correlate = stats.spearmanr if method == "spearman" else stats.pearsonr
        test = correlate(pair["x"], pair["y"])
        r = float(test.statistic)
        half = stats.norm.ppf(0.975) / math.sqrt(len(pair) - 3)
        centre = math.atanh(max(min(r, 1 - 1e-12), -1 + 1e-12))
        records.append(
            (
                dim,
                len(pair),
                r,
                math.tanh(centre - half),
                math.tanh(centre + half),
                float(test.pvalue),
            )
        )
    return pd.DataFrame.from_records(
        records, columns=["dimension", "n", "r", "ci_low", "ci_high", "p"]
    )
