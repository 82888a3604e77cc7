"""The fuzz tests' tally: examples run per input kind, commands run per verb and exit code, and, in a
long run, every fault found instead of the first.

A normal run (CI, `make test`) is the fuzz tests as they read: Hypothesis stops a test at its first
failure and shrinks it. A long run is asked for by hand with environment variables:

- `JTAI_FUZZ_SCALE=N` multiplies every test's example count. Above 1 the run is *long*: a fault is
  recorded (its kind, verb, exception, traceback, and a copy of the example's folder) and the test goes
  on to the next example, so an hour's run reports every fault it met, not the first.
- `JTAI_FUZZ_MINUTES=M` bounds the whole run's wall time: each test, when it starts, takes an equal
  share of what is left, and stops (reported as skipped, with its count) when its share is spent. No
  per-test cap cuts a run short otherwise. A long run is, for example:

      JTAI_FUZZ_SCALE=1000 JTAI_FUZZ_MINUTES=60 JTAI_FUZZ_REPORT=/tmp/fuzz.json \\
        nice -n 19 python -m pytest tests/test_fuzz.py -p no:cacheprovider -rs
- `JTAI_FUZZ_REPORT=file.json` is where the tally is written, after each example (so a run cut short
  still leaves its figures), with the faults' folders beside it in `file.faults/`. The tally is also
  printed at the end of the pytest run.
- An example running past `HANG_SECONDS` has every thread's stack written to `file.hangs.txt`.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import functools
import importlib
import json
import os
import pkgutil
import re
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis.errors import HypothesisException

SCALE = int(os.environ.get("JTAI_FUZZ_SCALE", "1"))
LONG = SCALE > 1
MINUTES = float(os.environ.get("JTAI_FUZZ_MINUTES", "0"))
REPORT = Path(os.environ["JTAI_FUZZ_REPORT"]) if os.environ.get("JTAI_FUZZ_REPORT") else None
HANG_SECONDS = 300  # an example this long is stuck (the slowest, a PDF with its archive, takes seconds)
KEPT_PER_FAULT = 3  # example folders kept for each distinct fault

F = TypeVar("F", bound=Callable[..., Any])


class Tally:
    """What a fuzz run did: examples per kind, commands per verb and exit code, faults by signature."""

    def __init__(self) -> None:
        self.started = time.time()
        self.kinds: dict[str, dict[str, Any]] = {}
        self.faults: dict[str, dict[str, Any]] = {}
        self.kind = ""
        self.argv: list[str] = []
        self.kept: Path | None = None
        self.order: list[str] = []  # the fuzz tests in the order they are defined (for time shares)
        self._written = 0.0

    # -- the command a check runs ---------------------------------------------------------------

    def command(self, argv: list[str]) -> None:
        self.argv = argv

    def exited(self, code: int) -> None:
        verbs = self.kinds.setdefault(self.kind, _kind())["verbs"]
        verb = self.argv[0] if self.argv and self.argv[0] in _verbs() else "(no verb)"
        codes = verbs.setdefault(verb, {})
        codes[str(code)] = codes.get(str(code), 0) + 1

    # -- an example's folder, kept when it faults -----------------------------------------------

    def keep(self, root: Path) -> None:
        """Copy a faulting example's folder beside the report (before its temporary folder goes): the
        innermost, when one example's folders nest (a folder made once, inside the example's)."""
        if REPORT is None or self.kept is not None:
            return
        number = sum(f["count"] for f in self.faults.values()) + 1
        kept = REPORT.with_suffix(".faults") / f"{number:04d}"
        with contextlib.suppress(OSError):  # keep what can be copied
            shutil.copytree(root, kept, symlinks=True, ignore=_special)
        self.kept = kept

    # -- the report -----------------------------------------------------------------------------

    def fault(self, error: BaseException) -> None:
        """Record a fault of the current example (long runs): by signature, with its first folders."""
        signature = _signature(self.kind, self.argv, error)
        found = self.faults.setdefault(
            signature,
            {
                "kind": self.kind,
                "argv": self.argv,
                "error": f"{type(error).__name__}: {str(error)[:2000]}",
                "traceback": "".join(traceback.format_exception(error))[-6000:],
                "count": 0,
                "kept": [],
            },
        )
        found["count"] += 1
        if self.kept is not None and len(found["kept"]) < KEPT_PER_FAULT:
            found["kept"].append(str(self.kept))
        elif self.kept is not None:
            shutil.rmtree(self.kept, ignore_errors=True)
        self.kinds.setdefault(self.kind, _kind())["faults"] += 1

    def summary(self) -> dict[str, Any]:
        return {
            "scale": SCALE,
            "minutes": MINUTES,
            "wall_seconds": round(time.time() - self.started, 1),
            "examples": sum(k["examples"] for k in self.kinds.values()),
            "kinds": self.kinds,
            "faults": list(self.faults.values()),
        }

    def write(self, force: bool = False) -> None:
        if REPORT is None or (not force and time.time() - self._written < 5):
            return
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        partial = REPORT.with_suffix(".partial")
        partial.write_text(json.dumps(self.summary(), indent=1, ensure_ascii=False))
        partial.replace(REPORT)
        self._written = time.time()

    def lines(self) -> list[str]:
        """The tally as the terminal shows it at the end of a run."""
        found = self.summary()
        out = [f"fuzz: {found['examples']} examples in {found['wall_seconds']} s (scale {SCALE}), "]
        out[0] += f"{len(self.faults)} distinct faults"
        for kind, seen in self.kinds.items():
            verbs = ", ".join(
                f"{verb} {sum(codes.values())} ({' '.join(f'exit {c}: {n}' for c, n in sorted(codes.items()))})"
                for verb, codes in sorted(seen["verbs"].items())
            )
            stop = f", stopped at its share of {seen['share_seconds']} s" if seen["stopped"] else ""
            out.append(f"  {kind}: {seen['examples']} examples in {seen['seconds']} s{stop}; {verbs}")
        for fault in self.faults.values():
            out.append(f"  FAULT x{fault['count']} in {fault['kind']}: {' '.join(fault['argv'][:1])}: {fault['error']}")
            out += [f"    kept: {k}" for k in fault["kept"]]
        return out


@functools.lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    """The command line's verbs (and `preview`, whose requests the preview's test counts as its own)."""
    import argparse

    from jtai_letters import cli

    actions = cli._parser()._actions
    [verbs] = [a for a in actions if isinstance(a, argparse._SubParsersAction)]
    return frozenset(verbs.choices)


def _special(folder: str, names: list[str]) -> list[str]:
    """What a copy must leave out: FIFOs and devices (opening one to copy it would wait forever)."""
    return [
        n for n in names if not (os.path.islink(p := os.path.join(folder, n)) or os.path.isfile(p) or os.path.isdir(p))
    ]


def _kind() -> dict[str, Any]:
    return {
        "examples": 0,
        "seconds": 0.0,
        "began": None,
        "faults": 0,
        "stopped": False,
        "share_seconds": None,
        "verbs": {},
    }


def _signature(kind: str, argv: list[str], error: BaseException) -> str:
    """What makes two faults the same: the kind, the verb, the exception's type, where it was raised in
    the project (or the test's assertion), and its message with numbers and paths taken out."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "jtai_letters" in f.filename] or frames[-1:]
    where = f"{Path(ours[-1].filename).name}:{ours[-1].name}" if ours else ""
    message = re.sub(r"/\S+|\d+", "#", str(error).splitlines()[0] if str(error) else "")[:200]
    return f"{kind}|{argv[0] if argv else ''}|{type(error).__name__}|{where}|{message}"


TALLY = Tally()
if LONG:  # the code as it was when the run began: a module imported late would be read as edited since
    import jtai_letters

    for module in pkgutil.walk_packages(jtai_letters.__path__, "jtai_letters."):
        importlib.import_module(module.name)
if REPORT is not None:
    atexit.register(TALLY.write, force=True)  # the figures of a run that ends early too


def fuzzed(test: F) -> F:
    """A fuzz test's body, counted and timed; in a long run its faults are recorded and the run goes
    on, and it stops at its share of `JTAI_FUZZ_MINUTES`. Put it under `@given`."""
    kind = test.__name__.removeprefix("test_")
    TALLY.order.append(kind)

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        seen = TALLY.kinds.setdefault(kind, _kind())
        if MINUTES and seen["share_seconds"] is None:  # this test's first example: its share of what is left
            left = TALLY.started + MINUTES * 60 - time.time()
            seen["share_seconds"] = round(max(left, 0) / len(TALLY.order[TALLY.order.index(kind) :]), 1)
            seen["began"] = time.time()
        TALLY.kind, TALLY.argv, TALLY.kept = kind, [], None
        began = time.monotonic()
        if LONG and REPORT is not None:
            with REPORT.with_suffix(".hangs.txt").open("a") as hangs:
                faulthandler.dump_traceback_later(HANG_SECONDS, file=hangs)
                try:
                    _once(test, args, kwargs)
                finally:
                    faulthandler.cancel_dump_traceback_later()
        else:
            _once(test, args, kwargs)
        seen["examples"] += 1
        seen["seconds"] = round(seen["seconds"] + time.monotonic() - began, 2)
        TALLY.write()
        # The share spent: stop after this example, not before the next (whose draws Hypothesis has begun
        # to replay: stopping before them is "inconsistent data generation" to it).
        if MINUTES and time.time() - seen["began"] >= seen["share_seconds"]:  # wall time, generating included
            seen["stopped"] = True
            TALLY.write(force=True)
            pytest.skip(f"fuzz: {seen['examples']} examples in its share of {seen['share_seconds']} s")

    return run  # type: ignore[return-value]


def _once(test: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        test(*args, **kwargs)
    except HypothesisException:  # Hypothesis's own signals (an assumption, a frozen draw): its to handle
        raise
    except Exception as error:
        if not LONG:
            raise
        TALLY.fault(error)
        print(f"fuzz fault in {TALLY.kind}: {type(error).__name__}: {str(error)[:300]}", file=sys.__stderr__)
