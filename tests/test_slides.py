"""Tests for cxbench.publish.slides: an executed notebook as a slide deck, read back with
python-pptx.

Slide sizes are compared with PowerPoint's own: 16:9 is 12 192 000 × 6 858 000 EMU
(13.333 × 7.5 in), 4:3 is 9 144 000 × 6 858 000 EMU (10 × 7.5 in).
"""

from __future__ import annotations

import base64
import io
import os
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import nbformat.v4 as v4
import pytest
from matplotlib.figure import Figure
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from cxbench.errors import ParameterError, UnusableFileError
from cxbench.publish.slides import chart_slides, plain_text, write_slides

HOSTILE = "<b>&\"' </b> & &amp; <script>alert(1)</script>"
TURKISH = "Şirketlerin ğ İstanbul ıİ müşteri deneyimi"
RUSSIAN = "Цифровой клиентский опыт: Ёлка, щука, ъ"


def png(width: float = 8, height: float = 4.5, dpi: int = 200) -> str:
    """A chart's picture as nbformat stores it: base64 text (``width × dpi`` pixels)."""
    figure = Figure(figsize=(width, height))
    figure.add_subplot().plot([1, 2, 3], [2, 1, 3])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


WIDE = png()  # 1600 × 900 px


def chart(picture: str = WIDE, caption: str | None = None, figure_id: str | None = None):
    about = {"kind": "figure"}
    if caption is not None:
        about["caption"] = caption
    if figure_id is not None:
        about["id"] = figure_id
    return v4.new_output("display_data", {"image/png": picture}, metadata={"cxbench": about})


def finding(text: str):
    return v4.new_output(
        "display_data", {"text/markdown": text}, metadata={"cxbench": {"kind": "finding"}}
    )


def markdown(text: str):
    return v4.new_output("display_data", {"text/markdown": text})


def notebook(*cells, tags: dict[int, list[str]] | None = None):
    """A notebook with one code cell per list of outputs; ``tags`` by cell index."""
    made = []
    for index, outputs in enumerate(cells):
        cell = v4.new_code_cell("cx.something()", outputs=list(outputs))
        if tags and index in tags:
            cell.metadata["tags"] = tags[index]
        made.append(cell)
    return v4.new_notebook(cells=made)


def deck(nb, tmp_path: Path, **options) -> Presentation:
    options.setdefault("title", "Digital CX benchmark 2023")
    path = write_slides(nb, tmp_path / "deck.pptx", **options)
    return Presentation(str(path))


def titles(presentation) -> list[str]:
    return [slide.shapes.title.text for slide in presentation.slides]


def pictures(slide) -> list:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text


