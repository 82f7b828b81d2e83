"""PDF and Word input: the letter read from a document gives the same findings as its text.

Why the tests build their own documents
---------------------------------------
Real determination letters are PDFs and drafts are Word files, but committing
binary fixtures would hide what they contain.  So every document here is
generated inside the test from a text fixture (with fpdf2, a test dependency,
and python-docx): the five real seed letters laid out line for line as the
original PDF was (page breaks where the seed had them, a running footer with
the case number and ``Page N of M``), and our own letters typeset as a printer
would (paragraphs wrapped to the page width, header fields in two columns, a
running header on later pages, several pages).  Then the PDF, the DOCX and the
``.txt`` must give the same findings (category, item, rule), item for item,
and the same decisions, drugs and cited pages.

Broken inputs (a scanned image without a text layer, an encrypted PDF, a
truncated PDF, a damaged Word file) each give one clear line on stderr via the
CLI and never stop a batch.
"""

from __future__ import annotations

import functools
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import pytest

from checker.input.documents import extract
from checker.knowledge.guideline import default_guideline
from checker.model import FileResult
from checker.pipeline import read_letter
from checker.input.discover import InputRef, discover
from checker.input.source import InputError
from checker.rules.loader import load_ruleset
from tests.conftest import LETTERS, SEEDS, run_cli

if TYPE_CHECKING:
    from fpdf import FPDF

# --------------------------------------------------------------------------
# building documents from letter text
# --------------------------------------------------------------------------

FONT = "Helvetica"
FONT_SIZE = 10
LINE_HEIGHT = 12.5
MARGIN = 72  # one inch: the widest seed line (436 pt at 10 pt) fits in 468 pt
_CASE_NUMBER = re.compile(r"\b(?:CM|CB|EN)\d{2}-\d{4,8}\b")
_FIELD = re.compile(r"^[A-Z][A-Za-z()/' ]{1,40}:\s*\S")
_SPLIT_FIELDS = re.compile(r"\s{3,}")


@dataclass
class Block:
    """One thing to lay out: a row of cells, a paragraph to wrap, a gap or a page break."""

    kind: str  # row | para | gap | page
    cells: list[str] = field(default_factory=list)
    bold: bool = False


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 3 and not any(c.islower() for c in letters)


def seed_blocks(text: str) -> list[Block]:
    """The real lines of a seed (a PDF extraction): drop the blank artefact lines.

    A seed writes a blank line after every line, a paragraph break as a line
    holding one space, and a page break as a run of empty lines; the layout
    keeps the lines, the paragraph breaks and the original page breaks.
    """
    blocks: list[Block] = []
    empties = 0
    for line in text.split("\n"):
        if line == "":
            empties += 1
            continue
        if empties >= 2 and blocks and blocks[-1].kind == "row":
            blocks.append(Block("page"))
        empties = 0
        if not line.strip():
            blocks.append(Block("gap"))
        else:
            blocks.append(Block("row", [line.strip()], _is_heading(line)))
    return blocks


def letter_blocks(text: str) -> list[Block]:
    """A clean letter (one paragraph per line): paragraphs to wrap, header fields in two columns."""
    blocks: list[Block] = []
    for line in text.split("\n"):
        if not line.strip():
            if blocks and blocks[-1].kind != "gap":
                blocks.append(Block("gap"))
            continue
        cells = _SPLIT_FIELDS.split(line.strip())
        if len(cells) > 1 and all(_FIELD.match(c) for c in cells):
            blocks.append(Block("row", cells))
        elif _is_heading(line):
            blocks.append(Block("row", [line.strip()], bold=True))
        else:
            blocks.append(Block("para", [line.strip()]))
    return blocks


