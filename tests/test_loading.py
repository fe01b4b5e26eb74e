"""Reading survey exports (cxbench.loading): formats, delimiters, encodings, row numbers
and files that cannot be used at all.

Every file is written here, in ``tmp_path``, cell by cell; expected values are typed by
hand. The row rules themselves are in ``test_validation.py``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from _factories import HEADER, ITEMS, RU, TR, row, write_csv, write_xlsx

from cxbench.cli import main
from cxbench.errors import UnusableFileError
from cxbench.loading import read_table
from cxbench.sniffing import detect_delimiter, detect_encoding
from cxbench.validation import load_responses

# ---------------------------------------------------------------------------
# Wide CSV: any of the four delimiters, cells read as text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected_and_cells_read_as_text(tmp_path, delimiter):
    """Requirement: CSV with any delimiter , ; TAB |; text cells are kept as strings
    (so "007" and " 3 " are not turned into numbers)."""
    path = write_csv(
        tmp_path / "s.csv",
        [row("R1", "007", " 3 ", "4"), row("R2", "Banka", "Agree")],
        delimiter=delimiter,
    )
    table = read_table(path)
    assert table.delimiter == delimiter
    assert table.format == "csv"
    assert list(table.data.columns) == HEADER
    assert table.rows == [2, 3]
    assert table.data.loc[0, "sector"] == "007"
    assert table.data.loc[0, "measure_1"] == " 3 "
    assert table.data.loc[1, "measure_1"] == "Agree"


def test_delimiter_detection_is_not_fooled_by_commas_inside_answers():
    """A semicolon file whose Russian answers contain a comma is still split on ';';
    a comma file with the same answer quoted is split on ','."""
    semicolon = "respondent_id;answer\nR1;Ни согласен, ни не согласен\nR2;Согласен\n"
    comma = 'respondent_id,answer\nR1,"Ни согласен, ни не согласен"\nR2,Согласен\n'
    assert detect_delimiter(semicolon) == ";"
    assert detect_delimiter(comma) == ","


def test_quoted_label_with_comma_stays_one_cell(tmp_path):
    """The Russian midpoint label contains a comma; CSV quoting keeps it in one cell."""
    path = write_csv(tmp_path / "s.csv", [row("R1", "Банк", RU[2])], delimiter=",")
    text = path.read_text(encoding="utf-8")
    assert '"Ни согласен, ни не согласен"' in text  # the file really is quoted
    table = read_table(path)
    assert table.data.loc[0, "measure_1"] == "Ни согласен, ни не согласен"
    assert table.data.loc[0, "measure_2"] == "3"
    assert table.ragged == {}


def test_blank_lines_are_skipped_but_still_counted_in_row_numbers(tmp_path):
    """Requirement: row numbers are the lines of the file (header = 1), blank lines included."""
    lines = [",".join(HEADER), ",".join(row("R1")), "", ",".join(row("R2")), "", "", ""]
    lines.append(",".join(row("R3")))
    path = tmp_path / "s.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.data["respondent_id"].tolist() == ["R1", "R2", "R3"]
    assert table.rows == [2, 4, 8]


def test_windows_line_endings_do_not_leak_into_cells(tmp_path):
    """CRLF files (Excel on Windows): the last column must not end in a carriage return."""
    path = tmp_path / "s.csv"
    path.write_bytes(f"{';'.join(HEADER)}\r\n{';'.join(row('R1', 'Banka', fill='5'))}\r\n".encode())
    table = read_table(path)
    assert table.data.loc[0, "master_4"] == "5"
    assert table.rows == [2]


def test_ragged_records_are_kept_with_all_their_fields(tmp_path):
    """A record with more or fewer fields than the header is read (to be rejected later),
    and every field it had is kept."""
    lines = [
        ",".join(HEADER),
        ",".join([*row("R1"), "extra"]),
        "R2,Banka,4",
        ",".join(row("R3")),
    ]
    path = tmp_path / "s.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path)
    assert set(table.ragged) == {0, 1}
    assert table.ragged[0][-1] == "extra" and len(table.ragged[0]) == len(HEADER) + 1
    assert table.ragged[1] == ["R2", "Banka", "4"]
    assert table.data.shape == (3, len(HEADER))


# ---------------------------------------------------------------------------
# Encodings: the same Turkish and Russian content in every supported encoding
# ---------------------------------------------------------------------------

TURKISH_ROWS = [
    row("R1", "Perakende", *TR),  # the five labels coded 1..5
    row("R2", "Şirket", "KESİNLİKLE KATILIYORUM", "katılmıyorum", fill="2"),
    row("R3", "İletişim", "Ne katılıyorum ne katılmıyorum"),
]
TURKISH_SECTORS = ["Perakende", "Şirket", "İletişim"]
TURKISH_POINTS = [[1, 2, 3, 4, 5], [5, 2, 2, 2, 2], [3, 3, 3, 3, 3]]

RUSSIAN_ROWS = [
    row("R1", "Банк", *RU),
    row("R2", "Ритейл", "ПОЛНОСТЬЮ СОГЛАСЕН", "  не согласен ", fill="4"),
    row("R3", "Банк", "ни согласен, ни не согласен"),
]
RUSSIAN_SECTORS = ["Банк", "Ритейл", "Банк"]
RUSSIAN_POINTS = [[1, 2, 3, 4, 5], [5, 2, 4, 4, 4], [3, 3, 3, 3, 3]]


@pytest.mark.parametrize(
    ("language", "encoding", "detected", "delimiter"),
    [
        ("tr", "utf-8", "utf-8", ";"),
        ("tr", "utf-8-sig", "utf-8-sig", ","),
        ("tr", "cp1254", "cp1254", ";"),
        ("tr", "utf-16", "utf-16", "\t"),
        ("ru", "utf-8", "utf-8", ","),
        ("ru", "utf-8-sig", "utf-8-sig", ";"),
        ("ru", "cp1251", "cp1251", ";"),
        ("ru", "cp1251", "cp1251", ","),
        ("ru", "utf-16", "utf-16", "|"),
    ],
)
def test_each_encoding_is_detected_and_national_text_read_back_exactly(
    tmp_path, language, encoding, detected, delimiter
):
    """Requirement: UTF-8 (with/without BOM), UTF-16 with BOM, cp1254 (Turkish) and cp1251
    (Russian) are detected; sector names read back exactly; tr/ru labels code to the
    right points. (cp1254 cannot encode Cyrillic, so Russian is not tried in it.)"""
    rows, sectors, points = {
        "tr": (TURKISH_ROWS, TURKISH_SECTORS, TURKISH_POINTS),
        "ru": (RUSSIAN_ROWS, RUSSIAN_SECTORS, RUSSIAN_POINTS),
    }[language]
    path = write_csv(tmp_path / "s.csv", rows, delimiter=delimiter, encoding=encoding)
    table = read_table(path)
    assert (table.encoding, table.delimiter) == (detected, delimiter)
    assert list(table.data.columns) == HEADER  # a BOM must not stick to "respondent_id"
    assert table.data["sector"].tolist() == sectors
    report = load_responses(path)
    assert (report.read, report.accepted, report.rejected) == (3, 3, 0)
    assert report.data[ITEMS[:5]].to_numpy().tolist() == points


@pytest.mark.parametrize(
    ("word", "encoding"),
    [
        ("Şirket", "cp1254"),
        ("Sağlık", "cp1254"),
        ("Müşteri", "cp1254"),
        ("İlaç", "cp1254"),
        ("Gıda", "cp1254"),
        ("Банк", "cp1251"),
        ("Ритейл", "cp1251"),
        ("Я", "cp1251"),
    ],
)
def test_code_page_is_detected_from_a_single_word(tmp_path, word, encoding):
    """Requirement: detection works on short files, here one national word in one cell."""
    assert detect_encoding(word.encode(encoding)) == encoding
    path = tmp_path / "s.csv"
    path.write_bytes(f"respondent_id;sector\nR1;{word}\n".encode(encoding))
    table = read_table(path)
    assert table.encoding == encoding
    assert table.data.loc[0, "sector"] == word


@pytest.mark.parametrize("word", ["Öğrenci", "Öğretmen", "Üçüncü"])
def test_turkish_word_starting_with_two_national_letters_is_cp1254(tmp_path, word):
    """A cp1254 file whose only national text is one such word must read back exactly."""
    path = tmp_path / "s.csv"
    path.write_bytes(f"respondent_id;segment\nR1;{word}\n".encode("cp1254"))
    table = read_table(path)
    assert table.encoding == "cp1254"
    assert table.data.loc[0, "segment"] == word


def test_plain_ascii_and_utf8_are_utf8():
    """Pure ASCII and valid UTF-8 are UTF-8, never a code page."""
    assert detect_encoding(b"respondent_id,sector\nR1,Banka\n") == "utf-8"
    assert detect_encoding("Банк".encode()) == "utf-8"
    assert detect_encoding("Şirket".encode()) == "utf-8"
    assert detect_encoding("\ufeffБанк".encode()) == "utf-8-sig"
    assert detect_encoding("Банк".encode("utf-16")) == "utf-16"


def test_bom_file_with_invalid_utf8_is_not_a_crash(tmp_path):
    """A file with a UTF-8 BOM but a cp1254 'Ş' further on (e.g. lines appended by
    another tool) must either be read or be reported as unusable, never crash."""
    path = tmp_path / "s.csv"
    text = ";".join(HEADER) + "\n" + ";".join(row("R1", "Şirket")) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("cp1254"))
    try:
        table = read_table(path)
    except UnusableFileError as exc:
        assert str(path) in str(exc)
    else:
        assert table.data.loc[0, "respondent_id"] == "R1"


def test_truncated_utf16_is_unusable_not_a_crash(tmp_path):
    """Binary garbage that happens to start with FF FE: unusable, with the file named."""
    path = tmp_path / "s.csv"
    path.write_bytes("respondent_id\tsector\n".encode("utf-16") + b"R")
    with pytest.raises(UnusableFileError, match=r"s\.csv"):
        read_table(path)


# ---------------------------------------------------------------------------
# Qualtrics exports: two extra header rows, data from line 4
# ---------------------------------------------------------------------------


def qualtrics_text(records: list[list[str]]) -> str:
    """A Qualtrics-style CSV: names, question texts (with commas), ImportId JSON, data."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["ResponseId", "sector", *ITEMS])
    writer.writerow(["Response ID", "Sector", *[f"{i}: agree, or not?" for i in ITEMS]])
    writer.writerow(
        [
            '{"ImportId":"_recordId"}',
            '{"ImportId":"QID20_TEXT"}',
            *[json.dumps({"ImportId": f"QID{n}"}) for n in range(1, 13)],
        ]
    )
    writer.writerows(records)
    return buffer.getvalue()


