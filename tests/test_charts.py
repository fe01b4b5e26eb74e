"""Tests for cxbench.charts: what each chart draws, in each language, and its hygiene.

The frames are built by hand in the schemas the comparison and scoring steps produce
(group statistics: dimension, group, n, mean, sd, ci_low, ci_high; item distribution:
group, dimension, item, point, count, share), so that a chart is checked against
numbers written here and not against another module's output.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from cxbench import charts
from cxbench.charts import (
    plot_dimension_scores,
    plot_group_heatmap,
    plot_group_ranking,
    plot_likert,
    plot_trend,
    save_figure,
)
from cxbench.errors import ParameterError
from cxbench.i18n import LANGUAGES, format_number, translate
from cxbench.instrument import load_instrument

INST = load_instrument()
DIMS = INST.dimension_ids
SECTORS = [
    "Online retail",
    "Banking",
    "Insurance",
    "Telecommunications",
    "Travel & hospitality",
    "Energy & utilities",
    "Public sector",
    "Healthcare",
    "Media & entertainment",
    "Automotive",
]
OVERALL_MEANS = {"measure": 71.3, "manage": 69.8, "master": 63.4}


def _stat_row(dimension: str, group: str, n: int, mean: float, half: float) -> dict:
    return {
        "dimension": dimension,
        "group": group,
        "n": n,
        "mean": mean,
        "sd": 14.0,
        "ci_low": mean - half,
        "ci_high": mean + half,
    }


def _overall() -> pd.DataFrame:
    return pd.DataFrame([_stat_row(d, "all", 312, m, 1.7) for d, m in OVERALL_MEANS.items()])


def _groups() -> pd.DataFrame:
    """Ten sectors × three dimensions, means 60–80 and all different, sorted by name."""
    rows = [
        _stat_row(d, sector, 12 + 5 * k, 60.0 + (7 * k + 5 * j) % 20 + 0.1 * k, 4.0)
        for k, sector in enumerate(SECTORS)
        for j, d in enumerate(DIMS)
    ]
    return pd.DataFrame(rows).sort_values(["group", "dimension"], ignore_index=True)


def _distribution(group: str = "all") -> pd.DataFrame:
    """Answers to the twelve statements: counts that differ from statement to statement."""
    rows = []
    for i, item in enumerate(INST.items):
        counts = [1 + i % 3, 3 + i % 2, 5 + i % 4, 10, 4 + i % 5]
        total = sum(counts)
        for point, count in enumerate(counts, start=1):
            rows.append(
                {
                    "group": group,
                    "dimension": item.dimension,
                    "item": item.id,
                    "point": point,
                    "count": count,
                    "share": count / total,
                }
            )
    return pd.DataFrame(rows)


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _draw(fig):
    """Render with Agg (the charts' figures are made without pyplot, so have no canvas)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _overlapping(fig, labels) -> list[tuple[str, str]]:
    renderer = _draw(fig)
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in labels
        if t.get_visible() and t.get_text()
    ]
    return [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if box_a.overlaps(box_b)
    ]


def _drawn_texts(fig) -> list[Text]:
    """The visible texts of a figure, less the labels of ticks outside the view."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick, loc in zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False):
                if not lo - 1e-9 <= loc <= hi + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return [
        t for t in fig.findobj(Text) if t.get_visible() and t.get_text() and id(t) not in hidden
    ]


def _outside(fig) -> list[str]:
    """Texts that reach beyond the figure's edge (would be clipped in the PNG)."""
    renderer = _draw(fig)
    bounds = fig.bbox.padded(1)
    outside = []
    for text in _drawn_texts(fig):
        box = text.get_window_extent(renderer)
        if not (bounds.contains(box.x0, box.y0) and bounds.contains(box.x1, box.y1)):
            outside.append(text.get_text())
    return outside


