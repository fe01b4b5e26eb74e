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
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ._checks import DEFAULT_CONFIDENCE, DEFAULT_MIN_N, check_min_n
from .commentary import Commentary
from .comparison import GroupComparison
from .errors import ModelError, ParameterError
from .factors import FactorStructure
from .i18n import (
    check_language,
    column_label,
    format_minus,
    format_number,
    format_signed,
    in_language,
    translate,
)
from .instrument import Dimension, Instrument
from .loading import dataset_note
from .metrics import csat
from .scorecard import Scorecard

__all__ = [
    "RELIABILITY_BAR",
    "ReportSections",
    "ReportText",
    "commentary_note",
    "data_note",
    "escape_markdown",
    "expert_answers",
    "finding_change",
    "finding_dimensions",
    "finding_invariance",
    "finding_nps",
    "finding_paired",
    "finding_reliability",
    "finding_sector_differences",
    "finding_sector_gap",
    "finding_stages",
    "finding_statements",
    "finding_structure",
    "finding_success",
    "finding_weakest_statements",
    "findings",
    "instrument_fields",
    "method_note",
    "paragraph",
    "report_sections",
    "scorecard_stage",
    "section",
    "suppressed_note",
    "theme_section",
]

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
    #: what the text is to a published report: ``"finding"`` for :func:`findings`,
    #: which a slide deck takes as its chart's title (:mod:`cxbench.publish.slides`)
    kind: str = ""

    def _repr_markdown_(self) -> str | tuple[str, dict]:
        if self.kind:
            return self.markdown, {"cxbench": {"kind": self.kind}}
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown

    __str__ = __repr__


def section(
    key: str,
    language: str = "en",
    *,
    level: int = 2,
    instrument: Instrument | None = None,
    **fields: object,
) -> ReportText:
    """A section's heading (message ``<key>_title``) and paragraph (``<key>_body``).

    ``fields`` fill the messages' ``{placeholders}``; they are escaped, since they
    usually come from data. An ``instrument`` that words the section itself
    (``report:`` in its YAML, :data:`cxbench.instrument.REPORT_SECTIONS`) is used
    before the catalogue; its texts are escaped too.

    Examples
    --------
    >>> print(section("sector_overview", "en", confidence=95))  # doctest: +ELLIPSIS
    ## The survey at a glance
    <BLANKLINE>
    ...
    >>> from cxbench.instrument import load_instrument
    >>> print(section("theme_dimension_scores", "en", instrument=load_instrument()))
    ... # doctest: +ELLIPSIS
    ## The three dimension scores
    <BLANKLINE>
    How far the participants measure, manage and master digital CX...
    """
    language = check_language(language)
    if instrument is not None:
        fields = {**instrument_fields(instrument, language), **fields}
    # the instrument names a theme's section by the theme (dimension_scores), the
    # catalogue by its message (theme_dimension_scores)
    own = instrument.sections.get(key.removeprefix("theme_")) if instrument else None
    if own is None:
        safe = {name: escape_markdown(value) for name, value in fields.items()}
        title = translate(f"{key}_title", language, **safe)
        body = translate(f"{key}_body", language, **safe)
    else:
        title = _fill(own.heading(language), fields, f"report.{key}.title")
        body = _fill(in_language(own.body, language, ""), fields, f"report.{key}.body")
    return ReportText(f"{'#' * level} {title}\n\n{body}" if body else f"{'#' * level} {title}")


def instrument_fields(instrument: Instrument, language: str = "en") -> dict[str, object]:
    """What a section may say of the instrument, as ``{placeholders}``: its ``title``,
    the number of ``items`` and the ``dimensions`` by name, in ``language``.

    :func:`section` offers them to every text when it is given the instrument, so a
    report's wording fits any instrument.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> fields = instrument_fields(load_instrument(), "tr")
    >>> fields["items"], fields["dimensions"]
    (12, 'Ölçme, Yönetme ve Ustalaşma')
    """
    language = check_language(language)
    return {
        "title": in_language(instrument.title, language),
        "items": len(instrument.items),
        "dimensions": _join([dim.name(language) for dim in instrument.dimensions], language),
    }


def _fill(template: str, fields: Mapping[str, object], where: str) -> str:
    """An instrument's text with its ``{placeholders}`` filled, then escaped."""
    needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = needed - set(fields)
    if missing:
        raise ParameterError(where, template, f"unknown placeholder {{{sorted(missing)[0]}}}")
    return escape_markdown(template.format(**{name: str(fields[name]) for name in needed}))


