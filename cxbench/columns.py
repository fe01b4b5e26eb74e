"""Finding each item's column in a survey export, and the respondent id column.

Research teams do not type item ids into their survey tool: an export names the
statement ``Q1_1``, ``QID1_1``, ``Q1[SQ001]`` or by its text, often behind the
question's stem. :func:`map_columns` finds each item's column, in this order:

1. a **mapping file** (``--columns MAP.yaml``; see :func:`load_column_mapping`), which
   wins over everything;
2. the **item id** as the column name, or one of the names listed in the item's
   ``columns:`` in the instrument (``Q1_1``; Qualtrics' import id ``QID1_1`` too);
3. the **statement's text** in any of the instrument's languages, compared after
   :func:`normalise_text`, where the text is the whole header, the part after a
   ``" - "`` (Qualtrics' question-text row, SPSS variable labels: ``stem - statement``),
   the part inside ``[…]`` (Google Forms and LimeSurvey grids) or the statement row
   under a question row (SurveyMonkey).

Nothing is guessed: two columns for one item, or one column for two items, is an
error naming both, and a near miss is only suggested in the message.

The respondent id is ``--id-column`` if given, else the mapping file's ``id``, else the
first of the instrument's ``id_columns`` found, else a ``respondent_id`` column, else
the platform's response id (Qualtrics ``ResponseId``, SurveyMonkey ``Respondent ID``,
LimeSurvey ``id``, Typeform ``#``). A Google Forms export has none: its respondents
are then known by their row.
"""

from __future__ import annotations

import difflib
import html
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import limits
from ._checks import ID_COLUMN
from .errors import UnusableFileError
from .files import write_atomic
from .instrument import Instrument, answer_key, normalise_label
from .layouts import LAYOUTS, Layout, platform_id_columns
from .loading import RawTable

__all__ = [
    "ID_COLUMN",
    "ColumnMap",
    "ColumnMapping",
    "ColumnMatch",
    "ColumnsError",
    "load_column_mapping",
    "map_columns",
    "mapping_sidecar",
    "normalise_text",
    "require_columns",
    "resolve_mapping",
    "write_column_mapping",
]


#: Largest mapping file read (a mapping of a few hundred items is a few KB).
_MAX_MAPPING_BYTES = 1_000_000

_QUOTES = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
    }
)
_TAG = re.compile(r"<[^<>]{0,500}>")
_FINAL = ".!?…:;,。"
_BRACKETS = re.compile(r"\[([^\[\]]+)\]")
#: SPSS keeps at most 256 bytes of a variable label; a label that long may be cut.
_SPSS_LABEL_BYTES = 256
#: Characters of a cut statement needed to recognise it.
_MIN_PREFIX = 30


def normalise_text(text: Any) -> str:
    """Fold a statement or header for comparison.

    Unicode is composed (NFC), HTML tags and entities a survey tool may leave are
    removed, case is folded (the Turkish dotted and dotless i together), typographic
    quotes and dashes become ``'`` ``"`` ``-``, runs of white space one space, and
    final punctuation is dropped.

    Examples
    --------
    >>> normalise_text("  KPI’lar YÖNETİM kuruluna   raporlanıyor. ")
    "kpi'lar yönetim kuruluna raporlaniyor"
    >>> normalise_text("<b>Customer feedback</b> reaches every department&nbsp;it concerns!")
    'customer feedback reaches every department it concerns'
    """
    value = unicodedata.normalize("NFC", html.unescape(_TAG.sub(" ", str(text))))
    value = normalise_label(value.translate(_QUOTES))
    # normalise_label applies NFKC, which may decompose; compose again
    value = unicodedata.normalize("NFC", value)
    return value.rstrip(_FINAL + " \"'").strip()


def _candidates(text: str) -> set[str]:
    """The parts of a header or text that may be a statement, normalised."""
    whole = normalise_text(text)
    found = {whole} if whole else set()
    # after each dash: "stem - statement" (Qualtrics, SPSS), "stem-statement" (legacy)
    for match in re.finditer("-", whole):
        part = whole[match.end() :].strip()
        if part:
            found.add(part)
    for inner in _BRACKETS.findall(str(text)):
        part = normalise_text(inner)
        if part:
            found.add(part)
    return found


