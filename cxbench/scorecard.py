"""A participant's scorecard: where one organisation stands against its sector.

For one respondent: its dimension and statement scores beside the mean of its
reference group, its percentile rank within the sector and in the whole benchmark, the
gap to the reference mean and to the reference group's top quartile, and its three
biggest improvement priorities (the statements where it trails the reference most);
and, when the instrument declares maturity stages, its stage and the largest step to the
next (:func:`cxbench.maturity.maturity_stages`).

Anonymity: a scorecard shows the participant's own figures and aggregates only. Its
sector is the reference only when the *other* organisations of the sector number at
least ``min_n`` (otherwise the participant could work out their mean from its own
answers and the sector's) and every other output shows the sector (the one rule of
:mod:`cxbench.privacy`, complementary suppression included); if not, the whole
benchmark is the reference, the scorecard names no sector, and says so. The benchmark
itself needs ``min_n`` other participants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import DEFAULT_MIN_N, ID_COLUMN, check_method, check_min_n
from .errors import ParameterError
from .instrument import Instrument
from .maturity import maturity_stages
from .privacy import MISSING_GROUP, group_keys
from .scoring import Method, dimension_scores, item_respondent_scores, respondent_scores

__all__ = ["Scorecard", "participant_scorecard"]


@dataclass(frozen=True)
class Scorecard:
    """One participant's figures and its reference group's aggregates.

    Attributes
    ----------
    respondent : str
    group : str or None
        The participant's sector when it is the reference; ``None`` when it has none
        or the sector is not shown (too small, or hidden with a smaller one): the
        scorecard then names no sector.
    reference : {"sector", "benchmark"}
        What the gaps are measured against.
    reference_n : int
        Respondents in the reference group.
    min_n : int
        The anonymity threshold the scorecard was made with.
    dimensions : DataFrame
        ``dimension``, ``score``, ``reference_mean``, ``benchmark_mean``,
        ``percentile_sector`` (NaN when the sector is not the reference),
        ``percentile_overall``, ``gap_reference``, ``gap_top_quartile``.
    items : DataFrame
        ``dimension``, ``item``, ``score``, ``reference_mean``, ``gap``.
    priorities : DataFrame
        The three statements with the most negative ``gap`` (rows of ``items``).
    stage : str or None
        The participant's maturity stage (id of a :class:`cxbench.instrument.Stage`);
        ``None`` when the instrument declares no stages, or the participant has no score
        on some dimension.
    next_stage : str or None
        The stage above it; ``None`` at the highest stage or without a stage.
    stage_needs : str or None
        Where the largest step to ``next_stage`` is: ``"overall"`` (the mean of the
        dimension scores) or a dimension id.
    stage_points : float
        How many score points ``stage_needs`` is short of what ``next_stage`` needs;
        NaN without a next stage.

    Examples
    --------
    >>> card = Scorecard("r1", None, "benchmark", 310, 5, pd.DataFrame(), pd.DataFrame(),
    ...                  pd.DataFrame(), "advanced", "leading", "master", 15.0)
    >>> card.stage, card.next_stage, card.stage_needs, card.stage_points
    ('advanced', 'leading', 'master', 15.0)
    >>> Scorecard("r2", None, "benchmark", 310, 5, pd.DataFrame(), pd.DataFrame(),
    ...           pd.DataFrame()).stage is None
    True
    """

    respondent: str
    group: str | None
    reference: str
    reference_n: int
    min_n: int
    dimensions: pd.DataFrame
    items: pd.DataFrame
    priorities: pd.DataFrame
    stage: str | None = None
    next_stage: str | None = None
    stage_needs: str | None = None
    stage_points: float = np.nan


def _percentile(values: np.ndarray, value: float) -> float:
    if np.isnan(value) or not len(values):
        return np.nan
    return float(stats.percentileofscore(values, value, kind="mean"))


def participant_scorecard(
    data: pd.DataFrame,
    instrument: Instrument,
    respondent: str,
    *,
    by: str = "sector",
    min_n: int = DEFAULT_MIN_N,
    id_column: str = ID_COLUMN,
    method: Method = "sum_max",
    min_answered: int | None = None,
    priorities: int = 3,
) -> Scorecard:
    """Build the scorecard of one respondent.

    Percentile ranks are the share of the group scoring below the participant, ties
    counting half (:func:`scipy.stats.percentileofscore`, ``kind="mean"``). The top
    quartile is the group's 75th percentile of dimension scores. The maturity stage
    (when the instrument declares stages) is :func:`cxbench.maturity.maturity_stages`'
    of the participant, scored with the same ``method``, ``min_answered`` and
    ``id_column``.

    Raises
    ------
    ParameterError
        For an id that is not in the data (or appears twice).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> data = generate_benchmark(2023, n=200)
    >>> card = participant_scorecard(data, load_instrument(), data.respondent_id.iloc[0])
    >>> card.reference, len(card.priorities), card.dimensions.columns.tolist()[:3]
    ('sector', 3, ['dimension', 'score', 'reference_mean'])
    >>> card.stage in [stage.id for stage in load_instrument().stages]
    True
    """
    min_n = check_min_n(min_n)
    check_method(method)
    if id_column not in data.columns:
        raise ParameterError("id_column", id_column, "not in the data")
    ids = data[id_column].astype(str)
    matches = int((ids == str(respondent)).sum())
    if matches == 0:
        raise ParameterError("respondent", respondent, f"no such {id_column} in the data")
    if matches > 1:
        raise ParameterError("respondent", respondent, f"appears {matches} times in the data")
    carry = [by] if by in data.columns else []
    scores = respondent_scores(
        data,
        instrument,
        method=method,
        min_answered=min_answered,
        id_column=id_column,
        by=carry or None,
    )
    scores[id_column] = scores[id_column].astype(str)
    me = scores[scores[id_column] == str(respondent)]
    keys = group_keys(data, by) if carry else pd.Series(MISSING_GROUP, index=data.index)
    group_value = keys[(ids == str(respondent)).to_numpy()].iloc[0]
    group = None if group_value == MISSING_GROUP else group_value
    scores["_group"] = group_keys(scores, by) if carry else MISSING_GROUP
    in_group = scores["_group"] == group if group is not None else pd.Series(False, scores.index)
    if len(ids) - 1 < min_n:
        raise ParameterError(
            "respondent",
            respondent,
            f"the benchmark has {len(ids) - 1} other respondents, fewer than min_n={min_n}: "
            "a scorecard would show their mean",
        )
    others = int(keys.eq(group).sum()) - 1 if group is not None else 0
    # the sector is the reference only where every output shows it (the one rule of
    # cxbench.privacy, complementary suppression included) and without the
    # participant it still has min_n respondents
    reference = "benchmark"
    if group is not None and others >= min_n:
        shown = dimension_scores(
            data,
            instrument,
            by=by,
            method=method,
            min_answered=min_answered,
            id_column=id_column,
            min_n=min_n,
        )
        counts = shown[shown["group"] == group]
        if len(counts) == len(instrument.dimensions):
            reference = "sector"
    ref_scores = scores[in_group] if reference == "sector" else scores
    records = []
    for dim in instrument.dimension_ids:
        own = float(me.loc[me["dimension"] == dim, "score"].iloc[0])
        everyone = scores.loc[scores["dimension"] == dim, "score"].dropna().to_numpy()
        ref = ref_scores.loc[ref_scores["dimension"] == dim, "score"].dropna().to_numpy()
        sector = scores.loc[in_group & (scores["dimension"] == dim), "score"].dropna().to_numpy()

        records.append(
            {
                "dimension": dim,
                "score": own,
                "reference_mean": float(ref.mean()),
                "benchmark_mean": float(everyone.mean()),
                "percentile_sector": _percentile(sector, own) if reference == "sector" else np.nan,
                "percentile_overall": _percentile(everyone, own),
                "gap_reference": own - float(ref.mean()),
                "gap_top_quartile": own - float(np.percentile(ref, 75)),
            }
        )
    dimensions = pd.DataFrame.from_records(records)
    item_scores = item_respondent_scores(
        data, instrument, method=method, id_column=id_column, by=carry or None
    )
    item_scores[id_column] = item_scores[id_column].astype(str)
    ref_items = (
        item_scores[group_keys(item_scores, by) == group] if reference == "sector" else item_scores
    )
    means = ref_items.groupby("item")["score"].mean()
    mine = item_scores[item_scores[id_column] == str(respondent)].set_index("item")["score"]
    items = pd.DataFrame(
        {
            "dimension": [item.dimension for item in instrument.items],
            "item": instrument.item_ids,
            "score": [float(mine.get(i, np.nan)) for i in instrument.item_ids],
            "reference_mean": [float(means.get(i, np.nan)) for i in instrument.item_ids],
        }
    )
    items["gap"] = items["score"] - items["reference_mean"]
    top = items.dropna(subset=["gap"]).sort_values("gap", kind="stable").head(priorities)
    top = top[top["gap"] < 0].reset_index(drop=True)
    reference_n = int(ref_scores[id_column].nunique())
    shown_group = group if reference == "sector" else None
    stage = {"stage": None, "next_stage": None, "needs": None, "points": np.nan}
    if instrument.stages:
        # a respondent's stage depends on its own scores only: score its row alone
        mine_only = data[(ids == str(respondent)).to_numpy()]
        row = maturity_stages(
            mine_only, instrument, method=method, min_answered=min_answered, id_column=id_column
        ).iloc[0]
        stage = {key: None if pd.isna(row[key]) else row[key] for key in stage}
    return Scorecard(
        str(respondent),
        shown_group,
        reference,
        reference_n,
        min_n,
        dimensions,
        items,
        top,
        stage=stage["stage"],
        next_stage=stage["next_stage"],
        stage_needs=stage["needs"],
        stage_points=np.nan if stage["points"] is None else float(stage["points"]),
    )
