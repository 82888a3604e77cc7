"""Welsh and bilingual letters: language as data, the catalogues, text in two languages, the layouts."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from babel.messages.pofile import read_po

from jtai_letters import build
from jtai_letters.errors import JtaiError
from jtai_letters.letter import folders
from jtai_letters.letter.catalogue import catalogue_path, compile_po, extract
from jtai_letters.letter.render import render
from jtai_letters.letter.templates import DEFAULT_TEMPLATES, long_date
from jtai_letters.pipeline.build import Options
from jtai_letters.spec.load import load_spec

from .helpers import ROOT, docx_paragraphs, english_in, pdf_text, run, templates_leaving_english, welsh_text

EXAMPLE = ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml"
PO = catalogue_path(DEFAULT_TEMPLATES, "cy", ".po")
MO = catalogue_path(DEFAULT_TEMPLATES, "cy", ".mo")
POT = DEFAULT_TEMPLATES / "locale" / "messages.pot"
PLURAL_FORMS = "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;"
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z]+\}")


def _po() -> list:  # type: ignore[type-arg]
    with open(PO, "rb") as f:
        return [m for m in read_po(f) if m.id]


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def _unsourced() -> list[str]:
    return [_key(m.id) for m in _po() if "unsourced" in m.auto_comments]


def variant(tmp_path: Path, text: str, **office: str) -> Path:
    """The bilingual example with office fields replaced, beside a copy of its profile."""
    (tmp_path / "profiles").mkdir(exist_ok=True)
    shutil.copy(ROOT / "profiles" / "tir-llechen.yaml", tmp_path / "profiles")
    (tmp_path / "responses").mkdir(exist_ok=True)
    for name, value in office.items():
        text = re.sub(rf"^  {name}: .*$", f"  {name}: {value}", text, flags=re.M)
        if f"  {name}: {value}" not in text:
            text = text.replace("office:\n", f"office:\n  {name}: {value}\n", 1)
    path = tmp_path / "responses" / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- the catalogue ---------------------------------------------------------------------------


def test_the_catalogue_holds_exactly_the_messages_the_layouts_and_labels_print(request: pytest.FixtureRequest) -> None:
    extracted = {_key(m.id): m.id for m in extract(DEFAULT_TEMPLATES) if m.id}
    translated = {_key(m.id): m.id for m in _po()}
    missing = sorted(set(extracted) - set(translated))
    stale = sorted(set(translated) - set(extracted))
    assert (missing, stale) == ([], [])
    assert extracted == translated  # plural forms too
    pot = io.BytesIO()
    from babel.messages.pofile import write_po

    write_po(pot, extract(DEFAULT_TEMPLATES), omit_header=True, sort_output=True, width=120)
    if request.config.getoption("--update-golden"):
        POT.write_bytes(pot.getvalue())
    assert POT.read_bytes() == pot.getvalue()


def test_the_compiled_catalogue_is_the_po_compiled(request: pytest.FixtureRequest) -> None:
    with open(PO, "rb") as f:
        compiled = compile_po(read_po(f, abort_invalid=True))
    if request.config.getoption("--update-golden"):
        MO.write_bytes(compiled)

    def entries(mo: bytes) -> dict[object, str]:  # the header names Babel's version: not compared
        return {k: v for k, v in gettext.GNUTranslations(io.BytesIO(mo))._catalog.items() if k != ""}  # type: ignore[attr-defined]

    assert entries(MO.read_bytes()) == entries(compiled)
    assert entries(compiled)["Recommendations"] == "Argymhellion"


def test_every_welsh_entry_names_its_source_or_is_left_in_english() -> None:
    text = PO.read_text(encoding="utf-8")
    assert f'"Plural-Forms: {PLURAL_FORMS}\\n"' in text
    for message in _po():
        sources = [c for c in message.auto_comments if c.startswith("source: ")]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "unsourced" in message.auto_comments:
            assert not sources and not any(strings), message.id
        else:
            assert sources and all(strings), message.id
            assert all(re.search(r"https?://", s) for s in sources), message.id
    # the words the issue names, from published Welsh
    words = {_key(m.id): m.string for m in _po()}
    assert words["Recommendations"] == "Argymhellion"
    assert words["Areas for improvement"] == "Meysydd i’w gwella"
    assert words["Page {page} of {pages}"] == "Tudalen {page} o {pages}"


def test_the_readme_lists_every_unsourced_entry(request: pytest.FixtureRequest) -> None:
    readme = ROOT / "docs" / "welsh.md"  # the README links to it
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- unsourced: generated -->\n", "<!-- /unsourced -->"
    listed = "".join(f"- `{message}`\n" for message in _unsourced())
    head, rest = text.split(start, 1)
    if request.config.getoption("--update-golden"):
        readme.write_text(head + start + listed + end + rest.split(end, 1)[1], encoding="utf-8")
    assert rest.split(end, 1)[0] == listed


# -- the Welsh page --------------------------------------------------------------------------


@pytest.mark.parametrize("bilingual", ["parts", "columns"])
def test_every_fixed_word_on_the_welsh_page_comes_from_the_catalogue(tmp_path: Path, bilingual: str) -> None:
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), bilingual=bilingual)
    html = render(load_spec(path)).html
    welsh, spans = welsh_text(html)
    assert "Argymhellion" in welsh and "Ffôn:" in welsh and "Statws" in welsh
    # a word Welsh writes as English does ("cc", by HMICFRS's Welsh letters) is Welsh here
    assert english_in(welsh) == []
    assert spans == []  # every entry has its Welsh: nothing is left marked English


def test_welsh_dates_read_as_welsh_usage_writes_them() -> None:
    assert long_date(dt.date(2020, 2, 4), "plain", "cy") == "4 Chwefror 2020"
    assert long_date(dt.date(2020, 2, 4), "ordinal", "cy") == "4 Chwefror 2020"  # cardinal in Welsh
    html = render(load_spec(EXAMPLE)).html
    assert "30 Hydref 2025" in html and "31 Ionawr 2026" in html and "30 October 2025" in html


def test_the_bilingual_example_follows_the_html_contract() -> None:
    letter = render(load_spec(EXAMPLE))
    root = lxml.html.document_fromstring(letter.html)
    assert root.get("lang") == "cy-GB"
    assert root.findtext("head/title").startswith("Ymateb Comisiynydd Heddlu a Throseddu i ‘Arolygiad")
    pairs = root.xpath("/html/body/div")
    assert pairs and all(p.get("class") == "language-columns" for p in pairs)
    for pair in pairs:
        assert [(c.get("class"), c.get("lang")) for c in pair] == [
            ("language-column", "cy-GB"),
            ("language-column", "en-GB"),
        ]
    assert [p[0][0].tag for p in pairs][:1] == ["header"]  # letterhead first
    assert "sign-off" in pairs[-1][0][0].get("class")
    assert letter.page_label == "Tudalen {page} o {pages} / Page {page} of {pages}"


@pytest.mark.parametrize(
    ("language", "bilingual", "first", "parts"),
    [
        ("cy-GB", "parts", "cy-GB", 0),
        ("cy-GB+en-GB", "parts", "cy-GB", 2),
        ("en-GB+cy-GB", "parts", "en-GB", 2),
        ("en-GB+cy-GB", "columns", "en-GB", 0),
    ],
)
def test_welsh_and_both_orders_render_in_every_format(
    tmp_path: Path, language: str, bilingual: str, first: str, parts: int
) -> None:
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), language=language, bilingual=bilingual)
    result = build(path, tmp_path / "out", Options(formats=("docx", "pdf", "html")))
    files = {p.suffix: p for p in result.outputs}
    html = files[".html"].read_text(encoding="utf-8")
    root = lxml.html.document_fromstring(html)
    assert root.get("lang") == first
    assert len(root.xpath('//div[@class="language-part"]')) == parts
    assert [d.get("lang") for d in root.xpath('//div[@class="language-part"]')] == (
        [first, "cy-GB" if first == "en-GB" else "en-GB"] if parts else []
    )
    pdf = pdf_text(files[".pdf"])
    docx = "\n".join(docx_paragraphs(files[".docx"]))
    for text in (pdf, docx):
        assert "Argymhellion" in text and "Yn gywir" in text
        assert ("Yours sincerely" in text) == ("+" in language)
    assert "Chwefror" not in pdf and "Hydref 2025" in pdf
    if language == "cy-GB":
        assert "Tudalen" in pdf or "Page" not in pdf  # one page: no footer; never the English label


# -- text in two languages ---------------------------------------------------------------------


def test_a_missing_translation_fails_validate_with_its_line(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "    cy: Byddaf yn cyhoeddi diweddariad ar y cynnydd ymhen chwe mis.\n", ""
    )
    path = variant(tmp_path, text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("  closing:")) + 1  # its mapping
    code, out, _ = run("validate", path)
    assert code == 1
    assert f"{path}:{line}:5: response.closing: no Welsh text: give it as cy: ... beside en:\n" in out


def test_a_plain_string_in_a_bilingual_letter_is_a_missing_translation(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "  sign_off:\n    name: Elin Tegwedd\n", "  sign_off:\n    name: Elin Tegwedd\n    area: Tir Llechen\n"
    )
    code, out, _ = run("validate", variant(tmp_path, text))
    assert code == 1
    assert "response.sign_off.area: a bilingual letter needs this text in both languages" in out


def test_welsh_text_in_an_english_letter_is_a_warning(tmp_path: Path) -> None:
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), language="en-GB")
    code, out, _ = run("validate", path)
    assert code == 0
    assert (
        "letter.yaml:16:9: warning: report.title.cy: Welsh text in a letter written in English: it is not printed"
        in out
    )
    assert "tir-llechen.yaml" not in out  # a profile serves letters in every language
    html = render(load_spec(path)).html
    assert "Argymhellion" not in html and "Rwy’n croesawu" not in html and 'lang="en-GB"' in html


def test_a_mapping_of_unknown_languages_is_a_located_schema_error(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("    - cy: Yr Ysgrifennydd Cartref\n", "    - fr: Le ministre\n")
    code, out, _ = run("validate", variant(tmp_path, text))
    assert code == 1
    assert re.search(
        r"letter\.yaml:\d+:11: response\.copies\[1\]\.fr: unknown language 'fr': give the text in each "
        r"language as \{en: \.\.\., cy: \.\.\.\}",
        out,
    )


def test_a_mistyped_language_is_named_with_the_likely_one(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("    cy: Byddaf yn cyhoeddi", "    cyy: Byddaf yn cyhoeddi")
    code, out, _ = run("validate", variant(tmp_path, text))
    assert code == 1
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("    cyy:"))
    assert f"letter.yaml:{line}:10: response.closing.cyy: unknown language 'cyy' (did you mean 'cy'?)" in out
    # The mistake is named once, not as a missing Welsh text besides.
    assert "no Welsh text" not in out


def test_a_wrong_office_language_is_one_error_not_a_guess_at_every_text(tmp_path: Path) -> None:
    code, out, _ = run("validate", variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), language="cy"))
    assert code == 1
    assert "office.language: expected 'en-GB', 'cy-GB', 'bilingual', 'cy-GB+en-GB' or 'en-GB+cy-GB', got 'cy'" in out
    assert "translation" not in out and "is not printed" not in out


def test_an_unknown_language_is_a_located_schema_error(tmp_path: Path) -> None:
    code, out, _ = run("validate", variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), language="fr-FR"))
    assert code == 1
    assert "office.language: expected 'en-GB', 'cy-GB', 'bilingual', 'cy-GB+en-GB' or 'en-GB+cy-GB', got 'fr-FR'" in out


# -- which language comes first ------------------------------------------------------------------

ENGLISH_FIRST_WARNING = (
    "English comes first in this Welsh and English letter (en-GB+cy-GB): under the "
    "Welsh Language Standards a Welsh version is not to be treated less favourably than the English, which "
    "their guidance reads as Welsh placed to be read first; write `language: bilingual` to put Welsh first, "
    "or set `english_first: true` if the office has decided English comes first"
)


def _profile_says(path: Path, **fields: str) -> None:
    profile = path.parent.parent / "profiles" / "tir-llechen.yaml"
    text = profile.read_text(encoding="utf-8")
    for name, value in fields.items():
        text, found = re.subn(rf"^{name}: .*$", f"{name}: {value}", text, flags=re.M)
        if not found:
            text += f"{name}: {value}\n"
    profile.write_text(text, encoding="utf-8")


def _first(path: Path) -> str:
    return str(lxml.html.document_fromstring(render(load_spec(path)).html).get("lang"))


@pytest.mark.parametrize(
    ("fields", "first", "order"),
    [
        ({"language": "bilingual"}, "cy-GB", "cy-GB+en-GB"),
        ({"language": "bilingual", "english_first": "true"}, "en-GB", "en-GB+cy-GB"),
        ({"language": "en-GB+cy-GB", "english_first": "true"}, "en-GB", "en-GB+cy-GB"),
        ({"language": "cy-GB+en-GB"}, "cy-GB", "cy-GB+en-GB"),
    ],
)
def test_bilingual_puts_welsh_first_and_english_first_only_where_the_office_says_so(
    tmp_path: Path, fields: dict[str, str], first: str, order: str
) -> None:
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    _profile_says(path, **fields)
    code, out, _ = run("validate", path)
    assert code == 0 and "language-order" not in out, out
    assert load_spec(path).spec.office.language == order
    assert _first(path) == first


def test_english_first_without_the_office_saying_so_is_a_warning_where_it_is_written(tmp_path: Path) -> None:
    # An existing profile that puts English first keeps its order, and is told about it.
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    _profile_says(path, language="en-GB+cy-GB")
    profile = path.parent.parent / "profiles" / "tir-llechen.yaml"
    line = next(
        i for i, t in enumerate(profile.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("language:")
    )
    code, out, _ = run("validate", path)
    assert code == 0
    assert f"{profile}:{line}:11: warning: language: {ENGLISH_FIRST_WARNING}\n" in out
    assert _first(path) == "en-GB"
    assert run("validate", "--strict", path)[0] == 1
    # ... and in the spec, where the spec says it.
    spec = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), language="en-GB+cy-GB")
    line = next(
        i for i, t in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1) if t == "  language: en-GB+cy-GB"
    )
    assert f"letter.yaml:{line}:13: warning: office.language: {ENGLISH_FIRST_WARNING}\n" in run("validate", spec)[1]


def test_english_first_beside_a_welsh_first_language_is_a_warning_that_it_does_nothing(tmp_path: Path) -> None:
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), language="cy-GB+en-GB", english_first="true")
    code, out, _ = run("validate", path)
    assert code == 0
    assert (
        "warning: office.english_first: english_first does nothing here: office.language (cy-GB+en-GB) puts "
        "Welsh first; write `language: bilingual` or `en-GB+cy-GB` for English first, or remove english_first\n" in out
    )
    assert _first(path) == "cy-GB"


def test_a_layout_sentence_left_in_english_is_a_warning_naming_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "  opening:\n",
        "  key_findings:\n    - text: {cy: Galwadau heb eu hasesu, en: Calls not assessed}\n  opening:\n",
    )
    folder = templates_leaving_english(
        tmp_path, monkeypatch, "On %(date)s the report was published with the following key findings:"
    )
    code, out, _ = run("validate", "--templates", folder, variant(tmp_path, text))
    assert code == 0
    assert "warning: response.findings_intro: the layout's sentence “On %(date)s the report was published" in out
    assert "write response.findings_intro to give your own words" in out


# -- an office's own catalogue -------------------------------------------------------------------


def _office_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, folder)
    return folder


def test_an_office_catalogue_given_as_po_alone_is_used(tmp_path: Path) -> None:
    folder = _office_templates(tmp_path)
    catalogue_path(folder, "cy", ".mo").unlink()
    po = catalogue_path(folder, "cy", ".po")
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Argymhellion"', 'msgstr "Argymhellion y llu"'))
    assert "Argymhellion y llu" in render(load_spec(EXAMPLE), folder).html


@pytest.mark.parametrize(
    ("suffix", "content", "expected"),
    [
        (".mo", b"not a catalogue", r"messages\.mo: the compiled catalogue is broken"),
        (".po", b'msgid "Grade"\nmsgstr "Gradd"\nmsgid "Area"\n', r"messages\.po:2: the catalogue is not valid"),
    ],
)
def test_a_broken_catalogue_is_a_located_error(tmp_path: Path, suffix: str, content: bytes, expected: str) -> None:
    folder = _office_templates(tmp_path)
    catalogue_path(folder, "cy", ".mo").unlink()
    catalogue_path(folder, "cy", suffix).write_bytes(content)
    with pytest.raises(JtaiError) as caught:
        render(load_spec(EXAMPLE), folder)
    assert re.search(expected, str(caught.value.problems[0]))


def test_a_catalogue_leading_outside_its_templates_folder_is_refused(tmp_path: Path) -> None:
    folder = _office_templates(tmp_path)
    mo = catalogue_path(folder, "cy", ".mo")
    outside = tmp_path / "elsewhere.mo"
    shutil.move(mo, outside)
    mo.symlink_to(outside)
    with pytest.raises(JtaiError) as caught:
        render(load_spec(EXAMPLE), folder)
    assert "refused to load the catalogue: it leads outside the templates folder" in str(caught.value.problems[0])


def test_an_untranslated_title_stays_plain_text_in_the_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _office_templates(tmp_path)
    monkeypatch.setattr(folders, "DEFAULT_TEMPLATES", folder)  # no catalogue behind it gives the words
    catalogue_path(folder, "cy", ".mo").unlink()
    po = catalogue_path(folder, "cy", ".po")
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Ymateb %(role)s i ‘%(title)s’"', 'msgstr ""'))
    root = lxml.html.document_fromstring(render(load_spec(EXAMPLE), folder).html)
    assert root.findtext("head/title") == (
        "Comisiynydd Heddlu a Throseddu’s response to ‘Arolygiad o ymateb Heddlu Tir Llechen i gam-drin domestig’"
    )
    [welsh_title] = root.xpath('//div[@lang="cy-GB"]/h1')
    assert [s.text for s in welsh_title.iter("span")] == ["’s response to ‘", "’"]


def test_an_office_catalogue_cannot_widen_a_value_into_a_huge_string(tmp_path: Path) -> None:
    folder = _office_templates(tmp_path)
    catalogue_path(folder, "cy", ".mo").unlink()
    po = catalogue_path(folder, "cy", ".po")
    po.write_text(
        po.read_text(encoding="utf-8").replace('"Darllenwch yr adroddiad: %(title)s"', '"%(title)999999999s"')
    )
    with pytest.raises(JtaiError) as caught:
        render(load_spec(EXAMPLE), folder)
    assert "refused the catalogue's words '%(title)999999999s': only %(name)s and %% may stand in them" in str(
        caught.value.problems[0]
    )


def test_columns_refuse_two_letters_of_different_shapes() -> None:
    from jtai_letters.letter.bilingual import combine

    page = '<!DOCTYPE html><html lang="{0}"><head><title>t</title></head><body><p>a</p>{1}</body></html>'
    welsh, english = page.format("cy-GB", "<h2>Un</h2><h2>Dau</h2>"), page.format("en-GB", "<h2>One</h2>")
    with pytest.raises(JtaiError) as caught:
        combine([("cy-GB", welsh), ("en-GB", english)], "columns", Path("x.yaml"))
    assert "do not have the same sections" in str(caught.value.problems[0])
    assert "(opening, h2, h2 / opening, h2)" in str(caught.value.problems[0])
    parts = lxml.html.document_fromstring(combine([("cy-GB", welsh), ("en-GB", english)], "parts", Path("x.yaml")))
    assert [d.get("lang") for d in parts.body] == ["cy-GB", "en-GB"]
    assert [h.text for h in parts.body[1].iter("h2")] == ["One"]


def test_ordinal_dates_asked_of_a_welsh_letter_are_a_warning(tmp_path: Path) -> None:
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), language="cy-GB", date_style="ordinal")
    code, out, _ = run("validate", path)
    assert code == 0
    assert "warning: office.date_style: Welsh dates are cardinal (‘30 Hydref 2025’)" in out
    code, out, _ = run("validate", variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), date_style="ordinal"))
    assert "office.date_style" not in out  # bilingual: the English text has its ordinals


# -- a Welsh-only letter names every word left in English ----------------------------------------------

WELSH_ONLY = Path(__file__).resolve().parent / "welsh" / "welsh-only.yaml"


def welsh_only(tmp_path: Path) -> Path:
    """The Welsh-only variant of the example (each text in Welsh alone), beside its profile."""
    (tmp_path / "profiles").mkdir(exist_ok=True)
    shutil.copy(ROOT / "profiles" / "tir-llechen.yaml", tmp_path / "profiles")
    (tmp_path / "responses").mkdir(exist_ok=True)
    return Path(shutil.copy(WELSH_ONLY, tmp_path / "responses" / "letter.yaml"))


def test_a_welsh_only_letter_names_each_word_left_in_english_and_strict_refuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = templates_leaving_english(tmp_path, monkeypatch, "Owner", "Action")
    path = welsh_only(tmp_path)
    code, out, _ = run("validate", "--templates", folder, path)
    assert code == 0
    line = next(
        i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("  language:")
    )
    for word in ("Action", "Owner"):
        said = (
            f"letter.yaml:{line}:13: warning: office.language: the layout's word “{word}” has no Welsh translation "
            "in the catalogue and prints in English in a letter with no English in it; give its translation in "
            "the templates' locale/cy/LC_MESSAGES/messages.po"
        )
        assert said in out
    code, out, _ = run("validate", "--strict", "--templates", folder, path)
    assert code == 1
    assert f"letter.yaml:{line}:13: office.language: the layout's word “Action” has no Welsh translation" in out


def test_a_welsh_only_letter_with_our_catalogue_is_named_nothing(tmp_path: Path) -> None:
    code, out, _ = run("validate", "--strict", welsh_only(tmp_path))
    assert (code, out.endswith("letter.yaml: valid\n")) == (0, True)


# -- the Welsh Language Standards' statement on correspondence ------------------------------------------

STATEMENT = {"cy": "Rydym yn croesawu gohebiaeth yn Gymraeg.", "en": "We welcome correspondence in Welsh."}


def test_the_welsh_language_statement_is_in_the_letterhead_in_both_languages_in_every_format(tmp_path: Path) -> None:
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), bilingual="parts")
    files = {p.suffix: p for p in build(path, tmp_path / "out", Options(formats=("docx", "pdf", "html"))).outputs}
    root = lxml.html.document_fromstring(files[".html"].read_text(encoding="utf-8"))
    said = [
        (p.xpath("string(ancestor-or-self::*[@lang][1]/@lang)"), p.text_content().split(". ")[0] + ".")
        for p in root.xpath('//header[@class="letterhead"]/p[@class="welsh-language-statement"]')
    ]
    assert said == [("cy-GB", STATEMENT["cy"]), ("en-GB", STATEMENT["en"])]
    for text in (" ".join(pdf_text(files[".pdf"]).split()), "\n".join(docx_paragraphs(files[".docx"]))):
        assert STATEMENT["cy"] in text and STATEMENT["en"] in text


def test_an_office_turns_the_statement_off_or_gives_its_own_words(tmp_path: Path) -> None:
    example = EXAMPLE.read_text(encoding="utf-8")
    html = render(load_spec(variant(tmp_path, example, welsh_language_statement="false"))).html
    assert "welsh-language-statement" not in html
    own = "{cy: Croeso i chi ysgrifennu atom yn Gymraeg., en: You may write to us in Welsh.}"
    html = render(load_spec(variant(tmp_path, example, welsh_language_statement_text=own))).html
    assert "Croeso i chi ysgrifennu atom yn Gymraeg." in html and "You may write to us in Welsh." in html
    assert STATEMENT["cy"] not in html


def test_an_english_office_prints_no_statement_unless_it_asks() -> None:
    assert (
        "welsh-language-statement"
        not in render(load_spec(ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml")).html
    )


# -- done when: no word of the English catalogue in any Welsh part of any format ------------------------


def test_no_word_of_the_english_catalogue_in_a_welsh_only_letter_in_any_format(tmp_path: Path) -> None:
    files = {
        p.suffix: p
        for p in build(welsh_only(tmp_path), tmp_path / "out", Options(formats=("docx", "pdf", "html"))).outputs
    }
    html = lxml.html.document_fromstring(files[".html"].read_text(encoding="utf-8")).body.text_content()
    for text in (pdf_text(files[".pdf"]), "\n".join(docx_paragraphs(files[".docx"])), html):
        assert "Argymhelliad R1" in " ".join(text.split())
        assert english_in(text) == []


def test_no_word_of_the_english_catalogue_in_the_welsh_part_of_the_bilingual_example(tmp_path: Path) -> None:
    path = variant(tmp_path, EXAMPLE.read_text(encoding="utf-8"), bilingual="parts")
    files = {p.suffix: p for p in build(path, tmp_path / "out", Options(formats=("docx", "pdf", "html"))).outputs}
    english_starts = "Office of the Police and Crime Commissioner for Tir Llechen"
    pdf = pdf_text(files[".pdf"])
    docx = "\n".join(docx_paragraphs(files[".docx"]))
    for text in (pdf, docx):
        welsh, english = text.split(english_starts, 1)
        assert "Argymhelliad R1" in " ".join(welsh.split()) and "Recommendation R1" in " ".join(english.split())
        assert english_in(welsh) == []
    welsh_page, spans = welsh_text(files[".html"].read_text(encoding="utf-8"))
    assert spans == [] and english_in(welsh_page) == []


# -- parity: a bilingual letter's two texts of each field have the same shape -----------------------------

PARITY = Path(__file__).resolve().parent / "welsh-parity"
SHAPE = "the Welsh and English texts differ in shape: at part "
FIX = "; give both the same paragraphs, lists, tables and links"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "extra-paragraph.yaml",
            "response.opening: " + SHAPE + "2 the Welsh has a paragraph where the English has nothing more",
        ),
        (
            "list-for-a-paragraph.yaml",
            "response.opening: " + SHAPE + "1 the Welsh has a bulleted list where the English has a paragraph",
        ),
        (
            "link-target-differs.yaml",
            "response.recommendations[0].response: " + SHAPE + "2 the Welsh has a link to "
            "https://tirllechen-chth.example/cy/offeryn where the English has a link to https://tirllechen-chth.example/en/tool",
        ),
        (
            "link-missing.yaml",
            "response.recommendations[0].response: " + SHAPE + "2 the Welsh has nothing more where the English has a "
            "link to https://tirllechen-chth.example/tool",
        ),
    ],
)
def test_a_bilingual_spec_whose_languages_differ_in_shape_fails_validate_naming_the_first_difference(
    tmp_path: Path, name: str, said: str
) -> None:
    (tmp_path / "profiles").mkdir()
    shutil.copy(ROOT / "profiles" / "tir-llechen.yaml", tmp_path / "profiles")
    (tmp_path / "responses").mkdir()
    path = Path(shutil.copy(PARITY / name, tmp_path / "responses" / name))
    code, out, _ = run("validate", path)
    assert code == 1
    problems = [line for line in out.splitlines() if "differ in shape" in line]
    assert len(problems) == 1 and problems[0].endswith(said + FIX), out
