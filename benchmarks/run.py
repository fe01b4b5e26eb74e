"""cxbench benchmark: the report set, scoring at scale and the bootstrap, each against
the baseline a user would otherwise write, measured side by side in one run.

Usage (from the repository, in its environment; ``make benchmark`` does this)::

    python benchmarks/run.py                 # everything, 3 runs of each measurement
    python benchmarks/run.py --only bootstrap --repeat 5
    python benchmarks/run.py --only intake   # validate: Qualtrics export vs own layout
    python benchmarks/run.py --quick         # under 5 minutes: start-up, and the English
                                             # benchmark report + 2 sectors vs the loop

It writes ``benchmarks/results/results.json`` (every run's figures) and
``benchmarks/results/results.md`` (the tables), and with ``--readme`` puts the tables
in ``README.md`` between its ``benchmark`` markers.

Every figure is the median of ``--repeat`` runs; the runs of the things compared are
interleaved (baseline, cxbench, baseline, cxbench, ...) so that a slow spell of the
machine falls on both, and every speed claim is a ratio of two medians of this run.

1. Report set: ``cxbench report`` (one kernel per worker, reused) against a shell loop
   that calls the ``papermill`` CLI and then ``jupyter nbconvert --to html --no-input``
   for every report in turn, and against ``cxbench report --no-kernel-reuse`` (the
   pipeline as it was: a new kernel per report). The loop is written to
   ``benchmarks/results/baseline_loop.sh``. Also: time against the number of sectors
   (linear fit: the marginal seconds per report), and where the seconds go in each
   mode (from the manifest's timings and papermill's per-cell durations).
2. Scoring: ``benchmarks/scoring.py`` cases, each in its own process (peak memory is
   that process's maximum resident set): ``stream`` (:func:`cxbench.score_parquet`),
   ``memory`` (``pd.read_parquet`` + :func:`cxbench.dimension_scores`) and ``apply``
   (``pd.read_parquet`` + ``DataFrame.apply`` per row), on generated Parquet files.
3. Bootstrap: BCa intervals for 12 sectors × 3 dimensions, 10,000 resamples, with
   :func:`cxbench.stats.group_statistics`, against ``pingouin.compute_bootci``
   group by group and a hand-written resampling loop.
4. Intake: ``cxbench validate`` of a generated Qualtrics export (3 header rows,
   metadata columns, every item found by its statement text) against the same
   respondents in cxbench's own layout (``--intake-rows``, default 100,000).
5. Start-up: ``cxbench --version``, ``--help``, ``validate`` and ``score`` of the bundled
   file, and ``import cxbench``, each a new process, beside the bare interpreter.
6. Incremental sets: the report set made again in the same folder, unchanged and then
   with one commentary file edited: seconds, reports made again, HTML files rewritten.
7. Scorecards: every participant's (``cxbench report --scorecards``).

``--quick`` measures the same ratios on a subset in under five minutes: start-up, and
the English benchmark report with two sector reports against the loop (cold, then
unchanged and edited).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
SCORING = ROOT / "benchmarks" / "scoring.py"
MARKERS = ("<!-- benchmark:start -->", "<!-- benchmark:end -->")


# ------------------------------------------------------------------ helpers


def median(values: Sequence[float]) -> float:
    """The median of the runs.

    Examples
    --------
    >>> median([3.0, 1.0, 2.0])
    2.0
    """
    return float(statistics.median(values))


def timed(command: Sequence[str], *, log: Path, cwd: Path = ROOT) -> float:
    """Wall seconds of ``command``; its output goes to ``log``; a failure stops the run."""
    start = time.perf_counter()
    with log.open("ab") as out:
        done = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"benchmark: {shlex.join(command)} failed ({done.returncode}); see {log}")
    return seconds


def interleaved(runs: dict[str, Callable[[int], float]], repeat: int) -> dict[str, list[float]]:
    """Run each measurement ``repeat`` times, taking turns; seconds of every run."""
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for i in range(repeat):
        for name, run in runs.items():
            seconds[name].append(run(i))
            print(f"  {name}, run {i + 1}: {seconds[name][-1]:.1f} s", flush=True)
    return seconds


def linear_fit(x: Sequence[float], y: Sequence[float]) -> dict[str, float]:
    """Least-squares line ``y = intercept + slope·x`` and its R².

    Examples
    --------
    >>> fit = linear_fit([1, 2, 3], [3.0, 5.0, 7.0])
    >>> round(fit["slope"], 6), round(fit["intercept"], 6), round(fit["r2"], 6)
    (2.0, 1.0, 1.0)
    """
    from scipy.stats import linregress

    fit = linregress(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return {
        "slope": float(fit.slope),
        "intercept": float(fit.intercept),
        "r2": float(fit.rvalue**2),
    }


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub Markdown table.

    Examples
    --------
    >>> print(markdown_table(["a", "b"], [[1, "x"]]))
    | a | b |
    |---|---|
    | 1 | x |
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# ------------------------------------------------------------- report set


def report_jobs(
    data: Path,
    edition: int,
    sectors: Sequence[str] | None,
    out: Path,
    languages: Sequence[str] | None = None,
) -> list:
    from cxbench.publish import plan_reports

    return plan_reports(data=data, edition=edition, sectors=sectors, out=out, languages=languages)


def baseline_loop(jobs: Sequence, out: Path) -> str:
    """The shell loop a user would write: papermill, then nbconvert, report by report.

    It runs on its own from any clone (``bash benchmarks/results/baseline_loop.sh
    [OUT]``): the notebooks run in ``$REPO/notebooks`` (default: the clone the script
    is in), with the data paths relative to that folder.
    """
    notebooks = ROOT / "notebooks"
    lines = [
        "#!/usr/bin/env bash",
        "# The hand-written baseline: every report through the papermill CLI, then",
        "# nbconvert to HTML without code, one after the other.",
        "set -euo pipefail",
        'REPO="${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"',
        f'OUT="$(realpath -m "${{1:-{out}}}")"',
        'cd "$REPO/notebooks"',
    ]
    for job in jobs:
        target = f'"$OUT/{job.language}/{job.name}.ipynb"'
        parameters = {
            key: os.path.relpath(value, notebooks) if key.endswith("_path") else value
            for key, value in job.parameters.items()
        }
        text = yaml.safe_dump(
            parameters, allow_unicode=True, default_flow_style=True, width=1 << 20
        )
        lines += [
            f'mkdir -p "$OUT/{job.language}"',
            f"papermill {shlex.quote(job.notebook.name)} {target} -y {shlex.quote(text.strip())}",
            f"jupyter nbconvert --to html --no-input {target}",
        ]
    return "\n".join(lines) + "\n"


def report_profile(out_dir: Path) -> dict[str, float]:
    """Where a report set's seconds went, summed over its reports (worker seconds).

    From the manifest's per-report timings and papermill's per-cell durations in the
    executed notebooks: the set-up cell (imports, data, statistics), the chart cells
    (tagged ``nbval-ignore-output``), the other cells, papermill's time outside the
    cells (with a new kernel per report this includes starting it), kernel start and
    reset (reused kernels), and the HTML export.
    """
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    phases = dict.fromkeys(
        [
            "kernel start (reused kernels)",
            "kernel reset between notebooks",
            "papermill outside cells (new kernels: incl. start-up)",
            "set-up cell: imports, data, statistics",
            "table and text cells",
            "chart cells",
            "HTML export",
        ],
        0.0,
    )
    for report in manifest["reports"]:
        timings = report["timings"]
        notebook = next(o for o in report["outputs"] if o.endswith(".ipynb"))
        cells = json.loads((out_dir / notebook).read_text(encoding="utf-8"))["cells"]
        in_cells = 0.0
        for cell in cells:
            seconds = cell["metadata"].get("papermill", {}).get("duration") or 0.0
            source = "".join(cell["source"])
            if cell["cell_type"] != "code":
                continue
            in_cells += seconds
            if "nbval-ignore-output" in cell["metadata"].get("tags", []):
                phases["chart cells"] += seconds
            elif "import cxbench" in source:
                phases["set-up cell: imports, data, statistics"] += seconds
            else:
                phases["table and text cells"] += seconds
        phases["papermill outside cells (new kernels: incl. start-up)"] += max(
            timings["execute"] - in_cells, 0.0
        )
        phases["kernel start (reused kernels)"] += timings.get("kernel_start", 0.0)
        phases["kernel reset between notebooks"] += timings.get("kernel_reset", 0.0)
        phases["HTML export"] += timings["export"]
    return phases


def same_html(a: Path, b: Path) -> tuple[int, int]:
    """How many of ``a``'s report pages are byte-identical in ``b``; of how many."""
    pages = sorted(p.relative_to(a) for p in a.glob("*/*.html"))
    same = sum((b / p).is_file() and (a / p).read_bytes() == (b / p).read_bytes() for p in pages)
    return same, len(pages)


