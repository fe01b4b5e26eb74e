"""Numbered figures and tables: the caption a chart or table carries from the kernel to
the published page, and the numbers given to them there.

A report's charts (:mod:`cxbench.charts`) and tables (:mod:`cxbench.tables`) carry a
caption and an id. In a notebook a table shows its caption; a chart's caption travels
in the metadata of its picture (``metadata["image/png"]["cxbench"]``), which
:func:`figure_outputs` turns into an HTML ``<figure>`` when the report is published.
:func:`number_items` then numbers the figures and the tables of the page in their
order, in the reader's language ("Figure 3", "Şekil 3", "Рисунок 3"), and fills in the
references that findings make to them (:func:`see`). The HTML page and the PDF are made
from the same notebook by the same functions, so they number alike.
"""

from __future__ import annotations

import base64
import binascii
import copy
import html
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .i18n import translate

__all__ = [
    "HIDDEN_TAGS",
    "Caption",
    "caption_of",
    "figure_outputs",
    "number_items",
    "output_about",
    "see",
    "set_caption",
]

Kind = Literal["figure", "table"]
_PREFIX = {"figure": "fig", "table": "tab"}
#: the kernel-side key of a caption in an output's metadata
METADATA_KEY = "cxbench"


@dataclass(frozen=True)
class Caption:
    """What a figure or table is called: its ``kind``, an ``id`` to refer to it by (an
    HTML id: ``fig-…`` or ``tab-…``), and its caption ``text``.

    Examples
    --------
    >>> Caption.make("figure", "Answers: all", "likert", "Measure & Manage").id
    'fig-likert-measure-manage'
    """

    kind: Kind
    id: str
    text: str

    @classmethod
    def make(cls, kind: Kind, text: str, *names: object) -> Caption:
        """A caption whose id is made of ``names`` (lower case, letters, digits and
        ``-`` only), after the kind's prefix."""
        words = "-".join(str(name) for name in names if str(name))
        tail = re.sub(r"[^a-z0-9]+", "-", words.casefold()).strip("-")
        return cls(kind, f"{_PREFIX[kind]}-{tail}" if tail else _PREFIX[kind], str(text))

    def metadata(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "caption": self.text}


# the captions of the figures cxbench made, kept as long as their figure is
_FIGURES: weakref.WeakKeyDictionary[Any, Caption] = weakref.WeakKeyDictionary()


def set_caption(figure: Any, caption: Caption) -> Any:
    """Give a matplotlib figure a caption, shown with its number in a published report;
    returns the figure.

    Also for a team's own charts in their own notebooks. In IPython the figure's
    picture then carries the caption in its metadata (the inline backend's PNG is
    wrapped, once per session).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = set_caption(Figure(), Caption("figure", "fig-mine", "Our own chart"))
    >>> caption_of(fig).text
    'Our own chart'
    """
    _FIGURES[figure] = caption
    _show_captions()
    return figure


def caption_of(figure: Any) -> Caption | None:
    """The caption given to ``figure`` (:func:`set_caption`), or None.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> caption_of(Figure()) is None
    True
    """
    try:
        return _FIGURES.get(figure)
    except TypeError:  # not weakly referable, so never given one
        return None


