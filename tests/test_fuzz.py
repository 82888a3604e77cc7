"""Every command, fed random and mutated specs, profiles, images and PDFs, and inputs built from
their grammar (specs, office templates folders with CSS and catalogues, PDF name trees, batch
manifests and journals, preview requests): exit code 0, 1 or 2, never an exception (in-process, a
traceback would be one), nothing written outside the output folder.

Seeded (`derandomize`), so a failure reproduces; sized to run in about a minute in all.
`JTAI_FUZZ_SCALE=N` multiplies every example count, for a long run by hand; tests/fuzzing.py counts the
examples and, in a long run, records every fault instead of stopping at the first (its docstring says how).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jtai_letters import cli
from jtai_letters.pipeline.build import Options

from .fuzzing import SCALE, TALLY, fuzzed
from .helpers import ROOT, in_fresh_thread

HERE = Path(__file__).resolve().parent
SPECS = [HERE / "minimal.yaml", *sorted((ROOT / "responses").glob("*.yaml"))]
PROFILE = ROOT / "profiles" / "loamshire.yaml"
LOGO = ROOT / "profiles" / "loamshire-logo.png"
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SPEC_TOKENS = [
    b"\n",
    b": ",
    b"- ",
    b"  ",
    b"&a ",
    b"*a",
    b"<<: ",
    b"!!python/object ",
    b"{",
    b"}",
    b"[",
    b"]",
    b"'",
    b'"',
    b"#",
    b"\t",
    b"\x00",
    b"\xff",
    "\u202e".encode(),
    b"1e400",
    b"9999-12-31",
    b"0000-01-01",
    b"{{ 7*7 }}",
    b"../../../etc/passwd",
    b"~",
    b"null",
    b"true",
    b"1.0",
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes, tokens: list[bytes]) -> bytes:
    """`original` with a few random edits: cuts, insertions of random bytes or YAML-ish tokens, repeats."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["cut", "bytes", "token", "repeat"]))
        if edit == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif edit == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif edit == "token":
            data[at:at] = draw(st.sampled_from(tokens))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 80))] * draw(st.integers(2, 40))
    return bytes(data)


@lru_cache(maxsize=1)
def archived() -> bytes:
    """The Loamshire example as an archival PDF: spec, profile and images attached."""
    with tempfile.TemporaryDirectory() as name:
        spec = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"
        assert (
            cli.main(["render", str(spec), "-o", name, "--archive", "--format", "pdf"], io.StringIO(), io.StringIO())
            == 0
        )
        return (Path(name) / f"{spec.stem}.pdf").read_bytes()


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh folder laid out like an office's: specs/, profiles/ (with images), out/."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        shutil.copytree(ROOT / "profiles", root / "profiles")
        (root / "responses").mkdir()
        try:
            yield root
        except Exception:
            TALLY.keep(root)  # a long run keeps a faulting example's folder
            raise


def files_outside_out(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "out" not in p.relative_to(root).parts
    }


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # WeasyPrint's own warnings become located problems in the batch/render work (issue 9b);
        # characters no font has, which it logs, are already a `font` warning here.
        if not record.name.startswith("weasyprint"):
            self.lines.append(f"{record.name}: {record.getMessage()}")


def check(argv: list[str | Path], root: Path) -> int:
    """Run one command: exit 0, 1 or 2, no traceback, no stray log line, nothing written outside out/."""
    before = files_outside_out(root)
    out, err = io.StringIO(), io.StringIO()
    logged = _Logged()
    logging.getLogger().addHandler(logged)
    TALLY.command([str(a) for a in argv])
    try:
        code = cli.main([str(a) for a in argv], out, err)
    finally:
        logging.getLogger().removeHandler(logged)
    TALLY.exited(code)
    assert code in (0, 1, 2), (code, err.getvalue())
    assert "Traceback" not in err.getvalue() + out.getvalue()
    assert logged.lines == [], "a library logged beside the one-line messages"
    assert files_outside_out(root) == before, "a file outside the output folder was written"
    return code


@settings(FUZZ, max_examples=150 * SCALE)
@given(st.data())
@fuzzed
def test_validate_survives_mutated_specs_and_profiles(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(SPECS))
    spec_bytes = data.draw(mutated(base.read_bytes(), SPEC_TOKENS))
    with workspace() as root:
        spec = root / "responses" / "spec.yaml"
        spec.write_bytes(spec_bytes)
        if data.draw(st.booleans()):
            (root / "profiles" / "loamshire.yaml").write_bytes(data.draw(mutated(PROFILE.read_bytes(), SPEC_TOKENS)))
        check(["validate", spec], root)
        check(["validate", "--format", "json", spec], root)