def theme_section(dimension: Dimension, language: str = "en", *, level: int = 2) -> ReportText:
    """The heading and paragraph of a dimension's statements section: its theme's
    title and body as the instrument words them, else the dimension's label and
    "The k statements of …".

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> print(theme_section(load_instrument().dimensions[0], "tr"))
    ## Müşteri deneyimini tüm kanallarda eşit ölçmek
    <BLANKLINE>
    Ölçme boyutunun dört ifadesi, yanıt yanıt.
    >>> from cxbench.instrument import Dimension, Item
    >>> plain = Dimension("speed", {"en": "Speed"}, (Item("s1", "speed", {"en": "Fast."}),))
    >>> print(theme_section(plain))
    ## Speed
    <BLANKLINE>
    The 1 statements of Speed, answer by answer.
    """
    language = check_language(language)
    theme = dimension.theme
    assert theme is not None  # set by Dimension.__post_init__
    title = escape_markdown(theme.heading(language))
    body = in_language(theme.body, language, "")
    if body:
        body = escape_markdown(body)
    else:
        body = translate(
            "theme_dimension_body",
            language,
            count=format_number(len(dimension.items), language, 0),
            dimension=escape_markdown(dimension.name(language)),
        )
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
    """Say how many groups were too small to be named, if any; or, with ``min_n=1``,
    that anonymity is off.

    ``suppressed`` is the ``suppressed`` frame of a comparison (``groups``, ``n`` per
    dimension; the largest counts are reported), or the counts of
    :func:`cxbench.privacy.suppressed_counts`. Empty text when none was.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"dimension": ["measure"], "groups": [2], "n": [7]})
    >>> suppressed_note(frame, 5)  # doctest: +NORMALIZE_WHITESPACE
    2 groups (7 respondents) are not shown by name: those with fewer than 5
    participants and, where one of them could otherwise be worked out from the
    totals, the next smallest. Their answers are included in the benchmark figures.
    >>> suppressed_note({"groups": 1, "n": 6, "missing": 0}, 5)  # doctest: +ELLIPSIS
    1 groups (6 respondents) are not shown by name: ...
    >>> suppressed_note(frame.assign(groups=0), 1)  # doctest: +ELLIPSIS
    Anonymity is switched off for this report (min_n = 1): every group is shown ...
    """
    if check_min_n(min_n) == 1:  # anonymity switched off: the report says so
        return paragraph("anonymity_off_note", language)
    if isinstance(suppressed, Mapping):  # counts, as cxbench.privacy.suppressed_counts gives
        groups, n = int(suppressed.get("groups", 0)), int(suppressed.get("n", 0))
    else:
        groups = int(suppressed["groups"].max()) if len(suppressed) else 0
        n = int(suppressed["n"].max()) if len(suppressed) else 0
    if groups == 0:
        return ReportText("")
    return paragraph("sector_suppressed_note", language, groups=groups, n=n, min_n=min_n)


def method_note(
    data: pd.DataFrame,
    instrument: Instrument,
    language: str = "en",
    *,
    weighting: Any = None,
    column_names: Mapping[str, str] | None = None,
    left_out: int | None = None,
) -> ReportText:
    """The report's note on method, after its section (``section("method", ...)``: who
    the figures are of and the anonymity rule): the careless-response screening's
    count (:func:`cxbench.screening.screen` with its default rules; nothing is
    removed), and whether the figures are weighted.

    ``weighting`` (:class:`cxbench.weights.Weighting`) says to what the weighted scores
    shown with :func:`cxbench.tables.weighted_table` are weighted; without it, that the
    figures are unweighted. ``left_out``: the data were screened already
    (:func:`cxbench.screening.exclude_flagged`) and that many respondents were left
    out; the note says so instead of counting flags. ``column_names`` name the weighting
    columns in
    ``language`` (default: the catalogue's names). Mahalanobis distances are left out
    of the screening where the data cannot give them (too few complete answers).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> note = method_note(generate_benchmark(2023, n=120, seed=2), load_instrument())
    >>> "careless answering" in note.markdown, "unweighted" in note.markdown
    (True, True)
    """
    from .screening import default_screen

    language = check_language(language)
    parts = []
    screened = data.attrs.get("screening") if left_out is not None else None
    if screened is None:
        flags = default_screen(data, instrument)
        screened, flagged = flags.attrs["rules"], int(flags["flagged"].sum())
    mahalanobis = screened["mahalanobis"]
    unusual = (
        translate(
            "method_screening_mahalanobis",
            language,
            alpha=format_number(mahalanobis["alpha"], language, 3),
        )
        if mahalanobis
        else ""
    )
    rules = translate(
        "method_screening_rules",
        language,
        longstring=screened["longstring"]["max"],
        mahalanobis=unusual,
    )
    if left_out is not None:
        text = translate(
            "method_screening_left_out", language, rules=rules, flagged=left_out,
            n=len(data) + left_out,
        )  # fmt: skip
    else:
        text = translate("method_screening", language, rules=rules, flagged=flagged, n=len(data))
    parts.append(text)
    if weighting is None:
        parts.append(translate("method_unweighted", language))
    else:
        population = weighting.population
        names = [
            (column_names or {}).get(c) or column_label(c, language).lower()
            for c in population.columns
        ]
        how = translate(
            f"method_{population.method}",
            language,
            columns=_join(names, language),
            cells=len(population.cells),
        )
        parts.append(
            translate(
                "method_weighted", language, how=how, n=weighting.n,
                n_eff=format_number(weighting.n_eff, language, 0),
            )
        )  # fmt: skip
    # a slide deck puts it in its speaker notes (:mod:`cxbench.publish.slides`)
    return ReportText("\n\n".join(escape_markdown(part) for part in parts), "method")