@functools.cache
def _letter_pdf_class() -> type[FPDF]:
    """fpdf2 is imported when the first PDF is built: a worker that builds none never spends the half second."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    class LetterPDF(FPDF):
        """A letter page: running header on later pages, footer with case number and page count."""

        def __init__(self, case_number: str | None, running_header: bool) -> None:
            super().__init__(unit="pt", format="letter")
            self.case_number = case_number
            self.running_header = running_header
            self.drawn: list[tuple[int, str]] = []  # (page, line) in drawing order: the ground truth
            self.set_margins(MARGIN, MARGIN, MARGIN)
            self.set_auto_page_break(True, margin=MARGIN)

        def header(self) -> None:
            if self.running_header and self.page_no() > 1 and self.case_number:
                self.set_font(FONT, size=8)
                self.set_y(36)
                running = f"Final Determination Letter for IMR Case Number {self.case_number}"
                self.cell(0, 10, running, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.drawn.append((self.page_no(), running))
                self.set_y(MARGIN)
            self.set_font(FONT, size=FONT_SIZE)

        def footer(self) -> None:
            self.set_font(FONT, size=8)
            self.set_y(-48)
            if self.case_number:
                # two cells on one baseline: the case number left, the page count right
                self.cell(self.epw / 2, 10, self.case_number)
                self.cell(self.epw / 2, 10, f"Page {self.page_no()} of {{nb}}", align="R")
                self.drawn.append((self.page_no(), f"{self.case_number} Page {self.page_no()} of {{nb}}"))
            else:
                self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")
                self.drawn.append((self.page_no(), f"Page {self.page_no()} of {{nb}}"))
            self.set_font(FONT, size=FONT_SIZE)

        def row(self, cells: list[str], bold: bool = False) -> None:
            if self.will_page_break(LINE_HEIGHT):
                self.add_page()
            self.set_font(FONT, "B" if bold else "", FONT_SIZE)
            width = self.epw / len(cells)
            for index, cell in enumerate(cells):
                last = index == len(cells) - 1
                self.cell(
                    width if not last else 0,
                    LINE_HEIGHT,
                    cell,
                    new_x=XPos.LMARGIN if last else XPos.RIGHT,
                    new_y=YPos.NEXT if last else YPos.TOP,
                )
            self.drawn.append((self.page_no(), " ".join(cells)))
            self.set_font(FONT, "", FONT_SIZE)

    return LetterPDF


def _letter_pdf(case_number: str | None, running_header: bool) -> FPDF:
    return _letter_pdf_class()(case_number, running_header)


def _plain_pdf() -> FPDF:
    from fpdf import FPDF

    return FPDF(unit="pt", format="letter")


def wrap_lines(pdf: FPDF, text: str) -> list[str]:
    """Greedy-wrap ``text`` to the text width in the current font, as a word processor would."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and pdf.get_string_width(candidate) > pdf.epw:
            lines.append(current)
            candidate = word
        current = candidate
    return [*lines, current] if current else lines


@dataclass
class BuiltPDF:
    data: bytes
    lines: list[tuple[int, str]]  # what was drawn, page by page, in drawing order
    pages: int


def build_pdf(blocks: list[Block], case_number: str | None = None, running_header: bool = False) -> BuiltPDF:
    """Typeset ``blocks`` on US Letter pages with Helvetica, as a letter printer would."""
    pdf = _letter_pdf(case_number, running_header)
    pdf.add_page()
    for block in blocks:
        if block.kind == "gap":
            pdf.ln(LINE_HEIGHT * 0.8)
        elif block.kind == "page":
            pdf.add_page()
        elif block.kind == "row":
            pdf.row(block.cells, block.bold)
        else:
            lines = wrap_lines(pdf, block.cells[0])
            for line in lines:
                pdf.row([line])
    data = bytes(pdf.output())
    total = pdf.page_no()
    lines = [(page, text.replace("{nb}", str(total))) for page, text in pdf.drawn]
    return BuiltPDF(data, lines, total)


def case_number_of(text: str) -> str | None:
    match = _CASE_NUMBER.search(text)
    return match.group() if match else None


def pdf_of_seed(text: str) -> BuiltPDF:
    return build_pdf(seed_blocks(text), case_number="CM13-0000000")


def pdf_of_letter(text: str) -> BuiltPDF:
    return build_pdf(letter_blocks(text), case_number=case_number_of(text), running_header=True)


