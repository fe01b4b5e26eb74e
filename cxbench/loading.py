"""Reading survey exports into a raw table, whatever the file format.

Supported: CSV and other delimited text (any of ``, ; TAB |``; UTF-8 with or without
BOM, UTF-16 with BOM, Windows code pages 1254 (Turkish) and 1251 (Cyrillic) detected),
Excel XLSX, Parquet and SPSS ``.sav``. The format is recognised from the file's first
bytes, so a misnamed file is still read correctly. The survey platform's layout is
recognised too (:mod:`cxbench.layouts`): header rows a platform puts under the column
names (Qualtrics, SurveyMonkey) are taken out of the data but kept, with what they say
of each column, for matching the items' columns and for writing rejected rows back as
the file had them.

Text formats are read as text, cell for cell, so that rejected rows can be written
aside exactly as they were; typed formats (XLSX, Parquet, SPSS) keep their types.
Nothing is validated here beyond "is this a table at all": see
:mod:`cxbench.validation` for the row rules.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import UnusableFileError
from .layouts import LAYOUTS, Layout, describe_columns, detect_layout

__all__ = [
    "RawTable",
    "dataset_note",
    "detect_delimiter",
    "detect_encoding",
    "read_table",
]

_DELIMITERS = ",;\t|"
#: Rows read as text to recognise a layout (the column names excluded).
_LAYOUT_ROWS = 3


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file, before validation.

    Attributes
    ----------
    path : str
        The file read.
    data : DataFrame
        The records; text formats as strings, typed formats with their types.
    rows : list of int
        For each record, its row as the file shows it: the line of a text file
        (header = line 1) or the row of a worksheet; for Parquet and SPSS, the
        1-based record number.
    format : str
        The file type: ``csv``, ``xlsx``, ``parquet`` or ``sav``.
    encoding, delimiter : str or None
        As detected, for text formats.
    ragged : dict
        Records whose number of fields differs from the header's: position in
        ``data`` -> all the fields the record had (``data`` holds them cut or
        padded to the header's width).
    layout : str
        The export's layout (one of :data:`cxbench.layouts.LAYOUTS`).
    header : tuple of str
        The column names as the file has them (``data`` names a blank one
        ``(column N)``).
    header_rows : tuple of tuples of str
        The layout's header rows under the column names, as in the file.
    texts, codes : dict
        Per column of ``data``: the texts that describe it (question texts, SPSS
        variable labels) and other codes it goes by (Qualtrics import ids).
    value_labels : dict
        Per column: value -> label (SPSS).
    missing_values : dict
        Per column: ``(low, high)`` ranges of user-missing values (SPSS).
    """

    path: str
    data: pd.DataFrame
    rows: list[int]
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    ragged: dict[int, list[str]] = field(default_factory=dict)
    layout: str = "generic"
    header: tuple[str, ...] = ()
    header_rows: tuple[tuple[str, ...], ...] = ()
    texts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    missing_values: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)

    @property
    def describe_layout(self) -> str:
        """The layout in words, for summaries.

        Examples
        --------
        >>> import pandas as pd
        >>> rows = (("Response ID",), ('{"ImportId":"_recordId"}',))
        >>> RawTable("s.csv", pd.DataFrame(), [], "csv", layout="qualtrics",
        ...          header_rows=rows).describe_layout
        'qualtrics (Qualtrics, 3 header rows)'
        """
        rows = 1 + len(self.header_rows)
        if self.format == "sav" or self.format == "parquet":
            return f"{self.layout} ({Layout(self.layout).platform}, {self.format} file)"
        plural = "s" if rows > 1 else ""
        return f"{self.layout} ({Layout(self.layout).platform}, {rows} header row{plural})"


