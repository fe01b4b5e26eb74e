"""Factor structure: does the instrument measure its dimensions, and alike in every group?

A confirmatory factor analysis (CFA) of the instrument: every item loads on its own
dimension only, the dimensions correlate, the model is fitted by maximum likelihood to
the complete cases (respondents who answered every item), reverse-keyed items flipped.
Across the groups of a column (the survey's languages, the sectors) the same model is
then fitted step by step with more parameters held equal (measurement invariance):

``configural``
    the same items on the same dimensions in every group, every parameter free;
``metric``
    the loadings equal across groups (the dimensions mean the same);
``scalar``
    the loadings and the item intercepts equal (scores and means can be compared).

Each step is tested against the one before by the chi-square difference and judged by
a named rule (:data:`INVARIANCE_RULES`; by default Chen 2007).

Engines
    The CFA of all respondents is fitted by semopy (``Model``, Wishart ML objective,
    bounded variances). The invariance steps need parameters held equal *across*
    groups, which semopy 2.3 cannot do (its ``multigroup`` fits each group on its
    own), so they are fitted by this module's multi-group ML: the normal-theory
    discrepancy of every group weighted by its size, an analytic gradient, L-BFGS-B.
    Both use lavaan's identification (each dimension's first item has loading 1; in
    the scalar step the first group's dimension means are 0) and bound residual
    variances at zero, where lavaan lets them go negative: a solution on that bound
    is reported as improper (a Heywood case).

Fit indices
    As lavaan (0.6) defines them, for every engine: chi-square = N × F_ML (N, not
    N − 1); the baseline is the independence model (each group its own means and
    variances); CFI and TLI against it; RMSEA = √max(χ²/(N·df) − 1/N, 0) × √G with its
    90 % interval from the noncentral chi-square (Browne & Cudeck 1993); SRMR as
    Bentler's, residuals standardised by the observed standard deviations, the mean
    residuals included when the model has means (every multi-group step), groups
    weighted by their size. semopy's own statistics differ: no SRMR, no RMSEA
    interval, and its p-value is 1 − cdf (0 for large chi-squares), so these are
    computed here from its fitted covariance matrix. The tests check both engines
    against the lavaan tutorial's HolzingerSwineford1939 results.

Anonymity
    A group is fitted only when shown by :func:`cxbench.privacy.shown_groups` (at least
    ``min_n`` complete cases, and not hidden with a smaller one); hidden groups are
    counted, never named. The model of all respondents covers everyone.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ._checks import (
    CASES_PER_ITEM,
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_N,
    INVARIANCE_RULE_NAMES,
    as_float,
    check_choice,
    check_min_n,
    check_whole,
    natural_key,
)
from .errors import ModelError
from .instrument import Instrument
from .privacy import group_keys, shown_groups, suppressed_counts
from .scoring import reverse_items

__all__ = [
    "CASES_PER_ITEM",
    "FIT_INDICES",
    "INVARIANCE_RULES",
    "INVARIANCE_STEPS",
    "MAX_MODEL_ITEMS",
    "FactorStructure",
    "InvarianceRule",
    "MeasurementQuality",
    "factor_structure",
    "fit_indices",
    "measurement_quality",
]

#: The steps of measurement invariance, each nested in the one before.
INVARIANCE_STEPS: tuple[str, ...] = ("configural", "metric", "scalar")
#: The fit indices of a model, in the order they are reported.
FIT_INDICES: tuple[str, ...] = (
    "chisq",
    "df",
    "pvalue",
    "cfi",
    "tli",
    "rmsea",
    "rmsea_ci_low",
    "rmsea_ci_high",
    "srmr",
)
#: The most statements a factor model is fitted to: 200 take about 25 seconds (semopy's
#: optimiser grows with the cube of the parameters); more are refused, not left to run.
MAX_MODEL_ITEMS = 200
# a residual variance within this share of the item's variance of zero is on the bound
_BOUND_SHARE = 1e-6
# largest projected gradient of the discrepancy (F, not N·F) taken as converged
_GRADIENT_TOLERANCE = 1e-5


@dataclass(frozen=True)
class InvarianceRule:
    """A rule for judging a step of measurement invariance.

    The configural step holds when its fit is acceptable (``min_cfi``, ``max_rmsea``);
    a later step when its fit is not much worse than the step before: ΔCFI ≥
    ``-max_cfi_drop``, ΔRMSEA ≤ ``max_rmsea_rise`` and ΔSRMR ≤ ``max_srmr_rise[step]``.
    """

    name: str
    source: str
    max_cfi_drop: float
    max_rmsea_rise: float
    max_srmr_rise: Mapping[str, float]
    min_cfi: float
    max_rmsea: float

    def describe(self) -> str:
        """The rule in one line.

        Examples
        --------
        >>> INVARIANCE_RULES["chen2007"].describe()
        'Chen 2007: configural CFI ≥ 0.90 and RMSEA ≤ 0.08; ... 0.030 (metric), 0.010 (scalar)'
        """
        srmr = ", ".join(f"{v:.3f} ({k})" for k, v in self.max_srmr_rise.items())
        return (
            f"{self.source}: configural CFI ≥ {self.min_cfi:.2f} and RMSEA ≤ "
            f"{self.max_rmsea:.2f}; each later step ΔCFI ≥ {-self.max_cfi_drop:.3f}, "
            f"ΔRMSEA ≤ {self.max_rmsea_rise:.3f}, ΔSRMR ≤ {srmr}"
        )


#: Named rules for :func:`factor_structure`'s ``rule``. ``chen2007``: Chen (2007),
#: Structural Equation Modeling 14(3), 464–504, the cut-offs for N > 300 with equal
#: groups; the configural fit by the conventional "acceptable" bounds (CFI ≥ .90,
#: Bentler 1990; RMSEA ≤ .08, Browne & Cudeck 1993). ``cheung2002``: Cheung & Rensvold
#: (2002), ΔCFI ≥ −0.01 only.
INVARIANCE_RULES: Mapping[str, InvarianceRule] = {
    "chen2007": InvarianceRule(
        name="chen2007",
        source="Chen 2007",
        max_cfi_drop=0.010,
        max_rmsea_rise=0.015,
        max_srmr_rise={"metric": 0.030, "scalar": 0.010},
        min_cfi=0.90,
        max_rmsea=0.08,
    ),
    "cheung2002": InvarianceRule(
        name="cheung2002",
        source="Cheung & Rensvold 2002",
        max_cfi_drop=0.010,
        max_rmsea_rise=np.inf,
        max_srmr_rise={"metric": np.inf, "scalar": np.inf},
        min_cfi=0.90,
        max_rmsea=0.08,
    ),
}


def fit_indices(
    chisq: float,
    df: int,
    n: int,
    baseline_chisq: float,
    baseline_df: int,
    *,
    groups: int = 1,
    level: float = 0.90,
) -> dict[str, float]:
    """Chi-square test, CFI, TLI and RMSEA with its interval, as lavaan defines them.

    Parameters
    ----------
    chisq, df : float, int
        The model's chi-square (N × F_ML) and degrees of freedom.
    n : int
        Respondents, all groups together.
    baseline_chisq, baseline_df : float, int
        The independence model's.
    groups : int
        Groups fitted together (RMSEA is multiplied by √groups, as lavaan does after
        Steiger 1998).
    level : float
        Of the RMSEA interval.

    Returns
    -------
    dict
        ``chisq``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea``, ``rmsea_ci_low``,
        ``rmsea_ci_high``.

    Notes
    -----
    CFI = 1 − max(χ² − df, 0) / max(χ² − df, χ²_b − df_b, 0); TLI = 1 − (χ² − df)·df_b
    / ((χ²_b − df_b)·df); RMSEA = √max(χ²/(N·df) − 1/N, 0); the interval's bounds are
    the noncentralities λ at which the noncentral chi-square's cdf at χ² is 0.95 and
    0.05, RMSEA = √(λ / (N·df)) (Browne & Cudeck 1993). With df = 0 the model cannot be
    tested: CFI and TLI are 1, RMSEA 0, the p-value NaN.

    Examples
    --------
    The lavaan tutorial's CFA of HolzingerSwineford1939 (lavaan 0.6-11) prints
    χ² 85.306, df 24, baseline 918.852 on 36 df, n 301, CFI 0.931, TLI 0.896, RMSEA
    0.092 with 90 % interval 0.071 to 0.114:

    >>> fit = fit_indices(85.306, 24, 301, 918.852, 36)
    >>> {k: round(v, 3) for k, v in fit.items() if k not in ("chisq", "df", "pvalue")}
    {'cfi': 0.931, 'tli': 0.896, 'rmsea': 0.092, 'rmsea_ci_low': 0.071, 'rmsea_ci_high': 0.114}
    """
    chisq, n = float(chisq), int(n)
    if df <= 0:
        return {
            "chisq": chisq,
            "df": int(df),
            "pvalue": np.nan,
            "cfi": 1.0,
            "tli": 1.0,
            "rmsea": 0.0,
            "rmsea_ci_low": 0.0,
            "rmsea_ci_high": 0.0,
        }
    excess, excess_base = chisq - df, baseline_chisq - baseline_df
    denominator = max(excess, excess_base, 0.0)
    cfi = 1.0 if denominator <= 0 else 1.0 - max(excess, 0.0) / denominator
    tli = 1.0 - excess * baseline_df / (excess_base * df) if excess_base != 0 else 1.0
    scale = np.sqrt(groups)
    rmsea = np.sqrt(max(chisq / (n * df) - 1.0 / n, 0.0)) * scale
    low, high = _noncentrality_interval(chisq, df, level)
    return {
        "chisq": chisq,
        "df": int(df),
        "pvalue": float(stats.chi2.sf(chisq, df)),
        "cfi": float(cfi),
        "tli": float(tli),
        "rmsea": float(rmsea),
        "rmsea_ci_low": float(np.sqrt(low / (n * df)) * scale),
        "rmsea_ci_high": float(np.sqrt(high / (n * df)) * scale),
    }


def _noncentrality_interval(chisq: float, df: int, level: float) -> tuple[float, float]:
    """The noncentralities at which χ² is the upper and lower (1 − level)/2 quantile."""
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(lam: float) -> float:
        return float(stats.chi2.cdf(chisq, df) if lam <= 0 else stats.ncx2.cdf(chisq, df, lam))

    low = 0.0
    if cdf(0.0) > upper_p:
        low = optimize.brentq(lambda lam: cdf(lam) - upper_p, 0.0, chisq, xtol=1e-10)
    high = 0.0
    top = max(chisq * 4.0, 100.0)
    if cdf(0.0) > lower_p:
        while cdf(top) > lower_p:  # a very large chi-square: widen the bracket
            top *= 2.0
        high = optimize.brentq(lambda lam: cdf(lam) - lower_p, 0.0, top, xtol=1e-10)
    return low, high


# --------------------------------------------------------------------------- moments


@dataclass(frozen=True)
class _Group:
    """One group's complete cases as the ML fit sees them: n, means, covariances / n."""

    name: str
    n: int
    mean: np.ndarray
    cov: np.ndarray

    @classmethod
    def of(cls, name: str, values: np.ndarray) -> _Group:
        mean = values.mean(axis=0)
        centred = values - mean
        return cls(name, len(values), mean, centred.T @ centred / len(values))

    def logdet(self) -> float:
        sign, value = np.linalg.slogdet(self.cov)
        return float(value) if sign > 0 else -np.inf


