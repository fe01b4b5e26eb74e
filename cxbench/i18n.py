"""Words and numbers in the reader's language (English, Turkish, Russian).

Every text a chart, table or report shows comes from the message catalogue: the YAML
files in ``cxbench/locales/``, each a mapping ``key -> {en, tr, ru}``. Numbers are
formatted for the language with Babel (``70,2`` in Turkish, ``1 234,5`` in Russian).
"""

from __future__ import annotations

import math
import string
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from babel.numbers import format_decimal

from .errors import ParameterError

__all__ = [
    "LANGUAGES",
    "check_language",
    "column_label",
    "format_number",
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
def messages() -> dict[str, dict[str, str]]:
    """The whole catalogue, read once from the package's ``locales/*.yaml`` files.

    Examples
    --------
    >>> messages()["col_score"]["en"]
    'Score (%)'
    """
    catalogue: dict[str, dict[str, str]] = {}
    folder = resources.files("cxbench") / "locales"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        raw = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, texts in raw.items():
            if key in catalogue:
                raise ParameterError("message", key, f"defined twice ({entry.name})")
            catalogue[key] = {lang: str(text).strip() for lang, text in texts.items()}
    return catalogue


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

    Missing values (None, NaN) are shown as an en dash.

    Examples
    --------
    >>> format_number(70.25, "en"), format_number(70.26, "tr"), format_number(1234.5, "ru")
    ('70.2', '70,3', '1\\xa0234,5')
    >>> format_number(float("nan"), "tr")
    '–'
    """
    language = check_language(language)
    if value is None or not math.isfinite(float(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=language, decimal_quantization=True)
