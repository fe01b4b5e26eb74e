"""Row rules (cxbench.validation) and the ``cxbench validate`` command.

Checked against the intake requirements: answers are numbers 1–5 or labels (en/tr/ru,
case- and space-insensitive); a row is rejected, whole, for an answer outside the
scale, a non-integer, an unknown label, a missing or repeated id, or a wrong number of
fields; a missing answer is allowed; read = accepted + rejected; rejected rows are
written aside unchanged with their row and reason. Files are hand-made in ``tmp_path``.
"""

from __future__ import annotations

import csv
import datetime
import json
import math
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from _factories import EN, HEADER, ITEMS, RU, TR, delimited, row, write_csv, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxbench.cli import main
from cxbench.errors import UnusableFileError
from cxbench.instrument import load_instrument
from cxbench.loading import read_table
from cxbench.rejects import default_rejects_path, write_rejects
from cxbench.validation import load_responses, validate_responses


def read_rejects(path: Path) -> list[list[str]]:
    """A rejects file as the cell strings it holds (header first)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# ---------------------------------------------------------------------------
# Coding answers: numbers and labels
# ---------------------------------------------------------------------------

LABELS = [
    *[(label, point) for point, label in enumerate(EN, 1)],
    *[(label, point) for point, label in enumerate(TR, 1)],
    *[(label, point) for point, label in enumerate(RU, 1)],
    ("  strongly AGREE ", 5),
    ("STRONGLY\tdisagree", 1),
    ("neither  agree nor   disagree", 3),
    ("KESİNLİKLE KATILIYORUM", 5),
    ("KESINLIKLE KATILMIYORUM", 1),  # typed on a keyboard without İ
    ("kesinlikle katılıyorum", 5),
    ("полностью согласен", 5),
    ("НЕ СОГЛАСЕН", 2),
    (" Ни согласен, ни не согласен ", 3),
    ("1", 1),
    ("5", 5),
    ("3.0", 3),
    (" 4 ", 4),
]


def test_labels_and_numbers_code_to_their_points(tmp_path):
    """Requirement: answers are 1–5 or the en/tr/ru labels, matched ignoring case and
    white space; "3.0" counts as 3. One row per answer, each in measure_1."""
    rows = [row(f"R{n}", "Banka", text) for n, (text, _) in enumerate(LABELS)]
    path = write_csv(tmp_path / "labels.csv", rows)
    report = load_responses(path)
    assert report.rejected == 0, [str(e) for e in report.errors]
    assert report.data["measure_1"].tolist() == [float(p) for _, p in LABELS]


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_float_three_in_typed_files_counts_as_three(tmp_path, suffix):
    """Requirement: a float 3.0 in XLSX/Parquet is the answer 3; a label string in a typed
    file is coded too."""
    answers = [[3.0] * 11 + ["Strongly agree"], [4.0] * 11 + ["3.0"]]
    path = tmp_path / f"s.{suffix}"
    if suffix == "xlsx":
        write_xlsx(path, [["R1", "Banka", *answers[0]], ["R2", "Банк", *answers[1]]])
    else:
        frame = pd.DataFrame(answers, columns=ITEMS, dtype=object)
        frame[ITEMS[:11]] = frame[ITEMS[:11]].astype(float)
        frame.insert(0, "respondent_id", ["R1", "R2"])
        frame.insert(1, "sector", ["Banka", "Банк"])
        frame.to_parquet(path)
    report = load_responses(path)
    assert (report.accepted, report.rejected) == (2, 0)
    assert report.data["measure_1"].tolist() == [3.0, 4.0]
    assert report.data["master_4"].tolist() == [5.0, 3.0]


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("0", "outside the scale 1–5"),
        ("6", "outside the scale 1–5"),
        ("-1", "outside the scale 1–5"),
        ("3.5", "not a whole number"),
        ("4,0", "nor a known answer label"),
        ("Agreed", "nor a known answer label"),
        ("strongly  agree!", "nor a known answer label"),
        ("Katılıyorum değil", "nor a known answer label"),
    ],
)
def test_bad_answer_rejects_the_row_naming_column_value_and_rule(tmp_path, value, rule):
    """Requirement: out of scale, non-integer or unknown label rejects the whole row;
    the error carries the row as the file shows it, the column, the value and the rule."""
    path = write_csv(tmp_path / "s.csv", [row("R1"), row("R2", "Banka", "4", "2", value)])
    report = load_responses(path)
    assert (report.read, report.accepted, report.rejected) == (2, 1, 1)
    assert report.data["respondent_id"].tolist() == ["R1"]
    [error] = report.errors
    assert (error.row, error.column, error.value) == (3, "measure_3", value)
    assert rule in error.reason
    assert str(error) == f"row 3, column 'measure_3', value {value!r}: {error.reason}"


@pytest.mark.parametrize("value", [3.5, 0, 6, 7.0])
def test_bad_number_in_xlsx_rejects_the_row(tmp_path, value):
    """Typed cells follow the same rules as text: 3.5, 0, 6 and 7.0 are not answers."""
    path = write_xlsx(tmp_path / "s.xlsx", [row("R1", "Banka", 2), row("R2", "Banka", value)])
    report = load_responses(path)
    assert report.data["respondent_id"].tolist() == ["R1"]
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "measure_1", value)]


@pytest.mark.parametrize("blank", ["", "NA", "n/a", "  ", "nan"])
def test_missing_answer_is_allowed_and_becomes_nan(tmp_path, blank):
    """Requirement: a missing answer (empty cell, NA) does not reject the row; it is NaN."""
    path = write_csv(tmp_path / "s.csv", [row("R1", "Banka", blank, "5")])
    report = load_responses(path)
    assert (report.accepted, report.rejected) == (1, 0)
    assert math.isnan(report.data.loc[0, "measure_1"])
    assert report.data.loc[0, "measure_2"] == 5.0


def test_accepted_data_items_float_other_columns_as_read(tmp_path):
    """Requirement: in accepted data the item columns are float with NaN for missing; the
    id and grouping columns are passed through untouched (text stays text, "007" is not
    7, surrounding spaces are kept)."""
    header = ["respondent_id", "sector", "region ", *ITEMS]
    rows = [["R1", "007", " Marmara ", *["4"] * 11, ""], ["R2", "Банк", "Урал", *["Agree"] * 12]]
    path = write_csv(tmp_path / "s.csv", rows, header=header, delimiter=";")
    data = load_responses(path).data
    assert list(data.columns) == ["respondent_id", "sector", "region", *ITEMS]
    assert all(data[item].dtype == np.float64 for item in ITEMS)
    assert math.isnan(data.loc[0, "master_4"])
    assert data["sector"].tolist() == ["007", "Банк"]
    assert data["region"].tolist() == [" Marmara ", "Урал"]
    assert data["measure_1"].tolist() == [4.0, 4.0]


# ---------------------------------------------------------------------------
# Row rules: ids and record width
# ---------------------------------------------------------------------------


def test_repeated_id_rejects_the_repeat_and_keeps_the_first(tmp_path):
    """Requirement: a repeated respondent id rejects the repeat; the first is kept."""
    rows = [row("R1", "Banka", "1"), row("R2"), row("R1", "Banka", "5"), row("R1", "Banka", "2")]
    report = load_responses(write_csv(tmp_path / "s.csv", rows))
    assert (report.read, report.accepted, report.rejected) == (4, 2, 2)
    assert report.data["respondent_id"].tolist() == ["R1", "R2"]
    assert report.data["measure_1"].tolist() == [1.0, 3.0]  # the first R1's answer
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (4, "respondent_id", "R1"),
        (5, "respondent_id", "R1"),
    ]
    assert all("repeated respondent id (first in row 2)" in e.reason for e in report.errors)


@pytest.mark.parametrize("blank_id", ["", "  ", "NA"])
def test_missing_id_rejects_the_row(tmp_path, blank_id):
    """Requirement: a row without a respondent id is rejected (two of them are not
    'repeats' of each other: each is rejected for the missing id)."""
    rows = [row("R1"), row(blank_id), row(blank_id)]
    report = load_responses(write_csv(tmp_path / "s.csv", rows))
    assert (report.accepted, report.rejected) == (1, 2)
    assert [(e.row, e.reason) for e in report.errors] == [
        (3, "respondent id is missing"),
        (4, "respondent id is missing"),
    ]


def test_row_with_more_or_fewer_fields_is_rejected_whole(tmp_path):
    """Requirement: a row with more or fewer fields than the header is rejected, and the
    rejects file keeps every field it had (the surplus in extra_fields)."""
    lines = [
        ";".join(HEADER),
        ";".join(row("R1")),
        ";".join([*row("R2"), "surplus", "more"]),
        "R3;Banka;4;4",
    ]
    path = tmp_path / "s.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_responses(path)
    assert (report.read, report.accepted, report.rejected) == (3, 1, 2)
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (3, "(row)", "surplus;more"),
        (4, "(row)", None),
    ]
    assert "the row has 16 fields, the header 14" in report.errors[0].reason
    assert "the row has 4 fields, the header 14" in report.errors[1].reason
    cells = read_rejects(write_rejects(report, tmp_path / "r.csv"))
    assert cells[0] == ["source_row", *HEADER, "reject_reason", "extra_fields"]
    assert cells[1][:15] == ["3", *row("R2")]
    assert cells[1][-1] == "surplus;more"
    assert cells[2][:5] == ["4", "R3", "Banka", "4", "4"]
    assert cells[2][5:15] == [""] * 10  # missing fields stay empty, nothing invented


def test_errors_of_one_row_are_all_reported_but_the_row_counted_once(tmp_path):
    """A row breaking three rules is one rejected row with three errors and one reason
    cell naming all three."""
    rows = [row("R1"), row("R1", "Banka", "9", "x")]
    report = load_responses(write_csv(tmp_path / "s.csv", rows))
    assert (report.read, report.accepted, report.rejected) == (2, 1, 1)
    assert [e.column for e in report.errors] == ["respondent_id", "measure_1", "measure_2"]
    [reason] = report.rejects["reject_reason"].tolist()
    assert reason.count(";") == 2
    assert "'measure_1', value '9': outside the scale 1–5" in reason


# ---------------------------------------------------------------------------
# Row numbers as the file shows them, in every format
# ---------------------------------------------------------------------------


def _file_with_bad_second_record(tmp_path: Path, fmt: str) -> Path:
    """Two respondents, the second answering 9 to measure_1."""
    good, bad = row("R1", "Banka", "2"), row("R2", "Banka", "9")
    if fmt == "csv with blank lines":
        path = tmp_path / "s.csv"
        path.write_text("\n".join([",".join(HEADER), "", ",".join(good), "", ",".join(bad)]) + "\n")
    elif fmt == "qualtrics":
        path = tmp_path / "s.csv"
        import_ids = ['{"ImportId":"QID%d"}' % n for n in range(len(HEADER))]  # noqa: UP031
        path.write_text(
            delimited([[f"Q: {c}" for c in HEADER], import_ids, good, bad]), encoding="utf-8"
        )
    elif fmt == "xlsx with blank row":
        path = write_xlsx(tmp_path / "s.xlsx", [good, [], [], bad])
    else:
        frame = pd.DataFrame([good, bad], columns=HEADER)
        frame[ITEMS] = frame[ITEMS].astype(float)
        path = tmp_path / f"s.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(path)
        else:
            pyreadstat.write_sav(frame, str(path))
    return path


@pytest.mark.parametrize(
    ("fmt", "expected_row"),
    [
        ("csv with blank lines", 5),  # header 1, blank 2, R1 on 3, blank 4, R2 on 5
        ("qualtrics", 5),  # header 1, texts 2, ImportIds 3, R1 on 4, R2 on 5
        ("xlsx with blank row", 5),  # header 1, R1 on 2, blank 3 and 4, R2 on 5
        ("parquet", 2),  # 1-based record number
        ("sav", 2),
    ],
)
def test_error_row_is_the_row_the_file_shows(tmp_path, fmt, expected_row):
    """Requirement: errors and reject records carry the row as the file shows it."""
    report = load_responses(_file_with_bad_second_record(tmp_path, fmt))
    assert report.accepted == 1
    assert [(e.row, e.column) for e in report.errors] == [(expected_row, "measure_1")]
    assert report.rejects["source_row"].tolist() == [expected_row]


# ---------------------------------------------------------------------------
# Rejects written aside, unchanged
# ---------------------------------------------------------------------------


def test_rejects_file_holds_original_cells_row_and_reason(tmp_path):
    """Requirement: rejected rows are written whole and unchanged: the original cell
    strings in the original columns, plus source_row and one reject_reason naming
    column, value and rule. Read from cp1251 text, written as UTF-8."""
    header = ["respondent_id", "Sector", *ITEMS]
    bad = ["R2", "Ритейл", "  strongly AGREE ", RU[2], "3.5", "", "NA", *["4"] * 7]
    rows = [row("R1", "Банк"), bad]
    path = write_csv(tmp_path / "ru.csv", rows, header=header, delimiter=";", encoding="cp1251")
    report = load_responses(path)
    assert report.rejected == 1
    out = write_rejects(report, tmp_path / "out" / "rejects.csv")  # folder is created
    cells = read_rejects(out)
    assert cells[0] == ["source_row", *header, "reject_reason"]
    assert cells[1][0] == "3"
    assert cells[1][1:-1] == bad
    assert cells[1][-1] == (
        "column 'measure_3', value '3.5': not a whole number (the scale runs 1–5 in whole points)"
    )
    assert len(cells) == 2


def test_write_rejects_into_an_unwritable_place_is_unusable(tmp_path):
    """The rejects path is a file name, not a folder: UnusableFileError names that path."""
    report = load_responses(write_csv(tmp_path / "s.csv", [row("R1", "Banka", "9")]))
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(UnusableFileError, match="cannot write the rejects file"):
        write_rejects(report, blocker / "r.csv")


def test_rejects_of_a_typed_file_keep_the_typed_values(tmp_path):
    """XLSX rejects keep the cell values (7, 'maybe') and the worksheet row."""
    path = write_xlsx(tmp_path / "s.xlsx", [row("R1", "Banka", 7, "maybe"), row("R2")])
    report = load_responses(path)
    assert report.rejects["source_row"].tolist() == [2]
    assert report.rejects.loc[0, "measure_1"] == 7
    assert report.rejects.loc[0, "measure_2"] == "maybe"
    assert report.data["respondent_id"].tolist() == ["R2"]


def test_default_rejects_path_is_beside_the_input():
    """The default rejects file is beside the input; a non-CSV input keeps its extension
    in the name, so that survey.xlsx and survey.sav do not overwrite each other's."""
    assert default_rejects_path(Path("data/wave 1.sav")) == Path("data/wave 1.sav.rejects.csv")
    assert default_rejects_path("survey.xlsx") != default_rejects_path("survey.sav")
    assert default_rejects_path("survey.csv") == Path("survey.rejects.csv")


