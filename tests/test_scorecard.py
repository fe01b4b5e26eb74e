"""Tests for cxbench.scorecard and the scorecard jobs: figures by hand, anonymity rules,
the maturity stage and its text (cxbench.narrative.scorecard_stage) and ladder
(cxbench.tables.stage_ladder_table), worked by hand as in tests/test_maturity.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxbench.cli import main
from cxbench.errors import ParameterError
from cxbench.instrument import Instrument, load_instrument
from cxbench.maturity import maturity_stages
from cxbench.narrative import scorecard_stage, section
from cxbench.publish import plan_scorecards
from cxbench.scorecard import participant_scorecard
from cxbench.tables import stage_ladder_table

INST = load_instrument()


def _org(rid: str, sector: str, points: list[int]) -> dict:
    """An organisation answering each dimension's four statements with ``points``."""
    row = {"respondent_id": rid, "sector": sector}
    for dim, value in zip(INST.dimensions, points, strict=True):
        row |= dict.fromkeys(dim.item_ids, value)
    return row


@pytest.fixture
def data() -> pd.DataFrame:
    rows = [_org("me", "retail", [2, 4, 3])]
    rows += [_org(f"r{i}", "retail", [p, 3, 4]) for i, p in enumerate([3, 4, 4, 5, 2, 3])]
    rows += [_org(f"b{i}", "bank", [5, 5, 5]) for i in range(4)]
    # bank (4) is under min_n = 5; energy (5), the smallest other sector, is hidden with it
    rows += [_org(f"e{i}", "energy", [4, 4, 4]) for i in range(5)]
    frame = pd.DataFrame(rows)
    frame.loc[0, "master_2"] = 1  # my weakest statement
    return frame


def test_figures_against_a_hand_calculation(data):
    card = participant_scorecard(data, INST, "me")
    assert (card.group, card.reference, card.reference_n) == ("retail", "sector", 7)
    measure = card.dimensions.set_index("dimension").loc["measure"]
    retail = np.array([2, 3, 4, 4, 5, 2, 3]) * 20.0  # sum/max % of a constant answer
    assert measure.score == 40.0
    assert measure.reference_mean == pytest.approx(retail.mean())
    assert measure.percentile_sector == pytest.approx(
        stats.percentileofscore(retail, 40.0, kind="mean")
    )
    everyone = np.concatenate([retail, [100.0] * 4, [80.0] * 5])
    assert measure.percentile_overall == pytest.approx(
        stats.percentileofscore(everyone, 40.0, kind="mean")
    )
    assert measure.gap_top_quartile == pytest.approx(40.0 - np.percentile(retail, 75))
    master = card.dimensions.set_index("dimension").loc["master"]
    assert master.score == pytest.approx((3 + 1 + 3 + 3) / 20 * 100)


def test_priorities_are_the_statements_trailing_the_sector_most(data):
    card = participant_scorecard(data, INST, "me")
    gaps = card.items.set_index("item")["gap"]
    assert card.priorities["item"].tolist() == gaps.nsmallest(3).index.tolist()
    assert card.priorities["item"].iloc[0] == "master_2"
    assert (card.priorities["gap"] < 0).all()


def test_a_small_sector_falls_back_to_the_whole_benchmark(data):
    card = participant_scorecard(data, INST, "b0")  # 3 other banks < min_n 5
    assert card.reference == "benchmark" and card.reference_n == len(data)
    assert card.group is None  # the sector is not named
    assert card.dimensions["percentile_sector"].isna().all()
    assert card.dimensions["reference_mean"].tolist() == card.dimensions["benchmark_mean"].tolist()
    assert participant_scorecard(data, INST, "b0", min_n=3).reference == "sector"


def test_a_sector_hidden_with_a_small_one_is_no_reference(data):
    """Without energy, retail (7) is the only complement of bank (4): the benchmark minus
    retail would be the banks' mean, so retail is hidden too, and no scorecard shows it."""
    two_sectors = data[data["sector"] != "energy"]
    card = participant_scorecard(two_sectors, INST, "me")
    assert card.reference == "benchmark" and card.dimensions["percentile_sector"].isna().all()
    with pytest.raises(ParameterError, match="fewer than min_n=5"):
        participant_scorecard(two_sectors.head(5), INST, "me")  # 4 others: their mean


def test_unknown_or_repeated_ids_are_errors(data):
    with pytest.raises(ParameterError, match="no such respondent_id"):
        participant_scorecard(data, INST, "nobody")
    twice = pd.concat([data, data.iloc[[1]]], ignore_index=True)
    with pytest.raises(ParameterError, match="appears 2 times"):
        participant_scorecard(twice, INST, "r0")


