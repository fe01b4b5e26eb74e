"""Expert commentary: the panel and its questions and answers, theme by theme.

Commentary for an edition lives in ``data/commentary/<edition>/``:

* ``panel.yaml``: ``experts`` (each with ``id`` and ``name``, ``role`` and
  ``organisation`` per language), optionally ``example: true`` and a ``note``;
* any other ``*.yaml`` file: ``entries``, each with ``theme``, ``expert``,
  ``language``, ``question`` and ``answer``;
* or ``*.md`` files: one entry each, its fields in YAML front matter between ``---``
  lines and the answer as the Markdown body.

Themes follow the benchmark report's sections, which the instrument decides
(:attr:`cxbench.instrument.Instrument.report_themes`: ``dimension_scores``, one theme
per dimension, then ``sector_scores``, ``success``, ``general_reaction`` and
``future``). Loading checks everything a report relies on and names the file and key
of any problem.

Commentary is optional: an edition without a commentary folder, or with one that
holds no entries yet (a first year), gives an empty :class:`Commentary`, and the
report is made without expert answers, saying so once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import CommentaryError
from .i18n import LANGUAGES, in_language
from .instrument import Instrument, load_instrument

__all__ = ["Commentary", "Entry", "Expert", "load_commentary"]

_ENTRY_FIELDS = ("theme", "expert", "language", "question", "answer")


@dataclass(frozen=True)
class Expert:
    """A panel member; texts per language."""

    id: str
    name: Mapping[str, str]
    role: Mapping[str, str]
    organisation: Mapping[str, str]

    def attribution(self, language: str = "en") -> str:
        """ "name, role, organisation" in ``language`` (English where it is missing).

        Examples
        --------
        >>> Expert("a", {"en": "Panellist A"}, {"en": "CX consultant"},
        ...        {"en": "a consultancy"}).attribution("tr")
        'Panellist A, CX consultant, a consultancy'
        """
        parts = (self.name, self.role, self.organisation)
        return ", ".join(in_language(p, language) for p in parts)


@dataclass(frozen=True)
class Entry:
    """One question put to an expert and the answer, in one language."""

    theme: str
    expert: str
    language: str
    question: str
    answer: str
    source: str


@dataclass(frozen=True)
class Commentary:
    """An edition's commentary: the panel and its entries (none, for an edition that
    has no commentary yet), and the report themes they were checked against."""

    folder: Path
    experts: Mapping[str, Expert]
    entries: tuple[Entry, ...]
    example: bool
    note: Mapping[str, str]
    themes: tuple[str, ...] = ()

    def for_theme(self, theme: str, language: str) -> list[Entry]:
        """The entries of a theme in a language, in file order."""
        if theme not in self.themes:
            raise CommentaryError(
                str(self.folder),
                "theme",
                f"unknown theme {theme!r} (themes: {', '.join(self.themes)})",
            )
        return [e for e in self.entries if e.theme == theme and e.language == language]

    @property
    def empty(self) -> bool:
        """True when there is no entry (a first edition, commentary not written yet)."""
        return not self.entries


def _texts(raw: Any, source: str, key: str) -> dict[str, str]:
    if isinstance(raw, str) and raw.strip():
        return {"en": raw.strip()}
    if not isinstance(raw, dict) or not raw:
        raise CommentaryError(source, key, "must be a text or a mapping language -> text")
    out = {}
    for language, text in raw.items():
        if language not in LANGUAGES:
            raise CommentaryError(source, f"{key}.{language}", "unknown language")
        if not isinstance(text, str) or not text.strip():
            raise CommentaryError(source, f"{key}.{language}", "empty text")
        out[language] = text.strip()
    if "en" not in out:
        raise CommentaryError(source, key, "needs an English (en) text")
    return out


def _read_text(path: Path) -> str:
    """A commentary file's text: a regular UTF-8 file within :data:`limits.MAX_YAML_BYTES`."""
    try:
        return limits.read_limited_text(path)
    except limits.InputLimitError as exc:
        raise CommentaryError(str(path), "", f"refused: {exc}") from None
    except UnicodeDecodeError as exc:
        raise CommentaryError(
            str(path), "", f"not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise CommentaryError(str(path), "", f"cannot be read ({exc.strerror})") from None


def _load_yaml(text: str, source: str, key: str = "") -> Any:
    """YAML through :func:`cxbench.limits.safe_load`, errors naming ``source``."""
    try:
        return limits.safe_load(text)
    except limits.YAMLLimitError as exc:
        raise CommentaryError(source, key, f"refused: the YAML {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = key or (f"line {mark.line + 1}" if mark else "")
        raise CommentaryError(source, where, f"not valid YAML ({exc})") from None


def _read_yaml(path: Path) -> Any:
    return _load_yaml(_read_text(path), str(path))


def _parse_panel(path: Path) -> tuple[dict[str, Expert], bool, dict[str, str]]:
    raw = _read_yaml(path)
    source = str(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("experts"), list) or not raw["experts"]:
        raise CommentaryError(source, "experts", "a non-empty list of experts is required")
    experts: dict[str, Expert] = {}
    for i, item in enumerate(raw["experts"]):
        key = f"experts[{i}]"
        if not isinstance(item, dict):
            raise CommentaryError(source, key, "must be a mapping")
        for field in ("id", "name", "role", "organisation"):
            if field not in item:
                raise CommentaryError(source, f"{key}.{field}", "missing")
        expert_id = str(item["id"])
        if expert_id in experts:
            raise CommentaryError(source, f"{key}.id", f"duplicate expert {expert_id!r}")
        experts[expert_id] = Expert(
            expert_id,
            _texts(item["name"], source, f"{key}.name"),
            _texts(item["role"], source, f"{key}.role"),
            _texts(item["organisation"], source, f"{key}.organisation"),
        )
    note = _texts(raw["note"], source, "note") if raw.get("note") else {}
    return experts, bool(raw.get("example", False)), note


def _markdown_entry(path: Path) -> dict[str, Any]:
    text = _read_text(path)
    if not text.startswith("---"):
        raise CommentaryError(str(path), "", "needs YAML front matter between '---' lines")
    try:
        _, front, body = text.split("---", 2)
    except ValueError:
        raise CommentaryError(str(path), "", "front matter is not closed by '---'") from None
    fields = _load_yaml(front, str(path), "front matter") or {}
    if not isinstance(fields, dict):
        raise CommentaryError(str(path), "front matter", "must be a mapping")
    return fields | {"answer": body.strip()}


def _check_entry(
    raw: Any, source: str, key: str, experts: Mapping[str, Expert], themes: tuple[str, ...]
) -> Entry:
    if not isinstance(raw, dict):
        raise CommentaryError(source, key, "must be a mapping")
    for field in _ENTRY_FIELDS:
        value = raw.get(field)
        if value is None:
            raise CommentaryError(source, f"{key}.{field}", "missing")
        if not str(value).strip():
            raise CommentaryError(source, f"{key}.{field}", "empty")
    if raw["theme"] not in themes:
        raise CommentaryError(
            source, f"{key}.theme", f"unknown theme {raw['theme']!r} (themes: {', '.join(themes)})"
        )
    if str(raw["expert"]) not in experts:
        raise CommentaryError(
            source,
            f"{key}.expert",
            f"unknown expert {raw['expert']!r} (panel: {', '.join(experts)})",
        )
    if raw["language"] not in LANGUAGES:
        raise CommentaryError(source, f"{key}.language", f"unknown language {raw['language']!r}")
    return Entry(
        theme=raw["theme"],
        expert=str(raw["expert"]),
        language=raw["language"],
        question=str(raw["question"]).strip(),
        answer=str(raw["answer"]).strip(),
        source=f"{source}:{key}",
    )


def load_commentary(
    folder: str | Path, instrument: Instrument | str | Path | None = None
) -> Commentary:
    """Read and check an edition's commentary folder against the instrument's themes.

    Parameters
    ----------
    folder : path
        ``<commentary>/<edition>/``. A folder that does not exist, or holds no entry
        file, is an edition without commentary: an empty :class:`Commentary`.
    instrument : Instrument, name or path, optional
        Whose report themes the entries may use (default: the bundled instrument).

    Raises
    ------
    CommentaryError
        Naming the file and key: entries without ``panel.yaml``, invalid YAML, an
        unknown theme, expert or language, a missing field or an empty answer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> load_commentary(folder / "2024").empty
    True
    >>> _ = (folder / "panel.yaml").write_text(
    ...     "experts: [{id: a, name: Panellist A, role: CX consultant, organisation: a firm}]",
    ...     encoding="utf-8")
    >>> _ = (folder / "measure.md").write_text(
    ...     "---\\ntheme: dimension_scores\\nexpert: a\\nlanguage: en\\n"
    ...     "question: Why 70?\\n---\\nBecause.\\n", encoding="utf-8")
    >>> load_commentary(folder).for_theme("dimension_scores", "en")[0].answer
    'Because.'
    """
    folder = Path(folder)
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(*([] if instrument is None else [instrument]))
    themes = instrument.report_themes
    if folder.exists() and not folder.is_dir():
        raise CommentaryError(str(folder), "", "not a folder (the commentary of one edition)")
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    panel = folder / "panel.yaml"
    entry_files = [p for p in files if p != panel and p.suffix in (".yaml", ".yml", ".md")]
    if not panel.exists():
        if entry_files:
            raise CommentaryError(str(folder), "panel.yaml", "missing: the panel of experts")
        return Commentary(folder, {}, (), False, {}, themes)
    experts, example, note = _parse_panel(panel)
    entries: list[Entry] = []
    for path in entry_files:
        if path.suffix in (".yaml", ".yml"):
            raw = _read_yaml(path)
            if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
                raise CommentaryError(str(path), "entries", "a list of entries is required")
            entries += [
                _check_entry(item, str(path), f"entries[{i}]", experts, themes)
                for i, item in enumerate(raw["entries"])
            ]
        else:
            entries.append(
                _check_entry(_markdown_entry(path), str(path), "front matter", experts, themes)
            )
    return Commentary(folder, experts, tuple(entries), example, note, themes)
