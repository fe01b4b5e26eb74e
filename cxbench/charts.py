"""Charts of the benchmark, in one colour-blind-safe look and the reader's language.

Every function takes tidy results (from :mod:`cxbench.comparison` and
:func:`cxbench.scoring.item_distribution`), never raw survey rows, computes no
statistic of its own, and returns a :class:`matplotlib.figure.Figure`. Figures are
made without pyplot, so nothing is registered globally and nothing is shown twice
in a notebook; styles are applied inside each call (``rc_context``), never set for
the session, and the backend is never chosen here.

Colours: seaborn's ``colorblind`` palette for categories, ``cividis`` for the
heatmap and ColorBrewer ``BrBG`` with a grey neutral for answer distributions; all
three stay distinguishable with the common colour-vision deficiencies.

Text: every word comes from the message catalogue (:mod:`cxbench.i18n`) and every
number is written with :func:`cxbench.i18n.format_number`, in the ``language`` given.
Names from the data (groups, sectors) are drawn literally, never read as mathtext
(``"A$x$B"`` stays as typed); long statements and names are wrapped at spaces, and
a figure grows with its number of rows, so that no label overlaps another.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import colormaps as mpl_colormaps
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ._checks import DEFAULT_CONFIDENCE, DEFAULT_MIN_N
from .captions import Caption, set_caption
from .errors import ParameterError
from .i18n import check_language, column_label, format_number, group_name, translate
from .instrument import Instrument
from .privacy import check_shown
from .runcache import cached_render
from .scorecard import Scorecard
from .theme import GUIDE, MUTED, REFERENCE, SAVE_RC, TRACK, accent, chart_style, palette

__all__ = [
    "plot_dimension_scores",
    "plot_group_heatmap",
    "plot_group_ranking",
    "plot_likert",
    "plot_scorecard",
    "plot_stage_distribution",
    "plot_trend",
    "save_figure",
]

#: Characters per line of a group's name in tick labels; longer names are wrapped.
_GROUP_WRAP = 32


def _require(
    frame: pd.DataFrame, columns: Sequence[str], what: str, numeric: Sequence[str] = ()
) -> pd.DataFrame:
    """``frame`` with ``numeric`` columns as numbers, or a ParameterError naming the gap."""
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(what, type(frame).__name__, "must be a DataFrame")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            what,
            "columns",
            f"missing {', '.join(missing)} (has: {', '.join(map(str, frame.columns))})",
        )
    if frame.empty:
        raise ParameterError(what, "rows", "nothing to draw: the frame is empty")
    converted = {}
    for column in numeric:
        try:
            converted[column] = pd.to_numeric(frame[column])
        except (TypeError, ValueError):
            raise ParameterError(what, column, "must hold numbers") from None
    return frame.assign(**converted) if converted else frame


def _check_dimensions(frame: pd.DataFrame, instrument: Instrument, what: str) -> list[str]:
    """The instrument's dimensions present in ``frame``, in instrument order."""
    present = set(frame["dimension"].astype(str))
    dims = [d for d in instrument.dimension_ids if d in present]
    if not dims:
        raise ParameterError(
            what,
            "dimension",
            f"none of the instrument's dimensions ({', '.join(instrument.dimension_ids)}) "
            f"in the frame (found: {', '.join(sorted(present)[:5])})",
        )
    return dims


