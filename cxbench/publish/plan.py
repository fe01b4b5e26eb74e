"""Planning a report set: one :class:`ReportJob` per report, every parameter checked
before anything runs (:func:`plan_reports`, :func:`plan_scorecards`), with bounded,
distinct file names (:func:`slug`, :func:`distinct_names`) and the list of inputs the
manifest fingerprints (:func:`report_inputs`)."""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .._checks import DEFAULT_MIN_N, ID_COLUMN
from ..errors import ParameterError
from ..i18n import LANGUAGES, check_language, translate

__all__ = [
    "MAX_NAME",
    "NOTEBOOKS",
    "Outputs",
    "ReportJob",
    "ReportResult",
    "check_parameters",
    "distinct_names",
    "instrument_parameter",
    "job_inputs",
    "name_digest",
    "plan_reports",
    "plan_scorecards",
    "report_inputs",
    "report_languages",
    "slug",
]

#: The notebooks shipped in the package (``cxbench/notebooks``; in a checkout, a link to
#: the repository's ``notebooks/``), found through :mod:`importlib.resources`.
NOTEBOOKS = Path(str(resources.files("cxbench") / "notebooks"))


@dataclass(frozen=True)
class ReportJob:
    """One report to make: a notebook, its parameters and where it goes."""

    name: str
    kind: str  # "benchmark" or "sector"
    title: str
    language: str
    notebook: Path
    parameters: dict[str, Any]
    out_dir: Path

    @property
    def html(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.html"

    @property
    def executed(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.ipynb"

    @property
    def pdf(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.pdf"

    @property
    def pptx(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.pptx"

    @property
    def log(self) -> Path:
        return self.out_dir / self.language / f"{self.name}.log"


@dataclass(frozen=True)
class Outputs:
    """What each report is published as beside its HTML page, and how it looks.

    ``pdf``: a printed report (:func:`cxbench.publish.pdf.write_pdf`) on ``paper``
    (``"a4"`` or ``"letter"``); ``pptx``: a slide deck
    (:func:`cxbench.publish.slides.write_slides`); ``theme``: the team's theme file
    (:func:`cxbench.theme.load_theme`) for the page, the PDF and the deck, else
    cxbench's own look.

    Examples
    --------
    >>> Outputs(pdf=True).describe()
    {'pdf': True, 'pptx': False, 'paper': 'a4', 'theme': None}
    """

    pdf: bool = False
    pptx: bool = False
    paper: str = "a4"
    theme: Path | None = None

    def describe(self) -> dict[str, Any]:
        """The settings as JSON values (for the manifest and the fingerprint)."""
        theme = None if self.theme is None else str(self.theme)
        return {"pdf": self.pdf, "pptx": self.pptx, "paper": self.paper, "theme": theme}


@dataclass(frozen=True)
class ReportResult:
    """What became of a job."""

    job: ReportJob
    status: str  # "ok" or "failed"
    started: str
    finished: str
    seconds: float
    error: str = ""
    failing_cell: str = ""
    outputs: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    fingerprint: str = ""  # of the report's inputs (cxbench.publish.manifest)
    reused: bool = False  # unchanged since the run that made it: not rebuilt


#: The longest file name (without extension) a report gets, in bytes (ASCII).
MAX_NAME = 80


def name_digest(text: str) -> str:
    """A short stable hash of ``text`` (the same in every run and on every machine)."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:8]


def _bounded(name: str, key: str, max_length: int = MAX_NAME) -> str:
    """``name`` cut to ``max_length`` with ``-<hash of key>`` at the end when it is longer."""
    if len(name) <= max_length:
        return name
    return f"{name[: max_length - 9].rstrip('-')}-{name_digest(key)}"


def slug(text: str, *, max_length: int = MAX_NAME) -> str:
    """A file-name-safe form of a group name: lower-case ASCII letters, digits and ``-``,
    at most ``max_length`` characters.

    A longer name is cut and ends in ``-`` and 8 hex digits of a hash of the whole
    ``text``, so that two long names that begin alike still get different slugs.
    Distinct texts can still share a slug ("R&D" and "R D"): :func:`distinct_names`
    tells them apart.

    Examples
    --------
    >>> slug("Travel & hospitality"), slug("Şirket İçi"), slug("<script>")
    ('travel-hospitality', 'sirket-ici', 'script')
    >>> long = slug("Finance " * 40)
    >>> len(long), long.startswith("finance-finance-"), long == slug("Finance " * 40)
    (80, True, True)
    >>> slug("F" * 300) != slug("F" * 299)
    True
    """
    folded = unicodedata.normalize("NFKD", str(text).replace("ı", "i").replace("İ", "I"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "group"
    return _bounded(name, str(text), max_length)


def distinct_names(
    names: Sequence[str], keys: Sequence[str], *, max_length: int = MAX_NAME
) -> list[str]:
    """``names`` made distinct: every name shared by different ``keys`` gets
    ``-<hash of its key>`` (and stays within ``max_length``).

    The result does not depend on the order of the keys, so a group keeps its file name
    from run to run as long as the same groups collide.

    Parameters
    ----------
    names : sequence of str
        The file names (slugs), one per key.
    keys : sequence of str
        What each name stands for (the group's own name).

    Raises
    ------
    ParameterError
        When two names still coincide (the same key given twice).

    Examples
    --------
    >>> keys = ["R&D", "R D", "Retail"]
    >>> distinct_names([slug(k) for k in keys], keys)
    ['r-d-1d168db4', 'r-d-5802d3d6', 'retail']
    >>> distinct_names([slug(k) for k in ("Café", "CAFE")], ["Café", "CAFE"])
    ['cafe-73473dcc', 'cafe-54fe2517']
    """
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    out = []
    for name, key in zip(names, keys, strict=True):
        if counts[name] > 1:
            name = f"{name[: max_length - 9].rstrip('-')}-{name_digest(key)}"
        out.append(name)
    if len(set(out)) != len(out):
        clash = next(n for n in out if out.count(n) > 1)
        raise ParameterError("names", clash, "two groups give the same file name")
    return out


def _group_name(column: str, group: str) -> str:
    """``<column>-<group>`` as a bounded slug, e.g. ``sector-finance``."""
    whole = f"{slug(column, max_length=sys.maxsize)}-{slug(group, max_length=sys.maxsize)}"
    return _bounded(whole, f"{column}\x00{group}")


def report_languages(languages: Sequence[str] | None, instrument: Any) -> list[str]:
    """The languages to report in: ``languages`` checked against what cxbench and the
    instrument speak, or by default every language of the instrument that cxbench
    speaks (in the order of :data:`cxbench.i18n.LANGUAGES`).

    Raises
    ------
    ParameterError
        For an unknown language, a language the instrument has no statements in, or
        no language at all.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> report_languages(None, load_instrument())
    ['en', 'tr', 'ru']
    >>> report_languages(["ru"], load_instrument())
    ['ru']
    """
    offered = [language for language in LANGUAGES if language in instrument.languages]
    if languages is None:
        if not offered:
            raise ParameterError(
                "languages",
                "",
                f"the instrument {instrument.id!r} has no language cxbench reports in "
                f"(its statements are in: {', '.join(instrument.languages) or 'none'}; "
                f"cxbench: {', '.join(LANGUAGES)})",
            )
        return offered
    chosen = list(dict.fromkeys(languages))
    if not chosen:
        raise ParameterError("languages", "", "at least one language is needed")
    for language in chosen:
        check_language(language)
        if language not in offered:
            raise ParameterError(
                "languages",
                language,
                f"the instrument {instrument.id!r} has no statements in it "
                f"(its languages: {', '.join(offered)})",
            )
    return chosen


def instrument_parameter(instrument: str | Path) -> str:
    """How a job names its instrument: a bundled name as it is, a file as an absolute
    path (the notebook runs in its own folder).

    Examples
    --------
    >>> instrument_parameter("digital-cx-2023")
    'digital-cx-2023'
    >>> Path(instrument_parameter("my.yaml")).is_absolute()
    True
    """
    from ..instrument import available_instruments

    name = str(instrument)
    return name if name in available_instruments() else str(Path(name).resolve())


def _check_column(responses: Any, column: str, source: Path) -> None:
    if column not in responses.data.columns:
        raise ParameterError(
            "sector_column",
            column,
            f"no such column in {source} (columns: {', '.join(map(str, responses.data.columns))})",
        )


def _labels(path: str | Path | None, folder: Path, data: Any, languages: Sequence[str]) -> Any:
    """The labels the reports use, checked on the data in every language now, so a
    name that would merge two groups fails before anything runs."""
    from ..labels import load_labels

    labels = load_labels(path, folder=folder)
    for language in languages:
        labels.relabel(data, language)
    return labels


def _labels_parameter(labels: Any) -> dict[str, str]:
    """``labels_path`` for the notebooks, only when there is a labels file (so that
    a team's own notebooks without the parameter keep working without one)."""
    return {"labels_path": labels.source} if labels.source else {}


def plan_reports(
    *,
    data: str | Path,
    edition: int,
    languages: Sequence[str] | None = None,
    sectors: Sequence[str] | None = None,
    out: str | Path = "reports",
    instrument: str | Path = "digital-cx-2023",
    commentary: str | Path | None = None,
    sector_column: str = "sector",
    min_n: int = DEFAULT_MIN_N,
    notebooks: str | Path = NOTEBOOKS,
    labels: str | Path | None = None,
    weights: str | Path | None = None,
    exclude_flagged: bool = False,
    check: bool = True,
) -> list[ReportJob]:
    """The jobs of an edition's report set, every parameter checked first.

    Parameters
    ----------
    data : path
        Folder of ``benchmark_<year>`` files.
    edition : int
    languages : sequence of str, optional
        Default: every language of the instrument that cxbench reports in
        (:func:`report_languages`).
    sectors : sequence of str, optional
        Sector reports to make; ``None`` for every sector with at least ``min_n``
        respondents (smaller ones get no report of their own).
    out : path
        Reports folder; the edition's reports go to ``<out>/<edition>/``.
    instrument : str or path
        A bundled instrument's name or a YAML file.
    commentary : path, optional
        Commentary folder holding ``<edition>/``; default ``<data>/commentary``. An
        edition without commentary (no folder, or no entries) gets reports without
        expert answers.
    sector_column, min_n
        The sector reports' grouping and anonymity threshold.
    notebooks : path
        Where ``commentary_report.ipynb`` and ``sector_comparison.ipynb`` are.
    labels : path, optional
        The groups' names per language (:mod:`cxbench.labels`); default
        ``<data>/labels.yaml`` when there is one. Report titles and every table,
        chart and heading use them; file names stay those of the data's values.
    weights : path, optional
        A population file (:mod:`cxbench.weights`): the benchmark report's method
        section then shows the weighted dimension scores with their design-based
        errors (the rest of the report stays unweighted, and says so). The data are
        weighted now, so a value the file lacks fails before anything runs.
    exclude_flagged : bool
        Leave the respondents the careless-response screening flags out of every
        report (:func:`cxbench.screening.exclude_flagged`); the sectors shown are those
        that keep ``min_n`` respondents.
    check : bool
        Check the jobs' parameters against the notebooks (:func:`check_parameters`);
        :func:`~cxbench.publish.execute.run_report_set` checks the jobs it runs, so
        ``cxbench report`` leaves it to that, and a set with nothing to rebuild never
        loads papermill.

    Returns
    -------
    list of ReportJob
        A sector report is named ``<sector_column>-<slug of the sector>``, at most
        :data:`MAX_NAME` characters; sectors whose names give the same slug ("R&D",
        "R D") each get a short hash of their name appended (:func:`distinct_names`).

    Raises
    ------
    ParameterError, CommentaryError, LabelsError, UnusableFileError
        Before anything runs: an unknown language or sector, a missing file or
        folder, commentary or labels that do not validate, data that cannot be read.
    """
    from ..commentary import load_commentary
    from ..editions import edition_inputs
    from ..instrument import load_instrument
    from ..scoring import complete_groups
    from ..validation import load_responses

    inst = load_instrument(instrument)
    languages = report_languages(languages, inst)
    notebooks = Path(notebooks).resolve()
    for name in ("commentary_report.ipynb", "sector_comparison.ipynb"):
        if not (notebooks / name).is_file():
            raise ParameterError("notebooks", str(notebooks), f"{name} is missing")
    data = Path(data).resolve()
    inputs = edition_inputs(data, edition)
    commentary = Path(commentary).resolve() if commentary else data / "commentary"
    # fails early with file and key
    expert = load_commentary(commentary / str(edition), inst)
    responses = load_responses(inputs.path, inst)
    if responses.accepted == 0:
        raise ParameterError("data", str(inputs.path), "no row passed validation")
    _check_column(responses, sector_column, inputs.path)
    if exclude_flagged:
        from ..screening import exclude_flagged as screened

        responses = screened(responses, inst)
    names_of = _labels(labels, inputs.path.parent, responses.data, languages)
    weighting = {}
    if weights is not None:
        from ..weights import load_population, weight_respondents

        weight_respondents(responses.data, load_population(weights))
        weighting = {"weights_path": str(Path(weights).resolve())}
    available = complete_groups(responses.data, inst, sector_column, min_n=min_n)
    if sectors is None:
        chosen = available
    else:
        chosen = list(sectors)
        unknown = [s for s in chosen if s not in available]
        if unknown:
            # the name asked for is not echoed: it may be a suppressed group's
            raise ParameterError(
                "sectors",
                "",
                f"a requested {sector_column} is not shown (at least {min_n} respondents, "
                "and not hidden with a smaller one) "
                f"(sectors: {', '.join(available)})",
            )
    chosen = list(dict.fromkeys(chosen))
    names = dict(
        zip(
            chosen,
            distinct_names([_group_name(sector_column, s) for s in chosen], chosen),
            strict=True,
        )
    )
    out_dir = Path(out).resolve() / str(edition)
    common = (
        {
            "data_path": str(data),
            "instrument": instrument_parameter(instrument),
            "edition": edition,
            "min_n": min_n,
        }
        | _labels_parameter(names_of)
        | ({"exclude_flagged": True} if exclude_flagged else {})
    )
    benchmark_title = "index_benchmark_plain" if expert.empty else "index_benchmark"
    jobs = []
    for language in languages:
        jobs.append(
            ReportJob(
                name="benchmark",
                kind="benchmark",
                title=translate(benchmark_title, language, edition=edition),
                language=language,
                notebook=notebooks / "commentary_report.ipynb",
                parameters=common
                | {
                    "commentary_path": str(commentary),
                    "language": language,
                    "sector_column": sector_column,
                }
                | weighting,
                out_dir=out_dir,
            )
        )
        for sector in chosen:
            jobs.append(
                ReportJob(
                    name=names[sector],
                    kind="sector",
                    title=names_of.value(sector_column, sector, language),
                    language=language,
                    notebook=notebooks / "sector_comparison.ipynb",
                    parameters=common
                    | {
                        "sector_column": sector_column,
                        "sectors": [sector],
                        "language": language,
                    },
                    out_dir=out_dir,
                )
            )
    return check_parameters(jobs) if check else jobs


def check_parameters(jobs: Sequence[ReportJob]) -> list[ReportJob]:
    """Check every job's parameters against its notebook's ``parameters`` cell
    (:func:`papermill.inspect_notebook`), before anything runs: a name the notebook
    does not declare would be injected and ignored, so a renamed parameter fails here,
    not as a silently default report.

    Raises
    ------
    ParameterError
        Naming the notebook and the parameters it lacks.

    Examples
    --------
    >>> job = ReportJob("x", "sector", "X", "en", NOTEBOOKS / "scorecard.ipynb",
    ...                 {"min_n": 5, "colour": "red"}, Path("."))
    >>> check_parameters([job])
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: parameters='colour': scorecard.ipynb declares no such ...
    """
    if not jobs:  # nothing to run: papermill is not even loaded
        return []
    import papermill as pm

    declared: dict[Path, set[str]] = {}
    for job in jobs:
        if job.notebook not in declared:
            try:
                declared[job.notebook] = set(pm.inspect_notebook(str(job.notebook)))
            except Exception as exc:  # a notebook that is not one
                raise ParameterError(
                    "notebooks", str(job.notebook), f"cannot be read as a notebook ({exc})"
                ) from None
        unknown = sorted(set(job.parameters) - declared[job.notebook])
        if unknown:
            raise ParameterError(
                "parameters",
                ", ".join(unknown),
                f"{job.notebook.name} declares no such parameter in its parameters cell "
                f"(it declares: {', '.join(sorted(declared[job.notebook]))})",
            )
    return list(jobs)


def plan_scorecards(
    *,
    data: str | Path,
    edition: int,
    participants: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    out: str | Path = "reports",
    instrument: str | Path = "digital-cx-2023",
    sector_column: str = "sector",
    id_column: str = ID_COLUMN,
    language_column: str = "language",
    min_n: int = DEFAULT_MIN_N,
    notebooks: str | Path = NOTEBOOKS,
    labels: str | Path | None = None,
    check: bool = True,
) -> list[ReportJob]:
    """One scorecard job per participant, in the participant's language when the data
    carry one (column ``language_column``) and it is one of ``languages``, else in the
    first of ``languages`` (default: the instrument's, :func:`report_languages`).
    ``labels`` and ``check`` as for :func:`plan_reports`.

    Raises
    ------
    ParameterError
        Before anything runs: a participant id that is not in the data, an unknown
        language, a missing notebook or data file.
    """
    from ..editions import edition_inputs
    from ..instrument import load_instrument
    from ..validation import load_responses

    inst = load_instrument(instrument)
    languages = report_languages(languages, inst)
    notebook = Path(notebooks).resolve() / "scorecard.ipynb"
    if not notebook.is_file():
        raise ParameterError("notebooks", str(notebook.parent), "scorecard.ipynb is missing")
    data = Path(data).resolve()
    inputs = edition_inputs(data, edition)
    responses = load_responses(inputs.path, inst, id_column=id_column)
    names_of = _labels(labels, inputs.path.parent, responses.data, languages)
    ids = responses.data[id_column].astype(str)
    chosen = list(ids) if participants is None else [str(p) for p in participants]
    unknown = [p for p in chosen if p not in set(ids)]
    if unknown:
        raise ParameterError(
            "participants", unknown[0], f"no such {id_column} in {inputs.path.name}"
        )
    chosen = list(dict.fromkeys(chosen))
    names = dict(zip(chosen, distinct_names([slug(p) for p in chosen], chosen), strict=True))
    spoken = {}
    if language_column in responses.data.columns:
        spoken = dict(zip(ids, responses.data[language_column].astype(str), strict=True))
    out_dir = Path(out).resolve() / str(edition) / "scorecards"
    jobs = []
    for participant in chosen:
        language = spoken.get(participant, languages[0])
        language = language if language in languages else languages[0]
        jobs.append(
            ReportJob(
                name=names[participant],
                kind="scorecard",
                title=participant,
                language=language,
                notebook=notebook,
                parameters={
                    "data_path": str(data),
                    "instrument": instrument_parameter(instrument),
                    "respondent_id": participant,
                    "edition": edition,
                    "language": language,
                    "sector_column": sector_column,
                    "id_column": id_column,
                    "min_n": min_n,
                }
                | _labels_parameter(names_of),
                out_dir=out_dir,
            )
        )
    return check_parameters(jobs) if check else jobs


def job_inputs(job: ReportJob, cache: dict[Any, Any] | None = None) -> list[Path]:
    """The files one report reads: its notebook; the edition's data file, and those of
    the editions before it (trends), with their sidecars (``.meta.yaml``,
    ``.columns.yaml``); the instrument, labels and population files; and, for a report
    with commentary, the panel and the commentary files that have an answer in its
    language, so that an edited Turkish answer rebuilds only the Turkish reports.

    ``cache`` (any dict, shared across the jobs of a set) keeps what is read once: the
    commentary's languages per file, the instruments.

    Examples
    --------
    >>> job = ReportJob("scorecard-x", "scorecard", "x", "en", NOTEBOOKS / "scorecard.ipynb",
    ...                 {"data_path": "data", "instrument": "digital-cx-2023",
    ...                  "edition": 2023}, Path("out"))
    >>> sorted(p.name for p in job_inputs(job))  # doctest: +NORMALIZE_WHITESPACE
    ['benchmark_2022.csv', 'benchmark_2022.meta.yaml', 'benchmark_2023.csv',
     'benchmark_2023.meta.yaml', 'scorecard.ipynb']
    """
    from ..commentary import load_commentary
    from ..editions import find_edition_files
    from ..instrument import load_instrument

    cache = {} if cache is None else cache
    parameters = job.parameters
    paths = {Path(job.notebook)}
    data = Path(parameters["data_path"])
    edition = int(parameters["edition"])
    if data.is_dir():
        for year, path in find_edition_files(data).items():
            if year <= edition:
                paths.add(path)
                paths |= {
                    sidecar
                    for suffix in (".meta.yaml", ".columns.yaml")
                    if (sidecar := path.with_name(path.stem + suffix)).is_file()
                }
    key = ("instrument", str(parameters["instrument"]))
    if key not in cache:
        cache[key] = load_instrument(parameters["instrument"])
    instrument = cache[key]
    if instrument.source and Path(instrument.source).is_file():
        paths.add(Path(instrument.source))
    for name in ("labels_path", "weights_path"):
        if parameters.get(name):
            paths.add(Path(parameters[name]))
    if "commentary_path" in parameters:
        folder = Path(parameters["commentary_path"]) / str(edition)
        key = ("commentary", str(folder), instrument.id)
        if key not in cache:
            languages: dict[Path, set[str]] = {}
            if folder.is_dir():
                for entry in load_commentary(folder, instrument).entries:
                    languages.setdefault(Path(entry.source.rsplit(":", 1)[0]), set()).add(
                        entry.language
                    )
            cache[key] = languages
        languages = cache[key]
        if folder.is_dir():
            for path in folder.iterdir():
                read = path.name == "panel.yaml" or path.suffix in (".yaml", ".yml", ".md")
                if read and (path not in languages or job.language in languages[path]):
                    paths.add(path)
    return sorted(paths)


def report_inputs(jobs: Sequence[ReportJob]) -> list[Path]:
    """Every file the jobs read (:func:`job_inputs`)."""
    cache: dict[Any, Any] = {}
    return sorted({path for job in jobs for path in job_inputs(job, cache)})