def all_text(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_a_title_slide_then_one_slide_per_chart_in_order(tmp_path):
    nb = notebook(
        [markdown("# Report"), markdown("Dear reader, this is a paragraph.")],
        [chart(caption="Dimension scores")],
        [finding("Measure leads.")],
        [chart(caption="Sector gaps"), finding("Finance leads the sectors.")],
        [chart(caption="Stages")],
        [finding("Most organisations are at stage 2.")],
    )
    out = deck(nb, tmp_path, subtitle="Edition 2023 · SYNTHETIC data")
    assert titles(out) == [
        "Digital CX benchmark 2023",
        "Measure leads.",
        "Finance leads the sectors.",
        "Most organisations are at stage 2.",
    ]
    slides = list(out.slides)
    assert pictures(slides[0]) == []
    assert [len(pictures(slide)) for slide in slides[1:]] == [1, 1, 1]
    assert "Edition 2023 · SYNTHETIC data" in all_text(slides[0])
    # the caption is shown under its chart
    assert "Sector gaps" in all_text(slides[2])


def test_code_is_never_shown_and_tagged_cells_are_left_out(tmp_path):
    nb = notebook(
        [chart(caption="In the parameters cell")],
        [chart(caption="Developer chart")],
        [chart(caption="Injected")],
        [chart(caption="Shown")],
        tags={0: ["parameters"], 1: ["remove-cell"], 2: ["injected-parameters"]},
    )
    out = deck(nb, tmp_path)
    assert titles(out) == ["Digital CX benchmark 2023", "Shown"]
    texts = [text for slide in out.slides for text in all_text(slide)]
    assert not any("cx.something" in text for text in texts)


@pytest.mark.parametrize(
    ("widescreen", "size"), [(True, (12_192_000, 6_858_000)), (False, (9_144_000, 6_858_000))]
)
def test_slide_size_is_powerpoints_own_16_9_or_4_3(tmp_path, widescreen, size):
    out = deck(notebook([chart(caption="Scores")]), tmp_path, widescreen=widescreen)
    assert (out.slide_width, out.slide_height) == size
    assert round(out.slide_width.inches, 3) == (13.333 if widescreen else 10.0)


@pytest.mark.parametrize("widescreen", [True, False])
@pytest.mark.parametrize(("width", "height"), [(8, 4.5), (4, 6), (12, 2)])
def test_the_picture_fits_under_the_title_keeping_its_proportions(
    tmp_path, widescreen, width, height
):
    nb = notebook([chart(png(width, height, dpi=300), caption="A caption"), finding("Found.")])
    out = deck(nb, tmp_path, widescreen=widescreen)
    slide = out.slides[1]
    (picture,) = pictures(slide)
    title = slide.shapes.title
    assert picture.top >= title.top + title.height
    assert picture.left >= 0 and picture.left + picture.width <= out.slide_width
    assert picture.top + picture.height <= out.slide_height
    assert picture.width / picture.height == pytest.approx(width / height, rel=0.01)
    # centred across the slide
    assert picture.left + picture.width / 2 == pytest.approx(out.slide_width / 2, abs=2)
    # it fills the space in one direction
    room = out.slide_width - 2 * 457_200
    assert picture.width == pytest.approx(room, rel=0.01) or picture.height > 4 * 914_400
    caption = next(s for s in slide.shapes if s.name == "Caption")
    assert caption.top >= picture.top + picture.height
    assert caption.top + caption.height <= out.slide_height


def test_the_picture_is_the_png_as_it_is(tmp_path):
    nb = notebook([chart(WIDE, figure_id="fig-scores", caption="Scores")])
    (picture,) = pictures(deck(nb, tmp_path).slides[1])
    assert picture.image.blob == base64.b64decode(WIDE)
    assert picture.name == "fig-scores"
    assert picture._element.nvPicPr.cNvPr.get("descr") == "Scores"


def test_notes_hold_the_note_on_data_and_method_and_the_caption(tmp_path):
    note = "SYNTHETIC data. Scores are means on 0-100; intervals are 95 % bootstrap."
    nb = notebook([chart(caption="Dimension scores, 2023"), finding("Measure leads.")])
    out = deck(nb, tmp_path, notes=note)
    assert notes(out.slides[0]) == note
    chart_notes = notes(out.slides[1])
    assert note in chart_notes and "Dimension scores, 2023" in chart_notes


def test_a_chart_is_titled_by_the_first_finding_after_it(tmp_path):
    nb = notebook(
        [finding("Before the chart: not its finding.")],
        [chart(caption="Caption")],
        [markdown("An expert's quote, not a finding.")],
        [finding("First **finding**."), finding("Second finding.")],
    )
    assert titles(deck(nb, tmp_path))[1] == "First finding."


def test_without_a_finding_the_caption_then_the_last_heading(tmp_path):
    nb = notebook(
        [markdown("## Dimension scores\n\nHow far they measure.")],
        [markdown("### A smaller heading")],
        [chart(caption="Scores by dimension")],
        [markdown("## Sectors")],
        [chart()],
        [markdown("Just a paragraph.")],
    )
    assert titles(deck(nb, tmp_path))[1:] == ["Scores by dimension", "Sectors"]


def test_the_last_heading_of_any_level_names_a_chart_without_caption(tmp_path):
    nb = notebook([markdown("## Sectors")], [markdown("### Finance \\& banking")], [chart()])
    assert titles(deck(nb, tmp_path))[1] == "Finance & banking"


def test_without_finding_caption_or_heading_the_deck_title(tmp_path):
    assert titles(deck(notebook([chart()]), tmp_path)) == ["Digital CX benchmark 2023"] * 2


def test_a_finding_after_the_next_heading_or_chart_is_not_taken(tmp_path):
    nb = notebook(
        [chart(caption="First caption")],
        [markdown("## Next section")],
        [finding("Belongs to the next section.")],
        [chart(caption="Second caption")],
        [chart(caption="Third caption"), finding("Third finding.")],
    )
    assert titles(deck(nb, tmp_path))[1:] == ["First caption", "Second caption", "Third finding."]


def test_a_level_3_heading_does_not_end_a_charts_findings(tmp_path):
    nb = notebook(
        [chart(caption="Caption")], [markdown("### Detail")], [finding("Still this chart's.")]
    )
    assert titles(deck(nb, tmp_path))[1] == "Still this chart's."


def test_the_caption_is_not_repeated_under_the_chart_it_titles(tmp_path):
    slide = deck(notebook([chart(caption="Scores")]), tmp_path).slides[1]
    assert all_text(slide).count("Scores") == 1


def test_finding_markdown_becomes_plain_text(tmp_path):
    text = (
        "**Finance** leads with _70\\.2_ \\*points\\* \\[sic\\]; see "
        "[the method](#method) &amp; item\\_id."
    )
    nb = notebook([chart(), finding(text)])
    assert titles(deck(nb, tmp_path))[1] == (
        "Finance leads with 70.2 *points* [sic]; see the method & item_id."
    )


def test_plain_text_undoes_the_escaping_of_narrative():
    from cxbench.narrative import escape_markdown

    for text in [HOSTILE, "a*b_c [x](y) #1 $5 `code` \\ | ~", TURKISH, RUSSIAN]:
        assert plain_text(escape_markdown(text)) == " ".join(text.split())


def test_a_notebook_without_charts_gives_the_title_slide_only(tmp_path):
    nb = notebook([markdown("## Method")], [finding("A finding with no chart.")], [])
    out = deck(nb, tmp_path, notes="A note.")
    assert titles(out) == ["Digital CX benchmark 2023"]
    assert notes(out.slides[0]) == "A note."


def test_a_notebook_file_is_read(tmp_path):
    source = tmp_path / "report.ipynb"
    nbformat.write(notebook([chart(caption="From the file")]), str(source))
    out = deck(source, tmp_path)
    assert titles(out)[1] == "From the file"


def test_the_notebook_is_never_overwritten(tmp_path):
    source = tmp_path / "report.ipynb"
    nbformat.write(notebook([chart()]), str(source))
    before = source.read_bytes()
    with pytest.raises(UnusableFileError, match="overwrite an input"):
        write_slides(source, source, title="x")
    assert source.read_bytes() == before


def test_an_unreadable_notebook_file_is_a_named_error(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(UnusableFileError, match=r"broken\.ipynb: cannot read the notebook"):
        write_slides(broken, tmp_path / "deck.pptx", title="x")
    assert not (tmp_path / "deck.pptx").exists()


@pytest.mark.parametrize("language", ["tr", "ru"])
def test_turkish_and_russian_text_round_trips(tmp_path, language):
    text = TURKISH if language == "tr" else RUSSIAN
    nb = notebook([chart(caption=f"{text} (caption)"), finding(f"**{text}**.")])
    out = deck(
        nb,
        tmp_path,
        title=text,
        subtitle=f"{text} 2023",
        notes=f"{text}: not",
        language=language,
    )
    assert titles(out) == [text, f"{text}."]
    assert f"{text} 2023" in all_text(out.slides[0])
    assert f"{text} (caption)" in all_text(out.slides[1])
    assert notes(out.slides[1]).startswith(f"{text}: not")
    run = out.slides[1].shapes.title.text_frame.paragraphs[0].runs[0]
    assert run.font.name == "DejaVu Sans"
    assert run._r.rPr.get("lang") == {"tr": "tr-TR", "ru": "ru-RU"}[language]
    assert out.core_properties.title == text
    assert out.core_properties.language == {"tr": "tr-TR", "ru": "ru-RU"}[language]


def test_an_unknown_language_is_refused_before_writing(tmp_path):
    with pytest.raises(ParameterError, match="language"):
        write_slides(notebook(), tmp_path / "deck.pptx", title="x", language="de")
    assert not (tmp_path / "deck.pptx").exists()


def test_a_narrow_picture_is_warned_of_once_per_deck_and_not_resampled(tmp_path):
    narrow = png(8, 4.5, dpi=50)  # 400 px
    nb = notebook([chart(narrow)], [chart(png(6, 4, dpi=100))], [chart(WIDE)])
    with pytest.warns(UserWarning, match="narrower than 1200 px") as caught:
        out = deck(nb, tmp_path)
    assert len([w for w in caught if "narrower" in str(w.message)]) == 1
    assert "2 of 3 charts" in str(caught[0].message) and "400 px" in str(caught[0].message)
    assert pictures(out.slides[1])[0].image.blob == base64.b64decode(narrow)


def test_wide_pictures_raise_no_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        deck(notebook([chart(WIDE, caption="Wide")]), tmp_path)


@pytest.mark.parametrize(
    "picture",
    [
        "not base64 at all!",
        base64.b64encode(b"\x89PNG\r\n\x1a\n but not a picture").decode(),
        WIDE[: len(WIDE) // 2 // 4 * 4],  # a truncated PNG
        "",
    ],
)
def test_a_corrupt_picture_is_left_out_with_a_warning_naming_its_cell(tmp_path, picture):
    nb = notebook([chart(caption="Good one")], [markdown("## Next")], [chart(picture)])
    with pytest.warns(UserWarning, match=r"cell 2 \(counting from 0\), output 0") as caught:
        out = deck(nb, tmp_path)
    assert "left out" in str(caught[0].message)
    assert titles(out) == ["Digital CX benchmark 2023", "Good one"]


def test_hostile_text_is_shown_as_text(tmp_path):
    organisation = "Acme <Ltd> & \"Partners\" 'X'"
    nb = notebook(
        [chart(caption=HOSTILE, figure_id=HOSTILE)],
        [finding(HOSTILE.replace("&", "&amp;").replace("<", "&lt;"))],
    )
    theme = SimpleNamespace(primary="#0173b2", organisation=organisation, logo_data_uri=None)
    out = deck(nb, tmp_path, title=HOSTILE, subtitle=HOSTILE, notes=HOSTILE, theme=theme)
    one_line = " ".join(HOSTILE.split())
    assert titles(out) == [one_line, one_line]
    assert one_line in all_text(out.slides[0])
    assert organisation in all_text(out.slides[1])
    assert notes(out.slides[1]).startswith(HOSTILE)
    assert pictures(out.slides[1])[0].name == one_line
    # every part is well-formed XML with the text escaped in it
    with zipfile.ZipFile(tmp_path / "deck.pptx") as archive:
        xml = archive.read("ppt/slides/slide2.xml").decode("utf-8")
    assert "<b>" not in xml and "&lt;b&gt;&amp;\"'" in xml


def test_long_titles_shrink_to_fit_and_the_longest_are_cut(tmp_path):
    short = "Measure leads."
    long = "Finance leads the sectors on every dimension, with Retail a close second. " * 3
    endless = "Every sector improved on the year before, and the gap narrowed. " * 12
    nb = notebook([chart(), finding(short)], [chart(), finding(long)], [chart(), finding(endless)])
    out = deck(nb, tmp_path, widescreen=False)
    sizes = []
    for slide in list(out.slides)[1:]:
        frame = slide.shapes.title.text_frame
        assert frame.word_wrap is True
        sizes.append(frame.paragraphs[0].runs[0].font.size)
    assert sizes[0] == Pt(28) and Pt(16) <= sizes[1] < Pt(28) and sizes[2] == Pt(16)
    cut = out.slides[3].shapes.title.text
    assert cut.endswith("…") and len(cut) < len(endless)
    # the whole finding is in the notes
    assert " ".join(endless.split()) in notes(out.slides[3])


def png_data_uri() -> str:
    return "data:image/png;base64," + png(2, 1, dpi=100)


def test_a_theme_colours_the_titles_and_adds_footer_and_logo(tmp_path):
    theme = SimpleNamespace(
        primary="#0173B2",
        organisation="CX Forum Türkiye",
        logo_data_uri=png_data_uri,
        font_family="'Noto Sans', sans-serif",
    )
    nb = notebook([chart(caption="One")], [chart(caption="Two")])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*narrower")
        out = deck(nb, tmp_path, theme=theme)
    slides = list(out.slides)
    for slide in slides:
        run = slide.shapes.title.text_frame.paragraphs[0].runs[0]
        assert str(run.font.color.rgb) == "0173B2"
        assert run.font.name == "Noto Sans"
        assert "CX Forum Türkiye" in all_text(slide)
    logo = pictures(slides[0])
    assert len(logo) == 1 and logo[0].top + logo[0].height <= slides[0].shapes.title.top
    assert [len(pictures(slide)) for slide in slides[1:]] == [1, 1]


def test_without_a_theme_dark_grey_titles_and_no_footer(tmp_path):
    out = deck(notebook([chart(caption="One")]), tmp_path)
    for slide in out.slides:
        run = slide.shapes.title.text_frame.paragraphs[0].runs[0]
        assert str(run.font.color.rgb) == "222222"
        assert run.font.name == "DejaVu Sans"
        assert not any(shape.name == "Footer" for shape in slide.shapes)


def test_an_svg_logo_is_left_out_with_a_warning(tmp_path):
    theme = SimpleNamespace(
        primary="#0173b2",
        organisation="CX Forum",
        logo_data_uri=lambda: "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode(),
    )
    with pytest.warns(UserWarning, match="SVG"):
        out = deck(notebook(), tmp_path, theme=theme)
    assert pictures(out.slides[0]) == []
    assert "CX Forum" in all_text(out.slides[0])


def test_a_theme_with_no_logo_or_font_uses_the_defaults(tmp_path):
    theme = SimpleNamespace(
        primary="#0173b2", organisation="", logo_data_uri=lambda: None, font_family=None
    )
    out = deck(notebook(), tmp_path, theme=theme)
    run = out.slides[0].shapes.title.text_frame.paragraphs[0].runs[0]
    assert run.font.name == "DejaVu Sans"
    assert pictures(out.slides[0]) == []
    assert not any(shape.name == "Footer" for shape in out.slides[0].shapes)


def test_a_theme_colour_that_is_not_rrggbb_is_refused_before_writing(tmp_path):
    with pytest.raises(ParameterError, match=r"theme\.primary"):
        write_slides(
            notebook(),
            tmp_path / "deck.pptx",
            title="x",
            theme=SimpleNamespace(primary="rgb(1, 2, 3)"),
        )
    assert not (tmp_path / "deck.pptx").exists()


def test_a_failing_write_leaves_no_file(tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    target = not_a_folder / "deck.pptx"
    with pytest.raises(UnusableFileError, match="cannot write the slides"):
        write_slides(notebook([chart()]), target, title="x")
    assert not target.exists()


def test_a_write_failing_at_the_rename_keeps_the_old_deck_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "deck.pptx"
    target.write_bytes(b"the old deck")

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(UnusableFileError, match="No space left"):
        write_slides(notebook([chart()]), target, title="x")
    assert target.read_bytes() == b"the old deck"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pptx"]


def test_chart_slides_reads_a_plain_dict_with_lines_as_lists():
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": ["x"],
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "data": {"image/png": [WIDE[:100] + "\n", WIDE[100:]]},
                        "metadata": {},
                    },
                    {
                        "output_type": "display_data",
                        "data": {"text/markdown": ["**A**", " finding."]},
                        "metadata": {"cxbench": {"kind": "finding"}},
                    },
                ],
            }
        ]
    }
    (only,) = chart_slides(nb)
    assert (only.cell, only.size, only.title) == (0, (1600, 900), "A finding.")


