"""An executed report notebook as a slide deck (.pptx): a title slide, then one slide per
chart, titled by the chart's finding (:func:`write_slides`).

The deck is read from the notebook's outputs, never from its code, by the conventions of
the report's kernel side:

* a chart is a ``display_data`` or ``execute_result`` output with ``image/png``; its
  ``metadata["cxbench"]`` may hold ``{"kind": "figure", "id": "fig-…", "caption": "…"}``;
* a finding is a ``text/markdown`` output with ``metadata["cxbench"]["kind"] ==
  "finding"``;
* where IPython files a formatter's metadata, under the media type
  (``metadata["image/png"]["cxbench"]``, ``metadata["text/markdown"]["cxbench"]``), it
  is read as well: that is where :mod:`cxbench.captions` and
  :class:`cxbench.narrative.ReportText` put it in an executed notebook;
* any other Markdown output (or Markdown cell) that starts with ``#`` is a heading.

A chart's slide is titled by the first finding after it, before the next chart or the
next heading of level 1 or 2 (:func:`chart_slides`); without one by its caption, else by
the last heading before it. Cells tagged ``remove-cell``, ``parameters`` or
``injected-parameters`` are left out, as in the HTML report.
"""

from __future__ import annotations

import base64
import binascii
import html
import io
import os
import re
import urllib.parse
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..captions import HIDDEN_TAGS, output_about
from ..errors import ParameterError, UnusableFileError
from ..files import write_atomic
from ..i18n import check_language
from ..theme import GUIDE, REFERENCE

__all__ = [
    "MIN_PROJECTOR_WIDTH",
    "ChartSlide",
    "chart_slides",
    "plain_text",
    "report_notes",
    "write_slides",
]

#: Narrower pictures (in pixels) look blurred when a projector fills a wall with them.
MIN_PROJECTOR_WIDTH = 1200
#: The font of every text unless the theme names one: it has Turkish and Cyrillic
#: letters and ships with matplotlib, as in the charts (:data:`cxbench.theme.CHART_RC`).
DEFAULT_FONT = "DejaVu Sans"
#: Slide sizes in EMU (914 400 to the inch): PowerPoint's own 16:9 (13.333 in) and 4:3.
WIDESCREEN = (12_192_000, 6_858_000)
STANDARD = (9_144_000, 6_858_000)

_LANGUAGE_TAGS = {"en": "en-GB", "tr": "tr-TR", "ru": "ru-RU"}
# CSS generic families and system aliases: no font file bears these names
_GENERIC_FONTS = frozenset(
    {
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "ui-rounded",
        "emoji",
        "math",
        "fangsong",
        "-apple-system",
        "blinkmacsystemfont",
        "inherit",
        "initial",
    }
)
# image formats python-pptx can place (SVG is not one)
_PLACEABLE = frozenset({"PNG", "JPEG", "GIF", "BMP", "TIFF"})
_INCH = 914_400
_POINT = 12_700
# the widest a DejaVu Sans letter is on average, in ems, and the line height: a
# title sized by these estimates fits without the font files fit_text would need
_CHAR_WIDTH = 0.6
_LINE_HEIGHT = 1.2
_INSET_X = 0.1 * _INCH  # a text box's own margins (python-pptx's defaults)
_INSET_Y = 0.05 * _INCH
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE_LINK = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
# "(See [the figure](#fig-…).)" of cxbench.captions.see, numbered only in a published page
_REFERENCE = re.compile(r"\s*\([^()\[\]]*\[[^\]]*\]\(#(?:fig|tab)-[^)\s]*\)\.?\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")
_HEADING = re.compile(r"(#{1,6})[ \t]*(.*)")
_COLOUR = re.compile(r"#?([0-9a-fA-F]{6})")


@dataclass(frozen=True)
class ChartSlide:
    """One chart of a notebook as its slide shows it.

    ``cell`` is the chart's cell (counting from 0), ``image`` its picture, ``size`` the
    picture's width and height in pixels; ``title`` is the slide's title (the finding,
    the caption or the heading, as plain text); ``caption`` and ``figure_id`` come from
    the output's ``metadata["image/png"]["cxbench"]`` or ``metadata["cxbench"]`` (""
    without one).
    """

    cell: int
    image: bytes = field(repr=False)
    size: tuple[int, int]
    title: str
    caption: str = ""
    figure_id: str = ""


