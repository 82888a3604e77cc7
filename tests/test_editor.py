"""`jtai-letters edit`: the spec as a form beside its letter, used as a person would, in real Chromium."""

from __future__ import annotations

import base64
import difflib
import http.client
import io
import json
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from jtai_letters import outputs
from jtai_letters.faces.editor import ChangeRefused, Editor
from jtai_letters.letter.assets import MAX_ASSET_BYTES
from jtai_letters.letter.render import render
from jtai_letters.pipeline.inspect import inspect
from jtai_letters.spec.load import load_spec
from jtai_letters.spec.vocabulary import STATUSES
from jtai_letters.spec.writer import SpecChanged

from . import helpers
from .browser import axe_violations

PEEL = "loamshire-2025-peel.yaml"


@dataclass
class Edited:
    url: str
    spec: Path
    process: subprocess.Popen[str]

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


def copy_example(folder: Path, name: str = PEEL) -> Path:
    """The example these tests use, with its office profile beside it."""
    return helpers.copy_example(folder, name)


@pytest.fixture
def edited(tmp_path: Path) -> Iterator[Edited]:
    """`edit` on a copy of the PEEL example, in its own process, stopped with Ctrl-C afterwards."""
    spec = copy_example(tmp_path)
    with helpers.serving("edit", spec) as (url, process):
        yield Edited(url, spec, process)


def open_editor(browser: BrowserContext, edited: Edited) -> Page:
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(edited.url)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def field(page: Page, path: str) -> object:
    return page.locator(f'[id="f-{path}"]')


def saved(page: Page, save: Callable[[], None]) -> dict[str, int]:
    """Save (by `save`: the button, Ctrl+S) and wait for the server's own answer, however long a loaded
    machine takes to give it (no timeout of the page's to outrun): the errors and warnings it counted."""
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/save" and r.request.method == "POST") as answer:
        save()
    assert answer.value.status == 200, answer.value.text()
    said: dict[str, int] = answer.value.json()["saved"]
    expect(page.locator("#status")).to_have_text("Saved." if not said["errors"] else re.compile("^Saved as a draft"))
    return said


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a save removed (-) and added (+)."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if not line.startswith(("---", "+++", "@@"))
    ]


def test_an_officer_changes_an_answer_adds_an_action_and_a_block_and_saves(
    browser: BrowserContext, edited: Edited
) -> None:
    before = edited.spec.read_text(encoding="utf-8")
    page = open_editor(browser, edited)
    try:
        letter = page.frame_locator("#letter")
        expect(letter.locator("main")).to_contain_text(
            "The Force Control Room has recruited twelve more call handlers."
        )

        # The answer to R3: typed, and the letter follows.
        answer = page.locator('[id="f-response.recommendations[1].response"]')
        answer.fill("Accepted. The Force Control Room has recruited fifteen more call handlers.")
        expect(letter.locator("main")).to_contain_text("recruited fifteen more call handlers")

        # An action under it, with an owner and a due date.
        page.get_by_role("button", name="Add action").nth(1).click()
        new = "response.recommendations[1].actions[1]"
        expect(page.locator(f'[id="f-{new}.text"]')).to_be_focused()
        page.locator(f'[id="f-{new}.text"]').fill("Publish call answering times every month")
        page.locator(f'[id="f-{new}.owner"]').fill("Head of Force Control Room")
        page.locator(f'[id="f-{new}.due"]').fill("2026-03-31")
        expect(letter.locator("table.actions").nth(1)).to_contain_text("Publish call answering times every month")
        expect(letter.locator("table.actions").nth(1)).to_contain_text("31 March 2026")

        # A body block at the end of the letter.
        page.get_by_role("button", name="Add a body block").click()
        block = page.locator('[id="f-response.body[11].text"]')
        expect(block).to_be_focused()
        block.fill("My office will write to every victims' group about these changes.")
        expect(letter.locator("main")).to_contain_text("My office will write to every victims’ group")

        # Saved with Ctrl+S: the YAML changes by exactly these lines, every comment kept.
        assert saved(page, lambda: page.keyboard.press("Control+s"))["errors"] == 0
        after = edited.spec.read_text(encoding="utf-8")
        assert changed_lines(before, after) == [
            "+    - text: My office will write to every victims' group about these changes.",
            "-      response: Accepted. The Force Control Room has recruited twelve more call handlers.",
            "+      response: Accepted. The Force Control Room has recruited fifteen more call handlers.",
            "+        - text: Publish call answering times every month",
            "+          owner: Head of Force Control Room",
            "+          due: 2026-03-31",
        ]
        assert after.count("#") == before.count("#")
        assert load_spec(edited.spec).spec.response.recommendations[1].actions[1].owner == "Head of Force Control Room"

        # Clicking the letter's answer to R2 (answered with R1) takes the form to its field.
        page.locator("details.section").first.evaluate("d => d.open = false")
        letter.get_by_text("Accepted. The investigation standards programme carries out both.").click()
        expect(page.locator('[id="f-response.recommendations[0].response"]')).to_be_focused()
    finally:
        page.close()