def data_note(path: str | Path, language: str = "en") -> ReportText:
    """The data file's provenance note (e.g. that it is synthetic), if it has one, in
    ``language`` when the sidecar gives it per language (:func:`~cxbench.loading.dataset_note`)."""
    note = dataset_note(path, language)
    if not note:
        return ReportText("")
    # a printed report puts it on its cover (:mod:`cxbench.publish.pdf`)
    return ReportText(paragraph("sector_synthetic_note", language, note=note).markdown, "data_note")


def scorecard_stage(card: Scorecard, instrument: Instrument, language: str = "en") -> ReportText:
    """A participant's maturity stage (its name and place, e.g. 4 of 5) and the largest
    step to the next stage (:func:`cxbench.maturity.maturity_stages`); at the last stage,
    that it is the highest; without a stage, which dimensions have no score.

    Empty text when the instrument declares no stages. Names are escaped.

    Raises
    ------
    ParameterError
        When the scorecard's stage is not one of the instrument's.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> empty = pd.DataFrame()
    >>> card = Scorecard("r1", None, "benchmark", 310, 5, empty, empty, empty,
    ...                  "advanced", "leading", "master", 15.0)
    >>> print(scorecard_stage(card, load_instrument()))  # doctest: +NORMALIZE_WHITESPACE
    Your organisation is at stage 4 of 5: Advanced. To reach the next stage, Leading,
    the largest step is in Master: your score there needs to rise by 15.0 points.
    >>> print(scorecard_stage(card, load_instrument(), "ru"))  # doctest: +NORMALIZE_WHITESPACE
    Ваша организация находится на стадии 4 из 5: «Продвинутый уровень». Чтобы перейти
    на следующую стадию, «Лидерство», больше всего нужно подтянуть измерение
    «Мастерство»: ваш балл по нему должен вырасти на 15,0 балла.
    """
    language = check_language(language)
    stages = instrument.stages
    if not stages:
        return ReportText("")
    ids = [stage.id for stage in stages]
    if card.stage is None:
        frame = card.dimensions
        missing = frame.loc[frame["score"].isna(), "dimension"] if len(frame) else []
        names = [escape_markdown(instrument.dimension(d).name(language)) for d in missing]
        return ReportText(
            translate("scorecard_stage_none", language, dimensions=_join(names, language))
        )
    if card.stage not in ids:
        raise ParameterError("card.stage", card.stage, f"not a stage of {instrument.id}")
    position = ids.index(card.stage)
    parts = [
        translate(
            "scorecard_stage_current",
            language,
            position=format_number(position + 1, language, 0),
            count=format_number(len(stages), language, 0),
            stage=escape_markdown(stages[position].name(language)),
        )
    ]
    if card.next_stage is None:
        parts.append(translate("scorecard_stage_highest", language))
    else:
        fields = {
            "next": escape_markdown(stages[ids.index(card.next_stage)].name(language)),
            "points": format_number(card.stage_points, language, 1),
        }
        if card.stage_needs == "overall":
            parts.append(translate("scorecard_stage_next_overall", language, **fields))
        else:
            dimension = escape_markdown(instrument.dimension(card.stage_needs).name(language))
            parts.append(
                translate("scorecard_stage_next_dimension", language, dimension=dimension, **fields)
            )
    return ReportText(" ".join(parts))


# ------------------------------------------------------------------ findings


