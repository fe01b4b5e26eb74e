"""Survey platforms' export layouts: header rows, response ids and column descriptions.

A survey tool does not export cxbench's own layout. Each platform puts something of
its own above the first respondent and names its columns its own way:

==================  ==================================================================
layout              recognised by, and what it adds
==================  ==================================================================
qualtrics           a row of ``{"ImportId": ...}`` cells on line 3: line 2 holds the
                    question texts (``stem - statement``), line 3 the import ids
                    (``QID1_1``); the response id column is ``ResponseId``
qualtrics-legacy    ``V1`` … columns with ``ResponseID`` under ``V1`` on line 2: line 2
                    holds the question texts (``stem-statement``)
surveymonkey        ``Respondent ID`` / ``Collector ID`` with a second header row (the
                    question over the first column of a matrix, blank over the others;
                    line 2 the statement, ``Response`` or ``Open-Ended Response``)
google-forms        a first column ``Timestamp`` (``Zaman damgası``, ``Отметка
                    времени``); grid rows as ``question [statement]``; no response id
limesurvey          ``id``, ``submitdate``, ``lastpage``, ``startlanguage`` … (or their
                    full-text names); ``Q1[SQ001]`` codes or ``question [statement]``;
                    answers may be the codes ``A1`` … ``Ak``
typeform            a first column ``#`` with ``Submit Date (UTC)`` or ``Network ID``
spss                an SPSS ``.sav`` file: variable labels describe the columns, value
                    labels the answers, user-missing values are missing
cxbench             cxbench's own layout: a ``respondent_id`` column
generic             anything else: one header row
==================  ==================================================================

This module only recognises and describes; :mod:`cxbench.loading` reads the file and
:mod:`cxbench.columns` finds the items' columns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "LAYOUTS",
    "Layout",
    "describe_columns",
    "detect_layout",
    "platform_id_columns",
]

#: Every layout cxbench knows, in the order they are tried.
LAYOUTS = (
    "qualtrics",
    "qualtrics-legacy",
    "surveymonkey",
    "google-forms",
    "limesurvey",
    "typeform",
    "spss",
    "cxbench",
    "generic",
)

#: Header rows above the first respondent besides the column names, per layout.
_EXTRA_ROWS = {"qualtrics": 2, "qualtrics-legacy": 1, "surveymonkey": 1}

_PLATFORM_NAMES = {
    "qualtrics": "Qualtrics",
    "qualtrics-legacy": "Qualtrics legacy",
    "surveymonkey": "SurveyMonkey",
    "google-forms": "Google Forms",
    "limesurvey": "LimeSurvey",
    "typeform": "Typeform",
    "spss": "SPSS",
    "cxbench": "cxbench",
    "generic": "a plain table",
}

# The response id column of each platform, as its exports name it (compared
# case-insensitively). LimeSurvey's full-text headings are translated into the
# survey administrator's language: English and Russian are known here; another
# translation reads as a generic layout (name the id with --id-column).
_ID_COLUMNS = {
    "qualtrics": ("ResponseId", "ResponseID", "_recordId"),
    "qualtrics-legacy": ("V1", "ResponseID"),
    "surveymonkey": ("Respondent ID",),
    "google-forms": (),
    "limesurvey": ("id", "Response ID", "ID ответа"),
    "typeform": ("#", "Response ID"),
    "spss": ("ResponseId", "ResponseID", "respondent_id", "Respondent ID", "id"),
    "cxbench": ("respondent_id",),
    "generic": ("respondent_id",),
}

_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:')
_TIMESTAMP = {"timestamp", "zaman damgası", "zaman damgasi", "отметка времени"}
_LIMESURVEY_CODES = {"submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"}
_LIMESURVEY_TEXTS = {
    "response id",
    "date submitted",
    "last page",
    "start language",
    "date started",
    "date last action",
    # LimeSurvey's Russian translation of the same
    "id ответа",
    "дата записи",
    "последняя страница",
    "начальный язык",
}
_TYPEFORM = {"submit date (utc)", "start date (utc)", "network id", "stage date (utc)"}
_SURVEYMONKEY = {"respondent id", "collector id"}
#: Second-row cells of SurveyMonkey that describe the answer, not the statement.
_SURVEYMONKEY_PLACEHOLDERS = {"response", "open-ended response", "other (please specify)"}


@dataclass(frozen=True)
class Layout:
    """The layout of an export: its name and the header rows below the column names.

    Attributes
    ----------
    name : str
        One of :data:`LAYOUTS`.
    extra_rows : int
        Rows between the column names and the first respondent.

    Examples
    --------
    >>> Layout("qualtrics").extra_rows, Layout("qualtrics").platform
    (2, 'Qualtrics')
    """

    name: str

    @property
    def extra_rows(self) -> int:
        """Rows between the column names and the first respondent."""
        return _EXTRA_ROWS.get(self.name, 0)

    @property
    def platform(self) -> str:
        """The platform's name, for messages."""
        return _PLATFORM_NAMES[self.name]


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def detect_layout(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Layout:
    """Recognise an export's layout from its column names and first rows.

    Parameters
    ----------
    header : sequence of str
        The column names (the file's first row).
    rows : sequence of sequences of str
        The next few rows as text (two or three are enough).

    Returns
    -------
    Layout

    Examples
    --------
    >>> ids = ['{"ImportId":"_recordId"}', '{"ImportId":"QID1_1"}']
    >>> detect_layout(["ResponseId", "Q1_1"], [["Response ID", "Stem - A"], ids])
    Layout(name='qualtrics')
    >>> detect_layout(["Timestamp", "Grid [A]"], [["2023/03/14 10:22:03", "Agree"]]).name
    'google-forms'
    >>> detect_layout(["respondent_id", "measure_1"], [["R1", "4"]]).name
    'cxbench'
    """
    folded = [_fold(c) for c in header]
    first = [str(c) for c in rows[0]] if rows else []
    second = [str(c) for c in rows[1]] if len(rows) > 1 else []
    if any(_IMPORT_ID.match(cell) for cell in second):
        return Layout("qualtrics")
    for name in ("responseid", "v1"):
        if name in folded:
            position = folded.index(name)
            if position < len(first) and _fold(first[position]) in {"responseid", "response id"}:
                return Layout("qualtrics-legacy" if name == "v1" else "qualtrics")
    if _is_surveymonkey(folded, first):
        return Layout("surveymonkey")
    if folded and folded[0] in _TIMESTAMP:
        return Layout("google-forms")
    names = set(folded)
    if ("id" in names and len(names & _LIMESURVEY_CODES) >= 2) or len(
        names & _LIMESURVEY_TEXTS
    ) >= 2:
        return Layout("limesurvey")
    if folded and folded[0] == "#" and names & _TYPEFORM:
        return Layout("typeform")
    if "respondent_id" in names:
        return Layout("cxbench")
    return Layout("generic")


def _is_surveymonkey(folded: list[str], first: list[str]) -> bool:
    """A second header row: SurveyMonkey's names, or its shape (blank over a matrix)."""
    if not first:
        return False
    cells = [_fold(c) for c in first] + [""] * max(0, len(folded) - len(first))
    if set(folded) >= _SURVEYMONKEY:
        return cells[folded.index("respondent id")] == ""
    # the shape alone: the first cell of row 2 blank, a placeholder in it, and text
    # under every blank column name
    blanks = [i for i, name in enumerate(folded) if not name and i > 0]
    return (
        bool(blanks)
        and cells[0] == ""
        and any(cell in _SURVEYMONKEY_PLACEHOLDERS for cell in cells)
        and all(cells[i] for i in blanks)
    )


def platform_id_columns(layout: str) -> tuple[str, ...]:
    """The response id column names a layout's exports use, most likely first.

    Examples
    --------
    >>> platform_id_columns("surveymonkey"), platform_id_columns("google-forms")
    (('Respondent ID',), ())
    """
    return _ID_COLUMNS[layout]


def describe_columns(
    layout: str, header: Sequence[str], extra: Sequence[Sequence[str]]
) -> tuple[dict[int, tuple[str, ...]], dict[int, tuple[str, ...]]]:
    """What the header rows below the column names say of each column.

    Parameters
    ----------
    layout : str
    header : sequence of str
        The column names.
    extra : sequence of sequences of str
        The layout's extra header rows, as in the file.

    Returns
    -------
    texts, codes : dict of int to tuple of str
        Per column position: the texts that describe it (question text, statement)
        and other codes it goes by (Qualtrics' import id).

    Examples
    --------
    >>> describe_columns("surveymonkey", ["Respondent ID", "How far?", "", "Sector"],
    ...                  [["", "Statement A", "Statement B", "Response"]])[0]
    {0: ('Respondent ID',), 1: ('Statement A',), 2: ('Statement B',), 3: ('Sector',)}
    >>> describe_columns("qualtrics", ["Q1_1"], [["Stem - A"], ['{"ImportId":"QID1_1"}']])
    ({0: ('Stem - A',)}, {0: ('QID1_1',)})
    """
    texts: dict[int, tuple[str, ...]] = {}
    codes: dict[int, tuple[str, ...]] = {}
    if layout in {"qualtrics", "qualtrics-legacy"} and extra:
        for position, cell in enumerate(extra[0]):
            if str(cell).strip():
                texts[position] = (str(cell).strip(),)
        if layout == "qualtrics" and len(extra) > 1:
            for position, cell in enumerate(extra[1]):
                code = _import_id(str(cell))
                if code:
                    codes[position] = (code,)
    elif layout == "surveymonkey" and extra:
        question = ""
        for position, name in enumerate(header):
            question = str(name).strip() or question
            cell = str(extra[0][position]).strip() if position < len(extra[0]) else ""
            if cell and _fold(cell) not in _SURVEYMONKEY_PLACEHOLDERS:
                texts[position] = (cell,)
            elif str(name).strip():
                texts[position] = (str(name).strip(),)
            elif question:
                texts[position] = (question,)
    return texts, codes


def _import_id(cell: str) -> str | None:
    if not _IMPORT_ID.match(cell):
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        return None
    code = value.get("ImportId") if isinstance(value, dict) else None
    return str(code) if code else None
