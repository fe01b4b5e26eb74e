"""The one look of cxbench's output: chart settings and palette, and the stylesheets of
the HTML pages (reports, error pages, index).

Charts (:mod:`cxbench.charts`) draw with :data:`CHART_RC` inside :func:`chart_style`,
in the colour-blind-safe palette :data:`PALETTE` (seaborn's "colorblind", written out so
that importing the theme does not import seaborn); the pages of a report set
(:mod:`cxbench.publish.html`) carry :data:`REPORT_CSS`, :data:`ERROR_PAGE_CSS` and
:data:`INDEX_CSS`.

A research team may bring its own look in a small YAML file (:func:`load_theme`): its
name for the footers, a logo, two colours and a font. The file gives a :class:`Theme`;
:data:`DEFAULT_THEME` is the look above. A theme's colours are readable as text on white
(WCAG 2.1 contrast of 4.5:1; :func:`contrast_ratio`, :func:`readable_colour`), and what
it puts into a page's CSS cannot end the style element or add rules of its own.
"""

from __future__ import annotations

import base64
import colorsys
import math
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib import cycler, rc_context
from matplotlib.colors import CSS4_COLORS, to_hex, to_rgb, to_rgba

from .errors import ParameterError
from .limits import InputLimitError, check_regular_file, read_yaml_file

