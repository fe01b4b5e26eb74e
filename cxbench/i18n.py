"""Words and numbers in the reader's language (English, Turkish, Russian).

Every text a chart, table or report shows comes from the message catalogue: the YAML
files in ``cxbench/locales/``, each a mapping ``key -> {en, tr, ru}``. Numbers are
formatted for the language with Babel (``70,2`` in Turkish, ``1 234,5`` in Russian).
"""

from __future__ import annotations

import math
import numbers
import string
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml
from babel.numbers import format_decimal

from . import limits
from .errors import ParameterError

__all__ = [
    "LANGUAGES",
    "check_language",
    "column_label",
    "format_interval",
    "format_minus",
    "format_number",
    "format_p",
    "format_signed",
    "group_name",
    "in_language",
    "messages",
    "translate",
]

#: The languages every message exists in.
LANGUAGES: tuple[str, ...] = ("en", "tr", "ru")


def check_language(language: str) -> str:
    """Return ``language`` if reports can be written in it, else raise ParameterError.

    Examples
    --------
    >>> check_language("tr")
    'tr'
    """
    if language not in LANGUAGES:
        raise ParameterError("language", language, f"must be one of {', '.join(LANGUAGES)}")
    return language


@lru_cache(maxsize=1)
def messages() -> Mapping[str, Mapping[str, str]]:
    """The whole catalogue, read once from the package's ``locales/*.yaml`` files.

    The result is read-only: it is cached, and shared by every caller.

    Examples
    --------
    >>> messages()["col_score"]["en"]
    'Score (%)'
    >>> sorted(messages()["score_axis"])
    ['en', 'ru', 'tr']
    """
    catalogue: dict[str, Mapping[str, str]] = {}
    folder = resources.files("cxbench") / "locales"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            raw = limits.safe_load(entry.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:  # the limits' refusals included
            raise ParameterError("message catalogue", entry.name, f"unreadable ({exc})") from None
        for key, texts in raw.items():
            if key in catalogue:
                raise ParameterError("message", key, f"defined twice ({entry.name})")
            if not isinstance(texts, dict):
                raise ParameterError("message", key, f"must map languages to texts ({entry.name})")
            catalogue[key] = MappingProxyType(
                {lang: str(text).strip() for lang, text in texts.items()}
            )
    return MappingProxyType(catalogue)


def translate(key: str, language: str = "en", **fields: Any) -> str:
    """The message ``key`` in ``language``, its ``{placeholders}`` filled from ``fields``.

    Examples
    --------
    >>> translate("col_ci", "ru", level=95)
    '95 % ДИ'
    >>> translate("column_sector", "tr")
    'Sektör'
    """
    language = check_language(language)
    try:
        text = messages()[key][language]
    except KeyError:
        raise ParameterError("message", key, f"no such message in {language!r}") from None
    needed = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    missing = needed - set(fields)
    if missing:
        raise ParameterError("message", key, f"needs {', '.join(sorted(missing))}")
    return text.format(**fields)


def column_label(column: str, language: str = "en") -> str:
    """The reader's name of a data column (message ``column_<name>``), else the name.

    Examples
    --------
    >>> column_label("sector", "tr"), column_label("region", "tr")
    ('Sektör', 'region')
    """
    language = check_language(language)
    texts = messages().get(f"column_{column}")
    return texts[language] if texts else str(column)


def format_number(value: float | None, language: str = "en", decimals: int = 1) -> str:
    """A number with exactly ``decimals`` decimals, written as the language writes it.

    Babel's CLDR data give the separators: ``70.2`` and ``1,234.5`` in English,
    ``70,2`` and ``1.234,5`` in Turkish, ``70,2`` and ``1 234,5`` (no-break space) in
    Russian. The decimal form of the value is rounded half to even, as Babel does
    (``70.25`` gives ``70.2``); a value that rounds to zero is written without a
    minus sign. Missing values (None, NaN, infinities) are shown as an en dash.

    Parameters
    ----------
    value : float or None
    language : {"en", "tr", "ru"}
    decimals : int
        Digits after the decimal separator, always all written (``70.0``).

    Examples
    --------
    >>> format_number(70.25, "en"), format_number(70.26, "tr"), format_number(1234.5, "ru")
    ('70.2', '70,3', '1\\xa0234,5')
    >>> format_number(float("nan"), "tr"), format_number(-0.01, "en")
    ('–', '0.0')
    """
    import pandas as pd  # here, not at the top: the command line starts without it

    language = check_language(language)
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ParameterError("decimals", decimals, "must be a whole number, 0 or more")
    if isinstance(value, bool | str | bytes) or not pd.api.types.is_scalar(value):
        raise ParameterError("value", value, "must be a number")
    if value is None or pd.isna(value):
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError("value", value, "must be a number") from None
    if not math.isfinite(number):
        return "–"
    pattern = "#,##0" + ("." + "0" * int(decimals) if decimals > 0 else "")
    text = format_decimal(number, format=pattern, locale=language, decimal_quantization=True)
    # -0.01 rounds to "-0.0": a sign on zero only puzzles the reader
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]
    return text


