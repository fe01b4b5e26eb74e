"""Write a large CSV in cxbench's layout for the bundled instrument, with planted faults.

For measuring ``cxbench validate`` on a file larger than memory would like:

    python benchmarks/big_csv.py /tmp/big.csv --bytes 1000000000
    /usr/bin/time -v .venv/bin/cxbench validate /tmp/big.csv --rejects /tmp/big.rejects.csv

Every 100,000th row has an answer off the scale (9) and every 250,000th row repeats the
id of the row before, so the rejected rows can be counted by hand: for N rows,
N // 100,000 + N // 250,000 - N // 500,000 (rows that are both count once).
"""

from __future__ import annotations

import argparse

import numpy as np

ITEMS = [f"{d}_{i}" for d in ("measure", "manage", "master") for i in range(1, 5)]
SECTORS = ["Finance", "Telecom", "Energy", "Online retail", "Public sector"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--bytes", type=int, default=1_000_000_000, help="at least this size")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    header = f"respondent_id,edition,sector,country,company_size,{','.join(ITEMS)},nps,success\n"
    row, block = 0, 200_000
    with open(args.path, "w", encoding="utf-8", newline="") as out:
        out.write(header)
        written = len(header)
        while written < args.bytes:
            answers = rng.integers(1, 6, size=(block, len(ITEMS))).astype(str)
            lines = []
            for k in range(block):
                row += 1
                cells = answers[k].tolist()
                if row % 100_000 == 0:
                    cells[3] = "9"
                rid = f"ORG-{row - 1 if row % 250_000 == 0 else row:09d}"
                lines.append(
                    f"{rid},2023,{SECTORS[row % 5]},Türkiye,250-999,{','.join(cells)},"
                    f"{row % 11},{1 + row % 5}\n"
                )
            text = "".join(lines)
            out.write(text)
            written += len(text.encode("utf-8"))
    rejected = row // 100_000 + row // 250_000 - row // 500_000
    print(f"{args.path}: {row:,} rows, {written:,} bytes, {rejected} rows to reject")


if __name__ == "__main__":
    main()