# --- plot_dimension_scores ----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_dimension_chart_speaks_the_language(language):
    fig = plot_dimension_scores(_overall(), INST, language=language)
    texts = _texts(fig)
    assert translate("dimension_scores_title", language) in texts
    assert translate("score_axis", language) in texts
    assert translate("published", language) in texts
    assert translate("ci_label", language, level="95") in texts
    assert {d.name(language) for d in INST.dimensions} <= set(texts)
    assert {format_number(m, language, 1) for m in OVERALL_MEANS.values()} <= set(texts)
    assert not _outside(fig)


def test_dimension_chart_draws_means_and_intervals_from_the_frame():
    overall = _overall()
    ax = plot_dimension_scores(overall, INST).axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [b.get_height() for b in bars] == pytest.approx(list(OVERALL_MEANS.values()))
    (whiskers,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    ends = np.array([[seg[0][1], seg[1][1]] for seg in whiskers.get_segments()])
    assert np.allclose(ends, overall[["ci_low", "ci_high"]].to_numpy())


def test_published_figures_are_marked_at_the_instruments_values():
    ax = plot_dimension_scores(_overall(), INST).axes[0]
    (marks,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    # digital-cx-2023 publishes 70 / 70 / 65 for Measure / Manage / Master
    assert list(marks.get_offsets()[:, 1]) == [70.0, 70.0, 65.0]
    assert [d.published_score for d in INST.dimensions] == [70.0, 70.0, 65.0]
    without = plot_dimension_scores(_overall(), INST, published=False)
    assert not [c for c in without.axes[0].collections if isinstance(c, PathCollection)]
    assert translate("published", "en") not in _texts(without)


def test_no_published_mark_where_the_instrument_has_none():
    dims = tuple(
        dataclasses.replace(d, published_score=None) if d.id == "manage" else d
        for d in INST.dimensions
    )
    inst = dataclasses.replace(INST, dimensions=dims)
    ax = plot_dimension_scores(_overall(), inst).axes[0]
    (marks,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert list(marks.get_offsets()[:, 1]) == [70.0, 65.0]


# --- plot_group_heatmap -------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_heatmap_cells_are_the_formatted_means(language):
    frame = pd.concat([_groups(), _overall()], ignore_index=True)
    fig = plot_group_heatmap(frame, INST, language=language)
    ax = fig.axes[0]
    expected = [
        format_number(frame.set_index(["group", "dimension"]).loc[(g, d), "mean"], language, 1)
        for g in [*sorted(SECTORS), "all"]
        for d in DIMS
    ]
    assert [t.get_text() for t in ax.texts] == expected
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[0] == "Automotive (n = 57)"  # the frame's order, which the caller chose
    assert rows[-1] == f"{translate('benchmark_all', language)} (n = 312)"
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        INST.dimension(d).name(language) for d in DIMS
    ]
    column = {"en": "sector", "tr": "Sektör", "ru": "отрасль"}[language]
    assert column in ax.get_title(loc="left")
    assert not _overlapping(fig, ax.get_yticklabels() + ax.get_xticklabels())
    assert not _outside(fig)


def _contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two RGB colours."""

    def luminance(colour) -> float:
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in colour[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_heatmap_figures_contrast_with_their_cells():
    fig = plot_group_heatmap(_groups(), INST)
    _draw(fig)
    ax = fig.axes[0]
    cells = ax.collections[0].get_facecolors()  # row by row, as the texts
    assert len(cells) == len(ax.texts)
    for text, cell in zip(ax.texts, cells, strict=True):
        # never below 3.9: the worst case of choosing between white and #222222
        assert _contrast(mpl.colors.to_rgb(text.get_color()), cell) >= 3.9, text.get_text()


def test_heatmap_leaves_a_cell_without_a_score_empty():
    frame = _groups()
    frame = frame[~((frame.group == "Banking") & (frame.dimension == "manage"))]
    ax = plot_group_heatmap(frame, INST).axes[0]
    assert len(ax.texts) == len(SECTORS) * len(DIMS) - 1
    assert "–" not in [t.get_text() for t in ax.texts]


def test_heatmap_wraps_a_long_group_name_and_keeps_its_n():
    name = "İstanbul Şirketi Anonim Şirketi ve Bağlı Ortaklıkları Dijital Birimi"
    frame = _groups().replace({"group": {"Banking": name}})
    fig = plot_group_heatmap(frame, INST, language="tr")
    label = next(t.get_text() for t in fig.axes[0].get_yticklabels() if "İstanbul" in t.get_text())
    assert label.replace("\n", " ") == f"{name} (n = 17)"
    assert max(len(line) for line in label.split("\n")) <= 32 + len(" (n = 17)")
    assert not _overlapping(fig, fig.axes[0].get_yticklabels())


# --- plot_likert --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_likert_speaks_the_language(language):
    fig = plot_likert(_distribution(), INST, language=language)
    texts = _texts(fig)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == list(INST.scale.labels[language])  # lowest answer first
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        d.name(language) for d in INST.dimensions
    ]
    title = translate("likert_title", language, group=translate("benchmark_all", language))
    assert title in texts
    assert translate("share_of_answers", language) in texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_likert_statements_run_top_to_bottom_in_instrument_order(language):
    fig = plot_likert(_distribution(), INST, language=language)
    renderer = _draw(fig)
    tops = []
    for ax, dim in zip(fig.axes, INST.dimensions, strict=True):
        labels = ax.get_yticklabels()
        assert [t.get_text().replace("\n", " ") for t in labels] == [
            i.label(language) for i in dim.items
        ]
        assert all(len(line) <= 48 for t in labels for line in t.get_text().split("\n"))
        tops += [t.get_window_extent(renderer).y1 for t in labels]
    assert tops == sorted(tops, reverse=True)


def test_likert_bars_centre_the_neutral_answer_and_have_the_shares_as_widths():
    dist = _distribution()
    share = dist.pivot_table(index="item", columns="point", values="share") * 100
    fig = plot_likert(dist, INST)
    for ax, dim in zip(fig.axes, INST.dimensions, strict=True):
        items = dim.item_ids
        bars = [p for p in ax.patches if isinstance(p, Rectangle)]
        assert len(bars) == 5 * len(items)  # drawn answer point by answer point
        for point in range(1, 6):
            for i, item in enumerate(items):
                bar = bars[(point - 1) * len(items) + i]
                assert bar.get_width() == pytest.approx(share.loc[item, point])
        for i, item in enumerate(items):
            neutral = bars[2 * len(items) + i]
            assert neutral.get_x() == pytest.approx(-share.loc[item, 3] / 2)
            disagree = bars[i].get_x()
            assert disagree == pytest.approx(
                -(share.loc[item, 1] + share.loc[item, 2] + share.loc[item, 3] / 2)
            )


def test_likert_neutral_is_grey_and_the_sides_diverge():
    fig = plot_likert(_distribution(), INST)
    ax = fig.axes[0]
    n = len(INST.dimension("measure").items)
    colours = [ax.patches[k * n].get_facecolor()[:3] for k in range(5)]
    r, g, b = colours[2]
    assert r == pytest.approx(g) == pytest.approx(b)  # grey
    assert colours[0] != colours[4] and colours[1] != colours[3]


@pytest.mark.parametrize("language", ["tr", "ru"])
def test_likert_labels_do_not_overlap_with_twelve_statements(language):
    fig = plot_likert(_distribution(), INST, language=language)
    for ax in fig.axes:
        assert not _overlapping(fig, ax.get_yticklabels())
    assert not _overlapping(fig, fig.legends[0].get_texts())
    assert not _outside(fig)


def test_likert_of_one_group_and_of_a_missing_group():
    dist = pd.concat([_distribution("Banking"), _distribution("Insurance")])
    fig = plot_likert(dist, INST, group="Banking", language="ru")
    assert translate("likert_title", "ru", group="Banking") in _texts(fig)
    with pytest.raises(ParameterError, match="not in the distribution"):
        plot_likert(dist, INST, group="Nowhere")


# --- plot_group_ranking -------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_ranking_orders_groups_best_first(language):
    groups = _groups()
    fig = plot_group_ranking(
        groups,
        INST,
        "master",
        language=language,
        overall_mean=63.4,
        suppressed=(3, 17),
        highlight=["Banking"],
    )
    ax = fig.axes[0]
    shown = groups[groups.dimension == "master"].sort_values("mean", ascending=False)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{g} (n = {n})" for g, n in zip(shown.group, shown.n, strict=True)]
    dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert [ln.get_xdata()[0] for ln in dots] == pytest.approx(list(shown["mean"]))
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Banking (n = 17)"]
    (line,) = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert line.get_xdata()[0] == pytest.approx(63.4)
    texts = _texts(fig)
    assert translate("benchmark_mean", language, value=format_number(63.4, language, 1)) in texts
    assert (
        translate("ranking_title", language, dimension=INST.dimension("master").name(language))
        in texts
    )
    note = translate("other_suppressed", language, groups="3", n="17", min_n="5")
    assert note in [t.replace("\n", " ") for t in texts]
    assert not _overlapping(fig, ax.get_yticklabels())
    assert not _outside(fig)


def test_ranking_footnote_only_when_groups_were_suppressed():
    for suppressed in (None, (0, 0)):
        fig = plot_group_ranking(_groups(), INST, "measure", suppressed=suppressed)
        assert not any(t.startswith("Not shown") for t in _texts(fig))
    with pytest.raises(ParameterError, match="suppressed"):
        plot_group_ranking(_groups(), INST, "measure", suppressed=3)


def test_ranking_leaves_out_groups_without_a_mean():
    groups = _groups()
    groups.loc[groups.group == "Banking", "mean"] = np.nan
    labels = [
        t.get_text() for t in plot_group_ranking(groups, INST, "manage").axes[0].get_yticklabels()
    ]
    assert len(labels) == len(SECTORS) - 1
    assert not any(label.startswith("Banking") for label in labels)


# --- text from data -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["A$x$B", "A$x", "<script>alert(1)</script>", "İstanbul Şirketi"])
def test_group_names_are_drawn_literally_never_as_mathtext(name):
    groups = _groups().replace({"group": {"Banking": name}})
    for fig in (
        plot_group_ranking(groups, INST, "measure"),
        plot_group_heatmap(groups, INST),
        plot_likert(_distribution(name), INST, group=name),
    ):
        _draw(fig)  # an unbalanced "$" raises here if it is parsed as maths
        data_texts = [t for t in fig.findobj(Text) if name in t.get_text()]
        assert data_texts
        assert all(not t.get_parse_math() for t in data_texts)


# --- bad input ----------------------------------------------------------------------


def test_bad_input_is_a_parameter_error_not_a_traceback():
    overall, groups, dist = _overall(), _groups(), _distribution()
    cases = [
        (lambda: plot_dimension_scores(overall.drop(columns="ci_low"), INST), "missing ci_low"),
        (lambda: plot_dimension_scores(overall.iloc[:0], INST), "empty"),
        (lambda: plot_dimension_scores(overall.assign(dimension="delight"), INST), "dimensions"),
        (lambda: plot_dimension_scores(overall, INST, confidence=95), "between 0 and 1"),
        (lambda: plot_dimension_scores(overall, INST, language="de"), "one of en, tr, ru"),
        (lambda: plot_dimension_scores(overall.to_dict(), INST), "DataFrame"),
        (lambda: plot_group_heatmap(groups.iloc[:0], INST), "empty"),
        (lambda: plot_group_heatmap(groups.drop(columns="n"), INST), "missing n"),
        (lambda: plot_group_heatmap(groups.assign(dimension="delight"), INST), "dimensions"),
        (lambda: plot_group_heatmap(groups.assign(mean="high"), INST), "numbers"),
        (lambda: plot_group_heatmap(groups.assign(mean=np.nan), INST), "no group has a finite"),
        (lambda: plot_likert(dist.drop(columns="share"), INST), "missing share"),
        (lambda: plot_likert(dist.assign(item="q99"), INST), "statements"),
        (lambda: plot_likert(dist, INST, wrap=0), "wrap"),
        (lambda: plot_group_ranking(groups, INST, "delight"), "not in the instrument"),
        (
            lambda: plot_group_ranking(groups[groups.dimension != "master"], INST, "master"),
            "no group",
        ),
        (
            lambda: plot_group_ranking(groups.drop(columns="ci_high"), INST, "master"),
            "missing ci_high",
        ),
        (lambda: save_figure("not a figure", "x.png"), "Figure"),
    ]
    for call, message in cases:
        with pytest.raises(ParameterError, match=message):
            call()


# --- hygiene ------------------------------------------------------------------------


def test_charts_leave_no_global_state():
    before = dict(mpl.rcParams)
    figures = plt.get_fignums()
    plot_dimension_scores(_overall(), INST)
    plot_group_heatmap(_groups(), INST)
    plot_likert(_distribution(), INST)
    plot_group_ranking(_groups(), INST, "master", overall_mean=63.4)
    assert dict(mpl.rcParams) == before
    assert plt.get_fignums() == figures
    source = inspect.getsource(charts)
    assert "matplotlib.use(" not in source and "import pyplot" not in source
    assert "matplotlib.pyplot" not in source


def test_same_chart_same_png_bytes_whatever_the_sessions_settings(tmp_path):
    first = save_figure(
        plot_dimension_scores(_overall(), INST, language="tr"), tmp_path / "a" / "1.png"
    )
    assert first == tmp_path / "a" / "1.png"
    with mpl.rc_context({"savefig.transparent": True, "savefig.bbox": "tight", "savefig.dpi": 72}):
        second = save_figure(
            plot_dimension_scores(_overall(), INST, language="tr"), tmp_path / "2.png"
        )
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[:4] == b"\x89PNG"
    width, height = (int.from_bytes(first.read_bytes()[i : i + 4], "big") for i in (16, 20))
    assert (width, height) == (round(6.4 * 150), round(4.4 * 150))


# --- plot_trend ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_trend_chart_draws_each_edition_with_its_interval(language):
    trend = pd.DataFrame(
        {
            "edition": [2021, 2022, 2023] * 3,
            "group": "all",
            "dimension": np.repeat(DIMS, 3),
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


def test_charts_draw_into_a_given_axes_as_seaborn_does():
    """``ax=``: two charts composed in one figure; each drew into its own axes only."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 4))
    left, right = fig.subplots(1, 2)
    assert plot_dimension_scores(_overall(), INST, ax=left) is fig
    assert plot_group_ranking(_groups(), INST, "master", ax=right) is fig
    assert len(fig.axes) == 2
    assert len(left.patches) >= 3  # a bar per dimension
    assert len(right.get_yticklabels()) == len(_groups()["group"].unique())
    alone = plot_dimension_scores(_overall(), INST)
    assert alone is not fig and len(alone.axes) == 1


def test_the_stage_chart_draws_a_bar_per_group_and_refuses_a_small_one():
    from cxbench.charts import plot_stage_distribution
    from cxbench.instrument import load_instrument

    inst = load_instrument()
    ids = [s.id for s in inst.stages]

    def frame(group, total, shares):
        return pd.DataFrame({"group": group, "stage": ids, "n": 0, "share": shares, "total": total})

    overall = frame("all", 310, [10, 20, 30, 25, 15])
    groups = pd.concat([frame("Finans", 49, [0, 10, 40, 30, 20]), frame("Enerji", 25, [4] * 5)])
    fig = plot_stage_distribution(overall, inst, groups=groups, language="tr")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Tüm katılımcılar (n = 310)", "Finans (n = 49)", "Enerji (n = 25)"]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 3 * len(ids)
    # a bar's segments add up to its shares, stacked from the lowest stage
    finance = sorted(
        (p for p in bars if abs(p.get_y() + p.get_height() / 2 - 1) < 1e-9), key=lambda p: p.get_x()
    )
    assert [round(p.get_width()) for p in finance] == [0, 10, 40, 30, 20]
    plt.close("all")
    with pytest.raises(ParameterError, match="under min_n=5"):
        plot_stage_distribution(overall, inst, groups=frame("Tiny", 3, [20] * 5), min_n=5)
