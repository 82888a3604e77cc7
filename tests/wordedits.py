"""Edits made to a letter's DOCX the way Word makes them, written with lxml: runs split mid-word
with rsid noise and proofing marks, tracked insertions and deletions with author and date,
comment ranges, smart tags, a list item added by copying a paragraph's numbering."""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from typing import Any

from lxml import etree

from jtai_letters.outputs.docx import anchor_name

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
AUTHOR, DATE = "Dana Whitlock", "2025-11-03T10:15:00Z"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Edited:
    """A DOCX package open for editing its body, comments and relationships."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.parts = {i.filename: self.zip.read(i.filename) for i in self.zip.infolist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])
        self.body = self.root.find(w("body"))
        self.comments: list[tuple[str, str]] = []
        self.revision = 100

    def save(self) -> bytes:
        self.parts["word/document.xml"] = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")
        if self.comments:
            self._comments_part()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)
        return out.getvalue()

    # -- finding anchors ------------------------------------------------------------------------

    def start(self, path: str, language: str = "") -> Any:
        for block in (True, False):
            name = anchor_name(path, language, block=block)
            found = self.root.xpath(f"//w:bookmarkStart[@w:name='{name}']", namespaces=NS)
            if found:
                return found[0]
        raise KeyError(path)

    def names(self) -> list[str]:
        """The anchors' bookmark names, in document order."""
        return [str(n) for n in self.root.xpath("//w:bookmarkStart/@w:name", namespaces=NS) if n.startswith("_jt")]

    def touch(self, name: str, words: str, *, tracked: bool = False) -> None:
        """`words` typed at the end of the anchor named `name` (inside it)."""
        start = self.root.xpath(f"//w:bookmarkStart[@w:name='{name}']", namespaces=NS)[0]
        end = self.root.xpath(f"//w:bookmarkEnd[@w:id='{start.get(w('id'))}']", namespaces=NS)[0]
        r = etree.Element(w("r"))
        r.set(w("rsidR"), "00D4E5F6")
        t = etree.SubElement(r, w("t"))
        t.text = words
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if tracked:
            holder = self._revision("ins")
            holder.append(r)
            r = holder
        end.addprevious(r)

    def paragraphs(self, path: str, language: str = "") -> list[Any]:
        """The paragraphs an anchor spans."""
        start = self.start(path, language)
        number = start.get(w("id"))
        first = next((a for a in start.iterancestors() if a.tag == w("p")), None)
        if first is None:  # a bookmark between paragraphs
            first = start.getnext()
        out = [first]
        p = first
        while not p.xpath(f".//w:bookmarkEnd[@w:id='{number}']", namespaces=NS):
            p = p.getnext()
            while p is not None and p.tag != w("p"):
                p = p.getnext()
            out.append(p)
        return out

    def run_with(self, path: str, words: str) -> Any:
        for p in self.paragraphs(path):
            for r in p.iter(w("r")):
                t = r.find(w("t"))
                if t is not None and t.text and words in t.text:
                    return r
        raise KeyError(f"{words!r} not in {path}")

    # -- edits ----------------------------------------------------------------------------------

    def _split(self, r: Any, words: str) -> tuple[Any, Any, Any]:
        """`r` split into three runs around `words`: before, the words, after (each with r's formatting)."""
        t = r.find(w("t"))
        text = t.text
        at = text.index(words)
        pieces = [text[:at], words, text[at + len(words) :]]
        made = []
        for piece in pieces:
            new = copy.deepcopy(r)
            new.find(w("t")).text = piece
            new.find(w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            new.set(w("rsidR"), "00A1B2C3")
            r.addprevious(new)
            made.append(new)
        r.getparent().remove(r)
        return made[0], made[1], made[2]

    def replace(self, path: str, old: str, new: str, *, tracked: bool = False) -> None:
        """Change `old` to `new` inside a field's text, typed (or as a tracked change)."""
        _, middle, _ = self._split(self.run_with(path, old), old)
        if not tracked:
            middle.find(w("t")).text = new
            return
        deleted = self._revision("del")
        gone = copy.deepcopy(middle)
        t = gone.find(w("t"))
        t.tag = w("delText")
        deleted.append(gone)
        inserted = self._revision("ins")
        added = copy.deepcopy(middle)
        added.find(w("t")).text = new
        inserted.append(added)
        middle.addprevious(deleted)
        middle.addprevious(inserted)
        middle.getparent().remove(middle)

    def _revision(self, kind: str) -> Any:
        self.revision += 1
        el = etree.Element(w(kind))
        el.set(w("id"), str(self.revision))
        el.set(w("author"), AUTHOR)
        el.set(w("date"), DATE)
        return el

    def append_words(self, path: str, words: str, *, tracked: bool = False, bold: bool = False) -> None:
        """Words typed at the end of a field's last paragraph (inside its anchor)."""
        last = self.paragraphs(path)[-1]
        end = last.xpath(".//w:bookmarkEnd", namespaces=NS)[-1]
        r = etree.Element(w("r"))
        r.set(w("rsidR"), "00D4E5F6")
        if bold:
            etree.SubElement(etree.SubElement(r, w("rPr")), w("b"))
        t = etree.SubElement(r, w("t"))
        t.text = words
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if tracked:
            holder = self._revision("ins")
            holder.append(r)
            r = holder
        end.addprevious(r)

    def split_runs(self) -> None:
        """Every run of more than one word split mid-word, with rsid noise and a proofing mark, as Word
        leaves a document typed in over several sessions."""
        for r in list(self.root.iter(w("r"))):
            t = r.find(w("t"))
            if t is None or not t.text or len(t.text) < 6 or r.getparent().tag == w("hyperlink"):
                continue
            cut = len(t.text) // 2
            first, second = copy.deepcopy(r), copy.deepcopy(r)
            first.find(w("t")).text = t.text[:cut]
            second.find(w("t")).text = t.text[cut:]
            for one, rsid in ((first, "00112233"), (second, "00445566")):
                one.find(w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                one.set(w("rsidR"), rsid)
                one.set(w("rsidRPr"), rsid)
            r.addprevious(first)
            proof = etree.Element(w("proofErr"))
            proof.set(w("type"), "spellStart")
            r.addprevious(proof)
            r.addprevious(second)
            r.getparent().remove(r)
        for p in self.root.iter(w("p")):
            p.set(w("rsidR"), "00778899")
            p.set(w("rsidRDefault"), "00778899")

    def smart_tag(self, path: str, words: str) -> None:
        """`words` wrapped in a smart tag, as Word marks a date or a place."""
        _, middle, _ = self._split(self.run_with(path, words), words)
        tag = etree.Element(w("smartTag"))
        tag.set(w("uri"), "urn:schemas-microsoft-com:office:smarttags")
        tag.set(w("element"), "place")
        middle.addprevious(tag)
        tag.append(middle)

    def add_list_item(self, path: str, after: str, words: str, *, tracked: bool = False) -> None:
        """A list item added after the one holding `after`, by copying its paragraph (and so its w:numPr)."""
        item = next(p for p in self.paragraphs(path) if after in "".join(p.itertext()))
        new = copy.deepcopy(item)
        for el in list(new):
            if el.tag != w("pPr"):
                new.remove(el)
        r = etree.SubElement(new, w("r"))
        t = etree.SubElement(r, w("t"))
        t.text = words
        if tracked:
            mark = new.find(w("pPr")).find(w("rPr"))
            if mark is None:
                mark = etree.SubElement(new.find(w("pPr")), w("rPr"))
            mark.append(self._revision("ins"))
            holder = self._revision("ins")
            new.remove(r)
            holder.append(r)
            new.append(holder)
        # The bookmark's end stays in the last paragraph of the field: a new last item takes it.
        ends = item.xpath("./w:bookmarkEnd", namespaces=NS)
        item.addnext(new)
        for end in ends:
            new.append(end)

    def new_paragraph(self, path: str, words: str, *, inside: bool = True) -> None:
        """A paragraph typed after a field's last one: inside its anchor (Enter before the anchor's end)
        or outside it."""
        last = self.paragraphs(path)[-1]
        p = etree.Element(w("p"))
        p_pr = last.find(w("pPr"))
        if p_pr is not None:
            p.append(copy.deepcopy(p_pr))
        r = etree.SubElement(p, w("r"))
        t = etree.SubElement(r, w("t"))
        t.text = words
        last.addnext(p)
        if inside:
            for end in last.xpath("./w:bookmarkEnd", namespaces=NS):
                p.append(end)

    def comment(self, path: str, words: str, text: str) -> None:
        """A comment on `words` of a field."""
        number = str(len(self.comments))
        _, middle, _ = self._split(self.run_with(path, words), words)
        start, end = etree.Element(w("commentRangeStart")), etree.Element(w("commentRangeEnd"))
        start.set(w("id"), number)
        end.set(w("id"), number)
        middle.addprevious(start)
        middle.addnext(end)
        ref = etree.Element(w("r"))
        etree.SubElement(ref, w("commentReference")).set(w("id"), number)
        end.addnext(ref)
        self.comments.append((number, text))

    def _comments_part(self) -> None:
        root = etree.Element(w("comments"), nsmap={"w": W})
        for number, text in self.comments:
            c = etree.SubElement(root, w("comment"))
            c.set(w("id"), number)
            c.set(w("author"), AUTHOR)
            c.set(w("date"), DATE)
            c.set(w("initials"), "DW")
            etree.SubElement(etree.SubElement(etree.SubElement(c, w("p")), w("r")), w("t")).text = text
        self.parts["word/comments.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        rels = etree.fromstring(self.parts["word/_rels/document.xml.rels"])
        rel = etree.SubElement(rels, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship")
        rel.set("Id", "rIdComments")
        rel.set("Type", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments")
        rel.set("Target", "comments.xml")
        self.parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
        types = etree.fromstring(self.parts["[Content_Types].xml"])
        over = etree.SubElement(types, "{http://schemas.openxmlformats.org/package/2006/content-types}Override")
        over.set("PartName", "/word/comments.xml")
        over.set("ContentType", "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml")
        self.parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")

    def colour(self, path: str, words: str) -> None:
        """`words` of a field coloured red."""
        _, middle, _ = self._split(self.run_with(path, words), words)
        r_pr = middle.find(w("rPr"))
        if r_pr is None:
            r_pr = etree.Element(w("rPr"))
            middle.insert(0, r_pr)
        etree.SubElement(r_pr, w("color")).set(w("val"), "FF0000")

    def add_action_row(self, path: str, cells: list[str]) -> None:
        """A row added below the action whose text anchor is `path`, its cells typed in."""
        start = self.start(path)
        row = next(a for a in start.iterancestors() if a.tag == w("tr"))
        new = copy.deepcopy(row)
        for el in new.xpath(".//w:bookmarkStart|.//w:bookmarkEnd", namespaces=NS):
            el.getparent().remove(el)
        for tc, words in zip(new.findall(w("tc")), cells, strict=True):
            p = tc.find(w("p"))
            for r in p.findall(w("r")) + p.findall(w("hyperlink")):
                p.remove(r)
            etree.SubElement(etree.SubElement(p, w("r")), w("t")).text = words
        row.addnext(new)

    def delete_paragraphs(self, path: str) -> None:
        """A field's paragraphs deleted, its bookmark with them (as Word deletes them)."""
        for p in self.paragraphs(path):
            p.getparent().remove(p)

    def delete_row(self, path: str) -> None:
        """The table row holding a field deleted."""
        row = next(a for a in self.start(path).iterancestors() if a.tag == w("tr"))
        row.getparent().remove(row)

    def clear(self, path: str) -> None:
        """Every word of a field deleted, its bookmark left empty where it was."""
        for p in self.paragraphs(path):
            for r in p.findall(w("r")):
                p.remove(r)

    def layout_words(self, old: str, new: str) -> None:
        """The layout's own words changed (a heading it prints, a label)."""
        for t in self.root.iter(w("t")):
            if t.text == old:
                t.text = new
                return
        raise KeyError(old)


def edit(data: bytes, *steps: Callable[[Edited], None]) -> bytes:
    doc = Edited(data)
    for step in steps:
        step(doc)
    return doc.save()
