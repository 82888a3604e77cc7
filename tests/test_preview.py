"""`jtai-letters preview`: used as a person would, in real Chromium, while the spec is edited on disk."""

from __future__ import annotations

import http.client
import io
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from watchfiles import Change

from jtai_letters import cli
from jtai_letters.faces.preview import Preview, problems_html

from . import helpers
from .browser import axe_violations

EXAMPLE = "loamshire-2025-domestic-abuse.yaml"
SENTENCE = "I welcome HMICFRS’s report on how Loamshire Police responds to domestic abuse."


@dataclass
class Served:
    url: str
    spec: Path
    profile: Path
    process: subprocess.Popen[str]

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def copy_example(folder: Path, name: str = EXAMPLE) -> Path:
    """The example these tests use, with its office profile beside it."""
    return helpers.copy_example(folder, name)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`preview` on a copy of the example, in its own process, stopped with Ctrl-C (SIGINT) afterwards."""
    spec = copy_example(tmp_path)
    with helpers.serving("preview", spec) as (url, process):
        yield Served(url, spec, tmp_path / "profiles" / "loamshire.yaml", process)


def open_preview(browser: BrowserContext, served: Served) -> Page:
    page = browser.new_page()
    page.goto(served.url)
    page.evaluate("window.notReloaded = true")
    return page


def test_the_page_follows_each_save_without_a_reload(browser: BrowserContext, served: Served) -> None:
    page = open_preview(browser, served)
    try:
        letter = page.frame_locator("#letter")
        problems = page.locator("#problems")
        expect(letter.locator("main")).to_contain_text(SENTENCE)
        expect(problems).to_have_text("No problems found")

        # A changed sentence.
        served.edit(served.spec, "I welcome HMICFRS’s report", "I warmly welcome HMICFRS’s report")
        expect(letter.locator("main")).to_contain_text("I warmly welcome HMICFRS’s report")

        # An error: it is shown with its place in the file, and the last good letter stays, greyed.
        served.edit(served.spec, "published: 2025-09-18", "published: 18/09/2025")
        expect(problems).to_contain_text(
            f"{served.spec}:15:14: report.published: expected a date like 2020-03-30 (year-month-day), got '18/09/2025'; did you mean 2025-09-18?"
        )
        expect(page.locator("#letter")).to_have_class("letter stale")
        expect(letter.locator("main")).to_contain_text("I warmly welcome HMICFRS’s report")

        # The fix.
        served.edit(served.spec, "published: 18/09/2025", "published: 2025-09-18")
        expect(problems).to_have_text("No problems found")
        expect(page.locator("#letter")).to_have_class("letter")

        # The office profile is watched too, wherever it sits.
        served.edit(served.profile, "name: Office of the", "name: The Office of the")
        expect(letter.locator(".office-name")).to_have_text(
            "The Office of the Police and Crime Commissioner for Loamshire"
        )
        assert page.evaluate("window.notReloaded") is True
    finally:
        page.close()


def test_the_preview_page_is_accessible_and_offers_both_downloads(browser: BrowserContext, served: Served) -> None:
    page = open_preview(browser, served)
    try:
        expect(page.frame_locator("#letter").locator("main")).to_contain_text(SENTENCE)
        assert axe_violations(page) == []
        links = page.get_by_role("navigation", name="Downloads").get_by_role("link")
        assert [(a.inner_text(), a.get_attribute("href")) for a in links.all()] == [
            ("Download DOCX", "/letter.docx"),
            ("Download PDF", "/letter.pdf"),
        ]
        for fmt, magic in (("docx", b"PK\x03\x04"), ("pdf", b"%PDF-")):
            response = page.request.get(served.url + f"letter.{fmt}")
            assert response.status == 200
            assert response.body().startswith(magic)
            assert response.headers["content-disposition"] == f'attachment; filename="{served.spec.stem}.{fmt}"'
    finally:
        page.close()


REFUSED = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/letter/../../../etc/passwd",
    "//etc/passwd",
    "/etc/passwd",
    "/%2Fetc%2Fpasswd",
    "http://127.0.0.1/etc/passwd",  # an absolute request target
    "/loamshire-2025-domestic-abuse.yaml",
    "/responses/loamshire-2025-domestic-abuse.yaml",
    "/../profiles/loamshire.yaml",
    "/profiles/loamshire-logo.png",
    "/%2e%2e/profiles/loamshire-signature.png",
    "/static/",
    "/jtai_letters/preview.py",
]


def test_nothing_but_the_letter_and_its_page_is_served(served: Served) -> None:
    address = urlsplit(served.url)
    assert address.hostname == "127.0.0.1"

    def get(target: str, host: str = "127.0.0.1", method: str = "GET") -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    for target in REFUSED:
        status, body = get(target)
        assert status == 404, target
        assert b"root:" not in body and b"Loamshire" not in body and b"PNG" not in body, target
    assert get("/")[0] == 200
    assert get("/", host="evil.example")[0] == 400  # a foreign page reaching the server by DNS rebinding
    assert get("/letter", method="POST")[0] == 405


# -- without a browser --------------------------------------------------------------------------------


def test_a_spec_that_starts_broken_shows_its_errors_and_no_letter(tmp_path: Path) -> None:
    spec = copy_example(tmp_path)
    spec.write_text(spec.read_text(encoding="utf-8").replace("published: 2025-09-18", "published: soon"), "utf-8")
    preview = Preview(spec)
    state = preview.refresh()
    assert state.stale and state.letter is None
    assert b"No letter yet" in state.page
    assert preview.download("pdf") is None
    assert (
        f"{spec}:15:14: report.published: expected a date like 2020-03-30 (year-month-day), got &#x27;soon&#x27;"
        in problems_html(state)
    )


def test_problem_messages_are_shown_as_text(tmp_path: Path) -> None:
    spec = copy_example(tmp_path)
    text = spec.read_text(encoding="utf-8").replace("published: 2025-09-18", "published: <script>alert(1)</script>")
    spec.write_text(text, "utf-8")
    fragment = problems_html(Preview(spec).refresh())
    assert "<script>" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["preview", "missing.yaml", "--no-browser"], "missing.yaml: no such file"),
        (["preview", "x.yaml", "--port", "70000"], "expected a port number from 0 to 65535, got '70000'"),
    ],
)
def test_preview_usage_errors_are_one_line(argv: list[str], message: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(argv, out, err) == 2
    assert message in err.getvalue()
    assert len(err.getvalue().splitlines()) == 1


def test_saving_any_of_the_letters_files_re_renders_it(tmp_path: Path) -> None:
    spec = copy_example(tmp_path)
    preview = Preview(spec)
    preview.refresh()
    profiles = tmp_path / "profiles"
    saved = [spec, profiles / "loamshire.yaml", profiles / "loamshire-logo.png", profiles / "loamshire-signature.png"]
    templates = preview.options.templates_dir
    saved += [templates / "letter.html.j2", templates / "_parts.html.j2", templates / "letter.css"]
    assert all(preview.relevant(Change.modified, str(path)) for path in saved)
    assert not preview.relevant(Change.modified, str(profiles / "borsetshire.yaml"))
    assert not preview.relevant(Change.added, str(spec.with_name("notes.txt")))
    # Each folder, and the one it sits in: a folder deleted and made again is seen there.
    folders = {spec.parent, profiles, templates.resolve()}
    assert preview.folders() == sorted(folders | {f.parent for f in folders})


def test_a_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    spec = copy_example(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out, err = io.StringIO(), io.StringIO()
        assert cli.main(["preview", str(spec), "--port", str(port), "--no-browser"], out, err) == 2
    assert out.getvalue() == ""
    assert (
        err.getvalue()
        == f"error: cannot listen on 127.0.0.1:{port} (Address already in use); choose another port with --port\n"
    )
