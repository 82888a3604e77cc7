"""`jtai-letters draft`: every item of a saved report page or PDF, word for word, into a draft spec that
validates except for its TODOs, and that renders every recommendation exactly once answered.

The fixtures under tests/reports/ mirror the structures HMICFRS publishes (tests/reports/README.md);
tests/reports/expected.yaml holds what each one says, item by item.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from jtai_letters.report.draft import read_report
from jtai_letters.report.html import NotReadable
from jtai_letters.report.items import due_phrase, read_items
from jtai_letters.report.pdf import read_pdf

from .helpers import ROOT, run

REPORTS = Path(__file__).resolve().parent / "reports"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((REPORTS / "expected.yaml").read_text(encoding="utf-8"))
KINDS = ("causes_of_concern", "recommendations", "areas_for_improvement")


def _found(name: str) -> dict[str, Any]:
    doc = read_report(REPORTS / name)
    reading = read_items(doc.blocks, doc.published)
    found: dict[str, Any] = {}
    for key, items in zip(
        KINDS, (reading.causes_of_concern, reading.recommendations, reading.areas_for_improvement), strict=True
    ):
        found[key] = [
            {
                k: v
                for k, v in {
                    "id": i.id,
                    "text": i.text,
                    "due": i.due.value if i.due else None,
                    "area": i.area,
                    "addressed_to": i.addressed_to,
                    "recommendations": i.recommendations or None,
                }.items()
                if v is not None
            }
            for i in items
        ]
    found["judgements"] = [list(j) for j in reading.judgements]
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_item_is_read_word_for_word_and_nothing_else(name: str) -> None:
    assert _found(name) == EXPECTED[name]


def _drafted(tmp_path: Path, name: str) -> tuple[Path, str]:
    """The draft of fixture `name` saved as responses/draft.yaml beside a copy of the Loamshire profile."""
    (tmp_path / "responses").mkdir()
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    spec = tmp_path / "responses" / "draft.yaml"
    code, out, err = run("draft", REPORTS / name, "--profile", tmp_path / "profiles" / "loamshire.yaml", "-o", spec)
    assert (code, out) == (0, ""), err
    return spec, err


def _todo_fields(spec: Path) -> list[str]:
    code, out, _ = run("validate", "--format", "json", spec)
    assert code == 1
    (report,) = json.loads(out)
    assert report["warnings"] == []
    return [f"{e['loc']}: {e['rule']}" for e in report["errors"]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_lists_exactly_the_todos(tmp_path: Path, name: str) -> None:
    spec, _ = _drafted(tmp_path, name)
    text = spec.read_text(encoding="utf-8")
    tree = yaml.safe_load(text)
    answers = [f"response.{key}[{n}].response: placeholder" for key in KINDS for n in range(len(tree["report"][key]))]
    unknown = [
        f"report.{key}: schema"
        for key in ("kind", "published", "url", "force_inspected")
        if tree["report"][key] == "TODO"
    ]
    assert _todo_fields(spec) == sorted(
        [
            *unknown,
            "response.date: schema",  # "expected a date like 2020-03-30, got 'TODO'"
            "response.opening[0]: placeholder",
            *answers,
            "response.chief_constable.comments[0]: placeholder",
            "response.chief_constable.reply[0]: placeholder",
        ],
        key=lambda f: _line_of(text, f),
    )
    assert len(re.findall(r"^[^#\n]*TODO", text, re.M)) == len(_todo_fields(spec))  # each TODO, once


def _line_of(text: str, field: str) -> int:
    """Where a TODO of `field` is in the draft (the order validate lists them in)."""
    path = field.split(":")[0]
    key = path.split(".")[1].split("[")[0]
    lines = text.splitlines()
    section = next(i for i, line in enumerate(lines) if line == f"{path.split('.')[0]}:")
    at = next(i for i in range(section, len(lines)) if lines[i].strip().startswith(f"{key}:"))
    index = int(m.group(1)) if (m := re.search(r"\[(\d+)\]", path)) else 0
    todos = [i for i in range(at, len(lines)) if "TODO" in lines[i]]
    return todos[index]


def test_the_draft_of_a_peel_page_reads_as_an_officer_expects(tmp_path: Path) -> None:
    spec, err = _drafted(tmp_path, "peel-2023-25-loamshire.html")
    text = spec.read_text(encoding="utf-8")
    assert (
        "  # s55: publish the response by 1 December 2025, 56 days counted from publication on 7 October 2025\n" in text
    )
    assert "  date: TODO   # the date of this response\n" in text
    assert "  profile: ../profiles/loamshire.yaml\n" in text
    assert "      due: 2026-04-07   # 'Within six months': 6 months from publication\n" in text
    assert (
        "      text: |-\n"
        "        The force should make sure call handlers use the structured risk assessment on every call\n"
        "        and record the result.\n"
    ) in text
    assert err.splitlines() == [
        f"{REPORTS / 'peel-2023-25-loamshire.html'}: read 4 recommendations, 7 areas for improvement, "
        "2 causes of concern, 5 graded judgements",
        "  Police powers and public treatment: good",
        "  Preventing crime: adequate",
        "  Responding to the public: requires improvement",
        "  Investigating crime: inadequate",
        "  Leadership and force management: good",
        f"{spec}: written; answer each item, replace every TODO, then validate it",
    ]


def _answered(spec: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    text = text.replace("response: TODO", "response: Accepted; the force has a plan.")
    text = text.replace("  date: TODO", "  date: 2025-11-20")  # within 56 days of every fixture's publication
    text = text.replace('"TODO: your opening paragraph"', "Thank you for the report.")
    text = text.replace('"TODO: the chief constable\'s comments"', "I accept the findings.")
    text = text.replace('"TODO: your reply to the chief constable\'s comments (s55(5A))"', "I welcome that.")
    text = text.replace("url: TODO", "url: https://hmicfrs.justiceinspectorates.gov.uk/publications/fraud/")
    text = text.replace("kind: TODO", "kind: national-thematic").replace(
        "force_inspected: TODO", "force_inspected: true"
    )
    assert not re.search(r"^[^#\n]*TODO", text, re.M)
    spec.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_once_answered_the_letter_quotes_every_item_exactly(tmp_path: Path, name: str) -> None:
    spec, _ = _drafted(tmp_path, name)
    _answered(spec)
    assert run("validate", spec)[0] == 0, run("validate", spec)[1]
    code, _, err = run("render", spec, "-o", tmp_path / "out", "--format", "html")
    assert code == 0, err
    page = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    words = " ".join(re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").replace("’", "'").split())
    for key in KINDS:
        for item in EXPECTED[name][key]:
            plain = " ".join(re.sub(r"\*+([^*]+)\*+", r"\1", item["text"]).replace("’", "'").split())
            assert plain in words, item["id"]


def test_not_a_report_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    spec = tmp_path / "draft.yaml"
    code, out, err = run("draft", REPORTS / "not-a-report.html", "-o", spec)
    assert (code, out) == (1, "")
    assert err == (
        f"{REPORTS / 'not-a-report.html'}: does not look like an HMICFRS report: it never names the inspectorate, "
        "and has no recommendations, areas for improvement, causes of concern or graded judgements; save the "
        "report's own page or PDF\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "scanned-image-only.pdf",
            "holds no text, only images (a scanned copy?): draft cannot read it; use the report's web page or the "
            "PDF the inspectorate publishes",
        ),
        (
            "encrypted.pdf",
            "is encrypted with a password: save a copy without one (or download the report again), then draft that",
        ),
        ("damaged.pdf", "is damaged and cannot be read as a PDF (Stream has ended unexpectedly); download it again"),
        (
            "500-pages.pdf",
            "has 500 pages; draft reads reports of up to 400: is this one report, or several bound together?",
        ),
    ],
)
def test_a_pdf_draft_cannot_read_is_refused_saying_why_and_nothing_is_written(
    tmp_path: Path, name: str, message: str
) -> None:
    spec = tmp_path / "draft.yaml"
    assert run("draft", REPORTS / name, "-o", spec) == (1, "", f"{REPORTS / name}: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_a_pdf_named_as_a_page_is_read_as_a_pdf_and_a_page_named_pdf_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_bytes((REPORTS / "one-column-fraud.pdf").read_bytes())
    assert "  recommendations:\n" in run("draft", page)[1]
    fake = tmp_path / "report.pdf"
    fake.write_bytes((REPORTS / "thematic-rural-theft.html").read_bytes())
    assert run("draft", fake) == (1, "", f"{fake}: is named .pdf but is not a PDF\n")


def test_reading_a_pdf_stops_at_its_time_limit() -> None:
    data = (REPORTS / "one-column-fraud.pdf").read_bytes()
    with pytest.raises(NotReadable, match=r"^took over 0 s to read \(at page 1 of 5\); nothing was written$"):
        read_pdf(REPORTS / "one-column-fraud.pdf", data, seconds=0)


def test_running_headers_footers_page_numbers_and_footnotes_never_enter_an_item() -> None:
    for name in ("one-column-fraud.pdf", "two-column-online-fraud.pdf"):
        doc = read_report(REPORTS / name)
        words = "\n".join(b.text for b in doc.blocks)
        assert "year ending March 2024" not in words and "annex A." not in words  # footnotes
        assert not re.search(r"^\d+$", words, re.M)  # page numbers and footnote marks
        assert doc.title is not None and words.count(doc.title) == 1  # the running header, once: the title page
    assert read_report(REPORTS / "one-column-fraud.pdf").notes == [
        "left out 5 running header, footer or page number lines",
        "left out 4 lines of footnotes",
    ]


def test_a_draft_never_replaces_a_file_without_force(tmp_path: Path) -> None:
    spec = tmp_path / "draft.yaml"
    spec.write_text("mine\n", encoding="utf-8")
    code, _, err = run("draft", REPORTS / "peel-2023-25-loamshire.html", "-o", spec)
    assert (code, err) == (1, f"{spec}: already exists; choose another name, or give --force to replace it\n")
    assert spec.read_text(encoding="utf-8") == "mine\n"
    assert run("draft", REPORTS / "peel-2023-25-loamshire.html", "-o", spec, "--force")[0] == 0
    assert spec.read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert [p.name for p in tmp_path.iterdir()] == ["draft.yaml"]  # no temporary file left


def test_only_web_pages_and_pdfs_are_read(tmp_path: Path) -> None:
    other = tmp_path / "report.docx"
    other.write_bytes(b"PK\x03\x04")
    assert run("draft", other) == (
        1,
        "",
        f"{other}: expected a saved web page (.html, .htm) or a PDF (.pdf) of the report\n",
    )
    assert run("draft", tmp_path / "gone.html") == (1, "", f"{tmp_path / 'gone.html'}: no such file\n")


def test_hostile_markup_is_data_and_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("draft reached for the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    code, out, _ = run("draft", REPORTS / "hostile-markup.html")
    assert code == 0
    assert "alert" not in out and "attacker" not in out and "passwd" not in out.replace("&xxe;", "")
    assert "template says" not in out and "hidden paragraph" not in out


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Within six months, the force should act.", "2026-04-07"),
        ("Within 12 months, police and crime commissioners should act.", "2026-10-07"),
        ("Within three months the force should act.", "2026-01-07"),
        ("Within four weeks, the force should act.", "2025-11-04"),
        ("Within a year, the force should act.", "2026-10-07"),
        ("The force should immediately act.", "2025-10-07"),
        ("By 31 March 2026, chief constables should act.", "2026-03-31"),
        ("By March 2026, chief constables should act.", "2026-03"),
        ("By the end of June 2026, forces should act.", "2026-06"),
        ("HMIC recommends that within six months the force should: act.", "2026-04-07"),
        ("Chief constables should, by 30 September 2026, act.", "2026-09-30"),
    ],
)
def test_due_phrases_give_the_right_dates(text: str, due: str) -> None:
    found = due_phrase(text, dt.date(2025, 10, 7))
    assert found is not None and found.value == due


@pytest.mark.parametrize(
    "text",
    [
        "The force should contact victims within 28 days of a report.",  # a standard to meet, not a deadline
        "The force should review its plans by 31 March 2026.",  # after the verb's words: the officer reads it
        "By 31 February 2026, the force should act.",  # no such day
        "Officers told us within six months they had left.",  # no request made
    ],
)
def test_no_due_date_is_invented(text: str) -> None:
    assert due_phrase(text, dt.date(2025, 10, 7)) is None


def test_a_draft_is_written_to_a_file_not_a_folder(tmp_path: Path) -> None:
    page = REPORTS / "peel-2023-25-loamshire.html"
    assert run("draft", page, "-o", tmp_path) == (1, "", f"{tmp_path}: is a folder; name the spec file to write\n")
    gone = tmp_path / "no-such-folder" / "draft.yaml"
    assert run("draft", page, "-o", gone) == (
        1,
        "",
        f"{gone}: cannot be written: no folder {gone.parent}\n",
    )


def test_without_a_publication_date_a_relative_due_phrase_is_quoted_not_counted() -> None:
    found = due_phrase("Within six months, the force should act.", None)
    assert found is not None and (found.phrase, found.value, found.how) == (
        "Within six months",
        None,
        "no publication date to count from",
    )


def test_an_oversized_page_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "report.html"
    with huge.open("wb") as f:
        f.truncate(20 * 1024 * 1024 + 1)  # sparse: nothing to read, and nothing is read
    assert run("draft", huge) == (1, "", f"{huge}: is 20,971,521 bytes; a report may be at most 20,971,520\n")


def test_the_draft_opens_in_the_writer_edit_uses_and_keeps_its_comments(tmp_path: Path) -> None:
    from jtai_letters.spec.writer import SpecDocument

    spec, _ = _drafted(tmp_path, "peel-2023-25-loamshire.html")
    before = spec.read_text(encoding="utf-8").splitlines()
    doc = SpecDocument.read(spec)
    assert (
        doc.get("report.recommendations[1].text")
        == EXPECTED["peel-2023-25-loamshire.html"]["recommendations"][1]["text"]
    )
    doc.set("response.date", dt.date(2025, 11, 20))
    doc.set("response.recommendations[0].response", "Accepted.")
    after = doc.text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("  date: TODO   # the date of this response", "  date: 2025-11-20 # the date of this response"),
        ("      response: TODO", "      response: Accepted."),
    ]


def test_edit_opens_the_draft_with_the_report_s_items_and_its_todos(tmp_path: Path) -> None:
    from jtai_letters.faces.editor import Editor

    spec, _ = _drafted(tmp_path, "peel-2023-25-loamshire.html")
    editor = Editor(spec)
    editor.refresh()
    shown = editor.snapshot()
    expected = EXPECTED["peel-2023-25-loamshire.html"]
    assert [i["text"].rstrip("\n") for i in shown["data"]["report"]["recommendations"]] == [
        i["text"] for i in expected["recommendations"]
    ]
    assert sorted(f"{p['path']}: {p['rule']}" for p in shown["problems"]) == sorted(_todo_fields(spec))
    editor.apply([{"op": "set", "path": "response.recommendations[0].response", "value": "Accepted."}])
    editor.save()
    saved = spec.read_text(encoding="utf-8")
    assert "      response: Accepted.\n" in saved and "  # s55: publish the response by 1 December 2025" in saved


def test_a_layout_s_needs_are_todos_in_the_draft() -> None:
    code, out, _ = run("draft", REPORTS / "thematic-rural-theft.html", "--layout", "narrative")
    assert code == 0
    assert '  summary:\n    - "TODO: a paragraph summarising the report"\n' in out  # the narrative opens with one
    assert '  sign_off:\n    closing: Yours sincerely\n    name: "TODO: who signs"\n' in out
    assert run("draft", REPORTS / "thematic-rural-theft.html", "--layout", "poster") == (
        1,
        "",
        "unknown layout 'poster'; choose from letter, narrative, statement\n",
    )
