"""Row rules for survey answers: accept, code, or reject with a reason.

A row is rejected, whole, when one of its answers is outside the scale, not a whole
number, or an answer label the instrument does not know, when its respondent id is
missing, when its id repeats an earlier row's (the repeat is rejected), or when it
has more or fewer fields than the header. A missing answer is allowed.

Counts always reconcile: ``read == accepted + rejected``. Rejected rows are kept,
unchanged, with the reason, and can be written aside with :func:`write_rejects`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import UnusableFileError
from .instrument import Instrument, load_instrument, normalise_label
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
        The accepted rows: item columns coded as float points (NaN = no answer),
        every other column as read.
    rejects : DataFrame
        The rejected rows as read, with ``source_row`` and ``reject_reason``.
    """

    path: str
    read: int
    accepted: int
    rejected: int
    errors: tuple[RowError, ...]
    data: pd.DataFrame
    rejects: pd.DataFrame

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

    def to_json(self) -> str:
        """Counts and errors as JSON: ``{"read", "accepted", "rejected", "errors": [...]}``."""
        return json.dumps(
            {
                "file": self.path,
                "read": self.read,
                "accepted": self.accepted,
                "rejected": self.rejected,
                "errors": [error.as_record() for error in self.errors],
            },
            ensure_ascii=False,
            indent=2,
        )


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


def _code_value(value: Any, instrument: Instrument, labels: dict[str, int]) -> tuple[float, str]:
    """Code one answer: (points, "") when valid, (nan, reason) when not."""
    lo, hi = instrument.scale.min, instrument.scale.max
    if _is_missing(value):
        return math.nan, ""
    if isinstance(value, bool | np.bool_):
        return math.nan, f"not an answer on the {lo}–{hi} scale"
    if isinstance(value, str):
        key = normalise_label(value)
        if key in labels:
            return float(labels[key]), ""
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


def _code_column(column: pd.Series, instrument: Instrument, labels: dict[str, int]):
    """Code a column through its distinct values (fast on large, repetitive data)."""
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in {
        "boolean",
        "mixed",
        "mixed-integer",
    }:
        # factorize takes True for 1: keep booleans apart so they are rejected
        column = column.map(lambda v: f"{v} (a true/false value)" if isinstance(v, bool) else v)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    coded = [_code_value(value, instrument, labels) for value in uniques]
    points = np.array([c[0] for c in coded] + [math.nan], dtype=float)
    reasons = np.array([c[1] for c in coded] + [""], dtype=object)
    return points[codes], reasons[codes]


def _match_columns(table: RawTable, wanted: list[str]) -> dict[str, str]:
    """Map each wanted column to the file's column: exact, else case-insensitive."""
    exact = {str(c): str(c) for c in table.data.columns}
    folded = {str(c).strip().casefold(): str(c) for c in table.data.columns}
    found = {}
    for column in wanted:
        match = exact.get(column) or folded.get(column.casefold())
        if match is not None:
            found[column] = match
    return found


def validate_responses(
    table: RawTable,
    instrument: Instrument,
    *,
    id_column: str = "respondent_id",
) -> ValidationReport:
    """Apply the row rules to a table read by :func:`cxbench.loading.read_table`.

    Parameters
    ----------
    table : RawTable
    instrument : Instrument
        Gives the item columns, the scale and the answer labels (any language).
    id_column : str
        The respondent id column.

    Returns
    -------
    ValidationReport

    Raises
    ------
    UnusableFileError
        When the id column or an item column is missing.

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
    found = _match_columns(table, [id_column, *instrument.item_ids])
    missing_items = [item for item in instrument.item_ids if item not in found]
    if missing_items:
        raise UnusableFileError(
            table.path,
            f"item column{'s' if len(missing_items) > 1 else ''} missing for instrument "
            f"{instrument.id!r}: {', '.join(missing_items)}",
        )
    if id_column not in found:
        raise UnusableFileError(
            table.path,
            "respondent id column missing (choose another with --id-column; columns: "
            f"{', '.join(map(str, data.columns))})",
            column=id_column,
        )
    n = len(data)
    rows = np.asarray(table.rows)
    problems: list[list[RowError]] = [[] for _ in range(n)]
    labels = instrument.scale.label_codes()

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

    id_values = data[found[id_column]]
    id_text = id_values.map(lambda v: None if _is_missing(v) else str(v).strip())
    for position in np.flatnonzero(id_text.isna().to_numpy()):
        problems[position].append(
            RowError(
                int(rows[position]),
                id_column,
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
                id_column,
                id_values.iloc[position],
                f"repeated respondent id (first in row {first_row[id_text.iloc[position]]})",
            )
        )

    coded: dict[str, np.ndarray] = {}
    for item in instrument.item_ids:
        column = data[found[item]]
        points, reasons = _code_column(column, instrument, labels)
        coded[item] = points
        for position in np.flatnonzero(reasons != ""):
            problems[position].append(
                RowError(int(rows[position]), item, column.iloc[position], reasons[position])
            )

    bad = np.array([bool(p) for p in problems], dtype=bool)
    errors = tuple(sorted((e for p in problems for e in p), key=lambda e: e.row))

    accepted = data.loc[~bad].copy()
    accepted = accepted.rename(columns={v: k for k, v in found.items() if k != v})
    for item in instrument.item_ids:
        accepted[item] = coded[item][~bad]
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
        table.path, n, int((~bad).sum()), int(bad.sum()), errors, accepted, rejects
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
    id_column: str = "respondent_id",
) -> ValidationReport:
    """Read and validate a survey export in one call.

    Parameters
    ----------
    path : str or Path
        Any format :func:`cxbench.loading.read_table` reads.
    instrument : Instrument, str or Path, optional
        An instrument, a bundled instrument's name or a YAML path; default
        ``digital-cx-2023``.
    id_column : str

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
    """
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument or "digital-cx-2023")
    return validate_responses(read_table(path), instrument, id_column=id_column)


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

    Returns
    -------
    Path
        The file written.

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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        report.rejects.to_csv(path, index=False, encoding="utf-8")
    except OSError as exc:
        raise UnusableFileError(
            str(path), f"cannot write the rejects file ({exc.strerror})"
        ) from None
    return path