@settings(FUZZ, max_examples=12 * SCALE)
@given(st.data())
@fuzzed
def test_render_survives_any_text_and_mutated_images(data: st.DataObject) -> None:
    # Valid specs carrying any text, and the Loamshire letter with a damaged logo: both reach the writers.
    text = json.dumps(data.draw(st.text(min_size=1, max_size=300)), ensure_ascii=False)
    spec_text = data.draw(
        st.sampled_from(
            [
                (HERE / "minimal.yaml").read_text().replace("We welcome the report.", text),
                (ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml").read_text(),
            ]
        )
    )
    with workspace() as root:
        spec = root / "responses" / "spec.yaml"
        spec.write_text(spec_text, encoding="utf-8")
        logo = data.draw(
            st.one_of(st.just(LOGO.read_bytes()), mutated(LOGO.read_bytes(), [b"\x00" * 64, b"IDAT", b"<svg>"]))
        )
        (root / "profiles" / "loamshire-logo.png").write_bytes(logo)
        formats = data.draw(st.sampled_from(["pdf", "docx", "docx,pdf"]))
        archive = ["--archive"] if data.draw(st.booleans()) else []
        check(["render", spec, "-o", root / "out", "--format", formats, *archive], root)
        letter = root / "out" / "spec.pdf"
        if archive and letter.exists():  # an archival letter gives its files back
            assert check(["extract-spec", letter, "--to", root / "out" / "unpacked"], root) == 0


@settings(FUZZ, max_examples=6 * SCALE)
@given(st.data())
@fuzzed
def test_batch_survives_a_folder_of_mutated_specs(data: st.DataObject) -> None:
    with workspace() as root:
        minimal = (HERE / "minimal.yaml").read_text()
        for i in range(2):  # valid, with any text
            text = json.dumps(data.draw(st.text(min_size=1, max_size=200)), ensure_ascii=False)
            (root / "responses" / f"spec-{i}.yaml").write_text(minimal.replace("We welcome the report.", text))
        broken = data.draw(mutated(minimal.encode(), [b" ", b"x", b"\n", b"- ", b": "]))
        (root / "responses" / "spec-2.yaml").write_bytes(broken)
        check(["batch", root / "responses", "-o", root / "out", "--jobs", "1", "--format", "docx"], root)


@settings(FUZZ, max_examples=60 * SCALE)
@given(st.data())
@fuzzed
def test_extract_spec_survives_mutated_archival_pdfs(data: st.DataObject) -> None:
    pdf_bytes = data.draw(mutated(archived(), [b"/FlateDecode", b"/EF", b"/Names", b"endobj", b"0 R", b"\x00" * 16]))
    with workspace() as root:
        pdf = root / "letter.pdf"
        pdf.write_bytes(pdf_bytes)
        check(["extract-spec", pdf], root)
        check(["extract-spec", pdf, "--to", root / "out"], root)


@settings(FUZZ, max_examples=40 * SCALE)
@given(
    argv=st.lists(
        st.sampled_from(
            [
                "render",
                "validate",
                "new",
                "schema",
                "layouts",
                "extract-spec",
                "register",
                "progress",
                "deadlines",
                "--title",
                "\x01",
                "--as-of",
                "--timeout",
                "--memory",
                "--prune",
                "--archive",
                "out.ics",
                "out.xlsx",
                "--layout",
                "letter",
                "--published",
                "9999-12-31",
                "-o",
                "--format",
                "pdf,docx",
                "--jobs",
                "0",
                "--profile",
                "--profiles",
                "--templates",
                "/dev/zero",
                "--strict",
                "--force",
                "--to",
                ".",
            ]
        ),
        max_size=6,
    )
)
@fuzzed
def test_any_command_line_is_a_usage_error_at_worst(argv: list[str]) -> None:
    with workspace() as root:
        check([a if a != "." else str(root / "out") for a in argv], root)


# -- structure-aware: inputs built from their grammar, not from bytes --------------------------------
#
# Byte mutation cannot build a name tree that loops, a catalogue header with thirty million plural
# forms, CSS nested a thousand deep or a filter chain that multiplies a string: these strategies build
# each input kind from its grammar, so every verb meets the shapes an attacker would write.

DAYS = st.one_of(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from([dt.date(9999, 12, 31), dt.date(9000, 12, 31), dt.date(9001, 1, 1), dt.date(2017, 5, 2)]),
)
TOKENS = [
    "We welcome the report.",
    "[the plan](https://example.org/plan)",
    "[](https://example.org/x)",
    "[p]: https://example.org/plan",
    "See [the plan][p].",
    "[here](https://example.org/)",
    "[x](javascript:alert(1))",
    "**bold** and *em*",
    "- one\n- two",
    "1. one\n2. two",
    "# Heading",
    "> quoted",
    "\x01",
    "\u202e",
    "\u200b",
    "{{ 7*7 }}",
    "{% include '/etc/passwd' %}",
    "<script>alert(1)</script>",
    "&amp;",
    "TBC",
    "a" * 1200,
    "x" * 33_000,
    "\n\n",
    "'",
    '"',
]
TEXT = st.one_of(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4).map(" ".join),
    st.text(min_size=1, max_size=40),
)
DUE = st.one_of(
    DAYS,
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1990, 9999), st.integers(0, 13)),
    st.builds(lambda y, q: f"{y}-{(y + 1) % 100:02d} Q{q}", st.integers(1990, 9998), st.integers(0, 5)),
    TEXT,
)
STATUS = st.sampled_from(["complete", "in progress", "planned", "ongoing", "In Progress", "done", ""])
LAYOUT = st.one_of(
    st.sampled_from(["statement", "letter", "narrative"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=300),
)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, object]:
    """A spec as its schema shapes it, with any text, dates from the whole calendar, and due dates
    in every form (day, month, quarter, nonsense)."""
    ids = draw(st.lists(st.sampled_from(["R1", "R2", "R3", "AFI1"]), min_size=1, max_size=3, unique=True))

    def action() -> dict[str, object]:
        found: dict[str, object] = {"text": draw(TEXT)}
        if draw(st.booleans()):
            found["due"] = draw(DUE)
        if draw(st.booleans()):
            found["status"] = draw(STATUS)
        if draw(st.booleans()):
            found["owner"] = draw(TEXT)
        if draw(st.booleans()):
            found["updates"] = [{"date": draw(DAYS), "status": draw(STATUS), "note": draw(TEXT)}]
        return found

    office: dict[str, object] = {
        "name": draw(st.one_of(st.just("Office of the Police and Crime Commissioner for Loamshire"), TEXT)),
        "commissioner": "Priya Marsh",
        "role": "Police and Crime Commissioner",
        "area": draw(st.one_of(st.just("Loamshire"), TEXT)),
    }
    if draw(st.booleans()):
        office["language"] = draw(st.sampled_from(["en-GB", "cy-GB", "bilingual", "cy-GB+en-GB", "en-GB+cy-GB"]))
    return {
        "schema_version": 1,
        "layout": draw(LAYOUT),
        "office": office,
        "report": {
            "title": draw(TEXT),
            "kind": draw(st.sampled_from(["force-specific", "peel", "jtai", "national-thematic", "other", "x"])),
            "inspectorates": ["HMICFRS"],
            "published": draw(DAYS),
            "url": draw(st.sampled_from(["https://example.org/report", "file:///etc/passwd", "x"])),
            "force_inspected": True,
            "recommendations": [{"id": i, "text": draw(TEXT)} for i in ids],
        },
        "response": {
            "date": draw(DAYS),
            "recommendations": [
                {
                    "id": i,
                    "response": draw(TEXT),
                    "actions": [action() for _ in range(draw(st.integers(0, 3)))],
                }
                for i in ids
                if draw(st.integers(0, 4))
            ],
            "chief_constable": {"omitted_because": "no comments were received"},
            "copies": ["HMICFRS"],
            "local_actions": [action() for _ in range(draw(st.integers(0, 2)))],
        },
    }


