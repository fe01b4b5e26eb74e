"""The kernel a worker reuses from report to report (:class:`WarmKernel`), reset
between notebooks to a fresh kernel's state, the papermill engine that runs a notebook
in it, and the Linux wiring that makes workers and kernels end with the run
(``PR_SET_PDEATHSIG``)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from .plan import ReportJob

__all__ = [
    "KERNEL_NAME",
    "WarmKernel",
    "child_pids",
    "die_with_parent",
    "kernel_log",
    "kill_worker_kernels",
    "register_warm_engine",
    "shutdown_worker_kernel",
    "worker_kernel",
    "worker_kernel_alive",
]

KERNEL_NAME = "python3"


@contextlib.contextmanager
def kernel_log(path: Path) -> Iterator[None]:
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
    import gc, os, sys, warnings
    import matplotlib
    state = sys.modules["_cxbench_kernel_state"]
    get_ipython().reset(new_session=True)  # ends with a full garbage collection
    # what is left is what the kernel keeps (modules, their caches): out of later
    # collections, which would otherwise walk all of it again and again
    gc.freeze()
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


def shutdown_worker_kernel() -> None:
    global _WORKER_KERNEL
    if _WORKER_KERNEL is not None:
        _WORKER_KERNEL.shutdown()
        _WORKER_KERNEL = None


def worker_kernel(job: ReportJob) -> WarmKernel:
    """This process's kernel, started on first use (or again if it has died)."""
    global _WORKER_KERNEL
    if _WORKER_KERNEL is not None and not _WORKER_KERNEL.is_alive():
        shutdown_worker_kernel()
    if _WORKER_KERNEL is None:
        from multiprocessing import util

        _WORKER_KERNEL = WarmKernel(KERNEL_NAME, job.out_dir / "kernel.log")
        # worker processes leave through os._exit, which skips atexit
        util.Finalize(None, shutdown_worker_kernel, exitpriority=10)
    return _WORKER_KERNEL


def register_warm_engine() -> str:
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


def die_with_parent(parent: int | None = None, sig: int = signal.SIGKILL) -> bool:
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


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux ``/proc``; none found elsewhere)."""
    children = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = entry.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                children.append(int(entry.parent.name))
    return children


def worker_kernel_alive() -> bool:
    """Whether this process has a kernel running (started by :func:`worker_kernel`)."""
    return _WORKER_KERNEL is not None and _WORKER_KERNEL.is_alive()


def kill_worker_kernels() -> None:
    """Kill this process's kernels at once (each leads its own process group): for a
    worker told to stop, which has no time to shut them down politely."""
    kernels = child_pids(os.getpid())
    if _WORKER_KERNEL is not None:
        provisioner = getattr(_WORKER_KERNEL.km, "provisioner", None)
        kernels.append(getattr(provisioner, "pid", None) or 0)
    for pid in {p for p in kernels if p > 0}:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