def detect_encoding(raw: bytes) -> str:
    """Name the text encoding of ``raw``: UTF-8 (with or without BOM), UTF-16, cp1254 or cp1251.

    UTF-8 is tried strictly first. Bytes that are not UTF-8 are Windows code page
    text; telling Turkish (1254) from Cyrillic (1251) needs a judgement, because
    every byte decodes in both. Survey exports are mostly ASCII with a few national
    letters, too little for statistical detectors, so the rule used is about word
    shape: Turkish letters sit *inside* Latin words (``Müşteri``), next to ASCII
    letters, while Russian words are made wholly of non-ASCII bytes.

    Examples
    --------
    >>> detect_encoding("Müşteri".encode("cp1254")), detect_encoding("Банк".encode("cp1251"))
    ('cp1254', 'cp1251')
    >>> detect_encoding("\\ufeffid".encode("utf-8")), detect_encoding("Banka".encode())
    ('utf-8-sig', 'utf-8')
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    inside_latin = beside_other = 0
    for position, byte in enumerate(raw):
        if byte < 0x80:
            continue
        neighbours = raw[max(position - 1, 0) : position] + raw[position + 1 : position + 2]
        if any(chr(b).isascii() and chr(b).isalpha() for b in neighbours):
            inside_latin += 1
        else:
            beside_other += 1
    # Russian words give (almost) no byte beside a Latin letter; a Turkish word that
    # starts with two national letters (Öğrenci) still gives one in two.
    return "cp1254" if inside_latin * 3 >= beside_other else "cp1251"


def detect_delimiter(text: str) -> str:
    """Find the field delimiter of delimited ``text``: one of ``, ; TAB |``.

    :class:`csv.Sniffer` is asked first; when it cannot decide, the delimiter that
    splits the header line into the most fields wins (a comma for a single column).

    Examples
    --------
    >>> detect_delimiter("id;sector;measure_1\\nR1;Finans;4\\n")
    ';'
    >>> detect_delimiter('id,answer\\nR1,"Ni soglasen, ni ne soglasen"\\n')
    ','
    """
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _kind(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"$FL2", b"$FL3")):
        return "sav"
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".parquet", ".pq", ".sav", ".zsav"}:
        names = {".xlsm": "xlsx", ".pq": "parquet", ".zsav": "sav"}
        return names.get(suffix, suffix[1:])
    return "csv"


def read_table(path: str | Path, *, layout: str | None = None) -> RawTable:
    """Read a survey export into a :class:`RawTable`.

    Parameters
    ----------
    path : str or Path
        A CSV (or other delimited text), XLSX, Parquet or SPSS file, in cxbench's
        layout or as a survey platform exports it.
    layout : str, optional
        Force a layout (one of :data:`cxbench.layouts.LAYOUTS`) instead of
        recognising it from the file.

    Returns
    -------
    RawTable

    Raises
    ------
    UnusableFileError
        When the file is missing, empty, not a table, has no header or no data
        rows, or names a column twice.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> text = "id;sektör\\nR1;Perakende\\n\\nR2;Enerji\\n"
    >>> _ = (folder / "s.csv").write_bytes(text.encode("cp1254"))
    >>> table = read_table(folder / "s.csv")
    >>> table.encoding, table.delimiter, table.rows, list(table.data.columns)
    ('cp1254', ';', [2, 4], ['id', 'sektör'])

    A Qualtrics export: the question texts and import ids under the column names
    are not respondents; respondents' rows keep their line numbers.

    >>> text = ('ResponseId,Q1_1\\n"Response ID","Stem - Statement"\\n'
    ...         '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1_1""}"\\nR_1,4\\n')
    >>> _ = (folder / "q.csv").write_text(text, encoding="utf-8")
    >>> table = read_table(folder / "q.csv")
    >>> table.layout, table.rows, table.texts["Q1_1"], table.codes["Q1_1"]
    ('qualtrics', [4], ('Stem - Statement',), ('QID1_1',))
    """
    path = Path(path)
    name = str(path)
    if layout is not None and layout not in LAYOUTS:
        raise UnusableFileError(name, f"unknown layout {layout!r} (layouts: {', '.join(LAYOUTS)})")
    if not path.exists():
        raise UnusableFileError(name, "no such file")
    if path.is_dir():
        raise UnusableFileError(name, "is a folder, not a file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise UnusableFileError(name, f"cannot be read ({exc.strerror})") from None
    if not head:
        raise UnusableFileError(name, "the file is empty")
    kind = _kind(path, head)
    reader = {
        "xlsx": _read_xlsx,
        "parquet": _read_parquet,
        "sav": _read_sav,
        "csv": _read_text,
    }
    table = reader[kind](path, layout)
    _check_header(table)
    if table.data.empty:
        raise UnusableFileError(name, "the table has a header but no data rows")
    return table


def _check_header(table: RawTable) -> None:
    columns = [str(c) for c in table.header or table.data.columns]
    if not columns or all(not c.strip() for c in columns):
        raise UnusableFileError(table.path, "no header row with column names")
    seen: set[str] = set()
    for column in columns:
        if column in seen and column.strip():
            raise UnusableFileError(table.path, "the column name appears twice", column=column)
        seen.add(column)


def _column_names(header: list[str]) -> list[str]:
    """Names for ``data``: the header's, a blank one as ``(column N)``."""
    return [name if name else f"(column {i})" for i, name in enumerate(header, start=1)]


