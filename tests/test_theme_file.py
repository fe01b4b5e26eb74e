"""A research team's theme file (cxbench.theme: Theme, load_theme): what the file may
say, every way it can be wrong, the WCAG contrast of its colours, and that what it puts
into a page's CSS cannot break out of it.

References: W3C, WCAG 2.1, definitions of "relative luminance" and "contrast ratio"
(https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio): ratios run from 1:1 to 21:1
(black on white), luminance weighs the linear sRGB channels 0.2126, 0.7152, 0.0722.
WebAIM's contrast checker (https://webaim.org/resources/contrastchecker/) gives
#777777 on white 4.48:1 and #767676 4.54:1, the lightest grey that passes for text.
"""

from __future__ import annotations

import base64
import colorsys
import dataclasses
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st
from matplotlib import font_manager
from matplotlib.colors import to_hex, to_rgb
from matplotlib.image import imsave

from cxbench import theme as theme_module
from cxbench.errors import ParameterError
from cxbench.theme import (
    CHART_RC,
    DEFAULT_THEME,
    INDEX_CSS,
    MAX_FONT_BYTES,
    MAX_LOGO_BYTES,
    PALETTE,
    Theme,
    contrast_ratio,
    load_theme,
    readable_colour,
)

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
SVG = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- team logo -->\n' + (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10" fill="#8b0000"/></svg>\n'
)
#: What would end the quoted family name, the declaration, the rule or the style element.
HOSTILE_FAMILIES = [
    "x</style><script>alert(1)</script>",
    "a;} body{display:none",
    "a'; } body { display: none } x{'",
    'a", b; } @import url(http://evil.example/x.css); x{"',
    "a\\27 ; } body{display:none}",
    "a\n}body{color:red}",
    "</STYLE ><img src=x onerror=alert(1)>",
]


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture
def team(tmp_path):
    """A team folder with a PNG and a JPEG logo, an SVG logo and a font (DejaVu Sans,
    copied from matplotlib's data folder)."""
    folder = tmp_path / "team"
    (folder / "fonts").mkdir(parents=True)
    pixels = np.zeros((4, 4, 3))
    pixels[..., 0] = 0.55
    imsave(folder / "logo.png", pixels)
    imsave(folder / "logo.jpg", pixels)
    (folder / "logo.svg").write_text(SVG, encoding="utf-8")
    shutil.copy(FONTS / "DejaVuSans.ttf", folder / "fonts" / "Team.ttf")
    return folder


@pytest.fixture
def fonts_restored(monkeypatch):
    """matplotlib's font list as it was before the test (a test registers fonts of its
    temporary folder), and its lookups forgotten afterwards."""
    monkeypatch.setattr(font_manager.fontManager, "ttflist", list(font_manager.fontManager.ttflist))
    yield font_manager.fontManager
    monkeypatch.undo()
    # private, but the only way to forget lookups that may name the temporary files
    font_manager.fontManager._findfont_cached.cache_clear()


