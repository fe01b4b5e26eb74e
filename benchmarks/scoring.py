"""Scoring at scale: generated data, and the three ways of scoring it that
``benchmarks/run.py`` compares, each run in its own process.

Usage::

    python benchmarks/scoring.py generate 10000000 /tmp/r10m.parquet
    python benchmarks/scoring.py run stream /tmp/r10m.parquet

``run`` prints one JSON line: the case, rows, answers (rows × 12), wall seconds (reading
the file included), answers per second, the process's peak resident memory, and the
group × dimension table, so that the caller can check that the cases agree.

Cases:

``stream``
    :func:`cxbench.score_parquet` by sector, in batches of a million rows.
``memory``
    ``pandas.read_parquet`` and :func:`cxbench.dimension_scores` by sector.
``apply``
    The baseline a pandas user would write: ``pandas.read_parquet``, then
    ``DataFrame.apply`` of a per-respondent function over the rows, then a group-by mean.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SECTORS = [
    "Automotive",
    "Education",
    "Energy",
    "Finance",
    "Healthcare",
    "Logistics",
    "Manufacturing",
    "Media",
    "Online retail",
    "Public sector",
    "Telecom",
    "Travel",
]
DIMENSIONS = ("measure", "manage", "master")
ITEMS = [f"{d}_{i}" for d in DIMENSIONS for i in range(1, 5)]
MISSING_SHARE = 0.03
CHUNK = 5_000_000


def generate(n: int, path: Path, *, seed: int = 2023, chunk: int = CHUNK) -> Path:
    """Write ``n`` respondents to Parquet: an int64 id, a sector (12, dictionary
    encoded) and 12 int8 answers from 1 to 5, about 3 % missing; chunk by chunk.

    Examples
    --------
    >>> import tempfile
    >>> path = generate(1000, Path(tempfile.mkdtemp()) / "r.parquet", chunk=300)
    >>> str(pq.read_schema(path).field("measure_1").type)
    'int8'
    >>> frame = pd.read_parquet(path)
    >>> frame.shape, float(frame["measure_1"].min()), float(frame["measure_1"].max())
    ((1000, 14), 1.0, 5.0)
    >>> bool(0.01 < frame["manage_2"].isna().mean() < 0.06)
    True
    """
    rng = np.random.default_rng(seed)
    sectors = pa.array(SECTORS)
    writer = None
    try:
        for start in range(0, n, chunk):
            size = min(chunk, n - start)
            level = rng.integers(2, 5, size=size, dtype=np.int8)  # a respondent's tendency
            columns = {
                "respondent_id": pa.array(np.arange(start + 1, start + size + 1)),
                "sector": pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, len(SECTORS), size=size, dtype=np.int8)), sectors
                ),
            }
            for item in ITEMS:
                answer = np.clip(level + rng.integers(-1, 2, size=size, dtype=np.int8), 1, 5)
                columns[item] = pa.array(answer, mask=rng.random(size) < MISSING_SHARE)
            table = pa.table(columns)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path


def respondent_row(row: pd.Series) -> pd.Series:
    """The baseline's per-respondent function: each dimension's points / (5 × answered)
    × 100 when at least 3 of its 4 statements are answered.

    Examples
    --------
    >>> row = pd.Series(dict.fromkeys(ITEMS, 4.0) | {"measure_1": np.nan})
    >>> respondent_row(row).tolist()
    [80.0, 80.0, 80.0]
    """
    out = {}
    for dimension in DIMENSIONS:
        answers = [row[f"{dimension}_{i}"] for i in range(1, 5)]
        given = [a for a in answers if not pd.isna(a)]
        out[dimension] = sum(given) / (5 * len(given)) * 100 if len(given) >= 3 else np.nan
    return pd.Series(out)


def apply_baseline(path: Path) -> pd.DataFrame:
    """Score as a pandas user would: read, ``apply`` per row, group-by mean."""
    data = pd.read_parquet(path)
    scores = data[ITEMS].apply(respondent_row, axis=1)
    scores["group"] = data["sector"].astype(str)
    long = scores.melt(id_vars="group", var_name="dimension", value_name="score")
    return long.groupby(["group", "dimension"])["score"].agg(n="count", score="mean").reset_index()


def run(case: str, path: Path) -> dict:
    """Score ``path`` one way; the figures ``benchmarks/run.py`` collects."""
    import cxbench as cx

    instrument = cx.load_instrument()
    rows = pq.ParquetFile(path).metadata.num_rows
    start = time.perf_counter()
    if case == "stream":
        table = cx.score_parquet(path, instrument, by="sector").scores
    elif case == "memory":
        table = cx.dimension_scores(pd.read_parquet(path), instrument, by="sector")
    elif case == "apply":
        table = apply_baseline(path)
    else:
        raise SystemExit(f"unknown case {case!r}: stream, memory or apply")
    seconds = time.perf_counter() - start
    table = table.astype({"group": str, "dimension": str, "n": int, "score": float})
    return {
        "case": case,
        "rows": rows,
        "answers": rows * len(ITEMS),
        "seconds": seconds,
        "answers_per_second": rows * len(ITEMS) / seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "table": [
            {"group": r.group, "dimension": r.dimension, "n": r.n, "score": round(r.score, 9)}
            for r in table.itertuples()
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("generate", help="write N generated respondents to PATH")
    make.add_argument("n", type=lambda text: int(float(text)))
    make.add_argument("path", type=Path)
    make.add_argument("--seed", type=int, default=2023)
    score = commands.add_parser("run", help="score PATH one way; print one JSON line")
    score.add_argument("case", choices=("stream", "memory", "apply"))
    score.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate(args.n, args.path, seed=args.seed)
    else:
        print(json.dumps(run(args.case, args.path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
