"""The printed report (cxbench.publish.pdf) and the slide deck, read back.

The first tests build the printed page from notebooks made here; the slow ones make
real reports in English, Turkish and Russian with ``--pdf --pptx`` and read the PDF
(pypdf: the text of every page) and the deck (python-pptx) as a reader's tools would.
"""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cxbench.captions import Caption
from cxbench.errors import ParameterError
from cxbench.i18n import translate
from cxbench.publish.html import export_html
from cxbench.publish.pdf import print_page, report_title, write_pdf

ROOT = Path(__file__).resolve().parents[1]


def _png() -> str:
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    Figure(figsize=(2, 1)).savefig(buffer, format="png", dpi=50)
    return base64.b64encode(buffer.getvalue()).decode()


def _chart(ident: str, caption: str) -> dict:
    meta = {"image/png": {"cxbench": Caption("figure", ident, caption).metadata()}}
    return new_output("display_data", {"image/png": _png()}, metadata=meta)


def _markdown(text: str, kind: str = "") -> dict:
    meta = {"text/markdown": {"cxbench": {"kind": kind}}} if kind else {}
    return new_output("display_data", {"text/markdown": text}, metadata=meta)


def _table(ident: str, caption: str) -> dict:
    from cxbench.tables import ReportTable

    table = ReportTable(("a", "b"), (("<x>", "1"),), (False, True), caption, ident)
    return new_output("display_data", {"text/html": table.to_html()})


def _notebook() -> nbformat.NotebookNode:
    """A report as the notebooks make it: a title, sections, tables, charts and their
    findings, a developer cell and the data note."""
    return new_notebook(
        cells=[
            new_markdown_cell("# Developer notes", metadata={"tags": ["remove-cell"]}),
            new_code_cell(outputs=[_markdown("# The &lt;report&gt;\n\nIntro.")]),
            new_code_cell(outputs=[_markdown("Data note: synthetic.", "data_note")]),
            new_code_cell(outputs=[_markdown("## Scores & more\n\nWhat they are.")]),
            new_code_cell(outputs=[_table("tab-scores", "Scores <b>")]),
            new_code_cell(outputs=[_chart("fig-scores", "Scores chart")]),
            new_code_cell(outputs=[_markdown("Measure leads. ([Figure](#fig-scores))", "finding")]),
            new_code_cell(outputs=[_markdown("### By sector")]),
            new_code_cell(outputs=[_chart("fig-sectors", "Sectors chart")]),
            new_code_cell(outputs=[_table("tab-sectors", "Sectors")]),
        ]
    )


def test_the_printed_page_has_a_cover_contents_and_the_report_in_order():
    page = print_page(
        _notebook(), title="Report <1>", language="en", edition=2023, subject="Report <1>"
    )
    cover, rest = page.split('<nav class="contents">')
    # the report's own title, and what it is on under it
    assert "<h1>The &lt;report&gt;</h1>" in cover and "Edition 2023" in cover
    assert '<p class="subject">Report &lt;1&gt;</p>' in cover
    assert "Data note: synthetic." in cover and "Data note" not in rest  # on the cover
    contents, body = rest.split("<main>")
    # every section, by an id that the body holds, the report's own title left out
    links = re.findall(r'<a href="#(section-\d+)">([^<]*)</a>', contents)
    assert [text for _, text in links] == ["Scores &amp; more", "By sector"]
    for ident, _ in links:
        assert f'id="{ident}"' in body
    assert "The &lt;report&gt;" not in body and "Intro." in body
    assert "Developer notes" not in page


def test_a_chart_is_kept_with_its_finding_and_a_heading_with_what_follows():
    body = print_page(_notebook(), title="R").split("<main>")[1]
    groups = re.findall(r'<div class="keep">(.*?)</div>(?=<|$)', body, re.S)
    with_finding = [g for g in groups if "fig-scores" in g]
    assert with_finding and "Measure leads." in with_finding[0]
    heading = next(g for g in groups if "By sector" in g)
    assert "fig-sectors" in heading  # the heading is not left alone at a page's foot