def test_a_markdown_cell_heading_names_a_chart_and_ends_its_findings(tmp_path):
    nb = notebook([chart(caption="")], [finding("After the heading.")], [chart()])
    nb.cells.insert(1, v4.new_markdown_cell("# Sectors\n\nText."))
    nb.cells.insert(0, v4.new_markdown_cell("## Scores"))
    assert titles(deck(nb, tmp_path))[1:] == ["Scores", "Sectors"]


def test_without_a_subtitle_the_title_slide_has_no_empty_placeholder(tmp_path):
    slide = deck(notebook(), tmp_path).slides[0]
    assert [shape.name for shape in slide.shapes] == ["Title 1"]


def test_a_caption_ipython_keeps_under_the_pictures_type_is_read(tmp_path):
    # where cxbench.captions' PNG formatter puts it: IPython files a formatter's metadata
    # under its media type
    about = {"kind": "figure", "id": "fig-scores", "caption": "Scores by dimension"}
    output = v4.new_output(
        "display_data", {"image/png": WIDE}, metadata={"image/png": {"cxbench": about}}
    )
    text = v4.new_output(
        "display_data",
        {"text/markdown": "Measure leads."},
        metadata={"text/markdown": {"cxbench": {"kind": "finding"}}},
    )
    out = deck(notebook([output], [text], [output]), tmp_path)
    assert titles(out)[1:] == ["Measure leads.", "Scores by dimension"]
    assert pictures(out.slides[1])[0].name == "fig-scores"


@pytest.mark.parametrize(
    ("finding_text", "title"),
    [
        ("Measure leads (see [the figure](#fig-scores)).", "Measure leads."),
        ("Ölçme önde (bkz. [şekil](#fig-scores)).", "Ölçme önde."),
        (
            "Measure лидирует (см. [рисунок](#fig-a)); n in [the table](#tab-n).",
            "Measure лидирует; n in the table.",
        ),
    ],
)
def test_references_to_numbered_figures_leave_the_slide_title(tmp_path, finding_text, title):
    assert titles(deck(notebook([chart(), finding(finding_text)]), tmp_path))[1] == title
