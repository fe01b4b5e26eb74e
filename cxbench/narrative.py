"""Report text in the reader's language: section headings and explanations.

A report notebook is run once per language, so its words cannot live in Markdown
cells: each section opens with a call to :func:`section`, whose heading and
paragraph come from the message catalogue (:mod:`cxbench.i18n`). The text is
Markdown; anything taken from data (a sector's name) is escaped so that it shows as
written and cannot inject markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from .i18n import check_language, translate
from .loading import dataset_note

__all__ = ["ReportText", "data_note", "escape_markdown", "paragraph", "section", "suppressed_note"]

# Characters that start markup inside a sentence (emphasis, code, links, tables,
# maths in Jupyter); "<" and "&" are handled by HTML escaping.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~$])")


def escape_markdown(text: str) -> str:
    """Text from data made safe for Markdown: markup characters and HTML escaped.

    Examples
    --------
    >>> escape_markdown("<script>*x*</script>")
    '&lt;script&gt;\\\\*x\\\\*&lt;/script&gt;'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


@dataclass(frozen=True)
class ReportText:
    """A piece of report text in Markdown; shows as Markdown in a notebook.

    Examples
    --------
    >>> ReportText("## Title\\n\\nBody.")
    ## Title
    <BLANKLINE>
    Body.
    """

    markdown: str

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown

    __str__ = __repr__


def section(key: str, language: str = "en", *, level: int = 2, **fields: object) -> ReportText:
    """A section's heading (message ``<key>_title``) and paragraph (``<key>_body``).

    ``fields`` fill the messages' ``{placeholders}``; they are escaped, since they
    usually come from data.

    Examples
    --------
    >>> print(section("sector_overview", "en", confidence=95))  # doctest: +ELLIPSIS
    ## The benchmark at a glance
    <BLANKLINE>
    ...
    """
    language = check_language(language)
    safe = {name: escape_markdown(value) for name, value in fields.items()}
    title = translate(f"{key}_title", language, **safe)
    body = translate(f"{key}_body", language, **safe)
    return ReportText(f"{'#' * level} {title}\n\n{body}")


def paragraph(key: str, language: str = "en", **fields: object) -> ReportText:
    """One message as a paragraph; ``fields`` are escaped as in :func:`section`.

    Examples
    --------
    >>> paragraph("sector_change_none", "tr")
    Verilerde daha önceki bir dönem olmadığından değişim gösterilmiyor.
    """
    language = check_language(language)
    safe = {name: escape_markdown(value) for name, value in fields.items()}
    return ReportText(translate(key, language, **safe))


def suppressed_note(suppressed: object, min_n: int, language: str = "en") -> ReportText:
    """Say how many groups were too small to be named, if any.

    ``suppressed`` is the ``suppressed`` frame of a comparison (``groups``, ``n`` per
    dimension); the largest counts are reported. Empty text when none was.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"dimension": ["measure"], "groups": [2], "n": [7]})
    >>> suppressed_note(frame, 5)  # doctest: +NORMALIZE_WHITESPACE
    2 groups (7 respondents) are not shown by name: those with fewer than 5
    participants and, where one of them could otherwise be worked out from the
    totals, the next smallest. Their answers are included in the benchmark figures.
    """
    groups = int(suppressed["groups"].max()) if len(suppressed) else 0
    if groups == 0:
        return ReportText("")
    n = int(suppressed["n"].max())
    return paragraph("sector_suppressed_note", language, groups=groups, n=n, min_n=min_n)


def data_note(path: str | Path, language: str = "en") -> ReportText:
    """The data file's provenance note (e.g. that it is synthetic), if it has one."""
    note = dataset_note(path)
    return paragraph("sector_synthetic_note", language, note=note) if note else ReportText("")
