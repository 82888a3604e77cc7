"""Batches that never go stale or overwrite, and never hang: issue items each pinned by one test."""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import signal
import time
from pathlib import Path

import pytest

from jtai_letters import cli
from jtai_letters.pipeline import batch as batch_module

from .helpers import ROOT

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "minimal.yaml"
HAMPSHIRE = ROOT / "responses" / "hampshire-2020-csa-family.yaml"
SUMMARY = "{} rendered, {} skipped (unchanged), {} failed"
RENDERED = "{} rendered, {} failed"  # render never skips a letter, and does not say it did


def run(*argv: str | Path) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(a) for a in argv], out, err)
    return code, out.getvalue().splitlines(), err.getvalue()


def batch(*argv: str | Path) -> tuple[int, list[str]]:
    code, lines, _ = run("batch", *argv, "--jobs", "1")
    return code, lines


def statuses(lines: list[str]) -> dict[str, str]:
    return {Path(parts[1]).name: parts[0] for line in lines if len(parts := line.split()) == 2}


def summary(lines: list[str]) -> str:
    return lines[-1].split(" in ")[0]


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    folder = tmp_path / "specs"
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "a.yaml")
    shutil.copy(MINIMAL, folder / "b.yaml")
    return folder


def test_batch_reports_each_letters_warnings_in_the_terminal_and_the_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "specs"
    shutil.copytree(ROOT / "responses", folder)
    code, lines = batch(folder / HAMPSHIRE.name, "-o", tmp_path / "out")
    assert code == 0
    late = [line for line in lines if "warning: response.date: the response is dated 43 days after" in line]
    assert len(late) == 1
    entry = json.loads((tmp_path / "out" / "manifest.json").read_text())["letters"][f"../specs/{HAMPSHIRE.name}"]
    assert any("43 days after the s55 deadline" in w for w in entry["warnings"])
    _, again = batch(folder / HAMPSHIRE.name, "-o", tmp_path / "out")  # skipped, and still said
    assert statuses(again) == {HAMPSHIRE.name: "skipped"}
    assert any("43 days after" in line for line in again)


def test_render_and_batch_always_end_with_one_summary_line(specs: Path, tmp_path: Path) -> None:
    code, lines, _ = run("render", specs / "a.yaml", "-o", tmp_path / "r")
    assert (code, lines[-1]) == (0, RENDERED.format(1, 0))
    code, lines = batch(specs, "-o", tmp_path / "b")
    assert (code, summary(lines)) == (0, SUMMARY.format(2, 0, 0))
    code, lines = batch(specs, "-o", tmp_path / "b")
    assert (code, summary(lines)) == (0, SUMMARY.format(0, 2, 0))