# ---------------------------------------------------------------------------
# Property: counts reconcile and rejects round-trip, whatever the corruption
# ---------------------------------------------------------------------------

VALID = {
    "1": 1.0,
    "5": 5.0,
    "3.0": 3.0,
    " 4 ": 4.0,
    "": math.nan,
    "NA": math.nan,
    "Agree": 4.0,
    "  strongly AGREE ": 5.0,
    "KESİNLİKLE KATILIYORUM": 5.0,
    "ne katılıyorum ne katılmıyorum": 3.0,
    "полностью согласен": 5.0,
    "Ни согласен, ни не согласен": 3.0,
}
INVALID = ["0", "6", "3.5", "7.0", "maybe", "Agreed", "-2"]
SECTORS = ["Banka", "Şirket", "Банк", "Ритейл", "", "Sigorta, Finans"]


@st.composite
def corrupted_tables(draw):
    """A small wide table: valid cells, some corrupted cells, repeated and missing ids."""
    n = draw(st.integers(1, 8))
    records, expected_bad = [], []
    seen: set[str] = set()
    for i in range(n):
        kind = draw(st.sampled_from(["new", "new", "new", "repeat", "missing"]))
        rid = f"R{i}" if kind == "new" or not seen else draw(st.sampled_from(sorted(seen)))
        if kind == "missing":
            rid = ""
        cells = draw(st.lists(st.sampled_from(list(VALID)), min_size=12, max_size=12))
        corrupt = draw(st.lists(st.integers(0, 11), max_size=3))
        for position in corrupt:
            cells[position] = draw(st.sampled_from(INVALID))
        expected_bad.append(bool(corrupt) or rid == "" or rid in seen)
        if rid:
            seen.add(rid)
        records.append([rid, draw(st.sampled_from(SECTORS)), *cells])
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return records, expected_bad, delimiter, encoding


@settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(corrupted_tables())
def test_property_counts_reconcile_and_rejects_are_unchanged(case):
    """Property: read = accepted + rejected; exactly the corrupted, id-less and repeated
    rows are rejected; the rejects file gives back each rejected row's original cells in
    the original columns; accepted answers are coded as the oracle (VALID) says."""
    records, expected_bad, delimiter, encoding = case
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "s.csv", records, delimiter=delimiter, encoding=encoding)
        report = load_responses(path)
        assert report.read == len(records) == report.accepted + report.rejected
        assert report.rejected == sum(expected_bad)
        cells = read_rejects(write_rejects(report, Path(folder) / "r.csv"))
    assert cells[0] == ["source_row", *HEADER, "reject_reason"]
    wanted = [
        (str(i + 2), r) for i, (r, bad) in enumerate(zip(records, expected_bad, strict=True)) if bad
    ]
    assert [(c[0], c[1:-1]) for c in cells[1:]] == wanted
    assert all(c[-1] for c in cells[1:])  # every rejected row says why
    kept = [r for r, bad in zip(records, expected_bad, strict=True) if not bad]
    assert report.data["respondent_id"].tolist() == [r[0] for r in kept]
    assert report.data["sector"].tolist() == [r[1] for r in kept]
    expected_points = np.array([[VALID[c] for c in r[2:]] for r in kept], dtype=float)
    np.testing.assert_array_equal(
        report.data[ITEMS].to_numpy(dtype=float).reshape(-1, 12), expected_points.reshape(-1, 12)
    )


