"""Writing files safely: atomically, never over an input, and safe to open in a spreadsheet.

Every file cxbench writes goes through :func:`write_atomic`: the content is written to a
temporary file in the target's folder and renamed into place, so an interrupted or
failing run (a full disk, a kill) never leaves a half-written file under the final
name. Every CSV goes through :func:`write_csv`, which neutralises cells that a
spreadsheet would run as a formula (OWASP, "CSV injection": a leading ``=``, ``+``,
``-``, ``@``, tab or carriage return), by prefixing ``'``; :func:`restore_cell` gives
the original text back.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .errors import UnusableFileError

__all__ = [
    "FINGERPRINT_LIBRARIES",
    "code_fingerprint",
    "csv_text",
    "neutralise_cell",
    "neutralise_frame",
    "restore_cell",
    "sha256_of",
    "temporary_file",
    "write_atomic",
    "write_csv",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# the process's umask, read once (os.umask sets it to read it): files written through a
# temporary file get the mode an ordinary open() would give them, not mkstemp's 0600
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, made inert with a leading ``'``.

    Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    ``'`` in front (a plain number such as ``-3`` or ``+1.5`` is left as it is: a
    spreadsheet reads it as the number it is). Text that already begins with ``'`` gets
    one more, so that :func:`restore_cell` can always give the original back.
    Anything that is not text is returned unchanged.

    Examples
    --------
    >>> neutralise_cell('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> neutralise_cell("@SUM(A1)"), neutralise_cell("+1+1"), neutralise_cell("-3")
    ("'@SUM(A1)", "'+1+1", '-3')
    >>> neutralise_cell("Finance"), neutralise_cell(4.0)
    ('Finance', 4.0)
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] == "'" or (
        value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def restore_cell(value: object) -> object:
    """The original text of a cell written by :func:`neutralise_cell`.

    Examples
    --------
    >>> restore_cell("'=1+1"), restore_cell("''quoted"), restore_cell("plain")
    ('=1+1', "'quoted", 'plain')
    >>> all(restore_cell(neutralise_cell(t)) == t for t in ["=A1", "'x", "-2", "@", ""])
    True
    """
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell, and every column name, passed through
    :func:`neutralise_cell`; numeric columns are untouched.

    Examples
    --------
    >>> neutralise_frame(pd.DataFrame({"=x": ["=1+1", "ok"], "n": [1, 2]})).to_dict("list")
    {"'=x": ["'=1+1", 'ok'], 'n': [1, 2]}
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype | pd.CategoricalDtype):
            out[column] = values.astype(object).map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) if isinstance(c, str) else c for c in out.columns]
    return out


def temporary_file(folder: str | Path) -> tuple[int, str]:
    """A new temporary file in ``folder`` (open descriptor, name), readable as an
    ordinarily created file would be (``0o666`` less the umask).

    Examples
    --------
    >>> import tempfile
    >>> handle, name = temporary_file(tempfile.mkdtemp())
    >>> oct(os.stat(name).st_mode & 0o777) == oct(0o666 & ~_UMASK)
    True
    >>> os.close(handle)
    """
    handle, name = tempfile.mkstemp(dir=folder, prefix=".cxbench-", suffix=".tmp")
    os.fchmod(handle, 0o666 & ~_UMASK)
    return handle, name


def write_atomic(
    path: str | Path,
    content: str | bytes,
    *,
    what: str = "file",
    protect: Iterable[str | Path] = (),
    keep_same: bool = False,
) -> Path:
    """Write ``content`` to ``path`` through a temporary file renamed into place.

    Parameters
    ----------
    path : str or Path
    content : str or bytes
        Text is written as UTF-8.
    what : str
        What the file is, for the error message ("rejects file", "report" …).
    protect : paths
        Files that must never be overwritten (the inputs): writing over one of them is
        refused.
    keep_same : bool
        Leave ``path`` untouched (its time included) when it already holds exactly
        ``content``.

    Returns
    -------
    Path

    Raises
    ------
    UnusableFileError
        When ``path`` is a protected file, or cannot be written (the disk is full, the
        name is too long, no permission …); nothing is left under ``path`` then, and a
        file that was there before is kept.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", "hello").read_text()
    'hello'
    >>> write_atomic(folder / "a.txt", "x", protect=[folder / "a.txt"])
    Traceback (most recent call last):
    ...
    cxbench.errors.UnusableFileError: .../a.txt: the file would overwrite an input; ...
    """
    path = Path(path)
    for source in protect:
        source = Path(source)
        if path.exists() and source.exists() and path.samefile(source):
            raise UnusableFileError(
                str(path), f"the {what} would overwrite an input; choose another name"
            )
    data = content.encode("utf-8") if isinstance(content, str) else content
    if keep_same and path.is_file():
        with contextlib.suppress(OSError):
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return path
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = temporary_file(path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise UnusableFileError(
            str(path), f"cannot write the {what} ({exc.strerror or exc})"
        ) from None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
    return path


def write_csv(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    note: str | None = None,
    float_format: str | None = None,
    what: str = "table",
    protect: Iterable[str | Path] = (),
) -> Path:
    """Write ``frame`` as a UTF-8 CSV, formula-safe and atomically.

    Parameters
    ----------
    frame : DataFrame
    path : str or Path
    note : str, optional
        First lines ``# …``, one per line of the note (read the file back with
        ``pandas.read_csv(..., comment="#")``).
    float_format : str, optional
        As in :meth:`pandas.DataFrame.to_csv`.
    what, protect
        As in :func:`write_atomic`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_csv(pd.DataFrame({"group": ["=cmd|' /C calc'!A0"], "n": [5]}),
    ...                 pathlib.Path(tempfile.mkdtemp()) / "t.csv", note="SYNTHETIC data")
    >>> out.read_text(encoding="utf-8").splitlines()
    ['# SYNTHETIC data', 'group,n', "'=cmd|' /C calc'!A0,5"]
    """
    return write_atomic(
        path, csv_text(frame, note=note, float_format=float_format), what=what, protect=protect
    )


def csv_text(
    frame: pd.DataFrame, *, note: str | None = None, float_format: str | None = None
) -> str:
    """The formula-safe CSV text :func:`write_csv` writes (also for standard output).

    Examples
    --------
    >>> csv_text(pd.DataFrame({"a": ["@x", "y"]}))
    "a\\n'@x\\ny\\n"
    """
    lines = note.splitlines() if note else []
    head = "".join(f"# {line}\n" for line in lines)
    body = neutralise_frame(frame).to_csv(
        index=False, float_format=float_format, lineterminator="\n"
    )
    return head + body


#: The libraries whose versions a report's fingerprint includes: a new release may
#: change a figure, a table's form or a chart.
FINGERPRINT_LIBRARIES = (
    "numpy",
    "pandas",
    "scipy",
    "pingouin",
    "statsmodels",
    "semopy",
    "matplotlib",
    "seaborn",
    "babel",
    "papermill",
    "nbconvert",
    "weasyprint",
)


def sha256_of(path: str | Path) -> str:
    """The sha256 of a file's bytes, read in blocks (any size in bounded memory).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> sha256_of(path)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A digest of cxbench's own files (code, message catalogues, instruments) and of
    the versions of the libraries a report depends on: what a new release, or an edit
    in a checkout, changes. Computed once per process.

    Examples
    --------
    >>> len(code_fingerprint()), code_fingerprint() == code_fingerprint()
    (64, True)
    """
    from importlib import metadata

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".pyi", ".yaml") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    for name in FINGERPRINT_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}".encode())
    return digest.hexdigest()