def _wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` characters, broken at spaces only.

    Not at hyphens: "e-mail" and "офлайн-опыта" stay whole.
    """
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def _group_label(name: object, n: float, language: str) -> str:
    """``Banking (n = 31)``; a long name is wrapped, the count stays on its last line."""
    text = str(name)
    lines = _wrap(text, _GROUP_WRAP).split("\n") if len(text) > _GROUP_WRAP else [text]
    count = translate("n_label", language, n=format_number(n, language, 0))
    lines[-1] = f"{lines[-1]} ({count})"
    return "\n".join(lines)


def _number_ticks(axis: Axis, language: str) -> None:
    """Tick labels written as the language writes numbers (``62,5`` in Turkish)."""
    axis.set_major_formatter(
        FuncFormatter(
            lambda value, _: format_number(value, language, 0 if float(value).is_integer() else 1)
        )
    )


def _text_colour_on(background: tuple[float, ...]) -> str:
    """White or near-black, whichever contrasts more with ``background`` (WCAG 2)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in background[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    dark = 0.0160  # luminance of REFERENCE, #222222
    on_white = 1.05 / (luminance + 0.05)
    on_dark = (luminance + 0.05) / (dark + 0.05)
    return "white" if on_white >= on_dark else REFERENCE


def _row_height(labels: Sequence[str], minimum: float = 0.42) -> float:
    """Inches per row, enough for the tallest (most wrapped) label at 10 pt."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(minimum, 0.17 * lines + 0.14)


def _canvas(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes to draw in: ``ax`` and its figure when given (so that a
    notebook can compose charts, as seaborn does), else a new figure of ``figsize``."""
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.subplots()
    return ax.figure, ax


def _captioned(fig: Figure, own: bool, title: str, *names: object) -> Figure:
    """``fig``, captioned with its ``title`` (numbered when the report is published,
    :mod:`cxbench.captions`) and an id made of ``names``, when the chart made it; a
    figure a notebook composes (``ax`` given) is the notebook's to caption."""
    if own:
        set_caption(fig, Caption.make("figure", title, *names))
    return fig


@cached_render
def plot_dimension_scores(
    overall: pd.DataFrame,
    instrument: Instrument,
    *,
    language: str = "en",
    published: bool = True,
    confidence: float = DEFAULT_CONFIDENCE,
    ax: Axes | None = None,
) -> Figure:
    """Bars of the dimension scores with their CIs, published figures as markers.

    Parameters
    ----------
    overall : DataFrame
        ``dimension``, ``mean``, ``ci_low``, ``ci_high`` (e.g. a comparison's
        ``overall``); one row per dimension.
    instrument : Instrument
        Names the dimensions and gives their published scores.
    language : {"en", "tr", "ru"}
    published : bool
        Mark each dimension's published figure, where the instrument has one.
    confidence : float
        The level of the intervals (0–1), for the legend; the intervals themselves
        come from the frame.

    ax : matplotlib Axes, optional
        Draw into these axes (and return their figure) instead of a new figure.

    Returns
    -------
    Figure
        One axes: a bar per dimension (instrument order), its mean written in.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> frame = pd.DataFrame({"dimension": ["measure", "manage", "master"],
    ...                       "mean": [70.0, 70.0, 65.0], "ci_low": [68.0, 68.0, 63.0],
    ...                       "ci_high": [72.0, 72.0, 67.0]})
    >>> fig = plot_dimension_scores(frame, load_instrument(), language="tr")
    >>> fig.axes[0].get_title(loc="left")
    'Tüm katılımcıların boyut puanları'
    """
    language = check_language(language)
    if isinstance(confidence, bool) or not isinstance(confidence, float | int):
        raise ParameterError("confidence", confidence, "must be a number between 0 and 1")
    if not 0 < confidence < 1:
        raise ParameterError("confidence", confidence, "must be between 0 and 1, e.g. 0.95")
    columns = ["mean", "ci_low", "ci_high"]
    overall = _require(overall, ["dimension", *columns], "overall", numeric=columns)
    dims = _check_dimensions(overall, instrument, "overall")
    frame = (
        overall.assign(dimension=overall["dimension"].astype(str))
        .drop_duplicates("dimension")
        .set_index("dimension")
        .loc[dims]
    )
    x = np.arange(len(dims))
    with chart_style():
        own = ax is None
        fig, ax = _canvas(ax, (6.4, 4.4))
        colors = palette(len(dims))
        ax.bar(x, frame["mean"], width=0.6, color=colors, zorder=2)
        err = np.vstack([frame["mean"] - frame["ci_low"], frame["ci_high"] - frame["mean"]])
        ax.errorbar(x, frame["mean"], yerr=err, fmt="none", ecolor=REFERENCE, capsize=6, zorder=3)
        for xi, value in zip(x, frame["mean"], strict=True):
            inside = value >= 12  # a short bar has no room: its figure goes above it
            ax.text(
                xi,
                value / 2 if inside else value + 2,
                format_number(value, language, 1),
                ha="center",
                va="center" if inside else "bottom",
                color="white" if inside else REFERENCE,
                fontweight="bold",
                fontsize=12,
            )
        handles = [
            Line2D(
                [],
                [],
                color=REFERENCE,
                marker="|",
                markersize=12,
                linestyle="none",
                label=translate(
                    "ci_label", language, level=format_number(confidence * 100, language, 0)
                ),
            ),
        ]
        if published:
            reference = [instrument.dimension(d).published_score for d in dims]
            marked = [(xi, r) for xi, r in zip(x, reference, strict=True) if r is not None]
            if marked:
                ax.scatter(
                    [m[0] + 0.38 for m in marked],
                    [m[1] for m in marked],
                    marker="<",
                    s=110,
                    color=REFERENCE,
                    zorder=4,
                )
                handles.append(
                    Line2D(
                        [],
                        [],
                        color=REFERENCE,
                        marker="<",
                        markersize=9,
                        linestyle="none",
                        label=translate("published", language),
                    )
                )
        ax.set_xticks(x, [instrument.dimension(d).name(language) for d in dims])
        ax.set_ylim(0, 100)
        ax.set_xlim(-0.6, len(dims) - 0.4)
        ax.set_ylabel(translate("score_axis", language))
        _number_ticks(ax.yaxis, language)
        title = translate("dimension_scores_title", language)
        ax.set_title(title)
        ax.grid(axis="x", visible=False)
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=2)
    return _captioned(fig, own, title, "dimension-scores")


@cached_render
def plot_group_heatmap(
    groups: pd.DataFrame,
    instrument: Instrument,
    *,
    language: str = "en",
    title_column: str | None = "sector",
    min_n: int = DEFAULT_MIN_N,
    ax: Axes | None = None,
) -> Figure:
    """Groups × dimensions, each cell coloured by its score and the score written in.

    Parameters
    ----------
    groups : DataFrame
        ``group``, ``dimension``, ``n``, ``mean``; rows appear in the order of the
        frame's groups. A group ``"all"`` is the whole benchmark and is labelled so.
    instrument : Instrument
    language : {"en", "tr", "ru"}
    title_column : str, optional
        The grouping column, named in the title (``column_<name>`` messages give its
        name in each language); None names it just "Group".
    min_n : int
        Anonymity: a group with a smaller ``n`` is refused
        (:func:`cxbench.privacy.check_shown`); pass figures made with the same min_n.

    ax : matplotlib Axes, optional
        Draw into these axes (and return their figure) instead of a new figure.

    Returns
    -------
    Figure
        The heatmap's axes and its colour bar's; cell texts are the means written
        with :func:`cxbench.i18n.format_number`, empty where a group has no score.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> frame = pd.DataFrame({"group": ["A", "A", "all", "all"],
    ...                       "dimension": ["measure", "master"] * 2,
    ...                       "n": [10, 10, 30, 30], "mean": [71.5, 60.0, 70.0, 65.0]})
    >>> fig = plot_group_heatmap(frame, load_instrument())
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['71.5', '60.0', '70.0', '65.0']
    """
    language = check_language(language)
    groups = _require(groups, ["group", "dimension", "n", "mean"], "groups", numeric=["n", "mean"])
    check_shown(groups, min_n)
    dims = _check_dimensions(groups, instrument, "groups")
    frame = groups.assign(
        group=groups["group"].astype(str), dimension=groups["dimension"].astype(str)
    )
    frame = frame[frame["dimension"].isin(dims)]
    order = list(pd.unique(frame["group"]))
    means = frame.pivot_table(index="group", columns="dimension", values="mean", sort=False)
    means = means.reindex(index=order, columns=dims)
    if not np.isfinite(means.to_numpy(dtype=float)).any():
        raise ParameterError("groups", "mean", "nothing to draw: no group has a finite mean")
    sizes = frame.groupby("group", sort=False)["n"].max().reindex(order)
    labels = [_group_label(group_name(g, language), sizes[g], language) for g in order]
    height = 1.6 + _row_height(labels) * len(order)
    longest = max(len(line) for label in labels for line in label.split("\n"))
    width = 3.2 + 1.5 * len(dims) + 0.075 * longest
    named = column_label(title_column, language) if title_column else translate("group", language)
    with chart_style():
        own = ax is None
        fig, ax = _canvas(ax, (width, height))
        values = means.to_numpy(dtype=float)
        cmap = mpl_colormaps["cividis"]
        norm = Normalize(
            vmin=max(0.0, float(np.nanmin(values)) - 5),
            vmax=min(100.0, float(np.nanmax(values)) + 5),
        )
        sns.heatmap(
            values,
            ax=ax,
            cmap=cmap,
            norm=norm,
            linewidths=1,
            linecolor="white",
            cbar_kws={"label": translate("score_axis", language), "shrink": 0.8},
        )
        # written in row by row; a group without a score on a dimension gets no figure
        for (row, col), value in np.ndenumerate(values):
            if np.isfinite(value):
                ax.text(
                    col + 0.5,
                    row + 0.5,
                    format_number(value, language, 1),
                    ha="center",
                    va="center",
                    fontsize=10,
                    color=_text_colour_on(cmap(norm(value))),
                )
        ax.set_xticks(
            np.arange(len(dims)) + 0.5,
            [instrument.dimension(d).name(language) for d in dims],
            rotation=0,
        )
        ax.set_yticks(np.arange(len(order)) + 0.5, labels, rotation=0)
        ax.tick_params(axis="x", top=False, bottom=False, labeltop=True, labelbottom=False)
        ax.tick_params(axis="y", left=False)
        if "all" in order and len(order) > 1:
            row = order.index("all")
            # a wider gap between the benchmark's row and the groups next to it
            for edge in {row, row + 1} - {0, len(order)}:
                ax.axhline(edge, color="white", linewidth=4)
            ax.get_yticklabels()[row].set_fontweight("bold")
        ax.set_xlabel("")
        ax.set_ylabel("")
        _number_ticks(ax.collections[0].colorbar.ax.yaxis, language)
        title = translate("heatmap_title", language, column=named, column_lower=named.lower())
        ax.set_title(title)
    return _captioned(fig, own, title, "heatmap", title_column)


def _segment(
    ax: Axes,
    values: np.ndarray,
    left: np.ndarray,
    *,
    color: object,
    label: str,
    text_colour: str,
    language: str,
) -> np.ndarray:
    """One segment of stacked horizontal bars (bar i at y = i), each share of 7 points or
    more written on it; returns where the next segment starts."""
    y = np.arange(len(values))
    ax.barh(
        y,
        values,
        left=left,
        color=color,
        height=0.72,
        edgecolor="white",
        linewidth=0.6,
        label=label,
    )
    for yi, (start, width) in enumerate(zip(left, values, strict=True)):
        if width >= 7:
            ax.text(
                start + width / 2,
                yi,
                format_number(width, language, 0),
                ha="center",
                va="center",
                fontsize=8,
                color=text_colour,
            )
    return left + values


def _likert_colors(points: int) -> list:
    colors = list(sns.color_palette("BrBG", points))
    if points % 2:
        colors[points // 2] = (0.78, 0.78, 0.78)
    return colors


@cached_render
def plot_likert(
    distribution: pd.DataFrame,
    instrument: Instrument,
    *,
    language: str = "en",
    group: str = "all",
    wrap: int = 48,
) -> Figure:
    """Diverging stacked bars of the answers to each statement, neutral centred on 0.

    Disagreement runs to the left, agreement to the right; the middle answer is split
    evenly across zero. One panel per dimension.

    Parameters
    ----------
    distribution : DataFrame
        ``group``, ``dimension``, ``item``, ``point``, ``share`` (0–1), as made by
        :func:`cxbench.scoring.item_distribution`.
    instrument : Instrument
    language : {"en", "tr", "ru"}
    group : str
        Which group's answers to draw.
    wrap : int
        Characters per line of the statement labels.

    Returns
    -------
    Figure
        One axes per dimension (instrument order), a bar per statement, top to
        bottom in instrument order; bars are drawn answer point by answer point.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.scoring import item_distribution
    >>> inst = load_instrument()
    >>> rows = [dict.fromkeys(inst.item_ids, p) for p in (1, 3, 4, 5)]
    >>> fig = plot_likert(item_distribution(pd.DataFrame(rows), inst, min_n=1), inst)
    >>> len(fig.axes)  # one panel per dimension
    3
    """
    language = check_language(language)
    if isinstance(wrap, bool) or not isinstance(wrap, int) or wrap < 10:
        raise ParameterError("wrap", wrap, "must be a whole number of characters, 10 or more")
    distribution = _require(
        distribution,
        ["group", "dimension", "item", "point", "share"],
        "distribution",
        numeric=["point", "share"],
    )
    part = distribution[distribution["group"].astype(str) == str(group)]
    if part.empty:
        known = ", ".join(map(str, pd.unique(distribution["group"].astype(str))[:8]))
        raise ParameterError("group", group, f"not in the distribution (groups: {known})")
    points = list(range(instrument.scale.min, instrument.scale.max + 1))
    answer_labels = instrument.scale.point_labels(language)
    shares = part.assign(item=part["item"].astype(str)).pivot_table(
        index="item", columns="point", values="share", dropna=False
    )
    shares = shares.reindex(columns=points).fillna(0.0) * 100
    dims = [d for d in instrument.dimensions if any(i in shares.index for i in d.item_ids)]
    if not dims:
        raise ParameterError(
            "distribution",
            "item",
            f"none of the instrument's statements ({', '.join(instrument.item_ids[:3])}, ...)",
        )
    colors = _likert_colors(len(points))
    middle = len(points) // 2 if len(points) % 2 else None
    n_items = sum(len([i for i in d.item_ids if i in shares.index]) for d in dims)
    name = group_name(group, language)
    with chart_style():
        fig = Figure(figsize=(10.5, 1.9 + 0.62 * n_items + 0.5 * len(dims)), layout="constrained")
        axes = fig.subplots(
            len(dims),
            1,
            sharex=True,
            squeeze=False,
            gridspec_kw={"height_ratios": [len(d.item_ids) for d in dims]},
        )[:, 0]
        for ax, dim in zip(axes, dims, strict=True):
            items = [i for i in dim.item_ids if i in shares.index]
            values = shares.loc[items].to_numpy()
            below = values[:, : len(points) // 2].sum(axis=1)
            if middle is not None:
                below = below + values[:, middle] / 2
            left = -below
            y = np.arange(len(items))
            for k in range(len(points)):
                dark = k in (0, len(points) - 1)
                left = _segment(
                    ax,
                    values[:, k],
                    left,
                    color=colors[k],
                    label=answer_labels[k],
                    text_colour="white" if dark else REFERENCE,
                    language=language,
                )
            # under the bars: visible between them, never through a bar's figure
            ax.axvline(0, color=REFERENCE, linewidth=0.8, zorder=0.9)
            ax.set_yticks(
                y,
                [_wrap(instrument.item(i).label(language), wrap) for i in items],
                fontsize=9,
            )
            ax.invert_yaxis()
            ax.set_title(dim.name(language), fontsize=11)
            ax.grid(axis="y", visible=False)
        axes[-1].set_xlim(-100, 100)
        ticks = np.arange(-100, 101, 25)
        axes[-1].set_xticks(ticks, [format_number(abs(t), language, 0) for t in ticks])
        axes[-1].set_xlabel(translate("share_of_answers", language))
        title = translate("likert_title", language, group=name)
        fig.suptitle(
            title,
            x=0.01,
            ha="left",
            fontweight="bold",
            fontsize=12,
        )
        handles = [Patch(color=colors[k], label=answer_labels[k]) for k in range(len(points))]
        fig.legend(handles=handles, loc="outside lower center", ncol=len(points), fontsize=8.5)
    if len(dims) == 1:  # the caption names the one dimension shown
        title = translate(
            "likert_dimension_caption", language, dimension=dims[0].name(language), group=name
        )
    return _captioned(fig, True, title, "likert", group, *(d.id for d in dims))


@cached_render
def plot_group_ranking(
    groups: pd.DataFrame,
    instrument: Instrument,
    dimension: str,
    *,
    language: str = "en",
    overall_mean: float | None = None,
    suppressed: tuple[int, int] | None = None,
    min_n: int = DEFAULT_MIN_N,
    highlight: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Groups ranked on one dimension: a dot at the mean, a whisker for the CI.

    Parameters
    ----------
    groups : DataFrame
        ``group``, ``dimension``, ``n``, ``mean``, ``ci_low``, ``ci_high`` (a
        comparison's ``groups``).
    instrument : Instrument
    dimension : str
        The dimension to rank on.
    language : {"en", "tr", "ru"}
    overall_mean : float, optional
        The benchmark's score, drawn as a line.
    suppressed : (groups, n), optional
        Groups too small to be shown; when any, a footnote says how many.
    min_n : int
        The suppression threshold the comparison used, for that footnote; a group
        with a smaller ``n`` is refused (:func:`cxbench.privacy.check_shown`).
    highlight : list of str, optional
        Groups to draw in the accent colour (the others in grey).

    ax : matplotlib Axes, optional
        Draw into these axes (and return their figure) instead of a new figure.

    Returns
    -------
    Figure
        One axes; groups top to bottom from the highest mean to the lowest (ties
        by name), each tick label the group's name and its n.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> frame = pd.DataFrame({"group": ["A", "B"], "dimension": "master", "n": [9, 12],
    ...                       "mean": [60.0, 72.0], "ci_low": [55.0, 68.0],
    ...                       "ci_high": [65.0, 76.0]})
    >>> fig = plot_group_ranking(frame, load_instrument(), "master", overall_mean=66.0)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['B (n = 12)', 'A (n = 9)']
    """
    language = check_language(language)
    numbers = ["n", "mean", "ci_low", "ci_high"]
    groups = _require(groups, ["group", "dimension", *numbers], "groups", numeric=numbers)
    if dimension not in instrument.dimension_ids:
        raise ParameterError(
            "dimension", dimension, f"not in the instrument ({', '.join(instrument.dimension_ids)})"
        )
    # a group without a mean (suppressed, no answers) has no place in a ranking
    frame = groups[(groups["dimension"].astype(str) == dimension) & groups["mean"].notna()]
    check_shown(frame, min_n)
    if frame.empty:
        raise ParameterError("dimension", dimension, "no group has a score on it")
    if suppressed is not None and (
        not isinstance(suppressed, tuple | list)
        or len(suppressed) != 2
        or not all(isinstance(v, int | np.integer) for v in suppressed)
    ):
        raise ParameterError("suppressed", suppressed, "must be a (groups, n) pair of counts")
    frame = frame.sort_values(["mean", "group"], ascending=[False, True], kind="stable")
    names = frame["group"].astype(str).tolist()
    labels = [_group_label(g, n, language) for g, n in zip(names, frame["n"], strict=True)]
    wanted = set(map(str, highlight or []))
    colors = [accent() if not wanted or g in wanted else MUTED for g in names]
    y = np.arange(len(names))
    footnote = suppressed is not None and suppressed[0] > 0
    with chart_style():
        height = 1.7 + _row_height(labels) * len(names) + 0.3 * footnote
        own = ax is None
        fig, ax = _canvas(ax, (7.6, height))
        for yi, (_, row), color in zip(y, frame.iterrows(), colors, strict=True):
            ax.plot([row["ci_low"], row["ci_high"]], [yi, yi], color=color, linewidth=2.2)
            ax.plot(row["mean"], yi, "o", color=color, markersize=8, zorder=3)
        handles = []
        if overall_mean is not None and np.isfinite(overall_mean):
            ax.axvline(overall_mean, color=REFERENCE, linestyle="--", linewidth=1)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=REFERENCE,
                    linestyle="--",
                    label=translate(
                        "benchmark_mean", language, value=format_number(overall_mean, language, 1)
                    ),
                )
            )
        ax.set_yticks(y, labels)
        for tick, name in zip(ax.get_yticklabels(), names, strict=True):
            if wanted and name in wanted:
                tick.set_fontweight("bold")
        ax.invert_yaxis()
        low = min(frame["ci_low"].min(), overall_mean if overall_mean is not None else 100)
        high = max(frame["ci_high"].max(), overall_mean if overall_mean is not None else 0)
        span = max(high - low, 10)
        ax.set_xlim(max(0, low - 0.08 * span), min(100, high + 0.08 * span))
        ax.set_xlabel(translate("score_axis", language))
        _number_ticks(ax.xaxis, language)
        title = translate(
            "ranking_title", language, dimension=instrument.dimension(dimension).name(language)
        )
        ax.set_title(title)
        ax.grid(axis="y", visible=False)
        if handles:
            fig.legend(handles=handles, loc="outside upper right")
        if footnote:
            # supxlabel, unlike fig.text, is given room by the constrained layout
            note = translate(
                "other_suppressed",
                language,
                groups=format_number(suppressed[0], language, 0),
                n=format_number(suppressed[1], language, 0),
                min_n=format_number(min_n, language, 0),
            )
            fig.supxlabel(
                _wrap(note, 110),
                x=0.01,
                ha="left",
                fontsize=8.5,
                color=GUIDE,
            )
    return _captioned(fig, own, title, "ranking", dimension)


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Write a figure as PNG with stable bytes (no software stamp); returns the path.

    The same figure gives the same bytes every time: no software or date stamp is
    written, and the session's own ``savefig.*`` settings are overridden (white,
    not transparent, the figure's own size). The parent folder is created; the
    figure is left open.

    Parameters
    ----------
    fig : Figure
    path : str or Path
        The PNG file to write.
    dpi : int
        Pixels per inch; 100–150 suit a report page and a screen.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> fig = Figure(figsize=(2, 1))
    >>> path = save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "a" / "chart.png")
    >>> path.read_bytes()[:4] == b"\\x89PNG"
    True
    """
    if not isinstance(fig, Figure):
        raise ParameterError("fig", type(fig).__name__, "must be a matplotlib Figure")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with rc_context(SAVE_RC):
        fig.savefig(path, dpi=dpi, format="png", metadata={"Software": None})
    return path


@cached_render
def plot_trend(
    trend: pd.DataFrame,
    instrument: Instrument,
    *,
    language: str = "en",
    group: str = "all",
    confidence: float = DEFAULT_CONFIDENCE,
    ax: Axes | None = None,
) -> Figure:
    """Each dimension's score per edition, with its confidence interval.

    Parameters
    ----------
    trend : DataFrame
        :func:`cxbench.trends.edition_trend` at dimension level: ``edition``,
        ``dimension``, ``group``, ``mean``, ``ci_low``, ``ci_high``.
    group : str
        The group to draw (``"all"``: the whole benchmark).

    ax : matplotlib Axes, optional
        Draw into these axes (and return their figure) instead of a new figure.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> trend = pd.DataFrame({"edition": [2022, 2023] * 3, "group": "all",
    ...     "dimension": ["measure"] * 2 + ["manage"] * 2 + ["master"] * 2,
    ...     "mean": [67.0, 70.0, 66.0, 70.0, 63.0, 65.0], "ci_low": 60.0, "ci_high": 72.0})
    >>> [t.get_text() for t in plot_trend(trend, load_instrument()).axes[0].get_xticklabels()]
    ['2022', '2023']
    """
    language = check_language(language)
    _require(trend, ["edition", "dimension", "group", "mean", "ci_low", "ci_high"], "trend")
    part = trend[trend["group"].astype(str) == str(group)]
    if part.empty:
        raise ParameterError("group", group, "not in the trend")
    years = sorted(pd.unique(part["edition"]))
    dims = [d for d in instrument.dimension_ids if d in set(part["dimension"])]
    colors = palette(len(dims))
    with chart_style():
        own = ax is None
        fig, ax = _canvas(ax, (8.4, 4.2))
        for offset, (dim, color) in enumerate(zip(dims, colors, strict=True)):
            rows = part[part["dimension"] == dim].set_index("edition").reindex(years)
            x = np.arange(len(years)) + (offset - (len(dims) - 1) / 2) * 0.06
            err = np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]])
            ax.errorbar(
                x,
                rows["mean"],
                yerr=err,
                color=color,
                marker="o",
                capsize=4,
                linewidth=2,
                label=instrument.dimension(dim).name(language),
            )
        ax.set_xticks(np.arange(len(years)), [str(y) for y in years])
        ax.set_xlim(-0.4, len(years) - 0.4)
        ax.set_ylabel(translate("score_axis", language))
        _number_ticks(ax.yaxis, language)
        title = translate("trend_chart_title", language)
        ax.set_title(title)
        ax.grid(axis="x", visible=False)
        handles, labels = ax.get_legend_handles_labels()
        handles.append(Line2D([], [], color=REFERENCE, marker="|", linestyle="none", markersize=10))
        labels.append(
            translate("ci_label", language, level=format_number(confidence * 100, language, 0))
        )
        fig.legend(handles, labels, loc="outside right upper")
    return _captioned(fig, own, title, "trend")


@cached_render
def plot_scorecard(
    card: Scorecard,
    instrument: Instrument,
    dimension: str,
    *,
    language: str = "en",
    wrap: int = 48,
    ax: Axes | None = None,
) -> Figure:
    """A dumbbell per statement of one dimension: the participant against its reference.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Draw into these axes (and return their figure) instead of a new figure.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.scorecard import participant_scorecard
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst = load_instrument()
    >>> data = generate_benchmark(2023, n=200)
    >>> card = participant_scorecard(data, inst, data.respondent_id.iloc[0])
    >>> len(plot_scorecard(card, inst, "master").axes[0].get_yticklabels())
    4
    """
    from .tables import reference_name

    language = check_language(language)
    if dimension not in instrument.dimension_ids:
        raise ParameterError("dimension", dimension, "not in the instrument")
    items = card.items[card.items["dimension"] == dimension]
    reference = reference_name(card, language)
    y = np.arange(len(items))
    with chart_style():
        own = ax is None
        fig, ax = _canvas(ax, (8.6, 1.5 + 0.62 * len(items)))
        for yi, row in zip(y, items.itertuples(), strict=True):
            ax.plot([row.score, row.reference_mean], [yi, yi], color=TRACK, linewidth=3, zorder=1)
        ax.scatter(items["reference_mean"], y, s=90, color=MUTED, zorder=2, label=reference)
        ax.scatter(
            items["score"], y, s=110, color=accent(), zorder=3, label=translate("you", language)
        )
        labels = [_wrap(instrument.item(i).label(language), wrap) for i in items["item"]]
        ax.set_yticks(y, labels, fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(translate("score_axis", language))
        title = translate(
            "scorecard_chart_title",
            language,
            dimension=instrument.dimension(dimension).name(language),
            reference=reference,
        )
        ax.set_title(title)
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncol=2)
    return _captioned(fig, own, title, "scorecard", dimension)


@cached_render
def plot_stage_distribution(
    overall: pd.DataFrame,
    instrument: Instrument,
    *,
    groups: pd.DataFrame | None = None,
    language: str = "en",
    min_n: int = DEFAULT_MIN_N,
    ax: Axes | None = None,
) -> Figure:
    """The organisations' maturity stages: a bar of stacked shares for the whole
    benchmark, then one per group shown.

    Parameters
    ----------
    overall, groups : DataFrame
        ``group``, ``stage``, ``n``, ``share`` (%), ``total``: the whole benchmark and,
        optionally, the groups, as made by :func:`cxbench.maturity.stage_distribution`
        (which has hidden the groups under ``min_n``; a smaller one is refused).
    instrument : Instrument
        Declares the stages, lowest first.
    language : {"en", "tr", "ru"}
    min_n : int
    ax : matplotlib Axes, optional
        Draw into these axes (and return their figure) instead of a new figure.

    Returns
    -------
    Figure
        One axes: a bar per group from 0 to 100 %, the stages from the lowest (left) to
        the highest, each share of 7 % or more written on its segment.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> frame = pd.DataFrame({"group": "all", "stage": [s.id for s in inst.stages],
    ...                       "n": [20, 43, 105, 98, 44],
    ...                       "share": [6.45, 13.87, 33.87, 31.61, 14.19], "total": 310})
    >>> fig = plot_stage_distribution(frame, inst)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['All participants (n = 310)']
    """
    language = check_language(language)
    if not instrument.stages:
        raise ParameterError("instrument", instrument.id, "declares no maturity stages")
    columns = ["group", "stage", "n", "share", "total"]
    numbers = ["n", "share", "total"]
    frames = [_require(overall, columns, "overall", numeric=numbers)]
    if groups is not None and len(groups):
        frames.append(_require(groups, columns, "groups", numeric=numbers))
    frame = pd.concat(frames, ignore_index=True)
    sizes = frame.groupby("group", sort=False)["total"].first()
    check_shown(pd.DataFrame({"group": sizes.index, "n": sizes.to_numpy()}), min_n)
    order = list(sizes.index)
    shares = frame.pivot_table(index="group", columns="stage", values="share", sort=False)
    shares = shares.reindex(index=order, columns=[s.id for s in instrument.stages]).fillna(0.0)
    labels = [_group_label(group_name(g, language), sizes[g], language) for g in order]
    colors = list(sns.color_palette("cividis", len(instrument.stages)))
    y = np.arange(len(order))
    with chart_style():
        own = ax is None
        fig, ax = _canvas(ax, (9.0, 1.9 + _row_height(labels) * len(order)))
        left = np.zeros(len(order))
        for k, stage in enumerate(instrument.stages):
            left = _segment(
                ax,
                shares[stage.id].to_numpy(),
                left,
                color=colors[k],
                label=stage.name(language),
                text_colour=_text_colour_on(colors[k]),
                language=language,
            )
        ax.set_yticks(y, labels, fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        _number_ticks(ax.xaxis, language)
        ax.set_xlabel(translate("share_of_organisations", language))
        title = translate("stages_chart_title", language)
        ax.set_title(title)
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncol=min(len(instrument.stages), 5), fontsize=8.5)
    return _captioned(fig, own, title, "stages")
