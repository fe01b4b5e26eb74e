"""The report set, end to end: planning, running, publishing, and reading it in a browser.

A small set is made once for the module (three languages, two sectors, one of them
named like an HTML tag) from a copy of the bundled data and a commentary written here.
The browser part opens the result in headless Chromium (Debian's ``chromium`` and
``chromium-driver``, installed by ``make test`` where missing) and keeps screenshots in
``tests/artifacts/``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cxbench.cli import main
from cxbench.errors import CommentaryError, ParameterError
from cxbench.instrument import load_instrument
from cxbench.publish import (
    plan_reports,
    run_report,
    run_report_set,
    run_reports,
    slug,
    write_index,
)
from cxbench.report import write_edition_tables

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCRIPT = "<script>alert(1)</script>"
LANGUAGE_WORDS = {"en": "Sector", "tr": "Sektör", "ru": "Отрасль"}

pytestmark = pytest.mark.slow


def _commentary(folder: Path) -> Path:
    edition = folder / "2023"
    edition.mkdir(parents=True)
    panel = {
        "example": True,
        "note": {"en": "Test panel.", "tr": "Test paneli.", "ru": "Тестовая панель."},
        "experts": [
            {
                "id": "a",
                "name": {"en": "Panellist A", "tr": "Panelist A", "ru": "Эксперт A"},
                "role": {"en": "CX consultant", "tr": "MD danışmanı", "ru": "консультант"},
                "organisation": {"en": "a firm", "tr": "bir firma", "ru": "фирма"},
            },
        ],
    }
    entries = [
        {
            "theme": theme,
            "expert": "a",
            "language": language,
            "question": f"Question on {theme} ({language})?",
            "answer": f"An answer with <b>markup</b> on {theme} ({language}).",
        }
        for theme in load_instrument().report_themes
        for language in ("en", "tr", "ru")
    ]
    (edition / "panel.yaml").write_text(yaml.safe_dump(panel, allow_unicode=True), "utf-8")
    (edition / "entries.yaml").write_text(
        yaml.safe_dump({"entries": entries}, allow_unicode=True), "utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A data folder (Energy renamed to a script tag) with the bundled data's notes and
    labels (the sector names in Turkish and Russian), and a commentary folder."""
    root = tmp_path_factory.mktemp("reports")
    data = root / "data"
    data.mkdir()
    for name in ("benchmark_2022.csv", "benchmark_2023.csv"):
        frame = pd.read_csv(ROOT / "data" / name, dtype=str, keep_default_na=False)
        frame.loc[frame["sector"] == "Energy", "sector"] = SCRIPT
        frame.to_csv(data / name, index=False)
        sidecar = Path(name).stem + ".meta.yaml"
        shutil.copy(ROOT / "data" / sidecar, data / sidecar)
    shutil.copy(ROOT / "data" / "labels.yaml", data / "labels.yaml")
    _commentary(data / "commentary")
    return root


@pytest.fixture(scope="module")
def report_set(workspace):
    jobs = plan_reports(
        data=workspace / "data",
        edition=2023,
        sectors=["Finance", SCRIPT],
        out=workspace / "reports",
    )
    # the one sequence `cxbench report` runs: lock, tables, reports, index, manifest
    made = run_report_set(
        jobs,
        edition=2023,
        out=workspace / "reports",
        options={},
        tables=lambda: write_edition_tables(
            workspace / "data" / "benchmark_2023.csv",
            2023,
            workspace / "reports",
            load_instrument(),
            by="sector",
        ),
        n_jobs=2,
        progress=False,
    )
    return jobs, made.results, jobs[0].out_dir


# ------------------------------------------------------------------- planning


def test_bad_parameters_are_refused_before_anything_runs(workspace):
    data = workspace / "data"
    with pytest.raises(ParameterError, match="language"):
        plan_reports(data=data, edition=2023, languages=["de"])
    with pytest.raises(ParameterError, match="a requested sector is not shown"):
        plan_reports(data=data, edition=2023, sectors=["Atlantis"])
    with pytest.raises(ParameterError, match="edition"):
        plan_reports(data=data, edition=1999)
    with pytest.raises(ParameterError, match="language='de'"):
        plan_reports(data=data, edition=2023, languages=["en", "de"])
    with pytest.raises(ParameterError, match="sector_column='branch': no such column"):
        plan_reports(data=data, edition=2023, sector_column="branch")
    # commentary is optional, but a folder of entries without its panel is an error
    orphan = workspace / "orphan" / "2023"
    orphan.mkdir(parents=True)
    (orphan / "entries.yaml").write_text("[]\n", encoding="utf-8")
    with pytest.raises(CommentaryError, match="panel"):
        plan_reports(data=data, edition=2023, commentary=workspace / "orphan")
    assert not (workspace / "reports").exists() or not any((workspace / "reports").iterdir())


