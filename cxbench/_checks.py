"""Shared argument checks and policy defaults (private: the public API re-exports them).

Every public function checks its own arguments with these, so that a wrong value is
refused where it is used (in Python, in a notebook, from the command line) with the
package's own :class:`~cxbench.errors.ParameterError`; the command line only turns the
error into a message and an exit code. Defaults that are policy (confidence level,
smallest group shown, id column) are named here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import ParameterError

#: Confidence level of every interval unless asked otherwise.
DEFAULT_CONFIDENCE = 0.95
#: Smallest group (respondents) whose figures may be shown (see :mod:`cxbench.privacy`).
DEFAULT_MIN_N = 5
#: The respondent id column of cxbench's own layout, and of validated data.
ID_COLUMN = "respondent_id"
#: Scoring methods (see :mod:`cxbench.scoring`).
METHODS: tuple[str, ...] = ("sum_max", "pomp")
#: Corrections for testing several dimensions (or statements) at once: Holm's
#: step-down, Bonferroni, or none.
CORRECTIONS: tuple[str, ...] = ("holm", "bonf", "none")
#: Careless-response screening: flag a complete row whose Mahalanobis D² has a
#: chi-square p-value below this (see :mod:`cxbench.screening`).
DEFAULT_MAHALANOBIS_ALPHA = 0.001
#: Careless-response screening: flag a respondent faster than this fraction of the
#: median duration.
DEFAULT_SPEED_FRACTION = 1 / 3
#: Factor structure: complete cases per item a group needs for its own fit in the
#: invariance steps (see :mod:`cxbench.factors`).
CASES_PER_ITEM = 5
#: Factor structure: the rules that judge the invariance steps
#: (:data:`cxbench.factors.INVARIANCE_RULES`), the first the default.
INVARIANCE_RULE_NAMES: tuple[str, ...] = ("chen2007", "cheung2002")


def check_confidence(confidence: Any, name: str = "confidence") -> float:
    """A confidence level strictly between 0 and 1.

    Examples
    --------
    >>> check_confidence(0.9)
    0.9
    >>> check_confidence(1.5)
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: confidence=1.5: must be between 0 and 1 (e.g. 0.95)
    """
    if isinstance(confidence, bool) or not isinstance(confidence, int | float | np.floating):
        raise ParameterError(name, confidence, "must be a number between 0 and 1 (e.g. 0.95)")
    if not 0 < float(confidence) < 1:  # NaN fails too
        raise ParameterError(name, confidence, "must be between 0 and 1 (e.g. 0.95)")
    return float(confidence)


def check_whole(value: Any, name: str, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (``True``/``False`` are not numbers).

    Examples
    --------
    >>> check_whole(3, "min_n"), check_whole(np.int64(2), "n_resamples")
    (3, 2)
    >>> check_whole(0, "min_n")
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: min_n=0: must be a whole number of at least 1
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ParameterError(name, value, f"must be a whole number of at least {minimum}")
    return int(value)


def check_min_n(min_n: Any) -> int:
    """The anonymity threshold: a whole number of at least 1 (1 switches it off).

    Examples
    --------
    >>> check_min_n(5)
    5
    >>> check_min_n(2.5)
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: min_n=2.5: must be a whole number of at least 1
    """
    return check_whole(min_n, "min_n")


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """One of ``choices``.

    Examples
    --------
    >>> check_choice("holm", "correction", CORRECTIONS)
    'holm'
    >>> check_choice("fdr", "correction", CORRECTIONS)
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: correction='fdr': must be one of holm, bonf, none
    """
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(name, value, f"must be one of {', '.join(choices)}")
    return value


def check_method(method: Any) -> str:
    """A scoring method, one of :data:`METHODS`."""
    return check_choice(method, "method", METHODS)


def check_correction(correction: Any) -> str:
    """A multiple-testing correction, one of :data:`CORRECTIONS`."""
    return check_choice(correction, "correction", CORRECTIONS)


def check_comparison(
    *,
    min_n: Any,
    confidence: Any,
    correction: Any,
    method: Any,
    level: Any = "dimension",
    n_resamples: Any = 1,
    seed: Any = 0,
) -> tuple[int, float, str, str, str, int, int]:
    """The settings of a group comparison, each checked: ``(min_n, confidence,
    correction, method, level, n_resamples, seed)``.

    Examples
    --------
    >>> check_comparison(min_n=5, confidence=0.9, correction="holm", method="pomp")
    (5, 0.9, 'holm', 'pomp', 'dimension', 1, 0)
    """
    return (
        check_min_n(min_n),
        check_confidence(confidence),
        check_correction(correction),
        check_method(method),
        check_choice(level, "level", ("dimension", "item")),
        check_whole(n_resamples, "n_resamples"),
        check_whole(seed, "seed", 0),
    )


def check_column(data: Any, column: Any, name: str = "column") -> str:
    """A column of ``data``; the message lists the columns there are.

    Examples
    --------
    >>> import pandas as pd
    >>> check_column(pd.DataFrame({"a": [1]}), "b", "by")
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: by='b': no such column (columns: a)
    """
    if column not in data.columns:
        raise ParameterError(
            name, column, f"no such column (columns: {', '.join(map(str, data.columns))})"
        )
    return column


def as_float(value: Any) -> float | None:
    """A JSON-safe float: NaN and infinities become None.

    Examples
    --------
    >>> as_float(1), as_float(float("nan")), as_float(None)
    (1.0, None, None)
    """
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def natural_key(value: object) -> tuple:
    """Sort key for group names: numbers (editions) as numbers, then texts
    case-insensitively, then ``"(missing)"`` last.

    Examples
    --------
    >>> sorted(["b", "(missing)", "10", "A", "9"], key=natural_key)
    ['9', '10', 'A', 'b', '(missing)']
    """
    text = str(value)
    if text == "(missing)":
        return (2, 0.0, "")
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text.casefold())