def _baseline(groups: Sequence[_Group]) -> tuple[float, int]:
    """The independence model's chi-square and df: in each group the items uncorrelated,
    their means and variances free (so it fits the diagonal exactly)."""
    p = len(groups[0].mean)
    chisq = sum(g.n * (np.log(np.diag(g.cov)).sum() - g.logdet()) for g in groups)
    return float(chisq), len(groups) * p * (p - 1) // 2


def _srmr(
    groups: Sequence[_Group], implied: Sequence[tuple[np.ndarray, np.ndarray | None]]
) -> float:
    """Bentler's SRMR, lavaan's ``srmr``: residuals over the observed SDs, the means'
    residuals included when the model has a mean structure, groups weighted by n."""
    total = sum(g.n for g in groups)
    value = 0.0
    for group, (sigma, mu) in zip(groups, implied, strict=True):
        sd = np.sqrt(np.diag(group.cov))
        residual = (group.cov - sigma) / np.outer(sd, sd)
        parts = [residual[np.tril_indices_from(residual)]]
        if mu is not None:
            parts.append((group.mean - mu) / sd)
        squares = np.concatenate(parts) ** 2
        value += group.n / total * np.sqrt(squares.mean())
    return float(value)


# --------------------------------------------------------------- multi-group ML model


@dataclass(frozen=True)
class _Solution:
    """A fitted step: its chi-square and df, and per group the estimates."""

    step: str
    chisq: float
    df: int
    converged: bool
    loadings: np.ndarray
    phi: np.ndarray
    theta: np.ndarray
    implied: tuple[tuple[np.ndarray, np.ndarray | None], ...]
    improper: tuple[int, ...] = ()