def docx_of_blocks(blocks: list[Block], table_for_fields: bool = True) -> bytes:
    """A Word file: each row or paragraph one Word paragraph; header fields in a two-column table."""
    document = docx.Document()
    table = None
    for block in blocks:
        if block.kind == "page":
            continue  # Word has no fixed pages; a seed's page break is not a paragraph
        if block.kind == "row" and len(block.cells) > 1 and table_for_fields:
            if table is None:
                table = document.add_table(rows=0, cols=2)
            cells = table.add_row().cells
            for cell, text in zip(cells, block.cells):
                cell.paragraphs[0].add_run(text)
            continue
        table = None
        if block.kind == "gap":
            document.add_paragraph("")
        else:
            paragraph = document.add_paragraph()
            paragraph.add_run("    ".join(block.cells)).bold = block.bold
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_of_seed(text: str) -> bytes:
    return docx_of_blocks(seed_blocks(text))


def docx_of_letter(text: str) -> bytes:
    return docx_of_blocks(letter_blocks(text))


def docx_paragraphs(blocks: list[Block]) -> list[str]:
    """The paragraphs :func:`docx_of_blocks` writes, in order: what the reader must give back."""
    paragraphs: list[str] = []
    for block in blocks:
        if block.kind == "page":
            continue
        if block.kind == "row" and len(block.cells) > 1:
            paragraphs.extend(block.cells)
        elif block.kind == "gap":
            paragraphs.append("")
        else:
            paragraphs.append("    ".join(block.cells))
    return paragraphs


def scanned_pdf() -> bytes:
    """A letter page as a scanner makes it: one image, no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (850, 1100), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate((SEEDS / "000_a530ee4abe81adc8.txt").read_text().split("\n")[:80:2]):
        draw.text((60, 60 + 24 * row), line.strip(), fill=0)
    pdf = _plain_pdf()
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=pdf.w)
    return bytes(pdf.output())


def encrypted_pdf(user_password: str | None) -> bytes:
    """A seed letter locked with an owner password, and a user password unless None."""
    pdf = _letter_pdf(None, running_header=False)
    pdf.set_encryption(owner_password="owner-secret", user_password=user_password)
    pdf.add_page()
    for block in seed_blocks((SEEDS / "000_a530ee4abe81adc8.txt").read_text()):
        if block.kind == "row":
            pdf.row(block.cells, block.bold)
        elif block.kind == "page":
            pdf.add_page()
    return bytes(pdf.output())


# --------------------------------------------------------------------------
# reading them: the same letter, the same findings
# --------------------------------------------------------------------------

SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
#: Our letters chosen to cover all three layouts, two-column header rows (Format 1
#: and 2), running headers, three-page letters and up to four items.
LETTER_NAMES = [
    "f1_four_items_percocet_tizanidine_lidoderm_uds.txt",
    "f1_norco_overturned.txt",
    "f1_two_items_fentanyl_zolpidem_odg.txt",
    "f2_four_items_ultram_ambien_prilosec_lorazepam.txt",
    "f2_partial_overturn_flexeril_norco.txt",
    "f2_three_items_oxycontin_lyrica_tens.txt",
    "f3_klonopin_days_supply_refills.txt",
    "f3_physical_therapy_shoulder.txt",
]


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


def _check(path: Path, ruleset) -> FileResult:
    result = read_letter(InputRef(str(path)), ruleset).result
    assert result.error is None, result.error
    return result


def _findings(result: FileResult) -> list[tuple[str, int | None, str]]:
    return sorted((f.category, f.item, f.rule) for f in result.findings)


def _reading(result: FileResult) -> dict:
    """What the letter says, independent of line numbers."""
    letter = result.letter
    return {
        "format": letter.format,
        "patient": (letter.patient.age, letter.patient.sex, letter.patient.injury_date),
        "header": [(f.label, f.value) for f in letter.header],
        "items": [
            (
                item.index,
                item.decision,
                item.request.drug,
                item.request.quantity,
                item.pages("admin"),
                item.pages("reviewer"),
                item.pages("rationale"),
                item.conclusion.polarity if item.conclusion else None,
            )
            for item in letter.items
        ],
    }


def _source_path(name: str) -> Path:
    return (SEEDS if name in SEED_NAMES else LETTERS) / name


@functools.cache
def _build(name: str) -> tuple[BuiltPDF, bytes, list[str]]:
    """PDF, DOCX and the DOCX's paragraphs for a fixture letter, built once per session."""
    text = _source_path(name).read_text(encoding="utf-8")
    blocks = seed_blocks(text) if name in SEED_NAMES else letter_blocks(text)
    pdf = pdf_of_seed(text) if name in SEED_NAMES else pdf_of_letter(text)
    return pdf, docx_of_blocks(blocks), docx_paragraphs(blocks)


