"""Incremental report sets (cxbench.publish: manifest fingerprints, run_report_set):
a report whose inputs have not changed, and whose files are intact, is kept; an edit
rebuilds exactly the reports that read what changed.

The sets are small (English and Turkish, one sector) and made from a copy of the bundled
data whose commentary is split into one file per language, so that an edited Turkish
answer can be seen to rebuild the Turkish benchmark report alone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from cxbench.publish import make_report_set
from cxbench.publish.manifest import job_fingerprint, read_manifest, reusable
from cxbench.publish.plan import NOTEBOOKS, ReportJob, ReportResult, job_inputs

ROOT = Path(__file__).resolve().parents[1]
EDITION = 2023


def _split_commentary(folder: Path) -> None:
    """entries.yaml as one file per language (the loader reads every file)."""
    source = folder / "entries.yaml"
    entries = yaml.safe_load(source.read_text(encoding="utf-8"))["entries"]
    source.unlink()
    for language in ("en", "tr", "ru"):
        mine = [e for e in entries if e["language"] == language]
        text = yaml.safe_dump({"entries": mine}, allow_unicode=True, sort_keys=False)
        (folder / f"entries-{language}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("benchmark_2022.csv", "benchmark_2023.csv", "labels.yaml"):
        shutil.copy(ROOT / "data" / name, folder / name)
    for name in ("benchmark_2022.meta.yaml", "benchmark_2023.meta.yaml"):
        shutil.copy(ROOT / "data" / name, folder / name)
    shutil.copytree(ROOT / "data" / "commentary", folder / "commentary")
    _split_commentary(folder / "commentary" / str(EDITION))
    return folder


def _make(data: Path, out: Path, **options):
    return make_report_set(
        data,
        out=out,
        languages=["en", "tr"],
        sectors=["Finance"],
        n_jobs=2,
        progress=False,
        **options,
    )


def _state(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every HTML file and table with its modification time (ns) and bytes."""
    files = [*folder.rglob("*.html"), *(folder / "tables").glob("*.csv")]
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes()) for p in files}


def _rebuilt(made) -> list[tuple[str, str]]:
    return sorted((r.job.language, r.job.name) for r in made.results if not r.reused)


@pytest.mark.slow
def test_an_unchanged_set_is_kept_and_an_edit_rebuilds_only_what_reads_it(data, tmp_path):
    out = tmp_path / "reports"
    folder = out / str(EDITION)
    first = _make(data, out)
    assert all(r.status == "ok" and not r.reused for r in first.results)
    assert len(first.results) == 4
    before = _state(folder)

    # nothing changed: every report kept, no HTML or table written again
    again = _make(data, out)
    assert _rebuilt(again) == []
    assert all(r.status == "ok" for r in again.results)
    assert _state(folder) == before
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "finished"
    assert [r["reused"] for r in manifest["reports"]] == [True] * 4

    # an edited Turkish answer: the Turkish benchmark report alone
    turkish = data / "commentary" / str(EDITION) / "entries-tr.yaml"
    text = turkish.read_text(encoding="utf-8")
    entries = yaml.safe_load(text)["entries"]
    edited = entries[0]["answer"] + " Bu cümle sonradan eklendi."
    entries[0]["answer"] = edited
    turkish.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True), "utf-8")
    made = _make(data, out)
    assert _rebuilt(made) == [("tr", "benchmark")]
    assert edited.split()[-1] in (folder / "tr" / "benchmark.html").read_text("utf-8")
    after = _state(folder)
    assert sorted(k for k in before if before[k][1] != after[k][1]) == ["tr/benchmark.html"]
    # the index is written again (it is taken down while a report is made), the same
    rewritten = sorted(k for k in before if before[k][0] != after[k][0])
    assert rewritten == ["index.html", "tr/benchmark.html"]

    # a report file damaged or removed: that report is made again
    (folder / "en" / "sector-finance.html").write_text("DAMAGED BY HAND", encoding="utf-8")
    (folder / "tr" / "sector-finance.html").unlink()
    made = _make(data, out)
    assert _rebuilt(made) == [("en", "sector-finance"), ("tr", "sector-finance")]
    assert "DAMAGED BY HAND" not in (folder / "en" / "sector-finance.html").read_text("utf-8")

    # the data changed: every report and the tables
    data_file = data / f"benchmark_{EDITION}.csv"
    data_file.write_text(data_file.read_text(encoding="utf-8").replace(",5,", ",4,", 1), "utf-8")
    tables = (folder / "tables" / "dimension_scores.csv").stat().st_mtime_ns
    made = _make(data, out)
    assert len(_rebuilt(made)) == 4
    assert (folder / "tables" / "dimension_scores.csv").stat().st_mtime_ns != tables

    # --force: everything again
    made = _make(data, out, force=True)
    assert len(_rebuilt(made)) == 4


