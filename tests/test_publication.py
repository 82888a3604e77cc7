"""Publication quality: accessible tagged PDFs, proper Word files, office profiles, archival letters."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import docx
import pikepdf
import pytest

from .helpers import ROOT, SPECS, body_paragraphs, docx_paragraphs, first_language, languages, pdf_text, run, squashed

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "minimal.yaml"
STEMS = [s.stem for s in SPECS]


# -- PDF accessibility (PDF/UA-1, WCAG 2.2 AA for published documents) ---------------------------


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The structure elements of a tagged PDF, in reading order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            walk(node.get("/K"))

    walk(pdf.Root.StructTreeRoot.get("/K"))
    return found


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_is_accessible(letters: dict[str, dict[str, Path]], stem: str) -> None:
    with pikepdf.open(letters[stem]["pdf"]) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == first_language(stem)
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo["/Title"]).strip()
        elements = structure(pdf)
        kinds = [str(e.S) for e in elements]
        headings = [int(k[2:]) for k in kinds if k[:2] == "/H" and k[2:].isdigit()]
        assert headings[0] == 1
        assert all(b <= a + 1 for a, b in pairwise(headings)), headings  # no skipped level
        for figure in (e for e in elements if str(e.S) == "/Figure"):
            assert str(figure.get("/Alt", "")).strip()
        tables = [e for e in elements if str(e.S) == "/Table"]
        for table in tables:
            heads = [k for k in structure_of(table) if str(k.S) == "/TH"]
            assert len(heads) in (2, 4)  # Action, Owner, Due, Status; or a judgements table's Area, Grade
        assert ("/L" in kinds) == any(True for _ in docx_list_paragraphs(letters[stem]["docx"]))


def structure_of(node: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *structure_of(kid)]
    return found


def docx_list_paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name.startswith("List")]


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_fonts_are_embedded_and_subset(letters: dict[str, dict[str, Path]], stem: str) -> None:
    table = subprocess.run(["pdffonts", str(letters[stem]["pdf"])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in table.splitlines()[2:]]
    assert rows
    for row in rows:
        assert row[-5:-3] == ["yes", "yes"], row  # emb, sub
        assert "+" in row[0]  # subset tag


# -- DOCX accessibility ----------------------------------------------------------------------------

HEADING_LEVELS = {"Title": 1, "Heading 1": 2, "Heading 2": 3, "Heading 3": 4}


@pytest.mark.parametrize("stem", STEMS)
def test_docx_is_accessible(letters: dict[str, dict[str, Path]], stem: str) -> None:
    document = docx.Document(str(letters[stem]["docx"]))
    props = document.core_properties
    assert props.title and props.author and props.language == first_language(stem)
    levels = [HEADING_LEVELS[p.style.name] for p in body_paragraphs(document) if p.style.name in HEADING_LEVELS]
    assert levels[0] == 1 and levels.count(1) == len(languages(stem))
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
    parts = [document.part, *(rel.target_part for rel in document.part.rels.values() if "header" in rel.reltype)]
    for part in parts:
        for alt in part._element.xpath(".//wp:docPr/@descr"):
            assert alt.strip()
        assert len(part._element.xpath(".//wp:docPr")) == len(part._element.xpath(".//wp:docPr[@descr!='']"))
    lang = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
    assert lang == [first_language(stem)]


def test_libreoffice_opens_every_docx_without_complaint(letters: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by scripts/setup"
    files = [str(letters[stem]["docx"]) for stem in STEMS]
    env = {**os.environ, "HOME": str(tmp_path)}  # a fresh LibreOffice profile
    proc = subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *files],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for stem in STEMS:
        text = subprocess.run(
            ["pdftotext", str(tmp_path / f"{stem}.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert squashed(docx_paragraphs(letters[stem]["docx"])[-1]) in squashed(text)


# -- office profiles ---------------------------------------------------------------------------------


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A spec folder with a profile beside it."""
    (tmp_path / "profiles").mkdir()
    shutil.copy(ROOT / "profiles" / "loamshire.yaml", tmp_path / "profiles" / "loamshire.yaml")
    for png in ("loamshire-logo.png", "loamshire-signature.png"):
        shutil.copy(ROOT / "profiles" / png, tmp_path / "profiles" / png)
    (tmp_path / "specs").mkdir()
    return tmp_path


def with_office(folder: Path, office_yaml: str) -> Path:
    text = MINIMAL.read_text()
    start, end = text.index("office:\n"), text.index("report:\n")
    spec = folder / "specs" / "spec.yaml"
    spec.write_text(text[:start] + office_yaml + text[end:])
    return spec


