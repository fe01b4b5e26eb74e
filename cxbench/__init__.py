"""cxbench: digital CX management benchmark research.

The pipeline reads in the order of the modules: :mod:`~cxbench.instrument` →
:mod:`~cxbench.loading` (with :mod:`~cxbench.layouts`: survey platforms' export
layouts) / :mod:`~cxbench.columns` (which column holds which item) /
:mod:`~cxbench.validation` → :mod:`~cxbench.scoring` → :mod:`~cxbench.stats` (the
tests and intervals) → :mod:`~cxbench.reliability` / :mod:`~cxbench.comparison` /
:mod:`~cxbench.trends` /
:mod:`~cxbench.metrics` / :mod:`~cxbench.scorecard` (every figure of a group through
:mod:`~cxbench.privacy`, the one anonymity rule) → :mod:`~cxbench.charts` /
:mod:`~cxbench.tables` / :mod:`~cxbench.narrative` (words from :mod:`~cxbench.i18n`,
expert commentary from :mod:`~cxbench.commentary`) → :mod:`~cxbench.report` (tables)
and :mod:`~cxbench.publish` (the notebook report set). :mod:`~cxbench.synthetic` makes
the bundled (synthetic) data set, :mod:`~cxbench.streaming` scores Parquet files too
large for memory, :mod:`~cxbench.files` writes every file (atomically, formula-safe
CSV), and :mod:`~cxbench.cli` is the command line.
"""

from importlib.metadata import PackageNotFoundError, version

from .charts import (
    plot_dimension_scores,
    plot_group_heatmap,
    plot_group_ranking,
    plot_likert,
    plot_scorecard,
    plot_trend,
    save_figure,
)
from .columns import (
    ColumnMap,
    ColumnMapping,
    ColumnMatch,
    ColumnsError,
    load_column_mapping,
    map_columns,
    normalise_text,
    write_column_mapping,
)
from .commentary import Commentary, Entry, Expert, load_commentary
from .comparison import GroupComparison, compare_groups, group_vs_rest
from .editions import EditionInputs, edition_inputs, find_edition_files
from .errors import (
    CommentaryError,
    CxbenchError,
    InstrumentError,
    LabelsError,
    ParameterError,
    UnusableFileError,
    WeightsError,
)
from .files import neutralise_cell, restore_cell, write_atomic, write_csv
from .i18n import (
    LANGUAGES,
    check_language,
    column_label,
    format_interval,
    format_minus,
    format_number,
    format_p,
    format_signed,
    group_name,
    in_language,
    translate,
)
from .instrument import (
    DEFAULT_INSTRUMENT,
    Dimension,
    Instrument,
    Item,
    Scale,
    Theme,
    available_instruments,
    load_instrument,
)
from .labels import LABELS_FILE, Labels, load_labels
from .layouts import LAYOUTS, detect_layout
from .loading import RawTable, dataset_note, read_table
from .metrics import ces, csat, metric_correlations, nps
from .narrative import (
    ReportSections,
    ReportText,
    commentary_note,
    data_note,
    expert_answers,
    finding_change,
    finding_dimensions,
    finding_nps,
    finding_paired,
    finding_sector_differences,
    finding_sector_gap,
    finding_statements,
    finding_success,
    finding_weakest_statements,
    findings,
    instrument_fields,
    paragraph,
    report_sections,
    section,
    suppressed_note,
    theme_section,
)
from .privacy import (
    DEFAULT_MIN_N,
    MISSING_GROUP,
    check_shown,
    group_keys,
    shown_groups,
    suppress_small_groups,
    suppressed_counts,
    suppression_note,
)
from .rejects import write_rejects
from .reliability import cronbach_alpha_by_dimension, item_analysis
from .report import write_edition_tables
from .scorecard import Scorecard, participant_scorecard
from .scoring import (
    dimension_scores,
    item_distribution,
    item_respondent_scores,
    item_scores,
    published_comparison,
    respondent_scores,
    reverse_items,
    score_matrix,
)
from .screening import (
    DEFAULT_IRV_MIN,
    DEFAULT_MAHALANOBIS_ALPHA,
    DEFAULT_SPEED_FRACTION,
    default_longstring_max,
    screen,
    screening_rules,
)
from .stats import (
    adjust_p,
    bootstrap_ci,
    games_howell,
    group_statistics,
    omnibus_tests,
    welch_difference,
)
from .streaming import StreamResult, score_parquet
from .tables import (
    ReportTable,
    correction_name,
    correlation_table,
    difference_table,
    group_table,
    likert_table,
    nps_table,
    omnibus_table,
    overall_table,
    paired_table,
    posthoc_table,
    reference_name,
    scorecard_dimension_table,
    scorecard_item_table,
    trend_table,
)
from .trends import edition_difference, edition_trend, paired_change
from .validation import (
    RowError,
    ValidationReport,
    load_responses,
    validate_file,
    validate_responses,
)
from .weights import (
    Population,
    Weighting,
    design_mean,
    load_population,
    weight_respondents,
    weighted_scores,
)

