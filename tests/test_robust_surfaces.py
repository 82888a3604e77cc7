"""The surfaces added since the last hardening (preview, register, progress, deadlines, office
catalogues and CSS, the batch's manifest and journal, extract-spec), each tried as an attacker
would: every numbered item of the issue that found them has its fixture in tests/hostile/surfaces/
and a test here that failed before the fix (a traceback, a hang, a write outside, a silent drop)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from watchfiles import Change

from jtai_letters.faces import preview as preview_module
from jtai_letters.pipeline.build import Options

from .helpers import copy_example, in_fresh_thread, run, serving

HERE = Path(__file__).resolve().parent
SURFACES = HERE / "hostile" / "surfaces"
MINIMAL = HERE / "minimal.yaml"
WELSH = SURFACES / "welsh.yaml"


def one_error(code: int, out: str, err: str, message: str) -> str:
    """The command failed in located lines, without a traceback, and said `message`."""
    assert code == 1, (out, err)
    assert "Traceback" not in out + err and "please report this" not in out + err
    assert message in out + err, out + err
    return out + err


# -- 1. a date at the end of the calendar ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "where"),
    [
        ("due-9999-12-31.yaml", ":28:16: response.recommendations[0].actions[0].due:"),
        ("published-december-9999.yaml", ":13:14: report.published:"),
    ],
)
def test_a_date_past_the_year_9000_is_a_located_error_in_every_verb(fixture: str, where: str, tmp_path: Path) -> None:
    spec = SURFACES / fixture
    message = f"{spec}{where} expected a date in the year 9000 or before, got 9999-12-"
    for argv in (
        ["deadlines", spec, "-o", tmp_path / "d.ics"],
        ["register", spec, "-o", tmp_path / "r.csv"],
    ):
        one_error(*run(*argv), message)
    code, out, _ = run("validate", spec)
    assert code == 1 and f"{spec}: invalid" in out
    assert not list(tmp_path.iterdir())


# -- 2. a layout name no file system can hold ------------------------------------------------------


def test_a_layout_name_of_300_letters_is_a_located_error_in_every_verb(tmp_path: Path) -> None:
    spec = SURFACES / "layout-name-300-letters.yaml"
    message = f"{spec}:3:9: layout: string should have at most 64 characters"
    for argv in (
        ["validate", spec],
        ["register", spec, "-o", tmp_path / "r.xlsx"],
        ["progress", spec, "-o", tmp_path / "p.pdf"],
        ["deadlines", spec, "-o", tmp_path / "d.ics"],
        ["render", spec, "-o", tmp_path / "out"],
    ):
        one_error(*run(*argv), message)
    state = preview_module.Preview(spec).refresh()  # the preview starts, and shows the problem
    assert state.stale and state.problems[0].message.startswith("string should have at most 64")


# -- 3, 4, 5. office catalogues: their headers and plural forms are the office's own code ---------


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("catalogue-charset-bogus", "the catalogue's header names the character set 'bogus', which is not one text"),
        ("catalogue-charset-hex", "the catalogue's header names the character set 'hex', which is not one text"),
        ("catalogue-mo-charset-bogus", "the catalogue's header names the character set 'bogus', which is not one"),
        # found by the long fuzz run: a NUL in the name was a ValueError from codecs.lookup
        ("catalogue-mo-charset-with-nul", "the catalogue's header names the character set 'ut?f8', which is not one"),
        (
            "catalogue-plural-divides-by-zero",
            "the catalogue's Plural-Forms fails for 0 (ZeroDivisionError: integer division or modulo by zero)",
        ),
        (
            "catalogue-thirty-million-plurals",
            "the catalogue's header declares nplurals=30000000; a language has from 1 to 6 plural forms",
        ),
    ],
)
def test_a_hostile_catalogue_header_is_one_located_error(fixture: str, message: str, tmp_path: Path) -> None:
    templates = SURFACES / fixture
    suffix = ".mo" if "-mo-" in fixture else ".po"
    where = f"{templates / 'locale' / 'cy' / 'LC_MESSAGES' / ('messages' + suffix)}: {message}"
    one_error(*run("validate", "--templates", templates, WELSH), where)
    code, out, err = run("render", "--templates", templates, WELSH, "-o", tmp_path, "--format", "html")
    one_error(code, out, err, where)
    assert out == "0 rendered, 1 failed\n"
    assert not list(tmp_path.iterdir())


def test_the_catalogues_of_the_fixtures_are_otherwise_sound(tmp_path: Path) -> None:
    # The same folder with a sound header renders: each fixture is wrong in its header alone.
    templates = tmp_path / "templates"
    shutil.copytree(SURFACES / "catalogue-charset-bogus", templates)
    po = templates / "locale" / "cy" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace("charset=bogus", "charset=utf-8"))
    assert run("render", "--templates", templates, WELSH, "-o", tmp_path / "out", "--format", "html")[0] == 0
    assert "2 argymhelliad" in (tmp_path / "out" / "welsh.html").read_text()


# -- 6. CSS nested past what the parsers recurse through -------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "where"), [("css-nested-1000-deep", ":2:69:"), ("css-calc-nested-3000-deep", ":2:171:")]
)
def test_css_nested_thousands_deep_is_a_located_error(fixture: str, where: str, tmp_path: Path) -> None:
    templates = SURFACES / fixture
    message = f"{templates / 'letter.css'}{where} CSS nested more than 32 levels deep"
    one_error(*run("validate", "--templates", templates, MINIMAL), message)
    for formats in ("pdf", "html", "docx"):
        code, out, err = run("render", "--templates", templates, MINIMAL, "-o", tmp_path, "--format", formats)
        one_error(code, out, err, message)
    assert not list(tmp_path.iterdir())


def test_the_nesting_count_skips_comments_and_strings() -> None:
    from jtai_letters.checks.css import too_deep

    assert too_deep("/* " + "{" * 100 + ' */ a { content: "' + "(" * 100 + '" }') is None
    assert too_deep("a" + "{" * 33) == (1, 34)
    assert too_deep("a" + "{}" * 1000) is None


# -- 7. a layout that prints nothing ---------------------------------------------------------------


def test_a_layout_that_is_only_its_comment_is_refused_by_validate_and_render(tmp_path: Path) -> None:
    templates = SURFACES / "layout-only-a-comment"
    message = f"{templates / 'statement.html.j2'}: layout 'statement' printed nothing"
    one_error(*run("validate", "--templates", templates, MINIMAL), message)
    one_error(*run("render", "--templates", templates, MINIMAL, "-o", tmp_path, "--format", "pdf,docx,html"), message)
    state = preview_module.Preview(MINIMAL, Options(templates_dir=templates)).refresh()
    assert state.stale and state.problems[0].message.startswith("layout 'statement' printed nothing")


# -- 8, 9, 10. the preview -------------------------------------------------------------------------


def asgi_get(app: Any, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET through the application, as uvicorn would send it; (status, headers, body)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8055),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # A thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    in_fresh_thread(lambda: asyncio.run(app(scope, receive, send)))
    start = sent[0]
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


def test_a_download_of_a_spec_with_a_welsh_name_carries_its_name_encoded(tmp_path: Path) -> None:
    spec = tmp_path / "ymateb-ŵyl.yaml"
    shutil.copy(SURFACES / "ymateb-ŵyl.yaml", spec)
    preview = preview_module.Preview(spec, Options(formats=("docx",)))
    preview.refresh()
    status, headers, body = asgi_get(preview_module.application(preview), "/letter.docx")
    assert status == 200 and body.startswith(b"PK")
    assert headers["content-disposition"] == (
        "attachment; filename=\"ymateb-_yl.docx\"; filename*=UTF-8''ymateb-%C5%B5yl.docx"
    )


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ('say "hi".pdf', "attachment; filename=\"say _hi_.pdf\"; filename*=UTF-8''say%20%22hi%22.pdf"),
        (
            "a\r\nSet-Cookie: x.pdf",
            "attachment; filename=\"a__Set-Cookie: x.pdf\"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x.pdf",
        ),
    ],
)
def test_quotes_and_line_breaks_in_a_name_cannot_break_the_header(name: str, header: str) -> None:
    assert preview_module.content_disposition(name) == header
    assert "\r" not in header and "\n" not in header
    header.encode("latin-1")  # what the server sends headers in


def test_a_refresh_that_fails_unexpectedly_shows_the_fault_and_keeps_the_live_reload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "spec.yaml"
    shutil.copy(MINIMAL, spec)
    preview = preview_module.Preview(spec)
    assert not preview.refresh().stale

    def broken(*args: object, **kwargs: object) -> object:
        raise LookupError("unknown encoding: bogus")

    from jtai_letters.pipeline import inspect as inspect_module  # the preview renders through inspect

    monkeypatch.setattr(inspect_module, "render", broken)
    state = preview.refresh()  # raised out of the watcher before, which then stopped for good
    assert state.stale and state.version == 2 and state.page_version == 1
    assert [str(p) for p in state.problems] == [
        f"{spec}: could not be rendered (LookupError: unknown encoding: bogus); please report this"
    ]
    assert "No problems found" not in preview_module.problems_html(state)


def test_the_preview_watches_the_folder_its_spec_sits_in_so_a_folder_made_again_is_seen(tmp_path: Path) -> None:
    folder = tmp_path / "responses"
    folder.mkdir()
    spec = folder / "spec.yaml"
    shutil.copy(MINIMAL, spec)
    preview = preview_module.Preview(spec)
    preview.refresh()
    assert tmp_path in preview.folders() and folder in preview.folders()
    shutil.rmtree(folder)
    assert folder not in preview.folders() and tmp_path in preview.folders()  # watched through its parent
    assert preview.relevant(Change.added, str(folder))  # made again: noticed
    assert preview.relevant(Change.deleted, str(folder))
    assert not preview.relevant(Change.added, str(tmp_path / "elsewhere"))


def test_a_download_being_made_when_the_server_stops_does_not_hold_it() -> None:
    # Downloads are made in a thread of their own, so asyncio.run (the server) ends without waiting for it.
    release, started = threading.Event(), threading.Event()

    def slow(fmt: str) -> bytes:
        started.set()
        release.wait(30)
        return b""

    async def main() -> None:
        task = asyncio.ensure_future(preview_module._in_own_thread(slow, "pdf"))
        await asyncio.to_thread(started.wait, 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    in_fresh_thread(lambda: asyncio.run(main()))
    assert not release.is_set()  # the slow letter is still being made, and the loop has ended
    release.set()


def test_half_a_request_is_closed_after_its_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from uvicorn.server import ServerState

    timers: list[Any] = []

    class Loop:
        def call_later(self, delay: float, callback: Any) -> None:
            timers.append((delay, callback))

    class Transport:
        closed = False

        def get_extra_info(self, name: str) -> Any:
            return ("127.0.0.1", 1) if name in ("peername", "sockname") else None

        def is_closing(self) -> bool:
            return self.closed

        def close(self) -> None:
            self.closed = True

        def set_write_buffer_limits(self, *args: Any, **kwargs: Any) -> None:
            pass

    config = uvicorn.Config(lambda *a: None, http=preview_module._TimedProtocol)
    config.load()
    protocol = preview_module._TimedProtocol(config, ServerState(), config.lifespan_class, Loop())  # type: ignore[arg-type]
    transport = Transport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    protocol.data_received(b"GET / HTTP/1.1\r\nHo")  # and then nothing more
    [(delay, fire)] = timers
    assert delay == preview_module.REQUEST_SECONDS
    fire()
    assert transport.closed


@pytest.mark.parametrize("when", ["being made", "being sent"])
def test_ctrl_c_during_a_large_download_ends_the_preview_cleanly(when: str, tmp_path: Path) -> None:
    # The preview in its own process, a client asking for a letter of megabytes, then Ctrl-C while the
    # letter is being made or halfway through sending it: the server ends with exit code 0 and nothing
    # on standard error (`serving` checks both, with a hang guard). It printed a CancelledError
    # traceback and took 7.5 s before, waiting for the letter it was making.
    from PIL import Image

    spec = copy_example(tmp_path, "loamshire-2025-domestic-abuse.yaml")
    noise = random.Random(28).randbytes(1000 * 1000 * 3)  # no compression shrinks it: a PDF of megabytes
    Image.frombytes("RGB", (1000, 1000), noise).save(tmp_path / "profiles" / "loamshire-logo.png")
    with serving("preview", spec) as (url, process):
        port = urlsplit(url).port or 0
        with socket.create_connection(("127.0.0.1", port), timeout=300) as ready:  # after the first render
            ready.sendall(b"GET /letter HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert ready.recv(12) == b"HTTP/1.1 200"
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a slow reader: it takes little at a time
        client.settimeout(300)  # a hang guard
        client.connect(("127.0.0.1", port))
        client.sendall(b"GET /letter.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        if when == "being made":
            time.sleep(0.5)  # the PDF of a noise image takes seconds; if it is made sooner, Ctrl-C cuts its sending
        else:
            while b"\r\n\r\n" not in received:
                received += client.recv(4096)
            head = received.split(b"\r\n\r\n", 1)[0]
            assert head.startswith(b"HTTP/1.1 200 "), head
            length = re.search(rb"(?im)^content-length: (\d+)", head)
            assert length is not None and int(length.group(1)) > 3_000_000
            received += client.recv(4096)  # the letter is on its way
    assert process.returncode == 0
    with contextlib.suppress(ConnectionResetError):  # the rest was cut off, not sent before it stopped
        while chunk := client.recv(65536):
            received += chunk
    client.close()
    assert len(received) < 3_000_000  # no whole letter


# -- 11. a progress report's title is text like the spec's -----------------------------------------


def test_control_characters_in_a_progress_title_are_refused_for_every_format(tmp_path: Path) -> None:
    title = (SURFACES / "progress-title-with-controls.txt").read_text(encoding="utf-8")
    for suffix in ("docx", "pdf", "html"):
        code, out, err = run("progress", MINIMAL, "-o", tmp_path / f"p.{suffix}", "--title", title)
        assert (code, out) == (2, "")
        assert err == "error: --title contains the control character U+0001, which a letter cannot hold; delete it\n"
    bidi = title.replace("\x01", "")
    code, _, err = run("progress", MINIMAL, "-o", tmp_path / "p.pdf", "--title", bidi)
    assert code == 2 and "--title contains the bidirectional control U+202E" in err
    assert not list(tmp_path.iterdir())


# -- 12, 14, 15. the batch's manifest and journal are files others can write ----------------------


def _batched(tmp_path: Path) -> tuple[Path, Path]:
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    shutil.copy(MINIMAL, specs / "kept.yaml")
    assert run("batch", specs, "-o", out, "--jobs", "1", "--format", "docx")[0] == 0
    return specs, out


def _tamper(out: Path, fixture: str, **replace: str) -> None:
    text = (SURFACES / fixture).read_text()
    for old, new in replace.items():
        text = text.replace(old, new)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["letters"].update(json.loads(text))
    (out / "manifest.json").write_text(json.dumps(manifest))


def test_a_manifest_entry_whose_path_is_not_text_is_passed_over_by_prune(tmp_path: Path) -> None:
    specs, out = _batched(tmp_path)
    _tamper(out, "manifest-path-not-a-string.json")
    code, lines, err = run("batch", specs, "-o", out, "--jobs", "1", "--format", "docx", "--prune")
    assert code == 0, lines
    assert "Traceback" not in lines + err
    assert f"{out.resolve()}: not removed: the manifest names no file here (edited by hand?)" in lines.splitlines()
    assert (out / "kept.docx").is_file()
    assert "gone.yaml" not in json.loads((out / "manifest.json").read_text())["letters"]


def test_prune_removes_only_the_batchs_own_letters_inside_the_output_folder(tmp_path: Path) -> None:
    specs, out = _batched(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "kept.pdf").write_bytes(b"not a letter of this batch")
    absolute = tmp_path / "absolute.docx"
    absolute.write_bytes(b"nor this")
    (out / "linked.html").symlink_to(elsewhere / "kept.pdf")
    (out / "edited.pdf").write_bytes(b"edited since")
    import hashlib

    digest = hashlib.sha256(b"not a letter of this batch").hexdigest()
    _tamper(out, "manifest-prune-outside.json", ABSOLUTE=str(absolute), SHA256=digest)
    code, lines, _ = run("batch", specs, "-o", out, "--jobs", "1", "--format", "docx", "--prune")
    assert code == 0
    said = [line for line in lines.splitlines() if "removed" in line]
    root = out.resolve()
    assert said == [
        f"{root}/edited.pdf: not removed: it has changed since the batch wrote it",
        f"{root}/../elsewhere/kept.pdf: not removed: it is outside the output folder (the manifest was edited?)",
        f"{absolute}: not removed: it is outside the output folder (the manifest was edited?)",
        f"{root}/linked.html: not removed: it is outside the output folder (the manifest was edited?)",
    ]
    assert (elsewhere / "kept.pdf").read_bytes() == b"not a letter of this batch"
    assert absolute.read_bytes() == b"nor this"
    assert (out / "linked.html").is_symlink() and (out / "edited.pdf").is_file()


def test_the_journal_is_never_written_through_a_link(tmp_path: Path) -> None:
    shutil.copytree(SURFACES / "journal-linked-out", tmp_path / "case", symlinks=True)
    out, outside = tmp_path / "case" / "out", tmp_path / "case" / "outside-journal.txt"
    before = outside.read_bytes()
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(MINIMAL, specs / "a.yaml")
    assert run("batch", specs, "-o", out, "--jobs", "1", "--format", "docx")[0] == 0
    assert outside.read_bytes() == before  # appended to before
    # A dangling link: nothing is made where it points.
    outside.unlink()
    (out / ".manifest.journal").unlink(missing_ok=True)
    (out / ".manifest.journal").symlink_to(outside)
    assert run("batch", specs, "-o", out, "--jobs", "1", "--format", "docx", "--force")[0] == 0
    assert not outside.exists()


# -- 16. a templates folder's declarations ----------------------------------------------------------


def test_a_layouts_yaml_linked_out_of_its_folder_is_not_read(tmp_path: Path) -> None:
    templates = SURFACES / "layouts-yaml-linked-out"
    message = f"{templates / 'layouts.yaml'}: refused to read layouts.yaml: it is a link to a file outside"
    for argv in (["validate", "--templates", templates, MINIMAL], ["layouts", "--templates", templates]):
        code, out, err = run(*argv)
        text = one_error(code, out, err, message)
        said = text.replace(str(templates), "")  # the folder's own path may hold any word ("officer")
        assert "schema_version" not in said and "office" not in said.replace("Office", "")


# -- 17. an output never replaces an input ----------------------------------------------------------


def test_render_never_writes_a_letter_over_its_own_spec(tmp_path: Path) -> None:
    spec = tmp_path / "letter.html"
    shutil.copy(SURFACES / "spec-named-letter.html", spec)
    before = spec.read_bytes()
    code, out, err = run("render", spec, "-o", tmp_path, "--format", "html")
    one_error(code, out, err, f"{spec}: {spec} is a file this letter is made from; it is never written over")
    assert spec.read_bytes() == before


@pytest.mark.parametrize("verb", ["register", "progress", "deadlines"])
def test_the_tracking_verbs_never_write_over_a_spec(verb: str, tmp_path: Path) -> None:
    suffix = {"register": ".csv", "progress": ".pdf", "deadlines": ".ics"}[verb]
    spec = tmp_path / f"spec{suffix}"
    shutil.copy(MINIMAL, spec)
    before = spec.read_bytes()
    code, out, err = run(verb, spec, "-o", spec)
    assert (code, out) == (2, "")
    assert err == f"error: {spec}: is one of the specs read; name another file to write (-o)\n"
    assert spec.read_bytes() == before


# -- 13. a name tree that loops ---------------------------------------------------------------------


def test_a_name_tree_whose_kids_are_itself_is_refused_at_once(tmp_path: Path) -> None:
    pdf = SURFACES / "name-tree-kids-point-at-itself.pdf"
    for argv in (["extract-spec", pdf], ["extract-spec", pdf, "--to", tmp_path / "x"]):
        code, out, err = run(*argv)
        assert (code, out) == (2, "")
        assert err == (
            f"error: {pdf}: its attachments' name tree loops (a node is its own descendant): "
            "not an archival letter of jtai-letters\n"
        )
    assert not list(tmp_path.iterdir())


def test_the_fixtures_are_what_their_names_say() -> None:
    assert os.path.islink(SURFACES / "layouts-yaml-linked-out" / "layouts.yaml")
    assert os.path.islink(SURFACES / "journal-linked-out" / "out" / ".manifest.journal")
    assert len((SURFACES / "name-tree-kids-point-at-itself.pdf").read_bytes()) < 600


# -- 18, 19. Markdown that printed nothing ----------------------------------------------------------


def test_a_link_reference_definition_is_refused_with_a_hint(tmp_path: Path) -> None:
    spec = SURFACES / "markdown-reference-definition.yaml"
    message = (
        f"{spec}:23:7: response.context[1]: a link reference definition ('[label]: https://...') prints nothing "
        "in a letter, and '[words][label]' prints its brackets: write each link in place, as [words](https://...)"
    )
    one_error(*run("validate", spec), message)
    one_error(*run("render", spec, "-o", tmp_path, "--format", "html"), message)


def test_a_link_without_words_is_refused(tmp_path: Path) -> None:
    spec = SURFACES / "link-without-words.yaml"
    message = (
        f"{spec}:22:7: response.context[0]: the link to 'https://example.org/x' has no words: it prints nothing "
        "in the PDF and Word, and an empty link on the web page; write [what it is](...), for example the "
        "report's title"
    )
    one_error(*run("validate", spec), message)
    _code, out, _ = run("validate", "--format", "json", spec)
    assert json.loads(out)[0]["errors"][0]["rule"] == "link-words"


# -- 20. a cell longer than Excel holds -------------------------------------------------------------


def test_an_answer_longer_than_an_excel_cell_is_a_warning_naming_where_it_is_whole(tmp_path: Path) -> None:
    spec = SURFACES / "answer-longer-than-an-excel-cell.yaml"
    code, _out, err = run("register", spec, "-o", tmp_path / "register.xlsx")
    assert code == 0
    assert err == (
        f"{spec}: warning: register.xlsx: the answer of recommendation R1 is 33,999 characters; Excel holds "
        "32,767 in a cell, so the spreadsheet has only its start: the whole text is in the .csv and .json "
        "registers\n"
    )
    assert run("register", spec, "-o", tmp_path / "register.csv") == (
        0,
        f"{tmp_path / 'register.csv'}: 1 spec, 1 register row\n",
        "",
    )
    assert len((tmp_path / "register.csv").read_text(encoding="utf-8-sig")) > 33_999


# -- 21. two specs of one report in one calendar -------------------------------------------------------


def test_two_specs_of_the_same_report_give_events_with_their_own_stable_uids(tmp_path: Path) -> None:
    specs = [SURFACES / "same-report-a.yaml", SURFACES / "same-report-b.yaml"]

    def uids(*paths: Path) -> list[str]:
        target = tmp_path / "d.ics"
        assert run("deadlines", *paths, "-o", target)[0] == 0
        return [line for line in target.read_text().splitlines() if line.startswith("UID:")]

    both = uids(*specs)
    assert len(both) == 4 and len(set(both)) == 4  # a deadline and a due date each, none shared
    assert uids(*specs) == both  # the same export, the same UIDs
    alone = uids(specs[0])
    assert len(alone) == 2 and not set(alone) & set(both[:1])  # alone, it keeps the UIDs it always had


# -- 22. bounds on what a template and a progress report may build --------------------------------


@pytest.mark.parametrize("fixture", ["filter-chain-a-billion-long", "string-method-chain-a-billion-long"])
def test_a_filter_chain_that_multiplies_a_string_is_refused_before_it_is_built(fixture: str, tmp_path: Path) -> None:
    templates = SURFACES / fixture
    message = (
        f"{templates / 'statement.html.j2'}:7: layout 'statement' failed: the template built a value of "
        "16,777,216 items or characters; at most 5,000,000"
    )
    one_error(*run("validate", "--templates", templates, MINIMAL), message)


def test_progress_has_a_time_and_a_memory_limit(tmp_path: Path) -> None:
    spec = SURFACES / "progress-thousand-rows.yaml"
    target = tmp_path / "progress.pdf"
    code, out, err = run("progress", spec, "-o", target, "--timeout", "0.5")
    assert (code, out) == (1, "")
    assert err == f"{target}: took longer than 0.5 s and was stopped (see --timeout); nothing was written\n"
    code, out, err = run("progress", spec, "-o", target, "--memory", "64")
    assert (code, out) == (1, "")
    assert err == f"{target}: needed more than 64 MB and was stopped (see --memory); nothing was written\n"
    assert not target.exists()
    assert run("progress", MINIMAL, "-o", tmp_path / "small.html")[0] == 0  # within both, as before


# -- hardening ----------------------------------------------------------------------------------------


NAVIGATES = "which would take the reader elsewhere by itself; a page opens nothing on its own"


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("template-meta-refresh", f"the layout gives <meta> http-equiv=, {NAVIGATES}"),
        ("template-link-target-blank", f"the layout gives <a> target=, {NAVIGATES}"),
        ("template-form-button", "the layout has a <button>; the page runs and loads nothing"),
    ],
)
def test_a_template_cannot_make_the_web_page_navigate(fixture: str, message: str, tmp_path: Path) -> None:
    templates = SURFACES / fixture
    code, out, err = run("render", "--templates", templates, MINIMAL, "-o", tmp_path, "--format", "html")
    assert (code, out) == (1, "0 rendered, 1 failed\n")
    assert err == f"{MINIMAL}: web page not written: {message}\n"
    assert not list(tmp_path.iterdir())


def test_the_register_page_carries_a_content_security_policy(tmp_path: Path) -> None:
    from jtai_letters.tracking.register import REGISTER_POLICY

    assert run("register", MINIMAL, "-o", tmp_path / "r.html")[0] == 0
    head = (tmp_path / "r.html").read_text().split("</head>")[0]
    assert f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{REGISTER_POLICY}">' in head
    assert "default-src 'none'" in REGISTER_POLICY and "form-action 'none'" in REGISTER_POLICY


def test_extract_spec_writes_only_the_files_the_spec_names_and_escapes_what_it_prints(tmp_path: Path) -> None:
    pdf = SURFACES / "archive-with-a-makefile" / "letter.pdf"
    out = tmp_path / "out"
    code, printed, err = run("extract-spec", pdf, "--to", out)
    assert (code, printed) == (0, f"{out / 'spec.yaml'}\n")
    assert err.splitlines() == [
        f"{pdf}: not written: 'Makefile' is attached, but the spec does not name it",
        f"{pdf}: not written: '.git/hooks/pre-push' is attached, but the spec does not name it",
    ]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["spec.yaml"]
    code, printed, _ = run("extract-spec", pdf)
    assert code == 0 and "\x1b" not in printed and "\u202e" not in printed
    assert printed.endswith("# \\x1b[2J\\u202e a comment that would clear the terminal\n")


def test_a_letter_css_that_is_a_folder_or_a_fifo_is_an_error_not_a_letter_without_style(tmp_path: Path) -> None:
    folder = SURFACES / "letter-css-is-a-folder"
    fifo_folder = tmp_path / "fifo"
    shutil.copytree(folder, fifo_folder, ignore=shutil.ignore_patterns("letter.css"))
    os.mkfifo(fifo_folder / "letter.css")
    for templates in (folder, fifo_folder):
        message = f"{templates / 'letter.css'}: is not a stylesheet file (a folder, device or FIFO)"
        one_error(*run("validate", "--templates", templates, MINIMAL), message)
        one_error(*run("render", "--templates", templates, MINIMAL, "-o", tmp_path / "out", "--format", "pdf"), message)


def test_a_fifo_named_like_a_layout_is_said_to_be_one(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(
        SURFACES / "letter-css-is-a-folder", templates, ignore=shutil.ignore_patterns("*.css", "statement*")
    )
    os.mkfifo(templates / "statement.html.j2")
    message = f"layout: layout 'statement': {templates / 'statement.html.j2'} is not a template file (a folder, device or FIFO)"
    text = one_error(*run("validate", "--templates", templates, MINIMAL), message)
    assert "unknown layout" not in text


def test_an_image_a_profile_names_outside_its_folder_is_said_to_be_outside_the_profiles_folder() -> None:
    spec = SURFACES / "profile-logo-outside" / "responses" / "spec.yaml"
    profile = SURFACES / "profile-logo-outside" / "profiles" / "office.yaml"
    text = one_error(
        *run("validate", spec), f"{profile}:3:9: logo.path: '../outside-logo.png' points outside the profile's folder"
    )
    assert "spec's folder" not in text
