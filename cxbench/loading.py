"""Reading survey exports into a raw table, whatever the file format.

Supported: CSV and other delimited text (any of ``, ; TAB |``; UTF-8 with or without
BOM, UTF-16 with BOM, Windows code pages 1252 (Western), 1254 (Turkish) and 1251
(Cyrillic) detected, a doubt refused rather than guessed), Excel XLSX, Parquet and
SPSS ``.sav``. Hostile or damaged files (pipes and devices, zip bombs, worksheets of
billions of cells, enormous fields, nested Parquet columns) are refused within the
limits of :mod:`cxbench.limits`, before the costly step. The format is recognised
from the file's first bytes, so a misnamed file is still read correctly. The survey
platform's layout is recognised too (:mod:`cxbench.layouts`): header rows a platform
puts under the column names (Qualtrics, SurveyMonkey) are taken out of the data but
kept, with what they say of each column, for matching the items' columns and for
writing rejected rows back as the file had them.

Text formats are read as text, cell for cell, so that rejected rows can be written
aside exactly as they were; typed formats (XLSX, Parquet, SPSS) keep their types.
Nothing is validated here beyond "is this a table at all": see
:mod:`cxbench.validation` for the row rules.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import limits
from .errors import ParameterError, UnusableFileError, one_line
from .layouts import LAYOUTS, Layout, describe_columns, detect_layout
from .sniffing import detect_delimiter, detect_encoding  # what a text file is
from .workbooks import check_cells, check_zip, scan_sheet

__all__ = [
    "RawTable",
    "dataset_note",
    "read_table",
]

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


def read_table(
    path: str | Path, *, layout: str | None = None, encoding: str | None = None
) -> RawTable:
    """Read a survey export into a :class:`RawTable`.

    Parameters
    ----------
    path : str or Path
        A CSV (or other delimited text), XLSX, Parquet or SPSS file, in cxbench's
        layout or as a survey platform exports it.
    layout : str, optional
        Force a layout (one of :data:`cxbench.layouts.LAYOUTS`) instead of
        recognising it from the file.
    encoding : str, optional
        The text encoding of a delimited file (any name Python knows, e.g.
        ``cp1252``), instead of recognising it.

    Returns
    -------
    RawTable

    Raises
    ------
    UnusableFileError
        When the file is missing, not a regular file (a pipe, a device), empty,
        not a table, has no header or no data rows, or names a column twice; when
        it breaks one of the limits of :mod:`cxbench.limits` (a zip bomb, a
        worksheet of billions of cells, a field of megabytes); when an XLSX
        worksheet has merged cells or formulas without saved values; when its text
        encoding cannot be told (name it with ``encoding``).
    ParameterError
        When ``encoding`` is not an encoding's name.

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
    handle, encoding = _open_input(path, layout, encoding)
    with handle:
        head = handle.read(8)
    if not head:
        raise UnusableFileError(name, "the file is empty")
    kind = _kind(path, head)
    if kind == "csv":
        table = _read_text(path, layout, encoding)
    else:
        reader = {"xlsx": _read_xlsx, "parquet": _read_parquet, "sav": _read_sav}
        table = reader[kind](path, layout)
    _check_header(table)
    if table.data.empty:
        raise UnusableFileError(name, "the table has a header but no data rows")
    return table


def _open_input(
    path: Path, layout: str | None, encoding: str | None
) -> tuple[io.BufferedReader, str | None]:
    """The input opened for reading, and the encoding's standard name, after the checks
    every reader makes first: a known layout and encoding, a regular file (a pipe would
    block, ``/dev/zero`` never end)."""
    name = str(path)
    if layout is not None and layout not in LAYOUTS:
        raise UnusableFileError(name, f"unknown layout {layout!r} (layouts: {', '.join(LAYOUTS)})")
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise ParameterError(
                "encoding", encoding, "not a known text encoding (e.g. utf-8, cp1252, cp1254)"
            ) from None
    if not path.exists():
        raise UnusableFileError(name, "no such file")
    if path.is_dir():
        raise UnusableFileError(name, "is a folder, not a file")
    try:
        limits.check_regular_file(path)
        return path.open("rb"), encoding
    except limits.InputLimitError as exc:
        raise UnusableFileError(name, f"{exc}: only regular files are read") from None
    except OSError as exc:
        raise UnusableFileError(name, f"cannot be read ({exc.strerror})") from None


