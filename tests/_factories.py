"""Small survey files for the intake tests, built cell by cell so they can be checked by eye.

A plain helper module (not a conftest): the loading and validation tests import it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from cxbench.instrument import load_instrument

INST = load_instrument("digital-cx-2023")
ITEMS = INST.item_ids
HEADER = ["respondent_id", "sector", *ITEMS]

# The labels of the bundled instrument, lowest point first (copied, not read from the
# instrument, so that a wrong YAML or a wrong label map shows up as a failure).
EN = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
TR = [
    "Kesinlikle katılmıyorum",
    "Katılmıyorum",
    "Ne katılıyorum ne katılmıyorum",
    "Katılıyorum",
    "Kesinlikle katılıyorum",
]
RU = [
    "Полностью не согласен",
    "Не согласен",
    "Ни согласен, ни не согласен",
    "Согласен",
    "Полностью согласен",
]


def answers(*first: object, fill: object = "3") -> list[object]:
    """Twelve answers: ``first`` for the first items, ``fill`` for the rest."""
    return [*first, *[fill] * (len(ITEMS) - len(first))]


def row(respondent: object, sector: object = "Banka", *first: object, fill: object = "3"):
    """A wide record: id, sector, then the twelve answers."""
    return [respondent, sector, *answers(*first, fill=fill)]


def delimited(
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
) -> str:
    """The text of a delimited file (quoting only where the csv module needs it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """Write ``rows`` under ``header`` as delimited text in ``encoding``."""
    path.write_bytes(delimited(rows, header=header, delimiter=delimiter).encode(encoding))
    return path


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], *, header: Sequence[str] = HEADER
) -> Path:
    """Write a one-sheet workbook: ``header`` on worksheet row 1, then ``rows``.

    A row given as ``[]`` is left blank in the worksheet.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for record in rows:
        sheet.append(list(record))
    book.save(path)
    return path
