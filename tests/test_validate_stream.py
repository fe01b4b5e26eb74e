"""Validation chunk by chunk (cxbench.validation.validate_file) against the whole-file path.

Reference: :func:`cxbench.validation.load_responses` and
:func:`cxbench.rejects.write_rejects` on the same file: the counts, every error and
the rejects file's bytes must be the same, whatever the chunk size. The files are
small, hand-made in ``tmp_path`` or the platform exports in ``tests/fixtures/exports``;
chunks of 1, 2, 3 ... records put every boundary between two rows at least once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _factories import EN, HEADER, ITEMS, delimited, row, write_csv, write_xlsx

import cxbench.loading
from cxbench.cli import main
from cxbench.errors import ParameterError, UnusableFileError
from cxbench.loading import iter_table_chunks, read_table
from cxbench.rejects import write_rejects
from cxbench.validation import _SeenIds, load_responses, validate_file

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
CHUNKS = [1, 2, 3, 5, 1000]


def whole(path: Path, folder: Path, **options) -> tuple:
    """The whole-file path: report and rejects file bytes."""
    report = load_responses(path, **options)
    return report, write_rejects(report, folder / "whole.rejects.csv").read_bytes()


def assert_same_as_whole(
    path: Path, folder: Path, chunks=CHUNKS, stream_options=None, **options
) -> None:
    """validate_file gives what load_responses + write_rejects give, for every chunk size."""
    expected, expected_bytes = whole(path, folder, **options)
    for chunk_rows in chunks:
        out = folder / f"stream-{chunk_rows}.rejects.csv"
        got = validate_file(
            path, rejects=out, chunk_rows=chunk_rows, **options, **(stream_options or {})
        )
        where = f"chunk_rows={chunk_rows}"
        assert (got.read, got.accepted, got.rejected) == (
            expected.read,
            expected.accepted,
            expected.rejected,
        ), where
        assert got.read == got.accepted + got.rejected, where
        assert [str(e) for e in got.errors] == [str(e) for e in expected.errors], where
        assert got.more_errors == 0, where
        assert out.read_bytes() == expected_bytes, where
        assert got.columns == expected.columns, where
        assert got.intake() == expected.intake(), where
        assert (got.path, got.id_column) == (expected.path, expected.id_column), where
        assert got.source_header == expected.source_header, where
        assert got.source_header_rows == expected.source_header_rows, where
        assert got.data.empty and list(got.data.columns) == list(expected.data.columns), where
        assert got.rejects.empty, where
        assert got.to_json() == expected.to_json(), where


# ---------------------------------------------------------------------------
# The same result as the whole-file path
# ---------------------------------------------------------------------------


def test_a_plain_file_with_every_kind_of_reject(tmp_path):
    """cxbench's own layout: labels, bad answers, missing and repeated ids (repeats far
    apart, thrice, with white space around), short and long rows, blank and
    white-space-only lines, a quoted cell over two lines (line numbers move on)."""
    rows = [
        row("R1", "Banka", "4", EN[0]),
        row("R2", "Banka", "9"),
        row("R3", "Enerji", "Strongly AGREE"),
        row("", "Enerji"),
        row("R1", "Banka"),  # repeat of row 2, in another chunk for small chunks
        row(" R5 ", "Perakende", "3.5"),
        ["R6", "Banka", "1"],  # short
        row("R7", "Sigorta\nve emeklilik", "2"),  # two lines
        [*row("R8", "Banka"), "surplus", "more"],  # long
        row("R5", "Banka"),  # repeat of " R5 " (ids are compared stripped)
        row("NA", "Banka"),
        row("R1", "Banka", "oops"),  # third R1
        row("R9", "Banka", "", ""),  # missing answers are allowed
    ]
    text = delimited(rows)
    lines = text.split("\n")
    lines.insert(3, "")
    lines.insert(7, "   ")
    path = tmp_path / "survey.csv"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    report = load_responses(path)
    assert report.rejected == 9 and report.accepted == 4  # the file is what it should be
    assert_same_as_whole(path, tmp_path)


def test_duplicates_across_the_chunk_boundary_name_the_first_row(tmp_path):
    """The repeat is rejected, the first kept, whichever chunks they fall in."""
    rows = [row(f"R{i % 7}", "Banka") for i in range(30)]
    path = write_csv(tmp_path / "dups.csv", rows)
    report = validate_file(path, chunk_rows=4)
    assert (report.read, report.accepted, report.rejected) == (30, 7, 23)
    assert str(report.errors[0]) == (
        "row 9, column 'respondent_id', value 'R0': repeated respondent id (first in row 2)"
    )
    assert_same_as_whole(path, tmp_path, chunks=[1, 3, 4, 7, 8])


def test_a_file_without_rejects_and_a_file_of_rejects_only(tmp_path):
    clean = write_csv(tmp_path / "clean.csv", [row(f"R{i}") for i in range(5)])
    assert_same_as_whole(clean, tmp_path)
    bad = write_csv(tmp_path / "bad.csv", [row(f"R{i}", "Banka", "0") for i in range(5)])
    assert_same_as_whole(bad, tmp_path)


def test_a_turkish_semicolon_file_in_cp1254(tmp_path):
    rows = [
        row("R1", "Perakende", "Kesinlikle katılıyorum"),
        row("R2", "Enerji", "Katılıyorum", "sıfır"),
        row("R1", "Sigorta", "Katılmıyorum"),
    ]
    path = write_csv(tmp_path / "tr.csv", rows, delimiter=";", encoding="cp1254")
    assert read_table(path).encoding == "cp1254"
    assert_same_as_whole(path, tmp_path)


@pytest.mark.parametrize("export", sorted(p.name for p in EXPORTS.glob("*.csv")))
def test_every_platform_export(export, tmp_path):
    """Qualtrics (3 header rows), SurveyMonkey (2), Google Forms (no id: rows are the
    respondents), LimeSurvey (with its mapping sidecar), Typeform: as exported."""
    path = tmp_path / export
    shutil.copy(EXPORTS / export, path)
    sidecar = EXPORTS / export.replace(".csv", ".columns.yaml")
    if sidecar.exists():
        shutil.copy(sidecar, tmp_path / sidecar.name)
    assert_same_as_whole(path, tmp_path, chunks=[1, 2, 5, 1000])


def test_a_qualtrics_export_with_rejects_keeps_its_header_rows(tmp_path):
    """Rows of a Qualtrics export made bad, and a response id repeated across chunks:
    the rejects file has the three header rows, exactly as the whole-file path."""
    source = (EXPORTS / "qualtrics_codes_en.csv").read_text(encoding="utf-8-sig")
    table = read_table(EXPORTS / "qualtrics_codes_en.csv")
    lines = source.splitlines()
    first = table.data["ResponseId"].iloc[0]
    lines[-1] = lines[-1].replace(table.data["ResponseId"].iloc[-1], first)  # a repeat
    lines[5] = lines[5].replace(",", ",,", 1)  # a long row
    path = tmp_path / "qualtrics.csv"
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    report = load_responses(path)
    assert report.rejected >= 2 and report.columns.layout == "qualtrics"
    assert any("repeated respondent id" in str(e) for e in report.errors)
    assert_same_as_whole(path, tmp_path, chunks=[1, 2, 4, 1000])
    rejects = (tmp_path / "stream-1.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[1].startswith(",Start Date,End Date,") and "ImportId" in rejects[2]


def test_a_ragged_row_after_rejects_of_earlier_chunks(tmp_path):
    """The extra_fields column appears when the first long row comes: the rows written
    before it get it too (empty), as in the whole-file rejects file."""
    rows = [row("R1", "Banka", "9"), row("R2", "a,b\nc"), row("R3", "Banka", "0")]
    rows += [row(f"S{i}") for i in range(4)]
    rows += [[*row("R4"), "x", 'y "quoted"'], row("R5", "Banka", "7")]
    path = write_csv(tmp_path / "ragged.csv", rows)
    assert "extra_fields" in write_rejects(load_responses(path), tmp_path / "r.csv").read_text()
    assert_same_as_whole(path, tmp_path, chunks=[1, 2, 3, 4, 8])


def test_the_head_of_a_long_file_gives_the_same_reading(tmp_path, monkeypatch):
    """When the file is longer than the head read to recognise encoding and delimiter,
    the result is still that of the whole file."""
    monkeypatch.setattr(cxbench.loading, "HEAD_BYTES", 64)
    rows = [row(f"R{i % 40}", "Perakende", "Katılıyorum") for i in range(120)]
    path = write_csv(tmp_path / "long.csv", rows, delimiter="|")
    assert_same_as_whole(path, tmp_path, chunks=[7, 50])


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_typed_formats_are_validated_whole(tmp_path, suffix):
    rows = [row("R1"), row("R2", "Banka", 9), row("R1"), row("R3", "Banka", 4.5)]
    if suffix == "xlsx":
        path = write_xlsx(tmp_path / "s.xlsx", rows)
    else:
        frame = pd.DataFrame(rows, columns=HEADER)
        frame[ITEMS] = frame[ITEMS].astype(float)
        path = tmp_path / "s.parquet"
        frame.to_parquet(path)
    assert len(list(iter_table_chunks(path, chunk_rows=1))) == 1
    assert_same_as_whole(path, tmp_path, chunks=[1])


# ---------------------------------------------------------------------------
# Errors kept, rejects file, failures
# ---------------------------------------------------------------------------


def test_errors_are_capped_and_counted(tmp_path):
    rows = [row(f"R{i}", "Banka", "9", "0") for i in range(40)]
    path = write_csv(tmp_path / "many.csv", rows)
    expected = load_responses(path)
    got = validate_file(path, chunk_rows=6, max_errors=25)
    assert len(expected.errors) == 80
    assert got.errors == expected.errors[:25] and got.more_errors == 55
    assert (got.read, got.accepted, got.rejected) == (40, 0, 40)
    assert '"more_errors": 55' in got.to_json()
    with pytest.raises(ParameterError):
        validate_file(path, max_errors=-1)


def test_the_rejects_file_is_never_the_input(tmp_path):
    path = write_csv(tmp_path / "s.csv", [row("R1", "Banka", "9")])
    before = path.read_bytes()
    with pytest.raises(UnusableFileError, match="would overwrite the input"):
        validate_file(path, rejects=tmp_path / "." / "s.csv")
    assert path.read_bytes() == before


def test_no_rejects_file_without_rejects_unless_asked(tmp_path):
    path = write_csv(tmp_path / "s.csv", [row("R1"), row("R2")])
    validate_file(path, rejects=tmp_path / "none.csv", empty_rejects=False)
    assert not (tmp_path / "none.csv").exists()
    validate_file(path, rejects=tmp_path / "empty.csv")
    expected = write_rejects(load_responses(path), tmp_path / "w.csv").read_bytes()
    assert (tmp_path / "empty.csv").read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.csv", "s.csv", "w.csv"]


def test_a_file_unreadable_part_way_leaves_no_rejects_file(tmp_path):
    """A cell beyond the csv module's field limit in a late record: the whole file is
    unusable, as for the whole-file path, and nothing is left in the folder (an older
    rejects file is kept as it was)."""
    text = delimited([row(f"R{i}", "Banka", "9") for i in range(20)] + [row("R99", "x" * 200_000)])
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "s.rejects.csv"
    out.parent.mkdir()
    out.write_text("older\n", encoding="utf-8")
    with pytest.raises(UnusableFileError, match="a field longer than") as expected:
        load_responses(path)
    with pytest.raises(UnusableFileError) as got:
        validate_file(path, rejects=out, chunk_rows=3)
    assert str(got.value) == str(expected.value)
    assert [p.name for p in out.parent.iterdir()] == ["s.rejects.csv"]
    assert out.read_text(encoding="utf-8") == "older\n"


def test_late_bytes_not_in_the_encoding_of_the_head(tmp_path, monkeypatch):
    """A file longer than the head whose first non-UTF-8 byte comes late is named as
    such (the whole-file path, seeing every byte, reads it as cp1254); given its
    encoding, it reads as the whole-file path reads it."""
    monkeypatch.setattr(cxbench.loading, "HEAD_BYTES", 256)
    rows = [row(f"R{i}") for i in range(100)] + [row("R100", "Perakende", "Katılıyorum")]
    path = write_csv(tmp_path / "late.csv", rows, encoding="cp1254")
    with pytest.raises(UnusableFileError, match=r"not utf-8 text beyond its first 2,\d{3} bytes"):
        validate_file(path)
    assert_same_as_whole(path, tmp_path, chunks=[7], stream_options={"encoding": "cp1254"})


def test_the_first_chunk_keeps_read_table_s_errors(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "blank.csv").write_text("\n  \n\n", encoding="utf-8")
    (tmp_path / "one.csv").write_text("respondent_id\nR1\n", encoding="utf-8")
    (tmp_path / "twice.csv").write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    (tmp_path / "header.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    for name in ["empty.csv", "blank.csv", "one.csv", "twice.csv", "header.csv", "none.csv"]:
        with pytest.raises(UnusableFileError) as expected:
            read_table(tmp_path / name)
        with pytest.raises(UnusableFileError) as got:
            validate_file(tmp_path / name, chunk_rows=1)
        assert str(got.value) == str(expected.value), name


def test_missing_item_columns_are_named_before_any_rejects_file(tmp_path):
    path = write_csv(tmp_path / "s.csv", [row("R1")[:-1]], header=HEADER[:-1])
    with pytest.raises(UnusableFileError, match="master_4"):
        validate_file(path, rejects=tmp_path / "r.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]


@pytest.mark.parametrize("run_limit", [2**22, 500])
def test_seen_ids_give_the_first_row_of_every_id(run_limit):
    """The compact record of ids (sorted runs of 64-bit hashes) against a dict."""
    generator = np.random.default_rng(4)
    seen, reference, row_number = _SeenIds(run_limit), {}, 0
    for size in generator.integers(1, 400, size=60):
        keys = generator.integers(0, 3000, size=size).astype(np.uint64)
        row_number += size
        rows = row_number - size + np.arange(size)
        looked = seen.first_rows(keys)
        assert looked.tolist() == [reference.get(int(k), -1) for k in keys]
        new_keys, first = np.unique(keys, return_index=True)
        fresh = looked[first] < 0
        seen.add(new_keys[fresh], rows[first][fresh])
        for key, number in zip(new_keys[fresh], rows[first][fresh], strict=True):
            reference[int(key)] = int(number)
    assert seen.nbytes == 16 * len(reference)
    assert len(seen.runs) <= (12 if run_limit > 3000 else 20)
    assert all(len(keys) <= max(run_limit, 400) for keys, _ in seen.runs)


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


def test_the_cli_validates_chunk_by_chunk_to_the_same_rejects(tmp_path, capsys):
    rows = [row(f"R{i % 30}", "Banka", "9" if i % 11 == 0 else "4") for i in range(100)]
    path = write_csv(tmp_path / "s.csv", rows)
    expected, expected_bytes = whole(path, tmp_path)
    assert main(["validate", str(path), "--rejects", str(tmp_path / "cli.csv")]) == 1
    captured = capsys.readouterr()
    assert (tmp_path / "cli.csv").read_bytes() == expected_bytes
    assert captured.out.splitlines()[0] == expected.summary()
    assert f"  {expected.errors[49]}" in captured.out.splitlines()
    assert f"... and {len(expected.errors) - 50} more" in captured.out
    assert f"{expected.rejected} of 100 rows rejected" in captured.err
    assert main(["validate", str(path), "--format", "json"]) == 1
    assert capsys.readouterr().out.strip() == expected.to_json()
    assert (tmp_path / "s.rejects.csv").read_bytes() == expected_bytes


def test_the_cli_writes_no_default_rejects_file_for_a_clean_file(tmp_path, capsys):
    path = write_csv(tmp_path / "s.csv", [row("R1"), row("R2")])
    assert main(["validate", str(path)]) == 0
    assert not (tmp_path / "s.rejects.csv").exists()
    assert "2 rows read, 2 accepted, 0 rejected" in capsys.readouterr().out


def test_the_encoding_given_is_checked_and_passed_on(tmp_path, capsys):
    """--encoding reaches the chunked reader: an unknown name is refused as read_table
    refuses it, a code page the file is in reads as the whole-file path reads it."""
    path = write_csv(tmp_path / "s.csv", [row("R1", "Perakende", "Katılıyorum")], encoding="cp1254")
    with pytest.raises(ParameterError) as expected:
        read_table(path, encoding="no-such-encoding")
    with pytest.raises(ParameterError) as got:
        validate_file(path, encoding="no-such-encoding")
    assert str(got.value) == str(expected.value)
    assert_same_as_whole(path, tmp_path, chunks=[1], encoding="cp1254")
    assert main(["validate", str(path), "--encoding", "cp1254"]) == 0
    assert "1 rows read, 1 accepted, 0 rejected" in capsys.readouterr().out
