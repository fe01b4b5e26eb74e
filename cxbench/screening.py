"""Careless-response screening: long strings, low variability, multivariate outliers, speed.

Per respondent, on the answers *as given* (before reverse keying: a respondent who ticks
the same box throughout does so whatever the items mean), in the instrument's item order:

* **longstring** — the longest run of identical consecutive answers (Johnson 2005);
  a missing answer ends a run and is not part of one.
* **irv** — intra-individual response variability, the standard deviation of the
  respondent's answers (Dunn et al. 2018).
* **mahalanobis** — D² of a complete row from the complete rows' mean and covariance,
  with its chi-square p-value (Meade & Craig 2012).
* **duration** — with a duration column: speeding, faster than a fraction of the median.

These are the definitions of the R package ``careless`` (Yentes & Wilhelm, version
1.2.2): ``longstring()`` (``rle`` of each row), ``irv()`` (``sd(na.rm = TRUE)``) and
``mahad()`` (``psych::outlier``: ``mahalanobis()`` with the sample covariance), on
complete rows; where missing answers make them differ, :func:`screen` says how.

Screening flags; it removes nothing. A flag is a reason to look at a response, not
proof that it is careless: an attentive respondent may agree with every statement of a
dimension, and on a short instrument a long string comes easily.

References
----------
Curran, P. G. (2016). Methods for the detection of carelessly invalid responses in
survey data. *Journal of Experimental Social Psychology*, 66, 4–19.

Dunn, A. M., Heggestad, E. D., Shanock, L. R., & Theilgard, N. (2018).
Intra-individual response variability as an indicator of insufficient effort
responding. *Journal of Business and Psychology*, 33(1), 105–121.

Johnson, J. A. (2005). Ascertaining the validity of individual protocols from
Web-based personality inventories. *Journal of Research in Personality*, 39(1), 103–129.

Meade, A. W., & Craig, S. B. (2012). Identifying careless responses in survey data.
*Psychological Methods*, 17(3), 437–455.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import (
    DEFAULT_MAHALANOBIS_ALPHA,
    DEFAULT_SPEED_FRACTION,
    ID_COLUMN,
    check_column,
    check_whole,
)
from .errors import ParameterError
from .instrument import Instrument
from .scoring import answer_matrix
from .validation import ValidationReport

__all__ = [
    "DEFAULT_IRV_MIN",
    "DEFAULT_MAHALANOBIS_ALPHA",
    "DEFAULT_SPEED_FRACTION",
    "default_longstring_max",
    "default_screen",
    "exclude_flagged",
    "flag_reasons",
    "screen",
    "screening_rules",
]

#: Flag a respondent whose answers vary this little or less: 0 = the same answer throughout.
DEFAULT_IRV_MIN = 0.0

_FLAGS = ("flag_longstring", "flag_irv", "flag_mahalanobis", "flag_speeding")
_NO_MAHALANOBIS = (
    "pass mahalanobis_alpha=None (cxbench screen --no-mahalanobis) to screen without it"
)


def default_longstring_max(items: int) -> int:
    """The default long-string threshold for ``items`` items: more than half of them.

    A run of ``k // 2 + 1`` identical answers or longer is flagged, i.e. a run longer
    than half the instrument: the rule of thumb of Johnson (2005) and Curran (2016), a
    string about half the length of the scale, read strictly (see :func:`screen`).

    Examples
    --------
    >>> default_longstring_max(12), default_longstring_max(7), default_longstring_max(10)
    (7, 4, 6)
    """
    return check_whole(items, "items") // 2 + 1


def _check_fraction(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ParameterError(name, value, "must be a number between 0 and 1")
    if not 0 < float(value) < 1:  # NaN fails too
        raise ParameterError(name, value, "must be between 0 and 1")
    return float(value)


def _check_settings(
    instrument: Instrument,
    longstring_max: Any,
    irv_min: Any,
    mahalanobis_alpha: Any,
    speed_fraction: Any,
) -> tuple[int, float, float | None, float]:
    if not isinstance(instrument, Instrument):
        raise ParameterError("instrument", instrument, "must be an Instrument (load_instrument)")
    k = len(instrument.item_ids)
    if longstring_max is None:
        longstring_max = default_longstring_max(k)
    longstring_max = check_whole(longstring_max, "longstring_max", 2)
    if irv_min is None:
        irv_min = DEFAULT_IRV_MIN
    if isinstance(irv_min, bool) or not isinstance(irv_min, int | float | np.integer | np.floating):
        raise ParameterError("irv_min", irv_min, "must be a number, 0 or more")
    if not (math.isfinite(irv_min) and irv_min >= 0):
        raise ParameterError("irv_min", irv_min, "must be a number, 0 or more")
    if mahalanobis_alpha is not None:
        mahalanobis_alpha = _check_fraction(mahalanobis_alpha, "mahalanobis_alpha")
    return (
        longstring_max,
        float(irv_min),
        mahalanobis_alpha,
        _check_fraction(speed_fraction, "speed_fraction"),
    )


def screening_rules(
    instrument: Instrument,
    *,
    duration_column: str | None = None,
    longstring_max: int | None = None,
    irv_min: float | None = None,
    mahalanobis_alpha: float | None = DEFAULT_MAHALANOBIS_ALPHA,
    speed_fraction: float = DEFAULT_SPEED_FRACTION,
    median_duration: float | None = None,
    complete_rows: int | None = None,
) -> dict[str, Any]:
    """The rules and thresholds of a screening, JSON-ready (for a report's method section).

    Parameters
    ----------
    instrument : Instrument
    duration_column, longstring_max, irv_min, mahalanobis_alpha, speed_fraction
        As in :func:`screen` (``None`` for a default: the value it stands for is given).
    median_duration : float, optional
        The median duration (seconds), which makes the speeding threshold; :func:`screen`
        fills it in (its frame's ``attrs["rules"]`` holds the rules of that screening).
    complete_rows : int, optional
        The rows with every item answered, on which Mahalanobis D² is computed.

    Returns
    -------
    dict
        ``instrument``, ``items`` (k), ``answers`` (how they are read), ``removed``
        (always ``False``: screening removes nothing), one entry per rule
        (``longstring``, ``irv``, ``mahalanobis``, ``speeding``; ``None`` for a rule not
        applied) each with its threshold, ``rule`` (in words) and ``source``, and
        ``summary``, all the rules on one line.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> rules = screening_rules(load_instrument())
    >>> rules["longstring"]["max"], rules["irv"]["min"], rules["mahalanobis"]["df"]
    (7, 0.0, 12)
    >>> rules["speeding"] is None
    True
    >>> print(rules["summary"])
    longstring >= 7 of 12 items; irv <= 0; Mahalanobis D² p < 0.001 (chi-square, df 12)
    >>> rules = screening_rules(load_instrument(), duration_column="seconds",
    ...                         median_duration=300.0, mahalanobis_alpha=None)
    >>> rules["speeding"]["threshold"], rules["mahalanobis"]
    (100.0, None)
    """
    longstring_max, irv_min, alpha, fraction = _check_settings(
        instrument, longstring_max, irv_min, mahalanobis_alpha, speed_fraction
    )
    k = len(instrument.item_ids)
    rules: dict[str, Any] = {
        "instrument": instrument.id,
        "items": k,
        "answers": "as given (before reverse keying), in the instrument's item order",
        "removed": False,
        "longstring": {
            "max": longstring_max,
            "default": longstring_max == default_longstring_max(k),
            "rule": f"longest run of identical consecutive answers >= {longstring_max} "
            "(a missing answer ends a run)",
            "source": "Johnson (2005); default more than half the items (Curran 2016)",
        },
        "irv": {
            "min": irv_min,
            "default": irv_min == DEFAULT_IRV_MIN,
            "rule": f"standard deviation of the answered items <= {irv_min:g}",
            "source": "Dunn et al. (2018); default 0: the same answer to every item",
        },
        "mahalanobis": None,
        "speeding": None,
    }
    parts = [f"longstring >= {longstring_max} of {k} items", f"irv <= {irv_min:g}"]
    if alpha is not None:
        rules["mahalanobis"] = {
            "alpha": alpha,
            "df": k,
            "complete_rows": complete_rows,
            "rule": f"chi-square (df {k}) p-value of D² < {alpha:g}, complete rows only, "
            "against their mean and covariance",
            "source": "Meade & Craig (2012); careless::mahad",
        }
        parts.append(f"Mahalanobis D² p < {alpha:g} (chi-square, df {k})")
    if duration_column is not None:
        threshold = None if median_duration is None else fraction * float(median_duration)
        rules["speeding"] = {
            "column": duration_column,
            "fraction": fraction,
            "median": None if median_duration is None else float(median_duration),
            "threshold": threshold,
            "rule": f"duration < {fraction:.3g} x the median duration",
        }
        limit = f" = {threshold:.1f} s" if threshold is not None else ""
        parts.append(f"duration < {fraction:.3g} x median{limit}")
    rules["summary"] = "; ".join(parts)
    return rules


def _longstring(values: np.ndarray) -> np.ndarray:
    """Longest run of equal consecutive answers per row; NaN ends a run, is in none."""
    answered = ~np.isnan(values)
    run = np.zeros(len(values), dtype=np.int64)
    longest = np.zeros(len(values), dtype=np.int64)
    for j in range(values.shape[1]):
        same = values[:, j] == values[:, j - 1] if j else np.zeros(len(values), dtype=bool)
        run = np.where(answered[:, j], np.where(same, run + 1, 1), 0)
        np.maximum(longest, run, out=longest)
    return longest


def _irv(values: np.ndarray) -> np.ndarray:
    """Standard deviation (ddof 1) of each row's answers; NaN under 2 answers."""
    answered = (~np.isnan(values)).sum(axis=1)
    out = np.full(len(values), np.nan)
    enough = answered >= 2
    if enough.any():
        rows = values[enough]
        sd = np.nanstd(rows, axis=1, ddof=1)
        # the same answer throughout is exactly 0, whatever the rounding of the mean
        sd[np.nanmax(rows, axis=1) == np.nanmin(rows, axis=1)] = 0.0
        out[enough] = sd
    return out


def _mahalanobis(values: np.ndarray, instrument: Instrument) -> tuple[np.ndarray, int]:
    """D² of each complete row (NaN for the others), and the number of complete rows."""
    n, k = values.shape
    complete = ~np.isnan(values).any(axis=1)
    rows = values[complete]
    m = len(rows)
    if m <= k:
        raise ParameterError(
            "data",
            f"{m} complete rows",
            f"Mahalanobis D² needs more rows with every item answered than the {k} items; "
            + _NO_MAHALANOBIS,
        )
    mean = rows.mean(axis=0)
    cov = np.cov(rows, rowvar=False, ddof=1)
    if np.linalg.matrix_rank(cov) < k:
        flat = [
            item for item, sd in zip(instrument.item_ids, rows.std(axis=0), strict=True) if sd == 0
        ]
        why = (
            f"items answered the same by every complete row: {', '.join(flat)}"
            if flat
            else "some items are linear combinations of others"
        )
        raise ParameterError(
            "data",
            f"{m} complete rows",
            f"the covariance of the items is singular ({why}), so Mahalanobis D² is "
            "undefined; " + _NO_MAHALANOBIS,
        )
    centred = rows - mean
    d2 = np.full(n, np.nan)
    d2[complete] = np.einsum("ij,ji->i", centred, np.linalg.solve(cov, centred.T))
    return d2, m


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds (for a readable repr)."""
    return value.item() if isinstance(value, np.generic) else value


def _durations(data: pd.DataFrame, column: str, id_column: str) -> np.ndarray:
    """The duration column as seconds (NaN = missing); anything else is an error."""
    check_column(data, column, "duration_column")
    raw = data[column]
    text = raw.astype(object).where(raw.notna(), "").map(str).str.strip()
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    bad = (text != "") & (numbers.isna() | ~np.isfinite(numbers) | (numbers < 0))
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        who, label = _plain(data[id_column].iloc[position]), _plain(data.index[position])
        value = _plain(raw.iloc[position])
        raise ParameterError(
            "duration_column",
            column,
            f"respondent {who!r} (index {label!r}): {value!r} is "
            f"not a duration; durations must be numbers of seconds, 0 or more "
            f"({int(bad.sum())} such values in the column)",
        )
    return numbers.to_numpy()


def screen(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    id_column: str = ID_COLUMN,
    duration_column: str | None = None,
    longstring_max: int | None = None,
    irv_min: float | None = None,
    mahalanobis_alpha: float | None = DEFAULT_MAHALANOBIS_ALPHA,
    speed_fraction: float = DEFAULT_SPEED_FRACTION,
) -> pd.DataFrame:
    """Careless-response indices and flags of every respondent; nothing is removed.

    Parameters
    ----------
    data : DataFrame
        Validated wide answers (:func:`cxbench.validation.load_responses`): item columns
        in scale points, NaN = no answer, *not* reverse-keyed (the indices read the
        answers as given).
    instrument : Instrument
        Gives the items and their order (the order of the questionnaire: long strings
        run along it).
    id_column : str
        The respondent id column, first in the result under its own name.
    duration_column : str, optional
        Seconds each respondent took (numbers, or text of numbers). An empty cell is a
        missing duration (never flagged); anything else that is not a number of
        seconds, 0 or more, is an error naming the respondent (and the row's index
        label) and the value.
    longstring_max : int, optional
        Flag a longest string of this many identical answers or more. Default: more
        than half the items, ``k // 2 + 1`` (7 of 12): the rule of thumb of Johnson
        (2005) as Curran (2016) gives it (its usual wording, "half the length of the
        scale or more", is the same for an odd k and one answer shorter for an even
        k; pass ``longstring_max=k // 2`` for that reading).
    irv_min : float, optional
        Flag an IRV of this or less. Default 0: the same answer to every item answered
        (at least 2).
    mahalanobis_alpha : float or None
        Flag a complete row whose D² has a chi-square p-value below this (default
        .001, a strict criterion: with k items and .001, about 1 in 1000 attentive
        multivariate-normal respondents is flagged). ``None``: no Mahalanobis
        distance, and no ``mahalanobis``, ``mahalanobis_p``, ``flag_mahalanobis``
        columns.
    speed_fraction : float
        Flag a duration below this fraction of the median duration (default 1/3),
        the median over the respondents with a duration.

    Returns
    -------
    DataFrame
        One row per respondent, in the data's order (its index): the id column,
        ``longstring`` (0 when nothing was answered), ``irv`` (NaN under 2 answers),
        ``mahalanobis`` (D², NaN for a row with a missing answer), ``mahalanobis_p``
        (chi-square upper tail, df = k), ``duration`` (with ``duration_column``), the
        flags ``flag_longstring``, ``flag_irv``, ``flag_mahalanobis``,
        ``flag_speeding`` (with ``duration_column``) and ``flagged`` (any of them).
        ``attrs["rules"]`` holds :func:`screening_rules` of this screening.

    Raises
    ------
    ParameterError
        For a setting out of range, a bad duration, an item column missing or off the
        scale; and, for Mahalanobis D² (unless ``mahalanobis_alpha=None``), when there
        are not more complete rows than items, or when their covariance matrix is
        singular (an item everyone answered the same, or items linearly dependent):
        cxbench does not fall back on a pseudo-inverse, whose D² would not follow the
        chi-square distribution with k degrees of freedom that gives the p-value.

    Notes
    -----
    With x a respondent's answers in item order (missing answers left out):

    * longstring = the longest run x_i = x_{i+1} = … ; R ``careless::longstring()``
      (``max(rle(x)$lengths)``) gives the same for any row with an answer (in R a
      missing answer is a run of length 1 of its own; an empty row is 1 there, 0 here);
    * irv = sd(x), n − 1 in the denominator; R ``careless::irv()`` (``sd(x, na.rm =
      TRUE)``);
    * D² = (x − m)ᵀ S⁻¹ (x − m), with m and S the mean and sample covariance (n − 1)
      of the complete rows; R ``careless::mahad()`` on complete data (with missing
      answers it uses pairwise covariances; here a row with a missing answer gets no
      D², and the complete rows alone make m and S);
    * p = P(χ²_k > D²), which ``mahad()`` compares with ``qchisq(confidence, k)``:
      ``mahalanobis_alpha`` = 1 − ``confidence``.

    Examples
    --------
    >>> from cxbench.instrument import Dimension, Instrument, Item, Scale
    >>> items = tuple(Item(f"q{i}", "d", {"en": f"Q{i}"}) for i in range(1, 5))
    >>> inst = Instrument("t", {}, Scale(1, 5), (Dimension("d", {}, items),))
    >>> data = pd.DataFrame({
    ...     "respondent_id": ["A", "B", "C", "D", "E", "F", "G"],
    ...     "q1": [3, 5, 1, 4, 2, 3, 4], "q2": [3, 4, 2, 4, 2, None, 5],
    ...     "q3": [3, 5, 1, 2, 3, 3, 3], "q4": [3, 2, 2, 5, 1, 3, 4],
    ...     "seconds": [40, 200, 180, 150, 220, 170, 190]})
    >>> result = screen(data, inst, duration_column="seconds", mahalanobis_alpha=None)
    >>> result[["respondent_id", "longstring", "irv", "duration", "flagged"]].round(2)
      respondent_id  longstring   irv  duration  flagged
    0             A           4  0.00      40.0     True
    1             B           1  1.41     200.0    False
    2             C           1  0.58     180.0    False
    3             D           2  1.26     150.0    False
    4             E           2  0.82     220.0    False
    5             F           2  0.00     170.0     True
    6             G           1  0.82     190.0    False
    >>> result.loc[0, ["flag_longstring", "flag_irv", "flag_speeding"]].tolist()
    [True, True, True]
    >>> print(result.attrs["rules"]["summary"])
    longstring >= 3 of 4 items; irv <= 0; duration < 0.333 x median = 60.0 s

    F's missing answer ends its run (3, –, 3, 3: a longest string of 2), and its three
    answers alike make an IRV of 0. With Mahalanobis D² (complete rows only):

    >>> screen(data, inst)[["respondent_id", "mahalanobis", "mahalanobis_p"]].round(3)
      respondent_id  mahalanobis  mahalanobis_p
    0             A        3.301          0.509
    1             B        3.782          0.436
    2             C        3.301          0.509
    3             D        3.782          0.436
    4             E        1.763          0.779
    5             F          NaN            NaN
    6             G        4.071          0.397
    """
    longstring_max, irv_min, alpha, fraction = _check_settings(
        instrument, longstring_max, irv_min, mahalanobis_alpha, speed_fraction
    )
    if not isinstance(data, pd.DataFrame):
        raise ParameterError("data", type(data).__name__, "must be a pandas DataFrame")
    check_column(data, id_column, "id_column")
    values = answer_matrix(data, instrument, instrument.item_ids)
    k = values.shape[1]
    out = pd.DataFrame({id_column: data[id_column].to_numpy()}, index=data.index)
    out["longstring"] = _longstring(values)
    out["irv"] = _irv(values)
    complete_rows = None
    if alpha is not None:
        d2, complete_rows = _mahalanobis(values, instrument)
        out["mahalanobis"] = d2
        out["mahalanobis_p"] = stats.chi2.sf(d2, k)
    median = None
    if duration_column is not None:
        seconds = _durations(data, duration_column, id_column)
        out["duration"] = seconds
        if not np.isnan(seconds).all():
            median = float(np.nanmedian(seconds))
    out["flag_longstring"] = out["longstring"] >= longstring_max
    out["flag_irv"] = (out["irv"] <= irv_min).to_numpy()  # NaN (under 2 answers): False
    if alpha is not None:
        out["flag_mahalanobis"] = (out["mahalanobis_p"] < alpha).to_numpy()
    if duration_column is not None:
        limit = np.nan if median is None else fraction * median
        out["flag_speeding"] = (out["duration"] < limit).to_numpy()
    out["flagged"] = out[[c for c in _FLAGS if c in out.columns]].any(axis=1)
    out.attrs["rules"] = screening_rules(
        instrument,
        duration_column=duration_column,
        longstring_max=longstring_max,
        irv_min=irv_min,
        mahalanobis_alpha=alpha,
        speed_fraction=fraction,
        median_duration=median,
        complete_rows=complete_rows,
    )
    return out


def flag_reasons(flags: pd.DataFrame) -> pd.Series:
    """Each flagged respondent's reason in words, from :func:`screen`'s result (the
    rules and thresholds in its ``attrs``); empty text for the others.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [{i: 3 for i in inst.item_ids} | {"respondent_id": "same"}]
    >>> rows += [{i: (k + j) % 5 + 1 for j, i in enumerate(inst.item_ids)}
    ...          | {"respondent_id": f"r{k}"} for k in range(3)]
    >>> flags = screen(pd.DataFrame(rows), inst, mahalanobis_alpha=None)
    >>> flag_reasons(flags).tolist()[0]
    'careless responding: longstring 12 >= 7; irv 0 <= 0'
    """
    rules = flags.attrs["rules"]

    def reason(row: pd.Series) -> str:
        parts = []
        if row["flag_longstring"]:
            parts.append(f"longstring {row['longstring']} >= {rules['longstring']['max']}")
        if row["flag_irv"]:
            parts.append(f"irv {row['irv']:.3g} <= {rules['irv']['min']:g}")
        if row.get("flag_mahalanobis", False):
            alpha = rules["mahalanobis"]["alpha"]
            parts.append(f"Mahalanobis p {row['mahalanobis_p']:.2g} < {alpha:g}")
        if row.get("flag_speeding", False):
            parts.append(f"duration {row['duration']:g} s < {rules['speeding']['threshold']:g} s")
        return "careless responding: " + "; ".join(parts) if parts else ""

    return flags.apply(reason, axis=1) if len(flags) else pd.Series([], dtype=object)


def default_screen(
    data: pd.DataFrame, instrument: Instrument, *, id_column: str = ID_COLUMN
) -> pd.DataFrame:
    """:func:`screen` with its default rules, Mahalanobis distances left out where the
    data cannot give them (no more complete rows than items, or a singular covariance):
    the screening a report or ``--exclude-flagged`` applies.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [{i: (k + j) % 5 + 1 for j, i in enumerate(inst.item_ids)}
    ...         | {"respondent_id": f"r{k}"} for k in range(4)]
    >>> default_screen(pd.DataFrame(rows), inst).attrs["rules"]["mahalanobis"] is None
    True
    """
    try:
        return screen(data, instrument, id_column=id_column)
    except ParameterError:
        return screen(data, instrument, id_column=id_column, mahalanobis_alpha=None)


def exclude_flagged(report: ValidationReport, instrument: Instrument) -> ValidationReport:
    """``report`` without the respondents :func:`screen` flags with its default rules
    (Mahalanobis distances left out where the data cannot give them): they move from
    ``data`` to ``set_aside`` with their reason, and are counted in ``flagged``, so that
    ``read == accepted + rejected + flagged``.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.validation import load_responses
    >>> import pathlib
    >>> inst = load_instrument()
    >>> kept = exclude_flagged(load_responses(pathlib.Path("data/benchmark_2023.csv"), inst),
    ...                        inst)
    >>> kept.read == kept.accepted + kept.rejected + kept.flagged, kept.flagged > 0
    (True, True)
    """
    from dataclasses import replace

    flags = default_screen(report.data, instrument, id_column=report.id_column)
    flagged = flags["flagged"].to_numpy(bool)
    aside = report.data[flagged].reset_index(drop=True)
    aside.insert(0, "reject_reason", flag_reasons(flags)[flagged].to_numpy())
    kept = report.data[~flagged].reset_index(drop=True)
    kept.attrs = dict(report.data.attrs) | {"screening": flags.attrs["rules"]}
    return replace(
        report,
        data=kept,
        accepted=len(kept),
        flagged=report.flagged + int(flagged.sum()),
        set_aside=aside,
    )
