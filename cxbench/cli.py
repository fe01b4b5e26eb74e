"""The ``cxbench`` command line: a thin layer over the Python API.

Every error a user can cause becomes one line on standard error and exit code 2;
``validate`` exits 1 when rows were rejected. See ``cxbench COMMAND --help``.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from ._checks import (
    CASES_PER_ITEM,
    CORRECTIONS,
    DEFAULT_CONFIDENCE,
    DEFAULT_MAHALANOBIS_ALPHA,
    DEFAULT_MIN_N,
    DEFAULT_SPEED_FRACTION,
    ID_COLUMN,
    INVARIANCE_RULE_NAMES,
    METHODS,
)
from .errors import CxbenchError, ParameterError
from .i18n import LANGUAGES
from .instrument import DEFAULT_INSTRUMENT, available_instruments, load_instrument
from .layouts import LAYOUTS

if TYPE_CHECKING:
    import pandas as pd

    from .instrument import Instrument
    from .validation import ValidationReport

# Only what the parser needs is imported above: each command imports what it uses, so
# that `cxbench --version`, `--help` and `validate` never load the statistics and
# plotting libraries: a command starts in well under a second.

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_REJECTED, EXIT_ERROR = 0, 1, 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _add_input(parser: argparse.ArgumentParser, *, rejects: bool = True) -> None:
    parser.add_argument(
        "input",
        help="survey file: CSV (any delimiter), XLSX, Parquet or SPSS .sav, in cxbench's "
        "layout or as Qualtrics, SurveyMonkey, Google Forms, LimeSurvey or Typeform export it",
    )
    _add_instrument(parser)
    _add_columns(parser)
    if not rejects:
        return
    parser.add_argument(
        "--rejects",
        metavar="PATH",
        help="where rejected rows go (default: beside the input, e.g. "
        "survey.rejects.csv or survey.xlsx.rejects.csv)",
    )


def _add_min_n(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-n",
        type=_positive_int,
        default=DEFAULT_MIN_N,
        metavar="N",
        help="anonymity: a group with fewer respondents, or hidden with one so that its "
        "figures cannot be worked out, is never named (default: %(default)s; 1 switches "
        "anonymity off, and the output says so)",
    )


def _add_columns(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--id-column",
        default=ID_COLUMN,
        metavar="C",
        help="respondent id column (default: %(default)s, else the instrument's id_columns, "
        "else the platform's response id, e.g. Qualtrics' ResponseId)",
    )
    parser.add_argument(
        "--columns",
        metavar="MAP.yaml",
        help="mapping file: id column, item id -> column, answer code -> point (see cxbench "
        "map --write); default: <input stem>.columns.yaml beside the input, if any",
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="the export's layout, instead of recognising it from the file",
    )
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help="the text encoding of a delimited input (e.g. utf-8, cp1252, cp1254, cp1251), "
        "instead of recognising it",
    )


def _add_instrument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instrument",
        default=DEFAULT_INSTRUMENT,
        metavar="NAME|PATH",
        help=f"bundled instrument ({', '.join(available_instruments())}) or a YAML file "
        "(default: %(default)s)",
    )


def _add_min_answered(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-answered",
        type=_positive_int,
        metavar="K",
        help="items of a dimension a respondent must answer to get a score "
        "(default: ceil(75%% of the items), 3 of 4)",
    )


def _add_weights(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--weights",
        metavar="POP.yaml",
        help="weight the respondents to the population in this file (rake or poststratify): "
        "scores with design-based SE, CI, deff and effective n",
    )
    parser.add_argument(
        "--reject-unweightable",
        action="store_true",
        help="with --weights: set aside the rows the population file cannot weight (a "
        "missing or unknown value), written with their reason to <input>.weights-rejects.csv",
    )


def _add_exclude_flagged(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exclude-flagged",
        action="store_true",
        help="leave out the respondents `cxbench screen` flags with its default rules "
        "(longstring, irv, Mahalanobis), written with the reason to <input>.flagged.csv "
        "(report: <out>/<edition>/tables/flagged.csv)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cxbench`` command."""
    parser = argparse.ArgumentParser(
        prog="cxbench",
        description="Digital CX management benchmark: validate, score and report survey data.",
    )
    parser.add_argument("--version", action="version", version=f"cxbench {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check a survey file and write rejected rows aside",
        description="Check every row against the instrument. Exit 0: all rows accepted; "
        "1: rows rejected (written to the rejects file); 2: the file cannot be used.",
    )
    _add_input(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text")

    score = commands.add_parser(
        "score",
        help="dimension or statement scores, overall or by group",
        description="Score validated answers. sum_max (default, the published method): "
        "points given / maximum possible points x 100; pomp: (mean - min) / (max - min) x 100.",
    )
    _add_input(score)
    score.add_argument("--by", metavar="COLUMN", help="group by this column (e.g. sector)")
    score.add_argument("--level", choices=("dimension", "item"), default="dimension")
    score.add_argument("--method", choices=METHODS, default="sum_max")
    _add_min_answered(score)
    _add_min_n(score)
    score.add_argument("--format", choices=("table", "csv", "json"), default="table")
    score.add_argument(
        "--stream",
        action="store_true",
        help="Parquet input too large for memory: read and score it in batches "
        "(dimension level; rows with an answer off the scale are set aside)",
    )
    score.add_argument(
        "--batch-size", type=_positive_int, default=1_000_000, metavar="N", help="with --stream"
    )
    score.add_argument(
        "--respondents-out",
        metavar="PATH",
        help="with --stream: also write every respondent's scores (Parquet)",
    )
    _add_exclude_flagged(score)
    _add_weights(score)

    compare = commands.add_parser(
        "compare",
        help="compare groups (e.g. sectors): CIs, Welch/Kruskal tests, Games-Howell pairs",
        description="Per dimension (or statement): each group's n, mean, sd and seeded BCa "
        "bootstrap CI; Welch's ANOVA with omega squared and Kruskal-Wallis with epsilon "
        "squared; Games-Howell pairs with p-values corrected across all dimensions together. "
        "Groups with fewer than --min-n scored respondents are never named: they are "
        "counted in a suppressed line. Rows without a group value are left out and counted.",
    )
    _add_input(compare)
    compare.add_argument("--by", required=True, metavar="COLUMN", help="grouping column")
    _add_min_n(compare)
    _add_min_answered(compare)
    compare.add_argument("--level", choices=("dimension", "item"), default="dimension")
    compare.add_argument("--method", choices=METHODS, default="sum_max")
    compare.add_argument("--confidence", type=float, default=DEFAULT_CONFIDENCE)
    compare.add_argument(
        "--correction",
        choices=CORRECTIONS,
        default="holm",
        help="post-hoc p-value correction across dimensions (default: %(default)s)",
    )
    compare.add_argument(
        "--seed", type=int, default=2023, help="bootstrap seed (default: %(default)s)"
    )
    compare.add_argument("--format", choices=("table", "json"), default="table")
    _add_exclude_flagged(compare)
    _add_weights(compare)

    metrics = commands.add_parser(
        "metrics",
        help="NPS, CSAT and CES with confidence intervals, overall or by group",
        description="NPS from a 0-10 column (% promoters 9-10 minus % detractors 0-6, CI from "
        "the variance of their difference); CSAT: share of the top two answers of a 1-5 "
        "column (Wilson CI); CES: mean of a 1-7 column (t CI). Missing answers are left out "
        "and counted; a value off the scale is an error naming its row.",
    )
    metrics.add_argument("input", help="survey file (any format cxbench reads)")
    metrics.add_argument("--nps", metavar="COLUMN", help="0-10 likelihood to recommend")
    metrics.add_argument("--csat", metavar="COLUMN", help="1-5 satisfaction")
    metrics.add_argument("--ces", metavar="COLUMN", help="1-7 customer effort")
    metrics.add_argument("--by", metavar="COLUMN", help="group by this column")
    _add_min_n(metrics)
    metrics.add_argument("--confidence", type=float, default=DEFAULT_CONFIDENCE)
    metrics.add_argument("--format", choices=("table", "json"), default="table")
    _add_weights(metrics)

    trend = commands.add_parser(
        "trend",
        help="scores across editions, each change tested; the returning panel paired",
        description="Every benchmark_<edition> file in --data: each edition's scores with "
        "bootstrap CIs, the change from the edition before (Welch's t-test, Holm over all "
        "rows), and for organisations in both of the last two editions the paired change "
        "(paired t-test). Groups under --min-n are suppressed.",
    )
    trend.add_argument("--data", default="data", help="folder of edition files")
    trend.add_argument("--by", metavar="COLUMN", help="per group, e.g. sector")
    trend.add_argument("--level", choices=("dimension", "item"), default="dimension")
    _add_min_n(trend)
    trend.add_argument("--id-column", default="respondent_id", metavar="C")
    _add_min_answered(trend)
    _add_instrument(trend)
    trend.add_argument("--format", choices=("table", "json"), default="table")

    reliability = commands.add_parser(
        "reliability",
        help="Cronbach's alpha per dimension and item analysis",
        description="Cronbach's alpha per dimension with its confidence interval (pingouin; "
        "missing answers pairwise, as R's psych::alpha), item-rest correlations and "
        "alpha if the item is deleted.",
    )
    _add_input(reliability)
    reliability.add_argument("--confidence", type=float, default=DEFAULT_CONFIDENCE)
    reliability.add_argument("--format", choices=("table", "csv", "json"), default="table")

    structure = commands.add_parser(
        "structure",
        help="factor structure (CFA) of the dimensions; measurement invariance across groups",
        description="A confirmatory factor analysis of the instrument: each item on its "
        "dimension, the dimensions correlated, maximum likelihood on the complete cases "
        "(reverse-keyed items flipped): chi-square, CFI, TLI, RMSEA with its 90%% CI, SRMR "
        "(lavaan's definitions), loadings. With --by: the configural, metric (equal loadings) "
        "and scalar (equal loadings and intercepts) models across the groups, each tested "
        "against the one before (chi-square difference) and judged by --rule. Groups under "
        "--min-n complete cases (or hidden with one) are not fitted and never named; groups "
        "under --min-cases are left out and named. A model that cannot be fitted is one line "
        "saying why, exit code 2.",
    )
    _add_input(structure)
    structure.add_argument(
        "--by", metavar="COLUMN", help="test invariance across this column (e.g. language)"
    )
    _add_min_n(structure)
    structure.add_argument(
        "--min-cases",
        type=_positive_int,
        metavar="N",
        help=f"complete cases a group needs to be fitted (default: {CASES_PER_ITEM} per item)",
    )
    structure.add_argument(
        "--rule",
        choices=INVARIANCE_RULE_NAMES,
        default="chen2007",
        help="the rule judging each step (default: %(default)s)",
    )
    structure.add_argument("--format", choices=("table", "json"), default="table")
    _add_exclude_flagged(structure)

    staging = commands.add_parser(
        "stages",
        help="maturity stages: how the organisations spread over the instrument's stages",
        description="Each organisation's maturity stage by the instrument's declared stages "
        "(the highest whose minimum scores it meets, overall and per dimension), counted "
        "overall and, with --by, per group; groups under --min-n (or hidden with one) are "
        "never named. --out writes every organisation's stage and what it would take to "
        "reach the next (the dimension, or overall, furthest short and by how many points).",
    )
    _add_input(staging)
    staging.add_argument("--by", metavar="COLUMN", help="also per group of this column")
    _add_min_n(staging)
    _add_min_answered(staging)
    staging.add_argument("--method", choices=METHODS, default="sum_max")
    staging.add_argument("--format", choices=("table", "csv", "json"), default="table")
    staging.add_argument(
        "--out",
        metavar="PATH",
        help="write every organisation's stage, next stage, the dimension furthest short and "
        "by how many points (CSV)",
    )
    _add_exclude_flagged(staging)

    screening = commands.add_parser(
        "screen",
        help="flag careless responses: long strings, no variability, outliers, speeding",
        description="Per respondent, on the answers as given (before reverse keying), in "
        "the instrument's item order: longstring (longest run of identical consecutive "
        "answers; a missing answer ends a run), irv (standard deviation of the answers), "
        "Mahalanobis D² of a complete row with its chi-square p-value (df = items), and "
        "with --duration-column, speeding (below --speed-fraction of the median). Flags "
        "only: nothing is removed, and flagged respondents do not change the exit code.",
    )
    _add_input(screening)
    screening.add_argument(
        "--duration-column", metavar="C", help="seconds each respondent took (speeding)"
    )
    screening.add_argument(
        "--longstring-max",
        type=_positive_int,
        metavar="N",
        help="flag a run of N identical answers or more (default: more than half the "
        "items, e.g. 7 of 12; Johnson 2005, Curran 2016)",
    )
    screening.add_argument(
        "--irv-min",
        type=float,
        metavar="X",
        help="flag a standard deviation of the answers of X or less (default: 0, the same "
        "answer throughout)",
    )
    screening.add_argument(
        "--mahalanobis-alpha",
        type=float,
        default=DEFAULT_MAHALANOBIS_ALPHA,
        metavar="A",
        help="flag a D² with a chi-square p-value below A (default: %(default)s)",
    )
    screening.add_argument(
        "--no-mahalanobis",
        action="store_true",
        help="no Mahalanobis D² (e.g. fewer complete rows than items)",
    )
    screening.add_argument(
        "--speed-fraction",
        type=float,
        default=DEFAULT_SPEED_FRACTION,
        metavar="F",
        help="flag a duration below F x the median duration (default: 1/3)",
    )
    screening.add_argument("--format", choices=("table", "csv", "json"), default="table")
    screening.add_argument(
        "--out",
        metavar="FILE",
        help="write the result here instead of printing it (CSV; JSON with --format json)",
    )

    report = commands.add_parser(
        "report",
        help="the main job: an edition's tables and its full report set",
        description="For an edition in --data: validate and score it and write its tables "
        "(<out>/<edition>/tables/), then run the report notebooks with papermill, in "
        "parallel: the benchmark report with expert commentary and one report per sector, "
        "in every language, exported to self-contained HTML (and PDF with --pdf), with "
        "index.html and manifest.json. Exit 1 if a report failed or rows were rejected.",
    )
    report.add_argument(
        "--data", default="data", help="folder of edition files (default: %(default)s)"
    )
    report.add_argument("--edition", type=int, help="edition (year); default: the latest")
    report.add_argument(
        "--languages",
        help="comma-separated report languages (default: every language of the instrument "
        f"that cxbench reports in: {', '.join(LANGUAGES)})",
    )
    report.add_argument(
        "--sectors",
        default="all",
        help="'all' (every sector with at least --min-n respondents) or a comma-separated "
        "list of sectors",
    )
    report.add_argument("--out", default="reports", help="reports folder (default: %(default)s)")
    report.add_argument(
        "--jobs", type=_positive_int, help="reports made at once (default: number of cores)"
    )
    report.add_argument(
        "--pdf",
        action="store_true",
        help="also write a printed report as PDF (WeasyPrint): cover, contents, running "
        "header and page numbers, numbered figures and tables",
    )
    report.add_argument(
        "--pptx",
        action="store_true",
        help="also write a slide deck per report (python-pptx): a title slide and a slide "
        "per chart, titled by its finding",
    )
    report.add_argument(
        "--paper",
        choices=["a4", "letter"],
        default="a4",
        help="the PDF's paper size (default: %(default)s)",
    )
    report.add_argument(
        "--theme",
        metavar="FILE",
        help="the research team's theme (logo, colours, font, organisation) for the pages, "
        "PDFs and decks (default: <data>/theme.yaml when there is one)",
    )
    report.add_argument(
        "--force",
        action="store_true",
        help="make every report again; by default a report whose inputs (data, "
        "commentary in its language, instrument, labels, notebook, parameters, cxbench "
        "and its libraries) have not changed since it was made, and whose files are "
        "intact, is kept",
    )
    report.add_argument(
        "--no-kernel-reuse",
        action="store_true",
        help="start a new kernel for every report instead of one per worker, reused "
        "(slower; for checking that reports do not depend on each other)",
    )
    report.add_argument(
        "--commentary",
        help="commentary folder holding <edition>/ (default: <data>/commentary); an edition "
        "without commentary gets reports without expert answers",
    )
    report.add_argument(
        "--notebooks",
        metavar="DIR",
        help="folder with your own versions of the report notebooks (default: the ones "
        "installed with cxbench)",
    )
    report.add_argument(
        "--labels",
        metavar="FILE",
        help="the groups' names per language (column -> value -> language -> name; "
        "default: <data>/labels.yaml when there is one)",
    )
    report.add_argument(
        "--weights",
        metavar="POP.yaml",
        help="a population file: the benchmark report's method section shows the weighted "
        "dimension scores with design-based errors (the other figures stay unweighted)",
    )
    _add_exclude_flagged(report)
    report.add_argument(
        "--tables-only", action="store_true", help="write the tables, run no notebook"
    )
    report.add_argument(
        "--scorecards",
        action="store_true",
        help="make participant scorecards (to <out>/<edition>/scorecards/) instead of the "
        "report set; each in the participant's language if the data have a 'language' "
        "column, else the first of --languages",
    )
    report.add_argument(
        "--participants", help="with --scorecards: comma-separated ids (default: all)"
    )
    report.add_argument("--by", default="sector", help="grouping column (default: %(default)s)")
    _add_min_n(report)
    report.add_argument("--id-column", default="respondent_id", metavar="C")
    report.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_min_answered(report)
    _add_instrument(report)
    report.add_argument("--format", choices=("text", "json"), default="text")

    mapper = commands.add_parser(
        "map",
        help="show how a survey export's columns are read: layout, id, each item's column",
        description="Find the layout of a survey export, the respondent id column and each "
        "item's column (by mapping file, item id, an alias in the instrument, or the "
        "statement's text in any of its languages), and list the columns left over. Exit "
        "0: every item found; 2: items missing (named, with the closest columns) or "
        "ambiguous. --write saves the result as a mapping file to review and reuse.",
    )
    _add_input(mapper, rejects=False)
    mapper.add_argument("--write", metavar="MAP.yaml", help="write the mapping file here")
    mapper.add_argument("--format", choices=("text", "json"), default="text")

    init = commands.add_parser(
        "init",
        help="make a project folder to start a benchmark from",
        description="Make a benchmark project in DIR (new or empty): a copy of the "
        "instrument to edit, data/ with a README of the expected file and columns, a "
        "labels file, and commentary/<edition>/ with the panel and one template per theme "
        "of the benchmark report; then print the next commands. Nothing is overwritten.",
    )
    init.add_argument("folder", metavar="DIR")
    init.add_argument(
        "--instrument",
        default=DEFAULT_INSTRUMENT,
        metavar="NAME|PATH",
        help="the instrument to start from, copied to DIR/instrument.yaml (default: %(default)s)",
    )
    init.add_argument(
        "--languages",
        help="comma-separated report languages of the templates (default: the "
        "instrument's that cxbench reports in)",
    )
    init.add_argument("--edition", type=int, help="the first edition's year (default: this year)")
    init.add_argument(
        "--by", default="sector", help="the column that groups the sector reports (default: sector)"
    )

    instruments = commands.add_parser(
        "instrument",
        help="show an instrument's dimensions and statements",
    )
    instruments.add_argument("name", nargs="?", default=DEFAULT_INSTRUMENT, metavar="NAME|PATH")
    instruments.add_argument("--language", default="en")
    return parser


def _validated(args: argparse.Namespace, instrument: Instrument) -> ValidationReport:
    """Validate the input; rejected rows are written aside and reported on stderr."""
    from .rejects import default_rejects_path, write_rejects
    from .validation import load_responses

    report = load_responses(
        args.input,
        instrument,
        id_column=args.id_column,
        columns=args.columns,
        layout=args.layout,
        encoding=args.encoding,
    )
    if args.command != "validate" and report.columns and report.columns.layout != "cxbench":
        print(f"cxbench: {args.input}: {report.intake()}", file=sys.stderr)
    if report.rejected or args.rejects:
        path = write_rejects(report, args.rejects or default_rejects_path(args.input))
        if report.rejected:
            print(
                f"cxbench: {report.rejected} of {report.read} rows rejected, written with "
                f"their reasons to {path}",
                file=sys.stderr,
            )
    if report.accepted == 0 and args.command != "validate":
        raise ParameterError("input", args.input, "no row passed validation; see the rejects file")
    return report


def _without_flagged(
    args: argparse.Namespace, instrument: Instrument, report: ValidationReport
) -> pd.DataFrame:
    """The accepted rows; with ``--exclude-flagged`` without the respondents the
    screening flags (:func:`cxbench.screening.exclude_flagged`), which are written aside
    with their reasons (``<input>.flagged.csv``)."""
    if not getattr(args, "exclude_flagged", False):
        return report.data
    from .files import write_csv
    from .screening import exclude_flagged

    kept = exclude_flagged(report, instrument)
    if kept.flagged:
        path = Path(f"{args.input}.flagged.csv")
        write_csv(kept.set_aside, path, protect=[args.input])
        print(
            f"cxbench: {kept.flagged} of {report.accepted} accepted respondents flagged by the "
            f"screening ({kept.data.attrs['screening']['summary']}) and left out, written with "
            f"the reasons to {path}; {kept.accepted} kept",
            file=sys.stderr,
        )
    return kept.data


def _emit(
    frame: pd.DataFrame,
    fmt: str,
    note: str | None,
    *,
    decimals: int = 1,
    anonymity: str | None = None,
) -> None:
    """Print a table as text, formula-safe CSV or JSON; ``anonymity`` is the line of
    :func:`cxbench.privacy.suppression_note` (in the text and CSV, on stderr for JSON)."""
    from .files import csv_text

    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", double_precision=6))
        print(json.dumps(records, ensure_ascii=False, indent=2))
        for line in (note, anonymity):
            if line:
                print(f"note: {line}", file=sys.stderr)
    elif fmt == "csv":
        head = "\n".join(line for line in (note, anonymity) if line) or None
        sys.stdout.write(csv_text(frame, note=head))
    else:
        if note:
            print(f"Note: {note}\n")
        if frame.empty:
            print("no group shown")
        else:
            print(frame.to_string(index=False, float_format=lambda v: f"{v:.{decimals}f}"))
        if anonymity:
            print(f"\n{anonymity}")


def _anonymity(frame: pd.DataFrame, by: str | None) -> str | None:
    """What anonymity did, for a by-group table, or when it hid or was switched off."""
    from .privacy import suppressed_counts, suppression_note

    min_n, counts = frame.attrs.get("min_n", 1), suppressed_counts(frame)
    if by is None and min_n > 1 and not counts["groups"]:
        return None
    return suppression_note(min_n, counts, by)


def _cmd_validate(args: argparse.Namespace) -> int:
    # chunk by chunk (bounded memory for a large delimited file), rejects as they come
    from pathlib import Path

    from .rejects import default_rejects_path
    from .validation import validate_file

    instrument = load_instrument(args.instrument)
    rejects = Path(args.rejects or default_rejects_path(args.input))
    report = validate_file(
        args.input,
        instrument,
        id_column=args.id_column,
        columns=args.columns,
        layout=args.layout,
        encoding=getattr(args, "encoding", None),
        rejects=rejects,
        empty_rejects=bool(args.rejects),
    )
    if report.rejected:
        print(
            f"cxbench: {report.rejected} of {report.read} rows rejected, written with "
            f"their reasons to {rejects}",
            file=sys.stderr,
        )
    if args.format == "json":
        print(report.to_json())
    else:
        print(report.summary())
        print(f"  {report.intake()}")
        for error in report.errors[:50]:
            print(f"  {error}")
        more = len(report.errors) + report.more_errors - 50
        if more > 0:
            print(f"  ... and {more} more (all in the rejects file)")
    return EXIT_REJECTED if report.rejected else EXIT_OK


def _cmd_score(args: argparse.Namespace) -> int:
    from .loading import dataset_note
    from .scoring import dimension_scores, item_scores

    instrument = load_instrument(args.instrument)
    if args.stream:
        if args.weights:
            raise ParameterError("--weights", args.weights, "not with --stream (in memory only)")
        return _score_stream(args, instrument)
    data = _without_flagged(args, instrument, _validated(args, instrument))
    if args.weights:
        return _score_weighted(args, instrument, data)
    if args.reject_unweightable:
        raise ParameterError("--reject-unweightable", "", "only with --weights")
    if args.level == "item":
        frame = item_scores(data, instrument, by=args.by, method=args.method, min_n=args.min_n)
    else:
        frame = dimension_scores(
            data,
            instrument,
            by=args.by,
            method=args.method,
            min_answered=args.min_answered,
            id_column=args.id_column,
            min_n=args.min_n,
        )
    _emit(frame, args.format, dataset_note(args.input), anonymity=_anonymity(frame, args.by))
    return EXIT_OK


def _score_weighted(args: argparse.Namespace, instrument: Instrument, data: pd.DataFrame) -> int:
    """``score --weights``: weighted dimension scores with their design-based errors."""

    from .weights import weighted_scores

    if args.level != "dimension":
        raise ParameterError("--level", args.level, "--weights scores dimensions only")
    weighting = _weighting(args, data)
    frame = weighted_scores(
        data,
        instrument,
        weighting,
        by=args.by,
        method=args.method,
        min_answered=args.min_answered,
        id_column=args.id_column,
        min_n=args.min_n,
    )
    _emit(frame, args.format, _weighted_note(args, weighting), anonymity=_anonymity(frame, args.by))
    return EXIT_OK


def _weighting(args: argparse.Namespace, data: pd.DataFrame) -> Any:
    """The weights of ``--weights``; rows set aside by ``--reject-unweightable`` are
    written with their reasons to ``<input>.weights-rejects.csv``."""
    from .files import write_csv
    from .weights import load_population, weight_respondents

    weighting = weight_respondents(
        data, load_population(args.weights), reject_unweightable=args.reject_unweightable
    )
    if len(weighting.rejected):
        aside = data.iloc[weighting.rejected["row"].to_numpy() - 1].reset_index(drop=True)
        aside.insert(0, "reject_reason", weighting.rejected["reason"].to_numpy())
        path = Path(f"{args.input}.weights-rejects.csv")
        write_csv(aside, path, protect=[args.input])
        print(
            f"cxbench: {len(aside)} of {len(data)} accepted rows could not be weighted, set "
            f"aside with their reasons in {path}; {weighting.n} weighted",
            file=sys.stderr,
        )
    return weighting


def _weighted_note(args: argparse.Namespace, weighting: Any) -> str:
    """The data's note and a line on the weights."""
    from .loading import dataset_note

    note = dataset_note(args.input)
    weighted = (
        f"weighted: {weighting.population.describe()} ({args.weights}); {weighting.n} "
        f"respondents, Kish effective n {weighting.n_eff:.1f}"
    )
    return f"{note}\n{weighted}" if note else weighted


def _score_stream(args: argparse.Namespace, instrument: Instrument) -> int:
    from .loading import dataset_note
    from .streaming import score_parquet

    if args.level != "dimension":
        raise ParameterError("--level", args.level, "--stream scores dimensions only")
    result = score_parquet(
        args.input,
        instrument,
        by=args.by,
        method=args.method,
        min_answered=args.min_answered,
        id_column=args.id_column,
        batch_size=args.batch_size,
        out=args.respondents_out,
        rejects=args.rejects,  # default: <input>.rejects.parquet
        min_n=args.min_n,
    )
    if result.rejected:
        print(
            f"cxbench: {result.rejected} of {result.read} rows rejected, written with "
            f"their reasons to {result.rejects}",
            file=sys.stderr,
        )
    scores = result.scores
    _emit(scores, args.format, dataset_note(args.input), anonymity=_anonymity(scores, args.by))
    return EXIT_REJECTED if result.rejected else EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from .comparison import compare_groups
    from .loading import dataset_note
    from .privacy import suppression_note
    from .text import comparison_text

    instrument = load_instrument(args.instrument)
    data = _without_flagged(args, instrument, _validated(args, instrument))
    if args.weights:
        return _compare_weighted(args, instrument, data)
    if args.reject_unweightable:
        raise ParameterError("--reject-unweightable", "", "only with --weights")
    result = compare_groups(
        data,
        instrument,
        args.by,
        level=args.level,
        min_n=args.min_n,
        confidence=args.confidence,
        correction=args.correction,
        method=args.method,
        min_answered=args.min_answered,
        id_column=args.id_column,
        seed=args.seed,
    )
    note = dataset_note(args.input)
    if args.format == "json":
        print(json.dumps(result.to_records(), ensure_ascii=False, indent=2))
        for line in (note, suppression_note(1) if result.min_n == 1 else None):
            if line:
                print(f"note: {line}", file=sys.stderr)
    else:
        if note:
            print(f"Note: {note}\n")
        print(comparison_text(result, args.input))
    return EXIT_OK


def _compare_weighted(args: argparse.Namespace, instrument: Instrument, data: pd.DataFrame) -> int:
    """``compare --weights``: weighted group scores, design-based Wald tests and pairs."""

    from .weights import weighted_comparison

    if args.level != "dimension":
        raise ParameterError("--level", args.level, "--weights compares dimensions only")
    weighting = _weighting(args, data)
    result = weighted_comparison(
        data,
        instrument,
        weighting,
        args.by,
        method=args.method,
        min_answered=args.min_answered,
        id_column=args.id_column,
        min_n=args.min_n,
        confidence=args.confidence,
        correction=args.correction,
    )
    note = _weighted_note(args, weighting)
    anonymity = _anonymity(result.groups, args.by)

    def rows(frame: pd.DataFrame, dimension: str, drop: list[str]) -> list[dict]:
        part = frame[frame["dimension"] == dimension].drop(columns=drop)
        return json.loads(part.to_json(orient="records"))

    if args.format == "json":
        records = [
            {
                "dimension": dimension,
                "weighted": True,
                "wald": (rows(result.tests, dimension, ["dimension"]) or [None])[0],
                "groups": rows(result.groups, dimension, ["dimension", "weighted"]),
                "pairs": rows(result.pairs, dimension, ["dimension"]),
            }
            for dimension in instrument.dimension_ids
        ]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        for line in (note, anonymity):
            if line:
                print(f"note: {line}", file=sys.stderr)
        return EXIT_OK
    print(f"Note: {note}\n")
    print(
        f"{args.by} comparison of {args.input}, weighted: design-based (linearised) SEs, "
        f"{round(result.confidence * 100)}% normal CIs, Wald F tests, pairs "
        f"{result.correction} across all dimensions; the rank tests and the bootstrap are "
        "not weighted and are left out"
    )
    for dimension in instrument.dimension_ids:
        print(f"\n{dimension}")
        for t in result.tests[result.tests["dimension"] == dimension].itertuples():
            print(f"  Wald F({t.df1:.0f}, {t.df2:.0f}) = {t.F:.2f}, p = {t.p:.3g}")
        for g in result.groups[result.groups["dimension"] == dimension].itertuples():
            print(
                f"  {g.group:<24} n={g.n:<5} n_eff={g.n_eff:<7.1f} {g.score:5.1f} "
                f"[{g.ci_low:.1f}, {g.ci_high:.1f}]"
            )
        pairs = result.pairs[result.pairs["dimension"] == dimension]
        for p in pairs[pairs["p_adj"] < 1 - result.confidence].itertuples():
            print(f"  {p.group_a} vs {p.group_b}: {p.diff:+.1f}, p_adj = {p.p_adj:.3g}")
    if anonymity:
        print(f"\n{anonymity}")
    return EXIT_OK


def _cmd_metrics(args: argparse.Namespace) -> int:
    from .loading import dataset_note, read_table
    from .metrics import ces, csat, nps

    if not (args.nps or args.csat or args.ces):
        raise ParameterError("metrics", "", "name at least one of --nps, --csat, --ces")
    table = read_table(args.input)
    data = table.data.set_axis(table.rows, axis=0)  # errors name the row as the file shows it
    options = {"by": args.by, "min_n": args.min_n, "confidence": args.confidence}
    if args.weights:
        return _metrics_weighted(args, data.reset_index(drop=True), options)
    if args.reject_unweightable:
        raise ParameterError("--reject-unweightable", "", "only with --weights")
    frames = []
    if args.nps:
        frames.append(("NPS", nps(data, args.nps, **options)))
    if args.csat:
        frames.append(("CSAT (top-2-box %)", csat(data, args.csat, **options)))
    if args.ces:
        frames.append(("CES (mean)", ces(data, args.ces, **options)))
    note = dataset_note(args.input)
    if args.format == "json":
        records = {
            name.split()[0].lower(): json.loads(frame.to_json(orient="records"))
            for name, frame in frames
        }
        print(json.dumps(records, ensure_ascii=False, indent=2))
        for line in (note, *(_anonymity(frame, args.by) for _, frame in frames)):
            if line:
                print(f"note: {line}", file=sys.stderr)
        return EXIT_OK
    if note:
        print(f"Note: {note}\n")
    for name, frame in frames:
        print(name)
        if frame.empty:
            print("no group shown")
        else:
            print(frame.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
        print(_anonymity(frame, args.by))
        print()
    return EXIT_OK


def _metrics_weighted(args: argparse.Namespace, data: pd.DataFrame, options: dict) -> int:
    """``metrics --weights``: NPS, CSAT and CES weighted, with design-based errors."""
    import pandas as pd

    from .weights import weighted_metric

    weighting = _weighting(args, data)
    frames = [
        weighted_metric(data, column, weighting, metric, **options)
        for metric, column in (("nps", args.nps), ("csat", args.csat), ("ces", args.ces))
        if column
    ]
    frame = pd.concat(frames, ignore_index=True)
    anonymity = _anonymity(frame, args.by)
    _emit(frame, args.format, _weighted_note(args, weighting), anonymity=anonymity)
    return EXIT_OK


def _cmd_trend(args: argparse.Namespace) -> int:
    from .editions import load_editions
    from .loading import dataset_note
    from .privacy import suppression_note
    from .trends import edition_trend, paired_change

    instrument = load_instrument(args.instrument)
    reports = load_editions(args.data, instrument, id_column=args.id_column, at_least=2)
    for report in reports.values():
        if report.rejected:
            print(
                f"cxbench: {report.path}: {report.rejected} of {report.read} rows rejected "
                "(see cxbench validate)",
                file=sys.stderr,
            )
    editions = {year: report.data for year, report in reports.items()}
    files = {year: report.path for year, report in reports.items()}
    trend = edition_trend(
        editions,
        instrument,
        by=args.by,
        level=args.level,
        min_n=args.min_n,
        min_answered=args.min_answered,
        id_column=args.id_column,
    )
    last, before = sorted(editions)[-1], sorted(editions)[-2]
    paired = paired_change(
        editions[last],
        editions[before],
        instrument,
        id_column=args.id_column,
        min_answered=args.min_answered,
        min_n=args.min_n,
    )
    note = dataset_note(files[last])
    anonymity = (
        suppression_note(1)
        if args.min_n == 1
        else f"groups under {args.min_n} respondents in an edition, or hidden with one, "
        "are not shown"
    )
    if args.format == "json":
        print(
            json.dumps(
                {
                    "trend": json.loads(trend.to_json(orient="records")),
                    "paired": {
                        "previous": before,
                        "current": last,
                        "rows": json.loads(paired.to_json(orient="records")),
                    },
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        for line in (note, anonymity):
            if line:
                print(f"note: {line}", file=sys.stderr)
        return EXIT_OK
    if note:
        print(f"Note: {note}\n")
    print(trend.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(anonymity)
    print(f"\nOrganisations in both {before} and {last} (paired t-test):")
    print(paired.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return EXIT_OK


def _cmd_reliability(args: argparse.Namespace) -> int:
    from .loading import dataset_note
    from .reliability import cronbach_alpha_by_dimension, item_analysis, omega_by_dimension

    instrument = load_instrument(args.instrument)
    data = _validated(args, instrument).data
    alpha = cronbach_alpha_by_dimension(data, instrument, confidence=args.confidence)
    omega = omega_by_dimension(data, instrument)
    alpha.insert(4, "omega", omega["omega"].to_numpy())
    alpha.insert(6, "n_complete", omega["n"].to_numpy())
    note = dataset_note(args.input)
    if args.format == "table":
        _emit(alpha, "table", note, decimals=3)
        print()
        _emit(item_analysis(data, instrument), "table", None, decimals=3)
    else:
        _emit(alpha, args.format, note, decimals=3)
    return EXIT_OK


def _cmd_structure(args: argparse.Namespace) -> int:
    from .factors import factor_structure
    from .loading import dataset_note
    from .text import structure_text

    instrument = load_instrument(args.instrument)
    data = _without_flagged(args, instrument, _validated(args, instrument))
    result = factor_structure(
        data,
        instrument,
        by=args.by,
        min_n=args.min_n,
        min_cases=args.min_cases,
        rule=args.rule,
    )
    note = dataset_note(args.input)
    if args.format == "json":
        print(json.dumps(result.to_records(), ensure_ascii=False, indent=2))
        if note:
            print(f"note: {note}", file=sys.stderr)
        return EXIT_OK
    if note:
        print(f"Note: {note}\n")
    print(structure_text(result, args.input))
    return EXIT_OK


def _cmd_stages(args: argparse.Namespace) -> int:
    import pandas as pd

    from .files import write_csv
    from .loading import dataset_note
    from .maturity import maturity_stages, stage_distribution

    instrument = load_instrument(args.instrument)
    data = _without_flagged(args, instrument, _validated(args, instrument))
    stages = maturity_stages(
        data,
        instrument,
        method=args.method,
        min_answered=args.min_answered,
        id_column=args.id_column,
    )
    frames = [stage_distribution(stages, data, instrument, min_n=args.min_n)]
    if args.by:
        frames.append(stage_distribution(stages, data, instrument, by=args.by, min_n=args.min_n))
    table = pd.concat(frames, ignore_index=True)
    table.attrs = frames[-1].attrs
    note = dataset_note(args.input)
    if args.out:
        write_csv(stages, args.out, note=note, what="stages", protect=[args.input])
        print(f"cxbench: every organisation's stage written to {args.out}", file=sys.stderr)
    unstaged = int(stages["stage"].isna().sum())
    if unstaged:
        print(
            f"cxbench: {unstaged} of {len(stages)} respondents have no stage (no score on "
            "every dimension)",
            file=sys.stderr,
        )
    _emit(table, args.format, note, anonymity=_anonymity(table, args.by))
    return EXIT_OK


def _cmd_screen(args: argparse.Namespace) -> int:
    from .files import csv_text, write_atomic, write_csv
    from .loading import dataset_note
    from .screening import screen

    instrument = load_instrument(args.instrument)
    data = _validated(args, instrument).data
    result = screen(
        data,
        instrument,
        id_column=args.id_column,
        duration_column=args.duration_column,
        longstring_max=args.longstring_max,
        irv_min=args.irv_min,
        mahalanobis_alpha=None if args.no_mahalanobis else args.mahalanobis_alpha,
        speed_fraction=args.speed_fraction,
    )
    rules = result.attrs["rules"]
    note = dataset_note(args.input)
    method = f"screening: {rules['summary']}; nothing removed"
    if args.format == "json":
        records = json.loads(result.to_json(orient="records", double_precision=6))
        record = {"rules": rules, "respondents": records, "flagged": int(result.flagged.sum())}
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        if note:
            print(f"note: {note}", file=sys.stderr)
        if args.out:
            write_atomic(args.out, text, what="screening", protect=[args.input])
        else:
            sys.stdout.write(text)
    elif args.out:
        head = "\n".join(line for line in (note, method) if line)
        write_csv(result, args.out, note=head, what="screening", protect=[args.input])
    elif args.format == "csv":
        head = "\n".join(line for line in (note, method) if line)
        sys.stdout.write(csv_text(result, note=head))
    else:
        if note:
            print(f"Note: {note}\n")
        print(result.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print(f"\n{method}")
    counts = ", ".join(
        f"{flag.removeprefix('flag_')} {int(result[flag].sum())}"
        for flag in result.columns
        if flag.startswith("flag_")
    )
    print(
        f"cxbench: {int(result.flagged.sum())} of {len(result)} respondents flagged "
        f"({counts}); nothing removed",
        file=sys.stderr,
    )
    if args.out:
        print(f"cxbench: screening written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from .publish import Outputs, make_report_set, results_summary
    from .report import summary_json, tables_summary
    from .theme import load_theme

    def listed(text: str | None) -> list[str] | None:
        parts = [part.strip() for part in (text or "").split(",") if part.strip()]
        return parts or None

    sectors = None if args.sectors.strip().lower() == "all" else listed(args.sectors)
    theme = Path(args.theme) if args.theme else None
    if theme is None and (Path(args.data) / "theme.yaml").is_file():
        theme = Path(args.data) / "theme.yaml"
    if theme is not None:  # refused here, before anything runs, if it cannot be used
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            load_theme(theme)
        for warning in said:
            print(f"cxbench: warning: {warning.message}", file=sys.stderr)
    made = make_report_set(
        args.data,
        out=args.out,
        edition=args.edition,
        languages=None if args.languages is None else listed(args.languages) or [],
        sectors=sectors,
        instrument=args.instrument,
        commentary=args.commentary,
        notebooks=args.notebooks,
        labels=args.labels,
        weights=args.weights,
        exclude_flagged=args.exclude_flagged,
        sector_column=args.by,
        id_column=args.id_column,
        min_answered=args.min_answered,
        min_n=args.min_n,
        scorecards=args.scorecards,
        participants=listed(args.participants),
        tables_only=args.tables_only,
        n_jobs=args.jobs,
        pdf=Outputs(pdf=args.pdf, pptx=args.pptx, paper=args.paper, theme=theme),
        progress=not args.no_progress,
        reuse_kernels=not args.no_kernel_reuse,
        force=args.force,
    )
    tables, results = made.tables, made.results
    for note in made.notes:
        print(f"cxbench: note: {note}", file=sys.stderr)
    if args.format == "json":
        print(summary_json([tables]))
    else:
        print(tables_summary(tables))
        if results:
            print(results_summary(results))
            print(f"  index: {results[0].job.out_dir / 'index.html'}")
    failed = any(r.status != "ok" for r in results)
    return EXIT_REJECTED if failed or tables.validation.rejected else EXIT_OK


def _cmd_instrument(args: argparse.Namespace) -> int:
    instrument = load_instrument(args.name)
    lo, hi = instrument.scale.min, instrument.scale.max
    print(f"{instrument.id}: {instrument.title.get(args.language, instrument.title['en'])}")
    labels = instrument.scale.labels.get(args.language)
    print(f"scale {lo}–{hi}" + (f": {' / '.join(labels)}" if labels else ""))
    for dim in instrument.dimensions:
        print(f"\n{dim.name(args.language)} ({dim.id})")
        for item in dim.items:
            flags = " [reversed]" if item.reverse else ""
            published = f" [published {item.published_score:g} %]" if item.published_score else ""
            print(f"  {item.id}: {item.label(args.language)}{flags}{published}")
    return EXIT_OK


def _cmd_map(args: argparse.Namespace) -> int:
    from .columns import (
        ColumnsError,
        map_columns,
        require_columns,
        resolve_mapping,
        write_column_mapping,
    )
    from .loading import read_table
    from .text import mapping_text

    instrument = load_instrument(args.instrument)
    mapping = resolve_mapping(args.input, instrument, args.columns)
    table = read_table(
        args.input,
        layout=args.layout or (mapping.layout if mapping else None),
        encoding=args.encoding,
    )
    found = map_columns(table, instrument, columns=mapping, id_column=args.id_column)
    if args.write:
        write_column_mapping(found, args.write)
    if args.format == "json":
        record = found.as_record() | {"rows": len(table.data)}
        print(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        print(mapping_text(found, table.describe_layout, len(table.data)))
    if args.write:
        print(f"cxbench: mapping written to {args.write}", file=sys.stderr)
    if not found.complete:
        try:
            require_columns(found, instrument)
        except ColumnsError as exc:
            print(f"cxbench: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import init_project

    languages = None
    if args.languages is not None:
        languages = [part.strip() for part in args.languages.split(",") if part.strip()]
    made = init_project(
        args.folder,
        instrument=args.instrument,
        languages=languages,
        edition=args.edition,
        sector_column=args.by,
    )
    print(made)
    return EXIT_OK


_COMMANDS = {
    "map": _cmd_map,
    "validate": _cmd_validate,
    "score": _cmd_score,
    "compare": _cmd_compare,
    "metrics": _cmd_metrics,
    "trend": _cmd_trend,
    "reliability": _cmd_reliability,
    "structure": _cmd_structure,
    "stages": _cmd_stages,
    "screen": _cmd_screen,
    "report": _cmd_report,
    "instrument": _cmd_instrument,
    "init": _cmd_init,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cxbench`` command; returns the exit code.

    Examples
    --------
    >>> main(["instrument", "--language", "tr"])  # doctest: +ELLIPSIS
    digital-cx-2023: Dijital müşteri deneyimi yönetimi olgunluk karşılaştırması 2023
    scale 1–5: Kesinlikle katılmıyorum / ... / Kesinlikle katılıyorum
    ...
    0
    """
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except CxbenchError as exc:
        print(f"cxbench: error: {exc}", file=sys.stderr)
        if getattr(args, "format", None) == "json":
            from .text import error_record

            print(json.dumps(error_record(exc), ensure_ascii=False, indent=2, default=str))
        return EXIT_ERROR
    except BrokenPipeError:  # e.g. `cxbench score ... | head`
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
