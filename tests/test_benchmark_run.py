"""The benchmark script's own logic: its baseline loop, its profile and its tables.

The benchmark itself takes most of an hour and runs with ``make benchmark``, not here;
these tests check that what it measures and reports is what it says.
"""

from __future__ import annotations

import doctest
import importlib.util
import json
import shlex
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_examples_in_the_script_hold(bench):
    failures, tried = doctest.testmod(bench, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 5 and failures == 0


def test_the_baseline_loop_runs_every_report_through_papermill_and_nbconvert(bench, tmp_path):
    jobs = bench.report_jobs(ROOT / "data", 2023, ["Finance", "Public sector"], tmp_path)
    script = bench.baseline_loop(jobs, tmp_path / "out")
    path = tmp_path / "loop.sh"
    path.write_text(script, encoding="utf-8")
    assert subprocess.run(["bash", "-n", str(path)]).returncode == 0  # valid shell

    papermill = [shlex.split(line) for line in script.splitlines() if line.startswith("papermill")]
    nbconvert = [line for line in script.splitlines() if line.startswith("jupyter nbconvert")]
    assert len(papermill) == len(nbconvert) == len(jobs) == 9
    for words, job in zip(papermill, jobs, strict=True):
        assert words[1] == job.notebook.name
        assert words[2] == f"$OUT/{job.language}/{job.name}.ipynb"
        assert words[3] == "-y"
        parameters = yaml.safe_load(words[4])
        assert parameters.keys() == job.parameters.keys()
        for key, value in job.parameters.items():
            if key.endswith("_path"):  # relative to the notebooks: the script runs anywhere
                assert not Path(parameters[key]).is_absolute()
                assert (ROOT / "notebooks" / parameters[key]).resolve() == Path(value).resolve()
            else:
                assert parameters[key] == value
    # the clone is the script's own (two folders up) unless REPO says otherwise
    assert 'REPO="${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"' in script
    assert 'cd "$REPO/notebooks"' in script and "/work" not in script.split("\n", 6)[5]


def _executed(path: Path, cells: list[tuple[str, list[str], float]]) -> None:
    nb = nbformat.v4.new_notebook()
    for source, tags, seconds in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        cell.metadata["papermill"] = {"duration": seconds}
        nb.cells.append(cell)
    nb.cells.append(nbformat.v4.new_markdown_cell("text"))
    nbformat.write(nb, str(path))


def test_the_profile_puts_every_second_of_a_report_in_one_phase(bench, tmp_path):
    _executed(
        tmp_path / "r.ipynb",
        [
            ("language = 'en'", ["parameters"], 0.125),
            ("import cxbench as cx\nscores = 1", [], 1.0),
            ("# picture\ncx.plot_likert()", ["nbval-ignore-output"], 0.5),
            ("cx.overall_table()", [], 0.25),
        ],
    )
    timings = {"kernel_start": 2.0, "kernel_reset": 0.125, "execute": 3.0, "export": 0.5}
    manifest = {"reports": [{"timings": timings, "outputs": ["r.ipynb", "r.html"]}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    phases = bench.report_profile(tmp_path)

    assert phases["set-up cell: imports, data, statistics"] == 1.0
    assert phases["chart cells"] == 0.5
    assert phases["table and text cells"] == 0.375
    assert phases["papermill outside cells (new kernels: incl. start-up)"] == 3.0 - 1.875
    assert phases["kernel start (reused kernels)"] == 2.0
    assert sum(phases.values()) == pytest.approx(sum(timings.values()))


def test_the_readme_table_goes_between_the_markers_only(bench, tmp_path):
    readme = tmp_path / "README.md"
    start, end = bench.MARKERS
    readme.write_text(f"before\n{start}\nold table\n{end}\nafter\n", encoding="utf-8")
    bench.update_readme("| new |\n", readme)
    assert readme.read_text(encoding="utf-8") == f"before\n{start}\n| new |\n{end}\nafter\n"
    readme.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no <!-- benchmark:start -->"):
        bench.update_readme("| new |\n", readme)


@pytest.fixture(scope="module")
def scoring():
    path = ROOT / "benchmarks" / "scoring.py"
    spec = importlib.util.spec_from_file_location("bench_scoring", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scoring_examples_hold(scoring):
    failures, tried = doctest.testmod(scoring, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 4 and failures == 0


def test_the_three_ways_of_scoring_agree(scoring, bench, tmp_path):
    path = scoring.generate(5000, tmp_path / "r.parquet", chunk=1500)
    runs = {case: scoring.run(case, path) for case in ("stream", "memory", "apply")}
    for case, run in runs.items():
        assert run["rows"] == 5000 and run["answers"] == 60000
        assert run["seconds"] > 0 and run["peak_rss_mib"] > 0
        assert len(run["table"]) == 12 * 3, case
        assert sum(r["n"] for r in run["table"]) > 0.95 * 5000 * 3
    assert runs["stream"]["table"] == runs["memory"]["table"]  # exactly
    assert bench.tables_agree(runs["apply"]["table"], runs["stream"]["table"])
    changed = [dict(r) for r in runs["apply"]["table"]]
    changed[0]["score"] += 1e-6
    assert not bench.tables_agree(changed, runs["stream"]["table"])
