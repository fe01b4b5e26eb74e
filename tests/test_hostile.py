"""Hostile and unlucky input files: each is refused with one line naming the file and
the limit or problem (cxbench's own error types, exit code 2 from the CLI), in bounded
time and memory, or read correctly; never a traceback, a hang or silent damage.

Every hostile file is built here, small, in ``tmp_path``. Limits are checked before the
expensive step, so no test needs a big file: where a limit would need one, the test
lowers the limit (a module constant of :mod:`cxbench.limits`) instead.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import cxbench.i18n as i18n
from cxbench import limits
from cxbench.cli import main
from cxbench.columns import load_column_mapping
from cxbench.commentary import load_commentary
from cxbench.errors import (
    CommentaryError,
    CxbenchError,
    InstrumentError,
    LabelsError,
    ParameterError,
    UnusableFileError,
)
from cxbench.instrument import load_instrument
from cxbench.labels import load_labels
from cxbench.loading import dataset_note, read_table

BUNDLED = Path(__file__).parents[1] / "cxbench" / "instruments" / "digital-cx-2023.yaml"
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def _no_hang():
    """A test that would hang (a pipe opened for reading) fails after 20 s instead."""

    def stop(signum, frame):
        raise TimeoutError("hung: the input was not refused before it was opened")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def refused(call, error=UnusableFileError):
    """Run ``call``; it must raise ``error`` (one line); return the message."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    return message


def cli(capsys, *argv: str) -> tuple[int, str]:
    """``cxbench argv``: (exit code, stderr), stderr one 'cxbench: error:' line."""
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


# ---------------------------------------------------------------------------
# XLSX: malformed XML, huge extent, zip bombs, formulas, merged cells
# ---------------------------------------------------------------------------


def workbook(path: Path, rows: list[list[object]] | None = None, edit=None) -> Path:
    """A small valid workbook; ``edit(sheet)`` may change the worksheet first."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["respondent_id", "sector", "measure_1"])
    for record in rows or [["R1", "Banka", 4], ["R2", "Enerji", 2]]:
        sheet.append(record)
    if edit:
        edit(sheet)
    book.save(path)
    return path


def rewrite(path: Path, member: str, change=None, extra: dict[str, bytes] | None = None) -> Path:
    """Rewrite the zip at ``path``: ``change(bytes)`` one member, add ``extra`` members."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, change(data) if change and name == member else data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def test_xlsx_with_malformed_sheet_xml_is_unreadable_not_a_traceback(tmp_path, capsys):
    """A raw '<' in the worksheet XML: 'not a readable XLSX workbook (...)', exit 2."""
    bad = b'<row r="4"><c r="A4" t="inlineStr"><is><t>1 < 2</t></is></c></row></sheetData>'
    path = rewrite(
        workbook(tmp_path / "s.xlsx"), SHEET, lambda xml: xml.replace(b"</sheetData>", bad)
    )
    message = refused(lambda: read_table(path))
    assert message.startswith(f"{path}: not a readable XLSX workbook (")
    assert "not well-formed" in message
    code, err = cli(capsys, "validate", str(path))
    assert code == 2 and err.startswith(f"cxbench: error: {path}: not a readable XLSX")


def test_xlsx_with_an_entity_bomb_in_the_sheet_xml_is_refused_on_one_line(tmp_path):
    """A DTD of nested entities (10**9 'lol's) in the worksheet: refused, one line."""
    entities = '<!DOCTYPE w [<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    cell = b'<row r="4"><c r="A4" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData>'

    def bomb(xml: bytes) -> bytes:
        xml = xml.replace(b"</sheetData>", cell)
        if b"?>" in xml:
            return xml.replace(b"?>", b"?>" + entities.encode() + b"]>", 1)
        return entities.encode() + b"]>" + xml

    path = rewrite(workbook(tmp_path / "s.xlsx"), SHEET, bomb)
    message = refused(lambda: read_table(path))
    assert message.startswith(f"{path}: not a readable XLSX workbook (")


