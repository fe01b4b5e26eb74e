"""``cxbench init``: a project folder a research team can start its own benchmark from.

The folder holds everything ``cxbench report`` reads, each file saying what it is for::

    <project>/
      README.md                 what goes where, and the commands to run
      instrument.yaml           the questionnaire, a copy to edit
      data/README.md            the survey file's expected name and columns
      data/labels.yaml          the groups' names per language (a template)
      data/theme.yaml.template  the team's look (logo, colours, font), to fill in and
                                rename to theme.yaml
      data/commentary/<edition>/panel.yaml
                                the expert panel (a template)
      data/commentary/<edition>/<nn>-<theme>.yaml.template
                                one per theme of the benchmark report: the panel's
                                question and answers, to fill in and rename to .yaml

Nothing in it is survey data: as soon as the team drops its export in ``data/`` as
``benchmark_<edition>.<ext>``, ``cxbench report`` makes the report set (without expert
answers until a template is filled in and renamed, which the report then says once).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ParameterError
from .files import write_atomic
from .i18n import in_language
from .instrument import DEFAULT_INSTRUMENT, Instrument, available_instruments, load_instrument

__all__ = ["Scaffold", "init_project"]


@dataclass(frozen=True)
class Scaffold:
    """What :func:`init_project` made: the folder, its files, and the next commands."""

    root: Path
    edition: int
    files: tuple[Path, ...]
    commands: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"cxbench: a benchmark project in {self.root} ({len(self.files)} files)", "next:"]
        lines += [f"  {i}. {command}" for i, command in enumerate(self.commands, 1)]
        return "\n".join(lines)


def _instrument_text(instrument: str | Path) -> str:
    """The instrument's YAML as its author wrote it (comments kept), to copy."""
    name = str(instrument)
    if name in available_instruments():
        return resources.files("cxbench").joinpath("instruments", f"{name}.yaml").read_text("utf-8")
    return Path(name).read_text(encoding="utf-8")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _data_readme(inst: Instrument, edition: int, sector_column: str) -> str:
    items = "\n".join(
        f"| `{item.id}` | {dim.name('en')} | {item.label('en')}"
        f"{' (reverse-keyed)' if item.reverse else ''} |"
        for dim in inst.dimensions
        for item in dim.items
    )
    lo, hi = inst.scale.min, inst.scale.max
    return f"""# The survey data

Put each edition's survey export here as `benchmark_<edition>.<ext>`, e.g.
`benchmark_{edition}.csv`. cxbench reads CSV and other delimited text (any encoding),
XLSX, SPSS `.sav` and Parquet, as exported by Qualtrics, SurveyMonkey, Google Forms,
LimeSurvey or Typeform (`cxbench map <file> --instrument ../instrument.yaml` shows how
it reads yours).

One row per responding organisation, with these columns:

| column | what |
|---|---|
| `respondent_id` | the organisation's id, unique (or `--id-column`) |
| `{sector_column}` | its group in the sector reports (or `--by`) |
| `nps`, `success`, `language` | optional: 0–10 recommendation, success (yes/no), language |

and one column per statement of the instrument (its id, or a column the instrument
lists under `columns:`, or the statement's text), answered {lo}–{hi} or with the scale's
labels:

| column | dimension | statement |
|---|---|---|
{items}

Optional, beside each file: `benchmark_<edition>.meta.yaml` with a `note` on the data
(a text, or `{{en: ..., tr: ...}}`), which every table and report repeats.

`labels.yaml` names the groups in each report language; `commentary/<edition>/` holds
the expert panel's answers (see the templates there).
"""


def _labels_template(sector_column: str, languages: Sequence[str]) -> str:
    others = [lang for lang in languages if lang != "en"] or ["tr"]
    example = ", ".join(f"{lang}: ..." for lang in others)
    return f"""# The groups' names in each report language (cxbench.labels): a column of the
# data, its values exactly as the data hold them, and each value's name per language.
# A value or a language left out keeps the data's own name. `_label` names the
# column itself where cxbench does not know it. For example:
#
# {sector_column}:
#   _label: {{en: Sector, {example}}}
#   Finance: {{{example}}}
"""


def _panel_template(languages: Sequence[str]) -> str:
    def texts(text: str) -> str:
        return "{" + ", ".join(f"{lang}: {_quoted(text)}" for lang in languages) + "}"

    return f"""# The expert panel of this edition (cxbench.commentary): each expert's id (used by
# the entries), name, role and organisation in every report language. Replace the
# example below with the real panel before any entry is written.
experts:
  - id: expert_a
    name: {texts("Name of expert A")}
    role: {texts("role of expert A")}
    organisation: {texts("organisation of expert A")}
"""


def _theme_template(theme: str, title: str, languages: Sequence[str]) -> str:
    entries = "".join(
        f"""  - theme: {theme}
    expert: expert_a
    language: {lang}
    question: ""
    answer: ""
"""
        for lang in languages
    )
    return f"""# Commentary on "{title}" (theme `{theme}`): the panel's questions and answers, one
# entry per expert and language. Fill in question and answer, then rename this file to
# end in .yaml (an empty answer is refused, naming this file). Until then the report
# shows this section without expert answers.
entries:
{entries}"""