def _cholesky(phi: np.ndarray) -> np.ndarray:
    """Cholesky factors of a stack of factor covariance matrices, their correlations
    halved until positive definite where a start (clipped correlations, a fit at a
    boundary) is not."""
    phi = np.array(phi, dtype=float)
    diagonal = np.einsum("gii->gi", phi)[:, :, None] * np.ones_like(phi)
    identity = np.eye(phi.shape[-1], dtype=bool)
    for _ in range(60):
        try:
            return np.linalg.cholesky(phi)
        except np.linalg.LinAlgError:
            phi = np.where(identity, diagonal, phi / 2)
    return np.linalg.cholesky(np.where(identity, diagonal, 0.0))


class _MultiGroupCFA:
    """The normal-theory ML discrepancy of a simple-structure CFA in G groups.

    Per group Σ = ΛΦΛ' + Θ and, with a mean structure (the scalar step), μ = ν + Λκ;
    F = Σ_g (n_g/N)(log|Σ_g| + tr(S_g Σ_g⁻¹) − log|S_g| − p + (m_g − μ_g)'Σ_g⁻¹(m_g − μ_g)).
    Without a mean structure the intercepts are the group means (saturated) and the
    mean term is zero. Φ is parameterised by its Cholesky factor (log diagonal), so it
    stays positive definite; Θ's variances are bounded at zero. The groups are stacked
    in arrays, so one evaluation costs the same few numpy calls for any G.
    """

    def __init__(self, groups: Sequence[_Group], factor_of: np.ndarray, step: str) -> None:
        self.groups = list(groups)
        self.factor_of = np.asarray(factor_of)
        self.step = step
        self.p = len(self.factor_of)
        self.m = int(self.factor_of.max()) + 1
        self.markers = np.array([np.flatnonzero(self.factor_of == k)[0] for k in range(self.m)])
        self.free = np.setdiff1d(np.arange(self.p), self.markers)
        self.weights = np.array([g.n for g in groups], dtype=float)
        self.weights /= self.weights.sum()
        self.cov = np.stack([g.cov for g in groups])
        self.mean = np.stack([g.mean for g in groups])
        self.logdet_cov = np.array([g.logdet() for g in groups])
        self.tril = np.tril_indices(self.m)
        self.diagonal = self.tril[0] == self.tril[1]
        self.shared = step != "configural"
        self.means = step == "scalar"
        G, nfree, nchol = len(groups), len(self.free), len(self.tril[0])
        sizes = [
            ("loadings", nfree if self.shared else G * nfree),
            ("chol", G * nchol),
            ("theta", G * self.p),
            ("nu", self.p if self.means else 0),
            ("kappa", (G - 1) * self.m if self.means else 0),
        ]
        self.slices, start = {}, 0
        for name, size in sizes:
            self.slices[name] = slice(start, start + size)
            start += size
        self.size = start

    def df(self) -> int:
        moments = self.p * (self.p + 1) // 2 + (self.p if self.means else 0)
        return len(self.groups) * moments - self.size

    # -- parameters ------------------------------------------------------------------

    def unpack(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Λ (G, p, m), the Cholesky factor of Φ (G, m, m), Θ's diagonal (G, p), ν (p)
        and κ (G, m) (zeros without a mean structure; the first group's always)."""
        G, nfree = len(self.groups), len(self.free)
        lam = np.zeros((G, self.p, self.m))
        lam[:, self.markers, np.arange(self.m)] = 1.0
        lam[:, self.free, self.factor_of[self.free]] = x[self.slices["loadings"]].reshape(-1, nfree)
        entries = x[self.slices["chol"]].reshape(G, -1).copy()
        entries[:, self.diagonal] = np.exp(entries[:, self.diagonal])
        low = np.zeros((G, self.m, self.m))
        low[:, self.tril[0], self.tril[1]] = entries
        kappa = np.zeros((G, self.m))
        if self.means:
            kappa[1:] = x[self.slices["kappa"]].reshape(-1, self.m)
        return {
            "lam": lam,
            "low": low,
            "theta": x[self.slices["theta"]].reshape(G, self.p),
            "nu": x[self.slices["nu"]],
            "kappa": kappa,
        }

    def pack(self, lam: np.ndarray, phi: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """The vector of per-group estimates (shared loadings averaged by n; in the
        scalar step ν starts at the first group's means and κ from them)."""
        x = np.zeros(self.size)
        free = lam[:, self.free, self.factor_of[self.free]]
        x[self.slices["loadings"]] = self.weights @ free if self.shared else free.ravel()
        entries = _cholesky(phi)[:, self.tril[0], self.tril[1]]
        entries[:, self.diagonal] = np.log(entries[:, self.diagonal])
        x[self.slices["chol"]] = entries.ravel()
        lows = np.array([b[0] for b in self.bounds()[self.slices["theta"]]])
        x[self.slices["theta"]] = np.maximum(theta.ravel(), lows)
        if self.means:
            nu = self.mean[0]
            x[self.slices["nu"]] = nu
            shared = self.unpack(x)["lam"][0]
            kappas = [np.linalg.lstsq(shared, mean - nu, rcond=None)[0] for mean in self.mean[1:]]
            x[self.slices["kappa"]] = np.ravel(kappas)
        return x

    def bounds(self) -> list[tuple[float | None, float | None]]:
        bounds: list[tuple[float | None, float | None]] = [(None, None)] * self.size
        variances = np.diagonal(self.cov, axis1=1, axis2=2).ravel()
        start = self.slices["theta"].start
        for i, variance in enumerate(variances):
            bounds[start + i] = (_BOUND_SHARE * variance, None)
        return bounds

    def start(self) -> np.ndarray:
        """Starting values from each group's sum-score covariances."""
        member = np.eye(self.m)[self.factor_of]  # (p, m): item i on factor k
        totals = self.cov @ member  # (G, p, m): cov(item, sum of factor's items)
        sums = member.T @ self.cov @ member  # (G, m, m): covariances of the sum scores
        marker_totals = totals[:, self.markers, np.arange(self.m)]  # (G, m)
        lam = np.where(
            member, totals / np.where(marker_totals > 0, marker_totals, 1)[:, None, :], 0
        )
        lam[:, self.markers, np.arange(self.m)] = 1.0
        marker_var = self.cov[:, self.markers, self.markers]
        variance = np.clip(
            marker_totals**2 / np.diagonal(sums, axis1=1, axis2=2),
            0.05 * marker_var,
            0.95 * marker_var,
        )
        sd = np.sqrt(np.diagonal(sums, axis1=1, axis2=2))
        r = np.clip(sums / (sd[:, :, None] * sd[:, None, :]), -0.9, 0.9)
        r[:, np.arange(self.m), np.arange(self.m)] = 1.0
        phi = r * np.sqrt(variance[:, :, None] * variance[:, None, :])
        common = np.einsum("gik,gkl,gil->gi", lam, phi, lam)
        variances = np.diagonal(self.cov, axis1=1, axis2=2)
        theta = np.maximum(variances - common, 0.1 * variances)
        return self.pack(lam, phi, theta)

    # -- discrepancy -----------------------------------------------------------------

    def moments(self, part: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Φ, the implied Σ and μ of every group."""
        lam, low = part["lam"], part["low"]
        phi = low @ low.transpose(0, 2, 1)
        sigma = lam @ phi @ lam.transpose(0, 2, 1)
        sigma[:, np.arange(self.p), np.arange(self.p)] += part["theta"]
        mu = part["nu"] + np.einsum("gik,gk->gi", lam, part["kappa"]) if self.means else self.mean
        return phi, sigma, mu

    def objective(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        part = self.unpack(x)
        lam, low = part["lam"], part["low"]
        phi, sigma, mu = self.moments(part)
        sign, logdet = np.linalg.slogdet(sigma)
        if (sign <= 0).any():
            return np.inf, np.zeros(self.size)
        inverse = np.linalg.inv(sigma)
        outer = self.cov
        if self.means:
            d = self.mean - mu
            outer = outer + d[:, :, None] * d[:, None, :]
        values = logdet + np.einsum("gij,gji->g", outer, inverse) - self.logdet_cov - self.p
        W = inverse - inverse @ outer @ inverse
        w = self.weights
        d_lam = 2.0 * W @ lam @ phi
        grad = np.zeros(self.size)
        if self.means:
            pull = -2.0 * np.einsum("gij,gj->gi", inverse, d)  # dF_g/dμ_g
            d_lam += pull[:, :, None] * part["kappa"][:, None, :]
            grad[self.slices["nu"]] = w @ pull
            grad[self.slices["kappa"]] = (
                w[1:, None] * np.einsum("gik,gi->gk", lam[1:], pull[1:])
            ).ravel()
        free = w[:, None] * d_lam[:, self.free, self.factor_of[self.free]]
        grad[self.slices["loadings"]] = free.sum(axis=0) if self.shared else free.ravel()
        d_low = 2.0 * (lam.transpose(0, 2, 1) @ W @ lam) @ low
        entries = d_low[:, self.tril[0], self.tril[1]]
        entries[:, self.diagonal] *= low[:, self.tril[0], self.tril[1]][:, self.diagonal]
        grad[self.slices["chol"]] = (w[:, None] * entries).ravel()
        grad[self.slices["theta"]] = (w[:, None] * np.diagonal(W, axis1=1, axis2=2)).ravel()
        return float(w @ values), grad

    def fit(self, start: np.ndarray | None = None) -> _Solution:
        x0 = self.start() if start is None else start
        bounds = self.bounds()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a failed fit is reported, not warned
            result = optimize.minimize(
                self.objective,
                x0,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": 20000, "maxfun": 40000, "ftol": 1e-14, "gtol": 1e-9},
            )
        x = result.x
        value, grad = self.objective(x)
        lower = np.array([-np.inf if b[0] is None else b[0] for b in bounds])
        at_bound = x <= lower * (1 + 1e-9)
        projected = np.where(at_bound & (grad > 0), 0.0, grad)
        converged = bool(np.isfinite(value) and np.abs(projected).max() < _GRADIENT_TOLERANCE)
        part = self.unpack(x)
        phi, sigma, mu = self.moments(part)
        theta = self.slices["theta"]
        improper = np.flatnonzero(at_bound[theta].reshape(len(self.groups), self.p).any(axis=0))
        return _Solution(
            step=self.step,
            chisq=float(sum(g.n for g in self.groups) * value),
            df=self.df(),
            converged=converged,
            loadings=part["lam"],
            phi=phi,
            theta=part["theta"],
            implied=tuple(zip(sigma, mu, strict=True)),  # saturated means: residuals 0
            improper=tuple(int(i) for i in improper),
        )


def _invariance(groups: Sequence[_Group], factor_of: np.ndarray) -> list[_Solution]:
    """The configural, metric and scalar fits. The configural model is separable (no
    parameter is shared), so each group is fitted on its own and the chi-squares add
    up; each later step starts from the one before."""
    alone = [_MultiGroupCFA([group], factor_of, "configural").fit() for group in groups]
    configural = _Solution(
        step="configural",
        chisq=sum(s.chisq for s in alone),
        df=sum(s.df for s in alone),
        converged=all(s.converged for s in alone),
        loadings=np.concatenate([s.loadings for s in alone]),
        phi=np.concatenate([s.phi for s in alone]),
        theta=np.concatenate([s.theta for s in alone]),
        implied=tuple(pair for s in alone for pair in s.implied),
        improper=tuple(sorted({i for s in alone for i in s.improper})),
    )
    solutions = [configural]
    for step in INVARIANCE_STEPS[1:]:
        model = _MultiGroupCFA(groups, factor_of, step)
        before = solutions[-1]
        solutions.append(model.fit(model.pack(before.loadings, before.phi, before.theta)))
    return solutions


# ------------------------------------------------------------------ the whole sample


def _semopy_cfa(values: np.ndarray, factor_of: np.ndarray) -> dict[str, Any]:
    """The CFA of all complete cases, fitted by semopy: chi-square, df, implied
    covariances (in item order), standardized loadings and factor correlations."""
    import semopy

    p, m = values.shape[1], int(factor_of.max()) + 1
    names = [f"x{i}" for i in range(p)]  # any item id (spaces, Cyrillic) is safe this way
    description = "\n".join(
        f"f{k} =~ " + " + ".join(names[i] for i in np.flatnonzero(factor_of == k)) for k in range(m)
    )
    model = semopy.Model(description)
    frame = pd.DataFrame(values, columns=names)
    group = _Group.of("all", values)
    cov = pd.DataFrame(group.cov, index=names, columns=names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = model.fit(frame, cov=cov, options={"ftol": 1e-12, "maxiter": 5000})
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise ModelError(
                "factor model", f"the fit failed ({exc})", code="not_converged"
            ) from None
        estimates = model.inspect(std_est=True).rename(columns={"Est. Std": "standardized"})
    order = [model.vars["observed"].index(name) for name in names]
    sigma = model.calc_sigma()[0][np.ix_(order, order)]
    std_loadings = np.full(p, np.nan)
    loadings = np.full(p, np.nan)
    rows = estimates[estimates["op"] == "~"]
    for row in rows.itertuples(index=False):
        i = names.index(row.lval)
        loadings[i], std_loadings[i] = float(row.Estimate), float(row.standardized)
    correlations = np.eye(m)
    covs = estimates[(estimates["op"] == "~~") & (estimates["lval"] != estimates["rval"])]
    for row in covs.itertuples(index=False):
        if row.lval.startswith("f") and row.rval.startswith("f"):
            a, b = int(row.lval[1:]), int(row.rval[1:])
            correlations[a, b] = correlations[b, a] = float(row.standardized)
    variances = estimates[(estimates["op"] == "~~") & (estimates["lval"] == estimates["rval"])]
    residual = {r.lval: float(r.Estimate) for r in variances.itertuples(index=False)}
    improper = tuple(
        i
        for i, name in enumerate(names)
        if residual.get(name, 1.0) <= _BOUND_SHARE * group.cov[i, i]
    )
    return {
        "group": group,
        "chisq": float(group.n * result.fun),
        "df": int(semopy.stats.calc_dof(model)),
        "converged": bool(result.success) and np.isfinite(result.fun),
        "sigma": sigma,
        "loadings": loadings,
        "std_loadings": std_loadings,
        "correlations": correlations,
        "improper": improper,
        "engine": f"semopy {semopy.__version__}",
    }


# ------------------------------------------------------------------------ the result


@dataclass(frozen=True)
class FactorStructure:
    """A CFA of the instrument and, with ``by``, its measurement invariance.

    Attributes
    ----------
    n : int
        Complete cases fitted (respondents who answered every item).
    incomplete : int
        Respondents left out for a missing answer.
    fit : dict
        :data:`FIT_INDICES` of the model of all complete cases.
    loadings : DataFrame
        ``dimension``, ``item``, ``loading`` (the dimension's first item is 1),
        ``std_loading`` (standardized: λ·√φ / √σ_ii).
    correlations : DataFrame
        ``dimension_a``, ``dimension_b``, ``r``: the dimensions' correlations.
    by : str or None
    groups : DataFrame
        ``group``, ``n``: the groups fitted in the invariance steps (none without ``by``).
    invariance : DataFrame or None
        One row per step (:data:`INVARIANCE_STEPS`): ``step``, ``chisq``, ``df``,
        ``pvalue``, ``cfi``, ``tli``, ``rmsea``, ``srmr``, the difference from the step
        before (``delta_chisq``, ``delta_df``, ``delta_pvalue``, ``delta_cfi``,
        ``delta_rmsea``, ``delta_srmr``), ``converged`` and ``holds`` (by ``rule``).
        None without ``by``, or with fewer than two groups to fit.
    rule : InvarianceRule
    notes : tuple of str
        What the reader must know: improper solutions, groups that could not be
        fitted, steps that did not converge. No note names a hidden group.
    suppressed : dict
        Groups and respondents hidden by the anonymity rule, and respondents without
        a ``by`` value (:func:`cxbench.privacy.suppressed_counts`).
    engine : str
        The library and version that fitted the model of all complete cases.
    """

    n: int
    incomplete: int
    fit: Mapping[str, float]
    loadings: pd.DataFrame
    correlations: pd.DataFrame
    by: str | None
    groups: pd.DataFrame
    invariance: pd.DataFrame | None
    rule: InvarianceRule
    notes: tuple[str, ...]
    suppressed: Mapping[str, int]
    min_n: int
    min_cases: int
    engine: str

    @property
    def acceptable(self) -> bool:
        """Whether the model of all complete cases fits acceptably by ``rule``."""
        return bool(
            self.fit["cfi"] >= self.rule.min_cfi and self.fit["rmsea"] <= self.rule.max_rmsea
        )

    def highest_step(self) -> str | None:
        """The last step of :data:`INVARIANCE_STEPS` that holds, every step before it
        holding too; None when the configural step does not (or without invariance)."""
        if self.invariance is None:
            return None
        reached = None
        for row in self.invariance.itertuples(index=False):
            if not row.holds:
                break
            reached = row.step
        return reached

    def to_records(self) -> dict[str, Any]:
        """Everything as JSON-safe values (``cxbench structure --format json``)."""

        def frame(table: pd.DataFrame | None) -> list[dict[str, Any]] | None:
            if table is None:
                return None
            return json.loads(table.to_json(orient="records", double_precision=6))

        return {
            "n": self.n,
            "incomplete": self.incomplete,
            "engine": self.engine,
            "fit": {key: as_float(value) for key, value in self.fit.items()}
            | {"df": int(self.fit["df"])},
            "acceptable": self.acceptable,
            "loadings": frame(self.loadings),
            "correlations": frame(self.correlations),
            "by": self.by,
            "groups": frame(self.groups),
            "invariance": frame(self.invariance),
            "highest_step": self.highest_step(),
            "rule": {"name": self.rule.name, "text": self.rule.describe()},
            "notes": list(self.notes),
            "min_n": self.min_n,
            "min_cases": self.min_cases,
            "suppressed": dict(self.suppressed),
        }


def _complete_cases(
    data: pd.DataFrame, instrument: Instrument
) -> tuple[np.ndarray, np.ndarray, int]:
    """The answers of the respondents who answered every item (reverse-keyed items
    flipped), the boolean mask of those rows, and how many were left out."""
    answers = reverse_items(data, instrument)[instrument.item_ids]
    values = answers.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    complete = np.isfinite(values).all(axis=1)
    return values[complete], complete, int((~complete).sum())


def _check_model(instrument: Instrument) -> np.ndarray:
    """Each item's dimension (0, 1, …); refuse an instrument whose model is not identified."""
    what = f"factor model ({len(instrument.dimensions)} dimensions)"
    if len(instrument.items) > MAX_MODEL_ITEMS:
        raise ModelError(
            what,
            f"{len(instrument.items)} items, more than the {MAX_MODEL_ITEMS} a factor model is "
            "fitted to here (it would take minutes to hours)",
            code="too_many_items",
            items=len(instrument.items),
            most=MAX_MODEL_ITEMS,
        )
    for dim in instrument.dimensions:
        if len(dim.items) < 2:
            raise ModelError(
                what,
                f"dimension {dim.id!r} has {len(dim.items)} item: a dimension needs at least "
                "two items (three when it is the only one) to be modelled",
                code="one_item",
                dimension=dim.id,
            )
    if len(instrument.dimensions) == 1 and len(instrument.dimensions[0].items) < 3:
        raise ModelError(
            what, "one dimension of two items is not identified: it needs three", code="two_items"
        )
    return np.array([instrument.dimension_ids.index(i.dimension) for i in instrument.items])


def _check_moments(group: _Group, items: Sequence[str], what: str) -> None:
    """Refuse moments the ML fit cannot use, naming the item or the group size."""
    if group.n <= len(items):
        raise ModelError(
            what,
            f"{group.n} complete cases for {len(items)} items: the fit needs more complete "
            "cases than items (respondents with a missing answer are left out)",
            code="few_cases",
            n=group.n,
            items=len(items),
        )
    constant = [item for item, v in zip(items, np.diag(group.cov), strict=True) if v <= 0]
    if constant:
        raise ModelError(
            what,
            f"item {constant[0]!r} has the same answer from every complete case: there is no "
            "variance to model",
            code="constant",
            item=constant[0],
        )
    eigen = np.linalg.eigvalsh(
        group.cov / np.sqrt(np.outer(np.diag(group.cov), np.diag(group.cov)))
    )
    if eigen.min() < 1e-10:
        raise ModelError(
            what,
            "the items' covariance matrix is singular: an item's answers are a combination of "
            "other items' (for example two items always answered alike)",
            code="singular",
        )


def factor_structure(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    by: str | None = None,
    min_n: int = DEFAULT_MIN_N,
    min_cases: int | None = None,
    rule: str = "chen2007",
) -> FactorStructure:
    """A confirmatory factor analysis of the instrument's dimensions and, with ``by``,
    its measurement invariance across the groups of that column.

    Parameters
    ----------
    data : DataFrame
        Validated wide answers (:func:`cxbench.validation.load_responses`).
    instrument : Instrument
    by : str, optional
        A grouping column, e.g. ``language`` or ``sector``: fit the configural, metric
        and scalar models across its groups.
    min_n : int
        Anonymity: a group is fitted only with at least ``min_n`` complete cases and
        when not hidden with a smaller one (:func:`cxbench.privacy.shown_groups`).
    min_cases : int, optional
        The fewest complete cases a group needs to be fitted in the invariance steps;
        default :data:`CASES_PER_ITEM` per item (60 for 12 items). Smaller groups, if
        shown, are named in ``notes``; the model of all respondents is fitted with
        fewer too, with a note that its fit indices are unreliable.
    rule : str
        The rule judging each invariance step, a key of :data:`INVARIANCE_RULES`.

    Returns
    -------
    FactorStructure

    Raises
    ------
    ModelError
        When the model cannot be fitted: a dimension with one item, fewer complete
        cases than items (or than ``min_n``), an item without variance, a singular
        covariance matrix, or a fit that does not converge. The message says why.

    Notes
    -----
    See the module's notes for the engines and the fit indices. A group whose own
    covariances cannot be fitted (fewer complete cases than items, an item all answered
    alike) is left out of the invariance steps and named in ``notes`` (it has at least
    ``min_n`` respondents).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> data = generate_benchmark(2023)  # the bundled data/benchmark_2023.csv
    >>> result = factor_structure(data, load_instrument(), by="language")
    >>> result.n, result.incomplete, result.fit["df"], round(result.fit["cfi"], 3)
    (279, 31, 51, 0.994)
    >>> result.groups.to_dict("list"), result.highest_step()
    ({'group': ['en', 'ru', 'tr'], 'n': [104, 70, 105]}, 'scalar')
    """
    min_n = check_min_n(min_n)
    min_cases = (
        CASES_PER_ITEM * len(instrument.item_ids)
        if min_cases is None
        else check_whole(min_cases, "min_cases")
    )
    chosen = INVARIANCE_RULES[check_choice(rule, "rule", INVARIANCE_RULE_NAMES)]
    factor_of = _check_model(instrument)
    items = instrument.item_ids
    what = f"factor model ({len(instrument.dimensions)} dimensions, {len(items)} items)"
    values, complete, incomplete = _complete_cases(data, instrument)
    if len(values) < min_n:
        raise ModelError(
            what,
            f"{len(values)} complete cases, fewer than min_n={min_n}",
            code="min_n",
            n=len(values),
            min_n=min_n,
        )
    overall = _Group.of("all", values)
    _check_moments(overall, items, what)
    whole = _semopy_cfa(values, factor_of)
    if not whole["converged"]:
        raise ModelError(
            what,
            "the maximum-likelihood fit did not converge; look at the items' correlations "
            "(cxbench reliability) for an item that does not belong to its dimension",
            code="not_converged",
        )
    base_chisq, base_df = _baseline([overall])
    fit = fit_indices(whole["chisq"], whole["df"], overall.n, base_chisq, base_df)
    fit["srmr"] = _srmr([overall], [(whole["sigma"], None)])
    notes = [
        f"improper solution: the residual variance of {items[i]!r} is at zero (a Heywood "
        "case); the item is explained entirely by its dimension, or the model is misspecified"
        for i in whole["improper"]
    ]
    if whole["df"] == 0:
        notes.append("the model is just identified (df = 0): its fit cannot be tested")
    if overall.n < min_cases:
        notes.append(
            f"{overall.n} complete cases for {len(items)} items, fewer than {min_cases}: "
            "the fit indices are unreliable with so few"
        )
    loadings = pd.DataFrame(
        {
            "dimension": [item.dimension for item in instrument.items],
            "item": items,
            "loading": whole["loadings"],
            "std_loading": whole["std_loadings"],
        }
    )
    dims = instrument.dimension_ids
    correlations = pd.DataFrame(
        [
            {"dimension_a": dims[a], "dimension_b": dims[b], "r": whole["correlations"][a, b]}
            for a in range(len(dims))
            for b in range(a + 1, len(dims))
        ],
        columns=["dimension_a", "dimension_b", "r"],
    )
    groups = pd.DataFrame({"group": pd.Series(dtype=object), "n": pd.Series(dtype=int)})
    invariance, suppressed = None, {"groups": 0, "n": 0, "missing": 0}
    if by is not None:
        fitted, suppressed = _groups_to_fit(
            data, by, complete, values, items, min_n, min_cases, notes
        )
        groups = pd.DataFrame(
            {"group": [g.name for g in fitted], "n": [g.n for g in fitted]},
            columns=["group", "n"],
        )
        if len(fitted) >= 2:
            invariance = _invariance_table(fitted, factor_of, chosen, items, notes)
        else:
            notes.append(
                f"invariance across {by} is not tested: it needs two groups that can be fitted, "
                f"{'none' if not fitted else 'one'} here"
            )
    return FactorStructure(
        n=overall.n,
        incomplete=incomplete,
        fit=fit,
        loadings=loadings,
        correlations=correlations,
        by=by,
        groups=groups,
        invariance=invariance,
        rule=chosen,
        notes=tuple(notes),
        suppressed=suppressed,
        min_n=min_n,
        min_cases=min_cases,
        engine=whole["engine"],
    )


def _groups_to_fit(
    data: pd.DataFrame,
    by: str,
    complete: np.ndarray,
    values: np.ndarray,
    items: Sequence[str],
    min_n: int,
    min_cases: int,
    notes: list[str],
) -> tuple[list[_Group], dict[str, int]]:
    """The groups of ``by`` that may be shown (anonymity) and can be fitted on their
    own; the others shown are named in ``notes``, the hidden only counted."""
    keys = group_keys(data, by).to_numpy(dtype=object)[complete]
    sizes = pd.Series(keys).value_counts()
    totals = pd.DataFrame(
        {"analysis": "structure", "group": sizes.index.astype(object), "n": sizes.to_numpy()}
    )
    shown = shown_groups(totals, min_n, keys=["analysis"])
    fitted, few = [], []
    for name in sorted(shown["group"], key=natural_key):
        group = _Group.of(str(name), values[keys == name])
        if group.n < min_cases:
            few.append(f"{name} ({group.n})")
            continue
        try:
            _check_moments(group, items, f"group {name!r}")
        except ModelError as exc:
            notes.append(f"{exc}; left out of the invariance steps")
            continue
        fitted.append(group)
    if few:
        notes.append(
            f"left out of the invariance steps, with fewer than {min_cases} complete cases "
            f"(the least for a group's own fit): {', '.join(few)}"
        )
    return fitted, suppressed_counts(shown)


def _invariance_table(
    groups: Sequence[_Group],
    factor_of: np.ndarray,
    rule: InvarianceRule,
    items: Sequence[str],
    notes: list[str],
) -> pd.DataFrame:
    """The invariance steps' fit, differences and verdicts."""
    base_chisq, base_df = _baseline(groups)
    total = sum(g.n for g in groups)
    rows: list[dict[str, Any]] = []
    for solution in _invariance(groups, factor_of):
        fit = fit_indices(
            solution.chisq, solution.df, total, base_chisq, base_df, groups=len(groups)
        )
        fit["srmr"] = _srmr(groups, solution.implied)
        row = {"step": solution.step} | {
            k: fit[k] for k in ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr")
        }
        if rows:
            before = rows[-1]
            row["delta_chisq"] = row["chisq"] - before["chisq"]
            row["delta_df"] = row["df"] - before["df"]
            row["delta_pvalue"] = float(
                stats.chi2.sf(max(row["delta_chisq"], 0.0), row["delta_df"])
            )
            for key in ("cfi", "rmsea", "srmr"):
                row[f"delta_{key}"] = row[key] - before[key]
            holds = (
                row["delta_cfi"] >= -rule.max_cfi_drop - 1e-12
                and row["delta_rmsea"] <= rule.max_rmsea_rise + 1e-12
                and row["delta_srmr"] <= rule.max_srmr_rise[solution.step] + 1e-12
            )
        else:
            row |= dict.fromkeys(
                (
                    "delta_chisq",
                    "delta_df",
                    "delta_pvalue",
                    "delta_cfi",
                    "delta_rmsea",
                    "delta_srmr",
                ),
                np.nan,
            )
            holds = fit["cfi"] >= rule.min_cfi and fit["rmsea"] <= rule.max_rmsea
        row["converged"] = solution.converged
        row["holds"] = bool(holds and solution.converged)
        if not solution.converged:
            notes.append(
                f"the {solution.step} model did not converge: its figures are not reliable"
            )
        for i in solution.improper:
            notes.append(
                f"improper solution in the {solution.step} model: a residual variance of "
                f"{items[i]!r} is at zero (a Heywood case)"
            )
        rows.append(row)
    table = pd.DataFrame(rows)
    table["delta_df"] = table["delta_df"].astype("Int64")
    return table


@dataclass(frozen=True)
class MeasurementQuality:
    """What a report says of the questionnaire's measurement (:func:`measurement_quality`).

    Attributes
    ----------
    alpha, omega : DataFrame
        :func:`cxbench.reliability.cronbach_alpha_by_dimension` and
        :func:`cxbench.reliability.omega_by_dimension`.
    structure : FactorStructure or None
        The factor model of all complete cases; None when it could not be fitted.
    problem : ModelError or None
        Why it could not be.
    invariance : dict
        Grouping column → its :class:`FactorStructure` with the invariance steps, for
        each column asked for that the data have.
    """

    alpha: pd.DataFrame
    omega: pd.DataFrame
    structure: FactorStructure | None
    problem: ModelError | None
    invariance: Mapping[str, FactorStructure]


def measurement_quality(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    by: Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
    confidence: float = DEFAULT_CONFIDENCE,
) -> MeasurementQuality:
    """Reliability, the factor model and its invariance across groups, in one call.

    A model that cannot be fitted does not raise: ``problem`` says why, and no
    invariance is tested. Columns of ``by`` the data lack are skipped (a survey without
    a ``language`` column has no invariance across languages).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> quality = measurement_quality(
    ...     generate_benchmark(2023), load_instrument(), by=["language", "region"]
    ... )
    >>> quality.alpha["alpha"].round(2).tolist(), list(quality.invariance)
    ([0.82, 0.8, 0.83], ['language'])
    """
    from .reliability import cronbach_alpha_by_dimension, omega_by_dimension

    alpha = cronbach_alpha_by_dimension(data, instrument, confidence=confidence)
    omega = omega_by_dimension(data, instrument)
    try:
        structure, problem = factor_structure(data, instrument, min_n=min_n), None
    except ModelError as exc:
        structure, problem = None, exc
    invariance = {}
    if structure is not None:
        for column in by:
            if column in data.columns:
                invariance[column] = factor_structure(data, instrument, by=column, min_n=min_n)
    return MeasurementQuality(alpha, omega, structure, problem, invariance)
