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
status.

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
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .i18n import LANGUAGES, check_language, translate

__all__ = [
    "ReportJob",
    "ReportResult",
    "WarmKernel",
    "export_html",
    "plan_reports",
    "plan_scorecards",
    "report_inputs",
    "results_summary",
    "run_report",
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


def slug(text: str) -> str:
    """A file-name-safe form of a group name.

    Examples
    --------
    >>> slug("Travel & hospitality"), slug("Şirket İçi"), slug("<script>")
    ('travel-hospitality', 'sirket-ici', 'script')
    """
    folded = unicodedata.normalize("NFKD", str(text).replace("ı", "i").replace("İ", "I"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "group"


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
    min_n: int = 5,
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
            raise ParameterError(
                "sectors",
                unknown[0],
                f"no {sector_column} of that name with at least {min_n} respondents "
                f"(sectors: {', '.join(available)})",
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
                    name=f"{slug(sector_column)}-{slug(sector)}",
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
    names = [(job.language, job.name) for job in jobs]
    if len(set(names)) != len(names):
        raise ParameterError("sectors", ", ".join(chosen), "two sectors give the same file name")
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
    id_column: str = "respondent_id",
    language_column: str = "language",
    min_n: int = 5,
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
                name=slug(participant),
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
    names = [(job.language, job.name) for job in jobs]
    if len(set(names)) != len(names):
        raise ParameterError("participants", "", "two ids give the same file name")
    return jobs


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def export_html(notebook: dict | Path, path: Path, language: str, title: str) -> Path:
    """Write an executed notebook as reader-facing HTML: no code, no prompts, no
    developer cells (tag ``remove-cell``), images embedded, ``<html lang>`` set."""
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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


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


def run_report(job: ReportJob, pdf: bool = False, *, reuse_kernel: bool = False) -> ReportResult:
    """Execute one job's notebook and publish it.

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
        executing the notebook and exporting it.
    """
    import papermill as pm

    started, clock = _now(), datetime.now(UTC)
    timings: dict[str, float] = {"kernel_start": 0.0, "kernel_reset": 0.0}
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    error, cell = "", ""
    with _kernel_log(job.log):
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
                    str(job.executed),
                    parameters=job.parameters,
                    kernel_name=_KERNEL,
                    progress_bar=False,
                    log_output=False,
                    **options,
                )
            finally:
                timings["execute"] = time.perf_counter() - tick
        except pm.PapermillExecutionError as exc:
            error = _strip_ansi(f"{exc.ename}: {exc.evalue}")
            cell = exc.source
        except Exception as exc:  # a kernel that died, a notebook that cannot be read
            error = _strip_ansi(f"{type(exc).__name__}: {exc}")
    outputs = [str(job.executed), str(job.log)]
    tick = time.perf_counter()
    if error:
        job.html.write_text(_error_page(job, error, cell), encoding="utf-8")
    else:
        export_html(job.executed, job.html, job.language, job.title)
        if pdf:
            from weasyprint import HTML

            HTML(filename=str(job.html)).write_pdf(str(job.pdf))
            outputs.append(str(job.pdf))
    timings["export"] = time.perf_counter() - tick
    outputs.append(str(job.html))
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
    """
    from tqdm import tqdm

    n_jobs = n_jobs or os.cpu_count() or 1
    results: dict[int, ReportResult] = {}
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        futures = {
            pool.submit(run_report, job, pdf, reuse_kernel=reuse_kernels): i
            for i, job in enumerate(jobs)
        }
        bar = tqdm(total=len(jobs), unit="report", disable=not progress, desc="reports")
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            bar.update()
            if on_result:
                on_result(result)
        bar.close()
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
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


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
) -> Path:
    """``manifest.json``: the runs (parameters, times, status) and the inputs' sha256."""
    from . import __version__

    out_dir = Path(out_dir)
    files = sorted({Path(p).resolve() for p in inputs})
    manifest = {
        "cxbench_version": __version__,
        "edition": edition,
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
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


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