def spec_text(spec: dict[str, object]) -> str:
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=10_000)


TRACKED = [
    ("register", ".xlsx"),
    ("register", ".csv"),
    ("register", ".json"),
    ("register", ".html"),
    ("deadlines", ".ics"),
    ("progress", ".html"),
    ("progress", ".docx"),
    ("progress", ".pdf"),
]


@settings(FUZZ, max_examples=40 * SCALE)
@given(data=st.data(), spec=specs())
@fuzzed
def test_every_verb_survives_specs_built_from_the_grammar(data: st.DataObject, spec: dict[str, object]) -> None:
    with workspace() as root:
        path = root / "responses" / "spec.yaml"
        path.write_text(spec_text(spec), encoding="utf-8")
        valid = check(["validate", "--format", "json", "--as-of", "2026-01-01", path], root) == 0
        verb, suffix = data.draw(st.sampled_from([*TRACKED, ("render", "")]))
        if verb == "render":
            formats = data.draw(st.sampled_from(["html", "docx", "html,docx"]))
            made = check(["render", path, "-o", root / "out", "--format", formats], root)
        else:
            made = check([verb, path, "-o", root / "out" / f"made{suffix}", "--as-of", "2026-01-01"], root)
        # What validate passes, every verb makes (and what it refuses, none does silently).
        assert made == 0 or not valid, verb