def test_a_status_is_chosen_from_the_vocabulary_and_a_spelling_of_the_file_stays(
    browser: BrowserContext, edited: Edited
) -> None:
    before = edited.spec.read_text(encoding="utf-8")
    page = open_editor(browser, edited)
    try:
        kept = page.locator('[id="f-response.recommendations[0].actions[0].status"]')
        chosen = page.locator('[id="f-response.recommendations[1].actions[0].status"]')
        expect(kept).to_have_value("In Progress")  # the file's spelling, not rewritten
        expect(chosen).to_have_value("in-progress")
        offered = chosen.locator("option").all_inner_texts()
        assert offered == ["(not set)", *STATUSES, "in-progress (as written in the file)"]
        expect(page.locator('[id="f-response.recommendations[0].actions[1].status"] option')).to_have_count(
            1 + len(STATUSES)  # written canonically: nothing to add
        )
        letter = page.frame_locator("#letter")
        expect(letter.locator("table.actions").nth(1)).to_contain_text("In progress")
        chosen.select_option("complete")
        expect(letter.locator("table.actions").nth(1)).to_contain_text("Complete")
        assert saved(page, page.get_by_role("button", name="Save").click)["errors"] == 0
        assert changed_lines(before, edited.spec.read_text(encoding="utf-8")) == [
            "-          status: in-progress",
            "+          status: complete",
        ]
    finally:
        page.close()


def test_problems_sit_beside_their_fields_and_a_second_writer_is_detected(
    browser: BrowserContext, edited: Edited
) -> None:
    page = open_editor(browser, edited)
    try:
        expect(page.locator("#problems-heading")).to_have_text("No problems found")
        assert axe_violations(page) == []

        due = page.locator('[id="f-response.recommendations[1].actions[0].due"]')
        due.fill("31/01/2026")
        beside = page.locator('.field[data-path="response.recommendations[1].actions[0].due"] .field-problems')
        expect(beside).to_contain_text("31/01/2026")
        expect(page.locator("#problem-list")).to_contain_text("response.recommendations[1].actions[0].due:")
        expect(page.locator("#letter")).to_have_class("letter stale")
        expect(due).to_have_attribute("aria-invalid", "true")
        assert axe_violations(page) == []  # with problems shown, too

        # The problem in the list at the top jumps to its field.
        page.locator("#answer-all").focus()
        page.locator("#problem-list button").first.click()
        expect(due).to_be_focused()

        # Someone else writes the file meanwhile: saving is refused and a reload offered.
        text = edited.spec.read_text(encoding="utf-8")
        edited.spec.write_text(text.replace("reference: OPCC/2025/131", "reference: OPCC/2025/132"), "utf-8")
        expect(page.locator("#conflict")).to_be_visible()
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#status")).to_have_text("Not saved: the file changed on disk.")
        assert "OPCC/2025/132" in edited.spec.read_text(encoding="utf-8")
        page.get_by_role("button", name="Reload the file from disk (drops the changes made here)").click()
        expect(page.locator('[id="f-response.reference"]')).to_have_value("OPCC/2025/132")
        expect(page.locator("#problems-heading")).to_have_text("No problems found")
    finally:
        page.close()


