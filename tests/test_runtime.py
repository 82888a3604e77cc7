"""Every verb works from a venv holding only the runtime dependencies (no test extras).

The venv is built once per set of dependencies and kept in pytest's cache (about
20 s the first time, from pip's cache); the package itself is run from this
checkout, so the test always runs the current code.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tomllib
import venv
from pathlib import Path

import pytest

from .helpers import ROOT

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def runtime_python(request: pytest.FixtureRequest) -> Path:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    key = hashlib.sha256("\n".join(dependencies).encode()).hexdigest()[:16]
    folder = Path(request.config.cache.mkdir(f"runtime-venv-{key}"))
    python = folder / "bin" / "python"
    if not (folder / "ready").exists():
        venv.create(folder, with_pip=True, clear=True)
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *dependencies],
            check=True,
            capture_output=True,
        )
        (folder / "ready").write_text("\n".join(dependencies))
    return python


def test_every_verb_runs_with_only_the_runtime_dependencies(runtime_python: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("VIRTUAL_ENV", None)

    def verb(*argv: str | Path) -> str:
        proc = subprocess.run(
            [runtime_python, "-m", "jtai_letters", *map(str, argv)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        assert (proc.returncode, proc.stderr) == (0, ""), argv
        return proc.stdout

    spec = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"
    absent = subprocess.run(
        [runtime_python, "-c", "import importlib.util as u; print([m for m in ('pytest', 'playwright', 'jsonschema') if u.find_spec(m)])"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert absent.stdout == "[]\n"
    assert "valid" in verb("validate", spec)
    verb("render", spec, "-o", tmp_path / "out", "--archive")
    verb("batch", TESTS / "minimal.yaml", "-o", tmp_path / "batch", "--jobs", "1")
    assert verb("extract-spec", tmp_path / "out" / f"{spec.stem}.pdf") == spec.read_text(encoding="utf-8")
    assert "letter" in verb("layouts")
    assert "layout: letter" in verb("new", "--layout", "letter")
    assert '"$schema"' in verb("schema")
    verb("render", spec, "-o", tmp_path / "web", "--format", "html")
    # Welsh words come from the committed compiled catalogue, dates from Babel, in every format
    welsh = ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml"
    verb("render", welsh, "-o", tmp_path / "cy", "--format", "docx,pdf,html")
    page = (tmp_path / "cy" / f"{welsh.stem}.html").read_text(encoding="utf-8")
    assert "Argymhellion" in page and "30 Hydref 2025" in page
    verb("register", spec, "-o", tmp_path / "register.xlsx", "--as-of", "2026-01-01")
    verb("progress", spec, "-o", tmp_path / "progress.pdf", "--as-of", "2026-01-01")
    verb("deadlines", spec, "-o", tmp_path / "d.ics")
    assert (tmp_path / "d.ics").read_text().startswith("BEGIN:VCALENDAR")
    for report in ("peel-2023-25-loamshire.html", "one-column-fraud.pdf"):  # draft reads pages and PDFs
        drafted = subprocess.run(
            [runtime_python, "-m", "jtai_letters", "draft", TESTS / "reports" / report],
            capture_output=True, text=True, env=env, cwd=tmp_path,
        )  # fmt: skip
        assert (drafted.returncode, "  recommendations:\n" in drafted.stdout) == (0, True), drafted.stderr
    # preview serves until stopped: its imports (the server and the file watcher) must be there
    subprocess.run([runtime_python, "-c", "import jtai_letters.faces.preview"], env=env, check=True)
    # The verbs that write: publish (the set), absorb (a letter's DOCX back into its spec), update (progress)
    office = tmp_path / "office"
    shutil.copytree(ROOT / "responses", office / "responses")
    shutil.copytree(ROOT / "profiles", office / "profiles")
    peel = office / "responses" / "loamshire-2025-peel.yaml"
    assert "9 files" in verb("publish", peel, "-o", office / "published", "--date", "2025-11-20")
    assert verb("absorb", office / "published" / f"{peel.stem}.docx", "--into", peel).startswith("0 changes")
    abuse = office / "responses" / "loamshire-2025-domestic-abuse.yaml"
    verb("update", abuse, "R1", "--action", "1", "--status", "complete", "--note", "Done.", "--date", "2026-01-10")
    assert "complete" in abuse.read_text(encoding="utf-8")
    subprocess.run([runtime_python, "-c", "import jtai_letters.faces.editor"], env=env, check=True)  # edit serves too
