"""The report set of an edition: every notebook run with its parameters, then published.

In papermill's manner, one module per part:

* :mod:`~cxbench.publish.plan` turns the request (edition, languages, sectors or
  participants) into one :class:`ReportJob` per report and checks every parameter
  *before* anything runs, with bounded, distinct file names;
* :mod:`~cxbench.publish.kernel` keeps one kernel per worker, reset between notebooks
  (:class:`WarmKernel`), and makes workers and kernels end with the run;
* :mod:`~cxbench.publish.execute` runs the notebooks with papermill in parallel workers
  (:func:`run_reports`), and the whole sequence of ``cxbench report``
  (:func:`run_report_set`);
* :mod:`~cxbench.publish.html` exports each as self-contained HTML without code, an
  error page for a failed one, and the index;
* :mod:`~cxbench.publish.pdf` lays each out for paper (cover, contents, running header,
  page numbers) and writes it as PDF; :mod:`~cxbench.publish.slides` makes a slide
  deck of its charts, each titled by its finding;
* :mod:`~cxbench.publish.manifest` describes the set for audit (parameters, sha256 of
  every input, versions, times, status) and holds the lock on its folder.

The set survives faults: every file is written under a temporary name and renamed into
place when whole; a run holds an exclusive lock on ``<out>/<edition>`` and first
replaces the manifest by a ``running`` one; the index and the final manifest come last;
SIGTERM and SIGINT stop the workers and kernels and leave an ``interrupted`` manifest.

Layout: ``<out>/<edition>/<language>/<name>.html`` (and ``.ipynb``, the executed
notebook, ``.pdf`` and ``.pptx``), ``<out>/<edition>/index.html``,
``<out>/<edition>/manifest.json``.
"""

from .execute import (
    ReportSet,
    ReportSetInterrupted,
    make_report_set,
    results_summary,
    run_report,
    run_report_set,
    run_reports,
)
from .html import error_page, export_html, write_index
from .kernel import WarmKernel
from .manifest import LOCK_NAME, ReportFolderBusyError, lock_report_folder, write_manifest
from .pdf import PAPER_SIZES, print_page, write_pdf
from .plan import (
    MAX_NAME,
    NOTEBOOKS,
    Outputs,
    ReportJob,
    ReportResult,
    distinct_names,
    plan_reports,
    plan_scorecards,
    report_inputs,
    slug,
)
from .slides import write_slides

__all__ = [
    "LOCK_NAME",
    "MAX_NAME",
    "NOTEBOOKS",
    "PAPER_SIZES",
    "Outputs",
    "ReportFolderBusyError",
    "ReportJob",
    "ReportResult",
    "ReportSet",
    "ReportSetInterrupted",
    "WarmKernel",
    "distinct_names",
    "error_page",
    "export_html",
    "lock_report_folder",
    "make_report_set",
    "plan_reports",
    "plan_scorecards",
    "print_page",
    "report_inputs",
    "results_summary",
    "run_report",
    "run_report_set",
    "run_reports",
    "slug",
    "write_index",
    "write_manifest",
    "write_pdf",
    "write_slides",
]