def _request(edited: Edited, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    address = urlsplit(edited.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_changes_from_elsewhere_are_refused(edited: Edited) -> None:
    page_status, page = _request(edited, "GET", "/", {"Host": edited.host})
    assert page_status == 200
    token = page.decode().split('name="editor-token" content="', 1)[1].split('"', 1)[0]
    change = json.dumps({"changes": [{"op": "set", "path": "response.reference", "value": "X"}]}).encode()
    good = {"Host": edited.host, "Origin": f"http://{edited.host}", "X-Editor-Token": token}
    json_type = {"Content-Type": "application/json"}
    before = edited.spec.read_bytes()

    assert _request(edited, "GET", "/", {"Host": "evil.example"})[0] == 400  # DNS rebinding
    assert _request(edited, "GET", "/api/spec", {"Host": f"localhost:{urlsplit(edited.url).port}"})[0] == 400
    refused = [
        {**good, **json_type, "Origin": "http://evil.example"},  # a page elsewhere
        {**good, **json_type, "Origin": "null"},
        {k: v for k, v in {**good, **json_type}.items() if k != "Origin"},
        {**good, **json_type, "X-Editor-Token": "guessed"},
        {k: v for k, v in {**good, **json_type}.items() if k != "X-Editor-Token"},
        {**good, "Content-Type": "text/plain"},  # a form a page elsewhere may post without asking
    ]
    for headers in refused:
        for target in ("/api/change", "/api/save"):
            status, _ = _request(edited, "POST", target, headers, change)
            assert status in (403, 415), (headers, target)
    assert _request(edited, "POST", "/api/change", {**good, **json_type, "Host": "evil.example"}, change)[0] == 400
    assert edited.spec.read_bytes() == before

    status, body = _request(edited, "POST", "/api/change", {**good, **json_type}, change)
    assert status == 200 and json.loads(body)["dirty"] is True
    assert edited.spec.read_bytes() == before  # nothing written until saved
    assert _request(edited, "POST", "/api/save", {**good, **json_type}, b"{}")[0] == 200
    assert "reference: X\n" in edited.spec.read_text(encoding="utf-8")


# -- without a browser --------------------------------------------------------------------------------


@pytest.mark.parametrize("late", ["/editor.js", "/letter"])
def test_the_letter_follows_the_form_whichever_of_the_script_and_the_letter_comes_first(
    browser: BrowserContext, edited: Edited, late: str
) -> None:
    # The page, its script and the letter are asked for at once; either may arrive first.
    page = browser.new_page()
    page.route(f"**{late}*", lambda route: (page.wait_for_timeout(700), route.continue_()))
    try:
        page.goto(edited.url)
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        letter = page.frame_locator("#letter")
        expect(letter.locator("main")).to_contain_text("recruited twelve more call handlers")
        page.unroute(f"**{late}*")
        answer = page.locator('[id="f-response.recommendations[1].response"]')
        answer.fill("Accepted. The Force Control Room has recruited fifteen more call handlers.")
        expect(letter.locator("main")).to_contain_text("recruited fifteen more call handlers")
    finally:
        page.close()


def test_the_letter_pane_carries_spec_paths_and_the_letters_do_not(tmp_path: Path) -> None:
    spec = load_spec(copy_example(tmp_path))
    marked = render(spec, spec_paths=True)
    plain = render(spec)
    assert 'data-spec-path="response.recommendations[0].response"' in marked.html
    assert 'data-spec-path="response.causes_of_concern[0].response"' in marked.html
    assert 'data-spec-path="report.recommendations[2].text"' in marked.html
    # Our layouts anchor their fields exactly (for the DOCX's bookmarks); the guesses are the editor's only.
    assert 'data-spec-path="response.recommendations[0].response"' in plain.html
    assert set(re.findall(r'data-spec-path="([^"]*)"', plain.html)) <= set(
        re.findall(r'data-spec-path="([^"]*)"', marked.html)
    )
    assert b"data-spec-path" not in outputs.write("html", plain)
    assert b"data-spec-path" not in outputs.write("pdf", plain)


def test_bad_input_is_a_located_refusal_and_never_reaches_the_file(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    before = path.read_bytes()
    editor = Editor(path)
    editor.refresh()
    with pytest.raises(ChangeRefused, match=r"the spec would be 10\.\d MB, and a spec is at most 2 MB") as big:
        editor.apply([{"op": "set", "path": "response.reference", "value": "x" * 10_000_000}])
    assert big.value.path == "response.reference" and not editor.dirty
    with pytest.raises(ChangeRefused, match="is not a field path"):
        editor.apply([{"op": "set", "path": "response..x", "value": "y"}])
    with pytest.raises(ChangeRefused, match="a change is an op"):
        editor.apply([{"op": "chmod", "path": "response"}])

    # YAML-looking text and control characters are text: the rules say what is wrong, where.
    editor.apply([{"op": "set", "path": "response.reference", "value": "key: value # not a comment\n- no list"}])
    editor.apply([{"op": "set", "path": "response.salutation", "value": "Dear\x07 Sir Andy"}])
    editor.refresh()
    assert editor.snapshot()["data"]["response"]["reference"] == "key: value # not a comment\n- no list\n"
    said = {(p["path"], p["rule"]) for p in editor.snapshot()["problems"]}
    assert said == {("response.salutation", "character")}
    assert path.read_bytes() == before

    # A date field takes a date; a bad one is written as typed, and the schema says why.
    editor.apply([{"op": "set", "path": "response.date", "value": "2025-02-30", "date": True}])
    editor.refresh()
    assert any(
        p["path"] == "response.date" and "day value is outside expected range" in p["message"]
        for p in editor.snapshot()["problems"]
    )
    assert editor.state.stale and editor.state.page_version == 1  # the last good letter stays

    # Undo, step by step, back to the file as read.
    while editor.undo():
        pass
    assert not editor.dirty


def test_saving_refuses_a_file_changed_on_disk_and_a_draft_saves_with_its_errors(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    editor = Editor(path)
    editor.apply([{"op": "set", "path": "response.date", "value": "soon", "date": True}])
    found = editor.save()  # a draft: saved, and its errors said
    assert [p.field for p in found if p.severity == "error"] == ["response.date"]
    assert "  date: soon\n" in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("date: soon", "date: 2025-11-21"), "utf-8")
    editor.apply([{"op": "set", "path": "response.reference", "value": "Z"}])
    with pytest.raises(SpecChanged):
        editor.save()
    assert "date: 2025-11-21" in path.read_text(encoding="utf-8")
    editor.refresh()
    assert editor.disk_changed
    editor.reload()
    assert not editor.dirty and not editor.disk_changed


def test_edit_new_starts_a_spec_and_never_over_one(tmp_path: Path) -> None:
    from jtai_letters.faces import editor as editing
    from jtai_letters.faces.skeleton import skeleton
    from jtai_letters.letter.layouts import available
    from jtai_letters.letter.templates import DEFAULT_TEMPLATES

    target = tmp_path / "wessex.yaml"
    text = skeleton(available(DEFAULT_TEMPLATES)["letter"], kind="peel")
    editing.new_spec(target, text)
    assert target.read_text(encoding="utf-8") == text
    with pytest.raises(Exception, match="already exists: open it with `edit` without --new"):
        editing.new_spec(target, "x: 1\n")
    assert target.read_text(encoding="utf-8") == text


def test_a_new_response_written_in_the_form_alone_validates_and_downloads(
    browser: BrowserContext, tmp_path: Path
) -> None:
    spec = tmp_path / "wessex-2026-peel.yaml"
    argv = ["edit", "--new", "--kind", "peel", str(spec), "--port", "0", "--no-browser"]
    process = subprocess.Popen(
        [sys.executable, "-m", "jtai_letters", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    page = browser.new_page()
    try:
        page.goto(url)
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        typed = {
            "office.name": "Office of the Police and Crime Commissioner for Wessex",
            "office.commissioner": "Alex Moreton",
            "office.area": "Wessex",
            "office.address[0]": "1 Minster Street, Casterbridge WX1 1AA",
            "report.title": "PEEL 2026: An inspection of Wessex Police",
            "report.url": "https://hmicfrs.justiceinspectorates.gov.uk/publications/peel-2026-wessex/",
            "report.summary[0]": "HMICFRS graded how well Wessex Police keeps people safe.",
            "response.opening[0]": "I welcome the report and accept its recommendation.",
            "response.local_actions[0].text": "Publish the force's progress every quarter",
            "response.chief_constable.comments[0]": "I accept the findings.",
            "response.sign_off.name": "Alex Moreton",
        }
        for path, text in typed.items():
            page.locator(f'[id="f-{path}"]').fill(text)
        page.locator('[id="f-report.published"]').fill("2026-11-02")
        page.locator('[id="f-response.date"]').fill("2026-12-14")
        page.get_by_role("button", name="Add recommendation").first.click()
        page.locator('[id="f-report.recommendations[0].id"]').fill("R1")
        page.locator('[id="f-report.recommendations[0].text"]').fill("The force should answer 999 calls faster.")
        page.get_by_role("button", name="Answer every recommendation").click()
        answer = page.locator('[id="f-response.recommendations[0].response"]')
        expect(answer).to_be_focused()
        answer.fill("Accepted. Twelve more call handlers start in January.")
        expect(page.locator("#problems-heading")).to_have_text("No problems found")
        # The page's answer to the save, waited for as such: the file is written before it is sent.
        assert saved(page, page.get_by_role("button", name="Save").click) == {"errors": 0, "warnings": 0}
        assert "Alex Moreton" in spec.read_text(encoding="utf-8")
        for fmt, magic in (("docx", b"PK\x03\x04"), ("pdf", b"%PDF-"), ("html", b"<!DOCTYPE html>")):
            response = page.request.get(url + f"letter.{fmt}")
            assert response.status == 200 and response.body().startswith(magic), fmt
            assert b"data-spec-path" not in response.body()
    finally:
        page.close()
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=10)
    assert process.returncode == 0 and "Traceback" not in errors, errors
    text = spec.read_text(encoding="utf-8")
    assert "TODO" not in text.split("\nschema_version")[1]
    assert "# telephone: 01632 960 123" in text  # the skeleton's comments stay
    assert (
        "    - id: R1\n      text: The force should answer 999 calls faster.\n  areas_for_improvement: []   # likewise"
        in text
    )
    assert "  date: 2026-12-14 # the date this response is published, as YYYY-MM-DD" in text
    found = load_spec(spec)
    assert found.spec.response.recommendations[0].id == "R1"


def test_a_fault_while_rendering_keeps_the_text_the_file_and_the_last_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_example(tmp_path)
    before = path.read_bytes()
    editor = Editor(path)
    good = editor.refresh()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a fault no rule foresaw")

    monkeypatch.setattr("jtai_letters.pipeline.inspect.render", broken)
    editor.apply([{"op": "set", "path": "response.reference", "value": "OPCC/2025/999"}])
    state = editor.refresh()
    assert [(p.rule, p.message) for p in state.problems] == [
        ("internal", "could not be rendered (RuntimeError: a fault no rule foresaw); please report this")
    ]
    assert state.stale and state.page == good.page
    assert editor.snapshot()["data"]["response"]["reference"] == "OPCC/2025/999"
    assert path.read_bytes() == before


# -- images the officer adds ------------------------------------------------------------------------


def _png(width: int = 60, height: int = 24) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (29, 78, 137)).save(out, "PNG")
    return out.getvalue()


SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
TOO_BIG = _png()[:-12] + b"\0" * MAX_ASSET_BYTES  # a PNG's start, and more bytes than an image may have
HOSTILE = [  # name, bytes, what validate says of that file when a spec names it
    ("notes.png", b"not an image at all\n", "'notes.png' is not a PNG or JPEG image"),
    ("logo.svg", SVG_WITH_SCRIPT, "'logo.svg' is not a PNG or JPEG image"),
    ("huge.png", TOO_BIG, f"'huge.png' is {len(TOO_BIG):,} bytes; an image may be at most {MAX_ASSET_BYTES:,}"),
]


def test_an_image_is_added_to_the_specs_folder_and_the_letter_shows_it(browser: BrowserContext, edited: Edited) -> None:
    before = edited.spec.read_text(encoding="utf-8")
    folder = edited.spec.parent
    page = open_editor(browser, edited)
    try:
        page.locator('details.section[data-path="office"] > summary').click()
        upload = page.locator('[id="u-office.logo.path"]')
        beside = page.locator('fieldset[data-path="office.logo"] .field-problems')
        for name, data, said in HOSTILE:  # refused in validate's words; nothing written, nothing set
            upload.set_input_files({"name": name, "mimeType": "image/png", "buffer": data})
            expect(page.locator("#status")).to_have_text(f"Image not added: {said}")
            expect(beside).to_have_text(said)
        assert [p.name for p in folder.iterdir()] == [edited.spec.name]

        png = _png()
        upload.set_input_files({"name": "Loamshire logo (2026).png", "mimeType": "image/png", "buffer": png})
        expect(page.locator("#status")).to_have_text("Added Loamshire-logo-2026.png to the spec's folder.")
        expect(field(page, "office.logo.path")).to_have_value("Loamshire-logo-2026.png")  # type: ignore[arg-type]
        expect(field(page, "office.logo.alt")).to_have_value("Loamshire Police and Crime Commissioner")  # type: ignore[arg-type]
        logo = page.frame_locator("#letter").locator("header img").first
        expect(logo).to_have_attribute("src", "data:image/png;base64," + base64.b64encode(png).decode())
        assert (folder / "Loamshire-logo-2026.png").read_bytes() == png
        assert saved(page, page.get_by_role("button", name="Save").click)["errors"] == 0
        assert changed_lines(before, edited.spec.read_text(encoding="utf-8")) == [
            "+  logo:",
            "+    path: Loamshire-logo-2026.png",
            "+    alt: Loamshire Police and Crime Commissioner",
        ]
    finally:
        page.close()


def test_an_image_refused_by_the_editor_is_refused_by_validate_in_the_same_words(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    editor = Editor(path)
    editor.refresh()
    for name, data, said in [*HOSTILE, ("../logo.png", _png(), "'../logo.png' points outside the spec's folder")]:
        with pytest.raises(ChangeRefused) as refused:
            editor.add_image("office.logo.path", name, data, len(data))
        assert (str(refused.value), refused.value.path) == (said, "office.logo.path")
        assert not editor.dirty and [p.name for p in path.parent.iterdir()] == [path.name]
        # The same file beside the spec, named by it: validate's words.
        (path.parent / name).write_bytes(data)
        named = path.read_text(encoding="utf-8").replace(
            "  profile: ../profiles/loamshire.yaml\n",
            f"  profile: ../profiles/loamshire.yaml\n  logo: {{path: '{name}', alt: A logo}}\n",
        )
        found = inspect(path, text=named)
        assert [p.message for p in found.errors if p.field == "office.logo.path"] == [said]
        (path.parent / name).unlink()

    png = _png()
    with pytest.raises(ChangeRefused, match="not a field that names an image"):
        editor.add_image("response.reference", "logo.png", png, len(png))
    with pytest.raises(ChangeRefused, match="an image is added to the spec's own folder: give a file name alone"):
        editor.add_image("office.logo.path", "sub/logo.png", png, len(png))
    # Never through a link, never over another file unasked; the same file again is only named.
    (path.parent / "out.png").symlink_to(tmp_path / "elsewhere.png")
    with pytest.raises(ChangeRefused, match=r"^'out\.png' points outside the spec's folder$"):
        editor.add_image("office.logo.path", "out.png", png, len(png))
    (path.parent / "in.png").symlink_to(path.parent / "target.png")
    with pytest.raises(ChangeRefused, match=r"^'in\.png' is already in the spec's folder and is not a plain file"):
        editor.add_image("office.logo.path", "in.png", png, len(png))
    assert not (tmp_path / "elsewhere.png").exists() and not (path.parent / "target.png").exists()
    (path.parent / "logo.png").write_bytes(b"someone else's")
    with pytest.raises(
        ChangeRefused, match=r"^'logo\.png' is already in the spec's folder, and is another file"
    ) as taken:
        editor.add_image("office.logo.path", "logo.png", png, len(png))
    assert taken.value.status == 409 and (path.parent / "logo.png").read_bytes() == b"someone else's"
    assert editor.add_image("office.logo.path", "logo.png", png, len(png), replace=True) == "logo.png"
    assert (path.parent / "logo.png").read_bytes() == png
    assert editor.add_image("office.signature.path", "logo.png", png, len(png)) == "logo.png"  # the same bytes
    editor.refresh()
    assert editor.snapshot()["problems"] == [] and not editor.state.stale
    assert path.read_text(encoding="utf-8") == (tmp_path / "responses" / path.name).read_text(encoding="utf-8")


def test_an_image_from_elsewhere_or_sent_around_the_page_is_refused(edited: Edited) -> None:
    _, page = _request(edited, "GET", "/", {"Host": edited.host})
    token = page.decode().split('name="editor-token" content="', 1)[1].split('"', 1)[0]
    good = {
        "Host": edited.host,
        "Origin": f"http://{edited.host}",
        "X-Editor-Token": token,
        "Content-Type": "application/octet-stream",
    }
    png = _png()
    target = "/api/image?field=office.logo.path&name=logo.png"
    for headers in (
        {**good, "Origin": "http://evil.example"},
        {k: v for k, v in good.items() if k != "X-Editor-Token"},
        {**good, "Content-Type": "multipart/form-data; boundary=x"},  # a form a page elsewhere may post
    ):
        assert _request(edited, "POST", target, headers, png)[0] in (403, 415), headers
    status, body = _request(edited, "POST", "/api/image?field=office.logo.path&name=..%2Flogo.png", good, png)
    assert (status, json.loads(body)["refused"]["message"]) == (400, "'../logo.png' points outside the spec's folder")
    status, body = _request(edited, "POST", "/api/image?field=office.logo.path&name=big.png", good, TOO_BIG)
    assert (status, json.loads(body)["refused"]["message"]) == (413, HOSTILE[2][2].replace("huge", "big"))
    assert [p.name for p in edited.spec.parent.iterdir()] == [edited.spec.name]
    assert not (edited.spec.parent.parent / "logo.png").exists()
    status, body = _request(edited, "POST", target, good, png)
    assert status == 200 and json.loads(body)["data"]["office"]["logo"]["path"] == "logo.png"
    assert (edited.spec.parent / "logo.png").read_bytes() == png


# `edit` with its first render held until the test says: the page and its files come at once, the
# letter waits for the render, and the letter's page says which render it is.
_HELD = """
import sys, time
from pathlib import Path
from jtai_letters import cli
from jtai_letters.faces import editor
release = Path(sys.argv[2])
original = editor.Editor.refresh
def held(self):
    while not release.exists():
        time.sleep(0.01)
    return original(self)
editor.Editor.refresh = held
sys.exit(cli.main(["edit", sys.argv[1], "--port", "0", "--no-browser"]))
"""


def test_the_page_comes_before_the_first_render_and_the_letter_says_which_render_it_is(tmp_path: Path) -> None:
    spec, release = copy_example(tmp_path), tmp_path / "release"
    process = subprocess.Popen(
        [sys.executable, "-c", _HELD, str(spec), str(release)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        where = urlsplit(process.stdout.readline().strip())

        def get(path: str) -> tuple[int, bytes]:
            connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
            try:
                connection.request("GET", path)
                answer = connection.getresponse()
                return answer.status, answer.read()
            finally:
                connection.close()

        status, page = get("/")  # the render is held: without the page coming first, this would wait
        assert status == 200 and b'src="/letter?v=0"' in page
        assert [get(path)[0] for path in ("/editor.js", "/editor.css")] == [200, 200]
        letter: list[bytes] = []
        asking = threading.Thread(target=lambda: letter.append(get("/letter?v=0")[1]))
        asking.start()
        asking.join(0.3)  # asked before the render: answered after it, with it
        release.touch()
        asking.join(30)
        assert b'<html data-page="1"' in letter[0] and b"data-spec-path" in letter[0]
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=10)
    assert "Traceback" not in errors, errors
