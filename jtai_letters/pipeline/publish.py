"""`jtai-letters publish`: the set of files a response is published with, made once it is approved.

The set holds what each reader needs: the tagged PDF and the Word document (as `render` makes
them; the PDF an archive with `--archive`), the self-contained web page, an HTML fragment for the
office's content management system with its images and a README, the covering e-mails for the
s55(6) copies (`.eml`, the PDF attached: the office sends them from its own mail client; the tool
never sends mail), and `publication.json` naming every file with its SHA-256.

Nothing is half-written: the set is made in a temporary folder beside the output folder and moved
into place whole; a folder holding another response's set, or anything else, is never touched.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2

from jtai_letters import __version__
from jtai_letters.checks.sign_off import furthest
from jtai_letters.errors import Problem, SpecError, TemplateError, UsageError
from jtai_letters.letter.render import RenderedLetter
from jtai_letters.letter.templates import environment
from jtai_letters.outputs import fragment
from jtai_letters.pipeline.build import DEFAULTS, Options
from jtai_letters.pipeline.inspect import inspect
from jtai_letters.spec.load import LoadedSpec
from jtai_letters.spec.models import CopyRecipient, Publishing, ResponseSpec
from jtai_letters.spec.writer import SpecDocument

MANIFEST = "publication.json"
CMS = "cms"
EMAILS = "emails"
EMAIL_TEMPLATE = "publish/copy-email.txt.j2"
FORMATS = ("pdf", "docx", "html")

_README = """How to publish this response on the office's website

fragment.html is the letter's text as plain, semantic HTML: headings start at h{level},
links are kept, and it carries no styles, so the page takes the website's own look.

1. In the content management system, make a page for the response (its title is the
   page's own heading).
2. Upload the files in images/ to the media library, keeping their alternative text
   (it is in each <img alt="..."> of the fragment), and change each src="images/..."
   to the address the media library gives.
3. Switch the page's editor to its source or HTML view and paste fragment.html.
4. Check the page: the headings follow on from the page title, every link works,
   and each image has its alternative text.

Publish the PDF beside it ({pdf}): HMICFRS republishes it with its report.
"""


@dataclass
class Publication:
    """What `publish` made: the folder, its files, and the warnings found on the way."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    recorded: bool = False


def publish(
    path: str | Path,
    out_dir: str | Path,
    options: Options = DEFAULTS,
    *,
    strict: bool = False,
    heading_level: int | None = None,
    record_url: str | None = None,
    today: dt.date | None = None,
) -> Publication:
    """Check, then write the publication set of the approved spec at `path` into `out_dir`.

    Refuses a spec with errors (warnings too with `strict`) or without the step `approved`.
    With `record_url`, records the step `published` (dated `today`, with that URL) in the spec
    afterwards, through the round-trip writer, and checks the spec again.
    """
    source, out = Path(path), Path(out_dir)
    day = today or dt.date.today()
    # One inspection, as validate's and render's: every problem, the letter, and its three formats in memory.
    checked = inspect(source, replace(options, formats=FORMATS), until="write", strict=strict, as_of=day)
    if not checked.valid or checked.spec is None or checked.letter is None:
        raise SpecError(checked.errors + checked.warnings)
    loaded = checked.spec
    spec = loaded.spec
    _ready(loaded)
    level = heading_level if heading_level is not None else _settings(loaded).heading_level
    if not 1 <= level <= 6:
        raise UsageError(f"--heading-level must be 1 to 6, not {level}")
    _free_for(out, source, spec)
    published = furthest(spec.response.sign_off_steps, "published")
    url = record_url or (published.url if published else None)

    pdf_name = f"{source.stem}.pdf"
    files = {f"{source.stem}.{fmt}": data for fmt, data in checked.outputs.items()}
    files |= _cms(checked.letter, level, pdf_name)
    files |= _emails(loaded, options, files[pdf_name], pdf_name, url, day)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".publishing"))
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / MANIFEST).write_bytes(_manifest(source, spec, files, day))
        _move_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result = Publication(out, sorted(out / name for name in [*files, MANIFEST]), checked.warnings)
    if record_url:
        result.warnings += record_published(source, record_url, day, options)
        result.recorded = True
    return result


def _ready(loaded: LoadedSpec) -> None:
    spec, src = loaded.spec, loaded.source
    if furthest(spec.response.sign_off_steps, "approved") is None:
        message = (
            "not approved: publish needs the step `approved` (the commissioner's approval of the final text) "
            "in response.sign_off_steps; for example, under response:\n"
            "  sign_off_steps:\n"
            "    - step: approved\n"
            f"      date: {spec.response.date.isoformat()}"
        )
        at = ("response", "sign_off_steps") if spec.response.sign_off_steps else ("response",)
        raise SpecError(src.problem(at, message, rule="sign-off", kind="error"))
    _settings(loaded)
    if spec.office.email is None:
        raise SpecError(src.problem(("office",), "publish needs office.email: the copies' e-mails come from it"))


def _settings(loaded: LoadedSpec) -> Publishing:
    settings = loaded.spec.office.publishing
    if settings is None:
        message = (
            "publish needs office.publishing.copies_to: who the s55(6) copies are e-mailed to (the inspectors of "
            "constabulary and the Home Secretary), each with name and email; add it to the office profile"
        )
        raise SpecError(loaded.source.problem(("office",), message))
    return settings