@dataclass(frozen=True)
class _Output:
    """An output that matters to the deck: a chart, a finding or a heading."""

    kind: str
    cell: int
    text: str = ""
    level: int = 0
    image: bytes = b""
    size: tuple[int, int] = (0, 0)
    figure_id: str = ""


def plain_text(markdown: str) -> str:
    """Report Markdown as one line of plain text for a slide.

    Emphasis (``**``, ``*``, ``_``) and code marks go, a link keeps its text, a backslash
    escape its character (as :func:`cxbench.narrative.escape_markdown` wrote it), HTML
    entities are unescaped; lines are joined and control characters dropped. A
    reference to a figure or table in brackets ("(See [the figure](#fig-…).)",
    :func:`cxbench.captions.see`) goes: slides have no numbered figures.

    Examples
    --------
    >>> plain_text("**Finance** leads: \\\\*70\\\\.2\\\\* (see [the method](#method)).")
    'Finance leads: *70.2* (see the method).'
    >>> plain_text("&lt;b&gt;&amp;\\"' in _Ölçme_,\\nitem\\\\_id and snake_case")
    '<b>&"\\' in Ölçme, item_id and snake_case'
    >>> plain_text("Ölçme önde (bkz. [şekil](#fig-scores)); [Tablo](#tab-n) sayıları verir.")
    'Ölçme önde; Tablo sayıları verir.'
    >>> plain_text("Measure leads. (See [the figure](#fig-scores).)")
    'Measure leads.'
    """
    # escaped characters are held aside as private-use letters while markup goes
    held = _ESCAPED.sub(lambda m: chr(0xF0000 + ord(m.group(1))), markdown)
    held = _REFERENCE.sub("", held)
    held = _IMAGE_LINK.sub(r"\1", held)
    held = _LINK.sub(r"\1", held)
    held = held.replace("*", "").replace("`", "")
    held = _EMPHASIS_UNDERSCORE.sub("", held)
    text = "".join(chr(ord(c) - 0xF0000) if ord(c) >= 0xF0000 else c for c in held)
    return _one_line(html.unescape(text))


def _one_line(text: str) -> str:
    """``text`` with control characters dropped and all white space made single spaces.

    Examples
    --------
    >>> _one_line(" a\\n\\tb\\x00c ")
    'a bc'
    """
    return " ".join(_CONTROL.sub("", text).split())


def _heading(markdown: str) -> tuple[int, str] | None:
    """The level and plain text of a Markdown heading, or None if it is not one.

    Examples
    --------
    >>> _heading("## The three dimension scores\\n\\nHow far …")
    (2, 'The three dimension scores')
    >>> _heading("Body text.") is None
    True
    """
    match = _HEADING.match(markdown.lstrip())
    if match is None:
        return None
    return len(match.group(1)), plain_text(match.group(2).rstrip("# \t"))


def _text(value: object) -> str:
    """A notebook's text field, which nbformat may hold as a list of lines."""
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ""


def _image_size(data: bytes) -> tuple[int, int]:
    """The width and height in pixels of a picture python-pptx can place.

    Raises
    ------
    ValueError
        When ``data`` is not a whole picture in such a format.

    Examples
    --------
    >>> _image_size(b"not a picture")
    Traceback (most recent call last):
    ...
    ValueError: not a readable picture (cannot identify image file ...)
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            size, kind = picture.size, picture.format
            picture.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not a readable picture ({exc})") from None
    if kind not in _PLACEABLE:
        raise ValueError(f"a {kind} picture, which slides cannot show")
    return size


def _picture(encoded: object) -> tuple[bytes, tuple[int, int]]:
    """The bytes and size of a picture stored in base64, as nbformat stores it.

    Examples
    --------
    >>> _picture("!!!")
    Traceback (most recent call last):
    ...
    ValueError: not base64 (...)
    """
    try:
        data = base64.b64decode("".join(_text(encoded).split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not base64 ({exc})") from None
    return data, _image_size(data)


def _outputs(nb: Mapping[str, Any]) -> Iterator[_Output]:
    """The charts, findings and headings of a notebook, in order; a chart whose picture
    cannot be read is left out with a warning naming its cell."""
    for index, cell in enumerate(nb.get("cells", ())):
        tags = set(cell.get("metadata", {}).get("tags", ()))
        if tags & HIDDEN_TAGS:
            continue
        if cell.get("cell_type") == "markdown":
            heading = _heading(_text(cell.get("source")))
            if heading is not None:
                yield _Output("heading", index, heading[1], level=heading[0])
            continue
        for number, output in enumerate(cell.get("outputs", ())):
            yield from _output(output, index, number)


def _output(output: Mapping[str, Any], cell: int, number: int) -> Iterator[_Output]:
    """What one cell output is to the deck (nothing, or one :class:`_Output`)."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return
    data = output.get("data") or {}
    if "image/png" in data:
        about = output_about(output, "image/png")
        try:
            image, size = _picture(data["image/png"])
        except ValueError as exc:
            warnings.warn(
                f"cell {cell} (counting from 0), output {number}: the chart's image/png is "
                f"{exc}; the chart is left out of the slides",
                stacklevel=4,
            )
            return
        yield _Output(
            "chart",
            cell,
            _one_line(str(about.get("caption") or "")),
            image=image,
            size=size,
            figure_id=_one_line(str(about.get("id") or "")),
        )
    elif "text/markdown" in data:
        markdown = _text(data["text/markdown"])
        if output_about(output, "text/markdown").get("kind") == "finding":
            yield _Output("finding", cell, plain_text(markdown))
        elif (heading := _heading(markdown)) is not None:
            yield _Output("heading", cell, heading[1], level=heading[0])