def write(folder: Path, text: str, name: str = "theme.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def parameter_error(path: Path) -> str:
    with pytest.raises(ParameterError) as caught:
        load_theme(path)
    return str(caught.value)


# --- a valid file ------------------------------------------------------------------------


def test_a_full_theme_file_is_read_with_paths_relative_to_its_folder(team, tmp_path, monkeypatch):
    path = write(
        team,
        "organisation: CX Lab, Üniversite\n"
        "logo: logo.png\n"
        "colours:\n  primary: '#8B0000'\n  secondary: teal\n"
        "font:\n  family: Team Sans\n  file: fonts/Team.ttf\n",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # relative to the file's folder, not the working one
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # both colours are readable: no warning
        theme = load_theme(path)
    assert theme == Theme(
        organisation="CX Lab, Üniversite",
        logo=team / "logo.png",
        primary="#8b0000",  # normalised to lower-case #rrggbb
        secondary="#008080",  # CSS "teal"
        font_family="Team Sans",
        font_file=team / "fonts" / "Team.ttf",
        source=str(path),
    )
    assert theme.logo.is_file() and theme.font_file.is_file()


def test_american_colors_are_accepted_but_not_beside_colours(tmp_path):
    assert load_theme(write(tmp_path, "colors: {primary: navy}\n")).primary == "#000080"
    message = parameter_error(write(tmp_path, "colours: {primary: navy}\ncolors: {primary: red}\n"))
    assert "colors" in message and "not both" in message


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n", "logo:\nfont:\ncolours:\n"])
def test_a_file_without_values_gives_the_default_theme(tmp_path, text):
    path = write(tmp_path, text)
    assert load_theme(path) == dataclasses.replace(DEFAULT_THEME, source=str(path))


def test_a_file_giving_one_colour_keeps_the_default_other(tmp_path):
    theme = load_theme(write(tmp_path, "colours: {secondary: '#8b0000'}\n"))
    assert (theme.primary, theme.secondary) == (PALETTE[0], "#8b0000")


def test_the_default_theme_is_todays_look():
    assert DEFAULT_THEME.palette() == list(PALETTE)
    css = DEFAULT_THEME.css()
    assert "--cx-primary:#0173b2;" in css and "--cx-secondary:#de8f05;" in css
    assert "#0173b2" in INDEX_CSS and "#de8f05" in INDEX_CSS  # the colours today's page uses
    font = re.search(r"--cx-font:([^;}]*)", css).group(1)
    assert f"font-family:{font};" in INDEX_CSS  # the index page's very font list
    assert "@font-face" not in css
    rc = DEFAULT_THEME.chart_rc()
    assert {k: v for k, v in rc.items() if k != "axes.prop_cycle"} == CHART_RC
    assert rc["axes.prop_cycle"].by_key()["color"] == list(PALETTE)
    assert DEFAULT_THEME.logo_data_uri() is None


def test_the_theme_module_still_imports_without_seaborn():
    code = "import sys, cxbench.theme; print('seaborn' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_every_public_name_is_listed_and_exists():
    for name in (
        "Theme",
        "DEFAULT_THEME",
        "load_theme",
        "contrast_ratio",
        "readable_colour",
        "MAX_LOGO_BYTES",
        "MAX_FONT_BYTES",
    ):
        assert name in theme_module.__all__ and hasattr(theme_module, name)


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "value", "problem"),
    [
        ("colour: red\n", "colour", "'red'", "unknown key (use organisation, logo, colours, font)"),
        ("font: {family: X, weight: bold}\n", "font.weight", "'bold'", "unknown key"),
        ("colours: {primary: red, tertiary: blue}\n", "colours.tertiary", "'blue'", "unknown"),
        ("colours: {primary: blue-ish}\n", "colours.primary", "'blue-ish'", "is not a colour"),
        ("colours: {primary: C0}\n", "colours.primary", "'C0'", "is not a colour"),
        ("colours: {primary: '0.5'}\n", "colours.primary", "'0.5'", "is not a colour"),
        ("colours: {secondary: 255}\n", "colours.secondary", "255", "is not a colour"),
        ("colours:\n  primary: #0173b2\n", "colours.primary", "None", "quote a hex colour"),
        ("colours: {primary: '#0173b280'}\n", "colours.primary", "'#0173b280'", "transparent"),
        ("colours: red\n", "colours", "'red'", "must be a mapping of primary, secondary"),
        ("organisation: [CX, Lab]\n", "organisation", "['CX', 'Lab']", "must be text"),
        ('organisation: "CX\\nLab"\n', "organisation", "'CX\\nLab'", "one line"),
        ("font: {family: 12}\n", "font.family", "12", "must be text"),
        ("logo: nowhere.png\n", "logo", "'nowhere.png'", "no such file"),
        ("logo: ''\n", "logo", "''", "is empty"),
        ("logo: fonts\n", "logo", "'fonts'", "not a regular file (a folder)"),
        ("font: {file: gone.ttf}\n", "font.file", "'gone.ttf'", "no such file"),
    ],
)
def test_each_problem_names_the_file_the_key_and_the_value(team, text, key, value, problem):
    path = write(team, text)
    message = parameter_error(path)
    assert message.startswith(f"{path}: {key}={value}: "), message
    assert problem in message


