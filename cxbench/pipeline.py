"""The report set of an edition: every notebook run with its parameters, then published.

:func:`plan_reports` turns the request (edition, languages, sectors) into one
:class:`ReportJob` per report and checks every parameter *before* anything runs;
:func:`run_reports` executes the notebooks with papermill in parallel worker processes,
each of which starts one kernel and reuses it, reset between notebooks
(:class:`WarmKernel`), exports each to self-contained HTML without code (images
embedded, ``<html lang>`` set), optionally to PDF (WeasyPrint, offline), and replaces a
failed report by an error page naming the failing cell. :func:`write_index` and
:func:`write_manifest` describe the set: links to every report, and for audit the
parameters of each run, the sha256 of every input, the package version, times and
status. :func:`run_report_set` does it all in order, for ``cxbench report``.

The set survives faults. Every file is written under a temporary name and renamed
into place when whole (:func:`cxbench.files.write_atomic`; papermill writes the
executed notebook to a hidden ``.partial.ipynb``), so a full disk leaves no truncated
page: that report is ``failed``, with the reason, and the others are made. File names
are bounded and distinct (:func:`slug`, :func:`distinct_names`). A run holds an
exclusive lock on ``<out>/<edition>`` (:func:`lock_report_folder`) and first replaces
the manifest by a ``running`` one, so a killed run never leaves one calling a report
``ok`` that it did not make; the index and the final manifest come last. Workers and
kernels end with the run (Linux ``PR_SET_PDEATHSIG``), even on ``kill -9``; SIGTERM
and SIGINT stop them, write an ``interrupted`` manifest and end the run with an error.

Layout: ``<out>/<edition>/<language>/<name>.html`` (and ``.ipynb``, the executed
notebook, and ``.pdf``), ``<out>/<edition>/index.html``, ``<out>/<edition>/manifest.json``.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import signal
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._checks import DEFAULT_MIN_N, ID_COLUMN
from .errors import CxbenchError, ParameterError, UnusableFileError
from .files import write_atomic
from .i18n import LANGUAGES, check_language, translate

__all__ = [
    "ReportFolderBusyError",
    "ReportJob",
    "ReportResult",
    "ReportSetInterrupted",
    "WarmKernel",
    "distinct_names",
    "export_html",
    "lock_report_folder",
    "plan_reports",
    "plan_scorecards",
    "report_inputs",
    "results_summary",
    "run_report",
    "run_report_set",
    "run_reports",
    "slug",
    "write_index",
    "write_manifest",
]

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
_KERNEL = "python3"


@dataclass(frozen=True)
class ReportJob:
    """One report to make: a notebook, its parameters and where it goes."""

    name: str
    kind: str  # "benchmark" or "sector"
    title: str
    language: str
    notebook: Path
    parameters: dict[str, Any]
    out_dir: Path

    @property
    def html(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.html"

    @property
    def executed(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.ipynb"

    @property
    def pdf(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.pdf"

    @property
    def log(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.log"


@dataclass(frozen=True)
class ReportResult:
    """What became of a job."""

    job: ReportJob
    status: str  # "ok" or "failed"
    started: str
    finished: str
    seconds: float
    error: str = ""
    failing_cell: str = ""
    outputs: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


#: The longest file name (without extension) a report gets, in bytes (ASCII).
MAX_NAME = 80


def _digest(text: str) -> str:
    """A short stable hash of ``text`` (the same in every run and on every machine)."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:8]


def _bounded(name: str, key: str, max_length: int = MAX_NAME) -> str:
    """``name`` cut to ``max_length`` with ``-<hash of key>`` at the end when it is longer."""
    if len(name) <= max_length:
        return name
    return f"{name[: max_length - 9].rstrip('-')}-{_digest(key)}"


