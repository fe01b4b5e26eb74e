"""The wheel a user installs: built from this checkout with pip, opened and read.

A packaging check that reads only ``pyproject.toml`` passes while the package cannot
make a report (the notebooks outside the wheel); these tests look inside the real wheel,
then install it where a new user would and make a report set with it.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_other_instrument import INSTRUMENT, survey

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of this checkout, built as pip builds it (``pip wheel --no-deps``)."""
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("cxbench-*.whl")
    return found


def test_the_wheel_carries_the_notebooks_and_the_package_data(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
            member = f"cxbench/notebooks/{notebook.name}"
            assert member in names, member
            # the notebook itself, not a link or a stale copy
            assert archive.read(member) == notebook.read_bytes(), member
        bundled = {
            f"cxbench/instruments/{p.name}" for p in (ROOT / "cxbench/instruments").iterdir()
        }
        locales = {f"cxbench/locales/{p.name}" for p in (ROOT / "cxbench/locales").glob("*.yaml")}
        assert bundled | locales | {"cxbench/py.typed"} <= names
        # nothing of the checkout that is not the package
        assert not [n for n in names if n.startswith(("tests/", "data/", "notebooks/"))]


@pytest.mark.slow
def test_a_new_user_goes_from_the_wheel_to_a_report_set(wheel, tmp_path):
    """The wheel installed into a new virtual environment (its dependencies from the
    package index, as a user gets them), then, from an empty folder outside this
    checkout: `cxbench init`, a survey dropped in, and the report command it printed."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"{wheel}[notebooks]"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(venv / "bin" / args[0]), *args[1:]],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    where = run("python", "-c", "import cxbench; print(cxbench.__file__)")
    assert where.stdout.strip().startswith(str(venv)), where  # the installed package
    init = run("cxbench", "init", "team", "--instrument", str(INSTRUMENT), "--edition", "2026")
    assert init.returncode == 0, init.stderr
    command = init.stdout.strip().splitlines()[-1].split(". ", 1)[1].split()
    assert command[:2] == ["cxbench", "report"]
    survey().rename(columns={"branch": "sector"}).to_csv(
        work / "team" / "data" / "benchmark_2026.csv", index=False
    )
    made = run(*command, "--no-progress", "--jobs", "2")
    assert made.returncode == 0, made.stdout + made.stderr
    assert "6 of 6 reports made" in made.stdout
    reports = work / "team" / "reports" / "2026"
    assert {p.relative_to(reports).as_posix() for p in reports.glob("*/benchmark.html")} == {
        "en/benchmark.html",
        "tr/benchmark.html",
    }
    assert (reports / "index.html").is_file() and (reports / "manifest.json").is_file()