def test_the_example_message_for_a_bad_colour(tmp_path):
    path = write(tmp_path, "colours: {primary: blue-ish}\n")
    assert parameter_error(path) == (
        f"{path}: colours.primary='blue-ish': is not a colour (use #rrggbb or a CSS colour name)"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- a list\n", "must be a mapping of organisation, logo, colours, font, not a list"),
        ("colours: {primary: red\n", "not valid YAML"),
        ("font: " + "[" * 100 + "]" * 100 + "\n", "nested more than 64 levels deep"),
    ],
)
def test_a_file_that_is_not_a_theme_is_refused_naming_it(tmp_path, text, problem):
    path = write(tmp_path, text)
    message = parameter_error(path)
    assert message.startswith(f"theme file={str(path)!r}: ") and problem in message


def test_a_yaml_bomb_is_refused_by_the_bounded_reader(tmp_path):
    # a "billion laughs": each line nine aliases of the one above
    bomb = "a: &a [lol]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefghijkl", "bcdefghijklm", strict=True)
    )
    assert "aliases" in parameter_error(write(tmp_path, bomb))


def test_a_theme_file_larger_than_the_yaml_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "theme.yaml"
    with open(path, "wb") as handle:
        handle.write(b"organisation: x\n")
        handle.truncate(2 * 1024 * 1024 + 1)  # sparse: cheap to make
    assert "MAX_YAML_BYTES" in parameter_error(path)
    assert load_theme(write(tmp_path, "organisation: x\n")).organisation == "x"


def test_a_missing_theme_file_is_named():
    message = parameter_error(Path("no/such/theme.yaml"))
    assert message == "theme file='no/such/theme.yaml': no such theme file"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("logo.png", b"this is text, renamed .png", "PNG, JPEG or SVG"),
        ("logo.jpg", b"GIF89a\x01\x00\x01\x00", "PNG, JPEG or SVG"),
        ("logo.svg", b"<html><body><svg></svg></body></html>", "PNG, JPEG or SVG"),
        ("logo.png", b"", "PNG, JPEG or SVG"),
    ],
)
def test_a_logo_is_checked_by_its_first_bytes_not_its_name(tmp_path, name, content, kind):
    (tmp_path / name).write_bytes(content)
    message = parameter_error(write(tmp_path, f"logo: {name}\n"))
    assert f"logo='{name}': is not a {kind} image (checked by its first bytes" in message


def test_an_svg_logo_that_declares_entities_is_refused(tmp_path):
    (tmp_path / "logo.svg").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY lol "lol">]>\n<svg>&lol;</svg>\n'
    )
    assert "declares XML entities" in parameter_error(write(tmp_path, "logo: logo.svg\n"))


def test_a_font_is_checked_by_its_first_bytes_not_its_name(tmp_path):
    (tmp_path / "font.ttf").write_text("<html>not a font</html>")
    message = parameter_error(write(tmp_path, "font: {file: font.ttf}\n"))
    assert "font.file='font.ttf': is not a TrueType, OpenType, WOFF or WOFF2 font" in message


def test_a_logo_of_the_limit_is_read_and_one_byte_more_is_refused(tmp_path):
    signature = b"\x89PNG\r\n\x1a\n"
    (tmp_path / "logo.png").write_bytes(signature + b"\0" * (MAX_LOGO_BYTES - len(signature)))
    theme = load_theme(write(tmp_path, "logo: logo.png\n"))
    assert len(base64.b64decode(theme.logo_data_uri().split(",", 1)[1])) == MAX_LOGO_BYTES
    with open(tmp_path / "logo.png", "ab") as handle:
        handle.write(b"\0")
    message = parameter_error(write(tmp_path, "logo: logo.png\n"))
    assert "logo='logo.png': larger than 2,097,152 bytes" in message
    assert "cxbench.theme.MAX_LOGO_BYTES" in message


