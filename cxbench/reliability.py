"""Internal consistency of each dimension: Cronbach's alpha and item analysis.

Alpha and its confidence interval come from :func:`pingouin.cronbach_alpha`, which
handles missing answers pairwise (each covariance from the respondents who answered
both items), as R's ``psych::alpha(use="pairwise")`` does. Reverse-keyed items are
flipped first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg

from ._checks import DEFAULT_CONFIDENCE, check_confidence
from .instrument import Dimension, Instrument
from .scoring import reverse_items

__all__ = ["cronbach_alpha_by_dimension", "item_analysis", "omega_by_dimension"]


def _dimension_answers(data: pd.DataFrame, instrument: Instrument, dim: Dimension) -> pd.DataFrame:
    answers = reverse_items(data, instrument)[dim.item_ids].astype(float)
    return answers.dropna(how="all")


def cronbach_alpha_by_dimension(
    data: pd.DataFrame, instrument: Instrument, *, confidence: float = DEFAULT_CONFIDENCE
) -> pd.DataFrame:
    """Cronbach's alpha of every dimension, with its confidence interval.

    Parameters
    ----------
    data : DataFrame
        Validated wide answers (see :func:`cxbench.validation.validate_responses`).
    instrument : Instrument
    confidence : float
        Level of the interval (F-distribution based, Feldt 1965, as pingouin).

    Returns
    -------
    DataFrame
        Columns ``dimension``, ``alpha``, ``ci_low``, ``ci_high``, ``n`` (respondents
        with at least one answer in the dimension), ``items``. Alpha is NaN for a
        dimension of a single item.

    Notes
    -----
    alpha = k / (k − 1) × (1 − Σ var(item) / var(total)), computed from the pairwise
    covariance matrix of the k items.

    Examples
    --------
    >>> import pingouin as pg
    >>> from cxbench.instrument import Dimension, Instrument, Item, Scale
    >>> data = pg.read_dataset("cronbach_wide_missing")
    >>> items = tuple(Item(c, "d", {"en": c}) for c in data.columns)
    >>> inst = Instrument("binary", {}, Scale(0, 1), (Dimension("d", {}, items),))
    >>> # In R: psych::alpha(data, use="pairwise") gives 0.73
    >>> cronbach_alpha_by_dimension(data, inst).round(3)
      dimension  alpha  ci_low  ci_high   n  items
    0         d  0.733   0.435    0.909  12     11
    """
    confidence = check_confidence(confidence)
    records = []
    for dim in instrument.dimensions:
        answers = _dimension_answers(data, instrument, dim)
        alpha, (low, high) = (np.nan, (np.nan, np.nan))
        if len(dim.items) > 1 and len(answers) > 1:
            alpha, (low, high) = pg.cronbach_alpha(data=answers, ci=confidence)
        records.append(
            {
                "dimension": dim.id,
                "alpha": float(alpha),
                "ci_low": float(low),
                "ci_high": float(high),
                "n": len(answers),
                "items": len(dim.items),
            }
        )
    return pd.DataFrame.from_records(records)


def omega_by_dimension(data: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """McDonald's omega total of every dimension, from a one-factor model.

    The model is fitted by maximum likelihood (statsmodels' ``Factor``,
    ``method="ml"``) to the correlation matrix of the complete cases of the dimension's
    items, reverse-keyed items flipped; with the standardized loadings λ and the
    residual variances θ = 1 − λ²,

        omega = (Σλ)² / ((Σλ)² + Σθ).

    Returns
    -------
    DataFrame
        Columns ``dimension``, ``omega``, ``n`` (complete cases), ``items``. Omega is NaN
        where a one-factor model cannot be fitted: fewer than three items (it is not
        identified), no more complete cases than items, an item without variance, or a
        fit that does not converge.

    Notes
    -----
    With three items the model is just identified and the loadings are those of the
    correlations alone, λ₁ = √(r₁₂ r₁₃ / r₂₃) and so on (the tests check the fit
    against this); with equal loadings omega equals standardized alpha.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> table = omega_by_dimension(generate_benchmark(2023, n=400, seed=3), load_instrument())
    >>> table.columns.tolist(), bool(table["omega"].between(0, 1).all())
    (['dimension', 'omega', 'n', 'items'], True)
    """
    import warnings

    from statsmodels.multivariate.factor import Factor

    records = []
    flipped = reverse_items(data, instrument)
    for dim in instrument.dimensions:
        answers = flipped[dim.item_ids].astype(float).dropna()
        omega = np.nan
        k = len(dim.item_ids)
        if k >= 3 and len(answers) > k and (answers.std(ddof=1) > 0).all():
            corr = np.corrcoef(answers.to_numpy(), rowvar=False)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a fit that fails is NaN, said above
                try:
                    fit = Factor(corr=corr, nobs=len(answers), n_factor=1, method="ml").fit()
                    converged = bool(getattr(fit, "mle_retvals", {}).get("converged", True))
                except (np.linalg.LinAlgError, ValueError):
                    fit, converged = None, False
            if fit is not None and converged:
                loadings = np.asarray(fit.loadings, dtype=float).ravel()
                loadings = -loadings if loadings.sum() < 0 else loadings
                residual = 1.0 - loadings**2
                omega = float(loadings.sum() ** 2 / (loadings.sum() ** 2 + residual.sum()))
        records.append({"dimension": dim.id, "omega": omega, "n": len(answers), "items": k})
    return pd.DataFrame.from_records(records)


def item_analysis(data: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Corrected item-total correlation and alpha-if-item-deleted for every item.

    Parameters
    ----------
    data : DataFrame
        Validated wide answers.
    instrument : Instrument

    Returns
    -------
    DataFrame
        Columns ``dimension``, ``item``, ``n`` (answers), ``item_rest_r`` (the
        item's correlation with the sum of the dimension's *other* items, psych's
        ``r.drop``) and ``alpha_if_deleted``.

    Notes
    -----
    With C the pairwise covariance matrix of a dimension's items,
    r(i, rest) = Σ_{j≠i} C_ij / sqrt(C_ii × Σ_{j,l≠i} C_jl).

    Examples
    --------
    >>> from cxbench.instrument import Dimension, Instrument, Item, Scale
    >>> items = (Item("a", "d", {"en": "A"}), Item("b", "d", {"en": "B"}),
    ...          Item("c", "d", {"en": "C"}, reverse=True))
    >>> inst = Instrument("t", {}, Scale(1, 5), (Dimension("d", {}, items),))
    >>> data = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [5, 4, 4, 2, 1]})
    >>> item_analysis(data, inst).round(3)
      dimension item  n  item_rest_r  alpha_if_deleted
    0         d    a  5        0.950             0.900
    1         d    b  5        0.853             0.980
    2         d    c  5        0.943             0.909
    """
    records = []
    for dim in instrument.dimensions:
        answers = _dimension_answers(data, instrument, dim)
        cov = answers.cov().to_numpy()
        total = cov.sum()
        for position, item in enumerate(dim.item_ids):
            rest = np.delete(np.arange(len(dim.items)), position)
            alpha_deleted = np.nan
            if len(rest) > 1:
                alpha_deleted = pg.cronbach_alpha(data=answers.iloc[:, rest], ci=0.95)[0]
            with np.errstate(invalid="ignore", divide="ignore"):
                cov_rest = cov[position, rest].sum()
                var_rest = total - 2 * cov[position].sum() + cov[position, position]
                r = cov_rest / np.sqrt(cov[position, position] * var_rest)
            records.append(
                {
                    "dimension": dim.id,
                    "item": item,
                    "n": int(answers[item].notna().sum()),
                    "item_rest_r": float(r) if len(rest) else np.nan,
                    "alpha_if_deleted": float(alpha_deleted),
                }
            )
    return pd.DataFrame.from_records(records)
