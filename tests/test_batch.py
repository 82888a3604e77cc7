"""batch: isolated failures, incremental re-runs the manifest makes safe, and plain output off a terminal."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from jtai_letters import cli

from .helpers import ROOT

HERE = Path(__file__).resolve().parent


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """Two good specs (two layouts), one bad one, and a private copy of the templates."""
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(HERE / "minimal.yaml", specs / "a-statement.yaml")
    shutil.copy(ROOT / "responses" / "nottinghamshire-2020-csa-family.yaml", specs / "b-letter.yaml")
    shutil.copy(HERE / "bad" / "wrong-date.yaml", specs / "c-bad.yaml")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def batch(workdir: Path, *extra: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    argv = ["batch", str(workdir / "specs"), "-o", str(workdir / "out"), "--templates", str(workdir / "templates")]
    code = cli.main([*argv, "--jobs", "1", *extra], out, io.StringIO())
    return code, out.getvalue().splitlines()


def statuses(lines: list[str]) -> dict[str, str]:
    return {Path(parts[1]).name: parts[0] for line in lines if len(parts := line.split()) == 2}


def test_a_bad_spec_fails_alone_and_is_listed_with_its_line(workdir: Path) -> None:
    code, lines = batch(workdir)
    assert code == 1
    assert statuses(lines) == {"a-statement.yaml": "rendered", "b-letter.yaml": "rendered", "c-bad.yaml": "failed"}
    bad = workdir / "specs" / "c-bad.yaml"
    assert (
        f"{bad}:13:14: report.published: expected a date like 2020-03-30 (year-month-day), got '18/09/2025'; did you mean 2025-09-18?"
        in lines
    )
    assert lines[-1].startswith("2 rendered, 0 skipped (unchanged), 1 failed in ")
    assert sorted(p.name for p in (workdir / "out").iterdir()) == [
        "a-statement.docx",
        "a-statement.pdf",
        "b-letter.docx",
        "b-letter.pdf",
        "manifest.json",
    ]


def test_output_off_a_terminal_has_no_control_codes(workdir: Path) -> None:
    _, lines = batch(workdir)
    assert not any("\x1b" in line or "\r" in line for line in lines)


def test_an_unchanged_batch_is_skipped_and_its_letters_stay_byte_identical(workdir: Path) -> None:
    batch(workdir)
    before = {p.name: p.read_bytes() for p in (workdir / "out").glob("*.*") if p.suffix != ".json"}
    code, lines = batch(workdir)
    assert code == 1  # the bad spec still fails
    assert statuses(lines) == {"a-statement.yaml": "skipped", "b-letter.yaml": "skipped", "c-bad.yaml": "failed"}
    assert {p.name: p.read_bytes() for p in (workdir / "out").glob("*.*") if p.suffix != ".json"} == before


def test_editing_a_layout_re_renders_only_the_letters_that_use_it(workdir: Path) -> None:
    batch(workdir)
    with (workdir / "templates" / "letter.html.j2").open("a") as f:
        f.write("{# edited #}\n")
    assert statuses(batch(workdir)[1])["b-letter.yaml"] == "rendered"
    assert statuses(batch(workdir)[1])["b-letter.yaml"] == "skipped"
    with (workdir / "templates" / "_parts.html.j2").open("a") as f:
        f.write("{# shared partial edited #}\n")
    s = statuses(batch(workdir)[1])
    assert (s["a-statement.yaml"], s["b-letter.yaml"]) == ("rendered", "rendered")


def test_editing_one_spec_re_renders_that_one(workdir: Path) -> None:
    batch(workdir)
    spec = workdir / "specs" / "a-statement.yaml"
    spec.write_text(spec.read_text().replace("We welcome the report.", "We welcome the report warmly."))
    s = statuses(batch(workdir)[1])
    assert (s["a-statement.yaml"], s["b-letter.yaml"]) == ("rendered", "skipped")


def test_a_deleted_or_altered_output_is_rendered_again(workdir: Path) -> None:
    batch(workdir)
    (workdir / "out" / "a-statement.pdf").unlink()
    pdf = workdir / "out" / "b-letter.pdf"
    original = pdf.read_bytes()
    pdf.write_bytes(original[:-5] + b"XXXXX")  # same size, different bytes
    s = statuses(batch(workdir)[1])
    assert (s["a-statement.yaml"], s["b-letter.yaml"]) == ("rendered", "rendered")
    assert pdf.read_bytes() == original


def _pinned_for_bytes() -> set[str]:
    pinned, counting = set(), False
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            counting = line.startswith("# (bytes)")
        elif "==" in line and counting:
            pinned.add(line.split("==")[0])
    return pinned


def test_an_upgrade_of_a_package_that_prints_renders_again(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jtai_letters.pipeline import batch as batch_module

    (workdir / "specs" / "c-bad.yaml").unlink()
    batch(workdir)
    assert set(statuses(batch(workdir)[1]).values()) == {"skipped"}
    upgraded = {**batch_module._versions(), "pillow": "99.0"}  # a Pillow upgrade re-encodes images differently
    monkeypatch.setattr(batch_module, "_versions", lambda: upgraded)
    assert set(statuses(batch(workdir)[1]).values()) == {"rendered"}


def test_force_renders_everything(workdir: Path) -> None:
    batch(workdir)
    s = statuses(batch(workdir, "--force")[1])
    assert (s["a-statement.yaml"], s["b-letter.yaml"]) == ("rendered", "rendered")


def test_the_manifest_records_inputs_outputs_and_tools(workdir: Path) -> None:
    batch(workdir)
    manifest = json.loads((workdir / "out" / "manifest.json").read_text())
    assert manifest["version"] == 2
    from jtai_letters.pipeline.batch import BYTE_PACKAGES

    # Every package that can change a letter's bytes: the ones constraints.txt pins under "(bytes)".
    assert set(manifest["tools"]) == {"jtai-letters", "code", *BYTE_PACKAGES}
    assert set(BYTE_PACKAGES) == _pinned_for_bytes()
    assert manifest["tools"]["pillow"] == __import__("importlib.metadata").metadata.version("pillow")
    assert manifest["options"] == {"formats": ["docx", "pdf"], "archive": False, "profile": ""}
    letters = manifest["letters"]
    out = workdir / "out"
    entry = letters["../specs/b-letter.yaml"]  # paths relative to the output folder
    assert entry["status"] == "rendered"
    assert entry["seconds"] > 0
    assert sorted(Path(p).name for p in entry["inputs"]) == [
        "_base.html.j2",
        "_parts.html.j2",
        "b-letter.yaml",
        "letter.css",
        "letter.html.j2",
    ]
    for path, digest in entry["inputs"].items():
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest
    for fmt, record in entry["outputs"].items():
        data = (out / record["path"]).read_bytes()
        assert record["path"] == f"b-letter.{fmt}"
        assert (record["sha256"], record["size"]) == (hashlib.sha256(data).hexdigest(), len(data))
    bad = letters["../specs/c-bad.yaml"]
    assert bad["status"] == "failed"
    assert bad["outputs"] == {}
    assert bad["errors"][0].endswith(
        "report.published: expected a date like 2020-03-30 (year-month-day), got '18/09/2025'; did you mean 2025-09-18?"
    )


def test_a_worker_pool_gives_the_same_letters(workdir: Path) -> None:
    batch(workdir)
    single = {p.name: p.read_bytes() for p in (workdir / "out").glob("*.*") if p.suffix != ".json"}
    out = io.StringIO()
    argv = ["batch", str(workdir / "specs"), "-o", str(workdir / "pool"), "--templates", str(workdir / "templates")]
    assert cli.main([*argv, "--jobs", "2"], out, io.StringIO()) == 1
    assert {p.name: p.read_bytes() for p in (workdir / "pool").glob("*.*") if p.suffix != ".json"} == single


def test_workers_are_replaced_and_the_batch_completes(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jtai_letters.pipeline import batch as batch_module

    monkeypatch.setattr(batch_module, "TASKS_PER_WORKER", 1)  # every worker retires after one letter
    for i in range(3):
        shutil.copy(HERE / "minimal.yaml", workdir / "specs" / f"d{i}.yaml")
    specs = sorted((workdir / "specs").glob("*.yaml"))
    options = batch_module.Options(templates_dir=workdir / "templates")
    report = batch_module.run(specs, workdir / "out", jobs=2, options=options)
    assert [s.status for s in report.letters] == ["rendered", "rendered", "failed", "rendered", "rendered", "rendered"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_and_the_same_summary(workdir: Path) -> None:
    out = _Terminal()
    argv = ["batch", str(workdir / "specs"), "-o", str(workdir / "out"), "--templates", str(workdir / "templates")]
    assert cli.main([*argv, "--jobs", "1"], out, io.StringIO()) == 1
    shown = out.getvalue()
    assert "letters" in shown and "3/3" in shown  # rich's bar: description and count
    assert "2 rendered, 0 skipped (unchanged), 1 failed in " in shown


def test_an_unexpected_crash_costs_one_letter_not_the_batch(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jtai_letters.pipeline import batch as batch_module

    real_build = batch_module.build

    def fragile(spec: str, *args: object, **kwargs: object) -> object:
        if spec.endswith("a-statement.yaml"):
            raise RuntimeError("simulated library fault")
        return real_build(spec, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "build", fragile)
    code, lines = batch(workdir)
    assert code == 1
    assert statuses(lines) == {"a-statement.yaml": "failed", "b-letter.yaml": "rendered", "c-bad.yaml": "failed"}
    assert any(
        "could not be rendered (RuntimeError: simulated library fault); please report this" in line for line in lines
    )


def test_a_spec_named_twice_is_built_once(workdir: Path) -> None:
    out = io.StringIO()
    spec = workdir / "specs" / "a-statement.yaml"
    argv = [
        "batch",
        str(spec),
        str(workdir / "specs"),
        "-o",
        str(workdir / "out"),
        "--templates",
        str(workdir / "templates"),
    ]
    cli.main([*argv, "--jobs", "1"], out, io.StringIO())
    assert out.getvalue().count("a-statement.yaml") == 1