def test_a_profile_fills_the_office_and_the_spec_overrides_it(office: Path) -> None:
    spec = with_office(office, "office:\n  profile: ../profiles/loamshire.yaml\n  telephone: 01632 960 999\n")
    code, _, err = run("render", spec, "-o", office / "out")
    assert (code, err) == (0, "")
    header = docx_paragraphs(office / "out" / "spec.docx")
    assert header[1] == "Response from: Office of the Police and Crime Commissioner for Loamshire"
    assert "Telephone: 01632 960 999" in header[-1]


def test_a_profile_fault_is_located_in_the_profile(office: Path) -> None:
    profile = office / "profiles" / "loamshire.yaml"
    profile.write_text(profile.read_text().replace('brand_colour: "#1D4E89"', 'brand_colour: "#FFCC00"'))
    spec = with_office(office, "office:\n  profile: ../profiles/loamshire.yaml\n")
    code, out, _ = run("validate", spec)
    assert code == 1
    line = next(i for i, text in enumerate(profile.read_text().splitlines(), 1) if text.startswith("brand_colour"))
    assert out.splitlines()[0] == (
        f"{profile}:{line}:15: brand_colour: brand colour #FFCC00 has a contrast of 1.5:1 on white; WCAG AA needs 4.5:1"
    )


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        (
            "../profiles/nowhere.yaml",
            "no such profile: '../profiles/nowhere.yaml' (looked for nowhere.yaml in {profiles})",
        ),
        ("/etc/passwd", "must be a relative path to a .yaml file"),
        ("../profiles/loamshire-logo.png", "must be a relative path to a .yaml file"),
    ],
)
def test_a_bad_profile_reference_is_located_in_the_spec(office: Path, reference: str, message: str) -> None:
    spec = with_office(office, f"office:\n  profile: '{reference}'\n")
    _, out, _ = run("validate", spec)
    message = message.format(profiles=(office / "profiles").resolve())
    assert out.splitlines()[0] == f"{spec}:5:12: office.profile: {message}"


def test_profile_option_swaps_the_profile_for_a_batch(tmp_path: Path) -> None:
    code, _, _ = run(
        "batch", ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml", "-o", tmp_path,
        "--profile", ROOT / "profiles" / "borsetshire.yaml", "--jobs", "1",
    )  # fmt: skip
    assert code == 0
    paragraphs = docx_paragraphs(tmp_path / "loamshire-2025-domestic-abuse.docx")
    assert paragraphs[0] == "Office of the Police, Fire and Crime Commissioner for Borsetshire"
    assert "Dafydd Rhys-Ŵynne\nPolice, Fire and Crime Commissioner\nLoamshire" in paragraphs


def test_low_contrast_brand_colours_are_refused_in_a_spec_too(office: Path) -> None:
    spec = with_office(office, 'office:\n  profile: ../profiles/loamshire.yaml\n  brand_colour: "#AAAAAA"\n')
    _, out, _ = run("validate", spec)
    assert out.splitlines()[0] == (
        f"{spec}:6:17: office.brand_colour: brand colour #AAAAAA has a contrast of 2.3:1 on white; WCAG AA needs 4.5:1"
    )


# -- archival letters ------------------------------------------------------------------------------


def test_an_archival_letter_carries_its_spec_and_gives_it_back(tmp_path: Path) -> None:
    spec = ROOT / "responses" / "nottinghamshire-2020-csa-family.yaml"
    assert run("render", spec, "-o", tmp_path, "--archive", "--format", "pdf")[0] == 0
    pdf = tmp_path / "nottinghamshire-2020-csa-family.pdf"
    code, out, _ = run("extract-spec", pdf)
    assert (code, out) == (0, spec.read_text(encoding="utf-8"))
    with pikepdf.open(pdf) as archived:
        xmp = archived.Root.Metadata.read_bytes().decode()
        assert 'pdfaid:part="3" pdfaid:conformance="B"' in xmp
        assert archived.Root.MarkInfo.Marked is True  # still tagged
    first = pdf.read_bytes()
    assert run("render", spec, "-o", tmp_path, "--archive", "--format", "pdf")[0] == 0
    assert pdf.read_bytes() == first


def test_a_letter_without_an_archived_spec_says_so(letters: dict[str, dict[str, Path]]) -> None:
    pdf = letters[STEMS[0]]["pdf"]
    code, out, err = run("extract-spec", pdf)
    assert (code, out) == (2, "")
    assert err == f"error: {pdf}: carries no spec: was it made with --archive?\n"