__all__ = [
    "ACCENT",
    "CHART_RC",
    "DEFAULT_THEME",
    "ERROR_PAGE_CSS",
    "GUIDE",
    "INDEX_CSS",
    "MAX_FONT_BYTES",
    "MAX_LOGO_BYTES",
    "MUTED",
    "PALETTE",
    "REFERENCE",
    "REPORT_CSS",
    "SAVE_RC",
    "THEMED_INDEX_CSS",
    "THEMED_REPORT_CSS",
    "TRACK",
    "Theme",
    "accent",
    "chart_style",
    "contrast_ratio",
    "load_theme",
    "palette",
    "readable_colour",
    "use_theme",
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
#: Added to a report page after a team's theme (:meth:`Theme.css`): its colour on the
#: headings and figure numbers, its font on the text.
THEMED_REPORT_CSS = (
    "body,.jp-RenderedHTMLCommon{font-family:var(--cx-font)}"
    ".jp-RenderedHTMLCommon h1,.jp-RenderedHTMLCommon h2,.jp-RenderedHTMLCommon h3"
    "{color:var(--cx-primary-text)}"
    ".cxbench-number{color:var(--cx-primary-text)}"
)
#: Added to the index page after a team's theme: its colours, font and logo.
THEMED_INDEX_CSS = (
    "body{font-family:var(--cx-font)}"
    "h2{border-bottom-color:var(--cx-primary)}"
    "a{color:var(--cx-primary-text)}.figure.participants dd{color:var(--cx-primary-text)}"
    ".note{border-left-color:var(--cx-secondary)}"
    "header .logo{display:block;max-height:3.5rem;max-width:14rem;margin:0.5rem 0}"
    "header .organisation{margin:0;color:#555}"
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
    """``n`` colours of the charts, as RGB (cycling past ten, as seaborn does): those of
    :data:`PALETTE`, or of the theme in use (:func:`use_theme`).

    Examples
    --------
    >>> palette(2)[1] == to_rgb("#de8f05"), len(palette(12))
    (True, 12)
    """
    colours = PALETTE if _IN_USE is None else tuple(_IN_USE.palette())
    return [to_rgb(colours[i % len(colours)]) for i in range(n)]


def accent() -> tuple[float, float, float]:
    """The colour of a highlighted group or of "you": :data:`ACCENT`, or the primary
    colour of the theme in use (:func:`use_theme`).

    Examples
    --------
    >>> accent() == ACCENT
    True
    """
    return ACCENT if _IN_USE is None else to_rgb(_IN_USE.primary)


@contextmanager
def chart_style() -> Iterator[None]:
    """The look of every chart, for the figure made inside it and nothing else
    (seaborn's "whitegrid" style under :data:`CHART_RC`, or under the settings of the
    theme in use, :func:`use_theme`)."""
    import seaborn as sns

    rc = CHART_RC if _IN_USE is None else _IN_USE.chart_rc()
    with sns.axes_style("whitegrid"), rc_context(rc):
        yield


# --- a research team's own theme -------------------------------------------------------

MAX_LOGO_BYTES: int = 2 * 1024 * 1024
"""Largest logo a theme may name, in bytes (2 MiB): it is embedded in every page.

Examples
--------
>>> MAX_LOGO_BYTES // 2**20
2
"""

MAX_FONT_BYTES: int = 20 * 1024 * 1024
"""Largest font file a theme may name, in bytes (20 MiB; a font with CJK glyphs is
about 15).

Examples
--------
>>> MAX_FONT_BYTES // 2**20
20
"""

#: The fonts of the pages today (:data:`INDEX_CSS`), after a theme's own.
_FONT_STACK = "system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif"
#: The font every chart falls back to: it ships with matplotlib and has Turkish and
#: Cyrillic glyphs.
_CHART_FONT = "DejaVu Sans"
#: WCAG 2.1 success criterion 1.4.3: the least contrast of text with its background.
_TEXT_CONTRAST = 4.5
_KEYS = ("organisation", "logo", "colours", "font")
_COLOUR_KEYS = ("primary", "secondary")
_FONT_KEYS = ("family", "file")
_LONGEST_TEXT = 200
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: What a family name loses before it goes into CSS: what could end its quoted string,
#: the declaration, the rule or the style element, and control characters.
_UNSAFE_IN_CSS = re.compile(r"[\"'\\<>;{}\x00-\x1f\x7f-\x9f]")
#: An SVG document begins with "<svg", after an XML declaration, comments and a
#: doctype at most (one that declares entities is then refused). The repetition is
#: possessive (*+): a prolog not followed by "<svg" is not split again in every other
#: way, which takes exponential time on a file of many comments.
_SVG_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s|<\?xml[^>]*>|<!--.*?-->|<!DOCTYPE\s+svg[^>\[]*(?:\[.*?\])?\s*>)*+"
    rb"<svg[\s>/]",
    re.DOTALL,
)
_SVG_HEAD_BYTES = 16 * 1024
_FONT_SIGNATURES = (
    (b"\x00\x01\x00\x00", "font/ttf"),
    (b"true", "font/ttf"),
    (b"OTTO", "font/otf"),
    (b"wOFF", "font/woff"),
    (b"wOF2", "font/woff2"),
)
_CSS_FONT_FORMAT = {
    "font/ttf": "truetype",
    "font/otf": "opentype",
    "font/woff": "woff",
    "font/woff2": "woff2",
}


def _where(source: str, key: str) -> str:
    return f"{source}: {key}" if source else key


def _shown(value: Any) -> Any:
    """The value as an error message shows it: long text or structures cut short."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= 80:
        return value
    return text[:77] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _parse_colour(value: Any, where: str) -> str:
    """``value`` as ``'#rrggbb'``, or a :class:`ParameterError` naming ``where``."""
    hint = "is not a colour (use #rrggbb or a CSS colour name)"
    if value is None:
        raise ParameterError(
            where, value, "is empty (quote a hex colour, '#0173b2': unquoted, # starts a comment)"
        )
    if not isinstance(value, str):
        raise ParameterError(where, _shown(value), hint)
    text = value.strip()
    named = text.lower()
    # "C0" (the chart cycle) and "0.5" (a grey level) are colours to matplotlib, but
    # not to a page: only hex codes and names (CSS's, matplotlib's "tab:" and "xkcd:")
    if not (_HEX_COLOUR.fullmatch(text) or named in CSS4_COLORS or ":" in named):
        raise ParameterError(where, _shown(value), hint)
    try:
        rgba = to_rgba(named)
    except ValueError:
        raise ParameterError(where, _shown(value), hint) from None
    if rgba[3] != 1:
        raise ParameterError(where, _shown(value), "is transparent (give an opaque #rrggbb)")
    return to_hex(rgba[:3])


def _relative_luminance(hex_colour: str) -> float:
    def linear(channel: float) -> float:
        if channel <= 0.03928:
            return channel / 12.92
        return ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in to_rgb(hex_colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """The WCAG 2.x contrast ratio of two colours, from 1 (the same) to 21 (black on
    white).

    Parameters
    ----------
    colour, background : str
        Hex codes (``#rrggbb``) or CSS colour names; the order does not matter.

    Returns
    -------
    float

    Raises
    ------
    ParameterError
        Not a colour.

    Notes
    -----
    ``(L1 + 0.05) / (L2 + 0.05)``, where ``L1`` is the relative luminance of the lighter
    colour and ``L2`` of the darker: ``L = 0.2126 R + 0.7152 G + 0.0722 B`` of the
    linearised sRGB channels (``c / 12.92`` up to 0.03928, ``((c + 0.055) / 1.055)^2.4``
    above). Text needs 4.5:1 (success criterion 1.4.3, level AA).

    References
    ----------
    W3C, *Web Content Accessibility Guidelines (WCAG) 2.1*, definitions of "contrast
    ratio" and "relative luminance", https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio

    Examples
    --------
    WebAIM's contrast checker gives #777777 on white 4.48:1 and #767676 4.54:1.

    >>> round(contrast_ratio("#777777"), 2), round(contrast_ratio("#767676"), 2)
    (4.48, 4.54)
    >>> round(contrast_ratio("black"), 6), contrast_ratio("white", "white")
    (21.0, 1.0)
    """
    lighter, darker = sorted(
        (
            _relative_luminance(_parse_colour(colour, "colour")),
            _relative_luminance(_parse_colour(background, "background")),
        ),
        reverse=True,
    )
    return (lighter + 0.05) / (darker + 0.05)


def readable_colour(colour: str, minimum: float = _TEXT_CONTRAST) -> str:
    """``colour`` as ``#rrggbb``, darkened where needed to reach ``minimum`` contrast
    as text on white.

    A colour that already reaches it is returned unchanged; another keeps its hue and
    saturation and loses lightness (HLS) in steps of 1 %, to the lightest step that
    reaches ``minimum``.

    Parameters
    ----------
    colour : str
        A hex code or a CSS colour name.
    minimum : float, default 4.5
        The contrast ratio to reach (:func:`contrast_ratio`), from 1 to 21; 4.5 is
        WCAG 2.1's for text (level AA), 7 its enhanced level (AAA).

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        Not a colour, or ``minimum`` outside 1-21.

    Examples
    --------
    >>> readable_colour("#0173b2")  # 5.1:1 already
    '#0173b2'
    >>> dark = readable_colour("yellow")
    >>> dark, round(contrast_ratio("yellow"), 2), contrast_ratio(dark) >= 4.5
    ('#7a7a00', 1.07, True)
    """
    hex_colour = _parse_colour(colour, "colour")
    if isinstance(minimum, bool) or not isinstance(minimum, int | float) or not 1 <= minimum <= 21:
        raise ParameterError("minimum", minimum, "must be a contrast ratio from 1 to 21")
    if contrast_ratio(hex_colour) >= minimum:
        return hex_colour
    hue, lightness, saturation = colorsys.rgb_to_hls(*to_rgb(hex_colour))
    for step in range(1, 101):
        rgb = colorsys.hls_to_rgb(hue, max(0.0, lightness - step / 100), saturation)
        candidate = to_hex(tuple(min(1.0, max(0.0, c)) for c in rgb))
        if contrast_ratio(candidate) >= minimum:
            return candidate
    return "#000000"


def _logo_type(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if _SVG_START.match(head[:_SVG_HEAD_BYTES]):
        return "image/svg+xml"
    return None


def _font_type(head: bytes) -> str | None:
    return next((kind for magic, kind in _FONT_SIGNATURES if head.startswith(magic)), None)


def _read_checked(
    path: Path,
    where: str,
    value: Any,
    *,
    limit: int,
    limit_name: str,
    kinds: str,
    sniff: Callable[[bytes], str | None],
) -> tuple[bytes, str]:
    """The bytes of a logo or font file and its MIME type, read within ``limit``; every
    problem a :class:`ParameterError` naming ``where`` and ``value``."""
    try:
        info = check_regular_file(path)
    except FileNotFoundError:
        raise ParameterError(where, value, f"no such file ({path})") from None
    except InputLimitError as exc:
        raise ParameterError(where, value, f"refused: {exc}") from None
    except OSError as exc:
        raise ParameterError(where, value, f"cannot be read ({exc})") from None
    too_big = ParameterError(
        where,
        value,
        f"larger than {limit:,} bytes, the most accepted (cxbench.theme.{limit_name})",
    )
    if info.st_size > limit:
        raise too_big
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # the file may have grown since stat
    except OSError as exc:
        raise ParameterError(where, value, f"cannot be read ({exc})") from None
    if len(data) > limit:
        raise too_big
    kind = sniff(data)
    if kind is None:
        raise ParameterError(
            where, value, f"is not {kinds} (checked by its first bytes, {data[:8]!r})"
        )
    if kind == "image/svg+xml" and b"<!ENTITY" in data:
        raise ParameterError(where, value, "is an SVG that declares XML entities (refused)")
    return data, kind


def _read_logo(path: Path, where: str, value: Any) -> tuple[bytes, str]:
    return _read_checked(
        path,
        where,
        value,
        limit=MAX_LOGO_BYTES,
        limit_name="MAX_LOGO_BYTES",
        kinds="a PNG, JPEG or SVG image",
        sniff=_logo_type,
    )


def _read_font(path: Path, where: str, value: Any) -> tuple[bytes, str]:
    return _read_checked(
        path,
        where,
        value,
        limit=MAX_FONT_BYTES,
        limit_name="MAX_FONT_BYTES",
        kinds="a TrueType, OpenType, WOFF or WOFF2 font",
        sniff=_font_type,
    )


def _css_family(name: str | None) -> str | None:
    """A font family name as a quoted CSS string that cannot end the string, the rule or
    the style element (``None`` when nothing is left of it)."""
    if not name:
        return None
    cleaned = " ".join(_UNSAFE_IN_CSS.sub("", name).split())
    return f"'{cleaned}'" if cleaned else None


def _chart_font(path: Path, where: str) -> str | None:
    """Register a font file with matplotlib and return the family name it reports, or
    warn and return ``None`` when matplotlib cannot read it."""
    _, kind = _read_font(path, where, str(path))
    if kind in ("font/woff", "font/woff2"):
        warnings.warn(
            f"{where}: matplotlib cannot read a {kind.removeprefix('font/').upper()} font; "
            "the charts use the theme's font family or DejaVu Sans (give a .ttf or .otf "
            "file for the charts too)",
            UserWarning,
            stacklevel=3,
        )
        return None
    from matplotlib import font_manager

    fname = str(path.resolve())
    # addfont appends on every call: register each file once per session
    if not any(entry.fname == fname for entry in font_manager.fontManager.ttflist):
        try:
            font_manager.fontManager.addfont(fname)
        except (RuntimeError, OSError, ValueError) as exc:
            warnings.warn(
                f"{where}: matplotlib cannot read this font ({exc}); the charts use the "
                "theme's font family or DejaVu Sans",
                UserWarning,
                stacklevel=3,
            )
            return None
    return font_manager.FontProperties(fname=fname).get_name()


@dataclass(frozen=True)
class Theme:
    """A research team's look: its name, logo, colours and font (see :func:`load_theme`).

    Parameters
    ----------
    organisation : str
        The team's name, shown in the footers.
    logo : Path, optional
        A PNG, JPEG or SVG image, embedded in the pages (:meth:`logo_data_uri`).
    primary, secondary : str
        The team's colours, stored as ``#rrggbb``: the first two colours of the charts
        (:meth:`palette`) and of headings and links. Defaults: the first two of
        :data:`PALETTE`.
    font_family : str, optional
        A font's family name: installed on the readers' systems, or that of
        ``font_file``.
    font_file : Path, optional
        A TrueType, OpenType, WOFF or WOFF2 font, embedded in the pages (:meth:`css`)
        and, TrueType and OpenType, used by the charts (:meth:`chart_rc`).
    source : str
        The file the theme came from (named by errors and warnings).

    Raises
    ------
    ParameterError
        A colour that is not one, text that is not text.

    Notes
    -----
    Built directly, a theme takes its colours as they are; :func:`load_theme` darkens a
    file's colours that are too light for text. :meth:`css` also gives a readable
    version of each colour for text (``--cx-primary-text``, ``--cx-secondary-text``):
    the default secondary (orange, 2.6:1 on white) draws charts and borders well but is
    not readable as text.

    Examples
    --------
    >>> theme = Theme(organisation="CX Lab", primary="DarkRed")
    >>> theme.primary, theme.secondary, theme.palette(3)
    ('#8b0000', '#de8f05', ['#8b0000', '#de8f05', '#0173b2'])
    >>> DEFAULT_THEME.palette() == list(PALETTE)
    True
    """

    organisation: str = ""
    logo: Path | None = None
    primary: str = PALETTE[0]
    secondary: str = PALETTE[1]
    font_family: str | None = None
    font_file: Path | None = None
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("organisation", "source"):
            if not isinstance(getattr(self, name), str):
                raise ParameterError(name, _shown(getattr(self, name)), "must be text")
        if self.font_family is not None and not isinstance(self.font_family, str):
            raise ParameterError(
                _where(self.source, "font_family"), _shown(self.font_family), "must be text"
            )
        for name in _COLOUR_KEYS:
            colour = _parse_colour(getattr(self, name), _where(self.source, name))
            object.__setattr__(self, name, colour)
        for name in ("logo", "font_file"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value))

    def palette(self, n: int | None = None) -> list[str]:
        """The chart colours: primary, secondary, then those of :data:`PALETTE` that
        are neither, as ``#rrggbb``.

        Parameters
        ----------
        n : int, optional
            How many: all of them by default; more than there are cycles through them
            (as seaborn does).

        Returns
        -------
        list of str

        Examples
        --------
        >>> Theme(primary="#029e73", secondary="#000000").palette()[:4]
        ['#029e73', '#000000', '#0173b2', '#de8f05']
        >>> len(Theme(primary="#029e73").palette()), len(DEFAULT_THEME.palette(12))
        (10, 12)
        """
        colours = list(dict.fromkeys((self.primary, self.secondary, *PALETTE)))
        if n is None:
            return colours
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ParameterError("n", n, "must be a whole number, 0 or more")
        return [colours[i % len(colours)] for i in range(n)]

    def css(self) -> str:
        """CSS for the HTML and PDF pages: the theme's custom properties on ``:root``
        and, with a font file, an ``@font-face`` rule that embeds it.

        The properties are ``--cx-primary`` and ``--cx-secondary`` (the colours),
        ``--cx-primary-text`` and ``--cx-secondary-text`` (the same, darkened where
        needed to be readable as text on white, :func:`readable_colour`) and
        ``--cx-font`` (the theme's font, then the system fonts of today's pages). The
        font is embedded as a ``data:`` URI, so that a page loads nothing; a family
        name is quoted and loses quotes, backslashes, ``<``, ``>``, ``;`` and braces.

        Returns
        -------
        str

        Raises
        ------
        ParameterError
            The font file is missing, too large or not a font.

        Examples
        --------
        The default theme gives the colours and fonts of today's pages:

        >>> print(DEFAULT_THEME.css().replace(";", ";\\n"))
        :root{--cx-primary:#0173b2;
        --cx-secondary:#de8f05;
        --cx-primary-text:#0173b2;
        --cx-secondary-text:#a26804;
        --cx-font:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}
        >>> "--cx-font:'Noto Sans'," in Theme(font_family="Noto Sans").css()
        True
        """
        rules = []
        families = []
        family = _css_family(self.font_family)
        if self.font_file is not None:
            data, kind = _read_font(
                self.font_file, _where(self.source, "font.file"), str(self.font_file)
            )
            family = family or "'cxbench theme font'"
            encoded = base64.b64encode(data).decode("ascii")
            rules.append(
                f"@font-face{{font-family:{family};"
                f'src:url("data:{kind};base64,{encoded}") format("{_CSS_FONT_FORMAT[kind]}");'
                "font-display:swap}"
            )
        if family:
            families.append(family)
        properties = {
            "--cx-primary": self.primary,
            "--cx-secondary": self.secondary,
            "--cx-primary-text": readable_colour(self.primary),
            "--cx-secondary-text": readable_colour(self.secondary),
            "--cx-font": ",".join([*families, _FONT_STACK]),
        }
        rules.append(":root{" + ";".join(f"{k}:{v}" for k, v in properties.items()) + "}")
        return "".join(rules)

    def logo_data_uri(self) -> str | None:
        """The logo as a ``data:`` URI (base64) for an ``<img src>``, or ``None``
        without a logo.

        An SVG logo shown by ``<img>`` runs no scripts; do not inline its text in a
        page.

        Returns
        -------
        str or None

        Raises
        ------
        ParameterError
            The logo is missing, larger than :data:`MAX_LOGO_BYTES` or not a PNG, JPEG
            or SVG image.

        Examples
        --------
        >>> import tempfile
        >>> logo = Path(tempfile.mkdtemp()) / "logo.svg"
        >>> _ = logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
        >>> Theme(logo=logo).logo_data_uri()[:40]
        'data:image/svg+xml;base64,PHN2ZyB4bWxucz'
        >>> DEFAULT_THEME.logo_data_uri() is None
        True
        """
        if self.logo is None:
            return None
        data, kind = _read_logo(self.logo, _where(self.source, "logo"), str(self.logo))
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"

    def chart_rc(self) -> dict[str, Any]:
        """matplotlib settings for the theme's charts: :data:`CHART_RC` with the colour
        cycle of :meth:`palette` and, with a font, the theme's font family.

        A TrueType or OpenType font file is registered with matplotlib (once per
        session) under the family name it reports; DejaVu Sans, which has Turkish and
        Cyrillic glyphs, comes after the theme's font for the characters it lacks.
        matplotlib cannot read WOFF fonts: with one, a warning, and the charts use
        ``font_family`` if given, else DejaVu Sans.

        Returns
        -------
        dict

        Raises
        ------
        ParameterError
            The font file is missing, too large or not a font.

        Examples
        --------
        >>> rc = Theme(primary="#8b0000", font_family="Noto Sans").chart_rc()
        >>> rc["axes.prop_cycle"].by_key()["color"][:2], rc["font.family"]
        (['#8b0000', '#de8f05'], ['Noto Sans', 'DejaVu Sans'])
        >>> DEFAULT_THEME.chart_rc()["font.family"] == CHART_RC["font.family"]
        True
        """
        rc = dict(CHART_RC)
        rc["axes.prop_cycle"] = cycler(color=self.palette())
        families = []
        if self.font_file is not None:
            name = _chart_font(self.font_file, _where(self.source, "font.file"))
            if name:
                families.append(name)
        if self.font_family:
            families.append(self.font_family)
        if families:
            rc["font.family"] = list(dict.fromkeys([*families, _CHART_FONT]))
        return rc


#: cxbench's own look: the colour-blind-safe :data:`PALETTE`, system fonts, no logo.
DEFAULT_THEME = Theme()


def _mapping(raw: Mapping[Any, Any], key: str, known: tuple[str, ...], source: str) -> dict:
    """The mapping at ``key`` (empty when absent or null), refusing unknown keys."""
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParameterError(
            _where(source, key), _shown(value), f"must be a mapping of {', '.join(known)}"
        )
    _refuse_unknown(value, known, source, f"{key}.")
    return dict(value)


def _refuse_unknown(
    raw: Mapping[Any, Any],
    known: tuple[str, ...],
    source: str,
    prefix: str,
    *,
    also: tuple[str, ...] = (),
) -> None:
    """Refuse a key that is not in ``known`` (nor in ``also``, accepted but not named)."""
    for key, value in raw.items():
        if key not in known and key not in also:
            raise ParameterError(
                _where(source, f"{prefix}{key}"),
                _shown(value),
                f"unknown key (use {', '.join(known)})",
            )


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ParameterError(where, _shown(value), "must be text (quote it)")
    text = value.strip()
    if len(text) > _LONGEST_TEXT or _CONTROL.search(text):
        raise ParameterError(
            where, _shown(value), f"must be one line of at most {_LONGEST_TEXT} characters"
        )
    return text


def _file_path(value: Any, where: str, folder: Path) -> Path:
    text = _text(value, where)
    if not text:
        raise ParameterError(where, value, "is empty (name a file)")
    path = Path(text)
    return path if path.is_absolute() else folder / path


def _file_colour(colours: Mapping[str, Any], key: str, source: str, prefix: str) -> str:
    """A colour of the file as ``#rrggbb``, darkened (with a warning) when it is too
    light for text on white; the default when the file gives none."""
    default = dict(zip(_COLOUR_KEYS, PALETTE, strict=False))[key]
    if key not in colours:
        return default
    where = _where(source, prefix + key)
    given = colours[key]
    colour = _parse_colour(given, where)
    ratio = contrast_ratio(colour)
    if ratio >= _TEXT_CONTRAST:
        return colour
    adjusted = readable_colour(colour)
    shown_ratio = round(ratio, 1)
    if shown_ratio >= _TEXT_CONTRAST:  # 4.48:1 must not read as 4.5:1
        shown_ratio = math.floor(ratio * 10) / 10
    warnings.warn(
        f"{where}: {given!r} has a contrast ratio of {shown_ratio:.1f}:1 on white, below "
        f"the {_TEXT_CONTRAST}:1 that text needs (WCAG 2.1, 1.4.3); darkened to "
        f"{adjusted!r} ({math.floor(contrast_ratio(adjusted) * 10) / 10:.1f}:1)",
        UserWarning,
        stacklevel=3,
    )
    return adjusted


def _theme_mapping(path: Path, source: str) -> Mapping[Any, Any]:
    """The theme file's top-level mapping (empty for an empty file), its keys checked."""
    raw, problem = read_yaml_file(path, "theme file")
    if problem:
        raise ParameterError("theme file", source, problem)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ParameterError(
            "theme file", source, f"must be a mapping of {', '.join(_KEYS)}, not {_kind(raw)}"
        )
    if "colours" in raw and "colors" in raw:
        raise ParameterError(
            _where(source, "colors"), _shown(raw["colors"]), "give colours or colors, not both"
        )
    _refuse_unknown(raw, _KEYS, source, "", also=("colors",))
    return raw


def _optional_text(value: Any, where: str) -> str:
    return "" if value is None else _text(value, where)


def _checked_file(
    value: Any,
    where: str,
    folder: Path,
    read: Callable[[Path, str, Any], tuple[bytes, str]],
) -> Path | None:
    """The file named by ``value`` (relative to ``folder``), once ``read`` has checked
    it: size and kind by its first bytes; ``None`` when the key is absent or null."""
    if value is None:
        return None
    path = _file_path(value, where, folder)
    read(path, where, value)
    return path


# the theme of the charts drawn from now on (use_theme); None: cxbench's own
_IN_USE: Theme | None = None


def use_theme(theme: Theme | str | Path | None = None) -> Theme:
    """Draw the charts of this session in a team's theme: a :class:`Theme`, a theme file
    (:func:`load_theme`), or None for cxbench's own look (:data:`DEFAULT_THEME`).

    The report notebooks call it with their ``theme_path`` parameter, which
    ``cxbench report --theme`` sets; the pages, PDFs and decks take the theme from the
    run itself.

    Returns
    -------
    Theme
        The theme in use.

    Examples
    --------
    >>> use_theme(Theme(primary="#8b0000")).primary, accent() == to_rgb("#8b0000")
    ('#8b0000', True)
    >>> use_theme() is DEFAULT_THEME, accent() == ACCENT
    (True, True)
    """
    global _IN_USE
    if theme is not None and not isinstance(theme, Theme):
        theme = load_theme(theme)
    _IN_USE = None if theme is None or theme == DEFAULT_THEME else theme
    return theme if theme is not None else DEFAULT_THEME


def load_theme(path: str | Path) -> Theme:
    """Read a team's theme file (YAML).

    .. code-block:: yaml

        organisation: CX Lab, Example University   # shown in the footers
        logo: logo.svg                              # PNG, JPEG or SVG, at most 2 MiB
        colours:                                    # or "colors"; #rrggbb or CSS names
          primary: '#8b0000'                        # quoted: # starts a YAML comment
          secondary: teal
        font:
          family: Noto Sans                         # a font installed, or the file's
          file: fonts/NotoSans-Regular.ttf          # .ttf, .otf, .woff, .woff2; 20 MiB

    Every key may be left out (the default theme's value). Paths are relative to the
    file's folder. A colour below 4.5:1 on white (WCAG 2.1, for text) is darkened
    (:func:`readable_colour`) with a warning that names it.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Theme

    Raises
    ------
    ParameterError
        Naming the file, the key and the value: a file that is missing or beyond the
        limits of :mod:`cxbench.limits` (size, nesting, aliases), an unknown key, a
        colour that is not one, a logo or font file that is missing, too large or not
        of its kind by its first bytes.

    Warns
    -----
    UserWarning
        A colour too light for text, and the colour it was darkened to.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "theme.yaml").write_text(
    ...     "organisation: CX Lab\\ncolours: {primary: DarkRed}\\nfont: {family: Noto Sans}\\n")
    >>> theme = load_theme(folder / "theme.yaml")
    >>> theme.organisation, theme.primary, theme.secondary, theme.font_family
    ('CX Lab', '#8b0000', '#de8f05', 'Noto Sans')
    >>> _ = (folder / "bad.yaml").write_text("colours: {primary: blue-ish}\\n")
    >>> load_theme(folder / "bad.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxbench.errors.ParameterError: ...bad.yaml: colours.primary='blue-ish': is not a colour (use #rrggbb or a CSS colour name)
    """  # noqa: E501
    path = Path(path)
    source = str(path)
    raw = _theme_mapping(path, source)
    colours_key = "colors" if "colors" in raw else "colours"
    colours = _mapping(raw, colours_key, _COLOUR_KEYS, source)
    font = _mapping(raw, "font", _FONT_KEYS, source)
    return Theme(
        organisation=_optional_text(raw.get("organisation"), _where(source, "organisation")),
        logo=_checked_file(raw.get("logo"), _where(source, "logo"), path.parent, _read_logo),
        primary=_file_colour(colours, "primary", source, f"{colours_key}."),
        secondary=_file_colour(colours, "secondary", source, f"{colours_key}."),
        font_family=_optional_text(font.get("family"), _where(source, "font.family")) or None,
        font_file=_checked_file(
            font.get("file"), _where(source, "font.file"), path.parent, _read_font
        ),
        source=source,
    )
