"""Every docstring example in the package runs, in every module (none hand-picked)."""

from __future__ import annotations

import doctest
import importlib

from .helpers import ROOT

MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for p in (ROOT / "jtai_letters").rglob("*.py")
)


def test_every_modules_examples_run() -> None:
    tried: dict[str, int] = {}
    for name in MODULES:
        module = importlib.import_module(name)  # __main__ too: importing it must not run the command line
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, name
        tried[name] = result.attempted
    # The modules whose examples once never ran.
    for name in ("letter.catalogue", "tracking.deadlines", "spec.language", "letter.templates"):
        assert tried[f"jtai_letters.{name}"] > 0, name
    assert sum(tried.values()) > 40


def test_make_test_runs_them_with_the_suite() -> None:
    import tomllib

    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in options["addopts"].split() and "jtai_letters" in options["testpaths"]
