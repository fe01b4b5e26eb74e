"""Synthetic benchmark data: a seeded latent-trait generator, calibrated to the report.

The bundled files ``data/benchmark_2022.csv`` and ``data/benchmark_2023.csv`` are made
here. They are SYNTHETIC: generated organisations and generated answers, not answers
from a real survey. They exist so that the pipeline, the notebooks and the tests have
realistic data to run on, and so that the 2023 file, scored with
:mod:`cxbench.scoring`, gives the figures published in the 2023 report.

Model
-----
Population
    The organisations of both editions are drawn together, so that a panel of them
    takes part in both years under the same id and sector (needed for paired
    comparisons). Ids are given in order of first participation: the 2022
    participants are ``ORG-0001`` … ``ORG-0290``, the 2023 newcomers follow. About
    :data:`PANEL_SHARE` of the 2023 organisations took part in 2022; the other 2022
    organisations dropped out. Sectors are allotted by fixed quotas of unequal size
    (:data:`SECTORS`), countries and company sizes at random with fixed weights; the
    questionnaire's language follows the country (:data:`SURVEY_LANGUAGES`).
Latent maturity
    Each organisation has one latent maturity per dimension (Measure, Manage,
    Master): a standard normal vector with correlation :data:`DIMENSION_CORRELATION`
    between dimensions and :data:`YEAR_CORRELATION` between the two editions, plus a
    sector effect and a small company-size effect. The sector effects span about 1.2
    standard deviations, clustered in a leading group (Finance, Telecom, Online
    retail), a middle group and a trailing group (Healthcare, Public sector,
    Manufacturing): some 13–15 points between the best and the worst sector in
    expectation, large enough that ~30 organisations per sector show it clearly.
Answers
    The answer to item *j* of dimension *d* is an ordered-probit discretisation:
    ``y* = intercept_j + loading_j × maturity_d + e`` with ``e ~ N(0, 1)`` and
    loadings between 0.95 and 1.35, cut at thresholds 1.8 apart (−2.7, −0.9, 0.9, 2.7
    on a 1–5 scale, which gives answers a standard deviation of about 0.9 points).
    Shared maturity makes the answers within a dimension correlate (Cronbach's alpha
    about 0.8).
    About :data:`MISSING_SHARE` of the answers are then blanked at random.
    Reverse-keyed items, where an instrument has them, are stored reversed.
``success`` and ``nps``
    ``success`` (1–5, self-rated success in improving digital CX) and ``nps`` (0–10,
    the respondent's likelihood to recommend) both rise with the organisation's mean
    maturity, with noise of their own. Neither has a missing answer.

Calibration
-----------
The latent values and the noise are drawn once from ``np.random.default_rng(seed)``.
Then, on that realised sample, every item's intercept is solved by bisection until the
sample's own sum/max item score (:func:`cxbench.scoring.item_scores`, default method)
is as close to its target as whole answers allow (within 0.04 points for about 300
answers); likewise the ``success`` threshold between 3 and 4 is placed so that the
share answering 4 or 5 matches its target. The published figures are therefore met
by construction, not by luck of the draw: this is the calibration of a generator, and
says nothing about the real survey beyond those figures. Dimension scores, means of
the respondents' dimension scores, follow from the item targets (the missing answers
move them by a few hundredths of a point).

Targets, 2023 (:data:`EDITION_TARGETS`): the six published item scores
(:data:`PUBLISHED_ITEM_SCORES_2023`, also the instrument's ``published_score``), six
unpublished item scores implied by the published dimension scores
(:data:`IMPLIED_ITEM_SCORES_2023`) and the published 76 % success share. Targets,
2022: assumed, not published; every item a few points lower
(:data:`SHIFT_2022`) and a 72 % success share.

Regenerate the bundled files from the project root with::

    python -m cxbench.synthetic data
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import ParameterError
from .files import write_atomic, write_csv
from .instrument import Instrument, load_instrument

__all__ = [
    "COMPANY_SIZES",
    "COUNTRIES",
    "DEFAULT_SEED",
    "DIMENSION_CORRELATION",
    "EDITIONS",
    "EDITION_SIZES",
    "EDITION_TARGETS",
    "IMPLIED_ITEM_SCORES_2023",
    "MISSING_SHARE",
    "PANEL_SHARE",
    "PUBLISHED_DIMENSION_SCORES_2023",
    "PUBLISHED_ITEM_SCORES_2023",
    "PUBLISHED_SUCCESS_SHARE_2023",
    "SECTORS",
    "SHIFT_2022",
    "SURVEY_LANGUAGES",
    "YEAR_CORRELATION",
    "EditionTargets",
    "columns",
    "generate_benchmark",
    "write_bundled_data",
]

#: Seed of the bundled files.
DEFAULT_SEED = 2023
#: Editions the generator knows targets for.
EDITIONS: tuple[int, ...] = (2022, 2023)
#: Organisations per edition in the bundled files.
EDITION_SIZES: Mapping[int, int] = MappingProxyType({2022: 290, 2023: 310})
#: Share of the 2023 organisations that also took part in 2022 (the panel).
PANEL_SHARE = 0.65
#: Share of item answers left blank, completely at random.
MISSING_SHARE = 0.01
#: Correlation of an organisation's latent maturity between two dimensions.
DIMENSION_CORRELATION = 0.6
#: Correlation of a panel organisation's latent maturity between the two editions.
YEAR_CORRELATION = 0.7

# Sector: share of the population and latent effect on (measure, manage, master), in
# standard deviations of the latent maturity. Allotted by quota, so each sector has
# its share of the population exactly (at least 7 %, some 20 organisations a year).
_SECTORS: tuple[tuple[str, float, tuple[float, float, float]], ...] = (
    ("Finance", 0.16, (0.54, 0.50, 0.47)),
    ("Telecom", 0.10, (0.50, 0.58, 0.50)),
    ("Energy", 0.08, (0.00, 0.07, -0.07)),
    ("Automotive", 0.07, (-0.11, -0.04, -0.14)),
    ("Online retail", 0.14, (0.47, 0.36, 0.58)),
    ("Insurance", 0.10, (0.18, 0.18, 0.07)),
    ("Travel & hospitality", 0.09, (0.07, -0.07, 0.14)),
    ("Healthcare", 0.08, (-0.58, -0.54, -0.47)),
    ("Public sector", 0.07, (-0.61, -0.61, -0.61)),
    ("Manufacturing", 0.11, (-0.54, -0.47, -0.58)),
)
_EFFECT_DIMENSIONS = ("measure", "manage", "master")
#: Sector names, in the order of the brief.
SECTORS: tuple[str, ...] = tuple(name for name, _, _ in _SECTORS)

_COUNTRIES: tuple[tuple[str, float], ...] = (
    ("Türkiye", 0.34),
    ("Russia", 0.20),
    ("Kazakhstan", 0.08),
    ("Germany", 0.10),
    ("Netherlands", 0.09),
    ("United Kingdom", 0.10),
    ("France", 0.09),
)
#: Country names; drawn at random with fixed weights (no effect on maturity).
COUNTRIES: tuple[str, ...] = tuple(name for name, _ in _COUNTRIES)
#: The questionnaire's language version an organisation answered, by its country
#: (English elsewhere): a column of its own, so that the measurement can be compared
#: across the language versions (:func:`cxbench.factors.factor_structure`). The
#: answers do not depend on it: every version measures alike here.
SURVEY_LANGUAGES: Mapping[str, str] = MappingProxyType(
    {"Türkiye": "tr", "Russia": "ru", "Kazakhstan": "ru"}
)

_COMPANY_SIZES: tuple[tuple[str, float, float], ...] = (
    ("<250", 0.22, -0.10),
    ("250-999", 0.30, -0.03),
    ("1000-4999", 0.28, 0.04),
    ("5000+", 0.20, 0.10),
)
#: Company-size classes (employees), smallest first; larger ones are slightly more mature.
COMPANY_SIZES: tuple[str, ...] = tuple(name for name, _, _ in _COMPANY_SIZES)

#: Item scores (sum/max %) published in the 2023 report (domain brief; also the
#: instrument's ``published_score``).
PUBLISHED_ITEM_SCORES_2023: Mapping[str, float] = MappingProxyType(
    {
        "measure_1": 62.0,
        "measure_2": 60.0,
        "manage_1": 72.0,
        "manage_2": 68.0,
        "master_1": 72.0,
        "master_2": 52.0,
    }
)
#: NOT published: 2023 scores of the other items, chosen by cxbench so that each
#: dimension's items average to its published score (implied by the brief: the other
#: two Measure items average 79 %, Manage 70 %, Master 68 %).
IMPLIED_ITEM_SCORES_2023: Mapping[str, float] = MappingProxyType(
    {
        "measure_3": 78.0,
        "measure_4": 80.0,
        "manage_3": 71.0,
        "manage_4": 69.0,
        "master_3": 70.0,
        "master_4": 66.0,
    }
)
#: Dimension scores (sum/max %) published in the 2023 report (domain brief).
PUBLISHED_DIMENSION_SCORES_2023: Mapping[str, float] = MappingProxyType(
    {"measure": 70.0, "manage": 70.0, "master": 65.0}
)
#: Share (%) of organisations saying they succeeded in improving their digital CX,
#: published for 2023 (domain brief); read as ``success`` 4 or 5.
PUBLISHED_SUCCESS_SHARE_2023 = 76.0
#: Assumed, not published: 2022 item targets are the 2023 ones plus this shift.
SHIFT_2022: Mapping[str, float] = MappingProxyType(
    {"measure": -3.0, "manage": -4.0, "master": -2.0}
)
_SUCCESS_SHARE_2022 = 72.0
# Centre of the latent likelihood to recommend (0-10) per edition.
_NPS_CENTRE: Mapping[int, float] = MappingProxyType({2022: 7.0, 2023: 7.2})


@dataclass(frozen=True)
class EditionTargets:
    """What an edition's generated data are calibrated to reproduce.

    Attributes
    ----------
    item_scores : Mapping
        Item id -> sum/max item score (%).
    success_share : float
        Share (%) of organisations with ``success`` 4 or 5.
    source : str
        Where the targets come from.
    """

    item_scores: Mapping[str, float]
    success_share: float
    source: str


def _targets_2022() -> Mapping[str, float]:
    both = PUBLISHED_ITEM_SCORES_2023 | IMPLIED_ITEM_SCORES_2023
    return MappingProxyType(
        {item: score + SHIFT_2022[item.split("_")[0]] for item, score in both.items()}
    )


#: Calibration targets per edition.
EDITION_TARGETS: Mapping[int, EditionTargets] = MappingProxyType(
    {
        2022: EditionTargets(
            _targets_2022(),
            _SUCCESS_SHARE_2022,
            "assumed: the 2023 targets lowered by SHIFT_2022; success share 72 %",
        ),
        2023: EditionTargets(
            MappingProxyType(PUBLISHED_ITEM_SCORES_2023 | IMPLIED_ITEM_SCORES_2023),
            PUBLISHED_SUCCESS_SHARE_2023,
            "published 2023 report (domain brief), unpublished items implied by it",
        ),
    }
)

_BISECTION_STEPS = 60
_INTERCEPT_RANGE = 25.0
_LOADING_RANGE = (0.95, 1.35)
_THRESHOLD_SPACING = 1.8
# Latent success thresholds (1|2, 2|3, 4|5) relative to the calibrated 3|4 threshold.
_SUCCESS_OFFSETS = (-2.4, -1.3, 1.4)


def columns(instrument: Instrument | None = None) -> list[str]:
    """The columns of a generated frame, in order.

    Parameters
    ----------
    instrument : Instrument, optional
        Default the bundled ``digital-cx-2023``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> columns()[:7], columns()[-3:]
    (['respondent_id', 'edition', 'sector', 'country', 'company_size', 'language', 'measure_1'],
     ['master_4', 'nps', 'success'])
    """
    instrument = instrument or load_instrument()
    return [
        "respondent_id",
        "edition",
        "sector",
        "country",
        "company_size",
        "language",
        *instrument.item_ids,
        "nps",
        "success",
    ]


@dataclass(frozen=True)
class _Population:
    """Every organisation of both editions, and every random draw, before calibration."""

    ids: np.ndarray
    sector: np.ndarray
    country: np.ndarray
    company_size: np.ndarray
    members: Mapping[int, np.ndarray]
    maturity: Mapping[int, np.ndarray]
    loadings: np.ndarray
    item_noise: Mapping[int, np.ndarray]
    missing: Mapping[int, np.ndarray]
    success_noise: Mapping[int, np.ndarray]
    nps_noise: Mapping[int, np.ndarray]


def _quota_counts(weights: Sequence[float], total: int) -> np.ndarray:
    """Largest-remainder allotment of ``total`` by ``weights``."""
    shares = np.asarray(weights) / np.sum(weights) * total
    counts = np.floor(shares).astype(int)
    order = np.argsort(-(shares - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _draw_population(seed: int, sizes: Mapping[int, int], instrument: Instrument) -> _Population:
    rng = np.random.default_rng(seed)
    k = len(instrument.dimensions)
    n_old, n_new = sizes[2022], sizes[2023]
    panel = min(round(PANEL_SHARE * n_new), n_old)
    total = n_old + n_new - panel
    width = max(4, len(str(total)))
    ids = np.array([f"ORG-{i:0{width}d}" for i in range(1, total + 1)], dtype=object)

    loadings = rng.uniform(*_LOADING_RANGE, size=len(instrument.items))
    sector_codes = rng.permutation(
        np.repeat(np.arange(len(_SECTORS)), _quota_counts([w for _, w, _ in _SECTORS], total))
    )
    country_codes = rng.choice(len(_COUNTRIES), size=total, p=[w for _, w in _COUNTRIES])
    size_codes = rng.choice(len(_COMPANY_SIZES), size=total, p=[w for _, w, _ in _COMPANY_SIZES])
    stays = np.sort(rng.choice(n_old, size=panel, replace=False))
    members = {2022: np.arange(n_old), 2023: np.concatenate([stays, np.arange(n_old, total)])}

    correlation = np.full((k, k), DIMENSION_CORRELATION)
    np.fill_diagonal(correlation, 1.0)
    chol = np.linalg.cholesky(correlation)
    lasting = rng.standard_normal((total, k)) @ chol.T
    sector_effects = np.array(
        [
            [
                effects[_EFFECT_DIMENSIONS.index(dim.id)]
                if dim.id in _EFFECT_DIMENSIONS
                else float(np.mean(effects))
                for dim in instrument.dimensions
            ]
            for _, _, effects in _SECTORS
        ]
    )
    size_effects = np.array([effect for _, _, effect in _COMPANY_SIZES])
    shift = sector_effects[sector_codes] + size_effects[size_codes][:, None]

    maturity, item_noise, missing, success_noise, nps_noise = {}, {}, {}, {}, {}
    for edition in EDITIONS:
        yearly = rng.standard_normal((total, k)) @ chol.T
        maturity[edition] = (
            math.sqrt(YEAR_CORRELATION) * lasting
            + math.sqrt(1.0 - YEAR_CORRELATION) * yearly
            + shift
        )
        item_noise[edition] = rng.standard_normal((total, len(instrument.items)))
        missing[edition] = rng.random((total, len(instrument.items))) < MISSING_SHARE
        success_noise[edition] = rng.standard_normal(total)
        nps_noise[edition] = rng.standard_normal(total)
    return _Population(
        ids=ids,
        sector=np.array(SECTORS, dtype=object)[sector_codes],
        country=np.array(COUNTRIES, dtype=object)[country_codes],
        company_size=np.array(COMPANY_SIZES, dtype=object)[size_codes],
        members=members,
        maturity=maturity,
        loadings=loadings,
        item_noise=item_noise,
        missing=missing,
        success_noise=success_noise,
        nps_noise=nps_noise,
    )


def _calibrated_answers(
    signal: np.ndarray,
    observed: np.ndarray,
    thresholds: np.ndarray,
    lo: int,
    hi: int,
    target: float,
) -> np.ndarray:
    """Answers (keyed points) whose sum/max score on ``observed`` is nearest ``target``.

    The score rises in steps with the intercept, so the bisection brackets the step
    that crosses the target and keeps the nearer side.
    """

    def answers(intercept: float) -> np.ndarray:
        return lo + np.searchsorted(thresholds, signal + intercept)

    def score(intercept: float) -> float:
        return float(answers(intercept)[observed].sum() / (hi * observed.sum()) * 100.0)

    low, high = -_INTERCEPT_RANGE, _INTERCEPT_RANGE
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2.0
        if score(middle) < target:
            low = middle
        else:
            high = middle
    best = min((low, high), key=lambda b: abs(score(b) - target))
    return answers(best)


def _success_points(latent: np.ndarray, share: float) -> np.ndarray:
    """1-5 self-ratings whose share of 4 or 5 is as near ``share`` % as ``n`` allows."""
    n = len(latent)
    top = round(share / 100.0 * n)
    ordered = np.sort(latent)
    if top <= 0:
        cut = ordered[-1] + 1.0
    elif top >= n:
        cut = ordered[0] - 1.0
    else:
        cut = (ordered[n - top - 1] + ordered[n - top]) / 2.0
    thresholds = np.sort([cut, *(cut + offset for offset in _SUCCESS_OFFSETS)])
    return 1 + np.searchsorted(thresholds, latent)


def _check_targets(
    targets: Mapping[str, float] | None, edition: int, instrument: Instrument
) -> dict[str, float]:
    chosen = dict(EDITION_TARGETS[edition].item_scores if targets is None else targets)
    lo, hi = instrument.scale.min, instrument.scale.max
    floor = 100.0 * lo / hi
    for item in instrument.item_ids:
        if item not in chosen:
            raise ParameterError(
                "targets", item, "no target score for this item; pass targets= for every item"
            )
        value = chosen[item]
        if not isinstance(value, int | float) or not floor <= value <= 100.0:
            raise ParameterError(
                f"targets[{item!r}]",
                value,
                f"must be a sum/max score from {floor:g} to 100 on a {lo}-{hi} scale",
            )
    return chosen


def generate_benchmark(
    edition: int,
    *,
    seed: int = DEFAULT_SEED,
    n: int | None = None,
    instrument: Instrument | None = None,
    targets: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Generate one edition of the SYNTHETIC benchmark, calibrated to its targets.

    See the module notes for the model. Both editions are drawn from one population
    with the same ``seed``, so that the panel organisations keep their id and sector
    from one edition to the next.

    Parameters
    ----------
    edition : {2022, 2023}
        The edition; its targets are ``EDITION_TARGETS[edition]``.
    seed : int
        Seed of ``np.random.default_rng``; the same seed gives the same frame.
    n : int, optional
        Organisations in this edition; default ``EDITION_SIZES[edition]``. The
        other edition keeps its default size; a different ``n`` draws a different
        population.
    instrument : Instrument, optional
        Default the bundled ``digital-cx-2023``. Dimensions other than Measure,
        Manage and Master get each sector's mean effect.
    targets : Mapping, optional
        Item id -> sum/max item score (%) to reproduce, for every item of the
        instrument; default the edition's targets.

    Returns
    -------
    DataFrame
        One row per organisation, sorted by id, with the columns of
        :func:`columns`. Item answers are nullable integers (``<NA>`` = no answer);
        ``nps`` (0–10) and ``success`` (1–5) are integers.

    Raises
    ------
    ParameterError
        For an unknown edition, a size below 1, or a missing or impossible target.

    Notes
    -----
    The item intercepts and the ``success`` threshold are solved on the realised
    sample (not on expectations), so the frame's own item scores meet the targets to
    within the step one answer makes, 100 / (scale max × answers), and the share of
    ``success`` 4 or 5 to within 100 / (2 × n) points.

    Examples
    --------
    Reproducing the published 2023 figures (domain brief: Measure 70 %, master_2 52 %):

    >>> from cxbench.scoring import dimension_scores, item_scores
    >>> frame = generate_benchmark(2023)
    >>> frame.shape, frame["respondent_id"].iloc[0]
    ((310, 20), 'ORG-0001')
    >>> inst = load_instrument()
    >>> items = item_scores(frame, inst).set_index("item")["score"]
    >>> items[["measure_1", "master_2"]].round(1).tolist()
    [62.0, 52.0]
    >>> dimension_scores(frame, inst)["score"].round().tolist()
    [70.0, 70.0, 65.0]
    >>> round(100 * (frame["success"] >= 4).mean())
    76
    """
    if edition not in EDITIONS:
        raise ParameterError("edition", edition, f"must be one of {', '.join(map(str, EDITIONS))}")
    instrument = instrument or load_instrument()
    chosen = _check_targets(targets, edition, instrument)
    sizes = dict(EDITION_SIZES)
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ParameterError("n", n, "must be a whole number of at least 1")
        sizes[edition] = int(n)

    population = _draw_population(seed, sizes, instrument)
    rows = population.members[edition]
    maturity = population.maturity[edition][rows]
    noise = population.item_noise[edition][rows]
    missing = population.missing[edition][rows]
    scale = instrument.scale
    thresholds = (np.arange(scale.points - 1) - (scale.points - 2) / 2.0) * _THRESHOLD_SPACING

    frame = pd.DataFrame(
        {
            "respondent_id": population.ids[rows],
            "edition": np.full(len(rows), edition, dtype=np.int64),
            "sector": population.sector[rows],
            "country": population.country[rows],
            "company_size": population.company_size[rows],
            "language": [SURVEY_LANGUAGES.get(c, "en") for c in population.country[rows]],
        }
    )
    for position, item in enumerate(instrument.items):
        d = instrument.dimension_ids.index(item.dimension)
        signal = population.loadings[position] * maturity[:, d] + noise[:, position]
        keyed = _calibrated_answers(
            signal,
            ~missing[:, position],
            thresholds,
            scale.min,
            scale.max,
            chosen[item.id],
        )
        points = scale.min + scale.max - keyed if item.reverse else keyed
        frame[item.id] = pd.array(np.where(missing[:, position], pd.NA, points), dtype="Int64")

    overall = maturity.mean(axis=1)
    nps_latent = _NPS_CENTRE[edition] + 1.3 * overall + 1.6 * population.nps_noise[edition][rows]
    frame["nps"] = np.clip(np.rint(nps_latent), 0, 10).astype(np.int64)
    success_share = EDITION_TARGETS[edition].success_share
    frame["success"] = _success_points(
        overall + population.success_noise[edition][rows], success_share
    ).astype(np.int64)
    return frame


