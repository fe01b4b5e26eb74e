"""Running a report set: each notebook executed with papermill into a temporary file
(:func:`run_report`), in parallel workers that reuse one kernel each
(:func:`run_reports`), and the whole sequence for ``cxbench report`` in order — lock,
``running`` manifest, tables, reports, index, final manifest — with SIGTERM and SIGINT
handled (:func:`run_report_set`)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._checks import DEFAULT_MIN_N, ID_COLUMN
from ..errors import CxbenchError, ParameterError, UnusableFileError
from ..files import write_atomic
from ..runcache import RUN_CACHE_ENV
from .html import error_page, export_html, write_index
from .kernel import (
    KERNEL_NAME,
    die_with_parent,
    kernel_log,
    kill_worker_kernels,
    register_warm_engine,
    worker_kernel,
    worker_kernel_alive,
)
from .manifest import (
    job_fingerprint,
    lock_report_folder,
    read_manifest,
    reusable,
    write_manifest,
)
from .pdf import report_title, write_pdf
from .plan import (
    Outputs,
    ReportJob,
    ReportResult,
    check_parameters,
    name_digest,
    report_inputs,
)
from .slides import report_notes, write_slides

__all__ = [
    "ReportSet",
    "ReportSetInterrupted",
    "make_report_set",
    "results_summary",
    "run_report",
    "run_report_set",
    "run_reports",
    "strip_ansi",
    "utc_now",
]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


_PARTIAL: Path | None = None  # the notebook this process is writing, removed if it is stopped


def _stop_worker(signum: int, frame: object) -> None:
    """SIGTERM in a worker: kill its kernels (each leads its own process group) and leave."""
    kill_worker_kernels()
    if _PARTIAL is not None:
        with contextlib.suppress(OSError):
            _PARTIAL.unlink()
    os._exit(128 + signum)


def _init_worker(parent: int, cache: str) -> None:
    """Start of a :func:`run_reports` worker: killed when the parent ends (its kernel,
    see ``_KERNEL_SETUP``, is killed in turn when the worker ends), stopping its kernels
    on SIGTERM, and leaving Ctrl-C to the parent (which stops the workers itself); its
    kernels share the run's ``cache`` folder (:mod:`cxbench.runcache`)."""
    os.environ[RUN_CACHE_ENV] = cache
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    die_with_parent(parent, signal.SIGKILL)


def _partial_notebook(job: ReportJob) -> Path:
    """The temporary name papermill writes the executed notebook to (renamed when done)."""
    return job.executed.with_name(f".cxbench-{os.getpid()}-{name_digest(job.name)}.partial.ipynb")


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
            fresh = not worker_kernel_alive()
            kernel = worker_kernel(job)
            timings["kernel_start" if fresh else "kernel_reset"] = time.perf_counter() - tick
            tick = time.perf_counter()
            kernel.prepare(job.notebook.parent)
            timings["kernel_reset"] += time.perf_counter() - tick
            options = {"engine_name": register_warm_engine(), "kernel": kernel}
        else:
            options = {"cwd": str(job.notebook.parent)}
        tick = time.perf_counter()
        try:
            pm.execute_notebook(
                str(job.notebook),
                str(partial),
                parameters=job.parameters,
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                log_output=False,
                # one write at the end (or at a failing cell), not two after every cell:
                # the file is a temporary one that nobody reads before it is complete
                request_save_on_cell_execute=False,
                **options,
            )
        finally:
            timings["execute"] = time.perf_counter() - tick
    except pm.PapermillExecutionError as exc:  # papermill has written the whole notebook
        return strip_ansi(f"{exc.ename}: {exc.evalue}"), exc.source, True
    except OSError as exc:  # the notebook could not be written (a full disk ...)
        return f"cannot write the executed notebook ({exc.strerror or exc})", "", False
    except Exception as exc:  # a kernel that died, a notebook that cannot be read
        return strip_ansi(f"{type(exc).__name__}: {exc}"), "", False
    return "", "", True


def _theme(path: Path | None) -> Any:
    """The team's theme (:func:`cxbench.theme.load_theme`), or None for cxbench's own
    look; its warnings (a colour darkened for contrast) are left to whoever loaded it
    first (``cxbench report`` prints them once)."""
    if path is None:
        return None
    import warnings

    from ..theme import load_theme

    with warnings.catch_warnings():  # said once, by whoever loaded it first (the CLI)
        warnings.simplefilter("ignore")
        return load_theme(path)


