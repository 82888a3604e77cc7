"""batch: a batch process killed outright (SIGKILL) leaves no worker behind to keep writing letters."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import ROOT


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        children = {child for child, parent in parents.items() if parent == current}
        found |= children
        todo += children
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_stop_when_the_batch_is_killed(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    for i in range(8):
        shutil.copy(ROOT / "responses" / "nottinghamshire-2020-csa-family.yaml", tmp_path / "specs" / f"d{i}.yaml")
    argv = [sys.executable, "-m", "jtai_letters", "batch", str(tmp_path / "specs"), "-o", str(tmp_path / "out")]
    batch_process = subprocess.Popen([*argv, "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        give_up = time.monotonic() + 60
        while not list((tmp_path / "out").glob("*.pdf")) and time.monotonic() < give_up:
            time.sleep(0.05)
        workers = _descendants(batch_process.pid)
        assert workers  # the fork server and its workers
    finally:
        os.kill(batch_process.pid, signal.SIGKILL)
        batch_process.wait()
    give_up = time.monotonic() + 20
    while [p for p in workers if _alive(p)] and time.monotonic() < give_up:
        time.sleep(0.05)
    assert not [p for p in workers if _alive(p)]  # none left rendering, so none writing letters


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is gone
    except (OSError, IndexError):
        return False