# An office's templates folder: layouts, CSS and catalogues from their grammars.

CSS_LEAF = st.sampled_from(["1px", "red", "0", "10%", '"("', "'{'", "url(x.png)", "var(--x)", "/* ( */", "\\(", ""])
CSS_VALUE = st.recursive(
    CSS_LEAF,
    lambda inner: st.builds(
        lambda f, args: f"{f}({' '.join(args)})",
        st.sampled_from(["calc", "min", "max", "var", "rgb", ""]),
        st.lists(inner, min_size=1, max_size=3),
    ),
    max_leaves=12,
)
CSS_DECLARATION = st.builds(
    lambda name, value: f"{name}: {value};",
    st.sampled_from(["color", "margin", "width", "font-size", "colr", "-weasy-hyphens", "--x", "content"]),
    CSS_VALUE,
)
CSS_RULE = st.recursive(
    st.builds(lambda d: "p { " + " ".join(d) + " }", st.lists(CSS_DECLARATION, max_size=3)),
    lambda inner: st.builds(
        lambda head, decls, rules: head + " { " + " ".join(decls) + " " + " ".join(rules) + " }",
        st.sampled_from(["body", "a", "@media print", "@page", "& b", "@supports (x: y)", "h1, h2"]),
        st.lists(CSS_DECLARATION, max_size=2),
        st.lists(inner, max_size=2),
    ),
    max_leaves=10,
)
CSS = st.one_of(
    st.lists(CSS_RULE, max_size=4).map("\n".join),
    st.integers(0, 3000).map(lambda n: "body" + "{a" * n + "}" * n),  # rules inside rules
    st.integers(0, 3000).map(lambda n: "p { width: " + "calc(" * n + "1px" + ")" * n + "; }"),
    st.integers(0, 3000).map(lambda n: "p { width: " + "(" * n + "; }"),  # never closed
    st.sampled_from(["@import url(x.css);", "p { background: url(https://example.org/x.png) }", "\x00", "}}}{{{"]),
)


@st.composite
def jinja_bodies(draw: st.DrawFn) -> str:
    """A layout's body: template code from the sandbox's reach, including what it must bound."""
    chain = draw(st.lists(st.integers(1, 1000), max_size=6))
    replaced = '{{ "x"' + "".join(f' | replace("x", "{"x" * k}")' for k in chain) + " }}"
    joined = "{{ ([" + ", ".join(['"' + "y" * 100 + '"'] * draw(st.integers(1, 50))) + "] * 1000) | join(','*1000) }}"
    pieces = [
        replaced,
        joined,
        "{{ report.title }}",
        "{{ report.title | center(" + str(draw(st.integers(0, 10**9))) + ") }}",
        "{% for i in range(" + str(draw(st.integers(0, 10**6))) + ") %}{{ i }}{% endfor %}",
        '{{ ngettext("%(num)s recommendation", "%(num)s recommendations", ' + str(draw(st.integers(0, 10**6))) + ") }}",
        '{{ _("Telephone:") }}',
        "{{ report.no_such_field }}",
        "{{ 1 / 0 }}",
        '{{ "%s" | format(report.title) }}',
        '{% include "statement.html.j2" %}',
        '{{ "x".replace("x", "xxxxxxxxxx" * 1000).replace("x", "xxxxxxxxxx" * 1000) }}',
        '<meta http-equiv="refresh" content="0;url=https://example.org/">',
        '<base href="https://example.org/">',
        '<form action="https://example.org/"><button>Go</button></form>',
        '<a href="https://example.org/" target="_blank">elsewhere</a>',
        "<style>" + draw(CSS) + "</style>",
        '<p style="' + draw(CSS_DECLARATION) + '">styled</p>',
        "{# layout: " + draw(st.text(max_size=20)) + " #}",
        "<p>Text</p>",
    ]
    return "\n".join(draw(st.lists(st.sampled_from(pieces), min_size=0, max_size=5)))