def test_a_change_in_the_tools_own_code_renders_again(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch(specs, "-o", tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["tools"]["code"] == batch_module.code_digest()
    monkeypatch.setattr(batch_module, "code_digest", lambda: "a fix in the DOCX writer")
    assert summary(batch(specs, "-o", tmp_path / "out")[1]) == SUMMARY.format(2, 0, 0)


def test_specs_of_the_same_name_keep_their_folders_and_never_overwrite(tmp_path: Path) -> None:
    for sub in ("north", "south"):
        (tmp_path / "specs" / sub).mkdir(parents=True)
        text = MINIMAL.read_text().replace("We welcome the report.", f"We welcome the report in the {sub}.")
        (tmp_path / "specs" / sub / "letter.yaml").write_text(text)
    for verb in ("render", "batch"):
        out = tmp_path / verb
        code, lines, _ = run(verb, tmp_path / "specs", "-o", out)
        assert code == 0, lines
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == [
            "north/letter.pdf",
            "south/letter.pdf",
        ]
    # Named one by one, the two would be written to the same file: refused, naming both.
    code, _, err = run(
        "render", tmp_path / "specs" / "north" / "letter.yaml", tmp_path / "specs" / "south" / "letter.yaml"
    )
    assert code == 2
    assert f"{tmp_path / 'specs' / 'south' / 'letter.yaml'}: and {tmp_path / 'specs' / 'north' / 'letter.yaml'}" in err
    assert "would both be written as letter.*" in err


def test_the_same_folder_written_relatively_or_absolutely_is_one_batch(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch(specs, "-o", tmp_path / "out")
    monkeypatch.chdir(tmp_path)
    assert summary(batch("specs", "-o", "out")[1]) == SUMMARY.format(0, 2, 0)


def test_a_partial_batch_updates_only_its_own_entries(specs: Path, tmp_path: Path) -> None:
    batch(specs, "-o", tmp_path / "out")
    batch(specs / "a.yaml", "-o", tmp_path / "out")
    letters = json.loads((tmp_path / "out" / "manifest.json").read_text())["letters"]
    assert sorted(letters) == ["../specs/a.yaml", "../specs/b.yaml"]
    assert summary(batch(specs, "-o", tmp_path / "out")[1]) == SUMMARY.format(0, 2, 0)


def test_letters_of_a_removed_spec_are_reported_and_pruned_on_request(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch(specs, "-o", out)
    (specs / "b.yaml").unlink()
    code, lines = batch(specs, "-o", out)
    assert code == 0
    assert f"{out / '../specs/b.yaml'}: its spec is gone; its letters stay in {out} (--prune removes them)" in lines
    assert (out / "b.pdf").exists()
    code, lines = batch(specs, "-o", out, "--prune")
    assert f"{out / 'b.pdf'}: removed (its spec is gone)" in lines
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "a.pdf", "manifest.json"]
    assert not any("spec is gone" in line for line in batch(specs, "-o", out)[1])


def test_an_interrupted_batch_keeps_the_letters_it_finished(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt  # as Ctrl-C (or a kill) would, before the manifest is written

    monkeypatch.setattr(batch_module, "_write_manifest", interrupted)
    code, _, err = run("batch", specs, "-o", tmp_path / "out", "--jobs", "1")
    assert (code, err) == (130, "interrupted\n")
    assert not (tmp_path / "out" / "manifest.json").exists()
    monkeypatch.undo()
    assert summary(batch(specs, "-o", tmp_path / "out")[1]) == SUMMARY.format(0, 2, 0)  # from the journal
    assert not (tmp_path / "out" / batch_module.JOURNAL).exists()  # folded into the manifest


def test_a_failed_spec_names_its_older_letter_as_out_of_date(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch(specs, "-o", out)
    (specs / "a.yaml").write_text((specs / "a.yaml").read_text().replace("2025-09-18", "18/09/2025"))
    code, lines = batch(specs, "-o", out)
    assert code == 1
    assert f"{out / 'a.pdf'}: out of date: an older letter of {specs / 'a.yaml'}, which failed this time" in lines
    assert summary(lines) == SUMMARY.format(0, 1, 1)


def test_weasyprint_warnings_become_located_problems_and_strict_refuses_the_letter(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "statement.css").write_text("p { colr: red; font-size: 12potatoes; }\n")
    code, _, err = run("render", MINIMAL, "--templates", templates, "-o", tmp_path / "out")
    assert code == 0
    printed = [line for line in err.splitlines() if ": warning: while printing: " in line]
    assert len(printed) == 2 and all(line.startswith(f"{MINIMAL}: warning: ") for line in printed)
    assert "colr" in printed[0] and "12potatoes" in printed[1]
    code, _, err = run("render", MINIMAL, "--templates", templates, "-o", tmp_path / "strict", "--strict")
    assert code == 1
    assert err.startswith(f"{templates / 'statement.css'}:1:5: Ignored `colr: red`, unknown property\n")  # an error now
    assert not (tmp_path / "strict").exists()


def test_a_worker_killed_mid_letter_fails_that_letter_and_the_batch_goes_on(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = batch_module.build

    def killed(spec: str, *args: object, **kwargs: object) -> object:
        if spec.endswith("a.yaml"):
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return real(spec, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "build", killed)  # workers are forked: they inherit it
    code, lines = batch(specs, "-o", tmp_path / "out")
    assert code == 1
    assert statuses(lines) == {"a.yaml": "failed", "b.yaml": "rendered"}
    assert (
        f"{specs / 'a.yaml'}: stopped the worker making it (SIGKILL: out of memory?); the other letters went on"
        in lines
    )


def test_a_letter_over_its_time_limit_fails_alone(specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch_module.build

    def slow(spec: str, *args: object, **kwargs: object) -> object:
        if spec.endswith("a.yaml"):
            time.sleep(600)
        return real(spec, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "build", slow)
    start = time.monotonic()
    # Time enough for b's letter on a loaded machine (1 s was not, beside six other test runs).
    code, lines = batch(specs, "-o", tmp_path / "out", "--timeout", "10")
    assert code == 1
    assert time.monotonic() - start < 300  # a hang guard: the batch did not wait out a's letter
    assert statuses(lines) == {"a.yaml": "failed", "b.yaml": "rendered"}
    assert (
        f"{specs / 'a.yaml'}: took longer than 10 s and was stopped (see --timeout); the other letters went on" in lines
    )


def test_render_has_the_same_time_limit(specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jtai_letters.pipeline import inspect as pipeline  # where letters are rendered

    real = pipeline.render

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "render", slow)
    code, lines, err = run("render", specs / "a.yaml", "-o", tmp_path / "out", "--timeout", "0.5")
    assert code == 1
    assert err == (f"{specs / 'a.yaml'}: took longer than 0.5 s and was stopped (see --timeout); nothing was written\n")
    assert lines == [RENDERED.format(0, 1)]


def test_a_letter_over_its_memory_limit_fails_alone(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = batch_module.build

    def hungry(spec: str, *args: object, **kwargs: object) -> object:
        if spec.endswith("a.yaml"):
            bytearray(8 * 1024**3)
        return real(spec, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "build", hungry)
    code, lines = batch(specs, "-o", tmp_path / "out", "--memory", "4096")
    assert code == 1
    assert statuses(lines) == {"a.yaml": "failed", "b.yaml": "rendered"}
    assert f"{specs / 'a.yaml'}: ran out of memory (the limit is 4096 MB a letter; see --memory)" in lines


def test_render_has_the_same_memory_limit_through_the_same_code(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jtai_letters.pipeline import build as build_module
    from jtai_letters.pipeline import inspect as pipeline  # where letters are rendered

    real = pipeline.render

    def hungry(loaded: object, *args: object, **kwargs: object) -> object:
        if str(loaded.source.path).endswith("a.yaml"):  # type: ignore[attr-defined]
            bytearray(8 * 1024**3)  # past --memory: in the letter's own process, never in this one
        return real(loaded, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "render", hungry)
    held = resource.getrlimit(resource.RLIMIT_AS)
    code, lines, err = run("render", specs / "a.yaml", specs / "b.yaml", "-o", tmp_path / "out", "--memory", "4096")
    assert code == 1
    assert err == f"{specs / 'a.yaml'}: needed more than 4,096 MB and was stopped (see --memory); nothing was written\n"
    assert lines == [
        f"{specs / 'b.yaml'} -> {tmp_path / 'out' / 'b.docx'}, {tmp_path / 'out' / 'b.pdf'}",
        RENDERED.format(1, 1),
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["b.docx", "b.pdf"]
    assert resource.getrlimit(resource.RLIMIT_AS) == held  # the letters' own processes were held, not this one
    assert build_module.limit_memory is batch_module.limit_memory  # one way to hold a process, the batch worker's


def test_a_letter_made_within_its_memory_limit_is_the_letter_made_without(specs: Path, tmp_path: Path) -> None:
    assert run("render", specs / "a.yaml", "-o", tmp_path / "here")[0] == 0
    code, lines, err = run("render", specs / "a.yaml", "-o", tmp_path / "apart", "--memory", "2048", "--timeout", "60")
    assert (code, err, lines[-1]) == (0, "", RENDERED.format(1, 0))
    for name in ("a.docx", "a.pdf"):
        assert (tmp_path / "apart" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name


def test_render_within_its_memory_limit_still_stops_at_its_time_limit(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jtai_letters.pipeline import inspect as pipeline

    monkeypatch.setattr(pipeline, "render", lambda *args, **kwargs: time.sleep(30))
    code, lines, err = run("render", specs / "a.yaml", "-o", tmp_path / "out", "--memory", "2048", "--timeout", "0.5")
    assert code == 1
    assert err == f"{specs / 'a.yaml'}: took longer than 0.5 s and was stopped (see --timeout); nothing was written\n"
    assert lines == [RENDERED.format(0, 1)]


def test_workers_are_told_to_die_with_the_batch() -> None:
    import ctypes
    import multiprocessing

    def child(queue: multiprocessing.Queue[int]) -> None:
        batch_module._die_with_parent()
        signal_number = ctypes.c_int()
        ctypes.CDLL(None).prctl(2, ctypes.byref(signal_number))  # PR_GET_PDEATHSIG
        queue.put(signal_number.value)

    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[int] = context.Queue()
    process = context.Process(target=child, args=(queue,))
    process.start()
    assert queue.get(timeout=10) == signal.SIGKILL
    process.join()


def test_when_the_manifest_cannot_be_written_the_letters_and_summary_are_still_reported(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jtai_letters.errors import OutputError, Problem

    def full(path: Path, *args: object) -> None:
        raise OutputError(Problem("cannot write: No space left on device", path))

    monkeypatch.setattr(batch_module, "_write_manifest", full)
    (specs / "b.yaml").write_text((specs / "b.yaml").read_text().replace("2025-09-18", "18/09/2025"))
    code, lines = batch(specs, "-o", tmp_path / "out")
    assert code == 1
    assert any(line.startswith(f"{specs / 'b.yaml'}:") for line in lines)
    assert (
        f"{tmp_path / 'out' / 'manifest.json'}: cannot write: No space left on device "
        "(the manifest was not updated: the next run checks every letter)"
    ) in lines
    assert summary(lines) == SUMMARY.format(1, 0, 1)


def test_an_output_folder_that_is_a_file_is_a_usage_error(specs: Path, tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder")
    code, _, err = run("batch", specs, "-o", tmp_path / "out")
    assert (code, err) == (2, f"error: {tmp_path / 'out'}: is a file, not an output folder\n")


def test_a_manifest_entry_edited_by_hand_means_render_again(specs: Path, tmp_path: Path) -> None:
    batch(specs, "-o", tmp_path / "out")
    path = tmp_path / "out" / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["letters"]["../specs/a.yaml"]["outputs"]
    manifest["letters"]["../specs/b.yaml"]["inputs"] = "garbled"
    path.write_text(json.dumps(manifest))
    assert summary(batch(specs, "-o", tmp_path / "out")[1]) == SUMMARY.format(2, 0, 0)


def test_temporary_files_of_a_killed_run_are_cleaned_up(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    left = out / ".a.pdf.k3j4h5.tmp"
    left.write_bytes(b"half a letter")
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    batch(specs, "-o", out)
    assert not left.exists()


def test_validate_predicts_the_css_warnings_without_weasyprint(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    sheet = templates / "statement.css"
    sheet.write_text("p {\n  colr: red;\n  color: #111;\n  --ok: 1;\n}\n@page { margn: 0 }\n")
    code, lines, _ = run("validate", MINIMAL, "--templates", templates)
    assert code == 0
    assert [line for line in lines if "Ignored" in line] == [
        f"{sheet}:2:3: warning: Ignored `colr: red`, unknown property",
        f"{sheet}:6:9: warning: Ignored `margn: 0`, unknown property",
    ]
    code, lines, _ = run("validate", MINIMAL, "--templates", templates, "--strict")
    assert code == 1


def test_the_css_check_knows_every_property_weasyprint_knows() -> None:
    from weasyprint.css.validation import NOT_PRINT_MEDIA, expanders, properties

    from jtai_letters.checks.css import KNOWN

    assert set(properties.PROPERTIES) | set(expanders.EXPANDERS) | set(NOT_PRINT_MEDIA) == KNOWN
