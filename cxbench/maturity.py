"""Maturity stages: which stage each organisation is at, and how the stages spread.

An instrument may declare stages (``stages:`` in its YAML, :class:`cxbench.instrument.
Stage`), lowest first, each with the least scores it needs: ``overall`` (the mean of a
respondent's dimension scores) and/or dimension ids. An organisation is at the highest
stage whose needs, and those of every stage below it, its scores meet; the first stage
needs nothing. An organisation without a score on every dimension gets no stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import DEFAULT_MIN_N, ID_COLUMN, check_min_n, natural_key
from .errors import ParameterError
from .instrument import Instrument
from .privacy import group_keys, shown_groups
from .scoring import Method, respondent_scores

__all__ = ["maturity_stages", "stage_distribution"]


def maturity_stages(
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    method: Method = "sum_max",
    min_answered: int | None = None,
    id_column: str = ID_COLUMN,
) -> pd.DataFrame:
    """Each respondent's maturity stage and what it would take to reach the next.

    Returns
    -------
    DataFrame
        One row per respondent, in the data's order: ``id_column``, ``overall`` (mean of
        the dimension scores), ``stage`` (id; missing without a score on every
        dimension), ``next_stage``, and for the next stage the largest shortfall:
        ``needs`` (``overall`` or a dimension id) and ``points`` (how many score points
        it is short by). The last stage has no next.

    Raises
    ------
    ParameterError
        When the instrument declares no stages.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> row = {i: 3 if i.startswith("master") else 4 for i in inst.item_ids}  # 80, 80, 60 %
    >>> stages = maturity_stages(pd.DataFrame([row | {"respondent_id": "a"}]), inst)
    >>> stages[["stage", "next_stage", "needs", "points"]]  # Master needs 75 for leading
          stage next_stage   needs  points
    0  advanced    leading  master    15.0
    """
    if not instrument.stages:
        raise ParameterError("instrument", instrument.id, "declares no maturity stages")
    scores = respondent_scores(
        data, instrument, method=method, min_answered=min_answered, id_column=id_column
    )
    dims = instrument.dimension_ids
    matrix = pd.DataFrame(
        scores["score"].to_numpy(float).reshape(len(data), len(dims)), columns=dims
    )
    matrix["overall"] = matrix[dims].mean(axis=1, skipna=False)
    stages = instrument.stages
    level = np.full(len(data), -1)
    complete = matrix[dims].notna().all(axis=1).to_numpy()
    level[complete] = 0
    for k, stage in enumerate(stages[1:], start=1):
        meets = np.ones(len(data), dtype=bool)
        for key, least in stage.minimum.items():
            meets &= (matrix[key] >= least - 1e-9).to_numpy()
        level = np.where((level == k - 1) & meets, k, level)
    out = pd.DataFrame({id_column: data[id_column].to_numpy(), "overall": matrix["overall"]})
    out["stage"] = [stages[k].id if k >= 0 else None for k in level]
    nexts, needs, points = [], [], []
    for row, k in enumerate(level):
        if k < 0 or k == len(stages) - 1:
            nexts.append(None)
            needs.append(None)
            points.append(np.nan)
            continue
        target = stages[k + 1]
        gaps = {key: least - matrix.loc[row, key] for key, least in target.minimum.items()}
        key = max(gaps, key=lambda name: gaps[name])
        nexts.append(target.id)
        needs.append(key)
        points.append(round(max(gaps[key], 0.0), 6))
    out["next_stage"], out["needs"], out["points"] = nexts, needs, points
    return out


def stage_distribution(
    stages: pd.DataFrame,
    data: pd.DataFrame,
    instrument: Instrument,
    *,
    by: str | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """How many organisations are at each stage, overall or per group.

    ``stages`` is :func:`maturity_stages`' result on ``data`` (same rows). A group is
    shown when at least ``min_n`` of its organisations have a stage, and not when it
    must be hidden with a smaller one (:func:`cxbench.privacy.shown_groups`, which also
    records what was hidden in ``attrs``).

    Returns
    -------
    DataFrame
        ``group``, ``stage`` (every stage of the instrument, in order), ``n`` (at that
        stage), ``share`` (% of the group's organisations with a stage), ``total``.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst = load_instrument()
    >>> data = generate_benchmark(2023, n=200, seed=1)
    >>> table = stage_distribution(maturity_stages(data, inst), data, inst)
    >>> table["stage"].tolist() == [s.id for s in inst.stages], float(table["share"].sum())
    (True, 100.0)
    """
    min_n = check_min_n(min_n)
    if len(stages) != len(data):
        raise ParameterError("stages", len(stages), f"made from other data ({len(data)} rows)")
    groups = group_keys(data, by).to_numpy(dtype=object)
    staged = stages["stage"].notna().to_numpy()
    sizes = pd.Series(groups[staged]).value_counts()
    totals = pd.DataFrame(
        {"analysis": "stages", "group": sizes.index.astype(object), "n": sizes.to_numpy()}
    )
    shown = shown_groups(totals, min_n, keys=["analysis"])
    rows = []
    for name in sorted(shown["group"], key=natural_key):
        inside = staged & (groups == name)
        total = int(inside.sum())
        counts = stages.loc[inside, "stage"].value_counts()
        for stage in instrument.stages:
            n = int(counts.get(stage.id, 0))
            rows.append(
                {"group": name, "stage": stage.id, "n": n, "share": 100 * n / total, "total": total}
            )
    table = pd.DataFrame(rows, columns=["group", "stage", "n", "share", "total"])
    table.attrs = shown.attrs
    return table
