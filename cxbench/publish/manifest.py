"""The manifest of a report set (:func:`write_manifest`: parameters, status and times of
each run, the sha256 of every input and output, versions), the fingerprint that tells
whether a report must be made again (:func:`job_fingerprint`, :func:`reusable`), and the
lock that keeps two runs out of one folder (:func:`lock_report_folder`)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import CxbenchError, UnusableFileError
from ..files import code_fingerprint, sha256_of, write_atomic
from .plan import Outputs, ReportJob, ReportResult, job_inputs

__all__ = [
    "LOCK_NAME",
    "ReportFolderBusyError",
    "code_fingerprint",
    "job_fingerprint",
    "lock_report_folder",
    "read_manifest",
    "reusable",
    "sha256_of",
    "write_manifest",
]


def job_fingerprint(
    job: ReportJob, digests: dict[Path, str], *, pdf: bool | Outputs = False
) -> str:
    """The digest of everything a report is made from: cxbench and its libraries
    (:func:`code_fingerprint`), the report's kind, name, language, title and parameters,
    what it is published as (``pdf``: whether a PDF is made, or the
    :class:`~cxbench.publish.plan.Outputs`, whose theme file is an input too), and the
    sha256 of every file it reads (:func:`~cxbench.publish.plan.job_inputs`, looked up
    in ``digests``, which holds each input's sha256 once per run).

    Examples
    --------
    >>> import tempfile
    >>> from cxbench.publish.plan import NOTEBOOKS
    >>> job = ReportJob("scorecard-x", "scorecard", "x", "en", NOTEBOOKS / "scorecard.ipynb",
    ...                 {"data_path": "data", "instrument": "digital-cx-2023",
    ...                  "edition": 2023}, Path(tempfile.mkdtemp()))
    >>> first = job_fingerprint(job, {})
    >>> first == job_fingerprint(job, {}), first == job_fingerprint(job, {}, pdf=True)
    (True, False)
    """
    outputs = pdf if isinstance(pdf, Outputs) else Outputs(pdf=bool(pdf))
    inputs = {}
    theme = []
    if outputs.theme is not None:  # the file, its logo and its font
        from ..theme import load_theme

        with warnings.catch_warnings():  # the run says them once, not per report
            warnings.simplefilter("ignore")
            look = load_theme(outputs.theme)
        theme = [Path(outputs.theme), *(p for p in (look.logo, look.font_file) if p)]
    for path in [*job_inputs(job), *theme]:
        path = path.resolve()
        if path not in digests and path.is_file():
            digests[path] = sha256_of(path)
        inputs[str(path)] = digests.get(path, "missing")
    payload = {
        "code": code_fingerprint(),
        "job": [job.kind, job.name, job.language, job.title],
        "parameters": job.parameters,
        "outputs": outputs.describe(),
        "inputs": inputs,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(out_dir: str | Path) -> dict[str, Any]:
    """The report set's last manifest, or an empty one when there is none or it cannot
    be read (then nothing is reused).

    Examples
    --------
    >>> import tempfile
    >>> read_manifest(tempfile.mkdtemp())
    {}
    """
    try:
        manifest = json.loads((Path(out_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def reusable(job: ReportJob, fingerprint: str, previous: dict[str, Any]) -> ReportResult | None:
    """The previous run's result of ``job`` when it can stand: it was made (``ok``) from
    inputs with the same ``fingerprint``, and every file it wrote is still there with
    the sha256 recorded then. Otherwise None: the report is made again.

    Examples
    --------
    >>> job = ReportJob("x", "sector", "X", "en", Path("n.ipynb"), {}, Path("out"))
    >>> reusable(job, "abc", {}) is None
    True
    """
    out_dir = Path(job.out_dir)
    for record in previous.get("reports", []):
        if not isinstance(record, dict) or (
            record.get("name"),
            record.get("language"),
        ) != (job.name, job.language):
            continue
        digests = record.get("output_sha256")
        if (
            record.get("status") != "ok"
            or record.get("fingerprint") != fingerprint
            or not isinstance(digests, dict)
            or sorted(digests) != sorted(record.get("outputs", []))
        ):
            return None
        for name, digest in digests.items():
            path = out_dir / name
            if Path(name).is_absolute() or ".." in Path(name).parts:
                return None  # a manifest edited by hand points outside the set
            if not path.is_file() or sha256_of(path) != digest:
                return None
        return ReportResult(
            job,
            "ok",
            str(record.get("started", "")),
            str(record.get("finished", "")),
            float(record.get("seconds", 0.0)),
            outputs=[str(out_dir / name) for name in digests],
            timings=dict(record.get("timings") or {}),
            fingerprint=fingerprint,
            reused=True,
        )
    return None


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
    >>> from cxbench.publish.plan import ReportJob
    >>> job = ReportJob("sector-x", "sector", "X", "en", Path("n.ipynb"), {}, out)
    >>> path = write_manifest([ReportResult(job, "pending", "", "", 0.0)], edition=2023,
    ...                       out_dir=out, inputs=[], started="t0", finished="",
    ...                       options={}, status="running")
    >>> manifest = json.loads(path.read_text())
    >>> manifest["status"], manifest["pid"] == os.getpid(), manifest["reports"][0]["status"]
    ('running', True, 'pending')
    """
    from .. import __version__

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
        "inputs": {str(p): sha256_of(p) for p in files if p.is_file()},
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
                "fingerprint": r.fingerprint,
                "reused": r.reused,
                "output_sha256": _output_digests(r, out_dir),
            }
            for r in results
        ],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    return write_atomic(out_dir / "manifest.json", text, what="manifest")


def _output_digests(result: ReportResult, out_dir: Path) -> dict[str, str]:
    """The sha256 of each file a finished report wrote (none for one not made)."""
    if result.status != "ok":
        return {}
    return {
        Path(o).relative_to(out_dir).as_posix(): sha256_of(Path(o))
        for o in result.outputs
        if Path(o).is_file()
    }


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