PLURAL_EXPRESSION = st.recursive(
    st.sampled_from(["n", "0", "1", "2", "n%10", "(n)"]),
    lambda inner: st.one_of(
        st.builds(lambda a, op, b: f"{a}{op}{b}", inner, st.sampled_from([*"+-*/%<>", "==", "!=", "&&", "||"]), inner),
        st.builds(lambda c, a, b: f"{c} ? {a} : {b}", inner, inner, inner),
        inner.map(lambda e: f"({e})"),
    ),
    max_leaves=8,
)


@st.composite
def catalogues(draw: st.DrawFn) -> str:
    """A Welsh `.po`: its header (charset, Plural-Forms) and one plural entry, from their grammar."""
    charset = draw(st.sampled_from(["utf-8", "UTF-8", "latin-1", "bogus", "hex", "rot13", "utf-16", "", "utf-8;x"]))
    nplurals = draw(st.one_of(st.integers(0, 8), st.integers(0, 10**12), st.just(30_000_000)))
    plural = draw(PLURAL_EXPRESSION)
    forms = "".join(
        f'msgstr[{i}] "{draw(st.sampled_from(["%(num)s argymhelliad", "%(num)999999999s", "%d", "", "ok"]))}"\n'
        for i in range(min(nplurals, 8))
    )
    header = (
        f'"Content-Type: text/plain; charset={charset}\\n"\n"Plural-Forms: nplurals={nplurals}; plural={plural};\\n"\n'
    )
    return (
        f'msgid ""\nmsgstr ""\n"Language: cy\\n"\n{header}\n'
        f'msgid "%(num)s recommendation"\nmsgid_plural "%(num)s recommendations"\n{forms}'
    )


LAYOUTS_YAML = st.sampled_from(
    [
        "statement:\n  description: one line\n",
        "statement:\n  requires:\n    report.summary: it opens with one\n",
        "statement:\n  requires: [no.such.field]\n",
        "statement: [a, list]\n",
        "- not a mapping\n",
        "statement:\n  colour: red\n",
        "{{{",
        "statement: &a\n  ignores: *a\n",
    ]
)
BASE = (HERE / "hostile-templates" / "css-import" / "_base.html.j2").read_text()


@settings(FUZZ, max_examples=40 * SCALE)
@given(data=st.data(), body=jinja_bodies(), css=CSS)
@fuzzed
def test_validate_and_render_survive_office_folders_built_from_their_grammar(
    data: st.DataObject, body: str, css: str
) -> None:
    with workspace() as root:
        templates = root / "templates"
        templates.mkdir()
        (templates / "_base.html.j2").write_text(BASE)
        (templates / "statement.html.j2").write_text(
            '{% extends "_base.html.j2" %}\n{% set title = report.title %}\n'
            "{% block layout_name %}statement{% endblock %}\n{% block body %}\n<h1>{{ title }}</h1>\n"
            + body
            + "\n{% endblock %}\n"
        )
        (templates / "letter.css").write_text(css)
        if data.draw(st.booleans()):
            (templates / "layouts.yaml").write_text(data.draw(LAYOUTS_YAML))
        welsh = data.draw(st.booleans())
        if welsh:
            folder = templates / "locale" / "cy" / "LC_MESSAGES"
            folder.mkdir(parents=True)
            po = data.draw(catalogues())
            (folder / "messages.po").write_text(po, encoding="utf-8")
            if data.draw(st.booleans()):
                (folder / "messages.mo").write_bytes(data.draw(mutated(_compiled_welsh(), [b"nplurals=", b"charset="])))
        spec = root / "responses" / "spec.yaml"
        text = (HERE / "minimal.yaml").read_text()
        spec.write_text(text.replace("  area: Loamshire", "  area: Loamshire\n  language: cy-GB") if welsh else text)
        valid = check(["validate", "--templates", templates, spec], root) == 0
        formats = data.draw(st.sampled_from(["html", "docx", "pdf", "html,docx"]))
        made = check(["render", "--templates", templates, spec, "-o", root / "out", "--format", formats], root)
        check(["layouts", "--templates", templates], root)
        # The writers refuse more than validate knows of: it is not told the formats, and a stylesheet that
        # loads another file (`@import`), or markup that navigates (`<meta http-equiv>`, `<base>`, a form,
        # `target=`), serves a PDF but not a web page that must stand alone and open nothing by itself.
        loads = re.search(
            r"@import|url\(\s*['\"]?(?!data:)|<meta http-equiv|<base |<form|<button|target=", css + body, re.I
        )
        assert made == 0 or not valid or "pdf" in formats or "docx" in formats or loads
        if made == 0 and "html" in formats:
            page = (root / "out" / "spec.html").read_text()
            assert 'http-equiv="refresh"' not in page and "<base " not in page and "<form" not in page