def test_figures_and_tables_are_numbered_alike_in_html_and_pdf(tmp_path):
    nb = _notebook()
    html = export_html(nb, tmp_path / "r.html", "ru", "R").read_text(encoding="utf-8")
    printed = print_page(nb, title="R", language="ru")
    pattern = r'data-kind="(?:figure|table)">([^<]*)</span> ([^<]*)<'
    numbered = re.findall(pattern, printed)
    assert numbered == re.findall(pattern, html)
    assert numbered == [
        ("Таблица 1 —", "Scores &lt;b&gt;"),
        ("Рисунок 1 —", "Scores chart"),
        ("Рисунок 2 —", "Sectors chart"),
        ("Таблица 2 —", "Sectors"),
    ]
    # the finding's reference names the figure's number, in the sentence's case
    assert '<a href="#fig-scores">рисунок 1</a>' in printed
    assert '<a href="#fig-scores">рисунок 1</a>' in html


@pytest.mark.parametrize(("paper", "size"), [("a4", "size:A4"), ("Letter", "size:letter")])
def test_paper_sizes(paper, size):
    assert size in print_page(_notebook(), title="R", paper=paper)


def test_an_unknown_paper_is_refused():
    with pytest.raises(ParameterError, match="paper"):
        print_page(_notebook(), title="R", paper="a5")


def test_a_scorecard_has_no_cover_page_and_no_contents():
    page = print_page(_notebook(), title="ORG-1", contents=False)
    assert '<nav class="contents">' not in page
    assert 'class="cover title-block"' in page and "@page:first" not in page


def test_a_failing_pdf_leaves_the_earlier_one(tmp_path, monkeypatch):
    from weasyprint import HTML

    pdf = tmp_path / "r.pdf"
    write_pdf(_notebook(), pdf, title="R")
    before = pdf.read_bytes()

    def broken(self, *args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(HTML, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        write_pdf(_notebook(), pdf, title="Other")
    assert pdf.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


# ------------------------------------------------------- real reports, read back


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The benchmark report and one sector report in three languages, with PDF and
    deck, on A4; and a participant's scorecard on Letter."""
    from cxbench.publish import Outputs, make_report_set

    out = tmp_path_factory.mktemp("printed")
    made = make_report_set(
        ROOT / "data",
        out=out,
        languages=["en", "tr", "ru"],
        sectors=["Finance"],
        pdf=Outputs(pdf=True, pptx=True),
        progress=False,
    )
    cards = make_report_set(
        ROOT / "data",
        out=out / "cards",
        scorecards=True,
        participants=["ORG-0001"],
        pdf=Outputs(pdf=True, paper="letter"),
        progress=False,
    )
    return made.results, cards.results


def _pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def _numbered(text: str, kind: str, language: str) -> list[str]:
    """The captions' numbers of ``kind`` in a text, in order ("Şekil 1.", …)."""
    word = translate(f"caption_{kind}", language, number=0).removesuffix("0").strip()
    label = translate("caption_label", language, label="X").replace("X", "")
    # a caption's number, not a finding's reference to it ("(Bkz. Şekil 1.)")
    return re.findall(re.escape(word) + r" \d+" + re.escape(label) + r"(?!\))", text)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "tr", "ru"])
@pytest.mark.parametrize("kind", ["benchmark", "sector"])
def test_the_pdf_reads_as_a_published_report(printed, language, kind):
    results, _ = printed
    result = next(r for r in results if r.job.language == language and r.job.kind == kind)
    assert result.status == "ok", result.error
    job = result.job
    pages = _pages(job.pdf)
    executed = nbformat.read(str(job.executed), as_version=4)
    page = print_page(executed, title=job.title, language=language, edition=2023)
    headings = [
        " ".join(re.sub(r"<[^>]+>", "", h).split())
        for h in re.findall(r"<h[23] id=\"section-\d+\">(.*?)</h[23]>", page)
    ]
    headings = [html.unescape(h) for h in headings]
    assert len(headings) >= 5
    # the cover: title and edition, no page number
    own = report_title(executed)  # the report's own title names it in print
    assert own and own in pages[0]
    if kind == "sector":  # with the sector it is on
        assert job.title in pages[0].replace(own, "")
    assert translate("print_edition", language, edition=2023) in pages[0]
    assert not re.search(r"\d+ (of|/|из) \d+$", pages[0])
    # the contents list every section with its page
    assert pages[1].startswith(translate("print_contents", language))
    for heading in headings:
        assert heading in pages[1], heading
    # every page after the cover is numbered "x of y" in the reader's language
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert text.endswith(translate("print_page", language, page=number, pages=total))
    # no page ends with a heading (the running header and footer set aside)
    footer = translate("print_page", language, page=0, pages=total).split("0")[0]
    for text in pages[2:]:
        body = text[: text.rfind(own)].strip()  # before the running header
        for heading in headings:
            assert not body.endswith(heading), (heading, body[-200:], footer)
    # figures and tables numbered as on the HTML page
    whole = " ".join(pages[2:])
    shown = job.html.read_text(encoding="utf-8")
    for item in ("figure", "table"):
        on_page = re.findall(rf'data-kind="{item}">([^<]*)</span>', shown)
        assert _numbered(whole, item, language) == [html.unescape(n) for n in on_page]
    assert _numbered(whole, "figure", language)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "tr", "ru"])