@functools.cache
def _extracted(name: str):
    """The fixture letter's generated PDF as the PDF reader extracts it (once per session; only read)."""
    return extract(_build(name)[0].data, "letter.pdf")


def _pages(built: BuiltPDF) -> list[list[str]]:
    pages: list[list[str]] = [[] for _ in range(built.pages)]
    for page, line in built.lines:
        pages[page - 1].append(" ".join(line.split()))
    return pages


@pytest.mark.parametrize("name", SEED_NAMES + LETTER_NAMES)
def test_pdf_and_docx_give_the_findings_of_the_text(name, ruleset, tmp_path):
    """Category, item and rule of every finding, and what each item says, match the .txt."""
    built, docx_data, paragraphs = _build(name)
    (tmp_path / "letter.pdf").write_bytes(built.data)
    (tmp_path / "letter.docx").write_bytes(docx_data)
    text = _check(_source_path(name), ruleset)
    pdf = _check(tmp_path / "letter.pdf", ruleset)
    word = _check(tmp_path / "letter.docx", ruleset)
    assert (pdf.kind, word.kind, text.kind) == ("pdf", "docx", "text")
    assert _findings(pdf) == _findings(text)
    assert _findings(word) == _findings(text)
    assert _reading(pdf) == _reading(text)
    assert _reading(word) == _reading(text)
    assert text.letter.items and text.letter.format is not None
    # positions make sense: page and line on the page of the PDF, paragraph of the DOCX
    pages = _pages(built)
    assert len(pdf.page_starts) == built.pages and word.page_starts is None
    # every span of the text's findings has its counterpart to check below (none on a clean letter)
    assert len(_spans(pdf)) == len(_spans(word)) == len(_spans(text))
    pdf_source = _extracted(name)
    for span in _spans(pdf):
        page, line = pdf.page_of(span.line)
        assert pages[page - 1][line - 1] == pdf_source.line_text(span.line)
    for span in _spans(word):
        assert paragraphs[span.line - 1].strip(), "a finding on an empty paragraph"
        assert word.letter.normal.source.line_text(span.line) == paragraphs[span.line - 1]


def _spans(result: FileResult) -> list:
    return [span for f in result.findings for span in [f.span, *(e.span for e in f.evidence)] if span]


@pytest.mark.parametrize("name", SEED_NAMES + LETTER_NAMES)
def test_pdf_text_is_the_printed_lines_page_by_page(name):
    """Every printed line comes back whole and in reading order, two-column rows and footers included."""
    built, _, _ = _build(name)
    source = _extracted(name)
    assert source is not None and source.kind == "pdf"
    assert len(source.pages) == built.pages
    lines = source.text.split("\n")
    ends = [*source.pages[1:], len(lines)]
    got = [lines[start - 1 : end - 1] for start, end in zip(source.pages, ends)]
    assert got == _pages(built)


