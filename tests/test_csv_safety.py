"""Every CSV cxbench writes is safe to open in a spreadsheet (issue 13): a cell that a
spreadsheet would run as a formula (OWASP "CSV injection": a leading =, +, -, @, tab or
carriage return) is written with a leading ', and :func:`cxbench.files.restore_cell`
gives the text back. Checked on the CSV of ``score``, the report tables and the
rejects file, with group names and ids that are formulas."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from cxbench.cli import main
from cxbench.files import neutralise_cell, restore_cell
from cxbench.synthetic import generate_benchmark

FORMULAS = ['=HYPERLINK("http://example.com","click")', "+1+1", "@SUM(A1:A9)", "-2+3", "=1"]


def _unsafe(cell: str) -> bool:
    """What a spreadsheet would run: a leading =, +, -, @, tab or CR, unless a number."""
    if not cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def _cells(text: str) -> list[str]:
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    return [cell for row in csv.reader(io.StringIO("".join(lines))) for cell in row]


@pytest.mark.parametrize("text", [*FORMULAS, "\t=1", "\r=1", "'quoted", "-", "@"])
def test_neutralised_cells_are_inert_and_restore(text):
    safe = neutralise_cell(text)
    assert not _unsafe(safe) and safe.startswith("'") and restore_cell(safe) == text


@pytest.mark.parametrize("text", ["-3", "+1.5", "2e3", "Finance", ""])
def test_numbers_and_plain_text_are_left_alone(text):
    assert neutralise_cell(text) == text


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv_safety") / "data"
    folder.mkdir()
    frame = generate_benchmark(2023, n=80, seed=3).reset_index(drop=True)
    frame["sector"] = [FORMULAS[i % len(FORMULAS)] for i in range(len(frame))]
    frame.loc[0, "respondent_id"] = "=cmd|' /C calc'!A0"
    frame.loc[0, "measure_1"] = 9  # off the scale: rejected, id and all
    frame.loc[1, "respondent_id"] = "@evil"
    frame.loc[1, "manage_1"] = 0
    path = folder / "benchmark_2023.csv"
    frame.to_csv(path, index=False)
    return path


def test_the_score_csv_is_formula_safe(survey, capsys):
    assert main(["score", str(survey), "--by", "sector", "--format", "csv"]) == 0
    cells = _cells(capsys.readouterr().out)
    assert not [c for c in cells if _unsafe(c)]
    groups = {restore_cell(c) for c in cells}
    assert set(FORMULAS) <= groups  # every group shown (16 each), its text recoverable


def test_report_tables_and_rejects_are_formula_safe(survey, tmp_path):
    out = tmp_path / "reports"
    code = main(["report", "--data", str(survey.parent), "--out", str(out), "--tables-only"])
    assert code == 1  # two rows rejected
    written = sorted((out / "2023" / "tables").glob("*.csv"))
    names = {p.name for p in written}
    assert {"rejects.csv", "dimension_scores_by_sector.csv", "item_scores_by_sector.csv"} <= names
    seen = set()
    for path in written:
        cells = _cells(path.read_text(encoding="utf-8"))
        assert not [c for c in cells if _unsafe(c)], path.name
        seen |= {restore_cell(c) for c in cells}
    assert set(FORMULAS) <= seen
    assert {"=cmd|' /C calc'!A0", "@evil"} <= seen  # the rejected rows' ids, recoverable


def test_validate_rejects_file_is_formula_safe(survey, tmp_path):
    rejects = tmp_path / "rejects.csv"
    assert main(["validate", str(survey), "--rejects", str(rejects)]) == 1
    cells = _cells(rejects.read_text(encoding="utf-8"))
    assert not [c for c in cells if _unsafe(c)]
    assert neutralise_cell("=cmd|' /C calc'!A0") in cells
    back = pd.read_csv(rejects, dtype=str).map(restore_cell)
    assert set(back["respondent_id"]) == {"=cmd|' /C calc'!A0", "@evil"}
