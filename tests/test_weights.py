"""Survey weights (cxbench.weights) against R's ``survey`` package, and their properties.

References: the outputs saved in the ``survey`` package's own tests (CRAN sources,
``tests/api.Rout.save`` and ``tests/rakecheck.Rout.save``) on its ``api`` data, the
one-stage cluster sample ``apiclus1`` (tests/fixtures/api/):

* ``svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)``: ``svymean(~api00)``
  644.17, SE 23.542;
* then ``postStratify(dclus1, ~stype, pop.types)`` (E 4421, H 755, M 1018):
  ``svymean(~api00)`` 642.31, SE 23.921; ``svytotal(~enroll)`` 3680893, SE 406293;
* then ``rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))``
  (sch.wide No 1072, Yes 5122): ``svymean(~api00)`` 641.23, SE 23.704;
* domain means by county, ``svyby(~api00, ~cname, ...)`` without fpc, to full precision
  (generated with R by Survey.jl for its tests, ``test/r_reference/domain.csv``).

R prints five significant digits, so the figures are compared to half a unit in the
last digit printed (a thousandth for the SEs, which the float32 weights of the CSV
copy can move by a few hundred-thousandths).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxbench.errors import WeightsError
from cxbench.instrument import load_instrument
from cxbench.scoring import dimension_scores
from cxbench.weights import (
    Population,
    design_mean,
    load_population,
    weight_respondents,
    weighted_scores,
)

API = pd.read_csv(Path(__file__).parent / "fixtures" / "api" / "apiclus1.csv")
TYPES = {"E": 4421, "H": 755, "M": 1018}
SCHWIDE = {"No": 1072, "Yes": 5122}
N_SCHOOLS = 6194


def shares(counts: dict[str, int]) -> dict[str, float]:
    return {k: v / N_SCHOOLS for k, v in counts.items()}


def api_mean(weighting=None, column="api00"):
    weights = API["pw"].to_numpy() if weighting is None else weighting.weights
    return design_mean(
        API[column].to_numpy(float),
        weights,
        calibration=None if weighting is None else weighting.calibration_matrix(),
        cluster=API["dnum"],
        population_clusters=757,
    )


def test_the_cluster_design_without_weighting_is_rs():
    out = api_mean()
    assert out["mean"] == pytest.approx(644.17, abs=0.005)
    assert out["se"] == pytest.approx(23.542, abs=0.0005)


def test_post_stratification_gives_rs_mean_and_standard_error():
    pop = Population(
        "poststratify", ("stype",), cells=tuple(((k,), v) for k, v in shares(TYPES).items())
    )
    weighting = weight_respondents(API, pop, base_weights=API["pw"])
    out = api_mean(weighting)
    assert out["mean"] == pytest.approx(642.31, abs=0.005)
    assert out["se"] == pytest.approx(23.921, abs=0.001)
    # the total of enrolment, to R's printed units (weights scaled to the 6194 schools)
    w = weighting.weights * N_SCHOOLS / weighting.weights.sum()
    y = API["enroll"].to_numpy(float)
    x = weighting.calibration_matrix()
    residual = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    totals = pd.Series(w * residual).groupby(API["dnum"]).sum().to_numpy()
    se = np.sqrt((1 - 15 / 757) * 15 / 14 * ((totals - totals.mean()) ** 2).sum())
    assert round((w * y).sum()) == 3680893 and round(se) == 406293


def test_raking_gives_rs_mean_and_standard_error_and_meets_both_margins():
    pop = Population(
        "rake", ("stype", "sch.wide"), {"stype": shares(TYPES), "sch.wide": shares(SCHWIDE)}
    )
    weighting = weight_respondents(API, pop, base_weights=API["pw"])
    out = api_mean(weighting)
    assert out["mean"] == pytest.approx(641.23, abs=0.005)
    assert out["se"] == pytest.approx(23.704, abs=0.001)
    w = pd.Series(weighting.weights / weighting.weights.sum())
    for column, counts in (("stype", TYPES), ("sch.wide", SCHWIDE)):
        assert w.groupby(API[column]).sum().to_dict() == pytest.approx(shares(counts), rel=1e-9)
    assert 1 < weighting.iterations < 50


@pytest.mark.parametrize(
    ("county", "mean", "se"),
    [
        ("Los Angeles", 647.266666666667, 17.4230693023744),
        ("San Diego", 659.436363636363, 2.31989997506545),
        ("Santa Clara", 732.076923076923, 15.9315559043315),
    ],
)
def test_domain_means_and_errors_are_rs_svyby(county, mean, se):
    """``svyby(~api00, ~cname, svydesign(id=~dnum, weights=~pw, data=apiclus1),
    svymean)``, to R's full precision (Survey.jl's R-generated reference)."""
    out = design_mean(
        API["api00"].to_numpy(float),
        API["pw"].to_numpy(),
        domain=(API["cname"] == county).to_numpy(),
        cluster=API["dnum"],
    )
    assert out["mean"] == pytest.approx(mean, rel=1e-12)
    assert out["se"] == pytest.approx(se, rel=1e-9)


def test_equal_weights_give_the_textbook_error_and_no_design_effect():
    y = np.array([62.5, 70.0, 75.0, 81.25, 90.0, 55.0])
    out = design_mean(y, np.ones(6))
    assert out["mean"] == pytest.approx(y.mean())
    assert out["se"] == pytest.approx(y.std(ddof=1) / np.sqrt(6))  # s / sqrt(n), by hand
    assert out["deff"] == pytest.approx(1.0) and out["n_eff"] == pytest.approx(6.0)
    ci = 1.959963984540054 * out["se"]
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((y.mean() - ci, y.mean() + ci))


def test_kish_effective_n_by_hand():
    out = design_mean([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 2.0, 4.0])
    assert out["n_eff"] == pytest.approx(8**2 / (1 + 1 + 4 + 16))


def _survey(n=400, seed=3):
    inst = load_instrument()
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(n)]})
    frame["sector"] = rng.choice(["A", "B", "C"], size=n, p=[0.6, 0.3, 0.1])
    frame["size"] = rng.choice(["small", "large"], size=n, p=[0.3, 0.7])
    base = frame["sector"].map({"A": 0.5, "B": -0.3, "C": 0.0}).to_numpy()
    for item in inst.item_ids:
        frame[item] = np.clip(np.rint(3 + base + rng.normal(size=n)), 1, 5)
    return inst, frame


RAKE = Population(
    "rake",
    ("sector", "size"),
    {"sector": {"A": 0.2, "B": 0.5, "C": 0.3}, "size": {"small": 0.8, "large": 0.2}},
)


def test_weights_reproduce_the_margins_and_move_the_score_toward_the_population():
    inst, frame = _survey()
    weighting = weight_respondents(frame, RAKE)
    w = pd.Series(weighting.weights)
    for column, margin in RAKE.margins.items():
        assert (w.groupby(frame[column]).sum() / w.sum()).to_dict() == pytest.approx(margin)
    assert w.sum() == pytest.approx(len(frame))  # a mean weight of 1
    weighted = weighted_scores(frame, inst, weighting, min_n=1).set_index("dimension")
    plain = dimension_scores(frame, inst, min_n=1).set_index("dimension")
    # sector A (the high scorers) is over-sampled: weighting lowers every score
    assert (weighted["score"] < plain["score"]).all()
    assert (weighted["n_eff"] < weighted["n"]).all() and (weighted["deff"] > 1).all()
    assert weighted["weighted"].all()


def test_equal_shares_give_the_unweighted_scores():
    inst, frame = _survey()
    observed = frame["sector"].value_counts(normalize=True).to_dict()
    pop = Population(
        "poststratify", ("sector",), cells=tuple(((k,), v) for k, v in observed.items())
    )
    weighting = weight_respondents(frame, pop)
    assert weighting.weights == pytest.approx(np.ones(len(frame)))
    weighted = weighted_scores(frame, inst, weighting, by="sector", min_n=1)
    plain = dimension_scores(frame, inst, by="sector", min_n=1)
    merged = weighted.merge(plain, on=["group", "dimension"], suffixes=("", "_plain"))
    assert len(merged) == len(plain) == 9
    assert merged["score"].to_numpy() == pytest.approx(merged["score_plain"].to_numpy())
    assert (merged["n"] == merged["n_plain"]).all()


def test_group_scores_are_domains_and_small_groups_are_not_shown():
    inst, frame = _survey(n=200)
    frame.loc[:3, "sector"] = "D"  # four respondents: under min_n
    pop = Population("rake", ("size",), {"size": {"small": 0.5, "large": 0.5}})
    weighting = weight_respondents(frame, pop)
    table = weighted_scores(frame, inst, weighting, by="sector", min_n=5)
    assert "D" not in set(table["group"])
    assert table.attrs["suppressed"][0]["n"] >= 5  # hidden with another, not alone
    # a domain's mean is the weighted mean of its respondents' scores, by hand
    row = table[(table.group == "A") & (table.dimension == "measure")].iloc[0]
    scores = frame.loc[frame.sector == "A", inst.dimension("measure").item_ids].mean(axis=1)
    w = weighting.weights[frame.sector == "A"]
    assert row["score"] == pytest.approx(float((w * scores / 5 * 100).sum() / w.sum()))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["x", "y", "z"]), min_size=12, max_size=60),
    st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
)
def test_post_stratified_weights_hit_every_share_exactly(values, raw):
    present = sorted(set(values))
    share = np.array(raw[: len(present)]) / sum(raw[: len(present)])
    pop = Population(
        "poststratify",
        ("g",),
        cells=tuple(((v,), float(s)) for v, s in zip(present, share, strict=True)),
    )
    frame = pd.DataFrame({"g": values})
    weighting = weight_respondents(frame, pop)
    w = pd.Series(weighting.weights).groupby(frame["g"]).sum() / len(frame)
    assert w.loc[present].to_numpy() == pytest.approx(share)


def test_a_value_the_population_file_lacks_is_named_or_set_aside():
    frame = pd.DataFrame({"sector": ["A", "B", "Q", None], "size": ["small"] * 4})
    with pytest.raises(WeightsError, match=r"row 3 of the data: sector='Q': not in the population"):
        weight_respondents(frame, RAKE)
    weighting = weight_respondents(
        frame.assign(sector=["A", "B", "Q", None]),
        Population("rake", ("sector",), {"sector": {"A": 0.5, "B": 0.5}}),
        reject_unweightable=True,
    )
    assert weighting.rejected.to_dict("records") == [
        {"row": 3, "reason": "sector='Q': not in the population file"},
        {"row": 4, "reason": "sector: missing, needed for the weights"},
    ]
    assert weighting.n + len(weighting.rejected) == len(frame)  # counts reconcile
    assert np.isnan(weighting.weights[2:]).all()


def test_a_cell_or_category_without_respondents_is_an_error_naming_it():
    frame = pd.DataFrame({"sector": ["A", "B"], "size": ["small", "large"]})
    with pytest.raises(WeightsError, match=r"margins.sector.C: no respondent has this value"):
        weight_respondents(frame, RAKE)
    pop = Population("poststratify", ("sector",), cells=((("A",), 0.5), (("C",), 0.5)))
    with pytest.raises(WeightsError, match=r"row 2 of the data: sector='B': no such cell"):
        weight_respondents(frame, pop)
    pop = Population(
        "poststratify", ("sector",), cells=((("A",), 0.4), (("B",), 0.3), (("C",), 0.3))
    )
    with pytest.raises(WeightsError, match=r"sector='C': no respondent in this cell"):
        weight_respondents(frame, pop)


def test_margins_that_cannot_be_met_are_a_clear_error_not_a_hang():
    # everyone small is in A, everyone large in B: sector and size are the same split
    frame = pd.DataFrame(
        {"sector": ["A", "A", "B", "B"], "size": ["small", "small", "large", "large"]}
    )
    pop = Population(
        "rake",
        ("sector", "size"),
        {"sector": {"A": 0.5, "B": 0.5}, "size": {"small": 0.8, "large": 0.2}},
    )
    with pytest.raises(WeightsError, match="raking did not converge"):
        weight_respondents(frame, pop)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("method: trim\n", "method", "must be 'rake' or 'poststratify'"),
        ("method: rake\n", "margins", "raking needs the margins"),
        ("method: rake\nmargins: {s: {A: 0.5, B: 0.4}}\n", "margins.s", "sum to 0.9"),
        ("method: rake\nmargins: {s: {A: yes, B: 0.4}}\n", "margins.s.A", "not a share"),
        ("method: rake\nmargins: {s: {A: 1.5}}\n", "margins.s.A", "not a share above 0"),
        ("method: poststratify\ncells: [{s: A}]\n", "cells[0]", "its 'share'"),
        (
            "method: poststratify\ncells: [{s: A, share: 0.5}, {s: A, share: 0.5}]\n",
            "cells[1]",
            "given twice",
        ),
        (
            "method: poststratify\ncells: [{s: A, share: 0.5}, {t: B, share: 0.5}]\n",
            "cells[1]",
            "must name the columns s",
        ),
        ("method: rake\ntolerance: -1\nmargins: {s: {A: 1}}\n", "tolerance", "positive"),
        ("[", "", "not valid YAML"),
    ],
)
def test_a_bad_population_file_names_file_key_and_problem(tmp_path, text, key, problem):
    path = tmp_path / "pop.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WeightsError) as caught:
        load_population(path)
    message = str(caught.value)
    assert message.startswith(str(path.resolve())) and problem in message
    assert f": {key}: " in message if key else True


def test_the_bundled_population_file_weights_the_bundled_data():
    from cxbench.validation import load_responses

    root = Path(__file__).resolve().parents[1] / "data"
    inst = load_instrument()
    pop = load_population(root / "population.yaml")
    data = load_responses(root / "benchmark_2023.csv", inst).data
    weighting = weight_respondents(data, pop)
    assert weighting.n == len(data) and weighting.rejected.empty
    w = pd.Series(weighting.weights)
    for column, margin in pop.margins.items():
        assert (w.groupby(data[column]).sum() / w.sum()).to_dict() == pytest.approx(margin)


# ------------------------------------------------------------- the command line

BUNDLED = Path(__file__).resolve().parents[1] / "data"


def _cli(args, capsys):
    from cxbench.cli import main

    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_score_with_weights_prints_the_design_based_figures(capsys):
    code, out, _ = _cli(
        [
            "score",
            str(BUNDLED / "benchmark_2023.csv"),
            "--weights",
            str(BUNDLED / "population.yaml"),
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0
    import json

    records = json.loads(out)
    assert [r["dimension"] for r in records] == ["measure", "manage", "master"]
    for record in records:
        assert record["weighted"] is True and record["n"] == 310
        assert {"se", "ci_low", "ci_high", "deff", "n_eff"} <= set(record)
        assert record["ci_low"] < record["score"] < record["ci_high"]
    code, out, _ = _cli(
        [
            "score",
            str(BUNDLED / "benchmark_2023.csv"),
            "--weights",
            str(BUNDLED / "population.yaml"),
        ],
        capsys,
    )
    assert "weighted: raked to the margins of sector and company_size" in out


def test_unweightable_rows_stop_the_command_or_are_set_aside_and_counted(tmp_path, capsys):
    data = pd.read_csv(BUNDLED / "benchmark_2023.csv", dtype=str, keep_default_na=False)
    data.loc[4, "company_size"] = "10000+"
    data.loc[9, "company_size"] = ""
    path = tmp_path / "survey.csv"
    data.to_csv(path, index=False)
    pop = str(BUNDLED / "population.yaml")
    code, _, err = _cli(["score", str(path), "--weights", pop], capsys)
    assert code == 2 and "row 5 of the data: company_size='10000+': not in the population" in err
    code, _, err = _cli(["score", str(path), "--weights", pop, "--reject-unweightable"], capsys)
    assert (
        code == 0
        and "2 of 310 accepted rows could not be weighted" in err
        and "308 weighted" in err
    )
    aside = pd.read_csv(f"{path}.weights-rejects.csv", dtype=str, keep_default_na=False)
    assert aside["reject_reason"].tolist() == [
        "company_size='10000+': not in the population file",
        "company_size: missing, needed for the weights",
    ]
    assert aside["respondent_id"].tolist() == [
        data.loc[4, "respondent_id"],
        data.loc[9, "respondent_id"],
    ]


def test_weights_are_refused_where_they_are_not_computed(capsys):
    survey, pop = str(BUNDLED / "benchmark_2023.csv"), str(BUNDLED / "population.yaml")
    code, _, err = _cli(["score", survey, "--weights", pop, "--level", "item"], capsys)
    assert code == 2 and "--weights scores dimensions only" in err
    code, _, err = _cli(["score", survey, "--reject-unweightable"], capsys)
    assert code == 2 and "only with --weights" in err


def test_weighted_comparison_is_consistent_with_the_domain_estimates():
    from cxbench.weights import weighted_comparison

    inst, frame = _survey(n=500, seed=8)
    weighting = weight_respondents(frame, RAKE)
    result = weighted_comparison(frame, inst, weighting, "sector", min_n=5)
    scores = weighted_scores(frame, inst, weighting, by="sector", min_n=5)
    pd.testing.assert_frame_equal(result.groups, scores)
    # sector A scores higher by construction: every dimension's Wald test sees it
    assert (result.tests["p"] < 0.001).all() and (result.tests["df2"] == len(frame) - 1).all()
    pairs = result.pairs.set_index(["dimension", "group_a", "group_b"])
    one = scores.set_index(["dimension", "group"])
    for (dimension, a, b), row in pairs.iterrows():
        assert row["diff"] == pytest.approx(
            one.loc[(dimension, a), "score"] - one.loc[(dimension, b), "score"]
        )
        assert row["ci_low"] < row["diff"] < row["ci_high"]
    assert (pairs["p_adj"] >= pairs["p"]).all()


def test_with_two_groups_and_no_calibration_the_wald_test_is_the_pairs_t_squared():
    """Two domains without calibration are uncorrelated (each one's linearised values
    sum to zero), so the difference's SE is √(se_a² + se_b²) and F = t²."""
    from cxbench.weights import weighted_comparison

    inst, frame = _survey(n=300, seed=9)
    frame["half"] = np.where(np.arange(len(frame)) % 2 == 0, "even", "odd")
    pop = Population("poststratify", ("half",), cells=((("even",), 0.5), (("odd",), 0.5)))
    weighting = weight_respondents(frame, pop)  # equal halves: weights of 1
    result = weighted_comparison(frame, inst, weighting, "sector", min_n=5)
    subset = frame[frame["sector"].isin(["A", "B"])].reset_index(drop=True)
    weighting = weight_respondents(
        subset,
        Population("rake", ("half",), {"half": dict(subset["half"].value_counts(normalize=True))}),
    )
    two = weighted_comparison(subset, inst, weighting, "sector", min_n=5)
    assert len(result.tests) == 3
    for dimension in inst.dimension_ids:
        pair = two.pairs[two.pairs.dimension == dimension].iloc[0]
        test = two.tests[two.tests.dimension == dimension].iloc[0]
        assert test["F"] == pytest.approx(pair["t"] ** 2, rel=1e-9)
        se = two.groups[two.groups.dimension == dimension]["se"].to_numpy()
        # the halves are a calibration, but weights of 1 change nothing in the means
        assert pair["se"] == pytest.approx(float(np.sqrt((se**2).sum())), rel=0.05)


