"""From approved to published: the sign-off steps checked, and `publish` writing the whole set or nothing."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import json
import shutil
from email.message import EmailMessage
from pathlib import Path

import lxml.html
import pytest
from playwright.sync_api import BrowserContext

from jtai_letters import load_spec
from jtai_letters.checks.sign_off import Stage, stage
from jtai_letters.outputs import fragment
from jtai_letters.pipeline import publish as publishing
from jtai_letters.pipeline.publish import MANIFEST, verify

from .helpers import ROOT, run

SIGN_OFF = Path(__file__).resolve().parent / "sign-off"
PEEL = "loamshire-2025-peel"
DAY = "2025-11-20"


@pytest.fixture()
def office(tmp_path: Path) -> Path:
    """A copy of the examples and profiles, so publishing may record in the spec."""
    shutil.copytree(ROOT / "responses", tmp_path / "responses")
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    return tmp_path


def validate_lines(path: Path, *more: str) -> list[str]:
    _, out, _ = run("validate", *more, str(path))
    return out.splitlines()[:-1]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "out-of-order",
            ":31:13: response.sign_off_steps[0].date: approved is dated 1 October 2025, before chief_constable_invited "
            "(step 2, 5 October 2025); the steps go chief_constable_invited, chief_constable_comments_received, "
            "approved, published, copies_sent",
        ),
        (
            "published-unapproved",
            ":30:13: response.sign_off_steps[0].step: published without being approved: record the step approved "
            "(the commissioner's approval of the final text) before it",
        ),
        ("recorded-twice", ":32:13: response.sign_off_steps[1].step: approved is recorded twice (also as step 1)"),
        (
            "published-late",
            ":33:13: warning: response.sign_off_steps[1].date: published on 20 November 2025, after the s55 deadline "
            "(12 November 2025)",
        ),
        (
            "in-the-future",
            ":31:13: response.sign_off_steps[0].date: approved is dated 29 October 2025, after 25 October 2025: "
            "record a step once it has happened",
        ),
        ("url-on-approval", ":30:7: response.sign_off_steps[0]: 'url' belongs to the step published, not approved"),
        (
            "before-the-report",
            ":31:13: response.sign_off_steps[0].date: chief_constable_invited is dated 1 September 2025, before the "
            "report was published (18 September 2025)",
        ),
    ],
)
def test_each_sign_off_mistake_is_located(name: str, expected: str) -> None:
    path = SIGN_OFF / f"{name}.yaml"
    as_of = "2025-10-25" if name == "in-the-future" else "2025-12-31"
    assert validate_lines(path, "--as-of", as_of) == [f"{path}{expected}"]


def test_a_spec_with_its_steps_in_order_is_valid() -> None:
    assert validate_lines(SIGN_OFF / "approved.yaml", "--as-of", "2025-10-28") == []


def test_the_stage_and_what_is_due_next() -> None:
    spec = load_spec(SIGN_OFF / "approved.yaml").spec
    assert stage(spec) == Stage("approved", "s55 deadline", dt.date(2025, 11, 12))
    steps = spec.response.sign_off_steps[:1]
    invited = spec.model_copy(update={"response": spec.response.model_copy(update={"sign_off_steps": steps})})
    assert stage(invited) == Stage("chief_constable_invited", "chief constable's comments", dt.date(2025, 10, 10))
    assert stage(load_spec(ROOT / "tests" / "minimal.yaml").spec).step == "draft"


def test_publish_writes_the_whole_set(office: Path) -> None:
    spec, out = office / "responses" / f"{PEEL}.yaml", office / "set"
    code, printed, err = run("publish", str(spec), "-o", str(out), "--date", DAY)
    assert (code, err) == (0, "")
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == [
        "cms/README.txt",
        "cms/fragment.html",
        "cms/images/loamshire-signature.png",
        "emails/01-his-majesty-s-inspectorate-of-constabula.eml",
        "emails/02-the-home-secretary.eml",
        f"{PEEL}.docx",
        f"{PEEL}.html",
        f"{PEEL}.pdf",
        MANIFEST,
    ]
    assert printed.splitlines()[-1] == f"{out}: 9 files"
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["files"]] == names[:-1]
    assert verify(out) == []
    assert not [p for p in office.iterdir() if p.name.startswith(".set.")]  # no staging folder left


def test_the_cms_fragment_is_the_letter_without_furniture_or_styles(office: Path) -> None:
    out = office / "set"
    run("publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(out), "--date", DAY)
    html = (out / "cms" / "fragment.html").read_text(encoding="utf-8")
    assert not any(tag in html for tag in ("<html", "<head", "<body", "<style", "<header", "class=", "style="))
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    headings = [h.tag for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert headings[0] == "h2" and "h1" not in headings
    [img] = tree.iter("img")
    assert (img.get("src"), img.get("alt")) == ("images/loamshire-signature.png", "Signature of Priya Marsh")
    signature = ROOT / "profiles" / "loamshire-signature.png"
    assert (out / "cms" / "images" / "loamshire-signature.png").read_bytes() == signature.read_bytes()
    assert "Loamshire Police and Crime Commissioner" not in html  # the letterhead's logo alt: no letterhead


def test_the_fragment_keeps_links_and_languages(tmp_path: Path) -> None:
    from jtai_letters import render

    spec = load_spec(ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml")
    made = fragment.write(render(spec), 3)
    tree = lxml.html.fragment_fromstring(made.html.decode("utf-8"), create_parent="div")
    assert {e.get("lang") for e in tree.iter() if e.get("lang")} >= {"cy-GB", "en-GB"}
    assert min(int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")) == 3
    text = (ROOT / "tests" / "minimal.yaml").read_text(encoding="utf-8")
    linked = tmp_path / "linked.yaml"
    linked.write_text(
        text.replace(
            "- We welcome the report.", "- Read [the force's plan](https://www.loamshire-police.example/plan)."
        ),
        encoding="utf-8",
    )
    html = fragment.write(render(load_spec(linked))).html.decode("utf-8")
    assert '<a href="https://www.loamshire-police.example/plan">the force’s plan</a>' in html


def test_the_fragment_reads_as_wcag_aa_inside_a_plain_page(office: Path, browser: BrowserContext) -> None:
    from .browser import axe_violations

    out = office / "set"
    run("publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(out), "--date", DAY)
    body = (out / "cms" / "fragment.html").read_text(encoding="utf-8")
    page_file = out / "cms" / "page.html"
    page_file.write_text(
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Response</title></head>'
        f"<body><main><h1>Response</h1>{body}</main></body></html>",
        encoding="utf-8",
    )
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        assert axe_violations(page) == []
    finally:
        page.close()


def test_the_emails_carry_the_pdf_to_the_profiles_addresses(office: Path) -> None:
    out = office / "set"
    run("publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(out), "--date", DAY)
    pdf = (out / f"{PEEL}.pdf").read_bytes()
    sent = []
    for eml in sorted((out / "emails").glob("*.eml")):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        [attachment] = list(message.iter_attachments())
        assert attachment.get_filename() == f"{PEEL}.pdf"
        assert attachment.get_content() == pdf
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert "Section 55(6) of the Police Act 1996" in text and "None" not in text
        assert message["From"].addresses[0].addr_spec == "enquiries@loamshire-pcc.example"
        assert message["Date"] == "Thu, 20 Nov 2025 09:00:00 +0000"
        sent.append(message["To"].addresses[0].addr_spec)
        assert message["Subject"] == "Loamshire: response to PEEL 2025 – An inspection of Loamshire Police"
    assert sent == ["s55-responses@hmicfrs.example", "public.enquiries@homeoffice.example"]


def test_publishing_twice_gives_the_same_bytes(office: Path) -> None:
    spec = office / "responses" / f"{PEEL}.yaml"
    run("publish", str(spec), "-o", str(office / "a"), "--date", DAY)
    run("publish", str(spec), "-o", str(office / "b"), "--date", DAY)
    for path in (office / "a").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (office / "b" / path.relative_to(office / "a")).read_bytes(), path


def test_an_unapproved_spec_is_refused_and_nothing_is_written(office: Path) -> None:
    spec, out = office / "responses" / "loamshire-2025-domestic-abuse.yaml", office / "set"
    code, _, err = run("publish", str(spec), "-o", str(out))
    assert code == 1
    assert err.endswith(
        "response: not approved: publish needs the step `approved` (the commissioner's approval of the final text) "
        "in response.sign_off_steps; for example, under response:\n"
        "  sign_off_steps:\n"
        "    - step: approved\n"
        "      date: 2025-10-30\n"
    )
    assert sorted(p.name for p in office.iterdir()) == ["profiles", "responses"]


def test_a_spec_with_errors_is_refused(office: Path) -> None:
    spec = office / "responses" / f"{PEEL}.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("reference: OPCC/2025/131", "reference: TODO"), "utf-8")
    code, _, err = run("publish", str(spec), "-o", str(office / "set"))
    assert code == 1 and err.endswith(
        "response.reference: unfinished: 'TODO' is a placeholder; replace it with the real text\n"
    )
    assert not (office / "set").exists()


def test_a_folder_holding_another_responses_set_is_not_touched(office: Path) -> None:
    out = office / "set"
    run("publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(out), "--date", DAY)
    other = office / "responses" / "other.yaml"
    text = (office / "responses" / f"{PEEL}.yaml").read_text(encoding="utf-8")
    other.write_text(
        text.replace("title: PEEL 2025 – An inspection of Loamshire Police", "title: Another report"), "utf-8"
    )
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, _, err = run("publish", str(other), "-o", str(out), "--date", DAY)
    assert (code, err) == (
        2,
        f"error: {out}: holds the publication set of another response (PEEL 2025 – An inspection of Loamshire Police): choose another folder\n",
    )
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_folder_with_other_files_is_refused(office: Path) -> None:
    out = office / "set"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run("publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(out))
    assert (code, err) == (
        2,
        f"error: {out}: is not empty and holds no publication set: choose a new or empty folder\n",
    )


def test_a_profile_without_the_copies_addresses_is_named(office: Path) -> None:
    profile = office / "profiles" / "loamshire.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text[: text.index("# For `jtai-letters publish`")], encoding="utf-8")
    code, _, err = run("publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(office / "set"))
    assert code == 1
    assert err.endswith(
        "office: publish needs office.publishing.copies_to: who the s55(6) copies are e-mailed to (the inspectors of "
        "constabulary and the Home Secretary), each with name and email; add it to the office profile\n"
    )


@pytest.mark.parametrize("level", ["0", "7"])
def test_a_heading_level_out_of_range_is_refused(office: Path, level: str) -> None:
    code, _, err = run(
        "publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(office / "s"), "--heading-level", level
    )
    assert (code, err) == (2, f"error: --heading-level must be 1 to 6, not {level}\n")


def test_a_heading_level_too_deep_for_the_letter_is_refused(office: Path) -> None:
    code, _, err = run(
        "publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(office / "s"), "--heading-level", "5"
    )
    assert code == 1
    assert err.endswith(
        "fragment not written: with its first heading at h5, the letter's deepest heading would be h7; HTML stops "
        "at h6: choose a heading level of 4 or less\n"
    )
    assert not (office / "s").exists()


def test_a_failure_while_writing_leaves_the_earlier_set(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, out = office / "responses" / f"{PEEL}.yaml", office / "set"
    run("publish", str(spec), "-o", str(out), "--date", DAY)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args: object, **kwargs: object) -> fragment.Fragment:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fragment, "write", broken)
    with pytest.raises(OSError):
        publishing.publish(spec, out, today=dt.date(2025, 11, 21))
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in office.iterdir()) == ["profiles", "responses", "set"]


def test_record_adds_the_published_step_and_nothing_else(office: Path) -> None:
    spec = office / "responses" / f"{PEEL}.yaml"
    before = spec.read_text(encoding="utf-8")
    url = "https://www.loamshire-pcc.example/s55/peel-2025"
    code, printed, err = run("publish", str(spec), "-o", str(office / "set"), "--date", DAY, "--record", "--url", url)
    assert (code, err) == (0, "")
    assert printed.splitlines()[-1] == f"{office / 'set'}: 9 files; recorded as published in {spec}"
    assert spec.read_text(encoding="utf-8") == before + f"    - step: published\n      date: {DAY}\n      url: {url}\n"
    eml = next((office / "set" / "emails").glob("*.eml")).read_bytes()
    assert b"peel-2025" in eml  # the e-mail says where it is published
    assert validate_lines(spec, "--as-of", DAY) == []


def test_record_needs_a_url(office: Path) -> None:
    code, _, err = run("publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(office / "s"), "--record")
    assert (code, err) == (
        2,
        "error: --record and --url go together: --record --url https://... records where it is published\n",
    )


def test_the_manifest_names_each_files_hash(office: Path) -> None:
    out = office / "set"
    run("publish", str(office / "responses" / f"{PEEL}.yaml"), "-o", str(out), "--date", DAY)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    (out / f"{PEEL}.pdf").write_bytes(b"%PDF-tampered")
    assert verify(out) == [f"{PEEL}.pdf"]


def test_the_register_shows_each_drafts_stage_and_what_is_due_next(tmp_path: Path) -> None:
    out = tmp_path / "register.json"
    code, _, err = run("register", str(SIGN_OFF / "invited.yaml"), str(SIGN_OFF / "approved.yaml"), "-o", str(out))
    assert (code, err) == (0, "")
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["stage"], r["next_due"], r["next_due_date"]) for r in rows] == [
        ("chief constable invited to comment", "chief constable's comments", "2025-10-10"),
        ("approved", "s55 deadline", "2025-11-12"),
    ]


def test_the_calendar_holds_the_date_the_chief_constables_comments_are_due(tmp_path: Path) -> None:
    from icalendar import Calendar

    out = tmp_path / "deadlines.ics"
    code, printed, _ = run("deadlines", str(SIGN_OFF / "invited.yaml"), "-o", str(out), "--as-of", "2025-10-01")
    assert code == 0
    assert (
        printed
        == f"{out}: 1 spec, 1 s55 deadline, 1 date the chief constable's comments are due, 0 open action due dates\n"
    )
    events = {str(e["summary"]): e.decoded("dtstart") for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    assert events["Chief constable's comments due: Loamshire response to An inspection of Loamshire Police"] == dt.date(
        2025, 10, 10
    )


def test_from_a_saved_report_to_the_published_set(tmp_path: Path) -> None:
    """The officer's whole path: draft from the saved report, answer it, approve it, publish it."""
    from jtai_letters.spec.writer import SpecDocument

    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    spec = tmp_path / "spec.yaml"
    report = ROOT / "tests" / "reports" / "peel-2023-25-loamshire.html"
    code, _, err = run(
        "draft", str(report), "--profile", str(tmp_path / "profiles" / "loamshire.yaml"), "-o", str(spec)
    )
    assert code == 0, err
    doc = SpecDocument.read(spec)

    def answer(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                answer(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                answer(value, f"{path}[{i}]")
        elif isinstance(node, str) and node.startswith("TODO"):
            doc.set(path, dt.date(2025, 11, 20) if path == "response.date" else f"Our answer to {path}.")

    answer(doc.data, "")
    doc.append("response.sign_off_steps", {"step": "approved", "date": dt.date(2025, 11, 18), "by": "Priya Marsh"})
    doc.save()
    assert validate_lines(spec, "--as-of", DAY) == []
    out = tmp_path / "set"
    code, _, err = run("publish", str(spec), "-o", str(out), "--date", DAY)
    assert (code, err) == (0, "")
    drafted = load_spec(spec).spec
    page = (out / "cms" / "fragment.html").read_text(encoding="utf-8")
    text = " ".join(lxml.html.fragment_fromstring(page, create_parent="div").text_content().split())
    for item in drafted.report.recommendations:
        assert " ".join(item.text.split()).replace("'", "’") in text.replace("'", "’")  # quoted word for word
    message = email.message_from_bytes(next((out / "emails").glob("*.eml")).read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == (out / "spec.pdf").read_bytes()
