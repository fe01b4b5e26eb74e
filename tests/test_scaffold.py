"""``cxbench init``: the project folder a research team starts from, checked file by file,
and the report set made on it as soon as a survey file is dropped in."""

from __future__ import annotations

import re

import pytest
import yaml
from test_other_instrument import INSTRUMENT, survey

from cxbench.cli import main
from cxbench.commentary import load_commentary
from cxbench.errors import CommentaryError, ParameterError
from cxbench.instrument import load_instrument
from cxbench.labels import load_labels
from cxbench.scaffold import init_project


@pytest.fixture
def project(tmp_path):
    return init_project(tmp_path / "team", instrument=INSTRUMENT, edition=2026)


def test_the_project_has_every_file_cxbench_reads(project):
    root = project.root
    names = {p.relative_to(root).as_posix() for p in project.files}
    assert {"README.md", "instrument.yaml", "data/README.md", "data/labels.yaml"} <= names
    assert "data/commentary/2026/panel.yaml" in names
    assert all(p.is_file() for p in project.files) and (root / "reports").is_dir()
    # the instrument is copied as written, comments and all, and loads as the original
    assert (root / "instrument.yaml").read_bytes() == INSTRUMENT.read_bytes()
    copy, original = load_instrument(root / "instrument.yaml"), load_instrument(INSTRUMENT)
    assert copy.item_ids == original.item_ids and copy.report_themes == original.report_themes


def test_there_is_one_commentary_template_per_report_theme_in_order(project):
    inst = load_instrument(INSTRUMENT)
    folder = project.root / "data" / "commentary" / "2026"
    templates = sorted(folder.glob("*.yaml.template"))
    themes = [re.sub(r"^\d+-", "", p.name.removesuffix(".yaml.template")) for p in templates]
    assert themes == list(inst.report_themes)
    for path, theme in zip(templates, themes, strict=True):
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
        assert {e["theme"] for e in entries} == {theme}
        assert [e["language"] for e in entries] == ["en", "tr"]  # the instrument's languages


def test_the_templates_are_not_commentary_until_filled_in_and_renamed(project):
    folder = project.root / "data" / "commentary" / "2026"
    inst = load_instrument(INSTRUMENT)
    assert load_commentary(folder, inst).empty  # a first year: reports without answers
    template = next(folder.glob("02-*.yaml.template"))
    renamed = template.with_name(template.name.removesuffix(".template"))
    renamed.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CommentaryError) as caught:  # renamed but not filled in
        load_commentary(folder, inst)
    assert str(renamed) in str(caught.value)
    entries = yaml.safe_load(renamed.read_text(encoding="utf-8"))
    for entry in entries["entries"]:
        entry["question"], entry["answer"] = "Why?", f"Because ({entry['language']})."
    renamed.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    theme = inst.report_themes[1]
    answers = load_commentary(folder, inst).for_theme(theme, "tr")
    assert [a.answer for a in answers] == ["Because (tr)."]


def test_the_data_readme_names_the_file_and_every_statement(project):
    text = (project.root / "data" / "README.md").read_text(encoding="utf-8")
    assert "benchmark_2026.csv" in text and "| `sector` |" in text
    for item in load_instrument(INSTRUMENT).items:
        assert f"| `{item.id}` |" in text
    assert "answered 1–7" in text


def test_the_labels_template_is_a_valid_empty_labels_file(project):
    assert load_labels(project.root / "data" / "labels.yaml").empty


def test_a_folder_that_is_not_empty_or_a_file_is_refused_and_left_alone(tmp_path):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ParameterError, match="not empty: nothing is overwritten"):
        init_project(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    with pytest.raises(ParameterError, match="is not a folder"):
        init_project(tmp_path / "keep.txt")


def test_a_language_the_instrument_lacks_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ParameterError, match="ru"):
        init_project(tmp_path / "p", instrument=INSTRUMENT, languages=["en", "ru"])
    assert not (tmp_path / "p").exists()


def test_the_command_prints_the_next_commands(tmp_path, capsys):
    assert main(["init", str(tmp_path / "p"), "--edition", "2030", "--languages", "en,ru"]) == 0
    out = capsys.readouterr().out
    assert f"cxbench report --data {tmp_path / 'p' / 'data'}" in out
    assert "benchmark_2030.csv" in out
    panel = yaml.safe_load((tmp_path / "p/data/commentary/2030/panel.yaml").read_text("utf-8"))
    assert set(panel["experts"][0]["name"]) == {"en", "ru"}
    assert main(["init", str(tmp_path / "p")]) == 2
    assert "not empty" in capsys.readouterr().err


@pytest.mark.slow
def test_cxbench_report_works_on_the_project_once_a_survey_is_dropped_in(project, capsys):
    root = project.root
    survey().rename(columns={"branch": "sector"}).to_csv(
        root / "data" / "benchmark_2026.csv", index=False
    )
    # the printed command, as a user would run it
    command = project.commands[-1].split()
    assert command[:2] == ["cxbench", "report"]
    assert main([*command[1:], "--no-progress", "--jobs", "2"]) == 0
    captured = capsys.readouterr()
    assert "6 of 6 reports made" in captured.out
    assert "no commentary for edition 2026" in captured.err
    assert (root / "reports" / "2026" / "tr" / "benchmark.html").is_file()


def test_the_theme_template_is_cxbench_s_look_once_renamed(project):
    from cxbench.theme import DEFAULT_THEME, load_theme

    root = project.root
    template = root / "data" / "theme.yaml.template"
    assert template in project.files
    theme = root / "data" / "theme.yaml"
    theme.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load_theme(theme)
    assert loaded.palette() == DEFAULT_THEME.palette() and loaded.organisation == ""
