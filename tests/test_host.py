"""A library leaves its host alone; its uses of other libraries' internals are in one module, version-checked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from jtai_letters import JtaiError, patches

from .helpers import ROOT

# Run in a fresh interpreter: the test process has imported (and configured) everything already.
_HOST = """
import gc, json, logging, sys
from PIL import ImageFile

def state():
    loggers = {n: (l.level, l.propagate, l.disabled, len(l.handlers))
               for n, l in logging.root.manager.loggerDict.items() if isinstance(l, logging.Logger)}
    root = logging.getLogger()
    return {"gc": gc.isenabled(), "frozen": gc.get_freeze_count(), "thresholds": gc.get_threshold(),
            "truncated": ImageFile.LOAD_TRUNCATED_IMAGES, "root": (root.level, len(root.handlers)),
            "loggers": {n: v for n, v in loggers.items() if n in seen}}

seen = set(logging.root.manager.loggerDict)
before = state()
import jtai_letters
from jtai_letters import outputs
letter = jtai_letters.render(jtai_letters.load_spec(sys.argv[1]))
for fmt in ("pdf", "docx", "html"):
    outputs.write(fmt, letter)
jtai_letters.validate(__import__("pathlib").Path(sys.argv[1]))
after = state()
# What the printing libraries log outside a letter still reaches the host's own handlers.
heard = []
class Heard(logging.Handler):
    def emit(self, record): heard.append(record.getMessage())
logging.getLogger().addHandler(Heard())
logging.getLogger("weasyprint").warning("the host's own record")
print(json.dumps({"before": before, "after": after, "heard": heard}))
"""


def test_importing_and_rendering_leave_the_hosts_process_as_it_was() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _HOST, str(ROOT / "tests" / "minimal.yaml")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    import json

    found = json.loads(done.stdout)
    assert found["before"] == found["after"]
    assert found["before"]["gc"] is True and found["before"]["frozen"] == 0
    assert found["heard"] == ["the host's own record"]


def test_every_private_internal_is_reached_through_the_patches_module() -> None:
    internals = re.compile(
        r"\._build_box_tree|\.find_library\b|\._blob\b|\._element\b|\._data\b|\._initialise_columns|rules_core\.smartquotes"
    )
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "jtai_letters").rglob("*.py"))
        if path.name != "patches.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if internals.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("name", sorted(patches.PATCHES))
def test_another_version_of_a_patched_library_fails_loudly(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    patch = patches.PATCHES[name]
    monkeypatch.setattr(patches, "version", lambda library: "0.0.1" if library == patch.library else "?")
    patches.require.cache_clear()
    try:
        with pytest.raises(JtaiError) as raised:
            patches.require(name)
    finally:
        patches.require.cache_clear()
    problem = raised.value.problems[0]
    assert (problem.rule, problem.path) == ("internal", Path(patches.__file__))
    assert str(problem).startswith(f"{problem.path}: {patch.library} 0.0.1 is installed, but jtai-letters relies on ")
    assert str(problem).endswith("or please report this")


def test_each_patch_is_written_for_the_version_installed_and_constrained() -> None:
    from importlib.metadata import version

    pinned = dict(
        line.split("==")
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    )
    for name, patch in patches.PATCHES.items():
        assert patch.version == version(patch.library) == pinned[patch.library], name
        patches.require(name)


def test_remembered_page_references_are_pydyfs_own_and_follow_each_new_page() -> None:
    import pydyf

    import jtai_letters.outputs.pdf  # noqa: F401  (applies the patch)

    pdf = pydyf.PDF()
    answers = []
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        answers.append((pdf.page_references, pdf.page_references))
    assert [first for first, _ in answers] == [(b"3 0 R",), (b"3 0 R", b"4 0 R"), (b"3 0 R", b"4 0 R", b"5 0 R")]
    assert all(first is again for first, again in answers)  # built once per page count, not once per question


def _collector() -> tuple[tuple[int, int, int], bool]:
    import gc

    return gc.get_threshold(), gc.get_freeze_count() > 0


def test_a_render_child_collects_less_often_and_leaves_the_parents_collector_alone() -> None:
    from jtai_letters.pipeline.build import bounded

    before = _collector()
    in_child = bounded(_collector, timeout=30, memory_mb=512)
    assert in_child == ((10_000, 50, 50), True)  # what it inherited frozen; WeasyPrint's boxes walked less
    assert _collector() == before