def _show_captions() -> None:
    """In IPython, wrap the PNG formatter of matplotlib figures so that a captioned
    figure's picture carries its caption as metadata; nothing outside IPython.

    The wrapping is checked at every caption: ``%matplotlib inline`` or ``%config
    InlineBackend`` register their formatter again, and it is wrapped again."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        current = formatter.lookup_by_type(Figure)
    except KeyError:
        return  # no inline backend: figures are not shown as PNG here
    if getattr(current, "_cxbench_captions", False):
        return

    def png_with_caption(figure: Any) -> Any:
        data = current(figure)
        caption = caption_of(figure)
        if caption is None or data is None:
            return data
        data, metadata = data if isinstance(data, tuple) else (data, {})
        return data, {**(metadata or {}), METADATA_KEY: caption.metadata()}

    png_with_caption._cxbench_captions = True  # type: ignore[attr-defined]
    formatter.for_type(Figure, png_with_caption)


#: Cells a reader never sees: developer notes, the parameters (papermill gives the
#: injected ones a new random id on every run) and papermill's note on a failed cell.
HIDDEN_TAGS = frozenset(
    {"remove-cell", "parameters", "injected-parameters", "papermill-error-cell-tag"}
)


def output_about(output: Mapping[str, Any], media: str) -> Mapping[str, Any]:
    """What cxbench says of a notebook output: ``metadata[media]["cxbench"]``, where
    IPython keeps what a formatter of ``media`` returned (a chart's caption, a
    finding's kind), or ``metadata["cxbench"]``; empty when it says nothing.

    Examples
    --------
    >>> output_about({"metadata": {"image/png": {"cxbench": {"kind": "figure"}}}}, "image/png")
    {'kind': 'figure'}
    >>> output_about({"metadata": {"cxbench": {"kind": "finding"}}}, "text/markdown")
    {'kind': 'finding'}
    >>> output_about({}, "image/png")
    {}
    """
    metadata = output.get("metadata") or {}
    of_media = metadata.get(media)
    for found in (
        of_media.get(METADATA_KEY) if isinstance(of_media, Mapping) else None,
        metadata.get(METADATA_KEY),
    ):
        if isinstance(found, Mapping):
            return found
    return {}


def _figure_html(png: str, caption: Mapping[str, Any], size: Mapping[str, Any]) -> str:
    esc = html.escape
    text = str(caption.get("caption", ""))
    ident = str(caption.get("id", "fig"))
    # a picture drawn at twice the resolution is shown at its size (IPython's "retina"
    # gives its width; the height follows)
    width = size.get("width")
    shown = f' width="{int(width)}"' if type(width) in (int, float) and width > 0 else ""
    return (
        f'<figure class="cxbench-figure" id="{esc(ident)}">'
        f'<img src="data:image/png;base64,{esc(png)}" alt="{esc(text)}"{shown}>'
        f'<figcaption><span class="cxbench-number" data-kind="figure"></span>'
        f"{esc(text)}</figcaption></figure>"
    )


def figure_outputs(notebook: Any) -> Any:
    """A copy of an executed notebook in which every captioned picture is an HTML
    ``<figure>`` with its ``<figcaption>``, ready for :func:`number_items`; the notebook
    given is not changed. A picture whose data is not base64 stays as it is.

    Examples
    --------
    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> out = new_output("display_data", {"image/png": "iVBORw0KGgo="},
    ...                  metadata={"image/png": {"cxbench": Caption(
    ...                      "figure", "fig-a", "A <chart>").metadata()}})
    >>> nb = new_notebook(cells=[new_code_cell(outputs=[out])])
    >>> shown = figure_outputs(nb).cells[0].outputs[0].data
    >>> list(shown), "A &lt;chart&gt;</figcaption>" in shown["text/html"]
    (['text/html'], True)
    >>> list(nb.cells[0].outputs[0].data)
    ['image/png']
    """
    result = copy.deepcopy(notebook)
    for cell in result.get("cells", []):
        for output in cell.get("outputs", []):
            caption = output_about(output, "image/png")
            png = (output.get("data") or {}).get("image/png")
            if caption.get("kind") != "figure" or not isinstance(png, str):
                continue
            png = "".join(png.split())
            try:
                base64.b64decode(png, validate=True)
            except (binascii.Error, ValueError):
                continue
            size = (output.get("metadata") or {}).get("image/png") or {}
            output["data"] = {"text/html": _figure_html(png, caption, size)}
    return result


_TOKEN = re.compile(
    r'<(figure|table) class="cxbench-(?:figure|table)" id="([^"<>]*)"'
    r'|<span class="cxbench-number" data-kind="(figure|table)"></span>'
)
_REF = re.compile(r'<a href="#((?:fig|tab)-[a-z0-9-]*)">[^<]*</a>')


def number_items(page: str, language: str = "en") -> str:
    """Number the figures and tables of a published page in their order, each kind
    from 1, in ``language`` ("Figure 3: …", "Şekil 3. …", "Рисунок 3 — …"), make their
    ids unique, and fill in the references to them (:func:`see`).

    Only the marks cxbench writes are read: text from data is escaped before it is
    on the page, so it cannot be taken for one.

    Examples
    --------
    >>> page = ('<p>(bkz. <a href="#fig-a">şekil</a>)</p>'
    ...         '<figure class="cxbench-figure" id="fig-a"><figcaption>'
    ...         '<span class="cxbench-number" data-kind="figure"></span>Puanlar</figcaption>'
    ...         '</figure><table class="cxbench-table" id="fig-a"><caption>'
    ...         '<span class="cxbench-number" data-kind="table"></span>N</caption></table>')
    >>> print(number_items(page, "tr").replace("><", ">\\n<"))
    <p>(bkz. <a href="#fig-a">Şekil 1</a>)</p>
    <figure class="cxbench-figure" id="fig-a">
    <figcaption>
    <span class="cxbench-number" data-kind="figure">Şekil 1.</span> Puanlar</figcaption>
    </figure>
    <table class="cxbench-table" id="fig-a-2">
    <caption>
    <span class="cxbench-number" data-kind="table">Tablo 1.</span> N</caption>
    </table>
    """
    counts = {"figure": 0, "table": 0}
    seen: set[str] = set()
    references: dict[str, str] = {}
    pending: dict[str, str] = {}

    def token(match: re.Match) -> str:
        kind, ident = match.group(1), match.group(2)
        if kind is None:  # a caption's number: that of the figure or table it is in
            kind = match.group(3)
            label = pending.pop(kind, None)
            if label is None:
                return match.group(0)
            text = translate("caption_label", language, label=label)
            return f'<span class="cxbench-number" data-kind="{kind}">{html.escape(text)}</span> '
        counts[kind] += 1
        number = counts[kind]
        pending[kind] = translate(f"caption_{kind}", language, number=number)
        references.setdefault(ident, translate(f"caption_{kind}_ref", language, number=number))
        unique, k = ident, 1
        while unique in seen:
            k += 1
            unique = f"{ident}-{k}"
        seen.add(unique)
        return f'<{kind} class="cxbench-{kind}" id="{html.escape(unique)}"'

    page = _TOKEN.sub(token, page)

    def reference(match: re.Match) -> str:
        label = references.get(match.group(1))
        if label is None:
            return match.group(0)
        return f'<a href="#{match.group(1)}">{html.escape(label)}</a>'

    return _REF.sub(reference, page)


def see(item: Any, language: str = "en") -> str:
    """A reference to a figure or table, for a finding: "(See Figure 3.)" once the
    report is published (:func:`number_items`), "(See the figure.)" in a notebook.

    ``item`` is a captioned figure (:func:`set_caption`), a table of
    :mod:`cxbench.tables`, a :class:`Caption` or an id; anything without a caption
    gives an empty text, so a finding can always ask.

    Examples
    --------
    >>> see(Caption("figure", "fig-a", "Scores"), "ru")
    '(См. [рисунок](#fig-a).)'
    >>> see(None)
    ''
    """
    caption = item if isinstance(item, Caption) else None
    if caption is None and isinstance(item, str) and re.fullmatch(r"(fig|tab)-[a-z0-9-]*", item):
        caption = Caption("figure" if item.startswith("fig") else "table", item, "")
    if caption is None:
        caption = caption_of(item) or getattr(item, "caption_info", None)
    if not isinstance(caption, Caption):
        return ""
    word = translate(f"caption_{caption.kind}_word", language)
    return translate("caption_see", language, reference=f"[{word}](#{caption.id})")