def test_the_cli_names_a_bad_sector_in_one_line(workspace, capsys):
    code = main(
        [
            "report",
            "--data",
            str(workspace / "data"),
            "--sectors",
            "Atlantis",
            "--out",
            str(workspace / "cli"),
        ]
    )
    err = capsys.readouterr().err
    # the name asked for is not echoed (it could be a suppressed sector's)
    assert code == 2 and "not shown" in err and len(err.strip().splitlines()) == 1
    assert "Atlantis" not in err
    assert not (workspace / "cli").exists()


def test_plan_makes_one_benchmark_and_one_report_per_sector_and_language(workspace):
    jobs = plan_reports(data=workspace / "data", edition=2023, out=workspace / "plan")
    sectors = {j.parameters["sectors"][0] for j in jobs if j.kind == "sector"}
    assert len(sectors) == 10 and SCRIPT in sectors
    assert len(jobs) == 3 * (1 + 10)
    assert slug(SCRIPT) == "script-alert-1-script"


# ------------------------------------------------------------------ the set


def test_every_report_is_made_and_indexed(report_set):
    jobs, results, out = report_set
    assert [r.status for r in results] == ["ok"] * len(jobs)
    index = (out / "index.html").read_text(encoding="utf-8")
    for job in jobs:
        assert job.html.is_file() and job.executed.is_file()
        assert f'href="{job.html.relative_to(out).as_posix()}"' in index


def test_html_has_its_language_no_code_and_escaped_data(report_set):
    jobs, _, out = report_set
    for job in jobs:
        page = job.html.read_text(encoding="utf-8")
        assert f'<html lang="{job.language}">' in page
        assert "import cxbench" not in page and "cx.section(" not in page
        assert "<script>alert(1)</script>" not in page
        assert LANGUAGE_WORDS[job.language] in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index and SCRIPT not in index
    sector = next(j for j in jobs if j.parameters.get("sectors") == [SCRIPT])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sector.html.read_text(encoding="utf-8")
    commentary = next(j for j in jobs if j.kind == "benchmark").html.read_text(encoding="utf-8")
    assert "<b>markup</b>" not in commentary and "&lt;b&gt;markup&lt;/b&gt;" in commentary