def test_xlsx_with_a_cell_at_xfd1048576_is_refused_by_the_cell_limit(tmp_path):
    """A 2 KB workbook with a cell at the last row and column (17 billion cells to
    allocate): refused at that cell, the limit named, nothing allocated."""

    def far_cell(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        cell = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
        return xml.replace(b"</sheetData>", cell)

    path = rewrite(workbook(tmp_path / "s.xlsx"), SHEET, far_cell)
    assert path.stat().st_size < 10_000
    message = refused(lambda: read_table(path))
    assert "1,048,576 rows x 16,384 columns (to cell XFD1048576)" in message
    assert f"more than {limits.MAX_CELLS:,} cells (cxbench.limits.MAX_CELLS)" in message


def test_xlsx_declared_dimension_is_not_trusted(tmp_path):
    """A declared dimension of XFD1048576 over three real rows: the cells found count,
    the file is read as it is (no padding to 16,384 columns)."""
    path = rewrite(
        workbook(tmp_path / "s.xlsx"),
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )
    table = read_table(path)
    assert table.data.shape == (2, 3)
    assert table.data["measure_1"].tolist() == [4, 2]


def test_xlsx_zip_bomb_is_refused_from_the_zip_directory_before_unzipping(tmp_path, monkeypatch):
    """A member of 64 MB of zeros (compressed about 1000 times) is refused by the
    compression ratio, read from the zip's directory: no member is opened."""
    path = rewrite(workbook(tmp_path / "s.xlsx"), SHEET, extra={"xl/media/zeros.bin": bytes(2**26)})
    assert path.stat().st_size < 1_000_000

    def no_unzipping(*args, **kwargs):
        raise AssertionError("a member was opened before the zip bomb was refused")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unzipping)
    message = refused(lambda: read_table(path))
    assert "possible zip bomb: 'xl/media/zeros.bin' unzips to 67,108,864 bytes" in message
    assert f"the most accepted is {limits.MAX_COMPRESSION_RATIO}" in message
    assert "MAX_COMPRESSION_RATIO" in message


def test_xlsx_unzipping_to_more_than_the_limit_is_refused(tmp_path, monkeypatch):
    """All members together may not unzip past MAX_UNZIPPED_BYTES (lowered here to 1 MB;
    the member is incompressible, so the ratio check does not fire first)."""
    path = rewrite(
        workbook(tmp_path / "s.xlsx"), SHEET, extra={"xl/media/noise.bin": os.urandom(2**21)}
    )
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 2**20)
    message = refused(lambda: read_table(path))
    assert "unzip to more than 1,048,576 bytes (cxbench.limits.MAX_UNZIPPED_BYTES)" in message


def test_xlsx_formula_without_saved_value_is_reported_not_read_as_missing(tmp_path, capsys):
    """openpyxl saves a formula without its value (as a tool exporting formulas does):
    the answer would read as missing; refused naming the cell, row and column."""

    def formula(sheet):
        sheet["C3"] = "=SUM(C2)"

    path = workbook(tmp_path / "s.xlsx", edit=formula)
    message = refused(lambda: read_table(path))
    assert message.startswith(f"{path}: row 3: column 'measure_1': cell C3 of worksheet")
    assert "formula without a saved value (=SUM(C2))" in message
    assert "open and save the file in Excel, or export values" in message
    code, err = cli(capsys, "validate", str(path))
    assert code == 2 and "formula without a saved value" in err


def test_xlsx_merged_cells_are_reported_not_lost_on_all_but_the_first_row(tmp_path):
    """A sector merged over three rows would leave rows 3 and 4 without a sector."""
    rows = [["R1", "Banka", 4], ["R2", None, 2], ["R3", None, 5]]
    path = workbook(tmp_path / "s.xlsx", rows, edit=lambda sheet: sheet.merge_cells("B2:B4"))
    message = refused(lambda: read_table(path))
    assert message.startswith(f"{path}: row 2: column 'sector': cells B2:B4 of worksheet")
    assert "are merged" in message and "unmerge them" in message


def test_ordinary_xlsx_with_saved_formula_values_is_still_read(tmp_path):
    """A formula with its saved value (as Excel writes it) is read as that value."""

    def cached(xml: bytes) -> bytes:
        return xml.replace(b"<v>2</v>", b"<f>1+1</f><v>2</v>")

    path = rewrite(workbook(tmp_path / "s.xlsx"), SHEET, cached)
    assert b"<f>1+1</f>" in zipfile.ZipFile(path).read(SHEET)
    assert read_table(path).data["measure_1"].tolist() == [4, 2]


