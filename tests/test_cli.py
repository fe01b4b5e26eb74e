"""The command line: help, output formats, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from cxbench.cli import build_parser, main
from cxbench.instrument import load_instrument

INST = load_instrument()
COMMANDS = [
    "validate",
    "score",
    "compare",
    "metrics",
    "trend",
    "reliability",
    "report",
    "instrument",
]


@pytest.fixture
def survey(tmp_path):
    """40 respondents in two sectors; sector b answers one point higher."""
    rng = np.random.default_rng(3)
    base = rng.integers(1, 5, size=(40, 12))
    sectors = np.where(np.arange(40) < 20, "a", "b")
    base[sectors == "b"] += 1
    frame = pd.DataFrame(base, columns=INST.item_ids)
    frame.insert(0, "respondent_id", [f"R{i:02d}" for i in range(40)])
    frame.insert(1, "sector", sectors)
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_every_subcommand_has_help(capsys):
    for command in COMMANDS:
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0
        assert f"usage: cxbench {command}" in capsys.readouterr().out
    assert set(build_parser()._subparsers._group_actions[0].choices) == set(COMMANDS)


def test_console_script_runs_as_a_module():
    done = subprocess.run(
        [sys.executable, "-m", "cxbench", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("cxbench ")


def test_score_json_records(survey, capsys):
    path, frame = survey
    assert main(["score", str(path), "--by", "sector", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["group"], r["dimension"]) for r in records[:3]] == [
        ("a", "measure"), ("a", "manage"), ("a", "master"),
    ]  # fmt: skip
    assert set(records[0]) == {"group", "dimension", "n", "score"}
    measure_a = frame.loc[frame.sector == "a", INST.item_ids[:4]]
    expected = (measure_a.sum(axis=1) / 20 * 100).mean()  # 4 items x max 5 points
    assert records[0]["score"] == pytest.approx(expected, abs=1e-6)
    assert records[0]["n"] == 20


def test_score_item_level_and_pomp(survey, capsys):
    path, frame = survey
    assert (
        main(["score", str(path), "--level", "item", "--method", "pomp", "--format", "json"]) == 0
    )
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 12 and records[0]["group"] == "all" and records[0]["item"] == "measure_1"
    expected = (frame["measure_1"].mean() - 1) / 4 * 100
    assert records[0]["score"] == pytest.approx(expected, abs=1e-6)


def test_score_table_and_csv(survey, capsys):
    path, _ = survey
    assert main(["score", str(path)]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["group", "dimension", "n", "score"]
    assert main(["score", str(path), "--format", "csv"]) == 0
    csv_text = capsys.readouterr().out
    assert csv_text.splitlines()[0] == "group,dimension,n,score"


def test_reliability_json(survey, capsys):
    path, _ = survey
    assert main(["reliability", str(path), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["dimension"] for r in records] == ["measure", "manage", "master"]
    assert {"dimension", "alpha", "ci_low", "ci_high", "n"} <= set(records[0])
    assert all(r["ci_low"] <= r["alpha"] <= r["ci_high"] for r in records)


def test_rejected_rows_are_reported_and_written_aside(survey, tmp_path, capsys):
    path, frame = survey
    frame.loc[3, "manage_2"] = 9
    frame.to_csv(path, index=False)
    assert main(["score", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "1 of 40 rows rejected" in captured.err
    assert json.loads(captured.out)[0]["n"] == 39
    rejects = pd.read_csv(tmp_path / "survey.rejects.csv")
    assert rejects["respondent_id"].tolist() == ["R03"]
    assert main(["validate", str(path), "--rejects", str(tmp_path / "r.csv")]) == 1
    assert "row 5, column 'manage_2', value '9': outside the scale 1–5" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "{missing}"], "no such file"),
        (["score", "{path}", "--by", "nope"], "by='nope': no such column"),
        (["score", "{path}", "--min-answered", "5"], "exceeds the 4 items"),
        (["score", "{path}", "--instrument", "nope"], "not a bundled instrument"),
        (["score", "{path}", "--id-column", "org"], "respondent id column missing"),
        (["reliability", "{path}", "--confidence", "95"], "between 0 and 1"),
        (["report", "--data", "{missing}"], "no such folder"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(survey, tmp_path, capsys, argv, message):
    path, _ = survey
    argv = [a.format(path=path, missing=tmp_path / "missing.csv") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("cxbench: error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_report_writes_tables_with_the_provenance_note(survey, tmp_path, capsys):
    path, _ = survey
    data = tmp_path / "data"
    data.mkdir()
    path.rename(data / "benchmark_2024.csv")
    (data / "benchmark_2024.meta.yaml").write_text("note: SYNTHETIC test data\n", encoding="utf-8")
    out = tmp_path / "reports"
    assert main(["report", "--data", str(data), "--out", str(out), "--tables-only"]) == 0
    assert "edition 2024: " in capsys.readouterr().out
    tables = out / "2024" / "tables"
    names = sorted(p.name for p in tables.iterdir())
    assert "dimension_scores_by_sector.csv" in names and "reliability.csv" in names
    for csv_path in tables.glob("*.csv"):
        assert csv_path.read_text(encoding="utf-8").startswith("# SYNTHETIC test data\n")
    by_sector = pd.read_csv(tables / "dimension_scores_by_sector.csv", comment="#")
    a, b = (by_sector[by_sector.group == g]["score"].to_numpy() for g in "ab")
    assert (b > a).all()  # sector b answers one point higher
    assert main(["report", "--data", str(data), "--edition", "1999"]) == 2
