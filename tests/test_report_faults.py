"""The report set survives faults: a full disk, odd group names, a killed run, two runs.

Each test makes a small set (English, one to three sectors) from a copy of the bundled
data; the faults are simulated: a disk that fills up is a patched write or rename
raising ``ENOSPC`` (inherited by the forked workers), a killed run is a real
``cxbench report`` process sent SIGKILL or SIGTERM once a kernel runs.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cxbench import publish
from cxbench.cli import main
from cxbench.publish import lock_report_folder, plan_reports, run_report_set, slug

ROOT = Path(__file__).resolve().parents[1]
LONG = "-".join(["Financial services"] * 16)  # 303 characters
RENAMED = {"Finance": "R&D", "Telecom": "R D", "Energy": LONG}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """The bundled data, three sectors renamed: two whose slugs collide, one too long
    for a file name."""
    folder = tmp_path_factory.mktemp("faults") / "data"
    shutil.copytree(ROOT / "data" / "commentary", folder / "commentary")
    for name in ("benchmark_2022.csv", "benchmark_2023.csv"):
        frame = pd.read_csv(ROOT / "data" / name, dtype=str, keep_default_na=False)
        frame["sector"] = frame["sector"].replace(RENAMED)
        frame.to_csv(folder / name, index=False)
    return folder


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".cxbench-*") if p.name != publish.LOCK_NAME]


# ------------------------------------------------------------------- names


def test_names_are_bounded_distinct_and_stable(data, tmp_path):
    sectors = ["R&D", "R D", LONG, "Online retail"]
    jobs = plan_reports(data=data, edition=2023, languages=["en"], sectors=sectors, out=tmp_path)
    names = {j.title: j.name for j in jobs if j.kind == "sector"}
    assert len(set(names.values())) == 4
    assert all(len(n.encode()) <= publish.MAX_NAME for n in names.values())
    assert names["Online retail"] == "sector-online-retail"  # short, unique: unchanged
    assert names["R&D"].startswith("sector-r-d-") and names["R D"].startswith("sector-r-d-")
    assert names[LONG].startswith("sector-financial-services-")
    again = plan_reports(
        data=data, edition=2023, languages=["en"], sectors=sectors[::-1], out=tmp_path
    )
    assert {j.title: j.name for j in again if j.kind == "sector"} == names
    assert len(slug("é" * 500)) == 80 and slug("é" * 500) != slug("é" * 499)


def test_a_set_with_odd_names_completes_and_a_report_that_cannot_be_written_fails_alone(
    data, tmp_path, capsys
):
    out = tmp_path / "reports"
    blocked = out / "2023" / "en" / "sector-online-retail.html"
    blocked.mkdir(parents=True)  # a directory where the page should go: it cannot be written
    code = main(
        [
            "report",
            "--data",
            str(data),
            "--out",
            str(out),
            "--languages",
            "en",
            "--sectors",
            f"R&D,R D,{LONG},Online retail",
            "--jobs",
            "2",
            "--no-progress",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 1 and "4 of 5 reports made" in printed
    manifest = _manifest(out / "2023")
    status = {r["name"]: r["status"] for r in manifest["reports"]}
    assert manifest["status"] == "finished" and len(status) == 5
    assert status.pop("sector-online-retail") == "failed"
    assert set(status.values()) == {"ok"}
    index = (out / "2023" / "index.html").read_text(encoding="utf-8")
    for report in manifest["reports"]:
        assert f'href="en/{report["name"]}.html"' in index
        if report["status"] == "ok":
            assert (out / "2023" / "en" / f"{report['name']}.html").stat().st_size > 1000
    assert not _temporaries(out)


# -------------------------------------------------------------- a full disk


def test_a_full_disk_fails_the_reports_it_hits_and_the_others_complete(data, tmp_path, monkeypatch):
    """One report's page and another's notebook meet a full disk half-way through."""
    import papermill.iorw

    out = tmp_path / "reports"
    jobs = plan_reports(
        data=data, edition=2023, languages=["en"], sectors=["R&D", "Online retail"], out=out
    )
    benchmark_job, page_job, notebook_job = jobs
    for job in jobs:  # an earlier run's files, to be replaced or removed, never kept as done
        job.html.parent.mkdir(parents=True, exist_ok=True)
        job.html.write_text("old page", encoding="utf-8")
        job.executed.write_text("old notebook", encoding="utf-8")
    real_write, real_replace = papermill.iorw.LocalHandler.write, os.replace
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def notebook_write(self, buf, path):  # papermill writing notebook_job's notebook
        if publish.plan.name_digest(notebook_job.name) in os.path.basename(path):
            Path(path).write_text(buf[: len(buf) // 2], encoding="utf-8")
            raise full
        return real_write(self, buf, path)

    def replace(source, target):  # page_job's page (and then its error page)
        if Path(target) == page_job.html:
            with open(source, "r+b") as handle:
                handle.truncate(os.path.getsize(source) // 2)
            raise full
        return real_replace(source, target)

    monkeypatch.setattr(papermill.iorw.LocalHandler, "write", notebook_write)
    monkeypatch.setattr(os, "replace", replace)
    made = run_report_set(jobs, edition=2023, out=out, options={}, n_jobs=2, progress=False)

    benchmark, page, notebook = made.results
    assert benchmark.status == "ok" and benchmark.job.html.stat().st_size > 1000
    assert page.status == "failed" and "No space left on device" in page.error
    assert notebook.status == "failed" and "cannot write the executed notebook" in notebook.error
    # nothing truncated or old under a final name: the page is gone (its error page
    # could not be written either), the notebook is gone, the other report's error page
    # names the full disk
    assert not page.job.html.exists()
    assert page.job.executed.read_text(encoding="utf-8").startswith("{")  # whole, this run's
    assert not notebook.job.executed.exists()
    assert "No space left on device" in notebook.job.html.read_text(encoding="utf-8")
    assert not _temporaries(out)
    manifest = _manifest(jobs[0].out_dir)
    assert manifest["status"] == "finished"
    assert [r["status"] for r in manifest["reports"]] == [r.status for r in made.results]
    assert manifest["reports"][1]["outputs"] == ["en/sector-r-d.ipynb", "en/sector-r-d.log"]
    assert benchmark_job.html.read_text(encoding="utf-8") != "old page"


# ------------------------------------------------------------- a killed run


def _start(data: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "cxbench", "report", "--data", str(data)]
    command += ["--out", str(out), "--languages", "en,tr", "--sectors", "Online retail"]
    command += ["--jobs", "2", "--no-progress"]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _descendants(pid: int) -> list[int]:
    children = publish.kernel.child_pids(pid)
    return children + [d for c in children for d in _descendants(c)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended (its new parent may not reap it)


def _wait_for_kernel(process: subprocess.Popen, deadline: float = 120) -> list[int]:
    """The run's processes once a kernel has started (workers and kernels)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end and process.poll() is None:
        family = _descendants(process.pid)
        if any("ipykernel" in _cmdline(pid) for pid in family):
            return family
        time.sleep(0.05)
    pytest.fail(f"no kernel started: {process.communicate()}")