def _job(tmp_path: Path, **parameters) -> ReportJob:
    base = {"data_path": str(ROOT / "data"), "instrument": "digital-cx-2023", "edition": 2023}
    return ReportJob(
        "scorecard-x",
        "scorecard",
        "x",
        "en",
        NOTEBOOKS / "scorecard.ipynb",
        base | parameters,
        tmp_path,
    )


def test_the_fingerprint_follows_parameters_inputs_and_pdf(tmp_path):
    job = _job(tmp_path)
    digests: dict[Path, str] = {}
    first = job_fingerprint(job, digests)
    assert job_fingerprint(job, dict(digests)) == first
    assert job_fingerprint(_job(tmp_path, min_n=6), {}) != first
    assert job_fingerprint(job, {}, pdf=True) != first
    # a changed input file (its digest) changes it
    data_file = (ROOT / "data" / "benchmark_2023.csv").resolve()
    assert data_file in digests
    assert job_fingerprint(job, digests | {data_file: "0" * 64}) != first


def test_a_report_reads_the_editions_up_to_its_own_and_its_languages_commentary(tmp_path):
    commentary = tmp_path / "commentary" / str(EDITION)
    shutil.copytree(ROOT / "data" / "commentary" / str(EDITION), commentary)
    _split_commentary(commentary)
    job = _job(tmp_path, commentary_path=str(tmp_path / "commentary"))
    turkish = ReportJob(**{**job.__dict__, "language": "tr"})
    names = {p.name for p in job_inputs(job)}
    assert {"panel.yaml", "entries-en.yaml", "benchmark_2022.csv", "benchmark_2023.csv"} <= names
    assert "entries-tr.yaml" not in names and "entries-ru.yaml" not in names
    assert "entries-tr.yaml" in {p.name for p in job_inputs(turkish)}
    older = _job(tmp_path, edition=2022)
    assert "benchmark_2023.csv" not in {p.name for p in job_inputs(older)}


def test_only_a_finished_intact_report_with_the_same_fingerprint_is_kept(tmp_path):
    job = _job(tmp_path)
    html = tmp_path / "en" / "scorecard-x.html"
    html.parent.mkdir(parents=True)
    html.write_text("<p>report</p>", encoding="utf-8")
    from cxbench.files import sha256_of

    record = {
        "name": "scorecard-x",
        "language": "en",
        "status": "ok",
        "fingerprint": "f1",
        "outputs": ["en/scorecard-x.html"],
        "output_sha256": {"en/scorecard-x.html": sha256_of(html)},
        "started": "t0",
        "finished": "t1",
        "seconds": 2.5,
    }
    kept = reusable(job, "f1", {"reports": [record]})
    assert isinstance(kept, ReportResult) and kept.reused and kept.outputs == [str(html)]
    assert reusable(job, "f2", {"reports": [record]}) is None  # inputs changed
    assert reusable(job, "f1", {"reports": [record | {"status": "failed"}]}) is None
    assert reusable(job, "f1", {"reports": [record | {"output_sha256": {}}]}) is None
    html.write_text("<p>edited by hand</p>", encoding="utf-8")
    assert reusable(job, "f1", {"reports": [record]}) is None  # the file changed
    html.unlink()
    assert reusable(job, "f1", {"reports": [record]}) is None  # the file is gone
    # a manifest edited to point outside the set is not followed, though the file is there
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere.html"
    elsewhere.write_text("<p>report</p>", encoding="utf-8")
    name = f"../{elsewhere.name}"
    outside = record | {"outputs": [name], "output_sha256": {name: sha256_of(elsewhere)}}
    assert (tmp_path / name).is_file()
    assert reusable(job, "f1", {"reports": [outside]}) is None
    # a manifest that cannot be read is no manifest
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    assert read_manifest(tmp_path) == {}
