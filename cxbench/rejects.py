"""The rejects file: rejected rows written aside, with their row and reason, never over
the input and never half-written.

The rows keep the file's own column names and, for a platform export, its header rows,
so that a corrected rejects file reads back like the export it came from.
:func:`write_rejects` writes a whole :class:`~cxbench.validation.ValidationReport`'s
rejects at once; :class:`RejectsWriter` writes them chunk by chunk, as
:func:`cxbench.validation.validate_file` finds them.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .errors import UnusableFileError
from .files import neutralise_cell, neutralise_frame, temporary_file, write_atomic

if TYPE_CHECKING:
    from .validation import ValidationReport

__all__ = [
    "RejectsWriter",
    "default_rejects_path",
    "refuse_input",
    "write_rejects",
]


class RejectsWriter:
    """Rejected rows written chunk by chunk to a temporary file beside ``path``; the
    rejects file (header first, as :func:`write_rejects` writes it) renamed into place
    by :meth:`finish`, never left half-written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names: list[str] | None = None
        self.extra: str | None = None  # the extra_fields column, once a row is ragged
        self.body = self._temporary()

    def _temporary(self) -> io.TextIOWrapper:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = temporary_file(self.path.parent)
        except OSError as exc:
            raise self._unwritable(exc) from None
        out = os.fdopen(handle, "w+", encoding="utf-8", newline="")
        out.temporary = name  # type: ignore[attr-defined]
        return out

    def _unwritable(self, exc: OSError) -> UnusableFileError:
        return UnusableFileError(
            str(self.path), f"cannot write the rejects file ({exc.strerror or exc})"
        )

    def add(self, frame: pd.DataFrame, *, ragged: bool) -> None:
        """Append a chunk's rejected rows (with ``extra_fields`` when it had a ragged row)."""
        if self.names is None:
            self.names = [str(c) for c in (frame.columns[:-1] if ragged else frame.columns)]
        if ragged and self.extra is None:
            # the first ragged row: the rows so far get an empty extra_fields cell
            self.extra = str(frame.columns[-1])
            self._widen()
        elif self.extra is not None and not ragged:
            frame = frame.copy()
            frame.insert(len(frame.columns), self.extra, "")
        if len(frame):
            try:
                body = neutralise_frame(frame).to_csv(
                    index=False, header=False, lineterminator="\n"
                )
                self.body.write(body)
            except OSError as exc:
                raise self._unwritable(exc) from None

    def _widen(self) -> None:
        wider = self._temporary()
        try:
            self.body.seek(0)
            writer = csv.writer(wider, lineterminator="\n")
            for record in csv.reader(self.body):
                writer.writerow([*record, ""])
        except OSError as exc:
            raise self._unwritable(exc) from None
        finally:
            old, self.body = self.body, wider
            self._close(old)

    def finish(
        self, source_header: tuple[str, ...], source_header_rows: tuple[tuple[str, ...], ...]
    ) -> Path:
        """Write the rejects file: its header, then the rows, renamed into place."""
        assert self.names is not None
        names = [*self.names, *([self.extra] if self.extra else [])]
        final = self._temporary()
        try:
            final.write(_rejects_head(names, source_header, source_header_rows))
            self.body.seek(0)
            shutil.copyfileobj(self.body, final)
            final.flush()
            os.fsync(final.fileno())
            final.close()
            os.replace(final.temporary, self.path)  # type: ignore[attr-defined]
        except OSError as exc:
            raise self._unwritable(exc) from None
        finally:
            self._close(final)
        return self.path

    def discard(self) -> None:
        """Remove the temporary file (after :meth:`finish`, or instead of it)."""
        self._close(self.body)

    @staticmethod
    def _close(handle: io.TextIOWrapper) -> None:
        handle.close()
        if os.path.exists(handle.temporary):  # type: ignore[attr-defined]
            os.unlink(handle.temporary)  # type: ignore[attr-defined]


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
    temporary name and renamed into place; the input itself is never overwritten. A
    cell a spreadsheet would run as a formula (``=…``, ``+…``, ``@…``) is written with a
    leading ``'`` (:func:`cxbench.files.neutralise_cell`; :func:`cxbench.files.restore_cell`
    gives it back).

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
    >>> from cxbench.validation import ValidationReport
    >>> frame = pd.DataFrame({"source_row": [3], "id": ["R1"], "reject_reason": ["why"]})
    >>> report = ValidationReport("s.csv", 1, 0, 1, (), pd.DataFrame(), frame)
    >>> out = write_rejects(report, pathlib.Path(tempfile.mkdtemp()) / "r.csv")
    >>> out.read_text(encoding="utf-8").splitlines()
    ['source_row,id,reject_reason', '3,R1,why']
    """
    path = Path(path)
    refuse_input(path, report.path)
    frame = report.rejects
    head = _rejects_head(
        [str(c) for c in frame.columns], report.source_header, report.source_header_rows
    )
    body = neutralise_frame(frame).to_csv(index=False, header=False, lineterminator="\n")
    return write_atomic(path, head + body, what="rejects file")


def refuse_input(path: str | Path, source: str | Path) -> None:
    """Refuse a rejects path that is the input file itself.

    Raises
    ------
    UnusableFileError
        When ``path`` exists and is ``source`` (the same file, by any name).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> data = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = data.write_text("id\\n")
    >>> refuse_input(data.with_name("s.rejects.csv"), data)  # another file: fine
    >>> refuse_input(data, data)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxbench.errors.UnusableFileError: ...would overwrite the input...
    """
    path = Path(path)
    if path.exists() and Path(source).exists() and path.samefile(source):
        raise UnusableFileError(
            str(path), "the rejects file would overwrite the input; choose another --rejects"
        )


def _rejects_head(
    names: list[str],
    source_header: tuple[str, ...],
    source_header_rows: tuple[tuple[str, ...], ...],
) -> str:
    """The rejects file's header: ``source_row``, the file's own column names, then
    ``reject_reason`` (and ``extra_fields``); and a platform's header rows under it."""
    header, extra_rows = names, []
    width = len(source_header)
    if width and 1 + width <= len(names):
        tail = names[1 + width :]
        header = [names[0], *source_header, *tail]
        extra_rows = [["", *row, *[""] * len(tail)] for row in source_header_rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise_cell(cell) for cell in header])
    writer.writerows([neutralise_cell(cell) for cell in row] for row in extra_rows)
    return buffer.getvalue()
