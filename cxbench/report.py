"""The main job: score each edition's data file and write its tables.

For every edition file (``benchmark_<edition>.<ext>``) this validates the answers
(rejected rows are written aside), scores dimensions and statements overall and by a
grouping column, measures reliability, sets the scores beside the published figures
and writes each as a CSV table under ``<out>/<edition>/tables/``. A data file's
provenance note (see :func:`cxbench.loading.dataset_note`) heads every table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._checks import DEFAULT_MIN_N, ID_COLUMN
from .errors import ParameterError
from .files import code_fingerprint, sha256_of, write_atomic, write_csv
from .instrument import Instrument
from .loading import dataset_note
from .privacy import suppressed_counts, suppression_note
from .rejects import write_rejects
from .scoring import dimension_scores, item_scores, published_comparison
from .validation import ValidationReport, load_responses

__all__ = [
    "EditionTables",
    "summary_json",
    "tables_summary",
    "write_edition_tables",
    "write_table",
]


@dataclass(frozen=True)
class EditionTables:
    """What :func:`write_edition_tables` wrote for one edition."""

    edition: int
    validation: ValidationReport
    dimension_scores: pd.DataFrame
    tables: dict[str, Path]
    rejects: Path | None
    note: str | None


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
    exclude_flagged: bool = False,
    reuse: bool = False,
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
    exclude_flagged : bool
        Leave out the respondents the careless-response screening flags
        (:func:`cxbench.screening.exclude_flagged`): written with their reasons to
        ``flagged.csv`` beside the rejects, counted in ``validation.json``.
    reuse : bool
        Keep the tables of an earlier call made from the same inputs (the data file and
        its sidecars, the instrument, these settings, cxbench and its libraries) when
        every one of them is still there unchanged: they are read back, not made again
        (``<out>/<edition>/tables/.inputs.json`` records what they were made from).

    Returns
    -------
    EditionTables
    """
    report = load_responses(data_path, instrument, id_column=id_column)
    if exclude_flagged:
        from .screening import exclude_flagged as screened

        report = screened(report, instrument)
    note = dataset_note(data_path)
    folder = Path(out) / str(edition) / "tables"
    settings = {
        "by": by,
        "id_column": id_column,
        "min_answered": min_answered,
        "min_n": min_n,
        "exclude_flagged": exclude_flagged,
    }
    fingerprint = _tables_fingerprint(data_path, instrument, settings)
    if reuse:
        kept = _kept_tables(folder, fingerprint, edition, report, note)
        if kept is not None:
            return kept
    (folder / STAMP).unlink(missing_ok=True)  # until every table is written again
    from .reliability import cronbach_alpha_by_dimension, item_analysis  # pingouin: slow

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
    if report.flagged:
        tables["flagged"] = write_csv(report.set_aside, folder / "flagged.csv", what="flagged rows")
    written = [*tables.values(), *([rejects] if rejects else [])]
    stamp = {
        "fingerprint": fingerprint,
        "tables": {name: path.name for name, path in tables.items()},
        "rejects": rejects.name if rejects else None,
        "sha256": {path.name: sha256_of(path) for path in written},
    }
    write_atomic(folder / STAMP, json.dumps(stamp, indent=2) + "\n", what="tables' record")
    return EditionTables(edition, report, frames["dimension_scores"], tables, rejects, note)


#: What the tables of an edition were made from (:func:`write_edition_tables`' ``reuse``).
STAMP = ".inputs.json"


def _tables_fingerprint(
    data_path: str | Path, instrument: Instrument, settings: dict[str, object]
) -> str:
    """The digest of what the tables are made from: cxbench and its libraries, the
    data file and its sidecars, the instrument, the settings."""
    path = Path(data_path)
    files = [path] + [
        sidecar
        for suffix in (".meta.yaml", ".columns.yaml")
        if (sidecar := path.with_name(path.stem + suffix)).is_file()
    ]
    source = Path(instrument.source) if instrument.source else None
    payload = {
        "code": code_fingerprint(),
        "settings": settings,
        "instrument": sha256_of(source) if source and source.is_file() else instrument.id,
        "files": {p.name: sha256_of(p) for p in files},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _kept_tables(
    folder: Path, fingerprint: str, edition: int, report: ValidationReport, note: str | None
) -> EditionTables | None:
    """The tables an earlier call wrote, when made from the same inputs and intact."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        if stamp["fingerprint"] != fingerprint:
            return None
        for name, digest in stamp["sha256"].items():
            if sha256_of(folder / name) != digest:
                return None
        tables = {name: folder / file for name, file in stamp["tables"].items()}
        scores = pd.read_csv(tables["dimension_scores"], comment="#")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    rejects = folder / stamp["rejects"] if stamp.get("rejects") else None
    return EditionTables(edition, report, scores, tables, rejects, note)


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
