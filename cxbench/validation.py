"""Row rules for survey answers: accept, code, or reject with a reason.

A row is rejected, whole, when one of its answers is outside the scale, not a whole
number, or an answer label the instrument does not know, when its respondent id is
missing, when its id repeats an earlier row's (the repeat is rejected), or when it
has more or fewer fields than the header. A missing answer is allowed.

Counts always reconcile: ``read == accepted + rejected``. Rejected rows are kept,
unchanged, with the reason, and can be written aside with :func:`write_rejects`, under
the file's own header (and a platform's header rows), so that a corrected rejects file
reads back like the export it came from.

Which column holds which item, and the respondent id, is found by
:func:`cxbench.columns.map_columns` (a mapping file, item ids and aliases, statement
texts). Answers are scale points or answer labels in any of the instrument's
languages; also the instrument scale's ``codes:``, LimeSurvey's answer codes ``A1`` …
``Ak`` (in a LimeSurvey export), SPSS value labels, and a mapping file's ``answers:``,
which win over everything else. SPSS user-missing values are missing answers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
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
from .errors import UnusableFileError
from .instrument import Instrument, answer_key, load_instrument, normalise_label
from .loading import RawTable, read_table

__all__ = [
    "MISSING_TOKENS",
    "RowError",
    "ValidationReport",
    "default_rejects_path",
    "load_responses",
    "validate_responses",
    "write_rejects",
]

#: Cell texts read as "no answer" (compared case-insensitively, after stripping).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "."})

REASON_COLUMN = "reject_reason"
ROW_COLUMN = "source_row"
EXTRA_COLUMN = "extra_fields"


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
        Row counts; ``read == accepted + rejected``.
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

    def summary(self) -> str:
        """One line of counts.

        Examples
        --------
        >>> import pandas as pd
        >>> ValidationReport("s.csv", 3, 2, 1, (), pd.DataFrame(), pd.DataFrame()).summary()
        's.csv: 3 rows read, 2 accepted, 1 rejected'
        """
        return (
            f"{self.path}: {self.read} rows read, {self.accepted} accepted, "
            f"{self.rejected} rejected"
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

        With the layout, the id column and each item's column when they are known.
        """
        record: dict[str, Any] = {
            "file": self.path,
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "errors": [error.as_record() for error in self.errors],
        }
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
    data = table.data
    found = map_columns(table, instrument, columns=columns, id_column=id_column)
    require_columns(found, instrument)
    target_id = id_column or ID_COLUMN
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
    repeats = id_text.notna().to_numpy() & id_text.duplicated(keep="first").to_numpy()
    first_row = dict(zip(id_text[::-1], rows[::-1], strict=True))
    for position in np.flatnonzero(repeats):
        problems[position].append(
            RowError(
                int(rows[position]),
                id_label,
                id_values.iloc[position],
                f"repeated respondent id (first in row {first_row[id_text.iloc[position]]})",
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

    accepted = data.loc[~bad].copy()
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
        accepted[item] = coded[item][~bad]
    if found.id_column is None:
        accepted.insert(0, target_id, id_text[~bad].to_numpy())
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
    table = read_table(path, layout=layout)
    return validate_responses(table, instrument, id_column=id_column, columns=columns)


def default_rejects_path(path: str | Path) -> Path:
    """Where rejected rows of ``path`` go by default: beside it, as a CSV.

    ``survey.csv`` gives ``survey.rejects.csv``; other formats keep their extension
    in the name, so that ``survey.xlsx`` and ``survey.sav`` do not share one file.

    Examples
    --------
    >>> default_rejects_path("data/survey.csv").as_posix()
    'data/survey.rejects.csv'
    >>> default_rejects_path("data/survey.xlsx").as_posix()
    'data/survey.xlsx.rejects.csv'
    """
    path = Path(path)
    stem = path.stem if path.suffix.lower() == ".csv" else path.name
    return path.with_name(f"{stem}.rejects.csv")


def write_rejects(report: ValidationReport, path: str | Path) -> Path:
    """Write the rejected rows, as read, with their row and reason, to a UTF-8 CSV.

    The rows keep the file's own column names and, for a platform export, its header
    rows (Qualtrics' question texts and import ids, SurveyMonkey's statement row), so
    that the corrected file reads back like the export. The file is written under a
    temporary name and renamed into place; the input itself is never overwritten.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UnusableFileError
        When ``path`` is the input file, or cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> frame = pd.DataFrame({"source_row": [3], "id": ["R1"], "reject_reason": ["why"]})
    >>> report = ValidationReport("s.csv", 1, 0, 1, (), pd.DataFrame(), frame)
    >>> out = write_rejects(report, pathlib.Path(tempfile.mkdtemp()) / "r.csv")
    >>> out.read_text(encoding="utf-8").splitlines()
    ['source_row,id,reject_reason', '3,R1,why']
    """
    path = Path(path)
    if path.exists() and Path(report.path).exists() and path.samefile(report.path):
        raise UnusableFileError(
            str(path), "the rejects file would overwrite the input; choose another --rejects"
        )
    frame = report.rejects
    names = [str(c) for c in frame.columns]
    header, extra_rows = names, []
    width = len(report.source_header)
    if width and 1 + width <= len(names):
        # source_row, the file's columns, then reject_reason (and extra_fields)
        tail = names[1 + width :]
        header = [names[0], *report.source_header, *tail]
        extra_rows = [["", *row, *[""] * len(tail)] for row in report.source_header_rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(extra_rows)
    buffer.write(frame.to_csv(index=False, header=False, lineterminator="\n"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(buffer.getvalue())
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as exc:
        raise UnusableFileError(
            str(path), f"cannot write the rejects file ({exc.strerror})"
        ) from None
    return path