def _note(seed: int) -> str:
    """The sidecar of a generated file: what the data are, in every report language."""
    return (
        "note:\n"
        f"  en: >-\n    SYNTHETIC data: generated by cxbench.synthetic (seed {seed}), calibrated "
        "to the published figures; not real survey answers.\n"
        f"  tr: >-\n    SENTETİK veri: cxbench.synthetic ile üretildi (tohum {seed}), yayımlanan "
        "değerlere göre ayarlandı; gerçek anket yanıtları değildir.\n"
        f"  ru: >-\n    СИНТЕТИЧЕСКИЕ данные: созданы cxbench.synthetic (зерно {seed}), "
        "откалиброваны по опубликованным цифрам; это не реальные ответы на опрос.\n"
    )


def write_bundled_data(folder: str | Path, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write ``benchmark_2022.csv`` and ``benchmark_2023.csv`` into ``folder``.

    UTF-8, comma-separated, a header row, ``\\n`` line ends; a missing answer is an
    empty cell. Beside each file goes ``<stem>.meta.yaml`` with the note that the data
    are synthetic (see :func:`cxbench.loading.dataset_note`). With the default seed
    these are the bundled ``data/`` files.

    Parameters
    ----------
    folder : str or Path
        Created if needed.
    seed : int
        Passed to :func:`generate_benchmark`.

    Returns
    -------
    list of Path
        The files written, 2022 first.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_bundled_data(tempfile.mkdtemp())
    >>> [p.name for p in paths]
    ['benchmark_2022.csv', 'benchmark_2023.csv']
    >>> from cxbench.loading import dataset_note
    >>> dataset_note(paths[1])
    'SYNTHETIC data: generated by cxbench.synthetic (seed 2023), calibrated to the ...'

    >>> paths[1].read_text(encoding="utf-8").splitlines()[0][:49]
    'respondent_id,edition,sector,country,company_size'
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for edition in EDITIONS:
        path = folder / f"benchmark_{edition}.csv"
        frame = generate_benchmark(edition, seed=seed)
        write_csv(frame, path, what="data file")
        # the sidecar that makes every table cxbench writes from the file say what it is
        write_atomic(
            path.with_name(f"{path.stem}.meta.yaml"),
            _note(seed),
        )
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_bundled_data(sys.argv[1] if len(sys.argv) > 1 else "data"):
        print(written_path)
