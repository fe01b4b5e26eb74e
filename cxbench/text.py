"""Plain text for the terminal: a comparison, a column mapping, an error as JSON.

What the command line prints, kept apart from the parsing (:mod:`cxbench.cli`) so that
it can be used and tested on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .columns import ColumnMap, ColumnsError
from .errors import (
    CommentaryError,
    CxbenchError,
    InstrumentError,
    ModelError,
    ParameterError,
    UnusableFileError,
)

if TYPE_CHECKING:  # the statistics behind them are not needed to print them
    from .comparison import GroupComparison
    from .factors import FactorStructure

__all__ = ["comparison_text", "error_record", "mapping_text", "p_text", "structure_text"]


def p_text(p: float) -> str:
    """A p-value as the terminal shows it.

    Examples
    --------
    >>> p_text(0.0004), p_text(0.0312), p_text(float("nan"))
    ('p < 0.001', 'p = 0.031', 'p = –')
    """
    if pd.isna(p):
        return "p = –"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def comparison_text(result: GroupComparison, source: str) -> str:
    """The human-readable form of a comparison: one block per dimension or statement
    (what ``cxbench compare`` prints).

    Examples
    --------
    >>> from cxbench.comparison import compare_groups
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> result = compare_groups(generate_benchmark(2023, n=80), load_instrument(), "sector",
    ...                         min_n=8, n_resamples=99)
    >>> print(comparison_text(result, "s.csv").splitlines()[0])  # doctest: +ELLIPSIS
    sector comparison of s.csv: sum_max scores, 95% BCa bootstrap CIs; groups under 8 ...
    """
    keys = list(result.keys)
    lines = [
        f"{result.by} comparison of {source}: {result.method} scores, "
        f"{result.confidence:.0%} BCa bootstrap CIs; "
        + (
            "anonymity off (min_n=1); "
            if result.min_n == 1
            else f"groups under {result.min_n} suppressed; "
        )
        + f"Games-Howell pairs, {result.correction} across all {result.level}s",
    ]
    for record in result.to_records():
        ident = {key: record[key] for key in keys}
        title = " / ".join(str(v) for v in ident.values())
        welch, kruskal = record["welch"], record["kruskal"]
        lines += ["", title]
        if welch["F"] is not None:
            lines.append(
                f"  Welch F({welch['df1']:.0f}, {welch['df2']:.1f}) = {welch['F']:.2f}, "
                f"{p_text(welch['p'])}, omega2 = {record['effect_size']['value']:.3f}"
            )
        if kruskal["H"] is not None:
            lines.append(
                f"  Kruskal-Wallis H({kruskal['df']:.0f}) = {kruskal['H']:.2f}, "
                f"{p_text(kruskal['p'])}, epsilon2 = {kruskal['epsilon2']:.3f}"
            )
        overall = result.overall
        mask = np.logical_and.reduce([overall[k] == v for k, v in ident.items()])
        rows = [*record["groups"], *overall.loc[mask].to_dict("records")]
        table = pd.DataFrame(rows, columns=["group", "n", "mean", "sd", "ci_low", "ci_high"])
        text = table.to_string(index=False, float_format=lambda v: f"{v:.1f}")
        # an empty frame would print pandas' "Empty DataFrame" repr
        lines += ["  " + line for line in text.splitlines()] if rows else ["  no group shown"]
        suppressed = record["suppressed"]
        lines.append(
            f"  suppressed (under {result.min_n}, or hidden with one): "
            f"{suppressed['groups']} groups, "
            f"{suppressed['n']} respondents; no {result.by} value: "
            f"{record['excluded_missing_group']} respondents"
        )
        pairs = record["posthoc"]
        significant = [p for p in pairs if p["p_adj"] is not None and p["p_adj"] < 0.05]
        lines.append(f"  pairs differing at p_adj < 0.05: {len(significant)} of {len(pairs)}")
        for pair in sorted(significant, key=lambda p: -abs(p["diff"])):
            lines.append(
                f"    {pair['a']} - {pair['b']}: {pair['diff']:+.1f} points, "
                f"{p_text(pair['p_adj']).replace('p', 'p_adj', 1)}"
            )
    return "\n".join(lines)


def structure_text(result: FactorStructure, source: str) -> str:
    """What ``cxbench structure`` prints: the CFA's fit and loadings and, with a
    grouping column, the invariance steps with their verdicts.

    Examples
    --------
    >>> from cxbench.factors import factor_structure
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> result = factor_structure(generate_benchmark(2023), load_instrument())
    >>> print(structure_text(result, "s.csv").splitlines()[2])  # doctest: +ELLIPSIS
    fit: chi2(51) = 58.76, p = 0.213; CFI 0.994, TLI 0.993, RMSEA 0.023 [90% CI 0.000, ...
    """
    fit = result.fit
    dims = result.loadings["dimension"].nunique()
    lines = [
        f"factor structure of {source}: {dims} dimensions, {len(result.loadings)} items; "
        f"{result.n} complete cases ({result.incomplete} with a missing answer left out); "
        f"maximum likelihood ({result.engine})",
        "",
        f"fit: chi2({fit['df']}) = {fit['chisq']:.2f}, {p_text(fit['pvalue'])}; "
        f"CFI {fit['cfi']:.3f}, TLI {fit['tli']:.3f}, RMSEA {fit['rmsea']:.3f} "
        f"[90% CI {fit['rmsea_ci_low']:.3f}, {fit['rmsea_ci_high']:.3f}], SRMR {fit['srmr']:.3f}",
        f"  {'acceptable' if result.acceptable else 'not acceptable'} by {result.rule.source}: "
        f"CFI >= {result.rule.min_cfi:.2f} and RMSEA <= {result.rule.max_rmsea:.2f}",
        "",
        result.loadings.to_string(index=False, float_format=lambda v: f"{v:.3f}"),
        "",
        "correlations of the dimensions:",
        result.correlations.to_string(index=False, float_format=lambda v: f"{v:.3f}"),
    ]
    if result.by is not None:
        groups = ", ".join(f"{g.group} (n={g.n})" for g in result.groups.itertuples())
        lines += ["", f"measurement invariance across {result.by}: {groups or 'no group fitted'}"]
        if result.invariance is not None:
            table = result.invariance.drop(columns=["pvalue", "tli", "converged"]).rename(
                columns=lambda c: c.replace("delta_", "d_")
            )
            table["d_df"] = table["d_df"].astype(object).where(table["d_df"].notna(), "")
            text = table.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="")
            lines += ["  " + line for line in text.splitlines()]
            highest = result.highest_step()
            lines.append(
                f"  holds up to: {highest or 'none (the configural model does not fit)'}; "
                f"rule: {result.rule.describe()}"
            )
        counts = result.suppressed
        if result.min_n == 1:
            lines.append("  anonymity off (min_n=1): every group is fitted, however small")
        else:
            lines.append(
                f"  not fitted for anonymity (under {result.min_n} complete cases, or hidden "
                f"with one): {counts['groups']} groups, {counts['n']} respondents; no "
                f"{result.by} value: {counts['missing']} respondents"
            )
    if result.notes:
        lines += ["", "notes:", *(f"  - {note}" for note in result.notes)]
    return "\n".join(lines)


def mapping_text(found: ColumnMap, layout: str, rows: int) -> str:
    """What ``cxbench map`` prints: the id column, each item's column and how it was
    found (or the closest columns of a missing one), and the columns left over.

    Examples
    --------
    >>> from cxbench.columns import ColumnMatch
    >>> m = ColumnMap("s.csv", "qualtrics", (ColumnMatch("measure_1", "Q1_1", "text-en"),),
    ...               ("measure_2",), {"measure_2": ("Q1_2",)}, "ResponseId", "x", ())
    >>> print(mapping_text(m, "qualtrics", 3))  # doctest: +NORMALIZE_WHITESPACE
    s.csv: layout qualtrics; 3 rows
    id column: 'ResponseId' (x)
    <BLANKLINE>
    item       column     how      matched
    measure_1  Q1_1       text-en
    measure_2  (missing)           closest: 'Q1_2'
    <BLANKLINE>
    columns left over (0): -
    """
    ident = f"{found.id_column!r} ({found.id_source})" if found.id_column else found.id_source
    lines = [f"{found.path}: layout {layout}; {rows} rows", f"id column: {ident}", ""]
    rows = [(m.item, m.column, m.how, _short(m.text)) for m in found.matches]
    for item in found.missing:
        close = found.suggestions.get(item, ())
        rows.append(
            (item, "(missing)", "", "closest: " + ", ".join(map(repr, close)) if close else "")
        )
    widths = [max(len(str(r[i])) for r in [("item", "column", "how", ""), *rows]) for i in range(3)]
    for record in [("item", "column", "how", "matched"), *rows]:
        cells = [str(c).ljust(w) for c, w in zip(record[:3], widths, strict=True)]
        lines.append("  ".join([*cells, record[3]]).rstrip())
    left = ", ".join(found.leftover[:30]) + (" …" if len(found.leftover) > 30 else "")
    lines += ["", f"columns left over ({len(found.leftover)}): {left or '-'}"]
    return "\n".join(lines)


def _short(text: str | None, width: int = 70) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def error_record(exc: CxbenchError) -> dict:
    """An error as the JSON that ``--format json`` prints on exit 2.

    ``error`` is the message, ``file`` the file concerned, ``kind`` one of
    ``columns``, ``unusable_file``, ``commentary``, ``instrument``, ``parameter``,
    ``model``; ``row``, ``column``, ``value``, ``missing`` and ``conflicts`` where known.

    Examples
    --------
    >>> from cxbench.errors import UnusableFileError
    >>> error_record(UnusableFileError("s.csv", "the file is empty"))
    {'error': 's.csv: the file is empty', 'file': 's.csv', 'kind': 'unusable_file'}
    """
    kinds = [
        (ColumnsError, "columns"),
        (UnusableFileError, "unusable_file"),
        (CommentaryError, "commentary"),
        (InstrumentError, "instrument"),
        (ParameterError, "parameter"),
        (ModelError, "model"),
    ]
    kind = next((name for cls, name in kinds if isinstance(exc, cls)), "error")
    record = {
        "error": str(exc),
        "file": getattr(exc, "path", None) or getattr(exc, "source", None),
        "kind": kind,
    }
    for key in ("row", "column", "value"):
        if getattr(exc, key, None) is not None:
            record[key] = getattr(exc, key)
    if isinstance(exc, ParameterError):
        record["parameter"] = exc.name
    if isinstance(exc, ColumnsError):
        if exc.missing:
            record["missing"] = [{"item": k, "closest": list(v)} for k, v in exc.missing.items()]
        if exc.conflicts:
            record["conflicts"] = list(exc.conflicts)
    return record