def bench_reports(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    print("report set", flush=True)
    data, edition = args.data.resolve(), args.edition
    jobs = report_jobs(data, edition, None, scratch / "plan")
    sectors = [job.parameters["sectors"][0] for job in jobs if job.kind == "sector"]
    sectors = list(dict.fromkeys(sectors))
    languages = None
    if args.quick:  # the benchmark report and two sectors, in English
        sectors, languages = sectors[:2], ["en"]
        jobs = report_jobs(data, edition, sectors, scratch / "plan", languages)
    loop = baseline_loop(jobs, scratch / "loop")
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.quick:  # the committed loop is the full set's
        committed = baseline_loop(jobs, Path(tempfile.gettempdir()) / "cxbench-loop")
        (RESULTS / "baseline_loop.sh").write_text(committed, encoding="utf-8")
    script = scratch / "baseline_loop.sh"
    script.write_text(loop, encoding="utf-8")
    env_path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    log = scratch / "reports.log"
    cxbench = [sys.executable, "-m", "cxbench", "report", "--data", str(data)]
    cxbench += ["--edition", str(edition), "--no-progress"]
    if languages:
        cxbench += ["--languages", ",".join(languages)]
    cxbench += ["--sectors", ",".join(sectors)]

    def run_loop(i: int) -> float:
        target = scratch / f"loop-{i}"
        shutil.rmtree(target, ignore_errors=True)
        command = ["env", f"PATH={env_path}", f"REPO={ROOT}", "bash", str(script), str(target)]
        return timed(command, log=log)

    def run_cx(i: int, *extra: str, name: str = "warm") -> float:
        target = scratch / f"{name}-{i}"
        shutil.rmtree(target, ignore_errors=True)
        return timed([*cxbench, "--out", str(target), *extra], log=log)

    runs: dict[str, Callable[[int], float]] = {
        "baseline: papermill + nbconvert loop": run_loop,
        "cxbench report": run_cx,
    }
    if not args.quick:
        runs["cxbench report, a new kernel per report"] = lambda i: run_cx(
            i, "--no-kernel-reuse", name="cold"
        )
        runs["cxbench report --jobs 1 (one worker)"] = lambda i: run_cx(
            i, "--jobs", "1", name="one"
        )
    seconds = interleaved(runs, args.repeat)
    medians = {name: median(values) for name, values in seconds.items()}
    base = medians["baseline: papermill + nbconvert loop"]
    last = args.repeat - 1
    warm, cold = (scratch / f"{name}-{last}" / str(edition) for name in ("warm", "cold"))
    same, pages = same_html(warm, cold) if cold.is_dir() else (0, 0)

    scaling = []
    for k in [1, 4, 7, 10] if not args.quick else []:
        chosen = sectors[:k]
        n_reports = len(report_jobs(data, edition, chosen, scratch / "plan"))
        if k == len(sectors):
            times = seconds["cxbench report"]
        else:
            command = [*cxbench[:-1], ",".join(chosen)]

            def run_k(i: int, command: list[str] = command, k: int = k) -> float:
                target = scratch / f"scale-{k}-{i}"
                shutil.rmtree(target, ignore_errors=True)
                return timed([*command, "--out", str(target)], log=log)

            times = interleaved({f"cxbench report, {k} sectors": run_k}, args.repeat)[
                f"cxbench report, {k} sectors"
            ]
        scaling.append({"sectors": k, "reports": n_reports, "seconds": median(times)})
    fit = (
        linear_fit([s["reports"] for s in scaling], [s["seconds"] for s in scaling])
        if len(scaling) > 1
        else {"slope": float("nan"), "intercept": float("nan"), "r2": float("nan")}
    )
    profiles = {"reused kernels": report_profile(warm)}
    if cold.is_dir():
        profiles = {"a new kernel per report": report_profile(cold)} | profiles
    return {
        "reports": len(jobs),
        "sectors": len(sectors),
        "languages": sorted({job.language for job in jobs}),
        "runs": seconds,
        "median_seconds": medians,
        "speed_up_vs_baseline": {name: base / value for name, value in medians.items()},
        "html_identical_reused_vs_new_kernels": [same, pages],
        "scaling": scaling,
        "marginal_seconds_per_report": fit["slope"],
        "fixed_seconds": fit["intercept"],
        "r2": fit["r2"],
        "profile": profiles,
        "incremental": bench_incremental(args, scratch, cxbench, data),
    }


def bench_incremental(
    args: argparse.Namespace, scratch: Path, cxbench: list[str], data: Path
) -> dict[str, Any]:
    """The same set made again: with nothing changed, then with one commentary file
    edited (a sentence added to an answer): seconds, reports made again, HTML files
    written again."""
    print("incremental", flush=True)
    copy = scratch / "data-incremental"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(data, copy)
    command = [*cxbench, "--out", str(scratch / "incremental")]
    command[command.index("--data") + 1] = str(copy)
    out = scratch / "incremental" / str(args.edition)
    log = scratch / "incremental.log"
    timed(command, log=log)  # the first, full build
    pages = sorted(out.glob("*/*.html"))

    def written() -> dict[Path, int]:
        return {page: page.stat().st_mtime_ns for page in pages}

    def rebuilt() -> int:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return sum(not report["reused"] for report in manifest["reports"])

    commentary = sorted((copy / "commentary" / str(args.edition)).glob("entries*.yaml"))[0]
    runs: dict[str, list[float]] = {"unchanged": [], "one commentary file edited": []}
    counts: dict[str, list[int]] = {name: [] for name in runs}
    rewritten: dict[str, list[int]] = {name: [] for name in runs}
    for i in range(args.repeat):
        before = written()
        runs["unchanged"].append(timed(command, log=log))
        counts["unchanged"].append(rebuilt())
        rewritten["unchanged"].append(sum(before[p] != t for p, t in written().items()))
        text = commentary.read_text(encoding="utf-8")
        marker = "    answer: >-\n"
        edited = text.replace(marker, f"{marker}      (Edit {i + 1}.)\n", 1)
        commentary.write_text(edited, encoding="utf-8")
        before = written()
        runs["one commentary file edited"].append(timed(command, log=log))
        counts["one commentary file edited"].append(rebuilt())
        rewritten["one commentary file edited"].append(
            sum(before[p] != t for p, t in written().items())
        )
        for name in runs:
            print(f"  {name}, run {i + 1}: {runs[name][-1]:.2f} s", flush=True)
    return {
        "reports": len(pages),
        "runs": runs,
        "median_seconds": {name: median(values) for name, values in runs.items()},
        "rebuilt": counts,
        "html_rewritten": rewritten,
    }


def bench_startup(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """Wall seconds of commands that should start at once: a new process each run."""
    print("start-up", flush=True)
    data = str(args.data.resolve() / f"benchmark_{args.edition}.csv")
    commands = {
        "python -c pass (the interpreter alone)": [sys.executable, "-c", "pass"],
        "cxbench --version": [sys.executable, "-m", "cxbench", "--version"],
        "cxbench --help": [sys.executable, "-m", "cxbench", "--help"],
        "cxbench validate (bundled 2023 file)": [sys.executable, "-m", "cxbench", "validate", data],
        "cxbench score (bundled 2023 file)": [sys.executable, "-m", "cxbench", "score", data],
        "python -c 'import cxbench'": [sys.executable, "-c", "import cxbench"],
    }
    log = scratch / "startup.log"
    runs = interleaved(
        {name: (lambda i, c=command: timed(c, log=log)) for name, command in commands.items()},
        max(args.repeat, 5),
    )
    return {"runs": runs, "median_seconds": {name: median(v) for name, v in runs.items()}}


def bench_scorecards(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """Every participant's scorecard (``cxbench report --scorecards``): one run each."""
    print("scorecards", flush=True)
    command = [sys.executable, "-m", "cxbench", "report", "--data", str(args.data.resolve())]
    command += ["--edition", str(args.edition), "--no-progress", "--scorecards"]
    frame = pd.read_csv(args.data / f"benchmark_{args.edition}.csv", usecols=["respondent_id"])
    participants = frame["respondent_id"].tolist()
    if args.quick:
        participants = participants[:30]
        command += ["--participants", ",".join(participants)]
    log = scratch / "scorecards.log"

    def run(i: int) -> float:
        target = scratch / f"scorecards-{i}"
        shutil.rmtree(target, ignore_errors=True)
        return timed([*command, "--out", str(target)], log=log)

    runs = interleaved({"scorecards": run}, args.repeat)["scorecards"]
    return {"scorecards": len(participants), "runs": runs, "median_seconds": median(runs)}


# ------------------------------------------------------------------ scoring


def scoring_case(case: str, path: Path, log: Path) -> dict[str, Any]:
    """One run of a ``benchmarks/scoring.py`` case in its own process: its JSON line."""
    command = [sys.executable, str(SCORING), "run", case, str(path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(done.stderr)
    if done.returncode != 0:
        sys.exit(f"benchmark: {shlex.join(command)} failed; see {log}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def tables_agree(a: list[dict], b: list[dict], tolerance: float = 1e-9) -> bool:
    """Whether two group × dimension tables give the same n and scores.

    Examples
    --------
    >>> row = {"group": "x", "dimension": "d", "n": 2, "score": 50.0}
    >>> tables_agree([row], [row | {"score": 50.0 + 1e-12}]), tables_agree([row], [])
    (True, False)
    """
    index = ["group", "dimension"]
    left = pd.DataFrame(a, columns=[*index, "n", "score"]).set_index(index).sort_index()
    right = pd.DataFrame(b, columns=[*index, "n", "score"]).set_index(index).sort_index()
    if not left.index.equals(right.index) or not (left["n"] == right["n"]).all():
        return False
    return bool(np.allclose(left["score"], right["score"], rtol=0, atol=tolerance))


def bench_scoring(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    print("scoring", flush=True)
    sizes = [10_000, 100_000] if args.quick else args.sizes
    folder = args.scoring_data
    folder.mkdir(parents=True, exist_ok=True)
    log = scratch / "scoring.log"
    rows = []
    for n in sizes:
        path = folder / f"respondents-{n}.parquet"
        if not path.is_file():
            print(f"  generating {n:,} respondents", flush=True)
            timed([sys.executable, str(SCORING), "generate", str(n), str(path)], log=log)
        cases = ["stream"]
        if n <= args.memory_limit:
            cases.append("memory")
        if n <= args.apply_limit:
            cases.append("apply")
        results: dict[str, list[dict]] = {case: [] for case in cases}
        for i in range(args.repeat):
            for case in cases:
                results[case].append(scoring_case(case, path, log))
                last = results[case][-1]
                print(
                    f"  {n:,} {case}, run {i + 1}: {last['seconds']:.2f} s, "
                    f"{last['peak_rss_mib']:.0f} MiB",
                    flush=True,
                )
        reference = results["stream"][0]["table"]
        for case, runs in results.items():
            seconds = median([r["seconds"] for r in runs])
            rows.append(
                {
                    "respondents": n,
                    "case": case,
                    "answers": runs[0]["answers"],
                    "runs": [r["seconds"] for r in runs],
                    "seconds": seconds,
                    "answers_per_second": runs[0]["answers"] / seconds,
                    "peak_rss_mib": median([r["peak_rss_mib"] for r in runs]),
                    "same_result_as_stream": all(tables_agree(r["table"], reference) for r in runs),
                }
            )
    stream = [r for r in rows if r["case"] == "stream"]
    fit = linear_fit([r["respondents"] for r in stream], [r["seconds"] for r in stream])
    return {"rows": rows, "stream_fit": fit}


# ---------------------------------------------------------------- bootstrap


def bootstrap_scores(n_groups: int, per_group: int, seed: int = 2023) -> pd.DataFrame:
    """Tidy respondent scores of ``n_groups`` sectors × 3 dimensions: the percentage of
    four 1–5 answers, as the instrument gives them.

    Examples
    --------
    >>> frame = bootstrap_scores(2, 3)
    >>> frame.shape, sorted(frame.dimension.unique())
    ((18, 3), ['manage', 'master', 'measure'])
    """
    rng = np.random.default_rng(seed)
    frames = []
    for g in range(n_groups):
        for dimension in ("measure", "manage", "master"):
            points = rng.integers(1, 6, size=(per_group, 4)).sum(axis=1)
            frames.append(
                pd.DataFrame(
                    {"dimension": dimension, "group": f"Sector {g + 1:02d}", "score": points * 5.0}
                )
            )
    return pd.concat(frames, ignore_index=True)


def bench_bootstrap(args: argparse.Namespace) -> dict[str, Any]:
    import pingouin as pg

    from cxbench.stats import group_statistics

    print("bootstrap", flush=True)
    resamples = 10_000
    rows = []
    for per_group in [50, 1000] if not args.quick else [50]:
        scores = bootstrap_scores(12, per_group)
        groups = [g.to_numpy() for _, g in scores.groupby(["dimension", "group"])["score"]]

        def cx(i: int, scores: pd.DataFrame = scores) -> float:
            start = time.perf_counter()
            group_statistics(scores, n_resamples=resamples)
            return time.perf_counter() - start

        def pingouin(i: int, groups: list = groups) -> float:
            start = time.perf_counter()
            for x in groups:
                pg.compute_bootci(x, func="mean", n_boot=resamples, method="BCa", seed=i)
            return time.perf_counter() - start

        def loop(i: int, groups: list = groups) -> float:
            rng = np.random.default_rng(i)
            start = time.perf_counter()
            for x in groups:
                means = [rng.choice(x, size=len(x)).mean() for _ in range(resamples)]
                np.percentile(means, [2.5, 97.5])
            return time.perf_counter() - start

        seconds = interleaved(
            {
                "cxbench group_statistics (BCa)": cx,
                "pingouin compute_bootci (BCa), group by group": pingouin,
                "hand-written loop (percentile)": loop,
            },
            max(args.repeat, 5),
        )
        for name, values in seconds.items():
            rows.append(
                {
                    "per_group": per_group,
                    "method": name,
                    "runs": values,
                    "seconds": median(values),
                }
            )
    return {"groups": 12, "dimensions": 3, "resamples": resamples, "rows": rows}


# ------------------------------------------------------------------ output


# ------------------------------------------------------------------ intake

QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Istanbul"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Istanbul"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def intake_files(n: int, folder: Path, seed: int = 2023) -> tuple[Path, Path, Path]:
    """The same ``n`` respondents three times: cxbench's layout (id, sector, items),
    cxbench's layout with the Qualtrics file's metadata columns too, and a Qualtrics
    export.

    The Qualtrics file has its three header rows, metadata columns and the matrix as
    ``Q1_1`` … with ``stem - statement`` texts, so that every item is found by text.
    The second file has the same cells but cxbench's names and one header row: the
    difference between it and the export is the layout and the matching alone.

    Examples
    --------
    >>> import tempfile
    >>> plain, wide, qualtrics = intake_files(3, Path(tempfile.mkdtemp()))
    >>> plain.read_text().splitlines()[0].split(",")[:3]
    ['respondent_id', 'sector', 'measure_1']
    >>> wide.read_text(encoding="utf-8-sig").splitlines()[0].replace('"', '').split(",")[6:9]
    ['respondent_id', 'UserLanguage', 'sector']
    >>> len(qualtrics.read_text(encoding="utf-8-sig").splitlines())
    6
    """
    from cxbench import load_instrument

    inst = load_instrument()
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 6, size=(n, len(inst.items)))
    sectors = np.array(["Finance", "Telecom", "Retail", "Energy"])[rng.integers(0, 4, n)]
    ids = [f"R_{i:012d}" for i in range(n)]
    plain, qualtrics = folder / f"intake_{n}.csv", folder / f"intake_{n}_qualtrics.csv"
    wide = folder / f"intake_{n}_wide.csv"
    meta = ["2023-03-14 10:22:03", "2023-03-14 10:30:55", "0", "100", "532", "1"]
    with plain.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["respondent_id", "sector", *inst.item_ids])
        for i in range(n):
            out.writerow([ids[i], sectors[i], *answers[i]])
    names = [m[0] for m in QUALTRICS_META]
    names[names.index("ResponseId")] = "respondent_id"
    with wide.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        out.writerow([*names, "sector", *inst.item_ids])
        for i in range(n):
            out.writerow([*meta, ids[i], "EN", sectors[i], *answers[i]])
    stem = "How much do you agree with the following statements?"
    codes = [f"Q1_{k}" for k in range(1, len(inst.items) + 1)]
    with qualtrics.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        out.writerow([m[0] for m in QUALTRICS_META] + ["sector", *codes])
        out.writerow(
            [m[1] for m in QUALTRICS_META]
            + ["Sector"]
            + [f"{stem} - {item.text['en']}" for item in inst.items]
        )
        out.writerow(
            [m[2] for m in QUALTRICS_META]
            + ['{"ImportId":"QID2_TEXT"}']
            + [f'{{"ImportId":"QID1_{k}"}}' for k in range(1, len(codes) + 1)]
        )
        for i in range(n):
            out.writerow([*meta, ids[i], "EN", sectors[i], *answers[i]])
    return plain, wide, qualtrics


def bench_intake(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """``cxbench validate`` of a Qualtrics export against the same rows in cxbench's layout."""
    n = 2_000 if args.quick else args.intake_rows
    files = dict(
        zip(
            ["cxbench layout", "cxbench layout, Qualtrics' columns", "Qualtrics export"],
            intake_files(n, scratch),
            strict=True,
        )
    )
    log = scratch / "intake.log"
    cxbench = str(BIN / "cxbench")
    runs = {
        name: (lambda i, path=path: timed([cxbench, "validate", str(path)], log=log))
        for name, path in files.items()
    }
    seconds = interleaved(runs, args.repeat)
    medians = {name: median(values) for name, values in seconds.items()}
    return {
        "rows": n,
        "seconds": seconds,
        "median_seconds": medians,
        "ratio": medians["Qualtrics export"] / medians["cxbench layout, Qualtrics' columns"],
        "bytes": {name: path.stat().st_size for name, path in files.items()},
    }


def render(results: dict[str, Any]) -> str:
    """The Markdown tables of a benchmark run."""
    out = []
    machine = results["machine"]
    out.append(
        f"Measured {results['date']} on {machine['cores']} cores, Python "
        f"{machine['python']}, cxbench {machine['cxbench']}; medians of "
        f"{results['repeat']} runs (`python benchmarks/run.py`)."
    )
    if "reports" in results:
        r = results["reports"]
        base = r["median_seconds"]["baseline: papermill + nbconvert loop"]
        out.append(
            f"\n**Report set** — {r['reports']} reports ({len(r['languages'])} languages, "
            f"{r['sectors']} sectors):\n"
        )
        out.append(
            markdown_table(
                ["how", "seconds (median)", "min–max", "per report", "speed-up vs the loop"],
                [
                    [
                        name,
                        f"{s:.1f}",
                        f"{min(r['runs'][name]):.1f}–{max(r['runs'][name]):.1f}",
                        f"{s / r['reports']:.2f}",
                        f"{base / s:.1f}×",
                    ]
                    for name, s in r["median_seconds"].items()
                ],
            )
        )
        same, pages = r["html_identical_reused_vs_new_kernels"]
        if pages:
            out.append(
                f"\nReused and new kernels gave byte-identical HTML for {same} of {pages} reports."
            )
        if r["scaling"]:
            out.append(
                "\nTime against the number of sectors (reports = languages × (sectors + 1)):\n"
            )
            out.append(
                markdown_table(
                    ["sectors", "reports", "seconds"],
                    [[s["sectors"], s["reports"], f"{s['seconds']:.1f}"] for s in r["scaling"]],
                )
            )
            out.append(
                f"\nLinear fit: {r['fixed_seconds']:.1f} s + "
                f"{r['marginal_seconds_per_report']:.2f} s per report (R² = {r['r2']:.3f})."
            )
        out.append("\nWhere the seconds go (summed over the reports, in worker seconds):\n")
        columns = list(r["profile"].values())
        out.append(
            markdown_table(
                ["phase", *r["profile"].keys()],
                [[phase, *(f"{c[phase]:.1f}" for c in columns)] for phase in columns[0]]
                + [["**total**", *(f"**{sum(c.values()):.1f}**" for c in columns)]],
            )
        )
        inc = r["incremental"]
        out.append(
            f"\nThe same {inc['reports']} reports made again (`cxbench report`, same folder):\n"
        )
        out.append(
            markdown_table(
                ["change", "seconds (median)", "min–max", "reports made again", "HTML rewritten"],
                [
                    [
                        name,
                        f"{inc['median_seconds'][name]:.2f}",
                        f"{min(inc['runs'][name]):.2f}–{max(inc['runs'][name]):.2f}",
                        ", ".join(map(str, sorted(set(inc["rebuilt"][name])))),
                        ", ".join(map(str, sorted(set(inc["html_rewritten"][name])))),
                    ]
                    for name in inc["runs"]
                ],
            )
        )
    if "startup" in results:
        st = results["startup"]
        out.append("\n**Start-up** — a new process each run:\n")
        out.append(
            markdown_table(
                ["command", "seconds (median)", "min–max"],
                [
                    [
                        f"`{name}`",
                        f"{m:.2f}",
                        f"{min(st['runs'][name]):.2f}–{max(st['runs'][name]):.2f}",
                    ]
                    for name, m in st["median_seconds"].items()
                ],
            )
        )
    if "scorecards" in results:
        sc = results["scorecards"]
        out.append(
            f"\n**Scorecards** — `cxbench report --scorecards`, {sc['scorecards']} "
            f"participants: {sc['median_seconds']:.1f} s (median; runs "
            + ", ".join(f"{v:.1f}" for v in sc["runs"])
            + f"), {sc['median_seconds'] / sc['scorecards']:.2f} s per scorecard.\n"
        )
    if "scoring" in results:
        rows = results["scoring"]["rows"]
        out.append("\n**Scoring** — 12 answers per respondent, from Parquet, by sector:\n")
        apply = {r["respondents"]: r["answers_per_second"] for r in rows if r["case"] == "apply"}
        reference = max(apply) if apply else None
        out.append(
            markdown_table(
                [
                    "respondents",
                    "how",
                    "seconds",
                    "answers / s",
                    "vs apply",
                    "peak memory",
                    "same result",
                ],
                [
                    [
                        f"{r['respondents']:,}",
                        {
                            "stream": "cxbench `score_parquet` (streamed)",
                            "memory": "cxbench `dimension_scores` (in memory)",
                            "apply": "pandas `DataFrame.apply` per row",
                        }[r["case"]],
                        f"{r['seconds']:.2f}",
                        f"{r['answers_per_second'] / 1e6:,.1f} M",
                        f"{r['answers_per_second'] / apply[reference]:,.0f}×" if reference else "",
                        f"{r['peak_rss_mib'] / 1024:.2f} GiB",
                        "yes" if r["same_result_as_stream"] else "**no**",
                    ]
                    for r in rows
                ],
            )
        )
        fit = results["scoring"]["stream_fit"]
        if reference:
            out.append(
                f"\n'vs apply' compares throughput with `apply` on {reference:,} "
                "respondents (it is not run on more: it would take minutes)."
            )
        out.append(
            f"Streamed scoring time: {fit['intercept']:.2f} s + "
            f"{fit['slope'] * 1e6:.3f} s per million respondents (R² = {fit['r2']:.4f})."
        )
    if "bootstrap" in results:
        b = results["bootstrap"]
        out.append(
            f"\n**Bootstrap** — 95 % intervals of {b['groups']} sectors × "
            f"{b['dimensions']} dimensions, {b['resamples']:,} resamples:\n"
        )
        rows = b["rows"]
        fastest = {r["per_group"]: r["seconds"] for r in rows if r["method"].startswith("cxbench")}
        out.append(
            markdown_table(
                ["respondents per sector", "how", "seconds", "cxbench is ×"],
                [
                    [
                        r["per_group"],
                        r["method"],
                        f"{r['seconds']:.3f}",
                        f"{r['seconds'] / fastest[r['per_group']]:.1f}",
                    ]
                    for r in rows
                ],
            )
        )
    if "intake" in results:
        r = results["intake"]
        same = r["median_seconds"]["cxbench layout, Qualtrics' columns"]
        out.append(
            f"\n**Intake** — `cxbench validate` of {r['rows']:,} respondents, the same "
            "answers in cxbench's layout and as a Qualtrics export (3 header rows, "
            "metadata columns, items found by statement text):\n"
        )
        out.append(
            markdown_table(
                ["file", "MB", "seconds (median)", "runs", "vs the same cells, own layout"],
                [
                    [
                        name,
                        f"{r['bytes'][name] / 1e6:.1f}",
                        f"{r['median_seconds'][name]:.2f}",
                        ", ".join(f"{v:.2f}" for v in r["seconds"][name]),
                        f"{r['median_seconds'][name] / same:.2f}",
                    ]
                    for name in r["median_seconds"]
                ],
            )
        )
    return "\n".join(out) + "\n"


def update_readme(table: str, readme: Path = ROOT / "README.md") -> None:
    """Put ``table`` between the README's benchmark markers."""
    text = readme.read_text(encoding="utf-8")
    start, end = MARKERS
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        sys.exit(f"benchmark: {readme} has no {start} … {end} block")
    readme.write_text(pattern.sub(lambda _: f"{start}\n{table}{end}", text), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated parts: startup, reports, scorecards, scoring, bootstrap, intake "
        "(default: all; with --quick: startup,reports)",
    )
    parser.add_argument(
        "--intake-rows", type=int, default=100_000, help="respondents validated (intake)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="under five minutes: start-up, and the English benchmark report and two "
        "sectors against the loop (cold, unchanged, one commentary file edited)",
    )
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--edition", type=int, default=2023)
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(float(v)) for v in text.split(",")],
        default=[1_000_000, 10_000_000, 50_000_000],
        help="respondents to score (default: 1e6,1e7,5e7)",
    )
    parser.add_argument("--memory-limit", type=float, default=10_000_000)
    parser.add_argument("--apply-limit", type=float, default=1_000_000)
    parser.add_argument(
        "--scoring-data",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cxbench-bench",
        help="where the generated Parquet files are kept between runs",
    )
    parser.add_argument("--readme", action="store_true", help="update README.md's table")
    args = parser.parse_args(argv)
    everything = {"startup", "reports", "scorecards", "scoring", "bootstrap", "intake"}
    default = "startup,reports" if args.quick else ",".join(sorted(everything))
    parts = set((args.only or default).split(","))
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "repeat": args.repeat,
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "cxbench": version("cxbench"),
            "platform": platform.platform(),
        },
    }
    with tempfile.TemporaryDirectory(prefix="cxbench-bench-") as tmp:
        scratch = Path(tmp)
        if "intake" in parts:
            results["intake"] = bench_intake(args, scratch)
        if "bootstrap" in parts:
            results["bootstrap"] = bench_bootstrap(args)
        if "scoring" in parts:
            results["scoring"] = bench_scoring(args, scratch)
        if "startup" in parts:
            results["startup"] = bench_startup(args, scratch)
        if "reports" in parts:
            results["reports"] = bench_reports(args, scratch)
        if "scorecards" in parts:
            results["scorecards"] = bench_scorecards(args, scratch)
    RESULTS.mkdir(parents=True, exist_ok=True)
    # a partial run (--only) keeps its own files: the full run's stay as they were
    partial = parts != everything and not (args.quick and args.only is None)
    suffix = ("-" + "-".join(sorted(parts)) if partial else "") + ("-quick" if args.quick else "")
    (RESULTS / f"results{suffix}.json").write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    table = render(results)
    (RESULTS / f"results{suffix}.md").write_text(table, encoding="utf-8")
    print(table)
    if args.readme and not args.quick and not partial:
        update_readme(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
