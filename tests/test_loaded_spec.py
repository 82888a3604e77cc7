"""A spec as loaded travels as a `LoadedSpec`; the model holds none of the loader's state, and a spec is parsed once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jtai_letters import inspect, load_spec
from jtai_letters.spec import load as load_module
from jtai_letters.spec.load import LoadedSpec
from jtai_letters.spec.models import ResponseSpec

from .helpers import ROOT

WELSH = ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml"


def test_the_model_carries_no_loader_state() -> None:
    assert set(ResponseSpec.__private_attributes__) == set()  # no _source, _languages, _language_problems
    loaded = load_spec(WELSH)
    assert isinstance(loaded, LoadedSpec) and isinstance(loaded.spec, ResponseSpec)
    assert list(loaded.letters()) == ["cy-GB", "en-GB"]
    assert loaded.letters()["en-GB"].spec.report.title.startswith("An inspection of Tir Llechen")
    assert loaded.source.path == WELSH and loaded.source.profile == ROOT / "profiles" / "tir-llechen.yaml"
    # A profile that names the logo: its path is the profile folder's, known to the loaded spec alone.
    loamshire = load_spec(ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml")
    assert loamshire.image_base("logo") == ROOT / "profiles" and loamshire.letters() == {"en-GB": loamshire}


@pytest.mark.parametrize(
    "name", ["wrong-date.yaml", "unknown-key.yaml", "unanswered-recommendation.yaml", "missing-field.yaml"]
)
def test_an_invalid_spec_is_parsed_once(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / name
    shutil.copy(ROOT / "tests" / "bad" / name, spec)
    parsed: list[Path] = []
    real = load_module.parse_yaml

    def counted(text: str, path: Path) -> object:
        if path == spec:
            parsed.append(path)
        return real(text, path)

    monkeypatch.setattr(load_module, "parse_yaml", counted)
    found = inspect(spec, until="render")
    assert found.errors  # every problem found, the salvaged ones too...
    assert parsed == [spec]  # ...from one parse (load_spec, salvage and the deadline once parsed it three times)