def test_qualtrics_header_rows_are_dropped_and_data_start_on_line_4(tmp_path):
    """Requirement: Qualtrics CSV; rows 2-3 (question texts, ImportId JSON) are not data,
    and data rows are numbered from line 4."""
    path = tmp_path / "qualtrics.csv"
    records = [row("R_1", "Banka"), row("R_2", "Şirket", "9")]
    path.write_bytes(qualtrics_text(records).encode("utf-8-sig"))
    table = read_table(path)
    assert (table.format, table.layout) == ("csv", "qualtrics")
    assert table.encoding == "utf-8-sig"
    assert table.rows == [4, 5]
    assert table.data["ResponseId"].tolist() == ["R_1", "R_2"]
    report = load_responses(path, id_column="ResponseId")
    assert (report.read, report.accepted, report.rejected) == (2, 1, 1)
    assert [(e.row, e.column, e.value) for e in report.errors] == [(5, "measure_1", "9")]


def test_plain_csv_with_json_looking_text_is_not_qualtrics(tmp_path):
    """Only an ImportId cell on line 3 marks Qualtrics: a plain file keeps rows 2 and 3."""
    path = write_csv(tmp_path / "s.csv", [row("R1"), row("R2"), row("R3")])
    table = read_table(path)
    assert table.format == "csv"
    assert table.rows == [2, 3, 4]


