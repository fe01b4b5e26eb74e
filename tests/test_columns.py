"""Reading survey-platform exports (cxbench.columns, cxbench.layouts) and ``cxbench map``.

The reference is ``tests/fixtures/exports/canonical.csv``: the same 14 respondents'
answers in cxbench's own layout, hand-picked. Every export fixture (Qualtrics current
and legacy, SurveyMonkey CSV and XLSX, Google Forms, LimeSurvey codes and full text,
Typeform, SPSS; en, tr, ru) was written by ``make_exports.py`` from the platforms'
documented formats, not by cxbench; ``manifest.yaml`` says per file which platform,
header rows, id and sector columns it has (no expected scores). Each export must give
exactly the canonical scores.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import cxbench as cx
from cxbench.cli import main
from cxbench.columns import (
    ColumnsError,
    load_column_mapping,
    map_columns,
    normalise_text,
)
from cxbench.errors import InstrumentError, UnusableFileError
from cxbench.layouts import detect_layout
from cxbench.loading import read_table
from cxbench.rejects import write_rejects
from cxbench.validation import load_responses

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
MANIFEST = yaml.safe_load((EXPORTS / "manifest.yaml").read_text(encoding="utf-8"))
FILES = {entry["file"]: entry for entry in MANIFEST["files"]}
INST = cx.load_instrument()


@pytest.fixture(scope="module")
def canonical():
    report = load_responses(EXPORTS / "canonical.csv", INST)
    assert (report.read, report.rejected) == (14, 0)
    return report.data


def _same_layout(data: pd.DataFrame, entry: dict) -> pd.DataFrame:
    """The export's data with its sector column under the canonical name."""
    return data.rename(columns={entry["group_column"]: "sector"})


# ---------------------------------------------------------------------------
# Every export gives exactly the canonical scores
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILES))
def test_export_scores_equal_the_canonical_layout_exactly(name, canonical):
    """Requirement (issue 12): the scores of each platform export equal those of the
    same answers in cxbench's own layout, exactly: group dimension and statement
    scores, every respondent's dimension scores, in file order."""
    entry = FILES[name]
    report = load_responses(EXPORTS / name, INST)
    assert (report.read, report.accepted, report.rejected) == (14, 14, 0)
    assert report.columns.layout == entry["platform"]
    data = _same_layout(report.data, entry)
    pd.testing.assert_frame_equal(
        cx.dimension_scores(data, INST, by="sector"),
        cx.dimension_scores(canonical, INST, by="sector"),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        cx.item_scores(data, INST, by="sector"),
        cx.item_scores(canonical, INST, by="sector"),
        check_exact=True,
    )
    mine = cx.respondent_scores(data, INST).drop(columns="respondent_id")
    reference = cx.respondent_scores(canonical, INST).drop(columns="respondent_id")
    pd.testing.assert_frame_equal(mine, reference, check_exact=True)
    np.testing.assert_array_equal(
        data[INST.item_ids].to_numpy(float), canonical[INST.item_ids].to_numpy(float)
    )


@pytest.mark.parametrize("name", sorted(FILES))
def test_export_ids_and_row_numbers_are_the_platforms(name):
    """The id column is the platform's response id (Google Forms has none: the row),
    and row numbers count the platform's header rows as file rows."""
    entry = FILES[name]
    table = read_table(EXPORTS / name)
    report = load_responses(EXPORTS / name, INST)
    if entry["ids"] is None:
        assert report.columns.id_column is None
        expected = [f"row {r}" for r in table.rows]
    else:
        assert report.columns.id_column == entry["id_column"]
        expected = entry["ids"]
    assert report.data["respondent_id"].astype(str).tolist() == expected
    if entry["header_rows"]:  # text and worksheet formats: the first respondent's row
        assert table.rows[0] == entry["header_rows"] + 1
        assert len(table.header_rows) == entry["header_rows"] - 1