def report_notes(notebook: Mapping[str, Any]) -> str:
    """The note on the data and the method of an executed report, as plain text: the
    outputs :func:`cxbench.narrative.data_note` and :func:`cxbench.narrative.method_note`
    made (metadata kind ``data_note`` and ``method``), for a deck's speaker notes.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> note = new_output("display_data", {"text/markdown": "Data note: **synthetic**."},
    ...                   metadata={"text/markdown": {"cxbench": {"kind": "data_note"}}})
    >>> other = new_output("display_data", {"text/markdown": "A finding."})
    >>> report_notes(new_notebook(cells=[new_code_cell(outputs=[note, other])]))
    'Data note: synthetic.'
    """
    parts = []
    for cell in notebook.get("cells", ()):
        if set(cell.get("metadata", {}).get("tags", ())) & HIDDEN_TAGS:
            continue
        for output in cell.get("outputs", ()):
            markdown = _text((output.get("data") or {}).get("text/markdown"))
            if markdown and output_about(output, "text/markdown").get("kind") in (
                "data_note",
                "method",
            ):
                parts.append(plain_text(markdown))
    return "\n\n".join(part for part in parts if part)


def chart_slides(notebook: Mapping[str, Any], *, fallback: str = "") -> list[ChartSlide]:
    """The charts of an executed notebook, each with the title of its slide.

    A chart is titled by the first finding after it that comes before the next chart and
    before the next heading of level 1 or 2; without one by its caption; without one by
    the last heading before it; without one by ``fallback``.

    Parameters
    ----------
    notebook : mapping
        An nbformat v4 notebook (``NotebookNode`` or the dict of its JSON).
    fallback : str
        The title of a chart with no finding, caption or heading.

    Returns
    -------
    list of ChartSlide
        In the notebook's order. A chart whose picture is not readable is left out, with
        a warning naming its cell.

    Examples
    --------
    >>> import io, nbformat.v4 as v4
    >>> from PIL import Image
    >>> png = io.BytesIO()
    >>> Image.new("RGB", (1600, 900), "white").save(png, format="PNG")
    >>> chart = v4.new_output("display_data", {"image/png": base64.b64encode(
    ...     png.getvalue()).decode()}, metadata={"cxbench": {"kind": "figure",
    ...     "id": "fig-scores", "caption": "Dimension scores, 2023"}})
    >>> finding = v4.new_output("display_data", {"text/markdown": "**Measure** leads."},
    ...                         metadata={"cxbench": {"kind": "finding"}})
    >>> heading = v4.new_output("display_data", {"text/markdown": "## Scores\\n\\nBody."})
    >>> nb = v4.new_notebook(cells=[v4.new_code_cell(outputs=[heading, chart, finding])])
    >>> chart_slides(nb)
    [ChartSlide(cell=0, size=(1600, 900), title='Measure leads.',
                caption='Dimension scores, 2023', figure_id='fig-scores')]
    """
    outputs = list(_outputs(notebook))
    slides = []
    heading = ""
    for position, output in enumerate(outputs):
        if output.kind == "heading":
            heading = output.text
        if output.kind != "chart":
            continue
        title = _finding_after(outputs, position) or output.text or heading or fallback
        slides.append(
            ChartSlide(output.cell, output.image, output.size, title, output.text, output.figure_id)
        )
    return slides


