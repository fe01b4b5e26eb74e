"""Errors a user can cause, each naming where the problem is.

Every exception that cxbench raises on purpose derives from :class:`CxbenchError`,
so that the command line can turn any of them into one readable line and an exit
code instead of a traceback.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CommentaryError",
    "CxbenchError",
    "InstrumentError",
    "LabelsError",
    "ModelError",
    "ParameterError",
    "UnusableFileError",
    "WeightsError",
    "one_line",
]


class CxbenchError(Exception):
    """Base class of every error that cxbench raises on purpose."""


class InstrumentError(CxbenchError):
    """An instrument definition is missing, malformed or inconsistent.

    Parameters
    ----------
    source : str
        The file (or instrument name) that was being read.
    key : str
        Dotted path of the offending key, e.g. ``dimensions[1].items[0].id``.
    problem : str
        What is wrong with it.

    Examples
    --------
    >>> str(InstrumentError("my.yaml", "scale.max", "must be greater than scale.min"))
    'my.yaml: scale.max: must be greater than scale.min'
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {problem}")


class CommentaryError(InstrumentError):
    """Expert commentary is missing, malformed or refers to something unknown.

    Same fields as :class:`InstrumentError`: the file, the offending key and the
    problem.

    Examples
    --------
    >>> str(CommentaryError("entries.yaml", "entries[3].expert", "unknown expert 'x'"))
    "entries.yaml: entries[3].expert: unknown expert 'x'"
    """


class LabelsError(InstrumentError):
    """A labels file (translated group names) is malformed or ambiguous.

    Same fields as :class:`InstrumentError`: the file, the offending key and the problem.

    Examples
    --------
    >>> str(LabelsError("labels.yaml", "sector.Finance.tr", "must be text"))
    'labels.yaml: sector.Finance.tr: must be text'
    """


class WeightsError(InstrumentError):
    """A population file (survey weights) is malformed, or the data cannot be weighted
    to it.

    Same fields as :class:`InstrumentError`: the file, the offending key and the problem.

    Examples
    --------
    >>> str(WeightsError("pop.yaml", "margins.sector", "the shares sum to 0.9, not 1"))
    'pop.yaml: margins.sector: the shares sum to 0.9, not 1'
    """


class UnusableFileError(CxbenchError):
    """A data file cannot be used at all (empty, not a table, a column missing...).

    Parameters
    ----------
    path : str
        The file.
    problem : str
        What makes it unusable.
    column : str, optional
        The column concerned, where there is one.
    row : int, optional
        The row concerned (as the file shows it), where there is one.
    value : object, optional
        The offending value, where there is one.

    Examples
    --------
    >>> str(UnusableFileError("survey.csv", "item column is missing", column="master_4"))
    "survey.csv: column 'master_4': item column is missing"
    """

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        column: str | None = None,
        row: int | None = None,
        value: Any = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.column = column
        self.row = row
        self.value = value
        parts = [self.path]
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        if value is not None:
            parts.append(f"value {value!r}")
        super().__init__(": ".join(parts) + f": {problem}")


class ParameterError(CxbenchError):
    """A parameter given to a cxbench function or command is invalid.

    Examples
    --------
    >>> str(ParameterError("min_answered", 7, "exceeds the 4 items of dimension 'measure'"))
    "min_answered=7: exceeds the 4 items of dimension 'measure'"
    """

    def __init__(self, name: str, value: Any, problem: str) -> None:
        self.name = name
        self.value = value
        self.problem = problem
        super().__init__(f"{name}={value!r}: {problem}")


class ModelError(CxbenchError):
    """A statistical model cannot be fitted to the data: too few complete cases, an
    item without variance, a model that is not identified or does not converge.

    Parameters
    ----------
    model : str
        What was being fitted, e.g. ``"factor model (3 dimensions)"``.
    problem : str
        Why it cannot be, and what to do about it.
    code : str, optional
        The kind of problem, for a report to say it in the reader's language
        (``too_many_items``, ``one_item``, ``two_items``, ``few_cases``, ``min_n``,
        ``constant``, ``singular``, ``not_converged``).
    **fields
        What the problem names (``dimension``, ``item``, ``n``, ``items``, ``min_n``).

    Examples
    --------
    >>> error = ModelError("factor model", "3 complete cases for 12 items", code="few_cases",
    ...                    n=3, items=12)
    >>> str(error), error.code, error.fields
    ('factor model: 3 complete cases for 12 items', 'few_cases', {'n': 3, 'items': 12})
    """

    def __init__(self, model: str, problem: str, *, code: str = "", **fields: Any) -> None:
        self.model = model
        self.problem = problem
        self.code = code
        self.fields = fields
        super().__init__(f"{model}: {problem}")


def one_line(exc: BaseException) -> str:
    """A library's error message on one line (some span several).

    Examples
    --------
    >>> one_line(ValueError("Unable to read workbook.\\nPlease see the exception."))
    'Unable to read workbook. Please see the exception.'
    """
    return " ".join(str(exc).split())
