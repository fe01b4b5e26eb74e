"""Translated group names (cxbench.labels): the file's checks, and that relabelling
renames groups without ever merging, splitting or resizing them (the anonymity rule
works on the groups of the data, whatever they are called)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cxbench as cx
from cxbench.errors import LabelsError
from cxbench.labels import Labels, load_labels

BUNDLED = Path(__file__).parents[1] / "data"


def write(folder: Path, text: str) -> Path:
    path = folder / "labels.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_labels_name_every_sector_and_country_of_the_data():
    labels = load_labels(folder=BUNDLED)
    data = pd.read_csv(BUNDLED / "benchmark_2023.csv")
    for column in ("sector", "country"):
        for value in data[column].dropna().unique():
            assert labels.value(column, value, "ru") != value or value == "Türkiye", value
            assert labels.value(column, value, "en") == value  # English keeps the data's name
    assert labels.value("country", "Türkiye", "ru") == "Турция"
    # the questionnaire's language is a code in the data, a word in every report language
    for value in data["language"].unique():
        assert all(labels.value("language", value, lang) != value for lang in ("en", "tr", "ru"))
    assert labels.value("language", "tr", "tr") == "Türkçe"


def test_relabelling_keeps_every_group_and_its_size(tmp_path):
    labels = load_labels(folder=BUNDLED)
    data = pd.read_csv(BUNDLED / "benchmark_2023.csv")
    labelled = ["sector", "country", "language"]
    for language in ("en", "tr", "ru"):
        shown = labels.relabel(data, language)
        for column in labelled:
            before = data[column].value_counts().sort_index()
            after = shown[column].value_counts()
            renamed = {labels.value(column, k, language): v for k, v in before.items()}
            assert after.to_dict() == renamed
            assert shown[column].isna().sum() == data[column].isna().sum()
        # nothing else changes
        pd.testing.assert_frame_equal(shown.drop(columns=labelled), data.drop(columns=labelled))
    assert data["sector"].iloc[0] in labels.values["sector"]  # the input is not modified


def test_a_missing_value_stays_missing_and_unnamed_values_keep_their_name():
    labels = Labels({"sector": {"Finance": {"tr": "Finans"}}})
    frame = pd.DataFrame({"sector": ["Finance", None, "Telecom", pd.NA], "x": [1, 2, 3, 4]})
    out = labels.relabel(frame, "tr")
    assert out["sector"].tolist()[:3] == ["Finans", None, "Telecom"]
    assert out["sector"].isna().tolist() == [False, True, False, True]


def test_numbers_in_the_data_are_matched_as_text(tmp_path):
    labels = load_labels(write(tmp_path, "size:\n  1: {tr: Küçük}\n  2: {tr: Büyük}\n"))
    out = labels.relabel(pd.DataFrame({"size": [1, 2, 3]}), "tr")
    assert out["size"].tolist() == ["Küçük", "Büyük", "3"]


def test_the_column_label_renames_the_column_and_names_the_heading(tmp_path):
    labels = load_labels(
        write(tmp_path, "branch:\n  _label: {tr: Şube}\n  Hotels: {tr: Oteller}\n")
    )
    out = labels.relabel(pd.DataFrame({"branch": ["Hotels"]}), "tr")
    assert list(out.columns) == ["Şube"] and out["Şube"].tolist() == ["Oteller"]
    assert labels.column("branch", "tr") == labels.heading("branch", "tr") == "Şube"
    assert labels.column("branch", "en") == "branch"
    assert Labels().heading("sector", "ru") == "Отрасль"  # the catalogue's own name


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("sector:\n  A: {tr: X}\n  B: {tr: X}\n", "sector.B.tr", "would both read as 'X'"),
        ("sector:\n  A: {tr: B}\n  B: {}\n", "sector.B.tr", "would both read as 'B'"),
        ("sector:\n  A: {de: A}\n", "sector.A.de", "unknown language"),
        ("sector:\n  A: {tr: ''}\n", "sector.A.tr", "non-empty text"),
        ("sector:\n  A: {tr: [x]}\n", "sector.A.tr", "non-empty text"),
        ("sector:\n  A: {tr: true}\n", "sector.A.tr", "non-empty text"),
        ("sector:\n  A: Finans\n", "sector.A", "must map languages"),
        ("sector: [A, B]\n", "sector", "must map the column's values"),
        ("- sector\n", "", "must map data columns"),
        ("sector: {A: {tr: 'x'}\n", "", "not valid YAML"),
    ],
)
def test_a_bad_labels_file_names_file_key_and_problem(tmp_path, text, key, problem):
    path = write(tmp_path, text)
    with pytest.raises(LabelsError) as caught:
        load_labels(path)
    message = str(caught.value)
    assert message.startswith(str(path.resolve()))
    assert problem in message and (f": {key}: " in message if key else True)


def test_a_name_that_is_another_value_of_the_data_is_refused_when_relabelling(tmp_path):
    """The file alone cannot know the data's other values: 'Finance' named 'Telecom'
    would merge two groups of the data (and could unmask a small one)."""
    labels = load_labels(write(tmp_path, "sector:\n  Finance: {tr: Telecom}\n"))
    frame = pd.DataFrame({"sector": ["Finance", "Telecom"]})
    with pytest.raises(LabelsError, match="'Finance' would read as 'Telecom'"):
        labels.relabel(frame, "tr")
    assert labels.relabel(frame, "ru")["sector"].tolist() == ["Finance", "Telecom"]


def test_swapping_two_names_is_allowed_since_no_group_merges(tmp_path):
    labels = load_labels(write(tmp_path, "s:\n  A: {tr: B}\n  B: {tr: A}\n"))
    assert labels.relabel(pd.DataFrame({"s": ["A", "B", "B"]}), "tr")["s"].tolist() == [
        "B",
        "A",
        "A",
    ]


def test_a_column_label_that_is_another_column_is_refused(tmp_path):
    labels = load_labels(write(tmp_path, "branch:\n  _label: {tr: country}\n"))
    with pytest.raises(LabelsError, match="'country' is already a column"):
        labels.relabel(pd.DataFrame({"branch": ["x"], "country": ["y"]}), "tr")


def test_no_file_means_no_labels_but_a_named_file_must_exist(tmp_path):
    assert load_labels(folder=tmp_path).empty and load_labels().empty
    with pytest.raises(LabelsError, match="no such labels file"):
        load_labels(tmp_path / "nope.yaml")


def test_an_empty_file_is_no_labels(tmp_path):
    assert load_labels(write(tmp_path, "")).empty


def test_a_labels_file_over_the_yaml_size_limit_is_refused_before_it_is_parsed(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(cx.limits, "MAX_YAML_BYTES", 1000)
    path = write(tmp_path, "sector:\n" + "".join(f"  V{i}: {{tr: N{i}}}\n" for i in range(200)))
    with pytest.raises(LabelsError, match=r"refused.*MAX_YAML_BYTES"):
        load_labels(path)


def test_a_bad_labels_file_stops_the_report_set_before_anything_runs(tmp_path, capsys):
    """`cxbench report --labels`: the file is read and checked on the data in every
    language at planning time; a name that would merge two sectors is one line, exit 2,
    and no report folder is made."""
    import shutil

    from cxbench.cli import main

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(BUNDLED / "benchmark_2023.csv", data)
    out = tmp_path / "reports"
    assert main(["report", "--data", str(data), "--out", str(out), "--labels", "nope.yaml"]) == 2
    assert "nope.yaml: no such labels file" in capsys.readouterr().err
    merging = write(tmp_path, "sector:\n  Finance: {ru: Телеком}\n  Telecom: {ru: Телеком}\n")
    assert main(["report", "--data", str(data), "--out", str(out), "--labels", str(merging)]) == 2
    err = capsys.readouterr().err
    assert str(merging) in err and "would both read as 'Телеком'" in err
    assert not out.exists()