def format_minus(value: float | None, language: str = "en", decimals: int = 1) -> str:
    """:func:`format_number` with a true minus sign (U+2212), so that "−1.7 – 10.3"
    cannot be read as a range from 1.7.

    Examples
    --------
    >>> format_minus(-11.04, "tr"), format_minus(3.0)
    ('−11,0', '3.0')
    """
    return format_number(value, language, decimals).replace("-", "\u2212")


def format_signed(value: float | None, language: str = "en", decimals: int = 1) -> str:
    """A difference with its sign always written: ``+1.5``, ``−1.5`` (true minus sign),
    ``–`` when missing.

    Examples
    --------
    >>> format_signed(1.46), format_signed(-1.46, "ru"), format_signed(float("nan"))
    ('+1.5', '−1,5', '–')
    """
    text = format_number(value, language, decimals)
    if text == "–":
        return text
    return ("+" if float(value) >= 0 else "\u2212") + format_number(
        abs(float(value)), language, decimals
    )


def format_interval(low: float, high: float, language: str = "en", decimals: int = 1) -> str:
    """An interval: ``68.5–71.5``; spaced, ``−1.7 – 10.3``, when a bound is negative;
    ``–`` when a bound is missing.

    Examples
    --------
    >>> format_interval(68.46, 71.5), format_interval(-1.7, 10.3, "tr")
    ('68.5–71.5', '−1,7 – 10,3')
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    dash = " – " if min(low, high) < 0 else "–"
    return f"{format_minus(low, language, decimals)}{dash}{format_minus(high, language, decimals)}"


def format_p(p: float, language: str = "en") -> str:
    """A p-value for readers: three decimals, or "< 0.001".

    Examples
    --------
    >>> format_p(0.04567), format_p(0.0000123, "tr"), format_p(float("nan"))
    ('0.046', '< 0,001', '–')
    """
    if p is None or not math.isfinite(p):
        return "–"
    if p < 0.001:
        return "< " + format_number(0.001, language, 3)
    return format_number(p, language, 3)


def group_name(group: object, language: str = "en") -> str:
    """A group as readers see it: the whole benchmark (``"all"``) by its name in the
    language, any other group by its own.

    Examples
    --------
    >>> group_name("all", "tr"), group_name("Finance", "tr")
    ('Tüm katılımcılar', 'Finance')
    """
    text = str(group)
    return translate("benchmark_all", check_language(language)) if text == "all" else text


def in_language(texts: Mapping[str, Any], language: str, default: Any = None) -> Any:
    """``texts`` in ``language``, else in English, else ``default``: the one fallback of
    every text given per language (statements, scale labels, names, commentary).

    Examples
    --------
    >>> in_language({"en": "Measure", "tr": "Ölç"}, "tr"), in_language({"en": "Measure"}, "ru")
    ('Ölç', 'Measure')
    >>> in_language({}, "tr", default="measure")
    'measure'
    """
    return texts.get(language) or texts.get("en") or default