def slug(text: str, *, max_length: int = MAX_NAME) -> str:
    """A file-name-safe form of a group name: lower-case ASCII letters, digits and ``-``,
    at most ``max_length`` characters.

    A longer name is cut and ends in ``-`` and 8 hex digits of a hash of the whole
    ``text``, so that two long names that begin alike still get different slugs.
    Distinct texts can still share a slug ("R&D" and "R D"): :func:`distinct_names`
    tells them apart.

    Examples
    --------
    >>> slug("Travel & hospitality"), slug("Şirket İçi"), slug("<script>")
    ('travel-hospitality', 'sirket-ici', 'script')
    >>> long = slug("Finance " * 40)
    >>> len(long), long.startswith("finance-finance-"), long == slug("Finance " * 40)
    (80, True, True)
    >>> slug("F" * 300) != slug("F" * 299)
    True
    """
    folded = unicodedata.normalize("NFKD", str(text).replace("ı", "i").replace("İ", "I"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "group"
    return _bounded(name, str(text), max_length)


def distinct_names(
    names: Sequence[str], keys: Sequence[str], *, max_length: int = MAX_NAME
) -> list[str]:
    """``names`` made distinct: every name shared by different ``keys`` gets
    ``-<hash of its key>`` (and stays within ``max_length``).

    The result does not depend on the order of the keys, so a group keeps its file name
    from run to run as long as the same groups collide.

    Parameters
    ----------
    names : sequence of str
        The file names (slugs), one per key.
    keys : sequence of str
        What each name stands for (the group's own name).

    Raises
    ------
    ParameterError
        When two names still coincide (the same key given twice).

    Examples
    --------
    >>> keys = ["R&D", "R D", "Retail"]
    >>> distinct_names([slug(k) for k in keys], keys)
    ['r-d-1d168db4', 'r-d-5802d3d6', 'retail']
    >>> distinct_names([slug(k) for k in ("Café", "CAFE")], ["Café", "CAFE"])
    ['cafe-73473dcc', 'cafe-54fe2517']
    """
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    out = []
    for name, key in zip(names, keys, strict=True):
        if counts[name] > 1:
            name = f"{name[: max_length - 9].rstrip('-')}-{_digest(key)}"
        out.append(name)
    if len(set(out)) != len(out):
        clash = next(n for n in out if out.count(n) > 1)
        raise ParameterError("names", clash, "two groups give the same file name")
    return out


def _group_name(column: str, group: str) -> str:
    """``<column>-<group>`` as a bounded slug, e.g. ``sector-finance``."""
    whole = f"{slug(column, max_length=sys.maxsize)}-{slug(group, max_length=sys.maxsize)}"
    return _bounded(whole, f"{column}\x00{group}")


def plan_reports(
    *,
    data: str | Path,
    edition: int,
    languages: Sequence[str] = LANGUAGES,
    sectors: Sequence[str] | None = None,
    out: str | Path = "reports",
    instrument: str = "digital-cx-2023",
    commentary: str | Path | None = None,
    sector_column: str = "sector",
    min_n: int = DEFAULT_MIN_N,
    notebooks: str | Path = NOTEBOOKS,
) -> list[ReportJob]:
    """The jobs of an edition's report set, every parameter checked first.

    Parameters
    ----------
    data : path
        Folder of ``benchmark_<year>`` files.
    edition : int
    languages : sequence of str
    sectors : sequence of str, optional
        Sector reports to make; ``None`` for every sector with at least ``min_n``
        respondents (smaller ones get no report of their own).
    out : path
        Reports folder; the edition's reports go to ``<out>/<edition>/``.
    instrument : str
    commentary : path, optional
        Commentary folder holding ``<edition>/``; default ``<data>/commentary``.
    sector_column, min_n
        The sector reports' grouping and anonymity threshold.
    notebooks : path
        Where ``commentary_report.ipynb`` and ``sector_comparison.ipynb`` are.

    Returns
    -------
    list of ReportJob
        A sector report is named ``<sector_column>-<slug of the sector>``, at most
        :data:`MAX_NAME` characters; sectors whose names give the same slug ("R&D",
        "R D") each get a short hash of their name appended (:func:`distinct_names`).

    Raises
    ------
    ParameterError, CommentaryError, UnusableFileError
        Before anything runs: an unknown language or sector, a missing file or
        folder, commentary that does not validate, data that cannot be read.
    """
    from .commentary import load_commentary
    from .comparison import compare_groups
    from .instrument import load_instrument
    from .report import edition_inputs
    from .validation import load_responses

    for language in languages:
        check_language(language)
    if not languages:
        raise ParameterError("languages", "", "at least one language is needed")
    notebooks = Path(notebooks).resolve()
    for name in ("commentary_report.ipynb", "sector_comparison.ipynb"):
        if not (notebooks / name).is_file():
            raise ParameterError("notebooks", str(notebooks), f"{name} is missing")
    data = Path(data).resolve()
    inputs = edition_inputs(data, edition)
    commentary = Path(commentary).resolve() if commentary else data / "commentary"
    load_commentary(commentary / str(edition))  # fails early with file and key
    inst = load_instrument(instrument)
    responses = load_responses(inputs.path, inst)
    if responses.accepted == 0:
        raise ParameterError("data", str(inputs.path), "no row passed validation")
    comparison = compare_groups(responses.data, inst, sector_column, min_n=min_n, n_resamples=99)
    available = comparison.complete_groups
    if sectors is None:
        chosen = available
    else:
        chosen = list(sectors)
        unknown = [s for s in chosen if s not in available]
        if unknown:
            # the name asked for is not echoed: it may be a suppressed group's
            raise ParameterError(
                "sectors",
                "",
                f"a requested {sector_column} is not shown (at least {min_n} respondents, "
                "and not hidden with a smaller one) "
                f"(sectors: {', '.join(available)})",
            )
    chosen = list(dict.fromkeys(chosen))
    names = dict(
        zip(
            chosen,
            distinct_names([_group_name(sector_column, s) for s in chosen], chosen),
            strict=True,
        )
    )
    out_dir = Path(out).resolve() / str(edition)
    common = {
        "data_path": str(data),
        "instrument": instrument,
        "edition": edition,
        "min_n": min_n,
    }
    jobs = []
    for language in languages:
        jobs.append(
            ReportJob(
                name="benchmark",
                kind="benchmark",
                title=translate("index_benchmark", language, edition=edition),
                language=language,
                notebook=notebooks / "commentary_report.ipynb",
                parameters=common
                | {
                    "commentary_path": str(commentary),
                    "language": language,
                    "sector_column": sector_column,
                },
                out_dir=out_dir,
            )
        )
        for sector in chosen:
            jobs.append(
                ReportJob(
                    name=names[sector],
                    kind="sector",
                    title=str(sector),
                    language=language,
                    notebook=notebooks / "sector_comparison.ipynb",
                    parameters=common
                    | {
                        "sector_column": sector_column,
                        "sectors": [sector],
                        "language": language,
                    },
                    out_dir=out_dir,
                )
            )
    return jobs


def plan_scorecards(
    *,
    data: str | Path,
    edition: int,
    participants: Sequence[str] | None = None,
    languages: Sequence[str] = ("en",),
    out: str | Path = "reports",
    instrument: str = "digital-cx-2023",
    sector_column: str = "sector",
    id_column: str = ID_COLUMN,
    language_column: str = "language",
    min_n: int = DEFAULT_MIN_N,
    notebooks: str | Path = NOTEBOOKS,
) -> list[ReportJob]:
    """One scorecard job per participant, in the participant's language when the data
    carry one (column ``language_column``), else in the first of ``languages``.

    Raises
    ------
    ParameterError
        Before anything runs: a participant id that is not in the data, an unknown
        language, a missing notebook or data file.
    """
    from .instrument import load_instrument
    from .report import edition_inputs
    from .validation import load_responses

    for language in languages:
        check_language(language)
    if not languages:
        raise ParameterError("languages", "", "at least one language is needed")
    notebook = Path(notebooks).resolve() / "scorecard.ipynb"
    if not notebook.is_file():
        raise ParameterError("notebooks", str(notebook.parent), "scorecard.ipynb is missing")
    data = Path(data).resolve()
    inputs = edition_inputs(data, edition)
    responses = load_responses(inputs.path, load_instrument(instrument), id_column=id_column)
    ids = responses.data[id_column].astype(str)
    chosen = list(ids) if participants is None else [str(p) for p in participants]
    unknown = [p for p in chosen if p not in set(ids)]
    if unknown:
        raise ParameterError(
            "participants", unknown[0], f"no such {id_column} in {inputs.path.name}"
        )
    chosen = list(dict.fromkeys(chosen))
    names = dict(zip(chosen, distinct_names([slug(p) for p in chosen], chosen), strict=True))
    spoken = {}
    if language_column in responses.data.columns:
        spoken = dict(zip(ids, responses.data[language_column].astype(str), strict=True))
    out_dir = Path(out).resolve() / str(edition) / "scorecards"
    jobs = []
    for participant in chosen:
        language = spoken.get(participant, languages[0])
        language = language if language in LANGUAGES else languages[0]
        jobs.append(
            ReportJob(
                name=names[participant],
                kind="scorecard",
                title=participant,
                language=language,
                notebook=notebook,
                parameters={
                    "data_path": str(data),
                    "instrument": instrument,
                    "respondent_id": participant,
                    "edition": edition,
                    "language": language,
                    "sector_column": sector_column,
                    "id_column": id_column,
                    "min_n": min_n,
                },
                out_dir=out_dir,
            )
        )
    return jobs


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def export_html(notebook: dict | Path, path: Path, language: str, title: str) -> Path:
    """Write an executed notebook as reader-facing HTML: no code, no prompts, no
    developer cells (tag ``remove-cell``), images embedded, ``<html lang>`` set.

    The page is written atomically (:func:`cxbench.files.write_atomic`): a full disk
    raises :class:`~cxbench.errors.UnusableFileError` and leaves no partial page.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, Path) else notebook
    # the parameter cells have no output, and papermill gives the injected one a new
    # random id on every run: leaving them out keeps the HTML the same run after run
    remover = TagRemovePreprocessor(
        remove_cell_tags={"remove-cell", "parameters", "injected-parameters"}, enabled=True
    )
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(remover, enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = re.sub(r"<html[^>]*>", f'<html lang="{language}">', body, count=1)
    body = re.sub(
        r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", body, count=1, flags=re.S
    )
    body = body.replace("</head>", f"<style>{_PRINT_CSS}</style></head>", 1)
    return write_atomic(path, body, what="report")


_PRINT_CSS = (
    ".cxbench-table{border-collapse:collapse;margin:0.5em 0 1em}"
    ".cxbench-table th,.cxbench-table td{padding:0.25em 0.6em;border-bottom:1px solid #ddd}"
    "@media print{body{font-size:10pt}img{max-width:100%;page-break-inside:avoid}}"
)


def _error_page(job: ReportJob, error: str, cell: str) -> str:
    esc = html.escape
    return (
        f'<!DOCTYPE html><html lang="{job.language}"><head><meta charset="utf-8">'
        f"<title>{esc(job.title)}: {esc(translate('index_failed', job.language))}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>"
        f"<h1>{esc(job.title)}</h1>"
        f"<p><strong>{esc(translate('index_failed', job.language))}</strong></p>"
        f"<h2>{esc(translate('index_failing_cell', job.language))}</h2><pre>{esc(cell)}</pre>"
        f"<h2>{esc(translate('index_error', job.language))}</h2><pre>{esc(error)}</pre>"
        "</body></html>"
    )


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@contextlib.contextmanager
def _kernel_log(path: Path) -> Iterator[None]:
    """Send what the kernel writes to its standard error (start-up warnings, shutdown
    notices) to a log file beside the report instead of the user's terminal."""
    sys.stderr.flush()
    saved = os.dup(2)
    with path.open("ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


class WarmKernel:
    """A Jupyter kernel started once and reused for notebook after notebook.

    Starting a kernel and importing pandas, scipy, pingouin, matplotlib and cxbench
    costs about 2.5 s; a report's own cells take less. Each worker process of
    :func:`run_reports` therefore keeps one kernel and, before every notebook, brings
    it back to the state of a fresh one (:meth:`prepare`): the user namespace, the
    output history and the execution counter are reset (``%reset``), the working
    directory is set, and the warning filters and matplotlib settings are restored to
    what they were when the kernel had just imported cxbench. Imported modules stay
    loaded: that is the saving. ``tests/test_pipeline.py`` checks that a report made in
    a kernel that has already run others is byte-identical to one made in a fresh
    kernel.

    Parameters
    ----------
    kernel_name : str
        The Jupyter kernel (``python3``).
    log : Path
        Where the kernel's own standard error goes (start-up warnings).
    """

    def __init__(self, kernel_name: str, log: Path) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run = run_sync
        self.kernel_name = kernel_name
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log = log.open("ab")
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        self._run(self.km.start_kernel)(
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            stderr=self._log,
        )
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self._run(self.kc.wait_for_ready)(timeout=60)
        except Exception:
            self.shutdown()
            raise
        self.kc.allow_stdin = False
        self._execute(_KERNEL_SETUP)

    def _execute(self, code: str) -> None:
        reply = self._run(self.kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=60, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(
                f"kernel preparation failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def is_alive(self) -> bool:
        """Whether the kernel process is still running."""
        return bool(self._run(self.km.is_alive)())

    def prepare(self, cwd: Path) -> None:
        """Bring the kernel back to a fresh kernel's state, working in ``cwd``."""
        self._execute(_KERNEL_RESET.format(cwd=str(cwd)))

    def shutdown(self) -> None:
        """Stop the kernel and close its channels."""
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self._run(self.km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            self._run(self.km.cleanup_resources)()
        self._log.close()


# Run once in a new kernel: import what every report imports, and remember the
# state a fresh kernel has after those imports (names kept out of the user namespace).
_KERNEL_SETUP = """\
def _cxbench_setup():
    import sys, warnings
    import matplotlib
    import cxbench
    if sys.platform.startswith("linux"):  # die with the process that started the kernel
        try:
            import ctypes, signal
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
        except Exception:
            pass
    state = type(sys)("_cxbench_kernel_state")
    state.filters = list(warnings.filters)
    state.rc = dict(matplotlib.rcParams)
    sys.modules["_cxbench_kernel_state"] = state
_cxbench_setup()
del _cxbench_setup
"""

# Run before every notebook in a reused kernel.
_KERNEL_RESET = """\
def _cxbench_reset(cwd):
    import os, sys, warnings
    import matplotlib
    state = sys.modules["_cxbench_kernel_state"]
    get_ipython().reset(new_session=True)
    os.chdir(cwd)
    warnings.filters[:] = state.filters
    warnings._filters_mutated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.clear()
        matplotlib.rcParams.update(state.rc)
_cxbench_reset({cwd!r})  # the reset also removes _cxbench_reset itself
"""

_WORKER_KERNEL: WarmKernel | None = None


def _shutdown_worker_kernel() -> None:
    global _WORKER_KERNEL
    if _WORKER_KERNEL is not None:
        _WORKER_KERNEL.shutdown()
        _WORKER_KERNEL = None


def _worker_kernel(job: ReportJob) -> WarmKernel:
    """This process's kernel, started on first use (or again if it has died)."""
    global _WORKER_KERNEL
    if _WORKER_KERNEL is not None and not _WORKER_KERNEL.is_alive():
        _shutdown_worker_kernel()
    if _WORKER_KERNEL is None:
        from multiprocessing import util

        _WORKER_KERNEL = WarmKernel(_KERNEL, job.out_dir / "kernel.log")
        # worker processes leave through os._exit, which skips atexit
        util.Finalize(None, _shutdown_worker_kernel, exitpriority=10)
    return _WORKER_KERNEL


def _register_warm_engine() -> str:
    """Register (once) the papermill engine that runs a notebook in a given kernel."""
    import logging

    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            *,
            kernel: WarmKernel,
            log_output=False,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            client = PapermillNotebookClient(
                nb_man,
                km=kernel.km,
                kernel_name=kernel_name,
                log=logging.getLogger("papermill"),
                log_output=log_output,
                startup_timeout=start_timeout,
                timeout=execution_timeout,
            )
            client.kc = kernel.kc  # not owned: nbclient neither starts nor stops it
            return client.execute()

    papermill_engines.register("cxbench-warm", WarmKernelEngine)
    return "cxbench-warm"


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent(parent: int | None = None, sig: int = signal.SIGKILL) -> bool:
    """Have Linux send ``sig`` to this process when its parent ends (``PR_SET_PDEATHSIG``).

    Precisely: when the *thread* that started this process ends, which for a
    :func:`run_reports` worker is the parent's main thread. Returns whether the request
    was made (never on other systems). ``parent``: the pid the caller expects as its
    parent; if the parent has already gone, this process leaves at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    return True


def _child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux ``/proc``; none found elsewhere)."""
    children = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = entry.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                children.append(int(entry.parent.name))
    return children


_PARTIAL: Path | None = None  # the notebook this process is writing, removed if it is stopped


def _stop_worker(signum: int, frame: object) -> None:
    """SIGTERM in a worker: kill its kernels (each leads its own process group) and leave."""
    kernels = _child_pids(os.getpid())
    if _WORKER_KERNEL is not None:
        provisioner = getattr(_WORKER_KERNEL.km, "provisioner", None)
        kernels.append(getattr(provisioner, "pid", None) or 0)
    for pid in {p for p in kernels if p > 0}:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    if _PARTIAL is not None:
        with contextlib.suppress(OSError):
            _PARTIAL.unlink()
    os._exit(128 + signum)


def _init_worker(parent: int) -> None:
    """Start of a :func:`run_reports` worker: killed when the parent ends (its kernel,
    see ``_KERNEL_SETUP``, is killed in turn when the worker ends), stopping its kernels
    on SIGTERM, and leaving Ctrl-C to the parent (which stops the workers itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    _die_with_parent(parent, signal.SIGKILL)


def _partial_notebook(job: ReportJob) -> Path:
    """The temporary name papermill writes the executed notebook to (renamed when done)."""
    return job.executed.with_name(f".cxbench-{os.getpid()}-{_digest(job.name)}.partial.ipynb")


def _publish_notebook(partial: Path, final: Path) -> None:
    """Flush ``partial`` to disk and rename it to ``final``."""
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, final)


def _execute(
    job: ReportJob, partial: Path, timings: dict[str, float], reuse_kernel: bool
) -> tuple[str, str, bool]:
    """Run the notebook into ``partial``: (error, failing cell, whether ``partial`` is a
    whole notebook)."""
    import papermill as pm

    try:
        options: dict[str, Any] = {}
        if reuse_kernel:
            tick = time.perf_counter()
            fresh = _WORKER_KERNEL is None or not _WORKER_KERNEL.is_alive()
            kernel = _worker_kernel(job)
            timings["kernel_start" if fresh else "kernel_reset"] = time.perf_counter() - tick
            tick = time.perf_counter()
            kernel.prepare(job.notebook.parent)
            timings["kernel_reset"] += time.perf_counter() - tick
            options = {"engine_name": _register_warm_engine(), "kernel": kernel}
        else:
            options = {"cwd": str(job.notebook.parent)}
        tick = time.perf_counter()
        try:
            pm.execute_notebook(
                str(job.notebook),
                str(partial),
                parameters=job.parameters,
                kernel_name=_KERNEL,
                progress_bar=False,
                log_output=False,
                **options,
            )
        finally:
            timings["execute"] = time.perf_counter() - tick
    except pm.PapermillExecutionError as exc:  # papermill has written the whole notebook
        return _strip_ansi(f"{exc.ename}: {exc.evalue}"), exc.source, True
    except OSError as exc:  # the notebook could not be written (a full disk ...)
        return f"cannot write the executed notebook ({exc.strerror or exc})", "", False
    except Exception as exc:  # a kernel that died, a notebook that cannot be read
        return _strip_ansi(f"{type(exc).__name__}: {exc}"), "", False
    return "", "", True


def run_report(job: ReportJob, pdf: bool = False, *, reuse_kernel: bool = False) -> ReportResult:
    """Execute one job's notebook and publish it.

    Every file is written under a temporary name and renamed into place when it is
    complete: the executed notebook (papermill writes it to a hidden ``.partial.ipynb``
    beside it), the HTML page and the PDF. A report whose notebook fails, or whose files
    cannot be written (a full disk, a name the file system refuses), is ``failed``, with
    the reason in ``error``; its page is then an error page when one can be written, and
    no notebook, page or PDF of an earlier run is left under its names.

    Parameters
    ----------
    job : ReportJob
    pdf : bool
        Also write a PDF (WeasyPrint).
    reuse_kernel : bool
        Run in this process's :class:`WarmKernel` (started on first use) instead of a
        new kernel; :func:`run_reports` does this in each worker.

    Returns
    -------
    ReportResult
        With ``timings``: seconds spent starting a kernel, preparing a reused one,
        executing the notebook and exporting it; ``outputs``: the files it wrote.
    """
    global _PARTIAL
    import papermill  # noqa: F401  (its import is not counted in the report's time)

    started, clock = _now(), datetime.now(UTC)
    timings: dict[str, float] = {"kernel_start": 0.0, "kernel_reset": 0.0, "execute": 0.0}
    error, cell, notebook = "", "", False
    partial = _partial_notebook(job)
    try:
        job.executed.parent.mkdir(parents=True, exist_ok=True)
        with _kernel_log(job.log):
            _PARTIAL = partial
            error, cell, whole = _execute(job, partial, timings, reuse_kernel)
        if whole:
            _publish_notebook(partial, job.executed)
            notebook = True
    except OSError as exc:
        error = error or f"cannot write the report's files ({exc.strerror or exc})"
    finally:
        _PARTIAL = None
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    tick = time.perf_counter()
    if not error:
        try:
            export_html(job.executed, job.html, job.language, job.title)
            if pdf:
                from weasyprint import HTML

                write_atomic(job.pdf, HTML(filename=str(job.html)).write_pdf(), what="PDF")
        except UnusableFileError as exc:
            error = exc.problem
        except Exception as exc:  # nbconvert or WeasyPrint failing on this notebook
            error = _strip_ansi(f"cannot export the report: {type(exc).__name__}: {exc}")
    stale = [job.pdf] if error or not pdf else []
    if error:
        stale += [] if notebook else [job.executed]
        try:
            write_atomic(job.html, _error_page(job, error, cell), what="error page")
        except UnusableFileError as exc:
            error = f"{error}; {exc.problem}"
            stale.append(job.html)
    for path in stale:  # files of an earlier run that this one did not remake
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    timings["export"] = time.perf_counter() - tick
    outputs = [str(p) for p in (job.executed, job.log, job.pdf, job.html) if _is_file(p)]
    seconds = (datetime.now(UTC) - clock).total_seconds()
    return ReportResult(
        job,
        "failed" if error else "ok",
        started,
        _now(),
        round(seconds, 2),
        error,
        cell,
        outputs,
        {key: round(value, 3) for key, value in timings.items()},
    )


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a name too long to look up
        return False


class ReportSetInterrupted(CxbenchError):
    """The report set was stopped (SIGTERM, SIGINT) before every report was made.

    ``results`` holds the reports that were finished, by their place in the plan.
    """

    def __init__(self, signum: int, results: dict[int, ReportResult] | None = None) -> None:
        self.signum = signum
        self.results = dict(results or {})
        self.detail = ""
        super().__init__(self._message())

    def _message(self) -> str:
        name = signal.Signals(self.signum).name
        return f"stopped by {name}{self.detail}"

    def describe(self, detail: str) -> ReportSetInterrupted:
        """Add ``detail`` (what was made, where) to the message."""
        self.detail = detail
        self.args = (self._message(),)
        return self


def _stop_pool(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """Stop every worker of ``pool`` (SIGTERM: each kills its kernel; SIGKILL after
    ``grace`` seconds) and shut the pool down without waiting for queued jobs."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)
    pool.shutdown(wait=False, cancel_futures=True)


def _crashed(job: ReportJob, exc: BaseException) -> ReportResult:
    """The result of a job whose worker failed outside :func:`run_report`."""
    now = _now()
    return ReportResult(job, "failed", now, now, 0.0, f"{type(exc).__name__}: {exc}")


def run_reports(
    jobs: Sequence[ReportJob],
    *,
    n_jobs: int | None = None,
    pdf: bool = False,
    progress: bool = True,
    on_result: Callable[[ReportResult], None] | None = None,
    reuse_kernels: bool = True,
) -> list[ReportResult]:
    """Run every job, ``n_jobs`` at a time (default: the number of cores), with a
    progress bar; a failing report does not stop the others. Results in job order.

    Each worker process starts one kernel and reuses it for every report it makes
    (see :class:`WarmKernel`); ``reuse_kernels=False`` starts a new kernel per report.
    Workers and their kernels end with this process: on Linux the kernel asks for it
    (``PR_SET_PDEATHSIG``), so even ``kill -9`` of this process leaves none running.
    A worker that dies (or a job that cannot be sent to one) makes that job ``failed``.

    Raises
    ------
    ReportSetInterrupted
        When :func:`run_report_set`'s signal handler stops the run; the workers and
        their kernels are stopped first, and the exception carries the finished results.
    """
    from concurrent.futures.process import BrokenProcessPool

    from tqdm import tqdm

    n_jobs = n_jobs or os.cpu_count() or 1
    results: dict[int, ReportResult] = {}
    pool = ProcessPoolExecutor(
        max_workers=n_jobs, initializer=_init_worker, initargs=(os.getpid(),)
    )
    bar = tqdm(total=len(jobs), unit="report", disable=not progress, desc="reports")
    try:
        futures = {
            pool.submit(run_report, job, pdf, reuse_kernel=reuse_kernels): i
            for i, job in enumerate(jobs)
        }
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except (BrokenProcessPool, Exception) as exc:
                result = _crashed(jobs[index], exc)
            results[index] = result
            bar.update()
            if on_result:
                on_result(result)
    except BaseException as exc:
        _stop_pool(pool)
        if isinstance(exc, ReportSetInterrupted):
            exc.results.update(results)
        raise
    finally:
        bar.close()
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(jobs))]


def write_index(results: Sequence[ReportResult], edition: int, out_dir: Path) -> Path:
    """``index.html``: every report of the edition, by language, failed ones marked.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> job = ReportJob("sector-x", "sector", "<b>X</b>", "ru", Path("n.ipynb"), {}, out)
    >>> page = write_index([ReportResult(job, "ok", "t0", "t1", 1.0)], 2023, out).read_text()
    >>> 'href="ru/sector-x.html"' in page, "&lt;b&gt;X&lt;/b&gt;" in page
    (True, True)
    """
    esc = html.escape
    out_dir = Path(out_dir)
    sections = []
    for language in dict.fromkeys(r.job.language for r in results):
        items = []
        for result in (r for r in results if r.job.language == language):
            href = result.job.html.relative_to(out_dir).as_posix()
            mark = (
                f' <strong class="failed">({esc(translate("index_failed", language))})</strong>'
                if result.status != "ok"
                else ""
            )
            extra = ""
            if result.status == "ok" and result.job.pdf.exists():
                pdf = result.job.pdf.relative_to(out_dir).as_posix()
                extra = f' · <a href="{esc(pdf)}">PDF</a>'
            kind = translate(f"index_kind_{result.job.kind}", language)
            items.append(
                f'<li><a href="{esc(href)}">{esc(result.job.title)}</a>'
                f" <span class=kind>{esc(kind)}</span>{extra}{mark}</li>"
            )
        sections.append(
            f'<section lang="{language}"><h2>{esc(translate("language_name", language))}</h2>'
            f"<ul>{''.join(items)}</ul></section>"
        )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>cxbench {edition}</title>"
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}"
        ".failed{color:#b00}.kind{color:#666;font-size:90%}</style></head><body>"
        f"<h1>{esc(translate('index_title', 'en', edition=edition))}</h1>"
        f"{''.join(sections)}</body></html>"
    )
    return write_atomic(out_dir / "index.html", page, what="index")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(
    results: Sequence[ReportResult],
    *,
    edition: int,
    out_dir: Path,
    inputs: Sequence[Path],
    started: str,
    finished: str,
    options: dict[str, Any],
    status: str = "finished",
) -> Path:
    """``manifest.json``: the runs (parameters, times, status) and the inputs' sha256.

    ``status`` is the set's: ``running`` (written when a run starts, every report
    ``pending``, with the pid of the run), ``finished`` or ``interrupted``. Each report
    has its own: ``ok``, ``failed``, ``pending`` or ``interrupted``; only ``ok`` ones
    are complete. The file is replaced atomically.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> job = ReportJob("sector-x", "sector", "X", "en", Path("n.ipynb"), {}, out)
    >>> path = write_manifest([ReportResult(job, "pending", "", "", 0.0)], edition=2023,
    ...                       out_dir=out, inputs=[], started="t0", finished="",
    ...                       options={}, status="running")
    >>> manifest = json.loads(path.read_text())
    >>> manifest["status"], manifest["pid"] == os.getpid(), manifest["reports"][0]["status"]
    ('running', True, 'pending')
    """
    from . import __version__

    out_dir = Path(out_dir)
    files = sorted({Path(p).resolve() for p in inputs})
    manifest: dict[str, Any] = {
        "cxbench_version": __version__,
        "edition": edition,
        "status": status,
        **({"pid": os.getpid()} if status == "running" else {}),
        "started": started,
        "finished": finished,
        "options": options,
        "inputs": {str(p): _sha256(p) for p in files if p.is_file()},
        "reports": [
            {
                "name": r.job.name,
                "kind": r.job.kind,
                "language": r.job.language,
                "notebook": str(r.job.notebook),
                "parameters": r.job.parameters,
                "status": r.status,
                "started": r.started,
                "finished": r.finished,
                "seconds": r.seconds,
                "timings": r.timings,
                "outputs": [Path(o).relative_to(out_dir).as_posix() for o in r.outputs],
                "error": r.error,
            }
            for r in results
        ],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    return write_atomic(out_dir / "manifest.json", text, what="manifest")


#: The lock file of a run, in the edition's folder.
LOCK_NAME = ".cxbench-report.lock"
_HELD_LOCKS: dict[str, int] = {}  # folder -> how many times this process holds it


class ReportFolderBusyError(CxbenchError):
    """Another ``cxbench report`` run is writing to the same folder.

    Examples
    --------
    >>> print(ReportFolderBusyError(Path("reports/2023"), 4242))
    another cxbench report is writing to reports/2023 (pid 4242); wait for it or choose
    another --out
    """

    def __init__(self, folder: Path, pid: int | None) -> None:
        self.path = str(folder)
        self.pid = pid
        who = f" (pid {pid})" if pid else ""
        super().__init__(
            f"another cxbench report is writing to {folder}{who}; "
            "wait for it or choose another --out"
        )


@contextlib.contextmanager
def lock_report_folder(folder: str | Path) -> Iterator[Path]:
    """Hold the exclusive lock of an edition's folder (``<folder>/.cxbench-report.lock``)
    while the block runs.

    The lock is ``flock``-ed, so it goes when the process ends however it ends (also on
    ``kill -9``), and workers forked meanwhile hold it with their parent. The same
    process may take it again (nested); another process is refused at once.

    Raises
    ------
    ReportFolderBusyError
        When another process holds the lock; its pid is in the message.
    UnusableFileError
        When the folder or the lock file cannot be made.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with lock_report_folder(folder) as lock:
    ...     lock.name, lock.read_text().strip() == str(os.getpid())
    ('.cxbench-report.lock', True)
    """
    folder = Path(folder).resolve()
    key = str(folder)
    if key in _HELD_LOCKS:
        _HELD_LOCKS[key] += 1
        try:
            yield folder / LOCK_NAME
        finally:
            _HELD_LOCKS[key] -= 1
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        fcntl = None  # type: ignore[assignment]
    path = folder / LOCK_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UnusableFileError(
            str(path), f"cannot make the lock ({exc.strerror or exc})"
        ) from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.read(handle, 32).decode("ascii", "replace").strip()
                raise ReportFolderBusyError(
                    folder, int(holder) if holder.isdigit() else None
                ) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode("ascii"))
        _HELD_LOCKS[key] = 1
        try:
            yield path
        finally:
            del _HELD_LOCKS[key]
            with contextlib.suppress(OSError):
                os.ftruncate(handle, 0)
    finally:
        os.close(handle)  # releases the lock (the file stays: removing it would race)


@dataclass(frozen=True)
class ReportSet:
    """What :func:`run_report_set` made."""

    results: list[ReportResult]
    tables: Any = None
    index: Path | None = None
    manifest: Path | None = None


def _interrupted(job: ReportJob, signum: int) -> ReportResult:
    name = signal.Signals(signum).name
    return ReportResult(job, "interrupted", "", "", 0.0, f"not made: the run was stopped by {name}")


def _raise_interrupted(signum: int, frame: object) -> None:
    # a second signal takes its default effect (children end with this process)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    raise ReportSetInterrupted(signum)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into :class:`ReportSetInterrupted` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _remove_partials(folder: Path) -> None:
    """Temporary files left by a run that was killed (taken under the lock)."""
    for pattern in (".cxbench-*.partial.ipynb", ".cxbench-*.tmp"):
        for path in folder.rglob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()


def run_report_set(
    jobs: Sequence[ReportJob],
    *,
    edition: int,
    out: str | Path,
    options: dict[str, Any],
    tables: Callable[[], Any] | None = None,
    n_jobs: int | None = None,
    pdf: bool = False,
    progress: bool = True,
    reuse_kernels: bool = True,
    on_result: Callable[[ReportResult], None] | None = None,
) -> ReportSet:
    """Make an edition's report set: lock, mark the old manifest stale, tables, reports,
    then the index and the manifest.

    In order: the edition's folder ``<out>/<edition>`` is locked
    (:func:`lock_report_folder`); temporary
    files of a killed run are removed, the old index is removed and the manifest is
    replaced by a ``running`` one (every report ``pending``), so that a run that is
    killed leaves no manifest calling a report ``ok`` that it did not make; ``tables``
    (e.g. :func:`cxbench.report.write_edition_tables`) is called; the reports are made
    (:func:`run_reports`); last, the index and the manifest describe every report with
    its real status. SIGTERM or SIGINT stops the workers and their kernels, writes the
    index and an ``interrupted`` manifest, and raises :class:`ReportSetInterrupted`.

    Parameters
    ----------
    jobs : sequence of ReportJob
        From :func:`plan_reports` or :func:`plan_scorecards`; may be empty (tables only).
        The index and the manifest go to the first job's ``out_dir``.
    edition : int
    out : path
        The reports folder; the lock covers the edition's folder ``<out>/<edition>``.
    options : dict
        Recorded in the manifest.
    tables : callable, optional
        Run under the lock before the reports; its result is ``ReportSet.tables``.
    n_jobs, pdf, progress, reuse_kernels, on_result
        As in :func:`run_reports`.

    Raises
    ------
    ReportFolderBusyError
        When another run holds the folder; nothing is written then.
    ReportSetInterrupted
        On SIGTERM or SIGINT, after the index and the manifest are written.
    """
    started = _now()
    folder = Path(out).resolve() / str(edition)
    with _stop_on_signals(), lock_report_folder(folder):
        out_dir = jobs[0].out_dir if jobs else None
        inputs = report_inputs(jobs) if jobs else []

        def manifest(results: Sequence[ReportResult], status: str) -> Path:
            assert out_dir is not None
            finished = "" if status == "running" else _now()
            return write_manifest(
                results,
                edition=edition,
                out_dir=out_dir,
                inputs=inputs,
                started=started,
                finished=finished,
                options=options,
                status=status,
            )

        finished: dict[int, ReportResult] = {}
        table_result = None
        try:
            _remove_partials(folder)
            if out_dir is not None:
                with contextlib.suppress(OSError):
                    (out_dir / "index.html").unlink(missing_ok=True)
                manifest([ReportResult(job, "pending", "", "", 0.0) for job in jobs], "running")
            table_result = tables() if tables else None
            if not jobs:
                return ReportSet([], table_result)
            results = run_reports(
                jobs,
                n_jobs=n_jobs,
                pdf=pdf,
                progress=progress,
                on_result=on_result,
                reuse_kernels=reuse_kernels,
            )
            finished = dict(enumerate(results))
            index = write_index(results, edition, out_dir)
            return ReportSet(results, table_result, index, manifest(results, "finished"))
        except ReportSetInterrupted as exc:
            finished.update(exc.results)
            results = [finished.get(i) or _interrupted(j, exc.signum) for i, j in enumerate(jobs)]
            made = sum(r.status == "ok" for r in results)
            detail = f"; {made} of {len(results)} reports made"
            if out_dir is not None:
                write_index(results, edition, out_dir)
                path = manifest(results, "interrupted")
                detail += f", the others are marked 'interrupted' in {path}"
            raise exc.describe(detail) from None


def report_inputs(jobs: Sequence[ReportJob]) -> list[Path]:
    """Every file the jobs read: notebooks, data files, commentary, the instrument."""
    from .instrument import load_instrument

    paths: set[Path] = set()
    for job in jobs:
        paths.add(job.notebook)
        data = Path(job.parameters["data_path"])
        paths |= {p for p in data.glob("benchmark_*") if p.is_file()}
        paths |= set(data.glob("benchmark_*.meta.yaml"))
        if "commentary_path" in job.parameters:
            folder = Path(job.parameters["commentary_path"]) / str(job.parameters["edition"])
            paths |= {p for p in folder.iterdir() if p.is_file()}
        source = load_instrument(job.parameters["instrument"]).source
        if source and Path(source).is_file():
            paths.add(Path(source))
    return sorted(paths)


def results_summary(results: Sequence[ReportResult]) -> str:
    """One line per failed report and a count.

    Examples
    --------
    >>> job = ReportJob("sector-x", "sector", "X", "tr", Path("n.ipynb"), {}, Path("out"))
    >>> ok = ReportResult(job, "ok", "t0", "t1", 1.0)
    >>> failed = ReportResult(job, "failed", "t0", "t1", 1.0, error="ParameterError: x")
    >>> print(results_summary([ok, failed]))
    1 of 2 reports made
      FAILED tr/sector-x: ParameterError: x
    """
    failed = [r for r in results if r.status != "ok"]
    lines = [f"{len(results) - len(failed)} of {len(results)} reports made"]
    lines += [f"  FAILED {r.job.language}/{r.job.name}: {r.error}" for r in failed]
    return "\n".join(lines)