def test_a_profile_signature_is_never_printed_above_another_name(office: Path) -> None:
    spec = with_office(office, "office:\n  profile: ../profiles/loamshire.yaml\n  commissioner: Tom Hale\n")
    text = spec.read_text().replace("  chief_constable:", "  sign_off: {closing: Yours sincerely}\n  chief_constable:")
    spec.write_text(text)
    assert run("render", spec, "-o", office / "out")[0] == 0
    document = docx.Document(str(office / "out" / "spec.docx"))
    assert len(document.inline_shapes) == 0  # the logo is in the header; no signature in the body
    assert "Tom Hale\nPolice and Crime Commissioner" in docx_paragraphs(office / "out" / "spec.docx")


def test_the_json_report_names_the_profile_a_fault_is_in(office: Path) -> None:
    profile = office / "profiles" / "loamshire.yaml"
    profile.write_text(profile.read_text().replace("telephone:", "telefone:"))
    spec = with_office(office, "office:\n  profile: ../profiles/loamshire.yaml\n")
    _, out, _ = run("validate", "--format", "json", spec)
    [report] = json.loads(out)
    [error] = report["errors"]
    assert (report["path"], error["file"], error["loc"]) == (str(spec), str(profile), "telefone")


@pytest.mark.parametrize("colour", ["#1D4E8", "navy", "1D4E89"])
def test_a_malformed_brand_colour_says_what_a_colour_looks_like(office: Path, colour: str) -> None:
    spec = with_office(office, f'office:\n  profile: ../profiles/loamshire.yaml\n  brand_colour: "{colour}"\n')
    _, out, _ = run("validate", spec)
    assert out.splitlines()[0] == f"{spec}:6:17: office.brand_colour: expected a colour like #1D4E89, got '{colour}'"


def test_extract_spec_refuses_a_file_that_is_not_a_pdf_in_one_line() -> None:
    code, out, err = run("extract-spec", ROOT / "README.md")
    assert (code, out, err) == (2, "", f"error: {ROOT / 'README.md'}: is not a PDF file\n")


def test_docx_typography_follows_the_pdf(letters: dict[str, dict[str, Path]]) -> None:
    document = docx.Document(str(letters["loamshire-2025-domestic-abuse"]["docx"]))
    for name in ("Title", "Heading 1", "Heading 2"):
        assert not document.styles[name].element.xpath("./w:rPr/w:rFonts/@w:asciiTheme")
        assert document.styles[name].font.name == "Arial"
    assert document.sections[0].footer._element.xpath(".//w:fldSimple/w:r/w:rPr/w:sz/@w:val") == ["20", "20"]
    body = document.element.body.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")
    kept = [p for p in body if p.xpath("./w:pPr/w:keepNext")]
    texts = ["".join(p.xpath(".//w:t/text()")) for p in kept]
    # The sign-off keeps the paragraph before it (lists and the report's words keep theirs too).
    closing = next(n for n, text in enumerate(texts) if text.startswith("I will publish progress"))
    assert texts[closing + 1] == "Yours sincerely"
    header_cells = document.tables[0].rows[0]._tr.xpath(".//w:tcPr/w:shd/@w:fill")
    assert header_cells == ["E8E8E8"] * 4


def test_an_archival_letter_with_a_profile_regenerates_from_the_pdf_alone(tmp_path: Path) -> None:
    spec = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"
    assert run("render", spec, "-o", tmp_path / "first", "--archive")[0] == 0
    code, out, _ = run("extract-spec", tmp_path / "first" / f"{spec.stem}.pdf", "--to", tmp_path / "unpacked")
    assert code == 0
    extracted = Path(out.strip())
    assert sorted(str(p.relative_to(tmp_path / "unpacked")) for p in (tmp_path / "unpacked").rglob("*.*")) == [
        "profiles/loamshire-logo.png",
        "profiles/loamshire-signature.png",
        "profiles/loamshire.yaml",
        f"responses/{spec.name}",
    ]
    assert run("render", extracted, "-o", tmp_path / "again", "--archive")[0] == 0
    first, again = tmp_path / "first" / spec.stem, tmp_path / "again" / spec.stem
    assert again.with_suffix(".docx").read_bytes() == first.with_suffix(".docx").read_bytes()
    # The PDF names its images after their file URLs, so only its text can match across folders.
    assert pdf_text(again.with_suffix(".pdf")) == pdf_text(first.with_suffix(".pdf"))


def test_extracting_refuses_names_that_leave_the_folder(tmp_path: Path) -> None:
    from weasyprint import HTML, Attachment

    pdf = tmp_path / "crafted.pdf"
    attachment = Attachment(string=b"schema_version: 1\n", name="../../escaped.yaml")
    HTML(string="<p>x</p>").write_pdf(pdf, attachments=[attachment])
    code, _, err = run("extract-spec", pdf, "--to", tmp_path / "out")
    assert code == 2
    assert err == f"error: {pdf}: refused to write '../../escaped.yaml': it would leave {tmp_path / 'out'}\n"
    assert not (tmp_path.parent / "escaped.yaml").exists()