# ---------------------------------------------------------------------------
# Typed formats: XLSX, Parquet, SPSS
# ---------------------------------------------------------------------------


def test_xlsx_keeps_types_and_worksheet_row_numbers(tmp_path):
    """XLSX: cells keep their types (numbers stay numbers, label text stays text); rows
    are worksheet rows (header = 1), a blank worksheet row still counts."""
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [row("R1", "Банк", 3, 3.0, "Agree", 2.5), [], row("R2", "Şirket", 5)],
    )
    table = read_table(path)
    assert table.format == "xlsx"
    assert list(table.data.columns) == HEADER
    assert table.rows == [2, 4]
    assert table.data["sector"].tolist() == ["Банк", "Şirket"]
    first = table.data.iloc[0]
    assert isinstance(first["measure_1"], int | np.integer) and first["measure_1"] == 3
    assert first["measure_2"] == 3.0  # pandas may hand a whole float back as int 3
    assert first["measure_3"] == "Agree"
    assert isinstance(first["measure_4"], float) and first["measure_4"] == 2.5


def test_parquet_keeps_types_and_numbers_records_from_1(tmp_path):
    """Parquet: record numbers are 1-based; float answers and NaN stay floats."""
    frame = pd.DataFrame(
        {"respondent_id": ["R1", "R2"], "sector": ["Ритейл", "Perakende"]}
        | {item: [3.0, np.nan] for item in ITEMS}
    )
    path = tmp_path / "s.parquet"
    frame.to_parquet(path)
    table = read_table(path)
    assert table.format == "parquet"
    assert table.rows == [1, 2]
    assert table.data["sector"].tolist() == ["Ритейл", "Perakende"]
    assert table.data["measure_1"].dtype == float
    assert math.isnan(table.data.loc[1, "master_4"])


def test_spss_sav_written_by_pyreadstat_is_read(tmp_path):
    """SPSS .sav: read with its types, record numbers 1-based."""
    frame = pd.DataFrame(
        {"respondent_id": ["R1", "R2", "R3"], "sector": ["Banka", "Банк", "Şirket"]}
        | {item: [1.0, 5.0, np.nan] for item in ITEMS}
    )
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(frame, str(path))
    table = read_table(path)
    assert table.format == "sav"
    assert table.rows == [1, 2, 3]
    assert table.data["sector"].tolist() == ["Banka", "Банк", "Şirket"]
    assert table.data["measure_1"].tolist()[:2] == [1.0, 5.0]
    assert math.isnan(table.data.loc[2, "measure_1"])


