"""The one look of cxbench's output: chart settings and palette, and the stylesheets of
the HTML pages (reports, error pages, index).

Charts (:mod:`cxbench.charts`) draw with :data:`CHART_RC` inside :func:`chart_style`,
in the colour-blind-safe palette :data:`PALETTE` (seaborn's "colorblind", written out so
that importing the theme does not import seaborn); the pages of a report set
(:mod:`cxbench.publish.html`) carry :data:`REPORT_CSS`, :data:`ERROR_PAGE_CSS` and
:data:`INDEX_CSS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from matplotlib import rc_context
from matplotlib.colors import to_rgb

__all__ = [
    "ACCENT",
    "CHART_RC",
    "ERROR_PAGE_CSS",
    "GUIDE",
    "INDEX_CSS",
    "MUTED",
    "PALETTE",
    "REFERENCE",
    "REPORT_CSS",
    "SAVE_RC",
    "TRACK",
    "chart_style",
    "palette",
]

#: seaborn's colour-blind-safe "colorblind" palette (Wong 2011 colours, ten of them).
PALETTE: tuple[str, ...] = (
    "#0173b2",
    "#de8f05",
    "#029e73",
    "#d55e00",
    "#cc78bc",
    "#ca9161",
    "#fbafe4",
    "#949494",
    "#ece133",
    "#56b4e9",
)
ACCENT = to_rgb(PALETTE[0])  # a highlighted group
MUTED = "#9a9a9a"  # the other groups
REFERENCE = "#222222"  # reference marks and lines, dark text
GUIDE = "#444444"  # annotation text beside the marks
TRACK = "#bbbbbb"  # the line joining a participant to its reference

CHART_RC = {
    "font.family": "DejaVu Sans",  # ships with matplotlib; has Turkish and Cyrillic
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "text.parse_math": False,  # names from data may contain "$"
}
#: savefig reads these when the figure is written, outside :func:`chart_style`: pinned
#: so that a session's own settings (a transparent or "tight" default) cannot change the
#: file.
SAVE_RC = {
    "savefig.bbox": "standard",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "savefig.pad_inches": 0.1,
}

#: Added to every report page: the tables of :mod:`cxbench.tables`, and printing.
REPORT_CSS = (
    ".cxbench-table{border-collapse:collapse;margin:0.5em 0 1em}"
    ".cxbench-table th,.cxbench-table td{padding:0.25em 0.6em;border-bottom:1px solid #ddd}"
    "@media print{body{font-size:10pt}img{max-width:100%;page-break-inside:avoid}}"
)
ERROR_PAGE_CSS = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto}"
    "pre{background:#f6f6f6;padding:1em;overflow:auto}"
)
INDEX_CSS = (
    "body{font-family:sans-serif;max-width:50em;margin:2em auto}"
    ".failed{color:#b00}.kind{color:#666;font-size:90%}"
)


def palette(n: int) -> list[tuple[float, float, float]]:
    """``n`` colours of :data:`PALETTE`, as RGB (cycling past ten, as seaborn does).

    Examples
    --------
    >>> palette(2)[1] == to_rgb("#de8f05"), len(palette(12))
    (True, 12)
    """
    return [to_rgb(PALETTE[i % len(PALETTE)]) for i in range(n)]


@contextmanager
def chart_style() -> Iterator[None]:
    """The look of every chart, for the figure made inside it and nothing else
    (seaborn's "whitegrid" style under :data:`CHART_RC`)."""
    import seaborn as sns

    with sns.axes_style("whitegrid"), rc_context(CHART_RC):
        yield