def test_scorecard_jobs_follow_the_participants_language(data, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    data.assign(language=["ru"] + ["tr"] * (len(data) - 1)).to_csv(
        folder / "benchmark_2023.csv", index=False
    )
    jobs = plan_scorecards(data=folder, edition=2023, participants=["me", "r1"], out=tmp_path)
    assert [(j.name, j.language) for j in jobs] == [("me", "ru"), ("r1", "tr")]
    assert jobs[0].html == tmp_path / "2023" / "scorecards" / "ru" / "me.html"
    with pytest.raises(ParameterError, match="ghost"):
        plan_scorecards(data=folder, edition=2023, participants=["ghost"], out=tmp_path)
    code = main(
        [
            "report",
            "--data",
            str(folder),
            "--scorecards",
            "--participants",
            "ghost",
            "--out",
            str(tmp_path / "cli"),
        ]
    )
    assert code == 2 and not (tmp_path / "cli").exists()


# --------------------------------------------------------------- maturity stages

#: The bundled instrument's YAML up to its stages, to declare other stages on it.
BUNDLED = (
    Path(__file__).resolve().parents[1] / "cxbench" / "instruments" / "digital-cx-2023.yaml"
).read_text(encoding="utf-8")
HEAD = BUNDLED[: BUNDLED.index("\nstages:")] + "\n"
NO_STAGES = Path(__file__).parent / "fixtures" / "instruments" / "service-cx-7.yaml"


def _with_stages(tmp_path: Path, stages: str) -> Instrument:
    path = tmp_path / "staged.yaml"
    path.write_text(HEAD + "stages:\n" + stages, encoding="utf-8")
    return load_instrument(path)


@pytest.mark.parametrize(
    ("rid", "stage", "next_stage", "needs", "points"),
    [
        # 40/80/50 % (master 3, 1, 3, 3 of 5): overall 56.7 ≥ 50; established needs 60
        ("me", "emerging", "established", "overall", 60 - 170 / 3),
        # 80/60/80: overall 73.3, every dimension ≥ 60; leading needs 75 on Manage too:
        # 15 points short there, 6.7 overall
        ("r1", "advanced", "leading", "manage", 15.0),
        # 100/100/100: the last stage
        ("b0", "leading", None, None, np.nan),
    ],
)
def test_the_stage_and_the_largest_step_worked_by_hand(data, rid, stage, next_stage, needs, points):
    card = participant_scorecard(data, INST, rid)
    assert (card.stage, card.next_stage, card.stage_needs) == (stage, next_stage, needs)
    assert card.stage_points == pytest.approx(points, nan_ok=True)


def test_the_stage_is_maturity_stages_with_the_scorecards_method_and_threshold(data):
    whole = maturity_stages(data, INST).set_index("respondent_id")
    whole = whole.astype(object).where(whole.notna(), None)
    for rid in data["respondent_id"]:
        card = participant_scorecard(data, INST, rid)
        expected = whole.loc[rid]
        assert (card.stage, card.next_stage, card.stage_needs) == (
            expected["stage"],
            expected["next_stage"],
            expected["needs"],
        )
        assert card.stage_points == pytest.approx(expected["points"] or np.nan, nan_ok=True)
    # POMP: (point − 1) / 4 → 25/75/37.5 %, overall 45.8: below emerging's 50
    pomp = participant_scorecard(data, INST, "me", method="pomp")
    assert pomp.stage == "exploring" and pomp.stage_points == pytest.approx(50 - 137.5 / 3)
    # two of Master's four statements left: no score under the default 3, one under 2
    short = data.copy()
    short.loc[0, ["master_3", "master_4"]] = None
    assert participant_scorecard(short, INST, "me").stage is None
    assert participant_scorecard(short, INST, "me", min_answered=2).stage == "emerging"


def test_the_stage_paragraph_in_english(data):
    text = [scorecard_stage(participant_scorecard(data, INST, r), INST).markdown
            for r in ("me", "r1", "b0")]  # fmt: skip
    assert text == [
        "Your organisation is at stage 2 of 5: Emerging. To reach the next stage, "
        "Established, the largest step is in your overall score (the mean of your "
        "dimension scores): it needs to rise by 3.3 points.",
        "Your organisation is at stage 4 of 5: Advanced. To reach the next stage, "
        "Leading, the largest step is in Manage: your score there needs to rise by "
        "15.0 points.",
        "Your organisation is at stage 5 of 5: Leading. This is the highest stage of "
        "the maturity model.",
    ]


def test_the_stage_paragraph_in_turkish_and_russian(data):
    me, r1 = (participant_scorecard(data, INST, r) for r in ("me", "r1"))
    assert scorecard_stage(r1, INST, "tr").markdown == (
        "Kurumunuz 5 aşamalı olgunluk modelinin 4. aşamasında: İleri. Bir sonraki "
        "aşamaya, Öncü aşamasına ulaşmak için en büyük adım Yönetme boyutunda: bu "
        "boyuttaki puanınızın 15,0 puan yükselmesi gerekiyor."
    )
    assert scorecard_stage(me, INST, "ru").markdown == (
        "Ваша организация находится на стадии 2 из 5: «Становление». Чтобы перейти на "
        "следующую стадию, «Устойчивый уровень», больше всего нужно подтянуть общий "
        "балл (среднее ваших баллов по измерениям): он должен вырасти на 3,3 балла."
    )
    assert str(section("scorecard_stage", "tr")).startswith("## Olgunluk aşamanız\n\n")


def test_without_a_score_on_every_dimension_the_paragraph_says_why(data):
    data.loc[0, INST.dimension("master").item_ids] = None
    card = participant_scorecard(data, INST, "me")
    assert (card.stage, card.next_stage, card.stage_needs) == (None, None, None)
    assert np.isnan(card.stage_points)
    assert scorecard_stage(card, INST).markdown == (
        "Your organisation has no maturity stage: a stage needs a score on every "
        "dimension, and too few statements were answered for a score on Master."
    )
    assert scorecard_stage(card, INST, "ru").markdown.endswith("Без балла: Мастерство.")
    assert "Ustalaşma için" in scorecard_stage(card, INST, "tr").markdown
    # the ladder is still shown, with no stage marked
    table = stage_ladder_table(INST, current=card.stage)
    assert "Your stage" not in table.headers and len(table.rows) == 5


def test_the_ladder_gives_each_stages_minimums_and_marks_the_participants():
    table = stage_ladder_table(INST, current="advanced")
    assert table.headers == ("Stage", "Overall", "Measure", "Manage", "Master", "Your stage")
    assert table.rows == (
        ("Exploring", "–", "–", "–", "–", ""),
        ("Emerging", "50", "–", "–", "–", ""),
        ("Established", "60", "–", "–", "–", ""),
        ("Advanced", "70", "60", "60", "60", "●"),
        ("Leading", "80", "75", "75", "75", ""),
    )
    assert table.numeric == (False, True, True, True, True, False)
    russian = stage_ladder_table(INST, language="ru")
    assert russian.headers[:2] == ("Стадия", "Общий балл") and russian.rows[4][0] == "Лидерство"
    with pytest.raises(ParameterError, match="not a stage"):
        stage_ladder_table(INST, current="expert")


def test_the_ladder_shows_only_what_the_stages_set_in_the_readers_numbers(tmp_path):
    inst = _with_stages(
        tmp_path,
        "  - {id: low, name: {en: Low, tr: Düşük}}\n"
        "  - {id: high, name: {en: High, tr: Yüksek}, min: {master: 62.5}}\n",
    )
    table = stage_ladder_table(inst, language="tr", current="high")
    assert table.headers == ("Aşama", "Ustalaşma", "Aşamanız")
    assert table.rows == (("Düşük", "–", ""), ("Yüksek", "62,5", "●"))


def test_a_stage_name_from_the_instrument_is_escaped(data, tmp_path):
    inst = _with_stages(
        tmp_path,
        '  - {id: low, name: {en: "<b>Low</b>"}}\n'
        '  - {id: top, name: {en: "<b>*Top*</b>"}, min: {overall: 99}}\n',
    )
    card = participant_scorecard(data, inst, "me")
    assert (card.stage, card.next_stage, card.stage_needs) == ("low", "top", "overall")
    text = scorecard_stage(card, inst).markdown
    assert "<b>" not in text and "&lt;b&gt;Low&lt;/b&gt;" in text
    assert "&lt;b&gt;\\*Top\\*&lt;/b&gt;" in text
    page = stage_ladder_table(inst, current="low").to_html()
    assert "<b>" not in page and "&lt;b&gt;Low&lt;/b&gt;" in page


def _service_survey(n: int = 8) -> pd.DataFrame:
    """The stageless test instrument, every statement answered 1–7 in turn."""
    other = load_instrument(NO_STAGES)
    rows = [
        {"respondent_id": f"R{k:03d}", "branch": "Hotels"}
        | dict.fromkeys(other.item_ids, 1 + k % 7)
        for k in range(1, n + 1)
    ]
    return pd.DataFrame(rows)


def test_an_instrument_without_stages_shows_nothing_of_them():
    other = load_instrument(NO_STAGES)
    assert not other.stages
    card = participant_scorecard(_service_survey(), other, "R001", by="branch")
    assert (card.stage, card.next_stage, card.stage_needs) == (None, None, None)
    assert np.isnan(card.stage_points)
    assert scorecard_stage(card, other).markdown == ""
    with pytest.raises(ParameterError, match="declares no maturity stages"):
        stage_ladder_table(other)


@pytest.mark.slow
def test_the_scorecard_notebook_has_no_stage_section_without_stages(tmp_path):
    """Run as `cxbench report --scorecards` runs it (papermill), on the stageless
    instrument: no heading, no paragraph, no ladder."""
    papermill = pytest.importorskip("papermill")
    folder = tmp_path / "data"
    folder.mkdir()
    _service_survey().to_csv(folder / "benchmark_2025.csv", index=False)
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "scorecard.ipynb"
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters={
            "data_path": str(folder),
            "instrument": str(NO_STAGES),
            "respondent_id": "R001",
            "edition": 2025,
            "sector_column": "branch",
        },
        kernel_name="python3",
        cwd=str(notebook.parent),
        progress_bar=False,
    )
    text = out.read_text(encoding="utf-8")
    assert "Your dimension scores" in text  # the run got past the dimension table
    assert "maturity" not in text.replace('cx.section(\\"scorecard_stage', "")
    assert "Your stage" not in text and "least score" not in text