def _check_header(table: RawTable) -> None:
    columns = [str(c) for c in table.header or table.data.columns]
    if not columns or all(not c.strip() for c in columns):
        raise UnusableFileError(table.path, "no header row with column names")
    if len(columns) > limits.MAX_COLUMNS:
        raise UnusableFileError(
            table.path,
            f"{len(columns):,} columns, more than the {limits.MAX_COLUMNS:,} read "
            "(cxbench.limits.MAX_COLUMNS): not a survey file, or one to split",
        )
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


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str):
    """The lines of ``text`` with their ends, one at a time (as ``newline=""`` reads)."""
    return (match.group() for match in _LINE.finditer(text))


def _read_bytes(path: Path, limit: int, what: str) -> bytes:
    """A file's bytes, refused when larger than ``limit`` (checked before reading)."""
    too_big = UnusableFileError(
        str(path), f"larger than {limit:,} bytes, the most read {what} (cxbench.limits)"
    )
    if path.stat().st_size > limit:
        raise too_big
    with path.open("rb") as handle:
        raw = handle.read(limit + 1)  # the file may have grown since
    if len(raw) > limit:
        raise too_big
    return raw


def _decode(name: str, raw: bytes, given: str | None) -> tuple[str, str]:
    """Decode ``raw`` strictly, in ``given`` or the detected encoding: (text, encoding)."""
    encoding = given or detect_encoding(raw, source=name)
    if encoding == "utf-8" and raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"  # a BOM must not stick to the first column's name
    try:
        # strict for code pages too: a byte the code page lacks is not quietly replaced
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        if given:
            problem = f"is not {encoding} text ({exc.reason} at byte {exc.start}, line {line})"
        elif encoding.startswith("utf"):
            problem = (
                f"starts with a {encoding} byte-order mark but is not {encoding} text "
                f"({exc.reason} at byte {exc.start})"
            )
        else:
            problem = (
                f"byte {raw[exc.start]:#04x} on line {line} is no {encoding} character: "
                "name the file's encoding with --encoding"
            )
        raise UnusableFileError(name, problem) from None


def _read_text(path: Path, layout: str | None, encoding: str | None = None) -> RawTable:
    name = str(path)
    raw = _read_bytes(path, limits.MAX_TEXT_BYTES, "as text")
    wide = raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (encoding or "").startswith("utf-16")
    if b"\x00" in raw[:4096] and not wide and not (encoding or "").startswith("utf-32"):
        raise UnusableFileError(name, "not a table: binary content, not text")
    text, encoding = _decode(name, raw, encoding)
    del raw
    if not text.strip():
        raise UnusableFileError(name, "the file is empty (only blank lines)")
    delimiter = detect_delimiter(text)
    records = _csv_records(csv.reader(_lines(text), delimiter=delimiter), name)
    del text
    (_, original), body = records[0], records[1:]
    header = _text_header(name, original)
    chosen, extra, body = _split_layout(name, header, body, layout, lambda record: record[1])
    return _text_table(name, body, original, chosen, extra, encoding, delimiter)


