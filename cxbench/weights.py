"""Survey weights: respondents weighted to the population, and design-based errors.

A benchmark that over-samples one sector reports that sector's view as the market's.
Weighting gives each respondent the share of the population it stands for, from a
*population file*::

    method: rake              # or poststratify
    margins:                  # rake: one share per value of each column
      sector: {Finance: 0.12, Telecom: 0.05, ...}     # shares sum to 1 per column
      company_size: {"<250": 0.6, "250-999": 0.25, ...}
    # poststratify instead:
    # cells:
    #   - {sector: Finance, company_size: "<250", share: 0.07}
    #   - ...
    # tolerance: 1.0e-10      # raking: largest relative gap to a margin at the end

Values are matched as the file holds them, as text. *Post-stratification* is exact:
each cell's respondents share its population share equally. *Raking* (iterative
proportional fitting) adjusts the weights to each column's margin in turn until every
margin is met within ``tolerance``. Weights are scaled to sum to the number of
respondents (a mean weight of 1).

**Errors.** A weighted score is a ratio mean, ``Σ w·y / Σ w``; its standard error is
computed by linearisation for a calibrated estimator, as R's ``survey`` package
computes it for ``svydesign(ids=~1)`` after ``postStratify`` or ``rake`` and then
``svymean``: the linearised values ``z = (y − ȳ) / Σ w`` are replaced by their
residuals from the projection on the calibration cells (the post-strata, or the
raking margins' categories together), multiplied by the weights, and their variance
is that of a with-replacement sample, ``n / (n − 1) · Σ (x − x̄)²`` (with clusters:
of the cluster totals, times ``1 − f`` with a finite population of clusters). For
respondents that start with equal weights, as survey responses do, this is exactly
the ``survey`` package's estimate (tested against its published outputs on the
``api`` data). A group's score (a domain) is estimated with the same weights:
``z`` is zero outside the group. The confidence interval is normal
(``mean ± z_{1−α/2} · se``, as ``confint`` on ``svymean``); ``deff`` is the variance
against that of simple random sampling with replacement of the same size
(``S²_w / n``, ``S²_w`` the weighted variance with ``n / (n − 1)``), and ``n_eff`` is
Kish's effective sample size ``(Σ w)² / Σ w²``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import limits
from ._checks import (
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_N,
    ID_COLUMN,
    check_confidence,
    check_min_n,
    natural_key,
)
from .errors import ParameterError, WeightsError
from .instrument import Instrument
from .privacy import group_keys, shown_groups
from .scoring import Method, respondent_scores, sort_tidy

__all__ = [
    "Population",
    "WeightedComparison",
    "Weighting",
    "design_mean",
    "load_population",
    "weight_respondents",
    "weighted_comparison",
    "weighted_metric",
    "weighted_scores",
]

WeightingMethod = Literal["rake", "poststratify"]
#: Raking stops when every margin is met within this relative gap.
DEFAULT_TOLERANCE = 1e-10
#: Raking gives up (an error) after this many rounds over the margins.
MAX_ITERATIONS = 1000
_SHARE_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Population:
    """A population file: how respondents are weighted (see the module notes).

    ``margins`` (raking): column → value → share. ``cells`` (post-stratification): a
    tuple of (values per column, share) for the combinations of ``columns``.
    """

    method: WeightingMethod
    columns: tuple[str, ...]
    margins: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    cells: tuple[tuple[tuple[str, ...], float], ...] = ()
    tolerance: float = DEFAULT_TOLERANCE
    source: str = ""

    def describe(self) -> str:
        """One line saying what the weights are fitted to.

        Examples
        --------
        >>> Population("rake", ("sector", "size"), {"sector": {}, "size": {}}).describe()
        'raked to the margins of sector and size'
        """
        columns = " and ".join(self.columns) if len(self.columns) <= 2 else ", ".join(self.columns)
        if self.method == "rake":
            return f"raked to the margins of {columns}"
        return f"post-stratified to {len(self.cells)} cells of {columns}"


@dataclass(frozen=True)
class Weighting:
    """Weights fitted to a population, row by row of the data they were fitted on.

    ``weights`` are aligned with ``data``'s rows (``NaN`` for rows set aside),
    ``cells`` is the calibration design: for each kept row, the index of its
    post-stratum, or one column of category indices per raking margin.
    """

    population: Population
    weights: np.ndarray
    kept: np.ndarray
    cells: np.ndarray
    iterations: int
    rejected: pd.DataFrame

    @property
    def n(self) -> int:
        """Respondents weighted."""
        return int(self.kept.sum())

    @property
    def n_eff(self) -> float:
        """Kish's effective sample size, ``(Σ w)² / Σ w²``."""
        w = self.weights[self.kept]
        return float(w.sum() ** 2 / (w**2).sum())

    def calibration_matrix(self) -> np.ndarray:
        """Indicator columns of the calibration cells, for the kept rows."""
        blocks = []
        for j in range(self.cells.shape[1]):
            codes = self.cells[:, j]
            block = np.zeros((len(codes), int(codes.max()) + 1))
            block[np.arange(len(codes)), codes] = 1.0
            blocks.append(block)
        return np.hstack(blocks)

    @cached_property
    def calibration_basis(self) -> np.ndarray:
        """An orthonormal basis of the calibration cells' span (the left singular
        vectors of :meth:`calibration_matrix` above a relative tolerance), computed
        once: projecting on it is what every estimate's linearisation does."""
        u, singular, _ = np.linalg.svd(self.calibration_matrix(), full_matrices=False)
        return u[:, singular > singular.max() * len(u) * np.finfo(float).eps]