# ---------------------------------------------------------------------------
# YAML: alias bombs and deep nesting, in every YAML cxbench reads
# ---------------------------------------------------------------------------

LAUGHS = "a: &a [lol]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
    for p, c in zip("abcdefghijkl", "bcdefghijklm", strict=True)
)
DEEP = "[" * 20_000 + "]" * 20_000


def _instrument(folder: Path, text: str) -> None:
    path = folder / "inst.yaml"
    path.write_text(text, encoding="utf-8")
    load_instrument(path)


def _panel(folder: Path, text: str) -> None:
    (folder / "panel.yaml").write_text(text, encoding="utf-8")
    load_commentary(folder)


def _front_matter(folder: Path, text: str) -> None:
    (folder / "panel.yaml").write_text(
        "experts: [{id: a, name: A, role: R, organisation: O}]\n", encoding="utf-8"
    )
    (folder / "entry.md").write_text(f"---\n{text}\n---\nBody.\n", encoding="utf-8")
    load_commentary(folder)


def _mapping(folder: Path, text: str) -> None:
    path = folder / "map.yaml"
    path.write_text(text, encoding="utf-8")
    load_column_mapping(path)


def _sidecar(folder: Path, text: str) -> None:
    (folder / "s.meta.yaml").write_text(text, encoding="utf-8")
    dataset_note(folder / "s.csv")


def _labels(folder: Path, text: str) -> None:
    (folder / "labels.yaml").write_text(text, encoding="utf-8")
    load_labels(folder=folder)