def _csv_records(reader: Any, name: str, count: int | None = None) -> list[tuple[int, list[str]]]:
    """The next ``count`` records of ``reader`` (all without ``count``), with their line
    numbers; blank (or white-space only) lines are not records but keep their numbers.
    Within :data:`cxbench.limits.MAX_CSV_FIELD_CHARS` per field and
    :data:`cxbench.limits.MAX_CELLS` per call; a malformed file names its line."""
    field_limit = limits.MAX_CSV_FIELD_CHARS
    previous = csv.field_size_limit(field_limit)
    records: list[tuple[int, list[str]]] = []
    cells = 0
    try:
        for fields in reader:
            if fields and not (len(fields) == 1 and not fields[0].strip()):
                records.append((reader.line_num, fields))
                cells += len(fields)
                if cells > limits.MAX_CELLS:
                    raise UnusableFileError(
                        name,
                        f"more than {limits.MAX_CELLS:,} cells, the most read at once "
                        "(cxbench.limits.MAX_CELLS)",
                        row=reader.line_num,
                    )
                if count is not None and len(records) == count:
                    break
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise UnusableFileError(
                name,
                f"a field longer than {field_limit:,} characters, the most read "
                "(cxbench.limits.MAX_CSV_FIELD_CHARS): a quote left open, or not a table",
                row=reader.line_num,
            ) from None
        raise UnusableFileError(name, f"not a readable delimited table ({one_line(exc)})") from None
    finally:
        csv.field_size_limit(previous)
    return records


def _text_header(name: str, original: list[str]) -> list[str]:
    header = [column.strip() for column in original]
    if len(header) < 2:
        raise UnusableFileError(
            name, "not a table: the header has a single column (no delimiter found)"
        )
    return header


def _text_table(
    name: str,
    body: list[tuple[int, list[str]]],
    original: list[str],
    chosen: Any,
    extra: Any,
    encoding: str,
    delimiter: str,
) -> RawTable:
    """The :class:`RawTable` of delimited records (``body``: line number, fields) under
    the header ``original``; a row of another width is padded or cut and kept aside."""
    names = _column_names([column.strip() for column in original])
    width = len(names)
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
    check_zip(name, path)
    scan = scan_sheet(name, path)
    try:
        sheet = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl and pandas raise many types for a damaged workbook
        raise UnusableFileError(name, f"not a readable XLSX workbook ({one_line(exc)})") from None
    sheet = sheet.dropna(how="all")
    if sheet.empty:
        raise UnusableFileError(name, "the first worksheet is empty")
    original = [_as_text(v) for v in sheet.iloc[0]]
    header = [v.strip() for v in original]
    body = list(range(1, len(sheet)))

    def text_of(position: int) -> list[str]:
        return [_as_text(v) for v in sheet.iloc[position]]

    names = _column_names(header)
    check_cells(name, scan, names)
    chosen, extra, body = _split_layout(name, header, body, layout, text_of)
    data = sheet.iloc[body].copy()
    data.columns = names
    rows = [int(i) + 1 for i in data.index]
    return _layout_table(name, data.reset_index(drop=True), rows, "xlsx", chosen, original, extra)


