"""Publishing: an executed notebook as self-contained HTML without code
(:func:`export_html`), the error page of a failed report (:func:`error_page`), and the
index of a set (:func:`write_index`); every page written atomically."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from ..files import write_atomic
from ..i18n import translate
from ..theme import ERROR_PAGE_CSS, INDEX_CSS, REPORT_CSS
from .plan import ReportJob, ReportResult

__all__ = [
    "error_page",
    "export_html",
    "write_index",
]


def export_html(notebook: dict | Path, path: Path, language: str, title: str) -> Path:
    """Write an executed notebook as reader-facing HTML: no code, no prompts, no
    developer cells (tag ``remove-cell``), images embedded, ``<html lang>`` set.

    The page is written atomically (:func:`cxbench.files.write_atomic`): a full disk
    raises :class:`~cxbench.errors.UnusableFileError` and leaves no partial page.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, Path) else notebook
    # the parameter cells have no output, and papermill gives the injected one a new
    # random id on every run: leaving them out keeps the HTML the same run after run
    remover = TagRemovePreprocessor(
        remove_cell_tags={"remove-cell", "parameters", "injected-parameters"}, enabled=True
    )
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(remover, enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = re.sub(r"<html[^>]*>", f'<html lang="{language}">', body, count=1)
    body = re.sub(
        r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", body, count=1, flags=re.S
    )
    body = body.replace("</head>", f"<style>{REPORT_CSS}</style></head>", 1)
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


def write_index(results: Sequence[ReportResult], edition: int, out_dir: Path) -> Path:
    """``index.html``: every report of the edition, by language, failed ones marked.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> job = ReportJob("sector-x", "sector", "<b>X</b>", "ru", Path("n.ipynb"), {}, out)
    >>> page = write_index([ReportResult(job, "ok", "t0", "t1", 1.0)], 2023, out).read_text()
    >>> 'href="ru/sector-x.html"' in page, "&lt;b&gt;X&lt;/b&gt;" in page
    (True, True)
    """
    esc = html.escape
    out_dir = Path(out_dir)
    sections = []
    for language in dict.fromkeys(r.job.language for r in results):
        items = []
        for result in (r for r in results if r.job.language == language):
            href = result.job.html.relative_to(out_dir).as_posix()
            mark = (
                f' <strong class="failed">({esc(translate("index_failed", language))})</strong>'
                if result.status != "ok"
                else ""
            )
            extra = ""
            if result.status == "ok" and result.job.pdf.exists():
                pdf = result.job.pdf.relative_to(out_dir).as_posix()
                extra = f' · <a href="{esc(pdf)}">PDF</a>'
            kind = translate(f"index_kind_{result.job.kind}", language)
            items.append(
                f'<li><a href="{esc(href)}">{esc(result.job.title)}</a>'
                f" <span class=kind>{esc(kind)}</span>{extra}{mark}</li>"
            )
        sections.append(
            f'<section lang="{language}"><h2>{esc(translate("language_name", language))}</h2>'
            f"<ul>{''.join(items)}</ul></section>"
        )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>cxbench {edition}</title>"
        f"<style>{INDEX_CSS}</style></head><body>"
        f"<h1>{esc(translate('index_title', 'en', edition=edition))}</h1>"
        f"{''.join(sections)}</body></html>"
    )
    return write_atomic(out_dir / "index.html", page, what="index")