def _catalogue(folder: Path, text: str, monkeypatch) -> None:
    (folder / "locales").mkdir()
    (folder / "locales" / "bad.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n.resources, "files", lambda package: folder)
    i18n.messages.cache_clear()
    try:
        i18n.messages()
    finally:
        i18n.messages.cache_clear()


READERS = {
    "instrument": (_instrument, InstrumentError),
    "panel.yaml": (_panel, CommentaryError),
    "markdown front matter": (_front_matter, CommentaryError),
    "mapping file": (_mapping, UnusableFileError),
    "meta sidecar": (_sidecar, UnusableFileError),
    "labels file": (_labels, LabelsError),
    "message catalogue": (_catalogue, ParameterError),
}


# under the alias limit (90 aliases) yet 10**10 values: found by walking a note that held it
TEN_BY_TEN = (
    "a0: &a0 [xxxxxxxxxx, xxxxxxxxxx, xxxxxxxxxx, xxxxxxxxxx, xxxxxxxxxx, xxxxxxxxxx,"
    " xxxxxxxxxx, xxxxxxxxxx, xxxxxxxxxx, xxxxxxxxxx]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    + "note: *a9\nid: *a9\n"
)


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(
    ("payload", "limit"),
    [
        (LAUGHS, "MAX_YAML_ALIASES"),
        (TEN_BY_TEN, "MAX_YAML_NODES"),
        (DEEP, "MAX_YAML_DEPTH"),
    ],
    ids=["billion laughs", "ten by ten", "20000 deep"],
)
def test_yaml_bombs_are_refused_by_every_yaml_reader(tmp_path, monkeypatch, reader, payload, limit):
    """A billion-laughs alias bomb (9**12 leaves from 13 lines, 108 aliases) and [[[[...]]]] 20,000
    levels deep: refused by cxbench's own error naming the limit, no RecursionError,
    no structure built."""
    read, error = READERS[reader]
    if reader == "message catalogue":
        message = refused(lambda: read(tmp_path, payload, monkeypatch), error)
    else:
        message = refused(lambda: read(tmp_path, payload), error)
    assert f"cxbench.limits.{limit}" in message
    assert str(tmp_path) in message or reader == "message catalogue"


def test_the_ten_by_ten_bomb_in_a_sidecar_note_stops_the_command(tmp_path, capsys):
    """Before MAX_YAML_NODES: `cxbench score` printing the note died with MemoryError."""
    shutil.copy(Path(__file__).parents[1] / "data" / "benchmark_2023.csv", tmp_path / "m.csv")
    (tmp_path / "m.meta.yaml").write_text(TEN_BY_TEN, encoding="utf-8")
    assert main(["score", str(tmp_path / "m.csv")]) == 2
    assert "cxbench.limits.MAX_YAML_NODES" in capsys.readouterr().err


def test_a_recursive_alias_is_refused():
    with pytest.raises(limits.YAMLLimitError, match="its own anchor"):
        limits.safe_load("a: &a [1, *a]")


def test_a_few_aliases_are_still_fine():
    """Anchors and aliases as people use them (a shared list) still load."""
    data = limits.safe_load("en: &labels [a, b]\ntr: *labels\n")
    assert data == {"en": ["a", "b"], "tr": ["a", "b"]}


def test_yaml_number_too_long_to_convert_is_refused_not_a_valueerror(tmp_path):
    """An integer of 5,000 digits is past Python's int conversion limit: refused."""
    message = refused(lambda: _instrument(tmp_path, "id: " + "1" * 5000), InstrumentError)
    assert "a value cannot be read" in message


def test_oversized_yaml_is_refused_before_reading(tmp_path, monkeypatch):
    """An instrument past MAX_YAML_BYTES (lowered here to 100 bytes)."""
    monkeypatch.setattr(limits, "MAX_YAML_BYTES", 100)
    message = refused(lambda: _instrument(tmp_path, "# " + "x" * 200), InstrumentError)
    assert "larger than 100 bytes, the most accepted (cxbench.limits.MAX_YAML_BYTES)" in message


# ---------------------------------------------------------------------------
# Commentary Markdown that is not UTF-8
# ---------------------------------------------------------------------------


def test_non_utf8_commentary_markdown_is_a_commentary_error(tmp_path):
    """A Markdown entry saved in cp1254: CommentaryError naming the file, not a
    UnicodeDecodeError."""
    (tmp_path / "panel.yaml").write_text(
        "experts: [{id: a, name: A, role: R, organisation: O}]\n", encoding="utf-8"
    )
    entry = tmp_path / "entry.md"
    text = "---\ntheme: success\nexpert: a\nlanguage: tr\nquestion: Neden?\n---\nÇünkü şöyle.\n"
    entry.write_bytes(text.encode("cp1254"))
    message = refused(lambda: load_commentary(tmp_path), CommentaryError)
    assert message.startswith(f"{entry}: not UTF-8 text")
    assert message.endswith("save it as UTF-8")


# ---------------------------------------------------------------------------
# Parquet with nested columns
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "values", "kind"),
    [
        ("measure_1", [[1, 2], [3]], "list<element: int64>"),
        ("sector", [{"name": "Banka"}, {"name": "Enerji"}], "struct<name: string>"),
    ],
)
def test_parquet_list_or_struct_column_is_refused_naming_column_and_type(
    tmp_path, capsys, column, values, kind
):
    """A column of lists or structs is no survey answer: UnusableFileError naming the
    column and its type (not a TypeError deep in validation), exit 2."""
    table = pa.table({"respondent_id": ["R1", "R2"], column: values})
    path = tmp_path / "s.parquet"
    pq.write_table(table, path)
    message = refused(lambda: read_table(path))
    assert message.startswith(f"{path}: column {column!r}: the column holds {kind} values")
    code, err = cli(capsys, "validate", str(path))
    assert code == 2
    assert err.startswith(f"cxbench: error: {path}: column {column!r}: the column holds")


# ---------------------------------------------------------------------------
# Pipes, devices and sockets: refused before they are opened
# ---------------------------------------------------------------------------


@pytest.fixture
def short_tmp():
    """A folder with a short path (a socket's path has at most 108 bytes), removed after."""
    folder = Path(tempfile.mkdtemp(dir="/tmp"))
    yield folder
    shutil.rmtree(folder)


def _special(kind: str, folder: Path) -> Path:
    if kind == "fifo":
        os.mkfifo(folder / "survey.csv")
        return folder / "survey.csv"
    if kind == "socket":
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(folder / "survey.csv"))
        server.close()  # the socket file stays
        return folder / "survey.csv"
    return Path({"/dev/zero": "/dev/zero", "character device": "/dev/null"}[kind])


SPECIAL = {
    "fifo": "named pipe (FIFO)",
    "/dev/zero": "character device",
    "character device": "character device",
    "socket": "socket",
}


