"""cxbench: digital CX management benchmark research.

The pipeline reads in the order of the modules: :mod:`~cxbench.instrument` →
:mod:`~cxbench.loading` (with :mod:`~cxbench.layouts`: survey platforms' export
layouts) / :mod:`~cxbench.columns` (which column holds which item) /
:mod:`~cxbench.validation` → :mod:`~cxbench.scoring` → :mod:`~cxbench.stats` (the
tests and intervals) → :mod:`~cxbench.reliability` / :mod:`~cxbench.factors` (factor
structure and measurement invariance) / :mod:`~cxbench.maturity` (maturity stages) /
:mod:`~cxbench.comparison` /
:mod:`~cxbench.trends` /
:mod:`~cxbench.metrics` / :mod:`~cxbench.scorecard` (every figure of a group through
:mod:`~cxbench.privacy`, the one anonymity rule) → :mod:`~cxbench.charts` /
:mod:`~cxbench.tables` / :mod:`~cxbench.narrative` (words from :mod:`~cxbench.i18n`,
expert commentary from :mod:`~cxbench.commentary`) → :mod:`~cxbench.report` (tables)
and :mod:`~cxbench.publish` (the notebook report set). :mod:`~cxbench.synthetic` makes
the bundled (synthetic) data set, :mod:`~cxbench.streaming` scores Parquet files too
large for memory, :mod:`~cxbench.files` writes every file (atomically, formula-safe
CSV), and :mod:`~cxbench.cli` is the command line.

Every public name is listed in ``__init__.pyi`` and loaded on first use
(``lazy_loader``): ``import cxbench`` costs milliseconds, and a command that only
validates or scores a file never imports the plotting libraries.
"""

from importlib.metadata import PackageNotFoundError, version

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)

try:
    __version__ = version("cxbench")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
__all__ = [*__all__, "__version__"]
