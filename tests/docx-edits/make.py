"""Makes the hostile documents in this folder from the tool's own DOCX of tests/minimal.yaml.

Run from the project's root after a change to the DOCX writer: `.venv/bin/python tests/docx-edits/make.py`.
Each file is one way an edited letter can be bad; tests/test_absorb_hostile.py says what absorb answers.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from jtai_letters.letter.render import render  # noqa: E402
from jtai_letters.outputs import docx  # noqa: E402
from jtai_letters.spec.load import load_spec  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _body(parts: dict[str, bytes], change: object) -> bytes:
    root = etree.fromstring(parts["word/document.xml"])
    change(root)  # type: ignore[operator]
    return _zip({**parts, "word/document.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8")})


def main() -> None:
    letter = docx.write(render(load_spec(HERE.parent / "minimal.yaml")))
    parts = _parts(letter)
    made: dict[str, bytes] = {}

    # A zip bomb: a document.xml of 60 MB of spaces, packed into a few kilobytes.
    xml = parts["word/document.xml"]
    made["zip-bomb.docx"] = _zip({**parts, "word/document.xml": xml[:-20] + b" " * (60 * 2**20) + xml[-20:]})

    # Nesting far deeper than any letter: 5,000 smart tags one inside the other.
    def deep(root: etree._Element) -> None:
        p = root.find(f"{{{W}}}body/{{{W}}}p")
        holder = p
        for _ in range(5000):
            holder = etree.SubElement(holder, f"{{{W}}}smartTag")

    made["deep-nesting.docx"] = _body(parts, deep)

    # Thousands of anchors: 25,000 bookmarks in one paragraph.
    def anchors(root: etree._Element) -> None:
        p = root.find(f"{{{W}}}body/{{{W}}}p")
        for i in range(25000):
            start = etree.SubElement(p, f"{{{W}}}bookmarkStart")
            start.set(f"{{{W}}}id", str(1000 + i))
            start.set(f"{{{W}}}name", f"_jtb_{i:016x}")

    made["thousands-of-anchors.docx"] = _body(parts, anchors)

    # An anchor whose name stands for no field of the spec (a bookmark made by hand, or a spec changed since).
    def bogus(root: etree._Element) -> None:
        start = root.find(f".//{{{W}}}bookmarkStart")
        start.set(f"{{{W}}}name", "_jtb_00000000deadbeef")

    made["bogus-anchor.docx"] = _body(parts, bogus)

    # No anchors at all: a Word document the tool did not make.
    def foreign(root: etree._Element) -> None:
        for el in root.iter(f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd"):
            el.getparent().remove(el)

    made["not-made-by-the-tool.docx"] = _body(parts, foreign)

    # A macro-enabled document, named .docx: its content type says what it is.
    types = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", MACRO_TYPE.encode()
    )
    made["macro-enabled.docx"] = _zip({**parts, "[Content_Types].xml": types, "word/vbaProject.bin": b"\0" * 64})
    made["macro-enabled.docm"] = letter

    # A password-protected document: Word stores it as an OLE compound file, not a zip.
    made["encrypted.docx"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"EncryptedPackage" + b"\0" * 1024

    # A document cut short in transfer.
    made["truncated.docx"] = letter[: len(letter) // 2]

    # document.xml broken inside.
    made["broken-xml.docx"] = _zip({**parts, "word/document.xml": parts["word/document.xml"][:-40]})

    for name, data in made.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
