"""Publishing: an executed notebook as self-contained HTML without code
(:func:`export_html`), the error page of a failed report (:func:`error_page`), and the
index of a set (:func:`write_index`); every page written atomically."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..captions import HIDDEN_TAGS, figure_outputs, number_items
from ..errors import ParameterError
from ..files import write_atomic
from ..i18n import format_number, translate
from ..theme import ERROR_PAGE_CSS, INDEX_CSS, REPORT_CSS, THEMED_INDEX_CSS, THEMED_REPORT_CSS
from .plan import ReportJob, ReportResult, slug

if TYPE_CHECKING:
    from ..instrument import Instrument

__all__ = [
    "error_page",
    "export_html",
    "write_index",
]


@functools.cache
def _exporter() -> Any:
    """The HTML exporter, made once per process: it compiles its templates when made,
    which takes longer than exporting a scorecard."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    # leaving out the parameters keeps the HTML the same run after run
    remover = TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_TAGS), enabled=True)
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(remover, enabled=True)
    return exporter


def export_html(
    notebook: dict | Path, path: Path, language: str, title: str, *, theme: Any = None
) -> Path:
    """Write an executed notebook as reader-facing HTML: no code, no prompts, no
    developer cells (tag ``remove-cell``), images embedded, ``<html lang>`` set, the
    figures and tables numbered in ``language`` (:mod:`cxbench.captions`).

    A team's ``theme`` (:class:`cxbench.theme.Theme`) gives the headings its colour and
    the page its font (embedded when the theme has a font file).

    The page is written atomically (:func:`cxbench.files.write_atomic`): a full disk
    raises :class:`~cxbench.errors.UnusableFileError` and leaves no partial page.
    """
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, Path) else notebook
    body, _ = _exporter().from_notebook_node(
        figure_outputs(nb), resources={"metadata": {"name": title}}
    )
    body = number_items(body, language)
    body = re.sub(r"<html[^>]*>", f'<html lang="{language}">', body, count=1)
    body = re.sub(
        r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", body, count=1, flags=re.S
    )
    css = REPORT_CSS
    if theme is not None:
        css += theme.css() + THEMED_REPORT_CSS
    body = body.replace("</head>", f"<style>{css}</style></head>", 1)
    return write_atomic(path, body, what="report")


def error_page(job: ReportJob, error: str, cell: str) -> str:
    esc = html.escape
    return (
        f'<!DOCTYPE html><html lang="{job.language}"><head><meta charset="utf-8">'
        f"<title>{esc(job.title)}: {esc(translate('index_failed', job.language))}</title>"
        f"<style>{ERROR_PAGE_CSS}</style></head><body>"
        f"<h1>{esc(job.title)}</h1>"
        f"<p><strong>{esc(translate('index_failed', job.language))}</strong></p>"
        f"<h2>{esc(translate('index_failing_cell', job.language))}</h2><pre>{esc(cell)}</pre>"
        f"<h2>{esc(translate('index_error', job.language))}</h2><pre>{esc(error)}</pre>"
        "</body></html>"
    )


def _label(key: str, language: str, fallback: str, **fields: object) -> str:
    """``translate(key)``, or ``fallback`` for a key the catalogue does not have (a
    report kind the index has no name for)."""
    try:
        return translate(key, language, **fields)
    except ParameterError:
        return fallback


def _headline_html(
    headline: pd.DataFrame | None, instrument: Instrument | None, edition: int, language: str
) -> str:
    """The edition's figures in ``language``: participants, then each dimension's score
    (the rows of group ``"all"``); nothing when there are none (too few participants)."""
    if headline is None or headline.empty:
        return ""
    overall = headline[headline["group"].astype(str) == "all"]
    if overall.empty:
        return ""
    esc = html.escape

    def name(dimension: object) -> str:
        if instrument is None:
            return str(dimension)
        try:
            return instrument.dimension(str(dimension)).name(language)
        except KeyError:
            return str(dimension)

    n = pd.to_numeric(overall["n"], errors="coerce").max()
    figures = [
        (
            "participants",
            translate("index_participants", language),
            format_number(n if pd.notna(n) else None, language, 0),
        )
    ]
    for row in overall.itertuples(index=False):
        score = format_number(row.score, language, 1)
        text = translate("index_score", language, score=score) if score != "–" else score
        figures.append(("score", name(row.dimension), text))
    items = "".join(
        f'<div class="figure {cls}"><dt>{esc(term)}</dt><dd>{esc(value)}</dd></div>'
        for cls, term, value in figures
    )
    return (
        f"<h3>{esc(translate('index_headline', language, edition=edition))}</h3>"
        f'<dl class="figures">{items}</dl>'
        f'<p class="hint">{esc(translate("index_headline_hint", language))}</p>'
    )


def _note_html(note: str | None) -> str:
    return f'<p class="note">{html.escape(note)}</p>' if note else ""


