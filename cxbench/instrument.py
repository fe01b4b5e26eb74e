"""The survey instrument: dimensions, statements (items) and the answer scale.

An instrument is described in a YAML file (see ``cxbench/instruments/`` for the
bundled ``digital-cx-2023``) and loaded into frozen dataclasses. Every other step of
the pipeline takes an :class:`Instrument`, so that any k-point scale and any number of
dimensions and items work the same way.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import InstrumentError
from .i18n import in_language

__all__ = [
    "DEFAULT_INSTRUMENT",
    "REPORT_SECTIONS",
    "Dimension",
    "Instrument",
    "Item",
    "Scale",
    "Stage",
    "Theme",
    "answer_key",
    "available_instruments",
    "load_instrument",
    "normalise_label",
]

DEFAULT_INSTRUMENT = "digital-cx-2023"

_ITEM_SOURCES = ("published", "named", "illustrative")

#: Report sections whose heading and paragraph an instrument may word itself
#: (``report:`` in its YAML); every other section is worded by the message catalogue.
REPORT_SECTIONS = ("commentary_report", "dimension_scores", "sector_report", "sector_overview")
#: The commentary themes of the report's fixed sections after the dimensions' own.
_FIXED_THEMES = ("sector_scores", "success", "general_reaction", "future")
_THEME_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def normalise_label(text: str) -> str:
    """Fold an answer label for matching: case, accents' forms and spaces.

    Case is folded with Unicode rules, and the Turkish dotted and dotless i are
    folded together (``KATILIYORUM``, typed on a non-Turkish keyboard or upper-cased
    by a non-Turkish locale, must match ``katılıyorum``); runs of white space become
    one space and the ends are stripped.

    Examples
    --------
    >>> normalise_label("  Strongly   AGREE ")
    'strongly agree'
    >>> normalise_label("KESİNLİKLE KATILIYORUM") == normalise_label("Kesinlikle katılıyorum")
    True
    """
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    # casefold() turns the dotted capital İ into "i" + combining dot above.
    folded = folded.replace("i\u0307", "i").replace("ı", "i")
    return re.sub(r"\s+", " ", folded).strip()


def answer_key(value: Any) -> str | None:
    """The text an answer is looked up by among labels and codes, or ``None``.

    Text is normalised as :func:`normalise_label` does; a whole number, typed or not,
    is its digits (an SPSS or Excel ``4.0`` is ``"4"``), so that an answer code given
    as a number matches the same answer read as text. Booleans and non-finite
    numbers have no key.

    Examples
    --------
    >>> answer_key(" Strongly AGREE "), answer_key(4.0), answer_key(4), answer_key(2.5)
    ('strongly agree', '4', '4', '2.5')
    >>> answer_key(True) is None, answer_key(float("nan")) is None
    (True, True)
    """
    if isinstance(value, str):
        return normalise_label(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real) and math.isfinite(value):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return None


@dataclass(frozen=True)
class Scale:
    """A Likert answer scale from ``min`` to ``max`` points.

    Examples
    --------
    >>> s = Scale(1, 5, {"en": ("SD", "D", "N", "A", "SA")})
    >>> s.points, s.reverse(2)
    (5, 4)
    """

    min: int
    max: int
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: answer codes a survey tool exports (normalised code -> point), from ``codes:``
    codes: Mapping[str, int] = field(default_factory=dict)

    def point_labels(self, language: str) -> tuple[str, ...]:
        """The scale points' labels in ``language``, else in English, else the points.

        Examples
        --------
        >>> Scale(1, 3, {"en": ("No", "Maybe", "Yes")}).point_labels("tr")
        ('No', 'Maybe', 'Yes')
        >>> Scale(0, 2).point_labels("ru")
        ('0', '1', '2')
        """
        points = [str(p) for p in range(self.min, self.max + 1)]
        return tuple(in_language(self.labels, language, points))

    @property
    def points(self) -> int:
        """Number of answer options on the scale."""
        return self.max - self.min + 1

    def reverse(self, value: float) -> float:
        """Reverse-key an answer: ``x`` becomes ``min + max - x``."""
        return self.min + self.max - value

    def label_codes(self) -> dict[str, int]:
        """Map every normalised label, in every language, and every code to its point.

        Examples
        --------
        >>> s = Scale(1, 3, {"en": ("No", "Maybe", "Yes")}, codes={"n": 1, "y": 3})
        >>> s.label_codes()
        {'no': 1, 'maybe': 2, 'yes': 3, 'n': 1, 'y': 3}
        """
        codes: dict[str, int] = {}
        for labels in self.labels.values():
            for offset, label in enumerate(labels):
                codes[normalise_label(label)] = self.min + offset
        codes.update(self.codes)
        return codes


@dataclass(frozen=True)
class Item:
    """One statement of the instrument.

    ``text`` maps a language code to the statement; ``published_score`` is the
    figure a published report gives for it, where there is one.
    """

    id: str
    dimension: str
    text: Mapping[str, str]
    reverse: bool = False
    published_score: float | None = None
    source: str | None = None
    #: other column names survey tools export the item under (``Q1_1``, ``QID1_1``)
    columns: tuple[str, ...] = ()

    def label(self, language: str = "en") -> str:
        """The statement in ``language``, falling back to English."""
        return in_language(self.text, language)


@dataclass(frozen=True)
class Theme:
    """A report section's commentary theme: its id, and its heading and paragraph per
    language (empty where the message catalogue words it).

    Examples
    --------
    >>> theme = Theme("channels", {"en": "Channels", "tr": "Kanallar"})
    >>> theme.heading("tr"), theme.heading("ru")
    ('Kanallar', 'Channels')
    """

    id: str
    title: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, str] = field(default_factory=dict)

    def heading(self, language: str = "en") -> str:
        """The heading in ``language`` (English where it is missing, else the id)."""
        return in_language(self.title, language, self.id)


@dataclass(frozen=True)
class Stage:
    """A maturity stage of an instrument (``stages:`` in its YAML, lowest first).

    ``minimum`` maps ``overall`` (the mean of a respondent's dimension scores) or a
    dimension id to the least score (percent) the stage needs; the first stage needs
    nothing. A respondent is at the highest stage whose needs, and those of every stage
    below it, it meets (:func:`cxbench.maturity.maturity_stages`).
    """

    id: str
    label: Mapping[str, str]
    minimum: Mapping[str, float] = field(default_factory=dict)

    def name(self, language: str = "en") -> str:
        """The stage's name in ``language``, falling back to English."""
        return in_language(self.label, language, self.id)


@dataclass(frozen=True)
class Dimension:
    """A group of items scored together (e.g. Measure, Manage, Master).

    ``theme`` is the report section of its statements: declared in the instrument
    (``theme: {id, title, body}``), or else the dimension's id, titled with its label.
    """

    id: str
    label: Mapping[str, str]
    items: tuple[Item, ...]
    description: Mapping[str, str] = field(default_factory=dict)
    published_score: float | None = None
    theme: Theme | None = None

    def __post_init__(self) -> None:
        if self.theme is None:
            object.__setattr__(self, "theme", Theme(self.id, dict(self.label)))

    @property
    def item_ids(self) -> list[str]:
        """Ids of the dimension's items, in instrument order."""
        return [item.id for item in self.items]

    def name(self, language: str = "en") -> str:
        """The dimension's label in ``language``, falling back to English."""
        return in_language(self.label, language, self.id)

    @property
    def default_min_answered(self) -> int:
        """Items a respondent must answer to get a score: ceil(75 % of items)."""
        return math.ceil(0.75 * len(self.items))


@dataclass(frozen=True)
class Instrument:
    """A survey instrument: an answer scale and dimensions of items.

    Examples
    --------
    >>> inst = load_instrument("digital-cx-2023")
    >>> inst.id, [d.id for d in inst.dimensions], len(inst.items)
    ('digital-cx-2023', ['measure', 'manage', 'master'], 12)
    >>> inst.scale.min, inst.scale.max
    (1, 5)
    """

    id: str
    title: Mapping[str, str]
    scale: Scale
    dimensions: tuple[Dimension, ...]
    source: str = ""
    #: respondent id columns to look for, in order, before the platform's own
    id_columns: tuple[str, ...] = ()
    #: the instrument's own wording of report sections (:data:`REPORT_SECTIONS`)
    sections: Mapping[str, Theme] = field(default_factory=dict)
    #: maturity stages, lowest first (:class:`Stage`); none unless declared
    stages: tuple[Stage, ...] = ()

    @property
    def themes(self) -> list[Theme]:
        """The dimensions' report themes, in instrument order."""
        return [dim.theme for dim in self.dimensions]  # type: ignore[misc]

    @property
    def has_published_scores(self) -> bool:
        """Whether any dimension has a published score to set its figure beside."""
        return any(dim.published_score is not None for dim in self.dimensions)

    @property
    def report_themes(self) -> tuple[str, ...]:
        """Every commentary theme of the benchmark report, in the report's order:
        ``dimension_scores``, one per dimension, then ``sector_scores``, ``success``,
        ``general_reaction`` and ``future``.

        Examples
        --------
        >>> load_instrument().report_themes[:4]
        ('dimension_scores', 'measuring_channels', 'reporting_organisation', 'mastering')
        """
        return ("dimension_scores", *(t.id for t in self.themes), *_FIXED_THEMES)

    @property
    def items(self) -> list[Item]:
        """All items, dimension by dimension, in instrument order."""
        return [item for dim in self.dimensions for item in dim.items]

    @property
    def item_ids(self) -> list[str]:
        """Ids of all items, in instrument order."""
        return [item.id for item in self.items]

    @property
    def dimension_ids(self) -> list[str]:
        """Ids of the dimensions, in instrument order."""
        return [dim.id for dim in self.dimensions]

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with id ``dimension_id``."""
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(dimension_id)

    def item(self, item_id: str) -> Item:
        """The item with id ``item_id``."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def languages(self) -> list[str]:
        """Languages in which every statement has a text (English first)."""
        common = set.intersection(*(set(item.text) for item in self.items))
        return sorted(common, key=lambda lang: (lang != "en", lang))


def available_instruments() -> list[str]:
    """Names of the instruments shipped with cxbench.

    Examples
    --------
    >>> "digital-cx-2023" in available_instruments()
    True
    """
    folder = resources.files("cxbench").joinpath("instruments")
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def load_instrument(name_or_path: str | Path = DEFAULT_INSTRUMENT) -> Instrument:
    """Load and validate an instrument by bundled name or YAML path.

    Parameters
    ----------
    name_or_path : str or Path
        A bundled instrument's name (see :func:`available_instruments`) or the path
        of a YAML file.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        If the file is missing, not a regular file, too large or not YAML within the
        limits of :mod:`cxbench.limits` (aliases, nesting), or a key is missing or
        invalid; the message names the file and the key. Scale labels listed from
        the agreeing end down (``Strongly agree`` first), which would invert every
        score, are refused rather than flipped: list them lowest point first.

    Examples
    --------
    >>> inst = load_instrument()
    >>> inst.item("master_2").published_score
    52.0
    >>> inst.dimension("manage").default_min_answered
    3
    """
    text, source = _read_instrument_text(name_or_path)
    try:
        raw = limits.safe_load(text)
    except limits.YAMLLimitError as exc:
        raise InstrumentError(source, "", f"refused: the YAML {exc}") from None
    except yaml.YAMLError as exc:
        raise InstrumentError(source, "", f"not valid YAML ({exc})") from None
    return _parse_instrument(raw, source)


def _read_instrument_text(name_or_path: str | Path) -> tuple[str, str]:
    candidate = str(name_or_path)
    if candidate in available_instruments():
        resource = resources.files("cxbench").joinpath("instruments", f"{candidate}.yaml")
        return resource.read_text(encoding="utf-8"), candidate
    path = Path(candidate)
    if not path.exists():
        raise InstrumentError(
            candidate,
            "",
            "no such instrument file, and not a bundled instrument "
            f"(bundled: {', '.join(available_instruments())})",
        )
    try:
        return limits.read_limited_text(path), str(path)
    except limits.InputLimitError as exc:
        raise InstrumentError(str(path), "", f"refused: {exc}") from None
    except UnicodeDecodeError:
        raise InstrumentError(str(path), "", "not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise InstrumentError(str(path), "", f"cannot be read ({exc})") from None


def _require(mapping: Any, key: str, where: str, source: str) -> Any:
    if not isinstance(mapping, dict):
        raise InstrumentError(source, where or "(top level)", "must be a mapping")
    if key not in mapping or mapping[key] is None:
        raise InstrumentError(source, _join(where, key), "is required")
    return mapping[key]


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _text_map(value: Any, where: str, source: str, *, required: bool) -> dict[str, str]:
    if value is None and not required:
        return {}
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or not value:
        raise InstrumentError(source, where, "must map language codes to texts")
    out: dict[str, str] = {}
    for lang, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise InstrumentError(source, f"{where}.{lang}", "must be a non-empty text")
        out[str(lang)] = text.strip()
    if required and "en" not in out:
        raise InstrumentError(source, f"{where}.en", "is required")
    return out


def _parse_scale(raw: Any, source: str) -> Scale:
    lo = _require(raw, "min", "scale", source)
    hi = _require(raw, "max", "scale", source)
    for key, value in (("min", lo), ("max", hi)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InstrumentError(source, f"scale.{key}", f"must be a whole number, got {value!r}")
    if hi <= lo:
        raise InstrumentError(source, "scale.max", f"must be greater than scale.min ({lo})")
    labels_raw = raw.get("labels") or {}
    if not isinstance(labels_raw, dict):
        raise InstrumentError(source, "scale.labels", "must map language codes to lists")
    labels: dict[str, tuple[str, ...]] = {}
    points = hi - lo + 1
    seen: dict[str, tuple[str, int]] = {}
    for lang, values in labels_raw.items():
        where = f"scale.labels.{lang}"
        if not isinstance(values, list) or len(values) != points:
            raise InstrumentError(source, where, f"must list {points} labels, lowest first")
        for position, label in enumerate(values):
            if not isinstance(label, str) or not label.strip():
                raise InstrumentError(source, f"{where}[{position}]", "must be a non-empty text")
            other = seen.setdefault(normalise_label(label), (f"{lang}[{position}]", position))
            if other[1] != position:
                raise InstrumentError(
                    source,
                    f"{where}[{position}]",
                    f"same label as {other[0]}, another point",
                )
        labels[str(lang)] = tuple(v.strip() for v in values)
        _check_direction(labels[str(lang)], where, source)
    codes = _parse_codes(raw.get("codes"), lo, hi, source, seen)
    return Scale(lo, hi, labels, codes)


#: Words that mark an agreeing (+1) or disagreeing (-1) label, per language (normalised).
_POLARITY = {
    "agree": 1,
    "disagree": -1,
    "satisfied": 1,
    "dissatisfied": -1,
    "unsatisfied": -1,
    "katiliyorum": 1,
    "katilmiyorum": -1,
    "memnunum": 1,
    "memnun değilim": -1,
    "согласен": 1,
    "согласна": 1,
    "не согласен": -1,
    "не согласна": -1,
    "удовлетворен": 1,
    "не удовлетворен": -1,
}


def _polarity(label: str) -> int:
    """+1 for an agreeing label, -1 for a disagreeing one, 0 for neither or both.

    Examples
    --------
    >>> [_polarity(t) for t in ("Strongly agree", "Katılmıyorum", "Ни согласен, ни не согласен")]
    [1, -1, 0]
    """
    text = normalise_label(label)
    found = set()
    for words, sign in sorted(_POLARITY.items(), key=lambda pair: -len(pair[0])):
        pattern = rf"(?<![\w-]){re.escape(words)}(?![\w-])"
        if re.search(pattern, text):
            found.add(sign)
            text = re.sub(pattern, " ", text)  # "не согласен" is not also "согласен"
    return found.pop() if len(found) == 1 else 0


def _check_direction(labels: tuple[str, ...], where: str, source: str) -> None:
    """Refuse labels that run from the agreeing end down: every score would be inverted."""
    if _polarity(labels[0]) == 1 and _polarity(labels[-1]) == -1:
        raise InstrumentError(
            source,
            where,
            f"the labels run downwards, from {labels[0]!r} to {labels[-1]!r}: every answer "
            f"would be scored the wrong way round; list them from the lowest point up, "
            f"{labels[-1]!r} first",
        )


def _parse_codes(
    raw: Any, lo: int, hi: int, source: str, labels: dict[str, tuple[str, int]]
) -> dict[str, int]:
    """``scale.codes``: a list of codes lowest point first, or a mapping code -> point."""
    if raw is None:
        return {}
    points = hi - lo + 1
    if isinstance(raw, list):
        if len(raw) != points:
            raise InstrumentError(source, "scale.codes", f"must list {points} codes, lowest first")
        pairs = [(code, lo + offset) for offset, code in enumerate(raw)]
    elif isinstance(raw, dict) and raw:
        pairs = list(raw.items())
    else:
        raise InstrumentError(
            source, "scale.codes", "must be a list of codes or a mapping of code to point"
        )
    codes: dict[str, int] = {}
    for code, point in pairs:
        where = f"scale.codes.{code}"
        if isinstance(code, bool) or not isinstance(code, str | int) or not str(code).strip():
            raise InstrumentError(source, where, "a code must be a non-empty text or number")
        if isinstance(point, bool) or not isinstance(point, int) or not lo <= point <= hi:
            raise InstrumentError(source, where, f"must give a point from {lo} to {hi}")
        key = normalise_label(str(code))
        if key in labels and labels[key][1] != point - lo:
            raise InstrumentError(source, where, f"same text as the label {labels[key][0]}")
        if codes.get(key, point) != point:
            raise InstrumentError(source, where, "the code is given two points")
        codes[key] = point
    return codes


def _parse_instrument(raw: Any, source: str) -> Instrument:
    if not isinstance(raw, dict):
        raise InstrumentError(source, "", "must be a YAML mapping with id, scale and dimensions")
    inst_id = _require(raw, "id", "", source)
    if not isinstance(inst_id, str) or not inst_id.strip():
        raise InstrumentError(source, "id", "must be a non-empty text")
    title = _text_map(raw.get("title"), "title", source, required=False) or {"en": inst_id}
    scale = _parse_scale(_require(raw, "scale", "", source), source)
    dims_raw = _require(raw, "dimensions", "", source)
    if not isinstance(dims_raw, list) or not dims_raw:
        raise InstrumentError(source, "dimensions", "must be a non-empty list")
    dimensions: list[Dimension] = []
    themes: set[str] = set()
    seen_dims: set[str] = set()
    seen_items: set[str] = set()
    for d_pos, d_raw in enumerate(dims_raw):
        where = f"dimensions[{d_pos}]"
        d_id = _require(d_raw, "id", where, source)
        if not isinstance(d_id, str) or not d_id.strip():
            raise InstrumentError(source, f"{where}.id", "must be a non-empty text")
        if d_id in seen_dims:
            raise InstrumentError(source, f"{where}.id", f"dimension {d_id!r} is defined twice")
        seen_dims.add(d_id)
        label = _text_map(d_raw.get("label"), f"{where}.label", source, required=False)
        description = _text_map(
            d_raw.get("description"), f"{where}.description", source, required=False
        )
        items_raw = _require(d_raw, "items", where, source)
        if not isinstance(items_raw, list) or not items_raw:
            raise InstrumentError(source, f"{where}.items", "must be a non-empty list")
        items = []
        for i_pos, i_raw in enumerate(items_raw):
            items.append(_parse_item(i_raw, d_id, f"{where}.items[{i_pos}]", source, seen_items))
        published = _published(d_raw, where, source)
        label = label or {"en": d_id}
        theme = _parse_theme(d_raw.get("theme"), f"{where}.theme", source, d_id, label)
        if theme.id in themes:
            raise InstrumentError(source, f"{where}.theme.id", f"theme {theme.id!r} is used twice")
        themes.add(theme.id)
        dimensions.append(Dimension(d_id, label, tuple(items), description, published, theme))
    id_columns = _names(raw.get("id_columns"), "id_columns", source)
    return Instrument(
        inst_id,
        title,
        scale,
        tuple(dimensions),
        source=source,
        id_columns=id_columns,
        sections=_parse_sections(raw.get("report"), source),
        stages=_parse_stages(raw.get("stages"), source, [d.id for d in dimensions]),
    )


def _parse_stages(raw: Any, source: str, dimension_ids: list[str]) -> tuple[Stage, ...]:
    """``stages:``: a list, lowest first, of ``{id, name, min}``; the first has no ``min``."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) < 2:
        raise InstrumentError(source, "stages", "must be a list of at least two stages")
    stages: list[Stage] = []
    for position, entry in enumerate(raw):
        where = f"stages[{position}]"
        if not isinstance(entry, dict):
            raise InstrumentError(source, where, "must be a mapping with id, name and min")
        stage_id = _require(entry, "id", where, source)
        if not isinstance(stage_id, str) or not _THEME_ID.match(stage_id):
            raise InstrumentError(source, f"{where}.id", "must be lower-case letters, digits, _")
        if any(stage.id == stage_id for stage in stages):
            raise InstrumentError(source, f"{where}.id", f"stage {stage_id!r} is defined twice")
        label = _text_map(entry.get("name"), f"{where}.name", source, required=True)
        minimum_raw = entry.get("min")
        if position == 0:
            if minimum_raw:
                raise InstrumentError(source, f"{where}.min", "the first stage needs nothing")
            stages.append(Stage(stage_id, label))
            continue
        if not isinstance(minimum_raw, dict) or not minimum_raw:
            raise InstrumentError(
                source, f"{where}.min", "must map overall or dimension ids to least scores"
            )
        minimum = {}
        for key, value in minimum_raw.items():
            if key != "overall" and key not in dimension_ids:
                known = ", ".join(["overall", *dimension_ids])
                raise InstrumentError(source, f"{where}.min.{key}", f"unknown (known: {known})")
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 <= value <= 100
            ):
                raise InstrumentError(
                    source, f"{where}.min.{key}", f"{value!r} is not a score from 0 to 100"
                )
            minimum[str(key)] = float(value)
        stages.append(Stage(stage_id, label, minimum))
    return tuple(stages)


def _parse_theme(
    raw: Any, where: str, source: str, default_id: str, label: Mapping[str, str]
) -> Theme:
    """A dimension's ``theme:``: an id, or ``{id, title, body}``; absent, the dimension's
    id titled with its label."""
    if raw is None:
        raw = {}
    if isinstance(raw, str):
        raw = {"id": raw}
    if not isinstance(raw, dict):
        raise InstrumentError(source, where, "must be a theme id or a mapping with id and title")
    unknown = sorted(set(map(str, raw)) - {"id", "title", "body"})
    if unknown:
        raise InstrumentError(source, f"{where}.{unknown[0]}", "unknown key (id, title, body)")
    theme_id = raw.get("id", default_id)
    if not isinstance(theme_id, str) or not _THEME_ID.match(theme_id):
        raise InstrumentError(
            source, f"{where}.id", f"{theme_id!r}: a theme id is lower-case letters, digits and _"
        )
    if theme_id in REPORT_SECTIONS or theme_id in _FIXED_THEMES:
        raise InstrumentError(source, f"{where}.id", f"{theme_id!r} is a report section of its own")
    title = _text_map(raw.get("title"), f"{where}.title", source, required=False)
    body = _text_map(raw.get("body"), f"{where}.body", source, required=False)
    return Theme(theme_id, title or dict(label), body)


def _parse_sections(raw: Any, source: str) -> dict[str, Theme]:
    """``report:``: the instrument's wording of :data:`REPORT_SECTIONS`."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InstrumentError(source, "report", "must map report sections to title and body")
    out = {}
    for key, value in raw.items():
        where = f"report.{key}"
        if key not in REPORT_SECTIONS:
            raise InstrumentError(
                source, where, f"unknown section (sections: {', '.join(REPORT_SECTIONS)})"
            )
        if not isinstance(value, dict) or not set(value) <= {"title", "body"}:
            raise InstrumentError(source, where, "must be a mapping with title and body")
        title = _text_map(value.get("title"), f"{where}.title", source, required=True)
        body = _text_map(value.get("body"), f"{where}.body", source, required=False)
        out[key] = Theme(key, title, body)
    return out


def _names(raw: Any, where: str, source: str) -> tuple[str, ...]:
    """An optional list of column names (a single name is a list of one)."""
    if raw is None:
        return ()
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) and str(v).strip() for v in raw
    ):
        raise InstrumentError(source, where, "must be a list of column names")
    return tuple(str(v).strip() for v in raw)


def _published(raw: dict, where: str, source: str) -> float | None:
    published = raw.get("published_score")
    if published is None:
        return None
    if isinstance(published, bool) or not isinstance(published, int | float):
        raise InstrumentError(source, f"{where}.published_score", "must be a number")
    if not 0 <= published <= 100:
        raise InstrumentError(source, f"{where}.published_score", "must be a percentage 0-100")
    return float(published)


def _parse_item(raw: Any, dim_id: str, where: str, source: str, seen: set[str]) -> Item:
    item_id = _require(raw, "id", where, source)
    if not isinstance(item_id, str) or not item_id.strip():
        raise InstrumentError(source, f"{where}.id", "must be a non-empty text")
    if item_id in seen:
        raise InstrumentError(source, f"{where}.id", f"item {item_id!r} is defined twice")
    seen.add(item_id)
    text = _text_map(_require(raw, "text", where, source), f"{where}.text", source, required=True)
    reverse = raw.get("reverse", False)
    if not isinstance(reverse, bool):
        raise InstrumentError(source, f"{where}.reverse", f"must be true or false, got {reverse!r}")
    published = _published(raw, where, source)
    item_source = raw.get("source")
    if item_source is not None and item_source not in _ITEM_SOURCES:
        raise InstrumentError(
            source, f"{where}.source", f"must be one of {', '.join(_ITEM_SOURCES)}"
        )
    columns = _names(raw.get("columns"), f"{where}.columns", source)
    return Item(item_id, dim_id, text, reverse, published, item_source, columns)
