"""The printed report: an executed notebook laid out for paper and written as PDF with
WeasyPrint (offline, no browser).

:func:`print_page` builds the printed page from the notebook's outputs, the same ones
the HTML page shows (:func:`cxbench.publish.html.export_html`) with the same numbered
figures and tables (:mod:`cxbench.captions`):

* a cover: the team's logo and name (:class:`cxbench.theme.Theme`), the report's title,
  the edition and the note on the data;
* the contents, every section with its page number;
* a running header (the report's title) and footer (the team's name, "Page x of y")
  on every page after the cover;
* headings kept with what follows them, a chart kept with its finding, tables kept on
  one page when they fit on one (a longer one repeats its header row), paragraphs
  without single lines left behind;
* A4 or US Letter.

:func:`write_pdf` writes it atomically.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..captions import HIDDEN_TAGS, figure_outputs, number_items, output_about
from ..errors import ParameterError
from ..files import write_atomic
from ..i18n import check_language, translate

__all__ = ["PAPER_SIZES", "print_page", "report_title", "write_pdf"]

#: The paper sizes a report prints on (CSS ``@page`` sizes).
PAPER_SIZES = {"a4": "A4", "letter": "letter"}

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)


@dataclass(frozen=True)
class _Block:
    """One output of the notebook as it is printed: its HTML and what it is."""

    kind: str  # "heading" (a section: a heading and its text), "figure", "table",
    # "finding", "note" (the note on the data) or "text"
    html: str


_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="[^"]*">[^<]*</a>')
_HEADING_ID = re.compile(r'<h([1-6]) id="[^"]*">')


def _markdown(text: str) -> str:
    """Markdown as the HTML page renders it (nbconvert's renderer), without the
    headings' "¶" links and ids (the printed page numbers its own)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    body = _ANCHOR_LINK.sub("", markdown2html_mistune(text))
    return _HEADING_ID.sub(r"<h\1>", body)


def _blocks(notebook: Any) -> Iterator[_Block]:
    """The printed blocks of an executed notebook, in order: what the reader sees of
    every output (developer cells and the parameters left out, as on the HTML page)."""
    for cell in notebook.get("cells", []):
        tags = set((cell.get("metadata") or {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            continue
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", ""))
            yield _Block(
                "heading" if source.lstrip().startswith("#") else "text", _markdown(source)
            )
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                if output.get("name") == "stdout" and "".join(output.get("text", "")).strip():
                    text = html.escape("".join(output["text"]))
                    yield _Block("text", f"<pre>{text}</pre>")
                continue
            data = output.get("data") or {}
            if "text/html" in data:
                body = "".join(data["text/html"])
                kind = "figure" if 'class="cxbench-figure"' in body else "text"
                kind = "table" if 'class="cxbench-table"' in body else kind
                yield _Block(kind, body)
            elif "text/markdown" in data:
                text = "".join(data["text/markdown"])
                if not text.strip():
                    continue
                kind = str(output_about(output, "text/markdown").get("kind", ""))
                if kind not in ("finding", "data_note"):
                    kind = "heading" if text.lstrip().startswith("#") else "text"
                yield _Block("note" if kind == "data_note" else kind, _markdown(text))
            elif "image/png" in data:
                png = "".join(str(data["image/png"]).split())
                yield _Block(
                    "figure",
                    f'<figure class="cxbench-figure-plain">'
                    f'<img src="data:image/png;base64,{html.escape(png)}" alt=""></figure>',
                )
            elif "text/plain" in data:  # a value shown as text, as the HTML page shows it
                yield _Block("text", f"<pre>{html.escape(''.join(data['text/plain']))}</pre>")


def _grouped(blocks: list[_Block]) -> Iterator[str]:
    """The blocks as printed: a heading kept with what follows it, and a chart with the
    finding right after it (``<div class="keep">``)."""
    i = 0
    while i < len(blocks):
        group = [blocks[i]]
        i += 1
        if group[0].kind == "heading":
            while i < len(blocks) and blocks[i].kind == "heading":
                group.append(blocks[i])
                i += 1
            if i < len(blocks):
                group.append(blocks[i])
                i += 1
        if group[-1].kind == "figure" and i < len(blocks) and blocks[i].kind == "finding":
            group.append(blocks[i])
            i += 1
        body = "".join(
            _long(block.html) if block.kind == "table" else block.html for block in group
        )
        # a table longer than a page is not moved to the next one whole: it starts
        # where it is (its heading with it) and runs on, its header row repeated
        together = len(group) > 1 and not any(_is_long(block) for block in group)
        yield f'<div class="keep">{body}</div>' if together else body


#: A table with more rows than this may be longer than a page: it is let run over.
LONG_TABLE_ROWS = 25


def _is_long(block: _Block) -> bool:
    return block.kind == "table" and block.html.count("<tr") > LONG_TABLE_ROWS + 1


def _long(table: str) -> str:
    """A long table in a ``<div class="long">`` (it may break between rows)."""
    return f'<div class="long">{table}</div>' if table.count("<tr") > LONG_TABLE_ROWS + 1 else table


def _css_string(text: str) -> str:
    """``text`` as a CSS string, safe inside a ``<style>`` element."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;!?%()-_/" else f"\\{ord(ch):x} " for ch in str(text)
    )
    return f'"{escaped}"'


def _page_counter(language: str) -> str:
    """ "Page x of y" in ``language`` as CSS content, its words from the catalogue."""
    text = translate("print_page", language, page="\x00", pages="\x01")
    parts = re.split("([\x00\x01])", text)
    out = []
    for part in parts:
        if part == "\x00":
            out.append("counter(page)")
        elif part == "\x01":
            out.append("counter(pages)")
        elif part:
            out.append(_css_string(part))
    return " ".join(out)


def _stylesheet(language: str, paper: str, theme: Any, cover: bool) -> str:
    size = PAPER_SIZES[paper]
    counter = _page_counter(language)
    theme_css = theme.css() if theme is not None else ""
    return (
        theme_css + f"@page{{size:{size};margin:20mm 17mm 18mm 17mm;"
        "@top-left{content:string(report-title);font-size:7.5pt;color:#666;"
        "vertical-align:bottom;padding-bottom:3mm}"
        "@top-right{content:string(report-edition);font-size:7.5pt;color:#666;"
        "vertical-align:bottom;padding-bottom:3mm}"
        "@bottom-left{content:string(organisation);font-size:7.5pt;color:#666;"
        "vertical-align:top;padding-top:3mm}"
        f"@bottom-right{{content:{counter};font-size:7.5pt;color:#666;"
        "vertical-align:top;padding-top:3mm}}"
        + (
            "@page:first{@top-left{content:none}@top-right{content:none}"
            "@bottom-left{content:none}@bottom-right{content:none}}"
            if cover
            else ""
        )
        + "html{font-family:var(--cx-font,'DejaVu Sans'),'DejaVu Sans',sans-serif;"
        "font-size:9.5pt;line-height:1.4;color:#222}"
        "body{margin:0}"
        "main a{color:inherit;text-decoration:none}"
        "h1,h2,h3,h4{color:var(--cx-primary-text,#0173b2);line-height:1.25;"
        "break-after:avoid;page-break-after:avoid}"
        "h2{font-size:14pt;margin:1.2em 0 0.4em;padding-bottom:1mm;"
        "border-bottom:0.6pt solid var(--cx-primary-text,#0173b2)}"
        "h3{font-size:11pt;margin:1em 0 0.3em}h4{font-size:10pt}"
        "p{orphans:3;widows:3;margin:0.35em 0}"
        ".keep{break-inside:avoid;page-break-inside:avoid}"
        "figure{margin:0.6em 0;break-inside:avoid;page-break-inside:avoid}"
        "figure img{display:block;max-width:100%;max-height:115mm;margin:0 auto}"
        # a scorecard: its charts smaller, to keep it to one to three pages
        ".compact figure img{max-height:62mm}.compact table{font-size:7.5pt}"
        ".compact th,.compact td{padding:0.5mm 1.5mm}.compact h2{margin-top:0.8em}"
        "figcaption,caption{font-size:8.5pt;color:#333;text-align:left;margin:0.3em 0}"
        "figcaption{margin-top:0.4em}caption{caption-side:top}"
        ".cxbench-number{font-weight:bold}"
        "table{border-collapse:collapse;margin:0.4em 0 0.9em;font-size:8pt;"
        "break-inside:avoid;page-break-inside:avoid}"
        ".long table{break-inside:auto;page-break-inside:auto}"
        "thead{display:table-header-group}tr{break-inside:avoid}"
        "th,td{padding:0.9mm 2mm;border-bottom:0.4pt solid #ccc;vertical-align:top}"
        "th{border-bottom:0.8pt solid #555;text-align:left}"
        "blockquote{margin:0.4em 0 0.6em 4mm;padding-left:3mm;border-left:1.2pt solid #bbb;"
        "color:#333}"
        "pre{white-space:pre-wrap;font-size:8pt}"
        ".cover{break-after:page;page-break-after:always;padding-top:55mm}"
        ".cover .logo{max-height:22mm;max-width:70mm;margin-bottom:12mm}"
        ".cover .organisation{font-size:11pt;color:#555;string-set:organisation content()}"
        ".cover h1{font-size:24pt;margin:4mm 0 6mm;border:none;"
        "string-set:report-title content()}"
        ".cover .subject{font-size:15pt;color:#333;margin:0 0 3mm}"
        ".cover .edition{font-size:13pt;color:#444;string-set:report-edition content()}"
        ".cover .note{margin-top:30mm;font-size:9pt;color:#444;max-width:140mm}"
        ".cover .made{margin-top:6mm;font-size:8pt;color:#777}"
        ".cover.title-block{break-after:auto;page-break-after:auto;padding-top:0;"
        "margin-bottom:6mm}"
        ".title-block h1{font-size:18pt;margin:2mm 0 2mm}.title-block .note{margin-top:3mm}"
        ".title-block .made{display:none}"
        ".contents{break-after:page;page-break-after:always}"
        ".contents h2{border:none}"
        ".contents ol{list-style:none;padding:0;margin:0}"
        ".contents li{margin:0.25em 0}.contents li.level-3{margin-left:6mm;font-size:9pt}"
        ".contents a{color:#222;text-decoration:none}"
        ".contents a::after{content:leader('.') target-counter(attr(href),page)}"
    )


def _meta(theme: Any) -> str:
    """The document's author (the team) and generator, for the PDF's properties."""
    from .. import __version__

    organisation = getattr(theme, "organisation", "") if theme is not None else ""
    author = f'<meta name="author" content="{html.escape(organisation)}">' if organisation else ""
    return f'{author}<meta name="generator" content="cxbench {html.escape(__version__)}">'


def _with_ids(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every heading an id; return the body and the headings (level, id, HTML)."""
    headings: list[tuple[int, str, str]] = []

    def anchor(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(2)
        ident = f"section-{len(headings) + 1}"
        headings.append((level, ident, inner))
        return f'<h{level} id="{ident}">{inner}</h{level}>'

    return _HEADING.sub(anchor, body), headings


def _contents(headings: list[tuple[int, str, str]], language: str) -> str:
    items = "".join(
        f'<li class="level-{level}"><a href="#{ident}">{re.sub(r"<[^>]+>", "", inner)}</a></li>'
        for level, ident, inner in headings
        if level in (2, 3)
    )
    title = html.escape(translate("print_contents", language))
    return f'<nav class="contents"><h2>{title}</h2><ol>{items}</ol></nav>'


_FIRST_TITLE = re.compile(r"<h1>(.*?)</h1>", re.S)


def _own_title(blocks: list[_Block]) -> str:
    """The report's own title, as plain text: the ``# heading`` it opens with."""
    if not blocks or blocks[0].kind != "heading":
        return ""
    found = _FIRST_TITLE.search(blocks[0].html)
    if found is None:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def report_title(notebook: Any) -> str:
    """The title an executed report gives itself (its opening ``# heading``), as plain
    text; empty when it opens with none.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> out = new_output("display_data", {"text/markdown": "# Scores &amp; *more*\\n\\nText."})
    >>> report_title(new_notebook(cells=[new_code_cell(outputs=[out])]))
    'Scores & more'
    """
    first = next(_blocks(notebook), None)
    return _own_title([first] if first is not None else [])


def _cover(
    title: str,
    edition: object,
    note: str,
    language: str,
    theme: Any,
    *,
    page: bool = True,
    subject: str = "",
) -> str:
    """The cover page, or (``page=False``) the title block that opens the first page;
    ``subject`` (e.g. the sector in focus) under the title."""
    from .. import __version__

    esc = html.escape
    parts = [f'<section class="{"cover" if page else "cover title-block"}">']
    logo = theme.logo_data_uri() if theme is not None else None
    if logo:
        parts.append(f'<img class="logo" src="{esc(logo)}" alt="">')
    organisation = getattr(theme, "organisation", "") if theme is not None else ""
    parts.append(f'<p class="organisation">{esc(organisation)}</p>')
    parts.append(f"<h1>{esc(title)}</h1>")
    if subject:
        parts.append(f'<p class="subject">{esc(subject)}</p>')
    if edition is not None:
        edition_text = translate("print_edition", language, edition=edition)
        parts.append(f'<p class="edition">{esc(edition_text)}</p>')
    if note:
        parts.append(f'<div class="note">{note}</div>')
    made = translate("print_made", language, version=__version__)
    parts.append(f'<p class="made">{esc(made)}</p></section>')
    return "".join(parts)


def print_page(
    notebook: Any,
    *,
    title: str,
    language: str = "en",
    edition: object = None,
    paper: str = "a4",
    theme: Any = None,
    contents: bool = True,
    subject: str = "",
) -> str:
    """The printed report as one HTML document for WeasyPrint: cover, contents and the
    notebook's outputs laid out for paper, figures and tables numbered.

    Parameters
    ----------
    notebook : dict or NotebookNode
        An executed report notebook.
    title : str
        The report's title when its notebook opens with no ``# heading`` of its own
        (the cover and the running header use that heading first); escaped.
    subject : str
        Said under the title on the cover, e.g. the sector a sector report is on.
    language : str
        The reader's language: numbers, "Page x of y", the contents' title.
    edition : int, optional
        Shown on the cover and in the running header.
    paper : {"a4", "letter"}
    theme : cxbench.theme.Theme, optional
        The team's look: logo and name on the cover, name in the footer, colours and
        font; without one, cxbench's own.
    contents : bool
        A cover page and a table of contents; without them (a participant's scorecard of
        one to three pages) the first page opens with the title block.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> out = new_output("display_data", {"text/markdown": "## Scores <b>\\n\\nText."})
    >>> page = print_page(new_notebook(cells=[new_code_cell(outputs=[out])]),
    ...                   title="A & B", edition=2023, paper="letter")
    >>> "size:letter" in page, "<h1>A &amp; B</h1>" in page, 'href="#section-1"' in page
    (True, True, True)
    """
    language = check_language(language)
    key = str(paper).casefold()
    if key not in PAPER_SIZES:
        raise ParameterError("paper", paper, f"must be one of {', '.join(PAPER_SIZES)}")
    blocks = list(_blocks(figure_outputs(notebook)))
    notes = [block.html for block in blocks if block.kind == "note"]
    blocks = [block for block in blocks if block.kind != "note"]
    # the cover names the report by its own first title, which is then not repeated
    own = _own_title(blocks)
    if own:
        first = _FIRST_TITLE.sub("", blocks[0].html, count=1)
        blocks[0] = _Block("text", first)
    cover = _cover(
        own or title, edition, "".join(notes), language, theme, page=contents, subject=subject
    )
    body, headings = _with_ids("".join(_grouped(blocks)))
    body = number_items(body, language)
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(own or title)}</title>{_meta(theme)}"
        f"<style>{_stylesheet(language, key, theme, contents)}</style></head>"
        f"{'<body>' if contents else '<body class=compact>'}"
        f"{cover}"
        f"{_contents(headings, language) if contents else ''}<main>{body}</main></body></html>"
    )


def write_pdf(
    notebook: Any,
    path: str | Path,
    *,
    title: str,
    language: str = "en",
    edition: object = None,
    paper: str = "a4",
    theme: Any = None,
    contents: bool = True,
    subject: str = "",
) -> Path:
    """Write the printed report (:func:`print_page`) as a tagged PDF (PDF/UA-1: its
    structure and the charts' captions reach a screen reader), atomically: a failing
    run leaves no partial file. Returns ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> out = new_output("display_data", {"text/markdown": "## Scores\\n\\nText."})
    >>> pdf = write_pdf(new_notebook(cells=[new_code_cell(outputs=[out])]),
    ...                 Path(tempfile.mkdtemp()) / "r.pdf", title="Report")
    >>> pdf.read_bytes()[:5]
    b'%PDF-'
    """
    from weasyprint import HTML

    page = print_page(
        notebook,
        title=title,
        language=language,
        edition=edition,
        paper=paper,
        theme=theme,
        contents=contents,
        subject=subject,
    )
    # tagged (PDF/UA-1): headings, tables and the charts' captions as alternative text
    # reach a screen reader, at no cost in time
    data = HTML(string=page).write_pdf(pdf_variant="pdf/ua-1")
    return write_atomic(Path(path), data, what="PDF")