@lru_cache(maxsize=1)
def _compiled_welsh() -> bytes:
    return (ROOT / "templates" / "locale" / "cy" / "LC_MESSAGES" / "messages.mo").read_bytes()


# Archival PDFs whose attachments' name tree is a graph from its grammar: kids that point anywhere
# (themselves, their parents, nowhere), leaves that name any file.

ATTACHED_NAMES = st.sampled_from(
    ["spec.yaml", "profiles/p.yaml", "logo.png", "Makefile", ".git/hooks/pre-push", "../x", "/etc/x", "a\x1b[2Jb", ""]
)


@st.composite
def name_tree_pdfs(draw: st.DrawFn) -> bytes:
    nodes = draw(st.integers(1, 12))
    first = 3  # objects 1 and 2 are the catalog and the pages
    objects: list[bytes] = [b"", b""]
    files: list[bytes] = []
    for _ in range(nodes):
        if draw(st.booleans()):
            kids = draw(st.lists(st.integers(first - 1, first + nodes + 2), min_size=0, max_size=16))
            objects.append(b"<< /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] >>")
        else:
            pairs = []
            for _ in range(draw(st.integers(0, 3))):
                name = draw(ATTACHED_NAMES).encode("latin-1", "replace")
                data = draw(st.sampled_from([b"schema_version: 1\n", b"all: ; echo owned\n", b"\x89PNG\r\n\x1a\n"]))
                files.append(data)
                pairs.append((name, len(files)))
            objects.append(
                b"<< /Names ["
                + b" ".join(b"(%s) FILE%d" % (n.replace(b"(", b"").replace(b")", b""), i) for n, i in pairs)
                + b"] >>"
            )
    # The file specifications and their streams follow the tree's nodes.
    base = len(objects) + 1
    for i, data in enumerate(files, 1):
        spec_number, stream_number = base + 2 * (i - 1), base + 2 * (i - 1) + 1
        objects = [o.replace(b"FILE%d" % i, b"%d 0 R" % spec_number) for o in objects]
        objects.append(b"<< /Type /Filespec /F (f%d) /EF << /F %d 0 R >> >>" % (i, stream_number))
        objects.append(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>"
    objects[1] = b"<< /Type /Pages /Kids [] /Count 0 >>"
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@settings(FUZZ, max_examples=100 * SCALE)
@given(pdf_bytes=name_tree_pdfs())
@fuzzed
def test_extract_spec_survives_name_trees_built_from_their_grammar(pdf_bytes: bytes) -> None:
    with workspace() as root:
        pdf = root / "letter.pdf"
        pdf.write_bytes(pdf_bytes)
        check(["extract-spec", pdf], root)
        check(["extract-spec", pdf, "--to", root / "out"], root)
        written = {p.relative_to(root / "out").as_posix() for p in (root / "out").rglob("*") if p.is_file()}
        assert not written & {"Makefile", ".git/hooks/pre-push"}, written


# The batch's manifest and journal: JSON from its grammar, paths that lead anywhere.

JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=10,
)
MANIFEST_PATHS = st.sampled_from(["../victim.txt", "VICTIM", "kept.docx", "", "out", ".", "a/../../victim.txt"])


@lru_cache(maxsize=1)
def _batched() -> dict[str, bytes]:
    """A batch's output folder, made once: its files by name."""
    with workspace() as root:  # laid out as each example's, so the manifest's relative paths hold there
        shutil.copy(HERE / "minimal.yaml", root / "responses" / "kept.yaml")
        argv = ["batch", str(root / "responses"), "-o", str(root / "out"), "--jobs", "1", "--format", "docx"]
        assert cli.main(argv, io.StringIO(), io.StringIO()) == 0
        return {p.name: p.read_bytes() for p in (root / "out").iterdir()}


