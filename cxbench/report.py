"""The main job: score each edition's data file and write its tables.

For every edition file (``benchmark_<edition>.<ext>``) this validates the answers
(rejected rows are written aside), scores dimensions and statements overall and by a
grouping column, measures reliability, sets the scores beside the published figures
and writes each as a CSV table under ``<out>/<edition>/tables/``. A data file's
provenance note (see :func:`cxbench.loading.dataset_note`) heads every table.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._checks import DEFAULT_MIN_N, ID_COLUMN
from .errors import ParameterError
from .files import write_atomic, write_csv
from .instrument import Instrument
from .loading import dataset_note
from .privacy import suppressed_counts, suppression_note
from .reliability import cronbach_alpha_by_dimension, item_analysis
from .scoring import dimension_scores, item_scores, published_comparison
from .validation import ValidationReport, load_responses, write_rejects

__all__ = [
    "EditionInputs",
    "EditionTables",
    "edition_inputs",
    "find_edition_files",
    "summary_json",
    "tables_summary",
    "write_edition_tables",
    "write_table",
]

_EDITION_FILE = re.compile(r"^benchmark_(\d{4})\.(csv|xlsx|parquet|sav)$", re.IGNORECASE)


@dataclass(frozen=True)
class EditionTables:
    """What :func:`write_edition_tables` wrote for one edition."""

    edition: int
    validation: ValidationReport
    dimension_scores: pd.DataFrame
    tables: dict[str, Path]
    rejects: Path | None
    note: str | None


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


def edition_inputs(data: str | Path, edition: int, previous: int | None = None) -> EditionInputs:
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
    data = Path(data)
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


def write_table(frame: pd.DataFrame, path: Path, note: str | None = None) -> Path:
    """Write ``frame`` as UTF-8 CSV (formula-safe, atomically: :func:`cxbench.files.write_csv`),
    headed by ``# note`` lines when there is a note.

    Read it back with ``pandas.read_csv(path, comment="#")``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_table(pd.DataFrame({"a": [1]}), pathlib.Path(tempfile.mkdtemp()) / "t.csv",
    ...                   note="SYNTHETIC data")
    >>> out.read_text(encoding="utf-8").splitlines()
    ['# SYNTHETIC data', 'a', '1']
    """
    return write_csv(frame, path, note=note, float_format="%.4f")


def write_edition_tables(
    data_path: str | Path,
    edition: int,
    out: str | Path,
    instrument: Instrument,
    *,
    by: str = "sector",
    id_column: str = ID_COLUMN,
    min_answered: int | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> EditionTables:
    """Validate and score one edition's file and write its tables.

    Parameters
    ----------
    data_path : str or Path
        The edition's survey file.
    edition : int
        Its edition (year); the tables go to ``<out>/<edition>/tables/``.
    out : str or Path
        The reports folder.
    instrument : Instrument
    by : str
        The grouping column for the per-group tables (skipped if absent).
    id_column : str
    min_answered : int, optional
    min_n : int
        Anonymity (:mod:`cxbench.privacy`): groups, and the whole benchmark, under it
        (or hidden with one) are left out of every table; each table's head says what
        was.

    Returns
    -------
    EditionTables
    """
    report = load_responses(data_path, instrument, id_column=id_column)
    note = dataset_note(data_path)
    folder = Path(out) / str(edition) / "tables"
    data = report.data
    if data.empty:
        raise ParameterError("data", str(data_path), "no row passed validation; see the rejects")
    options = {"min_answered": min_answered, "id_column": id_column, "min_n": min_n}
    frames = {
        "dimension_scores": dimension_scores(data, instrument, **options),
        "item_scores": item_scores(data, instrument, min_n=min_n),
        "published_comparison": published_comparison(data, instrument, **options),
        "reliability": cronbach_alpha_by_dimension(data, instrument),
        "item_analysis": item_analysis(data, instrument),
    }
    if by in data.columns:
        frames[f"dimension_scores_by_{by}"] = dimension_scores(data, instrument, by=by, **options)
        frames[f"item_scores_by_{by}"] = item_scores(data, instrument, by=by, min_n=min_n)

    def head(frame: pd.DataFrame, name: str) -> str | None:
        if "min_n" not in frame.attrs:
            return note
        grouped = by if name.endswith(f"_by_{by}") else None
        anonymity = suppression_note(min_n, suppressed_counts(frame), grouped)
        return "\n".join(line for line in (note, anonymity) if line)

    tables = {
        name: write_table(frame, folder / f"{name}.csv", head(frame, name))
        for name, frame in frames.items()
    }
    validation_path = folder / "validation.json"
    write_atomic(validation_path, report.to_json() + "\n", what="validation summary")
    tables["validation"] = validation_path
    rejects = write_rejects(report, folder / "rejects.csv") if report.rejected else None
    return EditionTables(edition, report, frames["dimension_scores"], tables, rejects, note)


def tables_summary(result: EditionTables) -> str:
    """A few lines for the terminal: counts, dimension scores, where the tables are."""
    scores = ", ".join(
        f"{row.dimension} {row.score:.1f} %" for row in result.dimension_scores.itertuples()
    )
    lines = [
        f"edition {result.edition}: {result.validation.summary()}",
        f"  dimension scores (sum/max): {scores}",
        f"  {len(result.tables)} tables in {result.tables['dimension_scores'].parent}",
    ]
    if result.rejects:
        lines.append(f"  rejected rows written to {result.rejects}")
    if result.note:
        lines.append(f"  note: {result.note}")
    return "\n".join(lines)


def summary_json(results: list[EditionTables]) -> str:
    """The run's results as JSON: per edition, counts and table paths."""
    return json.dumps(
        [
            {
                "edition": r.edition,
                "read": r.validation.read,
                "accepted": r.validation.accepted,
                "rejected": r.validation.rejected,
                "tables": {k: str(v) for k, v in r.tables.items()},
                "rejects": str(r.rejects) if r.rejects else None,
                "note": r.note,
            }
            for r in results
        ],
        indent=2,
        ensure_ascii=False,
    )