try:
    __version__ = version("cxbench")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_INSTRUMENT",
    "DEFAULT_IRV_MIN",
    "DEFAULT_MAHALANOBIS_ALPHA",
    "DEFAULT_MIN_N",
    "DEFAULT_SPEED_FRACTION",
    "LABELS_FILE",
    "LANGUAGES",
    "LAYOUTS",
    "MISSING_GROUP",
    "ColumnMap",
    "ColumnMapping",
    "ColumnMatch",
    "ColumnsError",
    "Commentary",
    "CommentaryError",
    "CxbenchError",
    "Dimension",
    "EditionInputs",
    "Entry",
    "Expert",
    "GroupComparison",
    "Instrument",
    "InstrumentError",
    "Item",
    "Labels",
    "LabelsError",
    "ParameterError",
    "Population",
    "RawTable",
    "ReportSections",
    "ReportTable",
    "ReportText",
    "RowError",
    "Scale",
    "Scorecard",
    "StreamResult",
    "Theme",
    "UnusableFileError",
    "ValidationReport",
    "Weighting",
    "WeightsError",
    "__version__",
    "adjust_p",
    "available_instruments",
    "bootstrap_ci",
    "ces",
    "check_language",
    "check_shown",
    "column_label",
    "commentary_note",
    "compare_groups",
    "correction_name",
    "correlation_table",
    "cronbach_alpha_by_dimension",
    "csat",
    "data_note",
    "dataset_note",
    "default_longstring_max",
    "design_mean",
    "detect_layout",
    "difference_table",
    "dimension_scores",
    "edition_difference",
    "edition_inputs",
    "edition_trend",
    "expert_answers",
    "find_edition_files",
    "finding_change",
    "finding_dimensions",
    "finding_nps",
    "finding_paired",
    "finding_sector_differences",
    "finding_sector_gap",
    "finding_statements",
    "finding_success",
    "finding_weakest_statements",
    "findings",
    "format_interval",
    "format_minus",
    "format_number",
    "format_p",
    "format_signed",
    "games_howell",
    "group_keys",
    "group_name",
    "group_statistics",
    "group_table",
    "group_vs_rest",
    "in_language",
    "instrument_fields",
    "item_analysis",
    "item_distribution",
    "item_respondent_scores",
    "item_scores",
    "likert_table",
    "load_column_mapping",
    "load_commentary",
    "load_instrument",
    "load_labels",
    "load_population",
    "load_responses",
    "map_columns",
    "metric_correlations",
    "neutralise_cell",
    "normalise_text",
    "nps",
    "nps_table",
    "omnibus_table",
    "omnibus_tests",
    "overall_table",
    "paired_change",
    "paired_table",
    "paragraph",
    "participant_scorecard",
    "plot_dimension_scores",
    "plot_group_heatmap",
    "plot_group_ranking",
    "plot_likert",
    "plot_scorecard",
    "plot_trend",
    "posthoc_table",
    "published_comparison",
    "read_table",
    "reference_name",
    "report_sections",
    "respondent_scores",
    "restore_cell",
    "reverse_items",
    "save_figure",
    "score_matrix",
    "score_parquet",
    "scorecard_dimension_table",
    "scorecard_item_table",
    "screen",
    "screening_rules",
    "section",
    "shown_groups",
    "suppress_small_groups",
    "suppressed_counts",
    "suppressed_note",
    "suppression_note",
    "theme_section",
    "translate",
    "trend_table",
    "validate_file",
    "validate_responses",
    "weight_respondents",
    "weighted_scores",
    "welch_difference",
    "write_atomic",
    "write_column_mapping",
    "write_csv",
    "write_edition_tables",
    "write_rejects",
]
