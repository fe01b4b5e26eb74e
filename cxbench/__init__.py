"""cxbench: digital CX management benchmark research.

The pipeline reads in the order of the modules: :mod:`~cxbench.instrument` →
:mod:`~cxbench.loading` / :mod:`~cxbench.validation` → :mod:`~cxbench.scoring` →
:mod:`~cxbench.reliability` → :mod:`~cxbench.report`; :mod:`~cxbench.synthetic` makes
the bundled (synthetic) data set and :mod:`~cxbench.cli` is the command line.
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import CxbenchError, InstrumentError, ParameterError, UnusableFileError
from .instrument import (
    DEFAULT_INSTRUMENT,
    Dimension,
    Instrument,
    Item,
    Scale,
    available_instruments,
    load_instrument,
)
from .loading import RawTable, dataset_note, read_table
from .reliability import cronbach_alpha_by_dimension, item_analysis
from .report import find_edition_files, write_edition_tables
from .scoring import (
    dimension_scores,
    item_scores,
    published_comparison,
    respondent_scores,
    reverse_items,
)
from .validation import (
    RowError,
    ValidationReport,
    load_responses,
    validate_responses,
    write_rejects,
)

try:
    __version__ = version("cxbench")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_INSTRUMENT",
    "CxbenchError",
    "Dimension",
    "Instrument",
    "InstrumentError",
    "Item",
    "ParameterError",
    "RawTable",
    "RowError",
    "Scale",
    "UnusableFileError",
    "ValidationReport",
    "__version__",
    "available_instruments",
    "cronbach_alpha_by_dimension",
    "dataset_note",
    "dimension_scores",
    "find_edition_files",
    "item_analysis",
    "item_scores",
    "load_instrument",
    "load_responses",
    "published_comparison",
    "read_table",
    "respondent_scores",
    "reverse_items",
    "validate_responses",
    "write_edition_tables",
    "write_rejects",
]
