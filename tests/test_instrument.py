"""Instrument definitions: the bundled one, any k-point scale, and clear errors."""

from __future__ import annotations

import textwrap

import pytest

from cxbench.errors import InstrumentError
from cxbench.instrument import available_instruments, load_instrument, normalise_label

SEVEN_POINT = """
id: seven
scale: {min: 1, max: 7}
dimensions:
  - id: speed
    items:
      - {id: s1, text: Fast}
      - {id: s2, text: {en: Quick, tr: Hızlı}, reverse: true}
  - id: care
    label: {en: Care}
    items:
      - {id: c1, text: Kind}
"""


def _write(tmp_path, text, name="inst.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_bundled_instrument_matches_the_domain_brief():
    """Three dimensions of four items; published figures from the 2023 report."""
    inst = load_instrument("digital-cx-2023")
    assert available_instruments() == ["digital-cx-2023"]
    assert inst.dimension_ids == ["measure", "manage", "master"]
    assert inst.item_ids == [f"{d}_{i}" for d in inst.dimension_ids for i in range(1, 5)]
    published = {i.id: i.published_score for i in inst.items if i.published_score is not None}
    assert published == {
        "measure_1": 62, "measure_2": 60, "manage_1": 72,
        "manage_2": 68, "master_1": 72, "master_2": 52,
    }  # fmt: skip
    assert [d.published_score for d in inst.dimensions] == [70, 70, 65]
    assert inst.languages == ["en", "ru", "tr"]
    assert all(item.source in {"published", "named", "illustrative"} for item in inst.items)
    assert not any(item.reverse for item in inst.items)


def test_bundled_labels_code_every_language_case_and_space_insensitively():
    codes = load_instrument().scale.label_codes()
    assert codes[normalise_label("  strongly   DISAGREE")] == 1
    assert codes[normalise_label("Neither agree nor disagree")] == 3
    assert codes[normalise_label("KESİNLİKLE KATILIYORUM")] == 5
    assert codes[normalise_label("katılmıyorum")] == 2
    assert codes[normalise_label("ни согласен, ни не согласен")] == 3
    assert codes[normalise_label("ПОЛНОСТЬЮ согласен")] == 5


def test_any_scale_and_shape_loads(tmp_path):
    inst = load_instrument(_write(tmp_path, SEVEN_POINT))
    assert (inst.scale.min, inst.scale.max, inst.scale.points) == (1, 7, 7)
    assert [len(d.items) for d in inst.dimensions] == [2, 1]
    assert inst.item("s2").reverse and inst.scale.reverse(2) == 6
    assert inst.dimension("speed").default_min_answered == 2  # ceil(0.75 * 2)
    assert inst.dimension("speed").name("tr") == "speed"  # falls back to the id
    assert inst.item("s2").label("tr") == "Hızlı" and inst.item("s1").label("tr") == "Fast"


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (("id: seven", "title: x"), "id", "is required"),
        (("max: 7", "max: 1"), "scale.max", "greater than scale.min"),
        (("max: 7", "max: 7.5"), "scale.max", "whole number"),
        (("{id: c1, text: Kind}", "{id: s1, text: Kind}"), "items[0].id", "defined twice"),
        (("{id: c1, text: Kind}", "{id: c1}"), "items[0].text", "is required"),
        (("reverse: true", "reverse: maybe"), "items[1].reverse", "true or false"),
        (("- id: care", "- id: speed"), "dimensions[1].id", "defined twice"),
        (("{id: c1, text: Kind}", "{id: c1, text: {tr: Nazik}}"), "text.en", "is required"),
    ],
)
def test_bad_instrument_names_the_key(tmp_path, change, key, problem):
    path = _write(tmp_path, SEVEN_POINT.replace(*change))
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert key in message and problem in message, message


def test_labels_must_match_the_scale(tmp_path):
    text = SEVEN_POINT.replace(
        "scale: {min: 1, max: 7}", "scale: {min: 1, max: 3, labels: {en: [a, b]}}"
    )
    with pytest.raises(InstrumentError, match=r"scale.labels.en: must list 3 labels"):
        load_instrument(_write(tmp_path, text))
    text = SEVEN_POINT.replace(
        "scale: {min: 1, max: 7}", "scale: {min: 1, max: 3, labels: {en: [a, b, A]}}"
    )
    with pytest.raises(InstrumentError, match=r"same label as en\[0\]"):
        load_instrument(_write(tmp_path, text))


def test_missing_file_and_bad_yaml_are_clear(tmp_path):
    with pytest.raises(InstrumentError, match="no such instrument file"):
        load_instrument(tmp_path / "nope.yaml")
    with pytest.raises(InstrumentError, match="not valid YAML"):
        load_instrument(_write(tmp_path, "id: [unclosed\n"))
    with pytest.raises(InstrumentError, match="must be a YAML mapping"):
        load_instrument(_write(tmp_path, "- a\n- b\n"))
