"""Row rules for survey answers: accept, code, or reject with a reason.

A row is rejected, whole, when one of its answers is outside the scale, not a whole
number, or an answer label the instrument does not know, when its respondent id is
missing, when its id repeats an earlier row's (the repeat is rejected), or when it
has more or fewer fields than the header. A missing answer is allowed.

Counts always reconcile: ``read == accepted + rejected``. Rejected rows are kept,
unchanged, with the reason, and can be written aside with
:func:`~cxbench.rejects.write_rejects`, under the file's own header (and a platform's
header rows), so that a corrected rejects file reads back like the export it came from.

:func:`validate_file` validates a file of any size: delimited text is read and checked
in chunks (:func:`cxbench.loading.iter_table_chunks`), rejected rows go to the rejects
file as they come, and memory does not grow with the file beyond a compact record of
the respondent ids seen (16 bytes per id); counts, errors and the rejects file are
those of :func:`load_responses` and :func:`~cxbench.rejects.write_rejects`.

Which column holds which item, and the respondent id, is found by
:func:`cxbench.columns.map_columns` (a mapping file, item ids and aliases, statement
texts). Answers are scale points or answer labels in any of the instrument's
languages; also the instrument scale's ``codes:``, LimeSurvey's answer codes ``A1`` …
``Ak`` (in a LimeSurvey export), SPSS value labels, and a mapping file's ``answers:``,
which win over everything else. SPSS user-missing values are missing answers.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .columns import (
    ID_COLUMN,
    ColumnMap,
    ColumnMapping,
    map_columns,
    require_columns,
    resolve_mapping,
)
from .errors import ParameterError
from .instrument import Instrument, answer_key, load_instrument, normalise_label
from .loading import CHUNK_ROWS, RawTable, iter_table_chunks, read_table
from .rejects import RejectsWriter, refuse_input

__all__ = [
    "MAX_ERRORS",
    "MISSING_TOKENS",
    "RowError",
    "ValidationReport",
    "load_responses",
    "validate_file",
    "validate_responses",
]

#: Cell texts read as "no answer" (compared case-insensitively, after stripping).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "."})

REASON_COLUMN = "reject_reason"
ROW_COLUMN = "source_row"
EXTRA_COLUMN = "extra_fields"
#: Errors :func:`validate_file` keeps in its report (all are counted, and every rejected
#: row is in the rejects file with all its reasons).
MAX_ERRORS = 1000


@dataclass(frozen=True)
class RowError:
    """One rule broken by one row: where, what value, which rule."""

    row: int
    column: str
    value: Any
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.describe()}"

    def describe(self) -> str:
        """The error without its row: column, value and rule."""
        return f"column {self.column!r}, value {_show(self.value)}: {self.reason}"

    def as_record(self) -> dict[str, Any]:
        """The error as a JSON-ready dict with keys row, column, value, reason."""
        value = None if _is_missing(self.value) else self.value
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)  # e.g. a date that Excel made of "1/5"
        return {
            "row": self.row,
            "column": self.column,
            "value": value,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ValidationReport:
    """What validation made of a file.

    Attributes
    ----------
    path : str
        The file validated.
    read, accepted, rejected : int
        Row counts; ``read == accepted + rejected + flagged``.
    errors : tuple of RowError
        Every broken rule, in row order (a row may break several).
    data : DataFrame
        The accepted rows in cxbench's layout: the id column (``id_column``), item
        columns named by item id and coded as float points (NaN = no answer), every
        other column as read.
    rejects : DataFrame
        The rejected rows as read, with ``source_row`` and ``reject_reason``.
    columns : ColumnMap, optional
        Where each item and the id were found (layout, how they matched).
    id_column : str
        The id column's name in ``data``.
    source_header, source_header_rows : tuple
        The file's column names and a platform's header rows, as the file has them
        (the rejects file is written under them).
    more_errors : int
        Errors found beyond those in ``errors`` (:func:`validate_file` keeps the first
        :data:`MAX_ERRORS`): ``len(errors) + more_errors`` were found in all.
    flagged : int
        Valid rows left out afterwards by the careless-response screening
        (:func:`cxbench.screening.exclude_flagged`); 0 unless it was asked for.
    set_aside : DataFrame, optional
        Those rows, in cxbench's layout, with ``reject_reason``.
    """

    path: str
    read: int
    accepted: int
    rejected: int
    errors: tuple[RowError, ...]
    data: pd.DataFrame
    rejects: pd.DataFrame
    columns: ColumnMap | None = None
    id_column: str = ID_COLUMN
    source_header: tuple[str, ...] = ()
    source_header_rows: tuple[tuple[str, ...], ...] = ()
    more_errors: int = 0
    flagged: int = 0
    set_aside: pd.DataFrame | None = None

    def summary(self) -> str:
        """One line of counts.

        Examples
        --------
        >>> import pandas as pd
        >>> ValidationReport("s.csv", 3, 2, 1, (), pd.DataFrame(), pd.DataFrame()).summary()
        's.csv: 3 rows read, 2 accepted, 1 rejected'
        """
        flagged = f", {self.flagged} flagged by the screening and left out" if self.flagged else ""
        return (
            f"{self.path}: {self.read} rows read, {self.accepted} accepted, "
            f"{self.rejected} rejected{flagged}"
        )

    def intake(self) -> str:
        """How the file was read: layout, id column and how the items matched.

        Examples
        --------
        >>> import pandas as pd
        >>> ValidationReport("s.csv", 0, 0, 0, (), pd.DataFrame(), pd.DataFrame()).intake()
        ''
        """
        return self.columns.describe() if self.columns else ""

    def to_json(self) -> str:
        """Counts and errors as JSON: ``{"read", "accepted", "rejected", "errors": [...]}``.

        With ``more_errors`` when ``errors`` holds only the first ones, and the layout,
        the id column and each item's column when they are known.
        """
        record: dict[str, Any] = {
            "file": self.path,
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "errors": [error.as_record() for error in self.errors],
        }
        if self.more_errors:
            record["more_errors"] = self.more_errors
        if self.flagged:
            record["flagged"] = self.flagged  # left out by the careless-response screening
        if self.columns is not None:
            found = self.columns.as_record()
            record |= {
                "layout": found["layout"],
                "id_column": found["id_column"],
                "id_source": found["id_source"],
                "items": found["items"],
            }
        return json.dumps(record, ensure_ascii=False, indent=2)


def _show(value: Any) -> str:
    return (
        "(empty)"
        if _is_missing(value)
        else repr(value.item() if isinstance(value, np.generic) else value)
    )


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip().casefold() in MISSING_TOKENS
    return False


def _code_value(
    value: Any, instrument: Instrument, codebook: Mapping[str, float]
) -> tuple[float, str]:
    """Code one answer: (points, "") when valid, (nan, reason) when not.

    ``codebook`` maps an answer's normalised text (labels, codes) to its points; a
    NaN there is a declared missing value.
    """
    lo, hi = instrument.scale.min, instrument.scale.max
    if _is_missing(value):
        return math.nan, ""
    if isinstance(value, bool | np.bool_):
        return math.nan, f"not an answer on the {lo}–{hi} scale"
    key = answer_key(value)
    if key is not None and key in codebook:
        return float(codebook[key]), ""
    if isinstance(value, str):
        try:
            number = float(key)
        except ValueError:
            return math.nan, f"not a number from {lo} to {hi} nor a known answer label"
    elif isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        return math.nan, f"not a number from {lo} to {hi} nor a known answer label"
    if not math.isfinite(number) or number != round(number):
        return (
            math.nan,
            f"not a whole number (the scale runs {lo}–{hi} in whole points)",
        )
    if not lo <= number <= hi:
        return math.nan, f"outside the scale {lo}–{hi}"
    return number, ""


def _code_column(column: pd.Series, instrument: Instrument, codebook: Mapping[str, float]):
    """Code a column through its distinct values (fast on large, repetitive data)."""
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in {
        "boolean",
        "mixed",
        "mixed-integer",
    }:
        # factorize takes True for 1: keep booleans apart so they are rejected
        column = column.map(lambda v: f"{v} (a true/false value)" if isinstance(v, bool) else v)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    coded = [_code_value(value, instrument, codebook) for value in uniques]
    points = np.array([c[0] for c in coded] + [math.nan], dtype=float)
    reasons = np.array([c[1] for c in coded] + [""], dtype=object)
    return points[codes], reasons[codes]


def _codebook(
    table: RawTable, column: str, instrument: Instrument, answers: Mapping[str, int]
) -> dict[str, float]:
    """Answer text -> points for one column, the most specific source winning.

    Labels and the scale's codes, then LimeSurvey's ``A1`` … ``Ak`` in a LimeSurvey
    export, then SPSS value labels that are answer labels, then user-missing values
    (missing), then the mapping file's answers.
    """
    scale = instrument.scale
    labels = scale.label_codes()
    book: dict[str, float] = {key: float(point) for key, point in labels.items()}
    if table.layout == "limesurvey":
        for offset in range(scale.points):
            book.setdefault(f"a{offset + 1}", float(scale.min + offset))
    for value, label in table.value_labels.get(column, {}).items():
        key, point = answer_key(value), labels.get(normalise_label(str(label)))
        if key is not None and point is not None:
            book[key] = float(point)
    for low, high in table.missing_values.get(column, ()):
        for value in pd.unique(table.data[column].dropna()):
            if isinstance(value, int | float | np.integer | np.floating) and (
                low <= float(value) <= high
            ):
                book[answer_key(value)] = math.nan
    book.update({key: float(point) for key, point in answers.items()})
    return book


def validate_responses(
    table: RawTable,
    instrument: Instrument,
    *,
    id_column: str | None = None,
    columns: ColumnMapping | str | Path | None = None,
) -> ValidationReport:
    """Apply the row rules to a table read by :func:`cxbench.loading.read_table`.

    Parameters
    ----------
    table : RawTable
    instrument : Instrument
        Gives the items, the scale and the answer labels (any language).
    id_column : str, optional
        The respondent id column; by default found as :mod:`cxbench.columns` says
        (``respondent_id``, or the platform's response id). Validated data holds the
        ids under this name, or under ``respondent_id`` when it is not given.
    columns : ColumnMapping, str or Path, optional
        A mapping file: item id -> column, the id column, answer codes.

    Returns
    -------
    ValidationReport

    Raises
    ------
    UnusableFileError
        When the id column or an item column is missing, or a column is ambiguous
        (:class:`cxbench.columns.ColumnsError`).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxbench.loading import RawTable
    >>> inst = load_instrument()
    >>> rows = [dict.fromkeys(inst.item_ids, "4") | {"respondent_id": f"R{i}"} for i in range(3)]
    >>> rows[1]["master_2"] = "Strongly AGREE"
    >>> rows[2]["measure_1"] = "7"
    >>> report = validate_responses(RawTable("s.csv", pd.DataFrame(rows), [2, 3, 4], "csv"), inst)
    >>> report.read, report.accepted, report.rejected
    (3, 2, 1)
    >>> print(report.errors[0])
    row 4, column 'measure_1', value '7': outside the scale 1–5
    >>> report.data.loc[1, "master_2"]
    np.float64(5.0)
    """
    found = map_columns(table, instrument, columns=columns, id_column=id_column)
    require_columns(found, instrument)
    return _check_rows(table, instrument, found, id_column or ID_COLUMN)


def _check_rows(
    table: RawTable,
    instrument: Instrument,
    found: ColumnMap,
    target_id: str,
    *,
    seen: _SeenIds | None = None,
    keep_data: bool = True,
) -> ValidationReport:
    """The row rules of :func:`validate_responses`, with the columns found.

    ``seen``: the ids of earlier chunks of the file (a repeat of one is rejected, and
    this chunk's new ids are added); ``keep_data=False``: no accepted rows in the
    report's ``data`` (its columns only).
    """
    data = table.data
    n = len(data)
    rows = np.asarray(table.rows)
    problems: list[list[RowError]] = [[] for _ in range(n)]

    width = data.shape[1]
    for position, fields in table.ragged.items():
        surplus = (table.delimiter or ",").join(fields[width:]) or None
        problems[position].append(
            RowError(
                int(rows[position]),
                "(row)",
                surplus,
                f"the row has {len(fields)} fields, the header {width}",
            )
        )

    if found.id_column is None:
        # no id in the export (Google Forms): a respondent is known by its row
        id_values = pd.Series([f"row {r}" for r in rows], dtype=object)
        id_text = id_values
    else:
        id_values = data[found.id_column]
        id_text = id_values.map(lambda v: None if _is_missing(v) else str(v).strip())
    id_label = found.id_column or target_id
    for position in np.flatnonzero(id_text.isna().to_numpy()):
        problems[position].append(
            RowError(
                int(rows[position]),
                id_label,
                id_values.iloc[position],
                "respondent id is missing",
            )
        )
    present = id_text.notna().to_numpy()
    repeats = present & id_text.duplicated(keep="first").to_numpy()
    earlier = np.full(n, -1, dtype=np.int64)  # an earlier chunk's row of the id
    if seen is not None and found.id_column is not None:
        hashes = _hash_ids(id_text[present])
        earlier[present] = seen.first_rows(hashes)
        new = ~repeats[present] & (earlier[present] < 0)
        seen.add(hashes[new], rows[present][new])
        repeats |= earlier >= 0
    first_row = dict(zip(id_text[::-1], rows[::-1], strict=True))
    for position in np.flatnonzero(repeats):
        first = earlier[position] if earlier[position] >= 0 else first_row[id_text.iloc[position]]
        problems[position].append(
            RowError(
                int(rows[position]),
                id_label,
                id_values.iloc[position],
                f"repeated respondent id (first in row {first})",
            )
        )

    coded: dict[str, np.ndarray] = {}
    item_columns = found.columns
    for item in instrument.item_ids:
        name = item_columns[item]
        column = data[name]
        codebook = _codebook(table, name, instrument, found.answers)
        points, reasons = _code_column(column, instrument, codebook)
        coded[item] = points
        label = item if name == item else f"{name} ({item})"
        for position in np.flatnonzero(reasons != ""):
            problems[position].append(
                RowError(int(rows[position]), label, column.iloc[position], reasons[position])
            )

    bad = np.array([bool(p) for p in problems], dtype=bool)
    errors = tuple(sorted((e for p in problems for e in p), key=lambda e: e.row))

    keep = ~bad if keep_data else np.zeros(n, dtype=bool)
    accepted = data.loc[keep].copy()
    renames = {name: item for item, name in item_columns.items()}
    if found.id_column is not None:
        renames[found.id_column] = target_id
    # a column left over that has an item's (or the id's) name gives way to it
    taken = set(renames.values())
    for name in found.leftover:
        if name in taken:
            renames[name] = _free_name(f"{name} (not used)", data.columns)
    accepted = accepted.rename(columns={k: v for k, v in renames.items() if k != v})
    for item in instrument.item_ids:
        accepted[item] = coded[item][keep]
    if found.id_column is None:
        accepted.insert(0, target_id, id_text[keep].to_numpy())
    accepted = accepted.reset_index(drop=True)

    rejects = data.loc[bad].copy()
    # a corrected rejects file may come back with these columns: keep its own
    row_column, reason_column, extra_column = (
        _free_name(name, rejects.columns) for name in (ROW_COLUMN, REASON_COLUMN, EXTRA_COLUMN)
    )
    rejects.insert(0, row_column, rows[bad])
    rejects[reason_column] = ["; ".join(e.describe() for e in p) for p in problems if p]
    if table.ragged:
        # fields beyond the header's width, so that a long row is kept whole
        rejects[extra_column] = [
            (table.delimiter or ",").join(table.ragged.get(i, [])[width:])
            for i in np.flatnonzero(bad)
        ]
    rejects = rejects.reset_index(drop=True)
    return ValidationReport(
        table.path,
        n,
        int((~bad).sum()),
        int(bad.sum()),
        errors,
        accepted,
        rejects,
        columns=found,
        id_column=target_id,
        source_header=tuple(table.header) or tuple(map(str, data.columns)),
        source_header_rows=tuple(table.header_rows),
    )


def _free_name(name: str, taken: pd.Index) -> str:
    candidate, suffix = name, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{name}_{suffix}"
    return candidate


def load_responses(
    path: str | Path,
    instrument: Instrument | str | Path | None = None,
    *,
    id_column: str | None = None,
    columns: ColumnMapping | str | Path | None = None,
    layout: str | None = None,
    encoding: str | None = None,
) -> ValidationReport:
    """Read and validate a survey export in one call.

    Parameters
    ----------
    path : str or Path
        Any format :func:`cxbench.loading.read_table` reads, in cxbench's layout or
        a survey platform's.
    instrument : Instrument, str or Path, optional
        An instrument, a bundled instrument's name or a YAML path; default
        ``digital-cx-2023``.
    id_column : str, optional
        The respondent id column (default: found, see :mod:`cxbench.columns`).
    columns : ColumnMapping, str or Path, optional
        A mapping file; default: ``<stem>.columns.yaml`` beside the file, if there
        is one (:func:`cxbench.columns.mapping_sidecar`).
    layout : str, optional
        Force the export's layout (default: recognised from the file, or the
        mapping file's ``layout``).
    encoding : str, optional
        The text encoding of a delimited file, instead of recognising it.

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> import tempfile, pathlib
    >>> inst = load_instrument()
    >>> header = "respondent_id;sector;" + ";".join(inst.item_ids)
    >>> text = header + "\\nR1;Bank;" + ";".join(["Agree"] * 12) + "\\n"
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "one.csv"
    >>> _ = path.write_text(text, encoding="utf-8")
    >>> report = load_responses(path)
    >>> report.summary().endswith("1 rows read, 1 accepted, 0 rejected")
    True

    The same answers from a Google Forms export, found by the statements' text:

    >>> stem = "How far do you agree?"
    >>> header = "Timestamp,Sector," + ",".join(f'"{stem} [{i.text["en"]}]"' for i in inst.items)
    >>> text = header + "\\n2023/03/14 10:22:03,Bank," + ",".join(["Agree"] * 12) + "\\n"
    >>> _ = path.write_text(text, encoding="utf-8")
    >>> report = load_responses(path)
    >>> report.data.loc[0, ["respondent_id", "Sector"]].tolist(), report.data.loc[0, "master_2"]
    (['row 2', 'Bank'], np.float64(4.0))
    >>> print(report.intake())  # doctest: +ELLIPSIS
    layout google-forms; id column none: Google Forms exports no response id, ...;
    12 items: text-en 12
    """
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument or "digital-cx-2023")
    columns = resolve_mapping(path, instrument, columns)
    if layout is None and columns is not None:
        layout = columns.layout
    table = read_table(path, layout=layout, encoding=encoding)
    return validate_responses(table, instrument, id_column=id_column, columns=columns)


def validate_file(
    path: str | Path,
    instrument: Instrument | str | Path | None = None,
    *,
    id_column: str | None = None,
    columns: ColumnMapping | str | Path | None = None,
    layout: str | None = None,
    encoding: str | None = None,
    rejects: str | Path | None = None,
    empty_rejects: bool = True,
    chunk_rows: int = CHUNK_ROWS,
    max_errors: int = MAX_ERRORS,
) -> ValidationReport:
    """Validate a survey export of any size, chunk by chunk, in bounded memory.

    Delimited text is read ``chunk_rows`` records at a time
    (:func:`cxbench.loading.iter_table_chunks`: the encoding and delimiter are
    recognised from the head of the file) and each chunk is checked by the rules of
    :func:`validate_responses`, with the columns found once, in the first chunk. The
    counts, the errors and the rejects file are those of :func:`load_responses` and
    :func:`~cxbench.rejects.write_rejects` for the whole file: a repeated respondent id is
    found across
    chunks (the repeat is rejected, naming the row of the first), and rejected rows
    are written as they come. XLSX, Parquet and SPSS files are read whole.

    Memory grows with ``chunk_rows`` (about 2 KB per row of 19 columns: the cells as
    Python strings), and with the number of distinct respondent ids only by 16 bytes
    per id (a 64-bit hash of the id and the row it was first seen in, in sorted numpy
    arrays; at most 64 MiB more while two of them are merged): about 160 MB for 10
    million respondents. Two different ids whose hashes are equal (for 10 million
    ids, a chance of about 3 in a million) would be taken for a repeat.

    Parameters
    ----------
    path : str or Path
    instrument, id_column, columns, layout
        As in :func:`load_responses`.
    encoding : str, optional
        The text encoding of a delimited file, instead of recognising it.
    rejects : str or Path, optional
        Where rejected rows go (as :func:`~cxbench.rejects.write_rejects` writes them:
        under the file's own header and a platform's header rows, with ``source_row`` and
        ``reject_reason``). Written to a temporary file in the same folder, renamed
        into place when the whole file is validated; never the input itself. Default:
        no rejects file.
    empty_rejects : bool
        Also write the rejects file (its header only) when no row is rejected.
    chunk_rows : int
        Records per chunk.
    max_errors : int
        Errors kept in the report (the rest are counted in ``more_errors``; every
        rejected row has all its reasons in the rejects file).

    Returns
    -------
    ValidationReport
        Counts, errors (the first ``max_errors``) and the columns found; ``data`` and
        ``rejects`` hold no rows, only their columns.

    Raises
    ------
    UnusableFileError
        As :func:`load_responses`; also when ``rejects`` is the input file. A file that
        turns out unreadable part-way leaves no rejects file behind.

    Examples
    --------
    >>> import csv, tempfile, pathlib
    >>> inst = load_instrument()
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> lines = ["respondent_id," + ",".join(inst.item_ids)]
    >>> lines += [f"R{i % 4}," + ",".join(["4"] * 12) for i in range(6)]
    >>> _ = (folder / "s.csv").write_text("\\n".join(lines) + "\\n", encoding="utf-8")
    >>> report = validate_file(folder / "s.csv", inst, rejects=folder / "r.csv", chunk_rows=3)
    >>> report.summary().endswith("6 rows read, 4 accepted, 2 rejected")
    True
    >>> print(report.errors[0])
    row 6, column 'respondent_id', value 'R0': repeated respondent id (first in row 2)
    >>> with (folder / "r.csv").open(encoding="utf-8", newline="") as rejected:
    ...     [(row[0], row[1]) for row in csv.reader(rejected)]
    [('source_row', 'respondent_id'), ('6', 'R0'), ('7', 'R1')]
    """
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument or "digital-cx-2023")
    if isinstance(max_errors, bool) or not isinstance(max_errors, int) or max_errors < 0:
        raise ParameterError("max_errors", max_errors, "must be a whole number, 0 or more")
    mapping = resolve_mapping(path, instrument, columns)
    if layout is None and mapping is not None:
        layout = mapping.layout
    target = Path(rejects) if rejects is not None else None
    if target is not None:
        refuse_input(target, path)
    target_id = id_column or ID_COLUMN
    seen = _SeenIds()
    out: RejectsWriter | None = None
    first: ValidationReport | None = None
    errors: list[RowError] = []
    read = accepted = more = 0
    # what lives already (pandas, pyarrow ...) is left out of the collections that the
    # chunks' many small objects set off: twice as fast, and nothing else changes
    freeze = gc.isenabled() and not gc.get_freeze_count()
    if freeze:
        gc.freeze()
    try:
        for table in iter_table_chunks(
            path, layout=layout, encoding=encoding, chunk_rows=chunk_rows
        ):
            if first is None:
                found = map_columns(table, instrument, columns=mapping, id_column=id_column)
                require_columns(found, instrument)
                out = RejectsWriter(target) if target is not None else None
            part = _check_rows(table, instrument, found, target_id, seen=seen, keep_data=False)
            if first is None:
                first = part
            read += part.read
            accepted += part.accepted
            room = max(max_errors - len(errors), 0)
            errors.extend(part.errors[:room])
            more += max(len(part.errors) - room, 0)
            if out is not None:
                out.add(part.rejects, ragged=bool(table.ragged))
            del table, part
        assert first is not None  # iter_table_chunks yields a chunk or raises
        if out is not None and (read > accepted or empty_rejects):
            out.finish(first.source_header, first.source_header_rows)
    finally:
        if out is not None:
            out.discard()
        if freeze:
            gc.unfreeze()
    return replace(
        first,
        read=read,
        accepted=accepted,
        rejected=read - accepted,
        errors=tuple(errors),
        rejects=first.rejects.iloc[:0],
        more_errors=more,
    )


def _hash_ids(ids: pd.Series) -> np.ndarray:
    """64-bit hashes of respondent ids (text), as ``uint64``."""
    return pd.util.hash_array(ids.to_numpy(dtype=object))


class _SeenIds:
    """The respondent ids seen so far: their 64-bit hashes and the row each was first
    seen in, 16 bytes per id, in sorted numpy runs. A new chunk's ids are a run, merged
    into the one before while that is at most twice as long and the two hold at most
    ``run_limit`` ids: a look-up searches a few runs, an id is merged only a few times,
    and a merge needs at most ``16 * run_limit`` bytes (64 MiB) more."""

    def __init__(self, run_limit: int = 2**22) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []
        self.run_limit = run_limit

    def first_rows(self, hashes: np.ndarray) -> np.ndarray:
        """The row each hash was first seen in, -1 for a new one."""
        found = np.full(len(hashes), -1, dtype=np.int64)
        for keys, rows in self.runs:
            at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
            hit = keys[at] == hashes
            found[hit] = rows[at[hit]]
        return found

    def add(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        """Record new ids (hashes not seen before) and their rows."""
        if not len(hashes):
            return
        order = np.argsort(hashes, kind="stable")
        self.runs.append((hashes[order], rows[order].astype(np.int64)))
        while (
            len(self.runs) > 1
            and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0])
            and len(self.runs[-2][0]) + len(self.runs[-1][0]) <= self.run_limit
        ):
            keys, rows = self.runs.pop()
            into_keys, into_rows = self.runs.pop()
            at = np.searchsorted(into_keys, keys)
            self.runs.append((np.insert(into_keys, at, keys), np.insert(into_rows, at, rows)))

    @property
    def nbytes(self) -> int:
        """Bytes held."""
        return sum(keys.nbytes + rows.nbytes for keys, rows in self.runs)