def test_a_font_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    with open(tmp_path / "big.ttf", "wb") as handle:
        handle.write(b"\x00\x01\x00\x00")
        handle.truncate(MAX_FONT_BYTES + 1)  # sparse

    def never(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(theme_module, "open", never, raising=False)
    message = parameter_error(write(tmp_path, "font: {file: big.ttf}\n"))
    assert "font.file='big.ttf': larger than 20,971,520 bytes" in message


def test_a_theme_built_directly_checks_its_colours_and_text():
    with pytest.raises(ParameterError, match=r"^primary='nope': is not a colour"):
        Theme(primary="nope")
    with pytest.raises(ParameterError, match=r"^t\.yaml: secondary="):
        Theme(secondary="#12", source="t.yaml")
    with pytest.raises(ParameterError, match="font_family"):
        Theme(font_family=3)
    assert Theme(logo="a.png").logo == Path("a.png")  # text paths become Paths


# --- contrast ------------------------------------------------------------------------------


def test_contrast_ratios_match_the_wcag_definition_and_webaim():
    # WCAG 2.1: from 1:1 (the same colour) to 21:1 (black on white)
    assert contrast_ratio("#000000") == pytest.approx(21)
    assert contrast_ratio("#ffffff") == pytest.approx(1)
    assert contrast_ratio("#0173b2", "#0173b2") == pytest.approx(1)
    # WebAIM contrast checker
    assert round(contrast_ratio("#777777"), 2) == 4.48
    assert round(contrast_ratio("#767676"), 2) == 4.54
    assert round(contrast_ratio("#595959"), 1) == 7.0  # WCAG AAA's 7:1, and a channel
    # (0x59 / 255 = 0.35) on the curved part of the sRGB transfer function
    # the channel weights of the definition: pure red, green, blue have luminance
    # 0.2126, 0.7152, 0.0722
    for colour, weight in (("#ff0000", 0.2126), ("#00ff00", 0.7152), ("#0000ff", 0.0722)):
        assert contrast_ratio(colour) == pytest.approx(1.05 / (weight + 0.05))
    # below 0.03928 a channel is linear (c / 12.92): #010101 has luminance 1/255/12.92
    assert contrast_ratio("#010101") == pytest.approx(1.05 / (1 / 255 / 12.92 + 0.05))
    # the order of the two colours does not matter
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")


def test_readable_colour_darkens_yellow_to_the_lightest_step_that_reaches_4_5():
    dark = readable_colour("#ffff00")
    assert contrast_ratio("#ffff00") < 1.1 and contrast_ratio(dark) >= 4.5
    hue, lightness, saturation = colorsys.rgb_to_hls(*to_rgb(dark))
    assert (hue, saturation) == pytest.approx((1 / 6, 1.0), abs=0.01)  # still a yellow
    # one step (1 % lightness) lighter would not be readable
    lighter = to_hex(colorsys.hls_to_rgb(hue, lightness + 0.01, saturation))
    assert contrast_ratio(lighter) < 4.5


@pytest.mark.parametrize("colour", ["#0173b2", "#000000", "#767676", "#8b0000"])
def test_readable_colours_are_left_as_they_are(colour):
    assert contrast_ratio(colour) >= 4.5
    assert readable_colour(colour) == colour


def test_readable_colour_reaches_a_higher_minimum_and_refuses_an_impossible_one():
    assert contrast_ratio(readable_colour("#767676", minimum=7)) >= 7  # WCAG AAA
    assert readable_colour("white", minimum=21) == "#000000"
    for minimum in (0.5, 21.5, True, "4.5"):
        with pytest.raises(ParameterError, match="minimum"):
            readable_colour("#777777", minimum=minimum)


@given(st.integers(0, 0xFFFFFF), st.floats(1, 21))
def test_readable_colour_always_reaches_the_minimum_and_only_darkens(rgb, minimum):
    colour = f"#{rgb:06x}"
    readable = readable_colour(colour, minimum)
    assert contrast_ratio(readable) >= minimum
    assert contrast_ratio(readable) >= contrast_ratio(colour)
    if contrast_ratio(colour) >= minimum:
        assert readable == colour


def test_a_light_colour_of_the_file_is_darkened_with_a_warning(tmp_path):
    path = write(tmp_path, "colours:\n  primary: '#ffff00'\n  secondary: '#0173b2'\n")
    with pytest.warns(UserWarning) as caught:
        theme = load_theme(path)
    assert len(caught) == 1  # the secondary is readable as it is
    message = str(caught[0].message)
    assert message.startswith(f"{path}: colours.primary: '#ffff00' has a contrast ratio of 1.1:1")
    assert theme.primary == readable_colour("#ffff00") and theme.primary in message
    assert contrast_ratio(theme.primary) >= 4.5
    assert theme.secondary == "#0173b2"
    assert caught[0].filename == __file__  # points at the caller of load_theme


def test_a_colour_just_below_4_5_is_not_reported_as_4_5(tmp_path):
    path = write(tmp_path, "colors: {secondary: '#777777'}\n")
    with pytest.warns(UserWarning, match=r"colors\.secondary: '#777777' .* of 4\.4:1") as caught:
        theme = load_theme(path)
    assert theme.secondary != "#777777" and contrast_ratio(theme.secondary) >= 4.5
    assert f"darkened to '{theme.secondary}'" in str(caught[0].message)


# --- palette ------------------------------------------------------------------------------


def test_the_palette_puts_the_teams_colours_first_and_repeats_none():
    theme = Theme(primary="#8b0000", secondary="#029e73")  # the secondary is PALETTE[2]
    colours = theme.palette()
    assert colours[:2] == ["#8b0000", "#029e73"]
    assert colours[2:] == [c for c in PALETTE if c != "#029e73"]
    assert len(colours) == len(set(colours)) == len(PALETTE) + 1
    assert Theme(primary="#000000", secondary="black").palette() == ["#000000", *PALETTE]


def test_the_palette_is_cut_or_cycled_to_n():
    theme = Theme(primary="#8b0000")
    assert theme.palette(2) == ["#8b0000", PALETTE[1]]
    assert theme.palette(0) == []
    colours = theme.palette()
    assert len(colours) == 11  # its primary, then the ten of PALETTE
    assert theme.palette(12) == [*colours, colours[0]]  # then again from the first
    for n in (-1, 2.5, True):
        with pytest.raises(ParameterError):
            theme.palette(n)


# --- CSS ----------------------------------------------------------------------------------


def declarations(css: str) -> dict[str, str]:
    """The custom properties of the one ``:root`` rule, refusing any other rule."""
    match = re.fullmatch(r"(?:@font-face\{[^{}]*\})?:root\{([^{}]*)\}", css)
    assert match, css
    pairs = [d.split(":", 1) for d in match.group(1).split(";")]
    return dict(pairs)


@pytest.mark.parametrize("family", HOSTILE_FAMILIES)
def test_a_hostile_family_name_cannot_leave_its_css_string(family, team):
    for theme in (
        Theme(font_family=family),
        Theme(font_family=family, font_file=team / "fonts/Team.ttf"),
    ):
        css = theme.css()
        assert "<" not in css and ">" not in css and "\\" not in css
        assert "</style" not in css.lower()
        values = declarations(css)  # one :root rule (and the font's), nothing else
        assert list(values) == [
            "--cx-primary",
            "--cx-secondary",
            "--cx-primary-text",
            "--cx-secondary-text",
            "--cx-font",
        ]
        # the family is one quoted string, followed by today's fonts
        quoted = re.match(r"'([^'\"]*)',system-ui,", values["--cx-font"])
        assert quoted and quoted.group(1).strip(), values["--cx-font"]
        assert not re.search(r"[;{}\n]", quoted.group(1))


def test_a_hostile_family_name_from_the_file_is_made_safe_too(tmp_path):
    path = write(tmp_path, "font: {family: 'x</style><script>alert(1)</script>'}\n")
    css = load_theme(path).css()
    assert "<" not in css and declarations(css)["--cx-font"].startswith("'x/stylescriptalert(1)")


def test_a_family_name_of_nothing_but_unsafe_characters_is_left_out():
    assert declarations(Theme(font_family="';{}<>").css())["--cx-font"].startswith("system-ui,")


def test_the_font_file_is_embedded_so_the_page_loads_nothing(team):
    font = team / "fonts" / "Team.ttf"
    css = Theme(font_family="Team Sans", font_file=font).css()
    face = re.match(r"@font-face\{([^{}]*)\}", css).group(1)
    assert "font-family:'Team Sans';" in face
    encoded = re.search(
        r'src:url\("data:font/ttf;base64,([A-Za-z0-9+/=]+)"\) format\("truetype"\)', face
    )
    assert base64.b64decode(encoded.group(1)) == font.read_bytes()
    assert declarations(css)["--cx-font"].startswith("'Team Sans',system-ui,")
    # without a family the face still has a name, and the pages use it
    css = Theme(font_file=font).css()
    assert "font-family:'cxbench theme font'" in css
    assert declarations(css)["--cx-font"].startswith("'cxbench theme font',")


@pytest.mark.parametrize(("flavor", "css_format"), [("woff", "woff"), ("woff2", "woff2")])
def test_a_woff_font_is_embedded_with_its_own_type(team, flavor, css_format):
    font = TTFont(team / "fonts" / "Team.ttf")
    font.flavor = flavor
    font.save(team / f"Team.{flavor}")
    theme = load_theme(write(team, f"font: {{file: Team.{flavor}}}\n"))
    assert f'url("data:font/{flavor};base64,' in theme.css()
    assert f'format("{css_format}")' in theme.css()


def test_text_colours_are_readable_even_when_the_colours_are_not():
    values = declarations(Theme(primary="#ffff00").css())  # built directly: not darkened
    assert values["--cx-primary"] == "#ffff00"
    assert contrast_ratio(values["--cx-primary-text"]) >= 4.5
    assert contrast_ratio(declarations(DEFAULT_THEME.css())["--cx-secondary-text"]) >= 4.5
    assert contrast_ratio(DEFAULT_THEME.secondary) < 4.5  # the orange of the charts


# --- logo --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mime"),
    [("logo.png", "image/png"), ("logo.jpg", "image/jpeg"), ("logo.svg", "image/svg+xml")],
)
def test_the_logo_becomes_a_data_uri_of_its_type(team, name, mime):
    theme = load_theme(write(team, f"logo: {name}\n"))
    head, encoded = theme.logo_data_uri().split(",", 1)
    assert head == f"data:{mime};base64"
    assert base64.b64decode(encoded) == (team / name).read_bytes()