def test_multi_page_positions_are_page_and_line_on_the_page(ruleset, tmp_path):
    """A three-page letter: findings on pages 1 to 3 are reported on the page where they are printed."""
    name = "003_f03b8f82d3723e56.txt"
    built, _, _ = _build(name)
    path = tmp_path / "letter.pdf"
    path.write_bytes(built.data)
    result = _check(path, ruleset)
    assert built.pages == 3 and len(result.page_starts) == 3
    where = {f.rule: result.page_of(f.span.line) for f in result.findings}
    assert where["pronoun-contradicts-sex"] == (3, 1)  # the first line of page 3
    assert where["documented-finding-said-missing"][0] == 2
    pages = _pages(built)
    assert pages[2][0] == result.letter.normal.source.line_text(result.page_starts[2])


@pytest.mark.parametrize(
    ("name", "has_findings"),
    [("f2_soma_upheld.txt", False), ("000_a530ee4abe81adc8.txt", False), ("003_f03b8f82d3723e56.txt", True)],
)
def test_docx_lines_are_paragraphs(name, has_findings, ruleset, tmp_path):
    """Line N of a Word letter is its Nth paragraph (table cells' paragraphs included, in order).

    Seed 003 has findings (and evidence) on several paragraphs, so the positions are really checked.
    """
    text = _source_path(name).read_text(encoding="utf-8")
    blocks = letter_blocks(text) if name not in SEED_NAMES else seed_blocks(text)
    path = tmp_path / "letter.docx"
    path.write_bytes(docx_of_blocks(blocks))
    source = extract(path.read_bytes(), str(path))
    assert source.kind == "docx" and source.pages is None
    assert source.text.split("\n")[:-1] == docx_paragraphs(blocks)
    result = _check(path, ruleset)
    assert bool(result.findings) is has_findings
    for span in _spans(result):
        assert source.line_text(span.line) == docx_paragraphs(blocks)[span.line - 1]


def test_two_column_header_rows_stay_one_line_in_pdf_and_become_cells_in_docx(tmp_path):
    text = (LETTERS / "f2_soma_upheld.txt").read_text(encoding="utf-8")
    pdf = extract(pdf_of_letter(text).data, "letter.pdf")
    assert "IMR Case Number: CM13-0023418 Date of Injury: 01/22/2010" in pdf.text.split("\n")
    word = extract(docx_of_letter(text), "letter.docx").text.split("\n")
    index = word.index("IMR Case Number: CM13-0023418")
    assert word[index + 1] == "Date of Injury: 01/22/2010"


def test_docx_reads_tracked_changes_content_controls_and_breaks():
    """A draft as a reviewer leaves it: insertions count, deletions do not, a soft break is a space."""
    from docx.oxml import parse_xml

    document = docx.Document()
    body = document.element.body
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body.insert(0, parse_xml(
        f'<w:p {w}><w:r><w:t xml:space="preserve">Soma 350 mg </w:t></w:r>'
        f'<w:del w:id="1" w:author="r"><w:r><w:delText>#90</w:delText></w:r></w:del>'
        f'<w:ins w:id="2" w:author="r"><w:r><w:t>#120</w:t></w:r></w:ins>'
        f'<w:r><w:t>:</w:t><w:tab/><w:t>Upheld</w:t></w:r></w:p>'
    ))
    body.insert(1, parse_xml(
        f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Priority: Standard</w:t><w:br/>'
        f'<w:t>Date of Injury: 01/22/2010</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    ))
    buffer = io.BytesIO()
    document.save(buffer)
    source = extract(buffer.getvalue(), "draft.docx")
    assert source.text.split("\n")[:2] == ["Soma 350 mg #120:\tUpheld", "Priority: Standard Date of Injury: 01/22/2010"]


# --------------------------------------------------------------------------
# dispatch by content
# --------------------------------------------------------------------------


def test_pdf_saved_as_txt_is_read_as_pdf(ruleset, tmp_path):
    name = "001_ed7318db5454d5ef.txt"
    path = tmp_path / "letter.txt"
    path.write_bytes(_build(name)[0].data)
    result = _check(path, ruleset)
    assert result.kind == "pdf" and len(result.page_starts) == 2
    assert _findings(result) == _findings(_check(SEEDS / name, ruleset))


def test_plain_text_is_left_to_the_text_reader():
    assert extract(b"CLINICAL CASE SUMMARY\nThe patient is a 45-year-old male.\n", "letter.pdf") is None
    assert extract(b"PK\x03\x04 is how a zip starts\n", "notes.txt") is None
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert extract(zipped.getvalue(), "sheet.xlsx") is None  # a zip, but not Word: "binary file" later
    with pytest.raises(InputError, match="^not a Word document"):
        extract(zipped.getvalue(), "renamed.docx")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x00\x01\x02garbage" * 50, "letter.pdf", "damaged PDF: no %PDF- header"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "draft.doc", "old binary Office file"),
        (b"%PDF-1.4\n" + b"\x00" * 200, "letter.pdf", "damaged PDF: truncated"),
    ],
    ids=["not-a-pdf", "old-doc", "header-only"],
)
def test_broken_inputs_give_one_line(data, name, message):
    with pytest.raises(InputError) as caught:
        extract(data, name)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_pdf_locked_only_against_editing_is_read(ruleset, tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf(user_password=None))
    result = _check(path, ruleset)
    assert result.kind == "pdf" and result.letter.items


