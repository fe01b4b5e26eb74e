"""The run's shared cache (:mod:`cxbench.runcache`): a call is answered from it only when
every argument is equal, a chart taken from it is the image a new rendering makes, and
outside a report run nothing is cached. (That reports made with the cache are
byte-identical to reports made without it: ``tests/test_pipeline.py``.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from IPython.core.pylabtools import print_figure
from matplotlib.figure import Figure

import cxbench as cx
from cxbench import runcache
from cxbench.runcache import RUN_CACHE_ENV, cached_render, cached_result, call_key


@pytest.fixture
def run_cache(tmp_path, monkeypatch):
    """A report run's cache folder, as :func:`cxbench.publish.run_reports` sets it."""
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv(RUN_CACHE_ENV, str(folder))
    return folder


OTHER_INSTRUMENT = Path(__file__).parent / "fixtures" / "instruments" / "service-cx-7.yaml"
FRAME = pd.DataFrame({"group": ["a", "b"], "score": [1.5, 2.0]})


@pytest.mark.parametrize(
    "other",
    [
        FRAME.assign(score=[1.5, 2.5]),  # a value
        FRAME.rename(columns={"score": "points"}),  # a column's name
        FRAME.astype({"score": "float32"}),  # a type
        FRAME.set_axis([1, 2]),  # the index
        FRAME[["score", "group"]],  # the column order
        FRAME.iloc[:1],  # a row fewer
        FRAME.assign(score=["1.5", "2.0"]),  # text, not numbers
    ],
    ids=["value", "column", "dtype", "index", "order", "rows", "text"],
)
def test_a_call_key_sees_every_difference_in_a_frame(other):
    assert call_key("f", (FRAME,), {}) == call_key("f", (FRAME.copy(),), {})
    assert call_key("f", (FRAME,), {}) != call_key("f", (other,), {})


def test_a_call_key_sees_the_order_of_categories():
    # pandas hashes a categorical's values, not the order of its categories (which is
    # the order of the groups in a chart)
    ab = FRAME.assign(group=pd.Categorical(["a", "b"], categories=["a", "b"]))
    ba = FRAME.assign(group=pd.Categorical(["a", "b"], categories=["b", "a"]))
    assert call_key("f", (ab,), {}) != call_key("f", (ba,), {})


def test_a_call_key_tells_a_number_from_its_text():
    # pandas hashes the object values 1 and "1" alike
    names = FRAME.assign(group=["1", "b"])
    mixed = FRAME.assign(group=[1, "b"])
    assert call_key("f", (names,), {}) != call_key("f", (mixed,), {})


def test_a_call_key_sees_names_keywords_and_nested_values():
    inst = cx.load_instrument()
    base = call_key("f", (FRAME, inst), {"language": "en", "highlight": ["a"]})
    assert base == call_key("f", (FRAME, inst), {"highlight": ["a"], "language": "en"})
    changed = [
        call_key("g", (FRAME, inst), {"language": "en", "highlight": ["a"]}),
        call_key("f", (FRAME, inst), {"language": "tr", "highlight": ["a"]}),
        call_key("f", (FRAME, inst), {"language": "en", "highlight": ["b"]}),
        call_key("f", (FRAME, inst), {"language": "en", "highlight": ("a",)}),
        call_key("f", (FRAME, cx.load_instrument(OTHER_INSTRUMENT)), {}),
        call_key("f", (FRAME, inst), {"language": "en", "highlight": ["a"], "min_n": 5}),
    ]
    assert base not in changed and len(set(changed)) == len(changed)


def test_what_cannot_be_digested_is_not_cached():
    figure = Figure()
    assert call_key("f", (FRAME,), {"ax": figure.subplots()}) is None
    assert call_key("f", (object(),), {}) is None


def test_outside_a_report_run_every_call_computes(monkeypatch):
    monkeypatch.delenv(RUN_CACHE_ENV, raising=False)
    calls = []

    @cached_result
    def total(frame):
        calls.append(1)
        return frame["score"].sum()

    assert total(FRAME) == total(FRAME) == 3.5
    assert len(calls) == 2


