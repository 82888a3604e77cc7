"""What keeps letters fast must not change them: a fast start, and images decoded once per worker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from jtai_letters import load_spec, render
from jtai_letters.outputs import pdf
from jtai_letters.pipeline import batch

from .helpers import RESPONSES, ROOT

WRITERS = ("weasyprint", "docx", "fontTools", "cffi")


def test_validate_and_layouts_never_import_the_writers() -> None:
    # A fresh interpreter: the test session itself has long imported WeasyPrint.
    code = (
        "import sys\n"
        "from jtai_letters.cli import main\n"
        f"for argv in (['validate', {str(RESPONSES)!r}], ['layouts']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(WRITERS)!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert "valid" in done.stdout and "narrative" in done.stdout  # both verbs ran
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _loamshire(folder: Path) -> Path:
    shutil.copytree(ROOT / "profiles", folder / "profiles")
    (folder / "responses").mkdir()
    spec = folder / "responses" / "loamshire-2025-domestic-abuse.yaml"
    shutil.copy(RESPONSES / spec.name, spec)
    return spec


def test_images_cached_across_letters_give_the_same_pdf(tmp_path: Path) -> None:
    spec = _loamshire(tmp_path)
    pdf._images.cache_clear()
    first = pdf.write(render(load_spec(spec)))
    assert pdf._images.cache_info().currsize == 1
    again = pdf.write(render(load_spec(spec)))  # logo and signature from the cache
    assert pdf._images.cache_info().hits >= 1
    assert again == first


def test_an_edited_logo_is_read_again(tmp_path: Path) -> None:
    spec = _loamshire(tmp_path)
    logo = tmp_path / "profiles" / "loamshire-logo.png"
    before = pdf.write(render(load_spec(spec)))
    with Image.open(logo) as image:
        image.convert("RGB").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(logo)
    stat = logo.stat()
    os.utime(logo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a coarse clock must still see it
    after = pdf.write(render(load_spec(spec)))
    assert after != before
    pdf._images.cache_clear()
    assert pdf.write(render(load_spec(spec))) == after


def test_the_pool_starts_at_the_first_letter_to_make_while_the_rest_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(ROOT / "tests" / "minimal.yaml", specs / f"{name}.yaml")
    paths = sorted(specs.glob("*.yaml"))
    assert batch.run(paths, tmp_path / "out", jobs=2).summary().startswith("3 rendered")
    (specs / "b.yaml").write_text((specs / "b.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    events: list[str] = []
    real_check, real_pool = batch._Unchanged.check, batch._Pool.__init__

    def check(self: batch._Unchanged, spec: str) -> batch.LetterStatus | None:
        events.append(f"check {Path(spec).name}")
        return real_check(self, spec)

    def pool(self: batch._Pool, jobs: int, args: tuple[object, ...]) -> None:
        events.append(f"start {jobs} worker(s)")
        real_pool(self, jobs, args)

    monkeypatch.setattr(batch._Unchanged, "check", check)
    monkeypatch.setattr(batch._Pool, "__init__", pool)
    report = batch.run(paths, tmp_path / "out", jobs=2)
    assert [s.status for s in report.letters] == ["skipped", "rendered", "skipped"]
    # Workers start at b, the first letter to make, before c is checked; two specs are left, so two workers.
    assert events == ["check a.yaml", "check b.yaml", "start 2 worker(s)", "check c.yaml"]
    events.clear()
    assert batch.run(paths, tmp_path / "out", jobs=2).summary().startswith("0 rendered, 3 skipped")
    assert "start" not in " ".join(events)  # nothing to make: no worker, no WeasyPrint


def test_writers_warm_up_before_the_first_letter_and_unknown_formats_are_left_to_it() -> None:
    code = (
        "import sys\n"
        "from jtai_letters import outputs\n"
        "outputs.warm_up(['docx', 'pdf', 'odt'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'docx', 'weasyprint'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "['docx', 'weasyprint']"


def test_a_template_compiles_once_for_every_language_and_an_edited_one_again(tmp_path: Path) -> None:
    # A fresh interpreter, so nothing is compiled yet: the bilingual letter renders in Welsh and in
    # English (two environments), and `layout_files` learns what each template includes without a parse.
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    code = (
        "import collections, shutil, sys\n"
        "from pathlib import Path\n"
        "from jtai_letters import load_spec, render\n"
        "from jtai_letters.letter import templates\n"
        "parsed = collections.Counter()\n"
        "original = templates.BoundedEnvironment._parse\n"
        "def counting(self, source, name, filename):\n"
        "    parsed[name] += 1\n"
        "    return original(self, source, name, filename)\n"
        "templates.BoundedEnvironment._parse = counting\n"
        f"folder = Path({str(folder)!r})\n"
        f"spec = load_spec({str(RESPONSES / 'tir-llechen-2025-domestic-abuse.yaml')!r})\n"
        "first = render(spec, folder)\n"
        "print(sorted(parsed.items()))\n"
        "parts = folder / '_parts.html.j2'\n"
        "parts.write_text(parts.read_text() + '{# edited #}')\n"
        "again = render(spec, folder)\n"
        "print(parsed['_parts.html.j2'], again.html == first.html)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    counts, after_edit = done.stdout.strip().splitlines()
    assert counts == "[('_base.html.j2', 1), ('_parts.html.j2', 1), ('letter.html.j2', 1)]"
    assert after_edit == "2 True"  # the edited file is compiled again, once, and still makes the same letter