def _visible(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>|<img\b[^>]*>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_readers_see_sector_names_and_the_data_note_in_their_language(report_set):
    """data/labels.yaml names the sectors per language, the sidecar gives the note per
    language: the title, the headings, the tables and the index entry all follow."""
    jobs, _, out = report_set
    finance = {"en": "Finance", "tr": "Finans", "ru": "Финансы"}
    note = {"en": "SYNTHETIC data", "tr": "SENTETİK veri", "ru": "СИНТЕТИЧЕСКИЕ данные"}
    index = (out / "index.html").read_text(encoding="utf-8")
    for job in (j for j in jobs if j.parameters.get("sectors") == ["Finance"]):
        name = finance[job.language]
        assert job.title == name and job.name == "sector-finance"  # file names stay
        page = job.html.read_text(encoding="utf-8")
        assert f"<title>{name}</title>" in page
        text = _visible(page)
        assert text.count(name) >= 5 and note[job.language] in text
        if job.language != "en":
            assert "Finance" not in text and "SYNTHETIC" not in text
        assert f">{html.escape(name)}<" in index
    # the index: each language's section with its note and the edition's figures
    sections = dict(re.findall(r'<section[^>]*lang="(\w+)"[^>]*>(.*?)</section>', index, re.S))
    assert set(sections) == {"en", "tr", "ru"}
    for language, section in sections.items():
        assert note[language] in _visible(section) and "310" in _visible(section)
    assert "%70,0" in sections["tr"] and "70.0" in sections["en"]
    for job in (j for j in jobs if j.kind == "benchmark" and j.language != "en"):
        text = _visible(job.html.read_text(encoding="utf-8"))
        assert finance[job.language] in text and "Finance" not in text


def test_manifest_records_inputs_runs_and_versions(report_set, workspace):
    jobs, _, out = report_set
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    data_file = str((workspace / "data" / "benchmark_2023.csv").resolve())
    expected = hashlib.sha256(Path(data_file).read_bytes()).hexdigest()
    assert manifest["inputs"][data_file] == expected
    assert any(path.endswith("entries.yaml") for path in manifest["inputs"])
    assert str((workspace / "data" / "labels.yaml").resolve()) in manifest["inputs"]
    assert len(manifest["reports"]) == len(jobs)
    assert {r["status"] for r in manifest["reports"]} == {"ok"}
    assert manifest["reports"][0]["parameters"]["edition"] == 2023


def test_same_inputs_same_report(report_set, tmp_path):
    jobs, _, _ = report_set
    job = next(j for j in jobs if j.kind == "sector" and j.language == "tr")
    again = run_report(dataclasses.replace(job, out_dir=tmp_path))
    assert again.status == "ok"
    assert again.job.html.read_bytes() == job.html.read_bytes()


def test_reports_that_share_the_run_cache_are_the_reports_made_alone(report_set, tmp_path):
    # one worker: the second sector report takes the comparison, the dimension chart and
    # the chart of every statement's answers from the first (cxbench.runcache)
    jobs, _, _ = report_set
    pair = [dataclasses.replace(j, out_dir=tmp_path / "run") for j in jobs if j.kind == "sector"]
    pair = [j for j in pair if j.language == "ru"]
    caches = set(Path(tempfile.gettempdir()).glob("cxbench-run-*"))
    made = run_reports(pair, n_jobs=1, progress=False)
    alone = run_report(dataclasses.replace(pair[1], out_dir=tmp_path / "alone"))
    assert [r.status for r in [*made, alone]] == ["ok", "ok", "ok"]
    assert alone.job.html.read_bytes() == pair[1].html.read_bytes()
    assert set(Path(tempfile.gettempdir()).glob("cxbench-run-*")) <= caches  # removed


def test_pdf_is_written_offline(report_set, tmp_path):
    jobs, _, _ = report_set
    job = dataclasses.replace(jobs[1], out_dir=tmp_path)
    result = run_report(job, pdf=True)
    assert result.status == "ok" and job.pdf.read_bytes()[:5] == b"%PDF-"
    assert str(job.pdf) in result.outputs


def test_a_failing_report_does_not_stop_the_others(report_set, tmp_path):
    jobs, _, _ = report_set
    good = dataclasses.replace(jobs[1], out_dir=tmp_path)
    broken = dataclasses.replace(
        jobs[2], out_dir=tmp_path, parameters=jobs[2].parameters | {"confidence": 1.5}
    )
    results = run_reports([good, broken], n_jobs=2, progress=False)
    assert [r.status for r in results] == ["ok", "failed"]
    assert "confidence" in results[1].error
    page = broken.html.read_text(encoding="utf-8")
    assert "cx.compare_groups(" in page and "confidence" in page  # the failing cell, escaped
    index = write_index(results, 2023, tmp_path).read_text(encoding="utf-8")
    assert "failed" in index


# ----------------------------------------------------------- in a browser


def _browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.fail("Debian's chromium and chromium-driver are needed: `make test` installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1280,1600",
        "--allow-file-access-from-files",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


def test_a_reader_can_open_every_report(report_set):
    jobs, _, out = report_set
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser = _browser()
    try:
        browser.get((out / "index.html").as_uri())
        browser.save_screenshot(str(ARTIFACTS / "index.png"))
        links = [a.get_attribute("href") for a in browser.find_elements("css selector", "a")]
        assert len(links) == len(jobs)
        for href in links:
            browser.get(href)
            state = browser.execute_script(
                "const imgs = [...document.images];"
                "return {lang: document.documentElement.lang, title: document.title,"
                " text: document.body.innerText,"
                " images: imgs.length,"
                " broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,"
                " code: document.querySelectorAll('.jp-InputArea-editor, .jp-CodeMirrorEditor,"
                " .input_area').length};"
            )
            language = href.split("/")[-2]
            assert state["lang"] == language
            assert state["title"] and "404" not in state["title"]
            assert state["images"] >= 3 and state["broken"] == 0
            assert state["code"] == 0 and "import cxbench" not in state["text"]
            assert LANGUAGE_WORDS[language] in state["text"]
            if language in ("tr", "ru"):
                assert "The benchmark at a glance" not in state["text"]
            name = "_".join(href.split("/")[-2:]).replace(".html", ".png")
            browser.save_screenshot(str(ARTIFACTS / name))
    finally:
        browser.quit()


def test_the_cli_reports_a_failed_report_and_exits_1(workspace, monkeypatch, capsys):
    from cxbench.publish import plan as planning

    real_plan = planning.plan_reports

    def plan_with_one_broken_job(**kwargs):
        jobs = real_plan(**kwargs)
        broken = dataclasses.replace(jobs[-1], parameters=jobs[-1].parameters | {"min_n": 0})
        return [*jobs[:-1], broken]

    monkeypatch.setattr(planning, "plan_reports", plan_with_one_broken_job)
    out = workspace / "cli_failed"
    code = main(
        [
            "report",
            "--data",
            str(workspace / "data"),
            "--out",
            str(out),
            "--languages",
            "en",
            "--sectors",
            "Finance,Telecom",
            "--no-progress",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 1
    assert "2 of 3 reports made" in printed
    assert "FAILED en/sector-telecom: ParameterError" in printed
    manifest = json.loads((out / "2023" / "manifest.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in manifest["reports"]] == ["ok", "ok", "failed"]