def test_compare_with_weights_gives_wald_tests_and_never_names_a_small_group(capsys):
    import json

    survey, pop = str(BUNDLED / "benchmark_2023.csv"), str(BUNDLED / "population.yaml")
    code, out, err = _cli(
        [
            "compare",
            survey,
            "--by",
            "sector",
            "--weights",
            pop,
            "--min-n",
            "30",
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0
    records = json.loads(out)
    assert [r["dimension"] for r in records] == ["measure", "manage", "master"]
    small = {"Automotive", "Energy", "Public sector", "Travel & hospitality", "Insurance"}
    for record in records:
        assert record["weighted"] is True and record["wald"]["df2"] == 309
        names = {g["group"] for g in record["groups"]}
        assert names and not names & small and all(g["n"] >= 30 for g in record["groups"])
        assert {p["group_a"] for p in record["pairs"]} <= names
    assert not any(name in out for name in small)
    assert "weighted: raked" in err
    code, out, _ = _cli(["compare", survey, "--by", "sector", "--weights", pop], capsys)
    assert "Wald F(9, 309)" in out and "not weighted and are left out" in out


@pytest.mark.slow
def test_the_benchmark_report_says_whether_and_to_what_its_figures_are_weighted(tmp_path):
    import json
    import shutil

    from cxbench.publish import make_report_set
    from cxbench.validation import load_responses

    data = tmp_path / "data"
    data.mkdir()
    for name in ("benchmark_2023.csv", "benchmark_2023.meta.yaml", "labels.yaml"):
        shutil.copy(BUNDLED / name, data / name)
    population = BUNDLED / "population.yaml"
    made = make_report_set(
        data, out=tmp_path / "reports", languages=["tr"], sectors=["Finance"],
        weights=population, n_jobs=1, progress=False,
    )  # fmt: skip
    assert [r.status for r in made.results] == ["ok", "ok"]
    page = (tmp_path / "reports" / "2023" / "tr" / "benchmark.html").read_text("utf-8")
    assert "Rakamlar nasıl elde edildi" in page and "Tasarım etkisi" in page
    assert "sektör ve şirket büyüklüğü paylarına göre" in page
    inst = load_instrument()
    frame = load_responses(data / "benchmark_2023.csv", inst).data
    expected = weighted_scores(frame, inst, weight_respondents(frame, load_population(population)))
    for score in expected["score"]:
        assert f"{score:.1f}".replace(".", ",") in page
    flagged = "310 katılımcıdan 10 tanesini işaretliyor"
    assert flagged in page
    manifest = json.loads(made.manifest.read_text(encoding="utf-8"))
    assert str(population.resolve()) in manifest["inputs"]
    # the sector reports and the rest are unweighted: only the benchmark report is told
    assert "weights_path" not in manifest["reports"][1]["parameters"]


def test_weighted_metrics_are_weighted_means_of_each_answers_contribution(capsys):
    """With weights of 1 and no calibration, the NPS and its SE are the unweighted ones
    (the SE with n − 1: the multinomial formula of cxbench.metrics.nps uses n)."""
    import json

    from cxbench.metrics import metric_values, nps
    from cxbench.weights import weighted_metric

    data = pd.read_csv(BUNDLED / "benchmark_2023.csv", dtype=str, keep_default_na=False)
    values = metric_values(data, "nps").to_numpy(float)
    out = design_mean(values, np.ones(len(values)))
    plain = nps(data).iloc[0]
    n = int(plain["n"])
    half = (plain["ci_high"] - plain["ci_low"]) / 2
    assert out["mean"] == pytest.approx(plain["nps"])
    assert 1.959963984540054 * out["se"] == pytest.approx(half * np.sqrt(n / (n - 1)))
    pop = load_population(BUNDLED / "population.yaml")
    weighting = weight_respondents(data, pop)
    table = weighted_metric(data, "nps", weighting, by="company_size")
    w = weighting.weights
    for row in table.itertuples():
        inside = (data["company_size"] == row.group).to_numpy()
        assert row.value == pytest.approx((w[inside] * values[inside]).sum() / w[inside].sum())
    code, out_text, _ = _cli(
        ["metrics", str(BUNDLED / "benchmark_2023.csv"), "--nps", "nps", "--csat", "success",
         "--weights", str(BUNDLED / "population.yaml"), "--format", "json"],
        capsys,
    )  # fmt: skip
    assert code == 0
    records = json.loads(out_text)
    assert [r["metric"] for r in records] == ["nps", "csat"]
    assert all(r["weighted"] and r["se"] > 0 and r["n_eff"] < r["n"] for r in records)