def test_the_type_of_a_logo_comes_from_its_bytes_not_its_name(team):
    shutil.copy(team / "logo.png", team / "logo.jpeg")  # a PNG named .jpeg
    assert Theme(logo=team / "logo.jpeg").logo_data_uri().startswith("data:image/png;")


def test_a_logo_that_changed_since_loading_is_checked_again(team):
    theme = load_theme(write(team, "logo: logo.png\n"))
    (team / "logo.png").write_text("replaced by text")
    with pytest.raises(ParameterError, match=r"logo='.*logo\.png': is not a PNG, JPEG or SVG"):
        theme.logo_data_uri()


# --- charts --------------------------------------------------------------------------------


def test_chart_rc_registers_the_font_file_under_the_name_it_reports(team, fonts_restored):
    font = team / "fonts" / "Team.ttf"
    reported = TTFont(font)["name"].getDebugName(1)  # the family in the font's name table
    assert reported == "DejaVu Sans"
    rc = load_theme(write(team, "font: {file: fonts/Team.ttf}\n")).chart_rc()
    registered = [e for e in fonts_restored.ttflist if e.fname == str(font.resolve())]
    assert len(registered) == 1 and registered[0].name == reported
    assert rc["font.family"] == [reported]  # DejaVu Sans is the fallback already
    Theme(font_file=font).chart_rc()  # a second time: not registered twice
    assert sum(e.fname == str(font.resolve()) for e in fonts_restored.ttflist) == 1


