"""Tests for cxbench.charts: what each chart draws, in each language, and its hygiene."""

from __future__ import annotations

import itertools

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from cxbench.charts import (
    plot_dimension_scores,
    plot_group_heatmap,
    plot_group_ranking,
    plot_likert,
    save_figure,
)
from cxbench.comparison import compare_groups
from cxbench.errors import ParameterError
from cxbench.i18n import LANGUAGES, format_number, translate
from cxbench.instrument import load_instrument
from cxbench.scoring import item_distribution
from cxbench.synthetic import generate_benchmark

INST = load_instrument()


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return generate_benchmark(2023, n=300, seed=5)


@pytest.fixture(scope="module")
def comparison(data):
    return compare_groups(data, INST, "sector", min_n=25, n_resamples=999)


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _draw(fig):
    """Render with Agg (the charts' figures have no canvas of their own)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _no_overlap(fig, labels) -> bool:
    renderer = _draw(fig)
    boxes = [t.get_window_extent(renderer) for t in labels if t.get_text()]
    return not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


@pytest.mark.parametrize("language", LANGUAGES)
def test_dimension_chart_speaks_the_language(comparison, language):
    fig = plot_dimension_scores(comparison.overall, INST, language=language)
    texts = _texts(fig)
    assert translate("dimension_scores_title", language) in texts
    assert translate("published", language) in texts
    assert {d.name(language) for d in INST.dimensions} <= set(texts)
    for value in comparison.overall["mean"]:
        assert format_number(value, language, 1) in texts


def test_dimension_chart_draws_scores_intervals_and_published_marks(comparison):
    fig = plot_dimension_scores(comparison.overall, INST)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert np.allclose([b.get_height() for b in bars], comparison.overall["mean"])
    marks = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert np.allclose(marks[0].get_offsets()[:, 1], [d.published_score for d in INST.dimensions])
    without = plot_dimension_scores(comparison.overall, INST, published=False)
    assert not [c for c in without.axes[0].collections if isinstance(c, PathCollection)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_heatmap_cells_are_the_formatted_means(comparison, language):
    frame = comparison.with_overall()
    fig = plot_group_heatmap(frame, INST, language=language)
    ax = fig.axes[0]
    # a group can be suppressed on one dimension only (fewer scored respondents there):
    # its cell is then left empty, never given a figure
    cells = frame.set_index(["group", "dimension"])["mean"]
    expected = [
        format_number(cells[(g, d)], language, 1)
        for g in pd.unique(frame.group)
        for d in INST.dimension_ids
        if (g, d) in cells.index
    ]
    assert len(expected) < len(pd.unique(frame.group)) * len(INST.dimension_ids)
    assert [t.get_text() for t in ax.texts] == expected
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[-1].startswith(translate("benchmark_all", language) + " (n = ")
    assert _no_overlap(fig, ax.get_yticklabels() + ax.get_xticklabels())


@pytest.mark.parametrize("language", LANGUAGES)
def test_likert_bars_centre_the_neutral_answer(data, language):
    dist = item_distribution(data, INST)
    fig = plot_likert(dist, INST, language=language)
    assert len(fig.axes) == len(INST.dimensions)
    texts = _texts(fig)
    assert set(INST.scale.labels[language]) <= set(texts)
    assert INST.item("master_2").label(language).split()[0] in " ".join(texts)
    share = dist.pivot_table(index="item", columns="point", values="share") * 100
    ax = fig.axes[0]  # Measure: its items top to bottom
    items = INST.dimension("measure").item_ids
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0.5]
    neutral = bars[2 * len(items) : 3 * len(items)]  # drawn point by point
    for item, bar in zip(items, neutral, strict=True):
        assert bar.get_x() == pytest.approx(-share.loc[item, 3] / 2)
        assert bar.get_width() == pytest.approx(share.loc[item, 3])
    for ax in fig.axes:
        assert _no_overlap(fig, ax.get_yticklabels())


def test_likert_of_a_group_and_of_a_missing_group(data):
    dist = item_distribution(data, INST, by="sector")
    fig = plot_likert(dist, INST, group="Finance", language="ru")
    assert translate("likert_title", "ru", group="Finance") in _texts(fig)
    with pytest.raises(ParameterError, match="not in the distribution"):
        plot_likert(dist, INST, group="Nowhere")


@pytest.mark.parametrize("language", LANGUAGES)
def test_ranking_orders_groups_best_first(comparison, language):
    dim = "master"
    fig = plot_group_ranking(
        comparison.groups,
        INST,
        dim,
        language=language,
        overall_mean=comparison.overall_mean(dim),
        suppressed=comparison.suppressed_in(dim),
        min_n=comparison.min_n,
        highlight=["Finance"],
    )
    ax = fig.axes[0]
    shown = comparison.groups[comparison.groups.dimension == dim].sort_values(
        "mean", ascending=False
    )
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.rsplit(" (n = ", 1)[0] for label in labels] == shown["group"].tolist()
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert [b.rsplit(" (n = ", 1)[0] for b in bold] == ["Finance"]
    line = next(ln for ln in ax.lines if ln.get_linestyle() == "--")
    assert line.get_xdata()[0] == pytest.approx(comparison.overall_mean(dim))
    groups, n = comparison.suppressed_in(dim)
    assert groups > 0  # min_n=25 hides some sectors of 300 respondents
    note = translate(
        "other_suppressed", language, groups=groups, n=format_number(n, language, 0), min_n=25
    )
    assert note in _texts(fig)
    assert _no_overlap(fig, ax.get_yticklabels())


def test_data_text_is_never_read_as_mathtext(comparison):
    frame = comparison.groups.copy()
    frame.loc[frame.group == frame.group.iloc[0], "group"] = "A$x$B"
    fig = plot_group_ranking(frame, INST, "measure")
    _draw(fig)  # would raise on unbalanced "$" if parsed
    assert any(t.startswith("A$x$B (n = ") for t in _texts(fig))
    heat = plot_group_heatmap(frame, INST)
    _draw(heat)
    assert any(t.startswith("A$x$B") for t in _texts(heat))


def test_bad_input_is_a_parameter_error(comparison):
    with pytest.raises(ParameterError, match="missing"):
        plot_dimension_scores(comparison.overall.drop(columns="ci_low"), INST)
    with pytest.raises(ParameterError, match="empty"):
        plot_group_heatmap(comparison.groups.iloc[:0], INST)
    with pytest.raises(ParameterError, match="not in the instrument"):
        plot_group_ranking(comparison.groups, INST, "delight")
    with pytest.raises(ParameterError, match="language"):
        plot_dimension_scores(comparison.overall, INST, language="de")


def test_charts_leave_no_global_state(comparison, data):
    before = dict(mpl.rcParams)
    figures = plt.get_fignums()
    plot_dimension_scores(comparison.overall, INST)
    plot_likert(item_distribution(data, INST), INST)
    assert dict(mpl.rcParams) == before
    assert plt.get_fignums() == figures


def test_same_chart_same_png_bytes(comparison, tmp_path):
    first = save_figure(
        plot_dimension_scores(comparison.overall, INST, language="tr"), tmp_path / "a" / "1.png"
    ).read_bytes()
    second = save_figure(
        plot_dimension_scores(comparison.overall, INST, language="tr"), tmp_path / "2.png"
    ).read_bytes()
    assert first == second and first[:4] == b"\x89PNG"


@pytest.mark.parametrize("language", LANGUAGES)
def test_trend_chart_draws_each_edition_with_its_interval(language):
    from cxbench.charts import plot_trend

    trend = pd.DataFrame(
        {
            "edition": [2021, 2022, 2023] * 3,
            "group": "all",
            "dimension": np.repeat(INST.dimension_ids, 3),
            "mean": [60, 65, 70, 61, 66, 70, 55, 60, 65.0],
        }
    )
    trend["ci_low"], trend["ci_high"] = trend["mean"] - 2, trend["mean"] + 2
    fig = plot_trend(trend, INST, language=language)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2021", "2022", "2023"]
    lines = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert [list(ln.get_ydata()) for ln in lines] == [[60, 65, 70], [61, 66, 70], [55, 60, 65]]
    assert translate("trend_chart_title", language) in _texts(fig)
    with pytest.raises(ParameterError):
        plot_trend(trend, INST, group="Nowhere")