def test_the_deck_has_a_slide_per_chart_titled_by_its_finding(printed, language):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    results, _ = printed
    for result in (r for r in results if r.job.language == language):
        deck = Presentation(str(result.job.pptx))
        figures = result.job.html.read_text(encoding="utf-8").count(
            '<figure class="cxbench-figure"'
        )
        slides = list(deck.slides)
        assert len(slides) == 1 + figures
        executed = nbformat.read(str(result.job.executed), as_version=4)
        assert slides[0].shapes.title.text == report_title(executed)
        subtitle = slides[0].placeholders[1].text
        assert translate("print_edition", language, edition=2023) in subtitle
        if result.job.kind == "sector":  # the sector in focus, which the title does not say
            assert result.job.title in subtitle
        for slide in slides[1:]:
            pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
            assert len(pictures) == 1 and slide.shapes.title.text.strip()
            notes = slide.notes_slide.notes_text_frame.text
            assert "SYNTHETIC" in notes or "SENTETİK" in notes or "СИНТЕТИЧЕСКИЕ" in notes
        if result.job.kind == "benchmark":  # its charts have findings: they are the titles
            titles = [s.shapes.title.text for s in slides[1:]]
            assert sum("%" in t and t.endswith((".", "…")) for t in titles) >= 4, titles
        else:  # the sector report's have none: their captions are
            captions = re.findall(
                r"<figcaption>.*?</span> ([^<]*)<", result.job.html.read_text("utf-8")
            )
            assert [s.shapes.title.text for s in slides[1:]] == [html.unescape(c) for c in captions]


@pytest.mark.slow
def test_a_scorecard_prints_on_one_to_three_letter_pages(printed):
    _, cards = printed
    (card,) = cards
    assert card.status == "ok", card.error
    from pypdf import PdfReader

    reader = PdfReader(card.job.pdf)
    assert 1 <= len(reader.pages) <= 3
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (612, 792)  # US Letter in points
    assert "ORG-0001" in reader.pages[0].extract_text()


# ------------------------------------------------------------ the team's theme


def _theme_folder(folder: Path, primary: str = "#7a1f5c") -> Path:
    """A theme file with a logo (a PNG made here), the team's colours (the secondary
    too light for text) and a font file (matplotlib's DejaVu Serif)."""
    import shutil

    import matplotlib
    from matplotlib.figure import Figure

    folder.mkdir(parents=True, exist_ok=True)
    Figure(figsize=(2, 0.6)).savefig(folder / "logo.png", dpi=50)
    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"
    shutil.copy(font, folder / "serif.ttf")
    (folder / "theme.yaml").write_text(
        'organisation: "CX Lab <Örnek>"\nlogo: logo.png\n'
        f'colours:\n  primary: "{primary}"\n  secondary: "#ffcc00"\n'
        "font:\n  file: serif.ttf\n",
        encoding="utf-8",
    )
    return folder / "theme.yaml"