def test_chart_rc_puts_the_theme_font_before_dejavu_sans(team, fonts_restored):
    shutil.copy(FONTS / "DejaVuSerif.ttf", team / "fonts" / "Serif.ttf")
    theme = Theme(primary="#8b0000", font_family="Team Serif", font_file=team / "fonts/Serif.ttf")
    rc = theme.chart_rc()
    assert rc["font.family"] == ["DejaVu Serif", "Team Serif", "DejaVu Sans"]
    assert rc["axes.prop_cycle"].by_key()["color"] == theme.palette()
    for key, value in CHART_RC.items():
        if key != "font.family":
            assert rc[key] == value
    with matplotlib.rc_context(rc):  # matplotlib accepts every setting
        assert matplotlib.rcParams["font.family"] == rc["font.family"]


def test_chart_rc_falls_back_with_a_warning_for_a_woff_font(team, fonts_restored):
    font = TTFont(team / "fonts" / "Team.ttf")
    font.flavor = "woff2"
    font.save(team / "Team.woff2")
    before = len(fonts_restored.ttflist)
    theme = Theme(font_family="Noto Sans", font_file=team / "Team.woff2")
    with pytest.warns(UserWarning, match="cannot read a WOFF2 font"):
        rc = theme.chart_rc()
    assert rc["font.family"] == ["Noto Sans", "DejaVu Sans"]
    assert len(fonts_restored.ttflist) == before
