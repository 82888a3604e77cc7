from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jtai_letters import build

from .helpers import SPECS

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext


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