def _free_for(out: Path, source: Path, spec: ResponseSpec) -> None:
    """Refuse a folder that holds anything but this response's earlier set."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(Problem("is not a folder: name a folder for the publication set", out))
    if not out.exists():
        return
    manifest = out / MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        try:
            earlier = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            earlier = None
        if isinstance(earlier, dict) and earlier.get("identity") == _identity(source, spec):
            return
        what = earlier.get("report") if isinstance(earlier, dict) else None
        message = f"holds the publication set of another response{f' ({what})' if isinstance(what, str) else ''}"
        raise UsageError(Problem(message + ": choose another folder", out))
    if any(out.iterdir()):
        raise UsageError(Problem("is not empty and holds no publication set: choose a new or empty folder", out))


def _identity(source: Path, spec: ResponseSpec) -> str:
    # The same response: the same spec file name, office, report and publication date.
    key = "\x1f".join([source.name, spec.office.name, spec.report.title, spec.report.published.isoformat()])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _move_into_place(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".old"))
    os.rmdir(old)
    os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _cms(letter: RenderedLetter, level: int, pdf_name: str) -> dict[str, bytes]:
    made = fragment.write(letter, level)
    files = {f"{CMS}/fragment.html": made.html, f"{CMS}/README.txt": _README.format(level=level, pdf=pdf_name).encode()}
    files |= {f"{CMS}/{fragment.IMAGES}/{name}": data for name, data in made.images.items()}
    return files


def _emails(
    loaded: LoadedSpec, options: Options, data: bytes, pdf_name: str, url: str | None, day: dt.date
) -> dict[str, bytes]:
    spec = loaded.spec
    settings = spec.office.publishing
    assert settings is not None and spec.office.email is not None  # _ready said so
    files = {}
    for n, recipient in enumerate(settings.copies_to, 1):
        subject, body = _email_text(spec, options, recipient, url)
        message = EmailMessage(policy=email.policy.SMTP)
        try:
            message["From"] = Address(display_name=spec.office.name, addr_spec=str(spec.office.email))
            message["To"] = Address(display_name=recipient.name, addr_spec=str(recipient.email))
            message["Subject"] = subject
        except (ValueError, TypeError) as e:
            raise SpecError(
                loaded.source.problem(("office", "publishing"), f"cannot address the e-mail: {e}")
            ) from None
        message["Date"] = format_datetime(dt.datetime.combine(day, dt.time(9), dt.UTC))
        digest = hashlib.sha256(data + str(recipient.email).encode()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@{str(spec.office.email).rpartition('@')[2]}>"
        message.set_content(body)
        message.add_attachment(data, maintype="application", subtype="pdf", filename=pdf_name)
        message.set_boundary(f"=_{digest}")  # not random: the same set, the same bytes
        slug = re.sub(r"[^a-z0-9]+", "-", recipient.name.lower()).strip("-")[:40] or "copy"
        files[f"{EMAILS}/{n:02d}-{slug}.eml"] = message.as_bytes()
    return files


def _email_text(spec: ResponseSpec, options: Options, recipient: CopyRecipient, url: str | None) -> tuple[str, str]:
    """(subject, body) from the office's e-mail template, or ours."""
    where = options.templates_dir / EMAIL_TEMPLATE
    try:
        text = (
            environment(options.templates_dir)
            .get_template(EMAIL_TEMPLATE)
            .render(spec=spec, office=spec.office, recipient=recipient, url=url)
        )
    except jinja2.TemplateNotFound:
        raise TemplateError(Problem(f"no {EMAIL_TEMPLATE} in the templates folder", where, rule="template")) from None
    except jinja2.TemplateError as e:
        raise TemplateError(Problem(f"template error: {e}", where, rule="template")) from None
    subject, _, body = text.strip().partition("\n")
    if not subject.strip() or not body.strip():
        raise TemplateError(Problem("the e-mail template must give a subject line, then the body", where))
    return subject.strip(), body.strip() + "\n"


def _manifest(source: Path, spec: ResponseSpec, files: dict[str, bytes], day: dt.date) -> bytes:
    manifest = {
        "identity": _identity(source, spec),
        "spec": source.name,
        "office": spec.office.name,
        "report": spec.report.title,
        "made_on": day.isoformat(),
        "tool": f"jtai-letters {__version__}",
        "files": [
            {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())
        ],
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def record_published(source: Path, url: str, day: dt.date, options: Options = DEFAULTS) -> list[Problem]:
    """Add the step `published` (dated `day`, at `url`) to the spec at `source`; the problems it then has."""
    doc = SpecDocument.read(source)
    doc.append("response.sign_off_steps", {"step": "published", "date": day, "url": url})
    doc.save()
    after = inspect(source, options, as_of=day)
    if not after.valid:
        raise SpecError(after.errors + after.warnings)
    return after.warnings


def verify(folder: Path) -> list[str]:
    """The files of the set at `folder` whose bytes no longer match its manifest (empty: all match)."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    bad = []
    for entry in manifest["files"]:
        target = folder / entry["path"]
        if not target.is_file() or hashlib.sha256(target.read_bytes()).hexdigest() != entry["sha256"]:
            bad.append(entry["path"])
    return bad