def _finding_after(outputs: list[_Output], position: int) -> str:
    """The first finding after the chart at ``position``, before the next chart and the
    next heading of level 1 or 2 ("" if there is none)."""
    for output in outputs[position + 1 :]:
        if output.kind == "chart" or (output.kind == "heading" and output.level <= 2):
            break
        if output.kind == "finding" and output.text:
            return output.text
    return ""


@dataclass(frozen=True)
class _Look:
    """What the theme decides: title colour, font, footer text and logo."""

    colour: str = REFERENCE
    font: str = DEFAULT_FONT
    organisation: str = ""
    logo: bytes | None = None
    logo_size: tuple[int, int] = (0, 0)


def _look(theme: object | None) -> _Look:
    """The deck's look from a duck-typed theme (``primary``, ``organisation``,
    ``logo_data_uri()``, ``font_family``; each optional), or the default look.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> _look(SimpleNamespace(primary="#0173B2", organisation="CX Forum",
    ...                       font_family="'Noto Sans', sans-serif"))
    _Look(colour='#0173b2', font='Noto Sans', organisation='CX Forum', logo=None,
          logo_size=(0, 0))
    >>> _look(SimpleNamespace(primary="blue"))
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: theme.primary='blue': must be a colour written '#rrggbb'
    """
    if theme is None:
        return _Look()
    colour = REFERENCE
    primary = getattr(theme, "primary", None)
    if primary is not None:
        match = _COLOUR.fullmatch(str(primary).strip())
        if match is None:
            raise ParameterError("theme.primary", primary, "must be a colour written '#rrggbb'")
        colour = "#" + match.group(1).lower()
    logo = _logo(theme)
    return _Look(
        colour=colour,
        font=_font_name(getattr(theme, "font_family", None)),
        organisation=_one_line(str(getattr(theme, "organisation", None) or "")),
        logo=logo,
        logo_size=_image_size(logo) if logo else (0, 0),
    )


def _font_name(family: object) -> str:
    """The first named font of a CSS ``font-family`` list, or :data:`DEFAULT_FONT`.

    Examples
    --------
    >>> _font_name("system-ui, 'Segoe UI', Roboto, sans-serif"), _font_name(None)
    ('Segoe UI', 'DejaVu Sans')
    """
    if family is None:
        return DEFAULT_FONT
    for name in str(family).split(","):
        name = name.strip().strip("'\"").strip()
        if name and name.lower() not in _GENERIC_FONTS:
            return name
    return DEFAULT_FONT


def _logo(theme: object) -> bytes | None:
    """The theme's logo as picture bytes, or None (none, SVG, or unreadable: warned)."""
    method = getattr(theme, "logo_data_uri", None)
    uri = method() if callable(method) else None
    if not uri:
        return None
    head, comma, payload = str(uri).partition(",")
    if not head.startswith("data:") or not comma:
        warnings.warn("the theme's logo is not a data: URI; the deck has no logo", stacklevel=4)
        return None
    media = head[5:].split(";")[0].strip().lower()
    if media == "image/svg+xml":
        warnings.warn(
            "the theme's logo is SVG, which python-pptx cannot place; the deck has no logo "
            "(give the theme a PNG logo)",
            stacklevel=4,
        )
        return None
    try:
        if head.endswith(";base64"):
            data, _ = _picture(payload)
        else:
            data = urllib.parse.unquote_to_bytes(payload)
            _image_size(data)
    except ValueError as exc:
        warnings.warn(f"the theme's logo is {exc}; the deck has no logo", stacklevel=4)
        return None
    return data


def _lines_needed(text: str, chars_per_line: int) -> int:
    """How many lines ``text`` takes wrapped at word boundaries to ``chars_per_line``.

    Examples
    --------
    >>> _lines_needed("one two three four", 9), _lines_needed("abcdefghijkl", 5)
    (3, 3)
    """
    lines, used = 0, 0
    for word in text.split():
        if used and used + 1 + len(word) <= chars_per_line:
            used += 1 + len(word)
            continue
        whole, rest = divmod(len(word), chars_per_line)
        lines += whole + (1 if rest else 0)
        used = rest if rest else chars_per_line
    return lines