@pytest.mark.slow
def test_a_team_theme_reaches_pages_charts_pdf_deck_and_index(tmp_path, capsys):
    from pptx import Presentation
    from pypdf import PdfReader

    from cxbench.cli import main

    theme = _theme_folder(tmp_path / "look")
    args = ["report", "--languages", "en", "--sectors", "Finance", "--no-progress"]
    plain, themed = tmp_path / "plain", tmp_path / "themed"
    assert main([*args, "--out", str(plain)]) == 0
    assert main([*args, "--out", str(themed), "--pdf", "--pptx", "--theme", str(theme)]) == 0
    said = capsys.readouterr().err
    # the colour too light for text is darkened, and the run says so once
    assert said.count("colours.secondary: '#ffcc00' has a contrast ratio of 1.5:1") == 1
    page = (themed / "2023" / "en" / "benchmark.html").read_text(encoding="utf-8")
    assert "--cx-primary:#7a1f5c" in page and "@font-face" in page
    index = (themed / "2023" / "index.html").read_text(encoding="utf-8")
    assert "CX Lab &lt;Örnek&gt;" in index and 'class="logo" src="data:image/png' in index
    # the charts are drawn in the team's colours: every picture differs from cxbench's
    pattern = r'src="data:image/png;base64,([^"]+)"'
    before = re.findall(pattern, (plain / "2023" / "en" / "benchmark.html").read_text("utf-8"))
    after = re.findall(pattern, page)
    assert len(before) == len(after) > 3 and not set(before) & set(after)
    # the PDF: the team's name in every footer after the cover, its font embedded
    reader = PdfReader(themed / "2023" / "en" / "benchmark.pdf")
    assert all("CX Lab <Örnek>" in p.extract_text() for p in reader.pages[1:])
    fonts = {
        str(font.get_object()["/BaseFont"])
        for p in reader.pages[:3]
        for font in (p["/Resources"].get("/Font") or {}).values()
    }
    assert any("cxbench-theme-font" in name for name in fonts), fonts
    # the deck: titles in the team's colour, its name in the footer, its logo
    deck = Presentation(str(themed / "2023" / "en" / "benchmark.pptx"))
    title = deck.slides[1].shapes.title.text_frame.paragraphs[0].runs[0]
    assert str(title.font.color.rgb).lower() == "7a1f5c"
    texts = [s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame]
    assert "CX Lab <Örnek>" in texts


def test_a_bad_theme_is_refused_before_anything_is_written(tmp_path, capsys):
    from cxbench.cli import main

    theme = _theme_folder(tmp_path / "look", primary="blue-ish")
    out = tmp_path / "out"
    code = main(["report", "--languages", "en", "--sectors", "Finance", "--out", str(out),
                 "--no-progress", "--theme", str(theme)])  # fmt: skip
    assert code == 2
    message = capsys.readouterr().err.strip().splitlines()
    assert len(message) == 1 and "colours.primary" in message[0] and "blue-ish" in message[0]
    assert not out.exists()


def test_a_table_longer_than_a_page_repeats_its_header_row(tmp_path):
    from pypdf import PdfReader

    from cxbench.tables import ReportTable

    rows = tuple((f"Statement {k}", str(k)) for k in range(150))
    table = ReportTable(("Statement header", "Score header"), rows, (False, True), "Long", "tab-l")
    nb = new_notebook(
        cells=[new_code_cell(outputs=[new_output("display_data", {"text/html": table.to_html()})])]
    )
    pages = PdfReader(write_pdf(nb, tmp_path / "long.pdf", title="R", contents=False)).pages
    texts = [page.extract_text() for page in pages]
    assert len(texts) >= 3  # the rows run over pages from the first, caption and all ...
    assert "Table 1: Long" in texts[0] and "Statement 0" in texts[0]
    assert all("Statement header" in text and "Score header" in text for text in texts)
    assert "Statement 149" in texts[-1]  # ... and none is lost


def test_slides_without_python_pptx_are_refused_before_anything_runs(tmp_path, monkeypatch):
    import importlib.util

    from cxbench.publish import Outputs, make_report_set

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pptx" else real(name, *a)
    )
    with pytest.raises(ParameterError, match=r"--pptx.*pip install \"cxbench\[pdf\]\""):
        make_report_set(ROOT / "data", out=tmp_path / "out", pdf=Outputs(pptx=True))
    assert not (tmp_path / "out").exists()


def test_the_pdf_is_tagged_titled_and_in_the_reader_s_language(tmp_path):
    from pypdf import PdfReader

    from cxbench.theme import Theme

    theme = Theme(organisation="CX Lab")
    pdf = write_pdf(_notebook(), tmp_path / "r.pdf", title="Rapor", language="tr", theme=theme)
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # PDF/UA: tagged
    assert root["/Lang"] == "tr"
    assert reader.metadata.title == "The <report>" and reader.metadata.author == "CX Lab"