def _read_parquet(path: Path, layout: str | None) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = str(path)
    try:
        meta = pq.ParquetFile(path).metadata  # the footer only: no data read yet
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise UnusableFileError(name, f"not a readable Parquet file ({one_line(exc)})") from None
    for column in meta.schema.to_arrow_schema():
        kind = column.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if pa.types.is_nested(kind):
            raise UnusableFileError(
                name,
                f"the column holds {kind} values (lists, structs, maps): a survey export "
                "has one value per cell; flatten it, one column per field",
                column=column.name,
            )
    cells = meta.num_rows * meta.num_columns
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if cells > limits.MAX_CELLS or unpacked > limits.MAX_UNZIPPED_BYTES:
        raise UnusableFileError(
            name,
            f"{meta.num_rows:,} rows x {meta.num_columns:,} columns, {unpacked:,} bytes "
            f"uncompressed: more than {limits.MAX_CELLS:,} cells or "
            f"{limits.MAX_UNZIPPED_BYTES:,} bytes (cxbench.limits)",
        )
    try:
        data = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise UnusableFileError(name, f"not a readable Parquet file ({one_line(exc)})") from None
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
        _, head = pyreadstat.read_sav(str(path), metadataonly=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise UnusableFileError(name, f"not a readable SPSS .sav file ({one_line(exc)})") from None
    cells = max(head.number_rows or 0, 0) * max(head.number_columns or 0, 0)
    if cells > limits.MAX_CELLS:
        raise UnusableFileError(
            name,
            f"{head.number_rows:,} rows x {head.number_columns:,} columns, more than "
            f"{limits.MAX_CELLS:,} cells (cxbench.limits.MAX_CELLS)",
        )
    try:
        # user-missing values are kept as values (rejected rows are written as they
        # were) and treated as missing answers by validation
        data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise UnusableFileError(name, f"not a readable SPSS .sav file ({one_line(exc)})") from None
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


def dataset_note(path: str | Path, language: str | None = None) -> str | None:
    """The provenance note of a data file, from its ``<stem>.meta.yaml`` sidecar.

    A sidecar is how a data set says what it is, e.g. that it is synthetic; every
    table cxbench writes from that file repeats the note. The note is a text, or a
    text per language (``note: {en: ..., tr: ..., ru: ...}``): ``language`` picks one
    (English where it is missing; without ``language``, English). Returns ``None``
    when the file has no sidecar or the sidecar has no ``note``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "s.meta.yaml").write_text("note: SYNTHETIC data\\n", encoding="utf-8")
    >>> dataset_note(folder / "s.csv"), dataset_note(folder / "other.csv")
    ('SYNTHETIC data', None)
    >>> _ = (folder / "t.meta.yaml").write_text("note: {en: Test data, tr: Test verisi}\\n",
    ...                                         encoding="utf-8")
    >>> dataset_note(folder / "t.csv", "tr"), dataset_note(folder / "t.csv", "ru")
    ('Test verisi', 'Test data')
    """
    path = Path(path)
    sidecar = path.with_name(f"{path.stem}.meta.yaml")
    if not sidecar.is_file():
        return None
    try:
        meta = limits.safe_load(limits.read_limited_text(sidecar))
    except limits.InputLimitError as exc:  # the YAML's limits, the file's size or kind
        what = "the YAML " if isinstance(exc, limits.YAMLLimitError) else ""
        raise UnusableFileError(str(sidecar), f"refused: {what}{exc}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UnusableFileError(
            str(sidecar), f"not a readable metadata file ({one_line(exc)})"
        ) from None
    note = meta.get("note") if isinstance(meta, dict) else None
    if isinstance(note, dict):
        texts = {str(k): v for k, v in note.items()}
        if not all(isinstance(v, str) for v in texts.values()) or "en" not in texts:
            raise UnusableFileError(
                str(sidecar), "note: must be a text, or a text per language with 'en' among them"
            )
        note = texts.get(language or "en") or texts["en"]
    return " ".join(str(note).split()) if note else None


# ------------------------------------------------ chunked reading (cxbench.validation)

from collections.abc import Iterator  # noqa: E402  (kept beside the one function using it)

#: Records per chunk of :func:`iter_table_chunks`.
CHUNK_ROWS = 20_000
#: Bytes of a delimited text file :func:`iter_table_chunks` reads to recognise its
#: encoding and delimiter (more, up to 16 times this, until it holds 50 whole lines).
HEAD_BYTES = 4 * 2**20


def iter_table_chunks(
    path: str | Path,
    *,
    layout: str | None = None,
    encoding: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[RawTable]:
    """Read a survey export as :class:`RawTable` chunks of ``chunk_rows`` records.

    Delimited text is read record by record: each chunk is the table
    :func:`read_table` gives, cut to those records (the same header, header rows,
    texts, codes, layout, encoding and delimiter; ``rows`` as the file shows them,
    blank lines counted; ``ragged`` by position in the chunk), so memory grows with
    ``chunk_rows``, not with the file. The encoding and the delimiter are recognised
    from the head of the file (:data:`HEAD_BYTES`; the whole file when it is no
    larger, which makes the detection that of :func:`read_table`): a longer file whose
    first bytes are UTF-8 and whose later ones are not is :class:`UnusableFileError`
    when they are reached (name its ``encoding``). XLSX, Parquet and SPSS files are
    read whole, as one chunk.

    Parameters
    ----------
    path : str or Path
    layout : str, optional
        As in :func:`read_table`.
    encoding : str, optional
        The text encoding, instead of recognising it.
    chunk_rows : int
        Records per chunk (the platform's header rows not counted).

    Yields
    ------
    RawTable

    Raises
    ------
    UnusableFileError
        As :func:`read_table` does, when the first chunk is read; and when a later
        record cannot be read (not delimited text, or not text in the encoding).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = path.write_text("id;sektör\\nR1;Perakende\\n\\nR2;Enerji\\nR3;Banka\\n")
    >>> [(t.rows, t.data["id"].tolist(), t.delimiter) for t in iter_table_chunks(path,
    ...                                                                          chunk_rows=2)]
    [([2, 4], ['R1', 'R2'], ';'), ([5], ['R3'], ';')]
    """
    path = Path(path)
    name = str(path)
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ParameterError("chunk_rows", chunk_rows, "must be a whole number of at least 1")
    handle, encoding = _open_input(path, layout, encoding)
    with handle:
        size = path.stat().st_size
        head = handle.read(8)
        if not head:
            raise UnusableFileError(name, "the file is empty")
        if _kind(path, head) != "csv":
            handle.close()
            yield read_table(path, layout=layout)
            return
        head += handle.read(HEAD_BYTES - len(head))
        while head.count(b"\n") <= 50 and len(head) < 16 * HEAD_BYTES:
            more = handle.read(HEAD_BYTES)
            if not more:
                break
            head += more
        whole = len(head) >= size
        wide = head.startswith((b"\xff\xfe", b"\xfe\xff")) or (encoding or "").startswith("utf-16")
        if not whole and not wide and b"\n" in head:
            head = head[: head.rindex(b"\n") + 1]  # whole lines: no character cut in two
        if b"\x00" in head[:4096] and not wide and not (encoding or "").startswith("utf-32"):
            raise UnusableFileError(name, "not a table: binary content, not text")
        if whole or not wide:
            # read_table's detection, and its errors, on the head (the file, if no larger)
            sample, encoding = _decode(name, head, encoding)
        else:  # UTF-16 cut anywhere: its byte-order mark tells
            encoding = encoding or detect_encoding(head, source=name)
            sample = head.decode(encoding, errors="replace")
        delimiter = detect_delimiter(sample)
        del sample
        handle.seek(0)
        reader = csv.reader(
            io.TextIOWrapper(handle, encoding=encoding, errors="strict", newline=""),
            delimiter=delimiter,
        )

        def take(count: int) -> list[tuple[int, list[str]]]:
            """The next ``count`` records (fewer at the end) with their line numbers."""
            try:
                return _csv_records(reader, name, count)
            except UnicodeDecodeError as exc:
                raise UnusableFileError(
                    name,
                    f"is not {encoding} text beyond its first {len(head):,} bytes, which "
                    f"were read to recognise the encoding ({exc.reason}): name the right one",
                ) from None

        first = take(1)
        if not first:
            raise UnusableFileError(name, "the file is empty (only blank lines)")
        original = first[0][1]
        header = _text_header(name, original)
        body = take(_LAYOUT_ROWS + chunk_rows)
        chosen, extra, body = _split_layout(name, header, body, layout, lambda record: record[1])

        def chunk(body: list[tuple[int, list[str]]]) -> RawTable:
            return _text_table(name, body, original, chosen, extra, encoding, delimiter)

        table = chunk(body[:chunk_rows])
        _check_header(table)
        yield table
        pending = body[chunk_rows:]  # records read with the layout's header rows
        del body, table
        while True:
            batch, pending = pending[:chunk_rows], pending[chunk_rows:]
            if len(batch) < chunk_rows:
                batch += take(chunk_rows - len(batch))
            if not batch:
                return
            yield chunk(batch)
