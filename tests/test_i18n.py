"""Tests for cxbench.i18n: the message catalogue is complete and consistent, numbers are
written as each language writes them (checked by hand against CLDR's conventions)."""

from __future__ import annotations

import re
import string

import pytest

from cxbench.errors import ParameterError
from cxbench.i18n import LANGUAGES, check_language, column_label, format_number, messages, translate

# messages that are the same in Turkish as in English (names, symbols)
SAME_IN_TURKISH = {"col_p_adj", "correction_holm", "correction_bonf"}


def _fields(text: str) -> set[str]:
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return {"column" if name == "column_lower" else name for name in names}


@pytest.mark.parametrize("key", sorted(messages()))
def test_every_message_exists_in_every_language_with_the_same_fields(key):
    texts = messages()[key]
    assert set(texts) == set(LANGUAGES)
    assert all(texts[lang].strip() for lang in LANGUAGES)
    # a translation may leave a field out (Turkish word order), never need another one
    assert _fields(texts["tr"]) <= _fields(texts["en"])
    assert _fields(texts["ru"]) <= _fields(texts["en"])


@pytest.mark.parametrize("key", sorted(messages()))
def test_turkish_and_russian_are_translations(key):
    texts = {k: re.sub(r"\{[^}]*\}", "", v) for k, v in messages()[key].items()}
    if re.search(r"[A-Za-z]{3}", texts["en"]):
        assert re.search(r"[А-Яа-яЁё]", texts["ru"]), f"{key}: no Cyrillic in {texts['ru']!r}"
    if key not in SAME_IN_TURKISH and re.search(r"[A-Za-z]{3}", texts["en"]):
        assert texts["tr"] != texts["en"], f"{key}: Turkish is the English text"


@pytest.mark.parametrize(
    ("value", "language", "decimals", "expected"),
    [
        (70.25, "en", 1, "70.2"),  # half to even, as Babel (decimal) rounds
        (70.26, "tr", 1, "70,3"),
        (1234.5, "ru", 1, "1\xa0234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "tr", 0, "1.234"),
        (0.0004, "en", 3, "0.000"),
        (-3.14159, "ru", 2, "-3,14"),
        (float("nan"), "tr", 1, "–"),
        (None, "en", 1, "–"),
    ],
)
def test_format_number(value, language, decimals, expected):
    assert format_number(value, language, decimals) == expected


def test_translate_fills_fields_and_refuses_what_it_cannot():
    assert translate("col_ci", "tr", level=90) == "%90 GA"
    with pytest.raises(ParameterError, match="needs level"):
        translate("col_ci", "tr")
    with pytest.raises(ParameterError, match="no such message"):
        translate("no_such_key", "en")
    with pytest.raises(ParameterError, match="language"):
        translate("col_ci", "de", level=95)
    assert check_language("ru") == "ru"


def test_column_labels():
    assert column_label("company_size", "tr") == "Şirket büyüklüğü"
    assert column_label("department", "ru") == "department"
