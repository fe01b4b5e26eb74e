"""Tests for cxbench.commentary: the bundled commentary, and every error a user can make."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from cxbench.commentary import load_commentary
from cxbench.errors import CommentaryError
from cxbench.instrument import load_instrument

ROOT = Path(__file__).resolve().parents[1]
THEMES = load_instrument().report_themes
PANEL = {
    "experts": [
        {"id": "a", "name": "Panellist A", "role": "CX consultant", "organisation": "a firm"}
    ]
}
ENTRY = {
    "theme": "future",
    "expert": "a",
    "language": "en",
    "question": "What next?",
    "answer": "Closing the loop.",
}


def _write(folder: Path, panel=PANEL, entries=(ENTRY,)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "panel.yaml").write_text(yaml.safe_dump(panel), encoding="utf-8")
    (folder / "entries.yaml").write_text(yaml.safe_dump({"entries": list(entries)}), "utf-8")
    return folder


def test_the_bundled_commentary_covers_every_theme_in_every_language():
    commentary = load_commentary(ROOT / "data" / "commentary" / "2023")
    assert commentary.example  # illustrative panel, marked as an example
    counts = Counter((e.theme, e.language) for e in commentary.entries)
    assert {(t, lang) for t in THEMES for lang in ("en", "tr", "ru")} <= set(counts)
    for expert in commentary.experts.values():
        assert set(expert.name) == set(expert.role) == {"en", "tr", "ru"}
    # every question exists in the three languages, by the same expert
    trios = Counter((e.theme, e.expert) for e in commentary.entries)
    assert all(count % 3 == 0 for count in trios.values())


def test_a_valid_folder_loads(tmp_path):
    commentary = load_commentary(_write(tmp_path / "c"))
    (entry,) = commentary.for_theme("future", "en")
    assert entry.answer == "Closing the loop."
    assert commentary.experts["a"].attribution("en") == "Panellist A, CX consultant, a firm"
    assert commentary.for_theme("future", "tr") == []


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        ({"theme": "weather"}, "entries[0].theme", "unknown theme 'weather'"),
        ({"expert": "zed"}, "entries[0].expert", "unknown expert 'zed'"),
        ({"language": "de"}, "entries[0].language", "unknown language 'de'"),
        ({"answer": "  "}, "entries[0].answer", "empty"),
        ({"question": None}, "entries[0].question", "missing"),
    ],
)
def test_entry_errors_name_the_file_and_key(tmp_path, change, key, problem):
    folder = _write(tmp_path / "c", entries=[ENTRY | change])
    with pytest.raises(CommentaryError) as info:
        load_commentary(folder)
    message = str(info.value)
    assert str(folder / "entries.yaml") in message and key in message and problem in message


def test_a_first_edition_without_commentary_is_an_empty_commentary(tmp_path):
    """No folder, an empty folder, or a panel with no entries yet: no expert answers."""
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "nowhere", tmp_path / "empty", _write(tmp_path / "p", entries=[])):
        commentary = load_commentary(folder)
        assert commentary.empty and commentary.entries == ()
        assert commentary.for_theme("future", "en") == []
    assert not load_commentary(_write(tmp_path / "c")).empty


def test_panel_and_folder_errors(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(CommentaryError, match="not a folder"):
        load_commentary(tmp_path / "file")
    folder = tmp_path / "no_panel"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntheme: future\n---\nx", encoding="utf-8")
    with pytest.raises(CommentaryError, match=r"panel\.yaml.*missing"):
        load_commentary(folder)
    twice = {"experts": PANEL["experts"] * 2}
    with pytest.raises(CommentaryError, match="duplicate expert 'a'"):
        load_commentary(_write(tmp_path / "twice", panel=twice))
    with pytest.raises(CommentaryError, match=r"experts\[0\].role"):
        load_commentary(
            _write(
                tmp_path / "role",
                panel={"experts": [{"id": "a", "name": "A", "organisation": "o"}]},
            )
        )
    broken = _write(tmp_path / "broken")
    (broken / "entries.yaml").write_text("entries: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommentaryError, match="not valid YAML"):
        load_commentary(broken)


def test_markdown_entries_with_front_matter(tmp_path):
    folder = _write(tmp_path / "md", entries=[])
    (folder / "entries.yaml").unlink()
    (folder / "q1.md").write_text(
        "---\ntheme: success\nexpert: a\nlanguage: ru\nquestion: Что дальше?\n---\n\n"
        "Ответ с **Markdown**.\n",
        encoding="utf-8",
    )
    (entry,) = load_commentary(folder).for_theme("success", "ru")
    assert entry.answer == "Ответ с **Markdown**."
    (folder / "q2.md").write_text("theme: success\n", encoding="utf-8")
    with pytest.raises(CommentaryError, match="front matter"):
        load_commentary(folder)


SECOND = """
id: service-2025
scale: {min: 1, max: 7}
dimensions:
  - id: speed
    label: {en: Speed, tr: Hız}
    theme: {id: waiting, title: {en: Waiting less, tr: Daha az beklemek}}
    items: [{id: s1, text: {en: We answer fast., tr: Hızlı yanıt veririz.}}]
  - id: care
    label: {en: Care}
    items: [{id: c1, text: {en: We listen., tr: Dinleriz.}}]
"""


def test_themes_come_from_the_instrument(tmp_path):
    """Another instrument's themes: its declared theme, else the dimension's id."""
    path = tmp_path / "second.yaml"
    path.write_text(SECOND, encoding="utf-8")
    inst = load_instrument(path)
    assert inst.report_themes == (
        "dimension_scores", "waiting", "care", "sector_scores", "success",
        "general_reaction", "future",
    )  # fmt: skip
    assert inst.dimension("care").theme.heading("tr") == "Care"
    ok = _write(tmp_path / "ok", entries=[ENTRY | {"theme": "waiting"}])
    assert len(load_commentary(ok, inst).for_theme("waiting", "en")) == 1
    # the bundled instrument's theme is unknown to this one, named with the file
    bundled = _write(tmp_path / "bundled", entries=[ENTRY | {"theme": "mastering"}])
    with pytest.raises(CommentaryError) as info:
        load_commentary(bundled, inst)
    message = str(info.value)
    assert str(bundled / "entries.yaml") in message and "unknown theme 'mastering'" in message
    assert "waiting, care" in message
