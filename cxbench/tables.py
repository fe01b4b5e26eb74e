"""Reader-facing tables: figures formatted for a language, shown as text and as HTML.

A :class:`ReportTable` holds a table whose cells are already formatted (numbers in the
reader's locale through Babel, headers translated). In a notebook it shows as an HTML
table (every cell escaped) and as aligned text, both produced here rather than by
pandas, so a notebook's stored output does not change with the pandas version and
nbval can compare it exactly.

The builders (:func:`overall_table`, :func:`group_table`, :func:`omnibus_table`,
:func:`posthoc_table`, :func:`difference_table`) take the tidy results of
:mod:`cxbench.comparison` and never compute statistics themselves.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import DEFAULT_CONFIDENCE
from .captions import Caption
from .comparison import GroupComparison
from .errors import ParameterError
from .factors import FactorStructure
from .i18n import (
    check_language,
    column_label,
    format_interval,
    format_minus,
    format_number,
    format_p,
    format_signed,
    group_name,
    translate,
)
from .instrument import Instrument
from .scorecard import Scorecard

__all__ = [
    "ReportTable",
    "correction_name",
    "correlation_table",
    "difference_table",
    "factor_fit_table",
    "format_p",
    "group_table",
    "invariance_table",
    "likert_table",
    "nps_table",
    "omnibus_table",
    "overall_table",
    "paired_table",
    "posthoc_table",
    "reference_name",
    "reliability_table",
    "scorecard_dimension_table",
    "scorecard_item_table",
    "stage_ladder_table",
    "stage_table",
    "trend_table",
    "weighted_table",
]


@dataclass(frozen=True)
class ReportTable:
    """A formatted table: header texts and rows of cell texts.

    Examples
    --------
    >>> table = ReportTable(("sector", "score"), (("<b>", "70.0"),), numeric=(False, True))
    >>> print(table)
    sector score
    <b>     70.0
    >>> "&lt;b&gt;" in table.to_html()
    True
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    caption: str = ""
    id: str = ""

    def _right(self, column: int) -> bool:
        return bool(self.numeric) and self.numeric[column]

    def to_text(self) -> str:
        """Aligned plain text: numbers to the right, text to the left."""
        table = [self.headers, *self.rows]
        widths = [max(_width(row[c]) for row in table) for c in range(len(self.headers))]
        lines = [self.caption] if self.caption else []
        for row in table:
            cells = []
            for c, cell in enumerate(row):
                pad = " " * (widths[c] - _width(cell))
                cells.append(pad + cell if self._right(c) else cell + pad)
            lines.append(" ".join(cells).rstrip())
        return "\n".join(lines)

    def to_html(self) -> str:
        """An HTML ``<table>``; every header and cell is escaped."""
        esc = html.escape
        # a table with an id is numbered when the report is published
        # (:func:`cxbench.captions.number_items`): its caption holds the number's place
        ident = f' id="{esc(self.id)}"' if self.id else ""
        parts = [f'<table class="cxbench-table"{ident}>']
        if self.caption:
            number = '<span class="cxbench-number" data-kind="table"></span>' if self.id else ""
            parts.append(f"<caption>{number}{esc(self.caption)}</caption>")
        parts.append("<thead><tr>")
        for c, header in enumerate(self.headers):
            parts.append(f"<th{_align(self._right(c))}>{esc(header)}</th>")
        parts.append("</tr></thead><tbody>")
        for row in self.rows:
            parts.append("<tr>")
            for c, cell in enumerate(row):
                parts.append(f"<td{_align(self._right(c))}>{esc(cell)}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)

    @property
    def caption_info(self) -> Caption | None:
        """The table's :class:`~cxbench.captions.Caption` (for
        :func:`cxbench.captions.see`), or None for a table without an id."""
        return Caption("table", self.id, self.caption) if self.id else None

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()


def _align(right: bool) -> str:
    return f' style="text-align:{"right" if right else "left"}"'


def _width(text: str) -> int:
    # combining marks take no column
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def correction_name(correction: str, language: str = "en") -> str:
    """The reader's name of a p-value correction (``holm`` → "Holm").

    Examples
    --------
    >>> correction_name("holm", "ru"), correction_name("bonf", "en")
    ('Холма', 'Bonferroni')
    """
    return translate(f"correction_{correction}", language)


def _build(
    frame: pd.DataFrame,
    columns: Mapping[str, tuple[str, bool]],
    caption: str | Caption = "",
) -> ReportTable:
    headers = tuple(label for label, _ in columns.values())
    numeric = tuple(is_number for _, is_number in columns.values())
    rows = tuple(tuple(str(row[c]) for c in columns) for row in frame.to_dict("records"))
    if isinstance(caption, Caption):
        return ReportTable(headers, rows, numeric, caption.text, caption.id)
    return ReportTable(headers, rows, numeric, caption)


def _caption(key: str, language: str, *names: object, **fields: object) -> Caption:
    """A numbered table's caption: message ``table_<key>`` (``fields`` fill it), its id
    made of ``key`` and ``names``."""
    return Caption.make("table", translate(f"table_{key}", language, **fields), key, *names)


def _dimension_names(instrument: Instrument, language: str) -> dict[str, str]:
    return {dim.id: dim.name(language) for dim in instrument.dimensions}


def _numbers(values: pd.Series, language: str, decimals: int = 1) -> pd.Series:
    """A column of numbers as the language writes them."""
    return values.map(lambda v: format_number(v, language, decimals))


def _intervals(
    frame: pd.DataFrame,
    language: str,
    low: str = "ci_low",
    high: str = "ci_high",
    decimals: int = 1,
) -> list[str]:
    """The intervals of two columns of bounds (``–`` where one is missing)."""
    return [
        format_interval(lo, hi, language, decimals)
        for lo, hi in zip(frame[low], frame[high], strict=True)
    ]


def _mean_and_n(frame: pd.DataFrame, n: str, mean: str, language: str) -> list[str]:
    """``mean (n = n)`` cells, e.g. ``71.2 (n = 45)``."""
    return [
        f"{format_number(m, language, 1)} (n = {format_number(k, language, 0)})"
        for k, m in zip(frame[n], frame[mean], strict=True)
    ]


def _p_adj_header(correction: str, language: str) -> tuple[str, bool]:
    """The header of a corrected p-value column, naming the correction."""
    text = translate("col_p_adj", language, correction=correction_name(correction, language))
    return (text, True)


def overall_table(
    comparison: GroupComparison,
    instrument: Instrument,
    *,
    language: str = "en",
    published: bool = True,
) -> ReportTable:
    """The benchmark's dimension scores with their intervals (and the published figure).

    Examples
    --------
    >>> from cxbench.comparison import compare_groups
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst = load_instrument()
    >>> result = compare_groups(generate_benchmark(2023, n=80), inst, "sector", min_n=8)
    >>> overall_table(result, inst, language="tr").headers  # doctest: +ELLIPSIS
    ('Boyut', 'n', 'Puan (%)', ...)
    """
    language = check_language(language)
    names = _dimension_names(instrument, language)
    frame = comparison.overall.copy()
    out = pd.DataFrame(
        {
            "dimension": frame["dimension"].map(names),
            "n": _numbers(frame["n"], language, 0),
            "mean": _numbers(frame["mean"], language),
            "ci": _intervals(frame, language),
        }
    )
    columns = {
        "dimension": (translate("col_dimension", language), False),
        "n": ("n", True),
        "mean": (translate("col_score", language), True),
        "ci": (_ci_header(comparison.confidence, language), True),
    }
    if published:
        reference = {dim.id: dim.published_score for dim in instrument.dimensions}
        out["published"] = [
            format_number(reference[d], language, 0) if reference[d] is not None else "–"
            for d in frame["dimension"]
        ]
        columns["published"] = (translate("col_published", language), True)
    return _build(out, columns, caption=_caption("overall", language))


def weighted_table(
    scores: pd.DataFrame,
    instrument: Instrument,
    *,
    language: str = "en",
    confidence: float = DEFAULT_CONFIDENCE,
) -> ReportTable:
    """Weighted dimension scores (:func:`cxbench.weights.weighted_scores`, the rows of
    group ``"all"``) with n, effective n, standard error, interval and design effect.

    Examples
    --------
    >>> frame = pd.DataFrame({"group": "all", "dimension": ["measure"], "n": [310],
    ...                       "n_eff": [130.8], "score": [66.6], "se": [1.21],
    ...                       "ci_low": [64.2], "ci_high": [69.0], "deff": [2.07]})
    >>> from cxbench.instrument import load_instrument
    >>> print(weighted_table(frame, load_instrument(), language="tr"))
    Ağırlıklı boyut puanları ve tasarıma dayalı standart hatalar
    Boyut   n Etkin n Puan (%) Std. hata   %95 GA Tasarım etkisi
    Ölçme 310     131     66,6      1,21 64,2–69,0           2,07
    """
    language = check_language(language)
    names = _dimension_names(instrument, language)
    frame = scores[scores["group"] == "all"]
    out = pd.DataFrame(
        {
            "dimension": frame["dimension"].map(names),
            "n": _numbers(frame["n"], language, 0),
            "n_eff": _numbers(frame["n_eff"], language, 0),
            "score": _numbers(frame["score"], language),
            "se": _numbers(frame["se"], language, 2),
            "ci": _intervals(frame, language),
            "deff": _numbers(frame["deff"], language, 2),
        }
    )
    columns = {
        "dimension": (translate("col_dimension", language), False),
        "n": ("n", True),
        "n_eff": (translate("col_n_eff", language), True),
        "score": (translate("col_score", language), True),
        "se": (translate("col_se", language), True),
        "ci": (_ci_header(confidence, language), True),
        "deff": (translate("col_deff", language), True),
    }
    return _build(out, columns, caption=_caption("weighted", language))


def reliability_table(
    alpha: pd.DataFrame,
    omega: pd.DataFrame,
    instrument: Instrument,
    *,
    language: str = "en",
    confidence: float = DEFAULT_CONFIDENCE,
) -> ReportTable:
    """Each dimension's reliability: its statements, respondents, Cronbach's alpha with
    its interval (:func:`cxbench.reliability.cronbach_alpha_by_dimension`) and
    McDonald's omega (:func:`cxbench.reliability.omega_by_dimension`).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> alpha = pd.DataFrame({"dimension": ["measure"], "alpha": [0.818], "ci_low": [0.78],
    ...                       "ci_high": [0.85], "n": [310], "items": [4]})
    >>> omega = pd.DataFrame({"dimension": ["measure"], "omega": [0.819]})
    >>> print(reliability_table(alpha, omega, load_instrument(), language="ru"))
    Надёжность утверждений каждого измерения
    Измерение Утверждений   n α Кронбаха     95 % ДИ ω Макдональда
    Измерение           4 310       0,82 0,78–0,85          0,82
    """
    language = check_language(language)
    frame = alpha.merge(omega[["dimension", "omega"]], on="dimension", how="left")
    out = pd.DataFrame(
        {
            "dimension": frame["dimension"].map(_dimension_names(instrument, language)),
            "items": _numbers(frame["items"], language, 0),
            "n": _numbers(frame["n"], language, 0),
            "alpha": _numbers(frame["alpha"], language, 2),
            "ci": _intervals(frame, language, decimals=2),
            "omega": _numbers(frame["omega"], language, 2),
        }
    )
    columns = {
        "dimension": (translate("col_dimension", language), False),
        "items": (translate("col_items", language), True),
        "n": ("n", True),
        "alpha": (translate("col_alpha", language), True),
        "ci": (_ci_header(confidence, language), True),
        "omega": (translate("col_omega", language), True),
    }
    return _build(out, columns, caption=_caption("reliability", language))


def _fit_cells(fit: Mapping[str, float], language: str) -> dict[str, str]:
    """A model's fit indices as cells: χ² (df), p, CFI, TLI, RMSEA [interval], SRMR."""
    chisq = f"{format_number(fit['chisq'], language, 2)} ({format_number(fit['df'], language, 0)})"
    return {
        "chisq": chisq,
        "p": format_p(fit["pvalue"], language),
        "cfi": format_number(fit["cfi"], language, 3),
        "tli": format_number(fit["tli"], language, 3),
        "rmsea": format_number(fit["rmsea"], language, 3),
        "srmr": format_number(fit["srmr"], language, 3),
    }


def factor_fit_table(structure: FactorStructure, *, language: str = "en") -> ReportTable:
    """The fit of the factor model of all complete cases
    (:func:`cxbench.factors.factor_structure`): n, χ² (df), p, CFI, TLI, RMSEA with its
    90 % interval, SRMR.

    Examples
    --------
    >>> from cxbench.factors import factor_structure
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> result = factor_structure(generate_benchmark(2023), load_instrument())
    >>> print(factor_fit_table(result, language="tr"))
    Faktör modelinin uyumu
    Eksiksiz yanıt (n)  χ² (sd)     p   CFI   TLI RMSEA     %90 GA  SRMR
                   279 58,76 (51) 0,213 0,994 0,993 0,023 0,000–0,047 0,030
    """
    language = check_language(language)
    fit = structure.fit
    cells = _fit_cells(fit, language)
    row = {
        "n": format_number(structure.n, language, 0),
        **cells,
        "ci": format_interval(fit["rmsea_ci_low"], fit["rmsea_ci_high"], language, 3),
    }
    columns = {
        "n": (translate("col_complete_n", language), True),
        "chisq": (translate("col_chisq", language), True),
        "p": ("p", True),
        "cfi": ("CFI", True),
        "tli": ("TLI", True),
        "rmsea": ("RMSEA", True),
        "ci": (_ci_header(0.90, language), True),
        "srmr": ("SRMR", True),
    }
    return _build(pd.DataFrame([row]), columns, caption=_caption("factor_fit", language))


def invariance_table(structure: FactorStructure, *, language: str = "en") -> ReportTable:
    """The measurement-invariance steps of :func:`cxbench.factors.factor_structure`:
    each step's χ² (df), its difference from the step before with p, CFI, RMSEA and
    SRMR with their changes, and whether the step holds by the result's rule.

    Raises
    ------
    ParameterError
        When the result has no invariance steps (no ``by``, or under two groups fitted).

    Examples
    --------
    >>> from cxbench.factors import factor_structure
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> data = generate_benchmark(2023)
    >>> result = factor_structure(data, load_instrument(), by="language")
    >>> print(invariance_table(result).rows[1][:4])
    ('Metric: equal loadings', '178.45 (171)', '16.85 (18)', '0.534')
    """
    language = check_language(language)
    table = structure.invariance
    if table is None:
        raise ParameterError("structure", structure.by, "has no invariance steps to show")

    def with_change(value: float, change: float) -> str:
        text = format_number(value, language, 3)
        return text if pd.isna(change) else f"{text} ({format_signed(change, language, 3)})"

    rows = []
    for step in table.to_dict("records"):
        cells = _fit_cells(step, language)
        first = pd.isna(step["delta_chisq"])
        rows.append(
            {
                "step": translate(f"step_{step['step']}", language),
                "chisq": cells["chisq"],
                "diff": "–"
                if first
                else f"{format_number(step['delta_chisq'], language, 2)} "
                f"({format_number(step['delta_df'], language, 0)})",
                "p": "–" if first else format_p(step["delta_pvalue"], language),
                "cfi": with_change(step["cfi"], step["delta_cfi"]),
                "rmsea": with_change(step["rmsea"], step["delta_rmsea"]),
                "srmr": with_change(step["srmr"], step["delta_srmr"]),
                "holds": translate("verdict_yes" if step["holds"] else "verdict_no", language),
            }
        )
    columns = {
        "step": (translate("col_step", language), False),
        "chisq": (translate("col_chisq", language), True),
        "diff": (translate("col_chisq_diff", language), True),
        "p": ("p", True),
        "cfi": ("CFI", True),
        "rmsea": ("RMSEA", True),
        "srmr": ("SRMR", True),
        "holds": (translate("col_holds", language), False),
    }
    return _build(pd.DataFrame(rows), columns, caption=_caption("invariance", language))


def stage_table(
    overall: pd.DataFrame,
    instrument: Instrument,
    *,
    groups: pd.DataFrame | None = None,
    language: str = "en",
    column: str = "",
) -> ReportTable:
    """How the organisations spread over the maturity stages: the whole benchmark, then
    each group shown (:func:`cxbench.maturity.stage_distribution`, whose anonymity rule
    has already hidden the small groups), with n and each stage's share.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.maturity import maturity_stages, stage_distribution
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst, data = load_instrument(), generate_benchmark(2023)
    >>> stages = maturity_stages(data, inst)
    >>> print(stage_table(stage_distribution(stages, data, inst), inst))  # doctest: +ELLIPSIS
    Organisations by maturity stage
                          n Exploring (%) Emerging (%) Established (%) Advanced (%) Leading (%)
    All participants    310           6.5         13.9            33.9         31.6        14.2
    """
    language = check_language(language)
    frames = [overall] if groups is None else [overall, groups]
    rows = []
    for frame in frames:
        for name, part in frame.groupby("group", sort=False):
            shares = part.set_index("stage")["share"]
            rows.append(
                {
                    "group": group_name(name, language),
                    "n": format_number(int(part["total"].iloc[0]), language, 0),
                    **{
                        stage.id: format_number(shares.get(stage.id), language, 1)
                        for stage in instrument.stages
                    },
                }
            )
    columns = {"group": (column, False), "n": ("n", True)} | {
        s.id: (translate("col_stage_share", language, stage=s.name(language)), True)
        for s in instrument.stages
    }
    return _build(
        pd.DataFrame(rows, columns=list(columns)), columns, caption=_caption("stages", language)
    )


def _ci_header(confidence: float, language: str) -> str:
    return translate("col_ci", language, level=format_number(confidence * 100, language, 0))


def group_table(
    comparison: GroupComparison,
    instrument: Instrument,
    *,
    language: str = "en",
    wide: bool = True,
) -> ReportTable:
    """Groups' scores: one row per group with a column per dimension (``wide``), or
    one row per group and dimension with n and interval.

    Examples
    --------
    >>> from cxbench.comparison import compare_groups
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst = load_instrument()
    >>> result = compare_groups(generate_benchmark(2023, n=80), inst, "sector", min_n=8)
    >>> group_table(result, inst).headers
    ('Sector', 'n', 'Measure', 'Manage', 'Master')
    """
    language = check_language(language)
    names = _dimension_names(instrument, language)
    groups = comparison.groups
    group_header = column_label(comparison.by, language)
    if wide:
        if "item" in groups.columns:
            raise ParameterError("comparison", "item level", "the wide table is for dimensions")
        # pivot, not pivot_table: one value per cell, nothing to aggregate
        means = groups.pivot(index="group", columns="dimension", values="mean")  # noqa: PD010
        sizes = groups.groupby("group", sort=False)["n"].max()
        order = list(pd.unique(groups["group"]))
        dims = [d for d in instrument.dimension_ids if d in means.columns]
        out = pd.DataFrame(
            {"group": order, "n": [format_number(sizes[g], language, 0) for g in order]}
        )
        for dim in dims:
            out[dim] = [format_number(means.loc[g, dim], language, 1) for g in order]
        columns = {"group": (group_header, False), "n": ("n", True)}
        columns |= {dim: (names[dim], True) for dim in dims}
        return _build(out, columns, caption=_caption("groups", language))
    out = pd.DataFrame(
        {
            "group": groups["group"],
            "dimension": groups["dimension"].map(names),
            "n": _numbers(groups["n"], language, 0),
            "mean": _numbers(groups["mean"], language),
            "ci": _intervals(groups, language),
        }
    )
    return _build(
        out,
        {
            "group": (group_header, False),
            "dimension": (translate("col_dimension", language), False),
            "n": ("n", True),
            "mean": (translate("col_score", language), True),
            "ci": (_ci_header(comparison.confidence, language), True),
        },
        caption=_caption("groups", language),
    )


def omnibus_table(
    comparison: GroupComparison, instrument: Instrument, *, language: str = "en"
) -> ReportTable:
    """Welch's ANOVA and Kruskal–Wallis per dimension, with effect sizes and suppression.

    Examples
    --------
    >>> from cxbench.comparison import compare_groups
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst = load_instrument()
    >>> result = compare_groups(generate_benchmark(2023, n=80), inst, "sector", min_n=8)
    >>> len(omnibus_table(result, inst).rows)
    3
    """
    language = check_language(language)
    names = _dimension_names(instrument, language)
    test = comparison.omnibus.merge(comparison.suppressed, on=list(comparison.keys))
    test = test.merge(
        comparison.excluded_missing_group.rename(columns={"n": "n_missing"}),
        on=list(comparison.keys),
    )

    def welch(row: Mapping) -> str:
        if not np.isfinite(row["welch_F"]):
            return "–"
        return (
            f"F({format_number(row['welch_df1'], language, 0)}, "
            f"{format_number(row['welch_df2'], language, 1)}) = "
            f"{format_number(row['welch_F'], language, 2)}"
        )

    def kruskal(row: Mapping) -> str:
        if not np.isfinite(row["kruskal_H"]):
            return "–"
        return (
            f"H({format_number(row['kruskal_df'], language, 0)}) = "
            f"{format_number(row['kruskal_H'], language, 2)}"
        )

    records = [
        {
            "dimension": names.get(row["dimension"], row["dimension"]),
            "groups": format_number(row["groups_x"], language, 0),
            "welch": welch(row),
            "welch_p": format_p(row["welch_p"], language),
            "omega2": format_number(row["omega2"], language, 3),
            "kruskal": kruskal(row),
            "kruskal_p": format_p(row["kruskal_p"], language),
            "epsilon2": format_number(row["epsilon2"], language, 3),
            "suppressed": f"{format_number(row['groups_y'], language, 0)} / "
            f"{format_number(row['n_y'], language, 0)}",
            "missing": format_number(row["n_missing"], language, 0),
        }
        for row in test.to_dict("records")
    ]
    return _build(
        pd.DataFrame.from_records(records),
        {
            "dimension": (translate("col_dimension", language), False),
            "groups": (translate("col_groups", language), True),
            "welch": ("Welch", True),
            "welch_p": ("p", True),
            "omega2": ("ω²", True),
            "kruskal": ("Kruskal–Wallis", True),
            "kruskal_p": ("p", True),
            "epsilon2": ("ε²", True),
            "suppressed": (translate("col_suppressed", language, min_n=comparison.min_n), True),
            "missing": (translate("col_missing_group", language), True),
        },
        caption=_caption("omnibus", language),
    )


def posthoc_table(
    comparison: GroupComparison,
    instrument: Instrument,
    *,
    language: str = "en",
    alpha: float | None = 0.05,
) -> ReportTable:
    """Pairs of groups and their Games–Howell differences, largest first.

    With ``alpha`` only the pairs whose corrected p-value is below it; ``None`` lists
    every pair.

    Examples
    --------
    >>> from cxbench.comparison import compare_groups
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> inst = load_instrument()
    >>> result = compare_groups(generate_benchmark(2023, n=80), inst, "sector", min_n=8)
    >>> len(posthoc_table(result, inst, alpha=None).rows) == len(result.posthoc)
    True
    """
    language = check_language(language)
    names = _dimension_names(instrument, language)
    pairs = comparison.posthoc
    if alpha is not None:
        pairs = pairs[pairs["p_adj"] < alpha]
    rank = {d: i for i, d in enumerate(instrument.dimension_ids)}
    pairs = pairs.assign(_dim=pairs["dimension"].map(rank), _size=-pairs["diff"].abs())
    pairs = pairs.sort_values(["_dim", "_size"], kind="stable")
    out = pd.DataFrame(
        {
            "dimension": pairs["dimension"].map(names),
            "a": pairs["a"],
            "b": pairs["b"],
            "diff": pairs["diff"].map(lambda v: format_signed(v, language)),
            "p_adj": pairs["p_adj"].map(lambda v: format_p(v, language)),
        }
    )
    return _build(
        out,
        {
            "dimension": (translate("col_dimension", language), False),
            "a": (translate("col_group_a", language), False),
            "b": (translate("col_group_b", language), False),
            "diff": (translate("col_difference", language), True),
            "p_adj": _p_adj_header(comparison.correction, language),
        },
        caption=_caption("posthoc", language),
    )


def difference_table(
    frame: pd.DataFrame,
    instrument: Instrument,
    *,
    language: str = "en",
    by: str = "sector",
    confidence: float = DEFAULT_CONFIDENCE,
    correction: str = "holm",
    labels: Sequence[str] = ("col_this_group", "col_rest"),
) -> ReportTable:
    """A table of differences: a group against the rest, or an edition against the last.

    Takes the frame of :func:`cxbench.comparison.group_vs_rest` (``n``, ``mean``,
    ``n_rest``, ``mean_rest``) or of :func:`cxbench.trends.edition_difference`
    (``n_current``, ``mean_current``, ``n_previous``, ``mean_previous``).
    ``by`` names the group column; ``confidence`` and ``correction`` are those the
    frame was made with; ``labels`` are the message keys of the two sides' headers
    (``("col_current", "col_previous")`` for editions).
    """
    language = check_language(language)
    if "mean_rest" in frame.columns:
        first, second = ("n", "mean"), ("n_rest", "mean_rest")
    elif "mean_previous" in frame.columns:
        first, second = ("n_current", "mean_current"), ("n_previous", "mean_previous")
    else:
        raise ParameterError("frame", "columns", "needs group_vs_rest or edition_difference")
    names = _dimension_names(instrument, language)
    # an edition's change and a group against the rest are told apart by their id
    frame_groups = [labels[1].removeprefix("col_"), *dict.fromkeys(frame["group"].astype(str))]
    out = pd.DataFrame(
        {
            "dimension": frame["dimension"].map(names),
            "group": [group_name(g, language) for g in frame["group"].astype(str)],
            "a": _mean_and_n(frame, *first, language),
            "b": _mean_and_n(frame, *second, language),
            "diff": frame["diff"].map(lambda v: format_signed(v, language)),
            "ci": _intervals(frame, language),
            "p_adj": frame["p_adj"].map(lambda v: format_p(v, language)),
        }
    )
    return _build(
        out,
        {
            "dimension": (translate("col_dimension", language), False),
            "group": (column_label(by, language), False),
            "a": (translate(labels[0], language), True),
            "b": (translate(labels[1], language), True),
            "diff": (translate("col_difference", language), True),
            "ci": (_ci_header(confidence, language), True),
            "p_adj": _p_adj_header(correction, language),
        },
        caption=_caption("difference", language, *frame_groups),
    )


def likert_table(
    distribution: pd.DataFrame,
    instrument: Instrument,
    *,
    language: str = "en",
    group: str = "all",
) -> ReportTable:
    """The answers to each statement as shares of the scale points, in percent.

    Takes the frame of :func:`cxbench.scoring.item_distribution`; the figures behind
    :func:`cxbench.charts.plot_likert`.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.scoring import item_distribution
    >>> inst = load_instrument()
    >>> rows = [dict.fromkeys(inst.item_ids, p) for p in (2, 4, 4, 5)]
    >>> table = likert_table(item_distribution(pd.DataFrame(rows), inst, min_n=1), inst)
    >>> table.headers[-3:], table.rows[0][-3:]
    (('Agree', 'Strongly agree', 'n'), ('50.0', '25.0', '4'))
    """
    language = check_language(language)
    part = distribution[distribution["group"].astype(str) == str(group)]
    if part.empty:
        raise ParameterError("group", group, "not in the distribution")
    labels = instrument.scale.point_labels(language)
    shares = part.pivot(index="item", columns="point", values="share")  # noqa: PD010
    counts = part.groupby("item")["count"].sum()
    items = [item for item in instrument.item_ids if item in shares.index]
    out = pd.DataFrame({"statement": [instrument.item(i).label(language) for i in items]})
    points = list(shares.columns)
    for point in points:
        out[f"p{point}"] = [format_number(shares.loc[i, point] * 100, language, 1) for i in items]
    out["n"] = [format_number(counts[i], language, 0) for i in items]
    columns = {"statement": (translate("col_statement", language), False)}
    columns |= {f"p{point}": (labels[k], True) for k, point in enumerate(points)}
    columns["n"] = ("n", True)
    shown = list(dict.fromkeys(instrument.item(i).dimension for i in items))
    who = group_name(group, language)
    if len(shown) == 1:
        name = instrument.dimension(shown[0]).name(language)
        text = translate("likert_dimension_caption", language, dimension=name, group=who)
        likert_caption = Caption.make("table", text, "likert", group, *shown)
    else:
        likert_caption = _caption("likert", language, group, group=who)
    return _build(out, columns, caption=likert_caption)


def trend_table(
    trend: pd.DataFrame, instrument: Instrument, *, language: str = "en"
) -> ReportTable:
    """Scores per edition with their intervals and the tested change (whole benchmark or
    one group), from :func:`cxbench.trends.edition_trend`.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> trend = pd.DataFrame({"edition": [2022, 2023], "dimension": "measure",
    ...     "group": "all", "n": [290, 310], "mean": [67.0, 70.0], "ci_low": [65.4, 68.5],
    ...     "ci_high": [68.6, 71.5], "change": [None, 3.0], "change_ci_low": [None, 0.8],
    ...     "change_ci_high": [None, 5.2], "p_adj": [None, 0.016]})
    >>> print(trend_table(trend, inst))
    Dimension scores by edition
    Dimension Edition   n Score (%)    95 % CI Change (points)  95 % CI p (Holm)
    Measure      2022 290      67.0  65.4–68.6               –        –        –
    Measure      2023 310      70.0  68.5–71.5            +3.0  0.8–5.2    0.016
    """
    language = check_language(language)
    names = _dimension_names(instrument, language)
    frame = trend.sort_values(
        ["dimension", "edition"],
        key=lambda c: (
            c.map({d: i for i, d in enumerate(instrument.dimension_ids)})
            if c.name == "dimension"
            else c
        ),
        kind="stable",
    )
    out = pd.DataFrame(
        {
            "dimension": frame["dimension"].map(names),
            "edition": frame["edition"].astype(str),
            "n": _numbers(frame["n"], language, 0),
            "mean": _numbers(frame["mean"], language),
            "ci": _intervals(frame, language),
            "change": frame["change"].map(lambda v: format_signed(v, language)),
            "change_ci": _intervals(frame, language, "change_ci_low", "change_ci_high"),
            "p_adj": frame["p_adj"].map(lambda v: format_p(v, language)),
        }
    )
    ci = _ci_header(0.95, language)
    return _build(
        out,
        {
            "dimension": (translate("col_dimension", language), False),
            "edition": (translate("col_edition", language), True),
            "n": ("n", True),
            "mean": (translate("col_score", language), True),
            "ci": (ci, True),
            "change": (translate("col_change", language), True),
            "change_ci": (ci, True),
            "p_adj": _p_adj_header("holm", language),
        },
        caption=_caption("trend", language),
    )


def paired_table(
    paired: pd.DataFrame, instrument: Instrument, *, language: str = "en"
) -> ReportTable:
    """The returning organisations' paired change (:func:`cxbench.trends.paired_change`)."""
    frame = paired.rename(columns={"n_pairs": "n_current"}).assign(
        group="all", n_previous=paired["n_pairs"]
    )
    return difference_table(
        frame, instrument, language=language, labels=("col_current", "col_previous")
    )


def nps_table(table: pd.DataFrame, *, language: str = "en", by: str | None = None) -> ReportTable:
    """NPS per group (:func:`cxbench.metrics.nps`) with promoters, detractors and CI.

    Examples
    --------
    >>> frame = pd.DataFrame({"group": ["all"], "n": [310], "promoters": [24.2],
    ...     "detractors": [35.2], "nps": [-11.0], "ci_low": [-19.5], "ci_high": [-2.5]})
    >>> print(nps_table(frame, language="tr"))
    Net Tavsiye Skoru (NPS)
    Grup               n Destekçiler (%) Kötüleyenler (%)   NPS         %95 GA
    Tüm katılımcılar 310            24,2             35,2 −11,0 −19,5 – −2,5
    """
    language = check_language(language)
    out = pd.DataFrame(
        {
            "group": [group_name(g, language) for g in table["group"]],
            "n": _numbers(table["n"], language, 0),
            "promoters": _numbers(table["promoters"], language),
            "detractors": _numbers(table["detractors"], language),
            "nps": table["nps"].map(lambda v: format_minus(v, language, 1)),
            "ci": _intervals(table, language),
        }
    )
    group_header = column_label(by, language) if by else translate("col_group_plain", language)
    return _build(
        out,
        {
            "group": (group_header, False),
            "n": ("n", True),
            "promoters": (translate("col_promoters", language), True),
            "detractors": (translate("col_detractors", language), True),
            "nps": (translate("col_nps", language), True),
            "ci": (_ci_header(0.95, language), True),
        },
        caption=_caption("nps", language),
    )


def correlation_table(
    table: pd.DataFrame, instrument: Instrument, *, language: str = "en"
) -> ReportTable:
    """A metric's correlation with each dimension (:func:`cxbench.metrics.metric_correlations`).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> frame = pd.DataFrame({"dimension": ["measure"], "n": [310], "r": [0.415],
    ...                       "ci_low": [0.318], "ci_high": [0.503], "p": [1e-14]})
    >>> print(correlation_table(frame, load_instrument(), language="ru"))
    Корреляция показателя с каждым измерением
    Измерение   n ρ Спирмена   95 % ДИ       p
    Измерение 310       0,42 0,32–0,50 < 0,001
    """
    language = check_language(language)
    names = _dimension_names(instrument, language)
    out = pd.DataFrame(
        {
            "dimension": table["dimension"].map(names),
            "n": _numbers(table["n"], language, 0),
            "r": table["r"].map(lambda v: format_minus(v, language, 2)),
            "ci": _intervals(table, language, decimals=2),
            "p": table["p"].map(lambda v: format_p(v, language)),
        }
    )
    return _build(
        out,
        {
            "dimension": (translate("col_dimension", language), False),
            "n": ("n", True),
            "r": (translate("col_correlation", language), True),
            "ci": (_ci_header(0.95, language), True),
            "p": ("p", True),
        },
        caption=_caption("correlation", language),
    )


def reference_name(card: Scorecard, language: str = "en") -> str:
    """What a scorecard compares with: the sector's name or "All participants".

    Examples
    --------
    >>> card = Scorecard("r1", "Energy", "benchmark", 310, 5, pd.DataFrame(), pd.DataFrame(),
    ...                  pd.DataFrame())
    >>> reference_name(card, "tr")
    'Tüm katılımcılar'
    """
    if card.reference == "sector" and card.group is not None:
        return card.group
    return translate("benchmark_all", check_language(language))


def scorecard_dimension_table(
    card: Scorecard, instrument: Instrument, *, language: str = "en"
) -> ReportTable:
    """A participant's dimension scores, ranks and gaps (:func:`participant_scorecard`).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.scorecard import participant_scorecard
    >>> from cxbench.synthetic import generate_benchmark
    >>> data = generate_benchmark(2023, n=200)
    >>> card = participant_scorecard(data, load_instrument(), data.respondent_id.iloc[0])
    >>> scorecard_dimension_table(card, load_instrument()).headers[:3]
    ('Dimension', 'You (%)', 'Insurance (%)')
    """
    language = check_language(language)
    names = _dimension_names(instrument, language)
    frame = card.dimensions
    number = format_number
    out = pd.DataFrame(
        {
            "dimension": frame["dimension"].map(names),
            "score": frame["score"].map(lambda v: number(v, language, 1)),
            "reference": frame["reference_mean"].map(lambda v: number(v, language, 1)),
            "benchmark": frame["benchmark_mean"].map(lambda v: number(v, language, 1)),
            "pct_sector": frame["percentile_sector"].map(lambda v: number(v, language, 0)),
            "pct_overall": frame["percentile_overall"].map(lambda v: number(v, language, 0)),
            "gap": frame["gap_reference"].map(lambda v: format_signed(v, language)),
            "gap_q3": frame["gap_top_quartile"].map(lambda v: format_signed(v, language)),
        }
    )
    columns = {
        "dimension": (translate("col_dimension", language), False),
        "score": (translate("col_your_score", language), True),
        "reference": (
            translate("col_reference_mean", language, reference=reference_name(card, language)),
            True,
        ),
        "benchmark": (translate("col_benchmark_mean", language), True),
        "pct_sector": (translate("col_percentile_sector", language), True),
        "pct_overall": (translate("col_percentile_overall", language), True),
        "gap": (translate("col_gap", language), True),
        "gap_q3": (translate("col_gap_top_quartile", language), True),
    }
    if card.reference != "sector":
        del columns["benchmark"], columns["pct_sector"]
    return _build(out, columns, caption=_caption("scorecard_dimensions", language))


def scorecard_item_table(
    card: Scorecard,
    instrument: Instrument,
    *,
    language: str = "en",
    dimension: str | None = None,
    priorities: bool = False,
) -> ReportTable:
    """A participant's statement scores beside its reference (one dimension, all, or
    with ``priorities`` its improvement priorities)."""
    language = check_language(language)
    frame = card.priorities if priorities else card.items
    if priorities:
        item_caption = _caption("scorecard_priorities", language)
    elif dimension is not None:
        name = instrument.dimension(dimension).name(language)
        item_caption = _caption("scorecard_items", language, dimension, dimension=name)
    else:
        item_caption = _caption("scorecard_all_items", language)
    if dimension is not None:
        frame = frame[frame["dimension"] == dimension]
    out = pd.DataFrame(
        {
            "statement": [instrument.item(i).label(language) for i in frame["item"]],
            "score": _numbers(frame["score"], language),
            "reference": _numbers(frame["reference_mean"], language),
            "gap": frame["gap"].map(lambda v: format_signed(v, language)),
        }
    )
    return _build(
        out,
        {
            "statement": (translate("col_statement", language), False),
            "score": (translate("col_your_score", language), True),
            "reference": (
                translate("col_reference_mean", language, reference=reference_name(card, language)),
                True,
            ),
            "gap": (translate("col_gap", language), True),
        },
        caption=item_caption,
    )


def stage_ladder_table(
    instrument: Instrument, *, language: str = "en", current: str | None = None
) -> ReportTable:
    """The instrument's maturity stages, lowest first, with the least score each needs.

    A column for the overall score (the mean of the dimension scores) and one per
    dimension, each where some stage sets a minimum on it; ``–`` where a stage sets
    none. With ``current`` (a stage id: a scorecard's ``stage``), a last column marks
    that stage.

    Raises
    ------
    ParameterError
        When the instrument declares no stages, or ``current`` is not one of them.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> print(stage_ladder_table(load_instrument(), language="tr", current="advanced"))
    Her aşamanın gerektirdiği en düşük puan (%); “–” asgari puan belirlenmediğini gösterir.
    Aşama     Genel Ölçme Yönetme Ustalaşma Aşamanız
    Keşif         –     –       –         –
    Başlangıç    50     –       –         –
    Yerleşik     60     –       –         –
    İleri        70    60      60        60 ●
    Öncü         80    75      75        75
    """
    language = check_language(language)
    if not instrument.stages:
        raise ParameterError("instrument", instrument.id, "declares no maturity stages")
    ids = [stage.id for stage in instrument.stages]
    if current is not None and current not in ids:
        raise ParameterError("current", current, f"not a stage of {instrument.id}")
    used = {key for stage in instrument.stages for key in stage.minimum}
    keys = [key for key in ("overall", *instrument.dimension_ids) if key in used]
    names = {"overall": translate("col_stage_overall", language)}
    names |= _dimension_names(instrument, language)

    def least(value: float | None) -> str:
        # thresholds are mostly whole percentages: "70", not "70.0"
        if value is None:
            return "–"
        return format_number(value, language, 0 if float(value).is_integer() else 1)

    rows = [
        {"stage": stage.name(language)}
        | {f"min_{key}": least(stage.minimum.get(key)) for key in keys}
        | {"current": "●" if stage.id == current else ""}
        for stage in instrument.stages
    ]
    columns = {"stage": (translate("col_stage_name", language), False)}
    columns |= {f"min_{key}": (names[key], True) for key in keys}
    if current is not None:
        columns["current"] = (translate("col_stage_yours", language), False)
    caption = Caption.make(
        "table", translate("scorecard_stage_ladder_caption", language), "stage-ladder"
    )
    return _build(pd.DataFrame(rows), columns, caption)
