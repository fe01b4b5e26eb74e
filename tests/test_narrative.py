"""Tests for cxbench.narrative: report text per language, data escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from cxbench.errors import ParameterError
from cxbench.i18n import LANGUAGES
from cxbench.narrative import data_note, escape_markdown, paragraph, section, suppressed_note

NOTEBOOK_SECTIONS = [
    "sector_report",
    "sector_overview",
    "sector_differences",
    "sector_tests",
    "sector_pairs",
    "sector_ranking",
    "sector_statements",
    "sector_focus",
    "sector_change",
]
FIELDS = {
    "column": "Sector",
    "column_lower": "sector",
    "edition": 2023,
    "previous": 2022,
    "n": 310,
    "min_n": 5,
    "correction": "holm",
    "confidence": 95,
    "group": "Finance",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", NOTEBOOK_SECTIONS)
def test_every_section_of_the_sector_report_exists_in_every_language(key, language):
    text = section(key, language, level=3, **FIELDS).markdown
    heading, body = text.split("\n\n", 1)
    assert heading.startswith("### ") and len(heading) > 6 and body.strip()
    assert "{" not in text  # every placeholder filled


def test_text_from_data_cannot_inject_markup():
    text = section("sector_focus", "en", group="<img src=x>*bold*").markdown
    assert "<img" not in text and "&lt;img src=x&gt;\\*bold\\*" in text
    assert escape_markdown("a_b [c](d) `e` $f$") == "a\\_b \\[c\\](d) \\`e\\` \\$f\\$"


def test_paragraph_is_in_the_language_asked_for():
    assert paragraph("sector_change_none", "ru").markdown.startswith("В данных")
    with pytest.raises(ParameterError):
        paragraph("sector_change_none", "de")


def test_suppressed_note_only_when_something_was_suppressed():
    none = pd.DataFrame({"dimension": ["measure", "manage"], "groups": [0, 0], "n": [0, 0]})
    assert suppressed_note(none, 5).markdown == ""
    some = pd.DataFrame({"dimension": ["measure", "manage"], "groups": [1, 2], "n": [3, 7]})
    text = suppressed_note(some, 5, "en").markdown
    assert "2 groups" in text and "7 respondents" in text and "fewer than 5" in text


def test_data_note_reads_the_sidecar(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("x\n1\n", encoding="utf-8")
    assert data_note(path).markdown == ""
    (tmp_path / "survey.meta.yaml").write_text("note: SYNTHETIC test data\n", encoding="utf-8")
    assert data_note(path, "tr").markdown == "Veri notu: SYNTHETIC test data"
