from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jtai_letters import build

from .helpers import SPECS

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzz tests' tally, when a long run (or one writing a report) asked for it (tests/fuzzing.py)."""
    from .fuzzing import LONG, REPORT, TALLY

    if TALLY.kinds and (LONG or REPORT):
        TALLY.write(force=True)
        for line in TALLY.lines():
            terminalreporter.write_line(line)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from the example specs")


@pytest.fixture(scope="session")
def letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every example spec built once: {spec stem: {"docx": path, "pdf": path}}."""
    out = tmp_path_factory.mktemp("letters")
    built: dict[str, dict[str, Path]] = {}
    for spec in SPECS:
        result = build(spec, out)
        built[spec.stem] = {p.suffix[1:]: p for p in result.outputs}
    return built


@pytest.fixture(scope="session")
def browser() -> Iterator[BrowserContext]:
    """One headless Chromium for the whole session (starting one costs about a second)."""
    from .browser import chromium

    with chromium() as context:
        yield context


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def assert_no_logs() -> Iterator[None]:
    """Any warning a library logs during a test fails it (WeasyPrint's own habit): what the tool
    does not turn into a located problem would reach the officer as noise, or not at all."""
    handler = _Logged()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    unexpected = [f"{r.name}: {r.getMessage()}" for r in handler.records]
    assert not unexpected, unexpected
