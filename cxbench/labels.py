"""Translated group names: how a data value (a sector, a country) reads in each language.

A survey's group names are data, usually in one language ("Finance"). A labels file,
``labels.yaml`` beside the data, gives their names per language::

    sector:                       # a column of the data
      Finance: {tr: Finans, ru: Финансы}
      Online retail: {tr: Çevrim içi perakende, ru: Онлайн-ритейл}
    branch:
      _label: {en: Branch, tr: Şube}   # the column's own name, where the catalogue has none
      Hotels: {tr: Oteller}

Values are matched as the data hold them, as text; a value or a language without a
name keeps its own. A report shows a *relabelled* copy of the data
(:meth:`Labels.relabel`): every table, chart, heading and finding then names the groups
in the reader's language, while the groups, their sizes and so the anonymity rule are
those of the data. Two values that would read alike in a language are refused: they
would merge two groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import limits
from .errors import LabelsError
from .i18n import LANGUAGES, column_label

__all__ = ["LABELS_FILE", "Labels", "load_labels"]

#: The labels file's name in a data folder.
LABELS_FILE = "labels.yaml"
#: The key of a column's own name in a labels file.
_COLUMN_KEY = "_label"


@dataclass(frozen=True)
class Labels:
    """Names per language of data values (``values``: column → value → language →
    text) and of columns (``columns``: column → language → text)."""

    values: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    source: str = ""

    @property
    def empty(self) -> bool:
        """True when the labels name nothing (no file)."""
        return not self.values and not self.columns

    def value(self, column: str, value: object, language: str = "en") -> str:
        """``value`` of ``column`` as readers of ``language`` see it (else as it is).

        Examples
        --------
        >>> labels = Labels({"sector": {"Finance": {"tr": "Finans"}}})
        >>> labels.value("sector", "Finance", "tr"), labels.value("sector", "Finance", "ru")
        ('Finans', 'Finance')
        """
        text = str(value)
        return self.values.get(column, {}).get(text, {}).get(language, text)

    def column(self, column: str, language: str = "en") -> str:
        """The name of ``column`` in a relabelled frame: its ``_label`` in ``language``
        when the file gives one, else the column's own name (which the reports'
        catalogue translates where it knows it, :func:`cxbench.i18n.column_label`).

        Examples
        --------
        >>> Labels({}, {"branch": {"tr": "Şube"}}).column("branch", "tr")
        'Şube'
        >>> Labels().column("sector", "tr")
        'sector'
        """
        return self.columns.get(column, {}).get(language, column)

    def names(self, column: str, values: Iterable[object], language: str = "en") -> list[str]:
        """``values`` of ``column`` as :meth:`relabel` names them in ``language``.

        Examples
        --------
        >>> Labels({"s": {"A": {"tr": "Ä"}}}).names("s", ["A", "B"], "tr")
        ['Ä', 'B']
        """
        return [self.value(column, value, language) for value in values]

    def heading(self, column: str, language: str = "en") -> str:
        """How a heading names ``column``: its label, or the catalogue's name.

        Examples
        --------
        >>> Labels().heading("sector", "tr"), Labels({}, {"b": {"tr": "Şube"}}).heading("b", "tr")
        ('Sektör', 'Şube')
        """
        return column_label(self.column(column, language), language)

    def relabel(self, data: pd.DataFrame, language: str = "en") -> pd.DataFrame:
        """A copy of ``data`` with the labelled columns' values (and names) in
        ``language``: the frame a report in that language shows.

        Raises
        ------
        LabelsError
            When a name would merge two groups (it is another value of the column) or
            a column's label is already the name of another column.

        Examples
        --------
        >>> labels = Labels({"sector": {"Finance": {"tr": "Finans"}}})
        >>> frame = pd.DataFrame({"sector": ["Finance", "Telecom", None]})
        >>> labels.relabel(frame, "tr")["sector"].tolist()
        ['Finans', 'Telecom', None]
        >>> Labels({"sector": {"Finance": {"tr": "Telecom"}}}).relabel(frame, "tr")
        Traceback (most recent call last):
        ...
        cxbench.errors.LabelsError: ...: 'Finance' would read as 'Telecom', another value ...
        """
        out = data.copy()
        renames = {}
        for column, names in self.values.items():
            if column not in out.columns:
                continue
            mapping = {
                value: texts[language] for value, texts in names.items() if language in texts
            }
            if mapping:
                original = out[column]
                as_text = original.astype("string")
                present = set(as_text.dropna().unique())
                for value, text in mapping.items():
                    if text in present and text != value and text not in mapping:
                        raise LabelsError(
                            self.source or LABELS_FILE,
                            f"{column}.{value}.{language}",
                            f"{value!r} would read as {text!r}, another value of the column",
                        )
                named = as_text.replace(mapping).astype(object)
                out[column] = named.where(original.notna(), None)
        for column, texts in self.columns.items():
            name = texts.get(language)
            if column in out.columns and name and name != column:
                if name in out.columns:
                    raise LabelsError(
                        self.source or LABELS_FILE,
                        f"{column}.{_COLUMN_KEY}.{language}",
                        f"{name!r} is already a column of the data",
                    )
                renames[column] = name
        return out.rename(columns=renames)

    def files(self) -> list[Path]:
        """The file the labels came from, if any (for the manifest's inputs)."""
        return [Path(self.source)] if self.source and Path(self.source).is_file() else []


def _texts(raw: Any, source: str, key: str) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise LabelsError(source, key, "must map languages to names, e.g. {tr: Finans}")
    out = {}
    for language, text in raw.items():
        if language not in LANGUAGES:
            raise LabelsError(
                source, f"{key}.{language}", f"unknown language (known: {', '.join(LANGUAGES)})"
            )
        if (
            not isinstance(text, str | int | float)
            or isinstance(text, bool)
            or not str(text).strip()
        ):
            raise LabelsError(source, f"{key}.{language}", "must be a non-empty text")
        out[language] = " ".join(str(text).split())
    return out


def _parse(raw: Any, source: str) -> Labels:
    if raw is None:
        return Labels(source=source)
    if not isinstance(raw, Mapping):
        raise LabelsError(source, "", "must map data columns to their values' names")
    values: dict[str, dict[str, dict[str, str]]] = {}
    columns: dict[str, dict[str, str]] = {}
    for column, entries in raw.items():
        column = str(column)
        if not isinstance(entries, Mapping):
            raise LabelsError(source, column, "must map the column's values to their names")
        names: dict[str, dict[str, str]] = {}
        for value, texts in entries.items():
            key = f"{column}.{value}"
            if value == _COLUMN_KEY:
                columns[column] = _texts(texts, source, key)
            else:
                names[str(value)] = _texts(texts, source, key)
        # two values with one name in a language would become one group
        for language in LANGUAGES:
            seen: dict[str, str] = {}
            for value in names:
                text = names[value].get(language, value)
                if text in seen:
                    raise LabelsError(
                        source,
                        f"{column}.{value}.{language}",
                        f"{value!r} and {seen[text]!r} would both read as {text!r}",
                    )
                seen[text] = value
        values[column] = names
    return Labels(values, columns, source)


def load_labels(path: str | Path | None = None, *, folder: str | Path | None = None) -> Labels:
    """Read a labels file (see the module notes).

    Parameters
    ----------
    path : path, optional
        The labels file; it must exist.
    folder : path, optional
        Without ``path``: the data folder, whose ``labels.yaml`` is read when it has
        one (no file: no labels).

    Raises
    ------
    LabelsError
        Naming the file and key: a missing file given by ``path``, YAML beyond the
        limits of :mod:`cxbench.limits`, a name that is not text, an unknown language,
        two values that would read alike.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> load_labels(folder=folder).empty
    True
    >>> _ = (folder / "labels.yaml").write_text("sector:\\n  Finance: {ru: Финансы}\\n",
    ...                                        encoding="utf-8")
    >>> load_labels(folder=folder).value("sector", "Finance", "ru")
    'Финансы'
    """
    if path is None:
        if folder is None:
            return Labels()
        candidate = Path(folder) / LABELS_FILE
        if not candidate.exists():
            return Labels()
        path = candidate
    path = Path(path)
    source = str(path.resolve())
    raw, problem = limits.read_yaml_file(path, "labels file")
    if problem:
        raise LabelsError(source, "", problem)
    return _parse(raw, source)