def _card_html(result: ReportResult, out_dir: Path, language: str) -> str:
    """One report's card: its title linking to its page, its kind, its PDF when there
    is one, and the mark of a report that failed."""
    esc = html.escape
    job = result.job
    href = job.html.relative_to(out_dir).as_posix()
    kind = _label(f"index_kind_{job.kind}", language, str(job.kind))
    failed = result.status != "ok"
    parts = [
        f'<h4><a href="{esc(href)}">{esc(job.title)}</a></h4>',
        f'<p class="kind">{esc(kind)}</p>',
    ]
    if failed:
        parts.append(f'<p class="failed">{esc(translate("index_failed", language))}</p>')
    elif job.pdf.exists():
        pdf = job.pdf.relative_to(out_dir).as_posix()
        parts.append(
            f'<p class="pdf"><a href="{esc(pdf)}" type="application/pdf">'
            f"{esc(translate('index_pdf', language))}</a></p>"
        )
    classes = " ".join(["card", esc(slug(str(job.kind))), *(["failed-report"] if failed else [])])
    return f'<li class="{classes}">{"".join(parts)}</li>'


def write_index(
    results: Sequence[ReportResult],
    edition: int,
    out_dir: Path,
    *,
    headline: pd.DataFrame | None = None,
    instrument: Instrument | None = None,
    note: str | Mapping[str, str] | None = None,
    theme: Any = None,
) -> Path:
    """``index.html``: the edition's report set, one section per language, readable on
    a phone.

    Each section (``lang`` set) shows the edition's headline figures, numbers written
    as the language writes them (:func:`cxbench.i18n.format_number`): the participants
    and every dimension's score; then a card per report, the benchmark report first,
    each with its title linking to its page, its kind, its PDF when there is one, and
    the mark of a report that failed. The page has no script and no external
    resource; every text from data (titles, note, dimension names) is escaped.

    Parameters
    ----------
    results : sequence of ReportResult
        The set's reports, in their order (the benchmark report goes first).
    edition : int
    out_dir : Path
        The edition's folder; the links are relative to it.
    headline : DataFrame, optional
        The edition's dimension scores (``group``, ``dimension``, ``n``, ``score`` in
        percent), as :func:`cxbench.scoring.dimension_scores` gives them; the rows of
        group ``"all"`` are shown. Without it (or with no such row), no figures.
    instrument : Instrument, optional
        Names the dimensions in each language; without it, their ids.
    note : str or mapping, optional
        A note on the data (e.g. that it is synthetic): one text, shown once at the
        top, or a text per language, shown in each language's section.
    theme : cxbench.theme.Theme, optional
        The team's look: its logo and name above the title, its colours and font.

    Returns
    -------
    Path
        ``<out_dir>/index.html``, written atomically (:func:`cxbench.files.write_atomic`).

    Examples
    --------
    >>> import tempfile
    >>> from cxbench.instrument import load_instrument
    >>> out = Path(tempfile.mkdtemp())
    >>> job = ReportJob("sector-x", "sector", "<b>X</b>", "tr", Path("n.ipynb"), {}, out)
    >>> headline = pd.DataFrame({"group": "all", "dimension": ["measure", "manage"],
    ...                          "n": 120, "score": [70.25, 1234.5]})
    >>> page = write_index([ReportResult(job, "ok", "t0", "t1", 1.0)], 2023, out,
    ...                    headline=headline, instrument=load_instrument(),
    ...                    note="SYNTHETIC <data>").read_text(encoding="utf-8")
    >>> 'href="tr/sector-x.html"' in page, "&lt;b&gt;X&lt;/b&gt;" in page
    (True, True)
    >>> "<dt>Ölçme</dt><dd>%70,2</dd>" in page, "%1.234,5" in page, "SYNTHETIC &lt;data&gt;" in page
    (True, True, True)
    """
    esc = html.escape
    out_dir = Path(out_dir)
    # the benchmark report first, the others in their order (sorted is stable)
    ordered = sorted(results, key=lambda r: r.job.kind != "benchmark")
    sections = []
    for language in dict.fromkeys(r.job.language for r in ordered):
        cards = "".join(
            _card_html(result, out_dir, language)
            for result in ordered
            if result.job.language == language
        )
        sections.append(
            f'<section class="language" lang="{esc(language)}">'
            f"<h2>{esc(translate('language_name', language))}</h2>"
            f"{_note_html(note.get(language)) if isinstance(note, Mapping) else ''}"
            f"{_headline_html(headline, instrument, edition, language)}"
            f"<h3>{esc(translate('index_reports', language))}</h3>"
            f'<ul class="cards">{cards}</ul></section>'
        )
    note_html = _note_html(note) if isinstance(note, str) else ""
    css, brand = INDEX_CSS, ""
    if theme is not None:
        css += theme.css() + THEMED_INDEX_CSS
        logo = theme.logo_data_uri()
        brand = (f'<img class="logo" src="{esc(logo)}" alt="">' if logo else "") + (
            f'<p class="organisation">{esc(theme.organisation)}</p>' if theme.organisation else ""
        )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(translate('index_title', 'en', edition=edition))}</title>"
        f"<style>{css}</style></head><body>"
        f"<header>{brand}<h1>{esc(translate('index_title', 'en', edition=edition))}</h1>"
        f"{note_html}</header>"
        f"<main>{''.join(sections)}</main></body></html>"
    )
    return write_atomic(out_dir / "index.html", page, what="index", keep_same=True)