@dataclass(frozen=True)
class ColumnMatch:
    """Where one item was found: the column and how it matched.

    ``how`` is ``mapping`` (the mapping file), ``id`` (the item id), ``alias`` (a
    name in the item's ``columns:``), ``text-<language>`` (the statement's text) or
    ``text-<language>-cut`` (an SPSS variable label cut at 256 bytes that begins the
    statement, and no other).
    """

    item: str
    column: str
    how: str
    text: str | None = None


@dataclass(frozen=True)
class ColumnMapping:
    """A mapping file as read: id column, item columns and answer codes.

    Examples
    --------
    >>> ColumnMapping(items={"measure_1": "Q1_1"}, answers={"a1": 1}).items
    {'measure_1': 'Q1_1'}
    """

    id: str | None = None
    items: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, int] = field(default_factory=dict)
    layout: str | None = None
    source: str = ""


@dataclass(frozen=True)
class ColumnMap:
    """Where each item of an instrument is in an export, and what is left.

    Attributes
    ----------
    path, layout : str
        The file and its layout.
    matches : tuple of ColumnMatch
        Found items, in instrument order.
    missing : tuple of str
        Items with no column.
    suggestions : dict
        Item -> the closest columns (never used, only shown).
    id_column : str or None
        The respondent id column (``None``: respondents are known by their row).
    id_source : str
        How the id column was chosen.
    leftover : tuple of str
        Columns that are neither an item nor the id (grouping columns, metadata).
    answers : dict
        Answer codes from the mapping file (normalised code -> point).
    """

    path: str
    layout: str
    matches: tuple[ColumnMatch, ...]
    missing: tuple[str, ...]
    suggestions: Mapping[str, tuple[str, ...]]
    id_column: str | None
    id_source: str
    leftover: tuple[str, ...]
    answers: Mapping[str, int] = field(default_factory=dict)

    @property
    def columns(self) -> dict[str, str]:
        """Item id -> column, for the items found."""
        return {m.item: m.column for m in self.matches}

    @property
    def complete(self) -> bool:
        """Whether every item has a column."""
        return not self.missing

    def describe(self) -> str:
        """One line: layout, id column and how the items matched.

        Examples
        --------
        >>> m = ColumnMap("s.csv", "qualtrics", (ColumnMatch("a", "Q1_1", "text-en"),), (),
        ...               {}, "ResponseId", "the platform's response id", ())
        >>> m.describe()
        "layout qualtrics; id column 'ResponseId' (the platform's response id); 1 items: text-en 1"
        """
        hows: dict[str, int] = {}
        for match in self.matches:
            hows[match.how] = hows.get(match.how, 0) + 1
        ways = ", ".join(f"{how} {count}" for how, count in hows.items())
        ident = f"{self.id_column!r} ({self.id_source})" if self.id_column else self.id_source
        missing = f"; {len(self.missing)} missing" if self.missing else ""
        return (
            f"layout {self.layout}; id column {ident}; {len(self.matches)} items: {ways}{missing}"
        )

    def as_record(self) -> dict[str, Any]:
        """The map as a JSON-ready dict."""
        return {
            "file": self.path,
            "layout": self.layout,
            "id_column": self.id_column,
            "id_source": self.id_source,
            "items": [
                {"item": m.item, "column": m.column, "how": m.how, "text": m.text}
                for m in self.matches
            ],
            "missing": [
                {"item": item, "closest": list(self.suggestions.get(item, ()))}
                for item in self.missing
            ],
            "leftover": list(self.leftover),
        }


