"""Synthetic benchmark data: the bundled files, checked against the domain brief.

The reference for every figure is the domain brief (``/work/shared/domain/benchmark.md``,
"Published figures (2023 edition)"): items measure_1 62, measure_2 60, manage_1 72,
manage_2 68, master_1 72, master_2 52; dimensions Measure 70, Manage 70, Master 65;
76 % of organisations succeeded in improving their digital CX; large sector
differences. The files are read the way the pipeline sees them: item columns as floats
with NaN for a missing answer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from cxbench.errors import ParameterError
from cxbench.instrument import load_instrument
from cxbench.loading import dataset_note
from cxbench.scoring import dimension_scores, item_scores, respondent_scores
from cxbench.synthetic import (
    COMPANY_SIZES,
    COUNTRIES,
    EDITION_SIZES,
    EDITION_TARGETS,
    EDITIONS,
    IMPLIED_ITEM_SCORES_2023,
    PUBLISHED_DIMENSION_SCORES_2023,
    PUBLISHED_ITEM_SCORES_2023,
    PUBLISHED_SUCCESS_SHARE_2023,
    SECTORS,
    columns,
    generate_benchmark,
    write_bundled_data,
)

DATA = Path(__file__).resolve().parents[1] / "data"
INST = load_instrument()

# Domain brief, "Published figures (2023 edition)".
BRIEF_ITEMS = {
    "measure_1": 62,
    "measure_2": 60,
    "manage_1": 72,
    "manage_2": 68,
    "master_1": 72,
    "master_2": 52,
}
BRIEF_DIMENSIONS = {"measure": 70, "manage": 70, "master": 65}
BRIEF_SUCCESS_SHARE = 76


@pytest.fixture(scope="module")
def bundled() -> dict[int, pd.DataFrame]:
    return {edition: pd.read_csv(DATA / f"benchmark_{edition}.csv") for edition in EDITIONS}


def test_regenerating_gives_the_bundled_files_byte_for_byte(tmp_path):
    """`python -m cxbench.synthetic data` is the documented recipe of data/ (data/README.md)."""
    written = write_bundled_data(tmp_path)
    assert [p.name for p in written] == ["benchmark_2022.csv", "benchmark_2023.csv"]
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes(), path.name
        sidecar = path.with_name(f"{path.stem}.meta.yaml")
        assert sidecar.read_bytes() == (DATA / sidecar.name).read_bytes(), sidecar.name
        assert dataset_note(DATA / path.name).startswith("SYNTHETIC data")


def test_targets_carry_the_published_figures():
    """Domain brief and the instrument's ``published_score``: the same six item figures;
    the six implied items average with them to the published dimension scores."""
    assert dict(PUBLISHED_ITEM_SCORES_2023) == BRIEF_ITEMS
    for item in INST.items:
        assert item.published_score == PUBLISHED_ITEM_SCORES_2023.get(item.id)
    targets = EDITION_TARGETS[2023].item_scores
    assert set(targets) == set(INST.item_ids)
    assert set(IMPLIED_ITEM_SCORES_2023).isdisjoint(PUBLISHED_ITEM_SCORES_2023)
    for dim in INST.dimensions:
        mean = np.mean([targets[item] for item in dim.item_ids])
        assert mean == pytest.approx(PUBLISHED_DIMENSION_SCORES_2023[dim.id])
        assert mean == BRIEF_DIMENSIONS[dim.id]
    assert PUBLISHED_SUCCESS_SHARE_2023 == BRIEF_SUCCESS_SHARE


def test_2023_file_reproduces_the_published_item_scores(bundled):
    """Domain brief: the six published statement scores, within 1 point (in fact 0.3)."""
    scores = item_scores(bundled[2023], INST).set_index("item")["score"]
    for item, published in BRIEF_ITEMS.items():
        assert abs(scores[item] - published) < 0.3, (item, scores[item])
    for item, implied in IMPLIED_ITEM_SCORES_2023.items():
        assert abs(scores[item] - implied) < 0.3, (item, scores[item])


def test_2023_file_reproduces_the_published_dimension_scores(bundled):
    """Domain brief: Measure 70 %, Manage 70 %, Master 65 % (sum/max, default
    min_answered), within 1 point (in fact 0.3)."""
    scores = dimension_scores(bundled[2023], INST).set_index("dimension")["score"]
    for dim, published in BRIEF_DIMENSIONS.items():
        assert abs(scores[dim] - published) < 0.3, (dim, scores[dim])


def test_2023_success_share_is_the_published_76_percent(bundled):
    """Domain brief: 76 % say they succeeded in improving digital CX (success 4 or 5)."""
    share = 100 * (bundled[2023]["success"] >= 4).mean()
    assert abs(share - BRIEF_SUCCESS_SHARE) <= 1


def test_2022_is_a_few_points_below_2023(bundled):
    """Assumed for 2022 (not published): every dimension 2–4 points below 2023."""
    by_year = {
        edition: dimension_scores(frame, INST).set_index("dimension")["score"]
        for edition, frame in bundled.items()
    }
    gap = by_year[2023] - by_year[2022]
    assert gap.between(1, 5).all(), gap
    assert 100 * (bundled[2022]["success"] >= 4).mean() < BRIEF_SUCCESS_SHARE


@pytest.mark.parametrize("edition", EDITIONS)
def test_cronbach_alpha_is_realistic_in_every_dimension(bundled, edition):
    """Alpha per dimension (pingouin.cronbach_alpha, as R's psych::alpha) between 0.7
    and 0.9, the range of a usable, not redundant, 4-item scale."""
    for dim in INST.dimensions:
        alpha, _ = pg.cronbach_alpha(data=bundled[edition][dim.item_ids])
        assert 0.7 < alpha < 0.9, (dim.id, alpha)


@pytest.mark.parametrize("edition", EDITIONS)
def test_sectors_differ_clearly(bundled, edition):
    """Domain brief: sector differences are large. Kruskal–Wallis (pingouin.kruskal) of
    respondent dimension scores by sector, p < 0.001 in every dimension."""
    scores = respondent_scores(bundled[edition], INST, by="sector").dropna(subset=["score"])
    for dim in INST.dimension_ids:
        one = scores[scores["dimension"] == dim]
        p = pg.kruskal(data=one, dv="score", between="sector")["p_unc"].iloc[0]
        assert p < 0.001, (dim, p)
        means = one.groupby("sector")["score"].mean()
        assert means.max() - means.min() > 10, (dim, means)


def test_panel_keeps_ids_and_sectors(bundled):
    """A panel for paired comparisons: 50–80 % of the 2023 organisations took part in
    2022, under the same id and in the same sector."""
    old, new = bundled[2022], bundled[2023]
    panel = new.merge(old, on="respondent_id", suffixes=("_2023", "_2022"))
    assert 0.5 <= len(panel) / len(new) <= 0.8
    assert (panel["sector_2023"] == panel["sector_2022"]).all()
    assert (panel["country_2023"] == panel["country_2022"]).all()
    assert len(panel) < len(old)  # some 2022 organisations dropped out


def test_same_seed_same_frame_other_seed_other_frame():
    """All randomness comes from np.random.default_rng(seed): nothing else varies."""
    first = generate_benchmark(2023, seed=11, n=60)
    pd.testing.assert_frame_equal(first, generate_benchmark(2023, seed=11, n=60))
    assert not first.equals(generate_benchmark(2023, seed=12, n=60))


@pytest.mark.parametrize("edition", EDITIONS)
def test_columns_and_value_ranges(bundled, edition):
    """The layout of data/README.md: columns in order, answers 1–5 or empty, nps 0–10,
    success 1–5, ids ORG-nnnn, ~1 % of answers missing."""
    frame = bundled[edition]
    assert list(frame.columns) == columns(INST)
    assert len(frame) == EDITION_SIZES[edition]
    assert frame["respondent_id"].is_unique
    assert frame["respondent_id"].str.fullmatch(r"ORG-\d{4}").all()
    assert frame["respondent_id"].is_monotonic_increasing
    assert (frame["edition"] == edition).all()
    assert set(frame["sector"]) == set(SECTORS)
    assert frame["sector"].value_counts().min() >= 12
    assert set(frame["country"]) <= set(COUNTRIES)
    assert set(frame["company_size"]) <= set(COMPANY_SIZES)
    answers = frame[INST.item_ids]
    assert all(dtype.kind in "fi" for dtype in answers.dtypes)  # float where NaN
    values = answers.to_numpy(dtype=float)
    given = values[~np.isnan(values)]
    assert np.isin(given, [1, 2, 3, 4, 5]).all()
    assert 0.003 < np.isnan(values).mean() < 0.02
    assert frame["nps"].dtype.kind == "i" and frame["nps"].between(0, 10).all()
    assert frame["success"].dtype.kind == "i" and frame["success"].between(1, 5).all()


def test_nps_and_success_rise_with_maturity(bundled):
    """The model (cxbench.synthetic): both outcomes rise with maturity; the brief gives
    no figure for their strength, so only the sign and a clear size are checked."""
    frame = bundled[2023]
    maturity = frame[INST.item_ids].mean(axis=1)
    assert maturity.corr(frame["nps"]) > 0.3
    assert maturity.corr(frame["success"]) > 0.3


def test_generated_frame_has_nullable_integer_answers():
    frame = generate_benchmark(2022, n=40)
    assert len(frame) == 40
    assert all(str(frame[item].dtype) == "Int64" for item in INST.item_ids)


def test_custom_targets_are_met():
    targets = dict.fromkeys(INST.item_ids, 50.0)
    frame = generate_benchmark(2023, targets=targets)
    scores = item_scores(frame, INST)["score"]
    assert (scores - 50.0).abs().max() < 0.1


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"edition": 2021}, "edition"),
        ({"edition": 2023, "n": 0}, "n"),
        ({"edition": 2023, "targets": {"measure_1": 60.0}}, "targets"),
        ({"edition": 2023, "targets": dict.fromkeys(INST.item_ids, 10.0)}, "targets"),
    ],
)
def test_bad_parameters_raise_parameter_error(kwargs, name):
    with pytest.raises(ParameterError) as error:
        generate_benchmark(**kwargs)
    assert error.value.name.startswith(name)


def test_reverse_keyed_items_are_stored_reversed_and_meet_their_target():
    """Scoring flips a reverse-keyed item back (cxbench.scoring.reverse_items), so the
    target applies to the keyed score; the stored answers mirror it."""
    flipped = replace(INST.item("master_2"), reverse=True)
    master = INST.dimension("master")
    items = tuple(flipped if item.id == "master_2" else item for item in master.items)
    dims = tuple(replace(d, items=items) if d.id == "master" else d for d in INST.dimensions)
    instrument = replace(INST, dimensions=dims)
    frame = generate_benchmark(2023, instrument=instrument)
    keyed = item_scores(frame, instrument).set_index("item")["score"]
    stored = item_scores(frame, INST).set_index("item")["score"]
    assert abs(keyed["master_2"] - 52) < 0.1
    assert stored["master_2"] == pytest.approx(120 - keyed["master_2"])