# ---------------------------------------------------------------------------
# Columns: id column option, missing columns
# ---------------------------------------------------------------------------


def test_other_id_column_by_option(tmp_path, capsys):
    """Requirement: --id-column / id_column names another id column; the default
    respondent_id is then not needed."""
    header = ["ResponseId", "sector", *ITEMS]
    path = write_csv(tmp_path / "s.csv", [row("A"), row("A")], header=header)
    report = load_responses(path, id_column="ResponseId")
    assert (report.accepted, report.rejected) == (1, 1)
    assert main(["validate", str(path), "--id-column", "ResponseId"]) == 1
    assert "2 rows read, 1 accepted, 1 rejected" in capsys.readouterr().out


def test_missing_id_column_is_unusable_and_names_the_option(tmp_path):
    """Requirement: a missing id column makes the file unusable; the message names the
    file, the column and the way out (--id-column)."""
    header = ["ResponseId", "sector", *ITEMS]
    path = write_csv(tmp_path / "s.csv", [row("A")], header=header)
    with pytest.raises(UnusableFileError) as info:
        load_responses(path)
    message = str(info.value)
    assert message.startswith(f"{path}: column 'respondent_id': respondent id column missing")
    assert "--id-column" in message and "ResponseId" in message


def test_missing_item_column_is_unusable_and_names_the_items(tmp_path):
    """Requirement: a missing item column makes the file unusable, naming the items."""
    header = [c for c in HEADER if c not in ("manage_2", "master_4")]
    rows = [["R1", "Banka", *["3"] * 10]]
    path = write_csv(tmp_path / "s.csv", rows, header=header)
    with pytest.raises(UnusableFileError, match="manage_2, master_4") as info:
        load_responses(path)
    assert str(info.value).startswith(f"{path}: item columns missing")


