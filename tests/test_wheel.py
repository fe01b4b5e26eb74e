"""The wheel a user installs: built from this checkout with pip, opened and read.

A packaging check that reads only ``pyproject.toml`` passes while the package cannot
make a report (the notebooks outside the wheel); these tests look inside the real wheel.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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
