"""Editions: the data files of a benchmark's editions in a data folder.

A data folder holds one file per edition, ``benchmark_<edition>.<ext>`` (CSV, XLSX,
Parquet or SPSS); :func:`find_edition_files` lists them, :func:`edition_inputs` finds
one edition's file and the one before it (for the change since then).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ParameterError

if TYPE_CHECKING:
    from .instrument import Instrument
    from .validation import ValidationReport

__all__ = [
    "EditionInputs",
    "edition_inputs",
    "find_data_folder",
    "find_edition_files",
    "load_editions",
]

#: How many folders up from the current one :func:`find_data_folder` looks.
DATA_SEARCH_DEPTH = 3


_EDITION_FILE = re.compile(r"^benchmark_(\d{4})\.(csv|xlsx|parquet|sav)$", re.IGNORECASE)


def find_data_folder(path: str | Path | None = None, *, start: str | Path | None = None) -> Path:
    """The data folder a notebook or command means.

    A given ``path`` is taken as it is (relative to the current folder, or to
    ``start``). ``None``
    looks for a folder named ``data`` in the current folder and up to
    :data:`DATA_SEARCH_DEPTH` folders above it, so that the same default works in
    JupyterLab (the notebook's folder, ``notebooks/``), with papermill from the
    project's root, and for a notebook run from an installed package inside a
    project.

    Raises
    ------
    ParameterError
        Naming the absolute path that does not exist (or every place looked in).

    Returns
    -------
    Path
        Relative as found (``data``, ``../data``), so that what a notebook prints of
        it does not depend on where the project is.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data").mkdir(); (root / "notebooks").mkdir()
    >>> find_data_folder(start=root / "notebooks").resolve() == (root / "data").resolve()
    True
    >>> find_data_folder(root / "nowhere")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: data='.../nowhere': no such folder
    """
    here = Path(start) if start is not None else Path.cwd()
    if path is not None:
        path = Path(path)
        if not (here / path).exists():
            raise ParameterError("data", str((here / path).resolve()), "no such folder")
        return path if start is None else here / path
    looked = []
    for up in range(DATA_SEARCH_DEPTH + 1):
        candidate = Path(*[".."] * up, "data") if up else Path("data")
        if (here / candidate).is_dir():
            return candidate if start is None else here / candidate
        looked.append(str((here / candidate).resolve()))
    raise ParameterError(
        "data", looked[0], f"no data folder here or above (looked in {', '.join(looked)})"
    )


def find_edition_files(folder: str | Path) -> dict[int, Path]:
    """The edition files in ``folder``: ``benchmark_<year>.csv`` (or xlsx, parquet, sav).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("benchmark_2023.csv", "benchmark_2022.csv", "notes.txt"):
    ...     _ = (folder / name).write_text("x", encoding="utf-8")
    >>> {year: path.name for year, path in find_edition_files(folder).items()}
    {2022: 'benchmark_2022.csv', 2023: 'benchmark_2023.csv'}
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ParameterError("data", str(folder), "no such folder")
    found: dict[int, Path] = {}
    for path in sorted(folder.iterdir()):
        match = _EDITION_FILE.match(path.name)
        if match:
            edition = int(match.group(1))
            if edition in found:
                raise ParameterError(
                    "data",
                    str(folder),
                    f"two files for edition {edition}: {found[edition].name}, {path.name}",
                )
            found[edition] = path
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class EditionInputs:
    """The data file of an edition and, when there is one, of the edition before it."""

    edition: int
    path: Path
    previous_edition: int | None
    previous_path: Path | None


def edition_inputs(
    data: str | Path | None, edition: int, previous: int | None = None
) -> EditionInputs:
    """Find an edition's data file, and its predecessor's, in a data folder.

    Parameters
    ----------
    data : str or Path
        A folder of ``benchmark_<year>`` files, or one data file (then there is no
        previous edition unless a sibling ``benchmark_<year>`` file is older).
    edition : int
        The edition (year) to report.
    previous : int, optional
        The edition to compare with; by default the latest one before ``edition``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("benchmark_2021.csv", "benchmark_2023.csv"):
    ...     _ = (folder / name).write_text("x", encoding="utf-8")
    >>> found = edition_inputs(folder, 2023)
    >>> found.path.name, found.previous_edition
    ('benchmark_2023.csv', 2021)
    >>> edition_inputs(folder, 2021).previous_path is None
    True
    """
    if isinstance(edition, bool) or not isinstance(edition, int):
        raise ParameterError("edition", edition, "must be a year, e.g. 2023")
    data = find_data_folder(data)
    if data.is_file():
        files = find_edition_files(data.parent)
        match = _EDITION_FILE.match(data.name)
        if not match or int(match.group(1)) != edition:
            files = {edition: data}
    else:
        files = find_edition_files(data)
    if edition not in files:
        known = ", ".join(map(str, files)) or "none"
        raise ParameterError(
            "edition", edition, f"no data file for it in {data} (editions: {known})"
        )
    if previous is not None:
        if isinstance(previous, bool) or not isinstance(previous, int) or previous >= edition:
            raise ParameterError("previous_edition", previous, f"must be a year before {edition}")
        if previous not in files:
            known = ", ".join(map(str, files))
            raise ParameterError(
                "previous_edition", previous, f"no data file for it in {data} (editions: {known})"
            )
    else:
        earlier = [year for year in files if year < edition]
        previous = max(earlier) if earlier else None
    return EditionInputs(edition, files[edition], previous, files.get(previous))


def load_editions(
    folder: str | Path,
    instrument: Instrument,
    *,
    id_column: str | None = None,
    at_least: int = 1,
) -> dict[int, ValidationReport]:
    """Every edition's file in ``folder``, read and validated, by edition.

    Parameters
    ----------
    folder : str or Path
    instrument : Instrument
    id_column : str, optional
        As in :func:`cxbench.validation.load_responses`.
    at_least : int
        How many editions are needed (2 for a trend).

    Raises
    ------
    ParameterError
        With fewer editions than ``at_least``.

    Examples
    --------
    >>> import tempfile
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import write_bundled_data
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_bundled_data(folder)
    >>> {year: report.accepted for year, report in load_editions(folder, load_instrument(),
    ...                                                          at_least=2).items()}
    {2022: 290, 2023: 310}
    """
    from .validation import load_responses

    files = find_edition_files(folder)
    if len(files) < at_least:
        raise ParameterError(
            "data", str(folder), f"needs at least {at_least} benchmark_<edition> files"
        )
    return {
        year: load_responses(path, instrument, id_column=id_column) for year, path in files.items()
    }