def _all_ended(pids: list[int], deadline: float = 15) -> list[int]:
    end = time.monotonic() + deadline
    while time.monotonic() < end and any(_running(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if _running(pid)]


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _stale_manifest(folder: Path) -> None:
    """What a finished earlier run leaves: a manifest calling every report ok."""
    folder.mkdir(parents=True)
    reports = [{"name": "benchmark", "language": "en", "status": "ok", "outputs": []}]
    (folder / "manifest.json").write_text(json.dumps({"status": "finished", "reports": reports}))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_leaves_no_process_no_later_write_and_no_stale_ok(data, tmp_path):
    out = tmp_path / "reports"
    _stale_manifest(out / "2023")
    process = _start(data, out)
    family = _wait_for_kernel(process)
    process.kill()
    process.communicate()
    assert _all_ended(family) == []
    before = _mtimes(out)
    time.sleep(3)  # a worker or kernel left running would write a report by now
    assert _mtimes(out) == before
    manifest = _manifest(out / "2023")
    assert manifest["status"] == "running" and manifest["pid"] == process.pid
    assert {r["status"] for r in manifest["reports"]} == {"pending"}
    assert not (out / "2023" / "index.html").exists()
    # the lock went with the process
    with lock_report_folder(out / "2023"):
        pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_workers_and_kernels_and_says_what_was_made(data, tmp_path):
    out = tmp_path / "reports"
    _stale_manifest(out / "2023")
    process = _start(data, out)
    family = _wait_for_kernel(process)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "cxbench: error: stopped by SIGTERM" in err and "interrupted" in err
    assert _all_ended(family) == []
    before = _mtimes(out)
    time.sleep(3)
    assert _mtimes(out) == before
    manifest = _manifest(out / "2023")
    assert manifest["status"] == "interrupted" and len(manifest["reports"]) == 4
    for report in manifest["reports"]:
        assert report["status"] in ("ok", "interrupted")
        page = out / "2023" / report["language"] / f"{report['name']}.html"
        assert report["status"] != "ok" or page.stat().st_size > 1000
    assert "interrupted" in {r["status"] for r in manifest["reports"]}
    assert (out / "2023" / "index.html").is_file()
    assert not _temporaries(out)


# ------------------------------------------------------------------- a lock


def test_a_second_run_into_the_same_folder_is_refused_at_once(data, tmp_path, capsys):
    out = tmp_path / "reports"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from cxbench.publish import lock_report_folder\n"
            "with lock_report_folder(sys.argv[1]):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(120)\n",
            str(out / "2023"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        args = ["report", "--data", str(data), "--out", str(out), "--languages", "en"]
        code = main([*args, "--sectors", "Online retail", "--no-progress"])
        err = capsys.readouterr().err
        assert code == 2
        assert f"another cxbench report is writing to {(out / '2023').resolve()}" in err
        assert f"(pid {holder.pid})" in err and "choose another --out" in err
        assert not (out / "2023" / "tables").exists()
        assert not (out / "2023" / "manifest.json").exists()
    finally:
        holder.kill()
        holder.wait()
    with lock_report_folder(out / "2023") as lock:  # free again once the holder has gone
        assert lock.read_text().strip() == str(os.getpid())