def _as_text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _split_layout(
    name: str, header: list[str], body: list, layout: str | None, text_of
) -> tuple[Layout, list[tuple[str, ...]], list]:
    """Recognise (or take) the layout and split its header rows off the body."""
    chosen = (
        Layout(layout)
        if layout
        else detect_layout(header, [text_of(row) for row in body[:_LAYOUT_ROWS]])
    )
    extra = [tuple(text_of(row)) for row in body[: chosen.extra_rows]]
    if len(body) <= chosen.extra_rows:
        raise UnusableFileError(
            name,
            f"the table has a header ({chosen.platform} layout, "
            f"{1 + chosen.extra_rows} header rows) but no data rows",
        )
    return chosen, extra, body[chosen.extra_rows :]


def _layout_table(
    name: str,
    data: pd.DataFrame,
    rows: list[int],
    fmt: str,
    chosen: Layout,
    original: list[str],
    extra: list[tuple[str, ...]],
    *text_fields: Any,
) -> RawTable:
    """A table of a text or worksheet file, with what its header rows say per column."""
    names = list(data.columns)
    texts, codes = describe_columns(chosen.name, [c.strip() for c in original], extra)
    return RawTable(
        name,
        data,
        rows,
        fmt,
        *text_fields,
        layout=chosen.name,
        header=tuple(original),
        header_rows=tuple(extra),
        texts={names[i]: t for i, t in texts.items() if i < len(names)},
        codes={names[i]: c for i, c in codes.items() if i < len(names)},
    )


def _read_text(path: Path, layout: str | None) -> RawTable:
    name = str(path)
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnusableFileError(name, "not a table: binary content, not text")
    encoding = detect_encoding(raw)
    try:
        text = raw.decode(encoding, errors="strict" if encoding.startswith("utf") else "replace")
    except UnicodeDecodeError as exc:
        raise UnusableFileError(
            name,
            f"starts with a {encoding} byte-order mark but is not {encoding} text "
            f"({exc.reason} at byte {exc.start})",
        ) from None
    if not text.strip():
        raise UnusableFileError(name, "the file is empty (only blank lines)")
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # blank (or white-space only) lines are not records, but they keep their line numbers
        records = [
            (reader.line_num, fields)
            for fields in reader
            if fields and not (len(fields) == 1 and not fields[0].strip())
        ]
    except csv.Error as exc:
        raise UnusableFileError(name, f"not a readable delimited table ({exc})") from None
    (_, original), body = records[0], records[1:]
    header = [column.strip() for column in original]
    if len(header) < 2:
        raise UnusableFileError(
            name, "not a table: the header has a single column (no delimiter found)"
        )
    chosen, extra, body = _split_layout(name, header, body, layout, lambda record: record[1])
    names = _column_names(header)
    width = len(header)
    ragged: dict[int, list[str]] = {}
    cells: list[list[str]] = []
    for position, (_, fields) in enumerate(body):
        if len(fields) != width:
            ragged[position] = fields
            fields = (fields + [""] * width)[:width]
        cells.append(fields)
    data = pd.DataFrame(cells, columns=names, dtype=object)
    rows = [line for line, _ in body]
    return _layout_table(
        name, data, rows, "csv", chosen, original, extra, encoding, delimiter, ragged
    )


