"""What an officer types is neither lost nor misread: a ' #' in text, bullets pasted from Word,
a PEEL grade's typo, the response date `new` leaves open, and `new --published` refused as --url is."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from jtai_letters import build
from jtai_letters.checks import rules
from jtai_letters.letter.text import blocks_to_html, pasted
from jtai_letters.spec.load import parse_spec

from .helpers import pdf_text, run, spec_yaml

# Text copied from a bulleted list in Word, as Word puts it on the clipboard as plain text: the
# Symbol bullet and a tab at the first level, Courier's "o" and a tab at the second, Wingdings'
# square (a section sign in plain text) at the third; each paragraph ends with a bare line break.
WORD_LIST = (
    "Accepted. The force will:\n"
    "•\tTrain every call handler in the new risk tool\n"
    "o\tstarting with the night shifts\n"
    "•\tReview the missing persons policy\n"
    "The Deputy Chief Constable's board will oversee this."
)


def _answer(text: str) -> str:
    body = "".join(f"        {line}\n" if line else "\n" for line in text.split("\n"))
    return f"    - id: R1\n      response: |\n{body}"


def test_bullets_pasted_from_word_become_a_list_and_the_line_after_a_paragraph() -> None:
    assert pasted(WORD_LIST) == (
        "Accepted. The force will:\n"
        "- Train every call handler in the new risk tool\n"
        "  - starting with the night shifts\n"
        "- Review the missing persons policy\n"
        "\n"
        "The Deputy Chief Constable's board will oversee this."
    )
    html = blocks_to_html(pasted(WORD_LIST))
    assert html.startswith("<p>Accepted. The force will:</p>\n<ul>\n<li>Train every call handler")
    assert "<ul>\n<li>starting with the night shifts</li>\n</ul>" in html
    assert html.endswith("</ul>\n<p>The Deputy Chief Constable’s board will oversee this.</p>")


@pytest.mark.parametrize(
    "bullet",
    ["•\t", "• ", "▪\t", "▪ ", "–\t", "– ", "§\t", "\uf0b7\t", "\uf0a7\t", "◦ "],
    ids=[
        "bullet-tab",
        "bullet-space",
        "square-tab",
        "square-space",
        "dash-tab",
        "dash-space",
        "section-sign-tab",
        "symbol-font-bullet",
        "wingdings-square",
        "white-bullet",
    ],
)
def test_each_bullet_word_puts_on_the_clipboard_is_a_list_item(bullet: str) -> None:
    # Used alone, any level's bullet is the first level.
    assert pasted(f"We will:\n{bullet}train staff\n{bullet}review") == "We will:\n- train staff\n- review"


def test_words_that_look_like_bullets_stay_words() -> None:
    # Welsh 'o' (of, from) and a section sign followed by a space start real sentences.
    for text in ("o ganlyniad i’r adroddiad", "§ 55 of the Act applies", "–5°C on the night", "•no space"):
        assert pasted(text) == text


def test_a_word_list_prints_as_a_list_in_every_format(tmp_path: Path) -> None:
    spec = tmp_path / "pasted.yaml"
    spec.write_text(spec_yaml(answers=_answer(WORD_LIST)), encoding="utf-8")
    code, out, _ = run("validate", spec)
    assert (code, out) == (0, f"{spec}: valid\n")  # nothing to warn about: the structure is kept
    outputs = {p.suffix: p for p in build(spec, tmp_path / "out").outputs}
    text = pdf_text(outputs[".pdf"])
    assert "•\t" not in text and "Train every call handler in the new risk tool\n" in text
    styles = [(p.style.name, p.text) for p in docx.Document(str(outputs[".docx"])).paragraphs if p.text.strip()]
    start = styles.index(("Normal", "Accepted. The force will:"))
    assert styles[start : start + 5] == [
        ("Normal", "Accepted. The force will:"),
        ("List Bullet", "Train every call handler in the new risk tool"),
        ("List Bullet 2", "starting with the night shifts"),
        ("List Bullet", "Review the missing persons policy"),
        ("Normal", "The Deputy Chief Constable’s board will oversee this."),
    ]


CUT = "      response: Accepted. A new deployment model (see action #2) starts in January.\n"


def test_a_hash_in_text_without_quotes_is_warned_about_and_quoting_keeps_it(tmp_path: Path) -> None:
    spec = tmp_path / "hash.yaml"
    spec.write_text(spec_yaml(answers="    - id: R1\n" + CUT), encoding="utf-8")
    code, out, _ = run("validate", spec)
    assert code == 0
    assert out.splitlines()[0] == (
        f"{spec}:22:62: warning: response.recommendations[0].response: the text stops before ' #': YAML reads the "
        "rest of the line ('#2) starts in January.') as a comment and leaves it out of the letter; to keep it, put "
        'the whole text in double quotes ("..."), or write `|` after the key and the text on the lines below it '
        "(a note for yourself goes on a line of its own)"
    )
    for kept in (
        '      response: "Accepted. A new deployment model (see action #2) starts in January."\n',
        "      response: |\n        Accepted. A new deployment model (see action #2) starts in January.\n",
        "      response: Accepted. A new deployment model (see action#2) starts in January.\n",
    ):
        spec.write_text(spec_yaml(answers="    - id: R1\n" + kept), encoding="utf-8")
        assert run("validate", spec)[:2] == (0, f"{spec}: valid\n")
        assert "starts in January" in parse_spec(spec.read_text(), spec).spec.response.recommendations[0].response


def test_a_comment_after_a_name_or_a_word_from_a_list_is_a_comment() -> None:
    text = spec_yaml().replace("  area: Loamshire", "  area: Loamshire   # as on the letterhead")
    text = text.replace("  kind: force-specific", "  kind: force-specific   # the framework")
    assert rules.check(parse_spec(text, Path("comments.yaml"))) == []


def _judged(kind: str, grade: str) -> str:
    return spec_yaml(report=f"  judgements:\n    - area: Investigating crime\n      grade: {grade}\n").replace(
        "  kind: force-specific", f"  kind: {kind}"
    )


def test_a_peel_grade_is_one_of_the_five_in_any_case(tmp_path: Path) -> None:
    spec = tmp_path / "peel.yaml"
    spec.write_text(_judged("peel", "adequte"))
    code, out, _ = run("validate", spec)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{spec}:20:14: report.judgements[0].grade: 'adequte' is not a PEEL grade: did you mean 'adequate'? "
        "the grades are outstanding, good, adequate, requires improvement and inadequate (in any case)"
    )
    spec.write_text(_judged("peel", "Requires  IMPROVEMENT"))
    assert run("validate", spec)[0] == 0
    spec.write_text(_judged("jtai", "Strong"))  # another framework's grade, as its report gives it
    assert run("validate", spec)[0] == 0


def test_new_published_is_refused_as_url_is() -> None:
    code, out, err = run("new", "--layout", "letter", "--published", "14/10/2025")
    assert (code, out) == (1, "")
    assert (
        err
        == "--published: report.published: expected a date like 2020-03-30 (year-month-day), got '14/10/2025'; did you mean 2025-10-14?\n"
    )


@pytest.mark.parametrize("name", ["word-sub-bullet-o-with-a-space", "word-sub-bullet-o-indented-with-spaces"])
def test_word_s_sub_bullet_o_retyped_with_spaces_is_a_sub_bullet(name: str) -> None:
    # The trial's officer typed Word's 'o' with spaces: at the margin it printed as a paragraph
    # splitting the list; indented, it was refused as a second paragraph of the bullet.
    path = Path(__file__).parent / "rules" / f"{name}.yaml"
    [comments] = parse_spec(path.read_text(), path).spec.response.chief_constable.comments  # type: ignore[union-attr]
    assert blocks_to_html(comments) == (
        "<p>We have already:</p>\n<ul>\n<li>recruited 12 new call handlers;<ul>\n<li>six of them are trained;</li>\n"
        "</ul>\n</li>\n<li>changed the rota (see action #2).</li>\n</ul>"
    )


def test_text_of_plain_paragraphs_is_judged_without_the_parser_as_the_parser_judges_it() -> None:
    # `block_problem` skips the Markdown parser for text whose lines all start with a letter (most
    # letter text), and so does the bilingual check comparing texts' shapes; for every text, of the
    # examples and made of the marks Markdown reads, both answer as the parser does.
    import random

    import yaml

    from jtai_letters.letter import text as letter_text

    from .helpers import SPECS

    def strings(value: object) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value] if isinstance(value, str) else []

    examples = [s for spec in SPECS for s in strings(yaml.safe_load(spec.read_text(encoding="utf-8")))]
    pieces = ["a", "Zw", "é", "ŵ", " ", "  ", "    ", "\t", "\n", "\n\n", "-", "- ", "*", "+ ", "#", "# ", ">",
              "1", "1. ", "2) ", "[x]: http://a", "[", "]", ":", "<div>", "<", "|", " | ", "---", "===", "```",
              "~~~", "_", "\r", "\r\n", "\u2028", "\x0c", "\x0b", "\u00a0", "\x00", "&amp;", "`x`"]  # fmt: skip
    made = ["".join(random.Random(seed).choices(pieces, k=seed % 9 + 1)) for seed in range(2000)]
    fast = 0
    for text in [*examples, *made]:
        for inline in (True, False):
            refused = letter_text.block_problem(text, inline=inline)
            said = (str(refused), refused.line) if refused is not None else None
            parsed = letter_text._parsed_problem(text, inline=inline)
            assert said == (None if parsed is None else (parsed[0], letter_text._line(text, parsed[1]))), (text, inline)
        fast += letter_text.paragraphs_only(text) is not None
        assert rules._shape(text) == rules._parsed_shape(text), text  # the shapes two languages' texts must share
    assert fast > len(examples) // 2  # the quick way is the common one