def test_in_a_run_an_equal_call_is_answered_from_the_cache(run_cache):
    calls = []

    @cached_result
    def total(frame, *, scale=1):
        calls.append(1)
        return frame.assign(score=frame["score"] * scale)

    first = total(FRAME)
    again = total(FRAME.copy())  # equal, not the same object
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, again)
    again.loc[0, "score"] = 99.0  # a caller changing its copy changes nobody else's
    pd.testing.assert_frame_equal(total(FRAME), first)
    total(FRAME, scale=2)
    total(FRAME.assign(score=[1.5, 2.5]))
    assert len(calls) == 3
    assert len(list(run_cache.glob("result-*"))) == 3


def test_a_comparison_is_computed_once_per_run(run_cache, monkeypatch):
    inst = cx.load_instrument()
    data = cx.load_responses("data/benchmark_2023.csv", inst).data
    first = cx.compare_groups(data, inst, by="sector", min_n=5)
    cx.comparison._COMPARISONS.clear()  # as in another kernel of the run
    monkeypatch.setattr(cx.comparison, "group_statistics", None)  # would fail if called
    again = cx.compare_groups(data, inst, by="sector", min_n=5)
    pd.testing.assert_frame_equal(again.groups, first.groups)
    pd.testing.assert_frame_equal(again.posthoc, first.posthoc)


def _render(figure: Figure, **options) -> bytes:
    """The PNG the notebook's inline backend makes (IPython's print_figure)."""
    return print_figure(figure, "png", bbox_inches=None, **options)


def test_a_chart_is_drawn_once_per_run_and_the_image_is_the_same(run_cache, monkeypatch):
    inst = cx.load_instrument()
    data = cx.load_responses("data/benchmark_2023.csv", inst).data
    answers = cx.item_distribution(data, inst, min_n=5)
    monkeypatch.delenv(RUN_CACHE_ENV)
    fresh = _render(cx.plot_likert(answers, inst, language="tr"))
    monkeypatch.setenv(RUN_CACHE_ENV, str(run_cache))
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: draws.append(1) or original(self, r))

    first = _render(cx.plot_likert(answers, inst, language="tr"))
    drawn = len(draws)
    again = _render(cx.plot_likert(answers, inst, language="tr"))

    assert drawn > 0 and len(draws) == drawn  # the second came from the cache
    assert first == again == fresh
    other = [
        _render(cx.plot_likert(answers, inst, language="ru")),
        _render(cx.plot_likert(answers, inst, language="tr"), dpi=50),
    ]
    assert len(draws) > drawn and fresh not in other


def test_a_figure_changed_after_it_was_made_is_drawn_as_it_is(run_cache, monkeypatch):
    inst = cx.load_instrument()
    data = cx.load_responses("data/benchmark_2023.csv", inst).data
    answers = cx.item_distribution(data, inst, min_n=5)
    plain = _render(cx.plot_likert(answers, inst))
    titled = cx.plot_likert(answers, inst)
    titled.axes[0].set_title("Our own title")  # as a team's own notebook might
    image = _render(titled)
    monkeypatch.delenv(RUN_CACHE_ENV)
    expected = cx.plot_likert(answers, inst)
    expected.axes[0].set_title("Our own title")
    assert image == _render(expected) != plain
    monkeypatch.setenv(RUN_CACHE_ENV, str(run_cache))
    assert _render(cx.plot_likert(answers, inst)) == plain  # the title was not kept
    assert len(list(run_cache.glob("render-*"))) == 1


def test_a_setting_changed_since_makes_a_new_image(run_cache):
    @cached_render
    def line(width):
        figure = Figure(figsize=(width, 1))
        figure.subplots().plot([0, 1], [0, 1])
        return figure

    import matplotlib

    first = _render(line(2))
    with matplotlib.rc_context({"lines.linewidth": 6}):  # read when the line is made
        thick = _render(line(2))
    with matplotlib.rc_context({"path.sketch": (5, 20, 2)}):  # read when it is drawn
        sketched = _render(line(2))
    assert len({first, thick, sketched}) == 3
    assert _render(line(2)) == first
    assert len(list(run_cache.glob("render-*"))) == 3


def test_a_figure_saved_to_a_file_is_drawn(run_cache, tmp_path):
    inst = cx.load_instrument()
    overall = cx.compare_groups(
        cx.load_responses("data/benchmark_2023.csv", inst).data, inst, by="sector"
    ).overall
    path = cx.save_figure(cx.plot_dimension_scores(overall, inst), tmp_path / "d.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(run_cache.glob("render-*"))


def test_the_cache_folder_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv(RUN_CACHE_ENV, str(tmp_path / "gone"))
    assert runcache.cache_folder() is None