def _fits(text: str, box: tuple[int, int], size: int) -> bool:
    """Whether ``text`` at ``size`` points fits a text box of ``box`` (width, height in
    EMU), by the average letter width of DejaVu Sans."""
    width, height = box[0] - 2 * _INSET_X, box[1] - 2 * _INSET_Y
    chars_per_line = max(1, int(width / (size * _CHAR_WIDTH * _POINT)))
    return _lines_needed(text, chars_per_line) * size * _LINE_HEIGHT * _POINT <= height


def _fitted_text(text: str, box: tuple[int, int], largest: int, smallest: int) -> tuple[str, int]:
    """``text`` and the largest size in points, from ``largest`` down to ``smallest`` in
    steps of 2, at which it fits ``box``; text too long even at ``smallest`` is cut at a
    word and ends in "…".

    Examples
    --------
    >>> box = (int(9 * _INCH), int(1.25 * _INCH))
    >>> _fitted_text("Measure leads.", box, 28, 16)
    ('Measure leads.', 28)
    >>> _fitted_text("Finance leads all sectors on every dimension. " * 3, box, 28, 16)[1]
    22
    >>> text, size = _fitted_text("word " * 200, box, 28, 16)
    >>> size, text.endswith("word…")
    (16, True)
    """
    for size in range(largest, smallest - 1, -2):
        if _fits(text, box, size):
            return text, size
    words = text.split()
    low, high = 0, len(words)
    # the most words that fit with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(" ".join(words[:middle]) + "…", box, smallest):
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]).rstrip(",;:") + "…", smallest


def write_slides(
    notebook: dict | Path,
    path: Path,
    *,
    title: str,
    subtitle: str = "",
    language: str = "en",
    notes: str = "",
    theme: object | None = None,
    widescreen: bool = True,
) -> Path:
    """Write an executed report notebook as a slide deck (.pptx): a title slide, then
    one slide per chart, titled by its finding.

    Parameters
    ----------
    notebook : dict or Path
        The executed notebook (nbformat v4), or its file.
    path : Path
        The deck to write; written atomically (:func:`cxbench.files.write_atomic`).
    title, subtitle : str
        The title slide's texts (the subtitle e.g. the edition and a note on the data).
    language : str
        The language of the texts (``en``, ``tr``, ``ru``): the spelling checker's
        language in PowerPoint and the deck's property.
    notes : str
        The note on data and method, in the speaker notes of every slide, with the
        chart's caption on a chart's slide.
    theme : object, optional
        Read for ``primary`` (``'#rrggbb'``, the titles' colour), ``organisation`` (a
        footer on every slide), ``logo_data_uri()`` (a PNG or JPEG logo on the title
        slide; an SVG one is left out with a warning) and ``font_family`` (the first named
        font of the list); every one is optional. Without a theme: dark grey titles,
        DejaVu Sans, no footer.
    widescreen : bool
        16:9 slides (13.333 × 7.5 in), else 4:3 (10 × 7.5 in).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ParameterError
        For a language reports are not written in, or a theme colour that is not
        ``'#rrggbb'``.
    UnusableFileError
        When the notebook cannot be read or the deck cannot be written (nothing is left
        under ``path`` then).

    Warns
    -----
    UserWarning
        Once per deck when a picture is narrower than :data:`MIN_PROJECTOR_WIDTH` pixels
        (it is used as it is, not resampled); for each chart whose picture cannot be read
        (left out, naming its cell); for a logo that cannot be placed.

    Notes
    -----
    A slide's title is sized by its length (28 pt down to 16 pt, wrapped), from the
    average letter width of DejaVu Sans, since python-pptx's ``fit_text`` needs the font
    files; a title too long even at 16 pt is cut at a word, and given whole in the
    notes. A chart is scaled to the space under the title keeping its proportions, and
    centred; its caption is under it (unless it is the title already). Text from the
    data is set as text, never as markup: python-pptx escapes it.

    Examples
    --------
    >>> import tempfile, nbformat.v4 as v4
    >>> from pptx import Presentation
    >>> out = Path(tempfile.mkdtemp()) / "deck.pptx"
    >>> write_slides(v4.new_notebook(), out, title="Dijital MX Karşılaştırması 2023",
    ...              language="tr", notes="SENTETİK veri").name
    'deck.pptx'
    >>> deck = Presentation(str(out))
    >>> [slide.shapes.title.text for slide in deck.slides]
    ['Dijital MX Karşılaştırması 2023']
    >>> deck.slide_width.inches, deck.slides[0].notes_slide.notes_text_frame.text
    (13.333, 'SENTETİK veri')
    """
    language = check_language(language)
    look = _look(theme)
    nb = _read_notebook(notebook)
    charts = chart_slides(nb, fallback=_one_line(title))
    narrow = [chart.size[0] for chart in charts if chart.size[0] < MIN_PROJECTOR_WIDTH]
    if narrow:
        warnings.warn(
            f"{len(narrow)} of {len(charts)} charts are narrower than {MIN_PROJECTOR_WIDTH} "
            f"px (the narrowest {min(narrow)} px) and may look blurred on a projector; "
            "save them at a higher dpi",
            stacklevel=2,
        )
    deck = _Deck(widescreen, look, _LANGUAGE_TAGS[language])
    deck.title_slide(_one_line(title), _one_line(subtitle), notes)
    for chart in charts:
        deck.chart_slide(chart, notes)
    protect = [notebook] if isinstance(notebook, str | os.PathLike) else []
    return write_atomic(path, deck.bytes(title, subtitle), what="slides", protect=protect)


