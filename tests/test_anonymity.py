"""No output of any command, nor of a report set, names a group below min_n (issue 13).

A data folder of two editions is made with a planted sector of 3 organisations (under
min_n = 5) and a sector of 6, the smallest of the others: alone, the planted sector's
figures would follow from the benchmark's minus the shown sectors', so the sector of 6
must be hidden with it (complementary suppression). Every command is run on it, in
every output format, and everything it prints or writes — tables, reports (HTML and
executed notebooks), scorecards, index, manifest, logs — is searched for both names.
The same commands with ``--min-n 1`` do name them (so the search can fail), and say
that anonymity is off.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cxbench.cli import main
from cxbench.synthetic import generate_benchmark

ROOT = Path(__file__).resolve().parents[1]
PLANTED = "Zqx Planted Guild"  # 3 organisations
COMPLEMENT = "Ykw Complement Works"  # 6: hidden with the planted one
NAMES = (PLANTED, COMPLEMENT)
BIG = ("Alpha", "Beta", "Gamma")
METRIC_COLUMNS = ("--nps", "nps", "--csat", "success")
ONLY_PLANTED = ["--sectors", PLANTED, "--min-n", "1"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("anonymity")
    data = root / "data"
    data.mkdir()
    for edition in (2022, 2023):
        frame = generate_benchmark(edition, n=120, seed=11).reset_index(drop=True)
        sectors = [PLANTED] * 3 + [COMPLEMENT] * 6
        sectors += [BIG[i % 3] for i in range(len(frame) - len(sectors))]
        frame["sector"] = sectors
        # every respondent scored on every dimension: the sizes above hold everywhere
        frame[[c for c in frame.columns if c.split("_")[0] in ("measure", "manage", "master")]] = (
            frame[
                [c for c in frame.columns if c.split("_")[0] in ("measure", "manage", "master")]
            ].fillna(3)
        )
        frame.to_csv(data / f"benchmark_{edition}.csv", index=False)
        frame.to_parquet(root / f"benchmark_{edition}.parquet", index=False)
    shutil.copytree(ROOT / "data" / "commentary", data / "commentary")
    return root


def _commands(root: Path, min_n: str) -> list[list[str]]:
    data = root / "data"
    csv = str(data / "benchmark_2023.csv")
    parquet = str(root / "benchmark_2023.parquet")
    n = ["--min-n", min_n]
    runs = []
    for fmt in ("table", "csv", "json"):
        runs += [
            ["score", csv, "--by", "sector", "--format", fmt, *n],
            ["score", csv, "--by", "sector", "--level", "item", "--format", fmt, *n],
            ["score", parquet, "--stream", "--by", "sector", "--format", fmt, *n],
        ]
    for fmt in ("table", "json"):
        runs += [
            ["compare", csv, "--by", "sector", "--format", fmt, *n],
            ["compare", csv, "--by", "sector", "--level", "item", "--format", fmt, *n],
            ["metrics", csv, *METRIC_COLUMNS, "--by", "sector", "--format", fmt, *n],
            ["trend", "--data", str(data), "--by", "sector", "--format", fmt, *n],
        ]
    return runs


def _run(command: list[str], capsys) -> str:
    main(command)
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_no_command_names_a_group_under_min_n(folder, capsys):
    for command in _commands(folder, "5"):
        text = _run(command, capsys)
        for name in NAMES:
            assert name not in text, (command, name)
        if command[0] in ("score", "compare"):
            # the two hidden, counted: 3 + 6 respondents on every dimension and statement
            assert "2 groups, 9 respondents" in text or '"groups": 2,' in text, command
        elif command[0] == "metrics":
            assert "suppressed (groups under 5, or hidden with one): 2 groups" in text


def test_with_min_n_1_they_are_named_and_it_says_so(folder, capsys):
    """The check above can fail: switched off, anonymity shows both groups."""
    for command in _commands(folder, "1"):
        text = _run(command, capsys)
        assert PLANTED in text and COMPLEMENT in text, command
        if command[0] in ("score", "metrics", "trend", "compare"):
            assert "anonymity off (min_n=1)" in text, command


def test_an_error_does_not_name_a_hidden_group(folder, capsys):
    refused = str(folder / "refused")
    text = _run(
        ["report", "--data", str(folder / "data"), "--sectors", PLANTED, "--out", refused], capsys
    )
    assert "not shown" in text and PLANTED not in text


def test_no_file_of_a_report_set_names_a_group_under_min_n(folder, capsys):
    out = folder / "reports"
    data = str(folder / "data")
    code = main(["report", "--data", data, "--out", str(out), "--languages", "en,tr"])
    text = capsys.readouterr()
    assert code == 0, text
    planted_member = pd.read_csv(folder / "data" / "benchmark_2023.csv")["respondent_id"][0]
    cards = ["--scorecards", "--participants", str(planted_member), "--languages", "en"]
    code = main(["report", "--data", data, "--out", str(out), *cards])
    printed = text.out + text.err + "".join(capsys.readouterr())
    assert code == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".html", ".ipynb", ".csv", ".json"} <= kinds
    assert any("scorecards" in p.parts for p in files)
    sector_pages = sorted(
        p.name for p in files if p.name.startswith("sector-") and p.suffix == ".html"
    )
    assert sector_pages == sorted(f"sector-{big.lower()}.html" for big in BIG for _ in ["en", "tr"])
    for path in files:
        content = path.read_bytes().decode("utf-8", errors="replace")
        for name in NAMES:
            assert name not in content, (path, name)
    for name in NAMES:
        assert name not in printed
    # the shown sectors have their reports
    names = " ".join(p.name for p in files)
    assert all(big.lower() in names.lower() for big in BIG)


def test_a_report_set_with_min_n_1_names_them_and_says_so(folder, capsys):
    out = folder / "open"
    data = str(folder / "data")
    code = main(["report", "--data", data, "--out", str(out), "--languages", "en", *ONLY_PLANTED])
    capsys.readouterr()
    assert code == 0
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "2023").rglob("*.html")}
    sector = next(text for name, text in pages.items() if name.startswith("sector-"))
    assert PLANTED in sector and "Anonymity is switched off for this report" in sector