def test_format_is_recognised_from_content_not_name(tmp_path):
    """A Parquet file named .csv and a workbook named .dat are still read as what they are."""
    frame = pd.DataFrame({"respondent_id": ["R1"], "sector": ["Banka"]} | dict.fromkeys(ITEMS, 2))
    parquet = tmp_path / "really_parquet.csv"
    frame.to_parquet(parquet)
    workbook = write_xlsx(tmp_path / "really_xlsx.dat", [row("R1", "Banka", 2)])
    assert read_table(parquet).format == "parquet"
    assert read_table(workbook).format == "xlsx"
    assert load_responses(parquet).accepted == 1
    assert load_responses(workbook).accepted == 1


# ---------------------------------------------------------------------------
# Files that cannot be used at all
# ---------------------------------------------------------------------------


def _make_unusable(tmp_path: Path, kind: str) -> Path:
    """Write one kind of unusable file and return its path."""
    header = ",".join(HEADER)
    if kind == "missing":
        return tmp_path / "nowhere.csv"
    if kind == "folder":
        folder = tmp_path / "folder.csv"
        folder.mkdir()
        return folder
    path = tmp_path / {
        "text named xlsx": "s.xlsx",
        "damaged parquet": "s.parquet",
        "damaged sav": "s.sav",
        "empty worksheet": "s.xlsx",
        "header-only xlsx": "s.xlsx",
        "duplicated column xlsx": "s.xlsx",
    }.get(kind, "s.csv")
    if kind == "empty worksheet":
        write_xlsx(path, [], header=[])
    elif kind == "header-only xlsx":
        write_xlsx(path, [])
    elif kind == "duplicated column xlsx":
        write_xlsx(path, [[*row("R1"), "4"]], header=[*HEADER, "measure_2"])
    else:
        content = {
            "empty": b"",
            "blank lines": b"\n\n  \n\r\n",
            "header only": (header + "\n").encode(),
            "header and blank lines": (header + "\n\n\n").encode(),
            "binary garbage": bytes(range(256)) * 4,
            "text named xlsx": (header + "\nR1,Banka" + ",3" * 12 + "\n").encode(),
            "damaged parquet": b"PAR1" + b"\x15\x04not really parquet" * 5,
            "damaged sav": b"$FL2" + b"@(#) not really SPSS" * 5,
            "single column": b"respondent_id\nR1\nR2\n",
            "duplicated column": (header + ",measure_2\nR1,Banka" + ",3" * 13 + "\n").encode(),
        }[kind]
        path.write_bytes(content)
    return path


UNUSABLE = {
    "missing": "no such file",
    "folder": "folder",
    "empty": "empty",
    "blank lines": "only blank lines",
    "header only": "no data rows",
    "header and blank lines": "no data rows",
    "binary garbage": "binary",
    "text named xlsx": "not a readable XLSX",
    "damaged parquet": "not a readable Parquet",
    "damaged sav": "not a readable SPSS",
    "single column": "single column",
    "duplicated column": "column 'measure_2': the column name appears twice",
    "empty worksheet": "worksheet is empty",
    "header-only xlsx": "no data rows",
    "duplicated column xlsx": "column 'measure_2': the column name appears twice",
}


@pytest.mark.parametrize("kind", list(UNUSABLE))
def test_unusable_file_raises_with_file_and_problem_named(tmp_path, kind):
    """Requirement: a file that cannot be used raises UnusableFileError naming the file
    and the problem."""
    path = _make_unusable(tmp_path, kind)
    with pytest.raises(UnusableFileError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith(str(path) + ": ")
    assert UNUSABLE[kind] in message
    assert info.value.path == str(path)


@pytest.mark.parametrize("kind", ["missing", "empty", "binary garbage", "duplicated column"])
def test_unusable_file_through_cli_is_one_line_and_exit_2(tmp_path, capsys, kind):
    """Requirement: the CLI prints one line 'cxbench: error: ...' on stderr, exit code 2,
    and writes no rejects file."""
    path = _make_unusable(tmp_path, kind)
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"cxbench: error: {path}: ")
    assert UNUSABLE[kind] in err
    assert not list(tmp_path.glob("*.rejects.csv"))


def test_unusable_file_through_console_script_has_no_traceback(tmp_path):
    """The installed ``cxbench`` command, as a user runs it: exit 2, one line, no traceback."""
    path = _make_unusable(tmp_path, "text named xlsx")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("cxbench")), "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"cxbench: error: {path}: not a readable XLSX")