class ColumnsError(UnusableFileError):
    """The items' columns cannot be found without guessing.

    Carries ``missing`` (item -> closest columns) and ``conflicts`` (descriptions of
    two columns for one item, or one column for two items) besides the message.

    Examples
    --------
    >>> str(ColumnsError("s.csv", "item column missing: measure_1", missing={"measure_1": ()}))
    's.csv: item column missing: measure_1'
    """

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        missing: Mapping[str, tuple[str, ...]] | None = None,
        conflicts: tuple[str, ...] = (),
        column: str | None = None,
    ) -> None:
        super().__init__(path, problem, column=column)
        self.missing = dict(missing or {})
        self.conflicts = conflicts


def mapping_sidecar(path: str | Path) -> Path:
    """The mapping file that goes with a data file: ``<stem>.columns.yaml`` beside it.

    :func:`cxbench.validation.load_responses` reads it when no mapping is given, so
    that reports and notebooks read an export the way ``--columns`` would.

    Examples
    --------
    >>> mapping_sidecar("data/benchmark_2024.csv").as_posix()
    'data/benchmark_2024.columns.yaml'
    """
    path = Path(path)
    return path.with_name(f"{path.stem}.columns.yaml")


def resolve_mapping(
    path: str | Path,
    instrument: Instrument,
    columns: ColumnMapping | str | Path | None = None,
) -> ColumnMapping | None:
    """The mapping for a data file: the one given, else its sidecar, else none.

    Examples
    --------
    >>> from cxbench import load_instrument
    >>> resolve_mapping("no/such/survey.csv", load_instrument()) is None
    True
    """
    if columns is None and mapping_sidecar(path).is_file():
        columns = mapping_sidecar(path)
    if columns is None or isinstance(columns, ColumnMapping):
        return columns
    return load_column_mapping(columns, instrument)