def test_missing_column_through_cli_is_exit_2_one_line(tmp_path, capsys):
    """Requirement: unusable through the CLI: one 'cxbench: error:' line, exit code 2;
    with --format json the same error is also JSON on standard output (issue 12)."""
    header = [c for c in HEADER if c != "measure_1"]
    path = write_csv(tmp_path / "s.csv", [["R1", "Banka", *["3"] * 11]], header=header)
    assert main(["validate", str(path), "--format", "json"]) == 2
    out, err = capsys.readouterr()
    message = (
        f"{path}: item column missing for instrument 'digital-cx-2023': measure_1; see cxbench map"
    )
    assert err == f"cxbench: error: {message}\n"
    record = json.loads(out)
    assert record["error"] == message
    assert record["file"] == str(path)
    assert record["kind"] == "columns"
    assert record["missing"] == [{"item": "measure_1", "closest": []}]
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().out == ""  # text format: the error line only


def test_item_and_id_columns_match_case_insensitively(tmp_path):
    """Column names differing only in case still match; accepted data uses the
    instrument's names."""
    header = ["Respondent_ID", "sector", *[c.upper() for c in ITEMS]]
    path = write_csv(tmp_path / "s.csv", [row("R1", "Banka", "5")], header=header)
    data = load_responses(path).data
    assert data.loc[0, "measure_1"] == 5.0
    assert data.loc[0, "respondent_id"] == "R1"