#: ``data/theme.yaml.template``: cxbench's own look, written out to be changed.
THEME_TEMPLATE = """\
# The research team's look on the pages, charts, PDFs and slides (cxbench report reads
# data/theme.yaml, or --theme FILE). Fill in, then rename this file to theme.yaml.
# Paths are relative to this file. Colours too light for text on white (below 4.5:1,
# WCAG 2.1) are darkened until they read, and the run says so.
organisation: ""              # your team's name: on the cover and in every footer
# logo: logo.png              # PNG, JPEG or SVG, at most 2 MiB
# colours:                    # the charts' first two colours, headings and links
#   primary: "#0173b2"        # quoted: YAML takes # for a comment
#   secondary: "#a26804"
# font:
#   file: fonts/MyFont.ttf    # TrueType/OpenType: pages, PDFs and charts
#   family: "Noto Sans"       # or a font installed where the reports are read
"""


def _theme_titles(inst: Instrument) -> dict[str, str]:
    """Each report theme's title in English, for the templates' comments."""
    from .narrative import section

    titles = {dim.theme.id: dim.theme.heading("en") for dim in inst.dimensions if dim.theme}
    out = {}
    for theme in inst.report_themes:
        if theme in titles:
            out[theme] = titles[theme]
            continue
        try:
            text = section(
                f"theme_{theme}",
                "en",
                instrument=inst,
                min_n=5,
                column="Sector",
                column_lower="sector",
            ).markdown
        except ParameterError:
            text = theme
        out[theme] = text.splitlines()[0].lstrip("# ")
    return out


def _project_readme(root: Path, inst: Instrument, edition: int, commands: Sequence[str]) -> str:
    steps = "\n".join(f"{i}. `{c}`" for i, c in enumerate(commands, 1))
    title = in_language(inst.title, "en")
    return f"""# {title}: benchmark project

Made by `cxbench init`. What is where:

- `instrument.yaml`: the questionnaire (dimensions, statements, scale, languages,
  report wording). Edit it to fit your survey; `cxbench instrument instrument.yaml`
  shows what cxbench reads.
- `data/`: the survey files, one per edition (`data/README.md` lists the columns),
  `labels.yaml` (group names per language) and `commentary/{edition}/` (the panel).
- `reports/`: where the report set goes.

Next steps, from this folder:

{steps}
"""


def init_project(
    folder: str | Path,
    *,
    instrument: str | Path = DEFAULT_INSTRUMENT,
    languages: Sequence[str] | None = None,
    edition: int | None = None,
    sector_column: str = "sector",
) -> Scaffold:
    """Make a benchmark project in ``folder`` (see the module notes).

    Parameters
    ----------
    folder : path
        A new or empty folder.
    instrument : str or path
        The instrument to start from: a bundled one's name or a YAML file; it is
        copied to ``instrument.yaml`` as written (comments kept).
    languages : sequence of str, optional
        The report languages of the templates; default the instrument's that cxbench
        reports in (:func:`cxbench.publish.plan.report_languages`).
    edition : int, optional
        The first edition's year; default this year.
    sector_column : str
        The column of the data that groups the sector reports.

    Raises
    ------
    ParameterError
        When ``folder`` is a file or a folder that is not empty (nothing is
        overwritten), or a language the instrument does not have.
    InstrumentError
        When the instrument does not load.

    Examples
    --------
    >>> import tempfile
    >>> made = init_project(Path(tempfile.mkdtemp()) / "team", languages=["en", "tr"],
    ...                     edition=2026)
    >>> [p.name for p in made.files if p.suffix == ".template"][:3]
    ['theme.yaml.template', '01-dimension_scores.yaml.template',
     '02-measuring_channels.yaml.template']
    >>> print(made.commands[-1])  # doctest: +ELLIPSIS
    cxbench report --data .../team/data --instrument .../team/instrument.yaml --out ...
    """
    from .publish.plan import report_languages

    root = Path(folder).resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        what = "is not a folder" if not root.is_dir() else "is not empty: nothing is overwritten"
        raise ParameterError("folder", str(root), what)
    inst = load_instrument(instrument)
    languages = report_languages(languages, inst)
    edition = edition if edition is not None else _dt.date.today().year
    data = root / "data"
    commentary = data / "commentary" / str(edition)
    commands = (
        f"put the survey export in {data / f'benchmark_{edition}.csv'} "
        f"(or .xlsx, .sav, .parquet; see {data / 'README.md'})",
        f"cxbench validate {data / f'benchmark_{edition}.csv'} "
        f"--instrument {root / 'instrument.yaml'}",
        f"cxbench report --data {data} --instrument {root / 'instrument.yaml'} "
        f"--out {root / 'reports'}",
    )
    texts: dict[Path, str] = {
        root / "README.md": _project_readme(root, inst, edition, commands),
        root / "instrument.yaml": _instrument_text(instrument),
        data / "README.md": _data_readme(inst, edition, sector_column),
        data / "labels.yaml": _labels_template(sector_column, languages),
        data / "theme.yaml.template": THEME_TEMPLATE,
        commentary / "panel.yaml": _panel_template(languages),
    }
    for number, (theme, title) in enumerate(_theme_titles(inst).items(), 1):
        path = commentary / f"{number:02d}-{theme}.yaml.template"
        texts[path] = _theme_template(theme, title, languages)
    (root / "reports").mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text, what="project file")
    return Scaffold(root, edition, tuple(texts), commands)
