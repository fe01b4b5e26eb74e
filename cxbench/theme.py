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
    # every chart lays itself out (constrained): drawn once, with this margin, it needs
    # no second "tight" pass when a notebook shows it
    "figure.constrained_layout.w_pad": 0.1,
    "figure.constrained_layout.h_pad": 0.1,
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
#: The index of a report set: figures and report cards in grids that fill the width,
#: one column on a phone; system fonts only (the page loads nothing).
INDEX_CSS = (
    "*,*::before,*::after{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
    "body{margin:0 auto;max-width:72rem;padding:1rem;color:#222;background:#f7f7f7;"
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "line-height:1.45;overflow-wrap:anywhere}"
    "h1{font-size:1.6rem;line-height:1.2;margin:0.5rem 0 1rem}"
    "h2{font-size:1.35rem;margin:0 0 0.75rem;padding-bottom:0.25rem;"
    "border-bottom:3px solid #0173b2}"
    "h3{font-size:1rem;margin:1.25rem 0 0.5rem;color:#444}"
    "h4{font-size:1.05rem;line-height:1.3;margin:0}"
    "a{color:#0b5394}a:hover,a:focus{color:#062f57}"
    ".note{margin:0 0 1.5rem;padding:0.6rem 0.8rem;background:#fff5db;"
    "border-left:4px solid #de8f05}"
    ".language{margin:0 0 2.5rem}"
    ".figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,9rem),1fr));"
    "gap:0.75rem;margin:0;padding:0}"
    ".figure{margin:0;padding:0.6rem 0.8rem;background:#fff;border:1px solid #ddd;"
    "border-radius:6px}"
    ".figure dt{font-size:0.9rem;color:#555}"
    ".figure dd{margin:0;font-size:1.6rem;font-weight:700;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    ".figure.participants dd{color:#0173b2}"
    ".hint{margin:0.4rem 0 0;font-size:0.9rem;color:#555}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,16rem),1fr));"
    "gap:1rem;margin:0;padding:0;list-style:none}"
    ".card{display:flex;flex-direction:column;gap:0.35rem;padding:0.9rem 1rem;"
    "background:#fff;border:1px solid #ddd;border-radius:6px}"
    ".card p{margin:0}"
    ".card.benchmark{border-top:4px solid #0173b2}"
    ".card.failed-report{border-color:#b00;background:#fff6f6}"
    ".kind{color:#555;font-size:0.9rem}"
    ".failed{color:#b00;font-weight:700}"
    "@media print{body{background:#fff;max-width:none}.card,.figure{break-inside:avoid}}"
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