def _share(value: Any, source: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WeightsError(source, key, f"{value!r} is not a share (a number from 0 to 1)")
    share = float(value)
    if not 0 < share <= 1:
        raise WeightsError(source, key, f"{value!r} is not a share above 0 and at most 1")
    return share


def _parse(raw: Any, source: str) -> Population:
    if not isinstance(raw, Mapping):
        raise WeightsError(source, "", "must be a mapping with 'method' and 'margins' or 'cells'")
    method = raw.get("method")
    if method not in ("rake", "poststratify"):
        raise WeightsError(source, "method", f"{method!r}: must be 'rake' or 'poststratify'")
    tolerance = raw.get("tolerance", DEFAULT_TOLERANCE)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance <= 0:
        raise WeightsError(source, "tolerance", f"{tolerance!r}: must be a positive number")
    if method == "rake":
        margins_raw = raw.get("margins")
        if not isinstance(margins_raw, Mapping) or not margins_raw:
            raise WeightsError(
                source, "margins", "raking needs the margins: column -> value -> share"
            )
        margins: dict[str, dict[str, float]] = {}
        for column, shares in margins_raw.items():
            where = f"margins.{column}"
            if not isinstance(shares, Mapping) or not shares:
                raise WeightsError(source, where, "must map the column's values to their shares")
            margin = {str(v): _share(s, source, f"{where}.{v}") for v, s in shares.items()}
            total = sum(margin.values())
            if abs(total - 1) > _SHARE_SUM_TOLERANCE:
                raise WeightsError(source, where, f"the shares sum to {total:.6g}, not 1")
            margins[str(column)] = margin
        return Population("rake", tuple(margins), margins, (), float(tolerance), source)
    cells_raw = raw.get("cells")
    if not isinstance(cells_raw, list) or not cells_raw:
        raise WeightsError(source, "cells", "post-stratification needs the cells and their shares")
    columns: tuple[str, ...] | None = None
    cells = []
    seen: set[tuple[str, ...]] = set()
    for i, cell in enumerate(cells_raw):
        where = f"cells[{i}]"
        if not isinstance(cell, Mapping) or "share" not in cell:
            raise WeightsError(source, where, "must give the cell's values and its 'share'")
        names = tuple(str(k) for k in cell if k != "share")
        if not names:
            raise WeightsError(source, where, "names no column")
        if columns is None:
            columns = names
        elif set(names) != set(columns):
            raise WeightsError(source, where, f"must name the columns {', '.join(columns)}")
        values = tuple(str(cell[c]) for c in columns)
        if values in seen:
            raise WeightsError(source, where, f"the cell {values} is given twice")
        seen.add(values)
        cells.append((values, _share(cell["share"], source, f"{where}.share")))
    total = sum(share for _, share in cells)
    if abs(total - 1) > _SHARE_SUM_TOLERANCE:
        raise WeightsError(source, "cells", f"the shares sum to {total:.6g}, not 1")
    assert columns is not None
    return Population("poststratify", columns, {}, tuple(cells), float(tolerance), source)


def load_population(path: str | Path) -> Population:
    """Read a population file (see the module notes).

    Raises
    ------
    WeightsError
        Naming the file and key: not YAML or beyond :mod:`cxbench.limits`, an unknown
        method, a share that is not a number in (0, 1], shares that do not sum to 1,
        a cell given twice or naming other columns.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "pop.yaml"
    >>> _ = path.write_text("method: rake\\nmargins:\\n  sector: {A: 0.25, B: 0.75}\\n")
    >>> load_population(path).margins["sector"]
    {'A': 0.25, 'B': 0.75}
    """
    path = Path(path)
    source = str(path.resolve())
    raw, problem = limits.read_yaml_file(path, "population file")
    if problem:
        raise WeightsError(source, "", problem)
    return _parse(raw, source)


def _codes(
    data: pd.DataFrame, population: Population, reject: bool
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """Each row's category index per margin (raking) or its cell index (post-
    stratification); rows that cannot be weighted are refused, or set aside."""
    source = population.source or "population file"
    for column in population.columns:
        if column not in data.columns:
            raise WeightsError(source, column, "no such column in the data")
    n = len(data)
    bad: dict[int, str] = {}
    text = {c: data[c].astype("string") for c in population.columns}
    # a blank value is a missing one, as for groups (cxbench.privacy.group_keys)
    missing = {
        c: (text[c].isna() | (text[c].str.strip() == "")).fillna(True).to_numpy(bool)
        for c in population.columns
    }

    def note(rows: np.ndarray, reason: Any) -> None:
        for i in np.flatnonzero(rows):
            bad.setdefault(int(i), reason(int(i)))

    if population.method == "rake":
        codes = np.zeros((n, len(population.columns)), dtype=int)
        for j, column in enumerate(population.columns):
            found = pd.Index(list(population.margins[column])).get_indexer(text[column])
            note(missing[column], lambda i, c=column: f"{c}: missing, needed for the weights")
            note(
                (found < 0) & ~missing[column],
                lambda i, c=column: f"{c}={text[c].iloc[i]!r}: not in the population file",
            )
            codes[:, j] = np.maximum(found, 0)
    else:
        cells = pd.MultiIndex.from_tuples([values for values, _ in population.cells])
        found = cells.get_indexer(pd.MultiIndex.from_arrays([text[c] for c in population.columns]))
        absent = np.zeros(n, dtype=bool)
        for column in population.columns:
            note(
                missing[column] & ~absent,
                lambda i, c=column: f"{c}: missing, needed for the weights",
            )
            absent |= missing[column]

        def unknown(i: int) -> str:
            shown = ", ".join(f"{c}={text[c].iloc[i]!r}" for c in population.columns)
            return f"{shown}: no such cell in the population file"

        note((found < 0) & ~absent, unknown)
        codes = np.maximum(found, 0).reshape(n, 1)
    if bad and not reject:
        i = min(bad)
        raise WeightsError(source, "", f"row {i + 1} of the data: {bad[i]}")
    kept = np.ones(n, dtype=bool)
    kept[list(bad)] = False
    rejected = [{"row": i + 1, "reason": reason} for i, reason in sorted(bad.items())]
    return codes, kept, rejected


def weight_respondents(
    data: pd.DataFrame,
    population: Population,
    *,
    reject_unweightable: bool = False,
    base_weights: Sequence[float] | np.ndarray | None = None,
) -> Weighting:
    """Weights for ``data``'s rows that reproduce the population's shares.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, with the population file's columns.
    population : Population
        From :func:`load_population`.
    reject_unweightable : bool
        Set aside (``Weighting.rejected``, with the row and reason) the rows whose
        weighting value is missing or not in the population file, instead of
        refusing the data.
    base_weights : array, optional
        Starting (design) weights; default 1 for every respondent.

    Raises
    ------
    WeightsError
        For a column the data lack, a value the file lacks or a missing value (unless
        ``reject_unweightable``), a cell or margin category with no respondent, or
        raking that does not converge within :data:`MAX_ITERATIONS` rounds.

    Examples
    --------
    >>> pop = Population("poststratify", ("s",), cells=((("A",), 0.5), (("B",), 0.5)))
    >>> frame = pd.DataFrame({"s": ["A", "A", "A", "B"]})
    >>> weight_respondents(frame, pop).weights.round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    source = population.source or "population file"
    codes, kept, rejected = _codes(data, population, reject_unweightable)
    if not kept.any():
        raise WeightsError(source, "", "no respondent can be weighted")
    base = np.ones(len(data)) if base_weights is None else np.asarray(base_weights, float)
    w = base[kept].copy()
    cells = codes[kept]
    iterations = 0
    if population.method == "poststratify":
        shares = np.array([share for _, share in population.cells])
        totals = np.bincount(cells[:, 0], weights=w, minlength=len(shares))
        empty = np.flatnonzero(totals == 0)
        if len(empty):
            values = population.cells[int(empty[0])][0]
            shown = ", ".join(f"{c}={v!r}" for c, v in zip(population.columns, values, strict=True))
            raise WeightsError(source, "cells", f"{shown}: no respondent in this cell")
        w = w * (shares * w.sum() / totals)[cells[:, 0]]
    else:
        targets = []
        for j, column in enumerate(population.columns):
            shares = np.array(list(population.margins[column].values()))
            present = np.bincount(cells[:, j], minlength=len(shares))
            if (present == 0).any():
                value = list(population.margins[column])[int(np.flatnonzero(present == 0)[0])]
                raise WeightsError(
                    source, f"margins.{column}.{value}", "no respondent has this value"
                )
            targets.append(shares)
        total = w.sum()
        for rounds in range(1, MAX_ITERATIONS + 1):
            for j, shares in enumerate(targets):
                current = np.bincount(cells[:, j], weights=w, minlength=len(shares))
                w = w * (shares * total / current)[cells[:, j]]
            gap = max(
                np.abs(np.bincount(cells[:, j], weights=w, minlength=len(s)) / total / s - 1).max()
                for j, s in enumerate(targets)
            )
            if gap <= population.tolerance:
                iterations = rounds
                break
        else:
            raise WeightsError(
                source,
                "margins",
                f"raking did not converge in {MAX_ITERATIONS} rounds (largest relative gap "
                f"{gap:.3g} > tolerance {population.tolerance:g}): margins that cannot all "
                "be met by these respondents",
            )
    w = w * (len(w) / w.sum())
    weights = np.full(len(data), np.nan)
    weights[kept] = w
    return Weighting(
        population,
        weights,
        kept,
        cells,
        iterations,
        pd.DataFrame(rejected, columns=["row", "reason"]),
    )


def _variance(
    x: np.ndarray, cluster: np.ndarray | None, population_clusters: float | None
) -> float:
    """Variance of the total of ``x`` under with-replacement sampling of rows, or of
    clusters (their totals), times ``1 − f`` for a finite population of clusters."""
    if cluster is not None:
        x = pd.Series(x).groupby(np.asarray(cluster), sort=False).sum().to_numpy()
    n = len(x)
    if n < 2:
        return float("nan")
    scale = 1.0 if population_clusters is None else 1.0 - n / population_clusters
    return float(scale * n / (n - 1) * ((x - x.mean()) ** 2).sum())


def design_mean(
    y: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    *,
    calibration: np.ndarray | None = None,
    basis: np.ndarray | None = None,
    domain: Sequence[bool] | np.ndarray | None = None,
    cluster: Sequence[Any] | np.ndarray | None = None,
    population_clusters: float | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, float]:
    """The weighted mean of ``y`` (over ``domain``) with its design-based error.

    Parameters
    ----------
    y, weights : arrays
        Values (NaN: not in the domain) and final weights, row by row.
    calibration : array, optional
        The calibration design (indicator columns of the post-strata or of the raking
        margins' categories, :meth:`Weighting.calibration_matrix`); the linearised
        values are replaced by their residuals on it.
    basis : array, optional
        Instead of ``calibration``: an orthonormal basis of its span
        (:attr:`Weighting.calibration_basis`), quicker when many estimates share it.
    domain : boolean array, optional
        The rows of the group estimated (default all); the others count with ``z = 0``.
    cluster, population_clusters : optional
        Cluster (PSU) of each row and the number of clusters in the population (a
        finite population correction), for clustered samples.
    confidence : float

    Returns
    -------
    dict
        ``mean``, ``se``, ``ci_low``, ``ci_high``, ``deff`` (against simple random
        sampling with replacement), ``n`` and ``n_eff`` of the domain's rows with a
        value.

    Examples
    --------
    With equal weights and no calibration the error is the textbook ``s / √n`` and
    the design effect is 1:

    >>> out = design_mean([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0])
    >>> round(out["mean"], 3), round(out["se"], 4), round(out["deff"], 3)
    (2.5, 0.6455, 1.0)
    """
    confidence = check_confidence(confidence)
    y = np.asarray(y, dtype=float)
    w = np.asarray(weights, dtype=float)
    inside = ~np.isnan(y)
    if domain is not None:
        inside &= np.asarray(domain, dtype=bool)
    n = int(inside.sum())
    nan = float("nan")
    if n == 0:
        return dict.fromkeys(("mean", "se", "ci_low", "ci_high", "deff", "n_eff"), nan) | {"n": 0}
    wd = np.where(inside, w, 0.0)
    total = wd.sum()
    mean = float((wd * np.where(inside, y, 0.0)).sum() / total)
    z = np.where(inside, (np.where(inside, y, 0.0) - mean) / total, 0.0)
    if basis is not None:
        z = z - basis @ (basis.T @ z)
    elif calibration is not None:
        beta, *_ = np.linalg.lstsq(calibration, z, rcond=None)
        z = z - calibration @ beta
    variance = _variance(
        w * z, None if cluster is None else np.asarray(cluster), population_clusters
    )
    se = float(np.sqrt(variance)) if variance >= 0 else nan
    s2 = (
        n / (n - 1) * float((wd * (np.where(inside, y, 0.0) - mean) ** 2).sum() / total)
        if n > 1
        else nan
    )
    deff = variance / (s2 / n) if n > 1 and s2 > 0 else nan
    q = float(stats.norm.ppf(0.5 + confidence / 2))
    return {
        "mean": mean,
        "se": se,
        "ci_low": mean - q * se,
        "ci_high": mean + q * se,
        "deff": float(deff),
        "n": n,
        "n_eff": float(total**2 / (wd**2).sum()),
    }


def _score_matrix(
    data: pd.DataFrame,
    instrument: Instrument,
    method: Method,
    min_answered: int | None,
    id_column: str,
) -> np.ndarray:
    """Every respondent's dimension scores, one row per respondent, one column per
    dimension (:func:`cxbench.scoring.respondent_scores`)."""
    scores = respondent_scores(
        data, instrument, method=method, min_answered=min_answered, id_column=id_column
    )
    return scores["score"].to_numpy(float).reshape(len(data), len(instrument.dimension_ids))


def _weighted_rows(
    data: pd.DataFrame, weighting: Weighting, by: str | None, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The weighted rows' values, weights and groups; ``data`` must be the rows weighted."""
    if len(data) != len(weighting.weights):
        raise ParameterError(
            "weighting", len(weighting.weights), f"fitted on other data ({len(data)} rows here)"
        )
    kept = weighting.kept
    groups = group_keys(data, by).to_numpy(dtype=object)[kept]
    return values[kept], weighting.weights[kept], groups


#: The columns of :func:`weighted_scores`, in order.
WEIGHTED_COLUMNS = (
    "group", "dimension", "n", "n_eff", "score", "se", "ci_low", "ci_high", "deff", "weighted",
)  # fmt: skip


def weighted_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    weighting: Weighting,
    *,
    by: str | None = None,
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Weighted dimension scores with their design-based errors, overall or per group.

    The score of a group is the weighted mean of its respondents' dimension scores
    (:func:`cxbench.scoring.respondent_scores`), estimated as a domain of the whole
    weighted sample (:func:`design_mean`): the groups share the weights and the
    calibration. The anonymity rule counts respondents, not weights
    (:func:`cxbench.privacy.shown_groups`).

    Parameters
    ----------
    data : DataFrame
        The validated answers the weights were fitted on (same rows, same order).
    instrument : Instrument
    weighting : Weighting
        From :func:`weight_respondents`; rows it set aside are left out.
    by : str, optional
        A grouping column; without it, one group ``"all"``.
    method, min_answered, id_column, min_n, confidence
        As in :func:`cxbench.scoring.dimension_scores`; ``confidence`` for the CI.

    Returns
    -------
    DataFrame
        :data:`WEIGHTED_COLUMNS`: ``n`` respondents with a score, ``n_eff`` (Kish),
        ``score``, ``se``, ``ci_low``, ``ci_high``, ``deff``, ``weighted`` (True);
        groups sorted, dimensions in instrument order.

    Examples
    --------
    Equal shares in the population and the sample give weights of 1 and the
    unweighted scores:

    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> rows = [{i: p for i in inst.item_ids} | {"respondent_id": f"r{k}", "s": s}
    ...         for k, (p, s) in enumerate([(3, "A"), (4, "A"), (5, "B"), (2, "B")])]
    >>> frame = pd.DataFrame(rows)
    >>> pop = Population("poststratify", ("s",), cells=((("A",), 0.5), (("B",), 0.5)))
    >>> table = weighted_scores(frame, inst, weight_respondents(frame, pop), min_n=1)
    >>> table[["group", "dimension", "n", "score"]].head(1)
      group dimension  n  score
    0   all   measure  4   70.0
    """
    min_n = check_min_n(min_n)
    confidence = check_confidence(confidence)
    scores = _score_matrix(data, instrument, method, min_answered, id_column)
    matrix, w, groups = _weighted_rows(data, weighting, by, scores)
    basis = weighting.calibration_basis
    names = ["all"] if by is None else list(dict.fromkeys(groups))
    rows = []
    for j, dimension in enumerate(instrument.dimension_ids):
        for name in names:
            domain = None if by is None else groups == name
            est = design_mean(matrix[:, j], w, basis=basis, domain=domain, confidence=confidence)
            est["score"] = est.pop("mean")
            rows.append({"group": name, "dimension": dimension} | est)
    table = pd.DataFrame(rows).assign(weighted=True)
    table = sort_tidy(table, instrument, ["dimension", "group"])
    table = table[list(WEIGHTED_COLUMNS)].astype({"n": int})
    return shown_groups(table, min_n, keys=["dimension"])


@dataclass(frozen=True)
class WeightedComparison:
    """Groups compared on weighted scores (:func:`weighted_comparison`).

    ``groups``: ``dimension``, ``group``, ``n``, ``n_eff``, ``score``, ``se``,
    ``ci_low``, ``ci_high``, ``deff`` of the shown groups (``attrs`` as
    :func:`cxbench.privacy.shown_groups` leaves them); ``tests``: per dimension the
    design-based Wald test that the shown groups' scores are equal, ``groups``, ``F``,
    ``df1``, ``df2``, ``p``; ``pairs``: per dimension and pair of shown groups, ``diff``
    (a − b), ``se``, ``ci_low``, ``ci_high``, ``t``, ``p`` and ``p_adj`` (``correction``
    over every pair of every dimension together).
    """

    by: str
    population: str
    confidence: float
    correction: str
    groups: pd.DataFrame
    tests: pd.DataFrame
    pairs: pd.DataFrame


def _domain_values(
    y: np.ndarray, w: np.ndarray, members: list[np.ndarray], basis: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The domains' weighted means and their linearised values (one column per domain,
    residuals on the calibration basis, times the weights)."""
    scored = ~np.isnan(y)
    values = np.where(scored, y, 0.0)
    means = np.empty(len(members))
    x = np.zeros((len(y), len(members)))
    for k, member in enumerate(members):
        inside = member & scored
        total = w[inside].sum()
        means[k] = (w[inside] * values[inside]).sum() / total
        z = np.where(inside, (values - means[k]) / total, 0.0)
        x[:, k] = w * (z - basis @ (basis.T @ z))
    return means, x


def weighted_comparison(
    data: pd.DataFrame,
    instrument: Instrument,
    weighting: Weighting,
    by: str,
    *,
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = DEFAULT_CONFIDENCE,
    correction: str = "holm",
) -> WeightedComparison:
    """Groups compared on their weighted dimension scores, with design-based tests.

    Each shown group's score is a domain estimate (:func:`weighted_scores`). The groups'
    scores on a dimension are estimated jointly: their linearised values give the
    covariance matrix ``V`` of the estimates, and

    * the omnibus test is the design-based Wald test of equal scores, ``F = d' (C V C')⁻¹
      d / (G − 1)`` for the ``G − 1`` differences ``d`` from the last group, against an
      F distribution with ``G − 1`` and ``n − 1`` degrees of freedom (the design's
      degrees of freedom, as R's ``regTermTest`` on ``svyglm(score ~ group)`` reports);
    * each pair's difference has the standard error ``√(V_aa + V_bb − 2 V_ab)``, a t test
      with ``n − 1`` degrees of freedom and its CI, corrected over every pair of every
      dimension together (``correction``).

    The rank-based tests and the bootstrap of :func:`cxbench.comparison.compare_groups`
    have no design-based counterpart in common use and are left out.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> data = generate_benchmark(2023, n=300, seed=4)
    >>> shares = data["company_size"].value_counts(normalize=True).round(6)
    >>> shares = (shares / shares.sum()).to_dict()
    >>> pop = Population("rake", ("company_size",), {"company_size": shares})
    >>> result = weighted_comparison(data, load_instrument(), weight_respondents(data, pop),
    ...                              "sector", min_n=10)
    >>> result.tests.columns.tolist()
    ['dimension', 'groups', 'F', 'df1', 'df2', 'p']
    """
    from .stats import adjust_p

    min_n = check_min_n(min_n)
    confidence = check_confidence(confidence)
    shown = weighted_scores(
        data,
        instrument,
        weighting,
        by=by,
        method=method,
        min_answered=min_answered,
        id_column=id_column,
        min_n=min_n,
        confidence=confidence,
    )
    scores = _score_matrix(data, instrument, method, min_answered, id_column)
    matrix, w, groups = _weighted_rows(data, weighting, by, scores)
    basis = weighting.calibration_basis
    q = float(stats.norm.ppf(0.5 + confidence / 2))
    tests, pairs = [], []
    for j, dimension in enumerate(instrument.dimension_ids):
        names = shown.loc[shown["dimension"] == dimension, "group"].tolist()
        if len(names) < 2:
            continue
        y = matrix[:, j]
        means, x = _domain_values(y, w, [groups == g for g in names], basis)
        n = len(y)  # the design's rows, as in design_mean's variance
        v = n / (n - 1) * np.cov(x, rowvar=False, bias=True) * n
        contrast = np.hstack([np.eye(len(names) - 1), -np.ones((len(names) - 1, 1))])
        d = contrast @ means
        f = float(d @ np.linalg.solve(contrast @ v @ contrast.T, d)) / (len(names) - 1)
        df1, df2 = len(names) - 1, n - 1
        tests.append(
            {"dimension": dimension, "groups": len(names), "F": f, "df1": df1, "df2": df2,
             "p": float(stats.f.sf(f, df1, df2))}
        )  # fmt: skip
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                diff = float(means[a] - means[b])
                se = float(np.sqrt(v[a, a] + v[b, b] - 2 * v[a, b]))
                t = diff / se
                pairs.append(
                    {"dimension": dimension, "group_a": names[a], "group_b": names[b],
                     "diff": diff, "se": se, "ci_low": diff - q * se, "ci_high": diff + q * se,
                     "t": t, "df": df2, "p": float(2 * stats.t.sf(abs(t), df2))}
                )  # fmt: skip
    test_columns = ["dimension", "groups", "F", "df1", "df2", "p"]
    pair_columns = ["dimension", "group_a", "group_b", "diff", "se", "ci_low", "ci_high", "t"]
    pair_frame = pd.DataFrame(pairs, columns=[*pair_columns, "df", "p"])
    return WeightedComparison(
        by=by,
        population=weighting.population.describe(),
        confidence=confidence,
        correction=correction,
        groups=shown,
        tests=pd.DataFrame(tests, columns=test_columns),
        pairs=adjust_p(pair_frame, correction),
    )


def weighted_metric(
    data: pd.DataFrame,
    column: str,
    weighting: Weighting,
    metric: Literal["nps", "csat", "ces"] = "nps",
    *,
    by: str | None = None,
    scale: tuple[int, int] | None = None,
    top: int = 2,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """A CX metric (NPS, CSAT top-box %, CES mean) weighted, with its design-based
    error, overall or per group: the weighted mean of each respondent's contribution
    (:func:`cxbench.metrics.metric_values`) as a domain of the weights
    (:func:`design_mean`).

    Returns
    -------
    DataFrame
        ``metric``, ``group``, ``n`` (answers), ``n_eff``, ``value``, ``se``, ``ci_low``,
        ``ci_high``, ``deff``, ``weighted``; groups under ``min_n`` answers are not shown
        (:func:`cxbench.privacy.shown_groups`).

    Examples
    --------
    >>> frame = pd.DataFrame({"s": ["A", "A", "B", "B"], "nps": [10, 9, 3, 8]})
    >>> pop = Population("poststratify", ("s",), cells=((("A",), 0.25), (("B",), 0.75)))
    >>> row = weighted_metric(frame, "nps", weight_respondents(frame, pop), min_n=1).iloc[0]
    >>> round(float(row["value"]), 1)  # A: +100 (a quarter), B: −50 (three quarters)
    -12.5
    """
    from .metrics import metric_values

    min_n = check_min_n(min_n)
    confidence = check_confidence(confidence)
    values = metric_values(data, column, metric, scale=scale, top=top).to_numpy(float)
    values, w, groups = _weighted_rows(data, weighting, by, values)
    names = ["all"] if by is None else sorted(set(groups), key=natural_key)
    rows = []
    for name in names:
        domain = None if by is None else groups == name
        est = design_mean(
            values, w, basis=weighting.calibration_basis, domain=domain, confidence=confidence
        )
        est["value"] = est.pop("mean")
        rows.append({"metric": metric, "group": name} | est)
    columns = ["metric", "group", "n", "n_eff", "value", "se", "ci_low", "ci_high", "deff"]
    table = pd.DataFrame(rows)[columns].astype({"n": int}).assign(weighted=True)
    return shown_groups(table, min_n, keys=["metric"])
