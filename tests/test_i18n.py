"""Tests for cxbench.i18n: the message catalogue is complete and consistent, numbers are
written as each language writes them (expectations written by hand from CLDR's
conventions: "." and "," in English, "," and "." in Turkish, "," and a no-break space
in Russian)."""

from __future__ import annotations

import re
import string

import numpy as np
import pandas as pd
import pytest

from cxbench.errors import ParameterError
from cxbench.i18n import LANGUAGES, check_language, column_label, format_number, messages, translate

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
TURKISH_LETTERS = re.compile(r"[çğıöşüÇĞİÖŞÜ]")
WORD = re.compile(r"[A-Za-z]{3}")

# Messages that are names or symbols, the same in every language.
NAMES = {"col_p_adj", "correction_holm", "correction_bonf", "col_nps", "col_correlation"}
# (message, language) pairs that leave out one of the English fields because the
# sentence reads better without it; never a field that English does not have.
FIELD_LEFT_OUT = {("sector_differences_body", "tr"), ("sector_differences_body", "ru")}
# What the charts ask for: each must exist, with these fields.
CHART_MESSAGES = {
    "score_axis": set(),
    "share_of_answers": set(),
    "published": set(),
    "benchmark_mean": {"value"},
    "benchmark_all": set(),
    "dimension_scores_title": set(),
    "heatmap_title": {"column"},
    "likert_title": {"group"},
    "ranking_title": {"dimension"},
    "ci_label": {"level"},
    "n_label": {"n"},
    "group": set(),
    "other_suppressed": {"groups", "n", "min_n"},
}


def _fields(text: str) -> set[str]:
    """The {fields} of a message; {column_lower} is {column} in lower case."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return {"column" if name == "column_lower" else name for name in names}


def _words(text: str) -> str:
    """The text without its {fields}."""
    return re.sub(r"\{[^}]*\}", "", text)


@pytest.mark.parametrize("key", sorted(messages()))
def test_every_message_exists_in_every_language_with_the_same_fields(key):
    texts = messages()[key]
    assert set(texts) == set(LANGUAGES)
    assert all(texts[lang].strip() for lang in LANGUAGES)
    for lang in ("tr", "ru"):
        if (key, lang) in FIELD_LEFT_OUT:
            assert _fields(texts[lang]) < _fields(texts["en"])
        else:
            assert _fields(texts[lang]) == _fields(texts["en"]), f"{key} [{lang}]"


@pytest.mark.parametrize("key", sorted(messages()))
def test_turkish_and_russian_are_translations(key):
    en, tr, ru = (_words(messages()[key][lang]) for lang in LANGUAGES)
    assert not CYRILLIC.search(en + tr), f"{key}: Cyrillic outside Russian"
    assert not TURKISH_LETTERS.search(ru), f"{key}: Turkish letters in Russian"
    if key in NAMES or not WORD.search(en):
        return
    assert CYRILLIC.search(ru), f"{key}: no Cyrillic in {ru!r}"
    assert tr != en, f"{key}: Turkish is the English text"


def test_turkish_texts_are_written_with_turkish_letters():
    """Short words (Grup, Siz, Boyut) need none, but a catalogue of English copies has none."""
    turkish = [_words(t["tr"]) for key, t in messages().items() if key not in NAMES]
    worded = [t for t in turkish if len(re.findall(r"\w+", t)) >= 4]
    with_letters = [t for t in worded if TURKISH_LETTERS.search(t)]
    assert len(with_letters) >= 0.9 * len(worded)


def test_customer_experience_is_named_alike_everywhere():
    for key, texts in messages().items():
        if "customer experience" in texts["en"].lower():
            assert "müşteri deneyim" in texts["tr"].lower(), key
            assert re.search(r"клиентск\w* опыт", texts["ru"].lower()), key


@pytest.mark.parametrize(("key", "fields"), sorted(CHART_MESSAGES.items()))
def test_the_charts_messages_exist_with_their_fields(key, fields):
    assert _fields(messages()[key]["en"]) == fields


def test_chart_messages_read_as_expected():
    assert translate("score_axis") == "Score (% of maximum points)"
    assert translate("published", "tr") == "Yayımlanan değer"
    assert translate("ci_label", "tr", level="95") == "%95 güven aralığı"
    assert translate("ci_label", "ru", level="95") == "95-процентный доверительный интервал"
    assert translate("n_label", "ru", n=format_number(1234, "ru", 0)) == "n = 1\xa0234"
    assert translate("heatmap_title", "en", column="Sector", column_lower="sector") == (
        "Dimension scores by sector"
    )


@pytest.mark.parametrize(
    ("value", "language", "decimals", "expected"),
    [
        (70.25, "en", 1, "70.2"),  # half to even, as Babel (decimal) rounds
        (70.2, "tr", 1, "70,2"),
        (70.26, "tr", 1, "70,3"),
        (70.0, "ru", 1, "70,0"),
        (1234.5, "ru", 1, "1\xa0234,5"),  # CLDR: no-break space groups thousands
        (1234567.0, "ru", 0, "1\xa0234\xa0567"),
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "tr", 0, "1.234"),  # half to even: 1234.5 -> 1234
        (1234.56, "tr", 2, "1.234,56"),
        (0.0004, "en", 3, "0.000"),
        (-3.14159, "ru", 2, "-3,14"),
        (-0.01, "tr", 1, "0,0"),  # no minus sign on a zero
        (np.float64(63.449), "en", 1, "63.4"),
        (np.int64(31), "ru", 0, "31"),
        (float("nan"), "tr", 1, "–"),
        (float("inf"), "en", 1, "–"),
        (None, "en", 1, "–"),
        (pd.NA, "ru", 1, "–"),
    ],
)
def test_format_number(value, language, decimals, expected):
    assert format_number(value, language, decimals) == expected


@pytest.mark.parametrize(
    ("value", "language", "decimals", "message"),
    [
        ("70", "en", 1, "must be a number"),
        (True, "en", 1, "must be a number"),
        ([70.0], "en", 1, "must be a number"),
        (70.0, "de", 1, "must be one of en, tr, ru"),
        (70.0, "en", -1, "decimals"),
        (70.0, "en", 1.5, "decimals"),
    ],
)
def test_format_number_refuses_what_it_cannot_write(value, language, decimals, message):
    with pytest.raises(ParameterError, match=message):
        format_number(value, language, decimals)


def test_translate_fills_fields_and_refuses_what_it_cannot():
    assert translate("col_ci", "tr", level=90) == "%90 GA"
    with pytest.raises(ParameterError, match="needs level"):
        translate("col_ci", "tr")
    with pytest.raises(ParameterError, match="no such message"):
        translate("no_such_key", "en")
    with pytest.raises(ParameterError, match="one of en, tr, ru"):
        translate("col_ci", "de", level=95)
    # a field's value is written as it is, never read as a template
    assert translate("likert_title", "en", group="{n} & $x$") == "Answers per statement: {n} & $x$"


def test_check_language():
    assert [check_language(lang) for lang in LANGUAGES] == ["en", "tr", "ru"]
    for bad in ("EN", "de", "", None):
        with pytest.raises(ParameterError, match="language"):
            check_language(bad)


def test_the_catalogue_is_read_once_and_read_only():
    assert messages() is messages()
    with pytest.raises(TypeError):
        messages()["score_axis"]["en"] = "changed"
    with pytest.raises(TypeError):
        messages()["new"] = {}


def test_column_labels():
    assert column_label("sector", "en") == "Sector"
    assert column_label("company_size", "tr") == "Şirket büyüklüğü"
    assert column_label("department", "ru") == "department"
