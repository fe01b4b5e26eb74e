"""Reports made in a reused kernel are the reports a fresh kernel makes.

:func:`cxbench.publish.run_report` with ``reuse_kernel=True`` runs notebook after
notebook in one kernel per process. These tests run small notebooks that leave every
kind of state behind (a variable, a warning filter, a matplotlib setting, the working
directory, the execution counter) and check that the next notebook sees none of it,
exactly as in a fresh kernel; and that a kernel that dies is replaced.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import nbformat
import pytest

from cxbench import publish
from cxbench.publish import ReportJob, run_report

pytestmark = pytest.mark.slow

LITTERING = """\
import os, warnings
import matplotlib
leftover = 42
warnings.simplefilter("error")
matplotlib.rcParams["lines.linewidth"] = 9.0
os.chdir("/")
"""

LOOKING = """\
import os, warnings
import matplotlib
print("leftover" in globals(), "_" in globals() and _ == 42)
print(warnings.filters[0][0] == "error")
print(matplotlib.rcParams["lines.linewidth"])
print(os.getcwd() == {cwd!r})
warnings.warn("shown once per fresh kernel", UserWarning)
"""


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "py"}
    parameters = nbformat.v4.new_code_cell("language = 'en'")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, *(nbformat.v4.new_code_cell(source) for source in cells)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def _job(notebook: Path, out: Path) -> ReportJob:
    return ReportJob(
        name=notebook.stem,
        kind="benchmark",
        title=notebook.stem,
        language="en",
        notebook=notebook,
        parameters={"language": "en"},
        out_dir=out,
    )


def _outputs(path: Path) -> list[tuple[int, list[str]]]:
    """Each own cell's execution count and output texts; the kernel's process id in
    warning locations (``/tmp/ipykernel_<pid>/``) is blanked."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    own = [c for c in nb["cells"] if not c["metadata"].get("tags")]  # not the parameters
    return [
        (
            c["execution_count"],
            [re.sub(r"ipykernel_\d+", "ipykernel_PID", "".join(o["text"])) for o in c["outputs"]],
        )
        for c in own
    ]


@pytest.fixture(autouse=True)
def _own_kernel():
    """Each test starts without a kernel and leaves none behind."""
    publish.kernel.shutdown_worker_kernel()
    yield
    publish.kernel.shutdown_worker_kernel()


def test_a_reused_kernel_keeps_nothing_from_the_notebook_before(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    litter = _notebook(notebooks, "litter", LITTERING, "42")
    look = _notebook(notebooks, "look", LOOKING.format(cwd=str(notebooks)))

    warm = [run_report(_job(nb, tmp_path / "warm"), reuse_kernel=True) for nb in (litter, look)]
    cold = run_report(_job(look, tmp_path / "cold"))

    assert [r.status for r in [*warm, cold]] == ["ok", "ok", "ok"]
    assert warm[0].timings["kernel_start"] > 0 and warm[1].timings["kernel_start"] == 0
    fresh = _outputs(cold.job.executed)
    assert _outputs(warm[1].job.executed) == fresh
    printed, warning = fresh[0][1]
    assert printed.splitlines() == ["False False", "False", "1.5", "True"]
    assert "UserWarning: shown once per fresh kernel" in warning


def test_a_kernel_that_dies_is_replaced(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    dying = _notebook(notebooks, "dying", "import os\nos._exit(1)")
    fine = _notebook(notebooks, "fine", "print(6 * 7)")

    died = run_report(_job(dying, tmp_path / "out"), reuse_kernel=True)
    after = run_report(_job(fine, tmp_path / "out"), reuse_kernel=True)

    assert died.status == "failed" and "Dead" in died.error, died.error
    assert after.status == "ok" and after.timings["kernel_start"] > 0
    assert _outputs(after.job.executed) == [(3, ["42\n"])]


def test_a_report_set_in_one_kernel_equals_fresh_kernels(tmp_path):
    jobs = publish.plan_reports(
        data=Path(__file__).resolve().parents[1] / "data",
        edition=2023,
        languages=["tr"],
        sectors=["Finance"],
        out=tmp_path / "warm",
    )
    warm = [run_report(job, reuse_kernel=True) for job in jobs]
    for job, result in zip(jobs, warm, strict=True):
        cold = run_report(dataclasses.replace(job, out_dir=tmp_path / "cold"))
        assert result.status == cold.status == "ok"
        assert result.job.html.read_bytes() == cold.job.html.read_bytes()
