"""XLSX workbooks checked before they are read: a zip bomb refused from the zip's
directory (:func:`check_zip`), the first worksheet's XML streamed once for its real
extent, formulas without saved values and merged cells (:func:`scan_sheet`), and those
refused naming the cell (:func:`check_cells`), all within :mod:`cxbench.limits`.
"""

from __future__ import annotations

import functools
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from . import limits
from .errors import UnusableFileError, one_line

__all__ = ["SheetScan", "check_cells", "check_zip", "scan_sheet"]


def check_zip(name: str, path: Path) -> None:
    """Refuse a zip bomb from the zip's directory, before anything is unzipped."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UnusableFileError(name, f"not a readable XLSX workbook ({one_line(exc)})") from None
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= limits.RATIO_CHECKED_FROM_BYTES and (
            ratio > limits.MAX_COMPRESSION_RATIO
        ):
            raise UnusableFileError(
                name,
                f"refused as a possible zip bomb: {member.filename!r} unzips to "
                f"{member.file_size:,} bytes, {ratio:,.0f} times its zipped size (the most "
                f"accepted is {limits.MAX_COMPRESSION_RATIO}, cxbench.limits."
                "MAX_COMPRESSION_RATIO)",
            )
        if total > limits.MAX_UNZIPPED_BYTES:
            raise UnusableFileError(
                name,
                f"refused as a possible zip bomb: its members unzip to more than "
                f"{limits.MAX_UNZIPPED_BYTES:,} bytes (cxbench.limits.MAX_UNZIPPED_BYTES)",
            )


@dataclass
class SheetScan:
    """What one pass over a worksheet's XML found (see :func:`scan_sheet`)."""

    title: str
    rows: int = 0
    columns: int = 0
    #: cells holding a formula but no saved value: (reference, row, column, formula)
    formulas: list[tuple[str, int, int, str]] = field(default_factory=list)
    #: merged ranges, e.g. ``A2:A4``
    merged: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384; ValueError for anything else."""
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isupper():
        raise ValueError(f"not a cell reference column: {letters!r}")
    return functools.reduce(lambda total, c: total * 26 + ord(c) - 64, letters, 0)


def scan_sheet(name: str, path: Path) -> SheetScan:
    """Stream the first worksheet's XML once (expat), before pandas reads it.

    Finds the extent the cells actually span (refused past :data:`limits.MAX_CELLS`
    at the first cell beyond it, whatever the declared dimension says: pandas pads
    every row to the widest), formulas without a saved value and merged ranges;
    malformed XML is refused here too. Nothing is kept per cell, so memory stays
    flat; expat (2.4 and later) refuses entity-expansion bombs itself.
    """
    from openpyxl import load_workbook

    try:
        # a file object: openpyxl refuses a name that does not end in .xlsx
        with path.open("rb") as handle:
            book = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
            try:
                sheets = book.worksheets
                if not sheets:
                    raise UnusableFileError(name, "the workbook has no worksheet")
                sheet = sheets[0]
                title, member = sheet.title, sheet._worksheet_path  # openpyxl's part name
            finally:
                book.close()
    except UnusableFileError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnusableFileError(name, f"not a readable XLSX workbook ({one_line(exc)})") from None
    scan = SheetScan(title)
    state: dict[str, Any] = {"row": 0, "column": 0, "cell": None, "formula": None, "in": None}

    def start(tag: str, attributes: dict[str, str]) -> None:
        tag = tag.rpartition(" ")[2]
        if tag == "c":
            reference = attributes.get("r")
            if reference:
                digits = len(reference) - len(reference.rstrip("0123456789"))
                state["row"] = int(reference[-digits:]) if digits else state["row"]
                state["column"] = _column_index(reference[: len(reference) - digits])
            else:
                state["column"] += 1
            row, column = state["row"], state["column"]
            scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, column)
            if scan.rows * scan.columns > limits.MAX_CELLS:
                raise UnusableFileError(
                    name,
                    f"worksheet {title!r} spans {scan.rows:,} rows x {scan.columns:,} "
                    f"columns (to cell {reference or (row, column)}), more than "
                    f"{limits.MAX_CELLS:,} cells (cxbench.limits.MAX_CELLS)",
                )
            state["cell"], state["formula"], state["value"] = reference, None, ""
        elif tag in ("f", "v"):
            state["in"] = tag
            if tag == "f":
                state["formula"] = ""
        elif tag == "row":
            state["row"] = int(attributes.get("r") or state["row"] + 1)
            state["column"] = 0
        elif tag == "mergeCell":
            scan.merged.append(attributes.get("ref") or "?")

    def text(data: str) -> None:
        if state["in"] == "f":
            state["formula"] += data
        elif state["in"] == "v":
            state["value"] += data

    def end(tag: str) -> None:
        tag = tag.rpartition(" ")[2]
        if tag in ("f", "v"):
            state["in"] = None
        elif tag == "c" and state["formula"] is not None and not state["value"].strip():
            row, column = state["row"], state["column"]
            reference = state["cell"] or f"R{row}C{column}"
            scan.formulas.append((reference, row, column, state["formula"]))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler, parser.buffer_text = text, True
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as source:
            parser.ParseFile(source)
    except UnusableFileError:
        raise
    except (expat.ExpatError, ValueError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise UnusableFileError(
            name, f"not a readable XLSX workbook (worksheet {title!r}: {one_line(exc)})"
        ) from None
    return scan


def check_cells(name: str, scan: SheetScan, names: list[str]) -> None:
    """Refuse formulas without saved values and merged cells, naming where they are."""
    from openpyxl.utils.cell import range_boundaries

    def column_name(column: int) -> str | None:
        return names[column - 1] if 0 < column <= len(names) else None

    if scan.formulas:
        reference, row, column, formula = scan.formulas[0]
        more = len(scan.formulas) - 1
        raise UnusableFileError(
            name,
            f"cell {reference} of worksheet {scan.title!r} holds a formula without a saved "
            f"value (={formula})"
            + (f", and {more:,} more cells do" if more else "")
            + "; open and save the file in Excel, or export values",
            row=row,
            column=column_name(column),
        )
    if scan.merged:
        reference = scan.merged[0]
        try:
            first_column, first_row, _, _ = range_boundaries(reference)
        except (ValueError, TypeError):
            first_column = first_row = None
        more = len(scan.merged) - 1
        raise UnusableFileError(
            name,
            f"cells {reference} of worksheet {scan.title!r} are merged"
            + (f" (and {more:,} more ranges)" if more else "")
            + ": only the first cell holds the value, the others would read as missing; "
            "unmerge them and fill the value in on every row",
            row=first_row,
            column=column_name(first_column) if first_column else None,
        )