@pytest.mark.parametrize("kind", list(SPECIAL))
def test_pipe_device_or_socket_is_refused_before_opening(kind, capsys, short_tmp):
    """A named pipe (which would block the reader forever), /dev/zero (endless) or a
    socket: 'not a regular file', from read_table, the instrument reader and the CLI."""
    path = _special(kind, short_tmp)
    message = refused(lambda: read_table(path))
    assert message == f"{path}: not a regular file (a {SPECIAL[kind]}): only regular files are read"
    message = refused(lambda: load_instrument(path), InstrumentError)
    assert "not a regular file" in message
    code, err = cli(capsys, "validate", str(path))
    assert code == 2 and err.startswith(f"cxbench: error: {path}: not a regular file")


# ---------------------------------------------------------------------------
# Encodings: Western text is not read as Turkish; a doubt is refused
# ---------------------------------------------------------------------------


def test_western_cp1252_text_is_read_as_cp1252_not_damaged_as_turkish(tmp_path):
    """Faroese and Danish place names saved by Western Excel: read back exactly
    (cp1254 would turn Þórshöfn into Şórshöfn)."""
    path = tmp_path / "s.csv"
    path.write_bytes("respondent_id;city\nR1;Þórshöfn\nR2;Ærø\nR3;Ørsted\n".encode("cp1252"))
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.data["city"].tolist() == ["Þórshöfn", "Ærø", "Ørsted"]


def test_ambiguous_code_page_text_is_refused_with_a_sample_and_encoding_named(tmp_path, capsys):
    """'Egilsstaðir' is as good Turkish as Icelandic, letter by letter: refused, the
    word quoted both ways, --encoding asked for; with --encoding the file is read."""
    path = tmp_path / "s.csv"
    items = load_instrument().item_ids
    text = ";".join(["respondent_id", "sector", *items]) + "\n"
    text += ";".join(["R1", "Egilsstaðir", *["3"] * len(items)]) + "\n"
    path.write_bytes(text.encode("cp1252"))
    message = refused(lambda: read_table(path))
    assert message.startswith(f"{path}: cannot tell the encoding: line 2 reads 'Egilsstaðir'")
    assert "'Egilsstağir' as Turkish (cp1254)" in message
    assert "--encoding cp1252 or --encoding cp1254" in message
    assert read_table(path, encoding="cp1252").data["sector"].tolist() == ["Egilsstaðir"]
    code, err = cli(capsys, "validate", str(path))
    assert code == 2 and "cannot tell the encoding" in err
    for command in ("validate", "map", "score"):
        code, err = cli(capsys, command, str(path), "--encoding", "cp1252")
        assert code == 0, err


def test_text_mixing_western_and_turkish_words_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    raw = "respondent_id;city\nR1;Þórshöfn\n".encode("cp1252") + "R2;Müşteri\n".encode("cp1254")
    path.write_bytes(raw)
    message = refused(lambda: read_table(path))
    assert "mixes Western European (cp1252) words, e.g. 'Þórshöfn' on line 2" in message
    assert "'Müşteri' on line 3" in message