def _read_xlsx(path: Path, layout: str | None) -> RawTable:
    name = str(path)
    try:
        sheet = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnusableFileError(name, f"not a readable XLSX workbook ({exc})") from None
    sheet = sheet.dropna(how="all")
    if sheet.empty:
        raise UnusableFileError(name, "the first worksheet is empty")
    original = [_as_text(v) for v in sheet.iloc[0]]
    header = [v.strip() for v in original]
    body = list(range(1, len(sheet)))

    def text_of(position: int) -> list[str]:
        return [_as_text(v) for v in sheet.iloc[position]]

    chosen, extra, body = _split_layout(name, header, body, layout, text_of)
    names = _column_names(header)
    data = sheet.iloc[body].copy()
    data.columns = names
    rows = [int(i) + 1 for i in data.index]
    return _layout_table(name, data.reset_index(drop=True), rows, "xlsx", chosen, original, extra)


def _read_parquet(path: Path, layout: str | None) -> RawTable:
    name = str(path)
    try:
        data = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise UnusableFileError(name, f"not a readable Parquet file ({exc})") from None
    data.columns = [str(c) for c in data.columns]
    chosen = Layout(layout) if layout else detect_layout(list(data.columns), [])
    return RawTable(
        name,
        data.reset_index(drop=True),
        list(range(1, len(data) + 1)),
        "parquet",
        layout=chosen.name,
        header=tuple(data.columns),
    )


def _read_sav(path: Path, layout: str | None) -> RawTable:
    import pyreadstat

    name = str(path)
    try:
        # user-missing values are kept as values (rejected rows are written as they
        # were) and treated as missing answers by validation
        data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise UnusableFileError(name, f"not a readable SPSS .sav file ({exc})") from None
    data.columns = [str(c) for c in data.columns]
    labels = meta.column_names_to_labels or {}
    texts = {str(c): (str(t).strip(),) for c, t in labels.items() if t and str(t).strip()}
    value_labels = {str(c): dict(v) for c, v in (meta.variable_value_labels or {}).items() if v}
    missing = {
        str(c): tuple((float(r["lo"]), float(r["hi"])) for r in ranges)
        for c, ranges in (meta.missing_ranges or {}).items()
        if ranges and all(isinstance(r.get("lo"), int | float) for r in ranges)
    }
    return RawTable(
        name,
        data,
        list(range(1, len(data) + 1)),
        "sav",
        layout=layout or "spss",
        header=tuple(data.columns),
        texts=texts,
        value_labels=value_labels,
        missing_values=missing,
    )


def dataset_note(path: str | Path) -> str | None:
    """The provenance note of a data file, from its ``<stem>.meta.yaml`` sidecar.

    A sidecar is how a data set says what it is, e.g. that it is synthetic; every
    table cxbench writes from that file repeats the note. Returns ``None`` when the
    file has no sidecar or the sidecar has no ``note``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "s.meta.yaml").write_text("note: SYNTHETIC data\\n", encoding="utf-8")
    >>> dataset_note(folder / "s.csv"), dataset_note(folder / "other.csv")
    ('SYNTHETIC data', None)
    """
    path = Path(path)
    sidecar = path.with_name(f"{path.stem}.meta.yaml")
    if not sidecar.is_file():
        return None
    try:
        meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UnusableFileError(str(sidecar), f"not a readable metadata file ({exc})") from None
    note = meta.get("note") if isinstance(meta, dict) else None
    return " ".join(str(note).split()) if note else None