@pytest.mark.parametrize("name", sorted(FILES))
def test_map_names_every_item_of_every_export(name, capsys):
    """Requirement: `cxbench map` names every item, its column and how it matched."""
    assert main(["map", str(EXPORTS / name), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert [i["item"] for i in record["items"]] == INST.item_ids
    assert record["missing"] == []
    assert record["layout"] == FILES[name]["platform"]
    assert record["rows"] == 14
    columns = [i["column"] for i in record["items"]]
    assert len(set(columns)) == 12
    hows = {i["how"] for i in record["items"]}
    language = FILES[name]["language"]
    if name.startswith("limesurvey_codes"):
        assert hows == {"mapping"}
    else:  # found by the statement's text, in the file's language
        assert {h.removesuffix("-cut") for h in hows} == {f"text-{language}"}


def test_map_text_output_lists_layout_id_items_and_leftovers(capsys):
    path = EXPORTS / "qualtrics_codes_en.csv"
    assert main(["map", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (f"{path}: layout qualtrics (Qualtrics, 3 header rows); 14 rows")
    assert "id column: 'ResponseId' (the Qualtrics response id)" in out
    assert out.splitlines()[3].split() == ["item", "column", "how", "matched"]
    assert out.splitlines()[4].startswith("measure_1  Q1_1    text-en  How much do you agree")
    assert "columns left over (18): StartDate, EndDate, Status" in out
    assert "sector" in out.split("columns left over")[1]


# ---------------------------------------------------------------------------
# Ambiguous and incomplete exports: exit 2, naming the columns
# ---------------------------------------------------------------------------


def _qualtrics_rows(name: str = "qualtrics_codes_en.csv") -> list[list[str]]:
    with (EXPORTS / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_two_columns_for_one_item_is_exit_2_naming_both(tmp_path, capsys):
    """Requirement: two columns with measure_3's statement are an error naming both."""
    rows = _qualtrics_rows()
    where = rows[0].index("Q1_3")
    for record in rows:
        record.append(record[where])
    rows[0][-1], rows[2][-1] = "Q9", '{"ImportId":"QID9"}'
    path = _write_rows(tmp_path / "twice.csv", rows)
    assert main(["map", str(path)]) == 2
    err = capsys.readouterr().err
    assert "two columns for one item: 'Q1_3' and 'Q9' both match 'measure_3'" in err
    assert main(["validate", str(path), "--format", "json"]) == 2
    record = json.loads(capsys.readouterr().out)
    assert (record["kind"], record["conflicts"]) == ("columns", ["Q1_3", "Q9"])


def test_one_column_for_two_items_is_exit_2_naming_both(tmp_path, capsys):
    """A mapping file that gives one column to two items is refused, naming both."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("items: {measure_1: Q1_1, measure_2: Q1_1}\n", encoding="utf-8")
    path = EXPORTS / "qualtrics_codes_en.csv"
    assert main(["validate", str(path), "--columns", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert "one column for two items: 'Q1_1' is both 'measure_1' and 'measure_2'" in err


def test_incomplete_export_names_missing_items_and_the_near_miss(tmp_path, capsys):
    """Requirement: a missing statement and a near miss (one word changed) give exit 2;
    the message names both items and suggests the near-miss column, which is not used."""
    rows = _qualtrics_rows()
    drop = rows[0].index("Q1_12")
    rows = [r[:drop] + r[drop + 1 :] for r in rows]
    near = rows[0].index("Q1_5")
    rows[1][near] = rows[1][near].replace("every department", "each department")
    path = _write_rows(tmp_path / "incomplete.csv", rows)
    assert main(["map", str(path), "--format", "json"]) == 2
    out, err = capsys.readouterr()
    record = json.loads(out)
    assert record["missing"] == [
        {"item": "manage_1", "closest": ["Q1_5"]},
        {"item": "master_4", "closest": []},
    ]
    assert "Q1_5" in record["leftover"]
    assert "manage_1 (closest: 'Q1_5'), master_4; see cxbench map" in err
    with pytest.raises(ColumnsError, match=r"manage_1 \(closest: 'Q1_5'\)") as info:
        load_responses(path, INST)
    assert info.value.missing == {"manage_1": ("Q1_5",), "master_4": ()}


def test_export_of_another_questionnaire_finds_nothing(tmp_path):
    """Text that merely resembles no statement matches nothing (no guessing)."""
    rows = _qualtrics_rows()
    for position, text in enumerate(rows[1]):
        if " - " in text:
            rows[1][position] = "Rate us - " + text.split(" - ")[1][::-1]
    found = map_columns(read_table(_write_rows(tmp_path / "other.csv", rows)), INST)
    assert found.matches == () and len(found.missing) == 12


# ---------------------------------------------------------------------------
# The mapping file
# ---------------------------------------------------------------------------


def test_mapping_file_wins_over_statement_text(tmp_path, canonical):
    """Requirement: a mapping file wins over everything: measure_1 and measure_2
    swapped in it are read swapped."""
    mapping = tmp_path / "swap.yaml"
    mapping.write_text("items:\n  measure_1: Q1_2\n  measure_2: Q1_1\n", encoding="utf-8")
    report = load_responses(EXPORTS / "qualtrics_codes_en.csv", INST, columns=mapping)
    hows = {m.item: m.how for m in report.columns.matches}
    assert hows["measure_1"] == hows["measure_2"] == "mapping"
    assert hows["measure_3"] == "text-en"
    pd.testing.assert_series_equal(
        report.data["measure_1"], canonical["measure_2"], check_names=False
    )


def test_map_write_then_columns_reads_the_same(tmp_path, capsys, canonical):
    """`cxbench map --write` writes a mapping that `--columns` reads back to the same
    answers (every item then found 'by mapping')."""
    target = tmp_path / "qualtrics.columns.yaml"
    path = EXPORTS / "surveymonkey_en.xlsx"
    assert main(["map", str(path), "--write", str(target)]) == 0
    capsys.readouterr()
    mapping = load_column_mapping(target, INST)
    assert mapping.id == "Respondent ID" and mapping.layout == "surveymonkey"
    report = load_responses(path, INST, columns=target)
    assert {m.how for m in report.columns.matches} == {"mapping"}
    np.testing.assert_array_equal(
        report.data[INST.item_ids].to_numpy(float), canonical[INST.item_ids].to_numpy(float)
    )


def test_map_write_on_an_incomplete_export_leaves_the_gaps_to_fill(tmp_path, capsys):
    path = tmp_path / "codes.csv"
    shutil.copy(EXPORTS / "limesurvey_codes_en.csv", path)  # without its mapping file
    target = tmp_path / "map.yaml"
    assert main(["map", str(path), "--write", str(target)]) == 2
    capsys.readouterr()
    text = target.read_text(encoding="utf-8")
    assert "  measure_1: null  # not found" in text
    assert load_column_mapping(target, INST).items == {}


def test_sidecar_mapping_is_read_by_load_responses():
    """The codes-only LimeSurvey export is read through its <stem>.columns.yaml."""
    report = load_responses(EXPORTS / "limesurvey_codes_en.csv", INST)
    assert {m.how for m in report.columns.matches} == {"mapping"}
    assert report.columns.id_source == "named by the mapping file"


def test_mapping_answers_recode_values(tmp_path, canonical):
    """`answers:` in a mapping file code any value, numbers included (a tool that
    numbered the options from 'Strongly agree' = 1)."""
    mapping = tmp_path / "reversed.yaml"
    mapping.write_text("answers: {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}\n", encoding="utf-8")
    report = load_responses(EXPORTS / "qualtrics_codes_en.csv", INST, columns=mapping)
    np.testing.assert_array_equal(
        report.data[INST.item_ids].to_numpy(float),
        6 - canonical[INST.item_ids].to_numpy(float),
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("items: {measure_9: Q1}\n", "items.measure_9: not an item of instrument"),
        ("items: [Q1]\n", "items: must map item ids to column names"),
        ("answers: {A1: 9}\n", "answers.A1: 9 is outside the scale 1–5"),
        ("answers: {A1: one}\n", "answers.A1: must be a whole number of points"),
        ("colums: {}\n", "unknown key 'colums'"),
        ("layout: excel\n", "layout: 'excel' is not a layout"),
        ("- a\n- b\n", "a mapping file is a YAML mapping"),
        ("items: {measure_1: [\n", "not a readable mapping file"),
    ],
)
def test_bad_mapping_file_names_the_file_and_key(tmp_path, text, problem):
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnusableFileError, match=problem) as info:
        load_column_mapping(path, INST)
    assert str(info.value).startswith(str(path))


def test_mapping_names_a_column_the_file_lacks(tmp_path, capsys):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("items: {measure_1: Q1_01}\n", encoding="utf-8")
    code = main(["validate", str(EXPORTS / "qualtrics_codes_en.csv"), "--columns", str(mapping)])
    assert code == 2
    err = capsys.readouterr().err
    assert "gives column 'Q1_01' for 'measure_1', and the file has no such column" in err
    assert "closest: 'Q1_1'" in err


# ---------------------------------------------------------------------------
# Aliases, codes and id columns declared in the instrument
# ---------------------------------------------------------------------------


def _instrument_with(tmp_path: Path, edit) -> cx.Instrument:
    raw = yaml.safe_load(
        Path(cx.instrument.__file__)
        .with_name("instruments")
        .joinpath("digital-cx-2023.yaml")
        .read_text(encoding="utf-8")
    )
    edit(raw)
    path = tmp_path / "inst.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return cx.load_instrument(path)


def test_instrument_aliases_find_limesurvey_codes(tmp_path, canonical):
    """`columns:` in the instrument: `Q1[SQ00k]` codes match without a mapping file."""

    def add_aliases(raw):
        items = [i for d in raw["dimensions"] for i in d["items"]]
        for k, item in enumerate(items, 1):
            item["columns"] = [f"Q1[SQ{k:03d}]"]

    inst = _instrument_with(tmp_path, add_aliases)
    path = tmp_path / "codes.csv"
    shutil.copy(EXPORTS / "limesurvey_codes_en.csv", path)
    report = load_responses(path, inst)
    assert {m.how for m in report.columns.matches} == {"alias"}
    assert report.columns.id_column == "id"
    np.testing.assert_array_equal(
        report.data[inst.item_ids].to_numpy(float), canonical[inst.item_ids].to_numpy(float)
    )


def test_qualtrics_import_id_is_an_alias_too(tmp_path):
    def add_aliases(raw):
        raw["dimensions"][0]["items"][0]["columns"] = ["QID1_1"]

    inst = _instrument_with(tmp_path, add_aliases)
    found = map_columns(read_table(EXPORTS / "qualtrics_text_ru.csv"), inst)
    assert found.matches[0].how == "alias" and found.matches[0].column == "Q1_1"


def test_instrument_codes_and_id_columns(tmp_path):
    """`scale.codes` (lowest first) code answers; `id_columns` choose the id column."""

    def edit(raw):
        raw["scale"]["codes"] = ["SD", "D", "N", "A", "SA"]
        raw["id_columns"] = ["Org code"]

    inst = _instrument_with(tmp_path, edit)
    header = ["Org code", "ResponseId", *inst.item_ids]
    path = tmp_path / "s.csv"
    path.write_text(
        ",".join(header) + "\nORG-1,R_1," + ",".join(["SA", "sd", "N", "A"] * 3) + "\n",
        encoding="utf-8",
    )
    report = load_responses(path, inst)
    assert report.columns.id_column == "Org code"
    assert report.data["respondent_id"].tolist() == ["ORG-1"]
    assert report.data[inst.item_ids[:4]].to_numpy().tolist() == [[5.0, 1.0, 3.0, 4.0]]


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda raw: raw["scale"].update(codes=["a", "b"]), "scale.codes"),
        (lambda raw: raw["scale"].update(codes={"x": 9}), "scale.codes.x"),
        (lambda raw: raw["scale"].update(codes={"Agree": 1}), "scale.codes.Agree"),
        (lambda raw: raw.update(id_columns=[{"a": 1}]), "id_columns"),
        (lambda raw: raw["dimensions"][0]["items"][0].update(columns=[True]), "columns"),
    ],
)
def test_bad_instrument_codes_aliases_and_ids_are_named(tmp_path, edit, key):
    with pytest.raises(InstrumentError, match=key.replace(".", r"\.")):
        _instrument_with(tmp_path, edit)


# ---------------------------------------------------------------------------
# Rejected rows keep the file's own header and rows
# ---------------------------------------------------------------------------


def test_rejects_of_a_qualtrics_export_keep_its_three_header_rows(tmp_path, capsys):
    """Requirement: the rejects file keeps the file's header and rows unchanged; its
    row numbers count Qualtrics' header rows; the corrected file reads back as an export."""
    rows = _qualtrics_rows()
    q13 = rows[0].index("Q1_3")
    rows[4][q13] = "7"  # the second respondent, line 5 of the file
    path = _write_rows(tmp_path / "bad.csv", rows)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "row 5, column 'Q1_3 (measure_3)', value '7': outside the scale 1–5" in out
    with (tmp_path / "bad.rejects.csv").open(encoding="utf-8", newline="") as handle:
        rejects = list(csv.reader(handle))
    assert rejects[0] == ["source_row", *rows[0], "reject_reason"]
    assert rejects[1] == ["", *rows[1], ""]
    assert rejects[2] == ["", *rows[2], ""]
    assert rejects[3][:-1] == ["5", *rows[4]]
    assert len(rejects) == 4
    # corrected and read back: still a Qualtrics export, the row accepted
    rejects[3][1 + q13] = "4"
    fixed = _write_rows(tmp_path / "fixed.csv", [r[1:-1] for r in rejects])
    again = load_responses(fixed, INST)
    assert (again.columns.layout, again.accepted, again.rejected) == ("qualtrics", 1, 0)


def test_rejects_of_a_surveymonkey_export_keep_blank_headers(tmp_path):
    rows = []
    with (EXPORTS / "surveymonkey_en.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[2][rows[1].index(rows[1][12])] = "Maybe"
    path = _write_rows(tmp_path / "sm.csv", rows)
    report = load_responses(path, INST)
    assert report.rejected == 1 and report.errors[0].row == 3
    out = write_rejects(report, tmp_path / "sm.rejects.csv")
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0][1:-1] == rows[0]  # blank cells over the matrix kept blank
    assert written[1][1:-1] == rows[1]
    assert written[2][1:-1] == rows[2]


def test_rejects_never_overwrite_the_input(tmp_path, capsys):
    rows = _qualtrics_rows()
    rows[3][rows[0].index("Q1_1")] = "9"
    path = _write_rows(tmp_path / "bad.csv", rows)
    before = path.read_bytes()
    assert main(["validate", str(path), "--rejects", str(path)]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------
# Layouts and text normalisation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "rows", "layout"),
    [
        (["ResponseId", "Q1_1"], [["Response ID", "S"], ['{"ImportId":"x"}', "y"]], "qualtrics"),
        (["V1", "V2", "Q1_1"], [["ResponseID", "ResponseSet", "S"]], "qualtrics-legacy"),
        (["Respondent ID", "Collector ID", "Q", ""], [["", "", "A", "B"]], "surveymonkey"),
        (["Who", "Question", ""], [["", "Response", "B"]], "surveymonkey"),
        (["Zaman damgası", "Sektör"], [["14.03.2023 10:27:41", "Finans"]], "google-forms"),
        (["Отметка времени", "Сектор"], [["14.03.2023", "Банк"]], "google-forms"),
        (["id", "submitdate", "lastpage", "Q1[SQ001]"], [["1", "2023", "2", "A1"]], "limesurvey"),
        (["ID ответа", "Дата записи", "Сектор"], [["1", "2023", "Банк"]], "limesurvey"),
        (["#", "Q", "Submit Date (UTC)"], [["abc", "4", "2023"]], "typeform"),
        (["respondent_id", "sector"], [["R1", "Bank"]], "cxbench"),
        (["org", "Timestamp"], [["R1", "2023"]], "generic"),
        (["ResponseId", "Q1_1"], [["R_1", "4"]], "generic"),
        (["#", "Q"], [["abc", "4"]], "generic"),
    ],
)
def test_layout_is_recognised_from_header_and_first_rows(header, rows, layout):
    assert detect_layout(header, rows).name == layout


def test_forced_layout_takes_its_header_rows(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b\nquestion a,question b\n1,2\n", encoding="utf-8")
    assert read_table(path).rows == [2, 3]
    table = read_table(path, layout="qualtrics-legacy")
    assert (table.rows, table.texts["a"]) == ([3], ("question a",))
    with pytest.raises(UnusableFileError, match="unknown layout 'excel'"):
        read_table(path, layout="excel")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("KPI'lar yönetim kuruluna raporlanıyor.", "KPI’LAR YÖNETİM KURULUNA RAPORLANIYOR"),
        ("Müşteri geri bildirimi", "Mu\u0308s\u0327teri geri bildirimi"),  # NFD
        ("site, app, e-mail", "site, app, e\u2011mail"),  # non-breaking hyphen
        ("a  b\tc", " a b c "),
        ("«Done»?", '"done"'),
        ("<p>Agree &amp; act</p>", "agree & act!"),
    ],
)
def test_normalise_text_folds_what_platforms_change(a, b):
    assert normalise_text(a) == normalise_text(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("We measure", "We measured"), ("e-mail", "email"), ("ölçme", "olcme")],
)
def test_normalise_text_keeps_what_makes_words_differ(a, b):
    assert normalise_text(a) != normalise_text(b)


def test_spss_user_missing_and_value_labels_are_used(canonical):
    """SPSS: -99 declared user-missing is a missing answer (kept as -99 in the data read),
    and codes 0-4 whose value labels are the scale labels are coded by the labels."""
    table = read_table(EXPORTS / "spss_ru.sav")
    assert (table.data[[f"Q1_{k}" for k in range(1, 13)]] == -99).to_numpy().sum() == 6
    assert table.value_labels["Q1_1"][0.0] == "Полностью не согласен"
    report = load_responses(EXPORTS / "spss_ru.sav", INST)
    assert int(report.data[INST.item_ids].isna().to_numpy().sum()) == 6
    assert report.data["measure_1"].tolist() == canonical["measure_1"].tolist()


# ---------------------------------------------------------------------------
# Another instrument: 7 points, two dimensions, English and Turkish, a reversed item
# ---------------------------------------------------------------------------

SEVEN = """\
id: service-7
scale:
  min: 1
  max: 7
  labels:
    en: [Never, Very rarely, Rarely, Sometimes, Often, Very often, Always]
    tr: [Hiçbir zaman, Çok nadiren, Nadiren, Bazen, Sık sık, Çok sık, Her zaman]
dimensions:
  - id: listen
    label: {en: Listen, tr: Dinleme}
    items:
      - id: listen_1
        text:
          en: We ask customers after every contact.
          tr: Her temastan sonra müşteriye soruyoruz.
      - id: listen_2
        reverse: true
        text: {en: Complaints go unanswered., tr: Şikâyetler yanıtsız kalıyor.}
  - id: act
    label: {en: Act, tr: Harekete geçme}
    items:
      - id: act_1
        text:
          en: Teams change processes because of feedback.
          tr: Ekipler geri bildirim yüzünden süreçleri değiştiriyor.
"""


def test_another_instrument_from_a_turkish_google_forms_export(tmp_path):
    """A 7-point instrument of our own, answered in Turkish through Google Forms: items
    found by their Turkish text, labels coded on the 7-point scale, the reversed item
    flipped in scoring; the scores are checked by hand below."""
    path = tmp_path / "seven.yaml"
    path.write_text(SEVEN, encoding="utf-8")
    inst = cx.load_instrument(path)
    stem = "Ne sıklıkla?"
    header = ["Zaman damgası", "Sektör"] + [f"{stem} [{i.text['tr']}]" for i in inst.items]
    answers = [["Çok sık", "Çok nadiren", "Her zaman"], ["Bazen", "Her zaman", "Hiçbir zaman"]]
    export = tmp_path / "forms.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerow(["14.03.2023 10:27:41", "Banka", *answers[0]])
        out.writerow(["14.03.2023 11:02:13", "Banka", *answers[1]])
    report = load_responses(export, inst)
    assert report.columns.layout == "google-forms"
    assert [m.how for m in report.columns.matches] == ["text-tr"] * 3
    assert report.data[inst.item_ids].to_numpy().tolist() == [[6.0, 2.0, 7.0], [4.0, 7.0, 1.0]]
    scores = cx.dimension_scores(report.data, inst, min_n=1).set_index("dimension")["score"]
    # sum / max: listen (6 + (8 - 2)) / 14 = 85.71 % and (4 + 1) / 14 = 35.71 %;
    # act 7/7 = 100 % and 1/7 = 14.29 %; group scores are the respondents' means
    assert scores["listen"] == pytest.approx((12 / 14 + 5 / 14) / 2 * 100)
    assert scores["act"] == pytest.approx((7 / 7 + 1 / 7) / 2 * 100)