def _check_outputs(outputs: Outputs) -> None:
    """Refuse what cannot be made here, before anything runs: a PDF or deck without its
    library (the extra ``pdf``), a paper size or theme file that cannot be used.

    Examples
    --------
    >>> _check_outputs(Outputs(pdf=True, paper="a5"))
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: paper='a5': must be one of a4, letter
    """
    from importlib.util import find_spec

    from .pdf import PAPER_SIZES

    if str(outputs.paper).casefold() not in PAPER_SIZES:
        raise ParameterError("paper", outputs.paper, f"must be one of {', '.join(PAPER_SIZES)}")
    for wanted, module, option in (
        (outputs.pdf, "weasyprint", "--pdf"),
        (outputs.pptx, "pptx", "--pptx"),
    ):
        if wanted and find_spec(module) is None:
            raise ParameterError(option, module, 'is not installed: pip install "cxbench[pdf]"')
    _theme(outputs.theme)  # a theme file that cannot be used is refused here


def _subject(job: ReportJob) -> str:
    """What a report's own title does not say: the sector a sector report is on."""
    return job.title if job.kind == "sector" else ""


def _edition_line(job: ReportJob) -> str:
    """The edition as a title slide says it ("Edition 2023"), or nothing."""
    from ..i18n import translate

    edition = job.parameters.get("edition")
    return translate("print_edition", job.language, edition=edition) if edition else ""