def test_empty_page_keeps_page_numbers_right():
    """A blank page still has a line of its own, so later pages keep their numbers."""
    pdf = _plain_pdf()
    pdf.set_font(FONT, size=FONT_SIZE)
    for text in ("First page of the determination letter", "", "Third page of the determination letter"):
        pdf.add_page()
        pdf.cell(0, LINE_HEIGHT, text)
    source = extract(bytes(pdf.output()), "letter.pdf")
    assert source.pages == [1, 2, 3]
    assert source.text.split("\n") == [
        "First page of the determination letter", "", "Third page of the determination letter", ""
    ]


def test_directories_pick_up_pdf_and_docx(tmp_path):
    for name in ["b.txt", "a.pdf", "sub/c.docx", "D.PDF", "notes.md", "~$c.docx"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    refs = discover([str(tmp_path)], ("*.txt", "*.pdf", "*.docx"))
    assert [Path(r.path).relative_to(tmp_path).as_posix() for r in refs] == ["D.PDF", "a.pdf", "b.txt", "sub/c.docx"]


# --------------------------------------------------------------------------
# the command line: one clear line per broken document, the batch goes on
# --------------------------------------------------------------------------


def test_cli_reports_broken_documents_in_one_line_each_and_checks_the_rest(tmp_path):
    good_pdf = _build("f1_norco_overturned.txt")[0].data
    whole = _build("000_a530ee4abe81adc8.txt")[0].data
    docx_data = docx_of_letter((LETTERS / "f3_alprazolam.txt").read_text(encoding="utf-8"))
    files = {
        "a_scanned.pdf": (scanned_pdf(), "PDF has no text layer (scanned image?): run OCR first"),
        "b_encrypted.pdf": (encrypted_pdf(user_password="user-secret"), "encrypted PDF: remove the password first"),
        "c_truncated.pdf": (whole[: len(whole) // 2], "damaged PDF: truncated (no end-of-file marker)"),
        "d_broken.docx": (docx_data[: len(docx_data) // 2], "damaged Word file"),
        "e_good.pdf": (good_pdf, None),
    }
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
    proc = run_cli(["--format", "json", *files, str(SEEDS / "000_a530ee4abe81adc8.txt")], cwd=tmp_path)
    stderr = [line for line in proc.stderr_bytes.decode("utf-8").splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr_bytes.decode("utf-8")
    assert proc.exit_code == 2
    assert len(stderr) == 4, stderr
    for line, (name, (_, message)) in zip(stderr, [(n, v) for n, v in files.items() if v[1]]):
        assert name in line and message in line, line
    report = json.loads(proc.stdout_bytes.decode("utf-8"))
    by_path = {Path(f["path"]).name: f for f in report["files"]}
    assert by_path["e_good.pdf"]["error"] is None and by_path["e_good.pdf"]["letter"]["items"]
    assert by_path["000_a530ee4abe81adc8.txt"]["error"] is None