def _read_notebook(notebook: Mapping[str, Any] | str | os.PathLike) -> Mapping[str, Any]:
    """The notebook itself, read from its file if given one."""
    if not isinstance(notebook, str | os.PathLike):
        return notebook
    import nbformat

    try:
        return nbformat.read(os.fspath(notebook), as_version=4)
    except (OSError, ValueError) as exc:
        raise UnusableFileError(str(notebook), f"cannot read the notebook ({exc})") from None


class _Deck:
    """A presentation being built: its size, look and language, and where things go."""

    def __init__(self, widescreen: bool, look: _Look, language_tag: str) -> None:
        from pptx import Presentation

        self.presentation = Presentation()
        self.width, self.height = WIDESCREEN if widescreen else STANDARD
        self._stretch_layouts(self.width / STANDARD[0])
        self.presentation.slide_width = self.width
        self.presentation.slide_height = self.height
        self.look = look
        self.language_tag = language_tag

    def _stretch_layouts(self, factor: float) -> None:
        """Widen the template's master and layouts with the slides, so that a slide added
        later in PowerPoint has its placeholders where they belong."""
        if factor == 1:
            return
        master = self.presentation.slide_master
        for shapes in [master.shapes, *(layout.shapes for layout in master.slide_layouts)]:
            for shape in shapes:
                if shape.left is not None and shape.width is not None:
                    shape.left, shape.width = (
                        round(shape.left * factor),
                        round(shape.width * factor),
                    )

    def title_slide(self, title: str, subtitle: str, notes: str) -> None:
        """The first slide: the logo, the title and the subtitle, centred."""
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[0])
        margin = int(0.75 * _INCH)
        if self.look.logo:
            self._picture(
                slide,
                self.look.logo,
                self.look.logo_size,
                (margin, int(0.5 * _INCH), self.width - 2 * margin, int(1.3 * _INCH)),
                name="Logo",
                description=self.look.organisation or "Logo",
            )
        heading, body = slide.placeholders[0], slide.placeholders[1]
        self._set_text(
            heading,
            (margin, int(2.0 * _INCH), self.width - 2 * margin, int(2.0 * _INCH)),
            title,
            sizes=(40, 24),
            colour=self.look.colour,
            align="center",
            anchor="bottom",
        )
        if subtitle:
            self._set_text(
                body,
                (margin, int(4.2 * _INCH), self.width - 2 * margin, int(1.8 * _INCH)),
                subtitle,
                sizes=(20, 14),
                colour=GUIDE,
                align="center",
                anchor="top",
            )
        else:
            body.element.getparent().remove(body.element)
        self._footer(slide)
        self._notes(slide, [notes])

    def chart_slide(self, chart: ChartSlide, notes: str) -> None:
        """A chart's slide: its title, the picture fitted under it, its caption."""
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[5])
        margin = int(0.5 * _INCH)
        width = self.width - 2 * margin
        title_box = (margin, int(0.3 * _INCH), width, int(1.25 * _INCH))
        shown, _ = self._set_text(
            slide.shapes.title,
            title_box,
            chart.title,
            sizes=(28, 16),
            colour=self.look.colour,
            align="left",
            anchor="middle",
        )
        caption = chart.caption if chart.caption != chart.title else ""
        caption_height = int(0.55 * _INCH) if caption else 0
        top = title_box[1] + title_box[3] + int(0.1 * _INCH)
        bottom = self.height - int(0.5 * _INCH) - caption_height
        picture = self._picture(
            slide,
            chart.image,
            chart.size,
            (margin, top, width, bottom - top),
            name=chart.figure_id or f"Chart (cell {chart.cell})",
            description=chart.caption or chart.title,
        )
        if caption:
            box = slide.shapes.add_textbox(0, 0, 0, 0)
            box.name = "Caption"
            self._set_text(
                box,
                (margin, picture.top + picture.height, width, caption_height),
                caption,
                sizes=(14, 10),
                colour=GUIDE,
                align="center",
                anchor="top",
            )
        self._footer(slide)
        self._notes(slide, [notes, chart.caption, chart.title if shown != chart.title else ""])

    def _picture(
        self,
        slide: Any,
        image: bytes,
        size: tuple[int, int],
        area: tuple[int, int, int, int],
        *,
        name: str,
        description: str,
    ) -> Any:
        """``image`` scaled to fit ``area`` (left, top, width, height) keeping its
        proportions, centred in it; named, and described for a screen reader."""
        left, top, width, height = area
        scale = min(width / size[0], height / size[1])
        shown = (max(1, round(size[0] * scale)), max(1, round(size[1] * scale)))
        picture = slide.shapes.add_picture(
            io.BytesIO(image),
            left + (width - shown[0]) // 2,
            top + (height - shown[1]) // 2,
            *shown,
        )
        picture.name = name
        picture._element.nvPicPr.cNvPr.set("descr", description)
        return picture

    def _set_text(
        self,
        shape: Any,
        box: tuple[int, int, int, int],
        text: str,
        *,
        sizes: tuple[int, int],
        colour: str,
        align: str,
        anchor: str,
    ) -> tuple[str, int]:
        """Put ``text`` in ``shape`` placed at ``box``, at the largest size in ``sizes``
        that fits (cut with "…" if none does); return the text shown and its size."""
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
        from pptx.util import Pt

        shape.left, shape.top, shape.width, shape.height = box
        shown, size = _fitted_text(text, box[2:], *sizes)
        frame = shape.text_frame
        frame.text = shown
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE}.get(
            anchor, MSO_ANCHOR.BOTTOM
        )
        for paragraph in frame.paragraphs:
            paragraph.alignment = PP_ALIGN.CENTER if align == "center" else PP_ALIGN.LEFT
            for run in paragraph.runs:
                run.font.size = Pt(size)
                run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
                self._font(run)
        return shown, size

    def _font(self, run: Any) -> None:
        """The deck's font and language on a run of text."""
        run.font.name = self.look.font
        run._r.get_or_add_rPr().set("lang", self.language_tag)

    def _footer(self, slide: Any) -> None:
        """The theme's organisation, small, at the foot of the slide."""
        if not self.look.organisation:
            return
        margin = int(0.5 * _INCH)
        box = slide.shapes.add_textbox(0, 0, 0, 0)
        box.name = "Footer"
        self._set_text(
            box,
            (margin, self.height - int(0.45 * _INCH), self.width - 2 * margin, int(0.35 * _INCH)),
            self.look.organisation,
            sizes=(10, 8),
            colour=GUIDE,
            align="left",
            anchor="middle",
        )

    def _notes(self, slide: Any, parts: list[str]) -> None:
        """The speaker notes: the non-empty ``parts``, a paragraph each."""
        text = "\n\n".join(_CONTROL.sub("", part).strip() for part in parts if part.strip())
        if not text:
            return
        frame = slide.notes_slide.notes_text_frame
        frame.text = text
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                self._font(run)

    def bytes(self, title: str, subtitle: str) -> bytes:
        """The deck as the bytes of a .pptx file, its properties set."""
        properties = self.presentation.core_properties
        properties.title = _one_line(title)[:255]
        properties.subject = _one_line(subtitle)[:255]
        properties.author = self.look.organisation[:255] or "cxbench"
        properties.last_modified_by = "cxbench"
        properties.language = self.language_tag
        properties.revision = 1
        properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()