def _join(parts: list[str], language: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {translate('join_and', language)} " + parts[-1]


def _quote(text: str, language: str) -> str:
    return translate("quote", language, text=text.rstrip("."))


def _extremes(values: dict[str, float], language: str) -> tuple[list[str], list[str]]:
    """Keys with the highest and the lowest value as printed (ties share a place)."""
    shown = {key: format_number(value, language, 1) for key, value in values.items()}
    top = max(values.values())
    bottom = min(values.values())
    highest = [k for k in values if shown[k] == format_number(top, language, 1)]
    lowest = [k for k in values if shown[k] == format_number(bottom, language, 1)]
    return highest, lowest


def finding_dimensions(overall: pd.DataFrame, instrument: Instrument, language: str = "en") -> str:
    """Which dimension scores highest and which lowest.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> frame = pd.DataFrame({"dimension": ["measure", "manage", "master"],
    ...                       "mean": [70.02, 69.98, 65.0]})
    >>> finding_dimensions(frame, load_instrument())
    'The highest dimension score is 70.0 % (Measure and Manage), the lowest 65.0 % (Master).'
    >>> print(finding_dimensions(frame, load_instrument(), "ru"))  # doctest: +NORMALIZE_WHITESPACE
    Самый высокий балл по измерениям — 70,0 % (Измерение и Управление),
    самый низкий — 65,0 % (Мастерство).
    """
    language = check_language(language)
    values = dict(zip(overall["dimension"], overall["mean"], strict=True))
    highest, lowest = _extremes(values, language)
    top, bottom = max(values.values()), min(values.values())
    if set(highest) == set(values):
        return translate(
            "finding_dimensions_equal", language, top_score=format_number(top, language)
        )
    names = {d.id: d.name(language) for d in instrument.dimensions}
    return translate(
        "finding_dimensions",
        language,
        top=_join([names[d] for d in highest], language),
        top_score=format_number(top, language),
        bottom=_join([names[d] for d in lowest], language),
        bottom_score=format_number(bottom, language),
    )


def finding_statements(
    items: pd.DataFrame, instrument: Instrument, dimension: str, language: str = "en"
) -> str:
    """A dimension's weakest and strongest statement.

    ``items`` is :func:`cxbench.scoring.item_scores` (one group).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = pd.DataFrame({"item": inst.dimension("master").item_ids,
    ...                       "score": [72.0, 52.0, 70.0, 66.0]})
    >>> print(finding_statements(items, inst, "master"))  # doctest: +NORMALIZE_WHITESPACE
    In Master, the weakest statement is “Every piece of customer feedback is followed up
    within 48 hours” (52.0 %) and the strongest “We meet the relevant stakeholders
    regularly to discuss digital feedback” (72.0 %).
    """
    language = check_language(language)
    dim = instrument.dimension(dimension)
    scores = dict(zip(items["item"], items["score"], strict=True))
    values = {i: scores[i] for i in dim.item_ids if i in scores}
    highest, lowest = _extremes(values, language)
    return translate(
        "finding_weakest_in",
        language,
        dimension=dim.name(language),
        statement=_join(
            [_quote(instrument.item(i).label(language), language) for i in lowest], language
        ),
        score=format_number(values[lowest[0]], language),
        best=_join(
            [_quote(instrument.item(i).label(language), language) for i in highest], language
        ),
        best_score=format_number(values[highest[0]], language),
    )


def finding_weakest_statements(
    items: pd.DataFrame, instrument: Instrument, language: str = "en", *, k: int = 2
) -> str:
    """The ``k`` lowest-scoring statements of the whole instrument.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = pd.DataFrame({"item": inst.item_ids,
    ...                       "score": [62, 60, 78, 80, 72, 68, 71, 69, 72, 52, 70, 66.0]})
    >>> print(finding_weakest_statements(items, inst))  # doctest: +NORMALIZE_WHITESPACE
    The weakest statements are “Every piece of customer feedback is followed up within 48
    hours” (52.0 %) and “Measuring digital CX receives as much attention and budget as
    measuring offline CX” (60.0 %).
    """
    language = check_language(language)
    ranked = items[items["item"].isin(instrument.item_ids)].sort_values(
        ["score", "item"], kind="stable"
    )
    parts = [
        translate(
            "statement_score",
            language,
            statement=_quote(instrument.item(row.item).label(language), language),
            score=format_number(row.score, language),
        )
        for row in ranked.head(k).itertuples()
    ]
    return translate("finding_weakest", language, statements=_join(parts, language))


def finding_sector_gap(
    comparison: GroupComparison, instrument: Instrument, language: str = "en"
) -> str:
    """The largest distance between the best and the worst shown group on a dimension."""
    language = check_language(language)
    best = None
    for dim in instrument.dimension_ids:
        groups = comparison.groups[comparison.groups["dimension"] == dim]
        if len(groups) < 2:
            continue
        top = groups.loc[groups["mean"].idxmax()]
        bottom = groups.loc[groups["mean"].idxmin()]
        gap = top["mean"] - bottom["mean"]
        if best is None or gap > best[0] + 1e-9:
            best = (gap, dim, top, bottom)
    if best is None:
        return ""
    gap, dim, top, bottom = best
    return translate(
        "finding_gap",
        language,
        dimension=instrument.dimension(dim).name(language),
        top=escape_markdown(top["group"]),
        top_score=format_number(top["mean"], language),
        bottom=escape_markdown(bottom["group"]),
        bottom_score=format_number(bottom["mean"], language),
        gap=format_number(gap, language),
    )


def finding_sector_differences(
    comparison: GroupComparison, instrument: Instrument, language: str = "en", alpha: float = 0.05
) -> str:
    """On which dimensions the groups differ (Welch), and how many pairs do."""
    language = check_language(language)
    test = comparison.omnibus
    significant = test[test["welch_p"] < alpha]
    if significant.empty:
        return translate("finding_no_differences", language)
    worst = float(significant["welch_p"].max())
    p = (
        "< " + format_number(0.001, language, 3)
        if worst < 0.001
        else "≤ " + format_number(worst, language, 3)
    )
    pairs = int((comparison.posthoc["p_adj"] < alpha).sum())
    names = [instrument.dimension(d).name(language) for d in significant["dimension"]]
    return translate(
        "finding_differences",
        language,
        dimensions=_join(names, language),
        p=p,
        pairs=format_number(pairs, language, 0),
    )


def finding_change(
    change: pd.DataFrame,
    instrument: Instrument,
    previous: int,
    language: str = "en",
    alpha: float = 0.05,
) -> str:
    """How each dimension moved since the previous edition (``edition_difference``)."""
    language = check_language(language)
    parts = _changes(change[change["group"] == "all"], instrument, language, alpha)
    return translate("finding_change", language, previous=previous, changes=parts)


def _changes(rows: pd.DataFrame, instrument: Instrument, language: str, alpha: float) -> str:
    """Each dimension's signed change, said to be significant or not (``p_adj``)."""
    parts = []
    for row in rows.itertuples():
        key = "change_significant" if row.p_adj < alpha else "change_not_significant"
        parts.append(
            translate(
                key,
                language,
                dimension=instrument.dimension(row.dimension).name(language),
                diff=format_signed(row.diff, language),
            )
        )
    return ", ".join(parts)


def finding_success(
    data: pd.DataFrame,
    column: str = "success",
    *,
    language: str = "en",
    confidence: float = DEFAULT_CONFIDENCE,
    min_n: int = DEFAULT_MIN_N,
) -> str:
    """The share answering 4 or 5 on a 1–5 success question, with its Wilson CI
    (:func:`cxbench.metrics.csat`: the same top-2-box figure).

    Examples
    --------
    >>> frame = pd.DataFrame({"success": ["5", "4", "2", "4", None]})
    >>> finding_success(frame, min_n=4)  # doctest: +ELLIPSIS
    '75.0 % of the organisations say ... (95 % CI 30.1–95.4 %, n = 4).'
    """
    language = check_language(language)
    shown = csat(data, column, confidence=confidence, min_n=min_n)
    if shown.empty:
        raise ParameterError(
            "data", column, f"fewer than min_n={min_n} answers: the share is not shown"
        )
    row = shown.iloc[0]
    return translate(
        "finding_success",
        language,
        share=format_number(row["top_box"], language),
        level=format_number(confidence * 100, language, 0),
        low=format_number(row["ci_low"], language),
        high=format_number(row["ci_high"], language),
        n=format_number(row["n"], language, 0),
    )


def findings(*sentences: str) -> ReportText:
    """Finding sentences as one paragraph (empty ones left out).

    Examples
    --------
    >>> findings("One.", "", "Two.")
    One. Two.
    """
    return ReportText(" ".join(s for s in sentences if s), kind="finding")


@dataclass(frozen=True)
class ReportSections:
    """Which optional sections of the benchmark report the data can fill.

    ``sectors``: at least two groups of the sector column are shown (``min_n``);
    ``nps`` and ``success``: the column is there with at least ``min_n`` answers.
    """

    sectors: bool
    nps: bool
    success: bool


def report_sections(
    data: pd.DataFrame,
    comparison: GroupComparison,
    *,
    nps_column: str | None = "nps",
    success_column: str | None = "success",
    min_n: int = DEFAULT_MIN_N,
) -> ReportSections:
    """The optional sections the data hold what they need for (:class:`ReportSections`).

    Examples
    --------
    >>> from cxbench.comparison import compare_groups
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> data = generate_benchmark(2023, n=60)
    >>> result = compare_groups(data, load_instrument(), "sector", min_n=5, n_resamples=99)
    >>> report_sections(data.drop(columns="nps"), result)
    ReportSections(sectors=True, nps=False, success=True)
    """
    check_min_n(min_n)

    def answered(column: str | None) -> bool:
        if not column or column not in data.columns:
            return False
        values = pd.to_numeric(data[column], errors="coerce")
        return int(values.notna().sum()) >= min_n

    return ReportSections(
        sectors=len(comparison.complete_groups) >= 2,
        nps=answered(nps_column),
        success=answered(success_column),
    )


def commentary_note(commentary: Commentary, language: str = "en") -> ReportText:
    """What the reader should know about the commentary, said once: that there is
    none yet (a first edition), or the panel's note (e.g. that it is an example).

    Examples
    --------
    >>> print(commentary_note(Commentary(Path("."), {}, (), False, {})))
    This edition has no expert commentary yet: the report shows the figures and findings only.
    """
    language = check_language(language)
    if commentary.empty:
        return paragraph("commentary_none", language)
    if not commentary.note:
        return ReportText("")
    return paragraph(
        "commentary_example_note", language, note=in_language(commentary.note, language, "")
    )


def expert_answers(commentary: Commentary, theme: str, language: str = "en") -> ReportText:
    """A theme's questions and answers, each answer attributed to its expert.

    Everything from the commentary files is escaped: it shows as written.

    Examples
    --------
    >>> from cxbench.commentary import Entry, Expert
    >>> panel = {"a": Expert("a", {"en": "Panellist A"}, {"en": "CX consultant"},
    ...                      {"en": "a firm"})}
    >>> entry = Entry("future", "a", "en", "What next?", "More <b>loops</b>.", "x")
    >>> notes = Commentary(Path("."), panel, (entry,), True, {}, ("future",))
    >>> print(expert_answers(notes, "future"))
    **Question:** What next?
    <BLANKLINE>
    > More &lt;b&gt;loops&lt;/b&gt;.
    >
    > — *Panellist A, CX consultant, a firm*
    """
    language = check_language(language)
    label = translate("commentary_question", language)
    blocks = []
    for entry in commentary.for_theme(theme, language):
        who = commentary.experts[entry.expert].attribution(language)
        blocks.append(
            f"**{label}:** {escape_markdown(entry.question)}\n\n"
            f"> {escape_markdown(entry.answer)}\n>\n> — *{escape_markdown(who)}*"
        )
    return ReportText("\n\n".join(blocks))


#: The usual least reliability of a scale used to compare groups (Nunnally 1978).
RELIABILITY_BAR = 0.70


def finding_reliability(
    alpha: pd.DataFrame,
    omega: pd.DataFrame,
    instrument: Instrument,
    language: str = "en",
    bar: float = RELIABILITY_BAR,
) -> str:
    """Whether every dimension is measured reliably (alpha and omega at least ``bar``),
    or which are not; a dimension of one statement has no alpha, and is said to.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> alpha = pd.DataFrame({"dimension": ["measure", "manage", "master"],
    ...                       "alpha": [0.818, 0.805, 0.833]})
    >>> omega = pd.DataFrame({"dimension": ["measure", "manage", "master"],
    ...                       "omega": [0.819, 0.804, 0.835]})
    >>> print(finding_reliability(alpha, omega, load_instrument()))
    ... # doctest: +NORMALIZE_WHITESPACE
    Every dimension is measured reliably: Cronbach's alpha from 0.80 to 0.83 and omega
    from 0.80 to 0.84, none below 0.70.
    >>> print(finding_reliability(alpha.assign(alpha=[0.818, 0.64, 0.833]), omega,
    ...                           load_instrument(), "tr"))  # doctest: +NORMALIZE_WHITESPACE
    Güvenirlik şu boyutlarda 0,70 eşiğinin altında kalıyor: Yönetme (α 0,64, ω 0,80). Bu
    puanlar daha fazla gürültü taşıyor; aralarındaki farklar dikkatle okunmalı.
    """
    language = check_language(language)
    frame = alpha.merge(omega[["dimension", "omega"]], on="dimension", how="left")
    number = format_number
    single = frame[frame["alpha"].isna()]  # one statement: no internal consistency
    frame = frame[frame["alpha"].notna()]
    sentences = []
    low = frame[(frame["alpha"] < bar) | (frame["omega"] < bar)]
    if len(low):
        parts = [
            translate(
                "reliability_values",
                language,
                dimension=instrument.dimension(row.dimension).name(language),
                alpha=number(row.alpha, language, 2),
                omega=number(row.omega, language, 2),
            )
            for row in low.itertuples()
        ]
        sentences.append(
            translate(
                "finding_reliability_low",
                language,
                bar=number(bar, language, 2),
                dimensions=_join(parts, language),
            )
        )
    elif len(frame):
        sentences.append(
            translate(
                "finding_reliability_others" if len(single) else "finding_reliability",
                language,
                alpha_low=number(frame["alpha"].min(), language, 2),
                alpha_high=number(frame["alpha"].max(), language, 2),
                omega_low=number(frame["omega"].min(), language, 2),
                omega_high=number(frame["omega"].max(), language, 2),
                bar=number(bar, language, 2),
            )
        )
    if len(single):
        names = [instrument.dimension(d).name(language) for d in single["dimension"]]
        sentences.insert(
            0, translate("finding_reliability_single", language, dimensions=_join(names, language))
        )
    return " ".join(sentences)


def finding_structure(
    structure: FactorStructure | ModelError,
    language: str = "en",
    *,
    instrument: Instrument | None = None,
) -> str:
    """Whether the factor model fits (by the result's rule), with its fit indices and
    the range of the standardized loadings; or, given the :class:`~cxbench.errors.
    ModelError` that :func:`cxbench.factors.factor_structure` raised, why it could not
    be fitted, in ``language`` (the dimension or statement it names by its name in the
    ``instrument``, when given).

    Examples
    --------
    >>> from cxbench.factors import factor_structure
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> result = factor_structure(generate_benchmark(2023), load_instrument())
    >>> print(finding_structure(result, "ru"))  # doctest: +NORMALIZE_WHITESPACE
    Факторная модель согласуется с ответами 279 организаций, ответивших на все утверждения
    (CFI 0,994, RMSEA 0,023, SRMR 0,030; приемлемо при CFI от 0,90 и RMSEA до 0,08):
    каждое утверждение измеряет своё измерение, стандартизованные нагрузки — от 0,67 до
    0,81.
    >>> problem = ModelError("factor model", "3 complete cases for 12 items",
    ...                      code="few_cases", n=3, items=12)
    >>> print(finding_structure(problem, "tr"))  # doctest: +NORMALIZE_WHITESPACE
    Faktör modeli kurulamadı: tüm ifadeleri yanıtlayan kurum sayısı yalnızca 3; ifade
    sayısından (12) fazla değil.
    """
    language = check_language(language)
    if isinstance(structure, ModelError):
        return translate(
            "finding_structure_failed",
            language,
            reason=_model_problem(structure, language, instrument),
        )
    fit, number = structure.fit, format_number
    loadings = structure.loadings["std_loading"]
    return translate(
        "finding_structure" if structure.acceptable else "finding_structure_poor",
        language,
        n=number(structure.n, language, 0),
        cfi=number(fit["cfi"], language, 3),
        rmsea=number(fit["rmsea"], language, 3),
        srmr=number(fit["srmr"], language, 3),
        min_cfi=number(structure.rule.min_cfi, language, 2),
        max_rmsea=number(structure.rule.max_rmsea, language, 2),
        low=number(loadings.min(), language, 2),
        high=number(loadings.max(), language, 2),
    )


def _model_problem(problem: ModelError, language: str, instrument: Instrument | None) -> str:
    """Why a model could not be fitted, in the reader's language where the catalogue says
    it (else the error's own words), escaped."""
    fields: dict[str, object] = {}
    for key, value in problem.fields.items():
        if key == "dimension" and instrument is not None and value in instrument.dimension_ids:
            value = instrument.dimension(value).name(language)
        elif key == "item" and instrument is not None and value in instrument.item_ids:
            value = _quote(instrument.item(value).label(language), language)
        elif isinstance(value, int):
            value = format_number(value, language, 0)
        fields[key] = escape_markdown(value)
    try:
        return translate(f"model_problem_{problem.code}", language, **fields)
    except ParameterError:  # no such message, or it needs a field the error lacks
        return escape_markdown(problem.problem)


def finding_invariance(structure: FactorStructure, column: str, language: str = "en") -> str:
    """How far the questionnaire measures alike across the groups of ``column`` (its
    heading as the reader sees it): the highest invariance step that holds, and what
    it means for comparing the groups; or why it was not tested. Group names are
    escaped (they come from data).

    Examples
    --------
    >>> from cxbench.factors import factor_structure
    >>> from cxbench.instrument import load_instrument
    >>> from cxbench.synthetic import generate_benchmark
    >>> data = generate_benchmark(2023)
    >>> result = factor_structure(data, load_instrument(), by="language")
    >>> print(finding_invariance(result, "Questionnaire language"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Across the questionnaire language groups (en, ru, tr), the questionnaire measures
    alike up to scalar invariance (Chen 2007): the dimensions mean the same in every
    group, and their scores can be compared.
    >>> print(finding_invariance(factor_structure(data, load_instrument(), by="sector"),
    ...                          "Sektör", "tr"))  # doctest: +NORMALIZE_WHITESPACE
    Sektör grupları arasında anketin aynı biçimde ölçüp ölçmediği sınanmadı: bunun için her
    birinde en az 60 kurumun tüm ifadeleri yanıtladığı en az iki grup gerekiyor.
    """
    language = check_language(language)
    fields: dict[str, object] = {
        "column": escape_markdown(column),
        "column_lower": escape_markdown(column.lower() if language == "en" else column),
    }
    if structure.invariance is None:
        return translate(
            "finding_invariance_untested",
            language,
            min_cases=format_number(structure.min_cases, language, 0),
            **fields,
        )
    groups = ", ".join(escape_markdown(name) for name in structure.groups["group"])
    highest = structure.highest_step() or "none"
    return translate(
        f"finding_invariance_{highest}",
        language,
        groups=groups,
        rule=escape_markdown(structure.rule.source),
        **fields,
    )


def finding_stages(distribution: pd.DataFrame, instrument: Instrument, language: str = "en") -> str:
    """Where most organisations are, and the shares at the highest and lowest stages
    (the whole benchmark's row of :func:`cxbench.maturity.stage_distribution`).

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> inst = load_instrument()
    >>> frame = pd.DataFrame({"group": "all", "stage": [s.id for s in inst.stages],
    ...                       "n": [20, 43, 105, 98, 44],
    ...                       "share": [6.45, 13.87, 33.87, 31.61, 14.19], "total": 310})
    >>> print(finding_stages(frame, inst))  # doctest: +NORMALIZE_WHITESPACE
    The largest group of organisations is at the Established stage (33.9 %); 14.2 % have
    reached Leading, and 6.5 % are at Exploring.
    """
    language = check_language(language)
    shares = distribution.set_index("stage")["share"]
    stages = instrument.stages
    mode = max(stages, key=lambda s: (shares.get(s.id, 0.0), -stages.index(s)))
    return translate(
        "finding_stages",
        language,
        mode=escape_markdown(mode.name(language)),
        mode_share=format_number(shares.get(mode.id, 0.0), language, 1),
        top=escape_markdown(stages[-1].name(language)),
        top_share=format_number(shares.get(stages[-1].id, 0.0), language, 1),
        bottom=escape_markdown(stages[0].name(language)),
        bottom_share=format_number(shares.get(stages[0].id, 0.0), language, 1),
    )


def finding_paired(
    paired: pd.DataFrame, instrument: Instrument, language: str = "en", alpha: float = 0.05
) -> str:
    """The returning organisations' change per dimension (``trends.paired_change``)."""
    language = check_language(language)
    parts = _changes(paired, instrument, language, alpha)
    n = int(paired["n_pairs"].min()) if len(paired) else 0
    return translate("finding_paired", language, n=format_number(n, language, 0), changes=parts)


_NPS_FIELDS = (("nps", "nps"), ("low", "ci_low"), ("high", "ci_high"))


def finding_nps(
    overall: pd.DataFrame,
    correlations: pd.DataFrame,
    instrument: Instrument,
    language: str = "en",
    alpha: float = 0.05,
) -> str:
    """NPS with its interval, and which dimension it moves with most.

    Examples
    --------
    >>> from cxbench.instrument import load_instrument
    >>> overall = pd.DataFrame({"nps": [-11.0], "ci_low": [-19.46], "ci_high": [-2.48]})
    >>> corr = pd.DataFrame({"dimension": ["measure", "manage", "master"],
    ...                      "r": [0.41, 0.49, 0.50], "p": [1e-9, 1e-12, 1e-13]})
    >>> print(finding_nps(overall, corr, load_instrument()))  # doctest: +NORMALIZE_WHITESPACE
    NPS is −11.0 (95 % CI −19.5 to −2.5); it rises with every dimension, most with
    Master (ρ = 0.50).
    """
    language = check_language(language)
    row = overall.iloc[0]

    fields = {key: format_minus(row[column], language) for key, column in _NPS_FIELDS}
    if not ((correlations["r"] > 0) & (correlations["p"] < alpha)).all():
        return translate("finding_nps_mixed", language, **fields)
    best = correlations.loc[correlations["r"].idxmax()]
    return translate(
        "finding_nps",
        language,
        dimension=instrument.dimension(best["dimension"]).name(language),
        r=format_number(best["r"], language, 2),
        **fields,
    )