# ---------------------------------------------------------------------------
# The validate command
# ---------------------------------------------------------------------------


@pytest.fixture
def hand_made(tmp_path):
    """Four respondents: R1 and R3 fine (R3 with a label and a missing answer), R2
    answers 6, R1 repeats on line 5 with 'maybe'."""
    rows = [
        row("R1", "Банк"),
        row("R2", "Şirket", "6"),
        row("R3", "Perakende", "Kesinlikle katılıyorum", ""),
        row("R1", "Банк", "2", "maybe"),
    ]
    return write_csv(tmp_path / "hand.csv", rows, delimiter=";")


def test_validate_json_shape_and_values(hand_made, capsys):
    """Requirement: --format json gives file, read, accepted, rejected and errors with
    row, column, value, reason; exit 1 when rows were rejected; rejects beside the input."""
    assert main(["validate", str(hand_made), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    record = json.loads(out)
    intake = {key: record.pop(key) for key in ("layout", "id_column", "id_source", "items")}
    assert intake["layout"] == "cxbench"
    assert intake["id_column"] == "respondent_id"
    assert [(i["item"], i["column"], i["how"]) for i in intake["items"]] == [
        (item, item, "id") for item in ITEMS
    ]
    assert record == {
        "file": str(hand_made),
        "read": 4,
        "accepted": 2,
        "rejected": 2,
        "errors": [
            {
                "row": 3,
                "column": "measure_1",
                "value": "6",
                "reason": "outside the scale 1–5",
            },
            {
                "row": 5,
                "column": "respondent_id",
                "value": "R1",
                "reason": "repeated respondent id (first in row 2)",
            },
            {
                "row": 5,
                "column": "measure_2",
                "value": "maybe",
                "reason": "not a number from 1 to 5 nor a known answer label",
            },
        ],
    }
    rejects = hand_made.with_name("hand.rejects.csv")
    assert str(rejects) in err
    assert [c[:3] for c in read_rejects(rejects)[1:]] == [
        ["3", "R2", "Şirket"],
        ["5", "R1", "Банк"],
    ]


def test_validate_text_lists_summary_and_errors(hand_made, capsys, tmp_path):
    """Text output: the counts line, then one line per error; --rejects chooses the path
    and nothing is written beside the input."""
    target = tmp_path / "elsewhere" / "bad.csv"
    assert main(["validate", str(hand_made), "--rejects", str(target)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{hand_made}: 4 rows read, 2 accepted, 2 rejected"
    assert out[1] == (
        "  layout cxbench; id column 'respondent_id' (cxbench's own name); 12 items: id 12"
    )
    assert out[2] == "  row 3, column 'measure_1', value '6': outside the scale 1–5"
    assert len(out) == 5
    assert [c[0] for c in read_rejects(target)[1:]] == ["3", "5"]
    assert not hand_made.with_name("hand.rejects.csv").exists()


def test_validate_exit_0_when_nothing_rejected(tmp_path, capsys):
    """Requirement: exit 0 when every row is accepted; no rejects file is left beside it."""
    path = write_csv(tmp_path / "ok.csv", [row("R1"), row("R2", "Банк", "1", "")])
    assert main(["validate", str(path), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["read"], summary["accepted"], summary["rejected"]) == (2, 2, 0)
    assert summary["errors"] == []
    assert not (tmp_path / "ok.rejects.csv").exists()


def test_validate_with_another_instrument(tmp_path, capsys):
    """--instrument: a 7-point instrument accepts 6 where the bundled 5-point one rejects."""
    instrument = tmp_path / "seven.yaml"
    instrument.write_text(
        textwrap.dedent(
            """
            id: seven
            scale: {min: 1, max: 7}
            dimensions:
              - id: speed
                items: [{id: s1, text: Fast}, {id: s2, text: Quick}]
            """
        ),
        encoding="utf-8",
    )
    header = ["respondent_id", "s1", "s2"]
    path = write_csv(tmp_path / "s.csv", [["R1", "6", "7"], ["R2", "8", "1"]], header=header)
    assert main(["validate", str(path), "--instrument", str(instrument)]) == 1
    assert "2 rows read, 1 accepted, 1 rejected" in capsys.readouterr().out
    report = validate_responses(read_table(path), load_instrument(instrument))
    assert report.data["s1"].tolist() == [6.0]
    assert "outside the scale 1–7" in report.errors[0].reason


# ---------------------------------------------------------------------------
# Bugs found in review, kept as regression tests
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["TRUE first", "1 first"])
def test_boolean_cell_does_not_change_how_a_1_is_coded(tmp_path, order):
    """An XLSX TRUE in an item column is not an answer (rejected); a 1 elsewhere in the
    same column is the answer 1 (accepted), whatever the order of the rows."""
    cells = [True, 1] if order == "TRUE first" else [1, True]
    rows = [row("R1", "Banka", cells[0]), row("R2", "Banka", cells[1])]
    report = load_responses(write_xlsx(tmp_path / "s.xlsx", rows))
    bool_row = 2 if order == "TRUE first" else 3
    assert [(e.row, e.column) for e in report.errors] == [(bool_row, "measure_1")]
    assert report.data["measure_1"].tolist() == [1.0]


def test_validate_json_with_a_date_cell(tmp_path, capsys):
    """A date in an item column is a rejected answer; the JSON report must still print."""
    rows = [row("R1"), row("R2", "Banka", datetime.datetime(2024, 5, 1))]
    path = write_xlsx(tmp_path / "dates.xlsx", rows)
    assert main(["validate", str(path), "--format", "json"]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "measure_1")]


def test_revalidating_a_rejects_file(tmp_path):
    """A rejects file, corrected by hand and validated again, is an ordinary input: its
    source_row and reject_reason columns are passed through like any grouping column."""
    first = load_responses(write_csv(tmp_path / "s.csv", [row("R1"), row("R2", "Banka", "9")]))
    again = write_rejects(first, tmp_path / "s.rejects.csv")
    report = load_responses(again)  # R2 still answers 9
    assert (report.read, report.accepted, report.rejected) == (1, 0, 1)
    assert report.errors[0].row == 2