def run_report(
    job: ReportJob, pdf: bool | Outputs = False, *, reuse_kernel: bool = False
) -> ReportResult:
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
    pdf : bool or Outputs
        Also write a PDF (``True``), or what :class:`Outputs` asks for: a PDF on its
        paper, a slide deck, the team's theme.
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

    outputs = pdf if isinstance(pdf, Outputs) else Outputs(pdf=bool(pdf))
    started, clock = utc_now(), datetime.now(UTC)
    timings: dict[str, float] = {"kernel_start": 0.0, "kernel_reset": 0.0, "execute": 0.0}
    error, cell, notebook = "", "", False
    partial = _partial_notebook(job)
    try:
        job.executed.parent.mkdir(parents=True, exist_ok=True)
        with kernel_log(job.log):
            _PARTIAL = partial
            # the kernel draws the charts in the team's theme (the notebooks' theme_path)
            # and at twice the resolution for print and projector (sharp_charts)
            extra: dict[str, Any] = {}
            if outputs.theme is not None:
                extra["theme_path"] = str(Path(outputs.theme).resolve())
            if outputs.pdf or outputs.pptx:
                extra["sharp_charts"] = True
            run = replace(job, parameters=job.parameters | extra) if extra else job
            error, cell, whole = _execute(run, partial, timings, reuse_kernel)
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
            import nbformat

            executed = nbformat.read(str(job.executed), as_version=4)
            theme = _theme(outputs.theme)
            export_html(executed, job.html, job.language, job.title, theme=theme)
            if outputs.pdf:
                write_pdf(
                    executed,
                    job.pdf,
                    title=job.title,
                    language=job.language,
                    edition=job.parameters.get("edition"),
                    paper=outputs.paper,
                    theme=theme,
                    contents=job.kind != "scorecard",
                    subject=_subject(job),
                )
            if outputs.pptx:
                # the report's own title; the sector in focus and the edition under it
                write_slides(
                    executed,
                    job.pptx,
                    title=report_title(executed) or job.title,
                    subtitle=" · ".join(t for t in (_subject(job), _edition_line(job)) if t),
                    language=job.language,
                    notes=report_notes(executed),
                    theme=theme,
                )
        except UnusableFileError as exc:
            error = exc.problem
        except Exception as exc:  # nbconvert or WeasyPrint failing on this notebook
            error = strip_ansi(f"cannot export the report: {type(exc).__name__}: {exc}")
    stale = [job.pdf] if error or not outputs.pdf else []
    stale += [job.pptx] if error or not outputs.pptx else []
    if error:
        stale += [] if notebook else [job.executed]
        try:
            write_atomic(job.html, error_page(job, error, cell), what="error page")
        except UnusableFileError as exc:
            error = f"{error}; {exc.problem}"
            stale.append(job.html)
    for path in stale:  # files of an earlier run that this one did not remake
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    timings["export"] = time.perf_counter() - tick
    written = (job.executed, job.log, job.pdf, job.pptx, job.html)
    files = [str(p) for p in written if _is_file(p)]
    seconds = (datetime.now(UTC) - clock).total_seconds()
    return ReportResult(
        job,
        "failed" if error else "ok",
        started,
        utc_now(),
        round(seconds, 2),
        error,
        cell,
        files,
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
    now = utc_now()
    return ReportResult(job, "failed", now, now, 0.0, f"{type(exc).__name__}: {exc}")


def run_reports(
    jobs: Sequence[ReportJob],
    *,
    n_jobs: int | None = None,
    pdf: bool | Outputs = False,
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
    cache = tempfile.mkdtemp(prefix="cxbench-run-")  # what the reports share, this run only
    pool = ProcessPoolExecutor(
        max_workers=n_jobs, initializer=_init_worker, initargs=(os.getpid(), cache)
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
    else:
        pool.shutdown(wait=True)
    finally:
        bar.close()
        shutil.rmtree(cache, ignore_errors=True)
    return [results[i] for i in range(len(jobs))]


@dataclass(frozen=True)
class ReportSet:
    """What :func:`run_report_set` made."""

    results: list[ReportResult]
    tables: Any = None
    index: Path | None = None
    manifest: Path | None = None
    notes: tuple[str, ...] = ()


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
    pdf: bool | Outputs = False,
    progress: bool = True,
    reuse_kernels: bool = True,
    on_result: Callable[[ReportResult], None] | None = None,
    force: bool = False,
) -> ReportSet:
    """Make an edition's report set: lock, mark the old manifest stale, tables, the
    reports whose inputs changed, then the index and the manifest.

    In order: the edition's folder ``<out>/<edition>`` is locked
    (:func:`lock_report_folder`); each report's fingerprint is taken
    (:func:`~cxbench.publish.manifest.job_fingerprint`) and a report made by an earlier
    run from the same inputs, whose files are all still there unchanged, is kept as it
    is (:func:`~cxbench.publish.manifest.reusable`; ``force`` makes every report
    again); the parameters of the reports to make are checked
    (:func:`~cxbench.publish.plan.check_parameters`) before anything is written;
    temporary files of a killed run are removed; when a report is to be made, the old
    index is removed and the manifest is replaced by a ``running`` one (the reports to
    make ``pending``, the kept ones ``ok``), so that a run that is killed leaves no
    manifest calling a report ``ok`` that is not complete; ``tables`` (e.g.
    :func:`cxbench.report.write_edition_tables`) is called; the reports are made
    (:func:`run_reports`); last, the index (rewritten only if it changed) and the
    manifest describe every report with its real status. SIGTERM or SIGINT stops the
    workers and their kernels, writes the index and an ``interrupted`` manifest, and
    raises :class:`ReportSetInterrupted`.

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
    force : bool
        Make every report, also those whose inputs have not changed.

    Raises
    ------
    ReportFolderBusyError
        When another run holds the folder; nothing is written then.
    ParameterError
        When a report to make has a parameter its notebook does not declare; nothing
        is written then.
    ReportSetInterrupted
        On SIGTERM or SIGINT, after the index and the manifest are written.
    """
    started = utc_now()
    outputs = pdf if isinstance(pdf, Outputs) else Outputs(pdf=bool(pdf))
    folder = Path(out).resolve() / str(edition)
    with _stop_on_signals(), lock_report_folder(folder):
        out_dir = jobs[0].out_dir if jobs else None
        inputs = report_inputs(jobs) if jobs else []
        digests: dict[Path, str] = {}
        fingerprints = [job_fingerprint(job, digests, pdf=pdf) for job in jobs]
        previous = {} if force or out_dir is None else read_manifest(out_dir)
        kept: dict[int, ReportResult] = {}
        for i, (job, fingerprint) in enumerate(zip(jobs, fingerprints, strict=True)):
            result = reusable(job, fingerprint, previous)
            if result is not None:
                kept[i] = result
        todo = [i for i in range(len(jobs)) if i not in kept]
        check_parameters([jobs[i] for i in todo])

        def manifest(results: Sequence[ReportResult], status: str) -> Path:
            assert out_dir is not None
            finished = "" if status == "running" else utc_now()
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

        def pending(i: int) -> ReportResult:
            return ReportResult(jobs[i], "pending", "", "", 0.0, fingerprint=fingerprints[i])

        finished: dict[int, ReportResult] = dict(kept)
        table_result = None
        try:
            _remove_partials(folder)
            if out_dir is not None:
                if todo:
                    with contextlib.suppress(OSError):
                        (out_dir / "index.html").unlink(missing_ok=True)
                manifest([kept.get(i) or pending(i) for i in range(len(jobs))], "running")
            table_result = tables() if tables else None
            if not jobs:
                return ReportSet([], table_result)
            made = (
                run_reports(
                    [jobs[i] for i in todo],
                    n_jobs=n_jobs,
                    pdf=pdf,
                    progress=progress,
                    on_result=on_result,
                    reuse_kernels=reuse_kernels,
                )
                if todo
                else []
            )
            for i, result in zip(todo, made, strict=True):
                finished[i] = replace(result, fingerprint=fingerprints[i])
            results = [finished[i] for i in range(len(jobs))]
            index = _write_index(results, edition, out_dir, table_result, outputs.theme)
            return ReportSet(results, table_result, index, manifest(results, "finished"))
        except ReportSetInterrupted as exc:
            for position, result in exc.results.items():
                finished[todo[position]] = replace(result, fingerprint=fingerprints[todo[position]])
            results = [finished.get(i) or _interrupted(j, exc.signum) for i, j in enumerate(jobs)]
            made_count = sum(r.status == "ok" for r in results)
            detail = f"; {made_count} of {len(results)} reports made"
            if out_dir is not None:
                _write_index(results, edition, out_dir, table_result, outputs.theme)
                path = manifest(results, "interrupted")
                detail += f", the others are marked 'interrupted' in {path}"
            raise exc.describe(detail) from None


def _write_index(
    results: Sequence[ReportResult],
    edition: int,
    out_dir: Path,
    tables: Any,
    theme: Path | None = None,
) -> Path:
    """The set's index with the edition's headline figures (from the tables, when they
    were written), the dimensions named by the instrument and the data note in each
    language, in the team's ``theme`` (:func:`~cxbench.publish.html.write_index`)."""
    from ..editions import edition_inputs
    from ..instrument import load_instrument
    from ..loading import dataset_note

    headline = getattr(tables, "dimension_scores", None)
    instrument = note = None
    parameters = results[0].job.parameters if results else {}
    try:
        if "instrument" in parameters:
            instrument = load_instrument(parameters["instrument"])
        if "data_path" in parameters:
            path = edition_inputs(parameters["data_path"], edition).path
            note = {r.job.language: dataset_note(path, r.job.language) for r in results}
    except CxbenchError:  # the reports have said what is wrong; the index is still made
        pass
    return write_index(
        results,
        edition,
        out_dir,
        headline=headline,
        instrument=instrument,
        note=note,
        theme=_theme(theme),
    )


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


def make_report_set(
    data: str | Path,
    *,
    out: str | Path,
    edition: int | None = None,
    languages: Sequence[str] | None = None,
    sectors: Sequence[str] | None = None,
    instrument: str | Path = "digital-cx-2023",
    commentary: str | Path | None = None,
    notebooks: str | Path | None = None,
    labels: str | Path | None = None,
    weights: str | Path | None = None,
    exclude_flagged: bool = False,
    sector_column: str = "sector",
    id_column: str = ID_COLUMN,
    min_answered: int | None = None,
    min_n: int = DEFAULT_MIN_N,
    scorecards: bool = False,
    participants: Sequence[str] | None = None,
    tables_only: bool = False,
    n_jobs: int | None = None,
    pdf: bool | Outputs = False,
    progress: bool = True,
    reuse_kernels: bool = True,
    force: bool = False,
) -> ReportSet:
    """``cxbench report``: an edition's tables and reports (or scorecards), planned and
    checked first (:func:`~cxbench.publish.plan.plan_reports`,
    :func:`~cxbench.publish.plan.plan_scorecards`), then made by :func:`run_report_set`.

    Parameters
    ----------
    data : path
        The data folder (``benchmark_<edition>.<ext>`` files, ``commentary/``).
    out : path
        The reports folder.
    edition : int, optional
        Default: the latest edition in ``data``.
    languages, sectors, instrument, commentary, sector_column, min_n
        As in :func:`~cxbench.publish.plan.plan_reports` (``languages=None``: the
        instrument's; ``sectors=None``: every sector shown).
    notebooks : path, optional
        A folder with your own versions of the notebooks; default the package's
        (:data:`~cxbench.publish.plan.NOTEBOOKS`).
    labels : path, optional
        The groups' names per language; default ``<data>/labels.yaml`` when there is
        one (:mod:`cxbench.labels`).
    weights : path, optional
        A population file for the benchmark report's weighted scores
        (:func:`~cxbench.publish.plan.plan_reports`).
    exclude_flagged : bool
        Leave the screening's flagged respondents out of the tables and the reports.
    id_column, min_answered
        For the tables (:func:`cxbench.report.write_edition_tables`) and scorecards.
    scorecards, participants
        Make scorecards (of ``participants``, default everyone) instead of reports.
    tables_only : bool
        Write the tables and run no notebook.
    n_jobs, pdf, progress, reuse_kernels
        As in :func:`run_reports`.
    force : bool
        Make every report again, also those whose inputs have not changed since the
        run that made them (:func:`run_report_set`).

    Returns
    -------
    ReportSet
        The tables written, the reports' results, the index and the manifest, and
        ``notes`` for the reader (e.g. that the edition has no commentary yet).

    Raises
    ------
    ParameterError
        For an unknown edition, or no edition file in ``data``; and as the planners
        do, before anything is written.
    """
    from ..commentary import load_commentary
    from ..editions import find_edition_files
    from ..instrument import load_instrument
    from ..report import write_edition_tables
    from .plan import NOTEBOOKS, plan_reports, plan_scorecards

    inst = load_instrument(instrument)
    outputs = pdf if isinstance(pdf, Outputs) else Outputs(pdf=bool(pdf))
    _check_outputs(outputs)  # before anything is written
    notebooks = NOTEBOOKS if notebooks is None else notebooks
    files = find_edition_files(data)
    if not files:
        raise ParameterError("data", str(data), "no benchmark_<edition> files in this folder")
    edition = edition if edition is not None else max(files)
    if edition not in files:
        raise ParameterError(
            "edition", edition, f"no file for it (editions: {', '.join(map(str, files))})"
        )
    jobs: list[ReportJob] = []
    if scorecards and not tables_only:
        jobs = plan_scorecards(
            data=data,
            edition=edition,
            participants=participants,
            languages=languages,
            out=out,
            instrument=instrument,
            sector_column=sector_column,
            id_column=id_column,
            min_n=min_n,
            notebooks=notebooks,
            labels=labels,
            check=False,  # run_report_set checks the reports it makes
        )
    elif not tables_only:
        # every parameter checked before anything runs
        jobs = plan_reports(
            data=data,
            edition=edition,
            languages=languages,
            sectors=sectors,
            out=out,
            instrument=instrument,
            commentary=commentary,
            sector_column=sector_column,
            min_n=min_n,
            notebooks=notebooks,
            labels=labels,
            weights=weights,
            exclude_flagged=exclude_flagged,
            check=False,  # run_report_set checks the reports it makes
        )
    notes = []
    if jobs and not scorecards:
        folder = Path(commentary or Path(data) / "commentary") / str(edition)
        if load_commentary(folder, inst).empty:
            notes.append(
                f"no commentary for edition {edition} (in {folder.resolve()}): "
                "the benchmark reports are made without expert answers"
            )
    # under the folder's lock: a "running" manifest, the tables, the reports, then the
    # index and the manifest (SIGTERM/SIGINT: ReportSetInterrupted)
    made = run_report_set(
        jobs,
        edition=edition,
        out=out,
        options={
            "languages": list(dict.fromkeys(job.language for job in jobs)),
            "sectors": list(sectors) if sectors else "all",
            "jobs": n_jobs,
            "pdf": pdf.describe() if isinstance(pdf, Outputs) else pdf,
            "min_n": min_n,
        },
        tables=lambda: write_edition_tables(
            files[edition],
            edition,
            out,
            inst,
            by=sector_column,
            id_column=id_column,
            min_answered=min_answered,
            min_n=min_n,
            exclude_flagged=exclude_flagged and not scorecards,
            reuse=not force,
        ),
        n_jobs=n_jobs,
        pdf=pdf,
        progress=progress,
        reuse_kernels=reuse_kernels,
        force=force,
    )
    return replace(made, notes=tuple(notes))