def load_column_mapping(path: str | Path, instrument: Instrument | None = None) -> ColumnMapping:
    """Read a mapping file.

    The file is YAML::

        id: ResponseId            # the respondent id column (optional)
        layout: qualtrics         # force the layout (optional)
        items:                    # item id -> column (header) in the export
          measure_1: Q1_1
          measure_2: Q1_2
        answers:                  # answer code -> point (optional)
          SA: 5
          A: 4

    An item left out (or ``null``) is found as without a mapping file.

    Parameters
    ----------
    path : str or Path
    instrument : Instrument, optional
        When given, item ids and answer points are checked against it.

    Raises
    ------
    UnusableFileError
        Naming the file and the key that is wrong.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.yaml"
    >>> _ = path.write_text("id: '#'\\nitems: {measure_1: Q1}\\nanswers: {A1: 1}\\n")
    >>> mapping = load_column_mapping(path)
    >>> mapping.id, dict(mapping.items), dict(mapping.answers)
    ('#', {'measure_1': 'Q1'}, {'a1': 1})
    """
    name = str(path)
    path = Path(path)
    if not path.is_file():
        raise UnusableFileError(name, "no such mapping file")
    try:
        raw = limits.safe_load(limits.read_limited_text(path, max_bytes=_MAX_MAPPING_BYTES))
    except limits.InputLimitError as exc:  # too large, not a regular file, alias bomb...
        what = "the YAML " if isinstance(exc, limits.YAMLLimitError) else ""
        raise UnusableFileError(name, f"refused as a mapping file: {what}{exc}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UnusableFileError(name, f"not a readable mapping file ({exc})") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise UnusableFileError(name, "a mapping file is a YAML mapping with id, items, answers")
    unknown = sorted(set(map(str, raw)) - {"id", "items", "answers", "layout"})
    if unknown:
        raise UnusableFileError(
            name, f"unknown key {unknown[0]!r} (keys: id, layout, items, answers)"
        )
    ident = raw.get("id")
    if ident is not None and (isinstance(ident, bool | dict | list) or not str(ident).strip()):
        raise UnusableFileError(name, "id: must be a column name")
    layout = raw.get("layout")
    if layout is not None and (not isinstance(layout, str) or layout not in LAYOUTS):
        raise UnusableFileError(name, f"layout: {layout!r} is not a layout ({', '.join(LAYOUTS)})")
    items_raw = raw.get("items") or {}
    if not isinstance(items_raw, dict):
        raise UnusableFileError(name, "items: must map item ids to column names")
    items: dict[str, str] = {}
    known = set(instrument.item_ids) if instrument else None
    for item, column in items_raw.items():
        if known is not None and str(item) not in known:
            close = difflib.get_close_matches(str(item), sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UnusableFileError(
                name, f"items.{item}: not an item of instrument {instrument.id!r}{hint}"
            )
        if column is None:
            continue
        if isinstance(column, bool | dict | list) or not str(column).strip():
            raise UnusableFileError(name, f"items.{item}: must be a column name")
        items[str(item)] = str(column).strip()
    answers_raw = raw.get("answers") or {}
    if not isinstance(answers_raw, dict):
        raise UnusableFileError(name, "answers: must map answer codes to points")
    answers: dict[str, int] = {}
    for code, point in answers_raw.items():
        if isinstance(point, bool) or not isinstance(point, int):
            raise UnusableFileError(name, f"answers.{code}: must be a whole number of points")
        if instrument and not instrument.scale.min <= point <= instrument.scale.max:
            lo, hi = instrument.scale.min, instrument.scale.max
            raise UnusableFileError(name, f"answers.{code}: {point} is outside the scale {lo}–{hi}")
        answers[answer_key(code)] = point
    return ColumnMapping(
        str(ident).strip() if ident is not None else None, items, answers, layout, name
    )


def _find_header(table: RawTable, wanted: str) -> list[str]:
    """Columns called ``wanted``: exactly, else case-insensitively, else by a header text."""
    names = [str(c) for c in table.data.columns]
    if wanted in names:
        return [wanted]
    folded = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
    if folded:
        return folded
    key = normalise_text(wanted)
    return [n for n in names if any(normalise_text(t) == key for t in table.texts.get(n, ()))]


def _statement_index(instrument: Instrument) -> dict[str, list[tuple[str, str]]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for item in instrument.items:
        for language, text in item.text.items():
            key = normalise_text(text)
            entry = (item.id, language)
            if entry not in index.setdefault(key, []):
                index[key].append(entry)
    return index


def map_columns(
    table: RawTable,
    instrument: Instrument,
    *,
    columns: ColumnMapping | str | Path | None = None,
    id_column: str | None = None,
) -> ColumnMap:
    """Find each item's column and the respondent id column of a table.

    Parameters
    ----------
    table : RawTable
        As read by :func:`cxbench.loading.read_table`.
    instrument : Instrument
    columns : ColumnMapping, str or Path, optional
        A mapping file (or its path); it wins over everything else.
    id_column : str, optional
        The respondent id column; default: found as the module docstring says.

    Returns
    -------
    ColumnMap
        Items not found are listed in ``missing`` with the closest columns; see
        :func:`require_columns` to turn that into an error.

    Raises
    ------
    ColumnsError
        When a column would serve two items or an item has two columns, or a column
        the mapping file or ``id_column`` names is not in the file.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxbench import load_instrument
    >>> inst = load_instrument()
    >>> header = {"ResponseId": ["R_1"], "Q1_1": [4]}
    >>> table = RawTable("q.csv", pd.DataFrame(header), [4], "csv", layout="qualtrics",
    ...                  texts={"Q1_1": ("To what extent do you agree? - " +
    ...                                  inst.item("measure_1").text["tr"],)})
    >>> found = map_columns(table, inst)
    >>> found.matches[0], found.id_column, len(found.missing)
    (ColumnMatch(item='measure_1', column='Q1_1', how='text-tr', text=...), 'ResponseId', 11)
    """
    mapping = _as_mapping(columns, instrument)
    names = [str(c) for c in table.data.columns]
    ident, id_source = _id_column(table, instrument, mapping, id_column)
    claimed: dict[str, str] = {}  # column -> item
    found: dict[str, ColumnMatch] = {}

    def claim(match: ColumnMatch, conflict: str) -> None:
        other = claimed.get(match.column)
        if other is not None and other != match.item:
            raise ColumnsError(
                table.path,
                f"one column for two items: {match.column!r} is both {other!r} and "
                f"{match.item!r} ({conflict})",
                conflicts=(match.column,),
                column=match.column,
            )
        claimed[match.column] = match.item
        found[match.item] = match

    if mapping is not None:
        for item, wanted in mapping.items.items():
            hits = [n for n in _find_header(table, wanted) if n != ident]
            if not hits:
                close = _closest_names(wanted, names)
                hint = f"; closest: {', '.join(map(repr, close))}" if close else ""
                raise ColumnsError(
                    table.path,
                    f"the mapping file {mapping.source or ''} gives column {wanted!r} for "
                    f"{item!r}, and the file has no such column{hint}".replace("  ", " "),
                    missing={item: tuple(close)},
                    column=wanted,
                )
            if len(hits) > 1:
                raise _two_columns(table.path, item, hits, "the mapping file's name")
            claim(ColumnMatch(item, hits[0], "mapping", wanted), "in the mapping file")

    for item in instrument.items:
        if item.id in found:
            continue
        hits: list[tuple[str, str, str]] = []
        for name in names:
            if name == ident or name in claimed:
                continue
            if name == item.id or name.strip().casefold() == item.id.casefold():
                hits.append((name, "id", name))
                continue
            codes = (name, *table.codes.get(name, ()))
            aliases = {a.casefold() for a in item.columns}
            alias = next((c for c in codes if c.strip().casefold() in aliases), None)
            if alias is not None:
                hits.append((name, "alias", alias))
        if len(hits) > 1:
            raise _two_columns(table.path, item.id, [h[0] for h in hits], "by name")
        if hits:
            name, how, text = hits[0]
            claim(ColumnMatch(item.id, name, how, text), "by name")

    index = _statement_index(instrument)
    by_text: dict[str, list[tuple[str, str, str]]] = {}
    for name in names:
        if name == ident or name in claimed:
            continue
        items_here: dict[str, tuple[str, str]] = {}
        for source in (name, *table.texts.get(name, ())):
            for candidate in _candidates(source):
                for item_id, language in index.get(candidate, ()):
                    items_here.setdefault(item_id, (language, source))
        if not items_here and table.format == "sav":
            items_here = _truncated_label(table.texts.get(name, ()), index)
        pending = {i: v for i, v in items_here.items() if i not in found}
        if len(pending) > 1:
            first, second = sorted(pending, key=instrument.item_ids.index)[:2]
            raise ColumnsError(
                table.path,
                f"one column for two items: {name!r} reads as the statement of both "
                f"{first!r} and {second!r}; name it in a mapping file (--columns)",
                conflicts=(name,),
                column=name,
            )
        for item_id, (language, source) in pending.items():
            by_text.setdefault(item_id, []).append((name, language, source))
    for item_id in instrument.item_ids:
        hits = by_text.get(item_id, [])
        if len(hits) > 1:
            raise _two_columns(table.path, item_id, [h[0] for h in hits], "by statement text")
        if hits:
            name, language, source = hits[0]
            claim(ColumnMatch(item_id, name, f"text-{language}", source), "by statement text")

    matches = tuple(found[i] for i in instrument.item_ids if i in found)
    missing = tuple(i for i in instrument.item_ids if i not in found)
    free = [n for n in names if n not in claimed and n != ident]
    suggestions = {item: _suggest(table, instrument, item, free) for item in missing}
    return ColumnMap(
        table.path,
        table.layout,
        matches,
        missing,
        suggestions,
        ident,
        id_source,
        tuple(free),
        dict(mapping.answers) if mapping else {},
    )


def _truncated_label(
    texts: tuple[str, ...], index: dict[str, list[tuple[str, str]]]
) -> dict[str, tuple[str, str]]:
    """An SPSS variable label cut at the format's 256 bytes: the statement it begins.

    Only a label that reached the limit counts, and only when what is left of the
    statement is long and begins exactly one statement (in one language or several).
    """
    for source in texts:
        if len(source.encode("utf-8")) < _SPSS_LABEL_BYTES - 8:
            continue
        for candidate in _candidates(source):
            if len(candidate) < _MIN_PREFIX:
                continue
            hits = {
                entry
                for key, entries in index.items()
                if key.startswith(candidate)
                for entry in entries
            }
            if len({item for item, _ in hits}) == 1:
                item, language = min(hits)
                return {item: (f"{language}-cut", source)}
    return {}


def _two_columns(path: str, item: str, hits: list[str], how: str) -> ColumnsError:
    listed = " and ".join(repr(h) for h in hits[:3])
    more = f" (and {len(hits) - 3} more)" if len(hits) > 3 else ""
    return ColumnsError(
        path,
        f"two columns for one item: {listed}{more} both match {item!r} {how}; "
        "name the right one in a mapping file (--columns)",
        conflicts=tuple(hits),
    )


def _as_mapping(columns: Any, instrument: Instrument) -> ColumnMapping | None:
    if columns is None or isinstance(columns, ColumnMapping):
        return columns
    return load_column_mapping(columns, instrument)


def _id_column(
    table: RawTable,
    instrument: Instrument,
    mapping: ColumnMapping | None,
    id_column: str | None,
) -> tuple[str | None, str]:
    names = [str(c) for c in table.data.columns]
    folded = {n.strip().casefold(): n for n in names}

    def find(wanted: str) -> str | None:
        return wanted if wanted in names else folded.get(wanted.strip().casefold())

    # the default name is not a demand: a platform export has its own id column
    asked = [(id_column if id_column != ID_COLUMN else None, "--id-column")]
    if mapping is not None and mapping.id:
        asked.append((mapping.id, "the mapping file"))
    for wanted, source in asked:
        if wanted is None:
            continue
        hit = find(wanted)
        if hit is None:
            close = _closest_names(wanted, names)
            hint = f"; closest: {', '.join(map(repr, close))}" if close else ""
            raise ColumnsError(
                table.path,
                f"respondent id column missing (named by {source}){hint}",
                column=wanted,
            )
        return hit, f"named by {source}"
    for wanted in instrument.id_columns:
        hit = find(wanted)
        if hit is not None:
            return hit, "listed in the instrument's id_columns"
    hit = find(ID_COLUMN)
    if hit is not None:
        return hit, "cxbench's own name"
    layout = Layout(table.layout)
    for wanted in platform_id_columns(table.layout):
        hit = find(wanted)
        if hit is not None:
            return hit, f"the {layout.platform} response id"
    if table.layout == "google-forms":
        return None, "none: Google Forms exports no response id, respondents are their rows"
    raise ColumnsError(
        table.path,
        "respondent id column missing: no "
        + ", ".join(repr(n) for n in (*instrument.id_columns, ID_COLUMN))
        + f" column (choose one with --id-column; columns: {', '.join(names[:12])}"
        + (", …)" if len(names) > 12 else ")"),
        column=ID_COLUMN,
    )


def _closest_names(wanted: str, names: list[str]) -> list[str]:
    return difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)


def _suggest(table: RawTable, instrument: Instrument, item_id: str, free: list[str]) -> tuple:
    """The closest columns to a missing item: by name, and by statement text.

    Each comparison is first bounded from above by difflib's cheap ratios (as
    :func:`difflib.get_close_matches` does), so that a file of many thousand columns
    is not compared in full, character by character, against every statement.
    """
    item = instrument.item(item_id)
    # the item's side stays put (a), the file's text is b: as the full comparison had it
    matchers = [difflib.SequenceMatcher(None, a=item_id.casefold())]
    matchers += [difflib.SequenceMatcher(None, a=normalise_text(t)) for t in item.text.values()]

    def close(matcher: difflib.SequenceMatcher, text: str) -> float:
        matcher.set_seq2(text)
        if matcher.real_quick_ratio() < _SUGGEST_FROM or matcher.quick_ratio() < _SUGGEST_FROM:
            return 0.0
        return matcher.ratio()

    scored: list[tuple[float, str]] = []
    for name in free:
        best = max(
            close(matchers[0], name.casefold()),
            *(
                close(matcher, c)
                for source in (name, *table.texts.get(name, ()))
                for c in _candidates(source)
                for matcher in matchers[1:]
            ),
            0.0,
        )
        if best >= _SUGGEST_FROM:
            scored.append((best, name))
    scored.sort(key=lambda s: -s[0])
    return tuple(name for _, name in scored[:3])


#: How close (difflib's ratio) a column must be to be suggested for a missing item.
_SUGGEST_FROM = 0.75


def require_columns(found: ColumnMap, instrument: Instrument) -> None:
    """Raise :class:`ColumnsError` naming the missing items and the closest columns.

    Examples
    --------
    >>> from cxbench import load_instrument
    >>> m = ColumnMap("s.csv", "generic", (), ("measure_1",), {"measure_1": ("Q1",)},
    ...               "id", "named by --id-column", ("Q1",))
    >>> try:
    ...     require_columns(m, load_instrument())
    ... except ColumnsError as error:
    ...     print(error)
    s.csv: item column missing for instrument 'digital-cx-2023':
    measure_1 (closest: 'Q1'); see cxbench map
    """
    if found.complete:
        return
    parts = []
    for item in found.missing:
        close = found.suggestions.get(item, ())
        parts.append(f"{item} (closest: {', '.join(map(repr, close))})" if close else item)
    plural = "s" if len(found.missing) > 1 else ""
    raise ColumnsError(
        found.path,
        f"item column{plural} missing for instrument {instrument.id!r}: "
        f"{', '.join(parts)}; see cxbench map",
        missing=dict(found.suggestions),
    )


def write_column_mapping(found: ColumnMap, path: str | Path) -> Path:
    """Write a mapping file to review and reuse with ``--columns`` (atomically; never
    over the data file it maps: :func:`cxbench.files.write_atomic`).

    Missing items are written as ``null`` with the closest columns in a comment.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> m = ColumnMap("s.csv", "qualtrics", (ColumnMatch("measure_1", "Q1_1", "text-en"),),
    ...               ("measure_2",), {"measure_2": ("Q1_2",)}, "ResponseId", "x", ())
    >>> out = write_column_mapping(m, pathlib.Path(tempfile.mkdtemp()) / "map.yaml")
    >>> print(out.read_text(encoding="utf-8"))  # doctest: +ELLIPSIS
    # cxbench column mapping for s.csv (layout qualtrics), written by cxbench map.
    ...
    layout: "qualtrics"
    id: "ResponseId"
    items:
      measure_1: "Q1_1"  # text-en
      measure_2: null  # not found; closest: "Q1_2"
    <BLANKLINE>
    >>> dict(load_column_mapping(out).items)
    {'measure_1': 'Q1_1'}
    """
    path = Path(path)

    def quoted(value: str) -> str:
        # a JSON string is a YAML double-quoted scalar
        return json.dumps(value, ensure_ascii=False)

    lines = [
        f"# cxbench column mapping for {Path(found.path).name} (layout {found.layout}), "
        "written by cxbench map.",
        "# Review it, then pass it with --columns (or save it as <data file>.columns.yaml).",
        "# items: item id -> the export's column; answers: answer code -> point (optional).",
        f"layout: {quoted(found.layout)}",
        f"id: {quoted(found.id_column) if found.id_column else 'null'}",
        "items:",
    ]
    columns = found.columns
    for match in found.matches:
        lines.append(f"  {match.item}: {quoted(columns[match.item])}  # {match.how}")
    for item in found.missing:
        close = ", ".join(quoted(c) for c in found.suggestions.get(item, ()))
        lines.append(f"  {item}: null  # not found" + (f"; closest: {close}" if close else ""))
    if found.answers:
        lines.append("answers:")
        lines += [f"  {quoted(code)}: {point}" for code, point in found.answers.items()]
    text = "\n".join(lines) + "\n"
    # never over the data file it describes
    return write_atomic(path, text, what="mapping file", protect=[found.path])