def test_turkish_cp1254_text_is_still_detected(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes("respondent_id;sektör\nR1;Sağlık\nR2;İletişim\n".encode("cp1254"))
    table = read_table(path)
    assert table.encoding == "cp1254"
    assert table.data["sektör"].tolist() == ["Sağlık", "İletişim"]


def test_unknown_or_wrong_encoding_name_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_bytes("respondent_id;city\nR1;Þórshöfn\n".encode("cp1252"))
    message = refused(lambda: read_table(path, encoding="klingon"), ParameterError)
    assert message.startswith("encoding='klingon': not a known text encoding")
    message = refused(lambda: read_table(path, encoding="utf-8"))
    assert message.startswith(f"{path}: is not utf-8 text (invalid continuation byte at byte 22")
    assert message.endswith("line 2)")
    code, err = cli(capsys, "validate", str(path), "--encoding", "klingon")
    assert code == 2 and err.startswith("cxbench: error: encoding='klingon'")


# ---------------------------------------------------------------------------
# Huge fields and huge text files
# ---------------------------------------------------------------------------


def test_a_field_past_the_csv_field_limit_is_refused_and_the_limit_restored(tmp_path):
    """A 200,000-character field without a newline (past Python's 131,072 default)."""
    path = tmp_path / "s.csv"
    path.write_text("respondent_id,sector\nR1," + "x" * 200_000 + "\n", encoding="utf-8")
    before = csv.field_size_limit()
    message = refused(lambda: read_table(path))
    assert message.startswith(f"{path}: row 2: a field longer than 131,072 characters")
    assert "cxbench.limits.MAX_CSV_FIELD_CHARS" in message
    assert csv.field_size_limit() == before


def test_an_open_quote_swallowing_the_file_is_refused_at_the_field_limit(tmp_path, monkeypatch):
    """A quote left open runs to the end of the file as one field (limit lowered)."""
    monkeypatch.setattr(limits, "MAX_CSV_FIELD_CHARS", 1_000)
    path = tmp_path / "s.csv"
    path.write_text('respondent_id,sector\nR1,"Banka\n' + "R2,Enerji\n" * 500, encoding="utf-8")
    message = refused(lambda: read_table(path))
    assert "a field longer than 1,000 characters" in message


def test_text_file_past_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 1_000)
    path = tmp_path / "s.csv"
    path.write_text("respondent_id,sector\n" + "R1,Banka\n" * 200, encoding="utf-8")
    message = refused(lambda: read_table(path))
    assert message == f"{path}: larger than 1,000 bytes, the most read as text (cxbench.limits)"


def test_huge_field_is_refused_in_bounded_memory(tmp_path):
    """In a child process with 1.5 GB of address space over its start: a 64 MB field
    without a newline is refused (an unbounded reader would copy it several times)."""
    path = tmp_path / "s.csv"
    with path.open("wb") as out:
        out.write(b"respondent_id,sector\nR1,")
        out.write(b"x" * 2**26)
    script = f"""
import resource
from cxbench.errors import UnusableFileError
from cxbench.loading import read_table
import pandas, openpyxl, pyarrow
used = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (used + 3 * 2**29, resource.RLIM_INFINITY))
try:
    read_table({str(path)!r})
except UnusableFileError as exc:
    print(exc)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "a field longer than 131,072 characters" in done.stdout


# ---------------------------------------------------------------------------
# Scale labels listed downwards
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "tr", "ru"])
def test_scale_labels_running_downwards_are_refused(tmp_path, language):
    """Labels listed from 'Strongly agree' down would score every answer the wrong way
    round: InstrumentError naming the key and saying how to fix it."""
    raw = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    raw["scale"]["labels"][language].reverse()
    path = tmp_path / "inst.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    message = refused(lambda: load_instrument(path), InstrumentError)
    assert message.startswith(f"{path}: scale.labels.{language}: the labels run downwards")
    assert "list them from the lowest point up" in message


def test_bundled_instrument_labels_run_upwards():
    labels = load_instrument().scale.labels
    assert labels["en"][0] == "Strongly disagree" and labels["ru"][-1] == "Полностью согласен"


# ---------------------------------------------------------------------------
# Every refusal above is a CxbenchError
# ---------------------------------------------------------------------------


def test_refusals_are_cxbench_errors():
    for error in (UnusableFileError, InstrumentError, CommentaryError, ParameterError):
        assert issubclass(error, CxbenchError)
    assert issubclass(limits.YAMLLimitError, limits.InputLimitError)


def test_pandas_still_reads_what_we_wrote(tmp_path):
    """Control: the base workbook of these tests is an ordinary, readable one."""
    path = workbook(tmp_path / "s.xlsx")
    assert pd.read_excel(path).shape == (2, 3)
    assert read_table(path).data.shape == (2, 3)


def test_a_file_of_200000_columns_is_refused_at_its_header(tmp_path, capsys):
    """2 MB, 200,001 columns: matching them to items took minutes; now one line, exit 2."""
    path = tmp_path / "wide.csv"
    names = ["respondent_id", *(f"c{i}" for i in range(200_000))]
    path.write_text(",".join(names) + "\n" + ",".join(["R1", *["1"] * 200_000]) + "\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "200,001 columns" in err and "cxbench.limits.MAX_COLUMNS" in err
    with pytest.raises(UnusableFileError, match="MAX_COLUMNS"):
        read_table(path)
