"""Survey weights at scale: raking N respondents and their weighted scores with errors.

Usage (from the repository, in its environment)::

    python benchmarks/weights.py                 # 1,000,000 respondents, 3 runs
    python benchmarks/weights.py --n 100000 --repeat 5

Respondents are drawn with a sector × company size mix unlike the population of
``data/population.yaml`` (so the raking has work to do); their answers are generated
by :func:`cxbench.synthetic.generate_benchmark`. Reported: the median seconds of each
step over ``--repeat`` runs (and the spread, min–max), the raking rounds, Kish's n.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

import cxbench as cx
from cxbench.synthetic import generate_benchmark

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    inst = cx.load_instrument()
    population = cx.load_population(ROOT / "data" / "population.yaml")
    data = generate_benchmark(2023, n=args.n, seed=11)
    rng = np.random.default_rng(11)
    sizes = list(population.margins["company_size"])
    data["company_size"] = rng.choice(sizes, size=len(data), p=[0.2, 0.3, 0.3, 0.2])
    steps: dict[str, list[float]] = {"rake": [], "overall scores": [], "scores by sector": []}
    for _ in range(args.repeat):
        started = time.perf_counter()
        weighting = cx.weight_respondents(data, population)
        steps["rake"].append(time.perf_counter() - started)
        started = time.perf_counter()
        cx.weighted_scores(data, inst, weighting)
        steps["overall scores"].append(time.perf_counter() - started)
        started = time.perf_counter()
        cx.weighted_scores(data, inst, weighting, by="sector")
        steps["scores by sector"].append(time.perf_counter() - started)
    print(
        f"{args.n:,} respondents, {args.repeat} runs; raking: {weighting.iterations} rounds, "
        f"Kish effective n {weighting.n_eff:,.0f}"
    )
    print("| step | median (s) | min–max (s) |")
    print("|---|---:|---:|")
    for step, times in steps.items():
        print(f"| {step} | {statistics.median(times):.2f} | {min(times):.2f}–{max(times):.2f} |")


if __name__ == "__main__":
    main()
