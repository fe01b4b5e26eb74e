"""The command line: help, output formats, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from cxbench.cli import build_parser, main
from cxbench.instrument import load_instrument
from cxbench.synthetic import generate_benchmark

INST = load_instrument()
COMMANDS = [
    "init",
    "map",
    "validate",
    "score",
    "compare",
    "metrics",
    "trend",
    "reliability",
    "structure",
    "stages",
    "screen",
    "report",
    "instrument",
]


@pytest.fixture
def survey(tmp_path):
    """40 respondents in two sectors; sector b answers one point higher."""
    rng = np.random.default_rng(3)
    base = rng.integers(1, 5, size=(40, 12))
    sectors = np.where(np.arange(40) < 20, "a", "b")
    base[sectors == "b"] += 1
    frame = pd.DataFrame(base, columns=INST.item_ids)
    frame.insert(0, "respondent_id", [f"R{i:02d}" for i in range(40)])
    frame.insert(1, "sector", sectors)
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_every_subcommand_has_help(capsys):
    for command in COMMANDS:
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0
        assert f"usage: cxbench {command}" in capsys.readouterr().out
    assert set(build_parser()._subparsers._group_actions[0].choices) == set(COMMANDS)


def test_console_script_runs_as_a_module():
    done = subprocess.run(
        [sys.executable, "-m", "cxbench", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("cxbench ")


def test_score_json_records(survey, capsys):
    path, frame = survey
    assert main(["score", str(path), "--by", "sector", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["group"], r["dimension"]) for r in records[:3]] == [
        ("a", "measure"), ("a", "manage"), ("a", "master"),
    ]  # fmt: skip
    assert set(records[0]) == {"group", "dimension", "n", "score"}
    measure_a = frame.loc[frame.sector == "a", INST.item_ids[:4]]
    expected = (measure_a.sum(axis=1) / 20 * 100).mean()  # 4 items x max 5 points
    assert records[0]["score"] == pytest.approx(expected, abs=1e-6)
    assert records[0]["n"] == 20


def test_score_item_level_and_pomp(survey, capsys):
    path, frame = survey
    assert (
        main(["score", str(path), "--level", "item", "--method", "pomp", "--format", "json"]) == 0
    )
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 12 and records[0]["group"] == "all" and records[0]["item"] == "measure_1"
    expected = (frame["measure_1"].mean() - 1) / 4 * 100
    assert records[0]["score"] == pytest.approx(expected, abs=1e-6)


def test_score_table_and_csv(survey, capsys):
    path, _ = survey
    assert main(["score", str(path)]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["group", "dimension", "n", "score"]
    assert main(["score", str(path), "--format", "csv"]) == 0
    csv_text = capsys.readouterr().out
    assert csv_text.splitlines()[0] == "group,dimension,n,score"


def test_reliability_json(survey, capsys):
    path, _ = survey
    assert main(["reliability", str(path), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["dimension"] for r in records] == ["measure", "manage", "master"]
    assert {"dimension", "alpha", "ci_low", "ci_high", "n"} <= set(records[0])
    assert all(r["ci_low"] <= r["alpha"] <= r["ci_high"] for r in records)


def test_rejected_rows_are_reported_and_written_aside(survey, tmp_path, capsys):
    path, frame = survey
    frame.loc[3, "manage_2"] = 9
    frame.to_csv(path, index=False)
    assert main(["score", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "1 of 40 rows rejected" in captured.err
    assert json.loads(captured.out)[0]["n"] == 39
    rejects = pd.read_csv(tmp_path / "survey.rejects.csv")
    assert rejects["respondent_id"].tolist() == ["R03"]
    assert main(["validate", str(path), "--rejects", str(tmp_path / "r.csv")]) == 1
    assert "row 5, column 'manage_2', value '9': outside the scale 1–5" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "{missing}"], "no such file"),
        (["score", "{path}", "--by", "nope"], "by='nope': no such column"),
        (["score", "{path}", "--min-answered", "5"], "exceeds the 4 items"),
        (["score", "{path}", "--instrument", "nope"], "not a bundled instrument"),
        (["score", "{path}", "--id-column", "org"], "respondent id column missing"),
        (["reliability", "{path}", "--confidence", "95"], "between 0 and 1"),
        (["report", "--data", "{missing}"], "no such folder"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(survey, tmp_path, capsys, argv, message):
    path, _ = survey
    argv = [a.format(path=path, missing=tmp_path / "missing.csv") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("cxbench: error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_report_writes_tables_with_the_provenance_note(survey, tmp_path, capsys):
    path, _ = survey
    data = tmp_path / "data"
    data.mkdir()
    path.rename(data / "benchmark_2024.csv")
    (data / "benchmark_2024.meta.yaml").write_text("note: SYNTHETIC test data\n", encoding="utf-8")
    out = tmp_path / "reports"
    assert main(["report", "--data", str(data), "--out", str(out), "--tables-only"]) == 0
    assert "edition 2024: " in capsys.readouterr().out
    tables = out / "2024" / "tables"
    names = sorted(p.name for p in tables.iterdir())
    assert "dimension_scores_by_sector.csv" in names and "reliability.csv" in names
    for csv_path in tables.glob("*.csv"):
        assert csv_path.read_text(encoding="utf-8").startswith("# SYNTHETIC test data\n")
    by_sector = pd.read_csv(tables / "dimension_scores_by_sector.csv", comment="#")
    a, b = (by_sector[by_sector.group == g]["score"].to_numpy() for g in "ab")
    assert (b > a).all()  # sector b answers one point higher
    assert main(["report", "--data", str(data), "--edition", "1999"]) == 2


# --- compare ------------------------------------------------------------------------

TINY = "Tiny"  # 3 respondents: must never be named
SCRIPT = "<script>alert(1)</script>"  # a group name that is data, shown verbatim


@pytest.fixture(scope="module")
def benchmark_file(tmp_path_factory):
    """160 synthetic organisations grouped by company size (4 groups, few pairs: fast),
    plus 3 in Tiny, 40 in SCRIPT and 4 without a sector (NaN, "", "  ", None)."""
    frame = generate_benchmark(2023, n=160, seed=5).reset_index(drop=True)
    frame["sector"] = frame["company_size"].astype(object)
    frame.loc[0:2, "sector"] = TINY
    frame.loc[3:42, "sector"] = SCRIPT
    frame.loc[43, "sector"] = np.nan
    frame.loc[44, "sector"] = ""
    frame.loc[45, "sector"] = "  "
    frame.loc[46, "sector"] = None
    path = tmp_path_factory.mktemp("compare") / "benchmark.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _scored(frame: pd.DataFrame, dimension: str) -> int:
    """Respondents scored on a dimension, by hand: at least 3 of its 4 statements answered."""
    items = [item.id for item in INST.items if item.dimension == dimension]
    return int((frame[items].notna().sum(axis=1) >= 3).sum())


def _strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _compare(path, *options: str) -> list[str]:
    return ["compare", str(path), "--by", "sector", *options]


def test_compare_table_has_a_block_per_dimension(benchmark_file, capsys):
    path, _ = benchmark_file
    assert main(_compare(path)) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith(f"sector comparison of {path}: sum_max scores, 95% BCa")
    assert [line for line in lines if line in INST.dimension_ids] == INST.dimension_ids
    for start in ("  Welch F(", "  Kruskal-Wallis H(", "  suppressed (under 5", "  pairs differ"):
        assert sum(line.startswith(start) for line in lines) == 3, start
    assert sum(line.endswith("no sector value: 4 respondents") for line in lines) == 3
    assert sum(line.strip().startswith(f"{SCRIPT} ") for line in lines) == 3  # verbatim
    assert TINY not in captured.out and TINY not in captured.err


def test_compare_json_records(benchmark_file, capsys):
    path, frame = benchmark_file
    assert main(_compare(path, "--format", "json")) == 0
    captured = capsys.readouterr()
    records = _strict_json(captured.out)
    assert [r["dimension"] for r in records] == INST.dimension_ids
    assert TINY not in captured.out and TINY not in captured.err
    for record in records:
        assert set(record) == {
            "dimension", "welch", "kruskal", "effect_size", "groups", "posthoc",
            "suppressed", "excluded_missing_group",
        }  # fmt: skip
        assert SCRIPT in [g["group"] for g in record["groups"]]
        assert record["suppressed"]["groups"] == 2  # Tiny, and the smallest group with it
        assert record["excluded_missing_group"] == 4
        shown = sum(g["n"] for g in record["groups"])
        total = shown + record["suppressed"]["n"] + record["excluded_missing_group"]
        assert total == _scored(frame, record["dimension"])


def test_compare_options_are_passed_on(benchmark_file, capsys):
    path, _ = benchmark_file
    runs = {}
    for name, options in {
        "default": [],
        "narrow": ["--confidence", "0.8"],
        "seed": ["--seed", "7"],
        "none": ["--correction", "none"],
        "bonf": ["--correction", "bonf"],
    }.items():
        assert main(_compare(path, "--format", "json", *options)) == 0
        runs[name] = _strict_json(capsys.readouterr().out)

    def column(run, part, key):
        return np.array([row[key] for record in runs[run] for row in record[part]], dtype=float)

    # the same seed draws the same resamples: the 80 % interval lies inside the 95 % one
    assert (column("narrow", "groups", "ci_low") > column("default", "groups", "ci_low")).all()
    assert (column("narrow", "groups", "ci_high") < column("default", "groups", "ci_high")).all()
    assert (column("seed", "groups", "mean") == column("default", "groups", "mean")).all()
    assert (column("seed", "groups", "ci_low") != column("default", "groups", "ci_low")).any()
    none, bonf = column("none", "posthoc", "p_adj"), column("bonf", "posthoc", "p_adj")
    assert bonf == pytest.approx(np.minimum(1, 3 * none))  # three dimensions


def test_compare_with_every_group_suppressed_names_none(benchmark_file, capsys):
    path, frame = benchmark_file
    names = {str(v) for v in frame["sector"].dropna() if str(v).strip()}
    assert main(_compare(path, "--min-n", "1000", "--format", "json")) == 0
    out = capsys.readouterr().out
    for record in _strict_json(out):
        assert record["groups"] == [] and record["posthoc"] == []
        assert record["welch"]["F"] is None and record["kruskal"]["H"] is None
        total = record["suppressed"]["n"] + record["excluded_missing_group"]
        assert total == _scored(frame, record["dimension"])
    assert main(_compare(path, "--min-n", "1000")) == 0
    table = capsys.readouterr().out
    assert table.count("  no group shown\n") == 3
    for text in (out, table):
        assert not [name for name in names if name in text]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--by", "nosuch"], "by='nosuch': no such column"),
        (["--by", "sector", "--confidence", "1.5"], "confidence=1.5: must be between 0 and 1"),
        (["--by", "sector", "--confidence", "0"], "between 0 and 1"),
    ],
)
def test_compare_user_errors_are_one_line_and_exit_2(benchmark_file, capsys, options, message):
    path, _ = benchmark_file
    assert main(["compare", str(path), *options]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("cxbench: error: ") and message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_compare_statement_level(benchmark_file, capsys):
    path, _ = benchmark_file
    assert main(_compare(path, "--level", "item", "--format", "json")) == 0
    records = _strict_json(capsys.readouterr().out)
    assert [r["item"] for r in records] == INST.item_ids
    assert all(SCRIPT in [g["group"] for g in r["groups"]] for r in records)


def test_structure_prints_the_fit_and_the_invariance_steps(tmp_path, capsys):
    path = tmp_path / "survey.csv"
    generate_benchmark(2023, n=600, seed=6).to_csv(path, index=False)
    assert main(["structure", str(path), "--by", "language"]) == 0
    out = capsys.readouterr().out
    assert "fit: chi2(51) = " in out and "CFI" in out and "SRMR" in out
    assert "measurement invariance across language: en (n=" in out
    for step in ("configural", "metric", "scalar"):
        assert f"  {step} " in out
    assert "holds up to: " in out and "<NA>" not in out
    assert main(["structure", str(path), "--by", "language", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert [row["step"] for row in record["invariance"]] == ["configural", "metric", "scalar"]
    assert record["fit"]["df"] == 51 and record["by"] == "language"


def test_structure_never_names_a_group_under_min_n(tmp_path, capsys):
    frame = generate_benchmark(2023, n=600, seed=6)
    frame.loc[frame.index[:3], "language"] = "kk"  # three respondents answered in Kazakh
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    for fmt in ("table", "json"):
        assert main(["structure", str(path), "--by", "language", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "kk" not in out
    # hidden with the smallest other version, so that neither can be worked out
    assert json.loads(out)["suppressed"]["groups"] == 2
    assert "not fitted for anonymity (under 5 complete cases, or hidden with one): 2 groups" in (
        main(["structure", str(path), "--by", "language"]) == 0 and capsys.readouterr().out
    )


def test_structure_of_an_unusable_model_is_one_line_and_exit_2(tmp_path, capsys):
    frame = generate_benchmark(2023, n=40, seed=6)
    frame["manage_2"] = 3  # the same answer from everyone
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    assert main(["structure", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "item 'manage_2' has the same answer" in err
    assert main(["structure", str(path), "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out)["kind"] == "model"


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (["--version"], set()),
        (["--help"], set()),
        (["validate", "{data}"], {"pandas"}),
        (["score", "{data}"], {"pandas"}),
    ],
)
def test_a_command_loads_only_the_libraries_it_uses(argv, allowed, tmp_path):
    """What makes a command start slowly is importing what it never uses (seaborn and
    matplotlib, scipy.stats, pingouin, semopy, papermill): it is checked by the modules
    loaded, which do not vary from run to run as seconds do."""
    data = tmp_path / "survey.csv"
    generate_benchmark(2023, n=30).to_csv(data, index=False)
    argv = [a.format(data=data) for a in argv]
    heavy = {"pandas", "matplotlib", "seaborn", "scipy.stats", "pingouin", "semopy", "papermill"}
    code = (
        "import sys\n"
        "from cxbench.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "import json\n"
        f"print(json.dumps(sorted(set({sorted(heavy)!r}) & set(sys.modules))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert loaded == allowed, done.stderr