@settings(FUZZ, max_examples=12 * SCALE)
@given(data=st.data())
@fuzzed
def test_batch_prune_survives_manifests_and_journals_built_from_their_grammar(data: st.DataObject) -> None:
    with workspace() as root:
        out = root / "out"
        out.mkdir()
        for name, content in _batched().items():
            (out / name).write_bytes(content)
        (root / "victim.txt").write_text("not the batch's")
        shutil.copy(HERE / "minimal.yaml", root / "responses" / "kept.yaml")
        manifest = json.loads((out / "manifest.json").read_text())
        letters = manifest["letters"]
        for _ in range(data.draw(st.integers(1, 4))):
            record = {
                "path": data.draw(st.one_of(MANIFEST_PATHS, JSON)),
                "sha256": data.draw(st.one_of(st.just(hashlib.sha256(b"not the batch's").hexdigest()), JSON)),
            }
            entry = data.draw(st.one_of(JSON, st.just({"status": "rendered", "outputs": {"docx": record}})))
            letters[data.draw(st.sampled_from(["gone.yaml", "../gone.yaml", "kept.yaml", "x/y.yaml"]))] = entry
        text = json.dumps(manifest).replace("VICTIM", str(root / "victim.txt"))
        (out / "manifest.json").write_text(data.draw(st.one_of(st.just(text), JSON.map(json.dumps))))
        journal = out / ".manifest.journal"
        kind = data.draw(st.sampled_from(["lines", "link", "dangling"]))
        if kind == "lines":
            journal.write_text("\n".join(json.dumps(data.draw(JSON)) for _ in range(3)))
        else:
            journal.symlink_to(root / ("victim.txt" if kind == "link" else "nowhere.txt"))
        check(["batch", root / "responses", "-o", out, "--jobs", "1", "--format", "docx", "--prune"], root)
        assert (root / "victim.txt").read_text() == "not the batch's"
        assert not (root / "nowhere.txt").exists()


# The preview's web application: any request, for a spec built from the grammar.

PREVIEW_PATHS = st.one_of(
    st.sampled_from(
        ["/", "/letter", "/letter.docx", "/preview.css", "/preview.js", "/../etc/passwd", "//x", "/%2e%2e/"]
    ),
    st.text(min_size=1, max_size=30).map(lambda t: "/" + t),
)


@settings(FUZZ, max_examples=30 * SCALE)
@given(data=st.data(), spec=specs())
@fuzzed
def test_the_preview_answers_any_request_about_any_spec(data: st.DataObject, spec: dict[str, object]) -> None:
    from jtai_letters.faces import preview

    with workspace() as root:
        name = data.draw(st.sampled_from(["spec", "ymateb-ŵyl", 'say "hi"', "a\r\nb", "ä" * 100]))
        path = root / "responses" / f"{name}.yaml"
        path.write_text(spec_text(spec), encoding="utf-8")
        shown = preview.Preview(path, Options(formats=("docx",)))
        state = shown.refresh()  # raises nothing: a fault becomes a problem shown on the page
        assert state.problems or not state.stale
        app = preview.application(shown)
        for _ in range(data.draw(st.integers(1, 3))):
            method = data.draw(st.sampled_from(["GET", "POST", "HEAD", "OPTIONS"]))
            host = data.draw(st.sampled_from([b"127.0.0.1", b"localhost", b"evil.example", b"", b"\xff"]))
            asked = data.draw(PREVIEW_PATHS)
            TALLY.command(["preview", method, asked])
            status, headers = _asgi(app, method, asked, host)
            TALLY.exited(status)
            assert status in (200, 400, 404, 405, 409), status
            for value in headers.values():
                value.encode("latin-1")


def _asgi(app: object, method: str, path: str, host: bytes) -> tuple[int, dict[str, str]]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host)],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8055),
    }
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    # A thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    in_fresh_thread(lambda: asyncio.run(app(scope, receive, send)))  # type: ignore[operator]
    start = sent[0]
    headers = {bytes(k).decode("latin-1"): bytes(v).decode("latin-1") for k, v in start["headers"]}  # type: ignore[attr-defined]
    return int(start["status"]), headers  # type: ignore[call-overload]
